//! Reconfigure: switching to a new configuration without losing anything.

use std::sync::Arc;
use std::time::Duration;

use switchboard::assign::{AssignError, AssignEvent, ConversationStatus, RevokeReason};
use switchboard::config::Config;
use switchboard::{QueueId, Timestamp};

use crate::*;

const TWO_QUEUES: &str = r#"
[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 3"
reply_timeout = "5m"

[[queues]]
id = "general"
"#;

const GENERAL_ONLY: &str = r#"
[[queues]]
id = "general"
"#;

fn config(src: &str) -> Arc<Config> {
    Arc::new(Config::from_toml_str(src).unwrap())
}

fn json(w: &World) -> String {
    serde_json::to_string(&w.a.snapshot()).unwrap()
}

fn since(w: &World, c: &str) -> Timestamp {
    match w.status(c) {
        Some(ConversationStatus::Waiting { since, .. }) => since,
        s => panic!("{c}: {s:?}"),
    }
}

#[test]
fn conversations_of_a_removed_queue_move_to_the_fallback_keeping_order_and_wait() {
    // Given billing with an assigned conversation and three waiting, and
    // general with one waiting (no agent for it),
    let mut w = given(TWO_QUEUES);
    w.available(profile("ana", 1).with_skill("billing", 3));
    w.enqueue(chat("b0", "billing"));
    w.offers_accepted();
    w.a.customer_wrote(w.now, &conv("b0")).unwrap();
    let assigned_since = w.now;
    w.secs(10);
    w.enqueue(chat("b1", "billing"));
    w.secs(10);
    w.enqueue(chat("g1", "general"));
    w.secs(10);
    w.enqueue(chat("b2", "billing").with_priority(3));
    w.enqueue(chat("b3", "billing"));
    w.a.set_presence(w.now, &agent("ana"), switchboard::assign::Presence::Away)
        .unwrap();
    w.secs(10);
    let waits: Vec<Timestamp> = ["b1", "b2", "b3"].iter().map(|c| since(&w, c)).collect();
    let deadline = w.a.poll_timeout();
    // when billing is merged into general,
    w.a.reconfigure(w.now, config(GENERAL_ONLY), Some(&QueueId::new("general")))
        .unwrap();
    w.check();
    // then every conversation is told it moved, in billing's service order
    // with the assigned one last,
    let moved: Vec<String> = w
        .events()
        .into_iter()
        .map(|e| match e {
            AssignEvent::Moved { ticket, from, to } => {
                assert_eq!((from.as_str(), to.as_str()), ("billing", "general"));
                ticket.to_string()
            }
            e => panic!("{e:?}"),
        })
        .collect();
    assert_eq!(moved, ["b2", "b1", "b3", "b0"]);
    // the waiting ones keep their wait and their order among themselves
    // (priority first, then longest waiting, general's g1 among them),
    assert_eq!(w.waiting("general"), ["b2", "b1", "g1", "b3"]);
    let after: Vec<Timestamp> = ["b1", "b2", "b3"].iter().map(|c| since(&w, c)).collect();
    assert_eq!(after, waits);
    // and the assigned one stays with Ana, reply deadline and all.
    assert_eq!(
        w.status("b0"),
        Some(ConversationStatus::Assigned {
            queue: QueueId::new("general"),
            agent: agent("ana"),
            since: assigned_since,
        })
    );
    assert_eq!(w.a.poll_timeout(), deadline);
    assert_eq!(w.a.agent(&agent("ana")).unwrap().total_load(), 1);
    assert_eq!(w.a.waiting(&QueueId::new("billing")), None);
}

#[test]
fn a_missing_or_unknown_fallback_is_refused_and_nothing_changes() {
    let mut w = given(TWO_QUEUES);
    w.available(profile("ana", 1).with_skill("billing", 3));
    w.enqueue(chat("b0", "billing"));
    w.enqueue(chat("b1", "billing"));
    w.events();
    let before = json(&w);
    assert_eq!(
        w.a.reconfigure(w.now, config(GENERAL_ONLY), None),
        Err(AssignError::FallbackNeeded(QueueId::new("billing")))
    );
    assert_eq!(
        w.a.reconfigure(w.now, config(GENERAL_ONLY), Some(&QueueId::new("billing"))),
        Err(AssignError::UnknownQueue(QueueId::new("billing")))
    );
    assert_eq!(
        w.a.reconfigure(w.now, config(GENERAL_ONLY), Some(&QueueId::new("nope"))),
        Err(AssignError::UnknownQueue(QueueId::new("nope")))
    );
    assert!(w.events().is_empty());
    assert_eq!(json(&w), before);
    assert_eq!(
        AssignError::FallbackNeeded(QueueId::new("billing")).to_string(),
        "queue `billing` is not in the new configuration but holds conversations; pass a fallback queue of the new configuration to move them to"
    );
}

#[test]
fn a_removed_queue_with_nothing_in_it_needs_no_fallback() {
    let mut w = given(TWO_QUEUES);
    w.enqueue(chat("g1", "general"));
    w.a.reconfigure(w.now, config(GENERAL_ONLY), None).unwrap();
    w.check();
    assert!(w.events().is_empty());
    assert_eq!(w.waiting("general"), ["g1"]);
}

#[test]
fn reconfiguring_with_the_same_configuration_changes_nothing() {
    let mut w = given(
        r#"
        [assignment]
        fairness = { max = 3, per = "1h" }
        wrap_up = "10s"

        [[queues]]
        id = "billing"
        eligible = "agent.skills.billing >= 3"
        relax = [{ after = "1m", eligible = "agent.skills.billing >= 1" }]
        aging = "30s"
        offers = 2

        [[queues]]
        id = "general"
        "#,
    );
    w.available(profile("ana", 2).with_skill("billing", 3));
    w.available(profile("bo", 2).with_skill("billing", 3));
    w.available(profile("cy", 1).with_skill("billing", 1));
    w.enqueue(chat("b0", "billing"));
    w.enqueue(chat("b1", "billing"));
    w.accept("ana", "b0");
    w.enqueue(chat("b2", "billing"));
    w.enqueue(chat("b3", "billing"));
    w.enqueue(chat("b4", "billing"));
    w.secs(20);
    w.events();
    let before = json(&w);
    // The same configuration, in another `Arc`.
    let again = Arc::new((**w.a.config()).clone());
    w.a.reconfigure(w.now, again, None).unwrap();
    w.check();
    assert!(w.events().is_empty());
    assert_eq!(json(&w), before);
}

#[test]
fn offers_of_a_changed_queue_are_revoked_and_wait_again_at_the_front() {
    let mut w = given(TWO_QUEUES);
    w.available(profile("ana", 1).with_skill("billing", 4));
    w.enqueue(chat("b0", "billing"));
    w.secs(5);
    w.enqueue(chat("b1", "billing").with_priority(50));
    assert_eq!(w.offers(), pairs(&[("b0", "ana")]));
    // Billing now wants level 4: Ana still qualifies.
    let stricter = TWO_QUEUES.replace(">= 3", ">= 4");
    w.a.reconfigure(w.now, config(&stricter), None).unwrap();
    w.check();
    let ev = w.events();
    assert_eq!(
        ev[..2],
        [
            AssignEvent::OfferRevoked {
                ticket: conv("b0"),
                agent: agent("ana"),
                reason: RevokeReason::Reconfigured
            },
            AssignEvent::Requeued {
                ticket: conv("b0"),
                queue: QueueId::new("billing"),
                front: true
            },
        ]
    );
    // At the front, ahead of the higher priority: offered again at once.
    assert!(
        matches!(&ev[2], AssignEvent::Offered { ticket, agent, .. } if ticket.as_str() == "b0" && agent.as_str() == "ana"),
        "{ev:?}"
    );
    assert_eq!(w.waiting("billing"), ["b1"]);
}

#[test]
fn offers_of_an_unchanged_queue_stand() {
    let mut w = given(TWO_QUEUES);
    w.available(profile("ana", 1));
    w.enqueue(chat("g0", "general"));
    assert_eq!(w.offers(), pairs(&[("g0", "ana")]));
    let billing_changed = TWO_QUEUES.replace(">= 3", ">= 4");
    w.a.reconfigure(w.now, config(&billing_changed), None)
        .unwrap();
    w.check();
    assert!(w.events().is_empty());
    assert!(matches!(
        w.status("g0"),
        Some(ConversationStatus::Offered { .. })
    ));
}

#[test]
fn eligibility_is_worked_out_again_and_waiting_conversations_are_offered() {
    let mut w = given(TWO_QUEUES);
    w.available(profile("bo", 2).with_skill("billing", 2));
    w.enqueue(chat("b0", "billing"));
    assert!(w.offers().is_empty());
    let looser = TWO_QUEUES.replace(">= 3", ">= 2");
    w.a.reconfigure(w.now, config(&looser), None).unwrap();
    w.check();
    assert_eq!(w.offers(), pairs(&[("b0", "bo")]));
}

#[test]
fn agents_keep_their_state_and_queues_their_estimates() {
    let mut w = given(
        r#"
        [assignment]
        wrap_up = "1m"
        [[queues]]
        id = "general"
        [[queues]]
        id = "old"
        "#,
    );
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "general"));
    w.enqueue(chat("c2", "general"));
    w.enqueue(chat("c3", "general"));
    w.secs(40);
    w.offers_accepted();
    w.secs(20);
    w.finish("c1");
    w.events();
    let ana = w.a.agent(&agent("ana")).unwrap();
    let (idle, wrap, rotation) = (ana.idle_since(), ana.wrap_up_until(), ana.rotation());
    let estimate = |w: &World| match w.status("c3") {
        Some(ConversationStatus::Waiting { estimate, .. }) => estimate,
        s => panic!("{s:?}"),
    };
    let before = estimate(&w);
    w.a.reconfigure(
        w.now,
        config("[assignment]\nwrap_up = \"1m\"\n[[queues]]\nid = \"general\""),
        None,
    )
    .unwrap();
    w.check();
    let ana = w.a.agent(&agent("ana")).unwrap();
    assert_eq!(
        (ana.idle_since(), ana.wrap_up_until(), ana.rotation()),
        (idle, wrap, rotation)
    );
    assert_eq!(estimate(&w), before);
    // Wrap-up still holds the next offer back.
    assert!(w.offers().is_empty());
    w.after(Duration::from_secs(60));
    assert_eq!(w.offers(), pairs(&[("c2", "ana")]));
}

