//! A WhatsApp Cloud API adapter, inbound half: the webhook's JSON to
//! [`Input`]s.
//!
//! # What Meta sends
//!
//! Meta posts `application/json` to the webhook URL of the app:
//! `{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
//! "messages", "value": {...}}]}]}`. One post may carry several entries,
//! each several changes, each several `messages` (from customers) and
//! `statuses` (reports on messages the business sent); [`parse`] returns
//! an input for each, in order:
//!
//! | the payload | the input |
//! |---|---|
//! | `messages[]` of type `text` | [`Inbound`] with `text.body` |
//! | `image`, `audio`, `video`, `document`, `sticker` | [`Inbound`] with one attachment (see *Media* below); the caption is the text |
//! | `location` | [`Inbound`] with an [`Attachment::location`], captioned with the place's name and address |
//! | `interactive` (`button_reply`, `list_reply`) | [`Inbound`] whose text is the title of the button or row the customer chose |
//! | `button` (a template's quick-reply button) | [`Inbound`] whose text is the button's text |
//! | `statuses[]` `sent`, `delivered`, `read`, `failed` | [`Delivery`] with the message id, the recipient and, when failed, the first of `errors[]` |
//!
//! Every inbound carries the `wamid` as its [`Inbound::id`], so a webhook
//! Meta retries is recognised by the engine and ignored. The sender's
//! profile name (`contacts[].profile.name`) becomes the contact attribute
//! `name`, which rules see as `contact.name`.
//!
//! Skipped on purpose, without an error: changes whose `field` is not
//! `messages` (template, account and quality updates), message types the
//! engine has no use for (`reaction`, `system`, `order`, `contacts`,
//! `unsupported`, flow replies) and statuses other than the four above.
//! Add a match arm where one matters to you.
//!
//! The id of the chosen button or list row (`button_reply.id`,
//! `button.payload`) is not kept: [`Inbound`] has no field for a
//! per-message payload, and [`Inbound::id`] is the message's own id, which
//! the engine uses to drop retries (two presses of one button would look
//! like one retried message). A host that keeps the choices it offered can
//! map the title back with [`switchboard::channel::resolve_choice`].
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
//! `tests/data/webhooks/` and feeds them to an engine, printing each input
//! and the actions it leads to as JSON lines. `cargo test --example
//! whatsapp` runs its tests.

#[path = "../support/samples.rs"]
mod samples;

use serde::Deserialize;
use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{
    Address, AddressError, Attachment, AttachmentKind, Attributes, ChannelKind, Location,
};

// ----- the payload, as Meta documents it (only the fields used) -----------

