//! A Twilio Programmable Messaging adapter (SMS, MMS and WhatsApp through
//! Twilio): the webhook's form fields to `Input`s ([`inbound`]), and the
//! engine's `Action::Send` to requests to Twilio's Messages API
//! ([`outbound`]).
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
//! # What goes out
//!
//! Each `Action::Send` carries one part, already rendered for the channel;
//! [`outbound::Twilio::message`] makes it one request to
//! `POST https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json`
//! (`application/x-www-form-urlencoded`), given as the URL and the form's
//! (name, value) pairs in order; every other action sends nothing.
//!
//! | the part | the form |
//! |---|---|
//! | any | `To` (`whatsapp:+…` on WhatsApp) and `From` (the channel's number) or `MessagingServiceSid`, as the host configures the adapter |
//! | text | `Body`, at most 1,600 characters |
//! | an attachment | `MediaUrl` (MMS on SMS, media on WhatsApp), its caption as `Body` |
//! | a location (WhatsApp) | `PersistentAction=geo:<lat>,<lon>\|<label>`, and the label (the coordinates without one) as `Body` |
//! | a template (a WhatsApp window closed) | `ContentSid`, the configured template name, which is the approved Content template's `HX…` SID, and `ContentVariables`, its parameters as `{"1": …, "2": …}` |
//!
//! The engine renders for the capabilities the host registers, and Twilio
//! takes less than the crate's WhatsApp preset allows: no buttons in a
//! plain message (only as a Content template) and texts of at most 1,600
//! characters. [`outbound::capabilities`] gives what to register, so that
//! buttons go out as a numbered list on WhatsApp as on SMS, and the engine
//! maps a number answered back to its button. What Twilio would still
//! refuse is a `SendError` saying which limit or value, before any
//! request: native buttons, a body, media or a template over Twilio's
//! limits, a location on SMS, a template name that is not a Content SID.
//! Nothing is cut to fit.
//!
//! A template's language is not sent: a Content template is written in
//! one language, so each language is its own template with its own SID,
//! and `[templates.<purpose>]` maps each language to it:
//!
//! ```toml
//! [templates.agent_reply]
//! en = { name = "HXb5b62575e6e4ff6129ad7c8efe1f983e", language = "en", parameters = ["{agent}", "{text}"] }
//! ```
//!
//! Every part is one message and carries one attachment at most, so
//! Twilio's limit of 10 media a message cannot be reached.
//!
//! Run it with `cargo run --example twilio_sms`: it parses the samples in
//! `tests/data/webhooks/` and feeds them to an engine, printing each input,
//! the actions it leads to and the request to Twilio for each as JSON
//! lines; then it plays two conversations through the drive loop
//! ([`conversation`]): buttons on SMS answered with `2`, and places both
//! ways on WhatsApp. `cargo test --example twilio_sms` runs its tests.

mod conversation;
mod error;
#[path = "../support/host.rs"]
mod host;
mod inbound;
mod outbound;
#[path = "../support/samples.rs"]
mod samples;
#[cfg(test)]
mod tests;

use inbound::parse;
use outbound::{Sender, Twilio};

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
/// the samples run never answers: the point is what reaches it; the
/// conversations answer it).
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

/// The adapter as the example configures it: an account SID of the right
/// form, and Twilio's test number for SMS and its WhatsApp sandbox number
/// as senders, or the Messaging Service `TWILIO_MESSAGING_SERVICE_SID`
/// names when it is set.
fn twilio() -> Result<Twilio, error::SetupError> {
    let sender = match std::env::var("TWILIO_MESSAGING_SERVICE_SID") {
        Ok(sid) => Sender::messaging_service(&sid)?,
        Err(_) => Sender::numbers(Some("+15005550006"), Some("whatsapp:+14155238886"))?,
    };
    Twilio::new("AC0123456789abcdef0123456789abcdef", sender)
}

/// Parses each sample and feeds its inputs to an engine, printing the
/// inputs, the actions, the request to Twilio of each and the retries the
/// engine ignored as JSON lines; then plays the two conversations.
///
/// Two of the samples come from one test suite that reuses a message SID:
/// the engine takes the second for Twilio's retry of the first.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let twilio = twilio()?;
    samples::run(CONFIG, SAMPLES.iter().copied(), parse, |action| {
        twilio.request(action)
    })?;
    conversation::run(CONFIG, &twilio)
}
