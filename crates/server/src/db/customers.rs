//! The province's customer records: one row per account (its household as JSON) under a version of the customer sequence, and the pages halls pull by area.

use super::Tx;
use sqlx::AnyPool;

/// An account as stored, ready to go: its version and its household (JSON).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredAccount {
    pub version: i64,
    pub body: String,
}

/// What one account's write stores.
#[derive(Debug, Clone)]
pub struct AccountRow<'a> {
    pub account_no: &'a str,
    pub area: &'a str,
    pub name: &'a str,
    pub id_card: Option<&'a str>,
    pub body: &'a str,
}

/// Stores the accounts (new or replacing), each under the next version.
pub async fn put(tx: &mut Tx, rows: &[AccountRow<'_>]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let n = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let last: i64 =
        sqlx::query_scalar("UPDATE customer_seq SET last = last + $1 WHERE id = 1 RETURNING last")
            .bind(n)
            .fetch_one(&mut **tx)
            .await?;
    for (i, row) in rows.iter().enumerate() {
        let version = last - n + 1 + i64::try_from(i).unwrap_or(0);
        sqlx::query(
            "INSERT INTO customer_account (account_no, area, version, name, id_card, body)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account_no) DO UPDATE SET area = excluded.area,
               version = excluded.version, name = excluded.name,
               id_card = excluded.id_card, body = excluded.body",
        )
        .bind(row.account_no)
        .bind(row.area)
        .bind(version)
        .bind(row.name)
        .bind(row.id_card)
        .bind(row.body)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The accounts of `area` changed after `since`, oldest change first, at most `limit`.
pub async fn page(
    pool: &AnyPool,
    area: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<StoredAccount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, body FROM customer_account
         WHERE area = $1 AND version > $2 ORDER BY version LIMIT $3",
    )
    .bind(area)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// One account by its number.
pub async fn account(
    pool: &AnyPool,
    account_no: &str,
) -> Result<Option<StoredAccount>, sqlx::Error> {
    sqlx::query_as("SELECT version, body FROM customer_account WHERE account_no = $1")
        .bind(account_no)
        .fetch_optional(pool)
        .await
}

/// How many accounts `area` has.
pub async fn count(pool: &AnyPool, area: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM customer_account WHERE area = $1")
        .bind(area)
        .fetch_one(pool)
        .await
}
