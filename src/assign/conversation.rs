//! Conversations in the assigner: what the host asks for, what it can
//! read back, and the compact record kept per conversation.

use std::time::Duration;

use super::waiting::{Standing, WaitKey};
use crate::model::{AgentId, Attributes, ChannelKind, QueueId, Ticket, Timestamp};

/// A conversation to place in a queue: the `enqueue` call.
///
/// The [`Ticket`] names the request in everything the assigner says
/// about it afterwards; the caller picks it and keeps what it stands for.
///
/// Its eligibility facts are the channel, the language (seen as both
/// `lang` and `conversation.lang`), the contact attributes and the tags;
/// `conversation.priority` and `conversation.waited` are filled in by the
/// assigner.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::assign::Request;
/// use switchboard::{AgentId, ChannelKind};
///
/// let r = Request::new("c1", "billing", ChannelKind::WhatsApp)
///     .with_priority(5)
///     .with_lang("es")
///     .with_preferred(AgentId::new("ana"), Some(Duration::from_secs(120)));
/// assert_eq!(r.priority, 5);
/// assert_eq!(r.lang.as_deref(), Some("es"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Request {
    /// The request's ticket: unique among the requests the assigner
    /// holds.
    pub ticket: Ticket,
    /// The queue to wait in.
    pub queue: QueueId,
    /// The channel the customer uses: capacity is taken on it.
    pub channel: ChannelKind,
    /// Added to the queue's priority (a routing rule's `priority`).
    pub priority: i32,
    /// The conversation's language (BCP 47).
    pub lang: Option<String>,
    /// The contact's attributes, for eligibility (`contact.*`).
    pub contact: Attributes,
    /// The conversation's tags (`conversation.tags`).
    pub tags: Vec<String>,
    /// An agent to wait for before anyone else is offered the conversation:
    /// the last agent of a returning customer, or one the host names.
    pub preferred: Option<AgentId>,
    /// How long to wait for `preferred`; `[assignment] preferred_wait`
    /// (default 60 s) when `None`.
    pub preferred_wait: Option<Duration>,
    /// When the customer started waiting, if earlier than now (a transfer
    /// keeps the wait already done); now when `None`.
    pub waiting_since: Option<Timestamp>,
    /// The only agent the conversation may be offered to: a directed
    /// request, such as a transfer to a named agent. See
    /// [`for_agent`](Request::for_agent).
    pub for_agent: Option<AgentId>,
    /// An agent it must never be offered to: the agent who asked for a
    /// warm transfer, who already has the conversation. See
    /// [`excluding`](Request::excluding).
    pub exclude: Option<AgentId>,
    /// Already being served: `max_size` does not turn it away. See
    /// [`admitted`](Request::admitted).
    pub admitted: bool,
}

impl Request {
    /// A request with priority 0 and nothing else known.
    pub fn new(ticket: impl Into<Ticket>, queue: impl Into<QueueId>, channel: ChannelKind) -> Self {
        Request {
            ticket: ticket.into(),
            queue: queue.into(),
            channel,
            priority: 0,
            lang: None,
            contact: Attributes::new(),
            tags: Vec::new(),
            preferred: None,
            preferred_wait: None,
            waiting_since: None,
            for_agent: None,
            exclude: None,
            admitted: false,
        }
    }

    /// Sets the priority added to the queue's.
    pub fn with_priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    /// Sets the language.
    pub fn with_lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Sets the contact attributes.
    pub fn with_contact(mut self, contact: Attributes) -> Self {
        self.contact = contact;
        self
    }

    /// Sets the tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Names an agent to wait for, for `wait` (the configured default when
    /// `None`).
    pub fn with_preferred(mut self, agent: AgentId, wait: Option<Duration>) -> Self {
        self.preferred = Some(agent);
        self.preferred_wait = wait;
        self
    }

    /// Counts the wait from `since` instead of now.
    pub fn waiting_since(mut self, since: Timestamp) -> Self {
        self.waiting_since = Some(since);
        self
    }

