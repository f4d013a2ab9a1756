//! One conversation, both ways through the adapter, driven the way every
//! host drives the engine: fire the timers that are due, hand the engine
//! one input, drain [`Switchboard::poll_output`] carrying out each action
//! in order, re-arm the timer from [`Switchboard::poll_timeout`].
//!
//! On a Friday evening a customer asks, on WhatsApp, whether a chair comes
//! in another colour. The bot answers with three reply buttons, which go
//! out as an interactive message; the customer taps "Talk to a person",
//! which comes back as the button's id. Nobody is on duty until Monday, so
//! when the agent answers, the 24-hour window has closed and her answer
//! goes out as the approved template configured under
//! `[templates.agent_reply]`. The customer writes back, the window opens,
//! and the agent's photo goes out as text and an image.
//!
//! Every customer message is a webhook body in Meta's shape, read by
//! [`parse`]; every send is the Cloud API body [`request`] builds. Ids the
//! engine makes (the conversation, the bot's turn) are taken from its
//! outputs; the button the customer taps is read from the interactive
//! message the adapter built.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::bot::BotRequest;
use switchboard::engine::{Action, BotTurn, Closer, EventKind, Input, Output, Switchboard};
use switchboard::handoff::Party;
use switchboard::{
    AgentId, Attachment, AttachmentKind, ChannelKind, Config, Content, ConversationId, QuickReply,
    Timestamp,
};

use crate::host::{Act, Fallible, Host};
use crate::inbound::parse;
use crate::outbound::{messages_url, request};

/// The business phone number's id in Meta's documentation examples.
const PHONE_NUMBER_ID: &str = "106540352242922";
/// The customer: Meta's documentation example sender.
const CUSTOMER: &str = "16505551234";

/// Friday 2026-11-27, 17:00 UTC.
const FRIDAY_EVENING: u64 = 1_795_798_800_000;

/// Runs the story with `config`, printing each step, each Cloud API body
/// and any send the adapter refused; returns the bodies, in order.
pub(crate) fn run(config: &str) -> Fallible<Vec<Value>> {
    let mut host = Host::new(
        Switchboard::new(Config::from_toml_str(config)?),
        Timestamp::from_millis(FRIDAY_EVENING),
        Story::default(),
    );
    println!();
    println!("# One conversation through the engine; sends go to");
    println!("# POST {}", messages_url(PHONE_NUMBER_ID));

    host.customer(json!({ "type": "text", "text": { "body": "Does it come in another color?" } }))?;

    // The customer taps the button the bot offered for a person: Meta
    // posts back that button's id and title, as the adapter sent them.
    host.wait(Duration::from_secs(60))?;
    let button = host
        .story
        .sent
        .iter()
        .rev()
        .filter_map(|body| body["interactive"]["action"]["buttons"].as_array())
        .flatten()
        .find(|b| b["reply"]["title"] == "Talk to a person")
        .map(|b| b["reply"].clone())
        .ok_or("the bot's buttons were not sent")?;
    host.customer(json!({
        "type": "interactive",
        "interactive": { "type": "button_reply", "button_reply": button },
    }))?;

    // Nobody is on duty until Monday 09:00.
    host.wait(Duration::from_secs(64 * 3600 - 60))?;
    let ana = AgentId::new("ana");
    host.step(
        "ana signs in",
        Input::AgentUpsert(
            AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::WhatsApp, 2)])),
        ),
    )?;
    host.give(Input::AgentStatus {
        agent: ana.clone(),
        status: Presence::Available,
    })?;
    let conversation = host.story.conversation.clone().ok_or("no conversation")?;
    host.step(
        "ana accepts",
        Input::AgentAccept {
            agent: ana.clone(),
            conversation: conversation.clone(),
        },
    )?;
    host.step(
        "ana writes, 64 hours after the customer",
        Input::AgentMessage {
            agent: ana.clone(),
            conversation: conversation.clone(),
            content: "Sorry for the wait! It also comes in sand and moss green.".into(),
        },
    )?;

    host.wait(Duration::from_secs(20 * 60))?;
    host.customer(json!({ "type": "text", "text": { "body": "Moss green! Can I see it?" } }))?;
    host.step(
        "ana sends a photo",
        Input::AgentMessage {
            agent: ana.clone(),
            conversation: conversation.clone(),
            content: Content::text("Here it is.").with_attachment(
                Attachment::new(
                    AttachmentKind::Image,
                    "https://cdn.example.com/chairs/moss.jpg",
                )
                .with_caption("The Lounge chair in moss green"),
            ),
        },
    )?;
    host.step(
        "ana closes",
        Input::Close {
            conversation,
            by: Closer::Agent,
            agent: Some(ana),
        },
    )?;
    Ok(host.story.sent)
}

