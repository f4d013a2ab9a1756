//! Collecting diagnostics while a configuration compiles, and placing them
//! in the source: line, column and snippet, from the spans the reader kept.

use super::checks::Problem;
use super::diagnostic::Diagnostic;
use super::node::SpanMap;
use crate::expr::{ExprError, Snippet, Span};

/// Collects diagnostics while compiling.
pub(super) struct Diags {
    pub(super) list: Vec<Diagnostic>,
}

impl Diags {
    pub(super) fn problem(&mut self, path: String, item: Option<&str>, (msg, help): Problem) {
        self.error(path, item, msg, help);
    }

    pub(super) fn error(
        &mut self,
        path: String,
        item: Option<&str>,
        msg: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(path, msg).item(item);
        d.help = help;
        self.list.push(d);
    }

    /// One error per problem in expression `src`, each pointing into it.
    pub(super) fn expr(
        &mut self,
        path: String,
        item: Option<&str>,
        src: &str,
        errs: Vec<ExprError>,
    ) {
        for e in errs {
            let mut d = Diagnostic::error(path.clone(), e.message())
                .item(item)
                .maybe_help(e.help());
            d.expr = Some((src.to_owned(), e.span()));
            self.list.push(d);
        }
    }

    /// An error for a reference to a `kind` (queue, bot …) named `name`
    /// that is not among `known`, suggesting the closest.
    pub(super) fn reference(
        &mut self,
        path: String,
        item: Option<&str>,
        kind: &str,
        name: &str,
        known: &[&str],
    ) {
        let blank = name.trim().is_empty();
        let guess = (!blank)
            .then(|| crate::expr::did_you_mean(name, &mut known.iter().map(|s| (*s).to_owned())))
            .flatten();
        let help = guess.unwrap_or_else(|| {
            if known.is_empty() {
                format!("no {kind}s are declared")
            } else {
                format!("the {kind}s are: {}", known.join(", "))
            }
        });
        let message = if blank {
            format!("the {kind} name is empty")
        } else {
            format!("unknown {kind} `{name}`")
        };
        self.error(path, item, message, Some(help));
    }

    /// Whether an error (not a warning) has been found.
    pub(super) fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }
}

/// Gives each diagnostic its line, column and source snippet, then sorts
/// them in source order.
pub(super) fn locate(diags: &mut [Diagnostic], src: Option<&str>, spans: &SpanMap) {
    for d in diags.iter_mut() {
        if d.snippet.is_some() {
            continue;
        }
        let mut path = d.path.as_str();
        let span = loop {
            if let Some(s) = spans.get(path) {
                break Some(*s);
            }
            match path.rfind(['.', '[']) {
                Some(i) => path = &path[..i],
                None => break None,
            }
        };
        match (src, span) {
            (Some(src), Some(span)) => {
                let snippet = match &d.expr {
                    Some((expr, inner)) => expr_snippet(src, span, expr, *inner),
                    None => Snippet::locate(src, span, 1, 0),
                };
                d.set_snippet(snippet);
            }
            (None, _) | (_, None) => {
                if let Some((expr, inner)) = &d.expr {
                    d.snippet = Some(Snippet::locate(expr, *inner, 1, 0));
                }
            }
        }
    }
    diags.sort_by_key(|d| d.line.unwrap_or(usize::MAX));
}

/// Points into the config file when the string is written without escapes,
/// else shows the expression under the line of its value.
fn expr_snippet(src: &str, value: Span, expr: &str, inner: Span) -> Snippet {
    let raw = src.get(value.range()).unwrap_or("");
    let open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        let after = &raw[3..];
        3 + if after.starts_with("\r\n") {
            2
        } else if after.starts_with('\n') {
            1
        } else {
            0
        }
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        return located_expr(src, value, expr, inner);
    };
    let start = value.start + open;
    if src.get(start..start + expr.len()) == Some(expr) {
        Snippet::locate(src, Span::new(start + inner.start, start + inner.end), 1, 0)
    } else {
        located_expr(src, value, expr, inner)
    }
}

fn located_expr(src: &str, value: Span, expr: &str, inner: Span) -> Snippet {
    let line = src[..value.start.min(src.len())].matches('\n').count() + 1;
    Snippet::locate(expr, inner, line, 0)
}
