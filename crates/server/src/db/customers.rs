//! The province's customer records: one row per account (its household as JSON) under a version of the customer sequence, the pages halls pull by area, and the halls' audit of who looked at whom.

use super::Tx;
use sqlx::AnyPool;
use sync_proto::customers::CustomerAccessLine;

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

/// One line of a hall's customer audit, as the hall sent it.
#[derive(Debug, Clone)]
pub struct AccessRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    pub hlc: &'a str,
    pub at_ms: i64,
    pub by_staff: &'a str,
    pub what: &'a str,
    pub account: Option<&'a str>,
    pub body: &'a str,
}

/// Stores a line of a hall's customer audit once (a replay changes nothing).
pub async fn put_access(tx: &mut Tx, a: &AccessRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hall_customer_access (hall, id, hlc, at_ms, by_staff, what, account, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (hall, id) DO NOTHING",
    )
    .bind(a.hall)
    .bind(a.id)
    .bind(a.hlc)
    .bind(a.at_ms)
    .bind(a.by_staff)
    .bind(a.what)
    .bind(a.account)
    .bind(a.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `hall`'s customer audit, newest first, at most `limit`; only `account`'s when given.
pub async fn accesses(
    pool: &AnyPool,
    hall: &str,
    account: Option<&str>,
    limit: u32,
) -> Result<Vec<CustomerAccessLine>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, at_ms, by_staff, what, account FROM hall_customer_access
         WHERE hall = $1 AND ($2 = '' OR account = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(hall)
    .bind(account.unwrap_or(""))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at_ms, by_staff, what, account)| CustomerAccessLine {
            id,
            at_ms,
            by_staff,
            what,
            account,
        })
        .collect())
}
