//! The hall device pages (kiosk, call display, evaluation pad), embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/kiosk",
            get(|| html(include_str!("../../assets/kiosk.html"))),
        )
        .route(
            "/display",
            get(|| html(include_str!("../../assets/display.html"))),
        )
        .route("/pad", get(|| html(include_str!("../../assets/pad.html"))))
        .route(
            "/assets/device.css",
            get(|| {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../../assets/device.css"),
                )
            }),
        )
        .route(
            "/assets/device.js",
            get(|| {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../assets/device.js"),
                )
            }),
        )
}

pub async fn html(body: &'static str) -> impl IntoResponse {
    asset("text/html; charset=utf-8", body).await
}

async fn asset(kind: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}
