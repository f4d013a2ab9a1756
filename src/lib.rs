#![doc = include_str!("../README.md")]
//!
//! # The crate
//!
//! ## The front door
//!
//! [`Switchboard`] is the engine: give it an [`Input`] with
//! [`handle`](Switchboard::handle), then drain its [`Output`]s — each an
//! [`Action`] for your code to carry out or an [`Event`] for the audit log —
//! and re-arm your timer from [`poll_timeout`](Switchboard::poll_timeout).
//! Its docs list every method by kind and show the drive loop. A
//! [`Config`] (TOML or JSON) says how it routes: its queues, rules, bots
//! and messages.
//!
//! Agents are not configuration: they come from inputs only. Add one with
//! [`Input::AgentUpsert`] (an [`AgentProfile`] with a [`Capacity`] on the
//! channels they work: a new profile has none) and sign them in with
//! [`Input::AgentStatus`] and [`Presence::Available`] (a new agent starts
//! offline).
//!
//! Ids of contacts, agents, queues and bots are yours; the engine makes
//! the ids of conversations (`c1`, `c2` …): take them from its outputs
//! ([`Action::AskBot`], [`Action::Offer`], [`Event`]s …).
//!
//! What a first program needs is re-exported here: the engine and its
//! inputs and outputs, [`Config`], [`Timestamp`] and the other
//! [`model`] types, [`AgentProfile`], [`Capacity`], [`Presence`],
//! [`BotRequest`], [`Closer`], [`Party`] and the conversation's
//! [`State`].
//!
//! ```
//! use switchboard::{
//!     Action, Address, AgentId, AgentProfile, Capacity, ChannelKind, Config, Inbound, Input,
//!     Output, Presence, Switchboard, Timestamp,
//! };
//!
//! let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
//! // The time the host read: Timestamp::from(std::time::SystemTime::now()) in production.
//! let now = Timestamp::from_millis(1_700_000_000_000);
//!
//! // An agent who works SMS, signed in.
//! let ana = AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::Sms, 3)]));
//! sb.handle(now, Input::AgentUpsert(ana))?;
//! sb.handle(now, Input::AgentStatus { agent: AgentId::new("ana"), status: Presence::Available })?;
//!
//! let from = Address::new(&ChannelKind::Sms, "+14155550100")?;
//! sb.handle(now, Input::Inbound(Inbound::new(ChannelKind::Sms, from, "I need a person")))?;
//!
//! // The drive loop: after every call, drain every output, in order.
//! let mut actions = Vec::new();
//! while let Some(output) = sb.poll_output() {
//!     match output {
//!         Output::Action(line) => actions.push(line.action), // send it, offer it to an agent …
//!         Output::Event(_event) => {}                        // your audit log, metrics
//!         _ => {}
//!     }
//! }
//! assert!(actions.iter().any(|a| matches!(a, Action::Offer { agent, .. } if agent.as_str() == "ana")));
//! # assert!(actions.iter().any(|a| matches!(a, Action::Send { part, .. }
//! #     if part.as_text() == Some("Connecting you with a member of our team now."))));
//! // Re-arm your timer: when it fires, call sb.handle_timeout(the time it fired).
//! let _wake_at = sb.poll_timeout();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Layout
//!
//! * [`model`] — ids, [`Timestamp`], [`ChannelKind`], [`Address`] and
//!   [`Content`]: the data every other module shares.
//! * [`channel`] — the [`Channel`](channel::Channel) trait adapters
//!   implement, channel [`Capabilities`](channel::Capabilities), rendering
//!   and splitting of replies, SMS segment counting and consent.
//! * [`expr`] — the expression language every decision is written in:
//!   routing rules, queue eligibility, escalation triggers.
//! * [`config`] — the TOML / JSON configuration, checked and compiled, with
//!   compiler-style diagnostics.
//! * [`router`] — rules → [`Decision`](router::Decision): which bot or queue,
//!   with tags, priority and reply, and an explanation on request.
//! * [`calendar`] — business hours and holidays in an IANA time zone.
//! * [`notify`] — business-initiated messages: consent per channel and
//!   purpose, quiet hours, caps, the channel fallback, typed refusals.
//! * [`assign`] — the skills and queue assigner: agents, capacity,
//!   strategies, offers, wait estimates.
//! * [`handoff`] — the escalation state machine's parts: states, reasons,
//!   the bounded transcript, the handoff context, triggers, notices.
//! * [`engine`] — [`Switchboard`](engine::Switchboard), the sans-IO engine
//!   that joins them: inputs in, actions and audit events out, snapshots.
//! * [`driver`] — [`Driver`](driver::Driver), the runtime-agnostic async
//!   loop from channels and bots to the engine and back.
//! * [`bot`] — the [`Bot`](bot::Bot) trait and [`FaqBot`](bot::FaqBot), a
//!   knowledge-base bot.
//! * [`invite`] — proactive invitations on web chat and in-app: page
//!   views in, invitations out when someone can answer, within caps.
//! * [`metrics`] — KPIs from the event log: service level, speed of
//!   answer, abandonment, response and handle times, containment, FCR,
//!   CSAT, occupancy, per interval in a time zone and per queue, agent,
//!   channel and tag; live statistics; aggregates that merge across
//!   shards and periods.
//! * [`plan`] — capacity planning: Erlang C / A staffing, forecasts per
//!   interval, and (feature `sim`, on by default) what-if simulation that
//!   drives the real engine in virtual time.
//!
//! ## Example: one reply, four channels
//!
//! ```
//! use switchboard::{Content, QuickReply};
//! use switchboard::channel::{render, Capabilities, Outbound, WindowState};
//!
//! let reply = Content::text("Your order #1042 has shipped 🚚. Need anything else?")
//!     .with_quick_replies([QuickReply::new("Track it", "track"), QuickReply::new("Talk to us", "human")]);
//!
//! for caps in [Capabilities::sms(), Capabilities::whatsapp(), Capabilities::messenger(), Capabilities::webchat()] {
//!     let parts = render(&reply, &caps, WindowState::Open)?;
//!     assert!(!parts.is_empty());
//! }
//!
//! // SMS has no buttons: the choices become a numbered list.
//! let sms = render(&reply, &Capabilities::sms(), WindowState::Open)?;
//! assert!(sms[0].as_text().unwrap().ends_with("1. Track it\n2. Talk to us"));
//! # Ok::<(), switchboard::channel::RenderError>(())
//! ```

