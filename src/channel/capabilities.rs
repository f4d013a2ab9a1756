//! What a channel can carry, with presets for the common channels.

use crate::model::{ChannelKind, Timestamp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The unit a channel measures text length in.
///
/// # Examples
///
/// ```
/// use switchboard::channel::TextUnit;
/// assert_eq!(TextUnit::Utf16.measure("👍ok"), 4);
/// assert_eq!(TextUnit::Chars.measure("👍ok"), 3);
/// assert_eq!(TextUnit::SmsSegments.measure("👍ok"), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextUnit {
    /// Unicode scalar values (Rust `char`s).
    Chars,
    /// UTF-16 code units, as JavaScript and Java count string length: most
    /// emoji count 2.
    Utf16,
    /// SMS segments, as [`sms::analyze`](crate::channel::sms::analyze) counts
    /// them.
    SmsSegments,
}

impl TextUnit {
    /// The length of `text` in this unit.
    pub fn measure(self, text: &str) -> usize {
        match self {
            TextUnit::Chars => text.chars().count(),
            TextUnit::Utf16 => text.chars().map(char::len_utf16).sum(),
            TextUnit::SmsSegments => super::sms::analyze(text).segments,
        }
    }
}

impl std::fmt::Display for TextUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextUnit::Chars => "characters",
            TextUnit::Utf16 => "UTF-16 code units",
            TextUnit::SmsSegments => "SMS segments",
        })
    }
}

/// The largest text one message may carry: `max` of `unit`.
///
/// # Examples
///
/// ```
/// use switchboard::channel::{TextLimit, TextUnit};
/// let limit = TextLimit::new(2_000, TextUnit::Utf16);
/// assert!(limit.fits("hello"));
/// assert!(!limit.fits(&"x".repeat(2_001)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextLimit {
    /// How many units fit in one message.
    pub max: usize,
    /// What is counted.
    pub unit: TextUnit,
}

impl TextLimit {
    /// A limit of `max` `unit`s.
    pub const fn new(max: usize, unit: TextUnit) -> Self {
        TextLimit { max, unit }
    }

    /// True if `text` fits in one message.
    pub fn fits(&self, text: &str) -> bool {
        self.unit.measure(text) <= self.max
    }
}

/// How a channel shows quick replies as native buttons or chips.
///
/// When a message's choices do not fit these limits, rendering falls back to a
/// numbered text list, which every channel can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickReplyLimits {
    /// The fewest choices the native control accepts.
    pub min_options: usize,
    /// The most choices the native control accepts.
    pub max_options: usize,
    /// The longest title of one choice, in characters.
    pub max_title_chars: usize,
    /// The longest text the message carrying the choices may have, in the
    /// channel's text unit, when it is smaller than the channel's text limit
    /// (WhatsApp: 1,024 for an interactive message body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body: Option<usize>,
}

/// Whether a channel's reply window is open, that is whether free-form
/// messages may be sent now.
///
/// Outside the window only pre-approved templates may be sent (WhatsApp's
/// customer-service window, Messenger's standard messaging window).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    /// Free-form messages may be sent.
    Open,
    /// Only templates may be sent.
    Closed,
}

/// What a channel can carry.
///
/// Rendering ([`render`](crate::channel::render)) reads these to fit a
/// message to the channel. Start from a preset and adjust what your account
/// or provider differs in:
///
/// | preset | text limit | buttons | media | location | window |
/// |---|---|---|---|---|---|
/// | [`sms`](Self::sms) | 10 segments | list | links | link | none |
/// | [`whatsapp`](Self::whatsapp) | 4,096 UTF-16 | 3 (body ≤ 1,024) | yes | yes | 24 h |
/// | [`messenger`](Self::messenger) | 2,000 UTF-16 | 13 | yes | link | 24 h |
/// | [`apple_messages`](Self::apple_messages) | 10,000 chars | 2–5 | yes | yes | none |
/// | [`webchat`](Self::webchat), [`in_app`](Self::in_app) | none | 10 | yes | yes | none |
/// | [`email`](Self::email) | none | list | yes | link | none |
///
/// Each preset's documentation gives where its numbers come from.
///
/// # Examples
///
/// ```
/// use switchboard::channel::{Capabilities, TextUnit};
/// let sms = Capabilities::sms().with_max_segments(3);
/// assert_eq!(sms.text_limit.unwrap().max, 3);
/// assert_eq!(sms.text_limit.unwrap().unit, TextUnit::SmsSegments);
/// assert!(Capabilities::whatsapp().reply_window.is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// The largest text of one message, or `None` for no practical limit.
    pub text_limit: Option<TextLimit>,
    /// Files, audio and video can be attached.
    pub attachments: bool,
    /// Images can be attached.
    pub images: bool,
    /// The largest image that can be attached, in bytes; larger ones are sent
    /// as links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_image_bytes: Option<u64>,
    /// The largest other attachment, in bytes; larger ones are sent as links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attachment_bytes: Option<u64>,
    /// A location can be sent as a map pin.
    pub location: bool,
    /// Native quick replies, or `None` when choices are shown as a numbered
    /// list.
    pub quick_replies: Option<QuickReplyLimits>,
    /// The channel can show that someone is typing.
    pub typing_indicator: bool,
    /// The channel reports when the customer has read a message.
    pub read_receipts: bool,
    /// How long after the customer's last message free-form replies are
    /// allowed, in milliseconds on the wire; `None` when there is no such
    /// window.
    #[serde(
        default,
        with = "crate::model::opt_duration_ms",
        skip_serializing_if = "Option::is_none"
    )]
    pub reply_window: Option<Duration>,
}

