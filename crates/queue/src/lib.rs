//! The hall queue as a sans-IO state machine: time comes in as an argument, events go out.
//!
//! One `HallQueue` is the whole live queue of one hall for one business day.
//! It is deterministic: replaying the same commands with the same times
//! gives the same state, which is how the hall node recovers after a crash.

mod config;
mod engine;
pub mod grant;
mod model;

pub use config::{
    BusinessType, ConfigError, CounterConfig, PriorityClass, PriorityGrant, QueueConfig, Strategy,
    TransferPlacement,
};
pub use engine::{Command, HallQueue, NORMAL};
pub use model::{
    BusinessCode, CounterNo, CounterStatus, CounterView, Event, QueueError, Rating, Score, Ticket,
    TicketId, TicketNo, TicketState,
};

/// Milliseconds since the Unix epoch, as the shell's clock reads them.
pub type Millis = i64;
