//! The supervisor's view of the call displays on the board: what they show now (program and ticker), every program of the hall, and the hall's own notices added and removed.
//!
//! Keyboard first: F8 puts the cursor in the notice form, Enter saves, Esc
//! leaves it; each local notice has its remove button.

use crate::api;
use crate::app::HallTick;
use crate::i18n::{text, use_i18n, T};
use crate::roles::format_time;
use ipc::programs::{Content, NewNotice, Origin, Program, ScreensView};
use ipc::{ApiError, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

fn kind_text(c: &Content) -> T {
    match c {
        Content::Notice { .. } => T::ScrKindNotice,
        Content::Scroll { .. } => T::ScrKindScroll,
        Content::Image { .. } => T::ScrKindImage,
        Content::Video { .. } => T::ScrKindVideo,
    }
}

fn describe(locale: Locale, p: &Program) -> String {
    format!("{}（{}）", p.title, text(locale, kind_text(&p.content)))
}

#[component]
pub fn Screens() -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let view_ = RwSignal::new(None::<ScreensView>);
    let error = RwSignal::new(None::<ApiError>);
    let refresh = move || {
        spawn_local(async move {
            match api::screens().await {
                Ok(v) => {
                    view_.set(Some(v));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    Effect::new(move |_| {
        tick.get();
        refresh();
    });
    // The rotation moves on by itself.
    if let Ok(handle) = set_interval_with_handle(refresh, Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }

    let title_ref = NodeRef::<html::Input>::new();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let scroll = RwSignal::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| match ev.key().as_str() {
        "F8" => {
            ev.prevent_default();
            if let Some(input) = title_ref.get_untracked() {
                let _ = input.focus();
            }
        }
        "Escape" => {
            if let Some(input) = title_ref.get_untracked() {
                let _ = input.blur();
            }
        }
        _ => {}
    });
    on_cleanup(move || handle.remove());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let notice = NewNotice {
            title: title.get_untracked(),
            text: body.get_untracked(),
            scroll: scroll.get_untracked(),
            seconds: None,
            until_ms: None,
        };
        spawn_local(async move {
            match api::notice_add(notice).await {
                Ok(_) => {
                    title.set(String::new());
                    body.set(String::new());
                    scroll.set(false);
                    error.set(None);
                    refresh();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            match api::notice_remove(id).await {
                Ok(_) => refresh(),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let now = move || {
        let locale = i18n.locale.get();
        view_.get().map(|v| {
            let shown = match &v.now.program {
                Some(p) => {
                    let until = v.now.until.map(|u| {
                        format!(" · {} {}", text(locale, T::ScrUntil), format_time(u))
                    });
                    view! {
                        <p id="screen-program" data-program=p.id.clone()>
                            {describe(locale, p)} {until}
                        </p>
                    }
                    .into_any()
                }
                None => view! { <p class="muted" id="screen-program">{text(locale, T::ScrNothing)}</p> }.into_any(),
            };
            let ticker = (!v.now.ticker.is_empty()).then(|| {
                view! {
                    <p id="screen-ticker"><span class="muted">{text(locale, T::ScrTicker)}": "</span>{v.now.ticker.join(" ◆ ")}</p>
                }
            });
            let displays: Vec<String> = v.displays.iter().map(|d| d.name.clone()).collect();
            view! {
                {shown}
                {ticker}
                <p class="muted small" id="screen-displays">{text(locale, T::ScrDisplays)}": "{displays.join("、")}</p>
            }
        })
    };
    let programs = move || {
        let locale = i18n.locale.get();
        view_.get().map(|v| {
            v.programs
                .into_iter()
                .map(|item| {
                    let p = item.program;
                    let origin = match p.origin {
                        Origin::Province => T::ScrOriginProvince,
                        Origin::Hall => T::ScrOriginHall,
                    };
                    let state = match (item.ready, item.on_now) {
                        (false, _) => T::ScrNotReady,
                        (true, true) => T::ScrOnNow,
                        (true, false) => T::ScrOff,
                    };
                    let id = p.id.clone();
                    let button = (p.origin == Origin::Hall).then(|| {
                        view! {
                            <button type="button" class="chip" data-act="remove"
                                on:click=move |_| remove(id.clone())>{text(locale, T::ScrRemove)}</button>
                        }
                    });
                    view! {
                        <tr data-program=p.id.clone()>
                            <td>{p.title.clone()}</td>
                            <td>{text(locale, kind_text(&p.content))}</td>
                            <td>{text(locale, origin)}</td>
                            <td>{text(locale, state)}</td>
                            <td>{button}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <section class="card" id="screens">
            <h2>{i18n.t(T::ScrTitle)}</h2>
            <p class="error banner" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
            <h3>{i18n.t(T::ScrNow)}</h3>
            {now}
            <h3>{i18n.t(T::ScrPrograms)}</h3>
            <table class="grid-table" id="programs"><tbody>{programs}</tbody></table>
            <h3>{i18n.t(T::ScrAddTitle)}</h3>
            <form class="notice-form" id="notice-form" on:submit=add>
                <label>{i18n.t(T::ScrNoticeTitle)}
                    <input node_ref=title_ref id="notice-title" maxlength="40" required
                        prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
                </label>
                <label>{i18n.t(T::ScrNoticeText)}
                    <input id="notice-text" maxlength="500" required
                        prop:value=body on:input=move |ev| body.set(event_target_value(&ev)) />
                </label>
                <label><input type="checkbox" id="notice-scroll"
                    prop:checked=scroll on:change=move |ev| scroll.set(event_target_checked(&ev)) />
                    {i18n.t(T::ScrNoticeScroll)}</label>
                <button type="submit" class="action">{i18n.t(T::ScrAdd)}</button>
            </form>
            <p class="hint">{i18n.t(T::ScrHint)}</p>
        </section>
    }
}
