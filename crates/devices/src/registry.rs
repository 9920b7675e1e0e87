//! The hall's device registry: each device's kind, name, place on the floor plan and what it depends on, checked as a whole.
//!
//! A device id is short and URL- and topic-safe (`T01`, `ups-1`), so it can
//! stand in an MQTT topic and a page address as it is. The registry refuses
//! a dependency on an unknown device and any cycle, so "what hangs on what"
//! is always a forest whose roots are the switch and the UPS.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The most devices one hall registers.
pub const MAX_DEVICES: usize = 2_000;
/// The longest device id.
pub const MAX_ID: usize = 32;
/// The longest device name, in characters.
pub const MAX_NAME: usize = 40;
/// The most devices one device may depend on.
pub const MAX_DEPENDS: usize = 4;
/// Floor-plan coordinates run from 0 to this, on both axes (per mille of the plan).
pub const PLAN: u16 = 1000;

/// A device's id: 1–32 of `A–Z a–z 0–9 - _`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    pub fn parse(raw: &str) -> Result<Self, RegistryError> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_ID
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(RegistryError::BadId(raw.chars().take(MAX_ID + 8).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeviceId {
    type Error = RegistryError;
    fn try_from(s: String) -> Result<Self, RegistryError> {
        Self::parse(&s)
    }
}

impl From<DeviceId> for String {
    fn from(id: DeviceId) -> String {
        id.0
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// 取号机: issues tickets.
    Kiosk,
    /// 评价器: rates the service at one counter.
    Pad,
    /// 叫号屏: shows the calls and the hall's programs.
    Display,
    /// 自助缴费终端: self-service payment terminal.
    Terminal,
    /// 柜台电脑: the clerk's PC running the workbench.
    CounterPc,
    /// 摄像机.
    Camera,
    /// 网络交换机.
    Switch,
    /// 不间断电源.
    Ups,
}

/// How a device is heard from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// A page the hall node serves, present through its live connection.
    Web,
    /// An MQTT client: heartbeats, metrics and a last will.
    Mqtt,
    /// A video stream, present while it delivers (the recorder tells).
    Stream,
}

impl DeviceKind {
    pub const ALL: [DeviceKind; 8] = [
        DeviceKind::Kiosk,
        DeviceKind::Pad,
        DeviceKind::Display,
        DeviceKind::Terminal,
        DeviceKind::CounterPc,
        DeviceKind::Camera,
        DeviceKind::Switch,
        DeviceKind::Ups,
    ];

    pub fn link(self) -> Link {
        match self {
            DeviceKind::Kiosk | DeviceKind::Pad | DeviceKind::Display | DeviceKind::CounterPc => {
                Link::Web
            }
            DeviceKind::Terminal | DeviceKind::Switch | DeviceKind::Ups => Link::Mqtt,
            DeviceKind::Camera => Link::Stream,
        }
    }

    /// Whether a device of this kind belongs to one counter.
    pub fn at_counter(self) -> bool {
        matches!(self, DeviceKind::Pad | DeviceKind::CounterPc)
    }

    /// The name in the hall's language.
    pub fn label_zh(self) -> &'static str {
        match self {
            DeviceKind::Kiosk => "取号机",
            DeviceKind::Pad => "评价器",
            DeviceKind::Display => "叫号屏",
            DeviceKind::Terminal => "自助缴费终端",
            DeviceKind::CounterPc => "柜台电脑",
            DeviceKind::Camera => "摄像机",
            DeviceKind::Switch => "网络交换机",
            DeviceKind::Ups => "不间断电源",
        }
    }
}

/// A place on the hall's floor plan, per mille of its width and depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spot {
    pub x: u16,
    pub y: u16,
}

/// One registered device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    pub kind: DeviceKind,
    pub name: String,
    pub spot: Spot,
    /// The counter a pad or counter PC belongs to.
    #[serde(default)]
    pub counter: Option<u16>,
    /// The devices this one cannot work without (its PC, the switch, the UPS).
    #[serde(default)]
    pub depends_on: Vec<DeviceId>,
}

/// Why a registry, or a change to it, was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    BadId(String),
    BadName,
    OffPlan,
    /// A pad or counter PC without a counter, or another kind with one.
    Counter,
    Duplicate(DeviceId),
    UnknownDependency(DeviceId),
    TooManyDependencies,
    Cycle(DeviceId),
    Full,
    Unknown(DeviceId),
    /// Removing it would leave these depending on nothing.
    HasDependants(Vec<DeviceId>),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::BadId(id) => {
                write!(f, "设备编号 {id:?} 不合规（1–32 位字母、数字、- 或 _）")
            }
            RegistryError::BadName => write!(f, "设备名称应为 1–{MAX_NAME} 个字"),
            RegistryError::OffPlan => write!(f, "位置超出平面图（0–{PLAN}）"),
            RegistryError::Counter => write!(f, "评价器和柜台电脑须指定窗口，其他设备不指定"),
            RegistryError::Duplicate(id) => write!(f, "设备 {id} 已存在"),
            RegistryError::UnknownDependency(id) => write!(f, "所依赖的设备 {id} 不存在"),
            RegistryError::TooManyDependencies => {
                write!(f, "一台设备最多依赖 {MAX_DEPENDS} 台设备")
            }
            RegistryError::Cycle(id) => write!(f, "依赖关系出现循环（经过 {id}）"),
            RegistryError::Full => write!(f, "设备数量已达上限 {MAX_DEVICES}"),
            RegistryError::Unknown(id) => write!(f, "没有设备 {id}"),
            RegistryError::HasDependants(ids) => {
                let ids: Vec<_> = ids.iter().map(DeviceId::as_str).collect();
                write!(f, "仍有设备依赖它：{}", ids.join("、"))
            }
        }
    }
}

