//! Load harness: 100 counters and a kiosk against a hall node over loopback HTTP, with a display listening.
//!
//! Reports durable operations per second, call-next latency (p50/p99) and the
//! time from sending call-next to the display receiving the call (p99).

use domain::{HallCode, Role, StaffName, StaffNo};
use ipc::hall::WireEvent;
use queue::{CounterConfig, CounterNo, QueueConfig};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::accounts::Account;
use store::hall::DeviceKind;

mod common;
use common::percentile;

const COUNTERS: u16 = 100;
const RUN: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = QueueConfig::demo();
    let all: Vec<_> = config.businesses.iter().map(|b| b.code).collect();
    config.counters = (1..=COUNTERS)
        .map(|n| CounterConfig {
            no: CounterNo::new(n).unwrap(),
            skills: all.clone(),
        })
        .collect();
    let opts = hall_node::Options {
        db: dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: config,
        province: None,
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    };
    // Staff accounts exist before start so the node knows their names.
    {
        let store = store::Store::open(&opts.db).await.unwrap();
        store.seed_demo_if_empty().await.unwrap();
        for n in 1..=COUNTERS {
            let account = Account {
                staff_no: StaffNo::parse(&format!("{}", 5000 + n)).unwrap(),
                name: StaffName::parse(&format!("压测{n}")).unwrap(),
                role: Role::Clerk,
                hall_code: HallCode::parse(store::demo::HALL_CODE).unwrap(),
            };
            store.put_account(&account, "bench-pass-1").await.unwrap();
        }
        store.close().await;
    }
    let node = hall_node::start(opts).await.unwrap();
    let kiosk = node
        .store
        .add_device("bench-kiosk", DeviceKind::Kiosk, None, "bench")
        .await
        .unwrap();
    let display = node
        .store
        .add_device("bench-display", DeviceKind::Display, None, "bench")
        .await
        .unwrap();
    let base = format!("http://{}", node.addr);
    let http = Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();

    let mut clerks = Vec::new();
    for n in 1..=COUNTERS {
        let v: Value = http
            .post(format!("{base}/api/v1/sessions"))
            .json(&json!({"staff_no": format!("{}", 5000 + n), "password": "bench-pass-1"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = v["token"].as_str().unwrap().to_owned();
        let r = http
            .post(format!("{base}/api/v1/counters/{n}/open"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        clerks.push((n, token));
    }

    // The display: when does each call arrive?
    let sent: Arc<Mutex<HashMap<u16, Instant>>> = Arc::default();
    let to_display: Arc<Mutex<Vec<Duration>>> = Arc::default();
    {
        use futures_util::StreamExt;
        let (mut ws, _) = tokio_tungstenite::connect_async(format!(
            "ws://{}/api/v1/events?token={display}",
            node.addr
        ))
        .await
        .unwrap();
        let (sent, to_display) = (sent.clone(), to_display.clone());
        tokio::spawn(async move {
            while let Some(Ok(msg)) = ws.next().await {
                let Ok(text) = msg.into_text() else { continue };
                if let Ok(WireEvent::Called { counter, .. }) = serde_json::from_str(&text) {
                    if let Some(t0) = sent.lock().unwrap().remove(&counter.get()) {
                        to_display.lock().unwrap().push(t0.elapsed());
                    }
                }
            }
        });
    }

    let ops = Arc::new(AtomicU64::new(0));
    let call_latency: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let deadline = Instant::now() + RUN;
    let mut tasks = Vec::new();
    // The kiosk keeps the queues fed.
    for _ in 0..4 {
        let (http, base, kiosk, ops) = (http.clone(), base.clone(), kiosk.clone(), ops.clone());
        tasks.push(tokio::spawn(async move {
            let businesses = ["A", "B", "C", "D", "E"];
            let mut i = 0;
            while Instant::now() < deadline {
                i += 1;
                let r = http
                    .post(format!("{base}/api/v1/tickets"))
                    .bearer_auth(&kiosk)
                    .json(&json!({"business": businesses[i % 5]}))
                    .send()
                    .await
                    .unwrap();
                if r.status() == StatusCode::CREATED {
                    ops.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for (n, token) in clerks {
        let (http, base, ops, call_latency, sent) = (
            http.clone(),
            base.clone(),
            ops.clone(),
            call_latency.clone(),
            sent.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let post = |op: &'static str| {
                http.post(format!("{base}/api/v1/counters/{n}/{op}"))
                    .bearer_auth(&token)
                    .json(&json!({}))
                    .send()
            };
            while Instant::now() < deadline {
                sent.lock().unwrap().insert(n, Instant::now());
                let t0 = Instant::now();
                let r = post("call-next").await.unwrap();
                let ok = r.status() == StatusCode::OK;
                let _ = r.bytes().await;
                if !ok {
                    sent.lock().unwrap().remove(&n);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
                call_latency.lock().unwrap().push(t0.elapsed());
                ops.fetch_add(1, Ordering::Relaxed);
                for op in ["start", "finish"] {
                    if post(op).await.unwrap().status() == StatusCode::OK {
                        ops.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let started = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut calls = call_latency.lock().unwrap().clone();
    calls.sort();
    let mut disp = to_display.lock().unwrap().clone();
    disp.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "hall node, {COUNTERS} counters + 4 kiosk streams over loopback HTTP, {:.0} s: {} durable operations = {:.0} ops/s",
        secs,
        ops.load(Ordering::Relaxed),
        ops.load(Ordering::Relaxed) as f64 / secs
    );
    println!(
        "call-next latency over {} calls: p50 {:.2} ms, p99 {:.2} ms; call to display: p50 {:.2} ms, p99 {:.2} ms ({} calls seen)",
        calls.len(),
        ms(percentile(&calls, 0.50)),
        ms(percentile(&calls, 0.99)),
        ms(percentile(&disp, 0.50)),
        ms(percentile(&disp, 0.99)),
        disp.len()
    );
    node.stop().await;
}
