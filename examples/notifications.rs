//! The business writes first: an "order delayed" notification to three
//! customers.
//!
//! * Ana opted in to WhatsApp updates at checkout, but has not written on
//!   WhatsApp for days: her reply window is closed, so the notice goes as
//!   the approved template `order_delayed` with its parameters.
//! * Ben has no WhatsApp; he opted in to delivery texts at checkout, so it
//!   falls back to SMS as text.
//! * Cy once texted STOP: nothing goes to him, and the host is told why.
//!
//! Ben answers the text. His reply starts a conversation that the rule on
//! `conversation.campaign` sends to the deliveries queue; the agent who
//! takes it sees the notice as the first entry of the transcript.
//!
//! It follows the engine's drive loop: after every `handle` or
//! `handle_timeout`, drain `poll_output`, then re-arm the one timer from
//! `poll_timeout`. Ids the engine makes are taken from its outputs.
//!
//! Run with `cargo run --example notifications`.

use std::error::Error;
use std::time::Duration;

use switchboard::channel::Outbound;
use switchboard::engine::{ContactUpsert, EventKind};
use switchboard::notify::{
    ConsentChange, ConsentSource, ConsentUpdate, Notification, Purpose, Refusal, SourceKind,
};
use switchboard::{
    Action, Address, AgentId, AgentProfile, Capacity, ChannelKind, Config, ConversationId, Inbound,
    Input, Output, Presence, Switchboard, Timestamp,
};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[[queues]]
id = "deliveries"

[[rules]]
id = "delivery-replies"
when = "conversation.campaign == 'order_delayed'"
then = { queue = "deliveries" }

[[rules]]
id = "everything-else"
when = "true"
then = { queue = "support" }

[notifications]
fallback = ["whatsapp", "sms"]
timezone = "America/New_York"
quiet_hours = "21:00-08:00"

[campaigns.order_delayed]
purpose = "transactional"
text = "Hi {contact.name}, order {order} is running late; it now arrives {eta}. Reply here if that doesn't work."
template = { name = "order_delayed", language = "en_US", parameters = ["{order}", "{eta}"] }
max = 1
per = "1d"
"#;

/// The host: the engine, a clock, the one timer, and what it saw.
struct Host {
    sb: Switchboard,
    now: Timestamp,
    timer: Option<Timestamp>,
    refused: Vec<(String, Refusal)>,
    conversation: Option<ConversationId>,
    offered_to: Option<AgentId>,
}

impl Host {
    fn give(&mut self, input: Input) -> Result<(), Box<dyn Error>> {
        self.sb.handle(self.now, input)?;
        self.drain();
        Ok(())
    }

    fn wait(&mut self, d: Duration) {
        let until = self.now + d;
        while let Some(at) = self.timer.filter(|at| *at <= until) {
            self.now = at;
            self.sb.handle_timeout(at);
            self.drain();
        }
        self.now = until;
    }

    fn drain(&mut self) {
        while let Some(output) = self.sb.poll_output() {
            match output {
                Output::Action(line) => self.act(line.action),
                Output::Event(event) => match event.kind {
                    EventKind::NotificationSent {
                        notification,
                        channel,
                        tried,
                        ..
                    } => {
                        let skipped: Vec<String> = tried
                            .iter()
                            .map(|s| format!("{} ({:?})", s.channel, s.why))
                            .collect();
                        println!(
                            "  = {} sent on {channel}; passed over: {skipped:?}",
                            notification.unwrap_or_default()
                        );
                    }
                    EventKind::Started { .. } => self.conversation = event.conversation,
                    _ => {}
                },
                _ => {}
            }
        }
        self.timer = self.sb.poll_timeout();
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Send {
                channel, to, part, ..
            } => match part {
                Outbound::Template { template } => println!(
                    "  → {channel} {to}: template {} ({}) with {:?}",
                    template.name, template.language, template.parameters
                ),
                part => println!(
                    "  → {channel} {to}: {}",
                    part.as_text().unwrap_or("(media)")
                ),
            },
            Action::NotificationRefused {
                notification,
                reason,
                ..
            } => {
                println!(
                    "  ✗ {} refused: {reason}",
                    notification.as_deref().unwrap_or("?")
                );
                self.refused
                    .push((notification.unwrap_or_default(), reason));
            }
            Action::Offer { agent, context, .. } => {
                println!("  ⇢ offered to {agent}; the transcript they see:");
                for entry in &context.transcript {
                    println!("      [{:?}] {}", entry.from, entry.text);
                }
                self.offered_to = Some(agent);
            }
            Action::Assigned { agent, .. } => println!("  ✓ {agent} has it"),
            _ => {}
        }
    }
}

