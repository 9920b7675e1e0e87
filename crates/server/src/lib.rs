//! The province server: receives every hall's data over the replication protocol and keeps it queryable.
//!
//! Embedded default: a SQLite file; real deployments give a PostgreSQL URL.
//! The same portable SQL runs on both (sqlx `Any`). Halls upload what they
//! produce (`ingest`), pull what the province owns (`owned`), and maintainers
//! edit that data and watch every hall's link; `http` holds the routes, `db`
//! all the SQL, `error` the one refusal shape.

pub mod customers;
mod db;
mod error;
mod http;
mod ingest;
mod owned;
pub mod rollout;
pub mod secret;
mod signing;

/// The edges of the province's API (404, 405 and panics as `{code, message,
/// message_en}`), for tests that put them around a router of their own.
pub use http::edges;

pub use db::tokens::{add_hall, add_maintainer};
pub use db::{connect, create_database, ticket_count};

use sqlx::AnyPool;
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
    let app = http::router().with_state(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "the server stopped");
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
