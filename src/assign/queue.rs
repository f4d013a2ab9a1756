//! A queue at run time: its settings, eligibility steps, waiting lists,
//! business hours and service statistics, built from the configuration.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::assigner::MAX_RELAX_STEPS;
use super::eligibility::Split;
use super::estimate::Estimator;
use super::pool::{Pool, host_key, pool_for};
use super::strategy::{self, Strategy};
use super::waiting::{MAX_AGING_MS, MAX_PRIORITY, WaitList};
use crate::calendar::Calendar;
use crate::config::{Config, QueueConfig};
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

/// The run-time queues of `config` at `now`, with empty waiting lists and
/// fresh estimators, and the pools they use (with no agents). `host` gives
/// the host strategy installed for a queue, if any.
pub(crate) fn build_queues(
    config: &Config,
    now: Timestamp,
    host: impl Fn(&QueueConfig) -> Option<Arc<dyn Strategy>>,
) -> (Vec<QueueState>, Vec<Pool>) {
    let ids: HashMap<&str, u32> = config
        .queues()
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_str(), i as u32))
        .collect();
    let mut pools = Vec::new();
    let mut queues = Vec::with_capacity(config.queues().len());
    for (qi, q) in config.queues().iter().enumerate() {
        let spec = &q.spec;
        let host = host(q);
        let (strategy, key) = match &host {
            Some(h) => (h.clone(), host_key(h)),
            None => {
                let s = strategy::configured(&q.settings.strategy, spec.skill.as_deref());
                let key = s.name().to_owned();
                (s, key)
            }
        };
        let mut steps = vec![(Duration::ZERO, q.eligible.as_ref())];
        steps.extend(
            q.relax
                .iter()
                .take(MAX_RELAX_STEPS)
                .map(|(after, c)| (*after, Some(c))),
        );
        let tiers = steps
            .into_iter()
            .enumerate()
            .map(|(ti, (after, cond))| {
                let split = Split::new(cond, config.schema());
                let pool = pool_for(
                    &mut pools,
                    &strategy,
                    key.clone(),
                    split.agent.clone(),
                    qi as u32,
                    ti as u8,
                );
                Tier {
                    after,
                    pool,
                    rest: split.rest,
                    list: WaitList::default(),
                }
            })
            .collect();
        let calendar = spec
            .calendar
            .as_deref()
            .and_then(|c| config.calendars().get(c))
            .cloned();
        let mut state = QueueState {
            id: q.id.clone(),
            priority: i64::from(spec.priority).clamp(-MAX_PRIORITY, MAX_PRIORITY),
            aging_ms: spec.aging.map(|d| {
                u64::try_from(d.as_millis())
                    .unwrap_or(u64::MAX)
                    .clamp(1, MAX_AGING_MS)
            }),
            tiers,
            overflow: spec.overflow.as_ref().and_then(|o| {
                Some((
                    o.after.max(Duration::from_millis(1)),
                    *ids.get(o.to.as_str())?,
                ))
            }),
            max_size: spec.max_size,
            sla: spec.sla,
            offer_timeout: q.settings.offer_timeout,
            reply_timeout: spec.reply_timeout.map(|d| d.max(Duration::from_millis(1))),
            offers: q.settings.offers as usize,
            wrap_up: q.settings.wrap_up,
            open: true,
            next_change: None,
            calendar,
            estimator: Estimator::default(),
            host,
        };
        state.update_hours(now);
        queues.push(state);
    }
    (queues, pools)
}
