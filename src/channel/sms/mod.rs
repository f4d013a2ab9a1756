//! SMS encoding and segment counting.
//!
//! An SMS carries 140 octets. Text goes as GSM-7 (7-bit septets, 160 per
//! message) when every character is in the GSM 03.38 alphabet, otherwise the
//! whole message goes as UCS-2 (UTF-16 code units, 70 per message). A longer
//! message is sent as concatenated segments, each losing 6 octets to the
//! user-data header: 153 septets or 67 units per segment.
//!
//! Segments are filled greedily and never split an extension character's
//! escape sequence, a surrogate pair or a grapheme cluster (a flag, a skin-toned
//! or ZWJ emoji, a letter with its combining marks): a cluster that does not
//! fit moves whole to the next segment, as Twilio's segment calculator does. A
//! single cluster larger than a whole segment (only seen in abusive text, such
//! as hundreds of stacked combining marks) is split between its code points.
//!
//! Counting differs from Twilio's calculator in two places, both deliberate:
//! empty text has 0 segments (nothing is sent; Twilio reports 1), and
//! `"\r\n"` is one grapheme cluster here (Twilio splits it in two), which only
//! matters when it straddles a segment boundary.
//!
//! Compared with the `sms_splitter` crate (0.1.9) on the 90 reference cases
//! in `tests/data/sms-segments.json`: both agree with the reference on the
//! encoding of all 90. `sms_splitter` gets 89 segment counts right; it misses
//! the flag at a segment boundary (it only avoids splitting surrogate pairs,
//! so it splits a flag's two regional indicators and counts 2 segments where
//! the reference and this module count 3). This module also gets 89, the
//! exception being empty text, by the choice above. `analyze` is faster too:
//! see `benches/channel.rs`.
//!
//! # Examples
//!
//! ```
//! use switchboard::channel::sms::{analyze, SmsEncoding};
//!
//! let info = analyze("Your code is 123456");
//! assert_eq!((info.encoding, info.units, info.segments), (SmsEncoding::Gsm7, 19, 1));
//!
//! let info = analyze("订单已发货 🚚");
//! assert_eq!(info.encoding, SmsEncoding::Ucs2);
//! assert_eq!(info.units, 8); // the truck emoji is a surrogate pair
//! assert!(info.non_gsm_chars.contains(&'🚚'));
//! ```

mod gsm7;

pub use gsm7::gsm7_septets;

use serde::{Deserialize, Serialize};
use std::ops::Range;
use unicode_segmentation::GraphemeCursor;

/// How an SMS is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    /// The GSM 03.38 7-bit default alphabet: 160 septets alone, 153 per
    /// concatenated segment.
    Gsm7,
    /// UCS-2 (UTF-16 on today's networks): 70 code units alone, 67 per
    /// concatenated segment.
    Ucs2,
}

impl SmsEncoding {
    /// Units that fit in a message sent as a single segment.
    pub const fn single_segment_units(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 160,
            SmsEncoding::Ucs2 => 70,
        }
    }

    /// Units that fit in each segment of a concatenated message.
    pub const fn multi_segment_units(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 153,
            SmsEncoding::Ucs2 => 67,
        }
    }
}

/// What an SMS text costs: its encoding, length and number of segments.
///
/// Built by [`analyze`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SmsInfo {
    /// GSM-7 when every character is in the GSM alphabet, UCS-2 otherwise.
    pub encoding: SmsEncoding,
    /// Length in the encoding's unit: septets for GSM-7 (extension characters
    /// such as `€`, `{`, `[` count 2), UTF-16 code units for UCS-2 (most emoji
    /// count 2).
    pub units: usize,
    /// Segments needed: 0 for empty text, 1 up to 160 / 70 units, otherwise
    /// the count of 153 / 67-unit segments filled without splitting a cluster.
    pub segments: usize,
    /// Units in the last segment (all of them for a single segment).
    pub last_segment_units: usize,
    /// The distinct characters not in the GSM alphabet, which forced UCS-2,
    /// in code point order (empty for GSM-7). A UI can show these to the
    /// author: replacing `’` by `'` may halve the price of a message.
    pub non_gsm_chars: Vec<char>,
}

