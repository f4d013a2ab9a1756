//! The model and the checks: what the harness predicts of each call; the
//! cheap view of the assigner compared before and after a call that should
//! change nothing; and, after every operation, the assigner's answers and
//! events checked against the model.

use super::ops::Op;
use super::{
    AGENTS, CALENDAR, CONVS, FAIRNESS_MAX, FAIRNESS_PER_MS, Harness, MAX_SIZE, OFFER_TIMEOUT_MS,
    QUEUES, SLA_MS, agent_id, agent_index, configured, conv_id, conv_index, json, queue_index,
};
use std::collections::BTreeSet;
use switchboard::assign::{AgentProfile, AssignError, AssignEvent, ConversationStatus, Presence};
use switchboard::{AgentId, QueueId, Ticket, Timestamp};

/// What can be seen of the assigner cheaply: compared before and after a
/// call that fails.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    convs: Vec<Option<ConversationStatus>>,
    queues: Vec<Option<Vec<Ticket>>>,
    agents: Vec<Option<AgentSnapshot>>,
    timeout: Option<Timestamp>,
    len: usize,
}

#[derive(Debug, PartialEq)]
struct AgentSnapshot {
    profile: AgentProfile,
    presence: Presence,
    load: u32,
    missed: u32,
    idle_since: Timestamp,
    rotation: u64,
    wrap_up_until: Timestamp,
    held: Vec<Ticket>,
}

impl Harness {
    pub(crate) fn snapshot(&self) -> Snapshot {
        let t = self.t();
        Snapshot {
            convs: (0..CONVS)
                .map(|c| self.assigner.status(&conv_id(c), t))
                .collect(),
            queues: QUEUES
                .iter()
                .map(|q| {
                    self.assigner
                        .waiting(&QueueId::new(*q))
                        .map(|v| v.into_iter().cloned().collect())
                })
                .collect(),
            agents: (0..AGENTS.len())
                .map(|a| {
                    let id = agent_id(a);
                    self.assigner.agent(&id).map(|v| AgentSnapshot {
                        profile: v.profile(),
                        presence: v.presence(),
                        load: v.total_load(),
                        missed: v.missed_offers(),
                        idle_since: v.idle_since(),
                        rotation: v.rotation(),
                        wrap_up_until: v.wrap_up_until(),
                        held: self.assigner.tickets_of(&id).into_iter().cloned().collect(),
                    })
                })
                .collect(),
            timeout: self.assigner.poll_timeout(),
            len: self.assigner.len(),
        }
    }

    /// Whether `op` should fail, and whether it should succeed changing
    /// nothing, as the model and the current statuses say; valid only when
    /// no timer is due.
    pub(crate) fn predict(&self, op: &Op) -> (bool, bool) {
        let known = |a: &usize| self.agents.contains(a);
        let live = |c: &usize| self.live.contains(c);
        let status = |c: &usize| self.assigner.status(&conv_id(*c), self.t());
        match op {
            Op::Upsert(u) => (!u.valid(), false),
            Op::Remove(a) => (!known(a), false),
            Op::Presence(a, p) => {
                let same = self
                    .assigner
                    .agent(&agent_id(*a))
                    .is_some_and(|v| v.presence() == *p);
                (!known(a), same)
            }
            Op::Enqueue(e) => {
                let full = MAX_SIZE[e.queue].is_some_and(|limit| {
                    self.assigner
                        .waiting(&QueueId::new(QUEUES[e.queue]))
                        .is_some_and(|w| w.len() >= limit)
                });
                let refused = match e.for_agent {
                    Some(a) => !known(&a),
                    None => full,
                };
                (
                    !configured(self.config, e.queue) || live(&e.conv) || refused,
                    false,
                )
            }
            Op::Accept(a, c) => {
                if !known(a) || !live(c) {
                    return (true, false);
                }
                let id = agent_id(*a);
                match status(c) {
                    Some(ConversationStatus::Offered { agents, .. }) => {
                        (!agents.contains(&id), false)
                    }
                    Some(ConversationStatus::Assigned { agent, .. }) => (agent != id, agent == id),
                    _ => (true, false),
                }
            }
            Op::Decline(a, c) => {
                let offered = known(a)
                    && live(c)
                    && matches!(status(c), Some(ConversationStatus::Offered { agents, .. })
                        if agents.contains(&agent_id(*a)));
                (!offered, false)
            }
            Op::Finish(c) => (!live(c), false),
            Op::Replied(c) | Op::Wrote(c) => (
                !matches!(status(c), Some(ConversationStatus::Assigned { .. })),
                false,
            ),
            Op::Advance(_) | Op::Timeout | Op::Snapshot | Op::Garbage(_) => (false, false),
            Op::Reconfigure { to, fallback } => {
                let unknown = fallback.is_some_and(|q| !configured(*to, q));
                // A queue the target lacks holds a conversation.
                let holds = (0..CONVS).any(|c| {
                    let queue = match status(&c) {
                        Some(ConversationStatus::Waiting { queue, .. })
                        | Some(ConversationStatus::Offered { queue, .. })
                        | Some(ConversationStatus::Assigned { queue, .. }) => queue,
                        _ => return false,
                    };
                    !configured(*to, queue_index(&queue))
                });
                (unknown || (holds && fallback.is_none()), *to == self.config)
            }
        }
    }

