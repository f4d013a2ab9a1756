//! Customer messages: checks, retries, consent keywords, the contact, and
//! which conversation a message belongs to — a new one is routed by the
//! rules; the conversation does the rest.

use crate::channel::consent::ConsentEvent;
use crate::channel::{RenderError, WindowState, render};
use crate::config::Config;
use crate::conversation::{Conversation, Stimulus, attachments_of};
use crate::expr::{ConversationFacts, Facts};
use crate::handoff::{Entry, Party, Transcript, default_template};
use crate::model::{Address, ChannelKind, ContactId, Content, ConversationId, Origin, Timestamp};
use crate::notify::ConsentStatus;
use crate::router::Route;

use super::validate::{check_declared, check_inbound};
use super::{Action, Event, EventKind, Inbound, InputError, Switchboard};

/// Which conversation an inbound message belongs to.
enum Target {
    Open(u64),
    Reopen(u64),
    New,
}

impl Inbound {
    /// The checks [`Switchboard::handle`] makes of a customer message
    /// before it changes anything: sizes, names that must say something,
    /// the address, finite numbers and the declared types of the contact
    /// attributes. The simulator asks them of a scenario's messages before
    /// it runs.
    pub(crate) fn check(&self, config: &Config) -> Result<(), InputError> {
        check_inbound(self, config.conversation_settings().max_text)?;
        check_declared(&config.spec().contact_attributes, &self.contact)
    }
}

impl Switchboard {
    pub(super) fn inbound(&mut self, now: Timestamp, m: Inbound) -> Result<(), InputError> {
        m.check(&self.config)?;

        // A retried webhook: ignore it.
        if let Some(msg) = &m.id
            && let Some(contact) = self.contacts.find(&m.channel, &m.from)
            && let Some(c) = self.contacts.by_id.get(contact)
            && c.conversations
                .iter()
                .filter_map(|k| self.convs.get(k))
                .any(|conv| conv.has_seen(msg))
        {
            self.emit(Event::new(
                now,
                EventKind::Duplicate {
                    input: "inbound".into(),
                },
            ));
            return Ok(());
        }

        // YES to a double opt-in's confirmation request: recorded and
        // answered; it reaches no conversation.
        if self.confirm_opt_in(now, &m.channel, &m.from, &m.text) {
            return Ok(());
        }
        // STOP / START / HELP keywords on channels that need consent: the
        // carrier-required reply, and nothing reaches a conversation.
        match self.consent.on_inbound(&m.channel, &m.from, &m.text, now) {
            Some(ConsentEvent::OptedOut { repeated }) => {
                self.emit(Event::new(
                    now,
                    EventKind::OptedOut {
                        channel: m.channel.clone(),
                        address: m.from.clone(),
                    },
                ));
                if !repeated {
                    self.record_keyword(
                        now,
                        &m.channel,
                        &m.from,
                        &m.text,
                        None,
                        ConsentStatus::OptedOut,
                    );
                    self.keyword_reply(now, &m, "sms_stop");
                }
                return Ok(());
            }
            Some(ConsentEvent::OptedIn) => {
                self.emit(Event::new(
                    now,
                    EventKind::OptedIn {
                        channel: m.channel.clone(),
                        address: m.from.clone(),
                    },
                ));
                self.record_keyword(
                    now,
                    &m.channel,
                    &m.from,
                    &m.text,
                    None,
                    ConsentStatus::OptedIn,
                );
                self.keyword_reply(now, &m, "sms_start");
                return Ok(());
            }
            Some(ConsentEvent::Help { opted_out }) => {
                if !opted_out {
                    self.keyword_reply(now, &m, "sms_help");
                }
                return Ok(());
            }
            _ => {}
        }

        let contact = self.contact_for(now, &m);
        if let Some(c) = self.contacts.by_id.get_mut(&contact) {
            for (k, v) in &m.contact {
                c.attributes.insert(k.clone(), v.clone());
            }
        }
        // An answer to an invitation starts a conversation of its own.
        let invitation = self.accept_invitation(now, &m);
        match self.target(&contact, &m, now) {
            Target::Open(key) => self.stimulate_key(now, key, Stimulus::Customer(Box::new(m))),
            Target::Reopen(key) if invitation.is_none() => {
                self.stimulate_key(now, key, Stimulus::Reopen(Box::new(m)));
            }
            Target::Reopen(_) | Target::New => {
                // An answer to an invitation, or a reply to a notification,
                // continues what the customer was sent.
                let (origin, first) = match invitation {
                    Some(origin) => (Some(origin), None),
                    None => self.notice_for(now, &m),
                };
                self.start(now, contact.clone(), &m, origin, first)
            }
        }
        self.settle_contact(now, &contact);
        Ok(())
    }

