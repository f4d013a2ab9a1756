//! Why rules that each compile do not make a router together.

use crate::expr::{MAX_REGEX_MEMORY, bytes};
use crate::model::RuleId;

/// How many rules a budget error names.
const NAMED: usize = 5;

/// A rule set the router refuses, though every rule compiles on its own.
/// It surfaces as a configuration diagnostic on `rules`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RouterError {
    /// The rules' `matches` patterns would need more than
    /// [`MAX_REGEX_MEMORY`] to match messages.
    #[error(
        "the rules' `matches` patterns need {} to match messages (their automata plus one thread's search space), over the limit of {}; the largest are in {}",
        need(*.needed, *.exact),
        bytes(MAX_REGEX_MEMORY),
        name_rules(.largest, *.others)
    )]
    RegexMemory {
        /// Bytes needed: exactly, or a lower bound when building stopped
        /// early.
        needed: usize,
        /// Whether `needed` is exact.
        exact: bool,
        /// The rules whose patterns are largest, with their compiled size,
        /// largest first.
        largest: Vec<(RuleId, usize)>,
        /// How many other rules have patterns.
        others: usize,
    },
    /// The keywords or patterns do not build for another reason.
    #[error("{0}")]
    Other(String),
}

impl RouterError {
    /// What to do about it.
    pub(crate) fn help(&self) -> Option<String> {
        match self {
            RouterError::RegexMemory { .. } => Some(
                "use fewer or smaller patterns: a counted repetition multiplies a pattern's size, and Unicode classes are large (`\\d{1,9}` compiles to 12 times the size of `[0-9]{1,9}`)"
                    .into(),
            ),
            RouterError::Other(_) => Some("use fewer or smaller `matches` patterns".into()),
        }
    }
}

fn need(needed: usize, exact: bool) -> String {
    if exact {
        bytes(needed)
    } else {
        format!("more than {}", bytes(needed))
    }
}

fn name_rules(largest: &[(RuleId, usize)], others: usize) -> String {
    let mut out = String::from(if largest.len() == 1 {
        "rule "
    } else {
        "rules "
    });
    for (i, (id, size)) in largest.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == largest.len() && others == 0 {
                " and "
            } else {
                ", "
            });
        }
        out.push_str(&format!("`{id}` ({})", bytes(*size)));
    }
    if others > 0 {
        out.push_str(&format!(" and {others} more"));
    }
    out
}

/// The `NAMED` rules with the largest sizes, largest first and in rule
/// order among equals, and how many other rules have a size.
pub(crate) fn largest(
    sizes: impl Iterator<Item = (RuleId, usize)>,
) -> (Vec<(RuleId, usize)>, usize) {
    let mut all: Vec<(RuleId, usize)> = sizes.filter(|(_, s)| *s > 0).collect();
    all.sort_by_key(|&(_, size)| std::cmp::Reverse(size));
    let others = all.len().saturating_sub(NAMED);
    all.truncate(NAMED);
    (all, others)
}
