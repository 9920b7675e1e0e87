//! Journeys through the real window: each role signs in to its own view; refusals; keyboard; language.

use e2e::{App, Result};

mod emergency;
mod monitor;
mod plans;
mod update;
mod video;

/// WebDriver key codes.
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const ALT: &str = "\u{E00A}";
const RELEASE: &str = "\u{E000}";
const ESCAPE: &str = "\u{E00C}";

/// (staff number, password, role code, role label, home page id, home title, name)
const ROLES: [(&str, &str, &str, &str, &str, &str, &str); 4] = [
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
    (
        "4001",
        "demo-4001",
        "planner",
        "预案编制",
        "plans",
        "应急预案编制",
        "钱敏",
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

const F1: &str = "\u{E031}";
const F4: &str = "\u{E034}";
const F5: &str = "\u{E035}";

/// Presses a key where the clerk's focus is: the page itself.
async fn press(app: &App, key: &str) -> Result {
    let body = app.find("body").await?;
    body.send_keys(key).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_from_kiosk_to_counter_to_display_to_pad() -> Result {
    use e2e::Browser;
    let app = App::launch().await?;
    app.find("#login-form").await?;
    let hall = app.hall_addr().await?;
    let tokens = app.device_tokens().await?;
    let token = |name: &str| tokens[name].as_str().unwrap_or_default().to_owned();

    // The clerk signs in and takes counter 1, keyboard only.
    sign_in(&app, "1001", "demo-1001").await?;
    app.find("#counter-form").await?;
    app.keys(&format!("1{ENTER}")).await?;
    app.wait_text("#my-counter", "1 号窗口").await?;
    app.wait_text("#no-customer", "按 F1 叫号").await?;

    // The supervisor has a notice and a scrolling text put up beside the calls.
    let http = reqwest::Client::new();
    let session: ipc::hall::SessionReply = http
        .post(format!("http://{hall}/api/v1/sessions"))
        .json(&ipc::LoginRequest {
            staff_no: "2001".into(),
            password: "demo-2001".into(),
        })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for notice in [
        ipc::programs::NewNotice {
            title: "营业时间".into(),
            text: "周一至周日 8:30–17:30\n节假日照常营业\n缴费、查询可使用自助终端".into(),
            scroll: false,
            seconds: Some(600),
            until_ms: None,
        },
        ipc::programs::NewNotice {
            title: "高峰提示".into(),
            text: "业务高峰时段，电费缴纳请使用自助缴费终端或“网上国网”App".into(),
            scroll: true,
            seconds: None,
            until_ms: None,
        },
    ] {
        http.post(format!("http://{hall}/api/v1/programs"))
            .bearer_auth(&session.token)
            .json(&notice)
            .send()
            .await?
            .error_for_status()?;
    }

    // The display and the pad at counter 1 are on; a customer takes a ticket at the kiosk.
    let display = Browser::open(
        &format!("http://{hall}/display?token={}", token("display")),
        1920,
        1080,
    )
    .await?;
    display.find("#current-no").await?;
    let pad = Browser::open(
        &format!("http://{hall}/pad?token={}", token("pad-1")),
        1024,
        600,
    )
    .await?;
    pad.find("#idle").await?;
    let kiosk = Browser::open(
        &format!("http://{hall}/kiosk?token={}", token("kiosk")),
        1280,
        800,
    )
    .await?;
    kiosk
        .find("button.business[data-code='A']")
        .await?
        .click()
        .await?;
    let no = kiosk.wait_text("#ticket-no", "A").await?;
    assert_eq!(no.trim(), "A001");
    kiosk.wait_text("#ticket-ahead", "0").await?;
    kiosk.screenshot("device-kiosk-ticket").await?;

    // F1 calls it at the counter; the display shows and announces it.
    app.wait_text("#my-queues tr[data-code='A'] .waiting", "1")
        .await?;
    press(&app, F1).await?;
    app.wait_text("#current-ticket", "A001").await?;
    display.wait_text("#current-no", "A001").await?;
    display.wait_text("#current-counter", "1").await?;
    let spoken: serde_json::Value = display
        .client
        .execute("return window.__announcements || []", vec![])
        .await?;
    assert!(
        spoken.to_string().contains("请 A 零 零 一 号 到 1 号窗口"),
        "announced {spoken}"
    );
    // The notice stands beside the calls, the scrolling text under them.
    display.wait_text("#program-title", "营业时间").await?;
    display.wait_text("#ticker-text", "网上国网").await?;
    display.screenshot("device-display").await?;
    app.screenshot("workbench-called").await?;

    // F4 starts, F5 finishes (the dialog proposes the ticket's business; Enter confirms).
    press(&app, F4).await?;
    app.find(".ticket-now[data-stage='serving']").await?;
    press(&app, F5).await?;
    app.find("#dialog").await?;
    app.keys(ENTER).await?;
    app.wait_text("#no-customer", "F1").await?;

    // The pad asks this customer about this clerk; five stars.
    pad.wait_text("#clerk-name", "李静").await?;
    pad.screenshot("device-pad").await?;
    pad.find("button.score[data-score='5']")
        .await?
        .click()
        .await?;
    pad.wait_text("#thanks", "感谢").await?;

    // The clerk's own figures and the supervisor's board show it.
    app.wait_text("#my-figures .served", "1").await?;
    app.wait_text("#my-figures .score", "5.0").await?;
    app.screenshot("workbench").await?;
    app.click("#sign-out").await?;
    sign_in(&app, "2001", "demo-2001").await?;
    app.wait_text("#hall-figures .served", "1").await?;
    app.wait_text("#hall-figures", "100%").await?;
    app.wait_text("#counters [data-counter='1']", "李静")
        .await?;
    app.screenshot("board").await?;

    for b in [kiosk, display, pad] {
        b.close().await?;
    }
    app.close().await
}

const F6: &str = "\u{E036}";
const F7: &str = "\u{E037}";
const F8: &str = "\u{E038}";

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_transfers_and_pauses_from_the_keyboard() -> Result {
    use e2e::Browser;
    let app = App::launch().await?;
    app.find("#login-form").await?;
    let hall = app.hall_addr().await?;
    let tokens = app.device_tokens().await?;
    let kiosk_token = tokens["kiosk"].as_str().unwrap_or_default().to_owned();
    sign_in(&app, "1002", "demo-1002").await?;
    app.find("#counter-form").await?;
    app.keys(&format!("2{ENTER}")).await?;
    app.wait_text("#my-counter", "2 号窗口").await?;

    // Two customers for bill payment.
    let kiosk = Browser::open(
        &format!("http://{hall}/kiosk?token={kiosk_token}"),
        1280,
        800,
    )
    .await?;
    for expected in ["A001", "A002"] {
        kiosk
            .find("button.business[data-code='A']")
            .await?
            .click()
            .await?;
        kiosk.wait_text("#ticket-no", expected).await?;
        kiosk.find("#done").await?.click().await?;
        kiosk.find("button.business[data-code='A']").await?;
    }
    kiosk.close().await?;

    // A001 actually wants advice: F6, choose C, Enter. It waits in C, keeping its place.
    app.wait_text("#my-queues tr[data-code='A'] .waiting", "2")
        .await?;
    press(&app, F1).await?;
    app.wait_text("#current-ticket", "A001").await?;
    press(&app, F6).await?;
    app.find("#dialog").await?;
    app.find("#dlg-business option[value='C']")
        .await?
        .click()
        .await?;
    app.screenshot("workbench-transfer").await?;
    app.keys(ENTER).await?;
    app.wait_text("#no-customer", "F1").await?;
    app.wait_text("#my-queues tr[data-code='C'] .waiting", "1")
        .await?;
    app.wait_text("#my-queues tr[data-code='A'] .waiting", "1")
        .await?;

    // The transferred customer arrived first, so F1 calls A001 again, now for C.
    press(&app, F1).await?;
    app.wait_text("#current-ticket", "A001").await?;
    app.wait_text(".ticket-business", "查询咨询").await?;
    press(&app, F4).await?;
    app.find(".ticket-now[data-stage='serving']").await?;
    press(&app, F5).await?;
    app.find("#dialog").await?;
    app.keys(ENTER).await?;
    app.wait_text("#no-customer", "F1").await?;

    // F7: pause for lunch with a preset reason; the board would show it. F7 again resumes.
    press(&app, F7).await?;
    app.find("#dialog").await?;
    app.click(".chip").await?;
    app.click("#dlg-confirm").await?;
    app.wait_text(".counter-head .status-pill", "暂停 · 午休")
        .await?;
    app.wait_text("#no-customer", "按 F7 恢复").await?;
    app.screenshot("workbench-paused").await?;
    press(&app, F1).await?;
    assert!(
        !app.exists("#current-ticket").await,
        "a paused counter must not call"
    );
    press(&app, F7).await?;
    app.wait_text(".counter-head .status-pill", "服务中")
        .await?;
    press(&app, F1).await?;
    app.wait_text("#current-ticket", "A002").await?;
    app.close().await
}
