//! With an agent: offers accepted and declined, assignment, the agent's
//! messages, transfers, hold and hand back, and letting go.

use crate::assign::{AssignError, ConversationStatus, Presence, Request};
use crate::engine::{Action, Event, EventKind, InputError};
use crate::handoff::{Note, Party, Reason};
use crate::model::{AgentId, BotId, Content, QueueId, Ticket, Timestamp};

use super::{Conversation, Env, Phase, SendRefusal, Serving, Timer, Transfer, Wait};

impl Conversation {
    /// Records that an input was a retry and changed nothing.
    pub(crate) fn duplicate(&self, env: &mut Env<'_>, now: Timestamp, input: &str) {
        let input = input.into();
        env.emit_about(now, self, EventKind::Duplicate { input });
    }

    /// Checks that `agent` has the conversation, for `action`.
    pub(crate) fn owned_by(&self, agent: &AgentId, action: &'static str) -> Result<(), InputError> {
        match self.agent() {
            None => Err(InputError::NotAllowed {
                conversation: self.id.clone(),
                state: self.state(),
                action,
            }),
            Some(a) if a != agent => Err(InputError::NotYours {
                agent: agent.clone(),
                conversation: self.id.clone(),
            }),
            Some(_) => Ok(()),
        }
    }

    fn not_offered(&self, agent: &AgentId) -> InputError {
        InputError::NotOffered {
            agent: agent.clone(),
            conversation: self.id.clone(),
        }
    }

    /// The warm transfer in progress, whose ticket is not the
    /// conversation's own.
    fn warm_transfer(&self) -> Option<&Transfer> {
        self.phase
            .transfer()
            .filter(|p| Some(&p.ticket) != self.phase.ticket())
    }

