//! The adapter's tests: every field read from every vendor sample
//! ([`inbound`]), every send mapped to the exact body Meta documents and
//! every limit refused ([`outbound`]), and the engine's rendering for
//! WhatsApp through both halves ([`engine`]). This file holds what they
//! share; what every adapter's tests share is in [`testing`].

use switchboard::bot::BotRequest;
use switchboard::channel::Outbound;
use switchboard::engine::{Action, Input, Output, Switchboard};
use switchboard::handoff::Party;
use switchboard::{Address, ChannelKind, ConversationId, Timestamp};

use crate::inbound::parse;
use testing::{one_delivery, one_inbound, sample};

mod engine;
mod inbound;
mod outbound;
#[path = "../support/testing.rs"]
mod testing;

/// A webhook body carrying `messages` (JSON, comma-separated).
fn wrap(messages: &str) -> String {
    format!(
        r#"{{"object": "whatsapp_business_account", "entry": [{{"changes": [{{"field": "messages",
           "value": {{"messages": [{messages}]}}}}]}}]}}"#
    )
}

const TO: &str = "16505551234";

/// The engine's send of `part` to the customer.
fn send(part: Outbound) -> Action {
    Action::Send {
        conversation: Some(ConversationId::new("c1")),
        channel: ChannelKind::WhatsApp,
        to: Address::new(&ChannelKind::WhatsApp, TO).unwrap(),
        from: Party::System,
        part,
    }
}

const NOW: Timestamp = Timestamp::from_millis(1_795_428_000_000);

/// The engine's actions after `input`, at `now`.
fn actions(sb: &mut Switchboard, now: Timestamp, input: Input) -> Vec<Action> {
    sb.handle(now, input).unwrap();
    let mut out = Vec::new();
    while let Some(o) = sb.poll_output() {
        if let Output::Action(line) = o {
            out.push(line.action);
        }
    }
    out
}

fn ask_bot(actions: &[Action]) -> &BotRequest {
    actions
        .iter()
        .find_map(|a| match a {
            Action::AskBot(ask) => Some(&**ask),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no ask_bot in {actions:?}"))
}
