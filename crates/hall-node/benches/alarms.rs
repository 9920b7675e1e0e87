//! Alarm latency harness: the real hall node in-process with about a thousand simulated MQTT devices at one report a second, timing each fault to its alarm.
//!
//! The node runs as in a hall (`hall_node::start`: embedded broker, gate,
//! bridge, alarm service, SQLite journal); its devices are registered through
//! the alarm service, which issues their MQTT passwords, and `devsim` drives
//! them from a runtime of its own (threads named `devsim`), so the node's CPU
//! time is the process's minus the simulator's threads. Measured:
//! - steady state: reports per second, CPU and memory;
//! - last will: a terminal drops its socket; time to its `Offline` alarm
//!   raised (journaled and broadcast) and announced (it rings, after the
//!   settle window); the target is p99 ≤ 1 s;
//! - silence: a switch with nothing behind it stops talking; time from its
//!   last report plus the presence timeout (heartbeat × missed beats) to the
//!   raised alarm, i.e. the target "silence → alarm ≤ timeout + 1 s" as p99;
//! - a switch with 40 dependants fails (silent sockets): time to its root
//!   alarm, how many of the 41 devices' alarms ring (one is the goal), how
//!   many rang for a while, and when all 40 dependants are folded under it.
//!
//! `YYT_BENCH_QUICK=1` runs about a hundred devices and fewer samples.

use devices::{
    Alarm, AlarmChange, AlarmId, AlarmKey, Device, DeviceId, DeviceKind, Fault, Spot, Transition,
};
use hall_node::alarms::AlarmOptions;
use hall_node::devsim::{DevSim, PublishHook, SimConfig, SimDevice, SimFault, SimKind};
use ipc::devices::PresenceState;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use store::devices::Issued;
use tokio::sync::broadcast;

mod common;
use common::{all_connected, cpu_time, ms, percentile, status_kib, threads_cpu};

/// The simulator's runtime names its threads so.
const SIM_THREADS: &str = "devsim";
/// The switch that fails, and how many devices hang on it.
const FAILING: &str = "sw-root";
const DEPENDANTS: usize = 40;

/// Alarm batches a watcher missed (its receiver lagged behind the broadcast).
static LAGGED: AtomicU64 = AtomicU64::new(0);

/// The hall's size and how much is measured.
struct Shape {
    /// Switches with terminals behind them, and terminals per switch.
    switches: usize,
    per_switch: usize,
    /// Switches with nothing behind them (the silence samples).
    lone: usize,
    will_samples: usize,
    /// The steady-state window.
    window: Duration,
}

fn id(s: &str) -> DeviceId {
    DeviceId::parse(s).unwrap()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// One UPS; switches on it with terminals behind them; the failing switch
/// with exactly [`DEPENDANTS`]; lone switches.
fn plan(shape: &Shape) -> Vec<Device> {
    let mut out: Vec<Device> = Vec::new();
    let mut add = |raw: &str, kind: DeviceKind, name: String, on: Option<&str>| {
        let i = out.len() as u16;
        out.push(Device {
            id: id(raw),
            kind,
            name,
            spot: Spot {
                x: (i * 37) % 1000,
                y: (i * 91) % 1000,
            },
            counter: None,
            depends_on: on.map(id).into_iter().collect(),
        });
    };
    add("ups-1", DeviceKind::Ups, "不间断电源".into(), None);
    // (switch, its name, its terminals' id prefix, how many terminals)
    let mut switches: Vec<(String, String, String, usize)> = (0..shape.switches)
        .map(|s| {
            let (sw, name) = (format!("sw-{s:02}"), format!("交换机 {s}"));
            (sw, name, format!("T{s:02}-"), shape.per_switch)
        })
        .collect();
    switches.push((FAILING.into(), "故障交换机".into(), "R-".into(), DEPENDANTS));
    switches.extend((0..shape.lone).map(|l| {
        (
            format!("sw-lone-{l:02}"),
            format!("独立交换机 {l}"),
            "".into(),
            0,
        )
    }));
    for (sw, name, prefix, terminals) in switches {
        add(&sw, DeviceKind::Switch, name, Some("ups-1"));
        for t in 0..terminals {
            let id = format!("{prefix}{t:02}");
            add(
                &id,
                DeviceKind::Terminal,
                format!("自助终端 {id}"),
                Some(&sw),
            );
        }
    }
    out
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Each device's reports as the simulator publishes them.
#[derive(Default)]
struct Published {
    count: AtomicU64,
    last: Mutex<HashMap<DeviceId, Instant>>,
}

impl Published {
    fn last_of(&self, d: &DeviceId) -> Option<Instant> {
        self.last.lock().unwrap().get(d).copied()
    }
}

/// When an alarm of one key was raised and announced, as the broadcast told it.
#[derive(Default, Clone, Copy)]
struct Timed {
    raised: Option<Instant>,
    announced: Option<Instant>,
}

/// The next batch of alarm changes before `deadline`, and when it came; `None` when time is up.
async fn next_batch(
    rx: &mut broadcast::Receiver<Arc<Vec<AlarmChange>>>,
    deadline: tokio::time::Instant,
) -> Option<(Instant, Arc<Vec<AlarmChange>>)> {
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(batch)) => return Some((Instant::now(), batch)),
            Ok(Err(broadcast::error::RecvError::Lagged(n))) => {
                LAGGED.fetch_add(n, Ordering::Relaxed);
            }
            Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => return None,
        }
    }
}

