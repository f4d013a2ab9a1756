//! Building a [`Router`] from `[[rules]]` and `[defaults]`: every rule is
//! checked and compiled on its own, problems come back typed, by rule
//! index, and the automata are built last.
//!
//! Building takes two steps because the first is cheap and the second is
//! not: [`RouterBuilder::new`] parses, checks and compiles each rule and
//! finds every problem; [`RouterBuilder::build`] then compiles the single
//! scan's automata and checks the memory budget, which is only worth doing
//! for a configuration with nothing else wrong. Wording the problems for
//! people (paths, line and column, suggestions) is the configuration's job.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::matcher::AtomTable;
use super::{CompiledRule, Route, Router, RouterError, RuleAction};
use crate::calendar::Calendars;
use crate::config::{ActionSpec, DefaultsSpec, MAX_PRIORITY, MIN_PRIORITY, RuleSpec};
use crate::expr::{Compiler, Context, Expr, ExprError, Schema};
use crate::model::{BotId, QueueId, RuleId};

/// What a rule or `[defaults]` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A queue, by `queue`.
    Queue,
    /// A bot, by `bot`.
    Bot,
    /// A template, by a rule's `reply`.
    Template,
}

/// A problem that keeps rules from building a router. `rule` is an index
/// into the rules the builder was given.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RuleProblem {
    /// Rule `rule` has the id of the earlier rule `first`.
    DuplicateId { rule: usize, first: usize },
    /// Rule `rule`'s `when` does not parse, or does not check; the spans
    /// are in its `when`.
    Condition { rule: usize, errors: Vec<ExprError> },
    /// Rule `rule`'s `then` has more than one route, named here in the
    /// order bot, queue, drop.
    ManyRoutes {
        rule: usize,
        routes: Vec<&'static str>,
    },
    /// Rule `rule` is `continue = true` but routes.
    ContinueRoutes { rule: usize, route: &'static str },
    /// Rule `rule`'s `then` neither routes nor acts.
    NoAction { rule: usize },
    /// Rule `rule` (or `[defaults]`, when `None`) names a target that does
    /// not exist.
    Unknown {
        rule: Option<usize>,
        target: Target,
        name: String,
    },
    /// Rule `rule`'s priority is outside [`MIN_PRIORITY`] to
    /// [`MAX_PRIORITY`].
    Priority { rule: usize, priority: i32 },
    /// Rule `rule` sets contact attribute `key` to a value its declaration
    /// refuses.
    SetValue {
        rule: usize,
        key: String,
        message: String,
        help: String,
    },
    /// `[defaults]` names both a bot and a queue.
    TwoDefaults,
}

/// Why a rule can never run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shadow {
    /// A rule above always matches and routes.
    Always,
    /// A rule above has the same condition and routes.
    SameCondition,
}

/// A rule that can never run, because rule `by` above it always decides
/// first: a lint, not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unreachable {
    /// The rule that can never run.
    pub(crate) rule: usize,
    /// The rule that decides before it.
    pub(crate) by: usize,
    /// Why.
    pub(crate) shadow: Shadow,
}

/// Rules checked and compiled one by one, ready to become a [`Router`].
#[derive(Debug)]
pub(crate) struct RouterBuilder {
    rules: Vec<CompiledRule>,
    atoms: AtomTable,
    default: Option<Route>,
    problems: Vec<RuleProblem>,
    unreachable: Vec<Unreachable>,
}

