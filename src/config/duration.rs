//! Durations written as `"30s"`, `"15m"`, `"24h"`, `"1h 30m"`.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

/// Parses a duration such as `30s`, `15m`, `24h`, `1h 30m` or `500ms`.
pub(crate) fn parse(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim()).map_err(|_| {
        format!(
            "`{s}` is not a duration; write a number and a unit, such as 30s, 15m, 24h or 1h 30m"
        )
    })
}

/// Formats a duration the way it is written in configuration.
pub(crate) fn format(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// Serde for `Duration` as a duration string.
pub(crate) mod serde_str {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*d))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Serde for `Option<Duration>` as an optional duration string.
pub(crate) mod opt_str {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format(*d)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => parse(&s).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// Serde for `Vec<Duration>` as a list of duration strings.
pub(crate) mod vec_str {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(ds: &[Duration], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(ds.iter().map(|d| format(*d)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| parse(s).map_err(serde::de::Error::custom))
            .collect()
    }
}
