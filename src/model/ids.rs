//! Newtype identifiers.
//!
//! Every id is an opaque string. Newtypes keep an [`AgentId`] from being
//! passed where a [`QueueId`] is expected; on the wire each is a plain
//! JSON string.
//!
//! Who makes which:
//!
//! * **The host** chooses the ids of agents ([`AgentId`], in
//!   [`Input::AgentUpsert`](crate::engine::Input::AgentUpsert)), queues,
//!   bots and rules ([`QueueId`], [`BotId`], [`RuleId`], in the
//!   configuration) and, when it has them, contacts ([`ContactId`], a CRM
//!   key given with an inbound message): a database key, a UUID, a vendor
//!   id.
//! * **The engine** makes the ids of conversations ([`ConversationId`]:
//!   `c1`, `c2` …), of contacts the host gave no id for (`u1`, `u2` …)
//!   and its own [`Ticket`]s. Take a conversation's id from the engine's
//!   outputs — [`Action::AskBot`](crate::engine::Action::AskBot),
//!   [`Action::Offer`](crate::engine::Action::Offer), any
//!   [`Event`](crate::engine::Event) … — never make one up.
//!
//! Ids are shared, immutable strings: cloning one (the engine puts the
//! conversation's id on every action and event) copies a pointer, not the
//! text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// `prefix` followed by `n` in decimal (`c42`), made straight into a
/// shared string: the engine's own ids, without the text first made and
/// then copied.
pub(crate) fn numbered(prefix: u8, n: u64) -> Arc<str> {
    debug_assert!(prefix.is_ascii());
    // A u64 has at most 20 digits.
    let mut buf = [0u8; 21];
    let mut i = buf.len();
    let mut rest = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    i -= 1;
    buf[i] = prefix;
    Arc::from(std::str::from_utf8(&buf[i..]).expect("ASCII digits"))
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $example:literal, new: { $(#[$new_doc:meta])* }) => {
        $(#[$doc])*
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("use switchboard::", stringify!($name), ";")]
        #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert_eq!(serde_json::to_string(&id).unwrap(), r#\"\"", $example, "\"\"#);")]
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Arc<str>);

        impl $name {
            $(#[$new_doc])*
            pub fn new(id: impl Into<String>) -> Self {
                Self(Arc::from(id.into()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps a shared string the engine made.
            #[allow(dead_code)]
            pub(crate) fn from_shared(id: Arc<str>) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::new(id)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Arc::from(id))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// Identifies one conversation: a thread between a contact and the business
    /// that may span several channels.
    ///
    /// The engine makes these (`c1`, `c2` …); the host takes them from its
    /// outputs: see [`ConversationId::new`].
    ConversationId,
    "c42",
    new: {
        /// Wraps an identifier the engine made.
        ///
        /// The engine makes every conversation's id (`c1`, `c2` …) when the
        /// conversation starts, and knows no other: take it from its outputs
        /// ([`Action::AskBot`](crate::engine::Action::AskBot)'s request,
        /// [`Action::Offer`](crate::engine::Action::Offer), an
        /// [`Event`](crate::engine::Event)'s `conversation` …), or from
        /// [`Switchboard::conversations`](crate::engine::Switchboard::conversations).
        /// Use `new` for one read back from your own records or a journal.
        /// An id the engine did not make is unknown to it: an input naming
        /// it is refused
        /// ([`InputError::UnknownConversation`](crate::engine::InputError::UnknownConversation))
        /// and a query answers `None`.
    }
);
string_id!(
    /// Identifies a contact (a customer), who may reach the business on several
    /// channels.
    ContactId,
    "contact-7",
    new: {
        /// Wraps a contact id: the host's (its CRM key for the customer, given
        /// with [`Inbound::with_contact_id`](crate::engine::Inbound::with_contact_id)),
        /// or one the engine made (`u1`, `u2` …) for a sender the host gave
        /// no id for, read back from its outputs or
        /// [`Switchboard::contact_of`](crate::engine::Switchboard::contact_of).
    }
);
string_id!(
    /// Identifies a human agent.
    AgentId,
    "alice",
    new: {
        /// Wraps a host-chosen identifier: the agent becomes known to the
        /// engine with [`Input::AgentUpsert`](crate::engine::Input::AgentUpsert).
    }
);
string_id!(
    /// Identifies a queue of conversations waiting for a human agent.
    QueueId,
    "billing",
    new: {
        /// Wraps a host-chosen identifier: a `[[queues]] id` of the
        /// configuration.
    }
);
string_id!(
    /// Identifies a bot registered by the host.
    BotId,
    "faq",
    new: {
        /// Wraps a host-chosen identifier: a `[bots.<id>]` of the
        /// configuration.
    }
);
string_id!(
    /// Identifies a routing rule or an escalation trigger in the
    /// configuration.
    RuleId,
    "refund-vip",
    new: {
        /// Wraps a host-chosen identifier: a rule's or trigger's `id` in the
        /// configuration.
    }
);
string_id!(
    /// Identifies one request to the [assigner](crate::assign::Assigner):
    /// the key of everything it holds, reports and is asked about.
    ///
    /// The caller of the assigner picks tickets, and only it knows what
    /// they stand for. The [engine](crate::engine) mints its own, one per
    /// conversation and one per transfer, and never shows them; a host
    /// using the assigner on its own may simply use its conversation ids.
    /// A ticket stays in the assigner from
    /// [`enqueue`](crate::assign::Assigner::enqueue) to
    /// [`finish`](crate::assign::Assigner::finish) and may be used again
    /// afterwards.
    Ticket,
    "t42",
    new: {
        /// Wraps an identifier chosen by the assigner's caller.
    }
);
