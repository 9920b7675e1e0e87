//! The province server: receives every hall's data over the replication protocol and keeps it queryable.
//!
//! Embedded default: a SQLite file; real deployments give a PostgreSQL URL.
//! The same portable SQL runs on both (sqlx `Any`). Halls upload what they
//! produce (`ingest`), pull what the province owns (`owned`), and maintainers
//! edit that data and watch every hall's link (`admin`).

mod admin;
mod edge;
mod ingest;
mod owned;
mod releases;
pub mod rollout;
pub mod secret;
mod signing;

/// The edges of the province's API (404, 405 and panics as `{code, message,
/// message_en}`), for tests that put them around a router of their own.
pub use edge::edges;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};
use sync_proto::HlcClock;
use tokio::sync::oneshot;

/// How far a hall's clock may be from the province's.
pub const CLOCK_TOLERANCE_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct Options {
    /// `sqlite://path?mode=rwc` or `postgres://…`.
    pub db_url: String,
    pub listen: SocketAddr,
    /// Where release artifacts are kept (files named by their SHA-256).
    pub release_dir: std::path::PathBuf,
    /// The release signing public key (base64, as the desktop's updater has
    /// it): when given, an artifact whose signature does not verify is refused.
    pub update_pubkey: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pool: AnyPool,
    clock: std::sync::Arc<std::sync::Mutex<HlcClock>>,
    /// Woken after every committed write of owned data (for long polls).
    fed: std::sync::Arc<tokio::sync::Notify>,
    /// Set when the server stops: held pulls answer at once.
    closing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    release_dir: std::path::PathBuf,
    update_pubkey: Option<String>,
}

pub struct Running {
    pub addr: SocketAddr,
    pub pool: AnyPool,
    stop: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    state: AppState,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.state
            .closing
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.state.fed.notify_waiters();
        let _ = (&mut self.server).await;
        self.pool.close().await;
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

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

pub async fn start(opts: Options) -> Result<Running, String> {
    let pool = connect(&opts.db_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let state = AppState {
        pool: pool.clone(),
        clock: std::sync::Arc::new(std::sync::Mutex::new(HlcClock::new(
            "province",
            CLOCK_TOLERANCE_MS,
        ))),
        fed: Default::default(),
        closing: Default::default(),
        release_dir: opts.release_dir.clone(),
        update_pubkey: opts.update_pubkey.clone(),
    };
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| format!("listen {}: {e}", opts.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let routes = ingest::router()
        .merge(admin::router())
        .merge(releases::router());
    let app = edges(routes)
        .layer(axum::extract::DefaultBodyLimit::max(edge::BODY_LIMIT))
        .with_state(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            eprintln!("province: server stopped: {e}");
        }
    });
    Ok(Running {
        addr,
        pool,
        stop: Some(stop),
        server,
        state,
    })
}

fn new_token() -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Registers a hall and returns its upload token (shown once, stored hashed).
pub async fn add_hall(pool: &AnyPool, code: &str, name: &str) -> Result<String, sqlx::Error> {
    let token = new_token()?;
    sqlx::query("INSERT INTO hall (code, name, token_sha256) VALUES ($1, $2, $3)")
        .bind(code)
        .bind(name)
        .bind(ingest::token_hash(&token))
        .execute(pool)
        .await?;
    Ok(token)
}

/// Registers a maintainer and returns their token for the admin API (shown once, stored hashed).
pub async fn add_maintainer(pool: &AnyPool, name: &str) -> Result<String, sqlx::Error> {
    let token = new_token()?;
    sqlx::query("INSERT INTO maintainer (name, token_sha256) VALUES ($1, $2)")
        .bind(name)
        .bind(ingest::token_hash(&token))
        .execute(pool)
        .await?;
    Ok(token)
}

/// How many tickets of `hall` the province holds.
pub async fn ticket_count(pool: &AnyPool, hall: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM ticket WHERE hall = $1")
        .bind(hall)
        .fetch_one(pool)
        .await
}
