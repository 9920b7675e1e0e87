//! Apache ECharts through a small binding of our own: a chart element whose option is a typed Rust value.
//!
//! ECharts comes from npm and is bundled with the app (`ui/vendor/`, put
//! there by `cargo xtask`), so nothing is fetched at run time. Only the
//! part of ECharts' option the views use is typed here: a time axis, a
//! value axis and line or bar series. Where ECharts is missing (a page
//! opened outside the app), the chart says so instead of failing.

use leptos::html;
use leptos::prelude::*;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type EChart;

    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn init(el: &web_sys::Element) -> Result<EChart, JsValue>;

    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &EChart, option: &JsValue, not_merge: bool);

    #[wasm_bindgen(method)]
    fn dispose(this: &EChart);
}

/// A line or bar series of (Unix ms, value) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub bars: bool,
    pub points: Vec<(i64, f64)>,
}

/// A chart over time: one value axis, any number of series.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeChart {
    pub unit: String,
    pub series: Vec<Series>,
    /// A horizontal line at this value (a limit), if any.
    pub limit: Option<f64>,
}

// The subset of ECharts' option, as its JSON names it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Option_ {
    animation: bool,
    grid: Grid,
    tooltip: Trigger,
    legend: Legend,
    x_axis: Axis,
    y_axis: Axis,
    series: Vec<SeriesOption>,
}

#[derive(Serialize)]
struct Grid {
    left: u32,
    right: u32,
    top: u32,
    bottom: u32,
}

#[derive(Serialize)]
struct Trigger {
    trigger: &'static str,
}

#[derive(Serialize)]
struct Legend {
    top: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Axis {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    scale: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SeriesOption {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    show_symbol: bool,
    data: Vec<(i64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mark_line: Option<MarkLine>,
}

#[derive(Serialize)]
struct MarkLine {
    silent: bool,
    symbol: &'static str,
    data: Vec<YLine>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct YLine {
    y_axis: f64,
}

impl TimeChart {
    fn option(&self) -> Option_ {
        let series = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| SeriesOption {
                kind: if s.bars { "bar" } else { "line" },
                name: s.name.clone(),
                show_symbol: false,
                data: s.points.clone(),
                mark_line: (i == 0).then_some(()).and(self.limit).map(|y| MarkLine {
                    silent: true,
                    symbol: "none",
                    data: vec![YLine { y_axis: y }],
                }),
            })
            .collect();
        Option_ {
            animation: false,
            grid: Grid {
                left: 48,
                right: 16,
                top: 32,
                bottom: 28,
            },
            tooltip: Trigger { trigger: "axis" },
            legend: Legend { top: 0 },
            x_axis: Axis {
                kind: "time",
                name: None,
                scale: false,
            },
            y_axis: Axis {
                kind: "value",
                name: Some(self.unit.clone()),
                scale: true,
            },
            series,
        }
    }
}

/// A chart that follows `chart`; `missing` is shown where ECharts is not loaded.
#[component]
pub fn Chart(chart: Signal<TimeChart>, missing: Signal<String>) -> impl IntoView {
    let el = NodeRef::<html::Div>::new();
    let instance = StoredValue::new_local(None::<EChart>);
    let failed = RwSignal::new(false);
    Effect::new(move |_| {
        let option = chart.get().option();
        let Some(div) = el.get() else { return };
        instance.update_value(|slot| {
            if slot.is_none() {
                match init(&div) {
                    Ok(c) => *slot = Some(c),
                    Err(_) => failed.set(true),
                }
            }
            if let Some(c) = slot {
                let serializer = serde_wasm_bindgen::Serializer::json_compatible();
                if let Ok(js) = option.serialize(&serializer) {
                    c.set_option(&js, true);
                }
            }
        });
    });
    on_cleanup(move || {
        instance.update_value(|slot| {
            if let Some(c) = slot.take() {
                c.dispose();
            }
        })
    });
    // ECharts owns the inner element; the notice stands beside it.
    view! {
        <div class="chart-box">
            <div class="chart" node_ref=el></div>
            <Show when=move || failed.get()>
                <p class="muted">{move || missing.get()}</p>
            </Show>
        </div>
    }
}
