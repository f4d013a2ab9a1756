//! What the assigner tells the host.

use serde::{Deserialize, Serialize};

use crate::model::{AgentId, QueueId, Ticket, Timestamp};

/// Something the assigner did, to act on (offer the conversation in the
/// agent's inbox, withdraw it) and to record (the audit log KPIs are
/// computed from). Read them with
/// [`Assigner::poll_event`](super::Assigner::poll_event), in order.
///
/// Conversations are named by the [`Ticket`] they were enqueued under.
/// The JSON form is tagged by `"type"`, and reads back:
/// `{"type": "offered", "ticket": "c1", "agent": "ana", "queue": "billing", "expires": 30000}`.
///
/// # Examples
///
/// ```
/// use switchboard::assign::AssignEvent;
/// use switchboard::{AgentId, QueueId, Ticket, Timestamp};
///
/// let e = AssignEvent::Offered {
///     ticket: Ticket::new("c1"),
///     agent: AgentId::new("ana"),
///     queue: QueueId::new("billing"),
///     expires: Timestamp::from_millis(30_000),
/// };
/// assert_eq!(
///     serde_json::to_string(&e).unwrap(),
///     r#"{"type":"offered","ticket":"c1","agent":"ana","queue":"billing","expires":30000}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AssignEvent {
    /// Offer the conversation of `ticket` to `agent`, who has until
    /// `expires` to accept or decline. The offer reserves room in the
    /// agent's capacity.
    Offered {
        /// The request.
        ticket: Ticket,
        /// The agent.
        agent: AgentId,
        /// The queue it waited in.
        queue: QueueId,
        /// When the offer lapses.
        expires: Timestamp,
    },
    /// An offer withdrawn before the agent answered it.
    OfferRevoked {
        /// The request.
        ticket: Ticket,
        /// The agent.
        agent: AgentId,
        /// Why.
        reason: RevokeReason,
    },
    /// An offer the agent declined or let expire; the conversation moves
    /// on to the next agent, keeping its place.
    OfferMissed {
        /// The request.
        ticket: Ticket,
        /// The agent.
        agent: AgentId,
        /// Declined or expired.
        reason: MissReason,
    },
    /// The agent accepted: the conversation is theirs.
    Assigned {
        /// The request.
        ticket: Ticket,
        /// The agent.
        agent: AgentId,
        /// The queue it waited in.
        queue: QueueId,
    },
    /// Taken from the agent who had it; it goes back to its queue.
    Unassigned {
        /// The request.
        ticket: Ticket,
        /// The agent.
        agent: AgentId,
        /// Why.
        reason: UnassignReason,
    },
    /// Back in its queue, waiting; `front` when it goes ahead of everyone
    /// (its agent left), otherwise at the place its wait has earned.
    Requeued {
        /// The request.
        ticket: Ticket,
        /// The queue.
        queue: QueueId,
        /// Placed at the front.
        front: bool,
    },
    /// After waiting, a wider eligibility (relaxation step `step`, from 1)
    /// applies.
    Relaxed {
        /// The request.
        ticket: Ticket,
        /// The queue.
        queue: QueueId,
        /// The step now in force, from 1.
        step: usize,
    },
    /// After waiting, moved to the queue's overflow queue.
    Overflowed {
        /// The request.
        ticket: Ticket,
        /// The queue it left.
        from: QueueId,
        /// The queue it joined.
        to: QueueId,
    },
    /// Moved by [`Assigner::reconfigure`](super::Assigner::reconfigure)
    /// out of a queue the new configuration no longer has, into the
    /// fallback queue. A waiting conversation keeps its wait; an assigned
    /// one stays with its agent.
    Moved {
        /// The request.
        ticket: Ticket,
        /// The queue that was removed.
        from: QueueId,
        /// The fallback queue it joined.
        to: QueueId,
    },
    /// The preferred agent did not take the conversation in time, or
    /// declined or missed its offer; any eligible agent may now.
    PreferenceExpired {
        /// The request.
        ticket: Ticket,
        /// The agent it waited for.
        agent: AgentId,
    },
    /// The agent missed `missed` offers in a row and was set away.
    AgentAway {
        /// The agent.
        agent: AgentId,
        /// Offers missed in a row.
        missed: u32,
    },
    /// The queue's business hours began.
    QueueOpened {
        /// The queue.
        queue: QueueId,
    },
    /// The queue's business hours ended; conversations wait for `opens`.
    QueueClosed {
        /// The queue.
        queue: QueueId,
        /// When it opens next, if it ever does.
        opens: Option<Timestamp>,
    },
}

/// Why an offer was withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevokeReason {
    /// Another agent accepted it first (multi-offer).
    Taken,
    /// The agent went offline.
    AgentOffline,
    /// The agent was removed.
    AgentRemoved,
    /// The conversation ended or was withdrawn by the host.
    Withdrawn,
    /// [`Assigner::reconfigure`](super::Assigner::reconfigure) removed or
    /// changed the conversation's queue; it waits again, at the front.
    Reconfigured,
}

/// Why an offer was missed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissReason {
    /// The agent declined.
    Declined,
    /// The offer expired unanswered (counts toward being set away).
    Expired,
}

/// Why an assigned conversation was taken from its agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnassignReason {
    /// The agent went offline (after the grace period).
    AgentOffline,
    /// The agent was removed.
    AgentRemoved,
    /// The agent did not reply within the queue's `reply_timeout`.
    ReplyTimeout,
}
