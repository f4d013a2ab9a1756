//! The host loop the webhook adapter examples share: each recorded webhook
//! body is parsed by the adapter and its inputs fed to an engine, printing
//! the inputs, the engine's actions and the retries it ignored as JSON
//! lines (one clock second per sample). Each action is also handed to the
//! adapter's outbound half, and the vendor request it would make (or the
//! typed error saying why it cannot) is printed after it.
//!
//! It follows the engine's drive loop: after every `handle` or
//! `handle_timeout` it drains `poll_output`, then re-arms its one timer
//! from `poll_timeout`; before each sample it fires the timers that fell
//! due in between.

use std::fmt::Display;
use std::time::Duration;

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{Action, EventKind, Input, InputLine, Output, Switchboard};

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// Runs `samples` (name, body) through `parse` into an engine for
/// `config`, printing what happens; `request` turns an action into the
/// vendor's request body (`None` for actions the adapter does not send).
pub(crate) fn run<E: Display, F: Display>(
    config: &str,
    samples: impl IntoIterator<Item = (&'static str, &'static str)>,
    parse: impl Fn(&[u8]) -> Result<Vec<Input>, E>,
    request: impl Fn(&Action) -> Result<Option<serde_json::Value>, F>,
) -> Fallible<()> {
    let mut engine = Switchboard::new(Config::from_toml_str(config)?);
    let mut timer: Option<Timestamp> = None;
    let start = Timestamp::from_millis(1_795_428_000_000);
    for (n, (name, body)) in samples.into_iter().enumerate() {
        let now = start + Duration::from_secs(n as u64);
        while let Some(at) = timer.filter(|at| *at <= now) {
            engine.handle_timeout(at);
            timer = drain(&mut engine, &request)?;
        }
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
            timer = drain(&mut engine, &request)?;
        }
    }
    Ok(())
}

/// Prints the actions (and ignored retries) waiting in `engine`, then
/// returns when it next wants to be woken.
fn drain<F: Display>(
    engine: &mut Switchboard,
    request: impl Fn(&Action) -> Result<Option<serde_json::Value>, F>,
) -> Fallible<Option<Timestamp>> {
    while let Some(output) = engine.poll_output() {
        match &output {
            Output::Action(line) => {
                println!("{}", serde_json::to_string(line)?);
                match request(&line.action) {
                    Ok(Some(body)) => println!("{}", serde_json::json!({ "request": body })),
                    Ok(None) => {}
                    Err(e) => println!("{}", serde_json::json!({ "unsendable": e.to_string() })),
                }
            }
            Output::Event(event) if matches!(event.kind, EventKind::Duplicate { .. }) => {
                println!("{}", serde_json::to_string(event)?);
            }
            _ => {}
        }
    }
    Ok(engine.poll_timeout())
}
