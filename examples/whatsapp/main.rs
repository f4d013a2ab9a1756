//! A WhatsApp Cloud API adapter, both halves: the webhook's JSON to the
//! engine's [`Input`](switchboard::engine::Input)s ([`inbound`]), and the engine's sends to Cloud API
//! requests ([`outbound`]).
//!
//! | file | its job |
//! |---|---|
//! | `payload.rs` | the webhook's JSON, as serde types |
//! | `inbound.rs` | a webhook body to inputs |
//! | `outbound.rs` | an [`Action::Send`](switchboard::engine::Action::Send) to a Cloud API body |
//! | `error.rs` | what can go wrong, both ways |
//! | `story.rs` | one conversation through the engine, both ways |
//! | `tests.rs`, `tests/` | the tests: inbound, outbound, and both ways through the engine |
//!
//! # What Meta sends
//!
//! Meta posts `application/json` to the webhook URL of the app:
//! `{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
//! "messages", "value": {...}}]}]}`. One post may carry several entries,
//! each several changes, each several `messages` (from customers) and
//! `statuses` (reports on messages the business sent);
//! [`parse`](inbound::parse) returns an input for each, in order:
//!
//! | the payload | the input |
//! |---|---|
//! | `messages[]` of type `text` | [`Inbound`](switchboard::engine::Inbound) with `text.body` |
//! | `image`, `audio`, `video`, `document`, `sticker` | [`Inbound`](switchboard::engine::Inbound) with one attachment (see *Media* below); the caption is the text, a document's file name the attachment's caption |
//! | `location` | [`Inbound`](switchboard::engine::Inbound) whose [`location`](switchboard::engine::Inbound::location) has the coordinates, labelled, for a place the customer picked, with its name, address and maps `url`, one line each |
//! | `interactive` (`button_reply`, `list_reply`) | [`Inbound`](switchboard::engine::Inbound) whose [`choice`](switchboard::engine::Inbound::choice) has the button's or row's `id` as payload and its `title`, which is also the text |
//! | `button` (a template's quick-reply button) | [`Inbound`](switchboard::engine::Inbound) whose choice has `button.payload` and `button.text`, which is also the text |
//! | any message's `context.id` | [`reply_to`](switchboard::engine::Inbound::reply_to): the business message it answers (the one whose button was tapped) or quotes |
//! | any message's `timestamp` | [`sent_at`](switchboard::engine::Inbound::sent_at) (Unix seconds as a string; the engine's clock stays the host's `now`) |
//! | `statuses[]` `sent`, `delivered`, `read`, `failed` | [`Delivery`](switchboard::engine::Delivery) with the message id, the recipient and, when failed, the first of `errors[]` |
//!
//! Every inbound carries the `wamid` as its [`Inbound::id`](switchboard::engine::Inbound::id), so a webhook
//! Meta retries is recognised by the engine and ignored. The sender's
//! profile name (`contacts[].profile.name`) becomes the contact attribute
//! `name`, which rules see as `contact.name`.
//!
//! A tapped button reaches the bot as the choice's payload, whatever the
//! customer's language or the button's wording; the engine also keeps it
//! in the transcript and shows it to the agent. A shared place is set as
//! the inbound's location only, not also as an attachment: the engine
//! itself adds it as a `location` attachment (a `geo:` URI with the label
//! as caption) for rules (`attachments has 'location'`), the transcript
//! and the agent, so a second one would show the place twice.
//!
//! Skipped on purpose, without an error: changes whose `field` is not
//! `messages` (template, account and quality updates), message types the
//! engine has no use for (`reaction`, `system`, `order`, `contacts`,
//! `unsupported`, flow replies), statuses other than the four above, and a
//! status's own timestamp (a delivery report has no field for it). Add a
//! match arm where one matters to you.
//!
//! A body with anything wrong (a missing id, an empty button id, a
//! timestamp that is not Unix seconds, a place off the map) is a
//! [`WhatsAppError`](error::WhatsAppError) naming the field, and none of
//! its inputs is returned.
//!
//! # Media
//!
//! The Cloud API sends a media *id*, not a file: `{"image": {"id":
//! "65463453", "mime_type": "image/jpeg"}}`. The attachment's url here is
//! `whatsapp-media:<id>`, a reference for the host to resolve: `GET
//! https://graph.facebook.com/<version>/<media-id>` with the business's
//! access token answers with a `url` that is valid for five minutes and
//! must itself be fetched with the same token. Media ids from webhooks
//! expire after seven days, so a host that shows files to agents
//! downloads them on arrival, stores them, and replaces the attachment's
//! url with its own before handing the input to the engine.
//!
//! # What goes back
//!
//! [`request`](outbound::request) turns each
//! [`Action::Send`](switchboard::engine::Action::Send) into the JSON body
//! to post to `https://graph.facebook.com/<version>/<phone-number-id>/messages`:
//! text, reply buttons or a list, media, a map pin or an approved template.
//! A part over one of Meta's limits is a [`SendError`](error::SendError)
//! saying which limit and which value, never a shortened message. The
//! module's docs give the mapping and the limits.
//!
//! # Wiring it into a web server
//!
//! Meta first verifies the URL with a `GET` (`hub.mode=subscribe`,
//! `hub.verify_token`, `hub.challenge`: answer the challenge when the
//! token is yours), then posts each notification. In axum, for instance:
//!
//! ```text
//! async fn whatsapp(State(app): State<App>, headers: HeaderMap, body: Bytes) -> StatusCode {
//!     if !app.meta_signature_ok(&headers, &body) {        // X-Hub-Signature-256, see below
//!         return StatusCode::UNAUTHORIZED;
//!     }
//!     match parse(&body) {
//!         Ok(inputs) => for input in inputs { app.engine.send(input).await },   // to Driver::handle
//!         Err(e) => app.log_and_keep(&body, e),             // a Meta body that does not parse
//!     }
//!     StatusCode::OK
//! }
//! ```
//!
//! Answer 200 quickly. Meta retries a notification that got any other
//! answer, for days; a body from Meta that does not parse will not parse
//! on a retry either, so keep it to replay after fixing the adapter.
//!
//! # What the host must check that this example does not
//!
//! The signature. Meta signs each post with `X-Hub-Signature-256:
//! sha256=<hex>`, the HMAC-SHA256 of the raw body under the app secret.
//! Compute it over the exact bytes received (before any JSON parsing) and
//! compare in constant time; reject the request when it differs. Without
//! this anyone who knows the URL can write to your customers' conversations.
//!
//! Run it with `cargo run --example whatsapp`: it parses the samples in
//! `tests/data/webhooks/` and feeds them to an engine, printing each input,
//! the actions it leads to and the request for each send as JSON lines;
//! then it plays one conversation through the engine (see [`story`]): bot
//! buttons out as an interactive message, the tap back as a choice, an
//! agent's answer after the 24-hour window as a template. `cargo test
//! --example whatsapp` runs its tests.

