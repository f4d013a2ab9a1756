//! The HTML page: one self-contained file (inline CSS and SVG, a few lines
//! of inline script, nothing fetched) for a contact-centre team lead.
//!
//! From the top: headline tiles; when customers come (weekday × hour heat
//! maps of conversations and of customer messages); service level and
//! speed of answer per interval; the wait distribution; bot handoff and
//! close reasons and CSAT scores; tables per queue, agent, channel and
//! tag; and the conversations themselves. A queue's or an agent's row
//! links to its list of conversations (`#queue-ID`, `#agent-ID`), whose
//! entries link to the conversation's row (`#conv-ID`; ids as
//! [`anchor`] makes them).
//!
//! The conversation list holds the [`MAX_CONVERSATIONS`] most recent
//! conversations (by start), newest first, so that the page stays small
//! for a busy week; the page says how many it leaves out, and
//! `--csv` writes them all.
//!
//! Every text from the log (ids, channels, queue and agent names, tags,
//! reasons) is escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use switchboard::metrics::{ConversationRow, IntervalRow, Report, Summary};

use crate::svg::{self, Column, Scale, TimeChart, TimeRow};
use crate::tables;
use crate::text::{Zone, count, counted, duration, esc, percent, score};

/// The most conversations the page lists.
pub(crate) const MAX_CONVERSATIONS: usize = 2_000;

/// The `data-chart` names of the charts every page has.
pub(crate) const CHARTS: [&str; 7] = [
    "volume-heatmap",
    "messages-heatmap",
    "service-level",
    "speed-of-answer",
    "wait-distribution",
    "handoff-reasons",
    "csat",
];

/// How to draw the page.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// The service-level target, percent (the target line; tiles and
    /// cells below it are marked).
    pub(crate) sl_target: f64,
    /// The most conversations listed.
    pub(crate) max_conversations: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sl_target: 80.0,
            max_conversations: MAX_CONVERSATIONS,
        }
    }
}

