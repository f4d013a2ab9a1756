//! What the engine lends a conversation while it handles a stimulus: the
//! parts of the engine it may use, and where its outputs go.

use crate::assign::Assigner;
use crate::channel::consent::ConsentRegistry;
use crate::channel::{Capabilities, Outbound, RenderError, render};
use crate::config::{Config, ConversationSettings};
use crate::engine::contacts::{Contact, Contacts};
use crate::engine::output::Outbox;
use crate::engine::tickets::Tickets;
use crate::engine::{Action, Event, EventKind};
use crate::handoff::{Entry, Party, default_template, fill};
use crate::model::{Content, Timestamp};

use super::Conversation;

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
    WindowClosed,
    Render(RenderError),
}

impl std::fmt::Display for SendRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendRefusal::OptedOut => f.write_str("the customer opted out on this channel"),
            SendRefusal::WindowClosed => {
                f.write_str("the channel's reply window is closed; only a template can be sent")
            }
            SendRefusal::Render(m) => write!(f, "the channel cannot carry it: {m}"),
        }
    }
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
    /// Renders `text` for the customer's channel and queues the sends; the
    /// message joins the transcript. Returns why it could not be sent, if
    /// it could not.
    pub(crate) fn send(
        &mut self,
        env: &mut Env<'_>,
        at: Timestamp,
        text: &str,
        from: Party,
    ) -> Result<(), SendRefusal> {
        if env.consent.is_opted_out(&self.channel, &self.address) {
            return Err(SendRefusal::OptedOut);
        }
        let caps = Capabilities::for_kind(&self.channel);
        let window = caps.window_state(Some(self.last_inbound), at);
        let parts = render(&Content::text(text), &caps, window).map_err(|e| match e {
            RenderError::WindowClosed => SendRefusal::WindowClosed,
            other => SendRefusal::Render(other),
        })?;
        for part in parts {
            if let Outbound::Text { text, .. } = part {
                env.act(
                    at,
                    Action::Send {
                        conversation: self.id.clone(),
                        channel: self.channel.clone(),
                        to: self.address.clone(),
                        text,
                        from: from.clone(),
                    },
                );
            }
        }
        self.transcript
            .push(Entry::new(at, from.clone(), text).on(self.channel.clone()));
        let channel = self.channel.clone();
        env.emit_about(at, self, EventKind::Message { from, channel });
        Ok(())
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
        let template = env
            .config
            .template(name)
            .or_else(|| default_template(name))
            .unwrap_or_default();
        if template.is_empty() {
            return;
        }
        let text = fill(template, values);
        let kind = match self.send(env, at, &text, Party::System) {
            Ok(()) => EventKind::Notice {
                template: name.into(),
            },
            Err(why) => EventKind::NotSent {
                reason: why.to_string(),
            },
        };
        env.emit_about(at, self, kind);
    }
}