//!
//! # Untrusted input
//!
//! Messages come from anyone; configurations may come from the tenants of
//! a multi-tenant product; snapshots and journals may be edited by hand.
//! Whatever they hold, the crate answers with a typed error or a correct
//! result, never a panic, a hang or unbounded memory, and a refused input
//! changes nothing. These are the limits a host can rely on.
//!
//! **Messages and inputs**
//!
//! * A message's text, and free text spread over a message's other fields
//!   (attachments, ids, attributes, tags, suggestions), is at most
//!   `[conversations] max_text` bytes ([`DEFAULT_MAX_TEXT`](config::DEFAULT_MAX_TEXT),
//!   8 KiB, by default); a transcript keeps at most `transcript_messages`
//!   messages and `transcript_bytes` bytes; a conversation keeps at most 50
//!   tags and 50 notes; an address is at most
//!   [`MAX_ADDRESS_LEN`](model::MAX_ADDRESS_LEN) bytes.
//! * Scores have documented ranges, and a value outside one is refused
//!   ([`InputError::OutOfRange`]): a bot's
//!   confidence is 0 to 1, a sentiment −1 to 1, a CSAT score 1 to 5; NaN
//!   and infinities are refused everywhere.
//! * Names, ids, tags, languages and skill names are never empty; a
//!   contact or agent attribute is of the type `[contact_attributes]` or
//!   `[agent_attributes]` declares for it; a bot turn answers a question the
//!   engine asked.
//! * A visitor's page view holds a URL and a title of at most `max_text`
//!   bytes each, and its other texts and attributes as much again; a
//!   visitor's state is forgotten `[visitors] visit_timeout` after their
//!   last view (cooldowns when they lapse), and each visitor has one timer.
//! * Rendering and splitting for a channel take time linear in the text,
//!   however it is built (500,000 combining marks on one letter, 100,000
//!   line breaks, a run of spaces after a full stop); a character cluster
//!   longer than one message is refused with its size and what to do.
//!
//! **Rules and configuration**
//!
//! * An expression is at most [`MAX_EXPR_LEN`](expr::MAX_EXPR_LEN) bytes
//!   and [`MAX_DEPTH`](expr::MAX_DEPTH) levels deep; one `matches` pattern
//!   compiles to at most [`MAX_REGEX_SIZE`](expr::MAX_REGEX_SIZE) bytes.
//! * All the `matches` patterns of a configuration together, with the
//!   memory a search needs, fit in [`MAX_REGEX_MEMORY`](expr::MAX_REGEX_MEMORY)
//!   (64 MiB) per routing thread, known when the configuration compiles
//!   ([`Router::memory`](router::Router::memory)); a rule set over it is
//!   refused naming its largest rules. Matching is linear in the message.
//! * Keywords (`contains`, `contains_any`, `starts_with`) load in time
//!   linear in their total size whatever their shape (100,000 keywords
//!   that are prefixes of one another load in under a second).
//! * Literals are checked against the values a fact can take (`hour == 25`,
//!   `weekday == 'monday'` are errors with a suggestion); JSON and TOML both
//!   refuse a key given twice; a template placeholder nothing fills is an
//!   error; queues may not overflow in a cycle.
//! * At most 16,776,704 agents, [`MAX_RELAX_STEPS`](assign::MAX_RELAX_STEPS)
//!   relaxation steps per queue, skill levels 0 to
//!   [`MAX_SKILL_LEVEL`](assign::MAX_SKILL_LEVEL).
//!
//! **Clocks**
//!
//! * Any `u64` time is accepted. Clocks stop at [`Timestamp::MAX`]
//!   (`u64::MAX / 2` ms); a deadline past it never falls due and is never
//!   reported by `poll_timeout`, so a host's drive loop always ends.
//! * A call that moves the clock runs the timers due on the way, each at
//!   its own time, with work bounded by the timers pending rather than the
//!   length of the jump: periodic queue updates skip the periods a jump
//!   passed over, and a queue's business hours are not replayed day by day
//!   across a gap in which nothing else happens.
//! * A snapshot is refused when its clock is past the end, its engine and
//!   assigner clocks disagree, or a counter is past 2^62.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod assign;
mod bits;
pub mod bot;
pub mod calendar;
pub mod channel;
pub mod config;
// Each conversation's lifecycle (its states, timers and transitions) is
// one crate-internal type, in src/conversation/, that the engine drives.
mod conversation;
pub mod driver;
pub mod engine;
pub mod expr;
pub mod handoff;
pub mod invite;
pub mod metrics;
pub mod model;
pub mod notify;
pub mod plan;
pub mod router;
mod symbols;
mod versioned;

pub use model::{
    Address, AddressError, AgentId, Attachment, AttachmentKind, Attributes, BotId, ChannelKind,
    Choice, ContactId, Content, ConversationId, Link, Location, Origin, QueueId, QuickReply,
    RuleId, Suggestion, TemplateRef, Ticket, Timestamp, Value,
};

// The front door: the engine, what goes in and what comes out.
pub use config::Config;
pub use engine::{
    Action, ActionLine, BotTurn, Closer, Event, EventKind, Inbound, Input, InputError, Output,
    Switchboard,
};

// What a first program needs from the other modules: agents, the bot's
// question, who speaks and the conversation's state.
pub use assign::{AgentProfile, Capacity, Presence};
pub use bot::BotRequest;
pub use handoff::{Party, State};
