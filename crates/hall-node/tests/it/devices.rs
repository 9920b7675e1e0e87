//! The supervisor's device monitor: provisioning and revoking, presence, alarms journaled before they are told and replicated, queue and service-quality alarms, and a kill -9 with alarms open.

use super::*;
use ::devices::telemetry::{Heard, Message as DeviceMessage, Report, Status};
use ::devices::{Alarm, AlarmChange, AlarmState, DeviceId, Fault, Metrics, Source, Transition};
use ipc::devices::{AddDeviceReply, Credential, DeviceView, PresenceState};
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::Message;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn id(s: &str) -> DeviceId {
    DeviceId::parse(s).unwrap()
}

/// A node whose MQTT devices beat every `heartbeat_ms`.
async fn node_beating(heartbeat_ms: i64) -> Node {
    Node::start_with(|o| hall_node::Options {
        devices: hall_node::alarms::AlarmOptions {
            heartbeat_ms,
            ..Default::default()
        },
        ..o
    })
    .await
}

async fn devices_of(n: &Node, token: &str) -> Vec<DeviceView> {
    let (s, v) = n.req("GET", "/api/v1/devices", Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

async fn alarms_of(n: &Node, token: &str, query: &str) -> Vec<Alarm> {
    let (s, v) = n
        .req("GET", &format!("/api/v1/alarms{query}"), Some(token), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

/// A refusal as the hall answers it: the status, the code, and a message in Chinese.
fn refused(got: (StatusCode, Value), status: StatusCode, want: &str) {
    let (s, v) = got;
    assert_eq!((s, code(&v)), (status, want), "{v}");
    let message = v["message"].as_str().unwrap_or_default();
    assert!(
        message.chars().any(|c| c as u32 >= 0x4e00),
        "a Chinese message: {v}"
    );
}

fn report(device: &str, metrics: Metrics) -> Heard {
    Heard {
        device: id(device),
        at: now_ms(),
        message: DeviceMessage::Report(Report {
            seq: 1,
            metrics,
            busy: None,
        }),
    }
}

/// Waits (up to 10 s) until `f` holds for the node's open and cleared alarms.
async fn until_alarms(
    n: &Node,
    token: &str,
    what: &str,
    f: impl Fn(&[Alarm]) -> bool,
) -> Vec<Alarm> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let all = alarms_of(n, token, "?state=all&limit=500").await;
        if f(&all) {
            return all;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {all:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_demo_hall_is_registered_with_its_places_and_dependencies() {
    let n = Node::start().await;
    let sup = n.login("2001").await;
    let all = devices_of(&n, &sup).await;
    let get = |i: &str| all.iter().find(|d| d.device.id.as_str() == i).unwrap();
    assert_eq!(
        all.len(),
        2 + 2 + 6 + 6 + 4 + 2,
        "switch, UPS, kiosk, display, 6 PCs, 6 pads, 4 terminals, 2 cameras"
    );
    assert_eq!(get("sw-1").device.depends_on, [id("ups-1")]);
    assert_eq!(get("pad-3").device.depends_on, [id("pc-3")]);
    assert_eq!(get("pad-3").device.counter, Some(3));
    for d in &all {
        if !matches!(d.device.id.as_str(), "ups-1" | "sw-1")
            && !d.device.id.as_str().starts_with("pad-")
        {
            assert_eq!(d.device.depends_on, [id("sw-1")], "{}", d.device.id);
        }
    }
    // MQTT devices are watched from the start; pages once they connect.
    assert_eq!(get("T01").presence, PresenceState::Online);
    assert_eq!(get("kiosk-1").presence, PresenceState::Unknown);
    assert_eq!(get("cam-1").presence, PresenceState::Unknown);
    // The demo's page addresses still work: the kiosk's token issues tickets.
    let urls = hall_node::demo_device_urls(&n.running.store, n.running.addr)
        .await
        .unwrap();
    assert_eq!(urls.len(), 8, "{urls:?}");
    let kiosk = urls.iter().find(|(name, _)| name == "kiosk").unwrap();
    let token = kiosk.1.rsplit("token=").next().unwrap();
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/tickets",
            Some(token),
            Some(json!({"business": "A"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mqtt = hall_node::demo_mqtt_credentials(&n.running.store)
        .await
        .unwrap();
    assert_eq!(mqtt.len(), 6, "4 terminals, the switch and the UPS");
    let (t01, password) = &mqtt.iter().find(|(i, _)| i == "T01").unwrap();
    assert_eq!(
        n.running.alarms().check_mqtt(t01, t01, password),
        Some(id("T01"))
    );
    n.running.stop().await;
}

#[tokio::test]
async fn a_device_is_provisioned_once_and_revoking_stops_its_credential_at_once() {
    let n = Node::start().await;
    let sup = n.login("2001").await;
    let add = |body: Value| n.req("POST", "/api/v1/devices", Some(&sup), Some(body));

    // A web device: its page address, with a token that works at once.
    let (s, v) = add(json!({"id": "kiosk-2", "kind": "kiosk", "name": "取号机 2",
        "spot": {"x": 200, "y": 900}, "depends_on": ["sw-1"]}))
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reply: AddDeviceReply = serde_json::from_value(v).unwrap();
    let Credential::Token { token, url } = reply.credential else {
        panic!("a kiosk gets a token: {:?}", reply.credential)
    };
    assert_eq!(
        url.as_deref(),
        Some(format!("http://{}/kiosk?token={token}", n.running.addr).as_str())
    );
    assert_eq!(reply.device.device.depends_on, [id("sw-1")]);
    let issue = || {
        n.req(
            "POST",
            "/api/v1/tickets",
            Some(&token),
            Some(json!({"business": "A"})),
        )
    };
    assert_eq!(issue().await.0, StatusCode::CREATED);
    let ws = format!("ws://{}/api/v1/events?token={token}", n.running.addr);
    let (mut page, _) = tokio_tungstenite::connect_async(ws).await.unwrap();

    // An MQTT device: a username and a password the broker's check accepts.
    let (s, v) = add(
        json!({"id": "T05", "kind": "terminal", "name": "自助缴费终端 5",
        "spot": {"x": 600, "y": 700}, "depends_on": ["sw-1"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reply: AddDeviceReply = serde_json::from_value(v).unwrap();
    let Credential::Mqtt {
        username,
        password,
        topic_prefix,
    } = reply.credential
    else {
        panic!("a terminal gets a username and password")
    };
    assert_eq!(
        (username.as_str(), topic_prefix.as_str()),
        ("T05", "yyt/H0101/dev/T05/")
    );
    let alarms = n.running.alarms();
    assert_eq!(alarms.check_mqtt("T05", "T05", &password), Some(id("T05")));
    assert_eq!(alarms.check_mqtt("T05", "T05", "wrong"), None);
    assert_eq!(
        alarms.check_mqtt("T01", "T05", &password),
        None,
        "posing under another client id"
    );
    assert_eq!(
        alarms.check_mqtt("T01", "T01", &password),
        None,
        "another device's password"
    );

    // Answered once: the list never shows a credential again.
    let (_, listed) = n.req("GET", "/api/v1/devices", Some(&sup), None).await;
    let text = listed.to_string();
    assert!(!text.contains(&token) && !text.contains(&password));
    // Both are on their way to the province.
    let rows = n.running.store.outbox_after(0, 1000).await.unwrap();
    for key in ["kiosk-2", "T05"] {
        assert!(
            rows.iter().any(|r| r.kind == "device" && r.key == key),
            "{key}"
        );
    }

    // Revoked: the token is refused from the next request, its page is closed, the broker refuses.
    let (s, v) = n
        .req("POST", "/api/v1/devices/kiosk-2/revoke", Some(&sup), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view: DeviceView = serde_json::from_value(v).unwrap();
    assert!(view.revoked_at.is_some());
    refused(issue().await, StatusCode::UNAUTHORIZED, "unauthorized");
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match futures_next(&mut page).await {
                Some(Message::Close(_)) | None => return,
                Some(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the revoked page's connection stays open");
    n.req("POST", "/api/v1/devices/T05/revoke", Some(&sup), None)
        .await;
    assert_eq!(alarms.check_mqtt("T05", "T05", &password), None);
    refused(
        n.req("POST", "/api/v1/devices/T05/revoke", Some(&sup), None)
            .await,
        StatusCode::CONFLICT,
        "device_revoked",
    );
    let revoked_rows = n.running.store.outbox_after(0, 1000).await.unwrap();
    assert_eq!(
        revoked_rows
            .iter()
            .filter(|r| r.kind == "device" && r.key == "T05")
            .count(),
        2,
        "added, revoked"
    );

    // Removing: refused while others depend on it, then allowed.
    refused(
        n.req("DELETE", "/api/v1/devices/sw-1", Some(&sup), None)
            .await,
        StatusCode::CONFLICT,
        "device_has_dependants",
    );
    let (s, v) = n
        .req("DELETE", "/api/v1/devices/T05", Some(&sup), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let all = devices_of(&n, &sup).await;
    assert!(!all.iter().any(|d| d.device.id.as_str() == "T05"));
    assert!(all.iter().any(|d| d.device.id.as_str() == "sw-1"));
    n.running.stop().await;
}

#[tokio::test]
async fn every_device_monitor_refusal_is_clear() {
    let n = Node::start().await;
    let sup = n.login("2001").await;
    let clerk = n.login("1001").await;
    let add = |token: String, body: Value| {
        let n = &n;
        async move {
            n.req("POST", "/api/v1/devices", Some(&token), Some(body))
                .await
        }
    };
    let kiosk = |i: &str, depends: Value| json!({"id": i, "kind": "kiosk", "name": "取号机", "spot": {"x": 1, "y": 1}, "depends_on": depends});
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    refused(
        add(sup.clone(), kiosk("bad id!", json!([]))).await,
        unprocessable,
        "device_id_invalid",
    );
    refused(
        add(sup.clone(), kiosk("k-9", json!(["k-9"]))).await,
        unprocessable,
        "dependency_cycle",
    );
    refused(
        add(sup.clone(), kiosk("k-9", json!(["nope"]))).await,
        unprocessable,
        "unknown_dependency",
    );
    refused(
        add(sup.clone(), kiosk("kiosk-1", json!([]))).await,
        StatusCode::CONFLICT,
        "device_exists",
    );
    let pad_without_counter =
        json!({"id": "pad-9", "kind": "pad", "name": "评价器", "spot": {"x": 1, "y": 1}});
    refused(
        add(sup.clone(), pad_without_counter).await,
        unprocessable,
        "device_invalid",
    );
    let off_plan =
        json!({"id": "k-9", "kind": "kiosk", "name": "取号机", "spot": {"x": 1001, "y": 1}});
    refused(
        add(sup.clone(), off_plan).await,
        unprocessable,
        "device_invalid",
    );
    // Nothing of these was registered.
    assert_eq!(devices_of(&n, &sup).await.len(), 22);

    for (method, path) in [
        ("POST", "/api/v1/devices/nope/revoke"),
        ("DELETE", "/api/v1/devices/nope"),
        ("DELETE", "/api/v1/devices/nope/maintenance"),
    ] {
        refused(
            n.req(method, path, Some(&sup), None).await,
            StatusCode::NOT_FOUND,
            "unknown_device",
        );
    }
    refused(
        n.req("POST", "/api/v1/devices/a%20b/revoke", Some(&sup), None)
            .await,
        unprocessable,
        "device_id_invalid",
    );
    let maintenance = |minutes: u32, note: &str| {
        n.req(
            "POST",
            "/api/v1/devices/T01/maintenance",
            Some(&sup),
            Some(json!({"minutes": minutes, "note": note})),
        )
    };
    refused(
        maintenance(0, "换纸").await,
        unprocessable,
        "maintenance_invalid",
    );
    refused(
        maintenance(1441, "换纸").await,
        unprocessable,
        "maintenance_invalid",
    );
    refused(maintenance(30, "  ").await, unprocessable, "note_invalid");
    refused(
        n.req(
            "DELETE",
            "/api/v1/devices/T01/maintenance",
            Some(&sup),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "not_in_maintenance",
    );

    let ack = |path: &'static str, body: Value| n.req("POST", path, Some(&sup), Some(body));
    refused(
        ack("/api/v1/alarms/999/ack", json!({"note": "看到了"})).await,
        StatusCode::NOT_FOUND,
        "unknown_alarm",
    );
    refused(
        ack("/api/v1/alarms/x/ack", json!({"note": "看到了"})).await,
        StatusCode::BAD_REQUEST,
        "bad_path",
    );
    refused(
        ack("/api/v1/alarms/1/ack", json!({"nota": "?"})).await,
        unprocessable,
        "bad_request",
    );
    refused(
        n.req("GET", "/api/v1/alarms?state=some", Some(&sup), None)
            .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );

    // A clerk, a device and another hall's supervisor may do none of it.
    let other = other_hall_supervisor(&n.running.store).await;
    let display = n.display.clone();
    for token in [&clerk, &display, &other] {
        refused(
            n.req("GET", "/api/v1/devices", Some(token), None).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        refused(
            n.req("GET", "/api/v1/alarms", Some(token), None).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        refused(
            add(token.clone(), kiosk("k-9", json!([]))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        refused(
            n.req("POST", "/api/v1/devices/T01/revoke", Some(token), None)
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        refused(
            n.req(
                "POST",
                "/api/v1/alarms/1/clear",
                Some(token),
                Some(json!({"note": "好了"})),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    refused(
        n.req("GET", "/api/v1/devices", None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // The terminal still works: nothing refused changed it.
    let t01 = devices_of(&n, &sup)
        .await
        .into_iter()
        .find(|d| d.device.id.as_str() == "T01")
        .unwrap();
    assert_eq!((t01.revoked_at, t01.maintenance), (None, None));
    n.running.stop().await;
}

/// A signed-in supervisor of another hall (H0102) in this node's database.
async fn other_hall_supervisor(store: &store::Store) -> String {
    sqlx::query("INSERT INTO hall (code, name) VALUES ('H0102', '城西供电营业厅')")
        .execute(store.pool())
        .await
        .unwrap();
    let staff_no = domain::StaffNo::parse("9001").unwrap();
    let account = store::accounts::Account {
        staff_no: staff_no.clone(),
        name: domain::StaffName::parse("孙洋").unwrap(),
        role: domain::Role::Supervisor,
        hall_code: domain::HallCode::parse("H0102").unwrap(),
    };
    store.put_account(&account, "other-pass-1").await.unwrap();
    store
        .open_session(&staff_no, now_ms(), 60_000)
        .await
        .unwrap()
}

/// A province that stores every change it is sent and acknowledges it.
#[derive(Clone, Default)]
struct Recorder {
    changes: Arc<Mutex<Vec<sync_proto::Change>>>,
}

async fn upload(
    axum::extract::State(r): axum::extract::State<Recorder>,
    axum::Json(batch): axum::Json<sync_proto::UploadBatch>,
) -> axum::Json<sync_proto::UploadReply> {
    let mut kept = r.changes.lock().unwrap();
    for c in batch.changes {
        if c.seq as usize == kept.len() + 1 {
            kept.push(c);
        }
    }
    axum::Json(sync_proto::UploadReply::Ack {
        applied_through: kept.len() as u64,
    })
}

async fn recorder() -> (Recorder, String) {
    let r = Recorder::default();
    let app = axum::Router::new()
        .route("/sync/v1/upload", axum::routing::post(upload))
        .fallback(|| async { StatusCode::SERVICE_UNAVAILABLE })
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, url)
}

/// The next alarm change on `ws`, skipping other events.
async fn next_alarm<S>(ws: &mut S) -> AlarmChange
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let msg = tokio::time::timeout_at(deadline, futures_next(ws))
            .await
            .expect("no alarm event within 5 s");
        if let Some(Message::Text(text)) = msg {
            if let WireEvent::Alarm { change } = serde_json::from_str(&text).unwrap() {
                return change;
            }
        }
    }
}

#[tokio::test]
async fn an_alarm_is_journaled_before_it_is_told_and_reaches_the_province() {
    let (province, url) = recorder().await;
    let n = Node::start_with(|o| hall_node::Options {
        province: Some(hall_node::uplink::Province {
            url,
            token: "t".into(),
        }),
        ..o
    })
    .await;
    let sup = n.login("2001").await;
    let ws = format!("ws://{}/api/v1/events?token={sup}", n.running.addr);
    let (mut board, _) = tokio_tungstenite::connect_async(ws).await.unwrap();
    let clerk = n.login("1001").await;
    let ws = format!("ws://{}/api/v1/events?token={clerk}", n.running.addr);
    let (mut counter, _) = tokio_tungstenite::connect_async(ws).await.unwrap();

    let heard = n.running.heard_sender();
    let paper = |pct| Metrics {
        paper_pct: Some(pct),
        ..Metrics::default()
    };
    heard.send(report("T01", paper(0))).await.unwrap();
    let raised = next_alarm(&mut board).await;
    assert_eq!(raised.transition, Transition::Raised);
    assert_eq!(raised.alarm.key.fault, Fault::PaperOut);
    assert_eq!(raised.alarm.key.source, Source::Device { id: id("T01") });
    let alarm = raised.alarm.id;
    // Told only once journaled.
    let journal = n.running.store.alarm_events(alarm).await.unwrap();
    assert_eq!(journal[0], raised);
    assert_eq!(
        next_alarm(&mut board).await.transition,
        Transition::Announced
    );
    let (s, v) = n
        .req(
            "POST",
            &format!("/api/v1/alarms/{alarm}/ack"),
            Some(&sup),
            Some(json!({"note": "已通知补纸"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let acked: Alarm = serde_json::from_value(v).unwrap();
    assert_eq!(acked.state, AlarmState::Acknowledged);
    assert_eq!(acked.acknowledged.as_ref().unwrap().by, "2001");
    refused(
        n.req(
            "POST",
            &format!("/api/v1/alarms/{alarm}/ack"),
            Some(&sup),
            Some(json!({"note": "再次"})),
        )
        .await,
        StatusCode::CONFLICT,
        "alarm_already_acknowledged",
    );
    // Repeats are counted on the same alarm, not raised again; one that
    // returns soon after it cleared reopens it, acknowledged as it was.
    heard.send(report("T01", paper(0))).await.unwrap();
    heard.send(report("T01", paper(100))).await.unwrap();
    heard.send(report("T01", paper(0))).await.unwrap();
    until_alarms(&n, &sup, "the paper alarm reopened", |a| {
        a.iter()
            .any(|a| a.id == alarm && a.count == 2 && a.state == AlarmState::Acknowledged)
    })
    .await;
    let (s, v) = n
        .req(
            "POST",
            &format!("/api/v1/alarms/{alarm}/assign"),
            Some(&sup),
            Some(json!({"to": "运维 王工"})),
        )
        .await;
    assert_eq!(
        (s, v["assigned_to"].as_str()),
        (StatusCode::OK, Some("运维 王工")),
        "{v}"
    );
    heard.send(report("T01", paper(100))).await.unwrap();
    let all = until_alarms(&n, &sup, "the refill clears it", |a| {
        a.iter()
            .any(|a| a.id == alarm && a.state == AlarmState::Cleared)
    })
    .await;
    let done = all.iter().find(|a| a.id == alarm).unwrap();
    assert_eq!(
        done.count, 2,
        "cleared and reopened within the window, one alarm"
    );
    assert_eq!(
        done.cleared.as_ref().unwrap().by,
        None,
        "cleared by its condition"
    );
    assert_eq!(all.iter().filter(|a| a.key == done.key).count(), 1);
    refused(
        n.req(
            "POST",
            &format!("/api/v1/alarms/{alarm}/clear"),
            Some(&sup),
            Some(json!({"note": "好了"})),
        )
        .await,
        StatusCode::CONFLICT,
        "alarm_not_open",
    );
    assert!(
        alarms_of(&n, &sup, "").await.iter().all(|a| a.id != alarm),
        "not open any more"
    );

    // A clerk's screen is not the alarm console.
    let quiet = tokio::time::timeout(Duration::from_millis(300), next_alarm(&mut counter)).await;
    assert!(quiet.is_err(), "a clerk heard an alarm");

    // The province got every change of it, in order, as the hall keeps it.
    let journal = n.running.store.alarm_events(alarm).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let got: Vec<Alarm> = province
            .changes
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.kind == "alarm" && c.key == alarm.to_string())
            .map(|c| c.body.read().unwrap())
            .collect();
        if got.len() == journal.len() {
            assert_eq!(
                got,
                journal.iter().map(|c| c.alarm.clone()).collect::<Vec<_>>()
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {} changes",
            got.len(),
            journal.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let heads: Vec<sync_proto::changes::Payload> = province
        .changes
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.payload().unwrap())
        .collect();
    let devices = heads
        .iter()
        .filter(|p| matches!(p, sync_proto::changes::Payload::Device(_)))
        .count();
    assert_eq!(devices, 22, "the province sees the whole registry");
    n.running.stop().await;
}

#[tokio::test]
async fn silent_devices_fold_under_the_dead_switch_and_a_page_is_present_while_connected() {
    // Beats every 100 ms: silent for 300 ms, offline.
    let n = node_beating(100).await;
    let sup = n.login("2001").await;
    let urls = hall_node::demo_device_urls(&n.running.store, n.running.addr)
        .await
        .unwrap();
    let pad = urls
        .iter()
        .find(|(name, _)| name == "pad-2")
        .unwrap()
        .1
        .clone();
    let pad_token = pad.rsplit("token=").next().unwrap().to_owned();
    let ws = format!("ws://{}/api/v1/events?token={pad_token}", n.running.addr);
    let (page, _) = tokio_tungstenite::connect_async(ws).await.unwrap();

    // The terminals, the switch and the UPS say nothing: one root alarm rings.
    let all = until_alarms(&n, &sup, "the silent devices' alarms", |a| {
        a.iter().filter(|a| a.key.fault == Fault::Offline).count() == 6
            && a.iter()
                .all(|a| a.announced_at.is_some() || a.root.is_some())
    })
    .await;
    let ringing: Vec<&Alarm> = all.iter().filter(|a| a.rings()).collect();
    assert_eq!(ringing.len(), 1, "{all:#?}");
    assert_eq!(ringing[0].key.source, Source::Device { id: id("ups-1") });
    let views = devices_of(&n, &sup).await;
    let view = |i: &str| {
        views
            .iter()
            .find(|d| d.device.id.as_str() == i)
            .unwrap()
            .clone()
    };
    assert_eq!(view("sw-1").presence, PresenceState::Offline);
    assert_eq!(view("pad-2").presence, PresenceState::Online);
    assert_eq!(view("T03").open_alarms, 1);

    // The UPS speaks again, and keeps beating: its alarm clears, the
    // switch's (still silent) rings on its own.
    let beating = Arc::new(Mutex::new(vec![id("ups-1")]));
    let heard = n.running.heard_sender();
    let beat = {
        let beating = beating.clone();
        tokio::spawn(async move {
            loop {
                let ids = beating.lock().unwrap().clone();
                for device in ids {
                    let status = DeviceMessage::Status(Status::Online);
                    let h = Heard {
                        device,
                        at: now_ms(),
                        message: status,
                    };
                    if heard.send(h).await.is_err() {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        })
    };
    until_alarms(&n, &sup, "the switch rings once the UPS is back", |a| {
        a.iter()
            .any(|a| a.key.source == Source::Device { id: id("sw-1") } && a.rings())
            && a.iter().any(|a| {
                a.key.source == Source::Device { id: id("ups-1") } && a.state == AlarmState::Cleared
            })
    })
    .await;
    // The switch is back too: what hangs on it is on its own again.
    beating.lock().unwrap().push(id("sw-1"));

    // The pad's page closes: offline once it has not come back within the timeout.
    drop(page);
    let all = until_alarms(&n, &sup, "the closed page's alarm", |a| {
        a.iter().any(|a| {
            a.key == ::devices::AlarmKey::device(&id("pad-2"), Fault::Offline) && a.rings()
        })
    })
    .await;
    let pad2 = all
        .iter()
        .find(|a| a.key.source == Source::Device { id: id("pad-2") })
        .unwrap();
    assert_eq!(
        pad2.root, None,
        "the switch is back: the pad rings on its own"
    );
    beat.abort();
    n.running.stop().await;
}

#[tokio::test]
async fn a_long_wait_and_a_clerk_below_the_floor_raise_alarms() {
    let n = Node::start_with(|o| {
        let config = ::devices::AlarmConfig {
            wait_limit_ms: 500,
            satisfaction: ::devices::quality::SatisfactionRule {
                window: 2,
                floor_pct: 80,
                satisfied_from: 4,
            },
            ..Default::default()
        };
        hall_node::Options {
            devices: hall_node::alarms::AlarmOptions {
                config,
                ..Default::default()
            },
            ..o
        }
    })
    .await;
    let sup = n.login("2001").await;
    let clerk = n.login("1001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    for _ in 0..3 {
        n.issue("A").await;
    }
    let business = Source::Business { code: "A".into() };
    until_alarms(&n, &sup, "the wait alarm", |a| {
        a.iter()
            .any(|a| a.key.source == business && a.key.fault == Fault::WaitTooLong && a.is_open())
    })
    .await;
    // Two services rated 2 and 3: below 80 % satisfied.
    for score in [2, 3] {
        for op in ["call-next", "start", "finish"] {
            let (s, v) = n.counter(&clerk, 1, op, json!({})).await;
            assert_eq!(s, StatusCode::OK, "{op}: {v}");
        }
        let (_, pad) = n
            .req("GET", "/api/v1/pads/me", Some(&n.pads[0]), None)
            .await;
        let ticket = pad["pending"]["ticket"].as_u64().unwrap();
        let (s, v) = n
            .req(
                "POST",
                "/api/v1/ratings",
                Some(&n.pads[0]),
                Some(json!({"ticket": ticket, "score": score})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let clerk_source = Source::Clerk {
        staff_no: "1001".into(),
    };
    until_alarms(&n, &sup, "the satisfaction alarm", |a| {
        a.iter().any(|a| {
            a.key.source == clerk_source && a.key.fault == Fault::SatisfactionLow && a.is_open()
        })
    })
    .await;
    // The last one waiting is called: the wait alarm clears by itself.
    n.counter(&clerk, 1, "call-next", json!({})).await;
    until_alarms(&n, &sup, "the wait alarm clears", |a| {
        a.iter()
            .any(|a| a.key.source == business && a.state == AlarmState::Cleared)
    })
    .await;
    n.running.stop().await;
}

/// A hall node in another process, spoken to over HTTP.
struct Remote {
    base: String,
    http: Client,
}

impl Remote {
    fn new(addr: SocketAddr) -> Self {
        Self {
            base: format!("http://{addr}"),
            http: Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
        }
    }

    async fn login(&self, staff: &str) -> String {
        let v: Value = self
            .http
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&json!({"staff_no": staff, "password": format!("demo-{staff}")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    async fn all(&self, token: &str) -> Vec<Alarm> {
        self.http
            .get(format!("{}/api/v1/alarms?state=all&limit=500", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn until(&self, what: &str, token: &str, f: impl Fn(&[Alarm]) -> bool) -> Vec<Alarm> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let all = self.all(token).await;
            if f(&all) {
                return all;
            }
            assert!(tokio::time::Instant::now() < deadline, "{what}: {all:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Starts the real binary with MQTT heartbeats of 1 s; returns it and its address.
fn spawn_beating(db: &std::path::Path) -> (std::process::Child, SocketAddr) {
    spawn_node(db, &[])
}

/// A demo hall node process on `db` whose MQTT devices beat every second, with `extra` arguments.
pub(super) fn spawn_node(
    db: &std::path::Path,
    extra: &[&str],
) -> (std::process::Child, SocketAddr) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hall-node"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--heartbeat-secs", "1"])
        .args(extra)
        .arg("--db")
        .arg(db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr: SocketAddr = first.rsplit("http://").next().unwrap().parse().unwrap();
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

#[tokio::test]
async fn kill_9_with_alarms_open_loses_and_doubles_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, addr) = spawn_beating(&db);
    let n = Remote::new(addr);
    let sup = n.login("2001").await;
    // Silent for 3 s, the MQTT devices' alarms open (the UPS's rings, the rest fold).
    let before = n
        .until("six offline alarms", &sup, |a| {
            a.iter()
                .filter(|a| a.key.fault == Fault::Offline && a.is_open())
                .count()
                == 6
                && a.iter()
                    .all(|a| a.announced_at.is_some() || a.root.is_some())
        })
        .await;
    let root = before.iter().find(|a| a.rings()).unwrap().id;
    let r = n
        .http
        .post(format!("{}/api/v1/alarms/{root}/ack", n.base))
        .bearer_auth(&sup)
        .json(&json!({"note": "电工已到场"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let before = n.all(&sup).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let (mut child, addr) = spawn_beating(&db);
    let n = Remote::new(addr);
    let sup = n.login("2001").await;
    let after = n.all(&sup).await;
    let ids = |a: &[Alarm]| {
        a.iter()
            .map(|a| (a.id, a.key.clone(), a.state))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&after),
        ids(&before),
        "the same alarms, in the same states"
    );
    assert!(after
        .iter()
        .find(|a| a.id == root)
        .unwrap()
        .acknowledged
        .is_some());
    // Still silent past another timeout: nothing is raised twice.
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    let later = n.all(&sup).await;
    assert_eq!(
        ids(&later),
        ids(&before),
        "no alarm doubled after the restart"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let store = store::Store::open(&db).await.unwrap();
    for a in &later {
        let raised = store
            .alarm_events(a.id)
            .await
            .unwrap()
            .iter()
            .filter(|c| c.transition == Transition::Raised)
            .count();
        assert_eq!(raised, 1, "alarm {} raised {raised} times", a.id);
    }
    // Each journaled change went to the outbox once, in the same transaction.
    let rows = store.outbox_after(0, 10_000).await.unwrap();
    for a in &later {
        let journaled = store.alarm_events(a.id).await.unwrap().len();
        let queued = rows
            .iter()
            .filter(|r| r.kind == "alarm" && r.key == a.id.to_string())
            .count();
        assert_eq!(queued, journaled, "alarm {}", a.id);
    }
}

/// A node process that is killed however the test ends (a failed assertion included).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A supervisor's command held for a silent terminal survives a kill -9: its
/// audit trail is whole, it is still under way after the restart (another
/// command to the device waits its turn), journaled and queued once.
#[tokio::test]
async fn kill_9_with_a_command_held_keeps_it_and_its_audit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    // No broker: the terminals are never heard, and a command to one waits for it.
    let node = || {
        let (child, addr) = spawn_node(&db, &["--mqtt", "off"]);
        (KillOnDrop(child), addr)
    };
    let (mut child, addr) = node();
    let n = Remote::new(addr);
    let sup = n.login("2001").await;
    n.until("the terminals offline", &sup, |a| {
        a.iter()
            .any(|a| a.key == ::devices::AlarmKey::device(&id("T01"), Fault::Offline))
    })
    .await;
    let command = |out: bool| {
        n.http
            .post(format!("{}/api/v1/devices/T01/commands", n.base))
            .bearer_auth(&sup)
            .json(&json!({"action": {"kind": "out_of_service", "out": out}, "ttl_seconds": 600}))
            .send()
    };
    let r = command(true).await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let held: ::devices::command::Command = r.json().await.unwrap();
    assert!(
        matches!(held.state, ::devices::command::CommandState::Waiting { .. }),
        "{held:?}"
    );
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();

    let (mut child, addr) = node();
    let n = Remote::new(addr);
    let sup = n.login("2001").await;
    let log: Vec<::devices::command::Command> = n
        .http
        .get(format!("{}/api/v1/devices/T01/commands", n.base))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        log,
        vec![held.clone()],
        "the command as it was acknowledged"
    );
    let r = n
        .http
        .post(format!("{}/api/v1/devices/T01/commands", n.base))
        .bearer_auth(&sup)
        .json(&json!({"action": {"kind": "out_of_service", "out": false}}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "the restored command is still under way"
    );
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let store = store::Store::open(&db).await.unwrap();
    assert_eq!(
        store.command_events(held.id).await.unwrap(),
        vec![held.clone()]
    );
    let queued = store
        .outbox_after(0, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.kind == "device_command" && r.key == held.id.to_string())
        .count();
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn maintenance_holds_a_devices_new_alarms_until_it_ends() {
    let n = Node::start().await;
    let sup = n.login("2001").await;
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/devices/T02/maintenance",
            Some(&sup),
            Some(json!({"minutes": 30, "note": "更换打印机"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let jam = Metrics {
        printer_jam: Some(true),
        ..Metrics::default()
    };
    let heard = n.running.heard_sender();
    heard.send(report("T02", jam.clone())).await.unwrap();
    // Another terminal's jam is raised meanwhile: the service has read both.
    heard.send(report("T03", jam)).await.unwrap();
    let t = |d: &str| Source::Device { id: id(d) };
    let all = until_alarms(&n, &sup, "T03's jam", |a| {
        a.iter().any(|a| a.key.source == t("T03"))
    })
    .await;
    assert!(all.iter().all(|a| a.key.source != t("T02")), "{all:#?}");
    let view = devices_of(&n, &sup)
        .await
        .into_iter()
        .find(|d| d.device.id.as_str() == "T02")
        .unwrap();
    assert_eq!(view.maintenance.unwrap().note, "更换打印机");
    assert_eq!(
        view.metrics.and_then(|m| m.printer_jam),
        Some(true),
        "the latest metrics are shown"
    );
    // Serviced, and still jammed: the alarm is raised the moment maintenance ends.
    let (s, v) = n
        .req(
            "DELETE",
            "/api/v1/devices/T02/maintenance",
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(
        (s, &v["maintenance"]),
        (StatusCode::OK, &Value::Null),
        "{v}"
    );
    until_alarms(&n, &sup, "T02's jam after maintenance", |a| {
        a.iter()
            .any(|a| a.key.source == t("T02") && a.key.fault == Fault::PrinterJam)
    })
    .await;
    n.running.stop().await;
}
