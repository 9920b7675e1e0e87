//! The supervisor's video through the hall node: cameras, watching (the player's addresses made absolute), footage around an event, clips saved on this PC, evidence locks and the audit.

use super::Desk;
use ipc::devices::DeviceId;
use ipc::video::{
    AccessQuery, AccessRecord, Around, AroundRequest, CameraView, Clip, EvidenceLock,
    ExportRequest, LockRequest, SavedClip, SetCameraAct, UnlockAct, UnlockRequest, VideoView,
    Watch, WatchRequest,
};
use ipc::{ApiError, ErrorCode};
use std::path::Path;
use std::time::Duration;

/// How long a clip may take to make, and to fetch.
const CLIP_TIMEOUT: Duration = Duration::from_secs(300);

fn camera_id(raw: &str) -> Result<DeviceId, ApiError> {
    DeviceId::parse(raw.trim()).map_err(|_| ApiError::new(ErrorCode::DeviceIdInvalid))
}

impl Desk {
    pub async fn video_cameras(&self) -> Result<VideoView, ApiError> {
        self.get("/api/v1/video/cameras").await
    }

    pub async fn video_setup(&self, act: SetCameraAct) -> Result<CameraView, ApiError> {
        let id = camera_id(&act.camera)?;
        let token = self.session.token()?;
        self.hall
            .put(&format!("/api/v1/video/cameras/{id}"), &token, &act.setup)
            .await
    }

    /// A grant to watch; the player's addresses come back absolute (the window loads them from the hall node).
    pub async fn video_watch(&self, req: WatchRequest) -> Result<Watch, ApiError> {
        let mut watch: Watch = self.post("/api/v1/video/watch", &req).await?;
        let base = self.hall.base();
        watch.playlist = format!("{base}{}", watch.playlist);
        watch.mjpeg = watch.mjpeg.map(|m| format!("{base}{m}"));
        Ok(watch)
    }

    pub async fn video_around(&self, req: AroundRequest) -> Result<Around, ApiError> {
        self.post("/api/v1/video/around", &req).await
    }

    /// Makes the clip at the hall node and saves it into `dir` (made if missing).
    pub async fn video_export(
        &self,
        req: ExportRequest,
        dir: &Path,
    ) -> Result<SavedClip, ApiError> {
        let token = self.session.token()?;
        let clip: Clip = self
            .hall
            .post_slow("/api/v1/video/export", &token, &req, CLIP_TIMEOUT)
            .await?;
        let refused = |e: std::io::Error| {
            tracing::warn!(dir = %dir.display(), error = %e, "the clips' folder cannot be made");
            ApiError::new(ErrorCode::ExportFailed)
        };
        tokio::fs::create_dir_all(dir).await.map_err(refused)?;
        // The hall's name for it, kept to letters, digits, '-' and '.'.
        let name: String = clip
            .file_name
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .collect();
        let path = dir.join(if name.is_empty() {
            "clip.mp4".into()
        } else {
            name
        });
        let bytes = self.hall.download(&clip.url, &path, CLIP_TIMEOUT).await?;
        tracing::info!(file = %path.display(), bytes, "a clip was saved");
        Ok(SavedClip {
            path: path.display().to_string(),
            bytes,
            range: clip.range,
            missing_ms: clip.missing_ms,
        })
    }

    pub async fn video_locks(&self) -> Result<Vec<EvidenceLock>, ApiError> {
        self.get("/api/v1/video/locks").await
    }

    pub async fn video_lock(&self, req: LockRequest) -> Result<EvidenceLock, ApiError> {
        self.post("/api/v1/video/locks", &req).await
    }

    pub async fn video_unlock(&self, act: UnlockAct) -> Result<EvidenceLock, ApiError> {
        let body = UnlockRequest { reason: act.reason };
        self.post(&format!("/api/v1/video/locks/{}/unlock", act.id), &body)
            .await
    }

    pub async fn video_access(&self, q: AccessQuery) -> Result<Vec<AccessRecord>, ApiError> {
        let mut path = String::from("/api/v1/video/access?");
        if let Some(camera) = q.camera.as_deref() {
            path.push_str(&format!("camera={}&", camera_id(camera)?));
        }
        if let Some(limit) = q.limit {
            path.push_str(&format!("limit={limit}"));
        }
        self.get(path.trim_end_matches(['&', '?'])).await
    }
}
