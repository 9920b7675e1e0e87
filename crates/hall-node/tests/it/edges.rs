//! The edges of the hall API: every route refuses a bad path, a wrong method, a bad body and an unknown address as `{code, message}`, and a panic too.

use super::Node;
use ipc::{ApiError, ErrorCode};
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;

/// What a route's path parameters are.
#[derive(Clone, Copy, PartialEq)]
enum Seg {
    /// No parameters.
    None,
    /// Numbers (a counter): letters and overflowing digits are refused too.
    Number,
    /// Text: only an over-long or undecodable segment is refused.
    Text,
}

/// Every route of the hall node: method, path, parameters, whether it takes a JSON body.
/// `routes_in_the_source_are_all_listed` keeps this list complete.
const ROUTES: &[(&str, &str, Seg, bool)] = &[
    ("POST", "/api/v1/sessions", Seg::None, true),
    ("DELETE", "/api/v1/sessions", Seg::None, false),
    ("POST", "/api/v1/sessions/password", Seg::None, true),
    ("GET", "/api/v1/welcome", Seg::None, false),
    ("GET", "/api/v1/hall", Seg::None, false),
    ("POST", "/api/v1/tickets", Seg::None, true),
    ("GET", "/api/v1/tickets", Seg::None, false),
    ("POST", "/api/v1/counters/{no}/open", Seg::Number, false),
    ("POST", "/api/v1/counters/{no}/close", Seg::Number, false),
    ("POST", "/api/v1/counters/{no}/pause", Seg::Number, true),
    ("POST", "/api/v1/counters/{no}/resume", Seg::Number, false),
    (
        "POST",
        "/api/v1/counters/{no}/call-next",
        Seg::Number,
        false,
    ),
    ("POST", "/api/v1/counters/{no}/call", Seg::Number, true),
    ("POST", "/api/v1/counters/{no}/recall", Seg::Number, false),
    ("POST", "/api/v1/counters/{no}/no-show", Seg::Number, false),
    ("POST", "/api/v1/counters/{no}/start", Seg::Number, false),
    ("POST", "/api/v1/counters/{no}/finish", Seg::Number, true),
    ("POST", "/api/v1/counters/{no}/transfer", Seg::Number, true),
    (
        "POST",
        "/api/v1/supervisor/counters/{no}/pause",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/supervisor/counters/{no}/close",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/supervisor/tickets/{no}/transfer",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/supervisor/tickets/{no}/call",
        Seg::Text,
        true,
    ),
    ("GET", "/api/v1/supervisor/actions", Seg::None, false),
    ("GET", "/api/v1/display", Seg::None, false),
    ("GET", "/api/v1/pads/me", Seg::None, false),
    ("POST", "/api/v1/ratings", Seg::None, true),
    ("GET", "/api/v1/board", Seg::None, false),
    ("GET", "/api/v1/me", Seg::None, false),
    ("GET", "/api/v1/customers", Seg::None, false),
    ("GET", "/api/v1/customers/{account}", Seg::Text, false),
    ("GET", "/api/v1/events", Seg::None, false),
    ("GET", "/kiosk", Seg::None, false),
    ("GET", "/display", Seg::None, false),
    ("GET", "/pad", Seg::None, false),
    ("GET", "/assets/device.css", Seg::None, false),
    ("GET", "/assets/device.js", Seg::None, false),
    (
        "GET",
        "/updates/{target}/{arch}/{bundle}/{current}",
        Seg::Text,
        false,
    ),
    ("GET", "/updates/files/{sha}", Seg::Text, false),
    ("POST", "/api/v1/updates/report", Seg::None, true),
    ("GET", "/api/v1/devices", Seg::None, false),
    ("POST", "/api/v1/devices", Seg::None, true),
    ("DELETE", "/api/v1/devices/{id}", Seg::Text, false),
    ("POST", "/api/v1/devices/{id}/revoke", Seg::Text, false),
    ("GET", "/api/v1/devices/{id}/metrics", Seg::Text, false),
    ("POST", "/api/v1/devices/{id}/maintenance", Seg::Text, true),
    (
        "DELETE",
        "/api/v1/devices/{id}/maintenance",
        Seg::Text,
        false,
    ),
    ("GET", "/api/v1/alarms", Seg::None, false),
    ("POST", "/api/v1/alarms/{id}/ack", Seg::Text, true),
    ("POST", "/api/v1/alarms/{id}/assign", Seg::Text, true),
    ("POST", "/api/v1/alarms/{id}/clear", Seg::Text, true),
    ("POST", "/api/v1/devices/{id}/commands", Seg::Text, true),
    ("GET", "/api/v1/devices/{id}/commands", Seg::Text, false),
    ("POST", "/api/v1/commands/{id}/reply", Seg::Text, true),
    ("GET", "/api/v1/programs", Seg::None, false),
    ("POST", "/api/v1/programs", Seg::None, true),
    ("DELETE", "/api/v1/programs/{id}", Seg::Text, false),
    ("GET", "/api/v1/programs/assets/{sha256}", Seg::Text, false),
    ("GET", "/api/v1/video/cameras", Seg::None, false),
    ("PUT", "/api/v1/video/cameras/{id}", Seg::Text, true),
    ("POST", "/api/v1/video/watch", Seg::None, true),
    ("POST", "/api/v1/video/around", Seg::None, true),
    ("POST", "/api/v1/video/export", Seg::None, true),
    ("GET", "/api/v1/video/locks", Seg::None, false),
    ("POST", "/api/v1/video/locks", Seg::None, true),
    ("POST", "/api/v1/video/locks/{id}/unlock", Seg::Text, true),
    ("GET", "/api/v1/video/access", Seg::None, false),
    ("GET", "/api/v1/emergency", Seg::None, false),
    ("POST", "/api/v1/emergency/activate", Seg::None, true),
    ("POST", "/api/v1/emergency/decline", Seg::None, true),
    ("POST", "/api/v1/emergency/drill", Seg::None, true),
    ("POST", "/api/v1/emergency/public-safety", Seg::None, true),
    ("GET", "/api/v1/emergency/incidents", Seg::None, false),
    ("GET", "/api/v1/emergency/incidents/{id}", Seg::Text, false),
    (
        "POST",
        "/api/v1/emergency/incidents/{id}/steps/{step}/ack",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/emergency/incidents/{id}/level",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/emergency/incidents/{id}/handover",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/emergency/incidents/{id}/notes",
        Seg::Text,
        true,
    ),
    (
        "POST",
        "/api/v1/emergency/incidents/{id}/terminate",
        Seg::Text,
        true,
    ),
    ("PUT", "/api/v1/emergency/plans/{id}", Seg::Text, true),
    (
        "POST",
        "/api/v1/emergency/plans/{id}/withdraw",
        Seg::Text,
        true,
    ),
    ("GET", "/api/v1/notice", Seg::None, false),
    ("GET", "/api/v1/preprocess", Seg::None, false),
    ("POST", "/api/v1/tickets/{id}/preprocess", Seg::Text, true),
    ("GET", "/preprocess", Seg::None, false),
    ("GET", "/video/g/{token}/index.m3u8", Seg::Text, false),
    ("GET", "/video/g/{token}/live.mjpeg", Seg::Text, false),
    ("GET", "/video/g/{token}/clip.mp4", Seg::Text, false),
    ("GET", "/video/g/{token}/{run}/{file}", Seg::Text, false),
];