const MB: u64 = 1024 * 1024;
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl Capabilities {
    /// The preset for a channel kind; custom kinds get [`plain_text`](Self::plain_text).
    pub fn for_kind(kind: &ChannelKind) -> Capabilities {
        match kind {
            ChannelKind::Sms => Capabilities::sms(),
            ChannelKind::WhatsApp => Capabilities::whatsapp(),
            ChannelKind::Messenger => Capabilities::messenger(),
            ChannelKind::AppleMessages => Capabilities::apple_messages(),
            ChannelKind::WebChat => Capabilities::webchat(),
            ChannelKind::InApp => Capabilities::in_app(),
            ChannelKind::Email => Capabilities::email(),
            _ => Capabilities::plain_text(),
        }
    }

    /// A channel that carries text only, without limit, buttons or media.
    /// Used for voice (routing only) and custom channels.
    pub fn plain_text() -> Capabilities {
        Capabilities {
            text_limit: None,
            attachments: false,
            images: false,
            max_image_bytes: None,
            max_attachment_bytes: None,
            location: false,
            quick_replies: None,
            typing_indicator: false,
            read_receipts: false,
            reply_window: None,
        }
    }

    /// SMS: text only, at most 10 segments per message.
    ///
    /// A segment holds 160 GSM-7 septets or 70 UTF-16 units alone, 153 / 67
    /// when concatenated (3GPP TS 23.038 and TS 23.040). Ten segments is a
    /// common operator and provider ceiling (Twilio refuses bodies over 1,600
    /// characters, error 21617, and recommends staying well below);
    /// [`with_max_segments`](Self::with_max_segments) changes it. MMS is not
    /// assumed: media are sent as links. No reply window; consent is handled by
    /// [`consent`](crate::channel::consent).
    pub fn sms() -> Capabilities {
        Capabilities {
            text_limit: Some(TextLimit::new(10, TextUnit::SmsSegments)),
            ..Capabilities::plain_text()
        }
    }

    /// Sets the largest number of SMS segments per message (other presets:
    /// replaces the text limit with one counted in SMS segments).
    #[must_use]
    pub fn with_max_segments(mut self, segments: usize) -> Capabilities {
        self.text_limit = Some(TextLimit::new(segments, TextUnit::SmsSegments));
        self
    }

    /// WhatsApp Business (Cloud API).
    ///
    /// Meta's Cloud API reference: a text message body holds at most 4,096
    /// characters; interactive reply-button messages carry at most 3 buttons
    /// with titles of at most 20 characters and a body of at most 1,024
    /// characters; images up to 5 MB, audio and video up to 16 MB. Free-form
    /// messages are allowed for 24 hours after the customer's last message
    /// (the customer-service window); after that only approved templates.
    /// Lengths are counted here in UTF-16 units, the stricter reading, so
    /// that an emoji-heavy text is never refused for length.
    pub fn whatsapp() -> Capabilities {
        Capabilities {
            text_limit: Some(TextLimit::new(4_096, TextUnit::Utf16)),
            attachments: true,
            images: true,
            max_image_bytes: Some(5 * MB),
            max_attachment_bytes: Some(16 * MB),
            location: true,
            quick_replies: Some(QuickReplyLimits {
                min_options: 1,
                max_options: 3,
                max_title_chars: 20,
                max_body: Some(1_024),
            }),
            typing_indicator: true,
            read_receipts: true,
            reply_window: Some(DAY),
        }
    }

    /// Facebook Messenger (Send API).
    ///
    /// Meta's Send API reference: text of at most 2,000 characters (counted
    /// here in UTF-16 units, the stricter reading); at most 13 quick replies
    /// with titles of at most 20 characters; attachments up to 25 MB; sender
    /// actions for typing and seen. Free-form messages within 24 hours of the
    /// person's last message (the standard messaging window); after that only
    /// tagged or template messages. Messenger has no outgoing location
    /// message, so locations are sent as map links.
    pub fn messenger() -> Capabilities {
        Capabilities {
            text_limit: Some(TextLimit::new(2_000, TextUnit::Utf16)),
            attachments: true,
            images: true,
            max_image_bytes: Some(25 * MB),
            max_attachment_bytes: Some(25 * MB),
            location: false,
            quick_replies: Some(QuickReplyLimits {
                min_options: 1,
                max_options: 13,
                max_title_chars: 20,
                max_body: None,
            }),
            typing_indicator: true,
            read_receipts: true,
            reply_window: Some(DAY),
        }
    }

    /// Apple Messages for Business.
    ///
    /// Apple documents no length limit for plain text; 10,000 characters is
    /// this crate's choice, to keep one message readable and bounded. Quick
    /// reply messages take 2 to 5 items; Apple-rendered interactive strings
    /// are limited to 200 characters, so titles stay within that. Typing
    /// indicators and read receipts are supported. There is no timed reply
    /// window, but only the customer can start a conversation.
    pub fn apple_messages() -> Capabilities {
        Capabilities {
            text_limit: Some(TextLimit::new(10_000, TextUnit::Chars)),
            attachments: true,
            images: true,
            max_image_bytes: None,
            max_attachment_bytes: None,
            location: true,
            quick_replies: Some(QuickReplyLimits {
                min_options: 2,
                max_options: 5,
                max_title_chars: 200,
                max_body: None,
            }),
            typing_indicator: true,
            read_receipts: true,
            reply_window: None,
        }
    }

    /// A web chat widget. The widget is the business's own, so there is no
    /// platform limit; 10 quick replies of up to 80 characters is this crate's
    /// choice, to keep the widget usable on a phone.
    pub fn webchat() -> Capabilities {
        Capabilities {
            text_limit: None,
            attachments: true,
            images: true,
            max_image_bytes: None,
            max_attachment_bytes: None,
            location: true,
            quick_replies: Some(QuickReplyLimits {
                min_options: 1,
                max_options: 10,
                max_title_chars: 80,
                max_body: None,
            }),
            typing_indicator: true,
            read_receipts: true,
            reply_window: None,
        }
    }

    /// Chat inside the business's own app: as [`webchat`](Self::webchat).
    pub fn in_app() -> Capabilities {
        Capabilities::webchat()
    }

    /// E-mail: no practical text limit, attachments up to 25 MB (the limit of
    /// the large webmail providers), choices as a numbered list, locations as
    /// map links.
    pub fn email() -> Capabilities {
        Capabilities {
            attachments: true,
            images: true,
            max_image_bytes: Some(25 * MB),
            max_attachment_bytes: Some(25 * MB),
            ..Capabilities::plain_text()
        }
    }

    /// Whether free-form messages may be sent at `now`, given when the
    /// customer last wrote (`None`: never).
    ///
    /// Channels without a reply window are always open.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard::Timestamp;
    /// use switchboard::channel::{Capabilities, WindowState};
    ///
    /// let wa = Capabilities::whatsapp();
    /// let wrote = Timestamp::from_millis(0);
    /// let now = wrote + Duration::from_secs(23 * 3600);
    /// assert_eq!(wa.window_state(Some(wrote), now), WindowState::Open);
    /// let later = wrote + Duration::from_secs(25 * 3600);
    /// assert_eq!(wa.window_state(Some(wrote), later), WindowState::Closed);
    /// assert_eq!(wa.window_state(None, now), WindowState::Closed);
    /// assert_eq!(Capabilities::sms().window_state(None, now), WindowState::Open);
    /// ```
    pub fn window_state(&self, last_inbound: Option<Timestamp>, now: Timestamp) -> WindowState {
        match (self.reply_window, last_inbound) {
            (None, _) => WindowState::Open,
            (Some(_), None) => WindowState::Closed,
            (Some(_), Some(t)) => match self.window_closes_at(t) {
                Some(closes) if now < closes => WindowState::Open,
                _ => WindowState::Closed,
            },
        }
    }

    /// When the reply window opened by a customer message at `last_inbound`
    /// closes, or `None` for channels without a window.
    pub fn window_closes_at(&self, last_inbound: Timestamp) -> Option<Timestamp> {
        self.reply_window.map(|w| last_inbound + w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_round_trip_through_json() {
        for kind in ChannelKind::BUILT_IN {
            let caps = Capabilities::for_kind(&kind);
            let json = serde_json::to_string(&caps).unwrap();
            let back: Capabilities = serde_json::from_str(&json).unwrap();
            assert_eq!(back, caps, "{kind}");
        }
    }

    #[test]
    fn reply_window_is_milliseconds_on_the_wire() {
        let json = serde_json::to_value(Capabilities::whatsapp()).unwrap();
        assert_eq!(json["reply_window"], 86_400_000);
        assert!(
            serde_json::to_value(Capabilities::sms())
                .unwrap()
                .get("reply_window")
                .is_none()
        );
    }

    #[test]
    fn window_closes_exactly_24h_after_last_message() {
        let wa = Capabilities::messenger();
        let t = Timestamp::from_millis(1_000);
        let closes = wa.window_closes_at(t).unwrap();
        assert_eq!(closes.as_millis(), 1_000 + 86_400_000);
        assert_eq!(
            wa.window_state(Some(t), Timestamp::from_millis(closes.as_millis() - 1)),
            WindowState::Open
        );
        assert_eq!(wa.window_state(Some(t), closes), WindowState::Closed);
    }

    #[test]
    fn measure_counts_in_each_unit() {
        let s = "é👍🏽中";
        assert_eq!(TextUnit::Chars.measure(s), 4);
        assert_eq!(TextUnit::Utf16.measure(s), 6);
        assert_eq!(TextUnit::SmsSegments.measure(""), 0);
        assert_eq!(TextUnit::SmsSegments.measure(&"a".repeat(161)), 2);
    }
}
