//! The update banner: a release the hall offers, its notes, and installing it when the clerk chooses (Alt+U).

use crate::api;
use crate::i18n::{use_i18n, T};
use crate::ipc::listen;
use ipc::commands::UpdateAvailable;
use ipc::{ApiError, ErrorCode, UpdateInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, PartialEq)]
enum Step {
    Offered,
    Installing,
    Failed(ApiError),
}

impl Step {
    /// Whether the clerk may (still) install this offer. After a failed or
    /// refused install the backend has let the offer go, and the next check
    /// brings it (or another) back; "finish serving first" keeps it.
    fn may_install(&self) -> bool {
        match self {
            Step::Offered => true,
            Step::Installing => false,
            Step::Failed(e) => e.code == ErrorCode::UpdateWhileServing,
        }
    }
}

/// The offer and where installing it stands: page-long state, so an offer
/// announced while nobody is signed in (or between two sign-ins) is not lost.
#[derive(Clone, Copy)]
pub struct UpdateState {
    offer: RwSignal<Option<UpdateInfo>>,
    step: RwSignal<Step>,
    hidden: RwSignal<bool>,
}

impl UpdateState {
    /// Listens for the backend's announcements for the life of the page, and
    /// asks what is waiting once the listener is in place (an announcement
    /// made before that is in the answer).
    pub fn provide() {
        let state = Self {
            offer: RwSignal::new(None),
            step: RwSignal::new(Step::Offered),
            hidden: RwSignal::new(false),
        };
        provide_context(state);
        listen::<UpdateAvailable>(move || state.refresh(), move || state.refresh());
    }

    fn refresh(self) {
        spawn_local(async move {
            if let Ok(found) = api::update_status().await {
                if found != self.offer.get_untracked() {
                    self.hidden.set(false);
                    self.step.set(Step::Offered);
                }
                self.offer.set(found);
            }
        });
    }
}

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<UpdateState>();
    let UpdateState {
        offer,
        step,
        hidden,
    } = state;
    // What is waiting may have changed while nobody was signed in.
    state.refresh();

    let install = move || {
        if offer.get_untracked().is_none() || !step.get_untracked().may_install() {
            return;
        }
        step.set(Step::Installing);
        spawn_local(async move {
            // On success the app restarts and this page is gone.
            if let Err(e) = api::update_install().await {
                step.set(Step::Failed(e));
            }
        });
    };
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() && ev.key().eq_ignore_ascii_case("u") {
            ev.prevent_default();
            hidden.set(false);
            install();
        }
    });
    on_cleanup(move || handle.remove());

    move || {
        let info = offer.get()?;
        if hidden.get() {
            return None;
        }
        let locale = i18n.locale.get();
        let status = match step.get() {
            Step::Offered => None,
            Step::Installing => Some(
                view! { <p class="update-progress">{i18n.t(T::UpdateInstalling)}</p> }.into_any(),
            ),
            Step::Failed(e) => {
                Some(view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any())
            }
        };
        let busy = move || step.get() == Step::Installing;
        let spent = move || !step.get().may_install();
        Some(view! {
            <section class="update-banner" id="update-banner" role="status">
                <div class="update-head">
                    <strong>{i18n.t(T::UpdateReady)}</strong>
                    <span class="update-version" id="update-version">{format!("{} → {}", info.current, info.version)}</span>
                    <div class="spacer"></div>
                    <button type="button" class="primary" id="update-install" disabled=spent on:click=move |_| install()>
                        {i18n.t(T::UpdateInstall)} <kbd>"Alt+U"</kbd>
                    </button>
                    <button type="button" class="ghost" disabled=busy on:click=move |_| hidden.set(true)>
                        {i18n.t(T::UpdateLater)}
                    </button>
                </div>
                <details>
                    <summary>{i18n.t(T::UpdateNotes)}</summary>
                    <p class="update-notes">{info.notes.clone()}</p>
                </details>
                {status}
            </section>
        })
    }
}
