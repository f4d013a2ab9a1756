//! The models: what each one forecasts from a wall-clock series, and the
//! grid searches that set the smoothing models' parameters.
//!
//! Every model here forecasts one week of season slots (weekday ×
//! interval of the day) and repeats it: none has a trend, which over a
//! horizon of days to weeks extrapolates noise more often than it finds
//! growth.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::history::Wall;

/// A forecasting model, with its parameters.
///
/// [`Forecaster::forecast`](super::Forecaster::forecast) tries each kind,
/// setting the smoothing models' parameters by a grid search on the
/// history before the hold-out, and reports the one it chose;
/// [`Forecaster::forecast_with`](super::Forecaster::forecast_with) takes
/// one as it is. Every model forecasts a week of slots (weekday × interval
/// of the local day) and repeats it over the horizon.
///
/// On the wire a model is tagged by `"type"`:
///
/// ```
/// use switchboard::plan::forecast::Model;
///
/// let m: Model = serde_json::from_str(r#"{"type":"seasonal_mean","weeks":4}"#)?;
/// assert_eq!(m, Model::SeasonalMean { weeks: 4 });
/// assert_eq!(m.to_string(), "mean of the same interval over 4 weeks");
/// assert_eq!(serde_json::to_string(&Model::Naive)?, r#"{"type":"naive"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Model {
    /// The same interval last week: the baseline every other model must
    /// beat.
    Naive,
    /// The mean of the same interval over the last `weeks` weeks.
    SeasonalMean {
        /// Weeks averaged, 1 to 52.
        weeks: u32,
    },
    /// The median of the same interval over the last `weeks` weeks: one
    /// odd week (a holiday, an outage) does not move it.
    SeasonalMedian {
        /// Weeks, 1 to 52.
        weeks: u32,
    },
    /// Additive Holt–Winters without trend over the week's intervals:
    /// a level smoothed every interval and a seasonal term per weekday ×
    /// interval (ℓ = α(y − s₋ₘ) + (1 − α)ℓ₋₁, s = γ(y − ℓ₋₁) + (1 − γ)s₋ₘ),
    /// started from the first week (its mean, and each interval less it).
    /// The states are statsmodels' `ExponentialSmoothing(trend=None,
    /// seasonal="add")`; the forecast h intervals ahead is ℓ plus the
    /// latest seasonal term of its slot, as the textbook has it, where
    /// statsmodels, exactly a week ahead, takes the term from before its
    /// last update (`tests/forecast/reference.py`).
    HoltWinters {
        /// Level smoothing per interval, 0 to 1.
        alpha: f64,
        /// Season smoothing, 0 to 1.
        gamma: f64,
    },
    /// A daily level × a weekday factor × an intraday profile per weekday:
    /// the day's volume is the level times its weekday's factor, shared
    /// out over its intervals as that weekday's profile says (the shares
    /// of the day's volume). Started from the first seven whole local
    /// days, it learns from each whole day after: the level from every
    /// day, as the ratio of exponentially weighted sums of day totals
    /// and of their weekday factors (so a quiet Sunday moves it as little
    /// as its volume, not as much as a Monday); a factor and a profile
    /// from every day of their weekday, as the running mean of the weeks
    /// seen until the smoothing weight is the larger, exponentially
    /// weighted after. A partial day at either end of the history is not
    /// learnt from.
    DailyProfile {
        /// Level smoothing per day, 0 to 1.
        alpha: f64,
        /// Weekday-factor smoothing, 0 to 1.
        delta: f64,
        /// Profile smoothing, 0 to 1.
        gamma: f64,
    },
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Model::Naive => write!(f, "same interval last week (naive)"),
            Model::SeasonalMean { weeks } => {
                write!(f, "mean of the same interval over {weeks} weeks")
            }
            Model::SeasonalMedian { weeks } => {
                write!(f, "median of the same interval over {weeks} weeks")
            }
            Model::HoltWinters { alpha, gamma } => write!(
                f,
                "Holt-Winters, additive weekly season (alpha {alpha:.4}, gamma {gamma:.2})"
            ),
            Model::DailyProfile {
                alpha,
                delta,
                gamma,
            } => write!(
                f,
                "daily level x weekday profile (alpha {alpha:.2}, delta {delta:.2}, gamma {gamma:.2})"
            ),
        }
    }
}

/// The most weeks a seasonal mean or median looks back.
const MAX_WEEKS: u32 = 52;

impl Model {
    /// What is wrong with the parameters, if anything.
    pub(super) fn check(&self) -> Result<(), String> {
        let unit = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} is {v}; it is a weight from 0 to 1"))
            }
        };
        match *self {
            Model::Naive => Ok(()),
            Model::SeasonalMean { weeks } | Model::SeasonalMedian { weeks } => {
                if (1..=MAX_WEEKS).contains(&weeks) {
                    Ok(())
                } else {
                    Err(format!("{weeks} weeks; look back 1 to {MAX_WEEKS} weeks"))
                }
            }
            Model::HoltWinters { alpha, gamma } => unit("alpha", alpha).and(unit("gamma", gamma)),
            Model::DailyProfile {
                alpha,
                delta,
                gamma,
            } => unit("alpha", alpha)
                .and(unit("delta", delta))
                .and(unit("gamma", gamma)),
        }
    }

    /// The weeks of history the model needs to be fitted.
    pub(super) fn weeks_needed(&self) -> u32 {
        match *self {
            Model::SeasonalMean { weeks } | Model::SeasonalMedian { weeks } => weeks,
            _ => 1,
        }
    }
}

