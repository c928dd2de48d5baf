//! SERVICE > Manage Clients: search, folders and their counts, the asset folders and their due
//! window, filters, the Account Representatives filter on the effective representative, sorting
//! and paging, the Assets column, sticker marks, exports, bad parameters and tenant isolation.

use calserve::auth::Role;
use calserve::clients::queries::ensure_list_value;
use calserve::clients::ListKind;
use calserve::ids::{ProviderId, ProviderSiteId};
use reqwest::StatusCode;

use crate::support::{unescape, Account, Page, Provider, TestApp, TestClient, PASSWORD};

/// Returns the company names in the client table, in order.
fn listed(page: &Page) -> Vec<String> {
    let Some(start) = page.body.find("<tbody>") else {
        return Vec::new();
    };
    let body = &page.body[start..page.body.find("</tbody>").unwrap_or(page.body.len())];
    body.split("<td><a href=\"/clients/")
        .skip(1)
        .filter_map(|cell| {
            let text = &cell[cell.find("\">")? + 2..];
            Some(unescape(&text[..text.find("</a>")?]))
        })
        .collect()
}

/// Returns the count shown beside a folder in the left column.
fn folder_count(page: &Page, folder: &str) -> u64 {
    let marker = format!("<span>{folder}</span> <span class=\"cm-count\">");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no folder {folder} on the page:\n{}", page.body));
    let rest = &page.body[at + marker.len()..];
    rest[..rest.find('<').unwrap()]
        .replace(',', "")
        .parse()
        .unwrap()
}

/// Returns the "1–50 of 1,627" line above the table.
fn range(page: &Page) -> String {
    let marker = "class=\"cm-range\">";
    let at = page.body.find(marker).expect("the range line");
    let rest = &page.body[at + marker.len()..];
    unescape(&rest[..rest.find("</p>").unwrap()])
}

/// Returns the list page, checking that its status is 200.
async fn list(client: &TestClient, path: &str) -> Page {
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "GET {path}: {}", page.body);
    page
}

