//! The what-if simulator's behaviour: what a scenario says happens, bad
//! scenarios are refused with a reason, and runs are reproducible.

use std::time::Duration;

use switchboard::ChannelKind;
use switchboard::config::Config;
use switchboard::engine::{Inbound, Input, InputLine};
use switchboard::plan::sim::{
    AgentGroup, Arrivals, CapacitySpec, Dist, HandleTime, Scenario, SimError, compare, simulate,
};
use switchboard::{Address, Timestamp};

mod history;

const MINUTE: Duration = Duration::from_secs(60);

fn mmc() -> Config {
    Config::from_toml_str(include_str!("../../examples/data/plan/mmc.toml")).unwrap()
}

fn shop() -> Config {
    Config::from_toml_str(include_str!("../../examples/data/plan/shop.toml")).unwrap()
}

/// `per_hour` web-chat customers an hour on `agents` agents, three-minute
/// exponential handle times, `minutes` long.
fn basic(per_hour: f64, agents: u32, minutes: u32) -> Scenario {
    Scenario::new(
        minutes * MINUTE,
        HandleTime::new(Dist::exponential(3 * MINUTE)),
    )
    .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, per_hour))
    .with_agents(AgentGroup::new(agents))
}

fn scenario_err(config: &Config, toml: &str) -> SimError {
    let s = match Scenario::from_toml_str(toml) {
        Ok(s) => s,
        Err(e) => return e,
    };
    simulate(config, &s, 1).expect_err("the scenario is refused")
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    let s = basic(60.0, 4, 240);
    let a = simulate(&mmc(), &s, 5).unwrap();
    let b = simulate(&mmc(), &s, 5).unwrap();
    let c = simulate(&mmc(), &s, 6).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.figures, c.figures);
    assert!(a.figures.customers > 150, "{}", a.figures.customers);
}

#[test]
fn every_queued_customer_is_answered_abandoned_or_still_waiting() {
    let s = basic(100.0, 4, 180).with_patience(Dist::exponential(2 * MINUTE));
    let o = simulate(&mmc(), &s, 2).unwrap();
    let f = &o.figures;
    assert_eq!(f.answered + f.abandoned + f.waiting_at_end, f.queued);
    assert_eq!(f.queued, f.customers);
    assert!(f.abandoned > 0 && f.answered > 0);
    assert_eq!(f.refused, 0);
    // The KPI report saw the same customers.
    let t = &o.report.summary.totals;
    assert_eq!(t.conversations, f.customers);
    assert_eq!(t.answered, f.answered);
    // The report leaves out abandons within 5 s (its default); the host
    // counts every one, as Erlang A does.
    assert_eq!(t.abandonment.count + t.abandonment.short, f.abandoned);
    assert!(t.abandonment.short > 0);
}

#[test]
fn an_overloaded_queue_without_patience_ends_with_customers_waiting() {
    // 5 Erlangs on 2 agents: no steady state; the run still ends, with a
    // finite mean wait of those answered and a long line left.
    let o = simulate(&mmc(), &basic(100.0, 2, 120), 1).unwrap();
    let f = &o.figures;
    assert!(f.waiting_at_end > 50, "{}", f.waiting_at_end);
    assert!(f.mean_wait_s.unwrap().is_finite());
    assert!(f.occupancy.unwrap() > 0.95, "{:?}", f.occupancy);
}

#[test]
fn nobody_staffed_means_nobody_answered() {
    let o = simulate(&mmc(), &basic(30.0, 0, 60), 1).unwrap();
    assert_eq!(o.figures.answered, 0);
    assert_eq!(o.figures.waiting_at_end, o.figures.queued);
    assert_eq!(o.figures.occupancy, None);
}

#[test]
fn the_warm_up_is_run_but_not_counted() {
    let s = basic(60.0, 4, 60).with_warmup(60 * MINUTE);
    let o = simulate(&mmc(), &s, 3).unwrap();
    // About 60 in the measured hour, not 120.
    let n = o.figures.customers;
    assert!((35..90).contains(&n), "{n}");
    assert_eq!(o.report.summary.totals.conversations, n);
}

