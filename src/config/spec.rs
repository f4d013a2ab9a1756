//! The configuration as written: plain data, before compilation.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration::{opt_str, serde_str};
use super::outreach::{CampaignSpec, ConsentSpec, NotificationsSpec};
use crate::calendar::CalendarSpec;
use crate::expr::AttrType;
use crate::model::Attributes;

/// A whole configuration as written, before it is checked and compiled
/// into a [`Config`](super::Config).
///
/// It is what `Config::from_toml_str` reads, and its JSON form (the same
/// field names) is what `Config::from_json_str` reads. Build one in code to
/// generate configurations; [`Config::from_spec`](super::Config::from_spec)
/// checks and compiles it.
///
/// # Examples
///
/// ```
/// use switchboard::config::{ActionSpec, Config, ConfigSpec, RuleSpec};
///
/// let mut spec = ConfigSpec::default();
/// spec.rules.push(RuleSpec::new("everyone", "true", ActionSpec::queue("general")));
/// spec.queues.push(switchboard::config::QueueSpec::new("general"));
/// let config = Config::from_spec(spec)?;
/// assert_eq!(config.router().len(), 1);
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConfigSpec {
    /// `[[rules]]`, in evaluation order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    /// `[[queues]]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueSpec>,
    /// `[calendars.<name>]`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub calendars: BTreeMap<String, CalendarSpec>,
    /// `[templates]`: name → text. A notice's name replaces its built-in
    /// text and may use the notice's `{placeholders}`
    /// ([`NOTICES`](crate::handoff::NOTICES)); any other template is sent
    /// by a rule's `reply`, as written. `{{` and `}}` are literal braces.
    ///
    /// The names in [`WINDOW_PURPOSES`] hold instead the provider-approved
    /// templates used when a customer's reply window has closed, by the
    /// conversation's language (see [`TemplateSpec::Approved`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, TemplateSpec>,
    /// `[canned.<id>]`: agents' canned responses.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub canned: BTreeMap<String, CannedSpec>,
    /// `[bots.<id>]`: the bots the host registers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub bots: BTreeMap<String, BotSpec>,
    /// `[strategies.<name>]`: the assignment strategies the host installs,
    /// which queues may then name as their `strategy`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub strategies: BTreeMap<String, StrategySpec>,
    /// `[escalation]`: when a bot conversation goes to a human.
    pub escalation: EscalationSpec,
    /// `[assignment]`: how the assigner offers conversations to agents.
    pub assignment: AssignmentSpec,
    /// `[conversations]`: how the engine keeps conversations.
    pub conversations: ConversationsSpec,
    /// `[defaults]`.
    pub defaults: DefaultsSpec,
    /// `[contact_attributes]`: declared contact attribute types. When
    /// empty, `contact.*` is open and untyped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub contact_attributes: BTreeMap<String, AttrType>,
    /// `[agent_attributes]`: declared `agent.attributes.*` types.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub agent_attributes: BTreeMap<String, AttrType>,
    /// `[notifications]`: how the business writes first.
    #[serde(skip_serializing_if = "is_default")]
    pub notifications: NotificationsSpec,
    /// `[consent.<channel>]`: what each purpose needs on each channel.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub consent: BTreeMap<String, ConsentSpec>,
    /// `[campaigns.<id>]`: the kinds of notification.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub campaigns: BTreeMap<String, CampaignSpec>,
    /// `[[invitations]]`: proactive invitations, in the order they are
    /// tried ([`invite`](crate::invite)).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invitations: Vec<super::InvitationSpec>,
    /// `[visitors]`: how long visitors' sessions and invitations last.
    #[serde(skip_serializing_if = "super::VisitorsSpec::is_empty")]
    pub visitors: super::VisitorsSpec,
}

fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

/// One `[[rules]]` entry.
///
/// ```toml
/// [[rules]]
/// id = "refund-vip"
/// when = "contact.tier == 'vip' and text contains_any ['refund', '退款']"
/// then = { queue = "billing", priority = 10, tags = ["refund"] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleSpec {
    /// Unique id, reported in decisions and errors.
    pub id: String,
    /// The condition; `"true"` when omitted.
    #[serde(default = "always")]
    pub when: String,
    /// What the rule does when it matches.
    pub then: ActionSpec,
    /// Marks a rule that only tags, prioritizes, replies or sets attributes
    /// and lets evaluation go on. Such a rule may not route.
    #[serde(rename = "continue", default, skip_serializing_if = "is_false")]
    pub continue_: bool,
}

