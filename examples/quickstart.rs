//! The whole story in one run: a customer asks a bot on web chat, the bot
//! answers what its knowledge base knows and fails twice on what it does
//! not, the customer asks for a person, the agent gets the context (with
//! the articles the bot found closest) and answers; later the customer
//! comes back on SMS and reaches the same agent.
//!
//! The bot is a [`FaqBot`] over `examples/data/faq.toml`; the host here
//! asks it synchronously between inputs (an async host would use
//! [`switchboard::driver::Driver`], which does the same).
//!
//! Run with `cargo run --example quickstart`.

use std::error::Error;
use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::bot::FaqBot;
use switchboard::config::Config;
use switchboard::engine::{Action, Closer, EventKind, Inbound, Input, Switchboard};
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Timestamp};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[bots.faq]
timeout = "10s"

[escalation]
max_fallbacks = 3        # the customer asks for a person before the bot gives up

[defaults]
bot = "faq"
"#;

fn main() -> Result<(), Box<dyn Error>> {
    let faq = FaqBot::from_toml_str(include_str!("data/faq.toml"))?;
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG)?);
    let step = |sb: &mut Switchboard, now, who: &str, input| step(sb, &faq, now, who, input);
    let mut now = Timestamp::from_millis(1_795_424_400_000); // Mon 2026-11-23 10:00 Berlin
    let ana = AgentId::new("ana");
    let c1 = ConversationId::new("c1");

    step(
        &mut sb,
        now,
        "Ana signs in",
        Input::AgentUpsert(AgentProfile::new("ana").with_capacity(Capacity::new([
            (ChannelKind::WebChat, 3),
            (ChannelKind::Sms, 3),
        ]))),
    )?;
    step(
        &mut sb,
        now,
        "",
        Input::AgentStatus {
            agent: ana.clone(),
            status: Presence::Available,
        },
    )?;

    // The host knows the visitor as CRM contact 1042 on every channel.
    let web = |text: &str| {
        Input::Inbound(
            Inbound::new(
                ChannelKind::WebChat,
                Address::new_unchecked("visitor-7"),
                text,
            )
            .with_contact_id("crm-1042"),
        )
    };
    step(
        &mut sb,
        now,
        "Customer on web chat",
        web("When are you open?"),
    )?;
    now = now + Duration::from_secs(20);
    step(
        &mut sb,
        now,
        "Customer",
        web("Can I change the delivery address of my parcel?"),
    )?;
    now = now + Duration::from_secs(20);
    step(
        &mut sb,
        now,
        "Customer",
        web("The address for order 1042 is wrong"),
    )?;
    now = now + Duration::from_secs(20);
    step(&mut sb, now, "Customer", web("Can I talk to a person?"))?;
    now = now + Duration::from_secs(15);
    step(
        &mut sb,
        now,
        "Ana accepts",
        Input::AgentAccept {
            agent: ana.clone(),
            conversation: c1.clone(),
        },
    )?;
    step(&mut sb, now, "Ana", Input::AgentMessage {
        agent: ana.clone(),
        conversation: c1.clone(),
        content: "Hi, Ana here. I see order 1042 and the new address question: what is the new address?".into(),
    })?;
    now = now + Duration::from_secs(60);
    step(
        &mut sb,
        now,
        "Ana closes",
        Input::Close {
            conversation: c1.clone(),
            by: Closer::Agent,
            agent: Some(ana.clone()),
        },
    )?;

    now = now + Duration::from_secs(3 * 3600);
    let sms = Inbound::new(
        ChannelKind::Sms,
        Address::new_unchecked("+14155550100"),
        "Hi again, the parcel has not arrived",
    )
    .with_contact_id("crm-1042");
    step(
        &mut sb,
        now,
        "Three hours later, the customer texts",
        Input::Inbound(sms),
    )?;
    step(
        &mut sb,
        now,
        "Ana accepts",
        Input::AgentAccept {
            agent: ana.clone(),
            conversation: c1.clone(),
        },
    )?;
    step(
        &mut sb,
        now,
        "Ana",
        Input::AgentMessage {
            agent: ana,
            conversation: c1,
            content: "Hi again! Checking with the courier now.".into(),
        },
    )?;
    Ok(())
}

/// Applies one input and prints what the engine asks the host to do,
/// putting the customer's messages to the bot when the engine asks.
fn step(
    sb: &mut Switchboard,
    faq: &FaqBot,
    now: Timestamp,
    who: &str,
    input: Input,
) -> Result<(), Box<dyn Error>> {
    if let Input::Inbound(m) = &input {
        println!("{who} ({}): {}", m.channel, m.text);
    } else if let Input::AgentMessage { content, .. } = &input {
        println!("{who}: {}", content.text);
    } else if !who.is_empty() {
        println!("{who}");
    }
    sb.handle(now, input)?;
    while let Some(action) = sb.poll_action() {
        match action {
            Action::Send {
                channel,
                part,
                from,
                ..
            } => {
                let from = serde_json::to_value(&from)?;
                println!(
                    "  → send on {channel} ({}): {}",
                    from["role"].as_str().unwrap_or("?"),
                    part.as_text().unwrap_or("(media)")
                );
            }
            Action::AskBot(request) => {
                let turn = faq.turn(&request);
                match &turn.intent {
                    Some(intent) => println!("  → bot {}: {intent}", request.bot),
                    None => println!("  → bot {}: no article covers it (fallback)", request.bot),
                }
                sb.handle(now, Input::BotTurn(turn))?;
            }
            Action::Offer { agent, context, .. } => {
                let reason = context
                    .reason
                    .as_ref()
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                let channels: Vec<&str> = context.channels.iter().map(|c| c.as_str()).collect();
                let previous: Vec<&str> =
                    context.previous_agents.iter().map(|a| a.as_str()).collect();
                println!(
                    "  → offer to {agent}: reason {reason}, channels {channels:?}, previous agents {previous:?}"
                );
                for line in context.customer_messages() {
                    println!("      customer said: {line}");
                }
                for article in &context.suggestions {
                    println!("      bot suggests: {}", article.title);
                }
            }
            Action::Assigned { agent, .. } => println!("  → {agent} has the conversation"),
            Action::Closed { reason, .. } => println!("  → closed ({reason})"),
            _ => {}
        }
    }
    while let Some(event) = sb.poll_event() {
        if let EventKind::Transition { from, to, reason } = event.kind {
            let from = from.map_or("new".to_string(), |s| s.to_string());
            println!("  · {from} → {to} ({reason})");
        }
    }
    Ok(())
}
