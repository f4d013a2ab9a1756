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
    /// `(rank, agent)` of the ready members, best first.
    pub(crate) ready: BTreeSet<(u64, u32)>,
    /// Members signed in as available (busy or not): wait estimates.
    pub(crate) staffed: u32,
    /// The queue steps served from this pool: `(queue, tier)`.
    pub(crate) users: Vec<(u32, u8)>,
    /// Identity for sharing: strategy name and condition text.
    pub(crate) key: (String, String),
}
