//! The planners' editor of emergency plans (应急预案编制): the hall's plans on the left, a copy of one (or a new plan) in the form on the right, checked on every change and published to, or withdrawn from, the province. Keys: ↑/↓ pick a plan, Enter opens it, N starts a new one (outside a field); Ctrl+Enter publishes; on a step row Alt+Insert adds a step after it, Alt+Delete removes it, Alt+↑/Alt+↓ move it (Alt+Insert elsewhere adds one at the end).
//!
//! The form is a copy: the live emergency view refreshes the list, never
//! the form. Opening another plan over changes not published asks first,
//! and the draft is kept while the planner looks at another page of the
//! same session. Numbers are typed as text and read only when the plan is
//! built, so a number that does not read marks its field and fails the check.

use crate::api;
use crate::dialog;
use crate::emergency::{clock, event_text, level_badge, level_text, EmergencyLive};
use crate::i18n::{role_text, text, use_i18n, T};
use crate::roles::Page;
use domain::{HallCode, Role};
use ipc::emergency::limits::{MAX_ID, MAX_NAME, MAX_STEPS, MAX_TEXT, MAX_TITLE, MAX_TRIGGERS};
use ipc::emergency::PlanError;
use ipc::emergency::{
    Action, EventType, Level, Plan, PlanDraft, PlanRef, PlanView, Step, TriggerRule, MAX_PLAN_HALLS,
};
use ipc::{ApiError, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::BTreeSet;
use wasm_bindgen::JsCast;

/// The event types, in the order the select offers them.
const EVENTS: [EventType; 5] = [
    EventType::QueueSurge,
    EventType::PublicSafety,
    EventType::TerminalFailure,
    EventType::PowerOutage,
    EventType::SystemOutage,
];

/// The longest number field (an hour in seconds has four digits).
const NUMBER_LEN: &str = "6";

/// The roles a plan can involve: the planner writes plans, never runs them.
fn plan_roles() -> impl Iterator<Item = Role> {
    Role::ALL.into_iter().filter(|r| *r != Role::Planner)
}

/// `roles` in the order of [`Role::ALL`], each once.
fn in_order(roles: &[Role]) -> Vec<Role> {
    plan_roles().filter(|r| roles.contains(r)).collect()
}

/// A number field that does not read as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BadNumber;

fn num<N: std::str::FromStr>(raw: &str) -> Result<N, BadNumber> {
    raw.trim().parse().map_err(|_| BadNumber)
}

/// Minutes as typed ("2", "1.5") in whole seconds.
fn minutes_to_s(raw: &str) -> Result<u32, BadNumber> {
    let m: f64 = num(raw)?;
    if !(0.0..=100_000.0).contains(&m) {
        return Err(BadNumber);
    }
    Ok((m * 60.0).round() as u32)
}

/// Seconds as minutes to type over ("2", "1.5").
fn s_to_minutes(s: u32) -> String {
    if s.is_multiple_of(60) {
        return (s / 60).to_string();
    }
    format!("{:.2}", f64::from(s) / 60.0)
        .trim_end_matches('0')
        .to_owned()
}

/// An id as typed, without the blanks an id cannot have.
fn no_blanks(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What a step does, as the select offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionKind {
    Nothing,
    OpenCounters,
    Banner,
    Divert,
    PreProcess,
    Dispatch,
}

impl ActionKind {
    const ALL: [ActionKind; 6] = [
        ActionKind::Nothing,
        ActionKind::OpenCounters,
        ActionKind::Banner,
        ActionKind::Divert,
        ActionKind::PreProcess,
        ActionKind::Dispatch,
    ];

    fn code(self) -> &'static str {
        match self {
            ActionKind::Nothing => "none",
            ActionKind::OpenCounters => "open_counters",
            ActionKind::Banner => "banner",
            ActionKind::Divert => "divert",
            ActionKind::PreProcess => "pre_process",
            ActionKind::Dispatch => "dispatch",
        }
    }

    fn label(self) -> T {
        match self {
            ActionKind::Nothing => T::PlActNone,
            ActionKind::OpenCounters => T::PlActOpen,
            ActionKind::Banner => T::PlActBanner,
            ActionKind::Divert => T::PlActDivert,
            ActionKind::PreProcess => T::PlActPre,
            ActionKind::Dispatch => T::PlActDispatch,
        }
    }

    fn parse(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .unwrap_or(ActionKind::Nothing)
    }
}

/// What a trigger watches, as the select offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TriggerKind {
    Waiting,
    LongestWait,
    TerminalsDown,
    PowerOut,
    PublicSafetyButton,
    AreaOutage,
}

impl TriggerKind {
    const ALL: [TriggerKind; 6] = [
        TriggerKind::Waiting,
        TriggerKind::LongestWait,
        TriggerKind::TerminalsDown,
        TriggerKind::PowerOut,
        TriggerKind::PublicSafetyButton,
        TriggerKind::AreaOutage,
    ];

    fn code(self) -> &'static str {
        match self {
            TriggerKind::Waiting => "waiting",
            TriggerKind::LongestWait => "longest_wait",
            TriggerKind::TerminalsDown => "terminals_down",
            TriggerKind::PowerOut => "power_out",
            TriggerKind::PublicSafetyButton => "public_safety_button",
            TriggerKind::AreaOutage => "area_outage",
        }
    }

    fn label(self) -> T {
        match self {
            TriggerKind::Waiting => T::PlTrigWaiting,
            TriggerKind::LongestWait => T::PlTrigLongest,
            TriggerKind::TerminalsDown => T::PlTrigTerminals,
            TriggerKind::PowerOut => T::PlTrigPower,
            TriggerKind::PublicSafetyButton => T::PlTrigSafety,
            TriggerKind::AreaOutage => T::PlTrigOutage,
        }
    }

    fn parse(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .unwrap_or(TriggerKind::Waiting)
    }

    /// Watches one business of the hall.
    fn per_business(self) -> bool {
        matches!(self, TriggerKind::Waiting | TriggerKind::LongestWait)
    }
}

/// One step as typed.
#[derive(Debug, Clone, PartialEq)]
struct StepForm {
    id: String,
    title: String,
    ack_by: Vec<Role>,
    after: Vec<String>,
    /// Minutes.
    escalate: String,
    action: ActionKind,
    /// Counters to open.
    count: String,
    /// The banner's text, or what to dispatch.
    text: String,
    voice: bool,
}

impl StepForm {
    fn new(id: String, title: String, ack_by: Vec<Role>) -> Self {
        Self {
            id,
            title,
            ack_by,
            after: Vec::new(),
            escalate: "2".into(),
            action: ActionKind::Nothing,
            count: "1".into(),
            text: String::new(),
            voice: false,
        }
    }

    fn from_step(s: &Step) -> Self {
        let mut f = Self::new(s.id.clone(), s.title.clone(), s.ack_by.clone());
        f.after = s.after.clone();
        f.escalate = s_to_minutes(s.escalate_after_s);
        match &s.action {
            None => {}
            Some(Action::OpenCounters { count }) => {
                f.action = ActionKind::OpenCounters;
                f.count = count.to_string();
            }
            Some(Action::Banner { text, voice }) => {
                f.action = ActionKind::Banner;
                f.text = text.clone();
                f.voice = *voice;
            }
            Some(Action::Divert) => f.action = ActionKind::Divert,
            Some(Action::PreProcess) => f.action = ActionKind::PreProcess,
            Some(Action::Dispatch { what }) => {
                f.action = ActionKind::Dispatch;
                f.text = what.clone();
            }
        }
        f
    }

