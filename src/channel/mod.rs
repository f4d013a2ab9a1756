//! Channels: what each can carry, how a reply is fitted to it, SMS encoding
//! and consent.
//!
//! This module owns everything that differs between SMS, WhatsApp,
//! Messenger, Apple Messages for Business, web chat, in-app chat and e-mail:
//!
//! * [`Channel`] — the trait an adapter implements to send on one channel.
//! * [`Capabilities`] — what a channel can carry, with presets that cite
//!   their sources.
//! * [`render`] — a pure function fitting [`Content`](crate::Content) to
//!   capabilities, degrading gracefully and splitting long text.
//! * [`sms`] — GSM-7 / UCS-2 encoding and segment counting.
//! * [`consent`] — opt-in state and STOP / START / HELP keywords.
//! * [`MemoryChannel`] — an in-memory channel for tests and examples.
//!
//! It does not decide who answers or when: that is the router's and the
//! engine's job. Nothing here reads a clock; times are passed in.

pub mod consent;
pub mod sms;

mod capabilities;
mod error;
mod memory;
mod outbound;
mod render;
mod sentence;
mod split;

pub use capabilities::{Capabilities, QuickReplyLimits, TextLimit, TextUnit, WindowState};
pub use error::ChannelError;
pub use memory::{MemoryChannel, Sent};
pub use outbound::{Outbound, SendReceipt};
pub use render::{RenderError, render, resolve_choice};
pub use split::{SplitError, split_text};

use crate::model::{Address, ChannelKind};
use std::sync::Arc;

/// Sends messages on one channel: the trait a channel adapter implements.
///
/// An adapter wraps a provider's API (Twilio, the WhatsApp Cloud API, an SMTP
/// relay, a web socket to a chat widget). It receives parts already fitted
/// to its [`capabilities`](Self::capabilities) by [`render`], and reports
/// failures as a [`ChannelError`] whose variant tells the caller whether to
/// retry.
///
/// The trait is deliberately small, like `tower::Service`: wrappers such as
/// [`consent::ConsentGuard`] add behaviour around any channel.
///
/// # Examples
///
/// ```
/// use switchboard::{Address, ChannelKind};
/// use switchboard::channel::{Capabilities, Channel, ChannelError, Outbound, SendReceipt};
///
/// /// Prints instead of sending.
/// struct Console { caps: Capabilities }
///
/// #[async_trait::async_trait]
/// impl Channel for Console {
///     fn kind(&self) -> ChannelKind { ChannelKind::Custom("console".into()) }
///     fn capabilities(&self) -> &Capabilities { &self.caps }
///     async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError> {
///         println!("to {to}: {out:?}");
///         Ok(SendReceipt::new("console-1"))
///     }
/// }
///
/// let console = Console { caps: Capabilities::plain_text() };
/// let to = Address::new(&console.kind(), "me").unwrap();
/// let receipt = pollster::block_on(console.send(&to, &Outbound::text("hello"))).unwrap();
/// assert_eq!(receipt.message_id, "console-1");
/// ```
#[async_trait::async_trait]
pub trait Channel: Send + Sync {
    /// The kind of channel this is.
    fn kind(&self) -> ChannelKind;

    /// What it can carry.
    fn capabilities(&self) -> &Capabilities;

    /// Sends one part to `to`.
    ///
    /// # Errors
    ///
    /// A [`ChannelError`]: retry [`Transient`](ChannelError::Transient) and
    /// [`RateLimited`](ChannelError::RateLimited) failures; the others are
    /// permanent for this message.
    async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError>;
}

#[async_trait::async_trait]
impl<C: Channel + ?Sized> Channel for Arc<C> {
    fn kind(&self) -> ChannelKind {
        (**self).kind()
    }

    fn capabilities(&self) -> &Capabilities {
        (**self).capabilities()
    }

    async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError> {
        (**self).send(to, out).await
    }
}

#[async_trait::async_trait]
impl<C: Channel + ?Sized> Channel for Box<C> {
    fn kind(&self) -> ChannelKind {
        (**self).kind()
    }

    fn capabilities(&self) -> &Capabilities {
        (**self).capabilities()
    }

    async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError> {
        (**self).send(to, out).await
    }
}
