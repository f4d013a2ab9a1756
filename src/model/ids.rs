//! Newtype identifiers.
//!
//! Every id is an opaque string chosen by the host (a database key, a UUID, a
//! vendor id). Newtypes keep an [`AgentId`] from being passed where a
//! [`QueueId`] is expected; on the wire each is a plain JSON string.
//!
//! Ids are shared, immutable strings: cloning one (the engine puts the
//! conversation's id on every action and event) copies a pointer, not the
//! text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $example:literal) => {
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
            /// Wraps a host-chosen identifier.
            pub fn new(id: impl Into<String>) -> Self {
                Self(Arc::from(id.into()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
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
    ConversationId,
    "conv-42"
);
string_id!(
    /// Identifies a contact (a customer), who may reach the business on several
    /// channels.
    ContactId,
    "contact-7"
);
string_id!(
    /// Identifies a human agent.
    AgentId,
    "alice"
);
string_id!(
    /// Identifies a queue of conversations waiting for a human agent.
    QueueId,
    "billing"
);
string_id!(
    /// Identifies a bot registered by the host.
    BotId,
    "faq"
);
string_id!(
    /// Identifies a routing rule or an escalation trigger in the
    /// configuration.
    RuleId,
    "refund-vip"
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
    "t42"
);
