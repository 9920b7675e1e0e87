//! Bounded input at the province: an upload with a record out of bounds is refused whole, names the record, and changes nothing.

use super::{add_hall, backends, free_port, kill, province, register, tickets_at_province};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sync_proto::*;

/// What the province holds of hall H0101: (applied_through, changes_applied, counter events).
async fn held(db: &str) -> (i64, i64, i64) {
    let pool = server::connect(db).await.unwrap();
    let (through, applied): (i64, i64) = sqlx::query_as(
        "SELECT applied_through, changes_applied FROM sync_origin WHERE origin = 'hall:H0101'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM counter_event WHERE hall = 'H0101'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    (through, applied, events)
}

#[tokio::test]
async fn an_upload_with_a_record_out_of_bounds_is_refused_whole_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        out_of_bounds(&db).await;
    }
}

async fn out_of_bounds(db: &str) {
    eprintln!("bounds against {db}");
    let token = add_hall(db);
    let port = free_port();
    let mut prov = province(db, port);
    let http = Client::new();
    let url = format!("http://127.0.0.1:{port}/sync/v1/upload");
    let now = server::now_ms();
    let hlc = |counter: u32| Hlc {
        wall_ms: now,
        counter,
        node: "hall:H0101".into(),
    };
    let ticket = |seq: u64| {
        Change {
        seq,
        hlc: hlc(seq as u32),
        kind: "ticket".into(),
        key: seq.to_string(),
        body: Body::of(&json!({"day": 1, "ticket": {"id": seq, "no": format!("A{seq:03}"), "business": "A", "state": {"state": "waiting"}}})).unwrap(),
    }
    };
    let event = |seq: u64, key: String| Change {
        seq,
        hlc: hlc(seq as u32),
        kind: "counter_event".into(),
        key,
        body: Body::of(&json!({"counter": 1, "event": "opened", "staff": "1001", "at": now}))
            .unwrap(),
    };
    let batch = |changes: Vec<Change>| UploadBatch {
        version: PROTOCOL_VERSION,
        origin: "hall:H0101".into(),
        hall: "H0101".into(),
        sent_at_ms: now,
        head: changes.last().map_or(0, |c| c.seq),
        changes,
    };
    let send = |body: String| {
        let (http, url, token) = (http.clone(), url.clone(), token.clone());
        async move {
            let r = http
                .post(&url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<UploadReply>().await.unwrap())
        }
    };
    let json_of = |b: &UploadBatch| serde_json::to_string(b).unwrap();

    // Something ordinary first, so there is a mark not to move.
    let ok = batch(vec![ticket(1), event(2, "1-1-0".into())]);
    assert_eq!(
        send(json_of(&ok)).await,
        (StatusCode::OK, UploadReply::Ack { applied_through: 2 })
    );
    let before = held(db).await;
    assert_eq!(before, (2, 2, 1));

    // A counter event with a 1 MB key, behind a good ticket: the whole batch is refused.
    let huge = batch(vec![ticket(3), event(4, "k".repeat(1024 * 1024))]);
    let (status, reply) = send(json_of(&huge)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    match reply {
        UploadReply::Refused(Refusal::InvalidRecord { kind, key, reason }) => {
            assert_eq!(kind, "counter_event");
            assert_eq!(
                key,
                format!("{}…", "k".repeat(40)),
                "the key is named, shortened"
            );
            assert!(
                reason.contains("change 4") && reason.contains("key"),
                "{reason}"
            );
        }
        other => panic!("a 1 MB key must be refused: {other:?}"),
    }
    // A negative hybrid-logical-clock wall time.
    let mut early = batch(vec![ticket(3)]);
    early.changes[0].hlc.wall_ms = -1;
    let (status, reply) = send(json_of(&early)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        matches!(&reply, UploadReply::Refused(Refusal::InvalidRecord { kind, key, reason })
            if kind == "ticket" && key == "3" && reason.contains("wall time")),
        "{reply:?}"
    );
    // A negative counter does not even parse.
    let text = json_of(&batch(vec![ticket(3)])).replace("\"counter\":3", "\"counter\":-3");
    assert!(text.contains("\"counter\":-3"));
    let (status, reply) = send(text).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        matches!(reply, UploadReply::Refused(Refusal::Malformed { .. })),
        "{reply:?}"
    );
    // Too many fields in a body.
    let mut wide = batch(vec![event(3, "1-2-0".into())]);
    let fields: serde_json::Map<String, Value> = (0..=limits::MAX_FIELDS)
        .map(|i| (format!("f{i}"), json!(i)))
        .collect();
    wide.changes[0].body = Body::of(&fields).unwrap();
    assert!(matches!(
        send(json_of(&wide)).await,
        (
            StatusCode::CONFLICT,
            UploadReply::Refused(Refusal::InvalidRecord { .. })
        )
    ));

    // Nothing of it is stored and the mark did not move.
    assert_eq!(held(db).await, before);
    assert_eq!(tickets_at_province(db).await, 1);
    // The maintainers see why.
    let admin = register(db, &["--add-maintainer", "运维"]);
    let halls: Value = http
        .get(format!("http://127.0.0.1:{port}/admin/v1/halls"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        halls[0]["last_refusal"]["refusal"], "invalid_record",
        "{halls}"
    );
    // The hall sends the next change properly: it is taken from where the mark stood.
    assert_eq!(
        send(json_of(&batch(vec![ticket(3)]))).await,
        (StatusCode::OK, UploadReply::Ack { applied_through: 3 })
    );

    // A maintainer's record its halls would refuse is not stored either.
    let put = |path: &str, body: Value| {
        let (http, admin) = (http.clone(), admin.clone());
        let url = format!("http://127.0.0.1:{port}{path}");
        async move {
            let r = http
                .put(url)
                .bearer_auth(admin)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let (status, _) = put(
        "/admin/v1/businesses/A",
        json!({"name_zh": "电费缴纳", "name_en": "Bill payment", "default_service_secs": 300}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let counters: Vec<Value> = (1..=999)
        .map(|no| json!({"no": no, "skills": vec!["A"; 60]}))
        .collect();
    let (status, e) = put(
        "/admin/v1/halls/H0101/setup",
        json!({ "counters": counters }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "invalid");
    assert!(
        e["message_en"].as_str().unwrap().contains("counters"),
        "{e}"
    );
    let pool = server::connect(db).await.unwrap();
    let setups: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM owned WHERE kind = 'hall'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(setups, 0, "the refused set-up was not stored");
    kill(&mut prov);
}
