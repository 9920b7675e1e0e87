//! The signed-in frame every role shares: top bar, the role's navigation, keyboard shortcuts.

use crate::api;
use crate::i18n::{role_text, use_i18n, T};
use crate::roles::{self, Page};
use ipc::SessionView;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The page on screen, and the page footage was opened from (Esc goes back there).
#[derive(Clone, Copy)]
pub struct Nav {
    pub current: RwSignal<Page>,
    pub came_from: RwSignal<Option<Page>>,
}

#[component]
pub fn Shell(session: SessionView, on_logout: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let pages = roles::pages(session.role);
    // The emergency picture, read once signed in and kept current by the live events.
    let emergency = expect_context::<crate::emergency::EmergencyLive>();
    emergency.refresh();
    let current = RwSignal::new(pages[0]);
    let came_from = RwSignal::new(None::<Page>);
    provide_context(Nav { current, came_from });

    // Footage asked for by any view (`footage::open_footage`) shows on the video page.
    if pages.contains(&Page::Video) {
        let asked = crate::footage::asked();
        Effect::new(move |_| {
            if asked.with(|a| a.is_some()) {
                let now = current.get_untracked();
                if now != Page::Video {
                    came_from.set(Some(now));
                    current.set(Page::Video);
                }
            }
        });
    }

    let sign_out = move || {
        spawn_local(async move {
            // Signing out locally must work even if the backend call fails.
            let _ = api::logout().await;
            on_logout.run(());
        });
    };

    // Alt+1…9 pages, Alt+Q sign out (Alt+L, the language, is the app's).
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let key = ev.key().to_ascii_lowercase();
        if let Some(page) = key
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| pages.get(i))
        {
            ev.prevent_default();
            current.set(*page);
        } else if key == "q" {
            ev.prevent_default();
            sign_out();
        }
    });
    on_cleanup(move || handle.remove());

    let nav = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let page = *page;
            view! {
                <button
                    type="button"
                    class="nav-item"
                    data-page=page.id()
                    class:active=move || current.get() == page
                    aria-current=move || (current.get() == page).then_some("page")
                    on:click=move |_| current.set(page)
                >
                    <span class="nav-label">{i18n.t(page.title())}</span>
                    <kbd>{format!("Alt+{}", i + 1)}</kbd>
                </button>
            }
        })
        .collect_view();

    let role = session.role;
    let who = format!("{} · {}", session.name, session.staff_no);
    let hall = session.hall_name.clone();
    let body = {
        let session = session.clone();
        move || roles::render(current.get(), &session)
    };

    view! {
        <div class="shell" data-role=role.code()>
            <header class="topbar">
                <div class="brand-mark small" aria-hidden="true">"营"</div>
                <div class="topbar-title">{i18n.t(T::AppTitle)}</div>
                <div class="topbar-hall">{hall}</div>
                <div class="spacer"></div>
                <div class="topbar-who">
                    <span class="role-badge">{i18n.t(role_text(role))}</span>
                    <span id="who">{who}</span>
                </div>
                <crate::emergency::PublicSafetyButton />
                <button type="button" class="link on-dark" on:click=move |_| i18n.toggle()>
                    {i18n.t(T::SwitchLanguage)}
                </button>
                <button type="button" class="ghost on-dark" id="sign-out" on:click=move |_| sign_out()>
                    {i18n.t(T::SignOut)}
                </button>
            </header>
            <crate::update::UpdateBanner />
            <crate::emergency::Prompts role=role />
            <nav class="sidenav" aria-label="navigation">{nav}</nav>
            <main class="content" id="content">{body}</main>
        </div>
    }
}
