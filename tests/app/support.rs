//! The test harness: a real calserve server on a fresh database, HTTP clients that behave like a
//! browser (cookies, form tokens, no automatic redirects), fixtures and small HTML helpers.

// Not every test file uses every helper; the test binary is built from all of them together.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use calserve::auth::Role;
use calserve::config::Config;
use calserve::db::Db;
use calserve::employees::EmployeeInput;
use calserve::ids::{EmployeeId, ProviderId, ProviderSiteId};
use calserve::setup::SetupForm;
use calserve::AppState;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use sqlx::Connection as _;
use sqlx::Row as _;

/// Runs each test body once on SQLite and once on PostgreSQL, as `name::sqlite` and
/// `name::postgres`. An optional `#[config = |config| ...]` line adjusts the server's settings.
///
/// ```ignore
/// db_tests! {
///     async fn wrong_password_is_rejected(app) { ... }
/// }
/// ```
macro_rules! db_tests {
    ($(
        $(#[config = $configure:expr])?
        async fn $name:ident($app:ident) $body:block
    )*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $crate::support::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::support::TestApp::spawn_with(
                        $crate::support::Backend::Sqlite,
                        db_tests!(@configure $($configure)?),
                    )
                    .await;
                    run(app).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let app = $crate::support::TestApp::spawn_with(
                        $crate::support::Backend::Postgres,
                        db_tests!(@configure $($configure)?),
                    )
                    .await;
                    run(app).await
                }
            }
        )*
    };
    (@configure $configure:expr) => { $configure };
    (@configure) => { |_: &mut calserve::Config| {} };
}

/// The database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where tests create their PostgreSQL databases; override with `CALSERVE_TEST_POSTGRES_URL`.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The password every fixture account gets.
pub const PASSWORD: &str = "correct horse battery";

static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A number no other call in this test run returns, for names that must not collide.
pub fn unique() -> usize {
    UNIQUE.fetch_add(1, Ordering::Relaxed)
}

fn init_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Ok(filter) = std::env::var("CALSERVE_TEST_LOG") {
            let filter = if filter.trim().is_empty() || filter == "1" {
                "info,sqlx=warn".to_owned()
            } else {
                filter
            };
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

/// A database created for one test and removed when the test ends.
enum TestDatabase {
    Sqlite { dir: PathBuf },
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    async fn create(backend: Backend) -> (TestDatabase, String) {
        let id = format!(
            "{}_{}_{}",
            std::process::id(),
            unique(),
            chrono::Utc::now().timestamp_micros() % 1_000_000
        );
        match backend {
            Backend::Sqlite => {
                remove_leftover_directories();
                let dir = std::env::temp_dir().join(format!("calserve-test-{id}"));
                std::fs::create_dir_all(&dir).expect("create a temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.join("calserve.db").display());
                (TestDatabase::Sqlite { dir }, url)
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("calserve_test_{id}");
                let mut conn = sqlx::postgres::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|error| {
                        panic!(
                            "PostgreSQL is not reachable at {admin_url} ({error}). Start it with \
                             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, \
                             or point CALSERVE_TEST_POSTGRES_URL at a server where the user may create databases."
                        )
                    });
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|error| {
                        panic!("creating the test database {name} failed: {error}")
                    });
                drop_leftover_databases(&mut conn, &admin_url).await;
                let _ = conn.close().await;
                let url = database_url_for(&admin_url, &name);
                (TestDatabase::Postgres { admin_url, name }, url)
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            TestDatabase::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDatabase::Postgres { admin_url, name } => {
                let admin_url = admin_url.clone();
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                // Drop may run inside the test's runtime, where blocking on a future is not
                // allowed, so the database is removed from a thread with its own runtime.
                let dropper = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("build a runtime to drop the test database");
                    runtime.block_on(async {
                        let mut conn = sqlx::postgres::PgConnection::connect(&admin_url).await?;
                        sqlx::query(&sql).execute(&mut conn).await?;
                        conn.close().await
                    })
                });
                match dropper.join() {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => {
                        eprintln!("dropping the test database {name} failed: {error}")
                    }
                    Err(_) => eprintln!("dropping the test database {name} panicked"),
                }
            }
        }
    }
}

