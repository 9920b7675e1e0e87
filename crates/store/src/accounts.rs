//! Staff accounts: sign-in with argon2-hashed passwords, the persisted throttle, password change.

use crate::{Result, Store, StoreError};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use domain::{HallCode, LoginThrottle, Password, Role, StaffName, StaffNo, ThrottleVerdict};
use std::sync::OnceLock;

/// A staff account as the rest of the node sees it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub staff_no: StaffNo,
    pub name: StaffName,
    pub role: Role,
    pub hall_code: HallCode,
}

/// Why a sign-in was refused. Unknown staff numbers and wrong passwords are
/// deliberately the same answer.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("staff number or password is wrong")]
    BadCredentials,
    #[error("account locked for {remaining_secs} s")]
    Locked { remaining_secs: u64 },
    /// The province deactivated the account (told only to someone who knows its password).
    #[error("account deactivated")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("current password is wrong")]
    WrongCurrent,
    #[error("new password equals the current one")]
    Unchanged,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    staff_no: String,
    name: String,
    role: String,
    hall_code: String,
    password_hash: String,
    failed_logins: i64,
    locked_until_ms: Option<i64>,
    active: bool,
}

impl StaffRow {
    fn account(&self) -> Result<Account> {
        let bad = |what: &str| StoreError::Corrupt(format!("staff {}: {what}", self.staff_no));
        Ok(Account {
            staff_no: StaffNo::parse(&self.staff_no).map_err(|_| bad("staff_no"))?,
            name: StaffName::parse(&self.name).map_err(|_| bad("name"))?,
            role: Role::parse(&self.role).map_err(|_| bad("role"))?,
            hall_code: HallCode::parse(&self.hall_code).map_err(|_| bad("hall_code"))?,
        })
    }

    fn throttle(&self) -> LoginThrottle {
        LoginThrottle {
            failures: u32::try_from(self.failed_logins).unwrap_or(u32::MAX),
            locked_until_ms: self.locked_until_ms,
        }
    }
}

/// Hashes a password with argon2id and a fresh random salt (PHC string).
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| StoreError::Hash(e.to_string()))?
}

fn hash_now(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Hash(e.to_string()))
}

