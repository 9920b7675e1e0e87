//! Queue engine tests: a scenario per rule, and properties over random operation sequences.

use domain::StaffNo;
use proptest::prelude::*;
use queue::{
    BusinessCode, Command, ConfigError, CounterConfig, CounterNo, CounterStatus, Event, HallQueue,
    Millis, QueueConfig, QueueError, Rating, Score, Ticket, TicketId, TicketNo, TicketState,
    TransferPlacement, NORMAL,
};

const T0: Millis = 1_700_000_000_000;
const MIN: Millis = 60_000;

fn b(c: char) -> BusinessCode {
    BusinessCode::parse(&c.to_string()).unwrap()
}
fn c(n: u16) -> CounterNo {
    CounterNo::new(n).unwrap()
}
fn staff(s: &str) -> StaffNo {
    StaffNo::parse(s).unwrap()
}

/// The demo hall with counters 1 (A,C), 2 (A,C), 3 (B,D) … open.
fn hall(open: &[u16]) -> HallQueue {
    let mut q = HallQueue::new(QueueConfig::demo(), 20_000, 1).unwrap();
    for &n in open {
        q.apply(
            &Command::OpenCounter {
                counter: c(n),
                staff: staff(&format!("{}", 1000 + n)),
            },
            T0,
        )
        .unwrap();
    }
    q
}

fn issue(q: &mut HallQueue, business: char, priority: &str, at: Millis) -> Ticket {
    let events = q
        .apply(
            &Command::Issue {
                business: b(business),
                priority: priority.into(),
                customer: None,
                granted_by: None,
            },
            at,
        )
        .unwrap();
    match &events[0] {
        Event::Issued { ticket, .. } => ticket.clone(),
        e => panic!("unexpected {e:?}"),
    }
}

fn call(q: &mut HallQueue, counter: u16, at: Millis) -> Result<TicketNo, QueueError> {
    match q
        .apply(
            &Command::CallNext {
                counter: c(counter),
            },
            at,
        )?
        .remove(0)
    {
        Event::Called { no, .. } => Ok(no),
        e => panic!("unexpected {e:?}"),
    }
}

fn serve(q: &mut HallQueue, counter: u16, at: Millis) {
    q.apply(
        &Command::Start {
            counter: c(counter),
        },
        at,
    )
    .unwrap();
    q.apply(
        &Command::Finish {
            counter: c(counter),
            handled: None,
        },
        at + 3 * MIN,
    )
    .unwrap();
}

/// Applies a command that must fail and checks it changed nothing.
fn refused(q: &mut HallQueue, cmd: Command, at: Millis) -> QueueError {
    let before = q.clone();
    let e = q.apply(&cmd, at).unwrap_err();
    assert_eq!(
        *q, before,
        "{cmd:?} failed with {e:?} but changed the state"
    );
    e
}

mod moving;

#[test]
fn numbers_run_per_business_and_print_with_three_digits() {
    let mut q = hall(&[]);
    let a1 = issue(&mut q, 'A', NORMAL, T0);
    let a2 = issue(&mut q, 'A', NORMAL, T0 + 1);
    let b1 = issue(&mut q, 'B', NORMAL, T0 + 2);
    assert_eq!(
        (a1.no.to_string(), a2.no.to_string(), b1.no.to_string()),
        ("A001".into(), "A002".into(), "B001".into())
    );
    assert_ne!(a1.id, a2.id);
}

#[test]
fn priority_first_then_longest_waiting() {
    let mut q = hall(&[1]);
    issue(&mut q, 'A', NORMAL, T0);
    issue(&mut q, 'C', NORMAL, T0 + MIN);
    issue(&mut q, 'A', "vip", T0 + 2 * MIN);
    issue(&mut q, 'C', "green", T0 + 3 * MIN);
    let mut order = Vec::new();
    for i in 0..4 {
        order.push(call(&mut q, 1, T0 + 10 * MIN + i).unwrap().to_string());
        serve(&mut q, 1, T0 + 10 * MIN + i);
    }
    assert_eq!(order, ["A002", "C002", "A001", "C001"]);
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(1) }, T0 + 20 * MIN),
        QueueError::NothingWaiting
    );
}

