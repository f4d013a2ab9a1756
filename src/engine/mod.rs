//! The engine: [`Switchboard`] joins the [router](crate::router), the
//! [assigner](crate::assign) and the [escalation state
//! machine](crate::handoff) into one sans-IO state machine a host drives.
//!
//! ```text
//! channel webhook ─► adapter ─► Input::Inbound ─► Switchboard::handle(now, input)
//!    contact lookup (one contact, many channel identities)
//!    conversation state: bot | queued | after hours | offered | with agent | closed
//!         new / with bot ─► Router: rules → bot | queue | drop
//!         bot turn       ─► escalation triggers → queue
//!         queued         ─► Assigner: eligible agents, strategy → offer
//!    poll_action() → Action::{Send, AskBot, Offer, Assigned, QueueStatus, …} → host executes
//!    poll_event()  → Event (audit log, metrics)     poll_timeout() → next deadline
//! ```
//!
//! The engine never reads a clock: every call takes `now`, and the host
//! calls [`handle_timeout`](Switchboard::handle_timeout) when
//! [`poll_timeout`](Switchboard::poll_timeout) says. The same inputs at the
//! same times always give the same actions and events, which is what makes
//! [snapshots](Switchboard::snapshot) plus a journal of inputs a complete
//! record.
//!
//! # Time
//!
//! Every call first runs the timers due at or before its `now`, each at its
//! own time (as if [`handle_timeout`](Switchboard::handle_timeout) had been
//! called at `now`), then applies the input. Time never goes backwards: an
//! earlier `now` is taken as the latest seen. When an input is refused, the
//! input changed nothing; the timers that were due ran all the same.
//!
//! # Example
//!
//! ```
//! use switchboard::config::Config;
//! use switchboard::engine::{Action, BotTurn, Inbound, Input, Switchboard};
//! use switchboard::handoff::State;
//! use switchboard::{Address, ChannelKind, ConversationId, Timestamp};
//!
//! let config = Config::from_toml_str(r#"
//!     [[queues]]
//!     id = "support"
//!     [bots.faq]
//!     [defaults]
//!     bot = "faq"
//! "#)?;
//! let mut sb = Switchboard::new(config);
//! let t = Timestamp::from_millis(1_700_000_000_000);
//! let me = Address::new_unchecked("visitor-1");
//!
//! sb.handle(t, Input::Inbound(Inbound::new(ChannelKind::WebChat, me.clone(), "When do you open?")))?;
//! let Some(Action::AskBot { conversation, turn, .. }) = sb.poll_action() else { panic!() };
//!
//! sb.handle(t, Input::BotTurn(BotTurn::new(conversation.clone()).turn(turn).reply("9 to 5, Monday to Friday.")))?;
//! assert!(matches!(sb.poll_action(), Some(Action::Send { text, .. }) if text == "9 to 5, Monday to Friday."));
//!
//! // Asking for a person escalates at once, without asking the bot.
//! sb.handle(t, Input::Inbound(Inbound::new(ChannelKind::WebChat, me, "I want to talk to a human")))?;
//! assert_eq!(sb.conversation(&conversation).unwrap().state(), State::Queued);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod agent_side;
mod assignment;
mod bot;
mod contacts;
mod conversation;
mod delivery;
mod error;
mod event;
mod inbound;
mod input;
mod invariants;
mod query;
mod settings;
mod snapshot;
mod tickets;
mod timers;
mod validate;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

pub use action::{Action, ActionLine};
pub use contacts::ContactView;
pub use error::InputError;
pub use event::{Event, EventKind};
pub use input::{BotTurn, Closer, Delivery, DeliveryStatus, Inbound, Input, Transfer};
pub use query::ConversationView;
pub use snapshot::{InputLine, RestoreError, Snapshot};

use crate::assign::Assigner;
use crate::channel::consent::{ConsentKeywords, ConsentRegistry};
use crate::channel::{Capabilities, Outbound, render};
use crate::config::Config;
use crate::handoff::{Entry, Party, Reason, State, default_template, fill};
use crate::model::{Content, Ticket, Timestamp};
use contacts::Contacts;
use conversation::Conv;
use settings::Settings;

