//! One conversation's lifecycle: the escalation state machine, in one
//! place.
//!
//! A [`Conversation`] owns everything that happens to one conversation:
//! its [`Phase`] (a state whose variants carry the data only that state
//! has), its deadlines in one [`TimerTable`], its transcript and what its
//! bot concluded. It takes typed stimuli — a customer message, a bot turn,
//! an agent's act, what the assigner decided for its ticket, a timer — and
//! answers them through an [`Env`]: the engine's parts it may use (the
//! configuration, the assigner, contacts, consent, tickets) and the
//! outputs it produces (actions for the host, audit events). The engine
//! ([`Switchboard`](crate::engine::Switchboard)) only composes: it finds
//! the conversation an input or an assigner event is for, lends it an
//! `Env`, hands the assigner's events back, and files each
//! conversation's earliest deadline in its timer set.
//!
//! ```text
//!             ┌──────── bot_turn resolved ─────────────────────────┐
//!  new ─► Bot ─ trigger ─► Queued ─ agent free ─► Offered ─ accept ─► WithAgent ─ close ─► Closed
//!          ▲                 ▲  │                   │ decline/timeout    │ transfer/agent offline
//!          │                 │  └ overflow / relax  └────► Queued (keeps its place)
//!          └──── hand back ──┴──────────────────────────────────────────┘
//!  Closed ─ customer writes within reopen window ─► back to the last agent if free, else queue
//!  Queued outside business hours ─► AfterHours (ack + leave-a-message), served at opening
//! ```
//!
//! The files, by job:
//!
//! * `phase.rs` — the phases and their data; `timers.rs` — the timer
//!   table;
//! * `env.rs` — what the engine lends a conversation;
//! * `customer.rs` — customer messages: recording them, reopening, the
//!   survey answer;
//! * `bot.rs` — the bot step (triggers, routing, asking the bot), bot
//!   turns, routing decisions;
//! * `waiting.rs` — escalation, queue notices, offers and requeues;
//! * `agent.rs` — assignment, agent messages, transfers, hold, hand back;
//! * `closing.rs` — closing, satisfaction, timers;
//! * `stimulus.rs` — the stimuli as data, and the one entry point that
//!   takes them;
//! * `tools.rs` — typing, canned responses, suggestions sent on;
//! * `context.rs` — what a bot and an agent are shown.

mod agent;
mod bot;
mod closing;
mod context;
mod customer;
mod env;
mod phase;
mod stimulus;
mod timers;
mod tools;
mod waiting;

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::channel::resolve_choice;
use crate::handoff::{Note, Party, Reason, State, Transcript};
use crate::model::{
    Address, AgentId, Attributes, BotId, ChannelKind, Choice, ContactId, Content, ConversationId,
    Origin, QueueId, QuickReply, Suggestion, Ticket, Timestamp,
};

pub(crate) use customer::attachments_of;
pub(crate) use env::{Env, SendRefusal, Then, one_line};
pub(crate) use phase::{Closure, Phase, Serving, Transfer, Wait};
pub(crate) use stimulus::Stimulus;
pub(crate) use timers::{Timer, TimerTable};

/// Message ids remembered per conversation to ignore retried webhooks.
pub(crate) const SEEN_IDS: usize = 16;
/// Notes kept per conversation; older ones are dropped.
pub(crate) const MAX_NOTES: usize = 50;
/// Tags kept per conversation.
pub(crate) const MAX_TAGS: usize = 50;

/// What the bot concluded so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct BotMemory {
    /// Consecutive fallbacks.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) fallbacks: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) intent: Option<String>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub(crate) slots: Attributes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sentiment: Option<f64>,
    /// Articles or answers to suggest to the agent on handoff.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) suggestions: Vec<Suggestion>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One conversation: its phase, its deadlines and what it keeps across
