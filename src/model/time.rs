//! Time as the host supplies it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// A point in time: milliseconds since the Unix epoch (UTC), supplied by the
/// host.
///
/// Nothing in this crate reads a clock. The host passes `now` with every call,
/// which is what makes the crate deterministic, replayable and testable in
/// virtual time. Arithmetic saturates instead of overflowing, so a hostile or
/// corrupt timestamp can never cause a panic.
///
/// On the wire a timestamp is a JSON integer.
///
/// # The end of time
///
/// Every clock in the crate stops at [`Timestamp::MAX`] (`u64::MAX / 2`
/// milliseconds, some 292 million years after 1970): a later `now` is taken
/// as `MAX`. Deadlines (`now` plus a duration) saturate at `u64::MAX`, so
/// they always lie strictly ahead of a clock that has stopped, and one that
/// lies past `MAX` simply never falls due. That is what lets every loop
/// that runs timers make progress whatever time a host passes in.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::Timestamp;
///
/// let sent = Timestamp::from_millis(1_700_000_000_000);
/// let later = sent + Duration::from_secs(90);
/// assert_eq!(later.as_millis(), 1_700_000_090_000);
/// assert_eq!(later.saturating_duration_since(sent), Duration::from_secs(90));
/// assert_eq!(sent.saturating_duration_since(later), Duration::ZERO);
/// assert_eq!(serde_json::to_string(&sent).unwrap(), "1700000000000");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(u64);

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// The latest time any clock in the crate reaches: `u64::MAX / 2`
    /// milliseconds. See [the end of time](Timestamp#the-end-of-time).
    pub const MAX: Timestamp = Timestamp(u64::MAX / 2);

    /// `self`, or [`Timestamp::MAX`] when later: the time a clock takes
    /// when the host passes `self`.
    ///
    /// ```
    /// use switchboard::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_millis(u64::MAX).clamped(), Timestamp::MAX);
    /// assert_eq!(Timestamp::EPOCH.clamped(), Timestamp::EPOCH);
    /// ```
    pub const fn clamped(self) -> Timestamp {
        if self.0 > Timestamp::MAX.0 {
            Timestamp::MAX
        } else {
            self
        }
    }

    /// A timestamp `ms` milliseconds after the Unix epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// The timestamp of a time the host read from its clock, to the
    /// millisecond (sub-millisecond parts are dropped). A time before the
    /// epoch gives [`Timestamp::EPOCH`]; one past [`Timestamp::MAX`] gives
    /// `MAX`, where every clock in the crate stops anyway (see [the end of
    /// time](Timestamp#the-end-of-time)). Also as
    /// `Timestamp::from(system_time)`.
    ///
    /// The crate never reads the clock itself: this only converts a time
    /// the host read, typically `SystemTime::now()` when an input arrives
    /// or a timer fires.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use switchboard::Timestamp;
    ///
    /// let read = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
    /// assert_eq!(Timestamp::from_system_time(read), Timestamp::from_millis(1_700_000_000_123));
    ///
    /// let now: Timestamp = SystemTime::now().into();
    /// assert!(now > Timestamp::from_millis(1_700_000_000_000));
    /// ```
    pub fn from_system_time(time: std::time::SystemTime) -> Timestamp {
        match time.duration_since(std::time::SystemTime::UNIX_EPOCH) {
            Ok(since) => Timestamp(u64::try_from(since.as_millis()).unwrap_or(u64::MAX)).clamped(),
            Err(_) => Timestamp::EPOCH,
        }
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at the largest representable timestamp.
    ///
    /// Sub-millisecond parts of `d` are dropped.
    pub fn saturating_add(self, d: Duration) -> Self {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Self(self.0.saturating_add(ms))
    }

    /// `self - d`, saturating at the epoch.
    pub fn saturating_sub(self, d: Duration) -> Self {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Self(self.0.saturating_sub(ms))
    }
}

impl std::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;

    /// Saturating addition; see [`Timestamp::saturating_add`].
    fn add(self, d: Duration) -> Timestamp {
        self.saturating_add(d)
    }
}

/// See [`Timestamp::from_system_time`].
impl From<std::time::SystemTime> for Timestamp {
    fn from(time: std::time::SystemTime) -> Timestamp {
        Timestamp::from_system_time(time)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// Serde for `Option<Duration>` as whole milliseconds.
pub(crate) mod opt_duration_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub(crate) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;
    use std::time::{Duration, SystemTime};

    #[test]
    fn system_time_converts_to_the_millisecond() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_999);
        assert_eq!(
            Timestamp::from(t),
            Timestamp::from_millis(1_700_000_000_123)
        );
        assert_eq!(Timestamp::from(SystemTime::UNIX_EPOCH), Timestamp::EPOCH);
    }

    #[test]
    fn system_time_before_the_epoch_saturates() {
        let before = SystemTime::UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(Timestamp::from(before), Timestamp::EPOCH);
        let just_before = SystemTime::UNIX_EPOCH - Duration::from_nanos(1);
        assert_eq!(Timestamp::from(just_before), Timestamp::EPOCH);
    }

    #[test]
    fn system_time_past_the_end_clamps() {
        let end = Duration::from_millis(Timestamp::MAX.as_millis());
        // Platforms whose SystemTime cannot reach so far have nothing to clamp.
        if let Some(at_end) = SystemTime::UNIX_EPOCH.checked_add(end) {
            assert_eq!(Timestamp::from(at_end), Timestamp::MAX);
        }
        if let Some(past) = SystemTime::UNIX_EPOCH.checked_add(end + Duration::from_secs(1)) {
            assert_eq!(Timestamp::from(past), Timestamp::MAX);
        }
        if let Some(far) = SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(u64::MAX)) {
            assert_eq!(Timestamp::from(far), Timestamp::MAX);
        }
    }
}