#[test]
fn an_agent_who_accepts_after_five_seconds_makes_everyone_wait_five_seconds() {
    let mut group = AgentGroup::new(6);
    group.accept_delay = Some(Dist::fixed(Duration::from_secs(5)));
    let s = Scenario::new(120 * MINUTE, HandleTime::new(Dist::exponential(MINUTE)))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 30.0))
        .with_agents(group);
    let o = simulate(&mmc(), &s, 1).unwrap();
    assert_eq!(o.figures.p_wait, Some(1.0));
    assert!(o.wait_over(Duration::from_millis(4_999)) == Some(1.0));
    assert!(o.figures.mean_wait_s.unwrap() >= 5.0);
}

#[test]
fn rates_per_interval_shape_the_arrivals() {
    // Nobody in the first half hour, 120 an hour in the second.
    let s = Scenario::new(60 * MINUTE, HandleTime::new(Dist::exponential(MINUTE)))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 0.0).with_rates(vec![0.0, 120.0]))
        .with_agents(AgentGroup::new(5));
    let o = simulate(&mmc(), &s, 1).unwrap();
    let rows = &o.report.intervals;
    let first = rows
        .iter()
        .find(|r| r.start.as_millis() < 1_793_577_600_000 + 1_800_000);
    assert!(first.is_none_or(|r| r.figures.conversations == 0));
    assert!(o.figures.customers > 30, "{}", o.figures.customers);
}

#[test]
fn agents_answer_only_on_their_shift() {
    // Agents from 00:00 to 01:00 (UTC, the run starts at midnight); the
    // customers of the second hour wait.
    let s = Scenario::new(120 * MINUTE, HandleTime::new(Dist::fixed(MINUTE)))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 30.0))
        .with_agents(AgentGroup::new(3).with_shift("00:00-01:00"));
    let o = simulate(&mmc(), &s, 1).unwrap();
    let g = &o.groups["g1"];
    assert!((g.signed_in_h - 3.0).abs() < 0.1, "{}", g.signed_in_h);
    assert!(o.figures.waiting_at_end > 5, "{}", o.figures.waiting_at_end);
    for r in &o.report.intervals {
        if r.start.as_millis() >= 1_793_577_600_000 + 3_700_000 {
            assert_eq!(r.figures.answered, 0, "{}", r.local);
        }
    }
}

#[test]
fn the_bot_resolves_its_share_and_hands_on_the_rest() {
    let mut s = Scenario::from_toml_str(
        r#"
duration = "3h"
start = "2026-11-02T09:00:00+01:00"
time_zone = "Europe/Berlin"
[[arrivals]]
channel = "webchat"
per_hour = 120
text = "Where is my parcel?"
[bot]
resolves = 0.6
[handle_time]
distribution = "exponential"
mean = "2m"
[[agents]]
count = 8
"#,
    )
    .unwrap();
    let o = simulate(&shop(), &s, 4).unwrap();
    let contained = o.report.summary.totals.containment_percent.unwrap();
    assert!((50.0..70.0).contains(&contained), "{contained}");
    assert_eq!(o.queues.keys().collect::<Vec<_>>(), ["support"]);
    s.bot.as_mut().unwrap().resolves = 1.0;
    let o = simulate(&shop(), &s, 4).unwrap();
    assert_eq!(o.figures.queued, 0);
    assert_eq!(o.report.summary.totals.containment_percent, Some(100.0));
}

