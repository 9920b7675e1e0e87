//! Entities, value types with `parse`, and business rules: pure, wasm-clean, no clock.
//!
//! Every value that crosses a boundary (typed at a counter, read from a
//! database, received over the wire) is parsed into one of these types first;
//! a value of the type is then valid by construction.

pub mod auth;
pub mod customer;
pub mod staff;

pub use auth::{LoginThrottle, ThrottleVerdict};
pub use customer::CustomerRef;
pub use staff::{HallCode, Password, Role, StaffName, StaffNo};

/// Why a raw value was refused by a `parse`. Carries no text: the message a
/// person reads is chosen by the boundary in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    TooShort { min: usize },
    TooLong { max: usize },
    BadCharacter,
    Unknown,
}
