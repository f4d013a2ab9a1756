//! What a message carries, independent of any channel.

use serde::{Deserialize, Serialize};

/// What a message carries, before it is fitted to a channel.
///
/// A message may combine text, attachments, a location, a set of quick
/// replies and a template to use when the channel's reply window is closed.
/// [`render`](crate::channel::render) fits it to what one channel can carry.
/// Every field is optional on the wire; empty fields are left out.
///
/// # Examples
///
/// ```
/// use switchboard::{Content, QuickReply};
///
/// let c = Content::text("Did that answer your question?")
///     .with_quick_replies([QuickReply::new("Yes", "yes"), QuickReply::new("No", "no")]);
/// let json = serde_json::to_string(&c).unwrap();
/// assert_eq!(
///     json,
///     r#"{"text":"Did that answer your question?","quick_replies":[{"title":"Yes","payload":"yes"},{"title":"No","payload":"no"}]}"#
/// );
/// assert_eq!(serde_json::from_str::<Content>(&json).unwrap(), c);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    /// The message text; may be empty when the message is only media.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Files, images, audio and video sent with the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// A place on a map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Choices offered to the customer, shown as buttons where the channel has
    /// them and as a numbered list elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<QuickReply>,
    /// A link to read more (a knowledge-base article, a tracking page):
    /// sent as its title and address where the channel has no link cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// The pre-approved template to send instead when the channel's reply
    /// window is closed (WhatsApp, Messenger).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
}

impl Content {
    /// Content that is only text.
    pub fn text(text: impl Into<String>) -> Self {
        Content {
            text: text.into(),
            ..Content::default()
        }
    }

    /// Adds an attachment.
    #[must_use]
    pub fn with_attachment(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Sets the location.
    #[must_use]
    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Adds quick replies.
    #[must_use]
    pub fn with_quick_replies(mut self, replies: impl IntoIterator<Item = QuickReply>) -> Self {
        self.quick_replies.extend(replies);
        self
    }

    /// Adds a link to read more.
    ///
    /// ```
    /// use switchboard::{Content, Link};
    ///
    /// let c = Content::text("Returns are free within 30 days.")
    ///     .with_link(Link::new("https://help.example.com/returns").with_title("Returns policy"));
    /// assert_eq!(c.link.unwrap().title.as_deref(), Some("Returns policy"));
    /// ```
    #[must_use]
    pub fn with_link(mut self, link: Link) -> Self {
        self.link = Some(link);
        self
    }

    /// Sets the template used outside the reply window.
    #[must_use]
    pub fn with_template(mut self, template: TemplateRef) -> Self {
        self.template = Some(template);
        self
    }

    /// True when there is nothing to send: no visible text (white space does
    /// not count), no attachment, no location, no quick reply and no template.
    ///
    /// ```
    /// use switchboard::Content;
    /// assert!(Content::text(" \n").is_empty());
    /// assert!(!Content::text("hi").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.attachments.is_empty()
            && self.location.is_none()
            && self.quick_replies.is_empty()
            && self.link.is_none()
            && self.template.is_none()
    }
}

/// A file sent with a message.
///
/// # Examples
///
/// ```
/// use switchboard::{Attachment, AttachmentKind};
///
/// let a = Attachment::new(AttachmentKind::Image, "https://example.com/receipt.png")
///     .with_mime_type("image/png")
///     .with_caption("Your receipt");
/// let json = serde_json::to_value(&a).unwrap();
/// assert_eq!(json["type"], "image");
/// assert_eq!(json["mime_type"], "image/png");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// What kind of media this is; on the wire the field is `"type"`.
    #[serde(rename = "type")]
    pub kind: AttachmentKind,
    /// Where the file can be fetched.
    pub url: String,
    /// Its MIME type, such as `image/jpeg`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Its size in bytes, when known. Channels with a size limit link to
    /// larger files instead of attaching them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Text shown with the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Attachment {
    /// An attachment of `kind` at `url`.
    pub fn new(kind: AttachmentKind, url: impl Into<String>) -> Self {
        Attachment {
            kind,
            url: url.into(),
            mime_type: None,
            size: None,
            caption: None,
        }
    }

    /// Sets the MIME type.
    #[must_use]
    pub fn with_mime_type(mut self, mime: impl Into<String>) -> Self {
        self.mime_type = Some(mime.into());
        self
    }

    /// Sets the size in bytes.
    #[must_use]
    pub fn with_size(mut self, bytes: u64) -> Self {
        self.size = Some(bytes);
        self
    }

    /// A shared place: an attachment of kind
    /// [`Location`](AttachmentKind::Location) whose url is the `geo:` URI of
    /// `lat`, `lon`, captioned with `label` when given. This is how a
    /// customer's location reaches the engine and the agent.
    ///
    /// ```
    /// use switchboard::{Attachment, AttachmentKind};
    /// let a = Attachment::location(37.483307, 122.148981, Some("Main Street Beach"));
    /// assert_eq!(a.kind, AttachmentKind::Location);
    /// assert_eq!(a.url, "geo:37.483307,122.148981");
    /// assert_eq!(a.caption.as_deref(), Some("Main Street Beach"));
    /// ```
    pub fn location(lat: f64, lon: f64, label: Option<&str>) -> Self {
        Attachment {
            kind: AttachmentKind::Location,
            url: format!("geo:{lat},{lon}"),
            mime_type: None,
            size: None,
            caption: label.map(str::to_owned),
        }
    }

    /// Sets the caption.
    #[must_use]
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}

