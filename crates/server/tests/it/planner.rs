//! A planner's editor reaching the province through a real hall node: a plan published and withdrawn comes back down the feed; a clerk, a bad plan, an unknown hall, a forged relay and an absent province are each refused with `{code, message}` and publish nothing.

use super::*;
use ::emergency::{Action, EventType, Level, Plan, Step};
use domain::Role;
use ipc::emergency::{EmergencyView, PlanDraft, PlanPublished};
use ipc::hall::{Empty, SessionReply};
use ipc::ApiError;
use sync_proto::owned::{BusinessRecord, PublishedPlan, RelayedPlan, RelayedWithdrawal};

#[tokio::test]
async fn a_planner_publishes_and_withdraws_plans_through_a_real_hall() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        planner(&db).await;
    }
}

fn plan(id: &str) -> Plan {
    Plan {
        id: id.into(),
        name: "客户排队过多（省公司预案）".into(),
        event: EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Emergency, Role::Clerk],
        steps: vec![
            Step {
                id: "open".into(),
                title: "增开窗口".into(),
                ack_by: vec![Role::Clerk],
                action: Some(Action::OpenCounters { count: 2 }),
                after: vec![],
                escalate_after_s: 180,
            },
            Step {
                id: "report".into(),
                title: "值班人员上报".into(),
                ack_by: vec![Role::Emergency],
                action: None,
                after: vec!["open".into()],
                escalate_after_s: 300,
            },
        ],
        triggers: vec![],
        auto_activate: false,
    }
}

/// A hall node call: the answer, or the refusal (which must be `{code, message}` in Chinese).
async fn hall<T: serde::de::DeserializeOwned>(
    r: reqwest::RequestBuilder,
) -> Result<T, (StatusCode, ApiError)> {
    let resp = r.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    if status.is_success() {
        return Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")));
    }
    let e: ApiError = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(
        e.message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{text}"
    );
    Err((status, e))
}

