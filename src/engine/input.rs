//! What the host tells the engine.

use serde::{Deserialize, Serialize};

use crate::assign::{AgentProfile, Presence};
use crate::config::Config;
use crate::invite::{InvitationId, Visit};
use crate::model::{
    Address, AgentId, Attachment, Attributes, BotId, ChannelKind, Choice, ContactId, Content,
    ConversationId, Location, QueueId, Timestamp,
};
use crate::notify::{ConsentUpdate, Notification};

use super::BotTurn;
use super::contacts::ContactUpsert;

/// One input to [`Switchboard::handle`](super::Switchboard::handle).
///
/// The JSON form is tagged by `"type"` (snake_case); in a journal each input
/// sits on its own line as `{"at": <ms since epoch>, "input": {...}}`
/// ([`InputLine`](super::InputLine)).
///
/// ```
/// use switchboard::engine::Input;
///
/// let input: Input = serde_json::from_str(
///     r#"{"type": "inbound", "channel": "sms", "from": "+14155550100", "text": "Where is my order?"}"#,
/// )?;
/// assert!(matches!(input, Input::Inbound(ref m) if m.text == "Where is my order?"));
///
/// let accept: Input = serde_json::from_str(r#"{"type": "agent_accept", "agent": "ana", "conversation": "c1"}"#)?;
/// assert_eq!(serde_json::to_string(&accept)?, r#"{"type":"agent_accept","agent":"ana","conversation":"c1"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Input {
    /// Adds an agent or replaces their profile (skills, languages,
    /// capacity, attributes). A new agent starts offline: follow with
    /// [`AgentStatus`](Input::AgentStatus) and
    /// [`Presence::Available`]. Agents come from these inputs only, never
    /// from the configuration.
    AgentUpsert(AgentProfile),
    /// Removes an agent; their conversations go back to the queue.
    AgentRemove {
        /// The agent.
        agent: AgentId,
    },
    /// Sets an agent's presence: `available`, `away` or `offline`.
    AgentStatus {
        /// The agent.
        agent: AgentId,
        /// The new presence.
        status: Presence,
    },
    /// A customer message.
    Inbound(Inbound),
    /// A bot's answer to an [`AskBot`](super::Action::AskBot).
    BotTurn(BotTurn),
    /// An agent accepts an offer.
    AgentAccept {
        /// The agent.
        agent: AgentId,
        /// The conversation offered.
        conversation: ConversationId,
    },
    /// An agent declines an offer.
    AgentDecline {
        /// The agent.
        agent: AgentId,
        /// The conversation offered.
        conversation: ConversationId,
    },
    /// An agent writes to the customer: text, buttons, media, a location,
    /// a link. On the wire `"content"` is a [`Content`], or `"text"` a plain
    /// text.
    ///
    /// ```
    /// use switchboard::engine::Input;
    ///
    /// let plain: Input = serde_json::from_str(
    ///     r#"{"type": "agent_message", "agent": "ana", "conversation": "c1", "text": "Hello!"}"#,
    /// )?;
    /// let rich: Input = serde_json::from_str(
    ///     r#"{"type": "agent_message", "agent": "ana", "conversation": "c1",
    ///         "content": {"text": "Which one?", "quick_replies": [{"title": "Blue", "payload": "blue"}]}}"#,
    /// )?;
    /// assert!(matches!(plain, Input::AgentMessage { ref content, .. } if content.text == "Hello!"));
    /// assert!(matches!(rich, Input::AgentMessage { ref content, .. } if content.quick_replies.len() == 1));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    AgentMessage {
        /// The agent, who must have the conversation.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
        /// What they write.
        #[serde(
            alias = "text",
            deserialize_with = "crate::model::text_or_content::deserialize"
        )]
        content: Content,
    },
    /// The agent is typing a reply: shown to the customer where the
    /// channel has a typing indicator
    /// ([`Action::Typing`](super::Action::Typing)).
    AgentTyping {
        /// The agent, who must have the conversation.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
    },
    /// The customer is typing (a web chat or in-app widget reports it):
    /// recorded as an [`EventKind::Typing`](super::EventKind::Typing) for
    /// the agent who has the conversation.
    CustomerTyping {
        /// The channel.
        channel: ChannelKind,
        /// The customer's address on it.
        from: Address,
    },
    /// The agent sends canned response `canned` (its id under `[canned]`,
    /// or its shortcut), in the conversation's language, with its
    /// variables filled in.
    Canned {
        /// The agent, who must have the conversation.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
        /// The canned response's id or shortcut.
        canned: String,
    },
    /// The agent sends the customer one of the articles the bot suggested
    /// (its place in the handoff context's `suggestions`, from 0).
    SendSuggestion {
        /// The agent, who must have the conversation.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
        /// Which suggestion.
        index: usize,
    },
    /// The agent who has a conversation transfers it to a queue or to
    /// another agent.
    Transfer(Transfer),
    /// The agent puts a conversation on hold, waiting for the customer; it
    /// closes after `hold_timeout` without a reply.
    Hold {
        /// The agent, who must have the conversation.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
    },
    /// The agent hands a conversation back to a bot.
    HandBack {
        /// The agent, who must have the conversation.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
        /// The bot; the conversation's last bot, or `[defaults] bot`, when
        /// not given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bot: Option<BotId>,
    },
    /// Closes a conversation.
    Close {
        /// The conversation.
        conversation: ConversationId,
        /// Who closes it.
        by: Closer,
        /// With `by: agent`, the agent; when given, they must have the
        /// conversation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
    },
    /// The customer's satisfaction score, 1 to 5.
    Csat {
        /// The conversation.
        conversation: ConversationId,
        /// The score.
        score: u8,
    },
    /// A note on a conversation, seen by agents only.
    Note {
        /// The conversation.
        conversation: ConversationId,
        /// The agent writing it; the host when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
        /// The note.
        text: String,
    },
    /// Adds tags to a conversation.
    Tag {
        /// The conversation.
        conversation: ConversationId,
        /// The tags.
        tags: Vec<String>,
    },
    /// Links a channel identity to a contact: later messages from it are
    /// that contact's. If the identity belonged to another contact, the two
    /// contacts merge.
    Link {
        /// The contact.
        contact: ContactId,
        /// The identity's channel.
        channel: ChannelKind,
        /// The identity's address.
        address: Address,
    },
    /// Merges contact `from` into contact `into`: identities, attributes
    /// (those of `into` win) and conversations.
    Merge {
        /// The contact that stays.
        into: ContactId,
        /// The contact merged into it.
        from: ContactId,
    },
    /// What a channel reported about a message sent to the customer:
    /// accepted, delivered, read or failed. It changes no state; the engine
    /// records it as an [`EventKind::Delivery`](super::EventKind::Delivery)
    /// for the audit log.
    Delivery(Delivery),
    /// A visitor viewed a page or an app screen (web chat and in-app
    /// only): the engine keeps their current page and may show an
    /// invitation, now or once they have spent long enough on it
    /// ([`invite`](crate::invite)). On the wire `{"type": "visit", ...}`
    /// with the fields of [`Visit`].
    Visit(Visit),
    /// The visitor closed an invitation without answering: its cooldown
    /// starts again, and a later message no longer accepts it. On the wire
    /// `{"type": "invitation_dismissed", "channel": "webchat", "visitor":
    /// "v-8c1f", "invitation": "pricing-help"}`.
    InvitationDismissed {
        /// The visitor's channel: `webchat` or `in_app`.
        channel: ChannelKind,
        /// The visitor's address on it.
        visitor: Address,
        /// The invitation dismissed.
        invitation: InvitationId,
    },
    /// Switches to a new configuration without losing anything (see
    /// [`Switchboard::reconfigure`](super::Switchboard::reconfigure)). As an
    /// input it is journaled like any other, so a snapshot and the inputs
    /// after it replay across reconfigurations.
    ///
    /// On the wire the configuration is its JSON form, checked as it is
    /// read:
    ///
    /// ```
    /// use switchboard::engine::Input;
    ///
    /// let line = r#"{"type": "reconfigure", "config": {"queues": [{"id": "support"}]}}"#;
    /// let input: Input = serde_json::from_str(line)?;
    /// assert!(matches!(input, Input::Reconfigure { .. }));
    /// // A configuration with errors does not read.
    /// let bad = r#"{"type": "reconfigure", "config": {"queues": [{"id": ""}]}}"#;
    /// assert!(serde_json::from_str::<Input>(bad).is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    Reconfigure {
        /// The new configuration.
        config: Box<Config>,
    },
    /// Creates a contact or adds identities and attributes to it.
    Contact(ContactUpsert),
    /// A message the business sends first, with consent, outside quiet
    /// hours and within caps (see [`crate::notify`]).
    Notify(Notification),
    /// Consent given or withdrawn, with its source (see
    /// [`crate::notify`]).
    Consent(ConsentUpdate),
}

