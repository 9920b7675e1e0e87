//! Wire fixtures: what today's hall node and province send each other, recorded, must stay readable by both ends; so must what a newer one may send.
//!
//! `exchanges.json` was recorded through a proxy between a hall node and a
//! province (every change kind, pulls, update offers), `refusals.json` holds
//! the province's refusals, `newer.json` (by hand) fields, kinds and states
//! this version does not know; `devices.json` the registry and alarm changes
//! of a hall (written as the hall's `devices` types serialize, which a test
//! checks) and a newer hall's unknowns among them.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sync_proto::changes::*;
use sync_proto::*;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Reads `v` as `T`, and checks that writing it again gives back what was recorded.
fn same<T: DeserializeOwned + Serialize>(v: &Value) -> T {
    let t: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
    assert_eq!(&serde_json::to_value(&t).unwrap(), v, "nothing is lost");
    t
}

#[test]
fn every_recorded_exchange_still_reads_at_both_ends() {
    let mut kinds = std::collections::HashSet::new();
    let mut states = std::collections::HashSet::new();
    let mut offers = 0;
    let mut records = 0;
    for e in fixture("exchanges.json").as_array().unwrap() {
        let (request, answer) = (&e["request"], &e["answer"]);
        match e["path"].as_str().unwrap() {
            "/sync/v1/upload" => {
                let batch: UploadBatch = same(request);
                assert!(matches!(same(answer), UploadReply::Ack { .. }));
                for c in &batch.changes {
                    assert_eq!(c.check(), Ok(()));
                    kinds.insert(c.change_kind());
                    match c.payload().unwrap_or_else(|e| panic!("{e}: {c:?}")) {
                        Payload::Ticket(t) => {
                            assert_eq!(t.ticket.id.to_string(), c.key);
                            assert!(t.ticket.no.starts_with(&t.ticket.business));
                            assert!(!matches!(t.ticket.state.state, TicketStateKind::Other(_)));
                            states.insert(t.ticket.state.state);
                        }
                        Payload::CounterEvent(ev) => {
                            assert!(c.key.starts_with(&format!("{}-", ev.counter)));
                            assert!(!matches!(ev.event, CounterEventKind::Other(_)));
                            // What the hall writes reads back the same.
                            assert_eq!(
                                serde_json::to_value(&ev).unwrap(),
                                c.body.read::<Value>().unwrap()
                            );
                        }
                        Payload::StaffPassword(p) => {
                            assert!(p.password_hash.starts_with("$argon2"))
                        }
                        Payload::UpdateStatus(u) => {
                            assert!(!matches!(u.state, UpdateState::Other(_)));
                            assert_eq!(
                                serde_json::to_value(&u).unwrap(),
                                c.body.read::<Value>().unwrap()
                            );
                        }
                        Payload::Device(_)
                        | Payload::Alarm(_)
                        | Payload::DeviceCommand(_)
                        | Payload::VideoAccess(_)
                        | Payload::EvidenceLock(_)
                        | Payload::Incident(_)
                        | Payload::IncidentEntry(_)
                        | Payload::CustomerAccess(_) => {
                            panic!("recorded before the hall had a device registry")
                        }
                        Payload::Unknown(kind) => {
                            panic!("today's hall sent an unknown kind {kind}")
                        }
                    }
                }
            }
            "/sync/v1/pull" => {
                let _: PullRequest = same(request);
                let PullReply::Page { records: page, .. } = same(answer) else {
                    panic!("a refusal was recorded: {answer}");
                };
                for r in &page {
                    assert_eq!(r.check(), Ok(()));
                    assert!(!matches!(OwnedKind::parse(&r.kind), OwnedKind::Other(_)));
                }
                records += page.len();
            }
            "/sync/v1/updates/offer" => {
                let _: OfferRequest = same(request);
                let reply: OfferReply = same(answer);
                offers += usize::from(reply.offer.is_some());
            }
            "/sync/v1/releases/1.1.0/linux-x86_64-deb" => {}
            other => panic!("an exchange on {other} this test does not know"),
        }
    }
    use ChangeKind as K;
    assert_eq!(
        kinds,
        [
            K::Ticket,
            K::CounterEvent,
            K::StaffPassword,
            K::UpdateStatus
        ]
        .into_iter()
        .collect(),
        "every kind was recorded"
    );
    use TicketStateKind as S;
    assert_eq!(
        states,
        [S::Waiting, S::Called, S::Serving, S::Done, S::NoShow]
            .into_iter()
            .collect()
    );
    assert_eq!(offers, 1);
    assert!(records >= 5, "{records} owned records");
}

