//! The desktop's use cases: sign in, counter work and boards, all through the hall node.
//!
//! The hall node owns accounts and the queue. By default this PC hosts it
//! in-process (a one-PC hall, and the demo); `YYT_HALL_URL` points the app at
//! a hall node elsewhere on the hall LAN instead. Every hall answer that is an
//! error arrives as `{code, message}` and is passed on as it is; a node that
//! cannot be reached is `hall_unavailable`, never a stack trace.

use futures_util::StreamExt;
use ipc::hall::{
    BoardView, CallToCounterRequest, MeView, MoveTicketRequest, ReasonRequest, SessionReply,
    SupervisorNotice, WireEvent,
};
use ipc::{
    ApiError, AppInfo, ChangePasswordRequest, CounterAct, CounterAction, ErrorCode, LoginRequest,
    SessionView, SupervisorAct, SupervisorAction,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the app finds a hall node on the LAN (otherwise it hosts one).
pub const HALL_URL_ENV: &str = "YYT_HALL_URL";
/// Where a hosted hall node listens (default 127.0.0.1:7400, or any free port if taken).
pub const HALL_LISTEN_ENV: &str = "YYT_HALL_LISTEN";
/// The hosted node's address is written here in the data dir, for devices and tools.
pub const HALL_ADDR_FILE: &str = "hall-node.addr";
/// The province server a hosted hall node replicates to, and the hall's upload token.
pub const PROVINCE_URL_ENV: &str = "YYT_PROVINCE_URL";
pub const PROVINCE_TOKEN_ENV: &str = "YYT_PROVINCE_TOKEN";
/// Run the hall simulator in a hosted demo hall at this speed (simulated seconds per second).
pub const DEMO_SIM_ENV: &str = "YYT_DEMO_SIM";
/// Update reports not yet delivered, kept across restarts (the "installed"
/// report is made by the new version, which may be closed before anyone signs in).
const REPORTS_FILE: &str = "update-reports.json";

/// Receives every live event of the hall while someone is signed in.
pub type Notify = Arc<dyn Fn(WireEvent) + Send + Sync>;

/// The rest of a hosted hall node's start (see [`Desk::open_in_background`]).
pub type Starting = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

struct Signed {
    view: SessionView,
    token: String,
    events: tokio::task::JoinHandle<()>,
}

pub struct Desk {
    base: String,
    http: reqwest::Client,
    /// The hall node this PC hosts, once it has started (kept for the life of the desk).
    _hosted: Arc<OnceLock<hall_node::Running>>,
    session: Mutex<Option<Signed>>,
    notify: Notify,
    /// Update reports waiting for a signed-in session to carry them to the hall.
    reports: Mutex<Vec<Value>>,
    /// Where they are kept (`None`: in memory only).
    reports_file: Option<PathBuf>,
    /// One delivery at a time, so none is sent twice or dropped unsent.
    flushing: tokio::sync::Mutex<()>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    eprintln!("hall node unreachable: {e}");
    ApiError::new(ErrorCode::HallUnavailable)
}

impl Desk {
    /// Connects to `YYT_HALL_URL`, or hosts the hall node with its data in `dir`.
    pub async fn open(dir: &Path, notify: Notify) -> Result<Self, String> {
        let (desk, starting) = Self::open_in_background(dir, notify)?;
        starting.await?;
        Ok(desk)
    }

    /// Like [`Desk::open`], but returns as soon as a hosted hall node's port
    /// is bound, with the rest of its start to run (opening and migrating its
    /// database, seeding a demo hall, replaying the day): the app's window
    /// loads meanwhile, and calls made before the node serves wait in the
    /// port's backlog.
    pub fn open_in_background(dir: &Path, notify: Notify) -> Result<(Self, Starting), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Ok(url) = std::env::var(HALL_URL_ENV) {
            let desk = Self::connect(&url, notify).keeping_reports_in(dir);
            return Ok((desk, Box::pin(async { Ok(()) })));
        }
        let listen: SocketAddr = std::env::var(HALL_LISTEN_ENV)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| "127.0.0.1:7400".parse().expect("valid default"));
        let listener = std::net::TcpListener::bind(listen)
            // Another app instance has the port: any free one will do.
            .or_else(|_| std::net::TcpListener::bind("127.0.0.1:0"))
            .map_err(|e| format!("{listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let opts = hall_node::Options {
            db: dir.join("hall.db"),
            listen: addr,
            utc_offset_minutes: hall_node::clock::CST_OFFSET_MINUTES,
            demo: true,
            queue: queue::QueueConfig::demo(),
            province: match (
                std::env::var(PROVINCE_URL_ENV),
                std::env::var(PROVINCE_TOKEN_ENV),
            ) {
                (Ok(url), Ok(token)) => Some(hall_node::uplink::Province { url, token }),
                _ => None,
            },
        };
        let hosted = Arc::new(OnceLock::new());
        let desk =
            Self::remote(format!("http://{addr}"), hosted.clone(), notify).keeping_reports_in(dir);
        let addr_file = dir.join(HALL_ADDR_FILE);
        let starting = async move {
            let running = hall_node::start_on(opts, listener)
                .await
                .map_err(|e| e.to_string())?;
            let _ = std::fs::write(addr_file, running.addr.to_string());
            if let Some(speed) = std::env::var(DEMO_SIM_ENV)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
            {
                // The task runs for the life of the app.
                if let Err(e) =
                    hall_node::sim::run_demo(&running, speed.clamp(1.0, 1000.0), now_ms() as u64)
                        .await
                {
                    eprintln!("the demo simulation cannot start: {e}");
                }
            }
            let _ = hosted.set(running);
            Ok(())
        };
        Ok((desk, Box::pin(starting)))
    }

    /// Keeps undelivered update reports in `dir`, and takes back those a previous run left.
    fn keeping_reports_in(mut self, dir: &Path) -> Self {
        let file = dir.join(REPORTS_FILE);
        let kept: Vec<Value> = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        self.reports = Mutex::new(kept);
        self.reports_file = Some(file);
        self
    }

    /// Writes the queue down (a temporary file renamed over the old one).
    fn keep_reports(&self, reports: &[Value]) {
        let Some(file) = &self.reports_file else {
            return;
        };
        let tmp = file.with_extension("tmp");
        let written = serde_json::to_vec(reports)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, file));
        if let Err(e) = written {
            eprintln!("keeping update reports in {}: {e}", file.display());
        }
    }

    /// A desk working against the hall node at `url` (e.g. `http://10.1.2.3:7400`).
    pub fn connect(url: &str, notify: Notify) -> Self {
        Self::remote(url.trim_end_matches('/').to_owned(), Arc::default(), notify)
    }

    fn remote(base: String, hosted: Arc<OnceLock<hall_node::Running>>, notify: Notify) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            base,
            http,
            _hosted: hosted,
            session: Mutex::new(None),
            notify,
            reports: Mutex::new(Vec::new()),
            reports_file: None,
            flushing: tokio::sync::Mutex::new(()),
        }
    }

    /// The hall node this desk works against (`http://host:port`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether the signed-in clerk has a customer at the counter (called or being served).
    pub async fn serving(&self) -> bool {
        if self.token().is_err() {
            return false;
        }
        match self.me().await {
            Ok(me) => me.counter.is_some_and(|c| c.current.is_some()),
            // Unknown is not "free": do not interrupt a service we cannot see.
            Err(_) => true,
        }
    }

    /// Queues an update report for the hall; it goes with the next signed-in moment.
    pub fn report_update(&self, report: Value) {
        let mut reports = self.reports.lock().unwrap_or_else(|p| p.into_inner());
        reports.push(report);
        self.keep_reports(&reports);
    }

    /// Sends the queued update reports (kept for later if nobody is signed in or the hall is away).
    pub async fn flush_reports(&self) {
        let Ok(token) = self.token() else {
            return;
        };
        let _one_at_a_time = self.flushing.lock().await;
        let queued: Vec<Value> = self
            .reports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if queued.is_empty() {
            return;
        }
        let mut sent_count = 0;
        for r in queued {
            let sent = self
                .http
                .post(format!("{}/api/v1/updates/report", self.base))
                .bearer_auth(&token)
                .json(&r)
                .send()
                .await
                .is_ok_and(|resp| resp.status().is_success());
            if !sent {
                break; // keep the order: the rest goes next time
            }
            sent_count += 1;
        }
        // Reports queued meanwhile stay behind the ones just sent.
        let mut reports = self.reports.lock().unwrap_or_else(|p| p.into_inner());
        let sent_count = sent_count.min(reports.len());
        reports.drain(..sent_count);
        self.keep_reports(&reports);
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T, ApiError> {
        let resp = req.send().await.map_err(unavailable)?;
        let ok = resp.status().is_success();
        let bytes = resp.bytes().await.map_err(unavailable)?;
        if ok {
            return serde_json::from_slice(&bytes).map_err(unavailable);
        }
        Err(serde_json::from_slice::<ApiError>(&bytes)
            .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal)))
    }

    fn token(&self) -> Result<String, ApiError> {
        self.lock()
            .as_ref()
            .map(|s| s.token.clone())
            .ok_or(ApiError::new(ErrorCode::NotSignedIn))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let token = self.token()?;
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let token = self.token()?;
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    pub async fn app_info(&self) -> Result<AppInfo, ApiError> {
        let mut info: AppInfo = self
            .send(self.http.get(format!("{}/api/v1/welcome", self.base)))
            .await?;
        info.version = env!("CARGO_PKG_VERSION").to_owned();
        Ok(info)
    }

    pub async fn login(&self, req: LoginRequest) -> Result<SessionView, ApiError> {
        if req.staff_no.trim().is_empty() {
            return Err(ApiError::new(ErrorCode::StaffNoRequired));
        }
        if domain::StaffNo::parse(&req.staff_no).is_err() {
            return Err(ApiError::new(ErrorCode::StaffNoInvalid));
        }
        if req.password.is_empty() {
            return Err(ApiError::new(ErrorCode::PasswordRequired));
        }
        let reply: SessionReply = self
            .send(
                self.http
                    .post(format!("{}/api/v1/sessions", self.base))
                    .json(&req),
            )
            .await?;
        let view = SessionView {
            staff_no: reply.staff_no,
            name: reply.name,
            role: reply.role,
            hall_code: reply.hall_code,
            hall_name: reply.hall_name,
            signed_in_at_ms: now_ms(),
        };
        let events = tokio::spawn(listen(
            self.base.clone(),
            reply.token.clone(),
            self.notify.clone(),
        ));
        if let Some(old) = self.lock().replace(Signed {
            view: view.clone(),
            token: reply.token,
            events,
        }) {
            old.events.abort();
        }
        self.flush_reports().await;
        Ok(view)
    }

    pub async fn logout(&self) {
        let Some(old) = self.lock().take() else {
            return;
        };
        old.events.abort();
        let _ = self
            .send::<Value>(
                self.http
                    .delete(format!("{}/api/v1/sessions", self.base))
                    .bearer_auth(old.token),
            )
            .await;
    }

    pub fn session(&self) -> Option<SessionView> {
        self.lock().as_ref().map(|s| s.view.clone())
    }

    pub async fn change_password(&self, req: ChangePasswordRequest) -> Result<(), ApiError> {
        self.post::<_, Value>("/api/v1/sessions/password", &req)
            .await
            .map(|_| ())
    }

    pub async fn board(&self) -> Result<BoardView, ApiError> {
        self.get("/api/v1/board").await
    }

    pub async fn me(&self) -> Result<MeView, ApiError> {
        self.get("/api/v1/me").await
    }

    pub async fn counter_act(&self, act: CounterAct) -> Result<(), ApiError> {
        use CounterAction::*;
        let (op, body) = match act.action {
            Open => ("open", json!({})),
            Close => ("close", json!({})),
            Pause { reason } => ("pause", json!({ "reason": reason })),
            Resume => ("resume", json!({})),
            CallNext => ("call-next", json!({})),
            Call { no } => ("call", json!({ "no": no })),
            Recall => ("recall", json!({})),
            NoShow => ("no-show", json!({})),
            Start => ("start", json!({})),
            Finish { handled } => ("finish", json!({ "handled": handled })),
            Transfer {
                to_business,
                to_counter,
                front,
            } => (
                "transfer",
                json!({ "to_business": to_business, "to_counter": to_counter, "front": front }),
            ),
        };
        self.post::<_, Value>(&format!("/api/v1/counters/{}/{op}", act.counter), &body)
            .await
            .map(|_| ())
    }

    /// A supervisor's action, passed to the hall node (which checks the role and the reason).
    pub async fn supervisor_act(&self, act: SupervisorAct) -> Result<SupervisorNotice, ApiError> {
        let reason = act.reason;
        // Ticket numbers go into the path: anything but letters and digits cannot be one.
        let ticket = |no: &str| -> Result<String, ApiError> {
            let no = no.trim();
            if no.is_empty() || !no.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(ApiError::new(ErrorCode::UnknownTicket));
            }
            Ok(no.to_owned())
        };
        match act.action {
            SupervisorAction::Pause { counter } => {
                let path = format!("/api/v1/supervisor/counters/{counter}/pause");
                self.post(&path, &ReasonRequest { reason }).await
            }
            SupervisorAction::Close { counter } => {
                let path = format!("/api/v1/supervisor/counters/{counter}/close");
                self.post(&path, &ReasonRequest { reason }).await
            }
            SupervisorAction::Transfer {
                ticket: no,
                to_business,
                to_counter,
                front,
            } => {
                let path = format!("/api/v1/supervisor/tickets/{}/transfer", ticket(&no)?);
                let body = MoveTicketRequest {
                    to_business,
                    to_counter,
                    front,
                    reason,
                };
                self.post(&path, &body).await
            }
            SupervisorAction::Call {
                ticket: no,
                counter,
            } => {
                let path = format!("/api/v1/supervisor/tickets/{}/call", ticket(&no)?);
                self.post(&path, &CallToCounterRequest { counter, reason })
                    .await
            }
        }
    }

    /// Today's audited supervisor actions.
    pub async fn supervisor_actions(&self) -> Result<Vec<SupervisorNotice>, ApiError> {
        self.get("/api/v1/supervisor/actions").await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Signed>> {
        // A poisoned lock only means another command panicked mid-write of an Option.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Follows the hall's live events until aborted, reconnecting after a loss.
async fn listen(base: String, token: String, notify: Notify) {
    let url = format!(
        "{}/api/v1/events?token={token}",
        base.replacen("http", "ws", 1)
    );
    loop {
        if let Ok((mut ws, _)) = tokio_tungstenite::connect_async(&url).await {
            // Whatever was missed while away: tell the views to refetch.
            notify(WireEvent::Waiting {
                businesses: Vec::new(),
            });
            while let Some(Ok(msg)) = ws.next().await {
                if let Ok(text) = msg.into_text() {
                    if let Ok(event) = serde_json::from_str::<WireEvent>(&text) {
                        notify(event);
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
