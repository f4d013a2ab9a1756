//! What the engine lends a conversation while it handles a stimulus: the
//! parts of the engine it may use, and where its outputs go.

use crate::assign::Assigner;
use crate::channel::consent::ConsentRegistry;
use crate::channel::{Outbound, RenderError, WindowState, render};
use crate::config::{Config, ConversationSettings};
use crate::engine::channels::Channels;
use crate::engine::contacts::{Contact, Contacts};
use crate::engine::output::Outbox;
use crate::engine::tickets::Tickets;
use crate::engine::{Action, Event, EventKind};
use crate::handoff::{Entry, Party, default_template, fill};
use crate::model::{Content, TemplateRef, Timestamp};

use super::{Conversation, Deferred, Menu};

/// The engine's parts a conversation uses, borrowed for one stimulus.
#[derive(Debug)]
pub(crate) struct Env<'a> {
    /// The conversation's key in the engine (tickets are filed under it).
    pub(crate) key: u64,
    pub(crate) config: &'a Config,
    pub(crate) assigner: &'a mut Assigner,
    pub(crate) contacts: &'a mut Contacts,
    pub(crate) consent: &'a mut ConsentRegistry,
    pub(crate) tickets: &'a mut Tickets,
    pub(crate) out: &'a mut Outbox,
    /// What each channel can carry, as the host registered it.
    pub(crate) channels: &'a Channels,
    /// What the engine does for the conversation once the assigner's
    /// events have been handled.
    pub(crate) then: Option<Then>,
}

/// Work a conversation leaves for after the assigner's events from its
/// stimulus have been handled (their order in the output is part of the
/// wire form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub(crate) enum Then {
    /// Tell the customer where they stand after an escalation: connecting
    /// if an agent was offered it at once, else their place in line.
    Acknowledge,
    /// Forget the conversation (its reopen window has passed).
    Purge,
}

/// Why a message to the customer was not sent.
#[derive(Debug)]
pub(crate) enum SendRefusal {
    OptedOut,
    Render(RenderError),
}

impl std::fmt::Display for SendRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendRefusal::OptedOut => f.write_str("the customer opted out on this channel"),
            SendRefusal::Render(m) => write!(f, "the channel cannot carry it: {m}"),
        }
    }
}

/// How a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    /// Sent as written.
    Now,
    /// The reply window had closed: sent as the approved template.
    AsTemplate,
    /// The reply window had closed and no template serves: kept, to go out
    /// when the customer writes again.
    Deferred,
}

impl Env<'_> {
    /// The resolved `[conversations]` settings.
    pub(crate) fn settings(&self) -> &ConversationSettings {
        self.config.conversation_settings()
    }

    /// The conversation's contact.
    pub(crate) fn contact(&self, conv: &Conversation) -> Option<&Contact> {
        self.contacts.by_id.get(&conv.contact)
    }

    /// Queues an action for the host.
    pub(crate) fn act(&mut self, at: Timestamp, action: Action) {
        self.out.act(at, action);
    }

    /// Records an audit event.
    pub(crate) fn emit(&mut self, event: Event) {
        self.out.emit(event);
    }

    /// Records an audit event about `conv`.
    pub(crate) fn emit_about(&mut self, at: Timestamp, conv: &Conversation, kind: EventKind) {
        self.out
            .emit(Event::new(at, kind).conversation(conv.id.clone()));
    }
}

impl Conversation {
    /// Sends `content` from `from` to the customer on their current
    /// channel, as the channel layer renders it with the capabilities the
    /// host registered; the message joins the transcript. When the reply
    /// window has closed, it goes out as the approved template configured
    /// for its purpose and the conversation's language, or is kept until
    /// the customer writes again.
    pub(crate) fn send(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        content: &Content,
        from: Party,
    ) -> Result<Sent, SendRefusal> {
        if env.consent.is_opted_out(&self.channel, &self.address) {
            return Err(SendRefusal::OptedOut);
        }
        let caps = env.channels.get(&self.channel);
        let window = caps.window_state(Some(self.last_inbound), at);
        let mut sent = Sent::Now;
        let templated;
        let mut to_render = content;
        if window == WindowState::Closed && content.template.is_none() {
            match self.approved(env, content, &from) {
                Some(t) => {
                    templated = Content::default().with_template(t);
                    to_render = &templated;
                    sent = Sent::AsTemplate;
                }
                None => {
                    let purpose = purpose(&from).into();
                    self.deferred.push(Deferred {
                        content: content.clone(),
                        from: from.clone(),
                    });
                    env.act(
                        at,
                        Action::Deferred {
                            conversation: self.id.clone(),
                            channel: self.channel.clone(),
                            from,
                            purpose,
                        },
                    );
                    return Ok(Sent::Deferred);
                }
            }
        }
        let parts = render(to_render, &caps, window).map_err(SendRefusal::Render)?;
        let native_menu = parts.iter().any(
            |p| matches!(p, Outbound::Text { quick_replies, .. } if !quick_replies.is_empty()),
        );
        for part in parts {
            env.act(
                at,
                Action::Send {
                    conversation: Some(self.id.clone()),
                    channel: self.channel.clone(),
                    to: self.address.clone(),
                    from: from.clone(),
                    part,
                },
            );
        }
        if !content.quick_replies.is_empty() {
            self.menu = Some(Menu {
                options: content.quick_replies.clone(),
                numbered: !native_menu,
            });
        }
        self.transcript.push(
            Entry::new(at, from.clone(), content.text.clone())
                .on(self.channel.clone())
                .with_attachments(content.attachments.clone()),
        );
        let channel = self.channel.clone();
        env.emit_about(at, self, EventKind::Message { from, channel });
        Ok(sent)
    }