/// The week a model forecasts from `wall`, one value per season slot
/// (never negative), or `None` when the series is too short for it.
pub(super) fn fit(model: &Model, wall: &Wall) -> Option<Vec<f64>> {
    let week = match *model {
        Model::Naive => seasonal(wall, 1, mean)?,
        Model::SeasonalMean { weeks } => seasonal(wall, weeks as usize, mean)?,
        Model::SeasonalMedian { weeks } => seasonal(wall, weeks as usize, median)?,
        Model::HoltWinters { alpha, gamma } => holt_winters(wall, alpha, gamma)?.0,
        Model::DailyProfile {
            alpha,
            delta,
            gamma,
        } => daily_profile(wall, alpha, delta, gamma)?.0,
    };
    Some(week.into_iter().map(volume).collect())
}

/// A volume from a model's arithmetic: negative and non-finite values
/// (which bounded inputs do not produce) are 0.
pub(super) fn volume(v: f64) -> f64 {
    if v > 0.0 && v.is_finite() { v } else { 0.0 }
}

fn mean(xs: &mut [f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => xs[n / 2],
        _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// Each slot's `average` over its last `weeks` values.
fn seasonal(wall: &Wall, weeks: usize, average: fn(&mut [f64]) -> f64) -> Option<Vec<f64>> {
    let m = wall.week();
    let n = wall.values.len();
    let from = n.checked_sub(weeks.checked_mul(m)?)?;
    let mut week = vec![0.0; m];
    let mut xs = Vec::with_capacity(weeks);
    for (k, w) in week.iter_mut().enumerate() {
        // The last cell of slot k, then a week at a time back.
        let last_cell = wall.end() - 1;
        let back = (wall.season(last_cell) + m - k) % m;
        let last = n - 1 - back;
        xs.clear();
        xs.extend(
            (0..weeks)
                .map(|j| last - j * m)
                .take_while(|&i| i >= from)
                .map(|i| wall.values[i]),
        );
        *w = average(&mut xs);
    }
    Some(week)
}

/// Additive Holt–Winters without trend: the forecast week, and the
/// day-ahead absolute error over the series after its first week with the
/// number of values it covers.
pub(super) fn holt_winters(wall: &Wall, alpha: f64, gamma: f64) -> Option<(Vec<f64>, f64, usize)> {
    let m = wall.week();
    let y = &wall.values;
    if y.len() < m {
        return None;
    }
    let mut level = y[..m].iter().sum::<f64>() / m as f64;
    let mut season = vec![0.0; m];
    for (i, &v) in y[..m].iter().enumerate() {
        season[wall.season(wall.first + i as i64)] = v - level;
    }
    let (mut error, mut counted) = (0.0, 0);
    let mut day_level = level;
    for (i, &v) in y.iter().enumerate().skip(m) {
        let cell = wall.first + i as i64;
        let k = wall.season(cell);
        if cell.rem_euclid(wall.per_day) == 0 {
            day_level = level;
        }
        error += (v - volume(day_level + season[k])).abs();
        counted += 1;
        let before = level;
        level = alpha * (v - season[k]) + (1.0 - alpha) * before;
        season[k] = gamma * (v - before) + (1.0 - gamma) * season[k];
    }
    let week = season.iter().map(|s| level + s).collect();
    Some((week, error, counted))
}

/// The daily level × weekday factor × profile model: the forecast week,
/// and the day-ahead absolute error over the whole days after the first
/// seven, with the number of values it covers. Needs seven whole local
/// days; a partial day at either end is not learnt from.
pub(super) fn daily_profile(
    wall: &Wall,
    alpha: f64,
    delta: f64,
    gamma: f64,
) -> Option<(Vec<f64>, f64, usize)> {
    let s = wall.per_day;
    let su = s as usize;
    let first_day = wall.first.div_euclid(s) + i64::from(wall.first.rem_euclid(s) != 0);
    let end_day = wall.end().div_euclid(s);
    if end_day - first_day < 7 {
        return None;
    }
    let day = |d: i64| {
        let i = (d * s - wall.first) as usize;
        &wall.values[i..i + su]
    };
    let weekday = |d: i64| (d + 3).rem_euclid(7) as usize;
    let mut factor = [0.0f64; 7];
    let mut profile = vec![1.0 / s as f64; 7 * su];
    let mut seen = [1.0f64; 7];
    let totals: Vec<f64> = (first_day..first_day + 7)
        .map(|d| day(d).iter().sum())
        .collect();
    let mut level = totals.iter().sum::<f64>() / 7.0;
    for (d, &total) in (first_day..).zip(&totals) {
        let wd = weekday(d);
        factor[wd] = if level > 0.0 { total / level } else { 1.0 };
        if total > 0.0 {
            for (p, &v) in profile[wd * su..][..su].iter_mut().zip(day(d)) {
                *p = v / total;
            }
        }
    }
    // Σ weighted totals, Σ weighted factors: the factors of the first
    // week average 1.
    let mut sums = (level, 1.0);
    let (mut error, mut counted) = (0.0, 0);
    for d in first_day + 7..end_day {
        let wd = weekday(d);
        let values = day(d);
        let total: f64 = values.iter().sum();
        let row = &mut profile[wd * su..][..su];
        let expected = level * factor[wd];
        for (p, &v) in row.iter().zip(values) {
            error += (v - volume(expected * p)).abs();
        }
        counted += su;
        // Running mean first, then exponential: weight 1/(n+1) until the
        // smoothing weight is the larger.
        let w = |weight: f64, n: f64| weight.max(1.0 / (n + 1.0));
        let before = level;
        // The level is a ratio of weighted sums, of day totals over
        // their weekday factors: a quiet day (a Sunday) moves it as
        // little as its volume says, not as much as a busy one.
        sums = (
            alpha * total + (1.0 - alpha) * sums.0,
            alpha * factor[wd] + (1.0 - alpha) * sums.1,
        );
        if sums.1 > 1e-9 {
            level = sums.0 / sums.1;
        }
        if before > 1e-9 {
            let k = w(delta, seen[wd]);
            factor[wd] = k * total / before + (1.0 - k) * factor[wd];
            let sum: f64 = factor.iter().sum();
            if sum > 1e-9 {
                factor.iter_mut().for_each(|f| *f *= 7.0 / sum);
            }
        }
        if total > 0.0 {
            let k = w(gamma, seen[wd]);
            for (p, &v) in row.iter_mut().zip(values) {
                *p = k * v / total + (1.0 - k) * *p;
            }
        }
        seen[wd] += 1.0;
    }
    let week = (0..7 * su)
        .map(|k| level * factor[k / su] * profile[k])
        .collect();
    Some((week, error, counted))
}

/// Daily smoothing weights the Holt–Winters grid tries, turned into
/// weights per interval (`1 − (1 − a)^(1/intervals a day)`), so the grid
/// means the same at every interval length.
const HW_ALPHA_DAILY: [f64; 4] = [0.05, 0.1, 0.2, 0.4];
const HW_GAMMA: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 0.5];
const DP_ALPHA: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 0.5];
const DP_DELTA: [f64; 3] = [0.0, 0.05, 0.2];
const DP_GAMMA: [f64; 4] = [0.05, 0.1, 0.2, 0.4];

