//! The values each fact can take, and the check of the literals compared
//! with it when an expression compiles.
//!
//! A literal a fact can never equal is a typo (`weekday == 'monday'`: the
//! evaluator says `'mon'`), and so is a bound outside a fact's range
//! (`bot.confidence > 80`: confidence runs from 0 to 1). Both are errors,
//! whatever the operator: `==`, `!=`, `in`, `not in`, `has`, the orderings,
//! and the text operators on a fact with a closed list of values. The one
//! thing accepted outside the range is an ordering that always holds with
//! its bound at the range's edge, or one step past it for whole numbers
//! (`hour >= 0`, `hour < 24`, `bot.confidence <= 1`): that is how a range
//! is closed or a value's presence tested.
//!
//! These are errors rather than warnings, like type mismatches: each is a
//! comparison that cannot mean what was written. (The configuration's
//! warnings are for rules that are right on their own but shadowed by
//! others.)
//!
//! Facts whose values the configuration does not fix are not checked:
//! `lang`, `bot.intent`, `conversation.queue`, `conversation.tags`,
//! `agent.languages`, `visit.url` and the visit's other texts, and host
//! attributes (beyond their declared type). `visit.country` is a two-letter
//! code in capitals (`'DE'`), as the engine keeps it.
//! Channels are open too, since a host may add its own; only names no
//! channel can have are errors: names with characters a channel kind
//! cannot hold, and built-in names spelt otherwise (`'WhatsApp'`,
//! `'web_chat'`).

use super::ast::{Literal, Op, Operand, OperandKind};
use super::error::{ExprError, ExprErrorKind};
use super::fold::fold;
use super::pattern::{FIELD_CACHE, Patterns};
use super::program::Arg;
use super::schema::{Fact, closest};
use crate::calendar::DAY_NAMES;
use crate::model::{ChannelKind, ORIGIN_NAMES, Value};

const ATTACHMENTS: [&str; 5] = ["image", "audio", "video", "file", "location"];

// Skill levels are described as "from 0 to 10" below.
const _: () = assert!(crate::assign::MAX_SKILL_LEVEL == 10);

/// What values a fact (or each element of a list fact) can take.
#[derive(Clone, Copy, Debug)]
enum Domain {
    /// One of a closed list of names.
    Names(&'static [&'static str], &'static str),
    /// A channel kind name.
    Channel,
    /// A country: two ASCII capitals (ISO 3166-1 alpha-2).
    Country,
    /// A number from `lo` to `hi`, whole when `whole`.
    Range {
        lo: f64,
        hi: f64,
        whole: bool,
        describe: &'static str,
    },
}

fn scalar(fact: &Fact) -> Option<Domain> {
    let range = |lo: f64, hi: f64, whole: bool, describe| {
        Some(Domain::Range {
            lo,
            hi,
            whole,
            describe,
        })
    };
    match fact {
        Fact::Weekday => Some(Domain::Names(&DAY_NAMES, "weekdays are")),
        Fact::ConvOrigin => Some(Domain::Names(&ORIGIN_NAMES, "origins are")),
        Fact::Channel | Fact::ConvChannel => Some(Domain::Channel),
        Fact::Hour => range(0.0, 23.0, true, "a whole number from 0 to 23"),
        Fact::BotConfidence => range(0.0, 1.0, false, "a number from 0 to 1"),
        Fact::Sentiment => range(-1.0, 1.0, false, "a number from -1 to 1"),
        Fact::BotFallbacks | Fact::ConvMessages => {
            range(0.0, f64::from(u32::MAX), true, "a whole number, 0 or more")
        }
        Fact::ConvPriority => range(
            f64::from(i32::MIN),
            f64::from(i32::MAX),
            true,
            "a whole number",
        ),
        Fact::ConvWaited | Fact::VisitTimeOnPage | Fact::QueueWait => {
            range(0.0, f64::INFINITY, false, "a number of seconds, 0 or more")
        }
        Fact::VisitCartValue => range(0.0, f64::INFINITY, false, "a number, 0 or more"),
        Fact::VisitPages | Fact::VisitVisits | Fact::QueueReady => {
            range(0.0, f64::from(u32::MAX), true, "a whole number, 0 or more")
        }
        Fact::VisitCountry => Some(Domain::Country),
        Fact::AgentSkill(_) => range(
            0.0,
            f64::from(crate::assign::MAX_SKILL_LEVEL),
            true,
            "a whole number from 0 to 10",
        ),
        _ => None,
    }
}

