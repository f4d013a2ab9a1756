//! What a simulation hands back: the KPI report, and the figures the
//! simulated host measured itself.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::tally::Tally;
use crate::metrics::Report;

/// The outcome of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// The KPI report of the run ([`metrics`](crate::metrics)), per
    /// interval and in total, over the conversations that started after
    /// the warm-up.
    pub report: Report,
    /// What the simulated host measured over the same customers.
    pub figures: Figures,
    /// The same per queue (the queue a customer first entered).
    pub queues: BTreeMap<String, QueueFigures>,
    /// Each agent group's occupancy, by group name.
    pub groups: BTreeMap<String, GroupFigures>,
    /// Every answered customer's wait in milliseconds, in increasing
    /// order.
    #[serde(skip)]
    pub(crate) waits: Vec<u64>,
}

/// The run at a glance, measured by the simulated host: customers who
/// arrived after the warm-up, to the millisecond.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Figures {
    /// Customers who arrived in the measured window (each opened a
    /// conversation).
    pub customers: u64,
    /// Of those, how many entered a queue (the rest stayed with the bot).
    pub queued: u64,
    /// Answered by an agent.
    pub answered: u64,
    /// Gave up waiting.
    pub abandoned: u64,
    /// Still waiting when the run ended.
    pub waiting_at_end: u64,
    /// The mean wait of answered customers, queue to agent, seconds (the
    /// average speed of answer; Erlang C's mean wait when nobody
    /// abandons).
    pub mean_wait_s: Option<f64>,
    /// The share of queued customers who did not get an agent at once
    /// (0 to 1): Erlang C's probability of waiting.
    pub p_wait: Option<f64>,
    /// Answered within the service-level threshold ÷ (answered +
    /// abandoned), percent.
    pub service_level_percent: Option<f64>,
    /// Abandoned ÷ queued, percent: every abandon, however short (as
    /// Erlang A counts them; the report's `abandonment` leaves out those
    /// within 5 s).
    pub abandoned_percent: Option<f64>,
    /// The agents' busy time ÷ their signed-in time (0 to 1); an agent is
    /// busy while holding at least one conversation.
    pub occupancy: Option<f64>,
    /// Inputs given to the engine.
    pub inputs: u64,
    /// Inputs the engine refused (none in a sound run).
    pub refused: u64,
    /// Events counted into the report.
    pub events: u64,
}

/// One queue's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueueFigures {
    /// Customers who entered it.
    pub queued: u64,
    /// Answered.
    pub answered: u64,
    /// Gave up.
    pub abandoned: u64,
    /// Mean wait of the answered, seconds.
    pub asa_s: Option<f64>,
    /// Answered within the threshold ÷ (answered + abandoned), percent.
    pub service_level_percent: Option<f64>,
    /// Abandoned ÷ queued, percent.
    pub abandoned_percent: Option<f64>,
    /// Customers entering it per hour of the measured window.
    pub per_hour: f64,
    /// The mean of its handle-time distribution, seconds.
    pub handle_time_s: f64,
    /// The load it offers, Erlangs: per hour × handle time.
    pub offered_erlangs: f64,
    /// Agents Erlang C says this load needs for the same service-level
    /// threshold at 80 % (with the scenario's patience, Erlang A), when
    /// computable.
    pub agents_needed: Option<u32>,
}

/// One agent group's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupFigures {
    /// Agents in it.
    pub agents: u32,
    /// Busy ÷ signed-in time (0 to 1).
    pub occupancy: Option<f64>,
    /// Hours signed in, all of them together, in the measured window.
    pub signed_in_h: f64,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn mean_s(values: &[u64]) -> Option<f64> {
    (!values.is_empty())
        .then(|| values.iter().map(|v| *v as f64).sum::<f64>() / values.len() as f64 / 1_000.0)
}

