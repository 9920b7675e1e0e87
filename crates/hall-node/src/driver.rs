//! The queue driver: the one writer of a hall's queue, with group commit and replay.
//!
//! Commands arrive on a channel. The driver takes every command waiting,
//! applies them to the engine, writes the accepted ones to the journal in
//! one transaction, and only then answers and broadcasts their events. So an
//! answer means the command is on disk, and many counters share one fsync.
//! On start (and if a write fails) the state is rebuilt by replaying the
//! journal of the current business day.

use crate::clock::Clock;
use crate::error::HallError;
use ipc::hall::{CallView, SupervisorNotice};
use queue::{Command, CounterNo, CounterStatus, Event, HallQueue, QueueConfig};
use std::collections::VecDeque;
use std::sync::Arc;
use store::hall::{AuditRow, JournalRow};
use store::Store;
use sync_proto::HlcClock;
use tokio::sync::{broadcast, mpsc, oneshot, watch, RwLock};

/// Commands taken into one transaction at most.
const BATCH: usize = 512;
/// The clock difference to a peer that replication tolerates.
const HLC_TOLERANCE_MS: i64 = 5 * 60 * 1000;
/// Calls the display remembers.
const RECENT_CALLS: usize = 10;

/// What readers see: the queue and the display's recent calls.
pub struct Shared {
    pub queue: HallQueue,
    pub recent_calls: VecDeque<CallView>,
}

/// A command's events, and its audit notice when a supervisor gave it.
type Applied = (Vec<Event>, Option<SupervisorNotice>);

enum Job {
    /// A command, with the supervisor's notice to audit it by (its `id`,
    /// `at` and `clerk` are filled in here).
    Apply(
        Command,
        Option<Box<SupervisorNotice>>,
        oneshot::Sender<Result<Applied, HallError>>,
    ),
    RollDay(u32, oneshot::Sender<Result<(), HallError>>),
}

#[derive(Clone)]
pub struct Driver {
    jobs: mpsc::Sender<Job>,
    pub state: Arc<RwLock<Shared>>,
    pub events: broadcast::Sender<Arc<Vec<Event>>>,
    /// Supervisors' actions, once audited (after the events they caused).
    pub notices: broadcast::Sender<SupervisorNotice>,
    /// This node's replication clock, shared with other writers of the outbox.
    hlc: Arc<std::sync::Mutex<HlcClock>>,
}

impl Driver {
    /// Rebuilds today's queue from the journal and starts the writer task.
    /// `node` names this node in replication (`hall:H0101`); `config` is the
    /// set-up a new business day opens with (it may change between days).
    pub async fn start(
        store: Store,
        config: watch::Receiver<QueueConfig>,
        clock: Clock,
        node: String,
    ) -> Result<Self, HallError> {
        // Cloned first: a borrow held across the await would make this future not `Send`.
        let initial = config.borrow().clone();
        let queue = recover(&store, &initial, &clock).await?;
        let hlc = match store.outbox_head().await? {
            Some((_, last)) => {
                let last: sync_proto::Hlc =
                    serde_json::from_str(&last).map_err(HallError::internal)?;
                HlcClock::resume(node, HLC_TOLERANCE_MS, &last)
            }
            None => HlcClock::new(node, HLC_TOLERANCE_MS),
        };
        let state = Arc::new(RwLock::new(Shared {
            queue,
            recent_calls: VecDeque::new(),
        }));
        let (jobs, rx) = mpsc::channel(4096);
        let (events, _) = broadcast::channel(1024);
        let (notices, _) = broadcast::channel(256);
        let driver = Self {
            jobs,
            state,
            events,
            notices,
            hlc: Arc::new(std::sync::Mutex::new(hlc)),
        };
        tokio::spawn(writer(rx, store, config, clock.clone(), driver.clone()));
        // Move to today if the journal ended on an earlier day.
        let today = clock.day();
        if driver.state.read().await.queue.day() < today {
            let _ = driver.roll_day(today).await;
        }
        tokio::spawn(day_watch(driver.clone(), clock));
        Ok(driver)
    }

    /// Applies `cmd`; `Ok` means it is durable.
    pub async fn apply(&self, cmd: Command) -> Result<Vec<Event>, HallError> {
        self.send(cmd, None).await.map(|(events, _)| events)
    }

