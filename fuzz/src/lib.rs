//! What the fuzz targets in `fuzz_targets/` share: [`Bytes`], the reader
//! they decode their input with, and [`start_input`], the panic hook that
//! prints a reproducer of the input being run, with helpers that print
//! values as Rust code for the reproducers; and the engine target's page
//! views and dismissals ([`visits`]).
//!
//! A library target of the fuzz crate, built once (with the same
//! instrumentation) and linked into every target.

mod bytes;
mod reproduce;
pub mod visits;

pub use bytes::{Bytes, fnv1a};
pub use reproduce::{Reproducer, bytes_code, f64_code, input_bytes, start_input, value_code};
