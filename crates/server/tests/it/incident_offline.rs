//! An incident run at a real hall node while its province is unreachable: everything answers, and once the province starts the incident arrives ended, each timeline line exactly once.
//!
//! The hall node runs in-process (`hall_node::start`) replicating to an
//! address where nothing listens yet; its demo plans stand in for the
//! province's. Through the hall's HTTP API the duty person starts 客户排队过多,
//! the duty person and the supervisor acknowledge a step each, a note is
//! added and the incident is ended. Then the real `province-server` starts
//! on that address; within 20 s its maintainers' view shows the incident
//! ended with the hall's whole timeline, stored once per line, out of the
//! active list and in the whole one. On every backend.

use super::{add_hall, backends, free_port, hall_options, kill, province, register};
use emergency::Line;
use ipc::emergency::{Activate, Incident, IncidentDetail, TextRequest};
use ipc::hall::{BoardView, Empty, SessionReply};
use ipc::LoginRequest;
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

const HALL: &str = "H0101";
/// How long the province may take to hold the whole incident once it is up:
/// the hall's uplink retries at 2, 4, 8, 16 s… after its start while the
/// province is away, and the incident is over within the first few seconds.
const ARRIVAL: Duration = Duration::from_secs(20);

/// An incident as the province's maintainers see it (`GET /admin/v1/incidents`).
#[derive(Debug, Deserialize)]
struct Summary {
    hall: String,
    id: u64,
    plan_id: String,
    ended_at_ms: Option<i64>,
}

/// One incident of a hall, whole (`GET /admin/v1/halls/{code}/incidents/{id}`).
#[derive(Debug, Deserialize)]
struct Detail {
    id: u64,
    ended_at_ms: Option<i64>,
    incident: Incident,
    timeline: Vec<Line>,
}

/// The hall node's API, typed.
struct Hall {
    base: String,
    http: Client,
}

impl Hall {
    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> (StatusCode, T) {
        let mut r = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let r = r
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: the hall did not answer: {e}"));
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
        (status, v)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: the hall did not answer: {e}"));
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.json().await.unwrap()
    }

    async fn login(&self, staff: &str) -> String {
        let req = LoginRequest {
            staff_no: staff.into(),
            password: format!("demo-{staff}"),
        };
        let (_, s): (_, SessionReply) = self.post("/api/v1/sessions", None, &req).await;
        s.token
    }

    async fn act(&self, token: &str, path: &str, body: &impl Serialize) -> Incident {
        self.post(path, Some(token), body).await.1
    }
}

#[tokio::test]
async fn an_incident_run_while_the_province_is_away_arrives_ended_each_line_once() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        offline_incident(&db, dir.path()).await;
    }
}

