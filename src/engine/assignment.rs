//! What the assigner decided, turned into actions, events and state.

use crate::assign::{AssignEvent, ConversationStatus, MissReason, RevokeReason, UnassignReason};
use crate::handoff::{HandoffContext, Party, Reason, State};
use crate::model::{AgentId, QueueId, Ticket, Timestamp};

use super::conversation::Pending;
use super::{Action, Event, EventKind, Switchboard};

fn revoke_reason(r: RevokeReason) -> Reason {
    match r {
        RevokeReason::Reconfigured => Reason::Reconfigured,
        _ => Reason::OfferRevoked,
    }
}

fn miss_reason(r: MissReason) -> Reason {
    match r {
        MissReason::Declined => Reason::Declined,
        _ => Reason::OfferExpired,
    }
}

fn unassign_reason(r: UnassignReason) -> Reason {
    match r {
        UnassignReason::AgentOffline => Reason::AgentOffline,
        UnassignReason::AgentRemoved => Reason::AgentRemoved,
        _ => Reason::ReplyTimeout,
    }
}

impl Switchboard {
    /// Handles every event the assigner has queued.
    pub(super) fn drain(&mut self, at: Timestamp) {
        while let Some(ev) = self.assigner.poll_event() {
            self.on_assign(at, ev);
        }
    }

    fn on_assign(&mut self, at: Timestamp, ev: AssignEvent) {
        match ev {
            AssignEvent::Offered {
                ticket,
                agent,
                queue,
                expires,
            } => self.offered(at, &ticket, agent, queue, expires),
            AssignEvent::OfferRevoked {
                ticket,
                agent,
                reason,
            } => {
                let Some((key, main)) = self.owner(&ticket) else {
                    return;
                };
                let reason = revoke_reason(reason);
                let id = self.convs[&key].id.clone();
                self.act(
                    at,
                    Action::RevokeOffer {
                        conversation: id.clone(),
                        agent: agent.clone(),
                        reason: reason.clone(),
                    },
                );
                self.emit(
                    Event::new(
                        at,
                        EventKind::OfferRevoked {
                            reason: reason.clone(),
                        },
                    )
                    .conversation(id)
                    .agent(agent.clone()),
                );
                if main {
                    self.off_offer(at, key, &agent, reason);
                }
            }
            AssignEvent::OfferMissed {
                ticket,
                agent,
                reason,
            } => self.missed(at, &ticket, agent, miss_reason(reason)),
            AssignEvent::Assigned {
                ticket,
                agent,
                queue,
            } => self.assigned(at, &ticket, agent, queue),
            AssignEvent::Unassigned {
                ticket,
                agent,
                reason,
            } => {
                let Some((key, true)) = self.owner(&ticket) else {
                    return;
                };
                let reason = unassign_reason(reason);
                self.cancel_transfer(at, key, reason.clone());
                let c = self.convs.get_mut(&key).expect("owner exists");
                c.agent = None;
                c.held = false;
                c.deadlines.hold = None;
                c.deadlines.inactivity = None;
                let id = c.id.clone();
                self.act(
                    at,
                    Action::Unassigned {
                        conversation: id,
                        agent,
                        reason: reason.clone(),
                    },
                );
                self.restart_wait(at, key);
                self.back_to_waiting(at, key, reason);
            }
            AssignEvent::Requeued { ticket, queue, .. } => {
                if let Some((key, true)) = self.owner(&ticket) {
                    if let Some(c) = self.convs.get_mut(&key) {
                        c.queue = Some(queue);
                    }
                    self.back_to_waiting(at, key, Reason::Offered);
                }
            }
            AssignEvent::Relaxed {
                ticket,
                queue,
                step,
            } => {
                if let Some((key, _)) = self.owner(&ticket) {
                    let id = self.convs[&key].id.clone();
                    self.emit(
                        Event::new(at, EventKind::Relaxed { step })
                            .conversation(id)
                            .queue(queue),
                    );
                }
            }
            AssignEvent::Overflowed { ticket, from, to } => {
                self.moved(at, &ticket, from, to, Reason::Overflow)
            }
            AssignEvent::Moved { ticket, from, to } => {
                self.moved(at, &ticket, from, to, Reason::Reconfigured)
            }
            AssignEvent::PreferenceExpired { ticket, agent } => {
                if let Some((key, _)) = self.owner(&ticket) {
                    let id = self.convs[&key].id.clone();
                    self.emit(
                        Event::new(at, EventKind::PreferenceExpired)
                            .conversation(id)
                            .agent(agent),
                    );
                }
            }
            AssignEvent::AgentAway { agent, missed } => {
                self.act(
                    at,
                    Action::AgentStatus {
                        agent: agent.clone(),
                        status: crate::assign::Presence::Away,
                        missed,
                    },
                );
                self.emit(
                    Event::new(
                        at,
                        EventKind::AgentStatus {
                            status: crate::assign::Presence::Away,
                        },
                    )
                    .agent(agent),
                );
            }
            AssignEvent::QueueOpened { queue } => {
                self.emit(Event::new(at, EventKind::QueueOpened).queue(queue.clone()));
                for key in self.in_queue(&queue, State::AfterHours) {
                    self.transition(at, key, State::Queued, Reason::QueueOpened);
                }
            }
            AssignEvent::QueueClosed { queue, opens } => {
                self.emit(Event::new(at, EventKind::QueueClosed { opens }).queue(queue.clone()));
                for key in self.in_queue(&queue, State::Queued) {
                    self.transition(at, key, State::AfterHours, Reason::QueueClosed);
                    self.queue_notice(at, key, "after_hours");
                }
            }
        }
    }

