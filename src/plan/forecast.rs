//! Volume forecasting: conversations per interval for the coming days,
//! from the KPI history, by a seasonal model over weekday × interval of
//! the day, chosen against the naive "same interval last week" forecast
//! by its error on a held-out week.
//!
//! ```
//! use switchboard::metrics::Interval;
//! use switchboard::plan::forecast::{Forecaster, History, Horizon, Model};
//! use switchboard::Timestamp;
//!
//! // Three weeks of hourly volumes from Monday 2026-11-02 00:00 UTC: busy
//! // office hours on weekdays, a little at other times.
//! let volume = |hour: usize| {
//!     let (weekday, hour) = (hour / 24 % 7, hour % 24);
//!     if weekday < 5 && (8..18).contains(&hour) { 20.0 } else { 2.0 }
//! };
//! let values = (0..21 * 24).map(volume).collect();
//! let start = Timestamp::from_millis(1_793_577_600_000);
//! let history = History::new(start, Interval::Minutes60, "UTC", values)?;
//!
//! let forecast = Forecaster::new().forecast(&history, Horizon::Days(7))?;
//! assert_eq!(forecast.intervals.len(), 7 * 24);
//! assert_eq!(forecast.intervals[0].start, history.end());
//! assert_eq!(forecast.intervals[9].volume, 20.0); // Monday 09:00
//! // Every week alike: the naive is exact, and wins the tie.
//! assert_eq!(forecast.model, Model::Naive);
//! assert_eq!(forecast.naive_wape, Some(0.0));
//! assert_eq!(forecast.days[0].volume, 10.0 * 20.0 + 14.0 * 2.0);
//! # Ok::<(), switchboard::plan::forecast::ForecastError>(())
//! ```
//!
//! # The history
//!
//! A [`History`] is the volume of each interval of a run of equal
//! intervals (15, 30 or 60 minutes) in an IANA time zone, built from a
//! [`Report`](crate::metrics::Report)'s interval rows (conversations
//! started; an interval without a row had none) or from a plain series.
//!
//! **Season.** The season is the week: a slot per weekday × interval of
//! the local day (7 × 48 at 30 minutes). Each interval is keyed by its
//! local weekday and local time of day, so a slot is the same wall-clock
//! time all year. On the days clocks change:
//!
//! * the **repeated hour** (clocks back) has two intervals per slot; the
//!   models learn their *mean*, the volume of one interval of that
//!   wall-clock time, and the forecast gives *each* of the two intervals
//!   the slot's volume, so the 25-hour day forecasts 25 hours of traffic.
//!   (Adding the two up would teach the slot a spike that comes back a
//!   week later.)
//! * the **skipped hour** (clocks forward) has no interval; the models
//!   learn values on the straight line between the intervals either side
//!   (which are adjacent in real time), and the forecast has no interval
//!   there: the 23-hour day forecasts 23 hours.
//!
//! # The models
//!
//! [`Model`]: the naive forecast (the baseline), the mean and the median
//! of the same slot over the last k weeks, additive Holt–Winters with a
//! weekly season, and a daily level × weekday factor × intraday profile
//! per weekday, which learns its level from every day rather than from
//! the same slot a week before, and so follows a change of level within
//! days, while its profiles average the weeks. The smoothing models'
//! parameters are set by a bounded grid search (20 and 60 settings) that
//! minimises the day-ahead absolute error on the fitting data after its
//! first week. No model has a trend: each forecasts a week of slots and
//! repeats it. The models are written here: `augurs-ets` has no seasonal
//! models yet (fitting one reaches an `unimplemented!`), and
//! `augurs-mstl` (STL decomposition plus a trend model) brings a
//! linear-algebra stack and would still need the wall-clock slots, the
//! interpolation and the selection around it.
//!
//! # Choosing
//!
//! [`Forecaster::forecast`] holds out the last
//! [`holdout_days`](Forecaster::with_holdout_days) (7 by default) days of
//! local time, fits each candidate on what precedes (its parameters
//! included), and computes its *WAPE* on the held-out intervals:
//! Σ|actual − forecast| ÷ Σ actual. The lowest wins; the naive wins ties,
//! and among the others the simpler (earlier in the
//! [candidate list](Forecast::candidates)). The chosen model is then
//! fitted again on the whole history with the same parameters, and
//! forecasts the horizon. The [`Forecast`] reports every candidate's
//! hold-out WAPE (`null` when the hold-out had no volume, when the
//! absolute errors still decide).
//!
//! A hold-out judges how each model would have done had the history
//! ended before it. A change of level in the held-out week itself is
//! seen by no candidate: the chosen model learns it when fitted again
//! on the whole history, as far as its parameters let it (a mean over
//! four weeks a quarter of it). Forecast again as history comes in.
//!
//! Choosing needs the hold-out plus a week (14 days by default);
//! [`ForecastError::TooShort`] says so otherwise.
//! [`Forecaster::forecast_with`] forecasts with a given model from a week
//! of history (k weeks for a k-week mean).
//!
//! # Bounds
//!
//! A forecast never is negative, NaN or infinite. A history keeps its
//! last [`MAX_HISTORY_DAYS`] days; a volume is at most [`MAX_VOLUME`]; a
//! horizon is at most [`MAX_HORIZON_DAYS`] days. The work is linear in
//! the history and the horizon, times the grid's size. Nothing reads a
//! clock: the history says where the forecast starts.

