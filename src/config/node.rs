//! A format-neutral tree of the configuration document, with source spans
//! when the format gives them (TOML does; JSON through serde does not).

use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use crate::expr::{Snippet, Span};

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) span: Option<Span>,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Node>),
    Table(Vec<(String, Node)>),
}

impl Kind {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Str(_) => "text",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Bool(_) => "a boolean",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
        }
    }
}

/// Parses TOML into a node tree, reporting every syntax error.
pub(crate) fn from_toml(src: &str) -> Result<Node, Vec<Diagnostic>> {
    let (table, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let msg = e.message().trim().to_owned();
                let d = Diagnostic::error("(document)", format!("invalid TOML: {msg}"));
                match e.span() {
                    Some(r) => d.at(Snippet::locate(src, Span::new(r.start, r.end), 1, 0)),
                    None => d,
                }
            })
            .collect());
    }
    let span = table.span();
    Ok(Node {
        kind: toml_table(table.get_ref()),
        span: Some(Span::new(span.start, span.end)),
    })
}

fn toml_table(t: &DeTable<'_>) -> Kind {
    Kind::Table(
        t.iter()
            .map(|(k, v)| (k.get_ref().to_string(), toml_node(v.get_ref(), v.span())))
            .collect(),
    )
}

fn toml_node(v: &DeValue<'_>, span: std::ops::Range<usize>) -> Node {
    let kind = match v {
        DeValue::String(s) => Kind::Str(s.to_string()),
        // An integer beyond i64 reads as an infinite float, which the
        // reader reports as out of range.
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Kind::Int(n),
            Err(_) => Kind::Float(f64::INFINITY),
        },
        DeValue::Float(f) => Kind::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Kind::Bool(*b),
        // Bare TOML dates (`closed = [2026-12-25]`) read as their text.
        DeValue::Datetime(d) => Kind::Str(d.to_string()),
        DeValue::Array(a) => {
            Kind::Array(a.iter().map(|e| toml_node(e.get_ref(), e.span())).collect())
        }
        DeValue::Table(t) => toml_table(t),
    };
    Node {
        kind,
        span: Some(Span::new(span.start, span.end)),
    }
}

/// Converts any serde value (from JSON, YAML…) into a node tree without
/// spans.
pub(crate) fn from_json(v: serde_json::Value) -> Node {
    use serde_json::Value as J;
    let kind = match v {
        J::Null => Kind::Null,
        J::Bool(b) => Kind::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Kind::Int(i),
            None => Kind::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Kind::Str(s),
        J::Array(a) => Kind::Array(a.into_iter().map(from_json).collect()),
        J::Object(o) => Kind::Table(o.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    };
    Node { kind, span: None }
}

/// Source spans of the fields read, by path (`rules[2].when`).
pub(crate) type SpanMap = HashMap<String, Span>;
