//! ADMINISTRATION > Employees: the provider's staff, their roles and their sign-in.

mod queries;
mod routes;

pub use queries::{
    active_options, all_options, display_name, display_name_in, insert, is_active_employee, update,
    EmployeeOption, SaveError,
};
pub use routes::routes;

use serde::Deserialize;

use crate::auth::{password, Role};
use crate::ids::{EmployeeId, ProviderSiteId};
use crate::text::{self, clean};
use crate::web::forms::parse_optional_number;
use crate::web::FieldErrors;

/// A provider employee as listed and edited.
#[derive(Clone, Debug)]
pub struct Employee {
    pub id: EmployeeId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: String,
    pub phone: String,
    pub role: Role,
    pub home_site_id: Option<ProviderSiteId>,
    pub home_site_name: String,
    pub active: bool,
    pub version: i64,
}

impl Employee {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The employee form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmployeeForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: String,
    pub phone: String,
    pub role: String,
    pub home_site_id: String,
    pub password: String,
    pub version: String,
}

/// An employee form that passed validation.
#[derive(Clone, Debug)]
pub struct EmployeeInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: String,
    pub phone: String,
    pub role: Role,
    pub home_site_id: Option<ProviderSiteId>,
    /// A new password; `None` keeps the current one when editing.
    pub password: Option<String>,
}

impl EmployeeForm {
    pub fn from_employee(employee: &Employee) -> EmployeeForm {
        EmployeeForm {
            first_name: employee.first_name.clone(),
            last_name: employee.last_name.clone(),
            email: employee.email.clone(),
            title: employee.title.clone(),
            phone: employee.phone.clone(),
            role: employee.role.as_str().to_owned(),
            home_site_id: employee
                .home_site_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            password: String::new(),
            version: employee.version.to_string(),
        }
    }

    /// Checks every field; `password_required` is true when creating an employee.
    pub fn validate(&self, password_required: bool) -> Result<EmployeeInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let first_name = clean(&self.first_name);
        let last_name = clean(&self.last_name);
        let email = self.email.trim().to_owned();
        let title = clean(&self.title);
        let phone = clean(&self.phone);

        errors.check_text("first_name", &first_name, true, 100);
        errors.check_text("last_name", &last_name, true, 100);
        errors.check_text("email", &email, true, 254);
        if !email.is_empty() && !text::is_plausible_email(&email) {
            errors.add("email", "Enter an email address such as name@example.com.");
        }
        errors.check_text("title", &title, false, 100);
        errors.check_text("phone", &phone, false, 50);

        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.add("role", "Choose Administrator or Staff.");
        }
        let home_site_id = parse_optional_number(&self.home_site_id);
        if home_site_id.is_err() {
            errors.add("home_site_id", "Choose a site from the list.");
        }

        let password = if self.password.is_empty() && !password_required {
            None
        } else if let Some(problem) = password::problem(&self.password) {
            errors.add("password", problem);
            None
        } else {
            Some(self.password.clone())
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EmployeeInput {
            first_name,
            last_name,
            email,
            title,
            phone,
            role: role.unwrap_or(Role::Staff),
            home_site_id: home_site_id.unwrap_or(None).map(ProviderSiteId),
            password,
        })
    }
}