    fn action(&self) -> Result<Option<Action>, BadNumber> {
        let text = self.text.trim().to_owned();
        Ok(match self.action {
            ActionKind::Nothing => None,
            ActionKind::OpenCounters => Some(Action::OpenCounters {
                count: num(&self.count)?,
            }),
            ActionKind::Banner => Some(Action::Banner {
                text,
                voice: self.voice,
            }),
            ActionKind::Divert => Some(Action::Divert),
            ActionKind::PreProcess => Some(Action::PreProcess),
            ActionKind::Dispatch => Some(Action::Dispatch { what: text }),
        })
    }

    fn step(&self) -> Result<Step, BadNumber> {
        Ok(Step {
            id: self.id.clone(),
            title: self.title.trim().to_owned(),
            ack_by: in_order(&self.ack_by),
            action: self.action()?,
            after: self.after.clone(),
            escalate_after_s: minutes_to_s(&self.escalate)?,
        })
    }
}

/// One trigger as typed; the bounds keep their text when the kind changes.
#[derive(Debug, Clone, PartialEq)]
struct TriggerForm {
    kind: TriggerKind,
    business: String,
    /// The firing bound: people waiting, or minutes of the longest wait.
    above: String,
    /// The clearing bound, in the same unit.
    clear_at: String,
    /// Seconds the condition must hold (or clear).
    hold: String,
    /// Terminals down.
    count: String,
}

impl TriggerForm {
    fn new(business: String) -> Self {
        Self {
            kind: TriggerKind::Waiting,
            business,
            above: "30".into(),
            clear_at: "20".into(),
            hold: "60".into(),
            count: "2".into(),
        }
    }

    fn from_rule(r: &TriggerRule) -> Self {
        let mut f = Self::new(String::new());
        match r {
            TriggerRule::Waiting {
                business,
                above,
                clear_at,
                hold_s,
            } => {
                f.business = business.clone();
                f.above = above.to_string();
                f.clear_at = clear_at.to_string();
                f.hold = hold_s.to_string();
            }
            TriggerRule::LongestWait {
                business,
                above_s,
                clear_at_s,
                hold_s,
            } => {
                f.kind = TriggerKind::LongestWait;
                f.business = business.clone();
                f.above = s_to_minutes(*above_s);
                f.clear_at = s_to_minutes(*clear_at_s);
                f.hold = hold_s.to_string();
            }
            TriggerRule::TerminalsDown { count } => {
                f.kind = TriggerKind::TerminalsDown;
                f.count = count.to_string();
            }
            TriggerRule::PowerOut => f.kind = TriggerKind::PowerOut,
            TriggerRule::PublicSafetyButton => f.kind = TriggerKind::PublicSafetyButton,
            TriggerRule::AreaOutage => f.kind = TriggerKind::AreaOutage,
        }
        f
    }

    /// The bounds read in the kind's unit (minutes of wait become seconds).
    fn bound(&self, raw: &str) -> Result<u32, BadNumber> {
        match self.kind {
            TriggerKind::LongestWait => minutes_to_s(raw),
            _ => num(raw),
        }
    }

    fn rule(&self) -> Result<TriggerRule, BadNumber> {
        let business = self.business.clone();
        Ok(match self.kind {
            TriggerKind::Waiting => TriggerRule::Waiting {
                business,
                above: self.bound(&self.above)?,
                clear_at: self.bound(&self.clear_at)?,
                hold_s: num(&self.hold)?,
            },
            TriggerKind::LongestWait => TriggerRule::LongestWait {
                business,
                above_s: self.bound(&self.above)?,
                clear_at_s: self.bound(&self.clear_at)?,
                hold_s: num(&self.hold)?,
            },
            TriggerKind::TerminalsDown => TriggerRule::TerminalsDown {
                count: num(&self.count)?,
            },
            TriggerKind::PowerOut => TriggerRule::PowerOut,
            TriggerKind::PublicSafetyButton => TriggerRule::PublicSafetyButton,
            TriggerKind::AreaOutage => TriggerRule::AreaOutage,
        })
    }
}

/// Which halls a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Not known here (a plan for listed halls does not say which): to choose.
    Unknown,
    All,
    Listed,
}

/// The plan being edited, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Form {
    /// Not published from here yet: its id can still change.
    new: bool,
    id: String,
    name: String,
    event: EventType,
    level: Level,
    roles: Vec<Role>,
    auto: bool,
    scope: Scope,
    /// Hall codes as typed.
    halls: String,
    steps: Vec<StepForm>,
    triggers: Vec<TriggerForm>,
}

/// Why the form cannot be published as it stands.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Number,
    Plan(PlanError),
    HallsUnset,
    HallsEmpty,
    BadHall(String),
    TooManyHalls,
}

impl Problem {
    fn text(&self, locale: Locale) -> String {
        let t = |t| text(locale, t).to_owned();
        match self {
            Problem::Number => t(T::PlBadNumber),
            Problem::Plan(e) if locale == Locale::ZhCn => e.to_string(),
            Problem::Plan(e) => e.en(),
            Problem::HallsUnset => t(T::PlHallsUnset),
            Problem::HallsEmpty => t(T::PlHallsEmpty),
            Problem::BadHall(code) => format!("{}{code}", text(locale, T::PlBadHall)),
            Problem::TooManyHalls => t(T::PlTooManyHalls),
        }
    }
}

/// Hall codes separated by commas, blanks or 、, each once, upper-cased.
fn hall_codes(raw: &str) -> Result<Vec<String>, Problem> {
    let apart = |c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；');
    let mut codes = BTreeSet::new();
    for part in raw.split(apart).filter(|p| !p.is_empty()) {
        let code =
            HallCode::parse(part).map_err(|_| Problem::BadHall(part.chars().take(20).collect()))?;
        codes.insert(code.as_str().to_owned());
    }
    if codes.is_empty() {
        return Err(Problem::HallsEmpty);
    }
    if codes.len() > MAX_PLAN_HALLS {
        return Err(Problem::TooManyHalls);
    }
    Ok(codes.into_iter().collect())
}

impl Form {
    /// A new plan: one step for the emergency console, level IV, queue surge.
    fn template(locale: Locale) -> Self {
        let step = StepForm::new(
            "s1".into(),
            text(locale, T::PlStepTemplate).into(),
            vec![Role::Emergency],
        );
        Self {
            new: true,
            id: String::new(),
            name: String::new(),
            event: EventType::QueueSurge,
            level: Level::IV,
            roles: vec![Role::Emergency],
            auto: false,
            scope: Scope::All,
            halls: String::new(),
            steps: vec![step],
            triggers: Vec::new(),
        }
    }

    /// A published plan: for every hall, or for listed halls (which the hall
    /// does not know, so they are asked for again).
    fn from_plan(p: &Plan, for_every_hall: bool) -> Self {
        Self {
            new: false,
            id: p.id.clone(),
            name: p.name.clone(),
            event: p.event,
            level: p.level,
            roles: p.roles.clone(),
            auto: p.auto_activate,
            scope: if for_every_hall {
                Scope::All
            } else {
                Scope::Unknown
            },
            halls: String::new(),
            steps: p.steps.iter().map(StepForm::from_step).collect(),
            triggers: p.triggers.iter().map(TriggerForm::from_rule).collect(),
        }
    }

