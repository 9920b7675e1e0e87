//! Programs for the halls' screens: published by maintainers to every hall or some, pulled only by those halls, withdrawn, their media files fetched by the hall once and refused when corrupt.

use super::{backends, free_port, kill, register};
use ipc::hall::DisplayState;
use ipc::programs::{Content, ScreensView};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use sync_proto::owned::{self, ProgramAsset, ProgramRecord, PublishedProgram};
use sync_proto::{PullReply, PullRequest, PROTOCOL_VERSION};

#[tokio::test]
async fn programs_reach_only_their_halls_and_media_is_fetched_once_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        programs(&db, dir.path()).await;
    }
}

struct Admin {
    base: String,
    http: Client,
    token: String,
}

impl Admin {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "PUT" => self.http.put(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.get(url),
        }
        .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn upload(&self, mime: &str, data: &[u8]) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/admin/v1/programs/assets", self.base))
            .bearer_auth(&self.token)
            .header("content-type", mime)
            .body(data.to_vec())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Publishes `id` with `content`, on from an hour ago for a day, to `halls` (`None`: all).
    async fn publish(&self, id: &str, title: &str, content: Value, halls: Option<&[&str]>) {
        let now = server::now_ms();
        let (s, v) = self
            .send(
                "PUT",
                &format!("/admin/v1/programs/{id}"),
                Some(json!({
                    "title": title, "content": content, "seconds": 10,
                    "from_ms": now - 3_600_000, "until_ms": now + 86_400_000,
                    "halls": halls,
                })),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{id}: {v}");
        let p: PublishedProgram = serde_json::from_value(v).unwrap();
        assert_eq!((p.program.id.as_str(), p.program.withdrawn), (id, false));
    }
}

/// The province refuses with `{code, message, message_en}`, the message in Chinese.
fn refused(v: &Value, code: &str) {
    assert_eq!(v["code"], code, "{v}");
    let zh = v["message"].as_str().unwrap_or_default();
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{v}"
    );
}

/// The live program ids a hall's pull of the whole feed gives (with `hall`'s token).
async fn pulled(base: &str, token: &str, hall: &str) -> Vec<String> {
    let req = PullRequest {
        version: PROTOCOL_VERSION,
        node: format!("hall:{hall}"),
        since: 0,
        sent_at_ms: server::now_ms(),
        wait_ms: 0,
    };
    let reply: PullReply = Client::new()
        .post(format!("{base}/sync/v1/pull"))
        .bearer_auth(token)
        .json(&req)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let PullReply::Page { records, .. } = reply else {
        panic!("refused: {reply:?}");
    };
    let mut ids: Vec<String> = records
        .iter()
        .filter(|r| r.kind == owned::PROGRAM)
        .filter_map(|r| {
            let fields = serde_json::from_value(r.body.clone()?).ok()?;
            let p: ProgramRecord = owned::read(&fields).ok()?;
            (!p.withdrawn).then(|| format!("{}={}", r.key, p.id))
        })
        .collect();
    ids.sort();
    ids
}

