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

/// A time that is on or off, and how long it was on within a window.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Span {
    since: Option<u64>,
    pub(crate) ms: u64,
}

impl Span {
    /// Turns it on or off at `now`, counting the part of `[from, to)` it
    /// was on for.
    fn set(&mut self, on: bool, now: u64, from: u64, to: u64) {
        match (on, self.since) {
            (true, None) => self.since = Some(now),
            (false, Some(since)) => {
                self.since = None;
                self.ms += now.min(to).saturating_sub(since.max(from));
            }
            _ => {}
        }
    }
}

/// One agent's signed-in and busy time.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentTally {
    pub(crate) on: Span,
    pub(crate) busy: Span,
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
        if let Some(t) = self.agents.get_mut(a as usize) {
            t.on.set(on, now, from, to);
        }
    }

    /// Agent `a` starts (`busy`) or stops holding conversations at `now`.
    pub(crate) fn busy(&mut self, a: u32, busy: bool, now: u64) {
        let (from, to) = (self.from, self.to);
        if let Some(t) = self.agents.get_mut(a as usize) {
            t.busy.set(busy, now, from, to);
        }
    }

    /// Closes the spans still open at the end.
    pub(crate) fn finish(&mut self, end: u64) {
        let (from, to) = (self.from, self.to);
        for t in &mut self.agents {
            t.on.set(false, end, from, to);
            t.busy.set(false, end, from, to);
        }
    }
}
