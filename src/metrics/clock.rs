//! Local time for bucketing: the interval an instant falls in, its hour of
//! the day and its weekday in the configured zone, with the zone's offset
//! cached between transitions so most events skip the zone lookup.

use jiff::tz::TimeZone;

use super::Interval;
use crate::model::Timestamp;

/// Where an instant falls in local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Local {
    /// The instant the interval holding it starts, in ms since the epoch.
    pub(crate) interval: u64,
    /// The local hour, 0–23.
    pub(crate) hour: u8,
    /// The local weekday, 0 = Monday.
    pub(crate) weekday: u8,
    /// The local date as days since 1970-01-01.
    pub(crate) day: i64,
}

/// Maps instants to local intervals.
///
/// An interval is a stretch of local wall-clock time, floored to the
/// interval length with the offset in force at the instant, and named by
/// the instant it starts. On the night clocks go back, the repeated hour
/// gives intervals of its own (same wall-clock label, later instants); on
/// the night they go forward, the skipped hour has none.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    tz: TimeZone,
    step_ms: i64,
    /// The offset (seconds) valid for instants in `from..until` (ms).
    cache: (i64, i64, i64),
    /// The last answer, valid for instants in `from..until` (ms): one
    /// interval, under one offset.
    last: (i64, i64, Local),
}

impl Clock {
    pub(crate) fn new(tz: TimeZone, interval: Interval) -> Clock {
        Clock {
            tz,
            step_ms: i64::from(interval.minutes()) * 60_000,
            cache: (0, -1, 0),
            last: (
                0,
                -1,
                Local {
                    interval: 0,
                    hour: 0,
                    weekday: 0,
                    day: 0,
                },
            ),
        }
    }

    fn offset_ms(&mut self, t: i64) -> i64 {
        let (from, until, off) = self.cache;
        if from <= t && t < until {
            return off * 1000;
        }
        let Ok(ts) = jiff::Timestamp::from_millisecond(t) else {
            return 0;
        };
        let off = i64::from(self.tz.to_offset(ts).seconds());
        let from = self
            .tz
            .preceding(
                ts.checked_add(jiff::SignedDuration::from_millis(1))
                    .unwrap_or(ts),
            )
            .next()
            .map_or(i64::MIN, |tr| tr.timestamp().as_millisecond());
        let until = self
            .tz
            .following(ts)
            .next()
            .map_or(i64::MAX, |tr| tr.timestamp().as_millisecond());
        self.cache = (from, until, off);
        off * 1000
    }

    /// The first instant of `at`'s local day, at the offset in force at
    /// `at` (on a day clocks change, an hour off the wall-clock midnight).
    pub(crate) fn day_start(&mut self, at: Timestamp) -> Timestamp {
        let t = i64::try_from(at.as_millis())
            .unwrap_or(i64::MAX)
            .min(253_402_207_200_000);
        let off = self.offset_ms(t);
        let wall = t + off;
        Timestamp::from_millis((wall - wall.rem_euclid(86_400_000) - off).max(0) as u64)
    }

    pub(crate) fn local(&mut self, at: Timestamp) -> Local {
        // jiff's range ends in 9999; later instants clamp to it.
        let t = i64::try_from(at.as_millis())
            .unwrap_or(i64::MAX)
            .min(253_402_207_200_000);
        let (from, until, local) = self.last;
        if from <= t && t < until {
            return local;
        }
        let off = self.offset_ms(t);
        let wall = t + off;
        let start = wall - wall.rem_euclid(self.step_ms) - off;
        let interval = start.max(0) as u64;
        let day = wall.div_euclid(86_400_000);
        let hour = (wall.rem_euclid(86_400_000) / 3_600_000) as u8;
        // 1970-01-01 was a Thursday (3, counting from Monday = 0).
        let weekday = (day + 3).rem_euclid(7) as u8;
        let local = Local {
            interval,
            hour,
            weekday,
            day,
        };
        // The rest of the interval has the same answer while the offset
        // holds: an interval divides the hour and the day.
        let (off_from, off_until, _) = self.cache;
        self.last = if off_from <= t && t < off_until {
            (
                start.max(off_from),
                start.saturating_add(self.step_ms).min(off_until),
                local,
            )
        } else {
            (0, -1, local)
        };
        local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> Timestamp {
        let t: jiff::Timestamp = s.parse().unwrap();
        Timestamp::from_millis(t.as_millisecond() as u64)
    }

    #[test]
    fn intervals_follow_local_time_across_daylight_saving() {
        let mut c = Clock::new(TimeZone::get("Europe/Berlin").unwrap(), Interval::Minutes30);
        // 2026-10-25 03:00 CEST → 02:00 CET: 02:10 CEST and 02:10 CET are
        // two intervals an hour apart.
        let a = c.local(ms("2026-10-25T00:10:00Z")); // 02:10 CEST
        let b = c.local(ms("2026-10-25T01:10:00Z")); // 02:10 CET
        assert_eq!(a.interval, ms("2026-10-25T00:00:00Z").as_millis());
        assert_eq!(b.interval, ms("2026-10-25T01:00:00Z").as_millis());
        assert_eq!((a.hour, b.hour), (2, 2));
        assert_eq!(a.weekday, 6); // Sunday
        // Spring forward, 2026-03-29: 01:59 CET then 03:00 CEST.
        let before = c.local(ms("2026-03-29T00:59:00Z"));
        let after = c.local(ms("2026-03-29T01:00:00Z"));
        assert_eq!((before.hour, after.hour), (1, 3));
        assert_eq!(after.interval, ms("2026-03-29T01:00:00Z").as_millis());
    }

    #[test]
    fn a_half_hour_zone_floors_hours_on_its_own_clock() {
        let mut c = Clock::new(TimeZone::get("Asia/Kolkata").unwrap(), Interval::Minutes60);
        let l = c.local(ms("2026-06-01T04:00:00Z")); // 09:30 IST
        assert_eq!(l.hour, 9);
        assert_eq!(l.interval, ms("2026-06-01T03:30:00Z").as_millis());
        assert_eq!(l.weekday, 0);
    }
}
