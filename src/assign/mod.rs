//! The assigner's building blocks: agent capacity and queue waiting lists.
//!
//! This module owns *who the agents are and when they may take work*
//! ([`Agent`], [`AgentProfile`], [`Presence`]), *how much they can hold*
//! ([`Capacity`], [`Load`]) and *who is served next* in a queue
//! ([`WaitingList`]). Matching waiting
//! conversations to agents — strategies, offers, requeues and wait
//! estimates — builds on these.

mod agent;
mod capacity;
mod waiting;

pub use agent::{Agent, AgentError, AgentProfile, MAX_SKILL_LEVEL, Presence};

pub use capacity::{Capacity, Load};
pub use waiting::{Waiting, WaitingList};
