//! The customers of the hall's service area, held offline: pages of the province's copy applied whole, lookups, fuzzy search, and the audit of who looked at whom.
//!
//! Each account is kept as the `customer::gen::Household` the province sent
//! (JSON in `body`) with copies of the columns lookups need. A page is
//! applied in one transaction with the mark: an account is replaced only by
//! a higher version, so applying a page twice, or an older page after a
//! newer one, changes nothing, and an interrupted pull resumes from the mark.
//!
//! Search (`search_customers`): the text is split at blanks into terms.
//! Terms of 3 characters or more are matched as substrings of the name,
//! address or phones through the FTS5 trigram index, all of them required,
//! ranked by bm25. Trigrams cannot match shorter terms, so a term of 1–2
//! characters is taken as the start of the name when it is the only kind
//! given (a two-character name such as 张伟 finds 张伟 and 张伟民, exact name
//! first, through the index on `name`), and otherwise as a substring the
//! name or address must contain among the trigram matches. At most
//! [`MAX_TERMS`] terms and [`MAX_HITS`] hits.

use crate::hall::OutboxRow;
use crate::{Result, Store, StoreError};
use customer::gen::Household;
use customer::{AccountNo, IdCardNo, Phone, ServiceGrade};
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use sync_proto::customers::CustomerPage;

/// The most hits a lookup or search answers.
pub const MAX_HITS: u32 = 50;
/// The most terms of a search text that are used.
pub const MAX_TERMS: usize = 8;
/// The shortest term the trigram index can match.
pub const TRIGRAM: usize = 3;

/// How far the pull of the area's customers got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMark {
    pub area: Option<String>,
    /// The version to ask from next.
    pub version: i64,
    /// The province's time of the last page.
    pub at_ms: i64,
    /// This hall's time when that page was applied.
    pub pulled_at_ms: i64,
    /// The province's time of the last page after which nothing more waited.
    pub caught_up_at_ms: Option<i64>,
}

/// An account as this hall holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldAccount {
    pub version: i64,
    /// The province's time of the page that brought this version.
    pub brought_at_ms: i64,
    pub household: Household,
}

/// One line of a lookup or search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerHit {
    pub account: AccountNo,
    pub name: String,
    pub address: String,
    pub phones: Vec<Phone>,
    pub grade: ServiceGrade,
}

/// What applying a page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageApplied {
    /// Accounts written (new, or a higher version than held).
    pub stored: usize,
    /// Accounts not written: this hall holds the same or a higher version.
    pub kept: usize,
}

/// What a line of the customer audit is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessWhat {
    /// A customer's record was opened.
    Record,
    /// Customers were searched for.
    Search,
}

impl AccessWhat {
    fn as_str(self) -> &'static str {
        match self {
            AccessWhat::Record => "record",
            AccessWhat::Search => "search",
        }
    }
}

/// One line of the customer audit (also the body of its `customer_access` change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccess {
    /// Given by the store.
    pub id: u64,
    pub at: i64,
    /// The staff number.
    pub by: String,
    pub role: String,
    pub what: AccessWhat,
    /// The account opened, or the account number searched for.
    #[serde(default)]
    pub account: Option<String>,
    /// The search text as kept (an ID card or phone number masked, at most 60 characters).
    #[serde(default)]
    pub query: Option<String>,
    /// Records shown.
    pub hits: u32,
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("customer: {what}"))
}

fn grade_str(g: ServiceGrade) -> &'static str {
    match g {
        ServiceGrade::Normal => "normal",
        ServiceGrade::Vip => "vip",
        ServiceGrade::Sensitive => "sensitive",
        ServiceGrade::Elderly => "elderly",
    }
}

fn grade_of(raw: &str) -> Result<ServiceGrade> {
    Ok(match raw {
        "normal" => ServiceGrade::Normal,
        "vip" => ServiceGrade::Vip,
        "sensitive" => ServiceGrade::Sensitive,
        "elderly" => ServiceGrade::Elderly,
        other => return Err(corrupt(format!("grade {other:?}"))),
    })
}

type HitRaw = (String, String, String, String, String);
type MarkRaw = (Option<String>, i64, i64, i64, Option<i64>);

fn hit_of((account, name, address, phones, grade): HitRaw) -> Result<CustomerHit> {
    Ok(CustomerHit {
        account: AccountNo::parse(&account).map_err(|e| corrupt(format!("{account}: {e}")))?,
        name,
        address,
        phones: phones
            .split_whitespace()
            .filter_map(|p| Phone::parse(p).ok())
            .collect(),
        grade: grade_of(&grade)?,
    })
}

const HIT_COLUMNS: &str = "a.account_no, a.name, a.address, a.phones, a.grade";

/// A term as an FTS5 string (quoted, so no character of it is query syntax).
fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The terms of a search text: split at blanks (full-width too), at most [`MAX_TERMS`].
pub fn terms(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|t| !t.is_empty())
        .take(MAX_TERMS)
        .collect()
}

