//! Customer messages: recording them, what they do in each phase,
//! reopening a closed conversation and the answer to the survey.

use crate::engine::{Action, Event, EventKind, Inbound};
use crate::handoff::{Entry, Party, Reason, State};
use crate::model::{Attachment, Choice, Timestamp};

use super::{Conversation, Env, Phase, Timer};

impl Conversation {
    /// Adds a customer message to the conversation: the channel they used,
    /// language, sentiment, message id, the transcript. Returns the choice
    /// it makes: the button the customer tapped, or the option of the last
    /// menu their text names. A window that had closed opens again, and
    /// what was kept for it goes out.
    pub(crate) fn record_inbound(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        m: &Inbound,
    ) -> Option<Choice> {
        let choice = m
            .choice
            .clone()
            .or_else(|| self.menu.as_ref().and_then(|menu| menu.choice(&m.text)));
        self.menu = None;
        let switched = (self.channel != m.channel).then(|| self.channel.clone());
        self.channel = m.channel.clone();
        self.address = m.from.clone();
        if !self.channels.contains(&m.channel) {
            self.channels.push(m.channel.clone());
        }
        self.last_inbound = now;
        self.messages = self.messages.saturating_add(1);
        if let Some(l) = &m.lang {
            self.lang = Some(l.clone());
        }
        if m.sentiment.is_some() {
            self.memory.sentiment = m.sentiment;
        }
        if let Some(id) = &m.id {
            self.remember(id);
        }
        self.transcript.push(
            Entry::new(now, Party::Customer, m.text.clone())
                .on(m.channel.clone())
                .with_attachments(attachments_of(m))
                .with_choice(choice.clone())
                .replying_to(m.reply_to.as_deref()),
        );
        // The customer spoke: silence no longer counts against them.
        self.timers.stop(Timer::Inactivity);
        if let Some(from) = switched {
            let to = m.channel.clone();
            env.emit_about(now, self, EventKind::ChannelSwitched { from, to });
        }
        let channel = m.channel.clone();
        env.emit_about(
            now,
            self,
            EventKind::Message {
                from: Party::Customer,
                channel,
            },
        );
        self.send_deferred(env, now);
        self.rest(env, now);
        choice
    }

    /// What a customer message does in the conversation's phase: the bot
    /// step with the bot, delivery to the agent with an agent (ending a
    /// hold); while waiting it is kept for the agent (leave a message).
    pub(crate) fn after_inbound(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        text: &str,
        choice: Option<Choice>,
    ) {
        match &self.phase {
            Phase::New | Phase::Bot { .. } => self.bot_step(env, now, text, false, choice),
            Phase::WithAgent(s) => {
                let (agent, ticket) = (s.agent.clone(), s.ticket.clone());
                let last = self.transcript.entries().next_back();
                let attachments = last.map(|e| e.attachments.clone()).unwrap_or_default();
                let reply_to = last.and_then(|e| e.reply_to.as_deref().cloned());
                env.act(
                    now,
                    Action::Deliver {
                        conversation: self.id.clone(),
                        agent,
                        channel: self.channel.clone(),
                        text: text.to_owned(),
                        attachments,
                        choice,
                        reply_to,
                    },
                );
                // The agent owes a reply (the queue's reply_timeout).
                let _ = env.assigner.customer_wrote(now, &ticket);
                if let Some(s) = self.phase.serving_mut()
                    && s.held
                {
                    s.held = false;
                    self.timers.stop(Timer::Hold);
                    let mut e = Event::new(now, EventKind::Resumed).conversation(self.id.clone());
                    e.agent = self.agent().cloned();
                    env.emit(e);
                    self.rest(env, now);
                }
            }
            Phase::Queued(_) | Phase::AfterHours(_) | Phase::Offered { .. } | Phase::Closed(_) => {}
        }
    }

    /// Whether a message now would answer the satisfaction survey: asked,
    /// not yet answered, and a score from 1 to 5.
    fn survey_answer(&self, text: &str) -> Option<u8> {
        match &self.phase {
            Phase::Closed(c) if c.csat_asked && self.csat.is_none() => {
                match text.trim().parse::<u8>() {
                    Ok(score @ 1..=5) => Some(score),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The customer writes to this conversation, closed within its reopen
    /// window: the answer to the survey, or the conversation opens again —
    /// back to the last agent if they are free, else their queue, else the
    /// rules decide.
    pub(crate) fn reopen(&mut self, env: &mut Env<'_>, now: Timestamp, m: &Inbound) {
        if let Some(score) = self.survey_answer(&m.text) {
            let _ = self.record_inbound(env, now, m);
            self.record_csat(env, now, score);
            self.notice(env, now, "csat_thanks", &[("score", &score.to_string())]);
            return;
        }
        let last = self.agents.last().cloned();
        let queue = self.queue.clone();
        if let Phase::Closed(c) = &mut self.phase {
            // Still closed until it moves on; the survey is over.
            c.csat_asked = false;
        }
        self.timers.stop(Timer::Purge);
        self.reopened = true;
        self.memory.fallbacks = 0;
        let choice = self.record_inbound(env, now, m);
        match (last, queue) {
            // Back to the last agent if they are free, else the queue.
            (Some(agent), Some(queue)) if env.config.queue(queue.as_str()).is_some() => {
                let prio = self.priority;
                if !self.escalate(env, now, Reason::Reopened, Some(queue), prio, Some(agent)) {
                    // The queue turned it away (full): the customer was
                    // told; the conversation is open again, with its bot
                    // if it has one.
                    self.enter(env, now, Some(State::Closed), Reason::Reopened, true);
                    self.ask_bot(env, now, &m.text, choice);
                    self.rest(env, now);
                }
            }
            _ => {
                let decision = self.route(env, now, &m.text, false);
                self.apply_decision(env, now, &decision, Some(Reason::Reopened), choice);
            }
        }
    }
}

/// What a customer message carries besides its text, as attachments: its
/// attachments, and a shared place as a `location` attachment (a `geo:`
/// URI) — how rules (`attachments has 'location'`), transcripts and agents
/// see it.
pub(crate) fn attachments_of(m: &Inbound) -> Vec<Attachment> {
    let mut all = m.attachments.clone();
    if let Some(l) = &m.location {
        all.push(Attachment::location(l.lat, l.lon, l.label.as_deref()));
    }
    all
}
