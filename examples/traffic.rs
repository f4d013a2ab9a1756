//! Prints a stream of synthetic contact-centre traffic: a seeded
//! simulation of customers, a FAQ bot and a team of agents driving the
//! real engine, as the event log `examples/replay` prints — one line per
//! event, `{"event": {...}}`.
//!
//! ```text
//! cargo run --release --example traffic -- [--days N] [--per-day N] [--seed S] [--agents N]
//! ```
//!
//! By default a week (from Monday 2026-11-02, Berlin time) of about 2,000
//! conversations a day from seed 1. The same options always print the same
//! lines. A summary (events, inputs, arrivals) goes to standard error.
//!
//! The traffic (see `examples/support/traffic.rs`): queues `support`,
//! `billing` and `sales` open Monday to Friday 08:00–20:00 and Saturday
//! 10:00–16:00 in Europe/Berlin; arrivals that follow the clock (quiet
//! nights and Sunday, peaks late in the morning and early in the
//! afternoon) on web chat, WhatsApp, e-mail, Messenger and SMS, a fifth of
//! them contacts who wrote in the last seven days; a FAQ bot that resolves
//! about 40 % and hands off the rest (asked for a person, low confidence,
//! its own handoff, fallbacks, complaints), refunds and quotes routed by
//! rule straight to a queue; agents on shifts who accept, decline or miss
//! offers, answer, transfer and close; customers who give up waiting,
//! write again after a close, and score the service.

#[path = "support/traffic.rs"]
mod traffic;

use std::error::Error;
use std::io::{self, BufWriter, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::Instant;

use switchboard::engine::Output;
use traffic::{Summary, Traffic};

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
    let traffic = parse(&args)?;
    let started = Instant::now();
    let summary = match write_events(&traffic, &mut BufWriter::new(io::stdout().lock())) {
        // Stopped reading (`| head`): not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        other => other?,
    };
    eprintln!(
        "{} events from {} conversations begun ({} by returning contacts), {} inputs ({} refused), in {:.2?}",
        summary.events,
        summary.arrivals,
        summary.returning,
        summary.inputs,
        summary.refused,
        started.elapsed(),
    );
    for why in &summary.refusals {
        eprintln!("refused {why}");
    }
    Ok(())
}

/// Writes the events of `traffic` to `out`, one `{"event": {...}}` line
/// each, as `examples/replay` prints them; stops at the first write that
/// fails.
fn write_events(traffic: &Traffic, out: &mut impl Write) -> io::Result<Summary> {
    let mut failed = None;
    let summary = traffic::generate_with(traffic, |event| {
        let line = serde_json::to_string(&Output::Event(event)).map_err(io::Error::from);
        match line.and_then(|l| writeln!(out, "{l}")) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    match failed {
        Some(e) => Err(e),
        None => out.flush().map(|()| summary),
    }
}

/// The traffic the options ask for.
fn parse(args: &[String]) -> Result<Traffic, String> {
    let mut traffic = Traffic::default();
    let mut agents = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut number = |min: u64, max: u64| -> Result<u64, String> {
            let v = it.next().ok_or_else(|| format!("{flag} needs a number"))?;
            match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(format!(
                    "{flag} needs a number from {min} to {max}, not {v:?}"
                )),
            }
        };
        match flag.as_str() {
            "--days" => traffic.days = number(0, 366)? as u32,
            "--per-day" => traffic.per_day = number(0, 1_000_000)? as u32,
            "--seed" => traffic.seed = number(0, u64::MAX)?,
            "--agents" => agents = Some(number(1, 10)? as u32),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    // As many agents as the load needs, unless told.
    traffic.agents =
        agents.unwrap_or(Traffic::new(traffic.seed, traffic.days, traffic.per_day).agents);
    Ok(traffic)
}

const USAGE: &str = "usage: traffic [--days N] [--per-day N] [--seed S] [--agents 1-10]";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_set_the_size_and_the_seed() {
        assert_eq!(parse(&[]), Ok(Traffic::default()));
        let t = parse(&args("--days 2 --per-day 300 --seed 9")).unwrap();
        assert_eq!((t.days, t.per_day, t.seed, t.agents), (2, 300, 9, 5));
        assert_eq!(parse(&args("--agents 7")).unwrap().agents, 7);
        assert!(parse(&args("--agents 0")).is_err());
        assert!(parse(&args("--days")).is_err());
        assert!(parse(&args("--days two")).is_err());
        assert!(parse(&args("--weeks 2")).is_err());
    }

    #[test]
    fn each_line_is_an_event_as_replay_prints_it() {
        let traffic = Traffic::new(3, 1, 100);
        let mut out = Vec::new();
        let summary = write_events(&traffic, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count() as u64, summary.events);
        let events = traffic::generate(&traffic);
        for (line, event) in text.lines().zip(events) {
            assert!(line.starts_with(r#"{"event":{"at":"#), "{line}");
            let output: Output = serde_json::from_str(line).unwrap();
            assert_eq!(output, Output::Event(event));
        }
    }
}
