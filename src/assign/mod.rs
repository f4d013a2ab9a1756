//! The assigner's building blocks: agent capacity and queue waiting lists.
//!
//! This module owns *who can take how much* ([`Capacity`], [`Load`]) and
//! *who is served next* in a queue ([`WaitingList`]). Matching waiting
//! conversations to agents — strategies, offers, requeues and wait
//! estimates — builds on these.

mod capacity;
mod waiting;

pub use capacity::{Capacity, Load};
pub use waiting::{Waiting, WaitingList};
