//! The Assets tab: adding and editing assets, search, filters, sorting, paging, export,
//! validation and tenant isolation.

use reqwest::StatusCode;

use crate::support::{set_field, with_field, TestClient, PASSWORD};

const WRENCH: [(&str, &str); 8] = [
    ("name", "Torque wrench"),
    ("manufacturer", "Fluke"),
    ("model", "TW-50"),
    ("serial_number", "SN-100"),
    ("asset_tag", "TAG-7"),
    ("equipment_id", "EQ-1"),
    ("status", "Active"),
    ("service_interval_months", "12"),
];

async fn add_asset(admin: &TestClient, client_id: i64, fields: &[(&str, &str)]) {
    let page = admin
        .post_form(&format!("/clients/{client_id}/assets/new"), fields)
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "adding an asset failed: {:?}",
        page.form_errors()
    );
}

fn today_plus(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

db_tests! {
    async fn asset_is_added_edited_and_moved_with_history(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        for (name, code) in [("Plant 1", "P1"), ("Plant 2", "P2")] {
            let site = admin
                .post_form(&format!("/clients/{client_id}/sites/new"), &[("name", name), ("code", code), ("billing_inherited", "on"), ("shipping_inherited", "on")])
                .await;
            assert_eq!(site.status, StatusCode::SEE_OTHER);
        }
        let plant1 = app.optional_number("SELECT id FROM client_sites WHERE code = 'P1' AND client_id = $1", client_id).await.unwrap().to_string();
        let plant2 = app.optional_number("SELECT id FROM client_sites WHERE code = 'P2' AND client_id = $1", client_id).await.unwrap().to_string();

        let mut fields = WRENCH.to_vec();
        fields.push(("site_id", &plant1));
        fields.push(("last_service_date", "2026-01-31"));
        add_asset(&admin, client_id, &fields).await;
        let asset_id = app.optional_number("SELECT id FROM assets WHERE client_id = $1", client_id).await.unwrap();
        assert_eq!(
            app.text("SELECT next_service_date FROM assets WHERE id = $1", asset_id).await,
            "2027-01-31",
            "the next service date follows the last one plus the interval"
        );

        let path = format!("/clients/{client_id}/assets/{asset_id}");
        let form = admin.get(&path).await;
        let mut edit = form.form_fields(&path);
        set_field(&mut edit, "site_id", &plant2);
        let moved = admin.post_fields(&path, &edit).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{:?}", moved.form_errors());
        let page = admin.get(&path).await;
        assert!(page.has_text("Plant 1 → Plant 2"), "the move is not in the asset's history");

        // Recording a new service keeps the shown next date only if the user changed it.
        let mut serviced = page.form_fields(&path);
        set_field(&mut serviced, "last_service_date", "2026-06-30");
        let saved = admin.post_fields(&path, &serviced).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{:?}", saved.form_errors());
        assert_eq!(app.text("SELECT next_service_date FROM assets WHERE id = $1", asset_id).await, "2027-06-30");
        assert_eq!(app.optional_number("SELECT site_id FROM assets WHERE id = $1", asset_id).await.map(|v| v.to_string()), Some(plant2));
    }

    async fn asset_form_rejects_bad_input(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        add_asset(&admin, client_id, &WRENCH).await;
        let path = format!("/clients/{client_id}/assets/new");

        let other_serial = with_field(&WRENCH, "serial_number", "SN-200");
        let long_tag = "t".repeat(101);
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (with_field(&other_serial, "name", ""), "name"),
            (with_field(&other_serial, "status", "Lost"), "status"),
            (with_field(&other_serial, "service_interval_months", "twelve"), "service_interval_months"),
            (with_field(&other_serial, "last_service_date", "31/01/2026"), "last_service_date"),
            (with_field(&with_field(&other_serial, "last_service_date", "2026-05-01"), "next_service_date", "2026-04-01"), "next_service_date"),
            (with_field(&other_serial, "asset_tag", &long_tag), "asset_tag"),
            (with_field(&other_serial, "site_id", "999999"), "site_id"),
        ];
        for (fields, field) in cases {
            let page = admin.post_form(&path, &fields).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "case on {field}");
            assert!(page.field_error(field).is_some(), "no error on {field}: {:?}", page.form_errors());
            assert_eq!(page.input_value("model").as_deref(), Some("TW-50"), "input was not kept");
        }

        // Serial number plus manufacturer is unique per client, ignoring case.
        let duplicate = admin.post_form(&path, &with_field(&with_field(&WRENCH, "serial_number", "sn-100"), "manufacturer", "FLUKE")).await;
        assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = duplicate.field_error("serial_number").expect("an error on the serial number");
        assert!(message.contains("Torque wrench"), "the message does not name the existing asset: {message}");
        assert_eq!(app.count("assets").await, 1);

        // The same serial number from another manufacturer, or at another client, is fine.
        add_asset(&admin, client_id, &with_field(&WRENCH, "manufacturer", "Mitutoyo")).await;
        let second_client = admin.create_client(&[("name", "Second Co")]).await;
        add_asset(&admin, second_client, &WRENCH).await;
        assert_eq!(app.count("assets").await, 3);
    }

    async fn assets_tab_searches_filters_sorts_and_pages(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        let past = today_plus(-3);
        let soon = today_plus(10);
        let later = today_plus(90);
        add_asset(&admin, client_id, &[("name", "Pressure gauge 50%_x"), ("serial_number", "PG-1"), ("manufacturer", "Wika"), ("next_service_date", &past)]).await;
        add_asset(&admin, client_id, &[("name", "Multimètre"), ("serial_number", "MM-1"), ("manufacturer", "Fluke"), ("next_service_date", &soon), ("status", "Failed")]).await;
        add_asset(&admin, client_id, &[("name", "Scale"), ("serial_number", "SC-1"), ("manufacturer", "Ohaus"), ("next_service_date", &later)]).await;
        for n in 0..30 {
            let name = format!("Thermometer {n:02}");
            let serial = format!("TH-{n:02}");
            add_asset(&admin, client_id, &[("name", &name), ("serial_number", &serial), ("manufacturer", "Omega")]).await;
        }
        let base = format!("/clients/{client_id}/assets");

        let accents = admin.get(&format!("{base}?q=MULTIMETRE")).await;
        assert!(accents.has_text("Multimètre"));
        assert!(accents.has_text("1–1 of 1 asset"));
        let literal = admin.get(&format!("{base}?q=50%25_")).await;
        assert!(literal.has_text("1–1 of 1 asset"), "% and _ must be literal");
        let wildcard = admin.get(&format!("{base}?q=%25")).await;
        assert!(wildcard.has_text("1–1 of 1 asset"));
        let by_serial = admin.get(&format!("{base}?q=th-0")).await;
        assert!(by_serial.has_text("of 10 assets"));

        let past_due = admin.get(&format!("{base}?due=past")).await;
        assert!(past_due.has_text("Pressure gauge"));
        assert!(past_due.has_text("1–1 of 1 asset"));
        let due_soon = admin.get(&format!("{base}?due=within&days=30")).await;
        assert!(due_soon.has_text("Multimètre"));
        assert!(due_soon.has_text("1–1 of 1 asset"));
        let failed = admin.get(&format!("{base}?status=Failed")).await;
        assert!(failed.has_text("1–1 of 1 asset"));

        let first = admin.get(&format!("{base}?per=25&sort=name")).await;
        assert!(first.has_text("1–25 of 33 assets"));
        let second = admin.get(&format!("{base}?per=25&sort=name&page=2")).await;
        assert!(second.has_text("26–33 of 33 assets"));
        assert!(second.has_text("Thermometer 29"));
        assert!(!first.has_text("Thermometer 29"), "a row shows on two pages");
        let beyond = admin.get(&format!("{base}?per=25&page=99")).await;
        assert_eq!(beyond.status, StatusCode::OK);
        let nonsense = admin.get(&format!("{base}?page=abc&sort=bogus&status=Lost&due=soon&days=-4")).await;
        assert_eq!(nonsense.status, StatusCode::OK);

        let descending = admin.get(&format!("{base}?sort=name&dir=desc")).await;
        let sort_links: Vec<String> = crate::support::tags(&descending.body, "a")
            .iter()
            .filter_map(|link| link.attr("href").map(crate::support::unescape))
            .filter(|href| href.starts_with(&format!("{base}?")) && href.contains("sort="))
            .collect();
        assert!(sort_links.len() >= 9, "the column headers are not sort links");
        for href in sort_links {
            let followed = admin.get(&href).await;
            assert_eq!(followed.status, StatusCode::OK, "the header link {href} failed");
        }
        let thermometer = descending.body.find("Thermometer 29").unwrap();
        let gauge = descending.body.find("Multimètre").unwrap();
        assert!(thermometer < gauge, "descending sort is not applied");

        let csv = admin.get(&format!("{base}/export.csv?q=omega")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.body.lines().count(), 31, "header plus the 30 matching assets");
        assert!(csv.body.starts_with("\u{feff}Asset id,Name,Site"), "a byte-order mark, then the header");
        let xlsx = admin.http().get(admin.url(&format!("{base}/export.xlsx"))).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK);
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an XLSX file is a zip archive");
    }

    async fn another_providers_assets_answer_as_absent(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let stranger = app.signed_in(&other.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        add_asset(&admin, client_id, &WRENCH).await;
        let asset_id = app.optional_number("SELECT id FROM assets WHERE client_id = $1", client_id).await.unwrap();

        for path in [
            format!("/clients/{client_id}/assets"),
            format!("/clients/{client_id}/assets/{asset_id}"),
            format!("/clients/{client_id}/assets/export.csv"),
        ] {
            assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        let posted = stranger.post_form(&format!("/clients/{client_id}/assets/{asset_id}"), &WRENCH).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND);
        let second_client = admin.create_client(&[("name", "Second Co")]).await;
        assert_eq!(admin.get(&format!("/clients/{second_client}/assets/{asset_id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.text("SELECT name FROM assets WHERE id = $1", asset_id).await, "Torque wrench");
    }
}
