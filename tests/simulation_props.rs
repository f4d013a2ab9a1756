//! The what-if simulator on random small scenarios: no panic, the figures
//! finite and in range, customers conserved, the engine refusing none of
//! the host's inputs, a run a function of its seed, and both sides of a
//! comparison of a scenario with itself identical (common random
//! numbers).
//!
//! A scenario is generated as the TOML a user would write: one to three
//! arrival streams on any built-in channel (a constant rate or a list of
//! rates per interval, 0 to 300 an hour), up to 20 agents in one to three
//! groups (daily shifts, across midnight too; capacity 1 to 3, or per
//! channel; an accept delay), patience, a bot's share, every distribution
//! (fixed, exponential, log-normal, empirical, zero included), 10 minutes
//! to 3 hours after a warm-up of up to an hour, in one of a few time
//! zones, and sometimes starting just before Europe/Berlin's clocks go
//! forward (2026-03-29 01:00 UTC) or back. It runs with a one-queue
//! configuration or with the shop's (a bot, rules, a calendar, overflow).
//!
//! The runs are small, so that the whole test takes seconds in a debug
//! build.

use std::fmt::Write as _;
use std::time::Duration;

use proptest::prelude::*;
use switchboard::config::Config;
use switchboard::plan::sim::{Outcome, Scenario, compare, simulate};

const CHANNELS: [&str; 8] = [
    "webchat",
    "whatsapp",
    "sms",
    "email",
    "messenger",
    "in_app",
    "apple_messages",
    "voice",
];
const TEXTS: [&str; 4] = [
    "Where is my parcel?",
    "I would like a refund",
    "Can I get a quote?",
    "",
];
const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
];
const STARTS: [&str; 4] = [
    // 30 minutes before Europe/Berlin's clocks go forward.
    "2026-03-29T00:30:00Z",
    // 30 minutes before they go back.
    "2026-10-25T00:30:00Z",
    // Late on a Saturday, the shop closed until Monday.
    "2026-11-07T22:45:00+01:00",
    "2026-11-02T08:00:00+01:00",
];

fn config(shop: bool) -> Config {
    let toml = if shop {
        include_str!("../examples/data/plan/shop.toml")
    } else {
        include_str!("../examples/data/plan/mmc.toml")
    };
    Config::from_toml_str(toml).unwrap()
}

/// A duration as the scenario writes it, in seconds.
fn secs(s: u32) -> String {
    format!("\"{s}s\"")
}

/// A distribution as an inline table, means of 0 to `max` seconds
/// (0 only where the crate accepts it).
fn dist(max: u32) -> impl Strategy<Value = String> {
    prop_oneof![
        (0..=max).prop_map(|v| format!("{{ distribution = \"fixed\", value = {} }}", secs(v))),
        (1..=max).prop_map(|m| format!("{{ distribution = \"exponential\", mean = {} }}", secs(m))),
        (1..=max, 0..=max).prop_map(|(m, sd)| format!(
            "{{ distribution = \"lognormal\", mean = {}, sd = {} }}",
            secs(m),
            secs(sd)
        )),
        prop::collection::vec(0..=max, 1..5).prop_map(|v| {
            let v: Vec<String> = v.into_iter().map(secs).collect();
            format!(
                "{{ distribution = \"empirical\", values = [{}] }}",
                v.join(", ")
            )
        }),
    ]
}

/// A daily shift, `HH:MM-HH:MM` with a different start and end.
fn shift() -> impl Strategy<Value = String> {
    let minute = (0u32..=24, prop::sample::select(vec![0u32, 15, 30, 59]))
        .prop_map(|(h, m)| if h == 24 { (24, 0) } else { (h, m) });
    (minute.clone(), minute)
        .prop_filter("a shift's start and end differ", |(a, b)| a != b)
        .prop_map(|((h1, m1), (h2, m2))| format!("{h1:02}:{m1:02}-{h2:02}:{m2:02}"))
}

