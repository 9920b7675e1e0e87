//! MQTT telemetry against both brokers: the embedded one behind its gate, and a private Mosquitto on loopback with per-device passwords and an ACL.

use devices::telemetry::{topic, Heard, Leaf, Message, Report, Status};
use devices::DeviceId;
use hall_node::clock::Clock;
use hall_node::mqtt::{Bridge, BridgeConfig, CredentialCheck, Embedded, EmbeddedConfig, Endpoint};
use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, Event, LastWill, MqttOptions, Packet, QoS,
};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

pub const HALL: &str = "H0101";

/// The devices every test registers: id and password.
pub const DEVICES: [(&str, &str); 4] = [
    ("T01", "pw-T01-secret"),
    ("T02", "pw-T02-secret"),
    ("ghost", "pw-ghost-secret"), // has a credential but is not in the registry
    ("T03", "pw-T03-secret"),
];

fn id(s: &str) -> DeviceId {
    DeviceId::parse(s).unwrap()
}

/// The credentials the hall node would hold: revocable.
#[derive(Clone, Default)]
pub struct Creds(Arc<Mutex<HashMap<String, String>>>);

impl Creds {
    pub fn new(devices: &[(&str, &str)]) -> Self {
        let c = Creds::default();
        for (d, p) in devices {
            c.0.lock().unwrap().insert((*d).to_owned(), (*p).to_owned());
        }
        c
    }

    pub fn revoke(&self, device: &str) {
        self.0.lock().unwrap().remove(device);
    }

    pub fn check(&self) -> CredentialCheck {
        let map = self.0.clone();
        Arc::new(
            move |client_id: String, username: String, password: String| {
                let ok = client_id == username
                    && map
                        .lock()
                        .unwrap()
                        .get(&username)
                        .is_some_and(|p| *p == password);
                Box::pin(async move { ok.then(|| DeviceId::parse(&username).ok()).flatten() })
            },
        )
    }
}

/// A private Mosquitto: its own config, password file and ACL in a temp dir.
pub struct Mosquitto {
    child: Option<Child>,
    dir: tempfile::TempDir,
    pub port: u16,
}

pub const BRIDGE_USER: &str = "yyt.hall-node";
const BRIDGE_PASSWORD: &str = "bridge-pass-for-tests";

impl Mosquitto {
    pub fn start(devices: &[(&str, &str)]) -> Mosquitto {
        assert!(
            Path::new("/usr/sbin/mosquitto").exists(),
            "Mosquitto is missing: install the Debian package mosquitto (`cargo xtask test` does)"
        );
        let dir = tempfile::tempdir().unwrap();
        let passwd = dir.path().join("passwd");
        let mut first = true;
        for (user, pass) in devices
            .iter()
            .copied()
            .chain([(BRIDGE_USER, BRIDGE_PASSWORD)])
        {
            let mut c = Command::new("mosquitto_passwd");
            if first {
                c.arg("-c");
            }
            first = false;
            let st = c
                .arg("-b")
                .arg(&passwd)
                .args([user, pass])
                .status()
                .unwrap();
            assert!(st.success(), "mosquitto_passwd failed");
        }
        let acl = dir.path().join("acl");
        std::fs::write(
            &acl,
            format!(
                "pattern write yyt/{HALL}/dev/%u/report\n\
                 pattern write yyt/{HALL}/dev/%u/status\n\
                 pattern write yyt/{HALL}/dev/%u/reply\n\
                 pattern read yyt/{HALL}/dev/%u/cmd\n\n\
                 user {BRIDGE_USER}\ntopic readwrite yyt/{HALL}/dev/#\n"
            ),
        )
        .unwrap();
        let port = free_port();
        let root = std::fs::read_to_string("/proc/self/status")
            .unwrap()
            .lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
        std::fs::write(
            dir.path().join("mosquitto.conf"),
            format!(
                "{}listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {}\nacl_file {}\n\
                 persistence false\nuse_username_as_clientid true\nmax_packet_size 16384\n\
                 log_dest file {}\nlog_type all\n",
                if root { "user root\n" } else { "" },
                passwd.display(),
                acl.display(),
                dir.path().join("mosquitto.log").display(),
            ),
        )
        .unwrap();
        let mut m = Mosquitto {
            child: None,
            dir,
            port,
        };
        m.run();
        m
    }

