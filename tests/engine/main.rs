//! Scenario tests for the engine: every trigger, transition and notice of
//! the escalation state machine, through the public API.

mod agents;
mod channels;
mod clocks;
mod contacts;
mod durability;
mod edges;
mod escalation;
mod host_strategies;
mod invitations;
mod lifecycle;
mod notifications;
mod notify_properties;
mod properties;
mod refusals;
mod rich;
mod transitions;

use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{
    Action, BotTurn, Event, EventKind, Inbound, Input, InputError, Switchboard,
};
use switchboard::handoff::{Reason, State};
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Timestamp};

/// Monday 2026-11-23 10:00 UTC (11:00 in Berlin).
pub(crate) const MONDAY_10: u64 = 1_795_428_000_000;

pub(crate) const CONFIG: &str = r#"
[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"

[[queues]]
id = "support"

[[queues]]
id = "billing"
calendar = "eu"

[[queues]]
id = "sales"

[bots.faq]
timeout = "10s"

[escalation]
queue = "support"
min_confidence = 0.4
sentiment_below = -0.5
human_intents = ["booking", "complaint"]

[[escalation.rules]]
id = "vip"
when = "contact.tier == 'vip'"
queue = "sales"

[[rules]]
id = "refund"
when = "text contains_any ['refund', '退款']"
then = { queue = "billing", priority = 5, tags = ["refund"] }

[[rules]]
id = "default"
when = "true"
then = { bot = "faq" }

[conversations]
no_agent_timeout = "20m"
csat = true
"#;

/// A running engine with a clock, and what it said.
pub(crate) struct World {
    pub(crate) sb: Switchboard,
    pub(crate) now: Timestamp,
    pub(crate) actions: Vec<Action>,
    pub(crate) events: Vec<Event>,
}

impl World {
    pub(crate) fn new() -> World {
        World::with(CONFIG)
    }

    pub(crate) fn with(config: &str) -> World {
        let config = Config::from_toml_str(config).expect("test config compiles");
        World {
            sb: Switchboard::new(config),
            now: Timestamp::from_millis(MONDAY_10),
            actions: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Applies an input; panics if refused.
    pub(crate) fn give(&mut self, input: Input) -> &mut World {
        self.try_give(input).expect("input accepted");
        self
    }

    pub(crate) fn try_give(&mut self, input: Input) -> Result<(), InputError> {
        let r = self.sb.handle(self.now, input);
        self.collect();
        self.sb.check_invariants().expect("invariants hold");
        r
    }

    fn collect(&mut self) {
        while let Some(a) = self.sb.poll_action() {
            self.actions.push(a);
        }
        while let Some(e) = self.sb.poll_event() {
            self.events.push(e);
        }
    }

    /// Moves the clock on, running timers.
    pub(crate) fn wait(&mut self, d: Duration) -> &mut World {
        self.now = self.now + d;
        self.sb.handle_timeout(self.now);
        self.collect();
        self.sb.check_invariants().expect("invariants hold");
        self
    }

    pub(crate) fn say(&mut self, channel: ChannelKind, from: &str, text: &str) -> &mut World {
        self.give(Input::Inbound(Inbound::new(
            channel,
            Address::new_unchecked(from),
            text,
        )))
    }

    /// A web chat message from visitor `from`.
    pub(crate) fn chat(&mut self, from: &str, text: &str) -> &mut World {
        self.say(ChannelKind::WebChat, from, text)
    }

    /// An agent with every channel, available.
    pub(crate) fn agent(&mut self, id: &str) -> &mut World {
        self.agent_with(id, AgentProfile::new(id))
    }

    pub(crate) fn agent_with(&mut self, id: &str, profile: AgentProfile) -> &mut World {
        let profile = profile.with_capacity(Capacity::new([
            (ChannelKind::WebChat, 3),
            (ChannelKind::Sms, 3),
            (ChannelKind::WhatsApp, 3),
        ]));
        self.give(Input::AgentUpsert(profile));
        self.give(Input::AgentStatus {
            agent: AgentId::new(id),
            status: Presence::Available,
        })
    }

    /// The bot answers the latest question of `conv`.
    pub(crate) fn bot(&mut self, turn: BotTurn) -> &mut World {
        self.give(Input::BotTurn(turn))
    }

    pub(crate) fn accept(&mut self, agent: &str, conv: &str) -> &mut World {
        self.give(Input::AgentAccept {
            agent: AgentId::new(agent),
            conversation: ConversationId::new(conv),
        })
    }

    pub(crate) fn state(&self, conv: &str) -> State {
        self.sb
            .conversation(&ConversationId::new(conv))
            .expect("conversation exists")
            .state()
    }

    pub(crate) fn reason(&self, conv: &str) -> Option<Reason> {
        self.sb
            .conversation(&ConversationId::new(conv))
            .and_then(|c| c.reason().cloned())
    }

    /// Texts sent to the customer, in order.
    pub(crate) fn sent(&self) -> Vec<&str> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Send { part, .. } => part.as_text(),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn asks(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| matches!(a, Action::AskBot { .. }))
            .count()
    }

    /// The turn of the latest question to the bot.
    pub(crate) fn last_turn(&self) -> u64 {
        self.actions
            .iter()
            .rev()
            .find_map(|a| match a {
                Action::AskBot(ask) => Some(ask.turn),
                _ => None,
            })
            .expect("the bot was asked")
    }

    pub(crate) fn offers_to(&self, agent: &str) -> usize {
        self.actions
            .iter()
            .filter(|a| matches!(a, Action::Offer { agent: x, .. } if x.as_str() == agent))
            .count()
    }

    /// The transitions of `conv`, as (from, to, reason).
    pub(crate) fn transitions(&self, conv: &str) -> Vec<(Option<State>, State, Reason)> {
        self.events
            .iter()
            .filter(|e| e.conversation.as_ref().is_some_and(|c| c.as_str() == conv))
            .filter_map(|e| match &e.kind {
                EventKind::Transition { from, to, reason } => Some((*from, *to, reason.clone())),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn clear(&mut self) -> &mut World {
        self.actions.clear();
        self.events.clear();
        self
    }

    pub(crate) fn snapshot_json(&self) -> String {
        serde_json::to_string(&self.sb.snapshot()).expect("snapshot serializes")
    }
}

pub(crate) fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub(crate) fn mins(n: u64) -> Duration {
    Duration::from_secs(60 * n)
}
