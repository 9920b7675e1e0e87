//! Emergency plans and area outages as maintainers publish them (and the halls each is for), and every hall's incidents and their timeline lines as the halls replicate them.

use super::Tx;
use sqlx::AnyPool;
use std::collections::BTreeMap;

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanRow {
    pub id: String,
    /// The `emergency::Plan` as published (JSON).
    pub body: String,
    pub all_halls: i64,
    pub withdrawn: i64,
    pub updated_at_ms: i64,
    pub published_by: Option<String>,
}

/// What a publication of a plan stores.
#[derive(Debug, Clone)]
pub struct SavedPlan<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub body: &'a str,
    /// `None`: every hall.
    pub halls: Option<&'a [String]>,
    pub at_ms: i64,
    /// The planner (`None`: a maintainer).
    pub by: Option<&'a str>,
}

/// Publishes or replaces a plan (not withdrawn) and the halls it is for.
pub async fn save_plan(tx: &mut Tx, p: &SavedPlan<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO emergency_plan (id, name, all_halls, withdrawn, body, updated_at_ms, published_by)
         VALUES ($1, $2, $3, 0, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, all_halls = excluded.all_halls,
           withdrawn = 0, body = excluded.body, updated_at_ms = excluded.updated_at_ms,
           published_by = excluded.published_by",
    )
    .bind(p.id)
    .bind(p.name)
    .bind(i64::from(p.halls.is_none()))
    .bind(p.body)
    .bind(p.at_ms)
    .bind(p.by)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM emergency_plan_hall WHERE plan = $1")
        .bind(p.id)
        .execute(&mut **tx)
        .await?;
    for hall in p.halls.unwrap_or_default() {
        sqlx::query("INSERT INTO emergency_plan_hall (plan, hall) VALUES ($1, $2)")
            .bind(p.id)
            .bind(hall)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Marks a plan withdrawn (by a planner, or `None`: a maintainer); `false` when there is none.
pub async fn withdraw_plan(
    tx: &mut Tx,
    id: &str,
    at_ms: i64,
    by: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE emergency_plan SET withdrawn = 1, updated_at_ms = $2, published_by = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(at_ms)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One plan, in a transaction.
pub async fn plan(tx: &mut Tx, id: &str) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, body, all_halls, withdrawn, updated_at_ms, published_by FROM emergency_plan WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

/// Every plan, by id.
pub async fn plans(pool: &AnyPool) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, body, all_halls, withdrawn, updated_at_ms, published_by FROM emergency_plan ORDER BY id",
    )
    .fetch_all(pool)
    .await
}

/// The halls a plan is listed for, by code.
pub async fn plan_halls(tx: &mut Tx, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT hall FROM emergency_plan_hall WHERE plan = $1 ORDER BY hall")
        .bind(id)
        .fetch_all(&mut **tx)
        .await
}

/// The halls of every plan listed for some, by plan (each by code).
pub async fn all_plan_halls(pool: &AnyPool) -> Result<BTreeMap<String, Vec<String>>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT plan, hall FROM emergency_plan_hall ORDER BY plan, hall")
            .fetch_all(pool)
            .await?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (plan, hall) in rows {
        out.entry(plan).or_default().push(hall);
    }
    Ok(out)
}

/// An area outage as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutageRow {
    pub id: String,
    pub text: String,
    pub from_ms: i64,
    pub until_ms: i64,
    pub withdrawn: i64,
    pub updated_at_ms: i64,
}

/// Registers or replaces an outage (not withdrawn) and the halls of its area.
pub async fn save_outage(tx: &mut Tx, o: &OutageRow, halls: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO area_outage (id, text, from_ms, until_ms, withdrawn, updated_at_ms)
         VALUES ($1, $2, $3, $4, 0, $5)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, from_ms = excluded.from_ms,
           until_ms = excluded.until_ms, withdrawn = 0, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&o.id)
    .bind(&o.text)
    .bind(o.from_ms)
    .bind(o.until_ms)
    .bind(o.updated_at_ms)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM area_outage_hall WHERE outage = $1")
        .bind(&o.id)
        .execute(&mut **tx)
        .await?;
    for hall in halls {
        sqlx::query("INSERT INTO area_outage_hall (outage, hall) VALUES ($1, $2)")
            .bind(&o.id)
            .bind(hall)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Marks an outage withdrawn; `false` when there is none.
pub async fn withdraw_outage(tx: &mut Tx, id: &str, at_ms: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE area_outage SET withdrawn = 1, updated_at_ms = $2 WHERE id = $1")
            .bind(id)
            .bind(at_ms)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// One outage, in a transaction.
pub async fn outage(tx: &mut Tx, id: &str) -> Result<Option<OutageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, text, from_ms, until_ms, withdrawn, updated_at_ms FROM area_outage WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

/// Every outage, the latest starting first.
pub async fn outages(pool: &AnyPool) -> Result<Vec<OutageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, text, from_ms, until_ms, withdrawn, updated_at_ms FROM area_outage
         ORDER BY from_ms DESC, id",
    )
    .fetch_all(pool)
    .await
}