    fn run(&mut self) {
        let child = Command::new("/usr/sbin/mosquitto")
            .arg("-c")
            .arg(self.dir.path().join("mosquitto.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "Mosquitto did not listen: {}",
                std::fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills it by its PID (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.run();
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Embedded,
    Mosquitto,
}

/// One broker of either kind, with the bridge's way in.
pub struct TestBroker {
    pub creds: Creds,
    embedded: Option<Embedded>,
    mosquitto: Option<Mosquitto>,
    addr: SocketAddr,
}

impl TestBroker {
    pub async fn start(kind: Kind) -> TestBroker {
        let creds = Creds::new(&DEVICES);
        match kind {
            Kind::Embedded => {
                let e = Embedded::start(
                    embedded_config("127.0.0.1:0".parse().unwrap()),
                    creds.check(),
                )
                .await
                .unwrap();
                TestBroker {
                    creds,
                    addr: e.addr,
                    embedded: Some(e),
                    mosquitto: None,
                }
            }
            Kind::Mosquitto => {
                let m = Mosquitto::start(&DEVICES);
                TestBroker {
                    creds,
                    addr: SocketAddr::from(([127, 0, 0, 1], m.port)),
                    embedded: None,
                    mosquitto: Some(m),
                }
            }
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn embedded(&self) -> &Embedded {
        self.embedded.as_ref().unwrap()
    }

    pub fn bridge_endpoint(&self) -> Endpoint {
        match &self.embedded {
            Some(e) => e.bridge_endpoint(),
            None => Endpoint {
                host: "127.0.0.1".into(),
                port: self.port(),
                client_id: BRIDGE_USER.into(),
                username: BRIDGE_USER.into(),
                password: BRIDGE_PASSWORD.into(),
            },
        }
    }

    /// Stops the broker and starts it again on the same port.
    pub async fn restart(&mut self) {
        if let Some(m) = self.mosquitto.as_mut() {
            m.restart();
            return;
        }
        let e = self.embedded.take().unwrap().restart().await.unwrap();
        assert_eq!(e.addr, self.addr);
        self.embedded = Some(e);
    }
}

fn embedded_config(listen: SocketAddr) -> EmbeddedConfig {
    EmbeddedConfig {
        hall: HALL.into(),
        listen,
        max_connections: 2_000,
    }
}

/// The registry, as far as the bridge asks: every test device but `ghost`.
pub fn known() -> hall_node::mqtt::bridge::KnownDevice {
    Arc::new(|d: &DeviceId| d.as_str() != "ghost")
}

pub fn start_bridge(b: &TestBroker, capacity: usize) -> (Bridge, mpsc::Receiver<Heard>) {
    let (tx, rx) = mpsc::channel(capacity);
    let bridge = Bridge::start(
        BridgeConfig::new(HALL, b.bridge_endpoint()),
        known(),
        tx,
        Clock::default(),
    );
    (bridge, rx)
}

/// A device client in the test: its events arrive on a channel; dropping
/// the socket is aborting its event loop (no DISCONNECT is sent).
pub struct Dev {
    name: String,
    pub client: AsyncClient,
    pub events: mpsc::UnboundedReceiver<Result<Event, String>>,
    task: tokio::task::JoinHandle<()>,
}

impl Dev {
    pub fn connect(port: u16, device: &str, password: &str) -> Dev {
        let mut o = MqttOptions::new(device, "127.0.0.1", port);
        o.set_credentials(device, password)
            .set_keep_alive(Duration::from_secs(5));
        o.set_last_will(LastWill::new(
            topic(HALL, &id(device), Leaf::Status),
            serde_json::to_vec(&Status::Offline).unwrap(),
            QoS::AtLeastOnce,
            true,
        ));
        let (client, mut ev) = AsyncClient::new(o, 256);
        let (tx, events) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            loop {
                match ev.poll().await {
                    Ok(e) => {
                        if tx.send(Ok(e)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(describe(&e)));
                        return;
                    }
                }
            }
        });
        Dev {
            name: device.to_owned(),
            client,
            events,
            task,
        }
    }

    /// Waits for the CONNACK; the refusal otherwise.
    pub async fn connected(&mut self) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(Ok(Event::Incoming(Packet::ConnAck(_))))) => return Ok(()),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(e))) => return Err(e),
                Ok(None) => return Err("closed".into()),
                Err(_) => return Err("no CONNACK in 5 s".into()),
            }
        }
    }

    /// Waits until the connection ends; its error.
    pub async fn closed_within(&mut self, limit: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(e))) => return Some(e),
                Ok(None) => return Some("closed".into()),
                Err(_) => return None,
            }
        }
    }

    pub async fn report(&self, seq: u64, paper: u8) {
        let r = Report {
            seq,
            metrics: devices::Metrics {
                paper_pct: Some(paper),
                ..Default::default()
            },
            busy: None,
        };
        self.client
            .publish(
                topic(HALL, &id(&self.name), Leaf::Report),
                QoS::AtLeastOnce,
                false,
                serde_json::to_vec(&r).unwrap(),
            )
            .await
            .unwrap();
    }

    /// Drops the socket without a DISCONNECT.
    pub fn kill(self) {
        self.task.abort();
    }
}

