//! Faults with real processes: a hall cut off for three simulated days, and kill -9 of the hall or of the province in the middle of an upload.
//!
//! The hall node runs as a process of its own so that it can be killed. The
//! server crate cannot name the `hall-node` binary, so this test binary starts
//! itself again with `YYT_CHILD_HALL_ARGS` set, and the ignored test
//! `child_hall_node` runs `hall_node::cli::main` with those arguments. The
//! province is the real `province-server` binary. Every test runs on every
//! backend; "exactly once" means the province stored as many changes as the
//! hall's log holds, and holds every ticket as the hall last wrote it.

use super::{add_hall, backends, free_port, kill, province};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::AnyPool;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Set (to a JSON array of arguments) in the hall node processes this module starts.
const CHILD_ARGS: &str = "YYT_CHILD_HALL_ARGS";
const ORIGIN: &str = "hall:H0101";
const HALL: &str = "H0101";

/// Simulated seconds per second for the offline days: full pace (the
/// simulated clerks are then bound by how fast the node answers). Three days
/// take 22–28 s on two cores, so the uplink's retry about 30 s after the hall
/// started usually finds the province; on a slower machine the next comes at 62 s.
const SIM_SPEED: u32 = 10_000;
const SIM_DAYS: u32 = 3;
/// The backlog the kill tests upload: kiosks issuing at once, tickets each.
const KIOSKS: usize = 8;
const PER_KIOSK: usize = 2_500;

/// The uplink backs off up to 60 s while the province is away: after it
/// returns, the hall may take that long to try again.
const CATCH_UP: Duration = Duration::from_secs(100);

#[test]
#[ignore = "a hall node process for the fault tests, which start it themselves"]
fn child_hall_node() {
    let Ok(json) = std::env::var(CHILD_ARGS) else {
        eprintln!("{CHILD_ARGS} is not set: nothing to run");
        return;
    };
    let args: Vec<String> =
        serde_json::from_str(&json).expect("YYT_CHILD_HALL_ARGS holds a JSON array of strings");
    let code = tokio::runtime::Runtime::new()
        .expect("a tokio runtime")
        .block_on(hall_node::cli::main(args));
    std::process::exit(if code == std::process::ExitCode::SUCCESS {
        0
    } else {
        1
    });
}

/// A hall node process (this binary running `child_hall_node`), killed with SIGKILL when dropped.
struct HallProcess {
    child: Child,
    addr: String,
    lines: mpsc::UnboundedReceiver<String>,
}

impl HallProcess {
    async fn start(args: &[String]) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "faults::child_hall_node",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ARGS, serde_json::to_string(args).unwrap())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::unbounded_channel();
        let out = child.stdout.take().unwrap();
        // Read everything it prints, so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut hall = Self {
            child,
            addr: String::new(),
            lines,
        };
        let listening = hall
            .line_with("hall-node listening on http://", Duration::from_secs(60))
            .await;
        hall.addr = listening
            .trim_start_matches("hall-node listening on http://")
            .trim()
            .to_owned();
        hall
    }

    /// Waits for a line containing `marker`; returns it from the marker on (the
    /// test harness of the child may print its own text before it on the line).
    async fn line_with(&mut self, marker: &str, within: Duration) -> String {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => {
                    if let Some(at) = line.find(marker) {
                        return line[at..].to_owned();
                    }
                }
                Ok(None) => panic!("the hall node process ended before printing {marker:?}"),
                Err(_) => {
                    panic!("the hall node process did not print {marker:?} within {within:?}")
                }
            }
        }
    }

    /// A line containing `marker` among those printed so far, if any.
    fn printed(&mut self, marker: &str) -> Option<String> {
        while let Ok(line) = self.lines.try_recv() {
            if let Some(at) = line.find(marker) {
                return Some(line[at..].to_owned());
            }
        }
        None
    }

    /// The demo kiosk's token, from the device pages the node prints on start.
    async fn kiosk_token(&mut self) -> String {
        let line = self
            .line_with("kiosk: http://", Duration::from_secs(10))
            .await;
        line.rsplit("token=").next().unwrap().trim().to_owned()
    }

    /// `kill -9`.
    fn kill9(mut self) {
        kill(&mut self.child);
    }
}

