//! `calserve import-clients` with the Qualer export in examples/ and crafted files, and
//! `calserve demo` with and without `--bulk`, run as the real binary against the test database.

use std::path::PathBuf;
use std::process::Output;

use calserve::auth::Role;
use calserve::provider_sites::SiteForm;
use sqlx::Row as _;

use crate::support::{unique, TestApp};

/// Returns the path of the client list exported from a real lab's Qualer account, anonymised.
fn qualer_export() -> String {
    format!(
        "{}/examples/qualer-client-export.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

const EXPORT_ROWS: i64 = 1627;

const HEADER: &str = "ClientId,ClientCompanyId,ClientCompanyName,AlternativeNames,DomainName,\
AccountNumber,CustomClientName,LegacyId,ClientClassId,ClientStatusId,ClientInvoicing,ClientStanding,\
ClientCategory,CurrencyId,PrimaryFirstName,PrimaryLastName,PrimaryPhone,PrimaryFax,PrimaryContactEmail,\
AccountRepresentativeSiteId,AccountRepresentativeEmployeeId,AccountManagerEmployeeId";

/// A CSV file written for one test and removed afterwards.
struct CsvFile {
    path: PathBuf,
}

impl CsvFile {
    fn new(contents: &[u8]) -> CsvFile {
        let path = std::env::temp_dir().join(format!(
            "calserve-import-{}-{}.csv",
            std::process::id(),
            unique()
        ));
        std::fs::write(&path, contents).expect("write the test CSV file");
        CsvFile { path }
    }

    /// Writes a file with the export's header and these data lines, joined with `\n`.
    fn with_rows(rows: &[&str]) -> CsvFile {
        let mut text = format!("{HEADER}\n");
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        CsvFile::new(text.as_bytes())
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for CsvFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "calserve failed ({:?}):\n{}\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// Text columns of the provider's client with this account number.
async fn client_text(app: &TestApp, account_number: &str, columns: &str) -> Vec<String> {
    let sql = format!("SELECT {columns} FROM clients WHERE account_number = $1");
    let row = sqlx::query(&sql)
        .bind(account_number)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|error| panic!("{sql} failed: {error}"));
    (0..row.len())
        .map(|i| row.try_get::<String, _>(i).expect("a text column"))
        .collect()
}

/// Returns the name of the list value a client points to in `column`, or "" for none.
async fn list_value_of(app: &TestApp, account_number: &str, column: &str) -> String {
    let sql = format!(
        "SELECT COALESCE(v.name, '') AS name FROM clients c \
         LEFT JOIN client_list_values v ON v.id = c.{column} WHERE c.account_number = $1"
    );
    sqlx::query(&sql)
        .bind(account_number)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|error| panic!("{sql} failed: {error}"))
        .try_get("name")
        .expect("a name")
}

async fn number(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|error| panic!("{sql} failed: {error}"))
        .try_get(0)
        .expect("a BIGINT column")
}

async fn serving_site(app: &TestApp, account_number: &str) -> i64 {
    let sql =
        format!("SELECT serving_site_id FROM clients WHERE account_number = '{account_number}'");
    number(app, &sql).await
}

async fn client_names(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT name FROM clients ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .expect("list the client names")
        .iter()
        .map(|row| row.try_get("name").expect("a name"))
        .collect()
}

db_tests! {
    async fn qualer_export_imports_every_client(app) {
        let provider = app.setup_provider("Prairie Calibration").await;

        let output = app.run_cli(&["import-clients", &qualer_export()]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(
            summary.contains("1627 created, 0 updated, 0 unchanged, 0 rejected"),
            "{summary}"
        );
        assert!(summary.contains("1627 fell back to MAIN"), "{summary}");
        assert!(summary.contains("Qualer site 96552 (15 rows"), "{summary}");

        let condition = format!("provider_id = {}", provider.id);
        assert_eq!(app.count_where("clients", &condition).await, EXPORT_ROWS);
        assert_eq!(app.count_where("client_employees", "is_admin = 1").await, EXPORT_ROWS);
        assert_eq!(
            app.count_where("audit_events", "action = 'created' AND actor_name = 'import'").await,
            EXPORT_ROWS
        );
        assert_eq!(
            app.count_where("clients", &format!("serving_site_id = {}", provider.site_id)).await,
            EXPORT_ROWS
        );

        // Commas and an ampersand inside a quoted name; a web address as legacy id; class 1438.
        let greer = client_text(
            &app,
            "3",
            "name, legacy_id, status, currency, contact_phone, contact_fax, domain",
        )
        .await;
        assert_eq!(
            greer,
            [
                "GREER TOOL & DIE, INC.",
                "www.herrera-warren.net",
                "Approved",
                "USD",
                "(316) 086-7868",
                "(316) 280-9299",
                "gre57072.qualer.com"
            ]
        );
        assert_eq!(list_value_of(&app, "3", "class_id").await, "Class 1438");
        assert_eq!(list_value_of(&app, "3", "invoicing_id").await, "PO Required");
        assert_eq!(list_value_of(&app, "3", "category_id").await, "", "(unassigned) means none");
        assert_eq!(
            number(&app, "SELECT qualer_client_id FROM clients WHERE account_number = '3'").await,
            57072
        );
        assert_eq!(
            number(&app, "SELECT qualer_id FROM client_list_values WHERE name = 'Class 1438'").await,
            1438
        );
        assert_eq!(app.count_where("client_list_values", "kind = 'class'").await, 5);

        // A former name with commas inside quotes.
        let wright = client_text(&app, "660", "name, legacy_id").await;
        assert_eq!(
            wright,
            ["WRIGHT & NAVARRO TECHNOLOGIES, LLC", "Formerly JAMES, LEWIS AND JOHNSON"]
        );

        // "--" as a first name is no name.
        let gardner = client_text(&app, "1661", "contact_first_name, contact_last_name, contact_email").await;
        assert_eq!(gardner, ["", "Olson", "brian92@maxwell.net"]);

        // Non-ASCII names are stored as written and found through the folded key.
        let lodz = client_text(&app, "1697", "name, name_key").await;
        assert_eq!(lodz[0], "Łódź Instruments Sp. z o.o.");
        assert_eq!(lodz[1], calserve::text::fold("Łódź Instruments Sp. z o.o."));
        assert_eq!(
            app.count_where("clients", "name = 'Société Générale d''Étalonnage'").await,
            1
        );

        // Phones are kept as exported, inner spaces included.
        let terry = client_text(&app, "1417", "contact_phone").await;
        assert_eq!(terry, ["573-815-3582  ext. 658"]);

        // Duplicate company names are separate clients.
        assert_eq!(app.count_where("clients", "name = 'WILLIAMS SUPPLY'").await, 2);

        let again = app.run_cli(&["import-clients", &qualer_export()]);
        assert_success(&again);
        let summary = stdout(&again);
        assert!(
            summary.contains("0 created, 0 updated, 1627 unchanged, 0 rejected"),
            "{summary}"
        );
        assert_eq!(app.count_where("clients", &condition).await, EXPORT_ROWS);
        assert_eq!(app.count_where("clients", "version <> 1").await, 0);
        assert_eq!(app.count_where("client_list_values", "kind = 'class'").await, 5);
    }

    async fn dry_run_writes_nothing(app) {
        app.setup_provider("Prairie Calibration").await;
        let audit_before = app.count("audit_events").await;

        let output = app.run_cli(&["import-clients", "--dry-run", &qualer_export()]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("Dry run, nothing was saved"), "{summary}");
        assert!(summary.contains("1627 created"), "{summary}");

        assert_eq!(app.count("clients").await, 0);
        assert_eq!(app.count("client_employees").await, 0);
        assert_eq!(app.count("client_list_values").await, 0);
        assert_eq!(app.count("audit_events").await, audit_before);
    }

    async fn changed_rows_update_in_place(app) {
        let provider = app.setup_provider("Prairie Calibration").await;
        let first = CsvFile::with_rows(&[
            "1,501,Acme Gauges,,acme.example,A-1,,,0,1,,,,840,Ann,Lee,316-555-0100,,ann@acme.example,,,",
            "2,502,Birch Tools,,birch.example,A-2,,,0,1,,,,840,,,,,,,,",
        ]);
        assert_success(&app.run_cli(&["import-clients", first.path()]));

        let changed = CsvFile::with_rows(&[
            "1,501,Acme Gauges & Scales,,acme.example,A-1,,,0,3,,,,840,Ann,Lee,316-555-0100,,ann@acme.example,,,",
            "2,502,Birch Tools,,birch.example,A-2,,,0,1,,,,840,,,,,,,,",
        ]);
        let output = app.run_cli(&["import-clients", changed.path()]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("0 created, 1 updated, 1 unchanged"), "{summary}");

        let acme = client_text(&app, "A-1", "name, status").await;
        assert_eq!(acme, ["Acme Gauges & Scales", "Hidden"]);
        assert_eq!(
            number(&app, "SELECT version FROM clients WHERE account_number = 'A-1'").await,
            2
        );
        assert_eq!(
            number(&app, "SELECT version FROM clients WHERE account_number = 'A-2'").await,
            1
        );
        let changes = app
            .query_text(
                "SELECT a.changes FROM audit_events a JOIN clients c ON c.id = a.entity_id \
                 WHERE a.entity = 'client' AND a.action = 'imported' AND c.account_number = 'A-1'",
            )
            .await;
        assert!(changes.contains("\"Acme Gauges & Scales\""), "{changes}");
        assert!(changes.contains("\"Hidden\""), "{changes}");
        assert_eq!(app.count_where("audit_events", "action = 'imported'").await, 1);

        // A client typed in calserve is matched by its account number and linked to Qualer.
        let admin = app.signed_in(&provider.admin.email, &provider.admin.password).await;
        admin
            .create_client(&[("name", "Cedar Metrology"), ("account_number", "A-3")])
            .await;
        let linked = CsvFile::with_rows(&[
            "3,503,Cedar Metrology,,,A-3,,,0,1,,,,840,,,,,,,,",
        ]);
        let output = app.run_cli(&["import-clients", linked.path()]);
        assert_success(&output);
        assert!(stdout(&output).contains("0 created, 1 updated"), "{}", stdout(&output));
        assert_eq!(app.count("clients").await, 3);
        assert_eq!(
            number(&app, "SELECT qualer_client_id FROM clients WHERE account_number = 'A-3'").await,
            503
        );

        // Another Qualer company cannot take over an account number.
        let clash = CsvFile::with_rows(&["4,504,Dogwood Labs,,,A-1,,,0,1,,,,840,,,,,,,,"]);
        let output = app.run_cli(&["import-clients", clash.path()]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("line 2, AccountNumber:"), "{summary}");
        assert!(summary.contains("imported from Qualer company 501"), "{summary}");
        assert_eq!(app.count_where("clients", "name = 'Dogwood Labs'").await, 0);
        assert_eq!(client_text(&app, "A-1", "name").await, ["Acme Gauges & Scales"]);
    }

    async fn bad_rows_are_reported_and_skipped(app) {
        app.setup_provider("Prairie Calibration").await;
        let long_account = "9".repeat(51);
        // A byte order mark, CRLF line endings and columns in another order than Qualer's.
        let text = format!(
            "\u{feff}AccountNumber,ClientCompanyName,ClientCompanyId,ClientStatusId,CurrencyId,PrimaryContactEmail\r\n\
             100,\"Good \"\"Quoted\"\", Co\",9001,0,978,ok@good.example\r\n\
             101,,9002,1,840,\r\n\
             1 02,Spaced Account Inc,9003,1,840,\r\n\
             {long_account},Long Account Inc,9004,1,840,\r\n\
             104,Odd Status Inc,9005,7,840,\r\n\
             105,Bad Mail Inc,9006,1,840,not-an-email\r\n\
             106,Odd Money Inc,9007,1,999,\r\n\
             107,Second Good Co,9008,1,124,\r\n"
        );
        let file = CsvFile::new(text.as_bytes());

        let output = app.run_cli(&["import-clients", file.path()]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("2 created, 0 updated, 0 unchanged, 6 rejected"), "{summary}");
        for expected in [
            "line 3, ClientCompanyName: This field is required.",
            "line 4, AccountNumber: Account numbers cannot contain spaces.",
            "line 5, AccountNumber: Use at most 50 characters.",
            "line 6, ClientStatusId: \"7\" is not a Qualer client status",
            "line 7, PrimaryContactEmail: Enter an email address",
            "line 8, CurrencyId: Unknown currency code 999",
        ] {
            assert!(summary.contains(expected), "missing {expected:?} in:\n{summary}");
        }

        assert_eq!(app.count("clients").await, 2);
        assert_eq!(app.count("client_employees").await, 2);
        let good = client_text(&app, "100", "name, status, currency, contact_email").await;
        assert_eq!(good, ["Good \"Quoted\", Co", "Prospect", "EUR", "ok@good.example"]);
        assert_eq!(client_text(&app, "107", "currency").await, ["CAD"]);
        for rejected in ["Spaced Account Inc", "Long Account Inc", "Odd Status Inc", "Bad Mail Inc", "Odd Money Inc"] {
            assert_eq!(
                app.count_where("clients", &format!("name = '{rejected}'")).await,
                0,
                "{rejected} was stored"
            );
        }
    }

    async fn missing_required_column_fails(app) {
        app.setup_provider("Prairie Calibration").await;
        let file = CsvFile::new(b"ClientCompanyName,AccountNumber\nAcme Gauges,1\n");

        let output = app.run_cli(&["import-clients", file.path()]);
        assert!(!output.status.success(), "{}", stdout(&output));
        let message = stderr(&output);
        assert!(message.contains("required column(s) ClientCompanyId"), "{message}");
        assert_eq!(app.count("clients").await, 0);

        let missing = app.run_cli(&["import-clients", "/nonexistent/clients.csv"]);
        assert!(!missing.status.success());
        assert!(stderr(&missing).contains("cannot read /nonexistent/clients.csv"), "{}", stderr(&missing));
    }

    async fn provider_site_and_employees_are_matched(app) {
        let first = app.setup_provider("Prairie Calibration").await;
        let second = app.setup_provider("Harbor Metrology").await;
        let rows = [
            "1,601,Elm Instruments,,,E-1,,,0,1,,,,840,,,,,,96552,4401,4402",
            "2,602,Fir Gauges,,,E-2,,,0,1,,,,840,,,,,,777,9999,",
            "3,603,Gum Scales,,,E-3,,,0,1,,,,840,,,,,,,,",
        ];
        let file = CsvFile::with_rows(&rows);

        let ambiguous = app.run_cli(&["import-clients", file.path()]);
        assert!(!ambiguous.status.success());
        let message = stderr(&ambiguous);
        assert!(message.contains("choose one with --provider ID"), "{message}");
        assert!(message.contains("Prairie Calibration"), "{message}");
        assert!(message.contains("Harbor Metrology"), "{message}");

        // A site carrying Qualer site id 96552, another mapped on the command line, and
        // employees with Qualer employee ids.
        let mut tx = app.db.begin().await.unwrap();
        let mapped_site = SiteForm {
            name: "Dock Lab".into(),
            code: "DOCK".into(),
            time_zone: "America/New_York".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let dock = calserve::provider_sites::insert(&mut tx, second.id, &mapped_site).await.unwrap();
        let mut qualer_site = SiteForm {
            name: "Field Lab".into(),
            code: "FIELD".into(),
            time_zone: "America/Denver".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        qualer_site.qualer_site_id = Some(96552);
        let field = calserve::provider_sites::insert(&mut tx, second.id, &qualer_site).await.unwrap();
        tx.commit().await.unwrap();
        let representative = app.add_employee(&second, "Rhea", Role::Staff).await;
        let manager = app.add_employee(&second, "Milo", Role::Staff).await;
        for (employee, qualer_id) in [(&representative, 4401), (&manager, 4402)] {
            sqlx::query("UPDATE employees SET qualer_employee_id = $1 WHERE id = $2")
                .bind(qualer_id)
                .bind(employee.id.0)
                .execute(&app.db.pool)
                .await
                .unwrap();
        }

        let provider = second.id.to_string();
        let output = app.run_cli(&[
            "import-clients",
            file.path(),
            "--provider",
            &provider,
            "--site-map",
            "777=dock",
        ]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("3 created"), "{summary}");
        assert!(
            summary.contains("1 rows by Qualer site id, 1 by --site-map, 1 fell back to MAIN"),
            "{summary}"
        );
        assert!(
            summary.contains("line 3, AccountRepresentativeEmployeeId: No employee has Qualer employee id 9999"),
            "{summary}"
        );

        assert_eq!(serving_site(&app, "E-1").await, field.0);
        assert_eq!(serving_site(&app, "E-2").await, dock.0);
        assert_eq!(serving_site(&app, "E-3").await, second.site_id.0);
        assert_eq!(
            number(&app, "SELECT representative_id FROM clients WHERE account_number = 'E-1'").await,
            representative.id.0
        );
        assert_eq!(
            number(&app, "SELECT account_manager_id FROM clients WHERE account_number = 'E-1'").await,
            manager.id.0
        );
        assert_eq!(
            app.count_where("clients", "account_number = 'E-2' AND representative_id IS NULL").await,
            1
        );
        assert_eq!(app.count_where("clients", &format!("provider_id = {}", first.id)).await, 0);
    }

    async fn demo_creates_sample_provider(app) {
        let output = app.run_cli(&["demo"]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("demo@calserve.test"), "{summary}");
        assert!(summary.contains("calserve-demo"), "{summary}");

        assert_eq!(
            app.query_text("SELECT name FROM providers").await,
            "Northwind Calibration"
        );
        assert_eq!(app.count("provider_sites").await, 3);
        assert_eq!(
            number(&app, "SELECT COUNT(DISTINCT time_zone) FROM provider_sites").await,
            3
        );
        assert_eq!(
            app.count_where("provider_sites", "default_representative_id IS NOT NULL").await,
            3
        );
        assert!(app.count("employees").await >= 10);
        assert_eq!(app.count_where("employees", "role = 'administrator'").await, 2);
        assert_eq!(app.count_where("employees", "title = ''").await, 0);
        assert_eq!(app.count("clients").await, 200);
        assert_eq!(app.count_where("client_employees", "is_admin = 1").await, 200);
        assert!(number(&app, "SELECT COUNT(DISTINCT billing_country) FROM clients").await >= 5);
        assert!(number(&app, "SELECT COUNT(DISTINCT status) FROM clients").await >= 3);
        assert!(app.count_where("clients", "representative_id IS NOT NULL").await > 0);
        assert!(app.count_where("clients", "account_manager_id IS NOT NULL").await > 0);
        assert!(app.count_where("clients", "shipping_same_as_billing = 0").await > 0);
        assert!(app.count_where("clients", "class_id IS NOT NULL").await > 0);
        assert!(app.count_where("clients", "contact_email <> ''").await > 0);
        let names = client_names(&app).await;
        assert!(names.iter().any(|name| !name.is_ascii()), "no name with accents");
        assert_eq!(names.len(), 200);

        let browser = app.signed_in("demo@calserve.test", "calserve-demo").await;
        let clients = browser.get("/clients").await;
        assert_eq!(clients.status, reqwest::StatusCode::OK);

        let again = app.run_cli(&["demo"]);
        assert!(!again.status.success());
        assert!(stderr(&again).contains("exists already"), "{}", stderr(&again));
        assert_eq!(app.count("providers").await, 1);
        assert_eq!(app.count("clients").await, 200);
    }

    async fn demo_refuses_a_database_with_a_provider(app) {
        app.setup_provider("Real Lab").await;
        let refused = app.run_cli(&["demo", "--clients", "10"]);
        assert!(!refused.status.success());
        assert!(stderr(&refused).contains("already holds a provider"), "{}", stderr(&refused));
        assert_eq!(app.count("providers").await, 1);

        assert_success(&app.run_cli(&["demo", "--clients", "10", "--alongside"]));
        assert_eq!(app.count("providers").await, 2);
    }

    async fn demo_is_deterministic(app) {
        assert_success(&app.run_cli(&["demo", "--clients", "30"]));
        let other = TestApp::spawn(app.backend).await;
        assert_success(&other.run_cli(&["demo", "--clients", "30"]));

        let names = client_names(&app).await;
        assert_eq!(names.len(), 30);
        assert_eq!(client_names(&other).await, names);
    }

    async fn bulk_adds_exactly_n_clients(app) {
        let missing = app.run_cli(&["demo", "--bulk", "10"]);
        assert!(!missing.status.success());
        assert!(stderr(&missing).contains("run `calserve demo` first"), "{}", stderr(&missing));

        assert_success(&app.run_cli(&["demo", "--clients", "20"]));
        let output = app.run_cli(&["demo", "--bulk", "2000"]);
        assert_success(&output);
        let summary = stdout(&output);
        assert!(summary.contains("Added 2000 clients"), "{summary}");
        assert!(summary.contains("account numbers 21 to 2020"), "{summary}");

        assert_eq!(app.count("clients").await, 2020);
        assert_eq!(number(&app, "SELECT COUNT(DISTINCT account_number_key) FROM clients").await, 2020);
        assert_eq!(app.count_where("client_employees", "is_admin = 1").await, 2020);
        assert_eq!(number(&app, "SELECT next_account_number FROM providers").await, 2021);
        assert_eq!(number(&app, "SELECT COUNT(DISTINCT serving_site_id) FROM clients").await, 3);
        let client_specific = app.count_where("clients", "representative_id IS NOT NULL").await;
        assert!((400..=900).contains(&client_specific), "{client_specific} client-specific representatives");

        // The stored keys match what the application itself computes.
        let sample = client_text(&app, "1500", "name, name_key, search_text, account_number_key").await;
        assert_eq!(sample[1], calserve::text::fold(&sample[0]));
        assert!(sample[2].starts_with(&sample[1]), "{:?}", sample);
        assert!(sample[2].contains("1500"), "{:?}", sample);
        assert_eq!(sample[3], "1500");

        // A client created afterwards continues the numbering.
        let browser = app.signed_in("demo@calserve.test", "calserve-demo").await;
        let id = browser.create_client(&[("name", "After Bulk Ltd")]).await;
        assert_eq!(
            app.text("SELECT account_number FROM clients WHERE id = $1", id).await,
            "2021"
        );
    }
}