#[test]
fn preferred_business_first_strategy() {
    let mut config = QueueConfig::demo();
    config.strategy = queue::Strategy::PreferredBusinessFirst;
    let mut q = HallQueue::new(config, 1, 1).unwrap();
    q.apply(
        &Command::OpenCounter {
            counter: c(3),
            staff: staff("1003"),
        },
        T0,
    )
    .unwrap();
    issue(&mut q, 'D', NORMAL, T0);
    issue(&mut q, 'B', NORMAL, T0 + MIN);
    // Counter 3 serves B before D.
    assert_eq!(call(&mut q, 3, T0 + 2 * MIN).unwrap().to_string(), "B001");

    let mut q = hall(&[3]);
    issue(&mut q, 'D', NORMAL, T0);
    issue(&mut q, 'B', NORMAL, T0 + MIN);
    assert_eq!(call(&mut q, 3, T0 + 2 * MIN).unwrap().to_string(), "D001");
}

#[test]
fn overflow_helps_the_longest_queue_only_when_enabled() {
    let mut q = hall(&[1]);
    issue(&mut q, 'B', NORMAL, T0);
    issue(&mut q, 'D', NORMAL, T0 + 1);
    issue(&mut q, 'D', NORMAL, T0 + 2);
    // Counter 1 serves A and C; nobody waits for those, so it helps D (two waiting).
    assert_eq!(call(&mut q, 1, T0 + MIN).unwrap().to_string(), "D001");

    let mut config = QueueConfig::demo();
    config.overflow = false;
    let mut q = HallQueue::new(config, 1, 1).unwrap();
    q.apply(
        &Command::OpenCounter {
            counter: c(1),
            staff: staff("1001"),
        },
        T0,
    )
    .unwrap();
    issue(&mut q, 'B', NORMAL, T0);
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(1) }, T0 + MIN),
        QueueError::NothingWaiting
    );
}

#[test]
fn recall_up_to_the_limit_then_no_show() {
    let mut q = hall(&[1]);
    let t = issue(&mut q, 'A', NORMAL, T0);
    call(&mut q, 1, T0 + MIN).unwrap();
    for n in 1..=2 {
        let e = q
            .apply(&Command::Recall { counter: c(1) }, T0 + 2 * MIN)
            .unwrap();
        assert!(matches!(e[0], Event::Called { recall, .. } if recall == n));
    }
    assert_eq!(
        refused(&mut q, Command::Recall { counter: c(1) }, T0 + 3 * MIN),
        QueueError::RecallLimit { limit: 2 }
    );
    q.apply(&Command::NoShow { counter: c(1) }, T0 + 4 * MIN)
        .unwrap();
    assert!(matches!(
        q.ticket(t.id).unwrap().state,
        TicketState::NoShow { .. }
    ));
    assert_eq!(
        refused(&mut q, Command::NoShow { counter: c(1) }, T0 + 5 * MIN),
        QueueError::NoCurrentTicket(c(1))
    );
}

#[test]
fn a_ticket_is_never_called_by_two_counters() {
    let mut q = hall(&[1, 2]);
    let t = issue(&mut q, 'A', NORMAL, T0);
    q.apply(
        &Command::CallTicket {
            counter: c(1),
            ticket: t.id,
        },
        T0 + 1,
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut q,
            Command::CallTicket {
                counter: c(2),
                ticket: t.id
            },
            T0 + 1
        ),
        QueueError::NotWaiting(t.id)
    );
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(2) }, T0 + 1),
        QueueError::NothingWaiting
    );
    // And a counter holds one customer at a time.
    issue(&mut q, 'A', NORMAL, T0 + 2);
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(1) }, T0 + 3),
        QueueError::CounterBusy(c(1))
    );
}

#[test]
fn call_ticket_respects_skills() {
    let mut q = hall(&[1]);
    let t = issue(&mut q, 'B', NORMAL, T0);
    assert_eq!(
        refused(
            &mut q,
            Command::CallTicket {
                counter: c(1),
                ticket: t.id
            },
            T0 + 1
        ),
        QueueError::NotYourSkill {
            counter: c(1),
            business: b('B')
        }
    );
    assert_eq!(
        refused(
            &mut q,
            Command::CallTicket {
                counter: c(1),
                ticket: TicketId(999)
            },
            T0 + 1
        ),
        QueueError::UnknownTicket(TicketId(999))
    );
}

