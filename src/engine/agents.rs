//! Inputs from agents and the host about conversations: presence, offers
//! accepted and declined, messages, transfers, hold, hand back, closing,
//! satisfaction, notes, tags and bot turns. Each is checked, then handed to
//! its conversation.

use crate::assign::{AgentProfile, Presence};
use crate::conversation::{Conversation, Env, Stimulus};
use crate::handoff::{Note, Party, Reason};
use crate::model::{Address, AgentId, BotId, ChannelKind, Content, ConversationId, Timestamp};

use super::conversation_key;
use super::validate::{
    check_attributes, check_content, check_range, check_suggestions, check_text, check_texts,
    non_empty,
};
use super::{BotTurn, Closer, Event, EventKind, InputError, Switchboard, Transfer};

impl Switchboard {
    /// The key of a conversation the engine knows.
    pub(super) fn key(&self, id: &ConversationId) -> Result<u64, InputError> {
        conversation_key(id.as_str())
            .filter(|k| self.convs.contains_key(k))
            .ok_or_else(|| InputError::UnknownConversation(id.clone()))
    }

    fn known_agent(&self, agent: &AgentId) -> Result<(), InputError> {
        match self.assigner.agent(agent) {
            Some(_) => Ok(()),
            None => Err(InputError::UnknownAgent(agent.clone())),
        }
    }

    fn max_text(&self) -> u32 {
        self.config.conversation_settings().max_text
    }

    /// Hands `stimulus` to conversation `id` and settles what it left.
    fn stimulate(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        stimulus: Stimulus,
    ) -> Result<(), InputError> {
        self.for_conversation(now, id, |c, env| c.handle(env, now, stimulus).map(|_| ()))
    }

    /// Hands an input to conversation `id` and settles what it left.
    fn for_conversation<R>(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        f: impl FnOnce(&mut Conversation, &mut Env<'_>) -> Result<R, InputError>,
    ) -> Result<R, InputError> {
        let key = self.key(id)?;
        self.act_on(now, key, f)
            .unwrap_or_else(|| Err(InputError::UnknownConversation(id.clone())))
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
            .filter(|(_, c)| c.transfer_waits_on(agent))
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable();
        for key in keys {
            self.with_conv(key, |c, env| {
                c.directed_failed(env, now, agent.clone(), reason.clone())
            });
        }
    }

    // ----- offers and the agent's acts ------------------------------------

    pub(super) fn accept(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
    ) -> Result<(), InputError> {
        self.key(id)?;
        self.known_agent(agent)?;
        self.stimulate(now, id, Stimulus::Accept(agent.clone()))
    }

    pub(super) fn decline(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
    ) -> Result<(), InputError> {
        self.key(id)?;
        self.known_agent(agent)?;
        self.stimulate(now, id, Stimulus::Decline(agent.clone()))
    }

    pub(super) fn agent_message(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
        content: Content,
    ) -> Result<(), InputError> {
        check_content(&content, self.max_text())?;
        let message = Stimulus::AgentMessage(agent.clone(), Box::new(content));
        self.agent_act(now, agent, id, message)
    }

    /// Hands an agent's act on conversation `id` to it, once the
    /// conversation and the agent are known.
    pub(super) fn agent_act(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
        stimulus: Stimulus,
    ) -> Result<(), InputError> {
        self.key(id)?;
        self.known_agent(agent)?;
        self.stimulate(now, id, stimulus)
    }

    /// The customer at `from` on `channel` is typing: their open
    /// conversation learns it; nothing happens without one.
    pub(super) fn customer_typing(
        &mut self,
        now: Timestamp,
        channel: &ChannelKind,
        from: &Address,
    ) -> Result<(), InputError> {
        from.check(channel)?;
        let open = self
            .contacts
            .find(channel, from)
            .and_then(|id| self.contacts.by_id.get(id))
            .and_then(|k| {
                k.conversations
                    .iter()
                    .rev()
                    .find(|key| self.convs.get(key).is_some_and(|c| c.state().is_open()))
                    .copied()
            });
        if let Some(key) = open {
            self.stimulate_key(now, key, Stimulus::CustomerTyping);
        }
        Ok(())
    }

    pub(super) fn transfer(&mut self, now: Timestamp, t: Transfer) -> Result<(), InputError> {
        if let Some(n) = &t.note {
            check_text(n, self.max_text())?;
        }
        let id = t.conversation.clone();
        self.stimulate(now, &id, Stimulus::Transfer(Box::new(t)))
    }

    pub(super) fn hold(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
    ) -> Result<(), InputError> {
        self.key(id)?;
        self.known_agent(agent)?;
        self.stimulate(now, id, Stimulus::Hold(agent.clone()))
    }

    pub(super) fn hand_back(
        &mut self,
        now: Timestamp,
        agent: &AgentId,
        id: &ConversationId,
        bot: Option<BotId>,
    ) -> Result<(), InputError> {
        self.key(id)?;
        self.known_agent(agent)?;
        self.stimulate(now, id, Stimulus::HandBack(agent.clone(), bot))
    }

    pub(super) fn close(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        by: Closer,
        agent: Option<&AgentId>,
    ) -> Result<(), InputError> {
        self.key(id)?;
        if let Some(a) = agent {
            self.known_agent(a)?;
        }
        self.stimulate(now, id, Stimulus::Close(by, agent.cloned()))
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
        self.for_conversation(now, id, |c, env| {
            c.csat_input(env, now, score);
            Ok(())
        })
    }

    pub(super) fn note(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        agent: Option<AgentId>,
        text: String,
    ) -> Result<(), InputError> {
        check_text(&text, self.max_text())?;
        non_empty("text", &text)?;
        self.key(id)?;
        if let Some(a) = &agent {
            self.known_agent(a)?;
        }
        let by = agent.map_or(Party::System, |agent| Party::Agent { agent });
        self.for_conversation(now, id, |c, env| {
            c.add_note(Note {
                at: now,
                by: by.clone(),
                text,
            });
            env.emit_about(now, c, EventKind::Noted { by });
            Ok(())
        })
    }

    pub(super) fn tag(
        &mut self,
        now: Timestamp,
        id: &ConversationId,
        tags: Vec<String>,
    ) -> Result<(), InputError> {
        check_texts(tags.iter().map(String::as_str), self.max_text())?;
        for t in &tags {
            non_empty("tags", t)?;
        }
        self.for_conversation(now, id, |c, env| {
            let added = c.add_tags(tags.iter());
            if added.is_empty() {
                c.duplicate(env, now, "tag");
            } else {
                env.emit_about(now, c, EventKind::Tagged { tags: added });
            }
            Ok(())
        })
    }

    // ----- bots -----------------------------------------------------------

    pub(super) fn bot_turn(&mut self, now: Timestamp, t: BotTurn) -> Result<(), InputError> {
        self.key(&t.conversation)?;
        let max = self.max_text();
        if let Some(reply) = &t.reply {
            check_content(reply, max)?;
        }
        if let Some(h) = &t.handoff {
            check_text(h, max)?;
        }
        check_texts(
            [
                t.intent.as_deref().unwrap_or(""),
                t.error.as_deref().unwrap_or(""),
            ],
            max,
        )?;
        check_suggestions(&t.suggestions, max)?;
        check_attributes(&t.slots, max)?;
        check_range("confidence", t.confidence, 0.0, 1.0)?;
        check_range("sentiment", t.sentiment, -1.0, 1.0)?;
        if let Some(i) = &t.intent {
            non_empty("intent", i)?;
        }
        let id = t.conversation.clone();
        self.stimulate(now, &id, Stimulus::BotTurn(Box::new(t)))
    }
}
