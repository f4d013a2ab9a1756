//! The rule-based router: which bot or queue a message goes to.
//!
//! A [`Router`] builds itself from the `[[rules]]` and `[defaults]` of a
//! [`Config`](crate::config::Config) and answers [`Router::route`] for each
//! message: rules run in file order, the first matching rule with a routing
//! action (`bot`, `queue`, `drop`) decides, matching rules without one add
//! tags, priority, a reply and contact attributes and let evaluation go on,
//! and when nothing routes the `[defaults]` route applies — Twilio
//! TaskRouter's first match with a default, and Chatwoot's accumulating
//! tags, in one model. [`Router::explain`] gives the same decision with the
//! reason for every rule it evaluated, up to the one that decided.
//!
//! Building checks and compiles each rule and reports its problems
//! typed, by rule index; wording them and placing them in the
//! document (path, line, column, suggestion) is the configuration's job.
//!
//! # Speed by design
//!
//! * **One scan per message.** The keywords of every `contains`,
//!   `contains_any` and `starts_with` on the message text are compiled into
//!   one Aho-Corasick automaton over case-folded text, and every `matches`
//!   pattern into one multi-pattern regex (`regex-automata`'s engine,
//!   reporting every pattern that matches, like a `RegexSet`). The message
//!   is folded once and scanned once, whatever the number of rules.
//! * **Shared comparisons run once.** Rules repeat the same tests
//!   (`channel == 'sms'`, `contact.tier == 'vip'`); each distinct
//!   comparison is evaluated at most once per message and its result
//!   reused by every rule that contains it.
//! * **Only candidates are evaluated.** Each rule is indexed by something
//!   that must hold for it to match — a keyword, a regex, a `channel`,
//!   `lang` or contact attribute value, a numeric threshold — so a message
//!   evaluates only the rules that can match, in order. The index never
//!   changes a decision.
//! * **Names are resolved at compile time**; evaluation reads fields and
//!   does not allocate per rule (a text operator on a field other than the
//!   message text folds that field's value when it runs).
//!
//! # Rules from untrusted users
//!
//! Rule sets may come from tenants of a multi-tenant product. Compiling
//! bounds them: an expression is at most
//! [`MAX_EXPR_LEN`](crate::expr::MAX_EXPR_LEN) bytes and
//! [`MAX_DEPTH`](crate::expr::MAX_DEPTH) levels deep; each `matches`
//! pattern compiles to at most [`MAX_REGEX_SIZE`](crate::expr::MAX_REGEX_SIZE)
//! bytes, and a pattern over it (such as `(\w{100}){100}`) is rejected when
//! the configuration compiles, not when a message arrives. Matching is
//! linear in the message length: the `regex` crate has no backtracking.
//!
//! **Memory is bounded too, and known before the first message.** All the
//! `matches` patterns of a router together — the message-text patterns of
//! the single scan and those on other fields — may need at most
//! [`MAX_REGEX_MEMORY`](crate::expr::MAX_REGEX_MEMORY) (64 MiB): their
//! compiled automata plus the search space one thread needs (a lazy DFA
//! cache of fixed capacity and the fallback engine's state sets, which
//! keep no capture groups). A rule set over the budget is refused when the
//! configuration compiles, with a diagnostic on `rules` naming the rules
//! with the largest patterns: 1,000 patterns such as
//! `x[a-z]{0,40}y7\d{1,9}[^q]{0,30}z` (700 automaton states each, mostly
//! from the Unicode classes `\d` and `[^q]` repeated) route within 40 MiB,
//! 3,000 are refused. [`Router::memory`] reports the compiled size and the
//! search space per thread; each thread routing at the same time holds its
//! own search space, allocated on its first message that needs it. The
//! keyword automaton needs no search space and grows linearly with the
//! keywords' total length, whatever their shape.
//!
//! # Changing the configuration at run time
//!
//! A router is immutable. To change rules, compile a new
//! [`Config`](crate::config::Config) beside the old one and swap an
//! `Arc` — messages in flight finish on the old rules, new messages see the
//! new ones, and a config with errors never replaces a working one:
//!
//! ```
//! use std::sync::{Arc, RwLock};
//! use switchboard::config::Config;
//!
//! let live = RwLock::new(Arc::new(Config::from_toml_str("[defaults]\nqueue = 'general'\n[[queues]]\nid = 'general'")?));
//!
//! // Later: a new file arrives. Compile first, then swap.
//! let next = Config::from_toml_str("[defaults]\nqueue = 'support'\n[[queues]]\nid = 'support'")?;
//! *live.write().unwrap() = Arc::new(next);
//!
//! // Each message clones the Arc it routes with.
//! let config = live.read().unwrap().clone();
//! assert_eq!(config.router().default_route().map(|r| format!("{r:?}")).unwrap_or_default().contains("support"), true);
//! # Ok::<(), switchboard::config::ConfigError>(())
//! ```
//!
//! (With many threads, a lock-free pointer such as the `arc-swap` crate
//! does the same without the lock.)

