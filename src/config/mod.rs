//! Configuration: rules, queues, calendars, templates, bots, escalation,
//! assignment and defaults, read from TOML or JSON, checked and compiled.
//!
//! ```toml
//! [calendars.eu]
//! timezone = "Europe/Berlin"
//! mon-fri = "09:00-18:00"
//! closed = ["2026-12-25"]
//!
//! [[queues]]
//! id = "billing"
//! eligible = "agent.skills.billing >= 2 and agent.languages has conversation.lang"
//! calendar = "eu"
//! sla = "15m"
//! aging = "30s"
//! offers = 2
//!
//! [assignment]
//! max_missed_offers = 3
//! wrap_up = "30s"
//! fairness = { max = 20, per = "1h" }
//!
//! [bots.faq]
//! timeout = "10s"
//!
//! [templates]
//! after_hours = "We are closed. We open again {opening}."
//!
//! [[rules]]
//! id = "refund-vip"
//! when = "contact.tier == 'vip' and text contains_any ['refund', '退款']"
//! then = { queue = "billing", priority = 10, tags = ["refund"] }
//!
//! [defaults]
//! bot = "faq"
//! ```
//!
//! [`Config::from_toml_str`] reports **every** problem at once — syntax
//! errors, unknown keys, wrong types, expressions that do not check,
//! references to queues, bots, templates or calendars that do not exist —
//! each with the rule or queue it is in, the line and column, the offending
//! text and a suggestion when one is likely. Lints that do not stop the
//! configuration (a rule that can never run) come back as
//! [`Config::warnings`].
//!
//! The same document as JSON (same field names) reads with
//! [`Config::from_json_str`], or through serde: `Config` and [`ConfigSpec`]
//! implement `Deserialize`, so a configuration can sit inside a larger
//! serde document. A key given twice in one object is an error in JSON as
//! it is in TOML (serde_json would keep the last value), named by its path
//! and, from `from_json_str`, its line and column.

mod diagnostic;
mod duration;
mod names;
mod node;
mod reader;
mod spec;
mod templates;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use diagnostic::{ConfigError, Diagnostic, Severity};
pub use spec::{
    ActionSpec, AssignmentSpec, BotSpec, ConfigSpec, ConversationsSpec, DefaultsSpec,
    EscalationSpec, FairnessSpec, OverflowSpec, QueueSpec, RelaxSpec, RuleSpec, TriggerSpec,
};

use crate::calendar::{Calendar, Calendars};
use crate::expr::{Compiler, Condition, Context, Expr, ExprError, Schema, Snippet, Span};
use crate::model::{BotId, QueueId, RuleId};
use crate::router::{AtomTable, CompiledRule, Route, Router, RuleAction};
use node::SpanMap;

/// The strategies a queue may name.
pub const STRATEGIES: [&str; 4] = ["longest_idle", "least_busy", "round_robin", "most_skilled"];

/// Phrases that ask for a human in every configuration, before
/// `[escalation] phrases` adds more. A phrase edge that is an ASCII letter
/// or digit must fall on a word boundary ("agent" does not fire on
/// "agenda"); other edges match anywhere, so Chinese phrases match inside
/// longer text.
pub const DEFAULT_HUMAN_PHRASES: [&str; 9] = [
    "agent",
    "human",
    "representative",
    "person",
    "operator",
    "人工",
    "转人工",
    "客服",
    "真人",
];

/// Consecutive bot fallbacks that escalate when `[escalation]
/// max_fallbacks` is not set.
pub const DEFAULT_MAX_FALLBACKS: u32 = 2;

/// Offers an agent may let expire in a row before being set away when
/// `[assignment] max_missed_offers` is not set.
pub const DEFAULT_MAX_MISSED_OFFERS: u32 = 3;

/// How long an agent has to accept an offer when a queue's
/// `offer_timeout` is not set.
pub const DEFAULT_OFFER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a conversation waits for its preferred agent when
/// `[assignment] preferred_wait` is not set.
pub const DEFAULT_PREFERRED_WAIT: Duration = Duration::from_secs(60);

/// Most bytes of text in one message when `[conversations] max_text` is
/// not set.
pub const DEFAULT_MAX_TEXT: u32 = 8 * 1024;

/// Messages a transcript keeps when `[conversations] transcript_messages`
/// is not set.
pub const DEFAULT_TRANSCRIPT_MESSAGES: u32 = 200;

/// Bytes of text a transcript keeps when `[conversations]
/// transcript_bytes` is not set.
pub const DEFAULT_TRANSCRIPT_BYTES: u32 = 64 * 1024;

