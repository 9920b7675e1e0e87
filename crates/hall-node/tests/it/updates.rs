//! The hall's updater endpoint keeps the province's last offer on disk: a restart with the province away still answers it.

use super::*;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const TOKEN: &str = "hall-upload-token";

/// A province that offers 1.1.0 for Debian PCs below it, as its offer endpoint answers.
#[derive(Clone)]
struct Province {
    artifact: Arc<Vec<u8>>,
    /// When set, the release is withdrawn: nothing is offered.
    withdrawn: Arc<AtomicBool>,
    downloads: Arc<AtomicUsize>,
}

impl Province {
    fn sha(&self) -> String {
        hex::encode(Sha256::digest(self.artifact.as_slice()))
    }
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|h| h.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

async fn offer(State(p): State<Province>, headers: HeaderMap, body: String) -> Response {
    assert!(authorized(&headers), "the hall sends its token");
    let req: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(req["version"], sync_proto::PROTOCOL_VERSION);
    let below = req["current_version"]
        .as_str()
        .is_some_and(|v| v.starts_with("0.") || v.starts_with("1.0."));
    if p.withdrawn.load(Ordering::SeqCst) || req["target"] != "linux-x86_64-deb" || !below {
        return axum::Json(json!({"offer": null})).into_response();
    }
    axum::Json(json!({"offer": {
        "version": "1.1.0", "notes": "更快的叫号", "published_at_ms": 1_700_000_000_000i64,
        "target": "linux-x86_64-deb", "file_name": "yyt_1.1.0_amd64.deb",
        "sha256": p.sha(), "size": p.artifact.len(), "signature": "c2lnbmVkIGJ5IHRoZSBwdWJsaXNoZXI=",
        "rollback": false,
    }}))
    .into_response()
}

async fn release(
    State(p): State<Province>,
    headers: HeaderMap,
    Path((version, target)): Path<(String, String)>,
) -> Response {
    assert!(authorized(&headers));
    assert_eq!(
        (version.as_str(), target.as_str()),
        ("1.1.0", "linux-x86_64-deb")
    );
    p.downloads.fetch_add(1, Ordering::SeqCst);
    p.artifact.as_slice().to_vec().into_response()
}

/// Serves `p` on a loopback port until the returned sender is dropped or fired.
async fn serve(
    p: Province,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let app = axum::Router::new()
        .route("/sync/v1/updates/offer", post(offer))
        .route("/sync/v1/releases/{version}/{target}", get(release))
        // Replication is not this test's business: the province is "busy".
        .fallback(|| async { StatusCode::SERVICE_UNAVAILABLE })
        .with_state(p);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (url, stop, server)
}

#[tokio::test]
async fn the_last_update_offer_survives_a_restart_with_the_province_away() {
    let province = Province {
        artifact: Arc::new((0..200_000u32).map(|i| (i * 7 % 251) as u8).collect()),
        withdrawn: Arc::default(),
        downloads: Arc::default(),
    };
    let (url, stop_province, province_server) = serve(province.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let with_province = || hall_node::Options {
        province: Some(hall_node::uplink::Province {
            url: url.clone(),
            token: TOKEN.into(),
        }),
        ..opts(dir.path().join("hall.db"))
    };
    let http = Client::new();
    let check = |addr: SocketAddr, current: &'static str| {
        let http = http.clone();
        async move {
            http.get(format!("http://{addr}/updates/linux/x86_64/deb/{current}"))
                .send()
                .await
                .unwrap()
        }
    };

    let node = hall_node::start(with_province()).await.unwrap();
    let r = check(node.addr, "1.0.0").await;
    assert_eq!(r.status(), StatusCode::OK);
    let before: Value = r.json().await.unwrap();
    assert_eq!(before["version"], "1.1.0");
    assert_eq!(check(node.addr, "0.9.0").await.status(), StatusCode::OK);
    assert_eq!(
        check(node.addr, "1.1.0").await.status(),
        StatusCode::NO_CONTENT,
        "up to date"
    );
    // The province withdraws the release for 0.9.0's question: the hall forgets that offer.
    province.withdrawn.store(true, Ordering::SeqCst);
    assert_eq!(
        check(node.addr, "0.9.0").await.status(),
        StatusCode::NO_CONTENT
    );
    province.withdrawn.store(false, Ordering::SeqCst);
    node.stop().await;

    // The province goes away; the hall node starts again on the same disk.
    let _ = stop_province.send(());
    province_server.await.unwrap();
    assert!(
        http.post(format!("{url}/sync/v1/updates/offer"))
            .send()
            .await
            .is_err(),
        "the province is gone"
    );
    let node = hall_node::start(with_province()).await.unwrap();
    let r = check(node.addr, "1.0.0").await;
    assert_eq!(r.status(), StatusCode::OK, "answered from the kept offer");
    let after: Value = r.json().await.unwrap();
    for field in ["version", "notes", "pub_date", "signature"] {
        assert_eq!(after[field], before[field], "{field}");
    }
    let sha = province.sha();
    let link = after["url"].as_str().unwrap();
    assert_eq!(
        link,
        format!("http://{}/updates/files/{sha}", node.addr),
        "PCs fetch from the restarted hall"
    );
    let got = http.get(link).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(
        got.bytes().await.unwrap().as_ref(),
        province.artifact.as_slice()
    );
    let part = http
        .get(link)
        .header("range", "bytes=1000-")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.bytes().await.unwrap().as_ref(),
        &province.artifact[1000..]
    );
    assert_eq!(
        check(node.addr, "0.9.0").await.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "a withdrawn offer is not brought back by the restart"
    );
    assert_eq!(
        province.downloads.load(Ordering::SeqCst),
        1,
        "the release crossed the network once"
    );
    node.stop().await;
}