/// Checks whether the test process that created a database or directory named
/// `{prefix}{pid}_...` has exited. A killed test run never drops its databases, so later runs
/// clean up after it.
fn creator_is_gone(name: &str, prefix: &str) -> bool {
    let Some(pid) = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Drops test databases left by killed test runs on this machine, once per test process.
async fn drop_leftover_databases(conn: &mut sqlx::postgres::PgConnection, admin_url: &str) {
    static SWEPT: AtomicBool = AtomicBool::new(false);
    let local = ["@127.0.0.1", "@localhost", "@[::1]"]
        .iter()
        .any(|host| admin_url.contains(host));
    // Process ids only mean something on this machine, so a remote server is left alone.
    if !local || SWEPT.swap(true, Ordering::SeqCst) {
        return;
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'calserve\\_test\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for name in names {
        if creator_is_gone(&name, "calserve_test_") {
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            if let Err(error) = sqlx::query(&sql).execute(&mut *conn).await {
                eprintln!("dropping the leftover test database {name} failed: {error}");
            }
        }
    }
}

/// Removes SQLite test directories left by killed test runs, once per test process.
fn remove_leftover_directories() {
    static SWEPT: AtomicBool = AtomicBool::new(false);
    if SWEPT.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if creator_is_gone(&name, "calserve-test-") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("CALSERVE_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_owned())
}

/// Replaces the database name in the admin URL with `name`, keeping the query string.
fn database_url_for(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let (scheme, rest) = base.split_once("://").expect("a postgres:// URL");
    let host = rest.split_once('/').map_or(rest, |(host, _)| host);
    match query {
        Some(query) => format!("{scheme}://{host}/{name}?{query}"),
        None => format!("{scheme}://{host}/{name}"),
    }
}

/// A running calserve server on its own database.
pub struct TestApp {
    pub address: SocketAddr,
    pub db_url: String,
    /// A pool on the same database, for assertions on what was stored.
    pub db: Db,
    pub config: Arc<Config>,
    pub backend: Backend,
    server: tokio::task::JoinHandle<()>,
    /// Set on the instance that created the database; dropping it removes the database.
    database: Option<TestDatabase>,
}

impl TestApp {
    /// Starts a server on a fresh, migrated database with the default settings.
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Starts a server on a fresh database with settings adjusted by `configure`.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        init_logging();
        let (database, db_url) = TestDatabase::create(backend).await;
        let mut app = TestApp::start(backend, db_url, configure).await;
        app.database = Some(database);
        app
    }

    /// Starts a second server on this app's database, as after a restart or beside another
    /// instance. The database stays owned by `self`.
    pub async fn spawn_another_instance(&self) -> TestApp {
        let config = (*self.config).clone();
        TestApp::start(self.backend, self.db_url.clone(), move |c| *c = config).await
    }

    async fn start(
        backend: Backend,
        db_url: String,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let db = Db::connect(&db_url)
            .await
            .unwrap_or_else(|error| panic!("connecting to {db_url} failed: {error}"));
        let mut config = Config {
            database_url: db_url.clone(),
            ..Default::default()
        };
        configure(&mut config);
        config.database_url = db_url.clone();
        let config = Arc::new(config);

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port on 127.0.0.1");
        let address = listener.local_addr().expect("the listener's address");
        let state = AppState {
            db: db.clone(),
            config: config.clone(),
        };
        let server = tokio::spawn(async move {
            if let Err(error) = calserve::serve(listener, state).await {
                eprintln!("the test server stopped with an error: {error}");
            }
        });

        TestApp {
            address,
            db_url,
            db,
            config,
            backend,
            server,
            database: None,
        }
    }

    /// Stops the server; requests to its address fail from now on.
    pub fn stop(&self) {
        self.server.abort();
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Opens a new browser with its own cookies that does not follow redirects.
    pub fn client(&self) -> TestClient {
        TestClient::new(self.url(""), Arc::new(Jar::default()))
    }

    /// Opens a browser and signs in with these credentials; panics when the sign-in fails.
    pub async fn signed_in(&self, email: &str, password: &str) -> TestClient {
        let client = self.client();
        let page = client.sign_in(email, password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "signing in as {email} failed: {}",
            page.body
        );
        client
    }

    /// Creates a provider with its first site ("Main Lab", code MAIN) and administrator through
    /// the same code path as setup.
    pub async fn setup_provider(&self, company: &str) -> Provider {
        let n = unique();
        let email = format!("admin{n}@{}.test", slug(company));
        let form = SetupForm {
            company_name: company.to_owned(),
            site_name: "Main Lab".to_owned(),
            site_code: "MAIN".to_owned(),
            time_zone: "America/Chicago".to_owned(),
            first_name: "Ada".to_owned(),
            last_name: format!("Admin{n}"),
            email: email.clone(),
            password: PASSWORD.to_owned(),
        };
        let created = calserve::setup::create_provider(&self.db, &form)
            .await
            .expect("setting up a provider")
            .unwrap_or_else(|errors| panic!("setup form rejected: {errors:?}"));
        Provider {
            id: created.provider_id,
            site_id: created.site_id,
            admin: Account {
                id: created.administrator_id,
                name: format!("Ada Admin{n}"),
                email,
                password: PASSWORD.to_owned(),
            },
        }
    }

    /// Adds an active employee with a password to the provider.
    pub async fn add_employee(&self, provider: &Provider, first_name: &str, role: Role) -> Account {
        let n = unique();
        let last_name = format!("Employee{n}");
        let email = format!("{}{n}@staff.test", slug(first_name));
        let input = EmployeeInput {
            first_name: first_name.to_owned(),
            last_name: last_name.clone(),
            email: email.clone(),
            title: "Calibration technician".to_owned(),
            phone: format!("555-01{:02}", n % 100),
            role,
            home_site_id: None,
            password: Some(PASSWORD.to_owned()),
        };
        let mut tx = self.db.begin().await.expect("begin a transaction");
        let id = calserve::employees::insert(&mut tx, provider.id, &input)
            .await
            .unwrap_or_else(|error| panic!("adding employee {email} failed: {error:?}"));
        tx.commit().await.expect("commit the new employee");
        Account {
            id,
            name: format!("{first_name} {last_name}"),
            email,
            password: PASSWORD.to_owned(),
        }
    }

    /// Counts the rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        self.count_where(table, "1 = 1").await
    }

    /// Counts the rows in `table` that match an SQL condition written by the test.
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}");
        sqlx::query(&sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql} failed: {error}"))
            .try_get("n")
            .expect("a count")
    }

    /// Runs a query without parameters and returns the first column of its only row as text.
    pub async fn query_text(&self, sql: &str) -> String {
        sqlx::query(sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql} failed: {error}"))
            .try_get(0)
            .expect("a text column")
    }

    /// Runs a query with one id parameter and returns the text column of its only row.
    pub async fn text(&self, sql: &str, id: i64) -> String {
        sqlx::query(sql)
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql} failed: {error}"))
            .try_get(0)
            .expect("a text column")
    }

    /// Runs a query with one id parameter and returns the nullable BIGINT column of its only row.
    pub async fn optional_number(&self, sql: &str, id: i64) -> Option<i64> {
        sqlx::query(sql)
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql} failed: {error}"))
            .try_get(0)
            .expect("a BIGINT column")
    }

    /// Reads a client's stored client-specific representative.
    pub async fn client_representative(&self, client_id: i64) -> Option<i64> {
        self.optional_number(
            "SELECT representative_id FROM clients WHERE id = $1",
            client_id,
        )
        .await
    }

    /// Reads a site's stored Default Client Account Representative.
    pub async fn site_default_representative(&self, site_id: ProviderSiteId) -> Option<i64> {
        self.optional_number(
            "SELECT default_representative_id FROM provider_sites WHERE id = $1",
            site_id.0,
        )
        .await
    }

    /// Runs the real `calserve` binary against this app's database and waits for it.
    pub fn run_cli(&self, args: &[&str]) -> std::process::Output {
        self.run_cli_with_env(args, &[])
    }

    /// Runs [`TestApp::run_cli`] with extra environment variables.
    pub fn run_cli_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mut command = cli_command();
        command.args(args).env("DATABASE_URL", &self.db_url);
        for (name, value) in env {
            command.env(name, value);
        }
        // The binary may take a while; let the runtime move other tasks (the server) off this
        // worker meanwhile.
        tokio::task::block_in_place(|| command.output()).expect("run the calserve binary")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Builds a command for the `calserve` binary with no calserve settings from the shell.
