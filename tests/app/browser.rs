//! Browser tests: Debian's Chromium, headless, driven through ChromeDriver for the pages people
//! use every day. Each test starts its own ChromeDriver on a free port and a fresh profile.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::support::{unique, TestApp, PASSWORD};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium session with its own ChromeDriver process and profile folder.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    base: String,
}

impl Browser {
    pub async fn start(app: &TestApp) -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("starting {CHROMEDRIVER} failed ({error}); install Debian's chromium and chromium-driver, as scripts/test.sh does")
            });
        wait_for_port(port).await;

        let profile = std::env::temp_dir().join(format!(
            "calserve-chromium-{}-{}",
            std::process::id(),
            unique()
        ));
        std::fs::create_dir_all(&profile).expect("create a Chromium profile folder");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a Chromium session through ChromeDriver");

        Browser {
            client,
            driver,
            profile,
            base: app.url(""),
        }
    }

    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path} failed: {e}"));
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matches {css}: {e}"))
    }

    /// Types into the field labelled by `id`, replacing its value.
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self.find(&format!("#{id}")).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clearing #{id} failed: {e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("typing into #{id} failed: {e}"));
    }

    /// Chooses the option of a drop-down whose visible text is `text`.
    pub async fn choose(&self, id: &str, text: &str) {
        let select = self.find(&format!("#{id}")).await;
        select
            .select_by_label(text)
            .await
            .unwrap_or_else(|e| panic!("choosing {text:?} in #{id} failed: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css} failed: {e}"));
    }

    /// Clicks the button or link whose text is exactly `text` and waits for the page it opens.
    pub async fn click_text(&self, text: &str) {
        self.mark_page().await;
        let xpath =
            format!("//button[normalize-space(.)='{text}'] | //a[normalize-space(.)='{text}']");
        let element = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button or link {text:?}: {e}"));
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {text:?} failed: {e}"));
        self.wait_for_new_page(text).await;
    }

    /// Clicks a submit button and waits for the page the form opens.
    pub async fn submit(&self, css: &str) {
        self.mark_page().await;
        self.click(css).await;
        self.wait_for_new_page(css).await;
    }

    /// Marks the current document, so [`Browser::wait_for_new_page`] can tell when it is replaced.
    async fn mark_page(&self) {
        self.client
            .execute("window.calserveOldPage = true;", vec![])
            .await
            .expect("mark the page");
    }

    /// Waits until the marked document is replaced by one that finished loading.
    async fn wait_for_new_page(&self, after: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let script =
            "return window.calserveOldPage === undefined && document.readyState === 'complete';";
        loop {
            // While the old document unloads the script can fail; that counts as not yet.
            let loaded = self
                .client
                .execute(script, vec![])
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if loaded {
                return;
            }
            if Instant::now() > deadline {
                panic!("no new page loaded within 15 seconds after {after}");
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }

    /// Waits until the page shows `text`, for up to 10 seconds, and returns the page text.
    pub async fn wait_for_text(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let page = self.text().await;
            if page.contains(text) {
                return page;
            }
            if Instant::now() > deadline {
                panic!(
                    "the page at {} never showed {text:?}; it shows:\n{page}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the browser is at `path`, for up to 10 seconds.
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_for_address(|current| current == path, path).await;
    }

    /// Waits until the browser's address (path and query) contains `part`.
    pub async fn wait_for_address_containing(&self, part: &str) {
        self.wait_for_address(|current| current.contains(part), part)
            .await;
    }

    async fn wait_for_address(&self, matches: impl Fn(&str) -> bool, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !matches(&self.path().await) {
            if Instant::now() > deadline {
                panic!(
                    "the browser stayed at {} instead of {path}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element's class list does (or does not) contain `class`.
    pub async fn wait_for_class(&self, css: &str, class: &str, present: bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let classes = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element
                    .attr("class")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                Err(_) => String::new(),
            };
            if classes.split_whitespace().any(|c| c == class) == present {
                return;
            }
            if Instant::now() > deadline {
                panic!("{css} has classes {classes:?}; expected {class} present: {present}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn text(&self) -> String {
        // A page that is being replaced has no body for a moment, so a few retries are allowed.
        for _ in 0..50 {
            if let Ok(body) = self.client.find(Locator::Css("body")).await {
                if let Ok(text) = body.text().await {
                    return text;
                }
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        panic!("the page has no readable body");
    }

    pub async fn path(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .expect("the current address");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Signs in through the sign-in page.
    pub async fn sign_in(&self, email: &str) {
        self.open("/sign-in").await;
        self.fill("email", email).await;
        self.fill("password", PASSWORD).await;
        self.click_text("Sign in").await;
        let page = self.text().await;
        assert!(
            page.contains("Sign out"),
            "signing in as {email} failed: {page}"
        );
    }

    /// Downloads `path` with the browser's own cookies and returns the body as text.
    pub async fn fetch_text(&self, path: &str) -> String {
        let script = "const done = arguments[arguments.length - 1]; \
                      fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done('ERROR ' + e));";
        let value = self
            .client
            .execute_async(script, vec![json!(path)])
            .await
            .expect("run fetch in the page");
        value.as_str().unwrap_or_default().to_owned()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("its address")
        .port()
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("ChromeDriver did not listen on port {port} within 15 seconds");
}

db_tests! {
    async fn browser_sets_site_default_and_client_representative(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let ben = app.add_employee(&provider, "Ben", calserve::auth::Role::Staff).await;
        let cleo = app.add_employee(&provider, "Cleo", calserve::auth::Role::Staff).await;
        let browser = Browser::start(&app).await;

        browser.sign_in(&provider.admin.email).await;

        // ADMINISTRATION > Sites: the Default Client Account Representative of the first site.
        browser.open(&format!("/admin/sites/{}", provider.site_id)).await;
        browser.choose("default_representative_id", &ben.name).await;
        browser.click_text("Save").await;
        browser.wait_for_text("The site was saved.").await;

        // SERVICE > Manage Clients > New client: it inherits Ben from the site.
        browser.open("/clients/new").await;
        browser.fill("name", "Bright Optics").await;
        browser.fill("billing_line1", "12 Lens Rd").await;
        browser.fill("billing_city", "Wichita").await;
        browser.click_text("Create client").await;
        let account = browser.wait_for_text("The client was created.").await;
        assert!(account.contains(&ben.name));
        assert!(account.contains("site default (Main Lab)"));

        // Account tab: a client-specific representative replaces the site default.
        browser.choose("representative_id", &cleo.name).await;
        browser.submit(".account-grid form[action$='/company'] button[type=submit]").await;
        let account = browser.wait_for_text("Your changes were saved.").await;
        assert!(account.contains("Assigned: client-specific"));
        assert!(account.contains(&cleo.name));

        browser.close().await;
    }

    async fn browser_adds_site_asset_and_sticker(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        let client_id = admin.create_client(&[("name", "Bright Optics"), ("billing_line1", "12 Lens Rd"), ("billing_city", "Wichita")]).await;
        let browser = Browser::start(&app).await;
        browser.sign_in(&provider.admin.email).await;

        // A site with its own billing address.
        browser.open(&format!("/clients/{client_id}/account")).await;
        browser.click_text("Add site").await;
        browser.wait_for_path(&format!("/clients/{client_id}/sites/new")).await;
        browser.fill("name", "North Plant").await;
        browser.fill("code", "NP").await;
        browser.click("#billing_inherited").await;
        browser.fill("billing_line1", "400 North Ave").await;
        browser.fill("billing_city", "Salina").await;
        browser.click_text("Save").await;
        let account = browser.wait_for_text("400 North Ave, Salina").await;
        assert!(account.contains("own address"));

        // An asset at that site.
        browser.open(&format!("/clients/{client_id}/assets")).await;
        browser.click_text("Add asset").await;
        browser.wait_for_path(&format!("/clients/{client_id}/assets/new")).await;
        browser.fill("name", "Digital caliper").await;
        browser.choose("site_id", "North Plant").await;
        browser.fill("manufacturer", "Mitutoyo").await;
        browser.fill("serial_number", "MT-5521").await;
        browser.fill("last_service_date", "2026-02-01").await;
        browser.fill("service_interval_months", "6").await;
        browser.click_text("Save").await;
        let assets = browser.wait_for_text("MT-5521").await;
        assert!(assets.contains("Digital caliper"), "{assets}");
        assert!(assets.contains("MT-5521"), "{assets}");
        assert!(assets.contains("2026-08-01"), "the next service date was not computed: {assets}");

        // A pink sticker on Orders, then Clear and Save.
        browser.click(".client-tab:nth-child(2) summary").await;
        browser.fill("sticker-note-orders", "Quote needs approval").await;
        browser.click(".client-tab:nth-child(2) input[value=pink]").await;
        browser.submit(".client-tab:nth-child(2) .sticker-actions .primary").await;
        browser.wait_for_path(&format!("/clients/{client_id}/orders")).await;
        browser.wait_for_class(".client-tab:nth-child(2)", "has-sticker", true).await;
        let orders_tab = browser.find(".client-tab:nth-child(2)").await;
        let class = orders_tab.attr("class").await.unwrap().unwrap_or_default();
        assert!(class.contains("sticker-bar-pink"), "no pink bar: {class}");
        assert!(orders_tab.text().await.unwrap().contains("Quote needs approval"), "the note is not under the tab name");

        browser.click(".client-tab:nth-child(2) summary").await;
        browser.click(".client-tab:nth-child(2) .sticker-clear").await;
        browser.submit(".client-tab:nth-child(2) .sticker-actions .primary").await;
        browser.wait_for_class(".client-tab:nth-child(2)", "has-sticker", false).await;
        let orders_tab = browser.find(".client-tab:nth-child(2)").await;
        assert!(orders_tab.text().await.unwrap().contains("(+)"), "the (+) did not come back");
        assert_eq!(app.count("stickers").await, 0);

        browser.close().await;
    }

    async fn browser_filters_client_manager_and_exports(app) {
        let provider = app.setup_provider("Acme Cal").await;
        let dana = app.add_employee(&provider, "Dana", calserve::auth::Role::Staff).await;
        let eli = app.add_employee(&provider, "Eli", calserve::auth::Role::Staff).await;
        let admin = app.signed_in(&provider.admin.email, PASSWORD).await;
        admin.set_site_default_representative(provider.site_id, Some(eli.id)).await;
        let site = provider.site_id.to_string();
        let dana_id = dana.id.to_string();
        admin.create_client(&[("name", "Zürich Precision"), ("serving_site_id", &site), ("representative_id", &dana_id)]).await;
        admin.create_client(&[("name", "Dana Metrology"), ("serving_site_id", &site), ("representative_id", &dana_id)]).await;
        admin.create_client(&[("name", "Eli Gauges"), ("serving_site_id", &site)]).await;

        let browser = Browser::start(&app).await;
        browser.sign_in(&provider.admin.email).await;
        browser.open("/clients").await;
        browser.wait_for_text("Eli Gauges").await;

        // Account Representatives filter: Dana's two clients only.
        browser.click(&format!("#cm-rep-{}", dana.id)).await;
        browser.click_text("Apply filters").await;
        browser.wait_for_address_containing(&format!("rep={}", dana.id)).await;
        let page = browser.text().await;
        assert!(page.contains("Zürich Precision"), "{page}");
        assert!(page.contains("Dana Metrology"), "{page}");
        assert!(!page.contains("Eli Gauges"), "a client of another representative is listed");

        // Search within the filter, accent-insensitive.
        browser.fill("cm-q", "zurich").await;
        browser.click_text("Search").await;
        let page = browser.wait_for_text("1–1 of 1").await;
        assert!(page.contains("Zürich Precision"), "{page}");
        assert!(!page.contains("Dana Metrology"), "the search did not narrow the list: {page}");
        assert!(browser.path().await.contains("q=zurich"), "the search is not in the address");

        // Export of the current view.
        let href = browser.find(".cm-exports a").await.attr("href").await.unwrap().expect("an export link");
        let csv = browser.fetch_text(&href).await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "header plus the one client in view: {csv}");
        assert!(lines[1].contains("Zürich Precision"));
        assert!(lines[1].contains(&dana.email), "the representative's email is not exported: {csv}");
        assert!(lines[1].contains("client-specific"), "the provenance is not exported: {csv}");

        // A client that inherits its representative shows the "site default" mark.
        browser.open(&format!("/clients?rep={}", eli.id)).await;
        let page = browser.wait_for_text("Eli Gauges").await;
        assert!(page.contains("site default"), "{page}");
        browser.close().await;
    }
}