mod error;
mod history;
mod model;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::ForecastError;
pub use history::History;
pub use model::Model;

use history::{LAST_MS, Wall, season};
use model::{fit, tune_daily_profile, tune_holt_winters, volume};

use crate::model::Timestamp;

/// The most days a [`History`] keeps (two years and a day).
///
/// ```
/// # use switchboard::plan::forecast::{History, MAX_HISTORY_DAYS};
/// # use switchboard::metrics::Interval;
/// let three_years = vec![1.0; 3 * 365 * 24];
/// let h = History::new(switchboard::Timestamp::EPOCH, Interval::Minutes60, "UTC", three_years)?;
/// assert_eq!(h.values().len(), MAX_HISTORY_DAYS as usize * 24);
/// # Ok::<(), switchboard::plan::forecast::ForecastError>(())
/// ```
pub const MAX_HISTORY_DAYS: u32 = 731;

/// The longest horizon, in days: a quarter.
///
/// ```
/// # use switchboard::plan::forecast::{Forecaster, History, Horizon, MAX_HORIZON_DAYS, Model};
/// # use switchboard::metrics::Interval;
/// let h = History::new(switchboard::Timestamp::EPOCH, Interval::Minutes60, "UTC", vec![1.0; 7 * 24])?;
/// let f = Forecaster::new();
/// assert!(f.forecast_with(&h, &Model::Naive, Horizon::Days(MAX_HORIZON_DAYS)).is_ok());
/// assert!(f.forecast_with(&h, &Model::Naive, Horizon::Days(MAX_HORIZON_DAYS + 1)).is_err());
/// # Ok::<(), switchboard::plan::forecast::ForecastError>(())
/// ```
pub const MAX_HORIZON_DAYS: u32 = 92;

/// The largest volume of one interval.
///
/// ```
/// # use switchboard::plan::forecast::{History, MAX_VOLUME};
/// # use switchboard::metrics::Interval;
/// # use switchboard::Timestamp;
/// assert!(History::new(Timestamp::EPOCH, Interval::Minutes60, "UTC", vec![MAX_VOLUME]).is_ok());
/// assert!(History::new(Timestamp::EPOCH, Interval::Minutes60, "UTC", vec![MAX_VOLUME * 2.0]).is_err());
/// ```
pub const MAX_VOLUME: f64 = 1e12;

