//! The programs on the hall's screens: the province's (from its feed) and the hall's own notices, what the call displays show now, and the cache of the province's media files.
//!
//! A media file is fetched from the province once, streamed to a part file
//! while it is hashed, and kept under its SHA-256 only when the digest and
//! size match what the program says; a program whose file is not cached yet
//! is not shown. A failed fetch (the province away, a corrupt file) is tried
//! again later, backing off to a few minutes. The rotation is
//! `devices::program::on_screen` with the hall's UTC offset, so every display
//! and the supervisor's board agree.

use crate::error::HallError;
use crate::uplink::Province;
use devices::program::{self, Asset, Content, OnScreen, Origin, Program, Window};
use ipc::programs::ProgramItem;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use sync_proto::owned::{self, Fields, ProgramContent, ProgramRecord};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;

/// The least and the most time between two rounds of fetching when one failed.
const RETRY_MIN: Duration = Duration::from_secs(2);
const RETRY_MAX: Duration = Duration::from_secs(300);
/// How often the cache is looked over when nothing wakes it.
const IDLE: Duration = Duration::from_secs(600);

/// The hall's programs and the media cache.
#[derive(Clone)]
pub struct Screens {
    store: Store,
    cache: PathBuf,
    utc_offset_minutes: i32,
    wake: Arc<Notify>,
}

impl Screens {
    pub fn new(store: Store, cache: PathBuf, utc_offset_minutes: i32) -> Self {
        Self {
            store,
            cache,
            utc_offset_minutes,
            wake: Arc::default(),
        }
    }

    /// Tells the fetcher that the province's programs changed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Where a cached media file is.
    pub fn file(&self, sha256: &str) -> PathBuf {
        self.cache.join(sha256)
    }

    /// Every program of the hall (the province's not withdrawn, then the
    /// hall's own), each with whether its media file is cached.
    async fn all(&self) -> Result<Vec<(Program, bool)>, HallError> {
        let cached = self.store.cached_assets().await?;
        let mut out: Vec<(Program, bool)> = self
            .store
            .province_programs()
            .await?
            .iter()
            .filter_map(|(key, body)| {
                let p = from_feed(body);
                if p.is_none() {
                    tracing::debug!(key, "a program of the feed is withdrawn or unreadable");
                }
                p
            })
            .map(|p| {
                let ready = media(&p).is_none_or(|a| cached.contains(&a.sha256));
                (p, ready)
            })
            .collect();
        out.extend(
            self.store
                .local_programs()
                .await?
                .into_iter()
                .map(|p| (p, true)),
        );
        Ok(out)
    }

    /// What the call displays show at `now`.
    pub async fn now(&self, now: i64) -> Result<OnScreen, HallError> {
        let ready: Vec<Program> = self
            .all()
            .await?
            .into_iter()
            .filter_map(|(p, ready)| ready.then_some(p))
            .collect();
        Ok(program::on_screen(&ready, now, self.utc_offset_minutes))
    }

    /// What the call displays show at `now`, and every program with its state.
    pub async fn items(&self, now: i64) -> Result<(OnScreen, Vec<ProgramItem>), HallError> {
        let all = self.all().await?;
        let ready: Vec<Program> = all
            .iter()
            .filter(|(_, ready)| *ready)
            .map(|(p, _)| p.clone())
            .collect();
        let shown = program::on_screen(&ready, now, self.utc_offset_minutes);
        let items = all
            .into_iter()
            .map(|(program, ready)| ProgramItem {
                on_now: ready
                    && program.check().is_ok()
                    && program.is_on(now, self.utc_offset_minutes),
                program,
                ready,
            })
            .collect();
        Ok((shown, items))
    }

    /// The province's programs' media files not cached yet, once each.
    async fn missing(&self) -> Result<Vec<Asset>, HallError> {
        let mut out: Vec<Asset> = Vec::new();
        for (p, ready) in self.all().await? {
            if let (false, Some(a)) = (ready, media(&p)) {
                if !out.iter().any(|o| o.sha256 == a.sha256) {
                    out.push(a.clone());
                }
            }
        }
        Ok(out)
    }
}

