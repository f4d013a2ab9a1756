//! Property tests for the channel layer: splitting, rendering and SMS
//! segment counting; and for the expression language and the router:
//! printing and parsing expressions, loading configurations, routing.
//!
//! The generated text is weighted towards the cases that break naive code:
//! emoji ZWJ sequences, flags, skin-tone modifiers, CJK with its
//! punctuation, combining marks (also at the very start, and stacked by the
//! hundred), GSM-7 extension characters, control characters and CRLF, mixed
//! with plain words and arbitrary strings.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use switchboard::channel::sms::{SmsEncoding, analyze, gsm7_septets, segments};
use switchboard::channel::{
    Capabilities, Outbound, RenderError, TextLimit, TextUnit, WindowState, render, split_text,
};
use switchboard::config::Config;
use switchboard::expr::{
    BotFacts, ConversationFacts, Expr, ExprKind, Facts, Literal, Op, Operand, OperandKind, Path,
    Span,
};
use switchboard::{
    Attachment, AttachmentKind, Attributes, ChannelKind, Content, QuickReply, Timestamp, Value,
};
use unicode_segmentation::UnicodeSegmentation;

// ---------------------------------------------------------------------------
// The GSM 03.38 table, read from the test data: an independent reference.

#[derive(Deserialize)]
struct Table {
    basic: Vec<Entry>,
    extension: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "char")]
    ch: String,
    septets: usize,
}

struct Gsm {
    /// Septets per character of the basic (1) and extension (2) tables.
    septets: HashMap<char, usize>,
    /// The basic table without CR, whose clusters are all one character.
    basic_single: Vec<char>,
    extension: Vec<char>,
}

static GSM: LazyLock<Gsm> = LazyLock::new(|| {
    let table: Table = serde_json::from_str(include_str!("data/gsm7-charset.json"))
        .expect("gsm7-charset.json parses");
    assert_eq!(table.basic.len(), 127);
    assert_eq!(table.extension.len(), 10);
    let one_char = |e: &Entry| {
        let mut chars = e.ch.chars();
        let c = chars.next().expect("an entry has a character");
        assert!(chars.next().is_none(), "{:?} is one character", e.ch);
        c
    };
    let mut septets = HashMap::new();
    for (entries, cost) in [(&table.basic, 1), (&table.extension, 2)] {
        for e in entries {
            assert_eq!(e.septets, cost, "{:?}", e.ch);
            assert!(septets.insert(one_char(e), cost).is_none(), "{:?}", e.ch);
        }
    }
    Gsm {
        septets,
        basic_single: table
            .basic
            .iter()
            .map(one_char)
            .filter(|&c| c != '\r')
            .collect(),
        extension: table.extension.iter().map(one_char).collect(),
    }
});

fn gsm() -> &'static Gsm {
    LazyLock::force(&GSM)
}

// ---------------------------------------------------------------------------
// Text generators.

fn chars_to_string(chars: Vec<char>) -> String {
    chars.into_iter().collect()
}

fn pictograph() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::char::range('\u{1F300}', '\u{1F5FF}'),
        prop::char::range('\u{1F600}', '\u{1F64F}'),
        prop::char::range('\u{1F900}', '\u{1F9FF}'),
        prop::char::range('\u{2600}', '\u{26FF}'),
    ]
}

fn skin_tone() -> impl Strategy<Value = char> {
    prop::char::range('\u{1F3FB}', '\u{1F3FF}')
}

fn regional_indicator() -> impl Strategy<Value = char> {
    prop::char::range('\u{1F1E6}', '\u{1F1FF}')
}

fn combining_mark() -> impl Strategy<Value = char> {
    prop::char::range('\u{0300}', '\u{036F}')
}

const ZWJ_SEQUENCES: &[&str] = &[
    "👩‍👩‍👧‍👦",
    "🧑🏽‍💻",
    "👨‍👩‍👧",
    "🏳️‍🌈",
    "🏴‍☠️",
    "👁️‍🗨️",
    "🧑‍🤝‍🧑",
    "❤️‍🔥",
    "👩🏾‍🦰",
    "🫱🏼‍🫲🏿",
    "🐻‍❄️",
    "🧑🏻‍❤️‍💋‍🧑🏿",
];

/// Emoji ZWJ sequences: real ones, and generated ones with skin tones and
/// variation selectors.
fn zwj_sequence() -> impl Strategy<Value = String> {
    let link = (pictograph(), prop::option::of(skin_tone()), any::<bool>());
    prop_oneof![
        select(ZWJ_SEQUENCES).prop_map(str::to_owned),
        (pictograph(), prop::option::of(skin_tone()), vec(link, 1..5)).prop_map(
            |(first, tone, links)| {
                let mut s = String::from(first);
                s.extend(tone);
                for (p, tone, vs16) in links {
                    s.push('\u{200D}');
                    s.push(p);
                    s.extend(tone);
                    if vs16 {
                        s.push('\u{FE0F}');
                    }
                }
                s
            }
        ),
    ]
}

/// Flags, and odd runs of regional indicators.
fn flags() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec((regional_indicator(), regional_indicator()), 1..4)
            .prop_map(|pairs| pairs.into_iter().flat_map(|(a, b)| [a, b]).collect()),
        1 => vec(regional_indicator(), 1..6).prop_map(chars_to_string),
    ]
}

/// Emoji with skin tones, and lone skin-tone modifiers.
fn skin_toned() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (pictograph(), skin_tone()).prop_map(|(p, t)| [p, t].iter().collect()),
        1 => skin_tone().prop_map(String::from),
    ]
}

fn cjk() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => prop::char::range('\u{4E00}', '\u{9FFF}'),
        1 => prop::char::range('\u{3040}', '\u{30FF}'),
        2 => select(&['。', '！', '？', '，', '、', '「', '」', '（', '）', 'ー', '　'][..]),
    ];
    vec(c, 1..16).prop_map(chars_to_string)
}

/// Letters with combining marks, lone combining marks, and (rarely) a
/// cluster of hundreds of stacked marks.
fn combining() -> impl Strategy<Value = String> {
    let base = prop_oneof![
        prop::char::range('a', 'z'),
        select(&['é', 'ø', 'Δ', '中', ' ', 'ç'][..]),
    ];
    prop_oneof![
        6 => (prop::option::of(base.clone()), vec(combining_mark(), 1..5)).prop_map(
            |(base, marks)| base.into_iter().chain(marks).collect()
        ),
        1 => (base, vec(combining_mark(), 60..240))
            .prop_map(|(base, marks)| std::iter::once(base).chain(marks).collect()),
    ]
}

