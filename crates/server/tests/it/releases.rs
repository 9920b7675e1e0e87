//! Releases: signed publishing, staged rollout by stable hall buckets, pause, withdrawal and rollback, and the hall's cache.

use super::{backends, free_port, kill, register};
use base64::Engine;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// A release signing key as the publishing command makes one: (public key for
/// the updater, secret key).
fn keypair() -> (String, minisign::SecretKey) {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let public = kp.pk.to_box().unwrap().to_string();
    (
        base64::engine::general_purpose::STANDARD.encode(public),
        kp.sk,
    )
}

/// The updater's signature of `data`: base64 of the minisign signature file.
fn sign(sk: &minisign::SecretKey, data: &[u8]) -> String {
    let sig = minisign::sign(None, sk, std::io::Cursor::new(data), None, None).unwrap();
    base64::engine::general_purpose::STANDARD.encode(sig.to_string())
}

#[tokio::test]
async fn releases_roll_out_by_the_rules_and_halls_cache_them() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        releases(&db, dir.path()).await;
    }
}

async fn releases(db: &str, dir: &std::path::Path) {
    eprintln!("releases against {db}");
    let work = tempfile::tempdir_in(dir).unwrap();
    let (public, secret) = keypair();
    let (_, stranger) = keypair();
    let key_file = work.path().join("update.pub");
    std::fs::write(&key_file, &public).unwrap();
    let token = register(db, &["--add-hall", "H0101", "城东供电营业厅"]);
    let admin = register(db, &["--add-maintainer", "发布员"]);
    // A province's worth of halls, for the rollout shares.
    let pool = server::connect(db).await.unwrap();
    let mut halls = Vec::new();
    for i in 0..200 {
        let code = format!("H9{i:03}");
        let t = server::add_hall(&pool, &code, &format!("营业厅 {i}"))
            .await
            .unwrap();
        halls.push((code, t));
    }
    let port = free_port();
    let mut prov = Command::new(env!("CARGO_BIN_EXE_province-server"))
        .args(["--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .arg("--releases")
        .arg(work.path().join("releases"))
        .arg("--update-pubkey")
        .arg(&key_file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(prov.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().contains("listening"));
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::new();
    let admin_json = |method: reqwest::Method, path: &str, body: Value| {
        http.request(method, format!("{base}{path}"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
    };
    let artifact = |version: &str, body: Vec<u8>, signature: String| {
        http.put(format!(
            "{base}/admin/v1/releases/{version}/artifacts/linux-x86_64-deb"
        ))
        .bearer_auth(&admin)
        .header("x-file-name", format!("yyt-desktop_{version}_amd64.deb"))
        .header("x-signature", signature)
        .body(body)
        .send()
    };
    let deb = |version: &str| {
        format!("a .deb of version {version}")
            .repeat(5000)
            .into_bytes()
    };

    // Publishing: refusals first, each changing nothing.
    let r = admin_json(
        reqwest::Method::PUT,
        "/admin/v1/releases/1.1",
        json!({"notes": "x", "channel": "all", "percent": 10}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin_json(
        reqwest::Method::PUT,
        "/admin/v1/releases/1.1.0",
        json!({"notes": "x", "channel": "everyone", "percent": 10}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin_json(
        reqwest::Method::PUT,
        "/admin/v1/releases/1.1.0",
        json!({"notes": "x", "channel": "all", "percent": 101}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = http
        .put(format!("{base}/admin/v1/releases/1.1.0"))
        .bearer_auth(&token)
        .json(&json!({"notes": "x", "channel": "all", "percent": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a hall cannot publish"
    );
    assert_eq!(
        artifact("1.1.0", deb("1.1.0"), sign(&secret, &deb("1.1.0")))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "no such release yet"
    );

    let notes = "窗口叫号更稳定。\n修正评价器超时。";
    let r = admin_json(
        reqwest::Method::PUT,
        "/admin/v1/releases/1.1.0",
        json!({"notes": notes, "channel": "all", "percent": 10}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Without artifacts it cannot go out.
    let r = admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.1.0",
        json!({"state": "active"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // An announcement without installers can be taken back, freeing the version.
    let r = admin_json(
        reqwest::Method::DELETE,
        "/admin/v1/releases/1.1.0",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let again = json!({"notes": notes, "channel": "all", "percent": 10});
    let r = admin_json(reqwest::Method::PUT, "/admin/v1/releases/1.1.0", again)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the version is free again");
    // Another key's signature, or a file altered after signing: refused.
    let r = artifact("1.1.0", deb("1.1.0"), sign(&stranger, &deb("1.1.0")))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["code"], "bad_signature");
    let mut tampered = deb("1.1.0");
    tampered[100] ^= 1;
    let r = artifact("1.1.0", tampered, sign(&secret, &deb("1.1.0")))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let signature = sign(&secret, &deb("1.1.0"));
    assert_eq!(
        artifact("1.1.0", deb("1.1.0"), signature.clone())
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let r = admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.1.0",
        json!({"state": "active"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = admin_json(
        reqwest::Method::DELETE,
        "/admin/v1/releases/1.1.0",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a release with installers is withdrawn, not deleted"
    );

    // At 10 %, exactly the halls whose stable bucket is below 10 are offered it.
    let offer = |hall_token: String, current: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let r = http.post(format!("{base}/sync/v1/updates/offer")).bearer_auth(hall_token)
                .json(&json!({"version": 1, "target": "linux-x86_64-deb", "current_version": current}))
                .send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let v: Value = r.json().await.unwrap();
            v["offer"]["version"].as_str().map(str::to_owned)
        }
    };
    let mut reached = 0;
    for (code, t) in &halls {
        let got = offer(t.clone(), "1.0.0").await;
        let expected = server::rollout::bucket(code) < 10;
        assert_eq!(
            got.is_some(),
            expected,
            "{code} bucket {}",
            server::rollout::bucket(code)
        );
        reached += usize::from(expected);
    }
    eprintln!("10 % rollout reached {reached} of {} halls", halls.len());
    assert!((10..=30).contains(&reached), "{reached}");

    // Pause: nobody new. Resume at 100 %: everyone.
    admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.1.0",
        json!({"state": "paused"}),
    )
    .await
    .unwrap();
    for (_, t) in halls.iter().take(30) {
        assert_eq!(offer(t.clone(), "1.0.0").await, None);
    }
    admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.1.0",
        json!({"state": "active", "percent": 100}),
    )
    .await
    .unwrap();
    for (_, t) in halls.iter().take(30) {
        assert_eq!(offer(t.clone(), "1.0.0").await.as_deref(), Some("1.1.0"));
    }

    // 1.2.0 goes to pilot halls only; H0101 becomes one.
    admin_json(
        reqwest::Method::PUT,
        "/admin/v1/releases/1.2.0",
        json!({"notes": "试点", "channel": "pilot", "percent": 100}),
    )
    .await
    .unwrap();
    artifact("1.2.0", deb("1.2.0"), sign(&secret, &deb("1.2.0")))
        .await
        .unwrap();
    admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.2.0",
        json!({"state": "active"}),
    )
    .await
    .unwrap();
    assert_eq!(
        offer(token.clone(), "1.1.0").await,
        None,
        "not a pilot hall yet"
    );
    let r = admin_json(
        reqwest::Method::PUT,
        "/admin/v1/halls/H0101/channel",
        json!({"channel": "pilot"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        offer(token.clone(), "1.1.0").await.as_deref(),
        Some("1.2.0")
    );
    assert_eq!(offer(halls[0].1.clone(), "1.1.0").await, None);

    // Withdrawn: never offered again, its file is gone from the feed, and its halls go back.
    admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.2.0",
        json!({"state": "withdrawn"}),
    )
    .await
    .unwrap();
    assert_eq!(offer(token.clone(), "1.1.0").await, None);
    assert_eq!(
        offer(token.clone(), "1.2.0").await.as_deref(),
        Some("1.1.0"),
        "rolled back"
    );
    let r = http
        .get(format!("{base}/sync/v1/releases/1.2.0/linux-x86_64-deb"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = admin_json(
        reqwest::Method::PATCH,
        "/admin/v1/releases/1.2.0",
        json!({"state": "active"}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a withdrawn release stays withdrawn"
    );

    // The hall's cache: fetched once, resumed after an interruption, served to PCs with Range.
    let hall_dir = tempfile::tempdir_in(dir).unwrap();
    let cache = hall_dir.path().join("releases");
    let want = deb("1.1.0");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&want))
    };
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join(format!("{sha}.part")), &want[..want.len() / 3]).unwrap();
    let hall = hall_node::start(hall_node::Options {
        db: hall_dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: Some(hall_node::uplink::Province {
            url: base.clone(),
            token: token.clone(),
        }),
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    })
    .await
    .unwrap();
    let addr = hall.addr;
    let check = |current: &'static str| {
        let http = http.clone();
        async move {
            http.get(format!("http://{addr}/updates/linux/x86_64/deb/{current}"))
                .send()
                .await
                .unwrap()
        }
    };
    let r = check("1.0.0").await;
    assert_eq!(r.status(), StatusCode::OK);
    let update: Value = r.json().await.unwrap();
    assert_eq!(update["version"], "1.1.0");
    assert_eq!(update["notes"], notes);
    assert_eq!(
        update["signature"],
        signature.as_str(),
        "the publisher's signature, unchanged"
    );
    assert!(update["pub_date"].as_str().unwrap().ends_with('Z'));
    let url = update["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("http://{addr}/")),
        "PCs fetch from the hall: {url}"
    );
    assert_eq!(
        std::fs::read(cache.join(&sha)).unwrap(),
        want,
        "the interrupted download was completed"
    );
    assert!(!cache.join(format!("{sha}.part")).exists());
    let got = http.get(&url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(got.as_ref(), want.as_slice());
    let r = http
        .get(&url)
        .header("range", "bytes=1000-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &want[1000..]);
    assert_eq!(
        check("1.1.0").await.status(),
        StatusCode::NO_CONTENT,
        "up to date"
    );

    // With the province gone the hall still answers from what it holds.
    kill(&mut prov);
    let r = check("1.0.0").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        http.get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len(),
        want.len()
    );

    hall.stop().await;
    pool.close().await;
}