impl Outcome {
    pub(crate) fn new(
        report: Report,
        tally: Tally,
        threshold: Duration,
        groups: Vec<(String, std::ops::Range<usize>)>,
        handle: impl Fn(&str) -> f64,
    ) -> Outcome {
        let t = u64::try_from(threshold.as_millis()).unwrap_or(u64::MAX);
        let hours = (tally.to - tally.from) as f64 / 3_600_000.0;
        let mut waits = Vec::new();
        let mut figures = Figures {
            customers: tally.customers,
            inputs: tally.inputs,
            refused: tally.refused,
            events: tally.events,
            ..Figures::default()
        };
        let (mut met, mut at_once) = (0, 0);
        let mut queues = BTreeMap::new();
        for (q, qt) in &tally.queues {
            figures.queued += qt.queued;
            figures.answered += qt.answered;
            figures.abandoned += qt.abandoned;
            let q_met = qt.waits.iter().filter(|w| **w <= t).count() as u64;
            met += q_met;
            at_once += qt.waits.iter().filter(|w| **w == 0).count() as u64;
            waits.extend_from_slice(&qt.waits);
            let per_hour = qt.queued as f64 / hours;
            let handle_time_s = handle(q.as_str());
            queues.insert(
                q.as_str().to_owned(),
                QueueFigures {
                    queued: qt.queued,
                    answered: qt.answered,
                    abandoned: qt.abandoned,
                    asa_s: mean_s(&qt.waits),
                    service_level_percent: ratio(q_met, qt.answered + qt.abandoned)
                        .map(|r| r * 100.0),
                    abandoned_percent: ratio(qt.abandoned, qt.queued).map(|r| r * 100.0),
                    per_hour,
                    handle_time_s,
                    offered_erlangs: per_hour * handle_time_s / 3_600.0,
                    agents_needed: None,
                },
            );
        }
        waits.sort_unstable();
        figures.waiting_at_end = figures
            .queued
            .saturating_sub(figures.answered + figures.abandoned);
        figures.mean_wait_s = mean_s(&waits);
        figures.p_wait = ratio(figures.queued - at_once.min(figures.queued), figures.queued);
        figures.service_level_percent =
            ratio(met, figures.answered + figures.abandoned).map(|r| r * 100.0);
        figures.abandoned_percent = ratio(figures.abandoned, figures.queued).map(|r| r * 100.0);
        let (on, busy) = tally
            .agents
            .iter()
            .fold((0, 0), |(o, b), a| (o + a.on.ms, b + a.busy.ms));
        figures.occupancy = ratio(busy, on);
        let groups = groups
            .into_iter()
            .map(|(name, range)| {
                let agents = &tally.agents[range.clone()];
                let (on, busy) = agents
                    .iter()
                    .fold((0, 0), |(o, b), a| (o + a.on.ms, b + a.busy.ms));
                let g = GroupFigures {
                    agents: range.len() as u32,
                    occupancy: ratio(busy, on),
                    signed_in_h: on as f64 / 3_600_000.0,
                };
                (name, g)
            })
            .collect();
        Outcome {
            report,
            figures,
            queues,
            groups,
            waits,
        }
    }

    /// The share of answered customers who waited longer than `t` (0 to
    /// 1): Erlang C's P(wait > t) when nobody abandons.
    pub fn wait_over(&self, t: Duration) -> Option<f64> {
        let t = u64::try_from(t.as_millis()).unwrap_or(u64::MAX);
        let within = self.waits.partition_point(|w| *w <= t);
        ratio((self.waits.len() - within) as u64, self.waits.len() as u64)
    }

    /// The JSON the `simulate` example prints: the KPI summary's fields,
    /// plus `customers`, `mean_wait_s`, `p_wait`, `abandoned_percent`,
    /// `occupancy` and the rest of [`Figures`], with `queues_simulated`
    /// and `groups`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.report.summary).unwrap_or_default();
        if let (serde_json::Value::Object(map), Ok(serde_json::Value::Object(f))) =
            (&mut v, serde_json::to_value(&self.figures))
        {
            // The report's own figures win where the names meet
            // (`queued`, `answered`).
            for (k, val) in f {
                map.entry(k).or_insert(val);
            }
            map.insert(
                "queues_simulated".into(),
                serde_json::to_value(&self.queues).unwrap_or_default(),
            );
            map.insert(
                "groups".into(),
                serde_json::to_value(&self.groups).unwrap_or_default(),
            );
        }
        v
    }
}
