//! The defaults, and the settings with every default applied.
//!
//! The configuration as written ([`ConfigSpec`]) leaves most settings
//! unset. They are resolved here, once, when the configuration compiles.
//! Read the resolved values rather than the spec and apply no default of
//! your own: each default then lives in one place.

use std::collections::BTreeMap;
use std::time::Duration;

use super::queues::STRATEGIES;
use super::spec::{
    AssignmentSpec, BotSpec, ConfigSpec, ConversationsSpec, FairnessSpec, QueueSpec,
};
use crate::model::QueueId;

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
/// `offer_timeout` is not set: 30 seconds.
pub const DEFAULT_OFFER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a conversation waits for its preferred agent when
/// `[assignment] preferred_wait` is not set: 60 seconds.
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
/// inactivity_timeout` is not set: 30 minutes.
pub const DEFAULT_INACTIVITY_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How long a closed conversation can be reopened when `[conversations]
/// reopen_window` is not set: 24 hours.
pub const DEFAULT_REOPEN_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// How long a conversation on hold waits for the customer when
/// `[conversations] hold_timeout` is not set: 24 hours.
pub const DEFAULT_HOLD_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// The shortest time between two queue updates when `[conversations]
/// notice_interval` is not set: 2 minutes.
pub const DEFAULT_NOTICE_INTERVAL: Duration = Duration::from_secs(120);

/// How long a contact's last agent stays preferred when `[conversations]
/// sticky_agent` is not set: 7 days.
pub const DEFAULT_STICKY_AGENT: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long a contact with no conversation left is kept when
/// `[conversations] contact_retention` is not set: 30 days (or
/// `sticky_agent`, when that is longer).
///
/// The engine's contacts are its working set, not a customer database:
/// the host's CRM keeps customers for good and passes what matters (a
/// contact id, attributes) with each inbound message. Forgetting idle
/// contacts keeps a long-running engine's memory bounded by its traffic
/// rather than by every visitor it ever saw. STOP opt-outs are kept apart
/// and are never forgotten.
pub const DEFAULT_CONTACT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long a bot has to answer when its `timeout` is not set: 10
/// seconds.
pub const DEFAULT_BOT_TIMEOUT: Duration = Duration::from_secs(10);

/// `[conversations]` with every default applied: what the engine runs
/// with. Get it from
/// [`Config::conversation_settings`](super::Config::conversation_settings).
///
/// ```
/// use std::time::Duration;
/// use switchboard::config::{Config, DEFAULT_MAX_TEXT};
///
/// let config = Config::from_toml_str("[conversations]\nsticky_agent = \"60d\"")?;
/// let c = config.conversation_settings();
/// assert_eq!(c.max_text, DEFAULT_MAX_TEXT);
/// // Never shorter than `sticky_agent`.
/// assert_eq!(c.contact_retention, Duration::from_secs(60 * 24 * 3600));
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConversationSettings {
    /// Whether a message on another channel continues the contact's open
    /// conversation; `true` unless set.
    pub across_channels: bool,
    /// Most bytes of text in one inbound, bot or agent message
    /// ([`DEFAULT_MAX_TEXT`] unless set).
    pub max_text: u32,
    /// Most messages a transcript keeps ([`DEFAULT_TRANSCRIPT_MESSAGES`]).
    pub transcript_messages: u32,
    /// Most bytes of text a transcript keeps ([`DEFAULT_TRANSCRIPT_BYTES`]).
    pub transcript_bytes: u32,
    /// Customer silence, after a bot or agent message, that closes
    /// ([`DEFAULT_INACTIVITY_TIMEOUT`]).
    pub inactivity_timeout: Duration,
    /// How long after closing a customer message reopens the conversation
    /// ([`DEFAULT_REOPEN_WINDOW`]).
    pub reopen_window: Duration,
    /// How long a conversation on hold waits for the customer
    /// ([`DEFAULT_HOLD_TIMEOUT`]).
    pub hold_timeout: Duration,
    /// How long a conversation waits for an agent before it goes back to
    /// the bot; `None`, the default, never.
    pub no_agent_timeout: Option<Duration>,
    /// The shortest time between two queue updates to one customer
    /// ([`DEFAULT_NOTICE_INTERVAL`]).
    pub notice_interval: Duration,
    /// How long a contact's last agent stays their preferred agent
    /// ([`DEFAULT_STICKY_AGENT`]).
    pub sticky_agent: Duration,
    /// How long a contact with no conversation left is kept
    /// ([`DEFAULT_CONTACT_RETENTION`]); never shorter than `sticky_agent`,
    /// so a returning contact still finds their last agent.
    pub contact_retention: Duration,
    /// Whether to send the `csat` survey after an agent closes; `false`
    /// unless set.
    pub csat: bool,
    /// Where conversations of a removed queue go on reconfiguration:
    /// `fallback_queue`, else the
    /// [escalation queue](super::Config::escalation_queue); `None` when the
    /// configuration has no queue.
    pub fallback_queue: Option<QueueId>,
}

