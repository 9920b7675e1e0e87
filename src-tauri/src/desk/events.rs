//! The hall's live events: its WebSocket, followed while someone is signed in, reconnecting after a loss.

use futures_util::StreamExt;
use ipc::hall::WireEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tracing::{info, warn};

/// Receives every live event of the hall while someone is signed in.
pub type Notify = Arc<dyn Fn(WireEvent) + Send + Sync>;

/// How long to wait before connecting again after a loss.
const RECONNECT: Duration = Duration::from_secs(1);

/// Follows the events of the hall node at `base` for `token` until the task is aborted.
pub(super) fn follow(base: &str, token: &str, notify: Notify) -> JoinHandle<()> {
    let url = format!(
        "{}/api/v1/events?token={token}",
        base.replacen("http", "ws", 1)
    );
    tokio::spawn(listen(url, notify))
}

async fn listen(url: String, notify: Notify) {
    let mut lost = false;
    loop {
        if let Ok((mut ws, _)) = tokio_tungstenite::connect_async(&url).await {
            if lost {
                info!("the hall's live events are back");
                lost = false;
            }
            // Whatever was missed while away: tell the views to refetch.
            notify(WireEvent::Waiting {
                businesses: Vec::new(),
            });
            while let Some(Ok(msg)) = ws.next().await {
                // The hall sends each event as a text message (pings and the close aside).
                let Message::Text(text) = msg else { continue };
                match serde_json::from_str::<WireEvent>(&text) {
                    Ok(event) => notify(event),
                    Err(e) => warn!(error = %e, "an unreadable live event is skipped"),
                }
            }
        }
        if !lost {
            warn!("the hall's live events are lost; reconnecting");
            lost = true;
        }
        tokio::time::sleep(RECONNECT).await;
    }
}
