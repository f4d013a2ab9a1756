//! The outbound half: the engine's `Action::Send` to a request to Twilio's
//! Messages API.
//!
//! Every part the engine sends is one message, so every `Send` is one
//! `POST https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json`
//! with an `application/x-www-form-urlencoded` body. [`Twilio::message`]
//! builds it as a [`MessageRequest`]: the URL and the form as (name, value)
//! pairs in order. Pairs rather than a map, because that is what a form is:
//! ordered, and a name may repeat (`MediaUrl` does, in requests that carry
//! several media). [`MessageRequest::body`] encodes them as the request
//! body; the host adds HTTP basic authentication with the account SID and
//! auth token (or an API key) and posts it.
//!
//! What is checked here is what Twilio would refuse, said before the
//! request is made and with the fix, never silently cut: a body over
//! 1,600 characters, media over Twilio's size limit, a template name that
//! is not a Content SID, more than 100 template variables, and parts the
//! engine should have rendered differently for Twilio (native buttons, a
//! location on SMS), which [`capabilities`] prevents.

use serde_json::Value;
use switchboard::channel::{Capabilities, Outbound, TextLimit, TextUnit};
use switchboard::engine::Action;
use switchboard::{Address, Attachment, AttachmentKind, ChannelKind, Location, TemplateRef};

use crate::error::{SendError, SetupError};

/// Where Twilio's REST API for an account starts.
const API: &str = "https://api.twilio.com/2010-04-01/Accounts";

/// The longest `Body` Twilio accepts (error 21617), counted here in UTF-16
/// code units: Twilio says "characters" without saying which, and an emoji
/// is two of these, so this is the stricter reading.
pub(crate) const MAX_BODY: usize = 1_600;

/// The largest MMS Twilio sends: 5 MB for all its media.
pub(crate) const MAX_MMS_BYTES: u64 = 5 * 1024 * 1024;

/// The largest WhatsApp media file Twilio sends: 16 MB.
pub(crate) const MAX_WHATSAPP_MEDIA_BYTES: u64 = 16 * 1024 * 1024;

/// The most `ContentVariables` one request may carry.
pub(crate) const MAX_CONTENT_VARIABLES: usize = 100;

/// Who the messages are sent from: the host's Twilio numbers, or a
/// Messaging Service that picks one from its pool. The adapter never
/// guesses it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sender {
    /// `From`: the SMS number and the WhatsApp sender, each where the host
    /// has one.
    Numbers {
        /// The SMS (and MMS) number, E.164.
        sms: Option<Address>,
        /// The WhatsApp sender's number (digits, as the engine writes
        /// WhatsApp addresses).
        whatsapp: Option<Address>,
    },
    /// `MessagingServiceSid`: `MG` and 32 hex digits.
    MessagingService(String),
}

impl Sender {
    /// Sends from these numbers: `sms` in E.164 (`+15005550006`),
    /// `whatsapp` with or without its `whatsapp:` prefix.
    ///
    /// # Errors
    ///
    /// [`SetupError`] when a number is not one, or neither is given.
    pub(crate) fn numbers(sms: Option<&str>, whatsapp: Option<&str>) -> Result<Sender, SetupError> {
        if sms.is_none() && whatsapp.is_none() {
            return Err(SetupError::NoSender);
        }
        let check = |field, channel: ChannelKind, raw: Option<&str>| {
            raw.map(|raw| Address::new(&channel, raw))
                .transpose()
                .map_err(|source| SetupError::Address { field, source })
        };
        Ok(Sender::Numbers {
            sms: check("sms", ChannelKind::Sms, sms)?,
            whatsapp: check("whatsapp", ChannelKind::WhatsApp, whatsapp)?,
        })
    }

