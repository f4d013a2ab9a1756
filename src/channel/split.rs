//! Splitting long text into parts that each fit a channel's limit.

use super::capabilities::{TextLimit, TextUnit};
use super::sms::SmsMeter;
use unicode_segmentation::UnicodeSegmentation;

/// A text that cannot be split within a limit without breaking a grapheme
/// cluster.
///
/// Returned when the limit is zero, or smaller than one user-perceived
/// character of the text (a flag needs 2 characters, a family emoji up to 11,
/// a letter under hundreds of stacked combining marks as many as it has).
///
/// The message says what to do: raise the channel's limit when the cluster
/// is one real text can have, or, for a cluster longer than any real text
/// has (more than [`SplitError::LONGEST_NATURAL_CLUSTER`] code points),
/// remove the stacked marks or send the text as an attachment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{}", self.describe())]
pub struct SplitError {
    /// Byte offset of the cluster in the text.
    pub at: usize,
    /// The cluster that does not fit (at most 64 bytes of it).
    pub cluster: String,
    /// Code points in the whole cluster.
    #[serde(default)]
    pub code_points: usize,
    /// Units it needs on its own.
    pub needed: usize,
    /// Units one message holds.
    pub max: usize,
    /// What is counted.
    pub unit: TextUnit,
}

impl SplitError {
    /// The most code points a grapheme cluster of real text has: Unicode's
    /// Stream-Safe Text Format (UAX #15) allows a base character and at most
    /// 30 combining marks, and the longest emoji ZWJ sequences have 10 code
    /// points. A longer cluster is stacked marks ("Zalgo" text).
    pub const LONGEST_NATURAL_CLUSTER: usize = 31;

    fn describe(&self) -> String {
        // Enough to recognise any real cluster; stacked marks would fill
        // the message with escapes.
        const SHOWN: usize = 12;
        let shown: String = self.cluster.chars().take(SHOWN).collect();
        let more = if self.code_points > shown.chars().count() {
            "…"
        } else {
            ""
        };
        let shown = format!("{shown:?}{more}");
        let head = format!(
            "a single character cluster of {} code points at byte {} ({shown}) needs {} {} \
             but one message holds {}",
            self.code_points, self.at, self.needed, self.unit, self.max
        );
        if self.code_points > Self::LONGEST_NATURAL_CLUSTER {
            format!("{head}; remove the stacked combining marks, or send the text as an attachment")
        } else {
            format!("{head}; raise the channel's text limit")
        }
    }
}

/// How good a place to split is; higher is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    Grapheme,
    Word,
    Sentence,
    Line,
    Paragraph,
}

/// Splits `text` into parts that each fit `limit`.
///
/// Each part is a slice of `text`. A split goes at the last paragraph break
/// (a blank line) that leaves a part within the limit; failing that, the last
/// line break, then the last sentence end (Unicode sentence boundaries, so
/// CJK `。！？` end sentences), then the last word boundary (white space,
/// or between two CJK characters, which have no spaces between words), and
/// only as a last resort between two grapheme clusters. A split never falls
/// inside a grapheme cluster: emoji ZWJ sequences, flags, skin tones and
/// combining marks stay whole.
///
/// White space at a split, and at the start and end of the text, is dropped;
/// apart from it the parts joined give back the text. Text of only white
/// space gives no parts.
///
/// # Errors
///
/// [`SplitError`] when one grapheme cluster alone exceeds the limit (always
/// the case for a limit of 0 and non-blank text).
///
/// # Examples
///
/// ```
/// use switchboard::channel::{split_text, TextLimit, TextUnit};
///
/// let text = "Your parcel left the depot. It arrives tomorrow.\n\nReply STOP to opt out.";
/// let parts = split_text(text, TextLimit::new(50, TextUnit::Chars)).unwrap();
/// assert_eq!(parts, ["Your parcel left the depot. It arrives tomorrow.", "Reply STOP to opt out."]);
///
/// let parts = split_text("已发货。明天送达！谢谢", TextLimit::new(5, TextUnit::Chars)).unwrap();
/// assert_eq!(parts, ["已发货。", "明天送达！", "谢谢"]);
///
/// assert!(split_text("🇩🇪", TextLimit::new(1, TextUnit::Chars)).is_err());
/// ```
pub fn split_text(text: &str, limit: TextLimit) -> Result<Vec<&str>, SplitError> {
    split_with(text, limit, best_cut)
}

