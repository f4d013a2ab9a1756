//! Waiting for an agent: escalation into a queue, what the customer is
//! told while waiting, and what the assigner's offers, requeues, moves and
//! business hours do to a waiting conversation.

use std::fmt::Write as _;

use crate::assign::{ConversationStatus, Request};
use crate::engine::{Action, Event, EventKind};
use crate::handoff::{Reason, State, fill_with, format_opening, write_wait};
use crate::model::{AgentId, QueueId, Ticket, Timestamp};

use super::{Conversation, Env, Phase, Then, Timer, Wait};

impl Conversation {
    /// Moves to `next`, recording why. Entering a queue starts the
    /// `no_agent_timeout` (unless it runs already): it counts waiting time
    /// in an open queue — not after hours (the customer was told when it
    /// opens) — and it resumes, or falls due at once, when an offer comes
    /// back.
    pub(crate) fn transition(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        next: Phase,
        reason: Reason,
    ) {
        let from = self.prior_state();
        self.transition_from(env, at, from, next, reason);
    }

    /// The state a transition starts from: none for a new conversation.
    pub(crate) fn prior_state(&self) -> Option<State> {
        (!matches!(self.phase, Phase::New)).then(|| self.state())
    }

    /// [`transition`](Self::transition) for a caller that took the
    /// phase's data out first: `from` is the state it was in.
    fn transition_from(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        from: Option<State>,
        next: Phase,
        reason: Reason,
    ) {
        let to = next.state();
        // Handed on by a cold transfer (before this change or after it),
        // and not leaving the agent who let go just now.
        let handed_on =
            from != Some(State::WithAgent) && (self.phase.handed_on() || next.handed_on());
        self.phase = next;
        if from == Some(to) {
            return;
        }
        match to {
            State::AfterHours => self.timers.stop(Timer::NoAgent),
            State::Queued if !self.timers.is_set(Timer::NoAgent) => {
                if let Some(d) = env.settings().no_agent_timeout {
                    let since = match from {
                        Some(State::AfterHours) => at,
                        _ => self.waiting_since.unwrap_or(at),
                    };
                    self.timers.set(Timer::NoAgent, (since + d).max(at));
                }
            }
            _ => {}
        }
        let mut e = Event::new(at, EventKind::Transition { from, to, reason })
            .conversation(self.id.clone());
        // The agent it is about: the one who has it, else the one who had
        // it last (who lets go of it now, or whom it was with before) —
        // nobody while a cold transfer hands it on: that agent let go, and
        // each offer names its own.
        e.agent = match self.agent() {
            Some(a) => Some(a.clone()),
            None if handed_on => None,
            None => self.agents.last().cloned(),
        };
        e.queue = self.queue.clone();
        env.emit(e);
        self.rest(env, at);
    }

    /// Sends the conversation to `queue` (or the escalation queue) for
    /// `reason`, preferring `preferred` (or the contact's last agent, while
    /// sticky). Returns whether it now waits for an agent; a full queue
    /// turns it away and the customer is told.
    pub(crate) fn escalate(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        reason: Reason,
        queue: Option<QueueId>,
        priority: i32,
        preferred: Option<AgentId>,
    ) -> bool {
        let Some(queue) = queue.or_else(|| env.config.escalation_queue().cloned()) else {
            return false;
        };
        let sticky_for = env.settings().sticky_agent;
        let contact = env.contact(self);
        let sticky = contact
            .and_then(|k| k.last_agent.as_ref())
            .filter(|(_, at)| now < *at + sticky_for)
            .map(|(a, _)| a.clone());
        let ticket = self.ticket().clone();
        let mut req = Request::new(ticket.clone(), queue.clone(), self.channel.clone())
            .with_priority(priority)
            .with_tags(self.tags.iter().cloned());
        if let Some(l) = &self.lang {
            req = req.with_lang(l.clone());
        }
        if let Some(k) = contact {
            req = req.with_contact(k.attributes.clone());
        }
        if let Some(agent) = preferred.or(sticky) {
            req = req.with_preferred(agent, None);
        }
        let status = match env.assigner.enqueue(now, req) {
            Ok(s) => s,
            Err(_) => {
                // Full (or no longer configured): the customer is told.
                self.notice(env, now, "queue_full", &[("queue", queue.as_str())]);
                return false;
            }
        };
        let closed = matches!(status, ConversationStatus::Waiting { open: false, .. });
        let settings = env.settings();
        let (interval, no_agent) = (settings.notice_interval, settings.no_agent_timeout);
        self.queue = Some(queue);
        self.priority = priority;
        self.reason = Some(reason.clone());
        self.timers.stop(Timer::Bot);
        self.timers.stop(Timer::Inactivity);
        self.waiting_since = Some(now);
        self.told = None;
        self.told_no_agent = false;
        self.declined.clear();
        self.timers.set(Timer::Notice, now + interval);
        self.timers
            .set_opt(Timer::NoAgent, no_agent.map(|d| now + d));
        let wait = Wait::new(ticket);
        let next = if closed {
            Phase::AfterHours(wait)
        } else {
            Phase::Queued(wait)
        };
        self.transition(env, now, next, reason);
        self.rest(env, now);
        // The assigner may have offered it already: the customer hears
        // which once its events are in.
        env.then = Some(Then::Acknowledge);
        true
    }