#[test]
fn rules_route_by_the_arrivals_text_and_skills_decide_who_answers() {
    let s = Scenario::from_toml_str(
        r#"
duration = "2h"
start = "2026-11-02T09:00:00+01:00"
[[arrivals]]
channel = "webchat"
per_hour = 20
text = "I would like a refund"
[[arrivals]]
channel = "email"
per_hour = 10
text = "Can I get a quote?"
[handle_time]
distribution = "exponential"
mean = "3m"
[[agents]]
count = 3
skills = { billing = 2 }
"#,
    )
    .unwrap();
    let o = simulate(&shop(), &s, 1).unwrap();
    let billing = &o.queues["billing"];
    let sales = &o.queues["sales"];
    assert!(billing.answered > 0);
    // Nobody has the sales skill, and email was given no capacity: the
    // quotes wait.
    assert_eq!(sales.answered, 0);
    assert!(sales.queued > 0);
}

#[test]
fn agents_who_hold_two_chats_wait_less_than_agents_who_hold_one() {
    let one = basic(90.0, 4, 240);
    let two = basic(90.0, 4, 240);
    let mut two = two;
    two.agents[0] = AgentGroup::new(4).with_capacity(CapacitySpec::Each(2));
    let r = compare((&mmc(), &one), (&mmc(), &two), 9).unwrap();
    assert_eq!(r.a.queues["support"].queued, r.b.queues["support"].queued);
    assert!(r.b.asa_s.unwrap() < r.a.asa_s.unwrap());
}

#[test]
fn a_what_if_meets_the_same_customers_on_both_sides() {
    let s = basic(80.0, 5, 240).with_patience(Dist::exponential(3 * MINUTE));
    let r = compare((&mmc(), &s), (&mmc(), &s), 3).unwrap();
    assert_eq!(r.a, r.b);
    // One more agent: the same arrivals, shorter waits, fewer abandons.
    let mut more = s.clone();
    more.agents[0].count = 6;
    let r = compare((&mmc(), &s), (&mmc(), &more), 3).unwrap();
    assert_eq!(r.a.queues["support"].queued, r.b.queues["support"].queued);
    assert!(r.b.asa_s < r.a.asa_s);
    assert!(r.b.abandoned_percent <= r.a.abandoned_percent);
    // Staffing for each side's load: the same load, the same answer.
    assert_eq!(
        r.a.queues["support"].agents_needed,
        r.b.queues["support"].agents_needed
    );
    assert!(r.a.queues["support"].agents_needed.unwrap() >= 5);
    let rows = r.rows();
    assert!(rows.iter().any(|row| row[0] == "support: agents needed"));
}

#[test]
fn customers_replayed_from_an_input_log_arrive_at_their_recorded_times() {
    let line = |at: u64, n: u32| {
        let from = Address::new(&ChannelKind::Sms, &format!("+1555000{n:04}")).unwrap();
        InputLine::new(
            Timestamp::from_millis(at),
            Input::Inbound(Inbound::new(ChannelKind::Sms, from, "hello")),
        )
    };
    // Three customers, the second writing twice (one conversation).
    let log = vec![
        line(1_000_000, 1),
        line(1_060_000, 2),
        line(1_090_000, 2),
        line(1_600_000, 3),
    ];
    let mut s = Scenario::new(30 * MINUTE, HandleTime::new(Dist::fixed(MINUTE)))
        .with_agents(AgentGroup::new(1))
        .with_replay(log);
    let o = simulate(&mmc(), &s, 1).unwrap();
    assert_eq!(o.figures.customers, 3);
    assert_eq!(o.figures.answered, 3);
    assert_eq!(o.report.summary.totals.messages.customer, 4);
    // Moved to the start: the last is ten minutes in; cut the run before.
    s.duration = 9 * MINUTE;
    assert_eq!(simulate(&mmc(), &s, 1).unwrap().figures.customers, 2);
}

#[test]
fn empirical_and_log_normal_handle_times_have_their_means() {
    for dist in [
        Dist::empirical([MINUTE, 2 * MINUTE, 6 * MINUTE]),
        Dist::lognormal(3 * MINUTE, 2 * MINUTE),
    ] {
        let s = Scenario::new(600 * MINUTE, HandleTime::new(dist))
            .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 60.0))
            .with_agents(AgentGroup::new(8));
        let o = simulate(&mmc(), &s, 2).unwrap();
        let mean = o.report.summary.totals.handle_time_s.mean.unwrap();
        assert!((160.0..200.0).contains(&mean), "{mean}");
    }
}

