//! `[escalation]`: the triggers compile themselves
//! ([`handoff`](crate::handoff)); their problems become diagnostics here.

use super::compile::Declared;
use super::diags::Diags;
use super::reader::Origins;
use super::spec::EscalationSpec;
use crate::expr::Schema;
use crate::handoff::{Trigger, TriggerProblem, compile_triggers};

/// Compiles the escalation triggers, reporting their problems to `d`.
pub(super) fn compile(
    esc: &EscalationSpec,
    schema: &Schema,
    declared: &Declared<'_>,
    origins: &Origins,
    d: &mut Diags,
) -> Vec<Trigger> {
    let queues = &declared.queues;
    let problems = match compile_triggers(esc, schema, &|q| queues.contains(&q)) {
        Ok(triggers) => return triggers,
        Err(problems) => problems,
    };
    // The rule's path in the document and the item diagnostics name.
    let at = |i: usize| {
        (
            format!("escalation.rules[{}]", origins.trigger(i)),
            format!("escalation rule `{}`", esc.rules[i].id),
        )
    };
    for p in problems {
        match p {
            TriggerProblem::UnknownQueue { rule: None, name } => {
                d.reference("escalation.queue".into(), None, "queue", &name, queues);
            }
            TriggerProblem::UnknownQueue {
                rule: Some(rule),
                name,
            } => {
                let (path, item) = at(rule);
                d.reference(format!("{path}.queue"), Some(&item), "queue", &name, queues);
            }
            TriggerProblem::MinConfidence(c) => d.error(
                "escalation.min_confidence".into(),
                None,
                format!("min_confidence {c} is outside 0 to 1"),
                None,
            ),
            TriggerProblem::SentimentBelow(s) => d.error(
                "escalation.sentiment_below".into(),
                None,
                format!("sentiment_below {s} is outside -1 to 1"),
                None,
            ),
            TriggerProblem::EmptyPhrase(i) => d.error(
                format!("escalation.phrases[{i}]"),
                None,
                "an empty phrase would match every message".into(),
                Some("remove it".into()),
            ),
            TriggerProblem::ZeroFallbacks => d.error(
                "escalation.max_fallbacks".into(),
                None,
                "max_fallbacks must be at least 1".into(),
                None,
            ),
            TriggerProblem::BuiltIn { source, errors } => {
                d.expr("escalation".into(), None, &source, errors);
            }
            TriggerProblem::DuplicateId { rule, first } => {
                let (path, item) = at(rule);
                d.error(
                    format!("{path}.id"),
                    Some(&item),
                    format!("duplicate escalation rule id `{}`", esc.rules[rule].id),
                    Some(format!(
                        "escalation.rules[{}] has the same id",
                        origins.trigger(first)
                    )),
                );
            }
            TriggerProblem::Condition { rule, errors } => {
                let (path, item) = at(rule);
                d.expr(
                    format!("{path}.when"),
                    Some(&item),
                    &esc.rules[rule].when,
                    errors,
                );
            }
        }
    }
    Vec::new()
}
