//! The volumes a forecast learns from, and the local wall-clock series the
//! models see.

use jiff::tz::TimeZone;

use super::{ForecastError, MAX_HISTORY_DAYS, MAX_VOLUME};
use crate::metrics::{Interval, Report};
use crate::model::Timestamp;

/// The last instant the time-zone database covers (the end of 9999), in
/// ms since the epoch, as the metrics clock clamps to.
pub(super) const LAST_MS: i64 = 253_402_207_200_000;

const DAY_MS: i64 = 86_400_000;

/// Volumes per interval: the conversations started in each interval of
/// a run of equal intervals, with the interval length and the time zone
/// that say which weekday and time of day each one is.
///
/// `values[i]` is the volume of the interval starting at
/// `start + i × interval`. Build one from a KPI [`Report`]
/// ([`History::from_report`]) or from a plain series
/// ([`History::new`]). A history keeps at most its last
/// [`MAX_HISTORY_DAYS`] days; older intervals are dropped.
///
/// ```
/// use switchboard::metrics::Interval;
/// use switchboard::plan::forecast::History;
/// use switchboard::Timestamp;
///
/// // Monday 2026-11-02 00:00 in Berlin (23:00 UTC the day before), hourly.
/// let start = Timestamp::from_millis(1_793_574_000_000);
/// let h = History::new(start, Interval::Minutes60, "Europe/Berlin", vec![3.0, 1.0, 0.0])?;
/// assert_eq!(h.values(), &[3.0, 1.0, 0.0]);
/// assert_eq!(h.end(), Timestamp::from_millis(1_793_574_000_000 + 3 * 3_600_000));
/// assert_eq!(h.time_zone(), "Europe/Berlin");
/// # Ok::<(), switchboard::plan::forecast::ForecastError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    start: Timestamp,
    interval: Interval,
    zone: String,
    tz: TimeZone,
    values: Vec<f64>,
}

/// The local wall-clock series of a stretch of history: one value per
/// interval of local time, numbered as cells since 1970-01-01T00:00 local
/// (so a cell's local day is `cell ÷ cells a day`). A repeated hour's
/// intervals share their cells (each takes their mean); a skipped hour's
/// cells take values interpolated between their neighbours.
#[derive(Clone, Debug)]
pub(super) struct Wall {
    /// The cell of `values[0]`.
    pub(super) first: i64,
    /// One value per cell, every cell from `first` on.
    pub(super) values: Vec<f64>,
    /// Cells in a local day.
    pub(super) per_day: i64,
}

impl Wall {
    /// Cells in a week: the season's length.
    pub(super) fn week(&self) -> usize {
        (self.per_day * 7) as usize
    }

    /// The season slot of `cell`: weekday (Monday 0) × cells a day + the
    /// cell of the day.
    pub(super) fn season(&self, cell: i64) -> usize {
        season(cell, self.per_day)
    }

    /// The cell after the last.
    pub(super) fn end(&self) -> i64 {
        self.first + self.values.len() as i64
    }
}

/// The season slot of `cell` with `per_day` cells a day.
pub(super) fn season(cell: i64, per_day: i64) -> usize {
    let day = cell.div_euclid(per_day);
    // 1970-01-01 was a Thursday (3, counting from Monday = 0).
    let weekday = (day + 3).rem_euclid(7);
    (weekday * per_day + cell.rem_euclid(per_day)) as usize
}

