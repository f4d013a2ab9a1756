//! Weeks of daylight-saving changes in Europe/Berlin: the season is the
//! wall clock.

use switchboard::metrics::Interval;
use switchboard::plan::forecast::{Forecaster, Horizon, Model};

use crate::traffic::{Rng, at, expected, history, intervals_over, local, series};

const ZONE: &str = "Europe/Berlin";

/// `count` half hours of the plain seasonal shape (no noise, no trend)
/// from `start` in Berlin.
fn plain_history(
    start: switchboard::Timestamp,
    count: usize,
) -> switchboard::plan::forecast::History {
    let (means, _) = series(
        start,
        Interval::Minutes30,
        ZONE,
        count,
        1500.0,
        |_| 1.0,
        None,
    );
    history(start, Interval::Minutes30, ZONE, &means)
}

/// Forecasting across the night clocks go forward (Sunday 2026-03-29,
/// 02:00 → 03:00): that Sunday has 46 half hours, none at 02:00 or
/// 02:30, and each interval gets its wall-clock slot's volume.
#[test]
fn the_day_clocks_go_forward_forecasts_23_hours() {
    let start = at(ZONE, 2026, 3, 2, 0, 0);
    let h = plain_history(start, 21 * 48);
    let f = Forecaster::new().forecast(&h, Horizon::Days(7)).unwrap();
    assert_eq!(f.model, Model::Naive);
    assert_eq!(f.intervals.len(), 6 * 48 + 46);
    let sunday = &f.intervals[6 * 48..];
    assert_eq!(sunday[3].local, "2026-03-29T01:30+01:00");
    assert_eq!(sunday[4].local, "2026-03-29T03:00+02:00");
    assert_eq!(
        sunday[4].start.as_millis() - sunday[3].start.as_millis(),
        1_800_000
    );
    for i in &f.intervals {
        let (wd, minute) = local(i.start, ZONE);
        let want = expected(wd, minute, 30, 1500.0);
        assert!(
            (i.volume - want).abs() < 1e-9,
            "{}: {} against {want}",
            i.local,
            i.volume
        );
    }
    assert_eq!(f.days.len(), 7);
    assert_eq!(f.days[6].date, "2026-03-29");
}

/// Forecasting across the night clocks go back (Sunday 2026-10-25,
/// 03:00 → 02:00): that Sunday has 50 half hours, and the repeated
/// hour's two intervals each get the slot's volume.
#[test]
fn the_day_clocks_go_back_forecasts_25_hours() {
    let start = at(ZONE, 2026, 9, 28, 0, 0);
    let h = plain_history(start, 21 * 48);
    let f = Forecaster::new().forecast(&h, Horizon::Days(7)).unwrap();
    assert_eq!(f.intervals.len(), 6 * 48 + 50);
    let sunday = &f.intervals[6 * 48..];
    let labels: Vec<&str> = sunday[4..8].iter().map(|i| i.local.as_str()).collect();
    assert_eq!(
        labels,
        [
            "2026-10-25T02:00+02:00",
            "2026-10-25T02:30+02:00",
            "2026-10-25T02:00+01:00",
            "2026-10-25T02:30+01:00"
        ]
    );
    assert_eq!(sunday[4].volume, sunday[6].volume);
    assert!(sunday[4].volume > 0.0);
    for i in &f.intervals {
        let (wd, minute) = local(i.start, ZONE);
        assert!((i.volume - expected(wd, minute, 30, 1500.0)).abs() < 1e-9);
    }
}

/// A history through both changes: each slot learns one interval's
/// volume of its wall-clock time — the repeated hour's mean, not its
/// sum; the skipped hour from its neighbours — so the weeks after
/// forecast the pattern, not a spike or a hole at 02:00 on Sunday.
#[test]
fn a_history_through_the_changes_learns_the_wall_clock() {
    for (y, m, d) in [(2026, 3, 16), (2026, 10, 12)] {
        let start = at(ZONE, y, m, d, 0, 0);
        let count = intervals_over(ZONE, (y, m, d), 21, 30);
        let h = plain_history(start, count);
        for model in [
            Model::Naive,
            Model::SeasonalMean { weeks: 3 },
            Model::HoltWinters {
                alpha: 0.01,
                gamma: 0.3,
            },
            Model::DailyProfile {
                alpha: 0.2,
                delta: 0.05,
                gamma: 0.2,
            },
        ] {
            let f = Forecaster::new()
                .forecast_with(&h, &model, Horizon::Days(14))
                .unwrap();
            assert_eq!(f.intervals.len(), 14 * 48);
            for i in &f.intervals {
                let (wd, minute) = local(i.start, ZONE);
                let want = expected(wd, minute, 30, 1500.0);
                // The skipped hour's slot is interpolated in one of three
                // weeks; the night's volumes are nearly flat.
                let tolerance = if wd == 6 && minute / 60 == 2 {
                    0.05 * want
                } else {
                    1e-9 * want.max(1.0)
                };
                assert!(
                    (i.volume - want).abs() <= tolerance,
                    "{model}: {} forecasts {} against {want}",
                    i.local,
                    i.volume
                );
            }
        }
    }
}

/// Noisy traffic through both changes still forecasts sensibly: the
/// chosen model beats the naive on the hold-out, and no interval is
/// missing or doubled.
#[test]
fn noisy_weeks_of_changes_choose_as_usual() {
    for (y, m, d) in [(2026, 3, 2), (2026, 10, 5)] {
        let start = at(ZONE, y, m, d, 0, 0);
        let count = intervals_over(ZONE, (y, m, d), 35, 15);
        let mut rng = Rng::new(11);
        let (_, values) = series(
            start,
            Interval::Minutes15,
            ZONE,
            count,
            1500.0,
            |_| 1.0,
            Some(&mut rng),
        );
        let h = history(start, Interval::Minutes15, ZONE, &values);
        let f = Forecaster::new().forecast(&h, Horizon::Days(7)).unwrap();
        eprintln!(
            "15-minute weeks from {y}-{m:02}-{d:02}, Berlin: {} — hold-out WAPE {:.2} % (naive {:.2} %)",
            f.model,
            f.wape.unwrap() * 100.0,
            f.naive_wape.unwrap() * 100.0
        );
        assert!(f.wape.unwrap() < f.naive_wape.unwrap());
        assert_eq!(f.intervals.len(), 7 * 96);
        assert!(
            f.intervals
                .windows(2)
                .all(|w| w[1].start.as_millis() - w[0].start.as_millis() == 900_000)
        );
    }
}
