//! The expression language every decision is written in: routing rules'
//! `when`, queues' `eligible`, escalation triggers.
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | compare
//! compare := operand (op operand)?
//! op      := == | != | < | <= | > | >= | in | not in | has | contains
//!          | contains_any | matches | starts_with
//! operand := path | string | number | true | false | list | "(" expr ")"
//! path    := ident ("." ident)*
//! list    := "[" (literal ("," literal)* ","?)? "]"
//! ```
//!
//! # Semantics
//!
//! * **Strings** are quoted with `'…'` or `"…"`; `\\`, `\'`, `\"`, `\n`,
//!   `\t` are escapes and any other backslash is kept, so regex classes
//!   read naturally: `text matches 'order #?\d{5,}'`.
//! * **Text operators** `contains`, `contains_any` and `starts_with` are
//!   case-insensitive: both sides are [`fold`]ed (Unicode full case folding,
//!   full-width ASCII to ASCII) and compared as substrings, so they work for
//!   Chinese and Japanese, which have no spaces between words
//!   (`text contains '人工'`). `matches` uses the `regex` crate's syntax and
//!   is case-insensitive unless the pattern starts with `(?-i)`. A substring
//!   matches inside longer words (`'refund'` matches "refunds"); use
//!   `matches '\brefund\b'` for whole words. In `matches`, `\b` is an
//!   ASCII word boundary: ASCII letters, digits and `_` form words and every
//!   other character, CJK included, separates them (so `'\bagent\b'`
//!   matches in "转agent"). This keeps all patterns on the regex crate's DFA
//!   engine whatever the script of the text.
//! * **`==` and `!=`** compare exactly, text included (`channel == 'sms'`).
//!   Values of different types are unequal.
//! * **`in` / `not in`** test a value against a list (`lang in ['zh', 'ja']`),
//!   **`has`** the reverse (`agent.languages has conversation.lang`); on
//!   `agent.skills`, `has` tests that the skill is present.
//! * **Missing values** (an attribute the contact does not have, no bot turn
//!   yet) make every comparison false — `!=` and `not in` included — and a
//!   boolean name standing alone false. This is never an error at run time.
//!   To ask "not VIP, or unknown", write `not (contact.tier == 'vip')`.
//! * **Errors are found when compiling**: unknown names, type mismatches
//!   (`'a' > 3`), lists mixing types and invalid regexes, each pointing at
//!   the text with a suggestion where one is likely.
//! * **Literals are checked against what a fact can hold**: `weekday` is
//!   one of `'mon'` … `'sun'`, `hour` a whole number from 0 to 23,
//!   `bot.confidence` from 0 to 1, `sentiment` from −1 to 1, skill levels
//!   from 0 to 10, counts and waits 0 or more, `attachments` holds
//!   `'image'`, `'audio'`, `'video'`, `'file'` or `'location'`. A literal
//!   outside (`weekday == 'monday'`, `hour in [9, 25]`,
//!   `attachments has 'pdf'`), or a bound that makes an ordering never
//!   true (`hour > 23`) or always true past the range's edge
//!   (`bot.confidence < 80`), is an error at the literal, with a
//!   suggestion (`did you mean 'mon'?`, `did you mean 0.8?`). Bounds at the
//!   edge (`hour >= 0`, `hour < 24`, `bot.confidence <= 1`) are fine: they
//!   close a range or test that a value is present. Channel names are open
//!   (hosts add their own) except those no channel can have: `'web chat'`,
//!   or a built-in name spelt otherwise (`'WhatsApp'`). `lang`,
//!   `bot.intent`, `conversation.queue`, tags and host attributes (beyond
//!   their declared type) are not checked.
//!
//! The names each context sees are listed on [`Facts`] and [`Context`].
//!
//! # Examples
//!
//! ```
//! use switchboard::calendar::Calendars;
//! use switchboard::expr::{Condition, Context, Facts, Schema};
//! use switchboard::{Attributes, ChannelKind, Timestamp, Value};
//!
//! let vip_refund = Condition::compile(
//!     "contact.tier == 'vip' and text contains_any ['refund', '退款']",
//!     &Schema::default(),
//!     Context::Route,
//! ).map_err(|e| e[0].clone())?;
//!
//! let contact = Attributes::from([("tier".to_string(), Value::from("vip"))]);
//! let channel = ChannelKind::WhatsApp;
//! let facts = Facts::new(Timestamp::from_millis(0))
//!     .with_channel(&channel)
//!     .with_contact(&contact)
//!     .with_text("我要退款");
//! assert!(vip_refund.evaluate(&facts, &Calendars::default()));
//! # Ok::<(), switchboard::expr::ExprError>(())
//! ```