/// The halls of an outage's area, by code.
pub async fn outage_halls(tx: &mut Tx, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT hall FROM area_outage_hall WHERE outage = $1 ORDER BY hall")
        .bind(id)
        .fetch_all(&mut **tx)
        .await
}

/// The halls of every outage, by outage (each by code).
pub async fn all_outage_halls(
    pool: &AnyPool,
) -> Result<BTreeMap<String, Vec<String>>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT outage, hall FROM area_outage_hall ORDER BY outage, hall")
            .fetch_all(pool)
            .await?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (outage, hall) in rows {
        out.entry(outage).or_default().push(hall);
    }
    Ok(out)
}

/// An incident's snapshot as a hall sent it.
pub struct IncidentRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    /// Sorts like the timestamp.
    pub hlc: &'a str,
    pub plan_id: &'a str,
    pub plan_name: &'a str,
    pub event: &'a str,
    pub level: &'a str,
    pub drill: bool,
    pub started_at_ms: i64,
    pub duty: &'a str,
    pub ended_at_ms: Option<i64>,
    pub body: &'a str,
}

/// Keeps the snapshot with the later timestamp.
pub async fn put_incident(tx: &mut Tx, i: &IncidentRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO incident (hall, id, hlc, plan_id, plan_name, event, level, drill, started_at_ms, duty, ended_at_ms, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, plan_id = excluded.plan_id,
           plan_name = excluded.plan_name, event = excluded.event, level = excluded.level,
           drill = excluded.drill, started_at_ms = excluded.started_at_ms, duty = excluded.duty,
           ended_at_ms = excluded.ended_at_ms, body = excluded.body
         WHERE incident.hlc < excluded.hlc",
    )
    .bind(i.hall)
    .bind(i.id)
    .bind(i.hlc)
    .bind(i.plan_id)
    .bind(i.plan_name)
    .bind(i.event)
    .bind(i.level)
    .bind(i64::from(i.drill))
    .bind(i.started_at_ms)
    .bind(i.duty)
    .bind(i.ended_at_ms)
    .bind(i.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A line of an incident's timeline as a hall sent it.
pub struct EntryRow<'a> {
    pub hall: &'a str,
    pub incident: i64,
    pub seq: i64,
    pub at_ms: i64,
    pub body: &'a str,
}

/// Stores the line once: a line never changes, so a repeat is a no-op.
pub async fn put_entry(tx: &mut Tx, e: &EntryRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO incident_entry (hall, incident, seq, at_ms, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (hall, incident, seq) DO NOTHING",
    )
    .bind(e.hall)
    .bind(e.incident)
    .bind(e.seq)
    .bind(e.at_ms)
    .bind(e.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredIncident {
    pub hall: String,
    pub id: i64,
    pub plan_id: String,
    pub plan_name: String,
    pub event: String,
    pub level: String,
    pub drill: i64,
    pub started_at_ms: i64,
    pub duty: String,
    pub ended_at_ms: Option<i64>,
    pub body: String,
}

const INCIDENT_COLUMNS: &str =
    "hall, id, plan_id, plan_name, event, level, drill, started_at_ms, duty, ended_at_ms, body";

/// Every hall's incidents, the latest started first: only those running
/// unless `ended` too; at most `limit`.
pub async fn incidents(
    pool: &AnyPool,
    ended: bool,
    limit: u32,
) -> Result<Vec<StoredIncident>, sqlx::Error> {
    let filter = if ended {
        ""
    } else {
        "WHERE ended_at_ms IS NULL"
    };
    sqlx::query_as(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM incident {filter}
         ORDER BY started_at_ms DESC, hall, id DESC LIMIT $1"
    ))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
}

/// One incident of a hall.
pub async fn incident(
    pool: &AnyPool,
    hall: &str,
    id: i64,
) -> Result<Option<StoredIncident>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM incident WHERE hall = $1 AND id = $2"
    ))
    .bind(hall)
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The lines of an incident's timeline (seq, body), in order: at most `limit`.
pub async fn entries(
    pool: &AnyPool,
    hall: &str,
    incident: i64,
    limit: u32,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT seq, body FROM incident_entry WHERE hall = $1 AND incident = $2
         ORDER BY seq LIMIT $3",
    )
    .bind(hall)
    .bind(incident)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
}