#[path = "../support/host.rs"]
mod host;
#[path = "../support/samples.rs"]
mod samples;

mod error;
mod inbound;
mod outbound;
mod payload;
mod story;

#[cfg(test)]
mod tests;

/// Vendor samples (see `tests/data/webhooks/SOURCES.md`).
const SAMPLES: &[(&str, &str)] = &[
    (
        "whatsapp-text.json",
        include_str!("../../tests/data/webhooks/whatsapp-text.json"),
    ),
    (
        "whatsapp-text-pywa.json",
        include_str!("../../tests/data/webhooks/whatsapp-text-pywa.json"),
    ),
    (
        "whatsapp-image.json",
        include_str!("../../tests/data/webhooks/whatsapp-image.json"),
    ),
    (
        "whatsapp-location.json",
        include_str!("../../tests/data/webhooks/whatsapp-location.json"),
    ),
    (
        "whatsapp-location-current.json",
        include_str!("../../tests/data/webhooks/whatsapp-location-current.json"),
    ),
    (
        "whatsapp-interactive-button-reply.json",
        include_str!("../../tests/data/webhooks/whatsapp-interactive-button-reply.json"),
    ),
    (
        "whatsapp-template-quick-reply-button.json",
        include_str!("../../tests/data/webhooks/whatsapp-template-quick-reply-button.json"),
    ),
    (
        "whatsapp-status-sent.json",
        include_str!("../../tests/data/webhooks/whatsapp-status-sent.json"),
    ),
    (
        "whatsapp-status-delivered.json",
        include_str!("../../tests/data/webhooks/whatsapp-status-delivered.json"),
    ),
    (
        "whatsapp-status-read.json",
        include_str!("../../tests/data/webhooks/whatsapp-status-read.json"),
    ),
    (
        "whatsapp-status-failed.json",
        include_str!("../../tests/data/webhooks/whatsapp-status-failed.json"),
    ),
];

/// Every conversation starts with a bot. In the samples it never answers
/// (the point is what reaches it); in the story a scripted bot does. A
/// customer's silence closes their conversation only after five days (the
/// story spans a weekend), and an agent's answer once the 24-hour window
/// has closed goes out as the approved template `support_follow_up`,
/// `{{1}}` the agent and `{{2}}` the answer.
const CONFIG: &str = r#"
[defaults]
bot = "faq"

[bots.faq]
timeout = "1m"

[[queues]]
id = "support"

[conversations]
inactivity_timeout = "5d"

[templates.agent_reply]
"*" = { name = "support_follow_up", language = "en_US", parameters = ["{agent}", "{text}"] }
"#;

/// Parses each sample and feeds its inputs to an engine, printing the
/// inputs, the actions, the request for each send and the retries the
/// engine ignored as JSON lines; then plays the [`story`].
///
/// The pywa samples were anonymised with one message id, `wamid.xyzxyz`, for
/// every message: after the first, the engine takes them for Meta's retries
/// of it, as it should.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    samples::run(
        CONFIG,
        SAMPLES.iter().copied(),
        inbound::parse,
        outbound::request,
    )?;
    story::run(CONFIG)?;
    Ok(())
}
