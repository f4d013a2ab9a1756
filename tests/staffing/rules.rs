//! The staffing rules: occupancy, shrinkage, intervals, chat, Erlang A,
//! and every refusal.

use std::time::Duration;

use switchboard::plan::erlang::{ErlangError, Load};
use switchboard::plan::staffing::{
    Limit, MAX_SERVERS, ServiceTarget, Staffed, Staffing, StaffingError,
};

use crate::secs;

fn target(s: &str) -> ServiceTarget {
    s.parse().unwrap()
}

#[test]
fn the_answer_is_the_fewest_agents_that_meet_the_target() {
    for (per_hour, aht, t) in [
        (200.0, 180.0, "80/20"),
        (35.0, 600.0, "90/30"),
        (5000.0, 240.0, "95/10"),
    ] {
        let load = Load::new(per_hour, secs(aht)).unwrap();
        let tgt = target(t);
        let s = Staffing::new(tgt).solve(&load).unwrap();
        assert!(s.service_level >= tgt.level());
        let fewer = load.erlang_c(s.agents - 1);
        assert!(!fewer.is_stable() || fewer.service_level(tgt.within()) < tgt.level());
        assert_eq!(
            (s.limited_by, s.servers, s.p_abandon),
            (Limit::ServiceLevel, s.agents, 0.0)
        );
    }
}

#[test]
fn occupancy_cap_and_shrinkage() {
    // 10 Erlangs: 14 agents meet 80/20 at 71 % occupancy; a 70 % cap needs 15.
    let load = Load::new(200.0, secs(180.0)).unwrap();
    let capped = Staffing::new(target("80/20"))
        .with_max_occupancy(0.7)
        .unwrap();
    let s = capped.solve(&load).unwrap();
    assert_eq!((s.agents, s.limited_by), (15, Limit::Occupancy));
    assert!(s.occupancy <= 0.7);
    let s = capped.with_shrinkage(0.3).unwrap().solve(&load).unwrap();
    assert_eq!((s.agents, s.positions), (15, 22));
    // An exact ratio is not rounded up: 10 / 0.8 = 12.5 → 13, 8 / 0.8 = 10 → 10.
    let eight = Load::from_erlangs(8.0, secs(180.0)).unwrap();
    let s = Staffing::new(target("50/20"))
        .with_max_occupancy(0.8)
        .unwrap()
        .solve(&eight)
        .unwrap();
    assert_eq!(s.agents, 10);
}

#[test]
fn a_day_of_intervals_and_the_interval_that_fails() {
    let aht = secs(300.0);
    let day: Vec<Load> = [0.0, 12.0, 60.0, 240.0, 30.0]
        .iter()
        .map(|&n| Load::per_interval(n, Duration::from_secs(1800), aht).unwrap())
        .collect();
    let plan = Staffing::new(target("80/20")).with_shrinkage(0.25).unwrap();
    let staffed = plan.solve_intervals(&day).unwrap();
    assert_eq!(staffed.len(), 5);
    assert_eq!(
        (
            staffed[0].agents,
            staffed[0].positions,
            staffed[0].limited_by
        ),
        (0, 0, Limit::NoLoad)
    );
    for (s, load) in staffed.iter().zip(&day) {
        assert_eq!(*s, plan.solve(load).unwrap());
    }
    let agents: Vec<u32> = staffed.iter().map(|s| s.agents).collect();
    assert!(agents[3] > agents[2] && agents[2] > agents[4] && agents[4] > agents[1]);

    let mut bad = day.clone();
    bad[2] = Load::from_erlangs(9_000_000.0, aht).unwrap();
    let err = plan.solve_intervals(&bad).unwrap_err();
    assert!(
        matches!(&err, StaffingError::Interval { index: 2, source } if matches!(**source, StaffingError::Unreachable { .. })),
        "{err}"
    );
    assert!(err.to_string().starts_with("interval 2: "), "{err}");
}

