//! The desktop's use cases against a hosted hall node (sign-in, refusals, password, counter work, events), and the Windows installer configuration's validity.

use ipc::hall::{UpdateReport, UpdateState, WireEvent};
use ipc::{ChangePasswordRequest, CounterAct, CounterAction, ErrorCode, LoginRequest};
use std::sync::{Arc, Mutex};
use yyt_desktop::desk::{Desk, Notify};

struct Fixture {
    desk: Desk,
    events: Arc<Mutex<Vec<WireEvent>>>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    std::env::set_var(yyt_desktop::desk::HALL_LISTEN_ENV, "127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    let events: Arc<Mutex<Vec<WireEvent>>> = Arc::default();
    let sink = events.clone();
    let notify: Notify = Arc::new(move |e| sink.lock().unwrap().push(e));
    let desk = Desk::open(dir.path(), notify).await.unwrap();
    Fixture {
        desk,
        events,
        _dir: dir,
    }
}

fn login(staff_no: &str, password: &str) -> LoginRequest {
    LoginRequest {
        staff_no: staff_no.into(),
        password: password.into(),
    }
}

async fn code_of_login(desk: &Desk, staff_no: &str, password: &str) -> ErrorCode {
    desk.login(login(staff_no, password))
        .await
        .unwrap_err()
        .code
}

#[tokio::test]
async fn sign_in_gives_the_role_and_hall() {
    let f = fixture().await;
    let info = f.desk.app_info().await.unwrap();
    assert_eq!(info.hall_name, "城东供电营业厅");
    assert!(info.demo);
    let s = f.desk.login(login(" 2001 ", "demo-2001")).await.unwrap();
    assert_eq!(s.role, domain::Role::Supervisor);
    assert_eq!(s.name, "陈芳");
    assert_eq!(f.desk.session(), Some(s));
    f.desk.logout().await;
    assert_eq!(f.desk.session(), None);
    assert_eq!(
        f.desk.board().await.unwrap_err().code,
        ErrorCode::NotSignedIn
    );
}

#[tokio::test]
async fn malformed_and_wrong_sign_ins_are_refused_with_their_own_codes() {
    let f = fixture().await;
    assert_eq!(
        code_of_login(&f.desk, "", "x").await,
        ErrorCode::StaffNoRequired
    );
    assert_eq!(
        code_of_login(&f.desk, "1'; DROP TABLE staff;--", "x").await,
        ErrorCode::StaffNoInvalid
    );
    assert_eq!(
        code_of_login(&f.desk, "1001", "").await,
        ErrorCode::PasswordRequired
    );
    assert_eq!(
        code_of_login(&f.desk, "1001", "wrong").await,
        ErrorCode::BadCredentials
    );
    assert_eq!(
        code_of_login(&f.desk, "4242", "demo-1001").await,
        ErrorCode::BadCredentials
    );
    // Five wrong passwords in a row lock the account, even against the right one.
    for _ in 0..5 {
        let _ = f.desk.login(login("3001", "wrong")).await;
    }
    let e = f.desk.login(login("3001", "demo-3001")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountLocked);
    assert!(e.message.contains("5 分钟"), "{}", e.message);
    assert_eq!(f.desk.session(), None);
}

#[tokio::test]
async fn change_password_refusals_change_nothing() {
    let f = fixture().await;
    let req = |current: &str, new: &str| ChangePasswordRequest {
        current: current.into(),
        new: new.into(),
    };
    assert_eq!(
        f.desk
            .change_password(req("demo-1001", "counter-77"))
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotSignedIn
    );
    f.desk.login(login("1001", "demo-1001")).await.unwrap();
    for (current, new, code) in [
        ("", "counter-77", ErrorCode::PasswordRequired),
        ("demo-1001", "short1", ErrorCode::PasswordWeak),
        ("demo-1001", "12345678", ErrorCode::PasswordWeak),
        ("wrong", "counter-77", ErrorCode::PasswordWrong),
        ("demo-1001", "demo-1001", ErrorCode::PasswordUnchanged),
    ] {
        let e = f.desk.change_password(req(current, new)).await.unwrap_err();
        assert_eq!(e.code, code, "{current:?} -> {new:?}");
    }
    f.desk
        .change_password(req("demo-1001", "counter-77"))
        .await
        .unwrap();
    f.desk.logout().await;
    assert_eq!(
        code_of_login(&f.desk, "1001", "demo-1001").await,
        ErrorCode::BadCredentials
    );
    assert!(f.desk.login(login("1001", "counter-77")).await.is_ok());
    let info = f.desk.app_info().await.unwrap();
    assert!(info
        .demo_accounts
        .iter()
        .all(|a| a.staff_no.as_str() != "1001"));
}

#[tokio::test]
async fn counter_work_goes_through_and_events_come_back() {
    let f = fixture().await;
    f.desk.login(login("1001", "demo-1001")).await.unwrap();
    let act = |action| CounterAct { counter: 1, action };
    f.desk.counter_act(act(CounterAction::Open)).await.unwrap();
    let e = f
        .desk
        .counter_act(act(CounterAction::CallNext))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NothingWaiting);
    assert_eq!(e.message, "当前没有等候的客户。");
    let e = f
        .desk
        .counter_act(act(CounterAction::Pause { reason: " ".into() }))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReasonRequired);
    f.desk
        .counter_act(act(CounterAction::Pause {
            reason: "午休".into(),
        }))
        .await
        .unwrap();
    let me = f.desk.me().await.unwrap();
    let counter = me.counter.unwrap();
    assert_eq!(
        (counter.status.as_str(), counter.reason.as_deref()),
        ("paused", Some("午休"))
    );
    let e = f
        .desk
        .counter_act(CounterAct {
            counter: 2,
            action: CounterAction::Resume,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "not this clerk's counter");
    // The pause reached the live event stream.
    for _ in 0..50 {
        if f.events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, WireEvent::Counter { counter } if counter.get() == 1))
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no counter event arrived: {:?}", f.events.lock().unwrap());
}

