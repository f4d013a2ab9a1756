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
//!    poll_output() → Action::{Send, AskBot, Offer, Assigned, QueueStatus, …} → host executes
//!                  → Event (audit log, metrics)     poll_timeout() → next deadline
//! ```
//!
//! The engine composes: it finds the contact and the conversation an input
//! is for, asks the router about new conversations, hands the conversation
//! its stimulus, hands the assigner's decisions to the conversations they
//! concern, and files each conversation's next deadline. Each
//! conversation's lifecycle — states, timers, transitions — is a type of
//! its own; the engine holds none of it.
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
//! use switchboard::engine::{Action, Inbound, Input, Output, Switchboard};
//! use switchboard::handoff::State;
//! use switchboard::{Address, ChannelKind, Timestamp};
//!
//! /// After every call, drains every output in order: the actions, and
//! /// the events (the audit log; not kept here).
//! fn drain(sb: &mut Switchboard) -> Vec<Action> {
//!     std::iter::from_fn(|| sb.poll_output())
//!         .filter_map(|output| match output {
//!             Output::Action(line) => Some(line.action),
//!             _ => None,
//!         })
//!         .collect()
//! }
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
//! let Some(Action::AskBot(ask)) = drain(&mut sb).into_iter().next() else { panic!() };
//! let conversation = ask.conversation.clone(); // the engine's id for it
//!
//! sb.handle(t, Input::BotTurn(ask.turn().reply("9 to 5, Monday to Friday.")))?;
//! assert!(matches!(drain(&mut sb).first(), Some(Action::Send { part, .. }) if part.as_text() == Some("9 to 5, Monday to Friday.")));
//!
//! // Asking for a person escalates at once, without asking the bot.
//! sb.handle(t, Input::Inbound(Inbound::new(ChannelKind::WebChat, me, "I want to talk to a human")))?;
//! assert_eq!(sb.conversation(&conversation).unwrap().state(), State::Queued);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod agents;
mod bot_turn;
pub(crate) mod channels;
pub(crate) mod contacts;
mod delivery;
mod dispatch;
mod error;
mod event;
mod inbound;
mod input;
mod invariants;
mod notify;
pub(crate) mod output;
mod query;
mod snapshot;
mod strategies;
pub(crate) mod tickets;
mod timers;
mod validate;
mod visits;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

pub use action::{Action, ActionLine};
pub use bot_turn::BotTurn;
pub use contacts::{ContactUpsert, ContactView, Identity};
pub use error::InputError;
pub use event::{Event, EventKind};
pub use input::{Closer, Delivery, DeliveryStatus, Inbound, Input, Transfer};
pub use notify::{PREFERRED_CHANNEL, TIMEZONE};
pub use output::Output;
pub use query::ConversationView;
pub use snapshot::{InputLine, RestoreError, Snapshot};
pub use strategies::StrategyError;

use crate::assign::Assigner;
use crate::channel::Capabilities;
use crate::channel::consent::{ConsentKeywords, ConsentRegistry};
use crate::config::Config;
use crate::conversation::{Conversation, Env, Stimulus, Then};
use crate::invite::Visitors;
use crate::model::{ChannelKind, Timestamp};
use crate::notify::notifier::Notifier;
use channels::Channels;
use contacts::Contacts;
use output::Outbox;
use strategies::HostStrategies;
use tickets::Tickets;

