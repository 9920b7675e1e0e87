//! The device simulator: self-service terminals, a switch and a UPS talking MQTT to the hall's broker like real devices, with faults on command.
//!
//! Each device is one tokio task with its own rumqttc client and credential:
//! it announces `online` (retained) on connect, leaves `offline` as its last
//! will, subscribes to its own `cmd` and publishes a [`Report`] every
//! heartbeat. A terminal's paper drains with each receipt, its cash box fills
//! with each cash payment, its card reader and temperature are reported;
//! a switch reports its uplink; a UPS reports whether it runs on battery and
//! the minutes left. Faults, for tests and the demo:
//! - paper out, printer jam (a terminal), refilled or cleared by `Restore`;
//! - offline: the device drops its socket (no DISCONNECT, so its will fires);
//! - switch down: the switch and everything behind it fall silent (sockets
//!   left open, nothing sent, so the broker times them out as a real cut
//!   cable would);
//! - power cut: the UPS runs on battery with its minutes falling, and when
//!   they run out it and everything behind it fall silent;
//! - deaf: the device stays connected but never answers a command.
//!
//! Commands on `cmd` are carried out and answered on `reply` as a real
//! device would: a terminal goes out of service (or back) and says so in its
//! reports; a UPS power-cycles a device it feeds (that device drops off for a
//! few seconds); an action the device does not take is refused with a reason.
//!
//! A thousand devices run in one process for the benchmark.

use crate::error::HallError;
use devices::command::{Action, Order, Outcome, Reply};
use devices::telemetry::{topic, Busy, Leaf, Metrics, Reader, Report, Status};
use devices::DeviceId;
use rumqttc::{AsyncClient, Event, LastWill, MqttOptions, Packet, QoS};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

/// What a simulated device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimKind {
    Terminal,
    Switch,
    Ups,
}

/// One simulated device.
#[derive(Debug, Clone)]
pub struct SimDevice {
    pub id: DeviceId,
    pub kind: SimKind,
    pub password: String,
    /// What it hangs on (its switch, its UPS), as in the registry.
    pub depends_on: Vec<DeviceId>,
}

/// A fault to put on a device, or take off it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimFault {
    /// A terminal's receipt paper runs out.
    PaperOut,
    /// A terminal's printer jams.
    Jam,
    /// The device drops its connection.
    Offline,
    /// A switch fails: it and its dependants go silent.
    SwitchDown,
    /// Mains lost at a UPS: on battery, then silence behind it.
    PowerCut,
    /// The device stays connected but never answers a command.
    Deaf,
    /// Takes every fault of this device off (paper refilled, jam cleared,
    /// back online, switch up, mains back).
    Restore,
}

/// Called with each report a device publishes (device, seq), for latency measurements.
pub type PublishHook = Arc<dyn Fn(&DeviceId, u64) + Send + Sync>;

/// Where and how fast the simulated devices talk.
#[derive(Clone)]
pub struct SimConfig {
    pub hall: String,
    pub host: String,
    pub port: u16,
    /// One report per heartbeat (10 s in a real hall).
    pub heartbeat: Duration,
    pub keep_alive: Duration,
    /// Battery minutes a UPS loses per heartbeat on battery.
    pub battery_min_per_beat: f32,
    pub seed: u64,
    pub on_publish: Option<PublishHook>,
}

impl SimConfig {
    pub fn new(hall: &str, host: &str, port: u16) -> Self {
        Self {
            hall: hall.to_owned(),
            host: host.to_owned(),
            port,
            heartbeat: Duration::from_secs(10),
            keep_alive: Duration::from_secs(30),
            battery_min_per_beat: 10.0 / 60.0,
            seed: 0x5eed,
            on_publish: None,
        }
    }
}

/// A device's switches, set by faults.
#[derive(Debug, Clone, Default, PartialEq)]
struct Ctl {
    paper_out: bool,
    jam: bool,
    offline: bool,
    /// A UPS without mains.
    mains_lost: bool,
    /// Commands are received and never answered.
    deaf: bool,
    /// Who silences this device (a switch down, a UPS out of battery).
    silenced_by: BTreeSet<DeviceId>,
}

