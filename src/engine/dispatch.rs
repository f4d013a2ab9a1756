//! What the assigner decided, handed to the conversations it concerns.

use crate::assign::{AssignEvent, MissReason, Presence, RevokeReason, UnassignReason};
use crate::conversation::{Conversation, Env, Stimulus};
use crate::handoff::{Reason, State};
use crate::model::{AgentId, QueueId, Ticket, Timestamp};

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

/// Tells the host to withdraw `agent`'s offer of conversation `c`.
fn revoke(env: &mut Env<'_>, at: Timestamp, c: &Conversation, agent: &AgentId, reason: &Reason) {
    env.act(
        at,
        Action::RevokeOffer {
            conversation: c.id.clone(),
            agent: agent.clone(),
            reason: reason.clone(),
        },
    );
}

impl Switchboard {
    /// Hands every event the assigner has queued to its conversation.
    pub(super) fn drain(&mut self, at: Timestamp) {
        while let Some(ev) = self.assigner.poll_event() {
            self.on_assign(at, ev);
        }
    }

    /// The conversation a ticket belongs to, and whether it is the
    /// conversation's current ticket (not a transfer's).
    fn owner(&self, ticket: &Ticket) -> Option<(u64, bool)> {
        let key = self.tickets.key(ticket)?;
        let c = self.convs.get(&key)?;
        if c.ticket() == ticket {
            Some((key, true))
        } else if c.phase.transfer().is_some_and(|p| p.ticket == *ticket) {
            Some((key, false))
        } else {
            None
        }
    }

    fn on_assign(&mut self, at: Timestamp, ev: AssignEvent) {
        match ev {
            AssignEvent::Offered {
                ticket,
                agent,
                queue,
                expires,
            } => {
                if let Some((key, _)) = self.owner(&ticket) {
                    let offered = Stimulus::Offered {
                        ticket,
                        agent,
                        queue,
                        expires,
                    };
                    self.with_stimulus(at, key, offered);
                }
            }
            AssignEvent::OfferRevoked {
                ticket,
                agent,
                reason,
            } => {
                let Some((key, main)) = self.owner(&ticket) else {
                    return;
                };
                let reason = revoke_reason(reason);
                self.with_conv(key, |c, env| {
                    revoke(env, at, c, &agent, &reason);
                    if main {
                        c.off_offer(env, at, &agent, reason);
                    }
                });
            }
            AssignEvent::OfferMissed {
                ticket,
                agent,
                reason,
            } => {
                let Some((key, _)) = self.owner(&ticket) else {
                    return;
                };
                let reason = miss_reason(reason);
                self.with_conv(key, |c, env| {
                    if reason == Reason::OfferExpired {
                        revoke(env, at, c, &agent, &reason);
                    }
                    env.emit(
                        Event::new(
                            at,
                            EventKind::OfferMissed {
                                reason: reason.clone(),
                            },
                        )
                        .conversation(c.id.clone())
                        .agent(agent.clone()),
                    );
                    let missed = Stimulus::Missed {
                        ticket,
                        agent,
                        reason,
                    };
                    let _ = c.handle(env, at, missed);
                });
            }
            AssignEvent::Assigned {
                ticket,
                agent,
                queue,
            } => {
                if let Some((key, _)) = self.owner(&ticket) {
                    let assigned = Stimulus::Assigned {
                        ticket,
                        agent,
                        queue,
                    };
                    self.with_stimulus(at, key, assigned);
                }
            }
            AssignEvent::Unassigned {
                ticket,
                agent,
                reason,
            } => {
                if let Some((key, true)) = self.owner(&ticket) {
                    let reason = unassign_reason(reason);
                    self.with_stimulus(at, key, Stimulus::Unassigned { agent, reason });
                }
            }
            AssignEvent::Requeued { ticket, queue, .. } => {
                if let Some((key, true)) = self.owner(&ticket) {
                    self.with_conv(key, |c, env| c.requeued(env, at, queue));
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
                // The host is told to show it; the audit log keeps it, as
                // presence time is a figure of its own.
                self.emit(
                    Event::new(
                        at,
                        EventKind::AgentStatus {
                            status: Presence::Away,
                        },
                    )
                    .agent(agent.clone()),
                );
                self.out.act(
                    at,
                    Action::AgentStatus {
                        agent,
                        status: Presence::Away,
                        missed,
                    },
                );
            }
            AssignEvent::QueueOpened { queue } => {
                self.emit(Event::new(at, EventKind::QueueOpened).queue(queue.clone()));
                for key in self.in_queue(&queue, State::AfterHours) {
                    self.with_stimulus(at, key, Stimulus::QueueOpened);
                }
            }
            AssignEvent::QueueClosed { queue, opens } => {
                self.emit(Event::new(at, EventKind::QueueClosed { opens }).queue(queue.clone()));
                for key in self.in_queue(&queue, State::Queued) {
                    self.with_stimulus(at, key, Stimulus::QueueClosed);
                }
            }
        }
    }

    /// Hands conversation `key` an assigner decision; what it leaves is
    /// settled with the input that caused it (decisions never leave an
    /// acknowledgement or a purge).
    fn with_stimulus(&mut self, at: Timestamp, key: u64, stimulus: Stimulus) {
        self.with_conv(key, |c, env| c.handle(env, at, stimulus));
    }

    fn moved(&mut self, at: Timestamp, ticket: &Ticket, from: QueueId, to: QueueId, r: Reason) {
        if let Some((key, main)) = self.owner(ticket) {
            self.with_conv(key, |c, env| c.moved(env, at, main, from, to, r));
        }
    }

    /// The conversations in `state` whose queue is `queue`, in id order.
    /// (The assigner may already have matched them further; their own
    /// events follow.)
    fn in_queue(&self, queue: &QueueId, state: State) -> Vec<u64> {
        let mut keys: Vec<u64> = self
            .convs
            .iter()
            .filter(|(_, c)| c.state() == state && c.queue.as_ref() == Some(queue))
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable();
        keys
    }
}
