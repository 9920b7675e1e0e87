//! HLS playlists both ways: reading what ffmpeg writes while it records, and writing the live and recorded playlists players load.
//!
//! ffmpeg's playlist names each segment `seg-NNNNNN.m4s` with its duration
//! and the wall-clock time it starts (`program_date_time`). The playlists
//! the node serves are made from the segment index instead: the newest few
//! of the current run for live, or every segment of a time range, a
//! discontinuity wherever the recording was interrupted or a new run began
//! (each run has its own init segment).

use devices::video::JOIN_MS;
use ipc::video::PlayPiece;
use std::fmt::Write as _;
use store::video::SegmentRow;

/// One segment as ffmpeg's playlist lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub seq: u32,
    pub duration_ms: i64,
    /// When it starts, if the playlist says.
    pub starts_ms: Option<i64>,
}

/// The segments of an ffmpeg playlist, in order.
pub fn read_ffmpeg(text: &str) -> Vec<Listed> {
    let mut out = Vec::new();
    let mut duration_ms = None;
    let mut starts_ms = None;
    for line in text.lines().map(str::trim) {
        if let Some(d) = line.strip_prefix("#EXTINF:") {
            let d = d.split(',').next().unwrap_or("");
            duration_ms = d.parse::<f64>().ok().map(|s| (s * 1000.0).round() as i64);
        } else if let Some(t) = line.strip_prefix("#EXT-X-PROGRAM-DATE-TIME:") {
            starts_ms = parse_date_time(t);
        } else if !line.is_empty() && !line.starts_with('#') {
            let seq = line
                .strip_prefix("seg-")
                .and_then(|r| r.strip_suffix(".m4s"))
                .and_then(|n| n.parse::<u32>().ok());
            if let (Some(seq), Some(duration_ms)) = (seq, duration_ms) {
                out.push(Listed {
                    seq,
                    duration_ms,
                    starts_ms,
                });
            }
            duration_ms = None;
            starts_ms = None;
        }
    }
    out
}

/// `2026-12-07T19:20:10.969+0000` as ffmpeg writes it (or RFC 3339) as Unix ms.
pub fn parse_date_time(raw: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let ffmpeg = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond][offset_hour sign:mandatory][offset_minute]"
    );
    let raw = raw.trim();
    let t = time::OffsetDateTime::parse(raw, ffmpeg)
        .or_else(|_| time::OffsetDateTime::parse(raw, &Rfc3339))
        .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

