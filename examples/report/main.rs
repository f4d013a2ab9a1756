//! Reads an event log and writes the KPI report: one self-contained HTML
//! page with SVG charts (the default), the summary as JSON (`--json`), or
//! one CSV row per conversation (`--csv`).
//!
//! ```text
//! cargo run --example replay -- examples/data/replay.toml examples/data/replay.jsonl > events.jsonl
//! cargo run --example report -- events.jsonl > report.html
//! cargo run --example report -- events.jsonl --json
//! cargo run --example report -- events.jsonl --csv > conversations.csv
//! ```
//!
//! The log is the JSON lines `replay` prints (its action and error lines
//! are skipped), the lines the `durable` example writes with `--events`,
//! or bare events, one per line; `-` reads standard input.
//!
//! Options: `--tz ZONE` (IANA name, default UTC), `--interval 15|30|60`
//! (minutes, default 30), `--sl SECONDS` (service-level threshold,
//! default 20), `--short-abandon SECONDS` (default 5; 0 counts every
//! abandon), `--abandons-met` (Amazon Connect's variant),
//! `--after-hours-waits` (time in a closed queue counts as waiting), `--fcr-days N`
//! (default 7), `--config FILE` (takes each queue's wrap-up from the
//! engine configuration), `--tolerance SECONDS` (events out of order
//! accepted, default 0), `--sl-target PERCENT` (the page's service-level
//! target line, default 80).
//!
//! The page lists the 2,000 most recent conversations
//! ([`html::MAX_CONVERSATIONS`]); `--csv` writes them all.
//!
//! A line that is not an event, or comes out of order beyond the
//! tolerance, stops the report with `FILE:LINE: why`.

#[path = "../support/lines.rs"]
mod lines;

mod csv;
mod html;
mod svg;
mod tables;
#[cfg(test)]
mod tests;
mod text;

use std::error::Error;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

use switchboard::config::Config;
use switchboard::metrics::{Interval, Metrics, MetricsError, Settings};

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Html,
    Json,
    Csv,
}

/// The command line, read.
#[derive(Debug)]
struct Args {
    path: String,
    format: Format,
    settings: Settings,
    page: html::Options,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), Box<dyn Error>> {
    let args = parse_args(&args)?;
    let reader = lines::open(&args.path)?;
    let keep_rows = args.format != Format::Json;
    let metrics = aggregate(reader, args.settings.with_conversation_rows(keep_rows))
        .map_err(|e| lines::at_line(&args.path, e))?;
    let report = metrics.report();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report.summary)?)?,
        Format::Csv => csv::write(&report, &mut out)?,
        Format::Html => out.write_all(html::page(&report, &args.page).as_bytes())?,
    }
    Ok(())
}

/// Counts every event of `reader`.
fn aggregate(reader: impl BufRead, settings: Settings) -> Result<Metrics, MetricsError> {
    let mut m = Metrics::new(settings);
    m.observe_log(reader)?;
    Ok(m)
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut settings = Settings::new();
    let mut format = Format::Html;
    let mut page = html::Options::default();
    let mut path = None;
    let mut it = args.iter();
    let number = |name: &str, unit: &str, v: Option<&String>| -> Result<f64, String> {
        let v = v.ok_or(format!("{name} needs a number of {unit}"))?;
        v.parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s < 1e9)
            .ok_or(format!("{name} needs a number of {unit}, not {v:?}"))
    };
    let secs = |name: &str, v: Option<&String>| -> Result<Duration, String> {
        number(name, "seconds", v).map(Duration::from_secs_f64)
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => format = Format::Json,
            "--csv" => format = Format::Csv,
            "--html" => format = Format::Html,
            "--tz" => {
                let z = it
                    .next()
                    .ok_or("--tz needs a time zone such as Europe/Berlin")?;
                settings = settings.with_time_zone(z).map_err(|e| e.to_string())?;
            }
            "--interval" => {
                let m = it.next().ok_or("--interval needs 15, 30 or 60")?;
                let m: u32 = m
                    .parse()
                    .map_err(|_| format!("--interval needs 15, 30 or 60, not {m:?}"))?;
                settings =
                    settings.with_interval(Interval::from_minutes(m).map_err(|e| e.to_string())?);
            }
            "--sl" => settings = settings.with_service_level(secs("--sl", it.next())?),
            "--short-abandon" => {
                let d = secs("--short-abandon", it.next())?;
                settings = settings.with_short_abandon((!d.is_zero()).then_some(d));
            }
            "--abandons-met" => settings = settings.with_abandons_within_threshold_met(true),
            "--after-hours-waits" => settings = settings.with_after_hours_waits(true),
            "--fcr-days" => {
                let days = number("--fcr-days", "days", it.next())?;
                settings = settings.with_fcr_window(Duration::from_secs_f64(days * 86_400.0));
            }
            "--sl-target" => {
                let v = it.next().ok_or("--sl-target needs a percentage")?;
                page.sl_target = v
                    .parse()
                    .ok()
                    .filter(|p: &f64| (0.0..=100.0).contains(p))
                    .ok_or(format!(
                        "--sl-target needs a percentage from 0 to 100, not {v:?}"
                    ))?;
            }
            "--tolerance" => settings = settings.with_tolerance(secs("--tolerance", it.next())?),
            "--config" => {
                let p = it.next().ok_or("--config needs a configuration file")?;
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"))?;
                let config = if p.ends_with(".json") {
                    Config::from_json_str(&text)
                } else {
                    Config::from_toml_str(&text)
                }
                .map_err(|e| format!("{p}:\n{e}"))?;
                settings = settings.with_wrap_up_from(&config);
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            p if path.is_none() => path = Some(p.to_owned()),
            p => return Err(format!("one event log only, not also {p:?}")),
        }
    }
    let path = path.ok_or(
        "usage: report EVENTS.jsonl|- [--json|--csv] [--tz ZONE] [--interval 15|30|60] [--sl S] \
         [--short-abandon S] [--abandons-met] [--after-hours-waits] [--fcr-days N] [--config FILE] \
         [--tolerance S] [--sl-target PERCENT]",
    )?;
    Ok(Args {
        path,
        format,
        settings,
        page,
    })
}
