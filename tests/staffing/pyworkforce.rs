//! pyworkforce's own Erlang C staffing (`ErlangC.required_positions`,
//! pyworkforce 0.5.1) over 864 combinations of volume, handle time,
//! threshold, interval, shrinkage, maximum occupancy and target, from
//! `pyworkforce_grid.json` (regenerate it with `pyworkforce_grid.py`
//! beside this file). Agents and positions must match exactly;
//! service level, occupancy and probability of waiting to 4 decimals
//! (they agree far closer: the test prints the largest difference).
//!
//! pyworkforce takes times in minutes and computes the load as
//! `(transactions / interval) · aht`; the test passes that same float as
//! Erlangs so both sides start equal.

use serde_json::Value;
use switchboard::plan::erlang::Load;
use switchboard::plan::staffing::{Limit, ServiceTarget, Staffing};

use crate::{Worst, secs};

const GRID: &str = include_str!("pyworkforce_grid.json");

#[test]
fn every_pyworkforce_row_agrees() {
    let doc: Value = serde_json::from_str(GRID).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 864);
    let mut worst = Worst::default();
    let mut capped = 0;
    for (i, row) in rows.iter().enumerate() {
        let f = |k: &str| row[k].as_f64().unwrap();
        let load = Load::from_erlangs(f("intensity"), secs(f("aht") * 60.0)).unwrap();
        let target = ServiceTarget::from_secs(f("sl_target"), f("asa") * 60.0).unwrap();
        let s = Staffing::new(target)
            .with_max_occupancy(f("max_occupancy"))
            .unwrap()
            .with_shrinkage(f("shrinkage"))
            .unwrap()
            .solve(&load)
            .unwrap();
        let label = format!("row {i} {row}");
        assert_eq!(f64::from(s.agents), f("raw_positions"), "{label}");
        assert_eq!(f64::from(s.positions), f("positions"), "{label}");
        worst.check(
            format!("{label} service level"),
            s.service_level,
            f("service_level"),
            1e-4,
        );
        worst.check(
            format!("{label} occupancy"),
            s.occupancy,
            f("occupancy"),
            1e-4,
        );
        worst.check(
            format!("{label} P(wait)"),
            s.p_wait,
            f("waiting_probability"),
            1e-4,
        );
        capped += usize::from(s.limited_by == Limit::Occupancy);
    }
    assert!(
        capped > 50,
        "the grid exercises the occupancy cap ({capped} rows)"
    );
    println!(
        "pyworkforce grid: {} rows agree on agents and positions; {} figures, largest difference {:e}; \
         {capped} rows capped by occupancy",
        rows.len(),
        worst.checks,
        worst.diff
    );
}
