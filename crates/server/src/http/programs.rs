//! `/admin/v1/programs…` (maintainer token): programs for the halls' screens and their media files; `GET /sync/v1/programs/assets/{sha256}` (hall token): a hall fetches a file of a program meant for it.
//!
//! A program travels down the owned feed (`sync_proto::owned::ProgramRecord`)
//! as one record per hall it targets (`id@HALL`, scoped to that hall) or one
//! for every hall (`id`, scope `*`), so each hall pulls only its own. A
//! replacement that drops a hall, and a withdrawal, write `withdrawn: true`
//! to the records that go, so their halls drop the program. Media files are
//! streamed to disk, hashed on the way, and kept under their SHA-256 in the
//! media directory (`media/` of the release directory).

use super::auth::{Hall, Maintainer};
use super::edge::{JsonBody, Path};
use super::releases::receive;
use super::{body, text, Answer};
use crate::db::programs::Saved;
use crate::error::ProvinceError;
use crate::{db, now_ms, owned, AppState};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use sync_proto::owned::{
    values_of, OwnedKind, ProgramAsset, ProgramContent, ProgramRecord, PublishProgram,
    PublishedProgram,
};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The largest media file accepted.
const MAX_ASSET: usize = 64 * 1024 * 1024;
/// Halls one program may list.
const MAX_HALLS: usize = 500;
const MAX_TITLE: usize = 40;
const MAX_TEXT: usize = 500;
const SECONDS: std::ops::RangeInclusive<u32> = 5..=600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/programs", get(list))
        .route("/admin/v1/programs/{id}", put(publish).delete(withdraw))
        .route(
            "/admin/v1/programs/assets",
            post(upload).layer(DefaultBodyLimit::max(MAX_ASSET)),
        )
        .route("/sync/v1/programs/assets/{sha256}", get(download))
}

fn media_dir(s: &AppState) -> std::path::PathBuf {
    s.release_dir.join("media")
}

fn id_of(raw: &str) -> Result<String, ProvinceError> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| raw.to_owned()).ok_or_else(|| {
        ProvinceError::invalid(
            "节目编号应为 1–40 位字母、数字、- 或 _",
            "A program id is 1–40 letters, digits, - or _",
        )
    })
}

fn no_program(id: &str) -> ProvinceError {
    ProvinceError::new(
        StatusCode::NOT_FOUND,
        "no_program",
        format!("节目 {id} 不存在"),
        format!("There is no program {id}"),
    )
}

/// The feed's records of a program: (key, scope).
fn keys(id: &str, halls: Option<&[String]>) -> Vec<(String, String)> {
    match halls {
        None => vec![(id.to_owned(), "*".to_owned())],
        Some(halls) => halls
            .iter()
            .map(|h| (format!("{id}@{h}"), h.clone()))
            .collect(),
    }
}

/// The feed's records of a stored program that are live now.
async fn live_keys(tx: &mut db::Tx, id: &str) -> Result<Vec<(String, String)>, ProvinceError> {
    Ok(match db::programs::one(tx, id).await? {
        Some(p) if p.withdrawn == 0 && p.all_halls == 1 => keys(id, None),
        Some(p) if p.withdrawn == 0 => keys(id, Some(&db::programs::halls_in(tx, id).await?)),
        _ => Vec::new(),
    })
}

/// Writes `withdrawn: true` onto the given records of the feed.
async fn withdraw_keys(
    s: &AppState,
    tx: &mut db::Tx,
    gone: &[(String, String)],
) -> Result<(), ProvinceError> {
    for (key, scope) in gone {
        let mut values = Map::new();
        values.insert("withdrawn".into(), Value::Bool(true));
        owned::put_in(s, tx, OwnedKind::Program, key, scope, values).await?;
    }
    Ok(())
}

/// The content checked: texts bounded, a file one that was uploaded, of the right kind
/// (its size and type taken from the upload).
async fn content_of(s: &AppState, c: ProgramContent) -> Result<ProgramContent, ProvinceError> {
    let bad_text = || {
        ProvinceError::invalid(
            format!("节目文字应为 1–{MAX_TEXT} 个字"),
            format!("A program's text is 1–{MAX_TEXT} characters"),
        )
    };
    let text_ok = |t: &str| {
        let n = t.trim().chars().count();
        n > 0 && n <= MAX_TEXT && !t.chars().any(|c| c.is_control() && c != '\n')
    };
    match c {
        ProgramContent::Notice { text } if text_ok(&text) => Ok(ProgramContent::Notice {
            text: text.trim().to_owned(),
        }),
        ProgramContent::Scroll { text } if text_ok(&text) && !text.contains('\n') => {
            Ok(ProgramContent::Scroll {
                text: text.trim().to_owned(),
            })
        }
        ProgramContent::Notice { .. } | ProgramContent::Scroll { .. } => Err(bad_text()),
        ProgramContent::Image { .. } | ProgramContent::Video { .. } => {
            let video = matches!(c, ProgramContent::Video { .. });
            let (ProgramContent::Image { asset } | ProgramContent::Video { asset }) = c else {
                return Err(bad_text());
            };
            let Some((mime, bytes)) = db::programs::asset(&s.pool, &asset.sha256).await? else {
                return Err(ProvinceError::new(
                    StatusCode::NOT_FOUND,
                    "no_asset",
                    "没有这个媒体文件，请先上传",
                    "There is no such media file; upload it first",
                ));
            };
            if mime.starts_with("video/") != video {
                return Err(ProvinceError::invalid(
                    "媒体文件类型与节目类型不符（图片节目用图片，视频节目用视频）",
                    "The file's type does not match the program's (image or video)",
                ));
            }
            let asset = ProgramAsset {
                sha256: asset.sha256,
                bytes: u64::try_from(bytes).unwrap_or(0),
                mime,
            };
            Ok(if video {
                ProgramContent::Video { asset }
            } else {
                ProgramContent::Image { asset }
            })
        }
    }
}

