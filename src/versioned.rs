//! Snapshot formats: a snapshot's `version` first, then its state, read
//! only when the format is this crate's.
//!
//! A snapshot of another format may differ in any field, and a plain
//! serde read would fail at the first one that changed shape (an unknown
//! or missing field) without saying why. Reading the `version` alone first
//! lets `restore` refuse such a snapshot by its format instead.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The JSON object `{"version": <version>, ...state}`, the state's fields
/// following the version in their own order.
pub(crate) fn serialize<S: Serializer, T: Serialize>(
    version: u32,
    state: Option<&T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Form<'a, T> {
        version: u32,
        #[serde(flatten)]
        state: Option<&'a T>,
    }
    Form { version, state }.serialize(s)
}

/// The `version` of a snapshot object and, when it is `current`, the state
/// its other fields make; the state of another format is not read.
///
/// The object is read whole before its fields are (JSON readers may give
/// them in any order: a `serde_json::Value` sorts them by name), so it
/// goes through a [`serde_json::Value`] and needs a self-describing format.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
    current: u32,
) -> Result<(u32, Option<T>), D::Error> {
    let mut object = serde_json::Map::deserialize(d)?;
    let version = object
        .remove("version")
        .ok_or_else(|| D::Error::missing_field("version"))?;
    let version = u32::deserialize(version).map_err(D::Error::custom)?;
    if version != current {
        return Ok((version, None));
    }
    let state = T::deserialize(serde_json::Value::Object(object)).map_err(D::Error::custom)?;
    Ok((version, Some(state)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct State {
        b: u32,
        a: String,
    }

    #[derive(Debug, PartialEq)]
    struct Snap(u32, Option<State>);

    impl Serialize for Snap {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self.0, self.1.as_ref(), s)
        }
    }

    impl<'de> Deserialize<'de> for Snap {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let (v, s) = deserialize(d, 2)?;
            Ok(Snap(v, s))
        }
    }

    #[test]
    fn the_version_comes_first_and_the_state_reads_back() {
        let snap = Snap(
            2,
            Some(State {
                b: 7,
                a: "x".into(),
            }),
        );
        let json = serde_json::to_string(&snap).unwrap();
        assert_eq!(json, r#"{"version":2,"b":7,"a":"x"}"#);
        assert_eq!(serde_json::from_str::<Snap>(&json).unwrap(), snap);
        // In any order, as a `serde_json::Value` gives them.
        let value = serde_json::to_value(&snap).unwrap();
        assert_eq!(serde_json::from_value::<Snap>(value).unwrap(), snap);
    }

    #[test]
    fn another_format_is_read_no_further_than_its_version() {
        let old = r#"{"version":1,"b":"seven","c":[]}"#;
        assert_eq!(serde_json::from_str::<Snap>(old).unwrap(), Snap(1, None));
        // The current format is read in full, and checked.
        let bad = r#"{"version":2,"b":"seven","a":"x"}"#;
        assert!(serde_json::from_str::<Snap>(bad).is_err());
        let extra = r#"{"version":2,"b":7,"a":"x","c":1}"#;
        assert!(serde_json::from_str::<Snap>(extra).is_err());
        assert!(serde_json::from_str::<Snap>(r#"{"b":7,"a":"x"}"#).is_err());
    }
}
