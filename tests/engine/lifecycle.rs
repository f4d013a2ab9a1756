//! Offers, business hours, closing, surveys, reopening, holds.

use switchboard::engine::{Action, BotTurn, Closer, EventKind, Input, InputError};
use switchboard::handoff::{Party, Reason, State};
use switchboard::{AgentId, ChannelKind, ConversationId};

use crate::{World, mins, secs};

fn escalated() -> World {
    let mut w = World::new();
    w.chat("v1", "Where is order 1042?");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("I could not find it.")
            .intent("order_status", 0.9)
            .handoff("order not found"),
    );
    w
}

#[test]
fn the_offer_carries_the_whole_story() {
    let mut w = escalated();
    w.agent("ana");
    let Some(Action::Offer {
        agent,
        context,
        queue,
        ..
    }) = w.actions.iter().find(|a| matches!(a, Action::Offer { .. }))
    else {
        panic!("no offer: {:?}", w.actions)
    };
    assert_eq!(agent.as_str(), "ana");
    assert_eq!(queue.as_str(), "support");
    assert_eq!(context.reason, Some(Reason::BotHandoff));
    assert_eq!(context.intent.as_deref(), Some("order_status"));
    assert_eq!(context.confidence, Some(0.9));
    assert_eq!(context.channels, [ChannelKind::WebChat]);
    let customer: Vec<&str> = context.customer_messages().collect();
    assert_eq!(customer, ["Where is order 1042?"]);
    assert!(
        context
            .transcript
            .iter()
            .any(|e| matches!(e.from, Party::Bot { .. }) && e.text == "I could not find it.")
    );
    assert!(context.notes.iter().any(|n| n.text == "order not found"));
    assert_eq!(w.state("c1"), State::Offered);
}

#[test]
fn accept_assigns_and_a_double_accept_is_ignored() {
    let mut w = escalated();
    w.agent("ana");
    w.accept("ana", "c1");
    assert_eq!(w.state("c1"), State::WithAgent);
    let assigned = |w: &World| {
        w.actions
            .iter()
            .filter(|a| matches!(a, Action::Assigned { .. }))
            .count()
    };
    assert_eq!(assigned(&w), 1);
    w.accept("ana", "c1");
    assert_eq!(assigned(&w), 1);
    assert!(matches!(
        w.events.last().unwrap().kind,
        EventKind::Duplicate { .. }
    ));
}

#[test]
fn accepting_an_expired_offer_is_refused_and_changes_nothing() {
    let mut w = escalated();
    w.agent("ana");
    w.agent("bea");
    assert_eq!(w.offers_to("ana"), 1);
    w.wait(secs(30));
    assert!(w.actions.iter().any(|a| matches!(a, Action::RevokeOffer { agent, reason: Reason::OfferExpired, .. } if agent.as_str() == "ana")));
    assert_eq!(w.offers_to("bea"), 1, "it moved on to bea");
    let before = w.snapshot_json();
    let err = w
        .try_give(Input::AgentAccept {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
        })
        .unwrap_err();
    assert!(matches!(err, InputError::NotOffered { .. }), "{err}");
    assert_eq!(w.snapshot_json(), before);
}

#[test]
fn decline_offers_it_to_the_next_agent() {
    let mut w = escalated();
    w.agent("ana");
    w.agent("bea");
    let first = w
        .actions
        .iter()
        .find_map(|a| match a {
            Action::Offer { agent, .. } => Some(agent.clone()),
            _ => None,
        })
        .unwrap();
    let other = if first.as_str() == "ana" {
        "bea"
    } else {
        "ana"
    };
    w.give(Input::AgentDecline {
        agent: first.clone(),
        conversation: ConversationId::new("c1"),
    });
    assert_eq!(w.offers_to(other), 1);
    assert_eq!(w.state("c1"), State::Offered);
    // A second decline of the same offer is a retry.
    w.give(Input::AgentDecline {
        agent: first,
        conversation: ConversationId::new("c1"),
    });
    assert!(matches!(
        w.events.last().unwrap().kind,
        EventKind::Duplicate { .. }
    ));
}

