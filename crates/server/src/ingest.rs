//! What a hall's accepted changes become at the province: each kind read as its `sync_proto::changes` payload and stored, with the origin's new mark, in one transaction.

use crate::db;
use crate::db::devices::{AlarmRow, CommandRow, DeviceRow};
use crate::db::emergency::{EntryRow, IncidentRow};
use crate::db::sync::{NewMark, TicketRow, UpdateRow};
use crate::db::video::{AccessRow, LockRow};
use crate::{now_ms, owned, AppState};
use sync_proto::owned::OwnedKind;
use sync_proto::{Accepted, ChangeKind, Hlc, Payload, Refusal, UploadBatch};

/// Sorts like the timestamp itself.
fn hlc_key(h: &Hlc) -> String {
    format!("{:015}:{:010}:{}", h.wall_ms.max(0), h.counter, h.node)
}

/// Each change of an accepted batch read once, as its kind says (`None`:
/// a counter event, kept as it came, or a body that does not hold its kind).
pub struct Read(Vec<Option<Payload>>);

/// Reads every change of the batch, and refuses the batch when a change
/// this version stores lacks what it is stored by (today: a ticket without
/// its id, number, business or state).
pub fn check(accepted: &Accepted) -> Result<Read, Refusal> {
    let mut read = Vec::with_capacity(accepted.apply.len());
    for c in &accepted.apply {
        let payload = match c.change_kind() {
            ChangeKind::CounterEvent => None,
            _ => c.payload().ok(),
        };
        let stored_by_id = |p: &Option<Payload>| matches!(p, Some(Payload::Ticket(t)) if i64::try_from(t.ticket.id).is_ok());
        if c.change_kind() == ChangeKind::Ticket && !stored_by_id(&payload) {
            return Err(Refusal::Malformed {
                reason: format!("ticket change {} lacks id, no, business or state", c.seq),
            });
        }
        read.push(payload);
    }
    Ok(Read(read))
}

