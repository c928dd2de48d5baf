//! First-run setup in the browser and on the command line, signing in and out, and sessions.

use calserve::auth::routes::FAILED;
use calserve::auth::Role;
use reqwest::StatusCode;

use crate::support::{with_field, TestApp, PASSWORD};

/// A complete, valid setup form.
const SETUP: [(&str, &str); 8] = [
    ("company_name", "Acme Calibration"),
    ("site_name", "Wichita Lab"),
    ("site_code", "ICT"),
    ("time_zone", "America/Chicago"),
    ("first_name", "Grace"),
    ("last_name", "Hopper"),
    ("email", "grace@acme.test"),
    ("password", PASSWORD),
];

async fn assert_nothing_set_up(app: &TestApp) {
    assert_eq!(app.count("providers").await, 0, "a provider was stored");
    assert_eq!(app.count("provider_sites").await, 0, "a site was stored");
    assert_eq!(app.count("employees").await, 0, "an employee was stored");
    assert_eq!(app.count("sessions").await, 0, "a session was started");
}

db_tests! {
    async fn empty_database_redirects_to_setup(app) {
        let client = app.client();

        let home = client.get("/").await;
        assert_eq!(home.status, StatusCode::SEE_OTHER);
        assert_eq!(home.location(), Some("/setup"));

        let sign_in = client.get("/sign-in").await;
        assert_eq!(sign_in.status, StatusCode::SEE_OTHER);
        assert_eq!(sign_in.location(), Some("/setup"));

        let setup = client.get("/setup").await;
        assert_eq!(setup.status, StatusCode::OK);
        assert!(setup.has_text("Set up calserve"));
    }

    async fn browser_setup_creates_provider_and_signs_in(app) {
        let client = app.client();
        client.get("/setup").await;

        let page = client.post_form("/setup", &SETUP).await;

        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );
        assert_eq!(page.location(), Some("/admin/sites"));
        assert!(
            client.session_token().is_some(),
            "setup did not sign the administrator in"
        );
        assert_eq!(app.count("providers").await, 1);
        assert_eq!(
            app.count_where(
                "provider_sites",
                "name = 'Wichita Lab' AND code = 'ICT' AND time_zone = 'America/Chicago'"
            )
            .await,
            1
        );
        assert_eq!(
            app.count_where(
                "employees",
                "email = 'grace@acme.test' AND role = 'administrator' AND active = 1"
            )
            .await,
            1
        );

        let sites = client.get("/admin/sites").await;
        assert_eq!(sites.status, StatusCode::OK);
        assert!(sites.has_text("Wichita Lab"));
        assert!(
            sites.has_text("Grace Hopper"),
            "the signed-in administrator's name is not shown"
        );
    }

    async fn setup_with_bad_input_stores_nothing(app) {
        let client = app.client();
        let cases = [
            ("company_name", "", "This field is required."),
            ("time_zone", "Mars/Olympus", "Unknown time zone"),
            ("password", "Sh0rt!pw", "at least 10 characters"),
            ("email", "grace-at-acme", "Enter an email address"),
            ("site_code", "I C T", "letters, digits"),
            ("first_name", "", "This field is required."),
        ];

        for (field, value, message) in cases {
            let form = with_field(&SETUP, field, value);
            let page = client.post_form("/setup", &form).await;

            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}={value:?} was accepted"
            );
            let error = page
                .field_error(field)
                .unwrap_or_else(|| panic!("no error shown next to {field}"));
            assert!(
                error.contains(message),
                "{field}: unexpected message {error:?}"
            );
            for (other, typed) in &form {
                if *other == "password" {
                    continue;
                }
                assert_eq!(
                    page.input_value(other).as_deref(),
                    Some(*typed),
                    "{other} lost its input when {field} was wrong"
                );
            }
            let password = form.iter().find(|(name, _)| *name == "password").unwrap().1;
            assert_eq!(
                page.input_value("password").as_deref(),
                Some(""),
                "the password was sent back"
            );
            assert!(
                !page.body.contains(password),
                "the password appears in the page"
            );
            assert_nothing_set_up(&app).await;
        }
    }

    async fn setup_with_several_errors_shows_each(app) {
        let client = app.client();
        let form = with_field(
            &with_field(&SETUP, "company_name", "  "),
            "time_zone",
            "Nowhere/City",
        );

        let page = client.post_form("/setup", &form).await;

        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.field_error("company_name").is_some());
        assert!(page.field_error("time_zone").is_some());
        assert!(page.has_text("Please correct the 2 highlighted fields."));
        assert_nothing_set_up(&app).await;
    }

    async fn setup_is_closed_once_provider_exists(app) {
        app.setup_provider("Acme Cal").await;
        let client = app.client();

        let page = client.get("/setup").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), Some("/sign-in"));

        let posted = client
            .post_form("/setup", &with_field(&SETUP, "email", "intruder@else.test"))
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER);
        assert_eq!(posted.location(), Some("/sign-in"));
        assert_eq!(app.count("providers").await, 1);
        assert_eq!(
            app.count_where("employees", "email = 'intruder@else.test'")
                .await,
            0
        );
        assert!(client.session_token().is_none());
    }

    async fn cli_setup_creates_provider(app) {
        let output = app.run_cli_with_env(
            &[
                "setup",
                "--company",
                "Acme Cal",
                "--site-name",
                "Denver Lab",
                "--site-code",
                "DEN",
                "--time-zone",
                "America/Denver",
                "--admin-first-name",
                "Alan",
                "--admin-last-name",
                "Turing",
                "--admin-email",
                "alan@acme.test",
            ],
            &[("CALSERVE_ADMIN_PASSWORD", PASSWORD)],
        );

        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "setup failed: {stderr}");
        assert!(
            stdout.contains("Created provider"),
            "unexpected output: {stdout}"
        );
        assert_eq!(
            app.count_where(
                "provider_sites",
                "code = 'DEN' AND time_zone = 'America/Denver'"
            )
            .await,
            1
        );
        let client = app.client();
        let page = client.sign_in("ALAN@acme.test", PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "the new administrator cannot sign in"
        );
    }

    async fn cli_setup_refuses_a_repeated_company(app) {
        let args = [
            "setup", "--company", "Acme Cal", "--admin-first-name", "Alan", "--admin-last-name", "Turing",
            "--admin-email", "alan@acme.test",
        ];
        let first = app.run_cli_with_env(&args, &[("CALSERVE_ADMIN_PASSWORD", PASSWORD)]);
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));

        let mut again = args.to_vec();
        again[2] = "ACME CAL";
        again[8] = "ada@acme.test";
        let repeated = app.run_cli_with_env(&again, &[("CALSERVE_ADMIN_PASSWORD", PASSWORD)]);
        assert!(!repeated.status.success());
        assert!(String::from_utf8_lossy(&repeated.stderr).contains("--allow-duplicate-name"));
        assert_eq!(app.count("providers").await, 1);

        again.push("--allow-duplicate-name");
        let allowed = app.run_cli_with_env(&again, &[("CALSERVE_ADMIN_PASSWORD", PASSWORD)]);
        assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
        assert_eq!(app.count("providers").await, 2);
    }

    async fn cli_reset_password_unlocks_an_account(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let email = provider.admin.email.clone();
        let client = app.client();
        for _ in 0..6 {
            client.sign_in(&email, "wrong password here").await;
        }
        assert_eq!(client.sign_in(&email, PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);

        let short = app.run_cli_with_env(&["reset-password", "--email", &email], &[("CALSERVE_NEW_PASSWORD", "short")]);
        assert!(!short.status.success());
        assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

        let unknown = app.run_cli_with_env(&["reset-password", "--email", "nobody@acme.test"], &[("CALSERVE_NEW_PASSWORD", "a new password 1")]);
        assert!(!unknown.status.success());

        let reset = app.run_cli_with_env(&["reset-password", "--email", &email.to_uppercase()], &[("CALSERVE_NEW_PASSWORD", "a new password 1")]);
        assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
        assert_eq!(client.sign_in(&email, "a new password 1").await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.count_where("audit_events", "action = 'password reset'").await, 1);
    }

    async fn cli_setup_reports_invalid_input(app) {
        let output = app.run_cli_with_env(
            &[
                "setup",
                "--company",
                "Acme Cal",
                "--time-zone",
                "Mars/Olympus",
                "--admin-first-name",
                "Alan",
                "--admin-last-name",
                "Turing",
                "--admin-email",
                "alan-at-acme",
            ],
            &[("CALSERVE_ADMIN_PASSWORD", "short")],
        );

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "invalid setup input was accepted");
        assert!(stderr.contains("setup input is invalid"), "{stderr}");
        assert!(
            stderr.contains("--time-zone"),
            "time zone flag not named: {stderr}"
        );
        assert!(
            stderr.contains("--admin-email"),
            "email flag not named: {stderr}"
        );
        assert!(
            stderr.contains("--admin-password"),
            "password flag not named: {stderr}"
        );
        assert!(
            !stderr.contains("short"),
            "the password was printed: {stderr}"
        );
        assert_nothing_set_up(&app).await;
    }

    async fn cli_setup_without_required_flag_fails(app) {
        let output = app.run_cli(&["setup", "--company", "Acme Cal"]);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(stderr.contains("--admin-email"), "{stderr}");
        assert_nothing_set_up(&app).await;
    }

    async fn sign_in_with_right_password(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.client();

        let page = client.sign_in(&provider.admin.email, PASSWORD).await;

        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), Some("/"));
        assert!(client.session_token().is_some());
        let sites = client.get("/admin/sites").await;
        assert_eq!(sites.status, StatusCode::OK);
        assert!(sites.has_text("Main Lab"));
    }

    async fn sign_in_returns_to_requested_page(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.client();

        let protected = client.get("/admin/employees").await;
        assert_eq!(protected.status, StatusCode::SEE_OTHER);
        assert_eq!(
            protected.location(),
            Some("/sign-in?next=%2Fadmin%2Femployees")
        );

        client.get("/sign-in?next=%2Fadmin%2Femployees").await;
        let page = client
            .post_form(
                "/sign-in",
                &[
                    ("email", &provider.admin.email),
                    ("password", PASSWORD),
                    ("next", "/admin/employees"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), Some("/admin/employees"));

        let elsewhere = app.client();
        elsewhere.get("/sign-in").await;
        let page = elsewhere
            .post_form(
                "/sign-in",
                &[
                    ("email", &provider.admin.email),
                    ("password", PASSWORD),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(
            page.location(),
            Some("/"),
            "an off-site next address was followed"
        );
    }

    async fn sign_out_ends_session(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.signed_in(&provider.admin.email, PASSWORD).await;
        let token = client.session_token().expect("a session cookie");

        let page = client.sign_out().await;

        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), Some("/sign-in"));
        assert!(
            client.session_token().is_none(),
            "the session cookie was not removed"
        );
        assert_eq!(app.count("sessions").await, 0);
        let after = client.get("/admin/sites").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);

        let replay = app.client();
        replay.set_cookie("calserve_session", &token);
        let replayed = replay.get("/admin/sites").await;
        assert_eq!(
            replayed.status,
            StatusCode::SEE_OTHER,
            "the old session cookie still works"
        );
        assert!(replayed
            .location()
            .unwrap_or_default()
            .starts_with("/sign-in"));
    }

    async fn wrong_password_and_unknown_email_look_alike(app) {
        let provider = app.setup_provider("Acme Cal").await;

        let wrong_password = app
            .client()
            .sign_in(&provider.admin.email, "not the password")
            .await;
        let unknown_email = app.client().sign_in("nobody@acme.test", PASSWORD).await;

        for (case, page) in [
            ("wrong password", &wrong_password),
            ("unknown email", &unknown_email),
        ] {
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{case}");
            assert!(
                page.has_text(FAILED),
                "{case}: the generic message is missing"
            );
            assert!(
                page.set_cookies()
                    .iter()
                    .all(|c| !c.starts_with("calserve_session=")),
                "{case}: a session was started"
            );
        }
        assert_eq!(
            wrong_password.input_value("email").as_deref(),
            Some(provider.admin.email.as_str())
        );
        assert_eq!(wrong_password.input_value("password").as_deref(), Some(""));
        assert_eq!(app.count("sessions").await, 0);
    }

    async fn sign_in_email_ignores_case(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.client();

        let shouted = provider.admin.email.to_uppercase();
        let page = client.sign_in(&format!("  {shouted} "), PASSWORD).await;

        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(client.session_token().is_some());
    }

    async fn inactive_employee_cannot_sign_in(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let staff = app.add_employee(&provider, "Sam", Role::Staff).await;
        let staff_browser = app.signed_in(&staff.email, PASSWORD).await;
        assert_eq!(
            staff_browser.get("/clients/new").await.status,
            StatusCode::OK
        );
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;

        let page = admin
            .post_form(
                &format!("/admin/employees/{}/deactivate", staff.id),
                &[("successor", "")],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );

        let old_session = staff_browser.get("/clients/new").await;
        assert_eq!(
            old_session.status,
            StatusCode::SEE_OTHER,
            "the deactivated employee's session still works"
        );
        assert!(old_session
            .location()
            .unwrap_or_default()
            .starts_with("/sign-in"));
        assert_eq!(
            app.count_where("sessions", &format!("employee_id = {}", staff.id))
                .await,
            0
        );

        let again = app.client().sign_in(&staff.email, PASSWORD).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        assert!(again.has_text(FAILED));
    }

    async fn session_survives_restart(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.signed_in(&provider.admin.email, PASSWORD).await;
        assert_eq!(client.get("/admin/sites").await.status, StatusCode::OK);

        app.stop();
        let restarted = app.spawn_another_instance().await;
        let same_browser = client.for_app(&restarted);

        let page = same_browser.get("/admin/sites").await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "the session did not survive the restart"
        );
        assert!(page.has_text("Main Lab"));
    }
}
