//! The `calserve` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = calserve::cli::Cli::parse();
    calserve::cli::run(cli)
}
