//! What routing decides.

use serde::Serialize;

use crate::model::{Attributes, BotId, QueueId, RuleId};

/// Where a message goes.
///
/// The JSON form is tagged by `"type"`:
/// `{"type": "queue", "queue": "billing", "priority": 10}`.
///
/// ```
/// use switchboard::router::Route;
/// use switchboard::QueueId;
///
/// let r = Route::Queue { queue: QueueId::new("billing"), priority: 10 };
/// assert_eq!(serde_json::to_string(&r)?, r#"{"type":"queue","queue":"billing","priority":10}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Route {
    /// To a bot.
    Bot {
        /// The bot.
        bot: BotId,
    },
    /// To a human queue.
    Queue {
        /// The queue.
        queue: QueueId,
        /// Priority in it: the highest any matching rule gave (0 if none).
        priority: i32,
    },
    /// Nowhere: the message is dropped.
    Drop,
}

/// The outcome of routing one message.
///
/// Rules run in order; the first matching rule that routes decides
/// ([`rule`](Decision::rule)), and matching non-routing rules before it add
/// their tags, priority, reply and attributes. When no rule routes, the
/// `[defaults]` route applies and `rule` is `None`.
///
/// How actions combine: tags accumulate without duplicates; the highest
/// priority wins; a later reply template replaces an earlier one; `set`
/// attributes from later rules override earlier ones; `opt_out` sticks once
/// any rule sets it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Decision {
    /// Where the message goes; `None` when no rule routes and no default is
    /// configured.
    pub route: Option<Route>,
    /// The rule that decided the route; `None` for the default.
    pub rule: Option<RuleId>,
    /// Every matching rule that took effect, in order (the decider last).
    pub matched: Vec<RuleId>,
    /// Tags to add to the conversation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A template to reply with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Whether to record the customer as opted out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub opt_out: bool,
    /// Contact attributes to set.
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub set: Attributes,
}

impl Decision {
    /// The queue, when the route is a queue.
    ///
    /// ```
    /// # use switchboard::router::Decision;
    /// assert_eq!(Decision::default().queue(), None);
    /// ```
    pub fn queue(&self) -> Option<&QueueId> {
        match &self.route {
            Some(Route::Queue { queue, .. }) => Some(queue),
            _ => None,
        }
    }

    /// The bot, when the route is a bot.
    pub fn bot(&self) -> Option<&BotId> {
        match &self.route {
            Some(Route::Bot { bot }) => Some(bot),
            _ => None,
        }
    }
}
