//! A crash-safe host: each input is journaled to SQLite in the same
//! transaction as the actions it produced, so a process killed at any
//! instant restarts exactly where it stopped. Nothing accepted is lost and
//! nothing is produced twice.
//!
//! ```text
//! cargo run --example durable        # a short demo in a temporary directory, crash included
//! cargo run --example durable -- run --db shop.db --config examples/data/durable.toml \
//!     --input traffic.jsonl [--snapshot-every 100] [--events events.jsonl]
//! cargo run --example durable -- dump --db shop.db    # the recovered engine's snapshot (JSON)
//! ```
//!
//! `run --abort-at SEQ:before` (or `SEQ:after`) aborts the process in the
//! middle of input `SEQ`'s transaction, after the engine handled it and
//! before `COMMIT` (or just after `COMMIT`): no destructor runs and
//! nothing is rolled back in an orderly way, as with `kill -9`. The kill
//! test in `tests/durable.rs` uses it to crash at chosen points, besides
//! killing the process at random instants.
//!
//! Input lines are [`InputLine`]s, `{"at": <ms>, "input": {...}}`, read
//! from a file or from standard input (`--input -`); blank lines and lines
//! starting with `#` are skipped.
//!
//! # One transaction per input
//!
//! ```text
//! BEGIN IMMEDIATE
//!   fire the timers due by the input's time      Switchboard::poll_timeout / handle_timeout
//!   handle the input                             Switchboard::handle
//!   INSERT INTO journal (seq, at, line, timers, error)
//!   INSERT INTO outbox  each action it produced  Switchboard::poll_action_line
//!   INSERT INTO events  each event it produced   Switchboard::poll_event
//!   every N inputs: INSERT INTO snapshot (seq, state), DELETE the journal rows it covers
//! COMMIT
//! ```
//!
//! Either all of that is on disk or none of it is. The order inside the
//! transaction does not matter; what matters is that the engine's state
//! (the journal and snapshot it can be rebuilt from) and its output (the
//! outbox) commit together. If anything fails before `COMMIT`, the engine
//! in memory is ahead of the database and the process must stop: the next
//! start rebuilds it from what was committed. A host acknowledges an input
//! to its source (the webhook's `200 OK`, the consumer's offset) only after
//! `COMMIT`.
//!
//! A refused input (an accept for an offer that expired, an unknown
//! conversation …) is journaled too, with its error: it changed nothing,
//! and replaying it changes nothing again, but its sequence number is
//! accounted for. So is a line that does not parse.
//!
//! # The outbox
//!
//! Actions are not executed inside the transaction; they are written to the
//! `outbox` table, and a relay (not part of this example) reads unsent rows
//! in `id` order, sends them and sets `sent_at`. This is the transactional
//! outbox pattern:
//!
//! - nothing accepted is lost: once an input is committed, its actions are
//!   in the outbox, whatever happens to the process next;
//! - nothing is produced twice: a crash before `COMMIT` discards the input
//!   and its actions together, and the input is handled once, on restart.
//!   Replaying the journal rebuilds the engine's state without writing its
//!   actions again: they are already in the outbox.
//!
//! The relay itself sends at least once (a crash between sending and
//! setting `sent_at` sends again); the row `id`, `AUTOINCREMENT` so that it
//! is never reused, is the idempotency key to give a channel that takes
//! one, which makes each action take effect once.
//!
//! # The event log
//!
//! `run --events FILE` appends each event to FILE as a `{"event": {...}}`
//! line, the log `cargo run --example report -- FILE` reads: once and in
//! order, across crashes too. FILE is a copy of the `events` table, which
//! commits with the inputs; it is appended after each `COMMIT`, and checked
//! and completed on start (`examples/support/event_log.rs` tells why).
//!
//! # Timers
//!
//! The host's rule, live and on replay alike: before an input at time
//! `at`, call [`handle_timeout`](Switchboard::handle_timeout) at each
//! deadline [`poll_timeout`](Switchboard::poll_timeout) gives that is at or
//! before `at`, in order, then [`handle`](Switchboard::handle) the input.
//! The deadlines are a function of the engine's state, so replay derives
//! the same firings at the same times: they are not journaled as inputs of
//! their own, and their actions are committed with the input that follows
//! them. The row's `timers` column records the deadlines fired, and replay
//! checks them (and whether the input was refused), stopping with an error
//! on any difference rather than carrying on with a state that forked.
//!
//! Here the input stream is the clock. A host that fires timers from a wall
//! clock while no input arrives commits each firing as a transaction of its
//! own, with a journal row that says "timeout at t", so that its actions
//! reach the outbox at once; replay then calls `handle_timeout(t)` for it.
//!
//! # Snapshots and recovery
//!
//! Every N inputs (`--snapshot-every`, 100 by default) the transaction also
//! stores [`snapshot()`](Switchboard::snapshot) as JSON with the sequence
//! number it covers, deletes the journal rows it covers and the older
//! snapshot. The snapshot is taken after the actions and events were moved
//! to their tables, so it holds none still to be polled: each action is in
//! exactly one place.
//!
//! On start the host loads the latest snapshot (or starts a fresh engine),
//! replays the journal rows after it in order, discarding their actions,
//! and goes on with the input lines not yet journaled. A line's sequence
//! number is its position in the input (the first line is 1), so a
//! restarted host skips what it already committed: resuming is idempotent,
//! and running twice over the same file does nothing the second time.
//!
//! The configuration is stored in the database by the first run; a run
//! with another one is refused, because replaying the journal under other
//! rules would not give the state that wrote the outbox. (To change it, a
//! host restores the latest snapshot under the new configuration with
//! [`Switchboard::restore`] and starts a new journal.) The sequence number
//! is the journal's primary key, so a second process started on the same
//! database fails on its first insert instead of forking the state.
//!
//! # Durability settings
//!
//! - `journal_mode=WAL`: a commit appends to the write-ahead log; a commit
//!   torn by a crash is discarded at the next open, and readers (the relay,
//!   a dashboard) read while the host writes.
//! - `synchronous=FULL`: `COMMIT` returns only after the log is on disk, so
//!   a committed input survives a power cut or a kernel crash, not only a
//!   killed process. With `NORMAL` a power cut may take back the last
//!   commits after the relay has already sent their actions and the source
//!   has been told the input arrived: the input would be lost and its
//!   effects sent. The price is one `fsync` per transaction; a busy host
//!   handles a batch of inputs per transaction to share it.
//!
//! # Beyond SQLite
//!
//! SQLite keeps the demonstration self-contained. One engine owns one shard
//! (a tenant, or a group of queues and agents), and a production host does
//! the same per shard over the store it already runs: with PostgreSQL, the
//! journal, outbox and snapshot tables keyed by shard, one transaction per
//! input or batch, and an advisory lock per shard as the single writer;
//! with Kafka, the shard's input partition is the journal (the offset is
//! the sequence number), the actions are produced in the same Kafka
//! transaction that commits the consumed offset, and snapshots go to a
//! compacted topic with the offset they cover. The engine is the same in
//! every case: deterministic, with `now` passed in, so the journal and a
//! snapshot are the whole record.

