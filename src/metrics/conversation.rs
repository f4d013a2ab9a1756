//! One conversation as the aggregator follows it: the instants its
//! figures are measured between, kept from its first event until the
//! engine forgets it (the `purged` event), then turned into figures.

use std::time::Duration;

use crate::engine::{Event, EventKind};
use crate::handoff::{Party, Reason, State};
use crate::model::{AgentId, ChannelKind, ContactId, QueueId, Timestamp};

/// How a conversation's first wait for a person ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WaitEnd {
    /// Still waiting.
    Open,
    /// An agent accepted it.
    Answered { at: Timestamp, agent: AgentId },
    /// The customer left.
    Abandoned { at: Timestamp },
    /// It stopped waiting otherwise (no agent in time, closed by the
    /// system, handed back to a bot).
    Other { at: Timestamp },
}

/// The first wait: from the first time the conversation waited for a
/// person (queued, after hours or offered) to the first accept.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Wait {
    pub(crate) since: Timestamp,
    /// The queue it waited in when the wait ended (or waits in now).
    pub(crate) queue: Option<QueueId>,
    pub(crate) end: WaitEnd,
}

/// One agent's part of a conversation: from accept (or transfer in) to
/// the moment it left them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Segment {
    pub(crate) agent: AgentId,
    pub(crate) queue: Option<QueueId>,
    pub(crate) from: Timestamp,
    /// `None` while the agent still has it.
    pub(crate) to: Option<Timestamp>,
}

/// A measured reply: a customer message answered by an agent.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) agent: AgentId,
    pub(crate) queue: Option<QueueId>,
    pub(crate) ms: u64,
}

/// The first agent message after the first wait began.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FirstResponse {
    pub(crate) agent: AgentId,
    pub(crate) queue: Option<QueueId>,
    pub(crate) ms: u64,
}

/// What the aggregator keeps of one conversation.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Conv {
    /// When it started (`started` event); `None` when its start came
    /// before the events this aggregate saw.
    pub(crate) start: Option<Timestamp>,
    pub(crate) contact: Option<ContactId>,
    pub(crate) channel: Option<ChannelKind>,
    pub(crate) state: Option<State>,
    /// The last queue it was in.
    pub(crate) queue: Option<QueueId>,
    /// Every agent who had it, each once, in the order they last had it.
    pub(crate) agents: Vec<AgentId>,
    pub(crate) tags: Vec<String>,
    /// Messages by author: customer, bot, agent, system.
    pub(crate) messages: [u32; 4],
    pub(crate) reached_bot: bool,
    /// The reason of its first handoff from a bot to a queue.
    pub(crate) handoff: Option<Reason>,
    pub(crate) wait: Option<Wait>,
    /// Whether it ever waited for a person (after hours too).
    pub(crate) waited_ever: bool,
    /// Since when it waits now, if it does.
    pub(crate) waiting_since: Option<Timestamp>,
    pub(crate) first_response: Option<FirstResponse>,
    /// The first bot or agent message.
    pub(crate) first_reply: Option<Timestamp>,
    /// The earliest customer message nobody has answered yet.
    pub(crate) pending: Option<Timestamp>,
    pub(crate) agent_wrote: bool,
    pub(crate) replies: Vec<Reply>,
    pub(crate) segments: Vec<Segment>,
    /// Its last close and why.
    pub(crate) closed: Option<(Timestamp, Reason)>,
    pub(crate) reopened: u32,
    pub(crate) transfers: u32,
    pub(crate) csat: Option<u8>,
    /// Whether time after hours counts as waiting
    /// ([`Settings::with_after_hours_waits`](super::Settings::with_after_hours_waits)).
    pub(crate) after_hours_waits: bool,
}

/// What an event changed beyond the conversation itself.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Effect {
    None,
    /// It closed at this instant (first-contact resolution starts
    /// watching its contact).
    Closed(Timestamp),
    /// A closed conversation was reopened.
    Reopened,
    /// The engine forgot it: its figures are final.
    Purged,
}

