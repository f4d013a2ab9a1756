//! The inbound half: the form fields of Twilio's messaging webhook and
//! status callback to [`Input`]s.

use std::borrow::Cow;
use std::collections::HashMap;

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{Address, Attachment, AttachmentKind, Attributes, ChannelKind, Location};

use crate::error::TwilioError;

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
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Input>, TwilioError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(TwilioError::Empty);
    }
    let form = Form::new(body);
    let sid = form.message_sid().ok_or(TwilioError::NotTwilio)?;
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

fn address(field: &'static str, raw: &str) -> Result<Address, TwilioError> {
    Address::new(&channel_of(raw), raw).map_err(|source| TwilioError::Address { field, source })
}

fn number<T: std::str::FromStr>(
    form: &Form<'_>,
    field: &'static str,
    expected: &'static str,
) -> Result<Option<T>, TwilioError> {
    form.get(field)
        .map(|value| {
            value.trim().parse().map_err(|_| TwilioError::BadNumber {
                field,
                value: value.to_owned(),
                expected,
            })
        })
        .transpose()
}

/// A customer's message.
fn inbound(form: &Form<'_>, sid: &str) -> Result<Inbound, TwilioError> {
    let from = form.get("From").ok_or(TwilioError::Missing("From"))?;
    let channel = channel_of(from);
    let text = form.get("Body").unwrap_or_default();
    let mut m = Inbound::new(channel, address("From", from)?, text).with_id(sid);

    let num_media: u32 = number(form, "NumMedia", "a whole number")?.unwrap_or(0);
    for i in 0..num_media {
        let field = format!("MediaUrl{i}");
        let url = form
            .get(&field)
            .ok_or(TwilioError::MissingMedia { num_media, field })?;
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

    let lat = number::<f64>(form, "Latitude", "a latitude in degrees")?;
    let lon = number::<f64>(form, "Longitude", "a longitude in degrees")?;
    match (lat, lon) {
        (None, None) => {}
        (Some(_), None) => return Err(TwilioError::Missing("Longitude")),
        (None, Some(_)) => return Err(TwilioError::Missing("Latitude")),
        (Some(lat), Some(lon)) => {
            if !Location::new(lat, lon).is_valid() {
                return Err(TwilioError::BadLocation { lat, lon });
            }
            let label = form.get("Label").or(form.get("Address"));
            m = m.with_attachment(Attachment::location(lat, lon, label));
        }
    }

    if let Some(name) = form.get("ProfileName").filter(|n| !n.is_empty()) {
        let mut attributes = Attributes::new();
        attributes.insert("name".into(), name.into());
        m = m.with_contact(attributes);
    }
    Ok(m)
}

/// A status callback, or `None` for a status that reports nothing.
fn delivery(form: &Form<'_>, sid: &str, status: &str) -> Result<Option<Delivery>, TwilioError> {
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
