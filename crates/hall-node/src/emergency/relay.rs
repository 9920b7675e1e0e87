//! A planner's plan, relayed to the province: the desktop talks only to its hall, so the hall carries a planner's publication or withdrawal up with its own token and says who it is for.
//!
//! The province decides (it knows who is a planner, and checks the plan
//! against its catalogue); the plan then comes back down the owned feed to
//! every hall it is for, this one included. Nothing is kept here: with the
//! province away the planner is told so and the editor keeps the draft.

use crate::error::HallError;
use crate::uplink::Province;
use axum::http::StatusCode;
use ipc::emergency::{PlanDraft, PlanPublished};
use ipc::ErrorCode;
use serde::de::DeserializeOwned;
use std::time::Duration;
use sync_proto::owned::{PublishedPlan, RelayedPlan, RelayedWithdrawal, Withdrawn};
use sync_proto::ProvinceRefusal;

/// How long the province has to answer a relayed plan (within the desktop's 10 s).
const TIMEOUT: Duration = Duration::from_secs(8);

/// Publishes `draft` as plan `id` for the planner `by`.
pub async fn publish(
    http: &reqwest::Client,
    province: Option<&Province>,
    by: &str,
    id: &str,
    draft: PlanDraft,
) -> Result<PlanPublished, HallError> {
    let province = province.ok_or(no_province())?;
    let body = RelayedPlan {
        by: by.to_owned(),
        plan: draft.plan,
        halls: draft.halls,
    };
    let request = http.put(url(province, &format!("/sync/v1/plans/{}", segment(id)?)));
    let p: PublishedPlan = send(request.bearer_auth(&province.token).json(&body)).await?;
    Ok(PlanPublished {
        plan: p.plan.id,
        halls: p.halls,
        withdrawn: p.withdrawn,
        at: p.updated_at_ms,
    })
}

/// Withdraws plan `id` from every hall it was for, for the planner `by`.
pub async fn withdraw(
    http: &reqwest::Client,
    province: Option<&Province>,
    by: &str,
    id: &str,
    now: i64,
) -> Result<PlanPublished, HallError> {
    let province = province.ok_or(no_province())?;
    let body = RelayedWithdrawal { by: by.to_owned() };
    let path = format!("/sync/v1/plans/{}/withdraw", segment(id)?);
    let request = http.post(url(province, &path));
    let w: Withdrawn = send(request.bearer_auth(&province.token).json(&body)).await?;
    Ok(PlanPublished {
        plan: w.id,
        halls: None,
        withdrawn: w.withdrawn,
        at: now,
    })
}

fn no_province() -> HallError {
    HallError::Input(StatusCode::CONFLICT, ErrorCode::NoProvince)
}

fn url(province: &Province, path: &str) -> String {
    format!("{}{path}", province.url.trim_end_matches('/'))
}

/// A plan id as one path segment (the province checks it fully): refused
/// here when it could not be one.
fn segment(id: &str) -> Result<&str, HallError> {
    ::emergency::plan::id_ok(id)
        .then_some(id)
        .ok_or(HallError::bad(ErrorCode::PlanInvalid))
}

/// Sends the request and reads the province's answer, or its refusal in the hall's terms.
async fn send<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> Result<T, HallError> {
    let reply = request.timeout(TIMEOUT).send().await.map_err(|_| {
        HallError::Input(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ProvinceUnreachable,
        )
    })?;
    let status = reply.status();
    let text = reply.text().await.map_err(|_| {
        HallError::Input(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ProvinceUnreachable,
        )
    })?;
    if status.is_success() {
        return serde_json::from_str(&text).map_err(HallError::internal);
    }
    let refusal: ProvinceRefusal = serde_json::from_str(&text)
        .map_err(|_| HallError::internal(format!("the province answered {status}: {text:.200}")))?;
    Err(refused(status, &refusal))
}

/// The province's refusal as the hall's own (the cause of one a person cannot fix goes to the log).
fn refused(status: StatusCode, r: &ProvinceRefusal) -> HallError {
    match r.code.as_str() {
        "invalid_plan" | "invalid" => HallError::bad(ErrorCode::PlanInvalid),
        "no_hall" => HallError::bad(ErrorCode::UnknownHall),
        "not_planner" => HallError::Forbidden,
        "no_plan" => HallError::Input(StatusCode::NOT_FOUND, ErrorCode::UnknownPlan),
        _ => HallError::internal(format!(
            "the province refused a relayed plan: {status} {} {}",
            r.code, r.message_en
        )),
    }
}