/// A customer message: the `inbound` input.
///
/// ```json
/// {"type": "inbound", "channel": "whatsapp", "from": "+4915123456789", "text": "Hallo",
///  "lang": "de", "contact": {"tier": "vip"}, "id": "wamid.HBgM..."}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Inbound {
    /// The channel it came on.
    pub channel: ChannelKind,
    /// The sender's address on that channel.
    pub from: Address,
    /// The text (may be empty with attachments).
    #[serde(default)]
    pub text: String,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Contact attributes the host knows (set on the contact).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub contact: Attributes,
    /// The message's language, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The host's id for this contact. When given, the sender's identity is
    /// linked to it (merging contacts if it belonged to another).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    /// The channel's message id. A message whose id was already seen in the
    /// conversation is a retry and is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A sentiment score from -1 (negative) to 1 (positive), when the host
    /// computes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f64>,
    /// A place the customer shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The button or quick reply the customer tapped (the provider's
    /// payload). On a channel without buttons the engine fills it when the
    /// customer answers a numbered list with a number or a title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    /// The provider's id of the message this one replies to (quotes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// When the provider says the customer sent it (the engine's clock is
    /// the input's `at`; this is kept for the record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
}

impl Inbound {
    /// A text message from `from` on `channel`.
    ///
    /// ```
    /// use switchboard::engine::Inbound;
    /// use switchboard::{Address, ChannelKind};
    ///
    /// let m = Inbound::new(ChannelKind::Sms, Address::new_unchecked("+14155550100"), "hi").with_lang("en");
    /// assert_eq!(m.lang.as_deref(), Some("en"));
    /// ```
    pub fn new(channel: ChannelKind, from: Address, text: impl Into<String>) -> Inbound {
        Inbound {
            channel,
            from,
            text: text.into(),
            attachments: Vec::new(),
            contact: Attributes::new(),
            lang: None,
            contact_id: None,
            id: None,
            sentiment: None,
            location: None,
            choice: None,
            reply_to: None,
            sent_at: None,
        }
    }

