//! Every escalation trigger, and the fail-open paths.

use switchboard::engine::{Action, BotTurn, EventKind, Inbound, Input};
use switchboard::handoff::{Reason, State};
use switchboard::{Address, Attributes, ChannelKind, RuleId, Value};

use crate::{World, mins, secs};

#[test]
fn asking_for_a_human_escalates_without_asking_the_bot() {
    let mut w = World::new();
    w.chat("v1", "Hi, where is my order?");
    assert_eq!(w.asks(), 1);
    assert_eq!(w.state("c1"), State::Bot);

    w.chat("v1", "I want to talk to a human please");
    assert_eq!(w.asks(), 1, "the bot is not asked again");
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(w.reason("c1"), Some(Reason::ExplicitRequest));
    assert_eq!(
        w.sent().last().copied(),
        Some("You are number 1 in line. Estimated wait: a little while.")
    );
    assert!(
        w.actions
            .iter()
            .any(|a| matches!(a, Action::QueueStatus { position: 1, .. }))
    );
    assert_eq!(
        w.transitions("c1"),
        [
            (None, State::Bot, Reason::Rule(RuleId::new("default"))),
            (Some(State::Bot), State::Queued, Reason::ExplicitRequest),
        ]
    );
}

#[test]
fn chinese_requests_for_a_person_escalate() {
    for text in ["转人工", "我要找客服", "请给我真人", "人工服务"] {
        let mut w = World::new();
        w.chat("v1", "你好");
        w.chat("v1", text);
        assert_eq!(w.state("c1"), State::Queued, "{text}");
        assert_eq!(w.reason("c1"), Some(Reason::ExplicitRequest), "{text}");
    }
}

#[test]
fn a_word_that_merely_contains_agent_does_not_escalate() {
    let mut w = World::new();
    w.chat("v1", "What is on the agenda for the workshop?");
    assert_eq!(w.state("c1"), State::Bot);
    assert_eq!(w.asks(), 1);
}

#[test]
fn consecutive_fallbacks_escalate_and_a_success_resets_the_count() {
    let mut w = World::new();
    w.chat("v1", "blorp");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("Sorry, I did not get that.")
            .fallback(),
    );
    w.chat("v1", "what are your hours");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("9 to 5.")
            .intent("hours", 0.9),
    );
    assert_eq!(w.sb.conversation(&"c1".into()).unwrap().fallbacks(), 0);
    w.chat("v1", "blorp again");
    let t = w.last_turn();
    w.bot(BotTurn::new("c1").turn(t).reply("Sorry?").fallback());
    assert_eq!(w.state("c1"), State::Bot);
    w.chat("v1", "zzz");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("Sorry, still lost.")
            .fallback(),
    );
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(w.reason("c1"), Some(Reason::BotFallbacks));
}

#[test]
fn low_confidence_escalates() {
    let mut w = World::new();
    w.chat("v1", "something vague");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("Maybe this?")
            .intent("billing", 0.2),
    );
    assert_eq!(w.reason("c1"), Some(Reason::LowConfidence));
    assert_eq!(w.state("c1"), State::Queued);
}

#[test]
fn negative_sentiment_from_the_bot_or_the_host_escalates() {
    let mut w = World::new();
    w.chat("v1", "this is the third time I write");
    let t = w.last_turn();
    let mut turn = BotTurn::new("c1").turn(t).intent("order_status", 0.9);
    turn.sentiment = Some(-0.8);
    w.bot(turn);
    assert_eq!(w.reason("c1"), Some(Reason::NegativeSentiment));

    let mut w = World::new();
    w.chat("v1", "hello");
    w.give(Input::Inbound(
        Inbound::new(
            ChannelKind::WebChat,
            Address::new_unchecked("v1"),
            "you are useless",
        )
        .with_sentiment(-0.9),
    ));
    assert_eq!(w.reason("c1"), Some(Reason::NegativeSentiment));
}

#[test]
fn human_only_intents_escalate() {
    for intent in ["booking", "complaint"] {
        let mut w = World::new();
        w.chat("v1", "I need to change my reservation");
        let t = w.last_turn();
        w.bot(BotTurn::new("c1").turn(t).intent(intent, 0.95));
        assert_eq!(w.reason("c1"), Some(Reason::HumanIntent), "{intent}");
    }
}