/// The sans-IO customer-service engine: routing, bots, escalation, queues
/// and agents, for every conversation of one shard.
///
/// See the [module docs](self) for the shape of a run, and
/// [`Input`], [`Action`] and [`Event`] for what goes in and out.
#[derive(Debug)]
pub struct Switchboard {
    config: Arc<Config>,
    settings: Settings,
    /// Whether a call has set the start time.
    started: bool,
    assigner: Assigner,
    contacts: Contacts,
    /// Boxed: the table's slack then costs a pointer per slot, not a record.
    convs: contacts::Map<u64, Box<Conv>>,
    next_conv: u64,
    /// The conversation of every ticket a conversation uses.
    tickets: contacts::Map<Ticket, u64>,
    /// Tickets issued so far.
    next_ticket: u64,
    timers: BTreeSet<(Timestamp, u64)>,
    consent: ConsentRegistry,
    actions: VecDeque<ActionLine>,
    events: VecDeque<Event>,
    now: Timestamp,
}

impl Switchboard {
    /// An engine for `config` with no agents, contacts or conversations.
    ///
    /// The clock starts at the first call's `now`.
    pub fn new(config: impl Into<Arc<Config>>) -> Switchboard {
        let config = config.into();
        Switchboard {
            settings: Settings::from_config(&config),
            assigner: Assigner::new(config.clone(), Timestamp::EPOCH),
            config,
            started: false,
            contacts: Contacts::default(),
            convs: contacts::Map::default(),
            next_conv: 0,
            tickets: contacts::Map::default(),
            next_ticket: 0,
            timers: BTreeSet::new(),
            consent: ConsentRegistry::new(ConsentKeywords::default()),
            actions: VecDeque::new(),
            events: VecDeque::new(),
            now: Timestamp::EPOCH,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// The latest time seen.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Applies one input at time `now`.
    ///
    /// # Errors
    ///
    /// An [`InputError`] when the input names something unknown, does not
    /// fit the conversation's state, or is malformed; the input then
    /// changed nothing. Retried inputs (a webhook delivered twice, a double
    /// accept, the same bot handoff twice) are not errors: they are ignored
    /// and recorded as [`EventKind::Duplicate`].
    pub fn handle(&mut self, now: Timestamp, input: Input) -> Result<(), InputError> {
        let now = self.advance(now);
        let result = match input {
            Input::AgentUpsert(profile) => self.agent_upsert(now, profile),
            Input::AgentRemove { agent } => self.agent_remove(now, &agent),
            Input::AgentStatus { agent, status } => self.agent_status(now, &agent, status),
            Input::Inbound(m) => self.inbound(now, m),
            Input::BotTurn(t) => self.bot_turn(now, t),
            Input::AgentAccept {
                agent,
                conversation,
            } => self.accept(now, &agent, &conversation),
            Input::AgentDecline {
                agent,
                conversation,
            } => self.decline(now, &agent, &conversation),
            Input::AgentMessage {
                agent,
                conversation,
                text,
            } => self.agent_message(now, &agent, &conversation, text),
            Input::Transfer(t) => self.transfer(now, t),
            Input::Hold {
                agent,
                conversation,
            } => self.hold(now, &agent, &conversation),
            Input::HandBack {
                agent,
                conversation,
                bot,
            } => self.hand_back(now, &agent, &conversation, bot),
            Input::Close {
                conversation,
                by,
                agent,
            } => self.close_input(now, &conversation, by, agent.as_ref()),
            Input::Csat {
                conversation,
                score,
            } => self.csat(now, &conversation, score),
            Input::Note {
                conversation,
                agent,
                text,
            } => self.note(now, &conversation, agent, text),
            Input::Tag { conversation, tags } => self.tag(now, &conversation, tags),
            Input::Link {
                contact,
                channel,
                address,
            } => self.link(now, &contact, &channel, &address),
            Input::Merge { into, from } => self.merge(now, &into, &from),
            Input::Delivery(d) => self.delivery(now, d),
        };
        self.drain(now);
        result
    }

    /// The next action for the host, oldest first.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front().map(|l| l.action)
    }

    /// The next action with the time it was emitted at.
    pub fn poll_action_line(&mut self) -> Option<ActionLine> {
        self.actions.pop_front()
    }

    /// The next audit event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called;
    /// `None` when no timer can fall due (none is set, or every one lies
    /// past the [end of time](Timestamp::MAX)).
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        if !self.started {
            return None;
        }
        let mine = self.timers.first().map(|(t, _)| *t);
        let forget = self.contacts.forgets.first().map(|(t, _)| *t);
        // A deadline past the end of time never falls due.
        [mine, forget, self.assigner.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
            .filter(|t| *t <= Timestamp::MAX)
    }

    /// Runs every timer due at or before `now`: bot timeouts, offer
    /// expiries, inactivity, holds, queue updates, business hours,
    /// forgetting closed conversations and idle contacts.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.advance(now);
    }

