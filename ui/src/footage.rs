//! The footage around an event: the cameras that show it (those at its counter first), each with its timeline, the first one playing from 30 s before.
//!
//! Any view opens it with [`open_footage`] (the alarm console, the hall
//! board); the shell then shows the video page, and Esc goes back to the
//! view it came from. ↑/↓ pick a camera and Enter plays it.

use crate::api;
use crate::i18n::{counter_label, text, use_i18n, T};
use crate::video::{page_key, stamp, Playback, Showing, Timeline};
use ipc::video::{Around, AroundRequest};
use ipc::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How long before the event playing starts.
const LEAD_MS: i64 = 30_000;
/// The most characters of what footage is about (the audit keeps 100).
const MAX_ABOUT: usize = 100;

/// The footage asked for: an event's moment, its counter, what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct FootageAsk {
    pub at_ms: i64,
    pub counter: Option<u16>,
    pub about: String,
}

thread_local! {
    // The one window's request for footage; the shell and the video page follow it.
    static ASKED: ArcRwSignal<Option<FootageAsk>> = ArcRwSignal::new(None);
}

/// Opens the footage around an event at `at_ms` (at `counter`, or anywhere in the hall), `about` saying what it is.
pub fn open_footage(at_ms: i64, counter: Option<u16>, about: String) {
    let about = about.chars().take(MAX_ABOUT).collect();
    ASKED.with(|a| {
        a.set(Some(FootageAsk {
            at_ms,
            counter,
            about,
        }))
    });
}

/// The request slot [`open_footage`] fills (taken by the video page).
pub fn asked() -> ArcRwSignal<Option<FootageAsk>> {
    ASKED.with(Clone::clone)
}

#[component]
pub fn Footage(ask: FootageAsk, modal: RwSignal<bool>, on_back: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let FootageAsk {
        at_ms,
        counter,
        about,
    } = ask;
    let around = RwSignal::new(None::<Around>);
    let error = RwSignal::new(None::<ApiError>);
    let picked = RwSignal::new(0usize);
    let playing = RwSignal::new(0usize);
    spawn_local(async move {
        let req = AroundRequest {
            at_ms,
            counter,
            before_s: None,
            after_s: None,
        };
        match api::video_around(req).await {
            Ok(a) => {
                around.try_set(Some(a));
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
    let count = move || around.with(|a| a.as_ref().map_or(0, |a| a.cameras.len()));

    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !page_key(&ev) || modal.get_untracked() || count() == 0 {
            return;
        }
        let n = count();
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                picked.update(|i| *i = (*i + 1).min(n - 1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                picked.update(|i| *i = i.saturating_sub(1));
            }
            "Enter" => {
                ev.prevent_default();
                playing.set(picked.get_untracked());
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    let list = move || {
        let locale = i18n.locale.get();
        around.get().map(|a| {
            if a.cameras.is_empty() {
                return view! { <p class="muted" id="footage-none">{text(locale, T::FtNoCameras)}</p> }
                    .into_any();
            }
            let len = a.range.len_ms().max(1);
            a.cameras
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let share = (c.recorded_ms * 100 / len).clamp(0, 100);
                    // At the event's counter, or an overview of the hall.
                    let tag = match (c.covers_counter, counter) {
                        (true, _) => Some(view! { <span class="badge covers">{text(locale, T::FtCovers)}</span> }),
                        (false, Some(_)) => Some(view! { <span class="badge">{text(locale, T::FtOverview)}</span> }),
                        (false, None) => None,
                    };
                    view! {
                        <li class="footage-row" data-camera=c.camera.to_string()
                            class:picked=move || picked.get() == i class:playing=move || playing.get() == i
                            on:click=move |_| { picked.set(i); playing.set(i); }>
                            <div class="footage-name">
                                <strong>{c.name.clone()}</strong> " " {tag}
                                <span class="muted small">" " {format!("{share}% {}", text(locale, T::FtShare))}</span>
                            </div>
                            <Timeline range=a.range parts=c.timeline mark=Some(at_ms) />
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    let player = {
        let about = about.clone();
        move || {
            let i = playing.get();
            around.with(|a| {
                let a = a.as_ref()?;
                let c = a.cameras.get(i)?;
                let show = Showing {
                    camera: c.camera.to_string(),
                    name: c.name.clone(),
                    range: a.range,
                    mark: Some(at_ms),
                    start_at: Some((at_ms - LEAD_MS).max(a.range.from_ms)),
                    about: about.clone(),
                };
                let cameras = move || {
                    view! {
                        <ul class="footage-list" id="footage-list">{list}</ul>
                        <p class="hint">{i18n.t(T::FtHint)}</p>
                    }
                };
                Some(view! { <Playback show modal aside=cameras /> })
            })
        }
    };
    let place = counter.map(|n| move || format!(" · {}", counter_label(i18n.locale.get(), n)));

    view! {
        <section class="footage" id="footage">
            <div class="footage-head">
                <button type="button" class="chip" id="footage-back" on:click=move |_| on_back.run(())>
                    {i18n.t(T::VidBack)}<kbd>"Esc"</kbd></button>
                <h2>{i18n.t(T::FtTitle)}</h2>
                <span class="muted">{about.clone()} " · " {stamp(at_ms)} {place}</span>
            </div>
            <p class="error banner" role="alert" id="footage-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
            {player}
            {move || (count() == 0).then(|| view! { <section class="card">{list}</section> })}
        </section>
    }
}