#[test]
fn every_recorded_refusal_still_reads() {
    for e in fixture("refusals.json").as_array().unwrap() {
        if e["path"] == "/sync/v1/updates/offer" {
            // Not the protocol's: the province's `{code, message, message_en}`.
            assert_eq!(e["answer"]["code"], "unauthorized");
            continue;
        }
        let _: UploadBatch = serde_json::from_value(e["request"].clone())
            .unwrap_or_else(|err| panic!("{err}: {}", e["request"]));
        let reply: UploadReply = same(&e["answer"]);
        assert!(matches!(reply, UploadReply::Refused(_)), "{reply:?}");
    }
}

#[test]
fn what_a_newer_node_sends_is_read_and_its_unknowns_are_named() {
    let f = fixture("newer.json");
    let batch: UploadBatch = serde_json::from_value(f["upload"].clone()).unwrap();
    let payloads: Vec<Payload> = batch.changes.iter().map(|c| c.payload().unwrap()).collect();
    let Payload::Ticket(t) = &payloads[0] else {
        panic!("{:?}", payloads[0]);
    };
    assert_eq!(
        t.ticket.state.state,
        TicketStateKind::Other("parked".into())
    );
    assert_eq!(t.ticket.state.state.as_str(), "parked");
    let Payload::CounterEvent(ev) = &payloads[1] else {
        panic!("{:?}", payloads[1]);
    };
    assert_eq!(ev.event, CounterEventKind::Other("handed_over".into()));
    let Payload::UpdateStatus(u) = &payloads[2] else {
        panic!("{:?}", payloads[2]);
    };
    assert_eq!(u.state.as_str(), "rolled_back");
    assert_eq!(payloads[3], Payload::Unknown("work_order".into()));

    let reply: UploadReply = serde_json::from_value(f["upload_reply"].clone()).unwrap();
    assert_eq!(reply, UploadReply::Ack { applied_through: 4 });
    let _: PullRequest = serde_json::from_value(f["pull_request"].clone()).unwrap();
    let PullReply::Page { records, .. } = serde_json::from_value(f["pull_reply"].clone()).unwrap()
    else {
        panic!("not a page");
    };
    assert_eq!(
        OwnedKind::parse(&records[0].kind),
        OwnedKind::Other("counter_skill".into())
    );
    let _: OfferRequest = serde_json::from_value(f["offer_request"].clone()).unwrap();
    let reply: OfferReply = serde_json::from_value(f["offer_reply"].clone()).unwrap();
    assert_eq!(reply.offer.unwrap().version, "1.2.0");
    // An offer a hall node of an earlier version kept on disk.
    let kept: Offer = serde_json::from_value(f["kept_offer"].clone()).unwrap();
    assert_eq!((kept.file_name.as_str(), kept.rollback), ("", false));
}

#[test]
fn the_kinds_spell_as_they_always_did() {
    for (kind, text) in [
        (ChangeKind::Ticket, "ticket"),
        (ChangeKind::CounterEvent, "counter_event"),
        (ChangeKind::StaffPassword, "staff_password"),
        (ChangeKind::UpdateStatus, "update_status"),
        (ChangeKind::Device, "device"),
        (ChangeKind::Alarm, "alarm"),
        (ChangeKind::DeviceCommand, "device_command"),
        (ChangeKind::VideoAccess, "video_access"),
        (ChangeKind::EvidenceLock, "evidence_lock"),
        (ChangeKind::Other("later".into()), "later"),
    ] {
        assert_eq!(kind.as_str(), text);
        assert_eq!(ChangeKind::parse(text), kind);
        assert_eq!(serde_json::to_value(&kind).unwrap(), text);
        assert_eq!(
            serde_json::from_value::<ChangeKind>(text.into()).unwrap(),
            kind
        );
    }
    for (kind, text) in [
        (OwnedKind::Staff, "staff"),
        (OwnedKind::Business, "business"),
        (OwnedKind::Priority, "priority"),
        (OwnedKind::Hall, "hall"),
        (OwnedKind::Program, "program"),
    ] {
        assert_eq!(kind.as_str(), text);
        assert_eq!(OwnedKind::parse(text), kind);
    }
}