impl SmsInfo {
    /// Units that can still be appended, in the same encoding, before one
    /// more segment is needed. Space left unused at the end of an earlier
    /// segment, where a cluster moved whole to the next one, does not count.
    ///
    /// ```
    /// use switchboard::channel::sms::analyze;
    /// assert_eq!(analyze("hello").remaining_in_segment(), 155);
    /// assert_eq!(analyze(&"a".repeat(161)).remaining_in_segment(), 145);
    /// // 20 flags: 16 fill 64 of the first segment's 67 units, 4 go on.
    /// assert_eq!(analyze(&"🇩🇪".repeat(20)).remaining_in_segment(), 51);
    /// ```
    pub fn remaining_in_segment(&self) -> usize {
        let capacity = match self.segments {
            0 | 1 => self.encoding.single_segment_units(),
            _ => self.encoding.multi_segment_units(),
        };
        capacity.saturating_sub(self.last_segment_units)
    }
}

/// One segment of a concatenated SMS: where it lies in the text and how many
/// units it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSegment {
    /// Byte range of the text carried by this segment.
    pub range: Range<usize>,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2) in this segment.
    pub units: usize,
}

/// Analyzes what `text` costs as an SMS.
///
/// Runs in time linear in the text, however long its grapheme clusters or
/// runs of flags: one pass over the characters, plus, where a UCS-2 segment
/// overflows, a look-up of the cluster there that never walks back past the
/// segment's start. Never panics and never fails: every string has an
/// encoding and a segment count.
///
/// # Examples
///
/// ```
/// use switchboard::channel::sms::{analyze, SmsEncoding};
///
/// // 152 septets, then a 2-septet euro sign that does not fit in the rest of
/// // the first segment: the escape pair moves whole to segment 2.
/// let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
/// let info = analyze(&text);
/// assert_eq!(info.units, 306);
/// assert_eq!(info.segments, 3);
///
/// assert_eq!(analyze("").segments, 0);
/// assert_eq!(analyze("ça va").non_gsm_chars, vec!['ç']);
/// ```
pub fn analyze(text: &str) -> SmsInfo {
    let mut septets = 0usize;
    let mut utf16 = 0usize;
    let mut non_gsm = Vec::new();
    for c in text.chars() {
        utf16 += c.len_utf16();
        match gsm7_septets(c) {
            Some(n) => septets += n,
            None => non_gsm.push(c),
        }
    }
    let (encoding, units) = if non_gsm.is_empty() {
        (SmsEncoding::Gsm7, septets)
    } else {
        non_gsm.sort_unstable();
        non_gsm.dedup();
        (SmsEncoding::Ucs2, utf16)
    };
    let mut last_segment_units = units;
    let segments = match units {
        0 => 0,
        u if u <= encoding.single_segment_units() => 1,
        _ => pack(text, encoding, |_, units| last_segment_units = units),
    };
    SmsInfo {
        encoding,
        units,
        segments,
        last_segment_units,
        non_gsm_chars: non_gsm,
    }
}

/// Splits `text` into the segments it would be sent as.
///
/// The segments' ranges cover the text without gaps; their count equals
/// [`analyze`]`(text).segments`.
///
/// # Examples
///
/// ```
/// use switchboard::channel::sms::segments;
///
/// let text = "🇩🇪".repeat(20); // 20 flags, 80 UTF-16 units
/// let parts = segments(&text);
/// assert_eq!(parts.len(), 2);
/// assert_eq!(parts[0].units, 64); // a 17th flag (4 units) would not fit in 67
/// assert_eq!(parts[1].units, 16);
/// assert_eq!(parts[1].range.end, text.len());
/// ```
pub fn segments(text: &str) -> Vec<SmsSegment> {
    let info = analyze(text);
    match info.segments {
        0 => Vec::new(),
        1 => vec![SmsSegment {
            range: 0..text.len(),
            units: info.units,
        }],
        _ => {
            let mut out: Vec<SmsSegment> = Vec::with_capacity(info.segments);
            let mut start = 0;
            pack(text, info.encoding, |end, units| {
                out.push(SmsSegment {
                    range: start..end,
                    units,
                });
                start = end;
            });
            out
        }
    }
}

