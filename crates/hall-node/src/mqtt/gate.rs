//! The topic gate in front of the embedded broker: authenticates each device, holds it to its own topics, and cuts it on revocation.
//!
//! rumqttd has no topic ACL, so every device connects to the gate, which
//! reads the client's side of the conversation with rumqttc's MQTT 3.1.1
//! codec and forwards it byte for byte to rumqttd on loopback; the broker's
//! side is copied back untouched. The gate
//! - reads the CONNECT, calls the credential check once (client id and
//!   username must both be the device id) and answers a refusal with a
//!   CONNACK code 4 (bad username or password) or 5 (not authorised);
//! - replaces the password with a one-time ticket that rumqttd's external
//!   auth handler redeems, so the broker's loopback port is no way around
//!   the gate;
//! - lets a device publish only `yyt/<hall>/dev/<its id>/{report,status,reply}`,
//!   name only its own `status` as its last will and subscribe only to its own
//!   `cmd`; anything else closes the connection with a warn line naming the
//!   device and the topic (the broker then publishes the device's will);
//! - bounds each packet ([`MAX_PACKET`]) and the number of connections.
//!
//! The hall node's own bridge logs in with a secret that never leaves the
//! process and may use every topic of the hall.

use super::{same_secret, CredentialCheck};
use bytes::BytesMut;
use devices::telemetry::{parse_topic, topic, Leaf};
use devices::DeviceId;
use rumqttc::mqttbytes::v4::{ConnAck, Connect, Packet};
use rumqttc::mqttbytes::{check, Error as CodecError, Protocol};
use rumqttc::ConnectReturnCode;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

/// The largest packet a device may send (a report is at most `MAX_PAYLOAD`,
/// so this leaves room for an oversized one to reach the bridge's count).
pub const MAX_PACKET: usize = 16 * 1024;
/// How long a new connection may take to send its CONNECT, and the check to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the broker is given to finish an older connection of a device
/// that connects again (see [`take_over`]).
const TAKEOVER_GRACE: Duration = Duration::from_millis(100);

/// Who a gate connection is, once its CONNECT is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Device(DeviceId),
    Bridge,
}

/// The one-time tickets the gate hands the broker in place of passwords.
#[derive(Default)]
pub(crate) struct Tickets(Mutex<HashMap<String, String>>);

impl Tickets {
    fn issue(&self, client_id: &str) -> String {
        let ticket = store::tokens::new_token();
        self.0
            .lock()
            .expect("tickets")
            .insert(ticket.clone(), client_id.to_owned());
        ticket
    }

    /// True, once, for a ticket issued to this client.
    pub(crate) fn redeem(&self, client_id: &str, username: &str, ticket: &str) -> bool {
        let issued = self.0.lock().expect("tickets").remove(ticket);
        issued.is_some_and(|c| c == client_id && c == username)
    }

    fn forget(&self, ticket: &str) {
        self.0.lock().expect("tickets").remove(ticket);
    }
}

/// What the gate needs to know.
pub(crate) struct GateConfig {
    pub hall: String,
    pub upstream: SocketAddr,
    pub bridge_client_id: String,
    pub bridge_secret: String,
    pub max_connections: usize,
}

/// Each open connection: the device once its CONNECT is accepted, and the way to close it.
type Conns = Mutex<HashMap<u64, (Option<DeviceId>, Arc<Notify>)>>;

struct Ctx {
    cfg: GateConfig,
    check: CredentialCheck,
    tickets: Arc<Tickets>,
    conns: Conns,
    next: AtomicU64,
}

/// A running gate.
pub(crate) struct Gate {
    pub addr: SocketAddr,
    ctx: Arc<Ctx>,
    accept: tokio::task::JoinHandle<()>,
}

