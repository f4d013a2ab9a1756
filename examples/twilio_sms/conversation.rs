//! Two conversations through the engine's drive loop, with the adapter on
//! both sides: webhook bodies in through [`parse`], every `Send` out
//! through [`Twilio::message`], and a bot the host answers itself.
//!
//! * On SMS the bot answers with two buttons; they go out as a numbered
//!   list, the customer texts `2`, and the bot is asked again with the
//!   second button as the choice. It hands the customer to a person, and
//!   the queue notice goes out too.
//! * On WhatsApp the customer shares a place; the bot answers with a text
//!   and a store's location, which goes out as Twilio's `PersistentAction`.
//!
//! The drive loop is the engine's: hand it one input, drain
//! `poll_output` (carrying out each action in order), re-arm the timer
//! from `poll_timeout`, and fire the timers that fell due before the next
//! input. Ids the engine makes (the conversation) are taken from its
//! questions to the bot, never guessed.

use std::time::Duration;

use switchboard::bot::BotRequest;
use switchboard::engine::{Action, BotTurn, Input, Output, Switchboard};
use switchboard::{ChannelKind, Config, Content, Location, QuickReply, Timestamp};

use crate::host::{Act, Fallible, Host};
use crate::inbound::parse;
use crate::outbound::{Twilio, capabilities};

/// Runs both conversations on an engine for `config`, printing what goes
/// in and every request to Twilio.
pub(crate) fn run(config: &str, twilio: &Twilio) -> Fallible<()> {
    let mut sb = Switchboard::new(Config::from_toml_str(config)?);
    for channel in [ChannelKind::Sms, ChannelKind::WhatsApp] {
        sb.set_capabilities(channel.clone(), capabilities(&channel));
    }
    let mut host = Host::new(
        sb,
        Timestamp::from_millis(1_795_431_600_000),
        Conversations {
            twilio,
            asked: None,
        },
    );

    println!("\n# SMS: a bot reply with buttons, and the customer's \"2\"");
    host.webhook(
        "MessageSid=SM5b0d5a1e0f7c4d2b9a8e6f4c3b2a1d0e&From=%2B14155550100&To=%2B15005550006\
         &Body=Hi%2C+where+is+my+order%3F&NumMedia=0",
    )?;
    host.bot(|_| {
        Content::text("What can I help with?").with_quick_replies([
            QuickReply::new("Track my order", "track"),
            QuickReply::new("Talk to a person", "human"),
        ])
    })?;
    host.wait(Duration::from_secs(40))?;
    host.webhook(
        "MessageSid=SM6c1e6b2f1a8d5e3cab9f7a5d4c3b2e1f&From=%2B14155550100&To=%2B15005550006\
         &Body=2&NumMedia=0",
    )?;
    let choice = host.story.question()?.choice.clone();
    match choice.as_ref().map(|c| c.payload.as_str()) {
        Some("human") => host.answer(|ask| {
            BotTurn::new(ask.conversation.clone())
                .turn(ask.turn)
                .reply("Sure, a person will text you here.")
                .handoff("asked for a person")
        })?,
        _ => return Err(format!("the engine did not map \"2\" to a button: {choice:?}").into()),
    }

    println!("\n# WhatsApp: a shared place in, a store's location out");
    host.wait(Duration::from_secs(60))?;
    host.webhook(
        "MessageSid=SM7d2f7c3a2b9e6f4dbca08b6e5d4c3f2a&From=whatsapp%3A%2B4915112345678\
         &To=whatsapp%3A%2B14155238886&Body=&NumMedia=0&ProfileName=Ana\
         &Latitude=52.5219&Longitude=13.4132&Label=Alexanderplatz",
    )?;
    host.bot(|_| {
        Content::text("Our nearest store is a short walk away:").with_location(
            Location::new(52.5208, 13.4094).with_label("Switchboard Store, Rathausstr. 5"),
        )
    })?;
    Ok(())
}

/// The conversations' side of the host: it sends through the adapter and
/// keeps the bot's question for the host to answer.
struct Conversations<'a> {
    twilio: &'a Twilio,
    /// The engine's latest question to the bot, not answered yet.
    asked: Option<BotRequest>,
}

impl Host<Conversations<'_>> {
    /// Twilio posts `body` to the messaging webhook.
    fn webhook(&mut self, body: &str) -> Fallible<()> {
        for input in parse(body.as_bytes())? {
            if let Input::Inbound(m) = &input {
                println!("customer on {} ({}): {:?}", m.channel, m.from, m.text);
                if let Some(place) = &m.location {
                    println!("  shares {place:?}");
                }
            }
            self.give(input)?;
        }
        Ok(())
    }

    /// The bot answers its question with `reply`.
    fn bot(&mut self, reply: impl FnOnce(&BotRequest) -> Content) -> Fallible<()> {
        self.answer(|ask| {
            BotTurn::new(ask.conversation.clone())
                .turn(ask.turn)
                .reply(reply(ask))
        })
    }

    /// The bot answers its question with the turn `turn` makes of it.
    fn answer(&mut self, turn: impl FnOnce(&BotRequest) -> BotTurn) -> Fallible<()> {
        let ask = self
            .story
            .asked
            .take()
            .ok_or("the engine asked the bot nothing")?;
        let turn = turn(&ask);
        println!(
            "bot answers turn {} of {}: {:?}",
            ask.turn,
            ask.conversation,
            turn.reply_text().unwrap_or_default()
        );
        self.give(Input::BotTurn(turn))
    }
}

impl Conversations<'_> {
    /// The question the bot has to answer.
    fn question(&self) -> Fallible<&BotRequest> {
        Ok(self
            .asked
            .as_ref()
            .ok_or("the engine asked the bot nothing")?)
    }
}

impl Act for Conversations<'_> {
    /// Prints each action: a question to the bot (kept for the host to
    /// answer), a `Send` as the request to Twilio, anything else as JSON.
    fn act(&mut self, output: Output) -> Fallible<Option<Input>> {
        let Output::Action(line) = output else {
            return Ok(None);
        };
        match &line.action {
            Action::AskBot(ask) => {
                let picked = ask
                    .choice
                    .as_ref()
                    .map(|c| format!(", choice {c:?}"))
                    .unwrap_or_default();
                println!(
                    "  engine asks bot {} (turn {} of {}){picked}",
                    ask.bot, ask.turn, ask.conversation
                );
                self.asked = Some((**ask).clone());
            }
            action @ Action::Send { .. } => match self.twilio.message(action) {
                Ok(Some(request)) => {
                    println!("  POST {}", request.url);
                    for (name, value) in &request.form {
                        println!("    {name} = {value:?}");
                    }
                    println!("    body: {}", request.body());
                }
                Ok(None) => {}
                Err(e) => println!("  cannot send: {e}"),
            },
            other => println!("  {}", serde_json::to_string(other)?),
        }
        Ok(None)
    }
}