    /// Sends through the Messaging Service `sid`.
    ///
    /// # Errors
    ///
    /// [`SetupError::BadSid`] when `sid` is not a Messaging Service SID.
    pub(crate) fn messaging_service(sid: &str) -> Result<Sender, SetupError> {
        check_sid("MessagingServiceSid", "MG", sid)?;
        Ok(Sender::MessagingService(sid.to_owned()))
    }
}

/// The adapter's outbound half for one Twilio account.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Twilio {
    account_sid: String,
    sender: Sender,
}

/// One request to Twilio's Messages API: `POST url` with `form` as its
/// `application/x-www-form-urlencoded` body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MessageRequest {
    /// `https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json`.
    pub(crate) url: String,
    /// The form's fields in order.
    pub(crate) form: Vec<(&'static str, String)>,
}

impl MessageRequest {
    /// The request body: the form, URL-encoded.
    pub(crate) fn body(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                self.form
                    .iter()
                    .map(|(name, value)| (*name, value.as_str())),
            )
            .finish()
    }

    /// The first value of field `name`.
    #[cfg(test)]
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// As JSON: `{"url": "…", "form": [["To", "+1…"], ["Body", "…"]]}`.
    pub(crate) fn to_json(&self) -> Value {
        let form = self
            .form
            .iter()
            .map(|(name, value)| Value::from(vec![Value::from(*name), Value::from(value.as_str())]))
            .collect::<Vec<_>>();
        let mut json = serde_json::Map::new();
        json.insert("url".into(), Value::from(self.url.as_str()));
        json.insert("form".into(), Value::from(form));
        Value::Object(json)
    }
}

impl Twilio {
    /// The adapter for account `account_sid` (`AC` and 32 hex digits),
    /// sending as `sender`.
    ///
    /// # Errors
    ///
    /// [`SetupError::BadSid`] when `account_sid` is not an account SID.
    pub(crate) fn new(account_sid: &str, sender: Sender) -> Result<Twilio, SetupError> {
        check_sid("AccountSid", "AC", account_sid)?;
        Ok(Twilio {
            account_sid: account_sid.to_owned(),
            sender,
        })
    }

    /// The Messages endpoint of the account.
    pub(crate) fn messages_url(&self) -> String {
        format!("{API}/{}/Messages.json", self.account_sid)
    }

    /// The request [`Twilio::message`] builds, as JSON, for the samples'
    /// host loop.
    ///
    /// # Errors
    ///
    /// As [`Twilio::message`].
    pub(crate) fn request(&self, action: &Action) -> Result<Option<Value>, SendError> {
        Ok(self.message(action)?.map(|m| m.to_json()))
    }

    /// The request that sends `action`, or `None` when it sends nothing
    /// (every action but `Send`: those are for the host's own screens and
    /// bots).
    ///
    /// | the part | the form |
    /// |---|---|
    /// | any | `To` (`whatsapp:+…` on WhatsApp), then `From` (the channel's number, `whatsapp:+…` on WhatsApp) or `MessagingServiceSid` |
    /// | `Text` | `Body` |
    /// | `Attachment` | `MediaUrl`, and its caption as `Body` |
    /// | `Location` (WhatsApp) | `Body` (the label, or the coordinates without one) and `PersistentAction=geo:<lat>,<lon>\|<label>` |
    /// | `Template` | `ContentSid` (the template's name) and `ContentVariables` (`{"1": …, "2": …}`, when it has parameters) |
    ///
    /// # Errors
    ///
    /// [`SendError`]: the channel is not Twilio's or has no sender, the
    /// recipient is not an address of the channel, or the part is not one
    /// Twilio would take; the error says which limit or which value.
    pub(crate) fn message(&self, action: &Action) -> Result<Option<MessageRequest>, SendError> {
        let Action::Send {
            channel, to, part, ..
        } = action
        else {
            return Ok(None);
        };
        let mut form = self.addresses(channel, to)?;
        match part {
            Outbound::Text {
                text,
                quick_replies,
            } => {
                if !quick_replies.is_empty() {
                    return Err(SendError::NativeQuickReplies {
                        channel: channel.clone(),
                        count: quick_replies.len(),
                    });
                }
                if text.trim().is_empty() {
                    return Err(SendError::EmptyText);
                }
                form.push(("Body", body("the text", text)?));
            }
            Outbound::Attachment { attachment } => {
                form.extend(media(channel, attachment)?);
            }
            Outbound::Location { location } => {
                form.extend(place(channel, location)?);
            }
            Outbound::Template { template } => {
                form.extend(content(template)?);
            }
            other => {
                return Err(SendError::UnknownPart {
                    part: serde_json::to_string(other).unwrap_or_else(|e| e.to_string()),
                });
            }
        }
        Ok(Some(MessageRequest {
            url: self.messages_url(),
            form,
        }))
    }

