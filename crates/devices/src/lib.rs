//! The hall's devices as pure rules: what is registered and what hangs on what, what devices report, who is present, and the alarms that follow.
//!
//! Nothing here does IO or reads a clock: time comes in as an argument
//! (Unix milliseconds) and decisions come out as values, so every rule is
//! tested under virtual time and the hall node is a thin shell around it.
//!
//! - [`registry`]: devices, their kinds, places on the floor plan and
//!   dependencies (a pad hangs on a counter PC, everything on the switch
//!   and the UPS), checked as a whole.
//! - [`telemetry`]: what an MQTT device publishes (the wire between devices
//!   and the hall node) and the faults a report means.
//! - [`presence`]: who has been heard from lately; silence past a device's
//!   heartbeat timeout, or a last will, means offline.
//! - [`quality`]: when the queue and the service call for an alarm: a
//!   business waiting past its limit, a clerk's recent ratings below the
//!   satisfaction floor.
//! - [`alarm`]: one alarm per source and fault, raised → acknowledged →
//!   cleared, counted when it repeats, escalated when nobody answers,
//!   suppressed in maintenance, folded under a root cause.
//! - [`program`]: what the hall's screens show, and when.
//! - [`command`]: safe control commands with preconditions, a time to
//!   live and the device's confirmation.
//! - [`video`]: cameras' streams and coverage, the recorders' supervision,
//!   retention under evidence locks, timelines with their gaps.

pub mod alarm;
pub mod command;
pub mod presence;
pub mod program;
pub mod quality;
pub mod registry;
pub mod telemetry;
pub mod video;

pub use alarm::{
    Alarm, AlarmChange, AlarmConfig, AlarmError, AlarmId, AlarmKey, AlarmState, Alarms, Fault,
    Maintenance, Severity, Source, Transition,
};
pub use presence::Presence;
pub use registry::{Device, DeviceId, DeviceKind, Link, Registry, RegistryError, Spot};
pub use telemetry::{Metrics, Report, Thresholds};

/// Milliseconds since the Unix epoch, as the shell's clock reads them.
pub type Millis = i64;
