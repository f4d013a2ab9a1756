//! The outbound half: an engine [`Action`] to the body of a Send API
//! request, `POST https://graph.facebook.com/<version>/me/messages` with
//! the Page access token, `Content-Type: application/json`.
//!
//! | the action | the request body |
//! |---|---|
//! | `Send`, a text part | `{"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": {"text": …}}` |
//! | … with quick replies | the same, with `message.quick_replies`: `[{"content_type": "text", "title": …, "payload": …}, …]` |
//! | `Send`, an attachment part | `message.attachment`: `{"type": "image" \| "video" \| "audio" \| "file", "payload": {"url": …, "is_reusable": false}}` |
//! | `Send`, a template part | `"messaging_type": "UTILITY"`, `message.template`: `{"name": …, "language": {"code": …}, "components": [{"type": "body", "parameters": [{"type": "text", "text": …}, …]}]}` (see below) |
//! | `Send`, a location part | an error: Messenger cannot send a pin |
//! | `Typing` | `{"recipient": {"id": PSID}, "sender_action": "typing_on"}` |
//! | any other action | no request |
//!
//! Free-form parts go out as `RESPONSE`: the engine sends them only while
//! the standard messaging window is open (24 hours from the customer's last
//! message, [`Capabilities::messenger`]), in answer to the customer. An
//! attachment is not marked reusable: the adapter keeps no attachment ids to
//! send it again by.
//!
//! # Limits
//!
//! The engine renders each part within Messenger's limits
//! ([`Capabilities::messenger`]): text split at 2,000, at most 13 quick
//! replies of at most 20 characters (more become a numbered list), a
//! location as a map link, media over 25 MB as links. The adapter checks
//! them again, with the Send API's own limit on a quick reply's payload
//! (1,000 characters, which the channel layer does not know), and refuses a
//! part that does not fit with a [`SendError`] saying which limit and which
//! value; it never shortens or drops anything. Text is counted in UTF-16
//! code units, as the channel layer counts it, the stricter reading of
//! Meta's "2,000 characters"; titles and payloads in characters. Messenger
//! attachments have no caption, so an attachment part with one is refused
//! rather than sent without it.
//!
//! # When the window has closed: utility messages
//!
//! After the 24 hours the engine no longer sends what a bot, an agent or
//! the engine itself wrote: it sends the approved template configured under
//! `[templates.<purpose>]` (`agent_reply`, `bot_reply`, `notice`) for the
//! conversation's language, its parameters filled from `{text}`,
//! `{agent}`, … — a [`TemplateRef`] of name, language and positional
//! parameters — or keeps the message until the customer writes again.
//!
//! Messenger has no WhatsApp-style templates, but its utility messages work
//! the same way: a template the Page registered (and Meta approved) for
//! order, account and appointment updates, sent by name and language with
//! positional body parameters, outside the window too, with the
//! `page_utility_messaging` permission. A template part is sent as one, as
//! Meta's "Send a utility message" guide shows it: `messaging_type`
//! `UTILITY` and `message.template` (not the `attachment` of type
//! `template` with a `template_type`, which is Messenger's structured
//! messages — generic, button, media — built in the request, with nothing
//! registered to refer to). Register the Page's template with positional
//! parameters (`{{1}}`, `{{2}}`, …) in the order `[templates]` lists them:
//! a template created with named parameters needs a `parameter_name` for
//! each, which a `TemplateRef` does not carry.
//!
//! Why not the `HUMAN_AGENT` tag (`"messaging_type": "MESSAGE_TAG", "tag":
//! "HUMAN_AGENT"`), with which a person may answer free-form for 7 days?
//! A template part carries no message to tag, only the template's
//! parameters; and the tag is allowed only for a person's replies within 7
//! days of the customer's last message, which the adapter cannot check: the
//! engine closes the window at 24 hours for bots, agents and notices alike,
//! and an action does not say when the customer last wrote. Using the tag
//! needs the engine to know a second, 7-day window that only agents' replies
//! may use.
//!
//! [`Capabilities::messenger`]: switchboard::channel::Capabilities::messenger
//! [`TemplateRef`]: switchboard::TemplateRef

use serde_json::{Value, json};
use switchboard::channel::Outbound;
use switchboard::engine::Action;
use switchboard::{Address, Attachment, AttachmentKind, ChannelKind, QuickReply, TemplateRef};

use crate::error::SendError;

/// The longest text of one message, in UTF-16 code units.
pub(crate) const MAX_TEXT: usize = 2_000;
/// The most quick replies one message carries.
pub(crate) const MAX_QUICK_REPLIES: usize = 13;
/// The longest title of a quick reply, in characters.
pub(crate) const MAX_TITLE: usize = 20;
/// The longest payload of a quick reply, in characters.
pub(crate) const MAX_PAYLOAD: usize = 1_000;
/// The largest attachment, in bytes (25 MB).
pub(crate) const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// The Send API request body for `action`, or `None` for an action that
/// sends nothing to Messenger.
///
/// # Errors
///
/// [`SendError`] when the action is for another channel, or its part is
/// one Messenger cannot carry or exceeds one of its limits.
pub(crate) fn request(action: &Action) -> Result<Option<Value>, SendError> {
    match action {
        Action::Send {
            channel, to, part, ..
        } => {
            messenger(channel)?;
            send(to, part).map(Some)
        }
        Action::Typing { channel, to, .. } => {
            messenger(channel)?;
            Ok(Some(json!({
                "recipient": {"id": to.as_str()},
                "sender_action": "typing_on",
            })))
        }
        _ => Ok(None),
    }
}

