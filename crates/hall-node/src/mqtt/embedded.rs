//! The embedded broker: rumqttd on a loopback port of its own, reached only through the topic gate on the hall's LAN address.
//!
//! rumqttd speaks MQTT 3.1.1 here; its external auth handler redeems the
//! one-time tickets the gate puts in place of device passwords, so a client
//! that found the loopback port still cannot log in. rumqttd 0.20 has no
//! shutdown: [`Embedded::stop`] closes the gate and with it every
//! connection, and the stopped broker's threads idle until the process
//! exits (a hall node starts one broker in its life; tests start a few).

use super::gate::{Gate, GateConfig, Tickets, MAX_PACKET};
use super::{CredentialCheck, Endpoint};
use crate::error::HallError;
use devices::DeviceId;
use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The bridge's client id: not a valid device id, so no device can take it.
pub const BRIDGE_CLIENT_ID: &str = "yyt.hall-node";

/// How to run the embedded broker.
#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    /// The hall code in the topics (`yyt/<hall>/dev/…`).
    pub hall: String,
    /// Where devices connect (the hall LAN address; `127.0.0.1:0` in tests).
    pub listen: SocketAddr,
    /// The most device connections at once.
    pub max_connections: usize,
}

/// A running embedded broker.
pub struct Embedded {
    /// Where devices connect (the gate).
    pub addr: SocketAddr,
    internal: SocketAddr,
    gate: Gate,
    secret: String,
    cfg: EmbeddedConfig,
    check: CredentialCheck,
}

impl Embedded {
    pub async fn start(cfg: EmbeddedConfig, check: CredentialCheck) -> Result<Embedded, HallError> {
        Self::start_with(cfg, check, store::tokens::new_token()).await
    }

    /// Stops this broker and starts a fresh one on the same address with the
    /// same bridge login, so the bridge reconnects by itself.
    pub async fn restart(self) -> Result<Embedded, HallError> {
        let (mut cfg, check, secret) = (self.cfg.clone(), self.check.clone(), self.secret.clone());
        cfg.listen = self.addr;
        self.stop();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match Self::start_with(cfg.clone(), check.clone(), secret.clone()).await {
                Ok(e) => return Ok(e),
                Err(e) if tokio::time::Instant::now() > deadline => return Err(e),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    async fn start_with(
        cfg: EmbeddedConfig,
        check: CredentialCheck,
        secret: String,
    ) -> Result<Embedded, HallError> {
        let internal = free_loopback_port().map_err(HallError::internal)?;
        let tickets = Arc::new(Tickets::default());
        let mut connections = ConnectionSettings {
            connection_timeout_ms: 10_000,
            max_payload_size: MAX_PACKET + 1024,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        };
        let t = tickets.clone();
        connections.set_auth_handler(move |client_id: String, username: String, ticket: String| {
            let ok = t.redeem(&client_id, &username, &ticket);
            async move { ok }
        });
        let server = ServerSettings {
            name: "hall-v4".into(),
            listen: internal,
            tls: None,
            next_connection_delay_ms: 0,
            connections,
        };
        let config = Config {
            id: 0,
            router: RouterConfig {
                max_connections: cfg.max_connections + 16,
                max_outgoing_packet_count: 200,
                // Per subscription filter: the bridge's one filter sees every report.
                max_segment_size: 1024 * 1024,
                max_segment_count: 4,
                ..RouterConfig::default()
            },
            v4: Some(HashMap::from([("hall".to_owned(), server)])),
            ..Config::default()
        };
        let mut broker = Broker::new(config);
        std::thread::Builder::new()
            .name("mqtt-broker".into())
            .spawn(move || {
                if let Err(e) = broker.start() {
                    tracing::error!(error = %e, "embedded MQTT broker stopped");
                }
            })
            .map_err(HallError::internal)?;
        wait_listening(internal).await?;

        let gate = Gate::start(
            cfg.listen,
            GateConfig {
                hall: cfg.hall.clone(),
                upstream: internal,
                bridge_client_id: BRIDGE_CLIENT_ID.to_owned(),
                bridge_secret: secret.clone(),
                max_connections: cfg.max_connections,
            },
            check.clone(),
            tickets,
        )
        .await
        .map_err(|e| HallError::internal(format!("MQTT listen on {}: {e}", cfg.listen)))?;
        tracing::info!(addr = %gate.addr, hall = %cfg.hall, "embedded MQTT broker listening");
        Ok(Embedded {
            addr: gate.addr,
            internal,
            gate,
            secret,
            cfg,
            check,
        })
    }

    /// How the hall node's bridge logs in (never shown to anyone).
    pub fn bridge_endpoint(&self) -> Endpoint {
        let ip = if self.addr.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.addr.ip()
        };
        Endpoint {
            host: ip.to_string(),
            port: self.addr.port(),
            client_id: BRIDGE_CLIENT_ID.to_owned(),
            username: BRIDGE_CLIENT_ID.to_owned(),
            password: self.secret.clone(),
        }
    }

    /// Cuts every connection of a device (after revoking its credential, so it
    /// cannot come back); its last will is published. Returns how many were cut.
    pub fn cut(&self, device: &DeviceId) -> usize {
        self.gate.cut(device)
    }

    /// rumqttd's own loopback address, behind the gate (for tests that
    /// check it is no way around the gate).
    pub fn broker_addr(&self) -> SocketAddr {
        self.internal
    }

    /// The devices connected now.
    pub fn connected(&self) -> Vec<DeviceId> {
        self.gate.connected()
    }

    /// Stops listening and closes every connection (the bridge's too).
    pub fn stop(self) {
        self.gate.stop();
    }
}

fn free_loopback_port() -> std::io::Result<SocketAddr> {
    let l = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    l.local_addr()
}

async fn wait_listening(addr: SocketAddr) -> Result<(), HallError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(HallError::internal(format!(
                "the embedded MQTT broker did not listen on {addr}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