fn media(p: &Program) -> Option<&Asset> {
    match &p.content {
        Content::Image { asset } | Content::Video { asset } => Some(asset),
        Content::Notice { .. } | Content::Scroll { .. } => None,
    }
}

/// A program of the province's feed (its versioned fields as stored), unless withdrawn.
fn from_feed(body: &str) -> Option<Program> {
    let fields: Fields = serde_json::from_str(body).ok()?;
    let r: ProgramRecord = owned::read(&fields).ok()?;
    if r.withdrawn {
        return None;
    }
    let asset = |a: sync_proto::owned::ProgramAsset| Asset {
        sha256: a.sha256,
        bytes: a.bytes,
        mime: a.mime,
    };
    let content = match r.content {
        ProgramContent::Notice { text } => Content::Notice { text },
        ProgramContent::Scroll { text } => Content::Scroll { text },
        ProgramContent::Image { asset: a } => Content::Image { asset: asset(a) },
        ProgramContent::Video { asset: a } => Content::Video { asset: asset(a) },
    };
    Some(Program {
        id: r.id,
        title: r.title,
        content,
        seconds: r.seconds,
        window: Window {
            from: r.from_ms,
            until: r.until_ms,
            hours: r.hours,
            weekdays: r.weekdays,
        },
        priority: r.priority,
        origin: Origin::Province,
    })
}

/// Fetches the province's media files into the cache, woken by the
/// downlink when programs arrive; failures are retried with backoff.
pub async fn fetch_assets(screens: Screens, province: Province, http: reqwest::Client) {
    let mut retry = RETRY_MIN;
    loop {
        let failed = match screens.missing().await {
            Err(e) => {
                tracing::warn!(error = %e, "listing the programs' media files failed");
                true
            }
            Ok(missing) => {
                let mut failed = false;
                for asset in missing {
                    if let Err(e) = fetch_one(&screens, &province, &http, &asset).await {
                        tracing::warn!(sha256 = %asset.sha256, error = %e, "a program's media file is not cached; trying again later");
                        failed = true;
                    }
                }
                failed
            }
        };
        let wait = if failed {
            let w = retry;
            retry = (retry * 2).min(RETRY_MAX);
            w
        } else {
            retry = RETRY_MIN;
            IDLE
        };
        let _ = tokio::time::timeout(wait, screens.wake.notified()).await;
    }
}

/// One media file: downloaded to a part file while hashed, kept only when
/// digest and size are the program's.
async fn fetch_one(
    screens: &Screens,
    province: &Province,
    http: &reqwest::Client,
    asset: &Asset,
) -> Result<(), String> {
    tokio::fs::create_dir_all(&screens.cache)
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "{}/sync/v1/programs/assets/{}",
        province.url.trim_end_matches('/'),
        asset.sha256
    );
    let mut resp = http
        .get(&url)
        .bearer_auth(&province.token)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("the province answers {}", resp.status()));
    }
    let part = screens.cache.join(format!("{}.part", asset.sha256));
    let result = async {
        let mut file = tokio::fs::File::create(&part)
            .await
            .map_err(|e| e.to_string())?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
            size += chunk.len() as u64;
            if size > asset.bytes {
                return Err(format!("larger than the {} bytes announced", asset.bytes));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(|e| e.to_string())?;
        }
        file.sync_all().await.map_err(|e| e.to_string())?;
        let digest = hex::encode(hasher.finalize());
        if digest != asset.sha256 || size != asset.bytes {
            return Err(format!("corrupt: SHA-256 {digest}, {size} bytes"));
        }
        tokio::fs::rename(&part, screens.file(&asset.sha256))
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&part).await;
    }
    result?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    screens
        .store
        .asset_cached(&asset.sha256, &asset.mime, asset.bytes, now)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(sha256 = %asset.sha256, bytes = asset.bytes, "a program's media file is cached");
    Ok(())
}
