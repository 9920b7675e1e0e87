//! The planners' editor in the real window: a new plan is written from the keyboard and checked as it is typed, published to a real province through the hosted hall, comes back down the feed, is withdrawn; with the province away the planner is told so and the draft stays.

use super::{sign_in, ENTER, RELEASE};
use e2e::{App, Province, Result};
use std::time::{Duration, Instant};
use sync_proto::owned::{BusinessRecord, PublishedPlan};

const CTRL: &str = "\u{E009}";

fn env(name: &str) -> Result<String> {
    std::env::var(name)
        .map_err(|_| format!("{name} is not set; run the suite with `cargo xtask test`").into())
}

/// The province's plans, as its maintainers see them.
async fn published(
    http: &reqwest::Client,
    province: &Province,
    admin: &str,
) -> Result<Vec<PublishedPlan>> {
    Ok(http
        .get(format!("{}/admin/v1/plans", province.url))
        .bearer_auth(admin)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// A maintainer's PUT of `body` at `path`.
async fn put(
    http: &reqwest::Client,
    province: &Province,
    admin: &str,
    path: &str,
    body: &impl serde::Serialize,
) -> Result {
    http.put(format!("{}{path}", province.url))
        .bearer_auth(admin)
        .json(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_planner_writes_publishes_and_withdraws_a_plan_through_the_hall() -> Result {
    let bin = env("YYT_PROVINCE_BINARY")?;
    let work = tempfile::tempdir()?;
    let db = format!(
        "sqlite://{}?mode=rwc",
        work.path().join("province.db").display()
    );
    let token = Province::register(&bin, &db, &["--add-hall", "H0101", "城东供电营业厅"])?;
    let admin = Province::register(&bin, &db, &["--add-maintainer", "运维"])?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let province = Province::start(&bin, &db, port, &[])?;
    let http = reqwest::Client::new();
    // The province's catalogue is the demo hall's businesses; 钱敏 plans for the hall.
    for b in queue::QueueConfig::demo().businesses {
        let record = BusinessRecord {
            name_zh: b.name_zh,
            name_en: b.name_en,
            default_service_secs: b.default_service_secs,
        };
        put(
            &http,
            &province,
            &admin,
            &format!("/admin/v1/businesses/{}", b.code),
            &record,
        )
        .await?;
    }
    let planner = serde_json::json!({"name": "钱敏", "role": "planner", "hall": "H0101", "password": "demo-4001"});
    put(&http, &province, &admin, "/admin/v1/staff/4001", &planner).await?;

    let app = App::launch_with(&[
        ("YYT_PROVINCE_URL", province.url.as_str()),
        ("YYT_PROVINCE_TOKEN", token.as_str()),
    ])
    .await?;
    app.find("#login-form").await?;
    sign_in(&app, "4001", "demo-4001").await?;
    app.find(".shell[data-role='planner'] #plan-editor").await?;

    // A new plan: 增开窗口 for the clerks, then the duty person reports.
    app.click("#new-plan").await?;
    app.type_into("#plan-id", "surge-east").await?;
    app.type_into("#plan-name", "城东客户排队过多").await?;
    app.click(".plan-role[data-role='clerk']").await?;
    app.click("#add-step").await?;
    let second = ".step-row[data-step='1']";
    app.type_into(&format!("{second} .step-id"), "open").await?;
    app.type_into(&format!("{second} .step-title"), "增开窗口")
        .await?;
    app.click(&format!("{second} .step-ack[data-role='clerk']"))
        .await?;
    if app
        .exists(&format!(
            "{second} .step-ack[data-role='emergency']:checked"
        ))
        .await
    {
        app.click(&format!("{second} .step-ack[data-role='emergency']"))
            .await?;
    }
    app.click(&format!(
        "{second} .step-action option[value='open_counters']"
    ))
    .await?;
    app.type_into(&format!("{second} .step-count"), "2").await?;
    app.click("#add-trigger").await?;
    app.wait_text("#plan-check.ok", "预案检查通过").await?;

    // A mistake is named as it is typed, and publishing waits for it.
    app.type_into("#plan-name", "").await?;
    app.wait_text("#plan-check.bad", "预案名称").await?;
    assert!(
        app.exists("#publish-plan:disabled").await,
        "publish waits for a good plan"
    );
    app.screenshot("plans-check").await?;
    app.type_into("#plan-name", "城东客户排队过多").await?;
    app.wait_text("#plan-check.ok", "预案检查通过").await?;
    app.screenshot("plans-editor").await?;

    // Ctrl+Enter publishes at the province, which keeps who; it comes back down the feed.
    app.find("#plan-name").await?.click().await?;
    app.keys(&format!("{CTRL}{ENTER}{RELEASE}")).await?;
    app.wait_text("#plan-result", "已提交省公司发布").await?;
    let plans = published(&http, &province, &admin).await?;
    let ours = plans
        .iter()
        .find(|p| p.plan.id == "surge-east")
        .ok_or("the province has no plan surge-east")?;
    assert_eq!(ours.by.as_deref(), Some("4001"));
    assert_eq!(ours.halls, None, "a new plan is for every hall");
    assert_eq!(ours.plan.steps.len(), 2);
    app.wait_text("#plan-list li[data-plan='surge-east']", "城东客户排队过多")
        .await?;
    app.screenshot("plans-published").await?;

    // Withdrawn (confirmed with Enter): the province marks it, the hall drops it.
    app.click("#withdraw-plan").await?;
    app.find("#plan-dialog").await?;
    app.keys(ENTER).await?;
    app.wait_text("#plan-result", "已提交省公司撤回").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.exists("#plan-list li[data-plan='surge-east']").await {
        if Instant::now() > deadline {
            return Err("the withdrawn plan stayed in the hall's list".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let plans = published(&http, &province, &admin).await?;
    assert!(plans
        .iter()
        .any(|p| p.plan.id == "surge-east" && p.withdrawn));

    // The province away: said plainly, and the draft is still there.
    drop(province);
    app.type_into("#plan-name", "城东客户排队过多（修订）")
        .await?;
    app.click("#publish-plan").await?;
    app.wait_text("#plan-result", "暂时连不上省公司").await?;
    app.wait_value("#plan-name", "城东客户排队过多（修订）")
        .await?;
    app.screenshot("plans-province-away").await?;
    app.close().await
}
