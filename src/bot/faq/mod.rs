//! [`FaqBot`]: a knowledge-base bot that answers from a set of articles.
//!
//! Each [`Article`] has an id, a title, the questions customers ask that it
//! answers, the answer, and tags. A customer's message is scored against
//! every article with [BM25] (the ranking function of most full-text search
//! engines, through the [`bm25`] crate), over tokens built for customer
//! messages in any script:
//!
//! - text is split into words by the Unicode word rules ([UAX #29]) and
//!   case-folded, so `ORDER`, `Order` and `order` are one word;
//! - English words lose their endings with the Snowball stemmer
//!   ([`rust_stemmers`]): `opening hours` finds `When do you open? Hours`;
//!   English stop words (`the`, `is`, `my` …, the NLTK list of the
//!   [`stop_words`] crate) and chat filler (`hi`, `please`, `I'd like` …)
//!   are dropped, and a contraction (`what's`, `I'd`) counts as its first
//!   word;
//! - Chinese and Japanese, written without spaces, are indexed as single
//!   characters *and* overlapping pairs of characters (bigrams, as search
//!   engines index CJK text without a dictionary): `订单在哪里` gives
//!   `订 单 在 哪 里 订单 单在 在哪 哪里`. Pairs carry the meaning; single
//!   characters let a one-character query match. Single characters on the
//!   NLTK Chinese stop-word list (`的`, `了`, `吗` …) are dropped.
//!
//! The title and questions count twice as much as the tags and answer:
//! customers phrase their messages like the questions, not like the
//! answers.
//!
//! # Confidence and fallback
//!
//! BM25 ranks; it does not say how sure the match is (its scores have no
//! upper bound). The *confidence* of a match is the share of the message's
//! information the article covers: the sum of the [inverse document
//! frequencies] of the message's tokens found in the article over the sum
//! for all its tokens (a token no article has weighs as much as one that
//! only one article has). It is
//! between 0 and 1: `1.0` when every word of the message is in the article,
//! lower as the message says more that the article does not.
//!
//! When the best match's confidence is at least the threshold (default
//! [`DEFAULT_THRESHOLD`]), the bot replies with the article's answer and
//! reports the intent `faq:<article id>` with that confidence. Below it,
//! the bot reports a *fallback* (no intent, no confidence) with a reply
//! asking the customer to rephrase, so the engine's escalation triggers
//! (`max_fallbacks`) hand the customer to a person after repeated misses.
//!
//! # Did you mean …?
//!
//! A fallback need not be a dead end. With [`FaqBot::max_choices`] set
//! (it is 0, off, by default; 3 is the most a WhatsApp message's reply
//! buttons hold), when some articles come close — confidence below the
//! threshold but at least the *choice threshold* (default
//! [`DEFAULT_CHOICE_THRESHOLD`]) — the fallback reply is
//! [`DEFAULT_CHOICES_REPLY`] with those articles as quick replies: the title shown, `faq:<article id>` the
//! payload. The engine renders them for the channel (native buttons on web
//! chat, WhatsApp or Messenger; a numbered list on SMS) and hands back the
//! customer's pick as [`BotRequest::choice`] — a tapped button, its title
//! typed back, or its number on SMS. A pick of `faq:<id>` is answered with
//! that article at confidence `1.0`, whatever the text says. The turn
//! that offers the choices is still a fallback: a customer who keeps
//! missing still reaches a person after `max_fallbacks`.
//!
//! # Suggestions for the agent
//!
//! Every turn carries the best matching articles (up to
//! [`FaqBot::max_suggestions`], default 3) as suggestions, `"<id>: <title>"`.
//! The engine keeps the latest ones and puts them in the handoff context of
//! the offer, so the agent who takes over sees which articles the bot
//! thought were close and can push one to the customer.
//!
//! [BM25]: https://en.wikipedia.org/wiki/Okapi_BM25
//! [UAX #29]: https://www.unicode.org/reports/tr29/
//! [inverse document frequencies]: https://en.wikipedia.org/wiki/Tf%E2%80%93idf

mod article;
mod tokens;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use bm25::{Embedder, EmbedderBuilder, ScoredDocument, Scorer};
use serde::Deserialize;

use article::check;
pub use article::{Article, FaqError, FaqMatch, MAX_FIELD};
use tokens::{Tokens, tokenize};