#[test]
fn a_handle_time_for_a_queue_the_configuration_lacks_is_refused() {
    let s = basic(10.0, 1, 10)
        .handle_time
        .with_queue("returns", Dist::fixed(MINUTE));
    let mut scenario = basic(10.0, 1, 10);
    scenario.handle_time = s;
    match simulate(&mmc(), &scenario, 1) {
        Err(SimError::UnknownQueue { queue, known }) => {
            assert_eq!(queue, "returns");
            assert_eq!(known, "support");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_scenarios_are_refused_with_a_reason() {
    let head = "duration = \"1h\"\n[handle_time]\ndistribution = \"exponential\"\nmean = \"3m\"\n";
    let cases = [
        ("", "duration"),
        (
            "duration = \"0s\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 5\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
            "duration must be above 0",
        ),
        (head, "at least one [[arrivals]]"),
        (
            &format!("{head}[[arrivals]]\nchannel = \"webchat\"\nper_hour = -3"),
            "a rate must be",
        ),
        (
            &format!("{head}[[arrivals]]\nchannel = \"webchat\"\nper_hour = nan"),
            "a rate must be",
        ),
        (
            &format!("{head}[[arrivals]]\nchannel = \"webchat\"\nper_hour = 0"),
            "nobody would arrive",
        ),
        (
            &format!("{head}[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\nrates = [1]"),
            "not both",
        ),
        (
            &format!(
                "{head}[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[[agents]]\ncount = 2\nshifts = [\"8-16\"]"
            ),
            "HH:MM-HH:MM",
        ),
        (
            &format!(
                "{head}[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[bot]\nresolves = 1.5"
            ),
            "from 0 to 1",
        ),
        (
            &format!(
                "{head}time_zone = \"Mars/Olympus\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3"
            ),
            "",
        ),
        (
            "duration = \"1h\"\ntime_zone = \"Mars/Olympus\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
            "IANA time zone",
        ),
        (
            "duration = \"1h\"\nstart = \"yesterday\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
            "RFC 3339",
        ),
        (
            "duration = \"1h\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"exponential\"\nmean = \"0s\"",
            "mean above 0",
        ),
        (
            "duration = \"1h\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"empirical\"\nvalues = []",
            "at least one value",
        ),
        (
            "duration = \"1h\"\ninterval = \"20m\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
            "15m, 30m or 60m",
        ),
        (
            "duration = \"1h\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"\n[[agents]]\ncount = 200000",
            "at most 100000 agents",
        ),
        (
            "duration = \"1h\"\ninterval = \"15m 500ms\"\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
            "15m, 30m or 60m",
        ),
        (
            &format!(
                "duration = \"1h\"\n{}[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
                "[[arrivals]]\nchannel = \"webchat\"\nper_hour = 1\n".repeat(101)
            ),
            "at most 100 [[arrivals]] streams",
        ),
        (
            "duration = \"1h\"\nduration_typo = 1\n[[arrivals]]\nchannel = \"webchat\"\nper_hour = 3\n[handle_time]\ndistribution = \"fixed\"\nvalue = \"1m\"",
            "duration_typo",
        ),
    ];
    for (toml, why) in cases {
        let e = scenario_err(&mmc(), toml).to_string();
        assert!(e.contains(why), "{toml:?}: {e}");
    }
}

#[test]
fn a_scenario_from_the_examples_runs_and_prints_the_promised_json() {
    let s = Scenario::from_toml_str(include_str!("../../examples/data/plan/shop-scenario.toml"))
        .unwrap();
    let o = simulate(&shop(), &s, 1).unwrap();
    let json = o.to_json();
    for key in [
        "customers",
        "mean_wait_s",
        "p_wait",
        "abandoned_percent",
        "occupancy",
        "service_level",
        "asa_s",
        "abandonment",
        "containment_percent",
        "queues",
        "queues_simulated",
        "groups",
    ] {
        assert!(json.get(key).is_some(), "{key} missing");
    }
    assert_eq!(json["customers"], o.figures.customers);
    assert_eq!(o.figures.refused, 0);
    assert!(
        o.report.intervals.len() >= 24,
        "{}",
        o.report.intervals.len()
    );
}

#[test]
fn language_eligibility_and_its_relaxation_act_as_configured() {
    // German speakers wait for the German-speaking agent, until after a
    // minute anyone may take them.
    let config = |relax: &str| {
        Config::from_toml_str(&format!(
            r#"
[[queues]]
id = "support"
eligible = "agent.languages has conversation.lang"
{relax}
[[rules]]
id = "everyone"
when = "true"
then = {{ queue = "support" }}
"#
        ))
        .unwrap()
    };
    let mut german = AgentGroup::new(1);
    german.languages = vec!["de".into(), "en".into()];
    let mut english = AgentGroup::new(4);
    english.languages = vec!["en".into()];
    let s = Scenario::new(240 * MINUTE, HandleTime::new(Dist::exponential(4 * MINUTE)))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 20.0).with_lang("en"))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WhatsApp, 20.0).with_lang("de"))
        .with_agents(german)
        .with_agents(english);
    let strict = config("");
    let relaxed = config(r#"relax = [{ after = "1m", eligible = "true" }]"#);
    let r = compare((&strict, &s), (&relaxed, &s), 2).unwrap();
    let (a, b) = (r.a.outcome.as_ref().unwrap(), r.b.outcome.as_ref().unwrap());
    // 20 German conversations an hour of 4 minutes on one agent: more
    // than they can take, so they queue; relaxed, the English speakers
    // help after a minute.
    let german_waits =
        |o: &switchboard::plan::sim::Outcome| o.report.summary.channels["whatsapp"].asa_s.unwrap();
    assert!(
        german_waits(b) < german_waits(a) / 2.0,
        "{} vs {}",
        german_waits(b),
        german_waits(a)
    );
    assert!(a.groups["g1"].occupancy.unwrap() > 0.9);
    assert!(b.groups["g2"].occupancy > a.groups["g2"].occupancy);
}

