//! What every confirming dialog does the same way: one request at a time, its refusal shown in place, and Esc to leave.

use ipc::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// Sends `call` unless one is under way; its refusal goes to `error`, its answer to `done`.
pub fn send<T: 'static>(
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    call: impl Future<Output = Result<T, ApiError>> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    spawn_local(async move {
        let answer = call.await;
        busy.set(false);
        match answer {
            Ok(v) => {
                error.set(None);
                done(v);
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// A keydown handler that runs `leave` on Esc.
pub fn on_escape(leave: Callback<()>) -> impl Fn(leptos::ev::KeyboardEvent) + Copy + 'static {
    move |ev| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            leave.run(());
        }
    }
}
