//! The simulator against queueing theory, and against Ciw.
//!
//! With one queue that every customer goes to straight away, Poisson
//! arrivals, exponential handle times, one conversation per agent and
//! agents who accept at once, a run of the real engine is an M/M/c queue:
//! its mean wait and P(wait > t) must agree with Erlang C, and with
//! exponential patience its share of abandoning customers with Erlang A
//! (M/M/c+M). The theory here is computed from the closed forms in the
//! test itself (Erlang B recursion; the birth–death chain for Erlang A),
//! not by the crate. Ciw, a discrete-event simulation library
//! (`ciw_mmc.py` beside this file, its results committed in
//! `ciw_mmc.json`), ran the same queues, and is reported beside.
//!
//! These runs are statistical and simulate over a million customers, so
//! they run in release builds only:
//! `cargo test --release --test simulation_theory -- --nocapture`.

use std::time::Duration;

use switchboard::ChannelKind;
use switchboard::config::Config;
use switchboard::plan::sim::{AgentGroup, Arrivals, Dist, HandleTime, Outcome, Scenario, simulate};

const MINUTE: Duration = Duration::from_secs(60);

/// One queue, every customer sent to it by a rule.
fn config() -> Config {
    Config::from_toml_str(include_str!("../../examples/data/plan/mmc.toml")).unwrap()
}

/// λ arrivals a minute on `c` agents, handle time exponential with mean
/// one minute, `minutes` measured after a warm-up of 500.
fn scenario(lam: f64, c: u32, patience: Option<f64>, minutes: u64) -> Scenario {
    let mut s = Scenario::new(
        Duration::from_secs(minutes * 60),
        HandleTime::new(Dist::exponential(MINUTE)),
    )
    .with_warmup(500 * MINUTE)
    .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, lam * 60.0))
    .with_agents(AgentGroup::new(c));
    if let Some(p) = patience {
        s = s.with_patience(Dist::exponential(Duration::from_secs_f64(p * 60.0)));
    }
    s
}

/// Erlang C for offered load `a` on `n` agents (handle time 1): the
/// probability of waiting.
fn erlang_c(a: f64, n: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (f64::from(k) + a * b);
    }
    let n = f64::from(n);
    n * b / (n - a * (1.0 - b))
}

/// Erlang A (M/M/n+M, service rate 1, abandonment rate `theta`) from the
/// birth–death chain: the probability that an arrival abandons,
/// θ·E[queue] / λ.
fn erlang_a_abandon(lam: f64, n: u32, theta: f64) -> f64 {
    // Unnormalised state probabilities, from state 0.
    let mut p = 1.0;
    let (mut total, mut queue) = (1.0, 0.0);
    let mut k = 0u32;
    loop {
        k += 1;
        let death = f64::from(k.min(n)) + f64::from(k.saturating_sub(n)) * theta;
        p *= lam / death;
        total += p;
        queue += f64::from(k.saturating_sub(n)) * p;
        if k > n && p < 1e-18 * total {
            break;
        }
    }
    theta * queue / total / lam
}

/// What the runs over `seeds` measured, averaged over the seeds.
struct Measured {
    customers: u64,
    mean_wait_min: f64,
    p_wait: f64,
    over: Vec<f64>,
    abandoned: f64,
}

fn measure(lam: f64, c: u32, patience: Option<f64>, minutes: u64, seeds: u64) -> Measured {
    let config = config();
    let s = scenario(lam, c, patience, minutes);
    let outcomes: Vec<Outcome> = (1..=seeds)
        .map(|seed| simulate(&config, &s, seed).unwrap())
        .collect();
    let n = seeds as f64;
    let avg = |f: &dyn Fn(&Outcome) -> f64| outcomes.iter().map(f).sum::<f64>() / n;
    for o in &outcomes {
        assert_eq!(o.figures.refused, 0, "the engine refused an input");
    }
    Measured {
        customers: outcomes.iter().map(|o| o.figures.customers).sum(),
        mean_wait_min: avg(&|o| o.figures.mean_wait_s.unwrap() / 60.0),
        p_wait: avg(&|o| o.figures.p_wait.unwrap()),
        over: THRESHOLDS_S
            .iter()
            .map(|t| avg(&|o| o.wait_over(Duration::from_secs(*t)).unwrap()))
            .collect(),
        abandoned: avg(&|o| o.figures.abandoned_percent.unwrap() / 100.0),
    }
}

const THRESHOLDS_S: [u64; 3] = [10, 20, 60];

/// Ciw's runs of a case, averaged over its seeds: (mean wait in minutes,
/// P(wait > each threshold), abandoned share, customers a second).
fn ciw(case: &str) -> (f64, Vec<f64>, f64, f64) {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("ciw_mmc.json")).expect("ciw_mmc.json");
    let runs = json["cases"][case]["runs"].as_array().expect("the case");
    let n = runs.len() as f64;
    let avg = |f: &dyn Fn(&serde_json::Value) -> f64| runs.iter().map(f).sum::<f64>() / n;
    let customers: f64 = runs.iter().map(|r| r["customers"].as_f64().unwrap()).sum();
    let seconds: f64 = runs.iter().map(|r| r["seconds"].as_f64().unwrap()).sum();
    (
        avg(&|r| r["mean_wait_min"].as_f64().unwrap()),
        THRESHOLDS_S
            .iter()
            .map(|t| avg(&|r| r["p_wait_over"][format!("{t}s")].as_f64().unwrap()))
            .collect(),
        avg(&|r| r["abandoned_share"].as_f64().unwrap()),
        customers / seconds,
    )
}

