//! Every row of `tests/data/erlang-c.json` (the project's shared Erlang C
//! reference; each row's `source` names its origin: pyworkforce
//! `rodrigo-arenas/pyworkforce@ca48925` tests and docs, other public
//! staffing modules' tests, Mathematica values of log Erlang B, and a grid
//! recomputed with exact rational arithmetic).

use serde_json::Value;
use switchboard::plan::erlang::Load;
use switchboard::plan::staffing::{ServiceTarget, Staffing};

use crate::{Worst, secs};

const REFERENCE: &str = include_str!("../data/erlang-c.json");

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// Compares one set of standard-formula figures (`recomputed_standard_formula`,
/// a grid row, the M/M/c row) with ours. Times in those rows are in units of
/// their own `aht`; ours are checked in the same unit.
fn figures(worst: &mut Worst, label: &str, a: f64, n: u32, aht_s: f64, rec: &Value) {
    let load = Load::from_erlangs(a, secs(aht_s)).unwrap();
    let q = load.erlang_c(n);
    let unit = num(rec, "aht").map_or(1.0, |aht| aht_s / aht);
    let tol = 1e-9;
    for (key, ours) in [
        ("erlang_b_blocking", q.erlang_b()),
        ("P_wait", q.p_wait()),
        ("occupancy", q.occupancy()),
        ("Lq_mean_queue_len", q.mean_queue_length()),
        ("ASA_mean_wait", q.asa_secs() / unit),
    ] {
        if let Some(theirs) = num(rec, key) {
            worst.check(
                format!("{label} {key}"),
                ours,
                theirs,
                tol * theirs.max(1.0),
            );
        }
    }
    if let (Some(t), Some(theirs)) = (num(rec, "target_t"), num(rec, "service_level_P(W<=t)")) {
        let sl = q.service_level(secs(t * unit));
        worst.check(format!("{label} service level"), sl, theirs, tol);
    }
    if let Some(theirs) = num(rec, "ln_erlang_b") {
        worst.check(
            format!("{label} ln B"),
            q.erlang_b().ln(),
            theirs,
            1e-9 * theirs.abs().max(1.0),
        );
    }
}

/// A value the source gives rounded (`…_round4`) or exactly.
fn rounded(worst: &mut Worst, label: &str, key: &str, ours: f64, theirs: f64) {
    let decimals = key
        .rsplit_once("_round")
        .and_then(|(_, d)| d.parse::<i32>().ok());
    let tol = decimals.map_or(1e-12, |d| 0.5 * 10f64.powi(-d) + 1e-12);
    worst.check(format!("{label} {key} (as published)"), ours, theirs, tol);
}

