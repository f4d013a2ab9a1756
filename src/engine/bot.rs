//! Bot turns: replies, fallbacks, handoff requests, errors and resolution.

use crate::expr::{BotFacts, ConversationFacts, Facts};
use crate::handoff::{Note, Party, Reason, State, first_trigger};
use crate::model::Timestamp;

use super::validate::{check_attributes, check_range, check_text, check_texts, non_empty};
use super::{BotTurn, Event, EventKind, InputError, Switchboard};

impl Switchboard {
    pub(super) fn bot_turn(&mut self, now: Timestamp, t: BotTurn) -> Result<(), InputError> {
        let key = self.key(&t.conversation)?;
        if let Some(r) = &t.reply {
            check_text(r, self.settings.max_text)?;
        }
        if let Some(h) = &t.handoff {
            check_text(h, self.settings.max_text)?;
        }
        let max = self.settings.max_text;
        check_texts(
            [
                t.intent.as_deref().unwrap_or(""),
                t.error.as_deref().unwrap_or(""),
            ],
            max,
        )?;
        check_texts(t.suggestions.iter().map(String::as_str), max)?;
        check_attributes(&t.slots, max)?;
        check_range("confidence", t.confidence, 0.0, 1.0)?;
        check_range("sentiment", t.sentiment, -1.0, 1.0)?;
        if let Some(i) = &t.intent {
            non_empty("intent", i)?;
        }
        for s in &t.suggestions {
            non_empty("suggestions", s)?;
        }
        let c = &self.convs[&key];
        // A turn the engine never asked: the host numbers turns its own
        // way, and every answer would be lost as a "retry".
        if let Some(n) = t.turn
            && n > c.turn
        {
            return Err(InputError::UnknownTurn {
                conversation: c.id.clone(),
                turn: n,
                latest: c.turn,
            });
        }
        let current = c.state == State::Bot && c.asked && t.turn.is_none_or(|n| n == c.turn);
        if !current {
            // An answer to an earlier question, or a retry of a turn already
            // handled (the same handoff twice): ignored.
            let retry = t.turn.is_some_and(|n| n <= c.turn)
                || c.state == State::Bot
                || t.handoff.is_some()
                || t.error.is_some();
            if retry {
                self.emit(
                    Event::new(
                        now,
                        EventKind::Duplicate {
                            input: "bot_turn".into(),
                        },
                    )
                    .conversation(c.id.clone()),
                );
                return Ok(());
            }
            return Err(InputError::NotAllowed {
                conversation: c.id.clone(),
                state: c.state,
                action: "take a bot turn for",
            });
        }
        let bot = c.bot.clone();
        let id = c.id.clone();
        {
            let c = self.convs.get_mut(&key).expect("checked above");
            c.asked = false;
            c.deadlines.bot = None;
            if t.intent.is_some() {
                c.intent = t.intent.clone();
            }
            c.confidence = t.confidence;
            if t.sentiment.is_some() {
                c.sentiment = t.sentiment;
            }
            for (k, v) in &t.slots {
                c.slots.insert(k.clone(), v.clone());
            }
            if !t.suggestions.is_empty() {
                c.suggestions = t.suggestions.clone();
            }
            c.fallbacks = if t.fallback {
                c.fallbacks.saturating_add(1)
            } else {
                0
            };
        }
        let by = bot.map_or(Party::System, |bot| Party::Bot { bot });
        if let Some(reply) = &t.reply
            && !reply.is_empty()
        {
            if let Err(why) = self.send(now, key, reply, by.clone()) {
                self.emit(
                    Event::new(
                        now,
                        EventKind::NotSent {
                            reason: why.to_string(),
                        },
                    )
                    .conversation(id.clone()),
                );
            }
            // The ball is in the customer's court.
            let inactivity = self.settings.inactivity;
            if let Some(c) = self.convs.get_mut(&key) {
                c.deadlines.inactivity = Some(now + inactivity);
            }
        }
        if let Some(h) = &t.handoff
            && !h.is_empty()
        {
            let note = Note {
                at: now,
                by: by.clone(),
                text: h.clone(),
            };
            if let Some(c) = self.convs.get_mut(&key) {
                c.add_note(note);
            }
        }
        self.reschedule(key);
        if let Some(e) = &t.error {
            let note = Note {
                at: now,
                by: Party::System,
                text: format!("bot error: {e}"),
            };
            if let Some(c) = self.convs.get_mut(&key) {
                c.add_note(note);
            }
            let prio = self.convs[&key].priority;
            self.escalate(now, key, Reason::BotError, None, prio, None);
            return Ok(());
        }
        if t.resolved {
            self.close(now, key, Reason::Resolved, None);
            return Ok(());
        }
        let fired = {
            let c = &self.convs[&key];
            let text = c
                .transcript
                .entries()
                .rev()
                .find(|e| e.from == Party::Customer)
                .map(|e| e.text.as_str())
                .unwrap_or("");
            let attrs = self.contacts.by_id.get(&c.contact).map(|x| &x.attributes);
            let mut facts = Facts::new(now)
                .with_channel(&c.channel)
                .with_text(text)
                .with_conversation(ConversationFacts {
                    new: c.messages <= 1,
                    tags: &c.tags,
                    messages: c.messages,
                    queue: c.queue.as_ref(),
                    reopened: c.reopened,
                    lang: c.lang.as_deref(),
                    channel: Some(&c.channel),
                    priority: None,
                    waited: None,
                })
                .with_bot(BotFacts {
                    intent: c.intent.as_deref(),
                    confidence: c.confidence,
                    fallbacks: c.fallbacks,
                    handoff: t.handoff.is_some(),
                });
            if let Some(a) = attrs {
                facts = facts.with_contact(a);
            }
            if let Some(l) = &c.lang {
                facts = facts.with_lang(l);
            }
            if let Some(s) = c.sentiment {
                facts = facts.with_sentiment(s);
            }
            first_trigger(
                self.config.escalation_triggers(),
                &facts,
                self.config.calendars(),
            )
        };
        if let Some((reason, queue)) = fired {
            let prio = self.convs[&key].priority;
            self.escalate(now, key, reason, queue, prio, None);
        }
        Ok(())
    }
}