use super::{Bot, BotError, BotRequest};
use crate::engine::BotTurn;
use crate::model::{Content, Link, QuickReply, Suggestion};

/// The confidence below which [`FaqBot`] reports a fallback, unless set
/// with [`FaqBot::threshold`].
pub const DEFAULT_THRESHOLD: f64 = 0.6;

/// The lowest confidence at which a fallback turn offers an article as a
/// choice, unless set with [`FaqBot::set_choice_threshold`].
pub const DEFAULT_CHOICE_THRESHOLD: f64 = 0.25;

/// The reply of a fallback turn that offers choices, unless set with
/// [`FaqBot::choices_reply`].
pub const DEFAULT_CHOICES_REPLY: &str = "I am not sure I understood. Did you mean one of these?";

/// The prefix of the payload of an article offered as a choice:
/// `faq:<article id>`, the same as the intent its answer reports.
pub const CHOICE_PREFIX: &str = "faq:";

/// The reply of a fallback turn, unless set with [`FaqBot::fallback_reply`].
pub const DEFAULT_FALLBACK_REPLY: &str =
    "Sorry, I did not find an answer to that. Could you say it another way?";

/// A bot that answers from a knowledge base of [`Article`]s.
///
/// See the [module documentation](self) for how it matches and when it
/// falls back. It implements [`Bot`], so a
/// [`Driver`](crate::driver::Driver) can ask it; [`FaqBot::turn`] gives the
/// same answer synchronously for a host that drives the engine itself.
///
/// ```
/// use switchboard::bot::{Article, BotRequest, FaqBot};
/// use switchboard::handoff::BotContext;
/// use switchboard::{ChannelKind, ContactId};
///
/// let bot = FaqBot::new([
///     Article::new("hours", "Opening hours", "We are open 9:00–18:00, Monday to Friday.")
///         .question("When are you open?")
///         .question("营业时间"),
///     Article::new("track", "Where is my order?", "Track it at example.com/track.")
///         .question("Has my parcel shipped?")
///         .question("我的订单在哪里"),
/// ])
/// .unwrap();
///
/// let ask = |text: &str| {
///     let context = BotContext::new(ContactId::new("u1"), ChannelKind::WebChat);
///     bot.turn(&BotRequest::new("c1", "faq", 1, text, context))
/// };
/// let t = ask("when do you open?");
/// assert_eq!(t.reply_text(), Some("We are open 9:00–18:00, Monday to Friday."));
/// assert_eq!(t.intent.as_deref(), Some("faq:hours"));
///
/// let t = ask("订单在哪里？");
/// assert_eq!(t.intent.as_deref(), Some("faq:track"));
///
/// let t = ask("I want to book a table for four");
/// assert!(t.fallback && t.intent.is_none());
/// ```
pub struct FaqBot {
    articles: Vec<Article>,
    embedder: Embedder<u64, Tokens>,
    scorer: Scorer<usize, u64>,
    /// Each article's distinct tokens.
    tokens: Vec<HashSet<String>>,
    /// How many articles have each token.
    df: HashMap<String, usize>,
    threshold: f64,
    max_suggestions: usize,
    fallback_reply: String,
    choice_threshold: f64,
    max_choices: usize,
    choices_reply: String,
}

impl fmt::Debug for FaqBot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaqBot")
            .field("articles", &self.articles.len())
            .field("threshold", &self.threshold)
            .field("max_suggestions", &self.max_suggestions)
            .field("choice_threshold", &self.choice_threshold)
            .field("max_choices", &self.max_choices)
            .finish_non_exhaustive()
    }
}

