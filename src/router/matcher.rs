//! The single scan: every text condition of every rule, matched in one pass
//! over the message.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::PatternSet;

use crate::expr::{AtomSink, Footprint, MAX_REGEX_MEMORY, Patterns, TEXT_CACHE, Test, fold_into};

/// Keyword bytes up to which the keywords compile to a DFA, which scans
/// 10–20% faster than the contiguous NFA used above it but takes about ten
/// times the memory and build time (a few MB at this size).
pub(crate) const DFA_KEYWORD_BYTES: usize = 64 * 1024;

/// Collects text atoms while rules compile.
#[derive(Debug, Default)]
pub(crate) struct AtomTable {
    keywords: HashMap<String, usize>,
    /// Per keyword: atom for `contains`, atom for `starts_with`.
    kw_atoms: Vec<(String, [Option<u32>; 2])>,
    regexes: HashMap<String, u32>,
    /// Per pattern: the pattern, its atom and its compiled size alone.
    regex_list: Vec<(String, u32, usize)>,
    atoms: u32,
    test_ids: HashMap<String, u32>,
    /// Distinct comparisons, evaluated at most once per message.
    pub(crate) tests: Vec<Test>,
}

/// Why the text matcher did not build.
#[derive(Debug)]
pub(crate) enum MatcherError {
    /// The regexes together would exceed [`MAX_REGEX_MEMORY`].
    TooBig,
    /// Anything else, as a message.
    Other(String),
}

impl AtomTable {
    fn next(&mut self) -> u32 {
        self.atoms += 1;
        self.atoms - 1
    }

    /// The atom of every `matches` pattern and its compiled size alone.
    pub(crate) fn regex_sizes(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.regex_list.iter().map(|&(_, a, size)| (a, size))
    }

    /// Builds the automata.
    ///
    /// # Errors
    ///
    /// The patterns, together, exceed the memory budget; or the keywords do
    /// not fit an automaton.
    pub(crate) fn build(&mut self) -> Result<TextMatcher, MatcherError> {
        let ac = if self.kw_atoms.is_empty() {
            None
        } else {
            Some(keyword_automaton(&self.kw_atoms).map_err(|e| {
                MatcherError::Other(format!("the rules' keywords do not fit one automaton: {e}"))
            })?)
        };
        let set = if self.regex_list.is_empty() {
            None
        } else {
            let pats: Vec<&str> = self.regex_list.iter().map(|(p, ..)| p.as_str()).collect();
            // The compile limit keeps building bounded too; whether the
            // result fits the budget is decided with the other regexes.
            Some(
                Patterns::new(&pats, MAX_REGEX_MEMORY, TEXT_CACHE).map_err(|e| match e {
                    crate::expr::PatternError::TooBig { .. } => MatcherError::TooBig,
                    other => MatcherError::Other(format!(
                        "the rules' regexes together do not compile: {other}"
                    )),
                })?,
            )
        };
        Ok(TextMatcher {
            ac,
            kw_atoms: self.kw_atoms.iter().map(|(_, a)| *a).collect(),
            set,
            regex_atoms: self.regex_list.iter().map(|&(_, a, _)| a).collect(),
            words: (self.atoms as usize).div_ceil(64),
        })
    }
}

/// One Aho-Corasick automaton over the keywords; keyword `i` is pattern
/// `i + 1`.
///
/// Pattern 0 is a guard that never matches, because aho-corasick 1.1's
/// construction is quadratic in the length of the runs of match states
/// that follow its first non-match states: when keywords are prefixes of
/// each other (`kw1`, `kw10`, `kw100`…) nearly every state matches, and
/// 100,000 of them took 12 s to load. Moving a state to its final place
/// walks the permutation cycle it is on, and the cycles are long when
/// few non-match states come first. The guard is inserted first and puts
/// one non-match state per 16 keyword bytes at the front, which keeps every
/// cycle short whatever the keywords: loading is linear again. It starts
/// with the first keyword's first byte, so the prefilter's start bytes are
/// unchanged, continues with `0xFF` (never in UTF-8 text, so it never
/// matches) and then `0xFE`, so no suffix of it starts a pattern and its
/// failure links go straight to the root.
fn keyword_automaton(
    keywords: &[(String, [Option<u32>; 2])],
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    let total: usize = keywords.iter().map(|(k, _)| k.len()).sum();
    let mut guard = Vec::with_capacity(total / 16 + 2);
    guard.extend(keywords.first().and_then(|(k, _)| k.bytes().next()));
    guard.push(0xFF);
    guard.resize(guard.len() + total / 16, 0xFE);
    let kind = if total <= DFA_KEYWORD_BYTES {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    };
    let pats = std::iter::once(guard.as_slice()).chain(keywords.iter().map(|(k, _)| k.as_bytes()));
    AhoCorasick::builder().kind(Some(kind)).build(pats)
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

    fn regex(&mut self, pattern: &str, size: usize) -> u32 {
        if let Some(&a) = self.regexes.get(pattern) {
            return a;
        }
        let a = self.next();
        self.regexes.insert(pattern.to_owned(), a);
        self.regex_list.push((pattern.to_owned(), a, size));
        a
    }
}

/// One Aho-Corasick automaton over every case-folded keyword, and one regex
/// set over every pattern.
#[derive(Clone, Debug)]
pub(crate) struct TextMatcher {
    ac: Option<AhoCorasick>,
    kw_atoms: Vec<[Option<u32>; 2]>,
    set: Option<Patterns>,
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

    /// What the `matches` patterns cost.
    pub(crate) fn regex_footprint(&self) -> Footprint {
        self.set
            .as_ref()
            .map(Patterns::footprint)
            .unwrap_or_default()
    }

    /// Heap of the keyword automaton, which needs no scratch to search.
    pub(crate) fn keyword_memory(&self) -> usize {
        self.ac.as_ref().map_or(0, AhoCorasick::memory_usage)
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
                // Pattern 0 is the guard, which never matches text.
                let Some(&[contains, prefix]) =
                    self.kw_atoms.get(m.pattern().as_usize().wrapping_sub(1))
                else {
                    continue;
                };
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
            let n = re.len();
            let hits = match hits {
                Some(h) if h.capacity() == n => {
                    h.clear();
                    h
                }
                _ => hits.insert(PatternSet::new(n)),
            };
            re.which(text, hits);
            for p in hits.iter() {
                set(bits, self.regex_atoms[p.as_usize()]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(n: usize) -> Vec<(String, [Option<u32>; 2])> {
        (0..n)
            .map(|i| (format!("kw{i}"), [Some(0), None]))
            .collect()
    }

    #[test]
    fn small_keyword_sets_get_a_dfa_and_large_ones_a_contiguous_nfa() {
        // 10,000 `kw<i>` are 58,890 bytes; 20,000 are 128,890.
        let small = keyword_automaton(&keywords(10_000)).unwrap();
        assert_eq!(small.kind(), AhoCorasickKind::DFA);
        let large = keyword_automaton(&keywords(20_000)).unwrap();
        assert_eq!(large.kind(), AhoCorasickKind::ContiguousNFA);
        // Keyword i is pattern i + 1, after the guard.
        let hits: Vec<usize> = large
            .find_overlapping_iter("kw19999")
            .map(|m| m.pattern().as_usize())
            .collect();
        assert_eq!(hits, [2, 20, 200, 2_000, 20_000]);
    }
}
