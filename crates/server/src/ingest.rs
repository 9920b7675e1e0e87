//! `POST /sync/v1/upload` and `GET /sync/v1/status`: halls send their change logs up.

use crate::admin::AdminError;
use crate::edge::JsonBody;
use crate::{now_ms, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sync_proto::{check_upload, Hlc, Refusal, UploadBatch, UploadReply};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sync/v1/upload",
            post(upload).layer(DefaultBodyLimit::max(sync_proto::limits::MAX_UPLOAD_BYTES)),
        )
        .route("/sync/v1/status", get(status))
        .route("/sync/v1/pull", post(crate::owned::pull))
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The refusal of a request without a hall's valid token.
pub(crate) fn no_hall() -> AdminError {
    AdminError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "需要营业厅凭证",
        "A hall credential is required",
    )
}

/// The hall whose token the request carries.
pub(crate) async fn hall_of(s: &AppState, headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    sqlx::query_scalar("SELECT code FROM hall WHERE token_sha256 = $1")
        .bind(token_hash(token.trim()))
        .fetch_optional(&s.pool)
        .await
        .ok()
        .flatten()
}

/// Sorts like the timestamp itself.
fn hlc_key(h: &Hlc) -> String {
    format!("{:015}:{:010}:{}", h.wall_ms.max(0), h.counter, h.node)
}

type Answer = (StatusCode, Json<UploadReply>);

fn refuse(status: StatusCode, r: Refusal) -> Answer {
    (status, Json(UploadReply::Refused(r)))
}

async fn upload(State(s): State<AppState>, headers: HeaderMap, body: JsonBody) -> Answer {
    let Some(hall) = hall_of(&s, &headers).await else {
        return refuse(StatusCode::UNAUTHORIZED, Refusal::WrongHall);
    };
    let batch: UploadBatch = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                Refusal::Malformed {
                    reason: e.to_string(),
                },
            )
        }
    };
    // A hall uploads only its own log.
    if !sync_proto::origin_in_hall(&batch.origin, &hall) {
        return refuse(StatusCode::FORBIDDEN, Refusal::WrongHall);
    }
    // Two copies of a batch may race (a retry while the first is still being
    // stored): each claims the mark it read, and the loser looks again.
    for _ in 0..5 {
        let mark: Option<(String, i64)> =
            match sqlx::query_as("SELECT hall, applied_through FROM sync_origin WHERE origin = $1")
                .bind(&batch.origin)
                .fetch_optional(&s.pool)
                .await
            {
                Ok(m) => m,
                Err(e) => return internal(e),
            };
        let previous = match mark {
            Some((owner, _)) if owner != hall => {
                return refuse(StatusCode::FORBIDDEN, Refusal::WrongHall)
            }
            Some((_, through)) => Some(through.max(0) as u64),
            None => None,
        };
        let checked = {
            let clock = s.clock.lock().unwrap_or_else(|p| p.into_inner());
            check_upload(&batch, &hall, previous.unwrap_or(0), now_ms(), &clock)
        };
        let accepted = match checked {
            Ok(a) => a,
            Err(r) => {
                note_refusal(&s, &hall, &batch.origin, &r).await;
                return refuse(StatusCode::CONFLICT, r);
            }
        };
        // A change this version stores must have the fields it is stored by.
        if let Some(c) = accepted
            .apply
            .iter()
            .find(|c| c.kind == "ticket" && ticket_fields(&c.body).is_none())
        {
            let r = Refusal::Malformed {
                reason: format!("ticket change {} lacks id, no, business or state", c.seq),
            };
            note_refusal(&s, &hall, &batch.origin, &r).await;
            return refuse(StatusCode::CONFLICT, r);
        }
        match store(&s, &hall, &batch, previous, &accepted).await {
            Ok(true) => {
                return (
                    StatusCode::OK,
                    Json(UploadReply::Ack {
                        applied_through: accepted.applied_through,
                    }),
                )
            }
            Ok(false) => continue,
            Err(e) => return internal(e),
        }
    }
    internal("the mark kept moving under five attempts")
}

/// Logs a refusal and keeps it on the hall for the maintainers' view.
pub(crate) async fn note_refusal(s: &AppState, hall: &str, origin: &str, r: &Refusal) {
    eprintln!("province: refused an upload from {origin}: {r:?}");
    let text = serde_json::to_string(r).unwrap_or_default();
    let _ =
        sqlx::query("UPDATE hall SET last_refusal = $1, last_refusal_at_ms = $2 WHERE code = $3")
            .bind(text)
            .bind(now_ms())
            .bind(hall)
            .execute(&s.pool)
            .await;
}

fn internal(e: impl std::fmt::Display) -> Answer {
    eprintln!("province: internal error: {e}");
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        Refusal::Malformed {
            reason: "internal error; try again".into(),
        },
    )
}

/// The columns of a ticket snapshot: (id, no, business, state).
fn ticket_fields(body: &Value) -> Option<(i64, &str, &str, &str)> {
    let t = &body["ticket"];
    let id = t["id"].as_i64().filter(|id| *id >= 0)?;
    Some((
        id,
        t["no"].as_str()?,
        t["business"].as_str()?,
        t["state"]["state"].as_str()?,
    ))
}

