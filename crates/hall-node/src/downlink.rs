//! The hall's downlink: pulls what the province owns and puts it to use here.
//!
//! Staff accounts become sign-ins at this hall (the province decides name,
//! role and whether the account is active; a password is whichever was set
//! last, here or at the province); business types, priority classes and this
//! hall's counters become the queue set-up of the next business day (a day
//! keeps the set-up it opened with). Pages are applied with their cursor in
//! one transaction, so an interrupted download resumes and never applies a
//! record twice to a different effect (merges are idempotent). Every record
//! of a page is checked against `sync_proto::limits` (by `Downloader::on_page`)
//! before any is applied: a page with one out of bounds is not applied, the
//! cursor stays, and the board shows the refusal.

use crate::clock::Clock;
use crate::uplink::{Province, SharedLink};
use crate::views::Names;
use queue::QueueConfig;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use store::owned::{FeedRecord, StaffUpdate};
use store::Store;
use sync_proto::owned::{self, Fields, BUSINESS, HALL, PRIORITY, STAFF};
use sync_proto::{Downloader, NextPull, OwnedRecord, PullReply, Versioned};
use tokio::sync::{watch, RwLock};

/// The mark under which the feed's cursor is kept.
pub const FEED_PEER: &str = "province-feed";
/// How long the province may hold a pull when nothing is new (a long poll).
const WAIT_MS: u64 = 20_000;
/// The least time between two pulls once caught up (in case the province
/// answers at once rather than holding the request).
const PAUSE: Duration = Duration::from_millis(500);

/// Where the downlink puts what it receives.
pub struct Sinks {
    pub config: watch::Sender<QueueConfig>,
    pub names: Arc<RwLock<Names>>,
    pub link: SharedLink,
}