impl Gate {
    pub async fn start(
        listen: SocketAddr,
        cfg: GateConfig,
        check: CredentialCheck,
        tickets: Arc<Tickets>,
    ) -> std::io::Result<Gate> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let limit = Arc::new(Semaphore::new(cfg.max_connections));
        let ctx = Arc::new(Ctx {
            cfg,
            check,
            tickets,
            conns: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
        });
        let c = ctx.clone();
        let accept = tokio::spawn(async move {
            loop {
                let (sock, peer) = match listener.accept().await {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "mqtt gate: accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let Ok(permit) = limit.clone().try_acquire_owned() else {
                    tracing::warn!(%peer, "mqtt gate: too many connections, refusing one");
                    continue;
                };
                let _ = sock.set_nodelay(true);
                let id = c.next.fetch_add(1, Ordering::Relaxed);
                let kill = Arc::new(Notify::new());
                c.conns
                    .lock()
                    .expect("conns")
                    .insert(id, (None, kill.clone()));
                let c = c.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = kill.notified() => {}
                        _ = serve(&c, id, sock, peer) => {}
                    }
                    c.conns.lock().expect("conns").remove(&id);
                    drop(permit);
                });
            }
        });
        Ok(Gate { addr, ctx, accept })
    }

    /// Closes every connection of `device`; returns how many there were.
    pub fn cut(&self, device: &DeviceId) -> usize {
        let conns = self.ctx.conns.lock().expect("conns");
        let mut n = 0;
        for (who, kill) in conns.values() {
            if who.as_ref() == Some(device) {
                kill.notify_one();
                n += 1;
            }
        }
        if n > 0 {
            tracing::info!(%device, connections = n, "mqtt gate: device cut");
        }
        n
    }

    /// Devices connected now (once each).
    pub fn connected(&self) -> Vec<DeviceId> {
        let conns = self.ctx.conns.lock().expect("conns");
        let mut out: Vec<DeviceId> = conns.values().filter_map(|(d, _)| d.clone()).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Stops listening and closes every connection.
    pub fn stop(&self) {
        self.accept.abort();
        for (_, kill) in self.ctx.conns.lock().expect("conns").values() {
            kill.notify_one();
        }
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.stop();
    }
}

/// May `device` publish on `name`?
pub(crate) fn may_publish(hall: &str, device: &DeviceId, name: &str) -> bool {
    matches!(parse_topic(hall, name), Some((id, Leaf::Report | Leaf::Status | Leaf::Reply)) if &id == device)
}

/// May `device` subscribe to `filter`? Only its own commands.
pub(crate) fn may_subscribe(hall: &str, device: &DeviceId, filter: &str) -> bool {
    filter == topic(hall, device, Leaf::Cmd)
}

enum Frame {
    Packet(BytesMut, Packet),
    Eof,
}

