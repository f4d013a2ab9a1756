//! Tests of the report command: the HTML page, CSV quoting and the
//! command line. `browser` renders the page in headless Chromium.

mod browser;
mod sample;
#[path = "../support/traffic.rs"]
mod traffic;

use std::collections::BTreeSet;

use switchboard::metrics::{Metrics, Report, Settings};

use crate::html::{self, CHARTS, MAX_CONVERSATIONS, Options};
use crate::svg::{self, Scale, TimeChart, TimeRow};
use crate::text::{Zone, anchor, count, duration, percent, score};
use crate::{Format, csv, parse_args};

fn page(r: &Report) -> String {
    html::page(r, &Options::default())
}

/// The `<svg data-chart="name">` element of `page`.
fn chart<'a>(page: &'a str, name: &str) -> &'a str {
    let open = format!("<svg data-chart=\"{name}\"");
    let start = page
        .find(&open)
        .unwrap_or_else(|| panic!("no chart {name}"));
    let end = page[start..].find("</svg>").expect("a closed svg") + start + 6;
    &page[start..end]
}

/// Every value of `attr="…"` in `page`.
fn attrs(page: &str, attr: &str) -> Vec<String> {
    let open = format!(" {attr}=\"");
    page.match_indices(&open)
        .map(|(i, _)| {
            let rest = &page[i + open.len()..];
            rest[..rest.find('"').expect("a closed attribute")].to_owned()
        })
        .collect()
}

/// The element `<details id="id">…</details>` of `page`.
fn details<'a>(page: &'a str, id: &str) -> &'a str {
    let open = format!("<details id=\"{id}\">");
    let start = page.find(&open).unwrap_or_else(|| panic!("no {open}"));
    let end = page[start..].find("</details>").expect("closed") + start;
    &page[start..end]
}

#[test]
fn every_chart_is_an_svg_with_a_title_and_axis_labels() {
    let r = sample::week();
    let p = page(r);
    for name in CHARTS.iter().chain(&["close-reasons"]) {
        assert_eq!(
            p.matches(&format!("data-chart=\"{name}\"")).count(),
            1,
            "{name}"
        );
        let svg = chart(&p, name);
        assert!(svg.contains("\"><title>"), "{name} has no title first");
        assert!(
            svg.matches("class=\"axis-label\"").count() >= 2,
            "{name} axis labels"
        );
        assert!(
            !svg.contains("no data"),
            "{name} says no data for a busy week"
        );
    }
}

#[test]
fn tiles_show_the_headline_figures() {
    let r = sample::week();
    let t = &r.summary.totals;
    let p = page(r);
    for label in [
        "Conversations",
        "Service level",
        "Speed of answer",
        "Abandoned",
        "First response",
        "Handle time",
        "Bot containment",
        "First-contact resolution",
        "CSAT satisfied",
        "CSAT mean",
    ] {
        assert!(
            p.contains(&format!("<div class=\"label\">{label}</div>")),
            "{label}"
        );
    }
    for value in [
        count(t.conversations),
        percent(t.service_level.percent),
        duration(t.asa_s),
        percent(t.abandonment.percent),
        duration(t.first_response_s.median),
        duration(t.handle_time_s.mean),
        percent(t.containment_percent),
        percent(t.fcr_percent),
        percent(t.csat.satisfied_percent),
        score(t.csat.mean),
    ] {
        assert!(
            p.contains(&format!("<div class=\"value\">{value}</div>")),
            "{value}"
        );
    }
    assert!(p.contains(&format!("within {}", duration(Some(20.0)))));
}

