//! Routing a handful of messages by rules (a VIP rule, a Chinese keyword
//! rule, an after-hours rule) with the reason for each decision; one reply
//! rendered for SMS, WhatsApp, Messenger and web chat; a long, emoji-heavy
//! Chinese text split for SMS; and an SMS STOP honoured.
//!
//! Run with `cargo run --example quickstart`.

use std::error::Error;
use std::sync::{Arc, RwLock};

use switchboard::channel::consent::{ConsentGuard, ConsentRegistry};
use switchboard::channel::sms::analyze;
use switchboard::channel::{Capabilities, Channel, MemoryChannel, Outbound, WindowState, render};
use switchboard::config::Config;
use switchboard::expr::Facts;
use switchboard::{
    Address, Attributes, ChannelKind, Content, QuickReply, TemplateRef, Timestamp, Value,
};

const CONFIG: &str = r#"
[calendars.support]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"

[[queues]]
id = "vip"
[[queues]]
id = "billing"
[[queues]]
id = "general"
calendar = "support"

[bots.faq]

[templates]
after_hours = "We are closed; an agent will answer when we open."

[[rules]]
id = "after-hours"
when = "not hours.support"
then = { reply = "after_hours", tags = ["after-hours"] }
continue = true

[[rules]]
id = "vip"
when = "contact.tier == 'vip'"
then = { queue = "vip", priority = 10 }

[[rules]]
id = "refund-zh"
when = "text contains_any ['退款', '退货', 'refund']"
then = { queue = "billing", tags = ["refund"] }

[[rules]]
id = "human"
when = "text contains_any ['人工', '客服'] or text matches '\\b(agent|human)\\b'"
then = { queue = "general" }

[defaults]
bot = "faq"
"#;

fn routing() -> Result<(), Box<dyn Error>> {
    println!("switchboard quickstart: who answers?\n");
    let config = Config::from_toml_str(CONFIG)?;
    let vip = Attributes::from([("tier".to_string(), Value::from("vip"))]);
    let gold = Attributes::from([("tier".to_string(), Value::from("gold"))]);
    let monday_10 = Timestamp::from_millis(1_795_424_400_000); // Mon 2026-11-23 10:00 Berlin
    let sunday = Timestamp::from_millis(1_795_341_600_000); // Sun 2026-11-22 11:00 Berlin
    let (sms, wa) = (ChannelKind::Sms, ChannelKind::WhatsApp);
    let messages = [
        (&sms, "Where is my order?", &gold, monday_10),
        (&wa, "我要退款，订单 10423", &gold, monday_10),
        (&wa, "I need help with my invoice", &vip, monday_10),
        (&sms, "转人工", &gold, sunday),
    ];
    for (channel, text, contact, at) in messages {
        let facts = Facts::new(at)
            .with_channel(channel)
            .with_text(text)
            .with_contact(contact);
        println!("{channel} {text:?}\n  {}", config.router().route(&facts));
    }
    let facts = Facts::new(monday_10)
        .with_channel(&wa)
        .with_text("我要退款，订单 10423")
        .with_contact(&gold);
    println!("\nWhy did 我要退款 go to billing?");
    print!("{}", config.router().explain(&facts).1);
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    routing()?;
    println!("\nOne reply, four channels\n");
    let reply =
        Content::text("Your order #1042 has shipped 🚚 and arrives tomorrow. Anything else?")
            .with_quick_replies([
                QuickReply::new("Track it", "track"),
                QuickReply::new("Talk to a person", "human"),
            ])
            .with_template(TemplateRef::new("order_shipped", "en_US").with_parameters(["1042"]));

    let channels = [
        ("SMS", Capabilities::sms()),
        ("WhatsApp", Capabilities::whatsapp()),
        ("Messenger", Capabilities::messenger()),
        ("Web chat", Capabilities::webchat()),
    ];
    for (name, caps) in &channels {
        println!("── {name}");
        for part in render(&reply, caps, WindowState::Open)? {
            print_part(&part);
            if *name == "SMS" {
                let info = analyze(part.as_text().unwrap_or_default());
                let why: String = info.non_gsm_chars.iter().collect();
                println!(
                    "  cost: {:?} (forced by {why:?}), {} units, {} segments",
                    info.encoding, info.units, info.segments
                );
            }
        }
    }
    println!("── WhatsApp, 25 h after the customer's last message (window closed)");
    for part in render(&reply, &Capabilities::whatsapp(), WindowState::Closed)? {
        print_part(&part);
    }

    let chinese = "亲爱的顾客您好😊！您的包裹📦已从上海🇨🇳发出，预计三天内送达柏林🇩🇪。\
                   如需帮助请直接回复本短信，我们的客服👩‍👩‍👧团队会尽快联系您👍🏽。"
        .repeat(3);
    let sms = Capabilities::sms().with_max_segments(2);
    let whole = analyze(&chinese);
    println!(
        "\nA Chinese text with emoji: {} UTF-16 units, {} segments as one SMS.\n\
         Split for SMS at most 2 segments per message, at sentence ends:",
        whole.units, whole.segments
    );
    for (i, part) in render(&Content::text(chinese), &sms, WindowState::Open)?
        .iter()
        .enumerate()
    {
        let text = part.as_text().unwrap_or_default();
        let info = analyze(text);
        println!(
            "  message {}: {:?}, {} units, {} segments: {text}",
            i + 1,
            info.encoding,
            info.units,
            info.segments
        );
    }

    println!("\nThe customer replies STOP on SMS:");
    let consent = Arc::new(RwLock::new(ConsentRegistry::default()));
    let channel = ConsentGuard::new(MemoryChannel::new(ChannelKind::Sms), consent.clone());
    let customer = Address::new(&ChannelKind::Sms, "+1 415 555 0100")?;
    let event = consent
        .write()
        .map_err(|_| "consent lock poisoned")?
        .on_inbound(
            &ChannelKind::Sms,
            &customer,
            "Stop",
            Timestamp::from_millis(0),
        );
    println!("  consent: {event:?}");
    match pollster::block_on(channel.send(&customer, &Outbound::text("20% off today!"))) {
        Ok(_) => println!("  sent (this should not happen)"),
        Err(e) => println!("  next send refused: {e}"),
    }
    Ok(())
}

fn print_part(part: &Outbound) {
    match part {
        Outbound::Text {
            text,
            quick_replies,
        } => {
            for (i, line) in text.lines().enumerate() {
                let label = if i == 0 { "text:" } else { "" };
                println!("  {label:5} {line}");
            }
            if !quick_replies.is_empty() {
                let titles: Vec<String> = quick_replies
                    .iter()
                    .map(|q| format!("[{}]", q.title))
                    .collect();
                println!("  buttons: {}", titles.join(" "));
            }
        }
        Outbound::Template { template } => {
            println!(
                "  template: {} ({}) {:?}",
                template.name, template.language, template.parameters
            )
        }
        other => println!("  {other:?}"),
    }
}
