//! Replication core tests: clocks, refusals, exactly-once over a hostile network, conflict merges.

use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use sync_proto::*;

mod fixtures;
mod incidents;

const NOW: i64 = 1_800_000_000_000;
const TOLERANCE: i64 = 5 * 60 * 1000;

fn hlc(wall_ms: i64, counter: u32, node: &str) -> Hlc {
    Hlc {
        wall_ms,
        counter,
        node: node.into(),
    }
}

fn change(seq: u64) -> Change {
    Change {
        seq,
        hlc: hlc(NOW - 1000 + seq as i64, 0, "hall:H0101"),
        kind: "ticket".into(),
        key: format!("t{seq}"),
        body: Body::of(&json!({"n": seq})).unwrap(),
    }
}

fn batch(changes: Vec<Change>) -> UploadBatch {
    UploadBatch {
        version: PROTOCOL_VERSION,
        origin: "hall:H0101".into(),
        hall: "H0101".into(),
        sent_at_ms: NOW,
        head: changes.last().map_or(0, |c| c.seq),
        changes,
    }
}

fn province() -> HlcClock {
    HlcClock::new("province", TOLERANCE)
}

#[test]
fn clocks_move_forward_even_when_the_wall_clock_goes_back() {
    let mut c = HlcClock::new("hall:H0101", TOLERANCE);
    let a = c.tick(NOW);
    let b = c.tick(NOW - 10_000); // the PC clock was set back
    let d = c.tick(NOW);
    assert!(a < b && b < d, "{a:?} {b:?} {d:?}");
    let remote = hlc(NOW + 1_000, 7, "province");
    let e = c.observe(&remote, NOW).unwrap();
    assert!(e > remote && e > d);
    let resumed = HlcClock::resume("hall:H0101", TOLERANCE, &e).tick(NOW);
    assert!(
        resumed > e,
        "a restarted node continues after its last timestamp"
    );
}

#[test]
fn a_peer_far_in_the_future_is_refused() {
    let mut c = province();
    let e = c
        .observe(&hlc(NOW + TOLERANCE + 1, 0, "hall:H0101"), NOW)
        .unwrap_err();
    assert_eq!(e.skew_ms, TOLERANCE + 1);
    assert!(
        c.check_peer_clock(NOW - TOLERANCE - 1, NOW).is_err(),
        "far behind is refused too"
    );
    assert!(c.check_peer_clock(NOW - TOLERANCE, NOW).is_ok());
}

#[test]
fn every_refusal_is_named_and_applies_nothing() {
    let p = province();
    let ok = batch(vec![change(1), change(2)]);
    let refused = |b: &UploadBatch, hall: &str, through: u64| {
        check_upload(b, hall, through, NOW, &p).unwrap_err()
    };

    let mut old = ok.clone();
    old.version = 0;
    assert_eq!(
        refused(&old, "H0101", 0),
        Refusal::UpdateRequired {
            min_version: MIN_PROTOCOL_VERSION
        }
    );
    let mut new = ok.clone();
    new.version = PROTOCOL_VERSION + 1;
    assert_eq!(
        refused(&new, "H0101", 0),
        Refusal::ReceiverTooOld {
            version: PROTOCOL_VERSION
        }
    );
    assert_eq!(
        refused(&ok, "H0202", 0),
        Refusal::WrongHall,
        "a batch claiming another hall's data"
    );
    let mut skewed = ok.clone();
    skewed.sent_at_ms = NOW + TOLERANCE + 60_000;
    assert!(
        matches!(refused(&skewed, "H0101", 0), Refusal::ClockSkew { skew_ms } if skew_ms == TOLERANCE + 60_000)
    );
    let mut future = ok.clone();
    future.changes[1].hlc.wall_ms = NOW + 3_600_000;
    assert!(matches!(
        refused(&future, "H0101", 0),
        Refusal::ClockSkew { .. }
    ));
    let holes = batch(vec![change(1), change(3)]);
    assert!(matches!(
        refused(&holes, "H0101", 0),
        Refusal::Malformed { .. }
    ));
    let mut nameless = ok.clone();
    nameless.changes[0].key.clear();
    assert!(matches!(
        refused(&nameless, "H0101", 0),
        Refusal::Malformed { .. }
    ));
    assert_eq!(
        refused(&batch(vec![change(5)]), "H0101", 2),
        Refusal::Gap { expected: 3 }
    );
}

