//! ADMINISTRATION > Sites: listing, creating and editing provider sites, their Default Client
//! Account Representative, concurrent edits and tenant isolation.

use calserve::auth::Role;
use reqwest::StatusCode;

use crate::support::{set_field, with_field, TestApp, PASSWORD};

/// A complete, valid new-site form.
const NEW_SITE: [(&str, &str); 9] = [
    ("name", "Tulsa Lab"),
    ("code", "TUL"),
    ("address_line1", "100 Main St"),
    ("city", "Tulsa"),
    ("state", "OK"),
    ("postal_code", "74103"),
    ("country", "US"),
    ("phone", "918-555-0100"),
    ("time_zone", "America/Chicago"),
];

async fn site_city(app: &TestApp, site_id: i64) -> String {
    app.text("SELECT city FROM provider_sites WHERE id = $1", site_id)
        .await
}

db_tests! {
    async fn sites_list_create_and_edit(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;

        let list = admin.get("/admin/sites").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.has_text("Main Lab"));
        assert!(list.has_text("MAIN"));

        let form = admin.get("/admin/sites/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let created = admin.post_form("/admin/sites/new", &NEW_SITE).await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            created.form_errors()
        );
        assert_eq!(created.location(), Some("/admin/sites?saved=1"));
        let site_id = app
            .optional_number(
                "SELECT id FROM provider_sites WHERE code = 'TUL' AND provider_id = $1",
                provider.id.0,
            )
            .await
            .expect("the new site");
        assert_eq!(site_city(&app, site_id).await, "Tulsa");
        assert_eq!(
            app.count_where(
                "audit_events",
                &format!(
                    "entity = 'provider_site' AND entity_id = {site_id} AND action = 'created'"
                )
            )
            .await,
            1
        );

        let list = admin.get("/admin/sites?saved=1").await;
        assert!(list.has_text("The site was saved."));
        assert!(list.has_text("Tulsa Lab"));

        let path = format!("/admin/sites/{site_id}");
        let edit = admin.get(&path).await;
        assert_eq!(edit.status, StatusCode::OK);
        assert_eq!(edit.input_value("name").as_deref(), Some("Tulsa Lab"));
        assert_eq!(edit.input_value("phone").as_deref(), Some("918-555-0100"));
        let mut fields = edit.form_fields(&path);
        set_field(&mut fields, "city", "Broken Arrow");
        set_field(&mut fields, "name", "Tulsa East Lab");
        let saved = admin.post_fields(&path, &fields).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            saved.form_errors()
        );
        assert_eq!(site_city(&app, site_id).await, "Broken Arrow");
        assert_eq!(
            app.text("SELECT name FROM provider_sites WHERE id = $1", site_id)
                .await,
            "Tulsa East Lab"
        );
        assert_eq!(
            app.optional_number("SELECT version FROM provider_sites WHERE id = $1", site_id)
                .await,
            Some(2)
        );
        assert_eq!(
            app.count_where(
                "audit_events",
                &format!(
                    "entity = 'provider_site' AND entity_id = {site_id} AND action = 'updated'"
                )
            )
            .await,
            1
        );
    }

    async fn site_form_rejects_bad_input(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other_provider = app.setup_provider("Other Cal").await;
        let leaver = app.add_employee(&provider, "Lee", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let deactivated = admin
            .post_form(
                &format!("/admin/employees/{}/deactivate", leaver.id),
                &[("successor", "")],
            )
            .await;
        assert_eq!(deactivated.status, StatusCode::SEE_OTHER);
        let foreign_rep = other_provider.admin.id.to_string();
        let inactive_rep = leaver.id.to_string();
        let long_name = "L".repeat(201);
        let cases = [
            ("name", "", "This field is required."),
            ("name", long_name.as_str(), "Use at most 200 characters."),
            ("code", "main", "Another site already uses this code."),
            ("code", "T U L!", "Use letters, digits, '-' and '_' only."),
            ("code", "", "This field is required."),
            ("time_zone", "Mars/Olympus", "Unknown time zone"),
            ("time_zone", "", "This field is required."),
            (
                "postal_code",
                "123456789012345678901",
                "Use at most 20 characters.",
            ),
            ("qualer_site_id", "twelve", "whole number"),
            (
                "default_representative_id",
                foreign_rep.as_str(),
                "Choose an active employee",
            ),
            (
                "default_representative_id",
                inactive_rep.as_str(),
                "Choose an active employee",
            ),
        ];
        let sites_before = app.count("provider_sites").await;
        let events_before = app.count("audit_events").await;

        for (field, value, message) in cases {
            let form = with_field(&NEW_SITE, field, value);
            let page = admin.post_form("/admin/sites/new", &form).await;

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
            for (name, typed) in &form {
                if *name != "default_representative_id" {
                    assert_eq!(
                        page.input_value(name).as_deref(),
                        Some(*typed),
                        "{name} lost its input"
                    );
                }
            }
            assert_eq!(
                app.count("provider_sites").await,
                sites_before,
                "{field}={value:?} stored a site"
            );
            assert_eq!(app.count("audit_events").await, events_before);
        }
    }

    async fn site_edit_with_bad_input_changes_nothing(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let path = format!("/admin/sites/{}", provider.site_id);
        let mut fields = admin.get(&path).await.form_fields(&path);
        set_field(&mut fields, "city", "Wichita");
        set_field(&mut fields, "time_zone", "America/Wichita");

        let page = admin.post_fields(&path, &fields).await;

        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page
            .field_error("time_zone")
            .unwrap_or_default()
            .contains("Unknown time zone"));
        assert_eq!(
            page.input_value("time_zone").as_deref(),
            Some("America/Wichita")
        );
        assert_eq!(page.input_value("city").as_deref(), Some("Wichita"));
        assert_eq!(site_city(&app, provider.site_id.0).await, "");
        assert_eq!(
            app.text(
                "SELECT time_zone FROM provider_sites WHERE id = $1",
                provider.site_id.0
            )
            .await,
            "America/Chicago"
        );
        assert_eq!(
            app.optional_number(
                "SELECT version FROM provider_sites WHERE id = $1",
                provider.site_id.0
            )
            .await,
            Some(1)
        );
    }

    async fn site_default_applies_to_inheriting_clients(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rep = app.add_employee(&provider, "Rita", Role::Staff).await;
        let own_rep = app.add_employee(&provider, "Owen", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let site = provider.site_id.to_string();
        let own_rep_id = own_rep.id.to_string();
        let inheriting = [
            admin
                .create_client(&[("name", "Initech"), ("serving_site_id", &site)])
                .await,
            admin
                .create_client(&[("name", "Globex"), ("serving_site_id", &site)])
                .await,
        ];
        let specific = admin
            .create_client(&[
                ("name", "Umbrella"),
                ("serving_site_id", &site),
                ("representative_id", &own_rep_id),
            ])
            .await;

        let before = admin
            .get(&format!("/clients/{}/account", inheriting[0]))
            .await;
        assert!(
            before.has_text("No representative"),
            "a representative shows before any is set"
        );

        admin
            .set_site_default_representative(provider.site_id, Some(rep.id))
            .await;

        for client_id in inheriting {
            let page = admin.get(&format!("/clients/{client_id}/account")).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                page.has_text(&rep.name),
                "client {client_id} does not show the site default"
            );
            assert!(page.has_text(&rep.email));
            assert!(
                page.has_text("Assigned: site default (Main Lab)"),
                "client {client_id}: provenance missing"
            );
            assert_eq!(
                app.client_representative(client_id).await,
                None,
                "the site default was copied onto the client"
            );
        }
        let page = admin.get(&format!("/clients/{specific}/account")).await;
        assert!(page.has_text(&own_rep.name));
        assert!(page.has_text("Assigned: client-specific"));
        assert!(!page.has_text("Assigned: site default"));

        let list = admin.get("/admin/sites").await;
        assert!(
            list.has_text(&rep.name),
            "the site list does not show the default representative"
        );
        let edit = admin
            .get(&format!("/admin/sites/{}", provider.site_id))
            .await;
        assert!(edit.has_text("Applies at once to the 3 clients this site serves"));
    }

    async fn stale_site_edit_is_rejected(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let first = app.signed_in(&provider.admin.email, PASSWORD).await;
        let second = app.signed_in(&provider.admin.email, PASSWORD).await;
        let path = format!("/admin/sites/{}", provider.site_id);
        let mut first_fields = first.get(&path).await.form_fields(&path);
        let mut second_fields = second.get(&path).await.form_fields(&path);

        set_field(&mut first_fields, "city", "Topeka");
        let saved = first.post_fields(&path, &first_fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);

        set_field(&mut second_fields, "city", "Omaha");
        let stale = second.post_fields(&path, &second_fields).await;
        assert_eq!(
            stale.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a stale edit overwrote the site"
        );
        let message = stale.form_message().unwrap_or_default();
        assert!(
            message.contains("Someone else saved this site"),
            "{message}"
        );
        assert_eq!(
            stale.input_value("city").as_deref(),
            Some("Omaha"),
            "the stale input was lost"
        );
        assert_eq!(site_city(&app, provider.site_id.0).await, "Topeka");
    }

    async fn other_provider_sites_are_not_found(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let intruder = app.signed_in(&other.admin.email, PASSWORD).await;
        let path = format!("/admin/sites/{}", provider.site_id);

        let page = intruder.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.has_text("Acme Cal"));

        let version = "1";
        let posted = intruder
            .post_form(
                &path,
                &with_field(&with_field(&NEW_SITE, "code", "MAIN"), "version", version),
            )
            .await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND);
        assert_eq!(site_city(&app, provider.site_id.0).await, "");
        assert_eq!(
            app.text(
                "SELECT name FROM provider_sites WHERE id = $1",
                provider.site_id.0
            )
            .await,
            "Main Lab"
        );

        let list = intruder.get("/admin/sites").await;
        assert!(
            !list.body.contains(&format!("href=\"{path}\"")),
            "another provider's site is listed"
        );
        assert!(list
            .body
            .contains(&format!("href=\"/admin/sites/{}\"", other.site_id)));
    }
}
