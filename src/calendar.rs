//! Business hours: weekly opening hours, holidays and one-off closures in an
//! IANA time zone.
//!
//! Time-zone rules come from [`jiff`] and its bundled copy of the IANA
//! database, so a calendar gives the same answers on every machine and
//! follows daylight-saving changes: "09:00–18:00 in Europe/Berlin" is
//! 08:00–17:00 UTC in winter and 07:00–16:00 UTC in summer.
//!
//! Opening hours are wall-clock times. A shift that runs past midnight
//! (`"22:00-02:00"`) belongs to the day it starts: closing that day closes
//! the whole shift. On the night clocks go forward, a shift starting in the
//! skipped hour starts when the clock resumes; on the night they go back, the
//! repeated hour is open or closed as its wall-clock time says.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp as JiffTimestamp};
use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

const DAY: u32 = 86_400;
pub(crate) const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// How far [`Calendar::next_open`] and [`Calendar::next_close`] look ahead,
/// in days.
const HORIZON_DAYS: u32 = 800;

/// A calendar as written in configuration.
///
/// In TOML:
///
/// ```toml
/// [calendars.eu]
/// timezone = "Europe/Berlin"
/// mon-fri = "09:00-18:00"
/// sat = "10:00-12:00, 13:00-16:00"
/// closed = ["2026-12-25", "2026-12-31 14:00-24:00", "2027-08-02..2027-08-06"]
/// ```
///
/// * Day keys are `mon` … `sun`, ranges such as `mon-fri`, or `daily`. A day
///   given twice is an error; a day not given is closed.
/// * Hours are `HH:MM-HH:MM` (end `24:00` for midnight), several separated
///   by commas, or `closed`. An end earlier than the start runs past
///   midnight.
/// * `closed` lists whole dates, date ranges `A..B` (inclusive) and partial
///   closures `DATE HH:MM-HH:MM`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpec {
    /// An IANA time-zone name such as `Europe/Berlin` or `Asia/Shanghai`.
    pub timezone: String,
    /// Opening hours by day key.
    #[serde(flatten)]
    pub hours: BTreeMap<String, String>,
    /// Holidays and one-off closures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<String>,
}

/// A problem in a [`CalendarSpec`], naming the key and value at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CalendarError {
    /// The key at fault: `timezone`, a day key, or `closed`.
    pub key: String,
    /// Index into `closed`, when the problem is there.
    pub index: Option<usize>,
    /// What is wrong, with the accepted forms.
    pub message: String,
}

/// Business hours in a time zone.
///
/// # Examples
///
/// ```
/// use switchboard::calendar::{Calendar, CalendarSpec};
/// use switchboard::Timestamp;
///
/// let spec = CalendarSpec {
///     timezone: "Europe/Berlin".into(),
///     hours: [("mon-fri".to_string(), "09:00-18:00".to_string())].into(),
///     closed: vec!["2026-12-25".into()],
/// };
/// let cal = Calendar::new(&spec).map_err(|e| e[0].clone())?;
///
/// // Monday 2026-11-23 08:30 UTC is 09:30 in Berlin (UTC+1): open.
/// let monday = Timestamp::from_millis(1_795_422_600_000);
/// assert!(cal.is_open(monday));
///
/// // Friday 2026-12-25 is a holiday: the next opening is Monday 28th 09:00 (08:00 UTC).
/// let christmas = Timestamp::from_millis(1_798_196_400_000); // 2026-12-25 11:00 UTC
/// assert!(!cal.is_open(christmas));
/// assert_eq!(cal.next_open(christmas), Some(Timestamp::from_millis(1_798_444_800_000)));
/// # Ok::<(), switchboard::calendar::CalendarError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Calendar {
    tz: TimeZone,
    /// Shifts by weekday (Monday first), in seconds from midnight; the end
    /// may pass `DAY` for shifts running past midnight.
    weekly: [Vec<(u32, u32)>; 7],
    closures: Vec<Closure>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Closure {
    first: Date,
    last: Date,
    /// `None` closes the whole day.
    hours: Option<(u32, u32)>,
}

