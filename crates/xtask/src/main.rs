//! `cargo xtask <command>`: the developer commands of the suite.

use std::process::ExitCode;
use xtask::{tasks, Fail};

const USAGE: &str = "\
usage: cargo xtask <command>

  demo     build and open the suite on its embedded default with demo data
  test     install what is missing, then run every check and test (CI runs this)
  bench    `bench startup`: app start-up and memory; `bench queue`: engine ops/s;
           `bench hall`: the hall node under 100 counters; `bench ingest`: province
           uploads; `bench propagation`: a finished service reaching the province
  tidy     check layering and file headers only
  setup    install the build and test tools only
  dist     `dist [--version X.Y.Z]`: installers into target/dist (desktop .deb and .rpm,
           hall node and province server .deb); YYT_UPDATE_PUBKEY names the update key
  release  `release keygen --out DIR`: a new update signing key;
           `release publish --province URL --version X.Y.Z …`: sign and upload a release
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => tasks::demo(),
        Some("test") => tasks::test(),
        Some("bench") => tasks::bench(&args[1..]),
        Some("tidy") => tasks::tidy(),
        Some("setup") => tasks::setup(),
        Some("dist") => xtask::dist::dist(&args[1..]),
        Some("release") => xtask::release::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("\nxtask: {msg}");
            ExitCode::FAILURE
        }
    }
}
