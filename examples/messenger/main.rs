//! A Facebook Messenger Platform adapter, inbound half: the page webhook's
//! JSON to [`Input`]s.
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
//! | `message` with `attachments` | [`Inbound`] with an attachment for each `image`, `video`, `audio`, `file` (`reel` and `ig_reel` as video; a legacy `location` as [`Attachment::location`]; any other type with a `payload.url` as a file) |
//! | `message` with `quick_reply` | [`Inbound`] whose text is the quick reply's title, as the customer saw it |
//! | `postback` (a button of a template, the persistent menu, Get Started) | [`Inbound`] whose text is the button's `title` (its `payload` when it has no title) |
//! | `read` | [`Delivery`] read, to the reader, without a message id (see below) |
//! | `delivery` | a [`Delivery`] delivered for each of its `mids` (one without an id when Meta lists none) |
//!
//! The sender's page-scoped id (PSID) is the address; every inbound
//! carries its `mid` as [`Inbound::id`], so a post Meta retries is
//! recognised by the engine and ignored.
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
//! Not kept, because [`Inbound`] has no field for them: the quick reply's
//! and the postback's `payload` (a host that keeps the choices it offered
//! can map the title back with [`switchboard::channel::resolve_choice`]),
//! and `reply_to.mid`, the message a reply quotes. Skipped without an
//! error: events other than the four above (`optin`, `referral`,
//! `reaction`, `account_linking`, handover and `standby` events, …).
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
//! Run it with `cargo run --example messenger`: it parses the samples in
//! `tests/data/webhooks/` and feeds them to an engine, printing each input
//! and the actions it leads to as JSON lines. `cargo test --example
//! messenger` runs its tests.

#[path = "../support/samples.rs"]
mod samples;

use serde::Deserialize;
use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{Address, AddressError, Attachment, AttachmentKind, ChannelKind, Location};

// ----- the payload, as Meta documents it (only the fields used) -----------