/// The body of a webhook post.
#[derive(Debug, Deserialize)]
struct Webhook {
    object: Option<String>,
    entry: Option<Vec<Entry>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Entry {
    changes: Vec<Change>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Change {
    field: Option<String>,
    value: ChangeValue,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChangeValue {
    contacts: Vec<Contact>,
    messages: Vec<Message>,
    statuses: Vec<Status>,
}

/// The sender's profile, listed beside the messages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Contact {
    wa_id: Option<String>,
    profile: Profile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Profile {
    name: Option<String>,
}

/// A customer's message. Required fields are options here so that a
/// missing one is a [`WhatsAppError::Missing`] naming it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Message {
    from: Option<String>,
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<Text>,
    image: Option<Media>,
    audio: Option<Media>,
    video: Option<Media>,
    document: Option<Media>,
    sticker: Option<Media>,
    location: Option<Place>,
    interactive: Option<Interactive>,
    button: Option<Button>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Text {
    body: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Media {
    id: Option<String>,
    /// Only in newer API versions; fetching it needs the access token too.
    url: Option<String>,
    mime_type: Option<String>,
    caption: Option<String>,
    filename: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Place {
    latitude: Option<f64>,
    longitude: Option<f64>,
    name: Option<String>,
    address: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Interactive {
    #[serde(rename = "type")]
    kind: Option<String>,
    button_reply: Option<Reply>,
    list_reply: Option<Reply>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Reply {
    title: Option<String>,
}

/// A template's quick-reply button: a different shape from `interactive`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Button {
    text: Option<String>,
}

/// A report on a message the business sent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Status {
    id: Option<String>,
    status: Option<String>,
    recipient_id: Option<String>,
    errors: Vec<StatusError>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusError {
    code: Option<i64>,
    title: Option<String>,
    message: Option<String>,
    error_data: ErrorData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorData {
    details: Option<String>,
}

// ----- errors ----------------------------------------------------------------

/// Why a WhatsApp webhook body could not be read. `at` is the JSON path of
/// the offending message or status, such as
/// `entry[0].changes[0].value.messages[2]`.
#[derive(Debug, thiserror::Error)]
enum WhatsAppError {
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
    /// A shared location's coordinates are out of range.
    #[error("`{at}`: latitude {lat}, longitude {lon} is not a place on Earth")]
    BadLocation { at: String, lat: f64, lon: f64 },
    /// A sender or recipient is not a WhatsApp id.
    #[error("`{at}`: {source}")]
    Address { at: String, source: AddressError },
}

fn missing(at: &str, field: &'static str) -> WhatsAppError {
    WhatsAppError::Missing {
        at: at.to_owned(),
        field,
    }
}

fn wa_address(at: String, raw: &str) -> Result<Address, WhatsAppError> {
    Address::new(&ChannelKind::WhatsApp, raw)
        .map_err(|source| WhatsAppError::Address { at, source })
}

// ----- the payload → inputs ---------------------------------------------------

/// The prefix of an attachment url that holds a Cloud API media id.
const MEDIA_SCHEME: &str = "whatsapp-media:";

/// Parses one webhook body into the inputs it carries, in order: for each
/// change, its messages, then its statuses.
fn parse(body: &[u8]) -> Result<Vec<Input>, WhatsAppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WhatsAppError::Empty);
    }
    let webhook: Webhook = serde_json::from_slice(body)?;
    match webhook.object.as_deref() {
        None => return Err(WhatsAppError::NotWebhook("object")),
        Some("whatsapp_business_account") => {}
        Some(other) => return Err(WhatsAppError::WrongObject(other.to_owned())),
    }
    let entries = webhook.entry.ok_or(WhatsAppError::NotWebhook("entry"))?;
    let mut inputs = Vec::new();
    for (e, entry) in entries.into_iter().enumerate() {
        for (c, change) in entry.changes.into_iter().enumerate() {
            if change.field.as_deref().is_some_and(|f| f != "messages") {
                continue;
            }
            let value = change.value;
            for (m, message) in value.messages.into_iter().enumerate() {
                let at = format!("entry[{e}].changes[{c}].value.messages[{m}]");
                if let Some(inbound) = inbound(message, &at, &value.contacts)? {
                    inputs.push(Input::Inbound(inbound));
                }
            }
            for (s, status) in value.statuses.into_iter().enumerate() {
                let at = format!("entry[{e}].changes[{c}].value.statuses[{s}]");
                if let Some(delivery) = delivery(status, &at)? {
                    inputs.push(Input::Delivery(delivery));
                }
            }
        }
    }
    Ok(inputs)
}

/// A customer's message as an inbound, or `None` for a type not routed.
fn inbound(m: Message, at: &str, contacts: &[Contact]) -> Result<Option<Inbound>, WhatsAppError> {
    let from = m.from.ok_or_else(|| missing(at, "from"))?;
    let id = m.id.ok_or_else(|| missing(at, "id"))?;
    let kind = m.kind.ok_or_else(|| missing(at, "type"))?;
    let (text, attachment) = match kind.as_str() {
        "text" => {
            let body = m.text.and_then(|t| t.body);
            (body.ok_or_else(|| missing(at, "text.body"))?, None)
        }
        "image" => media(m.image, AttachmentKind::Image, at, "image.id")?,
        "audio" => media(m.audio, AttachmentKind::Audio, at, "audio.id")?,
        "video" => media(m.video, AttachmentKind::Video, at, "video.id")?,
        "document" => media(m.document, AttachmentKind::File, at, "document.id")?,
        "sticker" => media(m.sticker, AttachmentKind::Image, at, "sticker.id")?,
        "location" => (String::new(), Some(place(m.location, at)?)),
        "interactive" => {
            let i = m.interactive.ok_or_else(|| missing(at, "interactive"))?;
            let (reply, field) = match i.kind.as_deref() {
                Some("button_reply") => (i.button_reply, "interactive.button_reply.title"),
                Some("list_reply") => (i.list_reply, "interactive.list_reply.title"),
                _ => return Ok(None),
            };
            let title = reply.and_then(|r| r.title);
            (title.ok_or_else(|| missing(at, field))?, None)
        }
        "button" => {
            let text = m.button.and_then(|b| b.text);
            (text.ok_or_else(|| missing(at, "button.text"))?, None)
        }
        _ => return Ok(None),
    };
    let address = wa_address(format!("{at}.from"), &from)?;
    let mut inbound = Inbound::new(ChannelKind::WhatsApp, address, text).with_id(id);
    if let Some(a) = attachment {
        inbound = inbound.with_attachment(a);
    }
    let name = contacts
        .iter()
        .find(|c| c.wa_id.as_deref() == Some(from.as_str()))
        .and_then(|c| c.profile.name.as_deref());
    if let Some(name) = name {
        let mut attributes = Attributes::new();
        attributes.insert("name".into(), name.into());
        inbound = inbound.with_contact(attributes);
    }
    Ok(Some(inbound))
}

/// A media message's caption (the text) and attachment.
fn media(
    media: Option<Media>,
    kind: AttachmentKind,
    at: &str,
    id_field: &'static str,
) -> Result<(String, Option<Attachment>), WhatsAppError> {
    let media = media.unwrap_or_default();
    let url = match (media.id, media.url) {
        (Some(id), _) => format!("{MEDIA_SCHEME}{id}"),
        (None, Some(url)) => url,
        (None, None) => return Err(missing(at, id_field)),
    };
    let mut attachment = Attachment::new(kind, url);
    if let Some(mime) = media.mime_type {
        attachment = attachment.with_mime_type(mime);
    }
    if let Some(file) = media.filename {
        attachment = attachment.with_caption(file);
    }
    Ok((media.caption.unwrap_or_default(), Some(attachment)))
}

/// A shared location as a `geo:` attachment labelled with name and address.
fn place(place: Option<Place>, at: &str) -> Result<Attachment, WhatsAppError> {
    let place = place.unwrap_or_default();
    let lat = place
        .latitude
        .ok_or_else(|| missing(at, "location.latitude"))?;
    let lon = place
        .longitude
        .ok_or_else(|| missing(at, "location.longitude"))?;
    if !Location::new(lat, lon).is_valid() {
        return Err(WhatsAppError::BadLocation {
            at: at.to_owned(),
            lat,
            lon,
        });
    }
    let label = [place.name, place.address]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Attachment::location(
        lat,
        lon,
        Some(label.as_str()).filter(|l| !l.is_empty()),
    ))
}

/// A status as a delivery report, or `None` for a status not reported.
fn delivery(s: Status, at: &str) -> Result<Option<Delivery>, WhatsAppError> {
    let id = s.id.ok_or_else(|| missing(at, "id"))?;
    let status = match s.status.as_deref() {
        None => return Err(missing(at, "status")),
        Some("sent") => DeliveryStatus::Sent,
        Some("delivered") => DeliveryStatus::Delivered,
        Some("read") => DeliveryStatus::Read,
        Some("failed") => DeliveryStatus::Failed,
        Some(_) => return Ok(None),
    };
    let mut d = Delivery::new(ChannelKind::WhatsApp, id, status);
    if let Some(to) = s.recipient_id {
        d = d.to(wa_address(format!("{at}.recipient_id"), &to)?);
    }
    if let Some(e) = s.errors.into_iter().next() {
        d = d.error(describe(e));
    }
    Ok(Some(d))
}

/// `130472 User's number is part of an experiment: Failed to send …`.
fn describe(e: StatusError) -> String {
    let code = e.code.map(|c| c.to_string());
    let head = [code, e.title.or(e.message)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    match (head.is_empty(), e.error_data.details) {
        (true, None) => "failed; WhatsApp gave no reason".into(),
        (true, Some(details)) => details,
        (false, None) => head,
        (false, Some(details)) => format!("{head}: {details}"),
    }
}

// ----- the samples through an engine ------------------------------------------

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
/// The pywa samples were anonymised with one message id, `wamid.xyzxyz`, for
/// every message: after the first, the engine takes them for Meta's retries
/// of it, as it should.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    samples::run(CONFIG, SAMPLES.iter().copied(), parse, |_| {
        Ok::<_, std::convert::Infallible>(None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::Timestamp;
    use switchboard::config::Config;
    use switchboard::engine::Switchboard;

    fn sample(name: &str) -> &'static str {
        SAMPLES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, body)| *body)
            .unwrap_or_else(|| panic!("no sample {name}"))
    }

    fn one_inbound(name: &str) -> Inbound {
        match parse(sample(name).as_bytes()).unwrap().as_slice() {
            [Input::Inbound(m)] => m.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    fn one_delivery(name: &str) -> Delivery {
        match parse(sample(name).as_bytes()).unwrap().as_slice() {
            [Input::Delivery(d)] => d.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn a_text_message_carries_sender_text_id_and_profile_name() {
        let m = one_inbound("whatsapp-text.json");
        assert_eq!(m.channel, ChannelKind::WhatsApp);
        assert_eq!(m.from.as_str(), "16505551234");
        assert_eq!(m.text, "Does it come in another color?");
        assert_eq!(
            m.id.as_deref(),
            Some("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
        );
        assert_eq!(m.contact.get("name"), Some(&"Sheena Nelson".into()));
        assert!(m.attachments.is_empty());

        let m = one_inbound("whatsapp-text-pywa.json");
        assert_eq!(
            (m.from.as_str(), m.text.as_str()),
            ("972987654321", "Body Text")
        );
        assert_eq!(m.contact.get("name"), Some(&"Test Name".into()));
    }

    #[test]
    fn an_image_becomes_an_attachment_holding_the_media_id() {
        let m = one_inbound("whatsapp-image.json");
        assert_eq!(m.text, "");
        assert_eq!(m.id.as_deref(), Some("wamid.xyzxyz"));
        let [a] = m.attachments.as_slice() else {
            panic!("{:?}", m.attachments)
        };
        assert_eq!(a.kind, AttachmentKind::Image);
        assert_eq!(a.url, "whatsapp-media:65463453");
        assert_eq!(a.mime_type.as_deref(), Some("image/jpeg"));
    }

    #[test]
    fn a_caption_is_the_text_and_a_file_name_the_attachment_caption() {
        let body = r#"{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
            "messages": [{"from": "4915112345678", "id": "wamid.D", "type": "document",
                          "document": {"id": "991", "mime_type": "application/pdf", "filename": "invoice.pdf", "caption": "wrong amount"}}]}}]}]}"#;
        let inputs = parse(body.as_bytes()).unwrap();
        let [Input::Inbound(m)] = inputs.as_slice() else {
            panic!("{inputs:?}")
        };
        assert_eq!(m.text, "wrong amount");
        assert_eq!(m.attachments[0].kind, AttachmentKind::File);
        assert_eq!(m.attachments[0].caption.as_deref(), Some("invoice.pdf"));
        assert!(m.contact.is_empty(), "no contacts[] entry, no name");
    }