fn gsm_extension() -> impl Strategy<Value = String> {
    vec(select(&gsm().extension[..]), 1..5).prop_map(chars_to_string)
}

fn gsm_basic() -> impl Strategy<Value = String> {
    vec(select(&gsm().basic_single[..]), 1..12).prop_map(chars_to_string)
}

fn words() -> impl Strategy<Value = String> {
    let sep = select(
        &[
            " ", " ", " ", "  ", "\n", "\n\n", ". ", "! ", "? ", ", ", "\t", ".\n", "",
        ][..],
    );
    vec(("[a-zA-Z0-9']{1,12}", sep), 1..12).prop_map(|ws| {
        ws.into_iter()
            .flat_map(|(w, s)| [w, s.to_owned()])
            .collect()
    })
}

fn control() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            prop::char::range('\0', '\u{1F}'),
            prop::char::range('\u{7F}', '\u{9F}'),
        ],
        1..4,
    )
    .prop_map(chars_to_string)
}

/// Line ends, unusual white space and invisible joiners.
fn spacing() -> impl Strategy<Value = String> {
    select(
        &[
            "\r\n", "\r\n", "\r", "\n", "\r\n\r\n", " \r\n ", "\u{2028}", "\u{2029}", "\u{3000}",
            "\u{A0}", "\u{200B}", "\u{FEFF}", "\u{200D}", "\u{FE0F}", "\u{FE0E}", "\u{85}",
        ][..],
    )
    .prop_map(str::to_owned)
}

fn hangul() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            prop::char::range('\u{1100}', '\u{11FF}'),
            prop::char::range('\u{AC00}', '\u{D7A3}'),
        ],
        1..6,
    )
    .prop_map(chars_to_string)
}

fn astral() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::char::range('\u{20000}', '\u{2A6DF}'),
        prop::char::range('\u{1F600}', '\u{1F64F}'),
        prop::char::range('\u{10000}', '\u{10FFFF}'),
    ]
    .prop_map(String::from)
}

/// One short fragment of text.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => zwj_sequence(),
        3 => flags(),
        3 => skin_toned(),
        4 => cjk(),
        4 => combining(),
        3 => gsm_extension(),
        3 => gsm_basic(),
        8 => words(),
        2 => control(),
        4 => spacing(),
        1 => hangul(),
        1 => astral(),
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{0,8}",
    ]
}

/// A fragment, sometimes repeated so that texts reach several SMS segments.
fn repeatable_fragment() -> impl Strategy<Value = String> {
    let short = prop_oneof![
        words(),
        cjk(),
        gsm_basic(),
        gsm_extension(),
        zwj_sequence(),
        flags(),
        skin_toned(),
        spacing(),
    ];
    prop_oneof![
        12 => fragment(),
        1 => (short, 2usize..60).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// Text that is all GSM-7, so that it is sent as GSM-7: words, basic and
/// extension characters, CRLF and form feeds.
fn gsm_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9]{1,10}[ .,!?]{0,2}",
        3 => gsm_basic(),
        2 => gsm_extension(),
        2 => select(&["\r\n", "\n", "\r", "\n\n", "\u{C}", " ", "\r\n\r\n"][..])
            .prop_map(str::to_owned),
    ];
    vec(piece, 0..120).prop_map(|parts| parts.concat())
}

/// Arbitrary text, weighted towards the hard cases.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(repeatable_fragment(), 0..40).prop_map(|parts| parts.concat()),
        3 => gsm_text(),
        1 => any::<String>(),
        1 => vec(fragment(), 0..4).prop_map(|parts| parts.concat()),
    ]
}

/// Text without white space, sentence terminators, line ends or wide
/// (CJK, emoji) characters: letters, digits, symbols, GSM-7 extension
/// characters, combining marks and astral letters.
fn unbreakable_text() -> impl Strategy<Value = String> {
    let no_break = |c: &char| !c.is_whitespace() && !matches!(c, '.' | '!' | '?');
    let gsm = gsm().basic_single.iter().chain(&gsm().extension);
    let gsm_chars: Vec<char> = gsm.copied().filter(no_break).collect();
    let piece = prop_oneof![
        8 => vec(select(gsm_chars), 1..20).prop_map(chars_to_string),
        2 => (prop::char::range('a', 'z'), vec(combining_mark(), 0..4))
            .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect()),
        1 => select(&['á', 'ç', 'Ω', 'ж', '`', '\u{1D400}', '\u{10000}', '’', '“'][..])
            .prop_map(String::from),
        1 => vec(combining_mark(), 60..200).prop_map(chars_to_string),
    ];
    vec(piece, 0..80).prop_map(|parts| parts.concat())
}

fn limit() -> impl Strategy<Value = TextLimit> {
    let small_or_any = || prop_oneof![1 => 0usize..8, 3 => 0usize..300];
    prop_oneof![
        small_or_any().prop_map(|m| TextLimit::new(m, TextUnit::Chars)),
        small_or_any().prop_map(|m| TextLimit::new(m, TextUnit::Utf16)),
        (0usize..4).prop_map(|m| TextLimit::new(m, TextUnit::SmsSegments)),
    ]
}

// ---------------------------------------------------------------------------
// Helpers.

/// The grapheme-cluster boundaries of `text`, ascending, including 0 and
/// `text.len()`.
fn grapheme_bounds(text: &str) -> Vec<usize> {
    let mut bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
    bounds.push(text.len());
    bounds
}

fn is_bound(bounds: &[usize], at: usize) -> bool {
    bounds.binary_search(&at).is_ok()
}

fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// `s` without its leading and trailing blank grapheme clusters.
fn trim_blank(s: &str) -> &str {
    let mut clusters = s.grapheme_indices(true).filter(|(_, g)| !is_blank(g));
    match clusters.next() {
        None => "",
        Some((start, first)) => {
            let end = clusters
                .next_back()
                .map_or(start + first.len(), |(i, g)| i + g.len());
            &s[start..end]
        }
    }
}

/// Strips every white-space character.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Byte offset of `part` in `text`, of which it must be a slice.
fn offset_in(text: &str, part: &str) -> usize {
    let start = text.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    assert!(
        at >= start && at + part.len() <= start + text.len(),
        "part {part:?} is not a slice of the text"
    );
    at - start
}

