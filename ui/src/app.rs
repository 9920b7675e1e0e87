//! The root view: the login screen until someone signs in, then their role's shell.

use crate::api;
use crate::i18n::{I18n, T};
use crate::login::Login;
use crate::shell::Shell;
use ipc::commands::HallEvent;
use ipc::SessionView;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Moves on every live event from the hall node.
#[derive(Clone, Copy)]
pub struct HallTick(pub RwSignal<u64>);

/// The latest supervisor's action heard on the live events.
#[derive(Clone, Copy)]
pub struct HallNotice(pub RwSignal<Option<ipc::hall::SupervisorNotice>>);

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide();
    let session = RwSignal::new(None::<SessionView>);
    let restored = RwSignal::new(false);

    // A webview reload keeps the backend's session: pick it up again.
    spawn_local(async move {
        if let Ok(s) = api::current_session().await {
            session.set(s);
        }
        restored.set(true);
    });

    // Alt+L switches the language on every screen, the login screen included.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() && ev.key().eq_ignore_ascii_case("l") {
            ev.prevent_default();
            i18n.toggle();
        }
    });
    on_cleanup(move || handle.remove());

    // One listener for the hall's live events; views refetch when the tick moves.
    let tick = HallTick(RwSignal::new(0));
    provide_context(tick);
    // A burst of events (a busy hall) becomes one refresh per 150 ms, not one per event.
    let scheduled = std::rc::Rc::new(std::cell::Cell::new(false));
    crate::ipc::listen::<HallEvent>(
        move || {
            if scheduled.replace(true) {
                return;
            }
            let scheduled = scheduled.clone();
            set_timeout(
                move || {
                    scheduled.set(false);
                    tick.0.update(|n| *n += 1);
                },
                std::time::Duration::from_millis(150),
            );
        },
        || {},
    );

    let notice = HallNotice(RwSignal::new(None));
    provide_context(notice);
    crate::ipc::listen_payload::<HallEvent>(move |event| {
        if let ipc::hall::WireEvent::Supervised { notice: n } = event {
            notice.0.set(Some(n));
        }
    });

    crate::update::UpdateState::provide();
    crate::emergency::EmergencyLive::provide();

    let on_login = Callback::new(move |s: SessionView| session.set(Some(s)));
    let on_logout = Callback::new(move |_: ()| session.set(None));

    move || {
        if !restored.get() {
            return view! { <div class="splash">{i18n.t(T::Loading)}</div> }.into_any();
        }
        match session.get() {
            None => view! { <Login on_login /> }.into_any(),
            Some(session) => view! { <Shell session on_logout /> }.into_any(),
        }
    }
}
