//! The engine's [`Action::Send`] to the Cloud API request that sends it:
//! `POST https://graph.facebook.com/<version>/<phone-number-id>/messages`
//! with `Authorization: Bearer <access token>` and the JSON body
//! [`request`] builds.
//!
//! Every body starts `{"messaging_product": "whatsapp", "recipient_type":
//! "individual", "to": <the customer's WhatsApp id>, "type": <type>}` and
//! carries an object named after its type:
//!
//! | the part | the message | Meta's limits checked |
//! |---|---|---|
//! | [`Outbound::Text`], no quick replies | `text` with `body` | body ≤ 4,096 |
//! | text with 1 to 3 quick replies | `interactive` of type `button`: the text as `body.text`, each reply a `reply` button (`id` = payload, `title`) | body ≤ 1,024; title ≤ 20; id ≤ 256; titles and ids unique |
//! | text with 4 to 10 quick replies | `interactive` of type `list`: one section whose rows are the replies, opened by a button labelled [`LIST_BUTTON`] | body ≤ 1,024; row title ≤ 24; row id ≤ 200; titles and ids unique |
//! | [`Outbound::Attachment`] image, video, audio, file | `image`, `video`, `audio`, `document` with `link` (or `id`, see below), `caption` (not on audio) and a document's `filename` | caption ≤ 1,024 |
//! | [`Outbound::Location`] | `location` with `latitude`, `longitude` (decimal strings, as Meta's reference writes them) and the label as `name` and `address` | on the map |
//! | [`Outbound::Template`] | `template` with `name`, `language.code` and, when there are parameters, one `body` component of `text` parameters in order | no line break, tab or five spaces in a parameter |
//!
//! Anything over a limit is a [`SendError`] naming the limit and the value;
//! nothing is cut short or dropped to make it fit. The engine already fits
//! content to WhatsApp with
//! [`Capabilities::whatsapp`](switchboard::channel::Capabilities::whatsapp),
//! which it uses unless the host registers others: text split under 4,096, at most 3 buttons
//! with titles of 20 characters and a body under 1,024, more or longer
//! choices as a numbered list, a closed window as the configured template.
//! So these errors catch what the preset cannot know (a payload longer
//! than Meta's id limit, a caption on audio, a template parameter with a
//! line break) and capabilities a host changed: raising `max_options` to
//! 10 is how lists reach this adapter.
//!
//! Lengths are counted as the preset counts them: texts in UTF-16 code
//! units (the stricter reading of Meta's "characters"), titles and ids in
//! characters. The list body limit is taken as 1,024, the interactive
//! limit Meta's reference gives and the one the preset fits bodies with
//! buttons to; Meta's newer list page allows 4,096.
//!
//! # Details
//!
//! * Media are sent by `link`, which must be `http://` or `https://`; an
//!   attachment url `whatsapp-media:<id>` (the form inbound media take,
//!   see [`MEDIA_SCHEME`]) is sent as `{"id": <id>}`, for media the host
//!   uploaded with `POST /<phone-number-id>/media`. A document's
//!   `filename` is the last segment of its link's path, when that has an
//!   extension, so that WhatsApp shows the right icon.
//! * A location's label is one text; its first line goes out as `name`,
//!   the lines after it as `address`, joined with `, ` (the inbound side
//!   labels a picked place with its name, address and maps link, one line
//!   each, so a place a customer shared goes back out whole).
//! * A template's parameters fill `{{1}}`, `{{2}}` … of its body in order;
//!   templates with header or button parameters need a host that knows
//!   them ([`switchboard::TemplateRef`] holds body parameters only).
//! * Only [`Action::Send`] becomes a request. [`Action::Typing`] does not:
//!   Meta's typing indicator (documented on its "Typing indicators" page,
//!   not among this repository's reference samples) is `{"messaging_product":
//!   "whatsapp", "status": "read", "message_id": <wamid>, "typing_indicator":
//!   {"type": "text"}}`, which names the customer's message being answered
//!   and marks it read; the action carries no message id. A host that keeps
//!   the last inbound `wamid` of each conversation can send it itself.

