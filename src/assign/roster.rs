//! The agents: adding, changing and removing them, their presence, which
//! pools they belong to, and keeping the ready sets in step with every
//! change to an agent.

use super::agent::{AgentProfile, AgentState, AgentView, Presence};
use super::assigner::Assigner;
use super::conversation::Phase;
use super::error::AssignError;
use super::event::RevokeReason;
use super::pool::{MAX_AGENTS, room_mask};
use crate::expr::Facts;
use crate::model::{AgentId, Timestamp};

impl Assigner {
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
        let st = self.agent_ref(a);
        let member = self.pools_met_by(st);
        let available = st.presence == Presence::Available;
        if available {
            for p in &member {
                self.pools[*p as usize].staffed += 1;
            }
        }
        self.agent_mut(a).pools = member.into();
    }

    /// The pools whose agent-only condition agent `st` meets at the
    /// assigner's time, in pool order.
    pub(crate) fn pools_met_by(&self, st: &AgentState) -> Vec<u32> {
        let facts = Facts::new(self.now).with_interned_agent(st.facts(&self.symbols));
        let calendars = self.config.calendars();
        self.pools
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.condition
                    .as_ref()
                    .is_none_or(|c| c.evaluate(&facts, calendars))
            })
            .map(|(i, _)| i as u32)
            .collect()
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
}
