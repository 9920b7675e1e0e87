//! Releases of the desktop suite: maintainers publish signed artifacts and steer the rollout; halls ask what to install.
//!
//! Artifacts are stored once, as files named by their SHA-256 in the release
//! directory, and served with `Range` support so an interrupted download
//! resumes. Which release a hall is offered is decided in `rollout.rs`.

use crate::admin::{body, maintainer, AdminError};
use crate::edge::{JsonBody, Path, RawBody};
use crate::rollout::{self, Channel, Release, State as RolloutState, Version};
use crate::{now_ms, AppState};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The largest artifact accepted.
const MAX_ARTIFACT: usize = 512 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/releases", get(list))
        .route(
            "/admin/v1/releases/{version}",
            put(put_release).patch(patch_release).delete(delete_release),
        )
        .route(
            "/admin/v1/releases/{version}/artifacts/{target}",
            put(put_artifact).layer(DefaultBodyLimit::max(MAX_ARTIFACT)),
        )
        .route("/admin/v1/halls/{code}/channel", put(put_channel))
        .route("/sync/v1/updates/offer", post(offer))
        .route("/sync/v1/releases/{version}/{target}", get(download))
}

fn version_of(raw: &str) -> Result<Version, AdminError> {
    Version::parse(raw).ok_or_else(|| {
        AdminError::invalid(
            "版本号应为 主.次.修订（如 1.4.2）",
            "A version is major.minor.patch (e.g. 1.4.2)",
        )
    })
}

fn channel_of(raw: &str) -> Result<Channel, AdminError> {
    Channel::parse(raw).ok_or_else(|| {
        AdminError::invalid("发布通道应为 pilot 或 all", "The channel is pilot or all")
    })
}

fn percent_of(p: u32) -> Result<u8, AdminError> {
    u8::try_from(p).ok().filter(|p| *p <= 100).ok_or_else(|| {
        AdminError::invalid("灰度比例应在 0–100 之间", "The rollout percentage is 0–100")
    })
}

fn target_of(raw: &str) -> Result<String, AdminError> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(AdminError::invalid(
            "目标平台应为小写字母、数字和连字符（如 linux-x86_64-deb）",
            "A target is lowercase letters, digits and dashes (e.g. linux-x86_64-deb)",
        ))
    }
}

fn no_release(version: &str) -> AdminError {
    AdminError::new(
        StatusCode::NOT_FOUND,
        "no_release",
        format!("版本 {version} 尚未发布"),
        format!("There is no release {version}"),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleasePut {
    notes: String,
    channel: String,
    percent: u32,
}

/// `PUT /admin/v1/releases/{version}`: announces a release (paused until its artifacts are in).
async fn put_release(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(version): Path<String>,
    bytes: JsonBody,
) -> Result<Json<Value>, AdminError> {
    maintainer(&s, &headers).await?;
    let req: ReleasePut = body(&bytes)?;
    let v = version_of(&version)?;
    let notes = req.notes.trim().to_owned();
    let bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if notes.is_empty() || notes.chars().count() > 4000 || notes.chars().any(bad) {
        return Err(AdminError::invalid(
            "发布说明不能为空，不超过 4000 字（可以分行）",
            "Release notes are 1–4000 characters (line breaks are fine)",
        ));
    }
    let channel = channel_of(&req.channel)?;
    let percent = percent_of(req.percent)?;
    let exists: Option<String> = sqlx::query_scalar("SELECT state FROM release WHERE version = $1")
        .bind(v.to_string())
        .fetch_optional(&s.pool)
        .await?;
    if exists.is_some() {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            "release_exists",
            format!("版本 {v} 已发布；请用 PATCH 调整灰度或撤回"),
            format!("Release {v} exists; use PATCH to change its rollout or withdraw it"),
        ));
    }
    sqlx::query(
        "INSERT INTO release (version, notes, channel, percent, state, published_at_ms) VALUES ($1, $2, $3, $4, 'paused', $5)",
    )
    .bind(v.to_string())
    .bind(notes)
    .bind(channel.code())
    .bind(i64::from(percent))
    .bind(now_ms())
    .execute(&s.pool)
    .await?;
    Ok(Json(json!({"version": v.to_string(), "state": "paused"})))
}

