//! No input panics, loops without end or yields NaN (loads per hour, per
//! interval and scaled; Erlang B, C and A; staffing one load and every
//! interval); service level grows with agents.

use std::time::Duration;

use proptest::prelude::*;
use switchboard::plan::erlang::Load;
use switchboard::plan::staffing::{ServiceTarget, Staffing};

/// Any `f64`, weighted towards the awkward ones.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
        Just(f64::MAX),
        Just(1.0),
        -1e6..1e6f64,
        0.0..1.0f64,
        any::<f64>(),
    ]
}

/// Any duration, from none to the largest.
fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        Just(Duration::from_nanos(1)),
        (0u64..100_000).prop_map(Duration::from_secs),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

/// Any number of agents, weighted towards the interesting range.
fn any_agents() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), Just(u32::MAX), 0u32..2000, any::<u32>()]
}

fn unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn erlang_b_and_c_never_panic_nor_give_nan(
        rate in any_f64(), erlangs in any_f64(), aht in any_duration(), n in any_agents(), t in any_duration()
    ) {
        for load in [Load::new(rate, aht), Load::from_erlangs(erlangs, aht)].into_iter().flatten() {
            prop_assert!(load.erlangs().is_finite() && load.erlangs() >= 0.0);
            let q = load.erlang_c(n);
            prop_assert!(unit(q.erlang_b()) && unit(q.p_wait()) && unit(q.occupancy()));
            prop_assert!(unit(q.service_level(t)) && unit(q.p_wait_longer_than(t)));
            prop_assert!(!q.asa_secs().is_nan() && q.asa_secs() >= 0.0);
            prop_assert!(!q.mean_queue_length().is_nan() && q.mean_queue_length() >= 0.0);
            prop_assert_eq!(q.asa().is_none(), q.asa_secs().is_infinite());
        }
    }

    #[test]
    fn erlang_a_never_panics_nor_gives_nan(
        erlangs in prop_oneof![0.0..2000.0f64, any_f64()], aht in any_duration(), n in any_agents(),
        patience in any_duration(), t in any_duration()
    ) {
        let Ok(load) = Load::from_erlangs(erlangs, aht) else { return Ok(()) };
        // An error (too many states) is an answer; a panic or NaN is not.
        if let Ok(q) = load.erlang_a(n, patience) {
            prop_assert!(unit(q.p_wait()) && unit(q.p_abandon()) && unit(q.occupancy()));
            prop_assert!(unit(q.service_level(t)) && unit(q.waited_at_most(t)));
            prop_assert!(!q.asa_secs().is_nan() && q.asa_secs() >= 0.0);
            prop_assert!(!q.mean_wait_secs().is_nan() && !q.mean_queue_length().is_nan());
        }
    }

    #[test]
    fn staffing_never_panics_nor_gives_nan(
        rate in any_f64(), aht in any_duration(), level in any_f64(), within in any_f64(),
        occ in any_f64(), shrink in any_f64(), patience in proptest::option::of(any_duration()),
        k in 0u32..200, slow in any_f64(), text in ".{0,12}"
    ) {
        let _ = text.parse::<ServiceTarget>();
        let Ok(load) = Load::new(rate, aht) else { return Ok(()) };
        let Ok(target) = ServiceTarget::from_secs(level, within) else { return Ok(()) };
        let mut plan = Staffing::new(target);
        if let Ok(p) = plan.with_max_occupancy(occ) { plan = p }
        if let Ok(p) = plan.with_shrinkage(shrink) { plan = p }
        if let Ok(p) = plan.with_concurrency(k, slow) { plan = p }
        if let Some(p) = patience { plan = plan.with_patience(p) }
        if let Ok(s) = plan.solve(&load) {
            prop_assert!(s.positions >= s.agents && s.servers >= s.agents);
            prop_assert!(unit(s.service_level) && unit(s.p_wait) && unit(s.occupancy) && unit(s.p_abandon));
            prop_assert!(s.asa.is_finite() && s.asa >= 0.0, "{:?}", s);
            prop_assert!(s.agents == 0 || s.service_level >= target.level(), "{:?}", s);
        }
    }

    #[test]
    fn service_level_grows_with_agents(
        erlangs in 0.01..300.0f64, aht in 10u64..1200, t in 0u64..600, patience in 1u64..3600
    ) {
        let load = Load::from_erlangs(erlangs, Duration::from_secs(aht)).unwrap();
        let t = Duration::from_secs(t);
        let top = (erlangs * 1.3 + 10.0) as u32;
        let mut last_c = 0.0;
        let mut last_a = 0.0;
        for n in 0..=top {
            let c = load.erlang_c(n).service_level(t);
            prop_assert!(c >= last_c, "Erlang C, N={}: {} < {}", n, c, last_c);
            last_c = c;
            let a = load.erlang_a(n, Duration::from_secs(patience)).unwrap().service_level(t);
            prop_assert!(a >= last_a - 1e-12, "Erlang A, N={}: {} < {}", n, a, last_a);
            last_a = a;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn loads_per_interval_and_scaled_never_panic_nor_give_nan(
        count in any_f64(), interval in any_duration(), aht in any_duration(),
        factor in any_f64(), n in any_agents()
    ) {
        let Ok(load) = Load::per_interval(count, interval, aht) else { return Ok(()) };
        for load in [Ok(load), load.with_aht_scaled(factor)].into_iter().flatten() {
            prop_assert!(load.erlangs().is_finite() && load.erlangs() >= 0.0, "{:?}", load);
            prop_assert!(load.per_hour().is_finite() && load.per_hour() >= 0.0, "{:?}", load);
            prop_assert!(!load.aht().is_zero());
            prop_assert!(unit(load.erlang_b(n)));
            let q = load.erlang_c(n);
            prop_assert_eq!((q.agents(), q.erlangs()), (n, load.erlangs()));
            prop_assert_eq!(q.erlang_b(), load.erlang_b(n));
            prop_assert_eq!(q.asa().is_some(), q.is_stable());
        }
    }

    #[test]
    fn staffing_every_interval_never_panics_nor_gives_nan(
        loads in prop::collection::vec((any_f64(), any_duration()), 0..6),
        level in 0.0..=1.0f64, within in 0.0..3600.0f64, patience in proptest::option::of(any_duration()),
    ) {
        let loads: Vec<Load> = loads.into_iter().filter_map(|(r, aht)| Load::new(r, aht).ok()).collect();
        let Ok(target) = ServiceTarget::from_secs(level, within) else { return Ok(()) };
        let mut plan = Staffing::new(target);
        if let Some(p) = patience { plan = plan.with_patience(p) }
        match plan.solve_intervals(&loads) {
            Ok(all) => {
                prop_assert_eq!(all.len(), loads.len());
                for s in &all {
                    prop_assert!(unit(s.service_level) && unit(s.p_wait) && unit(s.occupancy));
                    prop_assert!(s.asa.is_finite() && s.asa >= 0.0, "{:?}", s);
                }
            }
            // The first interval that fails is named, and fails alone.
            Err(switchboard::plan::staffing::StaffingError::Interval { index, .. }) => {
                prop_assert!(plan.solve(&loads[index]).is_err());
                prop_assert!(loads[..index].iter().all(|l| plan.solve(l).is_ok()));
            }
            Err(e) => prop_assert!(false, "not an interval's error: {}", e),
        }
    }
}
