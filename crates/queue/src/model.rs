//! The queue's values: business codes, counters, tickets and their states, events and refusals.

use crate::Millis;
use domain::{ParseError, StaffNo};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A business type's letter, which prefixes its tickets: `A`…`Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BusinessCode(char);

impl BusinessCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (None, _) => Err(ParseError::Empty),
            (Some(c), None) if c.is_ascii_alphabetic() => Ok(Self(c.to_ascii_uppercase())),
            (Some(_), None) => Err(ParseError::BadCharacter),
            _ => Err(ParseError::TooLong { max: 1 }),
        }
    }

    pub fn letter(self) -> char {
        self.0
    }
}

impl TryFrom<String> for BusinessCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|e| format!("invalid business code: {e:?}"))
    }
}

impl From<BusinessCode> for String {
    fn from(c: BusinessCode) -> String {
        c.0.to_string()
    }
}

impl fmt::Display for BusinessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A counter (窗口) number, 1–999, as painted above the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct CounterNo(u16);

impl CounterNo {
    pub fn new(n: u16) -> Result<Self, ParseError> {
        match n {
            0 => Err(ParseError::TooShort { min: 1 }),
            1000.. => Err(ParseError::TooLong { max: 999 }),
            n => Ok(Self(n)),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for CounterNo {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, String> {
        Self::new(n).map_err(|e| format!("invalid counter number: {e:?}"))
    }
}

impl From<CounterNo> for u16 {
    fn from(c: CounterNo) -> u16 {
        c.0
    }
}

impl fmt::Display for CounterNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A ticket's identity, unique across days in one hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TicketId(pub u64);

/// What is printed on the ticket and called out: `A012`. On the wire it is that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketNo {
    pub business: BusinessCode,
    pub number: u32,
}

impl TicketNo {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        let mut chars = s.chars();
        let letter = chars.next().ok_or(ParseError::Empty)?;
        let business = BusinessCode::parse(&letter.to_string())?;
        let digits = chars.as_str();
        if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ParseError::BadCharacter);
        }
        let number = digits.parse().map_err(|_| ParseError::BadCharacter)?;
        if number == 0 {
            return Err(ParseError::BadCharacter);
        }
        Ok(Self { business, number })
    }
}

impl TryFrom<String> for TicketNo {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|e| format!("invalid ticket number: {e:?}"))
    }
}

impl From<TicketNo> for String {
    fn from(t: TicketNo) -> String {
        t.to_string()
    }
}

impl fmt::Display for TicketNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:03}", self.business, self.number)
    }
}