async fn class_value(app: &TestApp, provider_id: ProviderId, name: &str) -> String {
    let mut tx = app.db.begin().await.unwrap();
    let id = ensure_list_value(&mut tx, provider_id, ListKind::Class, name, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

async fn add_site(
    app: &TestApp,
    admin: &TestClient,
    provider: &Provider,
    code: &str,
) -> ProviderSiteId {
    let created = admin
        .post_form(
            "/admin/sites/new",
            &[
                ("name", &format!("{code} Lab")),
                ("code", code),
                ("time_zone", "America/Chicago"),
            ],
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        created.form_errors()
    );
    let id = app
        .optional_number(
            &format!("SELECT id FROM provider_sites WHERE code = '{code}' AND provider_id = $1"),
            provider.id.0,
        )
        .await
        .expect("the new site");
    ProviderSiteId(id)
}

/// Marks an employee inactive without moving their accounts, as data imported from another
/// system can leave it.
async fn deactivate_in_place(app: &TestApp, employee_id: i64) {
    sqlx::query("UPDATE employees SET active = 0 WHERE id = $1")
        .bind(employee_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

/// Parses a CSV export, byte-order mark included, into its heading and rows.
fn parse_csv(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(
        body.starts_with("\u{feff}".as_bytes()),
        "the CSV starts with a byte-order mark"
    );
    let mut reader = csv::Reader::from_reader(body);
    let heading = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (heading, rows)
}

async fn download(client: &TestClient, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = client.http().get(client.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

/// Lists the file names in a zip archive's central directory, checking its structure.
fn zip_entries(archive: &[u8]) -> Vec<String> {
    const END_OF_DIRECTORY: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const DIRECTORY_ENTRY: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    let u16_at = |at: usize| u16::from_le_bytes([archive[at], archive[at + 1]]) as usize;
    let u32_at = |at: usize| {
        u32::from_le_bytes([
            archive[at],
            archive[at + 1],
            archive[at + 2],
            archive[at + 3],
        ]) as usize
    };

    let end = (0..archive.len().saturating_sub(21))
        .rev()
        .find(|&at| archive[at..at + 4] == END_OF_DIRECTORY)
        .expect("an end-of-central-directory record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    let mut names = Vec::new();
    for _ in 0..count {
        assert_eq!(
            archive[at..at + 4],
            DIRECTORY_ENTRY,
            "a central directory entry"
        );
        let name_length = u16_at(at + 28);
        let extra_length = u16_at(at + 30);
        let comment_length = u16_at(at + 32);
        names.push(String::from_utf8(archive[at + 46..at + 46 + name_length].to_vec()).unwrap());
        at += 46 + name_length + extra_length + comment_length;
    }
    names
}

/// A provider where Rita is the Main Lab's default representative, Owen represents Umbrella
/// directly, Ivy represents Stark but was made inactive in place, and Hooli and Wayne have no
/// representative.
struct Representatives {
    provider: Provider,
    admin: TestClient,
    rita: i64,
    owen: Account,
    ivy: i64,
}

async fn representatives(app: &TestApp) -> Representatives {
    let provider = app.setup_provider("Acme Cal").await;
    let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
    let owen = app.add_employee(&provider, "Owen", Role::Staff).await;
    let ivy = app.add_employee(&provider, "Ivy", Role::Staff).await;
    let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
    let site = provider.site_id.to_string();
    let (rita_id, owen_id, ivy_id) = (rita.id.to_string(), owen.id.to_string(), ivy.id.to_string());

    admin
        .create_client(&[("name", "Initech"), ("representative_id", &rita_id)])
        .await;
    admin
        .create_client(&[("name", "Globex"), ("serving_site_id", &site)])
        .await;
    admin
        .create_client(&[
            ("name", "Umbrella"),
            ("serving_site_id", &site),
            ("representative_id", &owen_id),
        ])
        .await;
    admin.create_client(&[("name", "Hooli")]).await;
    admin
        .create_client(&[
            ("name", "Stark"),
            ("serving_site_id", &site),
            ("representative_id", &ivy_id),
        ])
        .await;
    admin
        .create_client(&[("name", "Wayne"), ("representative_id", &ivy_id)])
        .await;
    admin
        .set_site_default_representative(provider.site_id, Some(rita.id))
        .await;
    deactivate_in_place(app, ivy.id.0).await;

    Representatives {
        provider,
        admin,
        rita: rita.id.0,
        owen,
        ivy: ivy.id.0,
    }
}

db_tests! {
    async fn search_is_substring_and_folded(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin.create_client(&[("name", "Société Générale")]).await;
        admin.create_client(&[("name", "ACME Metrology"), ("domain", "acme-metro.com")]).await;
        admin.create_client(&[("name", "100% Calibration")]).await;
        admin.create_client(&[("name", "Under_Score Inc")]).await;
        admin.create_client(&[("name", "Underscore Labs"), ("legacy_id", "Q-7781")]).await;
        admin
            .create_client(&[
                ("name", "Plain Co"),
                ("account_number", "A-5150"),
                ("custom_name", "Blue Bird"),
                ("alternative_names", "Plainfield Instruments"),
            ])
            .await;

        let cases: [(&str, &[&str]); 11] = [
            ("societe", &["Société Générale"]),
            ("SOCIÉTÉ GÉN", &["Société Générale"]),
            ("etrolog", &["ACME Metrology"]),
            ("acme-metro.com", &["ACME Metrology"]),
            ("%", &["100% Calibration"]),
            ("0% c", &["100% Calibration"]),
            ("_", &["Under_Score Inc"]),
            ("q-7781", &["Underscore Labs"]),
            ("a-5150", &["Plain Co"]),
            ("blue bird", &["Plain Co"]),
            ("plainfield", &["Plain Co"]),
        ];
        for (search, expected) in cases {
            let path = format!("/clients?q={}", calserve::web::encode_query_value(search));
            let page = list(&admin, &path).await;
            assert_eq!(listed(&page), expected, "search {search:?}");
            assert_eq!(page.input_value("q").as_deref(), Some(search));
        }

        let everything = list(&admin, "/clients?q=").await;
        assert_eq!(listed(&everything).len(), 6);
        let nothing = list(&admin, "/clients?q=zzz").await;
        assert!(listed(&nothing).is_empty());
        assert!(nothing.has_text("No clients in this folder match the search and filters."));
    }

    async fn folders_list_and_count(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        for (name, status) in [
            ("Alpha Prospect", "Prospect"),
            ("Beta Prospect", "Prospect"),
            ("Gamma Approved", "Approved"),
            ("Delta Approved", "Approved"),
            ("Echo Approved", "Approved"),
            ("Foxtrot Unapproved", "NotApproved"),
            ("Golf Hidden", "Hidden"),
            ("Hotel Hidden", "Hidden"),
        ] {
            admin.create_client(&[("name", name), ("status", status)]).await;
        }

        let all = list(&admin, "/clients").await;
        assert_eq!(
            listed(&all),
            ["Alpha Prospect", "Beta Prospect", "Delta Approved", "Echo Approved", "Foxtrot Unapproved", "Gamma Approved"]
        );
        let counts = [("All", 6), ("Prospects", 2), ("Unapproved", 1), ("Hidden", 2)];
        for (folder, count) in counts {
            assert_eq!(folder_count(&all, folder), count, "folder {folder}");
        }
        assert!(all.has_text("New client"));
        assert!(all.body.contains("href=\"/clients/new\""));

        let prospects = list(&admin, "/clients?folder=prospects").await;
        assert_eq!(listed(&prospects), ["Alpha Prospect", "Beta Prospect"]);
        let unapproved = list(&admin, "/clients?folder=unapproved").await;
        assert_eq!(listed(&unapproved), ["Foxtrot Unapproved"]);
        let hidden = list(&admin, "/clients?folder=hidden").await;
        assert_eq!(listed(&hidden), ["Golf Hidden", "Hotel Hidden"]);
        let fields = hidden.form_fields("/clients");
        assert!(
            fields.contains(&("folder".to_owned(), "hidden".to_owned())),
            "the filter form stays in the folder: {fields:?}"
        );
        for (folder, count) in counts {
            assert_eq!(folder_count(&hidden, folder), count, "folder {folder} seen from Hidden");
        }

        // Counts follow the search but not the folder.
        let searched = list(&admin, "/clients?folder=hidden&q=l").await;
        assert_eq!(listed(&searched), ["Golf Hidden", "Hotel Hidden"]);
        assert_eq!(folder_count(&searched, "All"), 2);
        assert_eq!(folder_count(&searched, "Prospects"), 1);
        assert_eq!(folder_count(&searched, "Unapproved"), 0);
        assert_eq!(folder_count(&searched, "Hidden"), 2);
        assert!(
            searched.body.contains("href=\"/clients?folder=prospects&amp;q=l\""),
            "folder links keep the search"
        );
    }

    async fn status_site_and_class_filters(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let north = add_site(&app, &admin, &provider, "NORTH").await;
        let main = provider.site_id.to_string();
        let north_id = north.to_string();
        let industrial = class_value(&app, provider.id, "Industrial").await;
        let medical = class_value(&app, provider.id, "Medical").await;

        admin
            .create_client(&[("name", "Aero"), ("serving_site_id", &main), ("class_id", &industrial)])
            .await;
        admin
            .create_client(&[
                ("name", "Bio"),
                ("serving_site_id", &north_id),
                ("class_id", &medical),
                ("status", "Prospect"),
            ])
            .await;
        admin
            .create_client(&[("name", "Chem"), ("serving_site_id", &north_id), ("status", "Hidden")])
            .await;
        admin.create_client(&[("name", "Dyn"), ("class_id", &industrial)]).await;

        let prospects = list(&admin, "/clients?status=Prospect").await;
        assert_eq!(listed(&prospects), ["Bio"]);
        assert_eq!(prospects.selected_value("status").as_deref(), Some("Prospect"));
        assert_eq!(folder_count(&prospects, "All"), 1);
        assert_eq!(folder_count(&prospects, "Hidden"), 0);

        // The status filter applies within the folder, so hidden clients stay in Hidden.
        let hidden_in_all = list(&admin, "/clients?status=Hidden").await;
        assert!(listed(&hidden_in_all).is_empty());
        assert_eq!(folder_count(&hidden_in_all, "Hidden"), 1);
        let hidden = list(&admin, "/clients?folder=hidden&status=Hidden").await;
        assert_eq!(listed(&hidden), ["Chem"]);

        let north_clients = list(&admin, &format!("/clients?site={north_id}")).await;
        assert_eq!(listed(&north_clients), ["Bio"]);
        assert_eq!(folder_count(&north_clients, "Hidden"), 1);
        assert!(north_clients.is_checked("site"));
        let both_sites = list(&admin, &format!("/clients?site={north_id}&site={main}")).await;
        assert_eq!(listed(&both_sites), ["Aero", "Bio"]);

        let industrial_clients = list(&admin, &format!("/clients?class={industrial}")).await;
        assert_eq!(listed(&industrial_clients), ["Aero", "Dyn"]);
        assert_eq!(industrial_clients.selected_value("class"), Some(industrial.clone()));
        let combined = list(&admin, &format!("/clients?class={industrial}&site={main}")).await;
        assert_eq!(listed(&combined), ["Aero"]);
    }

    async fn representative_filter_matches_effective_rep(app) {
        let setup = representatives(&app).await;
        let admin = &setup.admin;
        let (rita, owen, ivy) = (setup.rita, setup.owen.id.0, setup.ivy);

        let cases: Vec<(String, Vec<&str>)> = vec![
            (format!("rep={rita}"), vec!["Globex", "Initech", "Stark"]),
            (format!("rep={owen}"), vec!["Umbrella"]),
            (format!("rep={rita}&rep={owen}"), vec!["Globex", "Initech", "Stark", "Umbrella"]),
            ("rep=none".to_owned(), vec!["Hooli", "Wayne"]),
            (format!("rep=none&rep={owen}"), vec!["Hooli", "Umbrella", "Wayne"]),
            (format!("rep={ivy}"), vec![]),
        ];
        for (query, expected) in cases {
            let page = list(admin, &format!("/clients?{query}")).await;
            assert_eq!(listed(&page), expected, "filter {query}");
            assert_eq!(
                folder_count(&page, "All"),
                expected.len() as u64,
                "All count for {query}"
            );
        }

        let page = list(admin, &format!("/clients?rep={rita}")).await;
        let rows = page.table_rows("<table class=\"data cm-table\">");
        let globex = rows.iter().find(|cells| cells[1] == "Globex").unwrap();
        assert!(globex[6].contains("site default"), "Globex inherits Rita: {globex:?}");
        let initech = rows.iter().find(|cells| cells[1] == "Initech").unwrap();
        assert!(!initech[6].contains("site default"), "Initech has Rita itself: {initech:?}");
        assert!(initech[6].contains("Rita"));
        let boxes = crate::support::tags(&page.body, "input");
        let rita_box = boxes
            .iter()
            .find(|tag| tag.attr("name") == Some("rep") && tag.attr("value") == Some(&rita.to_string()))
            .expect("a checkbox for Rita");
        assert!(rita_box.has("checked"));
        assert!(page.has_text("(inactive)"), "inactive employees are offered, marked");

        // "My accounts" is the signed-in employee.
        let owen_browser = app.signed_in(&setup.owen.email, PASSWORD).await;
        let mine = list(&owen_browser, "/clients?rep=me").await;
        assert_eq!(listed(&mine), ["Umbrella"]);
        assert!(mine.is_checked("rep"));
        let admin_accounts = list(admin, "/clients?rep=me").await;
        assert!(listed(&admin_accounts).is_empty(), "the administrator represents nobody");

        // A change of the site default shows at once.
        admin
            .set_site_default_representative(setup.provider.site_id, Some(setup.owen.id))
            .await;
        let moved = list(admin, &format!("/clients?rep={owen}")).await;
        assert_eq!(listed(&moved), ["Globex", "Stark", "Umbrella"]);
    }

    async fn sort_orders_and_stable_paging(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let mut twins = Vec::new();
        for _ in 0..4 {
            twins.push(
                admin
                    .create_client(&[("name", "Twin Labs"), ("confirm_duplicate_name", "1")])
                    .await,
            );
        }
        for (name, account, city) in [
            ("Zeta", "800", "Austin"),
            ("Eta", "95", "Boise"),
            ("Theta", "7005", "Austin"),
            ("Iota", "6", "Chicago"),
        ] {
            admin
                .create_client(&[("name", name), ("account_number", account), ("billing_city", city)])
                .await;
        }

        let by_name = list(&admin, "/clients").await;
        assert_eq!(
            listed(&by_name),
            ["Eta", "Iota", "Theta", "Twin Labs", "Twin Labs", "Twin Labs", "Twin Labs", "Zeta"]
        );
        let twin_ids: Vec<i64> = by_name
            .body
            .match_indices("<td><a href=\"/clients/")
            .filter_map(|(at, _)| {
                let rest = &by_name.body[at + "<td><a href=\"/clients/".len()..];
                let id: i64 = rest[..rest.find('/')?].parse().ok()?;
                twins.contains(&id).then_some(id)
            })
            .collect();
        assert_eq!(twin_ids, twins, "equal names are ordered by id");

        let descending = list(&admin, "/clients?dir=desc").await;
        assert_eq!(
            listed(&descending),
            ["Zeta", "Twin Labs", "Twin Labs", "Twin Labs", "Twin Labs", "Theta", "Iota", "Eta"]
        );
        assert!(descending.body.contains("aria-sort=\"descending\""));

        let by_account = list(&admin, "/clients?sort=account").await;
        let accounts: Vec<String> = by_account
            .table_rows("<table class=\"data cm-table\">")
            .into_iter()
            .map(|cells| cells[0].clone())
            .filter(|number| ["6", "95", "800", "7005"].contains(&number.as_str()))
            .collect();
        assert_eq!(accounts, ["6", "95", "800", "7005"], "numeric account numbers sort as numbers");

        let by_city = list(&admin, "/clients?sort=city").await;
        let named: Vec<String> = listed(&by_city)
            .into_iter()
            .filter(|name| name != "Twin Labs")
            .collect();
        assert_eq!(named, ["Theta", "Zeta", "Eta", "Iota"], "by city, then by name");
        let city_descending = list(&admin, "/clients?sort=city&dir=desc").await;
        let fields = city_descending.form_fields("/clients");
        assert!(fields.contains(&("sort".to_owned(), "city".to_owned())), "{fields:?}");
        assert!(fields.contains(&("dir".to_owned(), "desc".to_owned())), "{fields:?}");

        // Paging: 30 clients with equal names split over pages without repeats or gaps.
        for _ in 0..22 {
            admin
                .create_client(&[("name", "Twin Labs"), ("confirm_duplicate_name", "1")])
                .await;
        }
        let first = list(&admin, "/clients?sort=status&per=25").await;
        let second = list(&admin, "/clients?sort=status&per=25&page=2").await;
        assert_eq!(range(&first), "1–25 of 30");
        assert_eq!(range(&second), "26–30 of 30");
        let ids = |page: &Page| -> Vec<String> {
            page.body
                .match_indices("<td><a href=\"/clients/")
                .map(|(at, _)| {
                    let rest = &page.body[at + "<td><a href=\"/clients/".len()..];
                    rest[..rest.find('/').unwrap()].to_owned()
                })
                .collect()
        };
        let mut paged = ids(&first);
        paged.extend(ids(&second));
        let mut unique = paged.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(paged.len(), 30);
        assert_eq!(unique.len(), 30, "no client shows on two pages");

        let (_, export) = download(&admin, "/clients/export.csv?sort=status").await;
        let (_, rows) = parse_csv(&export);
        let exported: Vec<String> = rows.iter().map(|row| row[1].clone()).collect();
        let page_names: Vec<String> = listed(&first).into_iter().chain(listed(&second)).collect();
        assert_eq!(exported, page_names, "the pages and the export share one order");
        assert!(first.body.contains("href=\"/clients?sort=status&amp;per=25&amp;page=2\""));
        assert!(second.body.contains("rel=\"prev\""));
    }

    async fn page_past_the_end_shows_the_last(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        for n in 0..27 {
            admin.create_client(&[("name", &format!("Client {n:02}"))]).await;
        }

        let page = list(&admin, "/clients?per=25&page=99").await;
        assert_eq!(range(&page), "26–27 of 27");
        assert_eq!(listed(&page), ["Client 25", "Client 26"]);
        assert!(page.has_text("Page 99 is past the end of this list; showing page 2, the last."));

        let empty = list(&admin, "/clients?folder=hidden&page=5").await;
        assert_eq!(range(&empty), "No clients");
        assert!(empty.has_text("No clients in this folder."));
    }

    async fn bad_parameters_are_ignored_with_notices(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin.create_client(&[("name", "Beta")]).await;
        admin.create_client(&[("name", "Alpha")]).await;

        let cases = [
            ("page=abc", "Ignored page=\"abc\""),
            ("page=0", "Ignored page=\"0\""),
            ("page=-3", "Ignored page=\"-3\""),
            ("sort=bogus", "Ignored sort=\"bogus\""),
            ("dir=sideways", "Ignored dir=\"sideways\""),
            ("rep=xyz", "Ignored rep=\"xyz\""),
            ("rep=999999", "Ignored rep=\"999999\""),
            ("status=Bogus", "Ignored status=\"Bogus\""),
            ("folder=nowhere", "Ignored folder=\"nowhere\""),
            ("per=7", "Ignored per=\"7\""),
            ("class=abc", "Ignored class=\"abc\""),
            ("site=12345678901234567890", "Ignored site=\"12345678901234567890\""),
        ];
        for (query, notice) in cases {
            let page = list(&admin, &format!("/clients?{query}")).await;
            assert_eq!(listed(&page), ["Alpha", "Beta"], "{query} falls back to the default list");
            assert!(page.has_text(notice), "{query} explains itself:\n{}", page.body);

            let (_, export) = download(&admin, &format!("/clients/export.csv?{query}")).await;
            assert_eq!(parse_csv(&export).1.len(), 2, "{query} in an export");
        }

        // Repeated single-valued parameters use the last value.
        let repeated = list(&admin, "/clients?dir=asc&dir=desc&q=x&q=").await;
        assert_eq!(listed(&repeated), ["Beta", "Alpha"]);
        assert!(!repeated.has_text("Ignored"));
    }

    async fn csv_export_has_the_view(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
        let manny = app.add_employee(&provider, "Manny", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin
            .set_site_default_representative(provider.site_id, Some(rita.id))
            .await;
        let site = provider.site_id.to_string();
        let manny_id = manny.id.to_string();
        admin
            .create_client(&[
                ("name", "Globex"),
                ("account_number", "G-1"),
                ("custom_name", "Globex East"),
                ("legacy_id", "L-9"),
                ("domain", "globex.example"),
                ("serving_site_id", &site),
                ("account_manager_id", &manny_id),
                ("contact_first_name", "Hank"),
                ("contact_last_name", "Scorpio"),
                ("contact_email", "hank@globex.example"),
                ("contact_phone", "+1 555 0100"),
                ("billing_city", "Cypress Creek"),
                ("billing_state", "OR"),
                ("billing_country", "US"),
            ])
            .await;
        admin
            .create_client(&[("name", "=HYPERLINK(\"http://x\")"), ("account_number", "G-2")])
            .await;
        admin
            .create_client(&[("name", "Hidden Co"), ("status", "Hidden"), ("account_number", "G-3")])
            .await;
        for n in 0..55 {
            admin.create_client(&[("name", &format!("Filler {n:02}"))]).await;
        }

        let (headers, body) = download(&admin, "/clients/export.csv?q=g-&sort=account&dir=desc").await;
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment; filename=\"clients-"), "{disposition}");
        assert!(disposition.ends_with(".csv\""), "{disposition}");

        let (heading, rows) = parse_csv(&body);
        assert_eq!(heading, calserve::client_manager::EXPORT_HEADINGS);
        assert_eq!(rows.len(), 2, "the hidden client stays out of the All folder: {rows:?}");
        assert!(rows.iter().all(|row| row.len() == heading.len()));
        assert_eq!(rows[0][0], "G-2", "descending account numbers");
        assert_eq!(rows[0][1], "'=HYPERLINK(\"http://x\")", "formulas are neutralized");
        let globex = &rows[1];
        let expected = [
            "G-1",
            "Globex",
            "Approved",
            "Globex East",
            "L-9",
            "globex.example",
            "Cypress Creek",
            "OR",
            "US",
            "Hank Scorpio",
            "hank@globex.example",
            "'+1 555 0100",
            "Main Lab",
            rita.name.as_str(),
            rita.email.as_str(),
            "site default",
            manny.name.as_str(),
        ];
        for (column, value) in expected.iter().enumerate() {
            assert_eq!(globex[column], *value, "column {}", heading[column]);
        }
        assert!(globex[17].ends_with('Z'), "last update in UTC: {}", globex[17]);

        // Every row of the view, not one page.
        let (_, everything) = download(&admin, "/clients/export.csv").await;
        assert_eq!(parse_csv(&everything).1.len(), 57);
        let (_, hidden) = download(&admin, "/clients/export.csv?folder=hidden").await;
        let hidden_rows = parse_csv(&hidden).1;
        assert_eq!(hidden_rows.len(), 1);
        assert_eq!(hidden_rows[0][15], "none");

        let page = list(&admin, "/clients?q=g-&sort=account&dir=desc&page=1").await;
        assert!(page
            .body
            .contains("href=\"/clients/export.csv?q=g-&amp;sort=account&amp;dir=desc\""));
    }

    async fn xlsx_export_is_a_workbook(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin.create_client(&[("name", "Globex")]).await;
        admin.create_client(&[("name", "Initech")]).await;

        let (headers, body) = download(&admin, "/clients/export.xlsx?q=globex").await;
        assert_eq!(
            headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(headers["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\""));
        assert!(body.starts_with(b"PK\x03\x04"), "a zip archive");
        let entries = zip_entries(&body);
        for entry in ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"] {
            assert!(entries.iter().any(|name| name == entry), "{entry} in {entries:?}");
        }
        assert_eq!(calserve::client_manager::EXPORT_SHEET_NAME, "Clients");
    }

    async fn other_providers_stay_invisible(app) {
        let first = app.setup_provider("Acme Cal").await;
        let first_rep = app.add_employee(&first, "Rita", Role::Staff).await;
        let first_admin = app.signed_in(&first.admin.email, PASSWORD).await;
        let first_class = class_value(&app, first.id, "Industrial").await;
        let first_site = first.site_id.to_string();
        first_admin
            .create_client(&[
                ("name", "Secret Client"),
                ("representative_id", &first_rep.id.to_string()),
                ("serving_site_id", &first_site),
                ("class_id", &first_class),
            ])
            .await;

        let second = app.setup_provider("Other Lab").await;
        let second_admin = app.signed_in(&second.admin.email, PASSWORD).await;
        second_admin.create_client(&[("name", "Own Client")]).await;

        let own = list(&second_admin, "/clients").await;
        assert_eq!(listed(&own), ["Own Client"]);
        assert_eq!(folder_count(&own, "All"), 1);
        assert!(!own.has_text("Secret Client"));
        assert!(!own.has_text(&first_rep.name), "the other provider's employees are not offered");

        let foreign_ids = format!(
            "/clients?rep={}&site={}&class={}&q=secret",
            first_rep.id, first.site_id, first_class
        );
        let probed = list(&second_admin, &foreign_ids).await;
        assert!(listed(&probed).is_empty());
        assert_eq!(folder_count(&probed, "All"), 0);
        for parameter in ["rep", "site", "class"] {
            assert!(probed.has_text(&format!("Ignored {parameter}=")), "{parameter} is not theirs");
        }
        let without_search = list(
            &second_admin,
            &format!("/clients?rep={}&site={}&class={}", first_rep.id, first.site_id, first_class),
        )
        .await;
        assert_eq!(listed(&without_search), ["Own Client"], "foreign ids change nothing");

        let (_, export) = download(&second_admin, "/clients/export.csv").await;
        let rows = parse_csv(&export).1;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][1], "Own Client");
    }

    async fn list_requires_sign_in(app) {
        app.setup_provider("Acme Cal").await;
        let anonymous = app.client();
        for path in ["/clients", "/clients/export.csv", "/clients/export.xlsx"] {
            let page = anonymous.get(path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(page.location().unwrap().starts_with("/sign-in"), "{path}");
        }
    }
}

/// The Main Lab's time zone in [`TestApp::setup_provider`], the administrator's home site.
const HOME_ZONE: &str = "America/Chicago";

/// Returns the date `offset` days from today at the administrator's home site, YYYY-MM-DD.
fn day(offset: i64) -> String {
    let today = calserve::assets::today_in(Some(HOME_ZONE));
    shift(&today, offset)
}

fn shift(date: &str, offset: i64) -> String {
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    (date + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// Adds an asset with this next service date through the asset form.
async fn add_asset(client: &TestClient, client_id: i64, name: &str, next_service_date: &str) {
    let page = client
        .post_form(
            &format!("/clients/{client_id}/assets/new"),
            &[("name", name), ("next_service_date", next_service_date)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "adding an asset failed: {:?}",
        page.form_errors()
    );
}

async fn set_sticker(client: &TestClient, client_id: i64, tab: &str, note: &str, colour: &str) {
    let page = client
        .post_form(
            &format!("/clients/{client_id}/stickers/{tab}"),
            &[("note", note), ("colour", colour)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "setting a {tab} sticker failed"
    );
}

/// Returns the counts of Assets due (with its label for `due_days`) and Past due.
fn asset_folder_counts(page: &Page, due_days: u32) -> (u64, u64) {
    let label = if due_days == 1 {
        "Assets due (1 day)".to_owned()
    } else {
        format!("Assets due ({due_days} days)")
    };
    (folder_count(page, &label), folder_count(page, "Past due"))
}

/// Returns the client ids of the rows, in order.
fn listed_ids(page: &Page) -> Vec<i64> {
    let marker = "<td><a href=\"/clients/";
    page.body
        .match_indices(marker)
        .map(|(at, _)| {
            let rest = &page.body[at + marker.len()..];
            rest[..rest.find('/').unwrap()].parse().unwrap()
        })
        .collect()
}

/// Returns the `<tr>` of the client named `name`.
fn row_of<'a>(page: &'a Page, name: &str) -> &'a str {
    let cell = format!("/account\">{name}</a>");
    let at = page
        .body
        .find(&cell)
        .unwrap_or_else(|| panic!("no row for {name}:\n{}", page.body));
    let start = page.body[..at].rfind("<tr>").unwrap();
    let end = at + page.body[at..].find("</tr>").unwrap();
    &page.body[start..end]
}

/// Table columns, counted from 0, of the cells [`crate::support::Page::table_rows`] returns.
const STICKERS_COLUMN: usize = 7;
const ASSETS_COLUMN: usize = 8;

async fn add_site_in_zone(
    app: &TestApp,
    admin: &TestClient,
    provider: &Provider,
    code: &str,
    time_zone: &str,
) -> ProviderSiteId {
    let created = admin
        .post_form(
            "/admin/sites/new",
            &[
                ("name", &format!("{code} Lab")),
                ("code", code),
                ("time_zone", time_zone),
            ],
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        created.form_errors()
    );
    let id = app
        .optional_number(
            &format!("SELECT id FROM provider_sites WHERE code = '{code}' AND provider_id = $1"),
            provider.id.0,
        )
        .await
        .expect("the new site");
    ProviderSiteId(id)
}

/// Sets an employee's home site directly, as the employee form would.
async fn set_home_site(app: &TestApp, employee_id: i64, site: Option<ProviderSiteId>) {
    sqlx::query("UPDATE employees SET home_site_id = $1 WHERE id = $2")
        .bind(site.map(|id| id.0))
        .bind(employee_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

db_tests! {
    async fn asset_folders_list_and_count(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let rita = app.add_employee(&provider, "Rita", Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let rita_id = rita.id.to_string();

        let alpha = admin.create_client(&[("name", "Alpha Due")]).await;
        add_asset(&admin, alpha, "Gauge", &day(5)).await;
        let bravo = admin
            .create_client(&[("name", "Bravo Past"), ("representative_id", &rita_id)])
            .await;
        add_asset(&admin, bravo, "Gauge", &day(-3)).await;
        let charlie = admin
            .create_client(&[("name", "Charlie Both"), ("status", "Prospect")])
            .await;
        add_asset(&admin, charlie, "Old gauge", &day(-10)).await;
        add_asset(&admin, charlie, "Scale", &day(20)).await;
        add_asset(&admin, charlie, "Second scale", &day(21)).await;
        let delta = admin.create_client(&[("name", "Delta Later")]).await;
        add_asset(&admin, delta, "Gauge", &day(45)).await;
        let echo = admin
            .create_client(&[("name", "Echo Hidden"), ("status", "Hidden")])
            .await;
        add_asset(&admin, echo, "Gauge", &day(2)).await;
        add_asset(&admin, echo, "Old gauge", &day(-2)).await;
        admin.create_client(&[("name", "Foxtrot None")]).await;
        let golf = admin.create_client(&[("name", "Golf Today")]).await;
        add_asset(&admin, golf, "Gauge", &day(0)).await;
        let hotel = admin.create_client(&[("name", "Hotel Edge")]).await;
        add_asset(&admin, hotel, "Gauge", &day(30)).await;
        add_asset(&admin, hotel, "Undated", "").await;

        let all = list(&admin, "/clients").await;
        assert_eq!(asset_folder_counts(&all, 30), (4, 2), "today and today + 30 both count");
        assert_eq!(folder_count(&all, "All"), 7);
        let labels = all.body.find("Assets due (30 days)").unwrap();
        let status_folders = all.body.find("<span>Hidden</span>").unwrap();
        assert!(status_folders < labels, "the asset folders follow the status folders");

        let due = list(&admin, "/clients?folder=due").await;
        assert_eq!(listed(&due), ["Alpha Due", "Charlie Both", "Golf Today", "Hotel Edge"]);
        assert!(due.body.contains("href=\"/clients?folder=due\" aria-current=\"page\""));
        assert_eq!(range(&due), "1–4 of 4");
        let past = list(&admin, "/clients?folder=pastdue").await;
        assert_eq!(listed(&past), ["Bravo Past", "Charlie Both"]);
        assert_eq!(past.form_fields("/clients").iter().filter(|(name, _)| name == "folder").count(), 1);

        // Hidden clients stay out of both, whatever their assets.
        let hidden = list(&admin, "/clients?folder=hidden").await;
        assert_eq!(listed(&hidden), ["Echo Hidden"]);
        let hidden_due = list(&admin, "/clients?folder=due&status=Hidden").await;
        assert!(listed(&hidden_due).is_empty());
        assert_eq!(asset_folder_counts(&hidden_due, 30), (0, 0));

        // Counts follow the search and the filters.
        let searched = list(&admin, "/clients?folder=due&q=alpha").await;
        assert_eq!(listed(&searched), ["Alpha Due"]);
        assert_eq!(asset_folder_counts(&searched, 30), (1, 0));
        let prospects = list(&admin, "/clients?status=Prospect").await;
        assert_eq!(asset_folder_counts(&prospects, 30), (1, 1));
        let ritas = list(&admin, &format!("/clients?folder=pastdue&rep={rita_id}")).await;
        assert_eq!(listed(&ritas), ["Bravo Past"]);
        assert_eq!(asset_folder_counts(&ritas, 30), (0, 1));
        let searched_past = list(&admin, "/clients?folder=pastdue&q=charlie&status=Prospect").await;
        assert_eq!(listed(&searched_past), ["Charlie Both"]);
        assert_eq!(asset_folder_counts(&searched_past, 30), (1, 1));

        // The window follows due_days, and folder links keep it.
        let wide = list(&admin, "/clients?folder=due&due_days=50").await;
        assert_eq!(listed(&wide), ["Alpha Due", "Charlie Both", "Delta Later", "Golf Today", "Hotel Edge"]);
        assert_eq!(asset_folder_counts(&wide, 50), (5, 2));
        assert_eq!(wide.input_value("due_days").as_deref(), Some("50"));
        assert!(wide.body.contains("href=\"/clients?folder=pastdue&amp;due_days=50\""), "{}", wide.body);
        let week = list(&admin, "/clients?due_days=7").await;
        assert_eq!(asset_folder_counts(&week, 7), (2, 2));
        let one_day = list(&admin, "/clients?folder=due&due_days=1").await;
        assert_eq!(listed(&one_day), ["Golf Today"]);
        assert_eq!(asset_folder_counts(&one_day, 1), (1, 2));
        let longest = list(&admin, "/clients?due_days=3650").await;
        assert_eq!(asset_folder_counts(&longest, 3650), (5, 2));

        // Export has the same rows as the folder.
        let (_, body) = download(&admin, "/clients/export.csv?folder=pastdue").await;
        let names: Vec<String> = parse_csv(&body).1.iter().map(|row| row[1].clone()).collect();
        assert_eq!(names, ["Bravo Past", "Charlie Both"]);
        let (_, body) = download(&admin, "/clients/export.csv?folder=due&due_days=50&q=a").await;
        let names: Vec<String> = parse_csv(&body).1.iter().map(|row| row[1].clone()).collect();
        assert_eq!(names, ["Alpha Due", "Charlie Both", "Delta Later", "Golf Today"]);
        let (_, body) = download(&admin, "/clients/export.xlsx?folder=due").await;
        assert!(body.starts_with(b"PK\x03\x04"), "an XLSX export of an asset folder");
    }

    async fn bad_due_days_are_ignored_with_notices(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let near = admin.create_client(&[("name", "Near")]).await;
        add_asset(&admin, near, "Gauge", &day(10)).await;
        let far = admin.create_client(&[("name", "Far")]).await;
        add_asset(&admin, far, "Gauge", &day(40)).await;

        for value in ["0", "3651", "-5", "abc", "7.5", "99999999999"] {
            let page = list(&admin, &format!("/clients?folder=due&due_days={value}")).await;
            assert!(
                page.has_text(&format!("Ignored due_days=\"{value}\": use a number of days from 1 to 3650.")),
                "due_days={value} explains itself:\n{}",
                page.body
            );
            assert_eq!(listed(&page), ["Near"], "due_days={value} falls back to 30 days");
            assert_eq!(asset_folder_counts(&page, 30), (1, 0));
            assert_eq!(page.input_value("due_days").as_deref(), Some("30"));

            let (_, export) = download(&admin, &format!("/clients/export.csv?folder=due&due_days={value}")).await;
            assert_eq!(parse_csv(&export).1.len(), 1, "due_days={value} in an export");
        }

        let blank = list(&admin, "/clients?due_days=").await;
        assert!(!blank.has_text("Ignored"), "an empty field means the default");
    }

    async fn asset_column_counts_and_sorts(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let mut expected_counts = Vec::new();
        for n in 0..27 {
            let name = format!("Client {n:02}");
            let id = admin.create_client(&[("name", &name)]).await;
            let assets = n % 4;
            for a in 0..assets {
                add_asset(&admin, id, &format!("Gauge {a}"), "").await;
            }
            expected_counts.push((name, id, assets));
        }

        let by_name = list(&admin, "/clients?per=25").await;
        let rows = by_name.table_rows("<table class=\"data cm-table\">");
        for (cells, (name, _, assets)) in rows.iter().zip(&expected_counts) {
            assert_eq!(&cells[1], name);
            assert_eq!(cells[ASSETS_COLUMN], assets.to_string(), "asset count of {name}");
        }
        assert!(by_name.body.contains(&format!("href=\"/clients/{}/assets\">3</a>", expected_counts[3].1)));

        // Ascending by count, then by name, then by id; paging splits that order cleanly.
        let mut ordered = expected_counts.clone();
        ordered.sort_by(|a, b| (a.2, &a.0, a.1).cmp(&(b.2, &b.0, b.1)));
        let expected_ids: Vec<i64> = ordered.iter().map(|(_, id, _)| *id).collect();
        let first = list(&admin, "/clients?sort=assets&per=25").await;
        let second = list(&admin, "/clients?sort=assets&per=25&page=2").await;
        assert_eq!(range(&second), "26–27 of 27");
        let mut paged = listed_ids(&first);
        paged.extend(listed_ids(&second));
        assert_eq!(paged, expected_ids, "by asset count, ties by name and id");
        assert!(first.body.contains("aria-sort=\"ascending\"><a href=\"/clients?sort=assets&amp;dir=desc&amp;per=25\">Assets"), "{}", first.body);

        let descending = list(&admin, "/clients?sort=assets&dir=desc&per=50").await;
        let mut reversed = expected_ids.clone();
        reversed.reverse();
        assert_eq!(listed_ids(&descending), reversed);
        let counts: Vec<String> = descending
            .table_rows("<table class=\"data cm-table\">")
            .iter()
            .map(|cells| cells[ASSETS_COLUMN].clone())
            .collect();
        assert_eq!(counts.first().map(String::as_str), Some("3"));
        assert_eq!(counts.last().map(String::as_str), Some("0"));

        // The export has the same order and the count as its last column.
        let (_, body) = download(&admin, "/clients/export.csv?sort=assets").await;
        let (heading, rows) = parse_csv(&body);
        assert_eq!(heading.last().map(String::as_str), Some("Assets"));
        let exported: Vec<(String, String)> = rows
            .iter()
            .map(|row| (row[1].clone(), row.last().unwrap().clone()))
            .collect();
        let wanted: Vec<(String, String)> = ordered
            .iter()
            .map(|(name, _, assets)| (name.clone(), assets.to_string()))
            .collect();
        assert_eq!(exported, wanted);

        // Sorting by count works inside an asset folder and with a search.
        let dated = expected_counts[5].1;
        add_asset(&admin, dated, "Dated", &day(3)).await;
        let due = list(&admin, "/clients?folder=due&sort=assets&dir=desc&q=client").await;
        assert_eq!(listed_ids(&due), [dated]);
        let cells = due.table_rows("<table class=\"data cm-table\">");
        assert_eq!(cells[0][ASSETS_COLUMN], "2");
    }

    async fn sticker_marks_show_colour_and_note(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let marked = admin.create_client(&[("name", "Marked Co")]).await;
        let plain = admin.create_client(&[("name", "Plain Co")]).await;
        let assets_only = admin.create_client(&[("name", "Shelf Co")]).await;
        set_sticker(&admin, marked, "account", "Call before visiting", "yellow").await;
        set_sticker(&admin, marked, "orders", "PO needed <before> work & \"sign\"", "pink").await;
        set_sticker(&admin, assets_only, "assets", "Fragile items", "yellow").await;
        add_asset(&admin, plain, "Gauge", &day(5)).await;

        let page = list(&admin, "/clients").await;
        assert!(page.body.contains("<th scope=\"col\" class=\"cm-stickers\">Stickers</th>"), "{}", page.body);

        let row = row_of(&page, "Marked Co");
        let marks = crate::support::tags(row, "a")
            .into_iter()
            .filter(|tag| tag.attr("class").is_some_and(|class| class.starts_with("cm-sticker ")))
            .collect::<Vec<_>>();
        assert_eq!(marks.len(), 2, "one mark per tab with a sticker: {row}");
        assert_eq!(marks[0].attr("class"), Some("cm-sticker cm-sticker-pink"), "the Orders tab comes before Account");
        assert_eq!(marks[0].attr("title"), Some("Orders: PO needed <before> work & \"sign\""));
        assert_eq!(marks[0].attr("href"), Some(format!("/clients/{marked}/orders").as_str()));
        assert_eq!(marks[1].attr("class"), Some("cm-sticker cm-sticker-yellow"));
        assert_eq!(marks[1].attr("title"), Some("Account: Call before visiting"));
        assert!(row.contains("<span class=\"visually-hidden\">Orders sticker: PO needed &lt;before&gt; work &amp; &quot;sign&quot;</span>"), "{row}");
        assert!(row.contains("<span class=\"visually-hidden\">Account sticker: Call before visiting</span>"), "{row}");

        let shelf = row_of(&page, "Shelf Co");
        assert!(shelf.contains("class=\"cm-sticker cm-sticker-yellow\""), "{shelf}");
        assert!(shelf.contains("title=\"Assets: Fragile items\""), "{shelf}");
        assert!(!row_of(&page, "Plain Co").contains("class=\"cm-sticker "), "no marks without stickers");

        let cells = page.table_rows("<table class=\"data cm-table\">");
        let plain_cells = cells.iter().find(|cells| cells[1] == "Plain Co").unwrap();
        assert_eq!(plain_cells[STICKERS_COLUMN], "");
        let marked_cells = cells.iter().find(|cells| cells[1] == "Marked Co").unwrap();
        assert!(marked_cells[STICKERS_COLUMN].contains("Account sticker"), "{marked_cells:?}");

        // Marks follow the rows into the asset folders.
        let due = list(&admin, "/clients?folder=due").await;
        assert_eq!(listed(&due), ["Plain Co"]);
        assert!(!due.body.contains("cm-sticker cm-sticker-"));

        // Stickers are internal: no export carries them.
        let (_, body) = download(&admin, "/clients/export.csv").await;
        let csv = String::from_utf8(body.clone()).unwrap();
        for note in ["Call before visiting", "PO needed", "Fragile items", "sticker"] {
            assert!(!csv.to_lowercase().contains(&note.to_lowercase()), "the export shows {note:?}: {csv}");
        }
        let (heading, rows) = parse_csv(&body);
        assert_eq!(heading, calserve::client_manager::EXPORT_HEADINGS);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|row| row.len() == heading.len()));
    }

    async fn today_follows_the_home_site_time_zone(app) {
        // Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart and keep no summer
        // time, so their dates always differ by one or two days.
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let east = add_site_in_zone(&app, &admin, &provider, "EAST", "Pacific/Kiritimati").await;
        let west = add_site_in_zone(&app, &admin, &provider, "WEST", "Pacific/Pago_Pago").await;
        let walt = app.add_employee(&provider, "Walt", Role::Staff).await;
        let una = app.add_employee(&provider, "Una", Role::Staff).await;
        set_home_site(&app, provider.admin.id.0, Some(east)).await;
        set_home_site(&app, walt.id.0, Some(west)).await;

        let client = admin.create_client(&[("name", "Zone Co")]).await;
        let east_today = calserve::assets::today_in(Some("Pacific/Kiritimati"));
        add_asset(&admin, client, "Gauge", &shift(&east_today, -1)).await;

        let at_east = list(&admin, "/clients").await;
        assert_eq!(asset_folder_counts(&at_east, 30), (0, 1), "yesterday at Kiritimati is past due");
        let walt_browser = app.signed_in(&walt.email, PASSWORD).await;
        let at_west = list(&walt_browser, "/clients").await;
        assert_eq!(asset_folder_counts(&at_west, 30), (1, 0), "the same day is still ahead at Pago Pago");
        let (_, body) = download(&walt_browser, "/clients/export.csv?folder=due").await;
        assert_eq!(parse_csv(&body).1.len(), 1, "the export uses the same today");

        // Without a home site, today is the date in UTC, which is one of the two.
        let una_browser = app.signed_in(&una.email, PASSWORD).await;
        let in_utc = list(&una_browser, "/clients").await;
        let (due, past) = asset_folder_counts(&in_utc, 30);
        let utc_today = calserve::assets::today_in(None);
        let expected = if utc_today == east_today { (0, 1) } else { (1, 0) };
        assert_eq!((due, past), expected, "UTC today is {utc_today}");
    }

    async fn asset_folders_and_marks_stay_per_provider(app) {
        let first = app.setup_provider("Acme Cal").await;
        let first_admin = app.signed_in(&first.admin.email, PASSWORD).await;
        let secret = first_admin.create_client(&[("name", "Secret Client")]).await;
        add_asset(&first_admin, secret, "Gauge", &day(3)).await;
        add_asset(&first_admin, secret, "Old gauge", &day(-3)).await;
        set_sticker(&first_admin, secret, "orders", "Internal only", "pink").await;

        let second = app.setup_provider("Other Lab").await;
        let second_admin = app.signed_in(&second.admin.email, PASSWORD).await;
        let own = second_admin.create_client(&[("name", "Own Client")]).await;
        add_asset(&second_admin, own, "Scale", &day(60)).await;

        for path in ["/clients", "/clients?sort=assets&dir=desc", "/clients?due_days=100"] {
            let page = list(&second_admin, path).await;
            assert_eq!(listed(&page), ["Own Client"], "{path}");
            assert!(!page.has_text("Internal only"), "{path}");
            assert!(!page.body.contains("cm-sticker cm-sticker-"), "{path}");
            let cells = page.table_rows("<table class=\"data cm-table\">");
            assert_eq!(cells[0][ASSETS_COLUMN], "1", "{path}: only the own client's asset counts");
        }
        let plain = list(&second_admin, "/clients").await;
        assert_eq!(asset_folder_counts(&plain, 30), (0, 0));
        let wide = list(&second_admin, "/clients?due_days=100").await;
        assert_eq!(asset_folder_counts(&wide, 100), (1, 0));
        for folder in ["due", "pastdue"] {
            let page = list(&second_admin, &format!("/clients?folder={folder}&q=secret")).await;
            assert!(listed(&page).is_empty(), "{folder}");
            let (_, body) = download(&second_admin, &format!("/clients/export.csv?folder={folder}")).await;
            assert!(parse_csv(&body).1.is_empty(), "{folder} export");
        }

        let theirs = list(&first_admin, "/clients").await;
        assert_eq!(asset_folder_counts(&theirs, 30), (1, 1));
        assert!(row_of(&theirs, "Secret Client").contains("title=\"Orders: Internal only\""));
    }
}
