//! Updates for the hall's PCs: the updater's endpoint, the hall's cache of each release, and the PCs' reports.
//!
//! A PC's updater asks `GET /updates/{target}/{arch}/{bundle_type}/{current_version}`; the
//! hall asks the province which release this hall should run, fetches the
//! artifact once (resuming an interrupted download, checking its SHA-256) and
//! points the PC at its own copy, so a release crosses the provincial network
//! once per hall. The signature is the publisher's and is checked by the PC's
//! updater; nothing here can make a tampered file pass. These reads are open
//! on the hall LAN (the content is signed); reports need a staff session.

use crate::auth::Caller;
use crate::error::HallError;
use crate::http::{Body, Path};
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ipc::hall::{Empty, UpdateReport, UpdateState as ReportState};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use sync_proto::changes::{UpdateState, UpdateStatus};
use sync_proto::{ChangeKind, OfferReply, OfferRequest};
use tower::ServiceExt;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/updates/{target}/{arch}/{bundle}/{current}", get(check))
        .route("/updates/files/{sha}", get(file))
        .route("/api/v1/updates/report", post(report))
}

/// The province's answer about this hall's release, as it was given (and as the store keeps it).
pub use sync_proto::Offer;

fn is_sha(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// What the desktop's updater reads (tauri-plugin-updater's dynamic answer).
#[derive(Serialize)]
struct UpdaterAnswer {
    version: String,
    notes: String,
    pub_date: String,
    url: String,
    signature: String,
}

async fn check(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((target, arch, bundle, current)): Path<(String, String, String, String)>,
) -> Result<Response, HallError> {
    let Some(province) = &s.province else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let key = format!("{target}-{arch}-{bundle}").to_ascii_lowercase();
    let asked = format!("{key}/{current}");
    let offer = match ask_province(&s.http, province, &key, &current).await {
        Ok(offer) => {
            remember(&s, asked, offer.as_ref()).await;
            offer
        }
        // The province is out of reach: the hall's last answer still holds,
        // and its copy of the release is here.
        Err(e) => Some(
            s.offers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&asked)
                .cloned()
                .ok_or(e)?,
        ),
    };
    let Some(offer) = offer else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    cached(&s, province, &offer).await?;
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| s.addr.to_string());
    Ok(Json(UpdaterAnswer {
        url: format!("http://{host}/updates/files/{}", offer.sha256),
        pub_date: rfc3339(offer.published_at_ms),
        version: offer.version,
        notes: offer.notes,
        signature: offer.signature,
    })
    .into_response())
}

/// Keeps the province's answer to `asked`, on disk first (so it survives a
/// restart), then in memory; an unchanged answer costs no write.
async fn remember(s: &AppState, asked: String, offer: Option<&Offer>) {
    let known = s
        .offers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&asked)
        .cloned();
    if known.as_ref() == offer {
        return;
    }
    let json = match offer.map(serde_json::to_string).transpose() {
        Ok(json) => json,
        Err(e) => return tracing::error!(error = %e, "an update offer is not storable"),
    };
    if let Err(e) = s
        .store
        .put_update_offer(&asked, json.as_deref(), s.clock.now())
        .await
    {
        // Still answered; written next time the province is asked.
        return tracing::warn!(error = %e, "keeping the update offer failed");
    }
    let mut known = s.offers.lock().unwrap_or_else(|p| p.into_inner());
    match offer {
        Some(o) => known.insert(asked, o.clone()),
        None => known.remove(&asked),
    };
}

/// The offers kept from before a restart, by question.
pub async fn kept_offers(store: &store::Store) -> Result<HashMap<String, Offer>, HallError> {
    let mut offers = HashMap::new();
    for (asked, json) in store.update_offers().await? {
        match serde_json::from_str(&json) {
            Ok(offer) => {
                offers.insert(asked, offer);
            }
            Err(e) => tracing::warn!(%asked, error = %e, "ignoring a kept update offer"),
        }
    }
    Ok(offers)
}

async fn ask_province(
    http: &reqwest::Client,
    province: &crate::uplink::Province,
    key: &str,
    current: &str,
) -> Result<Option<Offer>, HallError> {
    let reply = http
        .post(format!(
            "{}/sync/v1/updates/offer",
            province.url.trim_end_matches('/')
        ))
        .bearer_auth(&province.token)
        .json(&OfferRequest {
            version: sync_proto::PROTOCOL_VERSION,
            target: key.to_owned(),
            current_version: current.to_owned(),
        })
        .timeout(std::time::Duration::from_secs(15))
        .send()
        .await
        .map_err(|_| HallError::Unavailable)?;
    if !reply.status().is_success() {
        return Err(HallError::Unavailable);
    }
    let answer: OfferReply = reply.json().await.map_err(|_| HallError::Unavailable)?;
    let Some(offer) = answer.offer else {
        return Ok(None);
    };
    if !is_sha(&offer.sha256) {
        return Err(HallError::internal("the province sent a malformed digest"));
    }
    Ok(Some(offer))
}

