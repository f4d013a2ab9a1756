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
//! The assigner knows a conversation only by the [`Ticket`](crate::Ticket)
//! it was enqueued under: every event, status and error names tickets, and
//! what a ticket stands for is the caller's business. The
//! [engine](crate::engine) issues its own, one per conversation and one
//! per transfer; a host using the assigner alone may use its conversation
//! ids.
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
//!
//! Agents come from the host, not from the configuration: with the
//! engine, [`Input::AgentUpsert`](crate::engine::Input::AgentUpsert) and
//! [`Input::AgentStatus`](crate::engine::Input::AgentStatus); with the
//! assigner alone, [`Assigner::upsert_agent`] and
//! [`Assigner::set_presence`]. A new agent is offline, and one with no
//! [`Capacity`] on a channel is never offered anything there: see
//! [`AgentProfile::new`].

// Files, for contributors:
//
// `Assigner` is one type; its methods are spread over the files below,
// one job each, as `impl Assigner` blocks.
//
// - `assigner.rs`: the type, its state and construction, and the
//   lookups every other file uses (by index, by id).
// - `roster.rs`: agents: add, update, remove, presence, pool
//   membership, readiness, and keeping the ready sets in step.
// - `requests.rs`: requests in and out: enqueue, finish, and placing
//   into, taking out of and putting back into the waiting lists.
// - `matching.rs`: the work-conserving rules: which agents a waiting
//   conversation goes to, which conversation a free agent takes.
// - `offers.rs`: offers and assignments: offer, accept, decline, miss,
//   revoke, unassign, releasing capacity, reply deadlines.
// - `timers.rs`: the timer set and everything that falls due: offer
//   expiry, reply and preference deadlines, relaxation and overflow,
//   offline grace, wrap-up and fairness windows, business hours.
// - `queries.rs`: read-only answers: a conversation's status, agents,
//   waiting lists, `QueueStats`.
// - `reconfigure.rs`: moving to a new configuration.
// - `snapshot.rs`: `AssignerSnapshot`, snapshot and restore;
//   `records.rs`: the records a snapshot is made of.
// - `invariants.rs`: the full consistency check.
// - The parts the assigner is built from: `agent.rs` (`AgentProfile`,
//   `Presence`, an agent's state), `capacity.rs` (`Capacity` and the
//   slots it becomes), `conversation.rs` (`Request`,
//   `ConversationStatus`, a conversation's record), `queue.rs` (a
//   queue at run time, built from the configuration), `pool.rs` (ready
//   sets of agents shared by queue steps; host strategies),
//   `waiting.rs` (waiting lists and service order), `strategy.rs`
//   (`Strategy` and the built-in ones), `eligibility.rs` (splitting
//   an eligibility into its agent-only part and the rest),
//   `estimate.rs` (wait estimates), `store.rs` (slabs and id tables),
//   `event.rs` (`AssignEvent`) and `error.rs` (`AssignError`).

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
mod offers;
mod pool;
mod queries;
mod queue;
mod reconfigure;
mod records;
mod requests;
mod roster;
mod snapshot;
mod store;
mod strategy;
mod timers;
mod waiting;

pub use agent::{AgentError, AgentProfile, AgentView, MAX_SKILL_LEVEL, Presence};
pub use assigner::{Assigner, MAX_RELAX_STEPS};
pub use capacity::Capacity;
pub use conversation::{ConversationStatus, Request};
pub use error::AssignError;
pub use event::{AssignEvent, MissReason, RevokeReason, UnassignReason};
pub use queries::QueueStats;
pub use snapshot::{AssignerSnapshot, RestoreError};
pub use strategy::{
    LeastBusy, LongestIdle, MostSkilled, RoundRobin, Strategy, StrategyFn, strategy_fn,
};
