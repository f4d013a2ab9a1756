//! The KPI aggregator: each figure on small hand-built event sequences
//! with the expected numbers worked out by hand, merging, and bad logs.

mod figures;
mod live;
mod log;
mod merge;
mod time;
mod traffic;

use switchboard::assign::Presence;
use switchboard::engine::{Event, EventKind};
use switchboard::handoff::{Party, Reason, State};
use switchboard::metrics::{Metrics, Report, Settings};
use switchboard::{AgentId, BotId, ChannelKind, ContactId, ConversationId, QueueId, Timestamp};

/// Monday 2026-11-02 00:00 UTC.
pub(crate) const MONDAY: u64 = 1_793_577_600_000;

/// `s` seconds after Monday 00:00 UTC.
pub(crate) fn t(s: u64) -> Timestamp {
    Timestamp::from_millis(MONDAY + s * 1000)
}

/// Builds event sequences.
#[derive(Default)]
pub(crate) struct Log {
    pub(crate) events: Vec<Event>,
}

impl Log {
    pub(crate) fn push(&mut self, e: Event) -> &mut Self {
        self.events.push(e);
        self
    }

    pub(crate) fn start(
        &mut self,
        at: Timestamp,
        c: &str,
        contact: &str,
        ch: ChannelKind,
    ) -> &mut Self {
        self.push(
            Event::new(
                at,
                EventKind::Started {
                    contact: ContactId::new(contact),
                    channel: ch,
                },
            )
            .conversation(ConversationId::new(c)),
        )
    }

    pub(crate) fn msg(&mut self, at: Timestamp, c: &str, from: Party) -> &mut Self {
        self.push(
            Event::new(
                at,
                EventKind::Message {
                    from,
                    channel: ChannelKind::WebChat,
                },
            )
            .conversation(ConversationId::new(c)),
        )
    }

    pub(crate) fn customer(&mut self, at: Timestamp, c: &str) -> &mut Self {
        self.msg(at, c, Party::Customer)
    }

    pub(crate) fn bot(&mut self, at: Timestamp, c: &str) -> &mut Self {
        self.msg(
            at,
            c,
            Party::Bot {
                bot: BotId::new("faq"),
            },
        )
    }

    pub(crate) fn agent_msg(&mut self, at: Timestamp, c: &str, a: &str) -> &mut Self {
        self.msg(
            at,
            c,
            Party::Agent {
                agent: AgentId::new(a),
            },
        )
    }

    /// A transition; `queue` and `agent` are set when given.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn to(
        &mut self,
        at: Timestamp,
        c: &str,
        from: Option<State>,
        to: State,
        reason: Reason,
        queue: Option<&str>,
        agent: Option<&str>,
    ) -> &mut Self {
        let mut e = Event::new(at, EventKind::Transition { from, to, reason })
            .conversation(ConversationId::new(c));
        e.queue = queue.map(QueueId::new);
        e.agent = agent.map(AgentId::new);
        self.push(e)
    }

    /// Straight to a queue at `at`.
    pub(crate) fn queued(&mut self, at: Timestamp, c: &str, q: &str) -> &mut Self {
        self.to(at, c, None, State::Queued, Reason::Routed, Some(q), None)
    }

    /// Accepted by `a` at `at`.
    pub(crate) fn accept(&mut self, at: Timestamp, c: &str, q: &str, a: &str) -> &mut Self {
        self.to(
            at,
            c,
            Some(State::Offered),
            State::WithAgent,
            Reason::Accepted,
            Some(q),
            Some(a),
        )
    }

    /// Closed by the agent `a` at `at`.
    pub(crate) fn close(&mut self, at: Timestamp, c: &str, q: &str, a: &str) -> &mut Self {
        self.to(
            at,
            c,
            Some(State::WithAgent),
            State::Closed,
            Reason::ClosedByAgent,
            Some(q),
            Some(a),
        )
    }

    pub(crate) fn status(&mut self, at: Timestamp, a: &str, p: Presence) -> &mut Self {
        self.push(Event::new(at, EventKind::AgentStatus { status: p }).agent(AgentId::new(a)))
    }

    pub(crate) fn purge(&mut self, at: Timestamp, c: &str) -> &mut Self {
        self.push(Event::new(at, EventKind::Purged).conversation(ConversationId::new(c)))
    }

    pub(crate) fn csat(&mut self, at: Timestamp, c: &str, score: u8) -> &mut Self {
        self.push(Event::new(at, EventKind::Csat { score }).conversation(ConversationId::new(c)))
    }

    /// The events in time order (a stable sort: events at one instant
    /// keep the order they were written in).
    pub(crate) fn sorted(&self) -> Vec<Event> {
        let mut v = self.events.clone();
        v.sort_by_key(|e| e.at);
        v
    }

    /// The report of these events under `settings`.
    pub(crate) fn report(&self, settings: Settings) -> Report {
        aggregate(&self.sorted(), settings).report()
    }
}

pub(crate) fn aggregate(events: &[Event], settings: Settings) -> Metrics {
    let mut m = Metrics::new(settings);
    for e in events {
        m.observe(e).expect("in order");
    }
    m
}

/// Whether two floats agree to 1e-9.
pub(crate) fn close_to(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}
