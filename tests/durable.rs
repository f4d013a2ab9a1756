//! The kill test of `examples/durable.rs`: a host killed at any point
//! restarts where it stopped, and ends with the state, journal and outbox
//! of a run that was never interrupted.
//!
//! A few hundred inputs of realistic traffic (customers on three channels,
//! agents accepting, declining, answering, transferring and closing, timers
//! firing, a few refused and unreadable lines) are generated from a seed by
//! driving an engine in memory. The example runs them as a child process:
//!
//! - once without interruption, the reference;
//! - aborted at chosen points (`--abort-at`): in its first transaction,
//!   just after it commits, right after a snapshot is committed, in the
//!   middle of the transaction that takes a snapshot, and at seeded random
//!   inputs, before or after `COMMIT`; restarted after each;
//! - killed (`SIGKILL` on Unix) at seeded random instants, restarted each
//!   time, until a run completes.
//!
//! After every crash the database holds exactly a prefix of the reference:
//! journal rows contiguous from the last snapshot, outbox and event rows
//! those of the reference up to the last committed input, no more, no
//! fewer. After the last restart the recovered engine's snapshot is
//! byte-identical to the reference's, and the outbox (ids included), the
//! events, the journal and the snapshot table are the same, in the same
//! order.
//!
//! Every run also writes its event log (`--events`). After a crash the log
//! is the start of the reference's, each committed input's events in it
//! but perhaps the last one's; after the last restart it is the
//! reference's, byte for byte: the engine's events in the order it emitted
//! them, which `Metrics::observe_log` reads into the report that counting
//! the engine's events directly gives. A second test tears, cuts and
//! forges the log between runs.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde_json::{Value, json};
use switchboard::config::Config;
use switchboard::engine::{Event, InputLine, Output as EngineOutput, Switchboard};
use switchboard::handoff::State;
use switchboard::metrics::{Metrics, Settings};

const CONFIG: &str = include_str!("../examples/data/durable.toml");
const SEED: u64 = 0x5EED_D00A;
const LINES: usize = 400;
const SNAPSHOT_EVERY: u64 = 50;

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same traffic and the same crash points on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The host's rule, as in the example: fire the timers due by the input's
/// time, then handle it; the events it emitted.
fn apply(sb: &mut Switchboard, line: &str) -> Vec<Event> {
    let Ok(input) = serde_json::from_str::<InputLine>(line) else {
        return Vec::new();
    };
    let mut last = None;
    while let Some(due) = sb
        .poll_timeout()
        .filter(|&t| t <= input.at && last.is_none_or(|l| t > l))
    {
        sb.handle_timeout(due);
        last = Some(due);
    }
    let _ = sb.handle(input.at, input.input);
    while sb.poll_action_line().is_some() {}
    std::iter::from_fn(|| sb.poll_event()).collect()
}

/// Events as the example's event log holds them: one `{"event": ...}`
/// line each, as the engine's `Output` serializes it.
fn log_of(events: &[Event]) -> Vec<u8> {
    let mut log = Vec::new();
    for e in events {
        let line = serde_json::to_string(&EngineOutput::Event(e.clone())).unwrap();
        log.extend_from_slice(line.as_bytes());
        log.push(b'\n');
    }
    log
}

/// The report summary of some events, as JSON.
fn summary(metrics: &Metrics) -> Value {
    serde_json::to_value(&metrics.report().summary).unwrap()
}

/// Checks that a crashed run's event log is the start of the reference's,
/// perhaps ending in a torn line, and holds the events of every input
/// committed but perhaps the last one's; its complete lines.
fn assert_log_prefix(log: &[u8], expected: &[u8], tables: &Tables, context: &str) -> usize {
    assert!(
        expected.starts_with(log),
        "{context}: the event log is not the start of the reference's"
    );
    let lines = log.iter().filter(|&&b| b == b'\n').count();
    let n = tables.committed();
    let before = tables.events.iter().filter(|e| e.1 < n).count();
    assert!(
        (before..=tables.events.len()).contains(&lines),
        "{context}: {lines} lines in the event log; {before} events before input {n}, \
         {} up to it",
        tables.events.len()
    );
    lines
}