pub fn cli_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_calserve"));
    for (name, _) in std::env::vars() {
        if name.starts_with("CALSERVE_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command.env("CALSERVE_LOG", "info,sqlx=warn");
    command.stdin(std::process::Stdio::null());
    command
}

/// Runs [`TestApp::run_cli`], for tests that read better with a free function.
pub fn run_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    app.run_cli(args)
}

/// Lower-case letters and digits of `text`, with `-` for the rest, for fixture emails.
fn slug(text: &str) -> String {
    let slug: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        "x".to_owned()
    } else {
        slug
    }
}

/// A provider made by [`TestApp::setup_provider`].
#[derive(Clone, Debug)]
pub struct Provider {
    pub id: ProviderId,
    pub site_id: ProviderSiteId,
    pub admin: Account,
}

/// An employee who can sign in.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: EmployeeId,
    /// "First Last", as pages show it.
    pub name: String,
    pub email: String,
    pub password: String,
}

/// One browser talking to a test server.
#[derive(Clone)]
pub struct TestClient {
    http: reqwest::Client,
    jar: Arc<Jar>,
    base_url: String,
}

impl TestClient {
    fn new(base_url: String, jar: Arc<Jar>) -> TestClient {
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("build an HTTP client");
        TestClient {
            http,
            jar,
            base_url,
        }
    }

