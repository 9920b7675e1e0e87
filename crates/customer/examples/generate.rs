//! Generates demo households and reports how many records and how long it took: `cargo run --release -p customer --example generate -- [accounts] [seed] [area] [--show N]`.

use customer::gen::Generator;
use customer::{owed, Day};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let plain: Vec<&String> = args.iter().take_while(|a| *a != "--show").collect();
    let accounts: usize = plain
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let seed: u64 = plain.get(1).and_then(|a| a.parse().ok()).unwrap_or(42);
    let area = plain.get(2).map_or("330102", |a| a.as_str());
    let today = Day::from_ymd(2025, 6, 18).expect("a real day");

    let started = Instant::now();
    let (mut readings, mut bills, mut payments, mut prepaid, mut low, mut arrears) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for (i, h) in Generator::new(seed, area, today).take(accounts).enumerate() {
        if i < show {
            println!(
                "{}",
                serde_json::to_string_pretty(&h).expect("serialisable")
            );
        }
        readings += h.readings.len();
        bills += h.bills.len();
        payments += h.payments.len();
        if let Some(p) = h.account.prepaid {
            prepaid += 1;
            low += usize::from(p.is_low());
        }
        arrears += usize::from(
            owed(&h.bills, &h.applied, today)
                .iter()
                .any(|o| o.days_late > 0),
        );
    }
    let took = started.elapsed();
    println!(
        "{accounts} accounts (seed {seed}, area {area}) in {took:.2?}: {readings} readings, {bills} bills, {payments} payments; {prepaid} prepaid ({low} below threshold), {arrears} in arrears ({:.2}%)",
        100.0 * arrears as f64 / accounts.max(1) as f64
    );
}
