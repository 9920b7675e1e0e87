//! The hall API: one module per resource, each with its `router()`, and the JSON body extractor.

mod board;
mod counters;
mod devices;
mod events;
mod pages;
mod sessions;
mod tickets;
mod updates;

pub use updates::Offer;

use crate::error::HallError;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::StatusCode;
use axum::Router;
use ipc::ErrorCode;
use serde::de::DeserializeOwned;

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 16 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(sessions::router())
        .merge(tickets::router())
        .merge(counters::router())
        .merge(devices::router())
        .merge(board::router())
        .merge(events::router())
        .merge(pages::router())
        .merge(updates::router())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// A JSON body whose every rejection is a `{code, message}` answer.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = HallError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HallError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(match rejection {
                JsonRejection::BytesRejection(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    HallError::Input(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
                }
                JsonRejection::JsonDataError(_) => {
                    HallError::Input(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadRequest)
                }
                r => HallError::Input(r.status(), ErrorCode::BadRequest),
            }),
        }
    }
}
