//! What an agent and a bot are told about a conversation.

use serde::{Deserialize, Serialize};

use super::reason::Reason;
use super::transcript::{Entry, Note, Party};
use crate::model::{AgentId, Attributes, ChannelKind, ContactId, QueueId, Suggestion, Timestamp};

/// Everything an agent needs to take over without asking the customer to
/// repeat themselves. It comes with every [`Offer`](crate::engine::Action::Offer).
///
/// ```
/// use switchboard::handoff::{HandoffContext, Reason};
/// use switchboard::{ChannelKind, ContactId, QueueId};
///
/// let ctx = HandoffContext::new(ContactId::new("k1"), QueueId::new("billing"), ChannelKind::WebChat);
/// assert_eq!(ctx.reason, None);
/// let json = serde_json::to_value(&ctx)?;
/// assert_eq!(json["queue"], "billing");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HandoffContext {
    /// Why it came to a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The queue it is offered from.
    pub queue: QueueId,
    /// The contact.
    pub contact: ContactId,
    /// The contact's attributes.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    /// The channel the customer used last (replies go there).
    pub channel: ChannelKind,
    /// Every channel used in this conversation, in order of first use.
    pub channels: Vec<ChannelKind>,
    /// The conversation's language, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The bot's last intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// The bot's slots (order number, date …).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub slots: Attributes,
    /// The bot's last confidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The last sentiment score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f64>,
    /// Agents who had this conversation before, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_agents: Vec<AgentId>,
    /// The conversation's tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Notes from bots and agents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Articles or answers the bot suggests to the agent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// The transcript (the latest part, when long), oldest first.
    pub transcript: Vec<Entry>,
    /// How many older messages are not in `transcript`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub truncated: u32,
    /// When the customer first wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// When it started waiting for an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<Timestamp>,
    /// For a transfer: who is handing it over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_from: Option<AgentId>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl HandoffContext {
    /// An empty context for `contact`, offered from `queue`, on `channel`.
    pub fn new(contact: ContactId, queue: QueueId, channel: ChannelKind) -> HandoffContext {
        HandoffContext {
            reason: None,
            queue,
            contact,
            attributes: Attributes::new(),
            channels: vec![channel.clone()],
            channel,
            lang: None,
            intent: None,
            slots: Attributes::new(),
            confidence: None,
            sentiment: None,
            previous_agents: Vec::new(),
            tags: Vec::new(),
            notes: Vec::new(),
            suggestions: Vec::new(),
            transcript: Vec::new(),
            truncated: 0,
            started: None,
            waiting_since: None,
            transfer_from: None,
        }
    }

    /// The customer's messages, oldest first.
    ///
    /// ```
    /// # use switchboard::handoff::{Entry, HandoffContext, Party};
    /// # use switchboard::{ChannelKind, ContactId, QueueId, Timestamp};
    /// let mut ctx = HandoffContext::new(ContactId::new("k1"), QueueId::new("q"), ChannelKind::Sms);
    /// ctx.transcript.push(Entry::new(Timestamp::EPOCH, Party::Customer, "where is my order?"));
    /// ctx.transcript.push(Entry::new(Timestamp::EPOCH, Party::System, "You are number 1 in line."));
    /// assert_eq!(ctx.customer_messages().collect::<Vec<_>>(), ["where is my order?"]);
    /// ```
    pub fn customer_messages(&self) -> impl Iterator<Item = &str> {
        self.transcript
            .iter()
            .filter(|e| e.from == Party::Customer)
            .map(|e| e.text.as_str())
    }
}

/// What a bot is told with each customer message
/// ([`AskBot`](crate::engine::Action::AskBot)).
///
/// ```
/// use switchboard::handoff::BotContext;
/// use switchboard::{ChannelKind, ContactId};
///
/// let ctx = BotContext::new(ContactId::new("k1"), ChannelKind::WebChat);
/// assert_eq!(ctx.fallbacks, 0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotContext {
    /// The contact.
    pub contact: ContactId,
    /// The contact's attributes.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    /// The channel of the message.
    pub channel: ChannelKind,
    /// The conversation's language, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The bot's last intent in this conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// The bot's slots so far.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub slots: Attributes,
    /// Consecutive fallbacks so far.
    pub fallbacks: u32,
    /// Whether this is the conversation's first message.
    pub new: bool,
}

impl BotContext {
    /// A context for `contact` on `channel` with nothing else known.
    pub fn new(contact: ContactId, channel: ChannelKind) -> BotContext {
        BotContext {
            contact,
            attributes: Attributes::new(),
            channel,
            lang: None,
            intent: None,
            slots: Attributes::new(),
            fallbacks: 0,
            new: true,
        }
    }
}
