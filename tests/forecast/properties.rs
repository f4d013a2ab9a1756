//! No input panics, and no forecast is NaN, infinite or negative: any
//! series, start, zone, hold-out, horizon and model parameters give a
//! forecast or a typed error.

use proptest::prelude::*;
use switchboard::Timestamp;
use switchboard::metrics::Interval;
use switchboard::plan::forecast::{ForecastError, Forecaster, History, Horizon, Model};

const ZONES: [&str; 7] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
];

fn volume() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => Just(0.0),
        8 => 0.0..50.0f64,
        4 => (0u32..200).prop_map(f64::from),
        1 => 0.0..1e12f64,
        1 => Just(1e12),
        1 => Just(f64::MIN_POSITIVE),
    ]
}

fn horizon() -> impl Strategy<Value = Horizon> {
    prop_oneof![
        (0u32..100).prop_map(Horizon::Days),
        (0u32..10_000).prop_map(Horizon::Intervals),
    ]
}

fn model() -> impl Strategy<Value = Model> {
    prop_oneof![
        Just(Model::Naive),
        (0u32..60).prop_map(|weeks| Model::SeasonalMean { weeks }),
        (0u32..60).prop_map(|weeks| Model::SeasonalMedian { weeks }),
        (0.0..1.2f64, 0.0..1.2f64).prop_map(|(alpha, gamma)| Model::HoltWinters { alpha, gamma }),
        (0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64).prop_map(|(alpha, delta, gamma)| {
            Model::DailyProfile {
                alpha,
                delta,
                gamma,
            }
        }),
    ]
}

fn interval() -> impl Strategy<Value = Interval> {
    prop_oneof![
        Just(Interval::Minutes15),
        Just(Interval::Minutes30),
        Just(Interval::Minutes60)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn no_series_panics_or_forecasts_nan_or_negative(
        interval in interval(),
        zone in 0..ZONES.len(),
        // Any instant from 2000 to 2040, aligned or not.
        start in 946_684_800_000u64..2_208_988_800_000,
        // Runs of volumes, repeated to a length of up to 4 weeks of
        // 15-minute intervals, with a spike or a gap.
        pattern in prop::collection::vec(volume(), 1..200),
        len in 0usize..2_700,
        spike in (any::<prop::sample::Index>(), volume()),
        holdout in 1u32..10,
        horizon in horizon(),
        model in model(),
    ) {
        let mut values: Vec<f64> = pattern.iter().cycle().take(len).copied().collect();
        if !values.is_empty() {
            let i = spike.0.index(values.len());
            values[i] = spike.1;
        }
        let h = match History::new(Timestamp::from_millis(start), interval, ZONES[zone], values) {
            Ok(h) => h,
            Err(_) => return Ok(()),
        };
        let f = Forecaster::new().with_holdout_days(holdout);
        for result in [f.forecast(&h, horizon), f.forecast_with(&h, &model, horizon)] {
            let Ok(forecast) = result else { continue };
            prop_assert!(!forecast.intervals.is_empty());
            for i in &forecast.intervals {
                prop_assert!(i.volume.is_finite() && i.volume >= 0.0, "{}", i.volume);
            }
            for c in &forecast.candidates {
                prop_assert!(c.absolute_error.is_finite() && c.absolute_error >= 0.0);
                prop_assert!(c.wape.is_none_or(|w| w.is_finite() && w >= 0.0));
            }
            let days: f64 = forecast.days.iter().map(|d| d.volume).sum();
            let intervals: f64 = forecast.intervals.iter().map(|i| i.volume).sum();
            prop_assert!((days - intervals).abs() <= 1e-9 * intervals.max(1.0));
            let step = u64::from(interval.minutes()) * 60_000;
            prop_assert_eq!(forecast.intervals[0].start, h.end());
            prop_assert!(forecast.intervals.windows(2).all(|w| w[1].start.as_millis() - w[0].start.as_millis() == step));
            serde_json::to_string(&forecast).unwrap();
        }
    }
}

/// Any `f64`, mostly volumes, sometimes not.
fn any_volume() -> impl Strategy<Value = f64> {
    prop_oneof![
        200 => volume(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1.0),
        1 => Just(-0.0),
        1 => Just(1e12 * (1.0 + f64::EPSILON)),
        1 => any::<f64>(),
    ]
}

/// Any model, its parameters anything.
fn any_model() -> impl Strategy<Value = Model> {
    let p = prop_oneof![
        4 => 0.0..=1.0f64,
        1 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(-0.0),
        1 => Just(1.0 + f64::EPSILON),
    ];
    prop_oneof![
        Just(Model::Naive),
        any::<u32>().prop_map(|weeks| Model::SeasonalMean { weeks }),
        (0u32..60).prop_map(|weeks| Model::SeasonalMedian { weeks }),
        (p.clone(), p.clone()).prop_map(|(alpha, gamma)| Model::HoltWinters { alpha, gamma }),
        (p.clone(), p.clone(), p).prop_map(|(alpha, delta, gamma)| Model::DailyProfile {
            alpha,
            delta,
            gamma,
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_input_is_a_forecast_or_an_error(
        interval in interval(),
        zone in prop_oneof![4 => (0..ZONES.len()).prop_map(|z| ZONES[z].to_owned()), 1 => ".{0,12}"],
        // Anywhere in u64 milliseconds, often near the end of 9999.
        start in prop_oneof![
            4 => 946_684_800_000u64..2_208_988_800_000,
            1 => any::<u64>(),
            2 => 253_400_000_000_000u64..253_402_300_800_000,
            1 => Just(0u64),
            1 => Just(u64::MAX),
        ],
        pattern in prop::collection::vec(any_volume(), 1..50),
        len in 0usize..1_500,
        holdout in prop_oneof![3 => 0u32..10, 1 => any::<u32>()],
        horizon in prop_oneof![
            3 => horizon(),
            1 => any::<u32>().prop_map(Horizon::Days),
            1 => any::<u32>().prop_map(Horizon::Intervals),
        ],
        model in any_model(),
    ) {
        let values: Vec<f64> = pattern.iter().cycle().take(len).copied().collect();
        let bad = values.iter().position(|v| !(v.is_finite() && (0.0..=1e12).contains(v)));
        let h = match History::new(Timestamp::from_millis(start), interval, &zone, values) {
            Ok(h) => h,
            Err(ForecastError::BadValue { index, .. }) => {
                prop_assert_eq!(Some(index), bad);
                return Ok(());
            }
            Err(_) => return Ok(()),
        };
        prop_assert!(bad.is_none());
        prop_assert!(h.values().iter().all(|v| v.is_finite() && *v >= 0.0 && v.is_sign_positive()));
        let f = Forecaster::new().with_holdout_days(holdout);
        prop_assert!((1..=28).contains(&f.holdout_days()));
        for result in [f.forecast(&h, horizon), f.forecast_with(&h, &model, horizon)] {
            let Ok(forecast) = result else { continue };
            prop_assert!(!forecast.intervals.is_empty());
            for i in &forecast.intervals {
                prop_assert!(i.volume.is_finite() && i.volume >= 0.0, "{}", i.volume);
            }
            prop_assert!(forecast.wape.is_none_or(|w| w.is_finite() && w >= 0.0));
            serde_json::to_string(&forecast).unwrap();
        }
    }
}
