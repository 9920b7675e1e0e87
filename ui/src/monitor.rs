//! The supervisor's device monitor: the hall's floor plan with a live badge per device, the alarm console, the device list and a device's page.
//!
//! Keyboard first: ↑/↓ pick an alarm, A acknowledges it and C clears it
//! (each asks for a note; Enter confirms, Esc cancels), M puts its device in
//! maintenance for 30 minutes, V opens the footage around it (at its
//! device's or clerk's counter), F switches between open alarms and the
//! history. An alarm nobody acknowledged in time raises a banner and a tone.
//! The picked device's control commands have keys of their own (S, R, N, P:
//! see `device_commands`); D adds a device (see `provision`).

use crate::api;
use crate::app::HallTick;
use crate::chart::{Chart, Series, TimeChart};
use crate::device_commands::{command_for_key, CmdKind, CommandButtons, CommandDialog, CommandLog};
use crate::dialog;
use crate::footage::open_footage;
use crate::i18n::{fault_text, kind_text, severity_text, text, use_i18n, T};
use crate::provision::{AddDeviceDialog, RevokeDialog};
use crate::roles::format_time;
use ipc::devices::{
    Alarm, AlarmAct, AlarmActKind, AlarmState, AlarmsQuery, DeviceView, MaintenanceAct,
    MaintenanceRequest, MetricSample, PresenceState, Severity, Source,
};
use ipc::{ApiError, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use std::time::Duration;

/// How a device's badge looks.
fn badge_class(d: &DeviceView, worst: Option<Severity>) -> &'static str {
    if d.revoked_at.is_some() {
        return "badge-revoked";
    }
    if d.maintenance.is_some() {
        return "badge-maint";
    }
    match (d.presence, worst) {
        (PresenceState::Offline, _) => "badge-bad",
        (_, Some(Severity::Critical | Severity::Major)) => "badge-bad",
        (_, Some(_)) => "badge-warn",
        (PresenceState::Online, None) => "badge-ok",
        (PresenceState::Unknown, None) => "badge-unknown",
    }
}

fn presence_text(p: PresenceState) -> T {
    match p {
        PresenceState::Online => T::DevOnline,
        PresenceState::Offline => T::DevOffline,
        PresenceState::Unknown => T::DevUnknown,
    }
}

/// What an alarm is about, in words: the device's name, or the business or clerk.
fn source_text(locale: Locale, a: &Alarm, names: &BTreeMap<String, String>) -> String {
    match &a.key.source {
        Source::Device { id } => names
            .get(id.as_str())
            .cloned()
            .unwrap_or_else(|| id.to_string()),
        Source::Business { code } => format!("{} {code}", text(locale, T::Business)),
        Source::Clerk { staff_no } => format!("{} {staff_no}", text(locale, T::RoleClerk)),
    }
}

/// What an alarm's footage is about, for the video audit.
fn footage_about(locale: Locale, a: &Alarm, names: &BTreeMap<String, String>) -> String {
    format!(
        "{} #{} {} {}",
        text(locale, T::FtAboutAlarm),
        a.id,
        source_text(locale, a, names),
        text(locale, fault_text(a.key.fault))
    )
}

/// Opens the footage around an alarm: from when it was raised, at its
/// device's counter, or at the counter its clerk is signed in at.
fn alarm_footage(a: &Alarm, about: String, devices: &[DeviceView]) {
    let at = a.raised_at;
    match &a.key.source {
        Source::Device { id } => {
            let counter = devices
                .iter()
                .find(|d| &d.device.id == id)
                .and_then(|d| d.device.counter);
            open_footage(at, counter, about);
        }
        Source::Business { .. } => open_footage(at, None, about),
        Source::Clerk { staff_no } => {
            let staff_no = staff_no.clone();
            spawn_local(async move {
                let counter = api::hall_board().await.ok().and_then(|b| {
                    b.counters
                        .into_iter()
                        .find(|c| {
                            c.staff_no
                                .as_ref()
                                .is_some_and(|s| s.to_string() == staff_no)
                        })
                        .map(|c| c.no.get())
                });
                open_footage(at, counter, about);
            });
        }
    }
}

