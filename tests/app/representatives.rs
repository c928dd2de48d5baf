//! ADMINISTRATION > Employees > Reassign accounts: the preview of the clients that move, the
//! move itself with its audit trail, and rejected input.

use calserve::auth::Role;
use reqwest::StatusCode;

use crate::support::{Account, Provider, TestApp, TestClient, PASSWORD};

/// A provider where Rita represents Initech directly and Globex through the Main Lab default,
/// while Umbrella has Owen and Hooli has no representative.
struct Accounts {
    provider: Provider,
    admin: TestClient,
    rita: Account,
    owen: Account,
    initech: i64,
    globex: i64,
    umbrella: i64,
    hooli: i64,
}

async fn accounts(app: &TestApp) -> Accounts {
    let provider = app.setup_provider("Acme Cal").await;
    let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
    let owen = app.add_employee(&provider, "Owen", Role::Staff).await;
    let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
    let site = provider.site_id.to_string();
    let (rita_id, owen_id) = (rita.id.to_string(), owen.id.to_string());
    let initech = admin
        .create_client(&[("name", "Initech"), ("representative_id", &rita_id)])
        .await;
    let globex = admin
        .create_client(&[("name", "Globex"), ("serving_site_id", &site)])
        .await;
    let umbrella = admin
        .create_client(&[
            ("name", "Umbrella"),
            ("serving_site_id", &site),
            ("representative_id", &owen_id),
        ])
        .await;
    let hooli = admin.create_client(&[("name", "Hooli")]).await;
    admin
        .set_site_default_representative(provider.site_id, Some(rita.id))
        .await;
    Accounts {
        provider,
        admin,
        rita,
        owen,
        initech,
        globex,
        umbrella,
        hooli,
    }
}

/// Returns the client names listed in the preview table, in order.
fn listed_clients(page: &crate::support::Page) -> Vec<String> {
    page.table_rows("<table class=\"data\">")
        .into_iter()
        .filter_map(|cells| cells.get(1).cloned())
        .collect()
}

