//! Checks `[templates]` against what sends them: a notice fills the
//! placeholders [`NOTICES`] lists for it, a rule's `reply` fills none, and a
//! template that neither sends is probably a misspelt notice.
//!
//! The list of notices and their placeholders is the engine's own
//! ([`crate::handoff::NOTICES`]), so the two cannot disagree.

use std::collections::BTreeMap;

use super::diagnostic::Diagnostic;
use super::diags::Diags;
use super::spec::{
    ApprovedTemplate, CANNED_VARIABLES, ConfigSpec, TemplateSpec, WINDOW_PLACEHOLDERS,
};
use crate::expr::did_you_mean;
use crate::handoff::{NOTICES, NoticeSpec, notice, placeholders};

/// How literal braces are written, for every message about braces.
const BRACES: &str = "write {{ and }} for literal braces";

/// What sends a template, and so what it fills.
enum Sender<'a> {
    /// The engine, as a notice.
    Notice(&'static NoticeSpec),
    /// A rule's `reply` (the first rule that has it), as written.
    Reply(&'a str),
}

/// Reports each template whose braces do not parse or whose placeholders
/// nothing fills (errors), and each that nothing sends (warnings).
pub(super) fn check(spec: &ConfigSpec, d: &mut Diags, warnings: &mut Vec<Diagnostic>) {
    let mut replies: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &spec.rules {
        if let Some(t) = &r.then.reply {
            replies.entry(t.as_str()).or_insert(r.id.as_str());
        }
    }
    for (name, template) in &spec.templates {
        let path = format!("templates.{name}");
        let item = format!("template `{name}`");
        let item = Some(item.as_str());
        let text = match template {
            TemplateSpec::Text(text) => text,
            TemplateSpec::Approved(by_lang) => {
                check_approved(by_lang, &path, item, d);
                continue;
            }
        };
        let used = match placeholders(text) {
            Ok(used) => used,
            Err(m) => {
                d.error(path, item, m, None);
                continue;
            }
        };
        // A reply is sent as written, so a notice that a rule also replies
        // with can have no placeholders at all.
        let sender = match (replies.get(name.as_str()), notice(name)) {
            (Some(rule), _) => Sender::Reply(rule),
            (None, Some(n)) => Sender::Notice(n),
            // An empty name is an error already (see `names`).
            (None, None) if name.trim().is_empty() => continue,
            (None, None) => {
                warnings.push(never_sent(name, path).item(item));
                continue;
            }
        };
        let filled = match sender {
            Sender::Notice(n) => n.placeholders,
            Sender::Reply(_) => &[],
        };
        for p in used.into_iter().filter(|p| !filled.contains(p)) {
            let help = match sender {
                Sender::Notice(n) => notice_help(p, n),
                Sender::Reply(rule) => format!(
                    "rule `{rule}` sends `{name}` as its reply, which fills no placeholders; \
                     remove `{{{p}}}`, or {BRACES}"
                ),
            };
            let message = format!("unknown placeholder `{{{p}}}` in template `{name}`");
            d.error(path.clone(), item, message, Some(help));
        }
    }
}

/// A suggestion among the notice's placeholders, the full list, and how to
/// write a brace.
fn notice_help(p: &str, n: &NoticeSpec) -> String {
    let braced = |f: &str| format!("{{{f}}}");
    let guess = did_you_mean(&braced(p), &mut n.placeholders.iter().map(|f| braced(f)))
        .map(|g| format!("{g} "))
        .unwrap_or_default();
    let list = if n.placeholders.is_empty() {
        format!("`{}` has no placeholders", n.name)
    } else {
        let all: Vec<String> = n.placeholders.iter().map(|f| braced(f)).collect();
        format!("the placeholders of `{}` are {}", n.name, all.join(", "))
    };
    format!("{guess}{list}; {BRACES}")
}

/// The warning for a template that is neither a notice nor a rule's reply:
/// most likely a misspelt notice, which would leave the built-in text in
/// use.
fn never_sent(name: &str, path: String) -> Diagnostic {
    let notices = || NOTICES.iter().map(|n| n.name.to_owned());
    let help = match did_you_mean(name, &mut notices()) {
        Some(guess) => {
            format!("{guess} It is a notice; any other template is sent by a rule's `reply`")
        }
        None => format!(
            "the notices are {}; any other template is sent by a rule's `reply`",
            notices().collect::<Vec<_>>().join(", ")
        ),
    };
    Diagnostic::warning(
        path,
        format!(
            "template `{name}` is never sent: no notice has this name and no rule replies with it"
        ),
    )
    .help(help)
}

/// Checks the parameters of approved templates: each fills only
/// [`WINDOW_PLACEHOLDERS`] and `{contact.<attribute>}`.
fn check_approved(
    by_lang: &BTreeMap<String, ApprovedTemplate>,
    path: &str,
    item: Option<&str>,
    d: &mut Diags,
) {
    for (lang, t) in by_lang {
        for (i, param) in t.parameters.iter().enumerate() {
            let p = format!("{path}.{lang}.parameters[{i}]");
            let used = match placeholders(param) {
                Ok(used) => used,
                Err(m) => {
                    d.error(p, item, m, None);
                    continue;
                }
            };
            for u in used
                .into_iter()
                .filter(|u| !WINDOW_PLACEHOLDERS.contains(u) && !u.starts_with("contact."))
            {
                let braced = |f: &str| format!("{{{f}}}");
                let guess = did_you_mean(
                    &braced(u),
                    &mut WINDOW_PLACEHOLDERS.iter().map(|f| braced(f)),
                )
                .map(|g| format!("{g} "))
                .unwrap_or_default();
                let all: Vec<String> = WINDOW_PLACEHOLDERS.iter().map(|f| braced(f)).collect();
                d.error(
                    p.clone(),
                    item,
                    format!("unknown placeholder `{{{u}}}` in an approved template's parameter"),
                    Some(format!(
                        "{guess}parameters may use {} and {{contact.<attribute>}}; {BRACES}",
                        all.join(", ")
                    )),
                );
            }
        }
    }
}

/// Checks `[canned]`: each text's variables are ones an agent's message can
/// fill, and no two canned responses share a shortcut.
pub(super) fn check_canned(spec: &ConfigSpec, d: &mut Diags) {
    let mut shortcuts: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, c) in &spec.canned {
        let item = format!("canned response `{id}`");
        let item = Some(item.as_str());
        if let Some(sc) = &c.shortcut {
            if sc.trim().is_empty() {
                d.error(
                    format!("canned.{id}.shortcut"),
                    item,
                    "a shortcut cannot be empty".into(),
                    None,
                );
            } else if let Some(other) = shortcuts.insert(sc.as_str(), id.as_str()) {
                d.error(
                    format!("canned.{id}.shortcut"),
                    item,
                    format!("shortcut `{sc}` is also `{other}`'s"),
                    Some("give each canned response its own shortcut".into()),
                );
            }
        }
        for (lang, text) in &c.text {
            let path = format!("canned.{id}.text.{lang}");
            let used = match placeholders(text) {
                Ok(used) => used,
                Err(m) => {
                    d.error(path, item, m, None);
                    continue;
                }
            };
            let known = |u: &str| {
                CANNED_VARIABLES.contains(&u)
                    || ["contact.", "agent.", "slot."]
                        .iter()
                        .any(|p| u.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
            };
            for u in used.into_iter().filter(|u| !known(u)) {
                let braced = |f: &str| format!("{{{f}}}");
                let guess =
                    did_you_mean(&braced(u), &mut CANNED_VARIABLES.iter().map(|f| braced(f)))
                        .map(|g| format!("{g} "))
                        .unwrap_or_default();
                d.error(
                    path.clone(),
                    item,
                    format!("unknown variable `{{{u}}}` in canned response `{id}`"),
                    Some(format!(
                        "{guess}the variables are {{agent}}, {{queue}}, {{conversation}}, {{contact.<attribute>}}, {{agent.<attribute>}} and {{slot.<name>}}; {BRACES}"
                    )),
                );
            }
        }
    }
}