/// Checks that an action is for Messenger.
fn messenger(channel: &ChannelKind) -> Result<(), SendError> {
    if *channel == ChannelKind::Messenger {
        Ok(())
    } else {
        Err(SendError::WrongChannel {
            channel: channel.clone(),
        })
    }
}

/// The request sending `part` to `to`.
fn send(to: &Address, part: &Outbound) -> Result<Value, SendError> {
    let (messaging_type, message) = match part {
        Outbound::Text {
            text,
            quick_replies,
        } => ("RESPONSE", text_message(text, quick_replies)?),
        Outbound::Attachment { attachment } => ("RESPONSE", attachment_message(attachment)?),
        Outbound::Template { template } => ("UTILITY", template_message(template)?),
        Outbound::Location { location } => {
            return Err(SendError::Location {
                lat: location.lat,
                lon: location.lon,
            });
        }
        other => {
            return Err(SendError::UnknownPart {
                kind: part_kind(other),
            });
        }
    };
    Ok(json!({
        "recipient": {"id": to.as_str()},
        "messaging_type": messaging_type,
        "message": message,
    }))
}

/// `message` for a text, with its quick replies.
fn text_message(text: &str, quick_replies: &[QuickReply]) -> Result<Value, SendError> {
    if text.trim().is_empty() {
        return Err(SendError::EmptyText);
    }
    let len = text.encode_utf16().count();
    if len > MAX_TEXT {
        return Err(SendError::TextTooLong { len, max: MAX_TEXT });
    }
    if quick_replies.is_empty() {
        return Ok(json!({ "text": text }));
    }
    if quick_replies.len() > MAX_QUICK_REPLIES {
        return Err(SendError::TooManyQuickReplies {
            count: quick_replies.len(),
            max: MAX_QUICK_REPLIES,
        });
    }
    let replies = quick_replies
        .iter()
        .enumerate()
        .map(|(index, q)| quick_reply(index, q))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "text": text, "quick_replies": replies }))
}

/// One quick reply; `index` counts from 0.
fn quick_reply(index: usize, q: &QuickReply) -> Result<Value, SendError> {
    for (field, value) in [("title", &q.title), ("payload", &q.payload)] {
        if value.trim().is_empty() {
            return Err(SendError::QuickReplyEmpty { index, field });
        }
    }
    let len = q.title.chars().count();
    if len > MAX_TITLE {
        return Err(SendError::QuickReplyTitle {
            index,
            title: q.title.clone(),
            len,
            max: MAX_TITLE,
        });
    }
    let len = q.payload.chars().count();
    if len > MAX_PAYLOAD {
        return Err(SendError::QuickReplyPayload {
            index,
            len,
            max: MAX_PAYLOAD,
        });
    }
    Ok(json!({
        "content_type": "text",
        "title": q.title,
        "payload": q.payload,
    }))
}

/// `message` for a file Meta fetches from its url.
fn attachment_message(a: &Attachment) -> Result<Value, SendError> {
    let kind = match a.kind {
        AttachmentKind::Image => "image",
        AttachmentKind::Video => "video",
        AttachmentKind::Audio => "audio",
        AttachmentKind::File => "file",
        other => {
            return Err(SendError::AttachmentKind {
                kind: other.as_str().to_owned(),
            });
        }
    };
    let scheme = a.url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("https" | "http")) {
        return Err(SendError::AttachmentUrl { url: a.url.clone() });
    }
    if let Some(size) = a.size.filter(|s| *s > MAX_ATTACHMENT_BYTES) {
        return Err(SendError::AttachmentTooLarge {
            size,
            max: MAX_ATTACHMENT_BYTES,
        });
    }
    if let Some(caption) = a.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        return Err(SendError::Caption {
            caption: caption.to_owned(),
        });
    }
    Ok(json!({
        "attachment": {
            "type": kind,
            "payload": {"url": a.url, "is_reusable": false},
        }
    }))
}

/// `message` for a utility message: the Page's template by name and
/// language, its parameters as the body's positional parameters.
fn template_message(t: &TemplateRef) -> Result<Value, SendError> {
    for (field, value) in [("name", &t.name), ("language", &t.language)] {
        if value.trim().is_empty() {
            return Err(SendError::TemplateEmpty { field });
        }
    }
    let components = if t.parameters.is_empty() {
        Vec::new()
    } else {
        let parameters: Vec<Value> = t
            .parameters
            .iter()
            .map(|p| json!({"type": "text", "text": p}))
            .collect();
        vec![json!({"type": "body", "parameters": parameters})]
    };
    Ok(json!({
        "template": {
            "name": t.name,
            "language": {"code": t.language},
            "components": components,
        }
    }))
}

/// The wire name of a part (its `type`), for an error about it.
fn part_kind(part: &Outbound) -> String {
    serde_json::to_value(part)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("{part:?}"))
}
