//! The supervisor's video: the camera wall (1, 4, 9 or 16 live tiles), one camera large, playback of a range on its timeline with export and evidence locks, and the audit of who watched what.
//!
//! Keyboard first. On the wall: 1, 4, 9 or 6 (for 16) choose the tiles (the
//! choice is remembered), the arrows pick a tile, Enter opens it large, P
//! plays back its last 10 minutes, S sets its stream, PageUp/PageDown page
//! through the cameras, A opens the access log; Esc goes back. In playback:
//! Space plays or pauses, ←/→ step 5 s (Shift: 30 s), E exports the clip, L
//! locks it as evidence. A live tile plays HLS through hls.js (`hls.rs`) and
//! falls back to MJPEG where H.264 cannot play. The footage around an event
//! (`footage.rs`) opens here too.

use crate::api;
use crate::app::HallTick;
use crate::dialog;
use crate::footage::{self, Footage, FootageAsk};
use crate::hls::{self, Met, Player};
use crate::i18n::{access_text, duration, text, use_i18n, T};
use crate::shell::Nav;
use ipc::video::{
    AccessQuery, AccessRecord, CameraView, EvidenceLock, ExportRequest, LockRequest, RecorderState,
    SavedClip, SetCamera, SetCameraAct, Span, Stretch, TimelinePart, UnlockAct, VideoView, Watch,
    WatchRequest,
};
use ipc::{ApiError, ErrorCode, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use std::time::Duration;

const TILES_KEY: &str = "yyt.video.tiles";
const TILE_CHOICES: [usize; 4] = [1, 4, 9, 16];
/// "回放" from a tile: the last this many minutes.
const PLAYBACK_MINUTES: i64 = 10;
const STEP_MS: i64 = 5_000;
const BIG_STEP_MS: i64 = 30_000;
/// The longest wait between two tries of a stream.
const BACKOFF_MAX_MS: u64 = 30_000;

/// What the video page shows.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Wall,
    /// One camera, live and large.
    Large(String),
    Playback(Showing),
    Footage(FootageAsk),
    Audit,
}

/// A camera's recorded range to play, and what it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Showing {
    pub camera: String,
    pub name: String,
    pub range: Span,
    /// The event's moment, marked on the timeline.
    pub mark: Option<i64>,
    /// Where to start (wall-clock); the range's start when `None`.
    pub start_at: Option<i64>,
    /// What it is about, for the audit (at most 100 characters).
    pub about: String,
}

/// What a player sees of its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Connecting,
    Playing,
    Reconnecting,
}

/// A tile's state in words: the recorder's, then what the player sees.
fn tile_state(c: &CameraView, seen: Seen) -> T {
    if c.setup.is_none() {
        return T::VidNotConfigured;
    }
    match (c.recorder, seen) {
        (Some(RecorderState::Held), _) => T::VidStorageFull,
        (Some(RecorderState::Retrying { .. }), _) => T::VidOffline,
        (_, Seen::Playing) => T::VidLive,
        (_, Seen::Reconnecting) => T::VidReconnecting,
        (_, Seen::Connecting) => T::VidConnecting,
    }
}

/// The data attribute of a tile's state, for styling and tests.
/// A media error: recovered once (hls.js's `recoverMediaError`); a second
/// one, or a codec the browser lacks, stops the player and `give_up` says
/// what shows instead.
fn media_error(
    codec: bool,
    player: StoredValue<Option<Player>, LocalStorage>,
    recovered: StoredValue<bool>,
    give_up: impl FnOnce(),
) {
    if codec || recovered.try_get_value().unwrap_or(true) {
        player.try_set_value(None);
        give_up();
    } else {
        recovered.try_set_value(true);
        player.try_with_value(|p| {
            if let Some(p) = p {
                p.recover();
            }
        });
    }
}

fn state_code(t: T) -> &'static str {
    match t {
        T::VidLive => "live",
        T::VidReconnecting => "reconnecting",
        T::VidOffline => "offline",
        T::VidNotConfigured => "not-configured",
        T::VidStorageFull => "storage-full",
        _ => "connecting",
    }
}

/// The wait before try `n` (from 0): 1 s, doubling, at most 30 s.
fn backoff(n: u32) -> Duration {
    Duration::from_millis((1_000u64 << n.min(5)).min(BACKOFF_MAX_MS))
}

/// Now, on this PC's clock (Unix ms).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn date(ms: i64) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
}

/// `HH:MM:SS` in the PC's local time.
pub fn clock(ms: i64) -> String {
    let d = date(ms);
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// `YYYY-MM-DD HH:MM:SS` in the PC's local time.
pub fn stamp(ms: i64) -> String {
    let d = date(ms);
    format!(
        "{:04}-{:02}-{:02} {}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        clock(ms)
    )
}

/// A range as `YYYY-MM-DD HH:MM:SS – HH:MM:SS`.
pub fn span_text(s: Span) -> String {
    format!("{} – {}", stamp(s.from_ms), clock(s.to_ms))
}

/// A size people read: KB, MB or GB.
pub fn bytes_text(b: u64) -> String {
    let b = b as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} KB", (b / 1e3).ceil())
    }
}

/// Whether a key went to a field being typed in.
pub fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// A key the page may take: no modifier but Shift, not in a field, not taken by a dialog.
pub fn page_key(ev: &leptos::ev::KeyboardEvent) -> bool {
    !(ev.default_prevented() || ev.alt_key() || ev.ctrl_key() || ev.meta_key() || typing(ev))
}

fn saved_tiles() -> usize {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(TILES_KEY).ok().flatten())
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| TILE_CHOICES.contains(n))
        .unwrap_or(4)
}

fn save_tiles(n: usize) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(TILES_KEY, &n.to_string());
    }
}