fn always() -> String {
    "true".into()
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl RuleSpec {
    /// A rule with an id, a condition and an action.
    pub fn new(id: impl Into<String>, when: impl Into<String>, then: ActionSpec) -> Self {
        RuleSpec {
            id: id.into(),
            when: when.into(),
            then,
            continue_: false,
        }
    }

    /// Marks the rule `continue = true`.
    pub fn continuing(mut self) -> Self {
        self.continue_ = true;
        self
    }
}

/// A rule's `then`: at most one routing action (`bot`, `queue`, `drop`) and
/// any of the others.
///
/// ```
/// use switchboard::config::ActionSpec;
/// let a = ActionSpec::queue("billing").with_priority(10).with_tags(["refund"]);
/// assert_eq!(a.queue.as_deref(), Some("billing"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ActionSpec {
    /// Hand the conversation to this bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<String>,
    /// Queue it for a human in this queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Drop the message (spam, auto-replies).
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop: bool,
    /// Priority in the queue; higher is served first. The highest priority
    /// any matching rule gives wins. Between -1000000 and 1000000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Tags added to the conversation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A template sent to the customer; a later matching rule's reply
    /// replaces an earlier one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Record the customer as opted out of this channel.
    #[serde(default, skip_serializing_if = "is_false")]
    pub opt_out: bool,
    /// Contact attributes to set; later rules override earlier ones.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: Attributes,
}

impl ActionSpec {
    /// Route to a queue.
    pub fn queue(q: impl Into<String>) -> Self {
        ActionSpec {
            queue: Some(q.into()),
            ..Self::default()
        }
    }

    /// Route to a bot.
    pub fn bot(b: impl Into<String>) -> Self {
        ActionSpec {
            bot: Some(b.into()),
            ..Self::default()
        }
    }

    /// Drop the message.
    pub fn drop_message() -> Self {
        ActionSpec {
            drop: true,
            ..Self::default()
        }
    }

    /// Sets the priority.
    pub fn with_priority(mut self, p: i32) -> Self {
        self.priority = Some(p);
        self
    }

    /// Adds tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Sets the reply template.
    pub fn with_reply(mut self, template: impl Into<String>) -> Self {
        self.reply = Some(template.into());
        self
    }
}

/// One `[[queues]]` entry. The assigner reads the waiting, offer and
/// overflow settings; the router checks references to it.
///
/// ```toml
/// [[queues]]
/// id = "billing"
/// eligible = "agent.skills.billing >= 2 and agent.languages has conversation.lang"
/// strategy = "longest_idle"
/// sla = "15m"
/// calendar = "eu"
/// relax = [{ after = "2m", eligible = "agent.skills.billing >= 1" }]
/// overflow = { after = "10m", to = "general" }
/// aging = "30s"    # one priority point for every 30 s waited
/// offers = 2       # offer to two agents at once; the first to accept wins
/// wrap_up = "1m"   # overrides [assignment] wrap_up
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct QueueSpec {
    /// Unique id.
    pub id: String,
    /// Which agents may take its conversations; every agent when omitted.
    /// It may not read what changes with time alone (`hour`, `weekday`,
    /// `hours.<calendar>`, `conversation.waited`): use `relax` steps and
    /// `calendar` for those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<String>,
    /// `longest_idle` (default), `least_busy`, `round_robin`,
    /// `most_skilled`, or a strategy of the host's declared under
    /// [`[strategies.<name>]`](StrategySpec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// The skill `most_skilled` ranks by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// Base priority of its conversations; higher is served first. Between
    /// -1000000 and 1000000.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: i32,
    /// Target time to answer.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub sla: Option<Duration>,
    /// Business hours; always open when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Wider eligibility after waiting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relax: Vec<RelaxSpec>,
    /// Move to another queue after waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<OverflowSpec>,
    /// Most conversations waiting at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<usize>,
    /// How long an agent has to accept an offer (default
    /// [`DEFAULT_OFFER_TIMEOUT`](super::DEFAULT_OFFER_TIMEOUT), 30 s).
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub offer_timeout: Option<Duration>,
    /// How long an assigned agent has to reply before the conversation is
    /// offered to another.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub reply_timeout: Option<Duration>,
    /// Linear aging: each time a conversation has waited this long it gains
    /// one priority point, so long waits are not starved by higher
    /// priorities. No aging when omitted; at least 1 s.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub aging: Option<Duration>,
    /// How many agents are offered a conversation at once; the first to
    /// accept takes it and the other offers are withdrawn. 1 to 10; 1 when
    /// omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offers: Option<u32>,
    /// Time after one of its conversations closes before the agent gets the
    /// next offer; overrides [`AssignmentSpec::wrap_up`] for this queue.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub wrap_up: Option<Duration>,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

impl QueueSpec {
    /// A queue with defaults for everything but its id.
    pub fn new(id: impl Into<String>) -> Self {
        QueueSpec {
            id: id.into(),
            eligible: None,
            strategy: None,
            skill: None,
            priority: 0,
            sla: None,
            calendar: None,
            relax: Vec::new(),
            overflow: None,
            max_size: None,
            offer_timeout: None,
            reply_timeout: None,
            aging: None,
            offers: None,
            wrap_up: None,
        }
    }
}

/// A relaxation step: after `after` waiting, `eligible` replaces the
/// queue's expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelaxSpec {
    /// Wait before the step applies.
    #[serde(with = "serde_str")]
    pub after: Duration,
    /// The wider expression.
    pub eligible: String,
}

