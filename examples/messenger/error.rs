//! Why a webhook body could not be read ([`WebhookError`]), and why an
//! action cannot be sent to Messenger ([`SendError`]). Each message names
//! the field, the value and the limit, so the person reading the log knows
//! what to change.

use switchboard::{AddressError, ChannelKind};

/// Why a Messenger webhook body could not be read. `at` is the JSON path of
/// the offending event, such as `entry[0].messaging[1]`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WebhookError {
    /// Nothing was posted.
    #[error("the webhook body is empty; Meta posts JSON (was the body read twice?)")]
    Empty,
    /// The body is not JSON, or a field has the wrong type.
    #[error("not a Messenger webhook: {0}")]
    Json(#[from] serde_json::Error),
    /// A top-level field of the envelope is missing.
    #[error("not a Messenger webhook: missing `{0}`")]
    NotWebhook(&'static str),
    /// The App Dashboard's test form, which real deliveries never take.
    #[error(
        "a test notification for `{0}` in the App Dashboard's `{{field, value}}` form; \
         Meta delivers events as `{{\"object\": \"page\", \"entry\": [...]}}`"
    )]
    TestNotification(String),
    /// The body is a webhook of another Meta product.
    #[error(
        "not a Messenger webhook: `object` is `{0}`, expected `page` \
         (is another product's webhook pointed at this URL?)"
    )]
    WrongObject(String),
    /// An event lacks a field it must have.
    #[error("`{at}` has no `{field}`")]
    Missing { at: String, field: &'static str },
    /// A field that names something is empty (the engine refuses an empty
    /// id or payload).
    #[error("`{at}.{field}` is empty")]
    Blank { at: String, field: &'static str },
    /// The event's `timestamp` is not whole milliseconds since the epoch.
    #[error(
        "`{at}.timestamp` is `{value}`; Meta sends the time the customer sent the \
         message as whole milliseconds since the epoch"
    )]
    Timestamp { at: String, value: String },
    /// A legacy location attachment's coordinates are out of range.
    #[error("`{at}`: latitude {lat}, longitude {lon} is not a place on Earth")]
    BadLocation { at: String, lat: f64, lon: f64 },
    /// The sender is not a page-scoped id.
    #[error("`{at}.sender.id`: {source}")]
    Address { at: String, source: AddressError },
}

/// The error for `field` missing from the event at `at`.
pub(crate) fn missing(at: &str, field: &'static str) -> WebhookError {
    WebhookError::Missing {
        at: at.to_owned(),
        field,
    }
}

/// Why an action cannot become a Send API request. The adapter never
/// shortens or drops anything to make a part fit: the engine renders parts
/// within Messenger's limits, so one that does not fit was built by hand or
/// rendered for other capabilities, and the fix belongs there.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum SendError {
    /// The action is for another channel.
    #[error("the action is for {channel}, not Messenger; hand it to that channel's adapter")]
    WrongChannel { channel: ChannelKind },
    /// A text part without text.
    #[error("the text part is empty; the Send API needs `message.text` or an attachment")]
    EmptyText,
    /// The text is longer than one Messenger message.
    #[error(
        "the text is {len} UTF-16 code units; Messenger takes at most {max} per message \
         (render it with Capabilities::messenger(), which splits it)"
    )]
    TextTooLong { len: usize, max: usize },
    /// More quick replies than Messenger shows.
    #[error(
        "{count} quick replies; Messenger shows at most {max} (offer fewer, or let the \
         engine render them as a numbered list)"
    )]
    TooManyQuickReplies { count: usize, max: usize },
    /// A quick reply without a title or a payload.
    #[error("quick reply {index} has an empty {field}; Messenger needs both a title and a payload")]
    QuickReplyEmpty { index: usize, field: &'static str },
    /// A quick reply's title is longer than Messenger shows.
    #[error(
        "quick reply {index}'s title `{title}` is {len} characters; Messenger shows at \
         most {max}: shorten it"
    )]
    QuickReplyTitle {
        index: usize,
        title: String,
        len: usize,
        max: usize,
    },
    /// A quick reply's payload is longer than Messenger carries.
    #[error(
        "quick reply {index}'s payload is {len} characters; Messenger carries at most \
         {max} (put an id in it and keep the data on your side)"
    )]
    QuickReplyPayload {
        index: usize,
        len: usize,
        max: usize,
    },
    /// An attachment of a kind Messenger does not attach.
    #[error("Messenger attaches images, video, audio and files, not a `{kind}` attachment")]
    AttachmentKind { kind: String },
    /// An attachment Meta could not fetch.
    #[error("attachment url `{url}` is not an http(s) address Meta can fetch the file from")]
    AttachmentUrl { url: String },
    /// An attachment larger than Messenger takes.
    #[error(
        "the attachment is {size} bytes; Messenger takes at most {max} \
         (send a link to it instead)"
    )]
    AttachmentTooLarge { size: u64, max: u64 },
    /// An attachment with a caption, which Messenger cannot show.
    #[error(
        "Messenger attachments carry no caption, so `{caption}` would be lost; send the \
         caption as a text part and clear it on the attachment"
    )]
    Caption { caption: String },
    /// A map pin, which Messenger cannot send.
    #[error(
        "Messenger cannot send a location ({lat}, {lon}); render the content with \
         Capabilities::messenger(), which sends a map link instead"
    )]
    Location { lat: f64, lon: f64 },
    /// A template without a name or a language.
    #[error(
        "the template's {field} is empty; a utility message names an approved template \
         of the Page and its language"
    )]
    TemplateEmpty { field: &'static str },
    /// A kind of part this adapter was written before.
    #[error("a `{kind}` part, which this adapter does not know how to send to Messenger")]
    UnknownPart { kind: String },
}
