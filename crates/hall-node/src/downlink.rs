//! The hall's downlink: pulls what the province owns and puts it to use here.
//!
//! Staff accounts become sign-ins at this hall (the province decides name,
//! role and whether the account is active; a password is whichever was set
//! last, here or at the province); business types, priority classes and this
//! hall's counters become the queue set-up of the next business day (a day
//! keeps the set-up it opened with); programs for the hall's screens are
//! kept with the feed (a withdrawn one as withdrawn) and wake the fetcher of
//! their media files (`programs.rs`). Pages are applied with their cursor in
//! one transaction, so an interrupted download resumes and never applies a
//! record twice to a different effect (merges are idempotent). Every record
//! of a page is checked against `sync_proto::limits` (by `Downloader::on_page`)
//! before any is applied: a page with one out of bounds is not applied, the
//! cursor stays, and the board shows the refusal.

use crate::clock::Clock;
use crate::uplink::{Province, SharedLink};
use crate::views::Names;
use queue::{
    BusinessCode, BusinessType, CounterConfig, CounterNo, PriorityClass, PriorityGrant,
    QueueConfig, Strategy,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use store::owned::{FeedRecord, StaffUpdate};
use store::Store;
use sync_proto::owned::{
    self, BusinessRecord, Fields, HallSetup, OwnedKind, PriorityRecord, StaffRecord, STAFF,
};
use sync_proto::{Downloader, NextPull, OwnedRecord, PullReply, Versioned};
use tokio::sync::{watch, RwLock};
use tracing::Instrument;

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
    /// Told when programs arrive, so their media files are fetched.
    pub screens: crate::programs::Screens,
    /// Told when plans or outages arrive.
    pub emergency: crate::emergency::EmergencyService,
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
                    let span = tracing::info_span!(
                        "pull",
                        since = req.since,
                        records = records.len(),
                        cursor = down.cursor()
                    );
                    let applied = apply(&store, &hall, records, down.cursor(), &sinks)
                        .instrument(span)
                        .await;
                    if let Err(e) = applied {
                        tracing::warn!(error = %e, "applying the province's records failed; retrying in 5 s");
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
                tracing::warn!(refusal = ?r, "the province refuses the feed; retrying in 30 s");
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
    let mut programs = false;
    let mut plans = false;
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
        match (OwnedKind::parse(&r.kind), &fields) {
            (OwnedKind::Staff, Some(fields)) => match staff_update(store, hall, &r.key, fields)
                .await
            {
                Ok(Some(u)) => staff.push(u),
                Ok(None) => {}
                Err(e) => tracing::warn!(staff = %r.key, error = %e, "a staff record is skipped"),
            },
            (OwnedKind::Hall, Some(fields)) if r.key == hall => {
                hall_name = owned::read::<HallSetup>(fields)
                    .ok()
                    .map(|setup| setup.name)
                    .filter(|name| !name.is_empty());
                setup_changed = true;
            }
            (OwnedKind::Business | OwnedKind::Priority, _) => setup_changed = true,
            (OwnedKind::Program, _) => programs = true,
            (OwnedKind::Plan | OwnedKind::Outage, _) => plans = true,
            _ => {}
        }
    }
    store
        .apply_feed(FEED_PEER, cursor, &feed, &staff, hall_name.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    if programs {
        sinks.screens.wake();
    }
    if plans {
        sinks.emergency.plans_changed();
    }
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
            Err(e) => tracing::warn!(error = %e, "the province's queue set-up is not usable"),
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
    let record: StaffRecord = owned::read(&merged).map_err(|e| e.to_string())?;
    if record.hall != hall {
        return Ok(None);
    }
    let (Some(password), Some(password_hash)) = (merged.get("password_hash"), record.password_hash)
    else {
        return Err("no password".to_owned());
    };
    Ok(Some(StaffUpdate {
        staff_no,
        name: domain::StaffName::parse(&record.name)
            .map_err(|e| format!("name: {e:?}"))?
            .as_str()
            .to_owned(),
        role: domain::Role::parse(&record.role)
            .map_err(|e| format!("role: {e:?}"))?
            .code()
            .to_owned(),
        hall_code: hall.to_owned(),
        active: record.active,
        password_hash,
        password_hlc: serde_json::to_string(&password.hlc).map_err(|e| e.to_string())?,
        password_by_upper: password.by_upper,
    }))
}

/// The queue set-up the province gives this hall, once it has given one:
/// the hall's counters, the business types they serve and the priority
/// classes (built-in ones until the province has its own). Checked like any set-up.
pub async fn province_config(store: &Store, hall: &str) -> Result<Option<QueueConfig>, String> {
    fn read<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, String> {
        let fields: Fields = serde_json::from_str(body).map_err(|e| e.to_string())?;
        owned::read(&fields).map_err(|e| e.to_string())
    }
    let Some((_, setup)) = store
        .owned(OwnedKind::Hall.as_str())
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|(k, _)| k == hall)
    else {
        return Ok(None);
    };
    let setup: HallSetup = read(&setup)?;
    let business =
        |code: &str| BusinessCode::parse(code).map_err(|e| format!("business {code}: {e:?}"));
    let counters = setup
        .counters
        .iter()
        .map(|c| {
            Ok(CounterConfig {
                no: CounterNo::new(c.no).map_err(|e| format!("counter {}: {e:?}", c.no))?,
                skills: c
                    .skills
                    .iter()
                    .map(|b| business(b))
                    .collect::<Result<_, String>>()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let served: BTreeSet<&str> = setup
        .counters
        .iter()
        .flat_map(|c| c.skills.iter().map(String::as_str))
        .collect();
    let mut businesses = Vec::new();
    for (code, body) in store
        .owned(OwnedKind::Business.as_str())
        .await
        .map_err(|e| e.to_string())?
    {
        if served.contains(code.as_str()) {
            let b: BusinessRecord = read(&body)?;
            businesses.push(BusinessType {
                code: business(&code)?,
                name_zh: b.name_zh,
                name_en: b.name_en,
                default_service_secs: b.default_service_secs,
            });
        }
    }
    let mut priorities = Vec::new();
    for (code, body) in store
        .owned(OwnedKind::Priority.as_str())
        .await
        .map_err(|e| e.to_string())?
    {
        let p: PriorityRecord = read(&body)?;
        priorities.push(PriorityClass {
            grant: PriorityGrant::default_for(&code),
            code,
            name_zh: p.name_zh,
            name_en: p.name_en,
            weight: p.weight,
        });
    }
    let builtin = QueueConfig::demo();
    let strategy = match setup.strategy.as_deref() {
        None | Some("priority_then_longest_wait") => Strategy::PriorityThenLongestWait,
        Some("preferred_business_first") => Strategy::PreferredBusinessFirst,
        Some(other) => return Err(format!("unknown strategy {other:?}")),
    };
    let config = QueueConfig {
        businesses,
        priorities: if priorities.is_empty() {
            builtin.priorities
        } else {
            priorities
        },
        counters,
        strategy,
        overflow: setup.overflow.unwrap_or(builtin.overflow),
        recall_limit: setup.recall_limit.unwrap_or(builtin.recall_limit),
        estimate_window: builtin.estimate_window,
    };
    config.check().map_err(|e| format!("{e:?}"))?;
    Ok(Some(config))
}