impl FaqBot {
    /// Indexes `articles`.
    ///
    /// # Errors
    ///
    /// [`FaqError`] when there are no articles, two share an id, an id or
    /// answer is empty, a field is longer than [`MAX_FIELD`], or an article
    /// has no searchable word in its title and questions.
    ///
    /// ```
    /// use switchboard::bot::{Article, FaqBot, FaqError};
    ///
    /// assert_eq!(FaqBot::new([]).unwrap_err(), FaqError::Empty);
    /// let blank = Article::new("x", "the", "an answer");
    /// assert_eq!(FaqBot::new([blank]).unwrap_err(), FaqError::NothingToMatch("x".into()));
    /// ```
    pub fn new(articles: impl IntoIterator<Item = Article>) -> Result<FaqBot, FaqError> {
        let articles: Vec<Article> = articles.into_iter().collect();
        if articles.is_empty() {
            return Err(FaqError::Empty);
        }
        let mut ids = HashSet::new();
        for (i, a) in articles.iter().enumerate() {
            check(a)?;
            if a.id.trim().is_empty() {
                return Err(FaqError::EmptyId(i + 1));
            }
            if !ids.insert(a.id.as_str()) {
                return Err(FaqError::DuplicateId(a.id.clone()));
            }
            if a.answer.trim().is_empty() {
                return Err(FaqError::EmptyAnswer(a.id.clone()));
            }
            let searchable = std::iter::once(&a.title)
                .chain(&a.questions)
                .any(|s| !tokenize(s).is_empty());
            if !searchable {
                return Err(FaqError::NothingToMatch(a.id.clone()));
            }
        }
        let texts: Vec<String> = articles.iter().map(Article::indexed_text).collect();
        let corpus: Vec<&str> = texts.iter().map(String::as_str).collect();
        let embedder: Embedder<u64, Tokens> =
            EmbedderBuilder::with_tokenizer_and_fit_to_corpus(Tokens, &corpus).build();
        let mut scorer = Scorer::new();
        let mut tokens = Vec::with_capacity(texts.len());
        let mut df: HashMap<String, usize> = HashMap::new();
        for (i, text) in texts.iter().enumerate() {
            scorer.upsert(&i, embedder.embed(text));
            let set: HashSet<String> = tokenize(text).into_iter().collect();
            for t in &set {
                *df.entry(t.clone()).or_default() += 1;
            }
            tokens.push(set);
        }
        Ok(FaqBot {
            articles,
            embedder,
            scorer,
            tokens,
            df,
            threshold: DEFAULT_THRESHOLD,
            max_suggestions: 3,
            fallback_reply: DEFAULT_FALLBACK_REPLY.to_owned(),
            choice_threshold: DEFAULT_CHOICE_THRESHOLD,
            max_choices: 0,
            choices_reply: DEFAULT_CHOICES_REPLY.to_owned(),
        })
    }

