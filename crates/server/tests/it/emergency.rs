//! The province's emergency console: plans checked whole and published to their halls only, replaced and withdrawn; area outages reaching only their halls; a hall's incidents and timeline lines stored once and read back in order; nearby halls' waits by area; and who may call what.

use super::*;
use ::emergency::{Action, EventType, Incident, Level, Line, Plan, Step, TriggerRule};
use domain::Role;
use sync_proto::nearby::NearbyReply;
use sync_proto::owned::{self, OutageRecord, PlanRecord, PublishedPlan};

#[tokio::test]
async fn the_emergency_console_at_the_province() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        console(&db).await;
    }
}

struct Calls {
    base: String,
    http: Client,
    admin: String,
}

impl Calls {
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "PUT" => self.http.put(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.get(url),
        };
        if !token.is_empty() {
            r = r.bearer_auth(token);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.send(method, path, &self.admin.clone(), body).await
    }

    /// The live records of `kind` a hall's pull of the whole feed gives: `key=id`, sorted.
    async fn pulled(&self, token: &str, hall: &str, kind: &str) -> Vec<String> {
        let req = PullRequest {
            version: PROTOCOL_VERSION,
            node: format!("hall:{hall}"),
            since: 0,
            sent_at_ms: server::now_ms(),
            wait_ms: 0,
        };
        let reply: PullReply = self
            .http
            .post(format!("{}/sync/v1/pull", self.base))
            .bearer_auth(token)
            .json(&req)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let PullReply::Page { records, .. } = reply else {
            panic!("refused: {reply:?}");
        };
        let mut out: Vec<String> = records
            .iter()
            .filter(|r| r.kind == kind)
            .filter_map(|r| {
                let fields = serde_json::from_value(r.body.clone()?).ok()?;
                let (id, withdrawn) = if kind == owned::PLAN {
                    let p: PlanRecord = owned::read(&fields).ok()?;
                    (p.plan.id, p.withdrawn)
                } else {
                    let o: OutageRecord = owned::read(&fields).ok()?;
                    (o.id, o.withdrawn)
                };
                (!withdrawn).then(|| format!("{}={id}", r.key))
            })
            .collect();
        out.sort();
        out
    }

    async fn upload(&self, token: &str, hall: &str, changes: Vec<Change>) -> UploadReply {
        let batch = UploadBatch {
            version: PROTOCOL_VERSION,
            origin: format!("hall:{hall}"),
            hall: hall.into(),
            sent_at_ms: server::now_ms(),
            head: changes.last().map_or(0, |c| c.seq),
            changes,
        };
        let r = self
            .http
            .post(format!("{}/sync/v1/upload", self.base))
            .bearer_auth(token)
            .json(&batch)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }
}

/// The province refuses with `{code, message, message_en}`, the message in Chinese.
fn refused(v: &Value, code: &str) -> String {
    assert_eq!(v["code"], code, "{v}");
    let zh = v["message"].as_str().unwrap_or_default();
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{v}"
    );
    assert!(
        !v["message_en"].as_str().unwrap_or_default().is_empty(),
        "{v}"
    );
    zh.to_owned()
}

fn step(id: &str, ack_by: Role, after: &[&str]) -> Step {
    Step {
        id: id.into(),
        title: format!("步骤 {id}"),
        ack_by: vec![ack_by],
        action: Some(Action::OpenCounters { count: 2 }),
        after: after.iter().map(|a| a.to_string()).collect(),
        escalate_after_s: 120,
    }
}

fn surge() -> Plan {
    Plan {
        id: "surge".into(),
        name: "客户排队过多".into(),
        event: EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Supervisor, Role::Emergency],
        steps: vec![
            step("open", Role::Supervisor, &[]),
            step("divert", Role::Emergency, &["open"]),
        ],
        triggers: vec![TriggerRule::Waiting {
            business: "A".into(),
            above: 30,
            clear_at: 10,
            hold_s: 60,
        }],
        auto_activate: false,
    }
}

fn publish(plan: &Plan, halls: Option<&[&str]>) -> Value {
    json!({"plan": plan, "halls": halls})
}

fn change(hall: &str, seq: u64, counter: u32, kind: &str, key: &str, body: Body) -> Change {
    Change {
        seq,
        hlc: Hlc {
            wall_ms: server::now_ms(),
            counter,
            node: format!("hall:{hall}"),
        },
        kind: kind.into(),
        key: key.into(),
        body,
    }
}