impl Store {
    /// Applies a page of the province's copy of the area, with the mark, in one
    /// transaction: each account only if its version is above the one held.
    pub async fn apply_page(&self, page: &CustomerPage, pulled_at_ms: i64) -> Result<PageApplied> {
        let mut tx = self.pool().begin().await?;
        let mut done = PageApplied::default();
        for copy in &page.accounts {
            if put_account(&mut tx, copy.version, &copy.household, page.at_ms).await? {
                done.stored += 1;
            } else {
                done.kept += 1;
            }
        }
        sqlx::query(
            "INSERT INTO customer_mark (id, area, version, at_ms, pulled_at_ms, caught_up_at_ms)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET area = excluded.area,
               version = MAX(customer_mark.version, excluded.version),
               at_ms = excluded.at_ms, pulled_at_ms = excluded.pulled_at_ms,
               caught_up_at_ms = COALESCE(excluded.caught_up_at_ms, customer_mark.caught_up_at_ms)",
        )
        .bind(&page.area)
        .bind(page.next)
        .bind(page.at_ms)
        .bind(pulled_at_ms)
        .bind((!page.more).then_some(page.at_ms))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// How far the pull got (`None`: nothing pulled yet).
    pub async fn customer_mark(&self) -> Result<Option<CustomerMark>> {
        let row: Option<MarkRaw> = sqlx::query_as(
            "SELECT area, version, at_ms, pulled_at_ms, caught_up_at_ms FROM customer_mark WHERE id = 1",
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(
            |(area, version, at_ms, pulled_at_ms, caught_up_at_ms)| CustomerMark {
                area,
                version,
                at_ms,
                pulled_at_ms,
                caught_up_at_ms,
            },
        ))
    }

    /// The account as held, whole.
    pub async fn household(&self, no: &AccountNo) -> Result<Option<HeldAccount>> {
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT version, brought_at_ms, body FROM customer_account WHERE account_no = ?",
        )
        .bind(no.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|(version, brought_at_ms, body)| {
            Ok(HeldAccount {
                version,
                brought_at_ms,
                household: serde_json::from_str(&body)
                    .map_err(|e| corrupt(format!("{no}: {e}")))?,
            })
        })
        .transpose()
    }

