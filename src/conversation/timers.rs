//! A conversation's deadlines: one table keyed by what each is for (the
//! shape of `quinn-proto`'s `TimerTable`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

/// What a conversation's deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Timer {
    /// The bot must answer by then (it escalates if not: fail open).
    Bot,
    /// The customer's silence closes the conversation then.
    Inactivity,
    /// A hold ends then, closing the conversation.
    Hold,
    /// No agent by then: back to the bot, or the customer is told.
    NoAgent,
    /// The next check for a queue update to the customer (periodic).
    Notice,
    /// A closed conversation is forgotten then.
    Purge,
}

impl Timer {
    /// Every timer, in the order they run when due at the same instant.
    pub(crate) const ALL: [Timer; 6] = [
        Timer::Purge,
        Timer::Bot,
        Timer::Hold,
        Timer::Inactivity,
        Timer::NoAgent,
        Timer::Notice,
    ];

    fn index(self) -> usize {
        match self {
            Timer::Bot => 0,
            Timer::Inactivity => 1,
            Timer::Hold => 2,
            Timer::NoAgent => 3,
            Timer::Notice => 4,
            Timer::Purge => 5,
        }
    }
}

/// When each of a conversation's timers falls due, if set.
///
/// On the wire it is a map from timer to time, holding the set ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TimerTable([Option<Timestamp>; 6]);

impl TimerTable {
    /// Sets `timer` to fall due at `at`.
    pub(crate) fn set(&mut self, timer: Timer, at: Timestamp) {
        self.0[timer.index()] = Some(at);
    }

    /// Sets or clears `timer`.
    pub(crate) fn set_opt(&mut self, timer: Timer, at: Option<Timestamp>) {
        self.0[timer.index()] = at;
    }

    /// When `timer` falls due, if set.
    pub(crate) fn get(&self, timer: Timer) -> Option<Timestamp> {
        self.0[timer.index()]
    }

    /// Whether `timer` is set.
    pub(crate) fn is_set(&self, timer: Timer) -> bool {
        self.get(timer).is_some()
    }

    /// Clears `timer`.
    pub(crate) fn stop(&mut self, timer: Timer) {
        self.0[timer.index()] = None;
    }

    /// Clears every timer.
    pub(crate) fn stop_all(&mut self) {
        self.0 = [None; 6];
    }

    /// Whether `timer` is due at `t`.
    pub(crate) fn is_due(&self, timer: Timer, t: Timestamp) -> bool {
        self.get(timer).is_some_and(|d| d <= t)
    }

    /// The earliest deadline.
    pub(crate) fn earliest(&self) -> Option<Timestamp> {
        self.0.iter().flatten().min().copied()
    }

    /// Clears every deadline at or before `t`: they have been handled. At
    /// the end of time a deadline cannot move past `t`; dropping it rather
    /// than firing it again keeps every timer loop finite.
    pub(crate) fn drop_due(&mut self, t: Timestamp) {
        for d in &mut self.0 {
            if d.is_some_and(|d| d <= t) {
                *d = None;
            }
        }
    }
}

impl Serialize for TimerTable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let set = Timer::ALL.iter().filter(|t| self.is_set(**t)).count();
        let mut map = s.serialize_map(Some(set))?;
        for t in Timer::ALL {
            if let Some(at) = self.get(t) {
                map.serialize_entry(&t, &at)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TimerTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<Timer, Timestamp>::deserialize(d)?;
        let mut table = TimerTable::default();
        for (t, at) in map {
            table.set(t, at);
        }
        Ok(table)
    }
}

/// The first of `t + period`, `t + 2 * period` … that is after `until`
/// (saturating): where a periodic timer that ran late at `t` goes next, so
/// that a jump of the clock does not replay every period it passed over.
pub(crate) fn next_tick(t: Timestamp, period: Duration, until: Timestamp) -> Timestamp {
    let next = t + period;
    if next > until {
        return next;
    }
    let p = u64::try_from(period.as_millis()).unwrap_or(u64::MAX).max(1);
    let behind = until.as_millis() - t.as_millis();
    let periods = behind / p + 1;
    Timestamp::from_millis(t.as_millis().saturating_add(periods.saturating_mul(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_keeps_one_deadline_per_timer_and_reports_the_earliest() {
        let mut t = TimerTable::default();
        assert_eq!(t.earliest(), None);
        t.set(Timer::Notice, Timestamp::from_millis(30));
        t.set(Timer::Bot, Timestamp::from_millis(10));
        t.set(Timer::Bot, Timestamp::from_millis(20));
        assert_eq!(t.earliest(), Some(Timestamp::from_millis(20)));
        assert!(t.is_due(Timer::Bot, Timestamp::from_millis(20)));
        assert!(!t.is_due(Timer::Notice, Timestamp::from_millis(20)));
        t.drop_due(Timestamp::from_millis(25));
        assert_eq!(t.get(Timer::Bot), None);
        assert_eq!(t.earliest(), Some(Timestamp::from_millis(30)));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"notice":30}"#);
        assert_eq!(serde_json::from_str::<TimerTable>(&json).unwrap(), t);
    }

    #[test]
    fn next_tick_skips_the_periods_a_jump_passed_over() {
        let t = Timestamp::from_millis(1_000);
        let s = Duration::from_secs(30);
        assert_eq!(next_tick(t, s, t).as_millis(), 31_000);
        assert_eq!(
            next_tick(t, s, Timestamp::from_millis(30_999)).as_millis(),
            31_000
        );
        assert_eq!(
            next_tick(t, s, Timestamp::from_millis(31_000)).as_millis(),
            61_000
        );
        assert_eq!(
            next_tick(t, s, Timestamp::from_millis(95_000)).as_millis(),
            121_000
        );
        let end = Timestamp::from_millis(u64::MAX);
        assert_eq!(next_tick(t, s, end), end);
    }
}