/// Holt–Winters with the grid's parameters of least day-ahead error on
/// `wall` (the first on a tie; the grid's middle when the series is only
/// the week that starts it), or `None` when it is shorter than a week.
pub(super) fn tune_holt_winters(wall: &Wall) -> Option<Model> {
    let per_day = wall.per_day as f64;
    let grid = HW_ALPHA_DAILY.iter().flat_map(|&a| {
        let alpha = 1.0 - (1.0 - a).powf(1.0 / per_day);
        HW_GAMMA.iter().map(move |&gamma| (alpha, gamma))
    });
    let fallback = {
        let a = HW_ALPHA_DAILY[1];
        Model::HoltWinters {
            alpha: 1.0 - (1.0 - a).powf(1.0 / per_day),
            gamma: HW_GAMMA[2],
        }
    };
    best(
        grid.map(|(alpha, gamma)| {
            holt_winters(wall, alpha, gamma)
                .map(|(_, e, n)| (Model::HoltWinters { alpha, gamma }, e, n))
        }),
        fallback,
    )
}

/// The daily-profile model with the grid's parameters of least day-ahead
/// error on `wall`, or `None` without seven whole days.
pub(super) fn tune_daily_profile(wall: &Wall) -> Option<Model> {
    let grid = DP_ALPHA.iter().flat_map(|&alpha| {
        DP_DELTA
            .iter()
            .flat_map(move |&delta| DP_GAMMA.iter().map(move |&gamma| (alpha, delta, gamma)))
    });
    let fallback = Model::DailyProfile {
        alpha: DP_ALPHA[2],
        delta: DP_DELTA[1],
        gamma: DP_GAMMA[2],
    };
    best(
        grid.map(|(alpha, delta, gamma)| {
            daily_profile(wall, alpha, delta, gamma).map(|(_, e, n)| {
                (
                    Model::DailyProfile {
                        alpha,
                        delta,
                        gamma,
                    },
                    e,
                    n,
                )
            })
        }),
        fallback,
    )
}

/// The model of least error among `tries` (the first on a tie), or
/// `fallback` when none had anything to be judged on; `None` when none
/// could be fitted.
fn best(
    tries: impl Iterator<Item = Option<(Model, f64, usize)>>,
    fallback: Model,
) -> Option<Model> {
    let mut chosen: Option<(Model, f64, usize)> = None;
    for t in tries {
        let t = t?;
        if chosen.as_ref().is_none_or(|c| t.1 < c.1) {
            chosen = Some(t);
        }
    }
    chosen.map(|(m, _, n)| if n == 0 { fallback } else { m })
}