use std::error::Error;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde_json::json;
use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{InputLine, Snapshot, Switchboard};

#[path = "support/event_log.rs"]
mod event_log;
use event_log::EventLog;

type Result<T, E = Box<dyn Error>> = std::result::Result<T, E>;

/// The demo's configuration (and the kill test's): no bot, short timers.
const DEMO_CONFIG: &str = include_str!("data/durable.toml");

const USAGE: &str = "usage:
  durable                                   a short demo in a temporary directory
  durable run --db PATH --config PATH --input PATH|- [--snapshot-every N]
                [--events FILE] [--abort-at SEQ:before|SEQ:after]
  durable dump --db PATH                    print the recovered engine's snapshot as JSON";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq    INTEGER PRIMARY KEY,  -- the line's position in the input, from 1
    at     INTEGER,              -- its time in ms; NULL when the line did not parse
    line   TEXT NOT NULL,        -- the line as received
    timers TEXT,                 -- deadlines fired before it, a JSON array; NULL for none
    error  TEXT                  -- why it was refused; NULL when accepted
);
CREATE TABLE IF NOT EXISTS snapshot (seq INTEGER PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the idempotency key
    seq     INTEGER NOT NULL,                   -- the input that produced it
    at      INTEGER NOT NULL,
    action  TEXT NOT NULL,
    sent_at INTEGER                             -- set by the relay
);
CREATE TABLE IF NOT EXISTS events (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    seq   INTEGER NOT NULL,
    event TEXT NOT NULL
);
";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => demo(),
        Some("run") => run(&args[1..]),
        Some("dump") => dump(&args[1..]),
        Some(_) => Err(USAGE.into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

// ----- the host ------------------------------------------------------------

/// An engine and the database it is journaled to.
struct Host {
    db: Connection,
    sb: Switchboard,
    /// The last sequence number committed.
    seq: u64,
    /// The sequence number the latest snapshot covers (0: none yet).
    snapshot_seq: u64,
    snapshot_every: u64,
    /// Where to abort the process, for the kill test.
    abort_at: Option<AbortAt>,
    /// The event log appended after each commit (`--events`).
    events: Option<EventLog>,
}

/// A point to abort the process at: input `seq`'s transaction, before or
/// after `COMMIT`.
#[derive(Clone, Copy)]
struct AbortAt {
    seq: u64,
    after_commit: bool,
}

impl std::str::FromStr for AbortAt {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--abort-at takes SEQ:before or SEQ:after, not {s:?}");
        let (seq, when) = s.split_once(':').ok_or_else(bad)?;
        let seq = seq.parse().map_err(|_| bad())?;
        let after_commit = match when {
            "before" => false,
            "after" => true,
            _ => return Err(bad()),
        };
        Ok(AbortAt { seq, after_commit })
    }
}