fn describe(e: &ConnectionError) -> String {
    match e {
        ConnectionError::ConnectionRefused(code) => format!("refused: {code:?}"),
        other => other.to_string(),
    }
}

/// The next Heard that satisfies `want`, within `limit`.
pub async fn heard(
    rx: &mut mpsc::Receiver<Heard>,
    limit: Duration,
    want: impl Fn(&Heard) -> bool,
) -> Option<Heard> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(h)) if want(&h) => return Some(h),
            Ok(Some(_)) => {}
            _ => return None,
        }
    }
}

fn report_of(h: &Heard, device: &str) -> Option<Report> {
    match &h.message {
        Message::Report(r) if h.device.as_str() == device => Some(r.clone()),
        _ => None,
    }
}

fn is_status(h: &Heard, device: &str, s: Status) -> bool {
    h.device.as_str() == device && h.message == Message::Status(s)
}

async fn ready(b: &TestBroker) -> (Bridge, mpsc::Receiver<Heard>) {
    let (bridge, rx) = start_bridge(b, 1024);
    assert!(
        bridge.wait_subscribed(Duration::from_secs(5)).await,
        "the bridge did not subscribe"
    );
    (bridge, rx)
}

async fn online(b: &TestBroker, device: &str) -> Dev {
    let pass = DEVICES.iter().find(|d| d.0 == device).unwrap().1;
    let mut d = Dev::connect(b.port(), device, pass);
    d.connected()
        .await
        .unwrap_or_else(|e| panic!("{device} could not connect: {e}"));
    d
}

// ---- the journeys, each run against both brokers ----

