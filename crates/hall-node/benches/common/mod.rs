//! What the hall node's benchmarks share: percentiles, the process's CPU time and memory (whole, or by thread name), waiting for simulated devices.
// Each benchmark uses some of these, none all.
#![allow(dead_code)]

use hall_node::devsim::DevSim;
use std::time::{Duration, Instant};

/// Waits until all `n` simulated devices are connected (panics after `limit`); how long that took.
pub async fn all_connected(sim: &DevSim, n: usize, limit: Duration) -> Duration {
    let started = Instant::now();
    while sim.connected() < n {
        assert!(
            started.elapsed() < limit,
            "only {} of {n} devices connected",
            sim.connected()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// The `p` quantile (0..=1) of `sorted`, by the nearest rank; zero when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// A duration in milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// User plus system CPU time of this process so far.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv =
        |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// User plus system CPU time so far of this process's live threads whose
/// name starts with `prefix` (from /proc/self/task; threads that have ended
/// are not counted).
pub fn threads_cpu(prefix: &str) -> Duration {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut total = 0u64;
    for task in tasks.flatten() {
        let dir = task.path();
        let named = std::fs::read_to_string(dir.join("comm"))
            .is_ok_and(|comm| comm.trim_end().starts_with(prefix));
        if !named {
            continue;
        }
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap_or_default();
        // After the name in parentheses: state is field 3, utime 14, stime 15.
        let after = stat.rsplit_once(')').map(|(_, s)| s).unwrap_or_default();
        let fields: Vec<u64> = after
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|f| f.parse().ok())
            .collect();
        total += fields.iter().sum::<u64>();
    }
    Duration::from_micros(total * 1_000_000 / ticks)
}

/// A line of /proc/self/status in KiB (VmHWM: peak resident memory; VmRSS: now).
pub fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}