/// The kind of an [`Attachment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttachmentKind {
    /// A picture (JPEG, PNG, …).
    Image,
    /// A sound recording or voice note.
    Audio,
    /// A video clip.
    Video,
    /// Any other file (PDF, document, …).
    File,
    /// A place the customer shared. The attachment's `url` is a `geo:` URI
    /// (RFC 5870, `geo:<lat>,<lon>`) and its caption the place's name or
    /// address; see [`Attachment::location`].
    Location,
}

impl AttachmentKind {
    /// The wire name, which is also what rules see in `attachments`.
    ///
    /// ```
    /// # use switchboard::AttachmentKind;
    /// assert_eq!(AttachmentKind::Image.as_str(), "image");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Image => "image",
            AttachmentKind::Audio => "audio",
            AttachmentKind::Video => "video",
            AttachmentKind::File => "file",
            AttachmentKind::Location => "location",
        }
    }
}

/// A place on a map.
///
/// # Examples
///
/// ```
/// use switchboard::Location;
/// let shop = Location::new(52.5200, 13.4050).with_label("Berlin store");
/// assert_eq!(shop.label.as_deref(), Some("Berlin store"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Latitude in degrees, -90 to 90.
    pub lat: f64,
    /// Longitude in degrees, -180 to 180.
    pub lon: f64,
    /// A name or address for the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Location {
    /// A location at `lat`, `lon` degrees.
    pub fn new(lat: f64, lon: f64) -> Self {
        Location {
            lat,
            lon,
            label: None,
        }
    }

    /// Sets the label.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// True when both coordinates are finite and within range.
    pub fn is_valid(&self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
    }
}

/// One choice offered to the customer.
///
/// `title` is what the customer sees; `payload` is what the host receives back
/// when it is chosen (a button press, or the digit typed on a channel that
/// shows a numbered list — see
/// [`resolve_choice`](crate::channel::resolve_choice)).
///
/// # Examples
///
/// ```
/// use switchboard::QuickReply;
/// let q = QuickReply::new("Track my order", "intent:order_status");
/// assert_eq!(q.payload, "intent:order_status");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickReply {
    /// The label shown to the customer.
    pub title: String,
    /// The value reported back when the choice is taken.
    pub payload: String,
}

impl QuickReply {
    /// A choice labelled `title` that reports `payload`.
    pub fn new(title: impl Into<String>, payload: impl Into<String>) -> Self {
        QuickReply {
            title: title.into(),
            payload: payload.into(),
        }
    }
}

/// A reference to a template registered with the channel provider (a
/// WhatsApp message template, a Messenger utility message), for channels that
/// only accept templates outside their reply window.
///
/// # Examples
///
/// ```
/// use switchboard::TemplateRef;
/// let t = TemplateRef::new("order_update", "en_US").with_parameters(["A-1042", "shipped"]);
/// assert_eq!(t.parameters.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    /// The template's name at the provider.
    pub name: String,
    /// Its language code, such as `en_US` or `zh_CN`.
    pub language: String,
    /// Values for its placeholders, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
}

impl TemplateRef {
    /// The template `name` in `language`, without parameters.
    pub fn new(name: impl Into<String>, language: impl Into<String>) -> Self {
        TemplateRef {
            name: name.into(),
            language: language.into(),
            parameters: Vec::new(),
        }
    }

