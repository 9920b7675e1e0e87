//! What a hall writes of an incident reads as the heads the province takes; a plan travels down whole.

use domain::Role;
use emergency::{Incident, Level, Line, Plan, Step};
use sync_proto::changes::{IncidentEntryHead, IncidentHead};
use sync_proto::owned::PlanRecord;
use sync_proto::Change;
use sync_proto::Payload;

fn plan() -> Plan {
    Plan {
        id: "surge".into(),
        name: "客户排队过多".into(),
        event: emergency::EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Supervisor],
        steps: vec![Step {
            id: "open".into(),
            title: "增开窗口".into(),
            ack_by: vec![Role::Supervisor],
            action: Some(emergency::Action::OpenCounters { count: 2 }),
            after: vec![],
            escalate_after_s: 120,
        }],
        triggers: vec![],
        auto_activate: false,
    }
}

fn change(kind: &str, key: &str, body: &impl serde::Serialize) -> Change {
    let text = serde_json::to_string(body).unwrap();
    serde_json::from_value(serde_json::json!({
        "seq": 1,
        "kind": kind,
        "key": key,
        "hlc": {"wall_ms": 1_800_000_000_000i64, "counter": 0, "node": "hall:H0101"},
        "body": serde_json::from_str::<serde_json::Value>(&text).unwrap(),
    }))
    .unwrap()
}

#[test]
fn an_incident_and_its_lines_read_as_their_heads() {
    let mut i = Incident::activate(7, plan(), Level::III, Some("3001"), "排队", false, 1_000);
    i.terminate("已恢复", "3001", 9_000).unwrap();
    let lines: Vec<Line> = i
        .timeline
        .iter()
        .enumerate()
        .map(|(n, e)| Line {
            incident: 7,
            seq: n as u32,
            entry: e.clone(),
        })
        .collect();
    let mut without = i.clone();
    without.timeline.clear();
    let Ok(Payload::Incident(head)) = change("incident", "7", &without).payload() else {
        panic!("an incident reads as its head");
    };
    assert_eq!(
        head,
        IncidentHead {
            id: 7,
            plan: sync_proto::changes::PlanHead {
                id: "surge".into(),
                name: "客户排队过多".into(),
                event: "queue_surge".into(),
            },
            level: "III".into(),
            drill: false,
            started_at: 1_000,
            duty: "3001".into(),
            ended: Some(sync_proto::changes::IncidentEndHead {
                at: 9_000,
                by: "3001".into(),
                summary: "已恢复".into(),
            }),
        }
    );
    let last = lines.last().unwrap();
    let Ok(Payload::IncidentEntry(h)) = change("incident_entry", "7-3", last).payload() else {
        panic!("a line reads as its head");
    };
    assert_eq!(
        h,
        IncidentEntryHead {
            incident: 7,
            seq: last.seq,
            at: 9_000
        }
    );
    // And the line reads back whole.
    let back: Line = serde_json::from_str(&serde_json::to_string(last).unwrap()).unwrap();
    assert_eq!(&back, last);
}

#[test]
fn a_plan_travels_down_whole() {
    let record = PlanRecord {
        plan: plan(),
        withdrawn: false,
    };
    let fields = sync_proto::owned::stamp(
        sync_proto::owned::values_of(&record),
        &sync_proto::Hlc {
            wall_ms: 1,
            counter: 0,
            node: "province".into(),
        },
        true,
    );
    let back: PlanRecord = sync_proto::owned::read(&fields).unwrap();
    assert_eq!(back, record);
}
