//! Why a webhook body could not be read ([`WebhookError`]). Each message
//! names the field and the value, so the person reading the log knows
//! what to change.

use switchboard::AddressError;

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
