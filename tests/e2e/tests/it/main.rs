//! Journeys through the real window: each role signs in to its own view; refusals; keyboard; language.

use e2e::{App, Result};

/// WebDriver key codes.
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const ALT: &str = "\u{E00A}";
const RELEASE: &str = "\u{E000}";

/// (staff number, password, role code, role label, home page id, home title, name)
const ROLES: [(&str, &str, &str, &str, &str, &str, &str); 3] = [
    (
        "1001",
        "demo-1001",
        "clerk",
        "营业员",
        "workbench",
        "柜台工作台",
        "李静",
    ),
    (
        "2001",
        "demo-2001",
        "supervisor",
        "值班长",
        "hall-board",
        "大厅总览",
        "陈芳",
    ),
    (
        "3001",
        "demo-3001",
        "emergency",
        "应急指挥",
        "emergency",
        "应急总览",
        "赵强",
    ),
];

async fn sign_in(app: &App, staff_no: &str, password: &str) -> Result {
    app.type_into("#staff-no", staff_no).await?;
    app.type_into("#password", password).await?;
    app.click("#sign-in").await
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_signs_in_to_its_own_view() -> Result {
    let app = App::launch().await?;
    app.find("#login-form").await?;
    app.wait_text(".subtitle", "城东供电营业厅").await?;
    app.wait_text(".demo", "1001").await?;
    app.screenshot("login-zh").await?;
    for (no, password, role, label, home, title, name) in ROLES {
        sign_in(&app, no, password).await?;
        app.find(&format!(".shell[data-role='{role}']")).await?;
        app.wait_text("#page-title", title).await?;
        app.wait_text("#who", name).await?;
        app.wait_text(".topbar", "城东供电营业厅").await?;
        app.wait_text(".role-badge", label).await?;
        // Each role has its own navigation: its home (active) and its account page.
        app.find(&format!(".nav-item.active[data-page='{home}']"))
            .await?;
        assert!(app.exists(".nav-item[data-page='account']").await);
        app.screenshot(&format!("role-{role}")).await?;
        app.click("#sign-out").await?;
        app.find("#login-form").await?;
        assert!(
            !app.exists(".shell").await,
            "signed out but the shell is still shown"
        );
    }
    // Roles do not see each other's pages.
    sign_in(&app, "1001", "demo-1001").await?;
    app.find(".shell[data-role='clerk']").await?;
    assert!(!app.exists(".nav-item[data-page='hall-board']").await);
    assert!(!app.exists(".nav-item[data-page='emergency']").await);
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_sign_ins_get_a_clear_message_and_no_access() -> Result {
    let app = App::launch().await?;
    app.find("#login-form").await?;

    app.click("#sign-in").await?;
    app.wait_text("#login-error", "请输入工号").await?;

    app.type_into("#staff-no", "10 01").await?;
    app.click("#sign-in").await?;
    app.wait_text("#login-error", "工号应为 3–16 位字母或数字")
        .await?;

    app.type_into("#staff-no", "1001").await?;
    app.type_into("#password", "").await?;
    app.click("#sign-in").await?;
    app.wait_text("#login-error", "请输入密码").await?;

    sign_in(&app, "1001", "not-the-password").await?;
    app.wait_text("#login-error", "工号或密码不正确").await?;
    assert!(!app.exists(".shell").await);
    app.screenshot("login-error").await?;
    app.wait_text("#login-error", "工号或密码不正确").await?;
    app.wait_value("#staff-no", "1001").await?;

    // An unknown staff number gets the very same answer.
    sign_in(&app, "9999", "demo-1001").await?;
    app.wait_text("#login-error", "工号或密码不正确").await?;

    // Four more wrong passwords lock the account, even against the right one.
    // (A refused attempt empties the password field: wait for that each time.)
    for _ in 0..4 {
        sign_in(&app, "1001", "still-wrong").await?;
        app.wait_value("#password", "").await?;
    }
    app.wait_text("#login-error", "已锁定").await?;
    sign_in(&app, "1001", "demo-1001").await?;
    app.wait_text("#login-error", "已锁定").await?;
    assert!(!app.exists(".shell").await);

    // Other accounts are unaffected.
    sign_in(&app, "1002", "demo-1002").await?;
    app.find(".shell[data-role='clerk']").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn english_keyboard_only_and_password_change() -> Result {
    let app = App::launch().await?;
    app.find("#login-form").await?;
    app.wait_text(".subtitle", "营业厅").await?;

    // Keyboard only: the staff number field has focus; Alt+L, typing, Tab, Enter.
    app.keys(&format!("{ALT}l{RELEASE}")).await?;
    app.wait_text("#sign-in", "Sign in").await?;
    app.screenshot("login-en").await?;
    app.keys(&format!("1002{TAB}demo-1002{ENTER}")).await?;
    app.find(".shell[data-role='clerk']").await?;
    app.wait_text("#page-title", "Counter workbench").await?;

    app.keys(&format!("{ALT}2{RELEASE}")).await?;
    app.wait_text("#page-title", "My account").await?;
    app.type_into("#current-password", "demo-1002").await?;
    app.type_into("#new-password", "counter-2026").await?;
    app.type_into("#confirm-password", "counter-2027").await?;
    app.keys(ENTER).await?;
    app.wait_text("#password-form", "The two new passwords differ")
        .await?;

    app.type_into("#new-password", "short").await?;
    app.type_into("#confirm-password", "short").await?;
    app.keys(ENTER).await?;
    app.wait_text("#password-form", "8–64 characters").await?;

    app.type_into("#new-password", "counter-2026").await?;
    app.type_into("#confirm-password", "counter-2026").await?;
    app.keys(ENTER).await?;
    app.wait_text("#password-form", "Password changed").await?;
    app.screenshot("account-en").await?;

    app.keys(&format!("{ALT}q{RELEASE}")).await?;
    app.find("#login-form").await?;
    sign_in(&app, "1002", "demo-1002").await?;
    app.wait_text("#login-error", "not correct").await?;
    sign_in(&app, "1002", "counter-2026").await?;
    app.find(".shell[data-role='clerk']").await?;

    // After a restart: still English, still the new password, demo list without 1002.
    let app = app.relaunch().await?;
    app.wait_text("#sign-in", "Sign in").await?;
    app.wait_text(".demo", "1001").await?;
    assert!(!app.find(".demo").await?.text().await?.contains("1002"));
    sign_in(&app, "1002", "counter-2026").await?;
    app.wait_text("#page-title", "Counter workbench").await?;
    app.close().await
}
