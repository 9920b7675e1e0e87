//! The emergency console (proposals, running incidents with their steps and timeline, plans, drills, reports), the step prompts every role sees until it acknowledges, and the public-safety button.
//!
//! The hall node pushes its whole emergency picture as the `emergency` live
//! event; [`EmergencyLive`] keeps the latest, so a prompt reaches a clerk's
//! workbench as soon as the step is due. Keys: Alt+A acknowledges the first
//! prompt, F10 the public-safety button (confirmed with Enter); on the
//! console Enter starts the first proposal, U/D change the level, N a note,
//! H a handover, T terminates, R the latest report.

use crate::api;
use crate::dialog;
use crate::i18n::{role_text, text, use_i18n, T};
use domain::Role;
use ipc::emergency::{
    ActOn, Action, Activate, EmergencyView, EventType, Incident, IncidentAct, IncidentDetail,
    IncidentSummary, Level, PlanRef, What,
};
use ipc::{ApiError, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The hall's emergency picture as last heard.
#[derive(Clone, Copy)]
pub struct EmergencyLive(pub RwSignal<Option<EmergencyView>>);

impl EmergencyLive {
    /// Provides the signal and keeps it current from the live events.
    pub fn provide() -> Self {
        let live = Self(RwSignal::new(None));
        provide_context(live);
        crate::ipc::listen_payload::<ipc::commands::HallEvent>(move |event| {
            if let ipc::hall::WireEvent::Emergency { view } = event {
                live.0.set(Some(view));
            }
        });
        live
    }

    /// Reads the picture now (after signing in, or when events may have been missed).
    pub fn refresh(self) {
        spawn_local(async move {
            if let Ok(v) = api::emergency_state().await {
                self.0.set(Some(v));
            }
        });
    }
}

fn live() -> EmergencyLive {
    expect_context::<EmergencyLive>()
}

/// `HH:MM:SS` in the PC's local time.
pub fn clock(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// "3 分 20 秒" / "3 min 20 s".
fn took(locale: Locale, ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match (locale, s / 60) {
        (Locale::ZhCn, 0) => format!("{s} 秒"),
        (Locale::ZhCn, m) => format!("{m} 分 {} 秒", s % 60),
        (Locale::En, 0) => format!("{s} s"),
        (Locale::En, m) => format!("{m} min {} s", s % 60),
    }
}

pub fn level_text(locale: Locale, l: Level) -> &'static str {
    match locale {
        Locale::ZhCn => l.label_zh(),
        Locale::En => match l {
            Level::I => "Level I (red)",
            Level::II => "Level II (orange)",
            Level::III => "Level III (yellow)",
            Level::IV => "Level IV (blue)",
        },
    }
}

pub fn event_text(locale: Locale, e: EventType) -> &'static str {
    match locale {
        Locale::ZhCn => e.label_zh(),
        Locale::En => match e {
            EventType::QueueSurge => "Queue surge",
            EventType::PublicSafety => "Public safety",
            EventType::TerminalFailure => "Self-service failure",
            EventType::PowerOutage => "Power outage",
            EventType::SystemOutage => "System outage",
        },
    }
}

pub fn action_text(locale: Locale, a: &Action) -> String {
    let zh = locale == Locale::ZhCn;
    match a {
        Action::OpenCounters { count } if zh => format!("增开 {count} 个窗口"),
        Action::OpenCounters { count } => format!("Open {count} more counters"),
        Action::Banner { text, .. } if zh => format!("屏幕提示：{text}"),
        Action::Banner { text, .. } => format!("Banner: {text}"),
        Action::Divert => text(locale, T::EmDivert).to_owned(),
        Action::PreProcess => text(locale, T::EmPreProcess).to_owned(),
        Action::Dispatch { what } if zh => format!("资源调度：{what}"),
        Action::Dispatch { what } => format!("Dispatch: {what}"),
    }
}

pub fn level_badge(locale: Locale, l: Level) -> impl IntoView {
    view! { <span class="level-badge" data-level=l.colour()>{level_text(locale, l)}</span> }
}

pub fn drill_tag(locale: Locale, drill: bool) -> impl IntoView {
    drill.then(|| view! { <span class="drill-tag">{text(locale, T::EmDrill)}</span> })
}

/// A step's title in its incident.
fn step_title(i: &Incident, id: &str) -> String {
    i.plan
        .steps
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_owned(), |s| s.title.clone())
}

