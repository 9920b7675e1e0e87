//! The supervisor's live hall board: queues per business, every counter, today's service.

use crate::app::HallTick;
use crate::i18n::{counter_label, duration, text, use_i18n, T};
use crate::ipc::call0;
use crate::roles::format_time;
use crate::workbench::figures_view;
use ipc::hall::{BoardView, SyncProblem};
use ipc::{cmd, ApiError, Locale};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

#[component]
pub fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let board = RwSignal::new(None::<BoardView>);
    let error = RwSignal::new(None::<ApiError>);
    // Only the latest fetch started may update the board (see the workbench).
    let generation = RwSignal::new(0u64);
    let refresh = move || {
        let mine = generation.get_untracked() + 1;
        generation.set(mine);
        spawn_local(async move {
            let answer = call0::<BoardView>(cmd::HALL_BOARD).await;
            if generation.try_get_untracked() != Some(mine) {
                return;
            }
            match answer {
                Ok(b) => {
                    board.set(Some(b));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    Effect::new(move |_| {
        tick.get();
        refresh();
    });
    // Waits grow by themselves: refresh every few seconds too.
    if let Ok(handle) = set_interval_with_handle(refresh, Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }

    let queues =
        move || {
            let locale = i18n.locale.get();
            board.get().map(|b| {
                b.businesses
                .into_iter()
                .map(|x| {
                    let name = if locale == Locale::ZhCn { x.name_zh } else { x.name_en };
                    let busy = x.longest_wait_secs >= 15 * 60;
                    view! {
                        <tr data-code=x.code.to_string() class:alert=busy>
                            <td><span class="code-chip">{x.code.to_string()}</span>" "{name}</td>
                            <td class="num waiting">{x.waiting}</td>
                            <td class="num">{duration(locale, x.longest_wait_secs)}</td>
                            <td class="num">{duration(locale, x.estimated_wait_secs)}</td>
                        </tr>
                    }
                })
                .collect_view()
            })
        };
    let counters = move || {
        let locale = i18n.locale.get();
        board.get().map(|b| {
            b.counters
                .into_iter()
                .map(|c| {
                    let status = match c.status.as_str() {
                        "open" => T::StatusOpen,
                        "paused" => T::StatusPaused,
                        _ => T::StatusClosed,
                    };
                    let serving = c.current.map(|t| {
                        let stage = if t.stage == "serving" { T::StageServing } else { T::StageCalled };
                        view! {
                            <div class="counter-ticket">{t.no.to_string()}</div>
                            <div class="muted small">{text(locale, stage)} " · " {format_time(t.since)}</div>
                        }
                    });
                    view! {
                        <div class="counter-card" data-counter=c.no.get() data-status=c.status.clone()>
                            <div class="counter-card-head">
                                <span class="counter-card-no">{counter_label(locale, c.no.get())}</span>
                                <span class="status-pill">{text(locale, status)}</span>
                            </div>
                            <div class="counter-staff">{c.staff_name.clone().unwrap_or_default()}</div>
                            {serving}
                            <div class="muted small">{c.reason.clone()}</div>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let sync = move || {
        let locale = i18n.locale.get();
        board.get().map(|b| {
            let s = b.sync;
            let (state, class) = match (s.configured, s.online) {
                (false, _) => (T::SyncNotConfigured, "sync-off"),
                (true, true) => (T::SyncOnline, "sync-online"),
                (true, false) => (T::SyncOffline, "sync-offline"),
            };
            let when = |at: Option<i64>| {
                at.map(format_time)
                    .unwrap_or_else(|| text(locale, T::NoData).to_owned())
            };
            let (last, feed) = (when(s.last_success_at), when(s.feed_at));
            let problem = s.problem.map(|p| {
                let zh = matches!(locale, Locale::ZhCn);
                let says = match p {
                    SyncProblem::ClockSkew { skew_ms } => {
                        let minutes = (skew_ms.abs() + 59_999) / 60_000;
                        let (zh_dir, en_dir) = if skew_ms > 0 { ("快", "ahead") } else { ("慢", "behind") };
                        if zh {
                            format!("省级服务器拒收：本机时钟{zh_dir}了约 {minutes} 分钟。请校准本机时间，数据会自动补传。")
                        } else {
                            format!("The province refuses the data: this PC's clock is about {minutes} min {en_dir}. Set the time; the data then goes up by itself.")
                        }
                    }
                    other => text(locale, match other {
                        SyncProblem::UpdateRequired => T::SyncUpdateRequired,
                        SyncProblem::Credential => T::SyncCredential,
                        _ => T::SyncRejected,
                    })
                    .to_owned(),
                };
                view! { <p class="sync-problem" id="sync-problem" role="alert">{says}</p> }
            });
            view! {
                <p class=format!("sync-state {class}") id="sync-state">{text(locale, state)}</p>
                {problem}
                <dl class="facts">
                    <dt>{text(locale, T::SyncLast)}</dt><dd>{last}</dd>
                    <dt>{text(locale, T::SyncWaiting)}</dt><dd id="sync-waiting">{s.waiting}</dd>
                    <dt>{text(locale, T::SyncFeed)}</dt><dd id="sync-feed">{feed}</dd>
                </dl>
            }
        })
    };
    let today = move || {
        let locale = i18n.locale.get();
        board
            .get()
            .map(|b| figures_view(locale, &b.today, "hall-figures"))
    };

    view! {
        <h1 class="page-title" id="page-title">{i18n.t(T::NavHallBoard)} <span class="live-dot">{i18n.t(T::Live)}</span></h1>
        <p class="error banner" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
        <div class="board-grid">
            <section class="card">
                <h2>{i18n.t(T::QueuesTitle)}</h2>
                <table class="grid-table" id="queues">
                    <thead><tr>
                        <th>{i18n.t(T::Business)}</th><th>{i18n.t(T::Waiting)}</th>
                        <th>{i18n.t(T::LongestWait)}</th><th>{i18n.t(T::EstWait)}</th>
                    </tr></thead>
                    <tbody>{queues}</tbody>
                </table>
            </section>
            <div class="wb-side">
                <section class="card">
                    <h2>{i18n.t(T::TodayTitle)}</h2>
                    {today}
                </section>
                <section class="card">
                    <h2>{i18n.t(T::SyncTitle)}</h2>
                    {sync}
                </section>
            </div>
        </div>
        <section class="card">
            <h2>{i18n.t(T::CountersTitle)}</h2>
            <div class="counter-cards" id="counters">{counters}</div>
        </section>
    }
}
