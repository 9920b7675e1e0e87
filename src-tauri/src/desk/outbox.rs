//! The outbox of update reports: kept in the app's own database until a signed-in session has carried them to the hall.
//!
//! Reports go in the order they were made, one delivery round at a time, and
//! each leaves the outbox once the hall has accepted it (see `store::desk`).
//! The database (`desk.db` in the data dir) is opened on first use. Reports
//! an earlier version left in `update-reports.json` are taken over then.

use ipc::hall::UpdateReport;
use std::future::Future;
use std::path::{Path, PathBuf};
use store::{Store, StoreError};
use tokio::sync::{Mutex, OnceCell};
use tracing::{error, info, warn};

/// The app's own database, in its data dir.
pub const DESK_DB: &str = "desk.db";
/// Where versions before the database kept their undelivered reports.
const LEGACY_FILE: &str = "update-reports.json";
/// Reports read per query while delivering.
const BATCH: u32 = 50;

pub(super) struct Outbox {
    /// The data dir (`None`: in memory only).
    dir: Option<PathBuf>,
    store: OnceCell<Store>,
    /// One delivery at a time, so none is sent twice or dropped unsent.
    delivering: Mutex<()>,
}

impl Outbox {
    /// An outbox kept in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self::new(Some(dir.to_owned()))
    }

    /// An outbox that lasts as long as the app runs.
    pub fn in_memory() -> Self {
        Self::new(None)
    }

    fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            store: OnceCell::new(),
            delivering: Mutex::new(()),
        }
    }

    async fn store(&self) -> Result<&Store, StoreError> {
        self.store
            .get_or_try_init(|| async {
                let Some(dir) = &self.dir else {
                    return Store::open_in_memory().await;
                };
                let store = Store::open(&dir.join(DESK_DB)).await?;
                take_over_legacy(&store, dir).await;
                Ok(store)
            })
            .await
    }

    /// Queues `report` behind those waiting.
    pub async fn queue(&self, report: &UpdateReport) {
        let queued = match serde_json::to_string(report) {
            Ok(body) => match self.store().await {
                Ok(store) => store.desk_queue(&[body]).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(StoreError::Corrupt(e.to_string())),
        };
        if let Err(e) = queued {
            error!(error = %e, state = ?report.state, "an update report is not kept");
        }
    }

    /// Hands the waiting reports to `send` in order, removing each it
    /// delivers (`true`); the first it does not stops the round.
    pub async fn deliver<F, Fut>(&self, send: F)
    where
        F: Fn(UpdateReport) -> Fut,
        Fut: Future<Output = bool>,
    {
        let _one_at_a_time = self.delivering.lock().await;
        let store = match self.store().await {
            Ok(store) => store,
            Err(e) => return error!(error = %e, "the update reports cannot be read"),
        };
        loop {
            let waiting = match store.desk_waiting(BATCH).await {
                Ok(waiting) if !waiting.is_empty() => waiting,
                Ok(_) => return,
                Err(e) => return error!(error = %e, "the update reports cannot be read"),
            };
            for m in waiting {
                match serde_json::from_str::<UpdateReport>(&m.body) {
                    Ok(report) => {
                        if !send(report).await {
                            return; // keep the order: the rest goes next time
                        }
                    }
                    Err(e) => {
                        error!(seq = m.seq, error = %e, "an unreadable update report is dropped")
                    }
                }
                if let Err(e) = store.desk_delivered(m.seq).await {
                    return error!(seq = m.seq, error = %e, "a delivered update report stays queued");
                }
            }
        }
    }
}

/// Queues the reports an earlier version left in `dir`, then removes its file.
async fn take_over_legacy(store: &Store, dir: &Path) {
    let file = dir.join(LEGACY_FILE);
    let Ok(bytes) = std::fs::read(&file) else {
        return;
    };
    let reports: Vec<UpdateReport> = match serde_json::from_slice(&bytes) {
        Ok(reports) => reports,
        Err(e) => {
            return warn!(file = %file.display(), error = %e, "earlier update reports are unreadable; left as they are")
        }
    };
    let bodies: Result<Vec<String>, _> = reports.iter().map(serde_json::to_string).collect();
    let queued = match bodies {
        Ok(bodies) => store.desk_queue(&bodies).await,
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    };
    match queued {
        Ok(()) => {
            info!(count = reports.len(), "earlier update reports taken over");
            if let Err(e) = std::fs::remove_file(&file) {
                warn!(file = %file.display(), error = %e, "earlier update reports stay on disk");
            }
        }
        Err(e) => error!(error = %e, "earlier update reports are not taken over"),
    }
}
