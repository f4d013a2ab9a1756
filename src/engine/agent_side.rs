//! What agents and the host do to conversations: accept, decline, message,
//! transfer, hold, hand back, close; CSAT, notes, tags; agents; contacts.

use crate::assign::{AgentProfile, AssignError, Presence, Request};
use crate::handoff::{Note, Party, Reason, State};
use crate::model::{
    Address, AgentId, BotId, ChannelKind, ContactId, ConversationId, QueueId, Ticket, Timestamp,
};

use super::conversation::{Pending, number};
use super::validate::{check_text, check_texts, non_empty};
use super::{Action, Closer, Event, EventKind, InputError, Switchboard, Transfer};

impl Switchboard {
    /// The key of a conversation the engine knows.
    pub(super) fn key(&self, id: &ConversationId) -> Result<u64, InputError> {
        number(id.as_str())
            .filter(|k| self.convs.contains_key(k))
            .ok_or_else(|| InputError::UnknownConversation(id.clone()))
    }

    fn duplicate(&mut self, now: Timestamp, input: &str, conversation: Option<ConversationId>) {
        let mut e = Event::new(
            now,
            EventKind::Duplicate {
                input: input.into(),
            },
        );
        e.conversation = conversation;
        self.emit(e);
    }

    fn known_agent(&self, agent: &AgentId) -> Result<(), InputError> {
        match self.assigner.agent(agent) {
            Some(_) => Ok(()),
            None => Err(InputError::UnknownAgent(agent.clone())),
        }
    }

    /// Checks that `agent` has conversation `key`.
    fn owned(&self, key: u64, agent: &AgentId, action: &'static str) -> Result<(), InputError> {
        self.known_agent(agent)?;
        let c = &self.convs[&key];
        if c.state != State::WithAgent {
            return Err(InputError::NotAllowed {
                conversation: c.id.clone(),
                state: c.state,
                action,
            });
        }
        if c.agent.as_ref() != Some(agent) {
            return Err(InputError::NotYours {
                agent: agent.clone(),
                conversation: c.id.clone(),
            });
        }
        Ok(())
    }

    // ----- agents -------------------------------------------------------

    pub(super) fn agent_upsert(
        &mut self,
        now: Timestamp,
        p: AgentProfile,
    ) -> Result<(), InputError> {
        self.assigner.upsert_agent(now, p)?;
        Ok(())
    }

    pub(super) fn agent_remove(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        self.assigner.remove_agent(now, agent)?;
        self.transfers_to_gone(now, agent, Reason::AgentRemoved);
        self.emit(
            Event::new(
                now,
                EventKind::AgentStatus {
                    status: Presence::Offline,
                },
            )
            .agent(agent.clone()),
        );
        Ok(())
    }

    pub(super) fn agent_status(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        status: Presence,
    ) -> Result<(), InputError> {
        self.assigner.set_presence(now, agent, status)?;
        if status == Presence::Offline {
            self.transfers_to_gone(now, agent, Reason::AgentOffline);
        }
        self.emit(Event::new(now, EventKind::AgentStatus { status }).agent(agent.clone()));
        Ok(())
    }

    /// Transfers waiting for `agent`, who signed out or was removed, fall
    /// through. (A scan of the conversations: sign-outs are rare next to
    /// messages.)
    fn transfers_to_gone(&mut self, now: Timestamp, agent: &AgentId, reason: Reason) {
        let mut keys: Vec<u64> = self
            .convs
            .iter()
            .filter(|(_, c)| {
                c.pending
                    .as_ref()
                    .is_some_and(|p| p.to.as_ref() == Some(agent))
            })
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable();
        for key in keys {
            if let Some(p) = self.convs.get(&key).and_then(|c| c.pending.clone()) {
                self.directed_failed(now, key, p, agent.clone(), reason.clone());
            }
        }
    }

    // ----- offers -------------------------------------------------------

