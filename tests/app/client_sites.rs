//! Account tab > Sites: adding, editing, archiving and deleting client sites, address
//! inheritance, validation and tenant isolation.

use reqwest::StatusCode;

use crate::support::{with_field, PASSWORD};

/// A site with its own billing address and the headquarters' shipping address.
const OWN_BILLING: [(&str, &str); 7] = [
    ("name", "Plant 2"),
    ("code", "P2"),
    ("billing_line1", "5 Side St"),
    ("billing_city", "Tulsa"),
    ("billing_state", "OK"),
    ("shipping_inherited", "on"),
    ("time_zone", "America/Chicago"),
];

const INHERITING: [(&str, &str); 4] = [
    ("name", "Warehouse"),
    ("code", "WH"),
    ("billing_inherited", "on"),
    ("shipping_inherited", "on"),
];

async fn client_with_hq(admin: &crate::support::TestClient) -> i64 {
    admin
        .create_client(&[
            ("name", "Acme Widgets"),
            ("billing_line1", "1 Main St"),
            ("billing_city", "Wichita"),
            ("billing_state", "KS"),
        ])
        .await
}

async fn move_headquarters(admin: &crate::support::TestClient, client_id: i64, city: &str) {
    let account = admin.get(&format!("/clients/{client_id}/account")).await;
    let action = format!("/clients/{client_id}/headquarters");
    let mut fields = account.form_fields(&action);
    crate::support::set_field(&mut fields, "billing_line1", "9 New Rd");
    crate::support::set_field(&mut fields, "billing_city", city);
    let saved = admin.post_fields(&action, &fields).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        saved.form_errors()
    );
}

