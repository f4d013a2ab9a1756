//! The single scan: every text condition of every rule, matched in one pass
//! over the message.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use regex::{RegexSet, RegexSetBuilder};

use crate::expr::{AtomSink, MAX_REGEX_SIZE, fold};

/// Largest compiled size of all `matches` patterns together.
const MAX_SET_SIZE: usize = 256 * 1024 * 1024;

/// Collects text atoms while rules compile.
#[derive(Debug, Default)]
pub(crate) struct AtomTable {
    keywords: HashMap<String, usize>,
    /// Per keyword: atom for `contains`, atom for `starts_with`.
    kw_atoms: Vec<(String, [Option<u32>; 2])>,
    regexes: HashMap<String, u32>,
    regex_list: Vec<(String, u32)>,
    atoms: u32,
}

impl AtomTable {
    fn next(&mut self) -> u32 {
        self.atoms += 1;
        self.atoms - 1
    }

    /// Builds the automata.
    ///
    /// # Errors
    ///
    /// The patterns, together, exceed the regex set's size limit.
    pub(crate) fn build(self) -> Result<TextMatcher, String> {
        let ac = if self.kw_atoms.is_empty() {
            None
        } else {
            let pats = self.kw_atoms.iter().map(|(k, _)| k.as_str());
            Some(
                AhoCorasick::builder()
                    .build(pats)
                    .map_err(|e| format!("the rules' keywords do not fit one automaton: {e}"))?,
            )
        };
        let set = if self.regex_list.is_empty() {
            None
        } else {
            Some(
                RegexSetBuilder::new(self.regex_list.iter().map(|(p, _)| p))
                    .case_insensitive(true)
                    .size_limit(MAX_SET_SIZE)
                    .dfa_size_limit(MAX_SET_SIZE)
                    .build()
                    .map_err(|e| format!("the rules' regexes together are too large: {e}"))?,
            )
        };
        Ok(TextMatcher {
            ac,
            kw_atoms: self.kw_atoms.into_iter().map(|(_, a)| a).collect(),
            set,
            regex_atoms: self.regex_list.into_iter().map(|(_, a)| a).collect(),
            words: (self.atoms as usize).div_ceil(64),
        })
    }
}

impl AtomSink for AtomTable {
    fn keyword(&mut self, folded: &str, prefix: bool) -> u32 {
        let idx = match self.keywords.get(folded) {
            Some(&i) => i,
            None => {
                self.kw_atoms.push((folded.to_owned(), [None, None]));
                self.keywords
                    .insert(folded.to_owned(), self.kw_atoms.len() - 1);
                self.kw_atoms.len() - 1
            }
        };
        let slot = usize::from(prefix);
        if let Some(a) = self.kw_atoms[idx].1[slot] {
            return a;
        }
        let a = self.next();
        self.kw_atoms[idx].1[slot] = Some(a);
        a
    }

    fn regex(&mut self, pattern: &str) -> u32 {
        if let Some(&a) = self.regexes.get(pattern) {
            return a;
        }
        let a = self.next();
        self.regexes.insert(pattern.to_owned(), a);
        self.regex_list.push((pattern.to_owned(), a));
        a
    }
}

/// One Aho-Corasick automaton over every case-folded keyword, and one regex
/// set over every pattern.
#[derive(Clone, Debug)]
pub(crate) struct TextMatcher {
    ac: Option<AhoCorasick>,
    kw_atoms: Vec<[Option<u32>; 2]>,
    set: Option<RegexSet>,
    regex_atoms: Vec<u32>,
    words: usize,
}

impl TextMatcher {
    /// Number of `u64` words in an atom bitset.
    pub(crate) fn words(&self) -> usize {
        self.words
    }

    /// Number of distinct keywords and regexes.
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.kw_atoms.len(), self.regex_atoms.len())
    }

    /// Scans `text` once and sets the bit of every atom that matched.
    pub(crate) fn scan(&self, text: &str, bits: &mut [u64]) {
        let set = |bits: &mut [u64], a: u32| bits[a as usize / 64] |= 1 << (a % 64);
        if let Some(ac) = &self.ac {
            let folded = fold(text);
            for m in ac.find_overlapping_iter(&folded) {
                let [contains, prefix] = self.kw_atoms[m.pattern().as_usize()];
                if let Some(a) = contains {
                    set(bits, a);
                }
                if m.start() == 0
                    && let Some(a) = prefix
                {
                    set(bits, a);
                }
            }
        }
        if let Some(rs) = &self.set {
            for i in rs.matches(text).iter() {
                set(bits, self.regex_atoms[i]);
            }
        }
    }
}

// The per-pattern limit is checked when each rule compiles; keep the set's
// limit far above it so a valid rule set never fails here for size alone.
const _: () = assert!(MAX_SET_SIZE >= 64 * MAX_REGEX_SIZE);
