//! The headless hall node: `hall-node [--db PATH] [--listen ADDR] [--demo] [--province URL …]`; see `--help` (logging is set up by `cli::main`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    hall_node::cli::main(std::env::args().skip(1).collect()).await
}