impl Calendar {
    /// Builds a calendar, reporting every problem in the spec.
    ///
    /// # Errors
    ///
    /// An unknown time zone, an unknown day key, a day given twice,
    /// malformed hours or dates.
    pub fn new(spec: &CalendarSpec) -> Result<Calendar, Vec<CalendarError>> {
        let mut errors = Vec::new();
        let err = |key: &str, index: Option<usize>, message: String| CalendarError {
            key: key.to_owned(),
            index,
            message,
        };
        let tz = match TimeZone::get(&spec.timezone) {
            Ok(tz) => Some(tz),
            Err(_) => {
                errors.push(err(
                    "timezone",
                    None,
                    format!(
                        "unknown time zone `{}`; use an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`",
                        spec.timezone
                    ),
                ));
                None
            }
        };
        let mut weekly: [Vec<(u32, u32)>; 7] = Default::default();
        let mut given: [Option<&str>; 7] = [None; 7];
        for (key, value) in &spec.hours {
            let days = match parse_days(key) {
                Ok(d) => d,
                Err(m) => {
                    errors.push(err(key, None, m));
                    continue;
                }
            };
            let shifts = match parse_shifts(value) {
                Ok(s) => s,
                Err(m) => {
                    errors.push(err(key, None, m));
                    continue;
                }
            };
            for d in days {
                if let Some(prev) = given[d] {
                    errors.push(err(
                        key,
                        None,
                        format!("`{}` is given twice, in `{prev}` and `{key}`", DAY_NAMES[d]),
                    ));
                    continue;
                }
                given[d] = Some(key);
                weekly[d] = shifts.clone();
            }
        }
        let mut closures = Vec::new();
        for (i, entry) in spec.closed.iter().enumerate() {
            match parse_closure(entry) {
                Ok(c) => closures.push(c),
                Err(m) => errors.push(err("closed", Some(i), m)),
            }
        }
        match tz {
            Some(tz) if errors.is_empty() => Ok(Calendar {
                tz,
                weekly,
                closures,
            }),
            _ => Err(errors),
        }
    }

