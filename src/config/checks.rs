//! Range checks on single values, shared by the reader (which refuses a
//! value as it reads it) and the compiler (which checks configurations
//! built in code), and the checks of `[assignment]` and `[conversations]`.

use std::time::Duration;

use super::diags::Diags;
use super::spec::{AssignmentSpec, ConversationsSpec};

/// The lowest priority a queue or rule may give.
pub const MIN_PRIORITY: i64 = -1_000_000;
/// The highest priority a queue or rule may give.
pub const MAX_PRIORITY: i64 = 1_000_000;
/// The most agents a conversation may be offered to at once.
const MAX_OFFERS: i64 = 10;

/// A problem with a value: its message and a suggested fix.
pub(super) type Problem = (String, Option<String>);

pub(super) const MISSED_OFFERS_HELP: &str = "it is how many offers in a row an agent may let expire before being set away; 3 is the default";
pub(super) const FAIRNESS_MAX_HELP: &str =
    "it is the most assignments an agent gets in any `per` window; remove `fairness` for no cap";
const FAIRNESS_PER_HELP: &str = "write the window as a duration, such as 1h";
const HANDLE_TIME_HELP: &str =
    "it is the average handle time assumed until one is observed, such as 5m";
pub(super) const LIMIT_HELP: &str = "it is a limit and must be at least 1";
pub(super) const AGING_HELP: &str = "it is the wait that earns one priority point, such as 30s";

/// Checks a queue or rule priority.
pub(super) fn check_priority(p: i64) -> Result<(), Problem> {
    if (MIN_PRIORITY..=MAX_PRIORITY).contains(&p) {
        return Ok(());
    }
    Err((
        format!("priority {p} is outside {MIN_PRIORITY} to {MAX_PRIORITY}"),
        Some("higher is served first; values such as 0, 10 and 100 are plenty".into()),
    ))
}

/// Checks a queue's `offers`.
pub(super) fn check_offers(n: i64) -> Result<(), Problem> {
    if (1..=MAX_OFFERS).contains(&n) {
        return Ok(());
    }
    Err((
        format!("offers {n} is outside 1 to {MAX_OFFERS}"),
        Some("it is how many agents are offered a conversation at once; 1 is the default".into()),
    ))
}

/// Checks a count that must be at least 1 and fit a `u32`.
pub(super) fn check_count(field: &str, n: i64, help: &str) -> Result<u32, Problem> {
    if n < 1 {
        return Err((format!("{field} must be at least 1"), Some(help.into())));
    }
    u32::try_from(n).map_err(|_| (format!("{field} {n} is out of range"), None))
}

/// Checks a duration that must be at least one second.
pub(super) fn check_seconds(field: &str, d: Duration, help: &str) -> Result<(), Problem> {
    if d >= Duration::from_secs(1) {
        return Ok(());
    }
    Err((format!("{field} must be at least 1s"), Some(help.into())))
}

/// Checks `[assignment]`.
pub(super) fn check_assignment(a: &AssignmentSpec, d: &mut Diags) {
    if let Some(n) = a.max_missed_offers
        && let Err(p) = check_count("max_missed_offers", n.into(), MISSED_OFFERS_HELP)
    {
        d.problem("assignment.max_missed_offers".into(), None, p);
    }
    if let Some(f) = &a.fairness {
        if let Err(p) = check_count("fairness.max", f.max.into(), FAIRNESS_MAX_HELP) {
            d.problem("assignment.fairness.max".into(), None, p);
        }
        if let Err(p) = check_seconds("fairness.per", f.per, FAIRNESS_PER_HELP) {
            d.problem("assignment.fairness.per".into(), None, p);
        }
    }
    if let Some(t) = a.handle_time
        && let Err(p) = check_seconds("handle_time", t, HANDLE_TIME_HELP)
    {
        d.problem("assignment.handle_time".into(), None, p);
    }
}

/// Checks `[conversations]`; `queues` are the declared queue ids.
pub(super) fn check_conversations(c: &ConversationsSpec, queues: &[&str], d: &mut Diags) {
    for (key, v) in [
        ("max_text", c.max_text),
        ("transcript_messages", c.transcript_messages),
        ("transcript_bytes", c.transcript_bytes),
    ] {
        if let Some(n) = v
            && let Err(p) = check_count(key, n.into(), LIMIT_HELP)
        {
            d.problem(format!("conversations.{key}"), None, p);
        }
    }
    for (key, v) in [
        ("inactivity_timeout", c.inactivity_timeout),
        ("reopen_window", c.reopen_window),
        ("hold_timeout", c.hold_timeout),
        ("no_agent_timeout", c.no_agent_timeout),
        ("notice_interval", c.notice_interval),
        ("contact_retention", c.contact_retention),
    ] {
        if let Some(t) = v
            && let Err(p) = check_seconds(key, t, "write a duration such as 30s, 10m or 24h")
        {
            d.problem(format!("conversations.{key}"), None, p);
        }
    }
    if let Some(q) = &c.fallback_queue
        && !queues.contains(&q.as_str())
    {
        d.reference(
            "conversations.fallback_queue".into(),
            None,
            "queue",
            q,
            queues,
        );
    }
}