#[test]
fn duplicates_are_dropped_and_the_mark_only_moves_forward() {
    let p = province();
    let a = check_upload(
        &batch(vec![change(1), change(2), change(3)]),
        "H0101",
        2,
        NOW,
        &p,
    )
    .unwrap();
    assert_eq!(a.apply.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![3]);
    assert_eq!(a.applied_through, 3);
    let again = check_upload(&batch(vec![change(1), change(2)]), "H0101", 3, NOW, &p).unwrap();
    assert!(again.apply.is_empty());
    assert_eq!(again.applied_through, 3);
    let empty = check_upload(&batch(vec![]), "H0101", 3, NOW, &p).unwrap();
    assert_eq!(
        empty,
        Accepted {
            apply: vec![],
            applied_through: 3
        }
    );
}

#[test]
fn the_uploader_resumes_backs_off_and_stops_on_refusals_a_person_must_fix() {
    let mut u = Uploader::new(0, 100);
    assert_eq!(u.next(0), NextUpload::Idle);
    assert_eq!(u.next(250), NextUpload::Send { from: 1, to: 100 });
    assert_eq!(
        u.on_reply(
            &UploadReply::Ack {
                applied_through: 100
            },
            250
        ),
        NextUpload::Send { from: 101, to: 200 }
    );
    assert_eq!(u.on_transport_error(), NextUpload::Wait { ms: 2_000 });
    assert_eq!(u.on_transport_error(), NextUpload::Wait { ms: 4_000 });
    for _ in 0..10 {
        u.on_transport_error();
    }
    assert_eq!(
        u.on_transport_error(),
        NextUpload::Wait { ms: 60_000 },
        "backoff is capped"
    );
    // An acknowledgement beyond what exists here is not believed.
    assert_eq!(
        u.on_reply(
            &UploadReply::Ack {
                applied_through: 999
            },
            250
        ),
        NextUpload::Idle
    );
    assert_eq!(u.acked(), 250);
    // The receiver lost data (restored from a backup): resend from where it says.
    assert_eq!(
        u.on_reply(&UploadReply::Refused(Refusal::Gap { expected: 181 }), 250),
        NextUpload::Send { from: 181, to: 250 }
    );
    let stop = u.on_reply(
        &UploadReply::Refused(Refusal::UpdateRequired { min_version: 2 }),
        250,
    );
    assert_eq!(
        stop,
        NextUpload::Stop(Refusal::UpdateRequired { min_version: 2 })
    );
}

#[test]
fn messages_round_trip_as_json_and_a_truncated_body_does_not_parse() {
    let b = batch(vec![change(1)]);
    let text = serde_json::to_string(&b).unwrap();
    assert_eq!(serde_json::from_str::<UploadBatch>(&text).unwrap(), b);
    assert!(serde_json::from_str::<UploadBatch>(&text[..text.len() - 7]).is_err());
    let reply = UploadReply::Refused(Refusal::Gap { expected: 4 });
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"reply": "refused", "refusal": "gap", "expected": 4})
    );
}

// ----- conflicts ------------------------------------------------------------

fn v(value: serde_json::Value, wall: i64, by_upper: bool) -> Versioned {
    Versioned {
        value,
        hlc: hlc(wall, 0, if by_upper { "province" } else { "hall:H0101" }),
        by_upper,
    }
}

/// A staff record: the province owns name, role and hall; the password both may change.
fn staff_owner(field: &str) -> FieldOwner {
    match field {
        "password_hash" => FieldOwner::Both,
        "last_login" => FieldOwner::Lower,
        _ => FieldOwner::Upper,
    }
}

#[test]
fn staff_edited_at_the_province_while_the_hall_was_offline() {
    // At the province: role changed at t=10, password reset at t=20.
    let province: BTreeMap<String, Versioned> = [
        ("role".to_string(), v(json!("supervisor"), 10, true)),
        (
            "password_hash".to_string(),
            v(json!("reset-by-maintainer"), 20, true),
        ),
    ]
    .into();
    // At the offline hall: the clerk changed the password later (t=30) and, wrongly, the role.
    let hall: BTreeMap<String, Versioned> = [
        ("role".to_string(), v(json!("clerk"), 40, false)),
        (
            "password_hash".to_string(),
            v(json!("changed-by-clerk"), 30, false),
        ),
        ("last_login".to_string(), v(json!(1234), 35, false)),
    ]
    .into();
    let merged = merge_record(&province, &hall, staff_owner);
    assert_eq!(
        merged["role"].value,
        json!("supervisor"),
        "the province owns the role"
    );
    assert_eq!(
        merged["password_hash"].value,
        json!("changed-by-clerk"),
        "the later password wins"
    );
    assert_eq!(
        merged["last_login"].value,
        json!(1234),
        "the hall owns its own fields"
    );
    assert_eq!(
        merge_record(&hall, &province, staff_owner),
        merged,
        "the order does not matter"
    );
}

