//! Reads an event log, counts the conversations started per interval,
//! and forecasts the coming days: the hold-out WAPE of every model tried
//! (the naive "same interval last week" among them), the model chosen,
//! and each day's forecast volume with its busiest interval.
//!
//! ```text
//! cargo run --release --example traffic -- --days 28 > events.jsonl
//! cargo run --release --example forecast -- events.jsonl --tz Europe/Berlin
//! cargo run --release --example forecast -- events.jsonl --tz Europe/Berlin --days 14 --json
//! ```
//!
//! The log is the JSON lines `replay` and `traffic` print (action and
//! error lines are skipped), or bare events; `-` reads standard input.
//! Options: `--days N` (the rest of the day the log ends in, then N
//! days; default 7), `--interval 15|30|60` (minutes, default 30), `--tz
//! ZONE` (IANA name, default UTC), `--holdout DAYS` (default 7), `--json`
//! (the whole forecast as JSON: every interval, every candidate).
//!
//! With `--aht SECONDS` (and `--target PERCENT/SECONDS`, default 80/20;
//! `--shrinkage F`, default 0; `--share F`, the share of conversations
//! that reach an agent rather than end with the bot, default 1) it staffs
//! the forecast: the agents Erlang C says each interval's volume needs, shown per day at its busiest
//! interval; with `--json` the object gains `staffing`, one entry per
//! interval (`start`, `local`, `volume`, `agents`, `positions`,
//! `service_level`, `occupancy`).
//!
//! Choosing a model needs the hold-out plus a week of history: 14 days
//! by default.

#[path = "support/lines.rs"]
mod lines;

use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;

use std::time::Duration;
use switchboard::metrics::{Interval, Metrics, Settings};

use switchboard::plan::erlang::Load;
use switchboard::plan::forecast::{Forecast, Forecaster, History, Horizon};
use switchboard::plan::staffing::{Staffed, Staffing};

/// The command line, read.
#[derive(Debug)]
struct Args {
    path: String,
    days: u32,
    settings: Settings,
    holdout: u32,
    json: bool,
    /// Staffing: the handle time, the rules, and the share of
    /// conversations that reach an agent.
    staffing: Option<(Duration, Staffing, f64)>,
}

const USAGE: &str = "usage: forecast EVENTS.jsonl|- [--days N] [--interval 15|30|60] [--tz ZONE] \
                     [--holdout DAYS] [--aht SECONDS [--target 80/20] [--shrinkage F] [--share F]] [--json]";

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
    let mut metrics = Metrics::new(args.settings.clone());
    metrics
        .observe_log(reader)
        .map_err(|e| lines::at_line(&args.path, e))?;
    let history = History::from_report(&metrics.report())?;
    let forecast = Forecaster::new()
        .with_holdout_days(args.holdout)
        .forecast(&history, Horizon::Days(args.days))?;
    let staffed = match &args.staffing {
        Some((aht, staffing, share)) => Some(staff(&forecast, *aht, staffing, *share)?),
        None => None,
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let mut json = serde_json::to_value(&forecast)?;
        if let (Some(staffed), Some(map)) = (&staffed, json.as_object_mut()) {
            let rows: Vec<serde_json::Value> = forecast
                .intervals
                .iter()
                .zip(staffed)
                .map(|(i, s)| {
                    serde_json::json!({
                        "start": i.start,
                        "local": i.local,
                        "volume": i.volume,
                        "agents": s.agents,
                        "positions": s.positions,
                        "service_level": s.service_level,
                        "occupancy": s.occupancy,
                    })
                })
                .collect();
            map.insert("staffing".into(), rows.into());
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        write_text(&history, &forecast, &mut out)?;
        if let Some(staffed) = &staffed {
            write_staffing(&forecast, staffed, &mut out)?;
        }
    }
    Ok(())
}

/// Erlang C staffing for each forecast interval.
fn staff(
    f: &Forecast,
    aht: Duration,
    staffing: &Staffing,
    share: f64,
) -> Result<Vec<Staffed>, Box<dyn Error>> {
    let interval = Duration::from_secs(u64::from(f.interval_minutes) * 60);
    let loads = f
        .intervals
        .iter()
        .map(|i| Load::per_interval(i.volume * share, interval, aht))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(staffing.solve_intervals(&loads)?)
}