impl Drop for HallProcess {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// A `province-server` process, killed with SIGKILL when dropped.
struct ProvinceProcess(Child);

impl ProvinceProcess {
    fn start(db: &str, port: u16) -> Self {
        Self(province(db, port))
    }

    fn kill9(mut self) {
        kill(&mut self.0);
    }
}

impl Drop for ProvinceProcess {
    fn drop(&mut self) {
        kill(&mut self.0);
    }
}

/// The hall node's arguments; the token goes in a file beside the database
/// (`--province-token-file`), as a secret never goes on the command line.
fn hall_args(db: &Path, port: u16, token: &str, extra: &[&str]) -> Vec<String> {
    let dir = db.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let token_file = dir.join("province-token");
    std::fs::write(&token_file, token).unwrap();
    let mut args: Vec<String> = [
        "--db",
        &db.display().to_string(),
        "--listen",
        "127.0.0.1:0",
        "--demo",
        "--province",
        &format!("http://127.0.0.1:{port}"),
        "--province-token-file",
        &token_file.display().to_string(),
        // The demo's MQTT devices (no simulator here) stay quiet for an hour
        // before they count as offline: the log is the registry and the queue.
        "--heartbeat-secs",
        "3600",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// The hall's database, read-only, beside the running node (WAL allows a reader).
async fn hall_db(path: &Path) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(path).read_only(true))
        .await
        .unwrap()
}

/// The end of the hall's change log.
async fn hall_head(db: &SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM outbox")
        .fetch_one(db)
        .await
        .unwrap()
}

/// How far the hall believes the province has its log.
async fn hall_acked(db: &SqlitePool) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT acked_through FROM sync_mark WHERE peer = 'province'")
        .fetch_optional(db)
        .await
        .unwrap()
        .unwrap_or(0)
}

/// What the hall's log says: each ticket's last snapshot, and the counter events' keys.
async fn hall_records(db: &SqlitePool) -> (BTreeMap<i64, Value>, BTreeSet<String>) {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, key, body FROM outbox ORDER BY seq")
            .fetch_all(db)
            .await
            .unwrap();
    let mut tickets = BTreeMap::new();
    let mut events = BTreeSet::new();
    for (kind, key, body) in rows {
        match kind.as_str() {
            "ticket" => {
                tickets.insert(key.parse().unwrap(), serde_json::from_str(&body).unwrap());
            }
            "counter_event" => {
                events.insert(key);
            }
            _ => {} // other kinds count towards the head, and are compared there
        }
    }
    (tickets, events)
}

/// The province's mark for the hall: (applied_through, changes_applied, reported_head).
async fn province_mark(pool: &AnyPool) -> Option<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT applied_through, changes_applied, reported_head FROM sync_origin WHERE origin = $1",
    )
    .bind(ORIGIN)
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// What the province holds of the hall: its tickets (checked against their columns) and counter events.
async fn province_records(pool: &AnyPool) -> (BTreeMap<i64, Value>, i64) {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, no, state, body FROM ticket WHERE hall = $1")
            .bind(HALL)
            .fetch_all(pool)
            .await
            .unwrap();
    let mut tickets = BTreeMap::new();
    for (id, no, state, body) in rows {
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body["ticket"]["no"],
            no.as_str(),
            "ticket {id}'s number column"
        );
        assert_eq!(
            body["ticket"]["state"]["state"],
            state.as_str(),
            "ticket {id}'s state column"
        );
        tickets.insert(id, body);
    }
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM counter_event WHERE hall = $1")
        .bind(HALL)
        .fetch_one(pool)
        .await
        .unwrap();
    (tickets, events)
}