    /// Points the same browser (same cookies) at another server, such as a restarted one.
    pub fn for_app(&self, app: &TestApp) -> TestClient {
        TestClient::new(app.url(""), self.jar.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Returns the underlying HTTP client, for requests the helpers do not cover.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path} failed: {error}"));
        Page::read(response).await
    }

    /// Posts a form with this browser's anti-forgery token added, as a page's form would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.ensure_csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts fields built at run time, like [`TestClient::post_form`].
    pub async fn post_fields(&self, path: &str, fields: &[(String, String)]) -> Page {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .filter(|(name, _)| name != "csrf_token")
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        self.post_form(path, &borrowed).await
    }

    /// Posts exactly these fields, without adding the anti-forgery token.
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form_with_headers(path, fields, &[]).await
    }

    /// Posts exactly these fields with extra request headers such as `Origin`.
    pub async fn post_form_with_headers(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("encode the form");
        let mut request = self
            .http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path} failed: {error}"));
        Page::read(response).await
    }

    /// Returns the value of one of this browser's cookies for the server.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(&self.base_url).expect("a valid base URL");
        let header = self.jar.cookies(&url)?;
        let header = header.to_str().ok()?.to_owned();
        header.split(';').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    /// Stores a cookie as if the server had set it.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let url = reqwest::Url::parse(&self.base_url).expect("a valid base URL");
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &url);
    }

    pub fn session_token(&self) -> Option<String> {
        self.cookie("calserve_session")
    }

    /// Returns the anti-forgery token, fetching a page first when the browser has none yet.
    pub async fn ensure_csrf_token(&self) -> String {
        if let Some(token) = self.cookie("calserve_csrf") {
            return token;
        }
        self.get("/health").await;
        self.cookie("calserve_csrf")
            .expect("the server sets the calserve_csrf cookie on every response")
    }

    /// Signs in through the sign-in form and returns the response (303 on success).
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/sign-in").await;
        self.post_form("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    pub async fn sign_out(&self) -> Page {
        self.post_form("/sign-out", &[]).await
    }

    /// Creates a client through the new-client form and returns its id. Status Approved,
    /// currency USD and shipping same as billing are filled in unless `fields` set them.
    pub async fn create_client(&self, fields: &[(&str, &str)]) -> i64 {
        let page = self.post_form("/clients/new", &client_form(fields)).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "creating a client failed: {:?}\n{}",
            page.form_errors(),
            page.body
        );
        client_id_from_location(&page)
    }

    /// Sets (or with `None` clears) a site's Default Client Account Representative through the
    /// site form, keeping its other fields.
    pub async fn set_site_default_representative(
        &self,
        site_id: ProviderSiteId,
        representative: Option<EmployeeId>,
    ) -> Page {
        let path = format!("/admin/sites/{site_id}");
        let form = self.get(&path).await;
        assert_eq!(form.status, StatusCode::OK, "opening {path} failed");
        let mut fields = form.form_fields(&path);
        let value = representative.map(|id| id.to_string()).unwrap_or_default();
        set_field(&mut fields, "default_representative_id", &value);
        let page = self.post_fields(&path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "saving {path} failed: {:?}",
            page.form_errors()
        );
        page
    }
}

/// Builds new-client form fields: the form's defaults, overridden by `fields`.
pub fn client_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = Vec::new();
    for (name, value) in [
        ("status", "Approved"),
        ("currency", "USD"),
        ("shipping_same_as_billing", "on"),
    ] {
        if !fields.iter().any(|(field, _)| *field == name) {
            all.push((name, value));
        }
    }
    all.extend_from_slice(fields);
    all
}

