//! A Facebook Messenger Platform adapter: the page webhook's JSON to
//! [`Input`]s (the inbound half), and the engine's actions to Send API
//! requests (the outbound half), rich content both ways.
//!
//! # What Meta sends
//!
//! Meta posts `application/json` to the webhook URL of the app for each
//! page it is subscribed to: `{"object": "page", "entry": [{"id":
//! "<PAGE_ID>", "messaging": [{"sender": {"id": "<PSID>"}, "recipient":
//! {...}, ...}]}]}`. One post may batch several entries, each with its
//! `messaging` events; [`parse`] returns an input for each, in order:
//!
//! | the event | the input |
//! |---|---|
//! | `message` with `text` | [`Inbound`] with the text and `mid` as its id |
//! | `message` with `quick_reply` | [`Inbound`] whose [`choice`] is the quick reply's `payload`, titled with the message text (Meta sends the tapped quick reply's title as the text) |
//! | `message` with `reply_to` | [`Inbound`] whose [`reply_to`] is the quoted message's `mid` |
//! | `message` with `attachments` | [`Inbound`] with an attachment for each `image`, `video`, `audio`, `file` (`reel` and `ig_reel` as video; any other type with a `payload.url` as a file); a legacy `location` as its [`location`] (see below) |
//! | `postback` (a button of a template, the persistent menu, Get Started) | [`Inbound`] whose choice is the button's `payload` titled with its `title`, whose text is the `title` (the `payload` when it has no title), with `mid` as its id when Meta gives one |
//! | `read` | [`Delivery`] read, to the reader, without a message id (see below) |
//! | `delivery` | a [`Delivery`] delivered for each of its `mids` (one without an id when Meta lists none) |
//!
//! The sender's page-scoped id (PSID) is the address; every inbound
//! carries its `mid` as [`Inbound::id`], so a post Meta retries is
//! recognised by the engine and ignored. The event's `timestamp`, when the
//! customer sent it in milliseconds since the epoch, becomes
//! [`Inbound::sent_at`] for the record (the engine's clock stays the time
//! the host hands the input in); a `timestamp` that is not a whole number
//! of milliseconds is an error naming the event. Meta's postback example
//! gives `1527459824`, which read as documented is January 1970: the
//! adapter does not guess units, so the sample keeps that value.
//!
//! **A choice is the payload, not the title.** The engine hands the bot
//! (and the agent) the [`Choice`](switchboard::Choice), so a bot matches the
//! payload it gave the quick reply or button, whatever the title says in
//! the customer's language.
//!
//! **A shared place is a location, not an attachment.** Messenger no longer
//! lets people share a location, but older threads and some clients still
//! post the legacy `location` attachment (`payload.coordinates.lat` and
//! `long`, the place's name as `title`). It becomes
//! [`Inbound::location`], labelled with the title. It is not also added as
//! an attachment: the engine turns a message's location into a `location`
//! attachment (a `geo:` URI) for rules (`attachments has 'location'`), the
//! transcript and the agent, so adding one here would show the place
//! twice. A second place in the same message, which `Inbound` has no room
//! for, is kept as a `location` attachment.
//!
//! **Reads carry a time, not a message id.** A `read` event says "every
//! message sent to this person before `watermark` (ms since the epoch)
//! has been read". [`Delivery`] names a message or nothing, so the report
//! is given without one, addressed to the reader: the engine records it in
//! that person's latest conversation, which is the one they read. A host
//! that needs per-message read state compares the watermark with the send
//! times it journaled.
//!
//! **Echoes are skipped.** With the `message_echoes` subscription Meta
//! sends back every message the page sent (`is_echo: true`), the engine's
//! own replies among them. Fed back as inbounds they would look like the
//! customer writing what the agent wrote, so they are dropped here; a host
//! that wants to see messages sent from the Page inbox by hand takes them
//! from the echoes before calling [`parse`].
//!
//! Skipped without an error: events other than the four above (`optin`,
//! `referral`, `reaction`, `account_linking`, handover and `standby`
//! events, …).
//!
//! # What the page sends
//!
//! [`outbound::request`] turns each [`Action::Send`] into the JSON body of
//! a Send API request and [`Action::Typing`] into the `typing_on` sender
//! action; other actions send nothing. A text goes out as
//! `message.text`, its quick replies as native `message.quick_replies`, a
//! file as `message.attachment`; once the 24-hour window has closed, the
//! approved template the engine sends instead becomes a utility message. A
//! part Messenger cannot carry (a map pin, an attachment with a caption) or
//! one over a limit is a [`SendError`] saying which limit and which value,
//! never a shortened message. The module docs of [`outbound`] give the
//! mapping, the limits and why a closed window maps to a utility message
//! rather than the `HUMAN_AGENT` tag.
//!
//! The host posts each body to
//! `https://graph.facebook.com/<version>/me/messages` (v25.0 when this was
//! written) with the Page access token, one request per action, in the
//! order of the actions. Meta answers `{"recipient_id": …, "message_id":
//! …}`: the `message_id` is the `mid` that later delivery reports name, so
//! a host that wants per-message delivery state journals it with the
//! action:
//!
//! ```text
//! for action in actions {                                   // from Driver / poll_output
//!     match outbound::request(&action) {
//!         Ok(Some(body)) => app.meta.post(SEND_API).bearer_auth(&app.page_token).json(&body).send().await?,
//!         Ok(None) => {}                                    // not for Messenger's Send API
//!         Err(e) => app.alert(&action, e),                  // fix the content or the configuration
//!     }
//! }
//! ```
//!
//! # Wiring it into a web server
//!
//! Meta first verifies the URL with a `GET` (`hub.mode=subscribe`,
//! `hub.verify_token`, `hub.challenge`: answer the challenge when the
//! token is yours), then posts the events. In axum, for instance:
//!
//! ```text
//! async fn messenger(State(app): State<App>, headers: HeaderMap, body: Bytes) -> StatusCode {
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
//! Answer 200 within a few seconds. Meta retries a post that got any other
//! answer, and disables a webhook that keeps failing; a body from Meta
//! that does not parse will not parse on a retry either, so keep it to
//! replay after fixing the adapter.
//!
//! # What the host must check that this example does not
//!
//! The signature. Meta signs each post with `X-Hub-Signature-256:
//! sha256=<hex>`, the HMAC-SHA256 of the raw body under the app secret.
//! Compute it over the exact bytes received (before any JSON parsing) and
//! compare in constant time; reject the request when it differs. Without
//! this anyone who knows the URL can write to your customers'
//! conversations.
//!
//! # Running it
//!
//! `cargo run --example messenger` first parses the samples in
//! `tests/data/webhooks/` and feeds them to an engine through the host
//! loop the adapter examples share, printing each input, the actions it
//! leads to and the request each action makes, as JSON lines. Then it plays
//! a menu both ways ([`menu`]): a bot's quick replies going out natively,
//! and the customer's tap coming back through [`parse`] as the choice the
//! bot is asked with. `cargo test --example messenger` runs its tests.
//!
//! # Layout
//!
//! | file | its job |
//! |---|---|
//! | `main.rs` | these docs, the samples and `main` |
//! | `payload.rs` | the webhook body as Meta documents it (serde types) |
//! | `inbound.rs` | a webhook body to inputs |
//! | `outbound.rs` | an action to a Send API request body |
//! | `error.rs` | the typed errors of both halves |
//! | `menu.rs` | the menu scene: a host driving the engine both ways |
//! | `tests.rs`, `tests/` | the tests: the inbound half, the outbound half, the menu scene |
//!
//! [`Action::Send`]: switchboard::engine::Action::Send
//! [`SendError`]: error::SendError
//! [`Inbound::id`]: switchboard::engine::Inbound::id
//! [`Inbound::sent_at`]: switchboard::engine::Inbound::sent_at
//! [`Inbound::location`]: switchboard::engine::Inbound::location
//! [`choice`]: switchboard::engine::Inbound::choice
//! [`reply_to`]: switchboard::engine::Inbound::reply_to
//! [`location`]: switchboard::engine::Inbound::location
//! [`Action::Typing`]: switchboard::engine::Action::Typing
//! [`Input`]: switchboard::engine::Input
//! [`Inbound`]: switchboard::engine::Inbound
//! [`Delivery`]: switchboard::engine::Delivery
//! [`parse`]: inbound::parse

