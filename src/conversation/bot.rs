//! With the bot: the bot step for each customer message (triggers, rules,
//! the question to the bot), the bot's turns, and routing decisions.

use crate::bot::BotRequest;
use crate::channel::consent::ConsentState;
use crate::engine::{Action, BotTurn, Event, EventKind, InputError};
use crate::handoff::{Note, Party, Reason, State};
use crate::model::{Choice, Timestamp};
use crate::router::{Decision, Route};

use super::{Conversation, Env, Phase, Timer};

impl Conversation {
    /// A customer message while a bot has the conversation: escalation
    /// triggers first, then the rules (unless the message was just
    /// routed), then the question to the bot.
    pub(crate) fn bot_step(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        text: &str,
        routed: bool,
        choice: Option<Choice>,
    ) {
        // An escalation a full queue turns away leaves the conversation
        // with its bot (the customer was told): the bot still answers.
        if let Some((reason, queue)) = self.trigger(env, now, text, false) {
            let prio = self.priority;
            if self.escalate(env, now, reason, queue, prio, None) {
                return;
            }
        } else if !routed {
            let decision = self.route(env, now, text, false);
            match (&decision.route, &decision.rule) {
                (Some(Route::Queue { queue, priority }), Some(rule)) => {
                    self.apply_side_effects(env, now, &decision);
                    self.routed(env, now, &decision);
                    let reason = Reason::Rule(rule.clone());
                    if self.escalate(env, now, reason, Some(queue.clone()), *priority, None) {
                        return;
                    }
                }
                (Some(Route::Bot { bot }), Some(_)) => {
                    self.apply_side_effects(env, now, &decision);
                    self.routed(env, now, &decision);
                    self.bot = Some(bot.clone());
                }
                _ => {
                    if !decision.tags.is_empty() || !decision.set.is_empty() {
                        self.apply_side_effects(env, now, &decision);
                        // The audit log says which rules set them.
                        self.routed(env, now, &decision);
                    }
                }
            }
        }
        self.ask_bot(env, now, text, choice);
        // Without a bot to ask, the customer's silence is what is awaited.
        self.rest(env, now);
    }

    /// Puts the customer's message to the conversation's bot, if it has
    /// one: the next turn, with a deadline for the answer.
    pub(crate) fn ask_bot(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        text: &str,
        choice: Option<Choice>,
    ) {
        let Some(bot) = self.bot.clone() else {
            return;
        };
        let timeout = env.config.bot_timeout(bot.as_str());
        let context = self.bot_context(env);
        self.turn += 1;
        if let Phase::Bot { asked } = &mut self.phase {
            *asked = true;
        }
        self.timers.set(Timer::Bot, now + timeout);
        let mut ask = BotRequest::new(self.id.clone(), bot, self.turn, text, context);
        ask.choice = choice;
        env.act(now, Action::AskBot(Box::new(ask)));
        self.rest(env, now);
    }

    /// Whether a bot turn answers the question awaited now.
    fn awaits(&self, turn: Option<u64>) -> bool {
        matches!(self.phase, Phase::Bot { asked: true }) && turn.is_none_or(|n| n == self.turn)
    }

    /// A bot's answer. An answer to a question never asked is refused;
    /// an answer to an earlier question, or a retry of one already handled,
    /// is ignored.
    ///
    /// # Errors
    ///
    /// [`InputError::UnknownTurn`] for a turn past the latest asked,
    /// [`InputError::NotAllowed`] when no bot has the conversation.
    pub(crate) fn bot_turn(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        t: &BotTurn,
    ) -> Result<(), InputError> {
        // A turn the engine never asked: the host numbers turns its own
        // way, and every answer would be lost as a "retry".
        if let Some(n) = t.turn
            && n > self.turn
        {
            return Err(InputError::UnknownTurn {
                conversation: self.id.clone(),
                turn: n,
                latest: self.turn,
            });
        }
        if !self.awaits(t.turn) {
            // An answer to an earlier question, or a retry of a turn
            // already handled (the same handoff twice): ignored.
            let retry = t.turn.is_some_and(|n| n <= self.turn)
                || self.state() == State::Bot
                || t.handoff.is_some()
                || t.error.is_some();
            if retry {
                let input = "bot_turn".into();
                env.emit_about(now, self, EventKind::Duplicate { input });
                return Ok(());
            }
            return Err(InputError::NotAllowed {
                conversation: self.id.clone(),
                state: self.state(),
                action: "take a bot turn for",
            });
        }
        self.phase = Phase::Bot { asked: false };
        self.timers.stop(Timer::Bot);
        self.learn(t);
        let by = self
            .bot
            .clone()
            .map_or(Party::System, |bot| Party::Bot { bot });
        if let Some(reply) = &t.reply {
            if let Err(why) = self.send(env, now, reply, by.clone()) {
                let reason = why.to_string();
                env.emit_about(now, self, EventKind::NotSent { reason });
            }
            // The ball is in the customer's court.
            let inactivity = env.settings().inactivity_timeout;
            self.timers.set(Timer::Inactivity, now + inactivity);
        }
        if let Some(h) = &t.handoff
            && !h.is_empty()
        {
            self.add_note(Note {
                at: now,
                by: by.clone(),
                text: h.clone(),
            });
        }
        self.rest(env, now);
        if let Some(e) = &t.error {
            self.add_note(Note {
                at: now,
                by: Party::System,
                text: format!("bot error: {e}"),
            });
            let prio = self.priority;
            self.escalate(env, now, Reason::BotError, None, prio, None);
            return Ok(());
        }
        if t.resolved {
            self.close(env, now, Reason::Resolved, None);
            return Ok(());
        }
        let text = self.last_customer_text();
        if let Some((reason, queue)) = self.trigger(env, now, &text, t.handoff.is_some()) {
            let prio = self.priority;
            self.escalate(env, now, reason, queue, prio, None);
        }
        Ok(())
    }

