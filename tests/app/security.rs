//! Password storage, anti-forgery checks, cookie attributes, the Content-Security-Policy and
//! sign-in rate limits.

use calserve::auth::routes::FAILED;
use calserve::auth::Role;
use reqwest::StatusCode;

use crate::support::{Account, Page, Provider, TestApp, TestClient, PASSWORD};

/// Counts the rows of every table a form can change, to show that a rejected post changed
/// nothing.
async fn snapshot(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "providers",
        "provider_sites",
        "employees",
        "clients",
        "client_employees",
        "sessions",
        "audit_events",
    ] {
        counts.push((table, app.count(table).await));
    }
    counts.push((
        "inactive employees",
        app.count_where("employees", "active = 0").await,
    ));
    counts.push((
        "site versions",
        app.count_where("provider_sites", "version > 1").await,
    ));
    counts.push((
        "client versions",
        app.count_where("clients", "version > 1").await,
    ));
    counts
}

/// Lists every form of the application with input it would accept, so a missing check would
/// show up as a change in the database.
async fn every_form(
    admin: &TestClient,
    provider: &Provider,
    staff: &Account,
) -> Vec<(String, Vec<(String, String)>)> {
    let provider_site = provider.site_id;
    let staff_id = staff.id;
    let staff_value = staff_id.to_string();
    let client_id = admin
        .create_client(&[("name", "Initech"), ("representative_id", &staff_value)])
        .await;
    let client_page = admin.get(&format!("/clients/{client_id}/account")).await;
    let site_page = admin.get(&format!("/admin/sites/{provider_site}")).await;
    let employee_page = admin.get(&format!("/admin/employees/{staff_id}")).await;

    let owned = |fields: &[(&str, &str)]| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    };
    let mut site_edit = site_page.form_fields(&format!("/admin/sites/{provider_site}"));
    crate::support::set_field(&mut site_edit, "city", "Forged City");
    let mut employee_edit = employee_page.form_fields(&format!("/admin/employees/{staff_id}"));
    crate::support::set_field(&mut employee_edit, "title", "Forged title");
    let mut company = client_page.form_fields(&format!("/clients/{client_id}/company"));
    crate::support::set_field(&mut company, "name", "Forged Name");
    let mut headquarters = client_page.form_fields(&format!("/clients/{client_id}/headquarters"));
    crate::support::set_field(&mut headquarters, "billing_city", "Forged City");

    vec![
        ("/sign-out".to_owned(), Vec::new()),
        (
            "/admin/sites/new".to_owned(),
            owned(&[
                ("name", "Forged Lab"),
                ("code", "FORGED"),
                ("time_zone", "UTC"),
            ]),
        ),
        (format!("/admin/sites/{provider_site}"), site_edit),
        (
            "/admin/employees/new".to_owned(),
            owned(&[
                ("first_name", "Forged"),
                ("last_name", "Person"),
                ("email", "forged@acme.test"),
                ("role", "administrator"),
                ("password", PASSWORD),
            ]),
        ),
        (format!("/admin/employees/{staff_id}"), employee_edit),
        (
            format!("/admin/employees/{staff_id}/deactivate"),
            owned(&[("successor", "")]),
        ),
        (
            "/admin/representatives/reassign".to_owned(),
            owned(&[
                ("from", &staff_value),
                ("to", &provider.admin.id.to_string()),
            ]),
        ),
        (format!("/admin/employees/{staff_id}/activate"), Vec::new()),
        (
            "/clients/new".to_owned(),
            owned(&[("name", "Forged Client"), ("status", "Approved")]),
        ),
        (format!("/clients/{client_id}/company"), company),
        (format!("/clients/{client_id}/headquarters"), headquarters),
    ]
}

fn assert_forbidden(page: &Page, request: &str) {
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "{request} was not rejected"
    );
    assert!(
        page.has_text("Form expired"),
        "{request}: the rejection page does not explain itself"
    );
}

