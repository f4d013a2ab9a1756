//! Edge cases that once broke a promise: full queues (nothing left
//! hanging), reopening, declines and transfers, offers and messages
//! crossing, timers at the end of time, exact snapshots of floats, and
//! oversized fields.

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{Action, BotTurn, Closer, EventKind, Inbound, Input, Switchboard};
use switchboard::handoff::{Reason, State};
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Timestamp};

use crate::{World, mins, secs};

const FULL_QUEUE: &str = r#"
[[queues]]
id = "support"
max_size = 1

[[rules]]
id = "all"
when = "true"
then = { queue = "support" }
"#;

/// A conversation whose queue is full stays with the bot, and its
/// customer's silence still closes it: nothing waits forever.
#[test]
fn a_conversation_turned_away_by_a_full_queue_still_closes() {
    let mut w = World::with(FULL_QUEUE);
    w.chat("a", "hi");
    w.chat("b", "hi");
    assert_eq!(w.state("c2"), State::Bot);
    assert_eq!(
        w.sent().last().copied(),
        Some(
            "All of our team are busy and the line is full right now. Please try again in a little while."
        )
    );
    // The customer's silence is what it waits for: inactivity closes it.
    w.wait(mins(29));
    assert_eq!(w.state("c2"), State::Bot);
    w.wait(mins(1));
    assert_eq!(w.state("c2"), State::Closed);
    assert_eq!(
        w.transitions("c2").last(),
        Some(&(Some(State::Bot), State::Closed, Reason::Inactivity))
    );
}

/// A reopen turned away by a full queue leaves the conversation open with
/// the bot, consistent and scheduled.
#[test]
fn reopening_into_a_full_queue_leaves_it_open_with_the_bot() {
    let mut w = World::with(FULL_QUEUE);
    w.agent("ana");
    w.chat("a", "hi");
    w.accept("ana", "c1");
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Agent,
        agent: None,
    });
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Away,
    });
    w.chat("b", "hi"); // fills the queue
    assert_eq!(w.state("c2"), State::Queued);
    w.clear();
    w.now = w.now + secs(60);
    w.chat("a", "me again");
    assert_eq!(w.state("c1"), State::Bot, "reopened, and left with the bot");
    assert_eq!(
        w.transitions("c1"),
        [(Some(State::Closed), State::Bot, Reason::Reopened)]
    );
    assert!(
        w.sent()
            .iter()
            .any(|t| t.starts_with("All of our team are busy"))
    );
    // Its customer's silence closes it again.
    w.wait(mins(30));
    assert_eq!(w.state("c1"), State::Closed);
}

/// The one agent declines, is offered the conversation again (nobody
/// else can take it) and declines again: the second decline counts.
#[test]
fn a_decline_of_a_repeated_offer_counts() {
    let mut w = World::new();
    w.chat("v1", "human please");
    w.agent("ana");
    assert_eq!(w.offers_to("ana"), 1);
    w.give(Input::AgentDecline {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
    });
    // Nobody else can take it: offered to ana again.
    w.wait(secs(1));
    assert_eq!(w.state("c1"), State::Offered);
    w.clear();
    w.give(Input::AgentDecline {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
    });
    let dup = w
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Duplicate { .. }));
    let missed = w
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::OfferMissed { .. }));
    assert!(
        !dup && missed,
        "second decline ignored as duplicate: {:?}",
        w.events
    );
}

/// A `no_agent_timeout` that falls while the conversation is offered
/// fires once the offers lapse: back to the bot.
#[test]
fn no_agent_timeout_falling_during_an_offer_still_fires() {
    let cfg = r#"
[[queues]]
id = "support"

[bots.faq]
timeout = "10s"

[defaults]
bot = "faq"

[conversations]
no_agent_timeout = "45s"
"#;
    let mut w = World::with(cfg);
    w.agent("ana");
    w.chat("v1", "human please");
    assert_eq!(w.state("c1"), State::Offered);
    for _ in 0..20 {
        w.wait(secs(30));
    }
    assert_eq!(
        w.state("c1"),
        State::Bot,
        "10 minutes on, state {:?}; no_agent (45s) never fired",
        w.state("c1")
    );
}

/// A bot timeout with a full escalation queue leaves the conversation with
/// the bot and a deadline: the customer's silence closes it.
#[test]
fn a_bot_timeout_into_a_full_queue_leaves_a_timer() {
    let mut w = World::with(
        r#"
[[queues]]
id = "support"
max_size = 1

[bots.faq]
timeout = "10s"

[defaults]
bot = "faq"
"#,
    );
    w.chat("a", "human please"); // fills the queue
    w.chat("b", "hello");
    assert_eq!(w.asks(), 1, "only c2 asks the bot");
    w.wait(secs(11));
    assert_eq!(w.state("c2"), State::Bot);
    assert!(
        w.sent()
            .iter()
            .any(|t| t.starts_with("All of our team are busy"))
    );
    // The bot is no longer awaited; the customer's silence is (counted
    // from the timeout).
    w.wait(mins(29));
    assert_eq!(w.state("c2"), State::Bot);
    w.wait(mins(1));
    assert_eq!(
        w.transitions("c2").last(),
        Some(&(Some(State::Bot), State::Closed, Reason::Inactivity))
    );
}