/// Length of `s` in the units of `encoding`, counted independently.
fn units_in(s: &str, encoding: SmsEncoding) -> usize {
    match encoding {
        SmsEncoding::Gsm7 => s.chars().map(|c| gsm().septets[&c]).sum(),
        SmsEncoding::Ucs2 => s.chars().map(char::len_utf16).sum(),
    }
}

/// The SMS capacity of one segment of a concatenated message, and of a
/// message sent as a single segment.
fn capacity(encoding: SmsEncoding) -> (usize, usize) {
    match encoding {
        SmsEncoding::Gsm7 => (153, 160),
        SmsEncoding::Ucs2 => (67, 70),
    }
}

fn check_render(content: &Content, caps: &Capabilities) -> Result<(), TestCaseError> {
    let result = render(content, caps, WindowState::Open);
    let parts = match result {
        Ok(parts) => parts,
        Err(RenderError::Empty) => {
            prop_assert!(content.is_empty());
            return Ok(());
        }
        Err(RenderError::Split { error: e }) => {
            prop_assert!(!content.is_empty());
            prop_assert!(e.needed > e.max, "{e:?}");
            return Ok(());
        }
        Err(e) => {
            prop_assert!(false, "unexpected error {e:?}");
            return Ok(());
        }
    };
    prop_assert!(!content.is_empty());
    prop_assert!(!parts.is_empty());
    let max_replies = caps.quick_replies.map_or(0, |q| q.max_options);
    let texts: Vec<(usize, &str, &[QuickReply])> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Outbound::Text {
                text,
                quick_replies,
            } => Some((i, text.as_str(), quick_replies.as_slice())),
            _ => None,
        })
        .collect();
    for &(_, text, replies) in &texts {
        prop_assert!(!text.trim().is_empty(), "blank part {text:?}");
        if let Some(limit) = caps.text_limit {
            prop_assert!(
                limit.fits(text),
                "{text:?} is {} {:?}, over {}",
                limit.unit.measure(text),
                limit.unit,
                limit.max
            );
        }
        prop_assert!(replies.len() <= max_replies);
    }
    // Native quick replies ride, all of them, on the last text part.
    for (n, &(_, text, replies)) in texts.iter().enumerate() {
        if replies.is_empty() {
            continue;
        }
        prop_assert_eq!(
            n,
            texts.len() - 1,
            "replies on a text part that is not the last"
        );
        prop_assert_eq!(replies, content.quick_replies.as_slice());
        let limits = caps.quick_replies.expect("native replies need limits");
        for r in replies {
            let chars = r.title.chars().count();
            prop_assert!(chars > 0 && chars <= limits.max_title_chars);
        }
        if let Some(max_body) = limits.max_body {
            let body = match caps.text_limit {
                Some(limit) => TextLimit::new(max_body.min(limit.max), limit.unit),
                None => TextLimit::new(max_body, TextUnit::Chars),
            };
            prop_assert!(body.fits(text), "button body {text:?} over {body:?}");
        }
    }
    // Text parts come first, then attachments.
    if let Some(&(last_text, _, _)) = texts.last() {
        prop_assert_eq!(last_text, texts.len() - 1);
    }
    // Nothing is lost: the text comes first, then what the channel cannot
    // carry natively, as links and a numbered list.
    let sent: String = texts.iter().map(|&(_, text, _)| squeeze(text)).collect();
    prop_assert!(
        sent.starts_with(&squeeze(&content.text)),
        "text lost: {sent:?}"
    );
    for a in &content.attachments {
        let native = parts
            .iter()
            .any(|p| matches!(p, Outbound::Attachment { attachment } if attachment == a));
        prop_assert!(native || sent.contains(&squeeze(&a.url)), "attachment lost");
    }
    let native_replies = texts.iter().any(|&(_, _, replies)| !replies.is_empty());
    if !native_replies {
        for (i, r) in content.quick_replies.iter().enumerate() {
            let line = squeeze(&format!("{}. {}", i + 1, r.title.trim()));
            prop_assert!(sent.contains(&line), "choice {line:?} lost");
        }
    }
    Ok(())
}

const UNITS: [TextUnit; 3] = [TextUnit::Chars, TextUnit::Utf16, TextUnit::SmsSegments];

// ---------------------------------------------------------------------------
// Properties.

