//! Why a conversation changed state.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::RuleId;

/// Why a conversation moved: recorded on every transition event, and as
/// the handoff reason the agent sees.
///
/// Unit reasons serialize as their snake_case name; a configured trigger or
/// rule as `{"trigger": "vip"}` / `{"rule": "refund-vip"}`.
///
/// ```
/// use switchboard::handoff::Reason;
/// use switchboard::RuleId;
///
/// assert_eq!(serde_json::to_string(&Reason::ExplicitRequest)?, r#""explicit_request""#);
/// assert_eq!(serde_json::to_string(&Reason::Trigger(RuleId::new("vip")))?, r#"{"trigger":"vip"}"#);
/// assert_eq!(Reason::from_trigger(&RuleId::new("bot_fallbacks")), Reason::BotFallbacks);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// A new conversation was routed by the rules (or the default route).
    Routed,
    /// The customer asked for a person.
    ExplicitRequest,
    /// The bot failed to understand too many times in a row.
    BotFallbacks,
    /// The bot's confidence was below `[escalation] min_confidence`.
    LowConfidence,
    /// The sentiment score was below `[escalation] sentiment_below`.
    NegativeSentiment,
    /// The bot recognised an intent listed in `[escalation] human_intents`.
    HumanIntent,
    /// The bot asked for a handoff.
    BotHandoff,
    /// The bot reported an error (fail open).
    BotError,
    /// The bot did not answer within its timeout (fail open).
    BotTimeout,
    /// A configured `[[escalation.rules]]` trigger fired.
    Trigger(RuleId),
    /// A routing rule sent the message to a queue.
    Rule(RuleId),
    /// Offered to an agent.
    Offered,
    /// An agent accepted.
    Accepted,
    /// The offers were declined.
    Declined,
    /// The offers expired.
    OfferExpired,
    /// The offers were withdrawn.
    OfferRevoked,
    /// The agent signed out; the conversation went back to the queue.
    AgentOffline,
    /// The agent was removed; the conversation went back to the queue.
    AgentRemoved,
    /// The agent did not reply in time; the conversation went back to the queue.
    ReplyTimeout,
    /// It waited too long and moved to the overflow queue.
    Overflow,
    /// The configuration changed and its queue was removed.
    Reconfigured,
    /// Its queue opened.
    QueueOpened,
    /// Its queue closed.
    QueueClosed,
    /// An agent transferred it.
    Transfer,
    /// An agent handed it back to the bot.
    HandBack,
    /// No agent took it within `no_agent_timeout`.
    NoAgent,
    /// An agent closed it.
    ClosedByAgent,
    /// The customer closed it.
    ClosedByCustomer,
    /// The customer left while waiting for an agent.
    Abandoned,
    /// The bot closed it.
    ClosedByBot,
    /// The host closed it.
    ClosedBySystem,
    /// The bot resolved the customer's question.
    Resolved,
    /// The customer went silent for `inactivity_timeout`.
    Inactivity,
    /// A conversation on hold got no reply within `hold_timeout`.
    HoldExpired,
    /// The customer wrote again within the reopen window.
    Reopened,
}

impl Reason {
    /// The reason for an escalation trigger: the built-in trigger ids map
    /// to their own reasons, others to [`Reason::Trigger`].
    pub fn from_trigger(id: &RuleId) -> Reason {
        match id.as_str() {
            "explicit_request" => Reason::ExplicitRequest,
            "bot_fallbacks" => Reason::BotFallbacks,
            "low_confidence" => Reason::LowConfidence,
            "negative_sentiment" => Reason::NegativeSentiment,
            "human_intent" => Reason::HumanIntent,
            "bot_handoff" => Reason::BotHandoff,
            _ => Reason::Trigger(id.clone()),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Trigger(id) => write!(f, "trigger {id}"),
            Reason::Rule(id) => write!(f, "rule {id}"),
            other => {
                let s = serde_json::to_string(other).map_err(|_| fmt::Error)?;
                f.write_str(s.trim_matches('"'))
            }
        }
    }
}
