//! A simulated hall: customers arriving (Poisson, morning peak), clerks serving, pads rating.
//!
//! It drives a real hall node through its public API, like the real devices
//! and counter apps would, so the demo shows a living hall and load runs
//! exercise the whole stack. Time is compressed by `speed` (simulated seconds
//! per real second). A simulated day: the doors open at 08:30 and close at
//! 17:30, the clerks serve everyone inside, and the next day begins (the clerks
//! keep their counters). The hall's business day stays on the real calendar.

use crate::error::HallError;
use crate::Running;
use domain::{HallCode, Role, StaffName, StaffNo};
use ipc::hall::{
    CounterReply, Empty, IssueReply, IssueRequest, RatingRequest, SessionReply, TransferRequest,
};
use ipc::{ApiError, LoginRequest};
use queue::Event;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::accounts::Account;
use tokio::sync::watch;

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
    /// Posts `body` as `token`; a refusal is its status, a node out of reach (or an answer not understood) 0.
    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<T, u16> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(|_| 0u16)?;
        let status = r.status();
        if !status.is_success() {
            return Err(status.as_u16());
        }
        r.json::<T>().await.map_err(|_| 0u16)
    }

    /// A counter action (`op`) with its body; the answer says what it made happen.
    async fn act<B: Serialize>(
        &self,
        counter: u16,
        op: &str,
        token: &str,
        body: &B,
    ) -> Result<CounterReply, u16> {
        self.post(&format!("/api/v1/counters/{counter}/{op}"), token, body)
            .await
    }

    /// Signs a simulated clerk in; returns the session token.
    async fn sign_in(&self, no: &str) -> Result<String, HallError> {
        let r = self
            .http
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&LoginRequest {
                staff_no: no.to_owned(),
                password: SIM_PASSWORD.to_owned(),
            })
            .send()
            .await
            .map_err(HallError::internal)?;
        if !r.status().is_success() {
            let why = r.json::<ApiError>().await.map_err(HallError::internal)?;
            return Err(HallError::internal(format!(
                "sim clerk {no} cannot sign in: {why}"
            )));
        }
        let reply = r
            .json::<SessionReply>()
            .await
            .map_err(HallError::internal)?;
        Ok(reply.token)
    }
}

/// What a bounded simulation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Simulated days run to the end.
    pub days: u32,
    /// Tickets the simulated customers took.
    pub tickets: u64,
}

/// Seeds the simulated clerks and runs the simulation against `node` until the task is dropped.
pub async fn run_demo(
    node: &Running,
    speed: f64,
    seed: u64,
) -> Result<tokio::task::JoinHandle<()>, HallError> {
    let sim = run(node, speed, seed, None).await?;
    Ok(tokio::spawn(async move {
        let _ = sim.await;
    }))
}

/// Seeds the simulated clerks and simulates `days` days against `node` (without
/// end when `None`). The task ends once the last day's last customer has left.
pub async fn run(
    node: &Running,
    speed: f64,
    seed: u64,
    days: Option<u32>,
) -> Result<tokio::task::JoinHandle<Summary>, HallError> {
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
        clerks.push((counter, api.sign_in(no).await?));
    }
    Ok(tokio::spawn(simulate(
        api, kiosk, clerks, pads, speed, seed, days,
    )))
}

/// Whether the hall's doors are open, on which simulated day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doors {
    Open(u32),
    /// Nobody new comes in; the clerks serve who is inside.
    Closed(u32),
    /// The simulation is over: the clerks leave.
    Gone,
}

/// What the arrivals and the clerks share: the doors, and how many clerks
/// have found nobody left to serve since the doors closed.
struct Day {
    doors: watch::Sender<Doors>,
    idle: watch::Sender<usize>,
}

