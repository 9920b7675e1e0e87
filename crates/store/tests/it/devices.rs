//! The device registry with its credentials, the alarm journal with its outbox rows, maintenance windows.

use super::*;
use ::devices::{
    AlarmConfig, AlarmKey, AlarmState, Alarms, Device, DeviceId, DeviceKind, Fault, Maintenance,
    Spot, Transition,
};
use store::devices::Issued;
use store::hall::OutboxRow;

fn id(s: &str) -> DeviceId {
    DeviceId::parse(s).unwrap()
}

fn device(i: &str, kind: DeviceKind, counter: Option<u16>, depends: &[&str]) -> Device {
    Device {
        id: id(i),
        kind,
        name: format!("设备 {i}"),
        spot: Spot { x: 120, y: 860 },
        counter,
        depends_on: depends.iter().map(|d| id(d)).collect(),
    }
}

fn change(kind: &str, key: &str) -> OutboxRow {
    OutboxRow {
        seq: 0,
        hlc: STAMP.into(),
        kind: kind.into(),
        key: key.into(),
        body: "{}".into(),
    }
}

#[tokio::test]
async fn each_kind_gets_its_credential_once_and_revoking_stops_it() {
    let store = demo_store().await;
    let sw = device("sw-1", DeviceKind::Switch, None, &[]);
    let pc = device("pc-1", DeviceKind::CounterPc, Some(1), &["sw-1"]);
    let cam = device("cam-1", DeviceKind::Camera, None, &["sw-1"]);
    let Issued::Password(password) = store
        .register_device(&sw, 10, &[change("device", "sw-1")])
        .await
        .unwrap()
    else {
        panic!("an MQTT device gets a password")
    };
    let Issued::Token(token) = store
        .register_device(&pc, 11, &[change("device", "pc-1")])
        .await
        .unwrap()
    else {
        panic!("a web device gets a token")
    };
    assert_eq!(
        store.register_device(&cam, 12, &[]).await.unwrap(),
        Issued::Nothing
    );
    // Stored hashed: neither secret is in the database as it was shown.
    let texts: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT token_sha256, secret_sha256 FROM device")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert!(texts
        .iter()
        .all(|(t, s)| t.as_deref() != Some(&token) && s.as_deref() != Some(&password)));

    let records = store.device_records().await.unwrap();
    let pc_rec = records.iter().find(|r| r.device.id == pc.id).unwrap();
    assert_eq!((&pc_rec.device, pc_rec.added_at), (&pc, 11));
    assert_eq!(
        store.device_by_token(&token).await.unwrap().unwrap().kind,
        DeviceKind::CounterPc
    );
    let secrets = store.mqtt_secrets().await.unwrap();
    assert_eq!(
        secrets,
        vec![(id("sw-1"), store::tokens::token_hash(&password))]
    );
    let kinds: Vec<String> = store
        .outbox_after(0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(kinds, ["sw-1", "pc-1"]);

    assert!(store
        .revoke_device(&pc.id, 20, &[change("device", "pc-1")])
        .await
        .unwrap());
    assert!(store.revoke_device(&sw.id, 21, &[]).await.unwrap());
    assert!(store.device_by_token(&token).await.unwrap().is_none());
    assert!(store.mqtt_secrets().await.unwrap().is_empty());
    // Twice changes nothing and writes no second row.
    assert!(!store
        .revoke_device(&pc.id, 22, &[change("device", "pc-1")])
        .await
        .unwrap());
    assert_eq!(store.outbox_after(0, 10).await.unwrap().len(), 3);
    let records = store.device_records().await.unwrap();
    assert_eq!(
        records
            .iter()
            .find(|r| r.device.id == pc.id)
            .unwrap()
            .revoked_at,
        Some(20)
    );
    assert!(store.remove_device(&cam.id, &[]).await.unwrap());
    assert!(!store.remove_device(&cam.id, &[]).await.unwrap());
}

#[tokio::test]
async fn the_devices_of_before_keep_working_beside_the_new_kinds() {
    let store = demo_store().await;
    let token = store
        .add_device(
            "pad-9",
            store::hall::DeviceKind::Pad,
            Some(9),
            "9 号窗口评价器",
        )
        .await
        .unwrap();
    let d = store.device_by_token(&token).await.unwrap().unwrap();
    assert_eq!((d.kind, d.counter), (DeviceKind::Pad, Some(9)));
    let rec = store.device_records().await.unwrap();
    assert_eq!(rec[0].device.depends_on, Vec::<DeviceId>::new());
    // The table still refuses a pad without its counter.
    assert!(store
        .add_device("pad-x", store::hall::DeviceKind::Pad, None, "x")
        .await
        .is_err());
}