#[test]
fn transfer_keeps_arrival_or_goes_to_the_front() {
    let mut q = hall(&[1, 3]);
    let first_b = issue(&mut q, 'B', NORMAL, T0 + MIN);
    let a = issue(&mut q, 'A', NORMAL, T0);
    let _ = first_b;
    call(&mut q, 1, T0 + 2 * MIN).unwrap();
    // A001 arrived before B001: keeping its arrival puts it first in B.
    q.apply(
        &Command::Transfer {
            counter: c(1),
            to_business: Some(b('B')),
            to_counter: None,
            placement: TransferPlacement::KeepArrival,
        },
        T0 + 3 * MIN,
    )
    .unwrap();
    assert_eq!(q.ticket(a.id).unwrap().business, b('B'));
    assert_eq!(call(&mut q, 3, T0 + 4 * MIN).unwrap().to_string(), "A001");

    let mut q = hall(&[1, 3]);
    issue(&mut q, 'B', NORMAL, T0);
    issue(&mut q, 'A', NORMAL, T0 + MIN);
    call(&mut q, 1, T0 + 2 * MIN).unwrap();
    q.apply(
        &Command::Transfer {
            counter: c(1),
            to_business: Some(b('B')),
            to_counter: None,
            placement: TransferPlacement::Front,
        },
        T0 + 3 * MIN,
    )
    .unwrap();
    assert_eq!(call(&mut q, 3, T0 + 4 * MIN).unwrap().to_string(), "A001");
    assert_eq!(
        refused(
            &mut q,
            Command::Transfer {
                counter: c(3),
                to_business: Some(b('B')),
                to_counter: None,
                placement: TransferPlacement::Front
            },
            T0
        ),
        QueueError::SameBusiness
    );
}

#[test]
fn transfer_to_a_counter_reserves_the_ticket_for_it() {
    let mut q = hall(&[1, 2, 6]);
    let t = issue(&mut q, 'A', NORMAL, T0);
    call(&mut q, 1, T0 + 1).unwrap();
    q.apply(
        &Command::Transfer {
            counter: c(1),
            to_business: None,
            to_counter: Some(c(6)),
            placement: TransferPlacement::KeepArrival,
        },
        T0 + 2,
    )
    .unwrap();
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(2) }, T0 + 3),
        QueueError::NothingWaiting
    );
    assert_eq!(
        refused(
            &mut q,
            Command::CallTicket {
                counter: c(2),
                ticket: t.id
            },
            T0 + 3
        ),
        QueueError::ReservedForCounter {
            ticket: t.id,
            counter: c(6)
        }
    );
    assert_eq!(q.waiting_count(b('A')), 1);
    assert_eq!(call(&mut q, 6, T0 + 4).unwrap(), t.no);
}

#[test]
fn finish_records_the_handled_business_and_one_rating() {
    let mut q = hall(&[1]);
    let t = issue(&mut q, 'A', NORMAL, T0);
    assert_eq!(
        refused(
            &mut q,
            Command::Rate {
                ticket: t.id,
                rating: Rating::NotRated
            },
            T0
        ),
        QueueError::NotFinished(t.id)
    );
    call(&mut q, 1, T0 + MIN).unwrap();
    assert_eq!(
        refused(
            &mut q,
            Command::Finish {
                counter: c(1),
                handled: None
            },
            T0 + MIN
        ),
        QueueError::NotServing(t.id)
    );
    q.apply(&Command::Start { counter: c(1) }, T0 + 2 * MIN)
        .unwrap();
    assert_eq!(
        refused(
            &mut q,
            Command::Finish {
                counter: c(1),
                handled: Some(b('Z'))
            },
            T0 + 3 * MIN
        ),
        QueueError::UnknownBusiness(b('Z'))
    );
    let e = q
        .apply(
            &Command::Finish {
                counter: c(1),
                handled: Some(b('C')),
            },
            T0 + 6 * MIN,
        )
        .unwrap();
    assert!(
        matches!(&e[0], Event::Finished { handled, service_secs: 240, .. } if *handled == b('C'))
    );
    let rating = Rating::Rated {
        score: Score::new(5).unwrap(),
        reasons: vec![],
    };
    q.apply(
        &Command::Rate {
            ticket: t.id,
            rating: rating.clone(),
        },
        T0 + 7 * MIN,
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut q,
            Command::Rate {
                ticket: t.id,
                rating
            },
            T0 + 8 * MIN
        ),
        QueueError::AlreadyRated(t.id)
    );
    assert!(matches!(
        &q.ticket(t.id).unwrap().state,
        TicketState::Done {
            rating: Some(_),
            ..
        }
    ));
}

