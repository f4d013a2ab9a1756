//! The audit log: what happened, when, to whom, and why.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::DeliveryStatus;
use crate::assign::Presence;
use crate::handoff::{Party, Reason, State};
use crate::invite::{InvitationId, SuppressReason};
use crate::model::{
    Address, AgentId, ChannelKind, ContactId, ConversationId, QueueId, RuleId, Timestamp,
};
use crate::notify::{ConsentSource, ConsentStatus, Purpose, Refusal, Skip};

/// One entry of the audit log, from
/// [`Switchboard::poll_output`](super::Switchboard::poll_output) (or
/// [`poll_event`](super::Switchboard::poll_event): events wait until
/// polled, so drain them even if you keep none). Key
/// performance figures (first response time, waits, abandonment, bot
/// containment, CSAT) are computed from the engine's outputs in order.
///
/// An output is a command or a fact: what an
/// [`Action`](super::Action) already records in the ordered output stream
/// ([`Switchboard::poll_output`](super::Switchboard::poll_output)) — an
/// offer, a withdrawn offer — has no event of its own. The one exception
/// is an agent the engine sets away for missed offers: the
/// [`AgentStatus`](super::Action::AgentStatus) action tells the host, and
/// an [`AgentStatus`](EventKind::AgentStatus) event keeps it in the log,
/// as time in each presence is computed from the events alone.
///
/// The JSON form puts the common fields next to the kind's `"type"`:
///
/// ```
/// use switchboard::engine::{Event, EventKind};
/// use switchboard::handoff::{Reason, State};
/// use switchboard::{ConversationId, QueueId, Timestamp};
///
/// let e = Event::new(Timestamp::from_millis(1000), EventKind::Transition {
///     from: Some(State::Bot),
///     to: State::Queued,
///     reason: Reason::ExplicitRequest,
/// })
/// .conversation(ConversationId::new("c1"))
/// .queue(QueueId::new("support"));
/// assert_eq!(
///     serde_json::to_string(&e)?,
///     r#"{"at":1000,"conversation":"c1","queue":"support","type":"transition","from":"bot","to":"queued","reason":"explicit_request"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// When it happened.
    pub at: Timestamp,
    /// The conversation, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationId>,
    /// The agent, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentId>,
    /// The queue, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// An event of `kind` at `at`, about nothing in particular yet.
    pub fn new(at: Timestamp, kind: EventKind) -> Event {
        Event {
            at,
            conversation: None,
            agent: None,
            queue: None,
            kind,
        }
    }

    /// Sets the conversation.
    pub fn conversation(mut self, c: ConversationId) -> Event {
        self.conversation = Some(c);
        self
    }

    /// Sets the agent.
    pub fn agent(mut self, a: AgentId) -> Event {
        self.agent = Some(a);
        self
    }

    /// Sets the queue.
    pub fn queue(mut self, q: QueueId) -> Event {
        self.queue = Some(q);
        self
    }
}