    /// Reads articles from TOML, an array of tables `[[articles]]` with the
    /// fields of [`Article`], and indexes them.
    ///
    /// # Errors
    ///
    /// [`FaqError::Parse`] with the line and column when the TOML does not
    /// parse or a field is missing; otherwise as [`FaqBot::new`].
    ///
    /// ```
    /// use switchboard::bot::FaqBot;
    ///
    /// let bot = FaqBot::from_toml_str(r#"
    ///     [[articles]]
    ///     id = "hours"
    ///     title = "Opening hours"
    ///     questions = ["When are you open?"]
    ///     answer = "9:00 to 18:00, Monday to Friday."
    /// "#).unwrap();
    /// assert_eq!(bot.len(), 1);
    ///
    /// let err = FaqBot::from_toml_str("[[articles]]\nid = \"x\"").unwrap_err();
    /// assert!(err.to_string().contains("missing field `title`"));
    /// ```
    pub fn from_toml_str(text: &str) -> Result<FaqBot, FaqError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            articles: Vec<Article>,
        }
        let file: File = toml::from_str(text).map_err(|e| FaqError::Parse(e.to_string()))?;
        FaqBot::new(file.articles)
    }

    /// Sets the confidence below which the bot falls back (default
    /// [`DEFAULT_THRESHOLD`]). `0.0` answers whenever any article matches
    /// at all.
    ///
    /// # Errors
    ///
    /// [`FaqError::Threshold`] when `threshold` is not between 0 and 1
    /// (or is NaN); the bot is unchanged.
    ///
    /// ```
    /// use switchboard::bot::{Article, FaqBot, FaqError};
    ///
    /// let mut bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// bot.set_threshold(0.8).unwrap();
    /// assert_eq!(bot.threshold(), 0.8);
    /// assert_eq!(bot.set_threshold(1.5), Err(FaqError::Threshold(1.5)));
    /// assert_eq!(bot.threshold(), 0.8);
    /// ```
    pub fn set_threshold(&mut self, threshold: f64) -> Result<(), FaqError> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(FaqError::Threshold(threshold));
        }
        self.threshold = threshold;
        Ok(())
    }

    /// The confidence below which the bot falls back.
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot, DEFAULT_THRESHOLD};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert_eq!(bot.threshold(), DEFAULT_THRESHOLD);
    /// ```
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Sets how many articles each turn suggests to the agent (default 3;
    /// 0 suggests none).
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")])
    ///     .unwrap()
    ///     .max_suggestions(5);
    /// assert_eq!(bot.suggestions_per_turn(), 5);
    /// ```
    pub fn max_suggestions(mut self, n: usize) -> FaqBot {
        self.max_suggestions = n;
        self
    }

    /// How many articles each turn suggests to the agent.
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert_eq!(bot.suggestions_per_turn(), 3);
    /// ```
    pub fn suggestions_per_turn(&self) -> usize {
        self.max_suggestions
    }

    /// Sets the reply of a fallback turn (default
    /// [`DEFAULT_FALLBACK_REPLY`]); an empty text sends no reply.
    ///
    /// ```
    /// use switchboard::bot::{Article, BotRequest, FaqBot};
    /// use switchboard::handoff::BotContext;
    /// use switchboard::{ChannelKind, ContactId};
    ///
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")])
    ///     .unwrap()
    ///     .fallback_reply("Hmm, I don't know that one.");
    /// let context = BotContext::new(ContactId::new("u1"), ChannelKind::WebChat);
    /// let t = bot.turn(&BotRequest::new("c1", "faq", 1, "book a table", context));
    /// assert_eq!(t.reply_text(), Some("Hmm, I don't know that one."));
    /// ```
    pub fn fallback_reply(mut self, text: impl Into<String>) -> FaqBot {
        self.fallback_reply = text.into();
        self
    }

    /// Sets how many close articles a fallback turn offers as choices
    /// ("did you mean …?", see the [module documentation](self)). The
    /// default, 0, offers none: every fallback sends the
    /// [fallback reply](FaqBot::fallback_reply) alone.
    ///
    /// ```
    /// use switchboard::bot::{Article, BotRequest, FaqBot};
    /// use switchboard::handoff::BotContext;
    /// use switchboard::{ChannelKind, ContactId};
    ///
    /// let bot = FaqBot::new([
    ///     Article::new("returns", "Returns and refunds", "Free within 30 days.").question("How do I get a refund?"),
    ///     Article::new("payment", "Payment methods", "Visa and PayPal.").question("Which cards do you accept?"),
    /// ])
    /// .unwrap()
    /// .max_choices(3);
    /// let ask = |bot: &FaqBot, text: &str| {
    ///     let context = BotContext::new(ContactId::new("u1"), ChannelKind::WebChat);
    ///     bot.turn(&BotRequest::new("c1", "faq", 1, text, context))
    /// };
    /// let t = ask(&bot, "a refund to my card");
    /// assert!(t.fallback);
    /// let titles: Vec<&str> = t.reply.as_ref().unwrap().quick_replies.iter().map(|q| q.title.as_str()).collect();
    /// assert_eq!(titles, ["Returns and refunds", "Payment methods"]);
    ///
    /// let t = ask(&bot.max_choices(0), "a refund to my card");
    /// assert!(t.fallback && t.reply.unwrap().quick_replies.is_empty());
    /// ```
    pub fn max_choices(mut self, n: usize) -> FaqBot {
        self.max_choices = n;
        self
    }

    /// Sets the lowest confidence at which a fallback turn offers an
    /// article as a choice (default [`DEFAULT_CHOICE_THRESHOLD`]). Set it
    /// to the [threshold](FaqBot::set_threshold) or above to offer none.
    ///
    /// # Errors
    ///
    /// [`FaqError::Threshold`] when it is not between 0 and 1 (or is NaN);
    /// the bot is unchanged.
    ///
    /// ```
    /// use switchboard::bot::{Article, FaqBot, FaqError, DEFAULT_CHOICE_THRESHOLD};
    ///
    /// let mut bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert_eq!(bot.choice_threshold(), DEFAULT_CHOICE_THRESHOLD);
    /// bot.set_choice_threshold(0.4).unwrap();
    /// assert_eq!(bot.set_choice_threshold(-1.0), Err(FaqError::Threshold(-1.0)));
    /// assert_eq!(bot.choice_threshold(), 0.4);
    /// ```
    pub fn set_choice_threshold(&mut self, threshold: f64) -> Result<(), FaqError> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(FaqError::Threshold(threshold));
        }
        self.choice_threshold = threshold;
        Ok(())
    }

    /// The lowest confidence at which a fallback turn offers an article as
    /// a choice.
    pub fn choice_threshold(&self) -> f64 {
        self.choice_threshold
    }

    /// Sets the text of a fallback turn that offers choices (default
    /// [`DEFAULT_CHOICES_REPLY`]); an empty text sends the
    /// [fallback reply](FaqBot::fallback_reply) with the choices.
    pub fn choices_reply(mut self, text: impl Into<String>) -> FaqBot {
        self.choices_reply = text.into();
        self
    }

    /// How many articles the bot knows.
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert_eq!(bot.len(), 1);
    /// assert!(!bot.is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// Whether the bot knows no articles (never true: [`FaqBot::new`]
    /// refuses an empty set).
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert!(!bot.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The article with id `id`.
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert_eq!(bot.article("hours").unwrap().answer, "9 to 6");
    /// assert!(bot.article("nope").is_none());
    /// ```
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// Every article that shares a token with `text`, best first (by BM25
    /// score; ties by the order the articles were given).
    ///
    /// ```
    /// use switchboard::bot::{Article, FaqBot};
    ///
    /// let bot = FaqBot::new([
    ///     Article::new("hours", "Opening hours", "9 to 6").question("When are you open?"),
    ///     Article::new("holidays", "Holiday opening hours", "Closed on public holidays"),
    ///     Article::new("returns", "Returns", "Free within 30 days"),
    /// ])
    /// .unwrap();
    /// let ids: Vec<String> = bot.search("opening hours on holidays").into_iter().map(|m| m.id).collect();
    /// assert_eq!(ids, ["holidays", "hours"]);
    /// ```
    pub fn search(&self, text: &str) -> Vec<FaqMatch> {
        self.top(text, usize::MAX)
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    /// The `limit` best matches for `text`, best first, with their
    /// articles' indices. Only those are ranked in full and given a
    /// confidence: a common word can match thousands of articles.
    fn top(&self, text: &str, limit: usize) -> Vec<(usize, FaqMatch)> {
        let query = tokenize(text);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let embedding = self.embedder.embed(text);
        let mut found = self.scorer.matches(&embedding);
        let order = |a: &ScoredDocument<usize>, b: &ScoredDocument<usize>| {
            b.score.total_cmp(&a.score).then(a.id.cmp(&b.id))
        };
        if limit < found.len() {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_by(order);
        // Ordered, so that the confidence sums in the same order every
        // time: the same message gives the same turn, bit for bit.
        let distinct: BTreeSet<&str> = query.iter().map(String::as_str).collect();
        found
            .into_iter()
            .filter_map(|m| {
                let a = self.articles.get(m.id)?;
                let found = FaqMatch {
                    id: a.id.clone(),
                    title: a.title.clone(),
                    score: f64::from(m.score),
                    confidence: self.confidence(&distinct, m.id),
                };
                Some((m.id, found))
            })
            .collect()
    }

    /// The best match for `text`, whatever its confidence.
    ///
    /// ```
    /// # use switchboard::bot::{Article, FaqBot};
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// assert_eq!(bot.best("hours?").unwrap().id, "hours");
    /// assert!(bot.best("refund").is_none());
    /// ```
    pub fn best(&self, text: &str) -> Option<FaqMatch> {
        self.top(text, 1).into_iter().next().map(|(_, m)| m)
    }

    /// The turn for `ask`: the best article's answer when its confidence is
    /// at least the threshold, else a fallback; with suggestions for the
    /// agent either way. The turn is numbered as `ask`.
    ///
    /// ```
    /// use switchboard::bot::{Article, BotRequest, FaqBot};
    /// use switchboard::handoff::BotContext;
    /// use switchboard::{ChannelKind, ContactId};
    ///
    /// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
    /// let context = BotContext::new(ContactId::new("u1"), ChannelKind::Sms);
    /// let t = bot.turn(&BotRequest::new("c1", "faq", 7, "opening hours?", context));
    /// assert_eq!(t.turn, Some(7));
    /// assert_eq!(t.suggestions[0].title, "hours: Opening hours");
    /// assert_eq!(t.suggestions[0].text.as_deref(), Some("9 to 6"));
    /// ```
    pub fn turn(&self, ask: &BotRequest) -> BotTurn {
        if let Some(i) = self.picked(ask) {
            let a = &self.articles[i];
            return ask
                .turn()
                .reply(self.answer(a))
                .intent(format!("{CHOICE_PREFIX}{}", a.id), 1.0);
        }
        let found = self.top(&ask.text, self.max_suggestions.max(self.max_choices).max(1));
        // Each suggestion carries the article's answer and link, so that
        // the agent can send it on to the customer as it is.
        let suggestions: Vec<Suggestion> = found
            .iter()
            .take(self.max_suggestions)
            .map(|(i, m)| {
                let mut s = Suggestion::new(m.to_string());
                if let Some(a) = self.articles.get(*i) {
                    s = s.with_text(a.answer.clone());
                    if let Some(url) = &a.url {
                        s = s.with_url(url.clone());
                    }
                }
                s
            })
            .collect();
        let mut turn = ask.turn().suggest(suggestions);
        match found.first() {
            Some((i, m)) if m.confidence >= self.threshold => {
                if let Some(a) = self.articles.get(*i) {
                    turn = turn
                        .reply(self.answer(a))
                        .intent(format!("{CHOICE_PREFIX}{}", a.id), m.confidence);
                }
            }
            _ => {
                turn = turn.fallback();
                let choices: Vec<QuickReply> = found
                    .iter()
                    .filter(|(_, m)| m.confidence >= self.choice_threshold)
                    .take(self.max_choices)
                    .map(|(_, m)| {
                        QuickReply::new(m.title.clone(), format!("{CHOICE_PREFIX}{}", m.id))
                    })
                    .collect();
                let text = if choices.is_empty() || self.choices_reply.is_empty() {
                    &self.fallback_reply
                } else {
                    &self.choices_reply
                };
                if !text.is_empty() || !choices.is_empty() {
                    turn = turn.reply(Content::text(text.clone()).with_quick_replies(choices));
                }
            }
        }
        turn
    }

    /// The article the customer picked from the choices of an earlier
    /// turn, if the pick names one.
    fn picked(&self, ask: &BotRequest) -> Option<usize> {
        let id = ask.choice.as_ref()?.payload.strip_prefix(CHOICE_PREFIX)?;
        self.articles.iter().position(|a| a.id == id)
    }

    /// An article's answer, with its link when it has one.
    fn answer(&self, a: &Article) -> Content {
        let content = Content::text(a.answer.clone());
        match &a.url {
            Some(url) => content.with_link(Link::new(url.clone()).with_title(a.title.clone())),
            None => content,
        }
    }

    /// The inverse document frequency of `token`, as BM25 weighs it. A
    /// token no article has weighs as much as one only one article has.
    fn idf(&self, token: &str) -> f64 {
        let n = self.articles.len() as f64;
        let df = self.df.get(token).copied().unwrap_or(1).max(1) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn confidence(&self, query: &BTreeSet<&str>, article: usize) -> f64 {
        let Some(tokens) = self.tokens.get(article) else {
            return 0.0;
        };
        let (mut found, mut total) = (0.0, 0.0);
        for t in query {
            let w = self.idf(t);
            total += w;
            if tokens.contains(*t) {
                found += w;
            }
        }
        if total > 0.0 { found / total } else { 0.0 }
    }
}

#[async_trait::async_trait]
impl Bot for FaqBot {
    async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
        Ok(self.turn(ask))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_one_when_the_article_has_every_word() {
        let bot = FaqBot::new([
            Article::new("a", "Opening hours", "9 to 6"),
            Article::new("b", "Returns", "30 days"),
        ])
        .unwrap();
        let m = bot.best("opening hours").unwrap();
        assert!((m.confidence - 1.0).abs() < 1e-12, "{m:?}");
        let m = bot.best("opening hours for returns").unwrap();
        assert!(m.confidence > 0.3 && m.confidence < 0.8, "{m:?}");
    }
}
