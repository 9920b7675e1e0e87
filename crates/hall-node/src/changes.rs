//! What a hall sends up: replication changes derived from queue events.
//!
//! Every event that changes a ticket yields a snapshot of the whole ticket
//! (kind `ticket`, key = its id, which is unique in the hall across days), so
//! the receiver keeps the latest one and has the ticket, its service and its
//! rating. Counter openings, pauses (with the reason), resumptions and
//! sign-offs are records of their own (kind `counter_event`).

use queue::{Event, HallQueue, TicketId, TicketState};
use serde_json::{json, Value};
use store::hall::OutboxRow;
use sync_proto::HlcClock;

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
            out.push(row(
                clock.tick(now),
                "ticket",
                id.0.to_string(),
                json!({ "day": queue.day(), "ticket": t }),
            ));
        }
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
            Event::CounterOpened { counter, staff } => out.push(counter_event(
                clock,
                now,
                json!({ "counter": counter, "event": "opened", "staff": staff, "at": now }),
            )),
            Event::CounterPaused { counter, reason } => out.push(counter_event(
                clock,
                now,
                json!({ "counter": counter, "event": "paused", "reason": reason, "at": now }),
            )),
            Event::CounterResumed { counter } => out.push(counter_event(
                clock,
                now,
                json!({ "counter": counter, "event": "resumed", "at": now }),
            )),
            Event::CounterClosed { counter } => out.push(counter_event(
                clock,
                now,
                json!({ "counter": counter, "event": "closed", "at": now }),
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

fn counter_event(clock: &mut HlcClock, now: i64, body: Value) -> OutboxRow {
    let hlc = clock.tick(now);
    // The timestamp is unique per event on this node: it makes the key.
    let key = format!("{}-{}-{}", body["counter"], hlc.wall_ms, hlc.counter);
    row(hlc, "counter_event", key, body)
}

fn row(hlc: sync_proto::Hlc, kind: &str, key: String, body: Value) -> OutboxRow {
    OutboxRow {
        seq: 0,
        hlc: serde_json::to_string(&hlc).unwrap_or_default(),
        kind: kind.to_owned(),
        key,
        body: body.to_string(),
    }
}