mod ast;
mod compile;
mod domain;
mod env;
mod error;
mod facts;
mod fold;
mod lexer;
mod parser;
mod pattern;
mod program;
mod schema;
mod span;

pub use ast::{Expr, ExprKind, Literal, Op, Operand, OperandKind, Path};
pub use compile::MAX_REGEX_SIZE;
pub use error::{ExprError, ExprErrorKind};
pub(crate) use facts::InternedAgent;
pub use facts::{AgentFacts, BotFacts, ConversationFacts, Facts};
pub use fold::fold;
pub(crate) use fold::fold_into;
pub use parser::{MAX_DEPTH, MAX_EXPR_LEN};
pub use pattern::MAX_REGEX_MEMORY;
pub use schema::{AttrType, Context, Schema};
pub use span::Span;

pub(crate) use ast::write_literal;
#[cfg(test)]
pub(crate) use compile::ascii_word_boundaries;
pub(crate) use compile::{AtomSink, Compiler};
pub(crate) use env::FactsEnv;
pub(crate) use error::Snippet;
pub(crate) use lexer::{is_ident_continue, is_ident_start};
pub(crate) use pattern::{Footprint, PatternError, Patterns, TEXT_CACHE, bytes};
pub(crate) use program::{Arg, Env, Node, Test, Val};
pub(crate) use schema::{Fact, closest, did_you_mean};

use crate::calendar::Calendars;

impl Expr {
    /// Parses expression source into a syntax tree. Names are not checked
    /// here; see [`Schema::check`] and [`Condition::compile`].
    ///
    /// # Errors
    ///
    /// A syntax error, pointing at the offending text; or a
    /// [`Limit`](ExprErrorKind::Limit) error for source longer than
    /// [`MAX_EXPR_LEN`] or nested deeper than [`MAX_DEPTH`].
    ///
    /// ```
    /// use switchboard::expr::Expr;
    ///
    /// let err = Expr::parse("text = 'refund'").unwrap_err();
    /// assert_eq!(err.message(), "`=` is not an operator");
    /// assert_eq!(err.help(), Some("use `==` to compare"));
    /// assert_eq!(err.span().start, 5);
    /// ```
    pub fn parse(src: &str) -> Result<Expr, ExprError> {
        parser::parse(src)
    }
}

impl Schema {
    /// Checks an expression in a context: every name known, every operator
    /// given operands of the right types, every regex valid and within
    /// [`MAX_REGEX_SIZE`]. Reports every problem, in source order.
    ///
    /// # Errors
    ///
    /// The problems found, each with its span.
    ///
    /// ```
    /// use switchboard::expr::{Context, Expr, Schema};
    ///
    /// let e = Expr::parse("'a' > 3 or conversation.tgs has 'x'")?;
    /// let errs = Schema::default().check(&e, Context::Route).unwrap_err();
    /// assert_eq!(errs.len(), 2);
    /// assert_eq!(errs[1].help(), Some("did you mean `conversation.tags`?"));
    /// # Ok::<(), switchboard::expr::ExprError>(())
    /// ```
    pub fn check(&self, expr: &Expr, ctx: Context) -> Result<(), Vec<ExprError>> {
        let mut c = Compiler::new(self, ctx, None);
        c.condition(expr);
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }
}

