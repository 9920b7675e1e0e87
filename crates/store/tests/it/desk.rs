//! The desktop app's outbox: in order, each message removed once, kept across reopening.

use super::*;

fn bodies(msgs: &[store::desk::DeskMessage]) -> Vec<&str> {
    msgs.iter().map(|m| m.body.as_str()).collect()
}

#[tokio::test]
async fn the_desk_outbox_delivers_in_order_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    {
        let store = Store::open(&path).await.unwrap();
        assert!(store.desk_waiting(10).await.unwrap().is_empty());
        store
            .desk_queue(&["1".to_owned(), "2".to_owned()])
            .await
            .unwrap();
        store.desk_queue(&["3".to_owned()]).await.unwrap();
        let waiting = store.desk_waiting(2).await.unwrap();
        assert_eq!(
            bodies(&waiting),
            ["1", "2"],
            "oldest first, at most the limit"
        );
        store.desk_delivered(waiting[0].seq).await.unwrap();
        store.close().await;
    }
    let store = Store::open(&path).await.unwrap();
    let waiting = store.desk_waiting(10).await.unwrap();
    assert_eq!(bodies(&waiting), ["2", "3"], "the undelivered, kept");
    for m in &waiting {
        store.desk_delivered(m.seq).await.unwrap();
    }
    store.desk_queue(&["4".to_owned()]).await.unwrap();
    let last = store.desk_waiting(10).await.unwrap();
    assert_eq!(bodies(&last), ["4"]);
    assert!(
        last[0].seq > waiting[1].seq,
        "a sequence number is never reused"
    );
}
