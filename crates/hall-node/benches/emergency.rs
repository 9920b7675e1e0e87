//! Emergency latency harness: the real hall node in-process over loopback, timing a queue trigger to the proposal on the duty console and an activation to every acknowledging screen.
//!
//! The node runs as in a hall (`hall_node::start`, SQLite journal) with one
//! plan of the province in its feed: 业务 A waiting at or above `K` for a
//! second proposes it (`Waiting { above: K, clear_at: 0, hold_s: 1 }`); its
//! steps are acknowledged by clerks, supervisors and the duty person.
//! Everything goes through the HTTP API and the events WebSocket
//! (`/api/v1/events`), typed with `ipc`. Measured:
//! - trigger → proposal: `K` tickets are issued at the kiosk; the condition
//!   holds from the `K`-th ticket's answer, so the latency is the arrival on
//!   the duty console's socket of the `emergency` event carrying the
//!   proposal, less that answer plus the hold (the trigger is looked at after
//!   every queue change and every 250 ms). The proposal is then declined,
//!   the queue served empty at counter 1, and left clear for longer than the
//!   hold so that the trigger re-arms;
//! - step → every screen: 6 clerk, 2 supervisor and 1 duty console sockets
//!   open; the duty person activates the plan; per screen, from sending the
//!   activation to that screen receiving the `emergency` event holding the
//!   new incident. Each incident is terminated before the next.
//!
//! The issue's target for both is p99 ≤ 1 s. `YYT_BENCH_QUICK=1` takes 10
//! samples of each instead of 50.

use domain::{HallCode, Role, StaffName, StaffNo};
use emergency::{EventType, Level, Plan, Step, TriggerRule};
use futures_util::StreamExt;
use ipc::emergency::{Activate, EmergencyView, Incident, PlanRef, TextRequest};
use ipc::hall::{Empty, FinishRequest, IssueReply, IssueRequest, SessionReply, WireEvent};
use ipc::LoginRequest;
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::accounts::Account;
use store::hall::DeviceKind;
use store::owned::FeedRecord;
use sync_proto::owned::{self, PlanRecord};
use tokio::sync::mpsc;

mod common;
use common::{ms, percentile};

/// The plan's id.
const PLAN: &str = "bench-surge";
/// Tickets of 业务 A that make the trigger's condition hold.
const K: u32 = 5;
/// How long the condition must hold (the plan's `hold_s`).
const HOLD: Duration = Duration::from_secs(1);
/// Screens open in the second part, by role.
const CLERKS: u16 = 6;
const SUPERVISORS: u16 = 2;
/// A password for the bench's accounts.
const PASSWORD: &str = "bench-pass-1";
/// The longest any one wait may take before the sample counts as never come.
const LIMIT: Duration = Duration::from_secs(10);

fn step(id: &str, title: &str, ack_by: Role) -> Step {
    Step {
        id: id.into(),
        title: title.into(),
        ack_by: vec![ack_by],
        action: None,
        after: Vec::new(),
        escalate_after_s: 600,
    }
}

/// The plan under test: proposed when 业务 A has `K` waiting for a second, clear at 0.
fn plan() -> Plan {
    Plan {
        id: PLAN.into(),
        name: "客户排队过多（压测）".into(),
        event: EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Emergency, Role::Supervisor, Role::Clerk],
        steps: vec![
            step("confirm", "值班人员确认并通报", Role::Emergency),
            step("open", "增开窗口", Role::Clerk),
            step("guide", "增设引导员", Role::Supervisor),
        ],
        triggers: vec![TriggerRule::Waiting {
            business: "A".into(),
            above: K,
            clear_at: 0,
            hold_s: HOLD.as_secs() as u32,
        }],
        auto_activate: false,
    }
}

/// Puts the plan in the node's copy of the province's feed and tells the node.
async fn publish(node: &hall_node::Running) {
    let hlc = sync_proto::Hlc {
        wall_ms: 1_800_000_000_000,
        counter: 0,
        node: "province".into(),
    };
    let plan = plan();
    let record = PlanRecord {
        plan: plan.clone(),
        withdrawn: false,
    };
    let fields = owned::stamp(owned::values_of(&record), &hlc, true);
    let records = [FeedRecord {
        kind: owned::PLAN.into(),
        key: plan.id.clone(),
        body: Some(serde_json::to_string(&fields).unwrap()),
    }];
    node.store
        .apply_feed("bench-feed", 1, &records, &[], None)
        .await
        .unwrap();
    node.emergency().plans_changed();
}

/// The node's HTTP API, typed.
struct Api {
    base: String,
    http: Client,
}