/// The paths of every `.route("…"` in `dir`'s Rust files.
pub fn routes_in(dir: &std::path::Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices(".route(") {
            let rest = text[at + ".route(".len()..].trim_start();
            if let Some(lit) = rest.strip_prefix('"') {
                out.insert(lit[..lit.find('"').unwrap()].to_owned());
            }
        }
    }
    out
}

/// Whether `s` has a Chinese character.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn routes_in_the_source_are_all_listed() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let listed: BTreeSet<String> = ROUTES.iter().map(|r| r.1.to_owned()).collect();
    assert_eq!(
        routes_in(&src),
        listed,
        "a route was added or removed: list it in ROUTES of tests/it/edges.rs"
    );
}

/// Sends a request and returns the refusal, checking it is `{code, message}` JSON with Chinese text.
async fn refusal(
    n: &Node,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, ApiError) {
    let mut r = n.http.request(
        Method::from_bytes(method.as_bytes()).unwrap(),
        format!("{}{path}", n.base),
    );
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some((kind, bytes)) = body {
        r = r.header("content-type", kind).body(bytes);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = resp.text().await.unwrap();
    assert!(
        kind.starts_with("application/json"),
        "{method} {path}: {status} with {kind:?}: {text}"
    );
    let e: ApiError = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{method} {path}: {status} {text}: {err}"));
    assert!(has_cjk(&e.message), "{method} {path}: {text}");
    (status, e)
}

/// `template` with every `{param}` replaced by `value`.
fn fill(template: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(&rest[..open]);
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_route_refuses_bad_input_as_code_and_message() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let long = "9".repeat(1000);

    for &(method, template, seg, json_body) in ROUTES {
        // Bad path segments.
        let mut bad: Vec<String> = Vec::new();
        if seg != Seg::None {
            bad.push(long.clone());
            bad.push("%FF%FE".into());
        }
        if seg == Seg::Number {
            bad.push("abc".into());
            bad.push("99999999".into());
        }
        for value in bad {
            let path = fill(template, &value);
            let (status, e) = refusal(&n, method, &path, Some(&clerk), None).await;
            assert_eq!(
                (status, e.code),
                (StatusCode::BAD_REQUEST, ErrorCode::BadPath),
                "{method} {path}"
            );
        }

        // A method the route does not have.
        let path = fill(template, "1");
        let others: Vec<&str> = ROUTES
            .iter()
            .filter(|r| r.1 == template)
            .map(|r| r.0)
            .collect();
        let wrong = ["PATCH", "PUT", "DELETE", "POST", "GET"]
            .into_iter()
            .find(|m| !others.contains(m))
            .unwrap();
        let (status, e) = refusal(&n, wrong, &path, Some(&clerk), None).await;
        assert_eq!(
            (status, e.code),
            (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            "{wrong} {path}"
        );

        if json_body {
            let cases: [(&str, Vec<u8>, StatusCode, ErrorCode); 4] = [
                (
                    "application/json",
                    b"{\"cut short".to_vec(),
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BadRequest,
                ),
                (
                    "application/json",
                    b"[1, 2, 3]".to_vec(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::BadRequest,
                ),
                (
                    "text/plain",
                    b"{}".to_vec(),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::NotJson,
                ),
                (
                    "application/json",
                    format!("{{\"x\": \"{}\"}}", "x".repeat(64 * 1024)).into_bytes(),
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                ),
            ];
            for (kind, bytes, want_status, want_code) in cases {
                let (status, e) =
                    refusal(&n, method, &path, Some(&clerk), Some((kind, bytes))).await;
                assert_eq!(
                    (status, e.code),
                    (want_status, want_code),
                    "{method} {path} with {kind}"
                );
            }
        }
    }

    // Unknown addresses.
    for path in [
        "/",
        "/api/v1/nope",
        "/api/v1/counters/1/dance",
        "/api/v2/hall",
    ] {
        let (status, e) = refusal(&n, "GET", path, Some(&clerk), None).await;
        assert_eq!(
            (status, e.code),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            "{path}"
        );
    }
    // The live events without a WebSocket handshake.
    let (status, e) = refusal(&n, "GET", "/api/v1/events", Some(&clerk), None).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(e.code, ErrorCode::BadRequest);
    // A release file this hall does not have.
    let (status, e) = refusal(
        &n,
        "GET",
        &format!("/updates/files/{}", "a".repeat(64)),
        None,
        None,
    )
    .await;
    assert_eq!(
        (status, e.code),
        (StatusCode::NOT_FOUND, ErrorCode::NoUpdate)
    );
    // Authentication still comes first where it did.
    let (status, e) = refusal(&n, "POST", "/api/v1/counters/abc/open", None, None).await;
    assert_eq!(
        (status, e.code),
        (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
    );
    // Nothing refused changed the hall: no counter opened, no ticket issued.
    assert!(n.tickets(&clerk).await.is_empty());
    n.running.stop().await;
}

#[tokio::test]
async fn a_panicking_handler_answers_internal_as_code_and_message() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("boom")
    }
    let app = hall_node::edges(axum::Router::new().route("/boom", axum::routing::get(boom)));
    let call = |method: &str, path: &str| {
        let app = app.clone();
        let req = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status();
            let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            let e: ApiError = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(kind, "application/json");
            assert!(has_cjk(&e.message));
            (status, e.code)
        }
    };
    assert_eq!(
        call("GET", "/boom").await,
        (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
    );
    assert_eq!(
        call("POST", "/boom").await,
        (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
    );
    assert_eq!(
        call("GET", "/nothing").await,
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
}
