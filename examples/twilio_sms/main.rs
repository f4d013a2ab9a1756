//! A Twilio Programmable Messaging adapter (SMS, MMS and WhatsApp through
//! Twilio): the webhook's form fields to `Input`s.
//!
//! # What Twilio sends
//!
//! Twilio posts `application/x-www-form-urlencoded` fields, one message per
//! request, to two URLs the host configures:
//!
//! * the number's **messaging webhook**, for each message a customer sends:
//!   `MessageSid`, `From`, `To`, `Body`, `NumMedia` and, for each picture
//!   or file, `MediaUrl0`, `MediaContentType0`, `MediaUrl1`, … (SMS, MMS
//!   and WhatsApp through Twilio alike; WhatsApp addresses are written
//!   `whatsapp:+31612345678`, and WhatsApp adds `ProfileName`, `WaId`, for
//!   a shared location `Latitude`, `Longitude`, `Address`, `Label`, for a
//!   tapped quick-reply button `ButtonText` and `ButtonPayload`, and for a
//!   reply that quotes a message `OriginalRepliedMessageSid`);
//! * the **status callback** of each message sent, on every change of its
//!   status: `MessageSid`, `MessageStatus`, `To` and, when it failed,
//!   `ErrorCode`.
//!
//! [`parse`] tells them apart by `MessageStatus` and returns:
//!
//! | the request | the input |
//! |---|---|
//! | a message | `Inbound` on `ChannelKind::Sms`, or `ChannelKind::WhatsApp` when `From` starts with `whatsapp:`, filled as the next table says |
//! | a status callback `sent`, `delivered`, `read` | `Delivery` with that status, `MessageSid` and the recipient `To` |
//! | `failed`, `undelivered` | `Delivery` failed, with the status and `ErrorCode` as its error |
//! | `accepted`, `queued`, `sending`, `scheduled`, `canceled`, `received`, … | nothing: the message has not gone out, or the callback is about an incoming one |
//!
//! A message's fields:
//!
//! | Twilio's field | `Inbound` |
//! |---|---|
//! | `From` | `from`, and the channel |
//! | `Body` | `text` (empty for media alone) |
//! | `MessageSid` (legacy `SmsMessageSid`, `SmsSid`) | `id` |
//! | `MediaUrlN`, `MediaContentTypeN` for N below `NumMedia` | `attachments`, the kind from the content type (a file when Twilio gives none) |
//! | `Latitude`, `Longitude`, `Label`, `Address` (WhatsApp) | `location`; its label is `Label`, `Address`, or `"Label, Address"` when both are given |
//! | `ButtonPayload`, `ButtonText` (WhatsApp) | `choice`: the payload and the title of the quick-reply button tapped |
//! | `OriginalRepliedMessageSid` (WhatsApp) | `reply_to`: the SID of the message the customer quotes |
//! | `ProfileName` (WhatsApp) | the contact attribute `name` |
//! | none | `sent_at` stays empty: Twilio's webhook carries no time the customer sent the message |
//!
//! `MessageSid` is the message's id, so a request Twilio retries is
//! recognised by the engine and ignored. A field given twice counts the
//! first time; a field given empty (Twilio posts `ToCity=` and the like)
//! counts as absent.
//!
//! A shared place is `location` only, not also a `location` attachment:
//! the engine adds that attachment itself for rules (`attachments has
//! 'location'`), the transcript and the agent, so giving both would show
//! the place twice.
//!
//! `choice` is read on WhatsApp only. On SMS there are no buttons: the
//! engine sends a message's quick replies as a numbered list and, when the
//! customer answers `2`, fills the choice of the second button itself, so
//! the adapter leaves it empty. Twilio's list-picker replies are not read:
//! the documentation at hand names the list item's `id` but not the field
//! that carries it back, so such a reply reaches the engine as its text.
//!
//! Media URLs point at Twilio's API; by default they can be fetched
//! without credentials, unless the account enforces HTTP authentication
//! for media, in which case the host fetches them with its account SID and
//! auth token and stores its own copy.
//!
//! # Wiring it into a web server
//!
//! In axum, for instance, with one route for messages and one for status
//! callbacks (both parse with the same function):
//!
//! ```text
//! async fn twilio(State(app): State<App>, uri: OriginalUri, headers: HeaderMap, body: Bytes) -> Response {
//!     if !app.twilio_signature_ok(&uri, &headers, &body) {      // X-Twilio-Signature, see below
//!         return StatusCode::FORBIDDEN.into_response();
//!     }
//!     match parse(&body) {
//!         Ok(inputs) => for input in inputs { app.engine.send(input).await },   // to Driver::handle
//!         Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
//!     }
//!     ([(CONTENT_TYPE, "text/xml")], "<Response/>").into_response()
//! }
//! ```
//!
//! Answer the messaging webhook with an empty TwiML `<Response/>`: the
//! engine's replies go out through Twilio's REST API (the `send` of your
//! [`Channel`](switchboard::channel::Channel)), not as TwiML. Twilio logs
//! an error answer (error 11200) in its debugger, where the message of a
//! `WebhookError` says what was wrong.
//!
//! # What the host must check that this example does not
//!
//! The signature. Twilio signs each request with `X-Twilio-Signature`: the
//! base64 HMAC-SHA1, under the account's auth token, of the full URL Twilio
//! called (scheme, host, path and query, as configured in Twilio, not as
//! rewritten by a proxy) followed by every POST field's name and value,
//! sorted by name. Compute it and compare in constant time; reject the
//! request when it differs. Without this anyone who knows the URL can
//! write to your customers' conversations or forge delivery reports.
//!
//! Run it with `cargo run --example twilio_sms`: it parses the samples in
//! `tests/data/webhooks/` and feeds them to an engine, printing each input
//! and the actions it leads to as JSON lines. `cargo test --example
//! twilio_sms` runs its tests.

