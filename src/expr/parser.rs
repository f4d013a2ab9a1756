//! Recursive-descent parser: tokens → [`Expr`].
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | compare
//! compare := operand (op operand)?
//! operand := path | string | number | true | false | list | "(" expr ")"
//! ```

use super::ast::{Expr, ExprKind, Literal, Op, Operand, OperandKind, Path};
use super::error::{ExprError, ExprErrorKind};
use super::lexer::{Tok, lex};
use super::span::Span;
use crate::model::Value;

/// Longest expression source accepted, in bytes.
pub const MAX_EXPR_LEN: usize = 64 * 1024;

/// Deepest nesting of parentheses and `not` accepted.
pub const MAX_DEPTH: usize = 64;

pub(crate) fn parse(src: &str) -> Result<Expr, ExprError> {
    if src.len() > MAX_EXPR_LEN {
        return Err(ExprError::new(
            ExprErrorKind::Limit,
            Span::new(0, 0),
            format!(
                "expression is {} bytes long; the limit is {MAX_EXPR_LEN}",
                src.len()
            ),
        )
        .with_help("split it into several rules"));
    }
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    if p.peek() == &Tok::Eof {
        return Err(
            ExprError::new(ExprErrorKind::Syntax, p.span(), "empty expression")
                .with_help("write `true` for a rule that always matches"),
        );
    }
    let e = p.or()?;
    if p.peek() != &Tok::Eof {
        let found = p.peek().describe();
        let mut err = ExprError::new(
            ExprErrorKind::Syntax,
            p.span(),
            format!("unexpected {found} after a complete expression"),
        );
        err = match p.peek() {
            Tok::Ident(_) | Tok::Str(_) | Tok::Num(_) => {
                err.with_help("join conditions with `and` or `or`")
            }
            Tok::RParen => err.with_help("this `)` has no matching `(`"),
            _ => err,
        };
        return Err(err);
    }
    Ok(e)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].0
    }

    fn span(&self) -> Span {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::new(
                ExprErrorKind::Limit,
                self.span(),
                format!("expression nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.chain(Tok::Or, Self::and, ExprKind::Or)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.chain(Tok::And, Self::unary, ExprKind::And)
    }

    fn chain(
        &mut self,
        sep: Tok,
        next: fn(&mut Self) -> Result<Expr, ExprError>,
        make: fn(Vec<Expr>) -> ExprKind,
    ) -> Result<Expr, ExprError> {
        let first = next(self)?;
        if self.peek() != &sep {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek() == &sep {
            self.bump();
            items.push(next(self)?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        Ok(Expr {
            kind: make(items),
            span,
        })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek() == &Tok::Not {
            let (_, start) = self.bump();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ExprError> {
        let lhs = self.operand()?;
        let op = match self.peek() {
            Tok::Eq => Op::Eq,
            Tok::Ne => Op::Ne,
            Tok::Lt => Op::Lt,
            Tok::Le => Op::Le,
            Tok::Gt => Op::Gt,
            Tok::Ge => Op::Ge,
            Tok::In => Op::In,
            Tok::Has => Op::Has,
            Tok::Contains => Op::Contains,
            Tok::ContainsAny => Op::ContainsAny,
            Tok::StartsWith => Op::StartsWith,
            Tok::Matches => Op::Matches,
            Tok::Not => {
                if self.peek_at(1) != &Tok::In {
                    self.bump();
                    return Err(ExprError::new(
                        ExprErrorKind::Syntax,
                        self.span(),
                        format!(
                            "expected `in` after `not`, found {}",
                            self.peek().describe()
                        ),
                    )
                    .with_help(
                        "`not` after a value only forms `not in`; to negate, put `not` first",
                    ));
                }
                self.bump();
                Op::NotIn
            }
            _ => {
                // A parenthesized expression on its own is just that
                // expression: parentheses are syntax, not a node.
                return Ok(match lhs.kind {
                    OperandKind::Group(inner) => *inner,
                    kind => {
                        let span = lhs.span;
                        Expr {
                            kind: ExprKind::Operand(Operand { kind, span }),
                            span,
                        }
                    }
                });
            }
        };
        self.bump();
        if matches!(self.peek(), Tok::Eof | Tok::And | Tok::Or | Tok::RParen) {
            return Err(ExprError::new(
                ExprErrorKind::Syntax,
                self.span(),
                format!(
                    "expected a value after `{op}`, found {}",
                    self.peek().describe()
                ),
            ));
        }
        let rhs = self.operand()?;
        let span = lhs.span.to(rhs.span);
        Ok(Expr {
            kind: ExprKind::Compare { lhs, op, rhs },
            span,
        })
    }

    fn operand(&mut self) -> Result<Operand, ExprError> {
        let (tok, span) = self.bump();
        let kind = match tok {
            Tok::Ident(first) => {
                let mut segments = vec![first];
                let mut end = span;
                while self.peek() == &Tok::Dot {
                    self.bump();
                    let (seg, seg_span) = self.bump();
                    let name = match seg {
                        Tok::Ident(s) => s,
                        t if t.as_keyword().is_some() => t.as_keyword().unwrap_or_default().into(),
                        other => {
                            return Err(ExprError::new(
                                ExprErrorKind::Syntax,
                                seg_span,
                                format!("expected a name after `.`, found {}", other.describe()),
                            ));
                        }
                    };
                    segments.push(name);
                    end = seg_span;
                }
                return Ok(Operand {
                    kind: OperandKind::Path(Path { segments }),
                    span: span.to(end),
                });
            }
            Tok::Str(s) => OperandKind::Literal(Value::Text(s)),
            Tok::Num(n) => OperandKind::Literal(Value::Number(n)),
            Tok::True => OperandKind::Literal(Value::Bool(true)),
            Tok::False => OperandKind::Literal(Value::Bool(false)),
            Tok::LBracket => return self.list(span),
            Tok::LParen => {
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                if self.peek() != &Tok::RParen {
                    return Err(ExprError::new(
                        ExprErrorKind::Syntax,
                        self.span(),
                        format!("expected `)`, found {}", self.peek().describe()),
                    )
                    .with_help("a `(` before it is never closed"));
                }
                let (_, close) = self.bump();
                return Ok(Operand {
                    kind: OperandKind::Group(Box::new(inner)),
                    span: span.to(close),
                });
            }
            other => {
                let mut err = ExprError::new(
                    ExprErrorKind::Syntax,
                    span,
                    format!("expected a value, found {}", other.describe()),
                );
                if matches!(
                    other,
                    Tok::Contains
                        | Tok::ContainsAny
                        | Tok::StartsWith
                        | Tok::Matches
                        | Tok::Has
                        | Tok::In
                ) {
                    err = err.with_help(format!(
                        "`{}` needs a value on its left, such as `text`",
                        other.describe().replace('`', "")
                    ));
                }
                return Err(err);
            }
        };
        Ok(Operand { kind, span })
    }

    fn list(&mut self, open: Span) -> Result<Operand, ExprError> {
        let mut items = Vec::new();
        loop {
            if self.peek() == &Tok::RBracket {
                break;
            }
            let (tok, span) = self.bump();
            let value = match tok {
                Tok::Str(s) => Value::Text(s),
                Tok::Num(n) => Value::Number(n),
                Tok::True => Value::Bool(true),
                Tok::False => Value::Bool(false),
                Tok::Ident(name) => {
                    return Err(ExprError::new(
                        ExprErrorKind::Syntax,
                        span,
                        "list elements must be literals",
                    )
                    .with_help(format!("quote text: '{name}'")));
                }
                Tok::Eof => {
                    return Err(ExprError::new(
                        ExprErrorKind::Syntax,
                        open.to(span),
                        "unclosed list",
                    )
                    .with_help("close it with `]`"));
                }
                other => {
                    return Err(ExprError::new(
                        ExprErrorKind::Syntax,
                        span,
                        format!("expected a list element, found {}", other.describe()),
                    ));
                }
            };
            items.push(Literal { value, span });
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBracket => break,
                other => {
                    let found = other.describe();
                    return Err(ExprError::new(
                        ExprErrorKind::Syntax,
                        self.span(),
                        format!("expected `,` or `]` in a list, found {found}"),
                    ));
                }
            }
        }
        let (_, close) = self.bump();
        Ok(Operand {
            kind: OperandKind::List(items),
            span: open.to(close),
        })
    }
}
