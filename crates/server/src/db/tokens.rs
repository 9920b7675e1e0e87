//! Halls and maintainers, and the tokens they are known by (stored only as SHA-256 hashes).

use sha2::{Digest, Sha256};
use sqlx::AnyPool;

/// A token as it is stored: the hex SHA-256 of its text.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// Registers a hall and returns its upload token (shown once, stored hashed).
pub async fn add_hall(pool: &AnyPool, code: &str, name: &str) -> Result<String, sqlx::Error> {
    let token = new_token()?;
    sqlx::query("INSERT INTO hall (code, name, token_sha256) VALUES ($1, $2, $3)")
        .bind(code)
        .bind(name)
        .bind(token_hash(&token))
        .execute(pool)
        .await?;
    Ok(token)
}

/// Registers a maintainer and returns their token (shown once, stored hashed).
pub async fn add_maintainer(pool: &AnyPool, name: &str) -> Result<String, sqlx::Error> {
    let token = new_token()?;
    sqlx::query("INSERT INTO maintainer (name, token_sha256) VALUES ($1, $2)")
        .bind(name)
        .bind(token_hash(&token))
        .execute(pool)
        .await?;
    Ok(token)
}

/// The code of the hall whose token this is.
pub async fn hall_of(pool: &AnyPool, token: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM hall WHERE token_sha256 = $1")
        .bind(token_hash(token))
        .fetch_optional(pool)
        .await
}

/// The name of the maintainer whose token this is.
pub async fn maintainer_of(pool: &AnyPool, token: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM maintainer WHERE token_sha256 = $1")
        .bind(token_hash(token))
        .fetch_optional(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tokens_name_their_hall_or_maintainer_and_are_kept_hashed() {
        for (pool, _dir) in crate::db::test::pools().await {
            let hall = add_hall(&pool, "H0101", "城东").await.unwrap();
            let admin = add_maintainer(&pool, "运维").await.unwrap();
            assert_eq!(hall.len(), 64);
            assert_eq!(
                hall_of(&pool, &hall).await.unwrap().as_deref(),
                Some("H0101")
            );
            assert_eq!(hall_of(&pool, &admin).await.unwrap(), None);
            assert_eq!(
                maintainer_of(&pool, &admin).await.unwrap().as_deref(),
                Some("运维")
            );
            assert_eq!(maintainer_of(&pool, &hall).await.unwrap(), None);
            let stored: String = sqlx::query_scalar("SELECT token_sha256 FROM hall")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(stored, token_hash(&hall));
            assert_ne!(stored, hall);
            assert!(add_hall(&pool, "H0101", "again").await.is_err());
        }
    }
}