    /// Directs the conversation to one agent (a transfer to a named
    /// agent): it is offered to `agent` and to nobody else.
    ///
    /// - **Who.** The queue's eligibility and relaxation steps do not
    ///   apply; the agent's presence, wrap-up, room on the conversation's
    ///   channel and the fairness cap do. The agent must be known when the
    ///   request is enqueued ([`AssignError::UnknownAgent`](super::AssignError::UnknownAgent)
    ///   otherwise). A `preferred` agent is ignored.
    /// - **When.** At once if the agent is ready, otherwise as soon as they
    ///   are (coming back available, finishing wrap-up, freeing room). An
    ///   agent who frees up is offered the conversations directed to them
    ///   before those waiting in their queues. Business hours do not hold
    ///   a directed request back: the agent being available is what
    ///   counts.
    /// - **Where it waits.** In its queue, as far as its status, its
    ///   queue's offer and reply timeouts and wrap-up go, but not in the
    ///   queue's shared line: [`Assigner::waiting`](super::Assigner::waiting),
    ///   [`queue_stats`](super::Assigner::queue_stats) and `max_size` do
    ///   not count it, it neither relaxes nor overflows, and it is not part
    ///   of the queue's wait estimates. Its status is `Waiting` with
    ///   `position` its place among the conversations directed to the same
    ///   agent and no `estimate`.
    /// - **Declined or expired.** It stays waiting and is never offered to
    ///   that agent again, nor to anyone else: the host decides what
    ///   happens next (on the `OfferMissed` event, typically
    ///   [`finish`](super::Assigner::finish) and route it elsewhere). An
    ///   offer revoked because the agent went offline or was removed does
    ///   not count: it waits for the agent to come back (or for an agent
    ///   with that id to be added again).
    /// - **Accepted.** The direction has done its job: should the
    ///   conversation later go back to its queue (the agent goes offline,
    ///   or does not reply within `reply_timeout`), it waits in the shared
    ///   line like any other.
    ///
    /// ```
    /// use switchboard::assign::{AgentProfile, AssignEvent, Assigner, Capacity, Presence, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{AgentId, ChannelKind, Timestamp};
    ///
    /// let config = Config::from_toml_str(
    ///     "[[queues]]\nid = \"billing\"\neligible = \"agent.skills.billing >= 3\"",
    /// )?;
    /// let t = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(config.into(), t);
    /// // Bo has no billing skill, but a transfer names him.
    /// let bo = AgentId::new("bo");
    /// a.upsert_agent(t, AgentProfile::new("bo").with_capacity(Capacity::new([(ChannelKind::WebChat, 1)])))?;
    /// a.set_presence(t, &bo, Presence::Available)?;
    /// a.enqueue(t, Request::new("c1", "billing", ChannelKind::WebChat).for_agent(bo.clone()))?;
    /// assert!(matches!(a.poll_event(), Some(AssignEvent::Offered { agent, .. }) if agent == bo));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_agent(mut self, agent: AgentId) -> Self {
        self.for_agent = Some(agent);
        self
    }

    /// Never offers the conversation to `agent`, even when nobody else can
    /// take it: a warm transfer must not come back to the agent who made
    /// it.
    ///
    /// ```
    /// use switchboard::assign::{AgentProfile, Assigner, AssignEvent, Capacity, Presence, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{AgentId, ChannelKind, Timestamp};
    ///
    /// let t = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(Config::from_toml_str("[[queues]]\nid = \"sales\"")?.into(), t);
    /// let ana = AgentId::new("ana");
    /// a.upsert_agent(t, AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::WebChat, 2)])))?;
    /// a.set_presence(t, &ana, Presence::Available)?;
    /// a.enqueue(t, Request::new("t2", "sales", ChannelKind::WebChat).excluding(ana))?;
    /// assert!(!std::iter::from_fn(|| a.poll_event()).any(|e| matches!(e, AssignEvent::Offered { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn excluding(mut self, agent: AgentId) -> Self {
        self.exclude = Some(agent);
        self
    }

    /// Marks the conversation as already being served (a transfer that
    /// fell through, a conversation coming back to its queue): the
    /// queue's `max_size` limits newcomers, not them.
    ///
    /// ```
    /// use switchboard::assign::{Assigner, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{ChannelKind, Timestamp};
    ///
    /// let t = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(Config::from_toml_str("[[queues]]\nid = \"q\"\nmax_size = 1")?.into(), t);
    /// a.enqueue(t, Request::new("c1", "q", ChannelKind::Sms))?;
    /// assert!(a.enqueue(t, Request::new("c2", "q", ChannelKind::Sms)).is_err());
    /// a.enqueue(t, Request::new("c3", "q", ChannelKind::Sms).admitted())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn admitted(mut self) -> Self {
        self.admitted = true;
        self
    }
}