    // ----- shared helpers -------------------------------------------------

    /// Starts the clock on the first call and runs due timers; returns the
    /// effective time.
    ///
    /// The clock stops at [`Timestamp::MAX`], as the assigner's does, so
    /// that every deadline lies strictly ahead of it or never falls due.
    /// The loop terminates: each turn removes a timer due at or before
    /// `now`, and what a timer re-arms is later than the timer itself
    /// (periodic ones skip the periods a jump of the clock passed over).
    fn advance(&mut self, now: Timestamp) -> Timestamp {
        let now = now.clamped();
        if !self.started {
            self.started = true;
            self.assigner = Assigner::new(self.config.clone(), now);
            self.now = now;
        }
        let now = now.max(self.now);
        loop {
            let mine = self.timers.first().copied();
            let theirs = self.assigner.poll_timeout();
            // Contacts are forgotten last among timers due at one instant,
            // after the conversation purges that leave them idle.
            if let Some((t, id)) = self.contacts.forgets.first().cloned()
                && t <= now
                && mine.is_none_or(|(m, _)| t < m)
                && theirs.is_none_or(|b| t < b)
            {
                self.now = self.now.max(t);
                self.forget_contact(t, &id);
                continue;
            }
            match (mine, theirs) {
                (Some((t, key)), b) if t <= now && b.is_none_or(|b| t <= b) => {
                    self.timers.remove(&(t, key));
                    if let Some(c) = self.convs.get_mut(&key) {
                        c.due = None;
                    }
                    self.now = self.now.max(t);
                    self.conversation_timer(t, key, now);
                    self.drain(t);
                }
                (_, Some(b)) if b <= now => {
                    self.now = self.now.max(b);
                    // Nothing of the engine's happens before its next
                    // timer (ties go to the engine): the assigner may take
                    // the business hours in force up to just before it.
                    let horizon = [
                        mine.map(|(t, _)| t.saturating_sub(Duration::from_millis(1))),
                        self.contacts.forgets.first().map(|(t, _)| *t),
                        Some(now),
                    ]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(now);
                    self.assigner.run_timers(b, horizon);
                    self.drain(b);
                    // Progress: the assigner ran every timer due by `b`.
                    if self.assigner.poll_timeout().is_some_and(|n| n <= b) {
                        debug_assert!(false, "the assigner left a timer due at {b}");
                        break;
                    }
                }
                _ => break,
            }
        }
        // The assigner's clock moves with the engine's even when none of
        // its timers is due, so that a refused input leaves both as they were.
        self.assigner.handle_timeout(now);
        self.drain(now);
        self.now = now;
        now
    }

    fn emit(&mut self, event: Event) {
        self.events.push_back(event);
    }

    fn act(&mut self, at: Timestamp, action: Action) {
        self.actions.push_back(ActionLine::new(at, action));
    }

    /// Moves conversation `key` to `to`, recording why.
    fn transition(&mut self, at: Timestamp, key: u64, to: State, reason: Reason) {
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        let from = (!c.fresh).then_some(c.state);
        if from == Some(to) {
            return;
        }
        c.fresh = false;
        c.state = to;
        // `no_agent_timeout` counts waiting time in an open queue: not after
        // hours (the customer was told when it opens), and it resumes, or
        // falls due at once, when an offer comes back.
        match to {
            State::AfterHours => c.deadlines.no_agent = None,
            State::Queued if c.deadlines.no_agent.is_none() => {
                if let Some(d) = self.settings.no_agent {
                    let since = match from {
                        Some(State::AfterHours) => at,
                        _ => c.waiting_since.unwrap_or(at),
                    };
                    c.deadlines.no_agent = Some((since + d).max(at));
                }
            }
            _ => {}
        }
        let agent = c.agent.clone().or_else(|| c.agents.last().cloned());
        let mut e =
            Event::new(at, EventKind::Transition { from, to, reason }).conversation(c.id.clone());
        e.agent = agent;
        e.queue = c.queue.clone();
        self.emit(e);
        self.reschedule(key);
    }

