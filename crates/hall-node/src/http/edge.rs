//! What every request meets around its handler: extractors whose rejections are `{code, message}` answers, the fallbacks for unknown routes and methods, and the panic guard.
//!
//! Handlers take `Path`, `Body`, `Query` and `Upgrade` from here instead of axum's, so
//! a bad path segment, a body that is not JSON or too large, or a missing
//! WebSocket handshake answers like every other refusal of the hall API.

use crate::error::HallError;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use ipc::ErrorCode;
use serde::de::DeserializeOwned;
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;

/// A path parameter longer than this (in bytes, decoded) is refused.
pub const MAX_SEGMENT: usize = 128;

/// The edges of a router: unknown routes answer 404, known routes with
/// another method 405, and a handler that panics 500, each as `{code, message}`.
/// Apply it after every route is added (the method fallback reaches only
/// the routes already there).
pub fn edges<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(CatchPanicLayer::custom(panicked))
}

async fn unknown_route() -> HallError {
    HallError::Input(StatusCode::NOT_FOUND, ErrorCode::NotFound)
}

async fn wrong_method() -> HallError {
    HallError::Input(StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
}

/// The answer for a handler that panicked: the cause goes to the log, not to the client.
fn panicked(cause: Box<dyn Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    HallError::Internal(format!("a request panicked: {what}")).into_response()
}

/// Path parameters; a segment that does not parse or is too long answers 400 `bad_path`.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = HallError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HallError> {
        let bad = || HallError::Input(StatusCode::BAD_REQUEST, ErrorCode::BadPath);
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| bad())?;
        if raw.iter().any(|(_, v)| v.len() > MAX_SEGMENT) {
            return Err(bad());
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(bad()),
            Err(other) => Err(HallError::internal(other.body_text())),
        }
    }
}

/// A JSON object body whose every rejection is a `{code, message}` answer
/// (every request body of the hall API is an object: an array or a bare
/// value is refused even where its items would fill the fields).
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = HallError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HallError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let essence = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        if !json {
            return Err(HallError::Input(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::NotJson,
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| match r.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    HallError::Input(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
                }
                status => HallError::Input(status, ErrorCode::BadRequest),
            })?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|&b| b != b'{') {
            return Err(HallError::Input(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadRequest,
            ));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(JsonRejection::JsonDataError(_)) => Err(HallError::Input(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadRequest,
            )),
            Err(r) => Err(HallError::Input(r.status(), ErrorCode::BadRequest)),
        }
    }
}

/// Query parameters; a query that does not parse answers 400 `bad_request`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = HallError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HallError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|_| HallError::Input(StatusCode::BAD_REQUEST, ErrorCode::BadRequest))
    }
}

/// A WebSocket handshake; a plain request answers `bad_request` with axum's status (400, 405, 426).
pub struct Upgrade(pub WebSocketUpgrade);

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = HallError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HallError> {
        WebSocketUpgrade::from_request_parts(parts, state)
            .await
            .map(Upgrade)
            .map_err(|r| HallError::Input(r.status(), ErrorCode::BadRequest))
    }
}