/// One line of the timeline in words.
fn what_text(locale: Locale, i: &Incident, w: &What) -> String {
    let zh = locale == Locale::ZhCn;
    let role = |r: Role| text(locale, role_text(r));
    match w {
        What::Activated { level, reason } if zh => {
            format!("启动预案（{}）：{reason}", level.label_zh())
        }
        What::Activated { level, reason } => {
            format!("Plan started ({}): {reason}", level_text(locale, *level))
        }
        What::StepDue { step } if zh => format!("待办：{}", step_title(i, step)),
        What::StepDue { step } => format!("Due: {}", step_title(i, step)),
        What::Acknowledged { step, role: r } if zh => {
            format!("{}确认：{}", role(*r), step_title(i, step))
        }
        What::Acknowledged { step, role: r } => {
            format!("{} acknowledged: {}", role(*r), step_title(i, step))
        }
        What::StepDone { step } if zh => format!("完成：{}", step_title(i, step)),
        What::StepDone { step } => format!("Done: {}", step_title(i, step)),
        What::Escalated { step } if zh => format!("超时未确认，已升级：{}", step_title(i, step)),
        What::Escalated { step } => format!("Escalated, not acknowledged: {}", step_title(i, step)),
        What::LevelChanged { from, to } => format!(
            "{} {} → {}",
            text(locale, T::EmLevelChanged),
            level_text(locale, *from),
            level_text(locale, *to)
        ),
        What::HandedOver { to } if zh => format!("移交给 {to}"),
        What::HandedOver { to } => format!("Handed over to {to}"),
        What::Note { text: t } if zh => format!("记录：{t}"),
        What::Note { text: t } => format!("Note: {t}"),
        What::Ended { summary } if zh => format!("结束：{summary}"),
        What::Ended { summary } => format!("Ended: {summary}"),
        What::Queue {
            waiting,
            longest_wait_s,
        } if zh => format!(
            "当时排队 {waiting} 人，最长等候 {}",
            took(locale, i64::from(*longest_wait_s) * 1000)
        ),
        What::Queue {
            waiting,
            longest_wait_s,
        } => format!(
            "Queue then: {waiting} waiting, longest {}",
            took(locale, i64::from(*longest_wait_s) * 1000)
        ),
        What::Alarm {
            device,
            fault,
            cleared,
        } if zh => format!(
            "设备 {device}：{fault}{}",
            if *cleared { "（已恢复）" } else { "" }
        ),
        What::Alarm {
            device,
            fault,
            cleared,
        } => format!(
            "Device {device}: {fault}{}",
            if *cleared { " (cleared)" } else { "" }
        ),
        What::CounterOpened { counter } if zh => format!("{counter} 号窗口开窗"),
        What::CounterOpened { counter } => format!("Counter {counter} opened"),
        What::Command { device, command } if zh => format!("向 {device} 下发指令：{command}"),
        What::Command { device, command } => format!("Command to {device}: {command}"),
    }
}