    #[test]
    fn a_location_becomes_a_geo_attachment_labelled_with_name_and_address() {
        let m = one_inbound("whatsapp-location.json");
        let a = &m.attachments[0];
        assert_eq!(a.kind, AttachmentKind::Location);
        assert_eq!(a.url, "geo:37.4611978,-122.2164385");
        assert_eq!(
            a.caption.as_deref(),
            Some("Facebook HQ, 1 Hacker Way, Menlo Park, CA 94025")
        );

        let m = one_inbound("whatsapp-location-current.json");
        assert_eq!(m.attachments[0].url, "geo:12.25089,43.90539");
        assert_eq!(m.attachments[0].caption, None);
    }

    #[test]
    fn button_replies_read_as_the_title_chosen() {
        let m = one_inbound("whatsapp-interactive-button-reply.json");
        assert_eq!(
            (m.text.as_str(), m.id.as_deref()),
            ("title", Some("wamid.xyzxyz"))
        );
        assert_eq!(m.from.as_str(), "972987654321");

        let m = one_inbound("whatsapp-template-quick-reply-button.json");
        assert_eq!(
            (m.text.as_str(), m.id.as_deref()),
            ("title", Some("wamid.xsidjw"))
        );
    }

    #[test]
    fn statuses_become_delivery_reports() {
        for (name, status) in [
            ("whatsapp-status-sent.json", DeliveryStatus::Sent),
            ("whatsapp-status-delivered.json", DeliveryStatus::Delivered),
            ("whatsapp-status-read.json", DeliveryStatus::Read),
            ("whatsapp-status-failed.json", DeliveryStatus::Failed),
        ] {
            let d = one_delivery(name);
            assert_eq!(d.channel, ChannelKind::WhatsApp, "{name}");
            assert_eq!(d.status, status, "{name}");
            assert_eq!(d.message_id.as_deref(), Some("wamid.xyzxyz"), "{name}");
            assert_eq!(d.to.as_ref().map(Address::as_str), Some("972987654321"));
            assert_eq!(
                d.error.is_some(),
                status == DeliveryStatus::Failed,
                "{name}"
            );
        }
        assert_eq!(
            one_delivery("whatsapp-status-failed.json").error.as_deref(),
            Some(
                "130472 User's number is part of an experiment: Failed to send message \
                 because this user's phone number is part of an experiment"
            )
        );
    }

