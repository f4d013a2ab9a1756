//! Bad logs: each error names its line, and a refused event changes
//! nothing.

use std::time::Duration;

use super::{Log, t};
use switchboard::ChannelKind;
use switchboard::metrics::{Metrics, MetricsError, Settings};

fn log_text(l: &Log) -> String {
    l.sorted()
        .iter()
        .map(|e| format!("{}\n", serde_json::json!({ "event": e })))
        .collect()
}

fn sample() -> Log {
    let mut l = Log::default();
    l.start(t(0), "c1", "u1", ChannelKind::Sms)
        .queued(t(0), "c1", "support")
        .accept(t(10), "c1", "support", "ana")
        .close(t(60), "c1", "support", "ana");
    l
}

#[test]
fn a_log_reads_the_same_as_the_events_and_skips_actions_errors_and_comments() {
    let l = sample();
    let mut text = String::from("# events\n\n{\"at\":0,\"action\":{\"type\":\"typing\"}}\n");
    text += &log_text(&l);
    text += "{\"at\":5,\"error\":\"unknown agent\"}\n";
    let mut m = Metrics::new(Settings::new());
    assert_eq!(m.observe_log(text.as_bytes()), Ok(4));
    assert_eq!(m.report(), l.report(Settings::new()));
}

#[test]
fn a_malformed_line_is_named_and_stops_the_read() {
    let mut text = log_text(&sample());
    text.insert_str(0, "{\"event\":{\"at\":0,\"type\":\"no_such_kind\"}}\n");
    let mut m = Metrics::new(Settings::new());
    let err = m.observe_log(text.as_bytes()).unwrap_err();
    assert!(matches!(err, MetricsError::Line { line: 1, .. }), "{err}");
    assert!(err.to_string().contains("not an event"), "{err}");
    assert_eq!(m.events(), 0);

    for (bad, why) in [
        (&b"[1,2]\n"[..], "not a JSON object"),
        (b"{\"event\":", "not JSON"),
        (b"\xff\xfe\n", "not valid UTF-8 (at byte 1)"),
    ] {
        let mut m = Metrics::new(Settings::new());
        let mut text = log_text(&sample()).into_bytes();
        text.extend_from_slice(bad);
        let err = m.observe_log(&text[..]).unwrap_err();
        assert!(matches!(err, MetricsError::Line { line: 5, .. }), "{err}");
        assert!(err.to_string().contains(why), "{err}");
    }
    let long = format!("{}\n", "x".repeat(switchboard::metrics::MAX_LINE + 10));
    let err = Metrics::new(Settings::new())
        .observe_log(long.as_bytes())
        .unwrap_err();
    assert!(err.to_string().contains("longer than"), "{err}");
}

#[test]
fn an_event_out_of_order_beyond_the_tolerance_is_refused_and_changes_nothing() {
    let l = sample();
    let mut m = Metrics::new(Settings::new());
    for e in &l.events {
        m.observe(e).unwrap();
    }
    let before = m.report();
    let mut late = l.events[2].clone();
    late.at = t(30);
    let err = m.observe(&late).unwrap_err();
    assert!(
        matches!(
            err,
            MetricsError::OutOfOrder {
                behind_ms: 30_000,
                tolerance_ms: 0,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("raise the tolerance"), "{err}");
    assert_eq!(m.report(), before);
    assert_eq!(m.events(), 4);

    // Within a tolerance, it counts at its own time.
    let mut m = Metrics::new(Settings::new().with_tolerance(Duration::from_secs(60)));
    for e in &l.events {
        m.observe(e).unwrap();
    }
    m.observe(&late).unwrap();
    assert_eq!(m.events(), 5);

    // In a log, the line is named.
    let mut text = log_text(&l);
    text += &format!("{}\n", serde_json::json!({ "event": late }));
    let err = Metrics::new(Settings::new())
        .observe_log(text.as_bytes())
        .unwrap_err();
    assert!(matches!(err, MetricsError::Line { line: 5, .. }), "{err}");
}

#[test]
fn aggregates_with_different_settings_do_not_merge() {
    let mut a = Metrics::new(Settings::new());
    let b = Metrics::new(Settings::new().with_service_level(Duration::from_secs(30)));
    let err = a.merge(b).unwrap_err();
    assert!(matches!(err, MetricsError::SettingsDiffer(_)), "{err}");
}

#[test]
fn two_shards_under_one_name_are_refused_and_nothing_merges() {
    let l = sample();
    let mut a = super::aggregate(&l.events[..2], Settings::new());
    let b = super::aggregate(&l.events[..2], Settings::new());
    let before = a.report();
    let err = a.merge(b).unwrap_err();
    assert!(matches!(err, MetricsError::Overlap(_)), "{err}");
    assert!(err.to_string().contains("with_shard"), "{err}");
    assert_eq!(a.report(), before);
}