#[test]
fn an_unrated_service_is_not_rated_once_its_counter_finishes_the_next() {
    let mut q = hall(&[1, 2]);
    let first = issue(&mut q, 'A', NORMAL, T0);
    let elsewhere = issue(&mut q, 'A', NORMAL, T0 + 1);
    let second = issue(&mut q, 'A', NORMAL, T0 + 2);
    let rated = issue(&mut q, 'A', NORMAL, T0 + 3);
    call(&mut q, 1, T0 + MIN).unwrap();
    serve(&mut q, 1, T0 + MIN);
    call(&mut q, 2, T0 + 2 * MIN).unwrap();
    serve(&mut q, 2, T0 + 2 * MIN);
    call(&mut q, 1, T0 + 5 * MIN).unwrap();
    q.apply(&Command::Start { counter: c(1) }, T0 + 5 * MIN)
        .unwrap();
    let finish = Command::Finish {
        counter: c(1),
        handled: None,
    };
    let e = q.apply(&finish, T0 + 9 * MIN).unwrap();
    assert!(matches!(&e[0], Event::Finished { ticket, .. } if *ticket == second.id));
    assert_eq!(
        e[1..],
        [Event::RatingMissed {
            ticket: first.id,
            no: first.no,
            counter: c(1),
            staff: staff("1001"),
        }],
        "the first service is superseded"
    );
    assert!(matches!(
        &q.ticket(first.id).unwrap().state,
        TicketState::Done {
            rating: Some(Rating::NotRated),
            ..
        }
    ));
    let five = Rating::Rated {
        score: Score::new(5).unwrap(),
        reasons: vec![],
    };
    assert_eq!(
        refused(
            &mut q,
            Command::Rate {
                ticket: first.id,
                rating: five.clone()
            },
            T0 + 10 * MIN
        ),
        QueueError::AlreadyRated(first.id),
        "a superseded service cannot be rated late"
    );
    // Another counter's service still awaits its pad.
    assert!(matches!(
        &q.ticket(elsewhere.id).unwrap().state,
        TicketState::Done { rating: None, .. }
    ));
    // A rated service is not touched by the next one.
    q.apply(
        &Command::Rate {
            ticket: second.id,
            rating: five.clone(),
        },
        T0 + 10 * MIN,
    )
    .unwrap();
    call(&mut q, 1, T0 + 11 * MIN).unwrap();
    q.apply(&Command::Start { counter: c(1) }, T0 + 11 * MIN)
        .unwrap();
    let e = q.apply(&finish, T0 + 12 * MIN).unwrap();
    assert!(matches!(&e[..], [Event::Finished { ticket, .. }] if *ticket == rated.id));
    assert_eq!(
        q.ticket(second.id).unwrap().state,
        TicketState::Done {
            counter: c(1),
            staff: staff("1001"),
            handled: b('A'),
            called_at: T0 + 5 * MIN,
            started_at: T0 + 5 * MIN,
            finished_at: T0 + 9 * MIN,
            rating: Some(five),
        }
    );
    // At the close, what still awaits a rating is not rated, counter by counter.
    let e = q.apply(&Command::CloseDay, T0 + 60 * MIN).unwrap();
    let missed: Vec<TicketId> = e
        .iter()
        .filter_map(|e| match e {
            Event::RatingMissed { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .collect();
    assert_eq!(missed, vec![rated.id, elsewhere.id]);
    assert!(q
        .tickets()
        .all(|t| !matches!(t.state, TicketState::Done { rating: None, .. })));
}

#[test]
fn bad_references_are_refused_without_change() {
    let mut q = hall(&[1]);
    assert_eq!(
        refused(
            &mut q,
            Command::Issue {
                business: b('Q'),
                priority: NORMAL.into(),
                customer: None,
                granted_by: None
            },
            T0
        ),
        QueueError::UnknownBusiness(b('Q'))
    );
    assert_eq!(
        refused(
            &mut q,
            Command::Issue {
                business: b('A'),
                priority: "king".into(),
                customer: None,
                granted_by: None
            },
            T0
        ),
        QueueError::UnknownPriority("king".into())
    );
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(42) }, T0),
        QueueError::UnknownCounter(c(42))
    );
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(2) }, T0),
        QueueError::CounterNotOpen(c(2))
    );
    assert_eq!(
        refused(&mut q, Command::Start { counter: c(1) }, T0),
        QueueError::NoCurrentTicket(c(1))
    );
}

