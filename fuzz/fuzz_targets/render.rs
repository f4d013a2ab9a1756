//! Fuzzes `render` and `split_text` with any text, any channel preset and
//! any text limit, including zero and other tiny ones.
//!
//! The input is read as:
//!
//! * byte 0: the channel preset, an index into `ChannelKind::BUILT_IN`;
//! * byte 1: the text limit: the preset's own, or one counted in chars,
//!   UTF-16 units or SMS segments;
//! * byte 2: that limit's maximum (0 to 255 chars or units, 0 to 4 segments);
//! * byte 3: bit 0 closes the reply window, bit 1 adds an image, bit 2 adds
//!   a template, and the bits above give the number of quick replies (0 to
//!   5);
//! * the rest, split at `0xFF` bytes (never valid UTF-8): the text, then the
//!   quick-reply titles, each decoded with `from_utf8_lossy` (titles missing
//!   from the input are short fixed ones).
//!
//! Inputs over 64 KiB are skipped. On a failure the harness prints the
//! input as a Rust byte string.
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run render -- -max_total_time=60`; reproduce a crash
//! with `cargo +nightly fuzz run render fuzz/artifacts/render/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use switchboard::channel::{
    Capabilities, Outbound, RenderError, TextLimit, TextUnit, WindowState, render, split_text,
};
use switchboard::{Attachment, AttachmentKind, ChannelKind, Content, QuickReply, TemplateRef};
use switchboard_fuzz::{Bytes, input_bytes, start_input};

const MAX_INPUT: usize = 64 * 1024;
const DEFAULT_TITLES: [&str; 5] = ["Yes", "No", "Talk to a person", "🇩🇪", "其他"];

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let mut bytes = Bytes::new(data);
    let Some([preset, unit, max, flags]) = bytes.array() else {
        return;
    };
    start_input("render", data, input_bytes);
    let kind = &ChannelKind::BUILT_IN[usize::from(preset) % ChannelKind::BUILT_IN.len()];
    let mut caps = Capabilities::for_kind(kind);
    let max = usize::from(max);
    let custom = match unit % 4 {
        0 => None,
        1 => Some(TextLimit::new(max, TextUnit::Chars)),
        2 => Some(TextLimit::new(max, TextUnit::Utf16)),
        _ => Some(TextLimit::new(max % 5, TextUnit::SmsSegments)),
    };
    if custom.is_some() {
        caps.text_limit = custom;
    }
    let window = if flags & 1 == 0 {
        WindowState::Open
    } else {
        WindowState::Closed
    };

    let mut chunks = bytes
        .rest()
        .split(|&b| b == 0xFF)
        .map(String::from_utf8_lossy);
    let text = chunks.next().unwrap_or(Cow::Borrowed(""));
    let replies = usize::from(flags >> 3) % 6;
    let titles: Vec<Cow<'_, str>> = chunks
        .chain(DEFAULT_TITLES.map(Cow::Borrowed))
        .take(replies)
        .collect();

    // Splitting alone.
    let limit = caps
        .text_limit
        .unwrap_or(TextLimit::new(max, TextUnit::Chars));
    check_split(&text, limit);

    // Rendering.
    let mut content = Content::text(text.as_ref()).with_quick_replies(
        titles
            .iter()
            .enumerate()
            .map(|(i, t)| QuickReply::new(t.as_ref(), format!("choice-{i}"))),
    );
    if flags & 2 != 0 {
        content = content.with_attachment(
            Attachment::new(AttachmentKind::Image, "https://img.example/a.png")
                .with_caption(titles.first().map_or("", |t| t.as_ref())),
        );
    }
    if flags & 4 != 0 {
        content = content.with_template(TemplateRef::new("follow_up", "en_US"));
    }
    check_render(&content, &caps, window);
});

/// Parts are non-empty, within the limit, in-order slices of the text with
/// only white space between them; an error names a cluster over the limit.
fn check_split(text: &str, limit: TextLimit) {
    match split_text(text, limit) {
        Ok(parts) => {
            let base = text.as_ptr() as usize;
            let mut at = 0;
            for part in &parts {
                assert!(!part.is_empty(), "empty part");
                assert!(limit.fits(part), "part over {limit:?}: {part:?}");
                let start = (part.as_ptr() as usize)
                    .checked_sub(base)
                    .expect("part is a slice of the text");
                assert!(start + part.len() <= text.len(), "part outside the text");
                assert!(start >= at, "parts out of order or overlapping");
                assert!(
                    text[at..start].chars().all(char::is_whitespace),
                    "non-blank text dropped before {part:?}"
                );
                at = start + part.len();
            }
            assert!(
                text[at..].chars().all(char::is_whitespace),
                "non-blank text dropped at the end"
            );
        }
        Err(e) => {
            assert!(
                e.needed > e.max,
                "split failed without an oversized cluster: {e:?}"
            );
            assert_eq!((e.max, e.unit), (limit.max, limit.unit));
        }
    }
}

/// What render returns fits the channel.
fn check_render(content: &Content, caps: &Capabilities, window: WindowState) {
    let parts = match render(content, caps, window) {
        Ok(parts) => parts,
        Err(RenderError::Empty) => {
            assert!(content.is_empty());
            return;
        }
        Err(RenderError::WindowClosed) => {
            assert!(content.template.is_none());
            return;
        }
        Err(RenderError::Split { error }) => {
            assert!(error.needed > error.max, "{error:?}");
            return;
        }
        Err(e) => panic!("unexpected error: {e:?}"),
    };
    assert!(!parts.is_empty());
    if window == WindowState::Closed {
        assert!(matches!(parts.as_slice(), [Outbound::Template { .. }]));
        return;
    }
    let max_replies = caps.quick_replies.map_or(0, |q| q.max_options);
    for part in &parts {
        if let Outbound::Text {
            text,
            quick_replies,
        } = part
        {
            if let Some(limit) = caps.text_limit {
                assert!(limit.fits(text), "text part over {limit:?}: {text:?}");
            }
            assert!(quick_replies.len() <= max_replies);
        }
    }
}
