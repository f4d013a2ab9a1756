//! Escalation triggers: compiled from `[escalation]`, and which one fires
//! for a message or a bot turn.

use std::collections::HashMap;

use super::reason::Reason;
use crate::calendar::Calendars;
use crate::config::{DEFAULT_HUMAN_PHRASES, DEFAULT_MAX_FALLBACKS, EscalationSpec};
use crate::expr::{Condition, Context, ExprError, Facts, Schema};
use crate::model::{QueueId, RuleId};

/// A compiled escalation trigger.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Trigger {
    /// The trigger's id, recorded as the handoff reason (`explicit_request`,
    /// `bot_fallbacks`, `low_confidence`, `negative_sentiment`,
    /// `human_intent`, `bot_handoff`, or a configured id).
    pub id: RuleId,
    /// When it fires, evaluated after each bot turn.
    pub condition: Condition,
    /// Where it escalates to; the escalation queue when `None`.
    pub queue: Option<QueueId>,
}

/// A problem that keeps `[escalation]` from compiling. `rule` is an index
/// into `[[escalation.rules]]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TriggerProblem {
    /// `[escalation] queue` (when `rule` is `None`) or a rule's `queue`
    /// names a queue that does not exist.
    UnknownQueue { rule: Option<usize>, name: String },
    /// `min_confidence` is outside 0 to 1.
    MinConfidence(f64),
    /// `sentiment_below` is outside -1 to 1.
    SentimentBelow(f64),
    /// Phrase `index` is empty, so it would match every message.
    EmptyPhrase(usize),
    /// `max_fallbacks` is 0.
    ZeroFallbacks,
    /// A built-in trigger's condition, generated from the settings, does
    /// not compile: a bug, reported rather than hidden.
    BuiltIn {
        source: String,
        errors: Vec<ExprError>,
    },
    /// Rule `rule` has the id of the earlier rule `first`.
    DuplicateId { rule: usize, first: usize },
    /// Rule `rule`'s `when` does not parse or check; the spans are in its
    /// `when`.
    Condition { rule: usize, errors: Vec<ExprError> },
}

