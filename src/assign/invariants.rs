//! A full consistency check of the assigner, for tests and fuzzing.

use std::collections::HashMap;

use super::agent::Presence;
use super::assigner::Assigner;
use super::conversation::Phase;
use super::timers::Target;
use super::waiting::MAX_PRIORITY;

impl Assigner {
    /// Checks every invariant the assigner promises, at the time of the
    /// last call, and describes the first one broken. It walks the whole
    /// state, so it is for tests and fuzzing, not for production paths.
    ///
    /// - Every conversation is in exactly one place: one waiting list (of
    ///   its queue, under its current key; a directed request: the list of
    ///   requests directed to its agent), an offer to distinct agents
    ///   (more than one only under multi-offer; a directed request: its
    ///   agent only, who has not passed on it), or one agent. Its base
    ///   priority is its queue's plus its own, and it waits at the
    ///   relaxation step in force.
    /// - Every agent's holdings match the conversations offered or
    ///   assigned to it, and are within capacity (unless a profile update
    ///   lowered the capacity below what the agent already held).
    /// - An agent is in a ready set exactly when it is available, past
    ///   wrap-up, under the fairness cap and has room, at its current rank.
    /// - Work conservation: no waiting conversation in an open queue has an
    ///   agent ready to take it (a directed request: whatever the queue's
    ///   hours).
    /// - Every pending deadline has exactly one timer, and agents'
    ///   deadlines are the ones their state gives.
    /// - A queue measures a service gap exactly while conversations wait
    ///   in it and it is open.
    ///
    /// # Examples
    ///
    /// ```
    /// use switchboard::assign::{Assigner, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{ChannelKind, Timestamp};
    ///
    /// let config = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
    /// let t = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(config.into(), t);
    /// a.enqueue(t, Request::new("c1", "support", ChannelKind::Sms))?;
    /// assert_eq!(a.check_invariants(), Ok(()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_invariants(&self) -> Result<(), String> {
        let now = self.now;
        let mut timers_expected = 0usize;
        // Conversations.
        if self.conv_index.len() != self.convs.len() || self.agent_index.len() != self.agents.len()
        {
            return Err("an id table and its records disagree".into());
        }
        let mut waiting = 0usize;
        let mut directed = 0usize;
        for (c, conv) in self.convs.iter() {
            let id = &conv.ticket;
            if self.find_conv(id.as_str()) != Some(c) {
                return Err(format!("{id}: not indexed"));
            }
            let queue = self
                .queues
                .get(conv.queue as usize)
                .ok_or_else(|| format!("{id}: in no queue"))?;
            if conv.passed().iter().any(|a| self.agents.get(*a).is_none()) {
                return Err(format!("{id}: passed over by a removed agent"));
            }
            let priority =
                (queue.priority + i64::from(conv.own_priority)).clamp(-MAX_PRIORITY, MAX_PRIORITY);
            if conv.standing.priority != priority {
                return Err(format!(
                    "{id}: base priority is not its queue's plus its own"
                ));
            }
            let to = conv.directed();
            match (&conv.phase, to) {
                (Phase::Waiting { tier, key }, Some(d)) => {
                    directed += 1;
                    if *key != conv.standing.key(queue.aging_ms) || *tier != 0 {
                        return Err(format!("{id}: stale waiting key or step"));
                    }
                    let listed = self
                        .directed
                        .get(&d.agent)
                        .map_or(0, |l| l.iter().filter(|x| **x == c).count());
                    if listed != 1 {
                        return Err(format!(
                            "{id}: directed to {} but listed {listed} times for them",
                            d.agent
                        ));
                    }
                    if self.has_candidate(c, now) {
                        return Err(format!("{id}: waits while {} is ready for it", d.agent));
                    }
                }
                (Phase::Waiting { tier, key }, None) => {
                    waiting += 1;
                    if *key != conv.standing.key(queue.aging_ms) {
                        return Err(format!("{id}: stale waiting key"));
                    }
                    if *tier != queue.tier_at(conv.entered, now) {
                        return Err(format!("{id}: waits at step {tier}, not the one in force"));
                    }
                    let list = &queue
                        .tiers
                        .get(*tier as usize)
                        .ok_or_else(|| format!("{id}: no step {tier}"))?
                        .list;
                    if !list.iter().any(|x| x == c) {
                        return Err(format!("{id}: waiting but not in its list"));
                    }
                    if self.candidates_for_check(c) {
                        return Err(format!(
                            "{id}: waits in `{}` while an eligible agent is ready",
                            queue.id
                        ));
                    }
                }
                (Phase::Offered { agents, .. }, _) => {
                    if agents.is_empty() || agents.len() > queue.offers {
                        return Err(format!("{id}: offered to {} agents", agents.len()));
                    }
                    if let Some(d) = to {
                        let theirs = agents.len() == 1
                            && self
                                .agents
                                .get(agents[0])
                                .is_some_and(|st| st.id == d.agent);
                        if !theirs || d.missed {
                            return Err(format!(
                                "{id}: directed to {} but offered otherwise",
                                d.agent
                            ));
                        }
                    }
                    for (i, a) in agents.iter().enumerate() {
                        if agents[..i].contains(a) {
                            return Err(format!("{id}: offered twice to one agent"));
                        }
                        let st = self
                            .agents
                            .get(*a)
                            .ok_or_else(|| format!("{id}: offered to a removed agent"))?;
                        if !st.held.contains(&c) {
                            return Err(format!("{id}: offered to {} who does not hold it", st.id));
                        }
                    }
                }
                (Phase::Assigned { agent, .. }, _) => {
                    if to.is_some() {
                        return Err(format!("{id}: assigned but still directed"));
                    }
                    let st = self
                        .agents
                        .get(*agent)
                        .ok_or_else(|| format!("{id}: assigned to a removed agent"))?;
                    if !st.held.contains(&c) {
                        return Err(format!("{id}: assigned to {} who does not hold it", st.id));
                    }
                }
            }
            let due = self.conv_deadline(c, now);
            if conv.deadline != due {
                return Err(format!(
                    "{id}: deadline {:?}, expected {due:?}",
                    conv.deadline
                ));
            }
            if let Some(t) = due {
                timers_expected += 1;
                if !self.timers.contains(&(t, Target::Conv(c))) {
                    return Err(format!("{id}: no timer for its deadline"));
                }
            }
        }
        let listed: usize = self.queues.iter().map(|q| q.waiting()).sum();
        if listed != waiting {
            return Err(format!(
                "{listed} list entries for {waiting} waiting conversations"
            ));
        }
        let listed: usize = self.directed.values().map(Vec::len).sum();
        if listed != directed || self.directed.values().any(Vec::is_empty) {
            return Err(format!(
                "{listed} directed entries for {directed} directed requests waiting"
            ));
        }
        for q in &self.queues {
            if q.estimator.gap_running() != (q.waiting() > 0 && q.open) {
                return Err(format!("queue {}: service gap out of step", q.id));
            }
        }
        // Agents.
        let mut staffed: HashMap<u32, u32> = HashMap::new();
        let mut ready_entries: HashMap<u32, usize> = HashMap::new();
        for pool in &self.pools {
            for (a, _) in pool.ready.agents() {
                *ready_entries.entry(a).or_default() += 1;
            }
        }
        for (a, st) in self.agents.iter() {
            if self.find_agent(st.id.as_str()) != Some(a) {
                return Err(format!("{}: not indexed", st.id));
            }
            let mut per_channel: HashMap<u32, u32> = HashMap::new();
            for (i, &c) in st.held.iter().enumerate() {
                if st.held[..i].contains(&c) {
                    return Err(format!("{}: holds a conversation twice", st.id));
                }
                let conv = self
                    .convs
                    .get(c)
                    .ok_or_else(|| format!("{}: holds a finished conversation", st.id))?;
                let mine = match &conv.phase {
                    Phase::Offered { agents, .. } => agents.contains(&a),
                    Phase::Assigned { agent, .. } => *agent == a,
                    Phase::Waiting { .. } => false,
                };
                if !mine {
                    return Err(format!(
                        "{}: holds {} which is not theirs",
                        st.id, conv.ticket
                    ));
                }
                *per_channel.entry(conv.channel).or_default() += 1;
            }
            for &ch in st.slots.channels() {
                if st.slots.held(ch) != per_channel.remove(&ch).unwrap_or(0) {
                    return Err(format!(
                        "{}: capacity count off on {}",
                        st.id,
                        self.symbols.name(ch)
                    ));
                }
            }
            if !per_channel.is_empty() {
                return Err(format!("{}: holds work on a channel without a slot", st.id));
            }
            if st.slots.over() && !st.over_ok {
                return Err(format!("{}: over capacity", st.id));
            }
            if st.over_ok && !st.slots.over() {
                return Err(format!("{}: marked over capacity but is not", st.id));
            }
            // Pool membership and readiness.
            let member = self.pools_met_by(st);
            if *st.pools != *member {
                return Err(format!("{}: pool membership out of date", st.id));
            }
            if st.presence == Presence::Available {
                for p in &member {
                    *staffed.entry(*p).or_default() += 1;
                }
            }
            let ready = self.is_ready(a, now);
            if ready != st.ready {
                return Err(format!(
                    "{}: ready is {ready} but it is indexed as {}",
                    st.id, st.ready
                ));
            }
            let view = self.view(a);
            let room = super::pool::room_mask(&self.channel_bits, st);
            for p in st.pools.iter() {
                let pool = &self.pools[*p as usize];
                if pool.ready.contains(pool.strategy.rank(&view), a, room) != ready {
                    return Err(format!("{}: stale place in a ready set", st.id));
                }
            }
            let entries = ready_entries.get(&a).copied().unwrap_or(0);
            if entries != if ready { st.pools.len() } else { 0 } {
                return Err(format!("{}: {entries} ready entries", st.id));
            }
            if st.deadline() != self.agent_deadline(a, now) {
                return Err(format!(
                    "{}: deadline {:?}, expected {:?}",
                    st.id,
                    st.deadline(),
                    self.agent_deadline(a, now)
                ));
            }
            if let Some(t) = st.deadline() {
                timers_expected += 1;
                if !self.timers.contains(&(t, Target::Agent(a))) {
                    return Err(format!("{}: no timer for its deadline", st.id));
                }
            }
        }
        for (i, pool) in self.pools.iter().enumerate() {
            if pool.staffed != staffed.get(&(i as u32)).copied().unwrap_or(0) {
                return Err(format!("pool {i}: staffed count off"));
            }
            if pool
                .ready
                .agents()
                .any(|(a, _)| self.agents.get(a).is_none())
            {
                return Err(format!("pool {i}: a ready entry of a removed agent"));
            }
        }
        let queue_timers = self
            .queues
            .iter()
            .filter(|q| q.next_change.is_some())
            .count();
        if self.timers.len() != timers_expected + queue_timers {
            return Err(format!(
                "{} timers for {} deadlines",
                self.timers.len(),
                timers_expected + queue_timers
            ));
        }
        Ok(())
    }

    /// Whether waiting conversation `c` has an agent ready to take it now.
    fn candidates_for_check(&self, c: u32) -> bool {
        let conv = self.conv_ref(c);
        if !self.queues[conv.queue as usize].open && conv.directed().is_none() {
            return false;
        }
        self.has_candidate(c, self.now)
    }
}