    /// A calendar open around the clock in UTC.
    ///
    /// ```
    /// # use switchboard::calendar::Calendar;
    /// # use switchboard::Timestamp;
    /// assert!(Calendar::always_open().is_open(Timestamp::from_millis(0)));
    /// ```
    pub fn always_open() -> Calendar {
        Calendar {
            tz: TimeZone::UTC,
            weekly: std::array::from_fn(|_| vec![(0, DAY)]),
            closures: Vec::new(),
        }
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// Whether the calendar is open at `t`.
    pub fn is_open(&self, t: Timestamp) -> bool {
        let Some(local) = self.local(t) else {
            return false;
        };
        let sod = seconds_of_day(local.time());
        let date = local.date();
        if self.shifts(date).iter().any(|&(s, e)| s <= sod && sod < e) {
            return true;
        }
        // The part of yesterday's overnight shift that runs into today,
        // unless a partial closure of today covers this time.
        let spill = date.yesterday().is_ok_and(|y| {
            self.shifts(y)
                .iter()
                .any(|&(s, e)| e > DAY && s <= sod + DAY && sod + DAY < e)
        });
        spill
            && !self.closures.iter().any(|c| {
                c.first <= date
                    && date <= c.last
                    && c.hours.is_some_and(|(cs, ce)| cs <= sod && sod < ce)
            })
    }

    /// The earliest time at or after `t` when the calendar is open: `t`
    /// itself when open, `None` when it never opens within about two years.
    pub fn next_open(&self, t: Timestamp) -> Option<Timestamp> {
        self.next_where(t, true)
    }

    /// The earliest time at or after `t` when the calendar is closed: `t`
    /// itself when closed, `None` when it stays open for about two years.
    /// Back-to-back shifts (`18:00-24:00` then `00:00-06:00`) count as one
    /// opening.
    pub fn next_close(&self, t: Timestamp) -> Option<Timestamp> {
        self.next_where(t, false)
    }

    /// Walks the times where openness can change (shift starts and ends,
    /// partial closures, midnights) from `t` until `is_open` equals `open`.
    fn next_where(&self, t: Timestamp, open: bool) -> Option<Timestamp> {
        let mut at = t;
        // A handful of change points a day, for about two years.
        for _ in 0..HORIZON_DAYS * 12 {
            if self.is_open(at) == open {
                return Some(at);
            }
            at = self.next_change(at)?;
        }
        None
    }

    /// The first time after `at` where openness may change.
    fn next_change(&self, at: Timestamp) -> Option<Timestamp> {
        let date = self.local(at)?.date();
        let mut best: Option<Timestamp> = None;
        let mut consider = |day: Date, secs: u32| {
            for ts in self.instants(day, secs) {
                if ts > at {
                    best = Some(best.map_or(ts, |b| b.min(ts)));
                }
            }
        };
        for day in [date.yesterday(), Ok(date), date.tomorrow()]
            .into_iter()
            .flatten()
        {
            consider(day, 0);
            for &(s, e) in self.shifts(day).iter() {
                consider(day, s);
                consider(day, e);
            }
            for c in &self.closures {
                if let Some((cs, ce)) = c.hours
                    && c.first <= day
                    && day <= c.last
                {
                    consider(day, cs);
                    consider(day, ce);
                }
            }
        }
        best
    }

    /// Wall-clock date and time at `t` in the calendar's zone.
    fn local(&self, t: Timestamp) -> Option<DateTime> {
        let ms = i64::try_from(t.as_millis()).ok()?;
        let ts = JiffTimestamp::from_millisecond(ms).ok()?;
        Some(self.tz.to_datetime(ts))
    }

    /// The instants of wall-clock `date` + `secs` (which may pass
    /// midnight): one, or two on the night clocks go back (the wall-clock
    /// time happens twice). A time skipped when clocks go forward maps to
    /// the moment the clock resumes.
    fn instants(&self, date: Date, secs: u32) -> Vec<Timestamp> {
        let Ok(dt) = date
            .to_datetime(Time::midnight())
            .checked_add(SignedDuration::from_secs(i64::from(secs)))
        else {
            return Vec::new();
        };
        let amb = self.tz.to_ambiguous_timestamp(dt);
        let found: Vec<JiffTimestamp> = match amb.offset() {
            jiff::tz::AmbiguousOffset::Gap { .. } => amb
                .later()
                .ok()
                .and_then(|later| self.tz.preceding(later).next())
                .map(|tr| tr.timestamp())
                .into_iter()
                .collect(),
            jiff::tz::AmbiguousOffset::Fold { .. } => [amb.earlier().ok(), amb.later().ok()]
                .into_iter()
                .flatten()
                .collect(),
            jiff::tz::AmbiguousOffset::Unambiguous { .. } => {
                amb.compatible().ok().into_iter().collect()
            }
        };
        found
            .into_iter()
            .filter_map(|ts| u64::try_from(ts.as_millisecond()).ok())
            .map(Timestamp::from_millis)
            .collect()
    }

    /// Shifts starting on `date`, after closures.
    /// Borrows the weekly shifts unless a closure applies: `is_open` runs
    /// on the routing path, once per `hours.*` condition evaluated.
    fn shifts(&self, date: Date) -> Cow<'_, [(u32, u32)]> {
        let day = date.weekday().to_monday_zero_offset() as usize;
        let mut shifts = Cow::Borrowed(self.weekly[day].as_slice());
        for c in &self.closures {
            if c.first <= date && date <= c.last {
                match c.hours {
                    None => return Cow::Borrowed(&[]),
                    Some((cs, ce)) => shifts = Cow::Owned(subtract(&shifts, cs, ce)),
                }
            }
        }
        shifts
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.tz.iana_name().unwrap_or("UTC");
        write!(f, "{name}:")?;
        for (d, shifts) in self.weekly.iter().enumerate() {
            if shifts.is_empty() {
                continue;
            }
            let list: Vec<_> = shifts
                .iter()
                .map(|&(s, e)| format!("{}-{}", hhmm(s), hhmm(e % DAY)))
                .collect();
            write!(f, " {} {}", DAY_NAMES[d], list.join(","))?;
        }
        Ok(())
    }
}

fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
}