    /// Sets the placeholder values.
    #[must_use]
    pub fn with_parameters<S: Into<String>>(mut self, params: impl IntoIterator<Item = S>) -> Self {
        self.parameters = params.into_iter().map(Into::into).collect();
        self
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Content {
        Content::text(text)
    }
}

impl From<String> for Content {
    fn from(text: String) -> Content {
        Content::text(text)
    }
}

/// A link to read more, with an optional title.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Link {
    /// The address.
    pub url: String,
    /// What it is called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    /// A link to `url`.
    pub fn new(url: impl Into<String>) -> Link {
        Link {
            url: url.into(),
            title: None,
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Link {
        self.title = Some(title.into());
        self
    }
}

/// The button or quick reply a customer chose: its payload (the id the
/// message that offered it gave it) and its title.
///
/// Adapters fill it from the provider's button and postback payloads; on a
/// channel without buttons the engine fills it when the customer answers a
/// numbered list with its number (or a title).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Choice {
    /// The payload of the choice.
    pub payload: String,
    /// Its title, as shown to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Choice {
    /// A choice with `payload`.
    pub fn new(payload: impl Into<String>) -> Choice {
        Choice {
            payload: payload.into(),
            title: None,
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Choice {
        self.title = Some(title.into());
        self
    }
}

/// An article or answer a bot suggests to the agent, which the agent may
/// send on to the customer.
///
/// On the wire a suggestion with only a title is a plain string.
///
/// ```
/// use switchboard::Suggestion;
///
/// let s: Suggestion = serde_json::from_str(r#""Returns policy""#)?;
/// assert_eq!(s.title, "Returns policy");
/// let full: Suggestion = serde_json::from_str(
///     r#"{"title": "Returns policy", "text": "Returns are free.", "url": "https://help.example.com/returns"}"#,
/// )?;
/// assert_eq!(full.url.as_deref(), Some("https://help.example.com/returns"));
/// assert_eq!(serde_json::to_string(&s)?, r#""Returns policy""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Suggestion {
    /// What it is called.
    pub title: String,
    /// The answer to send the customer, when there is one.
    pub text: Option<String>,
    /// Where to read more.
    pub url: Option<String>,
}

impl Suggestion {
    /// A suggestion with a title only.
    pub fn new(title: impl Into<String>) -> Suggestion {
        Suggestion {
            title: title.into(),
            text: None,
            url: None,
        }
    }

    /// Sets the answer.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Suggestion {
        self.text = Some(text.into());
        self
    }

    /// Sets the address to read more.
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Suggestion {
        self.url = Some(url.into());
        self
    }

    /// What sending it to the customer sends: its answer (or title) and
    /// its link.
    pub fn content(&self) -> Content {
        let mut c = Content::text(self.text.clone().unwrap_or_else(|| self.title.clone()));
        if let Some(url) = &self.url {
            c = c.with_link(Link::new(url.clone()).with_title(self.title.clone()));
        }
        c
    }
}

impl From<&str> for Suggestion {
    fn from(title: &str) -> Suggestion {
        Suggestion::new(title)
    }
}

impl From<String> for Suggestion {
    fn from(title: String) -> Suggestion {
        Suggestion::new(title)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SuggestionWire {
    Title(String),
    Full {
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
}

impl Serialize for Suggestion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.text.is_none() && self.url.is_none() {
            return s.serialize_str(&self.title);
        }
        SuggestionWire::Full {
            title: self.title.clone(),
            text: self.text.clone(),
            url: self.url.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Suggestion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match SuggestionWire::deserialize(d)? {
            SuggestionWire::Title(title) => Suggestion::new(title),
            SuggestionWire::Full { title, text, url } => Suggestion { title, text, url },
        })
    }
}

/// Serde for a [`Content`] field that also reads a plain string as text
/// (the wire form of inputs recorded before messages carried content).
pub(crate) mod text_or_content {
    use serde::{Deserialize, Deserializer};

    use super::Content;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Text(String),
        Content(Box<Content>),
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Content, D::Error> {
        Ok(match Wire::deserialize(d)? {
            Wire::Text(t) => Content::text(t),
            Wire::Content(c) => *c,
        })
    }

    /// The same for an optional field.
    pub(crate) mod option {
        use serde::{Deserialize, Deserializer};

        use super::{Content, Wire};

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Content>, D::Error> {
            Ok(Option::<Wire>::deserialize(d)?.map(|w| match w {
                Wire::Text(t) => Content::text(t),
                Wire::Content(c) => *c,
            }))
        }
    }
}
