//! The desktop's use cases without a window: every bad input gets its error code and changes nothing.

use domain::{HallCode, Role, StaffName, StaffNo};
use ipc::{ChangePasswordRequest, ErrorCode, LoginRequest};
use store::accounts::Account;
use store::Store;
use yyt_desktop::desk::Desk;

async fn desk() -> (Desk, Store) {
    let store = Store::open_in_memory().await.unwrap();
    store.seed_demo_if_empty().await.unwrap();
    (Desk::new(store.clone()), store)
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
    let (desk, _) = desk().await;
    let s = desk.login(login(" 2001 ", "demo-2001")).await.unwrap();
    assert_eq!(s.role, Role::Supervisor);
    assert_eq!(s.name, "陈芳");
    assert_eq!(s.hall_code.as_str(), "H0101");
    assert_eq!(desk.session(), Some(s));
    desk.logout();
    assert_eq!(desk.session(), None);
}

#[tokio::test]
async fn malformed_sign_ins_are_refused_with_their_own_codes() {
    let (desk, store) = desk().await;
    assert_eq!(
        code_of_login(&desk, "", "x").await,
        ErrorCode::StaffNoRequired
    );
    assert_eq!(
        code_of_login(&desk, "1'; DROP TABLE staff;--", "x").await,
        ErrorCode::StaffNoInvalid
    );
    assert_eq!(
        code_of_login(&desk, "1001", "").await,
        ErrorCode::PasswordRequired
    );
    assert_eq!(
        code_of_login(&desk, "1001", "wrong").await,
        ErrorCode::BadCredentials
    );
    assert_eq!(
        code_of_login(&desk, "4242", "demo-1001").await,
        ErrorCode::BadCredentials
    );
    assert_eq!(desk.session(), None);
    // Malformed input never reached the store: only the two real attempts were audited.
    let no = StaffNo::parse("1001").unwrap();
    assert_eq!(
        store.login_outcomes(&no).await.unwrap(),
        vec!["bad_password"]
    );
}

#[tokio::test]
async fn a_locked_account_says_for_how_long() {
    let (desk, _) = desk().await;
    for _ in 0..5 {
        let _ = desk.login(login("3001", "wrong")).await;
    }
    let e = desk.login(login("3001", "demo-3001")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountLocked);
    assert!(e.message.contains("5 分钟"), "{}", e.message);
    assert_eq!(desk.session(), None);
}

#[tokio::test]
async fn an_account_of_another_hall_cannot_sign_in_here() {
    let (desk, store) = desk().await;
    sqlx::query("INSERT INTO hall (code, name) VALUES ('H0202', '城西营业厅')")
        .execute(store.pool())
        .await
        .unwrap();
    let visitor = Account {
        staff_no: StaffNo::parse("5001").unwrap(),
        name: StaffName::parse("外厅员工").unwrap(),
        role: Role::Clerk,
        hall_code: HallCode::parse("H0202").unwrap(),
    };
    store.put_account(&visitor, "visitor-pass-1").await.unwrap();
    assert_eq!(
        code_of_login(&desk, "5001", "visitor-pass-1").await,
        ErrorCode::WrongHall
    );
    assert_eq!(desk.session(), None);
}

#[tokio::test]
async fn change_password_refusals_change_nothing() {
    let (desk, _) = desk().await;
    let req = |current: &str, new: &str| ChangePasswordRequest {
        current: current.into(),
        new: new.into(),
    };
    assert_eq!(
        desk.change_password(req("demo-1001", "counter-77"))
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotSignedIn
    );
    desk.login(login("1001", "demo-1001")).await.unwrap();
    for (current, new, code) in [
        ("", "counter-77", ErrorCode::PasswordRequired),
        ("demo-1001", "short1", ErrorCode::PasswordWeak),
        ("demo-1001", "12345678", ErrorCode::PasswordWeak),
        ("wrong", "counter-77", ErrorCode::PasswordWrong),
        ("demo-1001", "demo-1001", ErrorCode::PasswordUnchanged),
    ] {
        let e = desk.change_password(req(current, new)).await.unwrap_err();
        assert_eq!(e.code, code, "{current:?} -> {new:?}");
    }
    desk.logout();
    assert!(desk.login(login("1001", "demo-1001")).await.is_ok());
    desk.change_password(req("demo-1001", "counter-77"))
        .await
        .unwrap();
    desk.logout();
    assert_eq!(
        code_of_login(&desk, "1001", "demo-1001").await,
        ErrorCode::BadCredentials
    );
    assert!(desk.login(login("1001", "counter-77")).await.is_ok());
}

#[tokio::test]
async fn app_info_lists_only_demo_accounts_with_their_seeded_password() {
    let (desk, _) = desk().await;
    let info = desk.app_info().await.unwrap();
    assert!(info.demo);
    assert_eq!(info.demo_accounts.len(), 4);
    desk.login(login("1002", "demo-1002")).await.unwrap();
    desk.change_password(ChangePasswordRequest {
        current: "demo-1002".into(),
        new: "counter-88".into(),
    })
    .await
    .unwrap();
    let info = desk.app_info().await.unwrap();
    assert_eq!(info.demo_accounts.len(), 3);
    assert!(info
        .demo_accounts
        .iter()
        .all(|a| a.staff_no.as_str() != "1002"));
}
