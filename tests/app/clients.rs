//! Creating clients and the Account tab: company information, primary contact, account
//! representative, headquarters addresses, history, concurrent edits and tenant isolation.

use calserve::auth::Role;
use calserve::clients::queries::ensure_list_value;
use calserve::clients::ListKind;
use calserve::ids::ProviderId;
use reqwest::StatusCode;

use crate::support::{client_form, remove_field, set_field, with_field, TestApp, PASSWORD};

async fn column(app: &TestApp, client_id: i64, column: &str) -> String {
    app.text(
        &format!("SELECT {column} FROM clients WHERE id = $1"),
        client_id,
    )
    .await
}

async fn list_value(app: &TestApp, provider_id: ProviderId, kind: ListKind, name: &str) -> String {
    let mut tx = app.db.begin().await.unwrap();
    let id = ensure_list_value(&mut tx, provider_id, kind, name, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

/// Rows of the conflict table, as (field, saved now, yours).
fn conflicts(page: &crate::support::Page) -> Vec<(String, String, String)> {
    page.table_rows("<table class=\"data compact\">")
        .into_iter()
        .map(|cells| (cells[0].clone(), cells[1].clone(), cells[2].clone()))
        .collect()
}

db_tests! {
    async fn client_created_with_every_field(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rep = app.add_employee(&provider, "Rita", Role::Staff).await;
        let manager = app.add_employee(&provider, "Manny", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let class = list_value(&app, provider.id, ListKind::Class, "Gold").await;
        let invoicing = list_value(&app, provider.id, ListKind::Invoicing, "Monthly").await;
        let standing = list_value(&app, provider.id, ListKind::Standing, "Good").await;
        let category = list_value(&app, provider.id, ListKind::Category, "Aerospace").await;
        let (site, rep_id, manager_id) = (
            provider.site_id.to_string(),
            rep.id.to_string(),
            manager.id.to_string(),
        );
        let fields = [
            ("name", "Initech  Corporation"),
            ("account_number", "INI-100"),
            ("status", "Prospect"),
            ("domain", "Initech.example"),
            ("alternative_names", "Initech; INI"),
            ("custom_name", "Initech (Austin)"),
            ("legacy_id", "L-42"),
            ("currency", "eur"),
            ("class_id", class.as_str()),
            ("invoicing_id", invoicing.as_str()),
            ("standing_id", standing.as_str()),
            ("category_id", category.as_str()),
            ("serving_site_id", site.as_str()),
            ("representative_id", rep_id.as_str()),
            ("account_manager_id", manager_id.as_str()),
            ("contact_first_name", "Bill"),
            ("contact_last_name", "Lumbergh"),
            ("contact_title", "Vice President"),
            ("contact_email", "bill@initech.example"),
            ("contact_phone", "512-555-0100"),
            ("contact_mobile", "512-555-0101"),
            ("contact_fax", "512-555-0102"),
            ("billing_line1", "1 Initech Way"),
            ("billing_city", "Austin"),
            ("billing_state", "TX"),
            ("billing_postal_code", "78701"),
            ("billing_country", "US"),
            ("shipping_line1", "2 Dock Rd"),
            ("shipping_city", "Round Rock"),
            ("shipping_country", "US"),
        ];

        let page = admin.post_form("/clients/new", &fields).await;

        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            page.form_errors()
        );
        let client_id = crate::support::client_id_from_location(&page);
        assert_eq!(
            page.location(),
            Some(format!("/clients/{client_id}/account?created=1").as_str())
        );
        for (name, expected) in [
            ("name", "Initech Corporation"),
            ("account_number", "INI-100"),
            ("status", "Prospect"),
            ("domain", "initech.example"),
            ("alternative_names", "Initech; INI"),
            ("custom_name", "Initech (Austin)"),
            ("legacy_id", "L-42"),
            ("currency", "EUR"),
            ("contact_first_name", "Bill"),
            ("contact_last_name", "Lumbergh"),
            ("contact_title", "Vice President"),
            ("contact_email", "bill@initech.example"),
            ("contact_phone", "512-555-0100"),
            ("contact_mobile", "512-555-0101"),
            ("contact_fax", "512-555-0102"),
            ("billing_line1", "1 Initech Way"),
            ("billing_city", "Austin"),
            ("billing_postal_code", "78701"),
            ("shipping_line1", "2 Dock Rd"),
            ("shipping_city", "Round Rock"),
        ] {
            assert_eq!(
                column(&app, client_id, name).await,
                expected,
                "stored {name}"
            );
        }
        for (name, expected) in [
            ("class_id", &class),
            ("invoicing_id", &invoicing),
            ("standing_id", &standing),
            ("category_id", &category),
            ("serving_site_id", &site),
            ("representative_id", &rep_id),
            ("account_manager_id", &manager_id),
        ] {
            let stored = app
                .optional_number(
                    &format!("SELECT {name} FROM clients WHERE id = $1"),
                    client_id,
                )
                .await;
            assert_eq!(
                stored.map(|id| id.to_string()).as_ref(),
                Some(expected),
                "stored {name}"
            );
        }
        assert_eq!(
            app.optional_number(
                "SELECT shipping_same_as_billing FROM clients WHERE id = $1",
                client_id
            )
            .await,
            Some(0)
        );
        assert_eq!(
            app.count_where("client_employees", &format!("client_id = {client_id}"))
                .await,
            1
        );
        assert_eq!(
            app.count_where(
                "client_employees",
                &format!("client_id = {client_id} AND is_admin = 1")
            )
            .await,
            1
        );
        assert_eq!(
            app.count_where(
                "audit_events",
                &format!("entity = 'client' AND entity_id = {client_id} AND action = 'created'")
            )
            .await,
            1
        );

        let account = admin
            .get(&format!("/clients/{client_id}/account?created=1"))
            .await;
        assert_eq!(account.status, StatusCode::OK);
        assert!(account.has_text("The client was created."));
        assert!(account.has_text("Account INI-100"));
        assert_eq!(
            account.input_value("contact_email").as_deref(),
            Some("bill@initech.example")
        );
        assert_eq!(
            account.selected_value("class_id").as_deref(),
            Some(class.as_str())
        );
        assert!(account.has_text(&rep.name));
        assert!(account.has_text(&format!("Account manager: {}", manager.name)));
        assert!(!account.is_checked("shipping_same_as_billing"));
    }

    async fn generated_account_numbers_are_sequential(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;

        let mut numbers = Vec::new();
        for name in ["Initech", "Globex", "Hooli"] {
            let id = admin.create_client(&[("name", name)]).await;
            numbers.push(column(&app, id, "account_number").await);
        }
        assert_eq!(numbers, ["1", "2", "3"]);

        let explicit = admin
            .create_client(&[("name", "Umbrella"), ("account_number", "1000")])
            .await;
        assert_eq!(column(&app, explicit, "account_number").await, "1000");
        let after = admin.create_client(&[("name", "Soylent")]).await;
        assert_eq!(
            column(&app, after, "account_number").await,
            "1001",
            "the generator ran into a given number"
        );
        let lettered = admin
            .create_client(&[("name", "Cyberdyne"), ("account_number", "CY-5")])
            .await;
        assert_eq!(column(&app, lettered, "account_number").await, "CY-5");
        let last = admin.create_client(&[("name", "Tyrell")]).await;
        assert_eq!(column(&app, last, "account_number").await, "1002");
    }

    async fn duplicate_account_number_is_rejected(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin
            .create_client(&[("name", "Initech"), ("account_number", "ACC-7")])
            .await;
        let clients_before = app.count("clients").await;
        let people_before = app.count("client_employees").await;

        let page = admin
            .post_form(
                "/clients/new",
                &client_form(&[
                    ("name", "Globex"),
                    ("account_number", "acc-7"),
                    ("domain", "globex.example"),
                ]),
            )
            .await;

        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.field_error("account_number").as_deref(),
            Some("Another client already has this account number.")
        );
        assert_eq!(page.input_value("account_number").as_deref(), Some("acc-7"));
        assert_eq!(page.input_value("name").as_deref(), Some("Globex"));
        assert_eq!(
            page.input_value("domain").as_deref(),
            Some("globex.example")
        );
        assert_eq!(app.count("clients").await, clients_before);
        assert_eq!(
            app.count("client_employees").await,
            people_before,
            "the admin employee of a rejected client was kept"
        );
    }

    async fn duplicate_name_needs_confirmation(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin.create_client(&[("name", "Globex")]).await;

        let warned = admin
            .post_form(
                "/clients/new",
                &client_form(&[("name", "Globex"), ("contact_first_name", "Hank")]),
            )
            .await;

        assert_eq!(warned.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            warned.has_text("Another client is already named “Globex”"),
            "no duplicate-name warning"
        );
        assert_eq!(
            warned.input_value("contact_first_name").as_deref(),
            Some("Hank")
        );
        assert!(!warned.is_checked("confirm_duplicate_name"));
        assert_eq!(app.count("clients").await, 1);

        let mut fields = warned.form_fields("/clients/new");
        set_field(&mut fields, "confirm_duplicate_name", "yes");
        let confirmed = admin.post_fields("/clients/new", &fields).await;
        assert_eq!(
            confirmed.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            confirmed.form_errors()
        );
        assert_eq!(app.count_where("clients", "name = 'Globex'").await, 2);
        assert_eq!(
            app.count_where("clients", "contact_first_name = 'Hank'")
                .await,
            1
        );
    }

    async fn client_form_rejects_bad_input(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let other = app.setup_provider("Other Cal").await;
        let leaver = app.add_employee(&provider, "Lee", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let deactivated = admin
            .post_form(
                &format!("/admin/employees/{}/deactivate", leaver.id),
                &[("successor", "")],
            )
            .await;
        assert_eq!(deactivated.status, StatusCode::SEE_OTHER);
        let foreign_class = list_value(&app, other.id, ListKind::Class, "Platinum").await;
        let own_invoicing = list_value(&app, provider.id, ListKind::Invoicing, "Monthly").await;
        let foreign_site = other.site_id.to_string();
        let foreign_employee = other.admin.id.to_string();
        let inactive = leaver.id.to_string();
        let long_name = "N".repeat(201);
        let cases = [
            ("name", "", "This field is required."),
            ("name", "   ", "This field is required."),
            ("name", long_name.as_str(), "Use at most 200 characters."),
            (
                "account_number",
                "A 1",
                "Account numbers cannot contain spaces.",
            ),
            (
                "status",
                "Gone",
                "Choose Prospect, Approved, Not approved or Hidden.",
            ),
            ("currency", "dollars", "known ISO 4217 currency code"),
            ("currency", "U5D", "known ISO 4217 currency code"),
            ("currency", "XYZ", "known ISO 4217 currency code"),
            (
                "contact_email",
                "bill-at-initech",
                "Enter an email address such as name@example.com.",
            ),
            ("domain", "initech", "Enter a domain such as example.com"),
            (
                "domain",
                "init ech.example",
                "Enter a domain such as example.com",
            ),
            (
                "billing_postal_code",
                "123456789012345678901",
                "Use at most 20 characters.",
            ),
            (
                "serving_site_id",
                foreign_site.as_str(),
                "Choose one of your sites.",
            ),
            (
                "representative_id",
                foreign_employee.as_str(),
                "Choose an active employee, or use the site default.",
            ),
            (
                "representative_id",
                inactive.as_str(),
                "Choose an active employee, or use the site default.",
            ),
            ("representative_id", "x1", "Choose a value from the list."),
            (
                "account_manager_id",
                foreign_employee.as_str(),
                "Choose an active employee, or none.",
            ),
            (
                "account_manager_id",
                inactive.as_str(),
                "Choose an active employee, or none.",
            ),
            (
                "class_id",
                foreign_class.as_str(),
                "Choose a value from the list.",
            ),
            (
                "class_id",
                own_invoicing.as_str(),
                "Choose a value from the list.",
            ),
        ];
        let valid = client_form(&[
            ("name", "Initech"),
            ("domain", "initech.example"),
            ("contact_first_name", "Bill"),
            ("contact_email", "bill@initech.example"),
            ("billing_city", "Austin"),
        ]);

        for (field, value, message) in cases {
            let form = with_field(&valid, field, value);
            let page = admin.post_form("/clients/new", &form).await;

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
            for name in [
                "name",
                "account_number",
                "domain",
                "currency",
                "contact_first_name",
                "contact_email",
                "billing_city",
                "billing_postal_code",
            ] {
                if let Some((_, typed)) = form.iter().find(|(f, _)| *f == name) {
                    assert_eq!(
                        page.input_value(name).as_deref(),
                        Some(*typed),
                        "{name} lost its input when {field} was wrong"
                    );
                }
            }
            assert_eq!(
                app.count("clients").await,
                0,
                "{field}={value:?} stored a client"
            );
            assert_eq!(app.count("client_employees").await, 0);
        }
    }

    async fn account_tab_shows_representative_and_default(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rep = app.add_employee(&provider, "Rita", Role::Staff).await;
        let dora = app.add_employee(&provider, "Dora", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let (site, rep_id) = (provider.site_id.to_string(), rep.id.to_string());
        let own = admin
            .create_client(&[
                ("name", "Initech"),
                ("serving_site_id", &site),
                ("representative_id", &rep_id),
            ])
            .await;
        let inheriting = admin
            .create_client(&[("name", "Globex"), ("serving_site_id", &site)])
            .await;
        let unserved = admin.create_client(&[("name", "Hooli")]).await;

        let page = admin.get(&format!("/clients/{inheriting}/account")).await;
        let first_option = page.select_options("representative_id").remove(0);
        assert_eq!(
            first_option,
            (
                "".to_owned(),
                "Use the serving site's default (Main Lab: none)".to_owned()
            )
        );

        admin
            .set_site_default_representative(provider.site_id, Some(dora.id))
            .await;

        let own_page = admin.get(&format!("/clients/{own}/account")).await;
        assert!(own_page.has_text(&rep.name));
        assert!(
            own_page.has_text("Calibration technician"),
            "the representative's title is missing"
        );
        assert!(own_page
            .body
            .contains(&format!("href=\"mailto:{}\"", rep.email)));
        let phone = app
            .text("SELECT phone FROM employees WHERE id = $1", rep.id.0)
            .await;
        assert!(
            own_page.has_text(&phone),
            "the representative's phone is missing"
        );
        assert!(own_page.has_text("Assigned: client-specific"));
        assert_eq!(
            own_page.selected_value("representative_id").as_deref(),
            Some(rep_id.as_str())
        );
        let default_option = &own_page.select_options("representative_id")[0];
        assert_eq!(
            default_option.1,
            format!("Use the serving site's default (Main Lab: {})", dora.name)
        );

        let inheriting_page = admin.get(&format!("/clients/{inheriting}/account")).await;
        assert!(inheriting_page.has_text(&dora.name));
        assert!(inheriting_page.has_text("Assigned: site default (Main Lab)"));
        assert_eq!(
            inheriting_page
                .selected_value("representative_id")
                .as_deref(),
            Some("")
        );

        let unserved_page = admin.get(&format!("/clients/{unserved}/account")).await;
        assert!(unserved_page.has_text("No representative"));
        assert_eq!(
            unserved_page.select_options("representative_id")[0].1,
            "Use the serving site's default (no serving site chosen)"
        );
    }

    async fn account_tab_edits_are_saved_with_history(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rep = app.add_employee(&provider, "Rita", Role::Staff).await;
        let manager = app.add_employee(&provider, "Manny", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Initech")]).await;
        let account = format!("/clients/{client_id}/account");
        let company = format!("/clients/{client_id}/company");
        let headquarters = format!("/clients/{client_id}/headquarters");

        let mut fields = admin.get(&account).await.form_fields(&company);
        set_field(&mut fields, "name", "Initech Global");
        set_field(&mut fields, "domain", "initech.example");
        set_field(&mut fields, "status", "Hidden");
        set_field(&mut fields, "contact_first_name", "Peter");
        set_field(&mut fields, "contact_last_name", "Gibbons");
        set_field(&mut fields, "contact_email", "peter@initech.example");
        set_field(&mut fields, "representative_id", &rep.id.to_string());
        set_field(&mut fields, "account_manager_id", &manager.id.to_string());
        let saved = admin.post_fields(&company, &fields).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            saved.form_errors()
        );
        assert_eq!(
            saved.location(),
            Some(format!("{account}?saved=1").as_str())
        );
        assert_eq!(column(&app, client_id, "name").await, "Initech Global");
        assert_eq!(column(&app, client_id, "status").await, "Hidden");
        assert_eq!(
            column(&app, client_id, "contact_email").await,
            "peter@initech.example"
        );
        assert_eq!(app.client_representative(client_id).await, Some(rep.id.0));
        assert_eq!(
            app.optional_number(
                "SELECT account_manager_id FROM clients WHERE id = $1",
                client_id
            )
            .await,
            Some(manager.id.0)
        );

        let mut fields = admin.get(&account).await.form_fields(&headquarters);
        set_field(&mut fields, "billing_line1", "1 Initech Way");
        set_field(&mut fields, "billing_city", "Austin");
        set_field(
            &mut fields,
            "shipping_city",
            "ignored while same as billing",
        );
        let same = admin.post_fields(&headquarters, &fields).await;
        assert_eq!(
            same.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            same.form_errors()
        );
        assert_eq!(column(&app, client_id, "billing_city").await, "Austin");
        assert_eq!(
            app.optional_number(
                "SELECT shipping_same_as_billing FROM clients WHERE id = $1",
                client_id
            )
            .await,
            Some(1)
        );
        assert_eq!(column(&app, client_id, "shipping_city").await, "");

        let mut fields = admin.get(&account).await.form_fields(&headquarters);
        remove_field(&mut fields, "shipping_same_as_billing");
        set_field(&mut fields, "shipping_line1", "2 Dock Rd");
        set_field(&mut fields, "shipping_city", "Round Rock");
        let separate = admin.post_fields(&headquarters, &fields).await;
        assert_eq!(
            separate.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            separate.form_errors()
        );
        assert_eq!(
            app.optional_number(
                "SELECT shipping_same_as_billing FROM clients WHERE id = $1",
                client_id
            )
            .await,
            Some(0)
        );
        assert_eq!(column(&app, client_id, "shipping_line1").await, "2 Dock Rd");

        let page = admin.get(&format!("{account}?saved=1")).await;
        assert!(page.has_text("Your changes were saved."));
        assert!(page.has_text("Assigned: client-specific"));
        assert!(
            page.has_text(&format!("{} · updated", provider.admin.name)),
            "the history does not name who changed the client"
        );
        assert!(page.has_text(&format!(
            "Account Representative: (site default) → {}",
            rep.name
        )));
        assert!(page.has_text(&format!("Account manager: (empty) → {}", manager.name)));
        assert!(page.has_text("Company name: Initech → Initech Global"));
        assert!(page.has_text("Contact email: (empty) → peter@initech.example"));
        assert!(page.has_text("Billing address: (empty) → 1 Initech Way, Austin"));
        assert!(page.has_text("Shipping address: same as billing → 2 Dock Rd, Round Rock"));
    }

    async fn account_tab_bad_input_changes_nothing(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin
            .create_client(&[("name", "Initech"), ("billing_city", "Austin")])
            .await;
        let account = format!("/clients/{client_id}/account");
        let company = format!("/clients/{client_id}/company");
        let headquarters = format!("/clients/{client_id}/headquarters");
        let events_before = app.count("audit_events").await;

        let mut fields = admin.get(&account).await.form_fields(&company);
        set_field(&mut fields, "name", "");
        set_field(&mut fields, "contact_first_name", "Peter");
        set_field(&mut fields, "contact_email", "peter at initech");
        let page = admin.post_fields(&company, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.field_error("name").as_deref(),
            Some("This field is required.")
        );
        assert!(page.field_error("contact_email").is_some());
        assert_eq!(
            page.input_value("contact_first_name").as_deref(),
            Some("Peter")
        );
        assert_eq!(
            page.input_value("contact_email").as_deref(),
            Some("peter at initech")
        );
        assert_eq!(column(&app, client_id, "name").await, "Initech");
        assert_eq!(column(&app, client_id, "contact_first_name").await, "");

        let mut fields = admin.get(&account).await.form_fields(&headquarters);
        remove_field(&mut fields, "shipping_same_as_billing");
        set_field(&mut fields, "shipping_city", "Round Rock");
        let page = admin.post_fields(&headquarters, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page
            .field_error("shipping_line1")
            .unwrap_or_default()
            .contains("Enter the street address"));
        assert_eq!(
            page.input_value("shipping_city").as_deref(),
            Some("Round Rock")
        );
        assert!(
            !page.is_checked("shipping_same_as_billing"),
            "the unticked box was ticked again"
        );
        assert_eq!(
            app.optional_number(
                "SELECT shipping_same_as_billing FROM clients WHERE id = $1",
                client_id
            )
            .await,
            Some(1)
        );
        assert_eq!(column(&app, client_id, "shipping_city").await, "");

        let mut fields = admin.get(&account).await.form_fields(&company);
        let other = admin
            .create_client(&[("name", "Globex"), ("account_number", "G-1")])
            .await;
        set_field(&mut fields, "account_number", "g-1");
        let page = admin.post_fields(&company, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.field_error("account_number").as_deref(),
            Some("Another client already has this account number.")
        );
        assert_eq!(column(&app, client_id, "account_number").await, "1");
        assert_eq!(column(&app, other, "account_number").await, "G-1");
        assert_eq!(
            app.count("audit_events").await,
            events_before + 1,
            "only creating Globex may add to the history"
        );
    }

    async fn concurrent_edit_shows_conflict(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let sam = app.add_employee(&provider, "Sam", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let staff = app.signed_in(&sam.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Initech")]).await;
        let account = format!("/clients/{client_id}/account");
        let company = format!("/clients/{client_id}/company");
        let mut first = admin.get(&account).await.form_fields(&company);
        let mut second = staff.get(&account).await.form_fields(&company);

        set_field(&mut first, "name", "Initech Alpha");
        let saved = admin.post_fields(&company, &first).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);

        set_field(&mut second, "name", "Initech Beta");
        set_field(&mut second, "contact_first_name", "Bob");
        let stale = staff.post_fields(&company, &second).await;
        assert_eq!(
            stale.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the second edit overwrote the first"
        );
        assert!(stale.has_text("Someone else saved this client since you opened it"));
        let table = conflicts(&stale);
        assert!(
            table.contains(&(
                "Company name".to_owned(),
                "Initech Alpha".to_owned(),
                "Initech Beta".to_owned()
            )),
            "conflict table: {table:?}"
        );
        assert!(table.contains(&(
            "Contact first name".to_owned(),
            "".to_owned(),
            "Bob".to_owned()
        )));
        assert_eq!(
            stale.input_value("name").as_deref(),
            Some("Initech Beta"),
            "the second user's input was lost"
        );
        assert_eq!(column(&app, client_id, "name").await, "Initech Alpha");
        assert_eq!(column(&app, client_id, "contact_first_name").await, "");

        let retry = stale.form_fields(&company);
        let resubmitted = staff.post_fields(&company, &retry).await;
        assert_eq!(
            resubmitted.status,
            StatusCode::SEE_OTHER,
            "{:?}",
            resubmitted.form_errors()
        );
        assert_eq!(column(&app, client_id, "name").await, "Initech Beta");
        assert_eq!(column(&app, client_id, "contact_first_name").await, "Bob");
    }

    async fn concurrent_address_edit_shows_conflict(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let other_tab = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Initech")]).await;
        let account = format!("/clients/{client_id}/account");
        let headquarters = format!("/clients/{client_id}/headquarters");
        let mut first = admin.get(&account).await.form_fields(&headquarters);
        let mut second = other_tab.get(&account).await.form_fields(&headquarters);

        set_field(&mut first, "billing_city", "Austin");
        assert_eq!(
            admin.post_fields(&headquarters, &first).await.status,
            StatusCode::SEE_OTHER
        );
        set_field(&mut second, "billing_city", "Dallas");
        let stale = other_tab.post_fields(&headquarters, &second).await;

        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(conflicts(&stale).contains(&(
            "Billing address".to_owned(),
            "Austin".to_owned(),
            "Dallas".to_owned()
        )));
        assert_eq!(column(&app, client_id, "billing_city").await, "Austin");
    }

    async fn other_provider_clients_are_not_found(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin
            .create_client(&[("name", "Initech"), ("billing_city", "Austin")])
            .await;
        let other = app.setup_provider("Other Cal").await;
        let intruder = app.signed_in(&other.admin.email, PASSWORD).await;

        for tab in ["account", "orders"] {
            let page = intruder.get(&format!("/clients/{client_id}/{tab}")).await;
            assert_eq!(
                page.status,
                StatusCode::NOT_FOUND,
                "{tab} tab of another provider's client"
            );
            assert!(!page.has_text("Initech"));
        }
        let company = intruder
            .post_form(
                &format!("/clients/{client_id}/company"),
                &client_form(&[("name", "Hijacked"), ("version", "1")]),
            )
            .await;
        assert_eq!(company.status, StatusCode::NOT_FOUND);
        let headquarters = intruder
            .post_form(
                &format!("/clients/{client_id}/headquarters"),
                &[("billing_city", "Nowhere"), ("version", "1")],
            )
            .await;
        assert_eq!(headquarters.status, StatusCode::NOT_FOUND);
        assert_eq!(column(&app, client_id, "name").await, "Initech");
        assert_eq!(column(&app, client_id, "billing_city").await, "Austin");
        assert_eq!(
            app.optional_number("SELECT version FROM clients WHERE id = $1", client_id)
                .await,
            Some(1)
        );
    }
}