/// What the story keeps of the engine's outputs; it plays the bot.
#[derive(Default)]
struct Story {
    /// The conversation, as the engine named it in its outputs.
    conversation: Option<ConversationId>,
    /// The Cloud API bodies built so far.
    sent: Vec<Value>,
    /// Customer messages posted so far, to number their ids.
    messages: u32,
}

impl Host<Story> {
    /// Posts `message` (its type and content) as Meta would, from the
    /// customer, and hands what the adapter reads from it to the engine.
    fn customer(&mut self, mut message: Value) -> Fallible<()> {
        self.story.messages += 1;
        message["from"] = CUSTOMER.into();
        // Meta's message ids are opaque; these stand in for them.
        message["id"] = format!("wamid.story-{}", self.story.messages).into();
        message["timestamp"] = (self.now.as_millis() / 1000).to_string().into();
        let body = json!({
            "object": "whatsapp_business_account",
            "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID },
                "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": CUSTOMER }],
                "messages": [message],
            }}]}],
        });
        for input in parse(body.to_string().as_bytes())? {
            if let Input::Inbound(m) = &input {
                let tapped = m
                    .choice
                    .as_ref()
                    .map(|c| format!(" (tapped button id `{}`)", c.payload))
                    .unwrap_or_default();
                println!("{} customer: {}{tapped}", self.clock(), m.text);
            }
            self.give(input)?;
        }
        Ok(())
    }

    /// Prints `what` with the time of day, then hands the engine `input`.
    fn step(&mut self, what: &str, input: Input) -> Fallible<()> {
        println!("{} {what}", self.clock());
        self.give(input)
    }

    /// The time of day, for the log.
    fn clock(&self) -> String {
        i64::try_from(self.now.as_millis())
            .ok()
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map(|t| t.strftime("%a %H:%M").to_string())
            .unwrap_or_else(|| self.now.to_string())
    }
}

impl Act for Story {
    /// Prints the sends, with their Cloud API bodies, the offers, closes
    /// and changes of state, and answers the bot's questions.
    fn act(&mut self, output: Output) -> Fallible<Option<Input>> {
        let action = match output {
            Output::Action(line) => line.action,
            Output::Event(event) => {
                if let EventKind::Transition { to, reason, .. } = event.kind {
                    println!("  · {to} ({reason})");
                }
                return Ok(None);
            }
            _ => return Ok(None),
        };
        match &action {
            Action::Send { from, .. } => {
                let who = match from {
                    Party::Agent { agent } => agent.to_string(),
                    Party::Bot { bot } => format!("bot {bot}"),
                    _ => "system".to_owned(),
                };
                match request(&action) {
                    Ok(Some(body)) => {
                        println!("  → {who}: {body}");
                        self.sent.push(body);
                    }
                    Ok(None) => {}
                    Err(e) => println!("  → {who}: not sendable: {e}"),
                }
            }
            Action::Deferred { purpose, .. } => {
                println!("  → kept until the customer writes (no `[templates.{purpose}]`)");
            }
            Action::AskBot(ask) => {
                self.conversation = Some(ask.conversation.clone());
                // Answering the bot is one more input; its outputs join the
                // queue being drained.
                return Ok(Some(Input::BotTurn(bot(ask))));
            }
            Action::Offer {
                conversation,
                agent,
                ..
            } => {
                self.conversation = Some(conversation.clone());
                println!("  → offered to {agent}");
            }
            Action::Closed { reason, .. } => println!("  → closed ({reason})"),
            _ => {}
        }
        Ok(None)
    }
}

/// A scripted bot: it offers colours or a person, answers a colour, and
/// hands over when asked for a person.
fn bot(ask: &BotRequest) -> BotTurn {
    let turn = BotTurn::new(ask.conversation.clone()).turn(ask.turn);
    match ask.choice.as_ref().map(|c| c.payload.as_str()) {
        Some("human") => turn.handoff("the customer asked for a person"),
        Some(colour) => turn.reply(format!("Noted: {colour}.")),
        None => turn.reply(
            Content::text("It comes in three colours. Which would you like to see?")
                .with_quick_replies([
                    QuickReply::new("Sand", "colour:sand"),
                    QuickReply::new("Moss green", "colour:moss"),
                    QuickReply::new("Talk to a person", "human"),
                ]),
        ),
    }
}
