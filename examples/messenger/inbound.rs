//! The inbound half: a webhook body to the [`Input`]s it carries.

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{Address, Attachment, AttachmentKind, ChannelKind, Location};

use crate::error::{MessengerError, missing};
use crate::payload::{Event, MessageAttachment, Webhook};

/// Parses one webhook body into the inputs it carries, in order.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Input>, MessengerError> {
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
