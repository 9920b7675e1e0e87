//! The customer records as the province keeps them: households checked and stored under new versions, and the demo/benchmark data set generated straight into the database.

use crate::db::customers::AccountRow;
use crate::db::{self};
use customer::gen::{Generator, Household};
use customer::Day;
use sqlx::AnyPool;

/// Accounts written per transaction when generating or importing.
pub const BATCH: usize = 1_000;

/// Why households could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    #[error("{0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Stores `households` in one transaction, each under the next version.
pub async fn put(pool: &AnyPool, households: &[Household]) -> Result<(), PutError> {
    let bodies = households
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    let numbers: Vec<String> = households
        .iter()
        .map(|h| h.account.no.to_string())
        .collect();
    let cards: Vec<Option<String>> = households
        .iter()
        .map(|h| h.customer.id_card.as_ref().map(|c| c.as_str().to_owned()))
        .collect();
    let rows: Vec<AccountRow<'_>> = households
        .iter()
        .enumerate()
        .map(|(i, h)| AccountRow {
            account_no: &numbers[i],
            area: &h.account.area,
            name: &h.customer.name,
            id_card: cards[i].as_deref(),
            body: &bodies[i],
        })
        .collect();
    let mut tx = pool.begin().await?;
    db::customers::put(&mut tx, &rows).await?;
    tx.commit().await?;
    Ok(())
}

/// Generates `count` households of `area` (deterministic for `seed`) as of
/// `today` and stores them in batches; returns how many were stored.
pub async fn generate(
    pool: &AnyPool,
    area: &str,
    count: usize,
    seed: u64,
    today: Day,
) -> Result<usize, PutError> {
    let mut generator = Generator::new(seed, area, today).take(count);
    let mut stored = 0;
    loop {
        let batch: Vec<Household> = generator.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(stored);
        }
        put(pool, &batch).await?;
        stored += batch.len();
    }
}

/// How many accounts `area` has.
pub async fn count(pool: &AnyPool, area: &str) -> Result<i64, sqlx::Error> {
    db::customers::count(pool, area).await
}
