//! Erlang A against `erlang_a_reference.json`, written by
//! `erlang_a_reference.py` beside this file with methods independent of the
//! crate's (balance equations as a linear system, `θ·E[Q]/λ`, uniformization
//! of the tagged customer's chain, its fundamental matrix), and against
//! its limits.
//!
//! Tolerances: 1e-8 absolute for probabilities and shares, 1e-8 relative
//! for times and queue lengths. The reference's dense solve is good to
//! about 1e-12 and its uniformization to 1e-13, the crate's truncation to
//! 1e-17.

use serde_json::Value;
use switchboard::plan::erlang::{ErlangError, Load};

use crate::{Worst, secs};

const REFERENCE: &str = include_str!("erlang_a_reference.json");

#[test]
fn every_reference_row_agrees() {
    let doc: Value = serde_json::from_str(REFERENCE).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    let mut worst = Worst::default();
    let mut worst_sl = Worst::default();
    for row in rows {
        let f = |k: &str| row[k].as_f64().unwrap();
        let (a, n) = (f("erlangs"), f("agents") as u32);
        let label = format!(
            "A={a} N={n} aht={} patience={}",
            f("aht_s"),
            f("patience_s")
        );
        let q = Load::from_erlangs(a, secs(f("aht_s")))
            .unwrap()
            .erlang_a(n, secs(f("patience_s")))
            .unwrap();
        worst.check(format!("{label} P(wait)"), q.p_wait(), f("p_wait"), 1e-8);
        worst.check(
            format!("{label} P(abandon)"),
            q.p_abandon(),
            f("p_abandon"),
            1e-8,
        );
        worst.check(
            format!("{label} occupancy"),
            q.occupancy(),
            f("occupancy"),
            1e-8,
        );
        let eq = f("mean_queue");
        worst.check(
            format!("{label} E[Q]"),
            q.mean_queue_length(),
            eq,
            1e-8 * eq.max(1.0),
        );
        let asa = f("asa_answered_s");
        worst.check(
            format!("{label} ASA"),
            q.asa_secs(),
            asa,
            1e-8 * asa.max(1.0),
        );
        for (t, sl) in row["service_level"].as_object().unwrap() {
            let t: f64 = t.parse().unwrap();
            worst_sl.check(
                format!("{label} SL({t} s)"),
                q.service_level(secs(t)),
                sl.as_f64().unwrap(),
                1e-8,
            );
        }
        for (t, done) in row["waited_at_most"].as_object().unwrap() {
            let t: f64 = t.parse().unwrap();
            let theirs = done.as_f64().unwrap();
            worst_sl.check(
                format!("{label} waited ≤ {t} s"),
                q.waited_at_most(secs(t)),
                theirs,
                1e-8,
            );
        }
    }
    println!(
        "Erlang A reference: {} rows, {} checks of P(wait), P(abandon), occupancy, E[Q], ASA: \
         largest difference {:e} ({}); {} service levels and shares who waited at most t: largest difference {:e} ({})",
        rows.len(),
        worst.checks,
        worst.diff,
        worst.what,
        worst_sl.checks,
        worst_sl.diff,
        worst_sl.what
    );
}