/// Whether a step commits, or stops as a crash would before `COMMIT`.
#[derive(Clone, Copy, PartialEq)]
enum Finish {
    Commit,
    Crash,
}

impl Host {
    /// Opens (or creates) the database for `config` and recovers the engine.
    fn open(path: &Path, config: &str, snapshot_every: u64) -> Result<(Host, Recovered)> {
        let mut db = connect(path, true)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        match stored_config(&tx)? {
            None => {
                parse_config(config)?;
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('config', ?1)",
                    [config],
                )?;
            }
            Some(stored) if stored == config => {}
            Some(_) => {
                return Err(format!(
                    "{} was written under another configuration; replaying its journal \
                     under this one would not give the state its outbox came from",
                    path.display()
                )
                .into());
            }
        }
        tx.commit()?;
        let (sb, recovered) = recover(&db)?;
        let host = Host {
            db,
            sb,
            seq: recovered.seq,
            snapshot_seq: recovered.snapshot_seq,
            snapshot_every: snapshot_every.max(1),
            abort_at: None,
            events: None,
        };
        Ok((host, recovered))
    }

    /// Journals and handles input `seq` in one transaction.
    fn step(&mut self, seq: u64, line: &str) -> Result<Applied> {
        self.step_then(seq, line, Finish::Commit)
    }

    fn step_then(&mut self, seq: u64, line: &str, finish: Finish) -> Result<Applied> {
        if seq <= self.seq {
            return Err(format!("input {seq} is already committed (up to {})", self.seq).into());
        }
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut applied = apply(&mut self.sb, line);
        tx.execute(
            "INSERT INTO journal (seq, at, line, timers, error) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                seq,
                applied.at.map(Timestamp::as_millis),
                line,
                applied.timers_json(),
                applied.error
            ],
        )?;
        {
            let mut outbox =
                tx.prepare_cached("INSERT INTO outbox (seq, at, action) VALUES (?1, ?2, ?3)")?;
            while let Some(a) = self.sb.poll_action_line() {
                let action = serde_json::to_string(&a.action)?;
                outbox.execute(params![seq, a.at.as_millis(), action])?;
                applied.actions += 1;
            }
            let mut events =
                tx.prepare_cached("INSERT INTO events (seq, event) VALUES (?1, ?2)")?;
            while let Some(e) = self.sb.poll_event() {
                events.execute(params![seq, serde_json::to_string(&e)?])?;
            }
        }
        let snapshot = seq - self.snapshot_seq >= self.snapshot_every;
        if snapshot {
            let state = serde_json::to_string(&self.sb.snapshot())?;
            tx.execute(
                "INSERT INTO snapshot (seq, state) VALUES (?1, ?2)",
                params![seq, state],
            )?;
            tx.execute("DELETE FROM snapshot WHERE seq < ?1", [seq])?;
            tx.execute("DELETE FROM journal WHERE seq <= ?1", [seq])?;
        }
        if finish == Finish::Crash {
            // Dropping the transaction rolls it back, as a crash before
            // COMMIT would; the engine in memory is now ahead of the
            // database and must be dropped too.
            return Ok(applied);
        }
        abort_if(self.abort_at, seq, false);
        tx.commit()?;
        abort_if(self.abort_at, seq, true);
        self.seq = seq;
        if snapshot {
            self.snapshot_seq = seq;
        }
        if let Some(log) = &mut self.events {
            log.export(&self.db)?;
        }
        Ok(applied)
    }
}