/// The steps `role` still has to acknowledge, over every running incident.
fn prompts_for(v: &EmergencyView, role: Role) -> Vec<(Incident, String)> {
    v.incidents
        .iter()
        .flat_map(|i| {
            i.waiting_for(role)
                .into_iter()
                .map(|s| (i.clone(), s.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn acknowledge(
    incident: u64,
    step: String,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
) {
    let act = ActOn {
        incident,
        act: IncidentAct::Ack { step },
    };
    dialog::send(busy, error, api::emergency_act(act), |_| live().refresh());
}

/// The steps this role must acknowledge, on every screen, until it does (Alt+A: the first).
#[component]
pub fn Prompts(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let live = live();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let prompts = Memo::new(move |_| {
        live.0
            .with(|v| v.as_ref().map(|v| prompts_for(v, role)).unwrap_or_default())
    });
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() && !ev.ctrl_key() && ev.key().eq_ignore_ascii_case("a") {
            if let Some((i, step)) = prompts.get_untracked().into_iter().next() {
                ev.prevent_default();
                acknowledge(i.id, step, busy, error);
            }
        }
    });
    on_cleanup(move || handle.remove());
    move || {
        let locale = i18n.locale.get();
        let list = prompts.get();
        (!list.is_empty()).then(|| {
            let rows = list
                .into_iter()
                .enumerate()
                .map(|(n, (i, step))| {
                    let s = i.steps.iter().find(|s| s.id == step).cloned();
                    let escalated = s.as_ref().is_some_and(|s| s.escalated_at.is_some());
                    let plan_step = i.plan.steps.iter().find(|p| p.id == step).cloned();
                    let opens = role == Role::Clerk
                        && plan_step
                            .as_ref()
                            .is_some_and(|p| matches!(p.action, Some(Action::OpenCounters { .. })));
                    let what = plan_step
                        .as_ref()
                        .and_then(|p| p.action.as_ref())
                        .map(|a| action_text(locale, a));
                    let label = if opens { T::EmAckOpen } else { T::EmAck };
                    let (id, st) = (i.id, step.clone());
                    view! {
                        <div class="prompt" class:escalated=escalated data-step=step.clone() data-incident=i.id>
                            {level_badge(locale, i.level)}
                            {drill_tag(locale, i.drill)}
                            <strong>{i.plan.name.clone()}</strong>
                            <span class="prompt-step">{step_title(&i, &step)}</span>
                            <span class="muted">{what}</span>
                            {escalated.then(|| view! { <span class="late">{text(locale, T::EmEscalated)}</span> })}
                            <span class="spacer"></span>
                            <button type="button" class="primary" data-act="ack"
                                prop:disabled=move || busy.get()
                                on:click=move |_| acknowledge(id, st.clone(), busy, error)>
                                {text(locale, label)} {(n == 0).then_some(" (Alt+A)")}
                            </button>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section class="prompts" id="emergency-prompts" role="alert">
                    {rows}
                    <p class="error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                </section>
            }
        })
    }
}

/// The public-safety button in every role's top bar: F10, then Enter to confirm.
#[component]
pub fn PublicSafetyButton() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let sent = RwSignal::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "F10" {
            ev.prevent_default();
            sent.set(false);
            open.set(true);
        }
    });
    on_cleanup(move || handle.remove());
    let confirm_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(b) = confirm_ref.get() {
                let _ = b.focus();
            }
        }
    });
    let press = move || {
        dialog::send(busy, error, api::public_safety(), move |_| {
            sent.set(true);
            open.set(false);
            live().refresh();
        });
    };
    let leave = Callback::new(move |()| open.set(false));
    view! {
        <button type="button" class="alarm-button" id="public-safety"
            on:click=move |_| { sent.set(false); open.set(true) }>
            {i18n.t(T::EmPublicSafety)} " F10"
        </button>
        {move || sent.get().then(|| view! { <span class="sent" id="public-safety-sent">{i18n.t(T::EmPublicSafetySent)}</span> })}
        {move || open.get().then(|| view! {
            <div class="overlay" on:click=move |_| open.set(false)>
                <div class="dialog card" id="public-safety-dialog" role="dialog"
                    on:click=|ev| ev.stop_propagation() on:keydown=dialog::on_escape(leave)>
                    <h2>{i18n.t(T::EmPublicSafety)}</h2>
                    <p>{i18n.t(T::EmPublicSafetyAsk)}</p>
                    <p class="error" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                    <div class="dialog-buttons">
                        <button type="button" class="ghost" on:click=move |_| open.set(false)>{i18n.t(T::Cancel)} " (Esc)"</button>
                        <button type="button" class="danger" id="public-safety-confirm" node_ref=confirm_ref
                            prop:disabled=move || busy.get() on:click=move |_| press()>{i18n.t(T::Confirm)} " (Enter)"</button>
                    </div>
                </div>
            </div>
        })}
    }
}

/// What a console dialog asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ask {
    Note,
    HandOver,
    Terminate,
}

