//! Pools: the ready agents meeting one agent-only condition, ordered by
//! one strategy.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::strategy::Strategy;
use crate::expr::Condition;

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