/// How far to forecast, from the end of the history.
///
/// ```
/// use switchboard::plan::forecast::Horizon;
///
/// // The rest of the day the history ends in, then two whole days.
/// let h = Horizon::Days(2);
/// // Or a number of intervals.
/// let h = Horizon::Intervals(48);
/// # let _ = h;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Horizon {
    /// The rest of the local day the history ends in (nothing when it
    /// ends at midnight), then this many whole local days: 1 to
    /// [`MAX_HORIZON_DAYS`].
    Days(u32),
    /// This many intervals: 1 to [`MAX_HORIZON_DAYS`] days' worth.
    Intervals(u32),
}

/// Chooses a model by its error on held-out history and forecasts with
/// it.
///
/// ```
/// use switchboard::plan::forecast::Forecaster;
///
/// let f = Forecaster::new().with_holdout_days(14);
/// assert_eq!(f.holdout_days(), 14);
/// assert_eq!(Forecaster::new().with_holdout_days(0).holdout_days(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecaster {
    holdout_days: u32,
}

impl Default for Forecaster {
    fn default() -> Forecaster {
        Forecaster::new()
    }
}

/// The longest hold-out, in days.
const MAX_HOLDOUT_DAYS: u32 = 28;

impl Forecaster {
    /// A forecaster that holds out the last 7 days.
    pub fn new() -> Forecaster {
        Forecaster { holdout_days: 7 }
    }

    /// Holds out the last `days` local days (1 to 28; other values are
    /// taken to the nearest). A week tests every weekday once; more
    /// weeks judge more steadily and leave less to fit on.
    pub fn with_holdout_days(mut self, days: u32) -> Forecaster {
        self.holdout_days = days.clamp(1, MAX_HOLDOUT_DAYS);
        self
    }

    /// The days held out.
    pub fn holdout_days(&self) -> u32 {
        self.holdout_days
    }

    /// Chooses the model of least hold-out WAPE (the naive on a tie),
    /// fits it on the whole history and forecasts `horizon`, as the
    /// [module docs](self) describe.
    ///
    /// ```
    /// use switchboard::metrics::Interval;
    /// use switchboard::plan::forecast::{ForecastError, Forecaster, History, Horizon};
    /// use switchboard::Timestamp;
    ///
    /// let week = History::new(Timestamp::EPOCH, Interval::Minutes60, "UTC", vec![1.0; 7 * 24])?;
    /// let err = Forecaster::new().forecast(&week, Horizon::Days(1)).unwrap_err();
    /// assert!(matches!(err, ForecastError::TooShort { needed_days: 14, .. }));
    /// # Ok::<(), ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::Horizon`] for a horizon of nothing or past
    /// [`MAX_HORIZON_DAYS`]; [`ForecastError::TooShort`] for less history
    /// than the hold-out plus a week; [`ForecastError::OutOfRange`] for a
    /// forecast past 9999.
    pub fn forecast(&self, history: &History, horizon: Horizon) -> Result<Forecast, ForecastError> {
        let count = horizon_intervals(history, horizon)?;
        let cells = history.cells();
        let all = history.wall(&cells, cells.len());
        let s = all.per_day;
        let needed_days = self.holdout_days + 7;
        if (all.values.len() as i64) < i64::from(needed_days) * s {
            return Err(ForecastError::TooShort {
                days: all.values.len() as f64 / s as f64,
                needed_days,
                holdout_days: self.holdout_days,
            });
        }
        let cut = all.end() - i64::from(self.holdout_days) * s;
        let split = cells.iter().position(|&c| c >= cut).unwrap_or(cells.len());
        let fitting = history.wall(&cells, split);
        let held = &history.values()[split..];
        let held_cells = &cells[split..];
        let actual: f64 = held.iter().sum();

        let mut candidates = Vec::new();
        for model in candidate_models(&fitting) {
            let Some(week) = fit(&model, &fitting) else {
                continue;
            };
            let absolute_error: f64 = held
                .iter()
                .zip(held_cells)
                .map(|(&a, &c)| (a - week[season(c, s)]).abs())
                .sum();
            candidates.push(Candidate {
                model,
                wape: (actual > 0.0).then(|| absolute_error / actual),
                absolute_error,
            });
        }
        let naive =
            candidates
                .iter()
                .find(|c| c.model == Model::Naive)
                .ok_or(ForecastError::TooShort {
                    days: all.values.len() as f64 / s as f64,
                    needed_days,
                    holdout_days: self.holdout_days,
                })?;
        // Beating the naive means beating it by more than rounding.
        let margin = 1e-9 * actual.max(1.0);
        let mut chosen = naive;
        for c in &candidates {
            if c.absolute_error < chosen.absolute_error - margin {
                chosen = c;
            }
        }
        let (model, wape, naive_wape) = (chosen.model.clone(), chosen.wape, naive.wape);
        let week = fit(&model, &all).ok_or(ForecastError::TooShort {
            days: all.values.len() as f64 / s as f64,
            needed_days,
            holdout_days: self.holdout_days,
        })?;
        let holdout = Holdout {
            from: Timestamp::from_millis(history.start_of(split) as u64),
            to: history.end(),
            intervals: held.len() as u64,
            actual,
        };
        let mut forecast = output(history, &all, &week, count, model)?;
        forecast.wape = wape;
        forecast.naive_wape = naive_wape;
        forecast.candidates = candidates;
        forecast.holdout = Some(holdout);
        Ok(forecast)
    }