fn seconds_of_day(t: Time) -> u32 {
    t.hour() as u32 * 3600 + t.minute() as u32 * 60 + t.second() as u32
}

/// Removes `[cs, ce)` from each shift.
fn subtract(shifts: &[(u32, u32)], cs: u32, ce: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &(s, e) in shifts {
        if ce <= s || cs >= e {
            out.push((s, e));
            continue;
        }
        if s < cs {
            out.push((s, cs));
        }
        if ce < e {
            out.push((ce, e));
        }
    }
    out
}

fn day_index(name: &str) -> Option<usize> {
    DAY_NAMES.iter().position(|d| *d == name)
}

fn parse_days(key: &str) -> Result<Vec<usize>, String> {
    let bad = || {
        format!(
            "unknown day key `{key}`; use mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri, or daily"
        )
    };
    if key == "daily" {
        return Ok((0..7).collect());
    }
    match key.split_once('-') {
        None => day_index(key).map(|d| vec![d]).ok_or_else(bad),
        Some((a, b)) => {
            let (a, b) = (day_index(a).ok_or_else(bad)?, day_index(b).ok_or_else(bad)?);
            let mut days = vec![a];
            let mut d = a;
            while d != b {
                d = (d + 1) % 7;
                days.push(d);
            }
            Ok(days)
        }
    }
}

fn parse_time(s: &str, end: bool) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let ok = m < 60 && (h < 24 || (end && h == 24 && m == 0));
    ok.then_some(h * 3600 + m * 60)
}

fn parse_range(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let start = parse_time(a, false)?;
    let end = parse_time(b, true)?;
    if end == start {
        return None;
    }
    Some(if end < start {
        (start, end + DAY)
    } else {
        (start, end)
    })
}

fn parse_shifts(value: &str) -> Result<Vec<(u32, u32)>, String> {
    if value.trim() == "closed" {
        return Ok(Vec::new());
    }
    let mut shifts = Vec::new();
    for part in value.split(',') {
        let r = parse_range(part).ok_or_else(|| {
            format!(
                "`{}` is not an opening time; write HH:MM-HH:MM (such as 09:00-18:00), several separated by commas, or `closed`",
                part.trim()
            )
        })?;
        shifts.push(r);
    }
    shifts.sort_unstable();
    if let Some(w) = shifts.windows(2).find(|w| w[1].0 < w[0].1) {
        return Err(format!(
            "opening times overlap: {}-{} and {}-{}",
            hhmm(w[0].0),
            hhmm(w[0].1 % DAY),
            hhmm(w[1].0),
            hhmm(w[1].1 % DAY)
        ));
    }
    Ok(shifts)
}

fn parse_closure(entry: &str) -> Result<Closure, String> {
    let bad = || {
        format!(
            "`{entry}` is not a closure; write a date (2026-12-25), a range (2026-12-24..2026-12-26) or a date and times (2026-12-31 14:00-24:00)"
        )
    };
    let entry_t = entry.trim();
    if let Some((a, b)) = entry_t.split_once("..") {
        let first: Date = a.trim().parse().map_err(|_| bad())?;
        let last: Date = b.trim().parse().map_err(|_| bad())?;
        if last < first {
            return Err(format!("the range `{entry}` ends before it starts"));
        }
        return Ok(Closure {
            first,
            last,
            hours: None,
        });
    }
    match entry_t.split_once(' ') {
        None => {
            let d: Date = entry_t.parse().map_err(|_| bad())?;
            Ok(Closure {
                first: d,
                last: d,
                hours: None,
            })
        }
        Some((date, range)) => {
            let d: Date = date.parse().map_err(|_| bad())?;
            let (s, e) = parse_range(range).ok_or_else(bad)?;
            if e > DAY {
                return Err(format!(
                    "the closure `{entry}` runs past midnight; close the next day separately"
                ));
            }
            Ok(Closure {
                first: d,
                last: d,
                hours: Some((s, e)),
            })
        }
    }
}

