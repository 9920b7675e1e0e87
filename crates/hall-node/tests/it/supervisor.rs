//! The supervisor acts from the board: pause, sign off, move and call, each audited with who and why and heard by the clerk.

use super::*;
use store::hall::AuditEntry;
use tokio_tungstenite::tungstenite::Message;

async fn sup(n: &Node, token: Option<&str>, path: &str, body: Value) -> (StatusCode, Value) {
    n.req(
        "POST",
        &format!("/api/v1/supervisor/{path}"),
        token,
        Some(body),
    )
    .await
}

fn notice(v: Value) -> SupervisorNotice {
    serde_json::from_value(v).unwrap()
}

/// Today's audit rows, and the journal command each explains.
async fn audit(n: &Node) -> Vec<(AuditEntry, String)> {
    let store = &n.running.store;
    let day = store.journal_last_day().await.unwrap().unwrap().day;
    // A fresh node journals one day, so its rows are numbered from 1.
    let journal = store.journal_day(day).await.unwrap();
    store
        .supervisor_actions(day)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            let command = journal[e.op as usize - 1].command.clone();
            (e, command)
        })
        .collect()
}

async fn board(n: &Node, token: &str) -> BoardView {
    let (s, v) = n.req("GET", "/api/v1/board", Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

/// The next `supervised` event on `ws`, skipping the others.
async fn next_notice<S>(ws: &mut S) -> SupervisorNotice
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let msg = tokio::time::timeout_at(deadline, futures_next(ws))
            .await
            .expect("no supervised event within 5 s");
        if let Some(Message::Text(text)) = msg {
            if let WireEvent::Supervised { notice } = serde_json::from_str(&text).unwrap() {
                return notice;
            }
        }
    }
}

