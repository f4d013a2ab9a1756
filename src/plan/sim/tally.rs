//! What the simulated host counts itself, besides the KPI report: every
//! customer's wait to the millisecond, and each agent's signed-in and
//! busy time, within the measured window.

use rustc_hash::FxHashMap;

use crate::model::QueueId;

/// One queue's counts.
#[derive(Clone, Debug, Default)]
pub(crate) struct QueueTally {
    pub(crate) queued: u64,
    pub(crate) answered: u64,
    pub(crate) abandoned: u64,
    /// Answered waits, ms.
    pub(crate) waits: Vec<u64>,
    /// Abandoned waits, ms.
    pub(crate) abandon_waits: Vec<u64>,
}

/// One agent's time, ms within the window.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentTally {
    pub(crate) on_since: Option<u64>,
    pub(crate) busy_since: Option<u64>,
    pub(crate) on_ms: u64,
    pub(crate) busy_ms: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct Tally {
    /// The measured window: customers who arrive in it are counted.
    pub(crate) from: u64,
    pub(crate) to: u64,
    pub(crate) customers: u64,
    pub(crate) inputs: u64,
    pub(crate) refused: u64,
    pub(crate) events: u64,
    pub(crate) queues: FxHashMap<QueueId, QueueTally>,
    pub(crate) agents: Vec<AgentTally>,
}

impl Tally {
    pub(crate) fn new(from: u64, to: u64) -> Tally {
        Tally {
            from,
            to,
            customers: 0,
            inputs: 0,
            refused: 0,
            events: 0,
            queues: FxHashMap::default(),
            agents: Vec::new(),
        }
    }

    /// The part of `[a, b)` inside the window.
    fn clip(&self, a: u64, b: u64) -> u64 {
        b.min(self.to).saturating_sub(a.max(self.from))
    }

    pub(crate) fn agent(&mut self) {
        self.agents.push(AgentTally::default());
    }

    /// A counted customer entered queue `q`.
    pub(crate) fn queue(&mut self, q: &QueueId) {
        self.queues.entry(q.clone()).or_default().queued += 1;
    }

    /// A counted customer was answered after `wait` ms in `q`.
    pub(crate) fn answer(&mut self, wait: u64, q: &QueueId) {
        let t = self.queues.entry(q.clone()).or_default();
        t.answered += 1;
        t.waits.push(wait);
    }

    /// A counted customer gave up at `now`.
    pub(crate) fn abandon(&mut self, now: u64, queued: Option<(u64, QueueId)>) {
        if let Some((at, q)) = queued {
            let t = self.queues.entry(q).or_default();
            t.abandoned += 1;
            t.abandon_waits.push(now.saturating_sub(at));
        }
    }

    /// Agent `a` signs in (`on`) or out at `now`.
    pub(crate) fn presence(&mut self, a: u32, on: bool, now: u64) {
        let (from, to) = (self.from, self.to);
        let Some(t) = self.agents.get_mut(a as usize) else {
            return;
        };
        match (on, t.on_since) {
            (true, None) => t.on_since = Some(now),
            (false, Some(since)) => {
                t.on_since = None;
                t.on_ms += now.min(to).saturating_sub(since.max(from));
            }
            _ => {}
        }
    }

    /// Agent `a` starts (`busy`) or stops holding conversations at `now`.
    pub(crate) fn busy(&mut self, a: u32, busy: bool, now: u64) {
        let (from, to) = (self.from, self.to);
        let Some(t) = self.agents.get_mut(a as usize) else {
            return;
        };
        match (busy, t.busy_since) {
            (true, None) => t.busy_since = Some(now),
            (false, Some(since)) => {
                t.busy_since = None;
                t.busy_ms += now.min(to).saturating_sub(since.max(from));
            }
            _ => {}
        }
    }

    /// Closes the spans still open at the end.
    pub(crate) fn finish(&mut self, end: u64) {
        for a in 0..self.agents.len() {
            let t = &self.agents[a];
            let (on, busy) = (t.on_since, t.busy_since);
            let on_ms = on.map_or(0, |s| self.clip(s, end));
            let busy_ms = busy.map_or(0, |s| self.clip(s, end));
            let t = &mut self.agents[a];
            t.on_ms += on_ms;
            t.busy_ms += busy_ms;
            t.on_since = None;
            t.busy_since = None;
        }
    }
}
