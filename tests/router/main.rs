//! Acceptance tests for the expression language, configuration and router.

mod config;
mod config_input;
mod diagnostics;
mod operators;
mod routing;
