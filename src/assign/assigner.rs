//! The assigner: agents, queues and the conversations between them.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use super::agent::{AgentProfile, AgentState, AgentView, Presence};
use super::conversation::{Conv, ConvExtra, ConversationStatus, Directed, Phase, Request};
use super::eligibility::Split;
use super::error::AssignError;
use super::estimate::Estimator;
use super::event::{AssignEvent, RevokeReason, UnassignReason};
use super::pool::{MAX_AGENTS, Pool};
use super::queue::{QueueState, Tier};
use super::store::{IdTable, Slab};
use super::strategy::{self, Strategy};
use super::waiting::{MAX_AGING_MS, MAX_PRIORITY, Standing, WaitList};
use crate::config::{
    Config, DEFAULT_MAX_MISSED_OFFERS, DEFAULT_OFFER_TIMEOUT, DEFAULT_PREFERRED_WAIT,
};
use crate::model::{AgentId, ChannelKind, ConversationId, QueueId, Timestamp};
use crate::symbols::Symbols;

/// Most relaxation steps a queue uses; later ones are ignored.
pub const MAX_RELAX_STEPS: usize = 32;

/// The latest time the assigner's clock reaches: the crate's
/// [end of time](Timestamp#the-end-of-time), so that every deadline (`now`
/// plus at least a millisecond, saturating) is still ahead of the clock and
/// timers always move time forward.
pub(crate) const LAST_INSTANT: Timestamp = Timestamp::MAX;

/// What a timer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Target {
    Queue(u32),
    Agent(u32),
    Conv(u32),
}

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
///   queue's [`Strategy`].
///
/// # Snapshots, new configurations, transfers
///
/// [`snapshot`](Assigner::snapshot) and [`restore`](Assigner::restore)
/// store and bring back the whole state exactly (every later call behaves
/// as it would have on the original); [`reconfigure`](Assigner::reconfigure)
/// switches to a new configuration keeping every agent and conversation;
/// [`Request::for_agent`] directs a conversation to one named agent.
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
/// use switchboard::{AgentId, ChannelKind, ConversationId, Timestamp};
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
/// a.accept(t0, &ana, &ConversationId::new("c1"))?;
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
    scratch: Vec<u64>,
    /// The interned names of the built-in channels, by their bit in a
    /// ready set entry's room mask.
    pub(crate) channel_bits: [u32; 8],
}

impl Settings {
    /// The settings of `config`'s `[assignment]`.
    pub(crate) fn of(config: &Config) -> Settings {
        let a = config.assignment();
        Settings {
            max_missed: a
                .max_missed_offers
                .unwrap_or(DEFAULT_MAX_MISSED_OFFERS)
                .max(1),
            offline_grace: a.offline_grace.unwrap_or_default(),
            preferred_wait: a.preferred_wait.unwrap_or(DEFAULT_PREFERRED_WAIT),
            fairness: a
                .fairness
                .as_ref()
                .map(|f| (f.max.max(1), f.per.max(Duration::from_millis(1)))),
            handle_time: a.handle_time,
        }
    }
}

/// The key that tells a host strategy's pools from every other
/// strategy's: its name and address (two host strategies may share a
/// name, or take a built-in's).
pub(crate) fn host_key(strategy: &Arc<dyn Strategy>) -> String {
    format!("host:{}@{:p}", strategy.name(), Arc::as_ptr(strategy))
}

/// The pool of `pools` for `(strategy, condition)`, created when new,
/// with `(queue, tier)` recorded as a user. `strategy_key` identifies the
/// strategy: its name for the built-in ones, [`host_key`] for a host's.
pub(crate) fn pool_for(
    pools: &mut Vec<Pool>,
    strategy: &Arc<dyn Strategy>,
    strategy_key: String,
    condition: Option<crate::expr::Condition>,
    queue: u32,
    tier: u8,
) -> u32 {
    let key = (
        strategy_key,
        condition
            .as_ref()
            .map(|c| c.source().to_owned())
            .unwrap_or_default(),
    );
    if let Some(i) = pools.iter().position(|p| p.key == key) {
        pools[i].users.push((queue, tier));
        return i as u32;
    }
    pools.push(Pool {
        strategy: strategy.clone(),
        condition,
        ready: Default::default(),
        staffed: 0,
        users: vec![(queue, tier)],
        key,
    });
    (pools.len() - 1) as u32
}

/// The run-time queues of `config` at `now`, with empty waiting lists and
/// fresh estimators, and the pools they use (with no agents). `host` gives
/// the host strategy installed for a queue, if any.
pub(crate) fn build_queues(
    config: &Config,
    now: Timestamp,
    host: impl Fn(&QueueId) -> Option<Arc<dyn Strategy>>,
) -> (Vec<QueueState>, Vec<Pool>) {
    let default_wrap_up = config.assignment().wrap_up.unwrap_or_default();
    let ids: HashMap<&str, u32> = config
        .queues()
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_str(), i as u32))
        .collect();
    let mut pools = Vec::new();
    let mut queues = Vec::with_capacity(config.queues().len());
    for (qi, q) in config.queues().iter().enumerate() {
        let spec = &q.spec;
        let host = host(&q.id);
        let (strategy, key) = match &host {
            Some(h) => (h.clone(), host_key(h)),
            None => {
                let s = strategy::built_in(spec.strategy.as_deref(), spec.skill.as_deref());
                let key = s.name().to_owned();
                (s, key)
            }
        };
        let mut steps = vec![(Duration::ZERO, q.eligible.as_ref())];
        steps.extend(
            q.relax
                .iter()
                .take(MAX_RELAX_STEPS)
                .map(|(after, c)| (*after, Some(c))),
        );
        let tiers = steps
            .into_iter()
            .enumerate()
            .map(|(ti, (after, cond))| {
                let split = Split::new(cond, config.schema());
                let pool = pool_for(
                    &mut pools,
                    &strategy,
                    key.clone(),
                    split.agent.clone(),
                    qi as u32,
                    ti as u8,
                );
                Tier {
                    after,
                    pool,
                    rest: split.rest,
                    list: WaitList::default(),
                }
            })
            .collect();
        let calendar = spec
            .calendar
            .as_deref()
            .and_then(|c| config.calendars().get(c))
            .cloned();
        let mut state = QueueState {
            id: q.id.clone(),
            priority: i64::from(spec.priority).clamp(-MAX_PRIORITY, MAX_PRIORITY),
            aging_ms: spec.aging.map(|d| {
                u64::try_from(d.as_millis())
                    .unwrap_or(u64::MAX)
                    .clamp(1, MAX_AGING_MS)
            }),
            tiers,
            overflow: spec.overflow.as_ref().and_then(|o| {
                Some((
                    o.after.max(Duration::from_millis(1)),
                    *ids.get(o.to.as_str())?,
                ))
            }),
            max_size: spec.max_size,
            sla: spec.sla,
            offer_timeout: spec
                .offer_timeout
                .unwrap_or(DEFAULT_OFFER_TIMEOUT)
                .max(Duration::from_millis(1)),
            reply_timeout: spec.reply_timeout.map(|d| d.max(Duration::from_millis(1))),
            offers: spec.offers.unwrap_or(1).clamp(1, 10) as usize,
            wrap_up: spec.wrap_up.unwrap_or(default_wrap_up),
            open: true,
            next_change: None,
            calendar,
            estimator: Estimator::default(),
            host,
        };
        state.update_hours(now);
        queues.push(state);
    }
    (queues, pools)
}

