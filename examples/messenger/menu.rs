//! A menu on Messenger, both ways, through the engine and its drive loop.
//!
//! A customer asks a bot something it is unsure of; the bot (a
//! [`FaqBot`] over `examples/data/faq.toml`, with its "did you mean …?"
//! choices on) offers the closest articles as quick replies. The engine
//! renders them for Messenger, where they stay native, and
//! [`outbound::request`] turns the part into a Send API request carrying
//! `message.quick_replies`. The customer taps one: the webhook Meta posts
//! for the tap (its text the title, `quick_reply.payload` the payload, both
//! taken from the request the page sent) goes through [`parse`], and the
//! engine asks the bot with that choice, which the bot answers.
//!
//! The host follows the drive loop of
//! [`Switchboard`]: hand the engine one
//! input, drain `poll_output` — carrying out each action in order — and
//! re-arm the timer from `poll_timeout`, firing it when time passes it.
//! Everything is printed as JSON lines: the webhook posted, the inputs, the
//! actions and the Send API requests.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard::bot::FaqBot;
use switchboard::config::Config;
use switchboard::engine::{Action, Input, InputLine, Output, Switchboard};
use switchboard::{Choice, QuickReply, Timestamp};

use crate::host::{Act, Fallible, Host};
use crate::inbound::parse;
use crate::outbound;

/// A bot first, and a queue for when the customer asks for a person.
const CONFIG: &str = r#"
[[queues]]
id = "support"

[bots.faq]
timeout = "10s"

[defaults]
bot = "faq"
"#;

/// The customer's page-scoped id and the page's id.
const PSID: &str = "1254459154682919";
const PAGE: &str = "682498302938465";

/// Runs the scene, printing what happens.
///
/// # Errors
///
/// When the engine or the bot refuses something, or the scene does not go
/// as told: the bot offers no "Payment methods" quick reply, or is not
/// asked with the one tapped.
pub(crate) fn run() -> Fallible<()> {
    let faq = FaqBot::from_toml_str(include_str!("../data/faq.toml"))?.max_choices(3);
    let mut host = Host::new(
        Switchboard::new(Config::from_toml_str(CONFIG)?),
        Timestamp::from_millis(1_795_428_600_000),
        Menu {
            faq,
            sent: Vec::new(),
            asked: Vec::new(),
        },
    );
    println!(
        "{}",
        json!({ "scene": "a menu on Messenger: quick replies out, the tap back as the choice" })
    );
    host.post(&message(
        host.now,
        "m_menu-1",
        "Can I pay by card, and get refunds on it?",
        None,
    ))?;

    // The customer reads the offer and taps "Payment methods": Messenger
    // posts the quick reply's title as the text and its payload.
    host.wait(Duration::from_secs(20))?;
    let tapped = host
        .story
        .offered()
        .into_iter()
        .find(|q| q.title == "Payment methods")
        .ok_or("the bot offered no \"Payment methods\" quick reply")?;
    let tap = message(host.now, "m_menu-2", &tapped.title, Some(&tapped.payload));
    host.post(&tap)?;

    // The engine asked the bot with the quick reply tapped.
    let expected = Choice::new(tapped.payload).with_title(tapped.title);
    match host.story.asked.last() {
        Some(Some(choice)) if *choice == expected => Ok(()),
        other => Err(format!("the bot was asked with {other:?}, not {expected:?}").into()),
    }
}

/// The scene's side of the host: it answers the bot's questions itself and
/// prints each action and the request it sends for it.
struct Menu {
    faq: FaqBot,
    /// The Send API requests made, in order.
    sent: Vec<Value>,
    /// The choice the bot was asked with, each time it was asked.
    asked: Vec<Option<Choice>>,
}

impl Host<Menu> {
    /// Meta posts `body` to the webhook: each input it carries is handed to
    /// the engine, whose outputs are drained.
    fn post(&mut self, body: &Value) -> Fallible<()> {
        println!("{}", json!({ "webhook": body }));
        for input in parse(body.to_string().as_bytes())? {
            println!(
                "{}",
                serde_json::to_string(&InputLine::new(self.now, input.clone()))?
            );
            self.give(input)?;
        }
        Ok(())
    }
}

impl Act for Menu {
    /// One action: printed, sent to Messenger when it sends something, and
    /// a question to the bot answered (its answer joins the outputs being
    /// drained).
    fn act(&mut self, output: Output) -> Fallible<Option<Input>> {
        let Output::Action(line) = output else {
            return Ok(None);
        };
        println!("{}", serde_json::to_string(&line)?);
        match outbound::request(&line.action) {
            Ok(Some(body)) => {
                println!("{}", json!({ "request": body }));
                self.sent.push(body);
            }
            Ok(None) => {}
            Err(e) => println!("{}", json!({ "unsendable": e.to_string() })),
        }
        let Action::AskBot(ask) = &line.action else {
            return Ok(None);
        };
        self.asked.push(ask.choice.clone());
        Ok(Some(Input::BotTurn(self.faq.turn(ask))))
    }
}

impl Menu {
    /// The quick replies of the last request that carried some, as the
    /// customer sees them.
    fn offered(&self) -> Vec<QuickReply> {
        let Some(replies) = self
            .sent
            .iter()
            .rev()
            .find_map(|r| r["message"]["quick_replies"].as_array())
        else {
            return Vec::new();
        };
        replies
            .iter()
            .filter_map(|q| {
                Some(QuickReply::new(
                    q["title"].as_str()?,
                    q["payload"].as_str()?,
                ))
            })
            .collect()
    }
}

/// The webhook Meta posts for a message from the customer, with the quick
/// reply tapped when `payload` is given.
fn message(at: Timestamp, mid: &str, text: &str, payload: Option<&str>) -> Value {
    let mut message = json!({ "mid": mid, "text": text });
    if let Some(payload) = payload {
        message["quick_reply"] = json!({ "payload": payload });
    }
    json!({
        "object": "page",
        "entry": [{
            "id": PAGE,
            "time": at.as_millis(),
            "messaging": [{
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": at.as_millis(),
                "message": message,
            }],
        }],
    })
}