#[test]
fn outside_business_hours_the_customer_is_told_when_we_open_and_served_then() {
    let mut w = World::new();
    // Friday 2026-11-27 19:00 Berlin is after hours.
    w.now = switchboard::Timestamp::from_millis(crate::MONDAY_10 + 4 * 86_400_000 + 8 * 3_600_000);
    w.chat("v1", "I need a refund");
    assert_eq!(w.state("c1"), State::AfterHours);
    let notice = w.sent().last().unwrap().to_string();
    assert!(notice.contains("Monday 09:00 (Europe/Berlin)"), "{notice}");
    // Leave a message.
    w.chat("v1", "Order 1042, paid twice.");
    assert_eq!(w.state("c1"), State::AfterHours);
    w.agent("ana");
    assert_eq!(w.offers_to("ana"), 0);
    // Monday 09:00 Berlin.
    w.wait(mins(60 * 62));
    assert_eq!(w.state("c1"), State::Offered);
    let Some(Action::Offer { context, .. }) = w
        .actions
        .iter()
        .rev()
        .find(|a| matches!(a, Action::Offer { .. }))
    else {
        panic!()
    };
    assert_eq!(
        context.customer_messages().collect::<Vec<_>>(),
        ["I need a refund", "Order 1042, paid twice."]
    );
    assert!(w.transitions("c1").contains(&(
        Some(State::AfterHours),
        State::Queued,
        Reason::QueueOpened
    )));
}

#[test]
fn agent_replies_reach_the_customer_and_the_first_is_recorded() {
    let mut w = escalated();
    w.agent("ana");
    w.accept("ana", "c1");
    w.clear();
    w.give(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Hi, I am Ana. Let me check order 1042.".into(),
    });
    assert!(
        matches!(&w.actions[..], [Action::Send { channel: ChannelKind::WebChat, part, from: Party::Agent { .. }, .. }] if part.as_text().is_some_and(|t| t.starts_with("Hi, I am Ana")))
    );
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::FirstResponse { .. }))
    );
    // The customer's reply goes to Ana.
    w.clear();
    w.chat("v1", "Thanks!");
    assert!(
        matches!(&w.actions[..], [Action::Deliver { agent, text, .. }] if agent.as_str() == "ana" && text == "Thanks!")
    );
}

#[test]
fn messages_to_a_conversation_that_is_not_yours_are_refused() {
    let mut w = escalated();
    w.agent("ana");
    w.agent("bea");
    w.accept("ana", "c1");
    let before = w.snapshot_json();
    let err = w
        .try_give(Input::AgentMessage {
            agent: AgentId::new("bea"),
            conversation: ConversationId::new("c1"),
            content: "hello".into(),
        })
        .unwrap_err();
    assert!(matches!(err, InputError::NotYours { .. }), "{err}");
    assert_eq!(w.snapshot_json(), before);
}

#[test]
fn closing_by_the_customer_while_waiting_is_an_abandonment() {
    let mut w = escalated();
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Customer,
        agent: None,
    });
    assert_eq!(w.state("c1"), State::Closed);
    assert_eq!(
        w.transitions("c1").last().unwrap(),
        &(Some(State::Queued), State::Closed, Reason::Abandoned)
    );
    assert_eq!(w.sb.waiting(&"support".into()).unwrap().len(), 0);
}

#[test]
fn silence_after_an_agent_message_closes_and_then_the_survey_is_answered() {
    let mut w = escalated();
    w.agent("ana");
    w.accept("ana", "c1");
    w.give(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Anything else?".into(),
    });
    w.wait(mins(29));
    assert_eq!(w.state("c1"), State::WithAgent);
    w.wait(mins(1));
    assert_eq!(w.state("c1"), State::Closed);
    assert_eq!(w.transitions("c1").last().unwrap().2, Reason::Inactivity);
    let sent = w.sent();
    assert!(sent[sent.len() - 2].starts_with("We closed this conversation"));
    assert!(sent[sent.len() - 1].starts_with("How did we do?"));
    // The customer answers the survey: recorded, not reopened.
    w.chat("v1", " 5 ");
    assert_eq!(w.state("c1"), State::Closed);
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Csat { score: 5 }))
    );
    assert_eq!(w.sb.conversation(&"c1".into()).unwrap().csat(), Some(5));
    assert_eq!(*w.sent().last().unwrap(), "Thank you for your feedback!");
}