/// An arrival stream: a constant rate or one per interval.
fn arrivals() -> impl Strategy<Value = String> {
    // Mostly quiet, so that the runs stay small in a debug build.
    let rate = prop_oneof![1 => Just(0.0), 6 => 0.0..30.0f64, 2 => 0.0..300.0f64, 1 => Just(300.0)];
    let rates = prop_oneof![
        rate.clone().prop_map(|r| format!("per_hour = {r:?}")),
        prop::collection::vec(rate, 1..8).prop_map(|r| format!("rates = {r:?}")),
    ];
    (
        prop::sample::select(CHANNELS.to_vec()),
        rates,
        proptest::option::of(prop::sample::select(TEXTS.to_vec())),
        proptest::option::of(prop::sample::select(vec!["en", "de", "fr"])),
    )
        .prop_map(|(channel, rates, text, lang)| {
            let mut s = format!("[[arrivals]]\nchannel = \"{channel}\"\n{rates}\n");
            if let Some(t) = text {
                let _ = writeln!(s, "text = {t:?}");
            }
            if let Some(l) = lang {
                let _ = writeln!(s, "lang = {l:?}");
            }
            s
        })
}

/// A group of `count` agents.
fn group(count: u32) -> impl Strategy<Value = String> {
    let capacity = prop_oneof![
        Just(String::new()),
        (1u32..=3).prop_map(|n| format!("capacity = {n}\n")),
        (1u32..=3, 1u32..=3, 1u32..=3).prop_map(|(w, e, b)| format!(
            "capacity = {{ webchat = {w}, email = {e}, budget = {b} }}\n"
        )),
    ];
    (
        capacity,
        prop::collection::vec(shift(), 0..3),
        proptest::option::of(dist(90)),
        any::<[bool; 3]>(),
    )
        .prop_map(move |(capacity, shifts, accept, [billing, sales, de])| {
            let mut s = format!("[[agents]]\ncount = {count}\n{capacity}");
            if !shifts.is_empty() {
                let _ = writeln!(s, "shifts = {shifts:?}");
            }
            if let Some(d) = accept {
                let _ = writeln!(s, "accept_delay = {d}");
            }
            let skills: Vec<String> = [(billing, "billing = 2"), (sales, "sales = 1")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, s)| s.to_string())
                .collect();
            if !skills.is_empty() {
                let _ = writeln!(s, "skills = {{ {} }}", skills.join(", "));
            }
            if de {
                s.push_str("languages = [\"en\", \"de\"]\n");
            }
            s
        })
}

/// A scenario's TOML, and whether it runs with the shop's configuration.
fn scenario() -> impl Strategy<Value = (String, bool)> {
    let head = (
        prop_oneof![3 => 10u32..=60, 1 => 10u32..=180],
        prop_oneof![Just(0u32), 0u32..=60],
        proptest::option::of(prop::sample::select(STARTS.to_vec())),
        proptest::option::of(prop::sample::select(ZONES.to_vec())),
        proptest::option::of(prop::sample::select(vec![15u32, 30, 60])),
        proptest::option::of(0u32..=120),
    );
    let people = (
        prop::collection::vec(arrivals(), 1..=3),
        prop::collection::vec(0u32..=20, 1..=3).prop_flat_map(|counts| {
            // At most 20 agents together.
            let mut left = 20;
            let counts: Vec<u32> = counts
                .into_iter()
                .map(|c| {
                    let c = c.min(left);
                    left -= c;
                    c
                })
                .collect();
            counts.into_iter().map(group).collect::<Vec<_>>()
        }),
        dist(600),
        proptest::option::of(dist(600)),
        proptest::option::of((0.0..=1.0f64, proptest::option::of(0u32..=30))),
        proptest::option::of(dist(900)),
        any::<bool>(),
    );
    (head, people).prop_map(
        |(
            (minutes, warmup, start, zone, interval, threshold),
            (arrivals, groups, handle, billing, bot, patience, shop),
        )| {
            let mut s = format!("duration = \"{minutes}m\"\nwarmup = \"{warmup}m\"\n");
            if let Some(t) = start {
                let _ = writeln!(s, "start = {t:?}");
            }
            if let Some(z) = zone {
                let _ = writeln!(s, "time_zone = {z:?}");
            }
            if let Some(i) = interval {
                let _ = writeln!(s, "interval = \"{i}m\"");
            }
            if let Some(t) = threshold {
                let _ = writeln!(s, "service_level = {}", secs(t));
            }
            if let Some(p) = patience {
                let _ = writeln!(s, "patience = {p}");
            }
            if let Some((resolves, delay)) = bot {
                let _ = write!(s, "bot = {{ resolves = {resolves:?}");
                if let Some(d) = delay {
                    let _ = write!(s, ", delay = {}", secs(d));
                }
                s.push_str(" }\n");
            }
            // Tables after the top level's keys.
            let _ = writeln!(s, "[handle_time]\n{}", table_body(&handle));
            if let (Some(d), true) = (billing, shop) {
                let _ = writeln!(s, "[handle_time.queues.billing]\n{}", table_body(&d));
            }
            for a in arrivals {
                s.push_str(&a);
            }
            for g in groups {
                s.push_str(&g);
            }
            (s, shop)
        },
    )
}