db_tests! {
    async fn password_stored_as_argon2id_hash(app) {
        let client = app.client();
        client.get("/setup").await;
        let page = client
            .post_form(
                "/setup",
                &[
                    ("company_name", "Acme Cal"),
                    ("site_name", "Main Lab"),
                    ("site_code", "MAIN"),
                    ("time_zone", "UTC"),
                    ("first_name", "Grace"),
                    ("last_name", "Hopper"),
                    ("email", "grace@acme.test"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);

        let hash = app.query_text("SELECT password_hash FROM employees").await;
        assert!(
            hash.starts_with("$argon2id$"),
            "not an argon2id hash: {hash}"
        );
        assert!(!hash.contains(PASSWORD));

        let token = client.session_token().expect("a session cookie");
        let stored = app.query_text("SELECT token_hash FROM sessions").await;
        assert_ne!(stored, token, "the session token is stored in clear");
        assert_eq!(
            stored.len(),
            64,
            "the stored session key is not a SHA-256 digest"
        );
        assert_eq!(
            app.count_where("sessions", &format!("token_hash = '{token}'"))
                .await,
            0
        );
    }

    async fn forms_without_token_are_rejected(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let staff = app.add_employee(&provider, "Sam", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let forms = every_form(&admin, &provider, &staff).await;
        let before = snapshot(&app).await;

        for (path, fields) in &forms {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .filter(|(name, _)| name != "csrf_token")
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();

            let missing = admin.post_form_raw(path, &fields).await;
            assert_forbidden(&missing, &format!("POST {path} without a token"));

            let mut wrong = fields.clone();
            let forged = "A".repeat(43);
            wrong.push(("csrf_token", forged.as_str()));
            let wrong = admin.post_form_raw(path, &wrong).await;
            assert_forbidden(&wrong, &format!("POST {path} with a wrong token"));
        }

        assert_eq!(
            snapshot(&app).await,
            before,
            "a rejected form changed the database"
        );
        assert_eq!(
            admin.get("/admin/sites").await.status,
            StatusCode::OK,
            "the session was ended"
        );
    }

    async fn sign_in_and_setup_without_token_are_rejected(app) {
        let client = app.client();
        client.get("/setup").await;
        let setup = client
            .post_form_raw(
                "/setup",
                &[
                    ("company_name", "Acme Cal"),
                    ("site_name", "Main Lab"),
                    ("site_code", "MAIN"),
                    ("time_zone", "UTC"),
                    ("first_name", "Grace"),
                    ("last_name", "Hopper"),
                    ("email", "grace@acme.test"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_forbidden(&setup, "POST /setup without a token");
        assert_eq!(app.count("providers").await, 0);

        let provider = app.setup_provider("Acme Cal").await;
        let sign_in = client
            .post_form_raw(
                "/sign-in",
                &[("email", &provider.admin.email), ("password", PASSWORD)],
            )
            .await;
        assert_forbidden(&sign_in, "POST /sign-in without a token");
        assert!(client.session_token().is_none());
        assert_eq!(app.count("sessions").await, 0);
    }

    async fn post_from_other_origin_is_rejected(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let token = admin.ensure_csrf_token().await;
        let fields = [
            ("csrf_token", token.as_str()),
            ("name", "Forged Lab"),
            ("code", "FORGED"),
            ("time_zone", "UTC"),
        ];

        let foreign = admin
            .post_form_with_headers(
                "/admin/sites/new",
                &fields,
                &[("origin", "http://evil.example")],
            )
            .await;
        assert_forbidden(&foreign, "a post from http://evil.example");
        assert_eq!(app.count("provider_sites").await, 1);

        let own_origin = format!("http://{}", app.address);
        let same = admin
            .post_form_with_headers("/admin/sites/new", &fields, &[("origin", &own_origin)])
            .await;
        assert_eq!(
            same.status,
            StatusCode::SEE_OTHER,
            "a same-origin post was rejected"
        );
        assert_eq!(app.count("provider_sites").await, 2);
    }

    async fn cookies_are_http_only_and_same_site(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.client();

        let first = client.get("/sign-in").await;
        let csrf = first
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("calserve_csrf="))
            .expect("the form token cookie is set on the first page");
        assert!(csrf.contains("HttpOnly"), "{csrf}");
        assert!(csrf.contains("SameSite=Strict"), "{csrf}");
        assert!(
            !csrf.contains("Secure"),
            "Secure set without an https public URL: {csrf}"
        );

        let signed_in = client.sign_in(&provider.admin.email, PASSWORD).await;
        let session = signed_in
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("calserve_session="))
            .expect("a session cookie");
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(session.contains("SameSite=Lax"), "{session}");
        assert!(session.contains("Path=/"), "{session}");
        assert!(!session.contains("Secure"), "{session}");
    }

    #[config = |config| config.public_url = Some("https://cal.example".to_owned())]
    async fn cookies_are_secure_behind_https(app) {
        let provider = app.setup_provider("Acme Cal").await;
        // The test server speaks plain HTTP, where a cookie jar withholds Secure cookies, so this
        // browser carries its cookies by hand.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();

        let first = http.get(app.url("/sign-in")).send().await.unwrap();
        let csrf = first
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("calserve_csrf="))
            .expect("a form token cookie");
        assert!(csrf.contains("Secure"), "{csrf}");
        let token = csrf["calserve_csrf=".len()..]
            .split(';')
            .next()
            .unwrap()
            .to_owned();

        let body = serde_urlencoded::to_string([
            ("csrf_token", token.as_str()),
            ("email", provider.admin.email.as_str()),
            ("password", PASSWORD),
        ])
        .unwrap();
        let signed_in = http
            .post(app.url("/sign-in"))
            .header("cookie", format!("calserve_csrf={token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        let session = signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("calserve_session="))
            .expect("a session cookie");
        assert!(session.contains("Secure"), "{session}");
        assert!(session.contains("HttpOnly"), "{session}");
    }

    async fn pages_forbid_inline_script(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Initech")]).await;
        let anonymous = app.client();

        let pages = [
            anonymous.get("/sign-in").await,
            anonymous.get("/no-such-page").await,
            admin.get("/admin/sites").await,
            admin.get("/admin/employees/new").await,
            admin.get("/clients/new").await,
            admin.get(&format!("/clients/{client_id}/account")).await,
        ];

        for page in &pages {
            let policy = page
                .headers
                .get("content-security-policy")
                .expect("a Content-Security-Policy header")
                .to_str()
                .unwrap();
            assert!(policy.contains("script-src 'self'"), "{policy}");
            assert!(!policy.contains("unsafe-inline"), "{policy}");
            assert!(!policy.contains("unsafe-eval"), "{policy}");
            for script in crate::support::tags(&page.body, "script") {
                assert!(
                    script.attr("src").is_some(),
                    "an inline script is on a page"
                );
            }
            assert!(
                !page.body.contains(" onclick="),
                "an inline event handler is on a page"
            );
        }
    }

    #[config = |config| config.max_failed_sign_ins_per_account = 3]
    async fn account_locks_after_failed_sign_ins(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let colleague = app.add_employee(&provider, "Sam", Role::Staff).await;
        let client = app.client();

        for attempt in 1..=3 {
            let page = client
                .sign_in(&provider.admin.email, "wrong password!")
                .await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
            assert!(
                page.has_text(FAILED),
                "attempt {attempt}: not the generic message"
            );
        }

        let locked = client.sign_in(&provider.admin.email, PASSWORD).await;
        assert_eq!(
            locked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the right password got through"
        );
        assert!(locked.has_text("Too many failed sign-ins"));
        assert!(client.session_token().is_none());
        let shouted = app
            .client()
            .sign_in(&provider.admin.email.to_uppercase(), PASSWORD)
            .await;
        assert_eq!(
            shouted.status,
            StatusCode::TOO_MANY_REQUESTS,
            "changing the case dodged the lock"
        );

        let other = app.client().sign_in(&colleague.email, PASSWORD).await;
        assert_eq!(
            other.status,
            StatusCode::SEE_OTHER,
            "another account was locked too"
        );
    }

    #[config = |config| {
        config.max_failed_sign_ins_per_account = 100;
        config.max_failed_sign_ins_per_address = 4;
    }]
    async fn address_locks_after_failures_across_accounts(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.client();

        for n in 1..=4 {
            let page = client
                .sign_in(&format!("guess{n}@acme.test"), "wrong password!")
                .await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {n}");
            assert!(page.has_text(FAILED));
        }

        let locked = app.client().sign_in(&provider.admin.email, PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(locked.has_text("Too many failed sign-ins"));
        assert_eq!(app.count("sessions").await, 0);
    }

    #[config = |config| config.max_failed_sign_ins_per_account = 3]
    async fn successful_sign_in_resets_failures(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let client = app.client();

        for _ in 0..2 {
            client
                .sign_in(&provider.admin.email, "wrong password!")
                .await;
        }
        let ok = client.sign_in(&provider.admin.email, PASSWORD).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        for _ in 0..2 {
            app.client()
                .sign_in(&provider.admin.email, "wrong password!")
                .await;
        }

        let again = app.client().sign_in(&provider.admin.email, PASSWORD).await;
        assert_eq!(
            again.status,
            StatusCode::SEE_OTHER,
            "earlier failures still counted after a success"
        );
    }
}
