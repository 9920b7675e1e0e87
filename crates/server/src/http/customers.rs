//! `POST /sync/v1/customers/pull` and `GET /sync/v1/customers/{account}` (hall token): a hall's area of customer records page by page, and one account from outside its area; `GET /admin/v1/customers/{account}` and `/admin/v1/halls/{code}/customer-access` (maintainer token): one account as the province holds it, and who looked at whom at a hall.

use super::auth::{Hall, Maintainer};
use super::edge::{JsonBody, Path};
use super::{body, Answer};
use crate::error::ProvinceError;
use crate::{db, now_ms, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use customer::AccountNo;
use sync_proto::customers::{
    AccountCopy, CustomerAccessLine, CustomerPage, CustomerPull, MAX_PAGE,
};
use sync_proto::owned::{self, HallSetup, OwnedKind};

pub fn router() -> Router<AppState> {
    Router::new()
        // A page of households is repetitive JSON: gzip (when the hall
        // accepts it) makes it several times smaller on the wire.
        .route(
            "/sync/v1/customers/pull",
            post(pull).layer(tower_http::compression::CompressionLayer::new()),
        )
        .route("/sync/v1/customers/{account}", get(hall_lookup))
        .route("/admin/v1/customers/{account}", get(admin_lookup))
        .route("/admin/v1/halls/{code}/customer-access", get(access))
}

/// The newest lines a maintainer gets of a hall's customer audit.
const ACCESS_LINES: u32 = 500;

/// `?account=` narrows the audit to one customer's account.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessQuery {
    #[serde(default)]
    account: Option<String>,
}

/// `GET /admin/v1/halls/{code}/customer-access[?account=]`: who looked at
/// whom at a hall, newest first (at most 500 lines).
async fn access(
    State(s): State<AppState>,
    _: Maintainer,
    Path(code): Path<String>,
    query: Result<Query<AccessQuery>, QueryRejection>,
) -> Answer<Vec<CustomerAccessLine>> {
    let Query(q) = query.map_err(|e| {
        ProvinceError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("查询参数无法识别（只接受 account）：{e}"),
            format!("The query is not understood (only account): {e}"),
        )
    })?;
    let account = q.account.as_deref().map(account_no).transpose()?;
    if db::halls::name(&s.pool, &code).await?.is_none() {
        return Err(ProvinceError::unknown_hall(&sync_proto::limits::shown(
            &code,
        )));
    }
    let account = account.map(|a| a.to_string());
    db::customers::accesses(&s.pool, &code, account.as_deref(), ACCESS_LINES)
        .await
        .map(Json)
        .map_err(Into::into)
}

/// An account number, or 422 `account_no_invalid` with the reason.
fn account_no(raw: &str) -> Result<AccountNo, ProvinceError> {
    AccountNo::parse(raw).map_err(|e| {
        ProvinceError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "account_no_invalid",
            e.to_string(),
            e.en(),
        )
    })
}

/// The area of `hall`'s set-up, if it has one.
async fn area_of(s: &AppState, hall: &str) -> Result<Option<String>, ProvinceError> {
    let mut tx = s.pool.begin().await?;
    let setup = db::owned::load(&mut tx, OwnedKind::Hall.as_str(), hall).await?;
    tx.commit().await?;
    Ok(setup
        .and_then(|(_, fields)| owned::read::<HallSetup>(&fields).ok())
        .and_then(|h| h.area))
}

fn copy(row: db::customers::StoredAccount) -> Result<AccountCopy, ProvinceError> {
    Ok(AccountCopy {
        version: row.version,
        household: serde_json::from_str(&row.body).map_err(ProvinceError::internal)?,
    })
}

/// `POST /sync/v1/customers/pull`: the accounts of the caller's area changed after `since`.
async fn pull(
    State(s): State<AppState>,
    Hall(hall): Hall,
    bytes: JsonBody,
) -> Answer<CustomerPage> {
    let req: CustomerPull = body(&bytes)?;
    if let Err(r) = sync_proto::check_version(req.version) {
        return Err(ProvinceError::new(
            StatusCode::CONFLICT,
            "update_required",
            "营业厅软件版本过旧，请先升级",
            format!("The hall's software is too old for this province: {r:?}"),
        ));
    }
    if req.limit == 0 || req.limit > MAX_PAGE || req.since < 0 {
        return Err(ProvinceError::invalid(
            format!("每页 1–{MAX_PAGE} 户，起点不能为负"),
            format!("A page is 1–{MAX_PAGE} accounts and starts at 0 or later"),
        ));
    }
    let at_ms = now_ms();
    let Some(area) = area_of(&s, &hall).await? else {
        return Ok(Json(CustomerPage {
            area: None,
            accounts: Vec::new(),
            next: req.since,
            more: false,
            at_ms,
        }));
    };
    // One more than asked says whether more wait.
    let mut rows = db::customers::page(&s.pool, &area, req.since, i64::from(req.limit) + 1).await?;
    let more = rows.len() > req.limit as usize;
    rows.truncate(req.limit as usize);
    let accounts = rows.into_iter().map(copy).collect::<Result<Vec<_>, _>>()?;
    let next = accounts.last().map_or(req.since, |a| a.version);
    Ok(Json(CustomerPage {
        area: Some(area),
        accounts,
        next,
        more,
        at_ms,
    }))
}

async fn lookup(s: &AppState, raw: &str) -> Result<AccountCopy, ProvinceError> {
    let no = account_no(raw)?;
    let row = db::customers::account(&s.pool, &no.to_string())
        .await?
        .ok_or_else(|| {
            ProvinceError::new(
                StatusCode::NOT_FOUND,
                "no_customer",
                format!("省公司没有户号 {no}"),
                format!("The province has no account {no}"),
            )
        })?;
    copy(row)
}

/// `GET /sync/v1/customers/{account}`: one account for a hall (a customer from outside its area).
async fn hall_lookup(
    State(s): State<AppState>,
    Hall(_): Hall,
    Path(account): Path<String>,
) -> Answer<AccountCopy> {
    lookup(&s, &account).await.map(Json)
}

/// `GET /admin/v1/customers/{account}`: one account as the province holds it.
async fn admin_lookup(
    State(s): State<AppState>,
    _: Maintainer,
    Path(account): Path<String>,
) -> Answer<AccountCopy> {
    lookup(&s, &account).await.map(Json)
}
