//! Fitting channel-independent [`Content`] to one channel's [`Capabilities`].

use std::borrow::Cow;

use super::capabilities::{Capabilities, QuickReplyLimits, TextLimit, WindowState};
use super::outbound::Outbound;
use super::split::{SplitError, split_text, trim_blank};
use crate::model::{Attachment, AttachmentKind, Content, Location, QuickReply};

/// Why content could not be rendered for a channel.
#[derive(Clone, Debug, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RenderError {
    /// The content has nothing to send.
    #[error(
        "nothing to send: the content has no text, attachment, location, quick reply or template"
    )]
    Empty,
    /// The reply window is closed and the content carries no template.
    #[error(
        "the channel's reply window is closed and the content has no template; \
         add a template (Content::with_template) or wait for the customer to write"
    )]
    WindowClosed,
    /// The location's coordinates are not finite or out of range.
    #[error(
        "location ({lat}, {lon}) is not on Earth: latitude must be within ±90 and longitude within ±180"
    )]
    InvalidLocation {
        /// The latitude given.
        lat: f64,
        /// The longitude given.
        lon: f64,
    },
    /// The text cannot be split within the channel's limit.
    #[error(transparent)]
    Split {
        /// Where and why the split failed.
        #[from]
        error: SplitError,
    },
}

/// Fits `content` to a channel with capabilities `caps`, returning the parts
/// to send in order.
///
/// Rendering is a pure function: the same content and capabilities always
/// give the same parts. It degrades gracefully where the channel lacks a
/// feature, and never loses information:
///
/// * **Reply window closed** ([`WindowState::Closed`]): the content's
///   template is sent, alone; without a template rendering fails with
///   [`RenderError::WindowClosed`]. While the window is open the template is
///   ignored, unless it is all the content has.
/// * **Quick replies** the channel can show natively (count and title length
///   within [`QuickReplyLimits`], and some text to carry them) ride on the
///   last text part; otherwise they become a numbered list (`1. Yes`) at the
///   end of the text, which the customer answers with a digit —
///   [`resolve_choice`] maps the answer back.
/// * **Attachments** the channel cannot carry (kind not supported, or larger
///   than its size limit) become their caption and link in the text.
/// * **A location** the channel cannot pin becomes its label and a map link.
/// * **Long text** is split with [`split_text`](super::split_text): at
///   paragraph, then line, sentence and word boundaries, never inside a
///   grapheme cluster, each part within the limit in the channel's own unit.
///
/// Parts come in the order text, attachments, location.
///
/// # Errors
///
/// [`RenderError`] when there is nothing to send, the window is closed
/// without a template, the location is invalid, or a single grapheme cluster
/// is larger than the channel's limit.
///
/// # Examples
///
/// ```
/// use switchboard::{Content, QuickReply};
/// use switchboard::channel::{render, Capabilities, Outbound, WindowState};
///
/// let content = Content::text("Was this helpful?")
///     .with_quick_replies([QuickReply::new("Yes", "yes"), QuickReply::new("No", "no")]);
///
/// // WhatsApp shows buttons.
/// let wa = render(&content, &Capabilities::whatsapp(), WindowState::Open).unwrap();
/// assert!(matches!(&wa[0], Outbound::Text { quick_replies, .. } if quick_replies.len() == 2));
///
/// // SMS gets a numbered list.
/// let sms = render(&content, &Capabilities::sms(), WindowState::Open).unwrap();
/// assert_eq!(sms, [Outbound::text("Was this helpful?\n\n1. Yes\n2. No")]);
/// ```
pub fn render(
    content: &Content,
    caps: &Capabilities,
    window: WindowState,
) -> Result<Vec<Outbound>, RenderError> {
    if content.is_empty() {
        return Err(RenderError::Empty);
    }
    // Content is not empty, so with nothing else it must have a template.
    let only_template = content.text.trim().is_empty()
        && content.attachments.is_empty()
        && content.location.is_none()
        && content.link.is_none()
        && content.quick_replies.is_empty();
    if window == WindowState::Closed || only_template {
        return match &content.template {
            Some(t) => Ok(vec![Outbound::Template {
                template: t.clone(),
            }]),
            None => Err(RenderError::WindowClosed),
        };
    }
    if let Some(loc) = &content.location
        && !loc.is_valid()
    {
        return Err(RenderError::InvalidLocation {
            lat: loc.lat,
            lon: loc.lon,
        });
    }

    let has_text = !content.text.trim().is_empty();
    let native_replies = !content.quick_replies.is_empty()
        && has_text
        && caps
            .quick_replies
            .is_some_and(|limits| replies_fit(&content.quick_replies, &limits));

    // Everything the channel cannot carry natively goes into the text,
    // after the message's own text.
    let mut blocks: Vec<String> = Vec::new();
    let mut native_attachments = Vec::new();
    for a in &content.attachments {
        if attachment_fits(a, caps) {
            native_attachments.push(a.clone());
        } else {
            blocks.push(attachment_as_text(a));
        }
    }
    let native_location = match &content.location {
        Some(loc) if caps.location => Some(loc.clone()),
        Some(loc) => {
            blocks.push(location_as_text(loc));
            None
        }
        None => None,
    };
    if let Some(link) = &content.link {
        blocks.push(match &link.title {
            Some(title) => format!("{title}: {}", link.url),
            None => link.url.clone(),
        });
    }
    if !content.quick_replies.is_empty() && !native_replies {
        blocks.push(numbered_list(&content.quick_replies));
    }
    // Most messages are their text alone: it is split as it stands.
    let text: Cow<'_, str> = match (has_text, blocks.is_empty()) {
        (true, true) => Cow::Borrowed(&content.text),
        (false, true) => Cow::Borrowed(""),
        (true, false) => {
            blocks.insert(0, content.text.clone());
            Cow::Owned(blocks.join("\n\n"))
        }
        (false, false) => Cow::Owned(blocks.join("\n\n")),
    };

    let mut parts: Vec<&str> = match caps.text_limit {
        Some(limit) => split_text(&text, limit)?,
        None => Some(trim_blank(&text))
            .filter(|t| !t.is_empty())
            .into_iter()
            .collect(),
    };
    // The part that carries native buttons may have a smaller limit.
    if native_replies {
        let body_limit =
            caps.quick_replies
                .and_then(|l| l.max_body)
                .map(|max| match caps.text_limit {
                    Some(limit) => TextLimit::new(max.min(limit.max), limit.unit),
                    None => TextLimit::new(max, super::TextUnit::Chars),
                });
        if let (Some(body), Some(last)) = (body_limit, parts.last().copied())
            && !body.fits(last)
        {
            parts.pop();
            parts.extend(split_text(last, body)?);
        }
    }

    let mut out: Vec<Outbound> = parts.into_iter().map(Outbound::text).collect();
    if native_replies && let Some(Outbound::Text { quick_replies, .. }) = out.last_mut() {
        quick_replies.clone_from(&content.quick_replies);
    }
    out.extend(
        native_attachments
            .into_iter()
            .map(|attachment| Outbound::Attachment { attachment }),
    );
    if let Some(location) = native_location {
        out.push(Outbound::Location { location });
    }
    Ok(out)
}