/// The sans-IO customer-service engine: routing, bots, escalation, queues
/// and agents, for every conversation of one shard.
///
/// # The drive loop
///
/// After every `handle*` call, drain the outputs with [`poll_output`], in
/// order, then re-arm your timer from [`poll_timeout`] and, when it
/// fires, call [`handle_timeout`] with the time it fired: your clock's
/// time then, at or after the value `poll_timeout` gave.
///
/// [`handle`] itself first runs every timer due by its `now`, each at its
/// own time, then applies the input: a timer your host fires late loses
/// nothing.
///
/// Actions and events are one ordered queue: [`poll_action`] and
/// [`poll_event`] see it one kind at a time. Events wait until polled, so
/// a host that only wants the actions must still drain [`poll_event`],
/// or they accumulate.
///
/// ```
/// # use switchboard::config::Config;
/// # use switchboard::engine::{Inbound, Input, Output, Switchboard};
/// # use switchboard::{Address, ChannelKind, Timestamp};
/// # let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
/// # let now = Timestamp::from_millis(1_700_000_000_000);
/// # let input = Input::Inbound(Inbound::new(ChannelKind::Sms, Address::new_unchecked("+14155550100"), "hi"));
/// sb.handle(now, input)?;                       // or sb.handle_timeout(now)
/// while let Some(output) = sb.poll_output() {
///     match output {
///         Output::Action(line) => { /* send, ask a bot, offer to an agent … */ }
///         Output::Event(event) => { /* audit log, metrics */ }
///         _ => {}
///     }
/// }
/// // Re-arm your timer; when it fires, call sb.handle_timeout(the time it fired).
/// let next = sb.poll_timeout();
/// # assert!(next.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Methods by kind
///
/// * **Setup:** [`new`](Self::new),
///   [`set_capabilities`](Self::set_capabilities) and
///   [`capabilities`](Self::capabilities) (what each channel can carry).
/// * **Inputs:** [`handle`](Self::handle) (every [`Input`]: customer
///   messages, bot turns, agents and their acts, contacts, deliveries,
///   notifications and consent, visitors' page views, reconfiguration) and
///   [`handle_timeout`](Self::handle_timeout).
/// * **Outputs:** [`poll_output`](Self::poll_output),
///   [`poll_action`](Self::poll_action),
///   [`poll_action_line`](Self::poll_action_line),
///   [`poll_event`](Self::poll_event).
/// * **Timers:** [`poll_timeout`](Self::poll_timeout),
///   [`handle_timeout`](Self::handle_timeout), [`now`](Self::now).
/// * **Conversations:** [`conversation`](Self::conversation),
///   [`conversations`](Self::conversations), [`len`](Self::len),
///   [`is_empty`](Self::is_empty),
///   [`handoff_context`](Self::handoff_context).
/// * **Queues and agents:** [`waiting`](Self::waiting),
///   [`queue_stats`](Self::queue_stats), [`agent`](Self::agent),
///   [`conversations_of`](Self::conversations_of).
/// * **Contacts:** [`contact`](Self::contact),
///   [`contact_of`](Self::contact_of).
/// * **Notifications and consent:**
///   [`consent_history`](Self::consent_history),
///   [`consent_history_of`](Self::consent_history_of),
///   [`notifications_waiting`](Self::notifications_waiting).
/// * **Configuration and checks:** [`config`](Self::config),
///   [`check_invariants`](Self::check_invariants).
/// * **Snapshot:** [`snapshot`](Self::snapshot),
///   [`restore`](Self::restore), [`reconfigure`](Self::reconfigure).
/// * **Host strategies:** [`set_strategy`](Self::set_strategy) (after
///   [`new`](Self::new) or [`restore`](Self::restore), before the first
///   input), [`missing_strategies`](Self::missing_strategies).
///
/// Each conversation's lifecycle — its states, timers and transitions — is
/// one type of its own; the engine finds the conversation an input or an
/// assigner decision is for and lets it act, then files its next deadline.
///
/// [`handle`]: Self::handle
/// [`poll_output`]: Self::poll_output
/// [`poll_action`]: Self::poll_action
/// [`poll_event`]: Self::poll_event
/// [`poll_timeout`]: Self::poll_timeout
/// [`handle_timeout`]: Self::handle_timeout
#[derive(Debug)]
pub struct Switchboard {
    config: Arc<Config>,
    /// Whether a call has set the start time.
    started: bool,
    assigner: Assigner,
    contacts: Contacts,
    /// Boxed: the table's slack then costs a pointer per slot, not a record.
    convs: contacts::Map<u64, Box<Conversation>>,
    next_conv: u64,
    tickets: Tickets,
    /// Each conversation's earliest deadline.
    timers: BTreeSet<(Timestamp, u64)>,
    consent: ConsentRegistry,
    /// Business-initiated messages: consent per purpose, caps, what waits
    /// for quiet hours to end.
    notifier: Notifier,
    channels: Channels,
    /// Visitors' page views, invitations shown and cooldowns.
    visitors: Visitors,
    out: Outbox,
    now: Timestamp,
    /// Not part of a snapshot: the host installs them again.
    strategies: HostStrategies,
}

