//! The same traffic through two configurations (or two staffing plans),
//! side by side.
//!
//! ```text
//! cargo run --release --example whatif -- examples/data/plan/shop.toml \
//!     examples/data/plan/shop-overflow.toml --scenario examples/data/plan/shop-scenario.toml
//! ```
//!
//! Options: `--scenario-b FILE` runs the second configuration with another
//! scenario (two staffing plans: the same arrivals with other agents),
//! `--seed N` (default 1), `--json` (both sides as one object `{"a": …,
//! "b": …}`).
//!
//! Both sides meet the same customers: the same arrival instants, the same
//! patience and the same handle-time draws (common random numbers), so a
//! difference between the columns is the configuration's. Per queue it
//! shows the load each side offered and the agents Erlang C says that
//! load needs for 80 % within the service-level threshold.

#[path = "support/plan_files.rs"]
mod plan_files;

use std::error::Error;
use std::process::ExitCode;

use switchboard::plan::sim::{Comparison, compare};

const USAGE: &str = "usage: whatif A.toml B.toml --scenario SCENARIO.toml [--scenario-b SCENARIO.toml] [--seed N] [--json]";

#[derive(Debug, PartialEq)]
struct Args {
    a: String,
    b: String,
    scenario: String,
    scenario_b: Option<String>,
    seed: u64,
    json: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut files, mut scenario, mut scenario_b, mut seed, mut json) =
        (Vec::new(), None, None, 1, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--scenario" => scenario = Some(value()?.clone()),
            "--scenario-b" => scenario_b = Some(value()?.clone()),
            "--seed" => {
                let v = value()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed needs a whole number, not {v:?}"))?;
            }
            "--json" => json = true,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag:?}\n{USAGE}"));
            }
            file => files.push(file.to_owned()),
        }
    }
    let (Some(scenario), [a, b]) = (scenario, &files[..]) else {
        return Err(format!(
            "two configurations and --scenario are needed\n{USAGE}"
        ));
    };
    Ok(Args {
        a: a.clone(),
        b: b.clone(),
        scenario,
        scenario_b,
        seed,
        json,
    })
}

fn main() -> ExitCode {
    plan_files::main(parse, run)
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let a = plan_files::config(&args.a)?;
    let b = plan_files::config(&args.b)?;
    let scenario = plan_files::scenario(&args.scenario)?;
    let scenario_b = match &args.scenario_b {
        Some(path) => plan_files::scenario(path)?,
        None => scenario.clone(),
    };
    let comparison = compare((&a, &scenario), (&b, &scenario_b), args.seed)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
    } else {
        print!("{}", table(&comparison, &args.a, &args.b));
    }
    Ok(())
}

/// The comparison as a text table, the columns headed by the files' names.
fn table(c: &Comparison, a: &str, b: &str) -> String {
    let name = |p: &str| {
        std::path::Path::new(p)
            .file_name()
            .map_or_else(|| p.to_owned(), |n| n.to_string_lossy().into_owned())
    };
    let rows = c.rows();
    let width = rows
        .iter()
        .map(|r| r[0].chars().count())
        .max()
        .unwrap_or(10);
    let (na, nb) = (name(a), name(b));
    let col = rows
        .iter()
        .flat_map(|r| [r[1].chars().count(), r[2].chars().count()])
        .chain([na.chars().count(), nb.chars().count()])
        .max()
        .unwrap_or(10);
    let mut s = format!("{:<width$}  {na:>col$}  {nb:>col$}\n", "");
    for [label, x, y] in rows {
        s.push_str(&format!("{label:<width$}  {x:>col$}  {y:>col$}\n"));
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
    fn reads_two_configurations_and_a_scenario() {
        let a = parse(&args("a.toml b.toml --scenario s.toml --seed 7 --json")).unwrap();
        assert_eq!(
            a,
            Args {
                a: "a.toml".into(),
                b: "b.toml".into(),
                scenario: "s.toml".into(),
                scenario_b: None,
                seed: 7,
                json: true
            }
        );
    }

    #[test]
    fn refuses_one_configuration_or_no_scenario() {
        assert!(parse(&args("a.toml --scenario s.toml")).is_err());
        assert!(parse(&args("a.toml b.toml")).is_err());
        assert!(parse(&args("a.toml b.toml --scenario")).is_err());
        assert!(parse(&args("a.toml b.toml --scenario s.toml --seed x")).is_err());
    }
}
