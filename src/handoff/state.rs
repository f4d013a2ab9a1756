//! The states of a conversation.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a conversation is in the escalation state machine.
///
/// Every open conversation is in exactly one state. The wire names are
/// snake_case: `"bot"`, `"queued"`, `"after_hours"`, `"offered"`,
/// `"with_agent"`, `"closed"`.
///
/// ```text
///             ┌──────── bot_turn resolved ─────────────────────────┐
///  new ─► Bot ─ trigger ─► Queued ─ agent free ─► Offered ─ accept ─► WithAgent ─ close ─► Closed
///          ▲                 ▲  │                   │ decline/timeout    │ transfer/agent offline
///          │                 │  └ overflow / relax  └────► Queued (keeps its place)
///          └──── hand back ──┴──────────────────────────────────────────┘
///  Closed ─ customer writes within reopen window ─► back to the last agent if free, else queue
///  Queued outside business hours ─► AfterHours (ack + leave-a-message), served at opening
/// ```
///
/// ```
/// use switchboard::handoff::State;
///
/// assert_eq!(serde_json::to_string(&State::WithAgent)?, r#""with_agent""#);
/// assert!(State::Queued.is_waiting());
/// assert!(!State::Closed.is_open());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum State {
    /// A bot answers.
    Bot,
    /// Waiting in an open queue for an agent.
    Queued,
    /// Waiting in a queue that is closed; served when it opens. The customer
    /// may leave messages, which the agent sees.
    AfterHours,
    /// Offered to one or more agents, waiting for an accept.
    Offered,
    /// An agent has it (possibly on hold, or with a transfer pending).
    WithAgent,
    /// Closed; the customer may reopen it within the reopen window.
    Closed,
}

impl State {
    /// Whether the conversation is not closed.
    pub fn is_open(self) -> bool {
        self != State::Closed
    }

    /// Whether the conversation waits for an agent (queued, after hours or
    /// offered).
    pub fn is_waiting(self) -> bool {
        matches!(self, State::Queued | State::AfterHours | State::Offered)
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Bot => "bot",
            State::Queued => "queued",
            State::AfterHours => "after_hours",
            State::Offered => "offered",
            State::WithAgent => "with_agent",
            State::Closed => "closed",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
