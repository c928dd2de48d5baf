//! Measures the Client Manager and the Assets tab at volume, on SQLite and PostgreSQL.
//!
//! For each database it loads the demo provider, adds bulk clients up to 100,000, gives one
//! client 20,000 assets, starts the real server on 127.0.0.1, and times each scenario twice:
//! as HTTP requests of a signed-in administrator (everything the server does for the page:
//! session check, queries, rendering), and as the page's list statements executed directly on
//! the pool. The ratio of the two medians is the cost of the web layer on top of the SQL.
//!
//! Run with `cargo bench --bench managers`. Settings by environment: `BENCH_CLIENTS` (100000),
//! `BENCH_ASSETS` (20000), `BENCH_REQUESTS` (200 per scenario), `BENCH_BACKENDS`
//! (`sqlite,postgres`), `CALSERVE_TEST_POSTGRES_URL` (postgres://postgres@127.0.0.1:5432/postgres).

use std::sync::Arc;
use std::time::{Duration, Instant};

use calserve::client_manager::query::{self, Shape};
use calserve::client_manager::view::View;
use calserve::config::Config;
use calserve::db::{Db, ListQuery};
use calserve::ids::{ClientId, EmployeeId, ProviderId};
use calserve::AppState;
use sqlx::Connection as _;
use sqlx::Row as _;

