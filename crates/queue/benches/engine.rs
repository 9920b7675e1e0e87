//! Engine throughput: simulated hall days of a realistic operation mix, in-process, no IO.

use domain::StaffNo;
use queue::{
    BusinessCode, Command, CounterNo, Event, HallQueue, QueueConfig, Rating, Score,
    TransferPlacement, NORMAL,
};
use std::time::Instant;

/// A tiny deterministic generator, so every run does the same work.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn main() {
    let config = QueueConfig::demo();
    let businesses: Vec<BusinessCode> = config.businesses.iter().map(|b| b.code).collect();
    let counters: Vec<CounterNo> = config.counters.iter().map(|c| c.no).collect();
    let priorities = [
        "vip",
        "green",
        "appointment",
        NORMAL,
        NORMAL,
        NORMAL,
        NORMAL,
        NORMAL,
        NORMAL,
        NORMAL,
    ];
    let mut rng = Lcg(42);
    let days = 200;
    let tickets_per_day = 1_500;
    let mut ops = 0u64;
    let mut refused = 0u64;
    let started = Instant::now();
    let mut q = HallQueue::new(config, 1, 1).unwrap();
    let mut now = 1_700_000_000_000i64;
    for day in 0..days {
        if day > 0 {
            q.apply(&Command::OpenDay { day: day + 1 }, now).unwrap();
            ops += 1;
        }
        for (i, c) in counters.iter().enumerate() {
            let staff = StaffNo::parse(&format!("{}", 1001 + i)).unwrap();
            q.apply(&Command::OpenCounter { counter: *c, staff }, now)
                .unwrap();
            ops += 1;
        }
        let mut issued = 0;
        while issued < tickets_per_day || q.counters().iter().any(|v| v.current.is_some()) {
            now += 1_000 + rng.next(4_000) as i64;
            let cmd = if issued < tickets_per_day && rng.next(3) == 0 {
                issued += 1;
                Command::Issue {
                    business: businesses[rng.next(businesses.len() as u64) as usize],
                    priority: priorities[rng.next(priorities.len() as u64) as usize].into(),
                    customer: None,
                    granted_by: None,
                }
            } else {
                let counter = counters[rng.next(counters.len() as u64) as usize];
                match rng.next(20) {
                    0 => Command::Recall { counter },
                    1 => Command::Transfer {
                        counter,
                        to_business: Some(businesses[rng.next(businesses.len() as u64) as usize]),
                        to_counter: None,
                        placement: TransferPlacement::KeepArrival,
                    },
                    2..=7 => Command::CallNext { counter },
                    8..=13 => Command::Start { counter },
                    _ => Command::Finish {
                        counter,
                        handled: None,
                    },
                }
            };
            ops += 1;
            match q.apply(&cmd, now) {
                Ok(events) => {
                    for e in events {
                        if let Event::Finished { ticket, .. } = e {
                            let rating = Rating::Rated {
                                score: Score::new(1 + rng.next(5) as u8).unwrap(),
                                reasons: vec![],
                            };
                            q.apply(&Command::Rate { ticket, rating }, now).unwrap();
                            ops += 1;
                        }
                    }
                }
                Err(_) => refused += 1,
            }
        }
        q.apply(&Command::CloseDay, now).unwrap();
        ops += 1;
        now += 12 * 3_600_000;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "queue engine: {ops} operations ({refused} refused as invalid) over {days} simulated hall-days of {tickets_per_day} tickets in {secs:.2} s = {:.0} ops/s, {:.0} hall-days/s",
        ops as f64 / secs,
        days as f64 / secs
    );
}