/// What an [`Event`] records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A conversation started.
    Started {
        /// The contact.
        contact: ContactId,
        /// The channel of its first message.
        channel: ChannelKind,
    },
    /// The routing rules decided for a message.
    Routed {
        /// The rule that decided; `None` for the default route.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<RuleId>,
        /// Every rule that took effect.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        matched: Vec<RuleId>,
    },
    /// A message was dropped by a rule; no conversation was started.
    Dropped {
        /// The rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<RuleId>,
    },
    /// The conversation changed state. Every change of state is one of
    /// these.
    Transition {
        /// The state before; `None` for a new conversation.
        from: Option<State>,
        /// The state after.
        to: State,
        /// Why.
        reason: Reason,
    },
    /// A message was added to the transcript.
    Message {
        /// Who wrote it.
        from: Party,
        /// The channel.
        channel: ChannelKind,
    },
    /// The customer switched to another channel mid-conversation.
    ChannelSwitched {
        /// The channel before.
        from: ChannelKind,
        /// The channel now.
        to: ChannelKind,
    },
    /// An agent declined, or let an offer expire.
    OfferMissed {
        /// `declined` or `offer_expired`.
        reason: Reason,
    },
    /// Someone is typing: the customer (for the agent's side) — reported
    /// by the channel's widget.
    Typing {
        /// Who types.
        #[serde(flatten)]
        party: Party,
    },
    /// The conversation waited long enough for its queue's next
    /// relaxation step.
    Relaxed {
        /// The step (1-based).
        step: usize,
    },
    /// The conversation moved to another queue (overflow or
    /// reconfiguration).
    Moved {
        /// The queue it left.
        from: QueueId,
        /// Why.
        reason: Reason,
    },
    /// The wait for the preferred (last) agent ended.
    PreferenceExpired,
    /// The agent's first reply to the customer.
    FirstResponse {
        /// Time from escalation to this reply (milliseconds).
        #[serde(with = "crate::model::opt_duration_ms")]
        after: Option<Duration>,
    },
    /// A transfer was requested.
    TransferRequested {
        /// The agent asked for, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<AgentId>,
        /// Warm or cold.
        warm: bool,
    },
    /// A transfer completed: `agent` has the conversation.
    Transferred {
        /// The agent who had it.
        from: AgentId,
    },
    /// A transfer did not happen.
    TransferFailed {
        /// Why.
        reason: Reason,
    },
    /// Put on hold.
    Held,
    /// The customer wrote; the hold ended.
    Resumed,
    /// A note was added.
    Noted {
        /// Who wrote it.
        by: Party,
    },
    /// Tags were added.
    Tagged {
        /// The tags added.
        tags: Vec<String>,
    },
    /// A customer notice was sent.
    Notice {
        /// The template.
        template: String,
    },
    /// A message could not be sent (reply window closed, opted out, or the
    /// channel cannot carry it).
    NotSent {
        /// Why, for a person to read.
        reason: String,
    },
    /// A channel's report on a message sent to the customer (the
    /// [`delivery`](super::Input::Delivery) input).
    Delivery {
        /// The channel.
        channel: ChannelKind,
        /// The provider's message id, when reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
        /// What happened to it.
        status: DeliveryStatus,
        /// Why it failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A satisfaction score was recorded.
    Csat {
        /// 1 to 5.
        score: u8,
    },
    /// A retried or duplicated input was ignored.
    Duplicate {
        /// The input's type.
        input: String,
    },
    /// A closed conversation's reopen window ended; it is forgotten.
    Purged,
    /// An identity was linked to a contact.
    Linked {
        /// The contact.
        contact: ContactId,
        /// The identity's channel.
        channel: ChannelKind,
        /// The identity's address.
        address: Address,
    },
    /// Two contacts merged.
    Merged {
        /// The contact that stays.
        into: ContactId,
        /// The contact merged into it.
        from: ContactId,
    },
    /// A contact with no conversation left was forgotten after
    /// `[conversations] contact_retention`: its identities, attributes and
    /// last agent. A later message from one of its identities starts a new
    /// contact.
    ContactForgotten {
        /// The contact.
        contact: ContactId,
    },
    /// A customer opted out (STOP) on a channel.
    OptedOut {
        /// The channel.
        channel: ChannelKind,
        /// The address.
        address: Address,
    },
    /// A customer opted back in (START).
    OptedIn {
        /// The channel.
        channel: ChannelKind,
        /// The address.
        address: Address,
    },
    /// An agent's presence changed: by the host's
    /// [`AgentStatus`](super::Input::AgentStatus) input, or by the engine
    /// for missed offers (with an [`AgentStatus`](super::Action::AgentStatus)
    /// action).
    AgentStatus {
        /// The new presence.
        status: Presence,
    },
    /// A queue opened (business hours).
    QueueOpened,
    /// A queue closed (business hours).
    QueueClosed {
        /// When it opens again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opens: Option<Timestamp>,
    },
    /// The configuration was replaced.
    Reconfigured,
    /// A notification went out (the [`Action::Send`](super::Action::Send)s
    /// before it carry it).
    NotificationSent {
        /// The host's id for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notification: Option<String>,
        /// The contact, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<ContactId>,
        /// Its campaign.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign: Option<String>,
        /// Its purpose.
        purpose: Purpose,
        /// The channel it went on.
        channel: ChannelKind,
        /// The channels passed over first, and why.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tried: Vec<Skip>,
    },
    /// A notification falls in the contact's quiet hours: it waits until
    /// `until` and is decided again then.
    NotificationDeferred {
        /// The host's id for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notification: Option<String>,
        /// The contact, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<ContactId>,
        /// When it is tried again.
        until: Timestamp,
    },
    /// A notification was not sent (the host also gets an
    /// [`Action::NotificationRefused`](super::Action::NotificationRefused)).
    NotificationRefused {
        /// The host's id for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notification: Option<String>,
        /// The contact, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<ContactId>,
        /// Why.
        reason: Refusal,
        /// Each channel tried, and why it was passed over.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tried: Vec<Skip>,
    },
    /// A consent change was recorded (see
    /// [`Switchboard::consent_history`](super::Switchboard::consent_history)).
    ConsentChanged {
        /// The channel.
        channel: ChannelKind,
        /// The address.
        address: Address,
        /// The purpose; none for the whole channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<Purpose>,
        /// The new status.
        status: ConsentStatus,
        /// Where it came from.
        source: ConsentSource,
    },
    /// A visitor was shown an invitation (the
    /// [`Invite`](super::Action::Invite) action); the event's `queue` is
    /// the invitation's.
    Invited {
        /// The invitation.
        invitation: InvitationId,
    },
    /// An invitation whose `when` held was not shown: a cap held it back.
    InvitationSuppressed {
        /// The invitation.
        invitation: InvitationId,
        /// The first cap that held it back.
        reason: SuppressReason,
    },
    /// A visitor dismissed an invitation.
    InvitationDismissed {
        /// The invitation.
        invitation: InvitationId,
    },
    /// A visitor answered an invitation: the event's conversation started
    /// from it.
    InvitationAccepted {
        /// The invitation.
        invitation: InvitationId,
    },
}