impl Switchboard {
    /// An engine for `config` with no agents, contacts or conversations.
    ///
    /// The clock starts at the first call's `now`.
    pub fn new(config: impl Into<Arc<Config>>) -> Switchboard {
        let config = config.into();
        Switchboard {
            assigner: Assigner::new(config.clone(), Timestamp::EPOCH),
            config,
            started: false,
            contacts: Contacts::default(),
            convs: contacts::Map::default(),
            next_conv: 0,
            tickets: Tickets::default(),
            timers: BTreeSet::new(),
            consent: ConsentRegistry::new(ConsentKeywords::default()),
            notifier: Notifier::default(),
            channels: Channels::default(),
            visitors: Visitors::default(),
            out: Outbox::default(),
            now: Timestamp::EPOCH,
            strategies: HostStrategies::default(),
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

    /// Registers what a channel can carry — its text limit, buttons,
    /// media, typing indicator, reply window — in place of the crate's
    /// preset for it ([`Capabilities::for_kind`](crate::channel::Capabilities::for_kind)).
    /// Every message to a customer on that channel is rendered for it. The
    /// registrations are part of the [snapshot](Self::snapshot).
    ///
    /// ```
    /// use switchboard::channel::Capabilities;
    /// use switchboard::{ChannelKind, Config, Switchboard};
    ///
    /// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
    /// // This provider concatenates at most 4 SMS segments.
    /// sb.set_capabilities(ChannelKind::Sms, Capabilities::sms().with_max_segments(4));
    /// assert_eq!(sb.capabilities(&ChannelKind::Sms), Capabilities::sms().with_max_segments(4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_capabilities(&mut self, channel: ChannelKind, capabilities: Capabilities) {
        self.channels.set(channel, capabilities);
    }

    /// What the engine renders for on `channel`: the host's registration,
    /// else the preset.
    pub fn capabilities(&self, channel: &ChannelKind) -> Capabilities {
        self.channels.get(channel)
    }

    /// Applies one input at time `now`: first runs every timer due at or
    /// before `now`, each at its own time (as
    /// [`handle_timeout`](Self::handle_timeout) would), then the input.
    /// Drain the outputs after it.
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
                content,
            } => self.agent_message(now, &agent, &conversation, content),
            Input::AgentTyping {
                agent,
                conversation,
            } => self.agent_act(
                now,
                &agent,
                &conversation,
                Stimulus::AgentTyping(agent.clone()),
            ),
            Input::CustomerTyping { channel, from } => self.customer_typing(now, &channel, &from),
            Input::Canned {
                agent,
                conversation,
                canned,
            } => {
                let canned = Stimulus::Canned(agent.clone(), canned);
                self.agent_act(now, &agent, &conversation, canned)
            }
            Input::SendSuggestion {
                agent,
                conversation,
                index,
            } => {
                let send = Stimulus::SendSuggestion(agent.clone(), index);
                self.agent_act(now, &agent, &conversation, send)
            }
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
            } => self.close(now, &conversation, by, agent.as_ref()),
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
            Input::Visit(v) => self.visit(now, v),
            Input::InvitationDismissed {
                channel,
                visitor,
                invitation,
            } => self.invitation_dismissed(now, &channel, &visitor, &invitation),
            Input::Reconfigure { config } => self.reconfigure_at(now, Arc::new(*config)),
            Input::Contact(c) => self.contact_upsert(now, c),
            Input::Notify(n) => self.notify(now, n),
            Input::Consent(c) => self.consent_update(now, c),
        };
        self.drain(now);
        result
    }

    /// The next output, oldest first: actions and events in the order the
    /// engine produced them. The usual way to drain; see [the drive
    /// loop](Self#the-drive-loop).
    ///
    /// Actions and events are one ordered queue seen three ways: this
    /// takes the oldest output of either kind, [`poll_action`](Self::poll_action)
    /// the oldest action and [`poll_event`](Self::poll_event) the oldest
    /// event. Whatever is not polled waits (and is part of a
    /// [snapshot](Self::snapshot)).
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop()
    }

    /// The next action for the host, oldest first: the queue of
    /// [`poll_output`](Self::poll_output) with the events left in it.
    ///
    /// Events wait until [`poll_event`](Self::poll_event) takes them: a
    /// host that only wants actions must still drain `poll_event` after
    /// each call, or events accumulate.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.out.pop_action().map(|l| l.action)
    }

    /// The next action with the time it was emitted at; as
    /// [`poll_action`](Self::poll_action).
    pub fn poll_action_line(&mut self) -> Option<ActionLine> {
        self.out.pop_action()
    }

    /// The next audit event, oldest first: the queue of
    /// [`poll_output`](Self::poll_output) with the actions left in it
    /// (they wait for [`poll_action`](Self::poll_action)).
    pub fn poll_event(&mut self) -> Option<Event> {
        self.out.pop_event()
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
        let notify = self.notifier.poll_timeout();
        let visitor = self.visitors.first().map(|(t, _)| t);
        // A deadline past the end of time never falls due.
        [mine, forget, notify, visitor, self.assigner.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
            .filter(|t| *t <= Timestamp::MAX)
    }

    /// Runs every timer due at or before `now`: bot timeouts, offer
    /// expiries, inactivity, holds, queue updates, business hours,
    /// notifications waiting for quiet hours to end, forgetting closed
    /// conversations and idle contacts, visitors' time on page and the end
    /// of their visits. Drain the outputs after it.
    ///
    /// `now` is the time your timer fired — your clock's time then, at or
    /// after the value [`poll_timeout`](Self::poll_timeout) gave — not
    /// necessarily that value: each timer runs at its own time whatever
    /// `now` is, and `now` moves the clock. [`handle`](Self::handle) runs
    /// the due timers too, so a timer that fires late loses nothing.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.advance(now);
    }

    // ----- composing --------------------------------------------------------

    /// Starts the clock on the first call and runs due timers; returns the
    /// effective time.
    ///
    /// The clock stops at [`Timestamp::MAX`], as the assigner's does, so
    /// that every deadline lies strictly ahead of it or never falls due.
    /// The loop terminates: each turn removes a timer due at or before
    /// `now`, and what a timer re-arms is later than the timer itself
    /// (periodic ones skip the periods a jump of the clock passed over).
    /// A visitor's timer re-arms for their next time-on-page threshold,
    /// the end of their visit or a cooldown's lapse, each later than the
    /// timer and each from a finite set (the configuration's thresholds),
    /// so a jump runs at most that many per visitor.
    fn advance(&mut self, now: Timestamp) -> Timestamp {
        let now = now.clamped();
        if !self.started {
            self.started = true;
            self.assigner = Assigner::new(self.config.clone(), now);
            self.install_strategies(now, None);
            self.now = now;
        }
        let now = now.max(self.now);
        loop {
            let mine = self.timers.first().copied();
            let theirs = self.assigner.poll_timeout();
            // Visitors come after the conversations and the assigner at
            // one instant (they read agents' readiness and open
            // conversations), before contacts are forgotten.
            if let Some((t, _)) = self.visitors.first()
                && t <= now
                && mine.is_none_or(|(m, _)| t < m)
                && theirs.is_none_or(|b| t < b)
                && self.contacts.forgets.first().is_none_or(|(f, _)| t <= *f)
                && self.notifier.poll_timeout().is_none_or(|n| t <= n)
                && let Some((t, key)) = self.visitors.pop_due(t)
            {
                self.now = self.now.max(t);
                self.visitor_timer(t, key);
                continue;
            }
            // Contacts are forgotten last among timers due at one instant,
            // after the conversation purges that leave them idle.
            if let Some((t, id)) = self.contacts.forgets.first().cloned()
                && t <= now
                && mine.is_none_or(|(m, _)| t < m)
                && theirs.is_none_or(|b| t < b)
                && self.notifier.poll_timeout().is_none_or(|n| t < n)
            {
                self.now = self.now.max(t);
                self.forget_contact(t, &id);
                continue;
            }
            // The notifier's deadlines (deferred notifications, expiring
            // notices and caps) come after the conversations', the
            // assigner's and visitors' at the same instant, before contacts
            // are forgotten; each run removes the timers due by `t`, and a
            // notification deferred again is deferred to a later time.
            if let Some(t) = self.notifier.poll_timeout()
                && t <= now
                && mine.is_none_or(|(m, _)| t < m)
                && theirs.is_none_or(|b| t < b)
                && self.visitors.first().is_none_or(|(v, _)| t < v)
            {
                self.now = self.now.max(t);
                self.notifier_timer(t);
                self.drain(t);
                continue;
            }
            match (mine, theirs) {
                (Some((t, key)), b) if t <= now && b.is_none_or(|b| t <= b) => {
                    self.timers.remove(&(t, key));
                    if let Some(c) = self.convs.get_mut(&key) {
                        c.filed = None;
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
                        self.visitors.first().map(|(t, _)| t),
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

    /// Lends conversation `key` the engine for one stimulus `f`, then
    /// forgets the tickets it stopped using and files its next deadline.
    /// Returns what `f` returned and the work it left for after the
    /// assigner's events; `None` when there is no such conversation.
    fn with_conv<R>(
        &mut self,
        key: u64,
        f: impl FnOnce(&mut Conversation, &mut Env<'_>) -> R,
    ) -> Option<(R, Option<Then>)> {
        let Switchboard {
            config,
            assigner,
            contacts,
            convs,
            tickets,
            consent,
            channels,
            out,
            timers,
            ..
        } = self;
        let conv = convs.get_mut(&key)?;
        let before = conv.ticket_slots();
        let mut env = Env {
            key,
            config,
            assigner,
            contacts,
            consent,
            tickets,
            out,
            channels,
            then: None,
        };
        let r = f(conv, &mut env);
        let then = env.then.take();
        for t in before.into_iter().flatten() {
            if !conv.uses(&t) && tickets.key(&t) == Some(key) {
                tickets.retire(&t);
            }
        }
        let next = conv.timers.earliest();
        if next != conv.filed {
            if let Some(old) = conv.filed.take() {
                timers.remove(&(old, key));
            }
            if let Some(t) = next {
                timers.insert((t, key));
            }
            conv.filed = next;
        }
        Some((r, then))
    }

    /// Finishes a stimulus of conversation `key` at `at` that left work:
    /// a purge, or an acknowledgement once the assigner's events are in.
    fn settle(&mut self, at: Timestamp, key: u64, then: Option<Then>) {
        match then {
            Some(Then::Purge) => self.purge(at, key),
            Some(Then::Acknowledge) => {
                self.drain(at);
                self.with_conv(key, |c, env| c.acknowledge(env, at));
            }
            None => {}
        }
    }

    /// Lends conversation `key` the engine for `f` and settles what it
    /// left; returns what `f` returned.
    fn act_on<R>(
        &mut self,
        at: Timestamp,
        key: u64,
        f: impl FnOnce(&mut Conversation, &mut Env<'_>) -> R,
    ) -> Option<R> {
        let (r, then) = self.with_conv(key, f)?;
        if then.is_some() {
            self.settle(at, key, then);
        }
        Some(r)
    }

    /// Hands conversation `key` a stimulus that cannot be refused (a
    /// message, an assigner decision, a timer) and settles what it left.
    fn stimulate_key(&mut self, at: Timestamp, key: u64, stimulus: Stimulus) {
        let result = self.act_on(at, key, |c, env| c.handle(env, at, stimulus));
        debug_assert!(
            result.as_ref().is_none_or(|r| r.is_ok()),
            "a stimulus that cannot be refused was: {result:?}"
        );
    }

    fn emit(&mut self, event: Event) {
        self.out.emit(event);
    }
}

/// The number of an engine-made conversation id `c<n>`.
pub(crate) fn conversation_key(id: &str) -> Option<u64> {
    let digits = id.strip_prefix('c')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::conversation_key;

    #[test]
    fn only_engine_made_ids_have_keys() {
        assert_eq!(conversation_key("c1"), Some(1));
        assert_eq!(conversation_key("c42"), Some(42));
        assert_eq!(conversation_key("c42~3"), None);
        assert_eq!(conversation_key("c"), None);
        assert_eq!(conversation_key("c01"), None);
        assert_eq!(conversation_key("x1"), None);
        assert_eq!(conversation_key("c1a"), None);
        assert_eq!(conversation_key("c99999999999999999999999"), None);
    }
}
