//! Offers: expiry, decline, missed offers, multi-offer.

use switchboard::assign::{AssignError, AssignEvent, MissReason, Presence, RevokeReason};

use crate::*;

#[test]
fn an_offer_expires_after_the_offer_timeout_and_moves_on_keeping_its_place() {
    let mut w = given(
        r#"
        [[queues]]
        id = "support"
        offer_timeout = "20s"
        "#,
    );
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    w.secs(1);
    w.enqueue(chat("c2", "support"));
    assert_eq!(w.offers(), pairs(&[("c1", "ana")]));
    w.available(profile("bo", 1));
    assert_eq!(w.offers(), pairs(&[("c2", "bo")]));
    // Ana lets it expire after 20 s; Bo declines c2 meanwhile.
    w.secs(18);
    w.decline("bo", "c2");
    // c2 has nobody else (Ana holds c1): it is offered back to Bo.
    let ev = w.events();
    assert!(ev.contains(&AssignEvent::OfferMissed {
        ticket: conv("c2"),
        agent: agent("bo"),
        reason: MissReason::Declined
    }));
    assert!(ev.iter().any(|e| matches!(e, AssignEvent::Offered { ticket, agent, .. } if ticket.as_str() == "c2" && agent.as_str() == "bo")));
    w.secs(1);
    let ev = w.events();
    assert_eq!(
        ev[0],
        AssignEvent::OfferMissed {
            ticket: conv("c1"),
            agent: agent("ana"),
            reason: MissReason::Expired
        }
    );
    // Nobody else is free (Bo holds c2): it is offered to Ana again.
    assert!(
        matches!(&ev[2], AssignEvent::Offered { ticket, agent, .. } if ticket.as_str() == "c1" && agent.as_str() == "ana"),
        "{ev:?}"
    );
}

#[test]
fn a_late_accept_of_an_expired_offer_is_refused() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.secs(1);
    w.available(profile("bo", 1));
    w.enqueue(chat("c1", "support"));
    assert_eq!(w.offers(), pairs(&[("c1", "ana")]));
    w.secs(30);
    assert_eq!(w.offers(), pairs(&[("c1", "bo")]));
    assert_eq!(
        w.a.accept(w.now, &agent("ana"), &conv("c1")),
        Err(AssignError::NotOffered {
            ticket: conv("c1"),
            agent: agent("ana")
        })
    );
    w.accept("bo", "c1");
}

#[test]
fn a_declined_conversation_goes_to_the_next_agent_first() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.secs(1);
    w.available(profile("bo", 1));
    w.enqueue(chat("c1", "support"));
    assert_eq!(w.offers(), pairs(&[("c1", "ana")]));
    w.decline("ana", "c1");
    assert_eq!(w.offers(), pairs(&[("c1", "bo")]));
    w.accept("bo", "c1");
    assert_eq!(w.holder("c1").as_deref(), Some("bo"));
}

#[test]
fn after_n_missed_offers_in_a_row_the_agent_is_set_away() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    // Three offers of 30 s (the default) pass unanswered.
    w.secs(30);
    w.secs(30);
    w.events();
    w.secs(30);
    let ev = w.events();
    assert!(
        ev.contains(&AssignEvent::AgentAway {
            agent: agent("ana"),
            missed: 3
        }),
        "{ev:?}"
    );
    assert_eq!(w.a.agent(&agent("ana")).unwrap().presence(), Presence::Away);
    assert_eq!(w.waiting("support"), ["c1"]);
    // Coming back clears the count.
    w.presence("ana", Presence::Available);
    assert_eq!(w.a.agent(&agent("ana")).unwrap().missed_offers(), 0);
}

#[test]
fn multi_offer_first_accept_wins_and_the_others_are_revoked() {
    let mut w = given(
        r#"
        [[queues]]
        id = "support"
        offers = 2
        "#,
    );
    w.available(profile("ana", 1));
    w.available(profile("bo", 1));
    w.available(profile("cy", 1));
    w.enqueue(chat("c1", "support"));
    let offers = w.offers();
    assert_eq!(offers, pairs(&[("c1", "ana"), ("c1", "bo")]));
    w.accept("bo", "c1");
    let ev = w.events();
    assert!(ev.contains(&AssignEvent::OfferRevoked {
        ticket: conv("c1"),
        agent: agent("ana"),
        reason: RevokeReason::Taken
    }));
    // Ana's reservation is gone: she can take the next one.
    w.enqueue(chat("c2", "support"));
    assert_eq!(w.offers(), pairs(&[("c2", "ana"), ("c2", "cy")]));
    // A double accept by the holder is harmless; a late one is refused.
    w.accept("ana", "c2");
    w.accept("ana", "c2");
    assert!(w.a.accept(w.now, &agent("cy"), &conv("c2")).is_err());
    assert_eq!(w.holder("c2").as_deref(), Some("ana"));
}
