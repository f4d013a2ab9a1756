//! Fuzzes the KPI aggregator (`switchboard::metrics`): sequences of engine
//! events over a small vocabulary, every setting that changes how they
//! count, splits and merges, and raw event logs.
//!
//! The input is read as:
//!
//! * bytes 0-3: the settings: interval (15, 30 or 60 minutes), time zone
//!   (UTC, Europe/Berlin, Asia/Kolkata, America/St_Johns), service-level
//!   threshold (0 to `Duration::MAX`), short abandons (off, 0, 5 s, 1 h),
//!   abandons within the threshold met or not, conversation rows kept or
//!   not, tolerance for events out of order (0 to `Duration::MAX`),
//!   first-contact-resolution window (0, 1 ms, 1 s, 1 h, 1 day, 7 days,
//!   `u64::MAX` ms, `Duration::MAX`) and each queue's wrap-up (none, 0,
//!   30 s, `u64::MAX` ms);
//! * byte 4: the mode: from `0xe0` on, the rest of the input is an event
//!   log, fed as raw bytes to `observe_log`; below, it is the point where
//!   the event sequence is split in two (as a fraction of its length), and
//!   byte 5 says which of two shards each conversation and agent goes to;
//! * then steps of five bytes (opcode, time, ids, two arguments), a few
//!   with eight more for a time anywhere in `u64`. The ids are three
//!   conversations (`c1`-`c3`, now and then none), two agents (`ana`,
//!   `bea`), two queues (`support`, `billing`) and two contacts (`u1`,
//!   `u2`). The events are `started` (four channels), `message` by the
//!   customer, a bot, an agent and the system, `transition` between any
//!   two states, from none too, for one of 24 reasons (abandoned,
//!   accepted, reopened, transfer and the rest), `transferred`,
//!   `offer_missed`, `agent_status`, `csat` with any `u8` score, `tagged`
//!   (empty tags too), `purged` and a few that count for nothing; the
//!   other steps call `report()` or `live(t)` (at the latest event, a
//!   little later or earlier, the epoch, the end of jiff's calendar, or
//!   anywhere in `u64`, `Timestamp::MAX` and `u64::MAX` included). Times
//!   mostly go forward (by 1 ms to 30 days), sometimes stay, and now and
//!   then go back (one event, by 1 ms to 2 h) or jump (to
//!   `Timestamp::MAX`, past it, `u64::MAX`, the end of jiff's calendar,
//!   or anywhere in `u64`), for one event or for good.
//!
//! The events go to one aggregate, to two aggregates split at the fuzzed
//! point in time order (merged `earlier.merge(later)`), to two named
//! shards (merged), and, as JSON lines, to `observe_log`. Checks:
//!
//! * nothing panics, and `report()` and `live(t)` return at any point;
//! * an event log, raw or not, reads to `Ok` or to an error naming one of
//!   its lines (1-based, at most its last);
//! * `observe` refuses only events out of order; a merge of aggregates
//!   with the same settings fails only with `Overlap`, and a merge of two
//!   named shards never fails;
//! * when every aggregate accepted every event: the JSON log of the events
//!   reads back in full and gives the same `summary` as `observe`; the
//!   sharded merge counts the messages seen; and the split-in-time
//!   merge's `summary` equals the single aggregate's, compared as
//!   `serde_json::Value`s — whatever the sequence: events out of order
//!   within the tolerance, a conversation seen before its `started`, one
//!   started twice, an id started again after `purged`.
//!
//! Inputs over 64 KiB are skipped. On a failure the harness prints the
//! settings, the split and the steps, events as JSON lines (the log
//! format `examples/report` reads).
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run metrics -- -max_total_time=60`; reproduce a
//! crash with `cargo +nightly fuzz run metrics fuzz/artifacts/metrics/<file>`.

#![no_main]

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use switchboard::engine::{Event, EventKind};
use switchboard::handoff::{Party, Reason, State};
use switchboard::metrics::{Interval, Metrics, MetricsError, Settings};
use switchboard::{
    AgentId, BotId, ChannelKind, ContactId, ConversationId, Presence, QueueId, RuleId, Timestamp,
};
use switchboard_fuzz::{Bytes, bytes_code, start_input};

const MAX_INPUT: usize = 64 * 1024;
/// Monday 2026-01-05 08:00 UTC.
const BASE: u64 = 1_767_600_000_000;
/// The last instant jiff's calendar holds (9999-12-31T23:59:59.999Z).
const JIFF_END: u64 = 253_402_300_799_999;
const ZONES: [&str; 4] = ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns"];
const CONVERSATIONS: [&str; 3] = ["c1", "c2", "c3"];
const AGENTS: [&str; 2] = ["ana", "bea"];
const QUEUES: [&str; 2] = ["support", "billing"];
const CONTACTS: [&str; 2] = ["u1", "u2"];
const STATES: [State; 6] = [
    State::Bot,
    State::Queued,
    State::AfterHours,
    State::Offered,
    State::WithAgent,
    State::Closed,
];
const HUGE: Duration = Duration::from_millis(u64::MAX);

fn reasons() -> &'static [Reason] {
    static REASONS: OnceLock<Vec<Reason>> = OnceLock::new();
    REASONS.get_or_init(|| {
        vec![
            Reason::Routed,
            Reason::ExplicitRequest,
            Reason::BotHandoff,
            Reason::BotFallbacks,
            Reason::Offered,
            Reason::Accepted,
            Reason::Declined,
            Reason::OfferExpired,
            Reason::AgentOffline,
            Reason::Transfer,
            Reason::HandBack,
            Reason::NoAgent,
            Reason::Overflow,
            Reason::QueueOpened,
            Reason::ClosedByAgent,
            Reason::ClosedByCustomer,
            Reason::Abandoned,
            Reason::ClosedByBot,
            Reason::ClosedBySystem,
            Reason::Resolved,
            Reason::Inactivity,
            Reason::Reopened,
            Reason::Trigger(RuleId::new("vip")),
            Reason::Rule(RuleId::new("refund")),
        ]
    })
}

fn channel(n: u8) -> ChannelKind {
    match n % 4 {
        0 => ChannelKind::WebChat,
        1 => ChannelKind::Sms,
        2 => ChannelKind::WhatsApp,
        _ => ChannelKind::Custom("fax".into()),
    }
}

/// What one step does.
#[derive(Clone, Debug)]
enum Step {
    Event(Event),
    Report,
    Live(Timestamp),
}

/// A decoded input.
struct Case {
    settings: Settings,
    /// The settings as a person reads them.
    described: String,
    /// The raw event log, in log mode.
    log: Option<Vec<u8>>,
    /// Steps before the split go to the earlier aggregate.
    split: usize,
    /// Which shard each conversation (bits 0-2) and agent (bits 3-4) goes to.
    shards: u8,
    steps: Vec<Step>,
}

fn settings(b: &mut Bytes<'_>) -> Option<(Settings, String)> {
    let [s0, s1, s2, s3] = b.array::<4>()?;
    let interval = [
        Interval::Minutes15,
        Interval::Minutes30,
        Interval::Minutes60,
    ][s0 as usize % 3];
    let zone = ZONES[(s0 as usize / 3) % 4];
    let service_level = [
        Duration::from_secs(20),
        Duration::ZERO,
        Duration::from_millis(1),
        Duration::from_secs(3600),
        Duration::MAX,
    ][(s1 as usize >> 3) % 5];
    let short_abandon = [
        Some(Duration::from_secs(5)),
        None,
        Some(Duration::ZERO),
        Some(Duration::from_secs(3600)),
    ][(s0 as usize >> 4) % 4];
    let within_met = s0 & 0x40 != 0;
    let rows = s0 & 0x80 != 0;
    let tolerance = [
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::from_millis(1),
        Duration::from_secs(1),
        Duration::from_secs(60),
        Duration::from_secs(7200),
        Duration::MAX,
    ][s1 as usize % 8];
    let fcr_window = [
        Duration::from_secs(7 * 86_400),
        Duration::ZERO,
        Duration::from_millis(1),
        Duration::from_secs(1),
        Duration::from_secs(3600),
        Duration::from_secs(86_400),
        HUGE,
        Duration::MAX,
    ][s2 as usize % 8];
    let wrap_ups = [
        None,
        Some(Duration::ZERO),
        Some(Duration::from_secs(30)),
        Some(HUGE),
    ];
    let wrap_up = [wrap_ups[s3 as usize % 4], wrap_ups[(s3 as usize >> 2) % 4]];
    let mut s = Settings::new()
        .with_interval(interval)
        .with_time_zone(zone)
        .expect("the fuzz time zones exist")
        .with_service_level(service_level)
        .with_short_abandon(short_abandon)
        .with_abandons_within_threshold_met(within_met)
        .with_conversation_rows(rows)
        .with_tolerance(tolerance)
        .with_fcr_window(fcr_window);
    for (q, w) in QUEUES.iter().zip(wrap_up) {
        if let Some(w) = w {
            s = s.with_wrap_up(QueueId::new(*q), w);
        }
    }
    let described = format!(
        "interval {} min, zone {zone}, service level {service_level:?}, short abandon \
         {short_abandon:?}, abandons within met {within_met}, rows {rows}, tolerance \
         {tolerance:?}, fcr window {fcr_window:?}, wrap-up support {:?} billing {:?}",
        interval.minutes(),
        wrap_up[0],
        wrap_up[1],
    );
    Some((s, described))
}

/// The time of the next event, moving `now` when the move is for good.
fn time(b: &mut Bytes<'_>, now: &mut u64, tb: u8) -> u64 {
    const STEPS: [u64; 8] = [
        1, 400, 3_000, 12_000, 45_000, 300_000, 3_600_000, 86_400_000,
    ];
    const BACK: [u64; 4] = [1, 999, 61_000, 7_200_000];
    match tb {
        0..=159 => {
            *now = now.saturating_add(STEPS[tb as usize % 8]);
            *now
        }
        160..=199 => *now,
        200..=207 => {
            *now = now.saturating_add([8, 30][tb as usize % 2] * 86_400_000);
            *now
        }
        208..=239 => now.saturating_sub(BACK[tb as usize % 4]),
        _ => {
            let t = match tb % 8 {
                0 => Timestamp::MAX.as_millis(),
                1 => Timestamp::MAX.as_millis() + 1,
                2 => Timestamp::MAX.as_millis() - 1,
                3 => u64::MAX,
                4 => u64::MAX - 1,
                5 => JIFF_END,
                6 => JIFF_END + 1,
                _ => b.time(),
            };
            if tb & 8 != 0 {
                *now = t;
            }
            t
        }
    }
}

fn step(b: &mut Bytes<'_>, now: &mut u64) -> Option<Step> {
    let [op, tb, ids, a1, a2] = b.array::<5>()?;
    let conv = match ids % 8 {
        7 => None,
        k => Some(ConversationId::new(CONVERSATIONS[k as usize % 3])),
    };
    let queue = [None, Some("support"), Some("billing")][(ids as usize >> 3) % 3];
    let agent = [None, Some("ana"), Some("bea"), Some("ana")][(ids as usize >> 5) % 4];
    let agent_id = |n: u8| AgentId::new(AGENTS[n as usize % 2]);
    let kind = match op % 26 {
        0..=2 => EventKind::Started {
            contact: ContactId::new(CONTACTS[a1 as usize % 2]),
            channel: channel(a2),
        },
        3..=5 => EventKind::Message {
            from: Party::Customer,
            channel: channel(a1),
        },
        6 => EventKind::Message {
            from: Party::Bot {
                bot: BotId::new("faq"),
            },
            channel: channel(a1),
        },
        7 | 8 => EventKind::Message {
            from: Party::Agent {
                agent: agent_id(a2),
            },
            channel: channel(a1),
        },
        9 => EventKind::Message {
            from: Party::System,
            channel: channel(a1),
        },
        10..=16 => EventKind::Transition {
            from: match a1 % 7 {
                6 => None,
                k => Some(STATES[k as usize]),
            },
            to: STATES[(a1 as usize / 7) % 6],
            reason: reasons()[a2 as usize % reasons().len()].clone(),
        },
        17 => EventKind::Transferred { from: agent_id(a1) },
        18 => EventKind::OfferMissed {
            reason: [Reason::Declined, Reason::OfferExpired, Reason::AgentOffline][a1 as usize % 3]
                .clone(),
        },
        19 => EventKind::AgentStatus {
            status: [Presence::Available, Presence::Away, Presence::Offline][a1 as usize % 3],
        },
        20 => EventKind::Csat { score: a1 },
        21 => EventKind::Tagged {
            tags: ["vip", "refund", ""]
                .iter()
                .enumerate()
                .filter(|(i, _)| a1 & (1 << i) != 0)
                .map(|(_, t)| t.to_string())
                .collect(),
        },
        22 => EventKind::Purged,
        23 => match a1 % 4 {
            0 => EventKind::Held,
            1 => EventKind::Routed {
                rule: None,
                matched: vec![],
            },
            2 => EventKind::FirstResponse {
                after: Some(Duration::from_millis(u64::from(a2) * 1000)),
            },
            _ => EventKind::Moved {
                from: QueueId::new("billing"),
                reason: Reason::Overflow,
            },
        },
        24 => return Some(Step::Report),
        _ => {
            let t = match a1 % 8 {
                0 | 1 => *now,
                2 => now.saturating_add(u64::from(a2) * 60_000),
                3 => now.saturating_sub(u64::from(a2) * 60_000),
                4 => 0,
                5 => JIFF_END,
                6 => [Timestamp::MAX.as_millis(), u64::MAX][a2 as usize % 2],
                _ => b.time(),
            };
            return Some(Step::Live(Timestamp::from_millis(t)));
        }
    };
    let mut e = Event::new(Timestamp::from_millis(time(b, now, tb)), kind);
    if let Some(c) = conv {
        e = e.conversation(c);
    }
    if let Some(q) = queue {
        e = e.queue(QueueId::new(q));
    }
    if let Some(a) = agent {
        e = e.agent(AgentId::new(a));
    }
    Some(Step::Event(e))
}

impl Case {
    fn decode(data: &[u8]) -> Option<Case> {
        let mut b = Bytes::new(data);
        let (settings, described) = settings(&mut b)?;
        let mode = b.byte()?;
        if mode >= 0xe0 {
            return Some(Case {
                settings,
                described,
                log: Some(b.rest().to_vec()),
                split: 0,
                shards: 0,
                steps: Vec::new(),
            });
        }
        let shards = b.byte()?;
        let mut now = BASE;
        let mut steps = Vec::new();
        while let Some(s) = step(&mut b, &mut now) {
            steps.push(s);
        }
        let split = usize::from(mode) * steps.len() / 0xdf;
        Some(Case {
            settings,
            described,
            log: None,
            split,
            shards,
            steps,
        })
    }

    /// The events as JSON lines.
    fn log_of(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            if let Step::Event(e) = s {
                out.push_str(&serde_json::to_string(e).expect("events serialize"));
                out.push('\n');
            }
        }
        out
    }

    /// The shard an event goes to: by conversation, else by agent.
    fn shard_of(&self, e: &Event) -> bool {
        let bit = if let Some(c) = &e.conversation {
            CONVERSATIONS
                .iter()
                .position(|x| c.as_str() == *x)
                .unwrap_or(0)
        } else if let Some(a) = &e.agent {
            3 + AGENTS.iter().position(|x| a.as_str() == *x).unwrap_or(0)
        } else {
            0
        };
        self.shards & (1 << bit) != 0
    }

    fn reproducer(&self, data: &[u8]) -> String {
        let mut s = format!(
            "input: {}\nsettings: {}\n",
            bytes_code(data),
            self.described
        );
        if let Some(log) = &self.log {
            let _ = writeln!(s, "raw log: {:?}", String::from_utf8_lossy(log));
            return s;
        }
        let _ = writeln!(
            s,
            "split before event step {} of {}; shard bits {:#010b}\nsteps:",
            self.split,
            self.steps.len(),
            self.shards
        );
        for (i, st) in self.steps.iter().enumerate() {
            let text = match st {
                Step::Event(e) => serde_json::to_string(e).expect("events serialize"),
                Step::Report => "# report()".into(),
                Step::Live(t) => format!("# live({})", t.as_millis()),
            };
            let mark = if i == self.split {
                "--- split ---\n"
            } else {
                ""
            };
            let _ = writeln!(s, "{mark}{text}");
        }
        s
    }
}

fn summary_json(m: &Metrics) -> serde_json::Value {
    serde_json::to_value(m.report().summary).expect("summaries serialize")
}

/// Where `a` and `b` differ, as `path: a != b` lines (the first 40).
fn differences(a: &serde_json::Value, b: &serde_json::Value) -> String {
    fn walk(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
        use serde_json::Value::{Array, Object};
        match (a, b) {
            (Object(x), Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let null = serde_json::Value::Null;
                    let (u, v) = (x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null));
                    walk(&format!("{path}.{k}"), u, v, out);
                }
            }
            (Array(x), Array(y)) if x.len() == y.len() => {
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    walk(&format!("{path}[{i}]"), u, v, out);
                }
            }
            _ if a != b => out.push(format!("{path}: {a} != {b}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("summary", a, b, &mut out);
    let more = out.len().saturating_sub(40);
    out.truncate(40);
    if more > 0 {
        out.push(format!("… and {more} more"));
    }
    out.join("\n")
}

/// Asserts that two summaries are equal, naming where they differ.
fn assert_same(a: &serde_json::Value, b: &serde_json::Value, what: &str) {
    if a != b {
        panic!("{what}:\n{}", differences(a, b));
    }
}

/// Reads `log` into `m`: `Ok`, or an error naming one of its lines.
fn read_log(m: &mut Metrics, log: &[u8]) -> Result<u64, MetricsError> {
    let lines = log.split(|&b| b == b'\n').count() as u64;
    let r = m.observe_log(log);
    match &r {
        Ok(n) => assert!(*n <= lines, "{n} events counted from {lines} lines"),
        Err(MetricsError::Line { line, .. }) => {
            assert!(
                (1..=lines).contains(line),
                "an error names line {line} of a log of {lines}"
            )
        }
        Err(e) => panic!("observe_log failed without naming a line: {e}"),
    }
    r
}

/// Calls everything that reads an aggregate.
fn probe(m: &Metrics, at: Option<Timestamp>) {
    let r = m.report();
    let _ = serde_json::to_string(&r).expect("reports serialize");
    let t = at.or(m.span().map(|s| s.1)).unwrap_or(Timestamp::EPOCH);
    let _ = serde_json::to_string(&m.live(t)).expect("live statistics serialize");
}

fn run(case: &Case) {
    if let Some(log) = &case.log {
        let mut m = Metrics::new(case.settings.clone());
        let _ = read_log(&mut m, log);
        probe(&m, None);
        return;
    }
    let new = || Metrics::new(case.settings.clone());
    let mut single = new();
    let (mut earlier, mut later) = (new(), new());
    let (mut east, mut west) = (new().with_shard("east"), new().with_shard("west"));
    let mut all_accepted = true;
    let mut messages = 0u64;
    for (i, st) in case.steps.iter().enumerate() {
        let part = if i < case.split {
            &mut earlier
        } else {
            &mut later
        };
        match st {
            Step::Event(e) => {
                let shard = if case.shard_of(e) {
                    &mut west
                } else {
                    &mut east
                };
                let results = [single.observe(e), part.observe(e), shard.observe(e)];
                all_accepted &= results.iter().all(Result::is_ok);
                for r in results {
                    if let Err(err) = r {
                        assert!(
                            matches!(err, MetricsError::OutOfOrder { .. }),
                            "observe refused an event with {err:?}"
                        );
                    }
                }
                messages += u64::from(matches!(e.kind, EventKind::Message { .. }));
            }
            Step::Report => {
                probe(&single, None);
                probe(part, None);
            }
            Step::Live(t) => {
                probe(&single, Some(*t));
                probe(part, Some(*t));
            }
        }
    }
    probe(&single, None);
    let single_summary = summary_json(&single);

    // The same events as a log.
    let log = case.log_of();
    let mut from_log = new();
    let read = read_log(&mut from_log, log.as_bytes());
    if all_accepted {
        let events = case
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Event(_)))
            .count() as u64;
        assert_eq!(read, Ok(events), "the log of accepted events did not read");
        assert_same(
            &summary_json(&from_log),
            &single_summary,
            "the log gave another summary than observe (log, then observe)",
        );
    }

    // Two shards.
    east.merge(west)
        .expect("aggregates of two named shards merge");
    probe(&east, None);
    if all_accepted {
        assert_eq!(
            east.report().summary.totals.messages,
            single.report().summary.totals.messages,
            "the shards' merge counts other messages"
        );
        assert_eq!(
            east.report().summary.totals.messages.customer
                + east.report().summary.totals.messages.bot
                + east.report().summary.totals.messages.agent
                + east.report().summary.totals.messages.system,
            messages,
            "messages counted are not the messages seen"
        );
    }

    // Two periods.
    match earlier.merge(later) {
        Ok(()) => {
            probe(&earlier, None);
            if all_accepted {
                assert_same(
                    &summary_json(&earlier),
                    &single_summary,
                    "the merge of the two periods gives another summary than one aggregate \
                     (merged, then single)",
                );
            }
        }
        Err(MetricsError::Overlap(_)) => {}
        Err(e) => panic!("a merge of aggregates with the same settings failed: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    start_input("metrics", data, |data| {
        Case::decode(data).map(|c| c.reproducer(data))
    });
    if let Some(case) = Case::decode(data) {
        run(&case);
    }
});
