//! Simulated customers per second: the what-if simulator with the whole
//! engine in the loop, against Ciw on the same M/M/c queue in the same
//! sitting.
//!
//! The queue: λ = 9 arrivals a minute, μ = 1 (handle time exponential,
//! mean one minute), c = 10 agents who accept at once, run for 20,000
//! minutes (about 180,000 customers) — `examples/data/plan/mmc.toml` and
//! `mmc-scenario.toml` (whose 1,000-minute warm-up is left out here, as
//! Ciw has none).
//!
//! * `mmc/switchboard`: [`simulate`] — every customer's message routed,
//!   queued, offered, accepted, greeted and closed by the real
//!   [`Switchboard`](switchboard::Switchboard), its timers run, every
//!   event aggregated into the KPI report, and the report built.
//! * `mmc/ciw`: Ciw 3 (`benches/ciw_mmc.py`, `pip install ciw`) on the
//!   same queue, timed by the script around `simulate_until_max_time`
//!   alone (interpreter start-up and import left out), through
//!   criterion's `iter_custom`. Skipped, with a note, when `python3` or
//!   Ciw is missing.
//!
//! Throughput is in customers: criterion's `elem/s` is customers a
//! second; the ratio of the two is the figure the README gives.

use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use switchboard::config::Config;
use switchboard::plan::sim::{Scenario, simulate};

fn scenario() -> Scenario {
    let mut s = Scenario::from_toml_str(include_str!("../examples/data/plan/mmc-scenario.toml"))
        .expect("the M/M/c scenario");
    s.duration += s.warmup;
    s.warmup = Duration::ZERO;
    s
}

/// Ciw's run with `seed`: customers and seconds, or why it cannot run.
fn ciw(seed: u64) -> Result<(u64, f64), String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/ciw_mmc.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(seed.to_string())
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    match (
        it.next().and_then(|n| n.parse().ok()),
        it.next().and_then(|s| s.parse().ok()),
    ) {
        (Some(n), Some(s)) => Ok((n, s)),
        _ => Err(format!("unexpected output {text:?}")),
    }
}

fn bench(c: &mut Criterion) {
    let config = Config::from_toml_str(include_str!("../examples/data/plan/mmc.toml"))
        .expect("the M/M/c configuration");
    let scenario = scenario();
    let customers = simulate(&config, &scenario, 1)
        .expect("the simulation runs")
        .figures
        .customers;
    let mut g = c.benchmark_group("mmc");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(40));
    g.throughput(Throughput::Elements(customers));
    let mut seed = 0;
    g.bench_function("switchboard", |b| {
        b.iter(|| {
            seed += 1;
            simulate(&config, &scenario, seed).expect("the simulation runs")
        })
    });
    match ciw(1) {
        Err(why) => eprintln!("mmc/ciw skipped: Ciw cannot run here ({})", why.trim()),
        Ok((n, _)) => {
            g.throughput(Throughput::Elements(n));
            let mut seed = 0;
            g.bench_function("ciw", |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        seed += 1;
                        let (_, s) = ciw(seed).expect("Ciw ran once already");
                        total += Duration::from_secs_f64(s);
                    }
                    total
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