impl Api {
    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> T {
        let mut r = self.http.post(format!("{}{path}", self.base)).json(body);
        if !token.is_empty() {
            r = r.bearer_auth(token);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.json().await.unwrap()
    }

    async fn login(&self, staff: &str, password: &str) -> String {
        let req = LoginRequest {
            staff_no: staff.into(),
            password: password.into(),
        };
        let s: SessionReply = self.post("/api/v1/sessions", "", &req).await;
        s.token
    }

    async fn counter(&self, token: &str, op: &str) {
        let path = format!("/api/v1/counters/1/{op}");
        if op == "finish" {
            let _: serde_json::Value = self
                .post(&path, token, &FinishRequest { handled: None })
                .await;
        } else {
            let _: serde_json::Value = self.post(&path, token, &Empty {}).await;
        }
    }
}

/// Opens a staff screen's events socket; each `emergency` event goes to `seen` with when it arrived.
async fn screen(
    addr: std::net::SocketAddr,
    token: &str,
    seen: impl Fn(Instant, EmergencyView) + Send + 'static,
) {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?token={token}"))
            .await
            .unwrap();
    tokio::spawn(async move {
        while let Some(Ok(msg)) = ws.next().await {
            let at = Instant::now();
            let Ok(text) = msg.into_text() else { continue };
            if let Ok(WireEvent::Emergency { view }) = serde_json::from_str(&text) {
                seen(at, view);
            }
        }
    });
}

/// A row of the summary: count, p50, p99, max in ms, and the target.
fn row(name: &str, samples: &[Option<Duration>], target: &str) {
    let mut got: Vec<Duration> = samples.iter().flatten().copied().collect();
    got.sort();
    let missed = samples.len() - got.len();
    let missed = if missed > 0 {
        format!(" ({missed} never came)")
    } else {
        String::new()
    };
    let p99 = percentile(&got, 0.99);
    let verdict = match (target.is_empty(), got.is_empty(), missed.is_empty(), p99) {
        (true, ..) => "",
        (false, false, true, p99) if p99 <= Duration::from_secs(1) => " (met)",
        _ => " (NOT met)",
    };
    println!(
        "{name:<44} {:>4} {:>9.1} {:>9.1} {:>9.1}  {target}{verdict}{missed}",
        got.len(),
        ms(percentile(&got, 0.50)),
        ms(p99),
        ms(got.last().copied().unwrap_or_default()),
    );
}

#[tokio::main]
async fn main() {
    let quick = std::env::var("YYT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let samples = if quick { 10 } else { 50 };
    let dir = tempfile::tempdir().unwrap();
    let opts = hall_node::Options {
        db: dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: None,
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    };
    // The screens' accounts exist before start so the node knows their names.
    let mut staff: Vec<(String, Role)> = Vec::new();
    {
        let store = store::Store::open(&opts.db).await.unwrap();
        store.seed_demo_if_empty().await.unwrap();
        let accounts = (1..=CLERKS)
            .map(|n| (5100 + n, Role::Clerk))
            .chain((1..=SUPERVISORS).map(|n| (5200 + n, Role::Supervisor)));
        for (no, role) in accounts {
            let account = Account {
                staff_no: StaffNo::parse(&no.to_string()).unwrap(),
                name: StaffName::parse(&format!("压测{no}")).unwrap(),
                role,
                hall_code: HallCode::parse(store::demo::HALL_CODE).unwrap(),
            };
            store.put_account(&account, PASSWORD).await.unwrap();
            staff.push((no.to_string(), role));
        }
        store.close().await;
    }
    let node = hall_node::start(opts).await.unwrap();
    publish(&node).await;
    let kiosk = node
        .store
        .add_device("bench-kiosk", DeviceKind::Kiosk, None, "bench")
        .await
        .unwrap();
    let api = Api {
        base: format!("http://{}", node.addr),
        http: Client::builder().build().unwrap(),
    };
    let duty = api.login("3001", "demo-3001").await;
    let clerk = api.login("1001", "demo-1001").await;
    // The plan is in force before anything is timed.
    let deadline = Instant::now() + LIMIT;
    loop {
        let v: EmergencyView = api.get("/api/v1/emergency", &duty).await;
        if v.plans
            .iter()
            .any(|p| p.plan.id == PLAN && p.refused.is_none())
        {
            break;
        }
        assert!(Instant::now() < deadline, "the plan never came into force");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    api.counter(&clerk, "open").await;

    // ----- trigger → proposal on the duty console ------------------------
    println!(
        "trigger → proposal: {samples} times {K} tickets of 业务 A (trigger: ≥ {K} for {} s), the duty console's socket",
        HOLD.as_secs()
    );
    let (proposed_tx, mut proposed) = mpsc::unbounded_channel::<Instant>();
    screen(node.addr, &duty, move |at, view| {
        if view.proposals.iter().any(|p| p.plan == PLAN && !p.drill) {
            let _ = proposed_tx.send(at);
        }
    })
    .await;
    let issue = IssueRequest {
        business: "A".into(),
        priority: None,
        customer: None,
    };
    let mut to_proposal: Vec<Option<Duration>> = Vec::new();
    let mut early = 0;
    for _ in 0..samples {
        // Whatever an earlier round left on the socket is old news.
        while proposed.try_recv().is_ok() {}
        let mut held_from = Instant::now();
        for _ in 0..K {
            let _: IssueReply = api.post("/api/v1/tickets", &kiosk, &issue).await;
            held_from = Instant::now();
        }
        let due = held_from + HOLD;
        let got = tokio::time::timeout(LIMIT, proposed.recv()).await;
        match got {
            Ok(Some(at)) => {
                if at < due {
                    early += 1;
                }
                to_proposal.push(Some(at.saturating_duration_since(due)));
            }
            _ => to_proposal.push(None),
        }
        // Declined; the queue served empty and left clear past the hold, so the trigger re-arms.
        let _: Empty = api
            .post(
                "/api/v1/emergency/decline",
                &duty,
                &PlanRef { plan: PLAN.into() },
            )
            .await;
        for _ in 0..K {
            for op in ["call-next", "start", "finish"] {
                api.counter(&clerk, op).await;
            }
        }
        tokio::time::sleep(HOLD + Duration::from_millis(600)).await;
    }

    // ----- activation → every acknowledging screen -----------------------
    let arrived: Arc<Mutex<HashMap<(usize, u64), Instant>>> = Arc::default();
    let mut screens = 0;
    let mut roles: Vec<Role> = Vec::new();
    for (no, role) in &staff {
        let token = api.login(no, PASSWORD).await;
        let (arrived, me) = (arrived.clone(), screens);
        screen(node.addr, &token, move |at, view| {
            let mut seen = arrived.lock().unwrap();
            for i in &view.incidents {
                seen.entry((me, i.id)).or_insert(at);
            }
        })
        .await;
        screens += 1;
        roles.push(*role);
    }
    {
        let (arrived, me) = (arrived.clone(), screens);
        screen(node.addr, &duty, move |at, view| {
            let mut seen = arrived.lock().unwrap();
            for i in &view.incidents {
                seen.entry((me, i.id)).or_insert(at);
            }
        })
        .await;
        screens += 1;
        roles.push(Role::Emergency);
    }
    println!(
        "activation → screens: {samples} incidents, {screens} staff sockets ({CLERKS} clerks, {SUPERVISORS} supervisors, 1 duty console)"
    );
    let mut to_screens: Vec<Option<Duration>> = Vec::new();
    let mut by_role: HashMap<Role, Vec<Option<Duration>>> = HashMap::new();
    let mut answered: Vec<Option<Duration>> = Vec::new();
    let start = Activate {
        plan: PLAN.into(),
        level: None,
        reason: Some("压测".into()),
        drill: false,
    };
    for _ in 0..samples {
        let sent = Instant::now();
        let incident: Incident = api.post("/api/v1/emergency/activate", &duty, &start).await;
        answered.push(Some(sent.elapsed()));
        let deadline = Instant::now() + LIMIT;
        loop {
            let all = {
                let seen = arrived.lock().unwrap();
                (0..screens).all(|s| seen.contains_key(&(s, incident.id)))
            };
            if all || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        {
            let seen = arrived.lock().unwrap();
            for (s, role) in roles.iter().enumerate() {
                let d = seen
                    .get(&(s, incident.id))
                    .map(|at| at.saturating_duration_since(sent));
                to_screens.push(d);
                by_role.entry(*role).or_default().push(d);
            }
        }
        let _: Incident = api
            .post(
                &format!("/api/v1/emergency/incidents/{}/terminate", incident.id),
                &duty,
                &TextRequest {
                    text: "压测结束".into(),
                },
            )
            .await;
    }

    println!();
    println!("== emergency latency (the real hall node, loopback) ==");
    println!(
        "{:<44} {:>4} {:>9} {:>9} {:>9}  target",
        "measure (ms)", "n", "p50", "p99", "max"
    );
    row(
        "trigger held → proposal on the duty console",
        &to_proposal,
        "p99 ≤ 1000",
    );
    row("activate → the 201 answer", &answered, "");
    row(
        "activate → every acknowledging screen",
        &to_screens,
        "p99 ≤ 1000",
    );
    for (role, name) in [
        (Role::Clerk, "  clerks' screens"),
        (Role::Supervisor, "  supervisors' screens"),
        (Role::Emergency, "  the duty console"),
    ] {
        row(
            name,
            by_role.get(&role).map_or(&[][..], |v| v.as_slice()),
            "",
        );
    }
    println!(
        "trigger samples where the proposal came before answer + hold (counted as 0): {early} of {}",
        to_proposal.len()
    );
    node.stop().await;
}