    #[test]
    fn every_entry_change_message_and_status_is_returned_in_order() {
        let body = r#"{"object": "whatsapp_business_account", "entry": [
            {"changes": [{"field": "messages", "value": {
                "messages": [{"from": "4915112345678", "id": "w1", "type": "text", "text": {"body": "one"}},
                             {"from": "4915112345678", "id": "w2", "type": "reaction", "reaction": {"emoji": "👍"}},
                             {"from": "4915112345678", "id": "w3", "type": "text", "text": {"body": "two"}}],
                "statuses": [{"id": "w0", "status": "delivered", "recipient_id": "4915112345678"},
                             {"id": "w0", "status": "deleted"}]}},
                         {"field": "message_template_status_update", "value": {"event": "APPROVED"}}]},
            {"changes": [{"field": "messages", "value": {
                "messages": [{"from": "4915112345679", "id": "w4", "type": "text", "text": {"body": "three"}}]}}]}]}"#;
        let inputs = parse(body.as_bytes()).unwrap();
        let seen: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::Inbound(m) => m.text.clone(),
                Input::Delivery(d) => format!("{:?}", d.status),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(seen, ["one", "two", "Delivered", "three"]);
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
        let wrap = |message: &str| {
            format!(
                r#"{{"object": "whatsapp_business_account", "entry": [{{"changes": [{{"field": "messages",
                   "value": {{"messages": [{message}]}}}}]}}]}}"#
            )
        };
        let err = |body: &str| parse(body.as_bytes()).unwrap_err();

        assert!(matches!(err(""), WhatsAppError::Empty));
        assert!(matches!(err(" \r\n"), WhatsAppError::Empty));
        assert!(matches!(err("hub.challenge=1"), WhatsAppError::Json(_)));
        assert!(matches!(err("[1, 2]"), WhatsAppError::Json(_)));
        assert!(matches!(
            err(r#"{"entry": []}"#),
            WhatsAppError::NotWebhook("object")
        ));
        assert!(matches!(
            err(r#"{"object": "whatsapp_business_account"}"#),
            WhatsAppError::NotWebhook("entry")
        ));
        let messenger = include_str!("../../tests/data/webhooks/messenger-message-text.json");
        assert!(matches!(err(messenger), WhatsAppError::WrongObject(o) if o == "page"));

        let e = err(&wrap(
            r#"{"from": "4915112345678", "id": "w1", "type": "text", "text": {"body": "ok"}},
               {"id": "w2", "type": "text", "text": {"body": "who?"}}"#,
        ));
        assert!(matches!(e, WhatsAppError::Missing { field: "from", .. }));
        assert_eq!(
            e.to_string(),
            "`entry[0].changes[0].value.messages[1]` has no `from`"
        );
        assert!(matches!(
            err(&wrap(
                r#"{"from": "4915112345678", "id": "w1", "type": "text"}"#
            )),
            WhatsAppError::Missing {
                field: "text.body",
                ..
            }
        ));
        assert!(matches!(
            err(&wrap(
                r#"{"from": "4915112345678", "type": "text", "text": {"body": "x"}}"#
            )),
            WhatsAppError::Missing { field: "id", .. }
        ));
        assert!(matches!(
            err(&wrap(
                r#"{"from": "4915112345678", "id": "w1", "type": "image", "image": {"mime_type": "image/png"}}"#
            )),
            WhatsAppError::Missing {
                field: "image.id",
                ..
            }
        ));
        assert!(matches!(
            err(&wrap(
                r#"{"from": "4915112345678", "id": "w1", "type": "location", "location": {"latitude": 95.5, "longitude": 10}}"#
            )),
            WhatsAppError::BadLocation { lat, .. } if lat == 95.5
        ));
        assert!(matches!(
            err(&wrap(
                r#"{"from": "4915112345678", "id": "w1", "type": "location", "location": {"latitude": "52.5", "longitude": 13.4}}"#
            )),
            WhatsAppError::Json(_)
        ));
        let e = err(&wrap(
            r#"{"from": "+49 (151) oops", "id": "w1", "type": "text", "text": {"body": "x"}}"#,
        ));
        assert!(
            matches!(&e, WhatsAppError::Address { at, .. } if at.ends_with("messages[0].from"))
        );
        let status = r#"{"object": "whatsapp_business_account", "entry": [{"changes": [{"value":
            {"statuses": [{"id": "w1", "recipient_id": "4915112345678"}]}}]}]}"#;
        assert!(matches!(
            err(status),
            WhatsAppError::Missing {
                field: "status",
                ..
            }
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