/// The emergency console.
#[component]
pub fn Console(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let live = live();
    live.refresh();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let history = RwSignal::new(Vec::<IncidentSummary>::new());
    let report = RwSignal::new(None::<IncidentDetail>);
    let ask = RwSignal::new(None::<(Ask, u64)>);
    let load_history = move || {
        spawn_local(async move {
            if let Ok(h) = api::emergency_history().await {
                history.set(h);
            }
        })
    };
    load_history();
    let show_report = move |id: u64| {
        spawn_local(async move {
            match api::emergency_incident(id).await {
                Ok(d) => report.set(Some(d)),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let commands = matches!(role, Role::Emergency | Role::Supervisor);
    let start = move |plan: String, drill: bool| {
        let req = Activate {
            plan,
            level: None,
            reason: None,
            drill,
        };
        dialog::send(busy, error, api::emergency_start(req), move |_| {
            live.refresh();
        });
    };
    let decline = move |plan: String| {
        dialog::send(
            busy,
            error,
            api::emergency_decline(PlanRef { plan }),
            move |_| live.refresh(),
        );
    };
    let drill = move |plan: String| {
        dialog::send(
            busy,
            error,
            api::emergency_drill(PlanRef { plan }),
            move |_| live.refresh(),
        );
    };
    let act = move |incident: u64, act: IncidentAct| {
        let ended = matches!(act, IncidentAct::Terminate { .. });
        dialog::send(
            busy,
            error,
            api::emergency_act(ActOn { incident, act }),
            move |_| {
                ask.set(None);
                live.refresh();
                if ended {
                    load_history();
                    show_report(incident);
                }
            },
        );
    };
    let first_incident = move || {
        live.0
            .with_untracked(|v| v.as_ref().and_then(|v| v.incidents.first().map(|i| i.id)))
    };
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ask.get_untracked().is_some() {
            return;
        }
        let in_field = event_target::<web_sys::Element>(&ev)
            .tag_name()
            .to_ascii_lowercase();
        if matches!(
            in_field.as_str(),
            "input" | "textarea" | "select" | "button"
        ) {
            return;
        }
        let key = ev.key();
        if key == "Enter" && commands {
            let first = live.0.with_untracked(|v| {
                v.as_ref()
                    .and_then(|v| v.proposals.first().map(|p| p.plan.clone()))
            });
            if let Some(plan) = first {
                ev.prevent_default();
                start(plan, false);
            }
            return;
        }
        let Some(id) = first_incident() else {
            if key.eq_ignore_ascii_case("r") {
                if let Some(h) = history.get_untracked().first() {
                    show_report(h.id);
                }
            }
            return;
        };
        match key.to_ascii_lowercase().as_str() {
            "u" if commands => act(id, IncidentAct::Level { up: true }),
            "d" if commands => act(id, IncidentAct::Level { up: false }),
            "n" => ask.set(Some((Ask::Note, id))),
            "h" if commands => ask.set(Some((Ask::HandOver, id))),
            "t" if commands => ask.set(Some((Ask::Terminate, id))),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || handle.remove());

    let proposals = move || {
        let locale = i18n.locale.get();
        let v = live.0.get()?;
        if v.proposals.is_empty() {
            return Some(
                view! { <p class="muted" id="no-proposals">{text(locale, T::EmNoProposals)}</p> }
                    .into_any(),
            );
        }
        Some(
            v.proposals
                .into_iter()
                .enumerate()
                .map(|(n, p)| {
                    let (a, b) = (p.plan.clone(), p.plan.clone());
                    view! {
                        <div class="proposal" class:drill=p.drill data-plan=p.plan.clone()>
                            <div class="proposal-head">
                                {level_badge(locale, p.level)}
                                {drill_tag(locale, p.drill)}
                                <strong>{p.plan_name.clone()}</strong>
                                <span class="muted">{event_text(locale, p.event)}" · "{clock(p.at)}</span>
                            </div>
                            <p class="proposal-reason">{p.reason.clone()}</p>
                            {commands.then(|| view! {
                                <div class="row-buttons">
                                    <button type="button" class="primary" data-act="start"
                                        prop:disabled=move || busy.get()
                                        on:click=move |_| start(a.clone(), false)>
                                        {text(locale, T::EmStart)}{(n == 0).then_some(" (Enter)")}
                                    </button>
                                    <button type="button" class="ghost" data-act="decline"
                                        on:click=move |_| decline(b.clone())>{text(locale, T::EmDecline)}</button>
                                </div>
                            })}
                        </div>
                    }
                })
                .collect_view()
                .into_any(),
        )
    };

    let incidents = move || {
        let locale = i18n.locale.get();
        let v = live.0.get()?;
        if v.incidents.is_empty() {
            return Some(view! { <section class="card"><p class="muted" id="no-incidents">{text(locale, T::EmNoIncidents)}</p></section> }.into_any());
        }
        Some(
            v.incidents
                .into_iter()
                .map(|i| incident_card(locale, i, role, commands, busy, error, act, ask))
                .collect_view()
                .into_any(),
        )
    };

    let plans = move || {
        let locale = i18n.locale.get();
        let v = live.0.get()?;
        Some(
            v.plans
                .into_iter()
                .map(|p| {
                    let (a, b) = (p.plan.id.clone(), p.plan.id.clone());
                    let usable = p.refused.is_none();
                    view! {
                        <li data-plan=p.plan.id.clone()>
                            <div class="plan-line">
                                <strong>{p.plan.name.clone()}</strong>
                                {level_badge(locale, p.plan.level)}
                            </div>
                            <span class="muted small">{event_text(locale, p.plan.event)}" · "{p.plan.steps.len()}{text(locale, T::EmStepsCount)}</span>
                            {p.refused.clone().map(|why| view! { <br/><span class="error small">{why}</span> })}
                            {(commands && usable).then(|| view! {
                                <div class="row-buttons">
                                    <button type="button" class="chip" data-act="manual" on:click=move |_| start(a.clone(), false)>{text(locale, T::EmStartManual)}</button>
                                    <button type="button" class="chip" data-act="drill" on:click=move |_| drill(b.clone())>{text(locale, T::EmRunDrill)}</button>
                                </div>
                            })}
                        </li>
                    }
                })
                .collect_view(),
        )
    };

    let past = move || {
        let locale = i18n.locale.get();
        history
            .get()
            .into_iter()
            .filter(|h| h.ended_at.is_some())
            .take(20)
            .map(|h| {
                let id = h.id;
                let score = h.score;
                let dash = || "—".to_owned();
                view! {
                    <li data-incident=h.id on:click=move |_| show_report(id)>
                        <div><strong>{h.plan_name.clone()}</strong>" "{drill_tag(locale, h.drill)}
                            <span class="muted small">" "{crate::roles::format_time(h.started_at)}</span></div>
                        <div class="score">
                            {text(locale, T::EmScoreAck)}" "{score.mean_first_ack_ms.map(|m| took(locale, m)).unwrap_or_else(dash)}
                            " · "{text(locale, T::EmScoreCounters)}" "{score.counters_opened_ms.map(|m| took(locale, m)).unwrap_or_else(dash)}
                            " · "{text(locale, T::EmScoreEscalated)}" "{score.escalated}
                            " · "{text(locale, T::EmScoreMissed)}" "{score.missed}
                        </div>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <h1 class="page-title" id="page-title">{i18n.t(T::NavEmergency)}</h1>
        <p class="error banner" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
        <div class="console">
            <div class="console-main">
                <section class="card" id="proposals">
                    <h2>{i18n.t(T::EmProposals)}</h2>
                    {proposals}
                </section>
                <div id="incidents">{incidents}</div>
            </div>
            <div class="console-side">
                <section class="card" id="plans">
                    <h2>{i18n.t(T::EmPlans)}</h2>
                    <ul class="plan-list">{plans}</ul>
                </section>
                <section class="card" id="history">
                    <h2>{i18n.t(T::EmHistory)}</h2>
                    <ul class="history-list">{past}</ul>
                    <p class="hint">{i18n.t(T::EmKeys)}</p>
                </section>
            </div>
        </div>
        {move || ask.get().map(|(what, id)| view! { <AskDialog what id busy error act ask /> })}
        {move || report.get().map(|d| view! { <ReportView detail=d on_close=Callback::new(move |()| report.set(None)) /> })}
    }
}

#[allow(clippy::too_many_arguments)]
fn incident_card(
    locale: Locale,
    i: Incident,
    role: Role,
    commands: bool,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    act: impl Fn(u64, IncidentAct) + Copy + 'static,
    ask: RwSignal<Option<(Ask, u64)>>,
) -> impl IntoView {
    let id = i.id;
    let steps = i
        .plan
        .steps
        .iter()
        .map(|p| {
            let s = i.steps.iter().find(|s| s.id == p.id).cloned();
            let (state, class) = match &s {
                Some(s) if s.done_at.is_some() => (T::EmStepDone, "done"),
                Some(s) if s.escalated_at.is_some() => (T::EmEscalated, "late"),
                Some(s) if s.due_at.is_some() => (T::EmStepDue, "due"),
                _ => (T::EmStepWaiting, "waiting"),
            };
            let acks = s
                .as_ref()
                .map(|s| {
                    s.acks
                        .iter()
                        .map(|a| format!("{} {} {}", text(locale, role_text(a.role)), a.by, clock(a.at)))
                        .collect::<Vec<_>>()
                        .join("；")
                })
                .unwrap_or_default();
            let who = p
                .ack_by
                .iter()
                .map(|r| text(locale, role_text(*r)))
                .collect::<Vec<_>>()
                .join("、");
            let mine = i.waiting_for(role).iter().any(|w| **w == p.id);
            let step = p.id.clone();
            view! {
                <tr class=format!("step {class}") data-step=p.id.clone()>
                    <td><span class="step-state">{text(locale, state)}</span></td>
                    <td><strong>{p.title.clone()}</strong>
                        {p.action.as_ref().map(|a| view! { <br/><span class="muted small">{action_text(locale, a)}</span> })}</td>
                    <td class="small">{who}</td>
                    <td class="small">{acks}</td>
                    <td>{mine.then(|| view! {
                        <button type="button" class="chip" data-act="ack" prop:disabled=move || busy.get()
                            on:click=move |_| acknowledge(id, step.clone(), busy, error)>{text(locale, T::EmAck)}</button>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    let timeline = i
        .timeline
        .iter()
        .rev()
        .map(|e| {
            view! {
                <li>
                    <span class="tl-time">{clock(e.at)}</span>
                    <span class="tl-who">{e.by.clone().unwrap_or_else(|| text(locale, T::EmSystem).to_owned())}</span>
                    <span class="tl-what">{what_text(locale, &i, &e.what)}</span>
                </li>
            }
        })
        .collect_view();
    let duty = if i.duty.is_empty() {
        text(locale, T::EmNoDuty).to_owned()
    } else {
        i.duty.clone()
    };
    view! {
        <section class="card incident" data-incident=i.id data-level=i.level.colour() class:drill=i.drill>
            <div class="incident-head">
                {level_badge(locale, i.level)}
                {drill_tag(locale, i.drill)}
                <h2>{i.plan.name.clone()}</h2>
                <span class="muted">{text(locale, T::EmStarted)}" "{clock(i.started_at)}" · "{text(locale, T::EmDuty)}" "{duty}</span>
            </div>
            {commands.then(|| view! {
                <div class="row-buttons incident-actions">
                    <button type="button" class="ghost" data-act="up" on:click=move |_| act(id, IncidentAct::Level { up: true })>{text(locale, T::EmLevelUp)}" (U)"</button>
                    <button type="button" class="ghost" data-act="down" on:click=move |_| act(id, IncidentAct::Level { up: false })>{text(locale, T::EmLevelDown)}" (D)"</button>
                    <button type="button" class="ghost" data-act="note" on:click=move |_| ask.set(Some((Ask::Note, id)))>{text(locale, T::EmNote)}" (N)"</button>
                    <button type="button" class="ghost" data-act="handover" on:click=move |_| ask.set(Some((Ask::HandOver, id)))>{text(locale, T::EmHandOver)}" (H)"</button>
                    <button type="button" class="danger" data-act="terminate" on:click=move |_| ask.set(Some((Ask::Terminate, id)))>{text(locale, T::EmTerminate)}" (T)"</button>
                </div>
            })}
            <div class="incident-body">
                <table class="grid-table steps">
                    <thead><tr><th>{text(locale, T::EmState)}</th><th>{text(locale, T::EmStep)}</th><th>{text(locale, T::EmWho)}</th><th>{text(locale, T::EmAcks)}</th><th></th></tr></thead>
                    <tbody>{steps}</tbody>
                </table>
                <div class="timeline-box">
                    <h3>{text(locale, T::EmTimeline)}</h3>
                    <ol class="timeline" id="timeline">{timeline}</ol>
                </div>
            </div>
        </section>
    }
}

/// A note, a handover or the end of an incident: one field, Enter to confirm, Esc to leave.
#[component]
fn AskDialog(
    what: Ask,
    id: u64,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    act: impl Fn(u64, IncidentAct) + Copy + 'static,
    ask: RwSignal<Option<(Ask, u64)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(String::new());
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let (title, hint) = match what {
        Ask::Note => (T::EmNote, T::EmNoteHint),
        Ask::HandOver => (T::EmHandOver, T::EmHandOverHint),
        Ask::Terminate => (T::EmTerminate, T::EmTerminateHint),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = value.get_untracked();
        act(
            id,
            match what {
                Ask::Note => IncidentAct::Note { text: v },
                Ask::HandOver => IncidentAct::HandOver { to: v },
                Ask::Terminate => IncidentAct::Terminate { summary: v },
            },
        );
    };
    let leave = Callback::new(move |()| {
        error.set(None);
        ask.set(None)
    });
    view! {
        <div class="overlay" on:click=move |_| leave.run(())>
            <form class="dialog card" id="emergency-dialog" on:submit=submit
                on:keydown=dialog::on_escape(leave) on:click=|ev| ev.stop_propagation()>
                <h2>{i18n.t(title)}</h2>
                <input id="emergency-input" type="text" maxlength="500" autocomplete="off" node_ref=input
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                <p class="hint">{i18n.t(hint)}</p>
                <p class="error" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| leave.run(())>{i18n.t(T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="emergency-confirm" prop:disabled=move || busy.get()>{i18n.t(T::Confirm)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}

/// 应急信息快速报告单: what ran, when, who did what, how long each step took; printable.
#[component]
fn ReportView(detail: IncidentDetail, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.locale.get_untracked();
    let r = detail.report.clone();
    let i = detail.incident.clone();
    let summary = i
        .ended
        .as_ref()
        .map(|e| e.summary.clone())
        .unwrap_or_default();
    let steps = r
        .steps
        .iter()
        .map(|s| {
            let acks = s
                .acks
                .iter()
                .map(|a| format!("{} {} {}", text(locale, role_text(a.role)), a.by, clock(a.at)))
                .collect::<Vec<_>>()
                .join("；");
            view! {
                <tr data-step=s.id.clone() class:alert=s.escalated || s.done_at.is_none()>
                    <td>{s.title.clone()}</td>
                    <td>{s.due_at.map(clock)}</td>
                    <td>{s.done_at.map(clock)}</td>
                    <td class="num">{s.took_ms.map(|m| took(locale, m)).unwrap_or_else(|| text(locale, T::EmNotDone).to_owned())}</td>
                    <td class="small">{acks}</td>
                    <td>{s.escalated.then(|| text(locale, T::EmEscalated))}</td>
                </tr>
            }
        })
        .collect_view();
    let lines = i
        .timeline
        .iter()
        .map(|e| view! { <li><span class="tl-time">{clock(e.at)}</span><span class="tl-who">{e.by.clone().unwrap_or_else(|| text(locale, T::EmSystem).to_owned())}</span><span class="tl-what">{what_text(locale, &i, &e.what)}</span></li> })
        .collect_view();
    let score = detail.score;
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="overlay" on:click=move |_| on_close.run(())>
            <div class="dialog card wide report" id="incident-report" role="dialog" tabindex="-1"
                on:click=|ev| ev.stop_propagation() on:keydown=dialog::on_escape(on_close)>
                <h2>{i18n.t(T::EmReport)}" · "{r.plan.clone()} " " {drill_tag(locale, r.drill)}</h2>
                <dl class="facts">
                    <dt>{i18n.t(T::EmStarted)}</dt><dd>{crate::roles::format_time(r.started_at).chars().take(10).collect::<String>()}" "{clock(r.started_at)}</dd>
                    <dt>{i18n.t(T::EmEnded)}</dt><dd>{r.ended_at.map(clock)}</dd>
                    <dt>{i18n.t(T::EmLength)}</dt><dd>{r.ended_at.map(|e| took(locale, e - r.started_at))}</dd>
                    <dt>{i18n.t(T::EmSummary)}</dt><dd>{summary}</dd>
                    <dt>{i18n.t(T::EmScoreMissed)}</dt><dd id="report-missed">{r.missed}</dd>
                    <dt>{i18n.t(T::EmScoreAck)}</dt><dd>{score.mean_first_ack_ms.map(|m| took(locale, m))}</dd>
                </dl>
                <table class="grid-table" id="report-steps">
                    <thead><tr><th>{i18n.t(T::EmStep)}</th><th>{i18n.t(T::EmDue)}</th><th>{i18n.t(T::EmDoneAt)}</th><th class="num">{i18n.t(T::EmTook)}</th><th>{i18n.t(T::EmAcks)}</th><th></th></tr></thead>
                    <tbody>{steps}</tbody>
                </table>
                <h3>{i18n.t(T::EmTimeline)}</h3>
                <ol class="timeline">{lines}</ol>
                <div class="dialog-buttons no-print">
                    <button type="button" class="ghost" on:click=move |_| on_close.run(())>{i18n.t(T::EmClose)} " (Esc)"</button>
                    <button type="button" class="primary" id="report-print" on:click=print>{i18n.t(T::EmPrint)}</button>
                </div>
            </div>
        </div>
    }
}