/// The queue's ticket, as the hall sends it, is what the province reads: a
/// change of the queue's layout fails here (and a new state fails to compile).
#[test]
fn the_queues_tickets_read_as_the_province_reads_them() {
    use queue::{BusinessCode, CounterNo, Rating, Score, Ticket, TicketId, TicketNo, TicketState};
    let a = BusinessCode::parse("A").unwrap();
    let c = CounterNo::new(3).unwrap();
    let staff = domain::StaffNo::parse("1001").unwrap();
    let states = [
        TicketState::Waiting,
        TicketState::Called {
            counter: c,
            at: 5,
            recalls: 1,
        },
        TicketState::Serving {
            counter: c,
            staff: staff.clone(),
            called_at: 5,
            started_at: 6,
        },
        TicketState::Done {
            counter: c,
            staff: staff.clone(),
            handled: a,
            called_at: 5,
            started_at: 6,
            finished_at: 7,
            rating: Some(Rating::Rated {
                score: Score::new(5).unwrap(),
                reasons: vec![],
            }),
        },
        TicketState::NoShow { counter: c, at: 8 },
        TicketState::Expired { at: 9 },
    ];
    for state in states {
        let expected = match &state {
            TicketState::Waiting => TicketStateKind::Waiting,
            TicketState::Called { .. } => TicketStateKind::Called,
            TicketState::Serving { .. } => TicketStateKind::Serving,
            TicketState::Done { .. } => TicketStateKind::Done,
            TicketState::NoShow { .. } => TicketStateKind::NoShow,
            TicketState::Expired { .. } => TicketStateKind::Expired,
        };
        let ticket = Ticket {
            id: TicketId(42),
            no: TicketNo {
                business: a,
                number: 12,
            },
            business: a,
            priority: "normal".into(),
            issued_at: 1,
            arrival: 1,
            for_counter: None,
            customer: None,
            granted_by: None,
            state,
            transfers: 0,
        };
        let sent = serde_json::to_value(TicketChange {
            day: 20790,
            ticket: &ticket,
        })
        .unwrap();
        let read: TicketChange = serde_json::from_value(sent).unwrap();
        assert_eq!(read.day, 20790);
        assert_eq!(
            (
                read.ticket.id,
                read.ticket.no.as_str(),
                read.ticket.business.as_str()
            ),
            (42, "A012", "A")
        );
        assert_eq!(read.ticket.state.state, expected);
    }
}

