//! Hall node tests over real HTTP and WebSocket on loopback, and kill -9 of the real binary.

use ipc::hall::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;
use store::hall::DeviceKind;

struct Node {
    running: hall_node::Running,
    base: String,
    http: Client,
    kiosk: String,
    display: String,
    pads: Vec<String>,
    _dir: tempfile::TempDir,
}

fn opts(db: std::path::PathBuf) -> hall_node::Options {
    hall_node::Options {
        db,
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: None,
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    }
}

impl Node {
    async fn start() -> Node {
        Self::start_with(|o| o).await
    }

    /// A node started with the test options as `f` changes them.
    async fn start_with(f: impl FnOnce(hall_node::Options) -> hall_node::Options) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let running = hall_node::start(f(opts(dir.path().join("hall.db"))))
            .await
            .unwrap();
        let store = running.store.clone();
        let kiosk = store
            .add_device("t-kiosk", DeviceKind::Kiosk, None, "test kiosk")
            .await
            .unwrap();
        let display = store
            .add_device("t-display", DeviceKind::Display, None, "test display")
            .await
            .unwrap();
        let mut pads = Vec::new();
        for c in 1..=6u16 {
            pads.push(
                store
                    .add_device(&format!("t-pad-{c}"), DeviceKind::Pad, Some(c), "test pad")
                    .await
                    .unwrap(),
            );
        }
        let base = format!("http://{}", running.addr);
        Node {
            running,
            base,
            // A new connection per request: a refusal may close its connection
            // before reading the body, and a pooled one could then be reused stale.
            http: Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("an HTTP client"),
            kiosk,
            display,
            pads,
            _dir: dir,
        }
    }

    async fn req(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url),
        };
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn login(&self, staff: &str) -> String {
        let (s, v) = self
            .req(
                "POST",
                "/api/v1/sessions",
                None,
                Some(json!({"staff_no": staff, "password": format!("demo-{staff}")})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_owned()
    }

    async fn issue(&self, business: &str) -> IssueReply {
        let (s, v) = self
            .req(
                "POST",
                "/api/v1/tickets",
                Some(&self.kiosk),
                Some(json!({"business": business})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).unwrap()
    }

    async fn counter(&self, token: &str, no: u16, op: &str, body: Value) -> (StatusCode, Value) {
        self.req(
            "POST",
            &format!("/api/v1/counters/{no}/{op}"),
            Some(token),
            Some(body),
        )
        .await
    }

    async fn tickets(&self, token: &str) -> Vec<TicketRow> {
        let (s, v) = self.req("GET", "/api/v1/tickets", Some(token), None).await;
        assert_eq!(s, StatusCode::OK);
        serde_json::from_value(v).unwrap()
    }
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("<no code>")
}

mod commands;
mod customers;
mod devices;
mod edges;
mod emergency;
mod mqtt;
mod priority;
mod programs;
mod ratings;
mod supervisor;
mod updates;
mod video;

#[tokio::test]
async fn a_customer_goes_from_kiosk_to_counter_to_pad() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let (s, v) = n.counter(&clerk, 1, "open", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let (_, hall) = n.req("GET", "/api/v1/hall", Some(&n.kiosk), None).await;
    assert_eq!(hall["hall_name"], "城东供电营业厅");
    let t = n.issue("A").await;
    assert_eq!(t.ticket.no.to_string(), "A001");
    assert_eq!((t.ahead, t.business_name_zh.as_str()), (0, "电费缴纳"));

    let (s, v) = n.counter(&clerk, 1, "call-next", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, display) = n
        .req("GET", "/api/v1/display", Some(&n.display), None)
        .await;
    assert_eq!(display["calls"][0]["no"], "A001");
    assert_eq!(display["calls"][0]["counter"], 1);

    assert_eq!(
        n.counter(&clerk, 1, "start", json!({})).await.0,
        StatusCode::OK
    );
    let (s, v) = n
        .counter(&clerk, 1, "finish", json!({"handled": "C"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let (_, pad) = n
        .req("GET", "/api/v1/pads/me", Some(&n.pads[0]), None)
        .await;
    assert_eq!(pad["pending"]["no"], "A001");
    assert_eq!(pad["pending"]["staff_name"], "李静");
    let (_, other_pad) = n
        .req("GET", "/api/v1/pads/me", Some(&n.pads[1]), None)
        .await;
    assert_eq!(other_pad["pending"], Value::Null);

    let ticket = pad["pending"]["ticket"].as_u64().unwrap();
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[0]),
            Some(json!({"ticket": ticket, "score": 5})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, pad) = n
        .req("GET", "/api/v1/pads/me", Some(&n.pads[0]), None)
        .await;
    assert_eq!(pad["pending"], Value::Null);

    let (_, me) = n.req("GET", "/api/v1/me", Some(&clerk), None).await;
    let me: MeView = serde_json::from_value(me).unwrap();
    assert_eq!(
        (me.figures.served, me.figures.rated, me.figures.avg_score),
        (1, 1, Some(5.0))
    );
    assert_eq!(me.counter.unwrap().no.get(), 1);

    let supervisor = n.login("2001").await;
    let (_, board) = n.req("GET", "/api/v1/board", Some(&supervisor), None).await;
    let board: BoardView = serde_json::from_value(board).unwrap();
    assert_eq!(board.today.served, 1);
    assert_eq!(board.today.satisfaction_pct, Some(100));
    assert_eq!(board.counters[0].staff_name.as_deref(), Some("李静"));
    n.running.stop().await;
}

#[tokio::test]
async fn every_refusal_is_clear_and_changes_nothing() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let other = n.login("1002").await;
    let supervisor = n.login("2001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    n.counter(&other, 2, "open", json!({})).await;

    // Who may do what.
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/tickets",
            None,
            Some(json!({"business": "A"})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    assert_eq!(v["message"], "请先登录或提供有效的令牌。");
    let (s, _) = n
        .req(
            "POST",
            "/api/v1/tickets",
            Some("forged-token"),
            Some(json!({"business": "A"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Staff issue on a customer's behalf (see `priority`); other devices may not issue.
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/tickets",
            Some(&n.display),
            Some(json!({"business": "A"})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    let (s, _) = n.counter(&n.kiosk, 1, "call-next", json!({})).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a device token must not call tickets"
    );
    let (s, _) = n.counter(&supervisor, 1, "call-next", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = n.counter(&other, 1, "call-next", json!({})).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a clerk works only at their own counter"
    );
    let (s, _) = n.req("GET", "/api/v1/board", Some(&n.display), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Malformed input.
    let raw = |body: &'static str| {
        n.http
            .post(format!("{}/api/v1/tickets", n.base))
            .bearer_auth(&n.kiosk)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = raw("{not json").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "bad_request");
    let r = raw(r#"{"business": "A", "vip": true}"#).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let big = format!(
        r#"{{"business": "A", "customer": "{}"}}"#,
        "9".repeat(20_000)
    );
    let r = n
        .http
        .post(format!("{}/api/v1/tickets", n.base))
        .bearer_auth(&n.kiosk)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "payload_too_large"
    );
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/tickets",
            Some(&n.kiosk),
            Some(json!({"business": "Q"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_business")
    );
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/tickets",
            Some(&n.kiosk),
            Some(json!({"business": "A", "customer": "12ab"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "customer_id_invalid")
    );
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/tickets",
            Some(&n.kiosk),
            Some(json!({"business": "A", "priority": "king"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_priority")
    );
    assert!(
        n.tickets(&clerk).await.is_empty(),
        "refused requests issued a ticket"
    );

    // Queue rules.
    let (s, v) = n.counter(&clerk, 1, "finish", json!({})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "no_current_ticket"));
    let (s, v) = n.counter(&clerk, 1, "call-next", json!({})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "nothing_waiting"));
    assert_eq!(v["message"], "当前没有等候的客户。");
    n.issue("A").await;
    n.counter(&clerk, 1, "call-next", json!({})).await;
    let (s, v) = n.counter(&clerk, 1, "finish", json!({})).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "not_serving"),
        "finishing a ticket not being served"
    );
    let (s, v) = n.counter(&clerk, 1, "pause", json!({"reason": ""})).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required")
    );
    let (s, _) = n.counter(&clerk, 77, "open", json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Ratings: only the pad of the counter, only the pending service, only 1–5.
    n.counter(&clerk, 1, "start", json!({})).await;
    n.counter(&clerk, 1, "finish", json!({})).await;
    let id = n.tickets(&clerk).await[0].id;
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[1]),
            Some(json!({"ticket": id, "score": 5})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "not_your_counter"));
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[0]),
            Some(json!({"ticket": id, "score": 7})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "score_invalid")
    );
    let (s, _) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.kiosk),
            Some(json!({"ticket": id, "score": 5})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        n.tickets(&clerk).await[0].score,
        None,
        "refused ratings were recorded"
    );
    let (s, _) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[0]),
            Some(json!({"ticket": id, "score": null})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        n.tickets(&clerk).await[0].score,
        Some(0),
        "a timeout is recorded as not rated"
    );
    let (s, _) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[0]),
            Some(json!({"ticket": id, "score": 4})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a service is rated once");

    // Signed out means out.
    n.req("DELETE", "/api/v1/sessions", Some(&clerk), None)
        .await;
    assert_eq!(
        n.counter(&clerk, 1, "call-next", json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );
    n.running.stop().await;
}

#[tokio::test]
async fn concurrent_calls_never_take_the_same_ticket() {
    let n = Node::start().await;
    let a = n.login("1001").await;
    let b = n.login("1002").await;
    n.counter(&a, 1, "open", json!({})).await;
    n.counter(&b, 2, "open", json!({})).await;
    for round in 0..20 {
        let t = n.issue("A").await;
        let no = t.ticket.no.to_string();
        let (ra, rb) = tokio::join!(
            n.counter(&a, 1, "call", json!({"no": no})),
            n.counter(&b, 2, "call", json!({"no": no}))
        );
        let ok = [ra.0, rb.0]
            .iter()
            .filter(|s| **s == StatusCode::OK)
            .count();
        assert_eq!(ok, 1, "round {round}: {ra:?} {rb:?}");
        let loser = if ra.0 == StatusCode::OK { &rb } else { &ra };
        assert_eq!(code(&loser.1), "already_called");
        for (tok, c) in [(&a, 1), (&b, 2)] {
            if n.counter(tok, c, "no-show", json!({})).await.0 != StatusCode::OK {
                continue;
            }
        }
    }
    // Many counters racing for few tickets: each ticket goes to exactly one.
    for _ in 0..5 {
        n.issue("A").await;
    }
    let (ra, rb) = tokio::join!(
        async {
            let mut got = vec![];
            for _ in 0..5 {
                got.push(n.counter(&a, 1, "call-next", json!({})).await);
                n.counter(&a, 1, "no-show", json!({})).await;
            }
            got
        },
        async {
            let mut got = vec![];
            for _ in 0..5 {
                got.push(n.counter(&b, 2, "call-next", json!({})).await);
                n.counter(&b, 2, "no-show", json!({})).await;
            }
            got
        },
    );
    let called: Vec<String> = ra
        .iter()
        .chain(&rb)
        .filter(|r| r.0 == StatusCode::OK)
        .map(|r| r.1["events"][0]["no"].as_str().unwrap().to_owned())
        .collect();
    let mut unique = called.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(called.len(), 5);
    assert_eq!(unique.len(), 5, "{called:?}");
    n.running.stop().await;
}

#[tokio::test]
async fn a_restart_recovers_the_day_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let running = hall_node::start(opts(db.clone())).await.unwrap();
    let kiosk = running
        .store
        .add_device("k", DeviceKind::Kiosk, None, "k")
        .await
        .unwrap();
    let pad = running
        .store
        .add_device("p", DeviceKind::Pad, Some(1), "p")
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let http = Client::new();
    let post = |path: String, token: String, body: Value| {
        let http = http.clone();
        async move {
            http.post(path)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let login = post(
        format!("{base}/api/v1/sessions"),
        String::new(),
        json!({"staff_no": "1001", "password": "demo-1001"}),
    )
    .await;
    let clerk = login["token"].as_str().unwrap().to_owned();
    post(
        format!("{base}/api/v1/counters/1/open"),
        clerk.clone(),
        json!({}),
    )
    .await;
    for _ in 0..3 {
        post(
            format!("{base}/api/v1/tickets"),
            kiosk.clone(),
            json!({"business": "A"}),
        )
        .await;
    }
    post(
        format!("{base}/api/v1/counters/1/call-next"),
        clerk.clone(),
        json!({}),
    )
    .await;
    post(
        format!("{base}/api/v1/counters/1/start"),
        clerk.clone(),
        json!({}),
    )
    .await;
    post(
        format!("{base}/api/v1/counters/1/finish"),
        clerk.clone(),
        json!({}),
    )
    .await;
    post(
        format!("{base}/api/v1/ratings"),
        pad.clone(),
        json!({"ticket": 1, "score": 4}),
    )
    .await;
    running.stop().await;

    let running = hall_node::start(opts(db)).await.unwrap();
    let base = format!("http://{}", running.addr);
    let rows: Vec<TicketRow> = http
        .get(format!("{base}/api/v1/tickets"))
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let states: Vec<(String, String, Option<u8>)> = rows
        .iter()
        .map(|r| (r.no.to_string(), r.state.clone(), r.score))
        .collect();
    assert_eq!(
        states,
        vec![
            ("A001".into(), "done".into(), Some(4)),
            ("A002".into(), "waiting".into(), None),
            ("A003".into(), "waiting".into(), None)
        ]
    );
    let t = post(
        format!("{base}/api/v1/tickets"),
        kiosk,
        json!({"business": "A"}),
    )
    .await;
    assert_eq!(
        t["ticket"]["no"], "A004",
        "numbers continue after a restart"
    );
    // The clerk is still signed in at counter 1 and can go on.
    let next = post(
        format!("{base}/api/v1/counters/1/call-next"),
        clerk,
        json!({}),
    )
    .await;
    assert_eq!(next["events"][0]["no"], "A002");
    running.stop().await;
}

#[tokio::test]
async fn the_display_hears_calls_over_the_websocket() {
    use tokio_tungstenite::tungstenite::Message;
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    let url = format!("ws://{}/api/v1/events?token={}", n.running.addr, n.display);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let bad = format!("ws://{}/api/v1/events?token=nope", n.running.addr);
    assert!(
        tokio_tungstenite::connect_async(bad).await.is_err(),
        "a bad token must not get events"
    );
    n.issue("C").await;
    n.counter(&clerk, 1, "call-next", json!({})).await;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen
        .iter()
        .any(|e: &WireEvent| matches!(e, WireEvent::Called { .. }))
    {
        let msg = tokio::time::timeout_at(deadline, futures_next(&mut ws))
            .await
            .expect("no call event within 5 s");
        if let Some(Message::Text(text)) = msg {
            seen.push(serde_json::from_str(&text).unwrap());
        }
    }
    assert!(seen.iter().any(|e| matches!(e, WireEvent::Called { no, counter, .. } if no.to_string() == "C001" && counter.get() == 1)));
    assert!(
        !seen.iter().any(|e| matches!(e, WireEvent::Counter { .. })),
        "the display gets only calls and waiting counts"
    );
    n.running.stop().await;
}

async fn futures_next<S>(ws: &mut S) -> Option<tokio_tungstenite::tungstenite::Message>
where
    S: futures_util::Stream<
            Item = Result<
                tokio_tungstenite::tungstenite::Message,
                tokio_tungstenite::tungstenite::Error,
            >,
        > + Unpin,
{
    use futures_util::StreamExt;
    ws.next().await.and_then(Result::ok)
}

/// Starts the real `hall-node` binary; returns the child, its address and the device tokens by name.
fn spawn_binary(
    db: &std::path::Path,
) -> (std::process::Child, SocketAddr, HashMap<String, String>) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hall-node"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr: SocketAddr = first.rsplit("http://").next().unwrap().parse().unwrap();
    let mut tokens = HashMap::new();
    for line in lines.by_ref().take(8) {
        let line = line.unwrap();
        if let Some((name, url)) = line.trim().split_once(": ") {
            tokens.insert(
                name.to_owned(),
                url.rsplit("token=").next().unwrap().to_owned(),
            );
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (child, addr, tokens)
}

#[tokio::test]
async fn kill_9_under_load_loses_no_acknowledged_ticket_or_rating() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, addr, tokens) = spawn_binary(&db);
    let (kiosk, pad) = (tokens["kiosk"].clone(), tokens["pad-1"].clone());
    let base = format!("http://{addr}");
    let http = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
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
    http.post(format!("{base}/api/v1/counters/1/open"))
        .bearer_auth(&clerk)
        .json(&json!({}))
        .send()
        .await
        .unwrap();

    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let rated = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(u64, u8)>::new()));
    // Eight kiosks issue as fast as they can…
    let mut load = Vec::new();
    for _ in 0..8 {
        let (http, base, kiosk, acked) = (http.clone(), base.clone(), kiosk.clone(), acked.clone());
        load.push(tokio::spawn(async move {
            for _ in 0..2_000 {
                let r = http
                    .post(format!("{base}/api/v1/tickets"))
                    .bearer_auth(&kiosk)
                    .json(&json!({"business": "A"}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let v: Value = r.json().await.unwrap();
                        acked
                            .lock()
                            .unwrap()
                            .push(v["ticket"]["no"].as_str().unwrap().to_owned());
                    }
                    _ => break,
                }
            }
        }));
    }
    // …while the clerk at counter 1 serves and the pad rates every service.
    {
        let (http, base, rated) = (http.clone(), base.clone(), rated.clone());
        load.push(tokio::spawn(async move {
            let post = |path: String, token: String, body: Value| {
                let http = http.clone();
                async move { http.post(path).bearer_auth(token).json(&body).send().await }
            };
            for i in 0..10_000u64 {
                let mut done = None;
                for op in ["call-next", "start", "finish"] {
                    match post(
                        format!("{base}/api/v1/counters/1/{op}"),
                        clerk.clone(),
                        json!({}),
                    )
                    .await
                    {
                        Ok(r) if r.status() == StatusCode::OK => {
                            done = Some(r.json::<Value>().await.unwrap())
                        }
                        Ok(_) => continue,
                        Err(_) => return,
                    }
                }
                let Some(ticket) = done.and_then(|d| d["events"][0]["ticket"].as_u64()) else {
                    continue;
                };
                let score = (i % 5 + 1) as u8;
                match post(
                    format!("{base}/api/v1/ratings"),
                    pad.clone(),
                    json!({"ticket": ticket, "score": score}),
                )
                .await
                {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        rated.lock().unwrap().push((ticket, score))
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        }));
    }
    // Kill once the load is well under way (however busy the machine is), mid-stream.
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(30)
        && (acked.lock().unwrap().len() <= 50 || rated.lock().unwrap().len() <= 5)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().unwrap(); // SIGKILL, mid-stream
    child.wait().unwrap();
    for l in load {
        let _ = l.await;
    }
    let acked = acked.lock().unwrap().clone();
    let rated = rated.lock().unwrap().clone();
    assert!(
        acked.len() > 50,
        "the load did not get going: {} tickets",
        acked.len()
    );
    assert!(
        rated.len() > 5,
        "the clerk did not get going: {} ratings",
        rated.len()
    );

    let (mut child, addr, tokens) = spawn_binary(&db);
    let base = format!("http://{addr}");
    let login: Value = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"staff_no": "2001", "password": "demo-2001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    let rows: Vec<TicketRow> = http
        .get(format!("{base}/api/v1/tickets"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored: std::collections::HashSet<String> = rows.iter().map(|r| r.no.to_string()).collect();
    let lost: Vec<&String> = acked.iter().filter(|no| !stored.contains(*no)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged tickets lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    for (ticket, score) in &rated {
        let row = rows
            .iter()
            .find(|r| r.id == *ticket)
            .expect("a rated ticket is stored");
        assert_eq!(row.score, Some(*score), "the rating of {} was lost", row.no);
    }
    // No number is issued twice: the next one comes after everything stored.
    let next: Value = http
        .post(format!("{base}/api/v1/tickets"))
        .bearer_auth(&tokens["kiosk"])
        .json(&json!({"business": "A"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next_no = next["ticket"]["no"].as_str().unwrap().to_owned();
    assert!(!stored.contains(&next_no), "{next_no} was issued again");
    assert_eq!(next_no[1..].parse::<usize>().unwrap(), rows.len() + 1);
    eprintln!(
        "kill -9: {} tickets and {} ratings acknowledged before the kill, all recovered",
        acked.len(),
        rated.len()
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn every_accepted_change_is_logged_for_replication_and_refusals_log_nothing() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    let t = n.issue("A").await;
    for op in ["call-next", "start", "finish"] {
        assert_eq!(n.counter(&clerk, 1, op, json!({})).await.0, StatusCode::OK);
    }
    let (s, _) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[0]),
            Some(json!({"ticket": t.ticket.id, "score": 5, "reasons": []})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    n.counter(&clerk, 1, "pause", json!({"reason": "午休"}))
        .await;
    // Refused operations leave no trace in the change log.
    assert_eq!(
        n.counter(&clerk, 1, "call-next", json!({})).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        n.req(
            "POST",
            "/api/v1/tickets",
            Some(&n.kiosk),
            Some(json!({"business": "Q"}))
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The demo's registry goes up first (as `device` changes); the queue's follow.
    let rows: Vec<_> = n
        .running
        .store
        .outbox_after(0, 100)
        .await
        .unwrap()
        .into_iter()
        .skip_while(|r| r.kind == "device")
        .collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "counter_event",
            "ticket",
            "ticket",
            "ticket",
            "ticket",
            "ticket",
            "counter_event"
        ]
    );
    let first = rows[0].seq;
    assert_eq!(
        rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (first..first + 7).collect::<Vec<_>>(),
        "contiguous"
    );
    let stamps: Vec<sync_proto::Hlc> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.hlc).unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[0] < w[1]),
        "timestamps rise: {stamps:?}"
    );
    assert!(stamps.iter().all(|h| h.node == "hall:H0101"));
    let states: Vec<String> = rows[1..6]
        .iter()
        .map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["ticket"]["state"]["state"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(states, ["waiting", "called", "serving", "done", "done"]);
    let last: Value = serde_json::from_str(&rows[5].body).unwrap();
    assert_eq!(
        last["ticket"]["state"]["rating"]["score"], 5,
        "the rating travels with its ticket"
    );
    assert!(rows
        .iter()
        .all(|r| r.kind != "ticket" || r.key == t.ticket.id.to_string()));
    // With no province configured, the board says so and counts what waits
    // (the registry's changes and these seven).
    let supervisor = n.login("2001").await;
    let (_, board) = n.req("GET", "/api/v1/board", Some(&supervisor), None).await;
    assert_eq!(
        board["sync"],
        json!({"configured": false, "online": false, "last_success_at": null,
               "waiting": first - 1 + 7, "feed_at": null, "problem": null})
    );
    let pause: Value = serde_json::from_str(&rows[6].body).unwrap();
    assert_eq!(
        (pause["event"].as_str(), pause["reason"].as_str()),
        (Some("paused"), Some("午休"))
    );
    n.running.stop().await;
}
