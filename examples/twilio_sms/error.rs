//! Why a Twilio webhook body could not be read.

use switchboard::AddressError;

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