/// Customer silence that closes a conversation when `[conversations]
/// inactivity_timeout` is not set.
pub const DEFAULT_INACTIVITY_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How long a closed conversation can be reopened when `[conversations]
/// reopen_window` is not set.
pub const DEFAULT_REOPEN_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// How long a conversation on hold waits for the customer when
/// `[conversations] hold_timeout` is not set.
pub const DEFAULT_HOLD_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// The shortest time between two queue updates when `[conversations]
/// notice_interval` is not set.
pub const DEFAULT_NOTICE_INTERVAL: Duration = Duration::from_secs(120);

/// How long a contact's last agent stays preferred when `[conversations]
/// sticky_agent` is not set.
pub const DEFAULT_STICKY_AGENT: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long a contact with no conversation left is kept when
/// `[conversations] contact_retention` is not set.
///
/// The engine's contacts are its working set, not a customer database:
/// the host's CRM keeps customers for good and passes what matters (a
/// contact id, attributes) with each inbound message. Forgetting idle
/// contacts keeps a long-running engine's memory bounded by its traffic
/// rather than by every visitor it ever saw. STOP opt-outs are kept apart
/// and are never forgotten.
pub const DEFAULT_CONTACT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long a bot has to answer when its `timeout` is not set.
pub const DEFAULT_BOT_TIMEOUT: Duration = Duration::from_secs(10);

/// The lowest priority a queue or rule may give.
const MIN_PRIORITY: i64 = -1_000_000;
/// The highest priority a queue or rule may give.
const MAX_PRIORITY: i64 = 1_000_000;
/// The most agents a conversation may be offered to at once.
const MAX_OFFERS: i64 = 10;

/// A problem with a value: its message and a suggested fix.
type Problem = (String, Option<String>);

/// Checks a queue or rule priority.
fn check_priority(p: i64) -> Result<(), Problem> {
    if (MIN_PRIORITY..=MAX_PRIORITY).contains(&p) {
        return Ok(());
    }
    Err((
        format!("priority {p} is outside {MIN_PRIORITY} to {MAX_PRIORITY}"),
        Some("higher is served first; values such as 0, 10 and 100 are plenty".into()),
    ))
}

/// Checks a queue's `offers`.
fn check_offers(n: i64) -> Result<(), Problem> {
    if (1..=MAX_OFFERS).contains(&n) {
        return Ok(());
    }
    Err((
        format!("offers {n} is outside 1 to {MAX_OFFERS}"),
        Some("it is how many agents are offered a conversation at once; 1 is the default".into()),
    ))
}

/// Checks a count that must be at least 1 and fit a `u32`.
fn check_count(field: &str, n: i64, help: &str) -> Result<u32, Problem> {
    if n < 1 {
        return Err((format!("{field} must be at least 1"), Some(help.into())));
    }
    u32::try_from(n).map_err(|_| (format!("{field} {n} is out of range"), None))
}

/// Checks a duration that must be at least one second.
fn check_seconds(field: &str, d: Duration, help: &str) -> Result<(), Problem> {
    if d >= Duration::from_secs(1) {
        return Ok(());
    }
    Err((format!("{field} must be at least 1s"), Some(help.into())))
}

const MISSED_OFFERS_HELP: &str = "it is how many offers in a row an agent may let expire before being set away; 3 is the default";
const FAIRNESS_MAX_HELP: &str =
    "it is the most assignments an agent gets in any `per` window; remove `fairness` for no cap";
const FAIRNESS_PER_HELP: &str = "write the window as a duration, such as 1h";
const HANDLE_TIME_HELP: &str =
    "it is the average handle time assumed until one is observed, such as 5m";
pub(crate) const LIMIT_HELP: &str = "it is a limit and must be at least 1";
const AGING_HELP: &str = "it is the wait that earns one priority point, such as 30s";

/// A compiled queue: its settings and its eligibility conditions.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct QueueConfig {
    /// The queue's id.
    pub id: QueueId,
    /// Its settings as written.
    pub spec: QueueSpec,
    /// Which agents may take its conversations; `None` means every agent.
    pub eligible: Option<Condition>,
    /// Relaxation steps, in order of `after`.
    pub relax: Vec<(Duration, Condition)>,
}

/// A compiled escalation trigger.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Trigger {
    /// The trigger's id, recorded as the handoff reason (`explicit_request`,
    /// `bot_fallbacks`, `low_confidence`, `negative_sentiment`,
    /// `human_intent`, `bot_handoff`, or a configured id).
    pub id: RuleId,
    /// When it fires, evaluated after each bot turn.
    pub condition: Condition,
    /// Where it escalates to; the escalation queue when `None`.
    pub queue: Option<QueueId>,
}