async fn reports_and_the_last_will(kind: Kind) {
    let b = TestBroker::start(kind).await;
    let (_bridge, mut rx) = ready(&b).await;
    let d = online(&b, "T01").await;
    d.client
        .publish(
            topic(HALL, &id("T01"), Leaf::Status),
            QoS::AtLeastOnce,
            true,
            serde_json::to_vec(&Status::Online).unwrap(),
        )
        .await
        .unwrap();
    d.report(7, 42).await;
    let before = Clock::default().now();
    assert!(heard(&mut rx, Duration::from_secs(5), |h| is_status(
        h,
        "T01",
        Status::Online
    ))
    .await
    .is_some());
    let h = heard(&mut rx, Duration::from_secs(5), |h| {
        report_of(h, "T01").is_some()
    })
    .await
    .expect("the report");
    let r = report_of(&h, "T01").unwrap();
    assert_eq!((r.seq, r.metrics.paper_pct), (7, Some(42)));
    assert!(
        h.at >= before - 1000 && h.at <= Clock::default().now(),
        "stamped with the hall's clock"
    );

    // The socket dies without a DISCONNECT: the broker publishes the will at once.
    let t = std::time::Instant::now();
    d.kill();
    assert!(
        heard(&mut rx, Duration::from_secs(3), |h| is_status(
            h,
            "T01",
            Status::Offline
        ))
        .await
        .is_some(),
        "no last will after the socket dropped"
    );
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "the will took {:?}",
        t.elapsed()
    );
    // And again after it comes back: every connection leaves its will.
    let d = online(&b, "T01").await;
    d.report(8, 41).await;
    assert!(
        heard(&mut rx, Duration::from_secs(5), |h| report_of(h, "T01")
            .is_some_and(|r| r.seq == 8))
        .await
        .is_some()
    );
    d.kill();
    assert!(
        heard(&mut rx, Duration::from_secs(3), |h| is_status(
            h,
            "T01",
            Status::Offline
        ))
        .await
        .is_some(),
        "no last will after the second connection dropped"
    );
}

async fn foreign_topics_never_reach_the_alarms(kind: Kind) {
    let b = TestBroker::start(kind).await;
    let (bridge, mut rx) = ready(&b).await;
    let mut t02 = online(&b, "T02").await;
    t02.client
        .subscribe(topic(HALL, &id("T02"), Leaf::Cmd), QoS::AtLeastOnce)
        .await
        .unwrap();
    let mut t01 = online(&b, "T01").await;
    // T01 tries to speak for T02 and to read T02's commands.
    t01.client
        .publish(
            topic(HALL, &id("T02"), Leaf::Report),
            QoS::AtLeastOnce,
            false,
            br#"{"seq":666,"metrics":{"paper_pct":0}}"#.to_vec(),
        )
        .await
        .unwrap();
    t01.client
        .subscribe(topic(HALL, &id("T02"), Leaf::Cmd), QoS::AtLeastOnce)
        .await
        .unwrap();
    t01.client
        .publish(
            topic(HALL, &id("T02"), Leaf::Status),
            QoS::AtLeastOnce,
            true,
            serde_json::to_vec(&Status::Offline).unwrap(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Let T02's own subscription be in place before the command.
    let mut t02_seen_suback = false;
    while let Ok(Some(Ok(e))) =
        tokio::time::timeout(Duration::from_millis(200), t02.events.recv()).await
    {
        t02_seen_suback |= matches!(e, Event::Incoming(Packet::SubAck(_)));
    }
    assert!(t02_seen_suback);
    bridge
        .command(&id("T02"), br#"{"op":"reload"}"#.to_vec())
        .unwrap();

    // T02 gets its command; T01 never does.
    let got = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(Ok(Event::Incoming(Packet::Publish(p)))) = t02.events.recv().await {
                return p;
            }
        }
    })
    .await
    .expect("T02 got no command");
    assert_eq!(got.topic, topic(HALL, &id("T02"), Leaf::Cmd));
    let leaked = tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            match t01.events.recv().await {
                Some(Ok(Event::Incoming(Packet::Publish(p)))) => return Some(p.topic),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    })
    .await;
    assert!(
        !matches!(leaked, Ok(Some(_))),
        "T01 read a foreign command: {leaked:?}"
    );
    // Nothing in T02's name reached the alarms.
    let forged = heard(&mut rx, Duration::from_secs(1), |h| {
        h.device.as_str() == "T02"
    })
    .await;
    assert!(
        forged.is_none(),
        "a forged message reached the alarms: {forged:?}"
    );
    if kind == Kind::Embedded {
        // The gate closed T01's connection on the first foreign topic.
        assert!(
            t01.closed_within(Duration::from_secs(2)).await.is_some(),
            "T01 stayed connected"
        );
    }
}