/// Reads the next whole packet from `rd` (buffered in `buf`).
async fn next_frame(rd: &mut OwnedReadHalf, buf: &mut BytesMut) -> Result<Frame, String> {
    loop {
        match check(buf.iter(), MAX_PACKET) {
            Ok(header) => {
                let raw = buf.split_to(header.frame_length());
                let mut copy = raw.clone();
                let packet = Packet::read(&mut copy, MAX_PACKET).map_err(|e| format!("{e:?}"))?;
                return Ok(Frame::Packet(raw, packet));
            }
            Err(CodecError::InsufficientBytes(_)) => {}
            Err(e) => return Err(format!("{e:?}")),
        }
        buf.reserve(4096);
        match rd.read_buf(buf).await {
            Ok(0) => return Ok(Frame::Eof),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

async fn refuse(wr: &mut OwnedWriteHalf, code: ConnectReturnCode) {
    let mut out = BytesMut::new();
    if ConnAck::new(code, false).write(&mut out).is_ok() {
        let _ = wr.write_all(&out).await;
        let _ = wr.shutdown().await;
    }
}

async fn serve(ctx: &Ctx, id: u64, sock: TcpStream, peer: SocketAddr) {
    let (mut rd, mut wr) = sock.into_split();
    let mut buf = BytesMut::with_capacity(1024);
    let connect = match tokio::time::timeout(CONNECT_TIMEOUT, next_frame(&mut rd, &mut buf)).await {
        Ok(Ok(Frame::Packet(_, Packet::Connect(c)))) => c,
        Ok(Ok(Frame::Eof)) => return,
        Ok(Ok(Frame::Packet(..))) => {
            tracing::warn!(%peer, "mqtt gate: the first packet was not a CONNECT; closed");
            return;
        }
        Ok(Err(e)) => {
            tracing::warn!(%peer, error = %e, "mqtt gate: unreadable CONNECT; closed");
            return;
        }
        Err(_) => {
            tracing::warn!(%peer, "mqtt gate: no CONNECT in time; closed");
            return;
        }
    };
    let Some((who, mut connect)) = admit(ctx, peer, connect, &mut wr).await else {
        return;
    };
    let ticket = ctx.tickets.issue(&connect.client_id);
    if let Some(login) = connect.login.as_mut() {
        login.password = ticket.clone();
    }
    let result = forward(ctx, id, &who, connect, rd, wr, buf).await;
    ctx.tickets.forget(&ticket);
    if let (Err(e), Who::Device(d)) = (result, &who) {
        tracing::debug!(device = %d, error = %e, "mqtt gate: connection ended");
    }
}

/// Checks a CONNECT; answers a refusal itself.
async fn admit(
    ctx: &Ctx,
    peer: SocketAddr,
    connect: Connect,
    wr: &mut OwnedWriteHalf,
) -> Option<(Who, Connect)> {
    if connect.protocol != Protocol::V4 {
        tracing::warn!(%peer, "mqtt gate: only MQTT 3.1.1 is spoken here; refused");
        refuse(wr, ConnectReturnCode::RefusedProtocolVersion).await;
        return None;
    }
    let Some(login) = connect.login.clone() else {
        tracing::warn!(%peer, client_id = %connect.client_id, "mqtt gate: no username; refused");
        refuse(wr, ConnectReturnCode::NotAuthorized).await;
        return None;
    };
    if connect.client_id == ctx.cfg.bridge_client_id
        && login.username == ctx.cfg.bridge_client_id
        && same_secret(login.password.as_bytes(), ctx.cfg.bridge_secret.as_bytes())
    {
        return Some((Who::Bridge, connect));
    }
    let answer = tokio::time::timeout(
        CONNECT_TIMEOUT,
        (ctx.check)(
            connect.client_id.clone(),
            login.username.clone(),
            login.password.clone(),
        ),
    )
    .await
    .ok()
    .flatten();
    let device = match answer {
        Some(d) if d.as_str() == login.username && connect.client_id == login.username => d,
        _ => {
            tracing::warn!(%peer, username = %login.username.chars().take(40).collect::<String>(),
                "mqtt gate: credential refused");
            refuse(wr, ConnectReturnCode::BadUserNamePassword).await;
            return None;
        }
    };
    if let Some(will) = &connect.last_will {
        if will.topic != topic(&ctx.cfg.hall, &device, Leaf::Status) {
            tracing::warn!(%device, topic = %will.topic, "mqtt gate: a last will on a foreign topic; refused");
            refuse(wr, ConnectReturnCode::NotAuthorized).await;
            return None;
        }
    }
    Some((Who::Device(device), connect))
}

/// A device connecting again while an older connection of it is still open
/// (a half-dead link): the older one is closed first, and its will given
/// time to be published, before the new CONNECT reaches the broker. rumqttd
/// keys wills by client id, so an old connection's end racing the new one's
/// start could otherwise take the new connection's will with it.
async fn take_over(ctx: &Ctx, id: u64, device: &DeviceId) {
    let older = {
        let mut conns = ctx.conns.lock().expect("conns");
        let older: Vec<Arc<Notify>> = conns
            .iter()
            .filter(|(other, (d, _))| **other != id && d.as_ref() == Some(device))
            .map(|(_, (_, kill))| kill.clone())
            .collect();
        if let Some(entry) = conns.get_mut(&id) {
            entry.0 = Some(device.clone());
        }
        older
    };
    if older.is_empty() {
        return;
    }
    tracing::info!(%device, "mqtt gate: the device connected again; closing its older connection");
    for kill in &older {
        kill.notify_one();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        let still = ctx
            .conns
            .lock()
            .expect("conns")
            .iter()
            .any(|(other, (d, _))| *other != id && d.as_ref() == Some(device));
        if !still || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(TAKEOVER_GRACE).await;
}

async fn forward(
    ctx: &Ctx,
    id: u64,
    who: &Who,
    connect: Connect,
    mut rd: OwnedReadHalf,
    wr: OwnedWriteHalf,
    mut buf: BytesMut,
) -> Result<(), String> {
    if let Who::Device(d) = who {
        take_over(ctx, id, d).await;
    }
    let upstream = TcpStream::connect(ctx.cfg.upstream)
        .await
        .map_err(|e| format!("broker: {e}"))?;
    let _ = upstream.set_nodelay(true);
    let (mut urd, mut uwr) = upstream.into_split();
    let mut first = BytesMut::new();
    connect.write(&mut first).map_err(|e| format!("{e:?}"))?;
    uwr.write_all(&first).await.map_err(|e| e.to_string())?;
    let mut wr = wr;
    let down = async move { tokio::io::copy(&mut urd, &mut wr).await };
    let hall = &ctx.cfg.hall;
    let up = async move {
        loop {
            let (raw, packet) = match next_frame(&mut rd, &mut buf).await? {
                Frame::Packet(raw, packet) => (raw, packet),
                Frame::Eof => return Ok::<(), String>(()),
            };
            if let Who::Device(device) = who {
                match &packet {
                    Packet::Publish(p) if !may_publish(hall, device, &p.topic) => {
                        tracing::warn!(%device, topic = %p.topic, "mqtt gate: publish on a foreign topic; connection closed");
                        return Err("foreign publish".into());
                    }
                    Packet::Subscribe(s) => {
                        if let Some(f) = s
                            .filters
                            .iter()
                            .find(|f| !may_subscribe(hall, device, &f.path))
                        {
                            tracing::warn!(%device, topic = %f.path, "mqtt gate: subscribe to a foreign topic; connection closed");
                            return Err("foreign subscribe".into());
                        }
                    }
                    Packet::Connect(_)
                    | Packet::ConnAck(_)
                    | Packet::SubAck(_)
                    | Packet::UnsubAck(_)
                    | Packet::PingResp => {
                        tracing::warn!(%device, "mqtt gate: a packet only a broker sends; connection closed");
                        return Err("protocol".into());
                    }
                    _ => {}
                }
            }
            uwr.write_all(&raw).await.map_err(|e| e.to_string())?;
        }
    };
    tokio::select! {
        r = down => r.map(|_| ()).map_err(|e| e.to_string()),
        r = up => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_owns_only_its_own_topics() {
        let t01 = DeviceId::parse("T01").unwrap();
        assert!(may_publish("H0101", &t01, "yyt/H0101/dev/T01/report"));
        assert!(may_publish("H0101", &t01, "yyt/H0101/dev/T01/status"));
        assert!(may_publish("H0101", &t01, "yyt/H0101/dev/T01/reply"));
        assert!(!may_publish("H0101", &t01, "yyt/H0101/dev/T01/cmd"));
        assert!(!may_publish("H0101", &t01, "yyt/H0101/dev/T02/report"));
        assert!(!may_publish("H0101", &t01, "yyt/H0102/dev/T01/report"));
        assert!(!may_publish("H0101", &t01, "yyt/H0101/dev/T01/report/x"));
        assert!(!may_publish("H0101", &t01, "yyt/H0101/dev/+/report"));
        assert!(may_subscribe("H0101", &t01, "yyt/H0101/dev/T01/cmd"));
        assert!(!may_subscribe("H0101", &t01, "yyt/H0101/dev/+/cmd"));
        assert!(!may_subscribe("H0101", &t01, "yyt/H0101/dev/#"));
        assert!(!may_subscribe("H0101", &t01, "yyt/H0101/dev/T02/cmd"));
    }

    #[test]
    fn a_ticket_is_good_once_and_only_for_its_client() {
        let t = Tickets::default();
        let a = t.issue("T01");
        assert!(!t.redeem("T02", "T02", &a));
        let b = t.issue("T01");
        assert!(t.redeem("T01", "T01", &b));
        assert!(!t.redeem("T01", "T01", &b), "used twice");
        assert!(!t.redeem("T01", "T01", "guess"));
    }
}
