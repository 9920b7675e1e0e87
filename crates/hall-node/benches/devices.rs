//! Device telemetry harness: simulated devices at one report a second through the embedded broker, its gate and the bridge.
//!
//! Reports the messages per second the bridge hands on, the latency from a
//! device publishing a report to its `Heard` (p50/p99), and the process's CPU
//! time and peak memory (simulator, broker, gate and bridge all run in this
//! one process, so the figures are an upper bound for the hall node alone).
//! `YYT_BENCH_QUICK=1` runs 100 devices for 5 s instead of 1,000 for 30 s.

use devices::telemetry::Message;
use devices::DeviceId;
use hall_node::clock::Clock;
use hall_node::devsim::{DevSim, PublishHook, SimConfig, SimDevice, SimKind};
use hall_node::mqtt::{Bridge, BridgeConfig, CredentialCheck, Embedded, EmbeddedConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{all_connected, cpu_time, percentile, status_kib};

const HALL: &str = "H0101";

#[tokio::main]
async fn main() {
    let quick = std::env::var("YYT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let (n, run) = if quick {
        (100usize, Duration::from_secs(5))
    } else {
        (1_000, Duration::from_secs(30))
    };
    let heartbeat = Duration::from_secs(1);

    // Terminals behind ten switches, all on one UPS: the hall's shape, scaled.
    let mut fleet = vec![SimDevice {
        id: DeviceId::parse("ups-1").unwrap(),
        kind: SimKind::Ups,
        password: "bench-ups-1".into(),
        depends_on: vec![],
    }];
    for s in 0..10 {
        fleet.push(SimDevice {
            id: DeviceId::parse(&format!("sw-{s}")).unwrap(),
            kind: SimKind::Switch,
            password: format!("bench-sw-{s}"),
            depends_on: vec![DeviceId::parse("ups-1").unwrap()],
        });
    }
    let mut t = 0;
    while fleet.len() < n {
        fleet.push(SimDevice {
            id: DeviceId::parse(&format!("T{t:04}")).unwrap(),
            kind: SimKind::Terminal,
            password: format!("bench-T{t:04}"),
            depends_on: vec![DeviceId::parse(&format!("sw-{}", t % 10)).unwrap()],
        });
        t += 1;
    }
    // The credential check: a map lookup here (the hall node's real check
    // is the registry's; its cost is paid once per connection, not per message).
    let creds: Arc<HashMap<String, String>> = Arc::new(
        fleet
            .iter()
            .map(|d| (d.id.to_string(), d.password.clone()))
            .collect(),
    );
    let check: CredentialCheck = {
        let creds = creds.clone();
        Arc::new(move |client: String, user: String, pass: String| {
            let ok = client == user && creds.get(&user).is_some_and(|p| *p == pass);
            Box::pin(async move { ok.then(|| DeviceId::parse(&user).ok()).flatten() })
        })
    };
    let broker = Embedded::start(
        EmbeddedConfig {
            hall: HALL.into(),
            listen: "127.0.0.1:0".parse().unwrap(),
            max_connections: n + 100,
        },
        check,
    )
    .await
    .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(16 * 1024);
    let bridge = Bridge::start(
        BridgeConfig::new(HALL, broker.bridge_endpoint()),
        Arc::new(|_: &DeviceId| true),
        tx,
        Clock::default(),
    );
    assert!(bridge.wait_subscribed(Duration::from_secs(10)).await);

    let sent: Arc<Mutex<HashMap<(DeviceId, u64), Instant>>> = Arc::default();
    let hook: PublishHook = {
        let sent = sent.clone();
        Arc::new(move |d: &DeviceId, seq: u64| {
            sent.lock()
                .unwrap()
                .insert((d.clone(), seq), Instant::now());
        })
    };
    let mut cfg = SimConfig::new(HALL, "127.0.0.1", broker.addr.port());
    cfg.heartbeat = heartbeat;
    cfg.keep_alive = Duration::from_secs(30);
    cfg.on_publish = Some(hook);
    let sim = DevSim::start(cfg, fleet);
    let connect_time = all_connected(&sim, n, Duration::from_secs(60)).await;
    // One heartbeat to settle (every device's first report is out).
    let settle = tokio::time::Instant::now() + heartbeat;
    while tokio::time::timeout_at(settle, rx.recv()).await.is_ok() {}

    let cpu0 = cpu_time();
    let t0 = Instant::now();
    let mut latencies = Vec::with_capacity(n * run.as_secs() as usize + n);
    let mut statuses = 0u64;
    let deadline = tokio::time::Instant::now() + run;
    while let Ok(Some(h)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        match h.message {
            Message::Report(r) => {
                if let Some(at) = sent.lock().unwrap().remove(&(h.device, r.seq)) {
                    latencies.push(at.elapsed());
                }
            }
            Message::Status(_) | Message::Reply(_) => statuses += 1,
        }
    }
    let wall = t0.elapsed();
    let cpu = cpu_time() - cpu0;
    latencies.sort();
    let got = latencies.len();
    let stats = bridge.stats();
    println!(
        "devices: {n} ({} connected in {:.2} s), heartbeat {heartbeat:?}, run {:.1} s",
        sim.connected(),
        connect_time.as_secs_f64(),
        wall.as_secs_f64()
    );
    println!(
        "bridge: {got} reports heard ({:.0} msg/s; offered {:.0}/s), {statuses} status messages",
        got as f64 / wall.as_secs_f64(),
        n as f64 / heartbeat.as_secs_f64()
    );
    println!(
        "latency publish → Heard: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    println!(
        "process (simulator + broker + gate + bridge): CPU {:.2} s in {:.1} s = {:.0}% of one core; peak RSS {:.1} MiB (VmHWM)",
        cpu.as_secs_f64(),
        wall.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / wall.as_secs_f64(),
        status_kib("VmHWM:") as f64 / 1024.0
    );
    println!(
        "drops: malformed {}, oversized {}, unknown topic {}, unknown device {}, channel full {}",
        stats.malformed, stats.oversized, stats.unknown_topic, stats.unknown_device, stats.full
    );
    sim.stop();
    bridge.stop();
    broker.stop();
}
