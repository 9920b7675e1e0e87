//! Logs of the node binaries (province server, hall node): one call installs them, on stderr.
//!
//! - JSON lines when running under systemd (`JOURNAL_STREAM` is set) or when
//!   `YYT_LOG_FORMAT=json`; readable text otherwise (`YYT_LOG_FORMAT=text`
//!   forces it);
//! - the level from `RUST_LOG` (`info` when unset or unreadable);
//! - every line names its component (`province-server`, `hall-node`).
//!
//! Logs go to stderr: stdout carries only what scripts and tests read (the
//! "listening on" line, tokens printed once).

use tracing_subscriber::EnvFilter;

/// The environment variable that picks the format: `json` or `text`.
pub const FORMAT_ENV: &str = "YYT_LOG_FORMAT";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
}

/// The format for an environment (`env` reads it: the process's, or a test's).
pub fn format_for(env: impl Fn(&str) -> Option<String>) -> Format {
    match env(FORMAT_ENV).as_deref().map(str::trim) {
        Some(f) if f.eq_ignore_ascii_case("json") => Format::Json,
        Some(f) if f.eq_ignore_ascii_case("text") => Format::Text,
        _ if env("JOURNAL_STREAM").is_some_and(|v| !v.is_empty()) => Format::Json,
        _ => Format::Text,
    }
}

/// Installs the process's logger for `component`; a second call changes nothing.
pub fn init(component: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format_for(|name| std::env::var(name).ok()) {
        Format::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        Format::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
    if installed.is_ok() {
        tracing::info!(component, version = env!("CARGO_PKG_VERSION"), "started");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn json_under_systemd_or_when_asked_text_otherwise() {
        assert_eq!(format_for(env(&[])), Format::Text);
        assert_eq!(
            format_for(env(&[("JOURNAL_STREAM", "8:1234")])),
            Format::Json
        );
        assert_eq!(format_for(env(&[("YYT_LOG_FORMAT", "json")])), Format::Json);
        assert_eq!(
            format_for(env(&[("YYT_LOG_FORMAT", "JSON ")])),
            Format::Json
        );
        assert_eq!(
            format_for(env(&[
                ("JOURNAL_STREAM", "8:1234"),
                ("YYT_LOG_FORMAT", "text")
            ])),
            Format::Text
        );
        assert_eq!(format_for(env(&[("JOURNAL_STREAM", "")])), Format::Text);
    }

    #[test]
    fn init_twice_is_harmless() {
        init("test");
        init("test");
        tracing::info!("still logging");
    }
}
