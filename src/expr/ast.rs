//! The syntax tree of an expression, and its canonical printed form.

use std::fmt;

use super::span::Span;
use crate::model::Value;

/// A parsed expression: a tree of [`ExprKind`] nodes, each with the
/// [`Span`] of source it came from.
///
/// `Display` prints the canonical source form: single-quoted strings, one
/// space around operators, parentheses only where the grammar needs them.
/// Parsing the printed form gives the same tree (spans aside).
///
/// # Examples
///
/// ```
/// use switchboard::expr::Expr;
///
/// let e = Expr::parse(r#"contact.tier=="vip"   and (text contains "退款" or bot.fallbacks>=2)"#)?;
/// assert_eq!(
///     e.to_string(),
///     "contact.tier == 'vip' and (text contains '退款' or bot.fallbacks >= 2)"
/// );
/// assert!(Expr::parse(&e.to_string())?.same_as(&e));
/// # Ok::<(), switchboard::expr::ExprError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it is in the source.
    pub span: Span,
}

/// The kinds of expression node.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ExprKind {
    /// `a or b or …` (two or more operands).
    Or(Vec<Expr>),
    /// `a and b and …` (two or more operands).
    And(Vec<Expr>),
    /// `not a`.
    Not(Box<Expr>),
    /// `lhs op rhs`.
    Compare {
        /// The left operand.
        lhs: Operand,
        /// The operator.
        op: Op,
        /// The right operand.
        rhs: Operand,
    },
    /// An operand standing alone as a condition: a boolean path
    /// (`conversation.new`, `hours.eu`) or `true` / `false`.
    Operand(Operand),
}

/// An operand of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Operand {
    /// What the operand is.
    pub kind: OperandKind,
    /// Where it is in the source.
    pub span: Span,
}

/// The kinds of operand.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum OperandKind {
    /// A dotted name: `text`, `contact.tier`, `agent.skills.billing`.
    Path(Path),
    /// A string, number or boolean literal.
    Literal(Value),
    /// A list literal: `['refund', '退款']`. Elements are literals.
    List(Vec<Literal>),
    /// A parenthesized expression used as an operand: `(a or b) == true`.
    Group(Box<Expr>),
}

/// A literal list element with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// The value: text, number or boolean.
    pub value: Value,
    /// Where it is in the source.
    pub span: Span,
}

/// A dotted name, split into its segments.
///
/// ```
/// use switchboard::expr::Path;
///
/// let p = Path::new(["agent", "skills", "billing"]);
/// assert_eq!(p.to_string(), "agent.skills.billing");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// The segments, at least one.
    pub segments: Vec<String>,
}

impl Path {
    /// A path from its segments.
    pub fn new<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Self {
        Path {
            segments: segments.into_iter().map(Into::into).collect(),
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `==`: equal (text compares exactly).
    Eq,
    /// `!=`: not equal (false when either side is missing).
    Ne,
    /// `<`, numbers.
    Lt,
    /// `<=`, numbers.
    Le,
    /// `>`, numbers.
    Gt,
    /// `>=`, numbers.
    Ge,
    /// `x in list`: the value is one of the list's.
    In,
    /// `x not in list`: the value is none of the list's.
    NotIn,
    /// `list has x`: the reverse of `in`; on `agent.skills`, the skill is
    /// present.
    Has,
    /// `text contains 'x'`: case-insensitive substring.
    Contains,
    /// `text contains_any ['x', 'y']`: case-insensitive, any of them.
    ContainsAny,
    /// `text starts_with 'x'`: case-insensitive prefix.
    StartsWith,
    /// `text matches 'regex'`: the `regex` crate's syntax, case-insensitive
    /// unless the pattern says `(?-i)`; `\b` is an ASCII word boundary.
    Matches,
}

impl Op {
    /// The operator as written.
    ///
    /// ```
    /// # use switchboard::expr::Op;
    /// assert_eq!(Op::NotIn.as_str(), "not in");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Has => "has",
            Op::Contains => "contains",
            Op::ContainsAny => "contains_any",
            Op::StartsWith => "starts_with",
            Op::Matches => "matches",
        }
    }