    fn plan(&self) -> Result<Plan, BadNumber> {
        Ok(Plan {
            id: self.id.clone(),
            name: self.name.trim().to_owned(),
            event: self.event,
            level: self.level,
            roles: in_order(&self.roles),
            steps: self
                .steps
                .iter()
                .map(StepForm::step)
                .collect::<Result<_, _>>()?,
            triggers: self
                .triggers
                .iter()
                .map(TriggerForm::rule)
                .collect::<Result<_, _>>()?,
            auto_activate: self.auto,
        })
    }

    fn halls(&self) -> Result<Option<Vec<String>>, Problem> {
        match self.scope {
            Scope::Unknown => Err(Problem::HallsUnset),
            Scope::All => Ok(None),
            Scope::Listed => hall_codes(&self.halls).map(Some),
        }
    }

    /// What would be published, checked against the hall's businesses.
    fn draft(&self, businesses: &BTreeSet<String>) -> Result<PlanDraft, Problem> {
        let plan = self.plan().map_err(|_| Problem::Number)?;
        plan.check(businesses).map_err(Problem::Plan)?;
        let halls = self.halls()?;
        Ok(PlanDraft { plan, halls })
    }

    /// The ids of the steps other than the `i`-th, once each.
    fn other_step_ids(&self, i: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for (j, s) in self.steps.iter().enumerate() {
            if j != i && !s.id.is_empty() && !ids.contains(&s.id) {
                ids.push(s.id.clone());
            }
        }
        ids
    }

    /// The first of `s1`, `s2`, … no step has.
    fn free_step_id(&self) -> String {
        (1..)
            .map(|n| format!("s{n}"))
            .find(|id| self.steps.iter().all(|s| &s.id != id))
            .unwrap_or_default()
    }

    /// Who acknowledges a new step: the emergency console if the plan involves it.
    fn default_ack(&self) -> Vec<Role> {
        let role = if self.roles.contains(&Role::Emergency) {
            Role::Emergency
        } else {
            self.roles.first().copied().unwrap_or(Role::Emergency)
        };
        vec![role]
    }
}

/// A business of the hall, for the triggers' select.
#[derive(Debug, Clone, PartialEq)]
struct Business {
    code: String,
    zh: String,
    en: String,
}

/// What the province answered last.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Done {
    Published(i64),
    Withdrawn(i64),
}

/// What the confirming dialog asks.
#[derive(Debug, Clone, PartialEq)]
enum Ask {
    /// Drop the changes and edit this instead.
    Leave(Box<Form>),
    Withdraw(String),
}

/// The editor's state, shared by its parts.
#[derive(Clone, Copy)]
struct Ed {
    locale: RwSignal<Locale>,
    /// The plans the hall holds (`None` until the view is read).
    plans: Memo<Option<Vec<PlanView>>>,
    form: RwSignal<Form>,
    /// The form as opened (or as last published): a difference is unpublished.
    base: RwSignal<Form>,
    businesses: RwSignal<Vec<Business>>,
    no_board: RwSignal<bool>,
    checked: Memo<Result<PlanDraft, Problem>>,
    dirty: Memo<bool>,
    /// The plan the list's cursor is on.
    cursor: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    done: RwSignal<Option<Done>>,
    ask: RwSignal<Option<Ask>>,
}

/// A draft kept while the planner is on another page: the session's page
/// signal (which tells one session from the next), the form, and what it was opened as.
type Kept = (Option<RwSignal<Page>>, Form, Form);