    /// Applies a supervisor's `cmd` and writes `notice` to the audit trail in
    /// the same transaction; answers the notice as recorded.
    pub async fn apply_audited(
        &self,
        cmd: Command,
        notice: SupervisorNotice,
    ) -> Result<(Vec<Event>, SupervisorNotice), HallError> {
        let (events, notice) = self.send(cmd, Some(notice)).await?;
        let notice =
            notice.ok_or_else(|| HallError::internal("audited command lost its notice"))?;
        Ok((events, notice))
    }

    async fn send(
        &self,
        cmd: Command,
        notice: Option<SupervisorNotice>,
    ) -> Result<Applied, HallError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Apply(cmd, notice.map(Box::new), tx))
            .await
            .map_err(|_| HallError::Unavailable)?;
        rx.await.map_err(|_| HallError::Unavailable)?
    }

    /// A replication timestamp for a change written outside the queue (a password change).
    pub fn stamp(&self, now_ms: i64) -> sync_proto::Hlc {
        self.hlc
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .tick(now_ms)
    }

    /// Closes the current business day and opens `day`.
    pub async fn roll_day(&self, day: u32) -> Result<(), HallError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::RollDay(day, tx))
            .await
            .map_err(|_| HallError::Unavailable)?;
        rx.await.map_err(|_| HallError::Unavailable)?
    }
}

/// The state of the journal's last day, or a fresh day when there is none.
async fn recover(
    store: &Store,
    config: &QueueConfig,
    clock: &Clock,
) -> Result<HallQueue, HallError> {
    let Some(last) = store.journal_last_day().await? else {
        let today = clock.day();
        let json = serde_json::to_string(config).map_err(HallError::internal)?;
        store.journal_open_day(today, 1, &json).await?;
        return HallQueue::new(config.clone(), today, 1).map_err(HallError::internal);
    };
    let config: QueueConfig = serde_json::from_str(&last.config).map_err(HallError::internal)?;
    let mut queue = HallQueue::new(config, last.day, last.first_id).map_err(HallError::internal)?;
    for row in store.journal_day(last.day).await? {
        let cmd: Command = serde_json::from_str(&row.command).map_err(HallError::internal)?;
        queue
            .apply(&cmd, row.at_ms)
            .map_err(|e| HallError::internal(format!("journal replay refused {cmd:?}: {e:?}")))?;
    }
    Ok(queue)
}

async fn writer(
    mut rx: mpsc::Receiver<Job>,
    store: Store,
    config: watch::Receiver<QueueConfig>,
    clock: Clock,
    driver: Driver,
) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut state = driver.state.write().await;
        let mut rows = Vec::new();
        let mut changes = Vec::new();
        let mut audits = Vec::new();
        let mut answers = Vec::new();
        let mut rolls = Vec::new();
        for job in batch {
            match job {
                Job::Apply(cmd, notice, reply) => {
                    let now = clock.now();
                    // Serialized first: a command that cannot be journaled is not applied.
                    let command = match serde_json::to_string(&cmd) {
                        Ok(c) => c,
                        Err(e) => {
                            answers.push((reply, Err(HallError::internal(e)), None));
                            continue;
                        }
                    };
                    // Whose counter it is, read before the command changes it.
                    let notice = notice.map(|n| SupervisorNotice {
                        at: now,
                        clerk: n.counter.and_then(|c| staff_at(&state.queue, c)),
                        ..*n
                    });
                    match state.queue.apply(&cmd, now) {
                        Ok(events) => {
                            let mut hlc = driver.hlc.lock().unwrap_or_else(|p| p.into_inner());
                            changes.extend(crate::changes::of_events(
                                &state.queue,
                                &events,
                                now,
                                &mut hlc,
                            ));
                            drop(hlc);
                            if let Some(n) = &notice {
                                audits.push((rows.len(), audit_row(n)));
                            }
                            rows.push(JournalRow {
                                at_ms: now,
                                command,
                            });
                            answers.push((reply, Ok(events), notice));
                        }
                        Err(e) => answers.push((reply, Err(HallError::Queue(e)), None)),
                    }
                }
                Job::RollDay(day, reply) => rolls.push((day, reply)),
            }
        }
        let day = state.queue.day();
        let mut audit_ids = Vec::new();
        if !rows.is_empty() {
            match store
                .journal_append_audited(day, &rows, &changes, &audits)
                .await
            {
                Ok(ids) => audit_ids = ids,
                Err(e) => {
                    tracing::error!(error = %e, "a journal write failed; rebuilding from the journal");
                    let config = config.borrow().clone();
                    match recover(&store, &config, &clock).await {
                        Ok(q) => state.queue = q,
                        Err(e) => tracing::error!(error = %e, "recovery failed"),
                    }
                    for (reply, _, _) in answers {
                        let _ = reply.send(Err(HallError::Unavailable));
                    }
                    continue;
                }
            }
        }
        let mut all = Vec::new();
        let mut notices = Vec::new();
        let mut ids = audit_ids.into_iter();
        for (reply, result, notice) in answers {
            // Audit numbers come back in the order the audited commands were accepted.
            let notice = notice.map(|n| SupervisorNotice {
                id: ids.next().unwrap_or_default(),
                ..n
            });
            if let Ok(events) = &result {
                all.extend(events.iter().cloned());
                notices.extend(notice.clone());
            }
            let _ = reply.send(result.map(|events| (events, notice)));
        }
        for (day, reply) in rolls {
            let config = config.borrow().clone();
            let result = roll(&mut state.queue, &store, &config, &clock, &driver.hlc, day).await;
            if let Ok(events) = &result {
                all.extend(events.iter().cloned());
            }
            let _ = reply.send(result.map(|_| ()));
        }
        note_calls(&mut state, &all);
        drop(state);
        if !all.is_empty() {
            let _ = driver.events.send(Arc::new(all));
        }
        for n in notices {
            let _ = driver.notices.send(n);
        }
    }
}