impl ConversationSettings {
    pub(super) fn resolve(c: &ConversationsSpec, escalation_queue: Option<&QueueId>) -> Self {
        let sticky_agent = c.sticky_agent.unwrap_or(DEFAULT_STICKY_AGENT);
        ConversationSettings {
            across_channels: c.across_channels.unwrap_or(true),
            max_text: c.max_text.unwrap_or(DEFAULT_MAX_TEXT),
            transcript_messages: c.transcript_messages.unwrap_or(DEFAULT_TRANSCRIPT_MESSAGES),
            transcript_bytes: c.transcript_bytes.unwrap_or(DEFAULT_TRANSCRIPT_BYTES),
            inactivity_timeout: c.inactivity_timeout.unwrap_or(DEFAULT_INACTIVITY_TIMEOUT),
            reopen_window: c.reopen_window.unwrap_or(DEFAULT_REOPEN_WINDOW),
            hold_timeout: c.hold_timeout.unwrap_or(DEFAULT_HOLD_TIMEOUT),
            no_agent_timeout: c.no_agent_timeout,
            notice_interval: c.notice_interval.unwrap_or(DEFAULT_NOTICE_INTERVAL),
            sticky_agent,
            contact_retention: c
                .contact_retention
                .unwrap_or(DEFAULT_CONTACT_RETENTION)
                .max(sticky_agent),
            csat: c.csat.unwrap_or(false),
            fallback_queue: c
                .fallback_queue
                .clone()
                .map(QueueId::new)
                .or_else(|| escalation_queue.cloned()),
        }
    }
}

/// `[assignment]` with every default applied: the assigner's settings.
/// Get it from
/// [`Config::assignment_settings`](super::Config::assignment_settings).
///
/// ```
/// use std::time::Duration;
/// use switchboard::config::{Config, DEFAULT_MAX_MISSED_OFFERS};
///
/// let config = Config::from_toml_str("[assignment]\nwrap_up = \"30s\"")?;
/// let a = config.assignment_settings();
/// assert_eq!(a.max_missed_offers, DEFAULT_MAX_MISSED_OFFERS);
/// assert_eq!(a.wrap_up, Duration::from_secs(30));
/// assert_eq!(a.offline_grace, Duration::ZERO);
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssignmentSettings {
    /// Offers an agent may let expire in a row before being set away; at
    /// least 1 ([`DEFAULT_MAX_MISSED_OFFERS`] unless set).
    pub max_missed_offers: u32,
    /// Time after a conversation closes before the agent's next offer, for
    /// queues without their own `wrap_up`; zero, the default, for none.
    pub wrap_up: Duration,
    /// How long an agent who goes offline keeps their assigned
    /// conversations; zero, the default, requeues them at once.
    pub offline_grace: Duration,
    /// How long a conversation waits for its preferred agent before anyone
    /// else is offered it ([`DEFAULT_PREFERRED_WAIT`]).
    pub preferred_wait: Duration,
    /// The cap on assignments per agent over a sliding window (`max` at
    /// least 1, `per` at least 1 s); `None`, the default, for no cap.
    pub fairness: Option<FairnessSpec>,
    /// The average handle time wait estimates assume until one has been
    /// observed (at least 1 s); `None`, the default, assumes none.
    pub handle_time: Option<Duration>,
}

impl AssignmentSettings {
    pub(super) fn resolve(a: &AssignmentSpec) -> Self {
        AssignmentSettings {
            max_missed_offers: a.max_missed_offers.unwrap_or(DEFAULT_MAX_MISSED_OFFERS),
            wrap_up: a.wrap_up.unwrap_or_default(),
            offline_grace: a.offline_grace.unwrap_or_default(),
            preferred_wait: a.preferred_wait.unwrap_or(DEFAULT_PREFERRED_WAIT),
            fairness: a.fairness.clone(),
            handle_time: a.handle_time,
        }
    }
}

