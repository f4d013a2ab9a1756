//! Checks every input passes before it may change anything: sizes, ranges,
//! empty names and the declared types of host attributes.

use std::collections::BTreeMap;

use crate::expr::AttrType;
use crate::model::{Attributes, Value};

use super::InputError;

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
