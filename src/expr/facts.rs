//! The facts an expression is evaluated against.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::invite::{QueueFacts, VisitFacts};
use crate::model::{AgentId, Attachment, Attributes, ChannelKind, QueueId, Timestamp};
use crate::symbols::Symbols;

/// What a rule, a queue's eligibility or an escalation trigger can see about
/// one message and its conversation.
///
/// Build it with [`Facts::new`] and the `with_*` methods; everything not
/// given is *missing*, and a comparison with a missing value is false (never
/// an error).
///
/// | name in expressions | field |
/// |---|---|
/// | `channel` | [`channel`](Facts::channel) (wire name: `'sms'`, `'whatsapp'`, …) |
/// | `text`, `lang` | [`text`](Facts::text), [`lang`](Facts::lang) |
/// | `attachments` | kinds of [`attachments`](Facts::attachments): `'image'`, `'audio'`, `'video'`, `'file'`, `'location'` |
/// | `contact.<name>` | [`contact`](Facts::contact) attributes |
/// | `conversation.*` | [`conversation`](Facts::conversation) |
/// | `bot.*` | [`bot`](Facts::bot) |
/// | `sentiment` | [`sentiment`](Facts::sentiment), −1 (negative) to 1 |
/// | `hours.<calendar>`, `hour`, `weekday` | computed from [`now`](Facts::now) |
/// | `agent.*` (queue eligibility only) | [`agent`](Facts::agent) |
/// | `visit.*` (invitations only) | [`visit`](Facts::visit) |
/// | `queue.ready`, `queue.wait` (invitations only) | [`queue`](Facts::queue) |
///
/// # Examples
///
/// ```
/// use switchboard::{Attributes, ChannelKind, Timestamp, Value};
/// use switchboard::expr::Facts;
///
/// let mut contact = Attributes::new();
/// contact.insert("tier".into(), Value::from("vip"));
/// let sms = ChannelKind::Sms;
/// let facts = Facts::new(Timestamp::from_millis(0))
///     .with_channel(&sms)
///     .with_text("I want a refund")
///     .with_contact(&contact);
/// assert_eq!(facts.text, "I want a refund");
/// assert!(facts.conversation.new);
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Facts<'a> {
    /// The time of the message; `hours.*`, `hour` and `weekday` derive from
    /// it.
    pub now: Timestamp,
    /// The channel the message came on.
    pub channel: Option<&'a ChannelKind>,
    /// The message text (empty when there is none).
    pub text: &'a str,
    /// The message language (a BCP 47 tag such as `en` or `zh-Hans`), as
    /// the host or channel detected it.
    pub lang: Option<&'a str>,
    /// The message's attachments.
    pub attachments: &'a [Attachment],
    /// The contact's host attributes.
    pub contact: Option<&'a Attributes>,
    /// The conversation the message belongs to.
    pub conversation: ConversationFacts<'a>,
    /// The bot's last turn, when a bot is handling the conversation.
    pub bot: Option<BotFacts<'a>>,
    /// A sentiment score from −1 (very negative) to 1, supplied by the bot
    /// or the host.
    pub sentiment: Option<f64>,
    /// The agent being considered, in queue eligibility.
    pub agent: Option<AgentFacts<'a>>,
    /// The agent in the assigner's interned form; takes precedence over
    /// `agent`.
    pub(crate) interned_agent: Option<InternedAgent<'a>>,
    /// The visitor's page view, for an invitation's `when`.
    pub visit: Option<VisitFacts<'a>>,
    /// The invitation's queue, for an invitation's `when`.
    pub queue: Option<QueueFacts>,
}

impl<'a> Facts<'a> {
    /// Facts at time `now` for the first message of a new conversation,
    /// with no text and nothing else known.
    pub fn new(now: Timestamp) -> Self {
        Facts {
            now,
            channel: None,
            text: "",
            lang: None,
            attachments: &[],
            contact: None,
            conversation: ConversationFacts {
                new: true,
                messages: 1,
                ..ConversationFacts::default()
            },
            bot: None,
            sentiment: None,
            agent: None,
            interned_agent: None,
            visit: None,
            queue: None,
        }
    }

    /// Sets the channel.
    pub fn with_channel(mut self, channel: &'a ChannelKind) -> Self {
        self.channel = Some(channel);
        self
    }

    /// Sets the message text.
    pub fn with_text(mut self, text: &'a str) -> Self {
        self.text = text;
        self
    }

    /// Sets the message language.
    pub fn with_lang(mut self, lang: &'a str) -> Self {
        self.lang = Some(lang);
        self
    }

    /// Sets the attachments.
    pub fn with_attachments(mut self, attachments: &'a [Attachment]) -> Self {
        self.attachments = attachments;
        self
    }

    /// Sets the contact attributes.
    pub fn with_contact(mut self, contact: &'a Attributes) -> Self {
        self.contact = Some(contact);
        self
    }

    /// Sets the conversation facts.
    pub fn with_conversation(mut self, conversation: ConversationFacts<'a>) -> Self {
        self.conversation = conversation;
        self
    }

    /// Sets the bot's last turn.
    pub fn with_bot(mut self, bot: BotFacts<'a>) -> Self {
        self.bot = Some(bot);
        self
    }