#[tokio::test]
async fn a_supervisors_action_goes_through_and_the_clerk_hears_it() {
    use ipc::hall::SupervisorActionKind;
    use ipc::{SupervisorAct, SupervisorAction};
    let f = fixture().await;
    f.desk.login(login("1001", "demo-1001")).await.unwrap();
    f.desk
        .counter_act(CounterAct {
            counter: 1,
            action: CounterAction::Open,
        })
        .await
        .unwrap();
    let pause = |reason: &str| SupervisorAct {
        action: SupervisorAction::Pause { counter: 1 },
        reason: reason.into(),
    };
    // A clerk's desk cannot; the node's refusal passes through as it is.
    let e = f.desk.supervisor_act(pause("调配")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);

    let board = Desk::connect(f.desk.base(), Arc::new(|_| {}));
    board.login(login("2001", "demo-2001")).await.unwrap();
    let e = board.supervisor_act(pause(" ")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::ActionReasonRequired);
    let e = board
        .supervisor_act(SupervisorAct {
            action: SupervisorAction::Call {
                ticket: "../counters/1".into(),
                counter: 1,
            },
            reason: "调配".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::UnknownTicket,
        "a ticket number is checked before the path"
    );
    let done = board.supervisor_act(pause("临时调往咨询台")).await.unwrap();
    assert_eq!(
        (done.action, done.staff_name.as_str(), done.reason.as_str()),
        (SupervisorActionKind::Pause, "陈芳", "临时调往咨询台")
    );
    assert_eq!(
        board.supervisor_actions().await.unwrap(),
        vec![done.clone()]
    );
    assert_eq!(f.desk.me().await.unwrap().counter.unwrap().status, "paused");
    for _ in 0..50 {
        if f.events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, WireEvent::Supervised { notice } if *notice == done))
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the clerk did not hear it: {:?}", f.events.lock().unwrap());
}

#[tokio::test]
async fn an_unreachable_hall_node_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let desk = Desk::connect(&format!("http://127.0.0.1:{port}"), Arc::new(|_| {}));
    let e = desk.login(login("1001", "demo-1001")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::HallUnavailable);
    assert_eq!(e.message, "营业厅服务暂时不可用，请稍后重试。");
    assert_eq!(
        desk.app_info().await.unwrap_err().code,
        ErrorCode::HallUnavailable
    );
}

