//! Acceptance tests for the expression language, configuration and router.

mod config;
mod config_input;
mod diagnostics;
mod host_strategies;
mod invitations;
mod large_rule_sets;
mod operators;
mod routing;
