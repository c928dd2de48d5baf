#!/usr/bin/env bash
# Runs the whole test suite: the unit tests and the integration tests in tests/app, each of which
# runs once on SQLite and once on PostgreSQL, plus the browser tests in headless Chromium.
#
# Before running cargo it makes sure that Debian's chromium and chromium-driver are installed
# (installing them when run as root) and that PostgreSQL accepts connections on 127.0.0.1:5432 (starting the
# local cluster when it does not). Extra arguments go to `cargo test`, for example a test name
# filter. The exit status is cargo's.

set -euo pipefail

cd "$(dirname "$0")/.."

say() {
    echo "test.sh: $*" >&2
}

have_browser() {
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

ensure_browser() {
    if have_browser; then
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        say "the browser tests need Chromium and ChromeDriver, which are not installed."
        say "install them with: sudo apt-get install chromium chromium-driver"
        exit 1
    fi
    say "installing chromium and chromium-driver for the browser tests"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
}

postgres_accepts_connections() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h 127.0.0.1 -p 5432
    else
        psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1
    fi
}

ensure_postgres() {
    # A server chosen through CALSERVE_TEST_POSTGRES_URL is the caller's to run.
    if [ -n "${CALSERVE_TEST_POSTGRES_URL:-}" ] || postgres_accepts_connections; then
        return
    fi
    local version
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$version" ]; then
        say "PostgreSQL does not accept connections on 127.0.0.1:5432 and no local cluster is installed."
        say "install Debian's postgresql package, or set CALSERVE_TEST_POSTGRES_URL to a server"
        say "where the user may create databases."
        exit 1
    fi
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do
        if postgres_accepts_connections; then
            return
        fi
        sleep 1
    done
    say "PostgreSQL $version did not start accepting connections on 127.0.0.1:5432 within 30 seconds."
    exit 1
}

ensure_browser
ensure_postgres

started=$SECONDS
status=0
cargo test --locked --all-targets "$@" || status=$?
say "cargo test finished with status $status after $((SECONDS - started)) seconds"
exit "$status"
