//! Commands wait while a customer is served, go out once they may, and end confirmed, refused or expired.

use super::*;
use devices::command::*;
use devices::telemetry::Busy;

const FREE: Now = Now {
    online: true,
    busy: None,
};

fn fed() -> Vec<DeviceId> {
    vec![id("T00")]
}

#[test]
fn a_command_is_confirmed_by_its_device() {
    let mut c = Commands::new(1);
    let t = device("T00", DeviceKind::Terminal, &[]);
    let step = c
        .request(
            &t,
            &[],
            Action::OutOfService { out: true },
            "2001",
            60_000,
            FREE,
            1_000,
        )
        .unwrap();
    assert_eq!(step.send.len(), 1);
    let (to, order) = &step.send[0];
    assert_eq!((to, order.id, order.expires_at), (&id("T00"), 1, 61_000));
    assert_eq!(step.changed[0].state, CommandState::Sent { at: 1_000 });
    // Another device answering, or a reply to nothing, changes nothing.
    let reply = Reply {
        id: 1,
        outcome: Outcome::Done,
    };
    assert_eq!(c.reply(&id("T01"), reply.clone(), 2_000), None);
    let done = c.reply(&id("T00"), reply.clone(), 2_000).unwrap();
    assert_eq!(done.state, CommandState::Confirmed { at: 2_000 });
    assert_eq!(c.reply(&id("T00"), reply, 2_001), None, "answered once");
    assert_eq!(c.live().count(), 0);
}

#[test]
fn a_terminal_mid_payment_is_not_interrupted() {
    let mut c = Commands::new(1);
    let t = device("T00", DeviceKind::Terminal, &[]);
    let paying = Now {
        online: true,
        busy: Some(Busy::Payment),
    };
    let step = c
        .request(
            &t,
            &[],
            Action::OutOfService { out: true },
            "2001",
            60_000,
            paying,
            0,
        )
        .unwrap();
    assert!(step.send.is_empty());
    assert_eq!(
        step.changed[0].state,
        CommandState::Waiting {
            hold: Hold::Serving(Busy::Payment)
        }
    );
    assert_eq!(c.device_now(&id("T00"), paying, 5_000), Step::default());
    let freed = c.device_now(&id("T00"), FREE, 9_000);
    assert_eq!(freed.send.len(), 1);
    assert_eq!(freed.changed[0].state, CommandState::Sent { at: 9_000 });
    // Bringing a terminal back into service never waits for a customer.
    let mut c = Commands::new(1);
    let back = c
        .request(
            &t,
            &[],
            Action::OutOfService { out: false },
            "2001",
            60_000,
            paying,
            0,
        )
        .unwrap();
    assert_eq!(back.send.len(), 1);
}

#[test]
fn a_device_that_never_answers_leaves_the_command_failed() {
    let mut c = Commands::new(1);
    let d = device("D1", DeviceKind::Display, &[]);
    c.request(&d, &[], Action::Reload, "2001", 10_000, FREE, 0)
        .unwrap();
    assert!(c.tick(9_999).is_empty());
    let failed = c.tick(10_000);
    assert_eq!(
        failed[0].state,
        CommandState::Expired {
            at: 10_000,
            sent: true
        }
    );
    // Offline all along: expired without ever going out.
    let off = Now {
        online: false,
        busy: None,
    };
    c.request(&d, &[], Action::Reload, "2001", 10_000, off, 20_000)
        .unwrap();
    let failed = c.tick(30_000);
    assert_eq!(
        failed[0].state,
        CommandState::Expired {
            at: 30_000,
            sent: false
        }
    );
}

#[test]
fn commands_fit_their_devices() {
    let mut c = Commands::new(1);
    let kiosk = device("K1", DeviceKind::Kiosk, &[]);
    let display = device("D1", DeviceKind::Display, &[]);
    let ups = device("ups", DeviceKind::Ups, &[]);
    assert_eq!(
        c.request(
            &kiosk,
            &[],
            Action::OutOfService { out: true },
            "2001",
            60_000,
            FREE,
            0
        ),
        Err(CommandError::NotFor(DeviceKind::Kiosk))
    );
    let msg = |text: &str, seconds| Action::ShowMessage {
        text: text.into(),
        seconds,
    };
    for bad in [
        msg("", 10),
        msg(&"字".repeat(61), 10),
        msg("好", 0),
        msg("好", 3_601),
    ] {
        assert_eq!(
            c.request(&display, &[], bad, "2001", 60_000, FREE, 0),
            Err(CommandError::BadMessage)
        );
    }
    assert_eq!(
        c.request(&display, &[], msg("系统维护中", 60), "2001", 1_000, FREE, 0),
        Err(CommandError::BadTtl)
    );
    let cycle = |t: &str| Action::PowerCycle { target: id(t) };
    assert_eq!(
        c.request(&ups, &fed(), cycle("T09"), "2001", 60_000, FREE, 0),
        Err(CommandError::NotFed(id("T09")))
    );
    assert_eq!(
        c.request(&ups, &fed(), cycle("ups"), "2001", 60_000, FREE, 0),
        Err(CommandError::NotFed(id("ups")))
    );
    c.request(&ups, &fed(), cycle("T00"), "2001", 60_000, FREE, 0)
        .unwrap();
    assert_eq!(
        c.request(&ups, &fed(), cycle("T00"), "2001", 60_000, FREE, 0),
        Err(CommandError::Busy(1)),
        "one command per device at a time"
    );
}

#[test]
fn the_wire_is_tagged() {
    let o = Order {
        id: 3,
        action: Action::ShowMessage {
            text: "请到 5 号窗口".into(),
            seconds: 30,
        },
        expires_at: 9,
    };
    let json = serde_json::to_string(&o).unwrap();
    assert_eq!(
        json,
        r#"{"id":3,"action":{"kind":"show_message","text":"请到 5 号窗口","seconds":30},"expires_at":9}"#
    );
    let r: Reply =
        serde_json::from_str(r#"{"id":3,"outcome":"refused","reason":"正在交易"}"#).unwrap();
    assert_eq!(
        r.outcome,
        Outcome::Refused {
            reason: "正在交易".into()
        }
    );
}
