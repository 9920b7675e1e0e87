//! Silence, last wills and page connections.

use super::*;
use devices::presence::Change;

#[test]
fn silence_past_the_timeout_is_offline_once() {
    let mut p = Presence::new();
    p.track(id("T01"), 30_000, 0);
    assert_eq!(p.next_deadline(), Some(30_001));
    assert!(p.expire(30_000).is_empty());
    assert_eq!(p.heard(&id("T01"), 20_000), None);
    assert!(p.expire(50_000).is_empty());
    assert_eq!(p.expire(50_001), vec![Change::Offline(id("T01"))]);
    assert!(p.expire(90_000).is_empty(), "told once");
    assert_eq!(p.heard(&id("T01"), 91_000), Some(Change::Online(id("T01"))));
    assert!(p.is_online(&id("T01")));
}

#[test]
fn a_will_is_offline_at_once_and_a_page_is_present_while_connected() {
    let mut p = Presence::new();
    p.track(id("T01"), 30_000, 0);
    p.track(id("K1"), 30_000, 0);
    assert_eq!(p.dropped(&id("T01")), Some(Change::Offline(id("T01"))));
    assert_eq!(p.dropped(&id("T01")), None);
    assert_eq!(p.connected(&id("K1")), None);
    assert!(
        p.expire(10_000_000).is_empty(),
        "a connected page never times out"
    );
    assert_eq!(p.dropped(&id("K1")), Some(Change::Offline(id("K1"))));
    assert_eq!(p.connected(&id("K1")), Some(Change::Online(id("K1"))));
    assert_eq!(
        p.heard(&id("ghost"), 0),
        None,
        "untracked devices are nobody"
    );
}