/// Each day's most agents needed, and when.
fn write_staffing(f: &Forecast, staffed: &[Staffed], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "\nAgents needed (Erlang C), each day at its busiest:")?;
    writeln!(out, "  date        agents  positions  at")?;
    let mut days: Vec<(&str, &Staffed, &str)> = Vec::new();
    for (i, s) in f.intervals.iter().zip(staffed) {
        let date = i.local.get(..10).unwrap_or("");
        match days.last_mut() {
            Some(d) if d.0 == date => {
                if s.agents > d.1.agents {
                    *d = (date, s, &i.local);
                }
            }
            _ => days.push((date, s, &i.local)),
        }
    }
    for (date, s, at) in days {
        let time = at.get(11..16).unwrap_or("");
        writeln!(out, "  {date}  {:6}  {:9}  {time}", s.agents, s.positions)?;
    }
    Ok(())
}

/// The hold-out table and the days, as text.
fn write_text(history: &History, f: &Forecast, out: &mut impl Write) -> io::Result<()> {
    let total: f64 = history.values().iter().sum();
    let days = history.values().len() as f64 * f64::from(f.interval_minutes) / 1440.0;
    writeln!(
        out,
        "History: {} intervals of {} minutes ({days:.1} days, {}), {total:.0} conversations.",
        history.values().len(),
        f.interval_minutes,
        f.time_zone,
    )?;
    if let Some(h) = &f.holdout {
        writeln!(
            out,
            "Held out: the last {} intervals, {:.0} conversations. WAPE of each model there:",
            h.intervals, h.actual
        )?;
    }
    for c in &f.candidates {
        let wape = c
            .wape
            .map_or("   -   ".to_owned(), |w| format!("{:6.2} %", w * 100.0));
        let mark = if c.model == f.model {
            "  <- chosen"
        } else {
            ""
        };
        writeln!(out, "  {wape}  {}{mark}", c.model)?;
    }
    writeln!(out, "\nForecast with {}:", f.model)?;
    writeln!(out, "  date        day    volume   busiest interval")?;
    for d in &f.days {
        let time = d.peak.local.get(11..16).unwrap_or("");
        writeln!(
            out,
            "  {}  {}  {:8.1}   {} ({:.1})",
            d.date, d.weekday, d.volume, time, d.peak.volume
        )?;
    }
    let sum: f64 = f.days.iter().map(|d| d.volume).sum();
    writeln!(out, "  total            {sum:8.1}")
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        path: String::new(),
        days: 7,
        settings: Settings::new(),
        holdout: 7,
        json: false,
        staffing: None,
    };
    let (mut aht, mut target, mut shrinkage, mut share) = (None, "80/20".to_owned(), 0.0, 1.0);
    let mut path = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut number = |name: &str, max: u32| -> Result<u32, String> {
            let v = it.next().ok_or(format!("{name} needs a number"))?;
            v.parse()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or(format!("{name} needs a number from 1 to {max}, not {v:?}"))
        };
        match a.as_str() {
            "--days" => parsed.days = number("--days", 92)?,
            "--holdout" => parsed.holdout = number("--holdout", 28)?,
            "--json" => parsed.json = true,
            "--aht" => aht = Some(number("--aht", 86_400)?),
            "--target" => target = it.next().ok_or("--target needs PERCENT/SECONDS")?.clone(),
            "--shrinkage" => {
                let v = it.next().ok_or("--shrinkage needs a share such as 0.3")?;
                shrinkage = v
                    .parse()
                    .map_err(|_| format!("--shrinkage needs a share such as 0.3, not {v:?}"))?;
            }
            "--share" => {
                let v = it.next().ok_or("--share needs a share such as 0.6")?;
                share = v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| (0.0..=1.0).contains(s))
                    .ok_or(format!("--share needs a share from 0 to 1, not {v:?}"))?;
            }
            "--interval" => {
                let m = number("--interval", 60)?;
                let interval = Interval::from_minutes(m).map_err(|e| e.to_string())?;
                parsed.settings = parsed.settings.with_interval(interval);
            }
            "--tz" => {
                let z = it
                    .next()
                    .ok_or("--tz needs a time zone such as Europe/Berlin")?;
                parsed.settings = parsed
                    .settings
                    .clone()
                    .with_time_zone(z)
                    .map_err(|e| e.to_string())?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            p if path.is_none() => path = Some(p.to_owned()),
            p => return Err(format!("one event log only, not also {p:?}")),
        }
    }
    parsed.path = path.ok_or(USAGE)?;
    if let Some(aht) = aht {
        let staffing = Staffing::new(target.parse().map_err(|e| format!("--target: {e}"))?)
            .with_shrinkage(shrinkage)
            .map_err(|e| format!("--shrinkage: {e}"))?;
        parsed.staffing = Some((Duration::from_secs(u64::from(aht)), staffing, share));
    }
    Ok(parsed)
}

