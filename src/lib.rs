#![doc = include_str!("../README.md")]
//!
//! # The crate
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

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod assign;
mod bits;
pub mod bot;
pub mod calendar;
pub mod channel;
pub mod config;
pub mod driver;
pub mod engine;
pub mod expr;
pub mod handoff;
pub mod model;
pub mod router;
mod symbols;

pub use model::{
    Address, AddressError, AgentId, Attachment, AttachmentKind, Attributes, BotId, ChannelKind,
    ContactId, Content, ConversationId, Location, QueueId, QuickReply, RuleId, TemplateRef,
    Timestamp, Value,
};