/// A queue's offer settings with every default applied: the
/// [`settings`](super::QueueConfig::settings) of a
/// [`QueueConfig`](super::QueueConfig).
///
/// ```
/// use std::time::Duration;
/// use switchboard::config::Config;
///
/// let config = Config::from_toml_str(r#"
///     [assignment]
///     wrap_up = "30s"
///
///     [[queues]]
///     id = "billing"
///     offers = 2
/// "#)?;
/// let q = &config.queue("billing").unwrap().settings;
/// assert_eq!((q.strategy.name(), q.offers), ("longest_idle", 2));
/// assert_eq!(q.offer_timeout, Duration::from_secs(30));
/// assert_eq!(q.wrap_up, Duration::from_secs(30)); // from [assignment]
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueSettings {
    /// How agents are chosen: one of [`STRATEGIES`] or a declared host
    /// strategy; `longest_idle` unless set.
    pub strategy: QueueStrategy,
    /// How long an agent has to accept an offer; at least 1 s
    /// ([`DEFAULT_OFFER_TIMEOUT`] unless set).
    pub offer_timeout: Duration,
    /// How many agents are offered a conversation at once, 1 to 10; 1
    /// unless set.
    pub offers: u32,
    /// Time after one of its conversations closes before the agent's next
    /// offer: the queue's own `wrap_up`, else `[assignment] wrap_up`.
    pub wrap_up: Duration,
}

impl QueueSettings {
    /// `q`'s settings, with `default_wrap_up` for an unset `wrap_up`.
    pub(super) fn resolve(q: &QueueSpec, default_wrap_up: Duration) -> Self {
        QueueSettings {
            strategy: QueueStrategy::resolve(q.strategy.as_deref()),
            offer_timeout: q.offer_timeout.unwrap_or(DEFAULT_OFFER_TIMEOUT),
            offers: q.offers.unwrap_or(1),
            wrap_up: q.wrap_up.unwrap_or(default_wrap_up),
        }
    }
}

/// The strategy a queue names, resolved: a built-in one, or one the host
/// installs.
///
/// ```
/// use switchboard::config::{Config, QueueStrategy};
///
/// let config = Config::from_toml_str(r#"
///     [strategies.vip_first]
///
///     [[queues]]
///     id = "vip"
///     strategy = "vip_first"
///
///     [[queues]]
///     id = "general"
/// "#)?;
/// let vip = &config.queue("vip").unwrap().settings.strategy;
/// assert_eq!(vip, &QueueStrategy::Host("vip_first".into()));
/// assert_eq!(vip.host(), Some("vip_first"));
/// let general = &config.queue("general").unwrap().settings.strategy;
/// assert_eq!(general, &QueueStrategy::BuiltIn("longest_idle"));
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueueStrategy {
    /// One of [`STRATEGIES`].
    BuiltIn(&'static str),
    /// A strategy declared under `[strategies.<name>]`, which the host
    /// installs by this name. Until it does, the queue ranks agents as
    /// `longest_idle` does.
    Host(String),
}

impl QueueStrategy {
    /// The name the configuration gives it.
    pub fn name(&self) -> &str {
        match self {
            QueueStrategy::BuiltIn(name) => name,
            QueueStrategy::Host(name) => name,
        }
    }

    /// The host strategy's name, when it is one.
    pub fn host(&self) -> Option<&str> {
        match self {
            QueueStrategy::Host(name) => Some(name),
            QueueStrategy::BuiltIn(_) => None,
        }
    }

    /// `strategy` as written. The configuration has been checked: a name
    /// that is not a built-in one is a declared host strategy.
    fn resolve(strategy: Option<&str>) -> Self {
        match strategy {
            None => QueueStrategy::BuiltIn(STRATEGIES[0]),
            Some(s) => match STRATEGIES.iter().find(|b| **b == s) {
                Some(b) => QueueStrategy::BuiltIn(b),
                None => QueueStrategy::Host(s.to_owned()),
            },
        }
    }
}

/// `[bots.<id>] timeout` resolved, by bot id.
pub(super) fn bot_timeouts(bots: &BTreeMap<String, BotSpec>) -> BTreeMap<String, Duration> {
    bots.iter()
        .map(|(id, b)| (id.clone(), b.timeout.unwrap_or(DEFAULT_BOT_TIMEOUT)))
        .collect()
}

/// Where escalations go unless a trigger names a queue: `[escalation]
/// queue`, else the default queue, else the first queue.
pub(super) fn escalation_queue(spec: &ConfigSpec) -> Option<QueueId> {
    spec.escalation
        .queue
        .clone()
        .or_else(|| spec.defaults.queue.clone())
        .or_else(|| spec.queues.first().map(|q| q.id.clone()))
        .map(QueueId::new)
}
