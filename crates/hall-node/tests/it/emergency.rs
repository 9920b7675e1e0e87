//! Emergency plans at the hall node: a surge proposes its plan, the incident runs with steps that act, the level follows the queue without flapping, the report lists every step; drills never touch the queue or the screens; refusals are `{code, message}`; kill -9 mid-incident loses nothing.

use super::{spawn_binary, Node};
use domain::Role;
use emergency::{Action, EventType, Level, Plan, Step, TriggerRule, What};
use ipc::emergency::{
    Activate, EmergencyView, HandOverRequest, Incident, IncidentDetail, IncidentSummary,
    LevelRequest, PlanRef, PublicNotice, TextRequest,
};
use ipc::hall::Empty;
use ipc::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::{Duration, Instant};
use store::owned::FeedRecord;
use sync_proto::owned::{self, PlanRecord};

fn step(id: &str, ack_by: &[Role], action: Option<Action>, after: &[&str]) -> Step {
    Step {
        id: id.into(),
        title: format!("步骤 {id}"),
        ack_by: ack_by.to_vec(),
        action,
        after: after.iter().map(|a| (*a).to_owned()).collect(),
        escalate_after_s: 600,
    }
}

/// A surge plan that fires after a second at 4 waiting for 业务 A and clears at 1.
fn surge() -> Plan {
    Plan {
        id: "surge".into(),
        name: "客户排队过多".into(),
        event: EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Emergency, Role::Supervisor, Role::Clerk],
        steps: vec![
            step(
                "open",
                &[Role::Clerk],
                Some(Action::OpenCounters { count: 1 }),
                &[],
            ),
            step(
                "banner",
                &[Role::Supervisor],
                Some(Action::Banner {
                    text: "业务高峰，请使用自助终端".into(),
                    voice: true,
                }),
                &[],
            ),
            step("report", &[Role::Emergency], None, &["open"]),
        ],
        triggers: vec![TriggerRule::Waiting {
            business: "A".into(),
            above: 4,
            clear_at: 1,
            hold_s: 1,
        }],
        auto_activate: false,
    }
}

/// Puts `plans` in the node's copy of the province's feed and tells the node.
async fn publish(n: &Node, plans: &[Plan]) {
    let hlc = sync_proto::Hlc {
        wall_ms: 1_800_000_000_000,
        counter: 0,
        node: "province".into(),
    };
    let records: Vec<FeedRecord> = plans
        .iter()
        .map(|p| {
            let record = PlanRecord {
                plan: p.clone(),
                withdrawn: false,
            };
            let fields = owned::stamp(owned::values_of(&record), &hlc, true);
            FeedRecord {
                kind: owned::PLAN.into(),
                key: p.id.clone(),
                body: Some(serde_json::to_string(&fields).unwrap()),
            }
        })
        .collect();
    n.running
        .store
        .apply_feed("test-feed", 1, &records, &[], None)
        .await
        .unwrap();
    n.running.emergency().plans_changed();
}

/// A typed call: the answer, or the refusal as `{code, message}`.
async fn call<T: DeserializeOwned>(
    n: &Node,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&impl Serialize>,
) -> Result<T, (StatusCode, ApiError)> {
    let url = format!("{}{path}", n.base);
    let mut r = match method {
        "GET" => n.http.get(url),
        "PUT" => n.http.put(url),
        _ => n.http.post(url),
    }
    .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    if status.is_success() {
        Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}")))
    } else {
        let e: ApiError =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {status} {e}: {text}"));
        assert!(super::edges::has_cjk(&e.message), "{path}: {text}");
        Err((status, e))
    }
}

async fn view(n: &Node, token: &str) -> EmergencyView {
    call(n, "GET", "/api/v1/emergency", token, None::<&Empty>)
        .await
        .unwrap()
}