    /// Forecasts `horizon` with `model` as given (no hold-out, no
    /// parameter search): the model a earlier forecast chose, say, or a
    /// seasonal mean from a history too short to choose.
    ///
    /// ```
    /// use switchboard::metrics::Interval;
    /// use switchboard::plan::forecast::{Forecaster, History, Horizon, Model};
    /// use switchboard::Timestamp;
    ///
    /// let week = History::new(Timestamp::EPOCH, Interval::Minutes60, "UTC", vec![4.0; 7 * 24])?;
    /// let f = Forecaster::new().forecast_with(&week, &Model::Naive, Horizon::Intervals(3))?;
    /// assert_eq!(f.intervals.iter().map(|i| i.volume).collect::<Vec<_>>(), [4.0; 3]);
    /// assert!(f.candidates.is_empty() && f.holdout.is_none());
    /// # Ok::<(), switchboard::plan::forecast::ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::Model`] for a parameter out of range or a history
    /// shorter than the model needs; [`ForecastError::Horizon`] and
    /// [`ForecastError::OutOfRange`] as for [`Forecaster::forecast`].
    pub fn forecast_with(
        &self,
        history: &History,
        model: &Model,
        horizon: Horizon,
    ) -> Result<Forecast, ForecastError> {
        let refuse = |reason: String| ForecastError::Model {
            model: model.to_string(),
            reason,
        };
        model.check().map_err(refuse)?;
        let count = horizon_intervals(history, horizon)?;
        let cells = history.cells();
        let all = history.wall(&cells, cells.len());
        let week = fit(model, &all).ok_or_else(|| {
            refuse(format!(
                "it needs {} whole weeks of history (and seven whole days for the daily \
                 profile); this one covers {:.1} days",
                model.weeks_needed(),
                all.values.len() as f64 / all.per_day as f64
            ))
        })?;
        output(history, &all, &week, count, model.clone())
    }
}

/// The candidates for `fitting`, in the order that breaks ties: the
/// naive, the seasonal means and medians that have their weeks, then the
/// smoothing models tuned on it.
fn candidate_models(fitting: &Wall) -> Vec<Model> {
    let weeks = fitting.values.len() / fitting.week().max(1);
    let mut models = vec![Model::Naive];
    for w in [2, 3, 4, 6, 8] {
        if w <= weeks {
            models.push(Model::SeasonalMean { weeks: w as u32 });
        }
    }
    for w in [3, 5] {
        if w <= weeks {
            models.push(Model::SeasonalMedian { weeks: w as u32 });
        }
    }
    models.extend(tune_holt_winters(fitting));
    models.extend(tune_daily_profile(fitting));
    models
}