/// Which built-in channels agent `st` has room on, one bit each in the
/// order of `bits`.
pub(crate) fn room_mask(bits: &[u32; 8], st: &AgentState) -> u8 {
    bits.iter()
        .enumerate()
        .filter(|(_, ch)| st.slots.fits(**ch))
        .fold(0, |m, (i, _)| m | (1 << i))
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

    /// Replaces the strategy of `queue` (all its eligibility steps), for a
    /// host-defined [`Strategy`]. Agents are re-ranked, so this is cheapest
    /// before agents are added.
    ///
    /// The strategy stays with the queue across
    /// [`reconfigure`](Assigner::reconfigure) while the queue keeps its id.
    /// A [snapshot](Assigner::snapshot) cannot hold it: after
    /// [`restore`](Assigner::restore), call `set_strategy` again for each
    /// such queue, before any other call (at the snapshot's
    /// [`now`](super::AssignerSnapshot::now) or later); with a strategy that
    /// ranks as the original did, everything then happens as it would have
    /// without the snapshot.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownQueue`].
    pub fn set_strategy(
        &mut self,
        now: Timestamp,
        queue: &QueueId,
        strategy: Arc<dyn Strategy>,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let &qi = self
            .queue_index
            .get(queue)
            .ok_or_else(|| AssignError::UnknownQueue(queue.clone()))?;
        let agents = self.live_agents();
        for &a in &agents {
            self.set_membership(a, false);
        }
        for ti in 0..self.queues[qi as usize].tiers.len() {
            let old = self.queues[qi as usize].tiers[ti].pool;
            let users = &mut self.pools[old as usize].users;
            users.retain(|u| *u != (qi, ti as u8));
            let cond = self.pools[old as usize].condition.clone();
            let key = host_key(&strategy);
            let new = pool_for(&mut self.pools, &strategy, key, cond, qi, ti as u8);
            self.queues[qi as usize].tiers[ti].pool = new;
        }
        self.queues[qi as usize].host = Some(strategy);
        for &a in &agents {
            self.set_membership(a, true);
            self.refresh(a, now);
        }
        for a in agents {
            self.drain_agent(a, now);
        }
        Ok(())
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

    pub(crate) fn emit(&mut self, e: AssignEvent) {
        self.events.push_back(e);
    }

    /// The next event, in the order they happened.
    pub fn poll_event(&mut self) -> Option<AssignEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Assigner::handle_timeout) should next be
    /// called; `None` when no timer can fall due (none is set, or every one
    /// lies past the [end of time](Timestamp::MAX)).
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.timers
            .first()
            .map(|(t, _)| *t)
            .filter(|t| *t <= LAST_INSTANT)
    }

    /// Runs every timer due at or before `now`, each at its own time.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.advance(now);
    }

    /// Takes `now` as the current time (never earlier than the last) and
    /// runs the timers due by then.
    pub(crate) fn advance(&mut self, now: Timestamp) -> Timestamp {
        self.run_timers(now, now)
    }

    /// Runs the timers due at or before `now`, each at its own time, and
    /// takes `now` as the current time.
    ///
    /// `horizon` is the latest time up to which the caller knows nothing
    /// else happens (the engine's next timer, or `now` itself): a queue
    /// whose business hours change more than once before it does not
    /// replay each opening and closing, but takes the hours in force at
    /// the horizon (see [`queue_timer`](Self::queue_timer)). That bounds
    /// the work of a clock that jumps years ahead by the number of timers
    /// pending, not by the length of the jump.
    ///
    /// Terminates: every timer it runs is removed, and every timer a
    /// timer sets is strictly later than the one that set it (deadlines
    /// are `t` plus at least a millisecond, saturating past the clock's
    /// [end](Timestamp::MAX), where they never fall due).
    pub(crate) fn run_timers(&mut self, now: Timestamp, horizon: Timestamp) -> Timestamp {
        let now = now.min(LAST_INSTANT).max(self.now);
        while let Some(&(t, target)) = self.timers.first() {
            if t > now {
                break;
            }
            self.timers.remove(&(t, target));
            self.now = t;
            match target {
                Target::Queue(q) => self.queue_timer(q, t, horizon.max(now)),
                Target::Agent(a) => {
                    if self.agents.get(a).is_some() {
                        self.agent_mut(a).deadline = None;
                        self.agent_timer(a, t);
                    }
                }
                Target::Conv(c) => {
                    if self.convs.get(c).is_some() {
                        self.conv_mut(c).deadline = None;
                        self.conv_timer(c, t);
                    }
                }
            }
        }
        self.now = now;
        now
    }

    // ----- agents -----

    /// Adds an agent (offline until [`set_presence`](Assigner::set_presence))
    /// or replaces an agent's profile, keeping their presence, work and
    /// history. New capacity or eligibility takes effect at once.
    ///
    /// # Errors
    ///
    /// [`AssignError::Profile`] for an invalid profile.
    pub fn upsert_agent(
        &mut self,
        now: Timestamp,
        profile: AgentProfile,
    ) -> Result<(), AssignError> {
        profile.validate()?;
        for (name, value) in &profile.attributes {
            if let Some(&ty) = self.config.spec().agent_attributes.get(name)
                && !ty.admits(value)
            {
                return Err(super::AgentError::AttributeType {
                    name: name.clone(),
                    declared: ty.as_str(),
                    given: value.type_name(),
                }
                .into());
            }
        }
        let now = self.advance(now);
        let a = match self.find_agent(profile.agent.as_str()) {
            Some(a) => {
                self.unready(a);
                self.set_membership(a, false);
                let Assigner {
                    agents, symbols, ..
                } = self;
                if let Some(st) = agents.get_mut(a) {
                    st.update(&profile, symbols);
                }
                a
            }
            None => {
                if self.agents.len() >= MAX_AGENTS {
                    return Err(AssignError::TooManyAgents(MAX_AGENTS));
                }
                let st = AgentState::new(&profile, now, &mut self.symbols);
                let a = self.agents.insert(st);
                let Assigner {
                    agents,
                    agent_index,
                    ..
                } = self;
                agent_index.insert(profile.agent.as_str(), a, |i| {
                    agents.get(i).map_or("", |s| s.id.as_str())
                });
                a
            }
        };
        self.remember_channels(&profile);
        self.set_membership(a, true);
        self.refresh(a, now);
        self.drain_agent(a, now);
        Ok(())
    }

    fn remember_channels(&mut self, profile: &AgentProfile) {
        for ch in profile.capacity.channels.keys() {
            let n = self.symbols.intern(ch.as_str());
            self.channel_kinds.entry(n).or_insert_with(|| ch.clone());
        }
    }

    /// Removes an agent. Their offers are revoked and their conversations
    /// requeued at the front of their queues at once.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownAgent`].
    pub fn remove_agent(&mut self, now: Timestamp, agent: &AgentId) -> Result<(), AssignError> {
        let now = self.advance(now);
        let a = self.agent_idx(agent)?;
        self.set_membership(a, false);
        self.agent_mut(a).presence = Presence::Offline;
        let requeued = self.take_back(a, now, RevokeReason::AgentRemoved, true);
        self.set_agent_timer(a, None);
        let Assigner {
            agents,
            agent_index,
            ..
        } = self;
        agent_index.remove(agent.as_str(), |i| {
            agents.get(i).map_or("", |s| s.id.as_str())
        });
        self.agents.remove(a);
        // The index will be reused: forget that this agent passed on any
        // conversation (a scan, but removals are rare).
        let passed: Vec<u32> = self
            .convs
            .iter()
            .filter(|(_, c)| c.passed().contains(&a))
            .map(|(i, _)| i)
            .collect();
        for c in passed {
            self.conv_mut(c).extra_mut().passed.retain(|x| *x != a);
        }
        for c in requeued {
            self.match_conv(c, now);
        }
        Ok(())
    }

    /// Changes an agent's presence.
    ///
    /// - `Available`: takes new conversations (the backlog is offered at
    ///   once); clears missed offers; cancels an offline grace period.
    /// - `Away`: keeps what they hold, including pending offers, takes
    ///   nothing new.
    /// - `Offline`: pending offers are revoked and requeued at the front;
    ///   assigned conversations are requeued at the front after
    ///   `[assignment] offline_grace` (at once by default) unless the agent
    ///   is back by then.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownAgent`].
    pub fn set_presence(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        presence: Presence,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let a = self.agent_idx(agent)?;
        let was = self.agent_ref(a).presence;
        if was == presence {
            return Ok(());
        }
        self.update_agent(a, now, |st| {
            st.presence = presence;
            if presence == Presence::Available {
                st.missed = 0;
                st.set_grace(None);
                if st.held.is_empty() {
                    st.idle_since = now;
                }
            }
        });
        let mut requeued = Vec::new();
        if presence == Presence::Offline {
            let grace = self.settings.offline_grace;
            requeued = self.take_back(a, now, RevokeReason::AgentOffline, grace.is_zero());
            if !grace.is_zero() && !self.agent_ref(a).held.is_empty() {
                self.agent_mut(a).set_grace(Some(now + grace));
            }
        }
        self.refresh(a, now);
        for c in requeued {
            self.match_conv(c, now);
        }
        self.drain_agent(a, now);
        Ok(())
    }

    /// Keeps the pools' staffed counts when `a` goes from presence `was`
    /// to `now`.
    fn update_staffed(&mut self, a: u32, was: Presence, now: Presence) {
        let (before, after) = (was == Presence::Available, now == Presence::Available);
        if before == after {
            return;
        }
        let pools = self.agent_ref(a).pools.clone();
        for p in pools.iter() {
            let s = &mut self.pools[*p as usize].staffed;
            *s = if after { *s + 1 } else { s.saturating_sub(1) };
        }
    }

    /// Revokes the agent's offers and, when `assigned`, takes back their
    /// assigned conversations; returns the conversations requeued (to be
    /// matched by the caller once the agent is settled).
    fn take_back(&mut self, a: u32, now: Timestamp, why: RevokeReason, assigned: bool) -> Vec<u32> {
        let held = self.agent_ref(a).held.clone();
        let mut requeued = Vec::new();
        for c in held {
            let offered = matches!(self.conv_ref(c).phase, Phase::Offered { .. });
            if offered {
                if self.withdraw_offer(c, a, now, why) {
                    requeued.push(c);
                }
                continue;
            }
            match &self.conv_ref(c).phase {
                Phase::Assigned { .. } if assigned => {
                    let reason = match why {
                        RevokeReason::AgentRemoved => UnassignReason::AgentRemoved,
                        _ => UnassignReason::AgentOffline,
                    };
                    self.unassign(c, now, reason);
                    requeued.push(c);
                }
                _ => {}
            }
        }
        requeued
    }

    /// Removes `a` from the offer of `c`, releasing the reservation; when
    /// no agent is left on the offer the conversation is requeued at the
    /// front (returns true).
    fn withdraw_offer(&mut self, c: u32, a: u32, now: Timestamp, why: RevokeReason) -> bool {
        self.revoke(c, a, now, why);
        if self.take_off_offer(c, a) == Some(0) {
            self.requeue(c, now, true);
            true
        } else {
            false
        }
    }

    /// Releases `a`'s reservation for `c` and tells the host the offer is
    /// withdrawn.
    pub(crate) fn revoke(&mut self, c: u32, a: u32, now: Timestamp, why: RevokeReason) {
        self.release_slot(c, a, now, false);
        self.emit(AssignEvent::OfferRevoked {
            conversation: self.conv_ref(c).id.clone(),
            agent: self.agent_ref(a).id.clone(),
            reason: why,
        });
    }

    /// Removes `a` from the agents `c` is offered to; returns how many are
    /// left (`None` when `c` is not offered).
    fn take_off_offer(&mut self, c: u32, a: u32) -> Option<usize> {
        match &mut self.conv_mut(c).phase {
            Phase::Offered { agents, .. } => {
                let v: Vec<u32> = agents.iter().copied().filter(|x| *x != a).collect();
                *agents = v.into();
                Some(agents.len())
            }
            _ => None,
        }
    }

    /// Takes an assigned conversation from its agent and requeues it at the
    /// front.
    fn unassign(&mut self, c: u32, now: Timestamp, reason: UnassignReason) {
        let Phase::Assigned { agent, .. } = self.conv_ref(c).phase else {
            return;
        };
        self.release_slot(c, agent, now, false);
        self.emit(AssignEvent::Unassigned {
            conversation: self.conv_ref(c).id.clone(),
            agent: self.agent_ref(agent).id.clone(),
            reason,
        });
        self.requeue(c, now, true);
    }

    /// Frees the capacity `c` takes on agent `a`; `wrap_up` starts the
    /// queue's wrap-up time (a conversation that ended).
    pub(crate) fn release_slot(&mut self, c: u32, a: u32, now: Timestamp, wrap_up: bool) {
        let (channel, q) = {
            let conv = self.conv_ref(c);
            (conv.channel, conv.queue)
        };
        let wrap = if wrap_up {
            self.queues[q as usize].wrap_up
        } else {
            Duration::ZERO
        };
        self.update_agent(a, now, |st| {
            st.slots.remove(channel);
            st.held.retain(|x| *x != c);
            if wrap_up {
                st.wrap_up_until = st.wrap_up_until.max(now + wrap);
            }
            if st.held.is_empty() {
                st.idle_since = now;
            }
        });
    }

    /// The index of the agent with id `id`.
    pub(crate) fn find_agent(&self, id: &str) -> Option<u32> {
        let agents = &self.agents;
        self.agent_index
            .get(id, |i| agents.get(i).map_or("", |s| s.id.as_str()))
    }

    /// The index of the conversation with id `id`.
    pub(crate) fn find_conv(&self, id: &str) -> Option<u32> {
        let convs = &self.convs;
        self.conv_index
            .get(id, |i| convs.get(i).map_or("", |c| c.id.as_str()))
    }

    pub(crate) fn agent_idx(&self, agent: &AgentId) -> Result<u32, AssignError> {
        self.find_agent(agent.as_str())
            .ok_or_else(|| AssignError::UnknownAgent(agent.clone()))
    }

    pub(crate) fn conv_idx(&self, conv: &ConversationId) -> Result<u32, AssignError> {
        self.find_conv(conv.as_str())
            .ok_or_else(|| AssignError::UnknownConversation(conv.clone()))
    }

    /// Adds `a` to (`on`) or removes it from the pools whose agent-only
    /// condition it meets, keeping the staffed counts.
    pub(crate) fn set_membership(&mut self, a: u32, on: bool) {
        if !on {
            self.unready(a);
            let st = self.agent_mut(a);
            let pools = std::mem::take(&mut st.pools);
            let available = st.presence == Presence::Available;
            if available {
                for p in pools.iter() {
                    let s = &mut self.pools[*p as usize].staffed;
                    *s = s.saturating_sub(1);
                }
            }
            return;
        }
        let now = self.now;
        let st = self.agent_ref(a);
        let facts = crate::expr::Facts::new(now).with_interned_agent(st.facts(&self.symbols));
        let calendars = self.config.calendars();
        let member: Vec<u32> = self
            .pools
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.condition
                    .as_ref()
                    .is_none_or(|c| c.evaluate(&facts, calendars))
            })
            .map(|(i, _)| i as u32)
            .collect();
        let available = st.presence == Presence::Available;
        if available {
            for p in &member {
                self.pools[*p as usize].staffed += 1;
            }
        }
        self.agent_mut(a).pools = member.into();
    }

    /// Whether `a` may be offered work at `now`.
    pub(crate) fn is_ready(&self, a: u32, now: Timestamp) -> bool {
        let st = self.agent_ref(a);
        st.presence == Presence::Available
            && now >= st.wrap_up_until
            && st.slots.any_fits()
            && !self.capped(st, now)
    }

    /// Under the fairness cap: as many assignments in the window, counting
    /// pending offers, as allowed.
    pub(crate) fn capped(&self, st: &AgentState, now: Timestamp) -> bool {
        let Some((max, per)) = self.settings.fairness else {
            return false;
        };
        let recent = st
            .recent()
            .iter()
            .filter(|t| now.saturating_duration_since(**t) < per)
            .count();
        let offered = st
            .held
            .iter()
            .filter(|c| matches!(self.conv_ref(**c).phase, Phase::Offered { .. }))
            .count();
        recent + offered >= max as usize
    }

    /// Takes `a` out of every ready set.
    pub(crate) fn unready(&mut self, a: u32) {
        let Assigner {
            agents,
            pools,
            symbols,
            channel_bits,
            ..
        } = self;
        let Some(st) = agents.get_mut(a) else {
            return;
        };
        if !std::mem::take(&mut st.ready) {
            return;
        }
        let room = room_mask(channel_bits, st);
        let view = AgentView { state: st, symbols };
        for p in st.pools.iter() {
            let pool = &mut pools[*p as usize];
            pool.ready.remove(pool.strategy.rank(&view), a, room);
        }
    }

    /// Changes agent `a` with `f` and brings its place in the ready sets
    /// up to date: in them, at its new rank, exactly when ready; entries
    /// whose rank did not change stay put. Also keeps the pools' staffed
    /// counts and sets the agent's timer.
    ///
    /// Every change to what a strategy can see goes through here: the
    /// ready sets are keyed by rank, so the old rank must be computed from
    /// the state before the change.
    pub(crate) fn update_agent<R>(
        &mut self,
        a: u32,
        now: Timestamp,
        f: impl FnOnce(&mut AgentState) -> R,
    ) -> R {
        let mut old = std::mem::take(&mut self.scratch);
        old.clear();
        let old_room = room_mask(&self.channel_bits, self.agent_ref(a));
        {
            let st = self.agent_ref(a);
            if st.ready {
                let view = AgentView {
                    state: st,
                    symbols: &self.symbols,
                };
                old.extend(
                    st.pools
                        .iter()
                        .map(|p| self.pools[*p as usize].strategy.rank(&view)),
                );
            }
        }
        let (was_ready, was_present) = {
            let st = self.agent_ref(a);
            (st.ready, st.presence)
        };
        let r = f(self.agent_mut(a));
        self.update_staffed(a, was_present, self.agent_ref(a).presence);
        if self.agent_ref(a).over_ok && !self.agent_ref(a).slots.over() {
            self.agent_mut(a).over_ok = false;
        }
        let ready = self.is_ready(a, now);
        let Assigner {
            agents,
            pools,
            symbols,
            channel_bits,
            ..
        } = self;
        if let Some(st) = agents.get_mut(a) {
            let room = room_mask(channel_bits, st);
            let view = AgentView { state: st, symbols };
            for (i, p) in st.pools.iter().enumerate() {
                let pool = &mut pools[*p as usize];
                let new = ready.then(|| (pool.strategy.rank(&view), room));
                let before = if was_ready {
                    old.get(i).map(|r| (*r, old_room))
                } else {
                    None
                };
                if before == new {
                    continue;
                }
                if let Some((r, m)) = before {
                    pool.ready.remove(r, a, m);
                }
                if let Some((r, m)) = new {
                    pool.ready.insert(r, a, m);
                }
            }
            st.ready = ready;
        }
        self.scratch = old;
        let deadline = self.agent_deadline(a, now);
        self.set_agent_timer(a, deadline);
        r
    }

    /// [`update_agent`](Self::update_agent) with no change: readiness may
    /// have changed with time (wrap-up over, fairness window moved).
    pub(crate) fn refresh(&mut self, a: u32, now: Timestamp) {
        self.update_agent(a, now, |_| ());
    }

    pub(crate) fn agent_deadline(&self, a: u32, now: Timestamp) -> Option<Timestamp> {
        let st = self.agent_ref(a);
        let mut next: Option<Timestamp> = st.grace_until();
        let mut at = |t: Timestamp| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        if st.presence == Presence::Available {
            at(st.wrap_up_until);
            if let Some((_, per)) = self.settings.fairness
                && self.capped(st, now)
            {
                // The earliest in-window assignment leaves the window.
                if let Some(t) = st
                    .recent()
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) < per)
                    .min()
                {
                    at(*t + per);
                }
            }
        }
        next
    }

    fn set_agent_timer(&mut self, a: u32, t: Option<Timestamp>) {
        let st = self.agent_mut(a);
        let old = st.deadline();
        st.deadline = t.and_then(|t| std::num::NonZeroU64::new(t.as_millis()));
        let new = st.deadline();
        self.move_timer(Target::Agent(a), old, new);
    }

    pub(crate) fn set_conv_timer(&mut self, c: u32, t: Option<Timestamp>) {
        let old = std::mem::replace(&mut self.conv_mut(c).deadline, t);
        self.move_timer(Target::Conv(c), old, t);
    }

    /// Moves `target`'s entry in the timer set from `old` to `new`.
    fn move_timer(&mut self, target: Target, old: Option<Timestamp>, new: Option<Timestamp>) {
        if old == new {
            return;
        }
        if let Some(o) = old {
            self.timers.remove(&(o, target));
        }
        if let Some(n) = new {
            self.timers.insert((n, target));
        }
    }

    fn agent_timer(&mut self, a: u32, now: Timestamp) {
        // Offline grace over: take back what is still assigned.
        if self.agent_ref(a).grace_until().is_some_and(|g| g <= now) {
            self.agent_mut(a).set_grace(None);
            if self.agent_ref(a).presence == Presence::Offline {
                let requeued = self.take_back(a, now, RevokeReason::AgentOffline, true);
                self.refresh(a, now);
                for c in requeued {
                    self.match_conv(c, now);
                }
                return;
            }
        }
        // Forget assignments that left the fairness window.
        if let Some((_, per)) = self.settings.fairness {
            self.agent_mut(a)
                .recent_mut()
                .retain(|t| now.saturating_duration_since(*t) < per);
        }
        self.refresh(a, now);
        self.drain_agent(a, now);
    }

    // ----- conversations -----

    /// Places a conversation in a queue. It is offered at once when an
    /// eligible agent is ready; otherwise it waits, and the status says
    /// where and for about how long. A request
    /// [directed](Request::for_agent) to one agent is offered to that agent
    /// only.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownQueue`], [`AssignError::AlreadyQueued`],
    /// [`AssignError::UnknownAgent`] for a request directed to an unknown
    /// agent, or [`AssignError::QueueFull`] when the queue holds its
    /// `max_size` (directed requests are not counted or limited).
    pub fn enqueue(
        &mut self,
        now: Timestamp,
        req: Request,
    ) -> Result<ConversationStatus, AssignError> {
        let now = self.advance(now);
        let &q = self
            .queue_index
            .get(&req.queue)
            .ok_or_else(|| AssignError::UnknownQueue(req.queue.clone()))?;
        if self.find_conv(req.conversation.as_str()).is_some() {
            return Err(AssignError::AlreadyQueued(req.conversation));
        }
        let queue = &self.queues[q as usize];
        if let Some(agent) = &req.for_agent {
            self.agent_idx(agent)?;
        } else if let Some(limit) = queue.max_size
            && !req.admitted
            && queue.waiting() >= limit
        {
            return Err(AssignError::QueueFull {
                queue: req.queue,
                limit,
            });
        }
        let channel = self.symbols.intern(req.channel.as_str());
        self.channel_kinds
            .entry(channel)
            .or_insert_with(|| req.channel.clone());
        let lang = req.lang.as_deref().map(|l| self.symbols.intern(l));
        let directed = req.for_agent.map(|agent| Directed {
            agent,
            missed: false,
        });
        // A directed request waits for its agent only.
        let preferred = req.preferred.filter(|_| directed.is_none()).map(|p| {
            let wait = req.preferred_wait.unwrap_or(self.settings.preferred_wait);
            (p, now + wait)
        });
        let extra = (!req.contact.is_empty()
            || !req.tags.is_empty()
            || preferred.is_some()
            || directed.is_some()
            || req.exclude.is_some())
        .then(|| {
            Box::new(ConvExtra {
                contact: req.contact,
                tags: req.tags,
                preferred,
                passed: Vec::new(),
                directed,
                excluded: req.exclude,
            })
        });
        self.seq += 1;
        let queue = &self.queues[q as usize];
        let standing = Standing {
            front: false,
            priority: (queue.priority + i64::from(req.priority)).clamp(-MAX_PRIORITY, MAX_PRIORITY),
            enqueued: req.waiting_since.map_or(now, |t| t.min(now)),
            seq: self.seq,
        };
        let conv = Conv {
            id: req.conversation.clone(),
            queue: q,
            channel,
            lang,
            own_priority: req.priority,
            standing,
            entered: now,
            phase: Phase::Waiting {
                tier: 0,
                key: standing.key(None),
            },
            extra,
            deadline: None,
        };
        let c = self.convs.insert(conv);
        let Assigner {
            convs, conv_index, ..
        } = self;
        conv_index.insert(req.conversation.as_str(), c, |i| {
            convs.get(i).map_or("", |c| c.id.as_str())
        });
        self.place(c, now);
        self.match_conv(c, now);
        Ok(self.status(c, now))
    }

    /// Puts a conversation that is not in any list into its queue's list
    /// for the step in force (or with the requests directed to its agent),
    /// and sets its timer.
    pub(crate) fn place(&mut self, c: u32, now: Timestamp) {
        let conv = self.conv_ref(c);
        let (q, entered, directed) = (conv.queue as usize, conv.entered, conv.directed().is_some());
        let queue = &mut self.queues[q];
        let tier = if directed {
            0
        } else {
            if queue.waiting() == 0 && queue.open {
                queue.estimator.backlog_starts(now);
            }
            queue.tier_at(entered, now)
        };
        self.insert_waiting(c, tier);
        self.update_conv_timer(c, now);
    }

    /// Puts conversation `c`, in no list, into step `tier`'s waiting list
    /// of its queue (a directed request: with the requests directed to its
    /// agent) and marks it waiting; nothing else. `tier` must be a step of
    /// the queue.
    pub(crate) fn insert_waiting(&mut self, c: u32, tier: u8) {
        let Assigner {
            convs,
            queues,
            directed,
            ..
        } = self;
        let Some(conv) = convs.get_mut(c) else {
            return;
        };
        let queue = &mut queues[conv.queue as usize];
        let key = conv.standing.key(queue.aging_ms);
        match conv.extra.as_ref().and_then(|e| e.directed.as_ref()) {
            Some(d) => match directed.get_mut(&d.agent) {
                Some(list) => list.push(c),
                None => {
                    directed.insert(d.agent.clone(), vec![c]);
                }
            },
            None => queue.tiers[tier as usize].list.insert(key, c),
        }
        conv.phase = Phase::Waiting { tier, key };
    }

    /// Takes a waiting conversation out of its list.
    pub(crate) fn unplace(&mut self, c: u32) {
        let Assigner {
            convs,
            queues,
            directed,
            ..
        } = self;
        let Some(conv) = convs.get(c) else {
            return;
        };
        if let Phase::Waiting { tier, key } = conv.phase {
            if let Some(d) = conv.extra.as_ref().and_then(|e| e.directed.as_ref()) {
                if let Some(list) = directed.get_mut(&d.agent) {
                    list.retain(|x| *x != c);
                    if list.is_empty() {
                        directed.remove(&d.agent);
                    }
                }
                return;
            }
            let q = conv.queue as usize;
            queues[q].tiers[tier as usize].list.remove(&key);
            if queues[q].waiting() == 0 {
                queues[q].estimator.backlog_ends();
            }
        }
    }

    /// Back to waiting in its queue (an offer missed or revoked, an agent
    /// gone), keeping its original wait; `front` puts it ahead of everyone.
    pub(crate) fn requeue(&mut self, c: u32, now: Timestamp, front: bool) {
        self.conv_mut(c).standing.front |= front;
        self.place(c, now);
        let conv = self.conv_ref(c);
        self.emit(AssignEvent::Requeued {
            conversation: conv.id.clone(),
            queue: self.queues[conv.queue as usize].id.clone(),
            front: conv.standing.front,
        });
    }

    /// The conversation's next deadline for its phase.
    pub(crate) fn conv_deadline(&self, c: u32, now: Timestamp) -> Option<Timestamp> {
        let conv = self.conv_ref(c);
        match &conv.phase {
            Phase::Waiting { tier, .. } => {
                // A directed request neither relaxes nor overflows.
                if conv.extra.is_some() && conv.directed().is_some() {
                    return None;
                }
                let q = &self.queues[conv.queue as usize];
                let mut next: Option<Timestamp> = None;
                let mut at = |t: Timestamp| next = Some(next.map_or(t, |n| n.min(t)));
                if let Some(t) = q.tiers.get(*tier as usize + 1) {
                    at(conv.entered + t.after);
                }
                if let Some((after, _)) = q.overflow {
                    at(conv.entered + after);
                }
                if let Some(e) = &conv.extra
                    && let Some((_, until)) = &e.preferred
                {
                    at(*until);
                }
                next.map(|t| t.max(now))
            }
            Phase::Offered { until, .. } => Some(*until),
            Phase::Assigned { reply_due, .. } => *reply_due,
        }
    }

    pub(crate) fn update_conv_timer(&mut self, c: u32, now: Timestamp) {
        let t = self.conv_deadline(c, now);
        self.set_conv_timer(c, t);
    }

    /// The agent accepts an offer: the conversation is theirs, and any
    /// other offers of it (multi-offer) are revoked.
    ///
    /// Accepting twice is harmless: a second accept by the agent who holds
    /// the conversation succeeds and changes nothing.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownAgent`], [`AssignError::UnknownConversation`],
    /// or [`AssignError::NotOffered`] when the offer expired, was taken by
    /// another agent or never existed.
    pub fn accept(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        conversation: &ConversationId,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let a = self.agent_idx(agent)?;
        let c = self.conv_idx(conversation)?;
        let others: Vec<u32> = match &self.conv_ref(c).phase {
            Phase::Offered { agents, .. } if agents.contains(&a) => {
                agents.iter().copied().filter(|x| *x != a).collect()
            }
            Phase::Assigned { agent: holder, .. } if *holder == a => return Ok(()),
            _ => {
                return Err(AssignError::NotOffered {
                    conversation: conversation.clone(),
                    agent: agent.clone(),
                });
            }
        };
        let q = self.conv_ref(c).queue as usize;
        let reply_due = self.queues[q].reply_timeout.map(|d| now + d);
        self.conv_mut(c).phase = Phase::Assigned {
            agent: a,
            since: now,
            reply_due,
        };
        // A directed request did not wait in the queue's shared line: no
        // departure from it. Its direction ends here.
        let mut directed = false;
        if let Some(e) = self.conv_mut(c).extra.as_mut() {
            e.preferred = None;
            e.passed.clear();
            directed = e.directed.take().is_some();
        }
        self.update_conv_timer(c, now);
        if !directed {
            let still_waiting = self.queues[q].waiting() > 0 && self.queues[q].open;
            self.queues[q].estimator.departure(now, still_waiting);
        }
        {
            let fairness = self.settings.fairness.is_some();
            self.update_agent(a, now, |st| {
                st.missed = 0;
                if fairness {
                    st.recent_mut().push(now);
                }
            });
        }
        self.emit(AssignEvent::Assigned {
            conversation: conversation.clone(),
            agent: agent.clone(),
            queue: self.queues[q].id.clone(),
        });
        for o in others {
            self.revoke(c, o, now, RevokeReason::Taken);
            self.drain_agent(o, now);
        }
        Ok(())
    }

    /// The agent declines an offer. The conversation keeps its place and
    /// goes to the next eligible agent; the agent who declined is offered
    /// it again only when nobody else can take it. A decline does not
    /// count as a missed offer.
    ///
    /// # Errors
    ///
    /// As for [`accept`](Assigner::accept).
    pub fn decline(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        conversation: &ConversationId,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let a = self.agent_idx(agent)?;
        let c = self.conv_idx(conversation)?;
        match &self.conv_ref(c).phase {
            Phase::Offered { agents, .. } if agents.contains(&a) => {}
            _ => {
                return Err(AssignError::NotOffered {
                    conversation: conversation.clone(),
                    agent: agent.clone(),
                });
            }
        }
        self.miss(c, a, now, super::event::MissReason::Declined);
        self.after_miss(c, now);
        self.drain_agent(a, now);
        Ok(())
    }

    /// Takes `a` off the offer of `c` as missed (declined or expired).
    fn miss(&mut self, c: u32, a: u32, now: Timestamp, reason: super::event::MissReason) {
        self.release_slot(c, a, now, false);
        {
            let e = self.conv_mut(c).extra_mut();
            if !e.passed.contains(&a) {
                e.passed.push(a);
            }
            // A directed request is never offered again.
            if let Some(d) = e.directed.as_mut() {
                d.missed = true;
            }
            self.take_off_offer(c, a);
        }
        self.emit(AssignEvent::OfferMissed {
            conversation: self.conv_ref(c).id.clone(),
            agent: self.agent_ref(a).id.clone(),
            reason,
        });
        // The preferred agent passing on it ends the wait for them.
        let id = self.agent_ref(a).id.clone();
        let e = self.conv_mut(c).extra_mut();
        if e.preferred.as_ref().is_some_and(|(p, _)| *p == id) {
            e.preferred = None;
            self.emit(AssignEvent::PreferenceExpired {
                conversation: self.conv_ref(c).id.clone(),
                agent: id,
            });
        }
        if reason == super::event::MissReason::Expired {
            let max = self.settings.max_missed;
            let (missed, away) = self.update_agent(a, now, |st| {
                st.missed = st.missed.saturating_add(1);
                let away = u32::from(st.missed) >= max && st.presence == Presence::Available;
                if away {
                    st.presence = Presence::Away;
                }
                (u32::from(st.missed), away)
            });
            if away {
                self.emit(AssignEvent::AgentAway {
                    agent: self.agent_ref(a).id.clone(),
                    missed,
                });
            }
        }
    }

    /// After a miss: when nobody holds the offer any more, requeue (keeping
    /// its place) and offer it on.
    fn after_miss(&mut self, c: u32, now: Timestamp) {
        let empty =
            matches!(&self.conv_ref(c).phase, Phase::Offered { agents, .. } if agents.is_empty());
        if empty {
            self.requeue(c, now, false);
            self.match_conv(c, now);
        }
    }

    /// The agent replied: the reply timer, if any, stops.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownConversation`], or
    /// [`AssignError::NotAssigned`] when no agent has it.
    pub fn agent_replied(
        &mut self,
        now: Timestamp,
        conversation: &ConversationId,
    ) -> Result<(), AssignError> {
        self.set_reply_due(now, conversation, |_, _, _| None)
    }

    /// The customer wrote to an assigned conversation: when the queue has a
    /// `reply_timeout` and no reply is already awaited, the agent has that
    /// long to reply before the conversation is offered to another agent.
    ///
    /// # Errors
    ///
    /// As for [`agent_replied`](Assigner::agent_replied).
    pub fn customer_wrote(
        &mut self,
        now: Timestamp,
        conversation: &ConversationId,
    ) -> Result<(), AssignError> {
        self.set_reply_due(now, conversation, |due, timeout, now| {
            due.or_else(|| timeout.map(|d| now + d))
        })
    }

    /// Sets an assigned conversation's reply deadline to
    /// `f(current deadline, the queue's reply_timeout, now)`.
    fn set_reply_due(
        &mut self,
        now: Timestamp,
        conversation: &ConversationId,
        f: impl FnOnce(Option<Timestamp>, Option<Duration>, Timestamp) -> Option<Timestamp>,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let c = self.conv_idx(conversation)?;
        let q = self.conv_ref(c).queue as usize;
        let timeout = self.queues[q].reply_timeout;
        match &mut self.conv_mut(c).phase {
            Phase::Assigned { reply_due, .. } => *reply_due = f(*reply_due, timeout, now),
            _ => return Err(AssignError::NotAssigned(conversation.clone())),
        }
        self.update_conv_timer(c, now);
        Ok(())
    }

    /// The conversation leaves the assigner: closed, abandoned by the
    /// customer, handed back to a bot or transferred (enqueue it again
    /// afterwards). Offers are revoked; an assigned agent's capacity is
    /// freed after the queue's wrap-up. Returns where it stood.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownConversation`].
    pub fn finish(
        &mut self,
        now: Timestamp,
        conversation: &ConversationId,
    ) -> Result<ConversationStatus, AssignError> {
        let now = self.advance(now);
        let c = self.conv_idx(conversation)?;
        let status = self.status(c, now);
        self.set_conv_timer(c, None);
        let mut freed = Vec::new();
        match self.conv_ref(c).phase.clone() {
            Phase::Waiting { .. } => self.unplace(c),
            Phase::Offered { agents, .. } => {
                for a in agents.iter().copied() {
                    self.revoke(c, a, now, RevokeReason::Withdrawn);
                    freed.push(a);
                }
            }
            Phase::Assigned { agent, since, .. } => {
                let q = self.conv_ref(c).queue as usize;
                self.queues[q]
                    .estimator
                    .handled(now.saturating_duration_since(since));
                self.release_slot(c, agent, now, true);
                freed.push(agent);
            }
        }
        let Assigner {
            convs, conv_index, ..
        } = self;
        conv_index.remove(conversation.as_str(), |i| {
            convs.get(i).map_or("", |c| c.id.as_str())
        });
        self.convs.remove(c);
        for a in freed {
            self.drain_agent(a, now);
        }
        Ok(status)
    }

    fn conv_timer(&mut self, c: u32, now: Timestamp) {
        match self.conv_ref(c).phase.clone() {
            Phase::Offered { agents, until } => {
                if until <= now {
                    for a in agents.iter().copied() {
                        self.miss(c, a, now, super::event::MissReason::Expired);
                    }
                    self.after_miss(c, now);
                    for a in agents.iter().copied() {
                        if self.agents.get(a).is_some() {
                            self.drain_agent(a, now);
                        }
                    }
                } else {
                    self.update_conv_timer(c, now);
                }
            }
            Phase::Assigned {
                reply_due, agent, ..
            } => {
                if reply_due.is_some_and(|t| t <= now) {
                    self.conv_mut(c).extra_mut().passed.push(agent);
                    self.unassign(c, now, UnassignReason::ReplyTimeout);
                    self.match_conv(c, now);
                    self.drain_agent(agent, now);
                } else {
                    self.update_conv_timer(c, now);
                }
            }
            Phase::Waiting { tier, .. } => self.waiting_timer(c, tier, now),
        }
    }

    /// Preference expiry, overflow and relaxation of a waiting conversation.
    fn waiting_timer(&mut self, c: u32, tier: u8, now: Timestamp) {
        let conv = self.conv_ref(c);
        let q = conv.queue as usize;
        let entered = conv.entered;
        // The preferred agent's time is up.
        let expired = conv
            .extra
            .as_ref()
            .and_then(|e| e.preferred.as_ref())
            .filter(|(_, until)| *until <= now)
            .map(|(a, _)| a.clone());
        if let Some(agent) = expired {
            self.conv_mut(c).extra_mut().preferred = None;
            self.emit(AssignEvent::PreferenceExpired {
                conversation: self.conv_ref(c).id.clone(),
                agent,
            });
        }
        if let Some((after, to)) = self.queues[q].overflow
            && now.saturating_duration_since(entered) >= after
        {
            self.unplace(c);
            let from = self.queues[q].id.clone();
            let (to_priority, to_id) = {
                let to_q = &self.queues[to as usize];
                (to_q.priority, to_q.id.clone())
            };
            let conv = self.conv_mut(c);
            conv.queue = to;
            conv.entered = now;
            conv.standing.priority =
                (to_priority + i64::from(conv.own_priority)).clamp(-MAX_PRIORITY, MAX_PRIORITY);
            let id = conv.id.clone();
            self.place(c, now);
            self.emit(AssignEvent::Overflowed {
                conversation: id,
                from,
                to: to_id,
            });
            self.match_conv(c, now);
            return;
        }
        let new_tier = self.queues[q].tier_at(entered, now);
        if new_tier != tier {
            self.unplace(c);
            self.place(c, now);
            self.emit(AssignEvent::Relaxed {
                conversation: self.conv_ref(c).id.clone(),
                queue: self.queues[q].id.clone(),
                step: new_tier as usize,
            });
        } else {
            self.update_conv_timer(c, now);
        }
        self.match_conv(c, now);
    }

    /// A queue's business hours may have changed at `now`.
    ///
    /// When the next change is due no later than `horizon` and before any
    /// other timer of the assigner, nothing can happen in between but
    /// openings and closings of this queue: the timer then moves straight
    /// to the last of those instants, where the queue takes the hours in
    /// force, instead of opening and closing once per day of a long jump
    /// of the clock. Driven at every [`poll_timeout`](Self::poll_timeout),
    /// the horizon is the timer's own time and every change runs on time.
    fn queue_timer(&mut self, q: u32, now: Timestamp, horizon: Timestamp) {
        let changed = self.queues[q as usize].update_hours(now);
        if let Some(mut t) = self.queues[q as usize].next_change {
            let limit = self
                .timers
                .iter()
                .find(|(_, target)| !matches!(target, Target::Queue(_)))
                .map_or(horizon, |(other, _)| (*other).min(horizon));
            if t <= limit {
                t = limit;
                self.queues[q as usize].next_change = Some(t);
            }
            self.timers.insert((t, Target::Queue(q)));
        }
        if !changed {
            return;
        }
        let queue = &mut self.queues[q as usize];
        let id = queue.id.clone();
        if queue.open {
            if queue.waiting() > 0 {
                queue.estimator.backlog_starts(now);
            }
            self.emit(AssignEvent::QueueOpened { queue: id });
            self.drain_queue(q, now);
        } else {
            queue.estimator.backlog_ends();
            let opens = queue.calendar.as_ref().and_then(|c| c.next_open(now));
            self.emit(AssignEvent::QueueClosed { queue: id, opens });
        }
    }

    // ----- queries -----

    /// Where a conversation stands, with its position and estimated wait
    /// when waiting; `None` when the assigner does not hold it.
    pub fn conversation(
        &self,
        conversation: &ConversationId,
        now: Timestamp,
    ) -> Option<ConversationStatus> {
        let c = self.find_conv(conversation.as_str())?;
        Some(self.status(c, now.max(self.now)))
    }

    pub(crate) fn status(&self, c: u32, now: Timestamp) -> ConversationStatus {
        let conv = self.conv_ref(c);
        let queue = &self.queues[conv.queue as usize];
        match &conv.phase {
            Phase::Waiting { .. } if conv.directed().is_some() => {
                // Its place among the requests directed to the same agent.
                let ahead = conv
                    .directed()
                    .and_then(|d| self.directed.get(&d.agent))
                    .map_or(0, |list| {
                        list.iter()
                            .filter(|&&x| x != c && self.serves_before((false, x), (false, c), now))
                            .count()
                    });
                ConversationStatus::Waiting {
                    queue: queue.id.clone(),
                    position: 1 + ahead,
                    estimate: None,
                    open: true,
                    opens: None,
                    since: conv.standing.enqueued,
                }
            }
            Phase::Waiting { tier, key } => {
                let position = 1 + queue
                    .tiers
                    .iter()
                    .map(|t| t.list.ahead_of(key))
                    .sum::<usize>();
                let staffed = self.pools[queue.tiers[*tier as usize].pool as usize].staffed;
                // While closed, the queue's next change is its opening.
                let opens = if queue.open { None } else { queue.next_change };
                let mut estimate =
                    queue
                        .estimator
                        .estimate(position, staffed, self.settings.handle_time);
                if let (Some(e), Some(o)) = (estimate.as_mut(), opens) {
                    *e += o.saturating_duration_since(now);
                }
                ConversationStatus::Waiting {
                    queue: queue.id.clone(),
                    position,
                    estimate,
                    open: queue.open,
                    opens,
                    since: conv.standing.enqueued,
                }
            }
            Phase::Offered { agents, until } => ConversationStatus::Offered {
                queue: queue.id.clone(),
                agents: agents
                    .iter()
                    .map(|a| self.agent_ref(*a).id.clone())
                    .collect(),
                expires: *until,
            },
            Phase::Assigned { agent, since, .. } => ConversationStatus::Assigned {
                queue: queue.id.clone(),
                agent: self.agent_ref(*agent).id.clone(),
                since: *since,
            },
        }
    }

    /// An agent, if known.
    pub fn agent(&self, agent: &AgentId) -> Option<AgentView<'_>> {
        let a = self.find_agent(agent.as_str())?;
        Some(AgentView {
            state: self.agent_ref(a),
            symbols: &self.symbols,
        })
    }

    /// Every agent, in no particular order.
    pub fn agents(&self) -> impl Iterator<Item = AgentView<'_>> {
        self.agents.iter().map(|(_, state)| AgentView {
            state,
            symbols: &self.symbols,
        })
    }

    /// The conversations offered or assigned to an agent.
    pub fn conversations_of(&self, agent: &AgentId) -> Vec<&ConversationId> {
        self.agent(agent)
            .map(|v| v.held().iter().map(|c| &self.conv_ref(*c).id).collect())
            .unwrap_or_default()
    }

    /// The conversations waiting in a queue, in service order; `None` for
    /// an unknown queue.
    pub fn waiting(&self, queue: &QueueId) -> Option<Vec<&ConversationId>> {
        let q = &self.queues[*self.queue_index.get(queue)? as usize];
        let mut all: Vec<(super::waiting::WaitKey, u32)> = Vec::with_capacity(q.waiting());
        for t in &q.tiers {
            for c in t.list.iter() {
                if let Phase::Waiting { key, .. } = self.conv_ref(c).phase {
                    all.push((key, c));
                }
            }
        }
        all.sort_unstable();
        Some(all.into_iter().map(|(_, c)| &self.conv_ref(c).id).collect())
    }

    /// A queue's current figures, as of the last call; `None` for an
    /// unknown queue.
    ///
    /// ```
    /// use switchboard::assign::{Assigner, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{ChannelKind, QueueId, Timestamp};
    /// use std::time::Duration;
    ///
    /// let config = Config::from_toml_str("[[queues]]\nid = \"support\"\nsla = \"1m\"")?;
    /// let t0 = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(config.into(), t0);
    /// a.enqueue(t0, Request::new("c1", "support", ChannelKind::WebChat))?;
    /// a.handle_timeout(t0 + Duration::from_secs(90));
    /// let stats = a.queue_stats(&QueueId::new("support")).unwrap();
    /// assert_eq!((stats.waiting, stats.over_sla, stats.staffed), (1, 1, 0));
    /// assert_eq!(stats.oldest_since, Some(t0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn queue_stats(&self, queue: &QueueId) -> Option<QueueStats> {
        let q = &self.queues[*self.queue_index.get(queue)? as usize];
        let pool = &self.pools[q.tiers[0].pool as usize];
        let oldest = q
            .tiers
            .iter()
            .flat_map(|t| t.list.iter())
            .map(|c| self.conv_ref(c).standing.enqueued)
            .min();
        let now = self.now;
        let over_sla = q.sla.map_or(0, |sla| {
            q.tiers
                .iter()
                .flat_map(|t| t.list.iter())
                .filter(|c| {
                    now.saturating_duration_since(self.conv_ref(*c).standing.enqueued) > sla
                })
                .count()
        });
        Some(QueueStats {
            waiting: q.waiting(),
            open: q.open,
            staffed: pool.staffed,
            ready: pool.ready.len(),
            oldest_since: oldest,
            sla: q.sla,
            over_sla,
        })
    }

    /// Number of conversations held (waiting, offered or assigned).
    pub fn len(&self) -> usize {
        self.convs.len()
    }

    /// Whether no conversation is held.
    pub fn is_empty(&self) -> bool {
        self.convs.len() == 0
    }
}

/// A queue's figures at a moment, from
/// [`Assigner::queue_stats`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueStats {
    /// Conversations waiting.
    pub waiting: usize,
    /// Within business hours.
    pub open: bool,
    /// Agents meeting the queue's agent-only eligibility who are
    /// available (busy or not).
    pub staffed: u32,
    /// Of those, how many could take a conversation now.
    pub ready: usize,
    /// When the longest-waiting conversation started waiting.
    pub oldest_since: Option<Timestamp>,
    /// The queue's target time to answer (`sla`).
    pub sla: Option<Duration>,
    /// Waiting conversations that have already waited longer than `sla`
    /// (at the time of the last call).
    pub over_sla: usize,
}
