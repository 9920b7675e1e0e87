//! "My account": change one's own password.

use crate::api;
use crate::i18n::{text, use_i18n, T};
use ipc::{ApiError, ChangePasswordRequest, SessionView};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the form last reported.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Done,
    Mismatch,
    Failed(ApiError),
}

#[component]
pub fn AccountPage(session: SessionView) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::None);
    let current_ref = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = current_ref.get() {
            let _ = el.focus();
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if new.get_untracked() != confirm.get_untracked() {
            outcome.set(Outcome::Mismatch);
            return;
        }
        busy.set(true);
        let req = ChangePasswordRequest {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        spawn_local(async move {
            let result = api::change_password(req).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    confirm.set(String::new());
                    outcome.set(Outcome::Done);
                }
                Err(e) => outcome.set(Outcome::Failed(e)),
            }
        });
    };

    let message = move || {
        let locale = i18n.locale.get();
        match outcome.get() {
            Outcome::None => None,
            Outcome::Done => Some(
                view! { <p class="ok" role="status">{text(locale, T::PasswordChanged)}</p> }
                    .into_any(),
            ),
            Outcome::Mismatch => Some(
                view! { <p class="error" role="alert">{text(locale, T::PasswordsDiffer)}</p> }
                    .into_any(),
            ),
            Outcome::Failed(e) => {
                Some(view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any())
            }
        }
    };

    let field =
        move |id: &'static str, label: T, value: RwSignal<String>, autocomplete: &'static str| {
            view! {
                <label for=id>{i18n.t(label)}</label>
                <input
                    id=id
                    type="password"
                    maxlength="64"
                    autocomplete=autocomplete
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            }
        };

    view! {
        <h1 class="page-title" id="page-title">{i18n.t(T::NavAccount)}</h1>
        <section class="card narrow">
            <h2>{i18n.t(T::ChangePassword)} " · " {session.name.clone()}</h2>
            <form id="password-form" on:submit=submit novalidate>
                <label for="current-password">{i18n.t(T::CurrentPassword)}</label>
                <input
                    id="current-password"
                    type="password"
                    maxlength="64"
                    autocomplete="current-password"
                    node_ref=current_ref
                    prop:value=move || current.get()
                    on:input=move |ev| current.set(event_target_value(&ev))
                />
                {field("new-password", T::NewPassword, new, "new-password")}
                <p class="hint">{i18n.t(T::PasswordPolicy)}</p>
                {field("confirm-password", T::ConfirmPassword, confirm, "new-password")}
                {message}
                <button type="submit" class="primary" prop:disabled=move || busy.get()>
                    {move || text(i18n.locale.get(), if busy.get() { T::Saving } else { T::Save })}
                </button>
            </form>
        </section>
    }
}
