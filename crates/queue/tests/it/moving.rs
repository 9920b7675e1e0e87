//! A supervisor's decisions on waiting tickets: moving one to another business or counter, and tickets issued by staff.

use super::*;

fn move_cmd(ticket: TicketId, to_business: Option<char>, to_counter: Option<u16>) -> Command {
    Command::Move {
        ticket,
        to_business: to_business.map(b),
        to_counter: to_counter.map(c),
        placement: TransferPlacement::KeepArrival,
    }
}

#[test]
fn a_waiting_ticket_moved_to_another_business_queues_there_in_its_place() {
    // Counter 1 serves A and C, counter 3 serves B and D.
    let mut q = hall(&[1, 3]);
    let early = issue(&mut q, 'A', NORMAL, T0);
    issue(&mut q, 'B', NORMAL, T0 + MIN);
    let events = q
        .apply(&move_cmd(early.id, Some('B'), None), T0 + 2 * MIN)
        .unwrap();
    assert_eq!(
        events,
        vec![Event::Transferred {
            ticket: early.id,
            no: early.no,
            to_business: b('B'),
            to_counter: None,
        }]
    );
    let moved = q.ticket(early.id).unwrap();
    assert_eq!((moved.business, moved.transfers), (b('B'), 1));
    assert_eq!(moved.no.to_string(), "A001", "the printed number stays");
    assert_eq!((q.waiting_count(b('A')), q.waiting_count(b('B'))), (0, 2));
    // It keeps its arrival: it is called before the B ticket issued after it.
    assert_eq!(call(&mut q, 3, T0 + 3 * MIN).unwrap(), early.no);
}

#[test]
fn a_ticket_moved_to_a_counter_is_called_only_there_until_moved_back() {
    let mut q = hall(&[1, 2]);
    let t = issue(&mut q, 'A', NORMAL, T0);
    q.apply(&move_cmd(t.id, None, Some(2)), T0 + MIN).unwrap();
    assert_eq!(q.ticket(t.id).unwrap().for_counter, Some(c(2)));
    assert_eq!(
        call(&mut q, 1, T0 + 2 * MIN),
        Err(QueueError::NothingWaiting)
    );
    // Moved back to its business for any counter.
    q.apply(&move_cmd(t.id, Some('A'), None), T0 + 3 * MIN)
        .unwrap();
    assert_eq!(q.ticket(t.id).unwrap().for_counter, None);
    assert_eq!(call(&mut q, 1, T0 + 4 * MIN).unwrap(), t.no);
}

#[test]
fn moved_to_the_front_it_goes_before_earlier_arrivals_of_its_class() {
    let mut q = hall(&[1]);
    let first = issue(&mut q, 'A', NORMAL, T0);
    let last = issue(&mut q, 'C', NORMAL, T0 + MIN);
    q.apply(
        &Command::Move {
            ticket: last.id,
            to_business: Some(b('A')),
            to_counter: None,
            placement: TransferPlacement::Front,
        },
        T0 + 2 * MIN,
    )
    .unwrap();
    assert_eq!(call(&mut q, 1, T0 + 3 * MIN).unwrap(), last.no);
    serve(&mut q, 1, T0 + 3 * MIN);
    assert_eq!(call(&mut q, 1, T0 + 7 * MIN).unwrap(), first.no);
}

#[test]
fn moving_refuses_what_is_not_waiting_or_goes_nowhere_and_changes_nothing() {
    let mut q = hall(&[1]);
    let called = issue(&mut q, 'A', NORMAL, T0);
    let waiting = issue(&mut q, 'A', NORMAL, T0 + 1);
    call(&mut q, 1, T0 + MIN).unwrap();
    let at = T0 + 2 * MIN;
    assert_eq!(
        refused(&mut q, move_cmd(called.id, Some('C'), None), at),
        QueueError::NotWaiting(called.id)
    );
    assert_eq!(
        refused(&mut q, move_cmd(TicketId(999), Some('C'), None), at),
        QueueError::UnknownTicket(TicketId(999))
    );
    assert_eq!(
        refused(&mut q, move_cmd(waiting.id, Some('A'), None), at),
        QueueError::SameBusiness
    );
    assert_eq!(
        refused(&mut q, move_cmd(waiting.id, None, None), at),
        QueueError::SameBusiness
    );
    assert_eq!(
        refused(&mut q, move_cmd(waiting.id, Some('Z'), None), at),
        QueueError::UnknownBusiness(b('Z'))
    );
    assert_eq!(
        refused(&mut q, move_cmd(waiting.id, None, Some(99)), at),
        QueueError::UnknownCounter(c(99))
    );
}

#[test]
fn a_ticket_issued_by_staff_records_who_granted_it() {
    let mut q = hall(&[]);
    let events = q
        .apply(
            &Command::Issue {
                business: b('A'),
                priority: "vip".into(),
                customer: None,
                granted_by: Some(staff("2001")),
            },
            T0,
        )
        .unwrap();
    let Event::Issued { ticket, .. } = &events[0] else {
        panic!("unexpected {events:?}");
    };
    assert_eq!(ticket.granted_by, Some(staff("2001")));
    assert_eq!(issue(&mut q, 'A', NORMAL, T0 + 1).granted_by, None);
    // A journal line written before the field existed still reads.
    let old: Command =
        serde_json::from_str(r#"{"op":"issue","business":"A","priority":"vip","customer":null}"#)
            .unwrap();
    assert!(matches!(
        old,
        Command::Issue {
            granted_by: None,
            ..
        }
    ));
}
