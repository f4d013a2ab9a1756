//! Checks every input passes before it may change anything: sizes, ranges,
//! empty names and the declared types of host attributes.

use std::collections::BTreeMap;

use crate::expr::AttrType;
use crate::model::{Attributes, Content, Location, Suggestion, Value};

use super::{Inbound, InputError};

/// Checks a text against the size limit.
pub(super) fn check_text(text: &str, max: u32) -> Result<(), InputError> {
    if text.len() > max as usize {
        return Err(InputError::TooLong {
            len: text.len(),
            max,
        });
    }
    Ok(())
}

/// Checks that free text spread over several strings (tags, suggestions,
/// an identifier and a language tag…) stays within `max` bytes in all.
pub(super) fn check_texts<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    max: u32,
) -> Result<(), InputError> {
    let len = texts
        .into_iter()
        .map(str::len)
        .fold(0usize, usize::saturating_add);
    if len > max as usize {
        return Err(InputError::TooLong { len, max });
    }
    Ok(())
}

/// Checks that an attribute map (contact attributes, slots) stays within
/// `max` bytes of keys and values in all, names no attribute with an empty
/// name, and holds only finite numbers.
pub(super) fn check_attributes(a: &Attributes, max: u32) -> Result<(), InputError> {
    fn size(v: &Value) -> usize {
        match v {
            Value::Text(s) => s.len(),
            Value::List(l) => l.iter().map(size).fold(0, usize::saturating_add),
            _ => 8,
        }
    }
    fn finite(v: &Value) -> bool {
        match v {
            Value::Number(x) => x.is_finite(),
            Value::List(l) => l.iter().all(finite),
            _ => true,
        }
    }
    let len = a
        .iter()
        .map(|(k, v)| k.len().saturating_add(size(v)))
        .fold(0usize, usize::saturating_add);
    if len > max as usize {
        return Err(InputError::TooLong { len, max });
    }
    if a.keys().any(|k| k.is_empty()) {
        return Err(InputError::EmptyId("attribute name"));
    }
    if a.values().any(|v| !finite(v)) {
        return Err(InputError::Number("attribute value"));
    }
    Ok(())
}

/// Checks host attributes against the types the configuration declares
/// for them (`[contact_attributes]`): a rule that reads `contact.score` as
/// a number must never see text. Attributes the configuration does not
/// declare are kept for the agent but no rule can read them.
pub(super) fn check_declared(
    declared: &BTreeMap<String, AttrType>,
    given: &Attributes,
) -> Result<(), InputError> {
    for (name, value) in given {
        if let Some(&ty) = declared.get(name)
            && !ty.admits(value)
        {
            return Err(InputError::AttributeType {
                name: name.clone(),
                declared: ty,
                given: value.type_name(),
            });
        }
    }
    Ok(())
}

/// Checks a score that must be a finite number within `min..=max`.
pub(super) fn check_range(
    field: &'static str,
    v: Option<f64>,
    min: f64,
    max: f64,
) -> Result<(), InputError> {
    match v {
        Some(x) if !x.is_finite() => Err(InputError::Number(field)),
        Some(value) if !(min..=max).contains(&value) => Err(InputError::OutOfRange {
            field,
            value,
            min,
            max,
        }),
        _ => Ok(()),
    }
}

/// Checks a name, id or tag that must say something.
pub(super) fn non_empty(field: &'static str, v: &str) -> Result<(), InputError> {
    if v.trim().is_empty() {
        return Err(InputError::EmptyId(field));
    }
    Ok(())
}

