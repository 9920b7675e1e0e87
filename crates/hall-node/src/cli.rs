//! The hall node's command line: parses the arguments, starts the node (and the simulation) and runs until stopped.

use crate::{clock::CST_OFFSET_MINUTES, start, Options};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: hall-node [--db PATH] [--listen ADDR] [--demo] [--utc-offset-minutes N]
                 [--simulate SPEED [--sim-days N]] [--province URL --province-token TOKEN]
  --db PATH               the hall's SQLite database (default: hall.db)
  --listen ADDR           address to serve on (default: 127.0.0.1:7400)
  --demo                  seed the demo hall, accounts and devices into an empty database
  --utc-offset-minutes N  the hall's time zone (default: 480, China Standard Time)
  --simulate SPEED        with --demo: simulated customers and clerks, SPEED simulated seconds per second
                          (up to 10000; that fast, the simulated clerks are bound by how fast the node answers)
  --sim-days N            with --simulate: stop the simulation after N simulated days and print
                          `simulation finished: N days, T tickets issued` (the node serves on)
  --province URL --province-token TOKEN
                          replicate everything the hall produces to the province server at URL";

/// The fastest simulation: a simulated day (with its last customers served) in about 7 s.
const MAX_SPEED: f64 = 10_000.0;

/// What to simulate: the speed, and how many days (`None`: until stopped).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Simulate {
    speed: f64,
    days: Option<u32>,
}

fn parse(args: Vec<String>) -> Result<(Options, Option<Simulate>), String> {
    let mut opts = Options {
        db: PathBuf::from("hall.db"),
        listen: "127.0.0.1:7400".parse().expect("valid default"),
        utc_offset_minutes: CST_OFFSET_MINUTES,
        demo: false,
        queue: queue::QueueConfig::demo(),
        province: None,
    };
    let mut simulate = None;
    let mut sim_days = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--db" => opts.db = PathBuf::from(value("--db")?),
            "--listen" => {
                opts.listen = value("--listen")?
                    .parse::<SocketAddr>()
                    .map_err(|e| format!("--listen: {e}"))?
            }
            "--utc-offset-minutes" => {
                opts.utc_offset_minutes = value("--utc-offset-minutes")?
                    .parse()
                    .map_err(|e| format!("--utc-offset-minutes: {e}"))?
            }
            "--demo" => opts.demo = true,
            "--province" => {
                let url = value("--province")?;
                let token = opts.province.take().map(|p| p.token).unwrap_or_default();
                opts.province = Some(crate::uplink::Province { url, token });
            }
            "--province-token" => {
                let token = value("--province-token")?;
                let url = opts.province.take().map(|p| p.url).unwrap_or_default();
                opts.province = Some(crate::uplink::Province { url, token });
            }
            "--simulate" => {
                let speed: f64 = value("--simulate")?
                    .parse()
                    .map_err(|e| format!("--simulate: {e}"))?;
                if !(speed > 0.0 && speed <= MAX_SPEED) {
                    return Err(format!("--simulate takes a speed from 0 to {MAX_SPEED}"));
                }
                simulate = Some(speed);
            }
            "--sim-days" => {
                let days: u32 = value("--sim-days")?
                    .parse()
                    .map_err(|e| format!("--sim-days: {e}"))?;
                if days == 0 {
                    return Err("--sim-days takes at least 1".into());
                }
                sim_days = Some(days);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if opts
        .province
        .as_ref()
        .is_some_and(|p| p.url.is_empty() || p.token.is_empty())
    {
        return Err("--province and --province-token go together".into());
    }
    if simulate.is_some() && !opts.demo {
        return Err("--simulate needs --demo".into());
    }
    if sim_days.is_some() && simulate.is_none() {
        return Err("--sim-days needs --simulate".into());
    }
    let simulate = simulate.map(|speed| Simulate {
        speed,
        days: sim_days,
    });
    Ok((opts, simulate))
}

/// Runs the node as `hall-node ARGS…` does (the binary, and tests that need a real process).
pub async fn main(args: Vec<String>) -> ExitCode {
    let (opts, simulate) = match parse(args) {
        Ok(o) => o,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("hall-node: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let running = match start(opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hall-node: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Tests and scripts read this line to find the port.
    println!("hall-node listening on http://{}", running.addr);
    if let Ok(urls) = crate::demo_device_urls(&running.store, running.addr).await {
        for (name, url) in urls {
            println!("  {name}: {url}");
        }
    }
    if let Some(sim) = simulate {
        match crate::sim::run(&running, sim.speed, 7, sim.days).await {
            // The simulation runs on its own; a bounded one says when it is done.
            Ok(task) => drop(tokio::spawn(async move {
                if let Ok(done) = task.await {
                    println!(
                        "simulation finished: {} days, {} tickets issued",
                        done.days, done.tickets
                    );
                    let _ = std::io::Write::flush(&mut std::io::stdout());
                }
            })),
            Err(e) => eprintln!("hall-node: the simulation cannot start: {e}"),
        }
    }
    let stop = async {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
        }
    };
    stop.await;
    running.stop().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn a_bounded_simulation_needs_a_simulation() {
        let (_, sim) = parse(args("--demo --simulate 10000 --sim-days 3")).unwrap();
        assert_eq!(
            sim,
            Some(Simulate {
                speed: 10_000.0,
                days: Some(3)
            })
        );
        let (_, sim) = parse(args("--demo --simulate 60")).unwrap();
        assert_eq!(sim.unwrap().days, None);
        assert!(parse(args("--demo --sim-days 3")).is_err());
        assert!(parse(args("--demo --simulate 10 --sim-days 0")).is_err());
        assert!(parse(args("--demo --simulate 10001")).is_err());
    }
}