proptest! {
    /// (a) Parts are in-order slices of the text, each within the limit,
    /// cut only at grapheme boundaries, separated only by white space; an
    /// error only when one cluster alone is over the limit.
    #[test]
    fn split_parts_fit_and_cover_the_text(text in text(), limit in limit()) {
        let bounds = grapheme_bounds(&text);
        match split_text(&text, limit) {
            Ok(parts) => {
                let mut at = 0;
                for part in &parts {
                    prop_assert!(!part.is_empty());
                    let measured = limit.unit.measure(part);
                    prop_assert!(
                        measured <= limit.max,
                        "{part:?} is {measured} {:?}, over {}", limit.unit, limit.max
                    );
                    let start = offset_in(&text, part);
                    let end = start + part.len();
                    prop_assert!(start >= at, "parts overlap or go backwards at {start}");
                    prop_assert!(is_bound(&bounds, start), "part starts inside a cluster at {start}");
                    prop_assert!(is_bound(&bounds, end), "part ends inside a cluster at {end}");
                    let gap = &text[at..start];
                    prop_assert!(is_blank(gap), "dropped non-blank text {gap:?} before {part:?}");
                    at = end;
                }
                let tail = &text[at..];
                prop_assert!(is_blank(tail), "dropped non-blank text {tail:?} at the end");
                prop_assert_eq!(parts.is_empty(), is_blank(&text));
                // Text that fits without any trimming is sent whole.
                if !parts.is_empty() && limit.fits(&text) {
                    prop_assert_eq!(parts, [trim_blank(&text)]);
                }
            }
            Err(e) => {
                prop_assert_eq!(e.max, limit.max);
                prop_assert_eq!(e.unit, limit.unit);
                prop_assert!(is_bound(&bounds, e.at), "error at {} inside a cluster", e.at);
                let cluster = text[e.at..]
                    .graphemes(true)
                    .next()
                    .expect("the error points at a cluster");
                prop_assert!(cluster.starts_with(&e.cluster));
                prop_assert!(!is_blank(cluster));
                let needed = limit.unit.measure(cluster);
                prop_assert_eq!(e.needed, needed);
                prop_assert!(needed > limit.max, "split failed but {cluster:?} fits alone");
            }
        }
    }

    /// (b) Rendering never panics, and what it returns fits the channel.
    #[test]
    fn rendered_parts_fit_the_channel(
        text in text(),
        titles in vec(prop_oneof![fragment(), "[A-Za-z ]{0,24}", any::<String>()], 0..5),
        image in prop::option::of((prop::option::of(fragment()), prop::option::of(0u64..50_000_000))),
        kind in select(ChannelKind::BUILT_IN.to_vec()),
        tiny in 0usize..3,
    ) {
        let mut content = Content::text(text).with_quick_replies(
            titles.into_iter().enumerate().map(|(i, t)| QuickReply::new(t, format!("choice-{i}"))),
        );
        if let Some((caption, size)) = image {
            let mut a = Attachment::new(AttachmentKind::Image, "https://img.example/a.png");
            if let Some(caption) = caption {
                a = a.with_caption(caption);
            }
            if let Some(size) = size {
                a = a.with_size(size);
            }
            content = content.with_attachment(a);
        }
        let caps = Capabilities::for_kind(&kind);
        check_render(&content, &caps)?;
        check_render(&content, &caps.with_max_segments(tiny))?;
    }

    /// (c) Units and encoding agree with a count from the GSM 03.38 table.
    #[test]
    fn analyze_counts_units_like_the_reference_table(text in text()) {
        let table = &gsm().septets;
        let info = analyze(&text);
        let all_gsm = text.chars().all(|c| table.contains_key(&c));
        let expected_units: usize = if all_gsm {
            text.chars().map(|c| table[&c]).sum()
        } else {
            text.chars().map(char::len_utf16).sum()
        };
        prop_assert_eq!(info.encoding == SmsEncoding::Gsm7, all_gsm);
        prop_assert_eq!(info.units, expected_units);
        let mut non_gsm: Vec<char> = text.chars().filter(|c| !table.contains_key(c)).collect();
        non_gsm.sort_unstable();
        non_gsm.dedup();
        prop_assert_eq!(info.non_gsm_chars, non_gsm);
    }

    /// (d) Appending text never lowers the segment count.
    #[test]
    fn appending_never_lowers_the_segment_count(a in text(), b in text()) {
        let before = analyze(&a).segments;
        let after = analyze(&format!("{a}{b}")).segments;
        prop_assert!(before <= after, "{before} segments, then {after} after appending {b:?}");
    }

    /// (e) GSM-7 text of basic-table characters, each its own cluster: the
    /// segment count is the textbook formula.
    #[test]
    fn gsm7_single_char_text_follows_the_formula(
        chars in vec(select(&gsm().basic_single[..]), 0..700),
    ) {
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(text.graphemes(true).count(), text.chars().count());
        let info = analyze(&text);
        prop_assert_eq!(info.encoding, SmsEncoding::Gsm7);
        prop_assert_eq!(info.units, text.chars().count());
        prop_assert_eq!(info.segments, textbook_segments(info.units, 160, 153));
    }

    /// (e) UCS-2 text of BMP characters, each its own cluster: the segment
    /// count is the textbook formula.
    #[test]
    fn ucs2_single_bmp_char_text_follows_the_formula(
        forcing in prop::char::range('\u{4E00}', '\u{9FFF}'),
        at in any::<Index>(),
        chars in vec(
            prop_oneof![
                select(&gsm().basic_single[..]),
                select(&gsm().extension[..]),
                prop::char::range('\u{4E00}', '\u{9FFF}'),
                prop::char::range('\u{3041}', '\u{3096}'),
                prop::char::range('\u{0430}', '\u{044F}'),
                prop::char::range('\u{2600}', '\u{26FF}'),
                select(&['。', '！', '？', '，', '’', '“', '”', 'á', 'ç', '`'][..]),
            ],
            0..400,
        ),
    ) {
        let mut chars = chars;
        let i = at.index(chars.len() + 1);
        chars.insert(i, forcing);
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(text.graphemes(true).count(), text.chars().count());
        let info = analyze(&text);
        prop_assert_eq!(info.encoding, SmsEncoding::Ucs2);
        prop_assert_eq!(info.units, text.chars().count());
        prop_assert_eq!(info.segments, textbook_segments(info.units, 70, 67));
    }

    /// (e, general case) Clusters that may not be split only ever add
    /// segments to the textbook count.
    #[test]
    fn segments_are_at_least_the_textbook_count(text in text()) {
        let info = analyze(&text);
        let (per, single) = capacity(info.encoding);
        match info.units {
            0 => prop_assert_eq!(info.segments, 0),
            u if u <= single => prop_assert_eq!(info.segments, 1),
            u => {
                prop_assert!(info.segments >= u.div_ceil(per), "{} < ceil({u} / {per})", info.segments);
                prop_assert!(info.segments <= u);
            }
        }
    }

    /// (f) `segments` covers the text in order, agrees with `analyze`, keeps
    /// each segment within its capacity, cuts between clusters unless a
    /// cluster is larger than a segment, and fills segments greedily.
    #[test]
    fn segments_cover_the_text_within_capacity(text in text()) {
        let info = analyze(&text);
        let segs = segments(&text);
        prop_assert_eq!(segs.len(), info.segments);
        let (per, single) = capacity(info.encoding);
        let cap = if segs.len() == 1 { single } else { per };
        let bounds = grapheme_bounds(&text);
        // The cluster containing each byte offset, and its cost.
        let clusters: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
        let cluster_at = |at: usize| {
            let i = match clusters.binary_search_by_key(&at, |&(i, _)| i) {
                Ok(i) => i,
                Err(i) => i - 1,
            };
            clusters[i]
        };
        let mut at = 0;
        for (n, s) in segs.iter().enumerate() {
            prop_assert_eq!(s.range.start, at, "segment {} does not follow on", n);
            prop_assert!(s.range.end > s.range.start, "segment {} is empty", n);
            prop_assert!(text.is_char_boundary(s.range.end));
            let slice = &text[s.range.clone()];
            prop_assert_eq!(s.units, units_in(slice, info.encoding), "segment {} units", n);
            prop_assert!(s.units <= cap, "segment {} has {} units, over {}", n, s.units, cap);
            at = s.range.end;
        }
        prop_assert_eq!(at, text.len());
        prop_assert_eq!(segs.iter().map(|s| s.units).sum::<usize>(), info.units);
        for pair in segs.windows(2) {
            let cut = pair[0].range.end;
            let (start, cluster) = cluster_at(cut);
            let cost = units_in(cluster, info.encoding);
            let oversized = cost > per;
            prop_assert!(
                is_bound(&bounds, cut) || oversized,
                "cut at {cut} inside {cluster:?} ({cost} units)"
            );
            // Greedy: what starts the next segment did not fit in this one.
            let next = if oversized {
                let c = text[cut..].chars().next().expect("a character follows the cut");
                units_in(c.encode_utf8(&mut [0; 4]), info.encoding)
            } else {
                prop_assert_eq!(start, cut);
                cost
            };
            prop_assert!(
                pair[0].units + next > per,
                "segment of {} units closed before {next} more units at {cut}",
                pair[0].units
            );
        }
    }
    /// Words separated by spaces, under a character limit no word exceeds,
    /// wrap greedily: each part ends at the last space that keeps it within
    /// the limit.
    #[test]
    fn spaced_words_wrap_greedily(
        words in vec(("[a-z]{1,12}", 1usize..4), 1..60),
        extra in 0usize..60,
    ) {
        let mut text = String::new();
        let mut spans = Vec::new();
        for (word, spaces) in &words {
            spans.push((text.len(), text.len() + word.len()));
            text.push_str(word);
            text.push_str(&" ".repeat(*spaces));
        }
        let max = 12 + extra;
        let mut expected = Vec::new();
        let mut i = 0;
        while i < spans.len() {
            let mut j = i;
            while j + 1 < spans.len() && spans[j + 1].1 - spans[i].0 <= max {
                j += 1;
            }
            expected.push(&text[spans[i].0..spans[j].1]);
            i = j + 1;
        }
        let parts = split_text(&text, TextLimit::new(max, TextUnit::Chars)).unwrap();
        prop_assert_eq!(parts, expected);
    }

    /// Text with no white space, sentence end or wide character offers no
    /// break better than between two clusters, so every part is as long as
    /// the limit allows: one more cluster would not fit.
    #[test]
    fn unbreakable_text_fills_each_part(text in unbreakable_text(), limit in limit()) {
        let Ok(parts) = split_text(&text, limit) else {
            return Ok(());
        };
        let mut at = 0;
        for (n, part) in parts.iter().enumerate() {
            prop_assert_eq!(offset_in(&text, part), at, "a gap before part {}", n);
            at += part.len();
            if let Some(next) = text[at..].graphemes(true).next() {
                let longer = &text[offset_in(&text, part)..at + next.len()];
                prop_assert!(
                    !limit.fits(longer),
                    "part {n} {part:?} could have taken {next:?} too"
                );
            }
        }
        prop_assert_eq!(at, text.len());
    }

    /// Text that fits once its leading and trailing white space is dropped
    /// is sent whole, as one part, even when trailing white space alone
    /// would take it over the limit.
    #[test]
    fn text_that_fits_once_trimmed_is_one_part(
        text in text(),
        trailing in vec(spacing(), 1..3),
        unit in select(&UNITS[..]),
    ) {
        let text = format!("{text}{}", trailing.concat());
        let trimmed = trim_blank(&text);
        if trimmed.is_empty() {
            return Ok(());
        }
        let limit = TextLimit::new(unit.measure(trimmed), unit);
        prop_assert_eq!(split_text(&text, limit).unwrap(), [trimmed]);
    }

    /// What `remaining_in_segment` reports can be appended without a new
    /// segment, and one unit more cannot, also when a segment was closed
    /// early because a cluster or escape pair moved whole to the next.
    #[test]
    fn remaining_in_segment_is_what_still_fits(text in text()) {
        let info = analyze(&text);
        if info.segments == 0 {
            return Ok(());
        }
        let remaining = info.remaining_in_segment();
        // 'a' is one unit in either encoding and keeps GSM-7 text GSM-7.
        let with = |n: usize| format!("{text}{}", "a".repeat(n));
        let clusters = text.graphemes(true).count();
        prop_assume!(with(1).graphemes(true).count() == clusters + 1);
        let filled = analyze(&with(remaining));
        prop_assert_eq!(
            filled.segments,
            info.segments,
            "{} segments ({} units); {} more units said to fit, but then {} segments",
            info.segments,
            info.units,
            remaining,
            filled.segments
        );
        prop_assert!(analyze(&with(remaining + 1)).segments > info.segments);
    }
}

