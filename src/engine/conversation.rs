//! The record the engine keeps per conversation.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::handoff::{Note, Reason, State, Transcript};
use crate::model::{
    Address, AgentId, Attributes, BotId, ChannelKind, ContactId, ConversationId, QueueId, Ticket,
    Timestamp,
};

/// Message ids remembered per conversation to ignore retried webhooks.
pub(crate) const SEEN_IDS: usize = 16;
/// Notes kept per conversation; older ones are dropped.
pub(crate) const MAX_NOTES: usize = 50;
/// Tags kept per conversation.
pub(crate) const MAX_TAGS: usize = 50;

/// A transfer in progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// The transfer request's ticket.
    pub(crate) ticket: Ticket,
    /// The agent who has the conversation (warm) or had it (cold).
    pub(crate) from: AgentId,
    /// The agent asked for, if any.
    pub(crate) to: Option<AgentId>,
    /// The queue it waits in.
    pub(crate) queue: QueueId,
    pub(crate) warm: bool,
}

/// The deadlines a conversation can have; the earliest is in the engine's
/// timer set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Deadlines {
    /// The bot must answer by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bot: Option<Timestamp>,
    /// Customer silence closes then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) inactivity: Option<Timestamp>,
    /// A hold ends then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hold: Option<Timestamp>,
    /// No agent by then: back to the bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) no_agent: Option<Timestamp>,
    /// Next check for a queue update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) notice: Option<Timestamp>,
    /// A closed conversation is forgotten then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) purge: Option<Timestamp>,
}

impl Deadlines {
    /// Clears every deadline at or before `t`: they have been handled.
    pub(crate) fn drop_due(&mut self, t: Timestamp) {
        for d in [
            &mut self.bot,
            &mut self.inactivity,
            &mut self.hold,
            &mut self.no_agent,
            &mut self.notice,
            &mut self.purge,
        ] {
            if d.is_some_and(|d| d <= t) {
                *d = None;
            }
        }
    }

    pub(crate) fn earliest(&self) -> Option<Timestamp> {
        [
            self.bot,
            self.inactivity,
            self.hold,
            self.no_agent,
            self.notice,
            self.purge,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// One conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Conv {
    pub(crate) id: ConversationId,
    pub(crate) contact: ContactId,
    pub(crate) state: State,
    /// New and not yet in a state of its own: its first transition is from
    /// nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) fresh: bool,
    /// The channel and address the customer used last.
    pub(crate) channel: ChannelKind,
    pub(crate) address: Address,
    /// Channels used, in order of first use.
    pub(crate) channels: Vec<ChannelKind>,
    pub(crate) started: Timestamp,
    /// Customer messages so far.
    pub(crate) messages: u32,
    /// Whether it was reopened after a close.
    pub(crate) reopened: bool,
    /// The customer's last message on `channel` (reply windows).
    pub(crate) last_inbound: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) lang: Option<String>,
    /// The bot that has (or last had) it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bot: Option<BotId>,
    /// The last question put to the bot.
    pub(crate) turn: u64,
    /// Whether `turn` awaits an answer.
    pub(crate) asked: bool,
    pub(crate) fallbacks: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) intent: Option<String>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub(crate) slots: Attributes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sentiment: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) suggestions: Vec<String>,
    /// The queue it waits in or was assigned from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) queue: Option<QueueId>,
    pub(crate) priority: i32,
    /// Why it came to a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<Reason>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<Note>,
    pub(crate) transcript: Transcript,
    /// The agent who has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) agent: Option<AgentId>,
    /// Agents who had it, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) agents: Vec<AgentId>,
    /// Agents it is offered to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) offered: Vec<AgentId>,
    /// For each agent offered it since it last queued, how many transcript
    /// entries (counting dropped ones) their offer showed: what the
    /// customer writes later is delivered when they accept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) marks: Vec<(AgentId, u64)>,
    /// Agents who declined it since it last queued.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) declined: Vec<AgentId>,
    /// Its own ticket in the assigner, issued when it started: its
    /// requests use it unless a transfer's ticket took over.
    pub(crate) home: Ticket,
    /// Its current ticket in the assigner: `home`, or the ticket of the
    /// transfer that brought it to its agent or queue.
    pub(crate) ticket: Ticket,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pending: Option<Pending>,
    pub(crate) held: bool,
    /// When it began waiting for an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) waiting_since: Option<Timestamp>,
    /// Whether an agent has replied since it was last assigned.
    pub(crate) responded: bool,
    /// The last queue position and estimate told to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) told: Option<(usize, Option<u64>)>,
    /// Whether the customer has been told no agent is free.
    pub(crate) told_no_agent: bool,
    pub(crate) deadlines: Deadlines,
    /// The deadline currently in the timer set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) due: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) closed_at: Option<Timestamp>,
    pub(crate) csat_asked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) csat: Option<u8>,
    /// Recent channel message ids, for retries.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) seen: VecDeque<String>,
}

impl Conv {
    /// Forgets what the bot concluded before a person took over (intent,
    /// confidence, sentiment, fallbacks), so that a conversation handed
    /// back to the bot is not escalated again on stale facts before the
    /// bot has even been asked. Slots, tags and the transcript stay.
    pub(crate) fn restart_bot(&mut self) {
        self.fallbacks = 0;
        self.intent = None;
        self.confidence = None;
        self.sentiment = None;
    }

    pub(crate) fn new(
        id: ConversationId,
        ticket: Ticket,
        contact: ContactId,
        channel: ChannelKind,
        address: Address,
        now: Timestamp,
        transcript: Transcript,
    ) -> Conv {
        Conv {
            home: ticket.clone(),
            ticket,
            id,
            contact,
            state: State::Bot,
            fresh: true,
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
            asked: false,
            fallbacks: 0,
            intent: None,
            slots: Attributes::new(),
            confidence: None,
            sentiment: None,
            suggestions: Vec::new(),
            queue: None,
            priority: 0,
            reason: None,
            tags: Vec::new(),
            notes: Vec::new(),
            transcript,
            agent: None,
            agents: Vec::new(),
            offered: Vec::new(),
            marks: Vec::new(),
            declined: Vec::new(),
            pending: None,
            held: false,
            waiting_since: None,
            responded: false,
            told: None,
            told_no_agent: false,
            deadlines: Deadlines::default(),
            due: None,
            closed_at: None,
            csat_asked: false,
            csat: None,
            seen: VecDeque::new(),
        }
    }

    /// Adds tags, without duplicates, up to [`MAX_TAGS`].
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

    /// Time waited so far, when waiting.
    pub(crate) fn waited(&self, now: Timestamp) -> Option<Duration> {
        self.waiting_since.map(|s| now.saturating_duration_since(s))
    }
}

/// The engine-generated number of conversation id `c<n>`.
pub(crate) fn number(id: &str) -> Option<u64> {
    let digits = id.strip_prefix('c')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number("c1"), Some(1));
        assert_eq!(number("c42"), Some(42));
        assert_eq!(number("c42~3"), None);
        assert_eq!(number("c"), None);
        assert_eq!(number("c01"), None);
        assert_eq!(number("x1"), None);
        assert_eq!(number("c1a"), None);
        assert_eq!(number("c99999999999999999999999"), None);
    }
}