/// A checked, compiled configuration.
///
/// Cheap to share behind an `Arc`; see the [`router`](crate::router) docs
/// for swapping configurations at run time.
///
/// # Examples
///
/// ```
/// use switchboard::config::Config;
///
/// let config = Config::from_toml_str(r#"
///     [[queues]]
///     id = "support"
///
///     [[rules]]
///     id = "everyone"
///     when = "true"
///     then = { queue = "support" }
///
///     [[rules]]
///     id = "never"
///     when = "channel == 'sms'"
///     then = { queue = "support" }
/// "#)?;
/// assert_eq!(config.router().len(), 2);
/// // The second rule can never run: a warning, not an error.
/// assert_eq!(config.warnings().len(), 1);
/// assert!(config.warnings()[0].message.contains("can never run"));
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    spec: ConfigSpec,
    calendars: Arc<Calendars>,
    schema: Schema,
    router: Router,
    queues: Vec<QueueConfig>,
    triggers: Vec<Trigger>,
    escalation_queue: Option<QueueId>,
    warnings: Vec<Diagnostic>,
}

impl Config {
    /// Reads, checks and compiles a TOML configuration.
    ///
    /// # Errors
    ///
    /// Every problem found, each located by line and column.
    pub fn from_toml_str(src: &str) -> Result<Config, ConfigError> {
        let root = node::from_toml(src).map_err(ConfigError::new)?;
        let (spec, reader) = reader::read(&root);
        compile(
            spec,
            Some(src),
            &reader.spans,
            reader.diags,
            &reader.origins,
        )
    }

    /// Reads, checks and compiles a JSON configuration (the same document
    /// as the TOML form).
    ///
    /// # Errors
    ///
    /// Every problem found, located by field path.
    ///
    /// ```
    /// use switchboard::config::Config;
    /// let c = Config::from_json_str(r#"{"queues": [{"id": "q"}], "defaults": {"queue": "q"}}"#)?;
    /// assert!(c.router().default_route().is_some());
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn from_json_str(src: &str) -> Result<Config, ConfigError> {
        use serde::de::DeserializeSeed;
        let duplicate = std::cell::RefCell::new(None);
        let mut de = serde_json::Deserializer::from_str(src);
        let root = node::NodeSeed::root(&duplicate)
            .deserialize(&mut de)
            .and_then(|root| de.end().map(|()| root))
            .map_err(|e| {
                let mut d = match duplicate.take() {
                    Some((path, key)) => Diagnostic::error(
                        path,
                        format!("invalid JSON: {}", node::duplicate_key_message(&key)),
                    )
                    .help("a key may appear only once in an object; remove one of the two"),
                    None => Diagnostic::error("(document)", format!("invalid JSON: {e}")),
                };
                d.line = Some(e.line());
                d.column = Some(e.column());
                ConfigError::new(vec![d])
            })?;
        let (spec, reader) = reader::read(&root);
        compile(spec, None, &reader.spans, reader.diags, &reader.origins)
    }

    /// Checks and compiles a configuration built in code.
    ///
    /// # Errors
    ///
    /// Every problem found, located by field path.
    pub fn from_spec(spec: ConfigSpec) -> Result<Config, ConfigError> {
        compile(
            spec,
            None,
            &SpanMap::new(),
            Vec::new(),
            &reader::Origins::default(),
        )
    }

    /// The router compiled from the rules.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The configuration as written.
    pub fn spec(&self) -> &ConfigSpec {
        &self.spec
    }

    /// `[assignment]`, as written: the assigner's settings (see
    /// [`DEFAULT_MAX_MISSED_OFFERS`] and [`DEFAULT_PREFERRED_WAIT`] for the
    /// defaults of unset ones).
    pub fn assignment(&self) -> &AssignmentSpec {
        &self.spec.assignment
    }

    /// The calendars, and the zone `hour` and `weekday` are read in.
    pub fn calendars(&self) -> &Calendars {
        &self.calendars
    }

    /// The schema expressions were checked against.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The queues, in file order.
    pub fn queues(&self) -> &[QueueConfig] {
        &self.queues
    }

    /// The queue with this id.
    pub fn queue(&self, id: &str) -> Option<&QueueConfig> {
        self.queues.iter().find(|q| q.id.as_str() == id)
    }

    /// `[conversations]` as written; unset fields take the `DEFAULT_*`
    /// constants of this module.
    pub fn conversations(&self) -> &ConversationsSpec {
        &self.spec.conversations
    }