async fn a_bad_password_is_refused(kind: Kind) {
    let b = TestBroker::start(kind).await;
    let (_bridge, mut rx) = ready(&b).await;
    let mut d = Dev::connect(b.port(), "T01", "not-the-password");
    let e = d.connected().await.expect_err("a bad password was let in");
    assert!(
        e.contains("BadUserNamePassword") || e.contains("NotAuthorized"),
        "refused with {e}"
    );
    // A client id other than the username is refused by the embedded gate
    // (Mosquitto takes the username as the client id).
    let mut o = MqttOptions::new("T02", "127.0.0.1", b.port());
    o.set_credentials("T01", "pw-T01-secret");
    let (c, mut ev) = AsyncClient::new(o, 8);
    let first = tokio::time::timeout(Duration::from_secs(5), ev.poll())
        .await
        .unwrap();
    match kind {
        Kind::Embedded => assert!(
            matches!(
                first,
                Err(ConnectionError::ConnectionRefused(
                    ConnectReturnCode::BadUserNamePassword
                ))
            ),
            "{first:?}"
        ),
        Kind::Mosquitto => assert!(first.is_ok(), "{first:?}"),
    }
    drop((c, ev));
    assert!(heard(&mut rx, Duration::from_millis(500), |_| true)
        .await
        .is_none());
}

async fn the_bridge_survives_a_broker_restart(kind: Kind) {
    let mut b = TestBroker::start(kind).await;
    let (bridge, mut rx) = ready(&b).await;
    let d = online(&b, "T01").await;
    d.report(1, 90).await;
    assert!(
        heard(&mut rx, Duration::from_secs(5), |h| report_of(h, "T01")
            .is_some())
        .await
        .is_some()
    );
    d.kill();

    b.restart().await;
    // The bridge sees the loss, connects again and subscribes again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while bridge.stats().connects < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bridge did not reconnect"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(bridge.wait_subscribed(Duration::from_secs(5)).await);
    let d = online(&b, "T01").await;
    d.report(2, 89).await;
    let h = heard(&mut rx, Duration::from_secs(5), |h| {
        report_of(h, "T01").is_some_and(|r| r.seq == 2)
    })
    .await;
    assert!(h.is_some(), "no report after the restart (resubscribed?)");
}