#[tokio::test]
async fn an_alarm_batch_is_journaled_with_its_outbox_rows_or_not_at_all() {
    let store = demo_store().await;
    let mut alarms = Alarms::new(AlarmConfig::default(), 1);
    let t = id("T01");
    let mut changes = alarms.observe(AlarmKey::device(&t, Fault::PaperOut), true, 1_000);
    changes.extend(alarms.acknowledge(1, "2001", "已通知补纸", 2_000).unwrap());
    assert_eq!(
        changes.iter().map(|c| c.transition).collect::<Vec<_>>(),
        [
            Transition::Raised,
            Transition::Announced,
            Transition::Acknowledged
        ]
    );
    let rows: Vec<OutboxRow> = changes
        .iter()
        .map(|c| change("alarm", &c.alarm.id.to_string()))
        .collect();

    // A failing outbox insert takes the alarm rows with it.
    sqlx::query("CREATE TEMP TRIGGER no_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'full'); END")
        .execute(store.pool())
        .await
        .unwrap();
    assert!(store.journal_alarms(&changes, &rows).await.is_err());
    assert!(store.alarm(1).await.unwrap().is_none());
    assert!(store.alarm_events(1).await.unwrap().is_empty());
    sqlx::query("DROP TRIGGER no_outbox")
        .execute(store.pool())
        .await
        .unwrap();

    store.journal_alarms(&changes, &rows).await.unwrap();
    let kept = store.alarm(1).await.unwrap().unwrap();
    assert_eq!(kept.state, AlarmState::Acknowledged);
    assert_eq!(&kept, alarms.get(1).unwrap());
    assert_eq!(store.alarm_events(1).await.unwrap(), changes);
    assert_eq!(store.outbox_after(0, 10).await.unwrap().len(), 3);
    assert_eq!(store.open_alarm_count().await.unwrap(), 1);

    // The journal is append-only.
    assert!(sqlx::query("DELETE FROM alarm_event")
        .execute(store.pool())
        .await
        .is_err());
}

#[tokio::test]
async fn restoring_reads_the_open_alarms_and_the_recently_cleared() {
    let store = demo_store().await;
    let mut alarms = Alarms::new(AlarmConfig::default(), 1);
    let (a, b, c) = (id("T01"), id("T02"), id("T03"));
    let mut changes = Vec::new();
    for (d, at) in [(&a, 1_000), (&b, 1_000), (&c, 1_000)] {
        changes.extend(alarms.observe(AlarmKey::device(d, Fault::PaperOut), true, at));
    }
    changes.extend(alarms.observe(AlarmKey::device(&b, Fault::PaperOut), false, 5_000));
    changes.extend(alarms.observe(AlarmKey::device(&c, Fault::PaperOut), false, 50_000));
    store.journal_alarms(&changes, &[]).await.unwrap();

    let restored = store.alarms_to_restore(10_000).await.unwrap();
    let ids: Vec<u64> = restored.iter().map(|a| a.id).collect();
    assert_eq!(ids, [1, 3], "open, and cleared since; not cleared before");
    let mut again = Alarms::new(AlarmConfig::default(), 1);
    again.restore(restored);
    assert_eq!(again.open().map(|a| a.id).collect::<Vec<_>>(), [1]);
    // The next id continues after everything restored.
    let next = again.observe(AlarmKey::device(&id("T09"), Fault::PaperOut), true, 60_000);
    assert_eq!(next[0].alarm.id, 4);

    let newest: Vec<u64> = store
        .alarms(false, 2)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(newest, [3, 2]);
    let open: Vec<u64> = store
        .alarms(true, 50)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(open, [1]);
}

#[tokio::test]
async fn maintenance_windows_are_kept_until_they_end() {
    let store = demo_store().await;
    let t = device("T01", DeviceKind::Terminal, None, &[]);
    store.register_device(&t, 1, &[]).await.unwrap();
    let m = Maintenance {
        until: 10_000,
        by: "2001".into(),
        note: "更换打印机".into(),
    };
    store.put_maintenance(&t.id, &m, 1_000).await.unwrap();
    assert_eq!(
        store.maintenances(5_000).await.unwrap(),
        vec![(t.id.clone(), m.clone())]
    );
    assert!(store.maintenances(10_000).await.unwrap().is_empty());
    let longer = Maintenance { until: 20_000, ..m };
    store.put_maintenance(&t.id, &longer, 2_000).await.unwrap();
    assert_eq!(store.maintenances(15_000).await.unwrap()[0].1, longer);
    assert!(store.end_maintenance(&t.id).await.unwrap());
    assert!(!store.end_maintenance(&t.id).await.unwrap());
    // An unknown device cannot be put in maintenance.
    assert!(store
        .put_maintenance(&id("nope"), &longer, 3_000)
        .await
        .is_err());
}

#[tokio::test]
async fn metric_samples_keep_one_per_minute_for_two_days() {
    let store = demo_store().await;
    let t = device("T02", DeviceKind::Terminal, None, &[]);
    store.register_device(&t, 1, &[]).await.unwrap();
    let paper = |p: u8| ::devices::Metrics {
        paper_pct: Some(p),
        ..Default::default()
    };
    const DAY: i64 = 86_400_000;
    let now = 10 * DAY;
    store
        .put_metric_samples(
            &[
                (t.id.clone(), now - 3 * DAY, paper(99)),
                (t.id.clone(), now - 60_000, paper(80)),
                (t.id.clone(), now, paper(70)),
            ],
            now,
        )
        .await
        .unwrap();
    // A later report in the same minute replaces the sample.
    store
        .put_metric_samples(&[(t.id.clone(), now, paper(60))], now)
        .await
        .unwrap();
    let got = store.metric_samples(&t.id, now - DAY).await.unwrap();
    assert_eq!(got, vec![(now - 60_000, paper(80)), (now, paper(60))]);
    assert!(
        store.metric_samples(&t.id, 0).await.unwrap().len() == 2,
        "older than two days: gone"
    );
    // Samples of an unknown device are refused whole.
    assert!(store
        .put_metric_samples(&[(id("ghost"), now, paper(1))], now)
        .await
        .is_err());
}
