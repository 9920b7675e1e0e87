//! Startup benchmark: app launch to an interactive login screen (median of 5), memory, under Xvfb.

use e2e::{rss_kib, App, Result};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

#[tokio::main]
async fn main() -> Result {
    let mut times = Vec::new();
    let mut rss_login = Vec::new();
    let mut rss_signed_in = Vec::new();
    for run in 1..=RUNS {
        let t0 = Instant::now();
        let app = App::launch().await?;
        // Interactive: the form is there and the hall's name has come back from the backend.
        app.find("#sign-in").await?;
        app.wait_text(".subtitle", "营业厅").await?;
        let ready = t0.elapsed();
        times.push(ready);
        let pid = app.app_pid();
        let login_rss = pid.and_then(rss_kib);
        app.type_into("#staff-no", "2001").await?;
        app.type_into("#password", "demo-2001").await?;
        app.click("#sign-in").await?;
        app.find(".shell").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let shell_rss = pid.and_then(rss_kib);
        eprintln!(
            "run {run}: login screen interactive after {:.0} ms (WebDriver session {:.0} ms); app RSS {} KiB at login, {} KiB signed in",
            ready.as_secs_f64() * 1000.0,
            app.launched_in.as_secs_f64() * 1000.0,
            login_rss.map_or("?".into(), |v| v.to_string()),
            shell_rss.map_or("?".into(), |v| v.to_string()),
        );
        rss_login.extend(login_rss);
        rss_signed_in.extend(shell_rss);
        app.close().await?;
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "startup to interactive login: median {:.0} ms, min {:.0} ms, max {:.0} ms over {RUNS} runs",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    rss_login.sort();
    rss_signed_in.sort();
    if let (Some(a), Some(b)) = (
        rss_login.get(rss_login.len() / 2),
        rss_signed_in.get(rss_signed_in.len() / 2),
    ) {
        println!(
            "app resident memory (median): {:.1} MiB at the login screen, {:.1} MiB signed in (WebKit's web process not included)",
            *a as f64 / 1024.0,
            *b as f64 / 1024.0
        );
    }
    Ok(())
}