/// Reads the client id from the `Location` of the response to a new-client form.
pub fn client_id_from_location(page: &Page) -> i64 {
    let location = page.location().expect("a redirect to the new client");
    location
        .strip_prefix("/clients/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("unexpected location after creating a client: {location}"))
}

/// Replaces a field's value in a list of form fields, adding it when missing.
pub fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(field, _)| field != name);
    fields.push((name.to_owned(), value.to_owned()));
}

/// Removes a field from a list of form fields, as an unticked checkbox is left out.
pub fn remove_field(fields: &mut Vec<(String, String)>, name: &str) {
    fields.retain(|(field, _)| field != name);
}

/// A server's response, read in full.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("read the response body");
        Page {
            status,
            headers,
            body,
        }
    }

    /// Returns where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location")?.to_str().ok()
    }

    /// Returns every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// Checks whether the page shows `text`, in its markup or in its text with tags removed.
    /// Entities are decoded before comparing.
    pub fn has_text(&self, text: &str) -> bool {
        unescape(&self.body).contains(text) || remove_tags(&self.body).contains(text)
    }

    /// Returns the error message shown next to a form field.
    pub fn field_error(&self, field: &str) -> Option<String> {
        let by_id = format!("id=\"{field}-error\">");
        if let Some(start) = self.body.find(&by_id) {
            let rest = &self.body[start + by_id.len()..];
            let end = rest.find("</p>")?;
            return Some(unescape(&rest[..end]).trim().to_owned());
        }
        // Some messages carry no id: take the first one after the field's label and before
        // the next field.
        let label = format!("<label for=\"{field}\"");
        let start = self.body.find(&label)?;
        let rest = &self.body[start..];
        let next_field = rest[1..].find("<label ").map_or(rest.len(), |i| i + 1);
        let error_at = rest[..next_field].find("class=\"field-error\"")?;
        let after = &rest[error_at..];
        let open_end = after.find('>')? + 1;
        let close = after.find("</p>")?;
        Some(unescape(&after[open_end..close]).trim().to_owned())
    }

    /// Lists every field error on the page as (field, message), for failure messages.
    pub fn form_errors(&self) -> Vec<(String, String)> {
        let mut errors = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find("class=\"field-error\"") {
            let after = &rest[at..];
            let field = after
                .find("id=\"")
                .filter(|i| *i < after.find('>').unwrap_or(0))
                .and_then(|i| after[i + 4..].split('"').next())
                .unwrap_or("")
                .trim_end_matches("-error")
                .to_owned();
            let message = match (after.find('>'), after.find("</p>")) {
                (Some(open), Some(close)) if open < close => unescape(&after[open + 1..close]),
                _ => String::new(),
            };
            errors.push((field, message));
            rest = &after[1..];
        }
        if let Some(at) = self.body.find("class=\"form-errors\"") {
            let after = &self.body[at..];
            if let Some(end) = after.find("</div>") {
                errors.push(("(form)".to_owned(), strip_tags(&after[..end])));
            }
        }
        errors
    }

    /// Returns the message in the box above a form, tags removed.
    pub fn form_message(&self) -> Option<String> {
        let at = self.body.find("class=\"form-errors\"")?;
        let after = &self.body[at..];
        let end = after.find("</div>")?;
        Some(strip_tags(&after[after.find('>')? + 1..end]))
    }

    /// Returns the cells of each body row of the first table after `marker`, as text.
    pub fn table_rows(&self, marker: &str) -> Vec<Vec<String>> {
        let Some(start) = self.body.find(marker) else {
            return Vec::new();
        };
        let after = &self.body[start..];
        let Some(body_start) = after.find("<tbody>") else {
            return Vec::new();
        };
        let table = &after[body_start..];
        let table = &table[..table.find("</tbody>").unwrap_or(table.len())];
        table
            .split("<tr")
            .skip(1)
            .map(|row| {
                row.split("<td")
                    .skip(1)
                    .map(|cell| {
                        let content = &cell[tag_end(cell) + 1..];
                        let content = &content[..content.find("</td>").unwrap_or(content.len())];
                        strip_tags(content)
                    })
                    .collect()
            })
            .collect()
    }

    /// Returns the value of the first input named `name` (an empty string when it has none).
    pub fn input_value(&self, name: &str) -> Option<String> {
        tags(&self.body, "input")
            .into_iter()
            .find(|tag| tag.attr("name") == Some(name))
            .map(|tag| tag.attr("value").unwrap_or_default().to_owned())
    }

    /// Checks whether the checkbox named `name` is ticked.
    pub fn is_checked(&self, name: &str) -> bool {
        tags(&self.body, "input")
            .into_iter()
            .any(|tag| tag.attr("name") == Some(name) && tag.has("checked"))
    }

    /// Lists the options of the drop-down named `name`, as (value, label).
    pub fn select_options(&self, name: &str) -> Vec<(String, String)> {
        select_block(&self.body, name)
            .map(|block| {
                options(block)
                    .into_iter()
                    .map(|(value, label, _)| (value, label))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Returns the value chosen in the drop-down named `name`: the selected option, else the first.
    pub fn selected_value(&self, name: &str) -> Option<String> {
        let block = select_block(&self.body, name)?;
        let options = options(block);
        options
            .iter()
            .find(|(_, _, selected)| *selected)
            .or_else(|| options.first())
            .map(|(value, _, _)| value.clone())
    }

    /// Collects the fields the form posting to `action` would send unchanged: inputs, ticked
    /// checkboxes and the chosen value of each drop-down.
    pub fn form_fields(&self, action: &str) -> Vec<(String, String)> {
        let marker = format!("action=\"{action}\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no form posts to {action} on this page:\n{}", self.body));
        let form = &self.body[start..];
        let form = &form[..form.find("</form>").unwrap_or(form.len())];

        let mut fields = Vec::new();
        for tag in tags(form, "input") {
            let Some(name) = tag.attr("name") else {
                continue;
            };
            let kind = tag.attr("type").unwrap_or("text");
            if (kind == "checkbox" || kind == "radio") && !tag.has("checked") {
                continue;
            }
            if kind == "submit" || kind == "button" {
                continue;
            }
            fields.push((
                name.to_owned(),
                tag.attr("value").unwrap_or_default().to_owned(),
            ));
        }
        for tag in tags(form, "select") {
            let Some(name) = tag.attr("name") else {
                continue;
            };
            if let Some(block) = select_block(form, name) {
                let options = options(block);
                let chosen = options
                    .iter()
                    .find(|(_, _, selected)| *selected)
                    .or_else(|| options.first());
                if let Some((value, _, _)) = chosen {
                    fields.push((name.to_owned(), value.clone()));
                }
            }
        }
        fields
    }
}

/// An HTML start tag with its attributes, values decoded.
#[derive(Debug)]
pub struct Tag {
    attributes: Vec<(String, Option<String>)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_deref().unwrap_or(""))
    }

    pub fn has(&self, name: &str) -> bool {
        self.attributes.iter().any(|(key, _)| key == name)
    }
}