    /// Bot `bot`'s settings, if it is configured under `[bots]`.
    pub fn bot(&self, bot: &str) -> Option<&BotSpec> {
        self.spec.bots.get(bot)
    }

    /// The escalation triggers: the configured settings as expressions
    /// (see [`DEFAULT_HUMAN_PHRASES`], [`DEFAULT_MAX_FALLBACKS`]), then
    /// `[[escalation.rules]]`.
    pub fn escalation_triggers(&self) -> &[Trigger] {
        &self.triggers
    }

    /// Where escalations go unless a trigger names a queue: `[escalation]
    /// queue`, else the default queue, else the first queue.
    pub fn escalation_queue(&self) -> Option<&QueueId> {
        self.escalation_queue.as_ref()
    }

    /// A template's text.
    pub fn template(&self, name: &str) -> Option<&str> {
        self.spec.templates.get(name).map(String::as_str)
    }

    /// Lints that did not stop the configuration.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

impl Serialize for Config {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ConfigSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::DeserializeSeed;
        let duplicate = std::cell::RefCell::new(None);
        let root = node::NodeSeed::root(&duplicate).deserialize(d)?;
        let (spec, reader) = reader::read(&root);
        if reader.diags.iter().any(Diagnostic::is_error) {
            return Err(serde::de::Error::custom(ConfigError::new(reader.diags)));
        }
        Ok(spec)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::DeserializeSeed;
        let duplicate = std::cell::RefCell::new(None);
        let root = node::NodeSeed::root(&duplicate).deserialize(d)?;
        let (spec, reader) = reader::read(&root);
        compile(spec, None, &reader.spans, reader.diags, &reader.origins)
            .map_err(serde::de::Error::custom)
    }
}

/// Collects diagnostics while compiling.
struct Diags {
    list: Vec<Diagnostic>,
}

impl Diags {
    fn problem(&mut self, path: String, item: Option<&str>, (msg, help): Problem) {
        self.error(path, item, msg, help);
    }

    fn error(&mut self, path: String, item: Option<&str>, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error(path, msg).item(item);
        d.help = help;
        self.list.push(d);
    }

    fn expr(&mut self, path: String, item: Option<&str>, src: &str, errs: Vec<ExprError>) {
        for e in errs {
            let mut d = Diagnostic::error(path.clone(), e.message())
                .item(item)
                .maybe_help(e.help());
            d.expr = Some((src.to_owned(), e.span()));
            self.list.push(d);
        }
    }

    fn reference(
        &mut self,
        path: String,
        item: Option<&str>,
        kind: &str,
        name: &str,
        known: &[&str],
    ) {
        let blank = name.trim().is_empty();
        let guess = (!blank)
            .then(|| crate::expr::did_you_mean(name, &mut known.iter().map(|s| (*s).to_owned())))
            .flatten();
        let help = guess.unwrap_or_else(|| {
            if known.is_empty() {
                format!("no {kind}s are declared")
            } else {
                format!("the {kind}s are: {}", known.join(", "))
            }
        });
        let message = if blank {
            format!("the {kind} name is empty")
        } else {
            format!("unknown {kind} `{name}`")
        };
        self.error(path, item, message, Some(help));
    }
}