/// Aborts the process if `--abort-at` names this point.
fn abort_if(abort_at: Option<AbortAt>, seq: u64, after_commit: bool) {
    if let Some(at) = abort_at
        && at.seq == seq
        && at.after_commit == after_commit
    {
        eprintln!(
            "aborting {} input {seq} commits",
            if after_commit { "after" } else { "before" }
        );
        std::process::abort();
    }
}

/// What handling one input line did.
struct Applied {
    /// The input's time; `None` when the line did not parse.
    at: Option<Timestamp>,
    /// The deadlines fired before it.
    timers: Vec<Timestamp>,
    /// Why it was refused.
    error: Option<String>,
    /// How many actions it produced, timers' included.
    actions: usize,
}

impl Applied {
    fn timers_json(&self) -> Option<String> {
        (!self.timers.is_empty()).then(|| json!(self.timers).to_string())
    }
}

/// The host's one rule, live and on replay: fire each timer due by the
/// input's time at its own deadline, then handle the input.
fn apply(sb: &mut Switchboard, line: &str) -> Applied {
    let input: InputLine = match serde_json::from_str(line) {
        Ok(input) => input,
        Err(e) => {
            return Applied {
                at: None,
                timers: Vec::new(),
                error: Some(format!("unreadable input: {e}")),
                actions: 0,
            };
        }
    };
    let mut timers: Vec<Timestamp> = Vec::new();
    // Each firing runs every timer due by its deadline, so the next
    // deadline is later; the second condition only guards against a loop.
    while let Some(due) = sb
        .poll_timeout()
        .filter(|&t| t <= input.at && timers.last().is_none_or(|&last| t > last))
    {
        sb.handle_timeout(due);
        timers.push(due);
    }
    let error = sb
        .handle(input.at, input.input)
        .err()
        .map(|e| e.to_string());
    Applied {
        at: Some(input.at),
        timers,
        error,
        actions: 0,
    }
}

/// An engine rebuilt from a database, and where it stands.
struct Recovered {
    /// The last sequence number committed.
    seq: u64,
    /// The sequence number the snapshot it started from covers (0: none).
    snapshot_seq: u64,
    /// Journal rows replayed after the snapshot.
    replayed: u64,
}

/// Latest snapshot (or a fresh engine), then the journal after it.
fn recover(db: &Connection) -> Result<(Switchboard, Recovered)> {
    let text = stored_config(db)?.ok_or("the database holds no configuration")?;
    let config = Arc::new(parse_config(&text)?);
    let latest: Option<(u64, String)> = db
        .query_row(
            "SELECT seq, state FROM snapshot ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (mut sb, snapshot_seq) = match latest {
        Some((seq, state)) => {
            let snapshot: Snapshot = serde_json::from_str(&state)?;
            (Switchboard::restore(config, snapshot)?, seq)
        }
        None => (Switchboard::new(config), 0),
    };
    let mut rows = db.prepare("SELECT seq, line, timers, error FROM journal ORDER BY seq")?;
    let mut rows = rows.query([])?;
    let (mut seq, mut replayed) = (snapshot_seq, 0);
    while let Some(row) = rows.next()? {
        let (s, line): (u64, String) = (row.get(0)?, row.get(1)?);
        let (timers, error): (Option<String>, Option<String>) = (row.get(2)?, row.get(3)?);
        let again = apply(&mut sb, &line);
        // Their actions and events are in the outbox and events tables.
        while sb.poll_action_line().is_some() {}
        while sb.poll_event().is_some() {}
        // The error's wording may change between versions; refusal may not.
        if again.timers_json() != timers || again.error.is_some() != error.is_some() {
            return Err(format!(
                "replaying input {s} did not do what it did when committed \
                 (timers {timers:?}, error {error:?}; now timers {:?}, error {:?})",
                again.timers_json(),
                again.error
            )
            .into());
        }
        seq = s;
        replayed += 1;
    }
    Ok((
        sb,
        Recovered {
            seq,
            snapshot_seq,
            replayed,
        },
    ))
}

fn connect(path: &Path, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let db =
        Connection::open_with_flags(path, flags).map_err(|e| format!("{}: {e}", path.display()))?;
    let mode: String = db.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("{}: journal_mode is {mode}, not wal", path.display()).into());
    }
    db.pragma_update(None, "synchronous", "FULL")?;
    Ok(db)
}

fn stored_config(db: &Connection) -> Result<Option<String>> {
    Ok(db
        .query_row("SELECT value FROM meta WHERE key = 'config'", [], |r| {
            r.get(0)
        })
        .optional()?)
}

