//! The KPI aggregator against an independent reference: the same event log
//! goes through `switchboard::metrics::Metrics` and through
//! `tests/metrics/reference.py`, a naive recomputation written from the
//! definitions in the docs (every event in memory, grouped by conversation,
//! each figure read off the full history), and the two summaries must
//! agree: counts exactly, means, percentiles and percents to one part in a
//! million.
//!
//! The logs come from the engine itself: the `replay` example's journal,
//! the shared synthetic traffic of `examples/support/traffic.rs` (a shop's
//! weekdays), and a seeded driver of this file's own for what that one
//! does not do (warm and cold transfers to an agent, holds, hand-backs,
//! the bot's errors and timeouts, agents signing out with conversations
//! open) over a change of daylight-saving time in Europe/Berlin.
//!
//! `METRICS_REFERENCE_KEEP=1` keeps the logs (their paths are printed).

#[path = "../../examples/support/traffic.rs"]
mod traffic;

mod driver;

use driver::{HOUR, SATURDAY, TRAFFIC_CONFIG, synthetic};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{Event, Input, InputLine, Output, Switchboard};
use switchboard::metrics::{EXACT_LIMIT, Metrics, Settings};

// ---------------------------------------------------------------------------
// Settings, for both sides

/// One set of report settings, as the reference's arguments and as
/// [`Settings`].
#[derive(Clone, Debug)]
struct Variant {
    name: &'static str,
    sl_s: u64,
    short_abandon_s: u64,
    abandons_met: bool,
    after_hours_waits: bool,
    fcr_days: u64,
}

const DEFAULTS: Variant = Variant {
    name: "defaults",
    sl_s: 20,
    short_abandon_s: 5,
    abandons_met: false,
    after_hours_waits: false,
    fcr_days: 7,
};

const VARIANTS: [Variant; 4] = [
    Variant {
        name: "--sl 30",
        sl_s: 30,
        ..DEFAULTS
    },
    Variant {
        name: "--short-abandon 0 --fcr-days 1",
        short_abandon_s: 0,
        fcr_days: 1,
        ..DEFAULTS
    },
    Variant {
        name: "--abandons-met",
        abandons_met: true,
        ..DEFAULTS
    },
    Variant {
        name: "--after-hours-waits",
        after_hours_waits: true,
        ..DEFAULTS
    },
];

const ZONE: &str = "Europe/Berlin";

impl Variant {
    fn settings(&self, config: &Config) -> Settings {
        Settings::new()
            .with_time_zone(ZONE)
            .unwrap()
            .with_service_level(Duration::from_secs(self.sl_s))
            .with_short_abandon(
                (self.short_abandon_s > 0).then(|| Duration::from_secs(self.short_abandon_s)),
            )
            .with_abandons_within_threshold_met(self.abandons_met)
            .with_after_hours_waits(self.after_hours_waits)
            .with_fcr_window(Duration::from_secs(self.fcr_days * 86_400))
            .with_wrap_up_from(config)
    }

    fn args(&self, config: &Config) -> Vec<String> {
        let mut args = vec![
            "--tz".to_owned(),
            ZONE.to_owned(),
            "--sl".to_owned(),
            self.sl_s.to_string(),
            "--short-abandon".to_owned(),
            self.short_abandon_s.to_string(),
            "--fcr-days".to_owned(),
            self.fcr_days.to_string(),
        ];
        if self.abandons_met {
            args.push("--abandons-met".to_owned());
        }
        if self.after_hours_waits {
            args.push("--after-hours-waits".to_owned());
        }
        for q in config.queues() {
            args.push("--wrap-up".to_owned());
            args.push(format!("{}={}", q.id, q.settings.wrap_up.as_secs_f64()));
        }
        args
    }
}

// ---------------------------------------------------------------------------
// The comparison

/// The Rust summary of `events` as JSON.
fn rust_summary(events: &[Event], settings: Settings) -> Value {
    let mut m = Metrics::new(settings);
    for e in events {
        m.observe(e).expect("the engine's events are in order");
    }
    serde_json::to_value(m.report().summary).unwrap()
}

