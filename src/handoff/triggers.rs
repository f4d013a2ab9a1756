//! Escalation triggers: which one fires for a message or a bot turn.

use super::reason::Reason;
use crate::calendar::Calendars;
use crate::config::Trigger;
use crate::expr::Facts;
use crate::model::QueueId;

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
