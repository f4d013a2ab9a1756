//! The inbound half: a webhook body to the [`Input`]s it carries, keeping
//! what the customer sent (the quick reply or button tapped, a shared
//! place, the message quoted, when it was sent). The module docs of
//! `main.rs` give the mapping.

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{Address, Attachment, AttachmentKind, ChannelKind, Choice, Location, Timestamp};

use crate::error::{WebhookError, missing};
use crate::payload::{Event, Message, MessageAttachment, Postback, Webhook};

/// Parses one webhook body into the inputs it carries, in order.
///
/// # Errors
///
/// [`WebhookError`] when the body is not a Messenger page webhook, or an
/// event lacks a field it needs or has one the engine would refuse; the
/// error names the event's path.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Input>, WebhookError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WebhookError::Empty);
    }
    let webhook: Webhook = serde_json::from_slice(body)?;
    match (webhook.object, webhook.field) {
        (Some(object), _) if object == "page" => {}
        (Some(other), _) => return Err(WebhookError::WrongObject(other)),
        (None, Some(field)) => return Err(WebhookError::TestNotification(field)),
        (None, None) => return Err(WebhookError::NotWebhook("object")),
    }
    let entries = webhook.entry.ok_or(WebhookError::NotWebhook("entry"))?;
    let mut inputs = Vec::new();
    for (e, entry) in entries.into_iter().enumerate() {
        for (n, event) in entry.messaging.into_iter().enumerate() {
            event_inputs(event, &format!("entry[{e}].messaging[{n}]"), &mut inputs)?;
        }
    }
    Ok(inputs)
}

/// The inputs of one messaging event, appended to `out`.
fn event_inputs(event: Event, at: &str, out: &mut Vec<Input>) -> Result<(), WebhookError> {
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
    let psid =
        Address::new(&ChannelKind::Messenger, &sender).map_err(|source| WebhookError::Address {
            at: at.to_owned(),
            source,
        })?;

    if let Some(m) = event.message {
        let inbound = message(m, psid, at)?;
        out.push(Input::Inbound(stamped(inbound, event.timestamp, at)?));
    } else if let Some(p) = event.postback {
        let inbound = postback(p, psid, at)?;
        out.push(Input::Inbound(stamped(inbound, event.timestamp, at)?));
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

/// A customer's message: its text and id, the quick reply tapped (its
/// payload, titled with the text), the message it quotes, its files and the
/// place it shares.
fn message(m: Message, from: Address, at: &str) -> Result<Inbound, WebhookError> {
    let mid = m.mid.ok_or_else(|| missing(at, "message.mid"))?;
    let mid = filled(mid, at, "message.mid")?;
    let text = m.text.unwrap_or_default();
    let mut inbound = Inbound::new(ChannelKind::Messenger, from, text.clone()).with_id(mid);
    if let Some(q) = m.quick_reply {
        let payload = q
            .payload
            .ok_or_else(|| missing(at, "message.quick_reply.payload"))?;
        let choice = Choice::new(filled(payload, at, "message.quick_reply.payload")?);
        // Meta sends the tapped quick reply's title as the message text.
        inbound = inbound.with_choice(if text.is_empty() {
            choice
        } else {
            choice.with_title(text)
        });
    }
    if let Some(r) = m.reply_to {
        let mid = r.mid.ok_or_else(|| missing(at, "message.reply_to.mid"))?;
        inbound = inbound.replying_to(filled(mid, at, "message.reply_to.mid")?);
    }
    for (i, a) in m.attachments.into_iter().enumerate() {
        let at = format!("{at}.message.attachments[{i}]");
        match attachment(a, &at)? {
            // The first place shared is the message's location; the engine
            // shows it to rules, the transcript and the agent as a
            // `location` attachment, so it is not added as one here too.
            Some(Shared::Place(place)) if inbound.location.is_none() => {
                inbound = inbound.with_location(place);
            }
            // `Inbound` holds one place; any further one stays an
            // attachment, so that nothing the customer sent is lost.
            Some(Shared::Place(place)) => {
                let label = place.label.as_deref();
                inbound =
                    inbound.with_attachment(Attachment::location(place.lat, place.lon, label));
            }
            Some(Shared::File(file)) => inbound = inbound.with_attachment(file),
            None => {}
        }
    }
    Ok(inbound)
}

/// A postback: the button's payload as the choice, its title as the text
/// (the payload when it has no title), Meta's `mid` as the id when given.
fn postback(p: Postback, from: Address, at: &str) -> Result<Inbound, WebhookError> {
    let payload = p
        .payload
        .map(|payload| filled(payload, at, "postback.payload"))
        .transpose()?;
    let text = p
        .title
        .clone()
        .or_else(|| payload.clone())
        .ok_or_else(|| missing(at, "postback.payload"))?;
    let mut inbound = Inbound::new(ChannelKind::Messenger, from, text);
    if let Some(payload) = payload {
        let choice = Choice::new(payload);
        inbound = inbound.with_choice(match p.title {
            Some(title) => choice.with_title(title),
            None => choice,
        });
    }
    if let Some(mid) = p.mid {
        inbound = inbound.with_id(filled(mid, at, "postback.mid")?);
    }
    Ok(inbound)
}

/// `inbound` with the event's `timestamp` as when the customer sent it.
/// An event without one is kept without it; one that is not whole
/// milliseconds since the epoch (a string, a fraction, a negative number,
/// a time past the engine's end of time) is an error.
fn stamped(
    inbound: Inbound,
    timestamp: Option<serde_json::Value>,
    at: &str,
) -> Result<Inbound, WebhookError> {
    let Some(value) = timestamp else {
        return Ok(inbound);
    };
    match value.as_u64() {
        Some(ms) if ms <= Timestamp::MAX.as_millis() => {
            Ok(inbound.sent_at(Timestamp::from_millis(ms)))
        }
        _ => Err(WebhookError::Timestamp {
            at: at.to_owned(),
            value: value.to_string(),
        }),
    }
}

/// `value`, or an error when it is empty or only white space (the engine
/// refuses such an id or payload).
fn filled(value: String, at: &str, field: &'static str) -> Result<String, WebhookError> {
    if value.trim().is_empty() {
        return Err(WebhookError::Blank {
            at: at.to_owned(),
            field,
        });
    }
    Ok(value)
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

/// What one attachment of a message shares.
enum Shared {
    /// A file to fetch.
    File(Attachment),
    /// A place (the legacy `location` attachment).
    Place(Location),
}

/// One attachment of a message, or `None` for one without a file or place.
fn attachment(a: MessageAttachment, at: &str) -> Result<Option<Shared>, WebhookError> {
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
            let mut place = Location::new(lat, lon);
            if !place.is_valid() {
                return Err(WebhookError::BadLocation {
                    at: at.to_owned(),
                    lat,
                    lon,
                });
            }
            if let Some(title) = a.title.filter(|t| !t.trim().is_empty()) {
                place = place.with_label(title);
            }
            return Ok(Some(Shared::Place(place)));
        }
        Some("file") => AttachmentKind::File,
        // `fallback` (a shared link), `template`, `story_mention`, …: a
        // file when there is something to fetch.
        _ => {
            return Ok(a
                .payload
                .url
                .filter(|url| !url.trim().is_empty())
                .map(|url| Shared::File(Attachment::new(AttachmentKind::File, url))));
        }
    };
    let url = a.payload.url.ok_or_else(|| missing(at, "payload.url"))?;
    let url = filled(url, at, "payload.url")?;
    Ok(Some(Shared::File(Attachment::new(kind, url))))
}
