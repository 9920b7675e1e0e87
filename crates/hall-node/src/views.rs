//! Builds what boards, the workbench and devices show from the queue state.

use crate::driver::Shared;
use domain::StaffNo;
use ipc::hall::*;
use queue::{BusinessCode, CounterStatus, CounterView, HallQueue, Rating, Ticket, TicketState};
use std::collections::HashMap;

pub type Names = HashMap<StaffNo, String>;

pub fn waiting(q: &HallQueue) -> Vec<WaitingView> {
    q.config()
        .businesses
        .iter()
        .map(|b| WaitingView {
            code: b.code,
            name_zh: b.name_zh.clone(),
            name_en: b.name_en.clone(),
            waiting: q.waiting_count(b.code),
        })
        .collect()
}

pub fn businesses(q: &HallQueue, now: i64) -> Vec<BusinessBoard> {
    q.config()
        .businesses
        .iter()
        .map(|b| {
            let waiting = q.waiting_count(b.code);
            BusinessBoard {
                code: b.code,
                name_zh: b.name_zh.clone(),
                name_en: b.name_en.clone(),
                waiting,
                longest_wait_secs: q.longest_wait_secs(b.code, now),
                estimated_wait_secs: q.estimate_secs(b.code, waiting),
            }
        })
        .collect()
}

pub fn hall_info(q: &HallQueue, hall_code: &domain::HallCode, hall_name: &str) -> HallInfo {
    HallInfo {
        hall_code: hall_code.clone(),
        hall_name: hall_name.to_owned(),
        businesses: q
            .config()
            .businesses
            .iter()
            .map(|b| {
                let waiting = q.waiting_count(b.code);
                BusinessInfo {
                    code: b.code,
                    name_zh: b.name_zh.clone(),
                    name_en: b.name_en.clone(),
                    waiting,
                    estimated_wait_secs: q.estimate_secs(b.code, waiting),
                }
            })
            .collect(),
        priorities: q
            .config()
            .priorities
            .iter()
            .map(|p| PriorityInfo {
                code: p.code.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                grant: p.grant,
            })
            .collect(),
    }
}

pub fn current(t: &Ticket) -> Option<CurrentTicket> {
    let (stage, recalls, since) = match &t.state {
        TicketState::Called { at, recalls, .. } => ("called", *recalls, *at),
        TicketState::Serving { started_at, .. } => ("serving", 0, *started_at),
        _ => return None,
    };
    Some(CurrentTicket {
        id: t.id.0,
        no: t.no,
        business: t.business,
        priority: t.priority.clone(),
        customer: t.customer.clone(),
        stage: stage.into(),
        recalls,
        issued_at: t.issued_at,
        since,
        preprocessed: None,
    })
}

pub fn counter(v: &CounterView, names: &Names) -> CounterBoard {
    let (status, staff, reason, since) = match &v.status {
        CounterStatus::Closed => ("closed", None, None, None),
        CounterStatus::Open { staff, since } => ("open", Some(staff.clone()), None, Some(*since)),
        CounterStatus::Paused {
            staff,
            reason,
            since,
        } => (
            "paused",
            Some(staff.clone()),
            Some(reason.clone()),
            Some(*since),
        ),
    };
    CounterBoard {
        no: v.no,
        skills: v.skills.clone(),
        status: status.into(),
        staff_name: staff.as_ref().and_then(|s| names.get(s).cloned()),
        staff_no: staff,
        reason,
        since,
        current: v.current.as_ref().and_then(current),
    }
}

/// Today's figures over the services `include` selects.
pub fn figures<'a>(
    tickets: impl Iterator<Item = &'a Ticket>,
    include: impl Fn(&StaffNo) -> bool,
) -> Figures {
    let (mut served, mut handle_ms, mut rated, mut score_sum, mut satisfied) =
        (0u32, 0i64, 0u32, 0u32, 0u32);
    for t in tickets {
        if let TicketState::Done {
            staff,
            started_at,
            finished_at,
            rating,
            ..
        } = &t.state
        {
            if !include(staff) {
                continue;
            }
            served += 1;
            handle_ms += finished_at - started_at;
            if let Some(Rating::Rated { score, .. }) = rating {
                rated += 1;
                score_sum += u32::from(score.get());
                satisfied += u32::from(score.get() >= 4);
            }
        }
    }
    Figures {
        served,
        avg_handle_secs: if served == 0 {
            0
        } else {
            (handle_ms / i64::from(served) / 1000) as u32
        },
        rated,
        avg_score: (rated > 0).then(|| score_sum as f32 / rated as f32),
        satisfaction_pct: (rated > 0).then(|| satisfied * 100 / rated),
    }
}

pub fn board(s: &Shared, names: &Names, hall_name: &str, now: i64) -> BoardView {
    BoardView {
        hall_name: hall_name.to_owned(),
        at: now,
        businesses: businesses(&s.queue, now),
        counters: s
            .queue
            .counters()
            .iter()
            .map(|v| counter(v, names))
            .collect(),
        today: figures(s.queue.tickets(), |_| true),
        sync: SyncStatus::default(),
    }
}

pub fn me(s: &Shared, names: &Names, staff: &StaffNo, now: i64) -> MeView {
    let counters = s.queue.counters();
    let mine = counters.iter().find(|v| match &v.status {
        CounterStatus::Open { staff: x, .. } | CounterStatus::Paused { staff: x, .. } => x == staff,
        CounterStatus::Closed => false,
    });
    let skills: Vec<BusinessCode> = mine.map(|v| v.skills.clone()).unwrap_or_default();
    MeView {
        staff_no: staff.clone(),
        name: names.get(staff).cloned().unwrap_or_default(),
        counter: mine.map(|v| counter(v, names)),
        waiting: businesses(&s.queue, now)
            .into_iter()
            .filter(|b| skills.contains(&b.code))
            .collect(),
        figures: figures(s.queue.tickets(), |x| x == staff),
    }
}

/// The latest finished, unrated service at `counter`: what its pad asks about.
pub fn pending(q: &HallQueue, counter: queue::CounterNo, names: &Names) -> Option<PendingRating> {
    q.tickets()
        .filter_map(|t| match &t.state {
            TicketState::Done {
                counter: c,
                staff,
                finished_at,
                rating,
                ..
            } if *c == counter => Some((t, staff, *finished_at, rating)),
            _ => None,
        })
        .max_by_key(|(_, _, finished_at, _)| *finished_at)
        .filter(|(_, _, _, rating)| rating.is_none())
        .map(|(t, staff, finished_at, _)| PendingRating {
            ticket: t.id.0,
            no: t.no,
            staff_no: staff.clone(),
            staff_name: names.get(staff).cloned().unwrap_or_default(),
            finished_at,
        })
}
