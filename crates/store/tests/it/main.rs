//! Integration tests of the local store: sign-in, throttle, password change, demo seed, durability, the desk's outbox.

use domain::{LoginThrottle, Password, Role, StaffNo};
use store::accounts::{ChangePasswordError, LoginError};
use store::Store;

/// A replication timestamp as the hall node stamps a password change.
const STAMP: &str = r#"{"wall_ms":5,"counter":0,"node":"hall:H0101"}"#;

fn no(s: &str) -> StaffNo {
    StaffNo::parse(s).unwrap()
}

async fn demo_store() -> Store {
    let store = Store::open_in_memory().await.unwrap();
    assert!(store.seed_demo_if_empty().await.unwrap());
    store
}

mod audit;
mod customers;
mod desk;
mod devices;

#[tokio::test]
async fn demo_accounts_sign_in_with_their_roles() {
    let store = demo_store().await;
    for (staff, name, role, password) in store::demo::ACCOUNTS {
        let account = store.login(&no(staff), password, 1_000).await.unwrap();
        assert_eq!(account.role, role);
        assert_eq!(account.name.as_str(), name);
        assert_eq!(account.hall_code.as_str(), store::demo::HALL_CODE);
    }
    let hall = store.this_hall().await.unwrap();
    assert_eq!(hall.name, store::demo::HALL_NAME);
    assert!(store.is_demo().await.unwrap());
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let store = demo_store().await;
    store
        .change_password(
            &no("1001"),
            "demo-1001",
            &Password::parse("new-pass-1").unwrap(),
            5,
            STAMP,
        )
        .await
        .unwrap();
    assert!(!store.seed_demo_if_empty().await.unwrap());
    assert!(store.login(&no("1001"), "new-pass-1", 6).await.is_ok());
}

#[tokio::test]
async fn wrong_password_and_unknown_staff_look_the_same() {
    let store = demo_store().await;
    let wrong = store.login(&no("1001"), "nope", 1).await.unwrap_err();
    let unknown = store.login(&no("9999"), "demo-1001", 1).await.unwrap_err();
    assert!(matches!(wrong, LoginError::BadCredentials));
    assert!(matches!(unknown, LoginError::BadCredentials));
    assert_eq!(
        store.login_outcomes(&no("1001")).await.unwrap(),
        vec!["bad_password"]
    );
    assert_eq!(
        store.login_outcomes(&no("9999")).await.unwrap(),
        vec!["unknown_staff"]
    );
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_for_the_right_one() {
    let store = demo_store().await;
    let t0 = 1_000_000;
    for i in 0..4 {
        let e = store.login(&no("2001"), "wrong", t0 + i).await.unwrap_err();
        assert!(matches!(e, LoginError::BadCredentials), "{e:?}");
    }
    let e = store
        .login(&no("2001"), "wrong", t0 + 10)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            LoginError::Locked {
                remaining_secs: 300
            }
        ),
        "{e:?}"
    );
    let e = store
        .login(&no("2001"), "demo-2001", t0 + 20)
        .await
        .unwrap_err();
    assert!(matches!(e, LoginError::Locked { .. }), "{e:?}");
    let later = t0 + 10 + LoginThrottle::LOCK_MS;
    assert!(store.login(&no("2001"), "demo-2001", later).await.is_ok());
    // Other accounts were never affected.
    assert!(store.login(&no("1002"), "demo-1002", t0).await.is_ok());
}

#[tokio::test]
async fn change_password_checks_current_and_refuses_the_same() {
    let store = demo_store().await;
    let new = Password::parse("counter-42").unwrap();
    let e = store
        .change_password(&no("1002"), "wrong", &new, 1, STAMP)
        .await
        .unwrap_err();
    assert!(matches!(e, ChangePasswordError::WrongCurrent));
    let same = Password::parse("demo-1002").unwrap();
    let e = store
        .change_password(&no("1002"), "demo-1002", &same, 1, STAMP)
        .await
        .unwrap_err();
    assert!(matches!(e, ChangePasswordError::Unchanged));
    assert!(store.login(&no("1002"), "demo-1002", 2).await.is_ok());

    store
        .change_password(&no("1002"), "demo-1002", &new, 3, STAMP)
        .await
        .unwrap();
    assert!(store.login(&no("1002"), "demo-1002", 4).await.is_err());
    assert!(store.login(&no("1002"), "counter-42", 5).await.is_ok());
    let unchanged = store.unchanged_password_accounts().await.unwrap();
    assert!(!unchanged.contains(&no("1002")));
    assert!(unchanged.contains(&no("1001")));
}

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.db");
    {
        let store = Store::open(&path).await.unwrap();
        store.seed_demo_if_empty().await.unwrap();
        store
            .change_password(
                &no("3001"),
                "demo-3001",
                &Password::parse("duty-desk-9").unwrap(),
                7,
                STAMP,
            )
            .await
            .unwrap();
        let _ = store.login(&no("3001"), "bad", 8).await;
        store.close().await;
    }
    let store = Store::open(&path).await.unwrap();
    assert!(!store.seed_demo_if_empty().await.unwrap());
    let account = store.login(&no("3001"), "duty-desk-9", 9).await.unwrap();
    assert_eq!(account.role, Role::Emergency);
    assert_eq!(
        store.login_outcomes(&no("3001")).await.unwrap(),
        vec!["bad_password", "ok"]
    );
}

