//! The escalation state machine's parts: states, reasons, the bounded
//! transcript, the handoff context an agent sees, escalation triggers and
//! customer notices.
//!
//! The machine itself is one type per conversation, inside the crate: its
//! state carries the data only that state has, its deadlines sit in one
//! timer table, and it takes typed stimuli (a message, a bot turn, an
//! agent's act, what the assigner decided, a timer).
//! [`Switchboard`](crate::engine::Switchboard) finds the conversation each
//! input is for and lets it act. This module holds the public pieces the
//! machine is made of, each usable on its own.
//!
//! ```text
//!             ┌──────── bot_turn resolved ─────────────────────────┐
//!  new ─► Bot ─ trigger ─► Queued ─ agent free ─► Offered ─ accept ─► WithAgent ─ close ─► Closed
//!          ▲                 ▲  │                   │ decline/timeout    │ transfer/agent offline
//!          │                 │  └ overflow / relax  └────► Queued (keeps its place)
//!          └──── hand back ──┴──────────────────────────────────────────┘
//!  Closed ─ customer writes within reopen window ─► back to the last agent if free, else queue
//!  Queued outside business hours ─► AfterHours (ack + leave-a-message), served at opening
//! ```
//!
//! # Triggers
//!
//! Escalation triggers are expressions (see [`expr`](crate::expr)) compiled
//! from `[escalation]`, evaluated on each customer message while a bot has
//! the conversation and on each bot turn. The first that holds decides the
//! [`Reason`]:
//!
//! | reason | default condition |
//! |---|---|
//! | `explicit_request` | the text asks for a person: agent, human, representative, person, operator, 人工, 转人工, 客服, 真人, plus `[escalation] phrases` |
//! | `bot_handoff` | the bot asked for a handoff |
//! | `bot_fallbacks` | `bot.fallbacks >= 2` consecutive fallbacks (`max_fallbacks`) |
//! | `low_confidence` | `bot.confidence < min_confidence`, when set |
//! | `negative_sentiment` | `sentiment < sentiment_below`, when set |
//! | `human_intent` | `bot.intent in human_intents`, when set (bookings, complaints) |
//! | `{"trigger": id}` | each `[[escalation.rules]]`, e.g. `contact.tier == 'vip'` |
//!
//! Besides these, a routing rule that sends a message to a queue while the
//! bot has the conversation escalates with `{"rule": id}`, and a bot that
//! reports an error or does not answer within its `timeout` escalates with
//! `bot_error` / `bot_timeout` (fail open).

mod context;
mod notice;
mod reason;
mod state;
mod transcript;
mod triggers;

pub use context::{BotContext, HandoffContext};
pub use notice::{
    DEFAULT_TEMPLATES, NOTICES, NoticeSpec, default_template, fill, format_opening, humanize_wait,
    notice, placeholders,
};
pub(crate) use notice::{fill_with, write_wait};
pub use reason::Reason;
pub use state::State;
pub use transcript::{Entry, Note, Party, Transcript};
pub use triggers::{Trigger, first_trigger};
pub(crate) use triggers::{TriggerProblem, compile as compile_triggers};
