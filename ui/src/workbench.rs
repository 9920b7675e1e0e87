//! The clerk's workbench: sign in at a counter, call, serve, finish, transfer, pause: all by F-keys.

use crate::api;
use crate::app::{HallNotice, HallTick};
use crate::i18n::{
    counter_label, duration, priority_text, stage_text, status_text, supervisor_notice, text,
    use_i18n, T,
};
use crate::roles::format_time;
use ipc::actions::{clerk_actions, clerk_key, ClerkAction, CounterState, CounterStatus, Stage};
use ipc::hall::{BoardView, BusinessBoard, CurrentTicket, MeView};
use ipc::{ApiError, CounterAct, CounterAction, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A question the clerk answers before an action goes out.
#[derive(Clone, Copy, PartialEq)]
enum Dialog {
    Finish,
    Transfer,
    Pause,
}

#[derive(Clone, Copy)]
struct Ctx {
    me: RwSignal<Option<MeView>>,
    board: RwSignal<Option<BoardView>>,
    error: RwSignal<Option<ApiError>>,
    busy: RwSignal<bool>,
    dialog: RwSignal<Option<Dialog>>,
    /// Counts refreshes started.
    generation: RwSignal<u64>,
}

impl Ctx {
    /// Fetches the counter and the hall. Only the latest fetch started may
    /// update the view: an older one finishing late would show stale state.
    fn refresh(self) {
        let generation = self.generation.get_untracked() + 1;
        self.generation.set(generation);
        let current = move || self.generation.try_get_untracked() == Some(generation);
        spawn_local(async move {
            let me = api::my_counter().await;
            let board = api::hall_board().await;
            if !current() {
                return;
            }
            match me {
                Ok(me) => self.me.set(Some(me)),
                Err(e) => self.error.set(Some(e)),
            }
            if let Ok(b) = board {
                self.board.set(Some(b));
            }
        });
    }

    fn counter(self) -> Option<u16> {
        self.me.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.counter.as_ref())
                .map(|c| c.no.get())
        })
    }

    fn current(self) -> Option<CurrentTicket> {
        self.me.with(|m| {
            m.as_ref()
                .and_then(|m| m.counter.as_ref())
                .and_then(|c| c.current.clone())
        })
    }

    /// The current ticket, read once (for a dialog that must not rebuild on refresh).
    fn current_untracked(self) -> Option<CurrentTicket> {
        self.me.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.counter.as_ref())
                .and_then(|c| c.current.clone())
        })
    }

    /// The clerk's counter as the rules see it (`None`: not signed in at one).
    fn state(self) -> Option<CounterState> {
        self.me.with(|m| {
            m.as_ref()
                .and_then(|m| m.counter.as_ref())
                .map(CounterState::of)
        })
    }

    fn state_untracked(self) -> Option<CounterState> {
        self.me.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.counter.as_ref())
                .map(CounterState::of)
        })
    }

    /// Does what `action` says: sends it, or first asks what it needs in a dialog.
    fn run(self, action: ClerkAction) {
        let dialog = |d| self.dialog.set(Some(d));
        match action {
            ClerkAction::CallNext => self.act(CounterAction::CallNext),
            ClerkAction::Recall => self.act(CounterAction::Recall),
            ClerkAction::NoShow => self.act(CounterAction::NoShow),
            ClerkAction::Start => self.act(CounterAction::Start),
            ClerkAction::Finish => dialog(Dialog::Finish),
            ClerkAction::Transfer => dialog(Dialog::Transfer),
            ClerkAction::Pause => dialog(Dialog::Pause),
            ClerkAction::Resume => self.act(CounterAction::Resume),
            ClerkAction::Close => self.act(CounterAction::Close),
        }
    }

    /// Sends an action for `counter`; on success the live event refreshes the view.
    fn act_at(self, counter: u16, action: CounterAction) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        spawn_local(async move {
            let result = api::counter_act(CounterAct { counter, action }).await;
            self.busy.set(false);
            match result {
                Ok(()) => {
                    self.dialog.set(None);
                    self.refresh();
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    fn act(self, action: CounterAction) {
        if let Some(counter) = self.counter() {
            self.act_at(counter, action);
        }
    }

    /// The name of the business `ticket` queues for.
    fn business_name(self, locale: Locale, ticket: &CurrentTicket) -> String {
        self.board.with(|b| {
            b.as_ref()
                .and_then(|b| b.businesses.iter().find(|x| x.code == ticket.business))
                .map(|x| {
                    if locale == Locale::ZhCn {
                        x.name_zh.clone()
                    } else {
                        x.name_en.clone()
                    }
                })
                .unwrap_or_else(|| ticket.business.to_string())
        })
    }
}

#[component]
pub fn Workbench() -> impl IntoView {
    let i18n = use_i18n();
    let tick = expect_context::<HallTick>().0;
    let ctx = Ctx {
        me: RwSignal::new(None),
        board: RwSignal::new(None),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
        dialog: RwSignal::new(None),
        generation: RwSignal::new(0),
    };
    Effect::new(move |_| {
        tick.get();
        ctx.refresh();
    });

    // A supervisor acting on this clerk's counter: a calm notice until dismissed.
    let heard = expect_context::<HallNotice>().0;
    let notice = RwSignal::new(None::<ipc::hall::SupervisorNotice>);
    Effect::new(move |ran: Option<()>| {
        let latest = heard.get();
        // What was heard before this page opened is not news.
        if ran.is_none() {
            return;
        }
        let me = ctx
            .me
            .with_untracked(|m| m.as_ref().map(|m| m.staff_no.clone()));
        if let Some(n) = latest.filter(|n| n.clerk.is_some() && n.clerk == me) {
            notice.set(Some(n));
        }
    });

    // F1 call next · F2 recall · F3 no-show · F4 start · F5 finish · F6 transfer · F7 pause/resume · F9 sign off,
    // each only when `clerk_actions` allows it (the buttons follow the same rule).
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let key = ev.key();
        if !key.starts_with('F') || key.len() > 3 {
            if key == "Escape" {
                if ctx.dialog.get_untracked().is_some() {
                    ctx.dialog.set(None);
                } else {
                    notice.set(None);
                }
            }
            return;
        }
        ev.prevent_default();
        if ctx.dialog.get_untracked().is_some() {
            return;
        }
        if let Some(action) = ctx.state_untracked().and_then(|s| clerk_key(&key, s)) {
            ctx.run(action);
        }
    });
    on_cleanup(move || handle.remove());

    // Rebuilt only when this changes, not on every refresh: an open dialog
    // (and what the clerk is typing in it) survives the hall's live updates.
    let signed_in = Memo::new(move |_| ctx.me.with(|m| m.as_ref().map(|m| m.counter.is_some())));
    let body = move || match signed_in.get() {
        None => view! { <p class="muted">{i18n.t(T::Loading)}</p> }.into_any(),
        Some(false) => view! { <CounterPicker ctx /> }.into_any(),
        Some(true) => view! { <Desk ctx /> }.into_any(),
    };

    view! {
        <h1 class="page-title" id="page-title">{i18n.t(T::NavWorkbench)}</h1>
        <p class="error banner" role="alert" id="wb-error">
            {move || ctx.error.get().map(|e| e.text(i18n.locale.get()))}
        </p>
        {move || notice.get().map(|n| {
            let locale = i18n.locale.get();
            view! {
                <p class="notice-banner" role="status" id="wb-notice" data-action=n.action.code()>
                    <span class="muted">{format_time(n.at)}</span>
                    " "
                    <span>{supervisor_notice(locale, &n, true)}</span>
                    <button type="button" class="ghost small" on:click=move |_| notice.set(None)>
                        {text(locale, T::Dismiss)} " (Esc)"
                    </button>
                </p>
            }
        })}
        {body}
    }
}

/// Not signed in at a counter yet: type its number or pick a free one.
#[component]
fn CounterPicker(ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let number = RwSignal::new(String::new());
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match number.get_untracked().trim().parse::<u16>() {
            Ok(n) => ctx.act_at(n, CounterAction::Open),
            Err(_) => ctx
                .error
                .set(Some(ApiError::new(ipc::ErrorCode::UnknownCounter))),
        }
    };
    let free = move || {
        let locale = i18n.locale.get();
        ctx.board.get().map(|b| {
            b.counters
                .into_iter()
                .map(|c| {
                    let n = c.no.get();
                    let taken = CounterStatus::parse(&c.status) != CounterStatus::Closed;
                    let who = c.staff_name.clone().unwrap_or_default();
                    view! {
                        <button type="button" class="counter-pick" data-counter=n prop:disabled=taken
                            on:click=move |_| ctx.act_at(n, CounterAction::Open)>
                            <span class="counter-pick-no">{counter_label(locale, n)}</span>
                            <span class="muted">{if taken { who } else { text(locale, T::StatusClosed).to_owned() }}</span>
                        </button>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card narrow">
            <h2>{i18n.t(T::WbSignInTitle)}</h2>
            <p class="hint">{i18n.t(T::WbSignInHint)}</p>
            <form id="counter-form" class="inline-form" on:submit=submit>
                <label for="counter-no">{i18n.t(T::CounterNo)}</label>
                <input id="counter-no" type="text" inputmode="numeric" maxlength="3" node_ref=input
                    prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                <button type="submit" class="primary">{i18n.t(T::SignInCounter)}</button>
            </form>
        </section>
        <div class="counter-picks">{free}</div>
    }
}

/// Signed in: the current customer, the actions, the waiting lines and the clerk's own day.
#[component]
fn Desk(ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let header = move || {
        let locale = i18n.locale.get();
        ctx.me.get().and_then(|m| m.counter).map(|c| {
            let status = CounterStatus::parse(&c.status);
            let reason = c.reason.map(|r| format!(" · {r}")).unwrap_or_default();
            view! {
                <div class="counter-head" data-status=status.code()>
                    <span class="counter-no" id="my-counter">{counter_label(locale, c.no.get())}</span>
                    <span class="status-pill">{text(locale, status_text(status))}{reason}</span>
                </div>
            }
        })
    };
    let current = move || {
        let locale = i18n.locale.get();
        match ctx.current() {
            None => {
                let paused = ctx.state().map(|s| s.status) == Some(CounterStatus::Paused);
                let hint = if paused { T::PausedHint } else { T::NoCustomer };
                view! { <p class="no-customer" id="no-customer">{text(locale, hint)}</p> }
                    .into_any()
            }
            Some(t) => {
                let stage = Stage::parse(&t.stage);
                let prio = priority_text(&t.priority)
                    .map(|p| text(locale, p))
                    .unwrap_or_default();
                let recalls = (t.recalls > 0).then(|| format!(" ×{}", t.recalls + 1));
                // 业务预办理: what was filled in while the customer waited.
                let pre = t.preprocessed.clone().map(|p| {
                    let f = p.form;
                    view! {
                        <dl class="facts preprocessed" id="preprocessed">
                            <dt>{text(locale, T::PreAccount)}</dt><dd>{f.account}</dd>
                            <dt>{text(locale, T::PreMatter)}</dt><dd>{f.matter}</dd>
                            {f.phone.map(|x| view! { <dt>{text(locale, T::PrePhone)}</dt><dd>{x}</dd> })}
                            {f.note.map(|x| view! { <dt>{text(locale, T::PreNote)}</dt><dd>{x}</dd> })}
                            <dt>{text(locale, T::PreBy)}</dt><dd>{p.by}</dd>
                        </dl>
                    }
                });
                view! {
                    <div class="ticket-now" data-stage=stage.code()>
                        <div class="ticket-no-big" id="current-ticket">{t.no.to_string()}</div>
                        <div class="ticket-facts">
                            <div class="ticket-business">{ctx.business_name(locale, &t)}</div>
                            <div><span class="badge" data-priority=t.priority.clone()>{prio}</span></div>
                            <div class="muted">{text(locale, stage_text(stage))}{recalls} " · " {text(locale, T::Since)} " " {format_time(t.since)}</div>
                            <div class="muted">{t.customer.clone().map(|c| format!("{} {c}", text(locale, T::Customer)))}</div>
                        </div>
                    </div>
                    {pre}
                }
                .into_any()
            }
        }
    };
    let actions = move || {
        let locale = i18n.locale.get();
        let allowed = ctx.state().map(clerk_actions).unwrap_or_default();
        let button = |action: ClerkAction, label: T, id: &'static str| {
            let enabled = allowed.contains(&action);
            view! {
                <button type="button" class="action" id=id prop:disabled=move || !enabled || ctx.busy.get() on:click=move |_| ctx.run(action)>
                    <kbd>{action.key()}</kbd>
                    <span>{text(locale, label)}</span>
                </button>
            }
        };
        // F7 resumes a paused counter and pauses any other.
        let pause_or_resume = if allowed.contains(&ClerkAction::Resume) {
            button(ClerkAction::Resume, T::ActResume, "act-resume")
        } else {
            button(ClerkAction::Pause, T::ActPause, "act-pause")
        };
        view! {
            <div class="actions">
                {button(ClerkAction::CallNext, T::ActCallNext, "act-call-next")}
                {button(ClerkAction::Recall, T::ActRecall, "act-recall")}
                {button(ClerkAction::NoShow, T::ActNoShow, "act-no-show")}
                {button(ClerkAction::Start, T::ActStart, "act-start")}
                {button(ClerkAction::Finish, T::ActFinish, "act-finish")}
                {button(ClerkAction::Transfer, T::ActTransfer, "act-transfer")}
                {pause_or_resume}
                {button(ClerkAction::Close, T::ActClose, "act-close")}
            </div>
        }
    };
    let waiting = move || {
        let locale = i18n.locale.get();
        ctx.me.get().map(|m| rows(locale, m.waiting))
    };
    let figures = move || {
        let locale = i18n.locale.get();
        ctx.me
            .get()
            .map(|m| figures_view(locale, &m.figures, "my-figures"))
    };
    view! {
        {header}
        <div class="wb-grid">
            <section class="card current-card">
                <h2>{i18n.t(T::CurrentCustomer)}</h2>
                {current}
                {actions}
            </section>
            <div class="wb-side">
                <section class="card">
                    <h2>{i18n.t(T::QueuesTitle)}</h2>
                    <table class="grid-table" id="my-queues">
                        <thead><tr><th>{i18n.t(T::Business)}</th><th>{i18n.t(T::Waiting)}</th><th>{i18n.t(T::LongestWait)}</th></tr></thead>
                        <tbody>{waiting}</tbody>
                    </table>
                </section>
                <section class="card">
                    <h2>{i18n.t(T::MyToday)}</h2>
                    {figures}
                </section>
            </div>
        </div>
        {move || ctx.dialog.get().map(|d| view! { <DialogView ctx dialog=d /> })}
    }
}

fn rows(locale: Locale, list: Vec<BusinessBoard>) -> impl IntoView {
    list.into_iter()
        .map(|b| {
            let name = if locale == Locale::ZhCn {
                b.name_zh
            } else {
                b.name_en
            };
            view! {
                <tr data-code=b.code.to_string()>
                    <td><span class="code-chip">{b.code.to_string()}</span>" "{name}</td>
                    <td class="num waiting">{b.waiting}</td>
                    <td class="num">{duration(locale, b.longest_wait_secs)}</td>
                </tr>
            }
        })
        .collect_view()
}

/// Served, handling time and satisfaction.
pub fn figures_view(locale: Locale, f: &ipc::hall::Figures, id: &'static str) -> impl IntoView {
    let none = text(locale, T::NoData).to_owned();
    let score = f
        .avg_score
        .map(|s| format!("{s:.1}"))
        .unwrap_or_else(|| none.clone());
    let pct = f.satisfaction_pct.map(|p| format!("{p}%")).unwrap_or(none);
    view! {
        <dl class="figures" id=id>
            <div><dt>{text(locale, T::Served)}</dt><dd class="served">{f.served}</dd></div>
            <div><dt>{text(locale, T::AvgHandle)}</dt><dd>{duration(locale, f.avg_handle_secs)}</dd></div>
            <div><dt>{text(locale, T::AvgScore)}</dt><dd class="score">{score}</dd></div>
            <div><dt>{text(locale, T::Satisfaction)}</dt><dd>{pct}<small>{format!(" ({} {})", f.rated, text(locale, T::Rated))}</small></dd></div>
        </dl>
    }
}

/// Finish (with the business actually handled), transfer, or pause with a reason.
#[component]
fn DialogView(ctx: Ctx, dialog: Dialog) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.locale.get_untracked();
    let current = ctx.current_untracked();
    let business = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.business.to_string())
            .unwrap_or_default(),
    );
    let counter = RwSignal::new(String::new());
    let front = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let first = NodeRef::<html::Select>::new();
    let reason_ref = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = first.get() {
            let _ = el.focus();
        }
        if let Some(el) = reason_ref.get() {
            let _ = el.focus();
        }
    });
    let options = move || {
        ctx.board.with_untracked(|b| {
            b.as_ref()
                .map(|b| b.businesses.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|x| {
                    let code = x.code.to_string();
                    let name = if locale == Locale::ZhCn { x.name_zh } else { x.name_en };
                    let selected = code == business.get_untracked();
                    view! { <option value=code.clone() selected=selected>{format!("{code} {name}")}</option> }
                })
                .collect_view()
        })
    };
    let confirm = move || {
        let action = match dialog {
            Dialog::Finish => CounterAction::Finish {
                handled: Some(business.get_untracked()),
            },
            Dialog::Transfer => {
                let to_counter = counter.get_untracked().trim().parse::<u16>().ok();
                let same = current.as_ref().map(|c| c.business.to_string())
                    == Some(business.get_untracked());
                CounterAction::Transfer {
                    to_business: (!same || to_counter.is_none()).then(|| business.get_untracked()),
                    to_counter,
                    front: front.get_untracked(),
                }
            }
            Dialog::Pause => CounterAction::Pause {
                reason: reason.get_untracked(),
            },
        };
        ctx.act(action);
    };
    let confirm_submit = confirm.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm_submit();
    };
    // Enter confirms from anywhere in the dialog, a drop-down list included.
    let enter = move |ev: leptos::ev::KeyboardEvent| {
        let on_select = event_target::<web_sys::Element>(&ev)
            .tag_name()
            .eq_ignore_ascii_case("select");
        if ev.key() == "Enter" && on_select {
            ev.prevent_default();
            confirm();
        }
    };
    let title = match dialog {
        Dialog::Finish => T::ActFinish,
        Dialog::Transfer => T::ActTransfer,
        Dialog::Pause => T::ActPause,
    };
    let fields = match dialog {
        Dialog::Finish => view! {
            <label for="dlg-business">{text(locale, T::HandledBusiness)}</label>
            <select id="dlg-business" node_ref=first on:change=move |ev| business.set(event_target_value(&ev))>{options}</select>
        }
        .into_any(),
        Dialog::Transfer => view! {
            <label for="dlg-business">{text(locale, T::TransferTo)}</label>
            <select id="dlg-business" node_ref=first on:change=move |ev| business.set(event_target_value(&ev))>{options}</select>
            <label for="dlg-counter">{text(locale, T::TransferCounter)}</label>
            <input id="dlg-counter" type="text" inputmode="numeric" maxlength="3"
                on:input=move |ev| counter.set(event_target_value(&ev)) />
            <label class="check"><input type="checkbox" id="dlg-front" on:change=move |ev| front.set(event_target_checked(&ev)) />
                {text(locale, T::TransferFront)}</label>
        }
        .into_any(),
        Dialog::Pause => {
            let presets = [T::ReasonLunch, T::ReasonHandover, T::ReasonAway, T::ReasonFault]
                .into_iter()
                .map(|r| {
                    let label = text(locale, r);
                    view! { <button type="button" class="chip" on:click=move |_| reason.set(label.to_owned())>{label}</button> }
                })
                .collect_view();
            view! {
                <label for="dlg-reason">{text(locale, T::PauseReason)}</label>
                <div class="chips">{presets}</div>
                <input id="dlg-reason" type="text" maxlength="40" node_ref=reason_ref
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            }
            .into_any()
        }
    };
    view! {
        <div class="overlay" on:click=move |_| ctx.dialog.set(None)>
            <form class="dialog card" id="dialog" on:submit=submit on:keydown=enter on:click=|ev| ev.stop_propagation()>
                <h2>{text(locale, title)}</h2>
                {fields}
                <p class="error" role="alert">{move || ctx.error.get().map(|e| e.text(i18n.locale.get()))}</p>
                <div class="dialog-buttons">
                    <button type="button" class="ghost" on:click=move |_| ctx.dialog.set(None)>{text(locale, T::Cancel)} " (Esc)"</button>
                    <button type="submit" class="primary" id="dlg-confirm">{text(locale, T::Confirm)} " (Enter)"</button>
                </div>
            </form>
        </div>
    }
}