/// [`split_text`] with the choice of where to end each part passed in, so
/// that tests can compare choices.
fn split_with(
    text: &str,
    limit: TextLimit,
    best_cut: fn(&str, usize, usize, &[usize]) -> usize,
) -> Result<Vec<&str>, SplitError> {
    let mut parts = Vec::new();
    let mut bounds = Vec::new();
    let mut start = skip_blank(text, 0);
    while start < text.len() {
        let rest = &text[start..];
        let mut meter = Meter::new(limit);
        bounds.clear();
        let mut fit_end = start;
        let mut all_fit = true;
        for (i, g) in rest.grapheme_indices(true) {
            if !meter.push(g) {
                if fit_end == start {
                    return Err(too_long(start + i, g, limit));
                }
                // Trailing white space that does not fit is dropped anyway.
                all_fit = skip_blank(text, start + i) == text.len();
                break;
            }
            fit_end = start + i + g.len();
            bounds.push(fit_end);
        }
        if all_fit {
            parts.push(trim_blank_end(rest));
            break;
        }
        let cut = best_cut(text, start, fit_end, &bounds);
        parts.push(trim_blank_end(&text[start..cut]));
        start = skip_blank(text, cut);
    }
    Ok(parts)
}

fn too_long(at: usize, cluster: &str, limit: TextLimit) -> SplitError {
    let mut end = cluster.len().min(64);
    while !cluster.is_char_boundary(end) {
        end -= 1;
    }
    SplitError {
        at,
        cluster: cluster[..end].to_owned(),
        code_points: cluster.chars().count(),
        needed: limit.unit.measure(cluster),
        max: limit.max,
        unit: limit.unit,
    }
}

/// The best place to end the part that starts at `start`, given that
/// `text[start..fit_end]` is the longest prefix within the limit and
/// `bounds` holds the grapheme boundaries in `(start, fit_end]`, ascending.
fn best_cut(text: &str, start: usize, fit_end: usize, bounds: &[usize]) -> usize {
    let is_bound = |p: usize| bounds.binary_search(&p).is_ok();
    // Look past the fitting prefix over any white space and one more
    // cluster, so that a sentence, paragraph or word that ends exactly at the
    // limit is recognised.
    let next = skip_blank(text, fit_end);
    let ext_end = text[next..]
        .graphemes(true)
        .next()
        .map_or(next, |g| next + g.len());
    let window = &text[start..ext_end];
    let mut best = (Break::Grapheme, fit_end);
    let consider = |best: &mut (Break, usize), kind: Break, cut: usize| {
        if cut > start && cut <= fit_end && is_bound(cut) && (kind, cut) >= *best {
            *best = (kind, cut);
        }
    };
    // A part ends before the blanks that precede a boundary. They are
    // trimmed one sentence at a time, so a run of thousands of line breaks
    // (each a boundary) is not walked back over from each of them.
    let (mut prev, mut cut, mut breaks) = (start, start, 0);
    super::sentence::sentence_starts(window, |i| {
        let at = start + i;
        let sentence = &text[prev..at];
        let content = trim_blank_end(sentence);
        if content.is_empty() {
            breaks += newlines(sentence);
        } else {
            cut = prev + content.len();
            breaks = newlines(&sentence[content.len()..]);
        }
        prev = at;
        let kind = match breaks {
            0 => Break::Sentence,
            1 => Break::Line,
            _ => Break::Paragraph,
        };
        consider(&mut best, kind, cut);
    });
    if best.0 < Break::Sentence {
        let mut prev: Option<&str> = None;
        for (i, word) in window.split_word_bound_indices() {
            if let Some(p) = prev
                && (is_blank(word) || word_break_between(p, word))
            {
                consider(&mut best, Break::Word, start + i);
            }
            prev = Some(word);
        }
    }
    best.1
}

