//! The hall node: owns one hall's live queue, serves the hall API, the live events and the device pages.
//!
//! Library plus a headless binary (`hall-node`); a desktop app can host it
//! in-process. Only the hall node issues and calls tickets, so no number is
//! ever issued or called twice.

pub mod alarms;
mod auth;
mod changes;
pub mod cli;
pub mod clock;
pub mod customers;
pub mod devsim;
pub mod downlink;
mod driver;
pub mod emergency;
pub mod error;
mod http;
pub mod mqtt;
pub mod programs;
mod secret;
pub mod sim;
pub mod uplink;
pub mod video;
mod views;

/// The edges of the hall API (404, 405 and panics as `{code, message}`), for
/// tests that put them around a router of their own.
pub use http::edges;

use clock::Clock;
use driver::Driver;
use error::HallError;
use queue::QueueConfig;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use store::{Hall, Store};
use tokio::sync::{oneshot, RwLock};

/// How to run a hall node.
#[derive(Debug, Clone)]
pub struct Options {
    pub db: PathBuf,
    pub listen: SocketAddr,
    pub utc_offset_minutes: i32,
    /// Seed the demo hall, its accounts and devices into an empty database.
    pub demo: bool,
    /// The queue set-up for days this node opens until the province sends
    /// one (a day keeps the set-up it opened with).
    pub queue: QueueConfig,
    /// Where to replicate to; `None` keeps everything local.
    pub province: Option<uplink::Province>,
    /// How devices are watched and alarms raised (heartbeat, limits, floors).
    pub devices: alarms::AlarmOptions,
    /// Where the MQTT devices connect (off unless asked for).
    pub mqtt: Broker,
    /// How the cameras are recorded and footage kept.
    pub video: video::VideoOptions,
}

/// The MQTT broker of the hall's devices.
#[derive(Debug, Clone, Default)]
pub enum Broker {
    /// No MQTT devices are heard.
    #[default]
    Off,
    /// The broker embedded in this node, listening for devices at this address (the hall LAN).
    Embedded { listen: SocketAddr },
    /// An external broker (Mosquitto) that authenticates the devices itself; the node logs in as this.
    External(mqtt::Endpoint),
}

#[derive(Clone)]
pub struct AppState {
    store: Store,
    driver: Driver,
    clock: Clock,
    hall: Hall,
    names: Arc<RwLock<views::Names>>,
    callers: auth::CallerCache,
    /// `None` when no province is configured.
    link: Option<uplink::SharedLink>,
    province: Option<uplink::Province>,
    /// Releases fetched for the hall's PCs (files named by their SHA-256).
    release_cache: PathBuf,
    /// One release download at a time.
    fetching: Arc<tokio::sync::Mutex<()>>,
    /// The node's client for calls to the province (connections are reused).
    http: reqwest::Client,
    /// The province's last offer per target and version, for when it is out of reach
    /// (kept in the store too, and loaded on start).
    offers: Arc<std::sync::Mutex<HashMap<String, http::Offer>>>,
    /// Where this node listens (for links when a request names no host).
    addr: SocketAddr,
    /// The device registry, presence and alarms.
    alarms: alarms::AlarmService,
    /// The programs on the hall's screens and their media cache.
    screens: programs::Screens,
    /// The cameras' recorders, the footage index and the players' grants.
    video: video::Video,
    /// Told after a write to the outbox outside the driver (the uplink sends at once).
    outbox: Arc<tokio::sync::Notify>,
    /// Plans, proposals and running incidents.
    emergency: emergency::EmergencyService,
}

impl AppState {
    /// Tells the uplink there is something new in the outbox.
    fn wake_uplink(&self) {
        self.outbox.notify_one();
    }
}

