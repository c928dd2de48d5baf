//! Running calserve: the health check, the not-found page, configuration layering and graceful
//! shutdown of the real binary.

use std::io::Read as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::support::{cli_command, TestApp};

/// A `calserve serve` process started by a test; killed if the test ends without stopping it.
struct ServerProcess {
    child: Option<Child>,
}

impl ServerProcess {
    fn start(command: &mut Command) -> ServerProcess {
        let child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start calserve serve");
        ServerProcess { child: Some(child) }
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().expect("a running server").id()
    }

    /// Waits until `/health` returns 200 on `port`, or fails with the server's output.
    async fn wait_until_ready(&mut self, port: u16) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let health = http
                .get(format!("http://127.0.0.1:{port}/health"))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if matches!(&health, Ok(response) if response.status() == StatusCode::OK) {
                return;
            }
            let exited = self.child.as_mut().unwrap().try_wait().unwrap();
            if exited.is_some() || Instant::now() > deadline {
                let (status, stdout, stderr) = self.stop_and_collect();
                panic!("calserve did not respond on port {port} ({status:?}):\n{stdout}\n{stderr}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM and waits up to ten seconds for the process to exit.
    fn terminate(&mut self) -> (Option<std::process::ExitStatus>, String, String) {
        let pid = self.pid().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        tokio::task::block_in_place(|| self.wait_for_exit(Duration::from_secs(10)))
    }

    fn wait_for_exit(
        &mut self,
        limit: Duration,
    ) -> (Option<std::process::ExitStatus>, String, String) {
        let deadline = Instant::now() + limit;
        let child = self.child.as_mut().unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let (_, stdout, stderr) = self.stop_and_collect();
        (status, stdout, stderr)
    }

    /// Kills the process if it still runs and returns its exit status and output.
    fn stop_and_collect(&mut self) -> (Option<std::process::ExitStatus>, String, String) {
        let mut child = self.child.take().expect("a server process");
        if child.try_wait().unwrap().is_none() {
            let _ = child.kill();
        }
        let status = child.wait().ok();
        let mut stdout = String::new();
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stdout.take() {
            let _ = pipe.read_to_string(&mut stdout);
        }
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        (status, stdout, stderr)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Returns a port that was free a moment ago; another process may take it before calserve
/// binds it.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("find a free port")
        .port()
}

/// A configuration file in its own temporary directory, removed on drop.
struct ConfigFile {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
}

impl ConfigFile {
    fn new(contents: &str) -> ConfigFile {
        let dir = std::env::temp_dir().join(format!(
            "calserve-config-{}-{}",
            std::process::id(),
            crate::support::unique()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("calserve.toml");
        std::fs::write(&path, contents).unwrap();
        ConfigFile { dir, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts `calserve serve` with the given arguments and environment, and waits until it
/// responds on the expected port.
async fn serve_on(app: &TestApp, args: &[&str], env: &[(&str, &str)], port: u16) -> ServerProcess {
    let mut command = cli_command();
    command.args(args).env("DATABASE_URL", &app.db_url);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut server = ServerProcess::start(&mut command);
    server.wait_until_ready(port).await;
    server
}

db_tests! {
    async fn health_returns_ok(app) {
        let page = app.client().get("/health").await;

        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body, "ok");
    }

    async fn unknown_path_shows_not_found_page(app) {
        app.setup_provider("Acme Cal").await;

        let page = app.client().get("/no/such/page").await;

        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.has_text("Not found"));
        assert!(page.has_text("The page or record does not exist."));
        assert!(page.body.starts_with("<!doctype html>"), "not an HTML page");
    }

    async fn flag_beats_env_beats_file(app) {
        let (file_port, env_port, flag_port) = (free_port(), free_port(), free_port());
        // The file's database URL is invalid, so the server only starts if DATABASE_URL from the
        // environment overrides it.
        let config = ConfigFile::new(&format!(
            "bind = \"127.0.0.1:{file_port}\"\n\
             database_url = \"mysql://nowhere/calserve\"\n\
             log_format = \"json\"\n"
        ));
        let env_bind = format!("127.0.0.1:{env_port}");
        let flag_bind = format!("127.0.0.1:{flag_port}");

        let mut from_flag = serve_on(
            &app,
            &["--config", config.path(), "serve", "--bind", &flag_bind],
            &[("CALSERVE_BIND", &env_bind)],
            flag_port,
        )
        .await;
        let (status, stdout, stderr) = from_flag.terminate();
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
        assert!(stdout.contains(&format!("http://{flag_bind}")), "{stdout}");
        assert!(
            stderr
                .lines()
                .any(|line| line.starts_with('{') && line.contains("calserve started")),
            "the file's log_format = json was not applied: {stderr}"
        );

        let mut from_env = serve_on(
            &app,
            &["--config", config.path(), "serve"],
            &[("CALSERVE_BIND", &env_bind)],
            env_port,
        )
        .await;
        let (status, stdout, _) = from_env.terminate();
        assert!(status.is_some_and(|s| s.success()));
        assert!(stdout.contains(&format!("http://{env_bind}")), "{stdout}");

        let mut from_file =
            serve_on(&app, &["--config", config.path(), "serve"], &[], file_port).await;
        let (status, stdout, _) = from_file.terminate();
        assert!(status.is_some_and(|s| s.success()));
        assert!(
            stdout.contains(&format!("http://127.0.0.1:{file_port}")),
            "{stdout}"
        );
    }

    async fn invalid_settings_name_the_setting(app) {
        let zero_days = ConfigFile::new("session_days = 0\n");
        let output = app.run_cli(&["--config", zero_days.path(), "serve"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("session_days must be at least 1, got 0"),
            "{stderr}"
        );

        let misspelt = ConfigFile::new("sesion_days = 3\n");
        let output = app.run_cli(&["--config", misspelt.path(), "serve"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("sesion_days"),
            "the unknown key is not named: {stderr}"
        );
        assert!(
            stderr.contains(misspelt.path()),
            "the file is not named: {stderr}"
        );

        let output = app.run_cli(&["serve", "--bind", "localhost"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("listen address \"localhost\" is invalid"),
            "{stderr}"
        );

        let output = app.run_cli(&["serve", "--public-url", "cal.example"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("public URL must start with http:// or https://"),
            "{stderr}"
        );

        let output = app.run_cli_with_env(&["serve"], &[("CALSERVE_LOG_FORMAT", "xml")]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(stderr.contains("'xml'"), "{stderr}");
        assert!(stderr.contains("--log-format"), "{stderr}");

        let missing = app.run_cli(&["--config", "/nonexistent/calserve.toml", "serve"]);
        let stderr = String::from_utf8_lossy(&missing.stderr);
        assert_eq!(missing.status.code(), Some(2));
        assert!(
            stderr.contains("cannot read the configuration file /nonexistent/calserve.toml"),
            "{stderr}"
        );
    }

    async fn sigterm_stops_server_gracefully(app) {
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let mut server = serve_on(&app, &["serve", "--bind", &bind], &[], port).await;

        let started = Instant::now();
        let (status, _, stderr) = server.terminate();

        let status = status.expect("calserve did not exit within 10 seconds of SIGTERM");
        assert!(status.success(), "exit status {status:?}: {stderr}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "shutdown took {:?}",
            started.elapsed()
        );
        assert!(stderr.contains("shutdown requested"), "{stderr}");
        assert!(stderr.contains("calserve stopped"), "{stderr}");
        let after_stop = reqwest::Client::new()
            .get(format!("http://{bind}/health"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        assert!(after_stop.is_err(), "the server still responds after it stopped");
    }
}
