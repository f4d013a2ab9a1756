//! Agents: capacity, presence, wrap-up, profile changes.

use switchboard::ChannelKind;
use switchboard::assign::{AgentProfile, AssignError, Capacity, Presence};

use crate::*;

const ONE_QUEUE: &str = r#"
[[queues]]
id = "support"
"#;

#[test]
fn an_agent_is_never_offered_more_than_their_capacity_per_channel() {
    // Given Ana, who takes 2 web chats and 1 SMS at once,
    let mut w = given(ONE_QUEUE);
    w.available(AgentProfile::new("ana").with_capacity(Capacity::new([
        (ChannelKind::WebChat, 2),
        (ChannelKind::Sms, 1),
    ])));
    // when three chats and two SMS arrive,
    for c in ["c1", "c2", "c3"] {
        w.enqueue(chat(c, "support"));
    }
    for c in ["s1", "s2"] {
        w.enqueue(Request::new(c, "support", ChannelKind::Sms));
    }
    // then she is offered two chats and one SMS; the rest wait.
    let offered = w.offers();
    assert_eq!(
        offered,
        pairs(&[("c1", "ana"), ("c2", "ana"), ("s1", "ana")])
    );
    assert_eq!(w.waiting("support"), ["c3", "s2"]);
    // And when she finishes a chat, the waiting chat is offered at once.
    w.accept("ana", "c1");
    w.finish("c1");
    assert_eq!(w.offers(), pairs(&[("c3", "ana")]));
}

#[test]
fn a_weighted_budget_caps_the_mix_of_channels() {
    // Given Bo: a voice call costs 6 of 6 units, a chat 2.
    let mut w = given(ONE_QUEUE);
    w.available(
        AgentProfile::new("bo").with_capacity(
            Capacity::new([(ChannelKind::Voice, 1), (ChannelKind::WebChat, 3)])
                .with_budget(6, [(ChannelKind::Voice, 6), (ChannelKind::WebChat, 2)]),
        ),
    );
    // When a chat is assigned, a call cannot be (2 + 6 > 6),
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    w.enqueue(Request::new("v1", "support", ChannelKind::Voice));
    assert!(w.offers().is_empty());
    // but two more chats can.
    w.enqueue(chat("c2", "support"));
    w.enqueue(chat("c3", "support"));
    assert_eq!(w.offers(), pairs(&[("c2", "bo"), ("c3", "bo")]));
    let bo = w.a.agent(&agent("bo")).unwrap();
    assert_eq!(bo.load(&ChannelKind::WebChat), 3);
    assert_eq!(bo.load_permille(), 1000);
}

#[test]
fn away_keeps_the_work_and_takes_nothing_new() {
    let mut w = given(ONE_QUEUE);
    w.available(profile("ana", 3));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    // When Ana goes away,
    w.presence("ana", Presence::Away);
    w.enqueue(chat("c2", "support"));
    // then she keeps c1 and is not offered c2,
    assert_eq!(w.holder("c1").as_deref(), Some("ana"));
    assert!(w.offers().is_empty());
    // until she is back.
    w.presence("ana", Presence::Available);
    assert_eq!(w.offers(), pairs(&[("c2", "ana")]));
}

#[test]
fn wrap_up_delays_the_next_offer() {
    // Given 30 s of wrap-up after each conversation,
    let mut w = given(
        r#"
        [assignment]
        wrap_up = "30s"
        [[queues]]
        id = "support"
        "#,
    );
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    w.enqueue(chat("c2", "support"));
    // when Ana closes c1,
    w.finish("c1");
    // then c2 waits through her wrap-up, and is offered when it ends.
    assert!(w.offers().is_empty());
    assert_eq!(
        w.a.poll_timeout(),
        Some(w.now + std::time::Duration::from_secs(30))
    );
    w.secs(29);
    assert!(w.offers().is_empty());
    w.secs(1);
    assert_eq!(w.offers(), pairs(&[("c2", "ana")]));
}

#[test]
fn a_queue_wrap_up_overrides_the_default() {
    let mut w = given(
        r#"
        [assignment]
        wrap_up = "30s"
        [[queues]]
        id = "support"
        wrap_up = "0s"
        "#,
    );
    w.available(profile("ana", 1));
    w.enqueue(chat("c1", "support"));
    w.offers_accepted();
    w.enqueue(chat("c2", "support"));
    w.finish("c1");
    assert_eq!(w.offers(), pairs(&[("c2", "ana")]));
}

#[test]
fn a_profile_update_takes_effect_at_once() {
    // Given a billing queue and Ana without the skill,
    let mut w = given(
        r#"
        [[queues]]
        id = "billing"
        eligible = "agent.skills.billing >= 2"
        "#,
    );
    w.available(profile("ana", 2));
    w.enqueue(chat("c1", "billing"));
    assert!(w.offers().is_empty());
    // when she gains the skill, she is offered the waiting conversation,
    w.a.upsert_agent(w.now, profile("ana", 2).with_skill("billing", 2))
        .unwrap();
    w.check();
    assert_eq!(w.offers(), pairs(&[("c1", "ana")]));
    // and her presence is kept across the update.
    assert_eq!(
        w.a.agent(&agent("ana")).unwrap().presence(),
        Presence::Available
    );
}

#[test]
fn new_agents_start_offline_and_invalid_profiles_are_refused() {
    let mut w = given(ONE_QUEUE);
    w.a.upsert_agent(w.now, profile("ana", 1)).unwrap();
    w.enqueue(chat("c1", "support"));
    assert!(w.offers().is_empty());
    let err =
        w.a.upsert_agent(w.now, profile("bo", 1).with_skill("x", 11))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "skill `x` has level 11; levels go from 0 to 10"
    );
    assert!(w.a.agent(&agent("bo")).is_none());
    assert_eq!(
        w.a.set_presence(w.now, &agent("bo"), Presence::Available),
        Err(AssignError::UnknownAgent(agent("bo")))
    );
}

#[test]
fn capacity_lowered_below_the_load_keeps_the_work_and_offers_nothing() {
    let mut w = given(ONE_QUEUE);
    w.available(profile("ana", 3));
    for c in ["c1", "c2", "c3"] {
        w.enqueue(chat(c, "support"));
    }
    w.offers_accepted();
    w.a.upsert_agent(w.now, profile("ana", 1)).unwrap();
    w.check();
    w.enqueue(chat("c4", "support"));
    assert!(w.offers().is_empty());
    assert_eq!(w.a.tickets_of(&agent("ana")).len(), 3);
    w.finish("c1");
    w.finish("c2");
    assert!(w.offers().is_empty(), "still at 1 of 1");
    w.finish("c3");
    assert_eq!(w.offers(), pairs(&[("c4", "ana")]));
}