const STYLE: &str = r#"
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--blue:#2563eb;--good:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:20px 28px 12px;background:#fff;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:22px}
h2{margin:28px 0 10px;font-size:18px}
h3{margin:0 0 6px;font-size:14px;color:var(--muted);font-weight:600}
main{padding:0 28px 40px;max-width:1500px}
nav{margin-top:8px}nav a{margin-right:14px}
a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
.meta,.note{color:var(--muted)}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin-top:18px}
.tile{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;border-top:4px solid var(--blue)}
.tile.good{border-top-color:var(--good)}.tile.bad{border-top-color:var(--bad)}
.tile .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.tile .value{font-size:26px;font-weight:650;white-space:nowrap}
.tile .sub{color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:14px;align-items:start}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
svg.chart{width:100%;height:auto;font-size:11px}
.tick,.legend{fill:#475569}.axis-label{fill:#334155;font-size:12px;font-weight:600}
.grid{stroke:#e2e8f0}.axis,.tick-mark{stroke:#94a3b8}
.no-data{fill:#94a3b8;font-size:18px}
.value{fill:#334155}
.cell-value{fill:#1e293b;font-size:9px;pointer-events:none}.cell-value.light{fill:#fff}
.cell:hover{stroke:#0f172a}
.c-primary{fill:#2563eb}.c-abandon{fill:#ea580c}.c-volume{fill:#cbd5e1}
.c-line{fill:none;stroke:#2563eb;stroke-width:2}.c-line-dot{fill:#2563eb}
.c-p90{fill:none;stroke:#7c3aed;stroke-width:2}.c-p90-dot{fill:#7c3aed}
.ref{stroke:#15803d;stroke-width:1.5;stroke-dasharray:6 4}
.c-s1{fill:#dc2626}.c-s2{fill:#f97316}.c-s3{fill:#eab308}.c-s4{fill:#84cc16}.c-s5{fill:#16a34a}
.hit{fill:transparent}.hit:hover{fill:rgba(15,23,42,.07)}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%}
th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:#f1f5f9;font-weight:600;font-size:12px;position:sticky;top:0}
th[title]{cursor:help}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.good{color:var(--good)}td.bad{color:var(--bad);font-weight:600}
tr:target td{background:#fef9c3}tr:hover td{background:#f1f5f9}
tr.linked{position:relative;cursor:pointer}tr.linked a::after{content:"";position:absolute;inset:0}
.meter{display:inline-block;width:60px;height:8px;background:#e2e8f0;border-radius:4px;margin-right:6px;vertical-align:middle}
.meter i{display:block;height:100%;background:var(--blue);border-radius:4px}
details{background:#fff;border:1px solid var(--line);border-radius:8px;padding:6px 12px;margin-top:6px}
details:target{outline:2px solid var(--blue)}
summary{cursor:pointer;font-weight:600}
.links{display:flex;flex-wrap:wrap;gap:4px 10px;margin:8px 0 2px;max-height:240px;overflow-y:auto}
.o{padding:1px 7px;border-radius:9px;font-size:12px;background:#e2e8f0}
.o-handled{background:#dcfce7}.o-contained{background:#dbeafe}.o-abandoned{background:#fee2e2}.o-unanswered{background:#fef3c7}
@media print{.links{max-height:none}details{break-inside:avoid}}
"#;

/// The page.
pub(crate) fn page(report: &Report, opts: &Options) -> String {
    let s = &report.summary;
    let zone = Zone::new(s.period.as_ref().map_or("UTC", |p| p.time_zone.as_str()));
    let listed = listed(&report.conversations, opts.max_conversations);
    let mut out = String::with_capacity(64 * 1024 + listed.len() * 400);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Contact-centre report</title><style>",
    );
    out.push_str(STYLE);
    out.push_str("</style></head><body>");
    header(&mut out, s, &zone, opts);
    out.push_str("<main>");
    tiles(&mut out, s, opts);
    charts(&mut out, report, &zone, opts);
    tables::queues(&mut out, report, &listed, opts);
    tables::agents(&mut out, report, &listed, opts);
    tables::slices(&mut out, s, opts);
    tables::conversations(&mut out, report, &listed, &zone);
    out.push_str("</main>");
    script(&mut out);
    out.push_str("</body></html>\n");
    out
}

/// The conversations listed: the `max` most recent, newest first.
fn listed(rows: &[ConversationRow], max: usize) -> Vec<&ConversationRow> {
    rows.iter().rev().take(max).collect()
}

fn header(out: &mut String, s: &Summary, zone: &Zone, opts: &Options) {
    out.push_str("<header><h1>Contact-centre report</h1><div class=\"meta\">");
    match s.period.as_ref().and_then(|p| Some((p, p.from?, p.to?))) {
        Some((p, from, to)) => {
            let f = "%a %-d %b %Y %H:%M";
            let _ = write!(
                out,
                "{} – {} ({}) · {}-minute intervals · {}",
                zone.format(from.as_millis() as i64, f),
                zone.format(to.as_millis() as i64, f),
                esc(&zone.name),
                p.interval_minutes,
                counted(p.events, "event")
            );
        }
        None => out.push_str("No events in the log"),
    }
    let _ = write!(
        out,
        " · service level: answered within {}, target {}</div>",
        duration(Some(s.totals.service_level.threshold_s)),
        percent(Some(opts.sl_target))
    );
    out.push_str(
        "<nav><a href=\"#traffic\">Traffic</a><a href=\"#service\">Service level</a>\
         <a href=\"#waits\">Waits, bot &amp; CSAT</a>\
         <a href=\"#queues\">Queues</a><a href=\"#agents\">Agents</a>\
         <a href=\"#channels\">Channels &amp; tags</a>\
         <a href=\"#conversations\">Conversations</a></nav></header>",
    );
}

/// `good` or `bad` against the service-level target; empty for none.
pub(crate) fn sl_class(p: Option<f64>, target: f64) -> &'static str {
    match p {
        Some(p) if p >= target => "good",
        Some(_) => "bad",
        None => "",
    }
}

fn tiles(out: &mut String, s: &Summary, opts: &Options) {
    let t = &s.totals;
    let sl = &t.service_level;
    let tiles: [(&str, String, String, &str); 10] = [
        (
            "Conversations",
            count(t.conversations),
            counted(t.messages.customer, "customer message"),
            "",
        ),
        (
            "Service level",
            percent(sl.percent),
            format!(
                "{} of {} within {}",
                count(sl.met),
                count(sl.counted),
                duration(Some(sl.threshold_s))
            ),
            sl_class(sl.percent, opts.sl_target),
        ),
        (
            "Speed of answer",
            duration(t.asa_s),
            format!(
                "mean of {} answered · 90 % within {}",
                count(t.answered),
                duration(t.answer_wait_s.p90)
            ),
            "",
        ),
        (
            "Abandoned",
            percent(t.abandonment.percent),
            format!(
                "{} of {} queued · median wait {}",
                count(t.abandonment.count),
                count(t.queued),
                duration(t.abandonment.wait_s.median)
            ),
            "",
        ),
        (
            "First response",
            duration(t.first_response_s.median),
            format!("median · 90 % within {}", duration(t.first_response_s.p90)),
            "",
        ),
        (
            "Handle time",
            duration(t.handle_time_s.mean),
            format!("mean of {}", counted(t.handle_time_s.count, "agent part")),
            "",
        ),
        (
            "Bot containment",
            percent(t.containment_percent),
            format!(
                "{} of {}",
                count(t.bot.contained),
                counted(t.bot.conversations, "bot conversation")
            ),
            "",
        ),
        (
            "First-contact resolution",
            percent(t.fcr_percent),
            format!(
                "{} of {} closed",
                count(t.fcr.resolved),
                count(t.fcr.closed)
            ),
            "",
        ),
        (
            "CSAT satisfied",
            percent(t.csat.satisfied_percent),
            format!("scores 4–5 of {}", counted(t.csat.responses, "response")),
            "",
        ),
        (
            "CSAT mean",
            score(t.csat.mean),
            format!("response rate {}", percent(t.csat.response_rate_percent)),
            "",
        ),
    ];
    out.push_str("<section class=\"tiles\" aria-label=\"Headline figures\">");
    for (label, value, sub, class) in tiles {
        let _ = write!(
            out,
            "<div class=\"tile {class}\"><div class=\"label\">{label}</div>\
             <div class=\"value\">{value}</div><div class=\"sub\">{sub}</div></div>"
        );
    }
    out.push_str("</section>");
}

fn figure(out: &mut String, svg: &str, caption: &str) {
    let _ = write!(
        out,
        "<figure>{svg}<figcaption>{caption}</figcaption></figure>"
    );
}

fn charts(out: &mut String, r: &Report, zone: &Zone, opts: &Options) {
    let s = &r.summary;
    let t = &s.totals;
    out.push_str("<h2 id=\"traffic\">When customers come</h2><div class=\"charts\">");
    figure(
        out,
        &svg::heatmap(
            "volume-heatmap",
            "Conversations started by weekday and hour",
            &s.volume_heatmap,
            "conversations started",
            &zone.name,
        ),
        "Conversations started, by local weekday and hour. Darker is busier.",
    );
    figure(
        out,
        &svg::heatmap(
            "messages-heatmap",
            "Customer messages by weekday and hour",
            &s.messages_heatmap,
            "customer messages",
            &zone.name,
        ),
        "Messages from customers, by local weekday and hour.",
    );
    out.push_str("</div>");

    let interval_ms = i64::from(s.period.as_ref().map_or(30, |p| p.interval_minutes)) * 60_000;
    let threshold = duration(Some(t.service_level.threshold_s));
    let when = |row: &IntervalRow| {
        let start = row.start.as_millis() as i64;
        format!(
            "{}–{}",
            zone.format(start, "%a %-d %b %H:%M"),
            zone.format(start + interval_ms, "%H:%M")
        )
    };
    let sl_rows = r
        .intervals
        .iter()
        .map(|row| {
            let f = &row.figures;
            TimeRow {
                start: row.start.as_millis() as i64,
                line: f.service_level.percent,
                bar: Some(f.conversations as f64),
                tip: format!(
                    "{}: service level {} ({} of {} within {}) · {} · {} abandoned",
                    when(row),
                    percent(f.service_level.percent),
                    count(f.service_level.met),
                    count(f.service_level.counted),
                    threshold,
                    counted(f.conversations, "conversation"),
                    count(f.abandonment.count)
                ),
            }
        })
        .collect();
    let asa_rows = r
        .intervals
        .iter()
        .map(|row| {
            let f = &row.figures;
            TimeRow {
                start: row.start.as_millis() as i64,
                line: f.answer_wait_s.p90,
                bar: f.asa_s,
                tip: format!(
                    "{}: speed of answer {} · 90 % within {} · {} answered",
                    when(row),
                    duration(f.asa_s),
                    duration(f.answer_wait_s.p90),
                    count(f.answered)
                ),
            }
        })
        .collect();
    out.push_str("<h2 id=\"service\">Service level and speed of answer</h2><div class=\"charts\">");
    figure(
        out,
        &svg::time_chart(&TimeChart {
            name: "service-level",
            title: format!("Service level per interval (answered within {threshold})"),
            zone,
            interval_ms,
            rows: sl_rows,
            line: ("service level", Scale::Percent),
            bars: ("conversations started", Scale::Count),
            y_label: "Service level",
            y2_label: "Conversations",
            reference: Some((
                opts.sl_target,
                format!("target {}", percent(Some(opts.sl_target))),
            )),
        }),
        "Share of first waits answered within the threshold, by the interval the wait began; \
         a gap is an interval without answered or abandoned waits.",
    );
    figure(
        out,
        &svg::time_chart(&TimeChart {
            name: "speed-of-answer",
            title: "Speed of answer per interval".to_owned(),
            zone,
            interval_ms,
            rows: asa_rows,
            line: ("90th percentile wait", Scale::Seconds),
            bars: ("average speed of answer", Scale::Seconds),
            y_label: "Wait until answered",
            y2_label: "",
            reference: Some((
                t.service_level.threshold_s,
                format!("threshold {threshold}"),
            )),
        }),
        "Mean and 90th percentile wait of answered conversations, by the interval the wait began.",
    );
    out.push_str("</div>");

    out.push_str("<h2 id=\"waits\">Waits, bot and satisfaction</h2><div class=\"charts\">");
    let cols: Vec<Column> = s
        .wait_distribution
        .iter()
        .map(|b| Column {
            label: b.label.clone(),
            values: vec![b.answered, b.abandoned],
            class: None,
        })
        .collect();
    figure(
        out,
        &svg::columns(
            "wait-distribution",
            "How long customers waited",
            ("First wait", "Conversations"),
            &[("answered", "c-primary"), ("abandoned", "c-abandon")],
            &cols,
        ),
        &format!(
            "First waits by length: answered (median {}) and abandoned (median {}).",
            duration(t.answer_wait_s.median),
            duration(t.abandonment.wait_s.median)
        ),
    );

    let reasons = |m: &BTreeMap<String, u64>| -> Vec<(String, u64)> {
        // `bot_fallbacks` reads "bot fallbacks"; `rule my_rule` keeps its id.
        m.iter()
            .map(|(k, v)| {
                let label = if k.contains(' ') {
                    k.clone()
                } else {
                    k.replace('_', " ")
                };
                (label, *v)
            })
            .collect()
    };
    figure(
        out,
        &svg::hbars(
            "handoff-reasons",
            "Why the bot handed off",
            ("Handoffs", "Reason"),
            &reasons(&s.handoff_reasons),
        ),
        &format!(
            "{} of {} went to a person ({}).",
            count(t.bot.handed_off),
            counted(t.bot.conversations, "bot conversation"),
            percent(t.bot.handoff_percent)
        ),
    );
    figure(
        out,
        &svg::hbars(
            "close-reasons",
            "How conversations closed",
            ("Closes", "Reason"),
            &reasons(&s.close_reasons),
        ),
        "The reason of every close (a reopened conversation can close twice).",
    );
    const SCORE_CLASSES: [&str; 5] = ["c-s1", "c-s2", "c-s3", "c-s4", "c-s5"];
    let cols: Vec<Column> = (0..5)
        .map(|i| Column {
            label: (i + 1).to_string(),
            values: vec![t.csat.scores[i]],
            class: Some(SCORE_CLASSES[i]),
        })
        .collect();
    figure(
        out,
        &svg::columns(
            "csat",
            &format!(
                "Satisfaction scores (mean {}, {} satisfied)",
                score(t.csat.mean),
                percent(t.csat.satisfied_percent)
            ),
            ("Score", "Responses"),
            &[("responses", "c-primary")],
            &cols,
        ),
        &format!(
            "{} from {}.",
            counted(t.csat.responses, "response"),
            counted(t.closed, "closed conversation")
        ),
    );
    out.push_str("</div>");
}

/// Opens a drill-down the address points at, and marks the page with how
/// many of its charts are there (`data-charts-ok` on the body; a missing
/// one is a console error).
fn script(out: &mut String) {
    let names: Vec<String> = CHARTS.iter().map(|c| format!("\"{c}\"")).collect();
    let _ = write!(
        out,
        r#"<script>
(function () {{
  var names = [{}];
  var found = names.filter(function (n) {{ return document.querySelector('svg[data-chart="' + n + '"]'); }});
  document.body.dataset.chartsOk = String(found.length);
  if (found.length !== names.length) console.error("charts missing: " + names.filter(function (n) {{ return found.indexOf(n) < 0; }}).join(", "));
  function reveal() {{
    var id = location.hash.slice(1), el = id ? document.getElementById(id) : null;
    if (!el && id) {{ try {{ el = document.getElementById(decodeURIComponent(id)); }} catch (e) {{}} }}
    var d = el && el.closest("details");
    if (d) d.open = true;
  }}
  window.addEventListener("hashchange", reveal);
  reveal();
}})();
</script>"#,
        names.join(", ")
    );
}
