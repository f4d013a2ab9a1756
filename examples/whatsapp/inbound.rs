//! The webhook payload to the engine's [`Input`]s: customer messages become
//! [`Inbound`]s that keep what the customer sent (the button they tapped,
//! the place they shared, the message they answered, when they sent it),
//! statuses become [`Delivery`] reports. See the crate docs for the table.

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{
    Address, Attachment, AttachmentKind, Attributes, ChannelKind, Choice, Location, Timestamp,
};

use crate::error::WhatsAppError;
use crate::payload::{Contact, Media, Message, Place, Status, StatusError, Webhook};

/// The prefix of an attachment url that holds a Cloud API media id, both
/// ways: inbound media arrive as ids, and an outbound attachment with such
/// a url is sent by id (see [`crate::outbound`]).
pub(crate) const MEDIA_SCHEME: &str = "whatsapp-media:";

/// Parses one webhook body into the inputs it carries, in order: for each
/// change, its messages, then its statuses.
///
/// # Errors
///
/// [`WhatsAppError`] for a body that is not a WhatsApp webhook or a
/// message or status that lacks or garbles a field; then no input is
/// returned at all.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Input>, WhatsAppError> {
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

fn missing(at: &str, field: &'static str) -> WhatsAppError {
    WhatsAppError::Missing {
        at: at.to_owned(),
        field,
    }
}

/// `value` when it is there and says something: a missing one is
/// [`WhatsAppError::Missing`], an empty one [`WhatsAppError::Blank`].
fn required(value: Option<String>, at: &str, field: &'static str) -> Result<String, WhatsAppError> {
    match value {
        None => Err(missing(at, field)),
        Some(v) if v.is_empty() => Err(WhatsAppError::Blank {
            at: at.to_owned(),
            field,
        }),
        Some(v) => Ok(v),
    }
}

fn wa_address(at: String, raw: &str) -> Result<Address, WhatsAppError> {
    Address::new(&ChannelKind::WhatsApp, raw)
        .map_err(|source| WhatsAppError::Address { at, source })
}

/// What a message carries besides its sender and id.
#[derive(Default)]
struct Carried {
    text: String,
    attachment: Option<Attachment>,
    location: Option<Location>,
    choice: Option<Choice>,
}

/// A customer's message as an inbound, or `None` for a type not routed.
fn inbound(m: Message, at: &str, contacts: &[Contact]) -> Result<Option<Inbound>, WhatsAppError> {
    let from = m.from.ok_or_else(|| missing(at, "from"))?;
    let id = required(m.id, at, "id")?;
    let kind = m.kind.ok_or_else(|| missing(at, "type"))?;
    let carried = match kind.as_str() {
        "text" => {
            let body = m.text.and_then(|t| t.body);
            Carried {
                text: body.ok_or_else(|| missing(at, "text.body"))?,
                ..Carried::default()
            }
        }
        "image" => media(m.image, AttachmentKind::Image, at, "image.id")?,
        "audio" => media(m.audio, AttachmentKind::Audio, at, "audio.id")?,
        "video" => media(m.video, AttachmentKind::Video, at, "video.id")?,
        "document" => media(m.document, AttachmentKind::File, at, "document.id")?,
        "sticker" => media(m.sticker, AttachmentKind::Image, at, "sticker.id")?,
        "location" => Carried {
            location: Some(place(m.location, at)?),
            ..Carried::default()
        },
        "interactive" => {
            let i = m.interactive.ok_or_else(|| missing(at, "interactive"))?;
            let (reply, id_field, title_field) = match i.kind.as_deref() {
                Some("button_reply") => (
                    i.button_reply,
                    "interactive.button_reply.id",
                    "interactive.button_reply.title",
                ),
                Some("list_reply") => (
                    i.list_reply,
                    "interactive.list_reply.id",
                    "interactive.list_reply.title",
                ),
                _ => return Ok(None),
            };
            let reply = reply.unwrap_or_default();
            chosen(
                required(reply.id, at, id_field)?,
                reply.title.ok_or_else(|| missing(at, title_field))?,
            )
        }
        "button" => {
            let b = m.button.unwrap_or_default();
            chosen(
                required(b.payload, at, "button.payload")?,
                b.text.ok_or_else(|| missing(at, "button.text"))?,
            )
        }
        _ => return Ok(None),
    };
    // `context` is optional, and a forwarded message's has no id; an id
    // that is there must say something.
    let reply_to = m
        .context
        .and_then(|c| c.id)
        .map(|id| required(Some(id), at, "context.id"))
        .transpose()?;
    let sent_at = m
        .timestamp
        .map(|t| unix_seconds(&t, at, "timestamp"))
        .transpose()?;

    let address = wa_address(format!("{at}.from"), &from)?;
    let mut inbound = Inbound::new(ChannelKind::WhatsApp, address, carried.text).with_id(id);
    if let Some(a) = carried.attachment {
        inbound = inbound.with_attachment(a);
    }
    if let Some(l) = carried.location {
        inbound = inbound.with_location(l);
    }
    if let Some(c) = carried.choice {
        inbound = inbound.with_choice(c);
    }
    if let Some(r) = reply_to {
        inbound = inbound.replying_to(r);
    }
    if let Some(t) = sent_at {
        inbound = inbound.sent_at(t);
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

/// A tapped button or list row: its title is what the customer "said",
/// its id the choice's payload.
fn chosen(payload: String, title: String) -> Carried {
    Carried {
        choice: Some(Choice::new(payload).with_title(title.clone())),
        text: title,
        ..Carried::default()
    }
}

/// A media message's caption (the text) and attachment.
fn media(
    media: Option<Media>,
    kind: AttachmentKind,
    at: &str,
    id_field: &'static str,
) -> Result<Carried, WhatsAppError> {
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
    Ok(Carried {
        text: media.caption.unwrap_or_default(),
        attachment: Some(attachment),
        ..Carried::default()
    })
}

/// A shared place, labelled with what Meta sends about a picked place, one
/// line each: its name, its address and a maps link.
fn place(place: Option<Place>, at: &str) -> Result<Location, WhatsAppError> {
    let place = place.unwrap_or_default();
    let lat = place
        .latitude
        .ok_or_else(|| missing(at, "location.latitude"))?;
    let lon = place
        .longitude
        .ok_or_else(|| missing(at, "location.longitude"))?;
    let location = Location::new(lat, lon);
    if !location.is_valid() {
        return Err(WhatsAppError::BadLocation {
            at: at.to_owned(),
            lat,
            lon,
        });
    }
    let label = [place.name, place.address, place.url]
        .into_iter()
        .flatten()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(if label.is_empty() {
        location
    } else {
        location.with_label(label)
    })
}

/// Unix seconds sent as a string of digits, as a [`Timestamp`].
fn unix_seconds(
    value: &serde_json::Value,
    at: &str,
    field: &'static str,
) -> Result<Timestamp, WhatsAppError> {
    let seconds = value
        .as_str()
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<u64>().ok());
    seconds
        .and_then(|s| s.checked_mul(1000))
        .filter(|ms| *ms <= Timestamp::MAX.as_millis())
        .map(Timestamp::from_millis)
        .ok_or_else(|| WhatsAppError::BadTimestamp {
            at: at.to_owned(),
            field,
            value: value.to_string(),
        })
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