    /// Sets the location the customer shared.
    pub fn with_location(mut self, location: Location) -> Inbound {
        self.location = Some(location);
        self
    }

    /// Sets the button or quick reply the customer tapped.
    ///
    /// ```
    /// use switchboard::engine::Inbound;
    /// use switchboard::{Address, ChannelKind, Choice};
    ///
    /// let m = Inbound::new(ChannelKind::WhatsApp, Address::new_unchecked("16505551234"), "Track it")
    ///     .with_choice(Choice::new("track").with_title("Track it"));
    /// assert_eq!(m.choice.unwrap().payload, "track");
    /// ```
    pub fn with_choice(mut self, choice: Choice) -> Inbound {
        self.choice = Some(choice);
        self
    }

    /// Sets the provider's id of the message this one replies to.
    pub fn replying_to(mut self, message_id: impl Into<String>) -> Inbound {
        self.reply_to = Some(message_id.into());
        self
    }

    /// Sets when the provider says the customer sent it.
    pub fn sent_at(mut self, at: Timestamp) -> Inbound {
        self.sent_at = Some(at);
        self
    }

    /// Sets the language.
    pub fn with_lang(mut self, lang: impl Into<String>) -> Inbound {
        self.lang = Some(lang.into());
        self
    }

    /// Sets contact attributes.
    pub fn with_contact(mut self, attributes: Attributes) -> Inbound {
        self.contact = attributes;
        self
    }