#[test]
fn counters_open_pause_resume_close() {
    let mut q = hall(&[1]);
    assert_eq!(
        refused(
            &mut q,
            Command::OpenCounter {
                counter: c(2),
                staff: staff("1001")
            },
            T0
        ),
        QueueError::StaffAtAnotherCounter(c(1))
    );
    assert_eq!(
        refused(
            &mut q,
            Command::OpenCounter {
                counter: c(1),
                staff: staff("1999")
            },
            T0
        ),
        QueueError::CounterOpenedByOther(c(1))
    );
    // The same clerk signing in again is harmless.
    assert!(q
        .apply(
            &Command::OpenCounter {
                counter: c(1),
                staff: staff("1001")
            },
            T0
        )
        .unwrap()
        .is_empty());
    issue(&mut q, 'A', NORMAL, T0);
    q.apply(
        &Command::Pause {
            counter: c(1),
            reason: "午休".into(),
        },
        T0 + 1,
    )
    .unwrap();
    assert!(
        matches!(q.counter_status(c(1)), Some(CounterStatus::Paused { reason, .. }) if reason == "午休")
    );
    assert_eq!(
        refused(&mut q, Command::CallNext { counter: c(1) }, T0 + 2),
        QueueError::CounterNotOpen(c(1))
    );
    q.apply(&Command::Resume { counter: c(1) }, T0 + 3).unwrap();
    call(&mut q, 1, T0 + 4).unwrap();
    assert_eq!(
        refused(
            &mut q,
            Command::Pause {
                counter: c(1),
                reason: "x".into()
            },
            T0 + 5
        ),
        QueueError::CounterBusy(c(1))
    );
    assert_eq!(
        refused(&mut q, Command::CloseCounter { counter: c(1) }, T0 + 5),
        QueueError::CounterBusy(c(1))
    );
    serve(&mut q, 1, T0 + 6);
    q.apply(&Command::CloseCounter { counter: c(1) }, T0 + 10 * MIN)
        .unwrap();
}