fn any_field() -> impl Strategy<Value = (String, Versioned)> {
    (
        prop_oneof![
            Just("role"),
            Just("name"),
            Just("password_hash"),
            Just("last_login")
        ],
        0i64..50,
        0u8..4,
        any::<bool>(),
    )
        .prop_map(|(f, wall, val, up)| (f.to_string(), v(json!(val), wall, up)))
}

proptest! {
    #[test]
    fn merging_is_commutative_and_idempotent(
        a in proptest::collection::vec(any_field(), 0..5),
        b in proptest::collection::vec(any_field(), 0..5),
    ) {
        let a: BTreeMap<String, Versioned> = a.into_iter().collect();
        let b: BTreeMap<String, Versioned> = b.into_iter().collect();
        let ab = merge_record(&a, &b, staff_owner);
        prop_assert_eq!(&ab, &merge_record(&b, &a, staff_owner));
        prop_assert_eq!(&merge_record(&ab, &ab, staff_owner), &ab);
        prop_assert_eq!(&merge_record(&ab, &b, staff_owner), &ab);
    }

    /// A sender and a receiver over a network that drops, duplicates, delays,
    /// reorders and cuts messages, while the sender's log keeps growing: every
    /// change is stored exactly once and in order, and the sender ends fully acknowledged.
    #[test]
    fn exactly_once_over_a_hostile_network(
        initial in 0u64..300,
        growth in proptest::collection::vec(0u64..20, 0..30),
        faults in proptest::collection::vec(0u8..8, 200),
        max_batch in 1u64..64,
    ) {
        let p = province();
        let mut head = initial;
        let mut growth = growth.into_iter();
        let mut uploader = Uploader::new(0, max_batch);
        let mut stored: Vec<u64> = Vec::new();
        let mut applied_through = 0u64;
        let mut in_flight: Vec<UploadBatch> = Vec::new(); // delayed copies the network may deliver later
        let mut faults = faults.into_iter().cycle();
        for _ in 0..5_000 {
            head += growth.next().unwrap_or(0);
            let NextUpload::Send { from, to } = uploader.next(head) else {
                if growth.len() == 0 { break } else { continue }
            };
            let fault = faults.next().unwrap();
            // A cut body delivers a shorter contiguous prefix, or nothing at all.
            let to = if fault == 1 { from + (to - from) / 2 } else { to };
            let b = batch((from..=to).map(change).collect());
            in_flight.push(b.clone());
            let mut deliver = |b: &UploadBatch| -> UploadReply {
                match check_upload(b, "H0101", applied_through, NOW, &p) {
                    Ok(a) => {
                        for c in &a.apply {
                            assert!(!stored.contains(&c.seq), "change {} stored twice", c.seq);
                            stored.push(c.seq);
                        }
                        applied_through = a.applied_through;
                        UploadReply::Ack { applied_through }
                    }
                    Err(r) => UploadReply::Refused(r),
                }
            };
            match fault {
                // The request is lost.
                0 => { uploader.on_transport_error(); }
                // Applied, but the reply is lost.
                2 => { deliver(&b); uploader.on_transport_error(); }
                // Delivered twice.
                3 => { deliver(&b); let r = deliver(&b); uploader.on_reply(&r, head); }
                // An old copy arrives first (reordering), then this one.
                4 => {
                    let old = in_flight[in_flight.len() / 2].clone();
                    deliver(&old);
                    let r = deliver(&b);
                    uploader.on_reply(&r, head);
                }
                _ => { let r = deliver(&b); uploader.on_reply(&r, head); }
            }
        }
        // Drain with a good network.
        while let NextUpload::Send { from, to } = uploader.next(head) {
            let r = match check_upload(&batch((from..=to).map(change).collect()), "H0101", applied_through, NOW, &p) {
                Ok(a) => { stored.extend(a.apply.iter().map(|c| c.seq)); applied_through = a.applied_through; UploadReply::Ack { applied_through } }
                Err(r) => UploadReply::Refused(r),
            };
            uploader.on_reply(&r, head);
        }
        prop_assert_eq!(stored, (1..=head).collect::<Vec<_>>());
        prop_assert_eq!(uploader.acked(), head);
    }
}