fn compile(
    spec: ConfigSpec,
    src: Option<&str>,
    spans: &SpanMap,
    read_diags: Vec<Diagnostic>,
    origins: &reader::Origins,
) -> Result<Config, ConfigError> {
    let mut d = Diags { list: read_diags };

    // Calendars and the default time zone.
    let mut calendars = Calendars::default();
    for (name, cs) in &spec.calendars {
        let item = format!("calendar `{name}`");
        let usable = name.chars().next().is_some_and(crate::expr::is_ident_start)
            && name.chars().all(crate::expr::is_ident_continue);
        if !usable {
            d.error(
                format!("calendars.{name}"),
                Some(&item),
                format!("rules could not name this calendar as `hours.{name}`"),
                Some("start the name with a letter and use letters, digits, `_` or `-`".into()),
            );
        }
        match Calendar::new(cs) {
            Ok(c) => calendars.insert(name.clone(), c),
            Err(errs) => {
                for e in errs {
                    let path = match e.index {
                        Some(i) => format!("calendars.{name}.{}[{i}]", e.key),
                        None => format!("calendars.{name}.{}", e.key),
                    };
                    d.error(path, Some(&item), e.message, None);
                }
            }
        }
    }
    if let Some(tz) = &spec.defaults.timezone {
        match jiff::tz::TimeZone::get(tz) {
            Ok(z) => calendars.set_time_zone(z),
            Err(_) => d.error(
                "defaults.timezone".into(),
                None,
                format!("unknown time zone `{tz}`"),
                Some("use an IANA name, such as Europe/Berlin or UTC".into()),
            ),
        }
    }
    let schema = Schema {
        calendars: spec.calendars.keys().cloned().collect(),
        contact: (!spec.contact_attributes.is_empty()).then(|| spec.contact_attributes.clone()),
        agent: (!spec.agent_attributes.is_empty()).then(|| spec.agent_attributes.clone()),
    };

    names::check(&spec, origins, &mut d);
    let mut warnings = Vec::new();
    templates::check(&spec, &mut d, &mut warnings);
    let template_names: Vec<&str> = spec.templates.keys().map(String::as_str).collect();
    let bot_names: Vec<&str> = spec.bots.keys().map(String::as_str).collect();
    let queue_names: Vec<&str> = spec.queues.iter().map(|q| q.id.as_str()).collect();
    let calendar_names: Vec<&str> = spec.calendars.keys().map(String::as_str).collect();

    // Queues.
    let mut queues = Vec::new();
    let mut seen_queues: HashMap<&str, usize> = HashMap::new();
    for (i, q) in spec.queues.iter().enumerate() {
        let path = format!("queues[{}]", origins.queue(i));
        let item = format!("queue `{}`", q.id);
        let item = Some(item.as_str());
        if let Some(first) = seen_queues.insert(q.id.as_str(), i) {
            d.error(
                format!("{path}.id"),
                item,
                format!("duplicate queue id `{}`", q.id),
                Some(format!("queues[{}] has the same id", origins.queue(first))),
            );
        }
        let compile_elig = |p: String, src: &str, d: &mut Diags| match Condition::compile(
            src,
            &schema,
            Context::Eligibility,
        ) {
            Ok(c) => match c.time_term() {
                None => Some(c),
                Some(term) => {
                    d.error(
                        p,
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
                d.expr(p, item, src, errs);
                None
            }
        };
        let eligible = q
            .eligible
            .as_deref()
            .and_then(|s| compile_elig(format!("{path}.eligible"), s, &mut d));
        let mut relax = Vec::new();
        for (j, step) in q.relax.iter().enumerate() {
            if let Some(c) = compile_elig(
                format!("{path}.relax[{j}].eligible"),
                &step.eligible,
                &mut d,
            ) {
                relax.push((step.after, c));
            }
        }
        relax.sort_by_key(|(after, _)| *after);
        if let Some(s) = &q.strategy {
            if !STRATEGIES.contains(&s.as_str()) {
                d.reference(format!("{path}.strategy"), item, "strategy", s, &STRATEGIES);
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
            && !spec.calendars.contains_key(c)
        {
            d.reference(
                format!("{path}.calendar"),
                item,
                "calendar",
                c,
                &calendar_names,
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
            } else if !queue_names.contains(&o.to.as_str()) {
                d.reference(
                    format!("{path}.overflow.to"),
                    item,
                    "queue",
                    &o.to,
                    &queue_names,
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
        queues.push(QueueConfig {
            id: QueueId::new(q.id.clone()),
            spec: q.clone(),
            eligible,
            relax,
        });
    }

    // Overflow chains end: a cycle would move a waiting conversation from
    // queue to queue forever.
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

    // Rules.
    let mut atoms = AtomTable::default();
    let mut rules = Vec::new();
    let mut exprs: Vec<Option<Expr>> = Vec::new();
    let mut seen_rules: HashMap<&str, usize> = HashMap::new();
    for (i, r) in spec.rules.iter().enumerate() {
        let path = format!("rules[{}]", origins.rule(i));
        let item = format!("rule `{}`", r.id);
        let item = Some(item.as_str());
        if let Some(first) = seen_rules.insert(r.id.as_str(), i) {
            d.error(
                format!("{path}.id"),
                item,
                format!("duplicate rule id `{}`", r.id),
                Some(format!(
                    "rules[{}] has the same id; decisions name rules by id",
                    origins.rule(first)
                )),
            );
        }
        let (expr, node) = match Expr::parse(&r.when) {
            Err(e) => {
                d.expr(format!("{path}.when"), item, &r.when, vec![e]);
                (None, None)
            }
            Ok(e) => {
                let mut c = Compiler::new(&schema, Context::Route, Some(&mut atoms));
                let n = c.condition(&e);
                if c.errors.is_empty() {
                    (Some(e), Some(n))
                } else {
                    d.expr(format!("{path}.when"), item, &r.when, c.errors);
                    (Some(e), None)
                }
            }
        };
        let action = check_action(
            &r.then,
            r.continue_,
            &format!("{path}.then"),
            item,
            &mut d,
            &queue_names,
            &bot_names,
            &template_names,
        );
        for (key, value) in &r.then.set {
            if let Err((message, help)) = schema.check_contact_value(key, value) {
                d.error(format!("{path}.then.set.{key}"), item, message, Some(help));
            }
        }
        exprs.push(expr);
        if let (Some(node), Some(action)) = (node, action) {
            rules.push(CompiledRule {
                id: RuleId::new(r.id.clone()),
                when: r.when.clone(),
                node,
                action,
            });
        }
    }

    // Lints: rules that can never run.
    let mut stopping: BTreeMap<String, &str> = BTreeMap::new();
    let mut unconditional: Option<&str> = None;
    for (i, r) in spec.rules.iter().enumerate() {
        let routes = r.then.bot.is_some() || r.then.queue.is_some() || r.then.drop;
        let item = format!("rule `{}`", r.id);
        if let Some(u) = unconditional {
            warnings.push(
                Diagnostic::warning(format!("rules[{}].when", origins.rule(i)), format!("rule `{}` can never run", r.id))
                    .item(Some(&item))
                    .help(format!("rule `{u}` above it always matches and routes; move this rule above it or remove it")),
            );
            continue;
        }
        let Some(e) = &exprs[i] else { continue };
        let canonical = e.to_string();
        if let Some(first) = stopping.get(&canonical) {
            warnings.push(
                Diagnostic::warning(format!("rules[{}].when", origins.rule(i)), format!("rule `{}` can never run", r.id))
                    .item(Some(&item))
                    .help(format!("rule `{first}` above has the same condition and routes, so it always decides first")),
            );
            continue;
        }
        if routes {
            stopping.insert(canonical.clone(), r.id.as_str());
            if canonical == "true" {
                unconditional = Some(r.id.as_str());
            }
        }
    }

    // Defaults.
    let default = match (&spec.defaults.bot, &spec.defaults.queue) {
        (Some(_), Some(_)) => {
            d.error(
                "defaults".into(),
                None,
                "`defaults` names both a bot and a queue".into(),
                Some("keep one: unmatched messages go to one place".into()),
            );
            None
        }
        (Some(b), None) => {
            if !bot_names.contains(&b.as_str()) {
                d.reference("defaults.bot".into(), None, "bot", b, &bot_names);
            }
            Some(Route::Bot {
                bot: BotId::new(b.clone()),
            })
        }
        (None, Some(q)) => {
            if !queue_names.contains(&q.as_str()) {
                d.reference("defaults.queue".into(), None, "queue", q, &queue_names);
            }
            Some(Route::Queue {
                queue: QueueId::new(q.clone()),
                priority: 0,
            })
        }
        (None, None) => None,
    };

    // Escalation.
    let esc = &spec.escalation;
    if let Some(q) = &esc.queue
        && !queue_names.contains(&q.as_str())
    {
        d.reference("escalation.queue".into(), None, "queue", q, &queue_names);
    }
    if let Some(c) = esc.min_confidence
        && !(0.0..=1.0).contains(&c)
    {
        d.error(
            "escalation.min_confidence".into(),
            None,
            format!("min_confidence {c} is outside 0 to 1"),
            None,
        );
    }
    if let Some(s) = esc.sentiment_below
        && !(-1.0..=1.0).contains(&s)
    {
        d.error(
            "escalation.sentiment_below".into(),
            None,
            format!("sentiment_below {s} is outside -1 to 1"),
            None,
        );
    }
    for (i, p) in esc.phrases.iter().enumerate() {
        if p.trim().is_empty() {
            d.error(
                format!("escalation.phrases[{i}]"),
                None,
                "an empty phrase would match every message".into(),
                Some("remove it".into()),
            );
        }
    }
    if esc.max_fallbacks == Some(0) {
        d.error(
            "escalation.max_fallbacks".into(),
            None,
            "max_fallbacks must be at least 1".into(),
            None,
        );
    }
    let mut triggers = Vec::new();
    for (id, when) in default_triggers(esc) {
        // Built from validated settings, so these always compile; a failure
        // here would be a bug, reported rather than hidden.
        match Condition::compile(&when, &schema, Context::Escalation) {
            Ok(condition) => triggers.push(Trigger {
                id: RuleId::new(id),
                condition,
                queue: None,
            }),
            Err(errs) => d.expr("escalation".into(), None, &when, errs),
        }
    }
    let mut seen_triggers: HashMap<&str, usize> = HashMap::new();
    for (i, t) in esc.rules.iter().enumerate() {
        let path = format!("escalation.rules[{}]", origins.trigger(i));
        let item = format!("escalation rule `{}`", t.id);
        let item = Some(item.as_str());
        if let Some(first) = seen_triggers.insert(t.id.as_str(), i) {
            d.error(
                format!("{path}.id"),
                item,
                format!("duplicate escalation rule id `{}`", t.id),
                Some(format!(
                    "escalation.rules[{}] has the same id",
                    origins.trigger(first)
                )),
            );
        }
        if let Some(q) = &t.queue
            && !queue_names.contains(&q.as_str())
        {
            d.reference(format!("{path}.queue"), item, "queue", q, &queue_names);
        }
        match Condition::compile(&t.when, &schema, Context::Escalation) {
            Ok(condition) => triggers.push(Trigger {
                id: RuleId::new(t.id.clone()),
                condition,
                queue: t.queue.clone().map(QueueId::new),
            }),
            Err(errs) => d.expr(format!("{path}.when"), item, &t.when, errs),
        }
    }
    check_assignment(&spec.assignment, &mut d);
    check_conversations(&spec.conversations, &queue_names, &mut d);
    let escalation_queue = esc
        .queue
        .clone()
        .or_else(|| spec.defaults.queue.clone())
        .or_else(|| spec.queues.first().map(|q| q.id.clone()))
        .map(QueueId::new);

    let calendars = Arc::new(calendars);
    let router = if d.list.iter().any(Diagnostic::is_error) {
        None
    } else {
        match Router::new(rules, atoms, default, calendars.clone()) {
            Ok(r) => Some(r),
            Err(e) => {
                d.error("rules".into(), None, e.to_string(), e.help());
                None
            }
        }
    };

    let mut all = d.list;
    all.extend(warnings);
    locate(&mut all, src, spans);
    match router {
        Some(router) if !all.iter().any(Diagnostic::is_error) => Ok(Config {
            spec,
            calendars,
            schema,
            router,
            queues,
            triggers,
            escalation_queue,
            warnings: all,
        }),
        _ => Err(ConfigError::new(all)),
    }
}

#[allow(clippy::too_many_arguments)]
fn check_action(
    a: &ActionSpec,
    continue_: bool,
    path: &str,
    item: Option<&str>,
    d: &mut Diags,
    queues: &[&str],
    bots: &[&str],
    templates: &[&str],
) -> Option<RuleAction> {
    let before = d.list.len();
    let routes: Vec<&str> = [
        a.bot.as_ref().map(|_| "bot"),
        a.queue.as_ref().map(|_| "queue"),
        a.drop.then_some("drop"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if routes.len() > 1 {
        d.error(
            path.into(),
            item,
            format!(
                "a rule routes one way, but this one has {}",
                routes.join(" and ")
            ),
            Some("keep one of bot, queue and drop".into()),
        );
    }
    if continue_ && !routes.is_empty() {
        d.error(
            path.into(),
            item,
            format!(
                "a `continue = true` rule cannot route, but this one has {}",
                routes[0]
            ),
            Some(
                "remove `continue` to let this rule decide, or move the route to a later rule"
                    .into(),
            ),
        );
    }
    let nothing = routes.is_empty()
        && a.priority.is_none()
        && a.tags.is_empty()
        && a.reply.is_none()
        && !a.opt_out
        && a.set.is_empty();
    if nothing {
        d.error(path.into(), item, "`then` does nothing".into(), Some("give it a route (bot, queue, drop) or an action (tags, priority, reply, opt_out, set)".into()));
    }
    if let Some(q) = &a.queue
        && !queues.contains(&q.as_str())
    {
        d.reference(format!("{path}.queue"), item, "queue", q, queues);
    }
    if let Some(b) = &a.bot
        && !bots.contains(&b.as_str())
    {
        d.reference(format!("{path}.bot"), item, "bot", b, bots);
    }
    if let Some(t) = &a.reply
        && !templates.contains(&t.as_str())
    {
        d.reference(format!("{path}.reply"), item, "template", t, templates);
    }
    if let Some(p) = a.priority
        && let Err(p) = check_priority(p.into())
    {
        d.problem(format!("{path}.priority"), item, p);
    }
    if d.list.len() > before {
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

/// Checks `[assignment]`.
fn check_assignment(a: &AssignmentSpec, d: &mut Diags) {
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

/// Checks `[conversations]`.
fn check_conversations(c: &ConversationsSpec, queues: &[&str], d: &mut Diags) {
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

/// The escalation settings as expressions.
fn default_triggers(esc: &EscalationSpec) -> Vec<(&'static str, String)> {
    let quote = |s: &str| {
        let mut out = String::new();
        let _ = crate::expr::write_literal(&mut out, &crate::model::Value::Text(s.to_owned()));
        out
    };
    let phrases: Vec<&str> = DEFAULT_HUMAN_PHRASES
        .iter()
        .copied()
        .chain(esc.phrases.iter().map(String::as_str))
        .collect();
    // A phrase edge that is an ASCII letter or digit must sit on a word
    // boundary ("agent" does not fire on "agenda"); other edges (CJK,
    // punctuation, other scripts) match anywhere. Empty phrases are
    // rejected when the configuration compiles.
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let (bounded, anywhere): (Vec<&str>, Vec<&str>) = phrases
        .iter()
        .filter(|p| !p.is_empty())
        .partition(|p| word(p.chars().next()) || word(p.chars().last()));
    let mut request = Vec::new();
    if !bounded.is_empty() {
        let alts: Vec<String> = bounded
            .iter()
            .map(|w| {
                let start = if word(w.chars().next()) { r"\b" } else { "" };
                let end = if word(w.chars().last()) { r"\b" } else { "" };
                format!("{start}{}{end}", regex::escape(w))
            })
            .collect();
        request.push(format!(
            "text matches {}",
            quote(&format!("(?:{})", alts.join("|")))
        ));
    }
    if !anywhere.is_empty() {
        let list: Vec<String> = anywhere.iter().map(|w| quote(w)).collect();
        request.push(format!("text contains_any [{}]", list.join(", ")));
    }
    let mut out = vec![
        ("explicit_request", request.join(" or ")),
        ("bot_handoff", "bot.handoff".to_owned()),
    ];
    let fallbacks = esc.max_fallbacks.unwrap_or(DEFAULT_MAX_FALLBACKS);
    out.push(("bot_fallbacks", format!("bot.fallbacks >= {fallbacks}")));
    // At the bottom of their range these thresholds can never fire, and
    // the comparison would be refused as never true.
    if let Some(c) = esc.min_confidence.filter(|c| *c > 0.0) {
        out.push(("low_confidence", format!("bot.confidence < {c}")));
    }
    if let Some(s) = esc.sentiment_below.filter(|s| *s > -1.0) {
        out.push(("negative_sentiment", format!("sentiment < {s}")));
    }
    if !esc.human_intents.is_empty() {
        let list: Vec<String> = esc.human_intents.iter().map(|w| quote(w)).collect();
        out.push((
            "human_intent",
            format!("bot.intent in [{}]", list.join(", ")),
        ));
    }
    out
}

/// Gives each diagnostic its line, column and source snippet, then sorts
/// them in source order.
fn locate(diags: &mut [Diagnostic], src: Option<&str>, spans: &SpanMap) {
    for d in diags.iter_mut() {
        if d.snippet.is_some() {
            continue;
        }
        let mut path = d.path.as_str();
        let span = loop {
            if let Some(s) = spans.get(path) {
                break Some(*s);
            }
            match path.rfind(['.', '[']) {
                Some(i) => path = &path[..i],
                None => break None,
            }
        };
        match (src, span) {
            (Some(src), Some(span)) => {
                let snippet = match &d.expr {
                    Some((expr, inner)) => expr_snippet(src, span, expr, *inner),
                    None => Snippet::locate(src, span, 1, 0),
                };
                d.set_snippet(snippet);
            }
            (None, _) | (_, None) => {
                if let Some((expr, inner)) = &d.expr {
                    d.snippet = Some(Snippet::locate(expr, *inner, 1, 0));
                }
            }
        }
    }
    diags.sort_by_key(|d| d.line.unwrap_or(usize::MAX));
}

/// Points into the config file when the string is written without escapes,
/// else shows the expression under the line of its value.
fn expr_snippet(src: &str, value: Span, expr: &str, inner: Span) -> Snippet {
    let raw = src.get(value.range()).unwrap_or("");
    let open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        let after = &raw[3..];
        3 + if after.starts_with("\r\n") {
            2
        } else if after.starts_with('\n') {
            1
        } else {
            0
        }
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        return located_expr(src, value, expr, inner);
    };
    let start = value.start + open;
    if src.get(start..start + expr.len()) == Some(expr) {
        Snippet::locate(src, Span::new(start + inner.start, start + inner.end), 1, 0)
    } else {
        located_expr(src, value, expr, inner)
    }
}

fn located_expr(src: &str, value: Span, expr: &str, inner: Span) -> Snippet {
    let line = src[..value.start.min(src.len())].matches('\n').count() + 1;
    Snippet::locate(expr, inner, line, 0)
}
