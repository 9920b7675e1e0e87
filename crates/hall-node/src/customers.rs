//! The pull of the hall's service area's customers: pages of the province's copy (`sync_proto::customers`) applied to the store with their mark, so the counter can serve customers while the province is out of reach.
//!
//! Pages of [`MAX_PAGE`] are asked from the mark until the province says no
//! more wait, then again every [`EVERY`]. A failed pull (no answer, a
//! refusal, a page that does not hold together, a store error) is retried
//! after 1 s, doubling to a minute; nothing of a failed page is kept, and
//! the task never ends the node.

use crate::clock::Clock;
use crate::uplink::Province;
use std::time::Duration;
use store::Store;
use sync_proto::customers::{CustomerPage, CustomerPull, MAX_PAGE};
use sync_proto::PROTOCOL_VERSION;

/// How often the area is pulled again once caught up.
pub const EVERY: Duration = Duration::from_secs(30);
/// The first wait after a failure; it doubles up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The wait after `failures` failed pulls in a row (1 or more).
pub fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    (FIRST_BACKOFF * 2u32.pow(doublings)).min(MAX_BACKOFF)
}

pub async fn run(store: Store, province: Province, clock: Clock) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap_or_default();
    let url = format!(
        "{}/sync/v1/customers/pull",
        province.url.trim_end_matches('/')
    );
    let mut failures = 0u32;
    loop {
        match pull(&store, &http, &url, &province.token, &clock).await {
            Ok(more) => {
                if failures > 0 {
                    tracing::info!("customer pull works again");
                }
                failures = 0;
                if !more {
                    tokio::time::sleep(EVERY).await;
                }
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let wait = backoff(failures);
                tracing::warn!(error = %e, failures, retry_in_ms = wait.as_millis() as u64, "customer pull failed");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Pulls and applies one page; whether more wait.
async fn pull(
    store: &Store,
    http: &reqwest::Client,
    url: &str,
    token: &str,
    clock: &Clock,
) -> Result<bool, String> {
    let since = store
        .customer_mark()
        .await
        .map_err(|e| e.to_string())?
        .map_or(0, |m| m.version);
    let req = CustomerPull {
        version: PROTOCOL_VERSION,
        since,
        limit: MAX_PAGE,
    };
    let resp = http
        .post(url)
        .bearer_auth(token)
        .json(&req)
        .send()
        .await
        .map_err(|e| format!("the province is out of reach: {e}"))?;
    let status = resp.status();
    if !status.is_success() {
        let body = resp.text().await.unwrap_or_default();
        let body: String = body.chars().take(200).collect();
        return Err(format!("the province answered {status}: {body}"));
    }
    let page: CustomerPage = resp
        .json()
        .await
        .map_err(|e| format!("the province's page does not read: {e}"))?;
    check(&page, since)?;
    let done = store
        .apply_page(&page, clock.now())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        since,
        next = page.next,
        stored = done.stored,
        kept = done.kept,
        more = page.more,
        "customer page applied"
    );
    Ok(page.more)
}

/// A page holds together: it moves forward (or says nothing more waits), its
/// accounts are of its area and within `since..=next`, and each is within the
/// model's bounds.
pub fn check(page: &CustomerPage, since: i64) -> Result<(), String> {
    if page.next < since {
        return Err(format!(
            "the page goes back: next {} < since {since}",
            page.next
        ));
    }
    if page.more && page.next == since && page.accounts.is_empty() {
        return Err("the page says more wait but brings nothing".into());
    }
    if page.accounts.len() > MAX_PAGE as usize {
        return Err(format!("the page has {} accounts", page.accounts.len()));
    }
    for c in &page.accounts {
        let h = &c.household;
        let no = h.account.no;
        if c.version <= since || c.version > page.next {
            return Err(format!(
                "account {no}: version {} outside {since}..={}",
                c.version, page.next
            ));
        }
        if page.area.as_deref() != Some(h.account.area.as_str()) {
            return Err(format!("account {no} is not of the page's area"));
        }
        h.customer
            .check()
            .and_then(|()| h.account.check())
            .map_err(|e| format!("account {no}: {}", e.en()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_second_to_a_minute() {
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }
}