fn replies_fit(replies: &[QuickReply], limits: &QuickReplyLimits) -> bool {
    (limits.min_options..=limits.max_options).contains(&replies.len())
        && replies.iter().all(|r| {
            let n = r.title.chars().count();
            n > 0 && n <= limits.max_title_chars
        })
}

fn attachment_fits(a: &Attachment, caps: &Capabilities) -> bool {
    let (supported, max) = match a.kind {
        AttachmentKind::Image => (caps.images, caps.max_image_bytes),
        // Places arrive as attachments; outbound, a place is
        // `Content::with_location`. A stray one goes out as its link.
        AttachmentKind::Location => (false, None),
        _ => (caps.attachments, caps.max_attachment_bytes),
    };
    // An attachment of unknown size is attached; the provider has the last word.
    let within = match (a.size, max) {
        (Some(size), Some(max)) => size <= max,
        _ => true,
    };
    supported && within
}

fn attachment_as_text(a: &Attachment) -> String {
    match a
        .caption
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(caption) => format!("{caption}\n{}", a.url),
        None => a.url.clone(),
    }
}

/// A map link for `loc`, in the cross-platform Google Maps URL form that opens
/// the maps app on phones and a browser elsewhere.
fn location_as_text(loc: &Location) -> String {
    let link = format!(
        "https://www.google.com/maps/search/?api=1&query={},{}",
        loc.lat, loc.lon
    );
    match loc
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        Some(label) => format!("{label}\n{link}"),
        None => link,
    }
}

