//! Type checking and lowering: [`Expr`] → [`Node`].

use super::ast::{Expr, ExprKind, Literal, Op, Operand, OperandKind};
use super::error::{ExprError, ExprErrorKind};
use super::fold::fold;
use super::pattern::{self, FIELD_CACHE, MAX_REGEX_MEMORY, PatternError, Patterns};
use super::program::{Arg, Node, Test};
use super::schema::{Context, Fact, Schema, Type};
use super::span::Span;
use crate::model::Value;

/// Largest compiled size of one `matches` pattern, in bytes. Larger patterns
/// (such as `\w{1000}{1000}`) are rejected when the configuration is
/// compiled, never at run time.
pub const MAX_REGEX_SIZE: usize = 256 * 1024;

// Any one valid pattern, with its search space, fits the budget many
// times over, so the budget only ever refuses many patterns together.
const _: () = assert!(MAX_REGEX_MEMORY >= 64 * MAX_REGEX_SIZE);

/// Receives the text conditions on the message text so a router can match
/// them all in one scan. Without a sink they are evaluated one by one.
pub(crate) trait AtomSink {
    /// Registers a case-folded keyword; `prefix` for `starts_with`.
    fn keyword(&mut self, folded: &str, prefix: bool) -> u32;
    /// Registers a validated regex pattern and its compiled size alone, in
    /// bytes.
    fn regex(&mut self, pattern: &str, size: usize) -> u32;
    /// Registers a comparison under its canonical text, so rules sharing it
    /// evaluate it once per message.
    fn test(&mut self, key: String, test: Test) -> u32;
}

/// Rewrites every word-boundary assertion (`\b`, `\B`, `\<`, `\>`,
/// `\b{start}`…) to its ASCII form, `(?-u:\b)`.
///
/// A Unicode word boundary is beyond the regex crate's DFA engines as soon
/// as the text holds a non-ASCII character, which would send a whole
/// multi-pattern regex (every rule's pattern) to the slow engine for any Chinese,
/// accented or emoji text. With ASCII boundaries every pattern stays on the
/// DFA, in any script. The meaning: ASCII letters, digits and `_` form
/// words; every other character, CJK included, separates them — so
/// `\bagent\b` matches in `转agent人工`.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    use regex_syntax::ast::{Assertion, AssertionKind, Ast, Visitor};

    struct Boundaries(Vec<(usize, usize)>);
    impl Visitor for Boundaries {
        type Output = Vec<(usize, usize)>;
        type Err = ();
        fn finish(self) -> Result<Self::Output, ()> {
            Ok(self.0)
        }
        fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
            if let Ast::Assertion(a) = ast {
                let Assertion { kind, span } = &**a;
                let anchor = matches!(
                    kind,
                    AssertionKind::StartLine
                        | AssertionKind::EndLine
                        | AssertionKind::StartText
                        | AssertionKind::EndText
                );
                if !anchor {
                    self.0.push((span.start.offset, span.end.offset));
                }
            }
            Ok(())
        }
    }
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(pattern) else {
        // Invalid patterns are reported by the regex build, unchanged.
        return pattern.to_owned();
    };
    let spans = regex_syntax::ast::visit(&ast, Boundaries(Vec::new())).unwrap_or_default();
    if spans.is_empty() {
        return pattern.to_owned();
    }
    let mut out = String::with_capacity(pattern.len() + spans.len() * 6);
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&pattern[at..start]);
        out.push_str("(?-u:");
        out.push_str(&pattern[start..end]);
        out.push(')');
        at = end;
    }
    out.push_str(&pattern[at..]);
    out
}

pub(crate) struct Compiler<'s> {
    schema: &'s Schema,
    ctx: Context,
    sink: Option<&'s mut dyn AtomSink>,
    depth: usize,
    /// What the regexes compiled so far (those run one by one) cost.
    regex_memory: usize,
    pub(crate) errors: Vec<ExprError>,
}

impl<'s> Compiler<'s> {
    pub(crate) fn new(
        schema: &'s Schema,
        ctx: Context,
        sink: Option<&'s mut dyn AtomSink>,
    ) -> Self {
        Compiler {
            schema,
            ctx,
            sink,
            depth: 0,
            regex_memory: 0,
            errors: Vec::new(),
        }
    }

    /// Compiles a condition; problems go to `self.errors`.
    pub(crate) fn condition(&mut self, e: &Expr) -> Node {
        // The parser bounds nesting; a tree built by hand is bounded here.
        self.depth += 1;
        let node = if self.depth > 2 * super::parser::MAX_DEPTH {
            self.fail(ExprError::new(
                ExprErrorKind::Limit,
                e.span,
                format!(
                    "expression nests more than {} levels deep",
                    super::parser::MAX_DEPTH
                ),
            ))
        } else {
            self.condition_inner(e)
        };
        self.depth -= 1;
        node
    }

