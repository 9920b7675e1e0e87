//! Which actions each role may take in which state: one pure rule per role, for keys and buttons alike.
//!
//! The rules agree with what the hall node's queue engine accepts, so the
//! UI never offers what the node would refuse (and the other way round): a
//! paused counter does not call, a counter with a customer does not pause or
//! sign off. The node still decides; these rules only decide what is offered.

use crate::hall::CounterBoard;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A counter's status as boards and the workbench show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounterStatus {
    Closed,
    Open,
    Paused,
}

impl CounterStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::Paused => "paused",
        }
    }

    /// Reads the status of a `CounterBoard`; an unknown one counts as closed.
    pub fn parse(code: &str) -> Self {
        [Self::Open, Self::Paused]
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or(Self::Closed)
    }
}

/// Where the ticket at a counter stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Called; the customer is on the way.
    Called,
    /// Being served.
    Serving,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Self::Called => "called",
            Self::Serving => "serving",
        }
    }

    /// Reads the stage of a `CurrentTicket`; anything but `serving` is a call.
    pub fn parse(code: &str) -> Self {
        if code == Self::Serving.code() {
            Self::Serving
        } else {
            Self::Called
        }
    }
}

/// A counter as the rules need it: its status and its ticket's stage, if it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterState {
    pub status: CounterStatus,
    pub ticket: Option<Stage>,
}

impl CounterState {
    /// The state of a counter as the hall node reports it.
    pub fn of(counter: &CounterBoard) -> Self {
        Self {
            status: CounterStatus::parse(&counter.status),
            ticket: counter.current.as_ref().map(|t| Stage::parse(&t.stage)),
        }
    }

    fn open_and_idle(self) -> bool {
        self.status == CounterStatus::Open && self.ticket.is_none()
    }
}

/// What a clerk does at the workbench, each on its F-key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClerkAction {
    CallNext,
    Recall,
    NoShow,
    Start,
    /// Opens the dialog asking for the business handled.
    Finish,
    /// Opens the transfer dialog.
    Transfer,
    /// Opens the dialog asking for the reason.
    Pause,
    Resume,
    /// Sign off the counter.
    Close,
}

impl ClerkAction {
    pub const ALL: [Self; 9] = [
        Self::CallNext,
        Self::Recall,
        Self::NoShow,
        Self::Start,
        Self::Finish,
        Self::Transfer,
        Self::Pause,
        Self::Resume,
        Self::Close,
    ];

    /// The key that triggers it (pause and resume share F7).
    pub fn key(self) -> &'static str {
        match self {
            Self::CallNext => "F1",
            Self::Recall => "F2",
            Self::NoShow => "F3",
            Self::Start => "F4",
            Self::Finish => "F5",
            Self::Transfer => "F6",
            Self::Pause | Self::Resume => "F7",
            Self::Close => "F9",
        }
    }
}

/// What a clerk may do at a counter in `state`.
pub fn clerk_actions(state: CounterState) -> BTreeSet<ClerkAction> {
    let idle = state.ticket.is_none();
    let called = state.ticket == Some(Stage::Called);
    ClerkAction::ALL
        .into_iter()
        .filter(|a| match a {
            ClerkAction::CallNext | ClerkAction::Pause => state.open_and_idle(),
            ClerkAction::Recall | ClerkAction::NoShow => called,
            ClerkAction::Start => called && state.status == CounterStatus::Open,
            ClerkAction::Finish => state.ticket == Some(Stage::Serving),
            ClerkAction::Transfer => !idle,
            ClerkAction::Resume => state.status == CounterStatus::Paused,
            ClerkAction::Close => idle && state.status != CounterStatus::Closed,
        })
        .collect()
}

/// The action `key` triggers at a counter in `state`, if it is allowed there.
pub fn clerk_key(key: &str, state: CounterState) -> Option<ClerkAction> {
    clerk_actions(state).into_iter().find(|a| a.key() == key)
}

/// What a supervisor does from the board, each opening a dialog that asks for the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BoardAction {
    /// Call a waiting ticket to a counter.
    Call,
    /// Move a waiting ticket to another business or counter.
    Move,
    /// Force-pause a counter.
    Pause,
    /// Sign a counter off.
    Close,
}

impl BoardAction {
    pub const ALL: [Self; 4] = [Self::Call, Self::Move, Self::Pause, Self::Close];

    pub fn key(self) -> &'static str {
        match self {
            Self::Call => "F1",
            Self::Move => "F6",
            Self::Pause => "F7",
            Self::Close => "F9",
        }
    }

    /// Stable id for tests and styling.
    pub fn id(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Move => "move",
            Self::Pause => "pause",
            Self::Close => "close",
        }
    }
}

/// What a supervisor may do from the board: with no counter chosen (the F-keys
/// and the board's own buttons) every dialog opens and the node judges the
/// counter typed; for a chosen counter in `state` (its card), only what it accepts.
pub fn board_actions(counter: Option<CounterState>) -> BTreeSet<BoardAction> {
    let Some(state) = counter else {
        return BoardAction::ALL.into_iter().collect();
    };
    let idle = state.ticket.is_none();
    BoardAction::ALL
        .into_iter()
        .filter(|a| match a {
            BoardAction::Call | BoardAction::Pause => state.open_and_idle(),
            // A waiting ticket may be kept for any counter, open or not.
            BoardAction::Move => true,
            BoardAction::Close => idle && state.status != CounterStatus::Closed,
        })
        .collect()
}