/// Whether a part may end after `before` and the next begin with `after`,
/// both non-blank word segments: between two ideographic or emoji segments,
/// but never before closing punctuation or after opening punctuation.
fn word_break_between(before: &str, after: &str) -> bool {
    let (Some(last), Some(first)) = (before.chars().next_back(), after.chars().next()) else {
        return false;
    };
    if is_blank(before) {
        return true;
    }
    let no_start = matches!(
        first,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '\''
            | '"'
            | '-'
            | '…'
            | '、'
            | '。'
            | '，'
            | '！'
            | '？'
            | '：'
            | '；'
            | '」'
            | '』'
            | '）'
            | '】'
            | '》'
            | '〉'
            | '”'
            | '’'
            | 'ー'
    );
    let no_end = matches!(
        last,
        '(' | '[' | '{' | '「' | '『' | '（' | '【' | '《' | '〈' | '“' | '‘'
    );
    !no_start && !no_end && (is_wide(last) || is_wide(first))
}

/// Characters of scripts written without spaces between words, and
/// pictographs, between which a line may break.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF      // CJK radicals, kana, CJK ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x1F000..=0x1FAFF  // emoji and pictographs
        | 0x20000..=0x3FFFF  // CJK extensions B and later
    )
}

fn newlines(s: &str) -> usize {
    // A paragraph separator counts as a blank line.
    s.chars()
        .map(|c| match c {
            '\n' | '\u{2028}' => 1,
            '\u{2029}' => 2,
            _ => 0,
        })
        .sum()
}

fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// The byte offset of the first non-blank grapheme cluster at or after `at`.
fn skip_blank(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    rest.grapheme_indices(true)
        .find(|(_, g)| !is_blank(g))
        .map_or(text.len(), |(i, _)| at + i)
}

/// `s` without its leading and trailing blank grapheme clusters. Unlike
/// `str::trim`, never strips a space that carries a combining mark.
pub(crate) fn trim_blank(s: &str) -> &str {
    // A cluster that holds a visible ASCII character is not blank, so text
    // that begins and ends with one (most messages) needs no segmenting.
    let visible =
        |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !char::from(b).is_whitespace());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        return s;
    }
    trim_blank_end(&s[skip_blank(s, 0)..])
}

/// `s` without its trailing blank grapheme clusters.
fn trim_blank_end(s: &str) -> &str {
    let end = s
        .grapheme_indices(true)
        .rev()
        .find(|(_, g)| !is_blank(g))
        .map_or(0, |(i, g)| i + g.len());
    &s[..end]
}

/// Measures a part as it grows one grapheme cluster at a time.
struct Meter {
    limit: TextLimit,
    used: usize,
    sms: SmsMeter,
}

impl Meter {
    fn new(limit: TextLimit) -> Self {
        Meter {
            limit,
            used: 0,
            sms: SmsMeter::new(),
        }
    }

