//! What the aggregator refuses.

use thiserror::Error;

use crate::model::Timestamp;

/// Why [`Metrics`](super::Metrics) refused an event, a merge or a setting.
/// A refused call leaves the aggregate as it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// The event is older than the latest one seen by more than the
    /// tolerance ([`Settings::with_tolerance`](super::Settings::with_tolerance)).
    #[error(
        "event at {at} ms is {behind_ms} ms older than the latest event seen ({latest} ms), \
         beyond the tolerance of {tolerance_ms} ms: feed events in time order, or raise the tolerance"
    )]
    OutOfOrder {
        /// The event's time.
        at: Timestamp,
        /// The latest time seen before it.
        latest: Timestamp,
        /// How far behind it is.
        behind_ms: u64,
        /// The tolerance.
        tolerance_ms: u64,
    },
    /// Two aggregates counted differently and cannot be merged.
    #[error("cannot merge aggregates with different settings: {0}")]
    SettingsDiffer(String),
    /// Both aggregates saw the same conversation start.
    #[error("cannot merge: {0}")]
    Overlap(String),
    /// A setting cannot be used.
    #[error("{0}")]
    Settings(String),
    /// A line of an event log could not be read.
    #[error("line {line}: {reason}")]
    Line {
        /// The line (1-based).
        line: u64,
        /// Why.
        reason: String,
    },
}