/// A short line of a device's latest metrics.
fn metrics_line(locale: Locale, d: &DeviceView) -> String {
    let Some(m) = &d.metrics else {
        return String::new();
    };
    let zh = locale == Locale::ZhCn;
    let mut parts = Vec::new();
    if let Some(p) = m.paper_pct {
        parts.push(if zh {
            format!("纸量 {p}%")
        } else {
            format!("paper {p}%")
        });
    }
    if let Some(c) = m.cash_box_pct {
        parts.push(if zh {
            format!("钱箱 {c}%")
        } else {
            format!("cash box {c}%")
        });
    }
    if let Some(t) = m.temperature_c {
        parts.push(format!("{t:.0} ℃"));
    }
    if m.on_battery == Some(true) {
        let min = m
            .battery_min
            .map(|n| n.to_string())
            .unwrap_or_else(|| "?".into());
        parts.push(if zh {
            format!("电池供电 剩 {min} 分钟")
        } else {
            format!("on battery, {min} min left")
        });
    }
    if m.link_up == Some(false) {
        parts.push(text(locale, T::DevLinkDown).to_owned());
    }
    if m.out_of_service == Some(true) {
        parts.push(text(locale, T::DevOutOfService).to_owned());
    }
    parts.join(" · ")
}

/// A short tone, twice, for an alarm that waited too long (silent where there is no audio).
fn ring() {
    let Ok(ctx) = web_sys::AudioContext::new() else {
        return;
    };
    for (i, freq) in [880.0f32, 660.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        osc.frequency().set_value(freq);
        gain.gain().set_value(0.15);
        let start = ctx.current_time() + i as f64 * 0.35;
        let _ = osc
            .connect_with_audio_node(&gain)
            .and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.25);
    }
}

/// What the note dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Acknowledge,
    Assign,
    Clear,
    Maintenance,
}

