//! The hall node's command line: parses the arguments, starts the node (and the simulation) and runs until stopped.

use crate::{clock::CST_OFFSET_MINUTES, start, Options};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// The province's address when `--province` is not given (also what the desktop app reads).
pub const PROVINCE_URL_ENV: &str = "YYT_PROVINCE_URL";
/// The hall's upload token, when neither `--province-token-file` nor the credential has one.
pub const PROVINCE_TOKEN_ENV: &str = "YYT_PROVINCE_TOKEN";
/// The token's name among systemd's credentials (`LoadCredential=province-token:…`).
pub const PROVINCE_TOKEN_CREDENTIAL: &str = "province-token";

/// The fastest simulation: a simulated day (with its last customers served) in about 7 s.
const MAX_SPEED: f64 = 10_000.0;

/// 启动营业厅节点 / start the hall node
#[derive(Debug, Parser)]
#[command(name = "hall-node", version)]
struct Args {
    /// 营业厅的 SQLite 数据库 / the hall's SQLite database
    #[arg(long, value_name = "PATH", default_value = "hall.db")]
    db: PathBuf,
    /// 监听地址 / address to serve on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7400")]
    listen: SocketAddr,
    /// 向空数据库写入演示营业厅、账号和设备 / seed the demo hall, accounts and devices into an empty database
    #[arg(long)]
    demo: bool,
    /// 营业厅所在时区（默认 480，北京时间）/ the hall's time zone (default: 480, China Standard Time)
    #[arg(long, value_name = "N", default_value_t = CST_OFFSET_MINUTES, allow_negative_numbers = true)]
    utc_offset_minutes: i32,
    /// 配合 --demo：模拟顾客和柜员，每秒 SPEED 个模拟秒（最多 10000）/ with --demo: simulated
    /// customers and clerks, SPEED simulated seconds per second (up to 10000; that fast, the
    /// simulated clerks are bound by how fast the node answers)
    #[arg(long, value_name = "SPEED", value_parser = speed)]
    simulate: Option<f64>,
    /// 配合 --simulate：模拟 N 天后停止并输出结果（节点继续服务）/ with --simulate: stop the
    /// simulation after N simulated days and print `simulation finished: N days, T tickets issued`
    /// (the node serves on)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    sim_days: Option<u32>,
    /// 把营业厅产生的数据同步到省级服务器 URL（默认 $YYT_PROVINCE_URL）/ replicate everything the
    /// hall produces to the province server at URL (default: $YYT_PROVINCE_URL, if set)
    #[arg(long, value_name = "URL")]
    province: Option<String>,
    /// 从文件读取营业厅上传凭证（`province-server --add-hall` 输出）；否则依次读取 systemd 凭据
    /// province-token、$YYT_PROVINCE_TOKEN，绝不放在命令行上 / the hall's upload token (printed by
    /// `province-server --add-hall`), read from PATH; without it: the systemd credential
    /// province-token ($CREDENTIALS_DIRECTORY), then $YYT_PROVINCE_TOKEN. Never on the command
    /// line: others can read it there
    #[arg(long, value_name = "PATH")]
    province_token_file: Option<PathBuf>,
    /// Refused: a token on the command line can be read by every local user.
    #[arg(long, hide = true, value_name = "TOKEN", num_args = 0..=1)]
    province_token: Option<Option<String>>,
    /// MQTT 设备的心跳间隔（秒，默认 10）；连续 3 次未收到即判离线 / how often MQTT devices report,
    /// in seconds (default 10); silent for 3 intervals, a device is offline
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=3600))]
    heartbeat_secs: u32,
    /// 设备 MQTT 接入地址（内置代理；off 为不接入） / where MQTT devices connect to the embedded broker (`off`: none)
    #[arg(long, value_name = "ADDR|off", default_value = "127.0.0.1:1883", value_parser = mqtt_listen)]
    mqtt: MqttAt,
    /// 录像存放目录（默认：数据库旁的 video/） / where footage is kept (default: video/ beside the database)
    #[arg(long, value_name = "PATH")]
    video_dir: Option<PathBuf>,
    /// 录像保留天数（默认 30） / days footage is kept (default 30)
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    video_keep_days: u32,
    /// 录像总量上限（GiB，默认 200） / the most footage kept, in GiB (default 200)
    #[arg(long, value_name = "GIB", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    video_quota_gib: u64,
    /// 录像所用的 ffmpeg（默认在 PATH 中查找） / the ffmpeg to record with (default: found on PATH)
    #[arg(long, value_name = "PATH", default_value = "ffmpeg")]
    ffmpeg: PathBuf,
    /// 演示厅摄像机的测试视频源（配合 --demo，如 rtsp://127.0.0.1:7554，由 yyt-testcam 提供；默认 off） /
    /// where a demo hall's cameras stream from (with --demo, e.g. rtsp://127.0.0.1:7554 served by yyt-testcam; default off)
    #[arg(long, value_name = "URL|off", default_value = "off")]
    demo_cameras: String,
}