mod budget;
mod build;
mod decision;
mod error;
mod explain;
mod index;
mod matcher;

use std::cell::{Cell, RefCell};
use std::sync::Arc;

pub use budget::MatcherMemory;
pub use decision::{Decision, Route};
pub use explain::{Explanation, Failure, Step};

pub(crate) use build::{RouterBuilder, RuleProblem, Shadow, Target};
pub(crate) use error::RouterError;

use crate::calendar::Calendars;
use crate::expr::{Facts, FactsEnv, Node, Test};
use crate::model::{Attributes, RuleId};
use budget::Costs;
use index::CandidateIndex;
use matcher::{AtomTable, MatcherError, TextMatcher};

/// A compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub(crate) id: RuleId,
    pub(crate) when: String,
    pub(crate) node: Node,
    pub(crate) action: RuleAction,
}

/// A rule's compiled `then`.
#[derive(Clone, Debug, Default)]
pub(crate) struct RuleAction {
    /// The route; a queue route's priority is filled in when deciding.
    pub(crate) route: Option<Route>,
    pub(crate) priority: Option<i32>,
    pub(crate) tags: Vec<String>,
    pub(crate) reply: Option<String>,
    pub(crate) opt_out: bool,
    pub(crate) set: Attributes,
}

/// Routes messages by the configuration's rules.
///
/// Get one from [`Config::router`](crate::config::Config::router).
///
/// # Examples
///
/// ```
/// use switchboard::config::Config;
/// use switchboard::expr::Facts;
/// use switchboard::router::Route;
/// use switchboard::{ChannelKind, QueueId, Timestamp};
///
/// let config = Config::from_toml_str(r#"
///     [[queues]]
///     id = "billing"
///
///     [bots.faq]
///
///     [[rules]]
///     id = "refund"
///     when = "text contains_any ['refund', '退款']"
///     then = { queue = "billing", tags = ["refund"] }
///
///     [defaults]
///     bot = "faq"
/// "#)?;
///
/// let sms = ChannelKind::Sms;
/// let facts = Facts::new(Timestamp::from_millis(0)).with_channel(&sms).with_text("我想退款");
/// let d = config.router().route(&facts);
/// assert_eq!(d.route, Some(Route::Queue { queue: QueueId::new("billing"), priority: 0 }));
/// assert_eq!(d.rule.as_ref().map(|r| r.as_str()), Some("refund"));
/// assert_eq!(d.tags, ["refund"]);
///
/// let d = config.router().route(&facts.with_text("opening hours?"));
/// assert_eq!(d.bot().map(|b| b.as_str()), Some("faq"));
/// assert_eq!(d.rule, None); // the default
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Router {
    rules: Vec<CompiledRule>,
    matcher: TextMatcher,
    index: CandidateIndex,
    tests: Vec<Test>,
    default: Option<Route>,
    calendars: Arc<Calendars>,
    memory: MatcherMemory,
}

impl Router {
    /// Builds the router, refusing rule sets whose `matches` patterns
    /// exceed [`MAX_REGEX_MEMORY`](crate::expr::MAX_REGEX_MEMORY).
    fn new(
        rules: Vec<CompiledRule>,
        mut atoms: AtomTable,
        default: Option<Route>,
        calendars: Arc<Calendars>,
    ) -> Result<Router, RouterError> {
        let costs = Costs::new(&rules, &atoms.tests, atoms.regex_sizes());
        costs.precheck(&rules)?;
        let matcher = atoms.build().map_err(|e| match e {
            MatcherError::TooBig => costs.over(&rules, crate::expr::MAX_REGEX_MEMORY, false),
            MatcherError::Other(m) => RouterError::Other(m),
        })?;
        let regexes = costs.check(&rules, matcher.regex_footprint())?;
        let memory = MatcherMemory {
            compiled: regexes.compiled + matcher.keyword_memory(),
            per_thread: regexes.scratch,
        };
        let tests = std::mem::take(&mut atoms.tests);
        let nodes: Vec<&Node> = rules.iter().map(|r| &r.node).collect();
        let index = CandidateIndex::new(&nodes, &tests, (matcher.words() * 64) as u32);
        Ok(Router {
            rules,
            matcher,
            index,
            tests,
            default,
            calendars,
            memory,
        })
    }