/// Overflow: after `after` waiting, move to queue `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverflowSpec {
    /// Wait before moving.
    #[serde(with = "serde_str")]
    pub after: Duration,
    /// The queue to move to.
    pub to: String,
}

/// `[bots.<id>]`: a bot the host registers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BotSpec {
    /// No answer within this time escalates to a human (default 10 s).
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

/// `[strategies.<name>]`: an assignment strategy the host installs.
///
/// A queue may name one of the built-in strategies
/// ([`STRATEGIES`](super::STRATEGIES)) or a strategy declared here. The
/// declaration is what lets a typo (`round_robbin`) stay an error while a
/// name of the host's (`vip_first`) is accepted, as `[bots.<id>]` does for
/// bots: the configuration says which names exist, the host's code
/// supplies the ranking
/// ([`Switchboard::set_strategy`](crate::engine::Switchboard::set_strategy)).
///
/// ```toml
/// [strategies.vip_first]   # agents with attribute vip = true first
///
/// [[queues]]
/// id = "priority"
/// strategy = "vip_first"
/// ```
///
/// Until the host installs it, a queue naming it ranks agents as
/// `longest_idle` does, and the engine lists the name in
/// [`missing_strategies`](crate::engine::Switchboard::missing_strategies).
/// A declared name may not be a built-in's. The table takes no settings
/// yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StrategySpec {}

/// `[escalation]`: when a conversation with a bot goes to a human.
///
/// The settings become escalation triggers evaluated after each bot turn;
/// `[[escalation.rules]]` adds triggers of your own in the expression
/// language.
///
/// ```toml
/// [escalation]
/// queue = "general"
/// phrases = ["speak to someone"]
/// max_fallbacks = 2
/// min_confidence = 0.4
/// sentiment_below = -0.6
/// human_intents = ["booking", "complaint"]
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EscalationSpec {
    /// Where escalations go unless a trigger names a queue. Unset, the
    /// `[defaults] queue`, else the first `[[queues]]` entry; with no
    /// queue configured at all, nothing escalates. See
    /// [`Config::escalation_queue`](super::Config::escalation_queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Phrases that ask for a human, added to the built-in multilingual
    /// list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    /// Consecutive bot fallbacks that escalate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fallbacks: Option<u32>,
    /// Bot confidence below which to escalate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_confidence: Option<f64>,
    /// Sentiment score below which to escalate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_below: Option<f64>,
    /// Intents only a human handles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub human_intents: Vec<String>,
    /// Triggers of your own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<TriggerSpec>,
}

/// One `[[escalation.rules]]` trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    /// Unique id, recorded as the handoff reason.
    pub id: String,
    /// The condition, in the escalation context.
    pub when: String,
    /// The queue to escalate to; the escalation queue when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
}