#[tokio::test]
async fn a_forced_pause_is_audited_and_the_clerk_hears_who_and_why() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let supervisor = n.login("2001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    let url = format!("ws://{}/api/v1/events?token={clerk}", n.running.addr);
    let (mut clerk_ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let url = format!("ws://{}/api/v1/events?token={}", n.running.addr, n.display);
    let (mut display_ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();

    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "counters/1/pause",
        json!({"reason": "  窗口打印机卡纸，先暂停  "}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let done = notice(v);
    assert_eq!(done.action, SupervisorActionKind::Pause);
    assert_eq!(
        (done.staff_no.as_str(), done.staff_name.as_str()),
        ("2001", "陈芳")
    );
    assert_eq!(done.counter.map(|c| c.get()), Some(1));
    assert_eq!(done.clerk.as_ref().map(|c| c.as_str()), Some("1001"));
    assert_eq!(
        done.reason, "窗口打印机卡纸，先暂停",
        "the reason is trimmed"
    );
    assert!(done.id > 0 && done.at > 0);

    // The queue: counter 1 is paused with the reason.
    let b = board(&n, &supervisor).await;
    let c1 = b.counters.iter().find(|c| c.no.get() == 1).unwrap();
    assert_eq!(c1.status, "paused");
    assert_eq!(c1.reason.as_deref(), Some("窗口打印机卡纸，先暂停"));

    // The audit row: who, what, which counter, why, when, and its journal row.
    let rows = audit(&n).await;
    assert_eq!(rows.len(), 1);
    let (entry, command) = &rows[0];
    assert_eq!(entry.id, done.id);
    assert_eq!(
        (
            entry.row.action.as_str(),
            entry.row.counter,
            entry.row.staff_no.as_str()
        ),
        ("pause", Some(1), "2001")
    );
    assert_eq!(entry.row.staff_name, "陈芳");
    assert_eq!(entry.row.reason, done.reason);
    assert_eq!(entry.row.at_ms, done.at);
    assert!(command.contains("\"op\":\"pause\""), "{command}");

    // The clerk's screen hears it; the display does not.
    assert_eq!(next_notice(&mut clerk_ws).await, done);
    let quiet = tokio::time::timeout(Duration::from_millis(300), async {
        loop {
            if let Some(Message::Text(text)) = futures_next(&mut display_ws).await {
                if text.contains("supervised") {
                    return;
                }
            }
        }
    })
    .await;
    assert!(
        quiet.is_err(),
        "a display must not get supervisors' notices"
    );

    // The clerk resumes as after any pause.
    let (s, v) = n.counter(&clerk, 1, "resume", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    n.running.stop().await;
}

#[tokio::test]
async fn a_counter_signed_off_by_the_supervisor_frees_it() {
    let n = Node::start().await;
    let clerk = n.login("1002").await;
    let supervisor = n.login("2001").await;
    n.counter(&clerk, 2, "open", json!({})).await;
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "counters/2/close",
        json!({"reason": "营业员身体不适，提前下班"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let done = notice(v);
    assert_eq!(
        (done.action, done.clerk.as_ref().map(|c| c.as_str())),
        (SupervisorActionKind::Close, Some("1002"))
    );
    let (_, me) = n.req("GET", "/api/v1/me", Some(&clerk), None).await;
    assert_eq!(me["counter"], Value::Null, "the clerk is signed off");
    let rows = audit(&n).await;
    assert_eq!(rows[0].0.row.action, "close");
    assert!(rows[0].1.contains("close_counter"), "{}", rows[0].1);
    // Signing a closed counter off again is a queue refusal, and not audited.
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "counters/2/close",
        json!({"reason": "再次"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "counter_not_open"));
    assert_eq!(audit(&n).await.len(), 1);
    n.running.stop().await;
}

#[tokio::test]
async fn a_waiting_ticket_moved_by_the_supervisor_queues_elsewhere() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let other = n.login("1002").await;
    let supervisor = n.login("2001").await;
    n.counter(&clerk, 3, "open", json!({})).await; // B and D
    n.counter(&other, 1, "open", json!({})).await; // A and C
    let t = n.issue("A").await;
    let no = t.ticket.no.to_string();

    let (s, v) = sup(
        &n,
        Some(&supervisor),
        &format!("tickets/{no}/transfer"),
        json!({"to_business": "B", "reason": "客户实际办理新装业务"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let done = notice(v);
    assert_eq!(done.action, SupervisorActionKind::Transfer);
    assert_eq!(done.ticket.map(|t| t.to_string()), Some(no.clone()));
    assert_eq!(
        done.to_business.map(|b| b.to_string()).as_deref(),
        Some("B")
    );
    assert_eq!((done.counter, done.clerk.clone()), (None, None));
    let row = n.tickets(&clerk).await.remove(0);
    assert_eq!(
        (row.business.to_string(), row.state.as_str()),
        ("B".into(), "waiting")
    );

    // Then to counter 3 only: the clerk there is told.
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        &format!("tickets/{no}/transfer"),
        json!({"to_counter": 3, "front": true, "reason": "指定 3 号窗口办理"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let done = notice(v);
    assert_eq!(done.counter.map(|c| c.get()), Some(3));
    assert_eq!(done.clerk.as_ref().map(|c| c.as_str()), Some("1001"));
    let (s, v) = n.counter(&other, 1, "call", json!({"no": no})).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "reserved_for_counter")
    );
    let (s, v) = n.counter(&clerk, 3, "call-next", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["events"][0]["no"], no.as_str());

    let rows = audit(&n).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1].0.row.ticket.as_deref(), rows[1].0.row.counter),
        (Some(no.as_str()), Some(3))
    );
    assert!(rows[0].1.contains("\"op\":\"move\""), "{}", rows[0].1);

    // A ticket no longer waiting cannot be moved.
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        &format!("tickets/{no}/transfer"),
        json!({"to_business": "C", "reason": "x"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_called"));
    assert_eq!(audit(&n).await.len(), 2);
    n.running.stop().await;
}

#[tokio::test]
async fn the_supervisor_calls_a_specific_ticket_to_a_counter() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let supervisor = n.login("2001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    n.issue("A").await;
    let second = n.issue("A").await.ticket.no.to_string();
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        &format!("tickets/{second}/call"),
        json!({"counter": 1, "reason": "老年客户，优先照顾"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let done = notice(v);
    assert_eq!(
        (done.action, done.clerk.as_ref().map(|c| c.as_str())),
        (SupervisorActionKind::Call, Some("1001"))
    );
    let (_, me) = n.req("GET", "/api/v1/me", Some(&clerk), None).await;
    assert_eq!(me["counter"]["current"]["no"], second.as_str());
    let (_, display) = n
        .req("GET", "/api/v1/display", Some(&n.display), None)
        .await;
    assert_eq!(display["calls"][0]["no"], second.as_str());
    // The counter is busy now: another call is refused and not audited.
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "tickets/A001/call",
        json!({"counter": 1, "reason": "再叫一个"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "counter_busy"));
    let rows = audit(&n).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].1.contains("call_ticket"), "{}", rows[0].1);

    // The board's list of today's actions.
    let (s, v) = n
        .req("GET", "/api/v1/supervisor/actions", Some(&supervisor), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let list: Vec<SupervisorNotice> = serde_json::from_value(v).unwrap();
    assert_eq!(list, vec![done]);
    n.running.stop().await;
}

#[tokio::test]
async fn only_a_supervisor_may_act_and_only_with_a_reason() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let supervisor = n.login("2001").await;
    let emergency = n.login("3001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    n.issue("A").await;
    let calls: [(&str, Value); 4] = [
        ("counters/1/pause", json!({"reason": "调配"})),
        ("counters/1/close", json!({"reason": "调配"})),
        (
            "tickets/A001/transfer",
            json!({"to_business": "C", "reason": "调配"}),
        ),
        ("tickets/A001/call", json!({"counter": 1, "reason": "调配"})),
    ];
    for (path, body) in &calls {
        let (s, v) = sup(&n, None, path, body.clone()).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{path}"
        );
        for token in [&clerk, &emergency, &n.kiosk, &n.display, &n.pads[0]] {
            let (s, v) = sup(&n, Some(token), path, body.clone()).await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{path}"
            );
        }
    }
    for token in [&clerk, &n.kiosk] {
        let (s, _) = n
            .req("GET", "/api/v1/supervisor/actions", Some(token), None)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }

    // The reason: required, at most 200 characters, one line.
    for reason in [
        json!(""),
        json!("   "),
        json!("原".repeat(201)),
        json!("a\nb"),
    ] {
        let (s, v) = sup(
            &n,
            Some(&supervisor),
            "counters/1/pause",
            json!({"reason": reason}),
        )
        .await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "action_reason_required"),
            "{reason}"
        );
        assert_eq!(v["message"], "请填写原因（1–200 字）。");
    }
    let (s, _) = sup(&n, Some(&supervisor), "counters/1/pause", json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a missing reason");

    // What does not exist.
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "counters/99/pause",
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "unknown_counter"));
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "counters/abc/pause",
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "unknown_counter"));
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "tickets/A999/call",
        json!({"counter": 1, "reason": "x"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "unknown_ticket"));
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "tickets/A001/transfer",
        json!({"to_business": "A", "reason": "x"}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "same_business")
    );

    // Nothing was done or audited; then a 200-character reason is accepted.
    assert!(audit(&n).await.is_empty());
    let (_, me) = n.req("GET", "/api/v1/me", Some(&clerk), None).await;
    assert_eq!(me["counter"]["status"], "open");
    let (s, v) = sup(
        &n,
        Some(&supervisor),
        "counters/1/pause",
        json!({"reason": "原".repeat(200)}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(audit(&n).await.len(), 1);
    n.running.stop().await;
}