/// `PUT /admin/v1/releases/{version}/artifacts/{target}`: the signed file for one target.
/// Headers: `x-file-name`, `x-signature` (the updater signature, base64).
async fn put_artifact(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((version, target)): Path<(String, String)>,
    bytes: RawBody,
) -> Result<Json<Value>, AdminError> {
    maintainer(&s, &headers).await?;
    let v = version_of(&version)?;
    let target = target_of(&target)?;
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|h| h.to_str().ok())
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
    };
    let file_name = header_text("x-file-name")
        .filter(|n| n.len() <= 200 && !n.contains(['/', '\\']) && !n.starts_with('.'))
        .ok_or_else(|| {
            AdminError::invalid(
                "缺少文件名（x-file-name）",
                "x-file-name is missing or invalid",
            )
        })?;
    let signature = header_text("x-signature")
        .ok_or_else(|| AdminError::invalid("缺少签名（x-signature）", "x-signature is missing"))?;
    if bytes.is_empty() {
        return Err(AdminError::invalid("安装包为空", "The artifact is empty"));
    }
    if let Some(key) = &s.update_pubkey {
        if let Err(e) = crate::signing::verify(key, &signature, &bytes) {
            return Err(AdminError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_signature",
                format!("签名无效，未保存：{e}"),
                format!(
                    "The signature does not verify with the release key; nothing was stored: {e}"
                ),
            ));
        }
    }
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM release WHERE version = $1")
        .bind(v.to_string())
        .fetch_optional(&s.pool)
        .await?;
    if state.is_none() {
        return Err(no_release(&v.to_string()));
    }
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    store_file(&s.release_dir, &sha, &bytes)
        .await
        .map_err(|e| AdminError::from(sqlx::Error::Io(e)))?;
    sqlx::query(
        "INSERT INTO release_artifact (version, target, file_name, sha256, size, signature) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (version, target) DO UPDATE SET file_name = excluded.file_name, sha256 = excluded.sha256,
           size = excluded.size, signature = excluded.signature",
    )
    .bind(v.to_string())
    .bind(&target)
    .bind(&file_name)
    .bind(&sha)
    .bind(bytes.len() as i64)
    .bind(&signature)
    .execute(&s.pool)
    .await?;
    Ok(Json(
        json!({"version": v.to_string(), "target": target, "sha256": sha, "size": bytes.len()}),
    ))
}

