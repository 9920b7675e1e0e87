//! Province server tests: a real hall node process replicating to a real province process.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use sync_proto::*;

mod bounds;
mod customers;
mod devices;
mod edges;
mod emergency;
mod faults;
mod feed;
mod incident_offline;
mod planner;
mod programs;
mod releases;
mod video;

/// The databases every test runs against: the embedded SQLite default, and
/// PostgreSQL when the test command started one (`cargo xtask test` does).
async fn backends(dir: &std::path::Path) -> Vec<String> {
    let mut urls = vec![format!(
        "sqlite://{}?mode=rwc",
        dir.join("province.db").display()
    )];
    match std::env::var("YYT_TEST_PG_URL") {
        Ok(admin) => {
            // Tests run in parallel in one process: the counter keeps their databases apart.
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("province_{}_{}_{n}", std::process::id(), server::now_ms());
            let url = server::create_database(&admin, &name)
                .await
                .expect("the test PostgreSQL answers");
            urls.push(url);
        }
        Err(_) => assert!(
            std::env::var("YYT_REQUIRE_PG").is_err(),
            "YYT_REQUIRE_PG is set but YYT_TEST_PG_URL is not"
        ),
    }
    urls
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `province-server` on `port` with its database at `db`.
fn province(db: &str, port: u16) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_province-server"))
        .args(["--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().contains("listening"));
    child
}

/// Runs `province-server --db DB ARGS…` (registering a hall or a maintainer); returns the printed token.
fn register(db: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_province-server"))
        .args(["--db", db])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned()
}

/// Registers hall H0101 at the province; returns its upload token.
fn add_hall(db: &str) -> String {
    register(db, &["--add-hall", "H0101", "城东供电营业厅"])
}

async fn tickets_at_province(db: &str) -> i64 {
    let pool = server::connect(db).await.unwrap();
    let n = server::ticket_count(&pool, "H0101").await.unwrap();
    pool.close().await;
    n
}

async fn wait_for(db: &str, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = tickets_at_province(db).await;
        if got == n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the province has {got} tickets, expected {n}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A demo hall node with its data in `dir`, replicating to the province at `url` with `token`.
fn hall_options(dir: &std::path::Path, url: &str, token: &str) -> hall_node::Options {
    hall_node::Options {
        db: dir.join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: Some(hall_node::uplink::Province {
            url: url.to_owned(),
            token: token.to_owned(),
        }),
        // No simulator runs: the demo's MQTT devices are not missed within the test.
        devices: hall_node::alarms::AlarmOptions {
            heartbeat_ms: 3_600_000,
            ..Default::default()
        },
        mqtt: Default::default(),
        video: Default::default(),
    }
}

fn store_kind() -> store::hall::DeviceKind {
    store::hall::DeviceKind::Kiosk
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn a_hall_cut_off_from_the_province_catches_up_once_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        catch_up(&db, dir.path()).await;
    }
}

async fn catch_up(db: &str, dir: &std::path::Path) {
    eprintln!("catch-up against {db}");
    let token = add_hall(db);
    let port = free_port();
    let mut prov = province(db, port);
    let hall_dir = tempfile::tempdir_in(dir).unwrap();

    let hall = hall_node::start(hall_options(
        hall_dir.path(),
        &format!("http://127.0.0.1:{port}"),
        &token,
    ))
    .await
    .unwrap();
    let addr = hall.addr.to_string();
    let kiosk = hall
        .store
        .add_device("k", store_kind(), None, "kiosk")
        .await
        .unwrap();
    let http = Client::new();
    let issue = |n: usize| {
        let (http, addr, kiosk) = (http.clone(), addr.clone(), kiosk.clone());
        async move {
            for _ in 0..n {
                let r = http
                    .post(format!("http://{addr}/api/v1/tickets"))
                    .bearer_auth(&kiosk)
                    .json(&json!({"business": "A"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status(),
                    StatusCode::CREATED,
                    "the hall must keep serving"
                );
            }
        }
    };

    issue(30).await;
    wait_for(db, 30).await;

    // The province goes away (killed mid-stream); the hall serves on.
    kill(&mut prov);
    issue(200).await;
    assert_eq!(tickets_at_province(db).await, 30);

    // It comes back on the same address: everything arrives, once.
    // The supervisor sees it: offline, changes waiting.
    let login: Value = http
        .post(format!("http://{addr}/api/v1/sessions"))
        .json(&json!({"staff_no": "2001", "password": "demo-2001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let supervisor = login["token"].as_str().unwrap().to_owned();
    let sync = |http: Client, addr: String, token: String| async move {
        let b: Value = http
            .get(format!("http://{addr}/api/v1/board"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        b["sync"].clone()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = sync(http.clone(), addr.clone(), supervisor.clone()).await;
        if s["online"] == false && s["waiting"].as_u64().unwrap_or(0) > 0 {
            assert_eq!(s["configured"], true);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the board never showed the outage: {s}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut prov = province(db, port);
    wait_for(db, 230).await;
    issue(5).await;
    wait_for(db, 235).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = sync(http.clone(), addr.clone(), supervisor.clone()).await;
        if s["online"] == true && s["waiting"] == 0 && s["last_success_at"].is_i64() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the board never showed the recovery: {s}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The status shows the hall's mark at the end of its log.
    let status: Value = http
        .get(format!("http://127.0.0.1:{port}/sync/v1/status"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["origins"][0]["origin"], "hall:H0101");
    // One change per issued ticket, after the demo registry's 22 devices.
    let head = hall.store.outbox_head().await.unwrap().unwrap().0;
    assert_eq!(head, 22 + 235, "one change per issued ticket");
    assert_eq!(status["origins"][0]["applied_through"], head);
    hall.stop().await;
    kill(&mut prov);
}

#[tokio::test]
async fn the_province_refuses_what_it_should() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        refusals(&db).await;
    }
}

async fn refusals(db: &str) {
    eprintln!("refusals against {db}");
    let token = add_hall(db);
    let port = free_port();
    let mut prov = province(db, port);
    let http = Client::new();
    let url = format!("http://127.0.0.1:{port}/sync/v1/upload");
    let now = server::now_ms();
    let change = |seq: u64| {
        Change {
        seq,
        hlc: Hlc {
            wall_ms: now,
            counter: seq as u32,
            node: "hall:H0101".into(),
        },
        kind: "ticket".into(),
        key: seq.to_string(),
        body: Body::of(&json!({"day": 1, "ticket": {"id": seq, "no": format!("A{seq:03}"), "business": "A", "state": {"state": "waiting"}}})).unwrap(),
    }
    };
    let batch = |hall: &str, origin: &str, changes: Vec<Change>| UploadBatch {
        version: PROTOCOL_VERSION,
        origin: origin.into(),
        hall: hall.into(),
        sent_at_ms: now,
        head: changes.last().map_or(0, |c| c.seq),
        changes,
    };
    let send = |b: UploadBatch, token: String| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let r = http
                .post(&url)
                .bearer_auth(token)
                .json(&b)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<UploadReply>().await.unwrap())
        }
    };

    let ok = batch("H0101", "hall:H0101", vec![change(1), change(2)]);
    assert_eq!(
        send(ok.clone(), token.clone()).await,
        (StatusCode::OK, UploadReply::Ack { applied_through: 2 })
    );
    // The same batch again is applied once.
    assert_eq!(
        send(ok.clone(), token.clone()).await,
        (StatusCode::OK, UploadReply::Ack { applied_through: 2 })
    );
    assert_eq!(tickets_at_province(db).await, 2);
    // Another hall's data with this hall's credential.
    let (s, r) = send(batch("H0202", "hall:H0202", vec![change(1)]), token.clone()).await;
    assert_eq!(
        (s, r),
        (
            StatusCode::FORBIDDEN,
            UploadReply::Refused(Refusal::WrongHall)
        )
    );
    // No credential.
    assert_eq!(
        send(ok.clone(), "forged".into()).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A gap, an outdated sender, a skewed clock.
    let (s, r) = send(batch("H0101", "hall:H0101", vec![change(9)]), token.clone()).await;
    assert_eq!(
        (s, r),
        (
            StatusCode::CONFLICT,
            UploadReply::Refused(Refusal::Gap { expected: 3 })
        )
    );
    let mut old = ok.clone();
    old.version = 0;
    assert!(matches!(
        send(old, token.clone()).await.1,
        UploadReply::Refused(Refusal::UpdateRequired { .. })
    ));
    let mut skewed = batch("H0101", "hall:H0101", vec![change(3)]);
    skewed.sent_at_ms = now + 3_600_000;
    assert!(matches!(
        send(skewed, token.clone()).await.1,
        UploadReply::Refused(Refusal::ClockSkew { .. })
    ));
    // The refusal is kept for the maintainers, not only logged.
    let out = Command::new(env!("CARGO_BIN_EXE_province-server"))
        .args(["--db", db, "--add-maintainer", "运维"])
        .output()
        .unwrap();
    let admin = String::from_utf8(out.stdout).unwrap();
    let admin = admin.trim().rsplit(' ').next().unwrap();
    let halls: Value = http
        .get(format!("http://127.0.0.1:{port}/admin/v1/halls"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(halls[0]["last_refusal"]["refusal"], "clock_skew", "{halls}");
    assert!(halls[0]["last_refusal"]["skew_ms"].as_i64().unwrap() > 3_000_000);
    // A ticket change without the fields it is stored by.
    let mut hollow = change(3);
    hollow.body = Body::of(&json!({"day": 1, "ticket": {"no": "A003"}})).unwrap();
    let (s, r) = send(batch("H0101", "hall:H0101", vec![hollow]), token.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(
        matches!(r, UploadReply::Refused(Refusal::Malformed { .. })),
        "{r:?}"
    );
    // A body that is not a batch, and one cut short.
    let text = serde_json::to_string(&ok).unwrap();
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(text[..text.len() / 2].to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(matches!(
        r.json::<UploadReply>().await.unwrap(),
        UploadReply::Refused(Refusal::Malformed { .. })
    ));
    assert_eq!(
        tickets_at_province(db).await,
        2,
        "nothing refused was stored"
    );
    kill(&mut prov);
}

#[tokio::test]
async fn copies_of_a_batch_racing_each_other_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        let token = add_hall(&db);
        let port = free_port();
        let mut prov = province(&db, port);
        let now = server::now_ms();
        let changes: Vec<Change> = (1..=1000u64)
            .map(|seq| Change {
                seq,
                hlc: Hlc {
                    wall_ms: now,
                    counter: seq as u32,
                    node: "hall:H0101".into(),
                },
                kind: "ticket".into(),
                key: seq.to_string(),
                body: Body::of(&json!({"day": 1, "ticket": {"id": seq, "no": format!("A{:03}", seq % 1000), "business": "A", "state": {"state": "waiting"}}})).unwrap(),
            })
            .collect();
        let batch = UploadBatch {
            version: PROTOCOL_VERSION,
            origin: "hall:H0101".into(),
            hall: "H0101".into(),
            sent_at_ms: now,
            head: 1000,
            changes,
        };
        let http = Client::new();
        let sends = (0..4).map(|_| {
            let (http, batch, token) = (http.clone(), batch.clone(), token.clone());
            let url = format!("http://127.0.0.1:{port}/sync/v1/upload");
            tokio::spawn(async move {
                let r = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&batch)
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.json::<UploadReply>().await.unwrap())
            })
        });
        for s in sends.collect::<Vec<_>>() {
            assert_eq!(
                s.await.unwrap(),
                (
                    StatusCode::OK,
                    UploadReply::Ack {
                        applied_through: 1000
                    }
                )
            );
        }
        let status: Value = http
            .get(format!("http://127.0.0.1:{port}/sync/v1/status"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            status["origins"][0]["changes_applied"], 1000,
            "{db}: {status}"
        );
        assert_eq!(tickets_at_province(&db).await, 1000);
        kill(&mut prov);
    }
}
