//! The hall's emergency service: one task owning the trigger engine, the proposals and the running incidents; it reads the queue and the alarms as they change, journals every change of an incident with its replication rows before anyone is told, and publishes what each screen shows.
//!
//! - **Plans** are the province's (`plan` records of the owned feed), each
//!   checked against this hall's businesses; a demo node without a province
//!   uses [`demo::plans`].
//! - **Triggers** (`emergency::Triggers`) see the queue's figures after every
//!   batch of queue events and every 250 ms, the open alarms (terminals and
//!   kiosks down, a UPS on battery) and the area's registered outages; a
//!   firing trigger becomes a proposal for the duty person, or an incident
//!   at once when its plan says so. While an incident runs, its triggers
//!   clearing and firing again step its level down or up (with hysteresis).
//! - **Incidents** change only here, one request at a time; a change is
//!   committed (state, new timeline lines, outbox rows) before it is
//!   answered or published, and a failed write leaves the incident as it
//!   was. On start the running incidents come back from the store whole.
//! - **Steps act**: a clerk on break acknowledging 增开窗口 is back at the
//!   counter (routing changes at once); a banner or a divert step puts its
//!   notice on the call displays and kiosks until the incident ends. A drill
//!   never touches the queue or those screens.

pub mod demo;
pub mod relay;

use crate::changes::row;
use crate::clock::Clock;
use crate::driver::Driver;
use crate::error::HallError;
use ::emergency::{Fact, Figures, Incident, IncidentError, Level, Plan, Proposal, Triggers};
use axum::http::StatusCode;
use devices::{AlarmChange, DeviceKind, Fault};
use domain::Role;
use ipc::emergency::{
    Activate, Divert, EmergencyView, IncidentAct, IncidentSummary, NearbyHallView, PlanView,
    ProposalView, PublicNotice, MAX_HISTORY,
};
use ipc::ErrorCode;
use queue::{CounterStatus, Event};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use store::accounts::Account;
use store::Store;
use sync_proto::owned::{self, OutageRecord, PlanRecord, OUTAGE, PLAN};
use sync_proto::ChangeKind;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, oneshot, watch, Notify};

/// How often time-based rules (holds, escalations, outages) are looked at.
const TICK_MS: u64 = 250;
/// Proposals kept waiting for the duty person.
const MAX_PROPOSALS: usize = 20;
/// The self-service options named when customers are diverted.
const SELF_SERVICE: [&str; 2] = ["大厅自助缴费终端", "“网上国网”App"];

type Reply<T> = oneshot::Sender<Result<T, HallError>>;

enum Req {
    Activate(Activate, Account, Reply<Incident>),
    Decline(String, Account, Reply<()>),
    Drill(String, Account, Reply<()>),
    PublicSafety(Account, Reply<()>),
    Act(u64, IncidentAct, Account, Reply<Incident>),
    Nearby(Vec<NearbyHallView>),
}

/// The handle the HTTP side and the events stream hold.
#[derive(Clone)]
pub struct EmergencyService {
    tx: mpsc::Sender<Req>,
    /// What staff screens show (the `emergency` live event).
    pub view: watch::Receiver<Arc<EmergencyView>>,
    /// What the call displays and kiosks show (the `notice` live event).
    pub notice: watch::Receiver<Arc<PublicNotice>>,
    /// Told when the owned feed brought plans or outages.
    plans_changed: Arc<Notify>,
    /// Whether a divert step runs (nearby halls are asked for then).
    diverting: watch::Receiver<bool>,
}