/// Writes `bytes` as `dir/sha` durably: a temporary file, synced, then renamed.
async fn store_file(dir: &std::path::Path, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(sha);
    if tokio::fs::try_exists(&path).await? {
        return Ok(());
    }
    let tmp = dir.join(format!("{sha}.part"));
    let mut f = tokio::fs::File::create(&tmp).await?;
    f.write_all(bytes).await?;
    f.sync_all().await?;
    drop(f);
    tokio::fs::rename(&tmp, &path).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleasePatch {
    percent: Option<u32>,
    state: Option<String>,
    channel: Option<String>,
}

/// `PATCH /admin/v1/releases/{version}`: widen or narrow the rollout, pause, resume, withdraw.
async fn patch_release(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(version): Path<String>,
    bytes: JsonBody,
) -> Result<Json<Value>, AdminError> {
    maintainer(&s, &headers).await?;
    let req: ReleasePatch = body(&bytes)?;
    let v = version_of(&version)?.to_string();
    let percent = req.percent.map(percent_of).transpose()?;
    let channel = req.channel.as_deref().map(channel_of).transpose()?;
    let state = match req.state.as_deref() {
        None => None,
        Some(raw) => Some(RolloutState::parse(raw).ok_or_else(|| {
            AdminError::invalid(
                "状态应为 active、paused 或 withdrawn",
                "The state is active, paused or withdrawn",
            )
        })?),
    };
    let mut tx = s.pool.begin().await?;
    let current: Option<String> =
        sqlx::query_scalar("SELECT state FROM release WHERE version = $1")
            .bind(&v)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(current) = current else {
        return Err(no_release(&v));
    };
    if current == "withdrawn" && state.is_some_and(|st| st != RolloutState::Withdrawn) {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            "withdrawn",
            format!("版本 {v} 已撤回，不能再发布；请发布新的版本号"),
            format!("Release {v} was withdrawn and cannot return; publish a new version"),
        ));
    }
    if state == Some(RolloutState::Active) {
        let artifacts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM release_artifact WHERE version = $1")
                .bind(&v)
                .fetch_one(&mut *tx)
                .await?;
        if artifacts == 0 {
            return Err(AdminError::new(
                StatusCode::CONFLICT,
                "no_artifacts",
                format!("版本 {v} 还没有安装包，不能开始推送"),
                format!("Release {v} has no artifacts yet"),
            ));
        }
    }
    if let Some(p) = percent {
        sqlx::query("UPDATE release SET percent = $1 WHERE version = $2")
            .bind(i64::from(p))
            .bind(&v)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(c) = channel {
        sqlx::query("UPDATE release SET channel = $1 WHERE version = $2")
            .bind(c.code())
            .bind(&v)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(st) = state {
        sqlx::query("UPDATE release SET state = $1 WHERE version = $2")
            .bind(st.code())
            .bind(&v)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Json(json!({"version": v})))
}

/// `DELETE /admin/v1/releases/{version}`: takes back an announcement that never
/// got its installers (say, an upload was refused), so the version can be
/// published again. A release with installers is withdrawn instead, never deleted.
async fn delete_release(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(version): Path<String>,
) -> Result<Json<Value>, AdminError> {
    maintainer(&s, &headers).await?;
    let v = version_of(&version)?.to_string();
    let mut tx = s.pool.begin().await?;
    let artifacts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM release_artifact WHERE version = $1")
            .bind(&v)
            .fetch_one(&mut *tx)
            .await?;
    if artifacts > 0 {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            "has_artifacts",
            format!("版本 {v} 已有安装包，不能删除；如需停止推送请撤回"),
            format!("Release {v} has installers and cannot be deleted; withdraw it instead"),
        ));
    }
    let done = sqlx::query("DELETE FROM release WHERE version = $1")
        .bind(&v)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(no_release(&v));
    }
    tx.commit().await?;
    Ok(Json(json!({"version": v, "deleted": true})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelPut {
    channel: String,
}

/// `PUT /admin/v1/halls/{code}/channel`: makes a hall a pilot hall, or an ordinary one.
async fn put_channel(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    bytes: JsonBody,
) -> Result<Json<Value>, AdminError> {
    maintainer(&s, &headers).await?;
    let req: ChannelPut = body(&bytes)?;
    let channel = channel_of(&req.channel)?;
    let done = sqlx::query("UPDATE hall SET channel = $1 WHERE code = $2")
        .bind(channel.code())
        .bind(&code)
        .execute(&s.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AdminError::new(
            StatusCode::NOT_FOUND,
            "no_hall",
            format!("营业厅 {code} 不存在"),
            format!("There is no hall {code}"),
        ));
    }
    Ok(Json(json!({"hall": code, "channel": channel.code()})))
}

/// `GET /admin/v1/releases`: every release, its artifacts, and where the PCs stand.
async fn list(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, AdminError> {
    maintainer(&s, &headers).await?;
    let releases: Vec<(String, String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT version, notes, channel, percent, state, published_at_ms FROM release",
    )
    .fetch_all(&s.pool)
    .await?;
    let mut out = Vec::new();
    for (version, notes, channel, percent, state, at) in releases {
        let artifacts: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT target, file_name, sha256, size FROM release_artifact WHERE version = $1 ORDER BY target",
        )
        .bind(&version)
        .fetch_all(&s.pool)
        .await?;
        let status: Vec<(String, i64)> = sqlx::query_as(
            "SELECT state, COUNT(*) FROM update_status WHERE current_version = $1 OR offered = $1 GROUP BY state ORDER BY state",
        )
        .bind(&version)
        .fetch_all(&s.pool)
        .await?;
        out.push(json!({
            "version": version, "notes": notes, "channel": channel, "percent": percent,
            "state": state, "published_at_ms": at,
            "artifacts": artifacts.iter().map(|(t, f, h, n)| json!({"target": t, "file_name": f, "sha256": h, "size": n})).collect::<Vec<_>>(),
            "pcs": status.into_iter().map(|(st, n)| (st, Value::from(n))).collect::<serde_json::Map<_, _>>(),
        }));
    }
    out.sort_by_key(|r| r["version"].as_str().and_then(Version::parse));
    Ok(Json(Value::Array(out)))
}

#[derive(Deserialize)]
struct OfferRequest {
    version: u16,
    target: String,
    current_version: String,
}

/// `POST /sync/v1/updates/offer` (hall token): the release this hall should install, if any.
async fn offer(State(s): State<AppState>, headers: HeaderMap, bytes: JsonBody) -> Response {
    let Some(hall) = crate::ingest::hall_of(&s, &headers).await else {
        return crate::ingest::no_hall().into_response();
    };
    let req: OfferRequest = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Err(r) = sync_proto::check_version(req.version) {
        return AdminError::new(
            StatusCode::CONFLICT,
            "refused",
            "营业厅与省级服务器的协议版本不一致，请先更新",
            format!("The protocol versions do not match: {r:?}"),
        )
        .into_response();
    }
    let Some(current) = Version::parse(&req.current_version) else {
        return AdminError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_version",
            "当前版本号应为 主.次.修订（如 1.4.2）",
            "The current version is major.minor.patch (e.g. 1.4.2)",
        )
        .into_response();
    };
    match find_offer(&s, &hall, &req.target, current).await {
        Ok(offer) => Json(json!({ "offer": offer })).into_response(),
        Err(e) => AdminError::from(e).into_response(),
    }
}