    /// An error naming the agent comes exactly when the model says it is
    /// unknown.
    pub(crate) fn expect_agent<T: std::fmt::Debug>(&self, a: usize, r: &Result<T, AssignError>) {
        let known = self.agents.contains(&a);
        match r {
            Err(AssignError::UnknownAgent(_)) => assert!(!known, "{} is known: {r:?}", AGENTS[a]),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => assert!(known, "{} is not known, yet Ok", AGENTS[a]),
        }
    }

    pub(crate) fn expect_conv<T: std::fmt::Debug>(&self, c: usize, r: &Result<T, AssignError>) {
        let live = self.live.contains(&c);
        match r {
            Err(AssignError::UnknownTicket(_)) => assert!(!live, "c{c} is live: {r:?}"),
            Err(AssignError::NotAssigned(_)) => assert!(live, "c{c} is not live: {r:?}"),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => assert!(live, "c{c} is not live, yet Ok"),
        }
    }

    pub(crate) fn expect_pair(&self, a: usize, c: usize, r: &Result<(), AssignError>) {
        let known = self.agents.contains(&a);
        let live = self.live.contains(&c);
        match r {
            Err(AssignError::UnknownAgent(_)) => assert!(!known, "{} is known", AGENTS[a]),
            Err(AssignError::UnknownTicket(_)) => {
                assert!(known && !live, "c{c} is live or {} unknown", AGENTS[a])
            }
            Err(AssignError::NotOffered { .. }) => assert!(known && live, "{r:?}"),
            Err(e) => panic!("unexpected error {e}"),
            Ok(()) => assert!(known && live, "Ok for an unknown agent or conversation"),
        }
    }

    /// Checks one event against the model, in the order they came, and
    /// updates the model.
    fn check_event(&mut self, e: &AssignEvent) {
        let now = self.now;
        match e {
            AssignEvent::Offered {
                ticket,
                agent,
                queue,
                expires,
            } => {
                let q = queue_index(queue);
                let a = agent_index(agent);
                let c = conv_index(ticket);
                let at = expires.as_millis().saturating_sub(OFFER_TIMEOUT_MS[q]);
                assert!(
                    self.ran_to <= at && at <= now,
                    "{e:?}: offered at {at}, outside this call's time ({} to {now})",
                    self.ran_to
                );
                if self.presence_exempt != Some(a) {
                    assert_eq!(
                        self.presence[a],
                        Some(Presence::Available),
                        "{e:?}: the agent is not available"
                    );
                }
                if self.presence_exempt != Some(a) && self.wrap_exempt != Some(a) {
                    assert!(
                        at >= self.wrap_until[a],
                        "{e:?}: offered at {at}, during wrap-up until {}",
                        self.wrap_until[a]
                    );
                }
                if let Some((d, missed)) = self.directed[c] {
                    assert_eq!(a, d, "{e:?}: directed to {}", AGENTS[d]);
                    assert!(!missed, "{e:?}: offered again after a decline or miss");
                } else if CALENDAR[q] {
                    assert!(
                        self.calendar.is_open(Timestamp::from_millis(at)),
                        "{e:?}: offered at {at}, outside business hours"
                    );
                }
                if let Some((p, until)) = &self.preferred[c] {
                    assert!(
                        p == agent || at >= *until,
                        "{e:?}: offered at {at}, while waiting for {p} until {until}"
                    );
                }
            }
            AssignEvent::Assigned { ticket, agent, .. } => {
                let a = agent_index(agent);
                self.preferred[conv_index(ticket)] = None;
                // The direction ends with the assignment.
                self.directed[conv_index(ticket)] = None;
                let recent = &mut self.accepted[a];
                recent.retain(|t| now - t < FAIRNESS_PER_MS);
                recent.push(now);
                assert!(
                    recent.len() <= FAIRNESS_MAX,
                    "{e:?}: {} assignments within the fairness window: {recent:?}",
                    recent.len()
                );
            }
            AssignEvent::OfferMissed { ticket, .. } => {
                if let Some((_, missed)) = &mut self.directed[conv_index(ticket)] {
                    *missed = true;
                }
            }
            // Timed out, or the preferred agent declined or missed it.
            AssignEvent::PreferenceExpired { ticket, .. } => {
                self.preferred[conv_index(ticket)] = None;
            }
            AssignEvent::AgentAway { agent, .. } => {
                let a = agent_index(agent);
                if self.presence_exempt != Some(a) {
                    self.presence[a] = Some(Presence::Away);
                }
            }
            _ => {}
        }
    }

