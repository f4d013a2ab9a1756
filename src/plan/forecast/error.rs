//! What forecasting refuses.

use thiserror::Error;

/// Why a [`History`](super::History) could not be built or a
/// [`Forecast`](super::Forecast) made. Nothing is half done: an error
/// returns nothing but itself.
///
/// ```
/// use switchboard::metrics::Interval;
/// use switchboard::plan::forecast::{ForecastError, History};
/// use switchboard::Timestamp;
///
/// let err = History::new(Timestamp::EPOCH, Interval::Minutes30, "UTC", vec![1.0, -2.0]).unwrap_err();
/// assert!(matches!(err, ForecastError::BadValue { index: 1, .. }));
/// assert!(err.to_string().contains("interval 1"));
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// The history has no interval at all (a report of no events).
    #[error(
        "the history is empty: a forecast needs at least {needed_days} days of volumes per interval"
    )]
    Empty {
        /// The days the forecast needs.
        needed_days: u32,
    },
    /// The history is too short to fit a model and hold out a week to
    /// judge it by.
    #[error(
        "the history covers {days:.1} days: choosing a model needs at least {needed_days} \
         ({holdout_days} held out to compare the models, a week before that to fit them); \
         collect more history, shorten the hold-out, or forecast with a chosen model"
    )]
    TooShort {
        /// The days of local wall-clock time the history covers.
        days: f64,
        /// The days it needs.
        needed_days: u32,
        /// The days held out.
        holdout_days: u32,
    },
    /// A volume is not a finite number from 0 to
    /// [`MAX_VOLUME`](super::MAX_VOLUME).
    #[error("the volume of interval {index} is {value}: volumes are finite numbers from 0 to 1e12")]
    BadValue {
        /// The interval's position in the history.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// The time-zone database does not know the name.
    #[error("unknown time zone {0:?}: name an IANA zone such as \"Europe/Berlin\" or \"UTC\"")]
    TimeZone(String),
    /// A report's interval is not 15, 30 or 60 minutes.
    #[error("an interval of {0} minutes: the history's interval is 15, 30 or 60 minutes")]
    Interval(u32),
    /// The horizon asked for is empty or longer than the forecast goes.
    #[error("a horizon of {requested} {unit}: ask for 1 to {max} {unit} ({max_days} days at most)")]
    Horizon {
        /// What was asked for.
        requested: u64,
        /// The largest horizon in the same unit.
        max: u64,
        /// `"days"` or `"intervals"`.
        unit: &'static str,
        /// The largest horizon in days.
        max_days: u32,
    },
    /// The history or the horizon reaches past the last date the
    /// time-zone database covers (the end of the year 9999).
    #[error(
        "the history or the forecast would reach past 9999-12-31: the time-zone database ends there"
    )]
    OutOfRange,
    /// A model given to
    /// [`Forecaster::forecast_with`](super::Forecaster::forecast_with)
    /// has a parameter out of range, or needs more history.
    #[error("cannot forecast with {model}: {reason}")]
    Model {
        /// The model, as it prints.
        model: String,
        /// What is wrong and what to change.
        reason: String,
    },
}
