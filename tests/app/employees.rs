//! ADMINISTRATION > Employees: the employee form, roles, the last administrator, deactivation
//! with reassignment, and what staff without the administrator role may reach.

use calserve::auth::Role;
use reqwest::StatusCode;

use crate::support::{set_field, with_field, Account, TestApp, TestClient, PASSWORD};

/// A complete, valid new-employee form.
const NEW_EMPLOYEE: [(&str, &str); 7] = [
    ("first_name", "Marie"),
    ("last_name", "Curie"),
    ("email", "marie@acme.test"),
    ("title", "Metrologist"),
    ("phone", "316-555-0101"),
    ("role", "staff"),
    ("password", "radium and polonium"),
];

async fn is_active(app: &TestApp, employee: &Account) -> bool {
    app.optional_number("SELECT active FROM employees WHERE id = $1", employee.id.0)
        .await
        == Some(1)
}

async fn deactivate(
    admin: &TestClient,
    employee: &Account,
    successor: &str,
) -> crate::support::Page {
    admin
        .post_form(
            &format!("/admin/employees/{}/deactivate", employee.id),
            &[("successor", successor)],
        )
        .await
}

/// Option values of a drop-down, without the empty "none" entry.
fn option_values(page: &crate::support::Page, name: &str) -> Vec<String> {
    page.select_options(name)
        .into_iter()
        .map(|(value, _)| value)
        .filter(|value| !value.is_empty())
        .collect()
}

