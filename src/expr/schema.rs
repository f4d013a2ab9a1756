//! What names an expression may use in each context, and their types.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ast::Path;
use super::error::{ExprError, ExprErrorKind};
use super::span::Span;
use crate::model::Value;

/// Where an expression is used, which decides the names it can see.
///
/// ```
/// use switchboard::expr::{Context, Expr, Schema};
///
/// let e = Expr::parse("agent.skills.billing >= 2")?;
/// assert!(Schema::default().check(&e, Context::Eligibility).is_ok());
/// assert!(Schema::default().check(&e, Context::Route).is_err());
/// # Ok::<(), switchboard::expr::ExprError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Context {
    /// A routing rule's `when`: message, contact, conversation, bot and
    /// calendar facts.
    Route,
    /// An escalation trigger: the same facts as a routing rule, evaluated
    /// after each bot turn.
    Escalation,
    /// A queue's `eligible`: `agent.*`, `conversation.*`, `contact.*` and
    /// calendar facts (not the message: eligibility outlives it).
    Eligibility,
    /// A proactive invitation's `when` (`[[invitations]]`): the visitor's
    /// page view (`visit.*`), the invitation's queue (`queue.ready`,
    /// `queue.wait`), `channel` and calendar facts. No message,
    /// conversation or contact exists yet.
    Invitation,
}

impl Context {
    fn sees_message(self) -> bool {
        matches!(self, Context::Route | Context::Escalation)
    }

    /// `visit.*` and `queue.*`: an invitation's facts, and only its.
    fn sees_visit(self) -> bool {
        matches!(self, Context::Invitation)
    }

    fn sees_agent(self) -> bool {
        matches!(self, Context::Eligibility)
    }

    fn describe(self) -> &'static str {
        match self {
            Context::Route => "a routing rule",
            Context::Escalation => "an escalation trigger",
            Context::Eligibility => "queue eligibility",
            Context::Invitation => "an invitation",
        }
    }
}

/// The declared type of a host attribute.
///
/// ```
/// use switchboard::expr::AttrType;
/// let t: AttrType = serde_json::from_str("\"number\"")?;
/// assert_eq!(t, AttrType::Number);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttrType {
    /// Text.
    Text,
    /// A number.
    Number,
    /// `true` / `false`.
    Bool,
    /// A list of text.
    List,
}

impl AttrType {
    /// The type's name as written in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::Text => "text",
            AttrType::Number => "number",
            AttrType::Bool => "bool",
            AttrType::List => "list",
        }
    }

    /// Whether `value` is of this type: a finite number for `number`, a
    /// list of text for `list`.
    ///
    /// ```
    /// use switchboard::expr::AttrType;
    /// use switchboard::Value;
    ///
    /// assert!(AttrType::Number.admits(&Value::Number(3.0)));
    /// assert!(!AttrType::Number.admits(&Value::from("ten")));
    /// assert!(AttrType::List.admits(&Value::List(vec!["en".into()])));
    /// assert!(!AttrType::List.admits(&Value::List(vec![Value::Number(1.0)])));
    /// ```
    pub fn admits(self, value: &Value) -> bool {
        match (self, value) {
            (AttrType::Text, Value::Text(_)) | (AttrType::Bool, Value::Bool(_)) => true,
            (AttrType::Number, Value::Number(x)) => x.is_finite(),
            (AttrType::List, Value::List(l)) => l.iter().all(|v| matches!(v, Value::Text(_))),
            _ => false,
        }
    }

    pub(crate) fn ty(self) -> Type {
        match self {
            AttrType::Text => Type::Text,
            AttrType::Number => Type::Number,
            AttrType::Bool => Type::Bool,
            AttrType::List => Type::List,
        }
    }
}

/// The static type of an expression operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Type {
    Bool,
    Number,
    Text,
    /// A list of text (path lists) or of the literal's element type.
    List,
    /// `agent.skills`: skill name → level.
    Skills,
    /// An undeclared host attribute: anything.
    Any,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Bool => "bool",
            Type::Number => "number",
            Type::Text => "text",
            Type::List => "list",
            Type::Skills => "a skill map",
            Type::Any => "any",
        })
    }
}

