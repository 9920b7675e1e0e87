//! What every request to the province meets around its handler: extractors whose rejections are `{code, message, message_en}`, the fallbacks for unknown routes and methods, and the panic guard.
//!
//! Handlers take `Path`, `JsonBody` and `RawBody` from here instead of
//! axum's, so a bad path segment, a body that is not JSON or too large, an
//! unknown address, a wrong method and a panic all answer like every other
//! refusal of the province.

use crate::error::ProvinceError;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;

/// A path parameter longer than this (in bytes, decoded) is refused.
pub const MAX_SEGMENT: usize = 128;
/// Request bodies larger than this are refused with 413, unless a route sets its own limit.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The edges of a router: unknown routes answer 404, known routes with
/// another method 405, and a handler that panics 500, each in the
/// province's error shape. Apply it after every route is added (the method
/// fallback reaches only the routes already there).
pub fn edges<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(CatchPanicLayer::custom(panicked))
}

async fn unknown_route() -> ProvinceError {
    ProvinceError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "没有这个接口，请检查请求地址",
        "There is no such endpoint; check the address",
    )
}

async fn wrong_method() -> ProvinceError {
    ProvinceError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "该接口不支持这种请求方法",
        "This endpoint does not accept that method",
    )
}

/// The answer for a handler that panicked: the cause goes to the log, not to the client.
fn panicked(cause: Box<dyn Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    ProvinceError::internal(format!("a request panicked: {what}")).into_response()
}

fn bad_path() -> ProvinceError {
    ProvinceError::new(
        StatusCode::BAD_REQUEST,
        "bad_path",
        "请求地址中的参数不正确",
        "A parameter in the address is not valid",
    )
}

/// Path parameters; a segment that does not parse or is too long answers 400 `bad_path`.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ProvinceError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ProvinceError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| bad_path())?;
        if raw.iter().any(|(_, v)| v.len() > MAX_SEGMENT) {
            return Err(bad_path());
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(bad_path()),
            Err(other) => Err(ProvinceError::internal(other.body_text())),
        }
    }
}

/// The body as bytes, whatever its type; too large answers 413 `payload_too_large`.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ProvinceError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ProvinceError> {
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(RawBody(b)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ProvinceError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "请求内容过大",
                "The request is too large",
            )),
            Err(_) => Err(ProvinceError::new(
                StatusCode::BAD_REQUEST,
                "bad_body",
                "请求内容未能完整读取",
                "The request body could not be read",
            )),
        }
    }
}

/// The bytes of a body declared as JSON (`Content-Type: application/json`,
/// or `application/…+json`); the handler parses it, so it can answer in its
/// own terms. Another type answers 415 `not_json`.
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ProvinceError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ProvinceError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v.split(';').next().unwrap_or_default().trim();
                let mime = mime.to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !json {
            return Err(ProvinceError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "not_json",
                "请求内容应为 JSON（Content-Type: application/json）",
                "The body must be JSON (Content-Type: application/json)",
            ));
        }
        RawBody::from_request(req, state)
            .await
            .map(|RawBody(b)| JsonBody(b))
    }
}

impl std::ops::Deref for RawBody {
    type Target = Bytes;
    fn deref(&self) -> &Bytes {
        &self.0
    }
}

impl std::ops::Deref for JsonBody {
    type Target = Bytes;
    fn deref(&self) -> &Bytes {
        &self.0
    }
}

impl AsRef<[u8]> for RawBody {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
