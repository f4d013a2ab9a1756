//! The single scan: every text condition of every rule, matched in one pass
//! over the message.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::meta::{self, Regex as MultiRegex};
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternSet};

use crate::expr::{AtomSink, MAX_REGEX_SIZE, Test, fold_into};

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
    test_ids: HashMap<String, u32>,
    /// Distinct comparisons, evaluated at most once per message.
    pub(crate) tests: Vec<Test>,
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
    pub(crate) fn build(&mut self) -> Result<TextMatcher, String> {
        let ac = if self.kw_atoms.is_empty() {
            None
        } else {
            let pats = self.kw_atoms.iter().map(|(k, _)| k.as_str());
            Some(
                // A full DFA costs memory and build time but scans fastest;
                // messages are routed far more often than rules compile.
                match AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(pats.clone())
                {
                    Ok(ac) => ac,
                    // Too large for a DFA: the automatic choice (an NFA) is
                    // slower per byte but has no such limit.
                    Err(_) => AhoCorasick::builder().build(pats).map_err(|e| {
                        format!("the rules' keywords do not fit one automaton: {e}")
                    })?,
                },
            )
        };
        let set = if self.regex_list.is_empty() {
            None
        } else {
            // One multi-pattern regex reporting every pattern that matches
            // anywhere. No literal prefilter: with many patterns it fires
            // so often that the lazy DFA alone is faster.
            let pats: Vec<&str> = self.regex_list.iter().map(|(p, _)| p.as_str()).collect();
            Some(
                MultiRegex::builder()
                    .configure(
                        meta::Config::new()
                            .match_kind(MatchKind::All)
                            .auto_prefilter(false)
                            .nfa_size_limit(Some(MAX_SET_SIZE))
                            .hybrid_cache_capacity(MAX_SET_SIZE / 8),
                    )
                    .syntax(syntax::Config::new().case_insensitive(true))
                    .build_many(&pats)
                    .map_err(|e| format!("the rules' regexes together are too large: {e}"))?,
            )
        };
        Ok(TextMatcher {
            ac,
            kw_atoms: self.kw_atoms.iter().map(|(_, a)| *a).collect(),
            set,
            regex_atoms: self.regex_list.iter().map(|(_, a)| *a).collect(),
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

    fn test(&mut self, key: String, test: Test) -> u32 {
        if let Some(&id) = self.test_ids.get(&key) {
            return id;
        }
        let id = self.tests.len() as u32;
        self.tests.push(test);
        self.test_ids.insert(key, id);
        id
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
    set: Option<MultiRegex>,
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
    /// `folded` and `hits` are reusable buffers.
    pub(crate) fn scan(
        &self,
        text: &str,
        bits: &mut [u64],
        folded: &mut String,
        hits: &mut Option<PatternSet>,
    ) {
        let set = |bits: &mut [u64], a: u32| crate::bits::set(bits, a as usize);
        if let Some(ac) = &self.ac {
            folded.clear();
            fold_into(text, folded);
            for m in ac.find_overlapping_iter(folded.as_str()) {
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
        if let Some(re) = &self.set {
            let n = re.pattern_len();
            let hits = match hits {
                Some(h) if h.capacity() == n => {
                    h.clear();
                    h
                }
                _ => hits.insert(PatternSet::new(n)),
            };
            re.which_overlapping_matches(&Input::new(text), hits);
            for p in hits.iter() {
                set(bits, self.regex_atoms[p.as_usize()]);
            }
        }
    }
}

// The per-pattern limit is checked when each rule compiles; keep the set's
// limit far above it so a valid rule set never fails here for size alone.
const _: () = assert!(MAX_SET_SIZE >= 64 * MAX_REGEX_SIZE);
