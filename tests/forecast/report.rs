//! Histories from KPI reports: the intervals the aggregator saw nothing
//! in are zeros, within the span of the events.

use switchboard::Timestamp;
use switchboard::engine::Event;
use switchboard::metrics::{Interval, Metrics, Report, Settings};
use switchboard::plan::forecast::{ForecastError, Forecaster, History, Horizon};

use crate::traffic::{Rng, at, series};

const ZONE: &str = "Europe/Berlin";

/// A report of conversations started as `values` says, one interval of
/// `interval` after another from `start`, spread over each interval.
fn report_of(start: Timestamp, interval: Interval, values: &[f64]) -> Report {
    let settings = Settings::new()
        .with_time_zone(ZONE)
        .unwrap()
        .with_interval(interval);
    let mut metrics = Metrics::new(settings);
    let step = u64::from(interval.minutes()) * 60_000;
    let mut id = 0;
    for (i, &n) in values.iter().enumerate() {
        let n = n as u64;
        for k in 0..n {
            id += 1;
            let at = start.as_millis() + i as u64 * step + k * step / n;
            let line = format!(
                r#"{{"at":{at},"conversation":"c{id}","type":"started","contact":"k{id}","channel":"sms"}}"#
            );
            metrics
                .observe(&serde_json::from_str::<Event>(&line).unwrap())
                .unwrap();
            let purged = format!(r#"{{"at":{at},"conversation":"c{id}","type":"purged"}}"#);
            metrics
                .observe(&serde_json::from_str::<Event>(&purged).unwrap())
                .unwrap();
        }
    }
    metrics.report()
}

/// Quiet nights leave no interval rows; the history has them as zeros,
/// and is the series the events came from.
#[test]
fn missing_intervals_are_zeros() {
    let start = at(ZONE, 2026, 4, 6, 0, 0);
    let mut rng = Rng::new(3);
    let count = 15 * 48;
    let (_, mut values) = series(
        start,
        Interval::Minutes30,
        ZONE,
        count,
        150.0,
        |_| 1.0,
        Some(&mut rng),
    );
    // The first and last intervals busy, so the events span them all.
    values[0] = values[0].max(1.0);
    values[count - 1] = values[count - 1].max(1.0);
    let report = report_of(start, Interval::Minutes30, &values);
    let zeros = values.iter().filter(|&&v| v == 0.0).count();
    assert_eq!(report.intervals.len(), count - zeros);
    assert!(zeros > 100, "{zeros} empty intervals");
    let h = History::from_report(&report).unwrap();
    assert_eq!(h.start(), start);
    assert_eq!(h.interval(), Interval::Minutes30);
    assert_eq!(h.time_zone(), ZONE);
    assert_eq!(h.values(), values.as_slice());
    let f = Forecaster::new().forecast(&h, Horizon::Days(1)).unwrap();
    assert_eq!(f.intervals.len(), 48);
    assert_eq!(f.days.len(), 1);
}

/// An interval of 15 or 60 minutes and a zone other than UTC come from
/// the report's own settings.
#[test]
fn a_report_brings_its_interval_and_zone() {
    let start = at(ZONE, 2026, 4, 6, 0, 0);
    let values = [2.0, 0.0, 0.0, 1.0];
    let r = report_of(start, Interval::Minutes15, &values);
    let h = History::from_report(&r).unwrap();
    assert_eq!(
        (h.interval(), h.values()),
        (Interval::Minutes15, &values[..])
    );
}

/// A report of nothing, or one read back with an interval or zone this
/// crate does not report in, is refused.
#[test]
fn a_report_of_nothing_or_of_strange_settings_is_refused() {
    let empty = Metrics::new(Settings::new()).report();
    assert!(matches!(
        History::from_report(&empty),
        Err(ForecastError::Empty { .. })
    ));

    let r = report_of(at(ZONE, 2026, 4, 6, 0, 0), Interval::Minutes30, &[1.0]);
    let mut json = serde_json::to_value(&r).unwrap();
    json["summary"]["period"]["interval_minutes"] = 0.into();
    let zero: Report = serde_json::from_value(json.clone()).unwrap();
    let err = History::from_report(&zero).unwrap_err();
    assert_eq!(err, ForecastError::Interval(0));
    assert!(err.to_string().contains("15, 30 or 60"), "{err}");

    json["summary"]["period"]["interval_minutes"] = 30.into();
    json["summary"]["period"]["time_zone"] = "Atlantis/Capital".into();
    let nowhere: Report = serde_json::from_value(json).unwrap();
    assert!(
        matches!(History::from_report(&nowhere), Err(ForecastError::TimeZone(z)) if z == "Atlantis/Capital")
    );
}
