//! The alarm service: a thin shell around `devices::Alarms`, `devices::Presence` and the registry, journaling every alarm change before anyone hears of it.
//!
//! One task owns the engine. It consumes what devices say (`Heard`, from the
//! MQTT side), the opening and closing of device pages' WebSockets, the
//! supervisors' requests and a tick every 250 ms (silence, settling,
//! escalation, maintenance ending, the queue's waits and the clerks'
//! ratings). Each batch of `AlarmChange`s is written to the store with its
//! replication rows in one transaction, and only then broadcast; a batch
//! the store refused stays pending and is written (and told) on the next
//! turn, so nothing acknowledged is lost and nothing is doubled.
//!
//! Control commands (`devices::Commands`) live here too, since whether one
//! may go out depends on what the service knows: the device's presence and
//! what it is busy with (a terminal's payment from its reports, a pad's
//! customer rating from the queue). Each change of a command is journaled
//! with its replication row before its order goes out or anyone is told;
//! orders leave on [`AlarmService::orders`] (the MQTT side publishes those
//! of MQTT devices, a page's live connection carries those of its device).
//!
//! Presence: an MQTT device is watched from the start (silent past three
//! heartbeats means offline; its last will, at once). A web device is
//! watched once its page connects in this run; when its last WebSocket
//! closes, it has the same timeout to come back (a reloading page does not
//! ring).

use crate::clock::Clock;
use crate::driver::Driver;
use crate::error::HallError;
use devices::command::{Action, Command, Commands, Now, Order, Reply as CommandReply, Step};
use devices::presence::Change;
use devices::telemetry::{Busy, Heard, Message, Status};
use devices::{
    Alarm, AlarmChange, AlarmConfig, AlarmKey, Alarms, Device, DeviceId, Fault, Link, Metrics,
    Presence, Registry, Source, Thresholds,
};
use ipc::devices::{DeviceView, PresenceState};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use store::devices::{DeviceRecord, Issued};
use store::hall::OutboxRow;
use store::Store;
use sync_proto::changes::DeviceChange;
use sync_proto::ChangeKind;
use tokio::sync::{broadcast, mpsc, oneshot, Notify};

/// How the alarm service watches the hall.
#[derive(Debug, Clone)]
pub struct AlarmOptions {
    /// How often an MQTT device reports.
    pub heartbeat_ms: i64,
    /// Silent for this many heartbeats, a device is offline.
    pub missed_beats: u32,
    /// How often time is looked at.
    pub tick_ms: u64,
    /// The engine's rules, the wait limit and the satisfaction floor.
    pub config: AlarmConfig,
    /// Where a metric turns into a fault.
    pub thresholds: Thresholds,
}

impl Default for AlarmOptions {
    fn default() -> Self {
        Self {
            heartbeat_ms: 10_000,
            missed_beats: 3,
            tick_ms: 250,
            config: AlarmConfig::default(),
            thresholds: Thresholds::default(),
        }
    }
}

impl AlarmOptions {
    fn timeout_ms(&self) -> i64 {
        self.heartbeat_ms
            .saturating_mul(i64::from(self.missed_beats.max(1)))
    }
}

/// Messages from devices waiting for the service, at most.
const HEARD_QUEUE: usize = 8_192;
/// Queue and rating conditions are looked at every this many ticks.
const QUEUE_EVERY: u32 = 4;

type Reply<T> = oneshot::Sender<Result<T, HallError>>;

enum Job {
    Devices(oneshot::Sender<Vec<DeviceView>>),
    Add(Box<Device>, Reply<(DeviceView, Issued)>),
    Revoke(DeviceId, Reply<DeviceView>),
    Remove(DeviceId, Reply<()>),
    Ack(u64, String, String, Reply<Alarm>),
    Assign(u64, String, Reply<Alarm>),
    Clear(u64, String, String, Reply<Alarm>),
    StartMaintenance(DeviceId, i64, String, String, Reply<DeviceView>),
    EndMaintenance(DeviceId, Reply<DeviceView>),
    Connected(DeviceId),
    Disconnected(DeviceId),
    WatchStream(DeviceId, i64, bool),
    Command(DeviceId, Action, String, i64, Reply<Command>),
    PageReply(DeviceId, CommandReply, Reply<Command>),
}

/// How long after a service a pad counts as busy with its customer's rating.
const RATING_WINDOW_MS: i64 = 120_000;