#[test]
fn a_run_that_would_bring_too_many_customers_is_refused_before_it_starts() {
    // Ten million an hour for a year, even if only in one interval a day:
    // the work is bounded by the highest rate.
    let mut rates = vec![0.0; 48];
    rates[20] = 10_000_000.0;
    let s = Scenario::new(
        Duration::from_secs(365 * 86_400),
        HandleTime::new(Dist::exponential(MINUTE)),
    )
    .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 0.0).with_rates(rates))
    .with_agents(AgentGroup::new(1));
    let e = simulate(&mmc(), &s, 1).unwrap_err().to_string();
    assert!(e.contains("a run takes at most"), "{e}");
}

#[test]
fn overlapping_shifts_keep_an_agent_on_until_the_last_ends() {
    let s = Scenario::new(180 * MINUTE, HandleTime::new(Dist::fixed(MINUTE)))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 10.0))
        .with_agents(
            AgentGroup::new(1)
                .with_shift("00:00-02:00")
                .with_shift("01:00-02:30"),
        );
    let o = simulate(&mmc(), &s, 1).unwrap();
    let g = &o.groups["g1"];
    assert!((g.signed_in_h - 2.5).abs() < 0.05, "{}", g.signed_in_h);
}

#[test]
fn a_night_shift_begun_before_the_start_is_on_at_the_start() {
    // The run starts at midnight; the shift began at 22:00 the day before.
    let s = Scenario::new(120 * MINUTE, HandleTime::new(Dist::fixed(MINUTE)))
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 10.0))
        .with_agents(AgentGroup::new(1).with_shift("22:00-01:00"));
    let o = simulate(&mmc(), &s, 1).unwrap();
    let g = &o.groups["g1"];
    assert!((g.signed_in_h - 1.0).abs() < 0.02, "{}", g.signed_in_h);
}