/// Floats (confidence, sentiment, slots, contact attributes) survive a
/// snapshot's JSON exactly, so a restored engine acts the same.
#[test]
fn snapshots_keep_floats_exactly() {
    let mut w = World::new();
    w.chat("v1", "where is my order");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("Let me get someone.")
            .intent("order", 0.47960756426982587)
            .handoff("needs a person"),
    );
    let json = w.snapshot_json();
    let mut twin =
        Switchboard::restore(w.sb.config().clone(), serde_json::from_str(&json).unwrap()).unwrap();
    while twin.poll_action().is_some() {}
    while twin.poll_event().is_some() {}
    assert_eq!(
        serde_json::to_string(&twin.snapshot()).unwrap(),
        json,
        "snapshot JSON does not round-trip"
    );
}

#[test]
fn a_restored_engine_offers_the_same_context() {
    let mut w = World::new();
    w.chat("v1", "where is my order");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("Let me get someone.")
            .intent("order", 0.47960756426982587)
            .handoff("needs a person"),
    );
    w.clear();
    let json = w.snapshot_json();
    let mut twin =
        Switchboard::restore(w.sb.config().clone(), serde_json::from_str(&json).unwrap()).unwrap();
    while twin.poll_action().is_some() {}
    while twin.poll_event().is_some() {}
    w.agent("ana");
    let up = AgentProfile::new("ana").with_capacity(Capacity::new([
        (ChannelKind::WebChat, 3),
        (ChannelKind::Sms, 3),
        (ChannelKind::WhatsApp, 3),
    ]));
    twin.handle(w.now, Input::AgentUpsert(up)).unwrap();
    twin.handle(
        w.now,
        Input::AgentStatus {
            agent: AgentId::new("ana"),
            status: Presence::Available,
        },
    )
    .unwrap();
    let a: Vec<String> = w
        .actions
        .iter()
        .map(|a| serde_json::to_string(a).unwrap())
        .collect();
    let mut b = Vec::new();
    while let Some(x) = twin.poll_action() {
        b.push(serde_json::to_string(&x).unwrap());
    }
    assert_eq!(a, b);
}

/// A message the customer writes while the offer is on an agent's screen
/// is delivered to the agent on accept.
#[test]
fn a_message_between_offer_and_accept_reaches_the_agent() {
    let mut w = World::new();
    w.chat("v1", "human please");
    w.agent("ana");
    assert_eq!(w.state("c1"), State::Offered);
    w.chat("v1", "my order number is 1042");
    w.accept("ana", "c1");
    let seen = w.actions.iter().any(|a| match a {
        Action::Deliver { text, .. } => text.contains("1042"),
        Action::Offer { context, .. } => context.transcript.iter().any(|e| e.text.contains("1042")),
        _ => false,
    });
    assert!(
        seen,
        "the agent never sees 'my order number is 1042': {:#?}",
        w.actions
    );
}

/// A warm transfer to a queue the agent is in is never offered back to
/// that agent.
#[test]
fn a_warm_transfer_is_never_offered_back_to_its_agent() {
    let mut w = World::new();
    w.chat("v1", "human please");
    w.agent("ana");
    w.accept("ana", "c1");
    w.clear();
    w.give(Input::Transfer(
        switchboard::engine::Transfer::to_queue("c1", "sales").warm(),
    ));
    assert_eq!(
        w.offers_to("ana"),
        0,
        "the transfer was offered to the agent who made it"
    );
}

/// A transfer never waits on an agent who cannot take it: one to an agent
/// who is signed out is refused, and one pending for an agent who then
/// signs out falls through, so the first agent can transfer again.
#[test]
fn transfers_to_signed_out_agents_do_not_pend_forever() {
    use switchboard::engine::InputError;
    let mut w = World::new();
    w.chat("v1", "human please");
    w.agent("ana");
    w.accept("ana", "c1");
    w.give(Input::AgentUpsert(AgentProfile::new("bea"))); // known, offline
    w.agent("cai");
    let r = w.try_give(Input::Transfer(
        switchboard::engine::Transfer::to_agent("c1", AgentId::new("bea")).warm(),
    ));
    assert!(
        matches!(r, Err(InputError::Unavailable(ref a)) if a.as_str() == "bea"),
        "{r:?}"
    );
    // To cai, who is available: offered; then cai signs out before answering.
    w.give(Input::Transfer(
        switchboard::engine::Transfer::to_agent("c1", AgentId::new("cai")).warm(),
    ));
    assert_eq!(w.offers_to("cai"), 1);
    w.clear();
    w.give(Input::AgentStatus {
        agent: AgentId::new("cai"),
        status: Presence::Offline,
    });
    assert!(
        w.actions.iter().any(
            |a| matches!(a, Action::TransferFailed { agent: Some(a), .. } if a.as_str() == "ana")
        ),
        "{:#?}",
        w.actions
    );
    assert_eq!(w.state("c1"), State::WithAgent);
    w.agent("dan");
    w.give(Input::Transfer(
        switchboard::engine::Transfer::to_agent("c1", AgentId::new("dan")).warm(),
    ));
    assert_eq!(w.offers_to("dan"), 1);
}