    /// The approved template for `content` from `from`, with its
    /// parameters filled, when one is configured.
    fn approved(&self, env: &Env<'_>, content: &Content, from: &Party) -> Option<TemplateRef> {
        let t = env
            .config
            .approved_template(purpose(from), self.lang.as_deref())?;
        let agent = match from {
            Party::Agent { agent } => agent.as_str(),
            _ => "",
        };
        let queue = self.queue.as_ref().map_or("", |q| q.as_str());
        let attrs = env.contact(self).map(|k| &k.attributes);
        let contact: Vec<(String, String)> = attrs
            .into_iter()
            .flatten()
            .map(|(k, v)| (format!("contact.{k}"), v.to_string()))
            .collect();
        let mut values: Vec<(&str, &str)> = vec![
            ("text", content.text.as_str()),
            ("agent", agent),
            ("queue", queue),
            ("conversation", self.id.as_str()),
        ];
        values.extend(contact.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let parameters: Vec<String> = t
            .parameters
            .iter()
            .map(|p| one_line(&fill(p, &values)))
            .collect();
        Some(TemplateRef::new(t.name.clone(), t.language.clone()).with_parameters(parameters))
    }

    /// Sends what was kept while the reply window was closed, now that the
    /// customer wrote again.
    pub(crate) fn send_deferred(&mut self, env: &mut Env<'_>, at: Timestamp) {
        for d in std::mem::take(&mut self.deferred) {
            if let Err(why) = self.send(env, at, &d.content, d.from) {
                let reason = why.to_string();
                env.emit_about(at, self, EventKind::NotSent { reason });
            }
        }
    }

    /// Sends notice `name` (configured under `[templates]` or built in)
    /// with `values`; an empty template is not sent.
    pub(crate) fn notice(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        name: &str,
        values: &[(&str, &str)],
    ) {
        // The config checks templates against the placeholders listed for
        // each notice: every one of them must be filled.
        debug_assert!(
            crate::handoff::notice(name).is_none_or(|n| n
                .placeholders
                .iter()
                .all(|p| values.iter().any(|(k, _)| k == p))),
            "notice `{name}` is sent without one of its placeholders"
        );
        self.notice_with(env, at, name, |template| fill(template, values));
    }

    /// [`notice`](Self::notice) with the text made by `text` from the
    /// template, which it is given only when there is one to send.
    pub(crate) fn notice_with(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        name: &str,
        text: impl FnOnce(&str) -> String,
    ) {
        let template = env
            .config
            .template(name)
            .or_else(|| default_template(name))
            .unwrap_or_default();
        if template.is_empty() {
            return;
        }
        let text = text(template);
        let kind = match self.send(env, at, &Content::text(text), Party::System) {
            Ok(_) => EventKind::Notice {
                template: name.into(),
            },
            Err(why) => EventKind::NotSent {
                reason: why.to_string(),
            },
        };
        env.emit_about(at, self, kind);
    }
}

/// The `[templates]` table that serves a message from `from` when the
/// reply window has closed.
pub(crate) fn purpose(from: &Party) -> &'static str {
    match from {
        Party::Agent { .. } => "agent_reply",
        Party::Bot { .. } => "bot_reply",
        _ => "notice",
    }
}

/// A template parameter as providers accept it: WhatsApp refuses body
/// parameters with line breaks, tabs or runs of more than four spaces, so
/// every run of white space becomes one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn template_parameters_are_one_line_with_single_spaces() {
        assert_eq!(
            one_line("Hi Ana,\n\nyour order\tshipped     today. "),
            "Hi Ana, your order shipped today."
        );
        assert_eq!(one_line(""), "");
    }
}
