//! Customer notices: built-in templates, placeholders, and how waits and
//! opening times read.

use std::time::Duration;

use jiff::tz::TimeZone;

use crate::model::Timestamp;

/// A notice the engine sends: its name, its built-in text and the
/// placeholders the engine fills in it.
///
/// [`NOTICES`] is the one list of them: the engine takes the built-in text
/// from it, and the configuration checker refuses a `[templates]` entry
/// whose placeholders are not the notice's, so a customer never receives a
/// `{positon}` as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeSpec {
    /// The name under `[templates]`.
    pub name: &'static str,
    /// The text sent when `[templates]` does not replace it.
    pub text: &'static str,
    /// The placeholders the engine fills, without braces.
    pub placeholders: &'static [&'static str],
}

/// What the engine fills in every queue notice: the conversation's place,
/// its estimated wait, the queue and when the queue opens ("soon" while it
/// is open).
const QUEUE_VALUES: &[&str] = &["position", "wait", "queue", "opening"];

/// The notices the engine sends. Any of them can be replaced under
/// `[templates]`; a template set to `""` is not sent.
///
/// | name | when | placeholders |
/// |---|---|---|
/// | `queued` | escalated and waiting | `{position}`, `{wait}`, `{queue}`, `{opening}` |
/// | `connecting` | escalated and offered at once | `{queue}` |
/// | `queue_update` | position or estimate changed (rate-limited) | `{position}`, `{wait}`, `{queue}`, `{opening}` |
/// | `after_hours` | escalated while the queue is closed | `{position}`, `{wait}`, `{queue}`, `{opening}` |
/// | `queue_full` | the queue is at its `max_size`; the conversation stays where it was | `{queue}` |
/// | `no_agent` | no agent within `no_agent_timeout`, back to the bot | |
/// | `still_waiting` | no agent within `no_agent_timeout` and no bot to go back to | `{position}`, `{wait}`, `{queue}`, `{opening}` |
/// | `transfer` | an agent transferred the conversation | `{queue}` |
/// | `inactivity` | closed for customer silence | |
/// | `hold_expired` | closed after a hold with no reply | |
/// | `csat` | survey after an agent closed | |
/// | `csat_thanks` | a survey answer was recorded | `{score}` |
/// | `sms_stop` | an SMS customer sent STOP (or another opt-out keyword), once | |
/// | `sms_start` | an opted-out SMS customer sent START | |
/// | `sms_help` | an SMS customer sent HELP (not while opted out) | |
///
/// In a template, `{name}` is a placeholder and `{{` and `}}` are literal
/// braces: `"Use code {{SAVE10}}"` sends `Use code {SAVE10}`. Any other
/// template under `[templates]` is sent by a rule's `reply`, as written: it
/// has no placeholders.
///
/// ```
/// use switchboard::handoff::{default_template, fill, notice};
///
/// let t = default_template("queued").unwrap();
/// let text = fill(t, &[("position", "3"), ("wait", "about 4 minutes"), ("queue", "billing")]);
/// assert_eq!(text, "You are number 3 in line. Estimated wait: about 4 minutes.");
/// assert_eq!(notice("csat_thanks").unwrap().placeholders, ["score"]);
/// ```
pub const NOTICES: [NoticeSpec; 15] = [
    NoticeSpec {
        name: "queued",
        text: "You are number {position} in line. Estimated wait: {wait}.",
        placeholders: QUEUE_VALUES,
    },
    NoticeSpec {
        name: "connecting",
        text: "Connecting you with a member of our team now.",
        placeholders: &["queue"],
    },
    NoticeSpec {
        name: "queue_update",
        text: "You are now number {position} in line. Estimated wait: {wait}.",
        placeholders: QUEUE_VALUES,
    },
    NoticeSpec {
        name: "after_hours",
        text: "We are closed right now and open again {opening}. Leave a message here and we will answer as soon as we open.",
        placeholders: QUEUE_VALUES,
    },
    NoticeSpec {
        name: "queue_full",
        text: "All of our team are busy and the line is full right now. Please try again in a little while.",
        placeholders: &["queue"],
    },
    NoticeSpec {
        name: "no_agent",
        text: "All of our team are busy right now. Our assistant is back with you; ask for a person again at any time.",
        placeholders: &[],
    },
    NoticeSpec {
        name: "still_waiting",
        text: "All of our team are still busy. You are number {position} in line; we have not forgotten you.",
        placeholders: QUEUE_VALUES,
    },
    NoticeSpec {
        name: "transfer",
        text: "I am transferring you to a colleague who can help with this.",
        placeholders: &["queue"],
    },
    NoticeSpec {
        name: "inactivity",
        text: "We closed this conversation as we have not heard from you. Write again at any time.",
        placeholders: &[],
    },
    NoticeSpec {
        name: "hold_expired",
        text: "We closed this conversation as we have not heard from you. Write again at any time.",
        placeholders: &[],
    },
    NoticeSpec {
        name: "csat",
        text: "How did we do? Reply with a number from 1 (poor) to 5 (great).",
        placeholders: &[],
    },
    NoticeSpec {
        name: "csat_thanks",
        text: "Thank you for your feedback!",
        placeholders: &["score"],
    },
    // The replies carriers require to SMS keywords (CTIA): sent to the
    // sender whatever their conversation, the opt-out confirmation once.
    NoticeSpec {
        name: "sms_stop",
        text: "You are unsubscribed and will receive no more messages from us. Reply START to subscribe again.",
        placeholders: &[],
    },
    NoticeSpec {
        name: "sms_start",
        text: "You are subscribed again. Reply STOP to unsubscribe, HELP for help.",
        placeholders: &[],
    },
    NoticeSpec {
        name: "sms_help",
        text: "This is our customer service line: reply here and we will help. Reply STOP to unsubscribe. Msg & data rates may apply.",
        placeholders: &[],
    },
];

