//! Directed requests: a conversation that only one named agent may take
//! (a transfer to a named agent).

use switchboard::assign::{AssignError, AssignEvent, ConversationStatus, MissReason, Presence};
use switchboard::{ChannelKind, QueueId};

use crate::*;

const BILLING: &str = r#"
[assignment]
wrap_up = "30s"

[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 3"
"#;

#[test]
fn a_directed_request_is_offered_to_its_agent_only_whatever_the_eligibility() {
    // Given Ana, a billing expert, idle for longest, and Bo, who has no
    // billing skill,
    let mut w = given(BILLING);
    w.available(profile("ana", 2).with_skill("billing", 5));
    w.secs(1);
    w.available(profile("bo", 2));
    // when a billing conversation is transferred to Bo,
    w.enqueue(chat("t1", "billing").for_agent(agent("bo")));
    // then Bo is offered it, not Ana.
    assert_eq!(w.offers(), pairs(&[("t1", "bo")]));
    w.accept("bo", "t1");
    assert_eq!(w.holder("t1").as_deref(), Some("bo"));
}

#[test]
fn it_waits_for_its_agent_and_is_offered_as_soon_as_they_are_ready() {
    let mut w = given(BILLING);
    w.available(profile("ana", 2).with_skill("billing", 5));
    w.available(profile("cy", 1).with_skill("billing", 5));
    w.presence("cy", Presence::Away);
    w.events();
    let status = w.enqueue(chat("t1", "billing").for_agent(agent("cy")));
    // Ana is idle and eligible, but it is not hers.
    assert!(w.offers().is_empty());
    assert!(matches!(
        status,
        ConversationStatus::Waiting {
            position: 1,
            estimate: None,
            ..
        }
    ));
    // It waits in its queue, but not in the queue's shared line.
    assert!(w.waiting("billing").is_empty());
    assert_eq!(
        w.a.queue_stats(&QueueId::new("billing")).unwrap().waiting,
        0
    );
    w.secs(600);
    assert!(w.offers().is_empty(), "it neither expires nor relaxes");
    w.presence("cy", Presence::Available);
    assert_eq!(w.offers(), pairs(&[("t1", "cy")]));
}

#[test]
fn declined_or_expired_it_stays_waiting_and_is_never_offered_again() {
    let mut w = given(BILLING);
    w.available(profile("ana", 3).with_skill("billing", 5));
    w.available(profile("bo", 3));
    w.enqueue(chat("t1", "billing").for_agent(agent("bo")));
    w.enqueue(chat("t2", "billing").for_agent(agent("bo")));
    assert_eq!(w.offers(), pairs(&[("t1", "bo"), ("t2", "bo")]));
    // Bo declines one and lets the other expire.
    w.decline("bo", "t1");
    let ev = w.events();
    assert_eq!(
        ev,
        [
            AssignEvent::OfferMissed {
                ticket: conv("t1"),
                agent: agent("bo"),
                reason: MissReason::Declined
            },
            AssignEvent::Requeued {
                ticket: conv("t1"),
                queue: QueueId::new("billing"),
                front: false
            }
        ]
    );
    w.secs(30);
    let ev = w.events();
    assert!(ev.contains(&AssignEvent::OfferMissed {
        ticket: conv("t2"),
        agent: agent("bo"),
        reason: MissReason::Expired
    }));
    assert!(!ev.iter().any(|e| matches!(e, AssignEvent::Offered { .. })));
    // Bo has room and is available, Ana too: neither is offered them,
    // however long they wait, until the host finishes them.
    w.secs(3600);
    w.presence("bo", Presence::Away);
    w.presence("bo", Presence::Available);
    assert!(w.offers().is_empty());
    for c in ["t1", "t2"] {
        assert!(matches!(
            w.status(c),
            Some(ConversationStatus::Waiting { .. })
        ));
    }
    w.finish("t1");
    w.finish("t2");
    assert!(w.a.is_empty());
}

#[test]
fn room_on_its_channel_wrap_up_and_the_fairness_cap_are_respected() {
    let mut w = given(
        r#"
        [assignment]
        wrap_up = "30s"
        fairness = { max = 2, per = "1h" }

        [[queues]]
        id = "support"
        "#,
    );
    w.available(profile("bo", 1));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    // Bo is full on web chat: the transfer waits.
    w.enqueue(chat("t1", "support").for_agent(agent("bo")));
    assert!(w.offers().is_empty());
    // He finishes c1: wrap-up first, then the transfer.
    w.finish("c1");
    assert!(w.offers().is_empty());
    w.secs(30);
    assert_eq!(w.offers(), pairs(&[("t1", "bo")]));
    w.accept("bo", "t1");
    w.finish("t1");
    w.secs(30);
    // Two assignments this hour: the cap holds the next transfer back.
    w.enqueue(chat("t2", "support").for_agent(agent("bo")));
    assert!(w.offers().is_empty());
    assert!(w.a.check_invariants().is_ok());
}

#[test]
fn a_request_directed_to_an_unknown_agent_is_refused() {
    let mut w = given(BILLING);
    assert_eq!(
        w.a.enqueue(w.now, chat("t1", "billing").for_agent(agent("nobody"))),
        Err(AssignError::UnknownAgent(agent("nobody")))
    );
    assert!(w.a.is_empty());
}

#[test]
fn the_queue_size_limit_and_business_hours_do_not_hold_it_back() {
    // Closed all week (a calendar with no shifts), room for one.
    let mut w = given(
        r#"
        [calendars.never]
        timezone = "UTC"

        [[queues]]
        id = "support"
        calendar = "never"
        max_size = 1
        "#,
    );
    w.available(profile("ana", 3));
    w.enqueue(chat("c1", "support"));
    assert!(w.offers().is_empty(), "closed");
    w.enqueue(chat("t1", "support").for_agent(agent("ana")));
    assert_eq!(w.offers(), pairs(&[("t1", "ana")]));
    w.presence("ana", Presence::Away);
    w.enqueue(chat("t2", "support").for_agent(agent("ana")));
    w.enqueue(chat("t3", "support").for_agent(agent("ana")));
    // Their place among the requests directed to Ana.
    assert!(matches!(
        w.status("t3"),
        Some(ConversationStatus::Waiting { position: 2, .. })
    ));
}

#[test]
fn once_accepted_it_goes_back_to_the_shared_line_like_any_other() {
    let mut w = given(BILLING);
    w.available(profile("ana", 2).with_skill("billing", 5));
    w.available(profile("bo", 2));
    w.presence("ana", Presence::Away);
    w.enqueue(chat("t1", "billing").for_agent(agent("bo")));
    w.offers_accepted();
    // Bo signs out: the conversation goes back to billing's line and Ana,
    // eligible and back, takes it.
    w.presence("bo", Presence::Offline);
    assert_eq!(w.waiting("billing"), ["t1"]);
    w.presence("ana", Presence::Available);
    assert_eq!(w.offers(), pairs(&[("t1", "ana")]));
}

#[test]
fn a_revoked_offer_waits_for_the_agent_to_come_back() {
    let mut w = given(BILLING);
    w.available(profile("ana", 2).with_skill("billing", 5));
    w.available(profile("bo", 2));
    w.enqueue(
        switchboard::assign::Request::new("t1", "billing", ChannelKind::Sms).for_agent(agent("bo")),
    );
    // Bo works web chat only: no room on SMS.
    assert!(w.offers().is_empty());
    w.a.upsert_agent(
        w.now,
        profile("bo", 2).with_capacity(switchboard::assign::Capacity::new([(ChannelKind::Sms, 1)])),
    )
    .unwrap();
    assert_eq!(w.offers(), pairs(&[("t1", "bo")]));
    // Offline before answering: revoked, not missed; back, offered again.
    w.presence("bo", Presence::Offline);
    assert!(w.offers().is_empty());
    w.presence("bo", Presence::Available);
    assert_eq!(w.offers(), pairs(&[("t1", "bo")]));
    // Removed: it waits for an agent with that id.
    w.a.remove_agent(w.now, &agent("bo")).unwrap();
    w.check();
    assert!(w.offers().is_empty());
    w.available(
        profile("bo", 0).with_capacity(switchboard::assign::Capacity::new([(ChannelKind::Sms, 1)])),
    );
    assert_eq!(w.offers(), pairs(&[("t1", "bo")]));
}