#[test]
fn chat_agents_count_as_several_servers() {
    let load = Load::new(90.0, secs(600.0)).unwrap(); // 15 Erlangs at concurrency
    let one = Staffing::new(target("80/60")).solve(&load).unwrap();
    let three = Staffing::new(target("80/60"))
        .with_concurrency(3, 1.0)
        .unwrap()
        .solve(&load)
        .unwrap();
    assert_eq!(three.agents, one.agents.div_ceil(3));
    assert_eq!(three.servers, three.agents * 3);
    assert!(three.service_level >= one.service_level);
    // Slower at three at once: 30 % longer each, 19.5 Erlangs.
    let slow = Staffing::new(target("80/60"))
        .with_concurrency(3, 1.3)
        .unwrap()
        .solve(&load)
        .unwrap();
    assert!((slow.erlangs - 19.5).abs() < 1e-9);
    assert!(slow.agents >= three.agents);
    assert!((slow.occupancy - 19.5 / f64::from(slow.servers)).abs() < 1e-12);
}

#[test]
fn patience_uses_erlang_a() {
    let load = Load::new(200.0, secs(180.0)).unwrap();
    let c = Staffing::new(target("80/20")).solve(&load).unwrap();
    let a = Staffing::new(target("80/20"))
        .with_patience(secs(120.0))
        .solve(&load)
        .unwrap();
    assert!(a.agents <= c.agents, "{} vs {}", a.agents, c.agents);
    assert!(a.p_abandon > 0.0 && a.service_level >= 0.8);
    let q = load.erlang_a(a.agents - 1, secs(120.0)).unwrap();
    assert!(q.service_level(secs(20.0)) < 0.8, "the fewest");
    // With patience, a heavy load may need fewer agents than Erlangs.
    let heavy = Load::from_erlangs(100.0, secs(300.0)).unwrap();
    let s = Staffing::new(target("30/20"))
        .with_patience(secs(30.0))
        .solve(&heavy)
        .unwrap();
    assert!(s.agents < 100, "{}", s.agents);
    // An occupancy cap with patience.
    let capped = Staffing::new(target("30/20"))
        .with_patience(secs(30.0))
        .with_max_occupancy(0.8)
        .unwrap()
        .solve(&heavy)
        .unwrap();
    assert!(capped.occupancy <= 0.8 && capped.limited_by == Limit::Occupancy);
    let q = heavy.erlang_a(capped.agents - 1, secs(30.0)).unwrap();
    assert!(q.occupancy() > 0.8, "the fewest");
}

#[test]
fn staffed_serializes_with_seconds_named() {
    let s = Staffing::new(target("80/20"))
        .solve(&Load::new(200.0, secs(180.0)).unwrap())
        .unwrap();
    let v = serde_json::to_value(s).unwrap();
    for key in [
        "agents",
        "positions",
        "servers",
        "service_level",
        "p_wait",
        "asa_s",
        "occupancy",
        "p_abandon",
        "erlangs",
    ] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }
    assert_eq!(v["limited_by"], "service_level");
}

