//! The hall API: one module per resource, each with its `router()`, put together inside the edges of `edge.rs`.

mod board;
mod commands;
mod counters;
mod customers;
mod devices;
mod edge;
mod emergency;
mod events;
mod monitor;
mod pages;
mod programs;
mod sessions;
mod supervisor;
mod tickets;
mod updates;
mod video;

pub use edge::{edges, Body, Path, Query, Upgrade};
pub use updates::{kept_offers, Offer};

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::Router;

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 16 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(sessions::router())
        .merge(tickets::router())
        .merge(counters::router())
        .merge(customers::router())
        .merge(supervisor::router())
        .merge(devices::router())
        .merge(emergency::router())
        .merge(monitor::router())
        .merge(commands::router())
        .merge(board::router())
        .merge(events::router())
        .merge(pages::router())
        .merge(updates::router())
        .merge(programs::router())
        .merge(video::router());
    edges(routes)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}
