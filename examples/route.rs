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
//! A config with errors prints the diagnostics and exits with status 1;
//! a malformed message line is reported with its line number and skipped.

use std::error::Error;
use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;

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

    let src = std::fs::read_to_string(config_path)
        .map_err(|e| format!("cannot read {config_path}: {e}"))?;
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
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(messages_path)
                .map_err(|e| format!("cannot read {messages_path}: {e}"))?,
        )
    };
    for (n, line) in BufReader::new(input).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let msg: Message = match serde_json::from_str(&line) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{messages_path}:{}: skipped: {e}", n + 1);
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
        let out = if explain {
            let (decision, why) = config.router().explain(&facts);
            eprint!("{:?}\n{why}", msg.text);
            serde_json::json!({ "at": msg.at, "text": msg.text, "decision": decision, "why": why })
        } else {
            let decision = config.router().route(&facts);
            serde_json::json!({ "at": msg.at, "text": msg.text, "decision": decision })
        };
        println!("{out}");
    }
    Ok(ExitCode::SUCCESS)
}
