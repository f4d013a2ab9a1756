//! The compiled form of an expression and its evaluator.
//!
//! Names are resolved to [`Fact`]s, literals are pre-folded and regexes
//! pre-compiled when the expression is compiled; evaluation only reads.

use std::collections::BTreeMap;

use super::ast::Op;
use super::fold::fold_into;
use super::pattern::Patterns;
use super::schema::Fact;
use super::span::Span;
use crate::model::{Attachment, ChannelKind, Value};
use crate::symbols::Symbols;

/// A compiled condition.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Const(bool, Span),
    And(Box<[Node]>),
    Or(Box<[Node]>),
    Not(Box<Node>, Span),
    /// True when any of the shared text atoms matched (the single scan of a
    /// router).
    Atoms(Box<[u32]>, Span),
    Test(Box<Test>),
    /// A comparison shared by many rules of a router, evaluated at most
    /// once per message: an index into the router's comparison table.
    Cached(u32, Span),
    /// A boolean fact standing alone; missing or non-boolean is false.
    Truthy(Fact, Span),
}

/// One comparison.
#[derive(Clone, Debug)]
pub(crate) struct Test {
    pub(crate) lhs: Arg,
    pub(crate) op: Op,
    pub(crate) rhs: Arg,
    pub(crate) span: Span,
}

/// An operand, resolved.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Fact(Fact),
    Lit(Value),
    List(Box<[Value]>),
    /// Text needles already case-folded (`contains`, `starts_with`,
    /// `contains_any` against something other than the message text).
    Folded(Box<[String]>),
    Regex(Patterns),
    Group(Box<Node>),
}