/// Stores the new changes and the new mark in one transaction, if the mark is
/// still `previous` (`None`: no mark yet); `false` when another upload moved it first.
pub async fn store(
    s: &AppState,
    hall: &str,
    batch: &UploadBatch,
    previous: Option<u64>,
    accepted: &Accepted,
    read: Read,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let mut tx = s.pool.begin().await?;
    // The mark first: its row lock orders racing uploads of one origin.
    let mark = NewMark {
        origin: &batch.origin,
        hall,
        applied_through: accepted.applied_through,
        at_ms: now,
        applied: accepted.apply.len() as u64,
        head: batch.head.max(accepted.applied_through),
    };
    if !db::sync::claim_mark(&mut tx, previous, &mark).await? {
        return Ok(false);
    }
    let mut fed = false;
    for (c, payload) in accepted.apply.iter().zip(read.0) {
        let hlc = hlc_key(&c.hlc);
        if c.change_kind() == ChangeKind::CounterEvent {
            // Kept as it came, once: the province reads nothing of it.
            db::sync::put_counter_event(&mut tx, hall, &c.key, &hlc, c.body.as_str()).await?;
            continue;
        }
        // A body that does not hold what its kind needs is acknowledged and
        // not stored, as a kind this version does not know (tickets were checked).
        let Some(payload) = payload else {
            continue;
        };
        match payload {
            Payload::Ticket(t) => {
                let Ok(id) = i64::try_from(t.ticket.id) else {
                    continue;
                };
                let row = TicketRow {
                    hall,
                    id,
                    hlc: &hlc,
                    day: t.day,
                    no: &t.ticket.no,
                    business: &t.ticket.business,
                    state: t.ticket.state.state.as_str(),
                    body: c.body.as_str(),
                };
                db::sync::put_ticket(&mut tx, &row).await?;
            }
            Payload::StaffPassword(p) => {
                if !p.password_hash.starts_with("$argon2") {
                    continue;
                }
                let mut values = serde_json::Map::new();
                values.insert("password_hash".into(), p.password_hash.into());
                fed |=
                    owned::merge_from_hall(&mut tx, hall, OwnedKind::Staff, &c.key, values, &c.hlc)
                        .await?;
            }
            Payload::UpdateStatus(u) => {
                // A PC of this hall reporting on updating; other halls' PCs are not this hall's to report.
                if !sync_proto::origin_in_hall(&c.key, hall) {
                    continue;
                }
                let row = UpdateRow {
                    node: &c.key,
                    hall,
                    current_version: &u.current_version,
                    offered: u.offered.as_deref(),
                    state: u.state.as_str(),
                    detail: u.detail.as_deref(),
                    at_ms: c.hlc.wall_ms,
                };
                db::sync::put_update_status(&mut tx, &row).await?;
            }
            Payload::Device(d) => {
                // A device is stored by its id: a change keyed otherwise is not this device's.
                if d.device.id != c.key {
                    continue;
                }
                let row = DeviceRow {
                    hall,
                    id: &d.device.id,
                    hlc: &hlc,
                    kind: d.device.kind.as_str(),
                    name: &d.device.name,
                    added_at_ms: d.added_at,
                    revoked_at_ms: d.revoked_at,
                    removed_at_ms: d.removed.then_some(c.hlc.wall_ms),
                    body: c.body.as_str(),
                };
                db::devices::put_device(&mut tx, &row).await?;
            }
            Payload::Alarm(a) => {
                let Ok(id) = i64::try_from(a.id) else {
                    continue;
                };
                if a.id.to_string() != c.key {
                    continue;
                }
                let (source_kind, source) = a.key.source.columns();
                let row = AlarmRow {
                    hall,
                    id,
                    hlc: &hlc,
                    source_kind,
                    source,
                    fault: &a.key.fault,
                    severity: a.severity.as_str(),
                    state: a.state.as_str(),
                    raised_at_ms: a.raised_at,
                    cleared_at_ms: a.cleared.as_ref().map(|c| c.at),
                    body: c.body.as_str(),
                };
                db::devices::put_alarm(&mut tx, &row).await?;
            }
            Payload::DeviceCommand(d) => {
                let Ok(id) = i64::try_from(d.id) else {
                    continue;
                };
                if d.id.to_string() != c.key {
                    continue;
                }
                let row = CommandRow {
                    hall,
                    id,
                    hlc: &hlc,
                    device: &d.device,
                    by_staff: &d.by,
                    state: &d.state.state,
                    requested_at_ms: d.requested_at,
                    body: c.body.as_str(),
                };
                db::devices::put_command(&mut tx, &row).await?;
            }
            Payload::VideoAccess(v) => {
                let Ok(id) = i64::try_from(v.id) else {
                    continue;
                };
                if v.id.to_string() != c.key {
                    continue;
                }
                let row = AccessRow {
                    hall,
                    id,
                    hlc: &hlc,
                    at_ms: v.at,
                    by_staff: &v.by,
                    camera: &v.camera,
                    access: &v.access,
                    body: c.body.as_str(),
                };
                db::video::put_access(&mut tx, &row).await?;
            }
            Payload::EvidenceLock(l) => {
                let Ok(id) = i64::try_from(l.id) else {
                    continue;
                };
                if l.id.to_string() != c.key {
                    continue;
                }
                let row = LockRow {
                    hall,
                    id,
                    hlc: &hlc,
                    camera: &l.camera,
                    by_staff: &l.by,
                    at_ms: l.at,
                    unlocked_at_ms: l.unlocked.as_ref().map(|u| u.at),
                    body: c.body.as_str(),
                };
                db::video::put_lock(&mut tx, &row).await?;
            }
            Payload::Incident(i) => {
                let Ok(id) = i64::try_from(i.id) else {
                    continue;
                };
                if i.id.to_string() != c.key {
                    continue;
                }
                let row = IncidentRow {
                    hall,
                    id,
                    hlc: &hlc,
                    plan_id: &i.plan.id,
                    plan_name: &i.plan.name,
                    event: &i.plan.event,
                    level: &i.level,
                    drill: i.drill,
                    started_at_ms: i.started_at,
                    duty: &i.duty,
                    ended_at_ms: i.ended.as_ref().map(|e| e.at),
                    body: c.body.as_str(),
                };
                db::emergency::put_incident(&mut tx, &row).await?;
            }
            Payload::IncidentEntry(e) => {
                let Ok(incident) = i64::try_from(e.incident) else {
                    continue;
                };
                // A line is stored by its incident and place: a change keyed otherwise is not this line's.
                if format!("{}-{}", e.incident, e.seq) != c.key {
                    continue;
                }
                let row = EntryRow {
                    hall,
                    incident,
                    seq: i64::from(e.seq),
                    at_ms: e.at,
                    body: c.body.as_str(),
                };
                db::emergency::put_entry(&mut tx, &row).await?;
            }
            Payload::CustomerAccess(a) => {
                let Ok(id) = i64::try_from(a.id) else {
                    continue;
                };
                if a.id.to_string() != c.key {
                    continue;
                }
                let row = db::customers::AccessRow {
                    hall,
                    id,
                    hlc: &hlc,
                    at_ms: a.at,
                    by_staff: &a.by,
                    what: &a.what,
                    account: a.account.as_deref(),
                    body: c.body.as_str(),
                };
                db::customers::put_access(&mut tx, &row).await?;
            }
            // A kind this version does not know yet: acknowledged (the version check guards meaning).
            Payload::CounterEvent(_) | Payload::Unknown(_) => {}
        }
    }
    db::sync::touch_hall(&mut tx, hall, now).await?;
    tx.commit().await?;
    if fed {
        s.fed.notify_waiters();
    }
    Ok(true)
}
