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

#[path = "../examples/support/traffic.rs"]
mod traffic;

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
// This file's own synthetic traffic

const TRAFFIC_CONFIG: &str = r#"
[calendars.shop]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"

[[queues]]
id = "support"
wrap_up = "30s"
overflow = { after = "4m", to = "general" }

[[queues]]
id = "general"
wrap_up = "10s"

[[queues]]
id = "billing"
calendar = "shop"
wrap_up = "1m"

[bots.faq]
timeout = "10s"

[escalation]
queue = "support"

[conversations]
reopen_window = "15m"
no_agent_timeout = "10m"
inactivity_timeout = "20m"
hold_timeout = "10m"

[[rules]]
id = "refund"
when = "text contains_any ['refund']"
then = { queue = "billing", tags = ["refund"] }

[defaults]
bot = "faq"
"#;

/// SplitMix64: small, seeded, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number of milliseconds in `lo..=hi` seconds.
    fn secs(&mut self, lo: u64, hi: u64) -> u64 {
        lo * 1000 + self.next() % ((hi - lo) * 1000 + 1)
    }

    /// True with probability `p` percent.
    fn chance(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// What the host will do at a time: decided then, against what the
/// conversation has become.
#[derive(Clone, Debug)]
enum Intent {
    /// A customer writes (a new conversation, the next message of an open
    /// one, or a reopen).
    Write { channel: String, from: String },
    /// The bot answers a question.
    BotAnswer { conversation: String, turn: u64 },
    /// An agent answers an offer.
    Offer { conversation: String, agent: String },
    /// The customer gives up, if still waiting.
    Abandon { conversation: String },
    /// The agent writes, if they have it.
    AgentWrites { conversation: String, agent: String },
    /// The customer writes in an open conversation.
    CustomerWrites { conversation: String },
    /// The agent is done: close, transfer, hand back or hold.
    Finish { conversation: String, agent: String },
    /// A plain input.
    Input(Value),
}

#[derive(Debug, Default)]
struct Conv {
    channel: String,
    from: String,
    state: String,
    agent: Option<String>,
}

struct Traffic {
    sb: Switchboard,
    rng: Rng,
    agenda: BinaryHeap<Reverse<(u64, u64)>>,
    intents: HashMap<u64, Intent>,
    seq: u64,
    events: Vec<Event>,
    convs: HashMap<String, Conv>,
    /// The channel and address of the last customer message: a
    /// conversation it starts is theirs.
    writer: (String, String),
    agents: Vec<String>,
    warm_transfers: bool,
}

impl Traffic {
    fn new(config: Config, seed: u64, warm_transfers: bool) -> Traffic {
        Traffic {
            sb: Switchboard::new(config),
            rng: Rng(seed),
            agenda: BinaryHeap::new(),
            intents: HashMap::new(),
            seq: 0,
            events: Vec::new(),
            convs: HashMap::new(),
            writer: Default::default(),
            agents: Vec::new(),
            warm_transfers,
        }
    }

    fn at(&mut self, at: u64, intent: Intent) {
        self.seq += 1;
        self.agenda.push(Reverse((at, self.seq)));
        self.intents.insert(self.seq, intent);
    }

    fn input(&mut self, at: u64, input: Value) {
        self.at(at, Intent::Input(input));
    }

    /// Runs the engine and the host until `end`.
    fn run(&mut self, end: u64) {
        loop {
            let next = self.agenda.peek().map(|r| r.0.0);
            let timer = self.sb.poll_timeout().map(|t| t.as_millis());
            match (next, timer) {
                (_, Some(t)) if t <= end && next.is_none_or(|n| t < n) => {
                    self.sb.handle_timeout(Timestamp::from_millis(t));
                    self.flush(t);
                }
                (Some(n), _) if n <= end => {
                    let Reverse((at, seq)) = self.agenda.pop().unwrap();
                    let intent = self.intents.remove(&seq).unwrap();
                    self.act(at, intent);
                    self.flush(at);
                }
                _ => break,
            }
        }
    }

    fn send(&mut self, at: u64, input: Value) {
        let input: Input = serde_json::from_value(input).unwrap();
        // Refused inputs (the conversation moved on meanwhile) are part of
        // real traffic: nothing to do.
        let _ = self.sb.handle(Timestamp::from_millis(at), input);
    }

    fn act(&mut self, at: u64, intent: Intent) {
        match intent {
            Intent::Input(v) => self.send(at, v),
            Intent::Write { channel, from } => {
                let text = if self.rng.chance(15) {
                    "I want a refund"
                } else {
                    *self
                        .rng
                        .pick(&["Where is my order?", "Hello", "Change my address"])
                };
                self.writer = (channel.clone(), from.clone());
                self.send(
                    at,
                    json!({"type": "inbound", "channel": channel, "from": from, "text": text}),
                );
            }
            Intent::BotAnswer { conversation, turn } => {
                let Some(c) = self.convs.get(&conversation) else {
                    return;
                };
                if c.state != "bot" {
                    return;
                }
                let roll = self.rng.next() % 100;
                let mut turn_v = json!({"type": "bot_turn", "conversation": conversation,
                    "turn": turn, "reply": "Here is what I found."});
                let more = match roll {
                    0..=29 => {
                        turn_v["resolved"] = json!(true);
                        false
                    }
                    30..=54 => {
                        turn_v["handoff"] = json!("the customer asks for a person");
                        false
                    }
                    55..=69 => {
                        turn_v["fallback"] = json!(true);
                        turn_v["reply"] = json!("Sorry, I did not understand.");
                        true
                    }
                    70..=74 => {
                        turn_v = json!({"type": "bot_turn", "conversation": conversation,
                            "turn": turn, "error": "backend down"});
                        false
                    }
                    _ => self.rng.chance(60),
                };
                self.send(at, turn_v);
                if more {
                    let t = at + self.rng.secs(5, 90);
                    self.at(t, Intent::CustomerWrites { conversation });
                }
            }
            Intent::Offer {
                conversation,
                agent,
            } => {
                // Accept, decline or let it expire.
                let roll = self.rng.next() % 100;
                let kind = match roll {
                    0..=69 => "agent_accept",
                    70..=84 => "agent_decline",
                    _ => return,
                };
                self.send(
                    at,
                    json!({"type": kind, "agent": agent, "conversation": conversation}),
                );
            }
            Intent::Abandon { conversation } => {
                let waiting = self.convs.get(&conversation).is_some_and(|c| {
                    matches!(c.state.as_str(), "queued" | "offered" | "after_hours")
                });
                if waiting {
                    self.send(
                        at,
                        json!({"type": "close", "conversation": conversation, "by": "customer"}),
                    );
                }
            }
            Intent::AgentWrites {
                conversation,
                agent,
            } => {
                if !self.has(&conversation, &agent) {
                    return;
                }
                self.send(
                    at,
                    json!({"type": "agent_message", "agent": agent,
                        "conversation": conversation, "text": "Let me check that for you."}),
                );
                if self.rng.chance(65) {
                    let t = at + self.rng.secs(5, 120);
                    self.at(t, Intent::CustomerWrites { conversation });
                } else {
                    let t = at + self.rng.secs(10, 180);
                    self.at(
                        t,
                        Intent::Finish {
                            conversation,
                            agent,
                        },
                    );
                }
            }
            Intent::CustomerWrites { conversation } => {
                let Some(c) = self.convs.get(&conversation) else {
                    return;
                };
                let (channel, from) = (c.channel.clone(), c.from.clone());
                // A closed conversation reopens within the reopen window.
                self.writer = (channel.clone(), from.clone());
                self.send(
                    at,
                    json!({"type": "inbound", "channel": channel, "from": from,
                        "text": "And another thing"}),
                );
                let c = &self.convs[&conversation];
                if let (Some(agent), "with_agent") = (c.agent.clone(), c.state.as_str()) {
                    let t = at + self.rng.secs(3, 90);
                    self.at(
                        t,
                        Intent::AgentWrites {
                            conversation,
                            agent,
                        },
                    );
                }
            }
            Intent::Finish {
                conversation,
                agent,
            } => {
                if !self.has(&conversation, &agent) {
                    return;
                }
                let roll = self.rng.next() % 100;
                let other = self.rng.pick(&self.agents.clone()).clone();
                let queue = self
                    .rng
                    .pick(&["support", "general", "billing"])
                    .to_string();
                let c = conversation.clone();
                let input = match roll {
                    0..=49 => {
                        json!({"type": "close", "conversation": c, "by": "agent", "agent": agent})
                    }
                    50..=56 => json!({"type": "close", "conversation": c, "by": "customer"}),
                    57..=66 => json!({"type": "transfer", "conversation": c, "queue": queue}),
                    67..=74 => json!({"type": "transfer", "conversation": c, "agent": other}),
                    75..=82 if self.warm_transfers => {
                        json!({"type": "transfer", "conversation": c, "agent": other, "warm": true})
                    }
                    83..=88 => json!({"type": "hand_back", "conversation": c, "agent": agent}),
                    89..=95 => json!({"type": "hold", "conversation": c, "agent": agent}),
                    _ => json!({"type": "close", "conversation": c, "by": "system"}),
                };
                let kind = input["type"].as_str().unwrap().to_owned();
                let warm = input["warm"] == json!(true);
                self.send(at, input);
                match kind.as_str() {
                    "close" => {
                        if self.rng.chance(50) {
                            let t = at + self.rng.secs(5, 300);
                            let score = 1 + self.rng.next() % 5;
                            self.input(
                                t,
                                json!({"type": "csat", "conversation": conversation,
                                    "score": score}),
                            );
                        }
                        if self.rng.chance(20) {
                            // Writes again: within the reopen window or not.
                            let t = at + self.rng.secs(30, 1800);
                            self.at(t, Intent::CustomerWrites { conversation });
                        }
                    }
                    "hold" if self.rng.chance(60) => {
                        let t = at + self.rng.secs(30, 900);
                        self.at(t, Intent::CustomerWrites { conversation });
                    }
                    "transfer" if warm => {
                        // The agent goes on until the transfer happens or
                        // fails.
                        let t = at + self.rng.secs(40, 120);
                        self.at(
                            t,
                            Intent::Finish {
                                conversation,
                                agent,
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    fn has(&self, conversation: &str, agent: &str) -> bool {
        self.convs
            .get(conversation)
            .is_some_and(|c| c.state == "with_agent" && c.agent.as_deref() == Some(agent))
    }

    /// Takes the engine's outputs: keeps the events, follows the
    /// conversations, and plans the host's answers to its actions.
    fn flush(&mut self, now: u64) {
        let mut outputs = Vec::new();
        while let Some(o) = self.sb.poll_output() {
            outputs.push(o);
        }
        for o in outputs {
            match o {
                Output::Event(e) => {
                    let v = serde_json::to_value(&e).unwrap();
                    self.events.push(e);
                    self.follow(now, &v);
                }
                Output::Action(a) => {
                    let v = serde_json::to_value(&a).unwrap();
                    self.react(now, &v["action"]);
                }
                _ => {}
            }
        }
    }

    fn follow(&mut self, now: u64, e: &Value) {
        let Some(id) = e["conversation"].as_str() else {
            return;
        };
        let id = id.to_owned();
        match e["type"].as_str().unwrap() {
            "started" => {
                let (channel, from) = self.writer.clone();
                self.convs.insert(
                    id.clone(),
                    Conv {
                        channel,
                        from,
                        ..Conv::default()
                    },
                );
                if self.rng.chance(10) {
                    let t = now + self.rng.secs(1, 600);
                    self.input(
                        t,
                        json!({"type": "tag", "conversation": id, "tags": ["vip"]}),
                    );
                }
            }
            "transition" => {
                let to = e["to"].as_str().unwrap().to_owned();
                let from = e["from"].as_str().unwrap_or("");
                let Some(c) = self.convs.get_mut(&id) else {
                    return;
                };
                if to == "with_agent" {
                    c.agent = e["agent"].as_str().map(str::to_owned);
                }
                let waiting = |s: &str| matches!(s, "queued" | "offered" | "after_hours");
                let starts_waiting = waiting(&to) && !waiting(from);
                c.state = to;
                if starts_waiting && self.rng.chance(30) {
                    let t = now
                        + if self.rng.chance(30) {
                            self.rng.secs(1, 6)
                        } else {
                            self.rng.secs(6, 400)
                        };
                    self.at(t, Intent::Abandon { conversation: id });
                }
            }
            "transferred" => {
                if let Some(c) = self.convs.get_mut(&id) {
                    c.agent = e["agent"].as_str().map(str::to_owned);
                }
            }
            "purged" => {
                self.convs.remove(&id);
            }
            _ => {}
        }
    }

    fn react(&mut self, now: u64, a: &Value) {
        let conversation = a["conversation"].as_str().unwrap_or_default().to_owned();
        match a["type"].as_str().unwrap() {
            "ask_bot" => {
                if self.rng.chance(4) {
                    return; // the bot times out
                }
                let t = now + self.rng.secs(1, 4);
                let turn = a["turn"].as_u64().unwrap();
                self.at(t, Intent::BotAnswer { conversation, turn });
            }
            "offer" => {
                let agent = a["agent"].as_str().unwrap().to_owned();
                let t = now + self.rng.secs(2, 40);
                self.at(
                    t,
                    Intent::Offer {
                        conversation,
                        agent,
                    },
                );
            }
            "assigned" => {
                let agent = a["agent"].as_str().unwrap().to_owned();
                let t = now + self.rng.secs(3, 70);
                self.at(
                    t,
                    Intent::AgentWrites {
                        conversation,
                        agent,
                    },
                );
            }
            "transfer_failed" => {
                if let Some(agent) = a["agent"].as_str() {
                    let agent = agent.to_owned();
                    let t = now + self.rng.secs(10, 60);
                    self.at(
                        t,
                        Intent::Finish {
                            conversation,
                            agent,
                        },
                    );
                }
            }
            "agent_status" => {
                // Set away for missed offers: back after a break.
                let agent = a["agent"].as_str().unwrap().to_owned();
                let t = now + self.rng.secs(120, 900);
                self.input(
                    t,
                    json!({"type": "agent_status", "agent": agent, "status": "available"}),
                );
            }
            _ => {}
        }
    }
}

/// Saturday 2026-10-24, 00:00 UTC: the night of the 25th, Berlin leaves
/// summer time.
const SATURDAY: u64 = 1_792_800_000_000;
const HOUR: u64 = 3_600_000;

/// Three days of traffic: the events and the configuration.
fn synthetic(seed: u64, warm_transfers: bool) -> (Config, Vec<Event>) {
    let config = Config::from_toml_str(TRAFFIC_CONFIG).unwrap();
    let mut t = Traffic::new(config.clone(), seed, warm_transfers);
    let agents = ["ana", "bob", "cem", "dora"];
    t.agents = agents.iter().map(|a| a.to_string()).collect();
    for a in agents {
        t.input(
            SATURDAY,
            json!({"type": "agent_upsert", "agent": a, "languages": ["en"],
                "capacity": {"webchat": 2, "sms": 2}}),
        );
    }
    // Shifts (UTC): ana and bob by day, bob away at lunch; cem for the
    // afternoon, signing out with conversations open; dora by night.
    for day in 0..3 {
        let d = SATURDAY + day * 24 * HOUR;
        let shifts: [(&str, u64, &str); 8] = [
            ("ana", 6 * HOUR, "available"),
            ("ana", 20 * HOUR, "offline"),
            ("bob", 7 * HOUR, "available"),
            ("bob", 12 * HOUR, "away"),
            ("bob", 12 * HOUR + HOUR / 2, "available"),
            ("bob", 19 * HOUR, "offline"),
            ("cem", 11 * HOUR, "available"),
            ("cem", 16 * HOUR + 17 * 60_000, "offline"),
        ];
        for (agent, at, status) in shifts {
            t.input(
                d + at,
                json!({"type": "agent_status", "agent": agent, "status": status}),
            );
        }
        t.input(
            d + 19 * HOUR,
            json!({"type": "agent_status", "agent": "dora", "status": "available"}),
        );
        t.input(
            d + 23 * HOUR + HOUR / 2,
            json!({"type": "agent_status", "agent": "dora", "status": "offline"}),
        );
    }
    // Arrivals: every few minutes by day, seldom by night; customers come
    // back.
    let end = SATURDAY + 2 * 24 * HOUR + 21 * HOUR;
    let mut now = SATURDAY + 5 * HOUR;
    while now < end {
        let hour = (now - SATURDAY) / HOUR % 24;
        let gap = if (6..20).contains(&hour) {
            9 * 60
        } else {
            40 * 60
        };
        now += t.rng.secs(20, 2 * gap);
        let n = t.rng.next() % 90;
        let (channel, from) = if n.is_multiple_of(3) {
            ("sms", format!("+491511234{n:04}"))
        } else {
            ("webchat", format!("visitor-{n}"))
        };
        t.at(
            now,
            Intent::Write {
                channel: channel.to_owned(),
                from,
            },
        );
    }
    // The log ends an hour after the last arrival: some still open.
    t.run(end + HOUR);
    (config, t.events)
}

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