fn speed(raw: &str) -> Result<f64, String> {
    let speed: f64 = raw.parse().map_err(|e| format!("{e}"))?;
    if speed > 0.0 && speed <= MAX_SPEED {
        Ok(speed)
    } else {
        Err(format!("a speed from 0 to {MAX_SPEED}"))
    }
}

/// What to simulate: the speed, and how many days (`None`: until stopped).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Simulate {
    speed: f64,
    days: Option<u32>,
}

/// Why the arguments do not start a node: a mistake (exit 2) or a request for help (exit 0).
#[derive(Debug)]
enum Stop {
    Wrong(String),
    Help(String),
}

impl Stop {
    /// What to print.
    #[cfg(test)]
    fn text(self) -> String {
        match self {
            Stop::Wrong(text) | Stop::Help(text) => text,
        }
    }
}

impl From<String> for Stop {
    fn from(msg: String) -> Self {
        Stop::Wrong(msg)
    }
}

impl From<&str> for Stop {
    fn from(msg: &str) -> Self {
        Stop::Wrong(msg.to_owned())
    }
}

/// Parses the arguments; `env` reads the environment (the process's, or a test's).
fn parse(
    args: Vec<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(Options, Option<Simulate>), Stop> {
    let args = match Args::try_parse_from(std::iter::once("hall-node".to_owned()).chain(args)) {
        Ok(a) => a,
        Err(e) => {
            use clap::error::ErrorKind;
            let text = e.render().to_string();
            return Err(match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Stop::Help(text),
                _ => Stop::Wrong(text),
            });
        }
    };
    if args.province_token.is_some() {
        return Err(format!(
            "--province-token is gone: a token on the command line can be read by every \
             local user. Put it in a file for --province-token-file PATH, in the systemd \
             credential {PROVINCE_TOKEN_CREDENTIAL} or in ${PROVINCE_TOKEN_ENV}"
        )
        .into());
    }
    let opts = Options {
        db: args.db,
        listen: args.listen,
        utc_offset_minutes: args.utc_offset_minutes,
        demo: args.demo,
        queue: queue::QueueConfig::demo(),
        province: province(args.province, args.province_token_file, &env)?,
        devices: crate::alarms::AlarmOptions {
            heartbeat_ms: i64::from(args.heartbeat_secs) * 1000,
            ..Default::default()
        },
        mqtt: match args.mqtt.0 {
            Some(listen) => crate::Broker::Embedded { listen },
            None => crate::Broker::Off,
        },
        video: crate::video::VideoOptions {
            dir: args.video_dir,
            ffmpeg: args.ffmpeg,
            retention: devices::video::Retention {
                keep_days: args.video_keep_days,
                quota_bytes: args.video_quota_gib.saturating_mul(1 << 30),
            },
            demo_cameras: Some(args.demo_cameras).filter(|u| u != "off"),
            ..Default::default()
        },
    };
    if args.simulate.is_some() && !opts.demo {
        return Err("--simulate needs --demo".into());
    }
    if args.sim_days.is_some() && args.simulate.is_none() {
        return Err("--sim-days needs --simulate".into());
    }
    let simulate = args.simulate.map(|speed| Simulate {
        speed,
        days: args.sim_days,
    });
    Ok((opts, simulate))
}

