//! Bots: the [`Bot`] trait a bot adapter implements, and [`FaqBot`], a
//! knowledge-base bot to start with.
//!
//! The engine asks a bot with an [`Action::AskBot`];
//! the [`Driver`](crate::driver::Driver) turns that into a [`BotRequest`],
//! awaits [`Bot::answer`] and feeds the [`BotTurn`] back as an
//! [`Input::BotTurn`](crate::engine::Input::BotTurn). A bot that returns an
//! error fails open: the driver reports the error in the turn and the
//! engine escalates to a person.
//!
//! Like `tower::Service`, the trait is small so that wrappers compose: a
//! bot that logs, one that tries an LLM and falls back to [`FaqBot`], one
//! that routes by language to other bots.

pub mod faq;

pub use faq::{
    Article, CHOICE_PREFIX, DEFAULT_CHOICE_THRESHOLD, DEFAULT_CHOICES_REPLY,
    DEFAULT_FALLBACK_REPLY, DEFAULT_THRESHOLD, FaqBot, FaqError, FaqMatch,
};

use crate::engine::{Action, BotTurn};
use crate::handoff::BotContext;
use crate::model::{BotId, Choice, ConversationId};

/// What a bot is asked: the customer's message and what it should know.
///
/// Built from an [`Action::AskBot`] with [`from_action`](Self::from_action).
///
/// ```
/// use switchboard::bot::BotRequest;
/// use switchboard::handoff::BotContext;
/// use switchboard::{ChannelKind, ContactId};
///
/// let ask = BotRequest::new("c1", "faq", 1, "When do you open?",
///     BotContext::new(ContactId::new("u1"), ChannelKind::WebChat));
/// assert_eq!(ask.text, "When do you open?");
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct BotRequest {
    /// The conversation.
    pub conversation: ConversationId,
    /// The bot asked.
    pub bot: BotId,
    /// The question's number in the conversation; the answer carries it.
    pub turn: u64,
    /// The customer's message.
    pub text: String,
    /// The contact, channel, language, intent and slots so far.
    pub context: BotContext,
    /// The button or quick reply the customer chose with the message (its
    /// payload), when they chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
}

impl BotRequest {
    /// A request to `bot` about `text` in `conversation`.
    pub fn new(
        conversation: impl Into<ConversationId>,
        bot: impl Into<BotId>,
        turn: u64,
        text: impl Into<String>,
        context: BotContext,
    ) -> BotRequest {
        BotRequest {
            conversation: conversation.into(),
            bot: bot.into(),
            turn,
            text: text.into(),
            context,
            choice: None,
        }
    }

    /// The same request, with the button or quick reply the customer
    /// chose (as the engine fills it from a tap, a title typed back or a
    /// number on SMS).
    ///
    /// ```
    /// use switchboard::bot::BotRequest;
    /// use switchboard::handoff::BotContext;
    /// use switchboard::{ChannelKind, Choice, ContactId};
    ///
    /// let context = BotContext::new(ContactId::new("u1"), ChannelKind::Sms);
    /// let ask = BotRequest::new("c1", "faq", 2, "2", context).with_choice(Choice::new("faq:payment"));
    /// assert_eq!(ask.choice.unwrap().payload, "faq:payment");
    /// ```
    pub fn with_choice(mut self, choice: Choice) -> BotRequest {
        self.choice = Some(choice);
        self
    }

    /// The request an [`Action::AskBot`] makes; `None` for other actions.
    ///
    /// ```
    /// use switchboard::bot::BotRequest;
    /// use switchboard::engine::Action;
    /// use switchboard::handoff::BotContext;
    /// use switchboard::{ChannelKind, ContactId};
    ///
    /// let ask = BotRequest::new("c1", "faq", 3, "hours?", BotContext::new(ContactId::new("u1"), ChannelKind::Sms));
    /// let action = Action::AskBot(Box::new(ask));
    /// assert_eq!(BotRequest::from_action(&action).unwrap().turn, 3);
    /// ```
    pub fn from_action(action: &Action) -> Option<BotRequest> {
        match action {
            Action::AskBot(req) => Some((**req).clone()),
            _ => None,
        }
    }

    /// An empty turn answering this request: the conversation and turn are
    /// filled in; add the reply, intent and the rest with
    /// [`BotTurn`]'s builders.
    ///
    /// ```
    /// # use switchboard::bot::BotRequest;
    /// # use switchboard::handoff::BotContext;
    /// # use switchboard::{ChannelKind, ContactId};
    /// let ask = BotRequest::new("c1", "faq", 2, "hi", BotContext::new(ContactId::new("u1"), ChannelKind::Sms));
    /// let turn = ask.turn().reply("Hello!");
    /// assert_eq!((turn.conversation.as_str(), turn.turn), ("c1", Some(2)));
    /// ```
    pub fn turn(&self) -> BotTurn {
        BotTurn::new(self.conversation.clone()).turn(self.turn)
    }
}

/// Why a bot could not answer. The driver reports it in the turn's
/// [`error`](BotTurn::error) and the engine escalates (fail open).
///
/// ```
/// use switchboard::bot::BotError;
/// let e = BotError::new("NLU service returned 503");
/// assert_eq!(e.to_string(), "the bot could not answer: NLU service returned 503");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the bot could not answer: {message}")]
pub struct BotError {
    /// What went wrong, for a person to read.
    pub message: String,
}

impl BotError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> BotError {
        BotError {
            message: message.into(),
        }
    }
}

/// Answers customers: the trait a bot adapter implements (an NLU service,
/// an LLM, a flow builder, or `FaqBot`).
///
/// The answer is a [`BotTurn`]: the reply, the intent and confidence, slots,
/// whether the bot fell back (did not understand), asks for a person, or
/// resolved the question. Start from [`BotRequest::turn`], which fills in
/// the conversation and turn; the driver overwrites both with the
/// request's anyway, so an answer always goes to the question asked.
///
/// # Examples
///
/// ```
/// use switchboard::bot::{Bot, BotError, BotRequest};
/// use switchboard::engine::BotTurn;
/// use switchboard::handoff::BotContext;
/// use switchboard::{ChannelKind, ContactId};
///
/// /// Answers opening-hours questions and nothing else.
/// struct Hours;
///
/// #[async_trait::async_trait]
/// impl Bot for Hours {
///     async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
///         Ok(if ask.text.to_lowercase().contains("open") {
///             ask.turn().reply("We are open 9 to 5, Monday to Friday.").intent("hours", 0.9)
///         } else {
///             ask.turn().fallback()
///         })
///     }
/// }
///
/// let ask = BotRequest::new("c1", "hours", 1, "When are you open?",
///     BotContext::new(ContactId::new("u1"), ChannelKind::WebChat));
/// let turn = pollster::block_on(Hours.answer(&ask))?;
/// assert_eq!(turn.intent.as_deref(), Some("hours"));
/// # Ok::<(), BotError>(())
/// ```
#[async_trait::async_trait]
pub trait Bot: Send + Sync {
    /// Answers the customer's message.
    ///
    /// # Errors
    ///
    /// A [`BotError`] when the bot cannot answer at all (its service is
    /// down); the conversation then escalates to a person. A question the
    /// bot does not understand is not an error: answer with a
    /// [`fallback`](BotTurn::fallback) turn.
    async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError>;
}

#[async_trait::async_trait]
impl<B: Bot + ?Sized> Bot for std::sync::Arc<B> {
    async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
        (**self).answer(ask).await
    }
}

#[async_trait::async_trait]
impl<B: Bot + ?Sized> Bot for Box<B> {
    async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
        (**self).answer(ask).await
    }
}
