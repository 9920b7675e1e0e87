//! The supervisor's device monitor in the real window: a terminal runs out of paper, the alarm is acknowledged from the keyboard, the terminal is taken out of service by a command it confirms, the paper is refilled and the alarm clears.

use super::{sign_in, ALT, ENTER, ESCAPE, F8, RELEASE};
use e2e::{App, Result};
use hall_node::devsim::SimFault;

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_out_of_paper_rings_is_acknowledged_and_clears() -> Result {
    // The test drives the hall's MQTT devices itself, so it can put faults on them.
    let app = App::launch_with(&[("YYT_DEMO_DEVICES", "off")]).await?;
    let sim = app.simulate_devices().await?;
    app.find("#login-form").await?;
    sign_in(&app, "2001", "demo-2001").await?;
    app.find(".shell[data-role='supervisor']").await?;
    app.keys(&format!("{ALT}2{RELEASE}")).await?;
    app.wait_text("#page-title", "设备监控").await?;
    app.find("#floor-plan .plan-badge[data-device='T01'][data-state='badge-ok']")
        .await?;
    app.find("#floor-plan .plan-badge[data-device='ups-1'][data-state='badge-ok']")
        .await?;
    app.wait_text("#alarms-empty", "当前没有告警").await?;
    app.screenshot("monitor").await?;

    let t01 = devices::DeviceId::parse("T01").map_err(|e| e.to_string())?;
    sim.fault(&t01, SimFault::PaperOut)?;
    app.find("#floor-plan .plan-badge[data-device='T01'][data-state='badge-bad']")
        .await?;
    app.wait_text(
        ".alarm-row[data-fault='PaperOut'][data-state='raised']",
        "打印纸用完",
    )
    .await?;
    app.wait_text("#device-panel", "自助缴费终端").await?;
    app.screenshot("monitor-alarm").await?;

    // A acknowledges the selected alarm, with a note.
    app.keys("a").await?;
    app.find("#alarm-dialog[data-ask='acknowledge']").await?;
    app.type_into("#alarm-note", "已通知保洁补纸").await?;
    app.keys(ENTER).await?;
    app.wait_text(".alarm-row[data-state='acknowledged']", "已通知保洁补纸")
        .await?;

    // S takes the picked terminal out of service; it carries the command out and confirms.
    app.keys("s").await?;
    app.find("#command-dialog[data-command='S']").await?;
    app.keys(ENTER).await?;
    app.wait_text(
        "#command-log .command-row[data-state='confirmed']",
        "暂停服务",
    )
    .await?;
    app.wait_text("#device-panel", "暂停服务").await?;
    app.client
        .execute(
            "document.getElementById('device-panel').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await?;
    app.screenshot("monitor-command").await?;
    app.client.execute("window.scrollTo(0, 0)", vec![]).await?;

    // Paper refilled: the alarm clears by itself, and the history keeps it.
    sim.fault(&t01, SimFault::Restore)?;
    app.find("#floor-plan .plan-badge[data-device='T01'][data-state='badge-ok']")
        .await?;
    app.wait_text("#alarms-empty", "当前没有告警").await?;
    app.keys("f").await?;
    app.wait_text(".alarm-row[data-state='cleared']", "已通知保洁补纸")
        .await?;
    app.screenshot("monitor-history").await?;

    // D registers a new terminal; its MQTT credential is shown once.
    app.keys("d").await?;
    app.find("#device-dialog").await?;
    app.type_into("#device-id", "T09").await?;
    app.type_into("#device-name", "自助缴费终端 9").await?;
    app.type_into("#device-depends", "sw-1, ups-1").await?;
    app.keys(ENTER).await?;
    app.wait_text("#credential-once", "只显示这一次").await?;
    app.wait_text("#credential-user", "T09").await?;
    app.screenshot("monitor-provisioned").await?;
    app.keys(ESCAPE).await?;
    app.find("#floor-plan .plan-badge[data-device='T09']")
        .await?;

    // On the board, F8 puts up a hall notice; the screens card says what the displays show.
    app.keys(&format!("{ALT}1{RELEASE}")).await?;
    app.wait_text("#page-title", "大厅总览").await?;
    app.keys(F8).await?;
    app.type_into("#notice-title", "今日提示").await?;
    app.type_into("#notice-text", "自助缴费终端 1 暂停服务，请使用其他终端")
        .await?;
    app.keys(ENTER).await?;
    app.wait_text("#screen-program", "今日提示").await?;
    app.client
        .execute(
            "document.getElementById('screens').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await?;
    app.screenshot("board-screens").await?;
    sim.stop();
    app.close().await
}
