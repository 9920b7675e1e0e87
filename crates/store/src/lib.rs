//! Local SQLite storage of a node: opening with durable settings, embedded migrations, accounts.
//!
//! Every write that is acknowledged to a person is committed with
//! `synchronous = FULL` in WAL mode first, so a power cut loses nothing
//! acknowledged.

pub mod accounts;
pub mod commands;
pub mod customers;
pub mod demo;
pub mod desk;
pub mod devices;
pub mod emergency;
pub mod hall;
pub mod owned;
pub mod programs;
pub mod tokens;
pub mod updates;
pub mod video;

use domain::HallCode;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error("this node has no hall configured")]
    NoHall,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The hall this node belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hall {
    pub code: HallCode,
    pub name: String,
}

/// A node's database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        Self::connect(opts, SqlitePoolOptions::new().max_connections(4)).await
    }

    /// A private in-memory database, for tests and tools.
    pub async fn open_in_memory() -> Result<Self> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection, never closed for being idle or old: the database
        // lives as long as that connection does.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
        Self::connect(opts, pool).await
    }

    async fn connect(opts: SqliteConnectOptions, pool: SqlitePoolOptions) -> Result<Self> {
        let pool = pool.connect_with(opts).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The hall this node serves, once one is configured.
    pub async fn this_hall(&self) -> Result<Hall> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT h.code, h.name FROM setting s JOIN hall h ON h.code = s.value
             WHERE s.key = 'this_hall'",
        )
        .fetch_optional(&self.pool)
        .await?;
        let (code, name) = row.ok_or(StoreError::NoHall)?;
        let code = HallCode::parse(&code)
            .map_err(|e| StoreError::Corrupt(format!("hall code {code:?}: {e:?}")))?;
        Ok(Hall { code, name })
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM setting WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
