//! The webhook body as Meta documents it, only the fields the adapter
//! reads: everything else in a post is ignored, so a field Meta adds later
//! does not break parsing.

use serde::Deserialize;

/// The body of a webhook post.
#[derive(Debug, Deserialize)]
pub(crate) struct Webhook {
    pub(crate) object: Option<String>,
    pub(crate) entry: Option<Vec<Entry>>,
    /// Only in the App Dashboard's test notifications, `{field, value}`.
    pub(crate) field: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Entry {
    pub(crate) messaging: Vec<Event>,
}

/// One messaging event: exactly one of its kinds is present.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Event {
    pub(crate) sender: Option<Party>,
    pub(crate) message: Option<Message>,
    pub(crate) postback: Option<Postback>,
    pub(crate) read: Option<Read>,
    pub(crate) delivery: Option<Delivered>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Party {
    pub(crate) id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Message {
    pub(crate) mid: Option<String>,
    pub(crate) text: Option<String>,
    pub(crate) is_echo: bool,
    pub(crate) attachments: Vec<MessageAttachment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MessageAttachment {
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) payload: Payload,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Payload {
    pub(crate) url: Option<String>,
    /// Only in the legacy `location` attachment.
    pub(crate) coordinates: Option<Coordinates>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Coordinates {
    pub(crate) lat: Option<f64>,
    pub(crate) long: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Postback {
    pub(crate) mid: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) payload: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Read {
    pub(crate) watermark: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Delivered {
    pub(crate) mids: Vec<String>,
}