    /// Puts conversation `key`'s earliest deadline in the timer set.
    fn reschedule(&mut self, key: u64) {
        let (now, inactivity) = (self.now, self.settings.inactivity);
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        // Nothing stays open forever: a conversation with the bot that is
        // not waiting for the bot's answer (its escalation was turned away
        // by a full queue, the bot answered without a reply, it came back
        // from a queue) closes after `inactivity_timeout` of silence.
        if c.state == State::Bot && c.deadlines.bot.is_none() && c.deadlines.inactivity.is_none() {
            c.deadlines.inactivity = Some(now + inactivity);
        }
        let next = c.deadlines.earliest();
        if next == c.due {
            return;
        }
        if let Some(old) = c.due.take() {
            self.timers.remove(&(old, key));
        }
        if let Some(t) = next {
            self.timers.insert((t, key));
        }
        c.due = next;
    }

    /// Renders `text` for the conversation's channel and queues the sends.
    /// Returns why it could not be sent, if it could not.
    fn send(
        &mut self,
        at: Timestamp,
        key: u64,
        text: &str,
        from: Party,
    ) -> Result<(), SendRefusal> {
        let c = self.convs.get(&key).ok_or(SendRefusal::Gone)?;
        if self.consent.is_opted_out(&c.channel, &c.address) {
            return Err(SendRefusal::OptedOut);
        }
        let caps = Capabilities::for_kind(&c.channel);
        let window = caps.window_state(Some(c.last_inbound), at);
        let parts = render(&Content::text(text), &caps, window).map_err(|e| match e {
            crate::channel::RenderError::WindowClosed => SendRefusal::WindowClosed,
            other => SendRefusal::Render(other),
        })?;
        let (id, channel, to) = (c.id.clone(), c.channel.clone(), c.address.clone());
        for part in parts {
            if let Outbound::Text { text, .. } = part {
                self.act(
                    at,
                    Action::Send {
                        conversation: id.clone(),
                        channel: channel.clone(),
                        to: to.clone(),
                        text,
                        from: from.clone(),
                    },
                );
            }
        }
        if let Some(c) = self.convs.get_mut(&key) {
            c.transcript
                .push(Entry::new(at, from.clone(), text).on(channel.clone()));
        }
        self.emit(Event::new(at, EventKind::Message { from, channel }).conversation(id));
        Ok(())
    }

    /// Sends notice `name` (configured under `[templates]` or built in) with
    /// `values`; an empty template is not sent.
    fn notice(&mut self, at: Timestamp, key: u64, name: &str, values: &[(&str, &str)]) {
        // The config checks templates against the placeholders listed for
        // each notice: the engine must fill every one of them.
        debug_assert!(
            crate::handoff::notice(name).is_none_or(|n| n
                .placeholders
                .iter()
                .all(|p| values.iter().any(|(k, _)| k == p))),
            "notice `{name}` is sent without one of its placeholders"
        );
        let template = self
            .config
            .template(name)
            .or_else(|| default_template(name))
            .unwrap_or_default();
        if template.is_empty() {
            return;
        }
        let text = fill(template, values);
        let Some(id) = self.convs.get(&key).map(|c| c.id.clone()) else {
            return;
        };
        match self.send(at, key, &text, Party::System) {
            Ok(()) => self.emit(
                Event::new(
                    at,
                    EventKind::Notice {
                        template: name.into(),
                    },
                )
                .conversation(id),
            ),
            Err(why) => self.emit(
                Event::new(
                    at,
                    EventKind::NotSent {
                        reason: why.to_string(),
                    },
                )
                .conversation(id),
            ),
        }
    }
}

/// Why a message to the customer was not sent.
#[derive(Debug)]
enum SendRefusal {
    Gone,
    OptedOut,
    WindowClosed,
    Render(crate::channel::RenderError),
}

impl std::fmt::Display for SendRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendRefusal::Gone => f.write_str("the conversation is gone"),
            SendRefusal::OptedOut => f.write_str("the customer opted out on this channel"),
            SendRefusal::WindowClosed => {
                f.write_str("the channel's reply window is closed; only a template can be sent")
            }
            SendRefusal::Render(m) => write!(f, "the channel cannot carry it: {m}"),
        }
    }
}
