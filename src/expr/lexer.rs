//! Splits expression source into tokens with byte spans.

use super::error::{ExprError, ExprErrorKind};
use super::span::Span;

/// A token of the expression language.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    True,
    False,
    And,
    Or,
    Not,
    In,
    Has,
    Contains,
    ContainsAny,
    StartsWith,
    Matches,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Num(_) => "a number".into(),
            Tok::Eof => "the end of the expression".into(),
            other => format!("`{}`", other.symbol()),
        }
    }

    /// The keyword's text, for keyword tokens (which may still serve as
    /// path segments after a dot: `contact.in`).
    pub(crate) fn as_keyword(&self) -> Option<&'static str> {
        match self {
            Tok::True
            | Tok::False
            | Tok::And
            | Tok::Or
            | Tok::Not
            | Tok::In
            | Tok::Has
            | Tok::Contains
            | Tok::ContainsAny
            | Tok::StartsWith
            | Tok::Matches => Some(self.symbol()),
            _ => None,
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::True => "true",
            Tok::False => "false",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::Has => "has",
            Tok::Contains => "contains",
            Tok::ContainsAny => "contains_any",
            Tok::StartsWith => "starts_with",
            Tok::Matches => "matches",
            Tok::Eq => "==",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Ident(_) | Tok::Str(_) | Tok::Num(_) | Tok::Eof => "",
        }
    }
}

/// The keywords, which cannot start a path.
pub(crate) fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "true" => Tok::True,
        "false" => Tok::False,
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        "has" => Tok::Has,
        "contains" => Tok::Contains,
        "contains_any" => Tok::ContainsAny,
        "starts_with" => Tok::StartsWith,
        "matches" => Tok::Matches,
        _ => return None,
    })
}

/// Whether `c` may start an identifier.
pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Whether `c` may continue an identifier. `-` is allowed inside names
/// (`hours.eu-west`), since the language has no subtraction.
pub(crate) fn is_ident_continue(c: char) -> bool {
    c == '_' || c == '-' || c.is_alphanumeric()
}

/// Tokenizes `src`. Every token comes with its span; the last is `Eof`.
pub(crate) fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ExprError> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let one = |tok| (tok, Span::new(start, start + c.len_utf8()));
        let tok = match c {
            '(' => one(Tok::LParen),
            ')' => one(Tok::RParen),
            '[' => one(Tok::LBracket),
            ']' => one(Tok::RBracket),
            ',' => one(Tok::Comma),
            '.' => one(Tok::Dot),
            '=' | '!' | '<' | '>' => {
                chars.next();
                let eq_next = chars.peek().is_some_and(|&(_, n)| n == '=');
                if eq_next {
                    chars.next();
                }
                let span = Span::new(start, start + if eq_next { 2 } else { 1 });
                let tok = match (c, eq_next) {
                    ('=', true) => Tok::Eq,
                    ('!', true) => Tok::Ne,
                    ('<', false) => Tok::Lt,
                    ('<', true) => Tok::Le,
                    ('>', false) => Tok::Gt,
                    ('>', true) => Tok::Ge,
                    ('=', false) => {
                        return Err(ExprError::new(
                            ExprErrorKind::Syntax,
                            span,
                            "`=` is not an operator",
                        )
                        .with_help("use `==` to compare"));
                    }
                    _ => {
                        return Err(ExprError::new(
                            ExprErrorKind::Syntax,
                            span,
                            "`!` is not an operator",
                        )
                        .with_help("use `not` to negate, or `!=` to compare"));
                    }
                };
                out.push((tok, span));
                continue;
            }
            '&' | '|' => {
                let word = if c == '&' { "and" } else { "or" };
                return Err(ExprError::new(
                    ExprErrorKind::Syntax,
                    Span::new(start, start + 1),
                    format!("`{c}` is not an operator"),
                )
                .with_help(format!("use `{word}`")));
            }
            '\'' | '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => {
                            return Err(ExprError::new(
                                ExprErrorKind::Syntax,
                                Span::new(start, src.len()),
                                "unterminated string",
                            )
                            .with_help(format!("close it with {c}")));
                        }
                        Some((_, q)) if q == c => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, e @ ('\\' | '\'' | '"'))) => s.push(e),
                            Some((_, 'n')) => s.push('\n'),
                            Some((_, 't')) => s.push('\t'),
                            // Other escapes keep their backslash, so regex
                            // classes such as `\d` need no doubling.
                            Some((_, e)) => {
                                s.push('\\');
                                s.push(e);
                            }
                            None => continue,
                        },
                        Some((_, ch)) => s.push(ch),
                    }
                }
                let end = chars.peek().map_or(src.len(), |&(i, _)| i);
                out.push((Tok::Str(s), Span::new(start, end)));
                continue;
            }
            c if c == '-' || c.is_ascii_digit() => {
                chars.next();
                let mut end = start + 1;
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_ascii_digit() || d == '.' || d == '_' {
                        end = i + 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                let text: String = src[start..end].chars().filter(|&c| c != '_').collect();
                let span = Span::new(start, end);
                let valid = text
                    .trim_start_matches('-')
                    .starts_with(|c: char| c.is_ascii_digit())
                    && !text.ends_with('.');
                match text.parse::<f64>() {
                    Ok(n) if valid && n.is_finite() => out.push((Tok::Num(n), span)),
                    _ => {
                        return Err(ExprError::new(
                            ExprErrorKind::Syntax,
                            span,
                            format!("`{}` is not a number", &src[start..end]),
                        )
                        .with_help("numbers look like 3, -1 or 0.75"));
                    }
                }
                continue;
            }
            c if is_ident_start(c) => {
                let mut end = start;
                while let Some(&(i, d)) = chars.peek() {
                    if is_ident_continue(d) {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &src[start..end];
                let tok = keyword(word).unwrap_or_else(|| Tok::Ident(word.to_owned()));
                out.push((tok, Span::new(start, end)));
                continue;
            }
            other => {
                return Err(ExprError::new(
                    ExprErrorKind::Syntax,
                    Span::new(start, start + other.len_utf8()),
                    format!("unexpected character `{other}`"),
                )
                .with_help("strings are quoted: 'like this'"));
            }
        };
        chars.next();
        out.push(tok);
    }
    out.push((Tok::Eof, Span::new(src.len(), src.len())));
    Ok(out)
}
