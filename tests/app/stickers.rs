//! Stickers on the Assets, Orders and Account tabs: set, change, clear, validation, history
//! and tenant isolation.

use reqwest::StatusCode;

use crate::support::PASSWORD;

db_tests! {
    async fn sticker_is_set_changed_and_cleared(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        let path = format!("/clients/{client_id}/stickers/orders");

        let before = admin.get(&format!("/clients/{client_id}/orders")).await;
        assert_eq!(before.body.matches("(+)").count(), 3, "each tab offers (+) before any sticker");

        let set = admin.post_form(&path, &[("note", "PO needed before work"), ("colour", "pink")]).await;
        assert_eq!(set.status, StatusCode::SEE_OTHER);
        assert_eq!(set.location(), Some(format!("/clients/{client_id}/orders").as_str()));
        for tab in ["assets", "orders", "account"] {
            let page = admin.get(&format!("/clients/{client_id}/{tab}")).await;
            assert!(page.has_text("PO needed before work"), "the sticker is missing on the {tab} tab");
            assert!(page.body.contains("sticker-bar-pink"), "no pink bar on the {tab} tab");
            assert_eq!(page.body.matches("(+)").count(), 2, "the orders slot still shows (+)");
        }

        let changed = admin.post_form(&path, &[("note", "PO received"), ("colour", "yellow")]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        assert_eq!(app.count_where("stickers", &format!("client_id = {client_id}")).await, 1, "one sticker per tab");

        let cleared = admin.post_form(&path, &[("note", ""), ("colour", "yellow")]).await;
        assert_eq!(cleared.status, StatusCode::SEE_OTHER);
        assert_eq!(app.count("stickers").await, 0);
        let page = admin.get(&format!("/clients/{client_id}/orders")).await;
        assert_eq!(page.body.matches("(+)").count(), 3, "(+) returns after clearing");

        let history = admin.get(&format!("/clients/{client_id}/account")).await;
        assert!(history.has_text("sticker set"));
        assert!(history.has_text("sticker changed"));
        assert!(history.has_text("sticker cleared"));
        assert!(history.has_text("pink: PO needed before work"));
    }

    async fn clear_button_removes_the_sticker(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        let path = format!("/clients/{client_id}/stickers/assets");
        admin.post_form(&path, &[("note", "Fragile items"), ("colour", "yellow")]).await;

        let cleared = admin.post_form(&path, &[("note", "Fragile items"), ("colour", "yellow"), ("clear", "1")]).await;
        assert_eq!(cleared.status, StatusCode::SEE_OTHER);
        assert_eq!(app.count("stickers").await, 0);
    }

    async fn sticker_rejects_bad_input(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        let long = "x".repeat(251);

        let green = admin.post_form(&format!("/clients/{client_id}/stickers/account"), &[("note", "Call first"), ("colour", "green")]).await;
        assert_eq!(green.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(green.has_text("Choose yellow or pink."));
        assert!(green.has_text("Call first"), "the typed note was not kept");

        let too_long = admin.post_form(&format!("/clients/{client_id}/stickers/account"), &[("note", &long), ("colour", "pink")]).await;
        assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_long.has_text("Use at most 250 characters."));

        let unknown_tab = admin.post_form(&format!("/clients/{client_id}/stickers/invoices"), &[("note", "x"), ("colour", "pink")]).await;
        assert_eq!(unknown_tab.status, StatusCode::NOT_FOUND);
        assert_eq!(app.count("stickers").await, 0);
    }

    async fn another_providers_stickers_answer_as_absent(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let stranger = app.signed_in(&other.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Acme Widgets")]).await;
        admin.post_form(&format!("/clients/{client_id}/stickers/orders"), &[("note", "Internal only"), ("colour", "pink")]).await;

        let posted = stranger.post_form(&format!("/clients/{client_id}/stickers/orders"), &[("note", "mine now"), ("colour", "yellow")]).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND);
        assert_eq!(app.text("SELECT note FROM stickers WHERE client_id = $1", client_id).await, "Internal only");
    }
}
