//! Erlang B, C and A and staffing, against published and independent
//! references.
//!
//! * `reference` — every row of `tests/data/erlang-c.json` (pyworkforce's
//!   documented results, other staffing modules' tests, Mathematica's log
//!   Erlang B, an exact-rational grid).
//! * `pyworkforce` — 864 rows of pyworkforce's own `ErlangC` staffing,
//!   produced by `pyworkforce_grid.py` beside this file.
//! * `closed_forms` — M/M/1, the two-agent closed form, and agents 1 … 500
//!   against Erlang C summed in log space.
//! * `erlang_a` — Erlang A against `erlang_a_reference.py`'s independent
//!   solution, and its limits.
//! * `rules` — the staffing rules, intervals, chat, and every error.
//! * `properties` — no input panics or gives NaN; service level grows with
//!   agents.
//!
//! Run with `--nocapture` to see the largest differences found.

mod closed_forms;
mod erlang_a;
mod properties;
mod pyworkforce;
mod reference;
mod rules;

use std::time::Duration;

/// `secs` seconds as a duration.
pub fn secs(secs: f64) -> Duration {
    Duration::from_secs_f64(secs)
}

/// The largest difference seen, and where.
#[derive(Debug, Default)]
pub struct Worst {
    /// The largest `|ours − theirs|`.
    pub diff: f64,
    /// Which figure it was.
    pub what: String,
    /// How many figures were compared.
    pub checks: usize,
}

impl Worst {
    /// Records `|ours − theirs|`, failing above `tol`.
    pub fn check(&mut self, what: impl Into<String>, ours: f64, theirs: f64, tol: f64) {
        let what = what.into();
        let d = (ours - theirs).abs();
        assert!(
            d <= tol,
            "{what}: ours {ours} vs reference {theirs} (difference {d:e}, tolerance {tol:e})"
        );
        self.checks += 1;
        if d > self.diff {
            self.diff = d;
            self.what = what;
        }
    }
}