/// A resolved name: what the evaluator reads. Resolved once, when the
/// expression is compiled.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Fact {
    Channel,
    Text,
    Lang,
    Attachments,
    Sentiment,
    Hour,
    Weekday,
    Contact(Box<str>),
    Hours(Box<str>),
    ConvNew,
    ConvTags,
    ConvMessages,
    ConvQueue,
    ConvReopened,
    ConvLang,
    ConvChannel,
    ConvPriority,
    ConvWaited,
    ConvOrigin,
    ConvCampaign,
    BotIntent,
    BotConfidence,
    BotFallbacks,
    BotHandoff,
    AgentId,
    AgentSkills,
    AgentSkill(Box<str>),
    AgentLanguages,
    AgentChannels,
    AgentAttr(Box<str>),
    VisitUrl,
    VisitTitle,
    VisitReferrer,
    VisitTimeOnPage,
    VisitPages,
    VisitVisits,
    VisitCartValue,
    VisitReturning,
    VisitLang,
    VisitCountry,
    VisitAttr(Box<str>),
    QueueReady,
    QueueWait,
}

/// The names and types an expression is checked against: the fixed facts
/// plus what the configuration declares (calendars, attribute types).
///
/// Contact attributes are open unless declared: with no declaration any
/// `contact.<name>` is accepted and typed at run time; once
/// [`contact`](Schema::contact) lists names, others are errors with a
/// suggestion. The same holds for `agent.attributes.<name>`.
///
/// # Examples
///
/// ```
/// use switchboard::expr::{AttrType, Context, Expr, Schema};
///
/// let schema = Schema::default().with_contact_attribute("tier", AttrType::Text);
/// let err = schema.check(&Expr::parse("contact.teir == 'vip'")?, Context::Route).unwrap_err();
/// assert_eq!(err[0].help(), Some("did you mean `contact.tier`?"));
///
/// // A declared type is checked.
/// let err = schema.check(&Expr::parse("contact.tier > 3")?, Context::Route).unwrap_err();
/// assert!(err[0].message().contains("numbers"));
/// # Ok::<(), switchboard::expr::ExprError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// Calendar names, for `hours.<name>`.
    pub calendars: Vec<String>,
    /// Declared contact attributes; `None` leaves `contact.*` open.
    pub contact: Option<BTreeMap<String, AttrType>>,
    /// Declared agent attributes; `None` leaves `agent.attributes.*` open.
    pub agent: Option<BTreeMap<String, AttrType>>,
}

const TOP: [&str; 16] = [
    "channel",
    "text",
    "lang",
    "attachments",
    "contact",
    "conversation",
    "bot",
    "sentiment",
    "hours",
    "hour",
    "weekday",
    "agent",
    "visit",
    "queue",
    "true",
    "false",
];

const CONVERSATION: [(&str, Type, Fact); 11] = [
    ("new", Type::Bool, Fact::ConvNew),
    ("tags", Type::List, Fact::ConvTags),
    ("messages", Type::Number, Fact::ConvMessages),
    ("queue", Type::Text, Fact::ConvQueue),
    ("reopened", Type::Bool, Fact::ConvReopened),
    ("lang", Type::Text, Fact::ConvLang),
    ("channel", Type::Text, Fact::ConvChannel),
    ("priority", Type::Number, Fact::ConvPriority),
    ("waited", Type::Number, Fact::ConvWaited),
    ("origin", Type::Text, Fact::ConvOrigin),
    ("campaign", Type::Text, Fact::ConvCampaign),
];

/// `visit.*` besides `visit.attributes.<name>`.
const VISIT: [(&str, Type, Fact); 10] = [
    ("url", Type::Text, Fact::VisitUrl),
    ("title", Type::Text, Fact::VisitTitle),
    ("referrer", Type::Text, Fact::VisitReferrer),
    ("time_on_page", Type::Number, Fact::VisitTimeOnPage),
    ("pages", Type::Number, Fact::VisitPages),
    ("visits", Type::Number, Fact::VisitVisits),
    ("cart_value", Type::Number, Fact::VisitCartValue),
    ("returning", Type::Bool, Fact::VisitReturning),
    ("lang", Type::Text, Fact::VisitLang),
    ("country", Type::Text, Fact::VisitCountry),
];

const QUEUE: [(&str, Type, Fact); 2] = [
    ("ready", Type::Number, Fact::QueueReady),
    ("wait", Type::Number, Fact::QueueWait),
];

