//! Startup benchmark: app launch to an interactive login screen (median of 5), its phases, and memory, under Xvfb.
//!
//! Memory is counted twice: the main process's resident set (RSS, the old
//! figure), and the whole app as PSS (a page shared by several processes is
//! counted once, split between them): the main process, WebKit's web process
//! and its network process, which a counter PC holds as well.

use e2e::{process_age, App, Footprint, Result};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const RUNS: usize = 5;

/// How long the app is left alone before its memory is read.
const SETTLE: Duration = Duration::from_millis(500);

/// Resolves once the login form is interactive (the hall's name has come back
/// from the backend), with the page's own timings (ms on its clock, whose
/// origin is `origin`, ms since the Unix epoch).
const WAIT_INTERACTIVE: &str = r#"
const done = arguments[arguments.length - 1];
const ready = () => {
  const s = document.querySelector('.subtitle');
  return document.querySelector('#sign-in') && s && s.textContent.includes('营业厅');
};
const finish = () => {
  const now = performance.now();
  const nav = performance.getEntriesByType('navigation')[0] || {};
  // WebKit keeps no resource or paint timings for the app's own scheme: the UI marks its start.
  const mark = (name) => (performance.getEntriesByName(name)[0] || {}).startTime;
  done({ origin: performance.timeOrigin, interactive: now, document: nav.responseEnd,
         started: mark('yyt-ui-started'), mounted: mark('yyt-ui-mounted') });
};
if (ready()) { finish(); } else {
  new MutationObserver((_, o) => { if (ready()) { o.disconnect(); finish(); } })
    .observe(document.documentElement, { subtree: true, childList: true, characterData: true });
}
"#;

/// Moments of one start, in ms after the benchmark asked for the app.
#[derive(Default, Clone, Copy)]
struct Phases {
    /// tauri-driver (the harness, not the app) listens.
    driver: f64,
    /// The app's process exists.
    process: f64,
    /// The webview starts loading the page (window and webview made).
    navigation: Option<f64>,
    /// The page's HTML has arrived.
    document: Option<f64>,
    /// The wasm is loaded and its `main` runs.
    started: Option<f64>,
    /// The UI's first view is in the page.
    mounted: Option<f64>,
    /// The login form is usable (the page's clock).
    interactive: Option<f64>,
    /// The benchmark saw it (its own clock; the headline figure).
    seen: f64,
}

struct Run {
    phases: Phases,
    login: Footprint,
    signed_in: Footprint,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map(ms).unwrap_or(0.0)
}

async fn one_run(run: usize) -> Result<Run> {
    let t0 = Instant::now();
    let t0_epoch = epoch_ms(SystemTime::now());
    let app = App::launch().await?;
    let launched = ms(t0.elapsed());
    let page = app
        .client
        .execute_async(WAIT_INTERACTIVE, vec![])
        .await
        .map_err(|e| format!("waiting for the login screen: {e}"))?;
    // Interactive: the form is there and the hall's name has come back from the backend.
    app.find("#sign-in").await?;
    app.wait_text(".subtitle", "营业厅").await?;
    let seen = ms(t0.elapsed());
    let pid = app.app_pid().ok_or("the app's process was not found")?;
    let age = process_age(pid).ok_or("the app's start time is unreadable")?;
    let started = ms(t0.elapsed()) - ms(age);
    let origin = page["origin"].as_f64();
    let at = |key: &str| Some(origin? + page[key].as_f64()? - t0_epoch);
    let phases = Phases {
        driver: launched - ms(app.launched_in),
        process: started,
        navigation: origin.map(|o| o - t0_epoch),
        document: at("document"),
        started: at("started"),
        mounted: at("mounted"),
        interactive: at("interactive"),
        seen,
    };
    tokio::time::sleep(SETTLE).await;
    let login = app.footprint().ok_or("the app's memory is unreadable")?;
    app.type_into("#staff-no", "2001").await?;
    app.type_into("#password", "demo-2001").await?;
    app.click("#sign-in").await?;
    app.find(".shell").await?;
    tokio::time::sleep(SETTLE).await;
    let signed_in = app.footprint().ok_or("the app's memory is unreadable")?;
    let opt = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v:.0}"));
    eprintln!(
        "run {run}: login screen interactive after {seen:.0} ms (WebDriver session {:.0} ms; \
         driver {:.0}, process {:.0}, navigation {}, HTML {}, wasm runs {}, mounted {}, interactive {}); \
         at login {}; signed in {}",
        ms(app.launched_in),
        phases.driver,
        phases.process,
        opt(phases.navigation),
        opt(phases.document),
        opt(phases.started),
        opt(phases.mounted),
        opt(phases.interactive),
        show(&login),
        show(&signed_in),
    );
    app.close().await?;
    Ok(Run {
        phases,
        login,
        signed_in,
    })
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