impl Device {
    /// The checks one device passes on its own.
    pub fn check(&self) -> Result<(), RegistryError> {
        let chars = self.name.trim().chars().count();
        if chars == 0 || chars > MAX_NAME || self.name.chars().any(char::is_control) {
            return Err(RegistryError::BadName);
        }
        if self.spot.x > PLAN || self.spot.y > PLAN {
            return Err(RegistryError::OffPlan);
        }
        if self.kind.at_counter() != self.counter.is_some() {
            return Err(RegistryError::Counter);
        }
        if self.depends_on.len() > MAX_DEPENDS {
            return Err(RegistryError::TooManyDependencies);
        }
        if self.depends_on.contains(&self.id) {
            return Err(RegistryError::Cycle(self.id.clone()));
        }
        Ok(())
    }
}

/// Every device of one hall, a valid whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    devices: BTreeMap<DeviceId, Device>,
}

impl Registry {
    /// A registry of `devices`, refused whole if any does not fit.
    pub fn new(devices: impl IntoIterator<Item = Device>) -> Result<Self, RegistryError> {
        let mut map = BTreeMap::new();
        for d in devices {
            d.check()?;
            if map.len() >= MAX_DEVICES {
                return Err(RegistryError::Full);
            }
            if map.contains_key(&d.id) {
                return Err(RegistryError::Duplicate(d.id));
            }
            map.insert(d.id.clone(), d);
        }
        let r = Self { devices: map };
        r.check_links()?;
        Ok(r)
    }

    fn check_links(&self) -> Result<(), RegistryError> {
        for d in self.devices.values() {
            if let Some(missing) = d.depends_on.iter().find(|p| !self.devices.contains_key(*p)) {
                return Err(RegistryError::UnknownDependency(missing.clone()));
            }
        }
        // Depth-first, colouring: a grey node met again is a cycle.
        let mut done = BTreeSet::new();
        for start in self.devices.keys() {
            let mut path = BTreeSet::new();
            self.visit(start, &mut path, &mut done)?;
        }
        Ok(())
    }

    fn visit<'a>(
        &'a self,
        id: &'a DeviceId,
        path: &mut BTreeSet<&'a DeviceId>,
        done: &mut BTreeSet<&'a DeviceId>,
    ) -> Result<(), RegistryError> {
        if done.contains(id) {
            return Ok(());
        }
        if !path.insert(id) {
            return Err(RegistryError::Cycle(id.clone()));
        }
        for p in &self.devices[id].depends_on {
            self.visit(p, path, done)?;
        }
        path.remove(id);
        done.insert(id);
        Ok(())
    }

    /// The registry with `device` added, or replacing the one of its id.
    pub fn with(&self, device: Device) -> Result<Self, RegistryError> {
        let mut next = self.devices.clone();
        device.check()?;
        if !next.contains_key(&device.id) && next.len() >= MAX_DEVICES {
            return Err(RegistryError::Full);
        }
        next.insert(device.id.clone(), device);
        let r = Self { devices: next };
        r.check_links()?;
        Ok(r)
    }

    /// The registry without `id`; refused while others depend on it.
    pub fn without(&self, id: &DeviceId) -> Result<Self, RegistryError> {
        if !self.devices.contains_key(id) {
            return Err(RegistryError::Unknown(id.clone()));
        }
        let dependants = self.dependants(id);
        if !dependants.is_empty() {
            return Err(RegistryError::HasDependants(dependants));
        }
        let mut next = self.devices.clone();
        next.remove(id);
        Ok(Self { devices: next })
    }

    pub fn get(&self, id: &DeviceId) -> Option<&Device> {
        self.devices.get(id)
    }

    pub fn devices(&self) -> impl Iterator<Item = &Device> {
        self.devices.values()
    }

    pub fn len(&self) -> usize {
        self.devices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// The devices that depend on `id` directly.
    pub fn dependants(&self, id: &DeviceId) -> Vec<DeviceId> {
        self.devices
            .values()
            .filter(|d| d.depends_on.contains(id))
            .map(|d| d.id.clone())
            .collect()
    }

    /// What each device depends on directly (for the alarm engine).
    pub fn parents(&self) -> BTreeMap<DeviceId, Vec<DeviceId>> {
        self.devices
            .values()
            .map(|d| (d.id.clone(), d.depends_on.clone()))
            .collect()
    }
}
