//! `[[queues]]`: each queue's settings checked and its eligibility
//! compiled, and overflow chains checked for cycles.

use std::collections::HashMap;
use std::time::Duration;

use super::checks::{AGING_HELP, check_offers, check_priority, check_seconds};
use super::compile::Declared;
use super::diags::Diags;
use super::reader::Origins;
use super::settings::QueueSettings;
use super::spec::{ConfigSpec, QueueSpec};
use crate::expr::{Condition, Context, Schema};
use crate::model::QueueId;

/// The built-in strategies a queue may name; `[strategies.<name>]` declares
/// more, which the host installs.
pub const STRATEGIES: [&str; 4] = ["longest_idle", "least_busy", "round_robin", "most_skilled"];

/// A compiled queue: its settings and its eligibility conditions.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct QueueConfig {
    /// The queue's id.
    pub id: QueueId,
    /// Its settings as written.
    pub spec: QueueSpec,
    /// Its settings with every default applied.
    pub settings: QueueSettings,
    /// Which agents may take its conversations; `None` means every agent.
    pub eligible: Option<Condition>,
    /// Relaxation steps, in order of `after`.
    pub relax: Vec<(Duration, Condition)>,
}

/// Checks and compiles every queue; `default_wrap_up` is `[assignment]
/// wrap_up` resolved, which a queue's own `wrap_up` overrides.
pub(super) fn compile(
    spec: &ConfigSpec,
    schema: &Schema,
    declared: &Declared<'_>,
    origins: &Origins,
    default_wrap_up: Duration,
    d: &mut Diags,
) -> Vec<QueueConfig> {
    let mut queues = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, q) in spec.queues.iter().enumerate() {
        let path = format!("queues[{}]", origins.queue(i));
        let item = format!("queue `{}`", q.id);
        let item = Some(item.as_str());
        if let Some(first) = seen.insert(q.id.as_str(), i) {
            d.error(
                format!("{path}.id"),
                item,
                format!("duplicate queue id `{}`", q.id),
                Some(format!("queues[{}] has the same id", origins.queue(first))),
            );
        }
        let eligible = q
            .eligible
            .as_deref()
            .and_then(|s| eligibility(format!("{path}.eligible"), item, s, schema, d));
        let mut relax = Vec::new();
        for (j, step) in q.relax.iter().enumerate() {
            let p = format!("{path}.relax[{j}].eligible");
            if let Some(c) = eligibility(p, item, &step.eligible, schema, d) {
                relax.push((step.after, c));
            }
        }
        relax.sort_by_key(|(after, _)| *after);
        check(q, &path, item, declared, d);
        queues.push(QueueConfig {
            id: QueueId::new(q.id.clone()),
            spec: q.clone(),
            settings: QueueSettings::resolve(q, default_wrap_up),
            eligible,
            relax,
        });
    }
    check_overflow_cycles(spec, origins, d);
    queues
}

/// Compiles an eligibility condition, refusing one that reads what changes
/// with time alone: the assigner re-checks eligibility when agents and
/// conversations change, not as the clock moves, so a conversation could
/// wait while such a term had become true. Relaxation steps express rules
/// on waiting time and a queue's calendar its hours; both run on timers.
fn eligibility(
    path: String,
    item: Option<&str>,
    src: &str,
    schema: &Schema,
    d: &mut Diags,
) -> Option<Condition> {
    match Condition::compile(src, schema, Context::Eligibility) {
        Ok(c) => match c.time_term() {
            None => Some(c),
            Some(term) => {
                d.error(
                    path,
                    item,
                    format!(
                        "`{term}` changes with time alone, and eligibility is not re-checked as time passes"
                    ),
                    Some(
                        "use relax = [{ after = \"2m\", eligible = \"…\" }] for rules on waiting time, and the queue's calendar for business hours".into(),
                    ),
                );
                None
            }
        },
        Err(errs) => {
            d.expr(path, item, src, errs);
            None
        }
    }
}

