//! Matching waiting conversations and ready agents.
//!
//! Three entry points keep the assigner work-conserving:
//! [`match_conv`](Assigner::match_conv) when a conversation starts waiting
//! (arrival, requeue, relaxation, overflow, preference expiry),
//! [`drain_agent`](Assigner::drain_agent) when an agent may take more
//! (available, capacity freed, wrap-up over, profile changed) and
//! [`drain_queue`](Assigner::drain_queue) when a queue opens.

use super::agent::AgentView;
use super::assigner::Assigner;
use super::conversation::Phase;
use crate::expr::{ConversationFacts, Facts};
use crate::model::Timestamp;

impl Assigner {
    /// What the conversation-dependent part of an eligibility sees of
    /// conversation `c` at `now`; the agent is added per candidate.
    fn conv_facts(&self, c: u32, now: Timestamp) -> Facts<'_> {
        let conv = self.conv_ref(c);
        let queue = &self.queues[conv.queue as usize];
        let kind = self.channel_kinds.get(&conv.channel);
        let lang = conv.lang.map(|l| self.symbols.name(l));
        let extra = conv.extra.as_deref();
        let mut facts = Facts::new(now);
        facts.channel = kind;
        facts.lang = lang;
        facts.contact = extra.map(|e| &e.contact);
        facts.conversation = ConversationFacts {
            new: false,
            tags: extra.map_or(&[], |e| &e.tags),
            messages: 0,
            queue: Some(&queue.id),
            reopened: false,
            lang,
            channel: kind,
            priority: i32::try_from(conv.standing.priority).ok(),
            waited: Some(now.saturating_duration_since(conv.standing.enqueued)),
            // Eligibility may not read these (the schema refuses them).
            origin: None,
            campaign: None,
        };
        facts
    }

    /// Whether the conversation-dependent part of step `tier`'s
    /// eligibility holds for the conversation of `conv` (from
    /// [`conv_facts`](Self::conv_facts)) and agent `a`.
    fn rest_ok(&self, conv: &Facts<'_>, q: u32, tier: u8, a: u32) -> bool {
        match &self.queues[q as usize].tiers[tier as usize].rest {
            None => true,
            Some(cond) => cond.evaluate(
                &conv.with_interned_agent(self.agent_ref(a).facts(&self.symbols)),
                self.config.calendars(),
            ),
        }
    }

    /// Whether agent `a` is in the ready set of `pool`.
    fn ready_in(&self, a: u32, pool: u32) -> bool {
        let st = self.agent_ref(a);
        st.ready && st.pools.contains(&pool)
    }

    /// Up to `k` agents to offer waiting conversation `c` to, best first,
    /// leaving out `exclude`. Agents who passed on it come only when no one
    /// else can take it.
    fn candidates(&self, c: u32, now: Timestamp, k: usize, exclude: Option<u32>) -> Vec<u32> {
        let conv = self.conv_ref(c);
        let Phase::Waiting { tier, .. } = conv.phase else {
            return Vec::new();
        };
        // Never its excluded agent (a warm transfer's first agent).
        let barred = conv.excluded().and_then(|x| self.find_agent(x.as_str()));
        if let Some(d) = conv.extra.as_deref().and_then(|e| e.directed.as_ref()) {
            // Only its agent, if ready (available, past wrap-up, under the
            // fairness cap) with room on its channel, and never again once
            // they passed on it.
            return match self.find_agent(d.agent.as_str()) {
                Some(a)
                    if !d.missed
                        && Some(a) != exclude
                        && Some(a) != barred
                        && self.agent_ref(a).ready
                        && self.agent_ref(a).slots.fits(conv.channel) =>
                {
                    vec![a]
                }
                _ => Vec::new(),
            };
        }
        let queue = &self.queues[conv.queue as usize];
        let pool_id = queue.tiers[tier as usize].pool;
        let facts = self.conv_facts(c, now);
        if let Some(pref) = conv.preference(now) {
            // Only the preferred agent, while the wait for them lasts.
            return match self.find_agent(pref.as_str()) {
                Some(a)
                    if Some(a) != exclude
                        && Some(a) != barred
                        && self.ready_in(a, pool_id)
                        && self.agent_ref(a).slots.fits(conv.channel)
                        && self.rest_ok(&facts, conv.queue, tier, a) =>
                {
                    vec![a]
                }
                _ => Vec::new(),
            };
        }
        let passed = conv.passed();
        let mut chosen = Vec::new();
        let mut fallback = Vec::new();
        // The conversation's channel's bit in the room masks, when it is a
        // built-in channel: agents without room on it are skipped without
        // reading their records.
        let bit = self
            .channel_bits
            .iter()
            .position(|ch| *ch == conv.channel)
            .map(|i| 1u8 << i);
        for (a, room) in self.pools[pool_id as usize].ready.agents() {
            if k == 0 || chosen.len() >= k {
                break;
            }
            if bit.is_some_and(|b| room & b == 0) {
                continue;
            }
            if Some(a) == exclude
                || Some(a) == barred
                || !self.agent_ref(a).slots.fits(conv.channel)
                || !self.rest_ok(&facts, conv.queue, tier, a)
            {
                continue;
            }
            if passed.contains(&a) {
                if fallback.len() < k {
                    fallback.push(a);
                }
            } else {
                chosen.push(a);
            }
        }
        if chosen.is_empty() { fallback } else { chosen }
    }

    /// Whether some agent could be offered waiting conversation `c` now.
    pub(crate) fn has_candidate(&self, c: u32, now: Timestamp) -> bool {
        !self.candidates(c, now, 1, None).is_empty()
    }

    /// Offers waiting conversation `c` to the best agents, if any can take
    /// it now.
    pub(crate) fn match_conv(&mut self, c: u32, now: Timestamp) {
        let Some(conv) = self.convs.get(c) else {
            return;
        };
        if !matches!(conv.phase, Phase::Waiting { .. }) {
            return;
        }
        let queue = &self.queues[conv.queue as usize];
        // Business hours do not hold back a directed request.
        if !queue.open && conv.directed().is_none() {
            return;
        }
        let agents = self.candidates(c, now, queue.offers, None);
        if !agents.is_empty() {
            self.offer(c, agents, now);
        }
    }

    /// Offers agent `a` waiting conversations while it is ready and some
    /// conversation it may take waits: first those directed to it, then
    /// those of its queues.
    pub(crate) fn drain_agent(&mut self, a: u32, now: Timestamp) {
        while self.agents.get(a).is_some_and(|st| st.ready) {
            if let Some(c) = self.best_directed(a, now) {
                self.offer(c, vec![a], now);
                continue;
            }
            let Some(c) = self.best_for(a, now) else {
                return;
            };
            let k = self.queues[self.conv_ref(c).queue as usize].offers;
            let mut agents = vec![a];
            if k > 1 && self.conv_ref(c).preference(now).is_none() {
                agents.extend(self.candidates(c, now, k - 1, Some(a)));
            }
            self.offer(c, agents, now);
        }
    }

    /// The request directed to agent `a` it should be offered next, if
    /// any: the first in service order that it has room for and has not
    /// passed on.
    fn best_directed(&self, a: u32, now: Timestamp) -> Option<u32> {
        if self.directed.is_empty() {
            return None;
        }
        let st = self.agent_ref(a);
        let mut best: Option<u32> = None;
        for &c in self.directed.get(&st.id)? {
            let conv = self.conv_ref(c);
            if conv.directed().is_none_or(|d| d.missed) || !st.slots.fits(conv.channel) {
                continue;
            }
            best = match best {
                Some(b) if !self.serves_before((false, c), (false, b), now) => Some(b),
                _ => Some(c),
            };
        }
        best
    }

    /// The conversation agent `a` should be offered next: the first
    /// suitable one of each waiting list it is eligible for, best by
    /// service order. Conversations the agent passed on come only when
    /// there is no other.
    fn best_for(&self, a: u32, now: Timestamp) -> Option<u32> {
        let st = self.agent_ref(a);
        // (passed, conversation)
        let mut best: Option<(bool, u32)> = None;
        for &p in st.pools.iter() {
            for &(q, tier) in &self.pools[p as usize].users {
                let queue = &self.queues[q as usize];
                if !queue.open {
                    continue;
                }
                let mut found: Option<(bool, u32)> = None;
                for c in queue.tiers[tier as usize].list.iter() {
                    let conv = self.conv_ref(c);
                    let rest = &queue.tiers[tier as usize].rest;
                    if conv.preference(now).is_some_and(|pref| *pref != st.id)
                        || conv.excluded() == Some(&st.id)
                        || !st.slots.fits(conv.channel)
                        || (rest.is_some() && !self.rest_ok(&self.conv_facts(c, now), q, tier, a))
                    {
                        continue;
                    }
                    if conv.passed().contains(&a) {
                        if found.is_none() {
                            found = Some((true, c));
                        }
                        continue;
                    }
                    found = Some((false, c));
                    break;
                }
                let Some(cand) = found else { continue };
                best = match best {
                    None => Some(cand),
                    Some(b) if self.serves_before(cand, b, now) => Some(cand),
                    keep => keep,
                };
            }
        }
        best.map(|(_, c)| c)
    }

    /// Whether candidate `x` goes before `y`: not passed before passed,
    /// then service order across queues.
    pub(crate) fn serves_before(&self, x: (bool, u32), y: (bool, u32), now: Timestamp) -> bool {
        if x.0 != y.0 {
            return !x.0;
        }
        let (cx, cy) = (self.conv_ref(x.1), self.conv_ref(y.1));
        let ax = self.queues[cx.queue as usize].aging_ms;
        let ay = self.queues[cy.queue as usize].aging_ms;
        cx.standing.serve_before(ax, &cy.standing, ay, now).is_lt()
    }

    /// Offers every waiting conversation of queue `q` it can (the queue
    /// opened).
    pub(crate) fn drain_queue(&mut self, q: u32, now: Timestamp) {
        for tier in 0..self.queues[q as usize].tiers.len() {
            let t = &self.queues[q as usize].tiers[tier];
            let pool = t.pool;
            let convs: Vec<u32> = t.list.iter().collect();
            for c in convs {
                if self.pools[pool as usize].ready.is_empty() {
                    break;
                }
                self.match_conv(c, now);
            }
        }
    }

    /// A view of agent `a`.
    pub(crate) fn view(&self, a: u32) -> AgentView<'_> {
        AgentView {
            state: self.agent_ref(a),
            symbols: &self.symbols,
        }
    }
}