async fn junk_is_dropped_counted_and_bounded(kind: Kind) {
    let b = TestBroker::start(kind).await;
    // A small channel nobody reads: a flood must cost counts, not memory.
    let (bridge, mut rx) = start_bridge(&b, 4);
    assert!(bridge.wait_subscribed(Duration::from_secs(5)).await);
    let d = online(&b, "T01").await;
    let ghost = online(&b, "ghost").await;
    let t = |leaf| topic(HALL, &id("T01"), leaf);
    d.client
        .publish(
            t(Leaf::Report),
            QoS::AtLeastOnce,
            false,
            b"{not json".to_vec(),
        )
        .await
        .unwrap();
    d.client
        .publish(
            t(Leaf::Status),
            QoS::AtLeastOnce,
            false,
            br#"{"state":"sleeping"}"#.to_vec(),
        )
        .await
        .unwrap();
    let mut big = br#"{"seq":1,"metrics":{},"pad":""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', devices::telemetry::MAX_PAYLOAD));
    big.extend(br#""}"#);
    d.client
        .publish(t(Leaf::Report), QoS::AtLeastOnce, false, big)
        .await
        .unwrap();
    ghost
        .client
        .publish(
            topic(HALL, &id("ghost"), Leaf::Report),
            QoS::AtLeastOnce,
            false,
            br#"{"seq":1}"#.to_vec(),
        )
        .await
        .unwrap();
    for seq in 0..300 {
        d.report(seq, 50).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let s = bridge.stats();
        if s.heard + s.full >= 300 && s.malformed >= 2 && s.oversized >= 1 && s.unknown_device >= 1
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not all counted: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s = bridge.stats();
    assert_eq!(
        (s.malformed, s.oversized, s.unknown_device),
        (2, 1, 1),
        "{s:?}"
    );
    assert_eq!(s.heard, 4, "only what fits the channel is handed on: {s:?}");
    assert_eq!(s.full, 296, "{s:?}");
    // The four handed on are the first four good reports, in order.
    let mut seqs = Vec::new();
    while let Ok(h) = rx.try_recv() {
        seqs.push(report_of(&h, "T01").unwrap().seq);
    }
    assert_eq!(seqs, [0, 1, 2, 3]);
}

async fn a_silent_device_is_timed_out_and_its_will_published(kind: Kind) {
    let b = TestBroker::start(kind).await;
    let (_bridge, mut rx) = ready(&b).await;
    let mut o = MqttOptions::new("T01", "127.0.0.1", b.port());
    o.set_credentials("T01", "pw-T01-secret")
        .set_keep_alive(Duration::from_secs(1))
        .set_last_will(LastWill::new(
            topic(HALL, &id("T01"), Leaf::Status),
            serde_json::to_vec(&Status::Offline).unwrap(),
            QoS::AtLeastOnce,
            true,
        ));
    let (c, mut ev) = AsyncClient::new(o, 8);
    while !matches!(ev.poll().await, Ok(Event::Incoming(Packet::ConnAck(_)))) {}
    // Connected, then silence: the socket stays open but nothing more is
    // sent (not even a ping), as behind a cut cable.
    let t = std::time::Instant::now();
    let will = heard(&mut rx, Duration::from_secs(10), |h| {
        is_status(h, "T01", Status::Offline)
    })
    .await;
    assert!(will.is_some(), "no will for a silent device");
    eprintln!(
        "{kind:?}: a silent device timed out after {:?}",
        t.elapsed()
    );
    // 1.5 × keep-alive; Mosquitto 2.0.11 (Debian 12) checks keep-alives in
    // coarser steps and is given more.
    let bound = match kind {
        Kind::Embedded => Duration::from_secs(3),
        Kind::Mosquitto => Duration::from_secs(8),
    };
    assert!(
        t.elapsed() >= Duration::from_millis(900) && t.elapsed() < bound,
        "timed out after {:?} (keep-alive 1 s)",
        t.elapsed()
    );
    drop((c, ev));
}

async fn a_device_connecting_again_keeps_its_last_will(kind: Kind) {
    let b = TestBroker::start(kind).await;
    let (_bridge, mut rx) = ready(&b).await;
    // The first connection is left half-dead: open, but never read again.
    let mut first = Dev::connect(b.port(), "T01", "pw-T01-secret");
    first.connected().await.unwrap();
    let stale = first.task;
    // The device connects again (its own reconnect after a timeout).
    let again = online(&b, "T01").await;
    again.report(5, 70).await;
    assert!(
        heard(&mut rx, Duration::from_secs(5), |h| report_of(h, "T01")
            .is_some_and(|r| r.seq == 5))
        .await
        .is_some()
    );
    // Its newest connection drops: the will still says so.
    again.kill();
    assert!(
        heard(&mut rx, Duration::from_secs(3), |h| is_status(
            h,
            "T01",
            Status::Offline
        ))
        .await
        .is_some(),
        "the newer connection's will was lost"
    );
    stale.abort();
}

macro_rules! both {
    ($($name:ident),*) => {
        mod embedded {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Kind::Embedded).await })*
        }
        mod mosquitto {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Kind::Mosquitto).await })*
        }
    };
}

