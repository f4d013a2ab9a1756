//! Reports for the page's tests: a seeded week (or any number of days) of
//! conversations written as an event log here, with a daily and weekly
//! rhythm, a bot in front, three queues, six agents (one with a name
//! beyond ASCII), abandons, handoff reasons and CSAT scores; and the
//! engine's own synthetic traffic (`examples/support/traffic.rs`).

use std::sync::OnceLock;

use serde_json::{Value, json};
use switchboard::metrics::{Metrics, Report, Settings};

use super::traffic;

/// Monday 2026-11-23, 00:00 in Berlin.
pub(crate) const MONDAY: u64 = 1_795_388_400_000;

const AGENTS: [&str; 6] = ["ana", "ben", "chloé", "dev", "eve", "farid"];
const QUEUES: [&str; 3] = ["support", "billing", "sales"];
const CHANNELS: [&str; 4] = ["webchat", "whatsapp", "sms", "messenger"];
const HANDOFFS: [&str; 5] = [
    "bot_fallbacks",
    "explicit_request",
    "human_intent",
    "low_confidence",
    "negative_sentiment",
];

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0–1.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// Exponential with `mean`, in ms.
    fn exp_ms(&mut self, mean_s: f64) -> u64 {
        (-(1.0 - self.unit()).ln() * mean_s * 1000.0) as u64
    }
}

/// The log being written: events with their times, sorted at the end.
#[derive(Default)]
struct Log {
    events: Vec<(u64, usize, String)>,
}

impl Log {
    fn push(&mut self, at: u64, conv: Option<&str>, fields: Value) {
        let mut e = json!({ "at": at });
        if let Some(c) = conv {
            e["conversation"] = json!(c);
        }
        for (k, v) in fields.as_object().expect("an object") {
            e[k] = v.clone();
        }
        let n = self.events.len();
        self.events.push((at, n, e.to_string()));
    }

    fn transition(&mut self, at: u64, conv: &str, from: Option<&str>, to: &str, why: &str) {
        let e = json!({ "type": "transition", "from": from, "to": to, "reason": why });
        self.push(at, Some(conv), e);
    }