db_tests! {
    async fn preview_lists_clients_that_move(app) {
        let setup = accounts(&app).await;

        let page = setup
            .admin
            .get(&format!(
                "/admin/representatives/reassign?from={}",
                setup.rita.id
            ))
            .await;

        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.has_text("2 clients would move"),
            "wrong count in the preview"
        );
        assert_eq!(listed_clients(&page), ["Globex", "Initech"]);
        assert!(page.has_text("client-specific"));
        assert!(page.has_text("site default (Main Lab)"));
        let targets: Vec<String> = page
            .select_options("to")
            .into_iter()
            .map(|(value, _)| value)
            .collect();
        assert!(targets.contains(&setup.owen.id.to_string()));

        let owen = setup
            .admin
            .get(&format!(
                "/admin/representatives/reassign?from={}",
                setup.owen.id
            ))
            .await;
        assert!(owen.has_text("1 client would move"));
        assert_eq!(listed_clients(&owen), ["Umbrella"]);
        assert_eq!(app.client_representative(setup.hooli).await, None);
    }

    async fn apply_moves_clients_and_records_history(app) {
        let setup = accounts(&app).await;
        let events_before = app.count("audit_events").await;

        let page = setup
            .admin
            .post_form(
                "/admin/representatives/reassign",
                &[
                    ("from", &setup.rita.id.to_string()),
                    ("to", &setup.owen.id.to_string()),
                ],
            )
            .await;

        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );
        let location = page.location().unwrap_or_default().to_owned();
        assert!(location.contains("clients=1&sites=1"), "{location}");
        assert_eq!(
            app.client_representative(setup.initech).await,
            Some(setup.owen.id.0)
        );
        assert_eq!(
            app.client_representative(setup.globex).await,
            None,
            "the inheriting client got a client-specific representative"
        );
        assert_eq!(
            app.site_default_representative(setup.provider.site_id)
                .await,
            Some(setup.owen.id.0)
        );
        assert_eq!(
            app.client_representative(setup.umbrella).await,
            Some(setup.owen.id.0)
        );
        assert_eq!(
            app.count("audit_events").await,
            events_before + 2,
            "one event per client and per site"
        );

        let done = setup.admin.get(&location).await;
        assert!(done.has_text("Moved 1 client-specific assignment and 1 site default."));

        let history = setup
            .admin
            .get(&format!("/clients/{}/account", setup.initech))
            .await;
        assert!(history.has_text("representative reassigned"));
        assert!(
            history.has_text(&format!(
                "Account Representative: {} → {}",
                setup.rita.name, setup.owen.name
            )),
            "the history does not name both representatives"
        );
        let inherited = setup
            .admin
            .get(&format!("/clients/{}/account", setup.globex))
            .await;
        assert!(inherited.has_text(&setup.owen.name));
        assert!(inherited.has_text("Assigned: site default (Main Lab)"));

        let preview = setup
            .admin
            .get(&format!(
                "/admin/representatives/reassign?from={}",
                setup.rita.id
            ))
            .await;
        assert!(preview.has_text("0 clients would move"));
    }

    async fn reassign_rejects_bad_input(app) {
        let setup = accounts(&app).await;
        let other = app.setup_provider("Other Cal").await;
        let inactive = app.add_employee(&setup.provider, "Ivy", Role::Staff).await;
        let deactivated = setup
            .admin
            .post_form(
                &format!("/admin/employees/{}/deactivate", inactive.id),
                &[("successor", "")],
            )
            .await;
        assert_eq!(deactivated.status, StatusCode::SEE_OTHER);
        let rita = setup.rita.id.to_string();
        let owen = setup.owen.id.to_string();
        let inactive_id = inactive.id.to_string();
        let foreign = other.admin.id.to_string();
        let cases = [
            (
                rita.as_str(),
                rita.as_str(),
                "to",
                "Choose a different employee",
            ),
            (
                rita.as_str(),
                inactive_id.as_str(),
                "to",
                "Choose an active employee",
            ),
            (rita.as_str(), "999999", "to", "Choose an active employee"),
            (rita.as_str(), "", "to", "Choose an active employee"),
            (
                rita.as_str(),
                foreign.as_str(),
                "to",
                "Choose an active employee",
            ),
            ("999999", owen.as_str(), "from", "Choose the representative"),
            (
                foreign.as_str(),
                owen.as_str(),
                "from",
                "Choose the representative",
            ),
            ("abc", owen.as_str(), "from", "Choose the representative"),
        ];
        let events_before = app.count("audit_events").await;

        for (from, to, field, message) in cases {
            let page = setup
                .admin
                .post_form(
                    "/admin/representatives/reassign",
                    &[("from", from), ("to", to)],
                )
                .await;

            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "from={from} to={to} was accepted"
            );
            let error = page.field_error(field).unwrap_or_else(|| {
                panic!(
                    "no error next to {field} for from={from} to={to}: {:?}",
                    page.form_errors()
                )
            });
            assert!(
                error.contains(message),
                "from={from} to={to}: unexpected message {error:?}"
            );
            assert_eq!(
                app.client_representative(setup.initech).await,
                Some(setup.rita.id.0)
            );
            assert_eq!(
                app.site_default_representative(setup.provider.site_id)
                    .await,
                Some(setup.rita.id.0)
            );
            assert_eq!(
                app.count("audit_events").await,
                events_before,
                "from={from} to={to} recorded a change"
            );
        }

        let rejected = setup
            .admin
            .post_form(
                "/admin/representatives/reassign",
                &[("from", &rita), ("to", &rita)],
            )
            .await;
        assert_eq!(
            rejected.selected_value("from").as_deref(),
            Some(rita.as_str()),
            "the chosen representative was lost"
        );
        assert!(
            rejected.has_text("2 clients would move"),
            "the preview is gone after an error"
        );
    }

    async fn other_provider_cannot_reassign(app) {
        let setup = accounts(&app).await;
        let other = app.setup_provider("Other Cal").await;
        let olga = app.add_employee(&other, "Olga", Role::Staff).await;
        let intruder = app.signed_in(&other.admin.email, PASSWORD).await;

        let preview = intruder
            .get(&format!(
                "/admin/representatives/reassign?from={}",
                setup.rita.id
            ))
            .await;
        assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            !preview.has_text("Initech"),
            "another provider's clients are listed"
        );

        let page = intruder
            .post_form(
                "/admin/representatives/reassign",
                &[
                    ("from", &setup.rita.id.to_string()),
                    ("to", &olga.id.to_string()),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.client_representative(setup.initech).await,
            Some(setup.rita.id.0)
        );
        assert_eq!(
            app.site_default_representative(setup.provider.site_id)
                .await,
            Some(setup.rita.id.0)
        );
    }
}
