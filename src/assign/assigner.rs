//! The assigner type: its state, construction, and the lookups every
//! other part of it uses. What it does lives in the files beside this one
//! (see the [module docs](super)).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use super::agent::AgentState;
use super::conversation::Conv;
use super::error::AssignError;
use super::event::AssignEvent;
use super::pool::Pool;
use super::queue::{QueueState, build_queues};
use super::store::{IdTable, Slab};
use super::timers::{LAST_INSTANT, Target};
use crate::config::Config;
use crate::model::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};
use crate::symbols::Symbols;

/// Most relaxation steps a queue uses; later ones are ignored.
pub const MAX_RELAX_STEPS: usize = 32;

/// Settings from `[assignment]`.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) max_missed: u32,
    pub(crate) offline_grace: Duration,
    pub(crate) preferred_wait: Duration,
    pub(crate) fairness: Option<(u32, Duration)>,
    pub(crate) handle_time: Option<Duration>,
}

/// Chooses which agent gets which waiting conversation: the skills and
/// queue assigner.
///
/// It is sans-IO, like the rest of the crate: every call takes `now`, the
/// assigner never reads a clock, and what it decides comes out as
/// [`AssignEvent`]s from [`poll_event`](Assigner::poll_event). Call
/// [`handle_timeout`](Assigner::handle_timeout) at
/// [`poll_timeout`](Assigner::poll_timeout) (offers expire, wrap-up ends,
/// relaxation and overflow steps, business hours); every other call also
/// first runs whatever timers are due. Time never goes backwards: a `now`
/// earlier than one already seen is taken as the later one (and time stops
/// at `u64::MAX / 2` milliseconds, some 292 million years after 1970, so
/// that deadlines always lie ahead of it).
///
/// # What it guarantees
///
/// - **Work-conserving.** After every call, no agent who is available, past
///   wrap-up, under the fairness cap, eligible and with room on the
///   conversation's channel stays without an offer while that conversation
///   waits in an open queue — unless the conversation is waiting for its
///   preferred agent.
/// - **Nothing lost.** A conversation is waiting in exactly one queue,
///   offered (to one agent, or up to `offers` agents under multi-offer), or
///   assigned to one agent, until the host [finishes](Assigner::finish) it.
///   An agent who goes offline or is removed has their offers revoked and
///   their assigned conversations requeued at the front, keeping their
///   original wait (after `[assignment] offline_grace` for going offline).
/// - **Never over capacity.** Offers reserve capacity: an agent is never
///   offered more than their per-channel limits and weighted budget allow.
/// - **Fair order.** Highest effective priority (queue priority + request
///   priority + aging) first, then longest waiting. Agents are chosen by the
///   queue's [`Strategy`](super::Strategy).
///
/// # Snapshots, new configurations, transfers
///
/// [`snapshot`](Assigner::snapshot) and [`restore`](Assigner::restore)
/// store and bring back the whole state exactly (every later call behaves
/// as it would have on the original); [`reconfigure`](Assigner::reconfigure)
/// switches to a new configuration keeping every agent and conversation;
/// [`Request::for_agent`](super::Request::for_agent) directs a
/// conversation to one named agent.
///
/// # Fast with many agents
///
/// Each queue's eligibility is split into the part that reads only the
/// agent (decided when the agent is added or changed) and the rest. Agents
/// meeting an agent-only part sit in an ordered set of ready agents (a
/// pool) ranked by the strategy, so an arriving conversation takes the
/// first suitable agent of its pool without scanning, and an agent who
/// frees up looks only at the heads of the waiting lists of the queues it
/// is eligible for.
///
/// # Examples
///
/// ```
/// use switchboard::assign::{AgentProfile, AssignEvent, Assigner, Capacity, Presence, Request};
/// use switchboard::config::Config;
/// use switchboard::{AgentId, ChannelKind, Ticket, Timestamp};
///
/// let config = Config::from_toml_str(r#"
///     [[queues]]
///     id = "billing"
///     eligible = "agent.skills.billing >= 2 and agent.languages has conversation.lang"
/// "#)?;
/// let t0 = Timestamp::from_millis(0);
/// let mut a = Assigner::new(config.into(), t0);
///
/// let ana = AgentId::new("ana");
/// a.upsert_agent(t0, AgentProfile::new("ana")
///     .with_skill("billing", 3)
///     .with_languages(["es", "en"])
///     .with_capacity(Capacity::new([(ChannelKind::WhatsApp, 2)])))?;
/// a.set_presence(t0, &ana, Presence::Available)?;
///
/// a.enqueue(t0, Request::new("c1", "billing", ChannelKind::WhatsApp).with_lang("es"))?;
/// let Some(AssignEvent::Offered { agent, expires, .. }) = a.poll_event() else { panic!() };
/// assert_eq!(agent, ana);
/// assert_eq!(a.poll_timeout(), Some(expires)); // 30 s to accept
///
/// a.accept(t0, &ana, &Ticket::new("c1"))?;
/// assert!(matches!(a.poll_event(), Some(AssignEvent::Assigned { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Assigner {
    pub(crate) config: Arc<Config>,
    pub(crate) settings: Settings,
    pub(crate) symbols: Symbols,
    /// Channel kinds by interned name, for eligibility facts.
    pub(crate) channel_kinds: HashMap<u32, ChannelKind>,
    pub(crate) agents: Slab<AgentState>,
    pub(crate) agent_index: IdTable,
    pub(crate) convs: Slab<Conv>,
    pub(crate) conv_index: IdTable,
    pub(crate) queues: Vec<QueueState>,
    pub(crate) queue_index: HashMap<QueueId, u32>,
    pub(crate) pools: Vec<Pool>,
    /// Directed requests waiting, by the agent they wait for, in the
    /// order they started waiting for them. Never iterated in an order
    /// that matters.
    pub(crate) directed: HashMap<AgentId, Vec<u32>>,
    pub(crate) timers: BTreeSet<(Timestamp, Target)>,
    pub(crate) events: VecDeque<AssignEvent>,
    pub(crate) seq: u64,
    pub(crate) rotation: u64,
    pub(crate) now: Timestamp,
    /// Reused buffer for ranks before a change.
    pub(crate) scratch: Vec<u64>,
    /// The interned names of the built-in channels, by their bit in a
    /// ready set entry's room mask.
    pub(crate) channel_bits: [u32; 8],
}

