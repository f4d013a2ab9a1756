//! Where a conversation is in its life, with the data only that phase
//! has.

use serde::{Deserialize, Serialize};

use crate::handoff::State;
use crate::model::{AgentId, QueueId, Ticket, Timestamp};

/// A conversation's phase: the public [`State`] it is in, carrying what
/// only makes sense there. Data a conversation keeps across phases (its
/// transcript, its bot's conclusions, the agents it had) lives on the
/// [`Conversation`](super::Conversation) itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Phase {
    /// Just started and not yet in a state of its own: its first
    /// transition is from nothing. Never seen between two inputs.
    New,
    /// With a bot (or, without one, waiting for the customer).
    Bot {
        /// Whether the conversation's latest question to the bot awaits
        /// an answer.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        asked: bool,
    },
    /// Waiting in an open queue.
    Queued(Wait),
    /// Waiting in a closed queue, for its opening.
    AfterHours(Wait),
    /// Offered to agents, waiting for one to accept.
    Offered {
        /// The wait the offers interrupt (it resumes if they lapse).
        #[serde(flatten)]
        wait: Wait,
        /// The agents it is offered to, in the order of the offers.
        #[serde(rename = "offered")]
        agents: Vec<AgentId>,
    },
    /// An agent has it.
    WithAgent(Serving),
    /// Closed; kept for the reopen window, then forgotten.
    Closed(Closure),
}

/// What a conversation waiting for an agent keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Wait {
    /// Its key in the assigner.
    pub(crate) ticket: Ticket,
    /// A cold transfer in progress (the agent who had it let go).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) transfer: Option<Transfer>,
}

impl Wait {
    /// A fresh wait under `ticket`.
    pub(crate) fn new(ticket: Ticket) -> Wait {
        Wait {
            ticket,
            transfer: None,
        }
    }
}

/// What a conversation an agent has keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Serving {
    /// Its key in the assigner.
    pub(crate) ticket: Ticket,
    /// The agent.
    pub(crate) agent: AgentId,
    /// On hold, waiting for the customer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) held: bool,
    /// Whether the agent has replied since they got it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) responded: bool,
    /// A warm transfer in progress (the agent keeps it meanwhile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) transfer: Option<Transfer>,
}

/// What a closed conversation keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Closure {
    /// When it closed: the reopen window counts from here.
    pub(crate) at: Timestamp,
    /// Whether the customer was asked for a satisfaction score.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) csat_asked: bool,
}

/// A transfer in progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Transfer {
    /// The transfer request's ticket.
    pub(crate) ticket: Ticket,
    /// The agent who has the conversation (warm) or had it (cold).
    pub(crate) from: AgentId,
    /// The agent asked for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to: Option<AgentId>,
    /// The queue it waits in.
    pub(crate) queue: QueueId,
    /// Warm: the first agent keeps it until the second accepts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) warm: bool,
}

impl Phase {
    /// The public state.
    pub(crate) fn state(&self) -> State {
        match self {
            Phase::New | Phase::Bot { .. } => State::Bot,
            Phase::Queued(_) => State::Queued,
            Phase::AfterHours(_) => State::AfterHours,
            Phase::Offered { .. } => State::Offered,
            Phase::WithAgent(_) => State::WithAgent,
            Phase::Closed(_) => State::Closed,
        }
    }

    /// The wait, in a waiting phase.
    pub(crate) fn wait(&self) -> Option<&Wait> {
        match self {
            Phase::Queued(w) | Phase::AfterHours(w) | Phase::Offered { wait: w, .. } => Some(w),
            _ => None,
        }
    }

    /// The wait, in a waiting phase.
    pub(crate) fn wait_mut(&mut self) -> Option<&mut Wait> {
        match self {
            Phase::Queued(w) | Phase::AfterHours(w) | Phase::Offered { wait: w, .. } => Some(w),
            _ => None,
        }
    }

    /// The agent's part, when an agent has it.
    pub(crate) fn serving(&self) -> Option<&Serving> {
        match self {
            Phase::WithAgent(s) => Some(s),
            _ => None,
        }
    }

    /// The agent's part, when an agent has it.
    pub(crate) fn serving_mut(&mut self) -> Option<&mut Serving> {
        match self {
            Phase::WithAgent(s) => Some(s),
            _ => None,
        }
    }

    /// The ticket the assigner holds it under, when it holds it.
    pub(crate) fn ticket(&self) -> Option<&Ticket> {
        match self {
            Phase::WithAgent(s) => Some(&s.ticket),
            p => p.wait().map(|w| &w.ticket),
        }
    }

    /// The transfer in progress, if any.
    pub(crate) fn transfer(&self) -> Option<&Transfer> {
        match self {
            Phase::WithAgent(s) => s.transfer.as_ref(),
            p => p.wait().and_then(|w| w.transfer.as_ref()),
        }
    }

    /// The transfer in progress, if any.
    pub(crate) fn transfer_mut(&mut self) -> Option<&mut Option<Transfer>> {
        match self {
            Phase::WithAgent(s) => Some(&mut s.transfer),
            p => p.wait_mut().map(|w| &mut w.transfer),
        }
    }

    /// Whether a cold transfer handed it on and it waits for an agent to
    /// take it: the agent who had it let go.
    pub(crate) fn handed_on(&self) -> bool {
        self.wait().is_some_and(|w| w.transfer.is_some())
    }

    /// The agent who has it.
    pub(crate) fn agent(&self) -> Option<&AgentId> {
        self.serving().map(|s| &s.agent)
    }

    /// The agents it is offered to.
    pub(crate) fn offered(&self) -> &[AgentId] {
        match self {
            Phase::Offered { agents, .. } => agents,
            _ => &[],
        }
    }

    /// Whether the agent put it on hold.
    pub(crate) fn held(&self) -> bool {
        self.serving().is_some_and(|s| s.held)
    }

    /// When it closed, if it is closed.
    pub(crate) fn closed_at(&self) -> Option<Timestamp> {
        match self {
            Phase::Closed(c) => Some(c.at),
            _ => None,
        }
    }

    /// Takes the wait out of a waiting phase, leaving the phase `New`.
    pub(crate) fn take_wait(&mut self) -> Option<Wait> {
        match std::mem::replace(self, Phase::New) {
            Phase::Queued(w) | Phase::AfterHours(w) | Phase::Offered { wait: w, .. } => Some(w),
            other => {
                *self = other;
                None
            }
        }
    }
}