/// `[assignment]`: how the assigner offers conversations to agents. Every
/// setting is optional.
///
/// ```toml
/// [assignment]
/// max_missed_offers = 3   # offers let expire in a row before the agent is set away
/// wrap_up = "30s"         # pause after a conversation closes before the next offer
/// offline_grace = "2m"    # an agent who goes offline keeps conversations this long
/// preferred_wait = "1m"   # wait for the preferred agent before offering to others
/// handle_time = "5m"      # assumed average handle time until one is observed
/// fairness = { max = 20, per = "1h" }  # at most 20 assignments per agent in any hour
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AssignmentSpec {
    /// Offers an agent may miss (let expire) in a row before being set
    /// away. At least 1; [`DEFAULT_MAX_MISSED_OFFERS`](super::DEFAULT_MAX_MISSED_OFFERS)
    /// (3) when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_missed_offers: Option<u32>,
    /// Time after a conversation closes before the agent's next offer; none
    /// when omitted. A queue's own `wrap_up` overrides it.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub wrap_up: Option<Duration>,
    /// How long an agent who goes offline keeps their assigned conversations
    /// before they are requeued; they are requeued at once when omitted.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub offline_grace: Option<Duration>,
    /// How long a conversation waits for its preferred agent before anyone
    /// else is offered it; [`DEFAULT_PREFERRED_WAIT`](super::DEFAULT_PREFERRED_WAIT)
    /// (60 s) when omitted.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub preferred_wait: Option<Duration>,
    /// A cap on assignments per agent over a sliding window; no cap when
    /// omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fairness: Option<FairnessSpec>,
    /// The average handle time assumed for wait estimates until one has
    /// been observed; at least 1 s.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub handle_time: Option<Duration>,
}

/// `[assignment] fairness`: at most `max` assignments per agent in any
/// window of `per`.
///
/// ```toml
/// [assignment]
/// fairness = { max = 20, per = "1h" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FairnessSpec {
    /// The most assignments one agent gets in any window; at least 1.
    pub max: u32,
    /// The length of the sliding window; at least 1 s.
    #[serde(with = "serde_str")]
    pub per: Duration,
}

/// `[defaults]`.
///
/// ```toml
/// [defaults]
/// bot = "faq"              # or queue = "general": where unmatched messages go
/// timezone = "Europe/Berlin" # the zone of `hour` and `weekday`
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DefaultsSpec {
    /// Route unmatched messages to this bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<String>,
    /// Route unmatched messages to this queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// The time zone of `hour` and `weekday` (UTC when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// `[conversations]`: how the engine keeps conversations — continuation
/// across channels, limits, and the timers of the escalation state machine.
///
/// Every field is optional; the defaults are the `DEFAULT_*` constants of
/// [`config`](crate::config).
///
/// ```toml
/// [conversations]
/// across_channels = true      # a message on another channel continues the open conversation
/// max_text = 4096             # bytes in one message; longer input is refused
/// transcript_messages = 200   # the transcript keeps the latest 200 messages …
/// transcript_bytes = 65536    # … and at most this much text
/// inactivity_timeout = "30m"  # customer silence after a bot or agent message closes
/// reopen_window = "24h"       # a customer who writes again within this reopens
/// hold_timeout = "24h"        # a conversation on hold closes after this without a reply
/// no_agent_timeout = "20m"    # no agent in this time: back to the bot, with a message
/// notice_interval = "2m"      # at most one queue update per customer per interval
/// sticky_agent = "30d"        # a returning contact is offered to their last agent first
/// contact_retention = "90d"   # a contact with no conversation left is forgotten after this
/// csat = true                 # ask for a 1–5 rating after an agent closes
/// fallback_queue = "general"  # where `reconfigure` moves conversations of removed queues
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConversationsSpec {
    /// Whether a message on another channel continues the contact's open
    /// conversation (default `true`).
    ///
    /// Replies then go to the channel the customer used last. An agent who
    /// has the conversation keeps it on the capacity slot of the channel it
    /// was assigned on: the switch does not move it to another channel's
    /// slot (which may be full) or take it from the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub across_channels: Option<bool>,
    /// Most bytes of text in one inbound, bot or agent message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_text: Option<u32>,
    /// Most messages kept in a conversation's transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_messages: Option<u32>,
    /// Most bytes of text kept in a conversation's transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_bytes: Option<u32>,
    /// Customer silence, after a bot or agent message, that closes.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub inactivity_timeout: Option<Duration>,
    /// How long after closing a customer message reopens the conversation.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub reopen_window: Option<Duration>,
    /// How long a conversation on hold waits for the customer.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub hold_timeout: Option<Duration>,
    /// How long a conversation waits for an agent before it goes back to
    /// the bot (never when unset).
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub no_agent_timeout: Option<Duration>,
    /// The shortest time between two queue updates to one customer.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub notice_interval: Option<Duration>,
    /// How long a contact's last agent stays their preferred agent.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub sticky_agent: Option<Duration>,
    /// How long a contact with no conversation left is kept before the
    /// engine forgets it (its identities, attributes and last agent);
    /// never shorter than `sticky_agent`.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub contact_retention: Option<Duration>,
    /// Whether to send the `csat` survey after an agent closes; unset, no
    /// survey is sent (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<bool>,
    /// Where conversations of a removed queue go on reconfiguration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_queue: Option<String>,
}

/// What a message is for, when the customer's reply window has closed and
/// only a provider-approved template may go out: an agent's reply, a bot's
/// reply, or a notice from the engine. Each names a table under
/// `[templates]`.
pub const WINDOW_PURPOSES: [&str; 3] = ["agent_reply", "bot_reply", "notice"];

/// The placeholders an approved template's parameters may use: the message
/// text, the agent, the queue, the conversation, and
/// `{contact.<attribute>}`.
pub const WINDOW_PLACEHOLDERS: [&str; 4] = ["text", "agent", "queue", "conversation"];

/// One entry of `[templates]`.
///
/// ```toml
/// [templates]
/// queued = "You are number {position} in line."   # a notice's text
///
/// # When the reply window has closed (WhatsApp: 24 hours after the
/// # customer's last message), an agent's reply goes out as this approved
/// # template, by the conversation's language; "*" serves any other.
/// [templates.agent_reply]
/// en = { name = "support_follow_up", language = "en_US", parameters = ["{agent}", "{text}"] }
/// de = { name = "support_follow_up", language = "de", parameters = ["{agent}", "{text}"] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TemplateSpec {
    /// A notice's or a reply's text.
    Text(String),
    /// Approved templates by the conversation's language (`"*"` for any
    /// other), for one of [`WINDOW_PURPOSES`].
    Approved(BTreeMap<String, ApprovedTemplate>),
}