async fn simulate(
    api: Api,
    kiosk: String,
    clerks: Vec<(u16, String)>,
    pads: HashMap<u16, String>,
    speed: f64,
    seed: u64,
    days: Option<u32>,
) -> Summary {
    let api = Arc::new(api);
    let day = Arc::new(Day {
        doors: watch::Sender::new(Doors::Open(1)),
        idle: watch::Sender::new(0),
    });
    let staff = clerks.len();
    // Important customers and appointments are checked in at the desk by a clerk.
    let desk = clerks
        .first()
        .map_or_else(|| kiosk.clone(), |(_, t)| t.clone());
    let mut working = Vec::new();
    for (i, (counter, token)) in clerks.into_iter().enumerate() {
        let pad = pads.get(&counter).cloned();
        working.push(tokio::spawn(clerk(
            api.clone(),
            day.clone(),
            counter,
            token,
            pad,
            speed,
            seed.wrapping_add(i as u64 + 1),
        )));
    }
    let mut rng = Rng(seed);
    let mut summary = Summary::default();
    while days.is_none_or(|d| summary.days < d) {
        let n = summary.days + 1;
        day.idle.send_replace(0);
        day.doors.send_replace(Doors::Open(n));
        summary.tickets += arrivals(&api, &kiosk, &desk, speed, &mut rng).await;
        day.doors.send_replace(Doors::Closed(n));
        // The day ends when every clerk has found nobody left to serve.
        let mut idle = day.idle.subscribe();
        let _ = idle.wait_for(|n| *n >= staff).await;
        summary.days = n;
    }
    day.doors.send_replace(Doors::Gone);
    for w in working {
        let _ = w.await;
    }
    summary
}

/// Real time for `secs` simulated seconds.
fn real(secs: f64, speed: f64) -> Duration {
    Duration::from_secs_f64((secs / speed).clamp(0.002, 3600.0))
}

/// One day's customers, from the doors opening until they close; returns how many took a ticket.
/// They take tickets at the kiosk, except those whose priority staff grant (at `desk`).
async fn arrivals(api: &Api, kiosk: &str, desk: &str, speed: f64, rng: &mut Rng) -> u64 {
    let opening = ARRIVALS[0].0 * 3600.0;
    let opened = tokio::time::Instant::now();
    let mut t = opening;
    let mut issued = 0;
    loop {
        let rate = rate_at(t / 3600.0);
        if rate <= 0.0 {
            return issued; // the doors close
        }
        t += rng.exp(3600.0 / rate);
        // Kept to the day's schedule, so slow answers do not thin the crowd.
        tokio::time::sleep_until(opened + Duration::from_secs_f64((t - opening) / speed)).await;
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
        let issuer = match priority {
            "vip" | "appointment" => desk,
            _ => kiosk,
        };
        let req = IssueRequest {
            business: business.to_owned(),
            priority: Some(priority.to_owned()),
            customer,
        };
        let taken = api
            .post::<_, IssueReply>("/api/v1/tickets", issuer, &req)
            .await;
        issued += u64::from(taken.is_ok());
    }
}