/// A started hall node.
pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    /// Where MQTT devices connect, when the embedded broker runs.
    pub mqtt_addr: Option<SocketAddr>,
    alarms: alarms::AlarmService,
    video: video::Video,
    emergency: emergency::EmergencyService,
    /// The MQTT side, kept for as long as the node runs.
    _mqtt: Option<MqttSide>,
    stop: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The alarm service: where the MQTT side sends what devices say
    /// ([`alarms::AlarmService::heard_sender`]) and checks their credentials
    /// ([`alarms::AlarmService::check_mqtt`]).
    pub fn alarms(&self) -> &alarms::AlarmService {
        &self.alarms
    }

    /// The emergency service (told when plans arrive).
    pub fn emergency(&self) -> &emergency::EmergencyService {
        &self.emergency
    }

    /// The cameras' recorders and footage (retention can be run at once).
    pub fn video(&self) -> &video::Video {
        &self.video
    }

    /// Where the MQTT side sends what devices say.
    pub fn heard_sender(&self) -> tokio::sync::mpsc::Sender<devices::telemetry::Heard> {
        self.alarms.heard_sender()
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }

    /// Waits until the server ends by itself.
    pub async fn wait(mut self) {
        let _ = (&mut self.server).await;
    }
}

/// The setting under which demo device tokens are kept (demo databases only).
const DEMO_DEVICES: &str = "demo_device_tokens";

pub async fn start(opts: Options) -> Result<Running, HallError> {
    start_with(opts, None).await
}

/// Starts the node on a port the caller has bound already (`opts.listen` is
/// not used): its address is known before the node is ready, and requests
/// that come earlier wait in the port's backlog until it serves.
pub async fn start_on(
    opts: Options,
    listener: std::net::TcpListener,
) -> Result<Running, HallError> {
    start_with(opts, Some(listener)).await
}

async fn start_with(
    opts: Options,
    bound: Option<std::net::TcpListener>,
) -> Result<Running, HallError> {
    let store = Store::open(&opts.db).await?;
    if opts.demo {
        store.seed_demo_if_empty().await?;
    }
    let hall = store.this_hall().await?;
    let names: views::Names = store
        .staff_names()
        .await?
        .into_iter()
        .collect::<HashMap<_, _>>();
    let clock = Clock::new(opts.utc_offset_minutes);
    // The province's set-up when it has sent one, else the given one.
    let config = match downlink::province_config(&store, hall.code.as_str()).await {
        Ok(Some(config)) => config,
        Ok(None) => opts.queue.clone(),
        Err(e) => {
            tracing::warn!(error = %e, "the province's queue set-up is not usable; using the built-in one");
            opts.queue.clone()
        }
    };
    let (config_tx, config_rx) = tokio::sync::watch::channel(config);
    let driver = Driver::start(
        store.clone(),
        config_rx,
        clock.clone(),
        format!("hall:{}", hall.code),
    )
    .await?;
    // Every writer of the outbox but the driver tells the uplink through this.
    let outbox = Arc::new(tokio::sync::Notify::new());
    let alarms = alarms::AlarmService::start(
        store.clone(),
        driver.clone(),
        clock.clone(),
        opts.devices.clone(),
        outbox.clone(),
    )
    .await?;
    if opts.demo {
        seed_demo_devices(&store, &alarms).await?;
    }
    // The queue serves even when the devices' broker cannot start (say, its port is taken).
    let mqtt = match start_mqtt(&opts.mqtt, hall.code.as_str(), &alarms, &clock).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "the MQTT broker cannot start: MQTT devices are not heard");
            None
        }
    };
    let video = video::Video::start(
        store.clone(),
        &opts.db,
        opts.video.clone(),
        clock.clone(),
        alarms.clone(),
    )
    .await?;
    let emergency = emergency::EmergencyService::start(
        store.clone(),
        driver.clone(),
        clock.clone(),
        alarms.events.subscribe(),
        alarms.commands.subscribe(),
        outbox.clone(),
        opts.demo,
    )
    .await?;
    if let (true, Some(base)) = (opts.demo, opts.video.demo_cameras.as_deref()) {
        seed_demo_cameras(&store, &video, &clock, base).await?;
    }
    let listener = match bound {
        Some(listener) => listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(listener)),
        None => tokio::net::TcpListener::bind(opts.listen).await,
    }
    .map_err(HallError::internal)?;
    let addr = listener.local_addr().map_err(HallError::internal)?;
    let state = AppState {
        store: store.clone(),
        driver,
        clock,
        hall,
        names: Arc::new(RwLock::new(names)),
        callers: auth::CallerCache::default(),
        link: opts
            .province
            .as_ref()
            .map(|_| uplink::SharedLink::default()),
        province: opts.province.clone(),
        release_cache: opts
            .db
            .parent()
            .map(|d| d.join("releases"))
            .unwrap_or_else(|| PathBuf::from("releases")),
        fetching: Default::default(),
        http: reqwest::Client::new(),
        // What the province last offered, also when it is away at this start.
        offers: Arc::new(std::sync::Mutex::new(http::kept_offers(&store).await?)),
        addr,
        alarms: alarms.clone(),
        screens: programs::Screens::new(
            store.clone(),
            opts.db
                .parent()
                .map(|d| d.join("programs"))
                .unwrap_or_else(|| PathBuf::from("programs")),
            opts.utc_offset_minutes,
        ),
        video: video.clone(),
        outbox: outbox.clone(),
        emergency,
    };
    if let Some(province) = opts.province.clone() {
        let link = state.link.clone().unwrap_or_default();
        tokio::spawn(uplink::run(
            store.clone(),
            province.clone(),
            state.hall.code.to_string(),
            state.clock.clone(),
            link,
            state.driver.events.subscribe(),
            outbox,
        ));
        tokio::spawn(downlink::run(
            store.clone(),
            province.clone(),
            state.hall.code.to_string(),
            state.clock.clone(),
            downlink::Sinks {
                config: config_tx,
                names: state.names.clone(),
                link: state.link.clone().unwrap_or_default(),
                screens: state.screens.clone(),
                emergency: state.emergency.clone(),
            },
        ));
        tokio::spawn(customers::run(
            store.clone(),
            province.clone(),
            state.clock.clone(),
        ));
        state
            .emergency
            .follow_nearby(province.clone(), state.http.clone());
        tokio::spawn(programs::fetch_assets(
            state.screens.clone(),
            province,
            state.http.clone(),
        ));
    }
    let emergency = state.emergency.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    // A span per request, so every line logged while answering it names the request.
    let app = http::router(state).layer(
        tower_http::trace::TraceLayer::new_for_http()
            .make_span_with(tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO)),
    );
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "the server stopped");
        }
    });
    Ok(Running {
        addr,
        store,
        mqtt_addr: mqtt.as_ref().and_then(|m| m.addr),
        _mqtt: mqtt,
        alarms,
        video,
        emergency,
        stop: Some(stop),
        server,
    })
}

