//! Erlang C against closed forms: M/M/1, two agents, and every number of
//! agents from 1 to 500 against the defining sum evaluated in log space
//! (no recursion shared with the crate).

use switchboard::plan::erlang::Load;

use crate::{Worst, secs};

#[test]
fn one_agent_is_mm1() {
    let mut worst = Worst::default();
    for i in 1..100 {
        let a = f64::from(i) / 100.0;
        let aht = 240.0;
        let q = Load::from_erlangs(a, secs(aht)).unwrap().erlang_c(1);
        worst.check(format!("M/M/1 C at {a}"), q.p_wait(), a, 1e-14);
        worst.check(
            format!("M/M/1 B at {a}"),
            q.erlang_b(),
            a / (1.0 + a),
            1e-15,
        );
        worst.check(
            format!("M/M/1 ASA at {a}"),
            q.asa_secs(),
            a * aht / (1.0 - a),
            1e-9 * aht / (1.0 - a),
        );
        let sl = 1.0 - a * (-(1.0 - a) * 30.0 / aht).exp();
        worst.check(
            format!("M/M/1 SL at {a}"),
            q.service_level(secs(30.0)),
            sl,
            1e-14,
        );
        worst.check(
            format!("M/M/1 Lq at {a}"),
            q.mean_queue_length(),
            a * a / (1.0 - a),
            1e-9 / (1.0 - a),
        );
    }
    println!(
        "M/M/1: {} checks, largest difference {:e} ({})",
        worst.checks, worst.diff, worst.what
    );
}

#[test]
fn two_agents_match_the_closed_form() {
    // C(2, A) = A² / (2 + A).
    let mut worst = Worst::default();
    for i in 1..200 {
        let a = f64::from(i) / 100.0;
        let q = Load::from_erlangs(a, secs(60.0)).unwrap().erlang_c(2);
        worst.check(format!("C(2, {a})"), q.p_wait(), a * a / (2.0 + a), 1e-14);
        worst.check(
            format!("B(2, {a})"),
            q.erlang_b(),
            a * a / 2.0 / (1.0 + a + a * a / 2.0),
            1e-15,
        );
    }
    println!(
        "two agents: {} checks, largest difference {:e}",
        worst.checks, worst.diff
    );
}

/// `C(N, A)` from its definition, every term in log space.
fn erlang_c_logspace(a: f64, n: u32, ln_fact: &[f64]) -> f64 {
    let nf = f64::from(n);
    let mut terms: Vec<f64> = (0..n)
        .map(|k| f64::from(k) * a.ln() - ln_fact[k as usize])
        .collect();
    let last = nf * a.ln() - ln_fact[n as usize] + (nf / (nf - a)).ln();
    terms.push(last);
    let max = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let lse = max + terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln();
    (last - lse).exp()
}

#[test]
fn agents_1_to_500_match_the_log_space_sum() {
    let mut ln_fact = vec![0.0_f64; 502];
    for k in 1..502 {
        ln_fact[k] = ln_fact[k - 1] + (k as f64).ln();
    }
    let mut worst = Worst::default();
    for n in 1..=500u32 {
        let nf = f64::from(n);
        for a in [
            0.3 * nf,
            0.7 * nf,
            0.9 * nf,
            0.99 * nf,
            nf - 0.5,
            nf - 0.01,
            0.5,
        ] {
            if a <= 0.0 || a >= nf {
                continue;
            }
            let ours = Load::from_erlangs(a, secs(180.0))
                .unwrap()
                .erlang_c(n)
                .p_wait();
            let theirs = erlang_c_logspace(a, n, &ln_fact);
            // The log-space sum loses ~1e-13 relative over 500 terms.
            worst.check(
                format!("C({n}, {a})"),
                ours,
                theirs,
                1e-11 * theirs.max(1e-300),
            );
        }
    }
    println!(
        "agents 1..500 against log-space sums: {} checks, largest difference {:e} ({})",
        worst.checks, worst.diff, worst.what
    );
}

#[test]
fn thousands_of_agents_stay_accurate() {
    // The reference's largest row, and one far past it.
    let q = Load::from_erlangs(12345.0, secs(300.0))
        .unwrap()
        .erlang_c(12421);
    assert!((q.p_wait() - 0.381_225_015_061_751_4).abs() < 1e-10);
    let q = Load::from_erlangs(1_000_000.0, secs(300.0))
        .unwrap()
        .erlang_c(1_001_000);
    assert!(q.p_wait() > 0.0 && q.p_wait() < 1.0, "{}", q.p_wait());
    assert!(q.service_level(secs(20.0)).is_finite());
    // Agents far beyond the load: Erlang B underflows to 0, nothing waits.
    let q = Load::from_erlangs(50.0, secs(300.0))
        .unwrap()
        .erlang_c(u32::MAX);
    assert_eq!(
        (q.p_wait(), q.service_level(secs(0.0)), q.asa_secs()),
        (0.0, 1.0, 0.0)
    );
}