/// Greedy segment filling shared by counting and splitting.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Packer {
    per_segment: usize,
    segments: usize,
    fill: usize,
}

impl Packer {
    pub(crate) const fn new(per_segment: usize) -> Self {
        Packer {
            per_segment,
            segments: 0,
            fill: 0,
        }
    }

    /// Adds an item of `cost` units that must not be split; returns the units
    /// of the segment it closed, if it started a new one.
    fn push(&mut self, cost: usize) -> Option<usize> {
        if self.segments != 0 && self.fill + cost <= self.per_segment {
            self.fill += cost;
            return None;
        }
        let closed = (self.segments != 0).then_some(self.fill);
        self.segments += 1;
        self.fill = cost;
        closed
    }

    /// Adds a grapheme cluster of `cost` units; a cluster larger than a whole
    /// segment is added code point by code point.
    fn push_cluster(&mut self, cluster: &str, cost: usize, char_cost: fn(char) -> usize) {
        if cost <= self.per_segment {
            self.push(cost);
        } else {
            for c in cluster.chars() {
                self.push(char_cost(c));
            }
        }
    }
}

fn gsm_cost(c: char) -> usize {
    gsm7_septets(c).unwrap_or(0)
}

fn ucs2_cost(c: char) -> usize {
    c.len_utf16()
}

/// Fills segments of `encoding` greedily; calls `on_segment(end_byte, units)`
/// for every segment and returns their count.
fn pack(text: &str, encoding: SmsEncoding, on_segment: impl FnMut(usize, usize)) -> usize {
    match encoding {
        SmsEncoding::Gsm7 => pack_gsm7(text, on_segment),
        SmsEncoding::Ucs2 => pack_ucs2(text, on_segment),
    }
}

/// In GSM-7 text every grapheme cluster is one character, except CR LF, so
/// walking characters is cluster packing without the cost of segmentation.
fn pack_gsm7(text: &str, mut on_segment: impl FnMut(usize, usize)) -> usize {
    let mut packer = Packer::new(SmsEncoding::Gsm7.multi_segment_units());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let mut cost = gsm_cost(c);
        if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
            chars.next();
            cost += 1;
        }
        if let Some(units) = packer.push(cost) {
            on_segment(at, units);
        }
    }
    if packer.segments != 0 {
        on_segment(text.len(), packer.fill);
    }
    packer.segments
}

/// UCS-2 packing that walks characters and asks where grapheme clusters
/// begin only where a segment overflows: the same result as packing cluster
/// by cluster (see [`Packer::push_cluster`]), without segmenting the whole
/// text.
fn pack_ucs2(text: &str, mut on_segment: impl FnMut(usize, usize)) -> usize {
    let per = SmsEncoding::Ucs2.multi_segment_units();
    let (mut segments, mut fill) = (0, 0);
    let mut clusters = OverflowCuts::default();
    for (at, c) in text.char_indices() {
        let cost = ucs2_cost(c);
        if segments != 0 && fill + cost <= per {
            fill += cost;
            continue;
        }
        if segments == 0 {
            (segments, fill) = (1, cost);
            continue;
        }
        // `c` overflows the segment: the next one starts where its cluster
        // does, unless that cluster cannot fit in any segment.
        let cut = clusters.cut(text, at, per);
        let carried: usize = text[cut..at].chars().map(ucs2_cost).sum();
        on_segment(cut, fill - carried);
        segments += 1;
        fill = carried + cost;
    }
    if segments != 0 {
        on_segment(text.len(), fill);
    }
    segments
}

