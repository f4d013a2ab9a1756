//! Errors in an expression, with the span they point at.

use std::fmt;

use super::span::Span;

/// What kind of problem an [`ExprError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExprErrorKind {
    /// The text does not follow the grammar: a stray character, an
    /// unterminated string, a missing operand.
    Syntax,
    /// A name the context does not know (`txt`, `contact.teir` when contact
    /// attributes are declared, `agent.*` in a routing rule).
    UnknownName,
    /// Operand types that do not fit the operator (`'a' > 3`).
    Type,
    /// A `matches` pattern the regex engine rejects, or one over the size
    /// limit.
    Regex,
    /// An expression too large or too deeply nested to accept, or whose
    /// patterns need too much memory.
    Limit,
    /// A literal the fact it is compared with can never have
    /// (`weekday == 'monday'`), or a bound outside the fact's range that
    /// makes the comparison never or always true (`hour > 23`).
    Domain,
}

/// A problem found while parsing or checking an expression.
///
/// It points at the offending text with a byte [`Span`], says what is wrong
/// and, where one is likely, suggests a fix. [`ExprError::render`] draws it
/// the way a compiler does.
///
/// # Examples
///
/// ```
/// use switchboard::expr::{Context, Expr, ExprError, Schema};
///
/// let expr = Expr::parse("txt contains 'refund'")?;
/// let err = &Schema::default().check(&expr, Context::Route).unwrap_err()[0];
/// assert_eq!(err.help(), Some("did you mean `text`?"));
/// assert_eq!(
///     err.render("txt contains 'refund'"),
///     "error: unknown name `txt`\n  |\n1 | txt contains 'refund'\n  | ^^^\n  = help: did you mean `text`?\n"
/// );
/// # Ok::<(), ExprError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    kind: ExprErrorKind,
    span: Span,
    message: String,
    help: Option<String>,
}

impl ExprError {
    pub(crate) fn new(kind: ExprErrorKind, span: Span, message: impl Into<String>) -> Self {
        ExprError {
            kind,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ExprErrorKind {
        self.kind
    }

    /// Where in the expression source the problem is.
    pub fn span(&self) -> Span {
        self.span
    }

    /// What is wrong, in one line.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A suggested fix, when one is likely.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Draws the error under the source line it points into, with a caret
    /// line under the span, the way a compiler does. `src` is the expression
    /// the error came from.
    pub fn render(&self, src: &str) -> String {
        let mut out = format!("error: {}\n", self.message);
        let snippet = Snippet::locate(src, self.span, 1, 0);
        snippet.write(&mut out);
        if let Some(help) = &self.help {
            out.push_str(&format!(
                "{}= help: {help}\n",
                " ".repeat(snippet.gutter() + 1)
            ));
        }
        out
    }
}

/// One source line with a caret span under it: the body of a rendered
/// diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Snippet {
    /// 1-based line number.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) column: usize,
    /// The full source line.
    pub(crate) text: String,
    /// Width of the caret run, in characters (at least 1).
    pub(crate) width: usize,
}

impl Snippet {
    /// Locates `span` of `src`, where `src` starts on line `first_line` and
    /// its first line starts at column `first_col` (0-based) of a longer
    /// line (used when the expression sits inside a config file).
    pub(crate) fn locate(src: &str, span: Span, first_line: usize, first_col: usize) -> Snippet {
        let start = floor_char_boundary(src, span.start.min(src.len()));
        let end = floor_char_boundary(src, span.end.clamp(start, src.len()));
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let line_idx = src[..start].matches('\n').count();
        let text = src[line_start..line_end].to_owned();
        let mut column = src[line_start..start].chars().count() + 1;
        if line_idx == 0 {
            column += first_col;
        }
        let width = src[start..end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        Snippet {
            line: first_line + line_idx,
            column,
            text,
            width,
        }
    }

    /// Width of the line-number gutter.
    pub(crate) fn gutter(&self) -> usize {
        self.line.to_string().len()
    }

    /// Appends the ` |`, source and caret lines.
    pub(crate) fn write(&self, out: &mut String) {
        let pad = " ".repeat(self.gutter());
        let text = self.text.replace('\t', " ");
        out.push_str(&format!("{pad} |\n{} | {text}\n", self.line));
        // Wide characters (CJK) take two columns on a terminal.
        let lead: usize = text.chars().take(self.column - 1).map(display_width).sum();
        let carets: usize = text
            .chars()
            .skip(self.column - 1)
            .take(self.width)
            .map(display_width)
            .sum::<usize>()
            .max(1);
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(lead),
            "^".repeat(carets)
        ));
    }
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Terminal columns a character takes: two for East Asian wide characters.
fn display_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}
