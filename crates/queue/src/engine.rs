//! `HallQueue`: the live queue of one hall for one business day, driven by commands.

use crate::config::{QueueConfig, Strategy, TransferPlacement};
use crate::model::*;
use crate::{ConfigError, Millis};
use domain::StaffNo;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The priority class every hall has.
pub const NORMAL: &str = "normal";

/// How far ahead of today's arrivals a ticket transferred "to the front" goes.
const FRONT: Millis = 24 * 60 * 60 * 1000;

/// Order in a waiting line: higher weight, then earlier arrival, then earlier ticket.
type WaitKey = (Reverse<u32>, Millis, TicketId);

/// Everything that changes the queue. Logged as is, so a replay rebuilds the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    Issue {
        business: BusinessCode,
        priority: String,
        customer: Option<String>,
        /// The staff member who issued it on the customer's behalf (granting its class).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        granted_by: Option<StaffNo>,
    },
    OpenCounter {
        counter: CounterNo,
        staff: StaffNo,
    },
    CloseCounter {
        counter: CounterNo,
    },
    Pause {
        counter: CounterNo,
        reason: String,
    },
    Resume {
        counter: CounterNo,
    },
    CallNext {
        counter: CounterNo,
    },
    CallTicket {
        counter: CounterNo,
        ticket: TicketId,
    },
    Recall {
        counter: CounterNo,
    },
    NoShow {
        counter: CounterNo,
    },
    Start {
        counter: CounterNo,
    },
    Finish {
        counter: CounterNo,
        handled: Option<BusinessCode>,
    },
    Transfer {
        counter: CounterNo,
        to_business: Option<BusinessCode>,
        to_counter: Option<CounterNo>,
        placement: TransferPlacement,
    },
    /// Moves a waiting ticket to another business or counter (a supervisor's decision).
    Move {
        ticket: TicketId,
        to_business: Option<BusinessCode>,
        to_counter: Option<CounterNo>,
        placement: TransferPlacement,
    },
    Rate {
        ticket: TicketId,
        rating: Rating,
    },
    CloseDay,
    OpenDay {
        day: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HallQueue {
    config: QueueConfig,
    day: u32,
    open: bool,
    next_id: u64,
    next_number: BTreeMap<BusinessCode, u32>,
    tickets: BTreeMap<TicketId, Ticket>,
    /// Waiting tickets any skilled counter may call, per business.
    waiting: BTreeMap<BusinessCode, BTreeSet<WaitKey>>,
    /// Waiting tickets reserved for one counter (transferred to it).
    reserved: BTreeMap<CounterNo, BTreeSet<WaitKey>>,
    counters: BTreeMap<CounterNo, CounterStatus>,
    current: BTreeMap<CounterNo, TicketId>,
    /// Recent service durations (seconds) per business, newest last.
    recent: BTreeMap<BusinessCode, VecDeque<u32>>,
    /// Per counter, its last finished service while it awaits the pad's rating.
    unrated: BTreeMap<CounterNo, TicketId>,
}

impl HallQueue {
    /// A queue for business day `day` (days since the epoch in the hall's time zone).
    /// `first_id` continues the hall's ticket ids across days.
    pub fn new(config: QueueConfig, day: u32, first_id: u64) -> Result<Self, ConfigError> {
        config.check()?;
        let counters = config
            .counters
            .iter()
            .map(|c| (c.no, CounterStatus::Closed))
            .collect();
        Ok(Self {
            config,
            day,
            open: true,
            next_id: first_id,
            next_number: BTreeMap::new(),
            tickets: BTreeMap::new(),
            waiting: BTreeMap::new(),
            reserved: BTreeMap::new(),
            counters,
            current: BTreeMap::new(),
            recent: BTreeMap::new(),
            unrated: BTreeMap::new(),
        })
    }

    pub fn config(&self) -> &QueueConfig {
        &self.config
    }

    pub fn day(&self) -> u32 {
        self.day
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The id the next issued ticket gets.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Applies one command at `now`. On `Err` nothing has changed.
    pub fn apply(&mut self, cmd: &Command, now: Millis) -> Result<Vec<Event>, QueueError> {
        use Command::*;
        match cmd {
            Issue {
                business,
                priority,
                customer,
                granted_by,
            } => self.issue(
                *business,
                priority,
                customer.clone(),
                granted_by.clone(),
                now,
            ),
            OpenCounter { counter, staff } => self.open_counter(*counter, staff, now),
            CloseCounter { counter } => self.close_counter(*counter),
            Pause { counter, reason } => self.pause(*counter, reason, now),
            Resume { counter } => self.resume(*counter, now),
            CallNext { counter } => self.call_next(*counter, now),
            CallTicket { counter, ticket } => self.call_ticket(*counter, *ticket, now),
            Recall { counter } => self.recall(*counter, now),
            NoShow { counter } => self.no_show(*counter, now),
            Start { counter } => self.start(*counter, now),
            Finish { counter, handled } => self.finish(*counter, *handled, now),
            Transfer {
                counter,
                to_business,
                to_counter,
                placement,
            } => self.transfer(*counter, *to_business, *to_counter, *placement, now),
            Move {
                ticket,
                to_business,
                to_counter,
                placement,
            } => self.move_waiting(*ticket, *to_business, *to_counter, *placement, now),
            Rate { ticket, rating } => self.rate(*ticket, rating.clone()),
            CloseDay => self.close_day(now),
            OpenDay { day } => self.open_day(*day),
        }
    }

    // ----- queries -------------------------------------------------------

    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.tickets.get(&id)
    }

    /// Today's tickets in issue order.
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.values()
    }

    pub fn counter_status(&self, no: CounterNo) -> Option<&CounterStatus> {
        self.counters.get(&no)
    }

    pub fn counters(&self) -> Vec<CounterView> {
        self.config
            .counters
            .iter()
            .map(|c| CounterView {
                no: c.no,
                skills: c.skills.clone(),
                status: self
                    .counters
                    .get(&c.no)
                    .cloned()
                    .unwrap_or(CounterStatus::Closed),
                current: self
                    .current
                    .get(&c.no)
                    .and_then(|id| self.tickets.get(id))
                    .cloned(),
            })
            .collect()
    }

    /// Tickets waiting for `business`, reserved ones included.
    pub fn waiting_count(&self, business: BusinessCode) -> u32 {
        let open = self.waiting.get(&business).map_or(0, BTreeSet::len);
        let reserved = self
            .reserved
            .values()
            .flatten()
            .filter(|(_, _, id)| self.tickets[id].business == business)
            .count();
        (open + reserved) as u32
    }

    /// How long the longest-waiting ticket of `business` has waited, in seconds.
    pub fn longest_wait_secs(&self, business: BusinessCode, now: Millis) -> u32 {
        self.tickets
            .values()
            .filter(|t| t.business == business && t.state == TicketState::Waiting)
            .map(|t| secs(now - t.issued_at))
            .max()
            .unwrap_or(0)
    }

    /// Average recent service time of `business`, in seconds.
    pub fn service_secs(&self, business: BusinessCode) -> u32 {
        match self.recent.get(&business) {
            Some(r) if !r.is_empty() => {
                (r.iter().map(|&s| u64::from(s)).sum::<u64>() / r.len() as u64) as u32
            }
            _ => self
                .config
                .business(business)
                .map_or(300, |b| b.default_service_secs),
        }
    }

    /// Estimated wait, in seconds, for someone with `ahead` people ahead in `business`.
    pub fn estimate_secs(&self, business: BusinessCode, ahead: u32) -> u32 {
        let staffed = self
            .config
            .counters
            .iter()
            .filter(|c| c.skills.contains(&business))
            .filter(|c| matches!(self.counters.get(&c.no), Some(CounterStatus::Open { .. })))
            .count();
        let skilled = self
            .config
            .counters
            .iter()
            .filter(|c| c.skills.contains(&business))
            .count();
        let servers = staffed.max(if staffed == 0 { skilled } else { 1 }).max(1) as u64;
        (u64::from(ahead) * u64::from(self.service_secs(business)) / servers) as u32
    }

    // ----- commands ------------------------------------------------------

    fn issue(
        &mut self,
        business: BusinessCode,
        priority: &str,
        customer: Option<String>,
        granted_by: Option<StaffNo>,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        if !self.open {
            return Err(QueueError::DayClosed);
        }
        if self.config.business(business).is_none() {
            return Err(QueueError::UnknownBusiness(business));
        }
        let weight = self
            .config
            .priority(priority)
            .ok_or_else(|| QueueError::UnknownPriority(priority.to_owned()))?
            .weight;
        let id = TicketId(self.next_id);
        self.next_id += 1;
        let number = self.next_number.entry(business).or_insert(1);
        let no = TicketNo {
            business,
            number: *number,
        };
        *number += 1;
        let key = (Reverse(weight), now, id);
        let ahead = self
            .waiting
            .get(&business)
            .map_or(0, |w| w.range(..key).count()) as u32;
        let ticket = Ticket {
            id,
            no,
            business,
            priority: priority.to_owned(),
            issued_at: now,
            arrival: now,
            for_counter: None,
            customer,
            granted_by,
            state: TicketState::Waiting,
            transfers: 0,
        };
        self.waiting.entry(business).or_default().insert(key);
        self.tickets.insert(id, ticket.clone());
        let estimated_wait_secs = self.estimate_secs(business, ahead);
        Ok(vec![Event::Issued {
            ticket,
            ahead,
            estimated_wait_secs,
        }])
    }

    fn open_counter(
        &mut self,
        counter: CounterNo,
        staff: &StaffNo,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        let status = self
            .counters
            .get(&counter)
            .ok_or(QueueError::UnknownCounter(counter))?;
        if let Some((&other, _)) = self
            .counters
            .iter()
            .find(|(no, s)| **no != counter && staff_of(s) == Some(staff))
        {
            return Err(QueueError::StaffAtAnotherCounter(other));
        }
        match status {
            CounterStatus::Closed => {}
            // Signing in again (after an app restart) is idempotent for the same clerk.
            s if staff_of(s) == Some(staff) => return Ok(Vec::new()),
            _ => return Err(QueueError::CounterOpenedByOther(counter)),
        }
        self.counters.insert(
            counter,
            CounterStatus::Open {
                staff: staff.clone(),
                since: now,
            },
        );
        Ok(vec![Event::CounterOpened {
            counter,
            staff: staff.clone(),
        }])
    }

    fn close_counter(&mut self, counter: CounterNo) -> Result<Vec<Event>, QueueError> {
        let status = self
            .counters
            .get(&counter)
            .ok_or(QueueError::UnknownCounter(counter))?;
        if *status == CounterStatus::Closed {
            return Err(QueueError::CounterNotOpen(counter));
        }
        if self.current.contains_key(&counter) {
            return Err(QueueError::CounterBusy(counter));
        }
        self.counters.insert(counter, CounterStatus::Closed);
        Ok(vec![Event::CounterClosed { counter }])
    }

    fn pause(
        &mut self,
        counter: CounterNo,
        reason: &str,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        let staff = self.open_staff(counter)?;
        if self.current.contains_key(&counter) {
            return Err(QueueError::CounterBusy(counter));
        }
        self.counters.insert(
            counter,
            CounterStatus::Paused {
                staff,
                reason: reason.to_owned(),
                since: now,
            },
        );
        Ok(vec![Event::CounterPaused {
            counter,
            reason: reason.to_owned(),
        }])
    }

    fn resume(&mut self, counter: CounterNo, now: Millis) -> Result<Vec<Event>, QueueError> {
        match self.counters.get(&counter) {
            None => Err(QueueError::UnknownCounter(counter)),
            Some(CounterStatus::Paused { staff, .. }) => {
                let staff = staff.clone();
                self.counters
                    .insert(counter, CounterStatus::Open { staff, since: now });
                Ok(vec![Event::CounterResumed { counter }])
            }
            Some(_) => Err(QueueError::CounterNotOpen(counter)),
        }
    }

    /// The staff of an open (not paused) counter.
    fn open_staff(&self, counter: CounterNo) -> Result<StaffNo, QueueError> {
        match self.counters.get(&counter) {
            None => Err(QueueError::UnknownCounter(counter)),
            Some(CounterStatus::Open { staff, .. }) => Ok(staff.clone()),
            Some(_) => Err(QueueError::CounterNotOpen(counter)),
        }
    }

    fn call_next(&mut self, counter: CounterNo, now: Millis) -> Result<Vec<Event>, QueueError> {
        self.open_staff(counter)?;
        if self.current.contains_key(&counter) {
            return Err(QueueError::CounterBusy(counter));
        }
        let key = self.pick(counter).ok_or(QueueError::NothingWaiting)?;
        Ok(vec![self.take_and_call(counter, key, now)])
    }

    /// The next ticket for `counter` by the hall's strategy, without taking it.
    fn pick(&self, counter: CounterNo) -> Option<WaitKey> {
        let skills = &self.config.counter(counter)?.skills;
        let reserved = self.reserved.get(&counter).and_then(|s| s.first()).copied();
        let own = match self.config.strategy {
            Strategy::PriorityThenLongestWait => skills
                .iter()
                .filter_map(|b| self.waiting.get(b).and_then(|s| s.first()))
                .min()
                .copied(),
            Strategy::PreferredBusinessFirst => skills
                .iter()
                .find_map(|b| self.waiting.get(b).and_then(|s| s.first()))
                .copied(),
        };
        let best = match (reserved, own) {
            (Some(r), Some(o)) => Some(r.min(o)),
            (r, o) => r.or(o),
        };
        if best.is_some() || !self.config.overflow {
            return best;
        }
        // Overflow: help the longest queue (ties: the one waiting longest).
        self.waiting
            .values()
            .filter(|s| !s.is_empty())
            .max_by_key(|s| (s.len(), Reverse(s.iter().map(|k| (k.1, k.2)).min())))
            .and_then(|s| s.first())
            .copied()
    }

    fn take_and_call(&mut self, counter: CounterNo, key: WaitKey, now: Millis) -> Event {
        let id = key.2;
        self.unindex(id);
        let t = self.tickets.get_mut(&id).expect("indexed tickets exist");
        t.state = TicketState::Called {
            counter,
            at: now,
            recalls: 0,
        };
        t.for_counter = None;
        self.current.insert(counter, id);
        Event::Called {
            ticket: id,
            no: t.no,
            counter,
            recall: 0,
        }
    }

    fn call_ticket(
        &mut self,
        counter: CounterNo,
        id: TicketId,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        self.open_staff(counter)?;
        if self.current.contains_key(&counter) {
            return Err(QueueError::CounterBusy(counter));
        }
        let t = self.tickets.get(&id).ok_or(QueueError::UnknownTicket(id))?;
        if t.state != TicketState::Waiting {
            return Err(QueueError::NotWaiting(id));
        }
        match t.for_counter {
            Some(c) if c != counter => {
                return Err(QueueError::ReservedForCounter {
                    ticket: id,
                    counter: c,
                })
            }
            Some(_) => {}
            None => {
                let skills = &self
                    .config
                    .counter(counter)
                    .expect("open counters are configured")
                    .skills;
                if !skills.contains(&t.business) {
                    return Err(QueueError::NotYourSkill {
                        counter,
                        business: t.business,
                    });
                }
            }
        }
        let key = self.key_of(t);
        Ok(vec![self.take_and_call(counter, key, now)])
    }

    fn recall(&mut self, counter: CounterNo, now: Millis) -> Result<Vec<Event>, QueueError> {
        let id = self.current_ticket(counter)?;
        let limit = self.config.recall_limit;
        let t = self.tickets.get_mut(&id).expect("current tickets exist");
        let TicketState::Called { recalls, .. } = t.state else {
            return Err(QueueError::NotCalled(id));
        };
        if recalls >= limit {
            return Err(QueueError::RecallLimit { limit });
        }
        t.state = TicketState::Called {
            counter,
            at: now,
            recalls: recalls + 1,
        };
        Ok(vec![Event::Called {
            ticket: id,
            no: t.no,
            counter,
            recall: recalls + 1,
        }])
    }

    fn no_show(&mut self, counter: CounterNo, now: Millis) -> Result<Vec<Event>, QueueError> {
        let id = self.current_ticket(counter)?;
        let t = self.tickets.get_mut(&id).expect("current tickets exist");
        if !matches!(t.state, TicketState::Called { .. }) {
            return Err(QueueError::NotCalled(id));
        }
        t.state = TicketState::NoShow { counter, at: now };
        self.current.remove(&counter);
        Ok(vec![Event::NoShow {
            ticket: id,
            no: t.no,
            counter,
        }])
    }

    fn start(&mut self, counter: CounterNo, now: Millis) -> Result<Vec<Event>, QueueError> {
        let staff = self.open_staff(counter)?;
        let id = self.current_ticket(counter)?;
        let t = self.tickets.get_mut(&id).expect("current tickets exist");
        let TicketState::Called { at, .. } = t.state else {
            return Err(QueueError::NotCalled(id));
        };
        t.state = TicketState::Serving {
            counter,
            staff,
            called_at: at,
            started_at: now,
        };
        Ok(vec![Event::Started {
            ticket: id,
            no: t.no,
            counter,
        }])
    }

    fn finish(
        &mut self,
        counter: CounterNo,
        handled: Option<BusinessCode>,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        let id = self.current_ticket(counter)?;
        if let Some(b) = handled {
            if self.config.business(b).is_none() {
                return Err(QueueError::UnknownBusiness(b));
            }
        }
        let window = self.config.estimate_window;
        let t = self.tickets.get_mut(&id).expect("current tickets exist");
        let TicketState::Serving {
            staff,
            called_at,
            started_at,
            ..
        } = &t.state
        else {
            return Err(QueueError::NotServing(id));
        };
        let (staff, called_at, started_at) = (staff.clone(), *called_at, *started_at);
        let handled = handled.unwrap_or(t.business);
        t.state = TicketState::Done {
            counter,
            staff: staff.clone(),
            handled,
            called_at,
            started_at,
            finished_at: now,
            rating: None,
        };
        let no = t.no;
        self.current.remove(&counter);
        let service_secs = secs(now - started_at);
        let recent = self.recent.entry(handled).or_default();
        recent.push_back(service_secs);
        while recent.len() > window.max(1) {
            recent.pop_front();
        }
        let mut events = vec![Event::Finished {
            ticket: id,
            no,
            counter,
            staff,
            handled,
            service_secs,
        }];
        // The pad now asks about this service: the one before it was not rated.
        if let Some(previous) = self.unrated.insert(counter, id) {
            events.extend(self.miss_rating(previous));
        }
        Ok(events)
    }

    /// Records an unrated service as not rated, for good.
    fn miss_rating(&mut self, id: TicketId) -> Option<Event> {
        let t = self.tickets.get_mut(&id)?;
        let TicketState::Done {
            counter,
            staff,
            rating: slot @ None,
            ..
        } = &mut t.state
        else {
            return None;
        };
        *slot = Some(Rating::NotRated);
        Some(Event::RatingMissed {
            ticket: id,
            no: t.no,
            counter: *counter,
            staff: staff.clone(),
        })
    }

    fn transfer(
        &mut self,
        counter: CounterNo,
        to_business: Option<BusinessCode>,
        to_counter: Option<CounterNo>,
        placement: TransferPlacement,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        let id = self.current_ticket(counter)?;
        if let Some(b) = to_business {
            if self.config.business(b).is_none() {
                return Err(QueueError::UnknownBusiness(b));
            }
        }
        if let Some(c) = to_counter {
            if self.config.counter(c).is_none() {
                return Err(QueueError::UnknownCounter(c));
            }
        }
        let t = self.tickets.get(&id).expect("current tickets exist");
        let business = to_business.unwrap_or(t.business);
        if business == t.business && to_counter.is_none() {
            return Err(QueueError::SameBusiness);
        }
        let front = now - FRONT;
        let t = self.tickets.get_mut(&id).expect("current tickets exist");
        t.business = business;
        t.for_counter = to_counter;
        t.transfers += 1;
        t.state = TicketState::Waiting;
        if placement == TransferPlacement::Front {
            t.arrival = front;
        }
        let no = t.no;
        self.current.remove(&counter);
        self.index(id);
        Ok(vec![Event::Transferred {
            ticket: id,
            no,
            to_business: business,
            to_counter,
        }])
    }

    fn move_waiting(
        &mut self,
        id: TicketId,
        to_business: Option<BusinessCode>,
        to_counter: Option<CounterNo>,
        placement: TransferPlacement,
        now: Millis,
    ) -> Result<Vec<Event>, QueueError> {
        if let Some(b) = to_business {
            if self.config.business(b).is_none() {
                return Err(QueueError::UnknownBusiness(b));
            }
        }
        if let Some(c) = to_counter {
            if self.config.counter(c).is_none() {
                return Err(QueueError::UnknownCounter(c));
            }
        }
        let t = self.tickets.get(&id).ok_or(QueueError::UnknownTicket(id))?;
        if t.state != TicketState::Waiting {
            return Err(QueueError::NotWaiting(id));
        }
        let business = to_business.unwrap_or(t.business);
        if business == t.business && to_counter == t.for_counter {
            return Err(QueueError::SameBusiness);
        }
        self.unindex(id);
        let t = self.tickets.get_mut(&id).expect("checked above");
        t.business = business;
        t.for_counter = to_counter;
        t.transfers += 1;
        if placement == TransferPlacement::Front {
            t.arrival = now - FRONT;
        }
        let no = t.no;
        self.index(id);
        Ok(vec![Event::Transferred {
            ticket: id,
            no,
            to_business: business,
            to_counter,
        }])
    }

    fn rate(&mut self, id: TicketId, rating: Rating) -> Result<Vec<Event>, QueueError> {
        let t = self
            .tickets
            .get_mut(&id)
            .ok_or(QueueError::UnknownTicket(id))?;
        let TicketState::Done {
            counter,
            staff,
            rating: slot,
            ..
        } = &mut t.state
        else {
            return Err(QueueError::NotFinished(id));
        };
        if slot.is_some() {
            return Err(QueueError::AlreadyRated(id));
        }
        *slot = Some(rating.clone());
        if self.unrated.get(counter) == Some(&id) {
            self.unrated.remove(counter);
        }
        Ok(vec![Event::Rated {
            ticket: id,
            no: t.no,
            staff: staff.clone(),
            rating,
        }])
    }

    fn close_day(&mut self, now: Millis) -> Result<Vec<Event>, QueueError> {
        if !self.open {
            return Err(QueueError::DayClosed);
        }
        if let Some((&counter, _)) = self.current.iter().next() {
            return Err(QueueError::CounterBusy(counter));
        }
        // Services still awaiting a rating are not rated.
        let mut events: Vec<Event> = std::mem::take(&mut self.unrated)
            .into_values()
            .filter_map(|id| self.miss_rating(id))
            .collect();
        let mut expired = 0;
        for t in self.tickets.values_mut() {
            if t.state == TicketState::Waiting {
                t.state = TicketState::Expired { at: now };
                expired += 1;
            }
        }
        self.waiting.clear();
        self.reserved.clear();
        for status in self.counters.values_mut() {
            *status = CounterStatus::Closed;
        }
        self.open = false;
        events.push(Event::DayClosed { expired });
        Ok(events)
    }

    fn open_day(&mut self, day: u32) -> Result<Vec<Event>, QueueError> {
        if self.open {
            return Err(QueueError::DayNotClosed);
        }
        if day <= self.day {
            return Err(QueueError::DayNotNewer { current: self.day });
        }
        self.day = day;
        self.open = true;
        self.tickets.clear();
        self.next_number.clear();
        Ok(vec![Event::DayOpened { day }])
    }

    // ----- helpers -------------------------------------------------------

    fn current_ticket(&self, counter: CounterNo) -> Result<TicketId, QueueError> {
        if !self.counters.contains_key(&counter) {
            return Err(QueueError::UnknownCounter(counter));
        }
        self.current
            .get(&counter)
            .copied()
            .ok_or(QueueError::NoCurrentTicket(counter))
    }

    fn key_of(&self, t: &Ticket) -> WaitKey {
        let weight = self.config.priority(&t.priority).map_or(0, |p| p.weight);
        (Reverse(weight), t.arrival, t.id)
    }

    fn index(&mut self, id: TicketId) {
        let t = &self.tickets[&id];
        let key = self.key_of(t);
        match t.for_counter {
            Some(c) => self.reserved.entry(c).or_default().insert(key),
            None => self.waiting.entry(t.business).or_default().insert(key),
        };
    }

    fn unindex(&mut self, id: TicketId) {
        let t = &self.tickets[&id];
        let key = self.key_of(t);
        match t.for_counter {
            Some(c) => self.reserved.get_mut(&c).map(|s| s.remove(&key)),
            None => self.waiting.get_mut(&t.business).map(|s| s.remove(&key)),
        };
    }
}

fn staff_of(s: &CounterStatus) -> Option<&StaffNo> {
    match s {
        CounterStatus::Closed => None,
        CounterStatus::Open { staff, .. } | CounterStatus::Paused { staff, .. } => Some(staff),
    }
}

fn secs(ms: Millis) -> u32 {
    (ms.max(0) / 1000).min(i64::from(u32::MAX)) as u32
}
