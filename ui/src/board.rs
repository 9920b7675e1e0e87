//! The supervisor's live hall board: queues per business, every counter, today's service, the supervisor's actions, and what the call displays show (`screens.rs`).
//!
//! Keyboard first: F1 calls a ticket to a counter, F6 moves a waiting ticket,
//! F7 force-pauses and F9 signs off a counter; each opens a dialog that asks
//! for the reason (Enter confirms, Esc cancels). A counter card's buttons
//! open the same dialogs for that counter. A counter serving someone and
//! each line of today's record have a 录像 button: the footage around it
//! (`footage::open_footage`).

use crate::api;
use crate::app::HallTick;
use crate::footage::open_footage;
use crate::i18n::{
    counter_label, duration, stage_text, status_text, supervisor_notice, text, use_i18n, T,
};
use crate::roles::format_time;
use crate::screens::Screens;
use crate::workbench::figures_view;
use ipc::actions::{board_actions, board_key, BoardAction, CounterState};
use ipc::hall::{BoardView, SupervisorNotice, SyncProblem};
use ipc::{ApiError, ErrorCode, Locale, SupervisorAct, SupervisorAction};
use leptos::html;
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
            let answer = api::hall_board().await;
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
    let log = RwSignal::new(Vec::<SupervisorNotice>::new());
    let refresh_log = move || {
        spawn_local(async move {
            if let Ok(list) = api::supervisor_actions().await {
                log.set(list);
            }
        })
    };
    Effect::new(move |_| {
        tick.get();
        refresh();
        refresh_log();
    });

    // F1 call a ticket · F6 move a ticket · F7 force pause · F9 sign off (`board_actions`); Esc cancels.
    let dialog = RwSignal::new(None::<(BoardAction, Option<u16>)>);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let key = ev.key();
        if key == "Escape" {
            dialog.set(None);
            return;
        }
        let Some(act) = board_key(&key) else {
            return;
        };
        ev.prevent_default();
        if dialog.get_untracked().is_none() {
            dialog.set(Some((act, None)));
        }
    });
    on_cleanup(move || handle.remove());
    let done = Callback::new(move |_: ()| {
        dialog.set(None);
        refresh();
        refresh_log();
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
                    let state = CounterState::of(&c);
                    let n = c.no.get();
                    let allowed = board_actions(Some(state));
                    let may_pause = allowed.contains(&BoardAction::Pause);
                    let may_close = allowed.contains(&BoardAction::Close);
                    // The footage of the customer at the counter, from when they were called or started.
                    let footage = c.current.as_ref().map(|t| {
                        let at = t.since;
                        let about = format!("{} {} · {}", text(locale, T::FtAboutTicket), t.no, counter_label(locale, n));
                        view! {
                            <button type="button" class="chip" data-act="footage"
                                on:click=move |_| open_footage(at, Some(n), about.clone())>{text(locale, T::FtShort)}</button>
                        }
                    });
                    let serving = c.current.clone().zip(state.ticket).map(|(t, stage)| {
                        view! {
                            <div class="counter-ticket">{t.no.to_string()}</div>
                            <div class="muted small">{text(locale, stage_text(stage))} " · " {format_time(t.since)}</div>
                        }
                    });
                    view! {
                        <div class="counter-card" data-counter=n data-status=state.status.code()>
                            <div class="counter-card-head">
                                <span class="counter-card-no">{counter_label(locale, n)}</span>
                                <span class="status-pill">{text(locale, status_text(state.status))}</span>
                            </div>
                            <div class="counter-staff">{c.staff_name.clone().unwrap_or_default()}</div>
                            {serving}
                            <div class="muted small">{c.reason.clone()}</div>
                            <div class="counter-card-acts">
                                <button type="button" class="chip" data-act="pause" prop:disabled=!may_pause
                                    on:click=move |_| dialog.set(Some((BoardAction::Pause, Some(n))))>{text(locale, T::SupPause)}</button>
                                <button type="button" class="chip" data-act="close" prop:disabled=!may_close
                                    on:click=move |_| dialog.set(Some((BoardAction::Close, Some(n))))>{text(locale, T::SupClose)}</button>
                                {footage}
                            </div>
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
    let records = move || {
        let locale = i18n.locale.get();
        let list = log.get();
        if list.is_empty() {
            return view! { <p class="muted" id="sup-log-empty">{text(locale, T::SupLogEmpty)}</p> }.into_any();
        }
        let items = list
            .into_iter()
            .rev()
            .map(|n| {
                let (at, counter) = (n.at, n.counter.map(|c| c.get()));
                let about = format!("{} #{}", text(locale, T::FtAboutAction), n.id);
                view! {
                    <li data-action=n.action.code()>
                        <span class="muted">{format_time(n.at)}</span> " " {supervisor_notice(locale, &n, false)}
                        " " <button type="button" class="chip small" data-act="footage"
                            on:click=move |_| open_footage(at, counter, about.clone())>{text(locale, T::FtShort)}</button>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="sup-log" id="sup-log">{items}</ol> }.into_any()
    };
    let act_button = move |act: BoardAction| {
        view! {
            <button type="button" class="action" id=format!("sup-{}", act.id())
                on:click=move |_| dialog.set(Some((act, None)))>
                <kbd>{act.key()}</kbd>
                <span>{i18n.t(title(act))}</span>
            </button>
        }
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
            <h2>{i18n.t(T::SupActionsTitle)}</h2>
            <div class="sup-actions">
                {board_actions(None).into_iter().map(act_button).collect_view()}
            </div>
            <p class="hint">{i18n.t(T::SupHint)}</p>
        </section>
        <section class="card">
            <h2>{i18n.t(T::CountersTitle)}</h2>
            <div class="counter-cards" id="counters">{counters}</div>
        </section>
        <section class="card">
            <h2>{i18n.t(T::SupLogTitle)}</h2>
            {records}
        </section>
        <Screens />
        {move || dialog.get().map(|(act, counter)| view! {
            <ActDialog act counter board on_done=done on_cancel=Callback::new(move |_: ()| dialog.set(None)) />
        })}
    }
}

/// The dialog title and button label of a supervisor's action.
fn title(act: BoardAction) -> T {
    match act {
        BoardAction::Pause => T::SupPause,
        BoardAction::Close => T::SupClose,
        BoardAction::Move => T::SupMove,
        BoardAction::Call => T::SupCall,
    }
}

/// Asks what the action needs and why, then sends it; Enter confirms, Esc cancels.
#[component]
fn ActDialog(
    act: BoardAction,
    counter: Option<u16>,
    board: RwSignal<Option<BoardView>>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.locale.get_untracked();
    let counter_text = RwSignal::new(counter.map(|n| n.to_string()).unwrap_or_default());
    let ticket = RwSignal::new(String::new());
    let business = RwSignal::new(String::new());
    let front = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let first = NodeRef::<html::Input>::new();
    let reason_ref = NodeRef::<html::Input>::new();
    // The first field still to fill gets the focus.
    Effect::new(move |_| {
        let target = if counter.is_some() {
            reason_ref.get()
        } else {
            first.get()
        };
        if let Some(el) = target {
            let _ = el.focus();
        }
    });
    let options = move || {
        board.with_untracked(|b| {
            b.as_ref()
                .map(|b| b.businesses.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|x| {
                    let code = x.code.to_string();
                    let name = if locale == Locale::ZhCn {
                        x.name_zh
                    } else {
                        x.name_en
                    };
                    view! { <option value=code.clone()>{format!("{code} {name}")}</option> }
                })
                .collect_view()
        })
    };
    let confirm = move || {
        if busy.get_untracked() {
            return;
        }
        let counter_no = || {
            counter_text
                .get_untracked()
                .trim()
                .parse::<u16>()
                .map_err(|_| ApiError::new(ErrorCode::UnknownCounter))
        };
        let ticket_no = || {
            let t = ticket.get_untracked().trim().to_ascii_uppercase();
            if t.is_empty() {
                Err(ApiError::new(ErrorCode::UnknownTicket))
            } else {
                Ok(t)
            }
        };
        let action = match act {
            BoardAction::Pause => counter_no().map(|counter| SupervisorAction::Pause { counter }),
            BoardAction::Close => counter_no().map(|counter| SupervisorAction::Close { counter }),
            BoardAction::Call => ticket_no().and_then(|ticket| {
                counter_no().map(|counter| SupervisorAction::Call { ticket, counter })
            }),
            BoardAction::Move => ticket_no().and_then(|ticket| {
                let raw = counter_text.get_untracked();
                let to_counter = if raw.trim().is_empty() {
                    None
                } else {
                    Some(counter_no()?)
                };
                let b = business.get_untracked();
                Ok(SupervisorAction::Transfer {
                    ticket,
                    to_business: (!b.is_empty()).then_some(b),
                    to_counter,
                    front: front.get_untracked(),
                })
            }),
        };
        let action = match action {
            Ok(a) => a,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        let req = SupervisorAct {
            action,
            reason: reason.get_untracked(),
        };
        spawn_local(async move {
            let result = api::supervisor_act(req).await;
            busy.set(false);
            match result {
                Ok(_) => on_done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm();
    };
    // Enter confirms from anywhere in the dialog (a list or a check box included), except on its buttons.
    let enter = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" {
            return;
        }
        let on_button = event_target::<web_sys::Element>(&ev)
            .tag_name()
            .eq_ignore_ascii_case("button");
        if !on_button {
            ev.prevent_default();
            confirm();
        }
    };
    let ticket_field = move || {
        view! {
            <label for="sup-ticket">{text(locale, T::SupTicket)}</label>
            <input id="sup-ticket" type="text" maxlength="8" autocomplete="off" node_ref=first
                prop:value=move || ticket.get() on:input=move |ev| ticket.set(event_target_value(&ev)) />
        }
    };
    // `node`: where the focus goes when it is the dialog's first field.
    let counter_field = move |label: T, node: NodeRef<html::Input>| {
        view! {
            <label for="sup-counter">{text(locale, label)}</label>
            <input id="sup-counter" type="text" inputmode="numeric" maxlength="3" autocomplete="off" node_ref=node
                prop:value=move || counter_text.get() on:input=move |ev| counter_text.set(event_target_value(&ev)) />
        }
    };
    let fields = match act {
        BoardAction::Pause | BoardAction::Close => counter_field(T::SupCounter, first).into_any(),
        BoardAction::Call => view! {
            {ticket_field()}
            {counter_field(T::SupCounter, NodeRef::new())}
        }
        .into_any(),
        BoardAction::Move => view! {
            {ticket_field()}
            <label for="sup-business">{text(locale, T::TransferTo)}</label>
            <select id="sup-business" on:change=move |ev| business.set(event_target_value(&ev))>
                <option value="">{text(locale, T::SupKeepBusiness)}</option>
                {options}
            </select>
            {counter_field(T::SupToCounter, NodeRef::new())}
            <label class="check"><input type="checkbox" id="sup-front" on:change=move |ev| front.set(event_target_checked(&ev)) />
                {text(locale, T::TransferFront)}</label>
        }
        .into_any(),
    };
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <form class="dialog card" id="sup-dialog" data-act=act.id() on:submit=submit on:keydown=enter on:click=|ev| ev.stop_propagation()>
                <h2>{text(locale, title(act))}</h2>
                {fields}
                <label for="sup-reason">{text(locale, T::SupReason)}</label>
                <input id="sup-reason" type="text" maxlength="200" autocomplete="off" node_ref=reason_ref
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                <p class="hint">{text(locale, T::SupReasonHint)}</p>
                <p class="error" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| on_cancel.run(())>{text(locale, T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="sup-confirm" prop:disabled=move || busy.get()>{text(locale, T::Confirm)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}
