//! Offers and assignments: making an offer, the agent's answer (accept,
//! decline, miss), taking an offer or an assignment back (revoke,
//! unassign), freeing the capacity it held, and the reply deadline of an
//! assigned conversation.

use std::time::Duration;

use super::agent::Presence;
use super::assigner::Assigner;
use super::conversation::Phase;
use super::error::AssignError;
use super::event::{AssignEvent, MissReason, RevokeReason, UnassignReason};
use crate::model::{AgentId, Ticket, Timestamp};

impl Assigner {
    /// Offers waiting conversation `c` to `agents`, reserving their
    /// capacity until the offer is answered or expires.
    pub(crate) fn offer(&mut self, c: u32, agents: Vec<u32>, now: Timestamp) {
        self.unplace(c);
        let (q, channel) = {
            let conv = self.conv_ref(c);
            (conv.queue as usize, conv.channel)
        };
        let until = now + self.queues[q].offer_timeout;
        // The phase first: a pending offer counts toward the fairness cap.
        self.conv_mut(c).phase = Phase::Offered {
            agents: agents.clone().into(),
            until,
        };
        for &a in &agents {
            self.rotation += 1;
            let rotation = self.rotation;
            self.update_agent(a, now, |st| {
                st.slots.add(channel);
                st.held.push(c);
                st.rotation = rotation;
            });
            self.emit(AssignEvent::Offered {
                ticket: self.conv_ref(c).ticket.clone(),
                agent: self.agent_ref(a).id.clone(),
                queue: self.queues[q].id.clone(),
                expires: until,
            });
        }
        self.update_conv_timer(c, now);
    }

    /// The agent accepts an offer: the conversation is theirs, and any
    /// other offers of it (multi-offer) are revoked.
    ///
    /// Accepting twice is harmless: a second accept by the agent who holds
    /// the conversation succeeds and changes nothing.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownAgent`], [`AssignError::UnknownTicket`],
    /// or [`AssignError::NotOffered`] when the offer expired, was taken by
    /// another agent or never existed.
    pub fn accept(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        ticket: &Ticket,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let a = self.agent_idx(agent)?;
        let c = self.conv_idx(ticket)?;
        let others: Vec<u32> = match &self.conv_ref(c).phase {
            Phase::Offered { agents, .. } if agents.contains(&a) => {
                agents.iter().copied().filter(|x| *x != a).collect()
            }
            Phase::Assigned { agent: holder, .. } if *holder == a => return Ok(()),
            _ => {
                return Err(AssignError::NotOffered {
                    ticket: ticket.clone(),
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
            ticket: ticket.clone(),
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
        ticket: &Ticket,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let a = self.agent_idx(agent)?;
        let c = self.conv_idx(ticket)?;
        match &self.conv_ref(c).phase {
            Phase::Offered { agents, .. } if agents.contains(&a) => {}
            _ => {
                return Err(AssignError::NotOffered {
                    ticket: ticket.clone(),
                    agent: agent.clone(),
                });
            }
        }
        self.miss(c, a, now, MissReason::Declined);
        self.after_miss(c, now);
        self.drain_agent(a, now);
        Ok(())
    }

    /// Takes `a` off the offer of `c` as missed (declined or expired).
    pub(crate) fn miss(&mut self, c: u32, a: u32, now: Timestamp, reason: MissReason) {
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
            ticket: self.conv_ref(c).ticket.clone(),
            agent: self.agent_ref(a).id.clone(),
            reason,
        });
        // The preferred agent passing on it ends the wait for them.
        let id = self.agent_ref(a).id.clone();
        let e = self.conv_mut(c).extra_mut();
        if e.preferred.as_ref().is_some_and(|(p, _)| *p == id) {
            e.preferred = None;
            self.emit(AssignEvent::PreferenceExpired {
                ticket: self.conv_ref(c).ticket.clone(),
                agent: id,
            });
        }
        if reason == MissReason::Expired {
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
    pub(crate) fn after_miss(&mut self, c: u32, now: Timestamp) {
        let empty =
            matches!(&self.conv_ref(c).phase, Phase::Offered { agents, .. } if agents.is_empty());
        if empty {
            self.requeue(c, now, false);
            self.match_conv(c, now);
        }
    }

    /// Revokes the agent's offers and, when `assigned`, takes back their
    /// assigned conversations; returns the conversations requeued (to be
    /// matched by the caller once the agent is settled).
    pub(crate) fn take_back(
        &mut self,
        a: u32,
        now: Timestamp,
        why: RevokeReason,
        assigned: bool,
    ) -> Vec<u32> {
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
            ticket: self.conv_ref(c).ticket.clone(),
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
    pub(crate) fn unassign(&mut self, c: u32, now: Timestamp, reason: UnassignReason) {
        let Phase::Assigned { agent, .. } = self.conv_ref(c).phase else {
            return;
        };
        self.release_slot(c, agent, now, false);
        self.emit(AssignEvent::Unassigned {
            ticket: self.conv_ref(c).ticket.clone(),
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

    /// The agent replied: the reply timer, if any, stops.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownTicket`], or
    /// [`AssignError::NotAssigned`] when no agent has it.
    pub fn agent_replied(&mut self, now: Timestamp, ticket: &Ticket) -> Result<(), AssignError> {
        self.set_reply_due(now, ticket, |_, _, _| None)
    }

    /// The customer wrote to an assigned conversation: when the queue has a
    /// `reply_timeout` and no reply is already awaited, the agent has that
    /// long to reply before the conversation is offered to another agent.
    ///
    /// # Errors
    ///
    /// As for [`agent_replied`](Assigner::agent_replied).
    pub fn customer_wrote(&mut self, now: Timestamp, ticket: &Ticket) -> Result<(), AssignError> {
        self.set_reply_due(now, ticket, |due, timeout, now| {
            due.or_else(|| timeout.map(|d| now + d))
        })
    }

    /// Sets an assigned conversation's reply deadline to
    /// `f(current deadline, the queue's reply_timeout, now)`.
    fn set_reply_due(
        &mut self,
        now: Timestamp,
        ticket: &Ticket,
        f: impl FnOnce(Option<Timestamp>, Option<Duration>, Timestamp) -> Option<Timestamp>,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);
        let c = self.conv_idx(ticket)?;
        let q = self.conv_ref(c).queue as usize;
        let timeout = self.queues[q].reply_timeout;
        match &mut self.conv_mut(c).phase {
            Phase::Assigned { reply_due, .. } => *reply_due = f(*reply_due, timeout, now),
            _ => return Err(AssignError::NotAssigned(ticket.clone())),
        }
        self.update_conv_timer(c, now);
        Ok(())
    }
}
