//! `PUT /admin/v1/businesses/{code}` and `PUT /admin/v1/priorities/{code}`: the province-wide catalogue halls pull.

use super::auth::Maintainer;
use super::edge::{JsonBody, Path};
use super::{body, text, Answer, Saved};
use crate::error::ProvinceError;
use crate::{owned, AppState};
use axum::extract::State;
use axum::routing::put;
use axum::{Json, Router};
use serde::Deserialize;
use sync_proto::owned::{values_of, BusinessRecord, OwnedKind, PriorityRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/businesses/{code}", put(put_business))
        .route("/admin/v1/priorities/{code}", put(put_priority))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BusinessPut {
    name_zh: String,
    name_en: String,
    default_service_secs: u32,
}

/// `PUT /admin/v1/businesses/{code}`: a business type of the province's catalogue.
async fn put_business(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<Saved> {
    let req: BusinessPut = body(&bytes)?;
    if !(code.len() == 1 && code.chars().all(|c| c.is_ascii_uppercase())) {
        return Err(ProvinceError::invalid(
            "业务编码为一个大写字母（A–Z）",
            "A business code is one capital letter (A–Z)",
        ));
    }
    if !(30..=7200).contains(&req.default_service_secs) {
        return Err(ProvinceError::invalid(
            "默认办理时长应在 30–7200 秒之间",
            "The default service time is 30–7200 s",
        ));
    }
    let record = BusinessRecord {
        name_zh: text("中文名称", &req.name_zh, 20)?,
        name_en: text("English name", &req.name_en, 40)?,
        default_service_secs: req.default_service_secs,
    };
    let changed = owned::put(&s, OwnedKind::Business, &code, "*", values_of(&record)).await?;
    Ok(Json(Saved { changed }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorityPut {
    name_zh: String,
    name_en: String,
    weight: u32,
}

/// `PUT /admin/v1/priorities/{code}`: a priority class (`normal` must exist for halls to use the catalogue).
async fn put_priority(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<Saved> {
    let req: PriorityPut = body(&bytes)?;
    if code.is_empty()
        || code.len() > 20
        || !code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        return Err(ProvinceError::invalid(
            "优先级编码为 1–20 个小写字母或下划线",
            "A priority code is 1–20 lowercase letters or underscores",
        ));
    }
    if req.weight > 1000 {
        return Err(ProvinceError::invalid(
            "权重应在 0–1000 之间",
            "The weight is 0–1000",
        ));
    }
    let record = PriorityRecord {
        name_zh: text("中文名称", &req.name_zh, 20)?,
        name_en: text("English name", &req.name_en, 40)?,
        weight: req.weight,
    };
    let changed = owned::put(&s, OwnedKind::Priority, &code, "*", values_of(&record)).await?;
    Ok(Json(Saved { changed }))
}
