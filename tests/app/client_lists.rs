//! ADMINISTRATION > Client lists: adding, renaming and deleting the values of the Class,
//! Invoicing, Standing and Category lists, their validation, and how the client form offers them.

use calserve::auth::Role;
use calserve::ids::ProviderId;
use reqwest::StatusCode;
use sqlx::Row as _;

use crate::support::{set_field, tags, Page, TestApp, TestClient, PASSWORD};

const PAGE: &str = "/admin/client-lists";

/// Looks up the id of a stored value of the provider's list by exact name.
async fn value_id(app: &TestApp, provider_id: ProviderId, kind: &str, name: &str) -> Option<i64> {
    sqlx::query(
        "SELECT id FROM client_list_values WHERE provider_id = $1 AND kind = $2 AND name = $3",
    )
    .bind(provider_id.0)
    .bind(kind)
    .bind(name)
    .fetch_optional(&app.db.pool)
    .await
    .expect("look up a list value")
    .map(|row| row.try_get("id").expect("an id"))
}

/// Lists the stored names of the provider's list, sorted.
async fn names(app: &TestApp, provider_id: ProviderId, kind: &str) -> Vec<String> {
    let mut names: Vec<String> =
        sqlx::query("SELECT name FROM client_list_values WHERE provider_id = $1 AND kind = $2")
            .bind(provider_id.0)
            .bind(kind)
            .fetch_all(&app.db.pool)
            .await
            .expect("list values")
            .iter()
            .map(|row| row.try_get("name").expect("a name"))
            .collect();
    names.sort();
    names
}