/// The handle routes, the event streams and the MQTT side hold.
#[derive(Clone)]
pub struct AlarmService {
    jobs: mpsc::Sender<Job>,
    heard: mpsc::Sender<Heard>,
    /// Alarm changes, once journaled.
    pub events: broadcast::Sender<Arc<Vec<AlarmChange>>>,
    /// Devices whose credential was just revoked (their pages are closed).
    pub revoked: broadcast::Sender<DeviceId>,
    /// The MQTT devices' password hashes, for the broker's check.
    secrets: Arc<RwLock<HashMap<DeviceId, String>>>,
    /// Orders for devices, once their command is journaled as sent.
    pub orders: broadcast::Sender<Arc<(DeviceId, Order)>>,
    /// Commands as they change, once journaled (for the supervisors' views).
    pub commands: broadcast::Sender<Arc<Command>>,
}

impl AlarmService {
    /// Loads the registry, the open alarms and the maintenance windows and starts the service.
    /// `wake` is told after every write to the outbox (the uplink sends it at once).
    pub async fn start(
        store: Store,
        driver: Driver,
        clock: Clock,
        opts: AlarmOptions,
        wake: Arc<Notify>,
    ) -> Result<Self, HallError> {
        let now = clock.now();
        let records = store.device_records().await?;
        let registry = Registry::new(records.iter().map(|r| r.device.clone()))
            .map_err(|e| HallError::internal(format!("the stored device registry: {e}")))?;
        let mut alarms = Alarms::new(opts.config.clone(), 1);
        alarms.restore(store.alarms_to_restore(now - opts.config.reopen_ms).await?);
        alarms.set_parents(registry.parents());
        for (device, m) in store.maintenances(now).await? {
            if let Err(e) = alarms.start_maintenance(device, m.until, &m.by, &m.note) {
                tracing::warn!(error = %e, "a stored maintenance window is not usable");
            }
        }
        let mut presence = Presence::new();
        for r in records.iter().filter(|r| r.revoked_at.is_none()) {
            if r.device.kind.link() == Link::Mqtt {
                presence.track(r.device.id.clone(), opts.timeout_ms(), now);
            }
        }
        let secrets = Arc::new(RwLock::new(
            store.mqtt_secrets().await?.into_iter().collect(),
        ));
        let (jobs, jobs_rx) = mpsc::channel(1024);
        let (heard, heard_rx) = mpsc::channel(HEARD_QUEUE);
        let (events, _) = broadcast::channel(1024);
        let (revoked, _) = broadcast::channel(64);
        let (orders, _) = broadcast::channel(256);
        let (command_events, _) = broadcast::channel(256);
        let (live_commands, last_command) = store.commands_to_restore().await?;
        let mut commands = Commands::new(last_command + 1);
        commands.restore(live_commands);
        let service = Self {
            jobs,
            heard,
            events: events.clone(),
            revoked: revoked.clone(),
            secrets: secrets.clone(),
            orders: orders.clone(),
            commands: command_events.clone(),
        };
        let open = alarms.open().count();
        tracing::info!(
            devices = registry.len(),
            open_alarms = open,
            "the alarm service starts"
        );
        let inner = Inner {
            store,
            driver,
            clock,
            opts,
            wake,
            records: records
                .into_iter()
                .map(|r| (r.device.id.clone(), r))
                .collect(),
            registry,
            alarms,
            presence,
            metrics: HashMap::new(),
            samples: BTreeMap::new(),
            last_heard: HashMap::new(),
            sockets: HashMap::new(),
            pending: Vec::new(),
            events,
            secrets,
            ticks: 0,
            commands,
            busy: HashMap::new(),
            orders,
            command_events,
            pending_commands: Vec::new(),
        };
        tokio::spawn(inner.run(jobs_rx, heard_rx));
        Ok(service)
    }

    /// Where the MQTT side sends what devices say.
    pub fn heard_sender(&self) -> mpsc::Sender<Heard> {
        self.heard.clone()
    }

    /// Whether `id` is a registered MQTT device with a live credential.
    pub fn is_mqtt_device(&self, id: &DeviceId) -> bool {
        self.secrets
            .read()
            .map(|s| s.contains_key(id))
            .unwrap_or(false)
    }

    /// The MQTT broker's credential check: the device whose id is the client
    /// id and the username, if the password is its live one.
    pub fn check_mqtt(&self, client_id: &str, username: &str, password: &str) -> Option<DeviceId> {
        if client_id != username {
            return None;
        }
        let id = DeviceId::parse(username).ok()?;
        let want = self
            .secrets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()?;
        let got = store::tokens::token_hash(password);
        // Both are 64 hex digits: compare every byte, whatever the first difference.
        let same = want.len() == got.len()
            && want
                .bytes()
                .zip(got.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same.then_some(id)
    }

    async fn ask<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T, HallError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(job(tx))
            .await
            .map_err(|_| HallError::Unavailable)?;
        rx.await.map_err(|_| HallError::Unavailable)?
    }

