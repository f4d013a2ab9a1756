//! What the engine asks the host to do.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::assign::Presence;
use crate::bot::BotRequest;
use crate::channel::Outbound;
use crate::handoff::{HandoffContext, Party, Reason};
use crate::invite::InvitationId;
use crate::model::{
    Address, AgentId, Attachment, ChannelKind, Choice, ContactId, ConversationId, QueueId,
    Timestamp,
};
use crate::notify::Refusal;

/// One thing for the host to do, from
/// [`Switchboard::poll_output`](super::Switchboard::poll_output) (or
/// [`poll_action`](super::Switchboard::poll_action)).
///
/// The JSON form is tagged by `"type"` (snake_case); in a log each action
/// sits on its own line as `{"at": <ms>, "action": {...}}`
/// ([`ActionLine`](super::ActionLine)).
///
/// ```
/// use switchboard::channel::Outbound;
/// use switchboard::engine::Action;
/// use switchboard::handoff::Party;
/// use switchboard::{Address, ChannelKind, ConversationId};
///
/// let a = Action::Send {
///     conversation: Some(ConversationId::new("c1")),
///     channel: ChannelKind::Sms,
///     to: Address::new_unchecked("+14155550100"),
///     from: Party::System,
///     part: Outbound::text("You are number 2 in line."),
/// };
/// assert_eq!(
///     serde_json::to_string(&a)?,
///     r#"{"type":"send","conversation":"c1","channel":"sms","to":"+14155550100","from":{"role":"system"},"part":{"type":"text","text":"You are number 2 in line."}}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Send one part of a message to the customer. It is already rendered
    /// for the channel with the capabilities the host registered (text
    /// split to its length limit, buttons native or as a numbered list,
    /// media as links where the channel has none, a template once the
    /// reply window has closed): send it as it is, one message per action,
    /// in order.
    Send {
        /// The conversation; none for a carrier-required reply to a keyword
        /// (STOP, START, HELP), which belongs to no conversation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation: Option<ConversationId>,
        /// The channel to send on: the one the customer used last.
        channel: ChannelKind,
        /// The customer's address on it.
        to: Address,
        /// Who speaks.
        from: Party,
        /// What to send.
        part: Outbound,
    },
    /// Show the customer that an agent is typing (channels with a typing
    /// indicator only).
    Typing {
        /// The conversation.
        conversation: ConversationId,
        /// The channel.
        channel: ChannelKind,
        /// The customer's address on it.
        to: Address,
    },
    /// A message was kept, not sent: the customer's reply window on the
    /// channel has closed, and `[templates]` has no approved template for
    /// its purpose and the conversation's language. It goes out when the
    /// customer writes again; tell the one who wrote it, or configure a
    /// template.
    Deferred {
        /// The conversation.
        conversation: ConversationId,
        /// The channel whose window has closed.
        channel: ChannelKind,
        /// Who wrote it.
        from: Party,
        /// The `[templates]` table that would serve it: `agent_reply`,
        /// `bot_reply` or `notice`.
        purpose: String,
    },
    /// Ask a bot to answer the customer's message; answer with a
    /// [`BotTurn`](super::BotTurn) carrying the same conversation and
    /// `turn`: start it from [`ask.turn()`](BotRequest::turn), which fills
    /// both in, as in `Input::BotTurn(ask.turn().reply("…"))`.
    ///
    /// The request's `conversation` is the engine's id for the
    /// conversation, often the first place a host sees it.
    ///
    /// On the wire the request's fields sit beside `"type": "ask_bot"`.
    AskBot(Box<BotRequest>),
    /// Offer a conversation to an agent, who accepts or declines before
    /// `expires`.
    Offer {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
        /// The queue it comes from.
        queue: QueueId,
        /// When the offer lapses.
        expires: Timestamp,
        /// The whole story, so the agent never asks the customer to repeat.
        context: Box<HandoffContext>,
    },
    /// Withdraw an offer from an agent's screen.
    RevokeOffer {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
        /// Why: `offer_expired`, `offer_revoked` (taken by another agent,
        /// withdrawn, agent offline) or `reconfigured`.
        reason: Reason,
    },
    /// The agent now has the conversation.
    Assigned {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
        /// The queue.
        queue: QueueId,
    },
    /// The agent no longer has the conversation.
    Unassigned {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
        /// Why: agent offline or removed, reply timeout, transfer, hand back.
        reason: Reason,
    },
    /// Show a customer message to the agent who has the conversation.
    Deliver {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
        /// The channel it came on.
        channel: ChannelKind,
        /// The text.
        text: String,
        /// Its attachments (a shared place is a `location` attachment).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
        /// The button or quick reply the customer chose with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choice: Option<Choice>,
        /// The provider's id of the message the customer quoted (the
        /// agent's desk shows the quote).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<String>,
    },
    /// A waiting conversation's place, for the host's displays.
    QueueStatus {
        /// The conversation.
        conversation: ConversationId,
        /// The queue.
        queue: QueueId,
        /// 1-based position.
        position: usize,
        /// The estimated wait, when one can be made (milliseconds).
        #[serde(
            default,
            with = "crate::model::opt_duration_ms",
            skip_serializing_if = "Option::is_none"
        )]
        estimated_wait: Option<Duration>,
        /// When the queue opens, if it is closed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opens: Option<Timestamp>,
    },
    /// A warm transfer did not happen: the agent keeps the conversation.
    TransferFailed {
        /// The conversation.
        conversation: ConversationId,
        /// The agent who keeps it (for a cold transfer, none: it is queued).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
        /// The agent who declined or missed it.
        to: AgentId,
        /// `declined` or `offer_expired`.
        reason: Reason,
    },
    /// The engine changed an agent's presence (too many missed offers).
    AgentStatus {
        /// The agent.
        agent: AgentId,
        /// The new presence.
        status: Presence,
        /// Offers missed in a row.
        missed: u32,
    },
    /// Show a visitor a proactive invitation, in the web chat or in-app
    /// widget ([`invite`](crate::invite)). Its parts are rendered for the
    /// channel as a [`Send`](Action::Send)'s are; show them in order. A
    /// message from the visitor soon after accepts it.
    Invite {
        /// The invitation.
        invitation: InvitationId,
        /// The visitor's channel: `webchat` or `in_app`.
        channel: ChannelKind,
        /// The visitor's address on it.
        to: Address,
        /// The invitation's message, rendered for the channel.
        parts: Vec<Outbound>,
    },
    /// The conversation closed.
    Closed {
        /// The conversation.
        conversation: ConversationId,
        /// Why.
        reason: Reason,
    },
    /// A notification was not sent, and will not be: tell whoever asked
    /// for it (an order system, a campaign tool) why.
    NotificationRefused {
        /// The host's id for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notification: Option<String>,
        /// The contact it was for, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<ContactId>,
        /// Why.
        #[serde(flatten)]
        reason: Refusal,
    },
}