impl EmergencyService {
    /// Loads the plans and the running incidents and starts the task.
    pub async fn start(
        store: Store,
        driver: Driver,
        clock: Clock,
        alarms: broadcast::Receiver<Arc<Vec<AlarmChange>>>,
        commands: broadcast::Receiver<Arc<devices::command::Command>>,
        outbox: Arc<Notify>,
        demo: bool,
    ) -> Result<Self, HallError> {
        let running = store.running_incidents().await?;
        let next_id = store.next_incident_id().await?;
        let (view_tx, view) = watch::channel(Arc::new(EmergencyView::default()));
        let (notice_tx, notice) = watch::channel(Arc::new(PublicNotice::default()));
        let (diverting_tx, diverting) = watch::channel(false);
        let (tx, rx) = mpsc::channel(256);
        let plans_changed = Arc::new(Notify::new());
        let mut task = Task {
            store,
            queue_events: driver.events.subscribe(),
            driver,
            clock,
            outbox,
            demo,
            triggers: Triggers::default(),
            plans: Vec::new(),
            outages: Vec::new(),
            proposals: Vec::new(),
            incidents: running
                .into_iter()
                .map(|i| {
                    let written = i.timeline.len();
                    (i, written)
                })
                .collect(),
            next_id,
            figures: Figures::default(),
            open_alarms: BTreeMap::new(),
            kinds: HashMap::new(),
            commands_seen: BTreeSet::new(),
            nearby: Vec::new(),
            view_tx,
            notice_tx,
            diverting_tx,
        };
        task.load_plans().await;
        task.reload_alarms().await;
        for (i, _) in &task.incidents {
            if !i.drill {
                task.triggers.engage(&i.plan.id);
            }
        }
        task.read_queue().await;
        task.publish();
        tokio::spawn(task.run(rx, alarms, commands, plans_changed.clone()));
        Ok(Self {
            tx,
            view,
            notice,
            plans_changed,
            diverting,
        })
    }

    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Req) -> Result<T, HallError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(make(tx))
            .await
            .map_err(|_| HallError::Unavailable)?;
        rx.await.map_err(|_| HallError::Unavailable)?
    }

    pub async fn activate(&self, req: Activate, by: Account) -> Result<Incident, HallError> {
        self.ask(|r| Req::Activate(req, by, r)).await
    }

    pub async fn decline(&self, plan: String, by: Account) -> Result<(), HallError> {
        self.ask(|r| Req::Decline(plan, by, r)).await
    }

    pub async fn drill(&self, plan: String, by: Account) -> Result<(), HallError> {
        self.ask(|r| Req::Drill(plan, by, r)).await
    }

    pub async fn public_safety(&self, by: Account) -> Result<(), HallError> {
        self.ask(|r| Req::PublicSafety(by, r)).await
    }

    pub async fn act(
        &self,
        incident: u64,
        act: IncidentAct,
        by: Account,
    ) -> Result<Incident, HallError> {
        self.ask(|r| Req::Act(incident, act, by, r)).await
    }

    /// The feed brought plans or outages: read them again.
    pub fn plans_changed(&self) {
        self.plans_changed.notify_one();
    }

    /// Keeps asking the province for nearby halls' waits while a divert step runs.
    pub fn follow_nearby(&self, province: crate::uplink::Province, http: reqwest::Client) {
        let tx = self.tx.clone();
        let mut diverting = self.diverting.clone();
        tokio::spawn(async move {
            let url = format!("{}/sync/v1/nearby", province.url.trim_end_matches('/'));
            loop {
                if !*diverting.borrow_and_update() {
                    if diverting.changed().await.is_err() {
                        return;
                    }
                    continue;
                }
                let got = http
                    .get(&url)
                    .bearer_auth(&province.token)
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                let reply = match got {
                    Ok(r) if r.status().is_success() => {
                        r.json::<sync_proto::nearby::NearbyReply>().await.ok()
                    }
                    _ => None,
                };
                if let Some(reply) = reply {
                    let halls = reply
                        .halls
                        .into_iter()
                        .take(5)
                        .map(|h| NearbyHallView {
                            name: h.name,
                            waiting: h.waiting,
                            longest_wait_s: h.longest_wait_s,
                        })
                        .collect();
                    if tx.send(Req::Nearby(halls)).await.is_err() {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        });
    }

    /// The incidents and drills, newest first, with their scores.
    pub async fn history(store: &Store) -> Result<Vec<IncidentSummary>, HallError> {
        Ok(store
            .incidents(MAX_HISTORY)
            .await?
            .into_iter()
            .map(|i| IncidentSummary {
                id: i.id,
                plan: i.plan.id.clone(),
                plan_name: i.plan.name.clone(),
                level: i.level,
                drill: i.drill,
                started_at: i.started_at,
                ended_at: i.ended.as_ref().map(|e| e.at),
                score: i.score(),
            })
            .collect())
    }
}

/// May start, decline, drill, change the level of, hand over and end incidents.
fn commands(role: Role) -> bool {
    matches!(role, Role::Emergency | Role::Supervisor)
}

fn refused(e: IncidentError) -> HallError {
    use IncidentError as E;
    let (status, code) = match e {
        E::Ended => (StatusCode::CONFLICT, ErrorCode::IncidentEnded),
        E::UnknownStep => (StatusCode::NOT_FOUND, ErrorCode::UnknownStep),
        E::NotOnStep => (StatusCode::FORBIDDEN, ErrorCode::NotOnStep),
        E::AlreadyAcknowledged => (StatusCode::CONFLICT, ErrorCode::StepAlreadyAcknowledged),
        E::NotDue => (StatusCode::CONFLICT, ErrorCode::StepNotDue),
        E::LevelAtBound => (StatusCode::CONFLICT, ErrorCode::LevelAtBound),
        E::BadText => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IncidentTextInvalid,
        ),
        E::SameDuty => (StatusCode::CONFLICT, ErrorCode::SameDuty),
        E::TimelineFull => (StatusCode::CONFLICT, ErrorCode::TimelineFull),
    };
    HallError::Input(status, code)
}

fn unknown_plan() -> HallError {
    HallError::Input(StatusCode::NOT_FOUND, ErrorCode::UnknownPlan)
}

struct Task {
    store: Store,
    driver: Driver,
    queue_events: broadcast::Receiver<Arc<Vec<Event>>>,
    clock: Clock,
    outbox: Arc<Notify>,
    demo: bool,
    triggers: Triggers,
    plans: Vec<PlanView>,
    outages: Vec<OutageRecord>,
    proposals: Vec<ProposalView>,
    /// Running incidents with how many of their lines are stored.
    incidents: Vec<(Incident, usize)>,
    next_id: u64,
    figures: Figures,
    open_alarms: BTreeMap<u64, devices::Alarm>,
    kinds: HashMap<String, DeviceKind>,
    /// Control commands already on the timelines (the latest few).
    commands_seen: BTreeSet<u64>,
    nearby: Vec<NearbyHallView>,
    view_tx: watch::Sender<Arc<EmergencyView>>,
    notice_tx: watch::Sender<Arc<PublicNotice>>,
    diverting_tx: watch::Sender<bool>,
}

impl Task {
    async fn run(
        mut self,
        mut rx: mpsc::Receiver<Req>,
        mut alarms: broadcast::Receiver<Arc<Vec<AlarmChange>>>,
        mut commands: broadcast::Receiver<Arc<devices::command::Command>>,
        plans_changed: Arc<Notify>,
    ) {
        let mut tick = tokio::time::interval(Duration::from_millis(TICK_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                req = rx.recv() => {
                    let Some(req) = req else { return };
                    self.handle(req).await;
                }
                got = self.queue_events.recv() => match got {
                    Ok(events) => self.queue_changed(&events).await,
                    Err(RecvError::Lagged(_)) => self.read_queue().await,
                    Err(RecvError::Closed) => return,
                },
                got = alarms.recv() => match got {
                    Ok(changes) => self.alarms_changed(&changes).await,
                    Err(RecvError::Lagged(_)) => self.reload_alarms().await,
                    Err(RecvError::Closed) => return,
                },
                got = commands.recv() => match got {
                    Ok(c) => self.command_seen(&c).await,
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                () = plans_changed.notified() => self.load_plans().await,
                _ = tick.tick() => self.tick().await,
            }
            self.publish();
        }
    }

    // ----- inputs ---------------------------------------------------------

    /// The province's plans (or the demo's), each checked against this hall; and its outages.
    async fn load_plans(&mut self) {
        let businesses: BTreeSet<String> = {
            let state = self.driver.state.read().await;
            state
                .queue
                .config()
                .businesses
                .iter()
                .map(|b| b.code.to_string())
                .collect()
        };
        let mut views: BTreeMap<String, PlanView> = BTreeMap::new();
        let mut from_province = false;
        match self.store.owned(PLAN).await {
            Ok(rows) => {
                for (key, body) in rows {
                    from_province = true;
                    let record = serde_json::from_str::<owned::Fields>(&body)
                        .map_err(|e| e.to_string())
                        .and_then(|f| owned::read::<PlanRecord>(&f).map_err(|e| e.to_string()));
                    match record {
                        Ok(r) if r.withdrawn => {}
                        Ok(r) => {
                            let refused = r.plan.check(&businesses).err().map(|e| e.to_string());
                            if let Some(why) = &refused {
                                tracing::warn!(plan = %r.plan.id, %why, "a plan of the province cannot run in this hall");
                            }
                            // A plan for listed halls comes as `id@HALL`.
                            let for_every_hall = !key.contains('@');
                            views.insert(
                                r.plan.id.clone(),
                                PlanView {
                                    plan: r.plan,
                                    refused,
                                    for_every_hall,
                                },
                            );
                        }
                        Err(e) => {
                            tracing::warn!(record = %key, error = %e, "a plan record is skipped")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "the plans cannot be read"),
        }
        if !from_province && self.demo {
            for plan in demo::plans() {
                let refused = plan.check(&businesses).err().map(|e| e.to_string());
                let view = PlanView {
                    plan,
                    refused,
                    for_every_hall: true,
                };
                views.insert(view.plan.id.clone(), view);
            }
        }
        self.plans = views.into_values().collect();
        self.triggers.set_plans(
            self.plans
                .iter()
                .filter(|p| p.refused.is_none())
                .map(|p| p.plan.clone())
                .collect(),
        );
        // A proposal of a plan that is gone goes too.
        let usable: BTreeSet<String> = self.usable().map(|p| p.id.clone()).collect();
        self.proposals.retain(|p| usable.contains(&p.plan));
        self.outages = match self.store.owned(OUTAGE).await {
            Ok(rows) => rows
                .into_iter()
                .filter_map(|(_, body)| {
                    let f: owned::Fields = serde_json::from_str(&body).ok()?;
                    owned::read::<OutageRecord>(&f).ok()
                })
                .filter(|o| !o.withdrawn)
                .collect(),
            Err(_) => Vec::new(),
        };
        self.observe().await;
    }

    fn usable(&self) -> impl Iterator<Item = &Plan> {
        self.plans
            .iter()
            .filter(|p| p.refused.is_none())
            .map(|p| &p.plan)
    }

    async fn reload_alarms(&mut self) {
        match self.store.alarms(true, 10_000).await {
            Ok(open) => self.open_alarms = open.into_iter().map(|a| (a.id, a)).collect(),
            Err(e) => tracing::warn!(error = %e, "the open alarms cannot be read"),
        }
        self.reload_kinds().await;
        self.figure_devices();
    }

    async fn reload_kinds(&mut self) {
        if let Ok(records) = self.store.device_records().await {
            self.kinds = records
                .into_iter()
                .map(|d| (d.device.id.to_string(), d.device.kind))
                .collect();
        }
    }

    /// Terminals and kiosks down, and power out, from the open alarms.
    fn figure_devices(&mut self) {
        let mut down = BTreeSet::new();
        let mut power_out = false;
        for a in self.open_alarms.values() {
            let Some(id) = a.key.source.device() else {
                continue;
            };
            let kind = self.kinds.get(id.as_str()).copied();
            match (kind, a.key.fault) {
                (
                    Some(DeviceKind::Terminal | DeviceKind::Kiosk),
                    Fault::Offline
                    | Fault::PaperOut
                    | Fault::PrinterJam
                    | Fault::CardReader
                    | Fault::CashBoxFull,
                ) => {
                    down.insert(id.to_string());
                }
                (Some(DeviceKind::Ups), Fault::OnBattery | Fault::BatteryLow) => power_out = true,
                _ => {}
            }
        }
        self.figures.terminals_down = down.len().min(usize::from(u16::MAX)) as u16;
        self.figures.power_out = power_out;
    }

    async fn alarms_changed(&mut self, changes: &[AlarmChange]) {
        let now = self.clock.now();
        let mut facts = Vec::new();
        for c in changes {
            if c.alarm
                .key
                .source
                .device()
                .is_some_and(|id| !self.kinds.contains_key(id.as_str()))
            {
                self.reload_kinds().await;
            }
            if c.alarm.is_open() {
                self.open_alarms.insert(c.alarm.id, c.alarm.clone());
            } else {
                self.open_alarms.remove(&c.alarm.id);
            }
            let raised = matches!(c.transition, devices::Transition::Raised);
            let cleared = matches!(c.transition, devices::Transition::Cleared);
            if let (true, Some(id)) = (raised || cleared, c.alarm.key.source.device()) {
                facts.push(Fact::Alarm {
                    device: id.to_string(),
                    fault: c.alarm.key.fault.label_zh().to_owned(),
                    cleared,
                });
            }
        }
        self.figure_devices();
        for fact in facts {
            self.record_everywhere(fact, None, now).await;
        }
        self.observe().await;
    }

    /// A control command sent while incidents run lands on their timelines, once.
    async fn command_seen(&mut self, c: &devices::command::Command) {
        if !self.commands_seen.insert(c.id) {
            return;
        }
        while self.commands_seen.len() > 1_000 {
            self.commands_seen.pop_first();
        }
        let fact = Fact::Command {
            device: c.device.to_string(),
            command: c.action.label_zh().to_owned(),
        };
        self.record_everywhere(fact, Some(&c.by), self.clock.now())
            .await;
    }

    /// The queue's figures now.
    async fn read_queue(&mut self) {
        let now = self.clock.now();
        let state = self.driver.state.read().await;
        let q = &state.queue;
        self.figures.queues = q
            .config()
            .businesses
            .iter()
            .map(|b| {
                (
                    b.code.to_string(),
                    (q.waiting_count(b.code), q.longest_wait_secs(b.code, now)),
                )
            })
            .collect();
    }

    async fn queue_changed(&mut self, events: &[Event]) {
        self.read_queue().await;
        let now = self.clock.now();
        for e in events {
            let (Event::CounterOpened { counter, .. } | Event::CounterResumed { counter }) = e
            else {
                continue;
            };
            let by = match e {
                Event::CounterOpened { staff, .. } => Some(staff.to_string()),
                _ => None,
            };
            self.record_everywhere(
                Fact::CounterOpened {
                    counter: counter.get(),
                },
                by.as_deref(),
                now,
            )
            .await;
        }
        self.observe().await;
    }

    /// The whole hall's queue, for the timeline.
    fn queue_fact(&self) -> Fact {
        let (waiting, longest_wait_s) = self
            .figures
            .queues
            .values()
            .fold((0, 0), |(n, w), (bn, bw)| (n + bn, w.max(*bw)));
        Fact::Queue {
            waiting,
            longest_wait_s,
        }
    }

    /// Records a fact on every running incident that is not a drill.
    async fn record_everywhere(&mut self, fact: Fact, by: Option<&str>, now: i64) {
        for i in 0..self.incidents.len() {
            if self.incidents[i].0.drill {
                continue;
            }
            let fact = fact.clone();
            let _ = self
                .change(i, |inc| {
                    if inc.record(fact, by, now) {
                        Ok(())
                    } else {
                        Err(IncidentError::TimelineFull)
                    }
                })
                .await;
        }
    }

    /// Feeds the figures to the triggers; proposals and level hints follow.
    async fn observe(&mut self) {
        let now = self.clock.now();
        self.figures.area_outage = self
            .outages
            .iter()
            .any(|o| o.from_ms <= now && now < o.until_ms);
        let proposals = self.triggers.observe(&self.figures, now);
        for p in proposals {
            self.proposed(p).await;
        }
        for hint in self.triggers.take_hints() {
            let Some(i) = self
                .incidents
                .iter()
                .position(|(inc, _)| inc.plan.id == hint.plan && !inc.drill)
            else {
                continue;
            };
            let fact = self.queue_fact();
            let _ = self
                .change(i, |inc| {
                    inc.change_level(hint.up, None, now)?;
                    inc.record(fact, None, now);
                    Ok(())
                })
                .await;
        }
    }

    /// A trigger fired: a proposal, or an incident at once.
    async fn proposed(&mut self, p: Proposal) {
        let Some(plan) = self.usable().find(|x| x.id == p.plan).cloned() else {
            return;
        };
        tracing::info!(plan = %p.plan, reason = %p.reason, auto = p.auto, "a plan's trigger fired");
        if p.auto {
            if let Err(e) = self.open(plan, None, None, &p.reason, false).await {
                tracing::error!(error = %e, "a plan that starts itself could not start");
                self.triggers.release(&p.plan);
            }
            return;
        }
        self.proposals.retain(|x| x.plan != p.plan || x.drill);
        self.proposals.push(ProposalView {
            plan: plan.id.clone(),
            plan_name: plan.name.clone(),
            event: plan.event,
            level: plan.level,
            reason: p.reason,
            at: p.at,
            drill: false,
        });
        if self.proposals.len() > MAX_PROPOSALS {
            self.proposals.remove(0);
        }
    }

    async fn tick(&mut self) {
        let now = self.clock.now();
        for i in 0..self.incidents.len() {
            // Stored only when something escalates: most ticks change nothing.
            if !self.incidents[i].0.late(now).is_empty() {
                let _ = self
                    .change(i, |inc| {
                        inc.tick(now);
                        Ok(())
                    })
                    .await;
            }
        }
        self.read_queue().await;
        self.observe().await;
    }

    // ----- requests -------------------------------------------------------

    async fn handle(&mut self, req: Req) {
        match req {
            Req::Activate(a, by, reply) => {
                let _ = reply.send(self.activate(a, &by).await);
            }
            Req::Decline(plan, by, reply) => {
                let _ = reply.send(self.decline(&plan, &by));
            }
            Req::Drill(plan, by, reply) => {
                let _ = reply.send(self.drill(&plan, &by));
            }
            Req::PublicSafety(by, reply) => {
                let now = self.clock.now();
                tracing::warn!(by = %by.staff_no, "the public-safety button was pressed");
                for mut p in self.triggers.press_public_safety(now) {
                    p.reason = format!("{}（{} {}）", p.reason, by.name.as_str(), by.staff_no);
                    self.proposed(p).await;
                }
                let _ = reply.send(Ok(()));
            }
            Req::Act(id, act, by, reply) => {
                let _ = reply.send(self.act(id, act, &by).await);
            }
            Req::Nearby(halls) => self.nearby = halls,
        }
    }

    async fn activate(&mut self, a: Activate, by: &Account) -> Result<Incident, HallError> {
        if !commands(by.role) {
            return Err(HallError::Forbidden);
        }
        let plan = self
            .usable()
            .find(|p| p.id == a.plan)
            .cloned()
            .ok_or_else(unknown_plan)?;
        let proposal = self
            .proposals
            .iter()
            .position(|p| p.plan == a.plan && (p.drill || !a.drill));
        let drill = a.drill || proposal.is_some_and(|i| self.proposals[i].drill);
        if !drill
            && self
                .incidents
                .iter()
                .any(|(i, _)| i.plan.id == a.plan && !i.drill)
        {
            return Err(HallError::Input(
                StatusCode::CONFLICT,
                ErrorCode::PlanEngaged,
            ));
        }
        let reason = match (&a.reason, proposal) {
            (Some(r), _) if !r.trim().is_empty() => r.trim().chars().take(200).collect(),
            (_, Some(i)) => self.proposals[i].reason.clone(),
            _ if drill => "演练（手动启动）".to_owned(),
            _ => "手动启动".to_owned(),
        };
        let staff = by.staff_no.to_string();
        let incident = self
            .open(plan, a.level, Some(&staff), &reason, drill)
            .await?;
        if let Some(i) = proposal {
            self.proposals.remove(i);
        }
        Ok(incident)
    }

    /// Starts an incident of `plan` and stores it.
    async fn open(
        &mut self,
        plan: Plan,
        level: Option<Level>,
        by: Option<&str>,
        reason: &str,
        drill: bool,
    ) -> Result<Incident, HallError> {
        let now = self.clock.now();
        let level = level.unwrap_or(plan.level);
        let plan_id = plan.id.clone();
        let mut incident = Incident::activate(self.next_id, plan, level, by, reason, drill, now);
        incident.record(self.queue_fact(), None, now);
        self.save(&incident, 0).await?;
        self.next_id += 1;
        if !drill {
            self.triggers.engage(&plan_id);
        }
        let written = incident.timeline.len();
        self.incidents.push((incident.clone(), written));
        tracing::info!(incident = incident.id, plan = %plan_id, drill, "an incident started");
        Ok(incident)
    }

    fn decline(&mut self, plan: &str, by: &Account) -> Result<(), HallError> {
        if !commands(by.role) {
            return Err(HallError::Forbidden);
        }
        let i = self
            .proposals
            .iter()
            .position(|p| p.plan == plan)
            .ok_or_else(unknown_plan)?;
        let p = self.proposals.remove(i);
        if !p.drill {
            self.triggers.release(plan);
        }
        tracing::info!(plan, by = %by.staff_no, "a proposal was declined");
        Ok(())
    }

    fn drill(&mut self, plan: &str, by: &Account) -> Result<(), HallError> {
        if !commands(by.role) {
            return Err(HallError::Forbidden);
        }
        let plan = self
            .usable()
            .find(|p| p.id == plan)
            .cloned()
            .ok_or_else(unknown_plan)?;
        if self.proposals.iter().any(|p| p.plan == plan.id && p.drill) {
            return Err(HallError::Input(
                StatusCode::CONFLICT,
                ErrorCode::PlanEngaged,
            ));
        }
        self.proposals.push(ProposalView {
            plan: plan.id.clone(),
            plan_name: plan.name.clone(),
            event: plan.event,
            level: plan.level,
            reason: format!("演练：模拟触发（{} 发起）", by.name.as_str()),
            at: self.clock.now(),
            drill: true,
        });
        if self.proposals.len() > MAX_PROPOSALS {
            self.proposals.remove(0);
        }
        Ok(())
    }

    async fn act(
        &mut self,
        id: u64,
        act: IncidentAct,
        by: &Account,
    ) -> Result<Incident, HallError> {
        let i = self
            .incidents
            .iter()
            .position(|(inc, _)| inc.id == id)
            .ok_or(HallError::Input(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownIncident,
            ))?;
        let now = self.clock.now();
        let staff = by.staff_no.to_string();
        let role = by.role;
        match act {
            IncidentAct::Ack { step } => {
                let opens = {
                    let inc = &self.incidents[i].0;
                    !inc.drill
                        && role == Role::Clerk
                        && inc.plan.steps.iter().any(|s| {
                            s.id == step
                                && matches!(
                                    s.action,
                                    Some(::emergency::Action::OpenCounters { .. })
                                )
                        })
                };
                let incident = self
                    .change(i, |inc| inc.acknowledge(&step, role, &staff, now))
                    .await?;
                if opens {
                    self.back_to_counter(by).await;
                }
                Ok(incident)
            }
            IncidentAct::Level { up } => {
                if !commands(role) {
                    return Err(HallError::Forbidden);
                }
                let fact = self.queue_fact();
                self.change(i, |inc| {
                    inc.change_level(up, Some(&staff), now)?;
                    inc.record(fact, None, now);
                    Ok(())
                })
                .await
            }
            IncidentAct::HandOver { to } => {
                if !commands(role) {
                    return Err(HallError::Forbidden);
                }
                let to = to.trim().to_owned();
                let known = self
                    .store
                    .staff_names()
                    .await?
                    .into_iter()
                    .any(|(no, _)| no.as_str() == to);
                if !known {
                    return Err(HallError::Input(
                        StatusCode::NOT_FOUND,
                        ErrorCode::UnknownStaff,
                    ));
                }
                self.change(i, |inc| inc.hand_over(&to, &staff, now)).await
            }
            IncidentAct::Note { text } => {
                let involved = commands(role) || self.incidents[i].0.plan.roles.contains(&role);
                if !involved {
                    return Err(HallError::Forbidden);
                }
                self.change(i, |inc| inc.note(&text, &staff, now)).await
            }
            IncidentAct::Terminate { summary } => {
                if !commands(role) {
                    return Err(HallError::Forbidden);
                }
                let incident = self
                    .change(i, |inc| inc.terminate(&summary, &staff, now))
                    .await?;
                let (ended, _) = self.incidents.remove(i);
                if !ended.drill {
                    self.triggers.release(&ended.plan.id);
                }
                tracing::info!(incident = id, by = %staff, "an incident ended");
                Ok(incident)
            }
        }
    }

    /// A clerk on break who acknowledged 增开窗口 is back at the counter.
    async fn back_to_counter(&self, by: &Account) {
        let paused = {
            let state = self.driver.state.read().await;
            state
                .queue
                .counters()
                .into_iter()
                .find_map(|c| match &c.status {
                    CounterStatus::Paused { staff, .. } if *staff == by.staff_no => Some(c.no),
                    _ => None,
                })
        };
        if let Some(counter) = paused {
            if let Err(e) = self.driver.apply(queue::Command::Resume { counter }).await {
                tracing::warn!(error = %e, "the counter could not be opened again");
            }
        }
    }

    // ----- writing --------------------------------------------------------

    /// Applies `f` to running incident `i` and stores the result; when it is
    /// refused or cannot be stored, the incident stays as it was.
    async fn change(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut Incident) -> Result<(), IncidentError>,
    ) -> Result<Incident, HallError> {
        let (current, written) = &self.incidents[i];
        let mut next = current.clone();
        f(&mut next).map_err(refused)?;
        self.save(&next, *written).await?;
        let written = next.timeline.len();
        self.incidents[i] = (next.clone(), written);
        Ok(next)
    }

    async fn save(&self, incident: &Incident, written: usize) -> Result<(), HallError> {
        let now = self.clock.now();
        let driver = &self.driver;
        self.store
            .save_incident(incident, written, |state, lines| {
                let mut rows = Vec::with_capacity(lines.len() + 1);
                rows.extend(row(
                    driver.stamp(now),
                    ChangeKind::Incident,
                    state.id.to_string(),
                    state,
                ));
                for l in lines {
                    rows.extend(row(
                        driver.stamp(now),
                        ChangeKind::IncidentEntry,
                        format!("{}-{}", l.incident, l.seq),
                        l,
                    ));
                }
                rows
            })
            .await?;
        self.outbox.notify_one();
        Ok(())
    }

    // ----- output ---------------------------------------------------------

    /// Tells the screens what changed (compared in place: most ticks and
    /// queue events change nothing here, and the view is built only when
    /// something did; `at` alone changing is no news).
    fn publish(&self) {
        self.view_tx.send_if_modified(|old| {
            let same = old.plans == self.plans
                && old.proposals == self.proposals
                && old.incidents.len() == self.incidents.len()
                && old
                    .incidents
                    .iter()
                    .zip(&self.incidents)
                    .all(|(o, (i, _))| o == i)
                && old.figures == self.figures;
            if !same {
                *old = Arc::new(EmergencyView {
                    plans: self.plans.clone(),
                    proposals: self.proposals.clone(),
                    incidents: self.incidents.iter().map(|(i, _)| i.clone()).collect(),
                    figures: self.figures.clone(),
                    at: self.clock.now(),
                });
            }
            !same
        });
        let notice = self.notice();
        let _ = self.diverting_tx.send_if_modified(|d| {
            let now = notice.divert.is_some();
            std::mem::replace(d, now) != now
        });
        self.notice_tx.send_if_modified(|old| {
            let changed = **old != notice;
            if changed {
                *old = Arc::new(notice);
            }
            changed
        });
    }

    /// What the hall's screens show: the banner and divert of steps that are
    /// due (or done) in running incidents that are not drills.
    fn notice(&self) -> PublicNotice {
        let mut notice = PublicNotice::default();
        for (inc, _) in self.incidents.iter().filter(|(i, _)| !i.drill) {
            for step in &inc.plan.steps {
                let due = inc
                    .steps
                    .iter()
                    .any(|s| s.id == step.id && s.due_at.is_some());
                if !due {
                    continue;
                }
                match &step.action {
                    Some(::emergency::Action::Banner { text, voice })
                        if notice.banner.is_none() =>
                    {
                        notice.banner = Some(text.clone());
                        notice.voice = *voice;
                    }
                    Some(::emergency::Action::Divert) if notice.divert.is_none() => {
                        notice.divert = Some(Divert {
                            halls: self.nearby.clone(),
                            self_service: SELF_SERVICE.iter().map(|s| (*s).to_owned()).collect(),
                        });
                    }
                    _ => {}
                }
            }
        }
        notice
    }
}
