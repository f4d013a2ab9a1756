//! A few minutes in a small contact center, in virtual time: who gets
//! which conversation, and why.
//!
//! ```sh
//! cargo run --example assign
//! ```
//!
//! Agents with skills, languages and capacities sign in; conversations
//! arrive in three queues; offers are accepted, declined and left to
//! expire; an agent signs out mid-conversation. Every assigner event is
//! printed with the virtual time it happened at.

use std::time::Duration;

use switchboard::assign::{
    AgentProfile, AssignEvent, Assigner, Capacity, ConversationStatus, Presence, Request,
};
use switchboard::config::Config;
use switchboard::{AgentId, ChannelKind, Ticket, Timestamp, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_toml_str(include_str!("data/assign.toml"))?;
    let start = Timestamp::from_millis(0);
    let mut sim = Sim {
        a: Assigner::new(config.into(), start),
        now: start,
    };

    // Three agents sign in.
    let chat = |n| Capacity::new([(ChannelKind::WebChat, n), (ChannelKind::WhatsApp, n)]);
    let mut lea = AgentProfile::new("lea")
        .with_skill("billing", 5)
        .with_languages(["es", "en"])
        .with_capacity(chat(1));
    lea.attributes.insert("senior".into(), Value::Bool(true));
    sim.sign_in(lea)?;
    sim.sign_in(
        AgentProfile::new("tom")
            .with_skill("billing", 2)
            .with_languages(["en"])
            .with_capacity(chat(2)),
    )?;
    sim.sign_in(
        AgentProfile::new("mei")
            .with_languages(["zh", "en"])
            .with_capacity(chat(3)),
    )?;

    // Conversations arrive. Lea is the only senior and the only Spanish
    // speaker with billing skills; Tom's billing level is below 3.
    sim.arrive(Request::new("c1", "billing", ChannelKind::WhatsApp).with_lang("es"))?;
    sim.arrive(Request::new("c2", "billing", ChannelKind::WebChat).with_lang("en"))?;
    sim.arrive(Request::new("c3", "vip", ChannelKind::WebChat).with_lang("en"))?;
    sim.arrive(Request::new("c4", "general", ChannelKind::WebChat).with_lang("zh"))?;
    sim.arrive(Request::new("c5", "billing", ChannelKind::WebChat).with_lang("en"))?;

    // After 2 minutes c5's relaxation step lets Tom take it, but he lets
    // the offer expire twice and is set away.
    sim.pass(Duration::from_secs(180));

    // Lea closes c2; after her 30 s wrap-up the VIP is offered to her.
    sim.finish("c2")?;
    sim.pass(Duration::from_secs(40));

    // Lea signs out: c1 and c3 go back to the front of their queues.
    sim.call(|a, now| a.set_presence(now, &AgentId::new("lea"), Presence::Offline))?;
    sim.status("c3");

    // At 10 minutes c5 overflows to the general queue, where Mei takes it.
    sim.pass(Duration::from_secs(420));
    Ok(())
}

/// The assigner, a virtual clock, and agents who accept every offer
/// except when the script says otherwise.
struct Sim {
    a: Assigner,
    now: Timestamp,
}

impl Sim {
    fn sign_in(&mut self, p: AgentProfile) -> Result<(), Box<dyn std::error::Error>> {
        let id = p.agent.clone();
        println!("{:>5}  {id} signs in", self.clock());
        self.a.upsert_agent(self.now, p)?;
        self.call(|a, now| a.set_presence(now, &id, Presence::Available))
    }

    fn arrive(&mut self, r: Request) -> Result<(), Box<dyn std::error::Error>> {
        println!(
            "{:>5}  {} arrives in {} ({}, {})",
            self.clock(),
            r.ticket,
            r.queue,
            r.channel,
            r.lang.as_deref().unwrap_or("?")
        );
        let id = r.ticket.clone();
        self.a.enqueue(self.now, r)?;
        self.drain();
        self.status(id.as_str());
        Ok(())
    }

    fn finish(&mut self, c: &str) -> Result<(), Box<dyn std::error::Error>> {
        println!("{:>5}  {c} closes", self.clock());
        self.a.finish(self.now, &Ticket::new(c))?;
        self.drain();
        Ok(())
    }

    fn call(
        &mut self,
        f: impl FnOnce(&mut Assigner, Timestamp) -> Result<(), switchboard::assign::AssignError>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        f(&mut self.a, self.now)?;
        self.drain();
        Ok(())
    }

    /// Lets `d` pass, running timers at their times.
    fn pass(&mut self, d: Duration) {
        let end = self.now + d;
        while let Some(t) = self.a.poll_timeout().filter(|t| *t <= end) {
            self.now = t;
            self.a.handle_timeout(t);
            self.drain();
        }
        self.now = end;
        self.a.handle_timeout(end);
        self.drain();
    }

    fn status(&self, c: &str) {
        if let Some(ConversationStatus::Waiting {
            position, estimate, ..
        }) = self.a.status(&Ticket::new(c), self.now)
        {
            let wait = estimate.map_or("unknown".into(), |e| format!("{}s", e.as_secs()));
            println!(
                "{:>5}    {c} waits: position {position}, about {wait}",
                self.clock()
            );
        }
    }

    /// Prints events; agents accept every offer except c5 for Tom.
    fn drain(&mut self) {
        while let Some(e) = self.a.poll_event() {
            println!("{:>5}    {}", self.clock(), describe(&e));
            if let AssignEvent::Offered { ticket, agent, .. } = e
                && !(ticket.as_str() == "c5" && agent.as_str() == "tom")
            {
                self.a
                    .accept(self.now, &agent, &ticket)
                    .expect("the offer was just made");
            }
        }
    }

    fn clock(&self) -> String {
        let s = self.now.as_millis() / 1000;
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn describe(e: &AssignEvent) -> String {
    match e {
        AssignEvent::Offered {
            ticket,
            agent,
            queue,
            ..
        } => format!("offer {ticket} ({queue}) to {agent}"),
        AssignEvent::Assigned { ticket, agent, .. } => format!("{agent} accepts {ticket}"),
        AssignEvent::OfferMissed {
            ticket,
            agent,
            reason,
        } => format!("{agent} missed {ticket}: {reason:?}"),
        AssignEvent::OfferRevoked {
            ticket,
            agent,
            reason,
        } => format!("offer of {ticket} to {agent} withdrawn: {reason:?}"),
        AssignEvent::Requeued {
            ticket,
            queue,
            front,
        } => format!(
            "{ticket} back in {queue}{}",
            if *front { ", at the front" } else { "" }
        ),
        AssignEvent::Unassigned {
            ticket,
            agent,
            reason,
        } => format!("{ticket} taken from {agent}: {reason:?}"),
        AssignEvent::Relaxed { ticket, step, .. } => {
            format!("{ticket} relaxed to step {step}")
        }
        AssignEvent::Overflowed { ticket, from, to } => {
            format!("{ticket} overflows from {from} to {to}")
        }
        AssignEvent::AgentAway { agent, missed } => {
            format!("{agent} set away after {missed} missed offers")
        }
        other => format!("{other:?}"),
    }
}