#[component]
pub fn Monitor() -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let devices = RwSignal::new(Vec::<DeviceView>::new());
    let alarms = RwSignal::new(Vec::<Alarm>::new());
    let history = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let selected = RwSignal::new(None::<u64>);
    let picked_device = RwSignal::new(None::<String>);
    let ask = RwSignal::new(None::<(Ask, u64)>);
    let cmd_ask = RwSignal::new(None::<(DeviceView, CmdKind)>);
    let adding = RwSignal::new(false);
    let revoking = RwSignal::new(None::<DeviceView>);
    let generation = RwSignal::new(0u64);

    let refresh = move || {
        let mine = generation.get_untracked() + 1;
        generation.set(mine);
        let query = AlarmsQuery {
            state: Some(
                if history.get_untracked() {
                    "all"
                } else {
                    "open"
                }
                .into(),
            ),
            limit: Some(200),
        };
        spawn_local(async move {
            let (d, a) = (api::devices().await, api::alarms(query).await);
            if generation.try_get_untracked() != Some(mine) {
                return;
            }
            match (d, a) {
                (Ok(d), Ok(a)) => {
                    devices.set(d);
                    if selected
                        .get_untracked()
                        .is_none_or(|id| !a.iter().any(|x| x.id == id))
                    {
                        selected.set(a.iter().find(|x| x.root.is_none()).map(|x| x.id));
                    }
                    alarms.set(a);
                    error.set(None);
                }
                (Err(e), _) | (_, Err(e)) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        tick.get();
        history.get();
        refresh();
    });
    // Presence and escalation move without events too.
    if let Ok(h) = set_interval_with_handle(refresh, Duration::from_secs(5)) {
        on_cleanup(move || h.clear());
    }

    // The alarms that call for someone, and those that waited too long.
    let ringing = Memo::new(move |_| {
        alarms.with(|a| {
            a.iter()
                .filter(|x| x.rings())
                .map(|x| x.id)
                .collect::<Vec<_>>()
        })
    });
    let overdue = Memo::new(move |_| {
        alarms.with(|a| {
            a.iter()
                .filter(|x| x.rings() && x.escalated_at.is_some())
                .count()
        })
    });
    let rung = StoredValue::new(0usize);
    Effect::new(move |_| {
        let n = overdue.get();
        if n > rung.get_value() {
            ring();
        }
        rung.set_value(n);
    });

    // Picking an alarm picks its device for the device panel.
    Effect::new(move |_| {
        let Some(id) = selected.get() else { return };
        let device = alarms.with_untracked(|a| {
            a.iter()
                .find(|x| x.id == id)
                .and_then(|x| x.key.source.device().map(|d| d.to_string()))
        });
        if device.is_some() {
            picked_device.set(device);
        }
    });
    let names = Memo::new(move |_| {
        devices.with(|d| {
            d.iter()
                .map(|v| (v.device.id.to_string(), v.device.name.clone()))
                .collect::<BTreeMap<_, _>>()
        })
    });
    // The worst open alarm per device, for its badge.
    let worst = Memo::new(move |_| {
        let mut w: BTreeMap<String, Severity> = BTreeMap::new();
        alarms.with(|a| {
            for x in a.iter().filter(|x| x.is_open()) {
                if let Some(id) = x.key.source.device() {
                    let e = w.entry(id.to_string()).or_insert(x.severity);
                    *e = (*e).max(x.severity);
                }
            }
        });
        w
    });
    // Top-level alarms in the console: folded ones count under their root.
    let shown = Memo::new(move |_| {
        alarms.with(|a| {
            let mut top: Vec<Alarm> = a.iter().filter(|x| x.root.is_none()).cloned().collect();
            top.sort_by(|x, y| {
                (y.is_open(), y.rings(), y.severity, y.raised_at).cmp(&(
                    x.is_open(),
                    x.rings(),
                    x.severity,
                    x.raised_at,
                ))
            });
            top
        })
    });
    let folded = move |id: u64| alarms.with(|a| a.iter().filter(|x| x.root == Some(id)).count());

    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ask.get_untracked().is_some()
            || cmd_ask.get_untracked().is_some()
            || adding.get_untracked()
            || revoking.get_untracked().is_some()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.meta_key()
        {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if typing {
            return;
        }
        let list = shown.get_untracked();
        let at = selected
            .get_untracked()
            .and_then(|id| list.iter().position(|x| x.id == id));
        let key = ev.key();
        let open_selected = || at.map(|i| &list[i]).filter(|x| x.is_open()).map(|x| x.id);
        match key.as_str() {
            "ArrowDown" | "ArrowUp" if !list.is_empty() => {
                ev.prevent_default();
                let i = match (at, key.as_str()) {
                    (None, _) => 0,
                    (Some(i), "ArrowDown") => (i + 1).min(list.len() - 1),
                    (Some(i), _) => i.saturating_sub(1),
                };
                selected.set(Some(list[i].id));
            }
            "a" | "A" => {
                if let Some(id) = open_selected() {
                    ev.prevent_default();
                    ask.set(Some((Ask::Acknowledge, id)));
                }
            }
            "c" | "C" => {
                if let Some(id) = open_selected() {
                    ev.prevent_default();
                    ask.set(Some((Ask::Clear, id)));
                }
            }
            "g" | "G" => {
                if let Some(id) = open_selected() {
                    ev.prevent_default();
                    ask.set(Some((Ask::Assign, id)));
                }
            }
            "m" | "M" => {
                let device = at.and_then(|i| list[i].key.source.device().cloned());
                if let (Some(id), Some(_)) = (at.map(|i| list[i].id), device) {
                    ev.prevent_default();
                    ask.set(Some((Ask::Maintenance, id)));
                }
            }
            "f" | "F" => {
                ev.prevent_default();
                history.update(|h| *h = !*h);
            }
            "v" | "V" => {
                if let Some(a) = at.map(|i| &list[i]) {
                    ev.prevent_default();
                    let about =
                        footage_about(i18n.locale.get_untracked(), a, &names.get_untracked());
                    alarm_footage(a, about, &devices.get_untracked());
                }
            }
            "d" | "D" => {
                ev.prevent_default();
                adding.set(true);
            }
            "s" | "S" | "r" | "R" | "n" | "N" | "p" | "P" => {
                let picked = picked_device.get_untracked().and_then(|id| {
                    devices
                        .with_untracked(|d| d.iter().find(|x| x.device.id.as_str() == id).cloned())
                });
                if let Some(d) = picked {
                    if let Some(c) = command_for_key(&d, &key) {
                        ev.prevent_default();
                        cmd_ask.set(Some((d, c)));
                    }
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    let plan = move || {
        let worst = worst.get();
        devices
            .get()
            .into_iter()
            .map(|d| {
                let id = d.device.id.to_string();
                let class = badge_class(&d, worst.get(&id).copied());
                // The plan's edges keep a margin, so a badge at 0 or 1000 is whole.
                let style = format!(
                    "left: {:.1}%; top: {:.1}%",
                    5.0 + f64::from(d.device.spot.x) * 0.09,
                    5.0 + f64::from(d.device.spot.y) * 0.09
                );
                let pick = id.clone();
                let title = format!(
                    "{} · {}",
                    text(i18n.locale.get_untracked(), kind_text(d.device.kind)),
                    d.device.name
                );
                view! {
                    <button type="button" class=format!("plan-badge {class}") style=style data-device=id.clone()
                        data-state=class title=title.clone() tabindex="-1"
                        on:click=move |_| picked_device.set(Some(pick.clone()))>
                        <span class="plan-dot"></span>
                        <span class="plan-label">{id.clone()}</span>
                    </button>
                }
            })
            .collect_view()
    };

    let console = move || {
        let locale = i18n.locale.get();
        let names = names.get();
        let list = shown.get();
        if list.is_empty() {
            return view! { <p class="muted" id="alarms-empty">{text(locale, T::AlarmNone)}</p> }
                .into_any();
        }
        list.into_iter()
            .map(|a| {
                let id = a.id;
                let under = folded(id);
                let state = match a.state {
                    AlarmState::Raised => T::AlarmRaised,
                    AlarmState::Acknowledged => T::AlarmAcked,
                    AlarmState::Cleared => T::AlarmCleared,
                };
                let count = (a.count > 1).then(|| format!("×{}", a.count));
                let folded_line = (under > 0).then(|| {
                    let zh = format!("含 {under} 台下挂设备的告警");
                    let en = format!("with {under} dependants' alarms folded in");
                    view! { <div class="alarm-folded">{if locale == Locale::ZhCn { zh } else { en }}</div> }
                });
                let ack = a.acknowledged.as_ref().map(|n| {
                    view! { <div class="alarm-note muted small">{format!("{} · {} · {}", text(locale, T::AlarmAcked), n.by, n.note)}</div> }
                });
                let assigned = a.assigned_to.as_ref().map(|to| {
                    view! { <div class="alarm-note muted small" data-assigned=to.clone()>{format!("{} · {to}", text(locale, T::AlarmAssign))}</div> }
                });
                let sev = a.severity;
                let footage = {
                    let (a, about) = (a.clone(), footage_about(locale, &a, &names));
                    move |ev: leptos::ev::MouseEvent| {
                        ev.stop_propagation();
                        alarm_footage(&a, about.clone(), &devices.get_untracked());
                    }
                };
                view! {
                    <li class="alarm-row" data-alarm=id data-fault=format!("{:?}", a.key.fault)
                        data-state=format!("{:?}", a.state).to_lowercase()
                        class:selected=move || selected.get() == Some(id)
                        class:ringing=a.rings() class:escalated=a.escalated_at.is_some()
                        on:click=move |_| selected.set(Some(id))>
                        <span class=format!("sev sev-{}", format!("{sev:?}").to_lowercase())>{text(locale, severity_text(sev))}</span>
                        <div class="alarm-main">
                            <div class="alarm-title">
                                <strong>{source_text(locale, &a, &names)}</strong>" "{text(locale, fault_text(a.key.fault))}
                                " "<span class="muted small">{count}</span>
                            </div>
                            <div class="muted small">{format_time(a.raised_at)}" · "{text(locale, state)}</div>
                            {folded_line}
                            {ack}
                            {assigned}
                        </div>
                        <div class="alarm-acts">
                            <button type="button" class="chip" data-act="ack" prop:disabled=a.state != AlarmState::Raised
                                on:click=move |ev| { ev.stop_propagation(); ask.set(Some((Ask::Acknowledge, id))) }>
                                {text(locale, T::AlarmAck)}<kbd>"A"</kbd></button>
                            <button type="button" class="chip" data-act="clear" prop:disabled=!a.is_open()
                                on:click=move |ev| { ev.stop_propagation(); ask.set(Some((Ask::Clear, id))) }>
                                {text(locale, T::AlarmClear)}<kbd>"C"</kbd></button>
                            <button type="button" class="chip" data-act="footage" on:click=footage>
                                {text(locale, T::FtFootage)}<kbd>"V"</kbd></button>
                        </div>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };

    let table = move || {
        let locale = i18n.locale.get();
        let worst = worst.get();
        devices
            .get()
            .into_iter()
            .map(|d| {
                let id = d.device.id.to_string();
                let class = badge_class(&d, worst.get(&id).copied());
                let last = d.last_heard.map(format_time).unwrap_or_else(|| text(locale, T::NoData).to_owned());
                let pick = id.clone();
                let line = metrics_line(locale, &d);
                view! {
                    <tr data-device=id.clone() on:click={ let id = id.clone(); move |_| picked_device.set(Some(id.clone())) } class:picked=move || picked_device.get().as_deref() == Some(pick.as_str())>
                        <td><span class=format!("dot {class}")></span>" "{d.device.name.clone()}<span class="muted small">" "{id.clone()}</span></td>
                        <td>{text(locale, kind_text(d.device.kind))}</td>
                        <td>{text(locale, presence_text(d.presence))}</td>
                        <td class="num">{last}</td>
                        <td class="num">{d.open_alarms}</td>
                        <td class="small">{line}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    let banner = move || {
        let n = overdue.get();
        (n > 0).then(|| {
            let locale = i18n.locale.get();
            let says = if locale == Locale::ZhCn {
                format!("有 {n} 条告警超时未确认，请尽快处理")
            } else {
                format!("{n} alarm(s) waited too long without acknowledgement")
            };
            view! { <div class="alarm-banner" role="alert" id="alarm-banner">{says}</div> }
        })
    };

    let counts = move || {
        let locale = i18n.locale.get();
        let d = devices.get();
        let online = d
            .iter()
            .filter(|x| x.presence == PresenceState::Online)
            .count();
        let offline = d
            .iter()
            .filter(|x| x.presence == PresenceState::Offline)
            .count();
        let zh = locale == Locale::ZhCn;
        let r = ringing.get().len();
        if zh {
            format!(
                "设备 {} 台 · 在线 {online} · 离线 {offline} · 待确认告警 {r}",
                d.len()
            )
        } else {
            format!(
                "{} devices · {online} online · {offline} offline · {r} alarms to acknowledge",
                d.len()
            )
        }
    };

    view! {
        <h1 class="page-title" id="page-title">{move || text(i18n.locale.get(), T::NavMonitor)}</h1>
        {banner}
        <p class="muted" id="monitor-counts">{counts}</p>
        <p class="error" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
        <div class="monitor">
            <section class="card plan-card">
                <h2>{move || text(i18n.locale.get(), T::MonPlan)}</h2>
                <div class="plan" id="floor-plan">
                    <div class="plan-zone plan-counters">{move || text(i18n.locale.get(), T::MonZoneCounters)}</div>
                    <div class="plan-zone plan-self">{move || text(i18n.locale.get(), T::MonZoneSelf)}</div>
                    <div class="plan-zone plan-wait">{move || text(i18n.locale.get(), T::MonZoneWaiting)}</div>
                    {plan}
                </div>
            </section>
            <section class="card alarms-card">
                <h2>
                    {move || text(i18n.locale.get(), T::MonAlarms)}
                    <button type="button" class="chip" id="alarm-filter" on:click=move |_| history.update(|h| *h = !*h)>
                        {move || text(i18n.locale.get(), if history.get() { T::AlarmShowOpen } else { T::AlarmShowAll })}<kbd>"F"</kbd>
                    </button>
                </h2>
                <ul class="alarm-list" id="alarm-list">{console}</ul>
                <p class="muted small">{move || text(i18n.locale.get(), T::MonHint)}</p>
            </section>
        </div>
        {move || picked_device.get().and_then(|id| devices.get().into_iter().find(|d| d.device.id.as_str() == id))
            .map(|d| view! { <DevicePanel device=d tick cmd_ask revoking /> })}
        <section class="card">
            <h2>
                {move || text(i18n.locale.get(), T::MonDevices)}
                <button type="button" class="chip" id="device-add" on:click=move |_| adding.set(true)>
                    {move || text(i18n.locale.get(), T::ProvAdd)}<kbd>"D"</kbd>
                </button>
            </h2>
            <table class="table" id="device-table">
                <thead><tr>
                    <th>{move || text(i18n.locale.get(), T::DevName)}</th>
                    <th>{move || text(i18n.locale.get(), T::DevKind)}</th>
                    <th>{move || text(i18n.locale.get(), T::DevState)}</th>
                    <th>{move || text(i18n.locale.get(), T::DevLastHeard)}</th>
                    <th>{move || text(i18n.locale.get(), T::MonAlarms)}</th>
                    <th>{move || text(i18n.locale.get(), T::DevMetrics)}</th>
                </tr></thead>
                <tbody>{table}</tbody>
            </table>
        </section>
        {move || adding.get().then(|| view! {
            <AddDeviceDialog on_close=Callback::new(move |_: ()| { adding.set(false); refresh(); }) />
        })}
        {move || revoking.get().map(|device| view! {
            <RevokeDialog device on_done=Callback::new(move |_: ()| { revoking.set(None); refresh(); })
                on_cancel=Callback::new(move |_: ()| revoking.set(None)) />
        })}
        {move || cmd_ask.get().map(|(device, what)| {
            let ups = device.device.id.clone();
            let fed = devices.with(|d| d.iter()
                .filter(|x| x.device.depends_on.contains(&ups))
                .map(|x| (x.device.id.to_string(), x.device.name.clone()))
                .collect::<Vec<_>>());
            view! {
                <CommandDialog device what fed on_done=Callback::new(move |_: ()| { cmd_ask.set(None); refresh(); })
                    on_cancel=Callback::new(move |_: ()| cmd_ask.set(None)) />
            }
        })}
        {move || ask.get().map(|(what, id)| view! {
            <NoteDialog what id alarms on_done=Callback::new(move |_: ()| { ask.set(None); refresh(); })
                on_cancel=Callback::new(move |_: ()| ask.set(None)) />
        })}
    }
}

/// Asks for the note of an acknowledgement, a clearing or a maintenance window; Enter confirms, Esc cancels.
#[component]
fn NoteDialog(
    what: Ask,
    id: u64,
    alarms: RwSignal<Vec<Alarm>>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let device = alarms.with_untracked(|a| {
        a.iter()
            .find(|x| x.id == id)
            .and_then(|x| x.key.source.device().map(|d| d.to_string()))
    });
    let title = match what {
        Ask::Acknowledge => T::AlarmAck,
        Ask::Assign => T::AlarmAssign,
        Ask::Clear => T::AlarmClear,
        Ask::Maintenance => T::AlarmMaintain,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note = note.get_untracked();
        let device = device.clone();
        let call = async move {
            match what {
                Ask::Acknowledge => api::alarm_act(AlarmAct {
                    id,
                    act: AlarmActKind::Acknowledge { note },
                })
                .await
                .map(|_| ()),
                Ask::Assign => api::alarm_act(AlarmAct {
                    id,
                    act: AlarmActKind::Assign { to: note },
                })
                .await
                .map(|_| ()),
                Ask::Clear => api::alarm_act(AlarmAct {
                    id,
                    act: AlarmActKind::Clear { note },
                })
                .await
                .map(|_| ()),
                Ask::Maintenance => match device {
                    Some(device) => api::device_maintenance(MaintenanceAct {
                        device,
                        start: Some(MaintenanceRequest { minutes: 30, note }),
                    })
                    .await
                    .map(|_| ()),
                    None => Ok(()),
                },
            }
        };
        dialog::send(busy, error, call, move |()| on_done.run(()));
    };
    let keys = dialog::on_escape(on_cancel);
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <form class="dialog card" id="alarm-dialog" data-ask=format!("{what:?}").to_lowercase()
                on:submit=submit on:keydown=keys on:click=|ev| ev.stop_propagation()>
                <h2>{move || text(i18n.locale.get(), title)}</h2>
                <label for="alarm-note">
                    {move || text(i18n.locale.get(), match what {
                        Ask::Maintenance => T::AlarmMaintainNote,
                        Ask::Assign => T::AlarmAssignTo,
                        _ => T::AlarmNote,
                    })}
                </label>
                <input type="text" id="alarm-note" maxlength="200" autocomplete="off" node_ref=input
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                <p class="error" role="alert" id="alarm-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| on_cancel.run(())>
                        {move || text(i18n.locale.get(), T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="alarm-confirm" prop:disabled=move || busy.get()>
                        {move || text(i18n.locale.get(), T::Confirm)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}

/// The series of a device's chart: what its kind measures.
fn series_of(
    locale: Locale,
    kind: ipc::devices::DeviceKind,
    samples: &[MetricSample],
) -> TimeChart {
    use ipc::devices::DeviceKind as K;
    type Pick = fn(&MetricSample) -> Option<f64>;
    let zh = locale == Locale::ZhCn;
    let (unit, picks, limit): (&str, Vec<(&str, Pick)>, Option<f64>) = match kind {
        K::Terminal | K::Kiosk => (
            "%",
            vec![
                (if zh { "纸量" } else { "Paper" }, |s| {
                    s.metrics.paper_pct.map(f64::from)
                }),
                (if zh { "钱箱" } else { "Cash box" }, |s| {
                    s.metrics.cash_box_pct.map(f64::from)
                }),
            ],
            Some(15.0),
        ),
        K::Ups => (
            if zh { "分钟" } else { "min" },
            vec![(if zh { "电池剩余" } else { "Battery left" }, |s| {
                s.metrics.battery_min.map(f64::from)
            })],
            Some(10.0),
        ),
        _ => (
            "℃",
            vec![(if zh { "温度" } else { "Temperature" }, |s| {
                s.metrics.temperature_c.map(f64::from)
            })],
            Some(45.0),
        ),
    };
    let series = picks
        .into_iter()
        .map(|(name, pick)| Series {
            name: name.to_owned(),
            bars: false,
            points: samples
                .iter()
                .filter_map(|s| pick(s).map(|v| (s.at, v)))
                .collect(),
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    TimeChart {
        unit: unit.to_owned(),
        series,
        limit,
    }
}

/// One device: its facts, its metrics over the last day, its open alarms.
#[component]
fn DevicePanel(
    device: DeviceView,
    tick: RwSignal<u64>,
    cmd_ask: RwSignal<Option<(DeviceView, CmdKind)>>,
    revoking: RwSignal<Option<DeviceView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let samples = RwSignal::new(Vec::<MetricSample>::new());
    let id = device.device.id.to_string();
    let kind = device.device.kind;
    {
        let id = id.clone();
        Effect::new(move |_| {
            tick.get();
            let id = id.clone();
            spawn_local(async move {
                if let Ok(s) = api::device_metrics(id).await {
                    samples.set(s);
                }
            });
        });
    }
    let chart = Signal::derive(move || series_of(i18n.locale.get(), kind, &samples.get()));
    let missing = Signal::derive(move || text(i18n.locale.get(), T::MonNoChart).to_owned());
    let empty = move || samples.with(|s| s.is_empty());
    let locale = i18n.locale.get_untracked();
    let depends = device
        .device
        .depends_on
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("、");
    let last = device
        .last_heard
        .map(format_time)
        .unwrap_or_else(|| text(locale, T::NoData).to_owned());
    let takes_commands = !crate::device_commands::commands_for(&device).is_empty();
    let commands = takes_commands.then(|| {
        let d = device.clone();
        let log_id = id.clone();
        view! {
            <h3>{move || text(i18n.locale.get(), T::MonCommands)}</h3>
            <div class="command-buttons"><CommandButtons device=d ask=cmd_ask /></div>
            <p class="muted small">{move || text(i18n.locale.get(), T::CmdHint)}</p>
            <CommandLog device=log_id />
        }
    });
    view! {
        <section class="card device-panel" id="device-panel" data-device=id.clone()>
            <h2>{device.device.name.clone()}" "<span class="muted small">{id.clone()}</span></h2>
            <dl class="facts">
                <dt>{move || text(i18n.locale.get(), T::DevKind)}</dt><dd>{move || text(i18n.locale.get(), kind_text(kind))}</dd>
                <dt>{move || text(i18n.locale.get(), T::DevState)}</dt><dd>{move || text(i18n.locale.get(), presence_text(device.presence))}</dd>
                <dt>{move || text(i18n.locale.get(), T::DevLastHeard)}</dt><dd>{last}</dd>
                <dt>{move || text(i18n.locale.get(), T::DevDependsOn)}</dt><dd>{if depends.is_empty() { "—".to_owned() } else { depends }}</dd>
                <dt>{move || text(i18n.locale.get(), T::DevMetrics)}</dt><dd>{metrics_line(locale, &device)}</dd>
            </dl>
            <h3>{move || text(i18n.locale.get(), T::MonDayChart)}</h3>
            <Show when=move || !empty() fallback=move || view! { <p class="muted">{text(i18n.locale.get(), T::MonNoSamples)}</p> }>
                <Chart chart missing />
            </Show>
            {commands}
            {device.revoked_at.is_none().then(|| {
                let d = device.clone();
                view! {
                    <p class="panel-foot">
                        <button type="button" class="ghost small" id="device-revoke" on:click=move |_| revoking.set(Some(d.clone()))>
                            {move || text(i18n.locale.get(), T::ProvRevoke)}</button>
                    </p>
                }
            })}
        </section>
    }
}