/// Adds a value through the page's add form and returns its id.
async fn add(
    app: &TestApp,
    admin: &TestClient,
    provider_id: ProviderId,
    kind: &str,
    name: &str,
) -> i64 {
    let page = admin
        .post_form(&format!("{PAGE}/{kind}"), &[("name", name)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "adding {name:?} to {kind} failed: {:?}",
        page.form_errors()
    );
    value_id(app, provider_id, kind, name)
        .await
        .unwrap_or_else(|| panic!("{name:?} was not stored in {kind}"))
}

/// Returns the value of the input with this element id.
fn input_by_id(page: &Page, id: &str) -> Option<String> {
    tags(&page.body, "input")
        .into_iter()
        .find(|tag| tag.attr("id") == Some(id))
        .map(|tag| tag.attr("value").unwrap_or_default().to_owned())
}

/// Lists the field errors on the page, without the summary above the lists.
fn field_errors(page: &Page) -> Vec<(String, String)> {
    page.form_errors()
        .into_iter()
        .filter(|(field, _)| field != "(form)")
        .collect()
}

async fn audit_events(app: &TestApp, value_id: i64, action: &str) -> i64 {
    app.count_where(
        "audit_events",
        &format!("entity = 'client_list_value' AND entity_id = {value_id} AND action = '{action}'"),
    )
    .await
}

db_tests! {
    async fn value_added_renamed_and_deleted(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;

        let empty = admin.get(PAGE).await;
        assert_eq!(empty.status, StatusCode::OK);
        for label in ["Class", "Invoicing", "Standing", "Category"] {
            assert!(empty.has_text(&format!("No {label} values yet.")), "{label}");
            assert!(empty.has_text(&format!("New {label} value")), "{label}");
        }
        assert!(empty.body.contains("href=\"/admin/client-lists\""), "menu link missing");

        let added = admin
            .post_form(&format!("{PAGE}/invoicing"), &[("name", "  PO   Required ")])
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{:?}", added.form_errors());
        assert_eq!(added.location(), Some("/admin/client-lists?added=invoicing#invoicing"));
        let id = value_id(&app, provider.id, "invoicing", "PO Required")
            .await
            .expect("the value stored with its spaces cleaned");
        assert_eq!(audit_events(&app, id, "created").await, 1);

        let list = admin.get("/admin/client-lists?added=invoicing").await;
        assert!(list.has_text("The value was added to the Invoicing list."));
        let rename_input = format!("value-{id}-name");
        assert_eq!(input_by_id(&list, &rename_input).as_deref(), Some("PO Required"));
        let delete_path = format!("{PAGE}/invoicing/{id}/delete");
        let delete_form = tags(&list.body, "form")
            .into_iter()
            .find(|form| form.attr("action") == Some(delete_path.as_str()))
            .expect("a delete form for the unused value");
        assert!(delete_form
            .attr("data-confirm")
            .unwrap_or_default()
            .contains("Delete the Invoicing value “PO Required”?"));

        let renamed = admin
            .post_form(&format!("{PAGE}/invoicing/{id}"), &[("name", "Purchase order required")])
            .await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{:?}", renamed.form_errors());
        assert_eq!(names(&app, provider.id, "invoicing").await, ["Purchase order required"]);
        assert_eq!(
            value_id(&app, provider.id, "invoicing", "Purchase order required").await,
            Some(id),
            "a rename keeps the id"
        );
        assert_eq!(audit_events(&app, id, "renamed").await, 1);
        let changes = app
            .text(
                "SELECT changes FROM audit_events WHERE entity = 'client_list_value' \
                 AND action = 'renamed' AND entity_id = $1",
                id,
            )
            .await;
        assert!(changes.contains("PO Required"), "{changes}");
        assert!(changes.contains("Purchase order required"), "{changes}");
        let actor = app
            .optional_number(
                "SELECT actor_employee_id FROM audit_events WHERE entity = 'client_list_value' \
                 AND action = 'renamed' AND entity_id = $1",
                id,
            )
            .await;
        assert_eq!(actor, Some(provider.admin.id.0));

        let deleted = admin.post_form(&delete_path, &[]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{:?}", deleted.form_errors());
        assert_eq!(deleted.location(), Some("/admin/client-lists?deleted=invoicing#invoicing"));
        assert!(names(&app, provider.id, "invoicing").await.is_empty());
        assert_eq!(audit_events(&app, id, "deleted").await, 1);
        let list = admin.get("/admin/client-lists?deleted=invoicing").await;
        assert!(list.has_text("The value was deleted from the Invoicing list."));
        assert!(list.has_text("No Invoicing values yet."));
    }

    async fn used_value_cannot_be_deleted(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let gold = add(&app, &admin, provider.id, "class", "Gold").await;
        let gold_text = gold.to_string();
        let client_id = admin
            .create_client(&[("name", "Initech"), ("class_id", &gold_text)])
            .await;
        let delete_path = format!("{PAGE}/class/{gold}/delete");

        let list = admin.get(PAGE).await;
        assert!(list.has_text("Used by 1 client, so it cannot be deleted"));
        assert!(
            !list.body.contains(&format!("action=\"{delete_path}\"")),
            "a used value offers a delete button"
        );

        let rejected = admin.post_form(&delete_path, &[]).await;
        assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = rejected
            .field_error(&format!("value-{gold}-delete"))
            .unwrap_or_else(|| panic!("no error on the value: {:?}", rejected.form_errors()));
        assert!(error.contains("“Gold” cannot be deleted because 1 client uses it"), "{error}");
        assert!(rejected
            .form_message()
            .unwrap_or_default()
            .contains("The Class list was not changed."));
        assert_eq!(names(&app, provider.id, "class").await, ["Gold"]);
        assert_eq!(audit_events(&app, gold, "deleted").await, 0);

        // Once the client has no class, the value can go.
        let company = format!("/clients/{client_id}/company");
        let account = admin.get(&format!("/clients/{client_id}/account")).await;
        let mut fields = account.form_fields(&company);
        set_field(&mut fields, "class_id", "");
        let saved = admin.post_fields(&company, &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{:?}", saved.form_errors());
        let deleted = admin.post_form(&delete_path, &[]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{:?}", deleted.form_errors());
        assert!(names(&app, provider.id, "class").await.is_empty());
    }

    async fn add_rejects_invalid_names(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        add(&app, &admin, provider.id, "invoicing", "PO Required").await;
        let long_name = "x".repeat(101);
        let cases = [
            ("", "This field is required."),
            ("   ", "This field is required."),
            (long_name.as_str(), "Use at most 100 characters."),
            ("(unassigned)", "“(unassigned)” is reserved"),
            (" (Unassigned) ", "“(unassigned)” is reserved"),
            ("po required", "The Invoicing list already has “PO Required”."),
            ("PÔ  REQUIRED", "The Invoicing list already has “PO Required”."),
        ];
        let values_before = app.count("client_list_values").await;
        let events_before = app.count("audit_events").await;

        for (typed, message) in cases {
            let page = admin
                .post_form(&format!("{PAGE}/invoicing"), &[("name", typed)])
                .await;

            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed:?} was accepted");
            let error = page.field_error("invoicing-new-name").unwrap_or_else(|| {
                panic!(
                    "no error next to the Invoicing add form for {typed:?}: {:?}",
                    page.form_errors()
                )
            });
            assert!(error.contains(message), "{typed:?}: unexpected message {error:?}");
            assert_eq!(field_errors(&page).len(), 1, "{typed:?}: {:?}", page.form_errors());
            assert_eq!(
                input_by_id(&page, "invoicing-new-name").as_deref(),
                Some(typed),
                "{typed:?} was not kept"
            );
            assert_eq!(input_by_id(&page, "class-new-name").as_deref(), Some(""));
            assert_eq!(input_by_id(&page, "category-new-name").as_deref(), Some(""));
            assert!(page
                .form_message()
                .unwrap_or_default()
                .contains("The Invoicing list was not changed."));
            assert_eq!(
                app.count("client_list_values").await,
                values_before,
                "{typed:?} stored a value"
            );
            assert_eq!(app.count("audit_events").await, events_before);
        }

        // The same name is fine in another list and at another provider.
        add(&app, &admin, provider.id, "category", "PO Required").await;
        let other_admin = app.signed_in(&other.admin.email, PASSWORD).await;
        add(&app, &other_admin, other.id, "invoicing", "po required").await;
    }

    async fn rename_rejects_invalid_names(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let monthly = add(&app, &admin, provider.id, "invoicing", "Monthly").await;
        let po = add(&app, &admin, provider.id, "invoicing", "PO Required").await;
        let rename_path = format!("{PAGE}/invoicing/{po}");
        let po_input = format!("value-{po}-name");
        let long_name = "x".repeat(101);
        let cases = [
            ("", "This field is required."),
            (long_name.as_str(), "Use at most 100 characters."),
            ("(UNASSIGNED)", "“(unassigned)” is reserved"),
            ("monthly", "The Invoicing list already has “Monthly”."),
            ("Mónthly", "The Invoicing list already has “Monthly”."),
        ];
        let events_before = app.count("audit_events").await;

        for (typed, message) in cases {
            let page = admin.post_form(&rename_path, &[("name", typed)]).await;

            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed:?} was accepted");
            let error = page.field_error(&po_input).unwrap_or_else(|| {
                panic!("no error next to the renamed value for {typed:?}: {:?}", page.form_errors())
            });
            assert!(error.contains(message), "{typed:?}: unexpected message {error:?}");
            assert_eq!(field_errors(&page).len(), 1, "{typed:?}: {:?}", page.form_errors());
            assert_eq!(
                input_by_id(&page, &po_input).as_deref(),
                Some(typed),
                "{typed:?} was not kept"
            );
            assert_eq!(
                input_by_id(&page, &format!("value-{monthly}-name")).as_deref(),
                Some("Monthly")
            );
            assert_eq!(input_by_id(&page, "invoicing-new-name").as_deref(), Some(""));
            assert_eq!(names(&app, provider.id, "invoicing").await, ["Monthly", "PO Required"]);
            assert_eq!(app.count("audit_events").await, events_before);
        }

        // Changing only the case is allowed, because a value is not a duplicate of itself.
        let recased = admin.post_form(&rename_path, &[("name", "PO required")]).await;
        assert_eq!(recased.status, StatusCode::SEE_OTHER, "{:?}", recased.form_errors());
        assert_eq!(names(&app, provider.id, "invoicing").await, ["Monthly", "PO required"]);
    }

    async fn renamed_value_shows_on_account_tab(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let good = add(&app, &admin, provider.id, "standing", "Good").await;
        let good_text = good.to_string();
        let client_id = admin
            .create_client(&[("name", "Initech"), ("standing_id", &good_text)])
            .await;

        let renamed = admin
            .post_form(&format!("{PAGE}/standing/{good}"), &[("name", "Excellent")])
            .await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{:?}", renamed.form_errors());

        let account = admin.get(&format!("/clients/{client_id}/account")).await;
        assert_eq!(account.status, StatusCode::OK);
        let options = account.select_options("standing_id");
        assert_eq!(
            options,
            [
                (String::new(), "(unassigned)".to_owned()),
                (good_text.clone(), "Excellent".to_owned()),
            ]
        );
        assert_eq!(account.selected_value("standing_id"), Some(good_text));
        let list = admin.get(PAGE).await;
        assert_eq!(input_by_id(&list, &format!("value-{good}-name")).as_deref(), Some("Excellent"));
        let rows = list.table_rows("id=\"standing-title\"");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0][1], "1");
        assert_eq!(rows[0][2], "Used by 1 client, so it cannot be deleted");
    }

    async fn staff_requests_are_forbidden(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let staff_account = app.add_employee(&provider, "Sam", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let gold = add(&app, &admin, provider.id, "class", "Gold").await;
        let staff = app.signed_in(&staff_account.email, PASSWORD).await;
        let events_before = app.count("audit_events").await;

        let page = staff.get(PAGE).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.has_text("This page is for provider administrators."));
        assert!(!staff.get("/clients").await.body.contains("href=\"/admin/client-lists\""));
        for (path, fields) in [
            (format!("{PAGE}/class"), vec![("name", "Silver")]),
            (format!("{PAGE}/class/{gold}"), vec![("name", "Platinum")]),
            (format!("{PAGE}/class/{gold}/delete"), vec![]),
        ] {
            let page = staff.post_form(&path, &fields).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {path}");
        }
        assert_eq!(names(&app, provider.id, "class").await, ["Gold"]);
        assert_eq!(app.count("audit_events").await, events_before);
    }

    async fn foreign_and_unknown_values_answer_404(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let other_admin = app.signed_in(&other.admin.email, PASSWORD).await;
        let own = add(&app, &admin, provider.id, "class", "Gold").await;
        let foreign = add(&app, &other_admin, other.id, "class", "Platinum").await;
        let events_before = app.count("audit_events").await;

        let cases = [
            (format!("{PAGE}/class/{foreign}"), vec![("name", "Stolen")]),
            (format!("{PAGE}/class/{foreign}/delete"), vec![]),
            (format!("{PAGE}/invoicing/{own}"), vec![("name", "Moved")]),
            (format!("{PAGE}/invoicing/{own}/delete"), vec![]),
            (format!("{PAGE}/colour"), vec![("name", "Red")]),
            (format!("{PAGE}/colour/{own}"), vec![("name", "Red")]),
            (format!("{PAGE}/class/first"), vec![("name", "Red")]),
            (format!("{PAGE}/class/999999/delete"), vec![]),
        ];
        for (path, fields) in &cases {
            let page = admin.post_form(path, fields).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
        }

        assert_eq!(names(&app, other.id, "class").await, ["Platinum"]);
        assert_eq!(names(&app, provider.id, "class").await, ["Gold"]);
        assert_eq!(app.count("client_list_values").await, 2);
        assert_eq!(app.count("audit_events").await, events_before);
        let list = admin.get(PAGE).await;
        assert!(!list.has_text("Platinum"), "another provider's value is listed");
    }

    async fn new_value_offered_on_new_client(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let aerospace = add(&app, &admin, provider.id, "category", "Aerospace").await;
        let aerospace_text = aerospace.to_string();

        let form = admin.get("/clients/new").await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(
            form.select_options("category_id"),
            [
                (String::new(), "(unassigned)".to_owned()),
                (aerospace_text.clone(), "Aerospace".to_owned()),
            ]
        );

        let client_id = admin
            .create_client(&[("name", "Initech"), ("category_id", &aerospace_text)])
            .await;
        assert_eq!(
            app.optional_number("SELECT category_id FROM clients WHERE id = $1", client_id)
                .await,
            Some(aerospace)
        );
        let list = admin.get(PAGE).await;
        assert!(list.has_text("Used by 1 client, so it cannot be deleted"));
    }
}
