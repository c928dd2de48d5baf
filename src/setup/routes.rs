//! The browser form of first-run setup, offered only while no provider exists.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;

use super::{create_provider, is_done, SetupForm};
use crate::auth::session;
use crate::error::AppResult;
use crate::provider_sites::SUGGESTED_TIME_ZONES;
use crate::web::{render_status, see_other, CsrfToken, FieldErrors};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/setup", get(setup_page).post(setup))
}

#[derive(Template)]
#[template(path = "setup/templates/setup.html")]
struct SetupPage {
    csrf_token: String,
    form: SetupForm,
    errors: FieldErrors,
    time_zones: &'static [&'static str],
}

fn page(csrf: &CsrfToken, mut form: SetupForm, errors: FieldErrors) -> Response {
    form.password.clear();
    let status = errors.status();
    render_status(
        status,
        &SetupPage {
            csrf_token: csrf.0.clone(),
            form,
            errors,
            time_zones: SUGGESTED_TIME_ZONES,
        },
    )
}

async fn setup_page(State(state): State<AppState>, csrf: CsrfToken) -> AppResult<Response> {
    if is_done(&state.db).await? {
        return Ok(see_other("/sign-in"));
    }
    let form = SetupForm {
        site_name: "Main Lab".to_owned(),
        site_code: "MAIN".to_owned(),
        time_zone: "America/Chicago".to_owned(),
        ..Default::default()
    };
    Ok(page(&csrf, form, FieldErrors::default()))
}

async fn setup(
    State(state): State<AppState>,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    // Once a provider exists the browser form is closed; further providers come from the CLI.
    if is_done(&state.db).await? {
        return Ok(see_other("/sign-in"));
    }
    let created = match create_provider(&state.db, &form).await? {
        Ok(created) => created,
        Err(errors) => return Ok(page(&csrf, form, errors)),
    };
    let cookie = session::start(
        &state.db,
        &state.config,
        created.administrator_id,
        created.provider_id,
    )
    .await?;
    Ok((jar.add(cookie), see_other("/admin/sites")).into_response())
}