    /// Sets the host's contact id.
    pub fn with_contact_id(mut self, contact: impl Into<ContactId>) -> Inbound {
        self.contact_id = Some(contact.into());
        self
    }

    /// Sets the channel's message id.
    pub fn with_id(mut self, id: impl Into<String>) -> Inbound {
        self.id = Some(id.into());
        self
    }

    /// Adds an attachment.
    pub fn with_attachment(mut self, attachment: Attachment) -> Inbound {
        self.attachments.push(attachment);
        self
    }

    /// Sets the sentiment score.
    pub fn with_sentiment(mut self, score: f64) -> Inbound {
        self.sentiment = Some(score);
        self
    }
}

/// A transfer: the `transfer` input. Give a `queue`, an `agent`, or both
/// (that agent, within that queue).
///
/// A cold transfer (the default) takes the conversation from its agent at
/// once and queues it; a warm transfer leaves it with its agent until the
/// new agent accepts (if a named agent declines or lets the offer expire,
/// it stays with the first agent and a
/// [`TransferFailed`](super::Action::TransferFailed) tells them).
///
/// ```json
/// {"type": "transfer", "conversation": "c1", "queue": "billing", "warm": true, "note": "refund over 500"}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Transfer {
    /// The conversation.
    pub conversation: ConversationId,
    /// The queue to transfer to (the conversation's queue when only an
    /// agent is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// The agent to transfer to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentId>,
    /// Warm (the first agent keeps it until the second accepts) or cold.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warm: bool,
    /// A note for the next agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Transfer {
    /// A cold transfer of `conversation` to `queue`.
    pub fn to_queue(
        conversation: impl Into<ConversationId>,
        queue: impl Into<QueueId>,
    ) -> Transfer {
        Transfer {
            conversation: conversation.into(),
            queue: Some(queue.into()),
            agent: None,
            warm: false,
            note: None,
        }
    }

    /// A cold transfer of `conversation` to `agent`.
    pub fn to_agent(
        conversation: impl Into<ConversationId>,
        agent: impl Into<AgentId>,
    ) -> Transfer {
        Transfer {
            conversation: conversation.into(),
            queue: None,
            agent: Some(agent.into()),
            warm: false,
            note: None,
        }
    }

    /// Makes it warm.
    pub fn warm(mut self) -> Transfer {
        self.warm = true;
        self
    }

    /// Adds a note for the next agent.
    pub fn with_note(mut self, note: impl Into<String>) -> Transfer {
        self.note = Some(note.into());
        self
    }
}

/// Who closes a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Closer {
    /// The agent who has it.
    Agent,
    /// The customer (while waiting, this is an abandonment).
    Customer,
    /// The bot.
    Bot,
    /// The host.
    System,
}