use serde_json::{Map, Value, json};
use switchboard::channel::Outbound;
use switchboard::engine::Action;
use switchboard::{Attachment, AttachmentKind, ChannelKind, Location, QuickReply, TemplateRef};

use crate::error::SendError;
use crate::inbound::MEDIA_SCHEME;

/// The Graph API version the bodies follow.
const API_VERSION: &str = "v23.0";

/// Most UTF-16 code units in a text message's body.
const TEXT_MAX: usize = 4_096;
/// Most UTF-16 code units in an interactive message's body.
const BODY_MAX: usize = 1_024;
/// Most reply buttons on one message.
const BUTTONS_MAX: usize = 3;
/// Most characters in a reply button's title.
const BUTTON_TITLE_MAX: usize = 20;
/// Most characters in a reply button's id.
const BUTTON_ID_MAX: usize = 256;
/// Most rows in a list message.
const ROWS_MAX: usize = 10;
/// Most characters in a list row's title.
const ROW_TITLE_MAX: usize = 24;
/// Most characters in a list row's id.
const ROW_ID_MAX: usize = 200;
/// Most UTF-16 code units in a media caption.
const CAPTION_MAX: usize = 1_024;

/// The label of the button that opens a list message (at most 20
/// characters). A host that serves several languages picks it by the
/// conversation's.
const LIST_BUTTON: &str = "Choose";

/// Where the bodies are posted, for the business phone number
/// `phone_number_id`.
pub(crate) fn messages_url(phone_number_id: &str) -> String {
    format!("https://graph.facebook.com/{API_VERSION}/{phone_number_id}/messages")
}

/// The Cloud API request body for `action`, or `None` for an action that
/// sends nothing to WhatsApp.
///
/// # Errors
///
/// [`SendError`] when the action is a send this adapter cannot make as it
/// stands: another channel, a value over one of Meta's limits, media
/// without a usable link, a template parameter WhatsApp would refuse.
pub(crate) fn request(action: &Action) -> Result<Option<Value>, SendError> {
    let Action::Send {
        channel, to, part, ..
    } = action
    else {
        return Ok(None);
    };
    if *channel != ChannelKind::WhatsApp {
        return Err(SendError::NotWhatsApp(channel.clone()));
    }
    let (kind, object) = message(part)?;
    let mut body = Map::new();
    body.insert("messaging_product".into(), "whatsapp".into());
    body.insert("recipient_type".into(), "individual".into());
    body.insert("to".into(), to.as_str().into());
    body.insert("type".into(), kind.into());
    body.insert(kind.into(), object);
    Ok(Some(Value::Object(body)))
}

/// The message type and its object for one part.
fn message(part: &Outbound) -> Result<(&'static str, Value), SendError> {
    match part {
        Outbound::Text {
            text,
            quick_replies,
        } => text_message(text, quick_replies),
        Outbound::Attachment { attachment } => media(attachment),
        Outbound::Location { location } => Ok(("location", place(location)?)),
        Outbound::Template { template } => Ok(("template", templated(template)?)),
        other => Err(SendError::UnknownPart(part_name(other))),
    }
}

/// The `type` an outbound part has on the engine's wire.
fn part_name(part: &Outbound) -> String {
    serde_json::to_value(part)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("{part:?}"))
}

