//! Requests in and out: enqueueing a conversation, finishing it, and
//! moving it into and out of the waiting lists (place, unplace, requeue).

use super::assigner::Assigner;
use super::conversation::{Conv, ConvExtra, ConversationStatus, Directed, Phase, Request};
use super::error::AssignError;
use super::event::{AssignEvent, RevokeReason};
use super::waiting::{MAX_PRIORITY, Standing};
use crate::model::{Ticket, Timestamp};

impl Assigner {
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
        if self.find_conv(req.ticket.as_str()).is_some() {
            return Err(AssignError::AlreadyQueued(req.ticket));
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
            ticket: req.ticket.clone(),
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
        conv_index.insert(req.ticket.as_str(), c, |i| {
            convs.get(i).map_or("", |c| c.ticket.as_str())
        });
        self.place(c, now);
        self.match_conv(c, now);
        Ok(self.status_of(c, now))
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
            ticket: conv.ticket.clone(),
            queue: self.queues[conv.queue as usize].id.clone(),
            front: conv.standing.front,
        });
    }

    /// The conversation leaves the assigner: closed, abandoned by the
    /// customer, handed back to a bot or transferred (enqueue it again
    /// afterwards). Offers are revoked; an assigned agent's capacity is
    /// freed after the queue's wrap-up. Returns where it stood.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownTicket`].
    pub fn finish(
        &mut self,
        now: Timestamp,
        ticket: &Ticket,
    ) -> Result<ConversationStatus, AssignError> {
        let now = self.advance(now);
        let c = self.conv_idx(ticket)?;
        let status = self.status_of(c, now);
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
        conv_index.remove(ticket.as_str(), |i| {
            convs.get(i).map_or("", |c| c.ticket.as_str())
        });
        self.convs.remove(c);
        for a in freed {
            self.drain_agent(a, now);
        }
        Ok(status)
    }
}
