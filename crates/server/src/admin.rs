//! The maintainers' API: edit what the province owns, and watch every hall's replication.
//!
//! Every call needs a maintainer token (`province-server --add-maintainer NAME`).
//! Input is checked before anything is written; a refusal says why in
//! Chinese and English and changes nothing.

use crate::edge::{JsonBody, Path};
use crate::{now_ms, owned, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::{HallCode, Password, Role, StaffName, StaffNo};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use sync_proto::owned::{BUSINESS, HALL, PRIORITY, STAFF};

/// A hall that has not been heard of for this long shows as offline.
pub const OFFLINE_AFTER_MS: i64 = 90_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/halls", get(halls))
        .route("/admin/v1/halls/{code}/setup", put(put_setup))
        .route("/admin/v1/staff/{staff_no}", put(put_staff))
        .route("/admin/v1/businesses/{code}", put(put_business))
        .route("/admin/v1/priorities/{code}", put(put_priority))
}

/// A refusal: HTTP status, a stable code, and the message in both languages.
#[derive(Debug)]
pub struct AdminError {
    status: StatusCode,
    code: &'static str,
    zh: String,
    en: String,
}

impl AdminError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub(crate) fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", zh, en)
    }
}

impl From<sqlx::Error> for AdminError {
    fn from(e: sqlx::Error) -> Self {
        eprintln!("province: internal error: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "省级服务器内部错误，请稍后重试",
            "Internal error at the province; try again later",
        )
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"code": self.code, "message": self.zh, "message_en": self.en})),
        )
            .into_response()
    }
}

type Answer = Result<Json<Value>, AdminError>;

pub(crate) async fn maintainer(s: &AppState, headers: &HeaderMap) -> Result<String, AdminError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let name: Option<String> = if token.is_empty() {
        None
    } else {
        sqlx::query_scalar("SELECT name FROM maintainer WHERE token_sha256 = $1")
            .bind(crate::ingest::token_hash(token))
            .fetch_optional(&s.pool)
            .await?
    };
    name.ok_or_else(|| {
        AdminError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "需要运维人员凭证",
            "A maintainer credential is required",
        )
    })
}

pub(crate) fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, AdminError> {
    serde_json::from_slice(bytes).map_err(|e| {
        AdminError::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("请求内容无法识别：{e}"),
            format!("The request body is not understood: {e}"),
        )
    })
}

pub(crate) fn text(field: &str, value: &str, max: usize) -> Result<String, AdminError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AdminError::invalid(
            format!("{field} 不能为空，且不超过 {max} 个字"),
            format!("{field} must be 1–{max} characters"),
        ));
    }
    Ok(v.to_owned())
}

async fn hall_exists(s: &AppState, code: &str) -> Result<Option<String>, AdminError> {
    Ok(sqlx::query_scalar("SELECT name FROM hall WHERE code = $1")
        .bind(code)
        .fetch_optional(&s.pool)
        .await?)
}

