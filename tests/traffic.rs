//! The synthetic traffic of `examples/support/traffic.rs`: deterministic
//! for a seed, in time order, and holding every kind of thing the key
//! figures are computed from.

#[path = "../examples/support/traffic.rs"]
mod traffic;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::sync::OnceLock;
use std::time::Duration;

use switchboard::engine::{Event, EventKind};
use switchboard::handoff::{Party, Reason, State};
use traffic::{Summary, Traffic};

/// Three days (Monday to Wednesday) of 600 conversations a day, from the
/// default seed.
fn small() -> Traffic {
    Traffic::new(1, 3, 600)
}

/// The run of [`small`], made once for every test.
fn run() -> &'static (Vec<Event>, Summary) {
    static RUN: OnceLock<(Vec<Event>, Summary)> = OnceLock::new();
    RUN.get_or_init(|| {
        let mut events = Vec::new();
        let summary = traffic::generate_with(&small(), |e| {
            events.push(e);
            ControlFlow::Continue(())
        });
        (events, summary)
    })
}

#[test]
fn the_same_seed_gives_the_same_events() {
    let (events, _) = run();
    assert_eq!(traffic::generate(&small()), *events);
}

#[test]
fn another_seed_gives_other_events() {
    let (events, _) = run();
    let other = traffic::generate(&Traffic { seed: 2, ..small() });
    assert_ne!(other, *events);
    // Of the same size, roughly.
    let ratio = other.len() as f64 / events.len() as f64;
    assert!(
        (0.8..1.25).contains(&ratio),
        "{} vs {}",
        other.len(),
        events.len()
    );
}

#[test]
fn the_log_is_in_time_order_within_the_run() {
    let (events, summary) = run();
    assert_eq!(summary.events, events.len() as u64);
    let t = small();
    assert!(events.first().is_some_and(|e| e.at >= t.start));
    assert!(events.last().is_some_and(|e| e.at < t.end()));
    if let Some(w) = events.windows(2).find(|w| w[1].at < w[0].at) {
        panic!("time goes back: {:?} then {:?}", w[0], w[1]);
    }
}

#[test]
fn the_engine_accepts_every_input() {
    let (_, summary) = run();
    assert_eq!(summary.refused, 0, "{:?}", summary.refusals);
    assert!(summary.arrivals > 1_000, "{summary:?}");
}