thread_local! {
    static KEPT: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

#[component]
pub fn PlanEditor() -> impl IntoView {
    let i18n = use_i18n();
    let live = expect_context::<EmergencyLive>();
    live.refresh();
    let session = use_context::<crate::shell::Nav>().map(|n| n.current);
    let kept = KEPT
        .with(|k| k.borrow_mut().take())
        .filter(|(s, _, _)| *s == session);
    let (start, opened) = match kept {
        Some((_, form, base)) => (form, base),
        None => {
            let t = Form::template(i18n.locale.get_untracked());
            (t.clone(), t)
        }
    };
    let form = RwSignal::new(start);
    let base = RwSignal::new(opened);
    Effect::new(move |_| {
        let (f, b) = (form.get(), base.get());
        KEPT.with(|k| *k.borrow_mut() = Some((session, f, b)));
    });

    let businesses = RwSignal::new(Vec::<Business>::new());
    let no_board = RwSignal::new(false);
    spawn_local(async move {
        match api::hall_board().await {
            Ok(b) => businesses.set(
                b.businesses
                    .into_iter()
                    .map(|x| Business {
                        code: x.code.to_string(),
                        zh: x.name_zh,
                        en: x.name_en,
                    })
                    .collect(),
            ),
            Err(_) => no_board.set(true),
        }
    });
    let codes = Memo::new(move |_| {
        businesses.with(|b| b.iter().map(|x| x.code.clone()).collect::<BTreeSet<_>>())
    });
    let ed = Ed {
        locale: i18n.locale,
        plans: Memo::new(move |_| live.0.with(|v| v.as_ref().map(|v| v.plans.clone()))),
        form,
        base,
        businesses,
        no_board,
        checked: Memo::new(move |_| codes.with(|c| form.with(|f| f.draft(c)))),
        dirty: Memo::new(move |_| form.with(|f| base.with(|b| f != b))),
        cursor: RwSignal::new(None),
        busy: RwSignal::new(false),
        error: RwSignal::new(None),
        done: RwSignal::new(None),
        ask: RwSignal::new(None),
    };

    let handle = window_event_listener(leptos::ev::keydown, move |ev| on_key(ed, &ev));
    on_cleanup(move || handle.remove());

    view! {
        <section id="plan-editor">
            <h1 class="page-title" id="page-title">{i18n.t(T::NavPlans)}</h1>
            <div class="pl-grid">
                {plan_list(ed)}
                <div class="pl-main">
                    <div class="pl-form" id="plan-form">
                        {head_card(ed)}
                        {steps_card(ed)}
                        {triggers_card(ed)}
                    </div>
                    {publish_bar(ed)}
                </div>
            </div>
            {move || ed.ask.get().map(|a| ask_dialog(ed, a))}
        </section>
    }
}

// ---- keys and what they do ----

/// The editor's keys on the whole window (a step row handles its own).
fn on_key(ed: Ed, ev: &leptos::ev::KeyboardEvent) {
    if ed.ask.get_untracked().is_some() {
        return;
    }
    let key = ev.key();
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    if ev.ctrl_key() && !ev.alt_key() && key == "Enter" {
        ev.prevent_default();
        publish(ed);
        return;
    }
    if ev.alt_key() && !ev.ctrl_key() && key == "Insert" {
        let in_row = target
            .as_ref()
            .and_then(|t| t.closest(".step-row").ok().flatten())
            .is_some();
        if !in_row {
            ev.prevent_default();
            add_step(ed, None);
        }
        return;
    }
    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    let tag = target
        .map(|t| t.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(tag.as_str(), "input" | "select" | "textarea") {
        return;
    }
    match key.as_str() {
        "ArrowUp" => move_cursor(ed, false),
        "ArrowDown" => move_cursor(ed, true),
        "Enter" if tag != "button" => {
            if let Some(id) = ed.cursor.get_untracked() {
                open_plan(ed, id);
            }
        }
        "n" | "N" => new_plan(ed),
        _ => return,
    }
    ev.prevent_default();
}

/// The keys of a step row: add after it, remove it, move it.
fn row_keys(ed: Ed, i: usize, ev: &leptos::ev::KeyboardEvent) {
    if !ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    match ev.key().as_str() {
        "Insert" => add_step(ed, Some(i)),
        "Delete" => remove_step(ed, i),
        "ArrowUp" => move_step(ed, i, false),
        "ArrowDown" => move_step(ed, i, true),
        _ => return,
    }
    ev.prevent_default();
}

/// Focuses what `selector` finds once the view has caught up.
fn focus_later(selector: String) {
    request_animation_frame(move || {
        let el = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = el {
            let _ = el.focus();
        }
    });
}

/// The class of the focused field of a step row (to focus its like elsewhere).
fn focused_step_field() -> String {
    document()
        .active_element()
        .map(|e| e.class_name())
        .and_then(|c| {
            c.split_whitespace()
                .find(|c| c.starts_with("step-"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "step-title".into())
}

fn focus_step(i: usize, field: &str) {
    focus_later(format!(".step-row[data-step=\"{i}\"] .{field}"));
}

/// Scrolls the list so its selected plan shows.
fn reveal_selected() {
    request_animation_frame(|| {
        let doc = document();
        let (Some(list), Some(item)) = (
            doc.get_element_by_id("plan-list"),
            doc.query_selector("#plan-list li.selected").ok().flatten(),
        ) else {
            return;
        };
        let (outer, inner) = (
            list.get_bounding_client_rect(),
            item.get_bounding_client_rect(),
        );
        if inner.top() < outer.top() {
            item.scroll_into_view_with_bool(true);
        } else if inner.bottom() > outer.bottom() {
            item.scroll_into_view_with_bool(false);
        }
    });
}

fn move_cursor(ed: Ed, down: bool) {
    let ids: Vec<String> = ed
        .plans
        .with_untracked(|p| p.iter().flatten().map(|v| v.plan.id.clone()).collect());
    if ids.is_empty() {
        return;
    }
    let now = ed
        .cursor
        .with_untracked(|c| c.as_ref().and_then(|c| ids.iter().position(|id| id == c)));
    let next = match (now, down) {
        (None, true) => 0,
        (None, false) => ids.len() - 1,
        (Some(n), true) => (n + 1).min(ids.len() - 1),
        (Some(n), false) => n.saturating_sub(1),
    };
    ed.cursor.set(ids.get(next).cloned());
    reveal_selected();
}

/// Opens a copy of a plan of the list (asking first if the form has changes).
fn open_plan(ed: Ed, id: String) {
    let plan = ed.plans.with_untracked(|p| {
        p.iter()
            .flatten()
            .find(|v| v.plan.id == id)
            .map(|v| (v.plan.clone(), v.for_every_hall))
    });
    ed.cursor.set(Some(id));
    if let Some((plan, everywhere)) = plan {
        leave_for(ed, Form::from_plan(&plan, everywhere));
    }
}

fn new_plan(ed: Ed) {
    leave_for(ed, Form::template(ed.locale.get_untracked()));
}

/// Edits `next` instead, once the planner agrees to drop unpublished changes.
fn leave_for(ed: Ed, next: Form) {
    if ed.dirty.get_untracked() {
        ed.ask.set(Some(Ask::Leave(Box::new(next))));
    } else {
        load(ed, next);
    }
}

fn load(ed: Ed, next: Form) {
    let first = if next.new { "#plan-id" } else { "#plan-name" };
    ed.base.set(next.clone());
    ed.form.set(next);
    ed.error.set(None);
    ed.done.set(None);
    focus_later(first.into());
}

fn publish(ed: Ed) {
    let Ok(draft) = ed.checked.get_untracked() else {
        return;
    };
    if ed.busy.get_untracked() {
        return;
    }
    ed.error.set(None);
    ed.done.set(None);
    let mut sent = ed.form.get_untracked();
    let id = draft.plan.id.clone();
    dialog::send(ed.busy, ed.error, api::plan_publish(draft), move |p| {
        ed.done.set(Some(Done::Published(p.at)));
        // The form may have moved on to another plan while this was sent.
        let same = ed.form.try_with_untracked(|f| f.id == id).unwrap_or(false);
        if same {
            sent.new = false;
            ed.base.set(sent);
            ed.form.update(|f| f.new = false);
            ed.cursor.set(Some(id));
        }
    });
}

fn withdraw(ed: Ed, plan: String) {
    ed.error.set(None);
    ed.done.set(None);
    dialog::send(
        ed.busy,
        ed.error,
        api::plan_withdraw(PlanRef { plan }),
        move |p| ed.done.set(Some(Done::Withdrawn(p.at))),
    );
}

// ---- steps ----

/// A text field of the `i`-th step, read reactively (empty once the row is gone).
fn step_text(
    form: RwSignal<Form>,
    i: usize,
    field: fn(&StepForm) -> &String,
) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || form.with(|f| f.steps.get(i).map(|s| field(s).clone()).unwrap_or_default())
}

/// Sets a text field of the `i`-th step (from `input`, and from `change`,
/// which is all a WebDriver clear sends).
fn step_setter(
    form: RwSignal<Form>,
    i: usize,
    field: fn(&mut StepForm) -> &mut String,
) -> impl Fn(String) + Copy + 'static {
    move |v| edit_step(form, i, |s| *field(s) = v)
}

fn edit_step(form: RwSignal<Form>, i: usize, edit: impl FnOnce(&mut StepForm)) {
    form.update(|f| {
        if let Some(s) = f.steps.get_mut(i) {
            edit(s);
        }
    });
}

/// Renames a step, and the waits of the other steps on it.
fn rename_step(form: RwSignal<Form>, i: usize, new: String) {
    form.update(|f| {
        let Some(old) = f.steps.get(i).map(|s| s.id.clone()) else {
            return;
        };
        let shared = f.steps.iter().filter(|s| s.id == old).count() > 1;
        for (j, s) in f.steps.iter_mut().enumerate() {
            if j == i {
                s.id.clone_from(&new);
            } else if !shared {
                for a in s.after.iter_mut().filter(|a| **a == old) {
                    a.clone_from(&new);
                }
            }
        }
    });
}

/// Adds a step after the `i`-th (at the end when `None`) and focuses its title.
fn add_step(ed: Ed, after: Option<usize>) {
    let mut at = None;
    ed.form.update(|f| {
        if f.steps.len() >= MAX_STEPS {
            return;
        }
        let n = after.map_or(f.steps.len(), |i| (i + 1).min(f.steps.len()));
        let step = StepForm::new(f.free_step_id(), String::new(), f.default_ack());
        f.steps.insert(n, step);
        at = Some(n);
    });
    if let Some(n) = at {
        focus_step(n, "step-title");
    }
}

fn remove_step(ed: Ed, i: usize) {
    let mut left = None;
    ed.form.update(|f| {
        if i >= f.steps.len() {
            return;
        }
        let gone = f.steps.remove(i).id;
        if f.steps.iter().all(|s| s.id != gone) {
            for s in &mut f.steps {
                s.after.retain(|a| *a != gone);
            }
        }
        left = Some(f.steps.len());
    });
    match left {
        Some(0) => focus_later("#add-step".into()),
        Some(n) => focus_step(i.min(n - 1), "step-remove"),
        None => {}
    }
}

fn move_step(ed: Ed, i: usize, down: bool) {
    let field = focused_step_field();
    let mut to = None;
    ed.form.update(|f| {
        let j = if down { i + 1 } else { i.wrapping_sub(1) };
        if i < f.steps.len() && j < f.steps.len() {
            f.steps.swap(i, j);
            to = Some(j);
        }
    });
    if let Some(j) = to {
        focus_step(j, &field);
    }
}

// ---- views ----

fn plan_list(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        let locale = i18n.locale.get();
        let Some(plans) = ed.plans.get() else {
            return view! { <li class="pl-empty muted">{text(locale, T::Loading)}</li> }.into_any();
        };
        if plans.is_empty() {
            return view! { <li class="pl-empty muted">{text(locale, T::PlNoPlans)}</li> }
                .into_any();
        }
        plans
            .into_iter()
            .map(|p| plan_item(ed, locale, p))
            .collect_view()
            .into_any()
    };
    view! {
        <aside class="card pl-side">
            <div class="pl-side-head">
                <h2>{i18n.t(T::PlPlans)}</h2>
                <button type="button" class="chip" id="new-plan" on:click=move |_| new_plan(ed)>
                    {i18n.t(T::PlNew)}" "<kbd>"N"</kbd>
                </button>
            </div>
            <ul id="plan-list" tabindex="0" aria-label=i18n.t(T::PlPlans)>{items}</ul>
            <p class="hint">{i18n.t(T::PlListKeys)}</p>
        </aside>
    }
}

fn plan_item(ed: Ed, locale: Locale, p: PlanView) -> impl IntoView {
    let id = p.plan.id.clone();
    let (a, b, c, shown) = (id.clone(), id.clone(), id.clone(), id.clone());
    let refused = p.refused.is_some();
    view! {
        <li data-plan=id
            class:selected=move || ed.cursor.with(|c| c.as_deref() == Some(a.as_str()))
            class:open=move || ed.form.with(|f| !f.new && f.id == b)
            class:refused=refused
            on:click=move |_| open_plan(ed, c.clone())>
            <strong class="pl-name">{p.plan.name.clone()}</strong>
            <span class="pl-item-facts small">
                {level_badge(locale, p.plan.level)}
                <span class="muted">{event_text(locale, p.plan.event)}" · "{shown}</span>
            </span>
            {p.refused.map(|why| view! {
                <span class="pl-refused small">{text(locale, T::PlRefused)}{why}</span>
            })}
        </li>
    }
}

/// The options of a select: (value, label), selected while `chosen(value)`.
fn options<F>(list: Vec<(String, String)>, chosen: F) -> impl IntoView
where
    F: Fn(&str) -> bool + Copy + Send + Sync + 'static,
{
    list.into_iter()
        .map(|(value, label)| {
            let v = value.clone();
            view! { <option value=value prop:selected=move || chosen(&v)>{label}</option> }
        })
        .collect_view()
}

fn head_card(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let form = ed.form;
    let new = move || form.with(|f| f.new);
    let taken = move || {
        let id = form
            .with(|f| f.new.then(|| f.id.clone()))
            .unwrap_or_default();
        !id.is_empty()
            && ed
                .plans
                .with(|p| p.iter().flatten().any(|v| v.plan.id == id))
    };
    let id_hint = move || {
        i18n.t(if taken() {
            T::PlIdTaken
        } else if new() {
            T::PlIdHint
        } else {
            T::PlIdFixed
        })()
    };
    let events = move || {
        let locale = i18n.locale.get();
        let list = EVENTS
            .iter()
            .enumerate()
            .map(|(n, e)| (n.to_string(), event_text(locale, *e).to_owned()))
            .collect();
        options(list, move |v| {
            form.with(|f| EVENTS.get(num::<usize>(v).unwrap_or(0)) == Some(&f.event))
        })
    };
    let levels = move || {
        let locale = i18n.locale.get();
        let list = Level::ALL
            .iter()
            .enumerate()
            .map(|(n, l)| (n.to_string(), level_text(locale, *l).to_owned()))
            .collect();
        options(list, move |v| {
            form.with(|f| Level::ALL.get(num::<usize>(v).unwrap_or(0)) == Some(&f.level))
        })
    };
    let pick_event = move |ev| {
        if let Some(e) = num::<usize>(&event_target_value(&ev))
            .ok()
            .and_then(|n| EVENTS.get(n))
        {
            form.update(|f| f.event = *e);
        }
    };
    let pick_level = move |ev| {
        if let Some(l) = num::<usize>(&event_target_value(&ev))
            .ok()
            .and_then(|n| Level::ALL.get(n))
        {
            form.update(|f| f.level = *l);
        }
    };
    let set_id = move |v: String| form.update(|f| f.id = no_blanks(&v));
    let set_name = move |v: String| form.update(|f| f.name = v);
    let roles = plan_roles()
        .map(|r| {
            view! {
                <label class="check">
                    <input type="checkbox" class="plan-role" data-role=r.code()
                        prop:checked=move || form.with(|f| f.roles.contains(&r))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| toggle(&mut f.roles, r, on));
                        } />
                    {i18n.t(role_text(r))}
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card pl-head">
            <div class="pl-card-head">
                <h2>{move || i18n.t(if new() { T::PlEditingNew } else { T::PlEditing })()}</h2>
                {move || ed.dirty.get().then(|| view! { <span class="pl-dirty">{i18n.t(T::PlDirty)}</span> })}
            </div>
            <div class="pl-fields">
                <label class="pl-field">
                    <span class="pl-label">{i18n.t(T::PlId)}</span>
                    <input type="text" id="plan-id" maxlength=MAX_ID.to_string() autocomplete="off" spellcheck="false"
                        readonly=move || !new()
                        prop:value=move || form.with(|f| f.id.clone())
                        on:input=move |ev| set_id(event_target_value(&ev))
                        on:change=move |ev| set_id(event_target_value(&ev)) />
                    <small class="hint" class:pl-warn=taken>{id_hint}</small>
                </label>
                <label class="pl-field">
                    <span class="pl-label">{i18n.t(T::PlName)}</span>
                    <input type="text" id="plan-name" maxlength=MAX_NAME.to_string() autocomplete="off"
                        prop:value=move || form.with(|f| f.name.clone())
                        on:input=move |ev| set_name(event_target_value(&ev))
                        on:change=move |ev| set_name(event_target_value(&ev)) />
                </label>
                <label class="pl-field">
                    <span class="pl-label">{i18n.t(T::PlEvent)}</span>
                    <select id="plan-event" on:change=pick_event>{events}</select>
                </label>
                <label class="pl-field">
                    <span class="pl-label">{i18n.t(T::PlLevel)}</span>
                    <span class="pl-level">
                        <select id="plan-level" data-level=move || form.with(|f| f.level.colour())
                            on:change=pick_level>{levels}</select>
                        {move || level_badge(i18n.locale.get(), form.with(|f| f.level))}
                    </span>
                </label>
            </div>
            <fieldset class="pl-group">
                <legend>{i18n.t(T::PlRoles)}</legend>
                <div class="pl-checks">{roles}</div>
            </fieldset>
            <div class="pl-auto">
                <label class="check">
                    <input type="checkbox" id="plan-auto"
                        prop:checked=move || form.with(|f| f.auto)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| f.auto = on);
                        } />
                    {i18n.t(T::PlAuto)}
                </label>
                <span class="hint">{i18n.t(T::PlAutoHint)}</span>
            </div>
            {halls_group(ed)}
        </section>
    }
}

