//! Emergency incidents: each one's state and its append-only timeline, written with their replication rows in one transaction; read back whole after a restart. And 业务预办理, the forms filled for waiting customers.

use crate::hall::OutboxRow;
use crate::{Result, Store};
use emergency::{Entry, Incident, Line};

fn encode<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)).into())
}

fn decode<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)).into())
}

impl Store {
    /// The next incident's id.
    pub async fn next_incident_id(&self) -> Result<u64> {
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM incident")
            .fetch_one(self.pool())
            .await?;
        Ok(max.unwrap_or(0) as u64 + 1)
    }

    /// Saves an incident as it is now: its state, the lines of its timeline
    /// from `written` on (those before are stored already), and the
    /// replication rows `rows` makes of both, in one transaction.
    pub async fn save_incident(
        &self,
        incident: &Incident,
        written: usize,
        rows: impl Fn(&Incident, &[Line]) -> Vec<OutboxRow>,
    ) -> Result<()> {
        let mut state = incident.clone();
        state.timeline.clear();
        let lines: Vec<Line> = incident
            .timeline
            .iter()
            .enumerate()
            .skip(written)
            .map(|(seq, entry)| Line {
                incident: incident.id,
                seq: seq as u32,
                entry: entry.clone(),
            })
            .collect();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO incident (id, plan, drill, started_at_ms, ended_at_ms, snapshot)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET ended_at_ms = excluded.ended_at_ms,
                                            snapshot = excluded.snapshot",
        )
        .bind(incident.id as i64)
        .bind(&incident.plan.id)
        .bind(i64::from(incident.drill))
        .bind(incident.started_at)
        .bind(incident.ended.as_ref().map(|e| e.at))
        .bind(encode(&state)?)
        .execute(&mut *tx)
        .await?;
        for l in &lines {
            sqlx::query(
                "INSERT INTO incident_line (incident, seq, at_ms, body) VALUES (?, ?, ?, ?)",
            )
            .bind(l.incident as i64)
            .bind(i64::from(l.seq))
            .bind(l.entry.at)
            .bind(encode(&l.entry)?)
            .execute(&mut *tx)
            .await?;
        }
        crate::devices::insert_outbox(&mut tx, &rows(&state, &lines)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The incidents still running, whole, oldest first.
    pub async fn running_incidents(&self) -> Result<Vec<Incident>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM incident WHERE ended_at_ms IS NULL ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(i) = self.incident(id as u64).await? {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// One incident, whole.
    pub async fn incident(&self, id: u64) -> Result<Option<Incident>> {
        let Ok(id) = i64::try_from(id) else {
            return Ok(None);
        };
        let snapshot: Option<String> =
            sqlx::query_scalar("SELECT snapshot FROM incident WHERE id = ?")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some(snapshot) = snapshot else {
            return Ok(None);
        };
        let mut incident: Incident = decode(&snapshot)?;
        let lines: Vec<String> =
            sqlx::query_scalar("SELECT body FROM incident_line WHERE incident = ? ORDER BY seq")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
        incident.timeline = lines
            .iter()
            .map(|l| decode::<Entry>(l))
            .collect::<Result<_>>()?;
        Ok(Some(incident))
    }

    /// The latest `limit` incidents (running and ended), whole, newest first.
    pub async fn incidents(&self, limit: u32) -> Result<Vec<Incident>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM incident ORDER BY id DESC LIMIT ?")
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(i) = self.incident(id as u64).await? {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Keeps a pre-processing form of `ticket` (the JSON of the form) by `by` at `at_ms`.
    pub async fn add_preprocess(
        &self,
        ticket: u64,
        form: &str,
        by: &str,
        at_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO ticket_preprocess (ticket, at_ms, by_staff, form) VALUES (?, ?, ?, ?)",
        )
        .bind(ticket as i64)
        .bind(at_ms)
        .bind(by)
        .bind(form)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The latest form of each of `tickets`: (ticket, form JSON, by, at).
    pub async fn preprocessed(&self, tickets: &[u64]) -> Result<Vec<(u64, String, String, i64)>> {
        let mut out = Vec::new();
        for t in tickets {
            let row: Option<(String, String, i64)> = sqlx::query_as(
                "SELECT form, by_staff, at_ms FROM ticket_preprocess
                 WHERE ticket = ? ORDER BY seq DESC LIMIT 1",
            )
            .bind(*t as i64)
            .fetch_optional(self.pool())
            .await?;
            if let Some((form, by, at)) = row {
                out.push((*t, form, by, at));
            }
        }
        Ok(out)
    }
}