    /// The account's line, as a search shows it.
    pub async fn customer_hit(&self, no: &AccountNo) -> Result<Option<CustomerHit>> {
        let row: Option<HitRaw> = sqlx::query_as(&format!(
            "SELECT {HIT_COLUMNS} FROM customer_account a WHERE a.account_no = ?"
        ))
        .bind(no.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(hit_of).transpose()
    }

    /// The accounts of the customer with this ID card (a person may have several).
    pub async fn find_by_id_card(&self, id: &IdCardNo, limit: u32) -> Result<Vec<CustomerHit>> {
        let rows: Vec<HitRaw> = sqlx::query_as(&format!(
            "SELECT {HIT_COLUMNS} FROM customer_account a WHERE a.id_card = ?
             ORDER BY a.account_no LIMIT ?"
        ))
        .bind(id.as_str())
        .bind(i64::from(limit.clamp(1, MAX_HITS)))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(hit_of).collect()
    }

    /// The accounts whose customer gave this phone number.
    pub async fn find_by_phone(&self, phone: &Phone, limit: u32) -> Result<Vec<CustomerHit>> {
        let rows: Vec<HitRaw> = sqlx::query_as(&format!(
            "SELECT {HIT_COLUMNS} FROM customer_phone p
             JOIN customer_account a ON a.account_no = p.account_no
             WHERE p.phone = ? ORDER BY a.account_no LIMIT ?"
        ))
        .bind(phone.to_string())
        .bind(i64::from(limit.clamp(1, MAX_HITS)))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(hit_of).collect()
    }

    /// Customers by name and/or address text, best first (the rule is in the module's notes).
    pub async fn search_customers(&self, text: &str, limit: u32) -> Result<Vec<CustomerHit>> {
        let terms = terms(text);
        let (long, short): (Vec<&str>, Vec<&str>) =
            terms.iter().partition(|t| t.chars().count() >= TRIGRAM);
        let limit = i64::from(limit.clamp(1, MAX_HITS));
        let contains = "instr(a.name || char(10) || a.address, ?) > 0";
        let rows: Vec<HitRaw> = if !long.is_empty() {
            let mut sql = format!(
                "SELECT {HIT_COLUMNS} FROM customer_fts f
                 JOIN customer_account a ON a.account_no = printf('%010d', f.rowid)
                 WHERE customer_fts MATCH ?"
            );
            for _ in &short {
                sql.push_str(" AND ");
                sql.push_str(contains);
            }
            sql.push_str(" ORDER BY f.rank, a.account_no LIMIT ?");
            let matching = long.iter().map(|t| phrase(t)).collect::<Vec<_>>().join(" ");
            let mut q = sqlx::query_as(&sql).bind(matching);
            for t in &short {
                q = q.bind(*t);
            }
            q.bind(limit).fetch_all(self.pool()).await?
        } else if let Some((first, rest)) = short.split_first() {
            let mut sql = format!(
                "SELECT {HIT_COLUMNS} FROM customer_account a
                 WHERE a.name >= ?1 AND a.name < ?1 || char(1114111)"
            );
            // Numbered throughout: sqlx counts anonymous `?` apart from numbered ones.
            for i in 0..rest.len() {
                sql.push_str(&format!(
                    " AND instr(a.name || char(10) || a.address, ?{}) > 0",
                    i + 2
                ));
            }
            sql.push_str(&format!(
                " ORDER BY a.name = ?1 DESC, a.name, a.account_no LIMIT ?{}",
                rest.len() + 2
            ));
            let mut q = sqlx::query_as(&sql).bind(*first);
            for t in rest {
                q = q.bind(*t);
            }
            q.bind(limit).fetch_all(self.pool()).await?
        } else {
            Vec::new()
        };
        rows.into_iter().map(hit_of).collect()
    }

    /// Appends one audit line (its id given here) with the replication row `row` makes of it.
    pub async fn record_customer_access(
        &self,
        mut line: CustomerAccess,
        row: impl Fn(&CustomerAccess) -> Option<OutboxRow>,
    ) -> Result<CustomerAccess> {
        let mut tx = self.pool().begin().await?;
        let id = sqlx::query(
            "INSERT INTO customer_access (at_ms, staff_no, role, what, account_no, query, hits)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(line.at)
        .bind(&line.by)
        .bind(&line.role)
        .bind(line.what.as_str())
        .bind(&line.account)
        .bind(&line.query)
        .bind(i64::from(line.hits))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        line.id = id as u64;
        let rows: Vec<OutboxRow> = row(&line).into_iter().collect();
        crate::devices::insert_outbox(&mut tx, &rows).await?;
        tx.commit().await?;
        Ok(line)
    }

    /// The customer audit, newest first, of one account or all.
    pub async fn customer_access(
        &self,
        account: Option<&AccountNo>,
        limit: u32,
    ) -> Result<Vec<CustomerAccess>> {
        type Raw = (
            i64,
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
        );
        let rows: Vec<Raw> = sqlx::query_as(
            "SELECT id, at_ms, staff_no, role, what, account_no, query, hits FROM customer_access
             WHERE ?1 IS NULL OR account_no = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .bind(account.map(|a| a.to_string()))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, at, by, role, what, account, query, hits)| {
                Ok(CustomerAccess {
                    id: id as u64,
                    at,
                    by,
                    role,
                    what: match what.as_str() {
                        "record" => AccessWhat::Record,
                        "search" => AccessWhat::Search,
                        other => return Err(corrupt(format!("access {id}: {other:?}"))),
                    },
                    account,
                    query,
                    hits: hits.clamp(0, i64::from(u32::MAX)) as u32,
                })
            })
            .collect()
    }
}

/// Writes an account unless a version as high is held; `true` when written.
async fn put_account(
    tx: &mut Transaction<'_, Sqlite>,
    version: i64,
    h: &Household,
    at_ms: i64,
) -> Result<bool> {
    let no = h.account.no.to_string();
    let phones = h
        .customer
        .phones
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let body = serde_json::to_string(h).map_err(|e| corrupt(format!("{no}: {e}")))?;
    let written = sqlx::query(
        "INSERT INTO customer_account
           (account_no, version, area, name, address, id_card, phones, grade, brought_at_ms, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_no) DO UPDATE SET version = excluded.version, area = excluded.area,
           name = excluded.name, address = excluded.address, id_card = excluded.id_card,
           phones = excluded.phones, grade = excluded.grade,
           brought_at_ms = excluded.brought_at_ms, body = excluded.body
         WHERE excluded.version > customer_account.version",
    )
    .bind(&no)
    .bind(version)
    .bind(&h.account.area)
    .bind(h.customer.name.trim())
    .bind(h.account.address.trim())
    .bind(h.customer.id_card.as_ref().map(IdCardNo::as_str))
    .bind(&phones)
    .bind(grade_str(h.customer.grade))
    .bind(at_ms)
    .bind(&body)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        > 0;
    if written {
        sqlx::query("DELETE FROM customer_phone WHERE account_no = ?")
            .bind(&no)
            .execute(&mut **tx)
            .await?;
        for p in &h.customer.phones {
            sqlx::query("INSERT OR IGNORE INTO customer_phone (phone, account_no) VALUES (?, ?)")
                .bind(p.to_string())
                .bind(&no)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(written)
}
