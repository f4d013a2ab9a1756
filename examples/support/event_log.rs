//! The `durable` example's `--events FILE`: every event the engine emits,
//! appended to FILE as a `{"event": {...}}` JSON line (the lines `replay`
//! prints and `report` reads), each exactly once, across crashes too.
//!
//! # Where exactly-once comes from
//!
//! Events are a product of applying inputs, and replaying the journal after
//! a crash emits again the events of every input it replays. So the host
//! does with them what it does with actions: it writes them to the `events`
//! table in the same transaction as the input that produced them, and
//! recovery discards what replay emits again. The table holds each event
//! of each committed input once, in `id` order, whatever happened to the
//! process.
//!
//! The file is a copy of that table, appended after each `COMMIT`. A file
//! and a database cannot commit together, so the file is its own cursor:
//! its complete lines are always the table's first rows. When the host
//! opens the file it reads it back, checks each line against the row at
//! its position, drops a torn last line (one without its newline: the
//! process stopped while writing it), and appends the rows after the last
//! line. So:
//!
//! - a crash after `COMMIT` and before the append: the next start appends
//!   the input's events;
//! - a crash in the middle of the append: the torn line is dropped and
//!   written again whole;
//! - a power cut that takes back the file's tail (it is not synced to disk:
//!   the table is the durable copy): the next start writes the tail again.
//!
//! No line is written twice, because writing starts after the last line
//! the file holds; none is missing, because it starts right after it and
//! the table has every committed event. A cursor kept in the database
//! instead ("exported up to id N") cannot be updated in the same instant
//! as the file: updated after the append, a crash in between writes the
//! lines again; updated before, a crash loses them.
//!
//! A file with a line that is not this database's event at that position
//! (another database's log, or one edited by hand) is refused rather than
//! extended. The price of the design is reading the file once per start.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use rusqlite::Connection;

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// An event log file holding the first rows of the `events` table.
pub(crate) struct EventLog {
    file: File,
    name: String,
    /// The `id` of the last event in the file (0: none).
    last_id: i64,
    /// Lines in the file.
    lines: u64,
    /// Lines that were in the file when it was opened, checked.
    kept: u64,
    /// Bytes of a torn last line dropped when it was opened.
    torn: u64,
}

/// What opening the log found and did.
impl std::fmt::Display for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "event log {}: {} lines checked, {} bytes of a torn line dropped, {} appended",
            self.name,
            self.kept,
            self.torn,
            self.lines - self.kept
        )
    }
}

/// An event as a line of the log: `{"event": ...}` and a newline, as
/// `Output::Event` serializes.
fn line(event: &str) -> String {
    format!("{{\"event\":{event}}}\n")
}

impl EventLog {
    /// Opens (or creates) `path`, checks that it holds the first events of
    /// `db`, drops a torn last line, and appends the events committed
    /// since.
    pub(crate) fn open(path: &Path, db: &Connection) -> Result<EventLog> {
        let name = path.display().to_string();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| format!("{name}: {e}"))?;
        let (mut kept, mut bytes, mut last_id) = (0u64, 0u64, 0i64);
        {
            let mut rows = db.prepare("SELECT id, event FROM events ORDER BY id")?;
            let mut rows = rows.query([])?;
            let mut reader = BufReader::new(&file);
            let mut buf = Vec::new();
            while reader.read_until(b'\n', &mut buf)? > 0 && buf.ends_with(b"\n") {
                let n = kept + 1;
                let Some(row) = rows.next()? else {
                    return Err(format!(
                        "{name}:{n}: the database committed {kept} events; \
                         this file is not its event log"
                    )
                    .into());
                };
                let (id, event): (i64, String) = (row.get(0)?, row.get(1)?);
                if buf != line(&event).as_bytes() {
                    return Err(format!(
                        "{name}:{n}: not the database's event {n}; this file is not \
                         its event log (remove it to write the log again)"
                    )
                    .into());
                }
                (kept, bytes, last_id) = (n, bytes + buf.len() as u64, id);
                buf.clear();
            }
        }
        let torn = file.metadata()?.len() - bytes;
        if torn > 0 {
            file.set_len(bytes).map_err(|e| format!("{name}: {e}"))?;
        }
        let mut log = EventLog {
            file,
            name,
            last_id,
            lines: kept,
            kept,
            torn,
        };
        log.export(db)?;
        Ok(log)
    }

    /// Appends the events committed since the last line; how many.
    ///
    /// A failed write leaves at most a torn line, which the next
    /// [`open`](EventLog::open) drops; the host stops on the error.
    pub(crate) fn export(&mut self, db: &Connection) -> Result<u64> {
        let mut rows =
            db.prepare_cached("SELECT id, event FROM events WHERE id > ?1 ORDER BY id")?;
        let mut rows = rows.query([self.last_id])?;
        let (mut text, mut n, mut last_id) = (String::new(), 0, self.last_id);
        while let Some(row) = rows.next()? {
            let event: String = row.get(1)?;
            text.push_str(&line(&event));
            (n, last_id) = (n + 1, row.get(0)?);
        }
        if n > 0 {
            self.file
                .write_all(text.as_bytes())
                .map_err(|e| format!("{}: {e}", self.name))?;
            self.last_id = last_id;
            self.lines += n;
        }
        Ok(n)
    }
}
