//! What a report means, and which topics belong to whom.

use super::*;
use devices::alarm::Fault;
use devices::telemetry::*;

#[test]
fn a_report_speaks_only_for_the_metrics_it_carries() {
    let t = Thresholds::default();
    let m = Metrics {
        paper_pct: Some(0),
        ..Metrics::default()
    };
    assert_eq!(
        m.faults(&t),
        vec![(Fault::PaperOut, true), (Fault::PaperLow, false)]
    );
    let m = Metrics {
        paper_pct: Some(10),
        on_battery: Some(true),
        battery_min: Some(8),
        temperature_c: Some(f32::NAN),
        ..Metrics::default()
    };
    let f = m.faults(&t);
    assert!(f.contains(&(Fault::PaperLow, true)));
    assert!(f.contains(&(Fault::OnBattery, true)));
    assert!(f.contains(&(Fault::BatteryLow, true)));
    assert!(
        f.contains(&(Fault::OverTemperature, false)),
        "NaN is no fever"
    );
    assert!(Metrics::default().faults(&t).is_empty());
}

#[test]
fn reports_ignore_what_a_newer_device_adds() {
    let r: Report = serde_json::from_str(
        r#"{"seq":7,"metrics":{"paper_pct":40,"humidity":55},"firmware":"2.1"}"#,
    )
    .unwrap();
    assert_eq!(r.metrics.paper_pct, Some(40));
    assert!(serde_json::from_str::<Report>(r#"{"metrics":{"paper_pct":400}}"#).is_err());
    let s: Status = serde_json::from_str(r#"{"state":"offline"}"#).unwrap();
    assert_eq!(s, Status::Offline);
}

#[test]
fn topics_name_one_device_of_one_hall() {
    assert_eq!(
        parse_topic("H0001", "yyt/H0001/dev/T01/report"),
        Some((id("T01"), Leaf::Report))
    );
    assert_eq!(
        topic("H0001", &id("T01"), Leaf::Cmd),
        "yyt/H0001/dev/T01/cmd"
    );
    for other in [
        "yyt/H0002/dev/T01/report",
        "yyt/H0001/dev/T01/other",
        "yyt/H0001/dev/T+1/report",
        "yyt/H0001/dev/T01",
        "yyt/H0001/dev/T01/report/x",
    ] {
        assert_eq!(parse_topic("H0001", other), None, "{other}");
    }
}
