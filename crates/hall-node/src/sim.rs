//! A simulated hall: customers arriving (Poisson, morning peak), clerks serving, pads rating.
//!
//! It drives a real hall node through its public API, like the real devices
//! and counter apps would, so the demo shows a living hall and load runs
//! exercise the whole stack. Time is compressed by `speed` (simulated seconds
//! per real second); the simulated day runs 08:30–17:30 and then starts over.

use crate::error::HallError;
use crate::Running;
use domain::{HallCode, Role, StaffName, StaffNo};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use store::accounts::Account;

/// Simulated clerks seeded for the demo: (staff number, name, counter).
pub const SIM_CLERKS: [(&str, &str, u16); 3] = [
    ("1101", "周敏", 4),
    ("1102", "刘洋", 5),
    ("1103", "孙丽", 6),
];
const SIM_PASSWORD: &str = "sim-clerk-1";

/// Arrivals per hour through the simulated day (hour of day, rate).
const ARRIVALS: [(f64, f64); 6] = [
    (8.5, 30.0),
    (9.0, 70.0),
    (11.0, 40.0),
    (14.0, 50.0),
    (16.0, 30.0),
    (17.5, 0.0),
];
/// Business mix: (code, share in percent).
const MIX: [(&str, u32); 5] = [("A", 45), ("C", 25), ("B", 10), ("D", 8), ("E", 12)];

/// A small deterministic generator: a seeded run is repeatable.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.unit() * f64::from(n)) as u32
    }

    /// Exponentially distributed with the given mean.
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

fn rate_at(hour: f64) -> f64 {
    ARRIVALS
        .iter()
        .rev()
        .find(|(h, _)| hour >= *h)
        .map_or(0.0, |(_, r)| *r)
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn post(&self, path: &str, token: &str, body: Value) -> Result<Value, u16> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .map_err(|_| 0u16)?;
        let status = r.status();
        let v = r.json::<Value>().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(v)
        } else {
            Err(status.as_u16())
        }
    }
}

/// Seeds the simulated clerks and runs the simulation against `node` until the task is dropped.
pub async fn run_demo(
    node: &Running,
    speed: f64,
    seed: u64,
) -> Result<tokio::task::JoinHandle<()>, HallError> {
    let hall = node.store.this_hall().await?;
    for (no, name, _) in SIM_CLERKS {
        let staff_no = StaffNo::parse(no).map_err(|e| HallError::internal(format!("{e:?}")))?;
        let known = node
            .store
            .staff_names()
            .await?
            .iter()
            .any(|(n, _)| *n == staff_no);
        if !known {
            let account = Account {
                staff_no,
                name: StaffName::parse(name).map_err(|e| HallError::internal(format!("{e:?}")))?,
                role: Role::Clerk,
                hall_code: HallCode::parse(hall.code.as_str())
                    .map_err(|e| HallError::internal(format!("{e:?}")))?,
            };
            node.store.put_account(&account, SIM_PASSWORD).await?;
        }
    }
    let tokens = crate::demo_device_urls(&node.store, node.addr).await?;
    let token_of = |name: &str| {
        tokens
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, url)| url.rsplit("token=").next())
            .map(str::to_owned)
    };
    let kiosk =
        token_of("kiosk").ok_or_else(|| HallError::internal("the demo hall has no kiosk"))?;
    let pads: HashMap<u16, String> = SIM_CLERKS
        .iter()
        .filter_map(|(_, _, c)| Some((*c, token_of(&format!("pad-{c}"))?)))
        .collect();
    let api = Api {
        http: reqwest::Client::new(),
        base: format!("http://{}", node.addr),
    };
    let mut clerks = Vec::new();
    for (no, _, counter) in SIM_CLERKS {
        let v = api
            .http
            .post(format!("{}/api/v1/sessions", api.base))
            .json(&json!({"staff_no": no, "password": SIM_PASSWORD}))
            .send()
            .await
            .map_err(HallError::internal)?
            .json::<Value>()
            .await
            .map_err(HallError::internal)?;
        let token = v["token"]
            .as_str()
            .ok_or_else(|| HallError::internal(format!("sim clerk {no} cannot sign in: {v}")))?
            .to_owned();
        clerks.push((counter, token));
    }
    Ok(tokio::spawn(simulate(
        api, kiosk, clerks, pads, speed, seed,
    )))
}

