//! The webhook payload as Meta documents it, only the fields the adapter
//! reads.
//!
//! Every field is optional here, even those Meta always sends: a missing
//! one then becomes a [`WhatsAppError::Missing`](crate::error::WhatsAppError::Missing)
//! that names it, instead of a serde message about the whole body. Field
//! types are checked, though: a latitude sent as a string is a
//! [`WhatsAppError::Json`](crate::error::WhatsAppError::Json).

use serde::Deserialize;

/// The body of a webhook post:
/// `{"object": "whatsapp_business_account", "entry": [...]}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Webhook {
    pub(crate) object: Option<String>,
    pub(crate) entry: Option<Vec<Entry>>,
}

/// One business account's notifications.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Entry {
    pub(crate) changes: Vec<Change>,
}

/// One notification: `field` says what it is about (`messages` for
/// customer messages and statuses).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Change {
    pub(crate) field: Option<String>,
    pub(crate) value: ChangeValue,
}

/// What a `messages` change carries.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChangeValue {
    pub(crate) contacts: Vec<Contact>,
    pub(crate) messages: Vec<Message>,
    pub(crate) statuses: Vec<Status>,
}

/// The sender's profile, listed beside the messages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Contact {
    pub(crate) wa_id: Option<String>,
    pub(crate) profile: Profile,
}

/// The name the customer gave themselves in WhatsApp.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Profile {
    pub(crate) name: Option<String>,
}

/// A customer's message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Message {
    pub(crate) from: Option<String>,
    pub(crate) id: Option<String>,
    /// Unix seconds, as a string (`"1749416383"`). Read as any JSON value
    /// so that a number or a malformed string is an error naming the
    /// field rather than a serde message; `null` reads as absent.
    pub(crate) timestamp: Option<serde_json::Value>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    /// The message this one answers or quotes, or that it was forwarded.
    pub(crate) context: Option<Context>,
    pub(crate) text: Option<Text>,
    pub(crate) image: Option<Media>,
    pub(crate) audio: Option<Media>,
    pub(crate) video: Option<Media>,
    pub(crate) document: Option<Media>,
    pub(crate) sticker: Option<Media>,
    pub(crate) location: Option<Place>,
    pub(crate) interactive: Option<Interactive>,
    pub(crate) button: Option<Button>,
}

/// `context`: on a reply or a button press, the id of the business's
/// message (`id`) and its sender (`from`); on a forwarded message only
/// `forwarded: true`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Context {
    pub(crate) id: Option<String>,
}

/// A text message's body.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Text {
    pub(crate) body: Option<String>,
}

/// An image, audio, video, document or sticker: a media id to fetch.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Media {
    pub(crate) id: Option<String>,
    /// Only in newer API versions; fetching it needs the access token too.
    pub(crate) url: Option<String>,
    pub(crate) mime_type: Option<String>,
    pub(crate) caption: Option<String>,
    pub(crate) filename: Option<String>,
}

/// A shared place: the customer's current position (coordinates only) or
/// a place they picked (with name, address and a maps `url`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Place {
    pub(crate) latitude: Option<f64>,
    pub(crate) longitude: Option<f64>,
    pub(crate) name: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) url: Option<String>,
}

/// The answer to an interactive message: `type` is `button_reply` or
/// `list_reply` (others, such as flow replies, are not read).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Interactive {
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) button_reply: Option<Reply>,
    pub(crate) list_reply: Option<Reply>,
}

/// The button or list row chosen: the `id` the business gave it and the
/// `title` the customer saw.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Reply {
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
}

/// A template's quick-reply button: a different shape from
/// `interactive`, with the button's `payload` and `text`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Button {
    pub(crate) payload: Option<String>,
    pub(crate) text: Option<String>,
}

/// A report on a message the business sent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Status {
    pub(crate) id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) recipient_id: Option<String>,
    pub(crate) errors: Vec<StatusError>,
}

/// Why a message failed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct StatusError {
    pub(crate) code: Option<i64>,
    pub(crate) title: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) error_data: ErrorData,
}

/// The longer explanation of a failure.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ErrorData {
    pub(crate) details: Option<String>,
}