/// A ticket of business day `day`, issued `ago_ms` before now.
fn ticket(hall: &str, seq: u64, day: i64, state: &str, ago_ms: i64) -> Change {
    let body = json!({"day": day, "ticket": {
        "id": seq, "no": format!("A{seq:03}"), "business": "A",
        "issued_at": server::now_ms() - ago_ms, "state": {"state": state}}});
    change(
        hall,
        seq,
        seq as u32,
        "ticket",
        &seq.to_string(),
        Body::of(&body).unwrap(),
    )
}

async fn console(db: &str) {
    eprintln!("emergency console against {db}");
    let h1 = add_hall(db);
    let h2 = register(db, &["--add-hall", "H0202", "城西供电营业厅"]);
    let h3 = register(db, &["--add-hall", "H0303", "城南供电营业厅"]);
    let admin = register(db, &["--add-maintainer", "运维"]);
    let port = free_port();
    let mut prov = province(db, port);
    let c = Calls {
        base: format!("http://127.0.0.1:{port}"),
        http: Client::new(),
        admin,
    };

    // Who may call what.
    for token in ["", h1.as_str()] {
        for path in [
            "/admin/v1/plans",
            "/admin/v1/outages",
            "/admin/v1/incidents",
        ] {
            let (s, v) = c.send("GET", path, token, None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}: {v}");
            refused(&v, "unauthorized");
        }
        let (s, v) = c
            .send(
                "PUT",
                "/admin/v1/plans/surge",
                token,
                Some(publish(&surge(), None)),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        refused(&v, "unauthorized");
    }
    for token in ["", c.admin.as_str()] {
        let (s, v) = c.send("GET", "/sync/v1/nearby", token, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        refused(&v, "unauthorized");
    }

    // The catalogue the plans' triggers are checked against.
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/businesses/A",
            Some(json!({"name_zh": "缴费", "name_en": "Payment", "default_service_secs": 300})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Plans refused whole, each {code, message, message_en}; nothing stored.
    let mut cycle = surge();
    cycle.steps[0].after = vec!["divert".into()];
    let mut role = surge();
    role.steps[1].ack_by = vec![Role::Clerk];
    let mut business = surge();
    business.triggers = vec![TriggerRule::LongestWait {
        business: "Z".into(),
        above_s: 900,
        clear_at_s: 300,
        hold_s: 60,
    }];
    for (plan, says) in [(cycle, "循环"), (role, "岗位"), (business, "业务 Z")] {
        let (s, v) = c
            .admin("PUT", "/admin/v1/plans/surge", Some(publish(&plan, None)))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let zh = refused(&v, "invalid_plan");
        assert!(zh.contains(says), "{says}: {v}");
    }
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/plans/other",
            Some(publish(&surge(), None)),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    refused(&v, "invalid");
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/plans/surge",
            Some(publish(&surge(), Some(&["H9999"]))),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    refused(&v, "no_hall");
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/plans/surge",
            Some(publish(&surge(), Some(&[]))),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    refused(&v, "invalid");
    // Too big for what halls accept: a clear refusal, nothing stored.
    let mut big = surge();
    big.steps = (0..50)
        .map(|n| Step {
            title: "很".repeat(60),
            action: Some(Action::Banner {
                text: "长".repeat(100),
                voice: true,
            }),
            after: (0..n).map(|m| format!("{m:0>40}")).collect(),
            ..step(&format!("{n:0>40}"), Role::Supervisor, &[])
        })
        .collect();
    let (s, v) = c
        .admin("PUT", "/admin/v1/plans/surge", Some(publish(&big, None)))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(refused(&v, "invalid").contains("限制"), "{v}");
    let (_, v) = c.admin("GET", "/admin/v1/plans", None).await;
    assert_eq!(v, json!([]), "nothing refused was stored");

    // Published to H0101 only: it pulls it, H0202 does not.
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/plans/surge",
            Some(publish(&surge(), Some(&["H0101"]))),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let p: PublishedPlan = serde_json::from_value(v).unwrap();
    assert_eq!(
        (p.plan, p.halls, p.withdrawn),
        (surge(), Some(vec!["H0101".into()]), false)
    );
    assert_eq!(
        c.pulled(&h1, "H0101", owned::PLAN).await,
        ["surge@H0101=surge"]
    );
    assert!(c.pulled(&h2, "H0202", owned::PLAN).await.is_empty());

    // Moved to H0202: H0101's copy is withdrawn.
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/plans/surge",
            Some(publish(&surge(), Some(&["H0202"]))),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(c.pulled(&h1, "H0101", owned::PLAN).await.is_empty());
    assert_eq!(
        c.pulled(&h2, "H0202", owned::PLAN).await,
        ["surge@H0202=surge"]
    );
    // For every hall: one record, and the per-hall copy goes.
    let (s, _) = c
        .admin(
            "PUT",
            "/admin/v1/plans/surge",
            Some(publish(&surge(), None)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c.pulled(&h1, "H0101", owned::PLAN).await, ["surge=surge"]);
    assert_eq!(c.pulled(&h2, "H0202", owned::PLAN).await, ["surge=surge"]);

    // Withdrawn: every hall drops it; the list keeps it, marked.
    let (s, v) = c.admin("DELETE", "/admin/v1/plans/surge", None).await;
    assert_eq!((s, &v["withdrawn"]), (StatusCode::OK, &json!(true)), "{v}");
    assert!(c.pulled(&h1, "H0101", owned::PLAN).await.is_empty());
    assert!(c.pulled(&h3, "H0303", owned::PLAN).await.is_empty());
    let (_, v) = c.admin("GET", "/admin/v1/plans", None).await;
    let listed: Vec<PublishedPlan> = serde_json::from_value(v).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].withdrawn && listed[0].halls.is_none());
    let (s, v) = c.admin("DELETE", "/admin/v1/plans/none", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    refused(&v, "no_plan");

    // An outage reaches only the halls of its area.
    let now = server::now_ms();
    let outage = |text: &str, from: i64, until: i64, halls: &[&str]| json!({"text": text, "from_ms": from, "until_ms": until, "halls": halls});
    for (body, status, code) in [
        (
            outage("", now, now + 1, &["H0101"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            outage(&"长".repeat(101), now, now + 1, &["H0101"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            outage("检修", now, now, &["H0101"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            outage("检修", now, now + 1, &[]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            outage("检修", now, now + 1, &["H9999"]),
            StatusCode::NOT_FOUND,
            "no_hall",
        ),
    ] {
        let (s, v) = c.admin("PUT", "/admin/v1/outages/o1", Some(body)).await;
        assert_eq!(s, status, "{v}");
        refused(&v, code);
    }
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/outages/o1",
            Some(outage(
                "城东 10kV 线路检修",
                now,
                now + 3_600_000,
                &["H0303", "H0101"],
            )),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["halls"], json!(["H0101", "H0303"]));
    assert_eq!(c.pulled(&h1, "H0101", owned::OUTAGE).await, ["o1@H0101=o1"]);
    assert_eq!(c.pulled(&h3, "H0303", owned::OUTAGE).await, ["o1@H0303=o1"]);
    assert!(c.pulled(&h2, "H0202", owned::OUTAGE).await.is_empty());
    // Narrowed to H0101: H0303's copy is withdrawn.
    let (s, _) = c
        .admin(
            "PUT",
            "/admin/v1/outages/o1",
            Some(outage(
                "城东 10kV 线路检修",
                now,
                now + 3_600_000,
                &["H0101"],
            )),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(c.pulled(&h3, "H0303", owned::OUTAGE).await.is_empty());
    let (s, _) = c.admin("DELETE", "/admin/v1/outages/o1", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(c.pulled(&h1, "H0101", owned::OUTAGE).await.is_empty());
    let (_, v) = c.admin("GET", "/admin/v1/outages", None).await;
    assert_eq!(
        (&v[0]["outage"]["withdrawn"], &v[0]["halls"]),
        (&json!(true), &json!(["H0101"])),
        "{v}"
    );
    let (s, v) = c.admin("DELETE", "/admin/v1/outages/none", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    refused(&v, "no_outage");

    incidents(&c, &h1).await;
    nearby(&c, &h1, &h2, &h3).await;
    kill(&mut prov);
}

/// A hall's incident and its timeline come up through the real upload path.
async fn incidents(c: &Calls, h1: &str) {
    let now = server::now_ms();
    let mut running = Incident::activate(
        7,
        surge(),
        Level::III,
        Some("3001"),
        "排队过长",
        false,
        now - 60_000,
    );
    running
        .acknowledge("open", Role::Supervisor, "2001", now - 50_000)
        .unwrap();
    running
        .note("已增开 2 个窗口", "3001", now - 40_000)
        .unwrap();
    let lines: Vec<Line> = running
        .timeline
        .iter()
        .enumerate()
        .map(|(n, e)| Line {
            incident: 7,
            seq: n as u32,
            entry: e.clone(),
        })
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    let head = |i: &Incident| {
        let mut without = i.clone();
        without.timeline.clear();
        Body::of(&without).unwrap()
    };
    let line = |seq: u64, counter: u32, l: &Line| {
        change(
            "H0101",
            seq,
            counter,
            "incident_entry",
            &format!("{}-{}", l.incident, l.seq),
            Body::of(l).unwrap(),
        )
    };
    // Lines out of order, and one keyed as another line (not stored).
    let mut first = vec![change("H0101", 1, 1, "incident", "7", head(&running))];
    let mut seq = 1;
    for l in lines.iter().rev() {
        seq += 1;
        first.push(line(seq, seq as u32, l));
    }
    seq += 1;
    let mut stray = line(seq, seq as u32, &lines[0]);
    stray.key = "7-99".into();
    first.push(stray);
    let ack = UploadReply::Ack {
        applied_through: seq,
    };
    assert_eq!(c.upload(h1, "H0101", first.clone()).await, ack);
    assert_eq!(
        c.upload(h1, "H0101", first).await,
        ack,
        "the same batch again"
    );
    // A line sent again later with other words does not replace the first.
    let mut again = lines[1].clone();
    again.entry.by = Some("9999".into());
    seq += 1;
    assert_eq!(
        c.upload(h1, "H0101", vec![line(seq, seq as u32, &again)])
            .await,
        UploadReply::Ack {
            applied_through: seq
        }
    );

    let (s, v) = c.admin("GET", "/admin/v1/incidents", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        (
            &v[0]["hall"],
            &v[0]["hall_name"],
            &v[0]["id"],
            &v[0]["plan_id"],
            &v[0]["event"],
            &v[0]["level"]
        ),
        (
            &json!("H0101"),
            &json!("城东供电营业厅"),
            &json!(7),
            &json!("surge"),
            &json!("queue_surge"),
            &json!("III")
        ),
    );
    assert_eq!(v[0]["ended_at_ms"], Value::Null);
    let (s, v) = c
        .admin("GET", "/admin/v1/halls/H0101/incidents/7", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let timeline: Vec<Line> = serde_json::from_value(v["timeline"].clone()).unwrap();
    assert_eq!(timeline, lines, "each line once, in order, as first sent");
    let whole: Incident = serde_json::from_value(v["incident"].clone()).unwrap();
    assert_eq!(
        whole.steps, running.steps,
        "the hall's record passes through"
    );
    for path in [
        "/admin/v1/halls/H0101/incidents/8",
        "/admin/v1/halls/H0101/incidents/x",
    ] {
        let (s, v) = c.admin("GET", path, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        refused(&v, "no_incident");
    }
    let (s, v) = c
        .admin("GET", "/admin/v1/halls/H9999/incidents/7", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    refused(&v, "no_hall");
    let (s, v) = c.admin("GET", "/admin/v1/incidents?all=maybe", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    refused(&v, "bad_query");

    // Ended: it leaves the active list, and stays in the whole one.
    let mut ended = running.clone();
    ended.terminate("已恢复正常", "3001", now - 1_000).unwrap();
    seq += 1;
    assert_eq!(
        c.upload(
            h1,
            "H0101",
            vec![change("H0101", seq, 100, "incident", "7", head(&ended))]
        )
        .await,
        UploadReply::Ack {
            applied_through: seq
        }
    );
    let (_, v) = c.admin("GET", "/admin/v1/incidents", None).await;
    assert_eq!(v, json!([]));
    let (_, v) = c.admin("GET", "/admin/v1/incidents?all=true", None).await;
    assert_eq!(v[0]["ended_at_ms"], json!(now - 1_000), "{v}");
}

/// Halls of one area see each other's waits; another area's hall is not listed.
async fn nearby(c: &Calls, h1: &str, h2: &str, h3: &str) {
    for (hall, area) in [
        ("H0101", "城东片区"),
        ("H0202", "城东片区"),
        ("H0303", "城南片区"),
    ] {
        let (s, v) = c
            .admin(
                "PUT",
                &format!("/admin/v1/halls/{hall}/setup"),
                Some(json!({"counters": [{"no": 1, "skills": ["A"]}], "area": area})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/halls/H0101/setup",
            Some(json!({"counters": [{"no": 1, "skills": ["A"]}], "area": "区".repeat(41)})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    refused(&v, "invalid");

    let today = (server::now_ms() + 8 * 3_600_000) / 86_400_000;
    let tickets = vec![
        ticket("H0202", 1, today, "waiting", 600_000),
        ticket("H0202", 2, today, "waiting", 60_000),
        ticket("H0202", 3, today, "called", 900_000),
        ticket("H0202", 4, today - 1, "waiting", 90_000_000),
    ];
    assert_eq!(
        c.upload(h2, "H0202", tickets).await,
        UploadReply::Ack { applied_through: 4 }
    );
    assert_eq!(
        c.upload(
            h3,
            "H0303",
            vec![ticket("H0303", 1, today, "waiting", 5_000)]
        )
        .await,
        UploadReply::Ack { applied_through: 1 }
    );

    let ask = |token: &str| {
        let (http, url, token) = (
            c.http.clone(),
            format!("{}/sync/v1/nearby", c.base),
            token.to_owned(),
        );
        async move {
            let r = http.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<NearbyReply>().await.unwrap()
        }
    };
    let got = ask(h1).await;
    assert_eq!(got.halls.len(), 1, "{got:?}");
    let h = &got.halls[0];
    assert_eq!(
        (h.code.as_str(), h.name.as_str(), h.waiting),
        ("H0202", "城西供电营业厅", 2)
    );
    assert!((600..=660).contains(&h.longest_wait_s), "{h:?}");
    let got = ask(h2).await;
    assert_eq!(
        got.halls
            .iter()
            .map(|h| (h.code.as_str(), h.waiting))
            .collect::<Vec<_>>(),
        [("H0101", 0)]
    );
    assert!(ask(h3).await.halls.is_empty(), "alone in its area");
    divert_at_a_real_hall(c, h1).await;
    // Without an area, no neighbours.
    let (s, _) = c
        .admin(
            "PUT",
            "/admin/v1/halls/H0101/setup",
            Some(json!({"counters": [{"no": 1, "skills": ["A"]}]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ask(h1).await.halls.is_empty());
    assert!(ask(h2).await.halls.is_empty(), "H0101 left the area");
}

/// A real hall node whose incident reaches its 业务分流 step shows the halls of
/// its area with their waits, asked of the province, on its call displays
/// and kiosks.
async fn divert_at_a_real_hall(c: &Calls, h1: &str) {
    use ipc::emergency::{Activate, Incident, PublicNotice};
    use ipc::hall::SessionReply;
    let dir = tempfile::tempdir().unwrap();
    let node = hall_node::start(hall_options(dir.path(), &c.base, h1))
        .await
        .unwrap();
    let base = format!("http://{}", node.addr);
    let http = &c.http;
    let login = |staff: &'static str| {
        let url = format!("{base}/api/v1/sessions");
        async move {
            let req = ipc::LoginRequest {
                staff_no: staff.into(),
                password: format!("demo-{staff}"),
            };
            let s: SessionReply = http
                .post(url)
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
    // The province's plan: divert at once.
    let plan = Plan {
        id: "divert-now".into(),
        name: "业务分流".into(),
        event: EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Supervisor],
        steps: vec![Step {
            id: "divert".into(),
            title: "引导客户去附近营业厅".into(),
            ack_by: vec![Role::Supervisor],
            action: Some(Action::Divert),
            after: vec![],
            escalate_after_s: 300,
        }],
        triggers: vec![],
        auto_activate: false,
    };
    let publish = sync_proto::owned::PublishPlan { plan, halls: None };
    let (s, v) = c
        .admin(
            "PUT",
            "/admin/v1/plans/divert-now",
            Some(serde_json::to_value(&publish).unwrap()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let start = Activate {
        plan: "divert-now".into(),
        level: None,
        reason: Some("演示分流".into()),
        drill: false,
    };
    // Once the hall has pulled the plan, it starts.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = http
            .post(format!("{base}/api/v1/emergency/activate"))
            .bearer_auth(&duty)
            .json(&start)
            .send()
            .await
            .unwrap();
        if r.status().is_success() {
            let _: Incident = r.json().await.unwrap();
            break;
        }
        assert!(Instant::now() < deadline, "the plan never reached the hall");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let halls = loop {
        let notice: PublicNotice = http
            .get(format!("{base}/api/v1/notice"))
            .bearer_auth(&sup)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(d) = notice.divert.filter(|d| !d.halls.is_empty()) {
            assert!(!d.self_service.is_empty());
            break d.halls;
        }
        assert!(Instant::now() < deadline, "no nearby halls on the screens");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        halls
            .iter()
            .map(|h| (h.name.as_str(), h.waiting))
            .collect::<Vec<_>>(),
        [("城西供电营业厅", 2)]
    );
    node.stop().await;
}
