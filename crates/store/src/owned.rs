//! What the province owns, as this hall received it: the records, the accounts made from them, the feed cursor.
//!
//! The store keeps bodies as the JSON texts it is given; what they mean and
//! how versions merge is the replication code's business.

use crate::{Result, Store};
use domain::StaffNo;

/// One record of the province's feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRecord {
    pub kind: String,
    pub key: String,
    /// `None` once deleted.
    pub body: Option<String>,
}

/// An account as the merged province record says it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUpdate {
    pub staff_no: StaffNo,
    pub name: String,
    pub role: String,
    pub hall_code: String,
    pub active: bool,
    pub password_hash: String,
    /// When and where the password was set (a timestamp, JSON).
    pub password_hlc: String,
    pub password_by_upper: bool,
}

/// An account's password as replication versions it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordVersion {
    pub hash: String,
    /// `None` when it was provisioned here before replication.
    pub hlc: Option<String>,
    pub by_upper: bool,
}

impl Store {
    /// Stores a page of the feed, the accounts it changes, the hall's name and
    /// the new cursor (kept as `peer`'s mark), in one transaction.
    pub async fn apply_feed(
        &self,
        peer: &str,
        cursor: u64,
        records: &[FeedRecord],
        staff: &[StaffUpdate],
        hall_name: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for r in records {
            sqlx::query(
                "INSERT INTO owned (kind, key, body) VALUES (?, ?, ?)
                 ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            )
            .bind(&r.kind)
            .bind(&r.key)
            .bind(&r.body)
            .execute(&mut *tx)
            .await?;
        }
        for s in staff {
            // A new password (reset at the province, or set at the hall) clears the throttle;
            // one reset by a maintainer counts as not yet changed by its owner.
            sqlx::query(
                "INSERT INTO staff (staff_no, name, role, hall_code, password_hash, active, password_hlc, password_by_upper)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (staff_no) DO UPDATE SET name = excluded.name, role = excluded.role,
                   hall_code = excluded.hall_code, active = excluded.active,
                   failed_logins = CASE WHEN staff.password_hash = excluded.password_hash THEN staff.failed_logins ELSE 0 END,
                   locked_until_ms = CASE WHEN staff.password_hash = excluded.password_hash THEN staff.locked_until_ms ELSE NULL END,
                   password_changed_at_ms = CASE WHEN staff.password_hash = excluded.password_hash THEN staff.password_changed_at_ms
                     WHEN excluded.password_by_upper = 1 THEN NULL ELSE staff.password_changed_at_ms END,
                   password_hash = excluded.password_hash, password_hlc = excluded.password_hlc,
                   password_by_upper = excluded.password_by_upper",
            )
            .bind(s.staff_no.as_str())
            .bind(&s.name)
            .bind(&s.role)
            .bind(&s.hall_code)
            .bind(&s.password_hash)
            .bind(s.active)
            .bind(&s.password_hlc)
            .bind(s.password_by_upper)
            .execute(&mut *tx)
            .await?;
            if !s.active {
                sqlx::query("DELETE FROM staff_session WHERE staff_no = ?")
                    .bind(s.staff_no.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(name) = hall_name {
            sqlx::query("UPDATE hall SET name = ?")
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO sync_mark (peer, acked_through) VALUES (?, ?)
             ON CONFLICT (peer) DO UPDATE SET acked_through = excluded.acked_through",
        )
        .bind(peer)
        .bind(i64::try_from(cursor).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live records of `kind` the province sent: (key, body).
    pub async fn owned(&self, kind: &str) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT key, body FROM owned WHERE kind = ? AND body IS NOT NULL ORDER BY key",
        )
        .bind(kind)
        .fetch_all(self.pool())
        .await?)
    }

    /// How `staff_no`'s password is versioned here, if the account exists.
    pub async fn password_version(&self, staff_no: &StaffNo) -> Result<Option<PasswordVersion>> {
        let row: Option<(String, Option<String>, bool)> = sqlx::query_as(
            "SELECT password_hash, password_hlc, password_by_upper FROM staff WHERE staff_no = ?",
        )
        .bind(staff_no.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(hash, hlc, by_upper)| PasswordVersion {
            hash,
            hlc,
            by_upper,
        }))
    }
}
