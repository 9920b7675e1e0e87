//! The desktop's use cases: sign in, counter work and boards, all through the hall node.
//!
//! The hall node owns accounts and the queue. By default this PC hosts it
//! in-process (a one-PC hall, and the demo; see [`hosted`]); `YYT_HALL_URL`
//! points the app at a hall node elsewhere on the hall LAN instead. The parts:
//! the node's HTTP client ([`client`]), the signed-in session ([`session`]),
//! its live events ([`events`]) and the outbox of update reports ([`outbox`]).

mod client;
mod emergency;
mod events;
mod hosted;
mod outbox;
mod programs;
mod session;
mod video;

pub use events::Notify;
pub use hosted::{
    Starting, DEMO_CAMERAS_ENV, DEMO_SIM_ENV, HALL_ADDR_FILE, HALL_LISTEN_ENV, PROVINCE_TOKEN_ENV,
    PROVINCE_URL_ENV,
};
pub use outbox::DESK_DB;

use client::HallClient;
use ipc::devices::{
    AddDeviceReply, AddDeviceRequest, Alarm, AlarmAct, AlarmActKind, AlarmsQuery, AssignRequest,
    Command, DeviceCommandAct, DeviceId, DeviceView, MaintenanceAct, MetricSample, NoteRequest,
    MAX_ALARMS_PAGE,
};
use ipc::hall::{
    BoardView, CallTicketRequest, CallToCounterRequest, Empty, FinishRequest, MeView,
    MoveTicketRequest, PauseRequest, ReasonRequest, SessionReply, SupervisorNotice,
    TransferRequest, UpdateReport,
};
use ipc::{
    ApiError, AppInfo, ChangePasswordRequest, CounterAct, CounterAction, ErrorCode, LoginRequest,
    SessionView, SupervisorAct, SupervisorAction,
};
use outbox::Outbox;
use serde::Serialize;
use session::Session;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the app finds a hall node on the LAN (otherwise it hosts one).
pub const HALL_URL_ENV: &str = "YYT_HALL_URL";