#[cfg(test)]
#[path = "support/traffic.rs"]
mod traffic;

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_are_read_and_checked() {
        let a = parse_args(&args(
            "log.jsonl --days 14 --interval 15 --tz Europe/Berlin --json",
        ))
        .unwrap();
        assert_eq!((a.path.as_str(), a.days, a.json), ("log.jsonl", 14, true));
        assert_eq!(a.settings.interval(), Interval::Minutes15);
        assert_eq!(a.settings.time_zone(), "Europe/Berlin");
        assert_eq!(parse_args(&args("-")).unwrap().days, 7);
        for bad in [
            "",
            "log --days 0",
            "log --days 93",
            "log --interval 20",
            "log --tz Nowhere/Land",
            "log --holdout",
            "log --weeks 2",
            "a b",
            "log --aht 0",
            "log --aht 300 --target 120/20",
            "log --aht 300 --shrinkage 1.5",
            "log --aht 300 --share 2",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad}");
        }
    }

    /// Fifteen days of the synthetic shop's traffic, through the
    /// aggregator, to a forecast of the next days.
    #[test]
    fn a_log_of_synthetic_traffic_is_forecast() {
        let t = traffic::Traffic::new(5, 15, 300);
        let settings = Settings::new().with_time_zone("Europe/Berlin").unwrap();
        let mut metrics = Metrics::new(settings);
        for e in traffic::generate(&t) {
            metrics.observe(&e).unwrap();
        }
        let history = History::from_report(&metrics.report()).unwrap();
        let f = Forecaster::new()
            .forecast(&history, Horizon::Days(7))
            .unwrap();
        assert!(f.days.len() >= 7);
        assert!(f.naive_wape.is_some());
        // Sunday is quiet in the shop; Monday is not.
        let monday = f.days.iter().find(|d| d.weekday == "Mon").unwrap();
        assert!(monday.volume > 100.0, "{monday:?}");
        let mut text = Vec::new();
        write_text(&history, &f, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("(naive)"), "{text}");
        assert!(text.contains("<- chosen"), "{text}");
        assert!(text.contains(&monday.date), "{text}");
        let json: Forecast = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(json, f);

        // Staffed: more agents where more conversations are forecast, and
        // positions cover shrinkage.
        let a = parse_args(&args("log --aht 300 --target 80/20 --shrinkage 0.25")).unwrap();
        let (aht, staffing, share) = a.staffing.unwrap();
        let staffed = staff(&f, aht, &staffing, share).unwrap();
        assert_eq!(staffed.len(), f.intervals.len());
        let (busiest, quietest) = (
            f.intervals
                .iter()
                .zip(&staffed)
                .max_by(|a, b| a.0.volume.total_cmp(&b.0.volume))
                .unwrap(),
            f.intervals
                .iter()
                .zip(&staffed)
                .min_by(|a, b| a.0.volume.total_cmp(&b.0.volume))
                .unwrap(),
        );
        assert!(busiest.1.agents > quietest.1.agents);
        assert!(
            staffed
                .iter()
                .all(|s| s.positions as f64 >= s.agents as f64 / 0.75 - 1e-9)
        );
        let half = staff(&f, aht, &staffing, 0.5).unwrap();
        assert!(half.iter().zip(&staffed).all(|(h, s)| h.agents <= s.agents));
        let mut text = Vec::new();
        write_staffing(&f, &staffed, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains(&monday.date), "{text}");
    }
}
