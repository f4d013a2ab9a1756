//! What agents use besides writing: showing they type, canned responses,
//! sending on an article the bot suggested; and the customer's typing.

use crate::channel::WindowState;
use crate::engine::{Action, Event, EventKind, InputError};
use crate::handoff::{Entry, Party};
use crate::model::{AgentId, ChannelKind, Content, Timestamp};

use super::{Conversation, Env};

impl Conversation {
    /// The agent is typing: the customer sees it where the channel has a
    /// typing indicator (and may be written to freely).
    ///
    /// # Errors
    ///
    /// The agent does not have it.
    pub(crate) fn agent_typing(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        self.owned_by(agent, "show typing for")?;
        let caps = env.channels.get(&self.channel);
        let open = caps.window_state(Some(self.last_inbound), now) == WindowState::Open;
        if caps.typing_indicator && open && !env.consent.is_opted_out(&self.channel, &self.address)
        {
            env.act(
                now,
                Action::Typing {
                    conversation: self.id.clone(),
                    channel: self.channel.clone(),
                    to: self.address.clone(),
                },
            );
        }
        Ok(())
    }

    /// The customer is typing: the agent who has it (or the bot) learns it
    /// from the event.
    pub(crate) fn customer_typing(&mut self, env: &mut Env<'_>, now: Timestamp) {
        let mut e = Event::new(
            now,
            EventKind::Typing {
                party: Party::Customer,
            },
        )
        .conversation(self.id.clone());
        e.agent = self.agent().cloned();
        env.emit(e);
    }

    /// The agent sends canned response `name` (its id or shortcut) in the
    /// conversation's language, with its variables filled in.
    ///
    /// # Errors
    ///
    /// The agent does not have it, there is no such canned response, one of
    /// its variables has no value here, or sending fails as an agent
    /// message does.
    pub(crate) fn send_canned(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
        name: &str,
    ) -> Result<(), InputError> {
        self.owned_by(agent, "send a canned response to")?;
        let (id, canned) = env
            .config
            .canned(name)
            .ok_or_else(|| InputError::UnknownCanned(name.to_owned()))?;
        let text = canned
            .text_for(self.lang.as_deref())
            .ok_or_else(|| InputError::UnknownCanned(name.to_owned()))?;
        let text = self.fill_canned(env, agent, id, text)?;
        self.agent_message(env, now, agent, &Content::text(text))
    }

    /// `text` with its variables filled in for `agent` in this
    /// conversation.
    fn fill_canned(
        &self,
        env: &Env<'_>,
        agent: &AgentId,
        id: &str,
        text: &str,
    ) -> Result<String, InputError> {
        let used = crate::handoff::placeholders(text).unwrap_or_default();
        let contact = env.contact(self).map(|k| &k.attributes);
        let agent_view = env.assigner.agent(agent);
        let mut values: Vec<(String, String)> = Vec::new();
        for var in used {
            let value = match var {
                "agent" => Some(agent.to_string()),
                "queue" => self.queue.as_ref().map(ToString::to_string),
                "conversation" => Some(self.id.to_string()),
                v => {
                    if let Some(name) = v.strip_prefix("contact.") {
                        contact.and_then(|a| a.get(name)).map(ToString::to_string)
                    } else if let Some(name) = v.strip_prefix("agent.") {
                        agent_view
                            .as_ref()
                            .and_then(|a| a.attributes())
                            .and_then(|a| a.get(name))
                            .map(ToString::to_string)
                    } else if let Some(name) = v.strip_prefix("slot.") {
                        self.memory.slots.get(name).map(ToString::to_string)
                    } else {
                        None
                    }
                }
            };
            let Some(value) = value else {
                return Err(InputError::CannedVariable {
                    canned: id.to_owned(),
                    variable: var.to_owned(),
                });
            };
            values.push((var.to_owned(), value));
        }
        let pairs: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Ok(crate::handoff::fill(text, &pairs))
    }

    /// The agent sends the customer the bot's suggestion at `index`: its
    /// answer (or title) and its link.
    ///
    /// # Errors
    ///
    /// The agent does not have it, there is no suggestion at `index`, or
    /// sending fails as an agent message does.
    pub(crate) fn send_suggestion(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        agent: &AgentId,
        index: usize,
    ) -> Result<(), InputError> {
        self.owned_by(agent, "send a suggestion to")?;
        let Some(s) = self.memory.suggestions.get(index) else {
            return Err(InputError::NoSuggestion {
                conversation: self.id.clone(),
                index,
                len: self.memory.suggestions.len(),
            });
        };
        let content = s.content();
        self.agent_message(env, now, agent, &content)
    }
}

impl Conversation {
    /// Records a message the business sent the customer outside the
    /// conversation's own flow (a notification) in its transcript, so the
    /// agent sees it.
    pub(crate) fn record_business(&mut self, at: Timestamp, channel: ChannelKind, text: String) {
        self.transcript
            .push(Entry::new(at, Party::System, text).on(channel));
    }
}