#[test]
fn an_origin_belongs_to_a_hall_exactly_not_by_prefix() {
    assert!(origin_in_hall("hall:H0101", "H0101"));
    assert!(origin_in_hall("hall:H0101/desk-3", "H0101"));
    assert!(!origin_in_hall("hall:H01010", "H0101"));
    assert!(!origin_in_hall("hall:H010", "H0101"));
    assert!(!origin_in_hall("H0101", "H0101"));
    assert!(!origin_in_hall("", "H0101"));
    // The upload check uses the same rule.
    let mut b = batch(vec![change(1)]);
    b.origin = "hall:H01010".into();
    assert_eq!(
        check_upload(&b, "H0101", 0, NOW, &province()),
        Err(Refusal::WrongHall)
    );
}

#[test]
fn a_pull_is_checked_for_version_hall_and_clock() {
    let down = Downloader::new(7);
    let req = down.request("hall:H0101", NOW, 20_000);
    assert_eq!((req.since, req.wait_ms), (7, 20_000));
    assert_eq!(check_pull(&req, "H0101", NOW, &province()), Ok(()));
    assert_eq!(
        check_pull(&req, "H0202", NOW, &province()),
        Err(Refusal::WrongHall)
    );
    let mut old = req.clone();
    old.version = 0;
    assert!(matches!(
        check_pull(&old, "H0101", NOW, &province()),
        Err(Refusal::UpdateRequired { .. })
    ));
    assert!(matches!(
        check_pull(&req, "H0101", NOW + 2 * TOLERANCE, &province()),
        Err(Refusal::ClockSkew { .. })
    ));
    // An older sender's request without `wait_ms` still parses: it simply is not held.
    let json = r#"{"version":1,"node":"hall:H0101","since":3,"sent_at_ms":5}"#;
    let parsed: PullRequest = serde_json::from_str(json).unwrap();
    assert_eq!(parsed.wait_ms, 0);
}

fn record(cursor: u64) -> OwnedRecord {
    OwnedRecord {
        cursor,
        kind: owned::STAFF.into(),
        key: format!("{cursor}"),
        hlc: hlc(NOW, 0, "province"),
        body: Some(json!({})),
    }
}

#[test]
fn the_downloader_resumes_from_its_cursor_and_disbelieves_nonsense() {
    let mut down = Downloader::new(10);
    let page = |records: Vec<OwnedRecord>, next: u64, more: bool| PullReply::Page {
        records,
        next,
        more,
    };
    assert_eq!(
        down.on_page(&page(vec![record(11), record(14)], 14, true)),
        NextPull::Pull
    );
    assert_eq!(down.cursor(), 14);
    assert_eq!(down.on_page(&page(vec![], 14, false)), NextPull::CaughtUp);
    // A page that goes back, repeats, or claims a `next` before its records is refused
    // and the cursor stays.
    for bad in [
        page(vec![record(13)], 13, false),
        page(vec![record(16), record(15)], 16, false),
        page(vec![record(16)], 15, false),
    ] {
        assert!(matches!(
            down.on_page(&bad),
            NextPull::Stop(Refusal::Malformed { .. })
        ));
        assert_eq!(down.cursor(), 14);
    }
    assert_eq!(
        down.on_page(&PullReply::Refused(Refusal::UpdateRequired {
            min_version: 2
        })),
        NextPull::Stop(Refusal::UpdateRequired { min_version: 2 })
    );
    assert_eq!(down.on_transport_error(), NextPull::Wait { ms: 2_000 });
    assert_eq!(down.on_transport_error(), NextPull::Wait { ms: 4_000 });
    for _ in 0..10 {
        down.on_transport_error();
    }
    assert_eq!(down.on_transport_error(), NextPull::Wait { ms: 60_000 });
    // A good page resets the back-off.
    down.on_page(&page(vec![], 14, false));
    assert_eq!(down.on_transport_error(), NextPull::Wait { ms: 2_000 });
}

