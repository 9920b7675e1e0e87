//! `/admin/v1/releases…`: maintainers announce releases, upload their signed artifacts and steer the rollout.
//!
//! Artifacts are stored once, as files named by their SHA-256 in the release
//! directory; an upload is hashed (and its signature checked) while it
//! streams to disk, never held in memory. Which release a hall is offered is
//! decided in `rollout.rs`, and asked in `updates.rs`.

use super::auth::Maintainer;
use super::edge::{JsonBody, Path};
use super::{body, Answer};
use crate::db::releases::{Artifact, Rollout};
use crate::error::ProvinceError;
use crate::rollout::{Channel, State as RolloutState, Version};
use crate::{db, now_ms, AppState};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, put};
use axum::{Json, Router};
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tokio::io::AsyncWriteExt;

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
}

pub(super) fn version_of(raw: &str) -> Result<Version, ProvinceError> {
    Version::parse(raw).ok_or_else(|| {
        ProvinceError::invalid(
            "版本号应为 主.次.修订（如 1.4.2）",
            "A version is major.minor.patch (e.g. 1.4.2)",
        )
    })
}

pub(super) fn channel_of(raw: &str) -> Result<Channel, ProvinceError> {
    Channel::parse(raw).ok_or_else(|| {
        ProvinceError::invalid("发布通道应为 pilot 或 all", "The channel is pilot or all")
    })
}

fn percent_of(p: u32) -> Result<u8, ProvinceError> {
    u8::try_from(p).ok().filter(|p| *p <= 100).ok_or_else(|| {
        ProvinceError::invalid("灰度比例应在 0–100 之间", "The rollout percentage is 0–100")
    })
}

fn target_of(raw: &str) -> Result<String, ProvinceError> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(ProvinceError::invalid(
            "目标平台应为小写字母、数字和连字符（如 linux-x86_64-deb）",
            "A target is lowercase letters, digits and dashes (e.g. linux-x86_64-deb)",
        ))
    }
}