fn show(f: &Footprint) -> String {
    format!(
        "main RSS {} MiB, PSS main {} + web {} + network {} + other {} = {} MiB",
        mib(f.main_rss),
        mib(f.main_pss),
        mib(f.web_pss),
        mib(f.network_pss),
        mib(f.other_pss),
        mib(f.total_pss()),
    )
}

/// The median of what `field` gives, over the runs where it is known.
fn median<T: PartialOrd + Copy>(runs: &[Run], field: impl Fn(&Run) -> Option<T>) -> Option<T> {
    let mut v: Vec<T> = runs.iter().filter_map(field).collect();
    v.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    v.get(v.len() / 2).copied()
}

fn median_footprint(runs: &[Run], which: impl Fn(&Run) -> Footprint) -> Footprint {
    let m = |f: fn(&Footprint) -> u64| median(runs, |r| Some(f(&which(r)))).unwrap_or(0);
    Footprint {
        main_rss: m(|f| f.main_rss),
        main_pss: m(|f| f.main_pss),
        web_pss: m(|f| f.web_pss),
        network_pss: m(|f| f.network_pss),
        other_pss: m(|f| f.other_pss),
    }
}

#[tokio::main]
async fn main() -> Result {
    let mut runs = Vec::new();
    for run in 1..=RUNS {
        runs.push(one_run(run).await?);
    }
    let seen = |r: &Run| Some(r.phases.seen);
    let min = runs.iter().map(|r| r.phases.seen).fold(f64::MAX, f64::min);
    let max = runs.iter().map(|r| r.phases.seen).fold(0.0, f64::max);
    println!(
        "startup to interactive login: median {:.0} ms, min {min:.0} ms, max {max:.0} ms over {RUNS} runs",
        median(&runs, seen).unwrap_or(0.0),
    );
    let phase = |name: &str, f: fn(&Phases) -> Option<f64>| {
        median(&runs, |r| f(&r.phases)).map_or(format!("{name} ?"), |v| format!("{name} {v:.0}"))
    };
    println!(
        "phases (median ms after the benchmark asked for the app): {}, {}, {}, {}, {}, {}, {}",
        phase("tauri-driver listening", |p| Some(p.driver)),
        phase("app process started", |p| Some(p.process)),
        phase("page navigation started", |p| p.navigation),
        phase("HTML received", |p| p.document),
        phase("wasm running", |p| p.started),
        phase("UI mounted", |p| p.mounted),
        phase("login interactive", |p| p.interactive),
    );
    println!(
        "app process start to interactive login: median {:.0} ms",
        median(&runs, |r| Some(r.phases.seen - r.phases.process)).unwrap_or(0.0)
    );
    let login = median_footprint(&runs, |r| r.login);
    let signed_in = median_footprint(&runs, |r| r.signed_in);
    println!(
        "app resident memory (median): {} MiB at the login screen, {} MiB signed in (WebKit's web process not included)",
        mib(login.main_rss),
        mib(signed_in.main_rss),
    );
    println!(
        "whole app PSS (median, {} ms after each point; shared pages counted once): {} MiB at the login screen, {} MiB signed in",
        SETTLE.as_millis(),
        mib(median(&runs, |r| Some(r.login.total_pss())).unwrap_or(0)),
        mib(median(&runs, |r| Some(r.signed_in.total_pss())).unwrap_or(0)),
    );
    println!("  at the login screen (medians): {}", show(&login));
    println!("  signed in (medians): {}", show(&signed_in));
    Ok(())
}
