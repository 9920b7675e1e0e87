//! Who is calling: the bearer token of a request, and the extractors for a hall and for a maintainer.
//!
//! `Hall` rejects with 401 `unauthorized` in the province's error shape; the
//! replication routes take `Result<Hall, NoHall>` and answer in the
//! protocol's own terms instead.

use crate::db;
use crate::error::ProvinceError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

/// The token of `Authorization: Bearer <token>`, trimmed; `None` when absent or empty.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A request with a hall's valid token: the hall's code.
#[derive(Debug, Clone)]
pub struct Hall(pub String);

/// The refusal of a request without a hall's valid token (or whose lookup failed).
#[derive(Debug)]
pub enum NoHall {
    Unknown,
    Failed(sqlx::Error),
}

impl IntoResponse for NoHall {
    fn into_response(self) -> Response {
        match self {
            NoHall::Unknown => ProvinceError::no_hall(),
            NoHall::Failed(e) => ProvinceError::from(e),
        }
        .into_response()
    }
}

impl FromRequestParts<AppState> for Hall {
    type Rejection = NoHall;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, NoHall> {
        let token = bearer(&parts.headers).ok_or(NoHall::Unknown)?;
        match db::tokens::hall_of(&s.pool, token).await {
            Ok(Some(code)) => Ok(Hall(code)),
            Ok(None) => Err(NoHall::Unknown),
            Err(e) => Err(NoHall::Failed(e)),
        }
    }
}

/// A request with a maintainer's valid token: the maintainer's name.
#[derive(Debug, Clone)]
pub struct Maintainer(#[allow(dead_code)] pub String);

impl FromRequestParts<AppState> for Maintainer {
    type Rejection = ProvinceError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ProvinceError> {
        let token = bearer(&parts.headers).ok_or_else(ProvinceError::no_maintainer)?;
        db::tokens::maintainer_of(&s.pool, token)
            .await?
            .map(Maintainer)
            .ok_or_else(ProvinceError::no_maintainer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_is_read_trimmed_and_only_from_its_header() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, v.parse().unwrap());
            h
        };
        assert_eq!(bearer(&with("Bearer abc ")), Some("abc"));
        assert_eq!(bearer(&with("Bearer  ")), None);
        assert_eq!(bearer(&with("Basic abc")), None);
        assert_eq!(bearer(&with("bearer abc")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
