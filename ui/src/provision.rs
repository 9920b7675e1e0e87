//! Provisioning in the supervisor's device monitor: registering a device (its credential shown once, with a QR code of a page's address) and revoking a device's credential.
//!
//! D opens the form from the monitor. The hall node issues the credential;
//! this view only shows it, once, and says so: closing the dialog is the
//! last anyone sees of it (a lost one is revoked and the device added again).

use crate::api;
use crate::dialog;
use crate::i18n::{kind_text, text, use_i18n, T};
use ipc::devices::{AddDeviceReply, AddDeviceRequest, Credential, DeviceKind, DeviceView, Spot};
use ipc::{ApiError, Locale};
use leptos::html;
use leptos::prelude::*;

/// The QR code of `text` as an SVG document (our own drawing, never user markup).
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
    )
}

/// The dependencies typed as `sw-1, ups-1` (commas, Chinese commas or spaces).
fn split_ids(raw: &str) -> Vec<String> {
    raw.split([',', '，', '、', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Registers a device; then shows its credential once. Enter submits, Esc closes.
#[component]
pub fn AddDeviceDialog(on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = RwSignal::new(String::new());
    let kind = RwSignal::new(DeviceKind::Terminal);
    let name = RwSignal::new(String::new());
    let counter = RwSignal::new(String::new());
    let x = RwSignal::new("500".to_owned());
    let y = RwSignal::new("500".to_owned());
    let depends = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let issued = RwSignal::new(None::<AddDeviceReply>);
    let first = NodeRef::<html::Input>::new();
    let close = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        // The form's first field, then (once the credential shows) the button that closes.
        if issued.with(Option::is_some) {
            if let Some(el) = close.get() {
                let _ = el.focus();
            }
        } else if let Some(el) = first.get() {
            let _ = el.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if issued.get_untracked().is_some() {
            on_close.run(());
            return;
        }
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u16>().ok();
        let (Some(sx), Some(sy)) = (number(x), number(y)) else {
            error.set(Some(ApiError::new(ipc::ErrorCode::DeviceInvalid)));
            return;
        };
        let counter_no = number(counter);
        if !counter.get_untracked().trim().is_empty() && counter_no.is_none() {
            error.set(Some(ApiError::new(ipc::ErrorCode::DeviceInvalid)));
            return;
        }
        let req = AddDeviceRequest {
            id: id.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
            name: name.get_untracked().trim().to_owned(),
            spot: Spot { x: sx, y: sy },
            counter: counter_no,
            depends_on: split_ids(&depends.get_untracked()),
        };
        dialog::send(busy, error, api::device_add(req), move |reply| {
            issued.set(Some(reply))
        });
    };
    let keys = dialog::on_escape(on_close);
    let field = move |label: T,
                      for_id: &'static str,
                      value: RwSignal<String>,
                      max: u32,
                      node: NodeRef<html::Input>| {
        view! {
            <label for=for_id>{move || text(i18n.locale.get(), label)}</label>
            <input type="text" id=for_id maxlength=max.to_string() autocomplete="off" node_ref=node
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    let form = move || {
        view! {
            <div class="form-grid">
                {field(T::ProvId, "device-id", id, 32, first)}
                <label for="device-kind">{move || text(i18n.locale.get(), T::DevKind)}</label>
                <select id="device-kind" on:change=move |ev| {
                    let picked = event_target_value(&ev).parse::<usize>().ok();
                    if let Some(k) = picked.and_then(|i| DeviceKind::ALL.get(i)) {
                        kind.set(*k);
                    }
                }>
                    {DeviceKind::ALL.into_iter().enumerate().map(|(i, k)| view! {
                        <option value=i.to_string() selected=k == DeviceKind::Terminal>
                            {move || text(i18n.locale.get(), kind_text(k))}
                        </option>
                    }).collect_view()}
                </select>
                {field(T::DevName, "device-name", name, 40, NodeRef::new())}
                {field(T::ProvCounter, "device-counter", counter, 3, NodeRef::new())}
                {field(T::ProvSpotX, "device-x", x, 4, NodeRef::new())}
                {field(T::ProvSpotY, "device-y", y, 4, NodeRef::new())}
                {field(T::DevDependsOn, "device-depends", depends, 140, NodeRef::new())}
            </div>
            <p class="muted small">{move || text(i18n.locale.get(), T::ProvHint)}</p>
        }
    };
    let shown = move || {
        let reply = issued.get()?;
        let locale = i18n.locale.get();
        let id = reply.device.device.id.to_string();
        let body = match reply.credential {
            Credential::Token { token, url } => {
                let qr = url.as_deref().and_then(qr_svg);
                view! {
                    <dl class="facts credential">
                        <dt>{text(locale, T::ProvUrl)}</dt>
                        <dd><code id="credential-url">{url.clone().unwrap_or_else(|| "—".into())}</code></dd>
                        <dt>{text(locale, T::ProvToken)}</dt>
                        <dd><code id="credential-token">{token}</code></dd>
                    </dl>
                    {qr.map(|svg| view! { <div class="qr" id="credential-qr" inner_html=svg></div> })}
                }
                .into_any()
            }
            Credential::Mqtt {
                username,
                password,
                topic_prefix,
            } => view! {
                <dl class="facts credential">
                    <dt>{text(locale, T::ProvUser)}</dt><dd><code id="credential-user">{username}</code></dd>
                    <dt>{text(locale, T::Password)}</dt><dd><code id="credential-password">{password}</code></dd>
                    <dt>{text(locale, T::ProvTopics)}</dt><dd><code>{topic_prefix}</code></dd>
                </dl>
            }
            .into_any(),
            Credential::None => view! { <p class="muted">{text(locale, T::ProvNoCredential)}</p> }.into_any(),
        };
        Some(view! {
            <p class="notice" id="credential-once">{format!("{} {id}：", text(locale, T::ProvAdded))}{text(locale, T::ProvOnce)}</p>
            {body}
        })
    };
    view! {
        <div class="overlay">
            <form class="dialog card wide" id="device-dialog" on:submit=submit on:keydown=keys
                on:click=|ev| ev.stop_propagation()>
                <h2>{move || text(i18n.locale.get(), T::ProvAdd)}</h2>
                <Show when=move || issued.with(Option::is_none) fallback=shown>
                    {form}
                </Show>
                <p class="error" role="alert" id="device-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" id="device-close" node_ref=close on:click=move |_| on_close.run(())>
                        {move || text(i18n.locale.get(), if issued.with(Option::is_some) { T::ProvDone } else { T::Cancel })} " (Esc)"</button>
                    <Show when=move || issued.with(Option::is_none)>
                        <button type="submit" class="primary" id="device-confirm" prop:disabled=move || busy.get()>
                            {move || text(i18n.locale.get(), T::ProvAdd)} " (Enter)"</button>
                    </Show>
                </div>
            </form>
        </div>
    }
}

/// Asks before a device's credential is revoked (it is cut at once and cannot come back with it).
#[component]
pub fn RevokeDialog(
    device: DeviceView,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let confirm = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = confirm.get() {
            let _ = el.focus();
        }
    });
    let id = device.device.id.to_string();
    let name = device.device.name.clone();
    let submit = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            dialog::send(busy, error, api::device_revoke(id.clone()), move |_| {
                on_done.run(())
            });
        }
    };
    let keys = dialog::on_escape(on_cancel);
    let warning = move || {
        if i18n.locale.get() == Locale::ZhCn {
            format!("吊销后「{name}」会立即断开，凭据不能再用；要重新接入须重新添加设备。")
        } else {
            format!("{name} is cut at once and its credential stops working; to bring it back, add it again.")
        }
    };
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <form class="dialog card" id="revoke-dialog" on:submit=submit on:keydown=keys on:click=|ev| ev.stop_propagation()>
                <h2>{move || text(i18n.locale.get(), T::ProvRevoke)}" "<span class="muted small">{id.clone()}</span></h2>
                <p>{warning}</p>
                <p class="error" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| on_cancel.run(())>
                        {move || text(i18n.locale.get(), T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary danger" id="revoke-confirm" node_ref=confirm prop:disabled=move || busy.get()>
                        {move || text(i18n.locale.get(), T::ProvRevoke)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}