/// Waits until the hall's supervisor view satisfies `ok`.
async fn until_hall(
    http: &Client,
    hall: &str,
    supervisor: &str,
    ok: impl Fn(&ScreensView) -> bool,
) -> ScreensView {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let view: ScreensView = http
            .get(format!("http://{hall}/api/v1/programs"))
            .bearer_auth(supervisor)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if ok(&view) {
            return view;
        }
        assert!(Instant::now() < deadline, "the hall shows {view:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn has(view: &ScreensView, id: &str, ready: bool) -> bool {
    view.programs
        .iter()
        .any(|p| p.program.id == id && p.ready == ready)
}

async fn programs(db: &str, dir: &std::path::Path) {
    eprintln!("programs against {db}");
    let work = tempfile::tempdir_in(dir).unwrap();
    let h1 = register(db, &["--add-hall", "H0101", "城东供电营业厅"]);
    let h2 = register(db, &["--add-hall", "H0202", "城西供电营业厅"]);
    let admin_token = register(db, &["--add-maintainer", "运维"]);
    let port = free_port();
    let releases = work.path().join("releases");
    let mut prov = Command::new(env!("CARGO_BIN_EXE_province-server"))
        .args(["--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .arg("--releases")
        .arg(&releases)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(prov.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().contains("listening"));
    let base = format!("http://127.0.0.1:{port}");
    let admin = Admin {
        base: base.clone(),
        http: Client::new(),
        token: admin_token,
    };

    // Refusals, each {code, message, message_en}.
    let (s, v) = Client::new()
        .get(format!("{base}/admin/v1/programs"))
        .send()
        .await
        .map(|r| (r.status(), r))
        .map(|(s, _)| (s, Value::Null))
        .unwrap();
    assert_eq!((s, v), (StatusCode::UNAUTHORIZED, Value::Null));
    let now = server::now_ms();
    let good = json!({"title": "营业时间", "content": {"kind": "notice", "text": "8:30–17:30"},
        "seconds": 10, "from_ms": now, "until_ms": now + 1000});
    let with = |field: &str, value: Value| {
        let mut b = good.clone();
        b[field] = value;
        b
    };
    for (body, status, code) in [
        (
            with("title", json!("")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            with("seconds", json!(2)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            with("until_ms", json!(now - 1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            with(
                "content",
                json!({"kind": "scroll", "text": "x".repeat(501)}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            with("halls", json!(["H9999"])),
            StatusCode::NOT_FOUND,
            "no_hall",
        ),
        (
            with("halls", json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            with(
                "content",
                json!({"kind": "image", "asset": {"sha256": "ab".repeat(32), "bytes": 1, "mime": "image/png"}}),
            ),
            StatusCode::NOT_FOUND,
            "no_asset",
        ),
    ] {
        let (s, v) = admin
            .send("PUT", "/admin/v1/programs/p-bad", Some(body))
            .await;
        assert_eq!(s, status, "{v}");
        refused(&v, code);
    }
    let (s, v) = admin
        .send("PUT", "/admin/v1/programs/bad%20id", Some(good.clone()))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    refused(&v, "invalid");
    let (s, v) = admin
        .send("DELETE", "/admin/v1/programs/nothing", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    refused(&v, "no_program");
    let (s, v) = admin.upload("text/html", b"<p>").await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    refused(&v, "not_media");

    // Two media files, answered with their digests.
    let poster = b"\x89PNG a poster of the hall's opening hours".to_vec();
    let clip = b"\x00\x00\x00\x18ftypmp42 a short clip".to_vec();
    let (s, v) = admin.upload("image/png", &poster).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let poster_asset: ProgramAsset = serde_json::from_value(v).unwrap();
    assert_eq!(poster_asset.sha256, hex::encode(Sha256::digest(&poster)));
    assert_eq!(
        (poster_asset.bytes, poster_asset.mime.as_str()),
        (poster.len() as u64, "image/png")
    );
    let (s, v) = admin.upload("video/mp4", &clip).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let clip_asset: ProgramAsset = serde_json::from_value(v).unwrap();
    // An image program may not show a video.
    let (s, v) = admin
        .send(
            "PUT",
            "/admin/v1/programs/p-bad",
            Some(with(
                "content",
                json!({"kind": "image", "asset": clip_asset}),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    refused(&v, "invalid");

    // The clip's file at the province is corrupt before it is published.
    let clip_file = releases.join("media").join(&clip_asset.sha256);
    std::fs::write(&clip_file, b"\x00\x00\x00\x18ftypmp42 a shorT clip").unwrap();

    let h0101: &[&str] = &["H0101"];
    let h0202: &[&str] = &["H0202"];
    for (id, title, content, halls) in [
        (
            "hours",
            "营业时间",
            json!({"kind": "notice", "text": "周一至周日 8:30–17:30"}),
            None,
        ),
        (
            "poster",
            "海报",
            json!({"kind": "image", "asset": poster_asset}),
            Some(h0101),
        ),
        (
            "clip",
            "宣传片",
            json!({"kind": "video", "asset": clip_asset}),
            Some(h0101),
        ),
        (
            "west",
            "城西提示",
            json!({"kind": "scroll", "text": "城西营业厅停车场维修"}),
            Some(h0202),
        ),
        (
            "bill",
            "电费提醒",
            json!({"kind": "scroll", "text": "电费缴纳提醒：请于每月 25 日前缴清"}),
            None,
        ),
    ] {
        admin.publish(id, title, content, halls).await;
    }
    let (s, v) = admin.send("GET", "/admin/v1/programs", None).await;
    assert_eq!(s, StatusCode::OK);
    let listed: Vec<PublishedProgram> = serde_json::from_value(v).unwrap();
    assert_eq!(listed.len(), 5);
    assert_eq!(
        listed
            .iter()
            .find(|p| p.program.id == "poster")
            .unwrap()
            .halls,
        Some(vec!["H0101".to_owned()])
    );

    // Each hall pulls only its own.
    assert_eq!(
        pulled(&base, &h1, "H0101").await,
        [
            "bill=bill",
            "clip@H0101=clip",
            "hours=hours",
            "poster@H0101=poster"
        ]
    );
    assert_eq!(
        pulled(&base, &h2, "H0202").await,
        ["bill=bill", "hours=hours", "west@H0202=west"]
    );
    // And a file only of a program for it.
    let get_asset = |token: &str, sha: &str| {
        Client::new()
            .get(format!("{base}/sync/v1/programs/assets/{sha}"))
            .bearer_auth(token)
            .send()
    };
    let r = get_asset(&h2, &poster_asset.sha256).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    refused(&r.json().await.unwrap(), "no_asset");
    let r = get_asset(&h1, &poster_asset.sha256).await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), poster);

    // The hall node of H0101.
    let hall_dir = tempfile::tempdir_in(dir).unwrap();
    let hall = hall_node::start(super::hall_options(hall_dir.path(), &base, &h1))
        .await
        .unwrap();
    let addr = hall.addr.to_string();
    let display = hall
        .store
        .add_device("d1", store::hall::DeviceKind::Display, None, "大厅叫号屏")
        .await
        .unwrap();
    let http = Client::new();
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

    // Its programs arrive; the poster is fetched and shown, the corrupt clip is not.
    let view = until_hall(&http, &addr, &supervisor, |v| {
        has(v, "hours", true)
            && has(v, "poster", true)
            && has(v, "clip", false)
            && has(v, "bill", true)
    })
    .await;
    assert!(
        !view.programs.iter().any(|p| p.program.id == "west"),
        "{view:#?}"
    );
    assert_eq!(view.now.ticker, ["电费缴纳提醒：请于每月 25 日前缴清"]);
    assert!(!hall_dir
        .path()
        .join("programs")
        .join(&clip_asset.sha256)
        .exists());
    let shown: DisplayState = http
        .get(format!("http://{addr}/api/v1/display"))
        .bearer_auth(&display)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let screen = shown.screen.unwrap();
    let on = screen.program.unwrap();
    assert!(["hours", "poster"].contains(&on.id.as_str()), "{on:?}");
    assert_eq!(screen.ticker, view.now.ticker);
    // The display loads the cached file with its token.
    let r = http
        .get(format!(
            "http://{addr}/api/v1/programs/assets/{}?token={display}",
            poster_asset.sha256
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), poster);

    // The clip repaired at the province: the hall's retry fetches it.
    std::fs::write(&clip_file, &clip).unwrap();
    until_hall(&http, &addr, &supervisor, |v| has(v, "clip", true)).await;

    // Fetched once: with the province's copy gone, a republished poster still shows from the cache.
    std::fs::remove_file(releases.join("media").join(&poster_asset.sha256)).unwrap();
    admin
        .publish(
            "poster",
            "新海报",
            json!({"kind": "image", "asset": poster_asset}),
            Some(&["H0101"]),
        )
        .await;
    until_hall(&http, &addr, &supervisor, |v| {
        v.programs
            .iter()
            .any(|p| p.program.title == "新海报" && p.ready)
    })
    .await;

    // Withdrawn, and moved to another hall: both gone from this hall's screens.
    let (s, v) = admin
        .send("DELETE", "/admin/v1/programs/poster", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    admin
        .publish(
            "hours",
            "营业时间",
            json!({"kind": "notice", "text": "城西 8:30–17:30"}),
            Some(&["H0202"]),
        )
        .await;
    let view = until_hall(&http, &addr, &supervisor, |v| {
        !v.programs
            .iter()
            .any(|p| p.program.id == "poster" || p.program.id == "hours")
    })
    .await;
    assert!(view.programs.iter().all(|p| matches!(
        p.program.content,
        Content::Video { .. } | Content::Scroll { .. }
    )));
    assert_eq!(
        pulled(&base, &h2, "H0202").await,
        ["bill=bill", "hours@H0202=hours", "west@H0202=west"]
    );
    let r = get_asset(&h1, &poster_asset.sha256).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "a withdrawn program's file"
    );

    hall.stop().await;
    kill(&mut prov);
}