/// The hall codes a program is for: known halls, at most [`MAX_HALLS`], sorted, once each.
async fn halls_of(
    s: &AppState,
    halls: Option<Vec<String>>,
) -> Result<Option<Vec<String>>, ProvinceError> {
    let Some(halls) = halls else {
        return Ok(None);
    };
    let halls: BTreeSet<String> = halls.into_iter().collect();
    if halls.is_empty() || halls.len() > MAX_HALLS {
        return Err(ProvinceError::invalid(
            format!("目标营业厅应为 1–{MAX_HALLS} 个（全部营业厅请不填）"),
            format!("List 1–{MAX_HALLS} halls (leave it out for every hall)"),
        ));
    }
    for h in &halls {
        if h.len() > 32 || db::halls::name(&s.pool, h).await?.is_none() {
            return Err(ProvinceError::unknown_hall(&sync_proto::limits::shown(h)));
        }
    }
    Ok(Some(halls.into_iter().collect()))
}

/// `PUT /admin/v1/programs/{id}`: publishes a program, or replaces it (its content, schedule and halls).
async fn publish(
    State(s): State<AppState>,
    Path(id): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<PublishedProgram> {
    let req: PublishProgram = body(&bytes)?;
    let id = id_of(&id)?;
    let title = text("节目标题", &req.title, MAX_TITLE)?;
    if !SECONDS.contains(&req.seconds) {
        return Err(ProvinceError::invalid(
            "每次播放时长应为 5–600 秒",
            "Time on screen is 5–600 seconds",
        ));
    }
    let hours_ok = req.hours.is_none_or(|(a, b)| a < b && b <= 1440);
    let window_ok = req.from_ms >= 0
        && req.from_ms < req.until_ms
        && req.until_ms <= sync_proto::limits::MAX_WALL_MS;
    if !window_ok || !hours_ok || req.weekdays & 0x7f == 0 || req.weekdays > 0x7f {
        return Err(ProvinceError::invalid(
            "播放时段不正确：开始须早于结束，每日时段在 0–1440 分钟内，至少选一天",
            "The schedule is wrong: from before until, daily hours within 0–1440 minutes, at least one weekday",
        ));
    }
    let content = content_of(&s, req.content).await?;
    let halls = halls_of(&s, req.halls).await?;
    let record = ProgramRecord {
        id: id.clone(),
        title: title.clone(),
        content,
        seconds: req.seconds,
        from_ms: req.from_ms,
        until_ms: req.until_ms,
        hours: req.hours,
        weekdays: req.weekdays,
        priority: req.priority,
        withdrawn: false,
    };
    let text = serde_json::to_string(&record).map_err(ProvinceError::internal)?;
    let at = now_ms();
    let new_keys = keys(&id, halls.as_deref());
    let mut tx = s.pool.begin().await?;
    // What goes first, so a hall that moves from one record to another drops then takes it.
    let gone: Vec<_> = live_keys(&mut tx, &id)
        .await?
        .into_iter()
        .filter(|k| !new_keys.contains(k))
        .collect();
    withdraw_keys(&s, &mut tx, &gone).await?;
    for (key, scope) in &new_keys {
        owned::put_in(
            &s,
            &mut tx,
            OwnedKind::Program,
            key,
            scope,
            values_of(&record),
        )
        .await?;
    }
    let saved = Saved {
        id: &id,
        title: &title,
        kind: record.content.kind(),
        asset_sha256: record.content.asset().map(|a| a.sha256.as_str()),
        body: &text,
        halls: halls.as_deref(),
        at_ms: at,
    };
    db::programs::save(&mut tx, &saved).await?;
    tx.commit().await?;
    owned::fed(&s);
    Ok(Json(PublishedProgram {
        program: record,
        halls,
        updated_at_ms: at,
    }))
}

#[derive(Serialize)]
struct Withdrawn {
    id: String,
    withdrawn: bool,
}

/// `DELETE /admin/v1/programs/{id}`: withdraws a program from every hall's screens.
async fn withdraw(
    State(s): State<AppState>,
    Path(id): Path<String>,
    _: Maintainer,
) -> Answer<Withdrawn> {
    let id = id_of(&id)?;
    let mut tx = s.pool.begin().await?;
    let Some(row) = db::programs::one(&mut tx, &id).await? else {
        return Err(no_program(&id));
    };
    let gone = live_keys(&mut tx, &id).await?;
    withdraw_keys(&s, &mut tx, &gone).await?;
    let mut record: ProgramRecord =
        serde_json::from_str(&row.body).map_err(ProvinceError::internal)?;
    record.withdrawn = true;
    let text = serde_json::to_string(&record).map_err(ProvinceError::internal)?;
    db::programs::withdraw(&mut tx, &id, &text, now_ms()).await?;
    tx.commit().await?;
    owned::fed(&s);
    Ok(Json(Withdrawn {
        id,
        withdrawn: true,
    }))
}

/// `GET /admin/v1/programs`: every program (withdrawn ones too), by id.
async fn list(State(s): State<AppState>, _: Maintainer) -> Answer<Vec<PublishedProgram>> {
    let mut out = Vec::new();
    for row in db::programs::all(&s.pool).await? {
        let program: ProgramRecord =
            serde_json::from_str(&row.body).map_err(ProvinceError::internal)?;
        let halls = if row.all_halls == 1 {
            None
        } else {
            Some(db::programs::halls_of(&s.pool, &row.id).await?)
        };
        out.push(PublishedProgram {
            program,
            halls,
            updated_at_ms: row.updated_at_ms,
        });
    }
    Ok(Json(out))
}

/// A media type as uploaded: `image/…` or `video/…`, lowercase, at most 100 characters.
fn mime_of(headers: &HeaderMap) -> Result<String, ProvinceError> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .map(|m| {
            m.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let ok = (mime.starts_with("image/") || mime.starts_with("video/"))
        && mime.len() <= 100
        && mime.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'.' | b'+' | b'-')
        });
    ok.then_some(mime).ok_or_else(|| {
        ProvinceError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_media",
            "媒体文件须为图片或视频（Content-Type: image/… 或 video/…）",
            "A media file is an image or a video (Content-Type: image/… or video/…)",
        )
    })
}

