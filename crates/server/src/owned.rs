//! The data the province owns (staff, business types, priority classes, hall set-ups) and its feed.
//!
//! Every write takes the next feed cursor in the same transaction, so a hall
//! that pulls "everything after N" never misses a write and never gets one
//! twice at the same cursor. Writes merge field by field with
//! `sync_proto::owned::merge`, whether they come from a maintainer or, for
//! the fields a hall shares, from a hall's upload.

use crate::admin::AdminError;
use crate::edge::JsonBody;
use crate::{now_ms, AppState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{Map, Value};
use sqlx::{Any, Transaction};
use sync_proto::owned::{self, Fields};
use sync_proto::{check_pull, Hlc, OwnedRecord, PullReply, PullRequest, Refusal};

/// Records per pull page.
const PAGE: i64 = 500;
/// The longest a pull is held waiting for news.
const MAX_WAIT_MS: u64 = 25_000;

/// A record as stored: its scope and versioned fields (`None` when absent).
pub async fn load(
    tx: &mut Transaction<'static, Any>,
    kind: &str,
    key: &str,
) -> Result<Option<(String, Fields)>, sqlx::Error> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT scope, body FROM owned WHERE kind = $1 AND key = $2")
            .bind(kind)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(scope, body)| {
        let fields = body
            .and_then(|b| serde_json::from_str(&b).ok())
            .unwrap_or_default();
        (scope, fields)
    }))
}

