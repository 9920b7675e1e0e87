//! The hall API's one error type: each case maps to an HTTP status and a `{code, message}` body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ipc::{ApiError, ErrorCode};
use queue::QueueError;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum HallError {
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// Input that could not be accepted, with the reason.
    #[error("bad input: {1:?}")]
    Input(StatusCode, ErrorCode),
    #[error("queue refused: {0:?}")]
    Queue(QueueError),
    /// Too many wrong passwords; locked for this many seconds.
    #[error("account locked")]
    Locked(u64),
    #[error("unavailable")]
    Unavailable,
    #[error("internal: {0}")]
    Internal(String),
}

impl HallError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    pub fn bad(code: ErrorCode) -> Self {
        Self::Input(StatusCode::UNPROCESSABLE_ENTITY, code)
    }

    fn parts(&self) -> (StatusCode, ErrorCode) {
        use ErrorCode as C;
        match self {
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, C::Unauthorized),
            Self::Forbidden => (StatusCode::FORBIDDEN, C::Forbidden),
            Self::Input(status, code) => (*status, *code),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, C::HallUnavailable),
            Self::Locked(_) => (StatusCode::TOO_MANY_REQUESTS, C::AccountLocked),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, C::Internal),
            Self::Queue(e) => {
                let conflict = |c| (StatusCode::CONFLICT, c);
                match e {
                    QueueError::UnknownBusiness(_) => {
                        (StatusCode::UNPROCESSABLE_ENTITY, C::UnknownBusiness)
                    }
                    QueueError::UnknownPriority(_) => {
                        (StatusCode::UNPROCESSABLE_ENTITY, C::UnknownPriority)
                    }
                    QueueError::SameBusiness => (StatusCode::UNPROCESSABLE_ENTITY, C::SameBusiness),
                    QueueError::UnknownCounter(_) => (StatusCode::NOT_FOUND, C::UnknownCounter),
                    QueueError::UnknownTicket(_) => (StatusCode::NOT_FOUND, C::UnknownTicket),
                    QueueError::DayClosed => conflict(C::DayClosed),
                    QueueError::CounterNotOpen(_) => conflict(C::CounterNotOpen),
                    QueueError::CounterBusy(_) => conflict(C::CounterBusy),
                    QueueError::CounterOpenedByOther(_) => conflict(C::CounterTaken),
                    QueueError::StaffAtAnotherCounter(_) => conflict(C::StaffAtAnotherCounter),
                    QueueError::NothingWaiting => conflict(C::NothingWaiting),
                    QueueError::NotWaiting(_) => conflict(C::AlreadyCalled),
                    QueueError::NotYourSkill { .. } => conflict(C::NotYourSkill),
                    QueueError::ReservedForCounter { .. } => conflict(C::ReservedForCounter),
                    QueueError::NoCurrentTicket(_) => conflict(C::NoCurrentTicket),
                    QueueError::NotCalled(_) => conflict(C::NotCalled),
                    QueueError::NotServing(_) => conflict(C::NotServing),
                    QueueError::RecallLimit { .. } => conflict(C::RecallLimit),
                    QueueError::NotFinished(_) => conflict(C::NotFinished),
                    QueueError::AlreadyRated(_) => conflict(C::AlreadyRated),
                    QueueError::DayNotClosed | QueueError::DayNotNewer { .. } => {
                        (StatusCode::INTERNAL_SERVER_ERROR, C::Internal)
                    }
                }
            }
        }
    }

    /// The body a client gets.
    pub fn api_error(&self) -> ApiError {
        let detail = match self {
            Self::Locked(secs) => Some(*secs),
            _ => None,
        };
        ApiError::with_detail(self.parts().1, detail)
    }
}

impl From<QueueError> for HallError {
    fn from(e: QueueError) -> Self {
        Self::Queue(e)
    }
}

impl From<StoreError> for HallError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl IntoResponse for HallError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "hall node: internal error");
        }
        (self.parts().0, Json(self.api_error())).into_response()
    }
}

impl From<devices::RegistryError> for HallError {
    fn from(e: devices::RegistryError) -> Self {
        use devices::RegistryError as R;
        use ErrorCode as C;
        let unprocessable = |c| Self::Input(StatusCode::UNPROCESSABLE_ENTITY, c);
        match e {
            R::BadId(_) => unprocessable(C::DeviceIdInvalid),
            R::BadName | R::OffPlan | R::Counter | R::TooManyDependencies => {
                unprocessable(C::DeviceInvalid)
            }
            R::Duplicate(_) => Self::Input(StatusCode::CONFLICT, C::DeviceExists),
            R::UnknownDependency(_) => unprocessable(C::UnknownDependency),
            R::Cycle(_) => unprocessable(C::DependencyCycle),
            R::Full => Self::Input(StatusCode::CONFLICT, C::RegistryFull),
            R::Unknown(_) => Self::Input(StatusCode::NOT_FOUND, C::UnknownDevice),
            R::HasDependants(_) => Self::Input(StatusCode::CONFLICT, C::DeviceHasDependants),
        }
    }
}

impl From<devices::AlarmError> for HallError {
    fn from(e: devices::AlarmError) -> Self {
        use devices::AlarmError as A;
        use ErrorCode as C;
        match e {
            A::Unknown(_) => Self::Input(StatusCode::NOT_FOUND, C::UnknownAlarm),
            A::NotOpen(_) => Self::Input(StatusCode::CONFLICT, C::AlarmNotOpen),
            A::AlreadyAcknowledged(_) => {
                Self::Input(StatusCode::CONFLICT, C::AlarmAlreadyAcknowledged)
            }
            A::BadNote => Self::Input(StatusCode::UNPROCESSABLE_ENTITY, C::NoteInvalid),
        }
    }
}

impl From<devices::command::CommandError> for HallError {
    fn from(e: devices::command::CommandError) -> Self {
        use devices::command::CommandError as E;
        use ErrorCode as C;
        let unprocessable = |c| Self::Input(StatusCode::UNPROCESSABLE_ENTITY, c);
        match e {
            E::NotFor(_) => unprocessable(C::CommandNotForDevice),
            E::BadMessage | E::BadTtl | E::NotFed(_) => unprocessable(C::CommandInvalid),
            E::Busy(_) => Self::Input(StatusCode::CONFLICT, C::CommandUnderWay),
            E::Unknown(_) => Self::Input(StatusCode::NOT_FOUND, C::UnknownCommand),
        }
    }
}
