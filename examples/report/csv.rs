//! One CSV row per conversation (RFC 4180 quoting).

use std::io::{self, Write};

use switchboard::Timestamp;
use switchboard::metrics::Report;

/// The header.
pub(crate) const HEADER: &str = "id,contact,channel,queue,agent,agents,tags,started,queued,answered,wait_s,first_response_s,closed,close_reason,outcome,csat,customer_messages,bot_messages,agent_messages,system_messages,reopened,transfers";

/// Quotes a field when it holds a comma, a quote or a line break.
pub(crate) fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn time(t: Option<Timestamp>) -> String {
    t.and_then(|t| jiff::Timestamp::from_millisecond(t.as_millis() as i64).ok())
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the header and one row per conversation of `report`.
pub(crate) fn write(report: &Report, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for c in &report.conversations {
        let outcome = serde_json::to_value(c.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let list = |v: Vec<String>| v.join(" ");
        let cells = [
            c.id.clone(),
            opt(c.contact.as_ref()),
            opt(c.channel.as_ref()),
            opt(c.queue.as_ref()),
            opt(c.agent.as_ref()),
            list(c.agents.iter().map(|a| a.to_string()).collect()),
            list(c.tags.clone()),
            time(c.started),
            time(c.queued),
            time(c.answered),
            opt(c.wait_s),
            opt(c.first_response_s),
            time(c.closed),
            opt(c.close_reason.as_ref()),
            outcome,
            opt(c.csat),
            c.messages[0].to_string(),
            c.messages[1].to_string(),
            c.messages[2].to_string(),
            c.messages[3].to_string(),
            c.reopened.to_string(),
            c.transfers.to_string(),
        ];
        let row: Vec<String> = cells.iter().map(|s| field(s)).collect();
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}