fn textbook_segments(units: usize, single: usize, per: usize) -> usize {
    match units {
        0 => 0,
        u if u <= single => 1,
        u => u.div_ceil(per),
    }
}

/// The crate's GSM-7 table agrees with the reference table on every
/// Unicode scalar value.
#[test]
fn gsm7_septets_matches_the_reference_table_everywhere() {
    let table = &gsm().septets;
    let mut checked = 0;
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(gsm7_septets(c), table.get(&c).copied(), "{c:?}");
        checked += 1;
    }
    assert_eq!(checked, 0x110000 - 0x800);
}

/// A cluster over the limit is reported for every unit, not only chars.
#[test]
fn split_reports_the_oversized_cluster_in_every_unit() {
    let family = "👩‍👩‍👧‍👦";
    for unit in UNITS {
        let err = split_text(family, TextLimit::new(0, unit)).unwrap_err();
        assert_eq!((err.at, err.unit, err.max), (0, unit, 0));
    }
}

// ---------------------------------------------------------------------------
// The expression language: printing and parsing.

/// The words that cannot start a path.
const KEYWORDS: [&str; 11] = [
    "true",
    "false",
    "and",
    "or",
    "not",
    "in",
    "has",
    "contains",
    "contains_any",
    "starts_with",
    "matches",
];

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn operand(kind: OperandKind) -> Operand {
    Operand {
        kind,
        span: Span::default(),
    }
}

/// A name as the lexer reads one: a letter or `_`, then letters, digits,
/// `_` and `-`; ASCII or not.
fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_][a-z0-9_-]{0,8}",
        1 => "[\\p{L}_][\\p{L}\\p{N}_-]{0,5}",
    ]
}

/// A dotted path: the first segment is not a keyword, the others may be
/// (`contact.in`).
fn path() -> impl Strategy<Value = Path> {
    let later = prop_oneof![3 => ident(), 1 => select(&KEYWORDS[..]).prop_map(str::to_owned)];
    (
        ident().prop_filter("a keyword cannot start a path", |s| {
            !KEYWORDS.contains(&s.as_str())
        }),
        vec(later, 0..3),
    )
        .prop_map(|(first, rest)| Path {
            segments: std::iter::once(first).chain(rest).collect(),
        })
}