async fn clerk(
    api: Arc<Api>,
    day: Arc<Day>,
    counter: u16,
    token: String,
    pad: Option<String>,
    speed: f64,
    seed: u64,
) {
    let mut rng = Rng(seed);
    let _ = api.act(counter, "open", &token, &Empty {}).await;
    loop {
        // Read before calling: nobody to call after the doors closed means nobody is left.
        let doors = *day.doors.borrow();
        if doors == Doors::Gone {
            return;
        }
        let called = match api.act(counter, "call-next", &token, &Empty {}).await {
            Ok(v) => v,
            Err(status) => {
                match doors {
                    Doors::Open(_) if status == 0 => {
                        // The node does not answer: no need to hammer it.
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    Doors::Open(_) => {
                        tokio::time::sleep(real(30.0, speed).max(Duration::from_millis(10))).await
                    }
                    Doors::Closed(_) => {
                        // Nobody left: wait for the next day (or the end).
                        day.idle.send_modify(|n| *n += 1);
                        let mut next = day.doors.subscribe();
                        let _ = next.wait_for(|d| *d != doors).await;
                    }
                    Doors::Gone => return,
                }
                continue;
            }
        };
        let business = called
            .events
            .iter()
            .find_map(|e| match e {
                Event::Called { no, .. } => Some(no.business.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| "A".to_owned());
        // The customer walks up; some need a second call, a few never come.
        tokio::time::sleep(real(15.0 + rng.exp(20.0), speed)).await;
        if rng.below(100) < 10 {
            let _ = api.act(counter, "recall", &token, &Empty {}).await;
            tokio::time::sleep(real(30.0, speed)).await;
            if rng.below(100) < 50 {
                let _ = api.act(counter, "no-show", &token, &Empty {}).await;
                continue;
            }
        }
        if api.act(counter, "start", &token, &Empty {}).await.is_err() {
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
        // A few need another business. (The number's letter is the business the
        // ticket was issued for; a ticket transferred before may already have the
        // other one: then this clerk serves it after all.)
        let elsewhere = TransferRequest {
            to_business: Some(if business == "C" { "A" } else { "C" }.to_owned()),
            ..TransferRequest::default()
        };
        if rng.below(100) < 3
            && api
                .act(counter, "transfer", &token, &elsewhere)
                .await
                .is_ok()
        {
            continue;
        }
        let Ok(done) = api.act(counter, "finish", &token, &Empty {}).await else {
            continue;
        };
        let Some(pad) = &pad else { continue };
        let ticket = done
            .events
            .iter()
            .find_map(|e| match e {
                Event::Finished { ticket, .. } => Some(ticket.0),
                _ => None,
            })
            .unwrap_or(0);
        tokio::time::sleep(real(8.0 + rng.exp(6.0), speed)).await;
        let (score, reasons): (Option<u8>, &[&str]) = match rng.below(100) {
            0..=9 => (None, &[]),
            10..=63 => (Some(5), &[]),
            64..=86 => (Some(4), &[]),
            87..=94 => (Some(3), &[]),
            95..=97 => (Some(2), &["等待时间长"]),
            _ => (Some(1), &["办理速度慢", "服务态度不好"]),
        };
        let rating = RatingRequest {
            ticket,
            score,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        };
        let _ = api.post::<_, Empty>("/api/v1/ratings", pad, &rating).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipc::hall::TicketRow;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_simulated_day_issues_serves_and_rates_through_the_api() {
        let dir = tempfile::tempdir().unwrap();
        let node = crate::start(crate::Options {
            db: dir.path().join("hall.db"),
            listen: "127.0.0.1:0".parse().unwrap(),
            utc_offset_minutes: crate::clock::CST_OFFSET_MINUTES,
            demo: true,
            queue: queue::QueueConfig::demo(),
            province: None,
            devices: Default::default(),
            mqtt: Default::default(),
            video: Default::default(),
        })
        .await
        .unwrap();
        let summary = run(&node, 30_000.0, 7, Some(1))
            .await
            .unwrap()
            .await
            .unwrap();
        assert_eq!(summary.days, 1);
        assert!(summary.tickets > 100, "{summary:?}");

        let api = Api {
            http: reqwest::Client::new(),
            base: format!("http://{}", node.addr),
        };
        let token = api.sign_in("1101").await.unwrap();
        let rows: Vec<TicketRow> = api
            .http
            .get(format!("{}/api/v1/tickets", api.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            rows.len() as u64,
            summary.tickets,
            "every ticket taken is there"
        );
        let done = rows.iter().filter(|r| r.state == "done").count();
        let rated = rows
            .iter()
            .filter(|r| r.score.is_some_and(|s| s > 0))
            .count();
        assert!(done > rows.len() / 2, "served: {done} of {}", rows.len());
        assert!(rated > done / 2, "rated on the pads: {rated} of {done}");
        assert!(
            rows.iter().all(|r| r.state != "waiting"),
            "nobody is left waiting when the day ends"
        );
    }
}