    pub async fn devices(&self) -> Result<Vec<DeviceView>, HallError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Devices(tx))
            .await
            .map_err(|_| HallError::Unavailable)?;
        rx.await.map_err(|_| HallError::Unavailable)
    }

    pub async fn add(&self, device: Device) -> Result<(DeviceView, Issued), HallError> {
        self.ask(|r| Job::Add(Box::new(device), r)).await
    }

    pub async fn revoke(&self, id: DeviceId) -> Result<DeviceView, HallError> {
        self.ask(|r| Job::Revoke(id, r)).await
    }

    pub async fn remove(&self, id: DeviceId) -> Result<(), HallError> {
        self.ask(|r| Job::Remove(id, r)).await
    }

    pub async fn acknowledge(&self, id: u64, by: String, note: String) -> Result<Alarm, HallError> {
        self.ask(|r| Job::Ack(id, by, note, r)).await
    }

    pub async fn assign(&self, id: u64, to: String) -> Result<Alarm, HallError> {
        self.ask(|r| Job::Assign(id, to, r)).await
    }

    pub async fn clear(&self, id: u64, by: String, note: String) -> Result<Alarm, HallError> {
        self.ask(|r| Job::Clear(id, by, note, r)).await
    }

    pub async fn start_maintenance(
        &self,
        id: DeviceId,
        minutes: u32,
        by: String,
        note: String,
    ) -> Result<DeviceView, HallError> {
        let ms = i64::from(minutes) * 60_000;
        self.ask(|r| Job::StartMaintenance(id, ms, by, note, r))
            .await
    }

    pub async fn end_maintenance(&self, id: DeviceId) -> Result<DeviceView, HallError> {
        self.ask(|r| Job::EndMaintenance(id, r)).await
    }

    /// A supervisor (`by`) asks `id` to do `action` within `ttl_ms`; answers the command as journaled.
    pub async fn command(
        &self,
        id: DeviceId,
        action: Action,
        by: String,
        ttl_ms: i64,
    ) -> Result<Command, HallError> {
        self.ask(|r| Job::Command(id, action, by, ttl_ms, r)).await
    }

    /// A device's page answers a command sent to it.
    pub async fn page_reply(
        &self,
        id: DeviceId,
        reply: CommandReply,
    ) -> Result<Command, HallError> {
        self.ask(|r| Job::PageReply(id, reply, r)).await
    }

    /// Watch (or stop watching) a camera's stream: silent for `timeout_ms`
    /// (no segment recorded), it is offline. The video service asks this of
    /// every camera it records; each segment is then a report of the camera.
    pub fn watch_stream(&self, id: DeviceId, timeout_ms: i64, watch: bool) {
        self.tell(Job::WatchStream(id, timeout_ms, watch));
    }

    /// A device's page opened a live connection.
    pub fn connected(&self, id: DeviceId) {
        self.tell(Job::Connected(id));
    }

    /// A device's page closed one.
    pub fn disconnected(&self, id: DeviceId) {
        self.tell(Job::Disconnected(id));
    }

    fn tell(&self, job: Job) {
        let jobs = self.jobs.clone();
        // Sent from the WebSocket's own task: it never waits on the service.
        tokio::spawn(async move {
            let _ = jobs.send(job).await;
        });
    }
}

struct Inner {
    store: Store,
    driver: Driver,
    clock: Clock,
    opts: AlarmOptions,
    wake: Arc<Notify>,
    records: BTreeMap<DeviceId, DeviceRecord>,
    registry: Registry,
    alarms: Alarms,
    presence: Presence,
    metrics: HashMap<DeviceId, Metrics>,
    /// Each device's metrics in the minute now under way, for the day's chart.
    samples: BTreeMap<DeviceId, (i64, Metrics)>,
    last_heard: HashMap<DeviceId, i64>,
    /// Open WebSockets per web device.
    sockets: HashMap<DeviceId, u32>,
    /// Changes the store refused, written before anything newer.
    pending: Vec<AlarmChange>,
    events: broadcast::Sender<Arc<Vec<AlarmChange>>>,
    secrets: Arc<RwLock<HashMap<DeviceId, String>>>,
    ticks: u32,
    commands: Commands,
    /// What each device last said it was busy with (from its reports).
    busy: HashMap<DeviceId, Busy>,
    orders: broadcast::Sender<Arc<(DeviceId, Order)>>,
    command_events: broadcast::Sender<Arc<Command>>,
    /// Command changes the store refused, written before anything newer (their orders were held).
    pending_commands: Vec<Command>,
}