impl RouterBuilder {
    /// Checks and compiles `rules` and the `[defaults]` route against
    /// `schema`. `exists` says whether a queue, bot or template a rule
    /// names is declared.
    pub(crate) fn new(
        rules: &[RuleSpec],
        defaults: &DefaultsSpec,
        schema: &Schema,
        exists: &dyn Fn(Target, &str) -> bool,
    ) -> RouterBuilder {
        let mut b = RouterBuilder {
            rules: Vec::new(),
            atoms: AtomTable::default(),
            default: None,
            problems: Vec::new(),
            unreachable: Vec::new(),
        };
        let mut exprs: Vec<Option<Expr>> = Vec::with_capacity(rules.len());
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            if let Some(first) = seen.insert(r.id.as_str(), i) {
                b.problems.push(RuleProblem::DuplicateId { rule: i, first });
            }
            let (expr, node) = match Expr::parse(&r.when) {
                Err(e) => {
                    b.problems.push(RuleProblem::Condition {
                        rule: i,
                        errors: vec![e],
                    });
                    (None, None)
                }
                Ok(e) => {
                    let mut c = Compiler::new(schema, Context::Route, Some(&mut b.atoms));
                    let n = c.condition(&e);
                    if c.errors.is_empty() {
                        (Some(e), Some(n))
                    } else {
                        b.problems.push(RuleProblem::Condition {
                            rule: i,
                            errors: c.errors,
                        });
                        (Some(e), None)
                    }
                }
            };
            let action = b.action(i, r, exists);
            for (key, value) in &r.then.set {
                if let Err((message, help)) = schema.check_contact_value(key, value) {
                    b.problems.push(RuleProblem::SetValue {
                        rule: i,
                        key: key.clone(),
                        message,
                        help,
                    });
                }
            }
            exprs.push(expr);
            if let (Some(node), Some(action)) = (node, action) {
                b.rules.push(CompiledRule {
                    id: RuleId::new(r.id.clone()),
                    when: r.when.clone(),
                    node,
                    action,
                });
            }
        }
        b.unreachable = unreachable(rules, &exprs);
        b.default = b.default_route(defaults, exists);
        b
    }

    /// Every problem found, rule by rule in order, then `[defaults]`'s.
    pub(crate) fn problems(&self) -> &[RuleProblem] {
        &self.problems
    }

    /// The rules that can never run, in order.
    pub(crate) fn unreachable(&self) -> &[Unreachable] {
        &self.unreachable
    }

    /// Builds the single scan's automata and the candidate index.
    ///
    /// # Errors
    ///
    /// The rules' `matches` patterns together exceed
    /// [`MAX_REGEX_MEMORY`](crate::expr::MAX_REGEX_MEMORY), or the keywords
    /// do not build. Call it only when [`problems`](Self::problems) is
    /// empty: rules with problems are left out of the router.
    pub(crate) fn build(self, calendars: Arc<Calendars>) -> Result<Router, RouterError> {
        Router::new(self.rules, self.atoms, self.default, calendars)
    }

    /// Checks rule `i`'s `then`, recording its problems; the compiled
    /// action when it has none.
    fn action(
        &mut self,
        i: usize,
        r: &RuleSpec,
        exists: &dyn Fn(Target, &str) -> bool,
    ) -> Option<RuleAction> {
        let a: &ActionSpec = &r.then;
        let before = self.problems.len();
        let routes: Vec<&'static str> = [
            a.bot.as_ref().map(|_| "bot"),
            a.queue.as_ref().map(|_| "queue"),
            a.drop.then_some("drop"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if routes.len() > 1 {
            self.problems.push(RuleProblem::ManyRoutes {
                rule: i,
                routes: routes.clone(),
            });
        }
        if r.continue_ && !routes.is_empty() {
            self.problems.push(RuleProblem::ContinueRoutes {
                rule: i,
                route: routes[0],
            });
        }
        let nothing = routes.is_empty()
            && a.priority.is_none()
            && a.tags.is_empty()
            && a.reply.is_none()
            && !a.opt_out
            && a.set.is_empty();
        if nothing {
            self.problems.push(RuleProblem::NoAction { rule: i });
        }
        for (target, name) in [
            (Target::Queue, &a.queue),
            (Target::Bot, &a.bot),
            (Target::Template, &a.reply),
        ] {
            if let Some(name) = name
                && !exists(target, name)
            {
                self.problems.push(RuleProblem::Unknown {
                    rule: Some(i),
                    target,
                    name: name.clone(),
                });
            }
        }
        if let Some(p) = a.priority
            && !(MIN_PRIORITY..=MAX_PRIORITY).contains(&i64::from(p))
        {
            self.problems.push(RuleProblem::Priority {
                rule: i,
                priority: p,
            });
        }
        if self.problems.len() > before {
            return None;
        }
        let route = if let Some(b) = &a.bot {
            Some(Route::Bot {
                bot: BotId::new(b.clone()),
            })
        } else if let Some(q) = &a.queue {
            Some(Route::Queue {
                queue: QueueId::new(q.clone()),
                priority: 0,
            })
        } else if a.drop {
            Some(Route::Drop)
        } else {
            None
        };
        Some(RuleAction {
            route,
            priority: a.priority,
            tags: a.tags.clone(),
            reply: a.reply.clone(),
            opt_out: a.opt_out,
            set: a.set.clone(),
        })
    }

    /// The route for messages no rule routes, recording its problems.
    fn default_route(
        &mut self,
        defaults: &DefaultsSpec,
        exists: &dyn Fn(Target, &str) -> bool,
    ) -> Option<Route> {
        let mut unknown = |target, name: &String| {
            if !exists(target, name) {
                self.problems.push(RuleProblem::Unknown {
                    rule: None,
                    target,
                    name: name.clone(),
                });
            }
        };
        match (&defaults.bot, &defaults.queue) {
            (Some(_), Some(_)) => {
                self.problems.push(RuleProblem::TwoDefaults);
                None
            }
            (Some(b), None) => {
                unknown(Target::Bot, b);
                Some(Route::Bot {
                    bot: BotId::new(b.clone()),
                })
            }
            (None, Some(q)) => {
                unknown(Target::Queue, q);
                Some(Route::Queue {
                    queue: QueueId::new(q.clone()),
                    priority: 0,
                })
            }
            (None, None) => None,
        }
    }
}