#[test]
fn heat_map_is_monday_first_with_a_legend() {
    let r = sample::week();
    let p = page(r);
    let svg = chart(&p, "volume-heatmap");
    let monday_10 = r.summary.volume_heatmap[0][10];
    let sunday_22 = r.summary.volume_heatmap[6][22];
    assert!(monday_10 > 0);
    assert!(svg.contains(&format!(
        "<title>Monday 10:00–11:00: {} conversations started</title>",
        count(monday_10)
    )));
    assert!(svg.contains(&format!(
        "<title>Sunday 22:00–23:00: {} conversations started</title>",
        count(sunday_22)
    )));
    assert!(svg.find(">Mon<").unwrap() < svg.find(">Sun<").unwrap());
    assert!(svg.contains("url(#scale-volume-heatmap)"));
    assert!(chart(&p, "messages-heatmap").contains("url(#scale-messages-heatmap)"));
}

#[test]
fn service_level_chart_has_the_target_line() {
    let r = sample::week();
    let target = Options {
        sl_target: 90.0,
        ..Options::default()
    };
    let p = html::page(r, &target);
    let svg = chart(&p, "service-level");
    assert!(svg.contains("class=\"ref\""));
    assert!(svg.contains("target 90.0 %"));
    assert!(svg.contains("class=\"c-line\""));
    // One hover target per interval that saw anything.
    assert_eq!(svg.matches("class=\"hit\"").count(), r.intervals.len());
    let asa = chart(&p, "speed-of-answer");
    assert!(asa.contains("threshold 20 s"));
}

fn row(start: i64, line: Option<f64>) -> TimeRow {
    TimeRow {
        start,
        line,
        bar: line,
        tip: String::new(),
    }
}

fn time_chart(rows: Vec<TimeRow>) -> String {
    let zone = Zone::new("UTC");
    svg::time_chart(&TimeChart {
        name: "t",
        title: "T".to_owned(),
        zone: &zone,
        interval_ms: 1_800_000,
        rows,
        line: ("line", Scale::Percent),
        bars: ("bars", Scale::Count),
        y_label: "y",
        y2_label: "y2",
        reference: None,
    })
}

/// The `d` of the chart's line.
fn line_path(svg: &str) -> String {
    attrs(svg, "d").concat()
}

#[test]
fn missing_values_are_gaps_not_zeros() {
    let h = 1_800_000;
    // Three adjacent intervals, the middle one without a value: two dots.
    let svg = time_chart(vec![
        row(0, Some(50.0)),
        row(h, None),
        row(2 * h, Some(80.0)),
    ]);
    let d = line_path(&svg);
    assert_eq!(d.matches('M').count(), 2, "{d}");
    assert!(!d.contains('L'), "{d}");
    assert_eq!(svg.matches("<circle").count(), 2);
    // Adjacent values join.
    let svg = time_chart(vec![row(0, Some(50.0)), row(h, Some(60.0))]);
    let d = line_path(&svg);
    assert_eq!(
        (d.matches('M').count(), d.matches('L').count()),
        (1, 1),
        "{d}"
    );
    // An interval that saw nothing is a gap too.
    let svg = time_chart(vec![
        row(0, Some(50.0)),
        row(h, Some(60.0)),
        row(5 * h, Some(70.0)),
    ]);
    let d = line_path(&svg);
    assert_eq!(
        (d.matches('M').count(), d.matches('L').count()),
        (2, 1),
        "{d}"
    );
    // No value at all: no data.
    let svg = time_chart(vec![TimeRow {
        bar: None,
        ..row(0, None)
    }]);
    assert!(svg.contains("no data"));
    assert!(!svg.contains("<path"));
}

#[test]
fn long_periods_have_no_tooltips_per_interval() {
    let h = 1_800_000;
    let rows = |n: usize| (0..n as i64).map(|i| row(i * h, Some(50.0))).collect();
    let hits = |svg: String| svg.matches("class=\"hit\"").count();
    assert_eq!(hits(time_chart(rows(svg::MAX_TIPS))), svg::MAX_TIPS);
    assert_eq!(hits(time_chart(rows(svg::MAX_TIPS + 1))), 0);
}