const WARMUP: usize = 20;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo test --all-targets` runs this file without `--bench`: then a small pass checks
    // that every scenario still works, without the volume.
    if !std::env::args().any(|arg| arg == "--bench") {
        for (name, value) in [
            ("BENCH_CLIENTS", "300"),
            ("BENCH_ASSETS", "300"),
            ("BENCH_REQUESTS", "3"),
        ] {
            if std::env::var(name).is_err() {
                std::env::set_var(name, value);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".to_owned());
    let mut results = Vec::new();
    for backend in backends.split(',').map(str::trim).filter(|b| !b.is_empty()) {
        results.extend(runtime.block_on(run_backend(backend)));
    }

    println!();
    println!("| database | scenario | HTTP p50 | HTTP p95 | direct SQL p50 | ratio p50 |");
    println!("|---|---|---|---|---|---|");
    for result in &results {
        println!(
            "| {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} |",
            result.backend,
            result.scenario,
            ms(result.http.p50),
            ms(result.http.p95),
            ms(result.direct.p50),
            result.http.p50.as_secs_f64() / result.direct.p50.as_secs_f64()
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

struct Outcome {
    backend: String,
    scenario: String,
    http: Stats,
    direct: Stats,
}

struct Stats {
    p50: Duration,
    p95: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p95: at(0.95),
    }
}

async fn database_url(backend: &str) -> String {
    match backend {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("calserve-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("a folder for the benchmark database");
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display())
        }
        "postgres" => {
            let admin = std::env::var("CALSERVE_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
            let mut conn = sqlx::postgres::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL reachable");
            sqlx::query("DROP DATABASE IF EXISTS calserve_bench WITH (FORCE)")
                .execute(&mut conn)
                .await
                .expect("drop the old benchmark database");
            sqlx::query("CREATE DATABASE calserve_bench")
                .execute(&mut conn)
                .await
                .expect("create the benchmark database");
            let base = admin
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin);
            format!("{base}/calserve_bench")
        }
        other => panic!("unknown backend {other}; use sqlite or postgres"),
    }
}

async fn run_backend(backend: &str) -> Vec<Outcome> {
    let clients = setting("BENCH_CLIENTS", 100_000);
    let asset_count = setting("BENCH_ASSETS", 20_000);
    let requests = setting("BENCH_REQUESTS", 200);

    let url = database_url(backend).await;
    let db = Db::connect(&url)
        .await
        .expect("open the benchmark database");
    let loading = Instant::now();
    calserve::demo::run_cli(
        &db,
        calserve::demo::DemoArgs {
            clients: 200,
            bulk: None,
            provider: None,
            alongside: false,
        },
    )
    .await
    .expect("load the demo provider");
    let provider_id = ProviderId(
        sqlx::query_scalar("SELECT id FROM providers ORDER BY id LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .expect("the demo provider"),
    );
    calserve::demo::add_clients(&db, provider_id, clients.saturating_sub(200))
        .await
        .expect("add bulk clients");
    let client_id = busiest_client(&db, provider_id).await;
    let site_ids = add_sites(&db, provider_id, client_id).await;
    add_assets(&db, provider_id, client_id, &site_ids, asset_count).await;
    // After a bulk load PostgreSQL has neither the statistics it plans from nor the visibility
    // map that lets counts read only an index; autovacuum provides both on a live database some
    // time later, so the benchmark runs the same VACUUM ANALYZE at once.
    if db.backend == calserve::db::Backend::Postgres {
        sqlx::query("VACUUM ANALYZE")
            .execute(&db.pool)
            .await
            .expect("vacuum and analyze the PostgreSQL database");
    }
    eprintln!(
        "{backend}: loaded {clients} clients and {asset_count} assets in {:.1?}",
        loading.elapsed()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("the address");
    let state = AppState {
        db: db.clone(),
        config: Arc::new(Config {
            database_url: url.clone(),
            ..Config::default()
        }),
    };
    let server = tokio::spawn(calserve::serve(listener, state));
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    sign_in(&http, &format!("http://{address}")).await;

    let (representative, representative_clients) = busiest_representative(&db, provider_id).await;
    eprintln!("{backend}: representative {representative} has {representative_clients} clients");
    let search = "cal";

    let mut outcomes = Vec::new();
    let first_page = View::new();
    outcomes.push(Outcome {
        backend: backend.to_owned(),
        scenario: format!("Client Manager ({clients} clients), first page, no filter"),
        http: time_http(&http, &format!("http://{address}/clients"), requests).await,
        direct: time_direct(
            &db,
            || client_manager_statements(provider_id, &first_page),
            requests,
        )
        .await,
    });

    let mut filtered = View::new();
    filtered.reps.employees = vec![representative];
    filtered.search = search.to_owned();
    outcomes.push(Outcome {
        backend: backend.to_owned(),
        scenario: format!("Client Manager ({clients} clients), representative filter + search"),
        http: time_http(
            &http,
            &format!("http://{address}/clients?rep={representative}&q={search}"),
            requests,
        )
        .await,
        direct: time_direct(
            &db,
            || client_manager_statements(provider_id, &filtered),
            requests,
        )
        .await,
    });

    let site = site_ids[0];
    outcomes.push(Outcome {
        backend: backend.to_owned(),
        scenario: format!("Assets tab ({asset_count} assets), search + site filter"),
        http: time_http(
            &http,
            &format!("http://{address}/clients/{client_id}/assets?q=fluke&site={site}"),
            requests,
        )
        .await,
        direct: time_direct(
            &db,
            || assets_statements(provider_id, client_id, site),
            requests,
        )
        .await,
    });

    server.abort();
    outcomes
}

async fn sign_in(http: &reqwest::Client, base: &str) {
    http.get(format!("{base}/sign-in"))
        .send()
        .await
        .expect("the sign-in page");
    let token = {
        // The form token is the calserve_csrf cookie, which the page set.
        let page = http
            .get(format!("{base}/sign-in"))
            .send()
            .await
            .expect("the sign-in page")
            .text()
            .await
            .expect("its body");
        let marker = "name=\"csrf_token\" value=\"";
        let start = page.find(marker).expect("a form token") + marker.len();
        page[start..start + page[start..].find('"').expect("end of the token")].to_owned()
    };
    let response = http
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", calserve::demo::ADMIN_EMAIL),
            ("password", calserve::demo::PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        response.status(),
        reqwest::StatusCode::SEE_OTHER,
        "the demo administrator could not sign in"
    );
}

async fn time_http(http: &reqwest::Client, url: &str, requests: usize) -> Stats {
    let mut samples = Vec::with_capacity(requests);
    for i in 0..WARMUP + requests {
        let started = Instant::now();
        let response = http.get(url).send().await.expect("a request");
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{url} failed");
        response.bytes().await.expect("the body");
        if i >= WARMUP {
            samples.push(started.elapsed());
        }
    }
    stats(samples)
}

async fn time_direct(db: &Db, statements: impl Fn() -> Vec<ListQuery>, requests: usize) -> Stats {
    let mut samples = Vec::with_capacity(requests);
    for i in 0..WARMUP + requests {
        let started = Instant::now();
        for statement in statements() {
            let (sql, arguments) = statement.build();
            sqlx::query_with(&sql, arguments)
                .fetch_all(&db.pool)
                .await
                .expect("a benchmark statement");
        }
        if i >= WARMUP {
            samples.push(started.elapsed());
        }
    }
    stats(samples)
}

/// Builds the statements the Client Manager runs for a view: the folder counts, then the page.
/// The page runs the two counts and the page at the same time, but here they run one by one.
fn client_manager_statements(provider_id: ProviderId, view: &View) -> Vec<ListQuery> {
    vec![
        query::build(provider_id, view, Shape::FolderCounts),
        query::build(provider_id, view, Shape::AssetFolderCounts),
        query::build(
            provider_id,
            view,
            Shape::Page {
                limit: view.per_page,
                offset: 0,
            },
        ),
    ]
}

/// Builds the statements the Assets tab runs for a search and a site: the count, then the page.
fn assets_statements(provider_id: ProviderId, client_id: ClientId, site: i64) -> Vec<ListQuery> {
    let filter = calserve::assets::AssetFilter {
        search: "fluke".to_owned(),
        site: Some(calserve::ids::ClientSiteId(site)),
        status: None,
        due: None,
        today: "2026-12-04".to_owned(),
        sort: calserve::assets::Sort::Name,
        descending: false,
    };
    calserve::assets::page_statements(provider_id, client_id, &filter, 50, 0)
}

async fn busiest_representative(db: &Db, provider_id: ProviderId) -> (EmployeeId, i64) {
    let row = sqlx::query(
        "SELECT representative_id AS id, COUNT(*) AS clients FROM clients \
         WHERE provider_id = $1 AND representative_id IS NOT NULL GROUP BY representative_id ORDER BY clients DESC LIMIT 1",
    )
    .bind(provider_id.0)
    .fetch_one(&db.pool)
    .await
    .expect("a representative with clients");
    (
        EmployeeId(row.try_get("id").unwrap()),
        row.try_get("clients").unwrap(),
    )
}

async fn busiest_client(db: &Db, provider_id: ProviderId) -> ClientId {
    ClientId(
        sqlx::query_scalar("SELECT MIN(id) FROM clients WHERE provider_id = $1")
            .bind(provider_id.0)
            .fetch_one(&db.pool)
            .await
            .expect("a client"),
    )
}

async fn add_sites(db: &Db, provider_id: ProviderId, client_id: ClientId) -> Vec<i64> {
    let mut ids = Vec::new();
    for n in 1..=5 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO client_sites (provider_id, client_id, name, name_key, code, code_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(provider_id.0)
        .bind(client_id.0)
        .bind(format!("Plant {n}"))
        .bind(format!("plant {n}"))
        .bind(format!("P{n}"))
        .bind(format!("p{n}"))
        .bind(calserve::db::now())
        .fetch_one(&db.pool)
        .await
        .expect("a client site");
        ids.push(id);
    }
    ids
}

/// Inserts generated assets in multi-row statements, spread over the sites and five makers.
async fn add_assets(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
    sites: &[i64],
    count: usize,
) {
    const MAKERS: [&str; 5] = ["Fluke", "Mitutoyo", "Keysight", "Tektronix", "Wika"];
    // SQLite looks up `$N` parameters by a linear scan, so its statements stay small.
    let rows_per_statement = match db.backend {
        calserve::db::Backend::Sqlite => 64,
        calserve::db::Backend::Postgres => 500,
    };
    let now = calserve::db::now();
    let mut tx = db.begin().await.expect("a transaction");
    for chunk_start in (0..count).step_by(rows_per_statement) {
        let mut statement = ListQuery::new(
            "INSERT INTO assets (provider_id, client_id, site_id, name, name_key, manufacturer, manufacturer_key, \
             serial_number, serial_key, status, next_service_date, search_text, created_at, updated_at) VALUES ",
        );
        for n in chunk_start..(chunk_start + rows_per_statement).min(count) {
            let maker = MAKERS[n % MAKERS.len()];
            let name = format!("Instrument {n:05}");
            let serial = format!("SN{n:06}");
            let next = format!("2027-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
            if n > chunk_start {
                statement.push(", ");
            }
            statement
                .push("(")
                .bind(provider_id.0)
                .push(", ")
                .bind(client_id.0)
                .push(", ")
                .bind(sites[n % sites.len()]);
            statement
                .push(", ")
                .bind(name.clone())
                .push(", ")
                .bind(name.to_lowercase());
            statement
                .push(", ")
                .bind(maker)
                .push(", ")
                .bind(maker.to_lowercase());
            statement
                .push(", ")
                .bind(serial.clone())
                .push(", ")
                .bind(serial.to_lowercase());
            statement.push(", 'Active', ").bind(next);
            statement.push(", ").bind(format!(
                "{}\n{}\n\n\n{}\n",
                name.to_lowercase(),
                serial.to_lowercase(),
                maker.to_lowercase()
            ));
            statement
                .push(", ")
                .bind(now.clone())
                .push(", ")
                .bind(now.clone())
                .push(")");
        }
        let (sql, arguments) = statement.build();
        sqlx::query_with(&sql, arguments)
            .execute(&mut *tx)
            .await
            .expect("insert assets");
    }
    tx.commit().await.expect("commit the assets");
}