/// phases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Conversation {
    pub(crate) id: ConversationId,
    pub(crate) contact: ContactId,
    pub(crate) phase: Phase,
    #[serde(default)]
    pub(crate) timers: TimerTable,
    /// The deadline the engine's timer set holds for it (the engine's
    /// bookkeeping: the earliest of `timers` when last filed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filed: Option<Timestamp>,
    /// The channel and address the customer used last.
    pub(crate) channel: ChannelKind,
    pub(crate) address: Address,
    /// Channels used, in order of first use.
    pub(crate) channels: Vec<ChannelKind>,
    pub(crate) started: Timestamp,
    /// Customer messages so far.
    pub(crate) messages: u32,
    /// Whether it was reopened after a close.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) reopened: bool,
    /// The customer's last message on `channel` (reply windows).
    pub(crate) last_inbound: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) lang: Option<String>,
    /// The bot that has (or last had) it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bot: Option<BotId>,
    /// The latest question put to a bot (turns count up for the whole
    /// conversation).
    pub(crate) turn: u64,
    #[serde(default)]
    pub(crate) memory: BotMemory,
    /// The queue it waits in, or last waited in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) queue: Option<QueueId>,
    pub(crate) priority: i32,
    /// Why it came to a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<Reason>,
    /// When it last began waiting for an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) waiting_since: Option<Timestamp>,
    /// The last queue position and estimate (seconds) the customer was
    /// told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) told: Option<(usize, Option<u64>)>,
    /// Whether the customer has been told no agent is free (until it is
    /// escalated again, or waits again after an agent let go).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) told_no_agent: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<Note>,
    pub(crate) transcript: Transcript,
    /// For each agent offered it (or its transfer) since it was last
    /// assigned, how many transcript entries (counting dropped ones) their
    /// offer showed: what the customer writes later is delivered when
    /// they accept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) marks: Vec<(AgentId, u64)>,
    /// Agents who declined it since it was last escalated or assigned: a
    /// repeated decline from one of them is a retry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) declined: Vec<AgentId>,
    /// Agents who had it, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) agents: Vec<AgentId>,
    /// Its own ticket in the assigner, issued when it started: its
    /// requests use it unless a transfer's ticket took over. When it
    /// leaves the assigner it keeps the ticket it left under.
    pub(crate) home: Ticket,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) csat: Option<u8>,
    /// Recent channel message ids, for retries.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) seen: VecDeque<String>,
    /// The choices of the latest message that offered some, until the
    /// customer answers: a number or a title maps to a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) menu: Option<Menu>,
    /// Messages kept while the reply window is closed with no approved
    /// template for them; they go out when the customer writes again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) deferred: Vec<Deferred>,
    /// Who started it, unless the customer did (boxed: most conversations
    /// are the customer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) origin: Option<Box<Origin>>,
}

/// The choices last offered to the customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Menu {
    pub(crate) options: Vec<QuickReply>,
    /// Shown as a numbered list (no native buttons), so a number answers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) numbered: bool,
}

impl Menu {
    /// The choice `text` makes, as [`resolve_choice`] reads it: a number
    /// from the list (`2`, `2.`, `#2`, full-width `２`) when the choices
    /// went out as a numbered list, or a title or payload typed out.
    pub(crate) fn choice(&self, text: &str) -> Option<Choice> {
        let picked = resolve_choice(&self.options, text)?;
        // With native buttons, a typed number is just a number.
        let typed = |s: &str| s.trim().to_lowercase() == text.trim().to_lowercase();
        if !self.numbered && !typed(&picked.title) && !typed(&picked.payload) {
            return None;
        }
        Some(Choice::new(picked.payload.clone()).with_title(picked.title.clone()))
    }
}

/// A message kept until the reply window reopens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Deferred {
    pub(crate) content: Content,
    pub(crate) from: Party,
}

impl Conversation {
    /// Who started it.
    pub(crate) fn origin(&self) -> &Origin {
        static CUSTOMER: Origin = Origin::Customer;
        self.origin.as_deref().unwrap_or(&CUSTOMER)
    }

