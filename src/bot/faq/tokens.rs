//! The tokenizer of [`FaqBot`](super::FaqBot), described in the
//! [module documentation](super).

use std::collections::HashSet;
use std::sync::OnceLock;

use bm25::Tokenizer;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

/// The tokenizer described in the [module documentation](self).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Tokens;

impl Tokenizer for Tokens {
    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize(text)
    }
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Words of chat messages that say how, not what: greetings, politeness
/// and asking. Dropped like stop words, so that "hi, I'd like a refund
/// please" is as close to the refunds article as "refund".
const CHAT_FILLER: &[&str] = &[
    "hi", "hello", "hey", "please", "pls", "thanks", "thank", "thx", "like", "want", "need",
    "would", "could", "know", "tell", "ok", "okay", "想", "请", "您好", "你好", "谢谢", "请问",
];

fn stop_words() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        let mut set: HashSet<&'static str> = CHAT_FILLER.iter().copied().collect();
        for lang in ["en", "zh"] {
            set.extend(stop_words::lookup(lang).unwrap_or_default().iter().copied());
        }
        set
    })
}

/// Chinese ideographs and Japanese kana: scripts written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'     // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{20000}'..='\u{3134F}' // extensions B to G
    )
}

/// Splits `text` into the tokens the index and the queries use.
pub(super) fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cjk = rest.chars().next().is_some_and(is_cjk);
        let end = rest
            .char_indices()
            .find(|&(_, c)| is_cjk(c) != cjk)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        if cjk {
            cjk_tokens(run, &mut out);
        } else {
            word_tokens(run, &mut out);
        }
        rest = tail;
    }
    out
}

fn cjk_tokens(run: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = run.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let mut buf = [0u8; 4];
        let one: &str = c.encode_utf8(&mut buf);
        if !stop_words().contains(one) {
            out.push(one.to_owned());
        }
        if let Some(&next) = chars.get(i + 1) {
            out.push([c, next].iter().collect());
        }
    }
}

fn word_tokens(run: &str, out: &mut Vec<String>) {
    for word in run.unicode_words() {
        let mut folded = caseless::default_case_fold_str(word);
        // "what's", "I'd", "don’t": a contraction is as empty as its head.
        if let Some(i) = folded.find(['\'', '\u{2019}'])
            && !stop_words().contains(folded.as_str())
        {
            folded.truncate(i);
        }
        if folded.is_empty() || stop_words().contains(folded.as_str()) {
            continue;
        }
        if folded.is_ascii() {
            out.push(stemmer().stem(&folded).into_owned());
        } else {
            out.push(folded);
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_give_characters_and_pairs_without_stop_characters() {
        assert_eq!(
            tokenize("我的订单"),
            ["我的", "的订", "订", "订单", "单"],
            "我 and 的 are stop characters; every pair stays"
        );
    }

    #[test]
    fn latin_words_are_folded_stemmed_and_stripped_of_stop_words() {
        assert_eq!(tokenize("Where IS my Opening-Hours?"), ["open", "hour"]);
    }

    #[test]
    fn mixed_scripts_split_at_the_boundary() {
        assert_eq!(tokenize("iPhone退款"), ["iphon", "退", "退款", "款"]);
    }
}
