//! Programs on the hall's screens: bounds, windows, and one rotation for every display.

use devices::program::*;

const OFFSET: i32 = 8 * 60; // UTC+8
/// 2026-12-07 00:00 local (a Monday) in Unix ms.
const MONDAY: i64 = 1_796_572_800_000;
const H: i64 = 3_600_000;

fn notice(id: &str, seconds: u32, priority: u8) -> Program {
    Program {
        id: id.into(),
        title: format!("通知 {id}"),
        content: Content::Notice {
            text: "本厅周六照常营业".into(),
        },
        seconds,
        window: Window {
            from: MONDAY,
            until: MONDAY + 7 * 24 * H,
            hours: None,
            weekdays: 0x7f,
        },
        priority,
        origin: Origin::Province,
    }
}

#[test]
fn a_program_is_checked() {
    assert_eq!(notice("P1", 10, 0).check(), Ok(()));
    let mut p = notice("P/1", 10, 0);
    assert_eq!(p.check(), Err(ProgramError::BadId));
    p = notice("P1", 4, 0);
    assert_eq!(p.check(), Err(ProgramError::BadSeconds));
    p = notice("P1", 10, 0);
    p.window.until = p.window.from;
    assert_eq!(p.check(), Err(ProgramError::BadWindow));
    p = notice("P1", 10, 0);
    p.window.hours = Some((600, 1441));
    assert_eq!(p.check(), Err(ProgramError::BadWindow));
    p = notice("P1", 10, 0);
    p.content = Content::Notice {
        text: "字".repeat(501),
    };
    assert_eq!(p.check(), Err(ProgramError::BadText));
    p.content = Content::Image {
        asset: Asset {
            sha256: "ab".repeat(32),
            bytes: 1024,
            mime: "video/mp4".into(),
        },
    };
    assert_eq!(
        p.check(),
        Err(ProgramError::BadAsset),
        "an image that is a video"
    );
    p.content = Content::Video {
        asset: Asset {
            sha256: "ab".repeat(32),
            bytes: 1024,
            mime: "video/mp4".into(),
        },
    };
    assert_eq!(p.check(), Ok(()));
}

#[test]
fn hours_and_weekdays_are_local() {
    let mut p = notice("P1", 10, 0);
    p.window.hours = Some((9 * 60, 17 * 60));
    p.window.weekdays = 0b001_1111; // Monday to Friday
    assert!(!p.is_on(MONDAY + 8 * H + 59 * 60_000, OFFSET));
    assert!(p.is_on(MONDAY + 9 * H, OFFSET));
    assert!(!p.is_on(MONDAY + 17 * H, OFFSET));
    assert!(p.is_on(MONDAY + 4 * 24 * H + 10 * H, OFFSET), "Friday");
    assert!(!p.is_on(MONDAY + 5 * 24 * H + 10 * H, OFFSET), "Saturday");
    assert!(
        !p.is_on(MONDAY - 24 * H + 10 * H, OFFSET),
        "before its window"
    );
}

#[test]
fn every_display_shows_the_same_rotation() {
    let programs = vec![notice("B", 20, 0), notice("A", 10, 0), notice("Z", 30, 5)];
    let at = |s: i64| on_screen(&programs, MONDAY + 9 * H + s * 1000, OFFSET);
    // Priority first, then id: Z (30 s), A (10 s), B (20 s); the cycle is a minute from midnight.
    assert_eq!(at(0).program.unwrap().id, "Z");
    assert_eq!(at(0).until, Some(MONDAY + 9 * H + 30_000));
    assert_eq!(at(29).program.unwrap().id, "Z");
    assert_eq!(at(30).program.unwrap().id, "A");
    assert_eq!(at(40).program.unwrap().id, "B");
    assert_eq!(at(60).program.unwrap().id, "Z");
    assert_eq!(at(59), at(59), "a pure function of the time");
}

#[test]
fn scrolling_texts_run_in_the_ticker() {
    let mut s = notice("S1", 10, 0);
    s.content = Content::Scroll {
        text: "电费可通过网上国网缴纳".into(),
    };
    let shown = on_screen(&[s.clone()], MONDAY + 10 * H, OFFSET);
    assert_eq!(shown.program, None);
    assert_eq!(shown.ticker, vec!["电费可通过网上国网缴纳".to_string()]);
    let mut bad = notice("bad", 10, 0);
    bad.seconds = 0;
    let shown = on_screen(&[s, bad], MONDAY + 10 * H, OFFSET);
    assert_eq!(shown.program, None, "an invalid program is never shown");
    assert!(on_screen(&[], MONDAY, OFFSET).ticker.is_empty());
}