    /// A conversation that has just started: no state of its own yet.
    pub(crate) fn new(
        id: ConversationId,
        home: Ticket,
        contact: ContactId,
        channel: ChannelKind,
        address: Address,
        now: Timestamp,
        transcript: Transcript,
    ) -> Conversation {
        Conversation {
            id,
            contact,
            phase: Phase::New,
            timers: TimerTable::default(),
            filed: None,
            channels: vec![channel.clone()],
            channel,
            address,
            started: now,
            messages: 0,
            reopened: false,
            last_inbound: now,
            lang: None,
            bot: None,
            turn: 0,
            memory: BotMemory::default(),
            queue: None,
            priority: 0,
            reason: None,
            waiting_since: None,
            told: None,
            told_no_agent: false,
            tags: Vec::new(),
            notes: Vec::new(),
            transcript,
            marks: Vec::new(),
            declined: Vec::new(),
            agents: Vec::new(),
            home,
            csat: None,
            seen: VecDeque::new(),
            menu: None,
            deferred: Vec::new(),
            origin: None,
        }
    }

    /// The public state.
    pub(crate) fn state(&self) -> State {
        self.phase.state()
    }

    /// The agent who has it.
    pub(crate) fn agent(&self) -> Option<&AgentId> {
        self.phase.agent()
    }

    /// The ticket it is known by in the assigner now: its current request
    /// while it waits or an agent has it, else its own.
    pub(crate) fn ticket(&self) -> &Ticket {
        self.phase.ticket().unwrap_or(&self.home)
    }

    /// Every ticket it uses: its own, its current one, a transfer's.
    pub(crate) fn tickets(&self) -> Vec<Ticket> {
        self.ticket_slots().into_iter().flatten().collect()
    }

    /// [`tickets`](Self::tickets) without a list to allocate: what the
    /// engine holds on to across every stimulus.
    pub(crate) fn ticket_slots(&self) -> [Option<Ticket>; 3] {
        [
            Some(self.home.clone()),
            self.phase.ticket().cloned(),
            self.phase.transfer().map(|t| t.ticket.clone()),
        ]
    }

    /// Whether it uses `ticket` (its own, its current one, a transfer's).
    pub(crate) fn uses(&self, ticket: &Ticket) -> bool {
        self.home == *ticket
            || self.phase.ticket() == Some(ticket)
            || self.phase.transfer().is_some_and(|t| t.ticket == *ticket)
    }

    /// Forgets what the bot concluded before a person took over (intent,
    /// confidence, sentiment, fallbacks), so that a conversation handed
    /// back to the bot is not escalated again on stale facts before the
    /// bot has even been asked. Slots, tags and the transcript stay.
    pub(crate) fn restart_bot(&mut self) {
        self.memory.fallbacks = 0;
        self.memory.intent = None;
        self.memory.confidence = None;
        self.memory.sentiment = None;
    }

    /// Adds tags, without duplicates, up to [`MAX_TAGS`]; returns those
    /// added.
    pub(crate) fn add_tags<'a>(
        &mut self,
        tags: impl IntoIterator<Item = &'a String>,
    ) -> Vec<String> {
        let mut added = Vec::new();
        for t in tags {
            if self.tags.len() < MAX_TAGS && !self.tags.contains(t) {
                self.tags.push(t.clone());
                added.push(t.clone());
            }
        }
        added
    }

    /// Adds a note, dropping the oldest past [`MAX_NOTES`].
    pub(crate) fn add_note(&mut self, note: Note) {
        if self.notes.len() >= MAX_NOTES {
            self.notes.remove(0);
        }
        self.notes.push(note);
    }

    /// Remembers a channel message id; false if it was seen before.
    pub(crate) fn remember(&mut self, id: &str) -> bool {
        if self.seen.iter().any(|s| s == id) {
            return false;
        }
        if self.seen.len() >= SEEN_IDS {
            self.seen.pop_front();
        }
        self.seen.push_back(id.to_owned());
        true
    }

    /// Whether a channel message id was seen.
    pub(crate) fn has_seen(&self, id: &str) -> bool {
        self.seen.iter().any(|s| s == id)
    }

    /// Time waited so far, when it has waited.
    pub(crate) fn waited(&self, now: Timestamp) -> Option<Duration> {
        self.waiting_since.map(|s| now.saturating_duration_since(s))
    }

    /// The text of the customer's latest message.
    pub(crate) fn last_customer_text(&self) -> String {
        self.transcript
            .entries()
            .rev()
            .find(|e| e.from == crate::handoff::Party::Customer)
            .map(|e| e.text.clone())
            .unwrap_or_default()
    }
}