    fn condition_inner(&mut self, e: &Expr) -> Node {
        match &e.kind {
            ExprKind::Or(items) => Node::Or(items.iter().map(|i| self.condition(i)).collect()),
            ExprKind::And(items) => Node::And(items.iter().map(|i| self.condition(i)).collect()),
            ExprKind::Not(inner) => Node::Not(Box::new(self.condition(inner)), e.span),
            ExprKind::Operand(o) => self.lone(o),
            ExprKind::Compare { lhs, op, rhs } => self.compare(lhs, *op, rhs, e.span),
        }
    }

    fn fail(&mut self, err: ExprError) -> Node {
        self.errors.push(err);
        Node::Const(false, Span::default())
    }

    fn type_err(&mut self, span: Span, msg: String, help: Option<String>) -> Node {
        let mut err = ExprError::new(ExprErrorKind::Type, span, msg);
        if let Some(h) = help {
            err = err.with_help(h);
        }
        self.fail(err)
    }

    fn lone(&mut self, o: &Operand) -> Node {
        match &o.kind {
            OperandKind::Literal(Value::Bool(b)) => Node::Const(*b, o.span),
            OperandKind::Group(g) => self.condition(g),
            OperandKind::Path(p) => match self.schema.resolve(p, o.span, self.ctx) {
                Err(e) => self.fail(e),
                Ok((fact, Type::Bool | Type::Any)) => Node::Truthy(fact, o.span),
                Ok((_, ty)) => {
                    let help = match ty {
                        Type::Text => {
                            format!("compare it, as in `{p} == '…'` or `{p} contains '…'`")
                        }
                        Type::Number => format!("compare it, as in `{p} > 0`"),
                        _ => format!("test membership, as in `{p} has '…'`"),
                    };
                    self.type_err(
                        o.span,
                        format!("`{p}` is {ty}, not a condition"),
                        Some(help),
                    )
                }
            },
            OperandKind::Literal(v) => self.type_err(
                o.span,
                format!("a {} is not a condition", v.type_name()),
                Some("a condition is a comparison, a boolean name, `true` or `false`".into()),
            ),
            OperandKind::List(_) => self.type_err(
                o.span,
                "a list is not a condition".into(),
                Some("use it with `in`, `has` or `contains_any`".into()),
            ),
        }
    }

    /// Resolves an operand and its static type.
    fn arg(&mut self, o: &Operand) -> Option<(Arg, Type)> {
        match &o.kind {
            OperandKind::Path(p) => match self.schema.resolve(p, o.span, self.ctx) {
                Ok((f, t)) => Some((Arg::Fact(f), t)),
                Err(e) => {
                    self.errors.push(e);
                    None
                }
            },
            OperandKind::Literal(v) => Some((Arg::Lit(v.clone()), lit_type(v))),
            OperandKind::List(items) => {
                self.check_list(items)?;
                let values: Box<[Value]> = items.iter().map(|l| l.value.clone()).collect();
                Some((Arg::List(values), Type::List))
            }
            OperandKind::Group(g) => {
                let n = self.condition(g);
                Some((Arg::Group(Box::new(n)), Type::Bool))
            }
        }
    }

    fn check_list(&mut self, items: &[Literal]) -> Option<()> {
        let first = items.first()?;
        for l in &items[1..] {
            if l.value.type_name() != first.value.type_name() {
                self.errors.push(
                    ExprError::new(
                        ExprErrorKind::Type,
                        l.span,
                        format!(
                            "this list mixes {} and {}",
                            first.value.type_name(),
                            l.value.type_name()
                        ),
                    )
                    .with_help("a list holds values of one type; quote text: '…'"),
                );
                return None;
            }
        }
        Some(())
    }

