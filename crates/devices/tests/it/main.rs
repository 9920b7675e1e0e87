//! The device rules under virtual time: registry, telemetry, presence and the alarm lifecycle.

mod alarm;
mod command;
mod presence;
mod program;
mod registry;
mod telemetry;

use devices::*;

pub fn id(s: &str) -> DeviceId {
    DeviceId::parse(s).unwrap()
}

pub fn device(i: &str, kind: DeviceKind, depends_on: &[&str]) -> Device {
    Device {
        id: id(i),
        kind,
        name: format!("{} {i}", kind.label_zh()),
        spot: Spot { x: 100, y: 100 },
        counter: kind.at_counter().then_some(1),
        depends_on: depends_on.iter().map(|d| id(d)).collect(),
    }
}