#[test]
fn the_bot_can_ask_for_a_handoff_and_a_retry_does_not_hand_off_twice() {
    let mut w = World::new();
    w.agent("ana");
    w.chat("v1", "Can I pay in instalments?");
    let t = w.last_turn();
    let turn = BotTurn::new("c1")
        .turn(t)
        .reply("Let me get a colleague.")
        .handoff("payment plans need a person");
    w.bot(turn.clone());
    assert_eq!(w.state("c1"), State::Offered);
    assert_eq!(w.reason("c1"), Some(Reason::BotHandoff));
    let before = w.snapshot_json();
    w.clear();
    w.bot(turn);
    assert!(w.actions.is_empty(), "no second offer: {:?}", w.actions);
    assert!(matches!(&w.events[..], [e] if matches!(&e.kind, EventKind::Duplicate { .. })));
    // Beyond its Duplicate event, the retry changed nothing.
    w.sb.poll_event();
    assert_eq!(w.snapshot_json(), before);
    // The bot's reason is in the agent's context.
    let ctx = w.sb.handoff_context(&"c1".into()).unwrap();
    assert!(
        ctx.notes
            .iter()
            .any(|n| n.text == "payment plans need a person")
    );
}

#[test]
fn a_vip_contact_escalates_by_an_escalation_rule_to_its_queue() {
    let mut w = World::new();
    let vip = Attributes::from([("tier".to_string(), Value::from("vip"))]);
    w.give(Input::Inbound(
        Inbound::new(
            ChannelKind::WhatsApp,
            Address::new_unchecked("4915123456789"),
            "Hallo",
        )
        .with_contact(vip),
    ));
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(w.reason("c1"), Some(Reason::Trigger(RuleId::new("vip"))));
    assert_eq!(
        w.sb.conversation(&"c1".into())
            .unwrap()
            .queue()
            .unwrap()
            .as_str(),
        "sales"
    );
}

#[test]
fn a_routing_rule_escalates_a_bot_conversation() {
    let mut w = World::new();
    w.chat("v1", "hello");
    w.chat("v1", "I want a refund for order 1042");
    assert_eq!(w.reason("c1"), Some(Reason::Rule(RuleId::new("refund"))));
    let c = w.sb.conversation(&"c1".into()).unwrap();
    assert_eq!(c.queue().unwrap().as_str(), "billing");
    assert_eq!(c.tags(), ["refund"]);
}

#[test]
fn a_bot_error_fails_open() {
    let mut w = World::new();
    w.chat("v1", "hello");
    let t = w.last_turn();
    w.bot(BotTurn::new("c1").turn(t).error("upstream 503"));
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(w.reason("c1"), Some(Reason::BotError));
}

#[test]
fn a_silent_bot_fails_open_after_its_timeout() {
    let mut w = World::new();
    w.chat("v1", "hello");
    w.wait(secs(9));
    assert_eq!(w.state("c1"), State::Bot);
    w.wait(secs(1));
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(w.reason("c1"), Some(Reason::BotTimeout));
    // A late answer is ignored.
    w.clear();
    w.bot(BotTurn::new("c1").turn(1).reply("too late"));
    assert!(w.sent().is_empty());
}

#[test]
fn with_no_agent_in_time_the_conversation_goes_back_to_the_bot() {
    let mut w = World::new();
    w.chat("v1", "hello");
    w.chat("v1", "agent please");
    assert_eq!(w.state("c1"), State::Queued);
    w.wait(mins(20));
    assert_eq!(w.state("c1"), State::Bot);
    assert!(
        w.sent()
            .last()
            .unwrap()
            .starts_with("All of our team are busy")
    );
    assert_eq!(w.transitions("c1").last().unwrap().2, Reason::NoAgent);
    assert_eq!(w.sb.waiting(&"support".into()).unwrap().len(), 0);
    // The customer can ask again.
    w.chat("v1", "human");
    assert_eq!(w.state("c1"), State::Queued);
}

#[test]
fn a_resolved_turn_closes_the_conversation_as_contained() {
    let mut w = World::new();
    w.chat("v1", "opening hours?");
    let t = w.last_turn();
    w.bot(BotTurn::new("c1").turn(t).reply("9 to 5.").resolved());
    assert_eq!(w.state("c1"), State::Closed);
    assert_eq!(w.transitions("c1").last().unwrap().2, Reason::Resolved);
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::Closed {
            reason: Reason::Resolved,
            ..
        }
    )));
    // No survey for a bot-only conversation.
    assert!(!w.sent().iter().any(|t| t.starts_with("How did we do")));
}
