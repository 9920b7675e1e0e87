//! The province's own data going down: maintainers' edits, refusals, scope, and the conflict rules across an outage.

use super::{backends, free_port, kill, province, register};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// A TCP relay between the hall and the province that the test can cut, like
/// the power-information network going down (open connections die too).
struct Relay {
    port: u16,
    cut: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let (c, cs) = (cut.clone(), conns.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if c.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is reset
                }
                let h = tokio::spawn(async move {
                    if let Ok(mut out) = TcpStream::connect(("127.0.0.1", upstream)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
                cs.lock().unwrap().push(h);
            }
        });
        Self {
            port,
            cut,
            conns,
            accept,
        }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for h in self.conns.lock().unwrap().drain(..) {
            h.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }

    fn stop(self) {
        self.cut();
        self.accept.abort();
    }
}

async fn put(http: &Client, url: String, token: &str, body: &str) -> (StatusCode, Value) {
    let r = http
        .put(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn sign_in(http: &Client, hall: &str, staff: &str, password: &str) -> (StatusCode, Value) {
    let r = http
        .post(format!("http://{hall}/api/v1/sessions"))
        .json(&json!({"staff_no": staff, "password": password}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Waits until `check` holds, or fails saying what was awaited.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(40);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_province_feeds_what_it_owns_and_conflicts_follow_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        feed(&db, dir.path()).await;
    }
}

async fn feed(db: &str, dir: &std::path::Path) {
    eprintln!("feed against {db}");
    let token = register(db, &["--add-hall", "H0101", "城东供电营业厅"]);
    register(db, &["--add-hall", "H0202", "城西供电营业厅"]);
    let admin = register(db, &["--add-maintainer", "省运维 王工"]);
    let port = free_port();
    let mut prov = province(db, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::new();
    let at = |path: &str| format!("{base}{path}");

    // Refusals: each with a code and both languages, and nothing written.
    let staff = r#"{"name": "周敏", "role": "clerk", "hall": "H0101", "password": "prov-pass-1"}"#;
    let refusals = [
        (
            "/admin/v1/staff/5001",
            "forged",
            staff,
            StatusCode::UNAUTHORIZED,
        ),
        ("/admin/v1/staff/5001", "", staff, StatusCode::UNAUTHORIZED),
        (
            "/admin/v1/staff/5001",
            &admin,
            r#"{"name": "周敏", "role": "clerk", "hall": "H0101"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/staff/5001",
            &admin,
            r#"{"name": "周敏", "role": "boss", "hall": "H0101", "password": "prov-pass-1"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/staff/5001",
            &admin,
            r#"{"name": "周敏", "role": "clerk", "hall": "H9999", "password": "prov-pass-1"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/staff/5001",
            &admin,
            r#"{"name": "周敏", "role": "clerk", "hall": "H0101", "password": "short"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/staff/5001",
            &admin,
            r#"{"name": "周敏", "role": "clerk", "hall": "H0101", "password": "prov-pass-1", "salary": 1}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/admin/v1/staff/5001",
            &admin,
            r#"{"name": "周敏""#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/admin/v1/businesses/a",
            &admin,
            r#"{"name_zh": "居民业务", "name_en": "Residential", "default_service_secs": 180}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/businesses/A",
            &admin,
            r#"{"name_zh": "居民业务", "name_en": "Residential", "default_service_secs": 5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/businesses/A",
            &admin,
            r#"{"name_zh": " ", "name_en": "Residential", "default_service_secs": 180}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/priorities/VIP",
            &admin,
            r#"{"name_zh": "贵宾", "name_en": "VIP", "weight": 100}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/halls/H0101/setup",
            &admin,
            r#"{"counters": [{"no": 1, "skills": ["A"]}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/admin/v1/halls/H9999/setup",
            &admin,
            r#"{"counters": [{"no": 1, "skills": ["A"]}]}"#,
            StatusCode::NOT_FOUND,
        ),
    ];
    for (path, token, body, expected) in refusals {
        let (status, answer) = put(&http, at(path), token, body).await;
        assert_eq!(status, expected, "{path} {body}: {answer}");
        assert!(answer["code"].is_string(), "{answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_ascii()),
            "a Chinese message: {answer}"
        );
        assert!(answer["message_en"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let halls = |http: Client, token: String| {
        let url = at("/admin/v1/halls");
        async move {
            let r = http.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(
        halls(http.clone(), admin.clone()).await[0]["feed_head"],
        0,
        "refusals wrote nothing"
    );
    assert_eq!(
        http.get(at("/admin/v1/halls"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED,
        "a hall's credential is not a maintainer's"
    );

    // The province's catalogue, the hall's set-up, and staff of two halls.
    for (path, body) in [
        (
            "/admin/v1/businesses/A",
            r#"{"name_zh": "居民业务", "name_en": "Residential", "default_service_secs": 180}"#,
        ),
        (
            "/admin/v1/businesses/B",
            r#"{"name_zh": "企业业务", "name_en": "Business", "default_service_secs": 600}"#,
        ),
        (
            "/admin/v1/priorities/normal",
            r#"{"name_zh": "普通", "name_en": "Normal", "weight": 0}"#,
        ),
        (
            "/admin/v1/priorities/vip",
            r#"{"name_zh": "贵宾", "name_en": "VIP", "weight": 100}"#,
        ),
        (
            "/admin/v1/halls/H0101/setup",
            r#"{"counters": [{"no": 1, "skills": ["A"]}, {"no": 2, "skills": ["B", "A"]}], "strategy": "preferred_business_first"}"#,
        ),
        ("/admin/v1/staff/5001", staff),
        (
            "/admin/v1/staff/5002",
            r#"{"name": "刘洋", "role": "clerk", "hall": "H0202", "password": "prov-pass-1"}"#,
        ),
    ] {
        let (status, answer) = put(&http, at(path), &admin, body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    }
    let (status, answer) = put(
        &http,
        at("/admin/v1/staff/5002"),
        &admin,
        r#"{"name": "刘洋", "role": "clerk", "hall": "H0101"}"#,
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("staff_elsewhere")),
        "moving staff between halls is refused"
    );

    // The hall, reaching the province through a relay the test can cut.
    let relay = Relay::start(port).await;
    let hall_dir = tempfile::tempdir_in(dir).unwrap();
    let hall = hall_node::start(hall_node::Options {
        db: hall_dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: Some(hall_node::uplink::Province {
            url: format!("http://127.0.0.1:{}", relay.port),
            token: token.clone(),
        }),
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    })
    .await
    .unwrap();
    let addr = hall.addr.to_string();
    until("the province's clerk can sign in at the hall", || {
        let (http, addr) = (http.clone(), addr.clone());
        async move { sign_in(&http, &addr, "5001", "prov-pass-1").await.0 == StatusCode::OK }
    })
    .await;
    assert_eq!(
        sign_in(&http, &addr, "5002", "prov-pass-1").await.0,
        StatusCode::UNAUTHORIZED,
        "another hall's staff never reach this hall"
    );
    let config = hall_node::downlink::province_config(&hall.store, "H0101")
        .await
        .unwrap()
        .expect("the province's set-up arrived");
    assert_eq!(config.counters.len(), 2);
    assert_eq!(config.businesses.len(), 2);
    assert_eq!(config.businesses[0].name_zh, "居民业务");
    assert_eq!(config.strategy, queue::Strategy::PreferredBusinessFirst);
    assert_eq!(
        config
            .priorities
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["normal", "vip"]
    );

    // The network goes down. Both sides edit the same account.
    relay.cut();
    let (status, session) = sign_in(&http, &addr, "5001", "prov-pass-1").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the hall signs in without the province"
    );
    let r = http
        .post(format!("http://{addr}/api/v1/sessions/password"))
        .bearer_auth(session["token"].as_str().unwrap())
        .json(&json!({"current": "prov-pass-1", "new": "hall-pass-2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // Later, at the province: a new name (the province owns names) and a third counter.
    let (status, _) = put(
        &http,
        at("/admin/v1/staff/5001"),
        &admin,
        r#"{"name": "周新", "role": "supervisor", "hall": "H0101"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = put(&http, at("/admin/v1/halls/H0101/setup"), &admin, r#"{"counters": [{"no": 1, "skills": ["A"]}, {"no": 2, "skills": ["B", "A"]}, {"no": 3, "skills": ["B"]}]}"#).await;
    assert_eq!(status, StatusCode::OK);
    relay.restore();

    // Each field ends as its rule says, on both sides: the name and role from
    // the province, the password from the hall (set after the province's last
    // password write).
    until(
        "the clerk keeps the hall's password and gets the province's name and role",
        || {
            let (http, addr) = (http.clone(), addr.clone());
            async move {
                let (status, s) = sign_in(&http, &addr, "5001", "hall-pass-2").await;
                status == StatusCode::OK && s["name"] == "周新" && s["role"] == "supervisor"
            }
        },
    )
    .await;
    let hall_hash = hall
        .store
        .password_version(&domain::StaffNo::parse("5001").unwrap())
        .await
        .unwrap()
        .unwrap()
        .hash;
    let pool = server::connect(db).await.unwrap();
    until("the province holds the hall's password", || {
        let (pool, hall_hash) = (pool.clone(), hall_hash.clone());
        async move {
            let body: Option<String> =
                sqlx::query_scalar("SELECT body FROM owned WHERE kind = 'staff' AND key = '5001'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let body: Value = serde_json::from_str(&body.unwrap()).unwrap();
            body["password_hash"]["value"] == hall_hash.as_str()
                && body["password_hash"]["by_upper"] == false
                && body["name"]["value"] == "周新"
        }
    })
    .await;
    assert_eq!(
        sign_in(&http, &addr, "5001", "prov-pass-1").await.0,
        StatusCode::UNAUTHORIZED
    );
    until("the third counter reaches the hall's set-up", || {
        let store = hall.store.clone();
        async move {
            hall_node::downlink::province_config(&store, "H0101")
                .await
                .ok()
                .flatten()
                .is_some_and(|c| c.counters.len() == 3)
        }
    })
    .await;

    // A later reset by a maintainer wins in turn; a deactivation ends sign-ins.
    let (status, _) = put(
        &http,
        at("/admin/v1/staff/5001"),
        &admin,
        r#"{"name": "周新", "role": "supervisor", "hall": "H0101", "password": "prov-pass-3"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    until("the maintainer's reset reaches the hall", || {
        let (http, addr) = (http.clone(), addr.clone());
        async move { sign_in(&http, &addr, "5001", "prov-pass-3").await.0 == StatusCode::OK }
    })
    .await;
    assert_eq!(
        sign_in(&http, &addr, "5001", "hall-pass-2").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = put(
        &http,
        at("/admin/v1/staff/5001"),
        &admin,
        r#"{"name": "周新", "role": "supervisor", "hall": "H0101", "active": false}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    until("the deactivation reaches the hall", || {
        let (http, addr) = (http.clone(), addr.clone());
        async move {
            let (status, e) = sign_in(&http, &addr, "5001", "prov-pass-3").await;
            status == StatusCode::FORBIDDEN && e["code"] == "account_disabled"
        }
    })
    .await;

    // The maintainers' view of every hall.
    let view = halls(http.clone(), admin.clone()).await;
    let h1 = &view[0];
    assert_eq!(
        (h1["code"].as_str(), h1["online"].as_bool()),
        (Some("H0101"), Some(true))
    );
    assert_eq!(h1["waiting"], 0, "{h1}");
    assert!(h1["origins"][0]["changes_applied"].as_i64().unwrap() >= 1);
    assert_eq!(view[1]["online"], false, "H0202 never called in");
    pool.close().await;
    relay.stop();
    hall.stop().await;
    kill(&mut prov);
}

/// A province that refuses everything for a skewed clock, as the real one does
/// for a hall whose clock is off (that refusal itself is tested in `refusals`).
async fn refusing_province() -> (u16, tokio::task::JoinHandle<()>) {
    use axum::routing::post;
    let refusal = || async {
        (
            axum::http::StatusCode::CONFLICT,
            axum::Json(json!({"reply": "refused", "refusal": "clock_skew", "skew_ms": 600_000})),
        )
    };
    let app = axum::Router::new()
        .route("/sync/v1/upload", post(refusal))
        .route("/sync/v1/pull", post(refusal));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, task)
}

#[tokio::test]
async fn a_refused_hall_says_why_on_its_board() {
    let (port, task) = refusing_province().await;
    let dir = tempfile::tempdir().unwrap();
    let hall = hall_node::start(hall_node::Options {
        db: dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: Some(hall_node::uplink::Province {
            url: format!("http://127.0.0.1:{port}"),
            token: "t".into(),
        }),
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    })
    .await
    .unwrap();
    let http = Client::new();
    let addr = hall.addr.to_string();
    let (_, s) = sign_in(&http, &addr, "2001", "demo-2001").await;
    let token = s["token"].as_str().unwrap().to_owned();
    until("the board names the clock problem", || {
        let (http, addr, token) = (http.clone(), addr.clone(), token.clone());
        async move {
            let b: Value = http
                .get(format!("http://{addr}/api/v1/board"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            b["sync"]["online"] == false
                && b["sync"]["problem"] == json!({"problem": "clock_skew", "skew_ms": 600_000})
        }
    })
    .await;
    hall.stop().await;
    task.abort();
}