/// RFC 7396 JSON merge, as tauri merges a `--config` file over tauri.conf.json.
fn json_merge(base: &mut serde_json::Value, patch: &serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else {
                    json_merge(b.entry(k.clone()).or_insert(serde_json::Value::Null), v);
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// Every string of a JSON document that names a file (holds a path separator).
fn named_files(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.contains('/') || s.contains('\\') => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| named_files(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| named_files(x, out)),
        _ => {}
    }
}

#[test]
fn the_windows_installer_configuration_is_a_valid_tauri_config() {
    use tauri::utils::config::{Config, NSISInstallerMode, WixLanguage};
    let src_tauri = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let fragment = read(src_tauri.join("../installers/windows/tauri.windows.conf.json"));
    let mut merged = read(src_tauri.join("tauri.conf.json"));
    json_merge(&mut merged, &fragment);
    let config: Config = serde_json::from_value(merged).expect("a valid tauri configuration");

    let windows = &config.bundle.windows;
    let nsis = windows.nsis.as_ref().expect("bundle.windows.nsis");
    assert_eq!(nsis.install_mode, NSISInstallerMode::PerMachine);
    let languages = nsis.languages.as_ref().expect("nsis languages");
    assert!(
        languages.iter().any(|l| l == "SimpChinese"),
        "{languages:?}"
    );
    assert!(!nsis.display_language_selector);
    assert!(nsis.installer_hooks.is_some());
    let wix = windows.wix.as_ref().expect("bundle.windows.wix");
    assert_eq!(wix.language, WixLanguage::One("zh-CN".into()));
    // What Linux builds use is untouched by the fragment.
    assert_eq!(config.identifier, "com.yingyeting.suite");

    // Paths in a tauri config are relative to src-tauri; each must exist.
    let mut files = Vec::new();
    named_files(&fragment, &mut files);
    assert!(!files.is_empty(), "the fragment names its installer hooks");
    for f in files {
        assert!(
            src_tauri.join(&f).is_file(),
            "installers/windows/tauri.windows.conf.json names {f}, which does not exist"
        );
    }
}

#[tokio::test]
async fn update_reports_left_by_a_previous_run_are_delivered_at_sign_in() {
    std::env::set_var(yyt_desktop::desk::HALL_LISTEN_ENV, "127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    // The reports not yet delivered, as the desk's database keeps them.
    let queued = || async {
        let store = store::Store::open(&dir.path().join(yyt_desktop::desk::DESK_DB))
            .await
            .unwrap();
        let waiting = store.desk_waiting(100).await.unwrap();
        store.close().await;
        waiting
    };
    // The new version said "installed" and was closed before anyone signed in
    // (a version before the database kept it in this file).
    let file = dir.path().join("update-reports.json");
    let legacy = serde_json::json!([{"pc": "pc-1", "current_version": "0.1.1", "offered": "0.1.1", "state": "installed", "detail": null}]);
    std::fs::write(&file, legacy.to_string()).unwrap();
    let desk = Desk::open(dir.path(), Arc::new(|_| {})).await.unwrap();
    desk.report_update(UpdateReport {
        pc: "pc-1".into(),
        current_version: "0.1.1".into(),
        offered: Some("0.1.1".into()),
        state: UpdateState::UpToDate,
        detail: None,
    })
    .await;
    let kept = queued().await;
    assert_eq!(kept.len(), 2, "queued reports are on disk until delivered");
    assert!(!file.exists(), "the earlier version's file is taken over");

    desk.login(login("1001", "demo-1001")).await.unwrap();
    let kept = queued().await;
    assert!(kept.is_empty(), "delivered: {kept:?}");
    let store = store::Store::open(&dir.path().join("hall.db"))
        .await
        .unwrap();
    let states: Vec<String> = store
        .outbox_after(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == "update_status")
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["state"].to_string())
        .collect();
    assert_eq!(
        states,
        ["\"installed\"", "\"up_to_date\""],
        "in order, once each"
    );
}
