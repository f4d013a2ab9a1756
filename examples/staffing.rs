//! How many agents a queue needs for a service-level target, and what that
//! many achieve.
//!
//! ```text
//! cargo run --release --example staffing -- --per-hour 200 --aht 180 --target 80/20
//! cargo run --release --example staffing -- --per-hour 200 --aht 180 --target 80/20 \
//!     --shrinkage 0.3 --max-occupancy 0.85 --patience 120 --json
//! ```
//!
//! * `--per-hour N` — arrivals an hour.
//! * `--aht SECONDS` — average handle time, wrap-up included.
//! * `--target PERCENT/SECONDS` — `80/20` is 80 % answered within 20 s.
//! * `--shrinkage F` — share of paid time off the queue (0.3): positions
//!   are `⌈agents / (1 − F)⌉`.
//! * `--max-occupancy F` — the busiest the agents may be (0.85).
//! * `--patience SECONDS` — mean patience before giving up: Erlang A
//!   instead of Erlang C, and the probability of abandoning is reported.
//! * `--concurrency K [--slowdown F]` — chat agents handling K
//!   conversations at once, each F times slower (default 1).
//! * `--json` — one JSON object with `agents`, `positions`,
//!   `service_level`, `p_wait`, `asa_s`, `occupancy` and `p_abandon`
//!   (0 without `--patience`: Erlang C assumes nobody gives up).
//!
//! Bad usage exits with code 2, a target that cannot be met with 1
//! exit code 1.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use switchboard::plan::erlang::Load;
use switchboard::plan::staffing::{Limit, ServiceTarget, Staffed, Staffing};

const USAGE: &str = "usage: staffing --per-hour N --aht SECONDS --target PERCENT/SECONDS \
                     [--shrinkage F] [--max-occupancy F] [--patience SECONDS] \
                     [--concurrency K [--slowdown F]] [--json]";

/// The command line, read and checked.
#[derive(Debug)]
struct Args {
    load: Load,
    plan: Staffing,
    shrinkage: f64,
    patience: bool,
    json: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (code, out, err) = cli(&args);
    print!("{out}");
    eprint!("{err}");
    ExitCode::from(code)
}

