//! The supervisors' audit trail: written with its journal row, never changed.

use super::*;
use store::hall::{AuditRow, JournalRow};

fn row(action: &str, reason: &str) -> AuditRow {
    AuditRow {
        at_ms: 7,
        staff_no: no("2001"),
        staff_name: "陈芳".into(),
        action: action.into(),
        counter: Some(3),
        clerk: Some(no("1001")),
        ticket: None,
        to_business: None,
        reason: reason.into(),
    }
}

fn ops(n: usize) -> Vec<JournalRow> {
    (0..n)
        .map(|i| JournalRow {
            at_ms: i as i64,
            command: format!("{{\"op\":{i}}}"),
        })
        .collect()
}

#[tokio::test]
async fn an_audit_row_names_the_journal_row_it_explains() {
    let store = demo_store().await;
    store.journal_open_day(9, 1, "{}").await.unwrap();
    store.journal_append(9, &ops(2), &[]).await.unwrap();
    let ids = store
        .journal_append_audited(
            9,
            &ops(3),
            &[],
            &[(1, row("pause", "窗口设备故障")), (2, row("close", "交班"))],
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let kept = store.supervisor_actions(9).await.unwrap();
    assert_eq!(kept.len(), 2);
    // Journal rows 1 and 2 of the second batch are the 4th and 5th of the day.
    assert_eq!((kept[0].op, kept[1].op), (4, 5));
    assert_eq!(kept[0].id, ids[0]);
    assert_eq!(kept[0].row, row("pause", "窗口设备故障"));
    assert!(store.supervisor_actions(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_audit_row_takes_its_journal_rows_with_it() {
    let store = demo_store().await;
    store.journal_open_day(9, 1, "{}").await.unwrap();
    // A reason the table refuses (empty): nothing of the batch is written.
    let refused = store
        .journal_append_audited(9, &ops(2), &[], &[(0, row("pause", ""))])
        .await;
    assert!(refused.is_err());
    assert!(store.journal_day(9).await.unwrap().is_empty());
    assert!(store.supervisor_actions(9).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_audit_trail_is_append_only() {
    let store = demo_store().await;
    store.journal_open_day(9, 1, "{}").await.unwrap();
    store
        .journal_append_audited(9, &ops(1), &[], &[(0, row("pause", "午间高峰调配"))])
        .await
        .unwrap();
    for sql in [
        "UPDATE supervisor_action SET reason = 'x'",
        "DELETE FROM supervisor_action",
    ] {
        assert!(
            sqlx::query(sql).execute(store.pool()).await.is_err(),
            "{sql}"
        );
    }
    assert_eq!(store.supervisor_actions(9).await.unwrap().len(), 1);
}