/// The M/M/c checks of one case.
fn check_erlang_c(case: &str, lam: f64, c: u32, minutes: u64, seeds: u64) {
    let m = measure(lam, c, None, minutes, seeds);
    let pw = erlang_c(lam, c);
    let wq = pw / (f64::from(c) - lam);
    let (ciw_wq, ciw_over, _, _) = ciw(case);
    eprintln!(
        "{case}: {} customers; mean wait {:.4} min (Erlang C {wq:.4}, Ciw {ciw_wq:.4}); P(wait) {:.4} (Erlang C {pw:.4})",
        m.customers, m.mean_wait_min, m.p_wait
    );
    let rel = (m.mean_wait_min - wq).abs() / wq;
    assert!(
        rel < 0.03,
        "{case}: mean wait {:.4} min is {:.1} % from Erlang C's {wq:.4}",
        m.mean_wait_min,
        rel * 100.0
    );
    assert!((m.p_wait - pw).abs() < 0.01, "{case}: P(wait) {}", m.p_wait);
    for (i, t) in THRESHOLDS_S.iter().enumerate() {
        let theory = pw * (-(f64::from(c) - lam) * (*t as f64 / 60.0)).exp();
        eprintln!(
            "{case}: P(wait > {t} s) {:.4} (Erlang C {theory:.4}, Ciw {:.4})",
            m.over[i], ciw_over[i]
        );
        assert!(
            (m.over[i] - theory).abs() < 0.01,
            "{case}: P(wait > {t} s) {:.4}, Erlang C {theory:.4}",
            m.over[i]
        );
        // Ciw, on its own random numbers, lands as near.
        assert!((ciw_over[i] - theory).abs() < 0.01, "Ciw {case}");
    }
    assert!((ciw_wq - wq).abs() / wq < 0.03, "Ciw {case}: {ciw_wq}");
}

fn check_erlang_a(case: &str, lam: f64, c: u32, patience: f64, minutes: u64, seeds: u64) {
    let m = measure(lam, c, Some(patience), minutes, seeds);
    let theory = erlang_a_abandon(lam, c, 1.0 / patience);
    let (_, _, ciw_ab, _) = ciw(case);
    eprintln!(
        "{case}: {} customers; abandoned {:.4} (Erlang A {theory:.4}, Ciw {ciw_ab:.4})",
        m.customers, m.abandoned
    );
    let rel = (m.abandoned - theory).abs() / theory;
    assert!(
        rel < 0.05,
        "{case}: abandoned {:.4} is {:.1} % from Erlang A's {theory:.4}",
        m.abandoned,
        rel * 100.0
    );
    assert!(
        (ciw_ab - theory).abs() / theory < 0.05,
        "Ciw {case}: {ciw_ab}"
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "statistical: cargo test --release")]
fn two_agents_at_half_load_wait_as_erlang_c_says() {
    check_erlang_c("c2_a1", 1.0, 2, 40_000, 16);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "statistical: cargo test --release")]
fn five_agents_at_sixty_percent_wait_as_erlang_c_says() {
    check_erlang_c("c5_a3", 3.0, 5, 45_000, 6);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "statistical: cargo test --release")]
fn customers_with_patience_abandon_as_erlang_a_says_even_at_full_load() {
    check_erlang_a("c4_a4_patience2", 4.0, 4, 2.0, 10_000, 4);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "statistical: cargo test --release")]
fn an_overloaded_queue_with_patience_abandons_as_erlang_a_says() {
    check_erlang_a("c10_a9_patience5", 9.0, 10, 5.0, 10_000, 4);
}

#[test]
fn the_theory_in_this_file_matches_the_reference_rows() {
    // ../shared/reference/erlang-c.json, mmc_check_for_ciw: λ = 9, μ = 1,
    // c = 10 → P(wait) 0.668731524107697.
    assert!((erlang_c(9.0, 10) - 0.668_731_524_107_697).abs() < 1e-12);
    // A = 10, N = 14 → 0.1741319335950498 (pyworkforce's docs).
    assert!((erlang_c(10.0, 14) - 0.174_131_933_595_049_8).abs() < 1e-12);
    // Erlang A tends to Erlang C as patience grows: nobody abandons.
    assert!(erlang_a_abandon(7.0, 10, 1e-9) < 1e-6);
    // One agent, patience as long as the handle time (θ = μ = 1): the
    // chain is M/M/∞ shifted, π_k = π_0 λ^k / k!, so E[queue] =
    // λ − 1 + e^{−λ} and P(abandon) = (λ − 1 + e^{−λ}) / λ.
    let lam: f64 = 2.0;
    let closed = (lam - 1.0 + (-lam).exp()) / lam;
    assert!((erlang_a_abandon(lam, 1, 1.0) - closed).abs() < 1e-12);
}