/// The registry and alarm changes a hall uploads: the province reads their
/// heads, and the bodies are exactly what the hall's `devices` types write.
#[test]
fn the_halls_devices_and_alarms_read_as_the_province_reads_them() {
    use devices::{AlarmConfig, AlarmKey, Alarms, Device, DeviceId, Fault};
    let f = fixture("devices.json");
    let batch: UploadBatch = same(&f["upload"]);
    assert_eq!(
        same::<UploadReply>(&f["upload_reply"]),
        UploadReply::Ack { applied_through: 9 }
    );
    let mut devices = Vec::new();
    let mut alarms = Vec::new();
    for c in &batch.changes {
        assert_eq!(c.check(), Ok(()));
        match c.payload().unwrap_or_else(|e| panic!("{e}: {c:?}")) {
            Payload::Device(d) => {
                assert_eq!(d.device.id, c.key);
                assert!(!matches!(d.device.kind, DeviceKindHead::Other(_)));
                // The hall's own record reads back whole from the body.
                let full: DeviceChange<Device> = same(&c.body.read::<Value>().unwrap());
                assert_eq!(full.device.id.as_str(), d.device.id);
                devices.push(d);
            }
            Payload::Alarm(a) => {
                assert_eq!(a.id.to_string(), c.key);
                assert!(!matches!(a.state, AlarmStateHead::Other(_)));
                assert!(!matches!(a.severity, SeverityHead::Other(_)));
                let full: devices::Alarm = same(&c.body.read::<Value>().unwrap());
                assert_eq!(full.id, a.id);
                alarms.push((a, full));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(devices.len(), 5);
    assert_eq!(devices[3].revoked_at, Some(1_796_280_500_000));
    assert!(devices[4].removed);
    assert_eq!(
        devices[2].device,
        DeviceHead {
            id: "T01".into(),
            kind: DeviceKindHead::Terminal,
            name: "自助缴费终端 1".into()
        }
    );
    // The alarm's life as the hall's engine lives it, snapshot for snapshot.
    let t0 = 1_796_280_300_000;
    let t01 = DeviceId::parse("T01").unwrap();
    let mut engine = Alarms::new(AlarmConfig::default(), 1);
    let key = AlarmKey::device(&t01, Fault::PaperOut);
    let mut lived = engine.observe(key.clone(), true, t0 + 1_000);
    lived.extend(
        engine
            .acknowledge(1, "2001", "已通知补纸", t0 + 61_000)
            .unwrap(),
    );
    lived.extend(engine.observe(key, false, t0 + 121_000));
    let kept: Vec<&devices::Alarm> = alarms.iter().map(|(_, a)| a).collect();
    assert_eq!(kept, lived.iter().map(|c| &c.alarm).collect::<Vec<_>>());
    let (head, _) = &alarms[3];
    assert_eq!(head.state, AlarmStateHead::Cleared);
    assert_eq!(head.severity, SeverityHead::Major);
    assert_eq!(head.key.source.columns(), ("device", "T01"));
    assert_eq!(head.key.fault, "paper_out");
    assert_eq!(head.cleared.as_ref().map(|c| c.at), Some(t0 + 121_000));

    // A newer hall's kinds, sources and states are read as `Other`, not refused.
    let newer: UploadBatch = serde_json::from_value(f["newer"].clone()).unwrap();
    let Payload::Device(d) = newer.changes[0].payload().unwrap() else {
        panic!("not a device");
    };
    assert_eq!(d.device.kind, DeviceKindHead::Other("guide_robot".into()));
    assert_eq!(d.device.kind.as_str(), "guide_robot");
    let Payload::Alarm(a) = newer.changes[1].payload().unwrap() else {
        panic!("not an alarm");
    };
    assert_eq!(a.key.source, SourceHead::Other);
    assert_eq!(a.severity.as_str(), "blocker");
    assert_eq!(a.state, AlarmStateHead::Other("silenced".into()));
}

/// A command as the hall's engine keeps it reads as the head the province stores, in every state it passes.
#[test]
fn the_halls_commands_read_as_the_province_reads_them() {
    use devices::command::{Action, Commands, Now, Outcome, Reply};
    use devices::{Device, DeviceId, DeviceKind, Spot};
    use sync_proto::changes::CommandHead;
    let t01 = Device {
        id: DeviceId::parse("T01").unwrap(),
        kind: DeviceKind::Terminal,
        name: "自助缴费终端 1".into(),
        spot: Spot { x: 10, y: 10 },
        counter: None,
        depends_on: Vec::new(),
    };
    let mut commands = Commands::new(1);
    let offline = Now {
        online: false,
        busy: None,
    };
    let online = Now {
        online: true,
        busy: None,
    };
    let t0 = 1_796_280_300_000;
    let out = Action::OutOfService { out: true };
    let mut lived = commands
        .request(&t01, &[], out, "2001", 60_000, offline, t0)
        .unwrap()
        .changed;
    lived.extend(commands.device_now(&t01.id, online, t0 + 1_000).changed);
    let done = Reply {
        id: lived[0].id,
        outcome: Outcome::Done,
    };
    lived.extend(commands.reply(&t01.id, done, t0 + 2_000));
    let states: Vec<String> = lived
        .iter()
        .map(|c| {
            let head: CommandHead =
                serde_json::from_value(serde_json::to_value(c).unwrap()).unwrap();
            assert_eq!(
                (head.id, head.device.as_str(), head.by.as_str()),
                (c.id, "T01", "2001")
            );
            assert_eq!(head.requested_at, t0);
            head.state.state
        })
        .collect();
    assert_eq!(states, ["waiting", "sent", "confirmed"]);
}
