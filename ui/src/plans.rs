//! The planners' editor of the province's emergency plans (issue 15): being written.

use leptos::prelude::*;

#[component]
pub fn PlanEditor() -> impl IntoView {
    view! { <section id="plan-editor"></section> }
}
