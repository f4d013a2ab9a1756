//! Pools: the ready agents meeting one agent-only condition, ordered by
//! one strategy; how queue steps come to share them, and moving a queue
//! to a host strategy.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::agent::AgentState;
use super::assigner::Assigner;
use super::error::AssignError;
use super::strategy::Strategy;
use crate::expr::Condition;
use crate::model::{QueueId, Timestamp};

/// The agents meeting one agent-only condition who are ready for work,
/// in the order one strategy offers them. Queue steps with the same
/// agent-only condition and strategy share a pool.
#[derive(Debug)]
pub(crate) struct Pool {
    pub(crate) strategy: Arc<dyn Strategy>,
    /// The agent-only part of the eligibility; every agent when `None`.
    pub(crate) condition: Option<Condition>,
    /// The ready members, best first.
    pub(crate) ready: ReadySet,
    /// Members signed in as available (busy or not): wait estimates.
    pub(crate) staffed: u32,
    /// The queue steps served from this pool: `(queue, tier)`.
    pub(crate) users: Vec<(u32, u8)>,
    /// Identity for sharing: strategy name and condition text.
    pub(crate) key: (String, String),
}

/// `(rank, agent, room)` packed into 12 bytes (a plain tuple pads to 16):
/// a ready set holds one entry per ready agent and pool, the assigner's
/// largest per-agent cost. `slot` is the agent's index (24 bits) and, in
/// its low 8 bits, which built-in channels the agent has room on, so that
/// a walk for a web chat skips agents with no web chat room without
/// reading their records.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(C, packed(4))]
struct Entry {
    rank: u64,
    slot: u32,
}

/// Most agents an assigner holds: agent indexes take 24 bits of a ready
/// set entry.
pub(crate) const MAX_AGENTS: usize = (1 << 24) - 512;

fn slot(agent: u32, room: u8) -> u32 {
    (agent << 8) | u32::from(room)
}

/// Ready agents ordered by `(rank, agent)`.
#[derive(Clone, Default)]
pub(crate) struct ReadySet(BTreeSet<Entry>);

impl std::fmt::Debug for ReadySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.agents()).finish()
    }
}

impl ReadySet {
    pub(crate) fn insert(&mut self, rank: u64, agent: u32, room: u8) {
        self.0.insert(Entry {
            rank,
            slot: slot(agent, room),
        });
    }

    pub(crate) fn remove(&mut self, rank: u64, agent: u32, room: u8) -> bool {
        self.0.remove(&Entry {
            rank,
            slot: slot(agent, room),
        })
    }

    pub(crate) fn contains(&self, rank: u64, agent: u32, room: u8) -> bool {
        self.0.contains(&Entry {
            rank,
            slot: slot(agent, room),
        })
    }

    /// `(agent, room)`, best first.
    pub(crate) fn agents(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        self.0.iter().map(|e| {
            let s = e.slot;
            (s >> 8, (s & 0xff) as u8)
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The key that tells a host strategy's pools from every other
/// strategy's: its name and address (two host strategies may share a
/// name, or take a built-in's).
pub(crate) fn host_key(strategy: &Arc<dyn Strategy>) -> String {
    format!("host:{}@{:p}", strategy.name(), Arc::as_ptr(strategy))
}

/// The pool of `pools` for `(strategy, condition)`, created when new,
/// with `(queue, tier)` recorded as a user. `strategy_key` identifies the
/// strategy: its name for the built-in ones, [`host_key`] for a host's.
pub(crate) fn pool_for(
    pools: &mut Vec<Pool>,
    strategy: &Arc<dyn Strategy>,
    strategy_key: String,
    condition: Option<Condition>,
    queue: u32,
    tier: u8,
) -> u32 {
    let key = (
        strategy_key,
        condition
            .as_ref()
            .map(|c| c.source().to_owned())
            .unwrap_or_default(),
    );
    if let Some(i) = pools.iter().position(|p| p.key == key) {
        pools[i].users.push((queue, tier));
        return i as u32;
    }
    pools.push(Pool {
        strategy: strategy.clone(),
        condition,
        ready: Default::default(),
        staffed: 0,
        users: vec![(queue, tier)],
        key,
    });
    (pools.len() - 1) as u32
}

/// Which built-in channels agent `st` has room on, one bit each in the
/// order of `bits`.
pub(crate) fn room_mask(bits: &[u32; 8], st: &AgentState) -> u8 {
    bits.iter()
        .enumerate()
        .filter(|(_, ch)| st.slots.fits(**ch))
        .fold(0, |m, (i, _)| m | (1 << i))
}

impl Assigner {
    /// Replaces the strategy of `queue` (all its eligibility steps), for a
    /// host-defined [`Strategy`]. Agents are re-ranked, so this is cheapest
    /// before agents are added. A queue whose configuration names a host
    /// strategy (`[strategies.<name>]`) ranks agents as `longest_idle`
    /// until one is set; the [engine](crate::engine::Switchboard::set_strategy)
    /// sets it by that name.
    ///
    /// The strategy stays with the queue across
    /// [`reconfigure`](Assigner::reconfigure) while the queue keeps its id.
    /// A [snapshot](Assigner::snapshot) cannot hold it: after
    /// [`restore`](Assigner::restore), call `set_strategy` again for each
    /// such queue, before any other call (at the snapshot's
    /// [`now`](super::AssignerSnapshot::now) or later); with a strategy that
    /// ranks as the original did, everything then happens as it would have
    /// without the snapshot.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownQueue`].
    pub fn set_strategy(
        &mut self,
        now: Timestamp,
        queue: &QueueId,
        strategy: Arc<dyn Strategy>,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let &qi = self
            .queue_index
            .get(queue)
            .ok_or_else(|| AssignError::UnknownQueue(queue.clone()))?;
        let agents = self.live_agents();
        for &a in &agents {
            self.set_membership(a, false);
        }
        for ti in 0..self.queues[qi as usize].tiers.len() {
            let old = self.queues[qi as usize].tiers[ti].pool;
            let users = &mut self.pools[old as usize].users;
            users.retain(|u| *u != (qi, ti as u8));
            let cond = self.pools[old as usize].condition.clone();
            let key = host_key(&strategy);
            let new = pool_for(&mut self.pools, &strategy, key, cond, qi, ti as u8);
            self.queues[qi as usize].tiers[ti].pool = new;
        }
        self.queues[qi as usize].host = Some(strategy);
        for &a in &agents {
            self.set_membership(a, true);
            self.refresh(a, now);
        }
        for a in agents {
            self.drain_agent(a, now);
        }
        Ok(())
    }
}