/// `POST /admin/v1/programs/assets`: a media file (the body, its type in
/// `Content-Type`), kept once under its SHA-256; answered with the asset a
/// program names.
async fn upload(
    State(s): State<AppState>,
    _: Maintainer,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ProgramAsset>), ProvinceError> {
    let mime = mime_of(&headers)?;
    let dir = media_dir(&s);
    let part = receive(&dir, body, MAX_ASSET as u64).await?;
    let kept = async {
        if part.size == 0 {
            return Err(ProvinceError::invalid(
                "媒体文件是空的",
                "The file is empty",
            ));
        }
        let path = dir.join(&part.sha256);
        if !tokio::fs::try_exists(&path)
            .await
            .map_err(ProvinceError::internal)?
        {
            tokio::fs::rename(&part.path, &path)
                .await
                .map_err(ProvinceError::internal)?;
        }
        let size = i64::try_from(part.size).unwrap_or(i64::MAX);
        db::programs::add_asset(&s.pool, &part.sha256, &mime, size, now_ms()).await?;
        Ok(())
    }
    .await;
    let _ = tokio::fs::remove_file(&part.path).await;
    kept?;
    // The first upload of a digest decides its type and size.
    let (mime, bytes) = db::programs::asset(&s.pool, &part.sha256)
        .await?
        .ok_or_else(|| ProvinceError::internal("an asset vanished after its upload"))?;
    Ok((
        StatusCode::CREATED,
        Json(ProgramAsset {
            sha256: part.sha256,
            bytes: u64::try_from(bytes).unwrap_or(0),
            mime,
        }),
    ))
}

/// `GET /sync/v1/programs/assets/{sha256}`: a media file of a program meant for the caller's hall.
async fn download(
    State(s): State<AppState>,
    Path(sha): Path<String>,
    Hall(hall): Hall,
    req: Request,
) -> Result<Response, ProvinceError> {
    let not_here = || {
        ProvinceError::new(
            StatusCode::NOT_FOUND,
            "no_asset",
            "没有发给本营业厅的这个媒体文件",
            "No program for this hall shows that file",
        )
    };
    let digest_ok = sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !digest_ok {
        return Err(not_here());
    }
    let Some(mime) = db::programs::asset_for_hall(&s.pool, &sha, &hall).await? else {
        return Err(not_here());
    };
    let mime = HeaderValue::from_str(&mime).map_err(ProvinceError::internal)?;
    match ServeFile::new(media_dir(&s).join(&sha)).oneshot(req).await {
        Ok(r) if r.status().is_success() => {
            let mut r = r.into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, mime);
            Ok(r)
        }
        Ok(r) => Err(ProvinceError::internal(format!(
            "media file {sha}: {}",
            r.status()
        ))),
        Err(e) => Err(ProvinceError::internal(format!("media file {sha}: {e}"))),
    }
}