both!(
    reports_and_the_last_will,
    foreign_topics_never_reach_the_alarms,
    a_bad_password_is_refused,
    the_bridge_survives_a_broker_restart,
    junk_is_dropped_counted_and_bounded,
    a_silent_device_is_timed_out_and_its_will_published,
    a_device_connecting_again_keeps_its_last_will
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_cut_at_once_and_cannot_come_back() {
    let b = TestBroker::start(Kind::Embedded).await;
    let (_bridge, mut rx) = ready(&b).await;
    let mut d = online(&b, "T01").await;
    let _other = online(&b, "T02").await;
    assert_eq!(b.embedded().connected(), [id("T01"), id("T02")]);
    b.creds.revoke("T01");
    assert_eq!(b.embedded().cut(&id("T01")), 1);
    assert!(
        d.closed_within(Duration::from_secs(2)).await.is_some(),
        "still connected"
    );
    assert!(
        heard(&mut rx, Duration::from_secs(3), |h| is_status(
            h,
            "T01",
            Status::Offline
        ))
        .await
        .is_some(),
        "a cut device's will marks it offline"
    );
    let mut again = Dev::connect(b.port(), "T01", "pw-T01-secret");
    let e = again
        .connected()
        .await
        .expect_err("a revoked credential was let in");
    assert!(e.contains("BadUserNamePassword"), "{e}");
    assert_eq!(b.embedded().connected(), [id("T02")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brokers_loopback_port_is_no_way_around_the_gate() {
    // A client that finds rumqttd's own port still needs a ticket only the
    // gate issues: a device password is refused there.
    let b = TestBroker::start(Kind::Embedded).await;
    let inner = b.embedded().broker_addr();
    assert_ne!(inner.port(), b.port());
    let mut d = Dev::connect(inner.port(), "T01", "pw-T01-secret");
    let e = d.connected().await.expect_err("logged in around the gate");
    assert!(!e.is_empty());
    // The same password through the gate is fine.
    online(&b, "T01").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_drives_every_fault_through_the_bridge() {
    use hall_node::devsim::{DevSim, SimConfig, SimDevice, SimFault, SimKind};
    // SW1 and T03 hang on UPS1; T01 and T02 on SW1 (and so on UPS1 too).
    let fleet = [
        ("UPS1", SimKind::Ups, vec![]),
        ("SW1", SimKind::Switch, vec!["UPS1"]),
        ("T01", SimKind::Terminal, vec!["SW1"]),
        ("T02", SimKind::Terminal, vec!["SW1"]),
        ("T03", SimKind::Terminal, vec!["UPS1"]),
    ];
    let pw = |d: &str| format!("sim-{d}-pass");
    let creds = Creds::default();
    for (d, _, _) in &fleet {
        creds.0.lock().unwrap().insert((*d).to_owned(), pw(d));
    }
    let broker = Embedded::start(
        embedded_config("127.0.0.1:0".parse().unwrap()),
        creds.check(),
    )
    .await
    .unwrap();
    let (tx, mut rx) = mpsc::channel(4096);
    let bridge = Bridge::start(
        BridgeConfig::new(HALL, broker.bridge_endpoint()),
        Arc::new(|_: &DeviceId| true),
        tx,
        Clock::default(),
    );
    assert!(bridge.wait_subscribed(Duration::from_secs(5)).await);
    let mut cfg = SimConfig::new(HALL, "127.0.0.1", broker.addr.port());
    cfg.heartbeat = Duration::from_millis(100);
    cfg.keep_alive = Duration::from_secs(1);
    cfg.battery_min_per_beat = 4.0;
    let sim = DevSim::start(
        cfg,
        fleet
            .iter()
            .map(|(d, kind, deps)| SimDevice {
                id: id(d),
                kind: *kind,
                password: pw(d),
                depends_on: deps.iter().map(|x| id(x)).collect(),
            })
            .collect(),
    );
    let s = Duration::from_secs;
    // Everyone reports.
    let mut reporting = HashSet::new();
    while reporting.len() < fleet.len() {
        let h = heard(&mut rx, s(5), |h| matches!(h.message, Message::Report(_)))
            .await
            .unwrap_or_else(|| panic!("only {reporting:?} reported"));
        reporting.insert(h.device.to_string());
    }
    assert_eq!(sim.connected(), fleet.len());
    let t = |h: &Heard, d: &str| report_of(h, d);

    // Paper out, then a new roll.
    sim.fault(&id("T01"), SimFault::PaperOut).unwrap();
    assert!(heard(&mut rx, s(2), |h| t(h, "T01")
        .is_some_and(|r| r.metrics.paper_pct == Some(0)))
    .await
    .is_some());
    sim.fault(&id("T01"), SimFault::Restore).unwrap();
    assert!(heard(&mut rx, s(2), |h| t(h, "T01")
        .is_some_and(|r| r.metrics.paper_pct == Some(100)))
    .await
    .is_some());
    // A jam.
    sim.fault(&id("T02"), SimFault::Jam).unwrap();
    assert!(heard(&mut rx, s(2), |h| t(h, "T02")
        .is_some_and(|r| r.metrics.printer_jam == Some(true)))
    .await
    .is_some());
    sim.fault(&id("T02"), SimFault::Restore).unwrap();
    // Offline: the socket drops, the will says so at once; back on Restore.
    sim.fault(&id("T03"), SimFault::Offline).unwrap();
    assert!(
        heard(&mut rx, s(1), |h| is_status(h, "T03", Status::Offline))
            .await
            .is_some()
    );
    sim.fault(&id("T03"), SimFault::Restore).unwrap();
    assert!(
        heard(&mut rx, s(3), |h| is_status(h, "T03", Status::Online))
            .await
            .is_some()
    );

    // The switch fails: it and its two terminals fall silent; the broker
    // times them out (1.5 × keep-alive) and publishes their wills. T03,
    // not behind the switch, goes on reporting.
    sim.fault(&id("SW1"), SimFault::SwitchDown).unwrap();
    let mut gone = HashSet::new();
    let mut t03_reports = 0;
    let deadline = tokio::time::Instant::now() + s(5);
    while gone.len() < 3 {
        let h = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("only {gone:?} went offline"))
            .unwrap();
        if h.message == Message::Status(Status::Offline) {
            gone.insert(h.device.to_string());
        }
        t03_reports += usize::from(t(&h, "T03").is_some());
    }
    assert_eq!(
        gone,
        HashSet::from(["SW1".into(), "T01".into(), "T02".into()])
    );
    assert!(t03_reports > 5, "T03 went quiet too: {t03_reports}");
    sim.fault(&id("SW1"), SimFault::Restore).unwrap();
    for d in ["SW1", "T01", "T02"] {
        assert!(
            heard(&mut rx, s(3), |h| report_of(h, d).is_some())
                .await
                .is_some(),
            "{d} did not come back"
        );
    }

    // A power cut: the UPS on battery with its minutes falling, then everything dark.
    sim.fault(&id("UPS1"), SimFault::PowerCut).unwrap();
    let mut minutes = Vec::new();
    let mut gone = HashSet::new();
    let deadline = tokio::time::Instant::now() + s(8);
    while gone.len() < fleet.len() {
        let h = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("only {gone:?} went dark; battery {minutes:?}; sim connected {}, at the gate {:?}", sim.connected(), broker.connected()))
            .unwrap();
        if let Some(r) = t(&h, "UPS1") {
            if r.metrics.on_battery == Some(true) {
                minutes.push(r.metrics.battery_min.unwrap());
            }
        }
        if h.message == Message::Status(Status::Offline) {
            gone.insert(h.device.to_string());
        }
    }
    assert!(
        minutes.len() >= 3 && minutes.windows(2).all(|w| w[1] < w[0]),
        "{minutes:?}"
    );
    assert_eq!(*minutes.last().unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sim.connected(),
        0,
        "at the gate: {:?}; gone {gone:?}",
        broker.connected()
    );
    sim.fault(&id("UPS1"), SimFault::Restore).unwrap();
    assert!(heard(&mut rx, s(3), |h| t(h, "UPS1")
        .is_some_and(|r| r.metrics.on_battery == Some(false)))
    .await
    .is_some());
    assert!(
        sim.fault(&id("T01"), SimFault::PowerCut).is_err(),
        "a terminal has no mains to cut"
    );
    assert_eq!(bridge.stats().full, 0);
}
