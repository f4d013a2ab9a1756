//! The escalation state machine as data: for each state a conversation can
//! be in, and each stimulus it can take there, the state it moves to and
//! the outputs it produces, in order.
//!
//! An output is written as its action's or event's `type`; a transition
//! as `from>to` (`new` when it had no state yet).

use std::time::Duration;

use switchboard::engine::{Input, Output};
use switchboard::handoff::State;

use crate::World;

/// How a row's conversation (`c1`, from web chat visitor `v1`) gets to the
/// state the row starts in.
#[derive(Clone, Copy, Debug)]
enum From {
    /// The bot was asked the customer's first message.
    BotAsked,
    /// The bot answered; the customer's turn.
    BotAnswered,
    /// Waiting in an open queue, nobody available.
    Queued,
    /// Waiting in the billing queue at night.
    AfterHours,
    /// Offered to ana.
    Offered,
    /// Ana has it.
    WithAgent,
    /// Ana has it, on hold.
    Held,
    /// Ana closed it.
    Closed,
}

/// A stimulus: an input at the row's time, or time passing.
#[derive(Clone, Copy, Debug)]
enum Do {
    Input(&'static str),
    Wait(u64),
}

/// (from, stimulus, to, outputs).
const TABLE: &[(From, Do, State, &[&str])] = &[
    // With the bot.
    (
        From::BotAsked,
        Do::Input(r#"{"type":"bot_turn","conversation":"c1","turn":1,"reply":"Hi!"}"#),
        State::Bot,
        &["send", "message"],
    ),
    (
        From::BotAsked,
        Do::Input(r#"{"type":"bot_turn","conversation":"c1","turn":1,"handoff":"needs a person"}"#),
        State::Queued,
        &[
            "transition:bot>queued",
            "queue_status",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::BotAsked,
        Do::Input(
            r#"{"type":"bot_turn","conversation":"c1","turn":1,"reply":"Done.","resolved":true}"#,
        ),
        State::Closed,
        &["send", "message", "transition:bot>closed", "closed"],
    ),
    (
        From::BotAsked,
        Do::Input(r#"{"type":"bot_turn","conversation":"c1","turn":1,"error":"boom"}"#),
        State::Queued,
        &[
            "transition:bot>queued",
            "queue_status",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::BotAsked,
        Do::Input(
            r#"{"type":"bot_turn","conversation":"c1","turn":1,"intent":"booking","confidence":0.9}"#,
        ),
        State::Queued,
        &[
            "transition:bot>queued",
            "queue_status",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::BotAsked,
        Do::Wait(11),
        State::Queued,
        &[
            "transition:bot>queued",
            "queue_status",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::BotAnswered,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"and my invoice?"}"#),
        State::Bot,
        &["message", "routed", "ask_bot"],
    ),
    (
        From::BotAnswered,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"human please"}"#),
        State::Queued,
        &[
            "message",
            "transition:bot>queued",
            "queue_status",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::BotAnswered,
        Do::Wait(30 * 60),
        State::Closed,
        &[
            "send",
            "message",
            "notice",
            "transition:bot>closed",
            "closed",
        ],
    ),
    // Waiting.
    (
        From::Queued,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"hello?"}"#),
        State::Queued,
        &["message"],
    ),
    (
        From::Queued,
        Do::Input(r#"{"type":"agent_status","agent":"ana","status":"available"}"#),
        State::Offered,
        &["agent_status", "transition:queued>offered", "offer"],
    ),
    (
        From::Queued,
        Do::Input(r#"{"type":"close","conversation":"c1","by":"customer"}"#),
        State::Closed,
        &["transition:queued>closed", "closed"],
    ),
    (
        From::Queued,
        Do::Wait(20 * 60),
        State::Bot,
        &["transition:queued>bot", "send", "message", "notice"],
    ),
    (
        From::AfterHours,
        Do::Wait(12 * 3600),
        State::Offered,
        &[
            "queue_opened",
            "transition:after_hours>queued",
            "transition:queued>offered",
            "offer",
        ],
    ),
    (
        From::Offered,
        Do::Input(r#"{"type":"agent_accept","agent":"ana","conversation":"c1"}"#),
        State::WithAgent,
        &["assigned", "transition:offered>with_agent"],
    ),
    // Nobody else can take it: offered to the same agent again.
    (
        From::Offered,
        Do::Input(r#"{"type":"agent_decline","agent":"ana","conversation":"c1"}"#),
        State::Offered,
        &[
            "offer_missed",
            "transition:offered>queued",
            "transition:queued>offered",
            "offer",
        ],
    ),
    (
        From::Offered,
        Do::Wait(31),
        State::Offered,
        &[
            "revoke_offer",
            "offer_missed",
            "transition:offered>queued",
            "transition:queued>offered",
            "offer",
        ],
    ),
    (
        From::Offered,
        Do::Input(r#"{"type":"agent_status","agent":"ana","status":"offline"}"#),
        State::Queued,
        &["agent_status", "revoke_offer", "transition:offered>queued"],
    ),
    // The customer leaves: the offer is withdrawn from ana's screen.
    (
        From::Offered,
        Do::Input(r#"{"type":"close","conversation":"c1","by":"customer"}"#),
        State::Closed,
        &["transition:offered>closed", "closed", "revoke_offer"],
    ),
    // With an agent.
    (
        From::WithAgent,
        Do::Input(r#"{"type":"agent_message","agent":"ana","conversation":"c1","text":"Hello!"}"#),
        State::WithAgent,
        &["send", "message", "first_response"],
    ),
    (
        From::WithAgent,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"thanks"}"#),
        State::WithAgent,
        &["message", "deliver"],
    ),
    (
        From::WithAgent,
        Do::Input(r#"{"type":"hold","agent":"ana","conversation":"c1"}"#),
        State::WithAgent,
        &["held"],
    ),
    (
        From::WithAgent,
        Do::Input(r#"{"type":"hand_back","agent":"ana","conversation":"c1"}"#),
        State::Bot,
        &["unassigned", "transition:with_agent>bot"],
    ),
    // Cold: the agent lets go, and may be offered it again like anyone.
    (
        From::WithAgent,
        Do::Input(r#"{"type":"transfer","conversation":"c1","queue":"sales"}"#),
        State::Offered,
        &[
            "transfer_requested",
            "send",
            "message",
            "notice",
            "unassigned",
            "transition:with_agent>queued",
            "transition:queued>offered",
            "offer",
        ],
    ),
    (
        From::WithAgent,
        Do::Input(r#"{"type":"transfer","conversation":"c1","queue":"sales","warm":true}"#),
        State::WithAgent,
        &["transfer_requested", "send", "message", "notice"],
    ),
    (
        From::WithAgent,
        Do::Input(r#"{"type":"close","conversation":"c1","by":"agent","agent":"ana"}"#),
        State::Closed,
        &[
            "transition:with_agent>closed",
            "closed",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::WithAgent,
        Do::Input(r#"{"type":"agent_status","agent":"ana","status":"offline"}"#),
        State::Queued,
        &["agent_status", "unassigned", "transition:with_agent>queued"],
    ),
    // The customer's silence counts only once the agent has replied.
    (From::WithAgent, Do::Wait(30 * 60), State::WithAgent, &[]),
    (
        From::Held,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"back"}"#),
        State::WithAgent,
        &["message", "deliver", "resumed"],
    ),
    (
        From::Held,
        Do::Wait(24 * 3600),
        State::Closed,
        &[
            "queue_closed",
            "queue_opened",
            "send",
            "message",
            "notice",
            "unassigned",
            "transition:with_agent>closed",
            "closed",
            "send",
            "message",
            "notice",
        ],
    ),
    // Closed.
    (
        From::Closed,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"5"}"#),
        State::Closed,
        &["message", "csat", "send", "message", "notice"],
    ),
    // Back to the last agent, who is free.
    (
        From::Closed,
        Do::Input(r#"{"type":"inbound","channel":"webchat","from":"v1","text":"one more thing"}"#),
        State::Offered,
        &[
            "message",
            "transition:closed>queued",
            "transition:queued>offered",
            "offer",
            "send",
            "message",
            "notice",
        ],
    ),
    (
        From::Closed,
        Do::Input(r#"{"type":"close","conversation":"c1","by":"system"}"#),
        State::Closed,
        &["duplicate"],
    ),
];

const CONFIG: &str = r#"
[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"

[[queues]]
id = "support"

[[queues]]
id = "billing"
calendar = "eu"

[[queues]]
id = "sales"

[bots.faq]
timeout = "10s"

[escalation]
queue = "support"
human_intents = ["booking"]

[[rules]]
id = "refund"
when = "text contains 'refund'"
then = { queue = "billing" }

[[rules]]
id = "default"
when = "true"
then = { bot = "faq" }

[conversations]
no_agent_timeout = "20m"
csat = true
"#;

fn input(json: &str) -> Input {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// An engine with `c1` in the state `from`, its outputs so far drained.
fn given(from: From) -> World {
    let mut w = World::with(CONFIG);
    w.give(input(
        r#"{"type":"agent_upsert","agent":"ana","capacity":{"webchat":3}}"#,
    ));
    let available = r#"{"type":"agent_status","agent":"ana","status":"available"}"#;
    match from {
        From::BotAsked => {
            w.chat("v1", "where is my order?");
        }
        From::BotAnswered => {
            w.chat("v1", "where is my order?");
            w.give(input(
                r#"{"type":"bot_turn","conversation":"c1","turn":1,"reply":"It ships today."}"#,
            ));
        }
        From::Queued => {
            w.chat("v1", "human please");
        }
        From::AfterHours => {
            w.now = w.now + Duration::from_secs(10 * 3600); // 21:00 in Berlin
            w.chat("v1", "I want a refund");
            w.give(input(available));
        }
        From::Offered | From::WithAgent | From::Held | From::Closed => {
            w.give(input(available));
            w.chat("v1", "human please");
            if !matches!(from, From::Offered) {
                w.accept("ana", "c1");
            }
            if matches!(from, From::Held) {
                w.give(input(
                    r#"{"type":"hold","agent":"ana","conversation":"c1"}"#,
                ));
            }
            if matches!(from, From::Closed) {
                w.give(input(
                    r#"{"type":"close","conversation":"c1","by":"agent","agent":"ana"}"#,
                ));
            }
        }
    }
    while w.sb.poll_output().is_some() {}
    w.clear();
    w
}

/// The outputs since the last drain, in order, as the table writes them.
fn outputs(w: &mut World) -> Vec<String> {
    std::iter::from_fn(|| w.sb.poll_output())
        .map(|o| {
            let v = serde_json::to_value(&o).unwrap();
            match o {
                Output::Action(_) => v["action"]["type"].as_str().unwrap().to_owned(),
                Output::Event(_) => {
                    let e = &v["event"];
                    match e["type"].as_str().unwrap() {
                        "transition" => format!(
                            "transition:{}>{}",
                            e["from"].as_str().unwrap_or("new"),
                            e["to"].as_str().unwrap()
                        ),
                        other => other.to_owned(),
                    }
                }
                _ => "other".to_owned(),
            }
        })
        .collect()
}

#[test]
fn every_state_and_stimulus_gives_its_state_and_outputs() {
    let mut failures = Vec::new();
    for (row, (from, stimulus, to, expected)) in TABLE.iter().enumerate() {
        let mut w = given(*from);
        match stimulus {
            Do::Input(json) => {
                w.sb.handle(w.now, input(json))
                    .unwrap_or_else(|e| panic!("row {row}: {json} refused: {e}"));
            }
            Do::Wait(secs) => {
                w.now = w.now + Duration::from_secs(*secs);
                w.sb.handle_timeout(w.now);
            }
        }
        w.sb.check_invariants()
            .unwrap_or_else(|e| panic!("row {row}: {e}"));
        let state = w.state("c1");
        let got = outputs(&mut w);
        if state != *to || got != *expected {
            failures.push(format!(
                "row {row}: {from:?} + {stimulus:?}\n  expected {to} {expected:?}\n  got      {state} {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
