//! Customer notices: built-in templates, placeholders, and how waits and
//! opening times read.

use std::time::Duration;

use jiff::tz::TimeZone;

use crate::model::Timestamp;

/// The notices the engine sends, with their built-in text. Any of them can
/// be replaced under `[templates]`; a template set to `""` is not sent.
///
/// | name | when | placeholders |
/// |---|---|---|
/// | `queued` | escalated and waiting | `{position}`, `{wait}`, `{queue}` |
/// | `connecting` | escalated and offered at once | `{queue}` |
/// | `queue_update` | position or estimate changed (rate-limited) | `{position}`, `{wait}`, `{queue}` |
/// | `after_hours` | escalated while the queue is closed | `{opening}`, `{queue}` |
/// | `queue_full` | the queue is at its `max_size`; the conversation stays where it was | `{queue}` |
/// | `no_agent` | no agent within `no_agent_timeout`, back to the bot | `{queue}` |
/// | `still_waiting` | no agent within `no_agent_timeout` and no bot to go back to | `{position}`, `{wait}`, `{queue}` |
/// | `transfer` | an agent transferred the conversation | `{queue}` |
/// | `inactivity` | closed for customer silence | |
/// | `hold_expired` | closed after a hold with no reply | |
/// | `csat` | survey after an agent closed | |
/// | `csat_thanks` | a survey answer was recorded | `{score}` |
///
/// ```
/// use switchboard::handoff::{default_template, fill};
///
/// let t = default_template("queued").unwrap();
/// let text = fill(t, &[("position", "3"), ("wait", "about 4 minutes"), ("queue", "billing")]);
/// assert_eq!(text, "You are number 3 in line. Estimated wait: about 4 minutes.");
/// ```
pub const DEFAULT_TEMPLATES: [(&str, &str); 12] = [
    (
        "queued",
        "You are number {position} in line. Estimated wait: {wait}.",
    ),
    (
        "connecting",
        "Connecting you with a member of our team now.",
    ),
    (
        "queue_update",
        "You are now number {position} in line. Estimated wait: {wait}.",
    ),
    (
        "after_hours",
        "We are closed right now and open again {opening}. Leave a message here and we will answer as soon as we open.",
    ),
    (
        "queue_full",
        "All of our team are busy and the line is full right now. Please try again in a little while.",
    ),
    (
        "no_agent",
        "All of our team are busy right now. Our assistant is back with you; ask for a person again at any time.",
    ),
    (
        "still_waiting",
        "All of our team are still busy. You are number {position} in line; we have not forgotten you.",
    ),
    (
        "transfer",
        "I am transferring you to a colleague who can help with this.",
    ),
    (
        "inactivity",
        "We closed this conversation as we have not heard from you. Write again at any time.",
    ),
    (
        "hold_expired",
        "We closed this conversation as we have not heard from you. Write again at any time.",
    ),
    (
        "csat",
        "How did we do? Reply with a number from 1 (poor) to 5 (great).",
    ),
    ("csat_thanks", "Thank you for your feedback!"),
];

/// The built-in text of notice `name`.
pub fn default_template(name: &str) -> Option<&'static str> {
    DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// Fills `{name}` placeholders from `values`; `{{` and `}}` are literal
/// braces; a placeholder with no value is kept as written.
///
/// ```
/// use switchboard::handoff::fill;
///
/// assert_eq!(fill("{a} and {{b}} and {c}", &[("a", "1")]), "1 and {b} and {c}");
/// ```
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('{')
            && let Some(end) = tail.find('}')
        {
            let name = &tail[1..end];
            match values.iter().find(|(k, _)| *k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
            continue;
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// A wait as customers read it: "less than a minute", "about 1 minute",
/// "about 7 minutes", "about 2 hours"; `None` (nobody to serve it yet) is
/// "a little while".
///
/// ```
/// use std::time::Duration;
/// use switchboard::handoff::humanize_wait;
///
/// assert_eq!(humanize_wait(Some(Duration::from_secs(20))), "less than a minute");
/// assert_eq!(humanize_wait(Some(Duration::from_secs(400))), "about 7 minutes");
/// assert_eq!(humanize_wait(Some(Duration::from_secs(5400))), "about 2 hours");
/// assert_eq!(humanize_wait(None), "a little while");
/// ```
pub fn humanize_wait(wait: Option<Duration>) -> String {
    let Some(d) = wait else {
        return "a little while".into();
    };
    let s = d.as_secs();
    match s {
        0..45 => "less than a minute".into(),
        45..90 => "about 1 minute".into(),
        90..3_300 => format!("about {} minutes", s.div_ceil(60).max(2)),
        3_300..5_400 => "about 1 hour".into(),
        _ => format!("about {} hours", (s + 1_800) / 3_600),
    }
}

/// An opening time as customers read it, in the queue's time zone:
/// "Monday 09:00 (Europe/Berlin)"; `None` is "soon".
///
/// ```
/// use switchboard::handoff::format_opening;
/// use switchboard::Timestamp;
///
/// let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
/// // 2026-11-23 08:00 UTC is 09:00 in Berlin, a Monday.
/// let t = Timestamp::from_millis(1_795_420_800_000);
/// assert_eq!(format_opening(Some(t), &tz), "Monday 09:00 (Europe/Berlin)");
/// ```
pub fn format_opening(opens: Option<Timestamp>, tz: &TimeZone) -> String {
    let Some(t) = opens else {
        return "soon".into();
    };
    let Ok(ts) =
        jiff::Timestamp::from_millisecond(i64::try_from(t.as_millis()).unwrap_or(i64::MAX))
    else {
        return "soon".into();
    };
    let z = ts.to_zoned(tz.clone());
    let name = tz.iana_name().unwrap_or("UTC");
    format!("{} ({name})", z.strftime("%A %H:%M"))
}