/// Ciw's discrete-event simulation (same JSON, `ciw_simulation`): within
/// four standard errors (batch means), an end-to-end check that the
/// service level is answered within the threshold ÷ all arrivals.
#[test]
fn a_simulation_agrees_within_its_error() {
    let doc: Value = serde_json::from_str(REFERENCE).unwrap();
    let rows = doc["ciw_simulation"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let mut z_max: f64 = 0.0;
    for row in rows {
        let f = |k: &str| row[k].as_f64().unwrap();
        let q = Load::from_erlangs(f("erlangs"), secs(f("aht_s")))
            .unwrap()
            .erlang_a(f("agents") as u32, secs(f("patience_s")))
            .unwrap();
        for (key, ours) in [
            ("p_wait", q.p_wait()),
            ("p_abandon", q.p_abandon()),
            ("service_level", q.service_level(secs(f("threshold_s")))),
        ] {
            let z = (ours - f(key)).abs() / f(&format!("{key}_se"));
            assert!(
                z < 4.0,
                "{row}: {key} ours {ours}, simulated {} (z = {z})",
                f(key)
            );
            z_max = z_max.max(z);
        }
    }
    println!("Erlang A against Ciw: 3 simulations, 9 figures, largest |z| = {z_max:.2}");
}

#[test]
fn patience_without_end_is_erlang_c() {
    let mut worst = Worst::default();
    for (a, n) in [(1.0, 2), (8.0, 10), (48.0, 55), (100.0, 105), (500.0, 520)] {
        let load = Load::from_erlangs(a, secs(180.0)).unwrap();
        let c = load.erlang_c(n);
        // Patience a million handle times: abandonment all but vanishes.
        let q = load.erlang_a(n, secs(180.0 * 1e6)).unwrap();
        let label = format!("A={a} N={n}");
        worst.check(format!("{label} P(wait)"), q.p_wait(), c.p_wait(), 1e-4);
        worst.check(
            format!("{label} SL"),
            q.service_level(secs(20.0)),
            c.service_level(secs(20.0)),
            1e-4,
        );
        worst.check(
            format!("{label} occupancy"),
            q.occupancy(),
            c.occupancy(),
            1e-4,
        );
        assert!(q.p_abandon() < 1e-4);
        // Erlang C's ASA counts everyone; with nobody abandoning, so does Erlang A's.
        worst.check(
            format!("{label} ASA"),
            q.asa_secs(),
            c.asa_secs(),
            1e-3 * c.asa_secs().max(1.0),
        );
        worst.check(
            format!("{label} mean wait"),
            q.mean_wait_secs(),
            c.asa_secs(),
            1e-3 * c.asa_secs().max(1.0),
        );
        // And the difference shrinks as patience grows.
        let shorter = load.erlang_a(n, secs(180.0 * 1e3)).unwrap();
        assert!((shorter.p_wait() - c.p_wait()).abs() >= (q.p_wait() - c.p_wait()).abs());
    }
    println!(
        "Erlang A → Erlang C: {} checks, largest difference {:e} ({})",
        worst.checks, worst.diff, worst.what
    );
}

#[test]
fn abandonment_balances_and_service_level_has_its_limits() {
    for (a, n, aht, patience) in [
        (10.0, 10, 180.0, 120.0),
        (300.0, 250, 300.0, 60.0),
        (1000.0, 1000, 180.0, 180.0),
        (1000.0, 900, 240.0, 600.0),
        (2.0, 5, 60.0, 1.0),
    ] {
        let q = Load::from_erlangs(a, secs(aht))
            .unwrap()
            .erlang_a(n, secs(patience))
            .unwrap();
        // Per arrival, Σ p_{N+j}(j+1)θ/(Nμ+(j+1)θ), equals θ·E[Q]/λ.
        let balance = q.mean_queue_length() * (aht / patience) / a;
        assert!(
            (q.p_abandon() - balance).abs() < 1e-10,
            "{a} {n}: {} vs {balance}",
            q.p_abandon()
        );
        // Carried load: A·(1 − P(abandon)) = N·occupancy.
        assert!((a * (1.0 - q.p_abandon()) - f64::from(n) * q.occupancy()).abs() < 1e-8 * a);
        assert!((q.service_level(secs(0.0)) - (1.0 - q.p_wait())).abs() < 1e-12);
        let forever = q.service_level(secs(1e9));
        assert!(
            (forever - (1.0 - q.p_abandon())).abs() < 1e-10,
            "{forever} vs {}",
            1.0 - q.p_abandon()
        );
        assert!((q.waited_at_most(secs(0.0)) - (1.0 - q.p_wait())).abs() < 1e-12);
        assert!((q.waited_at_most(secs(1e9)) - 1.0).abs() < 1e-10);
        for t in [5.0, 20.0, 120.0] {
            assert!(q.waited_at_most(secs(t)) >= q.service_level(secs(t)));
        }
        // Little: mean wait of all = E[Q]/λ.
        assert!((q.mean_wait_secs() - q.mean_queue_length() / a * aht).abs() < 1e-9 * aht);
    }
}

#[test]
fn fewer_agents_than_erlangs_still_settle() {
    let load = Load::from_erlangs(1000.0, secs(300.0)).unwrap();
    for n in [0, 1, 10, 500, 999, 1000] {
        let q = load.erlang_a(n, secs(60.0)).unwrap();
        for x in [
            q.p_wait(),
            q.p_abandon(),
            q.occupancy(),
            q.service_level(secs(20.0)),
        ] {
            assert!((0.0..=1.0).contains(&x), "N={n}: {x}");
        }
        assert!(q.mean_queue_length().is_finite());
    }
    let none = load.erlang_a(0, secs(60.0)).unwrap();
    assert_eq!(
        (none.p_abandon(), none.service_level(secs(20.0)), none.asa()),
        (1.0, 0.0, None)
    );
}

#[test]
fn zero_patience_is_the_loss_system() {
    let load = Load::from_erlangs(8.0, secs(180.0)).unwrap();
    let q = load.erlang_a(10, secs(0.0)).unwrap();
    let b = load.erlang_b(10);
    assert_eq!((q.p_wait(), q.p_abandon(), q.asa_secs()), (b, b, 0.0));
    assert_eq!(q.service_level(secs(20.0)), 1.0 - b);
    // Patience of a nanosecond is as good as none.
    let ns = load
        .erlang_a(10, std::time::Duration::from_nanos(1))
        .unwrap();
    assert!((ns.p_abandon() - b).abs() < 1e-6);
}

#[test]
fn an_endless_queue_is_refused_not_computed() {
    // A million Erlangs on a thousand agents with patience of a year: the
    // queue would hold billions.
    let load = Load::from_erlangs(1_000_000.0, secs(60.0)).unwrap();
    let err = load
        .erlang_a(1000, secs(3600.0 * 24.0 * 365.0))
        .unwrap_err();
    assert!(
        matches!(err, ErlangError::TooManyStates { agents: 1000, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("add agents"));
}