/// Finds every start tag named `name` in `html`, in order. It reads the double-quoted
/// attributes the templates write and is not a general HTML parser.
pub fn tags(html: &str, name: &str) -> Vec<Tag> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let boundary = after.chars().next().unwrap_or('>');
        if !(boundary.is_whitespace() || boundary == '>' || boundary == '/') {
            rest = after;
            continue;
        }
        let end = tag_end(after);
        found.push(Tag {
            attributes: parse_attributes(&after[..end]),
        });
        rest = &after[end..];
    }
    found
}

/// Finds the index of the `>` that closes a tag, skipping `>` inside quoted values.
fn tag_end(text: &str) -> usize {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return i,
            _ => {}
        }
    }
    text.len()
}

fn parse_attributes(text: &str) -> Vec<(String, Option<String>)> {
    let mut attributes = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() && !rest.starts_with('/') {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_owned();
        rest = &rest[name_end..];
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_quote = after_eq.strip_prefix('"').unwrap_or(after_eq);
            let value_end = after_quote.find('"').unwrap_or(after_quote.len());
            attributes.push((name, Some(unescape(&after_quote[..value_end]))));
            rest = after_quote.get(value_end + 1..).unwrap_or("");
        } else {
            attributes.push((name, None));
        }
        rest = rest.trim_start();
        if name_end == 0 {
            // Not an attribute name: skip a character so the loop always advances.
            rest = rest.get(1..).unwrap_or("");
        }
    }
    attributes
}

