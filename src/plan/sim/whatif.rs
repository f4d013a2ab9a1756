//! What-if: the same traffic through two configurations or two staffing
//! plans, side by side.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::outcome::{Outcome, QueueFigures};
use super::{Plan, Scenario, SimError, run};
use crate::config::Config;
use crate::plan::erlang::Load;
use crate::plan::staffing::{Limit, ServiceTarget, Staffing};

/// Two runs of the same traffic, side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The first.
    pub a: Side,
    /// The second.
    pub b: Side,
}

/// One side of a [`Comparison`]: the headline figures, per queue, and the
/// whole outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Side {
    /// Answered within the threshold ÷ (answered + abandoned), percent.
    pub service_level_percent: Option<f64>,
    /// Mean wait of the answered, seconds.
    pub asa_s: Option<f64>,
    /// Abandoned ÷ queued, percent.
    pub abandoned_percent: Option<f64>,
    /// Conversations the bot kept from start to end ÷ all, percent (the
    /// report's containment).
    pub containment_percent: Option<f64>,
    /// Agents' busy ÷ signed-in time (0 to 1).
    pub occupancy: Option<f64>,
    /// Per queue.
    pub queues: std::collections::BTreeMap<String, QueueSide>,
    /// The whole run.
    #[serde(skip)]
    pub outcome: Option<Box<Outcome>>,
}

/// One queue on one side.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueueSide {
    /// Customers who entered it.
    pub queued: u64,
    /// Answered within the threshold ÷ (answered + abandoned), percent.
    pub service_level_percent: Option<f64>,
    /// Mean wait of the answered, seconds.
    pub asa_s: Option<f64>,
    /// Abandoned ÷ queued, percent.
    pub abandoned_percent: Option<f64>,
    /// The load it offered, Erlangs.
    pub offered_erlangs: f64,
    /// The agents that load needs (Erlang C, 80 % within the threshold).
    pub agents_needed: Option<u32>,
}

impl From<&QueueFigures> for QueueSide {
    fn from(q: &QueueFigures) -> QueueSide {
        QueueSide {
            queued: q.queued,
            service_level_percent: q.service_level_percent,
            asa_s: q.asa_s,
            abandoned_percent: q.abandoned_percent,
            offered_erlangs: q.offered_erlangs,
            agents_needed: q.agents_needed,
        }
    }
}

impl Side {
    fn of(outcome: Outcome) -> Side {
        let f = &outcome.figures;
        Side {
            service_level_percent: f.service_level_percent,
            asa_s: f.mean_wait_s,
            abandoned_percent: f.abandoned_percent,
            containment_percent: outcome.report.summary.totals.containment_percent,
            occupancy: f.occupancy,
            queues: outcome
                .queues
                .iter()
                .map(|(k, q)| (k.clone(), QueueSide::from(q)))
                .collect(),
            outcome: Some(Box::new(outcome)),
        }
    }
}

/// Runs the same traffic through two configurations, or two scenarios
/// that differ in their agents, with the same seed: the same customers
/// arrive at the same instants with the same patience and handle-time
/// draws on both sides ([common random numbers](super#determinism-and-the-same-traffic-twice)).
///
/// Both scenarios are checked before either runs; the two runs go on two
/// threads.
pub fn compare(
    a: (&Config, &Scenario),
    b: (&Config, &Scenario),
    seed: u64,
) -> Result<Comparison, SimError> {
    let plan_a = Plan::new(a.0, a.1)?;
    let plan_b = Plan::new(b.0, b.1)?;
    // The two runs share nothing: one on another thread.
    let (a, b) = std::thread::scope(|scope| {
        let b = scope.spawn(|| run(&plan_b, seed));
        let a = run(&plan_a, seed);
        (a, b.join())
    });
    let b = b.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    Ok(Comparison {
        a: Side::of(a?),
        b: Side::of(b?),
    })
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.1} %"))
}

