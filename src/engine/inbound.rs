//! Customer messages: contact lookup, conversation choice, routing, and the
//! bot step with its escalation triggers.

use crate::assign::{ConversationStatus, Request};
use crate::channel::consent::{ConsentEvent, ConsentState};
use crate::expr::{BotFacts, ConversationFacts, Facts};
use crate::handoff::{Entry, Party, Reason, State, first_trigger, format_opening, humanize_wait};
use crate::model::{AgentId, ContactId, QueueId, Timestamp};
use crate::router::{Decision, Route};

use super::conversation::Conv;
use super::validate::{
    check_attributes, check_declared, check_range, check_text, check_texts, non_empty,
};
use super::{Action, Event, EventKind, Inbound, InputError, Switchboard};

/// Which conversation an inbound message belongs to.
enum Target {
    Open(u64),
    Reopen(u64),
    New,
}

impl Switchboard {
    pub(super) fn inbound(&mut self, now: Timestamp, m: Inbound) -> Result<(), InputError> {
        check_text(&m.text, self.settings.max_text)?;
        let max = self.settings.max_text;
        check_texts(
            m.attachments.iter().flat_map(|a| {
                [
                    &a.url,
                    a.caption.as_deref().unwrap_or(""),
                    a.mime_type.as_deref().unwrap_or(""),
                ]
            }),
            max,
        )?;
        check_texts(
            [
                m.lang.as_deref().unwrap_or(""),
                m.id.as_deref().unwrap_or(""),
                m.contact_id.as_ref().map_or("", |c| c.as_str()),
            ],
            max,
        )?;
        check_attributes(&m.contact, max)?;
        check_declared(&self.config.spec().contact_attributes, &m.contact)?;
        m.from.check(&m.channel)?;
        check_range("sentiment", m.sentiment, -1.0, 1.0)?;
        for (field, v) in [
            ("contact_id", m.contact_id.as_ref().map(|c| c.as_str())),
            ("lang", m.lang.as_deref()),
            ("id", m.id.as_deref()),
        ] {
            if let Some(v) = v {
                non_empty(field, v)?;
            }
        }
        for a in &m.attachments {
            non_empty("attachments.url", &a.url)?;
        }

        // A retried webhook: ignore it.
        if let Some(msg) = &m.id
            && let Some(contact) = self.contacts.find(&m.channel, &m.from)
            && let Some(c) = self.contacts.by_id.get(contact)
            && c.conversations
                .iter()
                .filter_map(|k| self.convs.get(k))
                .any(|conv| conv.seen.iter().any(|s| s == msg))
        {
            self.emit(Event::new(
                now,
                EventKind::Duplicate {
                    input: "inbound".into(),
                },
            ));
            return Ok(());
        }

        // STOP / START keywords on channels that need consent.
        match self.consent.on_inbound(&m.channel, &m.from, &m.text, now) {
            Some(ConsentEvent::OptedOut { .. }) => {
                self.emit(Event::new(
                    now,
                    EventKind::OptedOut {
                        channel: m.channel.clone(),
                        address: m.from.clone(),
                    },
                ));
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
        match self.target(&contact, &m, now) {
            Target::Open(key) => {
                self.record_inbound(now, key, &m);
                self.after_inbound(now, key, &m.text);
            }
            Target::Reopen(key) => self.reopen(now, key, &m),
            Target::New => self.start(now, contact.clone(), &m),
        }
        self.settle_contact(now, &contact);
        Ok(())
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

    fn target(&self, contact: &ContactId, m: &Inbound, now: Timestamp) -> Target {
        let Some(c) = self.contacts.by_id.get(contact) else {
            return Target::New;
        };
        let fits = |conv: &Conv| self.settings.across_channels || conv.channel == m.channel;
        let mut reopen = None;
        for key in c.conversations.iter().rev() {
            let Some(conv) = self.convs.get(key) else {
                continue;
            };
            if !fits(conv) {
                continue;
            }
            if conv.state.is_open() {
                return Target::Open(*key);
            }
            if reopen.is_none()
                && conv
                    .closed_at
                    .is_some_and(|t| now < t + self.settings.reopen)
            {
                reopen = Some(*key);
            }
        }
        reopen.map_or(Target::New, Target::Reopen)
    }

    /// Adds a customer message to conversation `key`.
    fn record_inbound(&mut self, now: Timestamp, key: u64, m: &Inbound) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        let switched = (c.channel != m.channel).then(|| c.channel.clone());
        c.channel = m.channel.clone();
        c.address = m.from.clone();
        if !c.channels.contains(&m.channel) {
            c.channels.push(m.channel.clone());
        }
        c.last_inbound = now;
        c.messages = c.messages.saturating_add(1);
        if let Some(l) = &m.lang {
            c.lang = Some(l.clone());
        }
        if m.sentiment.is_some() {
            c.sentiment = m.sentiment;
        }
        if let Some(id) = &m.id {
            c.remember(id);
        }
        c.transcript.push(
            Entry::new(now, Party::Customer, m.text.clone())
                .on(m.channel.clone())
                .with_attachments(m.attachments.clone()),
        );
        // The customer spoke: silence no longer counts against them.
        c.deadlines.inactivity = None;
        let id = c.id.clone();
        if let Some(from) = switched {
            self.emit(
                Event::new(
                    now,
                    EventKind::ChannelSwitched {
                        from,
                        to: m.channel.clone(),
                    },
                )
                .conversation(id.clone()),
            );
        }
        self.emit(
            Event::new(
                now,
                EventKind::Message {
                    from: Party::Customer,
                    channel: m.channel.clone(),
                },
            )
            .conversation(id),
        );
        self.reschedule(key);
    }

    /// What a customer message does in the conversation's state.
    fn after_inbound(&mut self, now: Timestamp, key: u64, text: &str) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        match c.state {
            State::Bot => self.bot_step(now, key, text, false),
            State::WithAgent => {
                let (id, ticket, channel) = (c.id.clone(), c.ticket.clone(), c.channel.clone());
                let attachments = c
                    .transcript
                    .entries()
                    .next_back()
                    .map(|e| e.attachments.clone())
                    .unwrap_or_default();
                if let Some(agent) = c.agent.clone() {
                    self.act(
                        now,
                        Action::Deliver {
                            conversation: id.clone(),
                            agent: agent.clone(),
                            channel,
                            text: text.to_owned(),
                            attachments,
                        },
                    );
                    // The agent owes a reply (the queue's reply_timeout).
                    let _ = self.assigner.customer_wrote(now, &ticket);
                }
                if let Some(c) = self.convs.get_mut(&key)
                    && c.held
                {
                    c.held = false;
                    c.deadlines.hold = None;
                    let agent = c.agent.clone();
                    let mut e = Event::new(now, EventKind::Resumed).conversation(id);
                    e.agent = agent;
                    self.emit(e);
                    self.reschedule(key);
                }
            }
            // Waiting: the message is kept for the agent (leave a message).
            State::Queued | State::AfterHours | State::Offered | State::Closed => {}
        }
    }

    /// A new conversation for `contact`.
    fn start(&mut self, now: Timestamp, contact: ContactId, m: &Inbound) {
        let attrs = self
            .contacts
            .by_id
            .get(&contact)
            .map(|c| c.attributes.clone())
            .unwrap_or_default();
        let decision = {
            let facts = Facts::new(now)
                .with_channel(&m.channel)
                .with_text(&m.text)
                .with_attachments(&m.attachments)
                .with_contact(&attrs)
                .with_conversation(ConversationFacts {
                    new: true,
                    messages: 1,
                    lang: m.lang.as_deref(),
                    channel: Some(&m.channel),
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
        let id = crate::model::ConversationId::new(format!("c{key}"));
        let (n, ticket) = self.next_ticket();
        self.issue(n, ticket.clone(), key);
        let conv = Conv::new(
            id.clone(),
            ticket,
            contact.clone(),
            m.channel.clone(),
            m.from.clone(),
            now,
            self.settings.transcript(),
        );
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
        self.record_inbound(now, key, m);
        self.apply_decision(now, key, &decision, None);
    }

    /// A customer writing to a recently closed conversation.
    fn reopen(&mut self, now: Timestamp, key: u64, m: &Inbound) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        // An answer to the satisfaction survey.
        if c.csat_asked
            && c.csat.is_none()
            && let Ok(score @ 1..=5) = m.text.trim().parse::<u8>()
        {
            self.record_inbound(now, key, m);
            self.record_csat(now, key, score);
            self.notice(now, key, "csat_thanks", &[("score", &score.to_string())]);
            return;
        }
        let last = c.agents.last().cloned();
        let queue = c.queue.clone();
        if let Some(c) = self.convs.get_mut(&key) {
            c.closed_at = None;
            c.deadlines.purge = None;
            c.reopened = true;
            c.csat_asked = false;
            c.fallbacks = 0;
        }
        self.record_inbound(now, key, m);
        match (last, queue) {
            // Back to the last agent if they are free, else the queue.
            (Some(agent), Some(queue)) if self.config.queue(queue.as_str()).is_some() => {
                let prio = self.convs.get(&key).map_or(0, |c| c.priority);
                if !self.escalate(now, key, Reason::Reopened, Some(queue), prio, Some(agent)) {
                    // The queue turned it away (full): the customer was
                    // told; the conversation is open again, with its bot
                    // if it has one.
                    self.enter(
                        now,
                        key,
                        Some(State::Closed),
                        State::Bot,
                        Reason::Reopened,
                        true,
                    );
                    self.ask_bot(now, key, &m.text);
                    self.reschedule(key);
                }
            }
            _ => {
                let decision = self.route_existing(now, key, &m.text);
                self.apply_decision(now, key, &decision, Some(Reason::Reopened));
            }
        }
    }

    /// Routes a message of an existing conversation.
    fn route_existing(&self, now: Timestamp, key: u64, text: &str) -> Decision {
        let Some(c) = self.convs.get(&key) else {
            return Decision::default();
        };
        let attrs = self.contacts.by_id.get(&c.contact).map(|x| &x.attributes);
        let mut facts = Facts::new(now)
            .with_channel(&c.channel)
            .with_text(text)
            .with_conversation(ConversationFacts {
                new: false,
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
                handoff: false,
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
        self.config.router().route(&facts)
    }

    /// Applies a routing decision to conversation `key`: tags, attributes,
    /// opt-out, reply, and the route. `reopened` is the reason for a
    /// reopened conversation; a new one has none.
    fn apply_decision(
        &mut self,
        now: Timestamp,
        key: u64,
        decision: &Decision,
        reopened: Option<Reason>,
    ) {
        self.apply_side_effects(now, key, decision);
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        let from = (c.state == State::Closed).then_some(State::Closed);
        self.routed(now, key, decision);
        let reason = reopened.unwrap_or_else(|| match &decision.rule {
            Some(r) => Reason::Rule(r.clone()),
            None => Reason::Routed,
        });
        match &decision.route {
            Some(Route::Queue { queue, priority }) => {
                // Straight to the queue: its first transition is to queued
                // (from nothing, or from closed when reopened).
                if from.is_none() {
                    self.enter(now, key, None, State::Bot, reason.clone(), false);
                }
                let queue = Some(queue.clone());
                if !self.escalate(now, key, reason.clone(), queue, *priority, None) {
                    self.enter(now, key, from, State::Bot, reason, true);
                }
            }
            Some(Route::Bot { bot }) => {
                if let Some(c) = self.convs.get_mut(&key) {
                    c.bot = Some(bot.clone());
                }
                self.enter(now, key, from, State::Bot, reason, true);
                self.bot_step(now, key, &self.last_customer_text(key), true);
            }
            _ => {
                // No route and no default: the escalation queue, if any.
                if from.is_none() {
                    self.enter(now, key, None, State::Bot, reason.clone(), false);
                }
                if !self.escalate(now, key, reason.clone(), None, 0, None) {
                    self.enter(now, key, from, State::Bot, reason, true);
                }
            }
        }
    }

    /// Sets the first state of a new (or reopened) conversation, emitting
    /// the transition when `visible` (a conversation routed straight to a
    /// queue shows only its move to the queue).
    fn enter(
        &mut self,
        now: Timestamp,
        key: u64,
        from: Option<State>,
        to: State,
        reason: Reason,
        visible: bool,
    ) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        c.state = to;
        if visible {
            c.fresh = false;
            let e = Event::new(now, EventKind::Transition { from, to, reason })
                .conversation(c.id.clone());
            self.emit(e);
        }
    }

    /// Records which rules matched for conversation `key` and which one
    /// decided: every decision that changes a conversation is explained.
    fn routed(&mut self, now: Timestamp, key: u64, decision: &Decision) {
        let Some(id) = self.convs.get(&key).map(|c| c.id.clone()) else {
            return;
        };
        self.emit(
            Event::new(
                now,
                EventKind::Routed {
                    rule: decision.rule.clone(),
                    matched: decision.matched.clone(),
                },
            )
            .conversation(id),
        );
    }

    fn apply_side_effects(&mut self, now: Timestamp, key: u64, decision: &Decision) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        let added = c.add_tags(decision.tags.iter());
        let (id, contact, channel, address) = (
            c.id.clone(),
            c.contact.clone(),
            c.channel.clone(),
            c.address.clone(),
        );
        if !added.is_empty() {
            self.emit(Event::new(now, EventKind::Tagged { tags: added }).conversation(id.clone()));
        }
        if !decision.set.is_empty()
            && let Some(k) = self.contacts.by_id.get_mut(&contact)
        {
            for (name, v) in &decision.set {
                k.attributes.insert(name.clone(), v.clone());
            }
        }
        if decision.opt_out && !self.consent.is_opted_out(&channel, &address) {
            self.consent
                .set(&channel, &address, ConsentState::OptedOut, now);
            self.emit(Event::new(now, EventKind::OptedOut { channel, address }).conversation(id));
        }
        if let Some(reply) = &decision.reply {
            let reply = reply.clone();
            self.notice(now, key, &reply, &[]);
        }
    }

    fn last_customer_text(&self, key: u64) -> String {
        self.convs
            .get(&key)
            .and_then(|c| {
                c.transcript
                    .entries()
                    .rev()
                    .find(|e| e.from == Party::Customer)
                    .map(|e| e.text.clone())
            })
            .unwrap_or_default()
    }

    /// A customer message while a bot has the conversation: triggers, then
    /// rules (unless the message was just routed), then the bot.
    pub(super) fn bot_step(&mut self, now: Timestamp, key: u64, text: &str, routed: bool) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        let fired = {
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
                    handoff: false,
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
        // An escalation a full queue turns away leaves the conversation
        // with its bot (the customer was told): the bot still answers.
        if let Some((reason, queue)) = fired {
            let prio = c.priority;
            if self.escalate(now, key, reason, queue, prio, None) {
                return;
            }
        } else if !routed {
            let decision = self.route_existing(now, key, text);
            match (&decision.route, &decision.rule) {
                (Some(Route::Queue { queue, priority }), Some(rule)) => {
                    self.apply_side_effects(now, key, &decision);
                    self.routed(now, key, &decision);
                    let reason = Reason::Rule(rule.clone());
                    if self.escalate(now, key, reason, Some(queue.clone()), *priority, None) {
                        return;
                    }
                }
                (Some(Route::Bot { bot }), Some(_)) => {
                    self.apply_side_effects(now, key, &decision);
                    self.routed(now, key, &decision);
                    if let Some(c) = self.convs.get_mut(&key) {
                        c.bot = Some(bot.clone());
                    }
                }
                _ => {
                    if !decision.tags.is_empty() || !decision.set.is_empty() {
                        self.apply_side_effects(now, key, &decision);
                        // The audit log says which rules set them.
                        self.routed(now, key, &decision);
                    }
                }
            }
        }
        self.ask_bot(now, key, text);
        // Without a bot to ask, the customer's silence is what is awaited.
        self.reschedule(key);
    }

    /// Puts the customer's message to the conversation's bot.
    fn ask_bot(&mut self, now: Timestamp, key: u64, text: &str) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        let Some(bot) = c.bot.clone() else {
            return;
        };
        let timeout = self.config.bot_timeout(bot.as_str());
        let attributes = self
            .contacts
            .by_id
            .get(&c.contact)
            .map(|x| x.attributes.clone())
            .unwrap_or_default();
        let mut context = crate::handoff::BotContext::new(c.contact.clone(), c.channel.clone());
        context.attributes = attributes;
        context.lang = c.lang.clone();
        context.intent = c.intent.clone();
        context.slots = c.slots.clone();
        context.fallbacks = c.fallbacks;
        context.new = c.messages <= 1;
        let id = c.id.clone();
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        c.turn += 1;
        c.asked = true;
        c.deadlines.bot = Some(now + timeout);
        let turn = c.turn;
        self.act(
            now,
            Action::AskBot {
                conversation: id,
                bot,
                turn,
                text: text.to_owned(),
                context: Box::new(context),
            },
        );
        self.reschedule(key);
    }

    /// Sends conversation `key` to a queue (or the escalation queue), with
    /// `reason`. Returns whether it is now waiting for an agent.
    pub(super) fn escalate(
        &mut self,
        now: Timestamp,
        key: u64,
        reason: Reason,
        queue: Option<QueueId>,
        priority: i32,
        preferred: Option<AgentId>,
    ) -> bool {
        let Some(queue) = queue.or_else(|| self.config.escalation_queue().cloned()) else {
            return false;
        };
        let Some(c) = self.convs.get(&key) else {
            return false;
        };
        let contact = self.contacts.by_id.get(&c.contact);
        let sticky = contact
            .and_then(|k| k.last_agent.as_ref())
            .filter(|(_, at)| now < *at + self.settings.sticky)
            .map(|(a, _)| a.clone());
        let mut req = Request::new(c.ticket.clone(), queue.clone(), c.channel.clone())
            .with_priority(priority)
            .with_tags(c.tags.iter().cloned());
        if let Some(l) = &c.lang {
            req = req.with_lang(l.clone());
        }
        if let Some(k) = contact {
            req = req.with_contact(k.attributes.clone());
        }
        if let Some(agent) = preferred.or(sticky) {
            req = req.with_preferred(agent, None);
        }
        let status = match self.assigner.enqueue(now, req) {
            Ok(s) => s,
            Err(_) => {
                // Full (or no longer configured): the customer is told.
                self.notice(now, key, "queue_full", &[("queue", queue.as_str())]);
                return false;
            }
        };
        let closed = matches!(status, ConversationStatus::Waiting { open: false, .. });
        let interval = self.settings.notice_interval;
        let no_agent = self.settings.no_agent;
        if let Some(c) = self.convs.get_mut(&key) {
            c.queue = Some(queue.clone());
            c.priority = priority;
            c.reason = Some(reason.clone());
            c.asked = false;
            c.deadlines.bot = None;
            c.deadlines.inactivity = None;
            c.waiting_since = Some(now);
            c.declined.clear();
            c.offered.clear();
            c.told = None;
            c.told_no_agent = false;
            c.deadlines.notice = Some(now + interval);
            c.deadlines.no_agent = no_agent.map(|d| now + d);
        }
        let to = if closed {
            State::AfterHours
        } else {
            State::Queued
        };
        self.transition(now, key, to, reason);
        self.reschedule(key);
        self.drain(now);
        self.acknowledge(now, key);
        true
    }

    /// Tells the customer where they stand after an escalation.
    pub(super) fn acknowledge(&mut self, now: Timestamp, key: u64) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        match c.state {
            State::Offered | State::WithAgent => {
                let q = c.queue.clone().map(|q| q.to_string()).unwrap_or_default();
                self.notice(now, key, "connecting", &[("queue", &q)]);
            }
            State::Queued | State::AfterHours => self.queue_notice(now, key, "queued"),
            _ => {}
        }
    }

    /// Sends a queue notice (`queued`, `queue_update`, `after_hours`,
    /// `still_waiting`) with the conversation's position and estimate, and
    /// a [`QueueStatus`](Action::QueueStatus) for the host.
    pub(super) fn queue_notice(&mut self, now: Timestamp, key: u64, template: &str) {
        let Some(c) = self.convs.get(&key) else {
            return;
        };
        let Some(ConversationStatus::Waiting {
            queue,
            position,
            estimate,
            open,
            opens,
            ..
        }) = self.assigner.status(&c.ticket, now)
        else {
            return;
        };
        let id = c.id.clone();
        self.act(
            now,
            Action::QueueStatus {
                conversation: id,
                queue: queue.clone(),
                position,
                estimated_wait: estimate,
                opens,
            },
        );
        if let Some(c) = self.convs.get_mut(&key) {
            c.told = Some((position, estimate.map(|d| d.as_secs())));
        }
        let template = if !open && template == "queued" {
            "after_hours"
        } else {
            template
        };
        let tz = self
            .config
            .queue(queue.as_str())
            .and_then(|q| q.spec.calendar.as_deref())
            .and_then(|name| self.config.calendars().get(name))
            .map(|cal| cal.time_zone().clone())
            .unwrap_or_else(|| self.config.calendars().time_zone().clone());
        let pos = position.to_string();
        let wait = humanize_wait(estimate);
        let opening = format_opening(opens, &tz);
        self.notice(
            now,
            key,
            template,
            &[
                ("position", &pos),
                ("wait", &wait),
                ("queue", queue.as_str()),
                ("opening", &opening),
            ],
        );
    }
}