/// Finite numbers: small integers, fractions, and anything from subnormal
/// to `f64::MAX`, negative zero included.
fn number() -> impl Strategy<Value = f64> {
    use prop::num::f64 as f;
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO,
        select(vec![
            -0.0,
            0.1,
            -2.5,
            1e21,
            1e-7,
            f64::MAX,
            f64::MIN,
            5e-324
        ]),
    ]
}

/// Text with the characters quoting must get right: both quotes,
/// backslashes (also before `n`, `t` and quotes), line ends, tabs, CJK.
fn literal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "['\"\\\\nt\n\r\t a-z退款人工🚚]{0,12}",
        1 => any::<String>(),
        1 => fragment(),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        literal_text().prop_map(Value::Text),
    ]
}

/// An operand that is not a group.
fn simple_operand() -> impl Strategy<Value = OperandKind> {
    prop_oneof![
        3 => path().prop_map(OperandKind::Path),
        3 => value().prop_map(OperandKind::Literal),
        1 => vec(value(), 0..4).prop_map(|items| {
            OperandKind::List(
                items
                    .into_iter()
                    .map(|value| Literal {
                        value,
                        span: Span::default(),
                    })
                    .collect(),
            )
        }),
    ]
}

/// Trees the parser can produce: `or` and `and` have two or more items, a
/// lone operand is never a group (parentheses alone are no node), groups
/// appear only as a comparison's operands.
fn expr_tree() -> impl Strategy<Value = Expr> {
    let compare = |lhs: BoxedStrategy<OperandKind>, rhs: BoxedStrategy<OperandKind>| {
        (lhs, select(&Op::ALL[..]), rhs).prop_map(|(lhs, op, rhs)| {
            node(ExprKind::Compare {
                lhs: operand(lhs),
                op,
                rhs: operand(rhs),
            })
        })
    };
    let leaf = prop_oneof![
        1 => simple_operand().prop_map(|o| node(ExprKind::Operand(operand(o)))),
        2 => compare(simple_operand().boxed(), simple_operand().boxed()),
    ];
    leaf.prop_recursive(5, 48, 4, move |inner| {
        let side = prop_oneof![
            3 => simple_operand(),
            1 => inner.clone().prop_map(|e| OperandKind::Group(Box::new(e))),
        ]
        .boxed();
        prop_oneof![
            vec(inner.clone(), 2..4).prop_map(|items| node(ExprKind::Or(items))),
            vec(inner.clone(), 2..4).prop_map(|items| node(ExprKind::And(items))),
            inner.clone().prop_map(|e| node(ExprKind::Not(Box::new(e)))),
            compare(side.clone(), side),
        ]
    })
}

/// Source that is mostly the language's own tokens, with stray characters,
/// so that parsing succeeds often and fails in every way.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => select(vec![
            "text", "contact.tier", "conversation.tags", "bot.fallbacks", "hours.eu", "a.in",
            "true", "false", "and", "or", "not", "in", "not in", "has", "contains",
            "contains_any", "starts_with", "matches", "==", "!=", "<", "<=", ">", ">=", "(",
            ")", "[", "]", ",", ".", "'refund'", "\"退款\"", "'it\\'s'", "'\\d+'", "3", "-0",
            "-1.5", "1_000", "0.", "1e5", "=", "!", "&&", "'", " ",
        ])
        .prop_map(str::to_owned),
        1 => ident(),
        1 => value().prop_map(|v| match v {
            Value::Number(n) => n.to_string(),
            Value::Text(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            other => format!("{other:?}").to_lowercase(),
        }),
        1 => any::<char>().prop_map(String::from),
    ];
    vec(token, 1..24).prop_map(|tokens| tokens.join(" "))
}

/// Spells `e` the way people write, not the way it prints: double quotes,
/// optional escapes, extra parentheses, `1_000` and `3.0`, spaces around
/// dots, trailing commas in lists, tabs and line breaks. The bytes pick
/// the variants (zeros once they run out).
fn spell(e: &Expr, picks: &mut impl Iterator<Item = u8>) -> String {
    let mut out = String::new();
    spell_expr(e, picks, &mut out);
    out
}

fn pick(picks: &mut impl Iterator<Item = u8>, n: u8) -> u8 {
    picks.next().unwrap_or(0) % n
}

fn space(picks: &mut impl Iterator<Item = u8>) -> &'static str {
    [" ", " ", "  ", "\t", "\n ", "\r\n"][usize::from(pick(picks, 6))]
}

fn spell_expr(e: &Expr, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    // Parentheses around a whole condition are no node.
    let extra = pick(picks, 5) == 0;
    if extra {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            let or = matches!(e.kind, ExprKind::Or(_));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(space(picks));
                    out.push_str(if or { "or" } else { "and" });
                    out.push_str(space(picks));
                }
                let nested = match item.kind {
                    ExprKind::Or(_) => true,
                    ExprKind::And(_) => !or,
                    _ => false,
                };
                spell_grouped(item, nested, picks, out);
            }
        }
        ExprKind::Not(inner) => {
            out.push_str("not");
            out.push_str(space(picks));
            let nested = matches!(inner.kind, ExprKind::Or(_) | ExprKind::And(_));
            spell_grouped(inner, nested, picks, out);
        }
        ExprKind::Compare { lhs, op, rhs } => {
            spell_operand(lhs, picks, out);
            let symbolic = !op.as_str().starts_with(char::is_alphabetic);
            let tight = symbolic && pick(picks, 3) == 0;
            if !tight {
                out.push_str(space(picks));
            }
            if *op == Op::NotIn {
                out.push_str("not");
                out.push_str(space(picks));
                out.push_str("in");
            } else {
                out.push_str(op.as_str());
            }
            if !tight {
                out.push_str(space(picks));
            }
            spell_operand(rhs, picks, out);
        }
        ExprKind::Operand(o) => spell_operand(o, picks, out),
        _ => unreachable!("the generator makes no other kinds"),
    }
    if extra {
        out.push(')');
    }
}

fn spell_grouped(e: &Expr, parens: bool, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    if parens {
        out.push('(');
    }
    spell_expr(e, picks, out);
    if parens {
        out.push(')');
    }
}

fn spell_operand(o: &Operand, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    match &o.kind {
        OperandKind::Path(p) => {
            for (i, seg) in p.segments.iter().enumerate() {
                if i > 0 {
                    out.push_str([".", ".", " . ", "\n."][usize::from(pick(picks, 4))]);
                }
                out.push_str(seg);
            }
        }
        OperandKind::Literal(v) => spell_value(v, picks, out),
        OperandKind::List(items) => {
            out.push('[');
            for (i, l) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str([", ", ",", " ,\n"][usize::from(pick(picks, 3))]);
                }
                spell_value(&l.value, picks, out);
            }
            if !items.is_empty() && pick(picks, 4) == 0 {
                out.push(',');
            }
            out.push(']');
        }
        OperandKind::Group(g) => {
            out.push('(');
            spell_expr(g, picks, out);
            out.push(')');
        }
        _ => unreachable!("the generator makes no other kinds"),
    }
}