#[test]
fn removing_the_target_of_a_transfer_fails_it() {
    let mut w = World::new();
    w.chat("v1", "human please");
    w.agent("ana");
    w.accept("ana", "c1");
    w.agent("bea");
    w.give(Input::Transfer(
        switchboard::engine::Transfer::to_agent("c1", AgentId::new("bea")).warm(),
    ));
    w.clear();
    w.give(Input::AgentRemove {
        agent: AgentId::new("bea"),
    });
    assert!(
        w.actions
            .iter()
            .any(|a| matches!(a, Action::TransferFailed { .. })),
        "{:#?}",
        w.actions
    );
    assert_eq!(w.state("c1"), State::WithAgent);
    let r = w.try_give(Input::Transfer(
        switchboard::engine::Transfer::to_queue("c1", "sales").warm(),
    ));
    assert!(r.is_ok(), "{r:?}");
}

/// A bot turn without a reply leaves a deadline: the customer's silence
/// closes the conversation.
#[test]
fn a_bot_turn_without_a_reply_leaves_a_timer() {
    let mut w = World::new();
    w.chat("v1", "hello");
    let t = w.last_turn();
    w.bot(BotTurn::new("c1").turn(t).intent("greeting", 0.9));
    assert_eq!(w.sb.poll_timeout(), Some(w.now + mins(30)));
    w.wait(mins(30));
    assert_eq!(
        w.transitions("c1").last(),
        Some(&(Some(State::Bot), State::Closed, Reason::Inactivity))
    );
}

/// Near the end of time, re-armed timers that cannot move on are dropped:
/// `handle_timeout` returns.
#[test]
fn timers_at_the_end_of_time_terminate() {
    let state = crate::clocks::returns("handle_timeout(u64::MAX)", || {
        let mut w = World::with("[[queues]]\nid = \"support\"");
        w.now = Timestamp::from_millis(u64::MAX - 1_000);
        w.chat("a", "human please");
        w.now = Timestamp::from_millis(u64::MAX);
        w.wait(secs(0));
        w.state("c1")
    });
    assert_eq!(state, State::Queued);
}

#[test]
fn a_move_into_a_closed_queue_says_why_and_tells_the_customer() {
    let mut w = World::new();
    w.now = w.now + mins(600); // 21:00 in Berlin: billing closed
    w.chat("v1", "human please");
    assert_eq!(w.state("c1"), State::Queued);
    w.clear();
    let src = crate::CONFIG
        .replace("[[queues]]\nid = \"support\"\n", "")
        .replace("queue = \"support\"", "queue = \"billing\"");
    w.sb.reconfigure(Config::from_toml_str(&src).unwrap())
        .unwrap();
    while let Some(a) = w.sb.poll_action() {
        w.actions.push(a);
    }
    while let Some(e) = w.sb.poll_event() {
        w.events.push(e);
    }
    assert_eq!(
        w.transitions("c1").last().map(|t| t.2.clone()),
        Some(switchboard::handoff::Reason::Reconfigured)
    );
}

/// A cold transfer to a named agent who declines, when the queue is full:
/// the conversation is requeued anyway (it is already being served).
#[test]
fn a_declined_cold_transfer_requeues_even_into_a_full_queue() {
    let mut w = World::with(
        r#"
[[queues]]
id = "support"
max_size = 1
eligible = "agent.skills.s >= 1"
"#,
    );
    w.give(Input::AgentUpsert(
        AgentProfile::new("ana")
            .with_skill("s", 1)
            .with_capacity(Capacity::new([(ChannelKind::WebChat, 1)])),
    ));
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Available,
    });
    w.give(Input::AgentUpsert(
        AgentProfile::new("bea").with_capacity(Capacity::new([(ChannelKind::WebChat, 3)])),
    ));
    w.give(Input::AgentStatus {
        agent: AgentId::new("bea"),
        status: Presence::Available,
    });
    w.chat("a", "hi");
    w.accept("ana", "c1");
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Away,
    });
    w.chat("b", "hi"); // waits: the queue is full
    assert_eq!(w.state("c2"), State::Queued);
    w.clear();
    w.give(Input::Transfer(switchboard::engine::Transfer::to_agent(
        "c1",
        AgentId::new("bea"),
    )));
    assert_eq!(w.offers_to("bea"), 1);
    w.clear();
    w.give(Input::AgentDecline {
        agent: AgentId::new("bea"),
        conversation: ConversationId::new("c1"),
    });
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::TransferFailed { agent: None, to, .. } if to.as_str() == "bea"
    )));
    // In the queue beside c2, though it holds one: it was being served.
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(
        w.sb.conversation(&ConversationId::new("c1"))
            .unwrap()
            .queue()
            .map(|q| q.as_str()),
        Some("support")
    );
}