impl TemplateSpec {
    /// The text, for a notice or reply.
    pub fn text(&self) -> Option<&str> {
        match self {
            TemplateSpec::Text(t) => Some(t),
            TemplateSpec::Approved(_) => None,
        }
    }
}

/// A template the provider approved (a WhatsApp message template, a
/// Messenger message tag's text …), with its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ApprovedTemplate {
    /// Its name at the provider.
    pub name: String,
    /// Its language code at the provider (`en_US`, `de`).
    pub language: String,
    /// Its parameters in order, each a text with placeholders from
    /// [`WINDOW_PLACEHOLDERS`] (`"{agent}"`, `"Re: {text}"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
}

/// A canned response: an answer agents send often, found by its shortcut
/// and sent in the conversation's language with its variables filled in.
///
/// ```toml
/// [canned.refund_status]
/// shortcut = "/refund"
/// text.en = "Hi {contact.name}, your refund is on its way. {agent}"
/// text.de = "Hallo {contact.name}, Ihre Erstattung ist unterwegs. {agent}"
/// ```
///
/// Its variables are `{agent}`, `{queue}`, `{conversation}`,
/// `{contact.<attribute>}`, `{agent.<attribute>}` and `{slot.<name>}` (what
/// the bot gathered).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CannedSpec {
    /// What an agent types to find it (`/refund`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortcut: Option<String>,
    /// Its text by language (`"*"` for any other).
    pub text: BTreeMap<String, String>,
}

impl CannedSpec {
    /// Its text for language `lang`: that language's (or its primary
    /// subtag's), else the one for any language.
    pub fn text_for(&self, lang: Option<&str>) -> Option<&str> {
        let primary = lang.map(|l| l.split(['-', '_']).next().unwrap_or(l));
        [lang, primary, Some("*")]
            .into_iter()
            .flatten()
            .find_map(|l| self.text.get(l))
            .or_else(|| self.text.values().next())
            .map(String::as_str)
    }
}

/// The variables a canned response may use besides `{contact.…}`,
/// `{agent.…}` and `{slot.…}`.
pub const CANNED_VARIABLES: [&str; 3] = ["agent", "queue", "conversation"];
