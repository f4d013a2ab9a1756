//! The host loop the webhook adapter examples share: each recorded webhook
//! body is parsed by the adapter and its inputs fed to an engine, printing
//! the inputs, the engine's actions and the retries it ignored as JSON
//! lines (one clock second per sample). Each action is also handed to the
//! adapter's outbound half, and the vendor request it would make (or the
//! typed error saying why it cannot) is printed after it.
//!
//! It drives the engine through the shared [`Host`], which fires the
//! timers that fell due between samples.

use std::fmt::Display;
use std::time::Duration;

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{Action, EventKind, Input, InputLine, Output, Switchboard};

use crate::host::{Act, Fallible, Host};

/// Runs `samples` (name, body) through `parse` into an engine for
/// `config`, printing what happens; `request` turns an action into the
/// vendor's request body (`None` for actions the adapter does not send).
pub(crate) fn run<E: Display, F: Display>(
    config: &str,
    samples: impl IntoIterator<Item = (&'static str, &'static str)>,
    parse: impl Fn(&[u8]) -> Result<Vec<Input>, E>,
    request: impl Fn(&Action) -> Result<Option<serde_json::Value>, F>,
) -> Fallible<()> {
    let engine = Switchboard::new(Config::from_toml_str(config)?);
    // A second before the first sample, which is at 1_795_428_000_000.
    let start = Timestamp::from_millis(1_795_427_999_000);
    let mut host = Host::new(engine, start, Printer(request));
    for (name, body) in samples {
        host.wait(Duration::from_secs(1))?;
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
            let now = host.now;
            println!(
                "{}",
                serde_json::to_string(&InputLine::new(now, input.clone()))?
            );
            if let Err(e) = host.engine.handle(now, input) {
                println!(
                    "{}",
                    serde_json::json!({ "at": now, "refused": e.to_string() })
                );
            }
            host.drain()?;
        }
    }
    Ok(())
}

/// Prints each action with the vendor request it makes (by the function it
/// holds), and each retry the engine ignored.
struct Printer<R>(R);

impl<R, F> Act for Printer<R>
where
    R: Fn(&Action) -> Result<Option<serde_json::Value>, F>,
    F: Display,
{
    fn act(&mut self, output: Output) -> Fallible<Option<Input>> {
        match &output {
            Output::Action(line) => {
                println!("{}", serde_json::to_string(line)?);
                match (self.0)(&line.action) {
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
        Ok(None)
    }
}
