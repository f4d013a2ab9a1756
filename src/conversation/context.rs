//! What rules, a bot and an agent see of a conversation: its facts for
//! the expression language, the bot's context, the agent's handoff
//! context.

use crate::expr::{BotFacts, ConversationFacts, Facts};
use crate::handoff::{BotContext, HandoffContext, Reason, first_trigger};
use crate::model::{Attributes, QueueId, Timestamp};
use crate::router::Decision;

use super::{Conversation, Env};

impl Conversation {
    /// The facts rules and triggers read about this conversation and the
    /// message `text`: `new` is whether it counts as the conversation's
    /// first message, `handoff` whether its bot asks for a person.
    pub(crate) fn facts<'a>(
        &'a self,
        now: Timestamp,
        text: &'a str,
        contact: Option<&'a Attributes>,
        new: bool,
        handoff: bool,
    ) -> Facts<'a> {
        let mut facts = Facts::new(now)
            .with_channel(&self.channel)
            .with_text(text)
            .with_conversation(ConversationFacts {
                new,
                tags: &self.tags,
                messages: self.messages,
                queue: self.queue.as_ref(),
                reopened: self.reopened,
                lang: self.lang.as_deref(),
                channel: Some(&self.channel),
                priority: None,
                waited: None,
                origin: Some(self.origin().name()),
                campaign: self.origin().campaign(),
            })
            .with_bot(BotFacts {
                intent: self.memory.intent.as_deref(),
                confidence: self.memory.confidence,
                fallbacks: self.memory.fallbacks,
                handoff,
            });
        if let Some(a) = contact {
            facts = facts.with_contact(a);
        }
        if let Some(l) = &self.lang {
            facts = facts.with_lang(l);
        }
        if let Some(s) = self.memory.sentiment {
            facts = facts.with_sentiment(s);
        }
        facts
    }

    /// The routing rules' decision on the message `text` of this (already
    /// started) conversation; `new` as for [`facts`](Self::facts).
    pub(crate) fn route(&self, env: &Env<'_>, now: Timestamp, text: &str, new: bool) -> Decision {
        let attrs = env.contact(self).map(|k| &k.attributes);
        env.config
            .router()
            .route(&self.facts(now, text, attrs, new, false))
    }

    /// The first escalation trigger that holds for the message `text`, with
    /// the queue it names.
    pub(crate) fn trigger(
        &self,
        env: &Env<'_>,
        now: Timestamp,
        text: &str,
        handoff: bool,
    ) -> Option<(Reason, Option<QueueId>)> {
        let attrs = env.contact(self).map(|k| &k.attributes);
        let facts = self.facts(now, text, attrs, self.messages <= 1, handoff);
        first_trigger(
            env.config.escalation_triggers(),
            &facts,
            env.config.calendars(),
        )
    }

    /// What the bot is told with a question.
    pub(crate) fn bot_context(&self, env: &Env<'_>) -> BotContext {
        let mut context = BotContext::new(self.contact.clone(), self.channel.clone());
        context.attributes = env
            .contact(self)
            .map(|k| k.attributes.clone())
            .unwrap_or_default();
        context.lang = self.lang.clone();
        context.intent = self.memory.intent.clone();
        context.slots = self.memory.slots.clone();
        context.fallbacks = self.memory.fallbacks;
        context.new = self.messages <= 1;
        context
    }

    /// The handoff context an agent is offered with it from `queue`: the
    /// whole story, so the customer never repeats themselves.
    pub(crate) fn handoff_context(
        &self,
        contact: Option<&Attributes>,
        at: Timestamp,
        queue: &QueueId,
    ) -> HandoffContext {
        let mut ctx =
            HandoffContext::new(self.contact.clone(), queue.clone(), self.channel.clone());
        ctx.reason = self.reason.clone();
        if let Some(a) = contact {
            ctx.attributes = a.clone();
        }
        ctx.channels = self.channels.clone();
        ctx.lang = self.lang.clone();
        ctx.intent = self.memory.intent.clone();
        ctx.slots = self.memory.slots.clone();
        ctx.confidence = self.memory.confidence;
        ctx.sentiment = self.memory.sentiment;
        ctx.previous_agents = self.agents.clone();
        ctx.tags = self.tags.clone();
        ctx.notes = self.notes.clone();
        ctx.suggestions = self.memory.suggestions.clone();
        ctx.transcript = self.transcript.entries().cloned().collect();
        ctx.truncated = self.transcript.dropped();
        ctx.started = Some(self.started);
        ctx.waiting_since = self.waiting_since.filter(|t| *t <= at);
        ctx
    }
}
