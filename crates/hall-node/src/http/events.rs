//! `GET /api/v1/events`: the live WebSocket, each caller getting only what concerns it.

use super::Upgrade;
use crate::auth::Caller;
use crate::{views, AppState};
use axum::extract::ws::{Message, WebSocket};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ipc::hall::WireEvent;
use queue::Event;
use store::hall::DeviceKind;
use tokio::sync::broadcast::error::RecvError;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/events", get(upgrade))
}

async fn upgrade(State(s): State<AppState>, caller: Caller, Upgrade(ws): Upgrade) -> Response {
    ws.on_upgrade(move |socket| stream(s, caller, socket))
}

async fn stream(s: AppState, caller: Caller, socket: WebSocket) {
    // A device's page is present while its connection is open.
    let device = match &caller {
        Caller::Device(d) => devices::DeviceId::parse(&d.id).ok(),
        Caller::Staff(_) => None,
    };
    if let Some(id) = &device {
        s.alarms.connected(id.clone());
    }
    serve(&s, &caller, device.as_ref(), socket).await;
    if let Some(id) = device {
        s.alarms.disconnected(id);
    }
}

async fn serve(
    s: &AppState,
    caller: &Caller,
    device: Option<&devices::DeviceId>,
    mut socket: WebSocket,
) {
    let s = s.clone();
    let caller = caller.clone();
    let mut rx = s.driver.events.subscribe();
    let mut notices = s.driver.notices.subscribe();
    let mut alarms = s.alarms.events.subscribe();
    let mut revoked = s.alarms.revoked.subscribe();
    let mut orders = s.alarms.orders.subscribe();
    let mut commands = s.alarms.commands.subscribe();
    let mut emergency = s.emergency.view.clone();
    let mut notice = s.emergency.notice.clone();
    // What is current when the connection opens is the first thing said.
    emergency.mark_changed();
    notice.mark_changed();
    loop {
        tokio::select! {
            got = rx.recv() => {
                let events = match got {
                    Ok(events) => events,
                    // A slow client missed some: tell it to refetch everything.
                    Err(RecvError::Lagged(_)) => std::sync::Arc::new(vec![Event::DayClosed { expired: 0 }]),
                    Err(RecvError::Closed) => return,
                };
                for wire in wire_events(&s, &events).await {
                    if !concerns(&caller, &wire) {
                        continue;
                    }
                    let Ok(text) = serde_json::to_string(&wire) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
            got = notices.recv() => {
                let notice = match got {
                    Ok(notice) => notice,
                    // Missed notices are in GET /api/v1/supervisor/actions.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                let wire = WireEvent::Supervised { notice };
                if !concerns(&caller, &wire) {
                    continue;
                }
                let Ok(text) = serde_json::to_string(&wire) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            got = alarms.recv() => {
                let changes = match got {
                    Ok(changes) => changes,
                    // Missed changes are in GET /api/v1/alarms.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                for change in changes.iter() {
                    let wire = WireEvent::Alarm { change: change.clone() };
                    if !concerns(&caller, &wire) {
                        continue;
                    }
                    let Ok(text) = serde_json::to_string(&wire) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
            got = orders.recv() => {
                // An order for this page's device: it answers on POST /api/v1/commands/{id}/reply.
                let order = match got {
                    Ok(order) => order,
                    // A missed order expires visibly at the hall node.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                if Some(&order.0) != device {
                    continue;
                }
                let wire = WireEvent::Order { order: order.1.clone() };
                let Ok(text) = serde_json::to_string(&wire) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            got = commands.recv() => {
                let command = match got {
                    Ok(command) => command,
                    // Missed changes are in GET /api/v1/devices/{id}/commands.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                let wire = WireEvent::DeviceCommand { command: (*command).clone() };
                if !concerns(&caller, &wire) {
                    continue;
                }
                let Ok(text) = serde_json::to_string(&wire) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            got = emergency.changed() => {
                if got.is_err() {
                    return;
                }
                let view = (**emergency.borrow_and_update()).clone();
                let wire = WireEvent::Emergency { view };
                if !concerns(&caller, &wire) {
                    continue;
                }
                let Ok(text) = serde_json::to_string(&wire) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            got = notice.changed() => {
                if got.is_err() {
                    return;
                }
                let now = (**notice.borrow_and_update()).clone();
                let wire = WireEvent::Notice { notice: now };
                if !concerns(&caller, &wire) {
                    continue;
                }
                let Ok(text) = serde_json::to_string(&wire) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            got = revoked.recv() => {
                // A revoked device's page is disconnected at once.
                if matches!(&got, Ok(id) if Some(id) == device) {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
            msg = socket.recv() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// What a batch of queue events means on the wire.
async fn wire_events(s: &AppState, events: &[Event]) -> Vec<WireEvent> {
    let mut out = Vec::new();
    let mut waiting_changed = false;
    let names = s.names.read().await;
    for e in events {
        match e {
            Event::Issued { .. }
            | Event::Transferred { .. }
            | Event::DayClosed { .. }
            | Event::DayOpened { .. } => waiting_changed = true,
            Event::Called {
                no,
                counter,
                recall,
                ..
            } => {
                out.push(WireEvent::Called {
                    no: *no,
                    counter: *counter,
                    recall: *recall,
                    at: s.clock.now(),
                });
                waiting_changed |= *recall == 0;
                out.push(WireEvent::Counter { counter: *counter });
            }
            Event::Finished {
                ticket,
                no,
                counter,
                staff,
                ..
            } => {
                out.push(WireEvent::Finished {
                    ticket: ticket.0,
                    no: *no,
                    counter: *counter,
                    staff_no: staff.clone(),
                    staff_name: names.get(staff).cloned().unwrap_or_default(),
                });
                out.push(WireEvent::Counter { counter: *counter });
            }
            Event::Rated { ticket, .. } => {
                let state = s.driver.state.read().await;
                if let Some(queue::TicketState::Done { counter, .. }) =
                    state.queue.ticket(*ticket).map(|t| &t.state)
                {
                    out.push(WireEvent::Rated {
                        ticket: ticket.0,
                        counter: *counter,
                    });
                }
            }
            // The pad stops asking about it, as after a rating.
            Event::RatingMissed {
                ticket, counter, ..
            } => out.push(WireEvent::Rated {
                ticket: ticket.0,
                counter: *counter,
            }),
            Event::NoShow { counter, .. }
            | Event::Started { counter, .. }
            | Event::CounterOpened { counter, .. }
            | Event::CounterPaused { counter, .. }
            | Event::CounterResumed { counter }
            | Event::CounterClosed { counter } => {
                out.push(WireEvent::Counter { counter: *counter })
            }
        }
    }
    if waiting_changed {
        let state = s.driver.state.read().await;
        out.push(WireEvent::Waiting {
            businesses: views::waiting(&state.queue),
        });
    }
    out
}

fn concerns(caller: &Caller, e: &WireEvent) -> bool {
    match caller {
        Caller::Staff(a) => match e {
            WireEvent::Alarm { .. } | WireEvent::DeviceCommand { .. } => {
                a.role == domain::Role::Supervisor
            }
            WireEvent::Order { .. } | WireEvent::Notice { .. } => false,
            _ => true,
        },
        Caller::Device(d) => match d.kind {
            DeviceKind::Display => {
                matches!(
                    e,
                    WireEvent::Called { .. } | WireEvent::Waiting { .. } | WireEvent::Notice { .. }
                )
            }
            DeviceKind::Kiosk => matches!(e, WireEvent::Waiting { .. } | WireEvent::Notice { .. }),
            DeviceKind::Pad => match e {
                WireEvent::Finished { counter, .. } | WireEvent::Rated { counter, .. } => {
                    Some(counter.get()) == d.counter
                }
                _ => false,
            },
            _ => false,
        },
    }
}