    /// Cancels a warm transfer of conversation `key` (its agent left
    /// before the new one accepted: the conversation waits in its queue).
    fn cancel_transfer(&mut self, at: Timestamp, key: u64, reason: Reason) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        let Some(p) = c.pending.take_if(|p| p.ticket != c.ticket) else {
            return;
        };
        let id = c.id.clone();
        let _ = self.assigner.finish(at, &p.ticket);
        self.retire(&p.ticket);
        self.emit(
            Event::new(at, EventKind::TransferFailed { reason })
                .conversation(id)
                .agent(p.from),
        );
    }

    /// The conversations in `state` whose queue is `queue`, in id order.
    /// (The assigner may already have matched them further; their own
    /// events follow.)
    fn in_queue(&self, queue: &QueueId, state: State) -> Vec<u64> {
        let mut keys: Vec<u64> = self
            .convs
            .iter()
            .filter(|(_, c)| c.state == state && c.queue.as_ref() == Some(queue))
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable();
        keys
    }

    /// Sets the wait timers of a conversation that is waiting again.
    fn restart_wait(&mut self, at: Timestamp, key: u64) {
        let interval = self.settings.notice_interval;
        let no_agent = self.settings.no_agent;
        if let Some(c) = self.convs.get_mut(&key) {
            c.deadlines.notice = Some(at + interval);
            c.deadlines.no_agent = no_agent.map(|d| at + d);
            c.told_no_agent = false;
        }
        self.reschedule(key);
    }

    /// Moves conversation `key` to queued or after hours, as its queue's
    /// hours say, if the assigner has it waiting.
    pub(super) fn back_to_waiting(&mut self, at: Timestamp, key: u64, reason: Reason) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        // Offered already means the assigner has matched it again; the
        // offer's own event follows and moves it on to offered.
        let to = match self.assigner.status(&c.ticket, at) {
            Some(ConversationStatus::Waiting { open: false, .. }) => State::AfterHours,
            Some(ConversationStatus::Waiting { .. } | ConversationStatus::Offered { .. }) => {
                State::Queued
            }
            _ => return,
        };
        if let Some(c) = self.convs.get_mut(&key) {
            c.offered.clear();
        }
        self.transition(at, key, to, reason);
    }

    fn offered(
        &mut self,
        at: Timestamp,
        ticket: &Ticket,
        agent: AgentId,
        queue: QueueId,
        expires: Timestamp,
    ) {
        let Some((key, main)) = self.owner(ticket) else {
            return;
        };
        let transfer_from = self.convs[&key]
            .pending
            .as_ref()
            .filter(|p| p.ticket == *ticket)
            .map(|p| p.from.clone());
        if main {
            let c = self.convs.get_mut(&key).expect("owner exists");
            if !c.offered.contains(&agent) {
                c.offered.push(agent.clone());
            }
            if matches!(c.state, State::Queued | State::AfterHours) {
                self.transition(at, key, State::Offered, Reason::Offered);
            }
        }
        let c = self.convs.get_mut(&key).expect("owner exists");
        let shown = u64::from(c.transcript.dropped()) + c.transcript.len() as u64;
        match c.marks.iter_mut().find(|(a, _)| *a == agent) {
            Some(m) => m.1 = shown,
            None => c.marks.push((agent.clone(), shown)),
        }
        let mut context = self.context(key, at, &queue);
        context.transfer_from = transfer_from;
        let id = self.convs[&key].id.clone();
        self.act(
            at,
            Action::Offer {
                conversation: id.clone(),
                agent: agent.clone(),
                queue: queue.clone(),
                expires,
                context: Box::new(context),
            },
        );
        self.emit(
            Event::new(at, EventKind::Offered { expires })
                .conversation(id)
                .agent(agent)
                .queue(queue),
        );
    }

    /// Agent `agent` no longer has an offer for conversation `key`.
    fn off_offer(&mut self, at: Timestamp, key: u64, agent: &AgentId, reason: Reason) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        c.offered.retain(|a| a != agent);
        if reason == Reason::Declined && !c.declined.contains(agent) {
            c.declined.push(agent.clone());
        }
        if c.offered.is_empty() && c.state == State::Offered {
            self.back_to_waiting(at, key, reason);
        }
    }

    /// A transfer to a named agent fell through (declined, missed, or the
    /// agent went offline or was removed): a warm one stays with the first
    /// agent, a cold one goes to its queue for anyone.
    pub(super) fn directed_failed(
        &mut self,
        at: Timestamp,
        key: u64,
        p: Pending,
        agent: AgentId,
        reason: Reason,
    ) {
        let id = self.convs[&key].id.clone();
        let _ = self.assigner.finish(at, &p.ticket);
        let c = self.convs.get_mut(&key).expect("owner exists");
        c.pending = None;
        c.offered.retain(|a| *a != agent);
        if p.warm {
            self.act(
                at,
                Action::TransferFailed {
                    conversation: id.clone(),
                    agent: Some(p.from.clone()),
                    to: agent,
                    reason: reason.clone(),
                },
            );
        } else {
            // Cold: it goes to the queue for anyone.
            let (n, next) = self.next_ticket();
            // Already being served: the queue's size limit does not
            // turn it away.
            let req = self.request(key, next.clone(), p.queue.clone()).admitted();
            let waited = self.convs[&key].waiting_since;
            let req = match waited {
                Some(t) => req.waiting_since(t),
                None => req,
            };
            if self.assigner.enqueue(at, req).is_ok() {
                self.issue(n, next.clone(), key);
                if let Some(c) = self.convs.get_mut(&key) {
                    c.ticket = next;
                }
            }
            self.act(
                at,
                Action::TransferFailed {
                    conversation: id.clone(),
                    agent: None,
                    to: agent,
                    reason: reason.clone(),
                },
            );
            self.back_to_waiting(at, key, reason.clone());
        }
        self.retire(&p.ticket);
        self.emit(
            Event::new(at, EventKind::TransferFailed { reason })
                .conversation(id)
                .agent(p.from),
        );
    }

    fn missed(&mut self, at: Timestamp, ticket: &Ticket, agent: AgentId, reason: Reason) {
        let Some((key, main)) = self.owner(ticket) else {
            return;
        };
        let id = self.convs[&key].id.clone();
        if reason == Reason::OfferExpired {
            self.act(
                at,
                Action::RevokeOffer {
                    conversation: id.clone(),
                    agent: agent.clone(),
                    reason: reason.clone(),
                },
            );
        }
        self.emit(
            Event::new(
                at,
                EventKind::OfferMissed {
                    reason: reason.clone(),
                },
            )
            .conversation(id.clone())
            .agent(agent.clone()),
        );
        let directed = self.convs[&key]
            .pending
            .as_ref()
            .filter(|p| p.ticket == *ticket && p.to.as_ref() == Some(&agent))
            .cloned();
        if let Some(p) = directed {
            // A transfer to a named agent who declined or did not answer.
            self.directed_failed(at, key, p, agent, reason);
            return;
        }
        if main {
            self.off_offer(at, key, &agent, reason);
        }
    }

    fn assigned(&mut self, at: Timestamp, ticket: &Ticket, agent: AgentId, queue: QueueId) {
        let Some((key, main)) = self.owner(ticket) else {
            return;
        };
        let c = self.convs.get_mut(&key).expect("owner exists");
        let id = c.id.clone();
        let mut transferred_from = None;
        if let Some(p) = c.pending.take() {
            if p.ticket == *ticket {
                // A transfer completes: the first agent lets go.
                let old = std::mem::replace(&mut c.ticket, ticket.clone());
                if !main {
                    let _ = self.assigner.finish(at, &old);
                    if p.warm {
                        self.act(
                            at,
                            Action::Unassigned {
                                conversation: id.clone(),
                                agent: p.from.clone(),
                                reason: Reason::Transfer,
                            },
                        );
                    }
                }
                self.retire(&old);
                transferred_from = Some(p.from);
            } else {
                // Someone took the conversation itself: the transfer is moot.
                let _ = self.assigner.finish(at, &p.ticket);
                self.retire(&p.ticket);
            }
        }
        let c = self.convs.get_mut(&key).expect("owner exists");
        c.agent = Some(agent.clone());
        if c.agents.last() != Some(&agent) {
            c.agents.push(agent.clone());
        }
        c.offered.clear();
        c.declined.clear();
        c.queue = Some(queue.clone());
        c.responded = false;
        c.held = false;
        c.deadlines.no_agent = None;
        c.deadlines.notice = None;
        c.deadlines.hold = None;
        c.deadlines.inactivity = None;
        let contact = c.contact.clone();
        if let Some(k) = self.contacts.by_id.get_mut(&contact) {
            k.last_agent = Some((agent.clone(), at));
        }
        self.act(
            at,
            Action::Assigned {
                conversation: id.clone(),
                agent: agent.clone(),
                queue: queue.clone(),
            },
        );
        // What the customer wrote after the offer was shown reaches the
        // agent now.
        let c = self.convs.get_mut(&key).expect("owner exists");
        let marks = std::mem::take(&mut c.marks);
        if let Some((_, shown)) = marks.into_iter().find(|(a, _)| *a == agent) {
            let skip = shown.saturating_sub(u64::from(c.transcript.dropped()));
            let later: Vec<_> = c
                .transcript
                .entries()
                .skip(usize::try_from(skip).unwrap_or(usize::MAX))
                .filter(|e| e.from == Party::Customer)
                .map(|e| {
                    (
                        e.channel.clone().unwrap_or_else(|| c.channel.clone()),
                        e.text.clone(),
                        e.attachments.clone(),
                    )
                })
                .collect();
            for (channel, text, attachments) in later {
                self.act(
                    at,
                    Action::Deliver {
                        conversation: id.clone(),
                        agent: agent.clone(),
                        channel,
                        text,
                        attachments,
                    },
                );
            }
        }
        match transferred_from {
            Some(from) => {
                self.transition(at, key, State::WithAgent, Reason::Transfer);
                self.emit(
                    Event::new(at, EventKind::Transferred { from })
                        .conversation(id)
                        .agent(agent)
                        .queue(queue),
                );
            }
            None => self.transition(at, key, State::WithAgent, Reason::Accepted),
        }
        self.reschedule(key);
    }

    fn moved(
        &mut self,
        at: Timestamp,
        ticket: &Ticket,
        from: QueueId,
        to: QueueId,
        reason: Reason,
    ) {
        let Some((key, main)) = self.owner(ticket) else {
            return;
        };
        let c = self.convs.get_mut(&key).expect("owner exists");
        if main {
            c.queue = Some(to.clone());
        } else if let Some(p) = c.pending.as_mut() {
            p.queue = to.clone();
        }
        let id = c.id.clone();
        self.emit(
            Event::new(
                at,
                EventKind::Moved {
                    from,
                    reason: reason.clone(),
                },
            )
            .conversation(id)
            .queue(to),
        );
        if main {
            let was = self.convs[&key].state;
            self.back_to_waiting(at, key, reason);
            if was != State::AfterHours
                && self
                    .convs
                    .get(&key)
                    .is_some_and(|c| c.state == State::AfterHours)
            {
                // Moved into a closed queue: the customer learns when it opens.
                self.queue_notice(at, key, "after_hours");
            }
        }
    }

    /// The handoff context of conversation `key`, offered from `queue`.
    pub(super) fn context(&self, key: u64, at: Timestamp, queue: &QueueId) -> HandoffContext {
        let c = &self.convs[&key];
        let mut ctx = HandoffContext::new(c.contact.clone(), queue.clone(), c.channel.clone());
        ctx.reason = c.reason.clone();
        if let Some(k) = self.contacts.by_id.get(&c.contact) {
            ctx.attributes = k.attributes.clone();
        }
        ctx.channels = c.channels.clone();
        ctx.lang = c.lang.clone();
        ctx.intent = c.intent.clone();
        ctx.slots = c.slots.clone();
        ctx.confidence = c.confidence;
        ctx.sentiment = c.sentiment;
        ctx.previous_agents = c.agents.clone();
        ctx.tags = c.tags.clone();
        ctx.notes = c.notes.clone();
        ctx.suggestions = c.suggestions.clone();
        ctx.transcript = c.transcript.entries().cloned().collect();
        ctx.truncated = c.transcript.dropped();
        ctx.started = Some(c.started);
        ctx.waiting_since = c.waiting_since.filter(|t| *t <= at);
        ctx
    }
}
