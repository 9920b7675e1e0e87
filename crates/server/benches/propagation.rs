//! Propagation benchmark: how long a finished service takes to be finished at the province too (p50/p95/p99/max).
//!
//! An in-process province and an in-process hall node replicating to it over
//! loopback HTTP. A clerk serves tickets one after another (the kiosk issues,
//! the clerk calls, starts, finishes); for each, the clock runs from the finish
//! reply until the province's ticket row says `done`, polled through the
//! province's own pool every millisecond. Runs against SQLite, and against
//! PostgreSQL when `YYT_TEST_PG_URL` names a server (`cargo xtask bench
//! propagation` starts one).

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use store::hall::DeviceKind;

const SERVICES: usize = 300;
const POLL: Duration = Duration::from_millis(1);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn post(http: &Client, url: String, token: &str, body: Value, expect: StatusCode) -> Value {
    let r = http
        .post(&url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), expect, "{url}");
    r.json().await.unwrap()
}

async fn run(db_url: &str, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    let province = server::start(server::Options {
        db_url: db_url.into(),
        listen: "127.0.0.1:0".parse().unwrap(),
        release_dir: dir.path().join("releases"),
        update_pubkey: None,
    })
    .await
    .unwrap();
    let token = server::add_hall(&province.pool, "H0101", "城东供电营业厅")
        .await
        .unwrap();
    let hall = hall_node::start(hall_node::Options {
        db: dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: Some(hall_node::uplink::Province {
            url: format!("http://{}", province.addr),
            token,
        }),
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    })
    .await
    .unwrap();
    let kiosk = hall
        .store
        .add_device("bench-kiosk", DeviceKind::Kiosk, None, "bench")
        .await
        .unwrap();
    let base = format!("http://{}", hall.addr);
    let http = Client::new();
    let login: Value = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"staff_no": "1001", "password": "demo-1001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let clerk = login["token"].as_str().unwrap().to_owned();
    let counter = |op: &str| format!("{base}/api/v1/counters/1/{op}");
    post(&http, counter("open"), &clerk, json!({}), StatusCode::OK).await;

    let mut took = Vec::with_capacity(SERVICES);
    let started = Instant::now();
    for _ in 0..SERVICES {
        let tickets = format!("{base}/api/v1/tickets");
        post(
            &http,
            tickets,
            &kiosk,
            json!({"business": "A"}),
            StatusCode::CREATED,
        )
        .await;
        post(
            &http,
            counter("call-next"),
            &clerk,
            json!({}),
            StatusCode::OK,
        )
        .await;
        post(&http, counter("start"), &clerk, json!({}), StatusCode::OK).await;
        let done = post(&http, counter("finish"), &clerk, json!({}), StatusCode::OK).await;
        let finished = Instant::now();
        let id = done["events"][0]["ticket"]
            .as_i64()
            .unwrap_or_else(|| panic!("no ticket in {done}"));
        loop {
            let state: Option<String> =
                sqlx::query_scalar("SELECT state FROM ticket WHERE hall = $1 AND id = $2")
                    .bind("H0101")
                    .bind(id)
                    .fetch_optional(&province.pool)
                    .await
                    .unwrap();
            if state.as_deref() == Some("done") {
                break;
            }
            assert!(
                finished.elapsed() < Duration::from_secs(30),
                "ticket {id} never arrived finished at the province (state {state:?})"
            );
            tokio::time::sleep(POLL).await;
        }
        took.push(finished.elapsed());
    }
    let total = started.elapsed();
    took.sort();
    println!(
        "{label}: finished service to the province, {SERVICES} services (polled every {} ms): \
         p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({:.1} s in all)",
        POLL.as_millis(),
        ms(percentile(&took, 0.50)),
        ms(percentile(&took, 0.95)),
        ms(percentile(&took, 0.99)),
        ms(took[took.len() - 1]),
        total.as_secs_f64(),
    );
    hall.stop().await;
    province.stop().await;
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("province.db").display()
        ),
        "SQLite",
    )
    .await;
    if let Ok(admin) = std::env::var("YYT_TEST_PG_URL") {
        let name = format!("propagation_bench_{}", std::process::id());
        let url = server::create_database(&admin, &name).await.unwrap();
        run(&url, "PostgreSQL").await;
    }
}