    /// The notification a new conversation from `m`'s sender answers: its
    /// origin and the notice, which begins the transcript.
    fn notice_for(&mut self, now: Timestamp, m: &Inbound) -> (Option<Origin>, Option<Entry>) {
        let settings = self.config.notify_settings();
        match self
            .notifier
            .take_notice(&m.channel, &m.from, now, settings)
        {
            Some(n) => {
                let entry = Entry::new(n.at, Party::System, n.text).on(m.channel.clone());
                (Some(n.origin), Some(entry))
            }
            None => (None, None),
        }
    }

    /// The contact of the message's sender, created or linked as needed.
    fn contact_for(&mut self, now: Timestamp, m: &Inbound) -> ContactId {
        let known = self.contacts.find(&m.channel, &m.from).cloned();
        match (&m.contact_id, known) {
            (None, Some(c)) => c,
            (Some(want), Some(have)) if *want == have => have,
            (Some(want), Some(have)) => {
                if !self.contacts.by_id.contains_key(want) {
                    self.contacts.create_bare(want.clone());
                }
                self.merge_contacts(now, want, &have);
                want.clone()
            }
            (Some(want), None) => {
                if self.contacts.by_id.contains_key(want) {
                    self.contacts.add_identity(want, &m.channel, &m.from);
                    self.emit(Event::new(
                        now,
                        EventKind::Linked {
                            contact: want.clone(),
                            channel: m.channel.clone(),
                            address: m.from.clone(),
                        },
                    ));
                } else {
                    self.contacts.create(want.clone(), &m.channel, &m.from);
                }
                want.clone()
            }
            (None, None) => {
                let id = self.contacts.fresh_id();
                self.contacts.create(id.clone(), &m.channel, &m.from);
                id
            }
        }
    }

    /// Merges contact `from` into `into`, moving their conversations.
    pub(super) fn merge_contacts(&mut self, now: Timestamp, into: &ContactId, from: &ContactId) {
        for key in self.contacts.merge(into, from) {
            if let Some(c) = self.convs.get_mut(&key) {
                c.contact = into.clone();
            }
        }
        self.emit(Event::new(
            now,
            EventKind::Merged {
                into: into.clone(),
                from: from.clone(),
            },
        ));
        self.settle_contact(now, into);
    }

    /// Sends notice `name` to the sender of `m`, outside any conversation:
    /// the reply carriers require to a keyword.
    fn keyword_reply(&mut self, now: Timestamp, m: &Inbound, name: &str) {
        let text = self
            .config
            .template(name)
            .or_else(|| default_template(name))
            .unwrap_or_default();
        if text.is_empty() {
            return;
        }
        let kind = match self.send_outside(now, &m.channel, &m.from, &Content::text(text)) {
            Ok(()) => EventKind::Notice {
                template: name.into(),
            },
            Err(e) => EventKind::NotSent {
                reason: format!("the channel cannot carry it: {e}"),
            },
        };
        self.emit(Event::new(now, kind));
    }

    /// Sends `content` from the business to `to` on `channel`, outside any
    /// conversation, rendered for the channel as the host registered it
    /// (with its reply window open: what goes here is free text or already
    /// a template).
    pub(super) fn send_outside(
        &mut self,
        now: Timestamp,
        channel: &ChannelKind,
        to: &Address,
        content: &Content,
    ) -> Result<(), RenderError> {
        let caps = self.channels.get(channel);
        for part in render(content, &caps, WindowState::Open)? {
            self.out.act(
                now,
                Action::Send {
                    conversation: None,
                    channel: channel.clone(),
                    to: to.clone(),
                    from: Party::System,
                    part,
                },
            );
        }
        Ok(())
    }