pub(super) fn no_release(version: &str) -> ProvinceError {
    ProvinceError::new(
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

#[derive(Serialize)]
struct Announced {
    version: String,
    state: &'static str,
}

/// `PUT /admin/v1/releases/{version}`: announces a release (paused until its artifacts are in).
async fn put_release(
    State(s): State<AppState>,
    Path(version): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<Announced> {
    let req: ReleasePut = body(&bytes)?;
    let v = version_of(&version)?.to_string();
    let notes = req.notes.trim().to_owned();
    let bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if notes.is_empty() || notes.chars().count() > 4000 || notes.chars().any(bad) {
        return Err(ProvinceError::invalid(
            "发布说明不能为空，不超过 4000 字（可以分行）",
            "Release notes are 1–4000 characters (line breaks are fine)",
        ));
    }
    let channel = channel_of(&req.channel)?;
    let percent = percent_of(req.percent)?;
    if db::releases::state(&s.pool, &v).await?.is_some() {
        return Err(ProvinceError::new(
            StatusCode::CONFLICT,
            "release_exists",
            format!("版本 {v} 已发布；请用 PATCH 调整灰度或撤回"),
            format!("Release {v} exists; use PATCH to change its rollout or withdraw it"),
        ));
    }
    db::releases::insert(&s.pool, &v, &notes, channel.code(), percent, now_ms()).await?;
    Ok(Json(Announced {
        version: v,
        state: RolloutState::Paused.code(),
    }))
}

#[derive(Serialize)]
struct Stored {
    version: String,
    target: String,
    sha256: String,
    size: u64,
}

/// `PUT /admin/v1/releases/{version}/artifacts/{target}`: the signed file for one target.
/// Headers: `x-file-name`, `x-signature` (the updater signature, base64).
async fn put_artifact(
    State(s): State<AppState>,
    Path((version, target)): Path<(String, String)>,
    _: Maintainer,
    headers: HeaderMap,
    body: Body,
) -> Answer<Stored> {
    let v = version_of(&version)?.to_string();
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
            ProvinceError::invalid(
                "缺少文件名（x-file-name）",
                "x-file-name is missing or invalid",
            )
        })?;
    let signature = header_text("x-signature").ok_or_else(|| {
        ProvinceError::invalid("缺少签名（x-signature）", "x-signature is missing")
    })?;
    let part = receive(&s.release_dir, body, MAX_ARTIFACT as u64).await?;
    let stored = keep(&s, &v, &signature, &part).await;
    // Kept under its digest, or refused: the part file goes either way.
    let _ = tokio::fs::remove_file(&part.path).await;
    let sha = stored?;
    let artifact = Artifact {
        target,
        file_name,
        sha256: sha,
        size: i64::try_from(part.size).unwrap_or(i64::MAX),
        signature,
    };
    db::releases::put_artifact(&s.pool, &v, &artifact).await?;
    Ok(Json(Stored {
        version: v,
        target: artifact.target,
        sha256: artifact.sha256,
        size: part.size,
    }))
}

/// An upload on disk, not yet kept.
pub(super) struct Part {
    pub(super) path: std::path::PathBuf,
    pub(super) sha256: String,
    pub(super) size: u64,
}

/// Streams the body into a part file of `dir`, hashing it on the way; more than `max` bytes is refused.
pub(super) async fn receive(
    dir: &std::path::Path,
    mut body: Body,
    max: u64,
) -> Result<Part, ProvinceError> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(ProvinceError::internal)?;
    let mut nonce = [0u8; 8];
    getrandom::getrandom(&mut nonce).map_err(ProvinceError::internal)?;
    let path = dir.join(format!("upload-{}.part", hex::encode(nonce)));
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(ProvinceError::internal)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let written: Result<(), ProvinceError> = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| {
                ProvinceError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_body",
                    "请求内容未能完整读取",
                    "The request body could not be read",
                )
            })?;
            let Ok(chunk) = frame.into_data() else {
                continue;
            };
            size += chunk.len() as u64;
            if size > max {
                return Err(ProvinceError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "请求内容过大",
                    "The request is too large",
                ));
            }
            hasher.update(&chunk);
            file.write_all(&chunk)
                .await
                .map_err(ProvinceError::internal)?;
        }
        file.sync_all().await.map_err(ProvinceError::internal)
    }
    .await;
    drop(file);
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    Ok(Part {
        path,
        sha256: hex::encode(hasher.finalize()),
        size,
    })
}

/// Checks an upload (not empty, signed with the release key when one is
/// set, for a release that exists) and keeps it as `dir/<sha256>`.
async fn keep(
    s: &AppState,
    version: &str,
    signature: &str,
    part: &Part,
) -> Result<String, ProvinceError> {
    if part.size == 0 {
        return Err(ProvinceError::invalid(
            "安装包为空",
            "The artifact is empty",
        ));
    }
    if let Some(key) = s.update_pubkey.clone() {
        let (sig, path) = (signature.to_owned(), part.path.clone());
        let checked =
            tokio::task::spawn_blocking(move || crate::signing::verify_file(&key, &sig, &path))
                .await
                .map_err(ProvinceError::internal)?;
        if let Err(e) = checked {
            return Err(ProvinceError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_signature",
                format!("签名无效，未保存：{e}"),
                format!(
                    "The signature does not verify with the release key; nothing was stored: {e}"
                ),
            ));
        }
    }
    if db::releases::state(&s.pool, version).await?.is_none() {
        return Err(no_release(version));
    }
    let path = s.release_dir.join(&part.sha256);
    if !tokio::fs::try_exists(&path)
        .await
        .map_err(ProvinceError::internal)?
    {
        tokio::fs::rename(&part.path, &path)
            .await
            .map_err(ProvinceError::internal)?;
    }
    Ok(part.sha256.clone())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleasePatch {
    percent: Option<u32>,
    state: Option<String>,
    channel: Option<String>,
}

#[derive(Serialize)]
struct Patched {
    version: String,
}