fn elements(fact: &Fact) -> Option<Domain> {
    match fact {
        Fact::Attachments => Some(Domain::Names(&ATTACHMENTS, "attachment kinds are")),
        Fact::AgentChannels => Some(Domain::Channel),
        _ => None,
    }
}

/// Checks the literals of one comparison that already type-checks against
/// the domain of the fact they are compared with.
pub(crate) fn check(lhs: &Operand, la: &Arg, op: Op, rhs: &Operand, ra: &Arg) -> Vec<ExprError> {
    let mut errs = Vec::new();
    let (fact, path, other, flipped) = match (la, ra) {
        (Arg::Fact(f), _) => (f, lhs, rhs, false),
        (_, Arg::Fact(f)) => (f, rhs, lhs, true),
        _ => return errs,
    };
    let items: Vec<Literal> = match &other.kind {
        OperandKind::Literal(v) => vec![Literal {
            value: v.clone(),
            span: other.span,
        }],
        OperandKind::List(items) => items.clone(),
        _ => return errs,
    };
    let list_literal = matches!(other.kind, OperandKind::List(_));
    // Which domain the literals are compared with: the fact's own, or its
    // elements' when it is a list.
    let (domain, held) = match op {
        Op::Eq | Op::Ne if list_literal => (elements(fact), true),
        Op::Has | Op::In | Op::NotIn if !list_literal => (elements(fact), true),
        _ => (scalar(fact), false),
    };
    let Some(domain) = domain else { return errs };
    let name = path.to_string();
    match op {
        Op::Eq | Op::Ne | Op::In | Op::NotIn | Op::Has => {
            let verb = if held { "never holds" } else { "is never" };
            for l in &items {
                if let Some(help) = outside(domain, &l.value, &name) {
                    let message = format!("`{name}` {verb} {}", text(&l.value));
                    errs.push(never(l, &message, help));
                }
            }
        }
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let (Domain::Range { lo, hi, whole, .. }, [l]) = (domain, items.as_slice()) else {
                return errs;
            };
            let Value::Number(x) = l.value else {
                return errs;
            };
            // `25 > hour` reads as `hour < 25`.
            let op = if flipped { flip(op) } else { op };
            let step = if whole { 1.0 } else { 0.0 };
            let shown = if flipped {
                format!("{other} {} {path}", flip(op))
            } else {
                format!("{path} {op} {other}")
            };
            match ordering(op, x, lo, hi) {
                Some(false) => errs.push(never(
                    l,
                    &format!("`{shown}` is never true"),
                    range_help(domain, &name, x),
                )),
                Some(true) if x < lo - step || x > hi + step => errs.push(never(
                    l,
                    &format!("`{shown}` is always true"),
                    range_help(domain, &name, x),
                )),
                _ => {}
            }
        }
        Op::Contains | Op::StartsWith | Op::ContainsAny | Op::Matches => {
            let Domain::Names(names, _) = domain else {
                return errs;
            };
            for l in &items {
                let Value::Text(needle) = &l.value else {
                    continue;
                };
                if !names.iter().any(|n| text_holds(op, n, needle)) {
                    let shown = format!("{path} {op} {}", text(&l.value));
                    errs.push(never(
                        l,
                        &format!("`{shown}` is never true"),
                        list_help(domain),
                    ));
                }
            }
        }
    }
    errs
}

fn never(l: &Literal, message: &str, help: String) -> ExprError {
    ExprError::new(ExprErrorKind::Domain, l.span, message).with_help(help)
}

fn flip(op: Op) -> Op {
    match op {
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        other => other,
    }
}

/// Whether `fact op x` holds for every value (`Some(true)`), for none
/// (`Some(false)`), or depends on the value, for a fact from `lo` to `hi`.
fn ordering(op: Op, x: f64, lo: f64, hi: f64) -> Option<bool> {
    let (never, always) = match op {
        Op::Gt => (x >= hi, x < lo),
        Op::Ge => (x > hi, x <= lo),
        Op::Lt => (x <= lo, x > hi),
        Op::Le => (x < lo, x >= hi),
        _ => (false, false),
    };
    if never {
        Some(false)
    } else if always {
        Some(true)
    } else {
        None
    }
}

fn text_holds(op: Op, name: &str, needle: &str) -> bool {
    match op {
        Op::StartsWith => name.starts_with(&fold(needle)),
        Op::Matches => {
            // An invalid pattern is reported when it compiles; here it
            // counts as possible.
            Patterns::new(&[needle], super::MAX_REGEX_SIZE, FIELD_CACHE)
                .map_or(true, |re| re.is_match(name))
        }
        _ => name.contains(&fold(needle)),
    }
}

