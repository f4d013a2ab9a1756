//! One message as it goes out on one channel.

use crate::model::{Attachment, Location, QuickReply, TemplateRef};
use serde::{Deserialize, Serialize};

/// One message as it goes out on one channel, already fitted to the channel
/// by [`render`](crate::channel::render).
///
/// On the wire an outbound part is internally tagged by `"type"`.
///
/// # Examples
///
/// ```
/// use switchboard::channel::Outbound;
///
/// let out = Outbound::text("Your order shipped.");
/// assert_eq!(out.as_text(), Some("Your order shipped."));
/// assert_eq!(
///     serde_json::to_string(&out).unwrap(),
///     r#"{"type":"text","text":"Your order shipped."}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Outbound {
    /// A text message, with the native quick replies the channel shows under
    /// it (empty when none).
    Text {
        /// The text, within the channel's limit.
        text: String,
        /// Choices shown as native buttons or chips.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        quick_replies: Vec<QuickReply>,
    },
    /// A file, image, audio or video the channel attaches natively.
    Attachment {
        /// The attachment.
        attachment: Attachment,
    },
    /// A map pin the channel shows natively.
    Location {
        /// The place.
        location: Location,
    },
    /// A pre-approved template, sent when the reply window is closed.
    Template {
        /// The template and its parameters.
        template: TemplateRef,
    },
}

impl Outbound {
    /// A plain text part.
    pub fn text(text: impl Into<String>) -> Outbound {
        Outbound::Text {
            text: text.into(),
            quick_replies: Vec::new(),
        }
    }

    /// The text of a text part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Outbound::Text { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// What a channel reports after accepting a message.
///
/// # Examples
///
/// ```
/// use switchboard::channel::SendReceipt;
/// let r = SendReceipt::new("SM1f0e8ae6ade43cb3c0ce4525424e404f");
/// assert!(r.message_id.starts_with("SM"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendReceipt {
    /// The provider's id for the message, used to match later delivery and
    /// read reports.
    pub message_id: String,
}

impl SendReceipt {
    /// A receipt for the provider message `id`.
    pub fn new(message_id: impl Into<String>) -> SendReceipt {
        SendReceipt {
            message_id: message_id.into(),
        }
    }
}
