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

use std::error::Error;
use std::io::{BufRead, BufReader, Write};

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{InputLine, Switchboard};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut until = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--until" {
            let ms: u64 = it.next().ok_or("--until needs a time in ms")?.parse()?;
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
    let text = std::fs::read_to_string(config_path)?;
    let config = if config_path.ends_with(".json") {
        Config::from_json_str(&text)
    } else {
        Config::from_toml_str(&text)
    }
    .map_err(|e| format!("{config_path}:\n{e}"))?;
    let mut sb = Switchboard::new(config);
    let reader: Box<dyn BufRead> = if input_path == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(input_path)?))
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let input: InputLine =
            serde_json::from_str(line).map_err(|e| format!("{input_path}:{}: {e}", n + 1))?;
        let at = input.at;
        if let Err(e) = sb.handle(at, input.input) {
            let err = serde_json::json!({"at": at, "error": e.to_string()});
            writeln!(out, "{err}")?;
        }
        flush(&mut sb, &mut out)?;
    }
    if let Some(end) = until {
        while let Some(t) = sb.poll_timeout().filter(|t| *t <= end) {
            sb.handle_timeout(t);
            flush(&mut sb, &mut out)?;
        }
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
