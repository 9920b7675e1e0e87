//! The halls as maintainers see them: names, channels, last contact and refusal, and what each holds and pulled.

use sqlx::AnyPool;
use std::collections::HashMap;

/// A hall's name, if it exists.
pub async fn name(pool: &AnyPool, code: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM hall WHERE code = $1")
        .bind(code)
        .fetch_optional(pool)
        .await
}

/// A hall's release channel (`pilot` or `all`).
pub async fn channel(pool: &AnyPool, code: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT channel FROM hall WHERE code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
}

/// Sets a hall's release channel; `false` when there is no such hall.
pub async fn set_channel(pool: &AnyPool, code: &str, channel: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE hall SET channel = $1 WHERE code = $2")
        .bind(channel)
        .bind(code)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One hall as listed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HallRow {
    pub code: String,
    pub name: String,
    pub last_contact_ms: Option<i64>,
    /// A `sync_proto::Refusal` as JSON.
    pub last_refusal: Option<String>,
    pub last_refusal_at_ms: Option<i64>,
}

/// Every hall, by code.
pub async fn all(pool: &AnyPool) -> Result<Vec<HallRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, name, last_contact_ms, last_refusal, last_refusal_at_ms FROM hall ORDER BY code",
    )
    .fetch_all(pool)
    .await
}

/// The furthest feed cursor any node of each hall pulled from.
pub async fn pulled(pool: &AnyPool) -> Result<HashMap<String, i64>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, (String, i64)>("SELECT hall, MAX(cursor) FROM feed_mark GROUP BY hall")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect(),
    )
}

/// How many tickets the province holds of each hall.
pub async fn tickets(pool: &AnyPool) -> Result<HashMap<String, i64>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, (String, i64)>("SELECT hall, COUNT(*) FROM ticket GROUP BY hall")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{sync, test, tokens};

    #[tokio::test]
    async fn halls_list_with_their_channel_pulls_and_tickets() {
        for (pool, _dir) in test::pools().await {
            tokens::add_hall(&pool, "H0202", "城西").await.unwrap();
            tokens::add_hall(&pool, "H0101", "城东").await.unwrap();
            assert_eq!(name(&pool, "H0101").await.unwrap().as_deref(), Some("城东"));
            assert_eq!(name(&pool, "H9999").await.unwrap(), None);
            assert_eq!(channel(&pool, "H0101").await.unwrap(), "all");
            assert!(set_channel(&pool, "H0101", "pilot").await.unwrap());
            assert!(!set_channel(&pool, "H9999", "pilot").await.unwrap());
            assert_eq!(channel(&pool, "H0101").await.unwrap(), "pilot");
            let listed: Vec<String> = all(&pool)
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.code)
                .collect();
            assert_eq!(listed, ["H0101", "H0202"]);
            sync::note_pull(&pool, "hall:H0101", "H0101", 3, 1)
                .await
                .unwrap();
            sync::note_pull(&pool, "hall:H0101/pc", "H0101", 7, 1)
                .await
                .unwrap();
            assert_eq!(pulled(&pool).await.unwrap().get("H0101"), Some(&7));
            assert!(tickets(&pool).await.unwrap().is_empty());
        }
    }
}
