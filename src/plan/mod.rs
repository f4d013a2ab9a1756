//! Capacity planning: how many people a team needs, how much traffic is
//! coming, and what a change would do.
//!
//! * [`erlang`] — Erlang B, C and A: the probability of waiting, service
//!   level, speed of answer, occupancy and abandonment of a queue with a
//!   given load and number of agents, computed with the numerically
//!   stable Erlang B recursion.
//! * [`staffing`] — the agents needed for a service-level target, with a
//!   maximum occupancy and shrinkage, per interval, and for chat agents
//!   who handle several conversations at once.
//! * [`forecast`] — volume per interval for the coming days from the KPI
//!   history, a seasonal model over weekday × interval chosen against the
//!   naive "same interval last week" forecast by hold-out error (WAPE).
//!
//! The queueing formulas model a queue in the abstract. The simulator
//! (`sim`, behind the default `sim` feature) runs the real
//! [`Switchboard`](crate::Switchboard) with its real configuration in
//! virtual time instead, so a what-if is the product itself under
//! synthetic load.

pub mod erlang;
pub mod forecast;
#[cfg(feature = "sim")]
pub mod sim;
pub mod staffing;