/// Checks a queue's settings other than its id and eligibility.
fn check(q: &QueueSpec, path: &str, item: Option<&str>, declared: &Declared<'_>, d: &mut Diags) {
    if let Some(s) = &q.strategy {
        if !STRATEGIES.contains(&s.as_str()) && !declared.strategies.contains(&s.as_str()) {
            unknown_strategy(format!("{path}.strategy"), item, s, declared, d);
        } else if s == "most_skilled" && q.skill.is_none() {
            d.error(
                format!("{path}.strategy"),
                item,
                "`most_skilled` needs the skill to rank by".into(),
                Some("add skill = \"billing\"".into()),
            );
        }
    }
    if let Some(c) = &q.calendar
        && !declared.calendars.contains(&c.as_str())
    {
        d.reference(
            format!("{path}.calendar"),
            item,
            "calendar",
            c,
            &declared.calendars,
        );
    }
    if let Some(o) = &q.overflow {
        if o.to == q.id {
            d.error(
                format!("{path}.overflow.to"),
                item,
                "a queue cannot overflow to itself".into(),
                None,
            );
        } else if !declared.queues.contains(&o.to.as_str()) {
            d.reference(
                format!("{path}.overflow.to"),
                item,
                "queue",
                &o.to,
                &declared.queues,
            );
        }
    }
    if q.max_size == Some(0) {
        d.error(
            format!("{path}.max_size"),
            item,
            "max_size must be at least 1".into(),
            None,
        );
    }
    if let Some(t) = q.offer_timeout
        && t < Duration::from_secs(1)
    {
        d.error(
            format!("{path}.offer_timeout"),
            item,
            "offer_timeout must be at least 1s".into(),
            Some("agents need time to see an offer; 30s is the default".into()),
        );
    }
    if let Err(p) = check_priority(q.priority.into()) {
        d.problem(format!("{path}.priority"), item, p);
    }
    if let Some(a) = q.aging
        && let Err(p) = check_seconds("aging", a, AGING_HELP)
    {
        d.problem(format!("{path}.aging"), item, p);
    }
    if let Some(n) = q.offers
        && let Err(p) = check_offers(n.into())
    {
        d.problem(format!("{path}.offers"), item, p);
    }
}

/// An error for a queue's `strategy` that is neither built in nor
/// declared: a likely typo gets a did-you-mean over both kinds, any other
/// name the way to declare it.
fn unknown_strategy(
    path: String,
    item: Option<&str>,
    name: &str,
    declared: &Declared<'_>,
    d: &mut Diags,
) {
    let builtins = STRATEGIES.join(", ");
    if name.trim().is_empty() {
        let help = format!(
            "name one of {builtins} or a strategy declared as [strategies.<name>], or leave `strategy` out for longest_idle"
        );
        d.error(path, item, "the strategy name is empty".into(), Some(help));
        return;
    }
    let known = STRATEGIES.iter().chain(&declared.strategies);
    let help = crate::expr::did_you_mean(name, &mut known.map(|s| (*s).to_owned()))
        .unwrap_or_else(|| {
            format!(
                "the built-in strategies are {builtins}; declare one of your own as [strategies.{name}] and install it in code"
            )
        });
    d.error(path, item, format!("unknown strategy `{name}`"), Some(help));
}

/// Checks `[strategies.<name>]`: a declared name may not be a built-in
/// one, which a queue naming it would mean instead.
pub(super) fn check_strategies(spec: &ConfigSpec, d: &mut Diags) {
    for name in spec.strategies.keys() {
        if STRATEGIES.contains(&name.as_str()) {
            d.error(
                format!("strategies.{name}"),
                None,
                format!("`{name}` is a built-in strategy"),
                Some(format!(
                    "a queue names a built-in strategy without declaring it; give a strategy of your own another name, such as `{name}_custom`"
                )),
            );
        }
    }
}

/// Overflow chains end: a cycle would move a waiting conversation from
/// queue to queue forever. Each cycle is reported once, on the queue of
/// the smallest id in it.
fn check_overflow_cycles(spec: &ConfigSpec, origins: &Origins, d: &mut Diags) {
    for (i, q) in spec.queues.iter().enumerate() {
        let mut chain = vec![q.id.as_str()];
        let mut at = q;
        while let Some(o) = &at.overflow {
            let Some(next) = spec.queues.iter().find(|n| n.id == o.to) else {
                break;
            };
            if next.id == q.id {
                if chain.len() > 1 && chain.iter().min() == Some(&q.id.as_str()) {
                    chain.push(q.id.as_str());
                    d.error(
                        format!("queues[{}].overflow.to", origins.queue(i)),
                        Some(&format!("queue `{}`", q.id)),
                        format!(
                            "queues overflow in a cycle ({}): a waiting conversation would move between them forever",
                            chain.join(" → ")
                        ),
                        Some("end the chain in a queue without overflow".into()),
                    );
                }
                break;
            }
            if chain.contains(&next.id.as_str()) {
                break;
            }
            chain.push(next.id.as_str());
            at = next;
        }
    }
}