#[test]
fn a_callback_that_breaks_stops_the_run() {
    let mut seen = 0;
    let summary = traffic::generate_with(&small(), |_| {
        seen += 1;
        if seen == 100 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!((seen, summary.events), (100, 100));
}

/// How many of each thing the key figures need the log holds.
#[derive(Debug, Default)]
struct Tally {
    started: u64,
    channels: BTreeMap<String, u64>,
    bot_resolved: u64,
    handoffs: BTreeMap<String, u64>,
    routed_to_queue: u64,
    accepted: u64,
    declined: u64,
    expired: u64,
    abandoned_waiting: u64,
    transfers: u64,
    reopened: u64,
    csat: u64,
    csat_4_or_5: u64,
    agent_status: u64,
    repeat_within_7_days: u64,
    messages: BTreeMap<&'static str, u64>,
    closed: BTreeMap<String, u64>,
}

fn tally(events: &[Event]) -> Tally {
    let mut t = Tally::default();
    let week = Duration::from_secs(7 * 24 * 3600);
    let mut last_start = HashMap::new();
    for e in events {
        match &e.kind {
            EventKind::Started { contact, channel } => {
                t.started += 1;
                *t.channels.entry(channel.to_string()).or_default() += 1;
                if let Some(before) = last_start.insert(contact.clone(), e.at)
                    && e.at.saturating_duration_since(before) <= week
                {
                    t.repeat_within_7_days += 1;
                }
            }
            EventKind::Transition { from, to, reason } => {
                let waiting = from.is_some_and(State::is_waiting);
                match (from, to, reason) {
                    (Some(State::Bot), State::Closed, Reason::Resolved) => t.bot_resolved += 1,
                    (Some(State::Bot), to, why) if to.is_waiting() => {
                        *t.handoffs.entry(why.to_string()).or_default() += 1;
                    }
                    (None, to, Reason::Rule(_)) if to.is_waiting() => t.routed_to_queue += 1,
                    (_, State::WithAgent, Reason::Accepted) => t.accepted += 1,
                    (_, State::Closed, Reason::Abandoned) if waiting => t.abandoned_waiting += 1,
                    (Some(State::Closed), _, Reason::Reopened) => t.reopened += 1,
                    _ => {}
                }
                if *to == State::Closed {
                    *t.closed.entry(reason.to_string()).or_default() += 1;
                }
            }
            EventKind::OfferMissed { reason } => match reason {
                Reason::Declined => t.declined += 1,
                Reason::OfferExpired => t.expired += 1,
                _ => {}
            },
            EventKind::Transferred { .. } => t.transfers += 1,
            EventKind::Csat { score } => {
                t.csat += 1;
                t.csat_4_or_5 += u64::from(*score >= 4);
            }
            EventKind::AgentStatus { .. } => t.agent_status += 1,
            EventKind::Message { from, .. } => {
                let who = match from {
                    Party::Customer => "customer",
                    Party::Bot { .. } => "bot",
                    Party::Agent { .. } => "agent",
                    _ => "system",
                };
                *t.messages.entry(who).or_default() += 1;
            }
            _ => {}
        }
    }
    t
}

#[test]
fn the_traffic_holds_what_the_key_figures_need() {
    let (events, summary) = run();
    let t = tally(events);
    println!("{summary:?}\n{t:#?}");
    assert_eq!(t.started, summary.arrivals);
    assert!(t.channels.len() >= 4, "{:?}", t.channels);
    assert!(t.bot_resolved > 0);
    for why in ["explicit_request", "low_confidence", "bot_handoff"] {
        assert!(
            t.handoffs.get(why).is_some_and(|n| *n > 0),
            "{why}: {:?}",
            t.handoffs
        );
    }
    assert!(t.routed_to_queue > 0);
    assert!(t.accepted > 0);
    assert!(t.declined > 0 && t.expired > 0, "{t:?}");
    assert!(t.abandoned_waiting > 0);
    assert!(t.transfers > 0);
    assert!(t.reopened > 0);
    assert!(t.csat > 0);
    assert!(t.agent_status > 0);
    assert!(t.repeat_within_7_days > 0);
    for who in ["customer", "bot", "agent", "system"] {
        assert!(
            t.messages.get(who).is_some_and(|n| *n > 0),
            "{who}: {:?}",
            t.messages
        );
    }
    let channels: BTreeSet<_> = t.channels.keys().map(String::as_str).collect();
    assert!(channels.is_superset(&BTreeSet::from([
        "email",
        "messenger",
        "sms",
        "webchat",
        "whatsapp"
    ])));
}

#[test]
fn the_shares_are_about_as_described() {
    let (events, _) = run();
    let t = tally(events);
    let share = |n: u64| n as f64 / t.started as f64;
    // About 40 % resolved by the bot, about a fifth from returning contacts.
    assert!((0.3..0.5).contains(&share(t.bot_resolved)), "{t:?}");
    assert!((0.1..0.3).contains(&share(t.repeat_within_7_days)), "{t:?}");
    // CSAT for about 30 % of agent-handled conversations, mostly 4 and 5.
    let handled = t.closed.get("closed_by_agent").copied().unwrap_or(0);
    assert!(
        (0.2..0.45).contains(&(t.csat as f64 / handled as f64)),
        "{t:?}"
    );
    assert!(t.csat_4_or_5 * 10 >= t.csat * 6, "{t:?}");
}
