//! A queue at run time: its settings, eligibility steps, waiting lists,
//! business hours and service statistics.

use std::sync::Arc;
use std::time::Duration;

use super::estimate::Estimator;
use super::strategy::Strategy;
use super::waiting::WaitList;
use crate::calendar::Calendar;
use crate::expr::Condition;
use crate::model::{QueueId, Timestamp};

/// One eligibility step of a queue: the original (`tier` 0) or a
/// relaxation.
#[derive(Debug)]
pub(crate) struct Tier {
    /// Wait in the queue after which this step applies.
    pub(crate) after: Duration,
    pub(crate) pool: u32,
    /// The part of the eligibility evaluated per conversation.
    pub(crate) rest: Option<Condition>,
    pub(crate) list: WaitList,
}

/// A queue's run-time state.
#[derive(Debug)]
pub(crate) struct QueueState {
    pub(crate) id: QueueId,
    pub(crate) priority: i64,
    pub(crate) aging_ms: Option<u64>,
    pub(crate) tiers: Vec<Tier>,
    pub(crate) overflow: Option<(Duration, u32)>,
    pub(crate) max_size: Option<usize>,
    pub(crate) sla: Option<Duration>,
    pub(crate) offer_timeout: Duration,
    pub(crate) reply_timeout: Option<Duration>,
    pub(crate) offers: usize,
    pub(crate) wrap_up: Duration,
    pub(crate) calendar: Option<Calendar>,
    pub(crate) open: bool,
    /// When `open` next changes.
    pub(crate) next_change: Option<Timestamp>,
    pub(crate) estimator: Estimator,
    /// The host strategy installed with `set_strategy`, if any.
    pub(crate) host: Option<Arc<dyn Strategy>>,
}

impl QueueState {
    /// Conversations waiting, across steps.
    pub(crate) fn waiting(&self) -> usize {
        self.tiers.iter().map(|t| t.list.len()).sum()
    }

    /// The step in force after waiting since `entered`, at `now`.
    pub(crate) fn tier_at(&self, entered: Timestamp, now: Timestamp) -> u8 {
        let waited = now.saturating_duration_since(entered);
        let n = self
            .tiers
            .iter()
            .skip(1)
            .take_while(|t| t.after <= waited)
            .count();
        u8::try_from(n).unwrap_or(u8::MAX)
    }

    /// Recomputes `open` and `next_change` at `now`; returns whether `open`
    /// changed.
    pub(crate) fn update_hours(&mut self, now: Timestamp) -> bool {
        let Some(cal) = &self.calendar else {
            return false;
        };
        let open = cal.is_open(now);
        let next = if open {
            cal.next_close(now)
        } else {
            cal.next_open(now)
        };
        // A change point is always after `now`; guard against a calendar
        // that says otherwise so timers always progress.
        self.next_change = next.map(|t| t.max(now + Duration::from_millis(1)));
        let changed = open != self.open;
        self.open = open;
        changed
    }
}
