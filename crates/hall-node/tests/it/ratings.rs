//! A service left unrated when its counter finishes the next one is recorded as not rated, and that travels up.

use super::*;

#[tokio::test]
async fn a_superseded_service_is_recorded_as_not_rated_and_replicated() {
    let n = Node::start().await;
    let clerk = n.login("1001").await;
    n.counter(&clerk, 1, "open", json!({})).await;
    let first = n.issue("A").await.ticket.id;
    let second = n.issue("A").await.ticket.id;
    for _ in [first, second] {
        for op in ["call-next", "start", "finish"] {
            let (s, v) = n.counter(&clerk, 1, op, json!({})).await;
            assert_eq!(s, StatusCode::OK, "{op}: {v}");
        }
    }
    // The pad asks about the second only; the first cannot be rated late.
    let (_, pad) = n
        .req("GET", "/api/v1/pads/me", Some(&n.pads[0]), None)
        .await;
    assert_eq!(pad["pending"]["ticket"], second);
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/ratings",
            Some(&n.pads[0]),
            Some(json!({"ticket": first, "score": 5, "reasons": []})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    let rows = n.tickets(&clerk).await;
    let score = |id: u64| rows.iter().find(|r| r.id == id).unwrap().score;
    assert_eq!(score(first), Some(0), "not rated (未评价)");
    assert_eq!(score(second), None, "still awaits its pad");
    let supervisor = n.login("2001").await;
    let (_, board) = n.req("GET", "/api/v1/board", Some(&supervisor), None).await;
    assert_eq!(
        (
            board["today"]["served"].clone(),
            board["today"]["rated"].clone()
        ),
        (json!(2), json!(0))
    );

    // The first ticket's latest snapshot in the change log carries "not rated".
    let outbox = n.running.store.outbox_after(0, 100).await.unwrap();
    let last_of_first: Value = outbox
        .iter()
        .rev()
        .find(|r| r.kind == "ticket" && r.key == first.to_string())
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .unwrap();
    assert_eq!(last_of_first["ticket"]["state"]["state"], "done");
    assert_eq!(
        last_of_first["ticket"]["state"]["rating"],
        json!({"kind": "not_rated"})
    );
}