/// A text, with its quick replies as reply buttons or a list.
fn text_message(text: &str, replies: &[QuickReply]) -> Result<(&'static str, Value), SendError> {
    if text.trim().is_empty() {
        return Err(SendError::EmptyText);
    }
    if replies.is_empty() {
        within(
            "text body",
            text,
            TEXT_MAX,
            Unit::Utf16,
            "the WhatsApp preset splits longer texts into several messages",
        )?;
        return Ok(("text", json!({ "body": text })));
    }
    within(
        "interactive body",
        text,
        BODY_MAX,
        Unit::Utf16,
        "the WhatsApp preset sends the text before a shorter last part that carries the choices",
    )?;
    if replies.len() > ROWS_MAX {
        return Err(SendError::TooManyChoices {
            count: replies.len(),
            max: ROWS_MAX,
        });
    }
    let interactive = if replies.len() <= BUTTONS_MAX {
        let buttons = choices(replies, "button", BUTTON_TITLE_MAX, BUTTON_ID_MAX)?
            .into_iter()
            .map(|(id, title)| json!({ "type": "reply", "reply": { "id": id, "title": title } }))
            .collect::<Vec<_>>();
        json!({
            "type": "button",
            "body": { "text": text },
            "action": { "buttons": buttons },
        })
    } else {
        let rows = choices(replies, "list row", ROW_TITLE_MAX, ROW_ID_MAX)?
            .into_iter()
            .map(|(id, title)| json!({ "id": id, "title": title }))
            .collect::<Vec<_>>();
        json!({
            "type": "list",
            "body": { "text": text },
            "action": { "button": LIST_BUTTON, "sections": [{ "rows": rows }] },
        })
    };
    Ok(("interactive", interactive))
}

/// Each reply's id and title, checked against the limits of `what`, and
/// each title and id unique.
fn choices<'a>(
    replies: &'a [QuickReply],
    what: &str,
    title_max: usize,
    id_max: usize,
) -> Result<Vec<(&'a str, &'a str)>, SendError> {
    replies
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let n = i + 1;
            for (field, value) in [("title", &r.title), ("id", &r.payload)] {
                if value.trim().is_empty() {
                    return Err(SendError::EmptyChoice {
                        what: format!("the {field} of {what} {n}"),
                    });
                }
            }
            let hint =
                "shorten it where the choice is written (the bot's reply, the canned response)";
            within(
                &format!("{what} {n} title"),
                &r.title,
                title_max,
                Unit::Chars,
                hint,
            )?;
            within(
                &format!("{what} {n} id (the choice's payload)"),
                &r.payload,
                id_max,
                Unit::Chars,
                hint,
            )?;
            Ok((r.payload.as_str(), r.title.as_str()))
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|picked| unique(replies).map(|()| picked))
}

/// Fails on the first title or id that two replies share.
fn unique(replies: &[QuickReply]) -> Result<(), SendError> {
    for (i, r) in replies.iter().enumerate() {
        for earlier in &replies[..i] {
            if earlier.title == r.title {
                return Err(SendError::DuplicateChoice {
                    field: "title",
                    value: r.title.clone(),
                });
            }
            if earlier.payload == r.payload {
                return Err(SendError::DuplicateChoice {
                    field: "id",
                    value: r.payload.clone(),
                });
            }
        }
    }
    Ok(())
}

/// An image, video, audio or document message.
fn media(a: &Attachment) -> Result<(&'static str, Value), SendError> {
    let (kind, captioned) = match a.kind {
        AttachmentKind::Image => ("image", true),
        AttachmentKind::Video => ("video", true),
        AttachmentKind::Audio => ("audio", false),
        AttachmentKind::File => ("document", true),
        other => return Err(SendError::UnsupportedAttachment(other.as_str().to_owned())),
    };
    let mut object = Map::new();
    match a.url.strip_prefix(MEDIA_SCHEME) {
        Some(id) if !id.trim().is_empty() => {
            object.insert("id".into(), id.into());
        }
        _ if is_web_link(&a.url) => {
            object.insert("link".into(), a.url.as_str().into());
        }
        _ => return Err(SendError::NotALink(a.url.clone())),
    }
    if let Some(caption) = a.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        if !captioned {
            return Err(SendError::CaptionNotAllowed {
                kind,
                caption: start(caption),
            });
        }
        within(
            &format!("{kind} caption"),
            caption,
            CAPTION_MAX,
            Unit::Utf16,
            "shorten the caption, or send the longer text as its own message",
        )?;
        object.insert("caption".into(), caption.into());
    }
    if kind == "document"
        && let Some(name) = file_name(&a.url)
    {
        object.insert("filename".into(), name.into());
    }
    Ok((kind, Value::Object(object)))
}