pub(crate) fn party_index(p: &Party) -> usize {
    match p {
        Party::Customer => 0,
        Party::Bot { .. } => 1,
        Party::Agent { .. } => 2,
        _ => 3,
    }
}

fn ms(from: Timestamp, to: Timestamp) -> u64 {
    u64::try_from(to.saturating_duration_since(from).as_millis()).unwrap_or(u64::MAX)
}

impl Conv {
    /// A conversation not seen yet.
    pub(crate) fn new(after_hours_waits: bool) -> Conv {
        Conv {
            after_hours_waits,
            ..Conv::default()
        }
    }

    /// Follows one event about this conversation.
    pub(crate) fn apply(&mut self, e: &Event) -> Effect {
        let at = e.at;
        match &e.kind {
            EventKind::Started { contact, channel } => {
                self.start = Some(at);
                self.contact = Some(contact.clone());
                self.channel = Some(channel.clone());
            }
            EventKind::Message { from, .. } => self.message(at, from),
            EventKind::Transition { from, to, reason } => {
                return self.transition(e, *from, *to, reason);
            }
            EventKind::Transferred { .. } => {
                self.transfers += 1;
                // A warm transfer hands over without a change of state.
                if let Some(agent) = &e.agent
                    && self.holder() != Some(agent)
                {
                    if let Some(q) = &e.queue {
                        self.queue = Some(q.clone());
                    }
                    self.end_segment(at);
                    self.begin_segment(at, agent);
                }
            }
            EventKind::Tagged { tags } => {
                for t in tags {
                    if !self.tags.contains(t) {
                        self.tags.push(t.clone());
                    }
                }
            }
            EventKind::Csat { score } if (1..=5).contains(score) => self.csat = Some(*score),
            EventKind::Purged => return Effect::Purged,
            _ => {}
        }
        if let Some(q) = &e.queue
            && self.queue.as_ref() != Some(q)
        {
            self.queue = Some(q.clone());
            if let Some(w) = &mut self.wait
                && w.end == WaitEnd::Open
            {
                w.queue = Some(q.clone());
            }
        }
        Effect::None
    }

    fn message(&mut self, at: Timestamp, from: &Party) {
        let i = party_index(from);
        self.messages[i] = self.messages[i].saturating_add(1);
        match from {
            Party::Customer => {
                self.pending.get_or_insert(at);
            }
            Party::Bot { .. } => {
                self.first_reply.get_or_insert(at);
                self.pending = None;
            }
            Party::Agent { agent } => {
                self.first_reply.get_or_insert(at);
                if self.first_response.is_none()
                    && let Some(w) = &self.wait
                {
                    self.first_response = Some(FirstResponse {
                        agent: agent.clone(),
                        queue: self.queue.clone(),
                        ms: ms(w.since, at),
                    });
                }
                // Chatwoot's reply time leaves out the first response.
                if let Some(p) = self.pending.take()
                    && self.agent_wrote
                {
                    self.replies.push(Reply {
                        agent: agent.clone(),
                        queue: self.queue.clone(),
                        ms: ms(p, at),
                    });
                }
                self.agent_wrote = true;
            }
            _ => {}
        }
    }