#[test]
fn every_listed_conversation_has_an_anchor() {
    let r = sample::week();
    assert!(
        r.conversations.len() > MAX_CONVERSATIONS,
        "the week is too small"
    );
    let p = page(r);
    let rows = attrs(&p, "id")
        .into_iter()
        .filter(|id| id.starts_with("conv-"))
        .collect::<Vec<_>>();
    assert_eq!(rows.len(), MAX_CONVERSATIONS);
    // The most recent ones, newest first.
    let newest: Vec<String> = r
        .conversations
        .iter()
        .rev()
        .take(MAX_CONVERSATIONS)
        .map(|c| anchor("conv", &c.id))
        .collect();
    assert_eq!(rows, newest);
    assert!(p.contains(&format!(
        "The 2,000 most recent of {} conversations",
        count(r.conversations.len() as u64)
    )));
    // A small log lists them all.
    let small = sample::report_of(&sample::log(1, 40, 1));
    let p = page(&small);
    for c in &small.conversations {
        assert!(
            p.contains(&format!("<tr id=\"conv-{}\">", c.id)),
            "{}",
            c.id
        );
    }
}

#[test]
fn every_link_has_its_target() {
    let p = page(sample::week());
    let ids: BTreeSet<String> = attrs(&p, "id").into_iter().collect();
    let links = attrs(&p, "href");
    assert!(links.len() > MAX_CONVERSATIONS);
    for href in links {
        let target = href.strip_prefix('#').expect("links within the page only");
        assert!(ids.contains(target), "no id {target}");
    }
}

#[test]
fn queue_and_agent_rows_link_to_their_conversations() {
    let r = sample::report_of(&sample::log(2, 120, 3));
    let p = page(&r);
    assert!(!r.summary.queues.is_empty() && !r.summary.agents.is_empty());
    for q in r.summary.queues.keys() {
        assert!(
            p.contains(&format!("<td><a href=\"#queue-{q}\">{q}</a></td>")),
            "{q}"
        );
        let list = details(&p, &format!("queue-{q}"));
        let mine: Vec<_> = r
            .conversations
            .iter()
            .filter(|c| c.queue.as_ref() == Some(q))
            .collect();
        assert!(!mine.is_empty());
        assert_eq!(list.matches("href=\"#conv-").count(), mine.len(), "{q}");
        for c in mine {
            assert!(list.contains(&format!("<a href=\"#conv-{0}\">{0}</a>", c.id)));
        }
    }
    for a in r.summary.agents.keys() {
        assert!(p.contains(&format!("<td><a href=\"#agent-{a}\">{a}</a></td>")) || a.contains('é'));
        let list = details(&p, &anchor("agent", a));
        let mine = r
            .conversations
            .iter()
            .filter(|c| c.agents.iter().any(|x| x.as_str() == a))
            .count();
        assert_eq!(list.matches("href=\"#conv-").count(), mine, "{a}");
    }
    // A name beyond ASCII links by its encoded anchor.
    assert!(p.contains("<a href=\"#agent-chlo%C3%A9\">chloé</a>"));
    assert!(p.contains("<details id=\"agent-chlo%C3%A9\">"));
}

/// A log whose ids hold markup.
const HOSTILE: &str = r#"
{"at":1000,"conversation":"\"><b>bold</b>","type":"started","contact":"u1","channel":"webchat"}
{"at":1000,"conversation":"\"><b>bold</b>","type":"tagged","tags":["<u>tag</u>"]}
{"at":1000,"conversation":"\"><b>bold</b>","queue":"<script>alert(1)</script>","type":"transition","from":null,"to":"queued","reason":"routed"}
{"at":9000,"conversation":"\"><b>bold</b>","agent":"<img src=x onerror=alert(2)>","queue":"<script>alert(1)</script>","type":"transition","from":"queued","to":"with_agent","reason":"accepted"}
{"at":20000,"conversation":"\"><b>bold</b>","agent":"<img src=x onerror=alert(2)>","queue":"<script>alert(1)</script>","type":"transition","from":"with_agent","to":"closed","reason":"closed_by_agent"}
"#;