/// The number of intervals `horizon` covers from the end of `history`.
fn horizon_intervals(history: &History, horizon: Horizon) -> Result<usize, ForecastError> {
    let s = history.per_day();
    let max_days = MAX_HORIZON_DAYS;
    let end = history.start_of(history.values().len());
    let count = match horizon {
        Horizon::Days(days) => {
            if !(1..=max_days).contains(&days) {
                return Err(ForecastError::Horizon {
                    requested: u64::from(days),
                    max: u64::from(max_days),
                    unit: "days",
                    max_days,
                });
            }
            // To the first interval of the local day `days` after the one
            // the last interval is in.
            let last_day = history.cell_at(end - 1).div_euclid(s);
            let stop = (last_day + 1 + i64::from(days)) * s;
            let limit = (i64::from(max_days) + 2) * s;
            let mut n = 0;
            while n < limit && history.cell_at(end + n * history.step()) < stop {
                n += 1;
            }
            n as usize
        }
        Horizon::Intervals(n) => {
            let max = u64::from(max_days) * s as u64;
            if n == 0 || u64::from(n) > max {
                return Err(ForecastError::Horizon {
                    requested: u64::from(n),
                    max,
                    unit: "intervals",
                    max_days,
                });
            }
            n as usize
        }
    };
    if end.saturating_add(count as i64 * history.step()) > LAST_MS {
        return Err(ForecastError::OutOfRange);
    }
    Ok(count)
}

/// The forecast of `count` intervals after `history` from a fitted week.
fn output(
    history: &History,
    all: &Wall,
    week: &[f64],
    count: usize,
    model: Model,
) -> Result<Forecast, ForecastError> {
    let n = history.values().len();
    let s = all.per_day;
    let mut intervals = Vec::with_capacity(count);
    let mut days: BTreeMap<i64, ForecastDay> = BTreeMap::new();
    for j in 0..count {
        let t = history.start_of(n + j);
        let cell = history.cell_at(t);
        let v = volume(week[season(cell, s)]);
        let ts = jiff::Timestamp::from_millisecond(t).map_err(|_| ForecastError::OutOfRange)?;
        let zoned = ts.to_zoned(history.tz().clone());
        let row = ForecastInterval {
            start: Timestamp::from_millis(t as u64),
            local: zoned.strftime("%Y-%m-%dT%H:%M%:z").to_string(),
            volume: v,
        };
        let day = days
            .entry(cell.div_euclid(s))
            .or_insert_with(|| ForecastDay {
                date: zoned.date().to_string(),
                weekday: zoned.strftime("%a").to_string(),
                volume: 0.0,
                peak: row.clone(),
            });
        day.volume += v;
        if v > day.peak.volume {
            day.peak = row.clone();
        }
        intervals.push(row);
    }
    Ok(Forecast {
        model,
        wape: None,
        naive_wape: None,
        candidates: Vec::new(),
        holdout: None,
        time_zone: history.time_zone().to_owned(),
        interval_minutes: history.interval().minutes(),
        intervals,
        days: days.into_values().collect(),
    })
}

