//! The login screen: staff number and password, keyboard first, demo accounts listed in demo mode.

use crate::api;
use crate::emergency::{action_text, drill_tag, level_badge};
use crate::i18n::{role_text, text, use_i18n, T};
use ipc::{ApiError, AppInfo, LoginRequest, SessionView};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often the sign-in screen asks whether an incident calls for counters.
const CALL_POLL_S: u64 = 5;

#[component]
pub fn Login(on_login: Callback<SessionView>) -> impl IntoView {
    let i18n = use_i18n();
    let staff_no = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let info = RwSignal::new(None::<AppInfo>);
    let staff_ref = NodeRef::<html::Input>::new();
    let password_ref = NodeRef::<html::Input>::new();

    spawn_local(async move {
        match api::app_info().await {
            Ok(i) => info.set(Some(i)),
            Err(e) => error.set(Some(e)),
        }
    });
    // An incident may call for counters while nobody is signed in here.
    let poll = move || {
        spawn_local(async move {
            if let Ok(fresh) = api::app_info().await {
                info.update(|i| match i {
                    Some(i) if i.counter_calls != fresh.counter_calls => {
                        i.counter_calls = fresh.counter_calls
                    }
                    Some(_) => {}
                    None => *i = Some(fresh),
                });
            }
        });
    };
    if let Ok(h) = set_interval_with_handle(poll, Duration::from_secs(CALL_POLL_S)) {
        on_cleanup(move || h.clear());
    }
    Effect::new(move |_| {
        if let Some(el) = staff_ref.get() {
            let _ = el.focus();
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let req = LoginRequest {
            staff_no: staff_no.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match api::login(req).await {
                Ok(session) => {
                    busy.set(false);
                    on_login.run(session);
                }
                Err(e) => {
                    busy.set(false);
                    password.set(String::new());
                    let focus = if e.code == ipc::ErrorCode::StaffNoRequired
                        || e.code == ipc::ErrorCode::StaffNoInvalid
                    {
                        staff_ref
                    } else {
                        password_ref
                    };
                    error.set(Some(e));
                    if let Some(el) = focus.get_untracked() {
                        let _ = el.focus();
                    }
                }
            }
        });
    };

    let demo_list = move || {
        let info = info.get()?;
        if !info.demo || info.demo_accounts.is_empty() {
            return None;
        }
        let locale = i18n.locale.get();
        let rows = info
            .demo_accounts
            .into_iter()
            .map(|a| {
                let no = a.staff_no.to_string();
                let pw = a.password.clone();
                let fill = move |_| {
                    staff_no.set(no.clone());
                    password.set(pw.clone());
                    if let Some(el) = password_ref.get_untracked() {
                        let _ = el.focus();
                    }
                };
                view! {
                    <li>
                        <button type="button" class="demo-account" on:click=fill>
                            <span class="demo-no">{a.staff_no.to_string()}</span>
                            <span class="demo-name">{a.name.clone()}</span>
                            <span class="demo-role">{text(locale, role_text(a.role))}</span>
                            <span class="demo-pw">{a.password.clone()}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="demo" aria-label="demo accounts">
                <h2>{text(locale, T::DemoHint)}</h2>
                <ul>{rows}</ul>
            </section>
        })
    };

    let calls = move || {
        let calls = info.with(|i| i.as_ref().map(|i| i.counter_calls.clone()))?;
        if calls.is_empty() {
            return None;
        }
        let locale = i18n.locale.get();
        let rows = calls
            .into_iter()
            .map(|c| {
                view! {
                    <div class="prompt" data-incident=c.incident data-step=c.step.clone()>
                        {level_badge(locale, c.level)}
                        {drill_tag(locale, c.drill)}
                        <strong>{c.plan_name}</strong>
                        <span class="prompt-step">{c.step_title}</span>
                        <span class="muted">{action_text(locale, &ipc::emergency::Action::OpenCounters { count: c.count })}</span>
                    </div>
                }
            })
            .collect_view();
        Some(view! {
            <section class="prompts counter-calls" id="counter-calls" role="alert">
                {rows}
                <p class="hint">{text(locale, T::EmCallSignIn)}</p>
            </section>
        })
    };

    view! {
        <div class="login-page">
            <div class="login-card">
                {calls}
                <div class="login-head">
                    <div class="brand-mark" aria-hidden="true">"营"</div>
                    <div>
                        <h1>{i18n.t(T::AppTitle)}</h1>
                        <p class="subtitle">
                            {move || info.get().map(|i| i.hall_name).unwrap_or_default()}
                        </p>
                    </div>
                    <button type="button" class="link lang-switch" on:click=move |_| i18n.toggle()>
                        {i18n.t(T::SwitchLanguage)}
                    </button>
                </div>
                <form id="login-form" on:submit=submit novalidate>
                    <label for="staff-no">{i18n.t(T::StaffNo)}</label>
                    <input
                        id="staff-no"
                        name="staff_no"
                        type="text"
                        inputmode="numeric"
                        autocomplete="username"
                        maxlength="16"
                        node_ref=staff_ref
                        prop:value=move || staff_no.get()
                        on:input=move |ev| staff_no.set(event_target_value(&ev))
                    />
                    <label for="password">{i18n.t(T::Password)}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        maxlength="64"
                        node_ref=password_ref
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    <p class="error" role="alert" id="login-error">
                        {move || error.get().map(|e| e.text(i18n.locale.get()))}
                    </p>
                    <button type="submit" class="primary" id="sign-in" prop:disabled=move || busy.get()>
                        {move || if busy.get() { text(i18n.locale.get(), T::SigningIn) } else { text(i18n.locale.get(), T::SignIn) }}
                    </button>
                </form>
                {demo_list}
                <p class="version">
                    {i18n.t(T::Version)} " " {move || info.get().map(|i| i.version).unwrap_or_default()}
                </p>
            </div>
        </div>
    }
}