#[test]
fn text_from_the_log_is_escaped() {
    let r = sample::report_of(HOSTILE);
    assert_eq!(r.conversations.len(), 1);
    let p = page(&r);
    for raw in [
        "<script>alert(1)",
        "<img src=x",
        "<b>bold",
        "<i>chan",
        "<u>tag",
    ] {
        assert!(!p.contains(raw), "{raw} is not escaped");
    }
    assert_eq!(
        p.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    for escaped in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(2)&gt;",
        "&quot;&gt;&lt;b&gt;bold&lt;/b&gt;",
        "&lt;u&gt;tag&lt;/u&gt;",
    ] {
        assert!(p.contains(escaped), "{escaped}");
    }
    // The drill-down still links queue → conversation.
    let q = anchor("queue", "<script>alert(1)</script>");
    assert_eq!(q, "queue-%3Cscript%3Ealert%281%29%3C/script%3E");
    assert!(p.contains(&format!("<a href=\"#{q}\">")));
    let c = anchor("conv", "\"><b>bold</b>");
    assert!(details(&p, &q).contains(&format!("<a href=\"#{c}\">")));
    assert!(p.contains(&format!("<tr id=\"{c}\">")));
}

#[test]
fn anchors_are_safe_and_distinct() {
    assert_eq!(anchor("conv", "c12"), "conv-c12");
    assert_eq!(anchor("conv", "eu/c12"), "conv-eu/c12");
    assert_eq!(anchor("conv", "a b"), "conv-a%20b");
    assert_ne!(anchor("conv", "a%20b"), anchor("conv", "a b"));
    let a = anchor("queue", "\"'<>&#?\u{0}é");
    assert!(
        a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/%".contains(c)),
        "{a}"
    );
}

#[test]
fn empty_report_still_renders() {
    let r = Metrics::new(Settings::new()).report();
    let p = page(&r);
    for name in CHARTS {
        assert!(chart(&p, name).contains(">no data</text>"), "{name}");
    }
    assert!(p.contains("No events in the log"));
    assert!(p.contains("No conversations."));
    assert!(p.contains("<div class=\"value\">—</div>"));
    assert!(p.ends_with("</html>\n"));
    // So does a report deserialised without its summary's tables.
    let mut r = r;
    r.summary.volume_heatmap.clear();
    r.summary.wait_distribution.clear();
    r.summary.period = None;
    let p = page(&r);
    assert!(chart(&p, "volume-heatmap").contains("no data"));
    assert!(chart(&p, "wait-distribution").contains("no data"));
}

#[test]
fn numbers_read_as_people_write_them() {
    assert_eq!(duration(Some(65.0)), "1 m 05 s");
    assert_eq!(duration(Some(4.24)), "4.2 s");
    assert_eq!(duration(Some(45.4)), "45 s");
    assert_eq!(duration(Some(59.6)), "1 m 00 s");
    assert_eq!(duration(Some(7_260.0)), "2 h 01 m");
    assert_eq!(duration(Some(90_000.0)), "1 d 01 h");
    assert_eq!(duration(None), "—");
    assert_eq!(duration(Some(f64::NAN)), "—");
    assert_eq!(percent(Some(87.5)), "87.5 %");
    assert_eq!(percent(Some(100.0)), "100.0 %");
    assert_eq!(percent(None), "—");
    assert_eq!(count(0), "0");
    assert_eq!(count(999), "999");
    assert_eq!(count(12_345), "12,345");
    assert_eq!(count(1_234_567), "1,234,567");
    assert_eq!(score(Some(4.25)), "4.2 / 5");
}

#[test]
fn page_for_a_busy_week_stays_small() {
    let p = page(sample::week());
    assert!(p.len() < 1_500_000, "{} bytes", p.len());
}

#[test]
fn csv_field_quotes_only_when_needed() {
    assert_eq!(csv::field("plain"), "plain");
    assert_eq!(csv::field(""), "");
    assert_eq!(csv::field("a,b"), "\"a,b\"");
    assert_eq!(csv::field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv::field("two\nlines"), "\"two\nlines\"");
    assert_eq!(csv::field("cr\r"), "\"cr\r\"");
    assert_eq!(csv::field("<script>"), "<script>");
}