/// Compiles `[escalation]` into its triggers, in the order they run: the
/// built-in ones (see [`first_trigger`]), then `[[escalation.rules]]`.
/// `queue_exists` says whether a queue is declared.
///
/// # Errors
///
/// Every problem found, in the order of the settings.
pub(crate) fn compile(
    esc: &EscalationSpec,
    schema: &Schema,
    queue_exists: &dyn Fn(&str) -> bool,
) -> Result<Vec<Trigger>, Vec<TriggerProblem>> {
    let mut problems = Vec::new();
    if let Some(q) = &esc.queue
        && !queue_exists(q)
    {
        problems.push(TriggerProblem::UnknownQueue {
            rule: None,
            name: q.clone(),
        });
    }
    if let Some(c) = esc.min_confidence
        && !(0.0..=1.0).contains(&c)
    {
        problems.push(TriggerProblem::MinConfidence(c));
    }
    if let Some(s) = esc.sentiment_below
        && !(-1.0..=1.0).contains(&s)
    {
        problems.push(TriggerProblem::SentimentBelow(s));
    }
    for (i, p) in esc.phrases.iter().enumerate() {
        if p.trim().is_empty() {
            problems.push(TriggerProblem::EmptyPhrase(i));
        }
    }
    if esc.max_fallbacks == Some(0) {
        problems.push(TriggerProblem::ZeroFallbacks);
    }
    let mut triggers = Vec::new();
    for (id, when) in built_in(esc) {
        match Condition::compile(&when, schema, Context::Escalation) {
            Ok(condition) => triggers.push(Trigger {
                id: RuleId::new(id),
                condition,
                queue: None,
            }),
            Err(errors) => problems.push(TriggerProblem::BuiltIn {
                source: when,
                errors,
            }),
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, t) in esc.rules.iter().enumerate() {
        if let Some(first) = seen.insert(t.id.as_str(), i) {
            problems.push(TriggerProblem::DuplicateId { rule: i, first });
        }
        if let Some(q) = &t.queue
            && !queue_exists(q)
        {
            problems.push(TriggerProblem::UnknownQueue {
                rule: Some(i),
                name: q.clone(),
            });
        }
        match Condition::compile(&t.when, schema, Context::Escalation) {
            Ok(condition) => triggers.push(Trigger {
                id: RuleId::new(t.id.clone()),
                condition,
                queue: t.queue.clone().map(QueueId::new),
            }),
            Err(errors) => problems.push(TriggerProblem::Condition { rule: i, errors }),
        }
    }
    if problems.is_empty() {
        Ok(triggers)
    } else {
        Err(problems)
    }
}

/// The built-in triggers the settings ask for, as expressions.
fn built_in(esc: &EscalationSpec) -> Vec<(&'static str, String)> {
    let quote = |s: &str| {
        let mut out = String::new();
        let _ = crate::expr::write_literal(&mut out, &crate::model::Value::Text(s.to_owned()));
        out
    };
    let phrases: Vec<&str> = DEFAULT_HUMAN_PHRASES
        .iter()
        .copied()
        .chain(esc.phrases.iter().map(String::as_str))
        .collect();
    // A phrase edge that is an ASCII letter or digit must sit on a word
    // boundary ("agent" does not fire on "agenda"); other edges (CJK,
    // punctuation, other scripts) match anywhere. Empty phrases are
    // refused above.
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let (bounded, anywhere): (Vec<&str>, Vec<&str>) = phrases
        .iter()
        .filter(|p| !p.is_empty())
        .partition(|p| word(p.chars().next()) || word(p.chars().last()));
    let mut request = Vec::new();
    if !bounded.is_empty() {
        let alts: Vec<String> = bounded
            .iter()
            .map(|w| {
                let start = if word(w.chars().next()) { r"\b" } else { "" };
                let end = if word(w.chars().last()) { r"\b" } else { "" };
                format!("{start}{}{end}", regex::escape(w))
            })
            .collect();
        request.push(format!(
            "text matches {}",
            quote(&format!("(?:{})", alts.join("|")))
        ));
    }
    if !anywhere.is_empty() {
        let list: Vec<String> = anywhere.iter().map(|w| quote(w)).collect();
        request.push(format!("text contains_any [{}]", list.join(", ")));
    }
    let mut out = vec![
        ("explicit_request", request.join(" or ")),
        ("bot_handoff", "bot.handoff".to_owned()),
    ];
    let fallbacks = esc.max_fallbacks.unwrap_or(DEFAULT_MAX_FALLBACKS);
    out.push(("bot_fallbacks", format!("bot.fallbacks >= {fallbacks}")));
    // At the bottom of their range these thresholds can never fire, and
    // the comparison would be refused as never true.
    if let Some(c) = esc.min_confidence.filter(|c| *c > 0.0) {
        out.push(("low_confidence", format!("bot.confidence < {c}")));
    }
    if let Some(s) = esc.sentiment_below.filter(|s| *s > -1.0) {
        out.push(("negative_sentiment", format!("sentiment < {s}")));
    }
    if !esc.human_intents.is_empty() {
        let list: Vec<String> = esc.human_intents.iter().map(|w| quote(w)).collect();
        out.push((
            "human_intent",
            format!("bot.intent in [{}]", list.join(", ")),
        ));
    }
    out
}

/// The first of `triggers` whose condition holds for `facts`, as the
/// handoff reason and the queue it names (if any).
///
/// Triggers run in their configured order: the built-in ones
/// (`explicit_request`, `bot_handoff`, `bot_fallbacks`, `low_confidence`,
/// `negative_sentiment`, `human_intent`) first, then `[[escalation.rules]]`.
///
/// ```
/// use switchboard::config::Config;
/// use switchboard::expr::Facts;
/// use switchboard::handoff::{first_trigger, Reason};
/// use switchboard::Timestamp;
///
/// let config = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
/// let facts = Facts::new(Timestamp::EPOCH).with_text("我要转人工");
/// let fired = first_trigger(config.escalation_triggers(), &facts, config.calendars());
/// assert_eq!(fired, Some((Reason::ExplicitRequest, None)));
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
pub fn first_trigger(
    triggers: &[Trigger],
    facts: &Facts<'_>,
    calendars: &Calendars,
) -> Option<(Reason, Option<QueueId>)> {
    triggers
        .iter()
        .find(|t| t.condition.evaluate(facts, calendars))
        .map(|t| (Reason::from_trigger(&t.id), t.queue.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TriggerSpec;

    fn rule(id: &str, when: &str, queue: Option<&str>) -> TriggerSpec {
        TriggerSpec {
            id: id.into(),
            when: when.into(),
            queue: queue.map(Into::into),
        }
    }

    #[test]
    fn built_in_triggers_run_before_the_configured_ones() {
        let esc = EscalationSpec {
            min_confidence: Some(0.4),
            rules: vec![rule("vip", "contact.tier == 'vip'", Some("q"))],
            ..EscalationSpec::default()
        };
        let triggers = compile(&esc, &Schema::default(), &|q| q == "q").unwrap();
        let ids: Vec<&str> = triggers.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "explicit_request",
                "bot_handoff",
                "bot_fallbacks",
                "low_confidence",
                "vip"
            ]
        );
        assert_eq!(triggers[2].condition.source(), "bot.fallbacks >= 2");
        assert_eq!(triggers[4].queue, Some(QueueId::new("q")));
    }

    #[test]
    fn problems_come_in_the_order_of_the_settings() {
        let esc = EscalationSpec {
            queue: Some("nope".into()),
            phrases: vec!["ok".into(), " ".into()],
            rules: vec![
                rule("vip", "contact.tier == 'vip'", None),
                rule("vip", "agent.id == 'x'", Some("gone")),
            ],
            ..EscalationSpec::default()
        };
        let problems = compile(&esc, &Schema::default(), &|q| q == "q").unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert_eq!(
            problems[..4],
            [
                TriggerProblem::UnknownQueue {
                    rule: None,
                    name: "nope".into()
                },
                TriggerProblem::EmptyPhrase(1),
                TriggerProblem::DuplicateId { rule: 1, first: 0 },
                TriggerProblem::UnknownQueue {
                    rule: Some(1),
                    name: "gone".into()
                },
            ]
        );
        assert!(matches!(
            &problems[4],
            TriggerProblem::Condition { rule: 1, .. }
        ));
    }
}