/// The broker (when embedded) and the bridge that hands devices' messages to the alarms.
struct MqttSide {
    addr: Option<SocketAddr>,
    _embedded: Option<Arc<mqtt::Embedded>>,
    _bridge: Arc<mqtt::Bridge>,
}

/// Starts the embedded broker (devices authenticated by the alarm service's
/// credential check, revoked ones cut at once) or reaches the external one,
/// and the bridge.
async fn start_mqtt(
    broker: &Broker,
    hall: &str,
    alarms: &alarms::AlarmService,
    clock: &Clock,
) -> Result<Option<MqttSide>, HallError> {
    let (embedded, endpoint) = match broker {
        Broker::Off => return Ok(None),
        Broker::External(endpoint) => (None, endpoint.clone()),
        Broker::Embedded { listen } => {
            let checker = alarms.clone();
            let check: mqtt::CredentialCheck = Arc::new(move |client, user, password| {
                let checker = checker.clone();
                Box::pin(async move { checker.check_mqtt(&client, &user, &password) })
            });
            let cfg = mqtt::EmbeddedConfig {
                hall: hall.to_owned(),
                listen: *listen,
                max_connections: devices::registry::MAX_DEVICES,
            };
            let embedded = Arc::new(mqtt::Embedded::start(cfg, check).await?);
            let endpoint = embedded.bridge_endpoint();
            // A revoked device is cut the moment its credential stops working.
            let mut revoked = alarms.revoked.subscribe();
            let weak = Arc::downgrade(&embedded);
            tokio::spawn(async move {
                loop {
                    match revoked.recv().await {
                        Ok(id) => match weak.upgrade() {
                            Some(e) => {
                                e.cut(&id);
                            }
                            None => return,
                        },
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(_) => return,
                    }
                }
            });
            (Some(embedded), endpoint)
        }
    };
    let addr = embedded.as_ref().map(|_| {
        let ip = endpoint
            .host
            .parse()
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        SocketAddr::new(ip, endpoint.port)
    });
    let known: mqtt::bridge::KnownDevice = {
        let alarms = alarms.clone();
        Arc::new(move |id: &devices::DeviceId| alarms.is_mqtt_device(id))
    };
    let bridge = Arc::new(mqtt::Bridge::start(
        mqtt::BridgeConfig::new(hall, endpoint),
        known,
        alarms.heard_sender(),
        clock.clone(),
    ));
    // Orders for MQTT devices go out on their `cmd` topic; one the broker
    // cannot take now expires visibly at the alarm service.
    let mut orders = alarms.orders.subscribe();
    let weak = Arc::downgrade(&bridge);
    let service = alarms.clone();
    tokio::spawn(async move {
        loop {
            match orders.recv().await {
                Ok(order) => {
                    let (device, order) = &*order;
                    if !service.is_mqtt_device(device) {
                        continue;
                    }
                    let Some(bridge) = weak.upgrade() else { return };
                    let sent = serde_json::to_vec(order)
                        .map_err(|e| e.to_string())
                        .and_then(|payload| {
                            bridge.command(device, payload).map_err(|e| e.to_string())
                        });
                    if let Err(e) = sent {
                        tracing::warn!(device = %device, command = order.id, error = %e, "a command could not be published");
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "orders were missed; their commands will expire");
                }
                Err(_) => return,
            }
        }
    });
    Ok(Some(MqttSide {
        addr,
        _embedded: embedded,
        _bridge: bridge,
    }))
}

