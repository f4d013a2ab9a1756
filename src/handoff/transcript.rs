//! The bounded transcript kept per conversation.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::model::{AgentId, Attachment, BotId, ChannelKind, Choice, Timestamp};

/// Who wrote a transcript entry or a note.
///
/// Tagged by `"role"`: `{"role": "customer"}`, `{"role": "bot", "bot": "faq"}`,
/// `{"role": "agent", "agent": "ana"}`, `{"role": "system"}`.
///
/// ```
/// use switchboard::handoff::Party;
/// use switchboard::AgentId;
///
/// let p = Party::Agent { agent: AgentId::new("ana") };
/// assert_eq!(serde_json::to_string(&p)?, r#"{"role":"agent","agent":"ana"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Party {
    /// The customer.
    Customer,
    /// A bot.
    Bot {
        /// Which bot.
        bot: BotId,
    },
    /// An agent.
    Agent {
        /// Which agent.
        agent: AgentId,
    },
    /// The engine itself (queue notices, after-hours messages) or the host.
    System,
}

/// One message in a transcript.
///
/// ```
/// use switchboard::handoff::{Entry, Party};
/// use switchboard::{ChannelKind, Timestamp};
///
/// let e = Entry::new(Timestamp::from_millis(5), Party::Customer, "hola").on(ChannelKind::WhatsApp);
/// assert_eq!(
///     serde_json::to_string(&e)?,
///     r#"{"at":5,"role":"customer","text":"hola","channel":"whatsapp"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entry {
    /// When it was written.
    pub at: Timestamp,
    /// Who wrote it.
    #[serde(flatten)]
    pub from: Party,
    /// Its text.
    pub text: String,
    /// The channel it came in or went out on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelKind>,
    /// Attachments sent with it (a place the customer shared is a
    /// `location` attachment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// The button or quick reply the customer chose with it (boxed: most
    /// entries have none, and a transcript holds many).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Box<Choice>>,
    /// The provider's id of the message the customer quoted with it
    /// (boxed, one pointer: most entries quote nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Box<String>>,
}

impl Entry {
    /// An entry with no channel and no attachments.
    pub fn new(at: Timestamp, from: Party, text: impl Into<String>) -> Entry {
        Entry {
            at,
            from,
            text: text.into(),
            channel: None,
            attachments: Vec::new(),
            choice: None,
            reply_to: None,
        }
    }

    /// Sets the id of the message the customer quoted.
    pub fn replying_to(mut self, id: Option<&str>) -> Entry {
        self.reply_to = id.map(|id| Box::new(id.to_owned()));
        self
    }

    /// Sets the channel.
    pub fn on(mut self, channel: ChannelKind) -> Entry {
        self.channel = Some(channel);
        self
    }

    /// Sets the choice the customer made with it.
    pub fn with_choice(mut self, choice: Option<Choice>) -> Entry {
        self.choice = choice.map(Box::new);
        self
    }

    /// Sets the attachments.
    pub fn with_attachments(mut self, attachments: Vec<Attachment>) -> Entry {
        self.attachments = attachments;
        self
    }

    fn weight(&self) -> usize {
        self.text.len()
            + self
                .attachments
                .iter()
                .map(|a| a.url.len() + a.caption.as_ref().map_or(0, String::len))
                .sum::<usize>()
    }
}

/// A transcript bounded in messages and bytes: when a new entry would pass
/// either limit, the oldest entries are dropped (and counted), so the agent
/// always sees the latest part of the story.
///
/// ```
/// use switchboard::handoff::{Entry, Party, Transcript};
/// use switchboard::Timestamp;
///
/// let mut t = Transcript::new(2, 1024);
/// for text in ["one", "two", "three"] {
///     t.push(Entry::new(Timestamp::EPOCH, Party::Customer, text));
/// }
/// let texts: Vec<&str> = t.entries().map(|e| e.text.as_str()).collect();
/// assert_eq!(texts, ["two", "three"]);
/// assert_eq!(t.dropped(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    entries: VecDeque<Entry>,
    bytes: usize,
    dropped: u32,
    max_messages: u32,
    max_bytes: u32,
}

impl Transcript {
    /// An empty transcript keeping at most `max_messages` entries and
    /// `max_bytes` of text.
    pub fn new(max_messages: u32, max_bytes: u32) -> Transcript {
        Transcript {
            entries: VecDeque::new(),
            bytes: 0,
            dropped: 0,
            max_messages: max_messages.max(1),
            max_bytes: max_bytes.max(1),
        }
    }

    /// Appends an entry, dropping the oldest as needed. An entry larger
    /// than the byte limit on its own is kept alone.
    pub fn push(&mut self, entry: Entry) {
        self.bytes += entry.weight();
        self.entries.push_back(entry);
        while self.entries.len() > 1
            && (self.entries.len() > self.max_messages as usize
                || self.bytes > self.max_bytes as usize)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.weight();
                self.dropped = self.dropped.saturating_add(1);
            }
        }
    }

    /// The entries kept, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Entry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries were dropped to stay within the limits.
    pub fn dropped(&self) -> u32 {
        self.dropped
    }

    /// Bytes of text kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Changes the limits, dropping the oldest entries as needed.
    pub fn set_limits(&mut self, max_messages: u32, max_bytes: u32) {
        self.max_messages = max_messages.max(1);
        self.max_bytes = max_bytes.max(1);
        while self.entries.len() > 1
            && (self.entries.len() > self.max_messages as usize
                || self.bytes > self.max_bytes as usize)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.weight();
                self.dropped = self.dropped.saturating_add(1);
            }
        }
    }

    /// Whether the bookkeeping matches the entries (used by the engine's
    /// invariant check).
    pub(crate) fn is_consistent(&self) -> bool {
        self.bytes == self.entries.iter().map(Entry::weight).sum::<usize>()
            && (self.entries.len() <= self.max_messages as usize || self.entries.len() == 1)
    }
}

/// A note an agent or bot left on a conversation: seen by agents, never by
/// the customer.
///
/// ```
/// use switchboard::handoff::{Note, Party};
/// use switchboard::{AgentId, Timestamp};
///
/// let n = Note { at: Timestamp::EPOCH, by: Party::Agent { agent: AgentId::new("ana") }, text: "VIP, be quick".into() };
/// assert!(serde_json::to_string(&n)?.contains(r#""role":"agent""#));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// When it was written.
    pub at: Timestamp,
    /// Who wrote it.
    #[serde(flatten)]
    pub by: Party,
    /// Its text.
    pub text: String,
}
