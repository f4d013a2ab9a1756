//! Why a matching invitation was held back.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an invitation whose `when` held was not shown: the reason of an
/// [`EventKind::InvitationSuppressed`](crate::engine::EventKind::InvitationSuppressed).
/// The checks run in this order and the first that fails is reported.
///
/// ```
/// use switchboard::invite::SuppressReason;
///
/// assert_eq!(serde_json::to_string(&SuppressReason::NoAgentReady)?, r#""no_agent_ready""#);
/// assert_eq!(SuppressReason::Cooldown.to_string(), "shown or dismissed within its cooldown");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SuppressReason {
    /// The visitor opted out of messages on the channel.
    OptedOut,
    /// The visitor was shown this invitation, or dismissed it, less than
    /// its `cooldown` ago.
    Cooldown,
    /// The visitor has been shown `max_per_visit` invitations in this
    /// visit already.
    VisitCap,
    /// The visitor has an open conversation: they are being helped.
    ConversationOpen,
    /// The invitation's queue is outside its business hours.
    OutsideHours,
    /// No agent of the invitation's queue could take one more conversation
    /// on the visitor's channel.
    NoAgentReady,
    /// The queue's estimated wait is over the invitation's `max_wait`, or
    /// cannot be estimated.
    WaitTooLong,
}

impl SuppressReason {
    /// The reason's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressReason::OptedOut => "opted_out",
            SuppressReason::Cooldown => "cooldown",
            SuppressReason::VisitCap => "visit_cap",
            SuppressReason::ConversationOpen => "conversation_open",
            SuppressReason::OutsideHours => "outside_hours",
            SuppressReason::NoAgentReady => "no_agent_ready",
            SuppressReason::WaitTooLong => "wait_too_long",
        }
    }
}

impl fmt::Display for SuppressReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SuppressReason::OptedOut => "the visitor opted out on the channel",
            SuppressReason::Cooldown => "shown or dismissed within its cooldown",
            SuppressReason::VisitCap => "the visit's invitations are used up",
            SuppressReason::ConversationOpen => "the visitor has an open conversation",
            SuppressReason::OutsideHours => "its queue is outside business hours",
            SuppressReason::NoAgentReady => "no agent of its queue is ready",
            SuppressReason::WaitTooLong => "its queue's wait is over max_wait",
        })
    }
}