fn numbered_list(replies: &[QuickReply]) -> String {
    let lines: Vec<String> = replies
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {}", i + 1, r.title.trim()))
        .collect();
    lines.join("\n")
}

/// Maps a customer's answer back to one of the choices offered: a number
/// from the numbered list (`2`, `2.`, `#2`, full-width `２`), or a choice's
/// title or payload typed out (case-insensitive).
///
/// # Examples
///
/// ```
/// use switchboard::QuickReply;
/// use switchboard::channel::resolve_choice;
///
/// let choices = [QuickReply::new("Track order", "track"), QuickReply::new("Talk to a person", "human")];
/// assert_eq!(resolve_choice(&choices, " 2 ").map(|q| q.payload.as_str()), Some("human"));
/// assert_eq!(resolve_choice(&choices, "２").map(|q| q.payload.as_str()), Some("human"));
/// assert_eq!(resolve_choice(&choices, "track ORDER").map(|q| q.payload.as_str()), Some("track"));
/// assert_eq!(resolve_choice(&choices, "3"), None);
/// assert_eq!(resolve_choice(&choices, "where is my parcel"), None);
/// ```
pub fn resolve_choice<'a>(choices: &'a [QuickReply], answer: &str) -> Option<&'a QuickReply> {
    let answer = answer.trim();
    let digits: String = answer
        .trim_start_matches('#')
        .trim_end_matches(['.', ')', '。', '．'])
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n: usize = digits.parse().ok()?;
        return n.checked_sub(1).and_then(|i| choices.get(i));
    }
    let folded = answer.to_lowercase();
    choices
        .iter()
        .find(|q| q.title.trim().to_lowercase() == folded || q.payload.to_lowercase() == folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::TextUnit;
    use crate::model::TemplateRef;

    fn open(content: &Content, caps: &Capabilities) -> Vec<Outbound> {
        render(content, caps, WindowState::Open).unwrap()
    }

    #[test]
    fn empty_content_is_an_error() {
        assert_eq!(
            render(
                &Content::text("  "),
                &Capabilities::sms(),
                WindowState::Open
            ),
            Err(RenderError::Empty)
        );
    }

    #[test]
    fn closed_window_sends_the_template_or_fails() {
        let t = TemplateRef::new("follow_up", "en_US");
        let c = Content::text("Any news?").with_template(t.clone());
        let out = render(&c, &Capabilities::whatsapp(), WindowState::Closed).unwrap();
        assert_eq!(
            out,
            [Outbound::Template {
                template: t.clone()
            }]
        );
        assert_eq!(
            open(&c, &Capabilities::whatsapp()),
            [Outbound::text("Any news?")]
        );
        let only = Content::default().with_template(t.clone());
        assert_eq!(
            open(&only, &Capabilities::whatsapp()),
            [Outbound::Template { template: t }]
        );
        assert_eq!(
            render(
                &Content::text("hi"),
                &Capabilities::whatsapp(),
                WindowState::Closed
            ),
            Err(RenderError::WindowClosed)
        );
    }

    #[test]
    fn too_many_buttons_become_a_numbered_list() {
        let c = Content::text("Pick a topic").with_quick_replies(
            ["Orders", "Returns", "Billing", "Other"].map(|t| QuickReply::new(t, t)),
        );
        let out = open(&c, &Capabilities::whatsapp());
        assert_eq!(
            out,
            [Outbound::text(
                "Pick a topic\n\n1. Orders\n2. Returns\n3. Billing\n4. Other"
            )]
        );
        // Messenger takes 13.
        let out = open(&c, &Capabilities::messenger());
        assert!(
            matches!(&out[0], Outbound::Text { quick_replies, .. } if quick_replies.len() == 4)
        );
    }

    #[test]
    fn long_button_titles_become_a_numbered_list() {
        let c = Content::text("Choose")
            .with_quick_replies([QuickReply::new("A title far longer than twenty", "a")]);
        assert_eq!(
            open(&c, &Capabilities::whatsapp()),
            [Outbound::text(
                "Choose\n\n1. A title far longer than twenty"
            )]
        );
    }

    #[test]
    fn buttons_without_text_become_a_list() {
        let c = Content::default().with_quick_replies([QuickReply::new("Yes", "y")]);
        assert_eq!(
            open(&c, &Capabilities::whatsapp()),
            [Outbound::text("1. Yes")]
        );
    }

    #[test]
    fn whatsapp_button_body_stays_within_1024() {
        let text = "Word ".repeat(400); // 2,000 characters
        let c = Content::text(text).with_quick_replies([QuickReply::new("OK", "ok")]);
        let out = open(&c, &Capabilities::whatsapp());
        assert!(out.len() >= 2);
        let Outbound::Text {
            text,
            quick_replies,
        } = out.last().unwrap()
        else {
            panic!()
        };
        assert_eq!(quick_replies.len(), 1);
        assert!(text.encode_utf16().count() <= 1_024);
        for o in &out[..out.len() - 1] {
            assert!(matches!(o, Outbound::Text { quick_replies, .. } if quick_replies.is_empty()));
        }
    }

    #[test]
    fn images_degrade_to_caption_and_link_on_sms() {
        let img = Attachment::new(AttachmentKind::Image, "https://x.example/r.png")
            .with_caption("Receipt");
        let c = Content::text("Here you go").with_attachment(img.clone());
        assert_eq!(
            open(&c, &Capabilities::sms()),
            [Outbound::text(
                "Here you go\n\nReceipt\nhttps://x.example/r.png"
            )]
        );
        let wa = open(&c, &Capabilities::whatsapp());
        assert_eq!(
            wa,
            [
                Outbound::text("Here you go"),
                Outbound::Attachment { attachment: img }
            ]
        );
    }

    #[test]
    fn oversized_attachments_become_links() {
        let video = Attachment::new(AttachmentKind::Video, "https://x.example/v.mp4")
            .with_size(50 * 1024 * 1024);
        let c = Content::default().with_attachment(video);
        assert_eq!(
            open(&c, &Capabilities::whatsapp()),
            [Outbound::text("https://x.example/v.mp4")]
        );
        let small =
            Attachment::new(AttachmentKind::Video, "https://x.example/s.mp4").with_size(1024);
        let c = Content::default().with_attachment(small.clone());
        assert_eq!(
            open(&c, &Capabilities::whatsapp()),
            [Outbound::Attachment { attachment: small }]
        );
    }

    #[test]
    fn location_becomes_a_map_link_where_not_supported() {
        let c = Content::default()
            .with_location(Location::new(52.52, 13.405).with_label("Berlin store"));
        assert_eq!(
            open(&c, &Capabilities::messenger()),
            [Outbound::text(
                "Berlin store\nhttps://www.google.com/maps/search/?api=1&query=52.52,13.405"
            )]
        );
        assert!(matches!(
            open(&c, &Capabilities::whatsapp())[0],
            Outbound::Location { .. }
        ));
        let bad = Content::default().with_location(Location::new(f64::NAN, 0.0));
        assert!(matches!(
            render(&bad, &Capabilities::whatsapp(), WindowState::Open),
            Err(RenderError::InvalidLocation { .. })
        ));
    }

    #[test]
    fn long_sms_splits_into_parts_within_segments() {
        let text = "您好！您的订单已经发货了🚚📦，预计明天送达。如有问题请回复本短信，我们会尽快处理😊👍。".repeat(20);
        let caps = Capabilities::sms().with_max_segments(2);
        let out = open(&Content::text(text.clone()), &caps);
        assert!(out.len() > 1);
        let joined: String = out.iter().map(|o| o.as_text().unwrap()).collect();
        assert_eq!(joined, text);
        for o in &out {
            assert!(TextUnit::SmsSegments.measure(o.as_text().unwrap()) <= 2);
        }
    }

    #[test]
    fn unlimited_channels_send_one_part() {
        let text = "x".repeat(100_000);
        assert_eq!(
            open(&Content::text(text.clone()), &Capabilities::email()),
            [Outbound::text(text)]
        );
    }

    #[test]
    fn resolve_choice_rejects_zero_and_huge_numbers() {
        let c = [QuickReply::new("A", "a")];
        assert_eq!(resolve_choice(&c, "0"), None);
        assert_eq!(resolve_choice(&c, "99999999999999999999999"), None);
        assert_eq!(
            resolve_choice(&c, "1.").map(|q| q.payload.as_str()),
            Some("a")
        );
    }
}
