//! Bad input gets a typed error that says what to do.

use switchboard::Timestamp;
use switchboard::metrics::Interval;
use switchboard::plan::forecast::{
    ForecastError, Forecaster, History, Horizon, MAX_HISTORY_DAYS, MAX_HORIZON_DAYS, Model,
};

fn hourly(values: Vec<f64>) -> Result<History, ForecastError> {
    History::new(
        Timestamp::from_millis(1_775_433_600_000),
        Interval::Minutes60,
        "UTC",
        values,
    )
}

#[test]
fn an_empty_history_is_refused() {
    let err = hourly(vec![]).unwrap_err();
    assert_eq!(err, ForecastError::Empty { needed_days: 14 });
    assert!(err.to_string().contains("at least 14 days"), "{err}");
}

#[test]
fn volumes_that_are_not_volumes_are_refused() {
    for bad in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -1e-300,
        2e12,
    ] {
        let err = hourly(vec![1.0, 2.0, bad, 3.0]).unwrap_err();
        assert!(
            matches!(err, ForecastError::BadValue { index: 2, .. }),
            "{bad}: {err:?}"
        );
        assert!(err.to_string().contains("interval 2"), "{err}");
    }
    // -0.0 is a volume of nothing.
    let h = hourly(vec![-0.0; 3]).unwrap();
    assert!(h.values().iter().all(|v| v.is_sign_positive()));
}

#[test]
fn an_unknown_time_zone_is_refused() {
    let err = History::new(
        Timestamp::EPOCH,
        Interval::Minutes30,
        "Europe/Atlantis",
        vec![1.0],
    )
    .unwrap_err();
    assert_eq!(err, ForecastError::TimeZone("Europe/Atlantis".into()));
    assert!(err.to_string().contains("IANA"), "{err}");
}

#[test]
fn a_horizon_of_nothing_or_of_too_much_is_refused() {
    let h = hourly(vec![1.0; 21 * 24]).unwrap();
    let f = Forecaster::new();
    for horizon in [
        Horizon::Days(0),
        Horizon::Days(MAX_HORIZON_DAYS + 1),
        Horizon::Days(u32::MAX),
        Horizon::Intervals(0),
        Horizon::Intervals(MAX_HORIZON_DAYS * 24 + 1),
        Horizon::Intervals(u32::MAX),
    ] {
        let err = f.forecast(&h, horizon).unwrap_err();
        assert!(
            matches!(err, ForecastError::Horizon { .. }),
            "{horizon:?}: {err:?}"
        );
        assert!(err.to_string().contains("ask for 1 to"), "{err}");
        let err = f.forecast_with(&h, &Model::Naive, horizon).unwrap_err();
        assert!(matches!(err, ForecastError::Horizon { .. }));
    }
    // The longest horizons are fine.
    let most = f.forecast(&h, Horizon::Days(MAX_HORIZON_DAYS)).unwrap();
    assert_eq!(most.intervals.len(), MAX_HORIZON_DAYS as usize * 24);
    let most = f
        .forecast(&h, Horizon::Intervals(MAX_HORIZON_DAYS * 24))
        .unwrap();
    assert_eq!(most.intervals.len(), MAX_HORIZON_DAYS as usize * 24);
}

#[test]
fn less_than_two_weeks_cannot_choose() {
    let h = hourly(vec![1.0; 14 * 24 - 1]).unwrap();
    let err = Forecaster::new()
        .forecast(&h, Horizon::Days(1))
        .unwrap_err();
    let ForecastError::TooShort {
        days,
        needed_days,
        holdout_days,
    } = err.clone()
    else {
        panic!("{err:?}");
    };
    assert_eq!((needed_days, holdout_days), (14, 7));
    assert!((days - (14.0 - 1.0 / 24.0)).abs() < 1e-9);
    assert!(
        err.to_string().contains("forecast with a chosen model"),
        "{err}"
    );
    // Two weeks are enough; so is a shorter hold-out.
    assert!(
        Forecaster::new()
            .forecast(&hourly(vec![1.0; 14 * 24]).unwrap(), Horizon::Days(1))
            .is_ok()
    );
    assert!(
        Forecaster::new()
            .with_holdout_days(3)
            .forecast(&h, Horizon::Days(1))
            .is_ok()
    );
    // A chosen model needs its weeks.
    let week = hourly(vec![1.0; 7 * 24]).unwrap();
    assert!(
        Forecaster::new()
            .forecast_with(&week, &Model::Naive, Horizon::Days(1))
            .is_ok()
    );
    let err = Forecaster::new()
        .forecast_with(&week, &Model::SeasonalMean { weeks: 2 }, Horizon::Days(1))
        .unwrap_err();
    assert!(matches!(err, ForecastError::Model { .. }), "{err:?}");
    assert!(err.to_string().contains("2 whole weeks"), "{err}");
}

