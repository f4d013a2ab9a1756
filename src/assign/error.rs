//! What can go wrong when calling the assigner.

use crate::model::{AgentId, QueueId, Ticket};

use super::agent::AgentError;

/// A rejected call. The assigner's state is exactly as it was before the
/// call (timers that were already due have still run).
///
/// # Examples
///
/// ```
/// use switchboard::assign::{AssignError, Assigner, Request};
/// use switchboard::config::Config;
/// use switchboard::{ChannelKind, Timestamp};
///
/// let config = Config::from_toml_str("[[queues]]\nid = \"support\"\nmax_size = 1")?;
/// let t = Timestamp::from_millis(0);
/// let mut a = Assigner::new(config.into(), t);
/// a.enqueue(t, Request::new("c1", "support", ChannelKind::WebChat))?;
/// let err = a.enqueue(t, Request::new("c2", "support", ChannelKind::WebChat)).unwrap_err();
/// assert!(matches!(err, AssignError::QueueFull { limit: 1, .. }));
/// assert_eq!(err.to_string(), "queue `support` is full (1 waiting, its max_size); try another queue or tell the customer to come back later");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    /// No agent with this id.
    #[error("no agent `{0}`; add it with upsert_agent first")]
    UnknownAgent(AgentId),
    /// No queue with this id in the configuration.
    #[error("no queue `{0}` in the configuration")]
    UnknownQueue(QueueId),
    /// The assigner holds nothing under this ticket (never enqueued, or
    /// finished).
    #[error("ticket `{0}` is not waiting, offered or assigned")]
    UnknownTicket(Ticket),
    /// A request under this ticket is already waiting, offered or
    /// assigned.
    #[error("ticket `{0}` is already in the assigner; finish it before enqueueing it again")]
    AlreadyQueued(Ticket),
    /// The queue holds `max_size` waiting conversations.
    #[error(
        "queue `{queue}` is full ({limit} waiting, its max_size); try another queue or tell the customer to come back later"
    )]
    QueueFull {
        /// The queue.
        queue: QueueId,
        /// Its size limit.
        limit: usize,
    },
    /// The conversation is not currently offered to this agent (the offer
    /// expired, was revoked, or never existed).
    #[error(
        "ticket `{ticket}` is not offered to `{agent}` (the offer may have expired or been taken)"
    )]
    NotOffered {
        /// The request.
        ticket: Ticket,
        /// The agent.
        agent: AgentId,
    },
    /// The conversation is not assigned (to this agent, when one is named).
    #[error("ticket `{0}` is not assigned to an agent")]
    NotAssigned(Ticket),
    /// The assigner holds as many agents as it can.
    #[error("the assigner holds its maximum of {0} agents; run one assigner per shard of agents")]
    TooManyAgents(usize),
    /// [`Assigner::reconfigure`](super::Assigner::reconfigure): a queue
    /// the new configuration no longer has holds conversations, and no
    /// fallback queue was given to move them to.
    #[error(
        "queue `{0}` is not in the new configuration but holds conversations; pass a fallback queue of the new configuration to move them to"
    )]
    FallbackNeeded(QueueId),
    /// The agent profile is invalid.
    #[error(transparent)]
    Profile(#[from] AgentError),
}