/// `http://…` or `https://…` with something after the scheme.
fn is_web_link(url: &str) -> bool {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http"))
                && !rest.is_empty()
                && !url.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The last segment of a web link's path, when it looks like a file name
/// (`invoice.pdf`): has an extension and needs no decoding.
fn file_name(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let path = rest.split(['?', '#']).next()?;
    let (_host, path) = path.split_once('/')?;
    let name = path.rsplit('/').next()?;
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && !name.contains('%')).then_some(name)
}

/// A map pin: the label's first line is the place's name, the rest its
/// address.
fn place(l: &Location) -> Result<Value, SendError> {
    if !l.is_valid() {
        return Err(SendError::BadLocation {
            lat: l.lat,
            lon: l.lon,
        });
    }
    let mut object = Map::new();
    object.insert("latitude".into(), l.lat.to_string().into());
    object.insert("longitude".into(), l.lon.to_string().into());
    let mut lines = l
        .label
        .iter()
        .flat_map(|label| label.lines())
        .map(str::trim)
        .filter(|line| !line.is_empty());
    if let Some(name) = lines.next() {
        object.insert("name".into(), name.into());
    }
    let address = lines.collect::<Vec<_>>().join(", ");
    if !address.is_empty() {
        object.insert("address".into(), address.into());
    }
    Ok(Value::Object(object))
}

/// An approved template with its body parameters.
fn templated(t: &TemplateRef) -> Result<Value, SendError> {
    if t.name.trim().is_empty() {
        return Err(SendError::TemplateField("name"));
    }
    if t.language.trim().is_empty() {
        return Err(SendError::TemplateField("language"));
    }
    for (i, p) in t.parameters.iter().enumerate() {
        let found = if p.contains(['\n', '\r']) {
            Some("a line break")
        } else if p.contains('\t') {
            Some("a tab")
        } else if p.contains("     ") {
            Some("more than four spaces in a row")
        } else {
            None
        };
        if let Some(found) = found {
            return Err(SendError::TemplateParameter {
                template: t.name.clone(),
                index: i + 1,
                found,
                start: start(p),
            });
        }
    }
    let mut object = json!({ "name": t.name, "language": { "code": t.language } });
    if !t.parameters.is_empty() {
        let parameters = t
            .parameters
            .iter()
            .map(|p| json!({ "type": "text", "text": p }))
            .collect::<Vec<_>>();
        object["components"] = json!([{ "type": "body", "parameters": parameters }]);
    }
    Ok(object)
}

/// How a limit counts.
#[derive(Clone, Copy)]
enum Unit {
    Chars,
    Utf16,
}

/// Fails when `value` is longer than `max` `unit`s.
fn within(
    what: &str,
    value: &str,
    max: usize,
    unit: Unit,
    hint: &'static str,
) -> Result<(), SendError> {
    let (len, unit) = match unit {
        Unit::Chars => (value.chars().count(), "characters"),
        Unit::Utf16 => (value.encode_utf16().count(), "UTF-16 code units"),
    };
    if len <= max {
        return Ok(());
    }
    Err(SendError::TooLong {
        what: what.to_owned(),
        len,
        max,
        unit,
        start: start(value),
        hint,
    })
}

/// The first characters of `value`, to find it in a log.
fn start(value: &str) -> String {
    const SHOWN: usize = 24;
    let mut s: String = value.chars().take(SHOWN).collect();
    if value.chars().nth(SHOWN).is_some() {
        s.push('…');
    }
    s.escape_debug().to_string()
}