/// Where a conversation stands in the assigner.
///
/// # Examples
///
/// ```
/// use switchboard::assign::{Assigner, ConversationStatus, Request};
/// use switchboard::config::Config;
/// use switchboard::{ChannelKind, Ticket, Timestamp};
///
/// let config = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
/// let t = Timestamp::from_millis(0);
/// let mut a = Assigner::new(config.into(), t);
/// // No agents yet: it waits, first in line, with no estimate to give.
/// let status = a.enqueue(t, Request::new("c1", "support", ChannelKind::WebChat))?;
/// assert!(matches!(status, ConversationStatus::Waiting { position: 1, estimate: None, .. }));
/// assert_eq!(a.status(&Ticket::new("c1"), t), Some(status));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConversationStatus {
    /// Waiting in `queue`.
    Waiting {
        /// The queue.
        queue: QueueId,
        /// 1-based place in line.
        position: usize,
        /// Expected wait from now (see [`estimate`](super::estimate)).
        estimate: Option<Duration>,
        /// Whether the queue is open now: a closed queue's conversations
        /// wait after hours.
        open: bool,
        /// When the queue opens, if it is closed now and opens within the
        /// calendar's horizon (about two years).
        opens: Option<Timestamp>,
        /// When it started waiting.
        since: Timestamp,
    },
    /// Offered to `agents`, until `expires`.
    Offered {
        /// The queue.
        queue: QueueId,
        /// The agents it is offered to (more than one under multi-offer).
        agents: Vec<AgentId>,
        /// When the offer lapses.
        expires: Timestamp,
    },
    /// Assigned to `agent`.
    Assigned {
        /// The queue it came from.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
        /// Since when.
        since: Timestamp,
    },
}

/// Where a conversation is in its life in the assigner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// In the waiting list of its queue's step `tier`, under `key`.
    Waiting { tier: u8, key: WaitKey },
    /// Offered to `agents` until `until`.
    Offered {
        agents: Box<[u32]>,
        until: Timestamp,
    },
    /// Assigned to `agent` since `since`; `reply_due` while the customer
    /// waits for the agent's reply under a `reply_timeout`.
    Assigned {
        agent: u32,
        since: Timestamp,
        reply_due: Option<Timestamp>,
    },
}

/// The rarely needed parts of a conversation, boxed so the common case
/// stays small.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ConvExtra {
    pub(crate) contact: Attributes,
    pub(crate) tags: Vec<String>,
    /// The preferred agent and until when to wait for them.
    pub(crate) preferred: Option<(AgentId, Timestamp)>,
    /// Agents who declined or missed it: offered again only when nobody
    /// else can take it.
    pub(crate) passed: Vec<u32>,
    /// The only agent it may be offered to, while waiting for them.
    pub(crate) directed: Option<Directed>,
    /// An agent it is never offered to.
    pub(crate) excluded: Option<AgentId>,
}

/// A directed request's agent, and whether they declined or missed it
/// (then it is never offered again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Directed {
    pub(crate) agent: AgentId,
    pub(crate) missed: bool,
}

/// One conversation as the assigner stores it.
#[derive(Clone, Debug)]
pub(crate) struct Conv {
    pub(crate) ticket: Ticket,
    pub(crate) queue: u32,
    pub(crate) channel: u32,
    pub(crate) lang: Option<u32>,
    /// The request's own priority (added to the queue's).
    pub(crate) own_priority: i32,
    pub(crate) standing: Standing,
    /// When it entered its current queue: relaxation and overflow count
    /// from here.
    pub(crate) entered: Timestamp,
    pub(crate) phase: Phase,
    pub(crate) extra: Option<Box<ConvExtra>>,
    pub(crate) deadline: Option<Timestamp>,
}

impl Conv {
    pub(crate) fn extra_mut(&mut self) -> &mut ConvExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    pub(crate) fn passed(&self) -> &[u32] {
        self.extra.as_ref().map_or(&[], |e| &e.passed)
    }

    /// The agent it is never offered to.
    pub(crate) fn excluded(&self) -> Option<&AgentId> {
        self.extra.as_ref()?.excluded.as_ref()
    }

    /// The agent a directed request waits for.
    pub(crate) fn directed(&self) -> Option<&Directed> {
        self.extra.as_ref()?.directed.as_ref()
    }

    /// The preferred agent while the wait for them lasts.
    pub(crate) fn preference(&self, now: Timestamp) -> Option<&AgentId> {
        let (agent, until) = self.extra.as_ref()?.preferred.as_ref()?;
        (now < *until).then_some(agent)
    }
}