/// Realistic traffic, generated by looking at an engine fed the lines so
/// far: agents accept or decline what they are offered, answer, transfer
/// and close what they have; customers write, come back and rate.
fn traffic(rng: &mut Rng) -> Vec<String> {
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).expect("the example's config"));
    let start = 1_795_428_000_000u64; // Monday 2026-11-23, 10:00 UTC
    let agents = ["ana", "ben", "chen", "dana"];
    let customers: Vec<(&str, String)> = (0..24)
        .map(|i| match i % 3 {
            0 => ("webchat", format!("visitor-{i}")),
            1 => ("sms", format!("+1415555{:04}", 100 + i)),
            _ => ("whatsapp", format!("49151234{:05}", 100 + i)),
        })
        .collect();
    let texts = [
        "Where is my order?",
        "I want a refund",
        "My invoice is wrong",
        "Can I change the delivery address?",
        "The parcel arrived damaged",
        "我的订单在哪里？",
        "Thanks!",
        "Hello?",
    ];
    let mut lines: Vec<String> = Vec::new();
    let mut t = start;
    let push = |sb: &mut Switchboard, lines: &mut Vec<String>, t: u64, input: Value| {
        let line = json!({"at": t, "input": input}).to_string();
        apply(sb, &line);
        lines.push(line);
    };
    for agent in agents {
        let capacity = json!({"webchat": 2, "sms": 2, "whatsapp": 2});
        push(
            &mut sb,
            &mut lines,
            t,
            json!({"type": "agent_upsert", "agent": agent, "capacity": capacity}),
        );
        push(
            &mut sb,
            &mut lines,
            t,
            json!({"type": "agent_status", "agent": agent, "status": "available"}),
        );
    }
    while lines.len() < LINES {
        // Mostly seconds apart; now and then minutes, so that offers
        // expire and quiet conversations close.
        t += if rng.chance(6) {
            60_000 + rng.below(300_000)
        } else {
            rng.below(20_000)
        };
        let offered: Vec<(String, String)> = sb
            .conversations()
            .filter(|c| c.state() == State::Offered && !c.offered_to().is_empty())
            .map(|c| (c.id().to_string(), c.offered_to()[0].to_string()))
            .collect();
        let with_agent: Vec<(String, String)> = sb
            .conversations()
            .filter(|c| c.state() == State::WithAgent)
            .filter_map(|c| Some((c.id().to_string(), c.agent()?.to_string())))
            .collect();
        let closed: Vec<String> = sb
            .conversations()
            .filter(|c| c.state() == State::Closed && c.csat().is_none())
            .map(|c| c.id().to_string())
            .collect();
        let roll = rng.below(100);
        let input = if roll < 30 || (offered.is_empty() && with_agent.is_empty() && roll < 60) {
            let (channel, from) = rng.pick(&customers);
            json!({"type": "inbound", "channel": channel, "from": from, "text": rng.pick(&texts)})
        } else if roll < 55 && !offered.is_empty() {
            let (c, agent) = rng.pick(&offered);
            if rng.chance(15) {
                json!({"type": "agent_decline", "agent": agent, "conversation": c})
            } else {
                json!({"type": "agent_accept", "agent": agent, "conversation": c})
            }
        } else if roll < 80 && !with_agent.is_empty() {
            let (c, agent) = rng.pick(&with_agent);
            match rng.below(10) {
                0..=4 => json!({"type": "agent_message", "agent": agent, "conversation": c,
                                "text": "Let me check that for you."}),
                5 | 6 => json!({"type": "close", "conversation": c, "by": "agent", "agent": agent}),
                7 => json!({"type": "transfer", "conversation": c, "queue": "billing",
                            "note": "a billing question"}),
                8 => json!({"type": "note", "conversation": c, "agent": agent,
                            "text": "customer is in a hurry"}),
                _ => json!({"type": "hold", "agent": agent, "conversation": c}),
            }
        } else if roll < 85 && !closed.is_empty() {
            json!({"type": "csat", "conversation": rng.pick(&closed), "score": 1 + rng.below(5)})
        } else if roll < 92 {
            let status = rng.pick(&["available", "available", "away", "offline"]);
            json!({"type": "agent_status", "agent": rng.pick(&agents), "status": status})
        } else if roll < 97 {
            // Refused: an accept for a conversation that was never offered
            // to this agent, or that does not exist.
            let c = format!("c{}", 1 + rng.below(40));
            json!({"type": "agent_accept", "agent": rng.pick(&agents), "conversation": c})
        } else {
            // A line that does not parse: journaled with its error.
            lines.push(format!("{{\"at\": {t}, \"input\": {{\"type\": \"inbound\""));
            continue;
        };
        push(&mut sb, &mut lines, t, input);
    }
    lines
}

