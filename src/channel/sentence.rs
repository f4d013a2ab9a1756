//! Unicode sentence boundaries (UAX #29) in time linear in the text.
//!
//! `unicode-segmentation` implements the rules, but its rule SB8 (no
//! boundary after a full stop when the next letter is lower case, as in
//! "e.g. the") looks ahead from every space and closing mark after a full
//! stop to the next letter. A full stop followed by 20,000 spaces took it 2 s,
//! quadratic in the run's length. So the text is given to it in pieces, and a
//! full stop followed by a long run without letters ends a piece shortly
//! after the full stop.

use unicode_segmentation::UnicodeSegmentation;

/// Characters after a full stop within which text as people write it has a
/// letter, a line break or another sentence mark. A longer run is cut into
/// pieces.
const LOOK_AHEAD: usize = 32;

/// Calls `each` with the byte offset of every sentence boundary of `text`
/// except its start, in ascending order: the offsets
/// `text.split_sentence_bound_indices()` gives, in linear time.
///
/// A piece ends after a full stop only once [`LOOK_AHEAD`] characters
/// followed it without an ASCII letter, `.`, `!`, `?` or line break, and then
/// between two letters, where no boundary falls and the rules look no
/// further back or ahead: the boundaries are exactly the iterator's. Only
/// when no two adjacent letters follow within twice that (a long run of
/// spaces, closing marks, digits or symbols, which only hostile text has)
/// does a piece end elsewhere, and a boundary at the end of that run, which
/// would have needed the look-ahead across the cut, may be missed.
pub(super) fn sentence_starts(text: &str, mut each: impl FnMut(usize)) {
    let mut from = 0;
    while from < text.len() {
        let end = piece_end(text, from);
        // The start of a piece is the start of the text or not a boundary.
        for (i, _) in text[from..end].split_sentence_bound_indices().skip(1) {
            each(from + i);
        }
        from = end;
    }
}

/// Where the piece that starts at `from` ends: [`text.len()`](str::len)
/// unless a full stop in it is followed by a long run.
fn piece_end(text: &str, from: usize) -> usize {
    let mut chars = text[from..].char_indices();
    while let Some((_, c)) = chars.next() {
        // Each character is looked at after at most one full stop: the next
        // full stop ends the look-ahead of the one before.
        if is_full_stop(c)
            && let Some(cut) = long_run_cut(chars.clone())
        {
            return from + cut;
        }
    }
    text.len()
}

/// Given the characters after a full stop, where to cut if the run after it
/// is long (see [`sentence_starts`]), or `None` if it is short or reaches the
/// end of the text within `2 * LOOK_AHEAD` characters.
fn long_run_cut(after: std::str::CharIndices<'_>) -> Option<usize> {
    let mut prev_letter = false;
    for (n, (i, c)) in after.enumerate() {
        if n < LOOK_AHEAD && ends_look_ahead(c) {
            return None;
        }
        let letter = c.is_alphabetic();
        if n >= 2 * LOOK_AHEAD || (n >= LOOK_AHEAD && prev_letter && letter) {
            return Some(i);
        }
        prev_letter = letter;
    }
    None
}

/// Sentence_Break ATerm.
fn is_full_stop(c: char) -> bool {
    matches!(c, '.' | '\u{2024}' | '\u{FE52}' | '\u{FF0E}')
}

/// Characters at which rule SB8's look-ahead certainly stops (Upper, Lower,
/// ATerm, STerm, ParaSep). Nothing else may be here: a character the rule
/// looks past would let a long run through.
fn ends_look_ahead(c: char) -> bool {
    c.is_ascii_alphabetic()
        || is_full_stop(c)
        || matches!(
            c,
            '!' | '?' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn starts(text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        sentence_starts(text, |i| out.push(i));
        out
    }

    fn reference(text: &str) -> Vec<usize> {
        let all = text.split_sentence_bound_indices().map(|(i, _)| i);
        all.skip(1).collect()
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Hello there".to_owned()),
            Just("e.g. the".to_owned()),
            Just("U.S. Army".to_owned()),
            Just("3.14".to_owned()),
            Just("Ваш заказ отправлен и будет доставлен завтра".to_owned()),
            Just("您的包裹已从仓库发出，预计明天送达".to_owned()),
            Just("版本1.0版本".to_owned()),
            Just("ा".to_owned()),
            Just("\u{301}".to_owned()),
            Just("\u{200d}👍".to_owned()),
            Just("’”)".to_owned()),
            Just("。！？".to_owned()),
            "[ .!?\"'()\n\r]{1,6}",
            "[a-zA-Z0-9]{1,8}",
            "\\PC{1,4}",
        ]
    }

    proptest! {
        /// Text as people write it, including runs longer than the
        /// look-ahead after a full stop, gets exactly the iterator's
        /// boundaries.
        #[test]
        fn agrees_with_the_iterator(parts in proptest::collection::vec(fragment(), 0..40)) {
            let text: String = parts.concat();
            prop_assert_eq!(starts(&text), reference(&text));
        }
    }

    #[test]
    fn long_runs_after_full_stops_are_cut_between_letters() {
        // 40 and 80 characters of Cyrillic and Chinese after a full stop: the
        // pieces end between two letters, and nothing changes.
        let text = format!(
            "Done. {} 版本1.0{}。谢谢",
            "Ваш заказ отправлен ".repeat(4),
            "您的包裹已从仓库发出".repeat(8)
        );
        assert_ne!(piece_end(&text, 0), text.len());
        assert_eq!(starts(&text), reference(&text));
    }

    #[test]
    fn a_run_of_100_000_spaces_after_a_full_stop_is_read_in_pieces() {
        // The look-ahead finds the lower-case "then": one sentence after
        // "Wait. ", as the iterator says where it is still quick enough.
        let text = |spaces: usize| format!("Wait. Done.{}then more", " ".repeat(spaces));
        assert_eq!(reference(&text(2_000)), [6]);
        assert_eq!(starts(&text(2_000)), [6]);
        assert_eq!(starts(&text(100_000)), [6]);
        let text = format!("x.{}", ")".repeat(100_000));
        assert!(starts(&text).is_empty());
    }
}
