//! Text for people: HTML escaping, anchors, and numbers, durations and
//! times as a team lead reads them.

use std::fmt::Write;

/// Escapes `s` for HTML text and for quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An element id (and the `#fragment` linking to it) for `kind` (`conv`,
/// `queue`, `agent`) and an id from the log: `kind-` and the id with every
/// byte other than ASCII letters, digits and `-_.:/` percent-encoded. The
/// same string serves as `id` and as the fragment, so a browser finds it
/// without decoding, whatever the log's ids hold; ids differing in any
/// byte get different anchors.
pub(crate) fn anchor(kind: &str, id: &str) -> String {
    let mut out = String::with_capacity(kind.len() + 1 + id.len());
    out.push_str(kind);
    out.push('-');
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.:/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A whole number with thousands separated by commas: `12,345`.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count and what is counted, plural unless one: `1 response`,
/// `12,345 conversations`.
pub(crate) fn counted(n: u64, what: &str) -> String {
    format!("{} {what}{}", count(n), if n == 1 { "" } else { "s" })
}

/// A count for a small space (a heat-map cell): `950`, `12k`, `3.4M`.
pub(crate) fn short_count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// A share: `87.5 %`; `—` for none.
pub(crate) fn percent(p: Option<f64>) -> String {
    match p {
        Some(p) if p.is_finite() => format!("{p:.1} %"),
        _ => "—".to_owned(),
    }
}

/// A duration in seconds: `4.2 s`, `45 s`, `1 m 05 s`, `2 h 05 m`,
/// `3 d 04 h`; `—` for none.
pub(crate) fn duration(s: Option<f64>) -> String {
    let Some(s) = s.filter(|s| s.is_finite() && *s >= 0.0) else {
        return "—".to_owned();
    };
    if s < 9.95 {
        return format!("{s:.1} s");
    }
    let s = s.round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} m {:02} s", s / 60, s % 60),
        3600..=86_399 => {
            let m = (s + 30) / 60;
            if m >= 1440 {
                "1 d 00 h".to_owned()
            } else {
                format!("{} h {:02} m", m / 60, m % 60)
            }
        }
        _ => {
            let h = (s + 1800) / 3600;
            format!("{} d {:02} h", h / 24, h % 24)
        }
    }
}

/// A duration for an axis tick, where steps are round: `30 s`, `2 m`,
/// `1 m 30 s`, `1 h`.
pub(crate) fn tick_duration(s: f64) -> String {
    let s = s.round() as u64;
    match s {
        0 => "0".to_owned(),
        1..=59 => format!("{s} s"),
        60..=3599 if s.is_multiple_of(60) => format!("{} m", s / 60),
        60..=3599 => format!("{} m {:02} s", s / 60, s % 60),
        _ if s.is_multiple_of(3600) => format!("{} h", s / 3600),
        _ => format!("{} h {:02} m", s / 3600, s % 3600 / 60),
    }
}

/// A mean score: `4.2 / 5`; `—` for none.
pub(crate) fn score(m: Option<f64>) -> String {
    match m {
        Some(m) if m.is_finite() => format!("{m:.1} / 5"),
        _ => "—".to_owned(),
    }
}

/// Local times in the report's time zone.
#[derive(Clone, Debug)]
pub(crate) struct Zone {
    /// The IANA name, as the report gives it.
    pub(crate) name: String,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    /// The zone named `name`; UTC when it is unknown.
    pub(crate) fn new(name: &str) -> Zone {
        Zone {
            name: name.to_owned(),
            tz: jiff::tz::TimeZone::get(name).unwrap_or(jiff::tz::TimeZone::UTC),
        }
    }

    /// The zoned time of `ms` since the epoch.
    pub(crate) fn at(&self, ms: i64) -> Option<jiff::Zoned> {
        jiff::Timestamp::from_millisecond(ms)
            .ok()
            .map(|t| t.to_zoned(self.tz.clone()))
    }

    /// `ms` formatted with `strftime`'s `pattern`; empty when out of range.
    pub(crate) fn format(&self, ms: i64, pattern: &str) -> String {
        self.at(ms)
            .map(|z| z.strftime(pattern).to_string())
            .unwrap_or_default()
    }

    /// The epoch milliseconds of local `date` at `hour`:00 (the earlier of
    /// two, or the time after a gap, as the zone says).
    pub(crate) fn local_ms(&self, date: jiff::civil::Date, hour: i8) -> Option<i64> {
        date.at(hour, 0, 0, 0)
            .to_zoned(self.tz.clone())
            .ok()
            .map(|z| z.timestamp().as_millisecond())
    }
}