    /// `agent` accepts an offer of it (or of its warm transfer).
    pub(crate) fn accept(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        if let Some(p) = self.warm_transfer() {
            let ticket = p.ticket.clone();
            match env.assigner.accept(now, agent, &ticket) {
                Ok(()) => return Ok(()),
                Err(AssignError::NotOffered { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if self.agent() == Some(agent) {
            self.duplicate(env, now, "agent_accept");
            return Ok(());
        }
        if !self.state().is_waiting() {
            return Err(self.not_offered(agent));
        }
        let ticket = self.ticket().clone();
        match env.assigner.accept(now, agent, &ticket) {
            Ok(()) => Ok(()),
            Err(AssignError::NotOffered { .. } | AssignError::UnknownTicket(_)) => {
                Err(self.not_offered(agent))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `agent` declines an offer of it (or of its warm transfer).
    pub(crate) fn decline(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        if let Some(p) = self.warm_transfer() {
            let ticket = p.ticket.clone();
            match env.assigner.decline(now, agent, &ticket) {
                Ok(()) => return Ok(()),
                Err(AssignError::NotOffered { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let ticket = self.ticket().clone();
        // The assigner first: an agent who declined may be offered the
        // conversation again when nobody else can take it, and that new
        // offer's decline counts.
        match env.assigner.decline(now, agent, &ticket) {
            Ok(()) => Ok(()),
            Err(AssignError::NotOffered { .. } | AssignError::UnknownTicket(_))
                if self.declined.contains(agent) =>
            {
                self.duplicate(env, now, "agent_decline");
                Ok(())
            }
            Err(AssignError::NotOffered { .. } | AssignError::UnknownTicket(_)) => {
                Err(self.not_offered(agent))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The assigner gave it (under `ticket`, its own when `main`) to
    /// `agent` from `queue`: a transfer completes, the agent gets what the
    /// customer wrote since the offer, and the conversation is theirs.
    pub(crate) fn assigned(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        ticket: &Ticket,
        main: bool,
        agent: AgentId,
        queue: QueueId,
    ) {
        let old = self.phase.ticket().cloned();
        let mut transferred_from = None;
        if let Some(p) = self.phase.transfer_mut().and_then(Option::take) {
            if p.ticket == *ticket {
                // A transfer completes: the first agent lets go.
                if !main {
                    if let Some(old) = &old {
                        let _ = env.assigner.finish(at, old);
                    }
                    if p.warm {
                        env.act(
                            at,
                            Action::Unassigned {
                                conversation: self.id.clone(),
                                agent: p.from.clone(),
                                reason: Reason::Transfer,
                            },
                        );
                    }
                }
                transferred_from = Some(p.from);
            } else {
                // Someone took the conversation itself: the transfer is moot.
                self.drop_transfer(env, at, &p.ticket);
            }
        }
        if self.agents.last() != Some(&agent) {
            self.agents.push(agent.clone());
        }
        self.declined.clear();
        self.queue = Some(queue.clone());
        for t in [
            Timer::NoAgent,
            Timer::Notice,
            Timer::Hold,
            Timer::Inactivity,
        ] {
            self.timers.stop(t);
        }
        if let Some(k) = env.contacts.by_id.get_mut(&self.contact) {
            k.last_agent = Some((agent.clone(), at));
        }
        env.act(
            at,
            Action::Assigned {
                conversation: self.id.clone(),
                agent: agent.clone(),
                queue: queue.clone(),
            },
        );
        self.deliver_since_offer(env, at, &agent);
        let serving = Phase::WithAgent(Serving {
            ticket: ticket.clone(),
            agent: agent.clone(),
            held: false,
            responded: false,
            transfer: None,
        });
        match transferred_from {
            Some(from) => {
                self.transition(env, at, serving, Reason::Transfer);
                env.emit(
                    Event::new(at, EventKind::Transferred { from })
                        .conversation(self.id.clone())
                        .agent(agent)
                        .queue(queue),
                );
            }
            None => self.transition(env, at, serving, Reason::Accepted),
        }
        self.rest(env, at);
    }

    /// Delivers to `agent` what the customer wrote after `agent`'s offer
    /// showed the transcript.
    fn deliver_since_offer(&mut self, env: &mut Env<'_>, at: Timestamp, agent: &AgentId) {
        let marks = std::mem::take(&mut self.marks);
        let Some((_, shown)) = marks.into_iter().find(|(a, _)| a == agent) else {
            return;
        };
        let skip = shown.saturating_sub(u64::from(self.transcript.dropped()));
        let later = self
            .transcript
            .entries()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .filter(|e| e.from == Party::Customer);
        for e in later {
            env.act(
                at,
                Action::Deliver {
                    conversation: self.id.clone(),
                    agent: agent.clone(),
                    channel: e.channel.clone().unwrap_or_else(|| self.channel.clone()),
                    text: e.text.clone(),
                    attachments: e.attachments.clone(),
                    choice: e.choice.as_deref().cloned(),
                    reply_to: e.reply_to.as_deref().cloned(),
                },
            );
        }
    }

    /// The assigner took it from its agent (who went offline, was removed,
    /// or let the reply deadline pass): it waits again.
    pub(crate) fn unassigned(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        agent: AgentId,
        reason: Reason,
    ) {
        self.cancel_transfer(env, at, reason.clone());
        let Some(ticket) = self.phase.serving().map(|s| s.ticket.clone()) else {
            return;
        };
        self.timers.stop(Timer::Hold);
        self.timers.stop(Timer::Inactivity);
        env.act(
            at,
            Action::Unassigned {
                conversation: self.id.clone(),
                agent,
                reason: reason.clone(),
            },
        );
        self.restart_wait(env, at);
        self.back_to_waiting(env, at, reason, Some(Wait::new(ticket)));
    }

    /// Cancels a warm transfer (its agent left before the new one
    /// accepted: the conversation waits in its queue).
    fn cancel_transfer(&mut self, env: &mut Env<'_>, at: Timestamp, reason: Reason) {
        if self.warm_transfer().is_none() {
            return;
        }
        let Some(p) = self.phase.transfer_mut().and_then(Option::take) else {
            return;
        };
        self.drop_transfer(env, at, &p.ticket);
        env.emit(
            Event::new(at, EventKind::TransferFailed { reason })
                .conversation(self.id.clone())
                .agent(p.from),
        );
    }

    /// Takes the request of a transfer that will not go through (under
    /// `ticket`, not the conversation's own) out of the assigner. The
    /// conversation stops answering to that ticket, so the offers
    /// withdrawn with it are taken off the agents' screens here.
    fn drop_transfer(&self, env: &mut Env<'_>, at: Timestamp, ticket: &Ticket) {
        let Ok(ConversationStatus::Offered { agents, .. }) = env.assigner.finish(at, ticket) else {
            return;
        };
        for agent in agents {
            env.act(
                at,
                Action::RevokeOffer {
                    conversation: self.id.clone(),
                    agent,
                    reason: Reason::OfferRevoked,
                },
            );
        }
    }

    /// The agent writes to the customer. Once the reply window has closed
    /// the message goes out as the approved template for agents' replies,
    /// or is kept until the customer writes again.
    ///
    /// # Errors
    ///
    /// The agent does not have it, the customer opted out, or the channel
    /// cannot carry the content.
    pub(crate) fn agent_message(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
        content: &Content,
    ) -> Result<(), InputError> {
        self.owned_by(agent, "send an agent message to")?;
        let by = Party::Agent {
            agent: agent.clone(),
        };
        match self.send(env, now, content, by) {
            Ok(_) => {}
            Err(SendRefusal::OptedOut) => return Err(InputError::OptedOut(self.id.clone())),
            Err(SendRefusal::Render(error)) => {
                return Err(InputError::Render {
                    conversation: self.id.clone(),
                    channel: self.channel.clone(),
                    error,
                });
            }
        }
        let inactivity = env.settings().inactivity_timeout;
        let after = self.waited(now);
        let Some(s) = self.phase.serving_mut() else {
            return Ok(());
        };
        let first = !s.responded;
        s.responded = true;
        let (held, ticket) = (s.held, s.ticket.clone());
        if !held {
            self.timers.set(Timer::Inactivity, now + inactivity);
        }
        let _ = env.assigner.agent_replied(now, &ticket);
        if first {
            let mut e = Event::new(now, EventKind::FirstResponse { after })
                .conversation(self.id.clone())
                .agent(agent.clone());
            e.queue = self.queue.clone();
            env.emit(e);
        }
        self.rest(env, now);
        Ok(())
    }

    /// A request for this conversation under `ticket` in `queue`.
    fn request(&self, env: &Env<'_>, ticket: Ticket, queue: QueueId) -> Request {
        let mut req = Request::new(ticket, queue, self.channel.clone())
            .with_priority(self.priority)
            .with_tags(self.tags.iter().cloned());
        if let Some(l) = &self.lang {
            req = req.with_lang(l.clone());
        }
        if let Some(k) = env.contact(self) {
            req = req.with_contact(k.attributes.clone());
        }
        req
    }

    /// The agent who has it transfers it to `queue` (the conversation's
    /// own when not given), to `to`, or both: warm, the agent keeps it
    /// until the next accepts; cold, they let go now.
    ///
    /// # Errors
    ///
    /// Nobody has it, a transfer is pending, there is no target, the
    /// queue or the agent does not exist, or the agent is not available.
    pub(crate) fn transfer(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        t: &crate::engine::Transfer,
    ) -> Result<(), InputError> {
        let not_allowed = |action| InputError::NotAllowed {
            conversation: self.id.clone(),
            state: self.state(),
            action,
        };
        let Some(from) = self.agent().cloned() else {
            return Err(not_allowed("transfer"));
        };
        if self.phase.transfer().is_some() {
            return Err(not_allowed("transfer again (a transfer is pending) for"));
        }
        if t.queue.is_none() && t.agent.is_none() || t.agent.as_ref() == Some(&from) {
            return Err(InputError::NoTarget(self.id.clone()));
        }
        let Some(queue) = t.queue.clone().or_else(|| self.queue.clone()) else {
            return Err(InputError::NoTarget(self.id.clone()));
        };
        if env.config.queue(queue.as_str()).is_none() {
            return Err(InputError::UnknownQueue(queue));
        }
        if let Some(a) = &t.agent {
            // A named agent must be able to take it now: a transfer must
            // not wait on someone who is away or signed out.
            match env.assigner.agent(a) {
                None => return Err(InputError::UnknownAgent(a.clone())),
                Some(v) if v.presence() != Presence::Available => {
                    return Err(InputError::Unavailable(a.clone()));
                }
                Some(_) => {}
            }
        }
        let (n, ticket) = env.tickets.next();
        let mut req = self.request(env, ticket.clone(), queue.clone());
        if let Some(a) = &t.agent {
            req = req.for_agent(a.clone());
        }
        if t.warm {
            // The first agent keeps it meanwhile: never offer it back.
            req = req.excluding(from.clone());
        }
        env.assigner.enqueue(now, req)?;
        // Accepted: from here on nothing fails.
        env.tickets.issue(n, ticket.clone(), env.key);
        let transfer = Transfer {
            ticket: ticket.clone(),
            from: from.clone(),
            to: t.agent.clone(),
            queue: queue.clone(),
            warm: t.warm,
        };
        if let Some(slot) = self.phase.transfer_mut() {
            *slot = Some(transfer.clone());
        }
        if let Some(n) = &t.note {
            self.add_note(Note {
                at: now,
                by: Party::Agent {
                    agent: from.clone(),
                },
                text: n.clone(),
            });
        }
        env.emit(
            Event::new(
                now,
                EventKind::TransferRequested {
                    to: t.agent.clone(),
                    warm: t.warm,
                },
            )
            .conversation(self.id.clone())
            .agent(from.clone())
            .queue(queue.clone()),
        );
        self.notice(env, now, "transfer", &[("queue", queue.as_str())]);
        if !t.warm {
            // Cold: the first agent lets go now; the transfer request is
            // the conversation's request from here on.
            if let Some(old) = self.phase.ticket().cloned() {
                let _ = env.assigner.finish(now, &old);
            }
            env.act(
                now,
                Action::Unassigned {
                    conversation: self.id.clone(),
                    agent: from,
                    reason: Reason::Transfer,
                },
            );
            let settings = env.settings();
            let (interval, no_agent) = (settings.notice_interval, settings.no_agent_timeout);
            self.queue = Some(queue);
            self.declined.clear();
            self.waiting_since = Some(now);
            self.timers.stop(Timer::Hold);
            self.timers.stop(Timer::Inactivity);
            self.timers.set(Timer::Notice, now + interval);
            self.timers
                .set_opt(Timer::NoAgent, no_agent.map(|d| now + d));
            let mut wait = Wait::new(ticket);
            wait.transfer = Some(transfer);
            self.back_to_waiting(env, now, Reason::Transfer, Some(wait));
            self.rest(env, now);
        }
        Ok(())
    }

    /// A transfer to a named agent fell through (declined, missed, or the
    /// agent went offline or was removed): a warm one stays with the first
    /// agent, a cold one goes to its queue for anyone.
    pub(crate) fn directed_failed(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        agent: AgentId,
        reason: Reason,
    ) {
        let Some(p) = self.phase.transfer_mut().and_then(Option::take) else {
            return;
        };
        let _ = env.assigner.finish(at, &p.ticket);
        if let Phase::Offered { agents, .. } = &mut self.phase {
            agents.retain(|a| *a != agent);
        }
        if p.warm {
            env.act(
                at,
                Action::TransferFailed {
                    conversation: self.id.clone(),
                    agent: Some(p.from.clone()),
                    to: agent,
                    reason: reason.clone(),
                },
            );
        } else {
            // Cold: it goes to the queue for anyone.
            let (n, next) = env.tickets.next();
            // Already being served: the queue's size limit does not turn
            // it away.
            let req = self.request(env, next.clone(), p.queue.clone()).admitted();
            let req = match self.waiting_since {
                Some(t) => req.waiting_since(t),
                None => req,
            };
            if env.assigner.enqueue(at, req).is_ok() {
                env.tickets.issue(n, next.clone(), env.key);
                if let Some(w) = self.phase.wait_mut() {
                    w.ticket = next;
                }
            }
            env.act(
                at,
                Action::TransferFailed {
                    conversation: self.id.clone(),
                    agent: None,
                    to: agent,
                    reason: reason.clone(),
                },
            );
            self.back_to_waiting(env, at, reason.clone(), None);
        }
        env.emit(
            Event::new(at, EventKind::TransferFailed { reason })
                .conversation(self.id.clone())
                .agent(p.from),
        );
    }

    /// The agent puts it on hold: the customer's silence no longer closes
    /// it, until `hold_timeout`.
    pub(crate) fn hold(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        self.owned_by(agent, "hold")?;
        let hold = env.settings().hold_timeout;
        let Some(s) = self.phase.serving_mut() else {
            return Ok(());
        };
        if s.held {
            self.duplicate(env, now, "hold");
            return Ok(());
        }
        s.held = true;
        self.timers.set(Timer::Hold, now + hold);
        self.timers.stop(Timer::Inactivity);
        let mut e = Event::new(now, EventKind::Held)
            .conversation(self.id.clone())
            .agent(agent.clone());
        e.queue = self.queue.clone();
        env.emit(e);
        self.rest(env, now);
        Ok(())
    }

    /// The agent hands it back to `bot` (its last bot, or the default one).
    ///
    /// # Errors
    ///
    /// The agent does not have it, the bot is unknown, or there is none.
    pub(crate) fn hand_back(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
        bot: Option<BotId>,
    ) -> Result<(), InputError> {
        self.owned_by(agent, "hand back")?;
        if let Some(b) = &bot
            && env.config.bot(b.as_str()).is_none()
        {
            return Err(InputError::UnknownBot(b.clone()));
        }
        let Some(bot) = bot
            .or_else(|| self.bot.clone())
            .or_else(|| env.config.spec().defaults.bot.clone().map(BotId::new))
        else {
            return Err(InputError::NoBot(self.id.clone()));
        };
        self.release(env, now, Some(Reason::HandBack));
        self.bot = Some(bot);
        self.restart_bot();
        let inactivity = env.settings().inactivity_timeout;
        self.timers.set(Timer::Inactivity, now + inactivity);
        self.transition(env, now, Phase::Bot { asked: false }, Reason::HandBack);
        self.rest(env, now);
        Ok(())
    }

    /// Takes it out of the assigner (and any transfer), telling its agent
    /// why when `reason` is given. The caller moves it on to its next
    /// phase.
    ///
    /// The ticket it leaves under becomes its own (after a transfer it is
    /// the transfer's): what the assigner says about that ticket as it
    /// lets go — the offers it withdraws — comes back to the conversation,
    /// and the host is told to take them off the agents' screens.
    pub(crate) fn release(&mut self, env: &mut Env<'_>, now: Timestamp, reason: Option<Reason>) {
        let ticket = self.phase.ticket().cloned();
        let transfer = self.phase.transfer().cloned();
        let agent = self.agent().cloned();
        for t in [Timer::Hold, Timer::NoAgent, Timer::Notice, Timer::Bot] {
            self.timers.stop(t);
        }
        if let Some(p) = &transfer
            && Some(&p.ticket) != ticket.as_ref()
        {
            self.drop_transfer(env, now, &p.ticket);
        }
        if let Some(t) = ticket {
            let _ = env.assigner.finish(now, &t);
            self.home = t;
        }
        if let (Some(agent), Some(reason)) = (agent, reason) {
            env.act(
                now,
                Action::Unassigned {
                    conversation: self.id.clone(),
                    agent,
                    reason,
                },
            );
        }
    }

    /// Whether a transfer to `agent` waits on them (they signed out or were
    /// removed, so it falls through).
    pub(crate) fn transfer_waits_on(&self, agent: &AgentId) -> bool {
        self.phase
            .transfer()
            .is_some_and(|p| p.to.as_ref() == Some(agent))
    }
}
