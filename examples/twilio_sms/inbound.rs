//! The inbound half: the form fields of Twilio's messaging webhook and
//! status callback to [`Input`]s.

use std::borrow::Cow;
use std::collections::HashMap;

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{Address, Attachment, AttachmentKind, Attributes, ChannelKind, Choice, Location};

use crate::error::WebhookError;

// ----- the request, as Twilio documents it ----------------------------------

/// A request's form fields by name. Twilio's media fields are numbered
/// (`MediaUrl0`, `MediaUrl1`, …), so a map by name mirrors the request
/// better than a fixed struct would.
#[derive(Debug)]
struct Form<'a>(HashMap<Cow<'a, str>, Cow<'a, str>>);

impl<'a> Form<'a> {
    fn new(body: &'a [u8]) -> Form<'a> {
        let mut fields = HashMap::new();
        for (name, value) in form_urlencoded::parse(body) {
            fields.entry(name).or_insert(value);
        }
        Form(fields)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.as_ref())
    }

    /// A field that says something: Twilio posts fields it has no value
    /// for empty (`ToCity=`), which is the same as leaving them out.
    fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// The message's SID, under its current name or a legacy alias.
    fn message_sid(&self) -> Option<&str> {
        ["MessageSid", "SmsMessageSid", "SmsSid"]
            .into_iter()
            .find_map(|name| self.get(name))
            .filter(|sid| !sid.is_empty())
    }
}

// ----- the request → inputs ---------------------------------------------------

/// Parses one webhook body into the inputs it carries: one message or one
/// delivery report, or none for a status that reports nothing.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Input>, WebhookError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WebhookError::Empty);
    }
    let form = Form::new(body);
    let sid = form.message_sid().ok_or(WebhookError::NotTwilio)?;
    let input = match form.get("MessageStatus") {
        Some(status) => delivery(&form, sid, status)?.map(Input::Delivery),
        None => Some(Input::Inbound(inbound(&form, sid)?)),
    };
    Ok(input.into_iter().collect())
}

/// The channel of a Twilio address: `whatsapp:+…` or a phone number.
fn channel_of(address: &str) -> ChannelKind {
    if address.starts_with("whatsapp:") {
        ChannelKind::WhatsApp
    } else {
        ChannelKind::Sms
    }
}

fn address(field: &'static str, raw: &str) -> Result<Address, WebhookError> {
    Address::new(&channel_of(raw), raw).map_err(|source| WebhookError::Address { field, source })
}

fn number<T: std::str::FromStr>(
    form: &Form<'_>,
    field: &'static str,
    expected: &'static str,
) -> Result<Option<T>, WebhookError> {
    form.get(field)
        .map(|value| {
            value.trim().parse().map_err(|_| WebhookError::BadNumber {
                field,
                value: value.to_owned(),
                expected,
            })
        })
        .transpose()
}