const BOT: [(&str, Type, Fact); 4] = [
    ("intent", Type::Text, Fact::BotIntent),
    ("confidence", Type::Number, Fact::BotConfidence),
    ("fallbacks", Type::Number, Fact::BotFallbacks),
    ("handoff", Type::Bool, Fact::BotHandoff),
];

impl Schema {
    /// Declares a calendar name, for `hours.<name>`.
    pub fn with_calendar(mut self, name: impl Into<String>) -> Self {
        self.calendars.push(name.into());
        self
    }

    /// Declares a contact attribute and its type, closing `contact.*` to
    /// undeclared names.
    pub fn with_contact_attribute(mut self, name: impl Into<String>, ty: AttrType) -> Self {
        self.contact
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), ty);
        self
    }

    /// Declares an agent attribute and its type, closing
    /// `agent.attributes.*` to undeclared names.
    pub fn with_agent_attribute(mut self, name: impl Into<String>, ty: AttrType) -> Self {
        self.agent
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), ty);
        self
    }

    /// Checks a value a rule's `then.set` gives contact attribute `name`
    /// against the declarations, when there are any: the name must be
    /// declared and the value of its type (a list, of text). On failure, the
    /// message and a suggestion.
    pub(crate) fn check_contact_value(
        &self,
        name: &str,
        value: &Value,
    ) -> Result<(), (String, String)> {
        let Some(decl) = &self.contact else {
            return Ok(());
        };
        // An empty name is reported where names are checked.
        if name.trim().is_empty() {
            return Ok(());
        }
        let Some(ty) = decl.get(name) else {
            let help = closest(name, &mut decl.keys().cloned())
                .map(|c| format!("did you mean `{c}`?"))
                .unwrap_or_else(|| {
                    format!("declare it in [contact_attributes]: {name} = \"text\"")
                });
            return Err((format!("unknown contact attribute `{name}`"), help));
        };
        if ty.admits(value) {
            return Ok(());
        }
        let given = match value {
            Value::List(_) => "a list holding other than text",
            Value::Number(_) => "a number that is not finite",
            other => other.type_name(),
        };
        Err((
            format!(
                "`contact.{name}` is declared {}, but this sets it to {given}",
                ty.as_str()
            ),
            match ty {
                AttrType::List => "give it a list of text, such as ['a', 'b']".to_owned(),
                ty => format!(
                    "give it a {} value, or change its declared type",
                    ty.as_str()
                ),
            },
        ))
    }

    /// Resolves a path in a context to the fact it reads and its type.
    pub(crate) fn resolve(
        &self,
        path: &Path,
        span: Span,
        ctx: Context,
    ) -> Result<(Fact, Type), ExprError> {
        let seg = &path.segments;
        let Some(head) = seg.first().map(String::as_str) else {
            return Err(ExprError::new(
                ExprErrorKind::UnknownName,
                span,
                "empty name",
            ));
        };
        let rest = &seg[1..];
        let unknown = |what: String, candidates: &mut dyn Iterator<Item = String>| {
            unknown_name(span, &what, candidates)
        };
        let no_fields = |n: usize| {
            ExprError::new(
                ExprErrorKind::UnknownName,
                span,
                format!("`{}` has no field `{}`", seg[..n].join("."), seg[n]),
            )
        };
        let needs_field = |example: &str| {
            ExprError::new(
                ExprErrorKind::UnknownName,
                span,
                format!("`{head}` needs a field, as in `{example}`"),
            )
        };
        let unavailable = |what: &str| {
            let invitation_only = what.starts_with("visit") || what.starts_with("queue");
            let sees = if invitation_only && !ctx.sees_visit() {
                "visit.* and queue.* are only for an invitation's `when` ([[invitations]])"
            } else if ctx.sees_visit() {
                "it sees channel, visit.*, queue.ready, queue.wait, hours.*, hour and weekday"
            } else if ctx.sees_agent() {
                "it sees agent.*, conversation.*, contact.*, hours.*, hour and weekday"
            } else {
                "agent.* is only for queue eligibility"
            };
            ExprError::new(
                ExprErrorKind::UnknownName,
                span,
                format!("`{what}` is not available in {}", ctx.describe()),
            )
            .with_help(sees)
        };
        let scalar = |fact: Fact, ty: Type| {
            if rest.is_empty() {
                Ok((fact, ty))
            } else {
                Err(no_fields(1))
            }
        };
        match head {
            "channel" if ctx.sees_visit() => scalar(Fact::Channel, Type::Text),
            "contact" | "conversation" if ctx.sees_visit() => Err(unavailable(head)),
            "visit" | "queue" if !ctx.sees_visit() => Err(unavailable(&seg.join("."))),
            "visit" => match rest {
                [f] if f == "attributes" => Err(needs_field("visit.attributes.plan")),
                [f, name] if f == "attributes" => {
                    Ok((Fact::VisitAttr(name.as_str().into()), Type::Any))
                }
                [_, _, ..] if rest[0] == "attributes" => Err(no_fields(3)),
                _ => field(rest, &VISIT, "visit", span, || needs_field("visit.url")).map_err(|e| {
                    // `attributes` is a field too, though not a scalar one.
                    match e.help().filter(|h| h.starts_with("`visit` has:")) {
                        Some(h) => {
                            let help = format!("{h}, attributes.<name>");
                            e.with_help(help)
                        }
                        None => e,
                    }
                }),
            },
            "queue" => field(rest, &QUEUE, "queue", span, || needs_field("queue.ready")),
            "channel" | "text" | "lang" | "attachments" | "sentiment" if !ctx.sees_message() => {
                Err(unavailable(head))
            }
            "bot" if !ctx.sees_message() => Err(unavailable("bot")),
            "agent" if !ctx.sees_agent() => Err(unavailable("agent")),
            "channel" => scalar(Fact::Channel, Type::Text),
            "text" => scalar(Fact::Text, Type::Text),
            "lang" => scalar(Fact::Lang, Type::Text),
            "attachments" => scalar(Fact::Attachments, Type::List),
            "sentiment" => scalar(Fact::Sentiment, Type::Number),
            "hour" => scalar(Fact::Hour, Type::Number),
            "weekday" => scalar(Fact::Weekday, Type::Text),
            "contact" => match rest {
                [] => Err(needs_field("contact.tier")),
                [name] => declared(&self.contact, name, "contact", Fact::Contact)
                    .map_err(|(what, known)| unknown(what, &mut known.into_iter())),
                _ => Err(no_fields(2)),
            },
            "hours" => match rest {
                [] => Err(needs_field("hours.support")),
                [name] => match self.calendars.iter().position(|c| c == name) {
                    Some(_) => Ok((Fact::Hours(name.as_str().into()), Type::Bool)),
                    None => {
                        let mut err = unknown(
                            format!("hours.{name}"),
                            &mut self.calendars.iter().map(|c| format!("hours.{c}")),
                        );
                        if err.help().is_none() {
                            err = err.with_help(format!(
                                "declare it as [calendars.{name}], or use one of: {}",
                                if self.calendars.is_empty() {
                                    "(no calendars are declared)".into()
                                } else {
                                    self.calendars.join(", ")
                                }
                            ));
                        }
                        Err(err)
                    }
                },
                _ => Err(no_fields(2)),
            },
            // The assigner does not keep who started a conversation.
            "conversation"
                if ctx.sees_agent() && matches!(rest, [f] if f == "origin" || f == "campaign") =>
            {
                Err(unavailable(&seg.join(".")).with_help(
                    "a routing rule can tag such conversations (then = { tags = [\"campaign\"] }) \
                     for eligibility to test conversation.tags",
                ))
            }
            "conversation" => field(rest, &CONVERSATION, "conversation", span, || {
                needs_field("conversation.tags")
            }),
            "bot" => field(rest, &BOT, "bot", span, || needs_field("bot.intent")),
            "agent" => match rest {
                [] => Err(needs_field("agent.skills.billing")),
                [f] if f == "id" => Ok((Fact::AgentId, Type::Text)),
                [f] if f == "skills" => Ok((Fact::AgentSkills, Type::Skills)),
                [f, name] if f == "skills" => {
                    Ok((Fact::AgentSkill(name.as_str().into()), Type::Number))
                }
                [f] if f == "languages" => Ok((Fact::AgentLanguages, Type::List)),
                [f] if f == "channels" => Ok((Fact::AgentChannels, Type::List)),
                [f] if f == "attributes" => Err(needs_field("agent.attributes.team")),
                [f, name] if f == "attributes" => {
                    declared(&self.agent, name, "agent.attributes", Fact::AgentAttr)
                        .map_err(|(what, known)| unknown(what, &mut known.into_iter()))
                }
                [f, ..] if ["id", "languages", "channels"].contains(&f.as_str()) => {
                    Err(no_fields(2))
                }
                [_, _, ..] if ["skills", "attributes"].contains(&rest[0].as_str()) => {
                    Err(no_fields(3))
                }
                [f, ..] => Err(unknown(
                    format!("agent.{f}"),
                    &mut ["id", "skills", "languages", "channels", "attributes"]
                        .iter()
                        .map(|k| format!("agent.{k}")),
                )),
            },
            _ => {
                let visible = TOP.iter().filter(|n| {
                    (ctx.sees_message()
                        || (ctx.sees_visit() && **n == "channel")
                        || !["channel", "text", "lang", "attachments", "sentiment", "bot"]
                            .contains(n))
                        && (ctx.sees_agent() || **n != "agent")
                        && (ctx.sees_visit() || !["visit", "queue"].contains(n))
                        && (!ctx.sees_visit() || !["contact", "conversation"].contains(n))
                });
                let mut err = unknown(path.to_string(), &mut visible.map(|s| (*s).to_owned()));
                if err.help().is_none() && rest.is_empty() {
                    err = err.with_help(format!("if `{head}` is text, quote it: '{head}'"));
                }
                Err(err)
            }
        }
    }
}