impl Inner {
    async fn run(mut self, mut jobs: mpsc::Receiver<Job>, mut heard: mpsc::Receiver<Heard>) {
        let mut tick = tokio::time::interval(Duration::from_millis(self.opts.tick_ms.max(10)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                got = heard.recv() => match got {
                    Some(h) => {
                        let device = h.device.clone();
                        let changes = self.on_heard(h);
                        self.commit(changes).await;
                        let step = self.command_step(&device).await;
                        self.commit_commands(step).await;
                    }
                    None => return,
                },
                got = jobs.recv() => match got {
                    Some(job) => self.on_job(job).await,
                    None => return,
                },
                _ = tick.tick() => {
                    let changes = self.on_tick().await;
                    self.commit(changes).await;
                    let step = self.commands_tick().await;
                    self.commit_commands(step).await;
                }
            }
        }
    }

    /// Journals `changes` (after any still pending), then tells them; `false` when the store refused.
    async fn commit(&mut self, changes: Vec<AlarmChange>) -> bool {
        self.pending.extend(changes);
        if self.pending.is_empty() {
            return true;
        }
        let rows: Vec<OutboxRow> = self
            .pending
            .iter()
            .filter_map(|c| {
                let hlc = self.driver.stamp(self.clock.now());
                row(hlc, ChangeKind::Alarm, c.alarm.id.to_string(), &c.alarm)
            })
            .collect();
        match self.store.journal_alarms(&self.pending, &rows).await {
            Ok(()) => {
                let told = std::mem::take(&mut self.pending);
                for c in &told {
                    tracing::info!(
                        alarm = c.alarm.id,
                        transition = ?c.transition,
                        fault = ?c.alarm.key.fault,
                        source = ?c.alarm.key.source,
                        "alarm"
                    );
                }
                self.wake.notify_one();
                let _ = self.events.send(Arc::new(told));
                true
            }
            Err(e) => {
                tracing::error!(error = %e, pending = self.pending.len(), "alarm changes could not be journaled; retrying");
                false
            }
        }
    }

    fn timeout(&self) -> i64 {
        self.opts.timeout_ms()
    }

    fn presence_changes(&mut self, changes: Vec<Change>, now: i64) -> Vec<AlarmChange> {
        let mut out = Vec::new();
        for c in changes {
            let (id, offline) = match c {
                Change::Online(id) => (id, false),
                Change::Offline(id) => (id, true),
            };
            out.extend(
                self.alarms
                    .observe(AlarmKey::device(&id, Fault::Offline), offline, now),
            );
        }
        out
    }

    fn on_heard(&mut self, h: Heard) -> Vec<AlarmChange> {
        let live = self
            .records
            .get(&h.device)
            .is_some_and(|r| r.revoked_at.is_none());
        if !live {
            tracing::info!(device = %h.device, "a message of an unknown or revoked device is ignored");
            return Vec::new();
        }
        self.last_heard.insert(h.device.clone(), h.at);
        let mut out = Vec::new();
        match h.message {
            Message::Report(report) => {
                match report.busy {
                    Some(b) => self.busy.insert(h.device.clone(), b),
                    None => self.busy.remove(&h.device),
                };
                let back = self.presence.heard(&h.device, h.at);
                out.extend(self.presence_changes(back.into_iter().collect(), h.at));
                for (fault, active) in report.metrics.faults(&self.opts.thresholds) {
                    let key = AlarmKey::device(&h.device, fault);
                    if active != self.alarms.is_active(&key) {
                        out.extend(self.alarms.observe(key, active, h.at));
                    }
                }
                // A report speaks for the metrics it carries; the rest stay as they were.
                let kept = self.metrics.entry(h.device.clone()).or_default();
                merge(kept, report.metrics);
                let minute = h.at - h.at.rem_euclid(60_000);
                self.samples
                    .insert(h.device.clone(), (minute, kept.clone()));
            }
            Message::Status(Status::Online) => {
                let back = self.presence.heard(&h.device, h.at);
                out.extend(self.presence_changes(back.into_iter().collect(), h.at));
            }
            Message::Status(Status::Offline) => {
                let gone = self.presence.dropped(&h.device);
                out.extend(self.presence_changes(gone.into_iter().collect(), h.at));
            }
            Message::Reply(reply) => {
                let id = reply.id;
                match self.commands.reply(&h.device, reply, h.at) {
                    Some(c) => self.pending_commands.push(c),
                    None => {
                        tracing::info!(device = %h.device, command = id, "a reply to no command of this device under way is ignored");
                    }
                }
            }
        }
        out
    }

