//! Replays a journal of inputs against a configuration and prints every
//! action and event as JSON lines: the tool to test a configuration against
//! recorded traffic.
//!
//! ```text
//! cargo run --example replay -- examples/data/replay.toml examples/data/replay.jsonl
//! ```
//!
//! Input lines are `{"at": <ms since epoch>, "input": {...}}` (blank lines
//! and lines starting with `#` are skipped). Output lines are
//! `{"at": ..., "action": {...}}`, `{"event": {...}}`, and
//! `{"at": ..., "error": "..."}` for a refused input (the run goes on).
//! With `--until <ms>`, timers run up to that time after the last input.
//!
//! A line that cannot be read as an input (not valid UTF-8, longer than
//! 1 MiB, or not an input's JSON) stops the run with `FILE:LINE: why`, for
//! example `inputs.jsonl:7: not valid UTF-8 (at byte 31)` (bytes count from
//! 1): skipping an input would change what every later input does, so the
//! output would not be the replay of the file.

use std::error::Error;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::ExitCode;

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{InputLine, Switchboard};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut until = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--until" {
            let ms = it.next().ok_or("--until needs a time in ms")?;
            let ms: u64 = ms
                .parse()
                .map_err(|_| format!("--until needs a time in ms since the epoch, not {ms:?}"))?;
            until = Some(Timestamp::from_millis(ms));
        } else {
            files.push(a.clone());
        }
    }
    let [config_path, input_path] = &files[..] else {
        return Err(
            "usage: replay <config.toml|config.json> <inputs.jsonl|-> [--until <ms>]".into(),
        );
    };
    let text = read_text(config_path)?;
    let config = if config_path.ends_with(".json") {
        Config::from_json_str(&text)
    } else {
        Config::from_toml_str(&text)
    }
    .map_err(|e| format!("{config_path}:\n{e}"))?;
    let mut sb = Switchboard::new(config);
    let reader: Box<dyn BufRead> = if input_path == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        let file = std::fs::File::open(input_path)
            .map_err(|e| format!("cannot read {input_path}: {e}"))?;
        Box::new(BufReader::new(file))
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    replay(&mut sb, Lines::new(reader), input_path, &mut out)?;
    if let Some(end) = until {
        while let Some(t) = sb.poll_timeout().filter(|t| *t <= end) {
            sb.handle_timeout(t);
            flush(&mut sb, &mut out)?;
        }
    }
    Ok(())
}

/// Reads a whole text file, naming the file and the first byte that is not
/// UTF-8 when it fails.
fn read_text(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to() + 1;
        format!("{path}: not valid UTF-8 (at byte {at})")
    })
}

/// Feeds every input line to `sb`, writing its outputs to `out`; stops at
/// the first line that is not an input, naming it.
fn replay(
    sb: &mut Switchboard,
    mut lines: Lines<impl BufRead>,
    name: &str,
    out: &mut impl Write,
) -> Result<(), Box<dyn Error>> {
    while let Some((n, line)) = lines.next_line()? {
        let line = line.map_err(|why| format!("{name}:{n}: {why}"))?.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let input: InputLine =
            serde_json::from_str(line).map_err(|e| format!("{name}:{n}: {e}"))?;
        let at = input.at;
        if let Err(e) = sb.handle(at, input.input) {
            let err = serde_json::json!({"at": at, "error": e.to_string()});
            writeln!(out, "{err}")?;
        }
        flush(sb, out)?;
    }
    Ok(())
}

fn flush(sb: &mut Switchboard, out: &mut impl Write) -> Result<(), Box<dyn Error>> {
    while let Some(a) = sb.poll_action_line() {
        writeln!(out, "{}", serde_json::to_string(&a)?)?;
    }
    while let Some(e) = sb.poll_event() {
        writeln!(out, "{{\"event\":{}}}", serde_json::to_string(&e)?)?;
    }
    Ok(())
}

/// The longest input line read; a longer one is skipped without being held
/// in memory.
const MAX_LINE: usize = 1 << 20;

/// Reads lines as bytes, so that a line that is not UTF-8 or is too long is
/// reported with its number and the lines after it are still read
/// (`BufRead::lines` ends at the first such line).
struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    number: usize,
}

impl<R: BufRead> Lines<R> {
    fn new(input: R) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            number: 0,
        }
    }

    /// The number (from 1) of the next line and the line without its line
    /// ending, or why it cannot be read as text; `Ok(None)` at the end of the
    /// input.
    fn next_line(&mut self) -> io::Result<Option<(usize, Result<&str, String>)>> {
        self.buf.clear();
        let read = (&mut self.input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut self.buf)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        } else if self.buf.len() > MAX_LINE {
            self.skip_rest_of_line()?;
            let why = format!("longer than {} MiB", MAX_LINE >> 20);
            return Ok(Some((self.number, Err(why))));
        }
        let line = std::str::from_utf8(&self.buf)
            .map_err(|e| format!("not valid UTF-8 (at byte {})", e.valid_up_to() + 1));
        Ok(Some((self.number, line)))
    }

    /// Discards input up to and including the next line break.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.input.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let len = chunk.len();
                    self.input.consume(len);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8]) -> (String, Result<(), String>) {
        let config = Config::from_toml_str(include_str!("data/replay.toml")).unwrap();
        let mut sb = Switchboard::new(config);
        let mut out = Vec::new();
        let result = replay(&mut sb, Lines::new(input), "in.jsonl", &mut out);
        (
            String::from_utf8(out).unwrap(),
            result.map_err(|e| e.to_string()),
        )
    }

    const SIGN_IN: &str = r#"{"at": 1795424400000, "input": {"type": "agent_status", "agent": "ana", "status": "available"}}"#;

    #[test]
    fn a_line_that_is_not_utf8_stops_the_replay_naming_the_line() {
        let upsert = r#"{"at": 1795424400000, "input": {"type": "agent_upsert", "agent": "ana", "skills": {}, "languages": ["en"], "capacity": {"sms": 1}}}"#;
        let away = SIGN_IN.replace("available", "away");
        let input = [
            b"# comment\n".as_slice(),
            upsert.as_bytes(),
            b"\n",
            SIGN_IN.as_bytes(),
            b"\n{\"at\": 1, \"x\": \"\xc3\x28\"}\n",
            away.as_bytes(),
        ]
        .concat();
        let (out, result) = run(&input);
        assert_eq!(
            result,
            Err("in.jsonl:4: not valid UTF-8 (at byte 17)".to_owned())
        );
        // The lines before it were replayed; the one after it was not.
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{out}");
        assert!(lines[0].contains(r#""status":"available""#), "{out}");
    }

    #[test]
    fn malformed_and_overlong_lines_stop_the_replay_naming_the_line() {
        let (_, result) = run(b"\n{\"at\": 1}\n");
        let err = result.unwrap_err();
        assert!(
            err.starts_with("in.jsonl:2: missing field `input`"),
            "{err}"
        );
        let long = format!("{SIGN_IN}{}\n", " ".repeat(MAX_LINE));
        let (_, result) = run(long.as_bytes());
        assert_eq!(result, Err("in.jsonl:1: longer than 1 MiB".to_owned()));
    }
}