fn spell_value(v: &Value, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    match v {
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => {
            let canonical = n.to_string();
            match pick(picks, 4) {
                // 3 as 3.0, 0.5 as 0.50.
                0 if canonical.contains('.') => out.push_str(&format!("{canonical}0")),
                0 => out.push_str(&format!("{canonical}.0")),
                // A digit separator after the first digit.
                1 => {
                    let at = canonical
                        .find(|c: char| c.is_ascii_digit())
                        .map_or(0, |i| i + 1);
                    let (head, tail) = canonical.split_at(at);
                    out.push_str(head);
                    if tail.starts_with(|c: char| c.is_ascii_digit()) {
                        out.push('_');
                    }
                    out.push_str(tail);
                }
                // A leading zero.
                2 => match canonical.strip_prefix('-') {
                    Some(abs) => out.push_str(&format!("-0{abs}")),
                    None => out.push_str(&format!("0{canonical}")),
                },
                _ => out.push_str(&canonical),
            }
        }
        Value::Text(s) => {
            let quote = if pick(picks, 2) == 0 { '\'' } else { '"' };
            out.push(quote);
            let chars: Vec<char> = s.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                match c {
                    '\\' => {
                        // A backslash may stand alone, as in `\d`, before a
                        // character that is not written as or into an
                        // escape.
                        let alone = chars.get(i + 1).is_some_and(|n| {
                            !matches!(n, '\\' | '\'' | '"' | 'n' | 't' | '\n' | '\t')
                        });
                        let doubled = !alone || pick(picks, 2) == 0;
                        out.push_str(if doubled { "\\\\" } else { "\\" });
                    }
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\'' | '"' if pick(picks, 2) == 0 => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\n' if pick(picks, 2) == 0 => out.push_str("\\n"),
                    '\t' if pick(picks, 2) == 0 => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push(quote);
        }
        Value::List(_) => unreachable!("literals are text, numbers or booleans"),
    }
}

/// What the fuzz target `expr_parse` checks: print → parse gives the same
/// tree and print → parse → print the same string.
fn check_print_parse(e: &Expr) -> Result<(), TestCaseError> {
    let printed = e.to_string();
    let again = match Expr::parse(&printed) {
        Ok(again) => again,
        Err(err) => {
            return Err(TestCaseError::fail(format!(
                "{printed:?} does not parse: {} at {:?}\n{e:?}",
                err.message(),
                err.span()
            )));
        }
    };
    prop_assert!(
        again.same_as(e),
        "{printed:?} parses to another tree\nfirst: {e:?}\nagain: {again:?}"
    );
    prop_assert_eq!(again.to_string(), printed);
    Ok(())
}

// ---------------------------------------------------------------------------
// Configurations and routing.

/// Declarations the generated rules refer to.
const CONFIG_PREAMBLE: &str = r#"[[queues]]
id = "a"
calendar = "eu"

[[queues]]
id = "b"
eligible = "agent.skills.billing >= 2"

[bots.faq]

[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"
closed = ["2026-12-25"]

[templates]
greeting = "Hello."
"#;

/// Conditions that check against the preamble.
const CONDITIONS: &[&str] = &[
    "true",
    "false",
    "text contains 'refund'",
    "text contains_any ['refund', '退款', 'invoice']",
    "text starts_with 'hi'",
    r"text matches 'order #?\d{3,}'",
    r"text matches '(?-i)URGENT'",
    "channel == 'sms'",
    "channel in ['whatsapp', 'webchat']",
    "lang not in ['en', 'de']",
    "contact.tier == 'vip'",
    "contact.orders > 3",
    "contact.beta",
    "conversation.new",
    "conversation.tags has 'refund'",
    "bot.fallbacks >= 2",
    "sentiment < -0.3",
    "hours.eu",
    "hour >= 18",
    "weekday in ['sat', 'sun']",
    "attachments has 'image'",
];

/// Sometimes-wrong comparisons: unknown names, type mismatches, bad
/// regexes.
const CONFIG_PATHS: &[&str] = &[
    "text",
    "channel",
    "contact.tier",
    "contact.orders",
    "conversation.tags",
    "hours.eu",
    "hours.us",
    "agent.id",
    "txt",
];
const CONFIG_LITERALS: &[&str] = &["'refund'", "3", "true", "['en', 'zh']", "['a', 2]", "'('"];

/// `then` tables, and whether each routes.
const ACTIONS: &[(&str, bool)] = &[
    (r#"{ queue = "a" }"#, true),
    (r#"{ queue = "b", priority = 7 }"#, true),
    (r#"{ bot = "faq" }"#, true),
    ("{ drop = true }", true),
    (r#"{ tags = ["refund"] }"#, false),
    ("{ priority = -3 }", false),
    (r#"{ reply = "greeting" }"#, false),
    (r#"{ set = { tier = "gold" }, opt_out = true }"#, false),
    (
        r#"{ queue = "a", tags = ["vip", "退款"], reply = "greeting" }"#,
        true,
    ),
];

/// `then` tables with a mistake.
const BAD_ACTIONS: &[(&str, bool)] = &[
    (r#"{ queue = "c" }"#, true),
    (r#"{ bot = "faq", queue = "a" }"#, true),
    ("{ }", false),
];

fn condition() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        16 => select(CONDITIONS).prop_map(str::to_owned),
        1 => (select(CONFIG_PATHS), select(&Op::ALL[..]), select(CONFIG_LITERALS))
            .prop_map(|(p, op, l)| format!("{p} {op} {l}")),
        1 => (
            select(vec!["contains", "starts_with", "matches", "=="]),
            "[a-z 退款'\\\\.*(]{0,6}",
        )
            .prop_map(|(op, w)| {
                format!("text {op} '{}'", w.replace('\\', "\\\\").replace('\'', "\\'"))
            }),
    ];
    atom.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 2..4).prop_map(|v| v.join(" and ")),
            vec(inner.clone(), 2..4).prop_map(|v| v.join(" or ")),
            inner.clone().prop_map(|e| format!("not ({e})")),
            inner.clone().prop_map(|e| format!("({e})")),
        ]
    })
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A small configuration: the preamble, a `[defaults]`, and up to six
/// rules built from conditions and actions.
fn config_source() -> impl Strategy<Value = String> {
    let action = prop_oneof![20 => select(ACTIONS), 1 => select(BAD_ACTIONS)];
    let rule = (condition(), action, any::<bool>());
    (
        select(vec!["", "bot = \"faq\"", "queue = \"a\"", "queue = \"b\""]),
        vec(rule, 0..6),
    )
        .prop_map(|(default, rules)| {
            let mut src = String::from(CONFIG_PREAMBLE);
            if !default.is_empty() {
                src.push_str(&format!("\n[defaults]\n{default}\n"));
            }
            for (i, (when, (then, routes), cont)) in rules.into_iter().enumerate() {
                src.push_str(&format!(
                    "\n[[rules]]\nid = \"r{i}\"\nwhen = {}\nthen = {then}\n",
                    toml_string(&when)
                ));
                if cont && !routes {
                    src.push_str("continue = true\n");
                }
            }
            src
        })
}

/// The facts of one message, owned.
#[derive(Debug, Clone)]
struct Message {
    ms: u64,
    channel: Option<ChannelKind>,
    text: String,
    lang: Option<&'static str>,
    contact: Option<Attributes>,
    image: bool,
    new: bool,
    tags: Vec<String>,
    fallbacks: Option<u32>,
    sentiment: Option<f64>,
}

fn message() -> impl Strategy<Value = Message> {
    let ms = prop_oneof![
        // 2026 to 2027, around the 2026-12-25 closure.
        3 => 1_767_225_600_000u64..1_798_761_600_000,
        1 => select(vec![0, 253_402_300_800_000, i64::MAX as u64, u64::MAX]),
    ];
    let text = prop_oneof![
        vec(
            select(vec![
                "refund",
                "REFUND",
                "退款",
                "hi",
                "order #12345",
                "URGENT",
                "invoice",
                "agent",
                "人工",
                "please",
                "!!",
                " ",
            ]),
            0..6,
        )
        .prop_map(|w| w.join(" ")),
        text(),
    ];
    let contact = prop::option::of(
        (
            prop::option::of(select(vec!["vip", "gold"])),
            -2i32..10,
            any::<bool>(),
        )
            .prop_map(|(tier, orders, beta)| {
                let mut a = Attributes::from([
                    ("orders".to_owned(), Value::from(orders)),
                    ("beta".to_owned(), Value::from(beta)),
                ]);
                if let Some(t) = tier {
                    a.insert("tier".to_owned(), Value::from(t));
                }
                a
            }),
    );
    (
        (
            ms,
            prop::option::of(select(ChannelKind::BUILT_IN.to_vec())),
            text,
            prop::option::of(select(vec!["en", "zh", "de"])),
            contact,
        ),
        (
            any::<bool>(),
            any::<bool>(),
            prop::option::of(Just(vec!["refund".to_owned()])),
            prop::option::of(0u32..4),
            prop::option::of(-1.0f64..1.0),
        ),
    )
        .prop_map(
            |((ms, channel, text, lang, contact), (image, new, tags, fallbacks, sentiment))| {
                Message {
                    ms,
                    channel,
                    text,
                    lang,
                    contact,
                    image,
                    new,
                    tags: tags.unwrap_or_default(),
                    fallbacks,
                    sentiment,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// (a) The printed form of any tree the parser can produce parses back
    /// to the same tree, and prints the same.
    #[test]
    fn printed_expression_trees_parse_back(e in expr_tree()) {
        check_print_parse(&e)?;
    }

    /// (b) The same trees spelled the way people write them parse to the
    /// same tree, and print → parse → print is a fixed point.
    #[test]
    fn hand_written_spellings_parse_to_the_same_tree(
        e in expr_tree(),
        picks in vec(any::<u8>(), 0..256),
    ) {
        let src = spell(&e, &mut picks.into_iter());
        let parsed = match Expr::parse(&src) {
            Ok(parsed) => parsed,
            Err(err) => {
                return Err(TestCaseError::fail(format!(
                    "{src:?} does not parse: {} at {:?}\n{e:?}",
                    err.message(),
                    err.span()
                )));
            }
        };
        prop_assert!(
            parsed.same_as(&e),
            "{src:?} parses to another tree\nwanted: {e:?}\ngot:    {parsed:?}"
        );
        check_print_parse(&parsed)?;
    }

    /// (c) Parsing never panics; what parses prints to a fixed point of
    /// print → parse → print.
    #[test]
    fn parsing_never_panics_and_printing_is_a_fixed_point(
        src in prop_oneof![3 => token_soup(), 1 => any::<String>()],
    ) {
        if let Ok(e) = Expr::parse(&src) {
            check_print_parse(&e)?;
        }
    }
}

proptest! {
    /// (d) Loading a configuration never panics, an error renders, and a
    /// router's `route` and `explain` always decide alike.
    #[test]
    fn route_and_explain_agree(src in config_source(), m in message()) {
        let config = match Config::from_toml_str(&src) {
            Ok(config) => config,
            Err(err) => {
                prop_assert!(err.errors().next().is_some(), "no error in {err:?}");
                prop_assert!(!err.to_string().is_empty());
                return Ok(());
            }
        };
        let attachments: Vec<Attachment> = if m.image {
            vec![Attachment::new(AttachmentKind::Image, "https://img.example/a.png")]
        } else {
            Vec::new()
        };
        let mut facts = Facts::new(Timestamp::from_millis(m.ms))
            .with_text(&m.text)
            .with_attachments(&attachments)
            .with_conversation(ConversationFacts {
                new: m.new,
                tags: &m.tags,
                ..ConversationFacts::default()
            });
        if let Some(c) = &m.channel {
            facts = facts.with_channel(c);
        }
        if let Some(l) = m.lang {
            facts = facts.with_lang(l);
        }
        if let Some(c) = &m.contact {
            facts = facts.with_contact(c);
        }
        if let Some(f) = m.fallbacks {
            facts = facts.with_bot(BotFacts { fallbacks: f, ..BotFacts::default() });
        }
        if let Some(s) = m.sentiment {
            facts = facts.with_sentiment(s);
        }
        let decision = config.router().route(&facts);
        let (explained, why) = config.router().explain(&facts);
        prop_assert_eq!(&decision, &explained, "{}", why);
        prop_assert_eq!(decision.rule.is_none(), why.default_applied);
    }
}