/// Returns the text between `<select ... name="NAME" ...>` and its `</select>`.
fn select_block<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = html;
    while let Some(at) = rest.find("<select") {
        let after = &rest[at..];
        let end = tag_end(after);
        let attributes = parse_attributes(&after["<select".len()..end]);
        let close = after.find("</select>").unwrap_or(after.len());
        if attributes
            .iter()
            .any(|(key, value)| key == "name" && value.as_deref() == Some(name))
        {
            return Some(&after[end..close]);
        }
        rest = &after[close..];
    }
    None
}

/// Lists the options of a drop-down block, as (value, label, selected).
fn options(block: &str) -> Vec<(String, String, bool)> {
    let mut found = Vec::new();
    let mut rest = block;
    while let Some(at) = rest.find("<option") {
        let after = &rest[at + "<option".len()..];
        let end = tag_end(after);
        let attributes = parse_attributes(&after[..end]);
        let label_end = after[end..]
            .find("</option>")
            .map_or(after.len(), |i| end + i);
        let label = unescape(after[end + 1..label_end].trim());
        let value = attributes
            .iter()
            .find(|(key, _)| key == "value")
            .and_then(|(_, value)| value.clone())
            .unwrap_or_else(|| label.clone());
        let selected = attributes.iter().any(|(key, _)| key == "selected");
        found.push((value, label, selected));
        rest = &after[end..];
    }
    found
}

/// Decodes the entities askama writes (and numeric ones).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(end) = after.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Extracts the text of an HTML fragment: each tag replaced by a space, entities decoded,
/// whitespace collapsed.
pub fn strip_tags(html: &str) -> String {
    text_of(html, " ")
}

/// Extracts the text of an HTML fragment with tags dropped, so "<strong>Name</strong>: x"
/// reads "Name: x".
fn remove_tags(html: &str) -> String {
    text_of(html, "")
}

fn text_of(html: &str, tag_replacement: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push_str(tag_replacement);
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn html_helpers_read_fields_and_errors() {
    let page = Page {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        headers: HeaderMap::new(),
        body: r#"<form method="post" action="/x"><input type="hidden" name="csrf_token" value="t">
<div class="field has-error"><label for="name">Name</label>
<input type="text" id="name" name="name" value="A &amp; B &quot;Q&quot;" required aria-invalid="true">
<p class="field-error" id="name-error">This field is required.</p></div>
<div class="field"><label for="from">From</label><select id="from" name="from"><option value="">(none)</option><option value="7" selected>Sam &lt;S&gt;</option></select>
<p class="field-error">Choose one.</p></div>
<input type="checkbox" name="same" value="on" checked><input type="checkbox" name="other" value="on">
</form>"#
            .to_owned(),
    };
    assert_eq!(page.input_value("name").as_deref(), Some("A & B \"Q\""));
    assert_eq!(
        page.field_error("name").as_deref(),
        Some("This field is required.")
    );
    assert_eq!(page.field_error("from").as_deref(), Some("Choose one."));
    assert_eq!(page.selected_value("from").as_deref(), Some("7"));
    assert_eq!(page.select_options("from")[1].1, "Sam <S>");
    assert!(page.is_checked("same"));
    assert!(!page.is_checked("other"));
    let fields = page.form_fields("/x");
    assert!(fields.contains(&("same".to_owned(), "on".to_owned())));
    assert!(!fields.iter().any(|(name, _)| name == "other"));
    assert!(fields.contains(&("from".to_owned(), "7".to_owned())));
    assert!(page.has_text("A & B"));
    assert!(!page.has_text("absent text"));
    assert_eq!(page.field_error("same"), None);
    assert_eq!(page.input_value("missing"), None);
    assert!(creator_is_gone(
        "calserve_test_999999999_1_2",
        "calserve_test_"
    ));
    assert!(!creator_is_gone(
        &format!("calserve_test_{}_1_2", std::process::id()),
        "calserve_test_"
    ));
    assert_eq!(
        database_url_for("postgres://u@h:1/postgres?sslmode=disable", "t"),
        "postgres://u@h:1/t?sslmode=disable"
    );
}

/// `fields` with `name` set to `value` (added when missing), for one-field-wrong form cases.
pub fn with_field<'a>(
    fields: &[(&'a str, &'a str)],
    name: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut changed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(field, _)| *field != name)
        .copied()
        .collect();
    changed.push((name, value));
    changed
}