fn date_time(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// A segment's address relative to the playlist.
pub fn segment_path(s: &SegmentRow) -> String {
    format!("{}/{}.m4s", s.run, s.seq)
}

/// A run's init segment, relative to the playlist.
pub fn init_path(run: i64) -> String {
    format!("{run}/init.mp4")
}

/// The media sequence number of a segment: runs only grow, so live playlists never go backwards.
fn sequence(s: &SegmentRow) -> i64 {
    s.run.saturating_mul(1_000_000_000) + i64::from(s.seq)
}

fn header(out: &mut String, segments: &[SegmentRow]) {
    let longest = segments
        .iter()
        .map(|s| s.to_ms - s.from_ms)
        .max()
        .unwrap_or(1000);
    out.push_str("#EXTM3U\n#EXT-X-VERSION:7\n");
    let _ = writeln!(out, "#EXT-X-TARGETDURATION:{}", (longest + 999) / 1000);
}

fn entry(out: &mut String, s: &SegmentRow) {
    let _ = writeln!(out, "#EXT-X-PROGRAM-DATE-TIME:{}", date_time(s.from_ms));
    let _ = writeln!(
        out,
        "#EXTINF:{:.3},\n{}",
        (s.to_ms - s.from_ms) as f64 / 1000.0,
        segment_path(s)
    );
}

/// A live playlist of the newest segments of one run (oldest first).
pub fn live(segments: &[SegmentRow]) -> String {
    let mut out = String::new();
    header(&mut out, segments);
    if let Some(first) = segments.first() {
        let _ = writeln!(out, "#EXT-X-MEDIA-SEQUENCE:{}", sequence(first));
        let _ = writeln!(out, "#EXT-X-MAP:URI=\"{}\"", init_path(first.run));
    }
    for s in segments {
        entry(&mut out, s);
    }
    out
}

/// A finished playlist of `segments` (oldest first) and where each
/// recorded stretch sits in it: a discontinuity at each gap or new run.
pub fn recorded(segments: &[SegmentRow]) -> (String, Vec<PlayPiece>) {
    let mut out = String::new();
    header(&mut out, segments);
    out.push_str(
        "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n",
    );
    let mut pieces: Vec<PlayPiece> = Vec::new();
    let mut at_s = 0.0;
    let mut prev: Option<&SegmentRow> = None;
    for s in segments {
        let new_run = prev.is_none_or(|p| p.run != s.run);
        let gap = prev.is_some_and(|p| s.from_ms > p.to_ms + JOIN_MS);
        if prev.is_some() && (new_run || gap) {
            out.push_str("#EXT-X-DISCONTINUITY\n");
        }
        if new_run {
            let _ = writeln!(out, "#EXT-X-MAP:URI=\"{}\"", init_path(s.run));
        }
        match pieces.last_mut() {
            Some(p) if !new_run && !gap => p.to_ms = s.to_ms,
            _ => pieces.push(PlayPiece {
                at_s,
                from_ms: s.from_ms,
                to_ms: s.to_ms,
            }),
        }
        entry(&mut out, s);
        at_s += (s.to_ms - s.from_ms) as f64 / 1000.0;
        prev = Some(s);
    }
    out.push_str("#EXT-X-ENDLIST\n");
    (out, pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpegs_playlist_is_read_with_its_times() {
        let text = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:1\n\
                    #EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1.000000,\n\
                    #EXT-X-PROGRAM-DATE-TIME:2026-12-07T19:20:10.969+0000\nseg-000001.m4s\n\
                    #EXTINF:0.960000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-08T03:20:11.969+0800\n\
                    seg-000002.m4s\n";
        let got = read_ffmpeg(text);
        let t0 = parse_date_time("2026-12-07T19:20:10.969Z").unwrap();
        assert_eq!(t0 % 1000, 969);
        assert_eq!(
            got,
            vec![
                Listed {
                    seq: 1,
                    duration_ms: 1000,
                    starts_ms: Some(t0)
                },
                Listed {
                    seq: 2,
                    duration_ms: 960,
                    starts_ms: Some(t0 + 1000)
                },
            ]
        );
        assert_eq!(parse_date_time(&date_time(t0)), Some(t0));
        assert_eq!(parse_date_time("2026-13-07T19:20:10.969Z"), None);
    }

    fn seg(run: i64, seq: u32, from_s: i64) -> SegmentRow {
        SegmentRow {
            run,
            seq,
            from_ms: from_s * 1000,
            to_ms: (from_s + 1) * 1000,
            bytes: 10,
        }
    }

    #[test]
    fn a_recorded_playlist_breaks_at_gaps_and_runs() {
        let segs = [
            seg(1, 0, 100),
            seg(1, 1, 101),
            seg(1, 2, 110), // a gap of 8 s
            seg(2, 0, 111), // a new run right after
        ];
        let (text, pieces) = recorded(&segs);
        assert_eq!(text.matches("#EXT-X-DISCONTINUITY").count(), 2);
        assert_eq!(text.matches("#EXT-X-MAP").count(), 2);
        assert!(text.contains("1/2.m4s") && text.contains("2/init.mp4"));
        assert!(text.ends_with("#EXT-X-ENDLIST\n"));
        let p: Vec<_> = pieces
            .iter()
            .map(|p| (p.at_s, p.from_ms / 1000, p.to_ms / 1000))
            .collect();
        assert_eq!(p, vec![(0.0, 100, 102), (2.0, 110, 111), (3.0, 111, 112)]);
    }

    #[test]
    fn a_live_playlist_counts_on_across_runs() {
        let a = live(&[seg(1, 7, 100), seg(1, 8, 101)]);
        let b = live(&[seg(2, 0, 103)]);
        let seq = |t: &str| -> i64 {
            t.lines()
                .find_map(|l| l.strip_prefix("#EXT-X-MEDIA-SEQUENCE:"))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(seq(&b) > seq(&a));
        assert!(!a.contains("ENDLIST"));
    }
}