impl Ctl {
    fn up(&self) -> bool {
        !self.offline && self.silenced_by.is_empty()
    }
}

struct Shared {
    ctl: HashMap<DeviceId, watch::Sender<Ctl>>,
    /// Everything that hangs on a device, directly or not.
    behind: HashMap<DeviceId, Vec<DeviceId>>,
    kinds: HashMap<DeviceId, SimKind>,
    connected: AtomicUsize,
}

impl Shared {
    fn set(&self, id: &DeviceId, f: impl FnOnce(&mut Ctl)) {
        if let Some(tx) = self.ctl.get(id) {
            tx.send_modify(f);
        }
    }

    /// Silences `root` and everything behind it (or lifts that silence).
    fn silence(&self, root: &DeviceId, on: bool) {
        let all = std::iter::once(root).chain(self.behind.get(root).into_iter().flatten());
        for d in all {
            self.set(d, |c| {
                if on {
                    c.silenced_by.insert(root.clone());
                } else {
                    c.silenced_by.remove(root);
                }
            });
        }
    }
}

/// The running simulator.
pub struct DevSim {
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl DevSim {
    /// Starts one task per device; each connects at once (reports start
    /// within one heartbeat, spread so they do not all arrive together).
    pub fn start(cfg: SimConfig, devices: Vec<SimDevice>) -> DevSim {
        let mut behind: HashMap<DeviceId, Vec<DeviceId>> = HashMap::new();
        for d in &devices {
            let mut stack = d.depends_on.clone();
            let mut seen = BTreeSet::new();
            while let Some(up) = stack.pop() {
                if !seen.insert(up.clone()) {
                    continue;
                }
                behind.entry(up.clone()).or_default().push(d.id.clone());
                if let Some(u) = devices.iter().find(|x| x.id == up) {
                    stack.extend(u.depends_on.iter().cloned());
                }
            }
        }
        let mut ctl = HashMap::new();
        let mut receivers = Vec::new();
        for d in &devices {
            let (tx, rx) = watch::channel(Ctl::default());
            ctl.insert(d.id.clone(), tx);
            receivers.push(rx);
        }
        let shared = Arc::new(Shared {
            ctl,
            behind,
            kinds: devices.iter().map(|d| (d.id.clone(), d.kind)).collect(),
            connected: AtomicUsize::new(0),
        });
        let n = devices.len().max(1) as u64;
        let tasks = devices
            .into_iter()
            .zip(receivers)
            .enumerate()
            .map(|(i, (d, rx))| {
                let phase = cfg.heartbeat.mul_f64(i as f64 / n as f64);
                let seed = cfg.seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                tokio::spawn(run(cfg.clone(), d, rx, shared.clone(), phase, seed))
            })
            .collect();
        DevSim { shared, tasks }
    }

    /// Puts a fault on a device (or takes its faults off with `Restore`).
    pub fn fault(&self, id: &DeviceId, fault: SimFault) -> Result<(), HallError> {
        let kind = *self.shared.kinds.get(id).ok_or(HallError::Unavailable)?;
        let s = &self.shared;
        match (fault, kind) {
            (SimFault::PaperOut, SimKind::Terminal) => s.set(id, |c| c.paper_out = true),
            (SimFault::Jam, SimKind::Terminal) => s.set(id, |c| c.jam = true),
            (SimFault::Offline, _) => s.set(id, |c| c.offline = true),
            (SimFault::SwitchDown, SimKind::Switch) => s.silence(id, true),
            (SimFault::PowerCut, SimKind::Ups) => s.set(id, |c| c.mains_lost = true),
            (SimFault::Deaf, _) => s.set(id, |c| c.deaf = true),
            (SimFault::Restore, _) => {
                s.set(id, |c| {
                    c.paper_out = false;
                    c.jam = false;
                    c.offline = false;
                    c.mains_lost = false;
                    c.deaf = false;
                });
                if kind != SimKind::Terminal {
                    s.silence(id, false);
                }
            }
            _ => return Err(HallError::Unavailable),
        }
        Ok(())
    }

    /// Devices connected to the broker now.
    pub fn connected(&self) -> usize {
        self.shared.connected.load(Ordering::Relaxed)
    }

    pub fn stop(&self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Drop for DevSim {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A small deterministic generator (no shared state between devices).
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// What a device measures, between reports.
struct State {
    seq: u64,
    paper: f32,
    cash: f32,
    temperature: f32,
    battery: f32,
    /// Paper was out at the last beat (a refill follows when that fault is taken off).
    was_out: bool,
    /// A terminal taken out of service by a command.
    out_of_service: bool,
}

const BATTERY_FULL_MIN: f32 = 30.0;
/// Paper used per receipt, per cent of a roll.
const PAPER_PER_RECEIPT: f32 = 0.4;
/// Cash box filled per cash payment, per cent.
const CASH_PER_PAYMENT: f32 = 0.3;

impl State {
    fn new(rng: &mut Rng) -> Self {
        Self {
            seq: 0,
            paper: 60.0 + 40.0 * rng.unit(),
            cash: 10.0 + 30.0 * rng.unit(),
            temperature: 27.0 + 4.0 * rng.unit(),
            battery: BATTERY_FULL_MIN,
            was_out: false,
            out_of_service: false,
        }
    }

    /// One heartbeat: what happened since the last, and the report.
    fn beat(&mut self, kind: SimKind, ctl: &Ctl, cfg: &SimConfig, rng: &mut Rng) -> Report {
        self.seq += 1;
        let mut m = Metrics::default();
        let mut busy = None;
        match kind {
            SimKind::Terminal => {
                // About one customer every few heartbeats (none while out of
                // service); most want a receipt.
                if !self.out_of_service && rng.unit() < 0.3 {
                    busy = Some(Busy::Payment);
                    if !ctl.jam {
                        self.paper = (self.paper - PAPER_PER_RECEIPT).max(0.0);
                    }
                    if rng.unit() < 0.4 {
                        self.cash = (self.cash + CASH_PER_PAYMENT).min(100.0);
                    }
                }
                if ctl.paper_out {
                    self.paper = 0.0;
                } else if self.was_out {
                    // The paper-out was taken off: a new roll.
                    self.paper = 100.0;
                }
                self.was_out = ctl.paper_out;
                self.temperature = (self.temperature + (rng.unit() - 0.5) * 0.4).clamp(20.0, 40.0);
                m.paper_pct = Some(self.paper.ceil() as u8);
                m.printer_jam = Some(ctl.jam);
                m.card_reader = Some(Reader::Ok);
                m.cash_box_pct = Some(self.cash.round() as u8);
                m.temperature_c = Some((self.temperature * 10.0).round() / 10.0);
                m.link_up = Some(true);
                m.out_of_service = Some(self.out_of_service);
            }
            SimKind::Switch => {
                m.link_up = Some(true);
                m.temperature_c = Some((self.temperature * 10.0).round() / 10.0);
            }
            SimKind::Ups => {
                if ctl.mains_lost {
                    self.battery = (self.battery - cfg.battery_min_per_beat).max(0.0);
                } else {
                    self.battery = (self.battery + cfg.battery_min_per_beat).min(BATTERY_FULL_MIN);
                }
                m.on_battery = Some(ctl.mains_lost);
                m.battery_min = Some(self.battery.floor() as u16);
            }
        }
        Report {
            seq: self.seq,
            metrics: m,
            busy,
        }
    }
}

/// How one connection of a device ended.
enum End {
    /// The broker was lost (or refused): connect again after a pause.
    Lost,
    /// Offline fault: drop the socket.
    Offline,
    /// Silenced: keep the socket open and send nothing.
    Silent,
}

/// What the event-loop task tells the device.
enum Up {
    Connected,
    Lost,
}

/// Polls one connection's event loop in a task of its own, so the device's
/// heartbeat never cancels a poll half way (a connect cut short would leave
/// the broker a second connection under the same client id). `end` stops it:
/// `true` keeps the socket open and silent until the task is aborted.
fn poller(
    device: DeviceId,
    mut events: rumqttc::EventLoop,
    up: mpsc::Sender<Up>,
    orders: mpsc::Sender<Order>,
    mut end: oneshot::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                hold = &mut end => {
                    if hold.unwrap_or(false) {
                        let _held = events;
                        std::future::pending::<()>().await;
                    }
                    return;
                }
                ev = events.poll() => match ev {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        let _ = up.send(Up::Connected).await;
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        match serde_json::from_slice::<Order>(&p.payload) {
                            Ok(order) => {
                                let _ = orders.try_send(order);
                            }
                            Err(e) => tracing::warn!(%device, error = %e, "devsim: an unreadable command"),
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::debug!(%device, error = %e, "devsim: connection lost");
                        let _ = up.send(Up::Lost).await;
                        return;
                    }
                },
            }
        }
    })
}