/// A configuration in JSON (starting with `{`) or TOML.
fn parse_config(text: &str) -> Result<Config> {
    let config = if text.trim_start().starts_with('{') {
        Config::from_json_str(text)
    } else {
        Config::from_toml_str(text)
    };
    Ok(config?)
}

// ----- the commands ----------------------------------------------------------

fn run(args: &[String]) -> Result<()> {
    let (mut db, mut config, mut input, mut every) = (None, None, None, 100);
    let (mut abort_at, mut events) = (None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--config" => config = Some(PathBuf::from(value()?)),
            "--input" => input = Some(value()?.clone()),
            "--snapshot-every" => every = value()?.parse()?,
            "--abort-at" => abort_at = Some(value()?.parse::<AbortAt>()?),
            "--events" => events = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}").into()),
        }
    }
    let (Some(db), Some(config), Some(input)) = (db, config, input) else {
        return Err(USAGE.into());
    };
    let text =
        std::fs::read_to_string(&config).map_err(|e| format!("{}: {e}", config.display()))?;
    parse_config(&text).map_err(|e| format!("{}:\n{e}", config.display()))?;
    let (mut host, rec) = Host::open(&db, &text, every)?;
    host.abort_at = abort_at;
    println!(
        "recovered: snapshot at input {}, {} journaled inputs replayed; resuming after input {}",
        rec.snapshot_seq, rec.replayed, rec.seq
    );
    if let Some(path) = events {
        let log = EventLog::open(&path, &host.db)?;
        println!("{log}");
        host.events = Some(log);
    }
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(
            std::fs::File::open(&input).map_err(|e| format!("{input}: {e}"))?,
        ))
    };
    let (mut new, mut refused) = (0, 0);
    for (seq, line) in (1..).zip(reader.lines()) {
        let line = line?;
        let line = line.trim();
        if seq <= host.seq || line.is_empty() || line.starts_with('#') {
            continue;
        }
        new += 1;
        if host.step(seq, line)?.error.is_some() {
            refused += 1;
        }
    }
    println!(
        "committed {new} new inputs ({refused} refused); last input {}, outbox {} actions",
        host.seq,
        count(&host.db, "outbox")?
    );
    Ok(())
}

fn dump(args: &[String]) -> Result<()> {
    let [flag, path] = args else {
        return Err(USAGE.into());
    };
    if flag != "--db" {
        return Err(USAGE.into());
    }
    let db = connect(Path::new(path), false)?;
    let (sb, _) = recover(&db)?;
    println!("{}", serde_json::to_string(&sb.snapshot())?);
    Ok(())
}