/// Finds where a segment that overflows must end, in time bounded by the
/// segment plus, once per cluster, the cluster's own length.
///
/// A grapheme look-up at an arbitrary offset of the whole text can walk back
/// over everything before it (a run of regional indicators is paired from
/// its first one) or forward over a whole cluster (stacked combining marks);
/// done at every overflow that is quadratic in a long run or cluster. So
/// look-ups see the text only from `base`, a cluster boundary at or after
/// the current segment's start (segmenting from a boundary gives the same
/// clusters as segmenting from the start of the text), and a cluster found to
/// be larger than a segment is remembered until its end.
#[derive(Debug, Default)]
struct OverflowCuts {
    base: usize,
    oversized_end: usize,
}

impl OverflowCuts {
    /// Where the segment that overflows at the character at byte `at` must
    /// end: at the start of the grapheme cluster holding that character, or
    /// at `at` itself when the cluster is larger than a whole segment (it is
    /// then split between code points, as cluster packing does).
    fn cut(&mut self, text: &str, at: usize, per: usize) -> usize {
        if at < self.oversized_end {
            return at;
        }
        let view = &text[self.base..];
        let rel = at - self.base;
        // The whole view is the chunk, so the cursor never asks for more
        // context; if it did, a boundary is the safe answer.
        let mut cursor = GraphemeCursor::new(rel, view.len(), true);
        if cursor.is_boundary(view, 0).unwrap_or(true) {
            self.base = at;
            return at;
        }
        let start = self.base + cursor.prev_boundary(view, 0).ok().flatten().unwrap_or(0);
        let mut cursor = GraphemeCursor::new(rel, view.len(), true);
        let end = self.base
            + cursor
                .next_boundary(view, 0)
                .ok()
                .flatten()
                .unwrap_or(view.len());
        let cost: usize = text[start..end].chars().map(ucs2_cost).sum();
        if cost <= per {
            self.base = start;
            start
        } else {
            self.oversized_end = end;
            self.base = end;
            at
        }
    }
}

/// Counts the segments of a text built up one grapheme cluster at a time, as
/// the splitter does, so that it never re-analyzes a growing prefix.
///
/// After pushing the clusters of a prefix, `segments()` equals
/// `analyze(prefix).segments`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SmsMeter {
    gsm_ok: bool,
    septets: usize,
    utf16: usize,
    gsm: Packer,
    ucs2: Packer,
}

impl SmsMeter {
    pub(crate) const fn new() -> Self {
        SmsMeter {
            gsm_ok: true,
            septets: 0,
            utf16: 0,
            gsm: Packer::new(SmsEncoding::Gsm7.multi_segment_units()),
            ucs2: Packer::new(SmsEncoding::Ucs2.multi_segment_units()),
        }
    }

    /// Adds one grapheme cluster.
    pub(crate) fn push(&mut self, cluster: &str) {
        let utf16: usize = cluster.chars().map(ucs2_cost).sum();
        self.utf16 += utf16;
        self.ucs2.push_cluster(cluster, utf16, ucs2_cost);
        if self.gsm_ok {
            let septets: Option<usize> = cluster.chars().map(gsm7_septets).sum();
            match septets {
                Some(s) => {
                    self.septets += s;
                    self.gsm.push_cluster(cluster, s, gsm_cost);
                }
                None => self.gsm_ok = false,
            }
        }
    }

    /// Segments needed for the clusters pushed so far.
    pub(crate) fn segments(&self) -> usize {
        let (encoding, units, packer) = if self.gsm_ok {
            (SmsEncoding::Gsm7, self.septets, &self.gsm)
        } else {
            (SmsEncoding::Ucs2, self.utf16, &self.ucs2)
        };
        match units {
            0 => 0,
            u if u <= encoding.single_segment_units() => 1,
            _ => packer.segments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("🇩🇪".to_owned()),
            Just("🇮🇹🇫".to_owned()),
            Just("👩‍👩‍👧‍👦".to_owned()),
            Just("👍🏽".to_owned()),
            Just("e\u{301}\u{302}".to_owned()),
            Just("\u{301}".to_owned()),
            Just("\r\n".to_owned()),
            Just("€".to_owned()),
            Just("中文。".to_owned()),
            Just("\u{1F1E9}".repeat(37)),
            Just("\u{301}".repeat(150)),
            Just("\u{200d}👍".repeat(40)),
            Just("क्".repeat(40)),
            "[a-z ]{1,20}",
            "\\PC{1,8}",
        ]
    }