fn phone(channel: &ChannelKind, n: &str) -> Result<Address, Box<dyn Error>> {
    Ok(Address::new(channel, n)?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut host = Host {
        sb: Switchboard::new(Config::from_toml_str(CONFIG)?),
        // Tuesday 2026-11-24 15:00 UTC: 10:00 in New York.
        now: Timestamp::from_millis(1_795_532_400_000),
        timer: None,
        refused: Vec::new(),
        conversation: None,
        offered_to: None,
    };
    let (wa, sms) = (ChannelKind::WhatsApp, ChannelKind::Sms);

    println!("The customers, as the shop's CRM knows them:");
    let name = |n: &str| switchboard::Value::Text(n.into());
    host.give(Input::Contact(
        ContactUpsert::new("ana")
            .identity(wa.clone(), phone(&wa, "+12125550101")?)
            .identity(sms.clone(), phone(&sms, "+12125550101")?)
            .attribute("name", name("Ana")),
    ))?;
    host.give(Input::Contact(
        ContactUpsert::new("ben")
            .identity(sms.clone(), phone(&sms, "+12125550102")?)
            .attribute("name", name("Ben")),
    ))?;
    host.give(Input::Contact(
        ContactUpsert::new("cy")
            .identity(sms.clone(), phone(&sms, "+12125550103")?)
            .attribute("name", name("Cy")),
    ))?;
    // Ana ticked "updates on WhatsApp" at checkout.
    let checkout = ConsentSource::new(SourceKind::WebForm).with_detail("checkout #1042");
    host.give(Input::Consent(ConsentUpdate::new(
        wa.clone(),
        phone(&wa, "+12125550101")?,
        Some(Purpose::Transactional),
        ConsentChange::OptIn,
        checkout,
    )))?;
    // Ben agreed to delivery texts when he ordered.
    let order_form = ConsentSource::new(SourceKind::WebForm).with_detail("checkout #1043");
    host.give(Input::Consent(ConsentUpdate::new(
        sms.clone(),
        phone(&sms, "+12125550102")?,
        Some(Purpose::Transactional),
        ConsentChange::OptIn,
        order_form,
    )))?;
    // Cy texted STOP some time ago.
    host.give(Input::Inbound(Inbound::new(
        sms.clone(),
        phone(&sms, "+12125550103")?,
        "STOP",
    )))?;
    host.wait(Duration::from_secs(3600));

    println!("\nThe carrier reports a delay; the shop notifies each customer:");
    for (who, order) in [("ana", "1042"), ("ben", "1043"), ("cy", "1044")] {
        println!("{who}:");
        let notice = Notification::to_contact(who)
            .campaign("order_delayed")
            .value("order", order)
            .value("eta", "Thursday")
            .id(format!("delay-{order}"));
        host.give(Input::Notify(notice))?;
    }
    assert_eq!(host.refused.len(), 1, "only Cy's is refused");
    assert!(matches!(host.refused[0].1, Refusal::OptedOut { .. }));

    println!("\nAn agent signs in to the deliveries queue:");
    host.give(Input::AgentUpsert(
        AgentProfile::new("dee").with_capacity(Capacity::new([(sms.clone(), 3)])),
    ))?;
    host.give(Input::AgentStatus {
        agent: AgentId::new("dee"),
        status: Presence::Available,
    })?;

    host.wait(Duration::from_secs(20 * 60));
    println!("\nBen answers the text:");
    let reply = "Thursday is no good, can it come Friday?";
    host.give(Input::Inbound(Inbound::new(
        sms.clone(),
        phone(&sms, "+12125550102")?,
        reply,
    )))?;
    let conversation = host.conversation.clone().ok_or("a conversation started")?;
    let agent = host.offered_to.clone().ok_or("an agent was offered it")?;
    let view = host.sb.conversation(&conversation).ok_or("it exists")?;
    assert_eq!(view.queue().map(|q| q.as_str()), Some("deliveries"));
    assert_eq!(view.origin().campaign(), Some("order_delayed"));

    host.give(Input::AgentAccept {
        agent: agent.clone(),
        conversation: conversation.clone(),
    })?;
    host.give(Input::AgentMessage {
        agent,
        conversation,
        content: "Hi Ben, Dee here: Friday works, I've moved it.".into(),
    })?;

    println!("\nAna's consent on record:");
    for entry in host.sb.consent_history(&"ana".into()) {
        println!("  {}", serde_json::to_string(&entry)?);
    }
    Ok(())
}
