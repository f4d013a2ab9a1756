//! A bot's answer: the `bot_turn` input.

use serde::{Deserialize, Serialize};

use crate::model::{Attributes, Content, ConversationId, Suggestion, Value};

/// A bot's answer: the `bot_turn` input.
///
/// ```json
/// {"type": "bot_turn", "conversation": "c1", "turn": 1, "reply": "Your order shipped.",
///  "intent": "order_status", "confidence": 0.92}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BotTurn {
    /// The conversation.
    pub conversation: ConversationId,
    /// The turn of the [`AskBot`](super::Action::AskBot) answered. An
    /// answer to an earlier turn is ignored; without it, the turn is taken
    /// to answer the latest question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<u64>,
    /// What the bot says to the customer: text, buttons, media, a
    /// location, a link. On the wire a plain text, or a [`Content`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::text_or_content::option::deserialize"
    )]
    pub reply: Option<Content>,
    /// The intent recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// Confidence in the intent, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Slots filled (order number, date …); merged into the conversation's.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub slots: Attributes,
    /// Whether the bot did not understand.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fallback: bool,
    /// The bot asks for a person, with its reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<String>,
    /// The customer's question is answered: the conversation closes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resolved: bool,
    /// A sentiment score from -1 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f64>,
    /// The bot failed: the conversation escalates (fail open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Articles or answers to suggest to the agent on handoff; the agent
    /// may send one on to the customer
    /// ([`Input::SendSuggestion`](super::Input::SendSuggestion)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

impl BotTurn {
    /// An empty turn for `conversation`. Answering an
    /// [`AskBot`](super::Action::AskBot), start from
    /// [`ask.turn()`](crate::bot::BotRequest::turn) instead: it fills in
    /// the conversation and the turn.
    ///
    /// ```
    /// use switchboard::engine::BotTurn;
    ///
    /// let t = BotTurn::new("c1").reply("Opening hours are 9 to 5.").intent("hours", 0.95);
    /// assert_eq!(t.confidence, Some(0.95));
    /// ```
    pub fn new(conversation: impl Into<ConversationId>) -> BotTurn {
        BotTurn {
            conversation: conversation.into(),
            turn: None,
            reply: None,
            intent: None,
            confidence: None,
            slots: Attributes::new(),
            fallback: false,
            handoff: None,
            resolved: false,
            sentiment: None,
            error: None,
            suggestions: Vec::new(),
        }
    }

    /// Sets the reply: a text, or any [`Content`].
    ///
    /// ```
    /// use switchboard::engine::BotTurn;
    /// use switchboard::{Content, QuickReply};
    ///
    /// let t = BotTurn::new("c1").reply(
    ///     Content::text("Which order?").with_quick_replies([QuickReply::new("#1042", "1042")]),
    /// );
    /// assert_eq!(t.reply.unwrap().quick_replies.len(), 1);
    /// ```
    pub fn reply(mut self, reply: impl Into<Content>) -> BotTurn {
        self.reply = Some(reply.into());
        self
    }

    /// Sets the intent and confidence.
    pub fn intent(mut self, intent: impl Into<String>, confidence: f64) -> BotTurn {
        self.intent = Some(intent.into());
        self.confidence = Some(confidence);
        self
    }

    /// The reply's text, when there is a reply.
    ///
    /// ```
    /// use switchboard::engine::BotTurn;
    /// assert_eq!(BotTurn::new("c1").reply("Hi!").reply_text(), Some("Hi!"));
    /// assert_eq!(BotTurn::new("c1").reply_text(), None);
    /// ```
    pub fn reply_text(&self) -> Option<&str> {
        self.reply.as_ref().map(|c| c.text.as_str())
    }

    /// The titles of the suggestions, in order.
    pub fn suggestion_titles(&self) -> Vec<&str> {
        self.suggestions.iter().map(|s| s.title.as_str()).collect()
    }

    /// Marks the turn a fallback (the bot did not understand).
    pub fn fallback(mut self) -> BotTurn {
        self.fallback = true;
        self
    }

    /// Asks for a handoff, with a reason.
    pub fn handoff(mut self, reason: impl Into<String>) -> BotTurn {
        self.handoff = Some(reason.into());
        self
    }

    /// Marks the question resolved.
    pub fn resolved(mut self) -> BotTurn {
        self.resolved = true;
        self
    }

    /// Reports a bot error.
    pub fn error(mut self, error: impl Into<String>) -> BotTurn {
        self.error = Some(error.into());
        self
    }

    /// Sets the turn answered.
    pub fn turn(mut self, turn: u64) -> BotTurn {
        self.turn = Some(turn);
        self
    }

    /// Sets the sentiment score, -1 to 1.
    pub fn sentiment(mut self, score: f64) -> BotTurn {
        self.sentiment = Some(score);
        self
    }

    /// Fills a slot (order number, date …).
    ///
    /// ```
    /// use switchboard::engine::BotTurn;
    /// let t = BotTurn::new("c1").slot("order", "A-1042");
    /// assert_eq!(t.slots.get("order"), Some(&"A-1042".into()));
    /// ```
    pub fn slot(mut self, name: impl Into<String>, value: impl Into<Value>) -> BotTurn {
        self.slots.insert(name.into(), value.into());
        self
    }

    /// Adds articles or answers to suggest to the agent on handoff.
    ///
    /// ```
    /// use switchboard::engine::BotTurn;
    /// let t = BotTurn::new("c1").fallback().suggest(["Returns policy", "Shipping times"]);
    /// assert_eq!(t.suggestions.len(), 2);
    /// ```
    pub fn suggest<S: Into<Suggestion>>(mut self, items: impl IntoIterator<Item = S>) -> BotTurn {
        self.suggestions.extend(items.into_iter().map(Into::into));
        self
    }
}