    async fn on_tick(&mut self) -> Vec<AlarmChange> {
        let now = self.clock.now();
        let silent = self.presence.expire(now);
        let mut out = self.presence_changes(silent, now);
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(QUEUE_EVERY) {
            out.extend(self.queue_conditions(now).await);
        }
        out.extend(self.alarms.tick(now));
        self.keep_samples(now).await;
        out
    }

    /// Once a minute is over, its samples go to the store (one transaction).
    async fn keep_samples(&mut self, now: i64) {
        let minute = now - now.rem_euclid(60_000);
        if !self.samples.values().any(|(m, _)| *m < minute) {
            return;
        }
        let samples: Vec<(DeviceId, i64, Metrics)> = std::mem::take(&mut self.samples)
            .into_iter()
            .filter(|(d, _)| self.records.contains_key(d))
            .map(|(d, (m, metrics))| (d, m, metrics))
            .collect();
        if let Err(e) = self.store.put_metric_samples(&samples, now).await {
            tracing::warn!(error = %e, samples = samples.len(), "metric samples not kept");
        }
    }

    /// A business waiting past its limit; a clerk's recent ratings below the floor.
    async fn queue_conditions(&mut self, now: i64) -> Vec<AlarmChange> {
        let mut conditions = Vec::new();
        {
            let state = self.driver.state.read().await;
            let q = &state.queue;
            let limit = self.opts.config.wait_limit_ms;
            for b in &q.config().businesses {
                let longest = (q.waiting_count(b.code) > 0)
                    .then(|| i64::from(q.longest_wait_secs(b.code, now)) * 1000);
                let key = AlarmKey {
                    source: Source::Business {
                        code: b.code.to_string(),
                    },
                    fault: Fault::WaitTooLong,
                };
                conditions.push((key, devices::quality::waits_too_long(longest, limit)));
            }
            let mut rated: BTreeMap<String, Vec<(i64, u8)>> = BTreeMap::new();
            for t in q.tickets() {
                if let queue::TicketState::Done {
                    staff,
                    finished_at,
                    rating: Some(queue::Rating::Rated { score, .. }),
                    ..
                } = &t.state
                {
                    rated
                        .entry(staff.as_str().to_owned())
                        .or_default()
                        .push((*finished_at, score.get()));
                }
            }
            let rule = self.opts.config.satisfaction;
            for (staff_no, mut scores) in rated {
                scores.sort_unstable();
                let scores: Vec<u8> = scores.into_iter().map(|(_, s)| s).collect();
                let key = AlarmKey {
                    source: Source::Clerk { staff_no },
                    fault: Fault::SatisfactionLow,
                };
                conditions.push((key, rule.below_floor(&scores)));
            }
        }
        let mut out = Vec::new();
        for (key, active) in conditions {
            if active != self.alarms.is_active(&key) {
                out.extend(self.alarms.observe(key, active, now));
            }
        }
        out
    }

    fn view(&self, r: &DeviceRecord) -> DeviceView {
        let id = &r.device.id;
        let presence = if !self.presence.is_tracked(id) {
            PresenceState::Unknown
        } else if self.presence.is_online(id) {
            PresenceState::Online
        } else {
            PresenceState::Offline
        };
        DeviceView {
            device: r.device.clone(),
            link: r.device.kind.link(),
            presence,
            last_heard: self.last_heard.get(id).copied(),
            metrics: self.metrics.get(id).cloned(),
            open_alarms: self
                .alarms
                .open()
                .filter(|a| a.key.source.device() == Some(id))
                .count() as u32,
            maintenance: self.alarms.maintenance().get(id).cloned(),
            added_at: r.added_at,
            revoked_at: r.revoked_at,
        }
    }

    fn view_of(&self, id: &DeviceId) -> Result<DeviceView, HallError> {
        self.records
            .get(id)
            .map(|r| self.view(r))
            .ok_or_else(|| HallError::from(devices::RegistryError::Unknown(id.clone())))
    }

    fn device_row(&self, r: &DeviceRecord, removed: bool) -> Vec<OutboxRow> {
        let change = DeviceChange {
            device: &r.device,
            added_at: r.added_at,
            revoked_at: r.revoked_at,
            removed,
        };
        let hlc = self.driver.stamp(self.clock.now());
        row(hlc, ChangeKind::Device, r.device.id.to_string(), &change)
            .into_iter()
            .collect()
    }