fn toggle<X: PartialEq>(list: &mut Vec<X>, x: X, on: bool) {
    if on && !list.contains(&x) {
        list.push(x);
    } else if !on {
        list.retain(|y| *y != x);
    }
}

fn halls_group(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let form = ed.form;
    let scope = move || form.with(|f| f.scope);
    let set = move |s: Scope| form.update(|f| f.scope = s);
    let bad = move || form.with(|f| f.scope == Scope::Listed && hall_codes(&f.halls).is_err());
    // Typing hall codes chooses the list.
    let set_halls = move |v: String| {
        form.update(|f| {
            f.halls = v;
            f.scope = Scope::Listed;
        })
    };
    view! {
        <fieldset class="pl-group pl-halls">
            <legend>{i18n.t(T::PlHalls)}</legend>
            {move || (scope() == Scope::Unknown).then(|| view! {
                <p class="pl-warn small" id="plan-halls-unknown">{i18n.t(T::PlHallsUnknown)}</p>
            })}
            <div class="pl-checks">
                <label class="check">
                    <input type="radio" name="plan-halls-scope" id="plan-halls-all"
                        prop:checked=move || scope() == Scope::All
                        on:change=move |_| set(Scope::All) />
                    {i18n.t(T::PlHallsAll)}
                </label>
                <label class="check">
                    <input type="radio" name="plan-halls-scope" id="plan-halls-listed"
                        prop:checked=move || scope() == Scope::Listed
                        on:change=move |_| set(Scope::Listed) />
                    {i18n.t(T::PlHallsListed)}
                </label>
            </div>
            <input type="text" id="plan-halls" autocomplete="off" spellcheck="false"
                maxlength=(MAX_PLAN_HALLS * 18).to_string()
                placeholder=i18n.t(T::PlHallsHint) aria-label=i18n.t(T::PlHallsListed)
                class:invalid=bad class:pl-off=move || scope() != Scope::Listed
                prop:value=move || form.with(|f| f.halls.clone())
                on:input=move |ev| set_halls(event_target_value(&ev))
                on:change=move |ev| set_halls(event_target_value(&ev)) />
        </fieldset>
    }
}

