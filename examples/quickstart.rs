//! The whole story in one run, driven the way every host drives the engine.
//!
//! A customer asks a bot on web chat. The bot answers what its knowledge
//! base knows; for a question it is unsure of it offers the closest
//! articles as buttons. The customer leaves and continues on SMS, where the
//! same offer comes as a numbered list, and texts "2": the engine hands the
//! bot that button's id, and the bot answers that article. The customer
//! then asks for a person; the agent gets the whole story (both channels,
//! what was said, the articles the bot thought close), answers on SMS and
//! closes.
//!
//! The bot is a [`FaqBot`] over `examples/data/faq.toml`, with its "did you
//! mean …?" choices turned on; the host asks it synchronously (an async
//! host would use [`switchboard::driver::Driver`], which does the same).
//!
//! The drive loop, as [`Switchboard`]'s docs state it: fire the timers
//! that are due, hand the engine one input, then drain
//! [`Switchboard::poll_output`] — carrying out each action (sending,
//! asking the bot, offering to an agent) in order — and re-arm the timer
//! from [`Switchboard::poll_timeout`]. Ids the engine makes (conversation
//! ids) are taken from its outputs, never guessed.
//!
//! Run with `cargo run --example quickstart`.

use std::error::Error;
use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::bot::FaqBot;
use switchboard::channel::Outbound;
use switchboard::engine::{Action, Closer, EventKind, Inbound, Input, Output, Switchboard};
use switchboard::handoff::Party;
use switchboard::{Address, AgentId, ChannelKind, Config, ConversationId, Timestamp};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[bots.faq]
timeout = "10s"

[escalation]
max_fallbacks = 3        # a person after the bot's third miss in a row

[defaults]
bot = "faq"
"#;

fn main() -> Result<(), Box<dyn Error>> {
    let faq = FaqBot::from_toml_str(include_str!("data/faq.toml"))?.max_choices(3);
    let mut host = Host {
        sb: Switchboard::new(Config::from_toml_str(CONFIG)?),
        faq,
        now: Timestamp::from_millis(1_795_424_400_000), // Mon 2026-11-23 10:00 Berlin
        timer: None,
        conversation: None,
    };
    let ana = AgentId::new("ana");

    host.give(
        "Ana signs in",
        Input::AgentUpsert(AgentProfile::new("ana").with_capacity(Capacity::new([
            (ChannelKind::WebChat, 3),
            (ChannelKind::Sms, 3),
        ]))),
    )?;
    host.give(
        "",
        Input::AgentStatus {
            agent: ana.clone(),
            status: Presence::Available,
        },
    )?;

    // The host knows the customer as CRM contact 1042 on every channel.
    let web = |text: &str| {
        let from = Address::new_unchecked("visitor-7");
        Input::Inbound(Inbound::new(ChannelKind::WebChat, from, text).with_contact_id("crm-1042"))
    };
    let sms = |text: &str| {
        let from = Address::new_unchecked("+14155550100");
        Input::Inbound(Inbound::new(ChannelKind::Sms, from, text).with_contact_id("crm-1042"))
    };

    host.give("Customer on web chat", web("When are you open?"))?;
    host.wait(Duration::from_secs(30))?;
    host.give("Customer", web("Can I pay by card, and get refunds on it?"))?;

    // The customer closes the browser and texts later, from the bus.
    host.wait(Duration::from_secs(20 * 60))?;
    host.give(
        "Twenty minutes later, by SMS",
        sms("Hi, me again. Can I pay by card, and get refunds on it?"),
    )?;
    host.wait(Duration::from_secs(40))?;
    host.give("Customer", sms("2"))?;

    host.wait(Duration::from_secs(60))?;
    host.give("Customer", sms("Thanks. Can I talk to a person?"))?;
    let conversation = host.conversation.clone().ok_or("no conversation")?;
    host.wait(Duration::from_secs(15))?;
    host.give(
        "Ana accepts",
        Input::AgentAccept {
            agent: ana.clone(),
            conversation: conversation.clone(),
        },
    )?;
    host.give(
        "Ana",
        Input::AgentMessage {
            agent: ana.clone(),
            conversation: conversation.clone(),
            content: "Hi, Ana here. Yes: refunds go back to the card you paid with.".into(),
        },
    )?;
    host.wait(Duration::from_secs(90))?;
    host.give(
        "Ana closes",
        Input::Close {
            conversation,
            by: Closer::Agent,
            agent: Some(ana),
        },
    )?;
    Ok(())
}