#[test]
fn estimates_follow_the_recent_service_rate() {
    let mut q = hall(&[1, 2]);
    // No history: A's default is 180 s; two counters serve A.
    for i in 0..4 {
        issue(&mut q, 'A', NORMAL, T0 + i);
    }
    assert_eq!(q.estimate_secs(b('A'), 4), 4 * 180 / 2);
    // Two services of 6 minutes each move the estimate.
    for _ in 0..2 {
        call(&mut q, 1, T0 + MIN).unwrap();
        q.apply(&Command::Start { counter: c(1) }, T0 + MIN)
            .unwrap();
        q.apply(
            &Command::Finish {
                counter: c(1),
                handled: None,
            },
            T0 + 7 * MIN,
        )
        .unwrap();
    }
    assert_eq!(q.service_secs(b('A')), 360);
    let e = q
        .apply(
            &Command::Issue {
                business: b('A'),
                priority: NORMAL.into(),
                customer: None,
                granted_by: None,
            },
            T0 + 8 * MIN,
        )
        .unwrap();
    assert!(
        matches!(
            e[0],
            Event::Issued {
                ahead: 2,
                estimated_wait_secs: 360,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        q.longest_wait_secs(b('A'), T0 + 10 * MIN),
        599,
        "A003 came 2 ms after T0"
    );
}

#[test]
fn closing_the_day_expires_the_waiting_and_a_new_day_restarts_numbers() {
    let mut q = hall(&[1]);
    let served = issue(&mut q, 'A', NORMAL, T0);
    let waiting = issue(&mut q, 'A', NORMAL, T0 + 1);
    call(&mut q, 1, T0 + 2).unwrap();
    assert_eq!(
        refused(&mut q, Command::CloseDay, T0 + 3),
        QueueError::CounterBusy(c(1))
    );
    serve(&mut q, 1, T0 + 4);
    let e = q.apply(&Command::CloseDay, T0 + 9 * 60 * MIN).unwrap();
    assert_eq!(
        e,
        vec![
            Event::RatingMissed {
                ticket: served.id,
                no: served.no,
                counter: c(1),
                staff: staff("1001"),
            },
            Event::DayClosed { expired: 1 }
        ],
        "the unrated service is not rated at the close"
    );
    assert!(matches!(
        q.ticket(waiting.id).unwrap().state,
        TicketState::Expired { .. }
    ));
    assert_eq!(
        refused(
            &mut q,
            Command::Issue {
                business: b('A'),
                priority: NORMAL.into(),
                customer: None,
                granted_by: None
            },
            T0
        ),
        QueueError::DayClosed
    );
    assert_eq!(
        refused(&mut q, Command::OpenDay { day: 20_000 }, T0),
        QueueError::DayNotNewer { current: 20_000 }
    );
    q.apply(&Command::OpenDay { day: 20_001 }, T0 + 24 * 60 * MIN)
        .unwrap();
    let t = issue(&mut q, 'A', NORMAL, T0 + 24 * 60 * MIN);
    assert_eq!(t.no.to_string(), "A001");
    assert_eq!(t.id, TicketId(3), "ids continue across days");
}

#[test]
fn config_mistakes_are_named() {
    let mut config = QueueConfig::demo();
    config.counters[0].skills.push(b('Z'));
    assert_eq!(
        HallQueue::new(config, 1, 1).unwrap_err(),
        ConfigError::UnknownSkill {
            counter: c(1),
            business: b('Z')
        }
    );
    let mut config = QueueConfig::demo();
    config.priorities.retain(|p| p.code != NORMAL);
    assert_eq!(
        HallQueue::new(config, 1, 1).unwrap_err(),
        ConfigError::NoNormalPriority
    );
}

#[test]
fn commands_and_events_round_trip_as_json() {
    let cmd = Command::Transfer {
        counter: c(3),
        to_business: Some(b('B')),
        to_counter: None,
        placement: TransferPlacement::Front,
    };
    let json = serde_json::to_string(&cmd).unwrap();
    assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), cmd);
    assert!(serde_json::from_str::<Command>(r#"{"op":"call_next","counter":0}"#).is_err());
    let no = TicketNo {
        business: b('A'),
        number: 12,
    };
    assert_eq!(serde_json::to_string(&no).unwrap(), r#""A012""#);
    assert_eq!(serde_json::from_str::<TicketNo>(r#""a012""#).unwrap(), no);
    assert_eq!(TicketNo::parse("B1234").unwrap().to_string(), "B1234");
    for bad in ["", "A", "12", "A0", "A-1", "AB1"] {
        assert!(TicketNo::parse(bad).is_err(), "{bad:?}");
    }
    assert!(serde_json::from_str::<Command>(
        r#"{"op":"rate","ticket":1,"rating":{"kind":"rated","score":6,"reasons":[]}}"#
    )
    .is_err());
}

// ----- properties ----------------------------------------------------------

/// A small hall: A/B/C, three counters with overlapping skills.
fn small_config() -> QueueConfig {
    let mut config = QueueConfig::demo();
    config.businesses.truncate(3);
    config.counters = vec![
        CounterConfig {
            no: c(1),
            skills: vec![b('A')],
        },
        CounterConfig {
            no: c(2),
            skills: vec![b('A'), b('B')],
        },
        CounterConfig {
            no: c(3),
            skills: vec![b('C'), b('B')],
        },
    ];
    config
}

fn any_command() -> impl Strategy<Value = Command> {
    let counter = (1u16..=4).prop_map(|n| c(n.min(99)));
    let business = prop_oneof![Just('A'), Just('B'), Just('C'), Just('D')].prop_map(b);
    let priority = prop_oneof![
        Just(NORMAL.to_string()),
        Just("vip".to_string()),
        Just("green".to_string())
    ];
    prop_oneof![
        4 => (business.clone(), priority).prop_map(|(business, priority)| Command::Issue { business, priority, customer: None, granted_by: None }),
        1 => (counter.clone(), 1u16..=3).prop_map(|(counter, s)| Command::OpenCounter { counter, staff: staff(&format!("{}", 100 + s)) }),
        4 => counter.clone().prop_map(|counter| Command::CallNext { counter }),
        1 => (counter.clone(), 1u64..30).prop_map(|(counter, t)| Command::CallTicket { counter, ticket: TicketId(t) }),
        1 => counter.clone().prop_map(|counter| Command::Recall { counter }),
        1 => counter.clone().prop_map(|counter| Command::NoShow { counter }),
        3 => counter.clone().prop_map(|counter| Command::Start { counter }),
        3 => counter.clone().prop_map(|counter| Command::Finish { counter, handled: None }),
        1 => (counter.clone(), proptest::option::of(business.clone()), proptest::option::of(counter.clone()), any::<bool>()).prop_map(
            |(counter, to_business, to_counter, front)| Command::Transfer {
                counter,
                to_business,
                to_counter,
                placement: if front { TransferPlacement::Front } else { TransferPlacement::KeepArrival },
            }
        ),
        1 => (1u64..30, proptest::option::of(business), proptest::option::of(counter.clone()), any::<bool>()).prop_map(
            |(t, to_business, to_counter, front)| Command::Move {
                ticket: TicketId(t),
                to_business,
                to_counter,
                placement: if front { TransferPlacement::Front } else { TransferPlacement::KeepArrival },
            }
        ),
        1 => counter.clone().prop_map(|counter| Command::Pause { counter, reason: "break".into() }),
        1 => counter.clone().prop_map(|counter| Command::Resume { counter }),
        1 => counter.prop_map(|counter| Command::CloseCounter { counter }),
        1 => (1u64..30, 1u8..=5).prop_map(|(t, s)| Command::Rate { ticket: TicketId(t), rating: Rating::Rated { score: Score::new(s).unwrap(), reasons: vec![] } }),
    ]
}

fn check_invariants(q: &HallQueue) {
    let tickets: Vec<&Ticket> = q.tickets().collect();
    // Never issued twice.
    let mut numbers: Vec<_> = tickets.iter().map(|t| t.no).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        tickets.len(),
        "a ticket number was issued twice"
    );
    // Never called by two counters; each counter holds at most its own one.
    let views = q.counters();
    for t in &tickets {
        let at: Vec<_> = views
            .iter()
            .filter(|v| v.current.as_ref().is_some_and(|x| x.id == t.id))
            .map(|v| v.no)
            .collect();
        match &t.state {
            TicketState::Called { counter, .. } | TicketState::Serving { counter, .. } => {
                assert_eq!(at, vec![*counter], "{} is active at {at:?}", t.no)
            }
            _ => assert!(at.is_empty(), "{} is not active but held by {at:?}", t.no),
        }
    }
    // The waiting index matches the tickets.
    let waiting = tickets
        .iter()
        .filter(|t| t.state == TicketState::Waiting)
        .count() as u32;
    let indexed: u32 = ['A', 'B', 'C'].iter().map(|&x| q.waiting_count(b(x))).sum();
    assert_eq!(indexed, waiting, "waiting index out of step");
    // Only a counter's last finished service may still await a rating.
    for v in &views {
        let done: Vec<(Millis, TicketId, bool)> = tickets
            .iter()
            .filter_map(|t| match &t.state {
                TicketState::Done {
                    counter,
                    finished_at,
                    rating,
                    ..
                } if *counter == v.no => Some((*finished_at, t.id, rating.is_none())),
                _ => None,
            })
            .collect();
        let last = done.iter().max().map(|(_, id, _)| *id);
        for (_, id, open) in &done {
            assert!(
                !open || Some(*id) == last,
                "{id:?} awaits a rating behind a later service at {}",
                v.no
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_operations_keep_the_invariants(cmds in proptest::collection::vec(any_command(), 1..120)) {
        let mut q = HallQueue::new(small_config(), 1, 1).unwrap();
        let mut now = T0;
        for cmd in &cmds {
            now += 7_000;
            let before = q.clone();
            if q.apply(cmd, now).is_err() {
                prop_assert_eq!(&q, &before, "a refused {:?} changed the state", cmd);
            }
            check_invariants(&q);
        }
        // Wind down: every active ticket is finished or no-show, then the day closes.
        for v in q.counters() {
            if let Some(t) = v.current {
                now += 1_000;
                match t.state {
                    TicketState::Called { .. } => { q.apply(&Command::NoShow { counter: v.no }, now).unwrap(); }
                    _ => { q.apply(&Command::Finish { counter: v.no, handled: None }, now).unwrap(); }
                }
            }
        }
        q.apply(&Command::CloseDay, now + 1_000).unwrap();
        let all: Vec<&Ticket> = q.tickets().collect();
        prop_assert!(all.iter().all(|t| t.state.is_final()), "a ticket is not final after closing");
        prop_assert!(
            all.iter().all(|t| !matches!(t.state, TicketState::Done { rating: None, .. })),
            "a service still awaits a rating after closing"
        );
        let issued = cmds.iter().filter(|c| matches!(c, Command::Issue { business, .. } if *business != b('D'))).count();
        let done = all.iter().filter(|t| matches!(t.state, TicketState::Done { .. })).count();
        let no_show = all.iter().filter(|t| matches!(t.state, TicketState::NoShow { .. })).count();
        let expired = all.iter().filter(|t| matches!(t.state, TicketState::Expired { .. })).count();
        prop_assert_eq!(issued, all.len());
        prop_assert_eq!(issued, done + no_show + expired);
    }

    #[test]
    fn replaying_the_same_commands_gives_the_same_queue(cmds in proptest::collection::vec(any_command(), 1..100)) {
        let mut a = HallQueue::new(small_config(), 1, 1).unwrap();
        let mut b = a.clone();
        let mut events_a = Vec::new();
        let mut events_b = Vec::new();
        for (i, cmd) in cmds.iter().enumerate() {
            events_a.push(a.apply(cmd, T0 + i as i64 * 1000));
        }
        for (i, cmd) in cmds.iter().enumerate() {
            events_b.push(b.apply(cmd, T0 + i as i64 * 1000));
        }
        prop_assert_eq!(a, b);
        prop_assert_eq!(events_a, events_b);
    }

    #[test]
    fn first_in_first_out_within_equal_priority(prios in proptest::collection::vec(prop_oneof![Just(NORMAL), Just("vip"), Just("green")], 1..60)) {
        let mut q = HallQueue::new(small_config(), 1, 1).unwrap();
        q.apply(&Command::OpenCounter { counter: c(1), staff: staff("101") }, T0).unwrap();
        let mut issued = Vec::new();
        for (i, p) in prios.iter().enumerate() {
            let t = issue(&mut q, 'A', p, T0 + i as i64);
            let weight = q.config().priority(p).unwrap().weight;
            issued.push((std::cmp::Reverse(weight), t.id, t.no));
        }
        let mut called = Vec::new();
        let mut now = T0 + MIN;
        while let Ok(no) = call(&mut q, 1, now) {
            called.push(no);
            q.apply(&Command::Start { counter: c(1) }, now).unwrap();
            q.apply(&Command::Finish { counter: c(1), handled: None }, now + 1000).unwrap();
            now += 2000;
        }
        issued.sort();
        let expected: Vec<_> = issued.into_iter().map(|(_, _, no)| no).collect();
        prop_assert_eq!(called, expected);
    }
}
