//! Live statistics, like TaskRouter's real-time statistics: who waits
//! now, for how long, who can answer, and how today is going.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::aggregate::Metrics;
use super::count::count_wait;
use super::report::{Figures, ServiceLevel};
use super::tables::Tables;
use super::tally::Tally;
use crate::assign::Presence;
use crate::engine::Switchboard;
use crate::model::{QueueId, Timestamp};

/// One queue now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LiveQueue {
    /// Conversations waiting (queued, after hours or offered).
    pub waiting: u64,
    /// The longest of their waits so far, seconds.
    pub longest_wait_s: Option<f64>,
    /// Whether the queue is within business hours (from the engine).
    pub open: Option<bool>,
    /// Available agents eligible for the queue (from the engine).
    pub eligible_agents: Option<u32>,
    /// Of those, how many could take a conversation now (from the
    /// engine).
    pub ready_agents: Option<usize>,
    /// Service level of the first waits that began today (local day of
    /// the report's time zone); waits still open count when they end.
    pub service_level_today: ServiceLevel,
    /// First waits that began today.
    pub queued_today: u64,
    /// Of those, answered.
    pub answered_today: u64,
    /// Of those, abandoned (short abandons left out when so set).
    pub abandoned_today: u64,
}

/// One agent now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LiveAgent {
    /// Their presence, when known.
    pub presence: Option<Presence>,
    /// Since when.
    pub since: Option<Timestamp>,
    /// Time available, away and busy since the aggregate began, seconds.
    pub available_s: f64,
    /// Time away.
    pub away_s: f64,
    /// Time busy (finished conversations).
    pub busy_s: f64,
    /// Conversations they have now.
    pub conversations: u64,
}

/// The live state at one instant: [`Metrics::live`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Live {
    /// The instant.
    pub at: Timestamp,
    /// Per queue.
    pub queues: BTreeMap<String, LiveQueue>,
    /// Per agent.
    pub agents: BTreeMap<String, LiveAgent>,
}

impl Metrics {
    /// The live statistics at `now` from the events seen: waiting
    /// conversations and their longest wait per queue, today's service
    /// level per queue, and each agent's presence and time in it. Add the
    /// engine's view of agents with [`Live::with_engine`].
    ///
    /// ```
    /// use switchboard::engine::{Event, EventKind};
    /// use switchboard::handoff::{Reason, State};
    /// use switchboard::metrics::{Metrics, Settings};
    /// use switchboard::{ChannelKind, ContactId, ConversationId, QueueId, Timestamp};
    ///
    /// let t = |s: u64| Timestamp::from_millis(1_767_600_000_000 + s * 1000);
    /// let mut m = Metrics::new(Settings::new());
    /// let c = ConversationId::new("c1");
    /// m.observe(&Event::new(t(0), EventKind::Started { contact: ContactId::new("u"), channel: ChannelKind::Sms }).conversation(c.clone()))?;
    /// m.observe(&Event::new(t(0), EventKind::Transition { from: None, to: State::Queued, reason: Reason::Routed })
    ///     .conversation(c).queue(QueueId::new("support")))?;
    /// let live = m.live(t(45));
    /// assert_eq!(live.queues["support"].waiting, 1);
    /// assert_eq!(live.queues["support"].longest_wait_s, Some(45.0));
    /// # Ok::<(), switchboard::metrics::MetricsError>(())
    /// ```
    pub fn live(&self, now: Timestamp) -> Live {
        let mut clock = self.clock.clone();
        let today_start = clock.day_start(now);
        let mut queues: BTreeMap<String, (LiveQueue, Tally)> = BTreeMap::new();
        for q in self.tables.queues.keys() {
            queues.entry(q.to_string()).or_default();
        }
        let mut agents: BTreeMap<String, LiveAgent> = BTreeMap::new();
        for c in self.records() {
            if let (Some(since), Some(q)) = (c.waiting_since, &c.queue) {
                let (lq, _) = queues.entry(q.to_string()).or_default();
                lq.waiting += 1;
                let w = now.saturating_duration_since(since).as_secs_f64();
                lq.longest_wait_s = Some(lq.longest_wait_s.map_or(w, |x: f64| x.max(w)));
            }
            if let Some(a) = c.holder() {
                agents.entry(a.to_string()).or_default().conversations += 1;
            }
        }
        for (q, tally) in today_waits(self, today_start) {
            queues.entry(q.to_string()).or_default().1.merge(&tally);
        }
        let queues = queues
            .into_iter()
            .map(|(q, (mut lq, t))| {
                let f = Figures::of(&t, &self.settings);
                lq.service_level_today = f.service_level;
                lq.queued_today = f.queued;
                lq.answered_today = f.answered;
                lq.abandoned_today = f.abandonment.count;
                (q, lq)
            })
            .collect();
        for (a, r) in &self.agents {
            let [avail, away, busy, _] = r.times(now);
            let row = agents.entry(a.to_string()).or_default();
            row.presence = r.current.map(|c| c.0);
            row.since = r.current.map(|c| c.1);
            row.available_s = avail as f64 / 1000.0;
            row.away_s = away as f64 / 1000.0;
            row.busy_s = busy as f64 / 1000.0;
        }
        Live {
            at: now,
            queues,
            agents,
        }
    }
}

impl Live {
    /// Adds the engine's view of each queue: whether it is open and how
    /// many eligible agents are available and ready.
    pub fn with_engine(mut self, engine: &Switchboard) -> Live {
        for q in engine.config().queues() {
            let row = self.queues.entry(q.id.to_string()).or_default();
            if let Some(stats) = engine.queue_stats(&QueueId::new(q.id.as_str())) {
                row.open = Some(stats.open);
                row.eligible_agents = Some(stats.staffed);
                row.ready_agents = Some(stats.ready);
            }
        }
        self
    }
}

/// Today's first waits per queue: those finished, and those of open
/// conversations as they stand.
fn today_waits(m: &Metrics, since: Timestamp) -> BTreeMap<QueueId, Tally> {
    let mut out: BTreeMap<QueueId, Tally> = BTreeMap::new();
    for ((_, q), tally) in m
        .tables
        .queue_intervals
        .range((since.as_millis(), QueueId::new(""))..)
    {
        out.entry(q.clone()).or_default().merge(&tally.waits_only());
    }
    let mut scratch = Tables::default();
    let mut clock = m.clock.clone();
    for c in m.records() {
        if c.wait.as_ref().is_some_and(|w| w.since >= since) {
            count_wait(c, &m.settings, &mut clock, &mut scratch);
        }
    }
    for (q, tally) in scratch.queues {
        out.entry(q).or_default().merge(&tally);
    }
    out
}