    /// Every operator, for documentation and generators.
    pub const ALL: [Op; 13] = [
        Op::Eq,
        Op::Ne,
        Op::Lt,
        Op::Le,
        Op::Gt,
        Op::Ge,
        Op::In,
        Op::NotIn,
        Op::Has,
        Op::Contains,
        Op::ContainsAny,
        Op::StartsWith,
        Op::Matches,
    ];
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Expr {
    /// Whether two trees are the same, ignoring spans: what "parsing the
    /// printed form gives the same tree" means.
    pub fn same_as(&self, other: &Expr) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.clear_spans();
        b.clear_spans();
        a == b
    }

    /// Sets every span in the tree to `0..0`.
    pub fn clear_spans(&mut self) {
        self.span = Span::default();
        match &mut self.kind {
            ExprKind::Or(items) | ExprKind::And(items) => {
                items.iter_mut().for_each(Expr::clear_spans)
            }
            ExprKind::Not(inner) => inner.clear_spans(),
            ExprKind::Compare { lhs, rhs, .. } => {
                lhs.clear_spans();
                rhs.clear_spans();
            }
            ExprKind::Operand(o) => o.clear_spans(),
        }
    }
}

impl Operand {
    fn clear_spans(&mut self) {
        self.span = Span::default();
        match &mut self.kind {
            OperandKind::List(items) => items.iter_mut().for_each(|l| l.span = Span::default()),
            OperandKind::Group(g) => g.clear_spans(),
            OperandKind::Path(_) | OperandKind::Literal(_) => {}
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Or(items) => join(f, items, " or ", |e| matches!(e.kind, ExprKind::Or(_))),
            ExprKind::And(items) => join(f, items, " and ", |e| {
                matches!(e.kind, ExprKind::Or(_) | ExprKind::And(_))
            }),
            ExprKind::Not(inner) => {
                f.write_str("not ")?;
                if matches!(inner.kind, ExprKind::Or(_) | ExprKind::And(_)) {
                    write!(f, "({inner})")
                } else {
                    write!(f, "{inner}")
                }
            }
            ExprKind::Compare { lhs, op, rhs } => write!(f, "{lhs} {op} {rhs}"),
            ExprKind::Operand(o) => write!(f, "{o}"),
        }
    }
}

fn join(
    f: &mut fmt::Formatter<'_>,
    items: &[Expr],
    sep: &str,
    needs_parens: impl Fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if needs_parens(e) {
            write!(f, "({e})")?;
        } else {
            write!(f, "{e}")?;
        }
    }
    Ok(())
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            OperandKind::Path(p) => write!(f, "{p}"),
            OperandKind::Literal(v) => write_literal(f, v),
            OperandKind::List(items) => {
                f.write_str("[")?;
                for (i, l) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_literal(f, &l.value)?;
                }
                f.write_str("]")
            }
            OperandKind::Group(e) => write!(f, "({e})"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("."))
    }
}

/// Writes a literal in canonical form: `'text'` with `\\`, `\'`, `\n`, `\t`
/// escaped; numbers in Rust's shortest round-trip form.
pub(crate) fn write_literal(f: &mut impl fmt::Write, v: &Value) -> fmt::Result {
    match v {
        Value::Bool(b) => write!(f, "{b}"),
        Value::Number(n) => write!(f, "{n}"),
        Value::Text(s) => {
            f.write_char('\'')?;
            for c in s.chars() {
                match c {
                    '\\' => f.write_str("\\\\")?,
                    '\'' => f.write_str("\\'")?,
                    '\n' => f.write_str("\\n")?,
                    '\t' => f.write_str("\\t")?,
                    c => f.write_char(c)?,
                }
            }
            f.write_char('\'')
        }
        Value::List(items) => {
            f.write_char('[')?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_literal(f, item)?;
            }
            f.write_char(']')
        }
    }
}
