//! The edges of the province's API: every route refuses a bad path, a wrong method, a bad body and an unknown address as `{code, message, message_en}`, and a panic too.

use super::{free_port, kill, province, register};
use reqwest::{Client, Method, StatusCode};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The province's refusal, as every client reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvinceError {
    code: String,
    message: String,
    message_en: String,
}

/// Who may call a route.
#[derive(Clone, Copy, PartialEq)]
enum Who {
    Hall,
    Maintainer,
}

/// What a route's body is.
#[derive(Clone, Copy, PartialEq)]
enum Takes {
    Nothing,
    /// JSON the admin API parses (refusals in the province's shape).
    Json,
    /// JSON of the replication protocol (a malformed one is refused in the protocol's own types).
    Protocol,
    /// Any bytes (a release artifact).
    Raw,
}

/// Every route of the province: method, path, caller, body; the parameters
/// are filled with `good` values when the test needs the path to be right.
/// `routes_in_the_source_are_all_listed` keeps this list complete.
const ROUTES: &[(&str, &str, Who, Takes)] = &[
    ("POST", "/sync/v1/upload", Who::Hall, Takes::Protocol),
    ("GET", "/sync/v1/status", Who::Hall, Takes::Nothing),
    ("POST", "/sync/v1/pull", Who::Hall, Takes::Protocol),
    ("GET", "/admin/v1/halls", Who::Maintainer, Takes::Nothing),
    (
        "GET",
        "/admin/v1/halls/{code}/devices",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/halls/{code}/alarms",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/halls/{code}/commands",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/halls/{code}/video-access",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/halls/{code}/evidence-locks",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "PUT",
        "/admin/v1/halls/{code}/setup",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "PUT",
        "/admin/v1/staff/{staff_no}",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "PUT",
        "/admin/v1/businesses/{code}",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "PUT",
        "/admin/v1/priorities/{code}",
        Who::Maintainer,
        Takes::Json,
    ),
    ("GET", "/admin/v1/releases", Who::Maintainer, Takes::Nothing),
    (
        "PUT",
        "/admin/v1/releases/{version}",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "PATCH",
        "/admin/v1/releases/{version}",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "DELETE",
        "/admin/v1/releases/{version}",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "PUT",
        "/admin/v1/releases/{version}/artifacts/{target}",
        Who::Maintainer,
        Takes::Raw,
    ),
    (
        "PUT",
        "/admin/v1/halls/{code}/channel",
        Who::Maintainer,
        Takes::Json,
    ),
    ("POST", "/sync/v1/updates/offer", Who::Hall, Takes::Json),
    ("PUT", "/sync/v1/plans/{id}", Who::Hall, Takes::Json),
    ("POST", "/sync/v1/customers/pull", Who::Hall, Takes::Json),
    (
        "GET",
        "/sync/v1/customers/{account}",
        Who::Hall,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/customers/{account}",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/halls/{code}/customer-access",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "POST",
        "/sync/v1/plans/{id}/withdraw",
        Who::Hall,
        Takes::Json,
    ),
    (
        "GET",
        "/sync/v1/releases/{version}/{target}",
        Who::Hall,
        Takes::Nothing,
    ),
    ("GET", "/admin/v1/programs", Who::Maintainer, Takes::Nothing),
    (
        "PUT",
        "/admin/v1/programs/{id}",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "DELETE",
        "/admin/v1/programs/{id}",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "POST",
        "/admin/v1/programs/assets",
        Who::Maintainer,
        Takes::Raw,
    ),
    (
        "GET",
        "/sync/v1/programs/assets/{sha256}",
        Who::Hall,
        Takes::Nothing,
    ),
    ("GET", "/admin/v1/plans", Who::Maintainer, Takes::Nothing),
    ("PUT", "/admin/v1/plans/{id}", Who::Maintainer, Takes::Json),
    (
        "DELETE",
        "/admin/v1/plans/{id}",
        Who::Maintainer,
        Takes::Nothing,
    ),
    ("GET", "/admin/v1/outages", Who::Maintainer, Takes::Nothing),
    (
        "PUT",
        "/admin/v1/outages/{id}",
        Who::Maintainer,
        Takes::Json,
    ),
    (
        "DELETE",
        "/admin/v1/outages/{id}",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/incidents",
        Who::Maintainer,
        Takes::Nothing,
    ),
    (
        "GET",
        "/admin/v1/halls/{code}/incidents/{id}",
        Who::Maintainer,
        Takes::Nothing,
    ),
    ("GET", "/sync/v1/nearby", Who::Hall, Takes::Nothing),
];