    fn target(&self, contact: &ContactId, m: &Inbound, now: Timestamp) -> Target {
        let Some(c) = self.contacts.by_id.get(contact) else {
            return Target::New;
        };
        let settings = self.config.conversation_settings();
        let fits = |conv: &Conversation| settings.across_channels || conv.channel == m.channel;
        let mut reopen = None;
        for key in c.conversations.iter().rev() {
            let Some(conv) = self.convs.get(key) else {
                continue;
            };
            if !fits(conv) {
                continue;
            }
            if conv.state().is_open() {
                return Target::Open(*key);
            }
            if reopen.is_none()
                && conv
                    .phase
                    .closed_at()
                    .is_some_and(|t| now < t + settings.reopen_window)
            {
                reopen = Some(*key);
            }
        }
        reopen.map_or(Target::New, Target::Reopen)
    }

    /// A new conversation for `contact`, routed by the rules on its first
    /// message (unless they drop it).
    ///
    /// `origin` says who started it when the customer answers a
    /// notification or an invitation, and `first` is what the customer
    /// was sent, which begins the transcript.
    fn start(
        &mut self,
        now: Timestamp,
        contact: ContactId,
        m: &Inbound,
        origin: Option<Origin>,
        first: Option<Entry>,
    ) {
        let attrs = self
            .contacts
            .by_id
            .get(&contact)
            .map(|c| c.attributes.clone())
            .unwrap_or_default();
        let mut decision = {
            let attachments = attachments_of(m);
            let facts = Facts::new(now)
                .with_channel(&m.channel)
                .with_text(&m.text)
                .with_attachments(&attachments)
                .with_contact(&attrs)
                .with_conversation(ConversationFacts {
                    new: true,
                    messages: 1,
                    lang: m.lang.as_deref(),
                    channel: Some(&m.channel),
                    origin: Some(origin.as_ref().map_or("customer", Origin::name)),
                    campaign: origin.as_ref().and_then(Origin::campaign),
                    ..ConversationFacts::default()
                });
            let facts = match (&m.lang, m.sentiment) {
                (Some(l), Some(s)) => facts.with_lang(l).with_sentiment(s),
                (Some(l), None) => facts.with_lang(l),
                (None, Some(s)) => facts.with_sentiment(s),
                (None, None) => facts,
            };
            self.config.router().route(&facts)
        };
        if matches!(decision.route, Some(Route::Drop)) {
            self.emit(Event::new(
                now,
                EventKind::Dropped {
                    rule: decision.rule.clone(),
                },
            ));
            return;
        }
        self.next_conv += 1;
        let key = self.next_conv;
        let id = ConversationId::new(format!("c{key}"));
        let (n, ticket) = self.tickets.next();
        self.tickets.issue(n, ticket.clone(), key);
        let settings = self.config.conversation_settings();
        let mut conv = Conversation::new(
            id.clone(),
            ticket,
            contact.clone(),
            m.channel.clone(),
            m.from.clone(),
            now,
            Transcript::new(settings.transcript_messages, settings.transcript_bytes),
        );
        conv.origin = origin.map(Box::new);
        if let Some(entry) = first {
            conv.transcript.push(entry);
        }
        self.convs.insert(key, Box::new(conv));
        if let Some(c) = self.contacts.by_id.get_mut(&contact) {
            c.conversations.push(key);
        }
        self.emit(
            Event::new(
                now,
                EventKind::Started {
                    contact,
                    channel: m.channel.clone(),
                },
            )
            .conversation(id),
        );
        self.invitation_prelude(now, key, &mut decision);
        let start = Stimulus::Start(Box::new(m.clone()), Box::new(decision));
        self.stimulate_key(now, key, start);
    }
}