/// A value read during evaluation, borrowed from the facts or the program.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Val<'a> {
    Bool(bool),
    Num(f64),
    Text(&'a str),
    Values(&'a [Value]),
    Strings(&'a [String]),
    Attachments(&'a [Attachment]),
    Channels(&'a [ChannelKind]),
    Skills(&'a BTreeMap<String, u8>),
    /// Interned skills, `(skill, level)` sorted by skill number.
    SymSkills(&'a [(u32, u8)], &'a Symbols),
    /// An interned list of names.
    Syms(&'a [u32], &'a Symbols),
}

impl<'a> Val<'a> {
    pub(crate) fn of(v: &'a Value) -> Val<'a> {
        match v {
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(*n),
            Value::Text(s) => Val::Text(s),
            Value::List(l) => Val::Values(l),
        }
    }

    fn is_list(self) -> bool {
        matches!(
            self,
            Val::Values(_)
                | Val::Strings(_)
                | Val::Attachments(_)
                | Val::Channels(_)
                | Val::Syms(..)
        )
    }

    /// Calls `f` on each element of a list until it returns true.
    fn any_elem(self, mut f: impl FnMut(Val<'a>) -> bool) -> bool {
        match self {
            Val::Values(l) => l.iter().any(|v| f(Val::of(v))),
            Val::Strings(l) => l.iter().any(|s| f(Val::Text(s))),
            Val::Attachments(l) => l.iter().any(|a| f(Val::Text(a.kind.as_str()))),
            Val::Channels(l) => l.iter().any(|c| f(Val::Text(c.as_str()))),
            Val::Syms(l, names) => l.iter().any(|n| f(Val::Text(names.name(*n)))),
            _ => false,
        }
    }

    fn len(self) -> Option<usize> {
        Some(match self {
            Val::Values(l) => l.len(),
            Val::Strings(l) => l.len(),
            Val::Attachments(l) => l.len(),
            Val::Channels(l) => l.len(),
            Val::Syms(l, _) => l.len(),
            _ => return None,
        })
    }

    fn nth(self, i: usize) -> Option<Val<'a>> {
        Some(match self {
            Val::Values(l) => Val::of(l.get(i)?),
            Val::Strings(l) => Val::Text(l.get(i)?),
            Val::Attachments(l) => Val::Text(l.get(i)?.kind.as_str()),
            Val::Channels(l) => Val::Text(l.get(i)?.as_str()),
            Val::Syms(l, names) => Val::Text(names.name(*l.get(i)?)),
            _ => return None,
        })
    }

    /// A short description for explanations: `'gold'`, `3`, `true`,
    /// `['en', 'de']`.
    pub(crate) fn describe(self) -> String {
        let mut s = String::new();
        match self {
            Val::Bool(b) => s = b.to_string(),
            Val::Num(n) => s = n.to_string(),
            Val::Text(t) => {
                let _ = super::ast::write_literal(&mut s, &Value::Text(t.to_owned()));
            }
            Val::Skills(m) => {
                let parts: Vec<_> = m.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                s = format!("{{{}}}", parts.join(", "));
            }
            Val::SymSkills(m, names) => {
                let mut parts: Vec<_> = m
                    .iter()
                    .map(|(k, v)| format!("{}: {v}", names.name(*k)))
                    .collect();
                parts.sort();
                s = format!("{{{}}}", parts.join(", "));
            }
            list => {
                s.push('[');
                let n = list.len().unwrap_or(0);
                for i in 0..n {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    if let Some(v) = list.nth(i) {
                        s.push_str(&v.describe());
                    }
                }
                s.push(']');
            }
        }
        s
    }
}

/// Where evaluation reads facts and the results of the shared text scan.
pub(crate) trait Env {
    /// The value of a fact, or `None` when it is missing.
    fn fact(&self, fact: &Fact) -> Option<Val<'_>>;
    /// Whether shared text atom `id` matched the message.
    fn atom(&self, id: u32) -> bool;
    /// The result of shared comparison `id` for this message.
    fn cached(&self, _id: u32) -> bool {
        false
    }
    /// Shared comparison `id` itself, for explanations.
    fn cached_test(&self, _id: u32) -> Option<&Test> {
        None
    }
}

impl Node {
    /// Calls `f` on every regex compiled into this node to run on its own
    /// (a router's shared comparisons and single scan are not visited).
    pub(crate) fn for_each_regex(&self, f: &mut dyn FnMut(&Patterns)) {
        match self {
            Node::And(items) | Node::Or(items) => {
                items.iter().for_each(|n| n.for_each_regex(f));
            }
            Node::Not(inner, _) => inner.for_each_regex(f),
            Node::Test(t) => t.for_each_regex(f),
            Node::Const(..) | Node::Atoms(..) | Node::Cached(..) | Node::Truthy(..) => {}
        }
    }

    pub(crate) fn eval<E: Env + ?Sized>(&self, env: &E) -> bool {
        match self {
            Node::Const(b, _) => *b,
            Node::And(items) => items.iter().all(|n| n.eval(env)),
            Node::Or(items) => items.iter().any(|n| n.eval(env)),
            Node::Not(inner, _) => !inner.eval(env),
            Node::Atoms(ids, _) => ids.iter().any(|&id| env.atom(id)),
            Node::Test(t) => t.eval(env),
            Node::Cached(id, _) => env.cached(*id),
            Node::Truthy(f, _) => matches!(env.fact(f), Some(Val::Bool(true))),
        }
    }

    /// The leaf conditions that made this node false, each with its span and
    /// what was observed. Empty when the node is true.
    pub(crate) fn why_false<E: Env + ?Sized>(&self, env: &E, out: &mut Vec<(Span, String)>) {
        if self.eval(env) {
            return;
        }
        match self {
            Node::And(items) => {
                if let Some(first) = items.iter().find(|n| !n.eval(env)) {
                    first.why_false(env, out);
                }
            }
            Node::Or(items) => items.iter().for_each(|n| n.why_false(env, out)),
            Node::Not(_, span) => out.push((*span, "the part after `not` holds".into())),
            Node::Const(_, span) => out.push((*span, "always false".into())),
            Node::Atoms(_, span) => out.push((*span, "not in the text".into())),
            Node::Truthy(f, span) => out.push((*span, observe(env.fact(f)))),
            Node::Test(t) => out.push((t.span, t.observe(env))),
            Node::Cached(id, span) => {
                let seen = env
                    .cached_test(*id)
                    .map_or_else(|| "false".to_owned(), |t| t.observe(env));
                out.push((*span, seen));
            }
        }
    }
}

fn observe(v: Option<Val<'_>>) -> String {
    match v {
        None => "missing".into(),
        Some(v) => v.describe(),
    }
}

impl Test {
    /// Calls `f` on every regex this comparison runs.
    pub(crate) fn for_each_regex(&self, f: &mut dyn FnMut(&Patterns)) {
        for a in [&self.lhs, &self.rhs] {
            match a {
                Arg::Regex(re) => f(re),
                Arg::Group(n) => n.for_each_regex(f),
                _ => {}
            }
        }
    }

    /// What an explanation says about this comparison when it is false.
    fn observe<E: Env + ?Sized>(&self, env: &E) -> String {
        match &self.lhs {
            Arg::Fact(Fact::Text) => "not in the text".to_owned(),
            Arg::Fact(f) => format!("it is {}", observe(env.fact(f))),
            _ => "false".to_owned(),
        }
    }

    pub(crate) fn eval<E: Env + ?Sized>(&self, env: &E) -> bool {
        let Some(l) = arg(&self.lhs, env) else {
            return false;
        };
        let Some(r) = arg(&self.rhs, env) else {
            return false;
        };
        match self.op {
            Op::Eq => eq(l, r),
            Op::Ne => !eq(l, r),
            Op::Lt | Op::Le | Op::Gt | Op::Ge => match (l, r) {
                (Val::Num(a), Val::Num(b)) => match self.op {
                    Op::Lt => a < b,
                    Op::Le => a <= b,
                    Op::Gt => a > b,
                    _ => a >= b,
                },
                _ => false,
            },
            Op::In => !l.is_list() && r.any_elem(|e| eq(l, e)),
            Op::NotIn => !l.is_list() && r.is_list() && !r.any_elem(|e| eq(l, e)),
            Op::Has => match (l, r) {
                (Val::Skills(m), Val::Text(k)) => m.contains_key(k),
                (Val::SymSkills(m, names), Val::Text(k)) => names
                    .get(k)
                    .is_some_and(|n| m.binary_search_by_key(&n, |(s, _)| *s).is_ok()),
                (list, x) => !x.is_list() && list.any_elem(|e| eq(e, x)),
            },
            Op::Contains | Op::StartsWith | Op::ContainsAny => {
                let Val::Text(hay) = l else { return false };
                let mut folded = String::with_capacity(hay.len());
                fold_into(hay, &mut folded);
                let hit = |needle: &str| {
                    if self.op == Op::StartsWith {
                        folded.starts_with(needle)
                    } else {
                        folded.contains(needle)
                    }
                };
                match (&self.rhs, r) {
                    (Arg::Folded(needles), _) => needles.iter().any(|n| hit(n)),
                    (_, Val::Text(n)) if self.op != Op::ContainsAny => {
                        let mut f = String::new();
                        fold_into(n, &mut f);
                        hit(&f)
                    }
                    (_, list) if self.op == Op::ContainsAny => list.any_elem(|e| match e {
                        Val::Text(n) => {
                            let mut f = String::new();
                            fold_into(n, &mut f);
                            hit(&f)
                        }
                        _ => false,
                    }),
                    _ => false,
                }
            }
            Op::Matches => match (l, &self.rhs) {
                (Val::Text(hay), Arg::Regex(re)) => re.is_match(hay),
                _ => false,
            },
        }
    }
}

fn arg<'a, E: Env + ?Sized>(a: &'a Arg, env: &'a E) -> Option<Val<'a>> {
    match a {
        Arg::Fact(f) => env.fact(f),
        Arg::Lit(v) => Some(Val::of(v)),
        Arg::List(l) => Some(Val::Values(l)),
        Arg::Folded(l) => Some(Val::Strings(l)),
        Arg::Regex(_) => Some(Val::Bool(true)),
        Arg::Group(n) => Some(Val::Bool(n.eval(env))),
    }
}

/// Equality: same type and value; lists element by element. Values of
/// different types are never equal.
fn eq(a: Val<'_>, b: Val<'_>) -> bool {
    match (a, b) {
        (Val::Text(x), Val::Text(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Skills(x), Val::Skills(y)) => x == y,
        (Val::SymSkills(x, _), Val::SymSkills(y, _)) => x == y,
        (x, y) if x.is_list() && y.is_list() => {
            let n = x.len();
            n == y.len()
                && (0..n.unwrap_or(0)).all(|i| match (x.nth(i), y.nth(i)) {
                    (Some(p), Some(q)) => eq(p, q),
                    _ => false,
                })
        }
        _ => false,
    }
}