/// The paths of every `.route("…"` in the Rust files under `dir`.
fn routes_in(dir: &std::path::Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(routes_in(&path));
            continue;
        }
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

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn routes_in_the_source_are_all_listed() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let listed: BTreeSet<String> = ROUTES.iter().map(|r| r.1.to_owned()).collect();
    assert_eq!(
        routes_in(&src),
        listed,
        "a route was added or removed: list it in ROUTES of tests/it/edges.rs"
    );
}

/// `template` with each `{param}` replaced by `value(param)`.
fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(&rest[..open]);
        out.push_str(&value(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A value each parameter can have.
fn good(param: &str) -> String {
    match param {
        "code" => "H0101",
        "staff_no" => "1001",
        "version" => "1.2.3",
        "target" => "linux-x86_64-deb",
        "id" => "p1",
        "account" => "7000000005",
        "sha256" => return "ab".repeat(32),
        other => panic!("no good value for {{{other}}}"),
    }
    .to_owned()
}

struct Province {
    base: String,
    http: Client,
    hall: String,
    maintainer: String,
}

impl Province {
    /// Sends a request and returns the refusal, checking it is the province's JSON shape with Chinese text.
    async fn refusal(
        &self,
        method: &str,
        path: &str,
        who: Option<Who>,
        body: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, ProvinceError) {
        let (status, kind, text) = self.send(method, path, who, body).await;
        assert!(
            kind.starts_with("application/json"),
            "{method} {path}: {status} with {kind:?}: {text}"
        );
        let e: ProvinceError = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{method} {path}: {status} {text}: {err}"));
        assert!(has_cjk(&e.message), "{method} {path}: {text}");
        assert!(!e.message_en.is_empty(), "{method} {path}: {text}");
        (status, e)
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        who: Option<Who>,
        body: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, String, String) {
        let mut r = self.http.request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", self.base),
        );
        match who {
            Some(Who::Hall) => r = r.bearer_auth(&self.hall),
            Some(Who::Maintainer) => r = r.bearer_auth(&self.maintainer),
            None => {}
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
        (status, kind, resp.text().await.unwrap())
    }
}

#[tokio::test]
async fn every_route_refuses_bad_input_in_the_province_shape() {
    let dir = tempfile::tempdir().unwrap();
    // The edges do not depend on the database: the embedded default is enough.
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
    let hall = register(&db, &["--add-hall", "H0101", "城东供电营业厅"]);
    let maintainer = register(&db, &["--add-maintainer", "运维"]);
    let port = free_port();
    let mut child = province(&db, port);
    let p = Province {
        base: format!("http://127.0.0.1:{port}"),
        // A new connection per request: a refusal may close its connection
        // before reading the body, and a pooled one could then be reused stale.
        http: Client::builder().pool_max_idle_per_host(0).build().unwrap(),
        hall,
        maintainer,
    };
    let long = "9".repeat(1000);

    for &(method, template, who, takes) in ROUTES {
        // Bad path segments: too long, or not text at all.
        if template.contains('{') {
            for value in [long.as_str(), "%FF%FE"] {
                let path = fill(template, |_| value.to_owned());
                let (status, e) = p.refusal(method, &path, Some(who), None).await;
                assert_eq!(
                    (status, e.code.as_str()),
                    (StatusCode::BAD_REQUEST, "bad_path"),
                    "{method} {path}"
                );
            }
        }
        let path = fill(template, good);

        // A method the route does not have.
        let others: Vec<&str> = ROUTES
            .iter()
            .filter(|r| r.1 == template)
            .map(|r| r.0)
            .collect();
        let wrong = ["PATCH", "PUT", "DELETE", "POST", "GET"]
            .into_iter()
            .find(|m| !others.contains(m))
            .unwrap();
        let (status, e) = p.refusal(wrong, &path, Some(who), None).await;
        assert_eq!(
            (status, e.code.as_str()),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            "{wrong} {path}"
        );

        if matches!(takes, Takes::Json | Takes::Protocol) {
            let (status, e) = p
                .refusal(
                    method,
                    &path,
                    Some(who),
                    Some(("text/plain", b"{}".to_vec())),
                )
                .await;
            assert_eq!(
                (status, e.code.as_str()),
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_json"),
                "{method} {path}"
            );
            let body = Some(("application/json", b"{\"cut short".to_vec()));
            if takes == Takes::Json {
                let (status, e) = p.refusal(method, &path, Some(who), body).await;
                assert_eq!(
                    (status, e.code.as_str()),
                    (StatusCode::BAD_REQUEST, "bad_body"),
                    "{method} {path}"
                );
            } else {
                // The replication routes answer in the protocol's own types.
                let (status, _, text) = p.send(method, &path, Some(who), body).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {text}");
                let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(
                    (reply["reply"].as_str(), reply["refusal"].as_str()),
                    (Some("refused"), Some("malformed")),
                    "{path}: {text}"
                );
            }
        }
        if takes == Takes::Json {
            let big = format!("{{\"x\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
            let (status, e) = p
                .refusal(
                    method,
                    &path,
                    Some(who),
                    Some(("application/json", big.into_bytes())),
                )
                .await;
            assert_eq!(
                (status, e.code.as_str()),
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
                "{method} {path}"
            );
        }
    }

    // An upload may be larger than an admin call, but not endless.
    let (status, e) = p
        .refusal(
            "POST",
            "/sync/v1/upload",
            Some(Who::Hall),
            Some(("application/json", vec![b' '; 17 * 1024 * 1024])),
        )
        .await;
    assert_eq!(
        (status, e.code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    // Unknown addresses.
    for path in [
        "/",
        "/admin/v1/nope",
        "/sync/v2/upload",
        "/admin/v1/halls/H0101",
    ] {
        let (status, e) = p.refusal("GET", path, Some(Who::Maintainer), None).await;
        assert_eq!(
            (status, e.code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
    // What used to answer bare statuses or codes without a message.
    let (status, e) = p
        .refusal(
            "GET",
            "/sync/v1/releases/1.2.3/linux-x86_64-deb",
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, e.code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (status, e) = p
        .refusal(
            "GET",
            "/sync/v1/releases/1.2.3/linux-x86_64-deb",
            Some(Who::Hall),
            None,
        )
        .await;
    assert_eq!(
        (status, e.code.as_str()),
        (StatusCode::NOT_FOUND, "no_release")
    );
    let (status, e) = p.refusal("GET", "/sync/v1/status", None, None).await;
    assert_eq!(
        (status, e.code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let offer = br#"{"version": 1, "target": "linux-x86_64-deb", "current_version": "one"}"#;
    let (status, e) = p
        .refusal(
            "POST",
            "/sync/v1/updates/offer",
            Some(Who::Hall),
            Some(("application/json", offer.to_vec())),
        )
        .await;
    assert_eq!(
        (status, e.code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_version")
    );

    // Nothing refused was stored.
    let (_, _, text) = p
        .send("GET", "/admin/v1/releases", Some(Who::Maintainer), None)
        .await;
    assert_eq!(text, "[]");
    kill(&mut child);
}

#[tokio::test]
async fn a_panicking_handler_answers_internal_in_the_province_shape() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("boom")
    }
    let app = server::edges(axum::Router::new().route("/boom", axum::routing::get(boom)));
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
            let e: ProvinceError = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(kind, "application/json");
            assert!(has_cjk(&e.message));
            (status, e.code)
        }
    };
    assert_eq!(
        call("GET", "/boom").await,
        (StatusCode::INTERNAL_SERVER_ERROR, "internal".to_owned())
    );
    assert_eq!(
        call("DELETE", "/boom").await,
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed".to_owned()
        )
    );
    assert_eq!(
        call("GET", "/nothing").await,
        (StatusCode::NOT_FOUND, "not_found".to_owned())
    );
}