    fn transition(&mut self, e: &Event, from: Option<State>, to: State, reason: &Reason) -> Effect {
        let at = e.at;
        if let Some(q) = &e.queue
            && self.queue.as_ref() != Some(q)
        {
            self.queue = Some(q.clone());
        }
        self.state = Some(to);
        if to == State::Bot {
            self.reached_bot = true;
        }
        if from == Some(State::Bot) && to.is_waiting() && self.handoff.is_none() {
            self.handoff = Some(reason.clone());
        }
        // An agent's part ends when the conversation leaves them.
        if from == Some(State::WithAgent)
            && (to != State::WithAgent || self.holder() != e.agent.as_ref())
        {
            self.end_segment(at);
        }
        if to.is_waiting() {
            self.waited_ever = true;
            self.waiting_since.get_or_insert(at);
        } else {
            self.waiting_since = None;
        }
        let waits = to.is_waiting() && (to != State::AfterHours || self.after_hours_waits);
        if waits && self.wait.is_none() {
            self.wait = Some(Wait {
                since: at,
                queue: self.queue.clone(),
                end: WaitEnd::Open,
            });
        }
        if let Some(w) = &mut self.wait
            && w.end == WaitEnd::Open
        {
            w.queue = self.queue.clone();
            match (to, e.agent.as_ref()) {
                (State::WithAgent, Some(agent)) => {
                    w.end = WaitEnd::Answered {
                        at,
                        agent: agent.clone(),
                    }
                }
                (State::Closed, _) if *reason == Reason::Abandoned => {
                    w.end = WaitEnd::Abandoned { at }
                }
                (s, _) if !s.is_waiting() => w.end = WaitEnd::Other { at },
                _ => {}
            }
        }
        if to == State::WithAgent
            && let Some(agent) = &e.agent
            && self.holder() != Some(agent)
        {
            self.begin_segment(at, agent);
        }
        if from == Some(State::Closed) && to != State::Closed {
            self.reopened += 1;
            return Effect::Reopened;
        }
        if to == State::Closed {
            self.closed = Some((at, reason.clone()));
            return Effect::Closed(at);
        }
        Effect::None
    }

    /// The agent who has it now.
    pub(crate) fn holder(&self) -> Option<&AgentId> {
        self.segments
            .last()
            .filter(|s| s.to.is_none())
            .map(|s| &s.agent)
    }

    fn begin_segment(&mut self, at: Timestamp, agent: &AgentId) {
        self.segments.push(Segment {
            agent: agent.clone(),
            queue: self.queue.clone(),
            from: at,
            to: None,
        });
        // The last agent is the one who had it last.
        self.agents.retain(|a| a != agent);
        self.agents.push(agent.clone());
    }

    fn end_segment(&mut self, at: Timestamp) {
        if let Some(s) = self.segments.last_mut()
            && s.to.is_none()
        {
            s.to = Some(at);
        }
    }

    /// The agent who had it last.
    pub(crate) fn last_agent(&self) -> Option<&AgentId> {
        self.agents.last()
    }

    /// Whether it counts as resolved at first contact, leaving aside
    /// later conversations of its contact: closed, never reopened,
    /// handled by at most one agent.
    pub(crate) fn fcr_eligible(&self) -> bool {
        self.closed.is_some() && self.reopened == 0 && self.agents.len() <= 1
    }

    /// The wait of its first wait, if it ended.
    pub(crate) fn waited(&self) -> Option<(u64, &WaitEnd)> {
        let w = self.wait.as_ref()?;
        let end = match &w.end {
            WaitEnd::Open => return None,
            WaitEnd::Answered { at, .. } | WaitEnd::Abandoned { at } | WaitEnd::Other { at } => *at,
        };
        Some((ms(w.since, end), &w.end))
    }

    /// Every segment with its end (`now` for one still open) and the
    /// wrap-up its queue adds once it has ended.
    pub(crate) fn segment_spans<'a>(
        &'a self,
        now: Timestamp,
        wrap_up: impl Fn(Option<&QueueId>) -> Duration + 'a,
    ) -> impl Iterator<Item = (&'a Segment, Timestamp, Timestamp)> + 'a {
        self.segments.iter().map(move |s| {
            let (to, end) = match s.to {
                Some(to) => (to, to.saturating_add(wrap_up(s.queue.as_ref()))),
                None => (now.max(s.from), now.max(s.from)),
            };
            (s, to, end)
        })
    }

    /// Milliseconds from `from` to `to`.
    pub(crate) fn span_ms(from: Timestamp, to: Timestamp) -> u64 {
        ms(from, to)
    }
}