    /// Ends every condition of `id` (it was revoked or removed): its open alarms clear.
    fn settle_device(&mut self, id: &DeviceId, now: i64) -> Vec<AlarmChange> {
        let keys: Vec<AlarmKey> = self
            .alarms
            .open()
            .filter(|a| a.key.source.device() == Some(id))
            .map(|a| a.key.clone())
            .collect();
        let mut out = Vec::new();
        for key in keys {
            out.extend(self.alarms.observe(key, false, now));
        }
        self.presence.forget(id);
        self.sockets.remove(id);
        self.metrics.remove(id);
        out
    }

    async fn on_job(&mut self, job: Job) {
        let now = self.clock.now();
        match job {
            Job::Devices(reply) => {
                let _ = reply.send(self.records.values().map(|r| self.view(r)).collect());
            }
            Job::Add(device, reply) => {
                let _ = reply.send(self.add(*device, now).await);
            }
            Job::Revoke(id, reply) => {
                let _ = reply.send(self.revoke(id, now).await);
            }
            Job::Remove(id, reply) => {
                let _ = reply.send(self.remove(id, now).await);
            }
            Job::Ack(id, by, note, reply) => {
                let r = self.alarms.acknowledge(id, &by, &note, now);
                let _ = reply.send(self.answer(id, r).await);
            }
            Job::Assign(id, to, reply) => {
                let r = self.alarms.assign(id, &to, now);
                let _ = reply.send(self.answer(id, r).await);
            }
            Job::Clear(id, by, note, reply) => {
                let r = self.alarms.clear(id, &by, &note, now);
                let _ = reply.send(self.answer(id, r).await);
            }
            Job::StartMaintenance(id, ms, by, note, reply) => {
                let _ = reply.send(self.start_maintenance(id, now, ms, by, note).await);
            }
            Job::EndMaintenance(id, reply) => {
                let r = self.end_maintenance(id, now).await;
                let _ = reply.send(r);
            }
            Job::Command(id, action, by, ttl_ms, reply) => {
                let r = self.request_command(id, action, by, ttl_ms, now).await;
                let _ = reply.send(r);
            }
            Job::PageReply(id, answer, reply) => {
                let command = answer.id;
                let r = match self.commands.reply(&id, answer, now) {
                    Some(c) => {
                        let step = Step {
                            changed: vec![c.clone()],
                            send: Vec::new(),
                        };
                        if self.commit_commands(step).await {
                            Ok(c)
                        } else {
                            Err(HallError::Unavailable)
                        }
                    }
                    None => Err(devices::command::CommandError::Unknown(command).into()),
                };
                let _ = reply.send(r);
            }
            Job::WatchStream(id, timeout_ms, watch) => {
                let stream = self.records.get(&id).is_some_and(|r| {
                    r.revoked_at.is_none() && r.device.kind.link() == Link::Stream
                });
                if watch && stream {
                    self.presence.track(id, timeout_ms, self.clock.now());
                } else if !watch {
                    self.presence.forget(&id);
                }
            }
            Job::Connected(id) => {
                let web = self
                    .records
                    .get(&id)
                    .is_some_and(|r| r.revoked_at.is_none() && r.device.kind.link() == Link::Web);
                if !web {
                    return;
                }
                let n = self.sockets.entry(id.clone()).or_default();
                *n += 1;
                self.last_heard.insert(id.clone(), now);
                let timeout = self.timeout();
                self.presence.track(id.clone(), timeout, now);
                let back = self.presence.connected(&id);
                let changes = self.presence_changes(back.into_iter().collect(), now);
                self.commit(changes).await;
                let step = self.command_step(&id).await;
                self.commit_commands(step).await;
            }
            Job::Disconnected(id) => {
                let Some(n) = self.sockets.get_mut(&id) else {
                    return;
                };
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.sockets.remove(&id);
                    self.last_heard.insert(id.clone(), now);
                    // Heard now, with one timeout to come back.
                    let timeout = self.timeout();
                    self.presence.forget(&id);
                    self.presence.track(id, timeout, now);
                }
            }
        }
    }

    /// What holds a command to `id` back right now: its presence, and what it is busy with.
    ///
    /// Online here needs evidence from this run: a page's live connection
    /// open now (an order goes down that connection), or an MQTT device heard
    /// since the node started (presence counts everyone as heard at start, so
    /// nobody is called offline too early; a command must not go out on that).
    async fn device_now(&self, id: &DeviceId, now: i64) -> Now {
        let Some(r) = self.records.get(id) else {
            return Now {
                online: false,
                busy: None,
            };
        };
        let online = match r.device.kind.link() {
            Link::Web => self.sockets.get(id).is_some_and(|n| *n > 0),
            _ => self.presence.is_online(id) && self.last_heard.contains_key(id),
        };
        let busy = match r.device.kind {
            devices::DeviceKind::Pad => {
                let rating = match r.device.counter.and_then(|c| queue::CounterNo::new(c).ok()) {
                    Some(counter) => {
                        let state = self.driver.state.read().await;
                        let names = crate::views::Names::default();
                        crate::views::pending(&state.queue, counter, &names)
                            .is_some_and(|p| now - p.finished_at < RATING_WINDOW_MS)
                    }
                    None => false,
                };
                rating.then_some(Busy::Rating)
            }
            _ => self.busy.get(id).copied(),
        };
        Now { online, busy }
    }

    async fn request_command(
        &mut self,
        id: DeviceId,
        action: Action,
        by: String,
        ttl_ms: i64,
        now: i64,
    ) -> Result<Command, HallError> {
        let Some(r) = self.records.get(&id) else {
            return Err(devices::RegistryError::Unknown(id).into());
        };
        if r.revoked_at.is_some() {
            return Err(HallError::Input(
                axum::http::StatusCode::CONFLICT,
                ipc::ErrorCode::DeviceRevoked,
            ));
        }
        let device = r.device.clone();
        let fed = self.registry.dependants(&id);
        let state = self.device_now(&id, now).await;
        let step = self
            .commands
            .request(&device, &fed, action, &by, ttl_ms, state, now)?;
        let command = step.changed.last().cloned();
        if !self.commit_commands(step).await {
            return Err(HallError::Unavailable);
        }
        tracing::info!(device = %id, by = %by, command = ?command.as_ref().map(|c| c.id), "a command was requested");
        command.ok_or_else(|| HallError::internal("a command requested without a change"))
    }

    /// A device's state may have changed: its waiting commands go out if nothing holds them now.
    async fn command_step(&mut self, id: &DeviceId) -> Step {
        if !self.commands.live().any(|c| &c.device == id) {
            return Step::default();
        }
        let now = self.clock.now();
        let state = self.device_now(id, now).await;
        self.commands.device_now(id, state, now)
    }

    /// Commands whose time ran out, and waiting ones whose device is free now (a pad's rating ends with time).
    async fn commands_tick(&mut self) -> Step {
        let now = self.clock.now();
        let mut step = Step {
            changed: self.commands.tick(now),
            send: Vec::new(),
        };
        let waiting: Vec<DeviceId> = self
            .commands
            .live()
            .filter(|c| matches!(c.state, devices::command::CommandState::Waiting { .. }))
            .map(|c| c.device.clone())
            .collect();
        for id in waiting {
            let more = self.command_step(&id).await;
            step.changed.extend(more.changed);
            step.send.extend(more.send);
        }
        step
    }

    /// Journals a step's commands (after any still pending), then sends its orders and tells the change.
    async fn commit_commands(&mut self, step: Step) -> bool {
        self.pending_commands.extend(step.changed);
        if self.pending_commands.is_empty() {
            return true;
        }
        let rows: Vec<OutboxRow> = self
            .pending_commands
            .iter()
            .filter_map(|c| {
                let hlc = self.driver.stamp(self.clock.now());
                row(hlc, ChangeKind::DeviceCommand, c.id.to_string(), c)
            })
            .collect();
        match self
            .store
            .journal_commands(&self.pending_commands, &rows)
            .await
        {
            Ok(()) => {
                self.wake.notify_one();
                for c in std::mem::take(&mut self.pending_commands) {
                    tracing::info!(command = c.id, device = %c.device, state = ?c.state, "command");
                    let _ = self.command_events.send(Arc::new(c));
                }
                for order in step.send {
                    let _ = self.orders.send(Arc::new(order));
                }
                true
            }
            Err(e) => {
                // The orders are not sent: their commands stay as journaled and expire visibly.
                tracing::error!(error = %e, pending = self.pending_commands.len(), "command changes could not be journaled; retrying");
                false
            }
        }
    }

    /// Journals what a person's request changed and answers the alarm as it now is.
    async fn answer(
        &mut self,
        id: u64,
        r: Result<Vec<AlarmChange>, devices::AlarmError>,
    ) -> Result<Alarm, HallError> {
        let changes = r?;
        let last = changes
            .iter()
            .rev()
            .find(|c| c.alarm.id == id)
            .map(|c| c.alarm.clone());
        if !self.commit(changes).await {
            return Err(HallError::Unavailable);
        }
        last.ok_or_else(|| HallError::internal(format!("alarm {id} changed without a change")))
    }

    async fn add(&mut self, device: Device, now: i64) -> Result<(DeviceView, Issued), HallError> {
        if self.records.contains_key(&device.id) {
            return Err(devices::RegistryError::Duplicate(device.id).into());
        }
        let registry = self.registry.with(device.clone())?;
        let record = DeviceRecord {
            device,
            added_at: now,
            revoked_at: None,
        };
        let rows = self.device_row(&record, false);
        let issued = self
            .store
            .register_device(&record.device, now, &rows)
            .await?;
        self.wake.notify_one();
        let id = record.device.id.clone();
        if let Issued::Password(p) = &issued {
            self.secrets
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(id.clone(), store::tokens::token_hash(p));
        }
        if record.device.kind.link() == Link::Mqtt {
            self.presence.track(id.clone(), self.timeout(), now);
        }
        self.registry = registry;
        self.alarms.set_parents(self.registry.parents());
        self.records.insert(id.clone(), record);
        tracing::info!(device = %id, "a device was registered");
        Ok((self.view_of(&id)?, issued))
    }

    async fn revoke(&mut self, id: DeviceId, now: i64) -> Result<DeviceView, HallError> {
        let Some(r) = self.records.get(&id) else {
            return Err(devices::RegistryError::Unknown(id).into());
        };
        if r.revoked_at.is_some() {
            return Err(HallError::Input(
                axum::http::StatusCode::CONFLICT,
                ipc::ErrorCode::DeviceRevoked,
            ));
        }
        let revoked = DeviceRecord {
            revoked_at: Some(now),
            ..r.clone()
        };
        let rows = self.device_row(&revoked, false);
        // The broker refuses it from now, whatever the store says next.
        self.secrets
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        self.store.revoke_device(&id, now, &rows).await?;
        self.wake.notify_one();
        self.records.insert(id.clone(), revoked);
        let changes = self.settle_device(&id, now);
        self.commit(changes).await;
        tracing::info!(device = %id, "a device's credential was revoked");
        self.view_of(&id)
    }

    async fn remove(&mut self, id: DeviceId, now: i64) -> Result<(), HallError> {
        let registry = self.registry.without(&id)?;
        let Some(r) = self.records.get(&id) else {
            return Err(devices::RegistryError::Unknown(id).into());
        };
        let rows = self.device_row(r, true);
        self.secrets
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        self.store.remove_device(&id, &rows).await?;
        self.wake.notify_one();
        self.records.remove(&id);
        self.registry = registry;
        self.alarms.set_parents(self.registry.parents());
        self.alarms.end_maintenance(&id);
        let changes = self.settle_device(&id, now);
        self.commit(changes).await;
        tracing::info!(device = %id, "a device was removed");
        Ok(())
    }

    async fn start_maintenance(
        &mut self,
        id: DeviceId,
        now: i64,
        ms: i64,
        by: String,
        note: String,
    ) -> Result<DeviceView, HallError> {
        self.view_of(&id)?;
        let until = now + ms;
        self.alarms
            .start_maintenance(id.clone(), until, &by, &note)?;
        let m = self.alarms.maintenance().get(&id).cloned();
        if let Some(m) = m {
            if let Err(e) = self.store.put_maintenance(&id, &m, now).await {
                self.alarms.end_maintenance(&id);
                return Err(e.into());
            }
        }
        tracing::info!(device = %id, until, "maintenance starts");
        self.view_of(&id)
    }

    async fn end_maintenance(&mut self, id: DeviceId, now: i64) -> Result<DeviceView, HallError> {
        self.view_of(&id)?;
        if !self.alarms.maintenance().contains_key(&id) {
            return Err(HallError::Input(
                axum::http::StatusCode::CONFLICT,
                ipc::ErrorCode::NotInMaintenance,
            ));
        }
        self.store.end_maintenance(&id).await?;
        self.alarms.end_maintenance(&id);
        // What is still wrong with it raises now.
        let changes = self.alarms.tick(now);
        self.commit(changes).await;
        self.view_of(&id)
    }
}

/// Keeps what `new` reports over what was known.
fn merge(kept: &mut Metrics, new: Metrics) {
    macro_rules! take {
        ($($f:ident),*) => { $( if new.$f.is_some() { kept.$f = new.$f; } )* };
    }
    take!(
        paper_pct,
        printer_jam,
        card_reader,
        cash_box_pct,
        temperature_c,
        on_battery,
        battery_min,
        link_up,
        out_of_service
    );
}

/// The outbox row of a change; `None` (logged) if it cannot be written out.
fn row(
    hlc: sync_proto::Hlc,
    kind: ChangeKind,
    key: String,
    body: &impl serde::Serialize,
) -> Option<OutboxRow> {
    crate::changes::row(hlc, kind, key, body)
}