    /// Adds `g` if the part still fits with it; returns whether it did.
    fn push(&mut self, g: &str) -> bool {
        match self.limit.unit {
            TextUnit::SmsSegments => {
                let mut next = self.sms;
                next.push(g);
                let fits = next.segments() <= self.limit.max;
                if fits {
                    self.sms = next;
                }
                fits
            }
            unit => {
                let used = self.used + unit.measure(g);
                let fits = used <= self.limit.max;
                if fits {
                    self.used = used;
                }
                fits
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `best_cut` as it was before sentences were trimmed one at a time:
    /// quadratic in a run of line breaks, and the reference for what the
    /// cut should be.
    fn quadratic_best_cut(text: &str, start: usize, fit_end: usize, bounds: &[usize]) -> usize {
        let is_bound = |p: usize| bounds.binary_search(&p).is_ok();
        let next = skip_blank(text, fit_end);
        let ext_end = text[next..]
            .graphemes(true)
            .next()
            .map_or(next, |g| next + g.len());
        let window = &text[start..ext_end];
        let mut best = (Break::Grapheme, fit_end);
        let consider = |best: &mut (Break, usize), kind: Break, cut: usize| {
            if cut > start && cut <= fit_end && is_bound(cut) && (kind, cut) >= *best {
                *best = (kind, cut);
            }
        };
        for (i, _) in window.split_sentence_bound_indices().skip(1) {
            let at = start + i;
            let cut = start + trim_blank_end(&text[start..at]).len();
            let kind = match newlines(&text[cut..at]) {
                0 => Break::Sentence,
                1 => Break::Line,
                _ => Break::Paragraph,
            };
            consider(&mut best, kind, cut);
        }
        if best.0 < Break::Sentence {
            let mut prev: Option<&str> = None;
            for (i, word) in window.split_word_bound_indices() {
                if let Some(p) = prev
                    && (is_blank(word) || word_break_between(p, word))
                {
                    consider(&mut best, Break::Word, start + i);
                }
                prev = Some(word);
            }
        }
        best.1
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Your parcel left the depot".to_owned()),
            Just("e.g. this".to_owned()),
            Just("您的包裹已从仓库发出".to_owned()),
            Just("Ваш заказ".to_owned()),
            Just("👩‍👩‍👧‍👦".to_owned()),
            Just("e\u{301}".to_owned()),
            Just("。！".to_owned()),
            "[ .!?\n\u{2029}]{1,5}",
            "[a-z]{1,12}",
        ]
    }

    proptest! {
        /// Trimming one sentence at a time cuts where trimming the whole
        /// prefix at every boundary did.
        #[test]
        fn cuts_agree_with_trimming_every_prefix(
            parts in proptest::collection::vec(fragment(), 0..30),
            max in 1usize..40,
            unit in prop_oneof![Just(TextUnit::Chars), Just(TextUnit::SmsSegments)],
        ) {
            let text: String = parts.concat();
            let max = if unit == TextUnit::SmsSegments { max.min(3) } else { max };
            let limit = TextLimit::new(max, unit);
            prop_assert_eq!(
                split_with(&text, limit, best_cut),
                split_with(&text, limit, quadratic_best_cut)
            );
        }
    }

    #[test]
    fn runs_of_100_000_line_breaks_and_spaces_split_quickly() {
        // Each once took minutes: every line break is a sentence boundary,
        // and each trimmed the whole part before it again.
        let text = format!("a{}b", "\n".repeat(100_000));
        assert_eq!(split_text(&text, chars(10)).unwrap(), ["a", "b"]);
        let text = format!("One. {}Two", " ".repeat(100_000));
        assert_eq!(split_text(&text, chars(10)).unwrap(), ["One.", "Two"]);
        let text = format!("One.{}Two", ")".repeat(100_000));
        let parts = split_text(&text, chars(1_000)).unwrap();
        assert_eq!(parts.concat(), text);
    }

    fn chars(n: usize) -> TextLimit {
        TextLimit::new(n, TextUnit::Chars)
    }

    #[test]
    fn text_within_the_limit_is_one_part() {
        assert_eq!(split_text("  hello  ", chars(10)).unwrap(), ["hello"]);
        assert!(split_text(" \n\t ", chars(10)).unwrap().is_empty());
        assert!(split_text("", chars(0)).unwrap().is_empty());
    }

    #[test]
    fn trailing_blanks_beyond_the_limit_do_not_force_a_split() {
        assert_eq!(split_text("ab\n\ncd ", chars(6)).unwrap(), ["ab\n\ncd"]);
        assert_eq!(split_text("ab cd   \n", chars(5)).unwrap(), ["ab cd"]);
    }

    #[test]
    fn paragraph_beats_sentence_beats_word() {
        let t = "One. Two three.\n\nFour five six seven.";
        assert_eq!(
            split_text(t, chars(30)).unwrap(),
            ["One. Two three.", "Four five six seven."]
        );
        let t = "One two. Three four five six";
        assert_eq!(
            split_text(t, chars(20)).unwrap(),
            ["One two.", "Three four five six"]
        );
        let t = "alpha beta gamma delta";
        assert_eq!(
            split_text(t, chars(12)).unwrap(),
            ["alpha beta", "gamma delta"]
        );
    }

    #[test]
    fn line_breaks_rank_between_paragraphs_and_sentences() {
        let t = "Order A-1: shipped. Order A-2: packed\nOrder A-3: waiting";
        assert_eq!(
            split_text(t, chars(45)).unwrap(),
            [
                "Order A-1: shipped. Order A-2: packed",
                "Order A-3: waiting"
            ]
        );
    }

    #[test]
    fn a_sentence_ending_at_the_limit_is_kept_whole() {
        let t = "Exactly ten. Next";
        assert_eq!(split_text(t, chars(12)).unwrap(), ["Exactly ten.", "Next"]);
    }

    #[test]
    fn words_without_spaces_fall_back_to_graphemes() {
        let t = "abcdefghij";
        assert_eq!(split_text(t, chars(4)).unwrap(), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn cjk_splits_between_ideographs_but_not_before_punctuation() {
        let t = "我们已经收到您的订单，谢谢";
        assert_eq!(
            split_text(t, chars(11)).unwrap(),
            ["我们已经收到您的订单，", "谢谢"]
        );
        assert_eq!(
            split_text(t, chars(10)).unwrap(),
            ["我们已经收到您的订", "单，谢谢"]
        );
    }

    #[test]
    fn emoji_clusters_are_never_split() {
        let family = "👩‍👩‍👧‍👦"; // 7 code points
        let t = format!("{family}{family}");
        let parts = split_text(&t, chars(10)).unwrap();
        assert_eq!(parts, [family, family]);
        let err = split_text(family, chars(6)).unwrap_err();
        assert_eq!(err.needed, 7);
        assert_eq!(err.at, 0);
    }

    #[test]
    fn a_cluster_of_500_000_combining_marks_is_refused_with_its_reason() {
        let zalgo = format!("ok a{}", "\u{301}".repeat(500_000));
        let sms = TextLimit::new(10, TextUnit::SmsSegments);
        let err = split_text(&zalgo, sms).unwrap_err();
        assert_eq!(err.at, 3);
        assert_eq!(err.code_points, 500_001);
        // 500,001 UTF-16 units in segments of 67.
        assert_eq!((err.needed, err.max), (7_463, 10));
        assert!(err.cluster.len() <= 64);
        let shown = format!("\"a{}\"…", "\\u{301}".repeat(11));
        assert_eq!(
            err.to_string(),
            format!(
                "a single character cluster of 500001 code points at byte 3 ({shown}) \
                 needs 7463 SMS segments but one message holds 10; \
                 remove the stacked combining marks, or send the text as an attachment"
            )
        );
    }

    #[test]
    fn a_long_cluster_within_the_limit_stays_whole() {
        let zalgo = format!("a{}", "\u{301}".repeat(500_000));
        let text = format!("Hi. {zalgo} Bye.");
        let parts = split_text(&text, chars(500_001)).unwrap();
        assert_eq!(parts, ["Hi.", zalgo.as_str(), "Bye."]);
    }

    #[test]
    fn a_short_cluster_over_the_limit_asks_for_a_larger_limit() {
        let err = split_text("🇩🇪", chars(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a single character cluster of 2 code points at byte 0 (\"🇩🇪\") needs 2 characters \
             but one message holds 1; raise the channel's text limit"
        );
    }

    #[test]
    fn zero_limit_is_an_error_not_a_panic() {
        assert!(split_text("x", chars(0)).is_err());
        assert!(split_text("x", TextLimit::new(0, TextUnit::SmsSegments)).is_err());
    }

    #[test]
    fn sms_parts_each_fit_their_segments() {
        let t = "Ваш заказ отправлен. ".repeat(40);
        let limit = TextLimit::new(2, TextUnit::SmsSegments);
        let parts = split_text(&t, limit).unwrap();
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(super::super::sms::analyze(p).segments <= 2, "{p}");
            assert!(p.ends_with('.'), "splits at sentence ends: {p:?}");
        }
    }

    proptest! {
        #[test]
        fn trimming_skips_segmenting_only_where_it_changes_nothing(
            s in "[ a.\t\u{0B}\u{301}\u{200D}\u{A0}\u{600}é\r\n]{0,12}"
        ) {
            prop_assert_eq!(trim_blank(&s), trim_blank_end(&s[skip_blank(&s, 0)..]));
        }
    }
}