async fn province_plans(http: &Client, base: &str, admin: &str) -> Vec<PublishedPlan> {
    http.get(format!("{base}/admin/v1/plans"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Polls the hall's emergency view until `ok` holds for its plan ids (20 s at most).
async fn until_plans(http: &Client, base: &str, token: &str, ok: impl Fn(&[String]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v: EmergencyView = hall(
            http.get(format!("{base}/api/v1/emergency"))
                .bearer_auth(token),
        )
        .await
        .unwrap();
        let ids: Vec<String> = v.plans.into_iter().map(|p| p.plan.id).collect();
        if ok(&ids) {
            return;
        }
        assert!(Instant::now() < deadline, "the hall's plans stayed {ids:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn planner(db: &str) {
    eprintln!("a planner's plans against {db}");
    let h1 = add_hall(db);
    register(db, &["--add-hall", "H0202", "城西供电营业厅"]);
    let admin = register(db, &["--add-maintainer", "运维"]);
    let port = free_port();
    let mut prov = province(db, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::new();

    // The province's catalogue and accounts: 4001 plans for H0101, 4002 for H0202.
    let a = BusinessRecord {
        name_zh: "电费缴纳".into(),
        name_en: "Payment".into(),
        default_service_secs: 300,
    };
    let r = http
        .put(format!("{base}/admin/v1/businesses/A"))
        .bearer_auth(&admin)
        .json(&a)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    for (no, name, role, hall) in [
        ("4001", "钱敏", "planner", "H0101"),
        ("4002", "孙立", "planner", "H0202"),
        ("1001", "李静", "clerk", "H0101"),
    ] {
        let account =
            json!({"name": name, "role": role, "hall": hall, "password": format!("demo-{no}")});
        let r = http
            .put(format!("{base}/admin/v1/staff/{no}"))
            .bearer_auth(&admin)
            .json(&account)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{no}");
    }

    let dir = tempfile::tempdir().unwrap();
    let node = hall_node::start(hall_options(dir.path(), &base, &h1))
        .await
        .unwrap();
    let at = format!("http://{}", node.addr);
    let login = |staff: &'static str| {
        let url = format!("{at}/api/v1/sessions");
        let http = http.clone();
        async move {
            let req = ipc::LoginRequest {
                staff_no: staff.into(),
                password: format!("demo-{staff}"),
            };
            let s: SessionReply = hall(http.post(url).json(&req)).await.unwrap();
            s.token
        }
    };
    let planner = login("4001").await;
    let clerk = login("1001").await;
    let put = |token: &str, id: &str, draft: &PlanDraft| {
        http.put(format!("{at}/api/v1/emergency/plans/{id}"))
            .bearer_auth(token)
            .json(draft)
    };
    let draft = |p: Plan, halls: Option<Vec<String>>| PlanDraft { plan: p, halls };

    // Published through the hall, recorded with who, and back down the feed.
    let done: PlanPublished = hall(put(&planner, "p-surge", &draft(plan("p-surge"), None)))
        .await
        .unwrap();
    assert_eq!((done.plan.as_str(), done.withdrawn), ("p-surge", false));
    let stored = province_plans(&http, &base, &admin).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].by.as_deref(), Some("4001"));
    assert_eq!(stored[0].plan, plan("p-surge"));
    until_plans(&http, &at, &planner, |ids| {
        ids.iter().any(|i| i == "p-surge")
    })
    .await;

    // Refusals, each {code, message}; nothing more is published.
    let mut cycle = plan("p-cycle");
    cycle.steps[0].after = vec!["report".into()];
    let cases = [
        (
            hall::<PlanPublished>(put(&clerk, "p-2", &draft(plan("p-2"), None))).await,
            StatusCode::FORBIDDEN,
            ipc::ErrorCode::Forbidden,
        ),
        (
            hall(put(&planner, "p-3", &draft(plan("p-other"), None))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ipc::ErrorCode::PlanInvalid,
        ),
        (
            hall(put(&planner, "p-cycle", &draft(cycle, None))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ipc::ErrorCode::PlanInvalid,
        ),
        (
            hall(put(
                &planner,
                "p-4",
                &draft(plan("p-4"), Some(vec!["H9999".into()])),
            ))
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ipc::ErrorCode::UnknownHall,
        ),
        (
            hall(put("", "p-5", &draft(plan("p-5"), None))).await,
            StatusCode::UNAUTHORIZED,
            ipc::ErrorCode::Unauthorized,
        ),
    ];
    for (n, (got, status, code)) in cases.into_iter().enumerate() {
        let (s, e) = got.expect_err("refused");
        assert_eq!((s, e.code), (status, code), "case {n}: {e:?}");
    }
    assert_eq!(province_plans(&http, &base, &admin).await.len(), 1);

    // A relay the province does not believe: not a planner, another hall's, unknown.
    for by in ["1001", "4002", "9999"] {
        let forged = RelayedPlan {
            by: by.into(),
            plan: plan("p-forged"),
            halls: None,
        };
        let r = http
            .put(format!("{base}/sync/v1/plans/p-forged"))
            .bearer_auth(&h1)
            .json(&forged)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{by}");
        let refusal: sync_proto::ProvinceRefusal = r.json().await.unwrap();
        assert_eq!(refusal.code, "not_planner");
        let r = http
            .post(format!("{base}/sync/v1/plans/p-surge/withdraw"))
            .bearer_auth(&h1)
            .json(&RelayedWithdrawal { by: by.into() })
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{by}");
    }
    let stored = province_plans(&http, &base, &admin).await;
    assert_eq!((stored.len(), stored[0].withdrawn), (1, false));

    // Withdrawn through the hall: the hall drops it.
    let withdraw = |token: &str, id: &str| {
        http.post(format!("{at}/api/v1/emergency/plans/{id}/withdraw"))
            .bearer_auth(token)
            .json(&Empty {})
    };
    let (s, e) = hall::<PlanPublished>(withdraw(&clerk, "p-surge"))
        .await
        .unwrap_err();
    assert_eq!(
        (s, e.code),
        (StatusCode::FORBIDDEN, ipc::ErrorCode::Forbidden)
    );
    let (s, e) = hall::<PlanPublished>(withdraw(&planner, "p-none"))
        .await
        .unwrap_err();
    assert_eq!(
        (s, e.code),
        (StatusCode::NOT_FOUND, ipc::ErrorCode::UnknownPlan)
    );
    let done: PlanPublished = hall(withdraw(&planner, "p-surge")).await.unwrap();
    assert!(done.withdrawn);
    until_plans(&http, &at, &planner, |ids| {
        !ids.iter().any(|i| i == "p-surge")
    })
    .await;
    let stored = province_plans(&http, &base, &admin).await;
    assert!(stored[0].withdrawn);
    assert_eq!(stored[0].by.as_deref(), Some("4001"));

    // The province away: said plainly, nothing kept.
    kill(&mut prov);
    let (s, e) = hall::<PlanPublished>(put(&planner, "p-6", &draft(plan("p-6"), None)))
        .await
        .unwrap_err();
    assert_eq!(
        (s, e.code),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            ipc::ErrorCode::ProvinceUnreachable
        )
    );
    node.stop().await;
}
