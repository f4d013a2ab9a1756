//! Acceptance tests for the expression language, configuration and router.

mod config;
mod diagnostics;
mod operators;
mod routing;
