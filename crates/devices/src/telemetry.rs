//! What an MQTT device publishes and is sent (the wire between the hall's devices and its hall node), and the faults a report means.
//!
//! Topics, all under the hall's prefix `yyt/<hall>/dev/<device>/`:
//! - `report` (device → hall, QoS 1): a [`Report`], at least every heartbeat interval;
//! - `status` (device → hall, retained; also the device's last will): a [`Status`];
//! - `cmd` (hall → device, QoS 1) and `reply` (device → hall): commands and their outcome.
//!
//! A report speaks only for the metrics it carries: a metric left out
//! neither raises nor clears its faults. Unknown fields are ignored, so a
//! newer device talks to an older hall node.

use crate::alarm::Fault;
use crate::registry::DeviceId;
use serde::{Deserialize, Serialize};

/// The largest payload the hall node reads; a larger one is dropped with a log line.
pub const MAX_PAYLOAD: usize = 4 * 1024;

/// The topic prefix of one hall's devices.
pub fn hall_prefix(hall: &str) -> String {
    format!("yyt/{hall}/dev/")
}

/// The topic a device publishes `leaf` on.
pub fn topic(hall: &str, device: &DeviceId, leaf: Leaf) -> String {
    format!("yyt/{hall}/dev/{device}/{}", leaf.as_str())
}

/// The last part of a device topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Report,
    Status,
    Cmd,
    Reply,
}

impl Leaf {
    pub fn as_str(self) -> &'static str {
        match self {
            Leaf::Report => "report",
            Leaf::Status => "status",
            Leaf::Cmd => "cmd",
            Leaf::Reply => "reply",
        }
    }
}

/// A topic of hall `hall` split into its device and leaf; `None` for any
/// other topic (another hall's, a bad id, an unknown leaf).
pub fn parse_topic(hall: &str, topic: &str) -> Option<(DeviceId, Leaf)> {
    let rest = topic.strip_prefix(&hall_prefix(hall))?;
    let (id, leaf) = rest.split_once('/')?;
    let leaf = match leaf {
        "report" => Leaf::Report,
        "status" => Leaf::Status,
        "cmd" => Leaf::Cmd,
        "reply" => Leaf::Reply,
        _ => return None,
    };
    Some((DeviceId::parse(id).ok()?, leaf))
}

/// A device's connection as it announces it (`online` on connect; `offline` is its last will).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Online,
    Offline,
}

/// A card reader's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reader {
    Ok,
    Fault,
}

/// What a device is doing that a command must not interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Busy {
    /// A payment is in progress at a terminal.
    Payment,
    /// A customer is rating at a pad.
    Rating,
}

/// A device's measurements; each is optional (a device sends what it has).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Paper left in the receipt printer, per cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_pct: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer_jam: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_reader: Option<Reader>,
    /// How full the cash box is, per cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_box_pct: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_c: Option<f32>,
    /// A UPS running on its battery (mains lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_battery: Option<bool>,
    /// A UPS's battery time left, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery_min: Option<u16>,
    /// A switch's uplink, or a device's network link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_up: Option<bool>,
    /// A terminal switched out of service (by a command or its own door switch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_service: Option<bool>,
    /// A camera's recorder held because the storage is full of footage that must be kept (the hall node's own report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_full: Option<bool>,
}

/// One report of a device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The device's own counter, for the log; the hall node does not rely on it.
    #[serde(default)]
    pub seq: u64,
    #[serde(default)]
    pub metrics: Metrics,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy: Option<Busy>,
}

/// Where a metric turns into a fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub paper_low_pct: u8,
    pub cash_box_full_pct: u8,
    pub hot_c: f32,
    pub battery_low_min: u16,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            paper_low_pct: 15,
            cash_box_full_pct: 95,
            hot_c: 45.0,
            battery_low_min: 10,
        }
    }
}

impl Metrics {
    /// The faults these metrics speak for, each active or not. A fault whose
    /// metric is absent is not in the list (it stays as it was).
    pub fn faults(&self, t: &Thresholds) -> Vec<(Fault, bool)> {
        let mut out = Vec::new();
        if let Some(p) = self.paper_pct {
            out.push((Fault::PaperOut, p == 0));
            out.push((Fault::PaperLow, p > 0 && p <= t.paper_low_pct));
        }
        if let Some(jam) = self.printer_jam {
            out.push((Fault::PrinterJam, jam));
        }
        if let Some(r) = self.card_reader {
            out.push((Fault::CardReader, r == Reader::Fault));
        }
        if let Some(c) = self.cash_box_pct {
            out.push((Fault::CashBoxFull, c >= t.cash_box_full_pct));
        }
        if let Some(c) = self.temperature_c {
            out.push((Fault::OverTemperature, c.is_finite() && c >= t.hot_c));
        }
        if let Some(b) = self.on_battery {
            out.push((Fault::OnBattery, b));
            let low = b && self.battery_min.is_some_and(|m| m <= t.battery_low_min);
            out.push((Fault::BatteryLow, low));
        }
        if let Some(up) = self.link_up {
            out.push((Fault::LinkDown, !up));
        }
        if let Some(full) = self.storage_full {
            out.push((Fault::StorageFull, full));
        }
        out
    }
}

/// What a device said, as the hall node's MQTT side hands it to the alarms.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Report(Report),
    Status(Status),
    /// Its answer to a command (on its `reply` topic).
    Reply(crate::command::Reply),
}

/// One message of one device, stamped with the hall node's clock when it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    pub device: DeviceId,
    pub at: crate::Millis,
    pub message: Message,
}