#[path = "../support/host.rs"]
mod host;
#[path = "../support/samples.rs"]
mod samples;

mod error;
mod inbound;
mod menu;
mod outbound;
mod payload;
#[cfg(test)]
mod tests;

use inbound::parse;

/// Vendor samples, placeholders replaced by ids (see
/// `tests/data/webhooks/SOURCES.md`).
const SAMPLES: &[(&str, &str)] = &[
    (
        "messenger-message-text.json",
        include_str!("../../tests/data/webhooks/messenger-message-text.json"),
    ),
    (
        "messenger-message-quick-reply.json",
        include_str!("../../tests/data/webhooks/messenger-message-quick-reply.json"),
    ),
    (
        "messenger-message-reply-to.json",
        include_str!("../../tests/data/webhooks/messenger-message-reply-to.json"),
    ),
    (
        "messenger-message-attachment.json",
        include_str!("../../tests/data/webhooks/messenger-message-attachment.json"),
    ),
    (
        "messenger-postback.json",
        include_str!("../../tests/data/webhooks/messenger-postback.json"),
    ),
    (
        "messenger-read.json",
        include_str!("../../tests/data/webhooks/messenger-read.json"),
    ),
    (
        "messenger-delivery.json",
        include_str!("../../tests/data/webhooks/messenger-delivery.json"),
    ),
    (
        "messenger-delivery-hackage.json",
        include_str!("../../tests/data/webhooks/messenger-delivery-hackage.json"),
    ),
];

/// The docs' test-notification form, which [`parse`] refuses.
const TEST_NOTIFICATION: &str =
    include_str!("../../tests/data/webhooks/messenger-postback-docs-field-value.json");

/// Every conversation starts with a bot (which this example never
/// answers: the point is what reaches it).
const CONFIG: &str = r#"
[defaults]
bot = "faq"

[bots.faq]
timeout = "1m"

[[queues]]
id = "support"
"#;

/// Parses each sample and feeds its inputs to an engine, printing the
/// inputs, the actions, the Send API requests they make and the retries the
/// engine ignored as JSON lines; then plays the menu scene.
///
/// The text and quick-reply samples share one `mid`: the engine takes the
/// second for Meta's retry of the first.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let all = SAMPLES.iter().copied().chain([(
        "messenger-postback-docs-field-value.json",
        TEST_NOTIFICATION,
    )]);
    samples::run(CONFIG, all, parse, outbound::request)?;
    menu::run()
}