/// The body of an inline table, one `key = value` a line, for a `[table]`.
fn table_body(inline: &str) -> String {
    let inner = inline.trim().trim_start_matches('{').trim_end_matches('}');
    // Values hold no commas except inside an empirical list.
    let mut lines = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for ch in inner.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                lines.push(cur.trim().to_owned());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    lines.push(cur.trim().to_owned());
    lines.join("\n")
}

/// The figures of an outcome are finite and in range, and its customers
/// add up.
fn check(o: &Outcome) -> Result<(), TestCaseError> {
    let f = &o.figures;
    let unit = |x: Option<f64>| x.is_none_or(|x| (0.0..=1.0).contains(&x));
    let percent = |x: Option<f64>| x.is_none_or(|x| (0.0..=100.0).contains(&x));
    let secs = |x: Option<f64>| x.is_none_or(|x| x.is_finite() && x >= 0.0);
    prop_assert!(secs(f.mean_wait_s), "{:?}", f);
    prop_assert!(unit(f.p_wait) && unit(f.occupancy), "{:?}", f);
    prop_assert!(percent(f.service_level_percent), "{:?}", f);
    prop_assert!(percent(f.abandoned_percent), "{:?}", f);
    prop_assert_eq!(f.refused, 0, "the engine refused host inputs: {:?}", f);
    prop_assert!(f.queued <= f.customers, "{:?}", f);
    prop_assert_eq!(f.answered + f.abandoned + f.waiting_at_end, f.queued);
    for t in [0, 20_000, u64::MAX] {
        prop_assert!(unit(o.wait_over(Duration::from_millis(t))));
    }
    let mut sums = (0, 0, 0);
    for (name, q) in &o.queues {
        prop_assert!(q.answered + q.abandoned <= q.queued, "{}: {:?}", name, q);
        prop_assert!(secs(q.asa_s), "{}: {:?}", name, q);
        prop_assert!(percent(q.service_level_percent), "{}: {:?}", name, q);
        prop_assert!(percent(q.abandoned_percent), "{}: {:?}", name, q);
        for x in [q.per_hour, q.handle_time_s, q.offered_erlangs] {
            prop_assert!(x.is_finite() && x >= 0.0, "{}: {:?}", name, q);
        }
        sums = (sums.0 + q.queued, sums.1 + q.answered, sums.2 + q.abandoned);
    }
    prop_assert_eq!(sums, (f.queued, f.answered, f.abandoned));
    for (name, g) in &o.groups {
        prop_assert!(unit(g.occupancy), "{}: {:?}", name, g);
        prop_assert!(g.signed_in_h.is_finite() && g.signed_in_h >= 0.0);
    }
    // NaN anywhere, the KPI report included, makes it unequal to itself.
    prop_assert!(*o == o.clone(), "a NaN in the outcome");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_scenarios_run_sound_and_repeatable((toml, shop) in scenario(), seed in any::<u64>()) {
        let scenario = match Scenario::from_toml_str(&toml) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{toml}"))),
        };
        let config = config(shop);
        // Only a scenario whose every rate is 0 is refused: nothing else
        // generated is.
        let outcome = match simulate(&config, &scenario, seed) {
            Ok(o) => o,
            Err(e) => {
                prop_assert!(e.to_string().contains("every arrival rate is 0"), "{}\n{}", e, toml);
                return Ok(());
            }
        };
        check(&outcome)?;
        // The same seed, the same run; and a scenario compared with itself
        // meets the same customers on both sides.
        let both = compare((&config, &scenario), (&config, &scenario), seed).unwrap();
        prop_assert_eq!(&both.a, &both.b, "{}", toml);
        prop_assert!(both.a.outcome.as_deref() == Some(&outcome), "{}", toml);
    }
}

