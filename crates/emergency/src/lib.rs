//! Emergency plans as pure rules: what a plan is and when it is sound, when its triggers fire (with hysteresis, time an argument), and an incident's life with the timeline that is its record.
//!
//! Nothing here does IO or reads a clock: the hall node feeds figures and
//! events in with the time, and journals what comes out.
//!
//! - [`plan`]: a plan of the province (event type, level, roles, ordered
//!   steps, each with who acknowledges it and what it does; its triggers),
//!   refused whole when a step waits on an unknown or circular step, names an
//!   unknown role, or a trigger names a business the hall does not have.
//! - [`trigger`]: the trigger engine: a condition must hold for its duration
//!   to fire, and must clear (below a lower bound, for as long) before it can
//!   fire again, so a plan does not flap; one proposal per plan.
//! - [`incident`]: a plan running at a level: steps due, acknowledged by
//!   each of their roles, escalated when late; level changes, handover,
//!   notes, the end with a summary; the timeline and the after-action report.

pub mod incident;
pub mod plan;
pub mod trigger;

pub use incident::{DrillScore, Entry, Fact, Incident, IncidentError, Line, Report, What};
pub use plan::{Action, EventType, Level, Plan, PlanError, Step, StepId, TriggerRule};
pub use trigger::{Figures, LevelHint, Proposal, Triggers};

/// Milliseconds since the Unix epoch, as the shell's clock reads them.
pub type Millis = i64;
