//! A format-neutral tree of the configuration document, with source spans
//! when the format gives them (TOML does; JSON through serde does not), and
//! keys in document order.

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

/// Reads a node tree from any self-describing serde format (JSON, YAML…),
/// without spans.
///
/// An object with a key twice is an error, as it is in TOML: serde_json
/// and most maps keep the last value, so a config that says `"queue":
/// "billing"` and later `"queue": "general"` would route silently to one of
/// them. The error says which key and where (`rules[0].then.queue`).
#[derive(Clone, Copy)]
pub(crate) struct NodeSeed<'p> {
    path: &'p str,
    /// Set to the path and the key of the first duplicate key found, for a
    /// caller that wants them apart from the error message.
    duplicate: &'p std::cell::RefCell<Option<(String, String)>>,
}

impl<'p> NodeSeed<'p> {
    pub(crate) fn root(duplicate: &'p std::cell::RefCell<Option<(String, String)>>) -> Self {
        NodeSeed {
            path: "",
            duplicate,
        }
    }

    fn child(self, path: &'p str) -> Self {
        NodeSeed { path, ..self }
    }
}

/// The message of a duplicate-key error, without its place.
pub(crate) fn duplicate_key_message(key: &str) -> String {
    format!("duplicate key `{key}`")
}

impl<'de> serde::de::DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NodeSeed<'_> {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a configuration value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(leaf(Kind::Null))
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(leaf(Kind::Null))
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(leaf(Kind::Bool(b)))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Node, E> {
        Ok(leaf(Kind::Int(i)))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Node, E> {
        // Beyond i64 it reads as a float, which the reader reports as out of
        // range.
        Ok(leaf(match i64::try_from(u) {
            Ok(i) => Kind::Int(i),
            Err(_) => Kind::Float(u as f64),
        }))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Node, E> {
        Ok(leaf(Kind::Float(f)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(leaf(Kind::Str(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(leaf(Kind::Str(s)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = format!("{}[{}]", self.path, items.len());
            match seq.next_element_seed(self.child(&path))? {
                Some(n) => items.push(n),
                None => return Ok(leaf(Kind::Array(items))),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key.clone()) {
                let msg = format!("{} at {path}", duplicate_key_message(&key));
                *self.duplicate.borrow_mut() = Some((path, key));
                return Err(serde::de::Error::custom(msg));
            }
            let value = map.next_value_seed(self.child(&path))?;
            entries.push((key, value));
        }
        Ok(leaf(Kind::Table(entries)))
    }
}

fn leaf(kind: Kind) -> Node {
    Node { kind, span: None }
}

/// Source spans of the fields read, by path (`rules[2].when`).
pub(crate) type SpanMap = HashMap<String, Span>;