/// The last minutes of a camera, to play back.
fn last_minutes(camera: &CameraView, locale: Locale) -> Showing {
    let now = now_ms();
    Showing {
        camera: camera.id.to_string(),
        name: camera.name.clone(),
        range: Span {
            from_ms: now - PLAYBACK_MINUTES * 60_000,
            to_ms: now,
        },
        mark: None,
        start_at: None,
        about: text(locale, T::VidLast10).to_owned(),
    }
}

#[component]
pub fn Video() -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let nav = use_context::<Nav>();
    let cams = RwSignal::new(None::<VideoView>);
    let error = RwSignal::new(None::<ApiError>);
    let generation = RwSignal::new(0u64);
    let refresh = move || {
        let mine = generation.get_untracked() + 1;
        generation.set(mine);
        spawn_local(async move {
            let answer = api::video_cameras().await;
            if generation.try_get_untracked() != Some(mine) {
                return;
            }
            match answer {
                Ok(v) => {
                    cams.set(Some(v));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        tick.get();
        refresh();
    });
    // Recorders change state without events too.
    if let Ok(h) = set_interval_with_handle(refresh, Duration::from_secs(10)) {
        on_cleanup(move || h.clear());
    }

    // Footage asked for by another view opens straight away (and Esc goes back there).
    let asked = footage::asked();
    let first = asked.get_untracked();
    if first.is_some() {
        asked.set(None);
    }
    let came_from = StoredValue::new(nav.and_then(|n| n.came_from.get_untracked()));
    let mode = RwSignal::new(first.map(Mode::Footage).unwrap_or(Mode::Wall));
    let shown = Memo::new(move |_| mode.get());
    Effect::new(move |_| {
        if let Some(ask) = asked.get() {
            asked.set(None);
            came_from.set_value(nav.and_then(|n| n.came_from.get_untracked()));
            mode.set(Mode::Footage(ask));
        }
    });
    let history = StoredValue::new(Vec::<Mode>::new());
    let go = move |m: Mode| {
        let now = mode.get_untracked();
        if now != m {
            history.update_value(|h| h.push(now));
            mode.set(m);
        }
    };
    let back = move || {
        if let Some(m) = history.try_update_value(|h| h.pop()).flatten() {
            mode.set(m);
        } else if let (Mode::Footage(_), Some(nav), Some(page)) =
            (mode.get_untracked(), nav, came_from.get_value())
        {
            nav.current.set(page);
        } else {
            mode.set(Mode::Wall);
        }
    };

    let tiles = RwSignal::new(saved_tiles());
    let page = RwSignal::new(0usize);
    let selected = RwSignal::new(None::<String>);
    // A dialog is open: the keys are its own.
    let modal = RwSignal::new(false);
    let setting = RwSignal::new(None::<CameraView>);

    let count = move || cams.with(|v| v.as_ref().map_or(0, |v| v.cameras.len()));
    let pages = move || count().div_ceil(tiles.get()).max(1);
    // The page stays in range as cameras come and go.
    Effect::new(move |_| {
        let last = pages() - 1;
        if page.get() > last {
            page.set(last);
        }
    });
    let visible = Memo::new(move |_| {
        let (n, p) = (tiles.get(), page.get());
        cams.with(|v| {
            v.as_ref()
                .map(|v| {
                    v.cameras
                        .iter()
                        .skip(p * n)
                        .take(n)
                        .map(|c| c.id.to_string())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    // The picked tile is one on screen.
    Effect::new(move |_| {
        let on = visible.get();
        if selected.with_untracked(|s| s.as_ref().is_none_or(|id| !on.contains(id))) {
            selected.set(on.first().cloned());
        }
    });
    let camera = move |id: &str| {
        cams.with_untracked(|v| {
            v.as_ref()
                .and_then(|v| v.cameras.iter().find(|c| c.id.as_str() == id).cloned())
        })
    };
    let choose_tiles = move |n: usize| {
        // Keep the picked camera on screen.
        let at = selected.with_untracked(|s| {
            cams.with_untracked(|v| {
                v.as_ref().and_then(|v| {
                    v.cameras
                        .iter()
                        .position(|c| Some(c.id.as_str()) == s.as_deref())
                })
            })
        });
        tiles.set(n);
        save_tiles(n);
        page.set(at.unwrap_or(0) / n);
    };
    let turn = move |by: isize| {
        let last = pages() - 1;
        let p = page.get_untracked().saturating_add_signed(by).min(last);
        page.set(p);
        selected.set(None);
    };
    let playback = move |id: &str| {
        if let Some(c) = camera(id).filter(|c| c.setup.is_some()) {
            go(Mode::Playback(last_minutes(
                &c,
                i18n.locale.get_untracked(),
            )));
        }
    };

    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !page_key(&ev) || modal.get_untracked() || setting.get_untracked().is_some() {
            return;
        }
        let key = ev.key();
        let now = mode.get_untracked();
        if key == "Escape" {
            if now != Mode::Wall {
                ev.prevent_default();
                back();
            }
            return;
        }
        let pick = selected.get_untracked();
        match (&now, key.as_str()) {
            (Mode::Wall, "1" | "4" | "9" | "6") => {
                ev.prevent_default();
                choose_tiles(match key.as_str() {
                    "1" => 1,
                    "4" => 4,
                    "9" => 9,
                    _ => 16,
                });
            }
            (Mode::Wall, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
                let on = visible.get_untracked();
                if on.is_empty() {
                    return;
                }
                ev.prevent_default();
                let cols = (tiles.get_untracked() as f64).sqrt() as isize;
                let at = pick
                    .and_then(|id| on.iter().position(|x| *x == id))
                    .unwrap_or(0) as isize;
                let by = match key.as_str() {
                    "ArrowLeft" => -1,
                    "ArrowRight" => 1,
                    "ArrowUp" => -cols,
                    _ => cols,
                };
                let to = (at + by).clamp(0, on.len() as isize - 1) as usize;
                selected.set(Some(on[to].clone()));
            }
            (Mode::Wall, "PageDown") => {
                ev.prevent_default();
                turn(1);
            }
            (Mode::Wall, "PageUp") => {
                ev.prevent_default();
                turn(-1);
            }
            (Mode::Wall, "Enter") => {
                if let Some(id) = pick {
                    ev.prevent_default();
                    go(Mode::Large(id));
                }
            }
            (Mode::Wall, "s" | "S") => {
                if let Some(c) = pick.and_then(|id| camera(&id)) {
                    ev.prevent_default();
                    setting.set(Some(c));
                }
            }
            (Mode::Wall, "p" | "P") => {
                if let Some(id) = pick {
                    ev.prevent_default();
                    playback(&id);
                }
            }
            (Mode::Large(id), "p" | "P") => {
                ev.prevent_default();
                playback(id);
            }
            (Mode::Wall | Mode::Large(_), "a" | "A") => {
                ev.prevent_default();
                go(Mode::Audit);
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    let names = Memo::new(move |_| {
        cams.with(|v| {
            v.as_ref()
                .map(|v| {
                    v.cameras
                        .iter()
                        .map(|c| (c.id.to_string(), c.name.clone()))
                        .collect::<BTreeMap<_, _>>()
                })
                .unwrap_or_default()
        })
    });
    let storage = move || {
        let locale = i18n.locale.get();
        cams.with(|v| {
            v.as_ref().map(|v| {
                let free = v
                    .free_bytes
                    .map(bytes_text)
                    .unwrap_or_else(|| text(locale, T::NoData).to_owned());
                let locks: u32 = v.cameras.iter().map(|c| c.locks).sum();
                format!(
                    "{} {} · {} {} · {} {} · {} {}",
                    text(locale, T::VidKeepDays),
                    v.retention.keep_days,
                    text(locale, T::VidUsed),
                    bytes_text(v.kept_bytes),
                    text(locale, T::VidFree),
                    free,
                    text(locale, T::VidLocksOn),
                    locks
                )
            })
        })
    };

    let tile_of = move |id: String, large: bool| {
        let sig_id = id.clone();
        let cam = Signal::derive(move || {
            cams.with(|v| {
                v.as_ref()
                    .and_then(|v| v.cameras.iter().find(|c| c.id.as_str() == sig_id).cloned())
            })
        });
        let pick_id = id.clone();
        let is_picked = Signal::derive(move || {
            large || selected.with(|s| s.as_deref() == Some(pick_id.as_str()))
        });
        let open_id = id.clone();
        let on_open = Callback::new(move |_: ()| go(Mode::Large(open_id.clone())));
        let click_id = id.clone();
        let on_pick = Callback::new(move |_: ()| selected.set(Some(click_id.clone())));
        view! { <LiveTile id camera=cam picked=is_picked large on_open on_pick /> }
    };

    let wall = move || {
        let paging = move || {
            (pages() > 1).then(|| {
                view! {
                    <div class="wall-pages">
                        <button type="button" class="chip" id="wall-prev" on:click=move |_| turn(-1)
                            prop:disabled=move || page.get() == 0>
                            {i18n.t(T::VidPrev)}<kbd>"PgUp"</kbd></button>
                        <span id="wall-page">{move || format!("{} {}/{}", text(i18n.locale.get(), T::VidPage), page.get() + 1, pages())}</span>
                        <button type="button" class="chip" id="wall-next" on:click=move |_| turn(1)
                            prop:disabled=move || { page.get() + 1 >= pages() }>
                            {i18n.t(T::VidNext)}<kbd>"PgDn"</kbd></button>
                    </div>
                }
            })
        };
        let choices = TILE_CHOICES
            .iter()
            .map(|&n| {
                let key = if n == 16 { "6" } else { ["1", "4", "9"][(n as f64).sqrt() as usize - 1] };
                view! {
                    <button type="button" class="seg" data-tiles=n class:active=move || tiles.get() == n
                        aria-pressed=move || (tiles.get() == n).to_string()
                        on:click=move |_| choose_tiles(n)>
                        {n}<kbd>{key}</kbd>
                    </button>
                }
            })
            .collect_view();
        let empty = move || {
            (cams.with(|v| v.is_some()) && count() == 0)
                .then(|| view! { <p class="muted" id="wall-empty">{i18n.t(T::VidNoCameras)}</p> })
        };
        view! {
            <div class="wall-head">
                <div class="segmented" role="group" aria-label=move || text(i18n.locale.get(), T::VidTiles)>
                    <span class="muted">{i18n.t(T::VidTiles)}</span>
                    {choices}
                </div>
                {paging}
                <span class="spacer"></span>
                <span class="muted small" id="video-storage">{storage}</span>
            </div>
            {empty}
            <div class="wall" id="wall" data-tiles=move || tiles.get() style=move || format!("--cols: {}", (tiles.get() as f64).sqrt() as usize)>
                <For each=move || visible.get() key=|id| id.clone() let:id>
                    {tile_of(id, false)}
                </For>
            </div>
            <p class="hint">{i18n.t(T::VidWallHint)}</p>
        }
    };

    let body = move || {
        match shown.get() {
        Mode::Wall => wall().into_any(),
        Mode::Large(id) => {
            let p = id.clone();
            view! {
                <div class="wall large" id="wall-large">{tile_of(id, true)}</div>
                <div class="large-acts">
                    <button type="button" class="chip" id="large-back" on:click=move |_| back()>
                        {i18n.t(T::VidBack)}<kbd>"Esc"</kbd></button>
                    <button type="button" class="chip" id="large-playback" on:click=move |_| playback(&p)>
                        {i18n.t(T::VidLast10)}<kbd>"P"</kbd></button>
                </div>
                <p class="hint">{i18n.t(T::VidLargeHint)}</p>
            }
            .into_any()
        }
        Mode::Playback(show) => view! {
            <div class="large-acts">
                <button type="button" class="chip" on:click=move |_| back()>{i18n.t(T::VidBack)}<kbd>"Esc"</kbd></button>
            </div>
            <Playback show modal />
        }
        .into_any(),
        Mode::Footage(ask) => view! { <Footage ask modal on_back=Callback::new(move |_: ()| back()) /> }.into_any(),
        Mode::Audit => view! { <AccessLog names /> }.into_any(),
    }
    };

    let tab = move |is_wall: bool| {
        let active = move || (shown.get() == Mode::Audit) != is_wall;
        view! {
            <button type="button" class="seg" id=if is_wall { "tab-wall" } else { "tab-audit" }
                class:active=active aria-pressed=move || active().to_string()
                on:click=move |_| if is_wall { history.set_value(Vec::new()); mode.set(Mode::Wall) } else { go(Mode::Audit) }>
                {i18n.t(if is_wall { T::VidWall } else { T::VidAudit })}
                {(!is_wall).then(|| view! { <kbd>"A"</kbd> })}
            </button>
        }
    };

    view! {
        <h1 class="page-title" id="page-title">
            {i18n.t(T::NavVideo)}
            <span class="segmented tabs">{tab(true)}{tab(false)}</span>
        </h1>
        <p class="error banner" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
        <div class="video-page" data-mode=move || match shown.get() {
            Mode::Wall => "wall",
            Mode::Large(_) => "large",
            Mode::Playback(_) => "playback",
            Mode::Footage(_) => "footage",
            Mode::Audit => "audit",
        }>{body}</div>
        {move || setting.get().map(|c| view! {
            <SetupDialog camera=c
                on_done=Callback::new(move |_: ()| { setting.set(None); refresh(); })
                on_cancel=Callback::new(move |_: ()| setting.set(None)) />
        })}
    }
}

/// One camera live: HLS through hls.js, or MJPEG where H.264 cannot play; its name, state and transport under it.
#[component]
fn LiveTile(
    id: String,
    camera: Signal<Option<CameraView>>,
    picked: Signal<bool>,
    large: bool,
    on_open: Callback<()>,
    on_pick: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let configured =
        Memo::new(move |_| camera.with(|c| c.as_ref().is_some_and(|c| c.setup.is_some())));
    // A camera its recorder cannot reach has nothing live to show: no grant (each is audited) until it can.
    let wanted = Memo::new(move |_| {
        configured.get()
            && camera.with(|c| {
                !matches!(
                    c.as_ref().and_then(|c| c.recorder),
                    Some(RecorderState::Retrying { .. })
                )
            })
    });
    let watch = RwSignal::new(None::<Watch>);
    let seen = RwSignal::new(Seen::Connecting);
    let mjpeg = RwSignal::new(!hls::playable());
    let refused = RwSignal::new(None::<ApiError>);
    let again = RwSignal::new(0u32);
    let restart = RwSignal::new(0u32);
    let tries = StoredValue::new(0u32);
    let recovered = StoredValue::new(false);
    let video = NodeRef::<html::Video>::new();
    let player = StoredValue::new_local(None::<Player>);

    // Later: the next try, a little later each time.
    let later = move |bump: RwSignal<u32>| {
        let n = tries.try_get_value().unwrap_or(0);
        tries.try_set_value(n + 1);
        set_timeout(
            move || {
                bump.try_update(|k| *k += 1);
            },
            backoff(n),
        );
    };

    // A grant for the live stream (again when one expired or the stream broke).
    let grant_for = id.clone();
    Effect::new(move |_| {
        again.get();
        if !wanted.get() {
            watch.set(None);
            return;
        }
        let req = WatchRequest {
            camera: grant_for.clone(),
            from_ms: None,
            to_ms: None,
            about: String::new(),
        };
        spawn_local(async move {
            match api::video_watch(req).await {
                Ok(w) => {
                    refused.try_set(None);
                    watch.try_set(Some(w));
                }
                Err(e) => {
                    let hopeless = matches!(
                        e.code,
                        ErrorCode::CameraNotConfigured
                            | ErrorCode::NotACamera
                            | ErrorCode::Forbidden
                    );
                    refused.try_set(Some(e));
                    seen.try_set(Seen::Reconnecting);
                    if !hopeless {
                        later(again);
                    }
                }
            }
        });
    });

    // The player follows the grant.
    Effect::new(move |_| {
        restart.get();
        let w = watch.get();
        let use_mjpeg = mjpeg.get();
        player.set_value(None);
        let (Some(w), Some(el)) = (w, video.get()) else {
            return;
        };
        if use_mjpeg {
            return;
        }
        let met = move |m: Met| match m {
            Met::Ready => {
                if let Some(el) = video.get_untracked() {
                    let _ = el.play();
                }
            }
            Met::Gone => {
                player.try_set_value(None);
                seen.try_set(Seen::Reconnecting);
                later(again);
            }
            Met::Network => {
                player.try_set_value(None);
                seen.try_set(Seen::Reconnecting);
                later(restart);
            }
            Met::Media { codec } => media_error(codec, player, recovered, || {
                mjpeg.try_set(true);
            }),
        };
        match Player::start(&el, &w.playlist, None, met) {
            Ok(p) => player.set_value(Some(p)),
            Err(_) => mjpeg.set(true),
        }
    });
    on_cleanup(move || {
        player.try_update_value(|p| {
            p.take();
        });
    });

    let playing = move || {
        tries.set_value(0);
        seen.set(Seen::Playing);
    };
    let mjpeg_src = move || {
        mjpeg
            .get()
            .then(|| watch.with(|w| w.as_ref().and_then(|w| w.mjpeg.clone())))
            .flatten()
    };
    let state = Memo::new(move |_| {
        camera.with(|c| {
            c.as_ref()
                .map_or(T::VidNotConfigured, |c| tile_state(c, seen.get()))
        })
    });
    let name = move || camera.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let transport = move || {
        (configured.get() && watch.with(|w| w.is_some())).then(|| {
            let t = if mjpeg.get() { "MJPEG" } else { "HLS" };
            view! { <span class="tile-transport" data-transport=t>{t}</span> }
        })
    };
    // No MJPEG to fall back on (a player without H.264 and a grant without frames).
    let stuck =
        move || mjpeg.get() && watch.with(|w| w.as_ref().is_some_and(|w| w.mjpeg.is_none()));
    view! {
        <div class="tile" class:picked=move || picked.get() class:large=large data-camera=id.clone()
            data-state=move || state_code(state.get())
            on:click=move |_| on_pick.run(()) on:dblclick=move |_| on_open.run(())>
            <div class="tile-media">
                <video node_ref=video muted=true autoplay=true playsinline=true prop:muted=true
                    class:hidden=move || mjpeg.get() || !configured.get()
                    on:playing=move |_| playing() on:waiting=move |_| seen.set(Seen::Connecting)></video>
                {move || mjpeg_src().map(|src| view! {
                    <img class="tile-mjpeg" src=src alt="" on:load=move |_| playing()
                        on:error=move |_| { seen.set(Seen::Reconnecting); later(again); } />
                })}
                {move || (!configured.get()).then(|| view! {
                    <div class="tile-empty">{text(i18n.locale.get(), T::VidNotConfigured)}</div>
                })}
                {move || stuck().then(|| view! {
                    <div class="tile-empty">{text(i18n.locale.get(), T::VidNoH264)}</div>
                })}
                {move || (configured.get() && watch.with(|w| w.is_none())).then(|| refused.get().map(|e| view! {
                    <div class="tile-empty">{e.text(i18n.locale.get())}</div>
                })).flatten()}
            </div>
            <div class="tile-bar">
                <span class="tile-name">{name}</span>
                <span class="tile-state">{move || text(i18n.locale.get(), state.get())}</span>
                {transport}
            </div>
        </div>
    }
}

/// A range on a bar: recorded stretches and gaps, the event's moment, the play position; a click picks a time.
#[component]
pub fn Timeline(
    range: Span,
    parts: Vec<TimelinePart>,
    mark: Option<i64>,
    #[prop(optional)] at: Option<Signal<Option<i64>>>,
    #[prop(optional)] on_pick: Option<Callback<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let len = range.len_ms().max(1) as f64;
    let pct = move |t: i64| ((t - range.from_ms) as f64 / len * 100.0).clamp(0.0, 100.0);
    let bars = parts
        .iter()
        .map(|p| {
            let class = match p.stretch {
                Stretch::Recorded => "tl-part tl-recorded",
                Stretch::Gap => "tl-part tl-gap",
            };
            let (left, right) = (pct(p.from_ms), pct(p.to_ms));
            let style = format!("left: {left:.3}%; width: {:.3}%", (right - left).max(0.2));
            let tip = format!("{} – {}", clock(p.from_ms), clock(p.to_ms));
            view! { <div class=class style=style title=tip></div> }
        })
        .collect_view();
    let marker = mark.map(|m| {
        view! {
            <div class="tl-mark" style=format!("left: {:.3}%", pct(m))
                title=move || format!("{} {}", text(i18n.locale.get(), T::VidEventAt), clock(m))></div>
        }
    });
    let cursor = at.map(|at| {
        view! {
            <div class="tl-cursor" class:hidden=move || at.get().is_none()
                style=move || format!("left: {:.3}%", at.get().map_or(0.0, pct))></div>
        }
    });
    // The bar's own box (events are delegated: `currentTarget` is not the bar).
    let bar = NodeRef::<html::Div>::new();
    let click = move |ev: leptos::ev::MouseEvent| {
        let (Some(pick), Some(el)) = (on_pick, bar.get_untracked()) else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return;
        }
        let frac = ((f64::from(ev.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0);
        pick.run(range.from_ms + (frac * len) as i64);
    };
    view! {
        <div class="timeline-box">
            <div class="timeline" node_ref=bar class:pickable=on_pick.is_some() on:click=click>
                {bars}
                {marker}
                {cursor}
            </div>
            <div class="tl-scale muted small">
                <span>{clock(range.from_ms)}</span>
                <span>{clock(range.to_ms)}</span>
            </div>
        </div>
    }
}

/// What the reason dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Lock,
    Unlock(u64),
}

/// A recorded range played with hls.js over its timeline; export, evidence locks.
#[component]
pub fn Playback(
    show: Showing,
    modal: RwSignal<bool>,
    /// Shown beside the picture, above the actions (the footage's cameras).
    #[prop(optional, into)]
    aside: Option<ViewFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let Showing {
        camera,
        name,
        range,
        mark,
        start_at,
        about,
    } = show;
    let about: String = about.chars().take(100).collect();
    let camera = StoredValue::new(camera);
    let about = StoredValue::new(about);
    let watch = RwSignal::new(None::<Watch>);
    let error = RwSignal::new(None::<ApiError>);
    let cannot = RwSignal::new(!hls::playable());
    let pos = RwSignal::new(0.0f64);
    let paused = RwSignal::new(true);
    let resume = StoredValue::new(start_at);
    let again = RwSignal::new(0u32);
    let restart = RwSignal::new(0u32);
    let tries = StoredValue::new(0u32);
    let recovered = StoredValue::new(false);
    let video = NodeRef::<html::Video>::new();
    let player = StoredValue::new_local(None::<Player>);

    // The grant for the range (again when it expired).
    Effect::new(move |_| {
        again.get();
        let req = WatchRequest {
            camera: camera.get_value(),
            from_ms: Some(range.from_ms),
            to_ms: Some(range.to_ms),
            about: about.get_value(),
        };
        spawn_local(async move {
            match api::video_watch(req).await {
                Ok(w) => {
                    error.try_set(None);
                    watch.try_set(Some(w));
                }
                Err(e) => {
                    watch.try_set(None);
                    error.try_set(Some(e));
                }
            }
        });
    });

    let frame = Memo::new(move |_| {
        let p = pos.get();
        watch.with(|w| w.as_ref().and_then(|w| w.time_at(p)))
    });
    let seek = move |t: i64| {
        let t = t.clamp(range.from_ms, range.to_ms - 1);
        let Some(p) = watch
            .try_with_untracked(|w| w.as_ref().and_then(|w| w.position_of(t)))
            .flatten()
        else {
            return;
        };
        if let Some(el) = video.get_untracked() {
            el.set_current_time(p);
        }
        pos.try_set(p);
    };

    Effect::new(move |_| {
        restart.get();
        let w = watch.get();
        player.set_value(None);
        let (Some(w), Some(el)) = (w, video.get()) else {
            return;
        };
        if cannot.get_untracked() {
            return;
        }
        // Where to start: where it was (a new grant, a broken stream) or the start asked for.
        let from = resume.get_value().unwrap_or(range.from_ms);
        let start_s = w.position_of(from);
        if let Some(p) = start_s {
            pos.set(p);
        }
        let met = move |m: Met| match m {
            Met::Ready => {
                tries.try_set_value(0);
                if let Some(el) = video.get_untracked() {
                    let _ = el.play();
                }
            }
            Met::Gone => {
                resume.try_set_value(frame.try_get_untracked().flatten());
                player.try_set_value(None);
                again.try_update(|n| *n += 1);
            }
            Met::Network => {
                resume.try_set_value(frame.try_get_untracked().flatten());
                player.try_set_value(None);
                let n = tries.try_get_value().unwrap_or(0);
                tries.try_set_value(n + 1);
                set_timeout(
                    move || {
                        restart.try_update(|k| *k += 1);
                    },
                    backoff(n),
                );
            }
            Met::Media { codec } => media_error(codec, player, recovered, || {
                cannot.try_set(true);
            }),
        };
        match Player::start(&el, &w.playlist, start_s, met) {
            Ok(p) => player.set_value(Some(p)),
            Err(_) => cannot.set(true),
        }
    });
    on_cleanup(move || {
        player.try_update_value(|p| {
            p.take();
        });
    });

    let toggle = move || {
        if let Some(el) = video.get_untracked() {
            if el.paused() {
                let _ = el.play();
            } else {
                let _ = el.pause();
            }
        }
    };

    // Export: one request at a time, the time it has taken shown while it runs.
    let exporting = RwSignal::new(None::<i64>);
    let saved = RwSignal::new(None::<SavedClip>);
    let act_error = RwSignal::new(None::<ApiError>);
    let now = RwSignal::new(now_ms());
    if let Ok(h) = set_interval_with_handle(
        move || {
            if exporting.get_untracked().is_some() {
                now.set(now_ms());
            }
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || h.clear());
    }
    let export = move || {
        if exporting.get_untracked().is_some() {
            return;
        }
        exporting.set(Some(now_ms()));
        now.set(now_ms());
        saved.set(None);
        act_error.set(None);
        let req = ExportRequest {
            camera: camera.get_value(),
            from_ms: range.from_ms,
            to_ms: range.to_ms,
            about: about.get_value(),
        };
        spawn_local(async move {
            let answer = api::video_export(req).await;
            exporting.try_set(None);
            match answer {
                Ok(clip) => {
                    saved.try_set(Some(clip));
                }
                Err(e) => {
                    act_error.try_set(Some(e));
                }
            }
        });
    };

    // Evidence locks of this camera.
    let locks = RwSignal::new(Vec::<EvidenceLock>::new());
    let load_locks = move || {
        spawn_local(async move {
            if let Ok(all) = api::video_locks().await {
                let mine = camera.try_get_value().unwrap_or_default();
                locks.try_set(
                    all.into_iter()
                        .filter(|l| l.camera.as_str() == mine && l.unlocked.is_none())
                        .collect(),
                );
            }
        });
    };
    Effect::new(move |_| {
        tick.get();
        load_locks();
    });
    let ask = RwSignal::new(None::<Ask>);
    Effect::new(move |_| modal.set(ask.get().is_some()));
    on_cleanup(move || {
        modal.try_set(false);
    });

    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !page_key(&ev) || ask.get_untracked().is_some() {
            return;
        }
        match ev.key().as_str() {
            k @ ("ArrowLeft" | "ArrowRight") => {
                if watch.with_untracked(|w| w.is_none()) {
                    return;
                }
                ev.prevent_default();
                let step = if ev.shift_key() { BIG_STEP_MS } else { STEP_MS };
                let from = frame.get_untracked().unwrap_or(range.from_ms);
                seek(if k == "ArrowLeft" {
                    from - step
                } else {
                    from + step
                });
            }
            " " => {
                ev.prevent_default();
                toggle();
            }
            "e" | "E" => {
                ev.prevent_default();
                export();
            }
            "l" | "L" => {
                ev.prevent_default();
                ask.set(Some(Ask::Lock));
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    let timeline = move || {
        watch.get().map(|w| {
            let at = Signal::derive(move || frame.get());
            view! {
                <Timeline range parts=w.timeline mark at on_pick=Callback::new(seek) />
            }
        })
    };
    let export_line = move || {
        let locale = i18n.locale.get();
        if let Some(since) = exporting.get() {
            let secs = ((now.get() - since).max(0) / 1000) as u32;
            return Some(
                view! {
                    <p class="export-progress" id="export-progress" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        {text(locale, T::VidExporting)} " " {text(locale, T::VidElapsed)} " " {duration(locale, secs)}
                    </p>
                }
                .into_any(),
            );
        }
        saved.get().map(|c| {
            let missing = if c.missing_ms > 0 {
                duration(locale, (c.missing_ms / 1000).max(1) as u32)
            } else {
                text(locale, T::VidNoneMissing).to_owned()
            };
            view! {
                <div class="export-done" id="export-done">
                    <strong>{text(locale, T::VidExported)}</strong>
                    <dl class="facts">
                        <dt>{text(locale, T::VidSavedTo)}</dt><dd class="path" id="export-path">{c.path.clone()}</dd>
                        <dt>{text(locale, T::VidSize)}</dt><dd>{bytes_text(c.bytes)}</dd>
                        <dt>{text(locale, T::AccRange)}</dt><dd>{span_text(c.range)}</dd>
                        <dt>{text(locale, T::VidMissing)}</dt><dd id="export-missing">{missing}</dd>
                    </dl>
                </div>
            }
            .into_any()
        })
    };
    let lock_list = move || {
        let locale = i18n.locale.get();
        let list = locks.get();
        if list.is_empty() {
            return view! { <p class="muted" id="locks-empty">{text(locale, T::VidNoLocks)}</p> }
                .into_any();
        }
        list.into_iter()
            .map(|l| {
                let id = l.id;
                view! {
                    <li data-lock=id>
                        <div>
                            <strong>{span_text(l.span)}</strong>
                            <div class="muted small">{format!("{} · {} · {}", stamp(l.at), l.by, l.reason)}</div>
                        </div>
                        <button type="button" class="chip" data-act="unlock" on:click=move |_| ask.set(Some(Ask::Unlock(id)))>
                            {text(locale, T::VidUnlock)}</button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let done = Callback::new(move |_: ()| {
        ask.set(None);
        load_locks();
    });

    view! {
        <section class="card player" id="player" data-camera=camera.get_value()>
            <h2>{name} " " <span class="muted small">{span_text(range)}</span></h2>
            <div class="player-grid">
            <div class="player-main">
            <p class="error banner" role="alert" id="player-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
            <Show when=move || watch.with(|w| w.is_some())>
                <div class="player-media">
                    <video node_ref=video muted=true playsinline=true prop:muted=true class:hidden=move || cannot.get()
                        on:timeupdate=move |_| if let Some(el) = video.get_untracked() { pos.set(el.current_time()) }
                        on:play=move |_| paused.set(false) on:pause=move |_| paused.set(true)></video>
                    {move || cannot.get().then(|| view! { <p class="player-cannot">{text(i18n.locale.get(), T::VidNoH264)}</p> })}
                </div>
                <div class="player-bar">
                    <button type="button" class="chip" id="play-toggle" on:click=move |_| toggle()>
                        {move || text(i18n.locale.get(), if paused.get() { T::VidPlay } else { T::VidPause })}<kbd>"Space"</kbd>
                    </button>
                    <span class="frame-clock" id="frame-clock" title=move || text(i18n.locale.get(), T::VidFrame)>
                        {move || frame.get().map_or_else(|| "--:--:--".to_owned(), clock)}
                    </span>
                    {timeline}
                </div>
                <p class="tl-legend muted small">
                    <span class="tl-key tl-recorded"></span>{i18n.t(T::VidRecorded)}
                    <span class="tl-key tl-gap"></span>{i18n.t(T::VidGap)}
                    {mark.map(|m| view! { <span class="tl-key tl-mark-key"></span>{i18n.t(T::VidEventAt)} " " {clock(m)} })}
                </p>
            </Show>
            </div>
            <div class="player-side">
            {aside.map(|a| a.run())}
            <div class="player-acts">
                <button type="button" class="action" id="video-export" prop:disabled=move || exporting.get().is_some()
                    on:click=move |_| export()>
                    <kbd>"E"</kbd><span>{i18n.t(T::VidExport)}</span></button>
                <button type="button" class="action" id="video-lock" on:click=move |_| ask.set(Some(Ask::Lock))>
                    <kbd>"L"</kbd><span>{i18n.t(T::VidLock)}</span></button>
            </div>
            <p class="error banner" role="alert" id="act-error">{move || act_error.get().map(|e| e.text(i18n.locale.get()))}</p>
            {export_line}
            <p class="hint">{i18n.t(T::VidPlayerHint)}</p>
            <h3>{i18n.t(T::VidLocks)}</h3>
            <ul class="lock-list" id="lock-list">{lock_list}</ul>
            </div>
            </div>
        </section>
        {move || ask.get().map(|what| view! {
            <ReasonDialog what camera=camera.get_value() range on_done=done
                on_cancel=Callback::new(move |_: ()| ask.set(None)) />
        })}
    }
}

/// Asks the reason of a lock or an unlock (2–200 characters), then sends it; Enter confirms, Esc cancels.
#[component]
fn ReasonDialog(
    what: Ask,
    camera: String,
    range: Span,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = reason.get_untracked().trim().to_owned();
        if !(2..=200).contains(&r.chars().count()) {
            error.set(Some(ApiError::new(ErrorCode::LockReasonInvalid)));
            return;
        }
        let camera = camera.clone();
        let call = async move {
            match what {
                Ask::Lock => api::video_lock(LockRequest {
                    camera,
                    from_ms: range.from_ms,
                    to_ms: range.to_ms,
                    reason: r,
                })
                .await
                .map(|_| ()),
                Ask::Unlock(id) => api::video_unlock(UnlockAct { id, reason: r })
                    .await
                    .map(|_| ()),
            }
        };
        dialog::send(busy, error, call, move |()| on_done.run(()));
    };
    let keys = dialog::on_escape(on_cancel);
    let (title, label) = match what {
        Ask::Lock => (T::VidLock, T::VidLockReason),
        Ask::Unlock(_) => (T::VidUnlock, T::VidUnlockReason),
    };
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <form class="dialog card" id="reason-dialog" data-ask=match what { Ask::Lock => "lock", Ask::Unlock(_) => "unlock" }
                on:submit=submit on:keydown=keys on:click=|ev| ev.stop_propagation()>
                <h2>{i18n.t(title)}</h2>
                {(what == Ask::Lock).then(|| view! {
                    <p class="hint">{i18n.t(T::VidLockHint)} " " {span_text(range)}</p>
                })}
                <label for="video-reason">{i18n.t(label)}</label>
                <input type="text" id="video-reason" maxlength="200" autocomplete="off" node_ref=input
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                <p class="error" role="alert" id="reason-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| on_cancel.run(())>
                        {i18n.t(T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="reason-confirm" prop:disabled=move || busy.get()>
                        {i18n.t(T::Confirm)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}

/// Sets where a camera's stream is and which counters it shows; Enter saves, Esc cancels.
#[component]
fn SetupDialog(
    camera: CameraView,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (url0, covers0) = camera.setup.as_ref().map_or_else(Default::default, |s| {
        let covers = s
            .covers
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        (s.url.clone(), covers)
    });
    let url = RwSignal::new(url0);
    let covers = RwSignal::new(covers0);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let id = camera.id.to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = covers.get_untracked();
        let parsed: Result<Vec<u16>, _> = raw
            .split([',', '，', '、', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<u16>())
            .collect();
        let Ok(list) = parsed else {
            error.set(Some(ApiError::new(ErrorCode::CameraSetupInvalid)));
            return;
        };
        let act = SetCameraAct {
            camera: id.clone(),
            setup: SetCamera {
                url: url.get_untracked().trim().to_owned(),
                covers: list,
            },
        };
        dialog::send(busy, error, api::video_setup(act), move |_| on_done.run(()));
    };
    let keys = dialog::on_escape(on_cancel);
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <form class="dialog card" id="setup-dialog" on:submit=submit on:keydown=keys on:click=|ev| ev.stop_propagation()>
                <h2>{i18n.t(T::VidSetup)} " · " {camera.name.clone()}</h2>
                <label for="setup-url">{i18n.t(T::VidSetupUrl)}</label>
                <input type="text" id="setup-url" maxlength="300" autocomplete="off" spellcheck="false" node_ref=input
                    placeholder="rtsp://"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                <label for="setup-covers">{i18n.t(T::VidSetupCovers)}</label>
                <input type="text" id="setup-covers" maxlength="80" autocomplete="off"
                    prop:value=move || covers.get() on:input=move |ev| covers.set(event_target_value(&ev)) />
                <p class="error" role="alert" id="setup-error">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| on_cancel.run(())>
                        {i18n.t(T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="setup-confirm" prop:disabled=move || busy.get()>
                        {i18n.t(T::Save)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}

/// The video audit: who watched, played back, exported, locked or released which camera's footage, newest first.
#[component]
fn AccessLog(names: Memo<BTreeMap<String, String>>) -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let camera = RwSignal::new(String::new());
    let lines = RwSignal::new(None::<Vec<AccessRecord>>);
    let error = RwSignal::new(None::<ApiError>);
    let generation = RwSignal::new(0u64);
    Effect::new(move |_| {
        tick.get();
        let c = camera.get();
        let mine = generation.get_untracked() + 1;
        generation.set(mine);
        let q = AccessQuery {
            camera: (!c.is_empty()).then_some(c),
            limit: Some(200),
        };
        spawn_local(async move {
            let answer = api::video_access(q).await;
            if generation.try_get_untracked() != Some(mine) {
                return;
            }
            match answer {
                Ok(l) => {
                    lines.set(Some(l));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let options = move || {
        names
            .get()
            .into_iter()
            .map(
                |(id, name)| view! { <option value=id.clone()>{format!("{name} ({id})")}</option> },
            )
            .collect_view()
    };
    let rows = move || {
        let locale = i18n.locale.get();
        let names = names.get();
        let Some(list) = lines.get() else {
            return view! { <tr><td colspan="6" class="muted">{text(locale, T::Loading)}</td></tr> }.into_any();
        };
        if list.is_empty() {
            return view! { <tr><td colspan="6" class="muted" id="access-empty">{text(locale, T::AccEmpty)}</td></tr> }.into_any();
        }
        list.into_iter()
            .map(|r| {
                let cam = r.camera.to_string();
                let cam_name = names.get(&cam).cloned().unwrap_or_else(|| cam.clone());
                let range = match r.to_ms {
                    Some(to) => span_text(Span {
                        from_ms: r.from_ms,
                        to_ms: to,
                    }),
                    None => format!("{} {}", stamp(r.from_ms), text(locale, T::AccOnwards)),
                };
                view! {
                    <tr data-access=format!("{:?}", r.access).to_lowercase()>
                        <td class="nowrap">{stamp(r.at)}</td>
                        <td>{r.by.clone()}</td>
                        <td>{text(locale, access_text(r.access))}</td>
                        <td>{cam_name}</td>
                        <td class="small">{range}</td>
                        <td class="small">{r.note.clone()}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card" id="access-log">
            <h2>
                {i18n.t(T::VidAudit)}
                <select id="access-camera" class="inline-select" on:change=move |ev| camera.set(event_target_value(&ev))>
                    <option value="">{i18n.t(T::AccAllCameras)}</option>
                    {options}
                </select>
            </h2>
            <p class="error banner" role="alert">{move || error.get().map(|e| e.text(i18n.locale.get()))}</p>
            <table class="grid-table" id="access-table">
                <thead><tr>
                    <th>{i18n.t(T::AccAt)}</th>
                    <th>{i18n.t(T::AccWho)}</th>
                    <th>{i18n.t(T::AccWhat)}</th>
                    <th>{i18n.t(T::AccCamera)}</th>
                    <th>{i18n.t(T::AccRange)}</th>
                    <th>{i18n.t(T::AccNote)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
