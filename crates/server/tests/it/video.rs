//! A hall's video audit and evidence locks reach the province: lines stored once, a lock replaced by its unlock (a later timestamp) and never by an older copy, read back by a maintainer, each hall only its own.

use super::*;
use ::devices::video::{Access, AccessRecord, EvidenceLock, Span, Unlock};
use ::devices::DeviceId;

#[tokio::test]
async fn the_province_keeps_every_halls_video_audit_and_evidence_locks() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        audit(&db).await;
    }
}

fn line(id: u64, at: i64, access: Access, note: &str) -> AccessRecord {
    AccessRecord {
        id,
        at,
        by: "2001".into(),
        camera: DeviceId::parse("cam-1").unwrap(),
        access,
        from_ms: at - 60_000,
        to_ms: Some(at - 30_000),
        note: note.into(),
    }
}

async fn audit(db: &str) {
    eprintln!("video audit against {db}");
    let token = add_hall(db);
    let other = register(db, &["--add-hall", "H0202", "城西供电营业厅"]);
    let maintainer = register(db, &["--add-maintainer", "运维"]);
    let port = free_port();
    let mut prov = province(db, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::new();
    let now = server::now_ms();

    let change = |hall: &str, seq: u64, counter: u32, kind: &str, key: &str, body: Body| Change {
        seq,
        hlc: Hlc {
            wall_ms: now,
            counter,
            node: format!("hall:{hall}"),
        },
        kind: kind.into(),
        key: key.into(),
        body,
    };
    let access = |hall: &str, seq: u64, counter: u32, r: &AccessRecord| {
        change(
            hall,
            seq,
            counter,
            "video_access",
            &r.id.to_string(),
            Body::of(r).unwrap(),
        )
    };
    let locked = |seq: u64, counter: u32, l: &EvidenceLock| {
        change(
            "H0101",
            seq,
            counter,
            "evidence_lock",
            &l.id.to_string(),
            Body::of(l).unwrap(),
        )
    };
    let batch = |hall: &str, changes: Vec<Change>| UploadBatch {
        version: PROTOCOL_VERSION,
        origin: format!("hall:{hall}"),
        hall: hall.into(),
        sent_at_ms: now,
        head: changes.last().map_or(0, |c| c.seq),
        changes,
    };
    let send = |b: UploadBatch, token: String| {
        let (http, url) = (http.clone(), format!("{base}/sync/v1/upload"));
        async move {
            let r = http
                .post(url)
                .bearer_auth(token)
                .json(&b)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<UploadReply>().await.unwrap())
        }
    };
    let get = |path: String, token: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let r = http
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let admin = |path: &str| get(path.to_owned(), maintainer.clone());

    // A supervisor plays footage back, locks part of it as evidence, later releases it.
    let played = line(1, now - 9_000, Access::Playback, "A012 投诉");
    let lock_line = line(2, now - 8_000, Access::Lock, "客户纠纷");
    let lock = EvidenceLock {
        id: 5,
        camera: DeviceId::parse("cam-1").unwrap(),
        span: Span {
            from_ms: now - 60_000,
            to_ms: now - 30_000,
        },
        by: "2001".into(),
        reason: "客户纠纷".into(),
        at: now - 8_000,
        unlocked: None,
    };
    let unlock_line = line(3, now - 1_000, Access::Unlock, "纠纷已了结");
    let mut unlocked = lock.clone();
    unlocked.unlocked = Some(Unlock {
        by: "2002".into(),
        reason: "纠纷已了结".into(),
        at: now - 1_000,
    });
    let first = batch(
        "H0101",
        vec![
            access("H0101", 1, 1, &played),
            access("H0101", 2, 2, &lock_line),
            locked(3, 3, &lock),
        ],
    );
    let mut then = vec![access("H0101", 4, 4, &unlock_line), locked(5, 5, &unlocked)];
    // An older copy of the lock arriving after its unlock changes nothing.
    then.push(locked(6, 3, &lock));
    // Not stored: a key that is not the line's id, an id past what the province stores.
    then.push(change(
        "H0101",
        7,
        7,
        "video_access",
        "8",
        Body::of(&line(9, now, Access::Live, "")).unwrap(),
    ));
    then.push(access(
        "H0101",
        8,
        8,
        &line(u64::MAX, now, Access::Live, ""),
    ));
    let then = batch("H0101", then);
    let ack = |applied_through| (StatusCode::OK, UploadReply::Ack { applied_through });
    assert_eq!(send(first.clone(), token.clone()).await, ack(3));
    let (s, page) = admin("/admin/v1/halls/H0101/evidence-locks").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["locks"][0]["unlocked_at_ms"], Value::Null, "held");
    assert_eq!(send(then.clone(), token.clone()).await, ack(8));
    // The whole log again: nothing doubled, nothing rolled back.
    let mut again = first.changes.clone();
    again.extend(then.changes.clone());
    assert_eq!(send(batch("H0101", again), token.clone()).await, ack(8));

    // Another hall's line of the same id is its own.
    let theirs = line(1, now, Access::Export, "");
    assert_eq!(
        send(
            batch("H0202", vec![access("H0202", 1, 1, &theirs)]),
            other.clone()
        )
        .await,
        ack(1)
    );
    // This hall's token cannot upload for another hall.
    let (s, r) = send(
        batch(
            "H0202",
            vec![access("H0202", 2, 2, &line(4, now, Access::Live, ""))],
        ),
        token.clone(),
    )
    .await;
    assert_eq!(
        (s, r),
        (
            StatusCode::FORBIDDEN,
            UploadReply::Refused(Refusal::WrongHall)
        )
    );

    let (s, page) = admin("/admin/v1/halls/H0101/video-access").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let lines = page["lines"].as_array().unwrap();
    let ids: Vec<i64> = lines.iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [3, 2, 1], "newest first, each once: {page}");
    let l = &lines[2];
    assert_eq!(
        (&l["at_ms"], &l["by_staff"], &l["camera"], &l["access"]),
        (
            &json!(now - 9_000),
            &json!("2001"),
            &json!("cam-1"),
            &json!("playback")
        )
    );
    let record: AccessRecord = serde_json::from_value(l["record"].clone()).unwrap();
    assert_eq!(record, played, "the hall's whole line");
    assert_eq!(page["next_before"], Value::Null);
    let (s, page) = admin("/admin/v1/halls/H0101/video-access?limit=2").await;
    assert_eq!((s, &page["next_before"]), (StatusCode::OK, &json!(2)));
    let (_, page) = admin("/admin/v1/halls/H0101/video-access?limit=2&before=2").await;
    assert_eq!(page["lines"][0]["id"], 1, "{page}");
    assert_eq!(page["next_before"], Value::Null);

    let (s, page) = admin("/admin/v1/halls/H0101/evidence-locks").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let locks = page["locks"].as_array().unwrap();
    assert_eq!(locks.len(), 1, "{page}");
    let l = &locks[0];
    assert_eq!(
        (&l["id"], &l["camera"], &l["by_staff"], &l["at_ms"]),
        (
            &json!(5),
            &json!("cam-1"),
            &json!("2001"),
            &json!(now - 8_000)
        )
    );
    assert_eq!(
        l["unlocked_at_ms"],
        now - 1_000,
        "the unlock, not the older copy"
    );
    let stored: EvidenceLock = serde_json::from_value(l["lock"].clone()).unwrap();
    assert_eq!(stored, unlocked);

    // Each hall's own: the other hall's line is not this hall's, nor the reverse.
    let (_, page) = admin("/admin/v1/halls/H0202/video-access").await;
    let ids: Vec<&Value> = page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["id"])
        .collect();
    assert_eq!(ids, [&json!(1)]);
    assert_eq!(page["lines"][0]["access"], "export");
    let (_, page) = admin("/admin/v1/halls/H0202/evidence-locks").await;
    assert_eq!(page["locks"], json!([]));

    // Refusals in the province's shape: a hall's token is no maintainer's.
    for path in [
        "/admin/v1/halls/H0101/video-access",
        "/admin/v1/halls/H0101/evidence-locks",
    ] {
        for who in [token.clone(), other.clone(), "forged".into()] {
            let (s, e) = get(path.into(), who).await;
            assert_eq!(
                (s, e["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("unauthorized")),
                "{path}: {e}"
            );
        }
        let (s, e) = admin(&path.replace("H0101", "H9999")).await;
        assert_eq!(
            (s, e["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("no_hall"))
        );
        for (query, status, code) in [
            ("?limit=0", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ("?limit=201", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ("?limit=x", StatusCode::BAD_REQUEST, "bad_query"),
            ("?hall=H0202", StatusCode::BAD_REQUEST, "bad_query"),
        ] {
            let (s, e) = admin(&format!("{path}{query}")).await;
            assert_eq!(
                (s, e["code"].as_str()),
                (status, Some(code)),
                "{path}{query}"
            );
            assert!(e["message"].is_string(), "{e}");
        }
    }
    kill(&mut prov);
}
