//! What a hall sends up: replication changes derived from queue events.
//!
//! Every event that changes a ticket yields a snapshot of the whole ticket
//! (kind `ticket`, key = its id, which is unique in the hall across days), so
//! the receiver keeps the latest one and has the ticket, its service and its
//! rating. Counter openings, pauses (with the reason), resumptions and
//! sign-offs are records of their own (kind `counter_event`).

use queue::{Event, HallQueue, TicketId, TicketState};
use serde::Serialize;
use store::hall::OutboxRow;
use sync_proto::changes::{CounterEvent, CounterEventKind, TicketChange};
use sync_proto::{ChangeKind, HlcClock};

/// Changes of `events`, taken right after the command that caused them, stamped by `clock`.
pub fn of_events(
    queue: &HallQueue,
    events: &[Event],
    now: i64,
    clock: &mut HlcClock,
) -> Vec<OutboxRow> {
    let mut out = Vec::new();
    let ticket = |id: TicketId, out: &mut Vec<OutboxRow>, clock: &mut HlcClock| {
        if let Some(t) = queue.ticket(id) {
            let change = TicketChange {
                day: i64::from(queue.day()),
                ticket: t,
            };
            out.extend(row(
                clock.tick(now),
                ChangeKind::Ticket,
                id.0.to_string(),
                &change,
            ));
        }
    };
    let counter = |counter: &queue::CounterNo, event| CounterEvent {
        counter: counter.get(),
        event,
        staff: None,
        reason: None,
        at: now,
    };
    for e in events {
        match e {
            Event::Issued { ticket: t, .. } => ticket(t.id, &mut out, clock),
            Event::Called { ticket: id, .. }
            | Event::NoShow { ticket: id, .. }
            | Event::Transferred { ticket: id, .. }
            | Event::Started { ticket: id, .. }
            | Event::Finished { ticket: id, .. }
            | Event::Rated { ticket: id, .. }
            | Event::RatingMissed { ticket: id, .. } => ticket(*id, &mut out, clock),
            Event::CounterOpened { counter: c, staff } => out.extend(counter_event(
                clock,
                now,
                CounterEvent {
                    staff: Some(staff.as_str().to_owned()),
                    ..counter(c, CounterEventKind::Opened)
                },
            )),
            Event::CounterPaused { counter: c, reason } => out.extend(counter_event(
                clock,
                now,
                CounterEvent {
                    reason: Some(reason.clone()),
                    ..counter(c, CounterEventKind::Paused)
                },
            )),
            Event::CounterResumed { counter: c } => out.extend(counter_event(
                clock,
                now,
                counter(c, CounterEventKind::Resumed),
            )),
            Event::CounterClosed { counter: c } => out.extend(counter_event(
                clock,
                now,
                counter(c, CounterEventKind::Closed),
            )),
            Event::DayClosed { .. } => {
                let expired: Vec<TicketId> = queue
                    .tickets()
                    .filter(|t| matches!(t.state, TicketState::Expired { at } if at == now))
                    .map(|t| t.id)
                    .collect();
                for id in expired {
                    ticket(id, &mut out, clock);
                }
            }
            Event::DayOpened { .. } => {}
        }
    }
    out
}

fn counter_event(clock: &mut HlcClock, now: i64, event: CounterEvent) -> Option<OutboxRow> {
    let hlc = clock.tick(now);
    // The timestamp is unique per event on this node: it makes the key.
    let key = format!("{}-{}-{}", event.counter, hlc.wall_ms, hlc.counter);
    row(hlc, ChangeKind::CounterEvent, key, &event)
}

/// The outbox row of a change; `None` (logged) if it cannot be written out.
pub(crate) fn row(
    hlc: sync_proto::Hlc,
    kind: ChangeKind,
    key: String,
    body: &impl Serialize,
) -> Option<OutboxRow> {
    let texts = serde_json::to_string(&hlc).and_then(|hlc| Ok((hlc, serde_json::to_string(body)?)));
    match texts {
        Ok((hlc, body)) => Some(OutboxRow {
            seq: 0,
            hlc,
            kind: kind.as_str().to_owned(),
            key,
            body,
        }),
        Err(e) => {
            tracing::error!(%kind, %key, error = %e, "a change cannot be written out");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use queue::{BusinessCode, Command, CounterNo, QueueConfig};
    use serde_json::{json, Value};

    /// The changes of one command, with their bodies read back as JSON.
    fn run(
        q: &mut HallQueue,
        cmd: Command,
        now: i64,
        clock: &mut HlcClock,
    ) -> Vec<(String, Value)> {
        let events = q.apply(&cmd, now).unwrap();
        of_events(q, &events, now, clock)
            .into_iter()
            .map(|r| (r.kind, serde_json::from_str(&r.body).unwrap()))
            .collect()
    }

    /// The bodies are what the hall wrote before they were typed (as recorded
    /// in sync-proto's fixtures), so a province of any version reads them.
    #[test]
    fn the_changes_carry_the_bodies_they_always_did() {
        let mut q = HallQueue::new(QueueConfig::demo(), 20790, 1).unwrap();
        let mut clock = HlcClock::new("hall:H0101", 300_000);
        let counter = CounterNo::new(1).unwrap();
        let staff = domain::StaffNo::parse("1001").unwrap();
        let a = BusinessCode::parse("A").unwrap();
        let open = Command::OpenCounter {
            counter,
            staff: staff.clone(),
        };
        assert_eq!(
            run(&mut q, open, 5, &mut clock),
            [(
                "counter_event".to_owned(),
                json!({"counter": 1, "event": "opened", "staff": "1001", "at": 5})
            )]
        );
        let pause = Command::Pause {
            counter,
            reason: "休息".into(),
        };
        assert_eq!(
            run(&mut q, pause, 6, &mut clock)[0].1,
            json!({"counter": 1, "event": "paused", "reason": "休息", "at": 6})
        );
        assert_eq!(
            run(&mut q, Command::Resume { counter }, 7, &mut clock)[0].1,
            json!({"counter": 1, "event": "resumed", "at": 7})
        );
        let issue = Command::Issue {
            business: a,
            priority: "normal".into(),
            customer: None,
            granted_by: None,
        };
        let changes = run(&mut q, issue, 8, &mut clock);
        let (kind, body) = &changes[0];
        assert_eq!(kind, "ticket");
        let ticket = q.tickets().next().unwrap();
        assert_eq!(
            body,
            &json!({"day": 20790, "ticket": serde_json::to_value(ticket).unwrap()})
        );
        assert_eq!(body["ticket"]["state"]["state"], "waiting");
        assert_eq!(
            run(&mut q, Command::CloseCounter { counter }, 9, &mut clock)[0].1,
            json!({"counter": 1, "event": "closed", "at": 9})
        );
    }
}