/// Stores the new changes and the new mark in one transaction, if the mark is
/// still `previous` (`None`: no mark yet); `false` when another upload moved it first.
async fn store(
    s: &AppState,
    hall: &str,
    batch: &UploadBatch,
    previous: Option<u64>,
    accepted: &sync_proto::Accepted,
) -> Result<bool, sqlx::Error> {
    let origin = batch.origin.as_str();
    let now = now_ms();
    let mut tx = s.pool.begin().await?;
    // The mark first: its row lock orders racing uploads of one origin.
    let claimed = match previous {
        Some(old) => sqlx::query(
            "UPDATE sync_origin SET applied_through = $1, last_at_ms = $2,
               changes_applied = changes_applied + $3, reported_head = $4
             WHERE origin = $5 AND applied_through = $6",
        )
        .bind(accepted.applied_through as i64)
        .bind(now)
        .bind(accepted.apply.len() as i64)
        .bind(batch.head.max(accepted.applied_through) as i64)
        .bind(origin)
        .bind(old as i64)
        .execute(&mut *tx)
        .await?,
        None => sqlx::query(
            "INSERT INTO sync_origin (origin, hall, applied_through, last_at_ms, changes_applied, reported_head)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (origin) DO NOTHING",
        )
        .bind(origin)
        .bind(hall)
        .bind(accepted.applied_through as i64)
        .bind(now)
        .bind(accepted.apply.len() as i64)
        .bind(batch.head.max(accepted.applied_through) as i64)
        .execute(&mut *tx)
        .await?,
    };
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let mut fed = false;
    for c in &accepted.apply {
        let hlc = hlc_key(&c.hlc);
        match c.kind.as_str() {
            "ticket" => {
                // Checked before the transaction began.
                let Some((id, no, business, state)) = ticket_fields(&c.body) else {
                    continue;
                };
                sqlx::query(
                    "INSERT INTO ticket (hall, id, hlc, day, no, business, state, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, day = excluded.day, no = excluded.no,
                       business = excluded.business, state = excluded.state, body = excluded.body
                     WHERE ticket.hlc < excluded.hlc",
                )
                .bind(hall)
                .bind(id)
                .bind(&hlc)
                .bind(c.body["day"].as_i64().unwrap_or(0))
                .bind(no)
                .bind(business)
                .bind(state)
                .bind(c.body.to_string())
                .execute(&mut *tx)
                .await?;
            }
            "counter_event" => {
                sqlx::query("INSERT INTO counter_event (hall, key, hlc, body) VALUES ($1, $2, $3, $4) ON CONFLICT (hall, key) DO NOTHING")
                    .bind(hall)
                    .bind(&c.key)
                    .bind(&hlc)
                    .bind(c.body.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            sync_proto::owned::STAFF_PASSWORD => {
                let Some(hash) = c.body["password_hash"]
                    .as_str()
                    .filter(|h| h.starts_with("$argon2"))
                else {
                    continue;
                };
                let mut values = serde_json::Map::new();
                values.insert("password_hash".into(), hash.into());
                fed |= crate::owned::merge_from_hall(
                    &mut tx,
                    hall,
                    sync_proto::owned::STAFF,
                    &c.key,
                    values,
                    &c.hlc,
                )
                .await?;
            }
            "update_status" => {
                // A PC of this hall reporting on updating; other halls' PCs are not this hall's to report.
                let b = &c.body;
                let (Some(current), Some(state)) =
                    (b["current_version"].as_str(), b["state"].as_str())
                else {
                    continue;
                };
                if !sync_proto::origin_in_hall(&c.key, hall) {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO update_status (node, hall, current_version, offered, state, detail, at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (node) DO UPDATE SET current_version = excluded.current_version,
                       offered = excluded.offered, state = excluded.state, detail = excluded.detail, at_ms = excluded.at_ms
                     WHERE update_status.at_ms <= excluded.at_ms",
                )
                .bind(&c.key)
                .bind(hall)
                .bind(current)
                .bind(b["offered"].as_str())
                .bind(state)
                .bind(b["detail"].as_str())
                .bind(c.hlc.wall_ms)
                .execute(&mut *tx)
                .await?;
            }
            // A kind this version does not know yet: acknowledged (the version check guards meaning).
            _ => {}
        }
    }
    sqlx::query("UPDATE hall SET last_contact_ms = $1 WHERE code = $2")
        .bind(now)
        .bind(hall)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if fed {
        s.fed.notify_waiters();
    }
    Ok(true)
}

async fn status(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, AdminError> {
    let Some(hall) = hall_of(&s, &headers).await else {
        return Err(no_hall());
    };
    let rows: Vec<(String, i64, i64, i64)> =
        sqlx::query_as("SELECT origin, applied_through, last_at_ms, changes_applied FROM sync_origin WHERE hall = $1 ORDER BY origin")
            .bind(&hall)
            .fetch_all(&s.pool)
            .await?;
    Ok(Json(json!({
        "hall": hall,
        "origins": rows.into_iter().map(|(o, a, l, n)| json!({"origin": o, "applied_through": a, "last_at_ms": l, "changes_applied": n})).collect::<Vec<_>>()
    })))
}
