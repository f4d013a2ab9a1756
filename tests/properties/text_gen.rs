//! Text that breaks naive code, and the helpers that check splits and
//! renders: generators for the channel properties.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use switchboard::channel::sms::SmsEncoding;
use switchboard::channel::{
    Capabilities, Outbound, RenderError, TextLimit, TextUnit, WindowState, render,
};
use switchboard::{Content, QuickReply};
use unicode_segmentation::UnicodeSegmentation;

// ---------------------------------------------------------------------------
// The GSM 03.38 table, read from the test data: an independent reference.

#[derive(Deserialize)]
pub(crate) struct Table {
    basic: Vec<Entry>,
    extension: Vec<Entry>,
}

#[derive(Deserialize)]
pub(crate) struct Entry {
    #[serde(rename = "char")]
    ch: String,
    septets: usize,
}

pub(crate) struct Gsm {
    /// Septets per character of the basic (1) and extension (2) tables.
    pub(crate) septets: HashMap<char, usize>,
    /// The basic table without CR, whose clusters are all one character.
    pub(crate) basic_single: Vec<char>,
    pub(crate) extension: Vec<char>,
}

pub(crate) static GSM: LazyLock<Gsm> = LazyLock::new(|| {
    let table: Table = serde_json::from_str(include_str!("../data/gsm7-charset.json"))
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

pub(crate) fn gsm() -> &'static Gsm {
    LazyLock::force(&GSM)
}

// ---------------------------------------------------------------------------
// Text generators.

pub(crate) fn chars_to_string(chars: Vec<char>) -> String {
    chars.into_iter().collect()
}

pub(crate) fn pictograph() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::char::range('\u{1F300}', '\u{1F5FF}'),
        prop::char::range('\u{1F600}', '\u{1F64F}'),
        prop::char::range('\u{1F900}', '\u{1F9FF}'),
        prop::char::range('\u{2600}', '\u{26FF}'),
    ]
}

pub(crate) fn skin_tone() -> impl Strategy<Value = char> {
    prop::char::range('\u{1F3FB}', '\u{1F3FF}')
}

pub(crate) fn regional_indicator() -> impl Strategy<Value = char> {
    prop::char::range('\u{1F1E6}', '\u{1F1FF}')
}

pub(crate) fn combining_mark() -> impl Strategy<Value = char> {
    prop::char::range('\u{0300}', '\u{036F}')
}

pub(crate) const ZWJ_SEQUENCES: &[&str] = &[
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
pub(crate) fn zwj_sequence() -> impl Strategy<Value = String> {
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
pub(crate) fn flags() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec((regional_indicator(), regional_indicator()), 1..4)
            .prop_map(|pairs| pairs.into_iter().flat_map(|(a, b)| [a, b]).collect()),
        1 => vec(regional_indicator(), 1..6).prop_map(chars_to_string),
    ]
}

/// Emoji with skin tones, and lone skin-tone modifiers.
pub(crate) fn skin_toned() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (pictograph(), skin_tone()).prop_map(|(p, t)| [p, t].iter().collect()),
        1 => skin_tone().prop_map(String::from),
    ]
}

pub(crate) fn cjk() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => prop::char::range('\u{4E00}', '\u{9FFF}'),
        1 => prop::char::range('\u{3040}', '\u{30FF}'),
        2 => select(&['。', '！', '？', '，', '、', '「', '」', '（', '）', 'ー', '　'][..]),
    ];
    vec(c, 1..16).prop_map(chars_to_string)
}

/// Letters with combining marks, lone combining marks, and (rarely) a
/// cluster of hundreds of stacked marks.
pub(crate) fn combining() -> impl Strategy<Value = String> {
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

pub(crate) fn gsm_extension() -> impl Strategy<Value = String> {
    vec(select(&gsm().extension[..]), 1..5).prop_map(chars_to_string)
}

pub(crate) fn gsm_basic() -> impl Strategy<Value = String> {
    vec(select(&gsm().basic_single[..]), 1..12).prop_map(chars_to_string)
}

pub(crate) fn words() -> impl Strategy<Value = String> {
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

pub(crate) fn control() -> impl Strategy<Value = String> {
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
pub(crate) fn spacing() -> impl Strategy<Value = String> {
    select(
        &[
            "\r\n", "\r\n", "\r", "\n", "\r\n\r\n", " \r\n ", "\u{2028}", "\u{2029}", "\u{3000}",
            "\u{A0}", "\u{200B}", "\u{FEFF}", "\u{200D}", "\u{FE0F}", "\u{FE0E}", "\u{85}",
        ][..],
    )
    .prop_map(str::to_owned)
}

pub(crate) fn hangul() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            prop::char::range('\u{1100}', '\u{11FF}'),
            prop::char::range('\u{AC00}', '\u{D7A3}'),
        ],
        1..6,
    )
    .prop_map(chars_to_string)
}

pub(crate) fn astral() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::char::range('\u{20000}', '\u{2A6DF}'),
        prop::char::range('\u{1F600}', '\u{1F64F}'),
        prop::char::range('\u{10000}', '\u{10FFFF}'),
    ]
    .prop_map(String::from)
}

/// One short fragment of text.
pub(crate) fn fragment() -> impl Strategy<Value = String> {
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
pub(crate) fn repeatable_fragment() -> impl Strategy<Value = String> {
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
pub(crate) fn gsm_text() -> impl Strategy<Value = String> {
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
pub(crate) fn text() -> impl Strategy<Value = String> {
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
pub(crate) fn unbreakable_text() -> impl Strategy<Value = String> {
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

pub(crate) fn limit() -> impl Strategy<Value = TextLimit> {
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
pub(crate) fn grapheme_bounds(text: &str) -> Vec<usize> {
    let mut bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
    bounds.push(text.len());
    bounds
}

pub(crate) fn is_bound(bounds: &[usize], at: usize) -> bool {
    bounds.binary_search(&at).is_ok()
}

pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// `s` without its leading and trailing blank grapheme clusters.
pub(crate) fn trim_blank(s: &str) -> &str {
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
pub(crate) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Byte offset of `part` in `text`, of which it must be a slice.
pub(crate) fn offset_in(text: &str, part: &str) -> usize {
    let start = text.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    assert!(
        at >= start && at + part.len() <= start + text.len(),
        "part {part:?} is not a slice of the text"
    );
    at - start
}

/// Length of `s` in the units of `encoding`, counted independently.
pub(crate) fn units_in(s: &str, encoding: SmsEncoding) -> usize {
    match encoding {
        SmsEncoding::Gsm7 => s.chars().map(|c| gsm().septets[&c]).sum(),
        SmsEncoding::Ucs2 => s.chars().map(char::len_utf16).sum(),
    }
}

/// The SMS capacity of one segment of a concatenated message, and of a
/// message sent as a single segment.
pub(crate) fn capacity(encoding: SmsEncoding) -> (usize, usize) {
    match encoding {
        SmsEncoding::Gsm7 => (153, 160),
        SmsEncoding::Ucs2 => (67, 70),
    }
}

pub(crate) fn check_render(content: &Content, caps: &Capabilities) -> Result<(), TestCaseError> {
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

pub(crate) const UNITS: [TextUnit; 3] = [TextUnit::Chars, TextUnit::Utf16, TextUnit::SmsSegments];