/// A one-queue scenario of an hour, 60 customers an hour on `channel`,
/// with `extra` lines in the stream.
fn one_stream(channel: &str, extra: &str) -> Scenario {
    Scenario::from_toml_str(&format!(
        "duration = \"1h\"\n\
         [handle_time]\ndistribution = \"exponential\"\nmean = \"3m\"\n\
         [[agents]]\ncount = 2\n\
         [[arrivals]]\nchannel = \"{channel}\"\nper_hour = 60\n{extra}"
    ))
    .unwrap()
}

#[test]
fn a_shift_from_24_00_starts_at_the_next_midnight() {
    // 24:00 is the end of the local day: a shift from 24:00 planned for a
    // day starts at the next one's midnight (building 24:00 as a time of
    // day panicked).
    let mut s = one_stream("webchat", "");
    s.start = Some("2026-11-02T23:30:00+01:00".into());
    s.time_zone = Some("Europe/Berlin".into());
    s.agents[0].shifts = ["24:00-00:00", "23:00-24:00", "24:00-00:30"]
        .map(String::from)
        .into();
    let outcome = simulate(&config(false), &s, 1).unwrap();
    check(&outcome).unwrap();
    // Two agents on from 23:30 to 00:30.
    let signed_in: f64 = outcome.groups.values().map(|g| g.signed_in_h).sum();
    assert!((signed_in - 2.0).abs() < 1e-9, "{:?}", outcome.groups);
}

#[test]
fn voice_customers_arrive() {
    // The host had no phone number for a voice customer, so none arrived.
    let outcome = simulate(&config(false), &one_stream("voice", ""), 1).unwrap();
    check(&outcome).unwrap();
    assert!(outcome.figures.customers > 30, "{:?}", outcome.figures);
}

#[test]
fn a_first_message_the_engine_refuses_is_a_scenario_error() {
    // The engine would refuse every such customer: the run would measure
    // nobody, with `refused` the only sign.
    let long = format!("text = \"{}\"", "x".repeat(8 * 1024 + 1));
    for extra in [
        "lang = \"\"",
        "lang = \" \"",
        &long,
        "contact = { \"\" = 1 }",
        "contact = { score = nan }",
        "contact = { scores = [1, inf] }",
    ] {
        for shop in [false, true] {
            let err = simulate(&config(shop), &one_stream("sms", extra), 1).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("scenario: arrivals #1: the engine refuses"),
                "{extra}: {err}"
            );
        }
    }
    // Within the limits, the same runs.
    for extra in [
        "lang = \"de\"",
        "text = \"\"",
        "contact = { score = 1e300, tier = \"gold\", tags = [] }",
    ] {
        let outcome = simulate(&config(true), &one_stream("sms", extra), 1).unwrap();
        check(&outcome).unwrap();
    }
}
