//! The skills and queue assigner: which agent gets which waiting
//! conversation.
//!
//! [`Assigner`] holds the agents ([`AgentProfile`], [`Presence`],
//! [`Capacity`]) and the conversations waiting in, offered from or
//! assigned through the configured queues, and decides every offer. It
//! never loses a conversation and never leaves an eligible agent idle
//! while one waits; see its docs for the guarantees and
//! [`estimate`] for how waits are estimated.
//!
//! [`Assigner::snapshot`] and [`Assigner::restore`] keep the state across
//! restarts ([`AssignerSnapshot`] has the JSON form), and
//! [`Assigner::reconfigure`] moves it to a new configuration.
//!
//! Queues come from the configuration (`[[queues]]` and `[assignment]`,
//! see [`config`](crate::config)): eligibility expressions over `agent.*`
//! and the conversation, priority and aging, relaxation steps, overflow,
//! size limit, business hours, the [`Strategy`], offer and reply
//! timeouts, multi-offer, wrap-up.

mod agent;
mod assigner;
mod capacity;
mod conversation;
pub(crate) mod eligibility;
mod error;
pub mod estimate;
mod event;
mod invariants;
mod matching;
mod pool;
mod queue;
mod reconfigure;
mod snapshot;
mod store;
mod strategy;
mod waiting;

pub use agent::{AgentError, AgentProfile, AgentView, MAX_SKILL_LEVEL, Presence};
pub use assigner::{Assigner, MAX_RELAX_STEPS, QueueStats};
pub use capacity::Capacity;
pub use conversation::{ConversationStatus, Request};
pub use error::AssignError;
pub use event::{AssignEvent, MissReason, RevokeReason, UnassignReason};
pub use snapshot::{AssignerSnapshot, RestoreError};
pub use strategy::{LeastBusy, LongestIdle, MostSkilled, RoundRobin, Strategy};