/// After hours the customer is told to leave a message to be served at
/// opening: `no_agent_timeout` does not pull the conversation out first.
#[test]
fn after_hours_conversations_wait_for_the_opening() {
    let mut w = World::new();
    w.now = w.now + mins(600); // Monday 21:00 Berlin: billing closed
    w.chat("v1", "hello");
    w.chat("v1", "I want a refund");
    assert_eq!(w.state("c1"), State::AfterHours);
    w.chat("v1", "order 1042, paid twice");
    w.wait(mins(25));
    assert_eq!(
        w.state("c1"),
        State::AfterHours,
        "left the after-hours queue before opening"
    );
}

/// After an agent hands back to the bot, stale bot facts (the human-only
/// intent "booking") do not re-escalate before the bot is asked.
#[test]
fn a_hand_back_starts_the_bot_afresh() {
    let mut w = World::new();
    w.chat("v1", "I'd like to book a table");
    let t = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(t)
            .reply("Sure, let me get someone.")
            .intent("booking", 0.95),
    );
    assert_eq!(
        w.reason("c1"),
        Some(switchboard::handoff::Reason::HumanIntent)
    );
    w.agent("ana");
    w.accept("ana", "c1");
    w.give(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Booked for 8pm. The assistant can help with anything else.".into(),
    });
    w.give(Input::HandBack {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        bot: None,
    });
    assert_eq!(w.state("c1"), State::Bot);
    let asks = w.asks();
    w.chat("v1", "what time do you open tomorrow?");
    assert_eq!(w.state("c1"), State::Bot, "re-escalated at once");
    assert_eq!(w.asks(), asks + 1, "the bot was not asked");
}

/// Every free-text field of a bot turn and of a message is size-checked.
#[test]
fn oversized_fields_are_refused() {
    let mut w = World::new();
    w.chat("v1", "hello");
    let t = w.last_turn();
    let big = "x".repeat(1 << 20);
    let r = w.try_give(Input::BotTurn(
        BotTurn::new("c1")
            .turn(t)
            .intent(big.clone(), 0.9)
            .error(big.clone()),
    ));
    let r2 = w.try_give(Input::Inbound(
        Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi")
            .with_lang(big.clone()),
    ));
    assert!(
        r.is_err() && r2.is_err(),
        "1 MiB fields accepted with max_text 8 KiB: {r:?} {r2:?}"
    );
}

/// An escalation rule that fires on the first message (a VIP contact) but
/// finds its queue full leaves the conversation with the bot the routing
/// rule chose: the bot is asked, and the customer's silence closes it.
#[test]
fn a_vip_turned_away_by_a_full_queue_is_still_answered_by_the_bot() {
    let mut w = World::with(
        r#"
[[queues]]
id = "support"

[[queues]]
id = "vip"
max_size = 1

[bots.faq]

[escalation]
queue = "support"

[[escalation.rules]]
id = "vip"
when = "contact.tier == 'vip'"
queue = "vip"

[[rules]]
id = "default"
when = "true"
then = { bot = "faq" }

[conversations]
inactivity_timeout = "15m"
"#,
    );
    let vip = || {
        let mut a = switchboard::Attributes::new();
        a.insert("tier".into(), switchboard::Value::from("vip"));
        a
    };
    for who in ["a", "b"] {
        w.give(Input::Inbound(
            Inbound::new(ChannelKind::WebChat, Address::new_unchecked(who), "hello")
                .with_contact(vip()),
        ));
    }
    assert_eq!(w.state("c1"), State::Queued);
    assert_eq!(w.state("c2"), State::Bot, "the vip queue holds one");
    let asked_c2 = w
        .actions
        .iter()
        .any(|a| matches!(a, Action::AskBot(ask) if ask.conversation.as_str() == "c2"));
    assert!(
        asked_c2,
        "the bot answers the customer the queue turned away"
    );
    w.bot(BotTurn::new("c2").reply("Hello! How can I help?"));
    assert_eq!(w.state("c2"), State::Bot);
    w.wait(mins(16));
    assert_eq!(w.state("c2"), State::Closed, "silence closes it");
}