    /// Checks after every operation. `advanced`: the operation ran the
    /// assigner's timers up to now.
    pub(crate) fn check(&mut self, gone_conv: &[usize], gone_agent: &[usize], advanced: bool) {
        if let Err(e) = self.assigner.check_invariants() {
            panic!("invariant broken: {e}");
        }
        let t = self.t();
        let conv_ok = |id: &Ticket, live: &BTreeSet<usize>| {
            (0..CONVS).any(|c| conv_id(c) == *id && (live.contains(&c) || gone_conv.contains(&c)))
        };
        let agent_ok = |id: &AgentId, agents: &BTreeSet<usize>| {
            (0..AGENTS.len())
                .any(|a| agent_id(a) == *id && (agents.contains(&a) || gone_agent.contains(&a)))
        };
        self.last_events.clear();
        while let Some(e) = self.assigner.poll_event() {
            self.last_events.push(e.clone());
            let (conv, agent) = match &e {
                AssignEvent::Offered { ticket, agent, .. }
                | AssignEvent::OfferRevoked { ticket, agent, .. }
                | AssignEvent::OfferMissed { ticket, agent, .. }
                | AssignEvent::Assigned { ticket, agent, .. }
                | AssignEvent::Unassigned { ticket, agent, .. }
                | AssignEvent::PreferenceExpired { ticket, agent } => (Some(ticket), Some(agent)),
                AssignEvent::Requeued { ticket, .. }
                | AssignEvent::Relaxed { ticket, .. }
                | AssignEvent::Overflowed { ticket, .. }
                | AssignEvent::Moved { ticket, .. } => (Some(ticket), None),
                AssignEvent::AgentAway { agent, .. } => (None, Some(agent)),
                _ => (None, None),
            };
            if let Some(c) = conv {
                assert!(
                    conv_ok(c, &self.live),
                    "event for an unknown conversation: {e:?}"
                );
            }
            assert!(advanced, "an event without a call: {e:?}");
            self.check_event(&e);
            // A preferred agent may be anyone the host names.
            if let Some(a) = agent
                && !matches!(e, AssignEvent::PreferenceExpired { .. })
            {
                assert!(
                    agent_ok(a, &self.agents),
                    "event for an unknown agent: {e:?}"
                );
            }
        }
        self.presence_exempt = None;
        self.wrap_exempt = None;
        if advanced {
            self.ran_to = self.now;
        }
        for (a, name) in AGENTS.iter().enumerate() {
            assert_eq!(
                self.assigner.agent(&agent_id(a)).map(|v| v.presence()),
                self.presence[a],
                "agent {name:?}: the assigner and the model differ"
            );
        }
        let waiting: Vec<Vec<Ticket>> = QUEUES[..5]
            .iter()
            .enumerate()
            .map(|(i, q)| match self.assigner.waiting(&QueueId::new(*q)) {
                Some(w) => {
                    assert!(configured(self.config, i), "{q} is not configured");
                    w.into_iter().cloned().collect()
                }
                None => {
                    assert!(!configured(self.config, i), "{q} is configured");
                    Vec::new()
                }
            })
            .collect();
        assert_eq!(self.assigner.waiting(&QueueId::new(QUEUES[5])), None);
        let mut listed = 0;
        let mut since_by_queue: [Vec<u64>; 5] = Default::default();
        for c in 0..CONVS {
            let id = conv_id(c);
            let status = self.assigner.status(&id, t);
            let live = self.live.contains(&c);
            match &status {
                None => assert!(!live, "{id} disappeared"),
                Some(s) => assert!(live, "{id} is finished but reported as {s:?}"),
            }
            match status {
                Some(ConversationStatus::Waiting {
                    queue,
                    position,
                    since,
                    estimate,
                    ..
                }) => {
                    let q = queue_index(&queue);
                    assert!(configured(self.config, q), "{id} waits in {queue}");
                    let at = waiting[q].iter().position(|x| *x == id);
                    if self.directed[c].is_some() {
                        // Not in the queue's shared line.
                        assert_eq!(at, None, "{id} is directed, but in {queue}'s line");
                        assert!(position >= 1 && estimate.is_none(), "{id}: {position}");
                    } else {
                        listed += 1;
                        since_by_queue[q].push(since.as_millis());
                        assert_eq!(
                            at.map(|i| i + 1),
                            Some(position),
                            "{id}: position {position} in {queue}, waiting() says {:?}",
                            waiting[q]
                        );
                    }
                    assert!(since <= t, "{id} waits since {since}, after now");
                }
                Some(ConversationStatus::Offered {
                    agents, expires, ..
                }) => {
                    assert!(!agents.is_empty(), "{id} offered to nobody");
                    for a in &agents {
                        assert!(agent_ok(a, &self.agents), "{id} offered to unknown {a}");
                        assert!(
                            self.assigner.tickets_of(a).contains(&&id),
                            "{id} offered to {a}, who does not hold it"
                        );
                    }
                    if advanced {
                        assert!(expires > t, "{id}: offer expired at {expires}, now {t}");
                    }
                }
                Some(ConversationStatus::Assigned { agent, since, .. }) => {
                    assert!(
                        agent_ok(&agent, &self.agents),
                        "{id} assigned to unknown {agent}"
                    );
                    assert!(since <= t, "{id} assigned since {since}, after now");
                    assert!(
                        self.assigner.tickets_of(&agent).contains(&&id),
                        "{id} assigned to {agent}, who does not hold it"
                    );
                }
                _ => {}
            }
        }
        let total: usize = waiting.iter().map(Vec::len).sum();
        assert_eq!(
            total, listed,
            "waiting() lists {total}, {listed} are waiting"
        );
        assert_eq!(
            self.assigner.len(),
            self.live.len(),
            "len() and the model differ"
        );
        if advanced && let Some(next) = self.assigner.poll_timeout() {
            assert!(next >= t, "a timer at {next} is left behind at {t}");
        }
        for (q, since) in since_by_queue.iter().enumerate() {
            let id = QueueId::new(QUEUES[q]);
            if !configured(self.config, q) {
                assert_eq!(self.assigner.queue_stats(&id), None, "{id}");
                continue;
            }
            let stats = self.assigner.queue_stats(&id).expect("a configured queue");
            assert_eq!(stats.waiting, since.len(), "{id}: {stats:?}");
            assert_eq!(
                stats.oldest_since.map(Timestamp::as_millis),
                since.iter().min().copied(),
                "{id}: {stats:?}"
            );
            assert_eq!(
                stats.sla.map(|d| d.as_millis() as u64),
                SLA_MS[q],
                "{id}: {stats:?}"
            );
            assert!(
                stats.ready as u64 <= u64::from(stats.staffed),
                "{id}: {stats:?}"
            );
            if advanced {
                // As of the last call, which is now.
                let over = SLA_MS[q].map_or(0, |sla| {
                    since.iter().filter(|s| self.now - **s > sla).count()
                });
                assert_eq!(stats.over_sla, over, "{id}: {stats:?}");
                let open = !CALENDAR[q] || self.calendar.is_open(t);
                assert_eq!(stats.open, open, "{id}: {stats:?}");
            }
        }
        assert_eq!(self.assigner.queue_stats(&QueueId::new(QUEUES[5])), None);
        if let Some(twin) = &mut self.twin {
            let events: Vec<AssignEvent> = std::iter::from_fn(|| twin.poll_event()).collect();
            assert_eq!(
                events, self.last_events,
                "the restored twin emitted otherwise"
            );
            assert_eq!(
                twin.poll_timeout(),
                self.assigner.poll_timeout(),
                "the restored twin's timeout differs"
            );
            assert_eq!(
                json(&twin.snapshot()),
                json(&self.assigner.snapshot()),
                "the restored twin's state differs"
            );
        }
    }
}