    pub(super) fn accept(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
    ) -> Result<(), InputError> {
        let key = self.key(id)?;
        self.known_agent(agent)?;
        let c = &self.convs[&key];
        if let Some(p) = &c.pending
            && p.ticket != c.ticket
        {
            let ticket = p.ticket.clone();
            match self.assigner.accept(now, agent, &ticket) {
                Ok(()) => return Ok(()),
                Err(AssignError::NotOffered { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let c = &self.convs[&key];
        if c.state == State::WithAgent && c.agent.as_ref() == Some(agent) {
            self.duplicate(now, "agent_accept", Some(id.clone()));
            return Ok(());
        }
        if !c.state.is_waiting() {
            return Err(InputError::NotOffered {
                agent: agent.clone(),
                conversation: id.clone(),
            });
        }
        let ticket = c.ticket.clone();
        match self.assigner.accept(now, agent, &ticket) {
            Ok(()) => Ok(()),
            Err(AssignError::NotOffered { .. } | AssignError::UnknownTicket(_)) => {
                Err(InputError::NotOffered {
                    agent: agent.clone(),
                    conversation: id.clone(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn decline(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
    ) -> Result<(), InputError> {
        let key = self.key(id)?;
        self.known_agent(agent)?;
        let c = &self.convs[&key];
        if let Some(p) = &c.pending
            && p.ticket != c.ticket
        {
            let ticket = p.ticket.clone();
            match self.assigner.decline(now, agent, &ticket) {
                Ok(()) => return Ok(()),
                Err(AssignError::NotOffered { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let c = &self.convs[&key];
        let ticket = c.ticket.clone();
        // The assigner first: an agent who declined may be offered the
        // conversation again when nobody else can take it, and that new
        // offer's decline counts.
        match self.assigner.decline(now, agent, &ticket) {
            Ok(()) => Ok(()),
            Err(AssignError::NotOffered { .. } | AssignError::UnknownTicket(_))
                if self.convs[&key].declined.contains(agent) =>
            {
                self.duplicate(now, "agent_decline", Some(id.clone()));
                Ok(())
            }
            Err(AssignError::NotOffered { .. } | AssignError::UnknownTicket(_)) => {
                Err(InputError::NotOffered {
                    agent: agent.clone(),
                    conversation: id.clone(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    // ----- agent to customer --------------------------------------------

    pub(super) fn agent_message(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
        text: String,
    ) -> Result<(), InputError> {
        check_text(&text, self.settings.max_text)?;
        let key = self.key(id)?;
        self.owned(key, agent, "send an agent message to")?;
        let by = Party::Agent {
            agent: agent.clone(),
        };
        match self.send(now, key, &text, by) {
            Ok(()) => {}
            Err(super::SendRefusal::OptedOut) => return Err(InputError::OptedOut(id.clone())),
            Err(super::SendRefusal::WindowClosed) => {
                return Err(InputError::WindowClosed(id.clone()));
            }
            Err(super::SendRefusal::Render(error)) => {
                return Err(InputError::Render {
                    conversation: id.clone(),
                    channel: self.convs[&key].channel.clone(),
                    error,
                });
            }
            Err(super::SendRefusal::Gone) => {
                return Err(InputError::UnknownConversation(id.clone()));
            }
        }
        let inactivity = self.settings.inactivity;
        let c = self.convs.get_mut(&key).expect("checked above");
        let ticket = c.ticket.clone();
        if !c.held {
            c.deadlines.inactivity = Some(now + inactivity);
        }
        let first = !c.responded;
        c.responded = true;
        let after = c.waited(now);
        let queue = c.queue.clone();
        let _ = self.assigner.agent_replied(now, &ticket);
        if first {
            let mut e = Event::new(now, EventKind::FirstResponse { after })
                .conversation(id.clone())
                .agent(agent.clone());
            e.queue = queue;
            self.emit(e);
        }
        self.reschedule(key);
        Ok(())
    }

    // ----- transfer, hold, hand back ------------------------------------

    /// A request for conversation `key` under `ticket`.
    pub(super) fn request(&self, key: u64, ticket: Ticket, queue: QueueId) -> Request {
        let c = &self.convs[&key];
        let mut req = Request::new(ticket, queue, c.channel.clone())
            .with_priority(c.priority)
            .with_tags(c.tags.iter().cloned());
        if let Some(l) = &c.lang {
            req = req.with_lang(l.clone());
        }
        if let Some(k) = self.contacts.by_id.get(&c.contact) {
            req = req.with_contact(k.attributes.clone());
        }
        req
    }

    pub(super) fn transfer(&mut self, now: Timestamp, t: Transfer) -> Result<(), InputError> {
        if let Some(n) = &t.note {
            check_text(n, self.settings.max_text)?;
        }
        let key = self.key(&t.conversation)?;
        let c = &self.convs[&key];
        let Some(from) = c.agent.clone().filter(|_| c.state == State::WithAgent) else {
            return Err(InputError::NotAllowed {
                conversation: c.id.clone(),
                state: c.state,
                action: "transfer",
            });
        };
        if c.pending.is_some() {
            return Err(InputError::NotAllowed {
                conversation: c.id.clone(),
                state: c.state,
                action: "transfer again (a transfer is pending) for",
            });
        }
        if t.queue.is_none() && t.agent.is_none() || t.agent.as_ref() == Some(&from) {
            return Err(InputError::NoTarget(c.id.clone()));
        }
        let Some(queue) = t.queue.clone().or_else(|| c.queue.clone()) else {
            return Err(InputError::NoTarget(c.id.clone()));
        };
        if self.config.queue(queue.as_str()).is_none() {
            return Err(InputError::UnknownQueue(queue));
        }
        if let Some(a) = &t.agent {
            // A named agent must be able to take it now: a transfer must
            // not wait on someone who is away or signed out.
            match self.assigner.agent(a) {
                None => return Err(InputError::UnknownAgent(a.clone())),
                Some(v) if v.presence() != Presence::Available => {
                    return Err(InputError::Unavailable(a.clone()));
                }
                Some(_) => {}
            }
        }
        let (n, ticket) = self.next_ticket();
        let mut req = self.request(key, ticket.clone(), queue.clone());
        if let Some(a) = &t.agent {
            req = req.for_agent(a.clone());
        }
        if t.warm {
            // The first agent keeps it meanwhile: never offer it back.
            req = req.excluding(from.clone());
        }
        self.assigner.enqueue(now, req)?;
        // Accepted: from here on nothing fails.
        self.issue(n, ticket.clone(), key);
        let c = self.convs.get_mut(&key).expect("checked above");
        c.pending = Some(Pending {
            ticket: ticket.clone(),
            from: from.clone(),
            to: t.agent.clone(),
            queue: queue.clone(),
            warm: t.warm,
        });
        if let Some(n) = t.note {
            c.add_note(Note {
                at: now,
                by: Party::Agent {
                    agent: from.clone(),
                },
                text: n,
            });
        }
        let id = c.id.clone();
        self.emit(
            Event::new(
                now,
                EventKind::TransferRequested {
                    to: t.agent.clone(),
                    warm: t.warm,
                },
            )
            .conversation(id.clone())
            .agent(from.clone())
            .queue(queue.clone()),
        );
        self.notice(now, key, "transfer", &[("queue", queue.as_str())]);
        if !t.warm {
            // Cold: the first agent lets go now; the transfer request is
            // the conversation's request from here on.
            let old = std::mem::replace(
                &mut self.convs.get_mut(&key).expect("checked above").ticket,
                ticket,
            );
            let _ = self.assigner.finish(now, &old);
            self.retire(&old);
            self.act(
                now,
                Action::Unassigned {
                    conversation: id,
                    agent: from,
                    reason: Reason::Transfer,
                },
            );
            let interval = self.settings.notice_interval;
            let no_agent = self.settings.no_agent;
            let c = self.convs.get_mut(&key).expect("checked above");
            c.agent = None;
            c.held = false;
            c.offered.clear();
            c.declined.clear();
            c.queue = Some(queue);
            c.waiting_since = Some(now);
            c.deadlines.hold = None;
            c.deadlines.inactivity = None;
            c.deadlines.notice = Some(now + interval);
            c.deadlines.no_agent = no_agent.map(|d| now + d);
            self.back_to_waiting(now, key, Reason::Transfer);
            self.reschedule(key);
        }
        Ok(())
    }

    pub(super) fn hold(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
    ) -> Result<(), InputError> {
        let key = self.key(id)?;
        self.owned(key, agent, "hold")?;
        let hold = self.settings.hold;
        let c = self.convs.get_mut(&key).expect("checked above");
        if c.held {
            self.duplicate(now, "hold", Some(id.clone()));
            return Ok(());
        }
        c.held = true;
        c.deadlines.hold = Some(now + hold);
        c.deadlines.inactivity = None;
        let queue = c.queue.clone();
        let mut e = Event::new(now, EventKind::Held)
            .conversation(id.clone())
            .agent(agent.clone());
        e.queue = queue;
        self.emit(e);
        self.reschedule(key);
        Ok(())
    }

    pub(super) fn hand_back(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
        bot: Option<BotId>,
    ) -> Result<(), InputError> {
        let key = self.key(id)?;
        self.owned(key, agent, "hand back")?;
        if let Some(b) = &bot
            && self.config.bot(b.as_str()).is_none()
        {
            return Err(InputError::UnknownBot(b.clone()));
        }
        let c = &self.convs[&key];
        let Some(bot) = bot
            .or_else(|| c.bot.clone())
            .or_else(|| self.config.spec().defaults.bot.clone().map(BotId::new))
        else {
            return Err(InputError::NoBot(id.clone()));
        };
        self.release(now, key, Some(Reason::HandBack));
        let inactivity = self.settings.inactivity;
        let c = self.convs.get_mut(&key).expect("checked above");
        c.bot = Some(bot);
        c.asked = false;
        c.restart_bot();
        c.deadlines.inactivity = Some(now + inactivity);
        self.transition(now, key, State::Bot, Reason::HandBack);
        self.reschedule(key);
        Ok(())
    }

    /// Takes conversation `key` out of the assigner (and any transfer),
    /// telling its agent why (when `reason` is given).
    pub(super) fn release(&mut self, now: Timestamp, key: u64, reason: Option<Reason>) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        let pending = c.pending.take();
        let ticket = c.ticket.clone();
        let agent = c.agent.take();
        let id = c.id.clone();
        let in_assigner = c.state.is_waiting() || c.state == State::WithAgent;
        c.held = false;
        c.offered.clear();
        c.deadlines.hold = None;
        c.deadlines.no_agent = None;
        c.deadlines.notice = None;
        c.deadlines.bot = None;
        c.asked = false;
        if let Some(p) = &pending
            && p.ticket != ticket
        {
            let _ = self.assigner.finish(now, &p.ticket);
        }
        if in_assigner {
            let _ = self.assigner.finish(now, &ticket);
        }
        if let (Some(agent), Some(reason)) = (agent, reason) {
            self.act(
                now,
                Action::Unassigned {
                    conversation: id,
                    agent,
                    reason,
                },
            );
        }
        // The conversation's own ticket serves it from here on.
        if let Some(c) = self.convs.get_mut(&key) {
            c.ticket = c.home.clone();
        }
        self.retire(&ticket);
        if let Some(p) = pending {
            self.retire(&p.ticket);
        }
    }

    // ----- closing -------------------------------------------------------

    pub(super) fn close_input(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        by: Closer,
        agent: Option<&AgentId>,
    ) -> Result<(), InputError> {
        let key = self.key(id)?;
        if let Some(a) = agent {
            self.owned(key, a, "close")?;
        }
        let c = &self.convs[&key];
        if c.state == State::Closed {
            self.duplicate(now, "close", Some(id.clone()));
            return Ok(());
        }
        let reason = match by {
            Closer::Agent => Reason::ClosedByAgent,
            Closer::Customer if c.state.is_waiting() => Reason::Abandoned,
            Closer::Customer => Reason::ClosedByCustomer,
            Closer::Bot => Reason::ClosedByBot,
            Closer::System => Reason::ClosedBySystem,
        };
        self.close(now, key, reason, None);
        Ok(())
    }

    /// Closes conversation `key`, sending notice `notice` first.
    pub(super) fn close(&mut self, now: Timestamp, key: u64, reason: Reason, notice: Option<&str>) {
        if let Some(n) = notice {
            self.notice(now, key, n, &[]);
        }
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        let had_agent = c.state == State::WithAgent;
        // The agent sees why they lost it, unless they closed it.
        let unassign = (reason != Reason::ClosedByAgent).then(|| reason.clone());
        self.release(now, key, unassign);
        let reopen = self.settings.reopen;
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        c.deadlines = super::conversation::Deadlines {
            purge: Some(now + reopen),
            ..Default::default()
        };
        c.closed_at = Some(now);
        let id = c.id.clone();
        self.transition(now, key, State::Closed, reason.clone());
        self.act(
            now,
            Action::Closed {
                conversation: id,
                reason: reason.clone(),
            },
        );
        if self.settings.csat && had_agent && reason != Reason::Abandoned {
            self.notice(now, key, "csat", &[]);
            if let Some(c) = self.convs.get_mut(&key) {
                c.csat_asked = true;
            }
        }
        self.reschedule(key);
    }

    pub(super) fn csat(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        score: u8,
    ) -> Result<(), InputError> {
        if !(1..=5).contains(&score) {
            return Err(InputError::Score(score));
        }
        let key = self.key(id)?;
        if self.convs[&key].csat == Some(score) {
            self.duplicate(now, "csat", Some(id.clone()));
            return Ok(());
        }
        self.record_csat(now, key, score);
        Ok(())
    }

    /// Records a satisfaction score (from the host, or the customer's
    /// answer to the survey).
    pub(super) fn record_csat(&mut self, now: Timestamp, key: u64, score: u8) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        c.csat = Some(score);
        let (id, agent, queue) = (c.id.clone(), c.agents.last().cloned(), c.queue.clone());
        let mut e = Event::new(now, EventKind::Csat { score }).conversation(id);
        e.agent = agent;
        e.queue = queue;
        self.emit(e);
    }

    // ----- notes, tags, contacts ----------------------------------------

    pub(super) fn note(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        agent: Option<AgentId>,
        text: String,
    ) -> Result<(), InputError> {
        check_text(&text, self.settings.max_text)?;
        non_empty("text", &text)?;
        let key = self.key(id)?;
        if let Some(a) = &agent {
            self.known_agent(a)?;
        }
        let by = agent.map_or(Party::System, |agent| Party::Agent { agent });
        let c = self.convs.get_mut(&key).expect("checked above");
        c.add_note(Note {
            at: now,
            by: by.clone(),
            text,
        });
        self.emit(Event::new(now, EventKind::Noted { by }).conversation(id.clone()));
        Ok(())
    }

    pub(super) fn tag(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        tags: Vec<String>,
    ) -> Result<(), InputError> {
        check_texts(tags.iter().map(String::as_str), self.settings.max_text)?;
        for t in &tags {
            non_empty("tags", t)?;
        }
        let key = self.key(id)?;
        let c = self.convs.get_mut(&key).expect("checked above");
        let added = c.add_tags(tags.iter());
        if added.is_empty() {
            self.duplicate(now, "tag", Some(id.clone()));
        } else {
            self.emit(Event::new(now, EventKind::Tagged { tags: added }).conversation(id.clone()));
        }
        Ok(())
    }

    pub(super) fn link(
        &mut self,
        now: Timestamp,
        contact: &ContactId,
        channel: &ChannelKind,
        address: &Address,
    ) -> Result<(), InputError> {
        address.check(channel)?;
        if !self.contacts.by_id.contains_key(contact) {
            return Err(InputError::UnknownContact(contact.clone()));
        }
        match self.contacts.find(channel, address).cloned() {
            Some(owner) if owner == *contact => self.duplicate(now, "link", None),
            Some(owner) => self.merge_contacts(now, contact, &owner),
            None => {
                self.contacts.add_identity(contact, channel, address);
                self.emit(Event::new(
                    now,
                    EventKind::Linked {
                        contact: contact.clone(),
                        channel: channel.clone(),
                        address: address.clone(),
                    },
                ));
            }
        }
        Ok(())
    }

    pub(super) fn merge(
        &mut self,
        now: Timestamp,
        into: &ContactId,
        from: &ContactId,
    ) -> Result<(), InputError> {
        for c in [into, from] {
            if !self.contacts.by_id.contains_key(c) {
                return Err(InputError::UnknownContact(c.clone()));
            }
        }
        if into == from {
            return Err(InputError::SameContact(into.clone()));
        }
        self.merge_contacts(now, into, from);
        Ok(())
    }
}
