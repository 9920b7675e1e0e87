//! The hall's MQTT side: an embedded broker behind a topic gate (or an external Mosquitto), and the bridge that hands devices' messages to the alarms.
//!
//! - [`embedded`]: rumqttd on loopback, reached only through the [`gate`],
//!   which authenticates each device with the credential check it is given,
//!   holds each device to its own topics and cuts revoked devices.
//! - [`bridge`]: the hall node's own client (rumqttc, for both brokers):
//!   subscribes to the hall's device topics, drops what it cannot use with a
//!   log line and a count, and sends [`devices::telemetry::Heard`] on.
//!
//! Topics and payloads are `devices::telemetry`'s; nothing here decides
//! what a report means.

pub mod bridge;
pub mod embedded;
pub mod gate;

pub use bridge::{Bridge, BridgeConfig, BridgeStats};
pub use embedded::{Embedded, EmbeddedConfig};

use devices::DeviceId;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future that can move between threads.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Checks a device's MQTT credential: `(client id, username, password)` to
/// the device it proves, or `None`. Called on every connection, so a
/// revoked credential is refused from the next connection on.
pub type CredentialCheck =
    Arc<dyn Fn(String, String, String) -> BoxFuture<Option<DeviceId>> + Send + Sync>;

/// Where a broker listens and how the bridge logs in to it.
#[derive(Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub client_id: String,
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Equal without telling how much of it was equal.
pub(crate) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
