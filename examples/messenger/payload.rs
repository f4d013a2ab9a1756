//! The webhook body as Meta documents it, only the fields the adapter
//! reads: everything else in a post is ignored, so a field Meta adds later
//! does not break parsing.
//!
//! Every field is optional here, so that a missing one becomes a typed
//! error naming its path ([`crate::inbound`] decides which are required)
//! rather than serde's message about a struct.

use serde::Deserialize;

/// The body of a webhook post.
#[derive(Debug, Deserialize)]
pub(crate) struct Webhook {
    /// `page` for Messenger (`instagram`, `whatsapp_business_account`, …
    /// for Meta's other products).
    pub(crate) object: Option<String>,
    /// The batched entries, one per page and time.
    pub(crate) entry: Option<Vec<Entry>>,
    /// Only in the App Dashboard's test notifications, `{field, value}`.
    pub(crate) field: Option<String>,
}

/// One entry of a post: the messaging events of one page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Entry {
    /// The events, in order. (`standby` events, for apps that do not own
    /// the thread, are not read.)
    pub(crate) messaging: Vec<Event>,
}

/// One messaging event: exactly one of its kinds is present.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Event {
    /// Who sent it: the customer's page-scoped id.
    pub(crate) sender: Option<Party>,
    /// When the customer sent it, in milliseconds since the epoch. Kept as
    /// JSON so that a value of the wrong type is reported with its path.
    pub(crate) timestamp: Option<serde_json::Value>,
    /// A message: text, attachments, a quick reply tapped.
    pub(crate) message: Option<Message>,
    /// A postback button tapped.
    pub(crate) postback: Option<Postback>,
    /// A read receipt.
    pub(crate) read: Option<Read>,
    /// A delivery receipt.
    pub(crate) delivery: Option<Delivered>,
}

/// A sender or recipient.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Party {
    /// The page-scoped id (PSID) of a person, or the page's id.
    pub(crate) id: Option<String>,
}

/// The `message` of an event.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Message {
    /// Meta's message id.
    pub(crate) mid: Option<String>,
    /// The text; for a quick reply, the title of the one tapped.
    pub(crate) text: Option<String>,
    /// A message the page sent, echoed back.
    pub(crate) is_echo: bool,
    /// Files and places.
    pub(crate) attachments: Vec<MessageAttachment>,
    /// The quick reply the customer tapped.
    pub(crate) quick_reply: Option<QuickReply>,
    /// The message this one replies to (quotes).
    pub(crate) reply_to: Option<ReplyTo>,
}

/// One attachment of a message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MessageAttachment {
    /// `image`, `video`, `audio`, `file`, `reel`, `ig_reel`, `location`,
    /// `fallback`, `template`, …
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    /// The place's name, for a legacy `location` attachment.
    pub(crate) title: Option<String>,
    /// Where to find it.
    pub(crate) payload: Payload,
}

/// The payload of an attachment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Payload {
    /// Where the file can be fetched.
    pub(crate) url: Option<String>,
    /// Only in the legacy `location` attachment.
    pub(crate) coordinates: Option<Coordinates>,
}

/// A place's coordinates, in degrees.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Coordinates {
    /// Latitude.
    pub(crate) lat: Option<f64>,
    /// Longitude (Meta's name is `long`).
    pub(crate) long: Option<f64>,
}

/// The quick reply a customer tapped.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct QuickReply {
    /// The payload the page gave the quick reply when it sent it.
    pub(crate) payload: Option<String>,
}

/// The message a reply quotes.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReplyTo {
    /// Its id.
    pub(crate) mid: Option<String>,
}

/// A postback: a button of a template, the persistent menu, Get Started.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Postback {
    /// Meta's id for the tap, when it gives one.
    pub(crate) mid: Option<String>,
    /// The button's title, as the customer saw it.
    pub(crate) title: Option<String>,
    /// The payload the page gave the button.
    pub(crate) payload: Option<String>,
}

/// A read receipt.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Read {
    /// Every message sent before this time (ms since the epoch) was read.
    pub(crate) watermark: Option<u64>,
}

/// A delivery receipt.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Delivered {
    /// The messages delivered (Meta may list none).
    pub(crate) mids: Vec<String>,
}
