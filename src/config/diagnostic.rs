//! Problems found in a configuration, rendered like a compiler's.

use std::fmt;

use serde::Serialize;

use crate::expr::Snippet;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// The configuration is rejected.
    Error,
    /// The configuration is accepted, but something in it is probably a
    /// mistake (a rule that can never run).
    Warning,
}

/// One problem in a configuration: where it is (the item, the field path,
/// the line and column), what is wrong, and a suggestion when one is likely.
///
/// `Display` renders it like a compiler:
///
/// ```text
/// error: unknown name `contact.teir`
///  --> 7:9 in rule `refund-vip` (rules[0].when)
///   |
/// 7 | when = "contact.teir == 'vip'"
///   |         ^^^^^^^^^^^^
///   = help: did you mean `contact.tier`?
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The field at fault, such as `rules[2].when` or `queues[0].overflow.to`.
    pub path: String,
    /// The item it belongs to, such as ``rule `refund-vip` ``.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// What is wrong.
    pub message: String,
    /// A suggested fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// 1-based line in the source file, when read from TOML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip)]
    pub(crate) snippet: Option<Snippet>,
    /// For a problem inside an expression: its source and the span in it.
    #[serde(skip)]
    pub(crate) expr: Option<(String, crate::expr::Span)>,
}

impl Diagnostic {
    pub(crate) fn new(
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            path: path.into(),
            item: None,
            message: message.into(),
            help: None,
            line: None,
            column: None,
            snippet: None,
            expr: None,
        }
    }

    pub(crate) fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    pub(crate) fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, message)
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn maybe_help(mut self, help: Option<&str>) -> Self {
        self.help = help.map(str::to_owned);
        self
    }

    pub(crate) fn item(mut self, item: Option<&str>) -> Self {
        self.item = item.map(str::to_owned);
        self
    }

    pub(crate) fn at(mut self, snippet: Snippet) -> Self {
        self.set_snippet(snippet);
        self
    }

    pub(crate) fn set_snippet(&mut self, snippet: Snippet) {
        self.line = Some(snippet.line);
        self.column = Some(snippet.column);
        self.snippet = Some(snippet);
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{sev}: {}", self.message)?;
        let gutter = self.snippet.as_ref().map_or(1, Snippet::gutter);
        let pad = " ".repeat(gutter);
        let place = match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{l}:{c} "),
            _ => String::new(),
        };
        match &self.item {
            Some(item) => writeln!(f, "{pad}--> {place}in {item} ({})", self.path)?,
            None => writeln!(f, "{pad}--> {place}({})", self.path)?,
        }
        if let Some(s) = &self.snippet {
            write!(f, "{s}")?;
        }
        if let Some(h) = &self.help {
            writeln!(f, "{pad} = help: {h}")?;
        }
        Ok(())
    }
}

/// A configuration that does not compile: every problem found, errors and
/// warnings, in source order.
///
/// `Display` renders them all, then a count.
///
/// # Examples
///
/// ```
/// use switchboard::config::Config;
///
/// let err = Config::from_toml_str(r#"
/// [[rules]]
/// id = "a"
/// when = "txt contains 'refund'"
/// then = { queue = "billing" }
/// "#).unwrap_err();
/// assert_eq!(err.errors().count(), 2); // the unknown name, and the unknown queue
/// assert!(err.to_string().ends_with("2 errors\n"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    diagnostics: Vec<Diagnostic>,
}

impl ConfigError {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> Self {
        ConfigError { diagnostics }
    }

    /// Every diagnostic, errors and warnings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        let n = self.errors().count();
        let w = self.diagnostics.len() - n;
        let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
        if w > 0 {
            writeln!(f, "{}, {}", plural(n, "error"), plural(w, "warning"))
        } else {
            writeln!(f, "{}", plural(n, "error"))
        }
    }
}
