//! The articles of a knowledge base, the errors that refuse them, and
//! the matches a search finds.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest id, title, question, tag or answer an article may have, in
/// bytes. Longer ones are refused with [`FaqError::TooLong`].
pub const MAX_FIELD: usize = 16 * 1024;

/// One entry of the knowledge base.
///
/// Articles are built in code or read from TOML or JSON (see
/// [`FaqBot::from_toml_str`](super::FaqBot::from_toml_str)); `questions` and `tags` may be left out, and
/// an unknown field (a typo such as `question`) is an error.
///
/// ```
/// use switchboard::bot::Article;
///
/// let a = Article::new("hours", "Opening hours", "We are open 9:00–18:00, Monday to Friday.")
///     .question("When are you open?")
///     .question("营业时间是几点？")
///     .tag("store");
/// assert_eq!(a.questions.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Article {
    /// A stable id, unique in the set; it names the intent (`faq:<id>`).
    pub id: String,
    /// The title, as an agent would search for it.
    pub title: String,
    /// Ways customers ask the question the article answers.
    #[serde(default)]
    pub questions: Vec<String>,
    /// The answer sent to the customer.
    pub answer: String,
    /// Free-form tags, searched like the answer.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where to read the whole article: a link (titled with the article's
    /// title) sent with the answer, by the bot and when an agent sends the
    /// suggestion on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Article {
    /// An article with an id, a title and an answer, and no questions or
    /// tags yet.
    ///
    /// ```
    /// let a = switchboard::bot::Article::new("returns", "Returns", "Returns are free within 30 days.");
    /// assert!(a.questions.is_empty());
    /// ```
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        answer: impl Into<String>,
    ) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            questions: Vec::new(),
            answer: answer.into(),
            tags: Vec::new(),
            url: None,
        }
    }

    /// Sets where to read the whole article.
    ///
    /// ```
    /// let a = switchboard::bot::Article::new("returns", "Returns", "Free within 30 days.")
    ///     .with_url("https://help.example.com/returns");
    /// assert_eq!(a.url.as_deref(), Some("https://help.example.com/returns"));
    /// ```
    pub fn with_url(mut self, url: impl Into<String>) -> Article {
        self.url = Some(url.into());
        self
    }

    /// Adds a way customers ask the question.
    ///
    /// ```
    /// let a = switchboard::bot::Article::new("returns", "Returns", "Free within 30 days.")
    ///     .question("Can I send it back?");
    /// assert_eq!(a.questions, ["Can I send it back?"]);
    /// ```
    pub fn question(mut self, question: impl Into<String>) -> Article {
        self.questions.push(question.into());
        self
    }

    /// Adds a tag.
    ///
    /// ```
    /// let a = switchboard::bot::Article::new("returns", "Returns", "Free within 30 days.").tag("refund");
    /// assert_eq!(a.tags, ["refund"]);
    /// ```
    pub fn tag(mut self, tag: impl Into<String>) -> Article {
        self.tags.push(tag.into());
        self
    }

    /// The text indexed for the article: title and questions twice, tags
    /// and answer once.
    pub(super) fn indexed_text(&self) -> String {
        let mut s = String::new();
        for _ in 0..2 {
            s.push_str(&self.title);
            s.push('\n');
            for q in &self.questions {
                s.push_str(q);
                s.push('\n');
            }
        }
        for t in &self.tags {
            s.push_str(t);
            s.push('\n');
        }
        s.push_str(&self.answer);
        s
    }
}

/// Why a set of articles or a setting was refused.
///
/// ```
/// use switchboard::bot::{Article, FaqBot, FaqError};
///
/// let twice = [
///     Article::new("hours", "Opening hours", "9 to 6"),
///     Article::new("hours", "Hours", "9 to 6"),
/// ];
/// assert_eq!(FaqBot::new(twice).unwrap_err(), FaqError::DuplicateId("hours".into()));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FaqError {
    /// No articles were given.
    #[error("the knowledge base has no articles: give at least one")]
    Empty,
    /// Two articles share an id.
    #[error("two articles have the id `{0}`: article ids must be unique")]
    DuplicateId(String),
    /// An article has an empty (or blank) id.
    #[error("article {0} (counting from 1) has an empty id: give it a stable, unique id")]
    EmptyId(usize),
    /// An article has an empty answer.
    #[error("article `{0}` has an empty answer: the bot would have nothing to send")]
    EmptyAnswer(String),
    /// Neither the title nor any question of an article has a searchable
    /// word.
    #[error(
        "article `{0}` has no searchable words in its title or questions: \
         add a question the way customers ask it"
    )]
    NothingToMatch(String),
    /// A field of an article is longer than [`MAX_FIELD`].
    #[error("article `{id}` has a {field} of {len} bytes; the limit is {max}")]
    TooLong {
        /// The article's id.
        id: String,
        /// Which field: `id`, `title`, `question`, `tag` or `answer`.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// [`MAX_FIELD`].
        max: usize,
    },
    /// The threshold is not a number between 0 and 1.
    #[error("the threshold {0} is not between 0 and 1")]
    Threshold(f64),
    /// The articles file does not parse.
    #[error("the articles do not parse: {0}")]
    Parse(String),
}

/// An article that matches a message, with how well.
///
/// ```
/// use switchboard::bot::{Article, FaqBot};
///
/// let bot = FaqBot::new([Article::new("hours", "Opening hours", "9 to 6")]).unwrap();
/// let m = bot.best("what are your opening hours").unwrap();
/// assert_eq!(m.id, "hours");
/// assert!(m.confidence > 0.9 && m.score > 0.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FaqMatch {
    /// The article's id.
    pub id: String,
    /// The article's title.
    pub title: String,
    /// The BM25 relevance score (unbounded, larger is better); matches are
    /// ranked by it.
    pub score: f64,
    /// The share of the message the article covers, 0 to 1 (see the
    /// [module documentation](super)).
    pub confidence: f64,
}

impl fmt::Display for FaqMatch {
    /// `"<id>: <title>"`, the form used for suggestions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id, self.title)
    }
}

pub(super) fn check(a: &Article) -> Result<(), FaqError> {
    let fields = [("id", &a.id), ("title", &a.title), ("answer", &a.answer)]
        .into_iter()
        .chain(a.questions.iter().map(|q| ("question", q)))
        .chain(a.tags.iter().map(|t| ("tag", t)));
    for (field, s) in fields {
        if s.len() > MAX_FIELD {
            return Err(FaqError::TooLong {
                id: a.id.chars().take(64).collect(),
                field,
                len: s.len(),
                max: MAX_FIELD,
            });
        }
    }
    Ok(())
}