/// A host that keeps the clock, answers the bot's questions itself and
/// prints what the engine asks it to do.
struct Host {
    sb: Switchboard,
    faq: FaqBot,
    now: Timestamp,
    /// When the engine asked to be woken (from `poll_timeout`).
    timer: Option<Timestamp>,
    /// The conversation, as the engine named it in its outputs.
    conversation: Option<ConversationId>,
}

impl Host {
    /// Lets time pass, firing the engine's timers on the way.
    fn wait(&mut self, d: Duration) -> Result<(), Box<dyn Error>> {
        let until = self.now + d;
        while let Some(at) = self.timer.filter(|at| *at <= until) {
            self.now = at;
            self.sb.handle_timeout(at);
            self.drain()?;
        }
        self.now = until;
        Ok(())
    }

    /// Hands the engine one input, then drains its outputs.
    fn give(&mut self, who: &str, input: Input) -> Result<(), Box<dyn Error>> {
        match &input {
            Input::Inbound(m) => println!("{who} ({}): {}", m.channel, m.text),
            Input::AgentMessage { content, .. } => println!("{who}: {}", content.text),
            _ if !who.is_empty() => println!("{who}"),
            _ => {}
        }
        self.sb.handle(self.now, input)?;
        self.drain()
    }

    /// Carries out every output in order, then re-arms the timer.
    fn drain(&mut self) -> Result<(), Box<dyn Error>> {
        while let Some(output) = self.sb.poll_output() {
            match output {
                Output::Action(line) => self.act(line.action)?,
                Output::Event(event) => {
                    if let EventKind::Transition { from, to, reason } = event.kind {
                        let from = from.map_or("new".to_string(), |s| s.to_string());
                        println!("  · {from} → {to} ({reason})");
                    }
                }
                _ => {}
            }
        }
        self.timer = self.sb.poll_timeout();
        Ok(())
    }

    fn act(&mut self, action: Action) -> Result<(), Box<dyn Error>> {
        match action {
            Action::Send {
                channel,
                part,
                from,
                ..
            } => {
                let who = match from {
                    Party::Agent { agent } => agent.to_string(),
                    Party::Bot { bot } => format!("bot {bot}"),
                    _ => "system".to_owned(),
                };
                println!("  → send on {channel} ({who}): {}", show(&part));
            }
            Action::AskBot(request) => {
                self.conversation = Some(request.conversation.clone());
                let turn = self.faq.turn(&request);
                let picked = request.choice.as_ref().and_then(|c| c.title.as_deref());
                match (&turn.intent, picked) {
                    (Some(intent), Some(title)) => {
                        println!("  → bot {}: \"{title}\" picked: {intent}", request.bot)
                    }
                    (Some(intent), None) => println!("  → bot {}: {intent}", request.bot),
                    (None, _) => println!("  → bot {}: not sure (fallback)", request.bot),
                }
                // Answering the bot is one more input; its outputs join the
                // queue being drained.
                self.sb.handle(self.now, Input::BotTurn(turn))?;
            }
            Action::Offer {
                agent,
                conversation,
                context,
                ..
            } => {
                self.conversation = Some(conversation);
                let reason = context
                    .reason
                    .as_ref()
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                let channels: Vec<&str> = context.channels.iter().map(|c| c.as_str()).collect();
                println!("  → offer to {agent}: reason {reason}, channels {channels:?}");
                // The whole story, on both channels, as the agent sees it.
                for e in context.transcript.iter() {
                    let who = match &e.from {
                        Party::Customer => "customer",
                        Party::Bot { .. } => "bot",
                        Party::Agent { .. } => "agent",
                        _ => "system",
                    };
                    let channel = e.channel.as_ref().map_or("", |c| c.as_str());
                    let picked = e
                        .choice
                        .as_ref()
                        .and_then(|c| c.title.as_deref())
                        .map(|t| format!(" (picked \"{t}\")"))
                        .unwrap_or_default();
                    let text = e.text.lines().next().unwrap_or_default();
                    println!("      {who} on {channel}: {text}{picked}");
                }
                for article in &context.suggestions {
                    println!("      bot suggests: {}", article.title);
                }
            }
            Action::Assigned { agent, .. } => println!("  → {agent} has the conversation"),
            Action::Closed { reason, .. } => println!("  → closed ({reason})"),
            _ => {}
        }
        Ok(())
    }
}

/// One outbound part as the customer sees it: native buttons in brackets.
fn show(part: &Outbound) -> String {
    match part {
        Outbound::Text {
            text,
            quick_replies,
        } => {
            let buttons: Vec<String> = quick_replies
                .iter()
                .map(|q| format!("[{}]", q.title))
                .collect();
            let text = text
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("      {l}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let text = text.trim_start();
            if buttons.is_empty() {
                text.to_owned()
            } else {
                format!("{text}\n      {}", buttons.join(" "))
            }
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
