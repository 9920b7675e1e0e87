//! Customer records at the counter: a hall node holding its area's accounts, timing the record pop and the fuzzy search through the real HTTP API, and how fast the hall takes in its area.
//!
//! The node runs as in a hall (`hall_node::start`, SQLite). Its area is
//! filled from the seeded generator in pages of 2,000 accounts through
//! `Store::apply_page`, the path a pull takes (the time it takes is the
//! hall's share of a first replication; the network's is not in it). Then,
//! as clerk 1001 over loopback HTTP:
//! - the record pop: `GET /api/v1/customers/{account}` of random accounts
//!   (decoded, audited, what is owed computed);
//! - the search: `GET /api/v1/customers?q=` by a customer's name, by a
//!   fragment of an address (community and building), and by both.
//!
//! The targets: record pop p99 ≤ 20 ms and search p99 ≤ 100 ms on
//! an area of 1,000,000 accounts. `YYT_BENCH_CUSTOMERS` sets the area's size
//! (default 100,000); `YYT_BENCH_QUICK=1` takes 100 samples of each instead
//! of 1,000.

use customer::{Day, Generator, Household};
use ipc::customers::{CustomerHits, CustomerRecord};
use ipc::hall::SessionReply;
use ipc::LoginRequest;
use rand::prelude::*;
use std::time::{Duration, Instant};
use sync_proto::customers::{AccountCopy, CustomerPage, MAX_PAGE};

mod common;
use common::{ms, percentile};

const AREA: &str = "EAST";
const SEED: u64 = 42;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn report(name: &str, mut samples: Vec<Duration>, target_ms: f64) {
    samples.sort();
    let p99 = percentile(&samples, 0.99);
    println!(
        "| {name} | {} | {:.2} ms | {:.2} ms | {:.2} ms | p99 ≤ {target_ms} ms: {} |",
        samples.len(),
        ms(percentile(&samples, 0.50)),
        ms(p99),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
        if ms(p99) <= target_ms {
            "met"
        } else {
            "NOT met"
        },
    );
}

/// An address's community and building (`…近江小区12幢…` → `近江小区12幢`).
fn address_fragment(address: &str) -> String {
    let start = address.find("街道").map_or(0, |i| i + "街道".len());
    let rest = &address[start..];
    let end = rest.find('幢').map_or(rest.len(), |i| i + '幢'.len_utf8());
    rest[..end].to_owned()
}

#[tokio::main]
async fn main() {
    let accounts = env_number("YYT_BENCH_CUSTOMERS", 100_000);
    let samples = if std::env::var_os("YYT_BENCH_QUICK").is_some() {
        100
    } else {
        1_000
    };
    let dir = tempfile::tempdir().unwrap();
    let opts = hall_node::Options {
        db: dir.path().join("hall.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        utc_offset_minutes: 480,
        demo: true,
        queue: queue::QueueConfig::demo(),
        province: None,
        devices: Default::default(),
        mqtt: Default::default(),
        video: Default::default(),
    };
    let node = hall_node::start(opts).await.unwrap();
    let today = Day::from_millis_cst(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );

    // The area, page by page, as a pull brings it.
    let started = Instant::now();
    let mut generator = Generator::new(SEED, AREA, today).take(accounts);
    let mut version = 0;
    loop {
        let batch: Vec<Household> = generator.by_ref().take(MAX_PAGE as usize).collect();
        if batch.is_empty() {
            break;
        }
        let copies: Vec<AccountCopy> = batch
            .into_iter()
            .map(|household| {
                version += 1;
                AccountCopy { version, household }
            })
            .collect();
        let page = CustomerPage {
            area: Some(AREA.into()),
            accounts: copies,
            next: version,
            more: true,
            at_ms: 1,
        };
        node.store.apply_page(&page, 1).await.unwrap();
    }
    let fill = started.elapsed();
    let db_bytes = std::fs::metadata(dir.path().join("hall.db"))
        .map(|m| m.len())
        .unwrap_or(0);

    let http = reqwest::Client::new();
    let base = format!("http://{}", node.addr);
    let login = LoginRequest {
        staff_no: "1001".into(),
        password: "demo-1001".into(),
    };
    let token = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&login)
        .send()
        .await
        .unwrap()
        .json::<SessionReply>()
        .await
        .unwrap()
        .token;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let pick = |rng: &mut rand_chacha::ChaCha8Rng| {
        let i = rng.random_range(0..accounts as u64);
        Generator::new(SEED, AREA, today).household(i).unwrap()
    };

    let mut pops = Vec::new();
    for _ in 0..samples {
        let h = pick(&mut rng);
        let url = format!("{base}/api/v1/customers/{}", h.account.no);
        let t = Instant::now();
        let r: CustomerRecord = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pops.push(t.elapsed());
        assert_eq!(r.account.no, h.account.no);
    }

    let mut searches: [(&str, Vec<Duration>, usize); 3] = [
        ("name", Vec::new(), 0),
        ("address fragment", Vec::new(), 0),
        ("name + address", Vec::new(), 0),
    ];
    for n in 0..samples {
        let h = pick(&mut rng);
        let fragment = address_fragment(&h.account.address);
        let (q, slot) = match n % 3 {
            0 => (h.customer.name.clone(), 0),
            1 => (fragment, 1),
            _ => (format!("{} {fragment}", h.customer.name), 2),
        };
        let t = Instant::now();
        let hits: CustomerHits = http
            .get(format!("{base}/api/v1/customers"))
            .query(&[("q", q.as_str())])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        searches[slot].1.push(t.elapsed());
        if hits.hits.iter().any(|x| x.account == h.account.no) {
            searches[slot].2 += 1;
        }
    }

    println!(
        "\nThe hall node with an area of {accounts} accounts (seed {SEED}), clerk 1001 over loopback HTTP\n"
    );
    println!(
        "taking in the area: {:.1} s ({:.0} accounts/s); database {:.0} MiB ({:.1} KiB per account)\n",
        fill.as_secs_f64(),
        accounts as f64 / fill.as_secs_f64(),
        db_bytes as f64 / 1_048_576.0,
        db_bytes as f64 / 1024.0 / accounts.max(1) as f64
    );
    println!("| measure | samples | p50 | p99 | max | target |");
    println!("|---|---|---|---|---|---|");
    report("record pop", pops, 20.0);
    for (name, s, found) in searches {
        let n = s.len();
        report(
            &format!("search by {name} (customer among the hits: {found}/{n})"),
            s,
            100.0,
        );
    }
    node.stop().await;
}