    /// Tells the customer where they stand after an escalation.
    pub(crate) fn acknowledge(&mut self, env: &mut Env<'_>, now: Timestamp) {
        match self.state() {
            State::Offered | State::WithAgent => {
                let q = self
                    .queue
                    .clone()
                    .map(|q| q.to_string())
                    .unwrap_or_default();
                self.notice(env, now, "connecting", &[("queue", &q)]);
            }
            State::Queued | State::AfterHours => self.queue_notice(env, now, "queued"),
            _ => {}
        }
    }

    /// Sends a queue notice (`queued`, `queue_update`, `after_hours`,
    /// `still_waiting`) with the conversation's position and estimate, and
    /// a [`QueueStatus`](Action::QueueStatus) for the host.
    pub(crate) fn queue_notice(&mut self, env: &mut Env<'_>, now: Timestamp, template: &str) {
        let Some(ConversationStatus::Waiting {
            queue,
            position,
            estimate,
            open,
            opens,
            ..
        }) = env.assigner.status(self.ticket(), now)
        else {
            return;
        };
        env.act(
            now,
            Action::QueueStatus {
                conversation: self.id.clone(),
                queue: queue.clone(),
                position,
                estimated_wait: estimate,
                opens,
            },
        );
        self.told = Some((position, estimate.map(|d| d.as_secs())));
        let template = if !open && template == "queued" {
            "after_hours"
        } else {
            template
        };
        // Only the values the template uses are made: most name the
        // position and the wait, few the opening time.
        let config = env.config;
        let text = |t: &str| {
            fill_with(t, |name, out| {
                match name {
                    "position" => {
                        let _ = write!(out, "{position}");
                    }
                    "wait" => write_wait(out, estimate),
                    "queue" => out.push_str(queue.as_str()),
                    "opening" => {
                        let calendars = config.calendars();
                        let tz = config
                            .queue(queue.as_str())
                            .and_then(|q| q.spec.calendar.as_deref())
                            .and_then(|name| calendars.get(name))
                            .map_or_else(|| calendars.time_zone(), |cal| cal.time_zone());
                        out.push_str(&format_opening(opens, tz));
                    }
                    _ => return false,
                }
                true
            })
        };
        self.notice_with(env, now, template, text);
    }

    /// Sends a queue update when the position or estimate changed enough
    /// to matter: the position fell by a quarter or more (or the customer
    /// is next), or the estimate moved by half or more and at least two
    /// minutes.
    pub(crate) fn maybe_update(&mut self, env: &mut Env<'_>, t: Timestamp) {
        let Some(ConversationStatus::Waiting {
            position, estimate, ..
        }) = env.assigner.status(self.ticket(), t)
        else {
            return;
        };
        let Some((told_pos, told_est)) = self.told else {
            self.queue_notice(env, t, "queue_update");
            return;
        };
        let moved = position < told_pos && (position * 4 <= told_pos * 3 || position == 1);
        let est = estimate.map(|d| d.as_secs());
        let changed = match (told_est, est) {
            (Some(a), Some(b)) => a.abs_diff(b) >= 120 && a.abs_diff(b) * 2 >= a.max(1),
            (None, Some(_)) => true,
            _ => false,
        };
        if moved || changed {
            self.queue_notice(env, t, "queue_update");
        }
    }

    /// Restarts the wait timers of a conversation that waits again.
    pub(crate) fn restart_wait(&mut self, env: &mut Env<'_>, at: Timestamp) {
        let settings = env.settings();
        let (interval, no_agent) = (settings.notice_interval, settings.no_agent_timeout);
        self.timers.set(Timer::Notice, at + interval);
        self.timers
            .set_opt(Timer::NoAgent, no_agent.map(|d| at + d));
        self.told_no_agent = false;
        self.rest(env, at);
    }

    /// Moves to queued or after hours, as its queue's hours say, if the
    /// assigner has it waiting; `wait` is what it waits with when it was
    /// not waiting before (its agent let go).
    pub(crate) fn back_to_waiting(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        reason: Reason,
        wait: Option<Wait>,
    ) {
        let Some(ticket) = wait
            .as_ref()
            .map(|w| &w.ticket)
            .or(self.phase.ticket())
            .cloned()
        else {
            return;
        };
        // Offered already means the assigner has matched it again; the
        // offer's own event follows and moves it on to offered.
        let after_hours = match env.assigner.status(&ticket, at) {
            Some(ConversationStatus::Waiting { open: false, .. }) => true,
            Some(ConversationStatus::Waiting { .. } | ConversationStatus::Offered { .. }) => false,
            _ => return,
        };
        let from = self.prior_state();
        let Some(wait) = wait.or_else(|| self.phase.take_wait()) else {
            return;
        };
        let next = if after_hours {
            Phase::AfterHours(wait)
        } else {
            Phase::Queued(wait)
        };
        self.transition_from(env, at, from, next, reason);
    }

