//! Why an input was refused.

use crate::assign::{AgentError, AssignError};
use crate::channel::RenderError;
use crate::expr::AttrType;
use crate::handoff::State;
use crate::invite::InvitationId;
use crate::model::{AddressError, AgentId, BotId, ChannelKind, ContactId, ConversationId, QueueId};

/// Why [`Switchboard::handle`](super::Switchboard::handle) refused an
/// input. A refused input changes nothing.
///
/// ```
/// use switchboard::config::Config;
/// use switchboard::engine::{Input, InputError, Switchboard};
/// use switchboard::{AgentId, ConversationId, Timestamp};
///
/// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
/// // `c9` is made up: the engine has made no conversation yet, so it is unknown.
/// let err = sb
///     .handle(Timestamp::EPOCH, Input::AgentAccept { agent: AgentId::new("ana"), conversation: ConversationId::new("c9") })
///     .unwrap_err();
/// assert!(matches!(err, InputError::UnknownConversation(_)));
/// assert_eq!(err.to_string(), "no conversation `c9` (it may have closed and been forgotten)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// No such conversation.
    #[error("no conversation `{0}` (it may have closed and been forgotten)")]
    UnknownConversation(ConversationId),
    /// No such agent.
    #[error("no agent `{0}`; add them with an `agent_upsert` input first")]
    UnknownAgent(AgentId),
    /// No such queue.
    #[error("no queue `{0}` in the configuration")]
    UnknownQueue(QueueId),
    /// No such contact.
    #[error("no contact `{0}`")]
    UnknownContact(ContactId),
    /// No such bot in `[bots]`.
    #[error("no bot `{0}` under [bots] in the configuration")]
    UnknownBot(BotId),
    /// Hand back with no bot to hand back to.
    #[error("conversation `{0}` has no bot to go back to; name one, or set [defaults] bot")]
    NoBot(ConversationId),
    /// The input does not fit the conversation's state.
    #[error("cannot {action} conversation `{conversation}` while it is {state}")]
    NotAllowed {
        /// The conversation.
        conversation: ConversationId,
        /// Its state.
        state: State,
        /// What was tried.
        action: &'static str,
    },
    /// The agent does not have the conversation.
    #[error("agent `{agent}` does not have conversation `{conversation}`")]
    NotYours {
        /// The agent.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
    },
    /// The agent has no open offer for the conversation (it expired, was
    /// taken, or was never made).
    #[error(
        "agent `{agent}` has no open offer for conversation `{conversation}` (it may have expired or been taken)"
    )]
    NotOffered {
        /// The agent.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
    },
    /// A text longer than `[conversations] max_text`.
    #[error("the text is {len} bytes; the limit is {max} ([conversations] max_text)")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: u32,
    },
    /// A CSAT score outside 1 to 5.
    #[error("a satisfaction score is 1 to 5, not {0}")]
    Score(u8),
    /// A malformed channel address.
    #[error("bad address: {0}")]
    Address(#[from] AddressError),
    /// A malformed agent profile.
    #[error("bad agent profile: {0}")]
    Profile(#[from] AgentError),
    /// A location off the map.
    #[error(
        "location ({lat}, {lon}) is not on Earth: latitude must be within ±90 and longitude within ±180"
    )]
    Location {
        /// The latitude given.
        lat: f64,
        /// The longitude given.
        lon: f64,
    },
    /// A canned response uses a variable that has no value in this
    /// conversation (the contact has no such attribute, the bot gathered
    /// no such slot).
    #[error(
        "canned response `{canned}` needs `{{{variable}}}`, which has no value in this conversation; write the message yourself, or fill the value first"
    )]
    CannedVariable {
        /// The canned response.
        canned: String,
        /// The variable.
        variable: String,
    },
    /// There is no canned response with this id or shortcut.
    #[error("no canned response `{0}` under [canned] (by id or shortcut)")]
    UnknownCanned(String),
    /// The conversation has no suggestion at this place.
    #[error("conversation `{conversation}` has {len} suggestions; there is none at {index}")]
    NoSuggestion {
        /// The conversation.
        conversation: ConversationId,
        /// The place asked for.
        index: usize,
        /// How many it has.
        len: usize,
    },
    /// The message cannot be rendered for the customer's channel: a
    /// character cluster longer than one message (an SMS segment, say), a
    /// location off the map, nothing to send. The error says what to
    /// change.
    #[error("cannot send to conversation `{conversation}` on {channel}: {error}")]
    Render {
        /// The conversation.
        conversation: ConversationId,
        /// The customer's current channel.
        channel: ChannelKind,
        /// Why the channel layer could not render it.
        error: RenderError,
    },
    /// The customer opted out on the channel.
    #[error("the customer of conversation `{0}` opted out on this channel (STOP)")]
    OptedOut(ConversationId),
    /// A transfer names neither a queue nor an agent, or the agent who
    /// already has it.
    #[error("a transfer of `{0}` needs a queue or another agent")]
    NoTarget(ConversationId),
    /// A transfer names an agent who is not available (away or offline).
    #[error(
        "agent `{0}` is not available to take a transfer; pick an available agent or transfer to a queue"
    )]
    Unavailable(AgentId),
    /// A merge of a contact into itself.
    #[error("cannot merge contact `{0}` into itself")]
    SameContact(ContactId),
    /// A number that must be finite is not (NaN or infinite).
    #[error("`{0}` must be a finite number")]
    Number(&'static str),
    /// An id, name, tag or text that must say something is empty (or
    /// only blank).
    #[error("`{0}` must not be empty")]
    EmptyId(&'static str),
    /// A number outside its documented range (a bot's confidence of 87,
    /// a sentiment of 5).
    #[error("`{field}` is {value}, but must be from {min} to {max}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value given.
        value: f64,
        /// The least value allowed.
        min: f64,
        /// The greatest value allowed.
        max: f64,
    },
    /// A host attribute of another type than the configuration declares
    /// for it.
    #[error(
        "contact attribute `{name}` is declared as {} in [contact_attributes], but the input gives a {given}",
        declared.as_str()
    )]
    AttributeType {
        /// The attribute.
        name: String,
        /// Its declared type.
        declared: AttrType,
        /// The type of the value given.
        given: &'static str,
    },
    /// A bot turn answers a question the engine never asked: turns are
    /// numbered by the engine, in [`AskBot`](super::Action::AskBot).
    #[error(
        "conversation `{conversation}` asked its bot up to turn {latest}, not turn {turn}; \
         answer with the `turn` of the ask_bot action, or leave it out to answer the latest"
    )]
    UnknownTurn {
        /// The conversation.
        conversation: ConversationId,
        /// The turn given.
        turn: u64,
        /// The latest turn asked.
        latest: u64,
    },
    /// A notification or consent change that cannot be accepted.
    #[error(transparent)]
    Notify(#[from] crate::notify::NotifyError),
    /// A page view or an invitation on a channel without page views:
    /// invitations are shown by web chat and in-app widgets.
    #[error(
        "visits and invitations are for webchat and in_app, not {0}; report page views from the web chat or in-app widget"
    )]
    VisitChannel(ChannelKind),
    /// A number that must be 0 or more is negative (a time on page, a
    /// cart's value).
    #[error("`{field}` is {value}, but must be 0 or more")]
    Negative {
        /// The field.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// A country that is not two ASCII letters.
    #[error("country `{0}` is not a two-letter ISO 3166-1 code such as `DE` or `us`")]
    Country(String),
    /// No such invitation in `[[invitations]]`.
    #[error("no invitation `{0}` under [[invitations]] in the configuration")]
    UnknownInvitation(InvitationId),
    /// An assigner refusal not covered above.
    #[error(transparent)]
    Assign(AssignError),
}

impl From<AssignError> for InputError {
    fn from(e: AssignError) -> InputError {
        match e {
            AssignError::UnknownAgent(a) => InputError::UnknownAgent(a),
            AssignError::UnknownQueue(q) => InputError::UnknownQueue(q),
            AssignError::Profile(p) => InputError::Profile(p),
            other => InputError::Assign(other),
        }
    }
}
