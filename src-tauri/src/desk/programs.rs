//! The supervisor's view of the call displays' programs, and the hall's local notices, through the hall node.

use super::Desk;
use ipc::hall::Empty;
use ipc::programs::{NewNotice, Program, ScreensView};
use ipc::{ApiError, ErrorCode};

impl Desk {
    pub async fn screens(&self) -> Result<ScreensView, ApiError> {
        self.get("/api/v1/programs").await
    }

    pub async fn notice_add(&self, notice: NewNotice) -> Result<Program, ApiError> {
        self.post("/api/v1/programs", &notice).await
    }

    pub async fn notice_remove(&self, id: String) -> Result<Empty, ApiError> {
        // The id goes into the path: only a well-formed one may.
        let id = id.trim();
        let ok = !id.is_empty()
            && id.len() <= ipc::programs::MAX_ID
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(ApiError::new(ErrorCode::UnknownProgram));
        }
        let token = self.session.token()?;
        self.hall
            .delete(&format!("/api/v1/programs/{id}"), &token)
            .await
    }
}