#[test]
fn a_csat_input_outside_one_to_five_is_refused() {
    let mut w = escalated();
    let err = w
        .try_give(Input::Csat {
            conversation: ConversationId::new("c1"),
            score: 7,
        })
        .unwrap_err();
    assert!(matches!(err, InputError::Score(7)));
}

#[test]
fn a_customer_who_writes_again_within_the_window_goes_back_to_the_last_agent() {
    let mut w = escalated();
    w.agent("ana");
    w.agent("bea");
    let first = w
        .actions
        .iter()
        .find_map(|a| match a {
            Action::Offer { agent, .. } => Some(agent.to_string()),
            _ => None,
        })
        .unwrap();
    w.accept(&first, "c1");
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Agent,
        agent: Some(AgentId::new(&*first)),
    });
    w.wait(mins(60));
    w.clear();
    w.chat("v1", "One more thing about 1042");
    assert_eq!(
        w.transitions("c1")[0],
        (Some(State::Closed), State::Queued, Reason::Reopened)
    );
    let offered: Vec<String> = w
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Offer { agent, .. } => Some(agent.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(offered, [first]);
}

#[test]
fn after_the_reopen_window_a_new_conversation_starts_but_prefers_the_last_agent() {
    let mut w = escalated();
    w.agent("ana");
    w.agent("bea");
    let first = w
        .actions
        .iter()
        .find_map(|a| match a {
            Action::Offer { agent, .. } => Some(agent.to_string()),
            _ => None,
        })
        .unwrap();
    w.accept(&first, "c1");
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Agent,
        agent: None,
    });
    w.wait(mins(60 * 25));
    assert!(
        w.sb.conversation(&"c1".into()).is_none(),
        "forgotten after the window"
    );
    w.clear();
    w.chat("v1", "human please");
    assert_eq!(w.state("c2"), State::Queued.max(w.state("c2")));
    assert_eq!(w.offers_to(&first), 1);
}

#[test]
fn hold_closes_without_a_reply_and_a_reply_resumes() {
    let mut w = escalated();
    w.agent("ana");
    w.accept("ana", "c1");
    w.give(Input::Hold {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
    });
    assert!(w.sb.conversation(&"c1".into()).unwrap().held());
    w.wait(mins(60));
    w.chat("v1", "here is the photo");
    assert!(!w.sb.conversation(&"c1".into()).unwrap().held());
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Resumed))
    );
    w.give(Input::Hold {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
    });
    w.wait(mins(24 * 60));
    assert_eq!(w.state("c1"), State::Closed);
    assert_eq!(w.transitions("c1").last().unwrap().2, Reason::HoldExpired);
}

#[test]
fn an_agent_can_hand_back_to_the_bot() {
    let mut w = escalated();
    w.agent("ana");
    w.accept("ana", "c1");
    w.give(Input::HandBack {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        bot: None,
    });
    assert_eq!(w.state("c1"), State::Bot);
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::Unassigned {
            reason: Reason::HandBack,
            ..
        }
    )));
    let asks = w.asks();
    w.chat("v1", "and the opening hours?");
    assert_eq!(w.asks(), asks + 1);
}

#[test]
fn queue_updates_are_sent_when_the_position_improves_at_most_once_per_interval() {
    let mut w = World::new();
    for v in ["a", "b", "c", "d", "e"] {
        w.chat(v, "human");
    }
    assert_eq!(w.sb.conversation(&"c5".into()).unwrap().position(), Some(5));
    w.agent_with("ana", switchboard::assign::AgentProfile::new("ana"));
    w.accept("ana", "c1");
    w.accept("ana", "c2");
    w.clear();
    // c5 is now third: down from fifth, worth telling, at the next check.
    w.wait(secs(119));
    assert!(w.sent().is_empty());
    w.wait(secs(1));
    let updates: Vec<&str> = w
        .sent()
        .into_iter()
        .filter(|t| t.starts_with("You are now number"))
        .collect();
    assert!(
        updates
            .iter()
            .any(|u| u.starts_with("You are now number 2 in line.")),
        "{updates:?}"
    );
    w.clear();
    w.wait(secs(120));
    assert!(w.sent().is_empty(), "no change, no update: {:?}", w.sent());
}