/// When `v` is a value the domain never has: the help saying what it has.
fn outside(domain: Domain, v: &Value, name: &str) -> Option<String> {
    match (domain, v) {
        (Domain::Names(names, _), Value::Text(s)) => (!names.contains(&s.as_str())).then(|| {
            let list = list_help(domain);
            match suggest(s, names) {
                Some(c) => format!("did you mean '{c}'? {list}"),
                None => list,
            }
        }),
        (Domain::Channel, Value::Text(s)) => channel(s),
        (Domain::Country, Value::Text(s)) => country(s),
        (Domain::Range { lo, hi, whole, .. }, Value::Number(x)) => {
            let inside = *x >= lo && *x <= hi && (!whole || x.fract() == 0.0);
            (!inside).then(|| range_help(domain, name, *x))
        }
        _ => None,
    }
}

/// A near name from `names`: the same ignoring case, one that starts the
/// value or that the value starts (`'monday'`, `'Mo'` → `'mon'`), or a
/// likely typo.
fn suggest(value: &str, names: &[&str]) -> Option<String> {
    let lower = value.to_lowercase();
    names
        .iter()
        .find(|n| {
            **n == lower
                || (lower.len() >= 2 && (lower.starts_with(**n) || n.starts_with(lower.as_str())))
        })
        .map(|n| (*n).to_owned())
        .or_else(|| closest(&lower, &mut names.iter().map(|n| (*n).to_owned())))
}

/// The help for a channel name no channel can have, or `None` for a name
/// a host may give a channel of its own.
fn channel(name: &str) -> Option<String> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let built_in: Vec<&str> = ChannelKind::BUILT_IN
        .iter()
        .map(ChannelKind::as_str)
        .collect();
    if built_in.contains(&name) {
        return None;
    }
    let twin = built_in.iter().find(|b| squash(b) == squash(name));
    let valid = name.parse::<ChannelKind>().is_ok();
    let why = match (valid, twin) {
        (true, None) => return None,
        (true, Some(_)) => "channel names are exact and the built-in ones are lowercase",
        (false, _) => "channel names are ASCII letters, digits, `_` and `-`",
    };
    let listed: Vec<String> = built_in.iter().map(|b| format!("'{b}'")).collect();
    Some(match twin {
        Some(b) => format!("did you mean '{b}'? {why}"),
        None => format!("{why}; the built-in ones are {}", listed.join(", ")),
    })
}

/// The help for a country that is not two ASCII capitals: visits carry
/// countries as ISO 3166-1 alpha-2 codes, in capitals.
fn country(name: &str) -> Option<String> {
    let letters = name.len() == 2 && name.bytes().all(|b| b.is_ascii_alphabetic());
    match (letters, name.bytes().all(|b| b.is_ascii_uppercase())) {
        (true, true) => None,
        (true, false) => Some(format!(
            "did you mean '{}'? countries are two-letter ISO 3166-1 codes in capitals",
            name.to_ascii_uppercase()
        )),
        _ => Some("countries are two-letter ISO 3166-1 codes, such as 'DE' or 'US'".into()),
    }
}

fn list_help(domain: Domain) -> String {
    match domain {
        Domain::Names(names, intro) => {
            let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
            format!("{intro} {}", quoted.join(", "))
        }
        _ => String::new(),
    }
}

/// What a numeric fact holds, with a guess when the number looks like a
/// percentage or midnight written as 24.
fn range_help(domain: Domain, name: &str, x: f64) -> String {
    let Domain::Range {
        lo, hi, describe, ..
    } = domain
    else {
        return String::new();
    };
    let subject = format!("`{name}` is");
    if hi - lo <= 2.0 && x.abs() > 1.0 && (x / 100.0 >= lo && x / 100.0 <= hi) {
        return format!(
            "did you mean {}? {subject} {describe}, not a percentage",
            x / 100.0
        );
    }
    if hi == 23.0 && x == 24.0 {
        return format!("did you mean 0? {subject} {describe}; midnight is 0");
    }
    format!("{subject} {describe}")
}

fn text(v: &Value) -> String {
    let mut s = String::new();
    let _ = super::ast::write_literal(&mut s, v);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttachmentKind;

    #[test]
    fn the_listed_attachment_kinds_are_the_wire_names() {
        let kinds = [
            AttachmentKind::Image,
            AttachmentKind::Audio,
            AttachmentKind::Video,
            AttachmentKind::File,
            AttachmentKind::Location,
        ];
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ATTACHMENTS);
    }
}