    /// Sets the sentiment score.
    pub fn with_sentiment(mut self, score: f64) -> Self {
        self.sentiment = Some(score);
        self
    }

    /// Sets the agent, for queue eligibility.
    pub fn with_agent(mut self, agent: AgentFacts<'a>) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Sets the visitor's page view, for an invitation's `when`.
    pub fn with_visit(mut self, visit: VisitFacts<'a>) -> Self {
        self.visit = Some(visit);
        self
    }

    /// Sets the invitation's queue figures, for an invitation's `when`.
    pub fn with_queue(mut self, queue: QueueFacts) -> Self {
        self.queue = Some(queue);
        self
    }

    /// Sets the agent in the assigner's interned form.
    pub(crate) fn with_interned_agent(mut self, agent: InternedAgent<'a>) -> Self {
        self.interned_agent = Some(agent);
        self
    }
}

/// An agent whose skill, language and channel names are interned: the
/// assigner's compact form of [`AgentFacts`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct InternedAgent<'a> {
    pub(crate) id: &'a AgentId,
    /// `(skill, level)`, sorted by skill number.
    pub(crate) skills: &'a [(u32, u8)],
    pub(crate) languages: &'a [u32],
    pub(crate) channels: &'a [u32],
    pub(crate) attributes: Option<&'a Attributes>,
    pub(crate) symbols: &'a Symbols,
}

impl InternedAgent<'_> {
    /// The level of the skill named `name`.
    pub(crate) fn skill(&self, name: &str) -> Option<u8> {
        let n = self.symbols.get(name)?;
        let i = self.skills.binary_search_by_key(&n, |(s, _)| *s).ok()?;
        Some(self.skills[i].1)
    }
}

/// What expressions see as `conversation.*`.
///
/// ```
/// use switchboard::expr::ConversationFacts;
///
/// let tags = vec!["refund".to_string()];
/// let conv = ConversationFacts { messages: 3, tags: &tags, ..ConversationFacts::default() };
/// assert!(!conv.new);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ConversationFacts<'a> {
    /// `conversation.new`: this is the conversation's first message.
    pub new: bool,
    /// `conversation.tags`.
    pub tags: &'a [String],
    /// `conversation.messages`: customer messages so far, this one included.
    pub messages: u32,
    /// `conversation.queue`: the queue it waits in or was last routed to.
    pub queue: Option<&'a QueueId>,
    /// `conversation.reopened`: the customer came back after a close.
    pub reopened: bool,
    /// `conversation.lang`: the conversation's language.
    pub lang: Option<&'a str>,
    /// `conversation.channel`: the channel the customer last used.
    pub channel: Option<&'a ChannelKind>,
    /// `conversation.priority`: its priority in the queue.
    pub priority: Option<i32>,
    /// `conversation.waited`: seconds waited in the queue so far.
    pub waited: Option<Duration>,
    /// `conversation.origin`: who started it — `"customer"`,
    /// `"notification"` or `"invitation"` ([`Origin::name`](crate::Origin::name));
    /// unset reads as `"customer"`.
    pub origin: Option<&'a str>,
    /// `conversation.campaign`: the campaign of the notification it
    /// answers, or the invitation's id.
    pub campaign: Option<&'a str>,
}

/// What expressions see as `bot.*`: the bot's last turn.
///
/// ```
/// use switchboard::expr::BotFacts;
///
/// let turn = BotFacts { intent: Some("order_status"), confidence: Some(0.92), ..BotFacts::default() };
/// assert_eq!(turn.fallbacks, 0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BotFacts<'a> {
    /// `bot.intent`: the intent the bot recognized.
    pub intent: Option<&'a str>,
    /// `bot.confidence`: its confidence, 0 to 1.
    pub confidence: Option<f64>,
    /// `bot.fallbacks`: consecutive turns the bot did not understand.
    pub fallbacks: u32,
    /// `bot.handoff`: the bot asked to hand over to a human.
    pub handoff: bool,
}

/// What queue eligibility sees as `agent.*`.
///
/// ```
/// use std::collections::BTreeMap;
/// use switchboard::{AgentId, Attributes};
/// use switchboard::expr::AgentFacts;
///
/// let id = AgentId::new("ana");
/// let skills = BTreeMap::from([("billing".to_string(), 3u8)]);
/// let langs = vec!["en".to_string(), "es".to_string()];
/// let attrs = Attributes::new();
/// let agent = AgentFacts { id: &id, skills: &skills, languages: &langs, channels: &[], attributes: &attrs };
/// assert_eq!(agent.skills["billing"], 3);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct AgentFacts<'a> {
    /// `agent.id`.
    pub id: &'a AgentId,
    /// `agent.skills.<name>`: skill levels, 0–10. `agent.skills has 'x'`
    /// tests presence.
    pub skills: &'a BTreeMap<String, u8>,
    /// `agent.languages`.
    pub languages: &'a [String],
    /// `agent.channels`: channels the agent works.
    pub channels: &'a [ChannelKind],
    /// `agent.attributes.<name>`.
    pub attributes: &'a Attributes,
}
