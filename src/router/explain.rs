//! Why a message was routed the way it was.

use std::fmt;

use serde::Serialize;

use super::decision::{Decision, Route};
use crate::model::RuleId;

/// The trace of one routing call: each rule evaluated, in order, whether it
/// matched and, if not, which part of its condition failed and what the
/// facts were.
///
/// `Display` prints one line per rule:
///
/// ```text
/// ✗ vip-refund   contact.tier == 'vip'  (contact.tier is 'gold')
/// ✓ tag-refund   continue: tags refund
/// ✓ billing      → queue billing, priority 0
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The rules evaluated, in order, up to the one that decided.
    pub steps: Vec<Step>,
    /// Whether the default route applied.
    pub default_applied: bool,
}

/// One rule's evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Step {
    /// The rule.
    pub rule: RuleId,
    /// Whether its condition held.
    pub matched: bool,
    /// When it did not: the failing parts of the condition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<Failure>,
    /// What the rule did when it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
}

/// A failing part of a condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Failure {
    /// The sub-condition, as written.
    pub condition: String,
    /// What was observed: `it is 'gold'`, `it is missing`, `not in the
    /// text`.
    pub observed: String,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .steps
            .iter()
            .map(|s| s.rule.as_str().len())
            .max()
            .unwrap_or(0);
        for s in &self.steps {
            let mark = if s.matched { '✓' } else { '✗' };
            write!(f, "{mark} {:width$}", s.rule.as_str())?;
            if let Some(e) = &s.effect {
                write!(f, "  {e}")?;
            }
            for (i, fl) in s.failed.iter().enumerate() {
                let sep = if i == 0 { "  " } else { "; " };
                write!(f, "{sep}{}  ({})", fl.condition, fl.observed)?;
            }
            writeln!(f)?;
        }
        if self.default_applied {
            writeln!(f, "· no rule routed: the default applies")?;
        }
        Ok(())
    }
}

/// A short description of a route, for explanations and examples.
pub(crate) fn describe_route(r: Option<&Route>) -> String {
    match r {
        Some(Route::Bot { bot }) => format!("→ bot {bot}"),
        Some(Route::Queue { queue, priority }) => format!("→ queue {queue}, priority {priority}"),
        Some(Route::Drop) => "→ drop".into(),
        None => "→ nowhere (no default)".into(),
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe_route(self.route.as_ref()))?;
        match &self.rule {
            Some(r) => write!(f, " (rule {r})")?,
            None => f.write_str(" (default)")?,
        }
        if !self.tags.is_empty() {
            write!(f, ", tags {}", self.tags.join(", "))?;
        }
        if let Some(t) = &self.reply {
            write!(f, ", reply {t}")?;
        }
        if self.opt_out {
            f.write_str(", opt out")?;
        }
        Ok(())
    }
}