/// The notices' names and built-in texts, from [`NOTICES`].
pub const DEFAULT_TEMPLATES: [(&str, &str); 15] = {
    let mut out = [("", ""); 15];
    let mut i = 0;
    while i < NOTICES.len() {
        out[i] = (NOTICES[i].name, NOTICES[i].text);
        i += 1;
    }
    out
};

/// The notice called `name`, if the engine sends one.
pub fn notice(name: &str) -> Option<&'static NoticeSpec> {
    NOTICES.iter().find(|n| n.name == name)
}

/// The built-in text of notice `name`.
pub fn default_template(name: &str) -> Option<&'static str> {
    notice(name).map(|n| n.text)
}

/// The placeholders of `template`, without braces, in order, each once, or
/// what is wrong with its braces. `{{` and `}}` are literal braces; a name
/// is letters, digits and `_`.
///
/// ```
/// use switchboard::handoff::placeholders;
///
/// assert_eq!(placeholders("{a} costs {{5}} {b}{a}"), Ok(vec!["a", "b"]));
/// assert!(placeholders("{oops").is_err());
/// ```
///
/// # Errors
///
/// A message naming the brace at fault and how to write a literal one.
pub fn placeholders(template: &str) -> Result<Vec<&str>, String> {
    let mut found: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err("unmatched `}` in the template (write }} for a literal brace)".into());
        }
        let Some(end) = tail.find('}') else {
            return Err("unclosed `{` in the template (write {{ for a literal brace)".into());
        };
        let name = &tail[1..end];
        if name.is_empty() {
            return Err("empty placeholder `{}` (write {{}} for literal braces)".into());
        }
        // Dotted names (`{contact.name}`) serve canned responses and
        // approved templates.
        if let Some(ch) = name
            .chars()
            .find(|c| !c.is_alphanumeric() && *c != '_' && *c != '.')
        {
            return Err(format!(
                "unexpected `{ch}` in a placeholder; placeholders look like {{position}} \
                 (write {{{{ for a literal brace)"
            ));
        }
        if !found.contains(&name) {
            found.push(name);
        }
        rest = &tail[end + 1..];
    }
    Ok(found)
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
    fill_with(template, |name, out| {
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => {
                out.push_str(v);
                true
            }
            None => false,
        }
    })
}

/// [`fill`] with each value written by `value` as the template asks for
/// it, so that values the template does not use are never made: `value`
/// writes the value of the placeholder it is given onto the text and
/// says whether it knew the name.
pub(crate) fn fill_with(
    template: &str,
    mut value: impl FnMut(&str, &mut String) -> bool,
) -> String {
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
            if !value(name, &mut out) {
                out.push_str(&tail[..=end]);
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
    let mut out = String::new();
    write_wait(&mut out, wait);
    out
}

/// [`humanize_wait`] written onto `out`.
pub(crate) fn write_wait(out: &mut String, wait: Option<Duration>) {
    use std::fmt::Write as _;
    let Some(d) = wait else {
        out.push_str("a little while");
        return;
    };
    let s = d.as_secs();
    let _ = match s {
        0..45 => out.write_str("less than a minute"),
        45..90 => out.write_str("about 1 minute"),
        90..3_300 => write!(out, "about {} minutes", s.div_ceil(60).max(2)),
        3_300..5_400 => out.write_str("about 1 hour"),
        _ => write!(out, "about {} hours", (s + 1_800) / 3_600),
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_texts_use_only_their_notices_placeholders() {
        for n in &NOTICES {
            for p in placeholders(n.text).unwrap() {
                assert!(n.placeholders.contains(&p), "{}: {{{p}}}", n.name);
            }
        }
    }

    #[test]
    fn filling_every_listed_placeholder_leaves_no_brace() {
        for n in &NOTICES {
            let template: String = n.placeholders.iter().map(|p| format!("{{{p}}}")).collect();
            let values: Vec<(&str, &str)> = n.placeholders.iter().map(|p| (*p, "x")).collect();
            assert_eq!(fill(&template, &values), "x".repeat(n.placeholders.len()));
        }
    }

    #[test]
    fn placeholder_syntax_errors_say_how_to_write_a_brace() {
        assert_eq!(placeholders("{{literal}} {x}"), Ok(vec!["x"]));
        assert_eq!(fill("{{literal}} {x}", &[("x", "1")]), "{literal} 1");
        for (bad, says) in [
            ("a } b", "write }} for a literal brace"),
            ("a { b", "write {{ for a literal brace"),
            ("a {} b", "empty placeholder"),
            ("a {p-q} b", "unexpected `-`"),
        ] {
            let e = placeholders(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
