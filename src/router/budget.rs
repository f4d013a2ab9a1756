//! What a router's `matches` patterns cost in memory, rule by rule, and the
//! check against [`MAX_REGEX_MEMORY`].
//!
//! Patterns on the message text are matched together in the single scan;
//! patterns on other fields run one by one, each with its own automaton and
//! search space. Both count against the same budget, so a rule set's memory
//! at routing time is known, and bounded, when it compiles.

use std::collections::HashMap;

use serde::Serialize;

use super::CompiledRule;
use super::error::{RouterError, largest};
use crate::expr::{Arg, Footprint, MAX_REGEX_MEMORY, Node, Test};

/// Heap, in bytes, that a router's text matching holds.
///
/// ```
/// # use switchboard::config::Config;
/// let c = Config::from_toml_str(r#"
///     [[queues]]
///     id = "q"
///     [[rules]]
///     id = "order"
///     when = '''text contains 'refund' or text matches 'order #?\d{5,}' '''
///     then = { queue = "q" }
/// "#)?;
/// let m = c.router().memory();
/// assert!(m.compiled > 0 && m.per_thread > 0);
/// assert!(m.compiled + m.per_thread <= switchboard::expr::MAX_REGEX_MEMORY);
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MatcherMemory {
    /// The compiled keyword automaton and regex automata, shared by every
    /// thread.
    pub compiled: usize,
    /// The most search space one routing thread can hold for them: lazy
    /// DFA caches and the fallback engine's state sets, allocated when
    /// first needed. Each thread routing at the same time holds its own.
    pub per_thread: usize,
}

/// What each rule's patterns cost, and the patterns on other fields
/// together.
pub(crate) struct Costs {
    /// Per rule: the compiled size of its patterns, each alone.
    per_rule: Vec<usize>,
    /// Sum of the text patterns' compiled sizes, each alone.
    text: usize,
    /// The patterns on other fields, each distinct one counted once.
    fields: Footprint,
}

impl Costs {
    /// `sizes` gives the compiled size of each text pattern by atom.
    pub(crate) fn new(
        rules: &[CompiledRule],
        tests: &[Test],
        sizes: impl Iterator<Item = (u32, usize)>,
    ) -> Costs {
        let sizes: HashMap<u32, usize> = sizes.collect();
        let mut fields = Footprint::default();
        for t in tests {
            t.for_each_regex(&mut |re| fields = fields + re.footprint());
        }
        let per_rule = rules
            .iter()
            .map(|r| {
                let mut size = 0usize;
                let mut add = |n: usize| size = size.saturating_add(n);
                visit(&r.node, tests, &mut |leaf| match leaf {
                    Leaf::Atom(a) => add(sizes.get(&a).copied().unwrap_or(0)),
                    Leaf::Regex(fp, shared) => {
                        add(fp.compiled);
                        if !shared {
                            fields = fields + fp;
                        }
                    }
                });
                size
            })
            .collect();
        Costs {
            per_rule,
            text: sizes.values().sum(),
            fields,
        }
    }

    /// Refuses before the text patterns are built together when, each
    /// alone, they already exceed the budget.
    pub(crate) fn precheck(&self, rules: &[CompiledRule]) -> Result<(), RouterError> {
        let floor = self.text.saturating_add(self.fields.total());
        if floor > MAX_REGEX_MEMORY {
            // Exact when only patterns on other fields are counted.
            return Err(self.over(rules, floor, self.text == 0));
        }
        Ok(())
    }

    /// The memory of the text patterns built together plus the others, or
    /// the error when over the budget.
    pub(crate) fn check(
        &self,
        rules: &[CompiledRule],
        text: Footprint,
    ) -> Result<Footprint, RouterError> {
        let all = text + self.fields;
        if all.total() > MAX_REGEX_MEMORY {
            return Err(self.over(rules, all.total(), true));
        }
        Ok(all)
    }

    /// The budget error, naming the rules with the largest patterns.
    pub(crate) fn over(&self, rules: &[CompiledRule], needed: usize, exact: bool) -> RouterError {
        let (largest, others) = largest(
            rules
                .iter()
                .zip(&self.per_rule)
                .map(|(r, &s)| (r.id.clone(), s)),
        );
        RouterError::RegexMemory {
            needed,
            exact,
            largest,
            others,
        }
    }
}

enum Leaf {
    /// A text atom of the single scan.
    Atom(u32),
    /// A regex run on its own; `true` when it sits in the shared
    /// comparison table (already counted once).
    Regex(Footprint, bool),
}

fn visit(node: &Node, tests: &[Test], f: &mut dyn FnMut(Leaf)) {
    match node {
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| visit(n, tests, f)),
        Node::Not(inner, _) => visit(inner, tests, f),
        Node::Atoms(ids, _) => ids.iter().for_each(|&a| f(Leaf::Atom(a))),
        Node::Test(t) => visit_test(t, tests, false, f),
        Node::Cached(id, _) => {
            if let Some(t) = tests.get(*id as usize) {
                visit_test(t, tests, true, f);
            }
        }
        Node::Const(..) | Node::Truthy(..) => {}
    }
}

fn visit_test(t: &Test, tests: &[Test], shared: bool, f: &mut dyn FnMut(Leaf)) {
    for a in [&t.lhs, &t.rhs] {
        match a {
            Arg::Regex(re) => f(Leaf::Regex(re.footprint(), shared)),
            Arg::Group(n) => visit(n, tests, f),
            _ => {}
        }
    }
}
