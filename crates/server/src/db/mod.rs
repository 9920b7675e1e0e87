//! All of the province's SQL: one portable dialect that runs on SQLite and PostgreSQL (sqlx `Any`).
//!
//! Handlers and services call these functions and never write SQL
//! themselves. `tokens` covers halls and maintainers, `sync` what halls
//! upload, `devices` their device registries and alarms, `owned` the
//! records the province owns and feeds down, `releases` the releases and
//! their artifacts, `programs` the programs for the halls' screens and
//! their media files, `video` their video audit and evidence locks,
//! `emergency` the emergency plans, area outages and the halls' incidents,
//! `customers` the customer records (the system of record) by area.

pub mod customers;
pub mod devices;
pub mod emergency;
pub mod halls;
pub mod owned;
pub mod programs;
pub mod releases;
pub mod sync;
pub mod tokens;
pub mod video;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Opens the database (creating and migrating it) with durable settings.
pub async fn connect(db_url: &str) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let sqlite = db_url.starts_with("sqlite:");
    let pool = AnyPoolOptions::new()
        .max_connections(if sqlite { 4 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                }
                Ok(())
            })
        })
        .connect(db_url)
        .await?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
    Ok(pool)
}

/// Creates the PostgreSQL database `name` through the server at `admin_url`
/// (a URL of an existing database there) and returns the new database's URL.
pub async fn create_database(admin_url: &str, name: &str) -> Result<String, sqlx::Error> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(sqlx::Error::Configuration(
            format!("database name {name:?}: use lowercase letters, digits and _").into(),
        ));
    }
    let Some((server, _)) = admin_url.rsplit_once('/') else {
        return Err(sqlx::Error::Configuration(
            format!("{admin_url:?} names no database").into(),
        ));
    };
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(admin_url)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(format!("{server}/{name}"))
}

/// How many tickets of `hall` the province holds.
pub async fn ticket_count(pool: &AnyPool, hall: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM ticket WHERE hall = $1")
        .bind(hall)
        .fetch_one(pool)
        .await
}

#[cfg(test)]
pub(crate) mod test {
    //! Fresh, migrated databases per test: SQLite, and PostgreSQL when the
    //! test command started one (`YYT_TEST_PG_URL`, as `cargo xtask test` sets).

    pub async fn pools() -> Vec<(sqlx::AnyPool, tempfile::TempDir)> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
        let mut out = vec![(super::connect(&url).await.unwrap(), dir)];
        if let Ok(admin) = std::env::var("YYT_TEST_PG_URL") {
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("db_unit_{}_{}_{n}", std::process::id(), crate::now_ms());
            let url = super::create_database(&admin, &name).await.unwrap();
            out.push((
                super::connect(&url).await.unwrap(),
                tempfile::tempdir().unwrap(),
            ));
        }
        out
    }
}