/// Resolves a host attribute: any name (untyped) when none are declared,
/// else a declared one with its type. On failure, the full name and the
/// declared names, for a suggestion.
fn declared(
    decl: &Option<BTreeMap<String, AttrType>>,
    name: &str,
    prefix: &str,
    fact: fn(Box<str>) -> Fact,
) -> Result<(Fact, Type), (String, Vec<String>)> {
    match decl {
        None => Ok((fact(name.into()), Type::Any)),
        Some(decl) => match decl.get(name) {
            Some(t) => Ok((fact(name.into()), t.ty())),
            None => Err((
                format!("{prefix}.{name}"),
                decl.keys().map(|k| format!("{prefix}.{k}")).collect(),
            )),
        },
    }
}

fn field(
    rest: &[String],
    table: &[(&str, Type, Fact)],
    head: &str,
    span: Span,
    needs: impl Fn() -> ExprError,
) -> Result<(Fact, Type), ExprError> {
    match rest {
        [] => Err(needs()),
        [name] => match table.iter().find(|(n, _, _)| n == name) {
            Some((_, ty, fact)) => Ok((fact.clone(), *ty)),
            None => {
                let what = format!("{head}.{name}");
                let mut names = table.iter().map(|(n, _, _)| format!("{head}.{n}"));
                let mut err = unknown_name(span, &what, &mut names);
                if err.help().is_none() {
                    let all: Vec<_> = table.iter().map(|(n, _, _)| *n).collect();
                    err = err.with_help(format!("`{head}` has: {}", all.join(", ")));
                }
                Err(err)
            }
        },
        _ => Err(ExprError::new(
            ExprErrorKind::UnknownName,
            span,
            format!("`{head}.{}` has no field `{}`", rest[0], rest[1]),
        )),
    }
}

/// An unknown-name error, with a suggestion when one is close.
fn unknown_name(span: Span, what: &str, candidates: &mut dyn Iterator<Item = String>) -> ExprError {
    let err = ExprError::new(
        ExprErrorKind::UnknownName,
        span,
        format!("unknown name `{what}`"),
    );
    match did_you_mean(what, candidates) {
        Some(help) => err.with_help(help),
        None => err,
    }
}

/// "did you mean `x`?" for the candidate closest to `what` by edit
/// distance, if close enough to be a likely typo.
pub(crate) fn did_you_mean(
    what: &str,
    candidates: &mut dyn Iterator<Item = String>,
) -> Option<String> {
    closest(what, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `what` by edit distance, if close enough to be
/// a likely typo.
pub(crate) fn closest(what: &str, candidates: &mut dyn Iterator<Item = String>) -> Option<String> {
    let limit = (what.chars().count() / 3).max(1);
    candidates
        .map(|c| (strsim::damerau_levenshtein(what, &c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
