//! `PUT /admin/v1/staff/{staff_no}`: maintainers create and update staff accounts, which halls pull.

use super::auth::Maintainer;
use super::edge::{JsonBody, Path};
use super::{body, Answer, Saved};
use crate::error::ProvinceError;
use crate::{db, owned, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::put;
use axum::{Json, Router};
use domain::{HallCode, Password, Role, StaffName, StaffNo};
use serde::Deserialize;
use sync_proto::owned::{values_of, OwnedKind, StaffRecord};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/v1/staff/{staff_no}", put(put_staff))
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffPut {
    name: String,
    role: String,
    hall: String,
    #[serde(default = "yes")]
    active: bool,
    /// Required for a new account; resets the password of an existing one.
    password: Option<String>,
}

/// `PUT /admin/v1/staff/{staff_no}`: creates or updates an account.
async fn put_staff(
    State(s): State<AppState>,
    Path(staff_no): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<Saved> {
    let req: StaffPut = body(&bytes)?;
    let staff_no = StaffNo::parse(&staff_no).map_err(|_| {
        ProvinceError::invalid(
            "工号应为 3–16 位字母或数字",
            "A staff number is 3–16 letters or digits",
        )
    })?;
    let name = StaffName::parse(&req.name)
        .map_err(|_| ProvinceError::invalid("姓名不符合要求", "The name is not valid"))?;
    let role = Role::parse(&req.role).map_err(|_| {
        ProvinceError::invalid(
            "角色应为 clerk、supervisor 或 emergency",
            "The role is clerk, supervisor or emergency",
        )
    })?;
    let hall = HallCode::parse(&req.hall).map_err(|_| {
        ProvinceError::invalid("营业厅编码不符合要求", "The hall code is not valid")
    })?;
    if db::halls::name(&s.pool, hall.as_str()).await?.is_none() {
        return Err(ProvinceError::invalid(
            format!("营业厅 {} 不存在", hall.as_str()),
            format!("There is no hall {}", hall.as_str()),
        ));
    }
    let mut tx = s.pool.begin().await?;
    let existing = db::owned::load(&mut tx, OwnedKind::Staff.as_str(), staff_no.as_str()).await?;
    tx.rollback().await?;
    if let Some((scope, _)) = &existing {
        if scope != hall.as_str() {
            return Err(ProvinceError::new(
                StatusCode::CONFLICT,
                "staff_elsewhere",
                format!("工号 {} 属于营业厅 {scope}；调岗请先在原营业厅停用该账号，再建立新工号", staff_no.as_str()),
                format!("Staff {} belongs to hall {scope}; to move them, deactivate this account and create a new one", staff_no.as_str()),
            ));
        }
    }
    let password_hash = match (&req.password, &existing) {
        (Some(p), _) => {
            let p = Password::parse(p).map_err(|_| {
                ProvinceError::invalid(
                    "密码应为 8–64 位，同时含数字和其他字符",
                    "A password is 8–64 characters with digits and other characters",
                )
            })?;
            Some(hash(p).await?)
        }
        (None, None) => {
            return Err(ProvinceError::invalid(
                "新账号需要初始密码",
                "A new account needs an initial password",
            ))
        }
        (None, Some(_)) => None,
    };
    let record = StaffRecord {
        name: name.as_str().to_owned(),
        role: role.code().to_owned(),
        hall: hall.as_str().to_owned(),
        active: req.active,
        password_hash,
    };
    let changed = owned::put(
        &s,
        OwnedKind::Staff,
        staff_no.as_str(),
        hall.as_str(),
        values_of(&record),
    )
    .await?;
    Ok(Json(Saved { changed }))
}

async fn hash(p: Password) -> Result<String, ProvinceError> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default()
            .hash_password(p.expose().as_bytes(), &SaltString::generate(&mut OsRng))
            .map(|h| h.to_string())
            .ok()
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(|| ProvinceError::internal("password hashing failed"))
}
