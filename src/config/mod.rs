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
//! [strategies.vip_first]   # a strategy of the host's, installed in code
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
//! A queue's `strategy` is one of the built-in [`STRATEGIES`] or a name
//! declared under `[strategies.<name>]` ([`StrategySpec`]), whose ranking
//! the host installs in code; any other name is an error, with the closest
//! known name suggested.
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
//!
//! The router compiles `[[rules]]` itself ([`router`](crate::router)), and
//! the escalation triggers compile themselves
//! ([`handoff`](crate::handoff)); this module reports their problems.
//!
//! # What is not configuration
//!
//! Agents: the configuration says who may take a queue's conversations
//! (`eligible`, over `agent.*`) but lists nobody. Agents come from inputs
//! only — [`Input::AgentUpsert`](crate::engine::Input::AgentUpsert) with
//! their skills, languages and capacity, then
//! [`Input::AgentStatus`](crate::engine::Input::AgentStatus) with
//! [`Presence::Available`](crate::assign::Presence::Available) — so that
//! they come and go without a new configuration. Contacts and
//! conversations likewise come from inputs.

// Layout, for contributors:
//
// | file | what it holds |
// |---|---|
// | `mod.rs` | `Config`: its constructors and getters |
// | `spec.rs` | `ConfigSpec` and its parts: the configuration as written |
// | `node.rs`, `reader.rs` | TOML and JSON into a node tree with spans, then into a spec |
// | `duration.rs` | durations as written (`30s`, `10m`) |
// | `compile.rs` | compiling a spec: each section in document order |
// | `names.rs`, `templates.rs` | empty names; templates against what sends them |
// | `queues.rs` | `[[queues]]`: settings, eligibility, overflow cycles; the strategies a queue may name |
// | `rules.rs` | the router's problems with `[[rules]]` and `[defaults]` as diagnostics |
// | `escalation.rs` | the triggers' problems with `[escalation]` as diagnostics |
// | `invitations.rs` | `[[invitations]]` and `[visitors]`: read, checked, compiled |
// | `outreach.rs` | `[notifications]`, `[consent]`, `[campaigns]`: read, checked, compiled |
// | `checks.rs` | range checks, `[assignment]` and `[conversations]` |
// | `settings.rs` | the `DEFAULT_*` constants and the resolved settings |
// | `diagnostic.rs`, `diags.rs` | `Diagnostic` and `ConfigError`; collecting and placing them |

mod checks;
mod compile;
mod diagnostic;
mod diags;
pub(crate) mod duration;
mod escalation;
mod invitations;
mod messages;
mod names;
mod node;
mod outreach;
mod queues;
mod reader;
mod rules;
mod settings;
mod spec;
mod templates;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use checks::{MAX_PRIORITY, MIN_PRIORITY};
pub use diagnostic::{ConfigError, Diagnostic, Severity};
pub use invitations::{
    DEFAULT_ACCEPT_WINDOW, DEFAULT_VISIT_TIMEOUT, InvitationSpec, VisitorSettings, VisitorsSpec,
};
pub(crate) use outreach::NotifySettings;
pub use outreach::{
    CampaignSpec, CapSpec, ConsentSpec, DEFAULT_CONFIRM_REQUEST, DEFAULT_CONFIRM_WITHIN,
    DEFAULT_CONFIRMED, DEFAULT_REPLY_WINDOW, NotificationsSpec,
};
pub use queues::{QueueConfig, STRATEGIES};
pub use settings::{
    AssignmentSettings, ConversationSettings, DEFAULT_BOT_TIMEOUT, DEFAULT_CONTACT_RETENTION,
    DEFAULT_HOLD_TIMEOUT, DEFAULT_HUMAN_PHRASES, DEFAULT_INACTIVITY_TIMEOUT, DEFAULT_MAX_FALLBACKS,
    DEFAULT_MAX_MISSED_OFFERS, DEFAULT_MAX_TEXT, DEFAULT_NOTICE_INTERVAL, DEFAULT_OFFER_TIMEOUT,
    DEFAULT_PREFERRED_WAIT, DEFAULT_REOPEN_WINDOW, DEFAULT_STICKY_AGENT, DEFAULT_TRANSCRIPT_BYTES,
    DEFAULT_TRANSCRIPT_MESSAGES, QueueSettings, QueueStrategy,
};
pub use spec::{
    ActionSpec, ApprovedTemplate, AssignmentSpec, BotSpec, CANNED_VARIABLES, CannedSpec,
    ConfigSpec, ConversationsSpec, DefaultsSpec, EscalationSpec, FairnessSpec, OverflowSpec,
    QueueSpec, RelaxSpec, RuleSpec, StrategySpec, TemplateSpec, TriggerSpec, WINDOW_PLACEHOLDERS,
    WINDOW_PURPOSES,
};

