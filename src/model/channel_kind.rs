//! Which kind of channel a message travels on.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The kind of channel a message travels on.
///
/// On the wire a kind is a snake_case string (`"sms"`, `"whatsapp"`,
/// `"apple_messages"`, …). Any other non-empty string is a
/// [`Custom`](ChannelKind::Custom) kind, so a host can add channels (LINE,
/// Telegram, a kiosk) without a new release of this crate.
///
/// # Examples
///
/// ```
/// use switchboard::ChannelKind;
///
/// let kind: ChannelKind = "whatsapp".parse().unwrap();
/// assert_eq!(kind, ChannelKind::WhatsApp);
/// assert_eq!(kind.to_string(), "whatsapp");
///
/// let line: ChannelKind = serde_json::from_str(r#""line""#).unwrap();
/// assert_eq!(line, ChannelKind::Custom("line".into()));
/// assert_eq!(serde_json::to_string(&line).unwrap(), r#""line""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChannelKind {
    /// SMS (and MMS) over a phone number.
    Sms,
    /// WhatsApp Business (Cloud API or a provider).
    WhatsApp,
    /// Facebook Messenger.
    Messenger,
    /// Apple Messages for Business.
    AppleMessages,
    /// A web chat widget on the business's site.
    WebChat,
    /// Chat inside the business's own mobile app.
    InApp,
    /// E-mail.
    Email,
    /// A phone call (routing only; this crate renders no audio).
    Voice,
    /// Any other channel, named by the host. The name is never one of the
    /// built-in names above.
    Custom(String),
}

impl ChannelKind {
    /// The wire name of this kind.
    pub fn as_str(&self) -> &str {
        match self {
            ChannelKind::Sms => "sms",
            ChannelKind::WhatsApp => "whatsapp",
            ChannelKind::Messenger => "messenger",
            ChannelKind::AppleMessages => "apple_messages",
            ChannelKind::WebChat => "webchat",
            ChannelKind::InApp => "in_app",
            ChannelKind::Email => "email",
            ChannelKind::Voice => "voice",
            ChannelKind::Custom(name) => name,
        }
    }

    /// The built-in kinds, in declaration order.
    pub const BUILT_IN: [ChannelKind; 8] = [
        ChannelKind::Sms,
        ChannelKind::WhatsApp,
        ChannelKind::Messenger,
        ChannelKind::AppleMessages,
        ChannelKind::WebChat,
        ChannelKind::InApp,
        ChannelKind::Email,
        ChannelKind::Voice,
    ];
}

/// A channel kind name that is empty or not a plain identifier.
///
/// Kind names are used as keys in configuration and metrics, so they are
/// restricted to ASCII letters, digits, `_` and `-`, at most 64 bytes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error(
    "`{name}` is not a channel kind: use a name of ASCII letters, digits, `_` or `-` (at most 64), such as `sms` or `line`"
)]
pub struct ChannelKindError {
    /// The rejected name.
    pub name: String,
}

impl FromStr for ChannelKind {
    type Err = ChannelKindError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let built_in = ChannelKind::BUILT_IN.iter().find(|k| k.as_str() == s);
        if let Some(kind) = built_in {
            return Ok(kind.clone());
        }
        let valid = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            Ok(ChannelKind::Custom(s.to_owned()))
        } else {
            Err(ChannelKindError { name: s.to_owned() })
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ChannelKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ChannelKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