    fn compare(&mut self, lhs: &Operand, op: Op, rhs: &Operand, span: Span) -> Node {
        let l = self.arg(lhs);
        let r = self.arg(rhs);
        let (Some((la, lt)), Some((ra, rt))) = (l, r) else {
            return Node::Const(false, span);
        };
        let named = |o: &Operand, t: Type| match &o.kind {
            OperandKind::Path(p) => format!("`{p}` is {t}"),
            OperandKind::Literal(v) => format!("{} is {t}", lit_text(v)),
            OperandKind::List(_) => "the right side is a list".into(),
            OperandKind::Group(_) => "the group is a condition (bool)".into(),
        };
        let elem = list_elem_type(rhs);
        let scalar = |t: Type| !matches!(t, Type::List | Type::Skills);
        let problem: Option<(String, Option<String>)> = match op {
            Op::Eq | Op::Ne => {
                if lt == Type::Skills || rt == Type::Skills {
                    Some((
                        "`agent.skills` cannot be compared whole".into(),
                        Some("compare a level: `agent.skills.billing >= 2`, or test `agent.skills has 'billing'`".into()),
                    ))
                } else if lt != rt && lt != Type::Any && rt != Type::Any {
                    Some((
                        format!(
                            "`{op}` compares values of one type, but {} and {}",
                            named(lhs, lt),
                            named(rhs, rt)
                        ),
                        (lt == Type::Text || rt == Type::Text).then(|| {
                            "quote numbers compared with text, or compare text with text".into()
                        }),
                    ))
                } else {
                    None
                }
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge => [(lhs, lt), (rhs, rt)]
                .into_iter()
                .find(|(_, t)| !matches!(t, Type::Number | Type::Any))
                .map(|(o, t)| {
                    (
                        format!("`{op}` compares numbers, but {}", named(o, t)),
                        None,
                    )
                }),
            Op::In | Op::NotIn => {
                if !scalar(lt) {
                    Some((
                        format!(
                            "`{op}` needs a single value on its left, but {}",
                            named(lhs, lt)
                        ),
                        Some("to test a list for a value, write `list has value`".into()),
                    ))
                } else if !matches!(rt, Type::List | Type::Any) {
                    Some((
                        format!("`{op}` needs a list on its right, but {}", named(rhs, rt)),
                        Some("write a list: ['a', 'b']".into()),
                    ))
                } else {
                    elem.filter(|&e| lt != Type::Any && e != lt)
                        .map(|e| (format!("{} but the list holds {e}", named(lhs, lt)), None))
                }
            }
            Op::Has => {
                if !matches!(lt, Type::List | Type::Skills | Type::Any) {
                    Some((
                        format!("`has` needs a list on its left, but {}", named(lhs, lt)),
                        (lt == Type::Text).then(|| "for text, use `contains`".into()),
                    ))
                } else if !scalar(rt) {
                    Some((
                        format!(
                            "`has` needs a single value on its right, but {}",
                            named(rhs, rt)
                        ),
                        None,
                    ))
                } else if lt == Type::Skills && !matches!(rt, Type::Text | Type::Any) {
                    Some(("`agent.skills has` takes a skill name".into(), None))
                } else {
                    // Path lists hold text; a literal list its own type.
                    let held = match &lhs.kind {
                        OperandKind::Path(_) if lt == Type::List => Some(Type::Text),
                        _ => list_elem_type(lhs),
                    };
                    held.filter(|&h| rt != Type::Any && h != rt)
                        .map(|h| (format!("{} but the list holds {h}", named(rhs, rt)), None))
                }
            }
            Op::Contains | Op::StartsWith | Op::Matches | Op::ContainsAny => {
                if !matches!(lt, Type::Text | Type::Any) {
                    let help = (lt == Type::List)
                        .then(|| "to test a list for a value, use `has`".to_owned());
                    Some((
                        format!("`{op}` works on text, but {}", named(lhs, lt)),
                        help,
                    ))
                } else if op == Op::ContainsAny {
                    if !matches!(rt, Type::List | Type::Any) {
                        Some((
                            format!("`contains_any` takes a list, but {}", named(rhs, rt)),
                            Some("write a list: ['refund', '退款'], or use `contains`".into()),
                        ))
                    } else {
                        elem.filter(|&e| e != Type::Text).map(|e| {
                            (
                                format!(
                                    "`contains_any` takes a list of text, but the list holds {e}"
                                ),
                                None,
                            )
                        })
                    }
                } else if op == Op::Matches {
                    match &rhs.kind {
                        OperandKind::Literal(Value::Text(_)) => None,
                        _ => Some((
                            "`matches` takes a quoted pattern".into(),
                            Some(
                                "write the regex as a string: text matches 'order #?\\\\d+'".into(),
                            ),
                        )),
                    }
                } else if !matches!(rt, Type::Text | Type::Any) {
                    let help = (rt == Type::List)
                        .then(|| "for a list of alternatives, use `contains_any`".to_owned());
                    Some((format!("`{op}` takes text, but {}", named(rhs, rt)), help))
                } else {
                    None
                }
            }
        };
        if let Some((msg, help)) = problem {
            return self.type_err(span, msg, help);
        }
        let outside = super::domain::check(lhs, &la, op, rhs, &ra);
        if !outside.is_empty() {
            self.errors.extend(outside);
            return Node::Const(false, span);
        }
        let node = self.lower(la, op, ra, rhs, span);
        match (node, self.sink.as_deref_mut()) {
            (Node::Test(t), Some(sink)) => {
                Node::Cached(sink.test(format!("{lhs} {op} {rhs}"), *t), span)
            }
            (node, _) => node,
        }
    }

    fn lower(&mut self, la: Arg, op: Op, ra: Arg, rhs: &Operand, span: Span) -> Node {
        let literals: Option<Vec<&str>> = match &rhs.kind {
            OperandKind::Literal(Value::Text(s)) => Some(vec![s.as_str()]),
            OperandKind::List(items) => items.iter().map(|l| l.value.as_text()).collect(),
            _ => None,
        };
        let text_op = matches!(
            op,
            Op::Contains | Op::ContainsAny | Op::StartsWith | Op::Matches
        );
        if op == Op::Matches {
            let OperandKind::Literal(Value::Text(pattern)) = &rhs.kind else {
                return Node::Const(false, span);
            };
            let pattern = &ascii_word_boundaries(pattern);
            let fail = |e: PatternError| {
                let (msg, help) = regex_message(&e);
                let mut err = ExprError::new(ExprErrorKind::Regex, rhs.span, msg);
                if let Some(h) = help {
                    err = err.with_help(h);
                }
                err
            };
            if matches!(la, Arg::Fact(Fact::Text))
                && let Some(sink) = self.sink.as_deref_mut()
            {
                // The router matches it in its single scan: check it here
                // and leave the building to the router.
                return match pattern::check(pattern, MAX_REGEX_SIZE) {
                    Ok(size) => Node::Atoms(Box::new([sink.regex(pattern, size)]), span),
                    Err(e) => self.fail(fail(e)),
                };
            }
            let re = match Patterns::new(&[pattern], MAX_REGEX_SIZE, FIELD_CACHE) {
                Ok(re) => re,
                Err(e) => return self.fail(fail(e)),
            };
            self.regex_memory = self.regex_memory.saturating_add(re.footprint().total());
            if self.regex_memory > MAX_REGEX_MEMORY {
                return self.fail(ExprError::new(
                    ExprErrorKind::Limit,
                    rhs.span,
                    format!(
                        "the `matches` patterns of this condition need more than {} to run",
                        pattern::bytes(MAX_REGEX_MEMORY)
                    ),
                ).with_help("use fewer or smaller patterns: a counted repetition such as {1000} multiplies a pattern's size"));
            }
            return Node::Test(Box::new(Test {
                lhs: la,
                op,
                rhs: Arg::Regex(re),
                span,
            }));
        }
        if let (true, Some(needles)) = (text_op, literals) {
            let folded: Vec<String> = needles.iter().map(|n| fold(n)).collect();
            if folded.iter().any(String::is_empty) && matches!(la, Arg::Fact(Fact::Text)) {
                // The message text is never missing, and every text
                // contains and starts with the empty string.
                return Node::Const(true, span);
            }
            if folded.is_empty() {
                return Node::Const(false, span);
            }
            if matches!(la, Arg::Fact(Fact::Text))
                && let Some(sink) = self.sink.as_deref_mut()
            {
                let prefix = op == Op::StartsWith;
                let ids: Box<[u32]> = folded.iter().map(|f| sink.keyword(f, prefix)).collect();
                return Node::Atoms(ids, span);
            }
            return Node::Test(Box::new(Test {
                lhs: la,
                op,
                rhs: Arg::Folded(folded.into()),
                span,
            }));
        }
        Node::Test(Box::new(Test {
            lhs: la,
            op,
            rhs: ra,
            span,
        }))
    }
}

fn lit_type(v: &Value) -> Type {
    match v {
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::Text(_) => Type::Text,
        Value::List(_) => Type::List,
    }
}

fn lit_text(v: &Value) -> String {
    let mut s = String::new();
    let _ = super::ast::write_literal(&mut s, v);
    s
}

/// The element type of a literal list operand, if it is one and is not
/// empty.
fn list_elem_type(o: &Operand) -> Option<Type> {
    match &o.kind {
        OperandKind::List(items) => items.first().map(|l| lit_type(&l.value)),
        _ => None,
    }
}

/// A one-line message (and help) from a regex error.
fn regex_message(e: &PatternError) -> (String, Option<String>) {
    match e {
        PatternError::TooBig { limit } => (
            format!("this pattern compiles to more than {limit} bytes"),
            Some("simplify it: large counted repetitions such as {1000} multiply its size".into()),
        ),
        other => {
            let text = other.to_string();
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let detail = last.trim_start_matches("error: ").trim();
            (
                format!("invalid regex: {detail}"),
                Some("`matches` takes the regex crate's syntax".into()),
            )
        }
    }
}
