//! Writes to the data the province owns (staff, business types, priority classes, hall set-ups): stamped, merged field by field, bounded, fed down.
//!
//! Writes merge with `sync_proto::owned::merge`, whether they come from a
//! maintainer or, for the fields a hall shares, from a hall's upload; the
//! SQL is in `db::owned`.

use crate::db::{self, Tx};
use crate::error::ProvinceError;
use crate::{now_ms, AppState};
use serde_json::{Map, Value};
use sync_proto::owned::{self, OwnedKind};
use sync_proto::{Hlc, OwnedRecord, Refusal};

/// A maintainer's write: `values` stamped by the province's clock (later than
/// every version the record has), merged in, committed. A record its halls
/// would refuse (beyond the bounds of `sync_proto::limits`) is not stored.
pub async fn put(
    s: &AppState,
    kind: OwnedKind,
    key: &str,
    scope: &str,
    values: Map<String, Value>,
) -> Result<bool, ProvinceError> {
    let mut tx = s.pool.begin().await?;
    let changed = put_in(s, &mut tx, kind, key, scope, values).await?;
    tx.commit().await?;
    if changed {
        s.fed.notify_waiters();
    }
    Ok(changed)
}

/// [`put`] inside the caller's transaction: the caller commits, then wakes
/// the held pulls ([`fed`]) when anything changed.
pub async fn put_in(
    s: &AppState,
    tx: &mut Tx,
    kind: OwnedKind,
    key: &str,
    scope: &str,
    values: Map<String, Value>,
) -> Result<bool, ProvinceError> {
    let kind = kind.as_str();
    let stored = db::owned::load(tx, kind, key).await?.map(|(_, f)| f);
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
        return Err(ProvinceError::invalid(
            format!("该记录超出同步到营业厅的限制，未保存：{why}"),
            format!("The record exceeds what halls accept; nothing was stored: {why}"),
        ));
    }
    Ok(db::owned::merge_in(tx, kind, key, scope, &incoming).await?)
}

/// Wakes the pulls held waiting for news (after a commit of owned data).
pub fn fed(s: &AppState) {
    s.fed.notify_waiters();
}

/// A hall's upload of a field it shares (a password changed at the hall):
/// merged only into a record that belongs to that hall.
pub async fn merge_from_hall(
    tx: &mut Tx,
    hall: &str,
    kind: OwnedKind,
    key: &str,
    values: Map<String, Value>,
    hlc: &Hlc,
) -> Result<bool, sqlx::Error> {
    let kind = kind.as_str();
    match db::owned::load(tx, kind, key).await? {
        Some((scope, _)) if scope == hall => {
            db::owned::merge_in(tx, kind, key, hall, &owned::stamp(values, hlc, false)).await
        }
        _ => Ok(false),
    }
}