/// Waits until the province has applied the hall's whole log; returns how long that took.
async fn caught_up(prov: &AnyPool, hall: &SqlitePool, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let head = hall_head(hall).await;
        let mark = province_mark(prov).await;
        if head > 0 && mark.is_some_and(|(applied, _, _)| applied == head) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "the province never caught up within {within:?}: its mark (applied, stored, reported head) is {mark:?}, the hall's log ends at {head}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every change arrived exactly once, and the province holds what the hall holds.
/// Returns (changes, tickets).
async fn assert_exactly_once(prov: &AnyPool, hall: &SqlitePool) -> (i64, usize) {
    let head = hall_head(hall).await;
    let (applied, stored, reported) = province_mark(prov)
        .await
        .expect("the province has a mark for the hall");
    assert_eq!(applied, head, "the province's mark is at the hall's head");
    assert_eq!(
        stored, head,
        "the province stored {stored} changes of a log of {head}: not exactly once"
    );
    assert_eq!(reported, head, "the hall's last reported head");
    let (hall_tickets, hall_events) = hall_records(hall).await;
    let (prov_tickets, prov_events) = province_records(prov).await;
    assert_eq!(
        prov_tickets.len(),
        hall_tickets.len(),
        "the province holds {} tickets, the hall {}",
        prov_tickets.len(),
        hall_tickets.len()
    );
    let differing: Vec<&i64> = hall_tickets
        .iter()
        .filter(|(id, body)| prov_tickets.get(id) != Some(body))
        .map(|(id, _)| id)
        .collect();
    assert!(
        differing.is_empty(),
        "{} tickets differ from the hall's last snapshot, e.g. {}: hall {} province {:?}",
        differing.len(),
        differing[0],
        hall_tickets[differing[0]],
        prov_tickets.get(differing[0])
    );
    assert_eq!(
        prov_events,
        hall_events.len() as i64,
        "counter events at the province and in the hall's log"
    );
    (head, hall_tickets.len())
}

async fn sign_in(http: &Client, addr: &str, staff: &str, password: &str) -> String {
    let r = http
        .post(format!("http://{addr}/api/v1/sessions"))
        .json(&json!({"staff_no": staff, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{staff} signs in");
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The replication status on the supervisor's board; the hall must answer.
async fn board_sync(http: &Client, addr: &str, supervisor: &str) -> Value {
    let r = http
        .get(format!("http://{addr}/api/v1/board"))
        .bearer_auth(supervisor)
        .send()
        .await
        .unwrap_or_else(|e| panic!("the hall stopped answering: {e}"));
    assert_eq!(r.status(), StatusCode::OK, "the hall serves its board");
    r.json::<Value>().await.unwrap()["sync"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_simulated_days_offline_arrive_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    // The backends at once: most of the time goes to simulated days and the
    // uplink's backoff, little to work.
    let mut runs = tokio::task::JoinSet::new();
    for db in backends(dir.path()).await {
        let dir = dir.path().to_owned();
        runs.spawn(async move { three_days_offline(&db, &dir).await });
    }
    while let Some(run) = runs.join_next().await {
        if let Err(e) = run {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

async fn three_days_offline(db: &str, dir: &Path) {
    eprintln!("three simulated days offline against {db}");
    let token = add_hall(db);
    let port = free_port(); // nothing listens there yet: the hall is cut off
    let hall_dir = tempfile::tempdir_in(dir).unwrap();
    let hall_path = hall_dir.path().join("hall.db");
    let (speed, days) = (SIM_SPEED.to_string(), SIM_DAYS.to_string());
    let args = hall_args(
        &hall_path,
        port,
        &token,
        &["--simulate", &speed, "--sim-days", &days],
    );
    let started = Instant::now();
    let mut hall = HallProcess::start(&args).await;
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let supervisor = sign_in(&http, &hall.addr, "2001", "demo-2001").await;

    // While the days pass, the hall serves on and shows that it is offline.
    let deadline = Instant::now() + Duration::from_secs(150);
    let (mut polls, mut waiting) = (0, 0);
    let finished = loop {
        if let Some(line) = hall.printed("simulation finished: ") {
            break line;
        }
        let sync = board_sync(&http, &hall.addr, &supervisor).await;
        assert_eq!(sync["configured"], true, "{sync}");
        assert_eq!(sync["online"], false, "the hall cannot be online: {sync}");
        // Nothing can be acknowledged: what waits only grows.
        let now_waiting = sync["waiting"].as_u64().unwrap();
        assert!(now_waiting >= waiting, "{sync} after {waiting} waiting");
        waiting = now_waiting;
        polls += 1;
        assert!(
            Instant::now() < deadline,
            "the simulation did not finish within 150 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let sim_took = started.elapsed();
    // "simulation finished: 3 days, 1263 tickets issued"
    let issued: usize = finished
        .split_whitespace()
        .nth(4)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("cannot read {finished:?}"));
    assert!(
        finished.starts_with(&format!("simulation finished: {SIM_DAYS} days")),
        "{finished}"
    );
    let hall_pool = hall_db(&hall_path).await;
    let head = hall_head(&hall_pool).await;
    let sync = board_sync(&http, &hall.addr, &supervisor).await;
    assert_eq!(sync["online"], false, "{sync}");
    assert_eq!(
        sync["waiting"], head,
        "the whole log waits for the province: {sync}"
    );
    assert!(polls >= 10, "the board was polled {polls} times");

    // The province comes up: everything arrives, once.
    let prov_started = Instant::now();
    let _prov = ProvinceProcess::start(db, port);
    let pool = server::connect(db).await.unwrap();
    let catch_up = caught_up(&pool, &hall_pool, CATCH_UP).await;
    let (changes, tickets) = assert_exactly_once(&pool, &hall_pool).await;
    assert_eq!(
        tickets, issued,
        "the tickets in the hall's log are those the simulation issued"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sync = board_sync(&http, &hall.addr, &supervisor).await;
        if sync["online"] == true && sync["waiting"] == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the board never showed the recovery: {sync}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "{}: {SIM_DAYS} simulated days at speed {SIM_SPEED} took {:.1} s ({polls} board polls, all answered); \
         {tickets} tickets, {changes} changes; caught up {:.1} s after the province started (the hall started {:.1} s before it)",
        backend(db),
        sim_took.as_secs_f64(),
        catch_up.as_secs_f64(),
        (prov_started - started).as_secs_f64(),
    );
    pool.close().await;
    hall_pool.close().await;
    hall.kill9();
}

fn backend(db: &str) -> &'static str {
    if db.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}

/// Issues `KIOSKS × PER_KIOSK` tickets through the hall's kiosk, the kiosks at once.
async fn issue_backlog(addr: &str, kiosk: &str) -> Duration {
    let started = Instant::now();
    let http = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut kiosks = tokio::task::JoinSet::new();
    for k in 0..KIOSKS {
        let (http, url, kiosk) = (
            http.clone(),
            format!("http://{addr}/api/v1/tickets"),
            kiosk.to_owned(),
        );
        kiosks.spawn(async move {
            for i in 0..PER_KIOSK {
                let business = ["A", "C", "B", "E", "D"][(k + i) % 5];
                let r = http
                    .post(&url)
                    .bearer_auth(&kiosk)
                    .json(&json!({"business": business}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED, "the kiosk issues a ticket");
            }
        });
    }
    while let Some(done) = kiosks.join_next().await {
        done.unwrap();
    }
    started.elapsed()
}

/// A hall's database with a backlog: `KIOSKS` kiosks issued `PER_KIOSK`
/// tickets each while the province could not be reached, then the hall was
/// killed (-9). The kill tests each run on copies of it, one per backend, so
/// that their halls begin uploading the moment they start (a hall that has been
/// trying for a while waits out its backoff first, up to a minute).
async fn backlog(dir: &Path) -> (PathBuf, Duration) {
    let path = dir.join("backlog").join("hall.db");
    let args = hall_args(&path, free_port(), "unreachable", &[]);
    let mut hall = HallProcess::start(&args).await;
    let kiosk = hall.kiosk_token().await;
    let took = issue_backlog(&hall.addr, &kiosk).await;
    let pool = hall_db(&path).await;
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'ticket'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        tickets,
        (KIOSKS * PER_KIOSK) as i64,
        "one change per ticket issued"
    );
    let head = hall_head(&pool).await;
    assert_eq!(head, tickets + 22, "and the demo registry's 22 devices");
    let http = Client::new();
    let supervisor = sign_in(&http, &hall.addr, "2001", "demo-2001").await;
    let sync = board_sync(&http, &hall.addr, &supervisor).await;
    assert_eq!(sync["waiting"], head as u64, "{sync}");
    pool.close().await;
    hall.kill9();
    (path, took)
}

/// A copy of the hall database at `from` (with its write-ahead log) in a new directory under `dir`.
fn copy_hall(from: &Path, dir: &Path) -> (tempfile::TempDir, PathBuf) {
    let to_dir = tempfile::tempdir_in(dir).unwrap();
    let to = to_dir.path().join("hall.db");
    std::fs::copy(from, &to).unwrap();
    let wal = from.with_extension("db-wal");
    if wal.exists() {
        std::fs::copy(&wal, to.with_extension("db-wal")).unwrap();
    }
    (to_dir, to)
}

/// Waits until the province has part of the log, not all of it; returns its mark then.
async fn mid_upload(prov: &AnyPool, head: i64) -> i64 {
    let deadline = Instant::now() + CATCH_UP;
    loop {
        if let Some((applied, _, _)) = province_mark(prov).await {
            assert!(
                applied < head,
                "the upload ended before it could be interrupted"
            );
            if applied > 0 {
                return applied;
            }
        }
        assert!(Instant::now() < deadline, "the upload never began");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_hall_mid_upload() {
    let dir = tempfile::tempdir().unwrap();
    let (backlog, took) = backlog(dir.path()).await;
    eprintln!(
        "backlog: {} tickets from {KIOSKS} kiosks in {:.1} s",
        KIOSKS * PER_KIOSK,
        took.as_secs_f64()
    );
    for db in backends(dir.path()).await {
        kill_hall(&db, dir.path(), &backlog).await;
    }
}

async fn kill_hall(db: &str, dir: &Path, backlog: &Path) {
    eprintln!("kill -9 of the hall mid-upload against {db}");
    let token = add_hall(db);
    let port = free_port();
    let (_hall_dir, hall_path) = copy_hall(backlog, dir);
    let args = hall_args(&hall_path, port, &token, &[]);
    let _prov = ProvinceProcess::start(db, port);
    let pool = server::connect(db).await.unwrap();
    let started = Instant::now();
    let hall = HallProcess::start(&args).await;
    let hall_pool = hall_db(&hall_path).await;
    let head = hall_head(&hall_pool).await;
    let applied = mid_upload(&pool, head).await;
    hall.kill9();
    let acked = hall_acked(&hall_pool).await;
    // What the province was still storing for the dead hall is stored or undone by now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let at_province = province_mark(&pool).await.map_or(0, |m| m.0);
    let restarted = Instant::now();
    let hall = HallProcess::start(&args).await;
    let catch_up = caught_up(&pool, &hall_pool, CATCH_UP).await;
    let (changes, _) = assert_exactly_once(&pool, &hall_pool).await;
    eprintln!(
        "{}: hall killed {:.1} s after it started (journal replay included) uploading {changes} changes, the province at {applied} (seen) / \
         {at_province} (after), the hall's stored acknowledgement at {acked}; restarted, it caught up in {:.1} s ({:.1} s with its start)",
        backend(db),
        (restarted - started).as_secs_f64(),
        catch_up.as_secs_f64(),
        restarted.elapsed().as_secs_f64(),
    );
    pool.close().await;
    hall_pool.close().await;
    hall.kill9();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_province_mid_upload() {
    let dir = tempfile::tempdir().unwrap();
    let (backlog, _) = backlog(dir.path()).await;
    for db in backends(dir.path()).await {
        kill_province(&db, dir.path(), &backlog).await;
    }
}

async fn kill_province(db: &str, dir: &Path, backlog: &Path) {
    eprintln!("kill -9 of the province mid-upload against {db}");
    let token = add_hall(db);
    let port = free_port();
    let (_hall_dir, hall_path) = copy_hall(backlog, dir);
    let prov = ProvinceProcess::start(db, port);
    let pool = server::connect(db).await.unwrap();
    let started = Instant::now();
    let hall = HallProcess::start(&hall_args(&hall_path, port, &token, &[])).await;
    let hall_pool = hall_db(&hall_path).await;
    let head = hall_head(&hall_pool).await;
    let applied = mid_upload(&pool, head).await;
    prov.kill9();
    let killed = started.elapsed();
    let at_kill = province_mark(&pool).await.map_or(0, |m| m.0);
    let _prov = ProvinceProcess::start(db, port);
    let catch_up = caught_up(&pool, &hall_pool, CATCH_UP).await;
    let (changes, _) = assert_exactly_once(&pool, &hall_pool).await;
    eprintln!(
        "{}: province killed {:.1} s after the hall started (journal replay included) uploading {changes} changes, at {applied} (seen) / {at_kill} (stored); \
         restarted, the hall finished {:.1} s later",
        backend(db),
        killed.as_secs_f64(),
        catch_up.as_secs_f64(),
    );
    pool.close().await;
    hall_pool.close().await;
    hall.kill9();
}
