//! Control commands end to end: the demo's simulated terminals over the embedded broker carry them out and confirm, a device that never answers fails its command visibly, an offline one holds it until it is back, a display page answers through its live connection, and every refusal is clear.

use super::*;
use ::devices::command::{Action, Command, CommandState, Hold};
use ::devices::DeviceId;
use futures_util::StreamExt;
use hall_node::devsim::SimFault;
use ipc::devices::DeviceView;
use ipc::hall::WireEvent;
use tokio_tungstenite::tungstenite::Message;

fn id(s: &str) -> DeviceId {
    DeviceId::parse(s).unwrap()
}

/// A demo node with its embedded broker, its MQTT devices beating every 100 ms (silent for 1.5 s: offline).
async fn node_with_devices() -> (Node, hall_node::devsim::DevSim) {
    let n = Node::start_with(|o| hall_node::Options {
        devices: hall_node::alarms::AlarmOptions {
            heartbeat_ms: 500,
            ..Default::default()
        },
        mqtt: hall_node::Broker::Embedded {
            listen: "127.0.0.1:0".parse().unwrap(),
        },
        ..o
    })
    .await;
    let sim = hall_node::devsim::run_demo_beating(&n.running, Duration::from_millis(100))
        .await
        .unwrap()
        .expect("the demo hall's MQTT devices");
    (n, sim)
}

async fn send(n: &Node, token: &str, device: &str, body: Value) -> (StatusCode, Value) {
    n.req(
        "POST",
        &format!("/api/v1/devices/{device}/commands"),
        Some(token),
        Some(body),
    )
    .await
}