impl Action {
    /// The conversation the action is about, if any.
    ///
    /// ```
    /// # use switchboard::engine::Action;
    /// # use switchboard::handoff::Reason;
    /// # use switchboard::ConversationId;
    /// let a = Action::Closed { conversation: ConversationId::new("c1"), reason: Reason::Resolved };
    /// assert_eq!(a.conversation().map(|c| c.as_str()), Some("c1"));
    /// ```
    pub fn conversation(&self) -> Option<&ConversationId> {
        match self {
            Action::Offer { conversation, .. }
            | Action::RevokeOffer { conversation, .. }
            | Action::Assigned { conversation, .. }
            | Action::Unassigned { conversation, .. }
            | Action::Deliver { conversation, .. }
            | Action::QueueStatus { conversation, .. }
            | Action::TransferFailed { conversation, .. }
            | Action::Typing { conversation, .. }
            | Action::Deferred { conversation, .. }
            | Action::Closed { conversation, .. } => Some(conversation),
            Action::Send { conversation, .. } => conversation.as_ref(),
            Action::AskBot(req) => Some(&req.conversation),
            Action::AgentStatus { .. }
            | Action::NotificationRefused { .. }
            | Action::Invite { .. } => None,
        }
    }
}

/// An action with its time: one line of the action log,
/// `{"at": <ms>, "action": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionLine {
    /// When it was emitted.
    pub at: Timestamp,
    /// The action.
    pub action: Action,
}

impl ActionLine {
    /// An action at `at`.
    pub fn new(at: Timestamp, action: Action) -> ActionLine {
        ActionLine { at, action }
    }
}