/// The named calendars of a configuration, and the time zone `hour` and
/// `weekday` are read in.
///
/// ```
/// use switchboard::calendar::{Calendar, Calendars};
///
/// let mut cals = Calendars::default();
/// cals.insert("always", Calendar::always_open());
/// assert!(cals.get("always").is_some());
/// assert_eq!(cals.names().collect::<Vec<_>>(), ["always"]);
/// ```
#[derive(Clone, Debug)]
pub struct Calendars {
    by_name: BTreeMap<String, Calendar>,
    tz: TimeZone,
}

impl Default for Calendars {
    fn default() -> Self {
        Calendars {
            by_name: BTreeMap::new(),
            tz: TimeZone::UTC,
        }
    }
}

impl Calendars {
    /// Adds or replaces a calendar.
    pub fn insert(&mut self, name: impl Into<String>, calendar: Calendar) {
        self.by_name.insert(name.into(), calendar);
    }

    /// The calendar called `name`.
    pub fn get(&self, name: &str) -> Option<&Calendar> {
        self.by_name.get(name)
    }

    /// Calendar names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// Sets the zone `hour` and `weekday` are read in (UTC by default).
    pub fn set_time_zone(&mut self, tz: TimeZone) {
        self.tz = tz;
    }

    /// The zone `hour` and `weekday` are read in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }
}

