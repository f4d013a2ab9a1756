//! `[[rules]]` and `[defaults]`: the router checks and compiles them
//! ([`RouterBuilder`]); its problems and lints become diagnostics here,
//! placed at their rule's path in the document.

use super::checks::check_priority;
use super::compile::Declared;
use super::diagnostic::Diagnostic;
use super::diags::Diags;
use super::reader::Origins;
use super::spec::ConfigSpec;
use crate::expr::Schema;
use crate::router::{RouterBuilder, RuleProblem, Shadow, Target};

/// The field of a rule's `then`, or of `[defaults]`, that names a target,
/// and what the target is called in messages.
fn target(t: Target) -> (&'static str, &'static str) {
    match t {
        Target::Queue => ("queue", "queue"),
        Target::Bot => ("bot", "bot"),
        Target::Template => ("reply", "template"),
    }
}

/// Checks and compiles the rules and the default route, reporting errors
/// to `d` and rules that can never run to `warnings`.
pub(super) fn check(
    spec: &ConfigSpec,
    schema: &Schema,
    declared: &Declared<'_>,
    origins: &Origins,
    d: &mut Diags,
    warnings: &mut Vec<Diagnostic>,
) -> RouterBuilder {
    let exists = |t: Target, name: &str| declared.of(t).contains(&name);
    let builder = RouterBuilder::new(&spec.rules, &spec.defaults, schema, &exists);
    for p in builder.problems() {
        report(p, spec, declared, origins, d);
    }
    for u in builder.unreachable() {
        let r = &spec.rules[u.rule];
        let by = &spec.rules[u.by].id;
        let help = match u.shadow {
            Shadow::Always => format!(
                "rule `{by}` above it always matches and routes; move this rule above it or remove it"
            ),
            Shadow::SameCondition => format!(
                "rule `{by}` above has the same condition and routes, so it always decides first"
            ),
        };
        warnings.push(
            Diagnostic::warning(
                format!("rules[{}].when", origins.rule(u.rule)),
                format!("rule `{}` can never run", r.id),
            )
            .item(Some(&format!("rule `{}`", r.id)))
            .help(help),
        );
    }
    builder
}

fn report(
    p: &RuleProblem,
    spec: &ConfigSpec,
    declared: &Declared<'_>,
    origins: &Origins,
    d: &mut Diags,
) {
    // The rule's path in the document and the item diagnostics name.
    let at = |i: usize| {
        (
            format!("rules[{}]", origins.rule(i)),
            format!("rule `{}`", spec.rules[i].id),
        )
    };
    match p {
        RuleProblem::DuplicateId { rule, first } => {
            let (path, item) = at(*rule);
            d.error(
                format!("{path}.id"),
                Some(&item),
                format!("duplicate rule id `{}`", spec.rules[*rule].id),
                Some(format!(
                    "rules[{}] has the same id; decisions name rules by id",
                    origins.rule(*first)
                )),
            );
        }
        RuleProblem::Condition { rule, errors } => {
            let (path, item) = at(*rule);
            let when = &spec.rules[*rule].when;
            d.expr(format!("{path}.when"), Some(&item), when, errors.clone());
        }
        RuleProblem::ManyRoutes { rule, routes } => {
            let (path, item) = at(*rule);
            d.error(
                format!("{path}.then"),
                Some(&item),
                format!(
                    "a rule routes one way, but this one has {}",
                    routes.join(" and ")
                ),
                Some("keep one of bot, queue and drop".into()),
            );
        }
        RuleProblem::ContinueRoutes { rule, route } => {
            let (path, item) = at(*rule);
            d.error(
                format!("{path}.then"),
                Some(&item),
                format!("a `continue = true` rule cannot route, but this one has {route}"),
                Some(
                    "remove `continue` to let this rule decide, or move the route to a later rule"
                        .into(),
                ),
            );
        }
        RuleProblem::NoAction { rule } => {
            let (path, item) = at(*rule);
            d.error(format!("{path}.then"), Some(&item), "`then` does nothing".into(), Some("give it a route (bot, queue, drop) or an action (tags, priority, reply, opt_out, set)".into()));
        }
        RuleProblem::Unknown {
            rule,
            target: t,
            name,
        } => {
            let (field, kind) = target(*t);
            let known = declared.of(*t);
            match rule {
                Some(rule) => {
                    let (path, item) = at(*rule);
                    let path = format!("{path}.then.{field}");
                    d.reference(path, Some(&item), kind, name, known);
                }
                None => d.reference(format!("defaults.{field}"), None, kind, name, known),
            }
        }
        RuleProblem::Priority { rule, priority } => {
            let (path, item) = at(*rule);
            if let Err(p) = check_priority((*priority).into()) {
                d.problem(format!("{path}.then.priority"), Some(&item), p);
            }
        }
        RuleProblem::SetValue {
            rule,
            key,
            message,
            help,
        } => {
            let (path, item) = at(*rule);
            d.error(
                format!("{path}.then.set.{key}"),
                Some(&item),
                message.clone(),
                Some(help.clone()),
            );
        }
        RuleProblem::TwoDefaults => d.error(
            "defaults".into(),
            None,
            "`defaults` names both a bot and a queue".into(),
            Some("keep one: unmatched messages go to one place".into()),
        ),
    }
}
