//! The emergency console in the real window: a surge is proposed as 客户排队过多 at level III, the duty person starts it, the sign-in screen calls clerks to open counters, the clerk on break is prompted and opens the counter, the display shows the banner, the queue drains and the level steps down once, the incident ends with its report; the same plan run as a drill is scored.

use super::{press, sign_in, ALT, ENTER, F1, RELEASE};
use e2e::{App, Browser, Result};
use ipc::hall::{Empty, IssueRequest, PauseRequest, SessionReply};
use ipc::LoginRequest;

/// A staff session of the hosted hall node, besides the window's.
async fn session(http: &reqwest::Client, hall: &str, staff: &str) -> Result<String> {
    let req = LoginRequest {
        staff_no: staff.into(),
        password: format!("demo-{staff}"),
    };
    let s: SessionReply = http
        .post(format!("http://{hall}/api/v1/sessions"))
        .json(&req)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(s.token)
}

async fn counter(
    http: &reqwest::Client,
    hall: &str,
    token: &str,
    op: &str,
    body: &impl serde::Serialize,
) -> Result {
    http.post(format!("http://{hall}/api/v1/counters/1/{op}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn sign_out(app: &App) -> Result {
    app.click("#sign-out").await?;
    app.find("#login-form").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_surge_runs_its_plan_from_proposal_to_report_and_a_drill_is_scored() -> Result {
    let app = App::launch().await?;
    app.find("#login-form").await?;
    let hall = app.hall_addr().await?;
    let tokens = app.device_tokens().await?;
    let token = |name: &str| tokens[name].as_str().unwrap_or_default().to_owned();
    let http = reqwest::Client::new();

    // 李静 is at counter 1, on her lunch break.
    let clerk = session(&http, &hall, "1001").await?;
    counter(&http, &hall, &clerk, "open", &Empty {}).await?;
    let lunch = PauseRequest {
        reason: "午休".into(),
    };
    counter(&http, &hall, &clerk, "pause", &lunch).await?;

    // The duty person watches the console.
    sign_in(&app, "3001", "demo-3001").await?;
    app.wait_text("#page-title", "应急总览").await?;
    app.wait_text("#plans", "客户排队过多").await?;
    app.find("#no-proposals").await?;

    // A surge of bill payments: 13 waiting for 10 s proposes the plan at level III.
    for _ in 0..13 {
        let req = IssueRequest {
            business: "A".into(),
            priority: None,
            customer: None,
        };
        http.post(format!("http://{hall}/api/v1/tickets"))
            .bearer_auth(token("kiosk"))
            .json(&req)
            .send()
            .await?
            .error_for_status()?;
    }
    app.wait_text(
        "#proposals .proposal[data-plan='queue-surge']",
        "业务 A 等候 13 人",
    )
    .await?;
    app.wait_text("#proposals .proposal .level-badge", "Ⅲ级")
        .await?;
    app.screenshot("emergency-proposal").await?;

    // Enter starts it.
    app.click("#page-title").await?;
    app.keys(ENTER).await?;
    app.find("#incidents .incident[data-level='yellow']")
        .await?;
    app.wait_text("#timeline", "当时排队 13 人").await?;
    app.screenshot("emergency-console").await?;

    // The banner is on the call display.
    let display = Browser::open(
        &format!("http://{hall}/display?token={}", token("display")),
        1920,
        1080,
    )
    .await?;
    display
        .wait_text("#emergency-notice", "业务高峰，请使用自助终端")
        .await?;
    display.screenshot("display-emergency-banner").await?;
    display.close().await?;

    // 业务预办理: a supervisor with a tablet fills the first waiting customer's form.
    let tablet = Browser::open(&format!("http://{hall}/preprocess"), 1024, 768).await?;
    tablet.find("#staff-no").await?.send_keys("2001").await?;
    tablet
        .find("#password")
        .await?
        .send_keys("demo-2001")
        .await?;
    tablet.find("#login-form button").await?.click().await?;
    tablet.wait_text("#tickets", "A001").await?;
    tablet.find(".ticket[data-ticket]").await?.click().await?;
    tablet
        .find("#account")
        .await?
        .send_keys("3100123456")
        .await?;
    tablet.find("#save").await?.click().await?;
    tablet.wait_text(".ticket.filled", "A001").await?;
    tablet.screenshot("preprocess-tablet").await?;
    tablet.close().await?;

    // The sign-in screen calls clerks to open counters; once signed in, the
    // clerk on break sees the step on her workbench; Alt+A acknowledges and opens the counter.
    sign_out(&app).await?;
    app.wait_text("#counter-calls .prompt[data-step='open']", "客户排队过多")
        .await?;
    app.screenshot("emergency-signin-call").await?;
    sign_in(&app, "1001", "demo-1001").await?;
    app.wait_text("#emergency-prompts .prompt[data-step='open']", "增开窗口")
        .await?;
    app.wait_text(".counter-head .status-pill", "暂停").await?;
    app.screenshot("emergency-clerk-prompt").await?;
    app.keys(&format!("{ALT}a{RELEASE}")).await?;
    app.wait_text(".counter-head .status-pill", "服务中")
        .await?;
    assert!(
        !app.exists("#emergency-prompts .prompt[data-step='open']")
            .await,
        "the prompt goes once acknowledged"
    );

    // She calls A001: its pre-filled form is on her workbench.
    press(&app, F1).await?;
    app.wait_text("#current-ticket", "A001").await?;
    app.wait_text("#preprocessed", "3100123456").await?;
    app.screenshot("workbench-preprocessed").await?;
    for op in ["start", "finish"] {
        counter(&http, &hall, &clerk, op, &Empty {}).await?;
    }

    // The counter serves the rest of the surge away.
    for _ in 0..12 {
        for op in ["call-next", "start", "finish"] {
            counter(&http, &hall, &clerk, op, &Empty {}).await?;
        }
    }

    // Back at the console: clear for 10 s, the level steps down to IV, once.
    sign_out(&app).await?;
    sign_in(&app, "3001", "demo-3001").await?;
    app.find("#incidents .incident[data-level='blue']").await?;
    app.wait_text("#timeline", "Ⅲ级（黄色） → Ⅳ级（蓝色）")
        .await?;
    app.wait_text("#timeline", "1 号窗口开窗").await?;
    app.screenshot("emergency-timeline").await?;

    // T ends it with a summary; the report lists every step with its times.
    app.click("#page-title").await?;
    app.keys("t").await?;
    app.find("#emergency-dialog").await?;
    app.type_into("#emergency-input", "高峰已过，1 号窗口恢复服务")
        .await?;
    app.keys(ENTER).await?;
    app.wait_text("#incident-report", "应急信息快速报告单")
        .await?;
    app.wait_text("#report-steps tr[data-step='open']", "增开窗口")
        .await?;
    app.wait_text("#incident-report", "高峰已过").await?;
    app.screenshot("emergency-report").await?;
    app.find("#incident-report").await?.click().await?;
    app.keys("\u{E00C}").await?;
    app.find("#no-incidents").await?;

    // The same plan as a drill: proposed by a synthetic trigger, marked, scored.
    app.click("#plans li[data-plan='queue-surge'] button[data-act='drill']")
        .await?;
    app.wait_text("#proposals .proposal.drill", "演练").await?;
    app.click("#proposals .proposal.drill button[data-act='start']")
        .await?;
    app.find("#incidents .incident.drill").await?;
    app.click("#incidents .incident.drill tr[data-step='confirm'] button[data-act='ack']")
        .await?;
    app.find("#incidents .incident.drill tr.step.done[data-step='confirm']")
        .await?;
    app.screenshot("emergency-drill").await?;
    app.click("#incidents .incident.drill button[data-act='terminate']")
        .await?;
    app.type_into("#emergency-input", "演练结束").await?;
    app.keys(ENTER).await?;
    app.wait_text("#incident-report h2", "演练").await?;
    app.wait_text("#report-missed", "5").await?;
    app.screenshot("emergency-drill-report").await?;
    app.find("#incident-report").await?.click().await?;
    app.keys("\u{E00C}").await?;
    app.wait_text("#history", "演练").await?;
    app.close().await
}