    /// Takes in what a bot turn concluded.
    fn learn(&mut self, t: &BotTurn) {
        let m = &mut self.memory;
        if t.intent.is_some() {
            m.intent = t.intent.clone();
        }
        m.confidence = t.confidence;
        if t.sentiment.is_some() {
            m.sentiment = t.sentiment;
        }
        for (k, v) in &t.slots {
            m.slots.insert(k.clone(), v.clone());
        }
        if !t.suggestions.is_empty() {
            m.suggestions = t.suggestions.clone();
        }
        m.fallbacks = if t.fallback {
            m.fallbacks.saturating_add(1)
        } else {
            0
        };
    }

    /// Applies a routing decision to a new or reopened conversation: tags,
    /// attributes, opt-out, reply, and the route. `reopened` is the reason
    /// for a reopened conversation; a new one has none.
    pub(crate) fn apply_decision(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        decision: &Decision,
        reopened: Option<Reason>,
        choice: Option<Choice>,
    ) {
        self.apply_side_effects(env, now, decision);
        let from = (self.state() == State::Closed).then_some(State::Closed);
        self.routed(env, now, decision);
        let reason = reopened.unwrap_or_else(|| match &decision.rule {
            Some(r) => Reason::Rule(r.clone()),
            None => Reason::Routed,
        });
        match &decision.route {
            Some(Route::Bot { bot }) => {
                self.bot = Some(bot.clone());
                self.enter(env, now, from, reason, true);
                let text = self.last_customer_text();
                self.bot_step(env, now, &text, true, choice);
            }
            route => {
                // Straight to a queue (or, with no route and no default,
                // the escalation queue): its first transition is to queued
                // (from nothing, or from closed when reopened).
                let (queue, priority) = match route {
                    Some(Route::Queue { queue, priority }) => (Some(queue.clone()), *priority),
                    _ => (None, 0),
                };
                if !self.escalate(env, now, reason.clone(), queue, priority, None) {
                    self.enter(env, now, from, reason, true);
                }
            }
        }
    }

    /// Puts a new (or reopened) conversation with the bot, emitting the
    /// transition when `visible` (a conversation routed straight to a queue
    /// shows only its move to the queue).
    pub(crate) fn enter(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        from: Option<State>,
        reason: Reason,
        visible: bool,
    ) {
        if !visible {
            return;
        }
        self.phase = Phase::Bot { asked: false };
        let to = State::Bot;
        env.emit_about(now, self, EventKind::Transition { from, to, reason });
    }

    /// Records which rules matched and which one decided: every decision
    /// that changes a conversation is explained.
    fn routed(&mut self, env: &mut Env<'_>, now: Timestamp, decision: &Decision) {
        let kind = EventKind::Routed {
            rule: decision.rule.clone(),
            matched: decision.matched.clone(),
        };
        env.emit_about(now, self, kind);
    }

    /// What a decision does besides routing: tags, contact attributes, an
    /// opt-out, a reply.
    fn apply_side_effects(&mut self, env: &mut Env<'_>, now: Timestamp, decision: &Decision) {
        let added = self.add_tags(decision.tags.iter());
        if !added.is_empty() {
            env.emit_about(now, self, EventKind::Tagged { tags: added });
        }
        if !decision.set.is_empty()
            && let Some(k) = env.contacts.by_id.get_mut(&self.contact)
        {
            for (name, v) in &decision.set {
                k.attributes.insert(name.clone(), v.clone());
            }
        }
        let (channel, address) = (self.channel.clone(), self.address.clone());
        if decision.opt_out && !env.consent.is_opted_out(&channel, &address) {
            env.consent
                .set(&channel, &address, ConsentState::OptedOut, now);
            env.emit(
                Event::new(now, EventKind::OptedOut { channel, address })
                    .conversation(self.id.clone()),
            );
        }
        if let Some(reply) = &decision.reply {
            self.notice(env, now, reply, &[]);
        }
    }
}