async fn verify_password(password: String, phc: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| StoreError::Corrupt(format!("password hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| StoreError::Hash(e.to_string()))?
}

/// A hash nobody's password matches, verified for unknown staff numbers so
/// that they take as long as known ones.
fn decoy_hash() -> String {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY
        .get_or_init(|| hash_now("decoy password, never valid").unwrap_or_default())
        .clone()
}

impl Store {
    async fn staff_row(&self, staff_no: &StaffNo) -> Result<Option<StaffRow>> {
        Ok(sqlx::query_as(
            "SELECT staff_no, name, role, hall_code, password_hash, failed_logins, locked_until_ms, active
             FROM staff WHERE staff_no = ?",
        )
        .bind(staff_no.as_str())
        .fetch_optional(self.pool())
        .await?)
    }

    /// Checks a sign-in at `now_ms`, updating the throttle and the audit trail.
    pub async fn login(
        &self,
        staff_no: &StaffNo,
        password: &str,
        now_ms: i64,
    ) -> Result<Account, LoginError> {
        let Some(row) = self.staff_row(staff_no).await? else {
            let _ = verify_password(password.to_owned(), decoy_hash()).await;
            self.audit(staff_no, now_ms, "unknown_staff").await?;
            return Err(LoginError::BadCredentials);
        };
        let throttle = row.throttle();
        if let ThrottleVerdict::Locked { remaining_secs } = throttle.check(now_ms) {
            self.audit(staff_no, now_ms, "locked").await?;
            return Err(LoginError::Locked { remaining_secs });
        }
        let ok = verify_password(password.to_owned(), row.password_hash.clone()).await?;
        let (next, outcome) = if ok {
            (throttle.after_success(), "ok")
        } else {
            (throttle.after_failure(now_ms), "bad_password")
        };
        let mut tx = self.pool().begin().await.map_err(StoreError::from)?;
        sqlx::query("UPDATE staff SET failed_logins = ?, locked_until_ms = ? WHERE staff_no = ?")
            .bind(i64::from(next.failures))
            .bind(next.locked_until_ms)
            .bind(staff_no.as_str())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        sqlx::query("INSERT INTO login_event (staff_no, at_ms, outcome) VALUES (?, ?, ?)")
            .bind(staff_no.as_str())
            .bind(now_ms)
            .bind(outcome)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        tx.commit().await.map_err(StoreError::from)?;
        if !ok {
            return match next.check(now_ms) {
                ThrottleVerdict::Locked { remaining_secs } => {
                    Err(LoginError::Locked { remaining_secs })
                }
                ThrottleVerdict::Allowed => Err(LoginError::BadCredentials),
            };
        }
        if !row.active {
            return Err(LoginError::Disabled);
        }
        Ok(row.account()?)
    }

    async fn audit(&self, staff_no: &StaffNo, now_ms: i64, outcome: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_event (staff_no, at_ms, outcome) VALUES (?, ?, ?)")
            .bind(staff_no.as_str())
            .bind(now_ms)
            .bind(outcome)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Replaces the password of `staff_no` after checking the current one.
    /// `stamp` (a replication timestamp, JSON) versions the new password, and
    /// the change goes into the outbox in the same transaction, so the
    /// province learns of it.
    pub async fn change_password(
        &self,
        staff_no: &StaffNo,
        current: &str,
        new: &Password,
        now_ms: i64,
        stamp: &str,
    ) -> Result<(), ChangePasswordError> {
        let row = self
            .staff_row(staff_no)
            .await?
            .ok_or(ChangePasswordError::WrongCurrent)?;
        if !verify_password(current.to_owned(), row.password_hash).await? {
            return Err(ChangePasswordError::WrongCurrent);
        }
        if current == new.expose() {
            return Err(ChangePasswordError::Unchanged);
        }
        let hash = hash_password(new.expose().to_owned()).await?;
        let mut tx = self.pool().begin().await.map_err(StoreError::from)?;
        sqlx::query(
            "UPDATE staff SET password_hash = ?, password_changed_at_ms = ?, password_hlc = ?,
               password_by_upper = 0 WHERE staff_no = ?",
        )
        .bind(&hash)
        .bind(now_ms)
        .bind(stamp)
        .bind(staff_no.as_str())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        sqlx::query("INSERT INTO outbox (hlc, kind, key, body) VALUES (?, 'staff_password', ?, ?)")
            .bind(stamp)
            .bind(staff_no.as_str())
            // A PHC string has no character JSON would need to escape.
            .bind(format!(r#"{{"password_hash":"{hash}"}}"#))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Adds or replaces an account (provisioning), resetting its throttle.
    pub async fn put_account(&self, account: &Account, password: &str) -> Result<()> {
        let hash = hash_password(password.to_owned()).await?;
        let mut conn = self.pool().acquire().await?;
        insert_account(&mut conn, account, &hash).await
    }

    /// Accounts whose password was never changed since provisioning.
    pub async fn unchanged_password_accounts(&self) -> Result<Vec<StaffNo>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT staff_no FROM staff WHERE password_changed_at_ms IS NULL ORDER BY staff_no",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|s| StaffNo::parse(s).map_err(|_| StoreError::Corrupt(format!("staff_no {s:?}"))))
            .collect()
    }

    /// Sign-in outcomes recorded for `staff_no`, oldest first.
    pub async fn login_outcomes(&self, staff_no: &StaffNo) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT outcome FROM login_event WHERE staff_no = ? ORDER BY id")
                .bind(staff_no.as_str())
                .fetch_all(self.pool())
                .await?,
        )
    }
}

/// Upserts one account row with an already computed hash.
pub(crate) async fn insert_account(
    conn: &mut sqlx::SqliteConnection,
    account: &Account,
    hash: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO staff (staff_no, name, role, hall_code, password_hash)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (staff_no) DO UPDATE SET name = excluded.name, role = excluded.role,
           hall_code = excluded.hall_code, password_hash = excluded.password_hash,
           failed_logins = 0, locked_until_ms = NULL, password_changed_at_ms = NULL",
    )
    .bind(account.staff_no.as_str())
    .bind(account.name.as_str())
    .bind(account.role.code())
    .bind(account.hall_code.as_str())
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(())
}
