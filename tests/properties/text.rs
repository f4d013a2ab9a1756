//! Splitting, rendering and SMS segment counting.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use switchboard::channel::sms::{SmsEncoding, analyze, gsm7_septets, segments};
use switchboard::channel::{Capabilities, TextLimit, TextUnit, split_text};
use switchboard::{Attachment, AttachmentKind, ChannelKind, Content, QuickReply};
use unicode_segmentation::UnicodeSegmentation;

use crate::text_gen::*;

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