/// A customer's message: its text, media, place, tapped button and the
/// message it quotes, as the webhook carries them.
fn inbound(form: &Form<'_>, sid: &str) -> Result<Inbound, WebhookError> {
    let from = form.get("From").ok_or(WebhookError::Missing("From"))?;
    let channel = channel_of(from);
    let text = form.get("Body").unwrap_or_default();
    let mut m = Inbound::new(channel.clone(), address("From", from)?, text).with_id(sid);

    let num_media: u32 = number(form, "NumMedia", "a whole number")?.unwrap_or(0);
    for i in 0..num_media {
        let field = format!("MediaUrl{i}");
        let url = form
            .get(&field)
            .ok_or(WebhookError::MissingMedia { num_media, field })?;
        let mime = form.get(&format!("MediaContentType{i}"));
        let kind = match mime.and_then(|m| m.split_once('/')).map(|(top, _)| top) {
            Some("image") => AttachmentKind::Image,
            Some("audio") => AttachmentKind::Audio,
            Some("video") => AttachmentKind::Video,
            _ => AttachmentKind::File,
        };
        let mut attachment = Attachment::new(kind, url);
        if let Some(mime) = mime {
            attachment = attachment.with_mime_type(mime);
        }
        m = m.with_attachment(attachment);
    }

    if let Some(place) = location(form)? {
        m = m.with_location(place);
    }
    // Only WhatsApp has buttons; on SMS the engine itself maps an answer
    // to its numbered list onto the button it stands for.
    if channel == ChannelKind::WhatsApp
        && let Some(payload) = form.non_empty("ButtonPayload")
    {
        let mut choice = Choice::new(payload);
        if let Some(title) = form.non_empty("ButtonText") {
            choice = choice.with_title(title);
        }
        m = m.with_choice(choice);
    }
    if let Some(quoted) = form.non_empty("OriginalRepliedMessageSid") {
        m = m.replying_to(quoted);
    }
    // Twilio's webhook carries no time the customer sent the message, so
    // `sent_at` stays empty: the engine's clock (the input's `at`) is all
    // there is.

    if let Some(name) = form.non_empty("ProfileName") {
        let mut attributes = Attributes::new();
        attributes.insert("name".into(), name.into());
        m = m.with_contact(attributes);
    }
    Ok(m)
}

/// The place a WhatsApp customer shared: `Latitude` and `Longitude`, named
/// by `Label` (the place's name) and `Address`, both when both are given
/// (`"Label, Address"`). A name without coordinates, or one coordinate
/// without the other, is not a place.
fn location(form: &Form<'_>) -> Result<Option<Location>, WebhookError> {
    let lat = number::<f64>(form, "Latitude", "a latitude in degrees")?;
    let lon = number::<f64>(form, "Longitude", "a longitude in degrees")?;
    let label = form.non_empty("Label");
    let address = form.non_empty("Address");
    let (lat, lon) = match (lat, lon) {
        (Some(lat), Some(lon)) => (lat, lon),
        (Some(_), None) => return Err(WebhookError::Missing("Longitude")),
        (None, Some(_)) => return Err(WebhookError::Missing("Latitude")),
        (None, None) => {
            return match (label, address) {
                (None, None) => Ok(None),
                (Some(_), _) => Err(WebhookError::PlaceWithoutCoordinates { field: "Label" }),
                (None, Some(_)) => Err(WebhookError::PlaceWithoutCoordinates { field: "Address" }),
            };
        }
    };
    let place = Location::new(lat, lon);
    if !place.is_valid() {
        return Err(WebhookError::BadLocation { lat, lon });
    }
    Ok(Some(match (label, address) {
        (Some(label), Some(address)) if label != address => {
            place.with_label(format!("{label}, {address}"))
        }
        (Some(name), _) | (None, Some(name)) => place.with_label(name),
        (None, None) => place,
    }))
}

/// A status callback, or `None` for a status that reports nothing.
fn delivery(form: &Form<'_>, sid: &str, status: &str) -> Result<Option<Delivery>, WebhookError> {
    let kind = match status {
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" | "undelivered" => DeliveryStatus::Failed,
        _ => return Ok(None),
    };
    let to = form.get("To").filter(|to| !to.is_empty());
    let channel = to.or(form.get("From")).map_or(ChannelKind::Sms, channel_of);
    let mut d = Delivery::new(channel, sid, kind);
    if let Some(to) = to {
        d = d.to(address("To", to)?);
    }
    if kind == DeliveryStatus::Failed {
        d = d.error(match form.get("ErrorCode").filter(|c| !c.is_empty()) {
            None => status.to_owned(),
            Some(code) => {
                let why = form
                    .get("ErrorMessage")
                    .filter(|m| !m.is_empty())
                    .map_or_else(
                        || format!("see https://www.twilio.com/docs/api/errors/{code}"),
                        str::to_owned,
                    );
                format!("{status}: Twilio error {code} ({why})")
            }
        });
    }
    Ok(Some(d))
}