/// Merges `incoming` into the stored record and, when anything changed,
/// stores it under the next feed cursor. Returns whether it changed.
pub async fn merge_in(
    tx: &mut Transaction<'static, Any>,
    kind: &str,
    key: &str,
    scope: &str,
    incoming: &Fields,
) -> Result<bool, sqlx::Error> {
    let stored = load(tx, kind, key)
        .await?
        .map(|(_, f)| f)
        .unwrap_or_default();
    let merged = owned::merge(kind, &stored, incoming);
    if merged == stored {
        return Ok(false);
    }
    let cursor: i64 =
        sqlx::query_scalar("UPDATE feed_seq SET last = last + 1 WHERE id = 1 RETURNING last")
            .fetch_one(&mut **tx)
            .await?;
    let hlc = owned::latest(&merged)
        .map(|h| serde_json::to_string(h).unwrap_or_default())
        .unwrap_or_default();
    let body = serde_json::to_string(&merged).unwrap_or_default();
    sqlx::query(
        "INSERT INTO owned (kind, key, scope, cursor, hlc, body) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, cursor = excluded.cursor,
           hlc = excluded.hlc, body = excluded.body",
    )
    .bind(kind)
    .bind(key)
    .bind(scope)
    .bind(cursor)
    .bind(hlc)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// A maintainer's write: `values` stamped by the province's clock (later than
/// every version the record has), merged in, committed. A record its halls
/// would refuse (beyond the bounds of `sync_proto::limits`) is not stored.
pub async fn put(
    s: &AppState,
    kind: &str,
    key: &str,
    scope: &str,
    values: Map<String, Value>,
) -> Result<bool, AdminError> {
    let mut tx = s.pool.begin().await?;
    let stored = load(&mut tx, kind, key).await?.map(|(_, f)| f);
    let hlc = {
        let mut clock = s.clock.lock().unwrap_or_else(|p| p.into_inner());
        let now = now_ms();
        if let Some(latest) = stored.as_ref().and_then(owned::latest) {
            let _ = clock.observe(latest, now);
        }
        clock.tick(now)
    };
    let incoming = owned::stamp(values, &hlc, true);
    let merged = owned::merge(kind, &stored.unwrap_or_default(), &incoming);
    let as_fed = OwnedRecord {
        cursor: 0,
        kind: kind.to_owned(),
        key: key.to_owned(),
        hlc: hlc.clone(),
        body: serde_json::to_value(&merged).ok(),
    };
    if let Err(r) = as_fed.check() {
        let why = match r {
            Refusal::InvalidRecord { reason, .. } => reason,
            other => format!("{other:?}"),
        };
        return Err(AdminError::invalid(
            format!("该记录超出同步到营业厅的限制，未保存：{why}"),
            format!("The record exceeds what halls accept; nothing was stored: {why}"),
        ));
    }
    let changed = merge_in(&mut tx, kind, key, scope, &incoming).await?;
    tx.commit().await?;
    if changed {
        s.fed.notify_waiters();
    }
    Ok(changed)
}

/// A hall's upload of a field it shares (a password changed at the hall):
/// merged only into a record that belongs to that hall.
pub async fn merge_from_hall(
    tx: &mut Transaction<'static, Any>,
    hall: &str,
    kind: &str,
    key: &str,
    values: Map<String, Value>,
    hlc: &Hlc,
) -> Result<bool, sqlx::Error> {
    match load(tx, kind, key).await? {
        Some((scope, _)) if scope == hall => {
            merge_in(tx, kind, key, hall, &owned::stamp(values, hlc, false)).await
        }
        _ => Ok(false),
    }
}

/// `POST /sync/v1/pull`: the next page of records meant for the caller's hall.
pub async fn pull(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: JsonBody,
) -> (StatusCode, Json<PullReply>) {
    let refuse = |status, r| (status, Json(PullReply::Refused(r)));
    let Some(hall) = crate::ingest::hall_of(&s, &headers).await else {
        return refuse(StatusCode::UNAUTHORIZED, Refusal::WrongHall);
    };
    let req: PullRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                Refusal::Malformed {
                    reason: e.to_string(),
                },
            )
        }
    };
    let checked = {
        let clock = s.clock.lock().unwrap_or_else(|p| p.into_inner());
        check_pull(&req, &hall, now_ms(), &clock)
    };
    if let Err(r) = checked {
        crate::ingest::note_refusal(&s, &hall, &req.node, &r).await;
        let status = match r {
            Refusal::WrongHall => StatusCode::FORBIDDEN,
            _ => StatusCode::CONFLICT,
        };
        return refuse(status, r);
    }
    let since = i64::try_from(req.since).unwrap_or(i64::MAX);
    let page = || {
        sqlx::query_as::<_, (i64, String, String, String, Option<String>)>(
            "SELECT cursor, kind, key, hlc, body FROM owned
             WHERE cursor > $1 AND (scope = $2 OR scope = '*') ORDER BY cursor LIMIT $3",
        )
        .bind(since)
        .bind(&hall)
        .bind(PAGE)
        .fetch_all(&s.pool)
    };
    // Listen before looking, so a write between the two is not missed.
    let fed = s.fed.notified();
    let mut rows = page().await;
    let closing = s.closing.load(std::sync::atomic::Ordering::SeqCst);
    if matches!(&rows, Ok(r) if r.is_empty()) && req.wait_ms > 0 && !closing {
        let wait = std::time::Duration::from_millis(req.wait_ms.min(MAX_WAIT_MS));
        if tokio::time::timeout(wait, fed).await.is_ok() {
            rows = page().await;
        }
    }
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("province: internal error: {e}");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                Refusal::Malformed {
                    reason: "internal error; try again".into(),
                },
            );
        }
    };
    let more = rows.len() as i64 == PAGE;
    let records: Vec<OwnedRecord> = rows
        .into_iter()
        .filter_map(|(cursor, kind, key, hlc, body)| {
            Some(OwnedRecord {
                cursor: u64::try_from(cursor).ok()?,
                kind,
                key,
                hlc: serde_json::from_str(&hlc).ok()?,
                body: body.and_then(|b| serde_json::from_str(&b).ok()),
            })
        })
        .collect();
    let next = records.last().map_or(req.since, |r| r.cursor);
    let _ = sqlx::query(
        "INSERT INTO feed_mark (node, hall, cursor, at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (node) DO UPDATE SET cursor = excluded.cursor, at_ms = excluded.at_ms",
    )
    .bind(&req.node)
    .bind(&hall)
    .bind(i64::try_from(req.since).unwrap_or(i64::MAX))
    .bind(now_ms())
    .execute(&s.pool)
    .await;
    (
        StatusCode::OK,
        Json(PullReply::Page {
            records,
            next,
            more,
        }),
    )
}