#[test]
fn csv_has_a_row_per_conversation() {
    let r = sample::report_of(HOSTILE);
    let mut out = Vec::new();
    csv::write(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(csv::HEADER));
    let row = lines.next().unwrap();
    assert!(row.starts_with("\"\"\"><b>bold</b>\",u1,webchat,<script>alert(1)</script>,"));
    assert_eq!(lines.next(), None);
}

fn args(list: &[&str]) -> Result<crate::Args, String> {
    parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

fn error(list: &[&str]) -> String {
    args(list).expect_err("an error")
}

#[test]
fn arguments_are_read() {
    let a = args(&["events.jsonl"]).unwrap();
    assert_eq!((a.path.as_str(), a.format), ("events.jsonl", Format::Html));
    assert_eq!(a.page.sl_target, 80.0);
    let a = args(&[
        "-",
        "--csv",
        "--tz",
        "Europe/Berlin",
        "--interval",
        "15",
        "--sl",
        "30",
    ])
    .unwrap();
    assert_eq!((a.path.as_str(), a.format), ("-", Format::Csv));
    let a = args(&["--json", "e.jsonl", "--sl-target", "92.5", "--abandons-met"]).unwrap();
    assert_eq!((a.format, a.page.sl_target), (Format::Json, 92.5));
}

#[test]
fn argument_errors_say_what_is_wrong() {
    assert!(error(&[]).starts_with("usage: report EVENTS.jsonl|-"));
    assert!(error(&["--json"]).starts_with("usage:"));
    assert_eq!(error(&["a", "--nope"]), "unknown option --nope");
    assert_eq!(error(&["a", "b"]), "one event log only, not also \"b\"");
    assert!(error(&["a", "--interval", "45"]).contains("45"));
    assert_eq!(
        error(&["a", "--interval", "x"]),
        "--interval needs 15, 30 or 60, not \"x\""
    );
    assert_eq!(error(&["a", "--interval"]), "--interval needs 15, 30 or 60");
    assert!(!error(&["a", "--tz", "Mars/Olympus"]).is_empty());
    assert_eq!(
        error(&["a", "--tz"]),
        "--tz needs a time zone such as Europe/Berlin"
    );
    assert_eq!(error(&["a", "--sl"]), "--sl needs a number of seconds");
    assert_eq!(
        error(&["a", "--sl", "-1"]),
        "--sl needs a number of seconds, not \"-1\""
    );
    assert_eq!(
        error(&["a", "--sl", "NaN"]),
        "--sl needs a number of seconds, not \"NaN\""
    );
    assert_eq!(
        error(&["a", "--fcr-days", "soon"]),
        "--fcr-days needs a number of days, not \"soon\""
    );
    assert_eq!(
        error(&["a", "--sl-target", "120"]),
        "--sl-target needs a percentage from 0 to 100, not \"120\""
    );
    assert_eq!(
        error(&["a", "--sl-target"]),
        "--sl-target needs a percentage"
    );
    assert!(
        error(&["a", "--config", "/no/such/file.toml"])
            .starts_with("cannot read /no/such/file.toml: ")
    );
    assert_eq!(
        error(&["a", "--config"]),
        "--config needs a configuration file"
    );
}

#[test]
fn engine_traffic_makes_a_whole_page() {
    let r = sample::engine_traffic();
    assert!(
        r.conversations.len() > MAX_CONVERSATIONS,
        "{}",
        r.conversations.len()
    );
    let p = page(r);
    for name in CHARTS {
        assert!(!chart(&p, name).contains("no data"), "{name}");
    }
    let ids: BTreeSet<String> = attrs(&p, "id").into_iter().collect();
    for href in attrs(&p, "href") {
        assert!(ids.contains(&href[1..]), "no id for {href}");
    }
    for q in r.summary.queues.keys() {
        assert!(ids.contains(&anchor("queue", q)));
    }
    for a in r.summary.agents.keys() {
        assert!(ids.contains(&anchor("agent", a)));
    }
}