/// Checks content a bot or an agent sends: not empty, within `max` bytes
/// of text in all (text, captions, addresses, titles, payloads), with
/// every address, title and payload saying something and a location on
/// the map.
pub(super) fn check_content(c: &Content, max: u32) -> Result<(), InputError> {
    if c.is_empty() {
        return Err(InputError::EmptyId("content"));
    }
    let attachments = c.attachments.iter().flat_map(|a| {
        [
            a.url.as_str(),
            a.caption.as_deref().unwrap_or(""),
            a.mime_type.as_deref().unwrap_or(""),
        ]
    });
    let replies = c
        .quick_replies
        .iter()
        .flat_map(|q| [q.title.as_str(), q.payload.as_str()]);
    let link = c
        .link
        .iter()
        .flat_map(|l| [l.url.as_str(), l.title.as_deref().unwrap_or("")]);
    let template = c.template.iter().flat_map(|t| {
        [t.name.as_str(), t.language.as_str()]
            .into_iter()
            .chain(t.parameters.iter().map(String::as_str))
    });
    check_texts(
        std::iter::once(c.text.as_str())
            .chain(attachments)
            .chain(replies)
            .chain(link)
            .chain(template),
        max,
    )?;
    for a in &c.attachments {
        non_empty("attachments.url", &a.url)?;
    }
    for q in &c.quick_replies {
        non_empty("quick_replies.title", &q.title)?;
        non_empty("quick_replies.payload", &q.payload)?;
    }
    if let Some(l) = &c.link {
        non_empty("link.url", &l.url)?;
    }
    if let Some(t) = &c.template {
        non_empty("template.name", &t.name)?;
        non_empty("template.language", &t.language)?;
    }
    check_location(c.location.as_ref())
}

/// Checks that a shared place is on the map.
pub(super) fn check_location(l: Option<&Location>) -> Result<(), InputError> {
    match l {
        Some(l) if !l.is_valid() => Err(InputError::Location {
            lat: l.lat,
            lon: l.lon,
        }),
        _ => Ok(()),
    }
}

/// Checks a bot's suggestions: within `max` bytes in all, each with a
/// title.
pub(super) fn check_suggestions(s: &[Suggestion], max: u32) -> Result<(), InputError> {
    check_texts(
        s.iter().flat_map(|s| {
            [
                s.title.as_str(),
                s.text.as_deref().unwrap_or(""),
                s.url.as_deref().unwrap_or(""),
            ]
        }),
        max,
    )?;
    for s in s {
        non_empty("suggestions.title", &s.title)?;
    }
    Ok(())
}

/// Checks a customer message: sizes, ranges, names that must say
/// something, a location on the map.
pub(super) fn check_inbound(m: &Inbound, max: u32) -> Result<(), InputError> {
    check_text(&m.text, max)?;
    check_texts(
        m.attachments.iter().flat_map(|a| {
            [
                &a.url,
                a.caption.as_deref().unwrap_or(""),
                a.mime_type.as_deref().unwrap_or(""),
            ]
        }),
        max,
    )?;
    let choice = m
        .choice
        .iter()
        .flat_map(|c| [c.payload.as_str(), c.title.as_deref().unwrap_or("")]);
    check_texts(
        [
            m.lang.as_deref().unwrap_or(""),
            m.id.as_deref().unwrap_or(""),
            m.contact_id.as_ref().map_or("", |c| c.as_str()),
            m.reply_to.as_deref().unwrap_or(""),
            m.location
                .as_ref()
                .and_then(|l| l.label.as_deref())
                .unwrap_or(""),
        ]
        .into_iter()
        .chain(choice),
        max,
    )?;
    check_attributes(&m.contact, max)?;
    m.from.check(&m.channel)?;
    check_range("sentiment", m.sentiment, -1.0, 1.0)?;
    for (field, v) in [
        ("contact_id", m.contact_id.as_ref().map(|c| c.as_str())),
        ("lang", m.lang.as_deref()),
        ("id", m.id.as_deref()),
        ("reply_to", m.reply_to.as_deref()),
        (
            "choice.payload",
            m.choice.as_ref().map(|c| c.payload.as_str()),
        ),
    ] {
        if let Some(v) = v {
            non_empty(field, v)?;
        }
    }
    for a in &m.attachments {
        non_empty("attachments.url", &a.url)?;
    }
    check_location(m.location.as_ref())
}