    fn text(mut self) -> String {
        self.events.sort_by_key(|e| (e.0, e.1));
        let mut out = String::new();
        for (_, _, line) in self.events {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// `days` days of traffic from [`MONDAY`], about `per_weekday`
/// conversations on a weekday and a third of that at weekends, as an
/// event log (bare events, one per line).
pub(crate) fn log(days: u64, per_weekday: u64, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut log = Log::default();
    let hour_ms = 3_600_000;
    let mut n = 0;
    for day in 0..days {
        let t0 = MONDAY + day * 24 * hour_ms;
        let weekend = day % 7 >= 5;
        let on_duty: &[&str] = if weekend { &AGENTS[..2] } else { &AGENTS };
        let (open, close) = if weekend { (10, 16) } else { (8, 20) };
        for a in on_duty {
            let a = json!(a);
            log.push(
                t0 + open * hour_ms,
                None,
                json!({"type": "agent_status", "agent": a, "status": "available"}),
            );
            log.push(
                t0 + 12 * hour_ms,
                None,
                json!({"type": "agent_status", "agent": a, "status": "away"}),
            );
            log.push(
                t0 + 12 * hour_ms + 2_700_000,
                None,
                json!({"type": "agent_status", "agent": a, "status": "available"}),
            );
            log.push(
                t0 + close * hour_ms,
                None,
                json!({"type": "agent_status", "agent": a, "status": "offline"}),
            );
        }
        for hour in 7..23u64 {
            // Two peaks a day, late morning and mid-afternoon.
            let shape = match hour {
                10..=11 | 14..=15 => 2.0,
                9 | 12 | 13 | 16 => 1.4,
                8 | 17 | 18 => 0.9,
                _ => 0.35,
            };
            let mean = per_weekday as f64 / 17.4 * shape * if weekend { 0.33 } else { 1.0 };
            let arrivals = (mean * (0.7 + 0.6 * rng.unit())).round() as u64;
            let busy = shape >= 1.4;
            for _ in 0..arrivals {
                n += 1;
                let t = t0 + hour * hour_ms + rng.below(hour_ms);
                conversation(&mut log, &mut rng, n, t, busy, on_duty);
            }
        }
    }
    log.text()
}

/// One conversation `c<n>` starting at `t`.
fn conversation(log: &mut Log, rng: &mut Rng, n: u64, t: u64, busy: bool, agents: &[&str]) {
    let id = format!("c{n}");
    let c = Some(id.as_str());
    let channel = rng.pick(&CHANNELS);
    let contact = format!("u{}", rng.below(n / 2 + 1));
    let said = |log: &mut Log, at: u64, from: Value| {
        log.push(
            at,
            c,
            json!({"type": "message", "from": from, "channel": channel}),
        );
    };
    log.push(
        t,
        c,
        json!({"type": "started", "contact": contact, "channel": channel}),
    );
    said(log, t, json!({"role": "customer"}));
    let queue = rng.pick(&QUEUES);
    let mut at = t;
    if rng.unit() < 0.6 {
        log.transition(at, &id, None, "bot", "routed");
        said(log, at + 1_000, json!({"role": "bot", "bot": "faq"}));
        said(log, at + 20_000, json!({"role": "customer"}));
        said(log, at + 21_000, json!({"role": "bot", "bot": "faq"}));
        at += 30_000;
        if rng.unit() < 0.4 {
            let why = if rng.unit() < 0.7 {
                "resolved"
            } else {
                "inactivity"
            };
            log.transition(at, &id, Some("bot"), "closed", why);
            return;
        }
        let why = rng.pick(&HANDOFFS);
        let e = json!({"type": "transition", "queue": queue, "from": "bot", "to": "queued", "reason": why});
        log.push(at, c, e);
    } else {
        let e = json!({"type": "transition", "queue": queue, "from": null, "to": "queued", "reason": "routed"});
        log.push(at, c, e);
    }
    let from = "queued";
    let wait = rng.exp_ms(if busy { 16.0 } else { 7.0 });
    let patience = rng.exp_ms(400.0);
    let q = json!(queue);
    if patience < wait {
        let e = json!({"type": "transition", "queue": q, "from": from, "to": "closed", "reason": "abandoned"});
        log.push(at + patience, c, e);
        return;
    }
    if rng.unit() < 0.02 {
        let e = json!({"type": "transition", "queue": q, "from": from, "to": "closed", "reason": "closed_by_system"});
        log.push(at + wait, c, e);
        return;
    }
    let agent = json!(rng.pick(agents));
    let offered = at + wait * 9 / 10;
    log.push(offered, c, json!({"type": "transition", "queue": q, "from": from, "to": "offered", "reason": "offered"}));
    if rng.unit() < 0.05 {
        let other = json!(rng.pick(agents));
        log.push(
            offered,
            c,
            json!({"type": "offer_missed", "agent": other, "queue": q, "reason": "offer_expired"}),
        );
    }
    at += wait;
    log.push(at, c, json!({"type": "transition", "agent": agent, "queue": q, "from": "offered", "to": "with_agent", "reason": "accepted"}));
    at += 3_000 + rng.exp_ms(25.0);
    said(log, at, json!({"role": "agent", "agent": agent}));
    for _ in 0..1 + rng.below(4) {
        at += 10_000 + rng.exp_ms(60.0);
        said(log, at, json!({"role": "customer"}));
        at += 5_000 + rng.exp_ms(40.0);
        said(log, at, json!({"role": "agent", "agent": agent}));
    }
    at += 20_000;
    log.push(at, c, json!({"type": "transition", "agent": agent, "queue": q, "from": "with_agent", "to": "closed", "reason": "closed_by_agent"}));
    if rng.unit() < 0.45 {
        let score = [1, 2, 3, 4, 4, 5, 5, 5][rng.below(8) as usize];
        log.push(at + 60_000, c, json!({"type": "csat", "score": score}));
    }
}

/// The report of `text` (an event log) in Berlin time, with conversation
/// rows.
pub(crate) fn report_of(text: &str) -> Report {
    let settings = Settings::new()
        .with_time_zone("Europe/Berlin")
        .expect("a zone")
        .with_conversation_rows(true);
    let mut m = Metrics::new(settings);
    m.observe_log(text.as_bytes()).expect("a valid log");
    m.report()
}

/// A week of traffic's report: about 3,600 conversations (made once).
pub(crate) fn week() -> &'static Report {
    static WEEK: OnceLock<Report> = OnceLock::new();
    WEEK.get_or_init(|| report_of(&log(7, 600, 7)))
}

/// The report of the engine's own synthetic traffic (`examples/traffic`):
/// two weekdays of 1,200 conversations.
pub(crate) fn engine_traffic() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let t = traffic::Traffic::new(1, 2, 1_200);
        let settings = Settings::new()
            .with_time_zone("Europe/Berlin")
            .expect("a zone")
            .with_wrap_up_from(&traffic::config())
            .with_conversation_rows(true);
        let mut m = Metrics::new(settings);
        for e in traffic::generate(&t) {
            m.observe(&e).expect("in order");
        }
        m.report()
    })
}
