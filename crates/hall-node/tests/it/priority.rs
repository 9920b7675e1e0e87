//! Priority is earned, not chosen: a kiosk offers only self-service classes; staff grant the rest and are recorded.

use super::*;

async fn issue_as(n: &Node, token: &str, priority: &str) -> (StatusCode, Value) {
    n.req(
        "POST",
        "/api/v1/tickets",
        Some(token),
        Some(json!({"business": "A", "priority": priority})),
    )
    .await
}

#[tokio::test]
async fn a_kiosk_issues_normal_and_green_channel_tickets_only() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    for priority in ["normal", "green"] {
        let (s, v) = issue_as(&n, &n.kiosk, priority).await;
        assert_eq!(s, StatusCode::CREATED, "{priority}: {v}");
        let reply: IssueReply = serde_json::from_value(v).unwrap();
        assert_eq!(reply.ticket.priority, priority);
        assert_eq!(
            reply.ticket.granted_by, None,
            "a kiosk ticket was granted by nobody"
        );
    }

    let (s, v) = issue_as(&n, &n.kiosk, "vip").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "priority_needs_staff")
    );
    assert!(v["message"].as_str().unwrap().contains("工作人员"), "{v}");
    let (s, v) = issue_as(&n, &n.kiosk, "appointment").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "appointment_code_required")
    );
    assert!(v["message"].as_str().unwrap().contains("预约码"), "{v}");
    let (s, v) = issue_as(&n, &n.kiosk, "king").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_priority")
    );

    let tickets = n.tickets(&clerk).await;
    assert_eq!(
        tickets
            .iter()
            .map(|t| t.priority.as_str())
            .collect::<Vec<_>>(),
        ["normal", "green"],
        "a refused priority issued a ticket"
    );
}

#[tokio::test]
async fn the_hall_says_who_grants_each_class_so_the_kiosk_offers_only_its_own() {
    let n = Node::start().await;
    let (s, v) = n.req("GET", "/api/v1/hall", Some(&n.kiosk), None).await;
    assert_eq!(s, StatusCode::OK);
    let hall: HallInfo = serde_json::from_value(v).unwrap();
    let grant = |code: &str| {
        hall.priorities
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.grant)
            .unwrap()
    };
    use queue::PriorityGrant::*;
    assert_eq!(
        (
            grant("normal"),
            grant("green"),
            grant("appointment"),
            grant("vip")
        ),
        (SelfService, SelfService, Appointment, Staff)
    );
    let page = n
        .http
        .get(format!("{}/kiosk", n.base))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("self_service"),
        "the kiosk page offers classes by their grant"
    );
}

#[tokio::test]
async fn staff_grant_priority_on_a_customers_behalf_and_are_recorded() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    let supervisor = n.login("2001").await;

    let (s, v) = issue_as(&n, &clerk, "vip").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let vip: IssueReply = serde_json::from_value(v).unwrap();
    assert_eq!(
        vip.ticket.granted_by.as_ref().map(|s| s.as_str()),
        Some("1001")
    );
    let (s, v) = issue_as(&n, &supervisor, "appointment").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let appointment: IssueReply = serde_json::from_value(v).unwrap();
    assert_eq!(
        appointment.ticket.granted_by.as_ref().map(|s| s.as_str()),
        Some("2001")
    );

    // Neither the emergency console nor another device may issue.
    let emergency = n.login("3001").await;
    for token in [&emergency, &n.display, &n.pads[0]] {
        let (s, v) = issue_as(&n, token, "normal").await;
        assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    }

    // Who granted it travels with the ticket to the province.
    let changes = n.running.store.outbox_after(0, 1000).await.unwrap();
    let snapshot = changes
        .iter()
        .filter(|c| c.kind == "ticket" && c.key == vip.ticket.id.to_string())
        .map(|c| serde_json::from_str::<Value>(&c.body).unwrap())
        .next()
        .expect("the ticket is logged for replication");
    assert_eq!(snapshot["ticket"]["granted_by"], "1001");
    assert_eq!(snapshot["ticket"]["priority"], "vip");
    n.running.stop().await;
}
