//! The desktop's use cases behind the commands: sign in, sign out, change password.
//!
//! Parses raw input into domain values, calls the store, and turns every
//! failure into an `ApiError` a person can read. Internal failures are
//! logged with their cause and shown only as `Internal`.

use domain::{Password, StaffNo};
use ipc::{
    ApiError, AppInfo, ChangePasswordRequest, DemoAccount, ErrorCode, LoginRequest, SessionView,
};
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use store::accounts::{ChangePasswordError, LoginError};
use store::{Store, StoreError};

/// The database file inside the app's data dir.
pub const DB_FILE: &str = "suite.db";

pub struct Desk {
    store: Store,
    session: Mutex<Option<SessionView>>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    eprintln!("internal error: {e}");
    ApiError::new(ErrorCode::Internal)
}

impl Desk {
    /// Opens the local database in `dir`, seeding the demo hall when it is new.
    pub async fn open(dir: &Path) -> Result<Self, StoreError> {
        let store = Store::open(&dir.join(DB_FILE)).await?;
        store.seed_demo_if_empty().await?;
        Ok(Self::new(store))
    }

    pub fn new(store: Store) -> Self {
        Self {
            store,
            session: Mutex::new(None),
        }
    }

    pub async fn app_info(&self) -> Result<AppInfo, ApiError> {
        let hall = self.store.this_hall().await.map_err(internal)?;
        let demo = self.store.is_demo().await.map_err(internal)?;
        let demo_accounts = if demo {
            let unchanged = self
                .store
                .unchanged_password_accounts()
                .await
                .map_err(internal)?;
            store::demo::ACCOUNTS
                .iter()
                .filter_map(|(no, name, role, password)| {
                    let staff_no = StaffNo::parse(no).ok()?;
                    unchanged.contains(&staff_no).then(|| DemoAccount {
                        staff_no,
                        name: (*name).to_owned(),
                        role: *role,
                        password: (*password).to_owned(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            hall_code: hall.code,
            hall_name: hall.name,
            demo,
            demo_accounts,
        })
    }

    pub async fn login(&self, req: LoginRequest) -> Result<SessionView, ApiError> {
        let staff_no = StaffNo::parse(&req.staff_no).map_err(|e| match e {
            domain::ParseError::Empty => ApiError::new(ErrorCode::StaffNoRequired),
            _ => ApiError::new(ErrorCode::StaffNoInvalid),
        })?;
        if req.password.is_empty() {
            return Err(ApiError::new(ErrorCode::PasswordRequired));
        }
        let now = now_ms();
        let account = self
            .store
            .login(&staff_no, &req.password, now)
            .await
            .map_err(|e| match e {
                LoginError::BadCredentials => ApiError::new(ErrorCode::BadCredentials),
                LoginError::Locked { remaining_secs } => {
                    ApiError::with_detail(ErrorCode::AccountLocked, Some(remaining_secs))
                }
                LoginError::Store(e) => internal(e),
            })?;
        let hall = self.store.this_hall().await.map_err(internal)?;
        if account.hall_code != hall.code {
            return Err(ApiError::new(ErrorCode::WrongHall));
        }
        let view = SessionView {
            staff_no: account.staff_no,
            name: account.name.as_str().to_owned(),
            role: account.role,
            hall_code: hall.code,
            hall_name: hall.name,
            signed_in_at_ms: now,
        };
        *self.lock() = Some(view.clone());
        Ok(view)
    }

    pub fn logout(&self) {
        *self.lock() = None;
    }

    pub fn session(&self) -> Option<SessionView> {
        self.lock().clone()
    }

    pub async fn change_password(&self, req: ChangePasswordRequest) -> Result<(), ApiError> {
        let session = self
            .session()
            .ok_or(ApiError::new(ErrorCode::NotSignedIn))?;
        if req.current.is_empty() {
            return Err(ApiError::new(ErrorCode::PasswordRequired));
        }
        let new = Password::parse(&req.new).map_err(ApiError::weak_password)?;
        self.store
            .change_password(&session.staff_no, &req.current, &new, now_ms())
            .await
            .map_err(|e| match e {
                ChangePasswordError::WrongCurrent => ApiError::new(ErrorCode::PasswordWrong),
                ChangePasswordError::Unchanged => ApiError::new(ErrorCode::PasswordUnchanged),
                ChangePasswordError::Store(e) => internal(e),
            })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SessionView>> {
        // A poisoned lock only means another command panicked mid-write of
        // an Option; the value is still whole.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }
}
