//! Ingest benchmark: a hall's 50k-record backlog catching up, and many halls uploading at once.
//!
//! Runs against SQLite, and against PostgreSQL when `YYT_TEST_PG_URL` names a
//! server (`cargo xtask bench ingest` starts one). Uploads go through the real
//! protocol: `Uploader` batches over loopback HTTP into `check_upload`.

use reqwest::Client;
use serde_json::json;
use std::time::{Duration, Instant};
use sync_proto::*;

const BACKLOG: u64 = 50_000;
const HALLS: usize = 10;
const PER_HALL: u64 = 10_000;
const BATCH: u64 = 1_000;

/// A ticket snapshot as a hall sends it (≈ 350 bytes of JSON).
fn change(hall: &str, seq: u64, now: i64) -> Change {
    Change {
        seq,
        hlc: Hlc {
            wall_ms: now - 3 * 86_400_000 + seq as i64,
            counter: 0,
            node: format!("hall:{hall}"),
        },
        kind: "ticket".into(),
        key: seq.to_string(),
        body: Body::of(&json!({"day": 20000, "ticket": {"id": seq, "no": format!("A{:03}", seq % 1000 + 1), "business": "A",
            "priority": "normal", "issued_at": now, "arrival": now, "for_counter": null, "customer": "3301234567",
            "state": {"state": "done", "counter": 3, "staff": "1001", "handled": "A", "called_at": now, "started_at": now,
                      "finished_at": now, "rating": {"kind": "rated", "score": 5, "reasons": []}}, "transfers": 0}}))
        .unwrap(),
    }
}

/// Uploads `count` changes of `hall` from scratch; returns how long it took.
async fn upload(http: &Client, base: &str, hall: &str, token: &str, count: u64) -> Duration {
    let started = Instant::now();
    let now = server::now_ms();
    let mut up = Uploader::new(0, BATCH);
    while let NextUpload::Send { from, to } = up.next(count) {
        let batch = UploadBatch {
            version: PROTOCOL_VERSION,
            origin: format!("hall:{hall}"),
            hall: hall.into(),
            sent_at_ms: server::now_ms(),
            changes: (from..=to).map(|s| change(hall, s, now)).collect(),
            head: count,
        };
        let reply: UploadReply = http
            .post(format!("{base}/sync/v1/upload"))
            .bearer_auth(token)
            .json(&batch)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let NextUpload::Stop(r) = up.on_reply(&reply, count) {
            panic!("refused: {r:?}");
        }
    }
    started.elapsed()
}

async fn run(db_url: &str, label: &str) {
    let node = server::start(server::Options {
        release_dir: std::env::temp_dir().join("yyt-bench-releases"),
        update_pubkey: None,
        db_url: db_url.into(),
        listen: "127.0.0.1:0".parse().unwrap(),
    })
    .await
    .unwrap();
    let base = format!("http://{}", node.addr);
    let http = Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();

    let token = server::add_hall(&node.pool, "H9000", "积压营业厅")
        .await
        .unwrap();
    let took = upload(&http, &base, "H9000", &token, BACKLOG).await;
    println!(
        "{label}: catch-up of a {BACKLOG}-record backlog in {:.2} s ({:.0} records/s)",
        took.as_secs_f64(),
        BACKLOG as f64 / took.as_secs_f64()
    );

    let mut halls = Vec::new();
    for i in 0..HALLS {
        let code = format!("H{:04}", 100 + i);
        halls.push((
            code.clone(),
            server::add_hall(&node.pool, &code, "并发营业厅")
                .await
                .unwrap(),
        ));
    }
    let started = Instant::now();
    let tasks: Vec<_> = halls
        .into_iter()
        .map(|(code, token)| {
            let (http, base) = (http.clone(), base.clone());
            tokio::spawn(async move { upload(&http, &base, &code, &token, PER_HALL).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let total = HALLS as u64 * PER_HALL;
    println!("{label}: {HALLS} halls uploading at once, {total} records in {secs:.2} s = {:.0} records/s", total as f64 / secs);
    assert_eq!(
        server::ticket_count(&node.pool, "H0100").await.unwrap(),
        PER_HALL as i64
    );
    node.stop().await;
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        ),
        "SQLite",
    )
    .await;
    if let Ok(admin) = std::env::var("YYT_TEST_PG_URL") {
        let name = format!("ingest_bench_{}", std::process::id());
        let url = server::create_database(&admin, &name).await.unwrap();
        run(&url, "PostgreSQL").await;
    }
}