/// Runs the command: (exit code, standard output, standard error).
fn cli(args: &[String]) -> (u8, String, String) {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return (0, format!("{USAGE}\n"), String::new());
    }
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => return (2, String::new(), format!("error: {e}\n{USAGE}\n")),
    };
    match args.plan.solve(&args.load) {
        Ok(s) if args.json => (0, format!("{}\n", json(&s)), String::new()),
        Ok(s) => (0, text(&args, &s), String::new()),
        Err(e) => (1, String::new(), format!("error: {e}\n")),
    }
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter();
    let (mut per_hour, mut aht, mut target) = (None, None, None);
    let (mut shrinkage, mut max_occupancy, mut patience) = (0.0, None, None);
    let (mut concurrency, mut slowdown, mut json) = (None, 1.0, false);
    let number = |name: &str, what: &str, v: Option<&String>| -> Result<f64, String> {
        let v = v.ok_or(format!("{name} needs {what}"))?;
        v.parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or(format!("{name} needs {what}, not {v:?}"))
    };
    let duration = |name: &str, v: Option<&String>| -> Result<Duration, String> {
        let s = number(name, "a number of seconds", v)?;
        Duration::try_from_secs_f64(s)
            .map_err(|_| format!("{name} needs a number of seconds, 0 or more, not {s}"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--per-hour" => per_hour = Some(number(a, "a number of arrivals an hour", it.next())?),
            "--aht" => aht = Some(duration(a, it.next())?),
            "--target" => {
                let t = it
                    .next()
                    .ok_or("--target needs PERCENT/SECONDS, such as 80/20")?;
                target = Some(t.parse::<ServiceTarget>().map_err(|e| e.to_string())?);
            }
            "--shrinkage" => shrinkage = number(a, "a share such as 0.3", it.next())?,
            "--max-occupancy" => {
                max_occupancy = Some(number(a, "a share such as 0.85", it.next())?);
            }
            "--patience" => patience = Some(duration(a, it.next())?),
            "--concurrency" => {
                let k = it
                    .next()
                    .ok_or("--concurrency needs a whole number such as 3")?;
                concurrency = Some(k.parse::<u32>().map_err(|_| {
                    format!("--concurrency needs a whole number such as 3, not {k:?}")
                })?);
            }
            "--slowdown" => slowdown = number(a, "a factor such as 1.3", it.next())?,
            "--json" => json = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let per_hour = per_hour.ok_or("--per-hour is required")?;
    let aht = aht.ok_or("--aht is required")?;
    let target = target.ok_or("--target is required")?;
    let load = Load::new(per_hour, aht).map_err(|e| e.to_string())?;
    let mut plan = Staffing::new(target)
        .with_shrinkage(shrinkage)
        .map_err(|e| e.to_string())?;
    if let Some(max) = max_occupancy {
        plan = plan.with_max_occupancy(max).map_err(|e| e.to_string())?;
    }
    if let Some(p) = patience {
        plan = plan.with_patience(p);
    }
    if concurrency.is_some() || slowdown != 1.0 {
        plan = plan
            .with_concurrency(concurrency.unwrap_or(1), slowdown)
            .map_err(|e| e.to_string())?;
    }
    Ok(Args {
        load,
        plan,
        shrinkage,
        patience: patience.is_some(),
        json,
    })
}

/// The one JSON object of `--json`.
fn json(s: &Staffed) -> serde_json::Value {
    serde_json::json!({
        "agents": s.agents,
        "positions": s.positions,
        "service_level": s.service_level,
        "p_wait": s.p_wait,
        "asa_s": s.asa,
        "occupancy": s.occupancy,
        "p_abandon": s.p_abandon,
    })
}

/// The human-readable report.
fn text(args: &Args, s: &Staffed) -> String {
    let target = args.plan.target();
    let pct = |x: f64| format!("{:.1} %", x * 100.0);
    let mut out = String::new();
    let _ = writeln!(out, "agents needed:            {}", s.agents);
    if args.shrinkage > 0.0 {
        let _ = writeln!(
            out,
            "positions to schedule:    {} (shrinkage {})",
            s.positions,
            pct(args.shrinkage)
        );
    }
    if s.servers != s.agents {
        let _ = writeln!(out, "conversations at once:    {}", s.servers);
    }
    let _ = writeln!(
        out,
        "service level:            {} within {} s (target {})",
        pct(s.service_level),
        target.within().as_secs_f64(),
        pct(target.level())
    );
    let _ = writeln!(out, "probability of waiting:   {}", pct(s.p_wait));
    let _ = writeln!(out, "average speed of answer:  {:.1} s", s.asa);
    let _ = writeln!(out, "occupancy:                {}", pct(s.occupancy));
    if args.patience {
        let _ = writeln!(out, "probability of abandoning: {}", pct(s.p_abandon));
    }
    let why = match s.limited_by {
        Limit::Occupancy => "the occupancy cap",
        Limit::NoLoad => "no traffic",
        _ => "the service-level target",
    };
    let _ = writeln!(
        out,
        "load:                     {:.2} Erlangs ({} an hour, {} s each); set by {why}",
        s.erlangs,
        args.load.per_hour(),
        args.load.aht().as_secs_f64()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> (u8, String, String) {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        cli(&args)
    }

    #[test]
    fn prints_the_agents_and_what_they_achieve() {
        let (code, out, err) =
            run("--per-hour 200 --aht 180 --target 80/20 --shrinkage 0.3 --max-occupancy 0.85");
        assert_eq!((code, err.as_str()), (0, ""));
        assert!(out.contains("agents needed:            14\n"), "{out}");
        assert!(
            out.contains("positions to schedule:    20 (shrinkage 30.0 %)"),
            "{out}"
        );
        assert!(
            out.contains("service level:            88.8 % within 20 s (target 80.0 %)"),
            "{out}"
        );
        assert!(out.contains("probability of waiting:   17.4 %"), "{out}");
        assert!(out.contains("average speed of answer:  7.8 s"), "{out}");
        assert!(out.contains("occupancy:                71.4 %"), "{out}");
        assert!(!out.contains("abandoning"), "{out}");
    }

    #[test]
    fn json_is_one_object_with_the_documented_keys() {
        let (code, out, _) = run("--per-hour 200 --aht 180 --target 80/20 --shrinkage 0.3 --json");
        assert_eq!(code, 0);
        assert_eq!(out.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = [
            "agents",
            "positions",
            "service_level",
            "p_wait",
            "asa_s",
            "occupancy",
            "p_abandon",
        ];
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(
            (v["agents"].as_u64(), v["positions"].as_u64()),
            (Some(14), Some(20))
        );
        assert!((v["p_wait"].as_f64().unwrap() - 0.174_131_933_595).abs() < 1e-9);
        assert!((v["asa_s"].as_f64().unwrap() - 7.835_937_011_777).abs() < 1e-9);
        assert_eq!(v["p_abandon"].as_f64(), Some(0.0));
    }

    #[test]
    fn patience_reports_abandonment() {
        let (code, out, _) = run("--per-hour 200 --aht 180 --target 80/20 --patience 120");
        assert_eq!(code, 0);
        assert!(out.contains("probability of abandoning: "), "{out}");
        let (_, json_out, _) = run("--per-hour 200 --aht 180 --target 80/20 --patience 120 --json");
        let v: serde_json::Value = serde_json::from_str(&json_out).unwrap();
        let p = v["p_abandon"].as_f64().unwrap();
        assert!(p > 0.0 && p < 0.1, "{p}");
        assert!(v["agents"].as_u64().unwrap() <= 14);
    }

    #[test]
    fn chat_concurrency() {
        let (code, out, _) =
            run("--per-hour 90 --aht 600 --target 80/60 --concurrency 3 --slowdown 1.3");
        assert_eq!(code, 0);
        assert!(out.contains("conversations at once:"), "{out}");
        assert!(out.contains("19.50 Erlangs"), "{out}");
    }

    #[test]
    fn bad_usage_exits_2_with_a_reason() {
        for (line, why) in [
            ("", "--per-hour is required"),
            ("--per-hour 200 --aht 180", "--target is required"),
            ("--per-hour 200 --target 80/20", "--aht is required"),
            ("--per-hour -5 --aht 180 --target 80/20", "arrival rate"),
            (
                "--per-hour lots --aht 180 --target 80/20",
                "--per-hour needs a number",
            ),
            ("--per-hour 200 --aht 0 --target 80/20", "handle time"),
            (
                "--per-hour 200 --aht -3 --target 80/20",
                "--aht needs a number of seconds, 0 or more",
            ),
            ("--per-hour 200 --aht 180 --target 80", "PERCENT/SECONDS"),
            (
                "--per-hour 200 --aht 180 --target 100/20",
                "strictly between 0 and 1",
            ),
            ("--per-hour 200 --aht 180 --target 80/-1", "threshold"),
            (
                "--per-hour 200 --aht 180 --target 80/20 --shrinkage 1",
                "shrinkage",
            ),
            (
                "--per-hour 200 --aht 180 --target 80/20 --max-occupancy 1.2",
                "maximum occupancy",
            ),
            (
                "--per-hour 200 --aht 180 --target 80/20 --concurrency 0",
                "from 1 to",
            ),
            (
                "--per-hour 200 --aht 180 --target 80/20 --patience",
                "--patience needs",
            ),
            (
                "--per-hour 200 --aht 180 --target 80/20 --verbose",
                "unknown argument",
            ),
        ] {
            let (code, out, err) = run(line);
            assert_eq!(code, 2, "{line}: {err}");
            assert!(out.is_empty(), "{line}");
            assert!(err.contains(why), "{line}: {err}");
            assert!(err.contains("usage: staffing"), "{line}: {err}");
        }
    }

    #[test]
    fn an_unreachable_target_exits_1() {
        let (code, _, err) = run("--per-hour 100000000 --aht 60 --target 80/20");
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("needs more than 1000000 servers"), "{err}");
    }

    #[test]
    fn help() {
        let (code, out, _) = run("--help");
        assert_eq!(code, 0);
        assert!(out.starts_with("usage: staffing"));
    }
}