fn secs(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.1} s"))
}

impl Comparison {
    /// The comparison as rows of (figure, first, second), for printing:
    /// the totals, then each queue either side has.
    pub fn rows(&self) -> Vec<[String; 3]> {
        let mut rows = Vec::new();
        let mut row = |label: &str, a: String, b: String| rows.push([label.to_owned(), a, b]);
        let (a, b) = (&self.a, &self.b);
        row(
            "service level",
            pct(a.service_level_percent),
            pct(b.service_level_percent),
        );
        row("speed of answer", secs(a.asa_s), secs(b.asa_s));
        row(
            "abandoned",
            pct(a.abandoned_percent),
            pct(b.abandoned_percent),
        );
        row(
            "bot containment",
            pct(a.containment_percent),
            pct(b.containment_percent),
        );
        row(
            "occupancy",
            pct(a.occupancy.map(|o| o * 100.0)),
            pct(b.occupancy.map(|o| o * 100.0)),
        );
        let (ga, gb) = (
            a.outcome.as_ref().map(|o| &o.groups),
            b.outcome.as_ref().map(|o| &o.groups),
        );
        let names: BTreeSet<&String> = ga.iter().chain(gb.iter()).flat_map(|m| m.keys()).collect();
        for g in names {
            let occ = |m: Option<&std::collections::BTreeMap<String, super::GroupFigures>>| {
                pct(m
                    .and_then(|m| m.get(g))
                    .and_then(|f| f.occupancy)
                    .map(|o| o * 100.0))
            };
            row(&format!("agents {g}: occupancy"), occ(ga), occ(gb));
        }
        let names: BTreeSet<&String> = a.queues.keys().chain(b.queues.keys()).collect();
        let none = QueueSide::default();
        for q in names {
            let (qa, qb) = (
                a.queues.get(q).unwrap_or(&none),
                b.queues.get(q).unwrap_or(&none),
            );
            row(
                &format!("{q}: queued"),
                qa.queued.to_string(),
                qb.queued.to_string(),
            );
            row(
                &format!("{q}: service level"),
                pct(qa.service_level_percent),
                pct(qb.service_level_percent),
            );
            row(
                &format!("{q}: speed of answer"),
                secs(qa.asa_s),
                secs(qb.asa_s),
            );
            row(
                &format!("{q}: abandoned"),
                pct(qa.abandoned_percent),
                pct(qb.abandoned_percent),
            );
            row(
                &format!("{q}: offered load"),
                format!("{:.2} E", qa.offered_erlangs),
                format!("{:.2} E", qb.offered_erlangs),
            );
            let needed = |n: Option<u32>| n.map_or_else(|| "–".into(), |n| n.to_string());
            row(
                &format!("{q}: agents needed"),
                needed(qa.agents_needed),
                needed(qb.agents_needed),
            );
        }
        rows
    }
}

/// Fills in each queue's agents needed for its simulated load: Erlang C
/// for 80 % within the scenario's service-level threshold (Erlang A with
/// the mean of the scenario's patience, when it has one), agents who take
/// one conversation at a time. A queue whose figure cannot be computed
/// (no load, or beyond the staffing search) keeps `None`.
pub(crate) fn staff(outcome: &mut Outcome, plan: &Plan<'_>) {
    let Ok(target) = ServiceTarget::new(0.8, plan.threshold) else {
        return;
    };
    let mut staffing = Staffing::new(target);
    if let Some(p) = &plan.scenario.patience {
        staffing = staffing.with_patience(p.mean());
    }
    for q in outcome.queues.values_mut() {
        let handle = Duration::from_secs_f64(q.handle_time_s.clamp(0.0, 1e9));
        q.agents_needed = Load::new(q.per_hour, handle)
            .ok()
            .and_then(|load| staffing.solve(&load).ok())
            .filter(|s| s.limited_by != Limit::NoLoad)
            .map(|s| s.agents);
    }
}
