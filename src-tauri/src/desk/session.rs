//! The signed-in session: who it is, their token, and the task following the hall's live events for them.

use ipc::{ApiError, ErrorCode, SessionView};
use std::sync::{Mutex, MutexGuard};
use tokio::task::JoinHandle;

struct Signed {
    view: SessionView,
    token: String,
    events: JoinHandle<()>,
}

/// At most one signed-in account at a time.
#[derive(Default)]
pub(super) struct Session(Mutex<Option<Signed>>);

impl Session {
    fn lock(&self) -> MutexGuard<'_, Option<Signed>> {
        // A poisoned lock only means another command panicked mid-write of an Option.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The signed-in account's token (`not_signed_in` without one).
    pub fn token(&self) -> Result<String, ApiError> {
        self.lock()
            .as_ref()
            .map(|s| s.token.clone())
            .ok_or(ApiError::new(ErrorCode::NotSignedIn))
    }

    pub fn view(&self) -> Option<SessionView> {
        self.lock().as_ref().map(|s| s.view.clone())
    }

    /// Signs `view` in with its token and events task, ending the session before it.
    pub fn begin(&self, view: SessionView, token: String, events: JoinHandle<()>) {
        let old = self.lock().replace(Signed {
            view,
            token,
            events,
        });
        if let Some(old) = old {
            old.events.abort();
        }
    }

    /// Ends the session, if any; returns its token (for the hall to forget).
    pub fn end(&self) -> Option<String> {
        let old = self.lock().take()?;
        old.events.abort();
        Some(old.token)
    }
}