/// Writes `events` as the `replay` example prints them, one
/// `{"event": …}` line each.
fn write_log(events: &[Event], name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "switchboard-metrics-reference-{}-{name}.jsonl",
        std::process::id()
    ));
    let mut text = String::new();
    for e in events {
        text.push_str(&serde_json::to_string(&json!({ "event": e })).unwrap());
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// The reference's summary of the log at `path`.
fn reference_summary(path: &Path, args: &[String]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metrics/reference.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(path)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "reference.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("reference.py prints JSON")
}

/// Whether `v` says "nothing": zeros, nulls and empty lists (a slice one
/// side never created is the other's slice with no data).
fn is_nothing(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(_) => false,
        Value::Array(a) => a.iter().all(is_nothing),
        Value::Object(o) => o.iter().all(|(k, v)| k == "threshold_s" || is_nothing(v)),
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
}

/// Every difference between the reference's `py` and Rust's `rs`, for the
/// fields the reference computes.
fn diff(path: &str, py: &Value, rs: Option<&Value>, out: &mut Vec<String>) {
    let Some(rs) = rs else {
        if !is_nothing(py) {
            out.push(format!("{path}: reference {py}, rust has none"));
        }
        return;
    };
    match (py, rs) {
        (Value::Object(p), Value::Object(r)) => {
            for (k, v) in p {
                diff(&format!("{path}.{k}"), v, r.get(k), out);
            }
            // In the per-slice maps, a slice only Rust has must be empty.
            if ["queues", "agents", "channels", "tags"]
                .iter()
                .any(|m| path.ends_with(&format!(".{m}")))
            {
                for (k, v) in r {
                    if !p.contains_key(k) && !is_nothing(v) {
                        out.push(format!("{path}.{k}: only rust has it: {v}"));
                    }
                }
            }
        }
        (Value::Array(p), Value::Array(r)) if p.len() == r.len() => {
            for (i, (a, b)) in p.iter().zip(r).enumerate() {
                diff(&format!("{path}[{i}]"), a, Some(b), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = match (a.as_u64(), b.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => close(a.as_f64().unwrap(), b.as_f64().unwrap()),
            };
            if !same {
                out.push(format!("{path}: reference {a}, rust {b}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: reference {a}, rust {b}")),
    }
}

/// How much of the summary was compared: conversations, events, and the
/// non-zero figures.
fn coverage(summary: &Value) -> String {
    fn nonzero(v: &Value) -> usize {
        match v {
            Value::Object(o) => o.values().map(nonzero).sum(),
            Value::Array(a) => a.iter().map(nonzero).sum(),
            v => usize::from(!is_nothing(v)),
        }
    }
    format!(
        "{} conversations, {} events, {} queues, {} agents, {} non-zero figures",
        summary["conversations"],
        summary["period"]["events"],
        summary["queues"].as_object().map_or(0, |m| m.len()),
        summary["agents"].as_object().map_or(0, |m| m.len()),
        nonzero(summary),
    )
}

/// Compares the two summaries of `events` under `variant`; the differences.
fn compare(events: &[Event], config: &Config, name: &str, variant: &Variant) -> Vec<String> {
    let log = write_log(events, name);
    let py = reference_summary(&log, &variant.args(config));
    // METRICS_REFERENCE_KEEP=1 keeps the logs to look into.
    if std::env::var_os("METRICS_REFERENCE_KEEP").is_some() {
        eprintln!("{name}: the log is {}", log.display());
    } else {
        let _ = std::fs::remove_file(&log);
    }
    let rs = rust_summary(events, variant.settings(config));
    let mut out = Vec::new();
    diff("summary", &py, Some(&rs), &mut out);
    eprintln!(
        "{name} ({}): {}; {} differences",
        variant.name,
        coverage(&py),
        out.len()
    );
    out
}

fn assert_agree(events: &[Event], config: &Config, name: &str, variants: &[Variant]) {
    let mut failures = Vec::new();
    for v in variants {
        let d = compare(events, config, name, v);
        if !d.is_empty() {
            failures.push(format!(
                "{name} with {}: {} differences\n  {}",
                v.name,
                d.len(),
                d.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the reference and the aggregator disagree:\n{}",
        failures.join("\n")
    );
}

/// Asserts that every figure in `names` is non-zero in the totals of
/// `summary`: the traffic exercises them.
fn assert_exercised(summary: &Value, names: &[&str]) {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            let v = n
                .split('.')
                .fold(summary, |v, k| v.get(k).unwrap_or(&Value::Null));
            is_nothing(v)
        })
        .collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}");
}

// ---------------------------------------------------------------------------
// The replay example

fn replay_example() -> (Config, Vec<Event>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let config =
        Config::from_toml_str(&std::fs::read_to_string(root.join("replay.toml")).unwrap()).unwrap();
    let journal = std::fs::read_to_string(root.join("replay.jsonl")).unwrap();
    let mut sb = Switchboard::new(config.clone());
    let mut events = Vec::new();
    let mut last = Timestamp::from_millis(0);
    for line in journal.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let input: InputLine = serde_json::from_str(line).unwrap();
        last = input.at;
        let _ = sb.handle(input.at, input.input);
        drain(&mut sb, &mut events);
    }
    // Timers run for two hours after the last input.
    let end = Timestamp::from_millis(last.as_millis() + 2 * 3_600_000);
    while let Some(t) = sb.poll_timeout().filter(|t| *t <= end) {
        sb.handle_timeout(t);
        drain(&mut sb, &mut events);
    }
    (config, events)
}

fn drain(sb: &mut Switchboard, events: &mut Vec<Event>) {
    while let Some(o) = sb.poll_output() {
        if let Output::Event(e) = o {
            events.push(e);
        }
    }
}

#[test]
fn the_replay_example_agrees_with_the_reference() {
    let (config, events) = replay_example();
    assert!(events.len() > 30, "{} events", events.len());
    let all = [
        DEFAULTS,
        VARIANTS[0].clone(),
        VARIANTS[1].clone(),
        VARIANTS[2].clone(),
    ];
    assert_agree(&events, &config, "replay", &all);
}

/// Asserts that every distribution of the totals holds at most
/// [`EXACT_LIMIT`] values, so that the aggregator's percentiles are exact
/// and comparable to one part in a million.
fn assert_exact(summary: &Value) {
    for (k, v) in summary.as_object().unwrap() {
        if let Some(n) = v.get("count").and_then(Value::as_u64) {
            assert!(n <= EXACT_LIMIT as u64, "{k} holds {n} values");
        }
    }
}

// ---------------------------------------------------------------------------
// The shared synthetic traffic

#[test]
fn the_shared_synthetic_traffic_agrees_with_the_reference() {
    // Three weekdays of 400 conversations a day: small enough for every
    // distribution to stay exact.
    let t = traffic::Traffic::new(1, 3, 400);
    let events = traffic::generate(&t);
    let config = traffic::config();
    let rs = rust_summary(&events, DEFAULTS.settings(&config));
    assert_exact(&rs);
    assert_exercised(&rs, &EXERCISED_BY_SHARED_TRAFFIC);
    let all = [
        DEFAULTS,
        VARIANTS[0].clone(),
        VARIANTS[1].clone(),
        VARIANTS[2].clone(),
    ];
    assert_agree(&events, &config, "traffic", &all);
}

/// The figures the shared traffic must exercise (non-zero in the totals).
const EXERCISED_BY_SHARED_TRAFFIC: [&str; 30] = [
    "conversations",
    "messages.customer",
    "messages.bot",
    "messages.agent",
    "messages.system",
    "first_response_s.count",
    "first_reply_s.count",
    "reply_time_s.count",
    "queued",
    "answered",
    "asa_s",
    "service_level.met",
    "service_level.counted",
    "abandonment.count",
    "unanswered",
    "handle_time_s.count",
    "resolution_time_s.count",
    "containment_percent",
    "bot.conversations",
    "bot.contained",
    "bot.handed_off",
    "fcr_percent",
    "fcr.closed",
    "fcr.resolved",
    "csat.responses",
    "csat.mean",
    "closed",
    "reopened",
    "volume_by_hour",
    "volume_by_weekday",
];

// ---------------------------------------------------------------------------
// This file's own synthetic traffic: `driver.rs`

/// The figures the traffic must exercise (non-zero in the totals).
const EXERCISED: [&str; 38] = [
    "conversations",
    "messages.customer",
    "messages.bot",
    "messages.agent",
    "messages.system",
    "first_response_s.count",
    "first_reply_s.count",
    "reply_time_s.count",
    "queued",
    "answered",
    "asa_s",
    "service_level.met",
    "service_level.counted",
    "abandonment.count",
    "abandonment.short",
    "unanswered",
    "handle_time_s.count",
    "resolution_time_s.count",
    "containment_percent",
    "bot.conversations",
    "bot.contained",
    "bot.resolved",
    "bot.handed_off",
    "fcr_percent",
    "fcr.closed",
    "fcr.resolved",
    "csat.responses",
    "csat.satisfied_percent",
    "csat.mean",
    "closed",
    "reopened",
    "transfers",
    "volume_by_hour",
    "volume_by_weekday",
    "agents.ana.offers_accepted",
    "agents.ana.offers_declined",
    "agents.ana.offers_missed",
    "agents.cem.occupancy_percent",
];

#[test]
fn synthetic_traffic_agrees_with_the_reference() {
    let (config, events) = synthetic(7, true);
    let rs = rust_summary(&events, DEFAULTS.settings(&config));
    assert_exact(&rs);
    assert_exercised(&rs, &EXERCISED);
    let warm = events
        .iter()
        .filter(|e| serde_json::to_value(e).unwrap()["type"] == "transferred")
        .count();
    assert!(warm > 0, "no transfer completed");
    assert_agree(&events, &config, "synthetic", &[DEFAULTS]);
}

/// The non-default settings, on traffic without warm transfers (whose
/// handling is compared above): each variant's own figures are compared
/// on everything else.
#[test]
fn synthetic_traffic_agrees_with_the_reference_in_every_variant() {
    for seed in [11, 12] {
        let (config, events) = synthetic(seed, false);
        let rs = rust_summary(&events, DEFAULTS.settings(&config));
        assert_exact(&rs);
        assert_exercised(&rs, &EXERCISED);
        assert_agree(&events, &config, &format!("synthetic-{seed}"), &VARIANTS);
        assert_agree(&events, &config, &format!("synthetic-{seed}"), &[DEFAULTS]);
    }
}

/// A warm transfer hands the conversation over without a change of state:
/// the first agent's part ends at the `transferred` event and the second's
/// begins, the second becomes the conversation's last agent, and the
/// conversation had two agents (so it is not resolved at first contact).
#[test]
fn a_warm_transfer_hands_the_conversation_over() {
    let config = Config::from_toml_str(TRAFFIC_CONFIG).unwrap();
    let mut sb = Switchboard::new(config.clone());
    let mut events = Vec::new();
    let t0 = SATURDAY + 10 * HOUR;
    let inputs: Vec<(u64, Value)> = vec![
        (
            0,
            json!({"type": "agent_upsert", "agent": "ana", "capacity": {"webchat": 2}}),
        ),
        (
            0,
            json!({"type": "agent_upsert", "agent": "bob", "capacity": {"webchat": 2}}),
        ),
        (
            0,
            json!({"type": "agent_status", "agent": "ana", "status": "available"}),
        ),
        (
            0,
            json!({"type": "agent_status", "agent": "bob", "status": "available"}),
        ),
        (
            1,
            json!({"type": "inbound", "channel": "webchat", "from": "v1", "text": "Hi"}),
        ),
        (
            2,
            json!({"type": "bot_turn", "conversation": "c1", "turn": 1, "handoff": "person"}),
        ),
        (
            5,
            json!({"type": "agent_accept", "agent": "ana", "conversation": "c1"}),
        ),
        (
            6,
            json!({"type": "agent_message", "agent": "ana", "conversation": "c1", "text": "Hello"}),
        ),
        (
            10,
            json!({"type": "transfer", "conversation": "c1", "agent": "bob", "warm": true}),
        ),
        (
            20,
            json!({"type": "agent_accept", "agent": "bob", "conversation": "c1"}),
        ),
        (
            30,
            json!({"type": "inbound", "channel": "webchat", "from": "v1", "text": "Still there?"}),
        ),
        (
            40,
            json!({"type": "agent_message", "agent": "bob", "conversation": "c1", "text": "Yes"}),
        ),
        (
            100,
            json!({"type": "close", "conversation": "c1", "by": "agent", "agent": "bob"}),
        ),
        (
            200,
            json!({"type": "agent_status", "agent": "ana", "status": "offline"}),
        ),
        (
            200,
            json!({"type": "agent_status", "agent": "bob", "status": "offline"}),
        ),
    ];
    for (s, input) in inputs {
        sb.handle(
            Timestamp::from_millis(t0 + s * 1000),
            serde_json::from_value(input).unwrap(),
        )
        .unwrap();
        drain(&mut sb, &mut events);
    }
    let kinds: Vec<Value> = events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap()["type"].clone())
        .collect();
    assert!(kinds.contains(&json!("transferred")), "{kinds:?}");
    assert_agree(&events, &config, "warm-transfer", &[DEFAULTS]);
}
