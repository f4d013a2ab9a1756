//! Nothing lost or stuck: agents leaving, grace, reply timeout, draining.

use switchboard::assign::{AssignEvent, Presence, UnassignReason};

use crate::*;

#[test]
fn an_agent_going_offline_requeues_everything_at_the_front_with_its_wait() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 2));
    w.enqueue(chat("c1", "support"));
    w.enqueue(chat("c2", "support"));
    w.accept("ana", "c1"); // c2 stays offered
    w.events();
    w.secs(5);
    w.enqueue(chat("later", "support"));
    w.presence("ana", Presence::Offline);
    let ev = w.events();
    assert!(ev.contains(&AssignEvent::Unassigned {
        ticket: conv("c1"),
        agent: agent("ana"),
        reason: UnassignReason::AgentOffline
    }));
    // Both go ahead of the conversation that arrived after, in their
    // original order, keeping their wait.
    assert_eq!(w.waiting("support"), ["c1", "c2", "later"]);
    match w.status("c1").unwrap() {
        switchboard::assign::ConversationStatus::Waiting { since, .. } => {
            assert_eq!(
                since,
                w.now.saturating_sub(std::time::Duration::from_secs(5))
            )
        }
        s => panic!("{s:?}"),
    }
    assert!(w.a.tickets_of(&agent("ana")).is_empty());
}

#[test]
fn requeued_conversations_go_ahead_of_higher_priority_ones() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    w.enqueue(chat("vip", "support").with_priority(100));
    w.a.remove_agent(w.now, &agent("ana")).unwrap();
    w.check();
    assert_eq!(w.waiting("support"), ["c1", "vip"]);
    assert!(w.a.agent(&agent("ana")).is_none());
}

#[test]
fn within_the_offline_grace_an_agent_who_returns_keeps_their_conversations() {
    let mut w = given(
        r#"
        [assignment]
        offline_grace = "2m"
        [[queues]]
        id = "support"
        "#,
    );
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    // A dropped connection: back within a minute.
    w.presence("ana", Presence::Offline);
    w.secs(60);
    w.presence("ana", Presence::Available);
    w.secs(120);
    assert_eq!(w.holder("c1").as_deref(), Some("ana"));
    // Gone for good: after the grace period it is requeued.
    w.presence("ana", Presence::Offline);
    w.secs(119);
    assert_eq!(w.holder("c1").as_deref(), Some("ana"));
    w.secs(1);
    assert_eq!(w.waiting("support"), ["c1"]);
}

#[test]
fn an_agent_who_does_not_reply_in_time_loses_the_conversation_to_another() {
    let mut w = given(
        r#"
        [[queues]]
        id = "support"
        reply_timeout = "5m"
        "#,
    );
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    w.available(profile("bo", 1));
    // Ana replies once; the customer writes again; she goes quiet.
    w.secs(60);
    w.a.agent_replied(w.now, &conv("c1")).unwrap();
    w.secs(600);
    assert_eq!(w.holder("c1").as_deref(), Some("ana"), "nothing awaited");
    w.a.customer_wrote(w.now, &conv("c1")).unwrap();
    w.secs(300);
    let ev = w.events();
    assert_eq!(
        ev[0],
        AssignEvent::Unassigned {
            ticket: conv("c1"),
            agent: agent("ana"),
            reason: UnassignReason::ReplyTimeout
        }
    );
    assert!(
        ev.iter()
            .any(|e| matches!(e, AssignEvent::Offered { agent, .. } if agent.as_str() == "bo"))
    );
}

#[test]
fn the_backlog_drains_as_soon_as_agents_free_up() {
    // Given five conversations waiting and nobody signed in,
    let mut w = given("[[queues]]\nid = \"support\"");
    for i in 0..5 {
        w.enqueue(chat(&format!("c{i}"), "support"));
    }
    // when an agent with room for three signs in, they get three at once;
    w.available(profile("ana", 3));
    assert_eq!(w.offers().len(), 3);
    // when a second signs in, the other two go to them;
    w.available(profile("bo", 3));
    assert_eq!(w.offers().len(), 2);
    assert!(w.waiting("support").is_empty());
}

#[test]
fn finishing_a_waiting_conversation_removes_it_and_unknown_ones_are_refused() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.enqueue(chat("c1", "support"));
    w.finish("c1");
    assert_eq!(w.status("c1"), None);
    assert!(w.a.finish(w.now, &conv("c1")).is_err());
    assert!(w.a.is_empty());
}
