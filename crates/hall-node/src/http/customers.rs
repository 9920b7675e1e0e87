//! `/api/v1/customers…`: identifying a customer at the counter and the record pop, answered from the copy of the service area this hall holds offline (`store::customers`, pulled by `crate::customers`).
//!
//! Clerks and supervisors only. Every answered lookup is one line of the
//! customer audit, written with its replication row before the answer
//! (a record opened names its account, found or not; a search keeps its
//! text, an ID card or phone number masked). A refusal before any lookup
//! (a role, a bad number) writes nothing. ID card and phone numbers leave
//! the hall node masked.

use super::{Path, Query};
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use customer::{arrears, AccountNo, Day, Fen, IdCardNo, Phone, Seal, SealState};
use domain::Role;
use ipc::customers::{
    AccountView, CustomerHit, CustomerHits, CustomerQuery, CustomerRecord, CustomerView, MeterView,
    QueryKind, HISTORY_MONTHS, MAX_HITS, MAX_QUERY, RECENT_PAYMENTS,
};
use ipc::ErrorCode;
use store::accounts::Account;
use store::customers::{AccessWhat, CustomerAccess, HeldAccount};
use sync_proto::ChangeKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers", get(search))
        .route("/api/v1/customers/{account}", get(record))
}

/// A clerk or a supervisor; anyone else (other roles, devices) is forbidden.
fn counter_staff(caller: &Caller) -> Result<&Account, HallError> {
    let a = caller.staff()?;
    match a.role {
        Role::Clerk | Role::Supervisor => Ok(a),
        _ => Err(HallError::Forbidden),
    }
}

/// The hall's today, as a civil day in its time zone.
fn today(s: &AppState) -> Day {
    Day::from_days(i32::try_from(s.clock.day()).unwrap_or(i32::MAX))
}

/// Writes one audit line with its replication row and wakes the uplink.
async fn audit(
    s: &AppState,
    by: &Account,
    what: AccessWhat,
    account: Option<String>,
    query: Option<String>,
    hits: usize,
) -> Result<(), HallError> {
    let line = CustomerAccess {
        id: 0,
        at: s.clock.now(),
        by: by.staff_no.to_string(),
        role: by.role.code().to_owned(),
        what,
        account,
        query,
        hits: u32::try_from(hits).unwrap_or(u32::MAX),
    };
    let line = s
        .store
        .record_customer_access(line, |l| {
            let hlc = s.driver.stamp(s.clock.now());
            crate::changes::row(hlc, ChangeKind::CustomerAccess, l.id.to_string(), l)
        })
        .await?;
    s.wake_uplink();
    tracing::info!(by = %line.by, what = ?line.what, account = ?line.account, hits = line.hits, "customer access");
    Ok(())
}

/// The province's time this hall's copy of a record is known current at: the
/// last complete pull, or the page that brought it if later.
async fn as_of(s: &AppState, brought_at_ms: Option<i64>) -> Result<Option<i64>, HallError> {
    let mark = s.store.customer_mark().await?;
    let caught_up = mark.and_then(|m| m.caught_up_at_ms.or(Some(m.at_ms)));
    Ok(match (caught_up, brought_at_ms) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    })
}