#[test]
fn every_external_reference_row_agrees() {
    let doc: Value = serde_json::from_str(REFERENCE).unwrap();
    let rows = doc["external_reference_rows"].as_array().unwrap();
    let mut worst = Worst::default();
    let mut as_published = Worst::default();
    let mut published = 0;
    for (i, row) in rows.iter().enumerate() {
        let inputs = &row["inputs"];
        let rec = &row["recomputed_standard_formula"];
        let exp = &row["expected_from_source"];
        let label = format!("row {i}");
        let aht_s = num(inputs, "aht_s")
            .or_else(|| num(inputs, "aht_min").map(|m| m * 60.0))
            .unwrap_or(180.0);

        if num(inputs, "transactions").is_some() {
            // pyworkforce: transactions per interval (minutes), times in minutes.
            let load = Load::per_interval(
                num(inputs, "transactions").unwrap(),
                secs(num(inputs, "interval_min").unwrap() * 60.0),
                secs(aht_s),
            )
            .unwrap();
            let target = ServiceTarget::from_secs(
                num(inputs, "sl_target").unwrap_or(0.8), // test_over_occupancy_erlangc asks 0.8
                num(inputs, "target_t_min").unwrap() * 60.0,
            )
            .unwrap();
            let s = Staffing::new(target)
                .with_max_occupancy(num(inputs, "max_occupancy").unwrap())
                .unwrap()
                .with_shrinkage(num(inputs, "shrinkage").unwrap())
                .unwrap()
                .solve(&load)
                .unwrap();
            assert_eq!(
                s.agents as f64,
                num(exp, "raw_positions").unwrap(),
                "{label}"
            );
            assert_eq!(
                s.positions as f64,
                num(exp, "positions_after_shrinkage").unwrap(),
                "{label}"
            );
            for (key, ours) in [
                ("service_level", s.service_level),
                ("occupancy", s.occupancy),
                ("waiting_probability", s.p_wait),
            ] {
                rounded(
                    &mut as_published,
                    &label,
                    &format!("{key}_round3"),
                    ours,
                    num(exp, key).unwrap(),
                );
            }
            published += 5;
            if let Some(full) = exp.get("docs_full_precision") {
                // The docs' example uses a threshold of 20/60 minutes.
                let load = Load::from_erlangs(10.0, secs(180.0)).unwrap();
                let q = load.erlang_c(14);
                as_published.check(
                    "docs SL",
                    q.service_level(secs(20.0)),
                    num(full, "service_level").unwrap(),
                    1e-12,
                );
                as_published.check(
                    "docs P(wait)",
                    q.p_wait(),
                    num(full, "waiting_probability").unwrap(),
                    1e-12,
                );
                as_published.check(
                    "docs occupancy",
                    q.occupancy(),
                    num(full, "occupancy").unwrap(),
                    1e-12,
                );
                published += 3;
            }
            figures(&mut worst, &label, load.erlangs(), s.agents, aht_s, rec);
            continue;
        }

        if let Some(target) = num(inputs, "target_SL") {
            // "stimulus": servers for 25 calls per 900 s, AHT 752 s, 90 % in 20 s.
            let load = Load::per_interval(
                num(inputs, "rate_per_interval").unwrap(),
                secs(num(inputs, "interval_s").unwrap()),
                secs(aht_s),
            )
            .unwrap();
            let t = num(inputs, "target_t_s").unwrap();
            let s = Staffing::new(ServiceTarget::from_secs(target, t).unwrap())
                .solve(&load)
                .unwrap();
            assert_eq!(
                s.agents as f64,
                num(exp, "required_server_count").unwrap(),
                "{label}"
            );
            for (n, key) in [(27, "SL_at_27"), (28, "SL_at_28")] {
                let sl = load.erlang_c(n).service_level(secs(t));
                worst.check(format!("{label} {key}"), sl, num(rec, key).unwrap(), 1e-9);
            }
            published += 1;
            continue;
        }

        if let Some(max) = num(inputs, "max_occupancy") {
            // optimise_occupancy: 123 Erlangs at 130 agents, capped at 85 %.
            let load = Load::from_erlangs(num(inputs, "A").unwrap(), secs(aht_s)).unwrap();
            let s = Staffing::new(ServiceTarget::from_secs(0.5, 20.0).unwrap())
                .with_max_occupancy(max)
                .unwrap()
                .solve(&load)
                .unwrap();
            assert!(load.erlang_c(130).occupancy() > max);
            assert_eq!(s.agents as f64, num(exp, "agents").unwrap(), "{label}");
            rounded(
                &mut as_published,
                &label,
                "occupancy_round4",
                s.occupancy,
                num(exp, "occupancy_round4").unwrap(),
            );
            worst.check(
                format!("{label} occ"),
                s.occupancy,
                num(rec, "occ").unwrap(),
                1e-12,
            );
            published += 2;
            continue;
        }

        let a = num(inputs, "A").unwrap();
        let n = num(inputs, "N").unwrap() as u32;
        let load = Load::from_erlangs(a, secs(aht_s)).unwrap();
        let q = load.erlang_c(n);
        if exp.is_object() {
            for (key, theirs) in exp.as_object().unwrap() {
                let Some(theirs) = theirs.as_f64() else {
                    continue;
                };
                let t = num(inputs, "target_t_s").unwrap_or(0.0);
                let ours = match key.as_str() {
                    "P_wait" | "P_wait_round4" => q.p_wait(),
                    "erlang_b_round4" => q.erlang_b(),
                    "service_level_round4" => q.service_level(secs(t)),
                    "ASA_s_round2" => q.asa_secs(),
                    "occupancy_round3" => q.occupancy(),
                    "ln_erlang_b" => q.erlang_b().ln(),
                    other => panic!("{label}: unknown published figure {other}"),
                };
                if key == "ln_erlang_b" {
                    // Published to 12 significant digits.
                    as_published.check(format!("{label} ln B (as published)"), ours, theirs, 1e-10);
                } else {
                    rounded(&mut as_published, &label, key, ours, theirs);
                }
                published += 1;
            }
            if let Some(range) = exp.get("service_level_between") {
                let t = num(inputs, "target_t_s").unwrap();
                let sl = q.service_level(secs(t));
                let (lo, hi) = (range[0].as_f64().unwrap(), range[1].as_f64().unwrap());
                assert!(
                    (lo..=hi).contains(&sl),
                    "{label}: {sl} outside [{lo}, {hi}]"
                );
                published += 1;
            }
        }
        if rec.get("P_wait") == Some(&Value::from(1.0)) && rec.get("A_erlangs").is_none() {
            assert_eq!(q.p_wait(), 1.0, "{label}: N ≤ A waits surely");
            assert_eq!(q.asa(), None);
            continue;
        }
        figures(&mut worst, &label, a, n, aht_s, rec);
    }
    println!(
        "erlang-c.json external rows: {} rows; {published} published figures ({} compared within their \
         rounding), largest difference {:e} ({}); {} full-precision recomputed figures, largest \
         difference {:e} ({})",
        rows.len(),
        as_published.checks,
        as_published.diff,
        as_published.what,
        worst.checks,
        worst.diff,
        worst.what
    );
}

#[test]
fn every_exact_grid_row_and_the_mmc_row_agree() {
    let doc: Value = serde_json::from_str(REFERENCE).unwrap();
    let rows = doc["computed_grid_AHT180s_t20s"]["rows"]
        .as_array()
        .unwrap();
    let mut worst = Worst::default();
    for (i, row) in rows.iter().enumerate() {
        let a = num(row, "A_erlangs").unwrap();
        let n = num(row, "N_agents").unwrap() as u32;
        figures(&mut worst, &format!("grid row {i}"), a, n, 180.0, row);
    }
    assert_eq!(worst.checks, rows.len() * 6);
    let mmc = &doc["mmc_check_for_ciw"];
    figures(
        &mut worst,
        "M/M/10",
        num(mmc, "A_erlangs").unwrap(),
        10,
        1.0,
        mmc,
    );
    // P(Wq > 1) = 1 − SL(1).
    let q = Load::new(9.0 * 3600.0, secs(1.0)).unwrap().erlang_c(10);
    worst.check(
        "M/M/10 P(Wq > 1)",
        q.p_wait_longer_than(secs(1.0)),
        1.0 - num(mmc, "service_level_P(W<=t)").unwrap(),
        1e-12,
    );
    println!(
        "erlang-c.json exact grid: {} rows + M/M/c, {} checks, largest difference {:e} ({})",
        rows.len(),
        worst.checks,
        worst.diff,
        worst.what
    );
}