/// The clerk signed in at `counter`, if any.
fn staff_at(queue: &HallQueue, counter: CounterNo) -> Option<domain::StaffNo> {
    match queue.counter_status(counter)? {
        CounterStatus::Open { staff, .. } | CounterStatus::Paused { staff, .. } => {
            Some(staff.clone())
        }
        CounterStatus::Closed => None,
    }
}

fn audit_row(n: &SupervisorNotice) -> AuditRow {
    AuditRow {
        at_ms: n.at,
        staff_no: n.staff_no.clone(),
        staff_name: n.staff_name.clone(),
        action: n.action.code().to_owned(),
        counter: n.counter.map(CounterNo::get),
        clerk: n.clerk.clone(),
        ticket: n.ticket.map(|t| t.to_string()),
        to_business: n.to_business.map(|b| b.to_string()),
        reason: n.reason.clone(),
    }
}

/// Closes the queue's day (journaled) and starts `day` with the current configuration.
async fn roll(
    queue: &mut HallQueue,
    store: &Store,
    config: &QueueConfig,
    clock: &Clock,
    hlc: &std::sync::Mutex<HlcClock>,
    day: u32,
) -> Result<Vec<Event>, HallError> {
    if day <= queue.day() {
        return Ok(Vec::new());
    }
    let now = clock.now();
    let mut closing = queue.clone();
    let events = if closing.is_open() {
        let events = closing.apply(&Command::CloseDay, now)?;
        let row = JournalRow {
            at_ms: now,
            command: serde_json::to_string(&Command::CloseDay).map_err(HallError::internal)?,
        };
        let changes = {
            let mut hlc = hlc.lock().unwrap_or_else(|p| p.into_inner());
            crate::changes::of_events(&closing, &events, now, &mut hlc)
        };
        store.journal_append(queue.day(), &[row], &changes).await?;
        events
    } else {
        Vec::new()
    };
    let json = serde_json::to_string(config).map_err(HallError::internal)?;
    store
        .journal_open_day(day, closing.next_id(), &json)
        .await?;
    *queue = HallQueue::new(config.clone(), day, closing.next_id()).map_err(HallError::internal)?;
    Ok(events)
}

fn note_calls(state: &mut Shared, events: &[Event]) {
    for e in events {
        if let Event::Called {
            no,
            counter,
            recall,
            ..
        } = e
        {
            let at = match state
                .queue
                .tickets()
                .find(|t| t.no == *no)
                .map(|t| &t.state)
            {
                Some(queue::TicketState::Called { at, .. }) => *at,
                _ => 0,
            };
            state.recent_calls.push_front(CallView {
                no: *no,
                counter: *counter,
                at,
                recall: *recall,
            });
            state.recent_calls.truncate(RECENT_CALLS);
        }
        if matches!(e, Event::DayClosed { .. }) {
            state.recent_calls.clear();
        }
    }
}

/// Rolls the business day over when the clock passes midnight (retrying while counters are busy).
async fn day_watch(driver: Driver, clock: Clock) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        let today = clock.day();
        if driver.state.read().await.queue.day() < today {
            if let Err(e) = driver.roll_day(today).await {
                tracing::warn!(error = %e, "the day roll-over is postponed");
            }
        }
    }
}
