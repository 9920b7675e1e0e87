//! The province's HTTP API: one module per resource, the extractors for who calls (`auth`), and the edges every request meets (`edge`).
//!
//! - `sync`: `/sync/v1/upload`, `/pull`, `/status` (hall token);
//! - `updates`: `/sync/v1/updates/offer` and the artifacts (hall token);
//! - `halls`, `devices`, `video`, `staff`, `catalogue`, `releases`: `/admin/v1/…` (maintainer token);
//! - `programs`: `/admin/v1/programs…` (maintainer token) and a program's media file for a hall (hall token);
//! - `plans`: `/admin/v1/plans…` and `/admin/v1/outages…` (maintainer token);
//! - `incidents`: every hall's incidents (maintainer token) and `/sync/v1/nearby` (hall token);
//! - `customers`: a hall's area of customer records and one account (hall token), one account (maintainer token).

mod auth;
mod catalogue;
mod customers;
mod devices;
pub mod edge;
mod halls;
mod incidents;
mod plans;
mod programs;
mod releases;
mod staff;
mod sync;
mod updates;
mod video;

use crate::error::ProvinceError;
use crate::AppState;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use edge::edges;

/// Every route of the province, inside its edges.
pub fn router() -> Router<AppState> {
    let routes = sync::router()
        .merge(updates::router())
        .merge(halls::router())
        .merge(devices::router())
        .merge(video::router())
        .merge(staff::router())
        .merge(catalogue::router())
        .merge(releases::router())
        .merge(programs::router())
        .merge(plans::router())
        .merge(incidents::router())
        .merge(customers::router());
    edges(routes)
        .layer(axum::extract::DefaultBodyLimit::max(edge::BODY_LIMIT))
        // A span per request, so every line logged while answering it names the request.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
            ),
        )
}

/// A body parsed as the call's input; 400 `bad_body` when it does not.
fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProvinceError> {
    serde_json::from_slice(bytes).map_err(ProvinceError::bad_body)
}

/// A trimmed text of 1–`max` characters without control characters.
fn text(field: &str, value: &str, max: usize) -> Result<String, ProvinceError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(ProvinceError::invalid(
            format!("{field} 不能为空，且不超过 {max} 个字"),
            format!("{field} must be 1–{max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// The answer of a write to owned data.
#[derive(Serialize)]
struct Saved {
    /// `false` when the write equalled what was stored.
    changed: bool,
}

type Answer<T> = Result<axum::Json<T>, ProvinceError>;