/// `PATCH /admin/v1/releases/{version}`: widen or narrow the rollout, pause, resume, withdraw.
async fn patch_release(
    State(s): State<AppState>,
    Path(version): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<Patched> {
    let req: ReleasePatch = body(&bytes)?;
    let v = version_of(&version)?.to_string();
    let percent = req.percent.map(percent_of).transpose()?;
    let channel = req.channel.as_deref().map(channel_of).transpose()?;
    let state = match req.state.as_deref() {
        None => None,
        Some(raw) => Some(RolloutState::parse(raw).ok_or_else(|| {
            ProvinceError::invalid(
                "状态应为 active、paused 或 withdrawn",
                "The state is active, paused or withdrawn",
            )
        })?),
    };
    let mut tx = s.pool.begin().await?;
    let Some(current) = db::releases::state_in(&mut tx, &v).await? else {
        return Err(no_release(&v));
    };
    if RolloutState::parse(&current) == Some(RolloutState::Withdrawn)
        && state.is_some_and(|st| st != RolloutState::Withdrawn)
    {
        return Err(ProvinceError::new(
            StatusCode::CONFLICT,
            "withdrawn",
            format!("版本 {v} 已撤回，不能再发布；请发布新的版本号"),
            format!("Release {v} was withdrawn and cannot return; publish a new version"),
        ));
    }
    if state == Some(RolloutState::Active) && db::releases::artifact_count(&mut tx, &v).await? == 0
    {
        return Err(ProvinceError::new(
            StatusCode::CONFLICT,
            "no_artifacts",
            format!("版本 {v} 还没有安装包，不能开始推送"),
            format!("Release {v} has no artifacts yet"),
        ));
    }
    let rollout = Rollout {
        percent,
        channel: channel.map(Channel::code),
        state: state.map(RolloutState::code),
    };
    db::releases::set_rollout(&mut tx, &v, rollout).await?;
    tx.commit().await?;
    Ok(Json(Patched { version: v }))
}

#[derive(Serialize)]
struct Deleted {
    version: String,
    deleted: bool,
}

/// `DELETE /admin/v1/releases/{version}`: takes back an announcement that never
/// got its installers (say, an upload was refused), so the version can be
/// published again. A release with installers is withdrawn instead, never deleted.
async fn delete_release(
    State(s): State<AppState>,
    Path(version): Path<String>,
    _: Maintainer,
) -> Answer<Deleted> {
    let v = version_of(&version)?.to_string();
    let mut tx = s.pool.begin().await?;
    if db::releases::artifact_count(&mut tx, &v).await? > 0 {
        return Err(ProvinceError::new(
            StatusCode::CONFLICT,
            "has_artifacts",
            format!("版本 {v} 已有安装包，不能删除；如需停止推送请撤回"),
            format!("Release {v} has installers and cannot be deleted; withdraw it instead"),
        ));
    }
    if !db::releases::delete(&mut tx, &v).await? {
        return Err(no_release(&v));
    }
    tx.commit().await?;
    Ok(Json(Deleted {
        version: v,
        deleted: true,
    }))
}

/// A release as `GET /admin/v1/releases` lists it.
#[derive(Serialize)]
struct ReleaseView {
    version: String,
    notes: String,
    channel: String,
    percent: i64,
    state: String,
    published_at_ms: i64,
    artifacts: Vec<ArtifactView>,
    /// How many PCs run or are offered it, by their update state.
    pcs: BTreeMap<String, i64>,
}

#[derive(Serialize)]
struct ArtifactView {
    target: String,
    file_name: String,
    sha256: String,
    size: i64,
}

/// `GET /admin/v1/releases`: every release, its artifacts, and where the PCs stand.
async fn list(State(s): State<AppState>, _: Maintainer) -> Answer<Vec<ReleaseView>> {
    let mut out = Vec::new();
    for r in db::releases::all(&s.pool).await? {
        let artifacts = db::releases::artifacts(&s.pool, &r.version)
            .await?
            .into_iter()
            .map(|a| ArtifactView {
                target: a.target,
                file_name: a.file_name,
                sha256: a.sha256,
                size: a.size,
            })
            .collect();
        let pcs = db::releases::pc_states(&s.pool, &r.version)
            .await?
            .into_iter()
            .collect();
        out.push(ReleaseView {
            version: r.version,
            notes: r.notes,
            channel: r.channel,
            percent: r.percent,
            state: r.state,
            published_at_ms: r.published_at_ms,
            artifacts,
            pcs,
        });
    }
    out.sort_by_key(|r| Version::parse(&r.version));
    Ok(Json(out))
}
