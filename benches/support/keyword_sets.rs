//! Large keyword rule sets for the router's load benchmark: keywords that
//! are prefixes of each other, and random ones. Included by
//! `benches/router.rs`.

use std::collections::HashSet;

use switchboard::config::{ActionSpec, ConfigSpec, QueueSpec, RuleSpec};

use super::rng::Rng;

const QUEUE: &str = "general";

/// `kw0` … `kw99999`: most keywords are prefixes of others (`kw1`, `kw10`,
/// `kw100`…), so nearly every state of the keyword trie is a match state.
pub(crate) fn prefix_sharing_keywords(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("kw{i}")).collect()
}

/// Distinct random lowercase words of 4 to 11 letters.
pub(crate) fn random_keywords(n: usize) -> Vec<String> {
    let mut rng = Rng(0x0C0F_FEE0_0000_0001);
    let mut seen = HashSet::new();
    while seen.len() < n {
        let len = 4 + rng.below(8);
        let w: String = (0..len)
            .map(|_| char::from(b'a' + rng.below(26) as u8))
            .collect();
        seen.insert(w);
    }
    let mut words: Vec<String> = seen.into_iter().collect();
    words.sort_unstable();
    words
}

/// One rule per keyword: `text contains '<keyword>'`, routing to a queue.
pub(crate) fn keyword_rules(keywords: &[String]) -> ConfigSpec {
    let mut spec = ConfigSpec::default();
    spec.queues = vec![QueueSpec::new(QUEUE)];
    spec.rules = keywords
        .iter()
        .enumerate()
        .map(|(i, k)| {
            RuleSpec::new(
                format!("k{i}"),
                format!("text contains '{k}'"),
                ActionSpec::queue(QUEUE),
            )
        })
        .collect();
    spec
}