    /// Heap the text matching holds: the compiled automata, and the most
    /// search space each routing thread adds. Both are fixed when the
    /// configuration compiles, and the regex part of their sum is at most
    /// [`MAX_REGEX_MEMORY`](crate::expr::MAX_REGEX_MEMORY).
    pub fn memory(&self) -> MatcherMemory {
        self.memory
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule ids, in evaluation order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &RuleId> {
        self.rules.iter().map(|r| &r.id)
    }

    /// The route applied when no rule routes.
    pub fn default_route(&self) -> Option<&Route> {
        self.default.as_ref()
    }

    /// Distinct keywords and regexes in the single-scan matcher.
    ///
    /// ```
    /// # use switchboard::config::Config;
    /// let c = Config::from_toml_str(r#"
    ///     [[queues]]
    ///     id = "q"
    ///     [[rules]]
    ///     id = "a"
    ///     when = '''text contains_any ['Refund', 'REFUND', '退款'] or text matches 'order \d+''''
    ///     then = { queue = "q" }
    /// "#)?;
    /// assert_eq!(c.router().matcher_sizes(), (2, 1)); // 'refund' folded once
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn matcher_sizes(&self) -> (usize, usize) {
        self.matcher.sizes()
    }

    /// Routes one message.
    ///
    /// The per-message buffers (folded text, scan results, candidates,
    /// comparison cache) are reused from a thread-local scratch space, so
    /// routing allocates little beyond the decision it returns.
    pub fn route(&self, facts: &Facts<'_>) -> Decision {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.route_with(facts, &mut scratch),
            // Re-entered from the same thread: use fresh buffers.
            Err(_) => self.route_with(facts, &mut Scratch::default()),
        })
    }

    fn route_with(&self, facts: &Facts<'_>, s: &mut Scratch) -> Decision {
        let Scratch {
            folded,
            hits,
            atoms,
            cand,
            cache,
        } = s;
        atoms.clear();
        atoms.resize(self.matcher.words(), 0);
        self.matcher.scan(facts.text, atoms, folded, hits);
        cache.clear();
        cache.resize(self.tests.len(), Cell::new(0));
        let env = FactsEnv::new(facts, &self.calendars, atoms, &self.tests, cache);
        self.index.candidates(atoms, &env, cand);
        let mut acc = Acc::default();
        for r in crate::bits::ones(cand) {
            let rule = &self.rules[r];
            if rule.node.eval(&env) && acc.apply(rule) {
                return acc.finish(Some(rule), None);
            }
        }
        acc.finish(None, self.default.as_ref())
    }

    /// Routes one message and explains why: for every rule evaluated, in
    /// order, whether it matched and which part of its condition failed.
    /// The decision is always the one [`route`](Router::route) gives.
    ///
    /// ```
    /// # use switchboard::config::Config;
    /// # use switchboard::expr::Facts;
    /// # use switchboard::{Attributes, Timestamp, Value};
    /// let c = Config::from_toml_str(r#"
    ///     [[queues]]
    ///     id = "vip"
    ///     [[queues]]
    ///     id = "billing"
    ///     [[rules]]
    ///     id = "vip"
    ///     when = "contact.tier == 'vip'"
    ///     then = { queue = "vip" }
    ///     [[rules]]
    ///     id = "billing"
    ///     when = "text contains 'invoice'"
    ///     then = { queue = "billing" }
    /// "#)?;
    /// let contact = Attributes::from([("tier".to_string(), Value::from("gold"))]);
    /// let facts = Facts::new(Timestamp::from_millis(0)).with_contact(&contact).with_text("Invoice #12 is wrong");
    /// let (decision, why) = c.router().explain(&facts);
    /// assert_eq!(decision.queue().unwrap().as_str(), "billing");
    /// assert_eq!(why.steps[0].failed[0].condition, "contact.tier == 'vip'");
    /// assert_eq!(why.steps[0].failed[0].observed, "it is 'gold'");
    /// assert!(why.steps[1].matched);
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn explain(&self, facts: &Facts<'_>) -> (Decision, Explanation) {
        let mut atoms = vec![0u64; self.matcher.words()];
        self.matcher
            .scan(facts.text, &mut atoms, &mut String::new(), &mut None);
        let cache = vec![Cell::new(0); self.tests.len()];
        let env = FactsEnv::new(facts, &self.calendars, &atoms, &self.tests, &cache);
        let mut acc = Acc::default();
        let mut why = Explanation::default();
        for rule in &self.rules {
            if rule.node.eval(&env) {
                let stops = acc.apply(rule);
                let mut step = Step {
                    rule: rule.id.clone(),
                    matched: true,
                    failed: Vec::new(),
                    effect: None,
                };
                if stops {
                    let decision = acc.finish(Some(rule), None);
                    step.effect = Some(explain::describe_route(decision.route.as_ref()));
                    why.steps.push(step);
                    return (decision, why);
                }
                step.effect = Some(continue_effect(&rule.action));
                why.steps.push(step);
            } else {
                let mut fails = Vec::new();
                rule.node.why_false(&env, &mut fails);
                let failed = fails
                    .into_iter()
                    .map(|(span, observed)| Failure {
                        condition: rule.when.get(span.range()).unwrap_or(&rule.when).to_owned(),
                        observed,
                    })
                    .collect();
                why.steps.push(Step {
                    rule: rule.id.clone(),
                    matched: false,
                    failed,
                    effect: None,
                });
            }
        }
        why.default_applied = true;
        (acc.finish(None, self.default.as_ref()), why)
    }
}