pub struct Desk {
    hall: HallClient,
    /// The hall node this PC hosts, once it has started (kept for the life of the desk).
    _hosted: Arc<OnceLock<hall_node::Running>>,
    session: Session,
    notify: Notify,
    /// Update reports waiting for a signed-in session to carry them to the hall.
    outbox: Outbox,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
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
        let outbox = Outbox::in_dir(dir);
        if let Ok(url) = std::env::var(HALL_URL_ENV) {
            let desk = Self::new(&url, Arc::default(), notify, outbox);
            return Ok((desk, Box::pin(async { Ok(()) })));
        }
        let hosting = hosted::host(dir)?;
        let desk = Self::new(&hosting.base, hosting.node, notify, outbox);
        Ok((desk, hosting.starting))
    }

    /// A desk working against the hall node at `url` (e.g. `http://10.1.2.3:7400`),
    /// its update reports kept in memory.
    pub fn connect(url: &str, notify: Notify) -> Self {
        Self::new(url, Arc::default(), notify, Outbox::in_memory())
    }

    fn new(
        url: &str,
        hosted: Arc<OnceLock<hall_node::Running>>,
        notify: Notify,
        outbox: Outbox,
    ) -> Self {
        Self {
            hall: HallClient::new(url.trim_end_matches('/').to_owned()),
            _hosted: hosted,
            session: Session::default(),
            notify,
            outbox,
        }
    }

    /// The hall node this desk works against (`http://host:port`).
    pub fn base(&self) -> &str {
        self.hall.base()
    }

    /// Whether the signed-in clerk has a customer at the counter (called or being served).
    pub async fn serving(&self) -> bool {
        if self.session.token().is_err() {
            return false;
        }
        match self.me().await {
            Ok(me) => me.counter.is_some_and(|c| c.current.is_some()),
            // Unknown is not "free": do not interrupt a service we cannot see.
            Err(_) => true,
        }
    }

    /// Queues an update report for the hall; it goes with the next signed-in moment.
    pub async fn report_update(&self, report: UpdateReport) {
        self.outbox.queue(&report).await;
    }

    /// Sends the queued update reports (kept for later if nobody is signed in or the hall is away).
    pub async fn flush_reports(&self) {
        let Ok(token) = self.session.token() else {
            return;
        };
        let (hall, token) = (&self.hall, token.as_str());
        self.outbox
            .deliver(|report| async move {
                hall.post::<_, Empty>("/api/v1/updates/report", Some(token), &report)
                    .await
                    .is_ok()
            })
            .await;
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let token = self.session.token()?;
        self.hall.get(path, Some(&token)).await
    }

    async fn post<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let token = self.session.token()?;
        self.hall.post(path, Some(&token), body).await
    }

    pub async fn app_info(&self) -> Result<AppInfo, ApiError> {
        let mut info: AppInfo = self.hall.get("/api/v1/welcome", None).await?;
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
        let reply: SessionReply = self.hall.post("/api/v1/sessions", None, &req).await?;
        let view = SessionView {
            staff_no: reply.staff_no,
            name: reply.name,
            role: reply.role,
            hall_code: reply.hall_code,
            hall_name: reply.hall_name,
            signed_in_at_ms: now_ms(),
        };
        let events = events::follow(self.base(), &reply.token, self.notify.clone());
        self.session.begin(view.clone(), reply.token, events);
        self.flush_reports().await;
        Ok(view)
    }

    pub async fn logout(&self) {
        let Some(token) = self.session.end() else {
            return;
        };
        // Signed out here whatever the hall answers; it forgets the token at the latest when it expires.
        let _ = self.hall.delete::<Empty>("/api/v1/sessions", &token).await;
    }

    pub fn session(&self) -> Option<SessionView> {
        self.session.view()
    }

    pub async fn change_password(&self, req: ChangePasswordRequest) -> Result<(), ApiError> {
        self.post::<_, Empty>("/api/v1/sessions/password", &req)
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
        let counter = act.counter;
        let at = |op: &str| format!("/api/v1/counters/{counter}/{op}");
        // The answer (`CounterReply`, what the action made happen) is not
        // needed here: the views refetch on the live events it causes.
        let done = |r: Result<Empty, ApiError>| r.map(|_| ());
        use CounterAction::*;
        match act.action {
            Open => done(self.post(&at("open"), &Empty {}).await),
            Close => done(self.post(&at("close"), &Empty {}).await),
            Pause { reason } => done(self.post(&at("pause"), &PauseRequest { reason }).await),
            Resume => done(self.post(&at("resume"), &Empty {}).await),
            CallNext => done(self.post(&at("call-next"), &Empty {}).await),
            Call { no } => done(self.post(&at("call"), &CallTicketRequest { no }).await),
            Recall => done(self.post(&at("recall"), &Empty {}).await),
            NoShow => done(self.post(&at("no-show"), &Empty {}).await),
            Start => done(self.post(&at("start"), &Empty {}).await),
            Finish { handled } => done(self.post(&at("finish"), &FinishRequest { handled }).await),
            Transfer {
                to_business,
                to_counter,
                front,
            } => {
                let body = TransferRequest {
                    to_business,
                    to_counter,
                    front,
                };
                done(self.post(&at("transfer"), &body).await)
            }
        }
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

    pub async fn devices(&self) -> Result<Vec<DeviceView>, ApiError> {
        self.get("/api/v1/devices").await
    }

    pub async fn alarms(&self, q: AlarmsQuery) -> Result<Vec<Alarm>, ApiError> {
        let state = if q.state.as_deref() == Some("all") {
            "all"
        } else {
            "open"
        };
        let limit = q.limit.unwrap_or(100).clamp(1, MAX_ALARMS_PAGE);
        self.get(&format!("/api/v1/alarms?state={state}&limit={limit}"))
            .await
    }

    /// Acknowledges, assigns or clears an alarm (the hall node checks the role and the note).
    pub async fn alarm_act(&self, act: AlarmAct) -> Result<Alarm, ApiError> {
        let at = |what: &str| format!("/api/v1/alarms/{}/{what}", act.id);
        match act.act {
            AlarmActKind::Acknowledge { note } => {
                self.post(&at("ack"), &NoteRequest { note }).await
            }
            AlarmActKind::Assign { to } => self.post(&at("assign"), &AssignRequest { to }).await,
            AlarmActKind::Clear { note } => self.post(&at("clear"), &NoteRequest { note }).await,
        }
    }

    pub async fn device_metrics(&self, device: String) -> Result<Vec<MetricSample>, ApiError> {
        let id = DeviceId::parse(device.trim())
            .map_err(|_| ApiError::new(ErrorCode::DeviceIdInvalid))?;
        self.get(&format!("/api/v1/devices/{id}/metrics")).await
    }

    pub async fn device_maintenance(&self, act: MaintenanceAct) -> Result<DeviceView, ApiError> {
        // The id goes into the path: only a well-formed one may.
        let id = DeviceId::parse(act.device.trim())
            .map_err(|_| ApiError::new(ErrorCode::DeviceIdInvalid))?;
        let path = format!("/api/v1/devices/{id}/maintenance");
        match act.start {
            Some(req) => self.post(&path, &req).await,
            None => {
                let token = self.session.token()?;
                self.hall.delete(&path, &token).await
            }
        }
    }

    /// Sends a control command to a device (the hall node decides when it may go out).
    pub async fn device_command(&self, act: DeviceCommandAct) -> Result<Command, ApiError> {
        let id = DeviceId::parse(act.device.trim())
            .map_err(|_| ApiError::new(ErrorCode::DeviceIdInvalid))?;
        self.post(&format!("/api/v1/devices/{id}/commands"), &act.request)
            .await
    }

    /// A device's command log, newest first.
    pub async fn device_commands(&self, device: String) -> Result<Vec<Command>, ApiError> {
        let id = DeviceId::parse(device.trim())
            .map_err(|_| ApiError::new(ErrorCode::DeviceIdInvalid))?;
        self.get(&format!("/api/v1/devices/{id}/commands")).await
    }

    /// Registers a device; the answer carries its credential, shown once.
    pub async fn device_add(&self, req: AddDeviceRequest) -> Result<AddDeviceReply, ApiError> {
        self.post("/api/v1/devices", &req).await
    }

    /// Revokes a device's credential.
    pub async fn device_revoke(&self, device: String) -> Result<DeviceView, ApiError> {
        let id = DeviceId::parse(device.trim())
            .map_err(|_| ApiError::new(ErrorCode::DeviceIdInvalid))?;
        self.post(&format!("/api/v1/devices/{id}/revoke"), &Empty {})
            .await
    }
}
