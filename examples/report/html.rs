//! The HTML page.

use switchboard::metrics::Report;

/// The page.
pub(crate) fn page(report: &Report) -> String {
    format!(
        "<pre>{}</pre>",
        serde_json::to_string_pretty(&report.summary).unwrap_or_default()
    )
}
