//! What can go wrong, both ways: a webhook body that cannot be read
//! ([`WhatsAppError`]) and an engine action that cannot become a Cloud API
//! request ([`SendError`]). Each message says where the problem is and, for
//! a send, which of Meta's limits is broken and by which value, so that
//! the person reading the log knows what to change.

use switchboard::{AddressError, ChannelKind};

/// Why a WhatsApp webhook body could not be read. `at` is the JSON path of
/// the offending message or status, such as
/// `entry[0].changes[0].value.messages[2]`.
///
/// A body with an error yields no input at all: nothing is half-parsed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WhatsAppError {
    /// Nothing was posted.
    #[error("the webhook body is empty; Meta posts JSON (was the body read twice?)")]
    Empty,
    /// The body is not JSON, or a field has the wrong type.
    #[error("not a WhatsApp webhook: {0}")]
    Json(#[from] serde_json::Error),
    /// A top-level field of the envelope is missing.
    #[error("not a WhatsApp webhook: missing `{0}`")]
    NotWebhook(&'static str),
    /// The body is a webhook of another Meta product.
    #[error(
        "not a WhatsApp webhook: `object` is `{0}`, expected `whatsapp_business_account` \
         (is another product's webhook pointed at this URL?)"
    )]
    WrongObject(String),
    /// A message or status lacks a field it must have.
    #[error("`{at}` has no `{field}`")]
    Missing { at: String, field: &'static str },
    /// An id that must say something is empty (the engine would refuse it).
    #[error("`{at}.{field}` is empty")]
    Blank { at: String, field: &'static str },
    /// The message's `timestamp` is not Unix seconds as a string.
    #[error(
        "`{at}.{field}` is {value}, not Unix seconds as a string of digits (such as \"1749416383\")"
    )]
    BadTimestamp {
        at: String,
        field: &'static str,
        /// The value as it arrived, in JSON.
        value: String,
    },
    /// A shared location's coordinates are out of range.
    #[error("`{at}`: latitude {lat}, longitude {lon} is not a place on Earth")]
    BadLocation { at: String, lat: f64, lon: f64 },
    /// A sender or recipient is not a WhatsApp id.
    #[error("`{at}`: {source}")]
    Address { at: String, source: AddressError },
}

/// Why an engine action cannot be sent as a Cloud API request. The part is
/// not sent in part or shortened: the host logs the error and fixes the
/// content, the configuration or the capabilities it registered.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub(crate) enum SendError {
    /// The action is for another channel.
    #[error("a {0} message handed to the WhatsApp adapter; route sends by their `channel`")]
    NotWhatsApp(ChannelKind),
    /// A part type this adapter does not know (the engine's list grew).
    #[error("the engine asked to send a `{0}` part, which this WhatsApp adapter does not map yet")]
    UnknownPart(String),
    /// A text part with nothing in it.
    #[error("a text part with no text: WhatsApp requires a body")]
    EmptyText,
    /// A value is longer than Meta allows.
    #[error(
        "{what} is {len} {unit} long; WhatsApp takes at most {max} \
         (it starts \"{start}\"): {hint}"
    )]
    TooLong {
        /// Which field, such as `button 2 title` or `interactive body`.
        what: String,
        len: usize,
        max: usize,
        /// What is counted: `characters` or `UTF-16 code units`.
        unit: &'static str,
        /// The value's first characters, to find it.
        start: String,
        /// What to do about it.
        hint: &'static str,
    },
    /// More choices than one interactive message holds.
    #[error(
        "{count} choices: a WhatsApp list message holds at most {max} rows; offer fewer, \
         or keep the capabilities' `max_options` at {max} or below so that the engine \
         sends a numbered list instead"
    )]
    TooManyChoices { count: usize, max: usize },
    /// A choice whose title or id is empty.
    #[error("{what} is empty; WhatsApp requires one on every button and list row")]
    EmptyChoice { what: String },
    /// Two choices with the same title or id.
    #[error(
        "two choices share the {field} `{value}`; WhatsApp needs them unique \
         (and the customer could not tell them apart)"
    )]
    DuplicateChoice { field: &'static str, value: String },
    /// An attachment url that is neither a web link nor a Cloud API media id.
    #[error(
        "attachment url `{0}` is not an http(s) link or a `whatsapp-media:<id>` media id; \
         WhatsApp fetches media only from one of those"
    )]
    NotALink(String),
    /// A caption on a kind of media WhatsApp shows without one.
    #[error(
        "WhatsApp {kind} messages carry no caption, and this one has \"{caption}\"; \
         send the caption as its own text"
    )]
    CaptionNotAllowed { kind: &'static str, caption: String },
    /// An attachment kind with no WhatsApp media type.
    #[error(
        "a `{0}` attachment has no WhatsApp media type; a place goes out as \
         Content::with_location, which WhatsApp shows as a map pin"
    )]
    UnsupportedAttachment(String),
    /// A location off the map.
    #[error(
        "location ({lat}, {lon}) is not on Earth: latitude must be within ±90 and longitude within ±180"
    )]
    BadLocation { lat: f64, lon: f64 },
    /// A template without a name or a language.
    #[error("the template has no {0}; set it under [templates] in the configuration")]
    TemplateField(&'static str),
    /// A template parameter WhatsApp would refuse.
    #[error(
        "parameter {index} of template `{template}` contains {found}; WhatsApp refuses \
         body parameters with line breaks, tabs or more than four spaces in a row \
         (it starts \"{start}\"): use a template that takes no free text, or keep \
         the text to one line"
    )]
    TemplateParameter {
        template: String,
        /// 1-based, as `{{1}}` in the template body.
        index: usize,
        /// `a line break`, `a tab` or `more than four spaces in a row`.
        found: &'static str,
        start: String,
    },
}