/// Local hour (0–23) and weekday name (`mon` … `sun`) at `t` in `tz`.
pub(crate) fn local_hour_weekday(tz: &TimeZone, t: Timestamp) -> Option<(u32, &'static str)> {
    let ms = i64::try_from(t.as_millis()).ok()?;
    let dt = tz.to_datetime(JiffTimestamp::from_millisecond(ms).ok()?);
    let day = dt.date().weekday().to_monday_zero_offset() as usize;
    Some((dt.time().hour() as u32, DAY_NAMES[day]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(tz: &str, hours: &[(&str, &str)], closed: &[&str]) -> Calendar {
        Calendar::new(&CalendarSpec {
            timezone: tz.into(),
            hours: hours
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            closed: closed.iter().map(|s| s.to_string()).collect(),
        })
        .unwrap()
    }

    fn at(s: &str) -> Timestamp {
        let ts: JiffTimestamp = s.parse().unwrap();
        Timestamp::from_millis(ts.as_millisecond() as u64)
    }

    #[test]
    fn opening_hours_follow_daylight_saving_in_berlin() {
        let c = cal("Europe/Berlin", &[("mon-fri", "09:00-18:00")], &[]);
        // Winter, UTC+1: 09:00 local is 08:00Z.
        assert!(!c.is_open(at("2026-03-27T07:59:59Z")));
        assert!(c.is_open(at("2026-03-27T08:00:00Z")));
        // Clocks go forward on Sunday 2026-03-29; Monday is UTC+2.
        assert!(!c.is_open(at("2026-03-30T06:59:59Z")));
        assert!(c.is_open(at("2026-03-30T07:00:00Z")));
        assert!(!c.is_open(at("2026-03-30T16:00:00Z")));
        assert_eq!(
            c.next_open(at("2026-03-27T17:00:00Z")),
            Some(at("2026-03-30T07:00:00Z"))
        );
    }

    #[test]
    fn a_shift_in_the_skipped_hour_starts_when_the_clock_resumes() {
        // New York springs forward at 02:00 on 2026-03-08: 02:30 never exists.
        let c = cal("America/New_York", &[("sun", "02:30-05:00")], &[]);
        let next = c.next_open(at("2026-03-08T05:00:00Z")).unwrap(); // 00:00 EST
        assert_eq!(next, at("2026-03-08T07:00:00Z")); // 03:00 EDT
    }

    #[test]
    fn the_repeated_hour_is_open_twice_when_clocks_go_back() {
        // Berlin falls back at 03:00 on 2026-10-25: 02:00-03:00 happens twice.
        let c = cal("Europe/Berlin", &[("sun", "02:00-03:00")], &[]);
        assert!(c.is_open(at("2026-10-25T00:30:00Z"))); // 02:30 CEST
        assert!(c.is_open(at("2026-10-25T01:30:00Z"))); // 02:30 CET
        assert!(!c.is_open(at("2026-10-25T02:00:00Z"))); // 03:00 CET
    }

    #[test]
    fn next_open_and_close_inside_the_repeated_hour() {
        // Berlin falls back at 03:00 CEST on 2026-10-25: 02:00-03:00 twice.
        let c = cal("Europe/Berlin", &[("sun", "01:00-02:30")], &[]);
        let second_215 = at("2026-10-25T01:15:00Z"); // 02:15 CET, second time round
        assert!(c.is_open(second_215));
        assert_eq!(c.next_close(second_215), Some(at("2026-10-25T01:30:00Z")));
        let c = cal("Europe/Berlin", &[("sun", "02:30-04:00")], &[]);
        let second_210 = at("2026-10-25T01:10:00Z"); // 02:10 CET
        assert_eq!(c.next_open(second_210), Some(at("2026-10-25T01:30:00Z")));
    }

    #[test]
    fn a_partial_closure_cuts_into_the_night_shift_of_the_day_before() {
        let c = cal(
            "UTC",
            &[("daily", "22:00-02:00")],
            &["2026-12-31 00:00-02:00"],
        );
        assert!(!c.is_open(at("2026-12-31T01:00:00Z")));
        assert!(c.is_open(at("2026-12-30T01:00:00Z")));
        assert_eq!(
            c.next_close(at("2026-12-30T23:00:00Z")),
            Some(at("2026-12-31T00:00:00Z"))
        );
    }

    #[test]
    fn overnight_shifts_belong_to_the_day_they_start() {
        let c = cal("UTC", &[("fri", "22:00-02:00")], &["2026-11-27"]);
        assert!(c.is_open(at("2026-11-21T01:00:00Z"))); // Saturday 01:00 after Friday
        assert!(!c.is_open(at("2026-11-28T01:00:00Z"))); // Friday 27th was closed
        assert_eq!(
            c.next_close(at("2026-11-20T23:00:00Z")),
            Some(at("2026-11-21T02:00:00Z"))
        );
    }

    #[test]
    fn partial_closures_and_ranges() {
        let c = cal(
            "Asia/Shanghai",
            &[("daily", "09:00-21:00")],
            &["2026-12-31 14:00-24:00", "2027-02-16..2027-02-18"],
        );
        assert!(c.is_open(at("2026-12-31T05:00:00Z"))); // 13:00 local
        assert!(!c.is_open(at("2026-12-31T07:00:00Z"))); // 15:00 local
        assert!(!c.is_open(at("2027-02-17T04:00:00Z")));
        assert_eq!(
            c.next_open(at("2027-02-16T00:00:00Z")),
            Some(at("2027-02-19T01:00:00Z"))
        );
    }

    #[test]
    fn back_to_back_shifts_close_once() {
        let c = cal(
            "UTC",
            &[("mon", "18:00-24:00"), ("tue", "00:00-06:00")],
            &[],
        );
        assert_eq!(
            c.next_close(at("2026-11-23T20:00:00Z")),
            Some(at("2026-11-24T06:00:00Z"))
        );
    }

    #[test]
    fn a_calendar_that_never_opens_has_no_next_opening() {
        let c = cal("UTC", &[], &[]);
        assert_eq!(c.next_open(at("2026-11-23T20:00:00Z")), None);
        assert_eq!(
            Calendar::always_open().next_close(Timestamp::from_millis(0)),
            None
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let errs = Calendar::new(&CalendarSpec {
            timezone: "Mars/Olympus".into(),
            hours: [
                ("mon-fry", "09:00-18:00"),
                ("sat", "9-5"),
                ("sun", "10:00-12:00, 11:00-13:00"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            closed: vec!["2026-02-30".into()],
        })
        .unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["timezone", "mon-fry", "sat", "sun", "closed"]);
        assert!(errs[3].message.contains("overlap"));
        assert_eq!(errs[4].index, Some(0));
    }

    #[test]
    fn far_future_and_out_of_range_times_do_not_panic() {
        let c = cal("Europe/Berlin", &[("daily", "09:00-18:00")], &[]);
        assert!(!c.is_open(Timestamp::from_millis(u64::MAX)));
        assert_eq!(c.next_open(Timestamp::from_millis(u64::MAX)), None);
    }
}