    /// The assigner offered it to `agent` (its own ticket when `main`, a
    /// transfer's otherwise): the agent is shown the whole story.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn offered(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        ticket: &Ticket,
        main: bool,
        agent: AgentId,
        queue: QueueId,
        expires: Timestamp,
    ) {
        let transfer_from = self
            .phase
            .transfer()
            .filter(|p| p.ticket == *ticket)
            .map(|p| p.from.clone());
        if main {
            let from = self.prior_state();
            match std::mem::replace(&mut self.phase, Phase::New) {
                Phase::Queued(wait) | Phase::AfterHours(wait) => {
                    let next = Phase::Offered {
                        wait,
                        agents: vec![agent.clone()],
                    };
                    self.transition_from(env, at, from, next, Reason::Offered);
                }
                Phase::Offered { wait, mut agents } => {
                    if !agents.contains(&agent) {
                        agents.push(agent.clone());
                    }
                    self.phase = Phase::Offered { wait, agents };
                }
                other => self.phase = other,
            }
        }
        let shown = u64::from(self.transcript.dropped()) + self.transcript.len() as u64;
        match self.marks.iter_mut().find(|(a, _)| *a == agent) {
            Some(m) => m.1 = shown,
            None => self.marks.push((agent.clone(), shown)),
        }
        let contact = env.contact(self).map(|k| &k.attributes);
        let mut context = self.handoff_context(contact, at, &queue);
        context.transfer_from = transfer_from;
        env.act(
            at,
            Action::Offer {
                conversation: self.id.clone(),
                agent,
                queue,
                expires,
                context: Box::new(context),
            },
        );
    }

    /// `agent` no longer has an offer for it: when nobody has, it waits
    /// again.
    pub(crate) fn off_offer(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        agent: &AgentId,
        reason: Reason,
    ) {
        if reason == Reason::Declined && !self.declined.contains(agent) {
            self.declined.push(agent.clone());
        }
        if let Phase::Offered { agents, .. } = &mut self.phase {
            agents.retain(|a| a != agent);
            if agents.is_empty() {
                self.back_to_waiting(env, at, reason, None);
            }
        }
    }

    /// The assigner requeued it (its offers lapsed) in `queue`.
    pub(crate) fn requeued(&mut self, env: &mut Env<'_>, at: Timestamp, queue: QueueId) {
        self.queue = Some(queue);
        self.back_to_waiting(env, at, Reason::Offered, None);
    }

    /// The assigner moved it (or, when not `main`, its transfer) from queue
    /// `from` to `to`, for `reason` (overflow, reconfiguration).
    pub(crate) fn moved(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        main: bool,
        from: QueueId,
        to: QueueId,
        reason: Reason,
    ) {
        if main {
            self.queue = Some(to.clone());
        } else if let Some(Some(p)) = self.phase.transfer_mut() {
            p.queue = to.clone();
        }
        env.emit(
            Event::new(
                at,
                EventKind::Moved {
                    from,
                    reason: reason.clone(),
                },
            )
            .conversation(self.id.clone())
            .queue(to),
        );
        if main {
            let was = self.state();
            self.back_to_waiting(env, at, reason, None);
            if was != State::AfterHours && self.state() == State::AfterHours {
                // Moved into a closed queue: the customer learns when it opens.
                self.queue_notice(env, at, "after_hours");
            }
        }
    }

    /// Its queue opened: from after hours to queued.
    pub(crate) fn queue_opened(&mut self, env: &mut Env<'_>, at: Timestamp) {
        if let Phase::AfterHours(_) = self.phase
            && let Some(wait) = self.phase.take_wait()
        {
            let from = Some(State::AfterHours);
            self.transition_from(env, at, from, Phase::Queued(wait), Reason::QueueOpened);
        }
    }

    /// Its queue closed: from queued to after hours, and the customer is
    /// told when it opens.
    pub(crate) fn queue_closed(&mut self, env: &mut Env<'_>, at: Timestamp) {
        if let Phase::Queued(_) = self.phase
            && let Some(wait) = self.phase.take_wait()
        {
            let from = Some(State::Queued);
            self.transition_from(env, at, from, Phase::AfterHours(wait), Reason::QueueClosed);
            self.queue_notice(env, at, "after_hours");
        }
    }

    /// No agent took it in time: back to the bot when there is one, else
    /// the customer is told they are not forgotten.
    pub(crate) fn no_agent(&mut self, env: &mut Env<'_>, t: Timestamp) {
        let bot = self.bot.clone().or_else(|| {
            env.config
                .spec()
                .defaults
                .bot
                .clone()
                .map(crate::model::BotId::new)
        });
        match bot {
            Some(bot) => {
                self.release(env, t, None);
                self.bot = Some(bot);
                self.restart_bot();
                let inactivity = env.settings().inactivity_timeout;
                self.timers.set(Timer::Inactivity, t + inactivity);
                self.transition(env, t, Phase::Bot { asked: false }, Reason::NoAgent);
                self.notice(env, t, "no_agent", &[]);
            }
            None => {
                if !self.told_no_agent {
                    self.queue_notice(env, t, "still_waiting");
                    self.told_no_agent = true;
                }
            }
        }
    }
}
