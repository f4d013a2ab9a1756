//! Reading a configuration and a simulation scenario from files, and the
//! command-line entry point, for the `simulate` and `whatif` examples.

#![allow(dead_code)]

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use switchboard::config::Config;
use switchboard::engine::InputLine;
use switchboard::plan::sim::Scenario;

/// Reads the command line with `parse` (a usage error exits with 2) and
/// runs `run` (a failure exits with 1), each error on standard error.
pub(crate) fn main<A>(
    parse: fn(&[String]) -> Result<A, String>,
    run: fn(&A) -> Result<(), Box<dyn Error>>,
) -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A configuration, TOML or (by its `.json` extension) JSON.
pub(crate) fn config(path: &str) -> Result<Config, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let config = if path.ends_with(".json") {
        Config::from_json_str(&text)
    } else {
        Config::from_toml_str(&text)
    };
    Ok(config.map_err(|e| format!("{path}:\n{e}"))?)
}

/// A scenario, with the input log its `replay` names read (a path
/// relative to the scenario's folder).
pub(crate) fn scenario(path: &str) -> Result<Scenario, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut scenario = Scenario::from_toml_str(&text).map_err(|e| format!("{path}: {e}"))?;
    if let Some(replay) = scenario.replay.clone() {
        let file = Path::new(path)
            .parent()
            .unwrap_or(Path::new("."))
            .join(&replay);
        let log = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read the replay log {}: {e}", file.display()))?;
        let mut lines = Vec::new();
        for (n, line) in log.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let l: InputLine = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: not an input line: {e}", file.display(), n + 1))?;
            lines.push(l);
        }
        scenario = scenario.with_replay(lines);
    }
    Ok(scenario)
}
