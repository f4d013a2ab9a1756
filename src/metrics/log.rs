//! Reading an event log: the JSON lines `examples/replay` prints (and
//! the `durable` example writes), one event per line.

use std::io::BufRead;

use serde::Deserialize;

use super::{Metrics, MetricsError};
use crate::engine::Event;

/// The longest line read, in bytes.
pub const MAX_LINE: usize = 1 << 20;

#[derive(Deserialize)]
struct Wrapped {
    event: Event,
}

/// Reads one line of an event log: `{"event": {...}}` as `replay` prints
/// it, or a bare event `{"at": ..., "type": ...}`. Blank lines, lines
/// starting with `#`, and `replay`'s action and error lines
/// (`{"action": ...}`, `{"error": ...}`) are no event: `Ok(None)`.
///
/// ```
/// use switchboard::metrics::parse_line;
///
/// let e = parse_line(r#"{"event":{"at":5,"conversation":"c1","type":"purged"}}"#, 1)?;
/// assert_eq!(e.unwrap().at.as_millis(), 5);
/// assert!(parse_line(r#"{"at":5,"action":{"type":"typing"}}"#, 2)?.is_none());
/// let err = parse_line(r#"{"event":{"at":"soon"}}"#, 3).unwrap_err();
/// assert!(err.to_string().starts_with("line 3: "));
/// # Ok::<(), switchboard::metrics::MetricsError>(())
/// ```
///
/// # Errors
///
/// [`MetricsError::Line`] naming the line and what is wrong with it.
pub fn parse_line(line: &str, number: u64) -> Result<Option<Event>, MetricsError> {
    let bad = |reason: String| MetricsError::Line {
        line: number,
        reason,
    };
    let text = line.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    if text.len() > MAX_LINE {
        return Err(bad(format!("longer than {MAX_LINE} bytes")));
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let Some(obj) = value.as_object() else {
        return Err(bad("not a JSON object".into()));
    };
    if obj.contains_key("event") {
        let w: Wrapped =
            serde_json::from_value(value).map_err(|e| bad(format!("not an event: {e}")))?;
        return Ok(Some(w.event));
    }
    if obj.contains_key("action") || obj.contains_key("error") {
        return Ok(None);
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| bad(format!("not an event: {e}")))
}

impl Metrics {
    /// Counts every event of a log, in order.
    ///
    /// # Errors
    ///
    /// [`MetricsError::Line`] for the first line that is not valid UTF-8,
    /// is too long, is not an event, or comes out of order beyond the
    /// tolerance. The events before it stay counted; the run stops there,
    /// as figures from a log with a hole would be wrong without saying so.
    pub fn observe_log<R: BufRead>(&mut self, reader: R) -> Result<u64, MetricsError> {
        let mut reader = reader;
        let mut buf = Vec::new();
        let mut n = 0u64;
        let mut counted = 0u64;
        loop {
            buf.clear();
            let read = std::io::Read::take(&mut reader, MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| MetricsError::Line {
                    line: n + 1,
                    reason: format!("cannot read: {e}"),
                })?;
            if read == 0 {
                return Ok(counted);
            }
            n += 1;
            if buf.len() > MAX_LINE && !buf.ends_with(b"\n") {
                return Err(MetricsError::Line {
                    line: n,
                    reason: format!("longer than {MAX_LINE} bytes"),
                });
            }
            let text = std::str::from_utf8(&buf).map_err(|e| MetricsError::Line {
                line: n,
                reason: format!("not valid UTF-8 (at byte {})", e.valid_up_to() + 1),
            })?;
            if let Some(e) = parse_line(text, n)? {
                self.observe(&e).map_err(|e| MetricsError::Line {
                    line: n,
                    reason: e.to_string(),
                })?;
                counted += 1;
            }
        }
    }
}