/// A compiled condition, evaluated on its own (outside a router's single
/// scan): how queue eligibility and escalation triggers run.
///
/// # Examples
///
/// ```
/// use std::collections::BTreeMap;
/// use switchboard::calendar::Calendars;
/// use switchboard::expr::{AgentFacts, Condition, Context, ConversationFacts, Facts, Schema};
/// use switchboard::{AgentId, Attributes, Timestamp};
///
/// let eligible = Condition::compile(
///     "agent.skills.billing >= 2 and agent.languages has conversation.lang",
///     &Schema::default(),
///     Context::Eligibility,
/// ).map_err(|e| e[0].clone())?;
///
/// let id = AgentId::new("ana");
/// let skills = BTreeMap::from([("billing".to_string(), 3)]);
/// let langs = vec!["es".to_string(), "en".to_string()];
/// let attrs = Attributes::new();
/// let agent = AgentFacts { id: &id, skills: &skills, languages: &langs, channels: &[], attributes: &attrs };
/// let conv = ConversationFacts { lang: Some("es"), ..ConversationFacts::default() };
/// let facts = Facts::new(Timestamp::from_millis(0)).with_conversation(conv).with_agent(agent);
/// assert!(eligible.evaluate(&facts, &Calendars::default()));
/// # Ok::<(), switchboard::expr::ExprError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Condition {
    source: String,
    expr: Expr,
    node: Node,
}

impl Condition {
    /// Parses, checks and compiles `src` for `ctx`.
    ///
    /// # Errors
    ///
    /// Every problem found (one, for a syntax error).
    pub fn compile(src: &str, schema: &Schema, ctx: Context) -> Result<Condition, Vec<ExprError>> {
        let expr = Expr::parse(src).map_err(|e| vec![e])?;
        let mut c = Compiler::new(schema, ctx, None);
        let node = c.condition(&expr);
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(Condition {
            source: src.to_owned(),
            expr,
            node,
        })
    }

    /// Compiles an already parsed expression; its source is the
    /// expression's canonical text.
    pub(crate) fn from_expr(
        expr: Expr,
        schema: &Schema,
        ctx: Context,
    ) -> Result<Condition, Vec<ExprError>> {
        let mut c = Compiler::new(schema, ctx, None);
        let node = c.condition(&expr);
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(Condition {
            source: expr.to_string(),
            expr,
            node,
        })
    }

    /// Whether the condition holds for `facts`. `calendars` answer
    /// `hours.<name>` and give the zone of `hour` and `weekday`.
    pub fn evaluate(&self, facts: &Facts<'_>, calendars: &Calendars) -> bool {
        self.node
            .eval(&FactsEnv::new(facts, calendars, &[], &[], &[]))
    }

    /// The source it was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The first term whose value changes with time alone — `hour`,
    /// `weekday`, `hours.<calendar>` or `conversation.waited` — if the
    /// condition reads one.
    ///
    /// A condition re-checked only when something happens (an agent or a
    /// conversation changes) can miss the moment such a term changes; queue
    /// eligibility is one, so its conditions may not read them.
    ///
    /// ```
    /// use switchboard::expr::{Condition, Context, Schema};
    ///
    /// let term = |src: &str| {
    ///     let c = Condition::compile(src, &Schema::default(), Context::Eligibility).unwrap();
    ///     c.time_term()
    /// };
    /// assert_eq!(term("agent.skills.a > 0 and (conversation.waited > 60 or false)").as_deref(), Some("conversation.waited"));
    /// assert_eq!(term("not (hour < 9)").as_deref(), Some("hour"));
    /// assert_eq!(term("agent.skills.a > 0 and contact.tier == 'vip'"), None);
    /// ```
    pub fn time_term(&self) -> Option<String> {
        time_term(&self.expr)
    }
}

fn time_term(e: &Expr) -> Option<String> {
    fn operand(o: &Operand) -> Option<String> {
        match &o.kind {
            OperandKind::Path(p) => {
                let s: Vec<&str> = p.segments.iter().map(String::as_str).collect();
                match s.as_slice() {
                    ["hour"] | ["weekday"] | ["conversation", "waited"] | ["hours", ..] => {
                        Some(s.join("."))
                    }
                    _ => None,
                }
            }
            OperandKind::Group(e) => time_term(e),
            OperandKind::Literal(_) | OperandKind::List(_) => None,
        }
    }
    match &e.kind {
        ExprKind::Or(v) | ExprKind::And(v) => v.iter().find_map(time_term),
        ExprKind::Not(x) => time_term(x),
        ExprKind::Compare { lhs, rhs, .. } => operand(lhs).or_else(|| operand(rhs)),
        ExprKind::Operand(o) => operand(o),
    }
}