/// A compiled escalation trigger; it lives with the triggers in
/// [`handoff`](crate::handoff).
pub use crate::handoff::Trigger;

use crate::calendar::Calendars;
use crate::expr::Schema;
use crate::invite::{Invitation, Invitations};
use crate::model::QueueId;
use crate::router::Router;

/// A checked, compiled configuration.
///
/// Cheap to share behind an `Arc`; see the [`router`](crate::router) docs
/// for swapping configurations at run time.
///
/// It holds queues, rules, bots, calendars, messages and settings, not
/// agents: those come from inputs only
/// ([`Input::AgentUpsert`](crate::engine::Input::AgentUpsert), then
/// [`Input::AgentStatus`](crate::engine::Input::AgentStatus) with
/// [`Presence::Available`](crate::assign::Presence::Available)); see
/// [what is not configuration](self#what-is-not-configuration).
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
    conversations: ConversationSettings,
    assignment: AssignmentSettings,
    bot_timeouts: BTreeMap<String, Duration>,
    notify: NotifySettings,
    invitations: Invitations,
    visitors: VisitorSettings,
    warnings: Vec<Diagnostic>,
}

/// Two configurations are equal when their specifications are: everything
/// else is compiled from it.
impl PartialEq for Config {
    fn eq(&self, other: &Config) -> bool {
        self.spec() == other.spec()
    }
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
        compile::compile(spec, reader, Some(src))
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
        compile::compile(spec, reader, None)
    }

    /// Checks and compiles a configuration built in code.
    ///
    /// # Errors
    ///
    /// Every problem found, located by field path.
    pub fn from_spec(spec: ConfigSpec) -> Result<Config, ConfigError> {
        compile::compile(spec, reader::Reader::default(), None)
    }

    /// The router compiled from the rules.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The configuration as written.
    pub fn spec(&self) -> &ConfigSpec {
        &self.spec
    }

    /// `[assignment]`, as written; [`assignment_settings`](Self::assignment_settings)
    /// has every default applied.
    pub fn assignment(&self) -> &AssignmentSpec {
        &self.spec.assignment
    }

    /// `[assignment]` with every default applied: the assigner's settings.
    /// A queue's own are in its [`settings`](QueueConfig::settings).
    pub fn assignment_settings(&self) -> &AssignmentSettings {
        &self.assignment
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

    /// `[conversations]` as written;
    /// [`conversation_settings`](Self::conversation_settings) has every
    /// default applied.
    pub fn conversations(&self) -> &ConversationsSpec {
        &self.spec.conversations
    }

    /// `[notifications]`, `[consent]` and `[campaigns]` with every default
    /// applied.
    pub(crate) fn notify_settings(&self) -> &NotifySettings {
        &self.notify
    }

    /// `[conversations]` with every default applied: the engine's
    /// settings.
    pub fn conversation_settings(&self) -> &ConversationSettings {
        &self.conversations
    }

    /// The host strategies `[strategies.<name>]` declares, by name, in
    /// name order. Queues naming one rank agents as `longest_idle` until
    /// the host installs it
    /// ([`Switchboard::set_strategy`](crate::engine::Switchboard::set_strategy)).
    ///
    /// ```
    /// use switchboard::config::Config;
    ///
    /// let config = Config::from_toml_str("[strategies.vip_first]\n[strategies.by_tenure]")?;
    /// assert_eq!(config.host_strategies().collect::<Vec<_>>(), ["by_tenure", "vip_first"]);
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn host_strategies(&self) -> impl Iterator<Item = &str> {
        self.spec.strategies.keys().map(String::as_str)
    }

    /// Bot `bot`'s settings as written, if it is configured under `[bots]`.
    pub fn bot(&self, bot: &str) -> Option<&BotSpec> {
        self.spec.bots.get(bot)
    }

    /// How long bot `bot` has to answer before the conversation escalates:
    /// its `[bots.<bot>] timeout`, else [`DEFAULT_BOT_TIMEOUT`] (also for a
    /// bot the configuration does not list).
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard::config::{Config, DEFAULT_BOT_TIMEOUT};
    ///
    /// let config = Config::from_toml_str("[bots.faq]\ntimeout = \"3s\"\n[bots.sales]")?;
    /// assert_eq!(config.bot_timeout("faq"), Duration::from_secs(3));
    /// assert_eq!(config.bot_timeout("sales"), DEFAULT_BOT_TIMEOUT);
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn bot_timeout(&self, bot: &str) -> Duration {
        self.bot_timeouts
            .get(bot)
            .copied()
            .unwrap_or(DEFAULT_BOT_TIMEOUT)
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
        self.spec.templates.get(name).and_then(TemplateSpec::text)
    }

    /// The approved template for `purpose` (one of [`WINDOW_PURPOSES`]) in
    /// language `lang`: the one configured for that language (or its
    /// primary subtag: `en` for `en-GB`), else the one for `"*"`.
    ///
    /// ```
    /// use switchboard::config::Config;
    ///
    /// let config = Config::from_toml_str(r#"
    ///     [[queues]]
    ///     id = "support"
    ///     [templates.agent_reply]
    ///     en = { name = "follow_up", language = "en_US", parameters = ["{text}"] }
    ///     "*" = { name = "follow_up_intl", language = "en" }
    /// "#)?;
    /// assert_eq!(config.approved_template("agent_reply", Some("en-GB")).unwrap().language, "en_US");
    /// assert_eq!(config.approved_template("agent_reply", Some("de")).unwrap().name, "follow_up_intl");
    /// assert!(config.approved_template("bot_reply", Some("en")).is_none());
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn approved_template(
        &self,
        purpose: &str,
        lang: Option<&str>,
    ) -> Option<&ApprovedTemplate> {
        let Some(TemplateSpec::Approved(by_lang)) = self.spec.templates.get(purpose) else {
            return None;
        };
        let primary = lang.map(|l| l.split(['-', '_']).next().unwrap_or(l));
        [lang, primary, Some("*")]
            .into_iter()
            .flatten()
            .find_map(|l| by_lang.get(l))
    }

    /// The canned response with id or shortcut `name`, with its id.
    pub fn canned(&self, name: &str) -> Option<(&str, &CannedSpec)> {
        self.spec
            .canned
            .get_key_value(name)
            .or_else(|| {
                self.spec
                    .canned
                    .iter()
                    .find(|(_, c)| c.shortcut.as_deref() == Some(name))
            })
            .map(|(id, c)| (id.as_str(), c))
    }

    /// The canned responses whose shortcut (or id) starts with `prefix`,
    /// by shortcut: what an agent's desk offers as they type.
    ///
    /// ```
    /// use switchboard::config::Config;
    ///
    /// let config = Config::from_toml_str(r#"
    ///     [[queues]]
    ///     id = "support"
    ///     [canned.refund_status]
    ///     shortcut = "/refund"
    ///     text = "Your refund is on its way."
    ///     [canned.refund_policy]
    ///     shortcut = "/refund-policy"
    ///     text = "Refunds take 5 working days."
    ///     [canned.hello]
    ///     shortcut = "/hi"
    ///     text = { en = "Hello {contact.name}!", de = "Hallo {contact.name}!" }
    /// "#)?;
    /// let found: Vec<&str> = config.canned_matching("/ref").map(|(id, _)| id).collect();
    /// assert_eq!(found, ["refund_status", "refund_policy"]);
    /// assert_eq!(config.canned("/hi").unwrap().1.text_for(Some("de")), Some("Hallo {contact.name}!"));
    /// # Ok::<(), switchboard::config::ConfigError>(())
    /// ```
    pub fn canned_matching<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a CannedSpec)> + 'a {
        let mut found: Vec<(&str, &CannedSpec, &str)> = self
            .spec
            .canned
            .iter()
            .map(|(id, c)| (id.as_str(), c, c.shortcut.as_deref().unwrap_or(id)))
            .filter(|(_, _, key)| key.starts_with(prefix))
            .collect();
        found.sort_by_key(|(_, _, key)| *key);
        found.into_iter().map(|(id, c, _)| (id, c))
    }

    /// The proactive invitations (`[[invitations]]`), in the order they
    /// are tried; see [`invite`](crate::invite).
    pub fn invitations(&self) -> &[Invitation] {
        self.invitations.list()
    }

    /// The invitation with this id.
    pub fn invitation(&self, id: &str) -> Option<&Invitation> {
        self.invitations.get(id)
    }

    /// The invitations with the time-on-page thresholds of them all.
    pub(crate) fn invitation_set(&self) -> &Invitations {
        &self.invitations
    }

    /// `[visitors]` with every default applied.
    pub fn visitor_settings(&self) -> &VisitorSettings {
        &self.visitors
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

/// Reads a configuration from any serde format.
fn read_serde<'de, D: Deserializer<'de>>(d: D) -> Result<(ConfigSpec, reader::Reader), D::Error> {
    use serde::de::DeserializeSeed;
    let duplicate = std::cell::RefCell::new(None);
    let root = node::NodeSeed::root(&duplicate).deserialize(d)?;
    Ok(reader::read(&root))
}

impl<'de> Deserialize<'de> for ConfigSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (spec, reader) = read_serde(d)?;
        if reader.diags.iter().any(Diagnostic::is_error) {
            return Err(serde::de::Error::custom(ConfigError::new(reader.diags)));
        }
        Ok(spec)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (spec, reader) = read_serde(d)?;
        compile::compile(spec, reader, None).map_err(serde::de::Error::custom)
    }
}