    /// `To`, and `From` or `MessagingServiceSid`.
    fn addresses(
        &self,
        channel: &ChannelKind,
        to: &Address,
    ) -> Result<Vec<(&'static str, String)>, SendError> {
        let number = |a: &Address| match channel {
            ChannelKind::WhatsApp => format!("whatsapp:+{a}"),
            _ => a.to_string(),
        };
        let sender = match (channel, &self.sender) {
            (ChannelKind::Sms | ChannelKind::WhatsApp, Sender::MessagingService(sid)) => {
                ("MessagingServiceSid", sid.clone())
            }
            (ChannelKind::Sms, Sender::Numbers { sms: Some(n), .. })
            | (
                ChannelKind::WhatsApp,
                Sender::Numbers {
                    whatsapp: Some(n), ..
                },
            ) => ("From", number(n)),
            (ChannelKind::Sms | ChannelKind::WhatsApp, Sender::Numbers { .. }) => {
                return Err(SendError::NoSender {
                    channel: channel.clone(),
                });
            }
            _ => {
                return Err(SendError::NotTwilio {
                    channel: channel.clone(),
                });
            }
        };
        to.check(channel).map_err(|source| SendError::Recipient {
            channel: channel.clone(),
            source,
        })?;
        Ok(vec![("To", number(to)), sender])
    }
}

/// What the engine should render for on each channel when Twilio carries
/// it; register it with `Switchboard::set_capabilities`.
///
/// * SMS: the crate's SMS preset (text only, at most 10 segments, which
///   stays under Twilio's 1,600 characters; buttons as a numbered list;
///   places and media as links). For MMS (US and Canada), turn `images`
///   on with `max_image_bytes` at [`MAX_MMS_BYTES`].
/// * WhatsApp: the WhatsApp preset less what Twilio's Messages API cannot
///   send from a plain request: no native buttons (Twilio sends them only
///   as a Content template), so they go out as a numbered list the engine
///   maps answers back from; and texts of at most [`MAX_BODY`] UTF-16 code
///   units, Twilio's limit for `Body` (the preset allows Meta's 4,096).
/// * Any other channel is not Twilio's: its own preset.
pub(crate) fn capabilities(channel: &ChannelKind) -> Capabilities {
    match channel {
        ChannelKind::Sms => Capabilities::sms(),
        ChannelKind::WhatsApp => Capabilities {
            text_limit: Some(TextLimit::new(MAX_BODY, TextUnit::Utf16)),
            quick_replies: None,
            ..Capabilities::whatsapp()
        },
        other => Capabilities::for_kind(other),
    }
}

/// `text` as a `Body`, when Twilio takes it.
fn body(what: &'static str, text: &str) -> Result<String, SendError> {
    let len = TextUnit::Utf16.measure(text);
    if len > MAX_BODY {
        return Err(SendError::BodyTooLong {
            what,
            len,
            max: MAX_BODY,
        });
    }
    Ok(text.to_owned())
}

