//! Which release a hall is offered: channels, staged percentages with a stable place per hall, pause and withdrawal.
//!
//! Pure: the rules live here, the tables in `releases.rs`.
//! - A hall's place in a rollout (`bucket`, 0–99) comes from its code alone,
//!   so it never changes and a rollout widened from 10 % to 20 % keeps the
//!   first 10 %.
//! - An active release is offered to a hall in its channel (`pilot` releases
//!   only to pilot halls) whose bucket is below the release's percentage,
//!   when it is newer than what the hall runs; the newest such release wins.
//! - A paused release is offered to no one new (halls already on it stay).
//! - A hall running a withdrawn release is offered the newest release below
//!   it that is not withdrawn and is in its channel, whatever the percentages
//!   (a rollback must reach everyone on the bad version).

use sha2::{Digest, Sha256};
use std::fmt;

/// `major.minor.patch`, compared numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().split('.');
        let mut next = || -> Option<u64> {
            let p = parts.next()?;
            if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let v = Self(next()?, next()?, next()?);
        parts.next().is_none().then_some(v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Pilot halls only.
    Pilot,
    /// Every hall.
    All,
}

impl Channel {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pilot" => Some(Self::Pilot),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Pilot => "pilot",
            Self::All => "all",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    Paused,
    Withdrawn,
}

impl State {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(Self::Active),
            "paused" => Some(Self::Paused),
            "withdrawn" => Some(Self::Withdrawn),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub channel: Channel,
    /// 0–100: the share of halls (by bucket) it is offered to.
    pub percent: u8,
    pub state: State,
}

/// A hall's stable place in every rollout, 0–99.
pub fn bucket(hall: &str) -> u8 {
    let d = Sha256::digest(hall.as_bytes());
    (u16::from_be_bytes([d[0], d[1]]) % 100) as u8
}

/// The release to offer a hall in `pilot` (or not) at `bucket` running `current`, if any.
pub fn offer(releases: &[Release], pilot: bool, bucket: u8, current: Version) -> Option<&Release> {
    let in_channel = |r: &&Release| r.channel == Channel::All || pilot;
    let on_withdrawn = releases
        .iter()
        .any(|r| r.version == current && r.state == State::Withdrawn);
    if on_withdrawn {
        return releases
            .iter()
            .filter(in_channel)
            .filter(|r| r.version < current && r.state != State::Withdrawn)
            .max_by_key(|r| r.version);
    }
    releases
        .iter()
        .filter(in_channel)
        .filter(|r| r.state == State::Active && bucket < r.percent && r.version > current)
        .max_by_key(|r| r.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: (u64, u64, u64), channel: Channel, percent: u8, state: State) -> Release {
        Release {
            version: Version(v.0, v.1, v.2),
            channel,
            percent,
            state,
        }
    }

    #[test]
    fn versions_parse_strictly_and_compare_numerically() {
        assert_eq!(Version::parse("1.10.0"), Some(Version(1, 10, 0)));
        assert!(Version::parse("1.10.0") > Version::parse("1.9.9"));
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "1.2.x",
            "-1.2.3",
            "1..3",
            "1.2.3-beta",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
        assert_eq!(Version(2, 0, 1).to_string(), "2.0.1");
    }

    #[test]
    fn a_staged_rollout_reaches_its_share_of_halls_and_keeps_them_when_widened() {
        let halls: Vec<String> = (0..2000).map(|i| format!("H{i:04}")).collect();
        let at = |percent: u8| -> Vec<&String> {
            let rel = [r((1, 1, 0), Channel::All, percent, State::Active)];
            halls
                .iter()
                .filter(|h| offer(&rel, false, bucket(h), Version(1, 0, 0)).is_some())
                .collect()
        };
        let ten = at(10);
        let share = ten.len() as f64 / halls.len() as f64;
        assert!((0.08..=0.12).contains(&share), "10 % reached {share}");
        let twenty = at(20);
        assert!(
            ten.iter().all(|h| twenty.contains(h)),
            "widening keeps the first halls"
        );
        assert_eq!(at(0).len(), 0);
        assert_eq!(at(100).len(), halls.len());
        // Stable: the same hall always lands in the same place.
        assert_eq!(bucket("H0101"), bucket("H0101"));
    }

    #[test]
    fn channels_pause_and_the_newest_eligible_release() {
        let rel = [
            r((1, 1, 0), Channel::All, 100, State::Active),
            r((1, 2, 0), Channel::Pilot, 100, State::Active),
            r((1, 3, 0), Channel::All, 100, State::Paused),
        ];
        let current = Version(1, 0, 0);
        assert_eq!(
            offer(&rel, false, 50, current).unwrap().version,
            Version(1, 1, 0)
        );
        assert_eq!(
            offer(&rel, true, 50, current).unwrap().version,
            Version(1, 2, 0)
        );
        assert_eq!(
            offer(&rel, true, 50, Version(1, 2, 0)),
            None,
            "nothing newer active"
        );
        assert_eq!(
            offer(&rel, false, 50, Version(1, 3, 0)),
            None,
            "a paused release stays where it is"
        );
    }

    #[test]
    fn a_withdrawn_release_is_never_offered_and_its_halls_roll_back() {
        let rel = [
            r((1, 1, 0), Channel::All, 100, State::Active),
            r((1, 2, 0), Channel::Pilot, 100, State::Active),
            r((1, 3, 0), Channel::All, 100, State::Withdrawn),
        ];
        assert_eq!(offer(&rel, false, 5, Version(1, 1, 0)), None);
        assert_eq!(
            offer(&rel, false, 5, Version(1, 3, 0)).unwrap().version,
            Version(1, 1, 0)
        );
        assert_eq!(
            offer(&rel, true, 5, Version(1, 3, 0)).unwrap().version,
            Version(1, 2, 0)
        );
        // A rollback ignores the percentage: everyone on the bad version leaves it.
        let staged = [
            r((1, 1, 0), Channel::All, 0, State::Paused),
            r((1, 3, 0), Channel::All, 10, State::Withdrawn),
        ];
        assert_eq!(
            offer(&staged, false, 99, Version(1, 3, 0)).unwrap().version,
            Version(1, 1, 0)
        );
        // With nothing good below, nothing is offered.
        assert_eq!(offer(&rel[2..], false, 5, Version(1, 3, 0)), None);
    }
}