pub async fn run(store: Store, province: Province, hall: String, clock: Clock, sinks: Sinks) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(WAIT_MS + 15_000))
        .build()
        .unwrap_or_default();
    let url = format!("{}/sync/v1/pull", province.url.trim_end_matches('/'));
    let node = format!("hall:{hall}");
    let mut down = Downloader::new(store.sync_mark(FEED_PEER).await.unwrap_or(0));
    loop {
        let req = down.request(&node, clock.now(), WAIT_MS);
        let reply = match http
            .post(&url)
            .bearer_auth(&province.token)
            .json(&req)
            .send()
            .await
        {
            Ok(r) => r.json::<PullReply>().await.ok(),
            Err(_) => None,
        };
        let next = match reply {
            None => down.on_transport_error(),
            Some(reply) => {
                let before = down.clone();
                let next = down.on_page(&reply);
                if let (PullReply::Page { records, .. }, NextPull::Pull | NextPull::CaughtUp) =
                    (&reply, &next)
                {
                    if let Err(e) = apply(&store, &hall, records, down.cursor(), &sinks).await {
                        eprintln!("hall node: applying the province's records: {e}");
                        down = before;
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                    let mut l = sinks.link.lock().unwrap_or_else(|p| p.into_inner());
                    l.last_pull_at = Some(clock.now());
                }
                next
            }
        };
        match next {
            NextPull::Pull => {}
            NextPull::CaughtUp => tokio::time::sleep(PAUSE).await,
            NextPull::Wait { ms } => tokio::time::sleep(Duration::from_millis(ms)).await,
            NextPull::Stop(r) => {
                eprintln!("hall node: the province refuses the feed: {r:?}; retrying in 30 s");
                if let Some(p) = crate::uplink::problem_of(&r) {
                    sinks.link.lock().unwrap_or_else(|p| p.into_inner()).problem = Some(p);
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        }
    }
}

/// Stores a page and puts it to use.
async fn apply(
    store: &Store,
    hall: &str,
    records: &[OwnedRecord],
    cursor: u64,
    sinks: &Sinks,
) -> Result<(), String> {
    let mut feed = Vec::new();
    let mut staff = Vec::new();
    let mut hall_name = None;
    let mut setup_changed = false;
    for r in records {
        let fields: Option<Fields> = match &r.body {
            Some(b) => Some(serde_json::from_value(b.clone()).map_err(|e| e.to_string())?),
            None => None,
        };
        feed.push(FeedRecord {
            kind: r.kind.clone(),
            key: r.key.clone(),
            body: fields
                .as_ref()
                .map(|f| serde_json::to_string(f).unwrap_or_default()),
        });
        match (r.kind.as_str(), &fields) {
            (STAFF, Some(fields)) => match staff_update(store, hall, &r.key, fields).await {
                Ok(Some(u)) => staff.push(u),
                Ok(None) => {}
                Err(e) => eprintln!("hall node: staff record {} skipped: {e}", r.key),
            },
            (HALL, Some(fields)) if r.key == hall => {
                hall_name = owned::plain(fields)
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                setup_changed = true;
            }
            (BUSINESS | PRIORITY, _) => setup_changed = true,
            _ => {}
        }
    }
    store
        .apply_feed(FEED_PEER, cursor, &feed, &staff, hall_name.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    if !staff.is_empty() {
        let names = store.staff_names().await.map_err(|e| e.to_string())?;
        *sinks.names.write().await = names.into_iter().collect::<HashMap<_, _>>();
    }
    if setup_changed {
        match province_config(store, hall).await {
            Ok(Some(config)) => {
                sinks.config.send_replace(config);
            }
            Ok(None) => {}
            Err(e) => eprintln!("hall node: the province's queue set-up is not usable: {e}"),
        }
    }
    Ok(())
}

/// The account a province staff record makes here, merged with the password set here.
async fn staff_update(
    store: &Store,
    hall: &str,
    key: &str,
    province: &Fields,
) -> Result<Option<StaffUpdate>, String> {
    let staff_no = domain::StaffNo::parse(key).map_err(|e| format!("{e:?}"))?;
    let mut local = Fields::new();
    if let Some(v) = store
        .password_version(&staff_no)
        .await
        .map_err(|e| e.to_string())?
    {
        if let Some(hlc) = v.hlc.and_then(|h| serde_json::from_str(&h).ok()) {
            local.insert(
                "password_hash".into(),
                Versioned {
                    value: v.hash.into(),
                    hlc,
                    by_upper: v.by_upper,
                },
            );
        }
    }
    let merged = owned::merge(STAFF, province, &local);
    let values = owned::plain(&merged);
    let text = |f: &str| {
        values
            .get(f)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("no {f}"))
    };
    if text("hall")? != hall {
        return Ok(None);
    }
    let password = merged
        .get("password_hash")
        .ok_or_else(|| "no password".to_owned())?;
    Ok(Some(StaffUpdate {
        staff_no,
        name: domain::StaffName::parse(&text("name")?)
            .map_err(|e| format!("name: {e:?}"))?
            .as_str()
            .to_owned(),
        role: domain::Role::parse(&text("role")?)
            .map_err(|e| format!("role: {e:?}"))?
            .code()
            .to_owned(),
        hall_code: hall.to_owned(),
        active: values
            .get("active")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        password_hash: text("password_hash")?,
        password_hlc: serde_json::to_string(&password.hlc).map_err(|e| e.to_string())?,
        password_by_upper: password.by_upper,
    }))
}

/// The queue set-up the province gives this hall, once it has given one:
/// the hall's counters, the business types they serve and the priority
/// classes (built-in ones until the province has its own). Checked like any set-up.
pub async fn province_config(store: &Store, hall: &str) -> Result<Option<QueueConfig>, String> {
    let plain_of = |body: &str| -> Result<Map<String, Value>, String> {
        let fields: Fields = serde_json::from_str(body).map_err(|e| e.to_string())?;
        Ok(owned::plain(&fields))
    };
    let Some((_, setup)) = store
        .owned(HALL)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|(k, _)| k == hall)
    else {
        return Ok(None);
    };
    let setup = plain_of(&setup)?;
    let counters = setup.get("counters").cloned().unwrap_or(json!([]));
    let served: BTreeSet<String> = counters
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["skills"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    let mut businesses = Vec::new();
    for (code, body) in store.owned(BUSINESS).await.map_err(|e| e.to_string())? {
        if served.contains(&code) {
            let mut b = plain_of(&body)?;
            b.insert("code".into(), code.into());
            businesses.push(Value::Object(b));
        }
    }
    let mut priorities = Vec::new();
    for (code, body) in store.owned(PRIORITY).await.map_err(|e| e.to_string())? {
        let mut p = plain_of(&body)?;
        p.insert("code".into(), code.into());
        priorities.push(Value::Object(p));
    }
    let builtin = QueueConfig::demo();
    let config = json!({
        "businesses": businesses,
        "priorities": if priorities.is_empty() { serde_json::to_value(&builtin.priorities).unwrap_or_default() } else { Value::Array(priorities) },
        "counters": counters,
        "strategy": setup.get("strategy").cloned().unwrap_or(json!("priority_then_longest_wait")),
        "overflow": setup.get("overflow").cloned().unwrap_or(json!(builtin.overflow)),
        "recall_limit": setup.get("recall_limit").cloned().unwrap_or(json!(builtin.recall_limit)),
        "estimate_window": builtin.estimate_window,
    });
    let config: QueueConfig = serde_json::from_value(config).map_err(|e| e.to_string())?;
    config.check().map_err(|e| format!("{e:?}"))?;
    Ok(Some(config))
}