/// The setting under which the demo MQTT devices' passwords are kept (demo databases only).
const DEMO_MQTT: &str = "demo_mqtt_passwords";

/// The demo hall's devices, as a hall would register them: the kiosk, the
/// call display, six counters each with its PC and pad, four self-service
/// terminals, two cameras, the switch everything hangs on and the UPS the
/// switch hangs on, each at its place on the floor plan. The web devices'
/// tokens and the MQTT devices' passwords are kept in the demo database so
/// the demo can print them.
async fn seed_demo_devices(store: &Store, alarms: &alarms::AlarmService) -> Result<(), HallError> {
    use devices::{Device, DeviceId, DeviceKind as K, Spot};
    if store.setting(DEMO_DEVICES).await?.is_some() {
        return Ok(());
    }
    let id = |s: &str| DeviceId::parse(s).map_err(|e| HallError::internal(e.to_string()));
    let at = |x, y| Spot { x, y };
    let mut plan: Vec<Device> = Vec::new();
    let mut add = |device: Device| plan.push(device);
    add(Device {
        id: id("ups-1")?,
        kind: K::Ups,
        name: "不间断电源".into(),
        spot: at(950, 40),
        counter: None,
        depends_on: vec![],
    });
    add(Device {
        id: id("sw-1")?,
        kind: K::Switch,
        name: "网络交换机".into(),
        spot: at(780, 40),
        counter: None,
        depends_on: vec![id("ups-1")?],
    });
    let on_switch = vec![id("sw-1")?];
    add(Device {
        id: id("kiosk-1")?,
        kind: K::Kiosk,
        name: "取号机 1".into(),
        spot: at(120, 900),
        counter: None,
        depends_on: on_switch.clone(),
    });
    add(Device {
        id: id("display-1")?,
        kind: K::Display,
        name: "叫号屏 1".into(),
        spot: at(500, 60),
        counter: None,
        depends_on: on_switch.clone(),
    });
    let mut pads = Vec::new();
    for counter in 1..=6u16 {
        let x = 150 + 140 * (counter - 1);
        add(Device {
            id: id(&format!("pc-{counter}"))?,
            kind: K::CounterPc,
            name: format!("{counter} 号窗口电脑"),
            spot: at(x, 200),
            counter: Some(counter),
            depends_on: on_switch.clone(),
        });
        pads.push(Device {
            id: id(&format!("pad-{counter}"))?,
            kind: K::Pad,
            name: format!("{counter} 号窗口评价器"),
            spot: at(x, 290),
            counter: Some(counter),
            depends_on: vec![id(&format!("pc-{counter}"))?],
        });
    }
    for pad in pads {
        add(pad);
    }
    for n in 1..=4u16 {
        add(Device {
            id: id(&format!("T0{n}"))?,
            kind: K::Terminal,
            name: format!("自助缴费终端 {n}"),
            // Two by two in the self-service corner.
            spot: at(
                if n % 2 == 1 { 100 } else { 250 },
                if n <= 2 { 560 } else { 740 },
            ),
            counter: None,
            depends_on: on_switch.clone(),
        });
    }
    for (n, spot) in [(1, at(40, 40)), (2, at(960, 960))] {
        add(Device {
            id: id(&format!("cam-{n}"))?,
            kind: K::Camera,
            name: format!("摄像机 {n}"),
            spot,
            counter: None,
            depends_on: on_switch.clone(),
        });
    }
    let mut tokens = serde_json::Map::new();
    let mut passwords = serde_json::Map::new();
    for device in plan {
        let key = device.id.to_string();
        // The pages the demo prints, by the names it always printed them under.
        let page = match device.kind {
            K::Kiosk => Some("kiosk".to_owned()),
            K::Display => Some("display".to_owned()),
            K::Pad => Some(key.clone()),
            _ => None,
        };
        match alarms.add(device).await {
            Ok((_, store::devices::Issued::Token(token))) => {
                if let Some(page) = page {
                    tokens.insert(page, token.into());
                }
            }
            Ok((_, store::devices::Issued::Password(password))) => {
                passwords.insert(key, password.into());
            }
            Ok(_) => {}
            // A seed cut short before: what is there stays.
            Err(HallError::Input(_, ipc::ErrorCode::DeviceExists)) => {}
            Err(e) => return Err(e),
        }
    }
    store
        .put_setting(DEMO_MQTT, &serde_json::Value::Object(passwords).to_string())
        .await?;
    store
        .put_setting(DEMO_DEVICES, &serde_json::Value::Object(tokens).to_string())
        .await?;
    Ok(())
}

