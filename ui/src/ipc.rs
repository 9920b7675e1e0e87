//! The UI's only door to the backend: the desktop's Tauri commands and events, typed by `ipc::commands`.

use ipc::commands::{Command, Event};
use ipc::{ApiError, Args, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch, js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], catch, js_name = listen)]
    fn tauri_listen(event: &str, handler: &js_sys::Function) -> Result<js_sys::Promise, JsValue>;
}

/// Calls command `C` with its argument (`()`: none) and reads its answer.
pub async fn invoke<C: Command>(req: C::Request) -> Result<C::Response, ApiError> {
    send(C::NAME, &Args { req }).await
}

/// Calls `on_event` with what each event `E` carries (when this version
/// understands it), for the life of the page.
pub fn listen_payload<E: Event>(on_event: impl Fn(E::Payload) + 'static) {
    if !has_backend() {
        return;
    }
    // Tauri hands the listener `{event, id, payload}`.
    let handler = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        let payload = js_sys::Reflect::get(&e, &JsValue::from_str("payload"));
        if let Ok(payload) = payload.and_then(|p| {
            serde_wasm_bindgen::from_value(p).map_err(|e| JsValue::from_str(&e.to_string()))
        }) {
            on_event(payload);
        }
    });
    let _ = tauri_listen(E::NAME, handler.as_ref().unchecked_ref());
    handler.forget();
}

/// Calls `on_event` each time the backend emits `E`, for the life of the
/// page, and `registered` once the backend knows of the listener (events
/// emitted before then are not delivered).
pub fn listen<E: Event>(on_event: impl Fn() + 'static, registered: impl FnOnce() + 'static) {
    if !has_backend() {
        return;
    }
    let handler = Closure::<dyn Fn(JsValue)>::new(move |_: JsValue| on_event());
    let promise = tauri_listen(E::NAME, handler.as_ref().unchecked_ref());
    // The listener lives as long as the page; so does its closure.
    handler.forget();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(p) = promise {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        }
        registered();
    });
}

async fn send<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ApiError> {
    if !has_backend() {
        return Err(ApiError::new(ErrorCode::NoBackend));
    }
    // Plain objects, not JS Maps: Tauri reads the arguments as JSON.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => {
            serde_wasm_bindgen::from_value(value).map_err(|_| ApiError::new(ErrorCode::Internal))
        }
        Err(err) => Err(serde_wasm_bindgen::from_value::<ApiError>(err)
            .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal))),
    }
}

fn has_backend() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}
