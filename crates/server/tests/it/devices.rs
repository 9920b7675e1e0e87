//! A hall's device registry, alarm history and control commands reach the province: a real hall node's alarm, acknowledged and cleared at the hall, and a command with who asked it, read back by a maintainer.

use super::*;
use ::devices::telemetry::{Heard, Message, Report};
use ::devices::{DeviceId, Metrics};

#[tokio::test]
async fn the_province_shows_every_halls_registry_and_alarm_history() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        history(&db, dir.path()).await;
    }
}

fn paper(pct: u8) -> Heard {
    Heard {
        device: DeviceId::parse("T01").unwrap(),
        at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
        message: Message::Report(Report {
            seq: 0,
            metrics: Metrics {
                paper_pct: Some(pct),
                ..Metrics::default()
            },
            busy: None,
        }),
    }
}

async fn history(db: &str, dir: &std::path::Path) {
    let token = add_hall(db);
    let maintainer = register(db, &["--add-maintainer", "运维"]);
    let port = free_port();
    let mut prov = province(db, port);
    let base = format!("http://127.0.0.1:{port}");
    let hall_dir = tempfile::tempdir_in(dir).unwrap();
    let hall = hall_node::start(hall_node::Options {
        db: hall_dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: Some(hall_node::uplink::Province {
            url: base.clone(),
            token,
        }),
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    })
    .await
    .unwrap();
    let http = Client::new();
    let admin = |path: String| {
        let (http, base, maintainer) = (http.clone(), base.clone(), maintainer.clone());
        async move {
            let r = http
                .get(format!("{base}{path}"))
                .bearer_auth(maintainer)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };

    // A terminal runs out of paper; the supervisor acknowledges; it is refilled.
    let heard = hall.heard_sender();
    heard.send(paper(0)).await.unwrap();
    let login: Value = http
        .post(format!("http://{}/api/v1/sessions", hall.addr))
        .json(&json!({"staff_no": "2001", "password": "demo-2001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let supervisor = login["token"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    let id = loop {
        let open: Value = http
            .get(format!("http://{}/api/v1/alarms", hall.addr))
            .bearer_auth(&supervisor)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(id) = open[0]["id"].as_u64() {
            break id;
        }
        assert!(Instant::now() < deadline, "no alarm at the hall");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let r = http
        .post(format!("http://{}/api/v1/alarms/{id}/ack", hall.addr))
        .bearer_auth(&supervisor)
        .json(&json!({"note": "已通知补纸"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    heard.send(paper(100)).await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let page = loop {
        let (s, page) = admin("/admin/v1/halls/H0101/alarms".into()).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        if page["alarms"][0]["state"] == "cleared" {
            break page;
        }
        assert!(Instant::now() < deadline, "the province has {page}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let a = &page["alarms"][0];
    assert_eq!(a["id"], id);
    assert_eq!(
        (&a["source_kind"], &a["source"], &a["fault"], &a["severity"]),
        (
            &json!("device"),
            &json!("T01"),
            &json!("paper_out"),
            &json!("major")
        )
    );
    assert_eq!(a["alarm"]["acknowledged"]["note"], "已通知补纸");
    assert_eq!(a["alarm"]["acknowledged"]["by"], "2001");
    assert!(a["cleared_at_ms"].as_i64().is_some());
    assert_eq!(page["next_before"], Value::Null);

    let (s, devices) = admin("/admin/v1/halls/H0101/devices".into()).await;
    assert_eq!(s, StatusCode::OK, "{devices}");
    let devices = devices.as_array().unwrap();
    assert_eq!(devices.len(), 22, "the hall's whole registry");
    let pad = devices.iter().find(|d| d["id"] == "pad-1").unwrap();
    assert_eq!(
        (&pad["kind"], &pad["name"]),
        (&json!("pad"), &json!("1 号窗口评价器"))
    );
    assert_eq!(pad["record"]["device"]["depends_on"], json!(["pc-1"]));

    // A command to a kiosk whose page is not open waits for it; who asked travels with it.
    let r = http
        .post(format!(
            "http://{}/api/v1/devices/kiosk-1/commands",
            hall.addr
        ))
        .bearer_auth(&supervisor)
        .json(&json!({"action": {"kind": "reload"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let deadline = Instant::now() + Duration::from_secs(30);
    let c = loop {
        let (s, page) = admin("/admin/v1/halls/H0101/commands".into()).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        if let Some(c) = page["commands"].as_array().and_then(|c| c.first()).cloned() {
            break c;
        }
        assert!(Instant::now() < deadline, "the province has {page}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        (&c["device"], &c["by_staff"], &c["state"]),
        (&json!("kiosk-1"), &json!("2001"), &json!("waiting"))
    );
    assert_eq!(c["command"]["action"]["kind"], "reload");
    assert_eq!(c["command"]["state"]["hold"], "offline");
    let (s, e) = admin("/admin/v1/halls/H0101/commands?limit=201".into()).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );

    // Refusals in the province's shape.
    let (s, e) = admin("/admin/v1/halls/H9999/alarms".into()).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("no_hall"))
    );
    let (s, e) = admin("/admin/v1/halls/H0101/alarms?limit=0".into()).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
    let (s, e) = admin("/admin/v1/halls/H0101/alarms?limit=x".into()).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_query"))
    );
    let (s, e) = admin("/admin/v1/halls/H0101/alarms?limit=1&before=1".into()).await;
    assert_eq!((s, &e["alarms"]), (StatusCode::OK, &json!([])), "{e}");
    let r = http
        .get(format!("{base}/admin/v1/halls/H0101/devices"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    hall.stop().await;
    kill(&mut prov);
}
