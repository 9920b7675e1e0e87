//! Control commands in the supervisor's device monitor: which commands a device takes (and the key for each), the dialog that sends one, and a device's command log.
//!
//! Keys (on the monitor, with a device picked): S takes a terminal out of
//! service or back, R reloads a kiosk's, pad's or display's page, N shows a
//! message on a display, P power-cycles a device a UPS feeds. Each asks first
//! (Enter sends, Esc cancels); the command's life (held, sent, confirmed,
//! refused, failed) shows in the log as the hall node tells it.

use crate::api;
use crate::app::HallTick;
use crate::dialog;
use crate::i18n::{text, use_i18n, T};
use crate::roles::format_time;
use ipc::devices::{
    Action, Command, CommandRequest, CommandState, DeviceCommandAct, DeviceKind, DeviceView, Hold,
    MAX_MESSAGE,
};
use ipc::ApiError;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A command the supervisor may ask of a device, before its details are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmdKind {
    /// Out of service (`true`) or back in (`false`).
    Service(bool),
    Reload,
    Message,
    PowerCycle,
}

impl CmdKind {
    fn label(self) -> T {
        match self {
            CmdKind::Service(true) => T::CmdOutOfService,
            CmdKind::Service(false) => T::CmdInService,
            CmdKind::Reload => T::CmdReload,
            CmdKind::Message => T::CmdShowMessage,
            CmdKind::PowerCycle => T::CmdPowerCycle,
        }
    }

    fn key(self) -> &'static str {
        match self {
            CmdKind::Service(_) => "S",
            CmdKind::Reload => "R",
            CmdKind::Message => "N",
            CmdKind::PowerCycle => "P",
        }
    }
}

/// The commands `d` takes as it is now (a terminal out of service is offered its way back).
pub fn commands_for(d: &DeviceView) -> Vec<CmdKind> {
    if d.revoked_at.is_some() {
        return Vec::new();
    }
    match d.device.kind {
        DeviceKind::Terminal => {
            let out = d
                .metrics
                .as_ref()
                .and_then(|m| m.out_of_service)
                .unwrap_or(false);
            vec![CmdKind::Service(!out)]
        }
        DeviceKind::Kiosk | DeviceKind::Pad => vec![CmdKind::Reload],
        DeviceKind::Display => vec![CmdKind::Reload, CmdKind::Message],
        DeviceKind::Ups => vec![CmdKind::PowerCycle],
        _ => Vec::new(),
    }
}

/// The command of `d` a key asks for, if it takes one.
pub fn command_for_key(d: &DeviceView, key: &str) -> Option<CmdKind> {
    commands_for(d)
        .into_iter()
        .find(|c| c.key().eq_ignore_ascii_case(key))
}

fn action_label(a: &Action) -> T {
    match a {
        Action::Reload => T::CmdReload,
        Action::ShowMessage { .. } => T::CmdShowMessage,
        Action::OutOfService { out: true } => T::CmdOutOfService,
        Action::OutOfService { out: false } => T::CmdInService,
        Action::PowerCycle { .. } => T::CmdPowerCycle,
    }
}

fn state_label(s: &CommandState) -> (&'static str, T) {
    match s {
        CommandState::Waiting {
            hold: Hold::Offline,
        } => ("waiting", T::CmdHeldOffline),
        CommandState::Waiting {
            hold: Hold::Serving(ipc::devices::Busy::Payment),
        } => ("waiting", T::CmdHeldPayment),
        CommandState::Waiting {
            hold: Hold::Serving(ipc::devices::Busy::Rating),
        } => ("waiting", T::CmdHeldRating),
        CommandState::Sent { .. } => ("sent", T::CmdSent),
        CommandState::Confirmed { .. } => ("confirmed", T::CmdConfirmed),
        CommandState::Refused { .. } => ("refused", T::CmdRefused),
        CommandState::Expired { sent: true, .. } => ("expired", T::CmdExpired),
        CommandState::Expired { sent: false, .. } => ("expired", T::CmdExpiredHeld),
    }
}

/// The command buttons of a device panel.
#[component]
pub fn CommandButtons(
    device: DeviceView,
    ask: RwSignal<Option<(DeviceView, CmdKind)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    commands_for(&device)
        .into_iter()
        .map(|c| {
            let d = device.clone();
            view! {
                <button type="button" class="chip" data-command=c.key()
                    on:click=move |_| ask.set(Some((d.clone(), c)))>
                    {move || text(i18n.locale.get(), c.label())}<kbd>{c.key()}</kbd>
                </button>
            }
        })
        .collect_view()
}