/// Makes sure the offered artifact is in the hall's cache: fetched once,
/// resumed after an interruption, kept only when its digest matches.
async fn cached(
    s: &AppState,
    province: &crate::uplink::Province,
    offer: &Offer,
) -> Result<PathBuf, HallError> {
    use tokio::io::AsyncWriteExt;
    let _one_at_a_time = s.fetching.lock().await;
    let dir = &s.release_cache;
    let path = dir.join(&offer.sha256);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(path);
    }
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(HallError::internal)?;
    let part = dir.join(format!("{}.part", offer.sha256));
    let have = tokio::fs::metadata(&part)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let mut req = s
        .http
        .get(format!(
            "{}/sync/v1/releases/{}/{}",
            province.url.trim_end_matches('/'),
            offer.version,
            offer.target
        ))
        .bearer_auth(&province.token);
    if have > 0 && have < offer.size {
        req = req.header("range", format!("bytes={have}-"));
    }
    let mut resp = req.send().await.map_err(|_| HallError::Unavailable)?;
    // The digest runs over the file as it is written: over what an
    // interrupted download left first, when this one resumes it.
    let mut hasher = Sha256::new();
    let mut file = match resp.status() {
        StatusCode::PARTIAL_CONTENT => {
            hash_file(&part, &mut hasher).await?;
            tokio::fs::OpenOptions::new()
                .append(true)
                .open(&part)
                .await
                .map_err(HallError::internal)?
        }
        StatusCode::OK => tokio::fs::File::create(&part)
            .await
            .map_err(HallError::internal)?,
        _ => return Err(HallError::Unavailable),
    };
    while let Some(chunk) = resp.chunk().await.map_err(|_| HallError::Unavailable)? {
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(HallError::internal)?;
    }
    file.sync_all().await.map_err(HallError::internal)?;
    drop(file);
    if hex::encode(hasher.finalize()) != offer.sha256 {
        // Start over next time rather than keep a corrupt copy.
        let _ = tokio::fs::remove_file(&part).await;
        tracing::warn!(version = %offer.version, "a release arrived corrupted; discarded");
        return Err(HallError::Unavailable);
    }
    tokio::fs::rename(&part, &path)
        .await
        .map_err(HallError::internal)?;
    Ok(path)
}

/// Feeds the file at `path` to `hasher`, in chunks.
async fn hash_file(path: &std::path::Path, hasher: &mut Sha256) -> Result<(), HallError> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(HallError::internal)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).await.map_err(HallError::internal)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buf[..n]);
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` from Unix ms (UTC); the epoch for a time out of range.
fn rfc3339(ms: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.format(&format).unwrap_or_default()
}

/// `GET /updates/files/{sha}`: a cached artifact, resumable (`Range`).
async fn file(State(s): State<AppState>, Path(sha): Path<String>, req: Request) -> Response {
    let missing = || HallError::Input(StatusCode::NOT_FOUND, ipc::ErrorCode::NoUpdate);
    if !is_sha(&sha) {
        return missing().into_response();
    }
    let path = s.release_cache.join(&sha);
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return missing().into_response();
    }
    match tower_http::services::ServeFile::new(path)
        .oneshot(req)
        .await
    {
        Ok(r) => r.into_response(),
        Err(e) => HallError::internal(format!("serving a release: {e}")).into_response(),
    }
}

/// `POST /api/v1/updates/report` (a staff session): a PC says where it stands; it goes up to the province.
async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Body(r): Body<UpdateReport>,
) -> Result<Json<Empty>, HallError> {
    caller.staff()?;
    let ok_pc = !r.pc.is_empty()
        && r.pc.len() <= 40
        && r.pc
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok_pc || r.current_version.len() > 20 {
        return Err(HallError::Input(
            StatusCode::UNPROCESSABLE_ENTITY,
            ipc::ErrorCode::BadRequest,
        ));
    };
    let now = s.clock.now();
    let hlc = serde_json::to_string(&s.driver.stamp(now)).map_err(HallError::internal)?;
    let key = format!("hall:{}/{}", s.hall.code.as_str(), r.pc);
    let body = UpdateStatus {
        current_version: r.current_version,
        offered: r.offered,
        state: match r.state {
            ReportState::Offered => UpdateState::Offered,
            ReportState::Downloading => UpdateState::Downloading,
            ReportState::Installed => UpdateState::Installed,
            ReportState::Failed => UpdateState::Failed,
            ReportState::UpToDate => UpdateState::UpToDate,
        },
        detail: r.detail.map(|d| d.chars().take(500).collect::<String>()),
    };
    let body = serde_json::to_string(&body).map_err(HallError::internal)?;
    s.store
        .append_change(&hlc, ChangeKind::UpdateStatus.as_str(), &key, &body)
        .await?;
    Ok(Json(Empty {}))
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn pub_dates_are_utc_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // The date of the offer recorded in sync-proto's fixtures.
        assert_eq!(rfc3339(1_796_280_219_358), "2026-12-03T06:43:39Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