    proptest! {
        /// Packing by characters with cluster look-ups at overflow equals
        /// packing cluster by cluster, on every prefix.
        #[test]
        fn analyze_agrees_with_cluster_packing(parts in proptest::collection::vec(fragment(), 0..60)) {
            let text: String = parts.concat();
            let mut meter = SmsMeter::new();
            for g in text.graphemes(true) {
                meter.push(g);
            }
            prop_assert_eq!(meter.segments(), analyze(&text).segments);
        }
    }

    #[test]
    fn gsm_text_has_single_char_clusters_except_crlf() {
        let gsm: Vec<char> = (0..=0x20ACu32)
            .filter_map(char::from_u32)
            .filter(|&c| gsm7_septets(c).is_some())
            .collect();
        assert_eq!(gsm.len(), 137, "127 basic + 10 extension characters");
        for &a in &gsm {
            for &b in &gsm {
                let s: String = [a, b].iter().collect();
                let n = s.graphemes(true).count();
                let expected = if a == '\r' && b == '\n' { 1 } else { 2 };
                assert_eq!(n, expected, "{a:?}{b:?}");
            }
        }
    }

    #[test]
    fn meter_agrees_with_analyze_on_prefixes() {
        let text = format!(
            "{}€ 🇩🇪👩‍👩‍👧 e\u{301}{}\r\n中文",
            "a".repeat(150),
            "ü".repeat(70)
        );
        let mut meter = SmsMeter::new();
        for (i, g) in text.grapheme_indices(true) {
            meter.push(g);
            let prefix = &text[..i + g.len()];
            assert_eq!(meter.segments(), analyze(prefix).segments, "{prefix:?}");
        }
    }

    #[test]
    fn an_oversized_cluster_is_split_between_code_points() {
        let zalgo = format!("a{}", "\u{301}".repeat(200));
        assert_eq!(zalgo.graphemes(true).count(), 1);
        let info = analyze(&zalgo);
        assert_eq!(info.units, 201);
        assert_eq!(info.segments, 3); // 67 + 67 + 67
        let segs = segments(&zalgo);
        assert_eq!(segs.iter().map(|s| s.units).sum::<usize>(), 201);
    }

    #[test]
    fn long_clusters_and_flag_runs_are_packed_like_clusters() {
        // Each case once took time quadratic in its length.
        let cases = [
            format!("a{}", "\u{301}".repeat(500_000)),
            "🇩🇪".repeat(100_000),
            format!("x{}", "\u{1F1E9}".repeat(100_001)),
            format!("👍{}", "\u{200d}👍".repeat(50_000)),
            format!("{}क", "क्".repeat(100_000)),
            "\u{1100}".repeat(200_000),
        ];
        for text in &cases {
            let mut meter = SmsMeter::new();
            for g in text.graphemes(true) {
                meter.push(g);
            }
            let info = analyze(text);
            assert_eq!(info.segments, meter.segments(), "{:?}", &text[..8]);
            let segs = segments(text);
            assert_eq!(segs.len(), info.segments);
            assert_eq!(segs.iter().map(|s| s.units).sum::<usize>(), info.units);
        }
        assert_eq!(analyze(&cases[0]).segments, 500_001usize.div_ceil(67));
        // 16 flags of 4 units fill 64 of each 67.
        assert_eq!(analyze(&cases[1]).segments, 100_000usize.div_ceil(16));
    }

    #[test]
    fn crlf_stays_in_one_segment() {
        let text = format!("{}\r\n{}", "a".repeat(152), "b".repeat(10));
        let segs = segments(&text);
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].units, 152);
        assert_eq!(&text[segs[1].range.clone()][..2], "\r\n");
    }

    #[test]
    fn remaining_in_segment_for_ucs2() {
        assert_eq!(analyze("中").remaining_in_segment(), 69);
        assert_eq!(analyze(&"中".repeat(71)).remaining_in_segment(), 63);
    }
}
