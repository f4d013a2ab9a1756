//! How to write a channel adapter, end to end.
//!
//! An adapter has two halves:
//!
//! * **Inbound**: the provider calls your webhook; you parse its payload
//!   into an [`Input`] (here [`Input::Inbound`] for a message and
//!   [`Input::Delivery`] for a status report) and hand it to the driver.
//!   Give the message's provider id as [`Inbound::id`]: webhooks are
//!   retried, and the engine drops a message it has already seen.
//! * **Outbound**: you implement [`Channel`] — `kind`, `capabilities` and
//!   an async `send` that calls the provider's API — and register it with
//!   the [`Driver`]. The text it receives is already fitted to the channel
//!   (the engine renders with the preset of a built-in kind, or plain
//!   text for a custom kind like this one). Report failures as a
//!   [`ChannelError`]: transient errors and rate limits are retried with
//!   backoff (after the provider's retry-after, when it gives one), the
//!   others never.
//!
//! This example adds a made-up chat provider, "Parley", as a custom channel
//! kind `parley`. Its webhook posts JSON like
//! `{"event": "message", "message_id": "m1", "user": "u-42", "text": "hi"}`.
//! A scripted bot answers opening-hours questions; an agent desk accepts
//! every offer. Parley's API is simulated: its first send is rate limited,
//! so you can watch the driver wait and retry. Everything runs in tokio's
//! virtual time, so the example finishes at once.
//!
//! Run it with `cargo run --example custom_channel`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde::Deserialize;
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::bot::{Bot, BotError, BotRequest};
use switchboard::channel::{Capabilities, Channel, ChannelError, Outbound, SendReceipt};
use switchboard::config::Config;
use switchboard::driver::{Driver, Output, Runtime, Sleep};
use switchboard::engine::{
    Action, BotTurn, Delivery, DeliveryStatus, EventKind, Inbound, Input, Switchboard,
};
use switchboard::{Address, AddressError, AgentId, ChannelKind, Timestamp};

// ----- inbound: the provider's webhook payload → Input --------------------

/// What Parley posts to the webhook.
#[derive(Debug, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Webhook {
    Message {
        message_id: String,
        user: String,
        text: String,
    },
    Delivered {
        message_id: String,
        user: String,
    },
}

/// Why a Parley webhook could not be read.
#[derive(Debug, thiserror::Error)]
enum ParleyError {
    #[error("not a Parley webhook: {0}")]
    Json(#[from] serde_json::Error),
    #[error("bad Parley user id: {0}")]
    Address(#[from] AddressError),
}

fn parley() -> ChannelKind {
    ChannelKind::Custom("parley".into())
}

/// Parses one webhook body into the input it means.
fn parse(body: &str) -> Result<Input, ParleyError> {
    Ok(match serde_json::from_str::<Webhook>(body)? {
        Webhook::Message {
            message_id,
            user,
            text,
        } => Input::Inbound(
            Inbound::new(parley(), Address::new(&parley(), &user)?, text).with_id(message_id),
        ),
        Webhook::Delivered { message_id, user } => Input::Delivery(
            Delivery::new(parley(), message_id, DeliveryStatus::Delivered)
                .to(Address::new(&parley(), &user)?),
        ),
    })
}

// ----- outbound: the Channel implementation --------------------------------

/// Parley's send API, simulated: the first call is rate limited.
struct ParleyChannel {
    caps: Capabilities,
    calls: AtomicU32,
}

#[async_trait::async_trait]
impl Channel for ParleyChannel {
    fn kind(&self) -> ChannelKind {
        parley()
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n == 1 {
            // What a provider's HTTP 429 with `Retry-After: 3` becomes.
            println!("    parley: 429 Too Many Requests, Retry-After: 3");
            return Err(ChannelError::RateLimited {
                retry_after: Some(Duration::from_secs(3)),
            });
        }
        let text = out.as_text().unwrap_or("(non-text part)");
        println!("    parley → {to}: {text}");
        Ok(SendReceipt::new(format!("parley-{n}")))
    }
}

// ----- a bot and a clock ----------------------------------------------------

/// Answers opening-hours questions; anything else is a fallback.
struct HoursBot;

#[async_trait::async_trait]
impl Bot for HoursBot {
    async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
        let text = ask.text.to_lowercase();
        Ok(if text.contains("open") || text.contains("hours") {
            ask.turn()
                .reply("We are open 9:00 to 17:00, Monday to Friday.")
                .intent("opening_hours", 0.92)
        } else {
            ask.turn()
                .reply("Sorry, I can only help with opening hours.")
                .fallback()
        })
    }
}

/// tokio's clock, from a fixed start, so the output is the same every run.
struct Tokio(tokio::time::Instant);

impl Runtime for Tokio {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(1_795_428_000_000) + self.0.elapsed()
    }
    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        Box::pin(tokio::time::sleep(
            deadline.saturating_duration_since(self.now()),
        ))
    }
}