/// What a channel reported about a message sent to the customer: the
/// `delivery` input.
///
/// The driver reports `sent` (with the provider's message id) or `failed`
/// after each send; channel adapters turn the provider's status webhooks
/// (WhatsApp `statuses`, Twilio status callbacks, Messenger `delivery` and
/// `read`) into `delivered`, `read` and `failed`. Reports often name only
/// the provider's message id or the recipient, so the conversation is
/// optional: given, it must exist; otherwise the engine attributes the
/// report to the recipient's latest conversation when it knows the
/// address, and records it without a conversation when it does not (a
/// status for a message sent outside the engine is not an error). Join the
/// `sent` report's `message_id` with later ones to follow a message.
///
/// ```
/// use switchboard::engine::{Delivery, DeliveryStatus, Input};
/// use switchboard::ChannelKind;
///
/// let json = r#"{"type":"delivery","channel":"whatsapp","message_id":"wamid.HBgL","to":"16315551181","status":"read"}"#;
/// let Input::Delivery(d) = serde_json::from_str::<Input>(json)? else { unreachable!() };
/// assert_eq!(d.status, DeliveryStatus::Read);
/// assert_eq!(d.channel, ChannelKind::WhatsApp);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Delivery {
    /// The channel the message went out on.
    pub channel: ChannelKind,
    /// The provider's message id, when the report names one (a Messenger
    /// read report names a time instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The conversation, when the reporter knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationId>,
    /// The recipient's address, when the report names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Address>,
    /// What happened to the message.
    pub status: DeliveryStatus,
    /// Why it failed, for a person to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Delivery {
    /// A report of `status` for the message `message_id` on `channel`.
    ///
    /// ```
    /// use switchboard::engine::{Delivery, DeliveryStatus};
    /// use switchboard::ChannelKind;
    ///
    /// let d = Delivery::new(ChannelKind::Sms, "SM1234", DeliveryStatus::Delivered)
    ///     .conversation("c1");
    /// assert_eq!(d.conversation.as_ref().map(|c| c.as_str()), Some("c1"));
    /// ```
    pub fn new(
        channel: ChannelKind,
        message_id: impl Into<String>,
        status: DeliveryStatus,
    ) -> Delivery {
        Delivery {
            channel,
            message_id: Some(message_id.into()),
            conversation: None,
            to: None,
            status,
            error: None,
        }
    }

    /// A report of `status` on the messages sent to `to` on `channel`,
    /// without a message id: a Messenger read report, which names a time
    /// (every message before it is read) rather than a message.
    ///
    /// ```
    /// use switchboard::engine::{Delivery, DeliveryStatus};
    /// use switchboard::{Address, ChannelKind};
    ///
    /// let to = Address::new(&ChannelKind::Messenger, "1254459154682919")?;
    /// let d = Delivery::to_recipient(ChannelKind::Messenger, to, DeliveryStatus::Read);
    /// assert_eq!(d.message_id, None);
    /// # Ok::<(), switchboard::AddressError>(())
    /// ```
    pub fn to_recipient(channel: ChannelKind, to: Address, status: DeliveryStatus) -> Delivery {
        Delivery {
            channel,
            message_id: None,
            conversation: None,
            to: Some(to),
            status,
            error: None,
        }
    }

    /// Sets the conversation.
    pub fn conversation(mut self, conversation: impl Into<ConversationId>) -> Delivery {
        self.conversation = Some(conversation.into());
        self
    }

    /// Sets the recipient.
    pub fn to(mut self, to: Address) -> Delivery {
        self.to = Some(to);
        self
    }

    /// Sets the failure's description.
    pub fn error(mut self, error: impl Into<String>) -> Delivery {
        self.error = Some(error.into());
        self
    }
}

/// What happened to a message sent to the customer, as far as the channel
/// knows.
///
/// ```
/// use switchboard::engine::DeliveryStatus;
/// assert_eq!(serde_json::to_string(&DeliveryStatus::Delivered).unwrap(), r#""delivered""#);
/// assert!(DeliveryStatus::Read > DeliveryStatus::Delivered);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// The provider accepted it.
    Sent,
    /// It reached the customer's device.
    Delivered,
    /// The customer read it.
    Read,
    /// It could not be sent or delivered.
    Failed,
}
