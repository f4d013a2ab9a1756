//! Acceptance tests for the assigner, written as given / when / then
//! scenarios.

mod agents;
mod directed;
mod estimates;
mod offers;
mod properties;
mod queues;
mod reconfigure;
mod recovery;
#[path = "../../benches/support/rng.rs"]
mod rng;
mod snapshot;
mod strategies;

use std::time::Duration;

use switchboard::assign::{
    AgentProfile, AssignEvent, Assigner, Capacity, ConversationStatus, Presence, Request,
};
use switchboard::config::Config;
use switchboard::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};

/// A running assigner with a clock, for scenarios.
pub(crate) struct World {
    pub(crate) a: Assigner,
    pub(crate) now: Timestamp,
}

/// Given this configuration, at 2026-01-05 00:00 UTC (a Monday).
pub(crate) fn given(config: &str) -> World {
    let config = Config::from_toml_str(config).unwrap_or_else(|e| panic!("{e}"));
    let now = Timestamp::from_millis(1_767_571_200_000);
    World {
        a: Assigner::new(config.into(), now),
        now,
    }
}

pub(crate) fn agent(id: &str) -> AgentId {
    AgentId::new(id)
}

pub(crate) fn conv(id: &str) -> Ticket {
    Ticket::new(id)
}

/// A profile with `chats` web chat capacity.
pub(crate) fn profile(id: &str, chats: u32) -> AgentProfile {
    AgentProfile::new(id).with_capacity(Capacity::new([(ChannelKind::WebChat, chats)]))
}

pub(crate) fn chat(id: &str, queue: &str) -> Request {
    Request::new(id, queue, ChannelKind::WebChat)
}

impl World {
    /// Adds an agent and makes them available.
    pub(crate) fn available(&mut self, p: AgentProfile) -> &mut Self {
        let id = p.agent.clone();
        self.a.upsert_agent(self.now, p).unwrap();
        self.a
            .set_presence(self.now, &id, Presence::Available)
            .unwrap();
        self.check();
        self
    }

    pub(crate) fn presence(&mut self, id: &str, p: Presence) -> &mut Self {
        self.a.set_presence(self.now, &agent(id), p).unwrap();
        self.check();
        self
    }

    pub(crate) fn enqueue(&mut self, r: Request) -> ConversationStatus {
        let s = self.a.enqueue(self.now, r).unwrap();
        self.check();
        s
    }

    pub(crate) fn accept(&mut self, a: &str, c: &str) {
        self.a.accept(self.now, &agent(a), &conv(c)).unwrap();
        self.check();
    }

    pub(crate) fn decline(&mut self, a: &str, c: &str) {
        self.a.decline(self.now, &agent(a), &conv(c)).unwrap();
        self.check();
    }

    pub(crate) fn finish(&mut self, c: &str) {
        self.a.finish(self.now, &conv(c)).unwrap();
        self.check();
    }

    /// Lets time pass, running every timer on the way.
    pub(crate) fn after(&mut self, d: Duration) -> &mut Self {
        self.now = self.now + d;
        self.a.handle_timeout(self.now);
        self.check();
        self
    }

    pub(crate) fn secs(&mut self, s: u64) -> &mut Self {
        self.after(Duration::from_secs(s))
    }

    pub(crate) fn check(&self) {
        if let Err(e) = self.a.check_invariants() {
            panic!("invariant broken: {e}");
        }
    }

    /// The events since the last call.
    pub(crate) fn events(&mut self) -> Vec<AssignEvent> {
        std::iter::from_fn(|| self.a.poll_event()).collect()
    }

    /// The offers made since the last call, as `(conversation, agent)`.
    pub(crate) fn offers(&mut self) -> Vec<(String, String)> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                AssignEvent::Offered { ticket, agent, .. } => {
                    Some((ticket.to_string(), agent.to_string()))
                }
                _ => None,
            })
            .collect()
    }

    /// Offers, accepted at once.
    pub(crate) fn offers_accepted(&mut self) -> Vec<(String, String)> {
        let offers = self.offers();
        for (c, a) in &offers {
            self.accept(a, c);
        }
        self.events();
        offers
    }

    pub(crate) fn status(&self, c: &str) -> Option<ConversationStatus> {
        self.a.status(&conv(c), self.now)
    }

    pub(crate) fn position(&self, c: &str) -> Option<usize> {
        match self.status(c)? {
            ConversationStatus::Waiting { position, .. } => Some(position),
            _ => None,
        }
    }

    pub(crate) fn holder(&self, c: &str) -> Option<String> {
        match self.status(c)? {
            ConversationStatus::Assigned { agent, .. } => Some(agent.to_string()),
            _ => None,
        }
    }

    pub(crate) fn waiting(&self, q: &str) -> Vec<String> {
        self.a
            .waiting(&QueueId::new(q))
            .unwrap()
            .into_iter()
            .map(|c| c.to_string())
            .collect()
    }
}

pub(crate) fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}