impl Settings {
    /// The settings of `config`'s `[assignment]`.
    pub(crate) fn of(config: &Config) -> Settings {
        // Defaults are filled, and ranges checked, when the configuration
        // compiles.
        let a = config.assignment_settings();
        Settings {
            max_missed: a.max_missed_offers,
            offline_grace: a.offline_grace,
            preferred_wait: a.preferred_wait,
            fairness: a.fairness.as_ref().map(|f| (f.max, f.per)),
            handle_time: a.handle_time,
        }
    }
}

impl Assigner {
    /// An assigner for `config`'s queues, with no agents and nothing
    /// waiting, at time `now`.
    pub fn new(config: Arc<Config>, now: Timestamp) -> Assigner {
        let mut me = Assigner {
            settings: Settings::of(&config),
            symbols: Symbols::default(),
            channel_kinds: HashMap::new(),
            agents: Slab::default(),
            agent_index: IdTable::default(),
            convs: Slab::default(),
            conv_index: IdTable::default(),
            queues: Vec::new(),
            queue_index: HashMap::new(),
            pools: Vec::new(),
            directed: HashMap::new(),
            timers: BTreeSet::new(),
            events: VecDeque::new(),
            seq: 0,
            rotation: 0,
            now: now.min(LAST_INSTANT),
            scratch: Vec::new(),
            channel_bits: [0; 8],
            config: config.clone(),
        };
        for (i, ch) in ChannelKind::BUILT_IN.into_iter().enumerate() {
            let n = me.symbols.intern(ch.as_str());
            me.channel_bits[i] = n;
            me.channel_kinds.insert(n, ch);
        }
        let (queues, pools) = build_queues(&config, now, |_| None);
        me.install_queues(queues, pools);
        me
    }

    /// Takes `queues` and `pools` as the assigner's, indexing the queues
    /// and setting their business-hours timers.
    pub(crate) fn install_queues(&mut self, queues: Vec<QueueState>, pools: Vec<Pool>) {
        self.queue_index = queues
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i as u32))
            .collect();
        for (qi, q) in queues.iter().enumerate() {
            if let Some(t) = q.next_change {
                self.timers.insert((t, Target::Queue(qi as u32)));
            }
        }
        self.queues = queues;
        self.pools = pools;
    }

    /// The configuration.
    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// The indexes of every agent (a copy, so the caller may mutate).
    pub(crate) fn live_agents(&self) -> Vec<u32> {
        self.agents.iter().map(|(i, _)| i).collect()
    }

    pub(crate) fn agent_ref(&self, a: u32) -> &AgentState {
        self.agents
            .get(a)
            .expect("agent index refers to a live agent")
    }

    pub(crate) fn agent_mut(&mut self, a: u32) -> &mut AgentState {
        self.agents
            .get_mut(a)
            .expect("agent index refers to a live agent")
    }

    pub(crate) fn conv_ref(&self, c: u32) -> &Conv {
        self.convs
            .get(c)
            .expect("conversation index refers to a live conversation")
    }

    pub(crate) fn conv_mut(&mut self, c: u32) -> &mut Conv {
        self.convs
            .get_mut(c)
            .expect("conversation index refers to a live conversation")
    }

    /// The index of the agent with id `id`.
    pub(crate) fn find_agent(&self, id: &str) -> Option<u32> {
        let agents = &self.agents;
        self.agent_index
            .get(id, |i| agents.get(i).map_or("", |s| s.id.as_str()))
    }

    /// The index of the conversation with ticket `ticket`.
    pub(crate) fn find_conv(&self, ticket: &str) -> Option<u32> {
        let convs = &self.convs;
        self.conv_index
            .get(ticket, |i| convs.get(i).map_or("", |c| c.ticket.as_str()))
    }

    pub(crate) fn agent_idx(&self, agent: &AgentId) -> Result<u32, AssignError> {
        self.find_agent(agent.as_str())
            .ok_or_else(|| AssignError::UnknownAgent(agent.clone()))
    }

    pub(crate) fn conv_idx(&self, ticket: &Ticket) -> Result<u32, AssignError> {
        self.find_conv(ticket.as_str())
            .ok_or_else(|| AssignError::UnknownTicket(ticket.clone()))
    }

    pub(crate) fn emit(&mut self, e: AssignEvent) {
        self.events.push_back(e);
    }

    /// The next event, in the order they happened.
    pub fn poll_event(&mut self) -> Option<AssignEvent> {
        self.events.pop_front()
    }
}