/// A customer's rating of one service, 1 (非常不满意) to 5 (非常满意).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl Score {
    pub fn new(n: u8) -> Result<Self, ParseError> {
        match n {
            1..=5 => Ok(Self(n)),
            0 => Err(ParseError::TooShort { min: 1 }),
            _ => Err(ParseError::TooLong { max: 5 }),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Score {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, String> {
        Self::new(n).map_err(|e| format!("invalid score: {e:?}"))
    }
}

impl From<Score> for u8 {
    fn from(s: Score) -> u8 {
        s.0
    }
}

/// What the pad recorded for a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rating {
    Rated {
        score: Score,
        reasons: Vec<String>,
    },
    /// 未评价: the pad timed out, or the service was never rated before the
    /// counter finished its next one or the day closed (`Event::RatingMissed`).
    NotRated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TicketState {
    Waiting,
    Called {
        counter: CounterNo,
        at: Millis,
        recalls: u32,
    },
    Serving {
        counter: CounterNo,
        staff: StaffNo,
        called_at: Millis,
        started_at: Millis,
    },
    /// Final: served.
    Done {
        counter: CounterNo,
        staff: StaffNo,
        handled: BusinessCode,
        called_at: Millis,
        started_at: Millis,
        finished_at: Millis,
        rating: Option<Rating>,
    },
    /// Final: called and never came.
    NoShow {
        counter: CounterNo,
        at: Millis,
    },
    /// Final: still waiting when the day was closed.
    Expired {
        at: Millis,
    },
}

impl TicketState {
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Done { .. } | Self::NoShow { .. } | Self::Expired { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub no: TicketNo,
    /// The business it now queues for (a transfer changes it; `no` stays).
    pub business: BusinessCode,
    pub priority: String,
    pub issued_at: Millis,
    /// Its place in line: earlier is called first among equal priorities.
    pub arrival: Millis,
    /// Only this counter may call it (after a transfer to a counter).
    pub for_counter: Option<CounterNo>,
    /// Account number or ID the customer identified with at the kiosk, if any.
    pub customer: Option<String>,
    /// The staff member who issued it on the customer's behalf, granting its
    /// priority class; `None` when the customer took it at a kiosk.
    #[serde(default)]
    pub granted_by: Option<StaffNo>,
    pub state: TicketState,
    pub transfers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CounterStatus {
    Closed,
    Open {
        staff: StaffNo,
        since: Millis,
    },
    Paused {
        staff: StaffNo,
        reason: String,
        since: Millis,
    },
}

/// A counter as the boards show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterView {
    pub no: CounterNo,
    pub skills: Vec<BusinessCode>,
    pub status: CounterStatus,
    pub current: Option<Ticket>,
}

/// What happened, for the log, the displays and the boards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Issued {
        ticket: Ticket,
        ahead: u32,
        estimated_wait_secs: u32,
    },
    Called {
        ticket: TicketId,
        no: TicketNo,
        counter: CounterNo,
        recall: u32,
    },
    NoShow {
        ticket: TicketId,
        no: TicketNo,
        counter: CounterNo,
    },
    Transferred {
        ticket: TicketId,
        no: TicketNo,
        to_business: BusinessCode,
        to_counter: Option<CounterNo>,
    },
    Started {
        ticket: TicketId,
        no: TicketNo,
        counter: CounterNo,
    },
    Finished {
        ticket: TicketId,
        no: TicketNo,
        counter: CounterNo,
        staff: StaffNo,
        handled: BusinessCode,
        service_secs: u32,
    },
    Rated {
        ticket: TicketId,
        no: TicketNo,
        staff: StaffNo,
        rating: Rating,
    },
    /// A service still unrated when its counter finished the next one, or when
    /// the day closed: it is recorded as `Rating::NotRated` and is final.
    RatingMissed {
        ticket: TicketId,
        no: TicketNo,
        counter: CounterNo,
        staff: StaffNo,
    },
    CounterOpened {
        counter: CounterNo,
        staff: StaffNo,
    },
    CounterPaused {
        counter: CounterNo,
        reason: String,
    },
    CounterResumed {
        counter: CounterNo,
    },
    CounterClosed {
        counter: CounterNo,
    },
    DayClosed {
        expired: u32,
    },
    DayOpened {
        day: u32,
    },
}

/// Why an operation was refused. The state is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum QueueError {
    DayClosed,
    UnknownBusiness(BusinessCode),
    UnknownPriority(String),
    UnknownCounter(CounterNo),
    UnknownTicket(TicketId),
    CounterNotOpen(CounterNo),
    CounterBusy(CounterNo),
    CounterOpenedByOther(CounterNo),
    StaffAtAnotherCounter(CounterNo),
    NothingWaiting,
    NotWaiting(TicketId),
    NotYourSkill {
        counter: CounterNo,
        business: BusinessCode,
    },
    ReservedForCounter {
        ticket: TicketId,
        counter: CounterNo,
    },
    NoCurrentTicket(CounterNo),
    NotCalled(TicketId),
    NotServing(TicketId),
    RecallLimit {
        limit: u32,
    },
    NotFinished(TicketId),
    AlreadyRated(TicketId),
    SameBusiness,
    DayNotClosed,
    DayNotNewer {
        current: u32,
    },
}