fn saved(changed: bool) -> Answer {
    Ok(Json(json!({"changed": changed})))
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

fn yes() -> bool {
    true
}

/// `PUT /admin/v1/staff/{staff_no}`: creates or updates an account.
async fn put_staff(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(staff_no): Path<String>,
    bytes: JsonBody,
) -> Answer {
    maintainer(&s, &headers).await?;
    let req: StaffPut = body(&bytes)?;
    let staff_no = StaffNo::parse(&staff_no).map_err(|_| {
        AdminError::invalid(
            "工号应为 3–16 位字母或数字",
            "A staff number is 3–16 letters or digits",
        )
    })?;
    let name = StaffName::parse(&req.name)
        .map_err(|_| AdminError::invalid("姓名不符合要求", "The name is not valid"))?;
    let role = Role::parse(&req.role).map_err(|_| {
        AdminError::invalid(
            "角色应为 clerk、supervisor 或 emergency",
            "The role is clerk, supervisor or emergency",
        )
    })?;
    let hall = HallCode::parse(&req.hall)
        .map_err(|_| AdminError::invalid("营业厅编码不符合要求", "The hall code is not valid"))?;
    if hall_exists(&s, hall.as_str()).await?.is_none() {
        return Err(AdminError::invalid(
            format!("营业厅 {} 不存在", hall.as_str()),
            format!("There is no hall {}", hall.as_str()),
        ));
    }
    let mut tx = s.pool.begin().await?;
    let existing = owned::load(&mut tx, STAFF, staff_no.as_str()).await?;
    tx.rollback().await?;
    if let Some((scope, _)) = &existing {
        if scope != hall.as_str() {
            return Err(AdminError::new(
                StatusCode::CONFLICT,
                "staff_elsewhere",
                format!("工号 {} 属于营业厅 {scope}；调岗请先在原营业厅停用该账号，再建立新工号", staff_no.as_str()),
                format!("Staff {} belongs to hall {scope}; to move them, deactivate this account and create a new one", staff_no.as_str()),
            ));
        }
    }
    let mut values = Map::new();
    values.insert("name".into(), name.as_str().into());
    values.insert("role".into(), role.code().into());
    values.insert("hall".into(), hall.as_str().into());
    values.insert("active".into(), req.active.into());
    match (&req.password, &existing) {
        (Some(p), _) => {
            let p = Password::parse(p).map_err(|_| {
                AdminError::invalid(
                    "密码应为 8–64 位，同时含数字和其他字符",
                    "A password is 8–64 characters with digits and other characters",
                )
            })?;
            values.insert("password_hash".into(), hash(p).await?.into());
        }
        (None, None) => {
            return Err(AdminError::invalid(
                "新账号需要初始密码",
                "A new account needs an initial password",
            ))
        }
        (None, Some(_)) => {}
    }
    saved(owned::put(&s, STAFF, staff_no.as_str(), hall.as_str(), values).await?)
}

async fn hash(p: Password) -> Result<String, AdminError> {
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
    .ok_or_else(|| AdminError::from(sqlx::Error::Protocol("password hashing failed".into())))
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
    headers: HeaderMap,
    Path(code): Path<String>,
    bytes: JsonBody,
) -> Answer {
    maintainer(&s, &headers).await?;
    let req: BusinessPut = body(&bytes)?;
    if !(code.len() == 1 && code.chars().all(|c| c.is_ascii_uppercase())) {
        return Err(AdminError::invalid(
            "业务编码为一个大写字母（A–Z）",
            "A business code is one capital letter (A–Z)",
        ));
    }
    if !(30..=7200).contains(&req.default_service_secs) {
        return Err(AdminError::invalid(
            "默认办理时长应在 30–7200 秒之间",
            "The default service time is 30–7200 s",
        ));
    }
    let mut values = Map::new();
    values.insert("name_zh".into(), text("中文名称", &req.name_zh, 20)?.into());
    values.insert(
        "name_en".into(),
        text("English name", &req.name_en, 40)?.into(),
    );
    values.insert(
        "default_service_secs".into(),
        req.default_service_secs.into(),
    );
    saved(owned::put(&s, BUSINESS, &code, "*", values).await?)
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
    headers: HeaderMap,
    Path(code): Path<String>,
    bytes: JsonBody,
) -> Answer {
    maintainer(&s, &headers).await?;
    let req: PriorityPut = body(&bytes)?;
    if code.is_empty()
        || code.len() > 20
        || !code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        return Err(AdminError::invalid(
            "优先级编码为 1–20 个小写字母或下划线",
            "A priority code is 1–20 lowercase letters or underscores",
        ));
    }
    if req.weight > 1000 {
        return Err(AdminError::invalid(
            "权重应在 0–1000 之间",
            "The weight is 0–1000",
        ));
    }
    let mut values = Map::new();
    values.insert("name_zh".into(), text("中文名称", &req.name_zh, 20)?.into());
    values.insert(
        "name_en".into(),
        text("English name", &req.name_en, 40)?.into(),
    );
    values.insert("weight".into(), req.weight.into());
    saved(owned::put(&s, PRIORITY, &code, "*", values).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterPut {
    no: u16,
    skills: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetupPut {
    counters: Vec<CounterPut>,
    #[serde(default = "default_strategy")]
    strategy: String,
    #[serde(default = "yes")]
    overflow: bool,
    #[serde(default = "default_recalls")]
    recall_limit: u32,
}

fn default_strategy() -> String {
    "priority_then_longest_wait".into()
}

fn default_recalls() -> u32 {
    2
}

/// `PUT /admin/v1/halls/{code}/setup`: a hall's counters and calling rules,
/// used from the next business day the hall opens.
async fn put_setup(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    bytes: JsonBody,
) -> Answer {
    maintainer(&s, &headers).await?;
    let req: SetupPut = body(&bytes)?;
    let Some(name) = hall_exists(&s, &code).await? else {
        return Err(AdminError::new(
            StatusCode::NOT_FOUND,
            "no_hall",
            format!("营业厅 {code} 不存在"),
            format!("There is no hall {code}"),
        ));
    };
    if !["priority_then_longest_wait", "preferred_business_first"].contains(&req.strategy.as_str())
    {
        return Err(AdminError::invalid(
            "叫号策略应为 priority_then_longest_wait 或 preferred_business_first",
            "The strategy is priority_then_longest_wait or preferred_business_first",
        ));
    }
    if req.recall_limit > 9 {
        return Err(AdminError::invalid(
            "重呼次数应在 0–9 之间",
            "The recall limit is 0–9",
        ));
    }
    if req.counters.is_empty() {
        return Err(AdminError::invalid(
            "至少需要一个窗口",
            "A hall needs at least one counter",
        ));
    }
    let known: Vec<String> =
        sqlx::query_scalar("SELECT key FROM owned WHERE kind = $1 AND body IS NOT NULL")
            .bind(BUSINESS)
            .fetch_all(&s.pool)
            .await?;
    let mut seen = std::collections::BTreeSet::new();
    for c in &req.counters {
        if !(1..=999).contains(&c.no) || !seen.insert(c.no) {
            return Err(AdminError::invalid(
                format!("窗口号 {} 无效或重复（1–999）", c.no),
                format!("Counter {} is out of 1–999 or repeated", c.no),
            ));
        }
        if c.skills.is_empty() {
            return Err(AdminError::invalid(
                format!("{} 号窗口至少要办理一种业务", c.no),
                format!("Counter {} needs at least one business", c.no),
            ));
        }
        if let Some(b) = c.skills.iter().find(|b| !known.contains(b)) {
            return Err(AdminError::invalid(
                format!("{} 号窗口的业务 {b} 不在全省业务目录中", c.no),
                format!(
                    "Counter {}: business {b} is not in the province's catalogue",
                    c.no
                ),
            ));
        }
    }
    let counters: Vec<Value> = req
        .counters
        .iter()
        .map(|c| json!({"no": c.no, "skills": c.skills}))
        .collect();
    let mut values = Map::new();
    values.insert("name".into(), name.into());
    values.insert("counters".into(), counters.into());
    values.insert("strategy".into(), req.strategy.into());
    values.insert("overflow".into(), req.overflow.into());
    values.insert("recall_limit".into(), req.recall_limit.into());
    saved(owned::put(&s, HALL, &code, &code, values).await?)
}

/// `GET /admin/v1/halls`: every hall's replication as a maintainer needs it.
async fn halls(State(s): State<AppState>, headers: HeaderMap) -> Answer {
    maintainer(&s, &headers).await?;
    type Row = (String, String, Option<i64>, Option<String>, Option<i64>);
    let halls: Vec<Row> = sqlx::query_as(
        "SELECT code, name, last_contact_ms, last_refusal, last_refusal_at_ms FROM hall ORDER BY code",
    )
    .fetch_all(&s.pool)
    .await?;
    let now = now_ms();
    let feed_head: i64 = sqlx::query_scalar("SELECT last FROM feed_seq WHERE id = 1")
        .fetch_one(&s.pool)
        .await?;
    // One query per table for all halls, not three per hall.
    let origins: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT hall, origin, applied_through, reported_head, changes_applied FROM sync_origin ORDER BY hall, origin",
    )
    .fetch_all(&s.pool)
    .await?;
    let pulled: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT hall, MAX(cursor) FROM feed_mark GROUP BY hall")
            .fetch_all(&s.pool)
            .await?
            .into_iter()
            .collect();
    let tickets: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT hall, COUNT(*) FROM ticket GROUP BY hall")
            .fetch_all(&s.pool)
            .await?
            .into_iter()
            .collect();
    let mut out = Vec::new();
    for (code, name, contact, refusal, refusal_at) in halls {
        let mine: Vec<_> = origins.iter().filter(|o| o.0 == code).collect();
        let waiting: i64 = mine.iter().map(|(_, _, a, h, _)| (h - a).max(0)).sum();
        out.push(json!({
            "online": contact.is_some_and(|c| now - c < OFFLINE_AFTER_MS),
            "last_contact_ms": contact,
            "waiting": waiting,
            "tickets": tickets.get(&code).copied().unwrap_or(0),
            "origins": mine.iter().map(|(_, o, a, h, n)| json!({
                "origin": o, "applied_through": a, "reported_head": h, "changes_applied": n
            })).collect::<Vec<_>>(),
            "feed_pulled_from": pulled.get(&code),
            "feed_head": feed_head,
            "last_refusal": refusal.and_then(|r| serde_json::from_str::<Value>(&r).ok()),
            "last_refusal_at_ms": refusal_at,
            "code": code,
            "name": name,
        }));
    }
    Ok(Json(Value::Array(out)))
}