async fn find_offer(
    s: &AppState,
    hall: &str,
    target: &str,
    current: Version,
) -> Result<Option<Value>, sqlx::Error> {
    let channel: String = sqlx::query_scalar("SELECT channel FROM hall WHERE code = $1")
        .bind(hall)
        .fetch_one(&s.pool)
        .await?;
    // Only releases with an artifact for this target can be offered.
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT r.version, r.channel, r.percent, r.state FROM release r
         JOIN release_artifact a ON a.version = r.version AND a.target = $1",
    )
    .bind(target)
    .fetch_all(&s.pool)
    .await?;
    let mut releases: Vec<Release> = rows
        .into_iter()
        .filter_map(|(v, c, p, st)| {
            Some(Release {
                version: Version::parse(&v)?,
                channel: Channel::parse(&c)?,
                percent: u8::try_from(p).ok()?,
                state: RolloutState::parse(&st)?,
            })
        })
        .collect();
    // The current release decides a rollback even without an artifact for this target.
    let here: Option<String> = sqlx::query_scalar("SELECT state FROM release WHERE version = $1")
        .bind(current.to_string())
        .fetch_optional(&s.pool)
        .await?;
    if here.as_deref() == Some("withdrawn") && !releases.iter().any(|r| r.version == current) {
        releases.push(Release {
            version: current,
            channel: Channel::All,
            percent: 0,
            state: RolloutState::Withdrawn,
        });
    }
    let pilot = channel == "pilot";
    let Some(chosen) = rollout::offer(&releases, pilot, rollout::bucket(hall), current) else {
        return Ok(None);
    };
    let v = chosen.version.to_string();
    let (notes, at): (String, i64) =
        sqlx::query_as("SELECT notes, published_at_ms FROM release WHERE version = $1")
            .bind(&v)
            .fetch_one(&s.pool)
            .await?;
    let (file_name, sha, size, signature): (String, String, i64, String) = sqlx::query_as(
        "SELECT file_name, sha256, size, signature FROM release_artifact WHERE version = $1 AND target = $2",
    )
    .bind(&v)
    .bind(target)
    .fetch_one(&s.pool)
    .await?;
    Ok(Some(json!({
        "version": v, "notes": notes, "published_at_ms": at, "target": target,
        "file_name": file_name, "sha256": sha, "size": size, "signature": signature,
        "rollback": chosen.version < current,
    })))
}

/// `GET /sync/v1/releases/{version}/{target}` (hall token): the artifact, resumable with `Range`.
async fn download(
    State(s): State<AppState>,
    Path((version, target)): Path<(String, String)>,
    req: Request,
) -> Response {
    if crate::ingest::hall_of(&s, req.headers()).await.is_none() {
        return crate::ingest::no_hall().into_response();
    }
    let sha: Option<String> = match sqlx::query_scalar(
        "SELECT a.sha256 FROM release_artifact a JOIN release r ON r.version = a.version
         WHERE a.version = $1 AND a.target = $2 AND r.state <> 'withdrawn'",
    )
    .bind(&version)
    .bind(&target)
    .fetch_optional(&s.pool)
    .await
    {
        Ok(sha) => sha,
        Err(e) => return AdminError::from(e).into_response(),
    };
    let Some(sha) = sha else {
        return no_release(&format!("{version} ({target})")).into_response();
    };
    let path = s.release_dir.join(&sha);
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        eprintln!("province: internal error: artifact {sha} is missing from the release directory");
        return crate::edge::internal().into_response();
    }
    match ServeFile::new(path).oneshot(req).await {
        Ok(r) => r.into_response(),
        Err(e) => {
            eprintln!("province: internal error: artifact {sha} unreadable: {e}");
            crate::edge::internal().into_response()
        }
    }
}