/// Waits (at most `limit`) for the alarm of `key` to be raised and announced.
async fn raised_and_announced(
    mut rx: broadcast::Receiver<Arc<Vec<AlarmChange>>>,
    key: &AlarmKey,
    limit: Duration,
) -> Timed {
    let deadline = tokio::time::Instant::now() + limit;
    let mut t = Timed::default();
    while t.announced.is_none() {
        let Some((at, batch)) = next_batch(&mut rx, deadline).await else {
            break;
        };
        for c in batch.iter().filter(|c| c.alarm.key == *key) {
            match c.transition {
                Transition::Raised | Transition::Reopened => {
                    t.raised.get_or_insert(at);
                }
                Transition::Announced => {
                    t.announced.get_or_insert(at);
                }
                _ => {}
            }
        }
    }
    t
}

/// Waits until every device is online with no open alarm; how long that took, or what is left.
async fn quiet(running: &hall_node::Running, limit: Duration) -> Result<Duration, String> {
    let t0 = Instant::now();
    loop {
        let views = running.alarms().devices().await.unwrap();
        let away = views
            .iter()
            .filter(|v| v.presence != PresenceState::Online)
            .count();
        let open: u32 = views.iter().map(|v| v.open_alarms).sum();
        if away == 0 && open == 0 {
            return Ok(t0.elapsed());
        }
        if t0.elapsed() > limit {
            return Err(format!("{away} devices not online, {open} alarms open"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Prints how long it took to be quiet again, or why it is not.
async fn settle(running: &hall_node::Running, after: &str) {
    match quiet(running, Duration::from_secs(60)).await {
        Ok(t) => println!("  quiet again after {after} in {:.1} s", t.as_secs_f64()),
        Err(e) => println!("  NOT quiet 60 s after {after}: {e} (the next figures may be skewed)"),
    }
}

/// A row of the summary: count, p50, p99, max in ms, and the target.
fn row(name: &str, samples: &[Option<Duration>], target: &str) {
    let mut got: Vec<Duration> = samples.iter().flatten().copied().collect();
    got.sort();
    let missed = samples.len() - got.len();
    let missed = if missed > 0 {
        format!(" ({missed} never came)")
    } else {
        String::new()
    };
    println!(
        "{name:<46} {:>4} {:>9.1} {:>9.1} {:>9.1}  {target}{missed}",
        got.len(),
        ms(percentile(&got, 0.50)),
        ms(percentile(&got, 0.99)),
        ms(got.last().copied().unwrap_or_default()),
    );
}

/// What the failure of the switch with 40 dependants came to.
struct SwitchFailure {
    root_raised: Option<Duration>,
    root_announced: Option<Duration>,
    root_fault: Option<Fault>,
    /// From the switch's last report plus the timeout to its root alarm being raised.
    root_past_timeout: Option<Duration>,
    all_folded: Option<Duration>,
    /// Alarms ringing at the end of the window, and those that rang at some point.
    ringing: Vec<AlarmKey>,
    ever_rang: usize,
    alarms: usize,
    /// How long each alarm that stopped ringing (folded or cleared) rang, longest first.
    rang_for: Vec<Duration>,
}

/// Fails the switch with 40 dependants and watches its group's alarms for `window`.
async fn fail_switch(
    running: &hall_node::Running,
    sim: &DevSim,
    published: &Published,
    timeout: Duration,
    window: Duration,
) -> SwitchFailure {
    let root = id(FAILING);
    let dependants: Vec<DeviceId> = (0..DEPENDANTS).map(|t| id(&format!("R-{t:02}"))).collect();
    let group: BTreeSet<DeviceId> = dependants.iter().cloned().chain([root.clone()]).collect();
    let mut rx = running.alarms().events.subscribe();
    let t0 = Instant::now();
    sim.fault(&root, SimFault::SwitchDown).unwrap();
    let deadline = tokio::time::Instant::now() + window;
    let mut latest: BTreeMap<AlarmId, Alarm> = BTreeMap::new();
    let mut rang: BTreeSet<AlarmId> = BTreeSet::new();
    let mut ringing_since: BTreeMap<AlarmId, Instant> = BTreeMap::new();
    let mut out = SwitchFailure {
        root_raised: None,
        root_announced: None,
        root_fault: None,
        root_past_timeout: None,
        all_folded: None,
        ringing: Vec::new(),
        ever_rang: 0,
        alarms: 0,
        rang_for: Vec::new(),
    };
    let mut raised_at = None;
    while let Some((at, batch)) = next_batch(&mut rx, deadline).await {
        let of_group = batch.iter().filter(|c| {
            c.alarm
                .key
                .source
                .device()
                .is_some_and(|d| group.contains(d))
        });
        for c in of_group {
            let on_root = c.alarm.key.source.device() == Some(&root);
            match c.transition {
                Transition::Raised | Transition::Reopened
                    if on_root && out.root_raised.is_none() =>
                {
                    out.root_raised = Some(at - t0);
                    raised_at = Some(at);
                }
                Transition::Folded | Transition::Cleared => {
                    if let Some(since) = ringing_since.remove(&c.alarm.id) {
                        out.rang_for.push(at - since);
                    }
                }
                Transition::Announced => {
                    rang.insert(c.alarm.id);
                    ringing_since.insert(c.alarm.id, at);
                    if on_root && out.root_announced.is_none() {
                        out.root_announced = Some(at - t0);
                        out.root_fault = Some(c.alarm.key.fault);
                    }
                }
                _ => {}
            }
            latest.insert(c.alarm.id, c.alarm.clone());
        }
        if out.all_folded.is_none() {
            let folded = dependants.iter().all(|d| {
                let key = AlarmKey::device(d, Fault::Offline);
                latest
                    .values()
                    .any(|a| a.key == key && a.is_open() && a.root.is_some())
            });
            if folded {
                out.all_folded = Some(at - t0);
            }
        }
    }
    let last = published.last_of(&root);
    out.root_past_timeout = raised_at
        .zip(last)
        .map(|(r, l)| r.saturating_duration_since(l + timeout));
    out.ringing = latest
        .values()
        .filter(|a| a.rings())
        .map(|a| a.key.clone())
        .collect();
    out.ever_rang = rang.len();
    out.rang_for.sort_by(|a, b| b.cmp(a));
    out.alarms = latest.len();
    sim.fault(&root, SimFault::Restore).unwrap();
    out
}

fn main() {
    let quick = std::env::var("YYT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let shape = if quick {
        Shape {
            switches: 2,
            per_switch: 20,
            lone: 5,
            will_samples: 10,
            window: Duration::from_secs(5),
        }
    } else {
        Shape {
            switches: 20,
            per_switch: 48,
            lone: 30,
            will_samples: 50,
            window: Duration::from_secs(20),
        }
    };
    // The node and the simulator on runtimes of their own, so the
    // simulator's CPU time can be told apart by its threads' name.
    let node_rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("hall-node")
        .enable_all()
        .build()
        .unwrap();
    let sim_rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name(SIM_THREADS)
        .enable_all()
        .build()
        .unwrap();
    node_rt.block_on(bench(shape, sim_rt.handle().clone()));
    sim_rt.shutdown_background();
}

async fn bench(shape: Shape, sim_rt: tokio::runtime::Handle) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    // The hall and its accounts; no demo devices.
    {
        let store = store::Store::open(&db).await.unwrap();
        store.seed_demo_if_empty().await.unwrap();
        store.close().await;
    }
    let devices = AlarmOptions {
        heartbeat_ms: 1000,
        ..Default::default()
    };
    let heartbeat = Duration::from_millis(devices.heartbeat_ms as u64);
    let timeout = heartbeat * devices.missed_beats;
    let (settle_ms, tick_ms) = (devices.config.settle_ms, devices.tick_ms);
    let run_cpu0 = cpu_time();
    let run_t0 = Instant::now();
    let running = hall_node::start(hall_node::Options {
        db,
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: false,
        queue: queue::QueueConfig::demo(),
        province: None,
        devices,
        mqtt: hall_node::Broker::Embedded {
            listen: "127.0.0.1:0".parse().unwrap(),
        },
        video: Default::default(),
    })
    .await
    .unwrap();
    let broker = running.mqtt_addr.expect("the embedded broker runs");
    let hall = running.store.this_hall().await.unwrap();

    // Registered as a supervisor would: the service issues each password.
    let registering = Instant::now();
    let mut fleet = Vec::new();
    for d in plan(&shape) {
        let kind = match d.kind {
            DeviceKind::Ups => SimKind::Ups,
            DeviceKind::Switch => SimKind::Switch,
            _ => SimKind::Terminal,
        };
        let (id, depends_on) = (d.id.clone(), d.depends_on.clone());
        let Ok((_, Issued::Password(password))) = running.alarms().add(d).await else {
            panic!("{id} was not given an MQTT password");
        };
        fleet.push(SimDevice {
            id,
            kind,
            password,
            depends_on,
        });
    }
    let n = fleet.len();
    // The simulator spreads first reports over a heartbeat in the order it is
    // given; a stride through the plan spreads each switch's group over the
    // whole heartbeat, as devices switched on at random times would be.
    let stride = (7919..).find(|k| gcd(*k, n) == 1).unwrap();
    let fleet: Vec<SimDevice> = (0..n).map(|j| fleet[(j * stride) % n].clone()).collect();
    let registration = registering.elapsed();
    let rss_ready = status_kib("VmRSS:");

    let published = Arc::new(Published::default());
    let hook: PublishHook = {
        let published = published.clone();
        Arc::new(move |d: &DeviceId, _seq: u64| {
            published.count.fetch_add(1, Ordering::Relaxed);
            let now = Instant::now();
            let mut last = published.last.lock().unwrap();
            match last.get_mut(d) {
                Some(at) => *at = now,
                None => {
                    last.insert(d.clone(), now);
                }
            }
        })
    };
    let mut cfg = SimConfig::new(hall.code.as_str(), &broker.ip().to_string(), broker.port());
    cfg.heartbeat = heartbeat;
    // Longer than the presence timeout: a silent device is found by its silence, not the broker.
    cfg.keep_alive = Duration::from_secs(30);
    cfg.on_publish = Some(hook);
    let sim = {
        let _in = sim_rt.enter();
        Arc::new(DevSim::start(cfg, fleet))
    };
    let connect_time = all_connected(&sim, n, Duration::from_secs(120)).await;
    println!(
        "hall node with {n} MQTT devices (registered in {:.1} s, connected in {:.1} s); heartbeat {} ms, presence timeout {} ms, settle {settle_ms} ms, tick {tick_ms} ms",
        registration.as_secs_f64(),
        connect_time.as_secs_f64(),
        heartbeat.as_millis(),
        timeout.as_millis(),
    );
    // Registration outpaces the first reports: alarms raised then clear first.
    settle(&running, "start").await;

    // Steady state.
    let (cpu0, sim0, msgs0, t0) = (
        cpu_time(),
        threads_cpu(SIM_THREADS),
        published.count.load(Ordering::Relaxed),
        Instant::now(),
    );
    tokio::time::sleep(shape.window).await;
    let wall = t0.elapsed();
    let cpu = cpu_time() - cpu0;
    let sim_cpu = threads_cpu(SIM_THREADS).saturating_sub(sim0);
    let msgs = published.count.load(Ordering::Relaxed) - msgs0;
    let fresh = now_ms() - 2 * heartbeat.as_millis() as i64;
    let heard = running
        .alarms()
        .devices()
        .await
        .unwrap()
        .iter()
        .filter(|v| v.last_heard.is_some_and(|h| h >= fresh))
        .count();

    // Last wills: terminals drop their sockets one after another, on different switches.
    println!("last will: {} terminals, 250 ms apart", shape.will_samples);
    let mut tasks = Vec::new();
    for i in 0..shape.will_samples {
        let dev = id(&format!(
            "T{:02}-{:02}",
            i % shape.switches,
            (i / shape.switches) % shape.per_switch
        ));
        let rx = running.alarms().events.subscribe();
        let sim = sim.clone();
        tasks.push(tokio::spawn(async move {
            let key = AlarmKey::device(&dev, Fault::Offline);
            let t0 = Instant::now();
            sim.fault(&dev, SimFault::Offline).unwrap();
            let t = raised_and_announced(rx, &key, Duration::from_secs(10)).await;
            sim.fault(&dev, SimFault::Restore).unwrap();
            (t0, t)
        }));
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut will_raised = Vec::new();
    let mut will_announced = Vec::new();
    for task in tasks {
        let (t0, t) = task.await.unwrap();
        will_raised.push(t.raised.map(|r| r - t0));
        will_announced.push(t.announced.map(|a| a - t0));
    }
    settle(&running, "the last wills").await;

    // Silence: lone switches stop talking one after another.
    println!("silence: {} lone switches, 500 ms apart", shape.lone);
    let mut tasks = Vec::new();
    for l in 0..shape.lone {
        let dev = id(&format!("sw-lone-{l:02}"));
        let rx = running.alarms().events.subscribe();
        let (sim, published) = (sim.clone(), published.clone());
        tasks.push(tokio::spawn(async move {
            let key = AlarmKey::device(&dev, Fault::Offline);
            let t0 = Instant::now();
            sim.fault(&dev, SimFault::SwitchDown).unwrap();
            let t = raised_and_announced(rx, &key, timeout + Duration::from_secs(10)).await;
            let last = published.last_of(&dev);
            sim.fault(&dev, SimFault::Restore).unwrap();
            (t0, last, t)
        }));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut silence_past = Vec::new();
    let mut silence_fault = Vec::new();
    let mut silence_announced_past = Vec::new();
    for task in tasks {
        let (t0, last, t) = task.await.unwrap();
        let due = last.map(|l| l + timeout);
        silence_past.push(
            t.raised
                .zip(due)
                .map(|(r, d)| r.saturating_duration_since(d)),
        );
        silence_announced_past.push(
            t.announced
                .zip(due)
                .map(|(a, d)| a.saturating_duration_since(d)),
        );
        silence_fault.push(t.raised.map(|r| r - t0));
    }
    settle(&running, "the silences").await;

    // The switch with 40 dependants fails.
    println!("switch failure: {FAILING} with {DEPENDANTS} dependants");
    let failure = fail_switch(
        &running,
        &sim,
        &published,
        timeout,
        timeout + Duration::from_secs(5),
    )
    .await;
    settle(&running, "the switch failure").await;

    let run_wall = run_t0.elapsed();
    let run_cpu = cpu_time() - run_cpu0;
    let run_sim = threads_cpu(SIM_THREADS);
    let run_msgs = published.count.load(Ordering::Relaxed);

    let pct = |cpu: Duration, wall: Duration| 100.0 * cpu.as_secs_f64() / wall.as_secs_f64();
    println!();
    println!(
        "== alarm latency ({n} devices, heartbeat {} ms, timeout {} ms) ==",
        heartbeat.as_millis(),
        timeout.as_millis()
    );
    println!(
        "{:<46} {:>4} {:>9} {:>9} {:>9}  target",
        "measure (ms)", "n", "p50", "p99", "max"
    );
    row("last will → Offline raised", &will_raised, "");
    row(
        "last will → Offline announced (rings)",
        &will_announced,
        "p99 ≤ 1000",
    );
    row(
        "silence → raised, past last report + timeout",
        &silence_past,
        "p99 ≤ 1000",
    );
    row(
        "silence → announced, past report + timeout",
        &silence_announced_past,
        "",
    );
    row(
        "silence: fault → raised (phase-dependent)",
        &silence_fault,
        &format!("≤ {}", (timeout + Duration::from_secs(1)).as_millis()),
    );
    let opt = |d: Option<Duration>| d.map_or("never".to_owned(), |d| format!("{:.1} ms", ms(d)));
    println!("switch with {DEPENDANTS} dependants fails (SwitchDown, silent sockets):");
    println!(
        "  root alarm ({}) raised {} / announced {} after the fault; raised {} past the switch's last report + timeout",
        failure.root_fault.map_or("none announced".to_owned(), |f| format!("{f:?}")),
        opt(failure.root_raised),
        opt(failure.root_announced),
        opt(failure.root_past_timeout),
    );
    println!(
        "  all {DEPENDANTS} dependants folded under it {} after the fault",
        opt(failure.all_folded)
    );
    println!(
        "  ringing at the end: {} ({}) — {} of the group's {} alarms rang at some point",
        failure.ringing.len(),
        failure
            .ringing
            .iter()
            .map(|k| format!("{:?} {:?}", k.source.device().map(|d| d.as_str()), k.fault))
            .collect::<Vec<_>>()
            .join(", "),
        failure.ever_rang,
        failure.alarms,
    );
    println!(
        "  {} rang and stopped (folded under the root, or cleared): for {} ms",
        failure.rang_for.len(),
        failure
            .rang_for
            .iter()
            .map(|d| format!("{:.0}", ms(*d)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  exactly one alarm rings at the end: {}",
        if failure.ringing.len() == 1 {
            "yes"
        } else {
            "NO"
        }
    );
    println!("== resources ==");
    println!(
        "steady {:.1} s: {:.0} reports/s published (offered {:.0}/s), {heard} of {n} devices heard within 2 heartbeats",
        wall.as_secs_f64(),
        msgs as f64 / wall.as_secs_f64(),
        n as f64 / heartbeat.as_secs_f64(),
    );
    println!(
        "steady CPU: hall node {:.2} s = {:.1}% of one core; simulator {:.2} s = {:.1}%",
        (cpu.saturating_sub(sim_cpu)).as_secs_f64(),
        pct(cpu.saturating_sub(sim_cpu), wall),
        sim_cpu.as_secs_f64(),
        pct(sim_cpu, wall),
    );
    println!(
        "whole run {:.1} s, {run_msgs} reports ({:.0}/s): CPU hall node {:.2} s = {:.1}%; simulator {:.2} s = {:.1}%",
        run_wall.as_secs_f64(),
        run_msgs as f64 / run_wall.as_secs_f64(),
        run_cpu.saturating_sub(run_sim).as_secs_f64(),
        pct(run_cpu.saturating_sub(run_sim), run_wall),
        run_sim.as_secs_f64(),
        pct(run_sim, run_wall),
    );
    println!(
        "memory: RSS {:.1} MiB with the node up and devices registered (before the simulator); peak {:.1} MiB for node + simulator (VmHWM)",
        rss_ready as f64 / 1024.0,
        status_kib("VmHWM:") as f64 / 1024.0,
    );
    println!(
        "watchers missed {} alarm batches (lagged)",
        LAGGED.load(Ordering::Relaxed)
    );
    sim.stop();
    running.stop().await;
}
