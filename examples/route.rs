//! Runs a routing configuration over messages and prints each decision: the
//! tool to try a config against recorded traffic before deploying it.
//!
//! ```text
//! cargo run --example route -- [--explain] [CONFIG.toml] [MESSAGES.jsonl]
//! ```
//!
//! Defaults: `examples/data/route.toml` and `examples/data/messages.jsonl`
//! (`-` reads messages from standard input). Each input line is a JSON
//! object:
//!
//! ```json
//! {"at": 1795424400000, "channel": "whatsapp", "text": "我要退款", "lang": "zh", "contact": {"tier": "vip"}}
//! ```
//!
//! Each output line is `{"at": …, "text": …, "decision": {…}}`; with
//! `--explain` it also carries `"why"`, every rule evaluated and why it did
//! or did not match, and the human-readable trace goes to standard error.
//! A config with errors prints the diagnostics and exits with status 1.
//! A message line that is not valid UTF-8, longer than 1 MiB or not a
//! message is reported on standard error as `FILE:LINE: skipped: why`
//! (`not valid UTF-8 (at byte 17)`, counting the line's bytes from 1) and the
//! run goes on with the next line.

#[path = "support/lines.rs"]
mod lines;

use std::error::Error;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::ExitCode;

use lines::Lines;
use serde::Deserialize;
use switchboard::config::Config;
use switchboard::expr::Facts;
use switchboard::{Attributes, ChannelKind, Timestamp};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    at: u64,
    channel: ChannelKind,
    #[serde(default)]
    text: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    contact: Attributes,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let explain = args.iter().any(|a| a == "--explain");
    args.retain(|a| a != "--explain");
    let config_path = args
        .first()
        .map_or("examples/data/route.toml", String::as_str);
    let messages_path = args
        .get(1)
        .map_or("examples/data/messages.jsonl", String::as_str);

    let src = read_text(config_path)?;
    let config = match Config::from_toml_str(&src) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{config_path}:\n{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for w in config.warnings() {
        eprint!("{config_path}:\n{w}");
    }

    let input: Box<dyn Read> = if messages_path == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(
            std::fs::File::open(messages_path)
                .map_err(|e| format!("cannot read {messages_path}: {e}"))?,
        )
    };
    let (stdout, stderr) = (io::stdout(), io::stderr());
    route_all(
        &config,
        explain,
        Lines::new(BufReader::new(input)),
        messages_path,
        &mut stdout.lock(),
        &mut stderr.lock(),
    )?;
    Ok(ExitCode::SUCCESS)
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

/// Routes every message line of `lines` and prints the decisions to `out`;
/// a line that is not a message is reported to `err` and skipped.
fn route_all(
    config: &Config,
    explain: bool,
    mut lines: Lines<impl BufRead>,
    name: &str,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<()> {
    while let Some((n, line)) = lines.next_line()? {
        let msg: Message = match line.map(|l| (l.trim().is_empty(), serde_json::from_str(l))) {
            Ok((true, _)) => continue,
            Ok((false, Ok(m))) => m,
            Ok((false, Err(e))) => {
                writeln!(err, "{name}:{n}: skipped: {e}")?;
                continue;
            }
            Err(why) => {
                writeln!(err, "{name}:{n}: skipped: {why}")?;
                continue;
            }
        };
        let mut facts = Facts::new(Timestamp::from_millis(msg.at))
            .with_channel(&msg.channel)
            .with_text(&msg.text)
            .with_contact(&msg.contact);
        if let Some(lang) = &msg.lang {
            facts = facts.with_lang(lang);
        }
        let decision = if explain {
            let (decision, why) = config.router().explain(&facts);
            write!(err, "{:?}\n{why}", msg.text)?;
            serde_json::json!({ "at": msg.at, "text": msg.text, "decision": decision, "why": why })
        } else {
            let decision = config.router().route(&facts);
            serde_json::json!({ "at": msg.at, "text": msg.text, "decision": decision })
        };
        writeln!(out, "{decision}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lines::MAX_LINE;

    fn config() -> Config {
        Config::from_toml_str(include_str!("data/route.toml")).unwrap()
    }

    fn route(input: &[u8]) -> (Vec<serde_json::Value>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        route_all(
            &config(),
            false,
            Lines::new(input),
            "in.jsonl",
            &mut out,
            &mut err,
        )
        .unwrap();
        let decisions = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (decisions, String::from_utf8(err).unwrap())
    }

    const HELLO: &str = r#"{"at": 1, "channel": "sms", "text": "hello"}"#;

    #[test]
    fn a_line_that_is_not_utf8_is_reported_and_the_run_goes_on() {
        let input = [
            HELLO.as_bytes(),
            b"\n{\"at\": 2, \"text\": \"caf\xe9\"}\n",
            HELLO.replace("hello", "bye").as_bytes(),
            b"\r\n",
        ]
        .concat();
        let (decisions, err) = route(&input);
        assert_eq!(err, "in.jsonl:2: skipped: not valid UTF-8 (at byte 23)\n");
        let texts: Vec<_> = decisions.iter().map(|d| d["text"].clone()).collect();
        assert_eq!(texts, ["hello", "bye"]);
    }

    #[test]
    fn malformed_and_overlong_lines_are_skipped_with_their_numbers() {
        let long = format!(
            r#"{{"at": 3, "channel": "sms", "text": "{}"}}"#,
            "x".repeat(MAX_LINE)
        );
        let input = format!("not json\n\n{long}\n{HELLO}");
        let (decisions, err) = route(input.as_bytes());
        let err: Vec<&str> = err.lines().collect();
        assert_eq!(err.len(), 2, "{err:?}");
        assert!(
            err[0].starts_with("in.jsonl:1: skipped: expected ident"),
            "{}",
            err[0]
        );
        assert_eq!(err[1], "in.jsonl:3: skipped: longer than 1 MiB");
        assert_eq!(decisions.len(), 1);
        assert_eq!(decisions[0]["text"], "hello");
    }

    #[test]
    fn a_line_cut_by_the_end_of_the_input_is_read() {
        let mut lines = Lines::new(&b"a\r\n\xff\nlast"[..]);
        assert_eq!(lines.next_line().unwrap(), Some((1, Ok("a"))));
        assert_eq!(
            lines.next_line().unwrap(),
            Some((2, Err("not valid UTF-8 (at byte 1)".to_owned())))
        );
        assert_eq!(lines.next_line().unwrap(), Some((3, Ok("last"))));
        assert_eq!(lines.next_line().unwrap(), None);
    }
}
