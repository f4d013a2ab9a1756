//! The single scan: every text condition of every rule, matched in one pass
//! over the message.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::PatternSet;

use crate::expr::{AtomSink, Footprint, MAX_REGEX_MEMORY, Patterns, TEXT_CACHE, Test, fold_into};

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

/// One Aho-Corasick automaton over the keywords.
fn keyword_automaton(
    keywords: &[(String, [Option<u32>; 2])],
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    let pats = keywords.iter().map(|(k, _)| k.as_str());
    // A full DFA costs memory and build time but scans fastest; messages
    // are routed far more often than rules compile.
    match AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(pats.clone())
    {
        Ok(ac) => Ok(ac),
        // Too large for a DFA: the automatic choice (an NFA) is slower per
        // byte but has no such limit.
        Err(_) => AhoCorasick::builder().build(pats),
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