/// Per-message buffers, reused across calls on one thread.
#[derive(Default)]
struct Scratch {
    folded: String,
    hits: Option<regex_automata::PatternSet>,
    atoms: Vec<u64>,
    cand: Vec<u64>,
    cache: Vec<Cell<u8>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn continue_effect(a: &RuleAction) -> String {
    let mut parts = Vec::new();
    if !a.tags.is_empty() {
        parts.push(format!("tags {}", a.tags.join(", ")));
    }
    if let Some(p) = a.priority {
        parts.push(format!("priority {p}"));
    }
    if let Some(r) = &a.reply {
        parts.push(format!("reply {r}"));
    }
    if a.opt_out {
        parts.push("opt out".into());
    }
    if !a.set.is_empty() {
        let keys: Vec<_> = a.set.keys().map(String::as_str).collect();
        parts.push(format!("set {}", keys.join(", ")));
    }
    format!("continue: {}", parts.join("; "))
}

/// Actions accumulated from matching rules.
#[derive(Clone, Debug, Default)]
struct Acc {
    matched: Vec<RuleId>,
    tags: Vec<String>,
    priority: Option<i32>,
    reply: Option<String>,
    opt_out: bool,
    set: Attributes,
}

impl Acc {
    /// Applies a matching rule's actions; returns whether it routes (and so
    /// stops evaluation).
    fn apply(&mut self, rule: &CompiledRule) -> bool {
        let a = &rule.action;
        self.matched.push(rule.id.clone());
        for t in &a.tags {
            if !self.tags.contains(t) {
                self.tags.push(t.clone());
            }
        }
        if let Some(p) = a.priority {
            self.priority = Some(self.priority.map_or(p, |q| q.max(p)));
        }
        if a.reply.is_some() {
            self.reply.clone_from(&a.reply);
        }
        self.opt_out |= a.opt_out;
        for (k, v) in &a.set {
            self.set.insert(k.clone(), v.clone());
        }
        a.route.is_some()
    }

    fn finish(self, decider: Option<&CompiledRule>, default: Option<&Route>) -> Decision {
        let route = decider
            .and_then(|r| r.action.route.as_ref())
            .or(default)
            .cloned();
        let route = route.map(|r| match r {
            Route::Queue { queue, .. } => Route::Queue {
                queue,
                priority: self.priority.unwrap_or(0),
            },
            other => other,
        });
        Decision {
            route,
            rule: decider.map(|r| r.id.clone()),
            matched: self.matched,
            tags: self.tags,
            reply: self.reply,
            opt_out: self.opt_out,
            set: self.set,
        }
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod reference;