#[test]
fn owned_records_merge_by_their_kind_rules() {
    let province_fields = owned::stamp(
        serde_json::from_value(
            json!({"name": "周新", "role": "clerk", "password_hash": "$argon2id$p"}),
        )
        .unwrap(),
        &hlc(NOW, 0, "province"),
        true,
    );
    // The hall changed the password later, and tried to rename (which it may not).
    let hall_fields = owned::stamp(
        serde_json::from_value(json!({"name": "周敏", "password_hash": "$argon2id$h"})).unwrap(),
        &hlc(NOW + 10, 0, "hall:H0101"),
        false,
    );
    let merged = owned::merge(owned::STAFF, &province_fields, &hall_fields);
    assert_eq!(
        merged,
        owned::merge(owned::STAFF, &hall_fields, &province_fields)
    );
    let plain = owned::plain(&merged);
    assert_eq!(plain["name"], "周新");
    assert_eq!(plain["password_hash"], "$argon2id$h");
    assert_eq!(
        owned::latest(&merged),
        Some(&hlc(NOW + 10, 0, "hall:H0101"))
    );
    // Business types are the province's alone.
    let b = owned::stamp(
        serde_json::from_value(json!({"name_zh": "居民业务"})).unwrap(),
        &hlc(NOW + 20, 0, "hall:H0101"),
        false,
    );
    assert!(owned::merge(owned::BUSINESS, &Default::default(), &b).is_empty());
}

#[test]
fn a_record_out_of_bounds_refuses_the_whole_batch_and_names_it() {
    let p = province();
    let mut huge_key = batch(vec![change(1), change(2), change(3)]);
    huge_key.changes[1].kind = "counter_event".into();
    huge_key.changes[1].key = "k".repeat(1024 * 1024);
    match check_upload(&huge_key, "H0101", 0, NOW, &p) {
        Err(Refusal::InvalidRecord { kind, key, reason }) => {
            assert_eq!(kind, "counter_event");
            assert!(key.chars().count() <= 41 && key.ends_with('…'), "{key}");
            assert!(
                reason.contains("change 2") && reason.contains("key"),
                "{reason}"
            );
        }
        other => panic!("a 1 MB key must be refused: {other:?}"),
    }
    let mut negative = batch(vec![change(1)]);
    negative.changes[0].hlc.wall_ms = -1;
    assert!(matches!(
        check_upload(&negative, "H0101", 0, NOW, &p),
        Err(Refusal::InvalidRecord { reason, .. }) if reason.contains("wall time")
    ));
    // Even a change the receiver already has (a duplicate it would drop) is checked.
    let mut old_dup = batch(vec![change(1), change(2)]);
    old_dup.changes[0].body = Body::of("not fields").unwrap();
    assert!(matches!(
        check_upload(&old_dup, "H0101", 2, NOW, &p),
        Err(Refusal::InvalidRecord { .. })
    ));
    // A counter below zero does not even parse.
    let text = serde_json::to_string(&change(1))
        .unwrap()
        .replace("\"counter\":0", "\"counter\":-1");
    assert!(text.contains("\"counter\":-1"));
    assert!(serde_json::from_str::<Change>(&text).is_err());
    // Too many changes, an endless origin, an endless puller.
    let many = batch(
        (1..=limits::MAX_BATCH_CHANGES as u64 + 1)
            .map(change)
            .collect(),
    );
    assert!(matches!(
        check_upload(&many, "H0101", 0, NOW, &p),
        Err(Refusal::Malformed { .. })
    ));
    let mut long_origin = batch(vec![change(1)]);
    long_origin.origin = format!("hall:H0101/{}", "d".repeat(limits::MAX_NODE_BYTES));
    assert!(matches!(
        check_upload(&long_origin, "H0101", 0, NOW, &p),
        Err(Refusal::Malformed { .. })
    ));
    let mut req = Downloader::new(0).request("hall:H0101", NOW, 0);
    req.node = format!("hall:H0101/{}", "d".repeat(limits::MAX_NODE_BYTES));
    assert!(matches!(
        check_pull(&req, "H0101", NOW, &p),
        Err(Refusal::Malformed { .. })
    ));
}

#[test]
fn a_page_with_a_record_out_of_bounds_is_not_applied_and_the_cursor_stays() {
    let mut down = Downloader::new(10);
    let mut bad = record(12);
    bad.key = "9".repeat(limits::MAX_KEY_BYTES + 1);
    let page = PullReply::Page {
        records: vec![record(11), bad],
        next: 12,
        more: false,
    };
    assert!(matches!(
        down.on_page(&page),
        NextPull::Stop(Refusal::InvalidRecord { kind, .. }) if kind == owned::STAFF
    ));
    assert_eq!(down.cursor(), 10);
    let mut clockless = record(11);
    clockless.hlc.wall_ms = -3;
    let page = PullReply::Page {
        records: vec![clockless],
        next: 11,
        more: false,
    };
    assert!(matches!(
        down.on_page(&page),
        NextPull::Stop(Refusal::InvalidRecord { .. })
    ));
    assert_eq!(down.cursor(), 10);
}
