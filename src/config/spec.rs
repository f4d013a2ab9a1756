//! The configuration as written: plain data, before compilation.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration::{opt_str, serde_str};
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
    /// `[templates]`: name → text with `{placeholders}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, String>,
    /// `[bots.<id>]`: the bots the host registers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub bots: BTreeMap<String, BotSpec>,
    /// `[escalation]`: when a bot conversation goes to a human.
    pub escalation: EscalationSpec,
    /// `[defaults]`.
    pub defaults: DefaultsSpec,
    /// `[contact_attributes]`: declared contact attribute types. When
    /// empty, `contact.*` is open and untyped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub contact_attributes: BTreeMap<String, AttrType>,
    /// `[agent_attributes]`: declared `agent.attributes.*` types.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub agent_attributes: BTreeMap<String, AttrType>,
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
    /// any matching rule gives wins.
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
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct QueueSpec {
    /// Unique id.
    pub id: String,
    /// Which agents may take its conversations; every agent when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<String>,
    /// `longest_idle` (default), `least_busy`, `round_robin` or
    /// `most_skilled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// The skill `most_skilled` ranks by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// Base priority of its conversations.
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
    /// How long an agent has to accept an offer (default 30 s).
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub offer_timeout: Option<Duration>,
    /// How long an assigned agent has to reply before the conversation is
    /// offered to another.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub reply_timeout: Option<Duration>,
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
    /// Where escalations go unless a trigger names a queue.
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
