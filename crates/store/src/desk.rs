//! The desktop app's outbox to its hall node: messages kept until the hall has accepted them.
//!
//! Delivery is in order and each message leaves the outbox once: the app
//! reads the oldest rows, sends one, and removes it (by its sequence number,
//! never reused) only after the hall accepted it; a failed send stops the
//! round with the rest kept for the next.

use crate::{Result, Store};

/// One queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskMessage {
    pub seq: u64,
    /// The message as JSON text.
    pub body: String,
}

impl Store {
    /// Queues messages behind those already waiting, all or none.
    pub async fn desk_queue(&self, bodies: &[String]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for body in bodies {
            sqlx::query("INSERT INTO desk_outbox (body) VALUES (?)")
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The oldest waiting messages, at most `limit`, oldest first.
    pub async fn desk_waiting(&self, limit: u32) -> Result<Vec<DeskMessage>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT seq, body FROM desk_outbox ORDER BY seq LIMIT ?")
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, body)| DeskMessage {
                seq: seq as u64,
                body,
            })
            .collect())
    }

    /// Removes a message the hall has accepted.
    pub async fn desk_delivered(&self, seq: u64) -> Result<()> {
        sqlx::query("DELETE FROM desk_outbox WHERE seq = ?")
            .bind(seq as i64)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