fn count(db: &Connection, table: &str) -> Result<u64> {
    Ok(db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

// ----- the demo --------------------------------------------------------------

/// The input the demo crashes on.
const CRASH_AT: u64 = 26;

fn demo() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("switchboard-durable-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = demo_in(&dir);
    std::fs::remove_dir_all(&dir)?;
    result
}

fn demo_in(dir: &Path) -> Result<()> {
    let path = dir.join("shop.db");
    let lines = demo_inputs();
    let every = 10;
    println!(
        "Journaling {} inputs to {} (a snapshot every {every} inputs).",
        lines.len(),
        path.display()
    );

    let (mut host, _) = Host::open(&path, DEMO_CONFIG, every)?;
    let mut refused = Vec::new();
    for (seq, line) in (1..CRASH_AT).zip(&lines) {
        if let Some(error) = host.step(seq, line)?.error {
            refused.push(format!("input {seq} ({}): {error}", summary(line)));
        }
    }
    println!(
        "Committed inputs 1-{}: {} actions in the outbox, a snapshot of input {}, journal rows {}-{}.",
        host.seq,
        count(&host.db, "outbox")?,
        host.snapshot_seq,
        host.snapshot_seq + 1,
        host.seq
    );
    for refusal in &refused {
        println!("Refused, journaled with its error, changed nothing: {refusal}");
    }
    let line = &lines[CRASH_AT as usize - 1];
    let crashed = host.step_then(CRASH_AT, line, Finish::Crash)?;
    println!(
        "Crash in the middle of input {CRASH_AT} ({}): the engine had handled it, \
         the transaction was not committed.",
        summary(line)
    );
    drop(host);

    let (mut host, rec) = Host::open(&path, DEMO_CONFIG, every)?;
    println!(
        "Restart: snapshot of input {} restored, {} journal rows replayed (timers re-derived \
         and checked); input {CRASH_AT} is not in the database, nor are the actions it produced ({}).",
        rec.snapshot_seq, rec.replayed, crashed.actions
    );
    let mut new = 0;
    for (seq, line) in (1..).zip(&lines) {
        if seq > host.seq {
            host.step(seq, line)?;
            new += 1;
        }
    }
    println!(
        "Fed all {} inputs again: the {} committed ones skipped, {new} handled.",
        lines.len(),
        lines.len() - new
    );

    let (state, outbox) = uninterrupted(&lines)?;
    let ours: Vec<(u64, String)> = host
        .db
        .prepare("SELECT at, action FROM outbox ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let (recovered, _) = recover(&host.db)?;
    let same_outbox = ours == outbox;
    let same_state = serde_json::to_string(&recovered.snapshot())? == state;
    println!(
        "Outbox: {} actions; the same, in the same order, as an uninterrupted run: {}.",
        ours.len(),
        yes(same_outbox)
    );
    println!(
        "Engine recovered from the database equals the uninterrupted run's: {}.",
        yes(same_state)
    );
    println!("The outbox begins:");
    for (at, action) in outbox.iter().take(4) {
        println!("  {at}  {}", summary(action));
    }
    if !(same_outbox && same_state) {
        return Err("the recovered run differs from the uninterrupted one".into());
    }
    Ok(())
}

/// The demo's run without a database or a crash: the state and the actions.
fn uninterrupted(lines: &[String]) -> Result<(String, Vec<(u64, String)>)> {
    let mut sb = Switchboard::new(parse_config(DEMO_CONFIG)?);
    let mut actions = Vec::new();
    for line in lines {
        apply(&mut sb, line);
        while let Some(a) = sb.poll_action_line() {
            actions.push((a.at.as_millis(), serde_json::to_string(&a.action)?));
        }
        while sb.poll_event().is_some() {}
    }
    Ok((serde_json::to_string(&sb.snapshot())?, actions))
}

/// Two agents and six customers on three channels; one accept comes from
/// an agent who was not offered the conversation and is refused.
fn demo_inputs() -> Vec<String> {
    let start = 1_795_428_000_000u64; // Monday 2026-11-23, 10:00 UTC
    let mut lines = Vec::new();
    let mut push = |at: u64, input: serde_json::Value| {
        lines.push(json!({"at": start + at * 1000, "input": input}).to_string());
    };
    let capacity = json!({"webchat": 2, "sms": 2, "whatsapp": 2});
    for agent in ["ana", "ben"] {
        push(
            0,
            json!({"type": "agent_upsert", "agent": agent, "capacity": capacity}),
        );
        push(
            0,
            json!({"type": "agent_status", "agent": agent, "status": "available"}),
        );
    }
    let customers = [
        ("webchat", "visitor-7", "Where is my order 1042?"),
        ("sms", "+14155550100", "I want a refund for order 2077"),
        (
            "whatsapp",
            "4915123456789",
            "Can I change my delivery address?",
        ),
        ("sms", "+14155550101", "My invoice is wrong"),
        ("webchat", "visitor-9", "Do you ship to Norway?"),
        ("whatsapp", "4915123456790", "The parcel arrived damaged"),
    ];
    for (i, (channel, from, text)) in (0u64..).zip(customers) {
        let t = 40 * i;
        let c = format!("c{}", i + 1);
        let agent = if i % 2 == 0 { "ana" } else { "ben" };
        push(
            t + 1,
            json!({"type": "inbound", "channel": channel, "from": from, "text": text}),
        );
        push(
            t + 6,
            json!({"type": "agent_accept", "agent": agent, "conversation": c}),
        );
        if i == 2 {
            // Too late: ana has it. Refused, and journaled with its error.
            push(
                t + 7,
                json!({"type": "agent_accept", "agent": "ben", "conversation": c}),
            );
        }
        push(
            t + 15,
            json!({"type": "agent_message", "agent": agent, "conversation": c,
                   "text": "Hello, let me look into it."}),
        );
        push(
            t + 30,
            json!({"type": "inbound", "channel": channel, "from": from, "text": "Thanks!"}),
        );
        if i % 3 != 2 {
            push(
                t + 38,
                json!({"type": "close", "conversation": c, "by": "agent", "agent": agent}),
            );
        }
    }
    lines
}

/// `type` and `conversation` of an input or action line, for printing.
fn summary(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let v = v.get("input").unwrap_or(&v);
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    [field("type"), field("conversation"), field("agent")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}
