//! Runs a what-if scenario through the real engine in virtual time and
//! prints the KPI summary.
//!
//! ```text
//! cargo run --release --example simulate -- --config examples/data/plan/shop.toml \
//!     --scenario examples/data/plan/shop-scenario.toml [--seed N] [--json]
//! ```
//!
//! The scenario (see `switchboard::plan::sim::Scenario`) gives the
//! duration and warm-up, the arrival streams, handle times, patience, the
//! bot's share of resolved conversations and the agents with their
//! shifts. With `--json` it prints one object: the KPI summary's fields
//! (as `cargo run --example report -- --json` prints them), plus
//! `customers`, `mean_wait_s`, `p_wait`, `abandoned_percent`,
//! `occupancy` and the rest of the simulation's own figures. Without, a
//! table: the headline figures, each queue with the agents Erlang C says
//! its load needs, each agent group's occupancy, and the busiest
//! intervals.

#[path = "support/plan_files.rs"]
mod plan_files;

use std::error::Error;
use std::process::ExitCode;

use switchboard::plan::sim::{Outcome, simulate};

const USAGE: &str =
    "usage: simulate --config CONFIG.toml --scenario SCENARIO.toml [--seed N] [--json]";

/// The command line, read.
#[derive(Debug, PartialEq)]
struct Args {
    config: String,
    scenario: String,
    seed: u64,
    json: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut config, mut scenario, mut seed, mut json) = (None, None, 1, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--config" => config = Some(value()?.clone()),
            "--scenario" => scenario = Some(value()?.clone()),
            "--seed" => {
                let v = value()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed needs a whole number, not {v:?}"))?;
            }
            "--json" => json = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    match (config, scenario) {
        (Some(config), Some(scenario)) => Ok(Args {
            config,
            scenario,
            seed,
            json,
        }),
        _ => Err(format!("--config and --scenario are both needed\n{USAGE}")),
    }
}

fn main() -> ExitCode {
    plan_files::main(parse, run)
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let config = plan_files::config(&args.config)?;
    let scenario = plan_files::scenario(&args.scenario)?;
    let outcome = simulate(&config, &scenario, args.seed)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcome.to_json())?);
    } else {
        print!("{}", table(&outcome));
    }
    Ok(())
}

fn opt(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.1}{unit}"))
}

/// The outcome as text.
fn table(o: &Outcome) -> String {
    use std::fmt::Write;
    let f = &o.figures;
    let t = &o.report.summary.totals;
    let mut s = String::new();
    let _ = writeln!(s, "customers          {}", f.customers);
    let _ = writeln!(s, "queued             {}", f.queued);
    let _ = writeln!(s, "answered           {}", f.answered);
    let _ = writeln!(
        s,
        "abandoned          {} ({})",
        f.abandoned,
        opt(f.abandoned_percent, " %")
    );
    let _ = writeln!(
        s,
        "service level      {}",
        opt(f.service_level_percent, " %")
    );
    let _ = writeln!(s, "mean wait          {}", opt(f.mean_wait_s, " s"));
    let _ = writeln!(
        s,
        "waited at all      {}",
        opt(f.p_wait.map(|p| p * 100.0), " %")
    );
    let _ = writeln!(
        s,
        "occupancy          {}",
        opt(f.occupancy.map(|p| p * 100.0), " %")
    );
    let _ = writeln!(s, "bot containment    {}", opt(t.containment_percent, " %"));
    let _ = writeln!(s, "handle time        {}", opt(t.handle_time_s.mean, " s"));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<16} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "queue", "queued", "SL", "ASA", "abandon", "load", "needed"
    );
    for (q, qf) in &o.queues {
        let _ = writeln!(
            s,
            "{:<16} {:>7} {:>9} {:>9} {:>9} {:>7.2} E {:>7}",
            q,
            qf.queued,
            opt(qf.service_level_percent, " %"),
            opt(qf.asa_s, " s"),
            opt(qf.abandoned_percent, " %"),
            qf.offered_erlangs,
            qf.agents_needed
                .map_or_else(|| "–".into(), |n| n.to_string())
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<16} {:>7} {:>11} {:>11}",
        "agents", "count", "occupancy", "hours"
    );
    for (g, gf) in &o.groups {
        let _ = writeln!(
            s,
            "{:<16} {:>7} {:>11} {:>11.1}",
            g,
            gf.agents,
            opt(gf.occupancy.map(|p| p * 100.0), " %"),
            gf.signed_in_h
        );
    }
    let mut busiest: Vec<_> = o.report.intervals.iter().collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.figures.conversations));
    busiest.truncate(5);
    busiest.sort_by_key(|r| r.start);
    if !busiest.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{:<27} {:>7} {:>9} {:>9}",
            "busiest intervals", "started", "SL", "ASA"
        );
        for r in busiest {
            let _ = writeln!(
                s,
                "{:<27} {:>7} {:>9} {:>9}",
                r.local,
                r.figures.conversations,
                opt(r.figures.service_level.percent, " %"),
                opt(r.figures.asa_s, " s")
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn reads_the_command_line() {
        assert_eq!(
            parse(&args("--config c.toml --scenario s.toml --seed 3 --json")).unwrap(),
            Args {
                config: "c.toml".into(),
                scenario: "s.toml".into(),
                seed: 3,
                json: true
            }
        );
        assert_eq!(
            parse(&args("--scenario s.toml --config c.toml"))
                .unwrap()
                .seed,
            1
        );
        for bad in [
            "--config c.toml",
            "--config c.toml --scenario",
            "--config c.toml --scenario s.toml --seed -1",
            "--config c.toml --scenario s.toml --fast",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_shop_example_runs_and_its_table_names_every_queue_and_group() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/plan/");
        let config = plan_files::config(&format!("{dir}shop.toml")).unwrap();
        let scenario = plan_files::scenario(&format!("{dir}shop-scenario.toml")).unwrap();
        let outcome = simulate(&config, &scenario, 1).unwrap();
        let text = table(&outcome);
        for word in [
            "billing",
            "sales",
            "support",
            "early",
            "late",
            "busiest intervals",
        ] {
            assert!(text.contains(word), "{word} missing:\n{text}");
        }
        let customers = format!("customers          {}", outcome.figures.customers);
        assert!(text.starts_with(&customers), "{text}");
    }

    #[test]
    fn a_missing_file_is_an_error_that_names_it() {
        let e = plan_files::scenario("no/such/scenario.toml").unwrap_err();
        assert!(e.to_string().contains("no/such/scenario.toml"), "{e}");
    }
}