/// The dialog `key` opens on the board, if any.
pub fn board_key(key: &str) -> Option<BoardAction> {
    board_actions(None).into_iter().find(|a| a.key() == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClerkAction::*;

    fn at(status: CounterStatus, ticket: Option<Stage>) -> CounterState {
        CounterState { status, ticket }
    }

    fn set<A: Ord>(list: impl IntoIterator<Item = A>) -> BTreeSet<A> {
        list.into_iter().collect()
    }

    #[test]
    fn a_paused_counter_does_not_call_the_next_customer() {
        let paused = at(CounterStatus::Paused, None);
        assert!(!clerk_actions(paused).contains(&CallNext));
        assert_eq!(clerk_key("F1", paused), None);
        // F7 resumes it, and it may still sign off.
        assert_eq!(clerk_key("F7", paused), Some(Resume));
        assert_eq!(clerk_actions(paused), set([Resume, Close]));
    }

    #[test]
    fn an_idle_open_counter_calls_pauses_or_signs_off() {
        let idle = at(CounterStatus::Open, None);
        assert_eq!(clerk_actions(idle), set([CallNext, Pause, Close]));
        assert_eq!(clerk_key("F1", idle), Some(CallNext));
        assert_eq!(clerk_key("F7", idle), Some(Pause));
        assert_eq!(clerk_key("F9", idle), Some(Close));
        assert_eq!(clerk_key("F5", idle), None);
    }

    #[test]
    fn a_called_customer_is_recalled_missed_started_or_transferred() {
        let called = at(CounterStatus::Open, Some(Stage::Called));
        assert_eq!(
            clerk_actions(called),
            set([Recall, NoShow, Start, Transfer])
        );
        for (key, action) in [
            ("F2", Recall),
            ("F3", NoShow),
            ("F4", Start),
            ("F6", Transfer),
        ] {
            assert_eq!(clerk_key(key, called), Some(action));
        }
        // Busy: no second call, no pause, no sign-off.
        for key in ["F1", "F5", "F7", "F9"] {
            assert_eq!(clerk_key(key, called), None, "{key}");
        }
    }

    #[test]
    fn a_customer_being_served_is_finished_or_transferred() {
        let serving = at(CounterStatus::Open, Some(Stage::Serving));
        assert_eq!(clerk_actions(serving), set([Finish, Transfer]));
        assert_eq!(clerk_key("F5", serving), Some(Finish));
    }

    #[test]
    fn a_closed_counter_offers_nothing() {
        assert!(clerk_actions(at(CounterStatus::Closed, None)).is_empty());
    }

    #[test]
    fn every_key_names_at_most_one_allowed_action() {
        let statuses = [
            CounterStatus::Closed,
            CounterStatus::Open,
            CounterStatus::Paused,
        ];
        let tickets = [None, Some(Stage::Called), Some(Stage::Serving)];
        for status in statuses {
            for ticket in tickets {
                let allowed = clerk_actions(at(status, ticket));
                for key in ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F9"] {
                    let n = allowed.iter().filter(|a| a.key() == key).count();
                    assert!(n <= 1, "{key} at {status:?} {ticket:?}");
                }
            }
        }
    }

    #[test]
    fn the_board_keys_open_their_dialogs() {
        assert_eq!(board_key("F1"), Some(BoardAction::Call));
        assert_eq!(board_key("F6"), Some(BoardAction::Move));
        assert_eq!(board_key("F7"), Some(BoardAction::Pause));
        assert_eq!(board_key("F9"), Some(BoardAction::Close));
        assert_eq!(board_key("F2"), None);
        assert_eq!(board_actions(None), set(BoardAction::ALL));
    }

    #[test]
    fn a_counter_card_offers_what_the_counter_accepts() {
        use BoardAction as B;
        let all = |s, t| board_actions(Some(at(s, t)));
        assert_eq!(
            all(CounterStatus::Open, None),
            set([B::Call, B::Move, B::Pause, B::Close])
        );
        // Already paused: it may be signed off, not paused again.
        assert_eq!(all(CounterStatus::Paused, None), set([B::Move, B::Close]));
        assert_eq!(all(CounterStatus::Closed, None), set([B::Move]));
        assert_eq!(
            all(CounterStatus::Open, Some(Stage::Serving)),
            set([B::Move])
        );
    }

    #[test]
    fn a_counter_board_reads_as_its_state() {
        let ticket = crate::hall::CurrentTicket {
            id: 1,
            no: queue::TicketNo::parse("A001").unwrap(),
            business: queue::BusinessCode::parse("A").unwrap(),
            priority: "normal".into(),
            customer: None,
            stage: "serving".into(),
            recalls: 0,
            issued_at: 0,
            since: 0,
            preprocessed: None,
        };
        let mut board = CounterBoard {
            no: queue::CounterNo::new(3).unwrap(),
            skills: Vec::new(),
            status: "open".into(),
            staff_no: None,
            staff_name: None,
            reason: None,
            since: None,
            current: Some(ticket),
        };
        assert_eq!(
            CounterState::of(&board),
            at(CounterStatus::Open, Some(Stage::Serving))
        );
        board.status = "paused".into();
        board.current = None;
        assert_eq!(CounterState::of(&board), at(CounterStatus::Paused, None));
    }

    #[test]
    fn states_keep_their_codes() {
        for s in [
            CounterStatus::Closed,
            CounterStatus::Open,
            CounterStatus::Paused,
        ] {
            assert_eq!(CounterStatus::parse(s.code()), s);
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, s.code());
        }
        assert_eq!(CounterStatus::parse("something new"), CounterStatus::Closed);
        for s in [Stage::Called, Stage::Serving] {
            assert_eq!(Stage::parse(s.code()), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
    }
}
