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