#[test]
fn a_directed_request_stays_directed_in_the_fallback() {
    let mut w = given(TWO_QUEUES);
    w.available(profile("ana", 1).with_skill("billing", 3));
    w.available(profile("bo", 1));
    w.presence("bo", switchboard::assign::Presence::Away);
    w.enqueue(chat("t1", "billing").for_agent(agent("bo")));
    w.a.reconfigure(w.now, config(GENERAL_ONLY), Some(&QueueId::new("general")))
        .unwrap();
    w.check();
    assert!(
        w.offers().is_empty(),
        "Ana may take general's work, not Bo's"
    );
    w.presence("bo", switchboard::assign::Presence::Available);
    assert_eq!(w.offers(), pairs(&[("t1", "bo")]));
}

#[test]
fn a_host_strategy_stays_with_its_queue() {
    #[derive(Debug)]
    struct LastAdded;
    impl switchboard::assign::Strategy for LastAdded {
        fn name(&self) -> &str {
            "last_added"
        }
        fn rank(&self, agent: &switchboard::assign::AgentView<'_>) -> u64 {
            u64::MAX - agent.idle_since().as_millis()
        }
    }
    let mut w = given(TWO_QUEUES);
    w.a.set_strategy(w.now, &QueueId::new("general"), Arc::new(LastAdded))
        .unwrap();
    w.available(profile("ana", 1));
    w.secs(1);
    w.available(profile("bo", 1));
    w.a.reconfigure(w.now, config(GENERAL_ONLY), None).unwrap();
    w.check();
    w.enqueue(chat("g1", "general"));
    assert_eq!(w.offers(), pairs(&[("g1", "bo")]));
}
