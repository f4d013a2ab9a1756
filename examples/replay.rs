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

#[path = "support/lines.rs"]
mod lines;

use std::error::Error;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use lines::Lines;
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
    let reader = lines::open(input_path)?;
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

/// Prints the engine's outputs in the order it produced them: an action as
/// `{"at": …, "action": {…}}`, an event as `{"event": {…}}`.
fn flush(sb: &mut Switchboard, out: &mut impl Write) -> Result<(), Box<dyn Error>> {
    while let Some(output) = sb.poll_output() {
        writeln!(out, "{}", serde_json::to_string(&output)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lines::MAX_LINE;

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
