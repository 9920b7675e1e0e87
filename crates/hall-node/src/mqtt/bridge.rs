//! The bridge: the hall node's own MQTT client, which hears the hall's devices and hands what they say to the alarms.
//!
//! One rumqttc client for both brokers (the embedded one through its gate,
//! or Mosquitto). It subscribes to `yyt/<hall>/dev/#` on every connection
//! (so a broker restart is followed by a resubscription), reads each
//! message as `devices::telemetry` says, and sends a [`Heard`] stamped with
//! the hall's clock. What it cannot use it drops and counts: a payload over
//! [`MAX_PAYLOAD`], an unreadable one, a topic or leaf it does not know, a
//! device the registry does not know, and a message the alarms' channel has
//! no room for (the bridge never queues: a flood costs counts, not memory).
//! Each kind of drop is logged at once, then at most every few seconds with
//! how many were dropped since.

use super::Endpoint;
use crate::clock::Clock;
use crate::error::HallError;
use devices::command::Reply;
use devices::telemetry::{parse_topic, topic, Heard, Leaf, Message, Report, Status, MAX_PAYLOAD};
use devices::DeviceId;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Is this device in the hall's registry?
pub type KnownDevice = Arc<dyn Fn(&DeviceId) -> bool + Send + Sync>;

/// How often one kind of drop is logged at most.
const DROP_LOG_EVERY: Duration = Duration::from_secs(5);

/// How to run the bridge.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    pub hall: String,
    pub endpoint: Endpoint,
    /// MQTT keep-alive: a dead broker is noticed within 1.5 times this.
    pub keep_alive: Duration,
    /// The pause before connecting again after the broker is lost.
    pub reconnect_delay: Duration,
}

impl BridgeConfig {
    pub fn new(hall: &str, endpoint: Endpoint) -> Self {
        Self {
            hall: hall.to_owned(),
            endpoint,
            keep_alive: Duration::from_secs(5),
            reconnect_delay: Duration::from_millis(500),
        }
    }
}

/// What the bridge has done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BridgeStats {
    /// Messages handed to the alarms.
    pub heard: u64,
    pub malformed: u64,
    pub oversized: u64,
    /// Not a device topic of this hall, or a leaf the hall does not read.
    pub unknown_topic: u64,
    pub unknown_device: u64,
    /// Dropped because the alarms' channel was full.
    pub full: u64,
    /// Connections (and subscriptions) made to the broker.
    pub connects: u64,
}

#[derive(Default)]
struct Counters {
    heard: AtomicU64,
    malformed: AtomicU64,
    oversized: AtomicU64,
    unknown_topic: AtomicU64,
    unknown_device: AtomicU64,
    full: AtomicU64,
    connects: AtomicU64,
}

