//! The province's last offers of a release to the hall's PCs, kept so the hall answers them while the province is away.
//!
//! The store keeps each offer as the JSON text it is given, keyed by the
//! question as the hall node asks it; what an offer holds is the hall node's
//! business.

use crate::{Result, Store};

impl Store {
    /// Every remembered offer: (question, offer JSON), in question order.
    pub async fn update_offers(&self) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT asked, offer FROM update_offer ORDER BY asked")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Remembers the province's answer to `asked` at `at_ms`: `Some` offer
    /// replaces the one kept, `None` (nothing to install) forgets it.
    pub async fn put_update_offer(
        &self,
        asked: &str,
        offer: Option<&str>,
        at_ms: i64,
    ) -> Result<()> {
        match offer {
            Some(offer) => {
                sqlx::query(
                    "INSERT INTO update_offer (asked, offer, at_ms) VALUES (?, ?, ?)
                     ON CONFLICT (asked) DO UPDATE SET offer = excluded.offer, at_ms = excluded.at_ms",
                )
                .bind(asked)
                .bind(offer)
                .bind(at_ms)
                .execute(self.pool())
                .await?
            }
            None => {
                sqlx::query("DELETE FROM update_offer WHERE asked = ?")
                    .bind(asked)
                    .execute(self.pool())
                    .await?
            }
        };
        Ok(())
    }
}