mod error;
mod inbound;
#[path = "../support/samples.rs"]
mod samples;
#[cfg(test)]
mod tests;

use inbound::parse;

/// Vendor samples (see `tests/data/webhooks/SOURCES.md`).
const SAMPLES: &[(&str, &str)] = &[
    (
        "twilio-sms-inbound.txt",
        include_str!("../../tests/data/webhooks/twilio-sms-inbound.txt"),
    ),
    (
        "twilio-sms-inbound-2.txt",
        include_str!("../../tests/data/webhooks/twilio-sms-inbound-2.txt"),
    ),
    (
        "twilio-mms-inbound.txt",
        include_str!("../../tests/data/webhooks/twilio-mms-inbound.txt"),
    ),
    (
        "twilio-mms-inbound-2-media.txt",
        include_str!("../../tests/data/webhooks/twilio-mms-inbound-2-media.txt"),
    ),
    (
        "twilio-whatsapp-inbound-image.txt",
        include_str!("../../tests/data/webhooks/twilio-whatsapp-inbound-image.txt"),
    ),
    (
        "twilio-status-callback-delivered.txt",
        include_str!("../../tests/data/webhooks/twilio-status-callback-delivered.txt"),
    ),
];

/// Pictures go to the claims team; everything else to a bot first (which
/// this example never answers: the point is what reaches it).
const CONFIG: &str = r#"
[defaults]
bot = "faq"

[bots.faq]
timeout = "1m"

[[queues]]
id = "claims"

[[rules]]
id = "pictures"
when = "attachments has 'image'"
then = { queue = "claims" }
"#;

/// Parses each sample and feeds its inputs to an engine, printing the
/// inputs, the actions and the retries the engine ignored as JSON lines.
///
/// Two of the samples come from one test suite that reuses a message SID:
/// the engine takes the second for Twilio's retry of the first.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    samples::run(CONFIG, SAMPLES.iter().copied(), parse, |_| {
        Ok::<_, std::convert::Infallible>(None)
    })
}
