//! Scenarios made from history: arrivals at a forecast's rates, handle
//! times from a KPI report's conversations.

#[path = "../../examples/support/traffic.rs"]
mod synthetic;

use std::ops::ControlFlow;
use std::time::Duration;

use switchboard::ChannelKind;
use switchboard::metrics::{Interval, Metrics, Settings};
use switchboard::plan::forecast::{Forecaster, History, Horizon};
use switchboard::plan::sim::{AgentGroup, Arrivals, HandleTime, Scenario, simulate};

#[test]
fn arrivals_at_a_forecasts_rates_bring_the_forecast_volume() {
    // Four weeks of a daily shape at 30 minutes: quiet nights, busy days.
    let values: Vec<f64> = (0..48 * 7 * 4)
        .map(|i| {
            if (16..40).contains(&(i % 48)) {
                12.0
            } else {
                1.0
            }
        })
        .collect();
    let history = History::new(
        switchboard::Timestamp::from_millis(1_793_577_600_000),
        Interval::from_minutes(30).unwrap(),
        "UTC",
        values,
    )
    .unwrap();
    let forecast = Forecaster::new()
        .forecast(&history, Horizon::Intervals(48))
        .unwrap();
    let expected: f64 = forecast.intervals.iter().map(|i| i.volume).sum();
    let scenario = Scenario::new(
        Duration::from_secs(24 * 3_600),
        HandleTime::new(switchboard::plan::sim::Dist::exponential(
            Duration::from_secs(120),
        )),
    )
    .starting_at(forecast.intervals[0].start)
    .with_arrivals(Arrivals::from_forecast(ChannelKind::WebChat, &forecast))
    .with_agents(AgentGroup::new(3));
    let o = simulate(&super::mmc(), &scenario, 1).unwrap();
    let got = o.figures.customers as f64;
    // Poisson: within four standard deviations of the forecast total.
    assert!(
        (got - expected).abs() < 4.0 * expected.sqrt(),
        "{got} vs {expected}"
    );
    // And shaped like it: the busy half hours bring most.
    let busy: u64 = o
        .report
        .intervals
        .iter()
        .filter(|r| r.figures.conversations > 3)
        .map(|r| r.figures.conversations)
        .sum();
    assert!(busy as f64 > 0.8 * got, "{busy} of {got}");
}

#[test]
fn handle_times_from_a_report_have_the_historys_mean() {
    let mut metrics = Metrics::new(
        Settings::new()
            .with_conversation_rows(true)
            .with_wrap_up_from(&synthetic::config()),
    );
    synthetic::generate_with(&synthetic::Traffic::new(2, 1, 600), |e| {
        metrics.observe(&e).unwrap();
        ControlFlow::Continue(())
    });
    let rows = metrics.report().conversations;
    let handle = HandleTime::from_rows(&rows).expect("answered conversations");
    let history: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some((r.closed?.as_millis() - r.answered?.as_millis()) as f64))
        .collect();
    let mean = history.iter().sum::<f64>() / history.len() as f64 / 1_000.0;
    assert!((handle.default.mean().as_secs_f64() - mean).abs() < 0.01);
    assert!(handle.queues.contains_key("support"));
    // A run with them: its handle times average the history's.
    // The shop the history came from, from 08:00 when it opens; the bot
    // hands everyone to support.
    let opening =
        switchboard::Timestamp::from_millis(synthetic::MONDAY.as_millis() + 8 * 3_600_000);
    let scenario = Scenario::new(Duration::from_secs(8 * 3_600), handle)
        .starting_at(opening)
        .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 30.0))
        .with_agents(AgentGroup::new(6));
    let o = simulate(&synthetic::config(), &scenario, 3).unwrap();
    assert!(o.figures.answered > 150, "{}", o.figures.answered);
    let simulated = o.report.summary.totals.handle_time_s.mean.unwrap();
    assert!(
        (simulated - mean).abs() < 0.25 * mean,
        "{simulated} vs {mean}"
    );
    assert!(HandleTime::from_rows(&[]).is_none());
}
