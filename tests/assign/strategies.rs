//! Strategies: longest idle, least busy, round robin, most skilled, a
//! preferred agent, the fairness cap, and a host strategy.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use switchboard::QueueId;
use switchboard::assign::{AgentView, AssignEvent, Strategy};

use crate::*;

fn queue(strategy: &str) -> String {
    format!("[[queues]]\nid = \"support\"\nstrategy = \"{strategy}\"\nskill = \"billing\"\n")
}

#[test]
fn longest_idle_offers_the_agent_idle_longest() {
    let mut w = given(&queue("longest_idle"));
    w.available(profile("ana", 2));
    w.secs(10);
    w.available(profile("bo", 2));
    w.secs(10);
    w.available(profile("cy", 2));
    w.enqueue(chat("c1", "support"));
    w.enqueue(chat("c2", "support"));
    w.enqueue(chat("c3", "support"));
    w.enqueue(chat("c4", "support"));
    // Idle agents by idle time, then the busy one offered longest ago.
    assert_eq!(
        w.offers(),
        pairs(&[("c1", "ana"), ("c2", "bo"), ("c3", "cy"), ("c4", "ana")])
    );
}

#[test]
fn least_busy_offers_the_lowest_load_ratio() {
    let mut w = given(&queue("least_busy"));
    w.available(profile("small", 2));
    w.available(profile("big", 10));
    for c in ["c1", "c2", "c3", "c4"] {
        w.enqueue(chat(c, "support"));
    }
    let offers = w.offers();
    // small: 1/2 after one; big takes the next three (1/10, 2/10, 3/10 < 1/2).
    let to_big = offers.iter().filter(|(_, a)| a == "big").count();
    assert_eq!(to_big, 3, "{offers:?}");
}

#[test]
fn round_robin_gives_each_agent_n_over_k_plus_or_minus_one() {
    let mut w = given(&queue("round_robin"));
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    for n in names {
        w.available(profile(n, 1));
    }
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    let n = 100;
    for i in 0..n {
        let c = format!("c{i}");
        w.enqueue(chat(&c, "support"));
        for (c, a) in w.offers_accepted() {
            *count.entry(a).or_default() += 1;
            w.finish(&c);
        }
    }
    assert_eq!(count.values().sum::<usize>(), n);
    let k = names.len();
    for (a, got) in &count {
        assert!(
            (n / k..=n / k + 1).contains(got),
            "{a} got {got} of {n} over {k} agents: {count:?}"
        );
    }
}

#[test]
fn most_skilled_offers_the_highest_level_then_longest_idle() {
    let mut w = given(&queue("most_skilled"));
    w.available(profile("mid", 1).with_skill("billing", 5));
    w.available(profile("top", 1).with_skill("billing", 9));
    w.available(profile("none", 1));
    w.secs(1);
    w.available(profile("top2", 1).with_skill("billing", 9));
    for c in ["c1", "c2", "c3", "c4"] {
        w.enqueue(chat(c, "support"));
    }
    assert_eq!(
        w.offers(),
        pairs(&[("c1", "top"), ("c2", "top2"), ("c3", "mid"), ("c4", "none")])
    );
}

#[test]
fn a_returning_customer_waits_for_their_last_agent_then_anyone() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.available(profile("bo", 1));
    // Ana is busy; the customer's last agent was Ana.
    w.enqueue(chat("other", "support"));
    let first = w.offers_accepted();
    let busy = first[0].1.clone();
    let free = if busy == "ana" { "bo" } else { "ana" };
    w.enqueue(chat("back", "support").with_preferred(agent(&busy), Some(Duration::from_secs(60))));
    // The free agent is not offered it while the wait for the busy one lasts,
    assert!(w.offers().is_empty());
    // and when the preferred agent frees up within the wait, they get it.
    w.secs(30);
    w.finish("other");
    assert_eq!(w.offers(), pairs(&[("back", &busy)]));

    // Again, but the preferred agent stays busy past the wait.
    w.accept(&busy, "back");
    w.events();
    w.enqueue(chat("again", "support").with_preferred(agent(&busy), None));
    assert!(w.offers().is_empty());
    w.secs(60); // the configured default wait
    let ev = w.events();
    assert_eq!(
        ev[0],
        AssignEvent::PreferenceExpired {
            ticket: conv("again"),
            agent: agent(&busy)
        }
    );
    assert!(matches!(&ev[1], AssignEvent::Offered { agent, .. } if agent.as_str() == free));
}

#[test]
fn the_fairness_cap_limits_assignments_per_window() {
    // At most 2 assignments per agent per hour.
    let mut w = given(
        r#"
        [assignment]
        fairness = { max = 2, per = "1h" }
        [[queues]]
        id = "support"
        "#,
    );
    w.available(profile("ana", 5));
    for c in ["c1", "c2", "c3"] {
        w.enqueue(chat(c, "support"));
    }
    assert_eq!(w.offers_accepted().len(), 2);
    assert_eq!(w.waiting("support"), ["c3"]);
    // An hour after the first assignment, room for one more.
    w.secs(3600);
    assert_eq!(w.offers(), pairs(&[("c3", "ana")]));
}

#[derive(Debug)]
struct Alphabetical;

impl Strategy for Alphabetical {
    fn name(&self) -> &str {
        "alphabetical"
    }
    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        // The first letter decides.
        u64::from(agent.id().as_str().as_bytes()[0])
    }
}

#[test]
fn a_host_strategy_plugs_in() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.a.set_strategy(w.now, &QueueId::new("support"), Arc::new(Alphabetical))
        .unwrap();
    w.available(profile("zoe", 1));
    w.secs(5);
    w.available(profile("adam", 1));
    w.available(profile("mia", 1));
    for c in ["c1", "c2", "c3"] {
        w.enqueue(chat(c, "support"));
    }
    assert_eq!(
        w.offers(),
        pairs(&[("c1", "adam"), ("c2", "mia"), ("c3", "zoe")])
    );
}

#[test]
fn a_preferred_agent_who_declines_ends_the_wait_for_them() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.available(profile("bo", 1));
    w.enqueue(chat("back", "support").with_preferred(agent("bo"), None));
    assert_eq!(w.offers(), pairs(&[("back", "bo")]));
    w.decline("bo", "back");
    let ev = w.events();
    assert!(ev.contains(&AssignEvent::PreferenceExpired {
        ticket: conv("back"),
        agent: agent("bo")
    }));
    assert!(
        ev.iter()
            .any(|e| matches!(e, AssignEvent::Offered { agent, .. } if agent.as_str() == "ana"))
    );
}

#[derive(Debug)]
struct Backwards;

impl Strategy for Backwards {
    fn name(&self) -> &str {
        // The same name as a built-in: it must not share its ordering.
        "longest_idle"
    }
    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        u64::MAX - agent.idle_since().as_millis()
    }
}

#[test]
fn a_host_strategy_named_like_a_built_in_keeps_its_own_order() {
    let mut w = given("[[queues]]\nid = \"a\"\n[[queues]]\nid = \"b\"");
    w.a.set_strategy(w.now, &QueueId::new("b"), Arc::new(Backwards))
        .unwrap();
    w.available(profile("first", 1));
    w.secs(5);
    w.available(profile("second", 1));
    w.enqueue(chat("to-b", "b"));
    assert_eq!(w.offers(), pairs(&[("to-b", "second")]));
    w.enqueue(chat("to-a", "a"));
    assert_eq!(w.offers(), pairs(&[("to-a", "first")]));
}