/// The bodies of `hall`'s tickets of business day `day` that are waiting.
pub async fn waiting_tickets(
    pool: &AnyPool,
    hall: &str,
    day: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM ticket WHERE hall = $1 AND day = $2 AND state = 'waiting'")
        .bind(hall)
        .bind(day)
        .fetch_all(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{test, tokens};

    fn incident_row<'a>(
        hall: &'a str,
        id: i64,
        hlc: &'a str,
        ended: Option<i64>,
    ) -> IncidentRow<'a> {
        IncidentRow {
            hall,
            id,
            hlc,
            plan_id: "surge",
            plan_name: "排队",
            event: "queue_surge",
            level: "III",
            drill: false,
            started_at_ms: id * 10,
            duty: "3001",
            ended_at_ms: ended,
            body: hlc,
        }
    }

    #[tokio::test]
    async fn plans_outages_and_incidents_are_kept_as_their_rules_say() {
        for (pool, _dir) in test::pools().await {
            for code in ["H0101", "H0202"] {
                tokens::add_hall(&pool, code, "厅").await.unwrap();
            }
            let halls = vec!["H0101".to_owned()];
            let mut tx = pool.begin().await.unwrap();
            let saved = SavedPlan {
                id: "surge",
                name: "排队",
                body: "{}",
                halls: Some(&halls),
                at_ms: 1,
                by: Some("4001"),
            };
            save_plan(&mut tx, &saved).await.unwrap();
            assert_eq!(plan_halls(&mut tx, "surge").await.unwrap(), halls);
            let row = plan(&mut tx, "surge").await.unwrap().unwrap();
            assert_eq!(row.published_by.as_deref(), Some("4001"));
            assert!(withdraw_plan(&mut tx, "surge", 2, None).await.unwrap());
            assert!(!withdraw_plan(&mut tx, "none", 2, None).await.unwrap());
            let row = plan(&mut tx, "surge").await.unwrap().unwrap();
            assert_eq!(
                (row.withdrawn, row.published_by),
                (1, None),
                "a maintainer withdrew it"
            );
            save_plan(
                &mut tx,
                &SavedPlan {
                    halls: None,
                    ..saved
                },
            )
            .await
            .unwrap();
            let row = OutageRow {
                id: "o1".into(),
                text: "检修".into(),
                from_ms: 1,
                until_ms: 2,
                withdrawn: 0,
                updated_at_ms: 3,
            };
            save_outage(&mut tx, &row, &halls).await.unwrap();
            assert!(withdraw_outage(&mut tx, "o1", 4).await.unwrap());
            assert_eq!(outage_halls(&mut tx, "o1").await.unwrap(), halls);
            tx.commit().await.unwrap();
            let p = &plans(&pool).await.unwrap()[0];
            assert_eq!((p.all_halls, p.withdrawn), (1, 0));
            assert!(all_plan_halls(&pool).await.unwrap().is_empty());
            assert_eq!(outages(&pool).await.unwrap()[0].withdrawn, 1);
            assert_eq!(all_outage_halls(&pool).await.unwrap()["o1"], halls);

            let mut tx = pool.begin().await.unwrap();
            put_incident(&mut tx, &incident_row("H0101", 1, "b", None))
                .await
                .unwrap();
            // An older snapshot changes nothing; a later one replaces it.
            put_incident(&mut tx, &incident_row("H0101", 1, "a", Some(5)))
                .await
                .unwrap();
            put_incident(&mut tx, &incident_row("H0202", 2, "a", None))
                .await
                .unwrap();
            for (seq, body) in [(1, "one"), (0, "zero"), (1, "again")] {
                let e = EntryRow {
                    hall: "H0101",
                    incident: 1,
                    seq,
                    at_ms: seq,
                    body,
                };
                put_entry(&mut tx, &e).await.unwrap();
            }
            tx.commit().await.unwrap();
            let running: Vec<_> = incidents(&pool, false, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|i| (i.hall, i.id))
                .collect();
            assert_eq!(running, [("H0202".into(), 2), ("H0101".into(), 1)]);
            let mut tx = pool.begin().await.unwrap();
            put_incident(&mut tx, &incident_row("H0101", 1, "c", Some(5)))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(incidents(&pool, false, 10).await.unwrap().len(), 1);
            assert_eq!(incidents(&pool, true, 10).await.unwrap().len(), 2);
            assert_eq!(incidents(&pool, true, 1).await.unwrap()[0].id, 2);
            let one = incident(&pool, "H0101", 1).await.unwrap().unwrap();
            assert_eq!((one.body.as_str(), one.ended_at_ms), ("c", Some(5)));
            assert_eq!(incident(&pool, "H0202", 1).await.unwrap(), None);
            assert_eq!(
                entries(&pool, "H0101", 1, 10).await.unwrap(),
                [(0, "zero".to_owned()), (1, "one".to_owned())]
            );
        }
    }
}