/// Where the embedded broker listens (`None`: no broker).
#[derive(Debug, Clone)]
struct MqttAt(Option<std::net::SocketAddr>);

/// `--mqtt`: an address, or `off`.
fn mqtt_listen(raw: &str) -> Result<MqttAt, String> {
    if raw.eq_ignore_ascii_case("off") {
        return Ok(MqttAt(None));
    }
    raw.parse()
        .map(|a| MqttAt(Some(a)))
        .map_err(|_| format!("{raw:?}: 应为 地址:端口 或 off / an ADDR:PORT or off"))
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
            tracing::warn!(
                %source,
                "a province token is found but no province is named \
                 (--province URL or ${PROVINCE_URL_ENV}): not replicating"
            );
            Ok(None)
        }
        (None, None) => Ok(None),
    }
}

/// Runs the node as `hall-node ARGS…` does (the binary, and tests that need a real process).
pub async fn main(args: Vec<String>) -> ExitCode {
    logging::init("hall-node");
    let (opts, simulate) = match parse(args, |name| std::env::var(name).ok()) {
        Ok(o) => o,
        Err(Stop::Help(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(Stop::Wrong(msg)) => {
            // The usage answer, not a log line: for the person who typed the command.
            eprintln!(
                "hall-node: {}\nhall-node --help: 用法 / usage",
                msg.trim_end()
            );
            return ExitCode::from(2);
        }
    };
    let running = match start(opts).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "the hall node cannot start");
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
    // The demo's MQTT devices (client id = username = the id), for the device simulator.
    if let Ok(creds) = crate::demo_mqtt_credentials(&running.store).await {
        for (id, password) in creds {
            println!("  mqtt {id}: {password}");
        }
    }
    if let Some(at) = running.mqtt_addr {
        println!("  mqtt broker: {at}");
    }
    // A simulated hall has its terminals, switch and UPS talking MQTT too.
    let _devices = match simulate.is_some() {
        true => crate::devsim::run_demo(&running).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "the simulated devices cannot start");
            None
        }),
        false => None,
    };
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
            Err(e) => tracing::error!(error = %e, "the simulation cannot start"),
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
    fn help_is_in_chinese_and_english_and_a_token_argument_is_refused() {
        let Err(Stop::Help(text)) = parse(args("--help"), no_env) else {
            panic!("--help answers with help");
        };
        assert!(
            text.contains("启动营业厅节点 / start the hall node"),
            "{text}"
        );
        assert!(text.contains("the hall's SQLite database") && text.contains("监听地址"));
        assert!(
            !text.contains("<TOKEN>"),
            "the refused flag is not offered: {text}"
        );
        for refused in ["--province-token", "--province-token secret"] {
            let e = parse(args(refused), no_env)
                .map_err(Stop::text)
                .unwrap_err();
            assert!(e.contains("--province-token-file"), "{refused}: {e}");
        }
        let (o, _) = parse(
            args("--utc-offset-minutes -300 --listen 0.0.0.0:80"),
            no_env,
        )
        .map_err(Stop::text)
        .unwrap();
        assert_eq!((o.utc_offset_minutes, o.listen.port()), (-300, 80));
        assert!(parse(args("--listen nowhere"), no_env).is_err());
        assert!(parse(args("--bogus"), no_env).is_err());
    }

    #[test]
    fn a_bounded_simulation_needs_a_simulation() {
        let parse = |a| parse(a, no_env).map_err(Stop::text);
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
        let province = |a: &str, vars: &[(&str, &str)]| {
            parse(args(a), env(vars))
                .map(|(o, _)| o.province)
                .map_err(Stop::text)
        };

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