/// The example's binary, built with this test's profile.
fn example() -> PathBuf {
    let mut build = Command::new(env!("CARGO"));
    build.args(["build", "--quiet", "--example", "durable"]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the durable example failed");
    let target = std::env::current_exe().expect("the test's path");
    // target/<profile>/deps/durable-<hash> → target/<profile>/examples/durable
    let profile = target.parent().and_then(Path::parent).expect("target dir");
    let exe = profile
        .join("examples")
        .join(format!("durable{}", std::env::consts::EXE_SUFFIX));
    assert!(exe.exists(), "{} not found", exe.display());
    exe
}

/// A journal row: `(seq, line, timers, error)`.
type JournalRow = (u64, String, Option<String>, Option<String>);

/// Everything a run leaves in its database, in order.
struct Tables {
    journal: Vec<JournalRow>,
    /// `(seq, state)`.
    snapshot: Vec<(u64, String)>,
    /// `(id, seq, at, action)`.
    outbox: Vec<(u64, u64, u64, String)>,
    /// `(id, seq, event)`.
    events: Vec<(u64, u64, String)>,
}

impl Tables {
    fn read(db: &Path) -> Tables {
        let db = Connection::open(db).expect("the database opens");
        let journal = db
            .prepare("SELECT seq, line, timers, error FROM journal ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let snapshot = db
            .prepare("SELECT seq, state FROM snapshot ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let outbox = db
            .prepare("SELECT id, seq, at, action FROM outbox ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let events = db
            .prepare("SELECT id, seq, event FROM events ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        Tables {
            journal,
            snapshot,
            outbox,
            events,
        }
    }

    /// Checks that these tables are the reference's, row for row.
    fn assert_same(&self, reference: &Tables, context: &str) {
        assert_rows(
            &self.journal,
            &reference.journal,
            &format!("{context}: journal"),
        );
        assert_rows(
            &self.snapshot,
            &reference.snapshot,
            &format!("{context}: snapshot"),
        );
        assert_rows(
            &self.outbox,
            &reference.outbox,
            &format!("{context}: outbox"),
        );
        assert_rows(
            &self.events,
            &reference.events,
            &format!("{context}: events"),
        );
    }

    /// The last input committed: the last journal row, or the snapshot
    /// when the journal after it is empty.
    fn committed(&self) -> u64 {
        let journaled = self.journal.last().map(|j| j.0);
        let snapshot = self.snapshot.last().map(|s| s.0);
        journaled.max(snapshot).unwrap_or(0)
    }

    /// Checks that this crashed database is exactly the reference's up to
    /// its last committed input; `journal` holds every journal row of the
    /// reference run (one that never took a snapshot).
    fn assert_prefix_of(&self, reference: &Tables, journal: &[JournalRow], context: &str) {
        let n = self.committed();
        assert!(self.snapshot.len() <= 1, "{context}: one snapshot at most");
        let covered = self.snapshot.first().map_or(0, |s| s.0);
        let seqs: Vec<u64> = self.journal.iter().map(|j| j.0).collect();
        let contiguous: Vec<u64> = (covered + 1..=n).collect();
        assert_eq!(
            seqs, contiguous,
            "{context}: journal rows after the snapshot"
        );
        let expected: Vec<_> = journal
            .iter()
            .filter(|j| j.0 > covered && j.0 <= n)
            .cloned()
            .collect();
        assert_rows(
            &self.journal,
            &expected,
            &format!("{context}: journal rows"),
        );
        let outbox: Vec<_> = reference
            .outbox
            .iter()
            .filter(|o| o.1 <= n)
            .cloned()
            .collect();
        assert_rows(
            &self.outbox,
            &outbox,
            &format!("{context}: outbox up to input {n}"),
        );
        let events: Vec<_> = reference
            .events
            .iter()
            .filter(|e| e.1 <= n)
            .cloned()
            .collect();
        assert_rows(
            &self.events,
            &events,
            &format!("{context}: events up to input {n}"),
        );
    }
}

/// Asserts two row lists are equal, naming the first row that differs
/// rather than printing both lists.
fn assert_rows<T: PartialEq + std::fmt::Debug>(ours: &[T], expected: &[T], what: &str) {
    if let Some(i) = (0..ours.len().max(expected.len())).find(|&i| ours.get(i) != expected.get(i)) {
        panic!(
            "{what}: {} rows, expected {}; row {i} is\n  {:?}\nexpected\n  {:?}",
            ours.len(),
            expected.len(),
            ours.get(i),
            expected.get(i)
        );
    }
}

/// Asserts two snapshots (JSON) are byte-identical, showing where they
/// part rather than both whole.
fn assert_same_state(ours: &str, expected: &str, what: &str) {
    let ours = ours.trim_end();
    let expected = expected.trim_end();
    if ours != expected {
        let at = ours
            .bytes()
            .zip(expected.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let around = |s: &str| {
            let bytes = &s.as_bytes()[at.saturating_sub(80)..(at + 80).min(s.len())];
            String::from_utf8_lossy(bytes).into_owned()
        };
        panic!(
            "{what}: the snapshots differ from byte {at}:\n  {}\nexpected\n  {}",
            around(ours),
            around(expected)
        );
    }
}

struct Fixture {
    exe: PathBuf,
    dir: PathBuf,
    config: PathBuf,
    input: PathBuf,
}

impl Fixture {
    /// The event log of the runs on `db`.
    fn events(&self, db: &str) -> PathBuf {
        self.dir.join(Path::new(db).with_extension("events.jsonl"))
    }

    fn log(&self, db: &str) -> Vec<u8> {
        std::fs::read(self.events(db)).expect("the event log")
    }

    fn run(&self, db: &str, extra: &[&str]) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.arg("run")
            .arg("--db")
            .arg(self.dir.join(db))
            .arg("--config")
            .arg(&self.config)
            .arg("--input")
            .arg(&self.input)
            .arg("--events")
            .arg(self.events(db))
            .args(["--snapshot-every", &SNAPSHOT_EVERY.to_string()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn output(&self, db: &str, extra: &[&str]) -> Output {
        self.run(db, extra).output().expect("the example starts")
    }

    fn dump(&self, db: &str) -> String {
        let out = Command::new(&self.exe)
            .arg("dump")
            .arg("--db")
            .arg(self.dir.join(db))
            .output()
            .expect("the example starts");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    }
}

#[test]
fn a_host_killed_at_any_point_recovers_the_uninterrupted_state_and_outbox() {
    let started = Instant::now();
    let mut rng = Rng(SEED);
    let lines = traffic(&mut rng);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("durable-kill");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fx = Fixture {
        exe: example(),
        config: dir.join("durable.toml"),
        input: dir.join("traffic.jsonl"),
        dir: dir.clone(),
    };
    std::fs::write(&fx.config, CONFIG).unwrap();
    std::fs::write(&fx.input, lines.join("\n") + "\n").unwrap();

    // The reference, uninterrupted; and the same with no snapshot, for
    // every journal row.
    let timed = Instant::now();
    let out = fx.output("reference.db", &[]);
    let reference_run = timed.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference = Tables::read(&dir.join("reference.db"));
    let reference_state = fx.dump("reference.db");
    let out = Command::new(&fx.exe)
        .args(["run", "--db"])
        .arg(dir.join("journal.db"))
        .arg("--config")
        .arg(&fx.config)
        .arg("--input")
        .arg(&fx.input)
        .args(["--snapshot-every", "1000000"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let full = Tables::read(&dir.join("journal.db"));
    assert_eq!(full.journal.len(), LINES, "every line is journaled");
    assert_rows(
        &full.outbox,
        &reference.outbox,
        "snapshots change no output",
    );

    // The traffic is what it claims to be.
    let refused = full.journal.iter().filter(|j| j.3.is_some()).count();
    let timers = full.journal.iter().filter(|j| j.2.is_some()).count();
    assert!(
        (5..LINES / 4).contains(&refused),
        "{refused} refused inputs"
    );
    assert!(timers >= 10, "timers fired before only {timers} inputs");
    assert!(
        reference.outbox.len() >= LINES / 2,
        "{} actions",
        reference.outbox.len()
    );

    // The example's run gives the engine's own output, input for input.
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    let events: Vec<Event> = lines.iter().flat_map(|l| apply(&mut sb, l)).collect();
    assert_eq!(events.len(), reference.events.len());
    let reference_log = fx.log("reference.db");
    assert!(
        reference_log == log_of(&events),
        "the reference's event log is not the engine's events, in order"
    );
    assert_same_state(
        &serde_json::to_string(&sb.snapshot()).unwrap(),
        &reference_state,
        "the journaled run's state is the in-memory run's",
    );

    // Crashes at chosen points, then at seeded random ones.
    let mut points = vec![
        (1, "before"),                      // the very first transaction
        (1, "after"),                       // the first commit, nothing else
        (SNAPSHOT_EVERY, "after"),          // right after a snapshot
        (2 * SNAPSHOT_EVERY, "before"),     // inside the snapshot's transaction
        (2 * SNAPSHOT_EVERY + 1, "before"), // the first input after it
    ];
    let mut at = 2 * SNAPSHOT_EVERY + 1;
    for _ in 0..4 {
        at += 1 + rng.below(((LINES as u64 - at) / 3).max(1));
        points.push((at, if rng.chance(50) { "before" } else { "after" }));
    }
    for &(seq, when) in &points {
        let point = format!("{seq}:{when}");
        let out = fx.output("aborted.db", &["--abort-at", &point]);
        assert!(!out.status.success(), "the run aborts at {point}");
        let tables = Tables::read(&dir.join("aborted.db"));
        let expected = if when == "after" { seq } else { seq - 1 };
        assert_eq!(
            tables.committed(),
            expected,
            "committed when aborted at {point}"
        );
        tables.assert_prefix_of(&reference, &full.journal, &format!("aborted at {point}"));
        // Each input's events are appended after it commits: none of the
        // aborted input's, all of those before.
        let log = fx.log("aborted.db");
        let context = format!("event log aborted at {point}");
        let lines = assert_log_prefix(&log, &reference_log, &tables, &context);
        let exported = reference.events.iter().filter(|e| e.1 < seq).count();
        assert_eq!(lines, exported, "{context}: lines");
        assert!(log.is_empty() || log.ends_with(b"\n"), "{context}: torn");
    }
    let out = fx.output("aborted.db", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Tables::read(&dir.join("aborted.db")).assert_same(&reference, "aborted");
    assert_same_state(&fx.dump("aborted.db"), &reference_state, "aborted");
    assert!(
        fx.log("aborted.db") == reference_log,
        "aborted: the event log"
    );

    // Killed at random instants, restarted until a run completes.
    let mut window = reference_run.as_micros().max(1000) as u64;
    let (mut kills, mut interrupted, mut done) = (0, 0, 0);
    let (mut torn, mut unexported) = (0, 0);
    loop {
        let mut child = fx
            .run("killed.db", &[])
            .spawn()
            .expect("the example starts");
        let last = kills >= 10 && interrupted > 0;
        if !last {
            // Within the time the inputs still to commit take.
            let left = LINES as u64 - done;
            std::thread::sleep(Duration::from_micros(
                rng.below((window * left / LINES as u64).max(1)),
            ));
            child.kill().expect("the child can be killed");
            kills += 1;
        }
        let status = child.wait().unwrap();
        let tables = Tables::read(&dir.join("killed.db"));
        if status.success() {
            assert_eq!(tables.committed(), LINES as u64);
            if interrupted == 0 && kills < 40 {
                // Every kill came after the run had ended (the machine ran
                // it faster than the reference run): start over, killing
                // sooner.
                std::fs::remove_file(dir.join("killed.db")).unwrap();
                std::fs::remove_file(fx.events("killed.db")).unwrap();
                window = (window / 2).max(1);
                done = 0;
                continue;
            }
            break;
        }
        interrupted += 1;
        tables.assert_prefix_of(&reference, &full.journal, &format!("kill {kills}"));
        let log = fx.log("killed.db");
        let lines = assert_log_prefix(&log, &reference_log, &tables, &format!("kill {kills}"));
        torn += usize::from(!log.is_empty() && !log.ends_with(b"\n"));
        unexported += usize::from(lines < tables.events.len());
        done = tables.committed();
        assert!(!last, "the uninterrupted last run fails");
    }
    Tables::read(&dir.join("killed.db")).assert_same(&reference, "killed");
    assert_same_state(&fx.dump("killed.db"), &reference_state, "killed");
    assert!(
        interrupted > 0,
        "no kill landed mid-stream in {kills} tries"
    );

    // The log of the run killed and restarted is the uninterrupted one's,
    // and the report reads from it what the engine's events say.
    let killed_log = fx.log("killed.db");
    assert!(killed_log == reference_log, "killed: the event log");
    let mut from_log = Metrics::new(Settings::new());
    let read = from_log
        .observe_log(BufReader::new(killed_log.as_slice()))
        .expect("the report reads the event log");
    assert_eq!(read, events.len() as u64);
    let mut direct = Metrics::new(Settings::new());
    for e in &events {
        direct.observe(e).expect("the engine's events are in order");
    }
    assert_eq!(summary(&from_log), summary(&direct));
    let conversations = direct.report().summary.totals.conversations;
    assert!(conversations >= 20, "{conversations} conversations counted");

    // Running again over the same input does nothing.
    let out = fx.output("killed.db", &[]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("committed 0 new inputs"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Tables::read(&dir.join("killed.db")).assert_same(&reference, "killed");
    assert!(
        fx.log("killed.db") == reference_log,
        "run again: the event log"
    );

    eprintln!(
        "{LINES} inputs ({refused} refused, timers before {timers}), {} actions, {} events; \
         {} aborts, {interrupted} of {kills} kills mid-stream ({unexported} with events \
         not yet in the log, {torn} in the middle of a line); {:.1?}",
        reference.outbox.len(),
        events.len(),
        points.len(),
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_database_refuses_another_configuration() {
    let exe = example();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("durable-config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        r#"{"at": 0, "input": {"type": "agent_upsert", "agent": "ana"}}"#,
    )
    .unwrap();
    let run = |config: &str| {
        let path = dir.join("config.toml");
        std::fs::write(&path, config).unwrap();
        Command::new(&exe)
            .args(["run", "--db"])
            .arg(dir.join("shop.db"))
            .arg("--config")
            .arg(&path)
            .arg("--input")
            .arg(&input)
            .output()
            .unwrap()
    };
    assert!(run(CONFIG).status.success());
    let other = CONFIG.replace("offer_timeout = \"20s\"", "offer_timeout = \"30s\"");
    let out = run(&other);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another configuration"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_event_log_torn_cut_or_started_late_is_completed_and_a_forged_one_refused() {
    let lines = traffic(&mut Rng(SEED));
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    let events: Vec<Event> = lines.iter().flat_map(|l| apply(&mut sb, l)).collect();
    let expected = log_of(&events);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("durable-events");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fx = Fixture {
        exe: example(),
        config: dir.join("durable.toml"),
        input: dir.join("traffic.jsonl"),
        dir: dir.clone(),
    };
    std::fs::write(&fx.config, CONFIG).unwrap();
    std::fs::write(&fx.input, lines.join("\n") + "\n").unwrap();
    let run = || {
        let out = fx.output("shop.db", &[]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    let path = fx.events("shop.db");

    // Half the traffic committed without `--events`, then the rest with
    // it: the log starts with the events committed before it was asked for.
    let out = Command::new(&fx.exe)
        .args(["run", "--db"])
        .arg(dir.join("shop.db"))
        .arg("--config")
        .arg(&fx.config)
        .arg("--input")
        .arg(&fx.input)
        .args(["--abort-at", "200:after"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the run aborts after input 200");
    assert!(!path.exists());
    run();
    assert!(fx.log("shop.db") == expected, "a log started late");
    assert!(events.len() > 100, "{} events", events.len());

    // Cut in the middle of a line (a process stopped while writing it),
    // at a line's end (a tail the disk never got), or with a part of a
    // line written again after the end: the next run makes it whole.
    let ends: Vec<usize> = (0..expected.len())
        .filter(|&i| expected[i] == b'\n')
        .collect();
    let mid = ends[ends.len() / 2];
    for (cut, what) in [
        (mid - 7, "torn in the middle of a line"),
        (mid + 1, "cut at a line's end"),
        (0, "emptied"),
    ] {
        std::fs::write(&path, &expected[..cut]).unwrap();
        let stdout = run();
        assert!(fx.log("shop.db") == expected, "a log {what}");
        assert!(stdout.contains("committed 0 new inputs"), "{stdout}");
    }
    let mut torn = expected.clone();
    torn.extend_from_slice(&expected[ends[0] + 1..ends[1] - 3]);
    std::fs::write(&path, &torn).unwrap();
    let stdout = run();
    assert!(
        fx.log("shop.db") == expected,
        "a log with a torn line after its end"
    );
    assert!(stdout.contains(" torn line dropped"), "{stdout}");

    // A log that is not this database's: two lines swapped, or one line
    // more than the database committed. Refused and left as it was.
    let swapped = [
        &expected[..=ends[0]],
        &expected[ends[1] + 1..=ends[2]],
        &expected[ends[0] + 1..=ends[1]],
        &expected[ends[2] + 1..],
    ]
    .concat();
    let mut longer = expected.clone();
    longer.extend_from_slice(&expected[..=ends[0]]);
    for (forged, what) in [(swapped, "swapped"), (longer, "one line more")] {
        std::fs::write(&path, &forged).unwrap();
        let out = fx.output("shop.db", &[]);
        assert!(!out.status.success(), "a log with lines {what} is refused");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is not its event log"), "{stderr}");
        assert!(
            fx.log("shop.db") == forged,
            "a refused log is left as it was"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