db_tests! {
    async fn employee_create_edit_deactivate_activate(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let site = provider.site_id.to_string();

        let created = admin
            .post_form(
                "/admin/employees/new",
                &with_field(&NEW_EMPLOYEE, "home_site_id", &site),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            created.form_errors()
        );
        assert_eq!(created.location(), Some("/admin/employees?saved=1"));
        let id = app
            .optional_number(
                "SELECT id FROM employees WHERE email_key = 'marie@acme.test' AND provider_id = $1",
                provider.id.0,
            )
            .await
            .expect("the new employee");
        let marie = Account {
            id: calserve::ids::EmployeeId(id),
            name: "Marie Curie".to_owned(),
            email: "marie@acme.test".to_owned(),
            password: "radium and polonium".to_owned(),
        };
        assert_eq!(
            app.text("SELECT role FROM employees WHERE id = $1", id)
                .await,
            "staff"
        );
        assert_eq!(
            app.optional_number("SELECT home_site_id FROM employees WHERE id = $1", id)
                .await,
            Some(provider.site_id.0)
        );
        let list = admin.get("/admin/employees?saved=1").await;
        assert!(list.has_text("Marie Curie"));
        assert!(list.has_text("Metrologist"));
        let marie_browser = app.signed_in(&marie.email, &marie.password).await;

        let path = format!("/admin/employees/{id}");
        let edit = admin.get(&path).await;
        assert_eq!(
            edit.input_value("email").as_deref(),
            Some("marie@acme.test")
        );
        assert_eq!(edit.input_value("password").as_deref(), Some(""));
        let mut fields = edit.form_fields(&path);
        set_field(&mut fields, "title", "Chief Metrologist");
        let saved = admin.post_fields(&path, &fields).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            saved.form_errors()
        );
        assert_eq!(
            app.text("SELECT title FROM employees WHERE id = $1", id)
                .await,
            "Chief Metrologist"
        );
        assert_eq!(
            marie_browser.get("/clients/new").await.status,
            StatusCode::OK,
            "saving without a new password ended the session"
        );

        let page = deactivate(&admin, &marie, "").await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );
        assert!(!is_active(&app, &marie).await);
        assert_eq!(
            marie_browser.get("/clients/new").await.status,
            StatusCode::SEE_OTHER
        );
        let list = admin.get("/admin/employees").await;
        assert!(list.has_text("Inactive"));

        let activated = admin
            .post_form(&format!("/admin/employees/{id}/activate"), &[])
            .await;
        assert_eq!(activated.status, StatusCode::SEE_OTHER);
        assert!(is_active(&app, &marie).await);
        app.signed_in(&marie.email, &marie.password).await;
        for action in ["created", "updated", "deactivated", "activated"] {
            assert_eq!(
                app.count_where(
                    "audit_events",
                    &format!("entity = 'employee' AND entity_id = {id} AND action = '{action}'")
                )
                .await,
                1,
                "no {action} event recorded"
            );
        }
    }

    async fn new_password_ends_other_sessions(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let sam = app.add_employee(&provider, "Sam", Role::Staff).await;
        let sam_browser = app.signed_in(&sam.email, PASSWORD).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let path = format!("/admin/employees/{}", sam.id);
        let mut fields = admin.get(&path).await.form_fields(&path);
        set_field(&mut fields, "password", "a brand new passphrase");

        let saved = admin.post_fields(&path, &fields).await;

        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        assert_eq!(
            sam_browser.get("/clients/new").await.status,
            StatusCode::SEE_OTHER
        );
        app.signed_in(&sam.email, "a brand new passphrase").await;
        let old = app.client().sign_in(&sam.email, PASSWORD).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    }

    async fn employee_form_rejects_bad_input(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let colleague = app.add_employee(&provider, "Sam", Role::Staff).await;
        let same_provider_email = colleague.email.to_uppercase();
        let other_provider_email = other.admin.email.to_uppercase();
        let other_site = other.site_id.to_string();
        let long_name = "N".repeat(101);
        let cases = [
            ("first_name", "", "This field is required."),
            ("last_name", "   ", "This field is required."),
            (
                "first_name",
                long_name.as_str(),
                "Use at most 100 characters.",
            ),
            ("email", "", "This field is required."),
            (
                "email",
                "marie.acme.test",
                "Enter an email address such as name@example.com.",
            ),
            (
                "email",
                "marie@acme",
                "Enter an email address such as name@example.com.",
            ),
            ("password", "Sh0rt!pw", "Use at least 10 characters."),
            ("password", "", "Use at least 10 characters."),
            (
                "email",
                same_provider_email.as_str(),
                "This email already signs in to calserve.",
            ),
            (
                "email",
                other_provider_email.as_str(),
                "This email already signs in to calserve.",
            ),
            ("role", "owner", "Choose Administrator or Staff."),
            (
                "home_site_id",
                other_site.as_str(),
                "Choose a site from the list.",
            ),
        ];
        let employees_before = app.count("employees").await;
        let events_before = app.count("audit_events").await;

        for (field, value, message) in cases {
            let form = with_field(&NEW_EMPLOYEE, field, value);
            let page = admin.post_form("/admin/employees/new", &form).await;

            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}={value:?} was accepted"
            );
            let error = page.field_error(field).unwrap_or_else(|| {
                panic!(
                    "no error next to {field} for {value:?}: {:?}",
                    page.form_errors()
                )
            });
            assert!(
                error.contains(message),
                "{field}={value:?}: unexpected message {error:?}"
            );
            assert!(
                !page.has_text("Other Cal"),
                "the message reveals another provider"
            );
            for name in ["first_name", "last_name", "email", "title", "phone"] {
                let typed = form.iter().find(|(f, _)| *f == name).unwrap().1;
                assert_eq!(
                    page.input_value(name).as_deref(),
                    Some(typed),
                    "{name} lost its input"
                );
            }
            let password = form.iter().find(|(f, _)| *f == "password").unwrap().1;
            assert_eq!(page.input_value("password").as_deref(), Some(""));
            if !password.is_empty() {
                assert!(!page.body.contains(password), "the password was sent back");
            }
            assert_eq!(
                app.count("employees").await,
                employees_before,
                "{field}={value:?} stored an employee"
            );
            assert_eq!(app.count("audit_events").await, events_before);
        }
    }

    async fn edit_to_duplicate_email_changes_nothing(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let sam = app.add_employee(&provider, "Sam", Role::Staff).await;
        let path = format!("/admin/employees/{}", sam.id);
        let mut fields = admin.get(&path).await.form_fields(&path);
        set_field(&mut fields, "email", &provider.admin.email.to_uppercase());
        set_field(&mut fields, "title", "Changed title");

        let page = admin.post_fields(&path, &fields).await;

        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page
            .field_error("email")
            .unwrap_or_default()
            .contains("already signs in"));
        assert_eq!(page.input_value("title").as_deref(), Some("Changed title"));
        assert_eq!(
            app.text("SELECT email FROM employees WHERE id = $1", sam.id.0)
                .await,
            sam.email
        );
        assert_eq!(
            app.text("SELECT title FROM employees WHERE id = $1", sam.id.0)
                .await,
            "Calibration technician"
        );
    }

    async fn last_administrator_stays_administrator(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let path = format!("/admin/employees/{}", provider.admin.id);

        let mut fields = admin.get(&path).await.form_fields(&path);
        set_field(&mut fields, "role", "staff");
        let demoted = admin.post_fields(&path, &fields).await;
        assert_eq!(demoted.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(demoted
            .field_error("role")
            .unwrap_or_default()
            .contains("only active administrator"));
        assert_eq!(
            app.text(
                "SELECT role FROM employees WHERE id = $1",
                provider.admin.id.0
            )
            .await,
            "administrator"
        );

        let page = admin
            .get(&format!(
                "/admin/employees/{}/deactivate",
                provider.admin.id
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let rejected = deactivate(&admin, &provider.admin, "").await;
        assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(rejected
            .form_message()
            .unwrap_or_default()
            .contains("cannot deactivate yourself"));
        assert!(is_active(&app, &provider.admin).await);

        let second = app
            .add_employee(&provider, "Bea", Role::Administrator)
            .await;
        let second_browser = app.signed_in(&second.email, PASSWORD).await;
        let path_second = format!("/admin/employees/{}", second.id);
        let mut fields = admin.get(&path_second).await.form_fields(&path_second);
        set_field(&mut fields, "role", "staff");
        let ok = admin.post_fields(&path_second, &fields).await;
        assert_eq!(
            ok.status,
            StatusCode::SEE_OTHER,
            "demoting one of two administrators failed"
        );
        assert_eq!(
            second_browser.get("/admin/sites").await.status,
            StatusCode::FORBIDDEN
        );

        let mut fields = admin.get(&path).await.form_fields(&path);
        set_field(&mut fields, "role", "staff");
        let again = admin.post_fields(&path, &fields).await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the last administrator was demoted"
        );
        assert_eq!(
            app.count_where(
                "employees",
                &format!(
                    "provider_id = {} AND role = 'administrator' AND active = 1",
                    provider.id
                )
            )
            .await,
            1
        );
    }

    async fn deactivation_page_lists_affected_clients(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
        let owen = app.add_employee(&provider, "Owen", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let site = provider.site_id.to_string();
        let (rita_id, owen_id) = (rita.id.to_string(), owen.id.to_string());
        admin
            .create_client(&[("name", "Initech"), ("representative_id", &rita_id)])
            .await;
        admin
            .create_client(&[("name", "Globex"), ("serving_site_id", &site)])
            .await;
        admin
            .create_client(&[
                ("name", "Umbrella"),
                ("serving_site_id", &site),
                ("representative_id", &owen_id),
            ])
            .await;
        admin.create_client(&[("name", "Hooli")]).await;
        admin
            .set_site_default_representative(provider.site_id, Some(rita.id))
            .await;

        let page = admin
            .get(&format!("/admin/employees/{}/deactivate", rita.id))
            .await;

        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.has_text("2 clients"),
            "wrong count of affected clients"
        );
        assert!(page.has_text("Initech"));
        assert!(page.has_text("Globex"));
        assert!(
            !page.has_text("Umbrella"),
            "a client with its own representative is listed"
        );
        assert!(
            !page.has_text("Hooli"),
            "a client without representative is listed"
        );
        assert!(page.has_text("client-specific"));
        assert!(page.has_text("site default (Main Lab)"));
        let successors = option_values(&page, "successor");
        assert!(successors.contains(&owen_id));
        assert!(
            !successors.contains(&rita_id),
            "the employee is offered as their own successor"
        );
    }

    async fn deactivation_moves_accounts_to_successor(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
        let sam = app.add_employee(&provider, "Sam", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let site = provider.site_id.to_string();
        let rita_id = rita.id.to_string();
        let own = admin
            .create_client(&[("name", "Initech"), ("representative_id", &rita_id)])
            .await;
        let inheriting = admin
            .create_client(&[("name", "Globex"), ("serving_site_id", &site)])
            .await;
        admin
            .set_site_default_representative(provider.site_id, Some(rita.id))
            .await;

        let page = deactivate(&admin, &rita, &sam.id.to_string()).await;

        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );
        assert_eq!(
            page.location(),
            Some("/admin/employees?deactivated=1&moved=2")
        );
        assert!(!is_active(&app, &rita).await);
        assert_eq!(app.client_representative(own).await, Some(sam.id.0));
        assert_eq!(
            app.site_default_representative(provider.site_id).await,
            Some(sam.id.0)
        );
        let own_page = admin.get(&format!("/clients/{own}/account")).await;
        assert!(own_page.has_text(&sam.name));
        assert!(own_page.has_text("Assigned: client-specific"));
        assert!(
            own_page.has_text("representative reassigned"),
            "the move is missing from the history"
        );
        let inheriting_page = admin.get(&format!("/clients/{inheriting}/account")).await;
        assert!(inheriting_page.has_text(&sam.name));
        assert!(inheriting_page.has_text("Assigned: site default (Main Lab)"));
        assert!(!inheriting_page.has_text(&rita.name));
    }

    async fn deactivation_without_successor_falls_back(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
        let dora = app.add_employee(&provider, "Dora", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let created = admin
            .post_form(
                "/admin/sites/new",
                &[
                    ("name", "Tulsa Lab"),
                    ("code", "TUL"),
                    ("time_zone", "America/Chicago"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        let tulsa = calserve::ids::ProviderSiteId(
            app.optional_number(
                "SELECT id FROM provider_sites WHERE code = 'TUL' AND provider_id = $1",
                provider.id.0,
            )
            .await
            .unwrap(),
        );
        admin
            .set_site_default_representative(provider.site_id, Some(dora.id))
            .await;
        admin
            .set_site_default_representative(tulsa, Some(rita.id))
            .await;
        let (main_site, tulsa_site, rita_id) = (
            provider.site_id.to_string(),
            tulsa.to_string(),
            rita.id.to_string(),
        );
        let own = admin
            .create_client(&[
                ("name", "Initech"),
                ("serving_site_id", &main_site),
                ("representative_id", &rita_id),
            ])
            .await;
        let inheriting = admin
            .create_client(&[("name", "Globex"), ("serving_site_id", &tulsa_site)])
            .await;

        let page = deactivate(&admin, &rita, "").await;

        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );
        assert_eq!(app.client_representative(own).await, None);
        assert_eq!(app.site_default_representative(tulsa).await, None);
        assert_eq!(
            app.site_default_representative(provider.site_id).await,
            Some(dora.id.0)
        );
        let own_page = admin.get(&format!("/clients/{own}/account")).await;
        assert!(
            own_page.has_text(&dora.name),
            "the client did not fall back to its site default"
        );
        assert!(own_page.has_text("Assigned: site default (Main Lab)"));
        let inheriting_page = admin.get(&format!("/clients/{inheriting}/account")).await;
        assert!(inheriting_page.has_text("No representative"));
        assert!(!inheriting_page.has_text(&rita.name));
    }

    async fn inactive_employee_is_never_representative(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
        let dora = app.add_employee(&provider, "Dora", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let site = provider.site_id.to_string();
        let client_id = admin
            .create_client(&[("name", "Initech"), ("serving_site_id", &site)])
            .await;
        admin
            .set_site_default_representative(provider.site_id, Some(dora.id))
            .await;
        assert_eq!(
            deactivate(&admin, &rita, "").await.status,
            StatusCode::SEE_OTHER
        );
        // Rows written outside the forms (an import, a restored backup) can still name an
        // inactive employee; the effective representative must skip them.
        sqlx::query("UPDATE clients SET representative_id = $1 WHERE id = $2")
            .bind(rita.id.0)
            .bind(client_id)
            .execute(&app.db.pool)
            .await
            .unwrap();

        let page = admin.get(&format!("/clients/{client_id}/account")).await;
        assert!(page.has_text(&dora.name));
        assert!(page.has_text("Assigned: site default (Main Lab)"));
        assert!(
            !page.has_text(&rita.email),
            "an inactive employee shows as representative"
        );

        let rita_id = rita.id.to_string();
        let new_client = admin.get("/clients/new").await;
        assert!(!option_values(&new_client, "representative_id").contains(&rita_id));
        assert!(!option_values(&new_client, "account_manager_id").contains(&rita_id));
        assert!(option_values(&new_client, "representative_id").contains(&dora.id.to_string()));
        let site_form = admin
            .get(&format!("/admin/sites/{}", provider.site_id))
            .await;
        assert!(!option_values(&site_form, "default_representative_id").contains(&rita_id));
        let deactivation = admin
            .get(&format!("/admin/employees/{}/deactivate", dora.id))
            .await;
        assert!(!option_values(&deactivation, "successor").contains(&rita_id));

        let clients_before = app.count("clients").await;
        let rejected = admin
            .post_form(
                "/clients/new",
                &crate::support::client_form(&[
                    ("name", "Globex"),
                    ("representative_id", &rita_id),
                ]),
            )
            .await;
        assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(rejected
            .field_error("representative_id")
            .unwrap_or_default()
            .contains("Choose an active employee"));
        assert_eq!(app.count("clients").await, clients_before);
    }

    async fn staff_cannot_reach_administration(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let sam = app.add_employee(&provider, "Sam", Role::Staff).await;
        let staff = app.signed_in(&sam.email, PASSWORD).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let (site, admin_id) = (provider.site_id, provider.admin.id);
        let pages = [
            "/admin/sites".to_owned(),
            "/admin/sites/new".to_owned(),
            format!("/admin/sites/{site}"),
            "/admin/employees".to_owned(),
            "/admin/employees/new".to_owned(),
            format!("/admin/employees/{admin_id}"),
            format!("/admin/employees/{admin_id}/deactivate"),
            "/admin/representatives/reassign".to_owned(),
        ];
        let employees_before = app.count("employees").await;
        let sites_before = app.count("provider_sites").await;

        for path in &pages {
            let page = staff.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "GET {path}");
            assert!(
                page.has_text("This page is for provider administrators."),
                "GET {path}"
            );
        }
        let posts: [(String, Vec<(&str, &str)>); 7] = [
            (
                "/admin/sites/new".to_owned(),
                vec![
                    ("name", "Staff Lab"),
                    ("code", "STAFF"),
                    ("time_zone", "UTC"),
                ],
            ),
            (
                format!("/admin/sites/{site}"),
                vec![
                    ("name", "Renamed"),
                    ("code", "MAIN"),
                    ("time_zone", "UTC"),
                    ("version", "1"),
                ],
            ),
            (
                "/admin/employees/new".to_owned(),
                vec![
                    ("first_name", "Eve"),
                    ("last_name", "Staff"),
                    ("email", "eve@acme.test"),
                    ("role", "administrator"),
                    ("password", PASSWORD),
                ],
            ),
            (
                format!("/admin/employees/{}", sam.id),
                vec![
                    ("first_name", "Sam"),
                    ("last_name", "Boss"),
                    ("email", sam.email.as_str()),
                    ("role", "administrator"),
                    ("version", "1"),
                ],
            ),
            (
                format!("/admin/employees/{admin_id}/deactivate"),
                vec![("successor", "")],
            ),
            (format!("/admin/employees/{admin_id}/activate"), vec![]),
            (
                "/admin/representatives/reassign".to_owned(),
                vec![("from", "1"), ("to", "2")],
            ),
        ];
        for (path, fields) in &posts {
            let page = staff.post_form(path, fields).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {path}");
        }
        assert_eq!(app.count("employees").await, employees_before);
        assert_eq!(app.count("provider_sites").await, sites_before);
        assert_eq!(
            app.text("SELECT role FROM employees WHERE id = $1", sam.id.0)
                .await,
            "staff"
        );
        assert_eq!(
            app.text("SELECT name FROM provider_sites WHERE id = $1", site.0)
                .await,
            "Main Lab"
        );
        assert!(is_active(&app, &provider.admin).await);

        let staff_page = staff.get("/clients/new").await;
        assert_eq!(staff_page.status, StatusCode::OK);
        assert!(
            !staff_page.has_text("ADMINISTRATION"),
            "the menu shows ADMINISTRATION to staff"
        );
        assert!(
            !staff_page.body.contains("href=\"/admin/"),
            "the page links to administration pages"
        );
        let admin_page = admin.get("/clients/new").await;
        assert!(admin_page.has_text("ADMINISTRATION"));
    }

    async fn other_provider_employees_are_not_found(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let sam = app.add_employee(&provider, "Sam", Role::Staff).await;
        let other = app.setup_provider("Other Cal").await;
        let intruder = app.signed_in(&other.admin.email, PASSWORD).await;
        let base = format!("/admin/employees/{}", sam.id);

        assert_eq!(intruder.get(&base).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            intruder.get(&format!("{base}/deactivate")).await.status,
            StatusCode::NOT_FOUND
        );
        let edit = intruder
            .post_form(
                &base,
                &[
                    ("first_name", "Hacked"),
                    ("last_name", "Name"),
                    ("email", "hacked@other.test"),
                    ("role", "staff"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(edit.status, StatusCode::NOT_FOUND);
        let deactivated = intruder
            .post_form(&format!("{base}/deactivate"), &[("successor", "")])
            .await;
        assert_eq!(deactivated.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.text("SELECT first_name FROM employees WHERE id = $1", sam.id.0)
                .await,
            "Sam"
        );
        assert!(is_active(&app, &sam).await);

        let own = app.add_employee(&other, "Olga", Role::Staff).await;
        intruder
            .create_client(&[
                ("name", "Other Client"),
                ("representative_id", &own.id.to_string()),
            ])
            .await;
        let foreign_successor = intruder
            .post_form(
                &format!("/admin/employees/{}/deactivate", own.id),
                &[("successor", &sam.id.to_string())],
            )
            .await;
        assert_eq!(foreign_successor.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(foreign_successor.field_error("successor").is_some());
        assert!(is_active(&app, &own).await);

        let list = intruder.get("/admin/employees").await;
        assert!(
            !list.has_text(&sam.email),
            "another provider's employee is listed"
        );
    }
}
