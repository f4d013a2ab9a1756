//! Quiet hours: the local times at which the business does not write
//! first, in the contact's own time zone.

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{Timestamp as JiffTimestamp, ToSpan};

use crate::model::Timestamp;

/// A daily quiet period in local time, `start` to `end` (seconds from
/// midnight; `end < start` runs past midnight, as `21:00-08:00` does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuietHours {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl QuietHours {
    /// Parses `HH:MM-HH:MM`.
    pub(crate) fn parse(s: &str) -> Result<QuietHours, String> {
        let bad =
            || format!("`{s}` is not a time range; write it as HH:MM-HH:MM, such as 21:00-08:00");
        let (a, b) = s.trim().split_once('-').ok_or_else(bad)?;
        let secs = |t: &str| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60).then_some(h * 3600 + m * 60)
        };
        let (start, end) = (secs(a).ok_or_else(bad)?, secs(b).ok_or_else(bad)?);
        if start == end {
            return Err(format!(
                "`{s}` starts and ends at the same time; leave quiet_hours out to allow any hour"
            ));
        }
        Ok(QuietHours { start, end })
    }

    fn quiet_at(&self, sod: u32) -> bool {
        if self.start < self.end {
            self.start <= sod && sod < self.end
        } else {
            sod >= self.start || sod < self.end
        }
    }

    /// When a message due at `t` may go out in time zone `tz`: `t` itself
    /// outside quiet hours, else the end of the quiet period as a local
    /// wall-clock time (on a daylight-saving night, an end that falls in
    /// the skipped hour is when the clock resumes).
    pub(crate) fn next_allowed(&self, tz: &TimeZone, t: Timestamp) -> Timestamp {
        let Ok(at) = JiffTimestamp::from_millisecond(t.as_millis() as i64) else {
            return t;
        };
        let local = at.to_zoned(tz.clone());
        let sod = u32::from(local.hour().unsigned_abs()) * 3600
            + u32::from(local.minute().unsigned_abs()) * 60
            + u32::from(local.second().unsigned_abs());
        if !self.quiet_at(sod) {
            return t;
        }
        // The quiet period ends today when we are before its end, else
        // tomorrow (a period past midnight, entered in the evening).
        let date = if sod < self.end {
            local.date()
        } else {
            match local.date().checked_add(1.day()) {
                Ok(d) => d,
                Err(_) => return Timestamp::MAX,
            }
        };
        let end = Time::constant(0, 0, 0, 0)
            .checked_add(jiff::SignedDuration::from_secs(i64::from(self.end)))
            .unwrap_or(Time::MIN);
        match date.to_datetime(end).to_zoned(tz.clone()) {
            Ok(z) => {
                let ms = z.timestamp().as_millisecond();
                u64::try_from(ms).map_or(t, |ms| Timestamp::from_millis(ms).max(t))
            }
            Err(_) => Timestamp::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Timestamp {
        let t: JiffTimestamp = s.parse().unwrap();
        Timestamp::from_millis(t.as_millisecond() as u64)
    }

    #[test]
    fn outside_quiet_hours_a_message_goes_at_once() {
        let q = QuietHours::parse("21:00-08:00").unwrap();
        let ny = TimeZone::get("America/New_York").unwrap();
        // 15:00 UTC is 10:00 in New York (EST).
        let t = utc("2027-01-12T15:00:00Z");
        assert_eq!(q.next_allowed(&ny, t), t);
    }

    #[test]
    fn an_evening_message_waits_for_the_morning_in_the_contacts_zone() {
        let q = QuietHours::parse("21:00-08:00").unwrap();
        let ny = TimeZone::get("America/New_York").unwrap();
        // 03:00 UTC on the 13th is 22:00 on the 12th in New York.
        let t = utc("2027-01-13T03:00:00Z");
        assert_eq!(q.next_allowed(&ny, t), utc("2027-01-13T13:00:00Z"));
    }

    #[test]
    fn the_morning_after_clocks_go_forward_is_an_hour_earlier_in_utc() {
        let q = QuietHours::parse("21:00-08:00").unwrap();
        let ny = TimeZone::get("America/New_York").unwrap();
        // 2027-03-14 01:00 EST (06:00 UTC); clocks go forward at 02:00, so
        // 08:00 that morning is EDT, 12:00 UTC — not 13:00.
        let t = utc("2027-03-14T06:00:00Z");
        assert_eq!(q.next_allowed(&ny, t), utc("2027-03-14T12:00:00Z"));
    }

    #[test]
    fn an_end_in_the_skipped_hour_is_when_the_clock_resumes() {
        let q = QuietHours::parse("23:00-02:30").unwrap();
        let ny = TimeZone::get("America/New_York").unwrap();
        // 01:00 EST on 2027-03-14: 02:30 does not exist that night; 03:30
        // EDT (07:30 UTC) is when sending resumes.
        let t = utc("2027-03-14T06:00:00Z");
        assert_eq!(q.next_allowed(&ny, t), utc("2027-03-14T07:30:00Z"));
    }

    #[test]
    fn a_daytime_quiet_period_does_not_wrap() {
        let q = QuietHours::parse("12:00-13:00").unwrap();
        let utc_tz = TimeZone::UTC;
        assert_eq!(
            q.next_allowed(&utc_tz, utc("2027-01-12T12:30:00Z")),
            utc("2027-01-12T13:00:00Z")
        );
        assert_eq!(
            q.next_allowed(&utc_tz, utc("2027-01-12T13:00:00Z")),
            utc("2027-01-12T13:00:00Z")
        );
    }

    #[test]
    fn bad_ranges_are_errors_that_show_the_form() {
        for bad in ["21-08", "25:00-08:00", "21:00", "08:00-08:00", "21:0-08:00"] {
            let e = QuietHours::parse(bad).unwrap_err();
            assert!(e.contains(bad), "{e}");
        }
    }
}
