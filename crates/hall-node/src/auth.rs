//! Who is calling: a staff session or a hall device, from the bearer token.

use crate::error::HallError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use domain::Role;
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

impl FromRequestParts<AppState> for Caller {
    type Rejection = HallError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HallError> {
        let token = token_of(&parts.headers, &parts.uri)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or(HallError::Unauthorized)?;
        if let Some(account) = state
            .store
            .session_account(&token, state.clock.now())
            .await?
        {
            if account.hall_code != state.hall.code {
                return Err(HallError::Forbidden);
            }
            return Ok(Caller::Staff(account));
        }
        if let Some(device) = state.store.device_by_token(&token).await? {
            return Ok(Caller::Device(device));
        }
        Err(HallError::Unauthorized)
    }
}