/// A running bridge.
pub struct Bridge {
    hall: String,
    client: AsyncClient,
    counters: Arc<Counters>,
    subscribed: watch::Receiver<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Bridge {
    /// Starts the bridge; it connects (and reconnects) in the background.
    pub fn start(
        cfg: BridgeConfig,
        known: KnownDevice,
        heard: mpsc::Sender<Heard>,
        clock: Clock,
    ) -> Bridge {
        let e = &cfg.endpoint;
        let mut opts = MqttOptions::new(e.client_id.clone(), e.host.clone(), e.port);
        opts.set_credentials(e.username.clone(), e.password.clone())
            .set_keep_alive(cfg.keep_alive)
            .set_clean_session(true)
            // Larger than either broker lets a device send, so no device can
            // break the bridge's connection with a big packet.
            .set_max_packet_size(64 * 1024, 64 * 1024);
        let (client, mut events) = AsyncClient::new(opts, 64);
        let counters = Arc::new(Counters::default());
        let (sub_tx, subscribed) = watch::channel(false);
        let c = counters.clone();
        let sub_client = client.clone();
        let hall = cfg.hall.clone();
        let task = tokio::spawn(async move {
            let filter = format!("{}#", devices::telemetry::hall_prefix(&cfg.hall));
            let mut drops = DropLog::default();
            let mut lost_logged = false;
            loop {
                match events.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        c.connects.fetch_add(1, Ordering::Relaxed);
                        lost_logged = false;
                        tracing::info!(filter = %filter, "mqtt bridge: connected, subscribing");
                        if let Err(e) = sub_client.try_subscribe(filter.clone(), QoS::AtLeastOnce) {
                            tracing::warn!(error = %e, "mqtt bridge: could not subscribe");
                        }
                    }
                    Ok(Event::Incoming(Packet::SubAck(_))) => {
                        let _ = sub_tx.send(true);
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        let at = clock.now();
                        match read(&cfg.hall, &known, &p.topic, &p.payload) {
                            Ok(Some((device, message))) => {
                                match heard.try_send(Heard {
                                    device,
                                    at,
                                    message,
                                }) {
                                    Ok(()) => {
                                        c.heard.fetch_add(1, Ordering::Relaxed);
                                    }
                                    Err(mpsc::error::TrySendError::Full(h)) => {
                                        c.full.fetch_add(1, Ordering::Relaxed);
                                        drops.note(Dropped::Full, h.device.as_str(), &p.topic);
                                    }
                                    Err(mpsc::error::TrySendError::Closed(_)) => {
                                        tracing::info!(
                                            "mqtt bridge: the alarms are gone; stopping"
                                        );
                                        let _ = sub_client.try_disconnect();
                                        return;
                                    }
                                }
                            }
                            Ok(None) => {}
                            Err((why, device)) => {
                                let counter = match why {
                                    Dropped::Malformed => &c.malformed,
                                    Dropped::Oversized => &c.oversized,
                                    Dropped::UnknownTopic => &c.unknown_topic,
                                    Dropped::UnknownDevice => &c.unknown_device,
                                    Dropped::Full => &c.full,
                                };
                                counter.fetch_add(1, Ordering::Relaxed);
                                drops.note(why, &device, &p.topic);
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let _ = sub_tx.send(false);
                        if !lost_logged {
                            tracing::warn!(error = %e, "mqtt bridge: broker lost; reconnecting");
                            lost_logged = true;
                        }
                        tokio::time::sleep(cfg.reconnect_delay).await;
                    }
                }
            }
        });
        Bridge {
            hall,
            client,
            counters,
            subscribed,
            task,
        }
    }

    /// Publishes a command to a device's `cmd` topic (QoS 1). Refused while
    /// the broker is out of reach or the client's queue is full.
    pub fn command(&self, device: &DeviceId, payload: Vec<u8>) -> Result<(), HallError> {
        if !*self.subscribed.borrow() {
            return Err(HallError::Unavailable);
        }
        self.client
            .try_publish(
                topic(&self.hall, device, Leaf::Cmd),
                QoS::AtLeastOnce,
                false,
                payload,
            )
            .map_err(|_| HallError::Unavailable)
    }

    pub fn stats(&self) -> BridgeStats {
        let c = &self.counters;
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        BridgeStats {
            heard: n(&c.heard),
            malformed: n(&c.malformed),
            oversized: n(&c.oversized),
            unknown_topic: n(&c.unknown_topic),
            unknown_device: n(&c.unknown_device),
            full: n(&c.full),
            connects: n(&c.connects),
        }
    }

    /// True while connected and subscribed.
    pub fn is_subscribed(&self) -> bool {
        *self.subscribed.borrow()
    }

    /// Waits until connected and subscribed; false if not within `limit`.
    pub async fn wait_subscribed(&self, limit: Duration) -> bool {
        let mut rx = self.subscribed.clone();
        tokio::time::timeout(limit, rx.wait_for(|s| *s))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    pub fn stop(&self) {
        let _ = self.client.try_disconnect();
        self.task.abort();
    }
}

impl std::ops::Drop for Bridge {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dropped {
    Malformed,
    Oversized,
    UnknownTopic,
    UnknownDevice,
    Full,
}

impl Dropped {
    fn what(self) -> &'static str {
        match self {
            Dropped::Malformed => "an unreadable payload",
            Dropped::Oversized => "a payload over the limit",
            Dropped::UnknownTopic => "a topic the hall does not read",
            Dropped::UnknownDevice => "a device not in the registry",
            Dropped::Full => "no room in the alarms' channel",
        }
    }
}

/// One log line per kind of drop at most every [`DROP_LOG_EVERY`].
#[derive(Default)]
struct DropLog {
    last: std::collections::HashMap<Dropped, (Instant, u64)>,
}

impl DropLog {
    fn note(&mut self, why: Dropped, device: &str, topic: &str) {
        let now = Instant::now();
        let entry = self.last.entry(why).or_insert((now - DROP_LOG_EVERY, 0));
        if now.duration_since(entry.0) >= DROP_LOG_EVERY {
            let topic: String = topic.chars().take(120).collect();
            tracing::warn!(
                device,
                topic,
                dropped_since_last_line = entry.1,
                "mqtt bridge: dropped {}",
                why.what()
            );
            *entry = (now, 0);
        } else {
            entry.1 += 1;
        }
    }
}

/// What a message says, `Ok(None)` for one the hall ignores (its own
/// commands, devices' replies), or why it is dropped (and whose it was).
fn read(
    hall: &str,
    known: &KnownDevice,
    name: &str,
    payload: &[u8],
) -> Result<Option<(DeviceId, Message)>, (Dropped, String)> {
    let Some((device, leaf)) = parse_topic(hall, name) else {
        return Err((Dropped::UnknownTopic, String::new()));
    };
    if leaf == Leaf::Cmd {
        // Commands are the hall's own.
        return Ok(None);
    }
    if payload.len() > MAX_PAYLOAD {
        return Err((Dropped::Oversized, device.to_string()));
    }
    if !known(&device) {
        return Err((Dropped::UnknownDevice, device.to_string()));
    }
    let message = match leaf {
        Leaf::Report => serde_json::from_slice::<Report>(payload).map(Message::Report),
        Leaf::Reply => serde_json::from_slice::<Reply>(payload).map(Message::Reply),
        _ => serde_json::from_slice::<Status>(payload).map(Message::Status),
    };
    match message {
        Ok(m) => Ok(Some((device, m))),
        Err(_) => Err((Dropped::Malformed, device.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_is_read_or_dropped_for_a_reason() {
        let known: KnownDevice = Arc::new(|d: &DeviceId| d.as_str() != "ghost");
        let r = |t: &str, p: &[u8]| read("H0101", &known, t, p);
        let (d, m) = r(
            "yyt/H0101/dev/T01/report",
            br#"{"seq":3,"metrics":{"paper_pct":0}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.as_str(), "T01");
        assert!(
            matches!(m, Message::Report(rep) if rep.seq == 3 && rep.metrics.paper_pct == Some(0))
        );
        let (_, m) = r("yyt/H0101/dev/T01/status", br#"{"state":"offline"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(m, Message::Status(Status::Offline));
        assert_eq!(r("yyt/H0101/dev/T01/cmd", b"{}"), Ok(None));
        let (_, m) = r("yyt/H0101/dev/T01/reply", br#"{"id":7,"outcome":"done"}"#)
            .unwrap()
            .unwrap();
        assert!(matches!(m, Message::Reply(rep) if rep.id == 7));
        assert_eq!(
            r("yyt/H0101/dev/T01/reply", br#"{"id":"x"}"#)
                .unwrap_err()
                .0,
            Dropped::Malformed
        );
        assert_eq!(
            r("yyt/H0101/dev/T01/report", b"{nope").unwrap_err().0,
            Dropped::Malformed
        );
        assert_eq!(
            r("yyt/H0101/dev/T01/status", b"").unwrap_err().0,
            Dropped::Malformed
        );
        let big = vec![b' '; MAX_PAYLOAD + 1];
        assert_eq!(
            r("yyt/H0101/dev/T01/report", &big).unwrap_err().0,
            Dropped::Oversized
        );
        assert_eq!(
            r("yyt/H0101/dev/T01/selfie", b"{}").unwrap_err().0,
            Dropped::UnknownTopic
        );
        assert_eq!(
            r("yyt/H0102/dev/T01/report", b"{}").unwrap_err().0,
            Dropped::UnknownTopic
        );
        assert_eq!(
            r("yyt/H0101/dev/ghost/report", b"{}").unwrap_err().0,
            Dropped::UnknownDevice
        );
    }
}