/// A device's commands, newest first: what was asked, by whom, and how it stands.
#[component]
pub fn CommandLog(device: String) -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let log = RwSignal::new(Vec::<Command>::new());
    Effect::new(move |_| {
        tick.get();
        let id = device.clone();
        spawn_local(async move {
            if let Ok(l) = api::device_commands(id).await {
                log.set(l);
            }
        });
    });
    move || {
        let locale = i18n.locale.get();
        let rows = log.get();
        if rows.is_empty() {
            return view! { <p class="muted" id="commands-empty">{text(locale, T::CmdNone)}</p> }
                .into_any();
        }
        let rows = rows
            .into_iter()
            .take(10)
            .map(|c| {
                let (state, label) = state_label(&c.state);
                let reason = match &c.state {
                    CommandState::Refused { reason, .. } => format!("：{reason}"),
                    _ => String::new(),
                };
                let what = match &c.action {
                    Action::ShowMessage { text: t, .. } => format!("「{t}」"),
                    Action::PowerCycle { target } => target.to_string(),
                    _ => String::new(),
                };
                view! {
                    <tr class="command-row" data-command=c.id data-state=state>
                        <td class="num">{format_time(c.requested_at)}</td>
                        <td>{text(locale, action_label(&c.action))}" "<span class="muted small">{what}</span></td>
                        <td>{c.by.clone()}</td>
                        <td class=format!("cmd-{state}")>{text(locale, label)}{reason}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table small" id="command-log">
                <thead><tr>
                    <th>{text(locale, T::CmdAt)}</th>
                    <th>{text(locale, T::MonCommands)}</th>
                    <th>{text(locale, T::CmdBy)}</th>
                    <th>{text(locale, T::DevState)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    }
}

/// Asks before a command goes out (with its message or target where it has one); Enter sends, Esc cancels.
#[component]
pub fn CommandDialog(
    device: DeviceView,
    what: CmdKind,
    /// The devices the UPS feeds, for a power cycle: (id, name).
    fed: Vec<(String, String)>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = RwSignal::new(String::new());
    let target = RwSignal::new(fed.first().map(|(id, _)| id.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let confirm = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        // The message box takes the keys when there is one; otherwise Enter confirms at once.
        if let Some(el) = input.get() {
            let _ = el.focus();
        } else if let Some(el) = confirm.get() {
            let _ = el.focus();
        }
    });
    let id = device.device.id.to_string();
    let name = device.device.name.clone();
    let submit = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let action = match what {
                CmdKind::Service(out) => Action::OutOfService { out },
                CmdKind::Reload => Action::Reload,
                CmdKind::Message => Action::ShowMessage {
                    text: message.get_untracked().trim().to_owned(),
                    seconds: 60,
                },
                CmdKind::PowerCycle => match ipc::devices::DeviceId::parse(&target.get_untracked())
                {
                    Ok(target) => Action::PowerCycle { target },
                    Err(_) => {
                        error.set(Some(ApiError::new(ipc::ErrorCode::CommandInvalid)));
                        return;
                    }
                },
            };
            let act = DeviceCommandAct {
                device: id.clone(),
                request: CommandRequest {
                    action,
                    ttl_seconds: None,
                },
            };
            dialog::send(busy, error, api::device_command(act), move |_| {
                on_done.run(())
            });
        }
    };
    let keys = dialog::on_escape(on_cancel);
    let details = match what {
        CmdKind::Message => Some(
            view! {
                <label for="command-message">{move || text(i18n.locale.get(), T::CmdMessage)}</label>
                <input type="text" id="command-message" maxlength=MAX_MESSAGE.to_string() autocomplete="off" node_ref=input
                    prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev)) />
            }
            .into_any(),
        ),
        CmdKind::PowerCycle => Some(
            view! {
                <label for="command-target">{move || text(i18n.locale.get(), T::CmdTarget)}</label>
                <select id="command-target" on:change=move |ev| target.set(event_target_value(&ev))>
                    {fed.into_iter().map(|(id, name)| view! { <option value=id.clone()>{format!("{name} {id}")}</option> }).collect_view()}
                </select>
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <form class="dialog card" id="command-dialog" data-command=what.key()
                on:submit=submit on:keydown=keys on:click=|ev| ev.stop_propagation()>
                <h2>{move || text(i18n.locale.get(), what.label())}</h2>
                <p>{move || text(i18n.locale.get(), T::CmdAsk)}" "<strong>{name.clone()}</strong>" "<span class="muted small">{id.clone()}</span></p>
                {details}
                <p class="error" role="alert" id="command-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| on_cancel.run(())>
                        {move || text(i18n.locale.get(), T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="command-confirm" node_ref=confirm prop:disabled=move || busy.get()>
                        {move || text(i18n.locale.get(), T::Confirm)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}