async fn run(
    cfg: SimConfig,
    d: SimDevice,
    mut ctl: watch::Receiver<Ctl>,
    shared: Arc<Shared>,
    phase: Duration,
    seed: u64,
) {
    let mut rng = Rng(seed | 1);
    let mut state = State::new(&mut rng);
    let report_topic = topic(&cfg.hall, &d.id, Leaf::Report);
    let status_topic = topic(&cfg.hall, &d.id, Leaf::Status);
    let online = serde_json::to_vec(&Status::Online).expect("status");
    let mut first = true;
    loop {
        if ctl.wait_for(Ctl::up).await.is_err() {
            return;
        }
        let mut o = MqttOptions::new(d.id.as_str(), cfg.host.clone(), cfg.port);
        o.set_credentials(d.id.as_str(), d.password.clone())
            .set_keep_alive(cfg.keep_alive)
            .set_clean_session(true)
            .set_last_will(LastWill::new(
                status_topic.clone(),
                serde_json::to_vec(&Status::Offline).expect("status"),
                QoS::AtLeastOnce,
                true,
            ));
        let (client, events) = AsyncClient::new(o, 16);
        let (up_tx, mut up_rx) = mpsc::channel(4);
        let (order_tx, mut order_rx) = mpsc::channel(16);
        let (end_tx, end_rx) = oneshot::channel();
        let polling = poller(d.id.clone(), events, up_tx, order_tx, end_rx);
        let start = if first { phase } else { Duration::ZERO };
        first = false;
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + start, cfg.heartbeat);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut is_connected = false;
        let end = loop {
            tokio::select! {
                up = up_rx.recv() => match up {
                    Some(Up::Connected) => {
                        if !is_connected {
                            shared.connected.fetch_add(1, Ordering::Relaxed);
                            is_connected = true;
                        }
                        let _ = client.try_publish(status_topic.clone(), QoS::AtLeastOnce, true, online.clone());
                        let _ = client.try_subscribe(topic(&cfg.hall, &d.id, Leaf::Cmd), QoS::AtLeastOnce);
                    }
                    Some(Up::Lost) | None => break End::Lost,
                },
                Some(order) = order_rx.recv() => {
                    if ctl.borrow().deaf {
                        continue;
                    }
                    let outcome = carry_out(&d, &order, &mut state, &shared);
                    let reply = Reply { id: order.id, outcome };
                    let body = serde_json::to_vec(&reply).expect("reply");
                    let _ = client.try_publish(topic(&cfg.hall, &d.id, Leaf::Reply), QoS::AtLeastOnce, false, body);
                }
                _ = beat.tick() => {
                    let now = ctl.borrow().clone();
                    if d.kind == SimKind::Ups && now.mains_lost && state.battery <= 0.0 {
                        // The battery went flat at the last beat (whose report
                        // got out): everything behind the UPS goes dark.
                        shared.silence(&d.id, true);
                        continue;
                    }
                    let report = state.beat(d.kind, &now, &cfg, &mut rng);
                    if is_connected {
                        if let Some(hook) = &cfg.on_publish {
                            hook(&d.id, report.seq);
                        }
                        let body = serde_json::to_vec(&report).expect("report");
                        let _ = client.try_publish(report_topic.clone(), QoS::AtLeastOnce, false, body);
                    }
                }
                changed = ctl.changed() => {
                    if changed.is_err() {
                        polling.abort();
                        return;
                    }
                    let c = ctl.borrow().clone();
                    if c.offline {
                        break End::Offline;
                    }
                    if !c.up() {
                        break End::Silent;
                    }
                }
            }
        };
        if is_connected {
            shared.connected.fetch_sub(1, Ordering::Relaxed);
        }
        match end {
            End::Lost => {
                let _ = polling.await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            End::Offline => {
                // The socket is dropped without a DISCONNECT.
                let _ = end_tx.send(false);
                let _ = polling.await;
            }
            End::Silent => {
                // Silent, not gone: the socket stays open and nothing is sent,
                // so the broker notices only when the keep-alive runs out.
                let _ = end_tx.send(true);
                let lifted = ctl.wait_for(|c| c.silenced_by.is_empty()).await.is_ok();
                polling.abort();
                if !lifted {
                    return;
                }
            }
        }
        drop(client);
    }
}

