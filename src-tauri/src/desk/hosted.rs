//! The hall node this PC hosts in-process (a one-PC hall, and the demo): its port, its data, its simulator.

use super::now_ms;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use tracing::{error, warn};

/// Where a hosted hall node listens (default 127.0.0.1:7400, or any free port if taken).
pub const HALL_LISTEN_ENV: &str = "YYT_HALL_LISTEN";
/// The hosted node's address is written here in the data dir, for devices and tools.
pub const HALL_ADDR_FILE: &str = "hall-node.addr";
/// The province server a hosted hall node replicates to, and the hall's upload token.
pub const PROVINCE_URL_ENV: &str = "YYT_PROVINCE_URL";
pub const PROVINCE_TOKEN_ENV: &str = "YYT_PROVINCE_TOKEN";
/// Run the hall simulator in a hosted demo hall at this speed (simulated seconds per second).
pub const DEMO_SIM_ENV: &str = "YYT_DEMO_SIM";
/// Set to `off` to leave the demo hall's MQTT devices to someone else (a test that drives them).
pub const DEMO_DEVICES_ENV: &str = "YYT_DEMO_DEVICES";
/// Where the demo hall's cameras stream from (`rtsp://host:port` serving
/// `/cam-1`, `/cam-2`; default: the demo's test cameras on port 7554); `off`: not set.
pub const DEMO_CAMERAS_ENV: &str = "YYT_DEMO_CAMERAS";
/// The most footage the hosted node keeps, in MiB (default: the hall node's 200 GiB).
pub const VIDEO_QUOTA_ENV: &str = "YYT_VIDEO_QUOTA_MIB";
/// The file in the data dir where the hosted node writes its MQTT broker's address.
pub const MQTT_ADDR_FILE: &str = "hall-node.mqtt";

/// The rest of a hosted hall node's start (see [`super::Desk::open_in_background`]).
pub type Starting = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A hall node being started in this process.
pub(super) struct Hosting {
    /// Its address (`http://127.0.0.1:port`), bound already.
    pub base: String,
    /// The node, once started (kept for the life of the desk).
    pub node: Arc<OnceLock<hall_node::Running>>,
    pub starting: Starting,
}

/// Binds the hosted node's port now; the returned start opens its database in `dir` and serves.
pub(super) fn host(dir: &Path) -> Result<Hosting, String> {
    let listen: SocketAddr = std::env::var(HALL_LISTEN_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 7400)));
    let listener = TcpListener::bind(listen)
        // Another app instance has the port: any free one will do.
        .or_else(|_| TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| format!("{listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let opts = hall_node::Options {
        db: dir.join("hall.db"),
        listen: addr,
        utc_offset_minutes: hall_node::clock::CST_OFFSET_MINUTES,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: match (
            std::env::var(PROVINCE_URL_ENV),
            std::env::var(PROVINCE_TOKEN_ENV),
        ) {
            (Ok(url), Ok(token)) => Some(hall_node::uplink::Province { url, token }),
            _ => None,
        },
        devices: Default::default(),
        // The demo's MQTT devices connect over loopback, on any free port.
        mqtt: hall_node::Broker::Embedded {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        },
        video: hall_node::video::VideoOptions {
            demo_cameras: match std::env::var(DEMO_CAMERAS_ENV) {
                Ok(v) if v.trim() == "off" => None,
                Ok(v) if !v.trim().is_empty() => Some(v.trim().to_owned()),
                _ => Some(hall_node::DEMO_CAMERAS.to_owned()),
            },
            retention: video_retention(),
            ..Default::default()
        },
    };
    let node = Arc::new(OnceLock::new());
    let started = node.clone();
    let addr_file = dir.join(HALL_ADDR_FILE);
    let mqtt_file = dir.join(MQTT_ADDR_FILE);
    let starting = async move {
        let running = hall_node::start_on(opts, listener)
            .await
            .map_err(|e| e.to_string())?;
        if let Err(e) = std::fs::write(&addr_file, running.addr.to_string()) {
            warn!(file = %addr_file.display(), error = %e, "the hall node's address is not written down");
        }
        if let Some(speed) = std::env::var(DEMO_SIM_ENV)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
        {
            // The task runs for the life of the app.
            if let Err(e) =
                hall_node::sim::run_demo(&running, speed.clamp(1.0, 1000.0), now_ms() as u64).await
            {
                error!(error = %e, "the demo simulation cannot start");
            }
        }
        if let Some(mqtt) = running.mqtt_addr {
            if let Err(e) = std::fs::write(&mqtt_file, mqtt.to_string()) {
                warn!(file = %mqtt_file.display(), error = %e, "the MQTT broker's address is not written down");
            }
        }
        if std::env::var(DEMO_DEVICES_ENV).map_or(true, |v| v != "off") {
            match hall_node::devsim::run_demo(&running).await {
                // The simulated terminals, switch and UPS run for the life of the app.
                Ok(Some(sim)) => std::mem::forget(sim),
                Ok(None) => {}
                Err(e) => error!(error = %e, "the demo devices cannot start"),
            }
        }
        let _ = started.set(running);
        Ok(())
    };
    Ok(Hosting {
        base: format!("http://{addr}"),
        node,
        starting: Box::pin(starting),
    })
}

/// The footage quota from [`VIDEO_QUOTA_ENV`] when it is a number of MiB, else the hall node's.
fn video_retention() -> ipc::video::Retention {
    let mut r = hall_node::video::VideoOptions::default().retention;
    match std::env::var(VIDEO_QUOTA_ENV).map(|v| v.trim().parse::<u64>()) {
        Ok(Ok(mib)) if mib > 0 => r.quota_bytes = mib.saturating_mul(1 << 20),
        Ok(_) => error!("{VIDEO_QUOTA_ENV} is not a number of MiB; the default quota holds"),
        Err(_) => {}
    }
    r
}