async fn offline_incident(db: &str, dir: &std::path::Path) {
    eprintln!("an incident while the province is away, against {db}");
    let token = add_hall(db);
    let admin = register(db, &["--add-maintainer", "运维"]);
    let port = free_port(); // nothing listens there yet
    let hall_dir = tempfile::tempdir_in(dir).unwrap();
    let node = hall_node::start(hall_options(
        hall_dir.path(),
        &format!("http://127.0.0.1:{port}"),
        &token,
    ))
    .await
    .unwrap();
    let started = Instant::now();
    let hall = Hall {
        base: format!("http://{}", node.addr),
        http: Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    };

    // The whole incident at the hall, the province out of reach.
    let duty = hall.login("3001").await;
    let sup = hall.login("2001").await;
    let start = Activate {
        plan: "queue-surge".into(),
        level: None,
        reason: Some("省平台断开时启动".into()),
        drill: false,
    };
    let (status, incident): (_, Incident) = hall
        .post("/api/v1/emergency/activate", Some(&duty), &start)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = incident.id;
    let path = |tail: &str| format!("/api/v1/emergency/incidents/{id}/{tail}");
    let acked = hall.act(&duty, &path("steps/confirm/ack"), &Empty {}).await;
    assert!(acked
        .steps
        .iter()
        .any(|s| s.id == "confirm" && s.done_at.is_some()));
    hall.act(&sup, &path("steps/banner/ack"), &Empty {}).await;
    hall.act(
        &duty,
        &path("notes"),
        &TextRequest {
            text: "省平台暂时无法连接，本厅照常处置".into(),
        },
    )
    .await;
    let ended = hall
        .act(
            &duty,
            &path("terminate"),
            &TextRequest {
                text: "排队已恢复正常".into(),
            },
        )
        .await;
    assert!(ended.ended.is_some());
    let at_hall: IncidentDetail = hall
        .get(&format!("/api/v1/emergency/incidents/{id}"), &duty)
        .await;
    assert_eq!(at_hall.incident, ended);
    let lines = at_hall.incident.timeline.len();
    assert!(
        lines >= 5,
        "activated, queue, two acks, a note, the end: {lines}"
    );
    assert_eq!(
        node.store.sync_mark("province").await.unwrap(),
        0,
        "nothing can have reached the province"
    );
    // The supervisor's board says so: offline, the incident's changes waiting.
    let board: BoardView = hall.get("/api/v1/board", &sup).await;
    assert!(
        board.sync.configured && !board.sync.online && board.sync.last_success_at.is_none(),
        "{:?}",
        board.sync
    );
    assert!(board.sync.waiting > lines as u64, "{:?}", board.sync);
    let ran_for = started.elapsed();

    // The province starts: the incident arrives, ended, each line once.
    let prov_started = Instant::now();
    let mut prov = province(db, port);
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/admin/v1/halls/{HALL}/incidents/{id}");
    let arrived: Detail = loop {
        let r = http.get(&url).bearer_auth(&admin).send().await.unwrap();
        if r.status() == StatusCode::OK {
            let d: Detail = r.json().await.unwrap();
            if d.ended_at_ms.is_some() && d.timeline.len() >= lines {
                break d;
            }
        } else {
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
        }
        assert!(
            prov_started.elapsed() < ARRIVAL,
            "the province did not hold the ended incident with its {lines} lines within {ARRIVAL:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let took = prov_started.elapsed();
    assert_eq!(arrived.id, id);
    assert_eq!(
        arrived.ended_at_ms,
        ended.ended.as_ref().map(|e| e.at),
        "ended when the hall ended it"
    );
    assert_eq!(arrived.incident.steps, ended.steps, "the hall's record");
    let expected: Vec<Line> = at_hall
        .incident
        .timeline
        .iter()
        .enumerate()
        .map(|(seq, entry)| Line {
            incident: id,
            seq: seq as u32,
            entry: entry.clone(),
        })
        .collect();
    assert_eq!(
        arrived.timeline, expected,
        "every line, in order, as the hall wrote it"
    );

    // Exactly once: one row per line, and the province applied the hall's log once.
    let pool = server::connect(db).await.unwrap();
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM incident_entry WHERE hall = $1 AND incident = $2")
            .bind(HALL)
            .bind(id as i64)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rows, lines as i64, "one stored row per timeline line");
    let head = node.store.outbox_head().await.unwrap().unwrap().0 as i64;
    let deadline = Instant::now() + ARRIVAL;
    let (applied, stored): (i64, i64) = loop {
        let mark: (i64, i64) = sqlx::query_as(
            "SELECT applied_through, changes_applied FROM sync_origin WHERE origin = $1",
        )
        .bind(format!("hall:{HALL}"))
        .fetch_one(&pool)
        .await
        .unwrap();
        if mark.0 >= head || Instant::now() > deadline {
            break mark;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(applied, head, "the province's mark is at the hall's head");
    assert_eq!(
        stored, head,
        "the province stored {stored} changes of a log of {head}: not exactly once"
    );
    pool.close().await;

    // Ended: out of the active list, in the whole one.
    let list = |all: bool| {
        let (http, admin) = (http.clone(), admin.clone());
        let url = format!(
            "http://127.0.0.1:{port}/admin/v1/incidents{}",
            if all { "?all=true" } else { "" }
        );
        async move {
            let r = http.get(url).bearer_auth(admin).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Vec<Summary>>().await.unwrap()
        }
    };
    let ours = |s: &Summary| s.hall == HALL && s.id == id;
    assert!(
        !list(false).await.iter().any(ours),
        "an ended incident is not active"
    );
    let all = list(true).await;
    let listed = all.iter().find(|s| ours(s)).expect("listed with ?all=true");
    assert_eq!(listed.plan_id, "queue-surge");
    assert!(listed.ended_at_ms.is_some());
    eprintln!(
        "{db}: the incident ran {:.1} s at the hall with the province away ({lines} lines, the hall's log at {head}); \
         the province held it whole {:.1} s after it started",
        ran_for.as_secs_f64(),
        took.as_secs_f64()
    );
    node.stop().await;
    kill(&mut prov);
}
