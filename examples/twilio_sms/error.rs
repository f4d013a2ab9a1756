//! What can go wrong, by half: [`WebhookError`] when a webhook body cannot
//! be read, [`SendError`] when an action cannot be sent through Twilio,
//! [`SetupError`] when the adapter's own settings are wrong. Each message
//! says which field or limit, and the fix.

use switchboard::{AddressError, ChannelKind};

/// Why a Twilio webhook body could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WebhookError {
    /// Nothing was posted.
    #[error("the webhook body is empty; Twilio posts form fields (was the body read twice?)")]
    Empty,
    /// The body has no message SID: not a Twilio messaging request.
    #[error(
        "not a Twilio messaging webhook: no `MessageSid` \
         (Twilio posts form fields such as MessageSid=SM…&From=…&Body=…)"
    )]
    NotTwilio,
    /// A field the request must have is missing.
    #[error("`{0}` is missing")]
    Missing(&'static str),
    /// A numeric field does not hold a number.
    #[error("`{field}` is `{value}`, expected {expected}")]
    BadNumber {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    /// `NumMedia` announces more media than the request lists.
    #[error("NumMedia says {num_media} but {field} is missing")]
    MissingMedia { num_media: u32, field: String },
    /// `From` or `To` is not an address of the channel.
    #[error("`{field}`: {source}")]
    Address {
        field: &'static str,
        source: AddressError,
    },
    /// A place's name (`Label` or `Address`) came without its coordinates.
    #[error(
        "`{field}` names a place but `Latitude` and `Longitude` are missing; \
         Twilio sends all of them for a shared location"
    )]
    PlaceWithoutCoordinates { field: &'static str },
    /// A shared location's coordinates are out of range.
    #[error("latitude {lat}, longitude {lon} is not a place on Earth")]
    BadLocation { lat: f64, lon: f64 },
}

/// Why an action cannot become a request to Twilio's Messages API.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    /// The channel is not one Twilio carries here.
    #[error("this adapter sends SMS and WhatsApp through Twilio; {channel} needs its own adapter")]
    NotTwilio { channel: ChannelKind },
    /// No sender is configured for the channel.
    #[error(
        "no {channel} sender: give `Sender::numbers` a {channel} number, \
         or send through a Messaging Service"
    )]
    NoSender { channel: ChannelKind },
    /// The recipient is not an address of the channel.
    #[error("the recipient is not a {channel} address: {source}")]
    Recipient {
        channel: ChannelKind,
        source: AddressError,
    },
    /// Native buttons reached the adapter, which Twilio cannot send with a
    /// plain message.
    #[error(
        "{count} native quick replies for {channel}: Twilio sends buttons only as a Content \
         template, so register `capabilities({channel})` with the engine and it sends them \
         as a numbered list"
    )]
    NativeQuickReplies { channel: ChannelKind, count: usize },
    /// A text part with no text.
    #[error("a text part with no text: Twilio sends no message without a body, media or template")]
    EmptyText,
    /// A body over Twilio's limit.
    #[error(
        "{what} is {len} UTF-16 code units long; Twilio takes at most {max} (error 21617): \
         register `capabilities` with the engine so it splits texts within the limit, \
         or shorten it"
    )]
    BodyTooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
    /// A media URL Twilio cannot fetch.
    #[error("media `{url}` is not an http(s) URL; Twilio fetches media from a public URL")]
    MediaUrl { url: String },
    /// A media file over Twilio's limit.
    #[error(
        "media of {size} bytes is over Twilio's {max}-byte limit on {channel}; \
         send a link instead (give the engine the size and it does)"
    )]
    MediaTooLarge {
        channel: ChannelKind,
        size: u64,
        max: u64,
    },
    /// A place as an attachment, which is how places come in, not go out.
    #[error("`{url}` is a location attachment; a place goes out as a location part")]
    LocationAttachment { url: String },
    /// A location part on a channel without location messages.
    #[error(
        "Twilio has no location message on {channel}: register `capabilities({channel})`, \
         whose location is off, and the engine sends a map link"
    )]
    NoLocationMessage { channel: ChannelKind },
    /// A location off the map.
    #[error("latitude {lat}, longitude {lon} is not a place on Earth")]
    InvalidLocation { lat: f64, lon: f64 },
    /// A template whose name is not a Content SID.
    #[error(
        "template `{name}` is not a Twilio Content SID (HX and 32 hex digits): \
         under [templates.<purpose>], set `name` to the SID of the approved Content template"
    )]
    NotAContentSid { name: String },
    /// More template parameters than Twilio takes.
    #[error(
        "the template has {count} parameters; Twilio takes at most {max} ContentVariables a message"
    )]
    TooManyVariables { count: usize, max: usize },
    /// A kind of part this adapter does not know.
    #[error("a part this adapter does not know how to send through Twilio: {part}")]
    UnknownPart { part: String },
}

/// Why the adapter's settings are wrong.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SetupError {
    /// A SID does not have its form.
    #[error("{field} `{value}` is not a Twilio SID: expected {prefix} and 32 hex digits")]
    BadSid {
        field: &'static str,
        prefix: &'static str,
        value: String,
    },
    /// A sender's number is not a number of its channel.
    #[error("the {field} sender: {source}")]
    Address {
        field: &'static str,
        source: AddressError,
    },
    /// No sender at all.
    #[error("no sender: give an SMS number, a WhatsApp sender or both, or a Messaging Service")]
    NoSender,
}
