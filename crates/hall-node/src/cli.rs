//! The hall node's command line: parses the arguments, starts the node (and the simulation) and runs until stopped.

use crate::{clock::CST_OFFSET_MINUTES, start, Options};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// The province's address when `--province` is not given (also what the desktop app reads).
pub const PROVINCE_URL_ENV: &str = "YYT_PROVINCE_URL";
/// The hall's upload token, when neither `--province-token-file` nor the credential has one.
pub const PROVINCE_TOKEN_ENV: &str = "YYT_PROVINCE_TOKEN";
/// The token's name among systemd's credentials (`LoadCredential=province-token:…`).
pub const PROVINCE_TOKEN_CREDENTIAL: &str = "province-token";

const USAGE: &str = "usage: hall-node [--db PATH] [--listen ADDR] [--demo] [--utc-offset-minutes N]
                 [--simulate SPEED [--sim-days N]] [--province URL [--province-token-file PATH]]
  --db PATH               the hall's SQLite database (default: hall.db)
  --listen ADDR           address to serve on (default: 127.0.0.1:7400)
  --demo                  seed the demo hall, accounts and devices into an empty database
  --utc-offset-minutes N  the hall's time zone (default: 480, China Standard Time)
  --simulate SPEED        with --demo: simulated customers and clerks, SPEED simulated seconds per second
                          (up to 10000; that fast, the simulated clerks are bound by how fast the node answers)
  --sim-days N            with --simulate: stop the simulation after N simulated days and print
                          `simulation finished: N days, T tickets issued` (the node serves on)
  --province URL          replicate everything the hall produces to the province server at URL
                          (default: $YYT_PROVINCE_URL, if set)
  --province-token-file PATH
                          the hall's upload token (printed by `province-server --add-hall`), read from PATH;
                          without it: the systemd credential province-token ($CREDENTIALS_DIRECTORY),
                          then $YYT_PROVINCE_TOKEN. Never on the command line: others can read it there";

/// The fastest simulation: a simulated day (with its last customers served) in about 7 s.
const MAX_SPEED: f64 = 10_000.0;

/// What to simulate: the speed, and how many days (`None`: until stopped).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Simulate {
    speed: f64,
    days: Option<u32>,
}

/// Parses the arguments; `env` reads the environment (the process's, or a test's).
fn parse(
    args: Vec<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(Options, Option<Simulate>), String> {
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
    let mut province_url = None;
    let mut token_file = None;
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
            "--province" => province_url = Some(value("--province")?),
            "--province-token-file" => {
                token_file = Some(PathBuf::from(value("--province-token-file")?))
            }
            "--province-token" => {
                return Err(format!(
                    "--province-token is gone: a token on the command line can be read by every \
                     local user. Put it in a file for --province-token-file PATH, in the systemd \
                     credential {PROVINCE_TOKEN_CREDENTIAL} or in ${PROVINCE_TOKEN_ENV}"
                ))
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
    opts.province = province(province_url, token_file, &env)?;
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

/// The province to replicate to: the URL from `--province` or the environment,
/// the token as `secret::resolve` finds it (file, credential, environment).
fn province(
    url: Option<String>,
    token_file: Option<PathBuf>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Option<crate::uplink::Province>, String> {
    let url = url
        .or_else(|| env(PROVINCE_URL_ENV))
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let token = crate::secret::resolve(&crate::secret::Lookup {
        file: token_file.as_deref(),
        credentials_dir: env("CREDENTIALS_DIRECTORY").map(PathBuf::from),
        credential: PROVINCE_TOKEN_CREDENTIAL,
        env: (PROVINCE_TOKEN_ENV, env(PROVINCE_TOKEN_ENV)),
    })
    .map_err(|e| format!("the province token: {e}"))?;
    match (url, token) {
        (Some(url), Some((token, _))) => Ok(Some(crate::uplink::Province { url, token })),
        (Some(url), None) => Err(format!(
            "--province {url} needs the hall's upload token: --province-token-file PATH, \
             the systemd credential {PROVINCE_TOKEN_CREDENTIAL} or ${PROVINCE_TOKEN_ENV}"
        )),
        (None, Some((_, crate::secret::Source::File(_)))) => {
            Err("--province-token-file needs --province URL".into())
        }
        (None, Some((_, source))) => {
            eprintln!(
                "hall-node: a province token is in {source} but no province is named \
                 (--province URL or ${PROVINCE_URL_ENV}): not replicating"
            );
            Ok(None)
        }
        (None, None) => Ok(None),
    }
}

/// Runs the node as `hall-node ARGS…` does (the binary, and tests that need a real process).
pub async fn main(args: Vec<String>) -> ExitCode {
    let (opts, simulate) = match parse(args, |name| std::env::var(name).ok()) {
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
    stopped().await;
    running.stop().await;
    ExitCode::SUCCESS
}

/// Waits until the node is asked to stop: Ctrl+C, or (Unix) SIGTERM from systemd.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
        }
    }
    // Windows has no SIGTERM: Ctrl+C or Ctrl+Break in the node's console.
    #[cfg(windows)]
    {
        let mut brk = tokio::signal::windows::ctrl_break().ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match brk.as_mut() { Some(b) => { b.recv().await; } None => std::future::pending::<()>().await } } => {}
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    /// An environment holding exactly `vars`.
    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn a_bounded_simulation_needs_a_simulation() {
        let parse = |a| parse(a, no_env);
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

    #[test]
    fn the_province_token_comes_from_a_file_a_credential_or_the_environment_never_an_argument() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file\n").unwrap();
        let creds = dir.path().join("credentials");
        std::fs::create_dir(&creds).unwrap();
        std::fs::write(creds.join("province-token"), "from-credential").unwrap();
        let creds = creds.display().to_string();
        let everything = [
            ("CREDENTIALS_DIRECTORY", creds.as_str()),
            ("YYT_PROVINCE_TOKEN", "from-env"),
            ("YYT_PROVINCE_URL", "http://from-env:7500"),
        ];
        let province =
            |a: &str, vars: &[(&str, &str)]| parse(args(a), env(vars)).map(|(o, _)| o.province);

        let flag = format!(
            "--province http://p:7500 --province-token-file {}",
            file.display()
        );
        let p = province(&flag, &everything).unwrap().unwrap();
        assert_eq!(
            (p.url.as_str(), p.token.as_str()),
            ("http://p:7500", "from-file")
        );
        let p = province("", &everything).unwrap().unwrap();
        assert_eq!(
            (p.url.as_str(), p.token.as_str()),
            ("http://from-env:7500", "from-credential")
        );
        let p = province(
            "--province http://p:7500",
            &[("YYT_PROVINCE_TOKEN", "from-env")],
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.token, "from-env");

        assert!(
            province("", &[]).unwrap().is_none(),
            "no province, no replication"
        );
        assert!(
            province("", &[("YYT_PROVINCE_TOKEN", "t")])
                .unwrap()
                .is_none(),
            "a token alone replicates nowhere"
        );
        let e = province("--province http://p:7500", &[]).unwrap_err();
        assert!(e.contains("needs the hall's upload token"), "{e}");
        let e = province(&format!("--province-token-file {}", file.display()), &[]).unwrap_err();
        assert!(e.contains("needs --province"), "{e}");
        let e = province("--province http://p:7500 --province-token secret", &[]).unwrap_err();
        assert!(e.contains("--province-token-file"), "{e}");
    }
}