#[test]
fn every_bad_input_is_a_typed_error() {
    let aht = secs(180.0);
    assert_eq!(Load::new(-1.0, aht), Err(ErlangError::Rate(-1.0)));
    assert!(matches!(
        Load::new(f64::NAN, aht),
        Err(ErlangError::Rate(_))
    ));
    assert!(matches!(
        Load::new(f64::INFINITY, aht),
        Err(ErlangError::Rate(_))
    ));
    assert_eq!(
        Load::new(10.0, Duration::ZERO),
        Err(ErlangError::HandleTime)
    );
    assert_eq!(
        Load::per_interval(10.0, Duration::ZERO, aht),
        Err(ErlangError::Interval)
    );
    assert!(matches!(Load::new(1e12, aht), Err(ErlangError::Load(_))));
    assert!(matches!(
        Load::from_erlangs(-0.5, aht),
        Err(ErlangError::Load(_))
    ));
    assert!(matches!(
        Load::from_erlangs(f64::NAN, aht),
        Err(ErlangError::Load(_))
    ));
    let load = Load::new(100.0, aht).unwrap();
    assert!(matches!(
        load.with_aht_scaled(0.0),
        Err(ErlangError::Scale(_))
    ));
    assert!(matches!(
        load.with_aht_scaled(f64::NAN),
        Err(ErlangError::Scale(_))
    ));
    assert!(matches!(
        load.with_aht_scaled(1e12),
        Err(ErlangError::Load(_))
    ));
    assert_eq!(load.with_aht_scaled(2.0).unwrap().erlangs(), 10.0);

    for level in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
        assert!(
            matches!(
                ServiceTarget::new(level, aht),
                Err(StaffingError::Target(_))
            ),
            "{level}"
        );
    }
    for t in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                ServiceTarget::from_secs(0.8, t),
                Err(StaffingError::TargetTime(_))
            ),
            "{t}"
        );
    }
    for text in ["80", "80/", "/20", "eighty/20", "80/20/3"] {
        assert!(
            matches!(
                text.parse::<ServiceTarget>(),
                Err(StaffingError::TargetSyntax(_))
            ),
            "{text}"
        );
    }
    assert!(matches!(
        "80/-5".parse::<ServiceTarget>(),
        Err(StaffingError::TargetTime(_))
    ));
    assert!(matches!(
        "100/20".parse::<ServiceTarget>(),
        Err(StaffingError::Target(_))
    ));
    assert_eq!(
        " 80 % / 20 s ".parse::<ServiceTarget>().unwrap(),
        ServiceTarget::from_secs(0.8, 20.0).unwrap()
    );

    let plan = Staffing::new(target("80/20"));
    for occ in [0.0, 1.01, f64::NAN] {
        assert!(
            matches!(
                plan.with_max_occupancy(occ),
                Err(StaffingError::MaxOccupancy(_))
            ),
            "{occ}"
        );
    }
    assert!(plan.with_max_occupancy(1.0).is_ok());
    for s in [1.0, -0.01, f64::NAN] {
        assert!(
            matches!(plan.with_shrinkage(s), Err(StaffingError::Shrinkage(_))),
            "{s}"
        );
    }
    assert!(matches!(
        plan.with_concurrency(0, 1.0),
        Err(StaffingError::Concurrency(0))
    ));
    assert!(matches!(
        plan.with_concurrency(101, 1.0),
        Err(StaffingError::Concurrency(101))
    ));
    for f in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(plan.with_concurrency(2, f), Err(StaffingError::Slowdown(_))),
            "{f}"
        );
    }

    // More servers than the search allows.
    let huge = Load::from_erlangs(2_000_000.0, aht).unwrap();
    let err = plan.solve(&huge).unwrap_err();
    assert_eq!(
        err,
        StaffingError::Unreachable {
            erlangs: 2_000_000.0
        }
    );
    assert!(err.to_string().contains(&MAX_SERVERS.to_string()));
    // Shrinkage so close to 1 that positions overflow.
    let err = plan
        .with_shrinkage(0.999_999_999_9)
        .unwrap()
        .solve(&Load::new(100_000.0, aht).unwrap())
        .unwrap_err();
    assert!(
        matches!(err, StaffingError::TooManyPositions { .. }),
        "{err}"
    );
    // Every message says what to do.
    for e in [
        StaffingError::Target(2.0),
        StaffingError::Shrinkage(1.0),
        StaffingError::MaxOccupancy(0.0),
    ] {
        assert!(
            e.to_string().contains("such as") || e.to_string().contains('('),
            "{e}"
        );
    }
}

#[test]
fn no_load_needs_nobody() {
    let s: Staffed = Staffing::new(target("95/10"))
        .with_patience(secs(60.0))
        .solve(&Load::new(0.0, secs(300.0)).unwrap())
        .unwrap();
    assert_eq!(
        (s.agents, s.positions, s.service_level, s.asa, s.limited_by),
        (0, 0, 1.0, 0.0, Limit::NoLoad)
    );
}