async fn record(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<CustomerRecord>, HallError> {
    let by = counter_staff(&caller)?;
    let no = AccountNo::parse(&raw).map_err(|_| HallError::bad(ErrorCode::AccountNoInvalid))?;
    let held = s.store.household(&no).await?;
    audit(
        &s,
        by,
        AccessWhat::Record,
        Some(no.to_string()),
        None,
        usize::from(held.is_some()),
    )
    .await?;
    let held = held.ok_or(HallError::Input(
        StatusCode::NOT_FOUND,
        ErrorCode::CustomerNotFound,
    ))?;
    let as_of_ms = as_of(&s, Some(held.brought_at_ms))
        .await?
        .unwrap_or(held.brought_at_ms);
    Ok(Json(record_of(held, today(&s), as_of_ms)))
}

/// What the counter is shown of a held account on `today`.
fn record_of(held: HeldAccount, today: Day, as_of_ms: i64) -> CustomerRecord {
    let h = held.household;
    let owed = arrears::owed(&h.bills, &h.applied, today);
    let owed_total = owed.iter().fold(Fen::ZERO, |sum, o| sum + o.total());
    let from = today.month().add_months(-(HISTORY_MONTHS - 1));
    let to = today.month();
    let mut payments = h.payments;
    payments.sort_by_key(|p| std::cmp::Reverse(p.at_ms));
    payments.truncate(RECENT_PAYMENTS);
    let c = h.customer;
    let a = h.account;
    CustomerRecord {
        customer: CustomerView {
            id: c.id,
            kind: c.kind,
            name: c.name,
            id_card: c.id_card.as_ref().map(IdCardNo::masked),
            phones: c.phones.iter().map(Phone::masked).collect(),
            grade: c.grade,
            credit: c.credit,
        },
        account: AccountView {
            no: a.no,
            address: a.address,
            area: a.area,
            tariff: a.tariff,
            meters: a.meters.into_iter().map(meter_view).collect(),
            prepaid: a.prepaid,
        },
        today,
        owed,
        owed_total,
        readings: h
            .readings
            .into_iter()
            .filter(|r| (from..=to).contains(&r.month))
            .collect(),
        bills: h
            .bills
            .into_iter()
            .filter(|b| (from..=to).contains(&b.month))
            .collect(),
        payments,
        as_of_ms,
        version: held.version,
    }
}

/// The meter with its seals as they are now (`Meter::current_seals`).
fn meter_view(m: customer::Meter) -> MeterView {
    let seals: Vec<Seal> = m.current_seals().into_iter().cloned().collect();
    MeterView {
        seal_broken: seals.iter().any(|s| s.state == SealState::Broken),
        no: m.no,
        seals,
    }
}

/// What a query is, read the way a clerk types it.
enum Asked {
    Account(AccountNo),
    IdCard(IdCardNo),
    Phone(Phone),
    Text(String),
}

fn asked(raw: &str) -> Result<Asked, HallError> {
    let text = raw.trim();
    let n = text.chars().count();
    if n == 0 || n > MAX_QUERY || text.chars().any(char::is_control) {
        return Err(HallError::bad(ErrorCode::CustomerQueryInvalid));
    }
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '-')
        .collect();
    let digits = compact.bytes().all(|b| b.is_ascii_digit());
    // Seventeen digits and one more character: an ID card number, perhaps mistyped.
    let id_like =
        compact.chars().count() == 18 && compact.bytes().take(17).all(|b| b.is_ascii_digit());
    Ok(if digits && compact.len() == AccountNo::LEN {
        Asked::Account(
            AccountNo::parse(&compact).map_err(|_| HallError::bad(ErrorCode::AccountNoInvalid))?,
        )
    } else if digits && compact.len() == 11 {
        Asked::Phone(
            Phone::parse(&compact).map_err(|_| HallError::bad(ErrorCode::CustomerQueryInvalid))?,
        )
    } else if id_like {
        Asked::IdCard(
            IdCardNo::parse(&compact).map_err(|_| HallError::bad(ErrorCode::IdCardInvalid))?,
        )
    } else {
        Asked::Text(text.to_owned())
    })
}

async fn search(
    State(s): State<AppState>,
    caller: Caller,
    Query(query): Query<CustomerQuery>,
) -> Result<Json<CustomerHits>, HallError> {
    let by = counter_staff(&caller)?;
    let asked = asked(&query.q)?;
    let limit = MAX_HITS as u32;
    let (kind, found, account, kept) = match asked {
        Asked::Account(no) => {
            let hit = s.store.customer_hit(&no).await?;
            (
                QueryKind::Account,
                hit.into_iter().collect(),
                Some(no.to_string()),
                None,
            )
        }
        Asked::IdCard(id) => (
            QueryKind::IdCard,
            s.store.find_by_id_card(&id, limit).await?,
            None,
            Some(id.masked()),
        ),
        Asked::Phone(p) => (
            QueryKind::Phone,
            s.store.find_by_phone(&p, limit).await?,
            None,
            Some(p.masked()),
        ),
        Asked::Text(t) => (
            QueryKind::Text,
            s.store.search_customers(&t, limit).await?,
            None,
            Some(t),
        ),
    };
    let hits: Vec<CustomerHit> = found
        .into_iter()
        .take(MAX_HITS)
        .map(|h| CustomerHit {
            account: h.account,
            name: h.name,
            phone: h.phones.first().map(Phone::masked),
            address: h.address,
            grade: h.grade,
        })
        .collect();
    audit(&s, by, AccessWhat::Search, account, kept, hits.len()).await?;
    Ok(Json(CustomerHits {
        kind,
        hits,
        as_of_ms: as_of(&s, None).await?,
    }))
}