const CONFIG: &str = r#"
[defaults]
bot = "hours"

[bots.hours]
timeout = "10s"

[[queues]]
id = "support"
"#;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_toml_str(CONFIG)?;
    let channel = ParleyChannel {
        caps: Capabilities::plain_text(),
        calls: AtomicU32::new(0),
    };
    let mut driver = Driver::new(Switchboard::new(config), Tokio(tokio::time::Instant::now()))
        .channel(Arc::new(channel))
        .bot("hours", HoursBot);

    // The agent desk: Ana signs in, able to take three Parley chats.
    let capacity = Capacity::new([(parley(), 3)]);
    driver.handle(Input::AgentUpsert(
        AgentProfile::new("ana").with_capacity(capacity),
    ))?;
    driver.handle(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Available,
    })?;

    let webhooks = [
        r#"{"event": "message", "message_id": "m1", "user": "u-42", "text": "When are you open?"}"#,
        r#"{"event": "message", "message_id": "m1", "user": "u-42", "text": "When are you open?"}"#,
        r#"{"event": "delivered", "message_id": "parley-2", "user": "u-42"}"#,
        r#"{"event": "message", "message_id": "m2", "user": "u-42", "text": "I want a human please"}"#,
        r#"{"event": "oops"}"#,
    ];
    for body in webhooks {
        println!("webhook: {body}");
        match parse(body) {
            Ok(input) => {
                if let Err(e) = driver.handle(input) {
                    println!("  refused: {e}");
                }
            }
            Err(e) => println!("  rejected with HTTP 400: {e}"),
        }
        drive(&mut driver).await;
    }
    Ok(())
}

/// Lets the driver finish its sends and bot calls, and shows what came out
/// until nothing is left.
async fn drive<R: Runtime>(driver: &mut Driver<R>) {
    loop {
        driver.settle().await;
        let Some(output) = driver.poll_output() else {
            break;
        };
        show(driver, output);
    }
}

/// Prints what matters of an output; plays the agent desk for offers.
fn show<R: Runtime>(driver: &mut Driver<R>, output: Output) {
    match output {
        Output::Action(line) => match line.action {
            Action::Offer {
                conversation,
                agent,
                context,
                ..
            } => {
                println!(
                    "  desk: offer {conversation} to {agent} ({} messages of context); accepted",
                    context.transcript.len()
                );
                let accept = Input::AgentAccept {
                    agent: agent.clone(),
                    conversation: conversation.clone(),
                };
                let hello = Input::AgentMessage {
                    agent,
                    conversation,
                    content: "Hi, Ana here. How can I help?".into(),
                };
                for input in [accept, hello] {
                    if let Err(e) = driver.handle(input) {
                        println!("  refused: {e}");
                    }
                }
            }
            Action::Assigned { agent, .. } => println!("  desk: {agent} has the conversation"),
            _ => {}
        },
        Output::Event(e) => match e.kind {
            EventKind::Transition { from, to, reason } => {
                let from = from.map_or("new".to_string(), |s| s.to_string());
                println!("  {from} → {to} ({reason})");
            }
            EventKind::Delivery {
                status, message_id, ..
            } => println!(
                "  delivery {}: {status:?} at +{} s",
                message_id.unwrap_or_default(),
                e.at.saturating_duration_since(Timestamp::from_millis(1_795_428_000_000))
                    .as_secs()
            ),
            EventKind::Duplicate { input } => println!("  a retried {input}: ignored"),
            _ => {}
        },
        Output::Refused { error, .. } => println!("  refused: {error}"),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_webhook_becomes_an_inbound_with_its_id() {
        let input =
            parse(r#"{"event": "message", "message_id": "m7", "user": "u-1", "text": "hi"}"#)
                .unwrap();
        let Input::Inbound(m) = input else {
            panic!("{input:?}")
        };
        assert_eq!(m.channel, parley());
        assert_eq!(m.from.as_str(), "u-1");
        assert_eq!((m.text.as_str(), m.id.as_deref()), ("hi", Some("m7")));
    }

    #[test]
    fn a_delivered_webhook_becomes_a_delivery_report() {
        let input =
            parse(r#"{"event": "delivered", "message_id": "parley-2", "user": "u-1"}"#).unwrap();
        let Input::Delivery(d) = input else {
            panic!("{input:?}")
        };
        assert_eq!(d.status, DeliveryStatus::Delivered);
        assert_eq!(d.message_id.as_deref(), Some("parley-2"));
    }

    #[test]
    fn malformed_webhooks_are_typed_errors() {
        assert!(matches!(parse("{"), Err(ParleyError::Json(_))));
        assert!(matches!(
            parse(r#"{"event": "message", "message_id": "m", "user": "u 1", "text": "x"}"#),
            Err(ParleyError::Address(_))
        ));
    }
}
