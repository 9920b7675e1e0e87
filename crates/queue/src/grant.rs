//! Priority is earned, not chosen: who may issue a ticket in which priority class.
//!
//! Each class says who grants it (`PriorityGrant`). A customer at a kiosk may
//! choose only the self-service classes (normal, the green channel). An
//! appointment needs its code, which the hall cannot check yet (there is no
//! appointment book), so a kiosk refuses it and staff check in the customer.
//! Any other class (an important customer, known from the customer's record)
//! is granted only by a clerk or supervisor issuing on the customer's behalf,
//! and the ticket records who did. The hall node applies this rule to every
//! issue; the engine itself accepts any configured class, so a journal
//! written before the rule existed still replays.

use crate::config::{PriorityGrant, QueueConfig};

/// Who asks for a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    /// The customer, at a kiosk.
    Kiosk,
    /// A clerk or supervisor issuing on the customer's behalf, having seen the proof.
    Staff,
}

/// Why a priority class is refused to an issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantRefusal {
    UnknownPriority(String),
    /// 预约签到 needs its appointment code, and a kiosk cannot check one.
    AppointmentCodeRequired,
    /// Only staff may grant this class.
    StaffOnly,
}

/// Whether `issuer` may put a ticket in priority class `code` of `config`.
pub fn may_grant(config: &QueueConfig, code: &str, issuer: Issuer) -> Result<(), GrantRefusal> {
    let class = config
        .priority(code)
        .ok_or_else(|| GrantRefusal::UnknownPriority(code.to_owned()))?;
    match (class.grant, issuer) {
        (PriorityGrant::SelfService, _) | (_, Issuer::Staff) => Ok(()),
        (PriorityGrant::Appointment, Issuer::Kiosk) => Err(GrantRefusal::AppointmentCodeRequired),
        (PriorityGrant::Staff, Issuer::Kiosk) => Err(GrantRefusal::StaffOnly),
    }
}

/// The classes a kiosk may offer, in the set-up's order.
pub fn self_service(config: &QueueConfig) -> impl Iterator<Item = &crate::PriorityClass> {
    config
        .priorities
        .iter()
        .filter(|p| p.grant == PriorityGrant::SelfService)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConfigError, PriorityClass, NORMAL};

    #[test]
    fn a_kiosk_may_choose_normal_and_the_green_channel_only() {
        let c = QueueConfig::demo();
        assert_eq!(may_grant(&c, NORMAL, Issuer::Kiosk), Ok(()));
        assert_eq!(may_grant(&c, "green", Issuer::Kiosk), Ok(()));
        assert_eq!(
            may_grant(&c, "appointment", Issuer::Kiosk),
            Err(GrantRefusal::AppointmentCodeRequired)
        );
        assert_eq!(
            may_grant(&c, "vip", Issuer::Kiosk),
            Err(GrantRefusal::StaffOnly)
        );
        let offered: Vec<&str> = self_service(&c).map(|p| p.code.as_str()).collect();
        assert_eq!(offered, ["green", NORMAL]);
    }

    #[test]
    fn staff_may_grant_every_class() {
        let c = QueueConfig::demo();
        for p in &c.priorities {
            assert_eq!(may_grant(&c, &p.code, Issuer::Staff), Ok(()), "{}", p.code);
        }
    }

    #[test]
    fn an_unknown_class_is_refused_to_everyone() {
        let c = QueueConfig::demo();
        for issuer in [Issuer::Kiosk, Issuer::Staff] {
            assert_eq!(
                may_grant(&c, "king", issuer),
                Err(GrantRefusal::UnknownPriority("king".into()))
            );
        }
    }

    #[test]
    fn a_class_that_does_not_say_who_grants_it_needs_staff() {
        // The province's classes carry no grant: known codes keep their meaning, others need proof.
        let p: PriorityClass = serde_json::from_str(
            r#"{"code":"military","name_zh":"军人优先","name_en":"Armed forces","weight":25}"#,
        )
        .unwrap();
        assert_eq!(p.grant, PriorityGrant::Staff);
        for (code, grant) in [
            (NORMAL, PriorityGrant::SelfService),
            ("green", PriorityGrant::SelfService),
            ("appointment", PriorityGrant::Appointment),
            ("vip", PriorityGrant::Staff),
        ] {
            let json = format!(r#"{{"code":"{code}","name_zh":"x","name_en":"x","weight":1}}"#);
            let p: PriorityClass = serde_json::from_str(&json).unwrap();
            assert_eq!(p.grant, grant, "{code}");
        }
        // A set-up that says so is followed, and written back with its grant.
        let p: PriorityClass = serde_json::from_str(
            r#"{"code":"military","name_zh":"军人优先","name_en":"Armed forces","weight":25,"grant":"self_service"}"#,
        )
        .unwrap();
        assert_eq!(p.grant, PriorityGrant::SelfService);
        let back: PriorityClass =
            serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_day_journaled_before_grants_reads_back_with_them() {
        let mut json = serde_json::to_value(QueueConfig::demo()).unwrap();
        for p in json["priorities"].as_array_mut().unwrap() {
            p.as_object_mut().unwrap().remove("grant");
        }
        let c: QueueConfig = serde_json::from_value(json).unwrap();
        assert_eq!(c, QueueConfig::demo());
    }

    #[test]
    fn normal_must_stay_the_customers_choice() {
        let mut c = QueueConfig::demo();
        c.priorities
            .iter_mut()
            .find(|p| p.code == NORMAL)
            .unwrap()
            .grant = PriorityGrant::Staff;
        assert_eq!(c.check(), Err(ConfigError::NormalNotSelfService));
    }
}
