//! Fuzzes the what-if simulator (`switchboard::plan::sim`): any scenario
//! written in TOML, run through the real engine.
//!
//! The input, when it is valid UTF-8, is the scenario's TOML (inputs over
//! 64 KiB are skipped). When `Scenario::from_toml_str` reads it, it runs
//! with one of two configurations, picked by the input's hash (which
//! also seeds the run): `examples/data/plan/mmc.toml` (one queue, every
//! customer sent to it) or `examples/data/plan/shop.toml` (a bot, rules
//! to three queues, a calendar, overflow, wrap-up).
//!
//! A scenario small enough (at most a week of virtual time, about 1 200
//! arrivals expected, 50 agents) runs as written. A larger one runs
//! bounded: two hours of virtual time at most (the warm-up one of them),
//! its arrival rates scaled down to 600 an hour together, its agent
//! groups cut to 50 agents together. Only values the crate accepts are
//! bounded, so a scenario the crate refuses stays refused; and when the
//! bounded scenario is refused, the written one must be refused with the
//! same error (before anything runs, so that is quick).
//!
//! Checks that:
//!
//! * nothing panics and every run ends;
//! * `simulate` returns a typed `SimError`, or an `Outcome` whose figures
//!   are finite and in range: mean waits at least 0, `p_wait` and
//!   occupancies in [0, 1], percentages in [0, 100], `wait_over(t)` in
//!   [0, 1]; per queue and per agent group too;
//! * the engine refused none of the host's inputs (`refused == 0`);
//! * customers are conserved: `queued <= customers`, and
//!   `answered + abandoned + waiting_at_end == queued` (overall and per
//!   queue, where nobody is left waiting to count);
//! * the same seed gives an equal `Outcome` twice (which also means no
//!   NaN anywhere in it, the KPI report included: NaN is unequal to
//!   itself).
//!
//! On a failure the harness prints a test to paste: the configuration,
//! the scenario's TOML, the bounds applied to it and the seed.
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run scenario -- -max_total_time=60`; reproduce a
//! crash with `cargo +nightly fuzz run scenario fuzz/artifacts/scenario/<file>`.
//! Seeds help it a lot: any scenario TOML (`examples/data/plan/*-scenario.toml`)
//! copied into `fuzz/corpus/scenario/`.

#![no_main]

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use switchboard::config::Config;
use switchboard::plan::sim::{MAX_AGENTS, MAX_DURATION, MAX_RATE, Outcome, Scenario, simulate};
use switchboard_fuzz::{f64_code, fnv1a, start_input};

const MAX_INPUT: usize = 64 * 1024;
const HOUR: Duration = Duration::from_secs(3_600);

/// A bounded run's virtual time, warm-up included, and its warm-up.
const RUN: Duration = Duration::from_secs(2 * 3_600);
const WARMUP: Duration = HOUR;
/// A bounded run's arrivals per hour, all streams together, and agents.
const PER_HOUR: f64 = 600.0;
const AGENTS: u32 = 50;

/// Most a scenario may be to run as written: virtual time, arrivals
/// expected (peak rates × time), agents.
const SMALL_RUN: Duration = Duration::from_secs(7 * 24 * 3_600);
const SMALL_ARRIVALS: f64 = 1_200.0;

/// The two configurations, by file name.
const CONFIGS: [(&str, &str); 2] = [
    (
        "mmc.toml",
        include_str!("../../examples/data/plan/mmc.toml"),
    ),
    (
        "shop.toml",
        include_str!("../../examples/data/plan/shop.toml"),
    ),
];

thread_local! {
    /// How the input being run was run, once known: what the panic hook
    /// prints after the scenario.
    static RUN_CODE: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn configs() -> &'static [Config; 2] {
    static C: OnceLock<[Config; 2]> = OnceLock::new();
    C.get_or_init(|| CONFIGS.map(|(_, toml)| Config::from_toml_str(toml).unwrap()))
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    start_input("scenario", data, reproducer);
    RUN_CODE.with(|c| *c.borrow_mut() = None);
    let Ok(written) = Scenario::from_toml_str(text) else {
        return;
    };
    let seed = fnv1a(data);
    let which = (seed & 1) as usize;
    let config = &configs()[which];

    let (scenario, edits) = if is_small(&written) {
        (written.clone(), Vec::new())
    } else {
        bounded(&written)
    };
    RUN_CODE.with(|c| *c.borrow_mut() = Some(run_code(CONFIGS[which].0, &edits, seed)));

    let first = simulate(config, &scenario, seed);
    let outcome = match first {
        Err(e) => {
            if !edits.is_empty() {
                // Bounded, it is refused: as written, it must be refused
                // the same (and nothing runs).
                assert_eq!(simulate(config, &written, seed), Err(e));
            }
            return;
        }
        Ok(o) => o,
    };
    check(&outcome);
    let again = simulate(config, &scenario, seed).expect("the same scenario ran once");
    assert!(
        outcome == again,
        "two runs with seed {seed} differ{}",
        if has_nan(&outcome) {
            " (a NaN in the outcome, which is unequal to itself)"
        } else {
            ""
        }
    );
});

/// Whether some figure of `o` is NaN: then `o` is unequal to a copy of
/// itself.
fn has_nan(o: &Outcome) -> bool {
    *o != o.clone()
}

/// Whether `s` is small enough to run as written.
fn is_small(s: &Scenario) -> bool {
    let run = s.duration.saturating_add(s.warmup);
    let peaks: f64 = s
        .arrivals
        .iter()
        .flat_map(|a| a.per_hour.iter().chain(&a.rates).copied().fold(None, max))
        .filter(|r| r.is_finite())
        .sum();
    let agents: u64 = s.agents.iter().map(|g| u64::from(g.count)).sum();
    run <= SMALL_RUN
        && peaks * run.as_secs_f64() / 3_600.0 <= SMALL_ARRIVALS
        && agents <= u64::from(AGENTS)
}

fn max(m: Option<f64>, r: f64) -> Option<f64> {
    Some(m.map_or(r, |m| m.max(r)))
}

fn valid_rate(r: f64) -> bool {
    r.is_finite() && (0.0..=MAX_RATE).contains(&r)
}

/// `s` bounded as the [module docs](self) say, and the edits made, as
/// Rust statements on a `scenario`.
fn bounded(s: &Scenario) -> (Scenario, Vec<String>) {
    let mut b = s.clone();
    let mut edits = Vec::new();
    if s.duration.saturating_add(s.warmup) <= MAX_DURATION && s.duration + s.warmup > RUN {
        b.warmup = s.warmup.min(WARMUP);
        b.duration = s.duration.min(RUN - b.warmup);
        edits.push(format!(
            "scenario.warmup = Duration::from_nanos({});",
            b.warmup.as_nanos()
        ));
        edits.push(format!(
            "scenario.duration = Duration::from_nanos({});",
            b.duration.as_nanos()
        ));
    }
    // Every valid rate scaled by one factor, so that the streams' peaks
    // add up to at most PER_HOUR (and a stream with a rate stays with one).
    let peaks: f64 = s
        .arrivals
        .iter()
        .flat_map(|a| {
            a.per_hour
                .iter()
                .chain(&a.rates)
                .copied()
                .filter(|r| valid_rate(*r))
                .fold(None, max)
        })
        .sum();
    if peaks > PER_HOUR {
        let factor = PER_HOUR / peaks;
        for (i, a) in b.arrivals.iter_mut().enumerate() {
            let scale = |r: &mut f64| {
                if valid_rate(*r) {
                    *r *= factor;
                }
            };
            if let Some(r) = &mut a.per_hour {
                scale(r);
                edits.push(format!(
                    "scenario.arrivals[{i}].per_hour = Some({});",
                    f64_code(*r)
                ));
            }
            if !a.rates.is_empty() {
                a.rates.iter_mut().for_each(scale);
                let rates: Vec<String> = a.rates.iter().map(|r| f64_code(*r)).collect();
                edits.push(format!(
                    "scenario.arrivals[{i}].rates = vec![{}];",
                    rates.join(", ")
                ));
            }
        }
    }
    let agents: u64 = s.agents.iter().map(|g| u64::from(g.count)).sum();
    if agents <= u64::from(MAX_AGENTS) && agents > u64::from(AGENTS) {
        let mut left = AGENTS;
        for (i, g) in b.agents.iter_mut().enumerate() {
            if g.count > left {
                g.count = left;
                edits.push(format!("scenario.agents[{i}].count = {left};"));
            }
            left -= g.count;
        }
    }
    (b, edits)
}

/// Checks an outcome's figures, as the [module docs](self) list them.
fn check(o: &Outcome) {
    let f = &o.figures;
    let unit = |x: Option<f64>| x.is_none_or(|x| (0.0..=1.0).contains(&x));
    let percent = |x: Option<f64>| x.is_none_or(|x| (0.0..=100.0).contains(&x));
    let secs = |x: Option<f64>| x.is_none_or(|x| x.is_finite() && x >= 0.0);
    assert!(secs(f.mean_wait_s), "mean_wait_s {:?}", f.mean_wait_s);
    assert!(unit(f.p_wait), "p_wait {:?}", f.p_wait);
    assert!(unit(f.occupancy), "occupancy {:?}", f.occupancy);
    assert!(percent(f.service_level_percent), "{f:?}");
    assert!(percent(f.abandoned_percent), "{f:?}");
    assert_eq!(f.refused, 0, "the engine refused host inputs: {f:?}");
    assert!(f.queued <= f.customers, "{f:?}");
    assert_eq!(
        f.answered + f.abandoned + f.waiting_at_end,
        f.queued,
        "{f:?}"
    );
    for t in [0, 1, 20_000, 3_600_000, u64::MAX] {
        assert!(unit(o.wait_over(Duration::from_millis(t))));
    }
    let (mut queued, mut answered, mut abandoned) = (0, 0, 0);
    for (name, q) in &o.queues {
        assert!(q.answered + q.abandoned <= q.queued, "{name}: {q:?}");
        assert!(secs(q.asa_s), "{name}: {q:?}");
        assert!(percent(q.service_level_percent), "{name}: {q:?}");
        assert!(percent(q.abandoned_percent), "{name}: {q:?}");
        let finite = [q.per_hour, q.handle_time_s, q.offered_erlangs];
        assert!(
            finite.iter().all(|x| x.is_finite() && *x >= 0.0),
            "{name}: {q:?}"
        );
        queued += q.queued;
        answered += q.answered;
        abandoned += q.abandoned;
    }
    assert_eq!(
        (queued, answered, abandoned),
        (f.queued, f.answered, f.abandoned)
    );
    for (name, g) in &o.groups {
        assert!(unit(g.occupancy), "{name}: {g:?}");
        assert!(
            g.signed_in_h.is_finite() && g.signed_in_h >= 0.0,
            "{name}: {g:?}"
        );
    }
}

/// The statements after the scenario in the reproducer: the
/// configuration, the bounds, the seed and the checks.
fn run_code(config: &str, edits: &[String], seed: u64) -> String {
    let mut code = format!(
        "    let config = Config::from_toml_str(include_str!(\
         \"../examples/data/plan/{config}\")).unwrap();\n"
    );
    for e in edits {
        code.push_str(&format!("    {e}\n"));
    }
    code.push_str(&format!(
        "    let outcome = simulate(&config, &scenario, {seed});\n    \
         println!(\"{{outcome:#?}}\");\n"
    ));
    code
}

/// The panic hook's reproducer: a test that reads the scenario and runs
/// it as the target did, once that is known.
fn reproducer(input: &[u8]) -> Option<String> {
    let src = std::str::from_utf8(input).ok()?;
    let run = RUN_CODE
        .try_with(|c| c.try_borrow().ok()?.clone())
        .ok()
        .flatten()
        .unwrap_or_default();
    Some(format!(
        "#[test]\n\
         #[allow(unused_imports, unused_mut)]\n\
         fn scenario_fuzz_case() {{\n    \
             use std::time::Duration;\n    \
             use switchboard::config::Config;\n    \
             use switchboard::plan::sim::{{Scenario, simulate}};\n\n    \
             let mut scenario = Scenario::from_toml_str({src:?}).unwrap();\n\
             {run}\
         }}"
    ))
}