#[tokio::test]
async fn a_password_change_is_versioned_and_queued_for_the_province() {
    let store = demo_store().await;
    let new = Password::parse("hall-pass-1").unwrap();
    store
        .change_password(&no("1001"), "demo-1001", &new, 5, STAMP)
        .await
        .unwrap();
    let v = store.password_version(&no("1001")).await.unwrap().unwrap();
    assert_eq!(v.hlc.as_deref(), Some(STAMP));
    assert!(!v.by_upper);
    let out = store.outbox_after(0, 10).await.unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].kind.as_str(), out[0].key.as_str()),
        ("staff_password", "1001")
    );
    assert_eq!(out[0].hlc, STAMP);
    let body: serde_json::Value = serde_json::from_str(&out[0].body).unwrap();
    assert_eq!(body["password_hash"], v.hash.as_str());
}

#[tokio::test]
async fn the_province_feed_creates_resets_and_deactivates_accounts() {
    use store::owned::{FeedRecord, StaffUpdate};
    let store = demo_store().await;
    let hash = store::accounts::hash_password("prov-pass-2".into())
        .await
        .unwrap();
    let update = |no_: &str, active: bool| StaffUpdate {
        staff_no: no(no_),
        name: "周新".into(),
        role: "clerk".into(),
        hall_code: "H0101".into(),
        active,
        password_hash: hash.clone(),
        password_hlc: STAMP.into(),
        password_by_upper: true,
    };
    // A locked account whose password the province resets is unlocked.
    for at in 0..5 {
        let _ = store.login(&no("1002"), "wrong", 100 + at).await;
    }
    assert!(matches!(
        store.login(&no("1002"), "demo-1002", 110).await,
        Err(LoginError::Locked { .. })
    ));
    let session = store.open_session(&no("1001"), 100, 60_000).await.unwrap();
    let record = FeedRecord {
        kind: "staff".into(),
        key: "5001".into(),
        body: Some("{}".into()),
    };
    store
        .apply_feed(
            "province-feed",
            7,
            &[record],
            &[
                update("5001", true),
                update("1002", true),
                update("1001", false),
            ],
            Some("城东供电营业厅（新）"),
        )
        .await
        .unwrap();
    assert_eq!(store.sync_mark("province-feed").await.unwrap(), 7);
    assert_eq!(store.owned("staff").await.unwrap().len(), 1);
    assert_eq!(
        store.this_hall().await.unwrap().name,
        "城东供电营业厅（新）"
    );
    let created = store.login(&no("5001"), "prov-pass-2", 120).await.unwrap();
    assert_eq!(created.name.as_str(), "周新");
    store.login(&no("1002"), "prov-pass-2", 121).await.unwrap();
    // Deactivated: the right password gets a clear refusal; live sessions end.
    assert!(matches!(
        store.login(&no("1001"), "prov-pass-2", 122).await,
        Err(LoginError::Disabled)
    ));
    assert!(matches!(
        store.login(&no("1001"), "wrong-pass-9", 123).await,
        Err(LoginError::BadCredentials)
    ));
    assert!(store
        .session_account(&session, 130)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_last_update_offers_survive_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.db");
    let (deb, rpm) = ("linux-x86_64-deb/1.0.0", "linux-x86_64-rpm/1.0.0");
    {
        let store = Store::open(&path).await.unwrap();
        assert!(store.update_offers().await.unwrap().is_empty());
        store
            .put_update_offer(deb, Some(r#"{"version":"1.1.0"}"#), 1)
            .await
            .unwrap();
        store
            .put_update_offer(deb, Some(r#"{"version":"1.2.0"}"#), 2)
            .await
            .unwrap();
        store
            .put_update_offer(rpm, Some(r#"{"version":"1.2.0"}"#), 3)
            .await
            .unwrap();
        store.put_update_offer(rpm, None, 4).await.unwrap();
        store
            .put_update_offer("nothing/1.0.0", None, 5)
            .await
            .unwrap();
        store.close().await;
    }
    let store = Store::open(&path).await.unwrap();
    assert_eq!(
        store.update_offers().await.unwrap(),
        vec![(deb.to_owned(), r#"{"version":"1.2.0"}"#.to_owned())],
        "the latest answer per question; \"nothing to install\" forgets"
    );
}

/// The planner migration rebuilds the staff table: a node upgraded with
/// someone signed in keeps the accounts and the session, and takes planners.
#[tokio::test]
async fn the_planner_upgrade_keeps_accounts_and_sessions() {
    use sqlx::sqlite::SqliteConnectOptions;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hall.db");
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
    let mut before = sqlx::migrate!("./migrations");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 15)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    for sql in [
        "INSERT INTO hall (code, name) VALUES ('H0101', '城东')",
        "INSERT INTO staff (staff_no, name, role, hall_code, password_hash) VALUES ('1001', '李静', 'clerk', 'H0101', 'x')",
        "INSERT INTO staff_session (token_sha256, staff_no, created_at_ms, expires_at_ms) VALUES ('t', '1001', 1, 9)",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let refused = sqlx::query("INSERT INTO staff (staff_no, name, role, hall_code, password_hash) VALUES ('4001', '钱敏', 'planner', 'H0101', 'x')")
        .execute(&pool)
        .await;
    assert!(refused.is_err(), "no planners before the upgrade");
    pool.close().await;

    let store = Store::open(&path).await.unwrap();
    let count = |sql: &'static str| async {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    assert_eq!(
        count("SELECT count(*) FROM staff WHERE staff_no = '1001'").await,
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM staff_session WHERE staff_no = '1001'").await,
        1
    );
    sqlx::query("INSERT INTO staff (staff_no, name, role, hall_code, password_hash) VALUES ('4001', '钱敏', 'planner', 'H0101', 'x')")
        .execute(store.pool())
        .await
        .unwrap();
    let fk: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(fk.is_empty(), "{fk:?}");
}