/// A forecast: the model, how it and the others did on the hold-out,
/// and the volume per interval. Serializes to JSON as the fields read.
///
/// ```
/// use switchboard::metrics::Interval;
/// use switchboard::plan::forecast::{Forecaster, History, Horizon};
/// use switchboard::Timestamp;
///
/// let h = History::new(Timestamp::EPOCH, Interval::Minutes60, "UTC", vec![2.0; 14 * 24])?;
/// let f = Forecaster::new().forecast(&h, Horizon::Intervals(2))?;
/// let json = serde_json::to_value(&f).unwrap();
/// assert_eq!(json["model"]["type"], "naive");
/// assert_eq!(json["intervals"][0]["local"], "1970-01-15T00:00+00:00");
/// assert_eq!(json["days"][0]["volume"], 4.0);
/// # Ok::<(), switchboard::plan::forecast::ForecastError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Forecast {
    /// The model that forecast.
    pub model: Model,
    /// Its WAPE on the hold-out (a fraction: 0.1 is 10 %), `null` when
    /// the hold-out had no volume or there was none.
    pub wape: Option<f64>,
    /// The naive forecast's WAPE on the hold-out.
    pub naive_wape: Option<f64>,
    /// Every model tried on the hold-out, in the order that breaks ties;
    /// empty for [`Forecaster::forecast_with`].
    pub candidates: Vec<Candidate>,
    /// The hold-out, when there was one.
    pub holdout: Option<Holdout>,
    /// The time zone's IANA name.
    pub time_zone: String,
    /// The interval length, minutes.
    pub interval_minutes: u32,
    /// The volume of each interval from the end of the history, in order.
    pub intervals: Vec<ForecastInterval>,
    /// Each local day's total and peak, in order (the first may be the
    /// rest of the day the history ends in).
    pub days: Vec<ForecastDay>,
}

/// A model's figures on the hold-out.
///
/// ```
/// use switchboard::plan::forecast::{Candidate, Model};
///
/// let c: Candidate = serde_json::from_str(
///     r#"{"model":{"type":"naive"},"wape":0.2,"absolute_error":40.0}"#,
/// ).unwrap();
/// assert_eq!((c.model, c.wape), (Model::Naive, Some(0.2)));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Candidate {
    /// The model, with the parameters it was fitted with.
    pub model: Model,
    /// Σ|actual − forecast| ÷ Σ actual over the hold-out, `null` when
    /// the hold-out had no volume.
    pub wape: Option<f64>,
    /// Σ|actual − forecast| over the hold-out.
    pub absolute_error: f64,
}

/// The held-out stretch of history.
///
/// ```
/// use switchboard::plan::forecast::Holdout;
///
/// let h: Holdout = serde_json::from_str(r#"{"from":0,"to":3600000,"intervals":2,"actual":7.0}"#).unwrap();
/// assert_eq!(h.intervals, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Holdout {
    /// Its first interval's start.
    pub from: Timestamp,
    /// Its end: the history's.
    pub to: Timestamp,
    /// Intervals held out.
    pub intervals: u64,
    /// Their total volume.
    pub actual: f64,
}

/// The forecast volume of one interval.
///
/// ```
/// use switchboard::plan::forecast::ForecastInterval;
/// use switchboard::Timestamp;
///
/// let i: ForecastInterval = serde_json::from_str(
///     r#"{"start":0,"local":"1970-01-01T01:00+01:00","volume":3.5}"#,
/// ).unwrap();
/// assert_eq!((i.start, i.volume), (Timestamp::EPOCH, 3.5));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ForecastInterval {
    /// When it starts.
    pub start: Timestamp,
    /// Its local start, `2026-11-09T09:30+01:00`.
    pub local: String,
    /// The conversations expected to start in it (never negative).
    pub volume: f64,
}

/// A local day of the forecast: its total and its busiest interval.
///
/// ```
/// use switchboard::plan::forecast::ForecastDay;
///
/// let d: ForecastDay = serde_json::from_str(r#"{"date":"2026-11-09","weekday":"Mon","volume":812.0,
///     "peak":{"start":1794220200000,"local":"2026-11-09T11:30+01:00","volume":64.0}}"#).unwrap();
/// assert_eq!(d.peak.volume, 64.0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ForecastDay {
    /// The local date, `2026-11-09`.
    pub date: String,
    /// Its weekday, `Mon`.
    pub weekday: String,
    /// The day's forecast volume (of its forecast intervals).
    pub volume: f64,
    /// Its busiest interval (the first of equals).
    pub peak: ForecastInterval,
}
