//! Host-supplied attribute values: contact and agent attributes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Named attributes a host attaches to a contact or an agent: tier, account
/// number, segment, VIP flag…
///
/// Rules read them as `contact.<name>` (and queues as
/// `agent.attributes.<name>`). The JSON form is a plain object.
///
/// # Examples
///
/// ```
/// use switchboard::{Attributes, Value};
///
/// let contact: Attributes = serde_json::from_str(r#"{"tier": "vip", "orders": 12, "beta": true}"#)?;
/// assert_eq!(contact["tier"], Value::from("vip"));
/// assert_eq!(contact["orders"], Value::Number(12.0));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type Attributes = BTreeMap<String, Value>;

/// One attribute value: text, a number, a boolean or a list.
///
/// The JSON form is the bare value (`"vip"`, `12`, `true`, `["en", "de"]`).
/// Numbers are `f64`, like JSON's.
///
/// # Examples
///
/// ```
/// use switchboard::Value;
///
/// let langs: Value = serde_json::from_str(r#"["en", "de"]"#)?;
/// assert_eq!(langs, Value::List(vec!["en".into(), "de".into()]));
/// assert_eq!(serde_json::to_string(&Value::from(3))?, "3.0");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
    /// A list of values (usually text: languages, segments, tags).
    List(Vec<Value>),
}

impl Value {
    /// The text, if this is text.
    ///
    /// ```
    /// # use switchboard::Value;
    /// assert_eq!(Value::from("gold").as_text(), Some("gold"));
    /// assert_eq!(Value::from(1).as_text(), None);
    /// ```
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The name of this value's type, as the expression language spells it:
    /// `bool`, `number`, `text` or `list`.
    ///
    /// ```
    /// # use switchboard::Value;
    /// assert_eq!(Value::from(true).type_name(), "bool");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::Text(_) => "text",
            Value::List(_) => "list",
        }
    }
}

/// Text as a customer would read it: text as it is, whole numbers without a
/// decimal point, lists joined with commas.
///
/// ```
/// use switchboard::Value;
/// assert_eq!(Value::from(3.0).to_string(), "3");
/// assert_eq!(Value::from(2.5).to_string(), "2.5");
/// assert_eq!(Value::List(vec!["en".into(), "de".into()]).to_string(), "en, de");
/// ```
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(s),
            Value::List(items) => {
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}
