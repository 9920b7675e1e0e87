//! Who is calling: a staff session or a hall device, from the bearer token.

use crate::error::HallError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use domain::Role;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use store::accounts::Account;
use store::hall::{Device, DeviceKind};

#[derive(Debug, Clone)]
pub enum Caller {
    Staff(Account),
    Device(Device),
}

impl Caller {
    pub fn staff(&self) -> Result<&Account, HallError> {
        match self {
            Caller::Staff(a) => Ok(a),
            Caller::Device(_) => Err(HallError::Forbidden),
        }
    }

    pub fn clerk(&self) -> Result<&Account, HallError> {
        let a = self.staff()?;
        if a.role == Role::Clerk {
            Ok(a)
        } else {
            Err(HallError::Forbidden)
        }
    }

    pub fn supervisor(&self) -> Result<&Account, HallError> {
        let a = self.staff()?;
        if a.role == Role::Supervisor {
            Ok(a)
        } else {
            Err(HallError::Forbidden)
        }
    }

    pub fn device(&self, kind: DeviceKind) -> Result<&Device, HallError> {
        match self {
            Caller::Device(d) if d.kind == kind => Ok(d),
            _ => Err(HallError::Forbidden),
        }
    }
}

/// The token from `Authorization: Bearer …`, or `?token=…` where headers cannot be set.
pub fn token_of(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    if let Some(v) = headers.get(axum::http::header::AUTHORIZATION) {
        return v
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")
            .map(|t| t.trim().to_owned());
    }
    uri.query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(str::to_owned)
}

/// How long an authenticated token is trusted without asking the database again.
const CACHE_MS: i64 = 60_000;

/// Recently authenticated tokens, so a busy counter does not cost a query per request.
#[derive(Clone, Default)]
pub struct CallerCache(Arc<Mutex<HashMap<String, (Caller, i64)>>>);

impl CallerCache {
    fn get(&self, token: &str, now: i64) -> Option<Caller> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(token)
            .filter(|(_, until)| *until > now)
            .map(|(c, _)| c.clone())
    }

    fn put(&self, token: String, caller: Caller, now: i64) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (_, until)| *until > now);
        }
        map.insert(token, (caller, now + CACHE_MS));
    }

    /// Forgets every token of device `id` at once (its credential was revoked).
    pub fn forget_device(&self, id: &str) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, (c, _)| !matches!(c, Caller::Device(d) if d.id == id));
    }

    /// Forgets a token at once (sign-out).
    pub fn forget(&self, token: &str) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = HallError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HallError> {
        let token = token_of(&parts.headers, &parts.uri)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or(HallError::Unauthorized)?;
        let now = state.clock.now();
        if let Some(caller) = state.callers.get(&token, now) {
            return Ok(caller);
        }
        let caller = authenticate(state, &token, now).await?;
        state.callers.put(token, caller.clone(), now);
        Ok(caller)
    }
}

async fn authenticate(state: &AppState, token: &str, now: i64) -> Result<Caller, HallError> {
    if let Some(account) = state.store.session_account(token, now).await? {
        if account.hall_code != state.hall.code {
            return Err(HallError::Forbidden);
        }
        return Ok(Caller::Staff(account));
    }
    if let Some(device) = state.store.device_by_token(token).await? {
        return Ok(Caller::Device(device));
    }
    Err(HallError::Unauthorized)
}