async fn simulate(
    api: Api,
    kiosk: String,
    clerks: Vec<(u16, String)>,
    pads: HashMap<u16, String>,
    speed: f64,
    seed: u64,
) {
    let api = std::sync::Arc::new(api);
    for (i, (counter, token)) in clerks.into_iter().enumerate() {
        let pad = pads.get(&counter).cloned();
        tokio::spawn(clerk(
            api.clone(),
            counter,
            token,
            pad,
            speed,
            seed.wrapping_add(i as u64 + 1),
        ));
    }
    arrivals(api, kiosk, speed, seed).await;
}

/// Real time for `secs` simulated seconds.
fn real(secs: f64, speed: f64) -> Duration {
    Duration::from_secs_f64((secs / speed).clamp(0.05, 3600.0))
}

async fn arrivals(api: std::sync::Arc<Api>, kiosk: String, speed: f64, seed: u64) {
    let mut rng = Rng(seed);
    let day_start = 8.5 * 3600.0;
    let mut t = day_start;
    loop {
        let rate = rate_at(t / 3600.0);
        if rate <= 0.0 {
            t = day_start; // the hall closes; a new simulated day begins
            continue;
        }
        let gap = rng.exp(3600.0 / rate);
        tokio::time::sleep(real(gap, speed)).await;
        t += gap;
        let mut pick = rng.below(100);
        let business = MIX.iter().find(|(_, share)| {
            let hit = pick < *share;
            pick = pick.saturating_sub(*share);
            hit
        });
        let business = business.map_or("A", |(b, _)| *b);
        let priority = match rng.below(100) {
            0..=1 => "vip",
            2..=6 => "green",
            7..=11 => "appointment",
            _ => "normal",
        };
        let customer = (rng.below(100) < 40).then(|| format!("33{:08}", rng.below(100_000_000)));
        let _ = api
            .post(
                "/api/v1/tickets",
                &kiosk,
                json!({"business": business, "priority": priority, "customer": customer}),
            )
            .await;
    }
}

async fn clerk(
    api: std::sync::Arc<Api>,
    counter: u16,
    token: String,
    pad: Option<String>,
    speed: f64,
    seed: u64,
) {
    let mut rng = Rng(seed);
    let at = |op: &str| format!("/api/v1/counters/{counter}/{op}");
    let _ = api.post(&at("open"), &token, json!({})).await;
    loop {
        let called = match api.post(&at("call-next"), &token, json!({})).await {
            Ok(v) => v,
            Err(_) => {
                tokio::time::sleep(real(20.0, speed).max(Duration::from_millis(500))).await;
                continue;
            }
        };
        let business = called["events"][0]["no"]
            .as_str()
            .and_then(|n| n.get(..1))
            .unwrap_or("A")
            .to_owned();
        // The customer walks up; some need a second call, a few never come.
        tokio::time::sleep(real(15.0 + rng.exp(20.0), speed)).await;
        if rng.below(100) < 10 {
            let _ = api.post(&at("recall"), &token, json!({})).await;
            tokio::time::sleep(real(30.0, speed)).await;
            if rng.below(100) < 50 {
                let _ = api.post(&at("no-show"), &token, json!({})).await;
                continue;
            }
        }
        if api.post(&at("start"), &token, json!({})).await.is_err() {
            continue;
        }
        let mean = match business.as_str() {
            "A" => 180.0,
            "B" => 600.0,
            "C" => 300.0,
            "D" => 480.0,
            _ => 420.0,
        };
        tokio::time::sleep(real(mean * 0.4 + rng.exp(mean * 0.6), speed)).await;
        if rng.below(100) < 3 {
            let _ = api
                .post(
                    &at("transfer"),
                    &token,
                    json!({"to_business": if business == "C" { "A" } else { "C" }}),
                )
                .await;
            continue;
        }
        let Ok(done) = api.post(&at("finish"), &token, json!({})).await else {
            continue;
        };
        let Some(pad) = &pad else { continue };
        let ticket = done["events"][0]["ticket"].as_u64().unwrap_or(0);
        tokio::time::sleep(real(8.0 + rng.exp(6.0), speed)).await;
        let (score, reasons): (Value, Vec<&str>) = match rng.below(100) {
            0..=9 => (Value::Null, vec![]),
            10..=63 => (json!(5), vec![]),
            64..=86 => (json!(4), vec![]),
            87..=94 => (json!(3), vec![]),
            95..=97 => (json!(2), vec!["等待时间长"]),
            _ => (json!(1), vec!["办理速度慢", "服务态度不好"]),
        };
        let _ = api
            .post(
                "/api/v1/ratings",
                pad,
                json!({"ticket": ticket, "score": score, "reasons": reasons}),
            )
            .await;
    }
}
