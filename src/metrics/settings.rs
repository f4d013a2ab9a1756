//! What the aggregator counts and how: the interval, the time zone and the
//! variants of each figure.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::tz::TimeZone;

use super::MetricsError;
use crate::config::Config;
use crate::model::QueueId;

/// The length of a reporting interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Interval {
    /// 15 minutes.
    Minutes15,
    /// 30 minutes (the default, as in most workforce-management tools).
    #[default]
    Minutes30,
    /// 60 minutes.
    Minutes60,
}

impl Interval {
    /// The interval from its length in minutes (15, 30 or 60).
    ///
    /// # Errors
    ///
    /// [`MetricsError::Settings`] for any other length.
    pub fn from_minutes(minutes: u32) -> Result<Interval, MetricsError> {
        match minutes {
            15 => Ok(Interval::Minutes15),
            30 => Ok(Interval::Minutes30),
            60 => Ok(Interval::Minutes60),
            m => Err(MetricsError::Settings(format!(
                "an interval is 15, 30 or 60 minutes, not {m}"
            ))),
        }
    }

    /// Its length in minutes.
    pub fn minutes(self) -> u32 {
        match self {
            Interval::Minutes15 => 15,
            Interval::Minutes30 => 30,
            Interval::Minutes60 => 60,
        }
    }
}

/// How [`Metrics`](super::Metrics) counts. Every default follows the
/// common contact-centre convention and is named in the
/// [module docs](super).
///
/// ```
/// use std::time::Duration;
/// use switchboard::metrics::{Interval, Settings};
///
/// let s = Settings::new()
///     .with_time_zone("America/New_York")?
///     .with_interval(Interval::Minutes15)
///     .with_service_level(Duration::from_secs(30))
///     .with_short_abandon(None);
/// assert_eq!(s.service_level_threshold(), Duration::from_secs(30));
/// # Ok::<(), switchboard::metrics::MetricsError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub(crate) interval: Interval,
    pub(crate) time_zone: TimeZone,
    pub(crate) zone_name: String,
    pub(crate) service_level: Duration,
    pub(crate) short_abandon: Option<Duration>,
    pub(crate) abandon_within_met: bool,
    pub(crate) fcr_window: Duration,
    pub(crate) wrap_up: BTreeMap<QueueId, Duration>,
    pub(crate) tolerance: Duration,
    pub(crate) keep_conversations: bool,
    pub(crate) after_hours_waits: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new()
    }
}

impl Settings {
    /// The defaults: 30-minute intervals in UTC, a 20-second service-level
    /// threshold, abandons under 5 seconds excluded, abandons within the
    /// threshold not counted as met, a 7-day first-contact-resolution
    /// window, no wrap-up, no tolerance for events out of order, and no
    /// per-conversation rows kept, and time after hours not counted as
    /// waiting.
    pub fn new() -> Settings {
        Settings {
            interval: Interval::Minutes30,
            time_zone: TimeZone::UTC,
            zone_name: "UTC".into(),
            service_level: Duration::from_secs(20),
            short_abandon: Some(Duration::from_secs(5)),
            abandon_within_met: false,
            fcr_window: Duration::from_secs(7 * 86_400),
            wrap_up: BTreeMap::new(),
            tolerance: Duration::ZERO,
            keep_conversations: false,
            after_hours_waits: false,
        }
    }

    /// The reporting interval.
    pub fn with_interval(mut self, interval: Interval) -> Settings {
        self.interval = interval;
        self
    }

    /// The IANA time zone intervals, hours of the day and weekdays are read
    /// in (`"Europe/Berlin"`).
    ///
    /// # Errors
    ///
    /// [`MetricsError::Settings`] for a name the time-zone database does
    /// not know.
    pub fn with_time_zone(mut self, name: &str) -> Result<Settings, MetricsError> {
        self.time_zone = TimeZone::get(name)
            .map_err(|_| MetricsError::Settings(format!("unknown time zone {name:?}")))?;
        self.zone_name = name.to_owned();
        Ok(self)
    }

    /// The service-level threshold (default 20 s).
    pub fn with_service_level(mut self, threshold: Duration) -> Settings {
        self.service_level = threshold;
        self
    }

    /// Abandons shorter than this are left out of service level and
    /// abandonment (default 5 s); `None` counts every abandon.
    pub fn with_short_abandon(mut self, threshold: Option<Duration>) -> Settings {
        self.short_abandon = threshold;
        self
    }

    /// Counts abandons within the service-level threshold as met (Amazon
    /// Connect's variant); off by default.
    pub fn with_abandons_within_threshold_met(mut self, met: bool) -> Settings {
        self.abandon_within_met = met;
        self
    }

    /// The first-contact-resolution window (default 7 days).
    pub fn with_fcr_window(mut self, window: Duration) -> Settings {
        self.fcr_window = window;
        self
    }

    /// The wrap-up after a conversation closes in `queue`, added to handle
    /// time and to the agent's busy time. The event log does not carry it:
    /// take it from the configuration with [`Settings::with_wrap_up_from`].
    pub fn with_wrap_up(mut self, queue: QueueId, wrap_up: Duration) -> Settings {
        self.wrap_up.insert(queue, wrap_up);
        self
    }

    /// Every queue's wrap-up, as `config` sets it.
    pub fn with_wrap_up_from(mut self, config: &Config) -> Settings {
        for q in config.queues() {
            self.wrap_up.insert(q.id.clone(), q.settings.wrap_up);
        }
        self
    }

    /// How far an event may come before the latest one seen (default 0):
    /// within it the event counts where it belongs; beyond it,
    /// [`Metrics::observe`](super::Metrics::observe) refuses it.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Settings {
        self.tolerance = tolerance;
        self
    }

    /// Keeps one row per conversation for export and drill-down
    /// ([`Report::conversations`](super::Report::conversations)); off by
    /// default, as the rows grow with traffic.
    pub fn with_conversation_rows(mut self, keep: bool) -> Settings {
        self.keep_conversations = keep;
        self
    }

    /// Counts time spent `after_hours` (waiting in a closed queue) as
    /// waiting. Off by default: a first wait starts when the conversation
    /// waits in an open queue (`queued` or `offered`), as service level is
    /// a measure of business hours; a conversation that left before its
    /// queue opened has no first wait.
    pub fn with_after_hours_waits(mut self, count: bool) -> Settings {
        self.after_hours_waits = count;
        self
    }

    /// The reporting interval.
    pub fn interval(&self) -> Interval {
        self.interval
    }

    /// The time zone's name.
    pub fn time_zone(&self) -> &str {
        &self.zone_name
    }

    /// The service-level threshold.
    pub fn service_level_threshold(&self) -> Duration {
        self.service_level
    }

    /// The short-abandon threshold.
    pub fn short_abandon(&self) -> Option<Duration> {
        self.short_abandon
    }

    /// The first-contact-resolution window.
    pub fn fcr_window(&self) -> Duration {
        self.fcr_window
    }

    /// The wrap-up after a close in `queue`.
    pub fn wrap_up(&self, queue: Option<&QueueId>) -> Duration {
        queue
            .and_then(|q| self.wrap_up.get(q))
            .copied()
            .unwrap_or_default()
    }
}
