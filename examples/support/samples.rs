//! The host loop the webhook adapter examples share: each recorded webhook
//! body is parsed by the adapter and its inputs fed to an engine, printing
//! the inputs, the engine's actions and the retries it ignored as JSON
//! lines (one clock second per sample).

use std::fmt::Display;
use std::time::Duration;

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{EventKind, Input, InputLine, Output, Switchboard};

/// Runs `samples` (name, body) through `parse` into an engine for
/// `config`, printing what happens.
pub(crate) fn run<E: Display>(
    config: &str,
    samples: impl IntoIterator<Item = (&'static str, &'static str)>,
    parse: impl Fn(&[u8]) -> Result<Vec<Input>, E>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut engine = Switchboard::new(Config::from_toml_str(config)?);
    let start = Timestamp::from_millis(1_795_428_000_000);
    for (n, (name, body)) in samples.into_iter().enumerate() {
        let now = start + Duration::from_secs(n as u64);
        let inputs = match parse(body.as_bytes()) {
            Ok(inputs) => inputs,
            Err(e) => {
                println!(
                    "{}",
                    serde_json::json!({ "sample": name, "error": e.to_string() })
                );
                continue;
            }
        };
        for input in inputs {
            println!(
                "{}",
                serde_json::to_string(&InputLine::new(now, input.clone()))?
            );
            if let Err(e) = engine.handle(now, input) {
                println!(
                    "{}",
                    serde_json::json!({ "at": now, "refused": e.to_string() })
                );
            }
            while let Some(output) = engine.poll_output() {
                match &output {
                    Output::Action(action) => println!("{}", serde_json::to_string(action)?),
                    Output::Event(event) if matches!(event.kind, EventKind::Duplicate { .. }) => {
                        println!("{}", serde_json::to_string(event)?);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