/// Where the demo's test cameras serve (`cargo xtask demo` starts them; `yyt-testcam`).
pub const DEMO_CAMERAS: &str = "rtsp://127.0.0.1:7554";

/// The demo hall's cameras get their streams once, from test cameras at
/// `base`: camera 1 looks at counters 1–3, camera 2 at counters 4–6
/// (nothing answering there is a camera offline, as in a hall).
async fn seed_demo_cameras(
    store: &Store,
    video: &video::Video,
    clock: &Clock,
    base: &str,
) -> Result<(), HallError> {
    if !video.setups().is_empty() {
        return Ok(());
    }
    for (n, covers) in [(1, [1u16, 2, 3]), (2, [4, 5, 6])] {
        let Ok(id) = devices::DeviceId::parse(&format!("cam-{n}")) else {
            continue;
        };
        let known = store
            .device_records()
            .await?
            .iter()
            .any(|r| r.device.id == id && r.revoked_at.is_none());
        let setup = devices::video::CameraSetup::parse(&format!("{base}/cam-{n}"), &covers)
            .map_err(HallError::internal)?;
        if known {
            video.set_camera(&id, setup, "demo", clock.now()).await?;
        }
    }
    Ok(())
}

/// The demo MQTT devices' credentials (id = client id = username, password),
/// when this is a demo database: what the device simulator connects with.
pub async fn demo_mqtt_credentials(store: &Store) -> Result<Vec<(String, String)>, HallError> {
    let Some(json) = store.setting(DEMO_MQTT).await? else {
        return Ok(Vec::new());
    };
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&json).map_err(HallError::internal)?;
    Ok(map.into_iter().collect())
}

/// The demo devices' page URLs at `addr` (name, URL), when this is a demo database.
pub async fn demo_device_urls(
    store: &Store,
    addr: SocketAddr,
) -> Result<Vec<(String, String)>, HallError> {
    let Some(json) = store.setting(DEMO_DEVICES).await? else {
        return Ok(Vec::new());
    };
    let tokens: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json).map_err(HallError::internal)?;
    Ok(tokens
        .into_iter()
        .filter_map(|(name, token)| {
            let token = token.as_str()?.to_owned();
            let page = if name.starts_with("pad") {
                "pad"
            } else {
                name.as_str()
            };
            Some((name.clone(), format!("http://{addr}/{page}?token={token}")))
        })
        .collect())
}