impl History {
    /// A history of `values`, one per `interval` from `start`, in the IANA
    /// zone `time_zone`. `start` should be the start of a local interval
    /// (as a report's rows are); an instant between two is read as the
    /// interval it falls in.
    ///
    /// ```
    /// use switchboard::metrics::Interval;
    /// use switchboard::plan::forecast::{ForecastError, History};
    /// use switchboard::Timestamp;
    ///
    /// let h = History::new(Timestamp::EPOCH, Interval::Minutes15, "UTC", vec![0.0; 96])?;
    /// assert_eq!(h.interval(), Interval::Minutes15);
    /// let err = History::new(Timestamp::EPOCH, Interval::Minutes15, "Mars/Olympus", vec![1.0]);
    /// assert!(matches!(err, Err(ForecastError::TimeZone(_))));
    /// # Ok::<(), ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::Empty`] for no values;
    /// [`ForecastError::BadValue`] for a value that is NaN, infinite,
    /// negative or above [`MAX_VOLUME`]; [`ForecastError::TimeZone`] for a
    /// zone the database does not know; [`ForecastError::OutOfRange`] when
    /// the history ends after 9999.
    pub fn new(
        start: Timestamp,
        interval: Interval,
        time_zone: &str,
        mut values: Vec<f64>,
    ) -> Result<History, ForecastError> {
        let tz =
            TimeZone::get(time_zone).map_err(|_| ForecastError::TimeZone(time_zone.to_owned()))?;
        if values.is_empty() {
            return Err(ForecastError::Empty { needed_days: 14 });
        }
        if let Some((index, &value)) = values
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0 && **v <= MAX_VOLUME))
        {
            return Err(ForecastError::BadValue { index, value });
        }
        let step = step_ms(interval);
        let keep = max_intervals(interval);
        let (start, mut values) = if values.len() > keep {
            let drop = values.len() - keep;
            let start = start.as_millis().saturating_add(drop as u64 * step as u64);
            (Timestamp::from_millis(start), values.split_off(drop))
        } else {
            (start, values)
        };
        // -0.0 is a volume of 0.
        for v in &mut values {
            *v = v.abs();
        }
        i64::try_from(start.as_millis())
            .ok()
            .and_then(|s| s.checked_add(values.len() as i64 * step))
            .filter(|&end| end <= LAST_MS)
            .ok_or(ForecastError::OutOfRange)?;
        Ok(History {
            start,
            interval,
            zone: time_zone.to_owned(),
            tz,
            values,
        })
    }

    /// The history of conversations started per interval in `report`, in
    /// its interval and time zone: every interval from the one its first
    /// event falls in to the one its latest event falls in, an interval
    /// with no row being one with no volume.
    ///
    /// The last interval is the one the report's latest event falls in:
    /// a report taken in the middle of an interval counts that interval
    /// short. Take it at an interval boundary, or build the history with
    /// [`History::new`] from the complete intervals only.
    ///
    /// ```
    /// use switchboard::metrics::{Metrics, Settings};
    /// use switchboard::plan::forecast::History;
    /// use switchboard::engine::Event;
    ///
    /// let mut metrics = Metrics::new(Settings::new().with_time_zone("Europe/Berlin")?);
    /// for line in [
    ///     r#"{"at":1793574000000,"conversation":"c1","type":"started","contact":"k1","channel":"sms"}"#,
    ///     r#"{"at":1793581200000,"conversation":"c2","type":"started","contact":"k2","channel":"sms"}"#,
    /// ] {
    ///     metrics.observe(&serde_json::from_str::<Event>(line)?)?;
    /// }
    /// let history = History::from_report(&metrics.report())?;
    /// // 00:00 to 02:00 Berlin time in half hours: 1, 0, 0, 0, 1.
    /// assert_eq!(history.values(), &[1.0, 0.0, 0.0, 0.0, 1.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::Empty`] for a report of no events;
    /// [`ForecastError::Interval`] and [`ForecastError::TimeZone`] for a
    /// report (read back from JSON) whose interval or zone is not one
    /// this crate reports in; [`ForecastError::OutOfRange`] for times past
    /// 9999.
    pub fn from_report(report: &Report) -> Result<History, ForecastError> {
        let empty = ForecastError::Empty { needed_days: 14 };
        let period = report.summary.period.as_ref().ok_or(empty.clone())?;
        let interval = Interval::from_minutes(period.interval_minutes)
            .map_err(|_| ForecastError::Interval(period.interval_minutes))?;
        let tz = TimeZone::get(&period.time_zone)
            .map_err(|_| ForecastError::TimeZone(period.time_zone.clone()))?;
        let step = step_ms(interval);
        let ms = |t: Timestamp| {
            i64::try_from(t.as_millis())
                .unwrap_or(i64::MAX)
                .min(LAST_MS)
        };
        let floor = |t: i64| {
            let off = offset_ms(&tz, t);
            let wall = t + off;
            wall - wall.rem_euclid(step) - off
        };
        let rows = report.intervals.iter().map(|r| ms(r.start));
        let firsts = rows.clone().chain(period.from.map(|t| floor(ms(t))));
        let lasts = rows.chain(period.to.map(|t| floor(ms(t))));
        let (Some(first), Some(last)) = (firsts.min(), lasts.max()) else {
            return Err(empty);
        };
        let count = ((last - first).max(0) / step + 1) as usize;
        let keep = count.min(max_intervals(interval));
        let start = last - (keep as i64 - 1) * step;
        let start = start.max(0);
        let mut values = vec![0.0; keep];
        for row in &report.intervals {
            let t = ms(row.start);
            if t >= start {
                let i = ((t - start) / step) as usize;
                if let Some(v) = values.get_mut(i) {
                    *v += row.figures.conversations as f64;
                }
            }
        }
        let clamped = values.iter().map(|v| v.min(MAX_VOLUME)).collect();
        History::new(
            Timestamp::from_millis(start as u64),
            interval,
            &period.time_zone,
            clamped,
        )
    }

    /// When the first interval starts.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// When the last interval ends: where a forecast starts.
    pub fn end(&self) -> Timestamp {
        Timestamp::from_millis(
            self.start.as_millis() + self.values.len() as u64 * step_ms(self.interval) as u64,
        )
    }

    /// The interval length.
    pub fn interval(&self) -> Interval {
        self.interval
    }

    /// The time zone's IANA name.
    pub fn time_zone(&self) -> &str {
        &self.zone
    }

    /// The volumes, one per interval from [`History::start`].
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    pub(super) fn step(&self) -> i64 {
        step_ms(self.interval)
    }

    pub(super) fn per_day(&self) -> i64 {
        DAY_MS / self.step()
    }

    pub(super) fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The start of interval `i` (which may lie past the end), ms.
    pub(super) fn start_of(&self, i: usize) -> i64 {
        self.start.as_millis() as i64 + i as i64 * self.step()
    }

    /// The local wall-clock cell the instant `t` (ms) falls in.
    pub(super) fn cell_at(&self, t: i64) -> i64 {
        (t + offset_ms(&self.tz, t)).div_euclid(self.step())
    }

    /// The cell of every interval of the history.
    pub(super) fn cells(&self) -> Vec<i64> {
        (0..self.values.len())
            .map(|i| self.cell_at(self.start_of(i)))
            .collect()
    }

    /// The wall-clock series of the intervals `0..upto`, whose cells are
    /// `cells[..upto]`.
    pub(super) fn wall(&self, cells: &[i64], upto: usize) -> Wall {
        let cells = &cells[..upto.min(cells.len())];
        let per_day = self.per_day();
        let (Some(&first), Some(&last)) = (cells.iter().min(), cells.iter().max()) else {
            return Wall {
                first: 0,
                values: Vec::new(),
                per_day,
            };
        };
        let len = (last - first + 1) as usize;
        let mut sums = vec![0.0; len];
        let mut counts = vec![0u32; len];
        for (&c, &v) in cells.iter().zip(&self.values) {
            let k = (c - first) as usize;
            sums[k] += v;
            counts[k] += 1;
        }
        // A repeated hour: the mean of its intervals, the volume of one
        // interval of that wall-clock time.
        let mut values: Vec<f64> = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &n)| if n > 0 { s / f64::from(n) } else { 0.0 })
            .collect();
        // A skipped hour: a straight line between the intervals either
        // side, which are adjacent in real time. The first and last cells
        // hold intervals, so every gap has both ends.
        let mut k = 0;
        while k < len {
            if counts[k] > 0 {
                k += 1;
                continue;
            }
            let lo = k - 1;
            let mut hi = k;
            while counts[hi] == 0 {
                hi += 1;
            }
            let (a, b) = (values[lo], values[hi]);
            let span = (hi - lo) as f64;
            for (j, v) in values.iter_mut().enumerate().take(hi).skip(k) {
                *v = a + (b - a) * (j - lo) as f64 / span;
            }
            k = hi;
        }
        Wall {
            first,
            values,
            per_day,
        }
    }
}

/// The interval's length in ms.
pub(super) fn step_ms(interval: Interval) -> i64 {
    i64::from(interval.minutes()) * 60_000
}

/// The most intervals a history keeps.
fn max_intervals(interval: Interval) -> usize {
    (MAX_HISTORY_DAYS as i64 * DAY_MS / step_ms(interval)) as usize
}

/// The zone's offset from UTC at `t` (ms), in ms.
pub(super) fn offset_ms(tz: &TimeZone, t: i64) -> i64 {
    jiff::Timestamp::from_millisecond(t)
        .map(|ts| i64::from(tz.to_offset(ts).seconds()) * 1000)
        .unwrap_or(0)
}