db_tests! {
    async fn sites_inherit_or_keep_their_own_address(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = client_with_hq(&admin).await;

        let own = admin.post_form(&format!("/clients/{client_id}/sites/new"), &OWN_BILLING).await;
        assert_eq!(own.status, StatusCode::SEE_OTHER, "{:?}", own.form_errors());
        let inheriting = admin.post_form(&format!("/clients/{client_id}/sites/new"), &INHERITING).await;
        assert_eq!(inheriting.status, StatusCode::SEE_OTHER, "{:?}", inheriting.form_errors());

        let account = admin.get(&format!("/clients/{client_id}/account")).await;
        assert!(account.has_text("5 Side St, Tulsa OK"));
        assert!(account.has_text("own address"));
        assert!(account.has_text("same as headquarters"));

        // A later headquarters move reaches the inheriting site only.
        move_headquarters(&admin, client_id, "Topeka").await;
        let account = admin.get(&format!("/clients/{client_id}/account")).await;
        assert!(account.has_text("9 New Rd, Topeka KS"), "inherited address did not follow the HQ");
        assert!(account.has_text("5 Side St, Tulsa OK"), "own address changed with the HQ");
        let stored_city = app
            .text("SELECT billing_city FROM client_sites WHERE code = 'WH' AND client_id = $1", client_id)
            .await;
        assert_eq!(stored_city, "", "an inherited address is not copied into the site");
    }

    async fn site_form_rejects_bad_input(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = client_with_hq(&admin).await;
        let path = format!("/clients/{client_id}/sites/new");
        assert_eq!(admin.post_form(&path, &INHERITING).await.status, StatusCode::SEE_OTHER);

        let long_name = "x".repeat(201);
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (with_field(&INHERITING, "name", " "), "name"),
            (with_field(&with_field(&INHERITING, "name", "Other"), "code", "wh"), "code"),
            (with_field(&with_field(&INHERITING, "name", "Other"), "code", "W H"), "code"),
            (with_field(&with_field(&INHERITING, "name", "Other"), "time_zone", "Mars/Base"), "time_zone"),
            (with_field(&INHERITING, "name", &long_name), "name"),
            (OWN_BILLING.iter().filter(|(k, _)| *k != "billing_line1").copied().collect(), "billing_line1"),
        ];
        for (fields, field) in cases {
            let page = admin.post_form(&path, &fields).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "case on {field}");
            assert!(page.field_error(field).is_some(), "no error on {field}: {:?}", page.form_errors());
        }
        assert_eq!(app.count_where("client_sites", &format!("client_id = {client_id}")).await, 1);

        let kept = admin.post_form(&path, &with_field(&OWN_BILLING, "time_zone", "Mars/Base")).await;
        assert_eq!(kept.input_value("billing_line1").as_deref(), Some("5 Side St"));
        assert_eq!(kept.input_value("time_zone").as_deref(), Some("Mars/Base"));
    }

    async fn site_with_assets_is_archived_not_deleted(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = client_with_hq(&admin).await;
        admin.post_form(&format!("/clients/{client_id}/sites/new"), &INHERITING).await;
        admin.post_form(&format!("/clients/{client_id}/sites/new"), &OWN_BILLING).await;
        let site_id = app.optional_number("SELECT id FROM client_sites WHERE code = 'WH' AND client_id = $1", client_id).await.unwrap();
        let empty_site = app.optional_number("SELECT id FROM client_sites WHERE code = 'P2' AND client_id = $1", client_id).await.unwrap();
        let asset = admin
            .post_form(&format!("/clients/{client_id}/assets/new"), &[("name", "Caliper"), ("site_id", &site_id.to_string())])
            .await;
        assert_eq!(asset.status, StatusCode::SEE_OTHER, "{:?}", asset.form_errors());

        let refused = admin.post_form(&format!("/clients/{client_id}/sites/{site_id}/delete"), &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has_text("cannot be deleted"));
        assert_eq!(app.count_where("client_sites", &format!("id = {site_id}")).await, 1);

        let archived = admin.post_form(&format!("/clients/{client_id}/sites/{site_id}/archive"), &[]).await;
        assert_eq!(archived.status, StatusCode::SEE_OTHER);
        let new_asset = admin.get(&format!("/clients/{client_id}/assets/new")).await;
        assert!(
            !new_asset.select_options("site_id").iter().any(|(value, _)| *value == site_id.to_string()),
            "an archived site is still offered"
        );
        let placed = admin
            .post_form(&format!("/clients/{client_id}/assets/new"), &[("name", "Gauge"), ("site_id", &site_id.to_string())])
            .await;
        assert_eq!(placed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(placed.field_error("site_id").is_some());
        let site_page = admin.get(&format!("/clients/{client_id}/sites/{site_id}")).await;
        assert!(site_page.has_text("archived"), "the archive is not in the site's history");

        let deleted = admin.post_form(&format!("/clients/{client_id}/sites/{empty_site}/delete"), &[]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER);
        assert_eq!(app.count_where("client_sites", &format!("id = {empty_site}")).await, 0);
    }

    async fn other_clients_sites_answer_as_absent(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let stranger = app.signed_in(&other.admin.email, PASSWORD).await;
        let client_id = client_with_hq(&admin).await;
        let second_client = admin.create_client(&[("name", "Second Co")]).await;
        admin.post_form(&format!("/clients/{client_id}/sites/new"), &INHERITING).await;
        let site_id = app.optional_number("SELECT id FROM client_sites WHERE client_id = $1", client_id).await.unwrap();

        assert_eq!(stranger.get(&format!("/clients/{client_id}/sites/{site_id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.get(&format!("/clients/{client_id}/sites/new")).await.status, StatusCode::NOT_FOUND);
        let posted = stranger.post_form(&format!("/clients/{client_id}/sites/{site_id}/archive"), &[]).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND);
        // The site through another client of the same provider is absent too.
        assert_eq!(admin.get(&format!("/clients/{second_client}/sites/{site_id}")).await.status, StatusCode::NOT_FOUND);
        let moved = admin
            .post_form(&format!("/clients/{second_client}/assets/new"), &[("name", "Gauge"), ("site_id", &site_id.to_string())])
            .await;
        assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(moved.field_error("site_id").is_some());
        assert_eq!(app.count("assets").await, 0);
    }
}