/// The body of a webhook post.
#[derive(Debug, Deserialize)]
struct Webhook {
    object: Option<String>,
    entry: Option<Vec<Entry>>,
    /// Only in the App Dashboard's test notifications, `{field, value}`.
    field: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Entry {
    messaging: Vec<Event>,
}

/// One messaging event: exactly one of its kinds is present.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Event {
    sender: Option<Party>,
    message: Option<Message>,
    postback: Option<Postback>,
    read: Option<Read>,
    delivery: Option<Delivered>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Party {
    id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Message {
    mid: Option<String>,
    text: Option<String>,
    is_echo: bool,
    attachments: Vec<MessageAttachment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MessageAttachment {
    #[serde(rename = "type")]
    kind: Option<String>,
    title: Option<String>,
    payload: Payload,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Payload {
    url: Option<String>,
    /// Only in the legacy `location` attachment.
    coordinates: Option<Coordinates>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Coordinates {
    lat: Option<f64>,
    long: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Postback {
    mid: Option<String>,
    title: Option<String>,
    payload: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Read {
    watermark: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Delivered {
    mids: Vec<String>,
}

// ----- errors ----------------------------------------------------------------

/// Why a Messenger webhook body could not be read. `at` is the JSON path of
/// the offending event, such as `entry[0].messaging[1]`.
#[derive(Debug, thiserror::Error)]
enum MessengerError {
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
    /// A legacy location attachment's coordinates are out of range.
    #[error("`{at}`: latitude {lat}, longitude {lon} is not a place on Earth")]
    BadLocation { at: String, lat: f64, lon: f64 },
    /// The sender is not a page-scoped id.
    #[error("`{at}.sender.id`: {source}")]
    Address { at: String, source: AddressError },
}

fn missing(at: &str, field: &'static str) -> MessengerError {
    MessengerError::Missing {
        at: at.to_owned(),
        field,
    }
}

// ----- the payload → inputs ---------------------------------------------------

/// Parses one webhook body into the inputs it carries, in order.
fn parse(body: &[u8]) -> Result<Vec<Input>, MessengerError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(MessengerError::Empty);
    }
    let webhook: Webhook = serde_json::from_slice(body)?;
    match (webhook.object, webhook.field) {
        (Some(object), _) if object == "page" => {}
        (Some(other), _) => return Err(MessengerError::WrongObject(other)),
        (None, Some(field)) => return Err(MessengerError::TestNotification(field)),
        (None, None) => return Err(MessengerError::NotWebhook("object")),
    }
    let entries = webhook.entry.ok_or(MessengerError::NotWebhook("entry"))?;
    let mut inputs = Vec::new();
    for (e, entry) in entries.into_iter().enumerate() {
        for (n, event) in entry.messaging.into_iter().enumerate() {
            event_inputs(event, &format!("entry[{e}].messaging[{n}]"), &mut inputs)?;
        }
    }
    Ok(inputs)
}

/// The inputs of one messaging event, appended to `out`.
fn event_inputs(event: Event, at: &str, out: &mut Vec<Input>) -> Result<(), MessengerError> {
    if event.message.as_ref().is_some_and(|m| m.is_echo) {
        return Ok(());
    }
    if event.message.is_none()
        && event.postback.is_none()
        && event.read.is_none()
        && event.delivery.is_none()
    {
        return Ok(());
    }
    let sender = event
        .sender
        .and_then(|s| s.id)
        .ok_or_else(|| missing(at, "sender.id"))?;
    let psid = Address::new(&ChannelKind::Messenger, &sender).map_err(|source| {
        MessengerError::Address {
            at: at.to_owned(),
            source,
        }
    })?;

    if let Some(m) = event.message {
        let mid = m.mid.ok_or_else(|| missing(at, "message.mid"))?;
        let text = m.text.unwrap_or_default();
        let mut inbound = Inbound::new(ChannelKind::Messenger, psid, text).with_id(mid);
        for (i, a) in m.attachments.into_iter().enumerate() {
            let at = format!("{at}.message.attachments[{i}]");
            if let Some(a) = attachment(a, &at)? {
                inbound = inbound.with_attachment(a);
            }
        }
        out.push(Input::Inbound(inbound));
    } else if let Some(p) = event.postback {
        let text = p
            .title
            .or(p.payload)
            .ok_or_else(|| missing(at, "postback.title"))?;
        let mut inbound = Inbound::new(ChannelKind::Messenger, psid, text);
        if let Some(mid) = p.mid {
            inbound = inbound.with_id(mid);
        }
        out.push(Input::Inbound(inbound));
    } else if let Some(r) = event.read {
        if r.watermark.is_none() {
            return Err(missing(at, "read.watermark"));
        }
        out.push(report(psid, DeliveryStatus::Read, None));
    } else if let Some(d) = event.delivery {
        if d.mids.is_empty() {
            out.push(report(psid, DeliveryStatus::Delivered, None));
        } else {
            for mid in d.mids {
                out.push(report(psid.clone(), DeliveryStatus::Delivered, Some(mid)));
            }
        }
    }
    Ok(())
}

/// A report to `to` on the message `message_id`, or with `None` on every
/// message sent before the event's watermark.
fn report(to: Address, status: DeliveryStatus, message_id: Option<String>) -> Input {
    let report = match message_id {
        Some(id) => Delivery::new(ChannelKind::Messenger, id, status).to(to),
        None => Delivery::to_recipient(ChannelKind::Messenger, to, status),
    };
    Input::Delivery(report)
}

/// One attachment of a message, or `None` for one without a file or place.
fn attachment(a: MessageAttachment, at: &str) -> Result<Option<Attachment>, MessengerError> {
    let kind = match a.kind.as_deref() {
        Some("image") => AttachmentKind::Image,
        Some("video" | "reel" | "ig_reel") => AttachmentKind::Video,
        Some("audio") => AttachmentKind::Audio,
        Some("location") => {
            let c = a.payload.coordinates.unwrap_or_default();
            let lat = c
                .lat
                .ok_or_else(|| missing(at, "payload.coordinates.lat"))?;
            let lon = c
                .long
                .ok_or_else(|| missing(at, "payload.coordinates.long"))?;
            if !Location::new(lat, lon).is_valid() {
                return Err(MessengerError::BadLocation {
                    at: at.to_owned(),
                    lat,
                    lon,
                });
            }
            return Ok(Some(Attachment::location(lat, lon, a.title.as_deref())));
        }
        Some("file") => AttachmentKind::File,
        // `fallback` (a shared link), `template`, `story_mention`, …: a
        // file when there is something to fetch.
        _ => match a.payload.url {
            Some(url) => return Ok(Some(Attachment::new(AttachmentKind::File, url))),
            None => return Ok(None),
        },
    };
    let url = a.payload.url.ok_or_else(|| missing(at, "payload.url"))?;
    Ok(Some(Attachment::new(kind, url)))
}

// ----- the samples through an engine ------------------------------------------

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
/// inputs, the actions and the retries the engine ignored as JSON lines.
///
/// The text and quick-reply samples share one `mid`: the engine takes the
/// second for Meta's retry of the first.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let all = SAMPLES.iter().copied().chain([(
        "messenger-postback-docs-field-value.json",
        TEST_NOTIFICATION,
    )]);
    samples::run(CONFIG, all, parse, |_| {
        Ok::<_, std::convert::Infallible>(None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::Timestamp;
    use switchboard::config::Config;
    use switchboard::engine::Switchboard;

    const PSID: &str = "1254459154682919";

    fn sample(name: &str) -> &'static str {
        SAMPLES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, body)| *body)
            .unwrap_or_else(|| panic!("no sample {name}"))
    }

    fn one_inbound(body: &str) -> Inbound {
        match parse(body.as_bytes()).unwrap().as_slice() {
            [Input::Inbound(m)] => m.clone(),
            other => panic!("{other:?}"),
        }
    }

    fn one_delivery(body: &str) -> Delivery {
        match parse(body.as_bytes()).unwrap().as_slice() {
            [Input::Delivery(d)] => d.clone(),
            other => panic!("{other:?}"),
        }
    }

    /// A page webhook with the given messaging events.
    fn page(events: &str) -> String {
        format!(
            r#"{{"object": "page", "entry": [{{"id": "682498302938465", "time": 1, "messaging": [{events}]}}]}}"#
        )
    }

    #[test]
    fn text_messages_carry_sender_text_and_mid() {
        for (name, mid) in [
            (
                "messenger-message-text.json",
                "mid.1457764197618:41d102a3e1ae206a38",
            ),
            (
                "messenger-message-quick-reply.json",
                "mid.1457764197618:41d102a3e1ae206a38",
            ),
            (
                "messenger-message-reply-to.json",
                "m_1457764197618:41d102a3e1ae206a38",
            ),
        ] {
            let m = one_inbound(sample(name));
            assert_eq!(m.channel, ChannelKind::Messenger, "{name}");
            assert_eq!(m.from.as_str(), PSID, "{name}");
            assert_eq!(m.text, "hello, world!", "{name}");
            assert_eq!(m.id.as_deref(), Some(mid), "{name}");
            assert!(m.attachments.is_empty(), "{name}");
        }
    }

    #[test]
    fn attachments_keep_their_kind_and_url() {
        let m = one_inbound(sample("messenger-message-attachment.json"));
        assert_eq!(m.text, "");
        assert_eq!(m.id.as_deref(), Some("mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c"));
        let [a] = m.attachments.as_slice() else {
            panic!("{:?}", m.attachments)
        };
        assert_eq!(a.kind, AttachmentKind::Image);
        assert_eq!(a.url, "https://example.com/attachment.jpg");

        let m = one_inbound(&page(
            r#"{"sender": {"id": "1254459154682919"}, "message": {"mid": "m_2", "text": "look", "attachments": [
                {"type": "video", "payload": {"url": "https://example.com/v.mp4"}},
                {"type": "location", "title": "Home", "payload": {"coordinates": {"lat": 52.52, "long": 13.405}}},
                {"type": "fallback", "payload": {"url": "https://example.com/article"}},
                {"type": "template", "payload": {"template_type": "product"}}]}}"#,
        ));
        let kinds: Vec<_> = m
            .attachments
            .iter()
            .map(|a| (a.kind, a.url.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (AttachmentKind::Video, "https://example.com/v.mp4"),
                (AttachmentKind::Location, "geo:52.52,13.405"),
                (AttachmentKind::File, "https://example.com/article"),
            ]
        );
        assert_eq!(m.attachments[1].caption.as_deref(), Some("Home"));
    }

    #[test]
    fn a_postback_reads_as_the_button_title() {
        let m = one_inbound(sample("messenger-postback.json"));
        assert_eq!(m.from.as_str(), PSID);
        assert_eq!(m.text, "TITLE-FOR-THE-CTA");
        assert_eq!(m.id.as_deref(), Some("m_MESSAGE-ID"));

        let m = one_inbound(&page(
            r#"{"sender": {"id": "1254459154682919"}, "postback": {"payload": "GET_STARTED"}}"#,
        ));
        assert_eq!((m.text.as_str(), m.id), ("GET_STARTED", None));
    }

    #[test]
    fn a_read_is_a_read_report_to_the_reader_without_a_message_id() {
        let d = one_delivery(sample("messenger-read.json"));
        assert_eq!(d.channel, ChannelKind::Messenger);
        assert_eq!(d.status, DeliveryStatus::Read);
        assert_eq!(d.message_id, None);
        assert_eq!(d.to.as_ref().map(Address::as_str), Some(PSID));
    }

    #[test]
    fn a_delivery_is_a_report_per_mid() {
        for name in ["messenger-delivery.json", "messenger-delivery-hackage.json"] {
            let d = one_delivery(sample(name));
            assert_eq!(d.status, DeliveryStatus::Delivered, "{name}");
            assert_eq!(
                d.message_id.as_deref(),
                Some("mid.1458668856218:ed81099e15d3f4f233"),
                "{name}"
            );
            assert_eq!(d.to.as_ref().map(Address::as_str), Some(PSID), "{name}");
        }
        let inputs = parse(
            page(
                r#"{"sender": {"id": "1254459154682919"}, "delivery": {"mids": ["m_1", "m_2"], "watermark": 5}},
                   {"sender": {"id": "1254459154682919"}, "delivery": {"watermark": 6}}"#,
            )
            .as_bytes(),
        )
        .unwrap();
        let ids: Vec<_> = inputs
            .iter()
            .map(|i| match i {
                Input::Delivery(d) => d.message_id.as_deref(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ids, [Some("m_1"), Some("m_2"), None]);
    }

    #[test]
    fn echoes_and_other_events_are_skipped_and_entries_kept_in_order() {
        let body = r#"{"object": "page", "entry": [
            {"id": "682498302938465", "time": 1, "messaging": [
                {"sender": {"id": "682498302938465"}, "recipient": {"id": "1254459154682919"},
                 "message": {"mid": "m_echo", "text": "Hi, Ana here.", "is_echo": true, "app_id": 1517776481860111}},
                {"sender": {"id": "1254459154682919"}, "message": {"mid": "m_1", "text": "one"}},
                {"sender": {"id": "1254459154682919"}, "optin": {"ref": "x"}}]},
            {"id": "682498302938465", "time": 2, "standby": [
                {"sender": {"id": "1254459154682919"}, "message": {"mid": "m_s", "text": "standby"}}]},
            {"id": "682498302938465", "time": 3, "messaging": [
                {"sender": {"id": "1254459154682920"}, "message": {"mid": "m_2", "text": "two"}}]}]}"#;
        let texts: Vec<_> = parse(body.as_bytes())
            .unwrap()
            .into_iter()
            .map(|i| match i {
                Input::Inbound(m) => m.text,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["one", "two"]);
    }

    #[test]
    fn the_engine_accepts_every_sample() {
        let mut engine = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
        let now = Timestamp::from_millis(1_795_428_000_000);
        let mut count = 0;
        for (name, body) in SAMPLES {
            for input in parse(body.as_bytes()).unwrap() {
                engine
                    .handle(now, input)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                count += 1;
            }
        }
        assert_eq!(count, SAMPLES.len());
        assert!(engine.poll_action().is_some());
    }

    #[test]
    fn malformed_bodies_are_typed_errors() {
        let err = |body: &str| parse(body.as_bytes()).unwrap_err();
        let sender = r#""sender": {"id": "1254459154682919"}"#;

        assert!(matches!(err(""), MessengerError::Empty));
        assert!(matches!(err("\t\n"), MessengerError::Empty));
        assert!(matches!(err("object=page"), MessengerError::Json(_)));
        assert!(matches!(
            err("{\"object\": \"page\", "),
            MessengerError::Json(_)
        ));
        assert!(matches!(
            err(r#"{"entry": []}"#),
            MessengerError::NotWebhook("object")
        ));
        assert!(matches!(
            err(r#"{"object": "page"}"#),
            MessengerError::NotWebhook("entry")
        ));
        let e = err(r#"{"object": "instagram", "entry": []}"#);
        assert!(matches!(&e, MessengerError::WrongObject(o) if o == "instagram"));
        let whatsapp = include_str!("../../tests/data/webhooks/whatsapp-text.json");
        assert!(matches!(err(whatsapp), MessengerError::WrongObject(_)));
        assert!(matches!(
            err(TEST_NOTIFICATION),
            MessengerError::TestNotification(f) if f == "messaging_postbacks"
        ));

        let e = err(&page(&format!(
            r#"{{{sender}, "message": {{"mid": "m_1", "text": "ok"}}}}, {{{sender}, "message": {{"text": "no mid"}}}}"#
        )));
        assert!(matches!(
            e,
            MessengerError::Missing {
                field: "message.mid",
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "`entry[0].messaging[1]` has no `message.mid`"
        );
        assert!(matches!(
            err(&page(
                r#"{"sender": {"user_ref": "USER-REF-ID"}, "postback": {"title": "Hi"}}"#
            )),
            MessengerError::Missing {
                field: "sender.id",
                ..
            }
        ));
        assert!(matches!(
            err(&page(
                r#"{"sender": {"id": "<PSID>"}, "message": {"mid": "m_1", "text": "x"}}"#
            )),
            MessengerError::Address { .. }
        ));
        assert!(matches!(
            err(&page(&format!(r#"{{{sender}, "read": {{}}}}"#))),
            MessengerError::Missing {
                field: "read.watermark",
                ..
            }
        ));
        assert!(matches!(
            err(&page(&format!(
                r#"{{{sender}, "read": {{"watermark": "yesterday"}}}}"#
            ))),
            MessengerError::Json(_)
        ));
        assert!(matches!(
            err(&page(&format!(
                r#"{{{sender}, "message": {{"mid": "m_1", "attachments": [{{"type": "image", "payload": {{}}}}]}}}}"#
            ))),
            MessengerError::Missing {
                field: "payload.url",
                ..
            }
        ));
        assert!(matches!(
            err(&page(&format!(
                r#"{{{sender}, "message": {{"mid": "m_1", "attachments": [{{"type": "location",
                    "payload": {{"coordinates": {{"lat": 100.0, "long": 13.4}}}}}}]}}}}"#
            ))),
            MessengerError::BadLocation { .. }
        ));
    }

    #[test]
    fn truncated_samples_never_panic() {
        for (_, body) in SAMPLES {
            for end in 0..body.len() {
                let _ = parse(&body.as_bytes()[..end]);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse(&body);
        }

        #[test]
        fn corrupted_samples_never_panic(
            which in 0..SAMPLES.len(),
            at in proptest::num::usize::ANY,
            byte in proptest::num::u8::ANY,
        ) {
            let mut body = SAMPLES[which].1.as_bytes().to_vec();
            let at = at % body.len();
            body[at] = byte;
            let _ = parse(&body);
        }
    }
}
