//! hls.js through a small binding of our own: a `<video>` playing one HLS playlist, and what it meets on the way.
//!
//! hls.js comes from npm and is bundled with the app (`ui/vendor/`, put
//! there by `cargo xtask`, like ECharts). Only what the video views use is
//! bound: make a player, load a playlist into a `<video>`, hear its errors,
//! recover from a media error, destroy it. Where hls.js is missing or the
//! webview cannot play H.264 through Media Source Extensions, the views fall
//! back to MJPEG (live) or say so (recorded footage).

use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type Hls;

    #[wasm_bindgen(constructor, catch)]
    fn new(config: &JsValue) -> Result<Hls, JsValue>;

    #[wasm_bindgen(static_method_of = Hls, js_name = isSupported, catch)]
    fn is_supported() -> Result<bool, JsValue>;

    #[wasm_bindgen(method, js_name = loadSource)]
    fn load_source(this: &Hls, url: &str);

    #[wasm_bindgen(method, js_name = attachMedia)]
    fn attach_media(this: &Hls, media: &web_sys::HtmlMediaElement);

    #[wasm_bindgen(method)]
    fn on(this: &Hls, event: &str, handler: &js_sys::Function);

    #[wasm_bindgen(method, js_name = recoverMediaError)]
    fn recover_media_error(this: &Hls);

    #[wasm_bindgen(method)]
    fn destroy(this: &Hls);
}

// hls.js' event names (`Hls.Events.*`) and error types (`Hls.ErrorTypes.*`).
const MANIFEST_PARSED: &str = "hlsManifestParsed";
const ERROR: &str = "hlsError";
const NETWORK_ERROR: &str = "networkError";
const MEDIA_ERROR: &str = "mediaError";

/// The H.264 profile the hall's recorders write (constrained baseline).
const H264: &str = "video/mp4; codecs=\"avc1.42E01E\"";

/// The player's set-up: a live edge one segment back, no worker (the CSP's business).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    low_latency_mode: bool,
    live_sync_duration_count: u32,
    enable_worker: bool,
    /// Where a recording starts playing (seconds into the playlist); -1: hls.js' own choice (live: the live edge).
    start_position: f64,
}

/// What a player met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    /// The playlist was read: it can play.
    Ready,
    /// The playlist's address answered 403 or 404: the grant expired (ask again).
    Gone,
    /// Any other fatal network error: try again later.
    Network,
    /// A fatal media error; `codec`: the stream's codec cannot be played here.
    Media { codec: bool },
}

/// Whether hls.js is loaded and the webview has Media Source Extensions.
pub fn hls_supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let loaded =
        js_sys::Reflect::get(&window, &JsValue::from_str("Hls")).is_ok_and(|h| h.is_function());
    loaded && Hls::is_supported().unwrap_or(false)
}

/// Whether the webview's Media Source can decode the recorders' H.264.
pub fn h264_playable() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    ["MediaSource", "ManagedMediaSource"].iter().any(|name| {
        let Ok(ms) = js_sys::Reflect::get(&window, &JsValue::from_str(name)) else {
            return false;
        };
        let Ok(check) = js_sys::Reflect::get(&ms, &JsValue::from_str("isTypeSupported")) else {
            return false;
        };
        check
            .dyn_ref::<js_sys::Function>()
            .and_then(|f| f.call1(&ms, &JsValue::from_str(H264)).ok())
            .is_some_and(|ok| ok.is_truthy())
    })
}

/// Whether HLS of H.264 can play here at all.
pub fn playable() -> bool {
    hls_supported() && h264_playable()
}

/// One hls.js player bound to a `<video>`; dropping it destroys the player.
pub struct Player {
    hls: Hls,
    // Cleared when the player goes: what it met but did not tell yet is forgotten.
    alive: Rc<Cell<bool>>,
    // hls.js holds these until `destroy` (in `drop`) takes them back.
    _parsed: Closure<dyn FnMut(JsValue, JsValue)>,
    _error: Closure<dyn FnMut(JsValue, JsValue)>,
}

impl Player {
    /// Plays `playlist` in `video` (a recording from `start_s` seconds in),
    /// telling `met` what happens, each time after hls.js' own handler
    /// returned (so `met` may drop the player).
    pub fn start(
        video: &web_sys::HtmlMediaElement,
        playlist: &str,
        start_s: Option<f64>,
        met: impl Fn(Met) + 'static,
    ) -> Result<Self, JsValue> {
        let config = Config {
            low_latency_mode: false,
            live_sync_duration_count: 1,
            enable_worker: false,
            start_position: start_s.unwrap_or(-1.0),
        }
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
        let hls = Hls::new(&config)?;
        let alive = Rc::new(Cell::new(true));
        let met = Rc::new(met);
        let tell = {
            let alive = alive.clone();
            move |m: Met| {
                let (alive, met) = (alive.clone(), met.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    if alive.get() {
                        met(m);
                    }
                });
            }
        };
        let parsed = {
            let tell = tell.clone();
            Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_: JsValue, _: JsValue| {
                tell(Met::Ready)
            })
        };
        let error =
            Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_: JsValue, data: JsValue| {
                if let Some(m) = read_error(&data) {
                    tell(m);
                }
            });
        hls.on(MANIFEST_PARSED, parsed.as_ref().unchecked_ref());
        hls.on(ERROR, error.as_ref().unchecked_ref());
        hls.load_source(playlist);
        hls.attach_media(video);
        Ok(Self {
            hls,
            alive,
            _parsed: parsed,
            _error: error,
        })
    }

    /// hls.js' own recovery from a media error (once; a second one is for real).
    pub fn recover(&self) {
        self.hls.recover_media_error();
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.alive.set(false);
        self.hls.destroy();
    }
}

/// A fatal error's meaning (non-fatal ones hls.js handles itself).
fn read_error(data: &JsValue) -> Option<Met> {
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    if !get(data, "fatal").is_some_and(|f| f.is_truthy()) {
        return None;
    }
    let kind = get(data, "type").and_then(|t| t.as_string());
    let details = get(data, "details")
        .and_then(|d| d.as_string())
        .unwrap_or_default();
    match kind.as_deref() {
        Some(NETWORK_ERROR) => {
            // The loader's answer (`response.code`), or the request itself (`networkDetails.status`).
            let status = get(data, "response")
                .and_then(|r| get(&r, "code"))
                .and_then(|c| c.as_f64())
                .or_else(|| {
                    get(data, "networkDetails")
                        .and_then(|n| get(&n, "status"))
                        .and_then(|s| s.as_f64())
                });
            // A grant that expired answers 403 (or 404 for its playlist).
            let playlist = details.starts_with("manifest") || details.starts_with("level");
            let refused = status == Some(403.0) || (playlist && status == Some(404.0));
            if refused {
                Some(Met::Gone)
            } else {
                Some(Met::Network)
            }
        }
        Some(MEDIA_ERROR) => Some(Met::Media {
            codec: details.contains("Codec") || details.contains("codec"),
        }),
        _ => Some(Met::Media { codec: false }),
    }
}