#[test]
fn models_with_parameters_out_of_range_are_refused() {
    let h = hourly(vec![1.0; 14 * 24]).unwrap();
    for model in [
        Model::SeasonalMean { weeks: 0 },
        Model::SeasonalMedian { weeks: 53 },
        Model::HoltWinters {
            alpha: f64::NAN,
            gamma: 0.1,
        },
        Model::HoltWinters {
            alpha: 0.1,
            gamma: 1.5,
        },
        Model::DailyProfile {
            alpha: 0.1,
            delta: -0.1,
            gamma: 0.1,
        },
        Model::DailyProfile {
            alpha: f64::INFINITY,
            delta: 0.1,
            gamma: 0.1,
        },
    ] {
        let err = Forecaster::new()
            .forecast_with(&h, &model, Horizon::Days(1))
            .unwrap_err();
        assert!(
            matches!(err, ForecastError::Model { .. }),
            "{model:?}: {err:?}"
        );
    }
}

#[test]
fn a_history_or_forecast_past_9999_is_refused() {
    // 9999-12-20: the history fits, a forecast of a quarter does not.
    let late = Timestamp::from_millis(253_401_408_000_000);
    let h = History::new(late, Interval::Minutes60, "UTC", vec![1.0; 24]).unwrap();
    let err = Forecaster::new().forecast_with(&h, &Model::Naive, Horizon::Days(90));
    assert!(matches!(
        err,
        Err(ForecastError::Model { .. } | ForecastError::OutOfRange)
    ));
    let err = Forecaster::new().forecast_with(&h, &Model::Naive, Horizon::Intervals(24 * 30));
    assert!(matches!(err, Err(ForecastError::OutOfRange)), "{err:?}");
    let err = History::new(Timestamp::MAX, Interval::Minutes60, "UTC", vec![1.0]).unwrap_err();
    assert_eq!(err, ForecastError::OutOfRange);
}

/// A history longer than two years keeps its last two years.
#[test]
fn a_long_history_keeps_its_most_recent_days() {
    let days = MAX_HISTORY_DAYS as usize;
    let mut values = vec![5.0; (days + 10) * 24];
    values[10 * 24] = 7.0;
    let start = Timestamp::from_millis(1_600_000_000_000 - 1_600_000_000_000 % 3_600_000);
    let h = History::new(start, Interval::Minutes60, "UTC", values).unwrap();
    assert_eq!(h.values().len(), days * 24);
    assert_eq!(h.values()[0], 7.0);
    assert_eq!(h.start().as_millis(), start.as_millis() + 10 * 86_400_000);
}

/// The largest input — two years of 15-minute intervals, a quarter
/// ahead — is bounded work.
#[test]
fn the_longest_history_and_horizon_are_bounded_work() {
    let per_day = 96;
    let values: Vec<f64> = (0..MAX_HISTORY_DAYS as usize * per_day + 500)
        .map(|i| ((i * 7919) % 61) as f64)
        .collect();
    let h = History::new(
        Timestamp::from_millis(1_700_000_000_000 / 900_000 * 900_000),
        Interval::Minutes15,
        "Europe/Berlin",
        values,
    )
    .unwrap();
    let started = std::time::Instant::now();
    let f = Forecaster::new()
        .with_holdout_days(28)
        .forecast(&h, Horizon::Days(MAX_HORIZON_DAYS))
        .unwrap();
    eprintln!(
        "{} intervals of history, {} forecast, {} candidates: {:.2?}",
        h.values().len(),
        f.intervals.len(),
        f.candidates.len(),
        started.elapsed()
    );
    assert!(f.intervals.len() >= MAX_HORIZON_DAYS as usize * per_day);
}