fn steps_card(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let count = Memo::new(move |_| ed.form.with(|f| f.steps.len()));
    view! {
        <section class="card pl-steps-card">
            <div class="pl-card-head">
                <h2>{i18n.t(T::PlSteps)}</h2>
                <span class="hint">{i18n.t(T::PlStepKeys)}</span>
            </div>
            <ol class="pl-steps">
                <For each=move || 0..count.get() key=|i| *i children=move |i| step_row(ed, i, count) />
            </ol>
            <button type="button" class="chip" id="add-step"
                prop:disabled=move || { count.get() >= MAX_STEPS }
                on:click=move |_| add_step(ed, None)>
                "+ "{i18n.t(T::PlAddStep)}" "<kbd>"Alt+Insert"</kbd>
            </button>
        </section>
    }
}

fn step_row(ed: Ed, i: usize, count: Memo<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let form = ed.form;
    let kind =
        Memo::new(move |_| form.with(|f| f.steps.get(i).map_or(ActionKind::Nothing, |s| s.action)));
    let set_title = step_setter(form, i, |s| &mut s.title);
    let set_escalate = step_setter(form, i, |s| &mut s.escalate);
    let bad_escalate = move || {
        form.with(|f| {
            f.steps
                .get(i)
                .is_some_and(|s| minutes_to_s(&s.escalate).is_err())
        })
    };
    let acks = plan_roles()
        .map(|r| {
            view! {
                <label class="check">
                    <input type="checkbox" class="step-ack" data-role=r.code()
                        prop:checked=move || form.with(|f| f.steps.get(i).is_some_and(|s| s.ack_by.contains(&r)))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit_step(form, i, |s| toggle(&mut s.ack_by, r, on));
                        } />
                    {i18n.t(role_text(r))}
                </label>
            }
        })
        .collect_view();
    let actions = move || {
        let locale = i18n.locale.get();
        let list = ActionKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), text(locale, k.label()).to_owned()))
            .collect();
        options(list, move |v| kind.get() == ActionKind::parse(v))
    };
    view! {
        <li class="step-row" data-step=i on:keydown=move |ev| row_keys(ed, i, &ev)>
            <div class="step-line">
                <span class="step-no">{i + 1}"."</span>
                <input type="text" class="step-id" maxlength=MAX_ID.to_string() autocomplete="off" spellcheck="false"
                    aria-label=i18n.t(T::PlStepId) placeholder=i18n.t(T::PlStepId)
                    prop:value=step_text(form, i, |s| &s.id)
                    on:input=move |ev| rename_step(form, i, no_blanks(&event_target_value(&ev)))
                    on:change=move |ev| rename_step(form, i, no_blanks(&event_target_value(&ev))) />
                <input type="text" class="step-title" maxlength=MAX_TITLE.to_string() autocomplete="off"
                    aria-label=i18n.t(T::PlStepTitle) placeholder=i18n.t(T::PlStepTitle)
                    prop:value=step_text(form, i, |s| &s.title)
                    on:input=move |ev| set_title(event_target_value(&ev))
                    on:change=move |ev| set_title(event_target_value(&ev)) />
                <label class="pl-inline pl-escalate">
                    {i18n.t(T::PlEscalate)}
                    <input type="text" class="step-escalate" inputmode="decimal" maxlength=NUMBER_LEN
                        class:invalid=bad_escalate
                        prop:value=step_text(form, i, |s| &s.escalate)
                        on:input=move |ev| set_escalate(event_target_value(&ev))
                        on:change=move |ev| set_escalate(event_target_value(&ev)) />
                    {i18n.t(T::PlMinutes)}
                </label>
            </div>
            <div class="step-line small">
                <span class="pl-label">{i18n.t(T::PlAckBy)}</span>
                {acks}
                <span class="pl-label pl-after-label">{i18n.t(T::PlAfter)}</span>
                {step_after(ed, i)}
            </div>
            <div class="step-line">
                <label class="pl-inline">
                    {i18n.t(T::PlAction)}
                    <select class="step-action" on:change=move |ev| {
                        let k = ActionKind::parse(&event_target_value(&ev));
                        edit_step(form, i, |s| s.action = k);
                    }>{actions}</select>
                </label>
                {move || action_fields(ed, i, kind.get())}
                <span class="step-tools">
                <button type="button" class="chip step-up" prop:disabled=move || i == 0
                    on:click=move |_| move_step(ed, i, false)>
                    "↑ "{i18n.t(T::PlMoveUp)}" "<kbd>"Alt+↑"</kbd>
                </button>
                <button type="button" class="chip step-down" prop:disabled=move || { i + 1 >= count.get() }
                    on:click=move |_| move_step(ed, i, true)>
                    "↓ "{i18n.t(T::PlMoveDown)}" "<kbd>"Alt+↓"</kbd>
                </button>
                <button type="button" class="chip step-remove" on:click=move |_| remove_step(ed, i)>
                    "✕ "{i18n.t(T::PlRemove)}" "<kbd>"Alt+Delete"</kbd>
                </button>
                </span>
            </div>
        </li>
    }
}

