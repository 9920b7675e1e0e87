//! The demo hall's emergency plans, standing in for the province's until it sends its own (a demo node without a province).

use ::emergency::{Action, EventType, Level, Plan, Step, TriggerRule};
use domain::Role;

fn step(id: &str, title: &str, ack_by: &[Role], action: Option<Action>, after: &[&str]) -> Step {
    Step {
        id: id.into(),
        title: title.into(),
        ack_by: ack_by.to_vec(),
        action,
        after: after.iter().map(|a| (*a).to_owned()).collect(),
        escalate_after_s: 120,
    }
}

/// Four plans of a power-supply hall: a queue surge (proposed), a
/// public-safety incident (starts itself from the button), failing
/// self-service terminals and a power cut.
pub fn plans() -> Vec<Plan> {
    use Role::{Clerk, Emergency, Supervisor};
    let all = vec![Emergency, Supervisor, Clerk];
    vec![
        Plan {
            id: "queue-surge".into(),
            name: "客户排队过多".into(),
            event: EventType::QueueSurge,
            level: Level::III,
            roles: all.clone(),
            steps: vec![
                step("confirm", "值班人员确认并通报", &[Emergency], None, &[]),
                step(
                    "open",
                    "增开窗口（休息中的柜员回到窗口）",
                    &[Clerk],
                    Some(Action::OpenCounters { count: 2 }),
                    &[],
                ),
                step(
                    "banner",
                    "叫号屏和取号机发布高峰提示",
                    &[Supervisor],
                    Some(Action::Banner {
                        text: "业务高峰，请使用自助终端或“网上国网”App办理".into(),
                        voice: true,
                    }),
                    &[],
                ),
                step(
                    "guide",
                    "增设引导员",
                    &[Supervisor],
                    Some(Action::Dispatch {
                        what: "大厅引导员 1 名".into(),
                    }),
                    &["confirm"],
                ),
                step(
                    "divert",
                    "业务分流：引导客户去附近营业厅或自助办理",
                    &[Supervisor],
                    Some(Action::Divert),
                    &["banner"],
                ),
                step(
                    "pre",
                    "业务预办理：为等候客户预先填写业务单",
                    &[Supervisor],
                    Some(Action::PreProcess),
                    &["guide"],
                ),
            ],
            triggers: vec![
                TriggerRule::Waiting {
                    business: "A".into(),
                    above: 12,
                    clear_at: 5,
                    hold_s: 10,
                },
                TriggerRule::LongestWait {
                    business: "B".into(),
                    above_s: 1_800,
                    clear_at_s: 900,
                    hold_s: 60,
                },
            ],
            auto_activate: false,
        },
        Plan {
            id: "public-safety".into(),
            name: "治安事件".into(),
            event: EventType::PublicSafety,
            level: Level::II,
            roles: all.clone(),
            steps: vec![
                step("police", "报警（110）并保护现场", &[Emergency], None, &[]),
                step("calm", "安抚并疏导在场客户", &[Supervisor], None, &[]),
                step(
                    "video",
                    "调取并锁定现场录像",
                    &[Supervisor],
                    None,
                    &["police"],
                ),
                step(
                    "security",
                    "调派安保人员",
                    &[Emergency],
                    Some(Action::Dispatch {
                        what: "安保人员 2 名".into(),
                    }),
                    &["police"],
                ),
            ],
            triggers: vec![TriggerRule::PublicSafetyButton],
            auto_activate: true,
        },
        Plan {
            id: "terminals-down".into(),
            name: "自助终端故障".into(),
            event: EventType::TerminalFailure,
            level: Level::IV,
            roles: all.clone(),
            steps: vec![
                step(
                    "banner",
                    "发布终端暂停服务提示",
                    &[Supervisor],
                    Some(Action::Banner {
                        text: "部分自助终端暂停服务，请到柜台办理缴费".into(),
                        voice: false,
                    }),
                    &[],
                ),
                step(
                    "open",
                    "增开缴费窗口",
                    &[Clerk],
                    Some(Action::OpenCounters { count: 1 }),
                    &[],
                ),
                step(
                    "repair",
                    "报修并调派运维人员",
                    &[Emergency],
                    Some(Action::Dispatch {
                        what: "终端运维工程师".into(),
                    }),
                    &[],
                ),
            ],
            triggers: vec![TriggerRule::TerminalsDown { count: 2 }],
            auto_activate: false,
        },
        Plan {
            id: "power-out".into(),
            name: "停电客户涌入".into(),
            event: EventType::PowerOutage,
            level: Level::III,
            roles: all,
            steps: vec![
                step("confirm", "确认停电范围并通报", &[Emergency], None, &[]),
                step(
                    "banner",
                    "发布停电说明",
                    &[Supervisor],
                    Some(Action::Banner {
                        text: "本区域正在停电抢修，恢复时间请关注公告".into(),
                        voice: true,
                    }),
                    &[],
                ),
                step(
                    "open",
                    "增开咨询与报修窗口",
                    &[Clerk],
                    Some(Action::OpenCounters { count: 2 }),
                    &[],
                ),
            ],
            triggers: vec![TriggerRule::PowerOut, TriggerRule::AreaOutage],
            auto_activate: false,
        },
    ]
}