async fn log_of(n: &Node, token: &str, device: &str) -> Vec<Command> {
    let (s, v) = n
        .req(
            "GET",
            &format!("/api/v1/devices/{device}/commands"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

/// Waits (up to `secs`) until the command's state passes `f`, and answers it.
async fn until_command(
    n: &Node,
    token: &str,
    device: &str,
    command: u64,
    secs: u64,
    f: impl Fn(&CommandState) -> bool,
) -> Command {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let log = log_of(n, token, device).await;
        let c = log.iter().find(|c| c.id == command).cloned();
        if let Some(c) = c.filter(|c| f(&c.state)) {
            return c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "command {command} of {device}: {log:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sent(v: &Value) -> Command {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

async fn until_online(n: &Node, token: &str, devices: &[&str]) {
    until_presence(n, token, devices, ipc::devices::PresenceState::Online).await
}

async fn until_presence(
    n: &Node,
    token: &str,
    devices: &[&str],
    want: ipc::devices::PresenceState,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (s, v) = n.req("GET", "/api/v1/devices", Some(token), None).await;
        assert_eq!(s, StatusCode::OK);
        let views: Vec<DeviceView> = serde_json::from_value(v).unwrap();
        let online = devices.iter().all(|d| {
            views
                .iter()
                .any(|v| v.device.id.as_str() == *d && v.presence == want)
        });
        if online {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{views:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_is_taken_out_of_service_and_confirms_and_a_deaf_one_fails_visibly() {
    let (n, sim) = node_with_devices().await;
    let sup = n.login("2001").await;
    until_online(&n, &sup, &["T01", "T02", "T03"]).await;

    // Out of service: held while a customer pays, sent, carried out and confirmed.
    let (s, v) = send(
        &n,
        &sup,
        "T01",
        json!({"action": {"kind": "out_of_service", "out": true}}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let c = sent(&v);
    assert_eq!((c.by.as_str(), c.device.as_str()), ("2001", "T01"));
    let done = until_command(&n, &sup, "T01", c.id, 10, |s| {
        matches!(s, CommandState::Confirmed { .. })
    })
    .await;
    assert_eq!(done.action, Action::OutOfService { out: true });
    // The terminal says so in its reports.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (_, v) = n.req("GET", "/api/v1/devices", Some(&sup), None).await;
        let views: Vec<DeviceView> = serde_json::from_value(v).unwrap();
        let t01 = views.iter().find(|d| d.device.id == id("T01")).unwrap();
        if t01.metrics.as_ref().and_then(|m| m.out_of_service) == Some(true) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{t01:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A device that never answers: its command fails visibly when its time is up.
    sim.fault(&id("T02"), SimFault::Deaf).unwrap();
    let (s, v) = send(
        &n,
        &sup,
        "T02",
        json!({"action": {"kind": "out_of_service", "out": true}, "ttl_seconds": 5}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let c = sent(&v);
    // While it is under way, another command to it waits its turn.
    let (s, v) = send(
        &n,
        &sup,
        "T02",
        json!({"action": {"kind": "out_of_service", "out": false}}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "command_under_way"));
    let failed = until_command(&n, &sup, "T02", c.id, 10, CommandState::is_final).await;
    assert!(
        matches!(failed.state, CommandState::Expired { sent: true, .. }),
        "{failed:#?}"
    );

    // Offline: the command waits for the device, then goes out and is confirmed.
    sim.fault(&id("T03"), SimFault::Offline).unwrap();
    until_presence(&n, &sup, &["T03"], ipc::devices::PresenceState::Offline).await;
    let (s, v) = send(
        &n,
        &sup,
        "T03",
        json!({"action": {"kind": "out_of_service", "out": true}, "ttl_seconds": 60}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let held = sent(&v);
    assert_eq!(
        held.state,
        CommandState::Waiting {
            hold: Hold::Offline
        }
    );
    sim.fault(&id("T03"), SimFault::Restore).unwrap();
    until_command(&n, &sup, "T03", held.id, 10, |s| {
        matches!(s, CommandState::Confirmed { .. })
    })
    .await;

    // The log is the audit trail, newest first, and travels to the province.
    let log = log_of(&n, &sup, "T03").await;
    assert_eq!(log[0].id, held.id);
    let outbox = n.running.store.outbox_after(0, 10_000).await.unwrap();
    let replicated: Vec<&str> = outbox
        .iter()
        .filter(|r| r.kind == "device_command" && r.key == held.id.to_string())
        .map(|r| r.body.as_str())
        .collect();
    assert!(
        replicated.len() >= 3,
        "waiting, sent, confirmed: {replicated:?}"
    );
    sim.stop();
    n.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_display_page_carries_out_its_command_and_every_refusal_is_clear() {
    let n = Node::start().await;
    let sup = n.login("2001").await;
    // The demo hall's display and kiosk, as registered (their tokens are in their page addresses).
    let urls = hall_node::demo_device_urls(&n.running.store, n.running.addr)
        .await
        .unwrap();
    let token = |device: &str| {
        let url = &urls.iter().find(|(name, _)| name == device).unwrap().1;
        url.rsplit("token=").next().unwrap().to_owned()
    };
    let (display, kiosk) = (token("display"), token("kiosk"));
    let ws = format!("ws://{}/api/v1/events?token={display}", n.running.addr);
    let (mut page, _) = tokio_tungstenite::connect_async(ws).await.unwrap();
    // The page is present once its connection is counted.
    until_online(&n, &sup, &["display-1"]).await;

    let (s, v) = send(
        &n,
        &sup,
        "display-1",
        json!({"action": {"kind": "show_message", "text": "业务高峰，请使用自助终端", "seconds": 60}}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let c = sent(&v);
    assert!(matches!(c.state, CommandState::Sent { .. }), "{c:#?}");
    let order = loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), page.next())
            .await
            .expect("an order on the page's connection")
            .unwrap()
            .unwrap();
        if let Message::Text(t) = msg {
            if let Ok(WireEvent::Order { order }) = serde_json::from_str(&t) {
                break order;
            }
        }
    };
    assert_eq!(order.id, c.id);
    assert!(
        matches!(order.action, Action::ShowMessage { ref text, .. } if text == "业务高峰，请使用自助终端")
    );

    // Only the display it was sent to answers it, once, with an answer that reads.
    let reply = format!("/api/v1/commands/{}/reply", c.id);
    let done = json!({"outcome": "done"});
    for (who, body, status, want) in [
        (&kiosk, &done, StatusCode::NOT_FOUND, "unknown_command"),
        (&sup, &done, StatusCode::FORBIDDEN, "forbidden"),
        (
            &display,
            &json!({"outcome": "maybe"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
        (&display, &done, StatusCode::OK, ""),
        (&display, &done, StatusCode::NOT_FOUND, "unknown_command"),
    ] {
        let (s, v) = n.req("POST", &reply, Some(who), Some(body.clone())).await;
        if status == StatusCode::OK {
            assert_eq!(s, status, "{v}");
            assert!(
                matches!(sent(&v).state, CommandState::Confirmed { .. }),
                "{v}"
            );
        } else {
            assert_eq!((s, code(&v)), (status, want), "{body}: {v}");
        }
    }

    // Refusals, each `{code, message}` in Chinese, and nothing logged for them.
    let before = log_of(&n, &sup, "display-1").await.len();
    let cases = [
        (
            "display-1",
            json!({"action": {"kind": "out_of_service", "out": true}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_not_for_device",
        ),
        (
            "display-1",
            json!({"action": {"kind": "show_message", "text": "长".repeat(61), "seconds": 60}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "display-1",
            json!({"action": {"kind": "show_message", "text": "  ", "seconds": 60}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "display-1",
            json!({"action": {"kind": "show_message", "text": "好", "seconds": 0}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "display-1",
            json!({"action": {"kind": "reload"}, "ttl_seconds": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "display-1",
            json!({"action": {"kind": "reload"}, "ttl_seconds": 4_000_000_000u64}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "display-1",
            json!({"action": {"kind": "self_destruct"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
        (
            "display-1",
            json!({"action": {"kind": "reload"}, "extra": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
        (
            "ups-1",
            json!({"action": {"kind": "power_cycle", "target": "ups-1"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "ups-1",
            json!({"action": {"kind": "power_cycle", "target": "kiosk-1"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "command_invalid",
        ),
        (
            "nobody",
            json!({"action": {"kind": "reload"}}),
            StatusCode::NOT_FOUND,
            "unknown_device",
        ),
        (
            "bad id!",
            json!({"action": {"kind": "reload"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "device_id_invalid",
        ),
    ];
    for (device, body, status, want) in cases {
        let path = format!(
            "/api/v1/devices/{}/commands",
            device.replace(' ', "%20").replace('!', "%21")
        );
        let got = n.req("POST", &path, Some(&sup), Some(body.clone())).await;
        assert_eq!(
            (got.0, code(&got.1)),
            (status, want),
            "{device} {body}: {}",
            got.1
        );
        let message = got.1["message"].as_str().unwrap_or_default();
        assert!(message.chars().any(|c| c as u32 >= 0x4e00), "{}", got.1);
    }
    assert_eq!(log_of(&n, &sup, "display-1").await.len(), before);
    // Only the supervisor sends commands or reads their log.
    let clerk = n.login("1001").await;
    let (s, v) = send(
        &n,
        &clerk,
        "display-1",
        json!({"action": {"kind": "reload"}}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{v}");
    let (s, v) = n
        .req(
            "GET",
            "/api/v1/devices/display-1/commands",
            Some(&kiosk),
            None,
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{v}");
    let (s, _) = n
        .req("GET", "/api/v1/devices/display-1/commands", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    drop(page);
    n.running.stop().await;
}