/// The rules that can never run: those after a rule that is always true
/// and routes, and those with the same condition as a routing rule above
/// (compared by canonical text). `exprs` holds each rule's parsed
/// condition, `None` where it did not parse.
fn unreachable(rules: &[RuleSpec], exprs: &[Option<Expr>]) -> Vec<Unreachable> {
    let mut out = Vec::new();
    let mut stopping: BTreeMap<String, usize> = BTreeMap::new();
    let mut unconditional: Option<usize> = None;
    for (i, r) in rules.iter().enumerate() {
        if let Some(by) = unconditional {
            out.push(Unreachable {
                rule: i,
                by,
                shadow: Shadow::Always,
            });
            continue;
        }
        let Some(e) = &exprs[i] else { continue };
        let canonical = e.to_string();
        if let Some(&by) = stopping.get(&canonical) {
            out.push(Unreachable {
                rule: i,
                by,
                shadow: Shadow::SameCondition,
            });
            continue;
        }
        if r.then.bot.is_some() || r.then.queue.is_some() || r.then.drop {
            if canonical == "true" {
                unconditional = Some(i);
            }
            stopping.insert(canonical, i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only_queue_q(t: Target, name: &str) -> bool {
        t == Target::Queue && name == "q"
    }

    #[test]
    fn problems_name_their_rule_by_index_in_rule_order() {
        let rules = [
            RuleSpec::new("a", "true", ActionSpec::queue("q")),
            RuleSpec::new("a", "text = 'x'", ActionSpec::bot("nobot")),
            RuleSpec::new("c", "channel == 'sms'", ActionSpec::default()),
        ];
        let defaults = DefaultsSpec {
            bot: Some("b".into()),
            queue: Some("q".into()),
            ..DefaultsSpec::default()
        };
        let b = RouterBuilder::new(&rules, &defaults, &Schema::default(), &only_queue_q);
        let p = b.problems();
        assert_eq!(p.len(), 5, "{p:?}");
        assert_eq!(p[0], RuleProblem::DuplicateId { rule: 1, first: 0 });
        assert!(matches!(&p[1], RuleProblem::Condition { rule: 1, errors } if errors.len() == 1));
        assert_eq!(
            p[2],
            RuleProblem::Unknown {
                rule: Some(1),
                target: Target::Bot,
                name: "nobot".into()
            }
        );
        assert_eq!(p[3], RuleProblem::NoAction { rule: 2 });
        assert_eq!(p[4], RuleProblem::TwoDefaults);
    }

    #[test]
    fn rules_after_an_unconditional_route_or_a_routed_condition_never_run() {
        let rules = [
            RuleSpec::new(
                "tag",
                "channel == 'sms'",
                ActionSpec::default().with_tags(["x"]),
            )
            .continuing(),
            RuleSpec::new("sms", "channel=='sms'", ActionSpec::queue("q")),
            RuleSpec::new("again", "channel == 'sms'", ActionSpec::queue("q")),
            RuleSpec::new("all", "true", ActionSpec::drop_message()),
            RuleSpec::new("late", "lang == 'en'", ActionSpec::queue("q")),
        ];
        let b = RouterBuilder::new(
            &rules,
            &DefaultsSpec::default(),
            &Schema::default(),
            &only_queue_q,
        );
        assert_eq!(b.problems(), []);
        assert_eq!(
            b.unreachable(),
            [
                Unreachable {
                    rule: 2,
                    by: 1,
                    shadow: Shadow::SameCondition
                },
                Unreachable {
                    rule: 4,
                    by: 3,
                    shadow: Shadow::Always
                },
            ]
        );
        let router = b.build(Arc::default()).unwrap();
        assert_eq!(router.len(), 5);
    }
}