/// `MediaUrl` and the caption as `Body`: MMS on SMS, media on WhatsApp.
fn media(
    channel: &ChannelKind,
    attachment: &Attachment,
) -> Result<Vec<(&'static str, String)>, SendError> {
    if attachment.kind == AttachmentKind::Location {
        return Err(SendError::LocationAttachment {
            url: attachment.url.clone(),
        });
    }
    let url = attachment.url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(SendError::MediaUrl {
            url: attachment.url.clone(),
        });
    }
    let max = match channel {
        ChannelKind::WhatsApp => MAX_WHATSAPP_MEDIA_BYTES,
        _ => MAX_MMS_BYTES,
    };
    if let Some(size) = attachment.size.filter(|size| *size > max) {
        return Err(SendError::MediaTooLarge {
            channel: channel.clone(),
            size,
            max,
        });
    }
    let mut form = Vec::new();
    if let Some(caption) = attachment
        .caption
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        form.push(("Body", body("the attachment's caption", caption)?));
    }
    form.push(("MediaUrl", url.to_owned()));
    Ok(form)
}

/// A WhatsApp location: `PersistentAction=geo:<lat>,<lon>|<label>`, with a
/// `Body` (Twilio sends no message without one): the label, or the
/// coordinates when the place has none. SMS has no location message; the
/// SMS preset has the engine send a map link instead.
fn place(
    channel: &ChannelKind,
    location: &Location,
) -> Result<Vec<(&'static str, String)>, SendError> {
    if *channel != ChannelKind::WhatsApp {
        return Err(SendError::NoLocationMessage {
            channel: channel.clone(),
        });
    }
    if !location.is_valid() {
        return Err(SendError::InvalidLocation {
            lat: location.lat,
            lon: location.lon,
        });
    }
    let geo = format!("geo:{},{}", location.lat, location.lon);
    let label = location
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    Ok(match label {
        Some(label) => vec![
            ("Body", body("the location's label", label)?),
            ("PersistentAction", format!("{geo}|{label}")),
        ],
        None => vec![
            ("Body", format!("{},{}", location.lat, location.lon)),
            ("PersistentAction", geo),
        ],
    })
}

/// A Content API template: `ContentSid` and `ContentVariables`.
///
/// The template's name, as `[templates.<purpose>]` configures it, is the
/// Content SID of the approved template (`HX` and 32 hex digits). Its
/// language is not sent: a Content template is written in one language,
/// so each language is its own template with its own SID, configured under
/// that language's key. Its parameters fill the variables `{{1}}`,
/// `{{2}}`, … in order.
fn content(template: &TemplateRef) -> Result<Vec<(&'static str, String)>, SendError> {
    if !is_sid("HX", &template.name) {
        return Err(SendError::NotAContentSid {
            name: template.name.clone(),
        });
    }
    let mut form = vec![("ContentSid", template.name.clone())];
    let count = template.parameters.len();
    if count > MAX_CONTENT_VARIABLES {
        return Err(SendError::TooManyVariables {
            count,
            max: MAX_CONTENT_VARIABLES,
        });
    }
    if count > 0 {
        // Written out rather than through a map, so the keys stay in
        // order (1, 2, …, 10) whatever serde_json's map orders by.
        let pairs: Vec<String> = template
            .parameters
            .iter()
            .enumerate()
            .map(|(i, value)| format!("\"{}\":{}", i + 1, Value::from(value.as_str())))
            .collect();
        form.push(("ContentVariables", format!("{{{}}}", pairs.join(","))));
    }
    Ok(form)
}

/// Whether `sid` is a Twilio SID with `prefix`: the prefix and 32 hex
/// digits.
fn is_sid(prefix: &str, sid: &str) -> bool {
    sid.strip_prefix(prefix)
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn check_sid(field: &'static str, prefix: &'static str, sid: &str) -> Result<(), SetupError> {
    if is_sid(prefix, sid) {
        Ok(())
    } else {
        Err(SetupError::BadSid {
            field,
            prefix,
            value: sid.to_owned(),
        })
    }
}