/// The steps the `i`-th waits for, as checkboxes over the other steps' ids.
fn step_after(ed: Ed, i: usize) -> impl IntoView {
    let i18n = use_i18n();
    let form = ed.form;
    let others = Memo::new(move |_| form.with(|f| f.other_step_ids(i)));
    move || {
        let ids = others.get();
        if ids.is_empty() {
            return view! { <span class="muted">{i18n.t(T::PlAfterNone)}</span> }.into_any();
        }
        ids.into_iter()
            .map(|id| {
                let (a, b) = (id.clone(), id.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" class="step-after" value=id.clone()
                            prop:checked=move || form.with(|f| f.steps.get(i).is_some_and(|s| s.after.contains(&a)))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let b = b.clone();
                                edit_step(form, i, |s| toggle(&mut s.after, b, on));
                            } />
                        {id}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    }
}

/// The fields of a step's action: counters, a banner's text and voice, what to dispatch.
fn action_fields(ed: Ed, i: usize, kind: ActionKind) -> AnyView {
    let i18n = use_i18n();
    let form = ed.form;
    let set_text = step_setter(form, i, |s| &mut s.text);
    let set_count = step_setter(form, i, |s| &mut s.count);
    let text_field = move |class: &'static str, label: T| {
        view! {
            <input type="text" class=class maxlength=MAX_TEXT.to_string() autocomplete="off"
                aria-label=i18n.t(label) placeholder=i18n.t(label)
                prop:value=step_text(form, i, |s| &s.text)
                on:input=move |ev| set_text(event_target_value(&ev))
                on:change=move |ev| set_text(event_target_value(&ev)) />
        }
    };
    match kind {
        ActionKind::OpenCounters => {
            let bad = move || {
                form.with(|f| {
                    f.steps
                        .get(i)
                        .is_some_and(|s| num::<u16>(&s.count).is_err())
                })
            };
            view! {
                <label class="pl-inline">
                    {i18n.t(T::PlCount)}
                    <input type="text" class="step-count" inputmode="numeric" maxlength=NUMBER_LEN
                        class:invalid=bad
                        prop:value=step_text(form, i, |s| &s.count)
                        on:input=move |ev| set_count(event_target_value(&ev))
                        on:change=move |ev| set_count(event_target_value(&ev)) />
                </label>
            }
            .into_any()
        }
        ActionKind::Banner => view! {
            {text_field("step-text", T::PlBannerText)}
            <label class="check">
                <input type="checkbox" class="step-voice"
                    prop:checked=move || form.with(|f| f.steps.get(i).is_some_and(|s| s.voice))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        edit_step(form, i, |s| s.voice = on);
                    } />
                {i18n.t(T::PlVoice)}
            </label>
        }
        .into_any(),
        ActionKind::Dispatch => text_field("step-what", T::PlDispatchWhat).into_any(),
        ActionKind::Nothing | ActionKind::Divert | ActionKind::PreProcess => ().into_any(),
    }
}

fn triggers_card(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let count = Memo::new(move |_| ed.form.with(|f| f.triggers.len()));
    let add = move |_: leptos::ev::MouseEvent| {
        let first = ed
            .businesses
            .with_untracked(|b| b.first().map(|x| x.code.clone()))
            .unwrap_or_default();
        ed.form.update(|f| {
            if f.triggers.len() < MAX_TRIGGERS {
                f.triggers.push(TriggerForm::new(first));
            }
        });
        let n = count.get_untracked().saturating_sub(1);
        focus_later(format!(".trigger-row[data-trigger=\"{n}\"] .trigger-kind"));
    };
    view! {
        <section class="card pl-triggers-card">
            <h2>{i18n.t(T::PlTriggers)}</h2>
            {move || ed.no_board.get().then(|| view! { <p class="pl-warn small">{i18n.t(T::PlNoBusinesses)}</p> })}
            {move || (count.get() == 0).then(|| view! { <p class="muted small">{i18n.t(T::PlNoTriggers)}</p> })}
            <ul class="pl-triggers">
                <For each=move || 0..count.get() key=|i| *i children=move |i| trigger_row(ed, i) />
            </ul>
            <button type="button" class="chip" id="add-trigger"
                prop:disabled=move || { count.get() >= MAX_TRIGGERS } on:click=add>
                "+ "{i18n.t(T::PlAddTrigger)}
            </button>
        </section>
    }
}

fn edit_trigger(form: RwSignal<Form>, i: usize, edit: impl FnOnce(&mut TriggerForm)) {
    form.update(|f| {
        if let Some(t) = f.triggers.get_mut(i) {
            edit(t);
        }
    });
}

fn trigger_row(ed: Ed, i: usize) -> impl IntoView {
    let i18n = use_i18n();
    let form = ed.form;
    let kind = Memo::new(move |_| {
        form.with(|f| f.triggers.get(i).map_or(TriggerKind::Waiting, |t| t.kind))
    });
    let kinds = move || {
        let locale = i18n.locale.get();
        let list = TriggerKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), text(locale, k.label()).to_owned()))
            .collect();
        options(list, move |v| kind.get() == TriggerKind::parse(v))
    };
    let remove = move |_| {
        form.update(|f| {
            if i < f.triggers.len() {
                f.triggers.remove(i);
            }
        });
        focus_later("#add-trigger".into());
    };
    view! {
        <li class="trigger-row" data-trigger=i>
            <select class="trigger-kind" aria-label=i18n.t(T::PlTriggers) on:change=move |ev| {
                let k = TriggerKind::parse(&event_target_value(&ev));
                edit_trigger(form, i, |t| t.kind = k);
            }>{kinds}</select>
            {move || kind.get().per_business().then(|| business_select(ed, i))}
            <span class="spacer"></span>
            <button type="button" class="chip remove-trigger" on:click=remove>
                "✕ "{i18n.t(T::PlRemove)}
            </button>
            {move || trigger_fields(ed, i, kind.get())}
        </li>
    }
}

/// A number field of a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TriggerNumber {
    Above,
    ClearAt,
    Hold,
    Count,
}

impl TriggerNumber {
    fn class(self) -> &'static str {
        match self {
            TriggerNumber::Above => "trigger-above",
            TriggerNumber::ClearAt => "trigger-clear",
            TriggerNumber::Hold => "trigger-hold",
            TriggerNumber::Count => "trigger-count",
        }
    }

    fn of(self, t: &mut TriggerForm) -> &mut String {
        match self {
            TriggerNumber::Above => &mut t.above,
            TriggerNumber::ClearAt => &mut t.clear_at,
            TriggerNumber::Hold => &mut t.hold,
            TriggerNumber::Count => &mut t.count,
        }
    }

    fn get(self, t: &TriggerForm) -> &String {
        match self {
            TriggerNumber::Above => &t.above,
            TriggerNumber::ClearAt => &t.clear_at,
            TriggerNumber::Hold => &t.hold,
            TriggerNumber::Count => &t.count,
        }
    }

    /// The field's text, and whether it reads as the number it stands for.
    fn read(self, t: &TriggerForm) -> (String, bool) {
        let raw = self.get(t);
        let ok = match self {
            TriggerNumber::Above | TriggerNumber::ClearAt => t.bound(raw).is_ok(),
            TriggerNumber::Hold => num::<u32>(raw).is_ok(),
            TriggerNumber::Count => num::<u16>(raw).is_ok(),
        };
        (raw.clone(), ok)
    }
}

/// A number field of the `i`-th trigger, marked when it does not read.
fn trigger_number(form: RwSignal<Form>, i: usize, which: TriggerNumber) -> impl IntoView {
    let read = move || form.with(|f| f.triggers.get(i).map(|t| which.read(t)));
    let set = move |v: String| edit_trigger(form, i, |t| *which.of(t) = v);
    view! {
        <input type="text" class=which.class() inputmode="decimal" maxlength=NUMBER_LEN
            class:invalid=move || read().is_some_and(|(_, ok)| !ok)
            prop:value=move || read().map(|(raw, _)| raw).unwrap_or_default()
            on:input=move |ev| set(event_target_value(&ev))
            on:change=move |ev| set(event_target_value(&ev)) />
    }
}