/// Polls the console's view until `ok` holds (10 s at most).
async fn until(
    n: &Node,
    token: &str,
    what: &str,
    ok: impl Fn(&EmergencyView) -> bool,
) -> EmergencyView {
    let start = Instant::now();
    loop {
        let v = view(n, token).await;
        if ok(&v) {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never: {what}: {v:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn act(
    n: &Node,
    token: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<Incident, (StatusCode, ApiError)> {
    call(n, "POST", path, token, Some(body)).await
}

fn refused<T: std::fmt::Debug>(
    got: Result<T, (StatusCode, ApiError)>,
    status: StatusCode,
    code: ErrorCode,
) {
    match got {
        Err((s, e)) => assert_eq!((s, e.code), (status, code), "{e:?}"),
        Ok(v) => panic!("accepted, expected {code:?}: {v:?}"),
    }
}

#[tokio::test]
async fn a_surge_is_proposed_acted_on_eased_and_reported() {
    let n = Node::start().await;
    publish(&n, &[surge()]).await;
    let duty = n.login("3001").await;
    let sup = n.login("2001").await;
    let clerk = n.login("1001").await;
    // The clerk is at counter 1, on a break.
    n.counter(&clerk, 1, "open", serde_json::to_value(Empty {}).unwrap())
        .await;
    let pause = ipc::hall::PauseRequest {
        reason: "休息".into(),
    };
    assert!(n
        .counter(&clerk, 1, "pause", serde_json::to_value(&pause).unwrap())
        .await
        .0
        .is_success());
    let v = view(&n, &duty).await;
    assert_eq!(v.plans.len(), 1);
    assert_eq!(v.plans[0].refused, None);

    // Five customers for 业务 A: held a second, the plan is proposed.
    for _ in 0..5 {
        n.issue("A").await;
    }
    let v = until(&n, &duty, "proposed", |v| !v.proposals.is_empty()).await;
    let p = &v.proposals[0];
    assert_eq!(
        (p.plan.as_str(), p.level, p.drill),
        ("surge", Level::III, false)
    );
    assert!(p.reason.contains("业务 A"), "{}", p.reason);
    // One proposal however long it holds.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(view(&n, &duty).await.proposals.len(), 1);

    // Only the duty roles start plans.
    let start = Activate {
        plan: "surge".into(),
        level: None,
        reason: None,
        drill: false,
    };
    refused(
        act(&n, &clerk, "/api/v1/emergency/activate", &start).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
    let incident = act(&n, &duty, "/api/v1/emergency/activate", &start)
        .await
        .unwrap();
    let id = incident.id;
    assert_eq!(incident.level, Level::III);
    assert!(matches!(incident.timeline[0].what, What::Activated { .. }));
    assert!(
        incident
            .timeline
            .iter()
            .any(|e| matches!(e.what, What::Queue { waiting: 5, .. })),
        "the queue at the time is on the timeline"
    );
    refused(
        act(&n, &duty, "/api/v1/emergency/activate", &start).await,
        StatusCode::CONFLICT,
        ErrorCode::PlanEngaged,
    );
    let v = view(&n, &duty).await;
    assert!(v.proposals.is_empty(), "the proposal was taken");

    // The banner is on the display and the kiosk at once.
    let notice: PublicNotice = call(&n, "GET", "/api/v1/notice", &n.display, None::<&Empty>)
        .await
        .unwrap();
    assert_eq!(notice.banner.as_deref(), Some("业务高峰，请使用自助终端"));
    assert!(notice.voice);
    let _: PublicNotice = call(&n, "GET", "/api/v1/notice", &n.kiosk, None::<&Empty>)
        .await
        .unwrap();
    refused(
        call::<PublicNotice>(&n, "GET", "/api/v1/notice", &n.pads[0], None::<&Empty>).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );

    // An acknowledgement by someone not on the step changes nothing.
    let ack = |step: &str| format!("/api/v1/emergency/incidents/{id}/steps/{step}/ack");
    refused(
        act(&n, &sup, &ack("open"), &Empty {}).await,
        StatusCode::FORBIDDEN,
        ErrorCode::NotOnStep,
    );
    refused(
        act(&n, &duty, &ack("report"), &Empty {}).await,
        StatusCode::CONFLICT,
        ErrorCode::StepNotDue,
    );
    refused(
        act(&n, &duty, &ack("nope"), &Empty {}).await,
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownStep,
    );
    refused(
        act(
            &n,
            &duty,
            "/api/v1/emergency/incidents/999/notes",
            &TextRequest { text: "x".into() },
        )
        .await,
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownIncident,
    );
    refused(
        act(
            &n,
            &duty,
            &format!("/api/v1/emergency/incidents/{id}/notes"),
            &TextRequest { text: " ".into() },
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::IncidentTextInvalid,
    );
    refused(
        act(
            &n,
            &duty,
            &format!("/api/v1/emergency/incidents/{id}/handover"),
            &HandOverRequest { to: "9999".into() },
        )
        .await,
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownStaff,
    );
    assert_eq!(
        view(&n, &duty).await.incidents[0],
        incident,
        "refusals changed nothing"
    );

    // The sign-in screen, asked without a token, calls clerks not signed in to open counters.
    let welcome = || async {
        let r = n
            .http
            .get(format!("{}/api/v1/welcome", n.base))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        r.json::<ipc::AppInfo>().await.unwrap().counter_calls
    };
    let calls = welcome().await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!((calls[0].incident, calls[0].step.as_str()), (id, "open"));
    assert!(!calls[0].drill);
    assert!(calls[0].count >= 1);

    // The clerk on break acknowledges 增开窗口: the counter is open again.
    let after = act(&n, &clerk, &ack("open"), &Empty {}).await.unwrap();
    assert_eq!(welcome().await, Vec::new(), "the call is answered");
    assert!(after.steps[0].done_at.is_some());
    let me: ipc::hall::MeView = call(&n, "GET", "/api/v1/me", &clerk, None::<&Empty>)
        .await
        .unwrap();
    assert_eq!(
        me.counter.as_ref().map(|c| c.status.as_str()),
        Some("open"),
        "{me:?}"
    );
    let v = until(&n, &duty, "counter opened on the timeline", |v| {
        v.incidents[0]
            .timeline
            .iter()
            .any(|e| matches!(e.what, What::CounterOpened { counter: 1 }))
    })
    .await;
    assert!(
        v.incidents[0].steps[2].due_at.is_some(),
        "report is due once open is done"
    );
    act(&n, &sup, &ack("banner"), &Empty {}).await.unwrap();
    act(&n, &duty, &ack("report"), &Empty {}).await.unwrap();

    // The queue drains: held clear for a second, the level steps down once.
    for _ in 0..5 {
        n.counter(
            &clerk,
            1,
            "call-next",
            serde_json::to_value(Empty {}).unwrap(),
        )
        .await;
        n.counter(&clerk, 1, "start", serde_json::to_value(Empty {}).unwrap())
            .await;
        n.counter(&clerk, 1, "finish", serde_json::to_value(Empty {}).unwrap())
            .await;
    }
    let v = until(&n, &duty, "eased", |v| v.incidents[0].level == Level::IV).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let v2 = view(&n, &duty).await;
    assert_eq!(v2.incidents[0].level, Level::IV, "no flapping");
    let level_changes = v2.incidents[0]
        .timeline
        .iter()
        .filter(|e| matches!(e.what, What::LevelChanged { .. }))
        .count();
    assert_eq!(level_changes, 1, "{:?}", v.incidents[0].timeline);

    // A level change, a handover and a note by hand; then the end.
    act(
        &n,
        &duty,
        &format!("/api/v1/emergency/incidents/{id}/level"),
        &LevelRequest { up: true },
    )
    .await
    .unwrap();
    act(
        &n,
        &duty,
        &format!("/api/v1/emergency/incidents/{id}/handover"),
        &HandOverRequest { to: "2001".into() },
    )
    .await
    .unwrap();
    act(
        &n,
        &sup,
        &format!("/api/v1/emergency/incidents/{id}/notes"),
        &TextRequest {
            text: "排队已缓解".into(),
        },
    )
    .await
    .unwrap();
    refused(
        act(
            &n,
            &clerk,
            &format!("/api/v1/emergency/incidents/{id}/terminate"),
            &TextRequest {
                text: "结束".into(),
            },
        )
        .await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
    let ended = act(
        &n,
        &sup,
        &format!("/api/v1/emergency/incidents/{id}/terminate"),
        &TextRequest {
            text: "高峰已过".into(),
        },
    )
    .await
    .unwrap();
    assert!(ended.ended.is_some());
    let v = view(&n, &duty).await;
    assert!(v.incidents.is_empty());
    let notice: PublicNotice = call(&n, "GET", "/api/v1/notice", &n.display, None::<&Empty>)
        .await
        .unwrap();
    assert_eq!(
        notice,
        PublicNotice::default(),
        "the banner is gone with the incident"
    );

    // The report lists every step with its times.
    let d: IncidentDetail = call(
        &n,
        "GET",
        &format!("/api/v1/emergency/incidents/{id}"),
        &duty,
        None::<&Empty>,
    )
    .await
    .unwrap();
    assert_eq!(d.report.steps.len(), 3);
    assert!(d.report.steps.iter().all(|s| s.took_ms.is_some()));
    assert_eq!(d.report.missed, 0);
    let history: Vec<IncidentSummary> = call(
        &n,
        "GET",
        "/api/v1/emergency/incidents",
        &clerk,
        None::<&Empty>,
    )
    .await
    .unwrap();
    assert_eq!(history[0].id, id);
    // Every change went to the outbox: the state and each timeline line once.
    let rows = n.running.store.outbox_after(0, 10_000).await.unwrap();
    let lines = rows.iter().filter(|r| r.kind == "incident_entry").count();
    assert_eq!(lines, d.incident.timeline.len());
    let keys: std::collections::BTreeSet<_> = rows
        .iter()
        .filter(|r| r.kind == "incident_entry")
        .map(|r| &r.key)
        .collect();
    assert_eq!(keys.len(), lines, "each line once");
}

#[tokio::test]
async fn a_drill_is_marked_scored_and_never_touches_the_queue_or_screens() {
    let n = Node::start().await;
    publish(&n, &[surge()]).await;
    let duty = n.login("3001").await;
    let clerk = n.login("1001").await;
    n.counter(&clerk, 2, "open", serde_json::to_value(Empty {}).unwrap())
        .await;
    let pause = ipc::hall::PauseRequest {
        reason: "休息".into(),
    };
    n.counter(&clerk, 2, "pause", serde_json::to_value(&pause).unwrap())
        .await;

    refused(
        call::<Empty>(
            &n,
            "POST",
            "/api/v1/emergency/drill",
            &clerk,
            Some(&PlanRef {
                plan: "surge".into(),
            }),
        )
        .await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
    refused(
        call::<Empty>(
            &n,
            "POST",
            "/api/v1/emergency/drill",
            &duty,
            Some(&PlanRef {
                plan: "nope".into(),
            }),
        )
        .await,
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownPlan,
    );
    let _: Empty = call(
        &n,
        "POST",
        "/api/v1/emergency/drill",
        &duty,
        Some(&PlanRef {
            plan: "surge".into(),
        }),
    )
    .await
    .unwrap();
    let v = view(&n, &duty).await;
    assert!(v.proposals[0].drill);
    let start = Activate {
        plan: "surge".into(),
        level: None,
        reason: None,
        drill: false,
    };
    let drill = act(&n, &duty, "/api/v1/emergency/activate", &start)
        .await
        .unwrap();
    assert!(drill.drill, "a drill's proposal starts a drill");
    let id = drill.id;
    // Never on the screens, never on the queue.
    let notice: PublicNotice = call(&n, "GET", "/api/v1/notice", &n.display, None::<&Empty>)
        .await
        .unwrap();
    assert_eq!(notice, PublicNotice::default());
    act(
        &n,
        &clerk,
        &format!("/api/v1/emergency/incidents/{id}/steps/open/ack"),
        &Empty {},
    )
    .await
    .unwrap();
    let me: ipc::hall::MeView = call(&n, "GET", "/api/v1/me", &clerk, None::<&Empty>)
        .await
        .unwrap();
    assert_eq!(
        me.counter.as_ref().map(|c| c.status.as_str()),
        Some("paused"),
        "a drill leaves the counter alone"
    );
    // A real surge meanwhile is still proposed: a drill does not engage the plan.
    for _ in 0..5 {
        n.issue("A").await;
    }
    until(&n, &duty, "a real proposal beside the drill", |v| {
        v.proposals.iter().any(|p| !p.drill)
    })
    .await;
    act(
        &n,
        &duty,
        &format!("/api/v1/emergency/incidents/{id}/terminate"),
        &TextRequest {
            text: "演练结束".into(),
        },
    )
    .await
    .unwrap();
    let d: IncidentDetail = call(
        &n,
        "GET",
        &format!("/api/v1/emergency/incidents/{id}"),
        &duty,
        None::<&Empty>,
    )
    .await
    .unwrap();
    assert!(d.report.drill);
    assert_eq!(
        d.score.missed, 2,
        "banner and report were never acknowledged"
    );
    assert!(d.score.counters_opened_ms.is_some());
    assert!(d.score.mean_first_ack_ms.is_some());
    // Nothing of a drill goes on the screens or the hall's queue, but it is kept.
    let history: Vec<IncidentSummary> = call(
        &n,
        "GET",
        "/api/v1/emergency/incidents",
        &duty,
        None::<&Empty>,
    )
    .await
    .unwrap();
    assert!(history.iter().any(|h| h.id == id && h.drill));
}

#[tokio::test]
async fn the_public_safety_button_starts_its_plan_and_every_screen_is_told() {
    let n = Node::start().await;
    // The demo's own plans: 治安事件 starts itself from the button.
    let clerk = n.login("1001").await;
    let duty = n.login("3001").await;
    let v = view(&n, &clerk).await;
    assert!(v
        .plans
        .iter()
        .any(|p| p.plan.id == "public-safety" && p.refused.is_none()));
    let _: Empty = call(
        &n,
        "POST",
        "/api/v1/emergency/public-safety",
        &clerk,
        Some(&Empty {}),
    )
    .await
    .unwrap();
    let v = until(&n, &duty, "started by the button", |v| {
        !v.incidents.is_empty()
    })
    .await;
    let i = &v.incidents[0];
    assert_eq!((i.plan.id.as_str(), i.level), ("public-safety", Level::II));
    assert_eq!(i.duty, "", "nobody is on duty until someone takes it");
    // Pressed again: still one incident.
    let _: Empty = call(
        &n,
        "POST",
        "/api/v1/emergency/public-safety",
        &duty,
        Some(&Empty {}),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(view(&n, &duty).await.incidents.len(), 1);
    // A supervisor's control command meanwhile lands on the timeline, with who sent it.
    let sup = n.login("2001").await;
    let reload = ipc::devices::CommandRequest {
        action: devices::command::Action::Reload,
        ttl_seconds: None,
    };
    let _: ipc::devices::Command = call(
        &n,
        "POST",
        "/api/v1/devices/kiosk-1/commands",
        &sup,
        Some(&reload),
    )
    .await
    .unwrap();
    until(&n, &duty, "the command on the timeline", |v| {
        v.incidents[0].timeline.iter().any(|e| {
            matches!(&e.what, What::Command { device, .. } if device == "kiosk-1")
                && e.by.as_deref() == Some("2001")
        })
    })
    .await;
    // A device may not press it.
    refused(
        call::<Empty>(
            &n,
            "POST",
            "/api/v1/emergency/public-safety",
            &n.kiosk,
            Some(&Empty {}),
        )
        .await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
}

#[tokio::test]
async fn a_planner_is_told_when_the_hall_has_no_province_and_others_may_not_publish() {
    let n = Node::start().await;
    let planner = n.login("4001").await;
    let duty = n.login("3001").await;
    let draft = ipc::emergency::PlanDraft {
        plan: surge(),
        halls: None,
    };
    let path = format!("/api/v1/emergency/plans/{}", surge().id);
    refused(
        call::<ipc::emergency::PlanPublished>(&n, "PUT", &path, &planner, Some(&draft)).await,
        StatusCode::CONFLICT,
        ErrorCode::NoProvince,
    );
    refused(
        call::<ipc::emergency::PlanPublished>(&n, "PUT", &path, &duty, Some(&draft)).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
    refused(
        call::<ipc::emergency::PlanPublished>(&n, "PUT", &path, &n.kiosk, Some(&draft)).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
    let withdraw = format!("{path}/withdraw");
    refused(
        call::<ipc::emergency::PlanPublished>(&n, "POST", &withdraw, &planner, Some(&Empty {}))
            .await,
        StatusCode::CONFLICT,
        ErrorCode::NoProvince,
    );
    // The planner reads the hall's picture (the editor lists its plans).
    assert!(!view(&n, &planner).await.plans.is_empty());
}

#[tokio::test]
async fn a_plan_unfit_for_the_hall_is_listed_with_why_and_never_runs() {
    let n = Node::start().await;
    let mut bad = surge();
    bad.id = "bad".into();
    bad.triggers = vec![TriggerRule::Waiting {
        business: "Z".into(),
        above: 4,
        clear_at: 1,
        hold_s: 1,
    }];
    let mut cycle = surge();
    cycle.id = "cycle".into();
    cycle.steps[0].after = vec!["report".into()];
    publish(&n, &[bad, cycle]).await;
    let duty = n.login("3001").await;
    let v = until(&n, &duty, "the province's plans", |v| v.plans.len() == 2).await;
    for p in &v.plans {
        let why = p.refused.as_deref().unwrap_or_default();
        assert!(super::edges::has_cjk(why), "{}: {why:?}", p.plan.id);
    }
    let start = Activate {
        plan: "bad".into(),
        level: None,
        reason: None,
        drill: false,
    };
    refused(
        act(&n, &duty, "/api/v1/emergency/activate", &start).await,
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownPlan,
    );
}

#[tokio::test]
async fn kill_9_mid_incident_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let (mut child, addr, _) = spawn_binary(&db);
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let login = |staff: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let req = ipc::LoginRequest {
                staff_no: staff.into(),
                password: format!("demo-{staff}"),
            };
            let s: ipc::hall::SessionReply = http
                .post(format!("{base}/api/v1/sessions"))
                .json(&req)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            s.token
        }
    };
    let duty = login("3001").await;
    let sup = login("2001").await;
    let post = |path: String, token: String, body: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let r = http
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.json::<Incident>().await.unwrap()
        }
    };
    let start = Activate {
        plan: "queue-surge".into(),
        level: Some(Level::II),
        reason: Some("演示".into()),
        drill: false,
    };
    let incident = post(
        "/api/v1/emergency/activate".into(),
        duty.clone(),
        serde_json::to_string(&start).unwrap(),
    )
    .await;
    let id = incident.id;
    post(
        format!("/api/v1/emergency/incidents/{id}/steps/banner/ack"),
        sup.clone(),
        "{}".into(),
    )
    .await;
    let acked = post(
        format!("/api/v1/emergency/incidents/{id}/notes"),
        duty.clone(),
        serde_json::to_string(&TextRequest {
            text: "已通知所长".into(),
        })
        .unwrap(),
    )
    .await;
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, addr, _) = spawn_binary(&db);
    let base = format!("http://{addr}");
    let login = ipc::LoginRequest {
        staff_no: "3001".into(),
        password: "demo-3001".into(),
    };
    let s: ipc::hall::SessionReply = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&login)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let v: EmergencyView = http
        .get(format!("{base}/api/v1/emergency"))
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(v.incidents.len(), 1);
    let back = &v.incidents[0];
    // The incident, its timeline and its open steps all came back.
    assert_eq!(back.timeline[..acked.timeline.len()], acked.timeline[..]);
    assert_eq!(back.steps, acked.steps);
    assert_eq!(back.level, Level::II);
    assert!(back
        .steps
        .iter()
        .any(|s| s.due_at.is_some() && s.done_at.is_none()));
}

#[tokio::test]
async fn a_waiting_customer_is_pre_processed_and_the_clerk_sees_it_on_call() {
    use ipc::emergency::{PreForm, PreProcessView, PreProcessed};
    let n = Node::start().await;
    let sup = n.login("2001").await;
    let clerk = n.login("1001").await;
    let first = n.issue("A").await.ticket.id;
    let form = PreForm {
        account: " 3100123456 ".into(),
        phone: Some("13800138000".into()),
        matter: "电费缴纳（代缴 3 个月）".into(),
        note: None,
    };
    let path = format!("/api/v1/tickets/{first}/preprocess");
    // Bad input changes nothing.
    let bad = PreForm {
        account: "12ab".into(),
        ..form.clone()
    };
    refused(
        call::<PreProcessed>(&n, "POST", &path, &sup, Some(&bad)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::PreFormInvalid,
    );
    refused(
        call::<PreProcessed>(
            &n,
            "POST",
            "/api/v1/tickets/999999/preprocess",
            &sup,
            Some(&form),
        )
        .await,
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownTicket,
    );
    refused(
        call::<PreProcessed>(&n, "POST", &path, &n.kiosk, Some(&form)).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    );
    let v: PreProcessView = call(&n, "GET", "/api/v1/preprocess", &sup, None::<&Empty>)
        .await
        .unwrap();
    assert_eq!(v.tickets.len(), 1);
    assert!(v.tickets[0].form.is_none());
    assert!(!v.running);
    let saved: PreProcessed = call(&n, "POST", &path, &sup, Some(&form)).await.unwrap();
    assert_eq!(saved.form.account, "3100123456", "trimmed");
    assert_eq!(saved.by, "2001");
    let v: PreProcessView = call(&n, "GET", "/api/v1/preprocess", &sup, None::<&Empty>)
        .await
        .unwrap();
    let listed = v.tickets[0].form.as_ref().unwrap();
    assert_eq!(
        listed.form.account, "******3456",
        "the list does not show the customer's numbers"
    );
    assert_eq!(listed.form.phone.as_deref(), Some("*******8000"));
    assert_eq!(listed.by, "2001");
    // The clerk who calls the ticket sees the form.
    n.counter(&clerk, 1, "open", serde_json::to_value(Empty {}).unwrap())
        .await;
    n.counter(
        &clerk,
        1,
        "call-next",
        serde_json::to_value(Empty {}).unwrap(),
    )
    .await;
    let me: ipc::hall::MeView = call(&n, "GET", "/api/v1/me", &clerk, None::<&Empty>)
        .await
        .unwrap();
    let current = me.counter.and_then(|c| c.current).unwrap();
    assert_eq!(current.id, first);
    assert_eq!(current.preprocessed, Some(saved));
    // Once served, the ticket takes no more forms.
    n.counter(&clerk, 1, "start", serde_json::to_value(Empty {}).unwrap())
        .await;
    refused(
        call::<PreProcessed>(&n, "POST", &path, &sup, Some(&form)).await,
        StatusCode::CONFLICT,
        ErrorCode::TicketNotWaiting,
    );
    // The tablet page is served by the hall node.
    let page = n
        .http
        .get(format!("{}/preprocess", n.base))
        .send()
        .await
        .unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains("业务预办理"));
}