/// How long a power-cycled device stays without power.
const POWER_CYCLE_OFF: Duration = Duration::from_secs(3);

/// Carries out a command as the device would, and says how it went.
fn carry_out(d: &SimDevice, order: &Order, state: &mut State, shared: &Arc<Shared>) -> Outcome {
    match (&order.action, d.kind) {
        (Action::OutOfService { out }, SimKind::Terminal) => {
            state.out_of_service = *out;
            Outcome::Done
        }
        (Action::PowerCycle { target }, SimKind::Ups) => {
            if !shared.behind.get(&d.id).is_some_and(|b| b.contains(target)) {
                return Outcome::Refused {
                    reason: format!("{target} 不由本电源供电"),
                };
            }
            // Power off, and back on a moment later.
            shared.set(target, |c| c.offline = true);
            let shared = shared.clone();
            let target = target.clone();
            tokio::spawn(async move {
                tokio::time::sleep(POWER_CYCLE_OFF).await;
                shared.set(&target, |c| c.offline = false);
            });
            Outcome::Done
        }
        (action, _) => Outcome::Refused {
            reason: format!("本设备不支持“{}”", action.label_zh()),
        },
    }
}

/// The demo hall's MQTT devices (terminals, switch, UPS) with the
/// credentials the demo seed kept; empty when this is no demo database.
pub async fn demo_fleet(store: &store::Store) -> Result<Vec<SimDevice>, HallError> {
    let passwords: std::collections::BTreeMap<String, String> = crate::demo_mqtt_credentials(store)
        .await?
        .into_iter()
        .collect();
    if passwords.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store
        .device_records()
        .await?
        .into_iter()
        .filter(|r| r.revoked_at.is_none())
        .filter_map(|r| {
            let kind = match r.device.kind {
                devices::DeviceKind::Terminal => SimKind::Terminal,
                devices::DeviceKind::Switch => SimKind::Switch,
                devices::DeviceKind::Ups => SimKind::Ups,
                _ => return None,
            };
            Some(SimDevice {
                password: passwords.get(r.device.id.as_str())?.clone(),
                id: r.device.id,
                kind,
                depends_on: r.device.depends_on,
            })
        })
        .collect())
}

/// The demo hall's MQTT devices simulated against `running`'s embedded
/// broker, beating every `heartbeat`; `None` when the node runs no broker or
/// this is no demo database.
pub async fn run_demo_beating(
    running: &crate::Running,
    heartbeat: Duration,
) -> Result<Option<DevSim>, HallError> {
    let Some(addr) = running.mqtt_addr else {
        return Ok(None);
    };
    let fleet = demo_fleet(&running.store).await?;
    if fleet.is_empty() {
        return Ok(None);
    }
    let hall = running.store.this_hall().await?;
    let mut cfg = SimConfig::new(hall.code.as_str(), &addr.ip().to_string(), addr.port());
    cfg.heartbeat = heartbeat;
    Ok(Some(DevSim::start(cfg, fleet)))
}

/// [`run_demo_beating`] at a real device's pace (a report every 10 s).
pub async fn run_demo(running: &crate::Running) -> Result<Option<DevSim>, HallError> {
    run_demo_beating(running, SimConfig::new("", "", 0).heartbeat).await
}