/// The fields of a trigger's kind: the business and bounds, or the terminals down.
fn trigger_fields(ed: Ed, i: usize, kind: TriggerKind) -> AnyView {
    let i18n = use_i18n();
    let form = ed.form;
    match kind {
        TriggerKind::Waiting | TriggerKind::LongestWait => {
            let (above, unit) = if kind == TriggerKind::Waiting {
                (T::PlWaitingAbove, T::PlPeople)
            } else {
                (T::PlLongestAbove, T::PlMinutes)
            };
            view! {
                <div class="trigger-bounds">
                <label class="pl-inline">
                    {i18n.t(above)}
                    {trigger_number(form, i, TriggerNumber::Above)}
                    {i18n.t(unit)}
                </label>
                <label class="pl-inline">
                    {i18n.t(T::PlClearBelow)}
                    {trigger_number(form, i, TriggerNumber::ClearAt)}
                    {i18n.t(unit)}
                </label>
                <label class="pl-inline">
                    {i18n.t(T::PlHold)}
                    {trigger_number(form, i, TriggerNumber::Hold)}
                    {i18n.t(T::PlSeconds)}
                </label>
                </div>
            }
            .into_any()
        }
        TriggerKind::TerminalsDown => view! {
            <label class="pl-inline trigger-bounds">
                {i18n.t(T::PlTerminalsAbove)}
                {trigger_number(form, i, TriggerNumber::Count)}
                {i18n.t(T::PlUnits)}
            </label>
        }
        .into_any(),
        TriggerKind::PowerOut | TriggerKind::PublicSafetyButton | TriggerKind::AreaOutage => {
            ().into_any()
        }
    }
}

/// The hall's businesses to pick from (and the trigger's own, if the hall lacks it).
fn business_select(ed: Ed, i: usize) -> impl IntoView {
    let i18n = use_i18n();
    let form = ed.form;
    let current = Memo::new(move |_| {
        form.with(|f| f.triggers.get(i).map(|t| t.business.clone()))
            .unwrap_or_default()
    });
    let list = move || {
        let locale = i18n.locale.get();
        let cur = current.get();
        let mut list: Vec<(String, String)> = ed.businesses.with(|b| {
            b.iter()
                .map(|x| {
                    let name = if locale == Locale::ZhCn { &x.zh } else { &x.en };
                    (x.code.clone(), format!("{} {name}", x.code))
                })
                .collect()
        });
        if cur.is_empty() {
            list.insert(0, (String::new(), text(locale, T::PlPickBusiness).into()));
        } else if list.iter().all(|(code, _)| *code != cur) {
            let missing = format!("{cur}{}", text(locale, T::PlNotHere));
            list.insert(0, (cur.clone(), missing));
        }
        options(list, move |v| current.with(|c| c == v))
    };
    view! {
        <select class="trigger-business" aria-label=i18n.t(T::PlBusiness) on:change=move |ev| {
            let v = event_target_value(&ev);
            edit_trigger(form, i, |t| t.business = v);
        }>{list}</select>
    }
}

/// What the province answered, with the time of its answer.
fn stamped(locale: Locale, t: T, at: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{}（{}）", text(locale, t), clock(at)),
        Locale::En => format!("{} ({})", text(locale, t), clock(at)),
    }
}

fn publish_bar(ed: Ed) -> impl IntoView {
    let i18n = use_i18n();
    let ok = move || ed.checked.with(|c| c.is_ok());
    let check = move || {
        let locale = i18n.locale.get();
        ed.checked.with(|c| match c {
            Ok(_) => text(locale, T::PlCheckOk).to_owned(),
            Err(p) => p.text(locale),
        })
    };
    let result = move || {
        let locale = i18n.locale.get();
        if let Some(e) = ed.error.get() {
            return e.text(locale);
        }
        match ed.done.get() {
            Some(Done::Published(at)) => stamped(locale, T::PlPublished, at),
            Some(Done::Withdrawn(at)) => stamped(locale, T::PlWithdrawn, at),
            None => String::new(),
        }
    };
    // A memo: the button must not be made anew on every keystroke (a click
    // that blurs a field would otherwise land on a button already replaced).
    let existing = Memo::new(move |_| ed.form.with(|f| !f.new));
    let withdraw_button = move || {
        existing.get().then(|| {
            view! {
                <button type="button" class="ghost" id="withdraw-plan"
                    prop:disabled=move || ed.busy.get()
                    on:click=move |_| {
                        let id = ed.form.with_untracked(|f| f.id.clone());
                        ed.ask.set(Some(Ask::Withdraw(id)));
                    }>
                    {i18n.t(T::PlWithdraw)}
                </button>
            }
        })
    };
    view! {
        <div class="card pl-bar">
            <p id="plan-check" class:ok=ok class:bad=move || !ok() role="status" aria-live="polite">{check}</p>
            <div class="pl-bar-buttons">
                {withdraw_button}
                <button type="button" class="primary" id="publish-plan"
                    prop:disabled=move || ed.busy.get() || !ok()
                    on:click=move |_| publish(ed)>
                    {move || i18n.t(if ed.busy.get() { T::PlPublishing } else { T::PlPublish })()}
                    " "<kbd>"Ctrl+Enter"</kbd>
                </button>
            </div>
            <p id="plan-result" class:ok=move || ed.error.with(|e| e.is_none())
                class:error=move || ed.error.with(|e| e.is_some()) role="status" aria-live="polite">{result}</p>
        </div>
    }
}

/// Drop the changes, or withdraw the plan: Enter confirms, Esc leaves.
fn ask_dialog(ed: Ed, ask: Ask) -> impl IntoView {
    let i18n = use_i18n();
    let (title, body, yes) = match &ask {
        Ask::Leave(_) => (T::PlDiscardTitle, T::PlDiscardText, T::PlDiscard),
        Ask::Withdraw(_) => (T::PlWithdraw, T::PlWithdrawText, T::PlWithdraw),
    };
    let name = match &ask {
        Ask::Leave(_) => None,
        Ask::Withdraw(id) => Some(id.clone()),
    };
    let confirm_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = confirm_ref.get() {
            let _ = b.focus();
        }
    });
    let leave = Callback::new(move |()| ed.ask.set(None));
    let confirm = move |_| {
        ed.ask.set(None);
        match ask.clone() {
            Ask::Leave(next) => load(ed, *next),
            Ask::Withdraw(id) => withdraw(ed, id),
        }
    };
    view! {
        <div class="overlay" on:click=move |_| leave.run(())>
            <div class="dialog card" id="plan-dialog" role="dialog"
                on:click=|ev| ev.stop_propagation() on:keydown=dialog::on_escape(leave)>
                <h2>{i18n.t(title)}{name.map(|n| format!(" {n}"))}</h2>
                <p>{i18n.t(body)}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| leave.run(())>{i18n.t(T::Cancel)} " (Esc)"</button>
                    <button type="button" class="danger" id="plan-dialog-confirm" node_ref=confirm_ref
                        on:click=confirm>{i18n.t(yes)} " (Enter)"</button>
                </div>
            </div>
        </div>
    }
}
