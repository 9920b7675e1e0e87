//! The HTTP client of a hall node: its address, the session's bearer token, and its answers.
//!
//! Every hall answer that is an error arrives as `{code, message}` and is
//! passed on as it is; a node that cannot be reached (or answers what is not
//! JSON of the expected shape) is `hall_unavailable`, never a stack trace.

use ipc::{ApiError, ErrorCode};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tracing::warn;

/// How long one call may take.
const TIMEOUT: Duration = Duration::from_secs(10);

pub(super) struct HallClient {
    base: String,
    http: reqwest::Client,
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    warn!(error = %e, "hall node unreachable");
    ApiError::new(ErrorCode::HallUnavailable)
}

impl HallClient {
    /// A client of the hall node at `base` (`http://host:port`, no trailing slash).
    pub fn new(base: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .unwrap_or_default();
        Self { base, http }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let req = self.http.request(method, format!("{}{path}", self.base));
        match token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<T, ApiError> {
        send(self.request(Method::GET, path, token)).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T, ApiError> {
        send(self.request(Method::POST, path, token).json(body)).await
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        send(self.request(Method::PUT, path, Some(token)).json(body)).await
    }

    /// A POST that may take up to `timeout` (a clip being made).
    pub async fn post_slow<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<T, ApiError> {
        send(
            self.request(Method::POST, path, Some(token))
                .json(body)
                .timeout(timeout),
        )
        .await
    }

    /// Saves what `path` answers into `file` as it arrives (no bearer: the address carries its grant).
    pub async fn download(
        &self,
        path: &str,
        file: &std::path::Path,
        timeout: Duration,
    ) -> Result<u64, ApiError> {
        use tokio::io::AsyncWriteExt;
        let mut resp = self
            .request(Method::GET, path, None)
            .timeout(timeout)
            .send()
            .await
            .map_err(unavailable)?;
        if !resp.status().is_success() {
            let bytes = resp.bytes().await.map_err(unavailable)?;
            return Err(serde_json::from_slice::<ApiError>(&bytes)
                .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal)));
        }
        let failed = |e: std::io::Error| {
            warn!(file = %file.display(), error = %e, "a download cannot be saved");
            ApiError::new(ErrorCode::ExportFailed)
        };
        let mut out = tokio::fs::File::create(file).await.map_err(failed)?;
        let mut n = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(unavailable)? {
            out.write_all(&chunk).await.map_err(failed)?;
            n += chunk.len() as u64;
        }
        out.flush().await.map_err(failed)?;
        Ok(n)
    }

    pub async fn delete<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
    ) -> Result<T, ApiError> {
        send(self.request(Method::DELETE, path, Some(token))).await
    }
}

async fn send<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, ApiError> {
    let resp = req.send().await.map_err(unavailable)?;
    let ok = resp.status().is_success();
    let bytes = resp.bytes().await.map_err(unavailable)?;
    if ok {
        return serde_json::from_slice(&bytes).map_err(unavailable);
    }
    Err(serde_json::from_slice::<ApiError>(&bytes)
        .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal)))
}
