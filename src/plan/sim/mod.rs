//! What-if simulation with the real engine.
//!
//! [`simulate`] runs a [`Scenario`] — arrivals, handle times, patience, a
//! bot and agents on shifts — through a real [`Switchboard`](crate::Switchboard) with the
//! real [`Config`]: rules, bots, skills, relaxation, overflow, offers and
//! business hours all act as they would in production, in virtual time
//! and at full speed. The [`Outcome`] is the KPI [`Report`] of the
//! run, per interval and in total, with the figures the simulated host
//! measured itself ([`Figures`]: each customer's wait to the
//! millisecond, agents' occupancy). [`compare`] runs the same traffic
//! through two configurations, or two staffing plans, side by side.
//!
//! # What is simulated
//!
//! * **Customers** arrive in Poisson streams ([`Arrivals`]), at a
//!   constant rate or at one rate per interval (a forecast's), each on a
//!   channel with a first message, a language and contact attributes; or
//!   their messages are replayed from a recorded input log
//!   ([`Scenario::with_replay`]). Each writes once from an address of
//!   their own and opens a conversation.
//! * **The bot**, when the configuration sends customers to one, answers
//!   after a delay and resolves the conversation with the scenario's
//!   probability ([`BotModel`]), handing it to a person otherwise (no
//!   `[bot]` in the scenario: every conversation is handed on).
//! * **Waiting customers** give up after their patience (a draw from the
//!   scenario's distribution, each time they start waiting): the host
//!   closes the conversation for them, which the engine records as
//!   abandoned.
//! * **Agents** ([`AgentGroup`]) sign in for their shifts, with skills,
//!   languages and capacity per channel; they accept each offer after
//!   their accept delay, greet the customer at once and close after the
//!   handle time drawn for the queue ([`HandleTime`]); wrap-up is the
//!   configuration's. At a shift's end they go away, finish what they
//!   hold and sign out. An agent the engine sets away for missed offers
//!   is back a minute later.
//!
//! # Determinism, and the same traffic twice
//!
//! A run is a function of the configuration, the scenario and the seed.
//! Randomness comes from PCG generators (`rand_pcg`, whose output is
//! fixed for a seed; the distributions are `rand_distr`'s): one per
//! arrival stream, and one per customer, seeded from the seed, the
//! stream and the customer's number. So the *same customers* — arriving
//! at the same instants, with the same patience and the same handle
//! time draws — meet both configurations of a what-if (common random
//! numbers), and a difference between the two is the configuration's,
//! not the dice's.
//!
//! # Validated against queueing theory
//!
//! With one queue, exponential arrivals and handle times, one
//! conversation per agent and agents who accept at once, the run is an
//! M/M/c queue: the tests check its mean wait and P(wait > t) against
//! Erlang C ([`erlang`](crate::plan::erlang)) and, with exponential
//! patience, its abandonment against Erlang A, and compare with Ciw on
//! the same queue.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use switchboard::Config;
//! use switchboard::plan::sim::{AgentGroup, Arrivals, Dist, HandleTime, Scenario, simulate};
//! use switchboard::ChannelKind;
//!
//! let config = Config::from_toml_str(r#"
//! [[queues]]
//! id = "support"
//! [[rules]]
//! id = "all"
//! when = "true"
//! then = { queue = "support" }
//! "#)?;
//! let minute = Duration::from_secs(60);
//! let scenario = Scenario::new(
//!     120 * minute,
//!     HandleTime::new(Dist::exponential(3 * minute)),
//! )
//! .with_warmup(30 * minute)
//! .with_arrivals(Arrivals::per_hour(ChannelKind::WebChat, 60.0))
//! .with_agents(AgentGroup::new(5));
//! let outcome = simulate(&config, &scenario, 7)?;
//! // 60 an hour × 3 minutes = 3 Erlangs on 5 agents: 60 % busy.
//! let occupancy = outcome.figures.occupancy.unwrap();
//! assert!((0.4..0.8).contains(&occupancy), "{occupancy}");
//! assert_eq!(outcome.figures.refused, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dist;
mod host;
mod outcome;
mod scenario;
mod tally;
mod whatif;

use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;
use rustc_hash::FxHashMap;
use thiserror::Error;

pub use dist::{Dist, MAX_DRAW, MAX_EMPIRICAL};
pub use outcome::{Figures, GroupFigures, Outcome, QueueFigures};
pub use scenario::{
    AgentGroup, Arrivals, BotModel, CapacitySpec, DEFAULT_START, HandleTime, MAX_AGENTS,
    MAX_ARRIVALS, MAX_DURATION, MAX_RATE, MAX_SHIFTS, MAX_STREAMS, Scenario,
};
pub use whatif::{Comparison, QueueSide, Side, compare};

use crate::assign::{AgentProfile, Capacity};
use crate::config::Config;
use crate::metrics::{Interval, Metrics, Report, Settings};
use crate::model::{ChannelKind, QueueId, Timestamp};

use dist::Sampler;
use host::Host;

/// Why a simulation cannot run. Nothing has run when one is returned.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum SimError {
    /// The scenario is malformed or out of range.
    #[error("scenario: {0}")]
    Scenario(String),
    /// A distribution's parameters are out of range.
    #[error("{what}: {why}")]
    Distribution {
        /// Which distribution (`handle_time`, `patience` …).
        what: String,
        /// What is wrong.
        why: String,
    },
    /// The scenario names a queue the configuration does not have.
    #[error(
        "the scenario names queue `{queue}`, which the configuration does not have (it has: {known})"
    )]
    UnknownQueue {
        /// The queue named.
        queue: String,
        /// The configuration's queues.
        known: String,
    },
    /// An agent group cannot be made into agents the engine accepts.
    #[error("agents: {0}")]
    Agents(String),
}

/// A scenario checked against a configuration, with its samplers built.
pub(crate) struct Plan<'a> {
    pub(crate) config: Arc<Config>,
    pub(crate) scenario: &'a Scenario,
    pub(crate) start: Timestamp,
    pub(crate) tz: TimeZone,
    pub(crate) interval_ms: u64,
    pub(crate) threshold: Duration,
    pub(crate) profiles: Vec<AgentProfile>,
    pub(crate) shifts: Vec<Vec<(u32, u32)>>,
    pub(crate) accept: Vec<Option<Sampler>>,
    pub(crate) handle_default: Sampler,
    pub(crate) handle_queues: FxHashMap<QueueId, Sampler>,
    pub(crate) patience: Option<Sampler>,
    pub(crate) bot_delay_ms: u64,
}

impl<'a> Plan<'a> {
    pub(crate) fn new(config: &Config, scenario: &'a Scenario) -> Result<Plan<'a>, SimError> {
        scenario.check()?;
        scenario.check_messages(config)?;
        let start = scenario.start_at()?;
        let tz_name = scenario.time_zone.as_deref().unwrap_or("UTC");
        let tz = TimeZone::get(tz_name).map_err(|_| {
            SimError::Scenario(format!(
                "time_zone `{tz_name}` is not an IANA time zone such as Europe/Berlin"
            ))
        })?;
        let known = || {
            config
                .queues()
                .iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut handle_queues = FxHashMap::default();
        for (q, d) in &scenario.handle_time.queues {
            if config.queue(q).is_none() {
                return Err(SimError::UnknownQueue {
                    queue: q.clone(),
                    known: known(),
                });
            }
            handle_queues.insert(
                QueueId::new(q.as_str()),
                d.sampler(&format!("handle_time.queues.{q}"))?,
            );
        }
        // The channels the arrivals use, for a capacity given as a number.
        let mut channels: Vec<ChannelKind> = scenario
            .arrivals
            .iter()
            .map(|a| a.channel.clone())
            .chain(scenario.replayed.iter().filter_map(|l| match &l.input {
                crate::Input::Inbound(m) => Some(m.channel.clone()),
                _ => None,
            }))
            .collect();
        channels.sort();
        channels.dedup();
        let mut profiles = Vec::new();
        let mut shifts = Vec::new();
        let mut accept = Vec::new();
        for (g, group) in scenario.agents.iter().enumerate() {
            let capacity = match &group.capacity {
                None => Capacity::new(channels.iter().map(|c| (c.clone(), 1))).with_budget(1, []),
                Some(CapacitySpec::Each(n)) => {
                    Capacity::new(channels.iter().map(|c| (c.clone(), *n))).with_budget(*n, [])
                }
                Some(CapacitySpec::Channels(c)) => c.clone(),
            };
            let mut p = AgentProfile::new(format!("g{}", g + 1))
                .with_languages(group.languages.iter().cloned())
                .with_capacity(capacity);
            for (skill, level) in &group.skills {
                p = p.with_skill(skill.clone(), *level);
            }
            p.validate()
                .map_err(|e| SimError::Agents(format!("agents #{}: {e}", g + 1)))?;
            profiles.push(p);
            shifts.push(
                group
                    .shifts
                    .iter()
                    .map(|s| scenario::parse_shift(s).map_err(SimError::Scenario))
                    .collect::<Result<Vec<_>, _>>()?,
            );
            accept.push(
                group
                    .accept_delay
                    .as_ref()
                    .map(|d| d.sampler(&format!("agents #{} accept_delay", g + 1)))
                    .transpose()?,
            );
        }
        Ok(Plan {
            config: Arc::new(config.clone()),
            scenario,
            start,
            tz,
            interval_ms: scenario
                .interval
                .map_or(30 * 60_000, |d| d.as_millis() as u64),
            threshold: scenario.service_level.unwrap_or(Duration::from_secs(20)),
            profiles,
            shifts,
            accept,
            handle_default: scenario.handle_time.default.sampler("handle_time")?,
            handle_queues,
            patience: scenario
                .patience
                .as_ref()
                .map(|p| p.sampler("patience"))
                .transpose()?,
            bot_delay_ms: scenario
                .bot
                .as_ref()
                .and_then(|b| b.delay)
                .map_or(1_000, |d| d.min(MAX_DRAW).as_millis() as u64),
        })
    }

    /// The handle-time sampler of `queue`.
    pub(crate) fn handle_time(&self, queue: &QueueId) -> &Sampler {
        self.handle_queues
            .get(queue)
            .unwrap_or(&self.handle_default)
    }

    /// The mean handle time of `queue`, seconds.
    pub(crate) fn handle_mean_s(&self, queue: &str) -> f64 {
        self.scenario
            .handle_time
            .queues
            .get(queue)
            .unwrap_or(&self.scenario.handle_time.default)
            .mean()
            .as_secs_f64()
    }

    fn civil(&self, day: u64) -> Option<jiff::civil::Date> {
        let epoch = jiff::civil::date(1970, 1, 1);
        epoch
            .checked_add(jiff::Span::new().days(i64::try_from(day).ok()?))
            .ok()
    }

    /// The local day (days since 1970-01-01 on the local calendar) of an
    /// instant.
    pub(crate) fn local_day(&self, at: u64) -> u64 {
        let Ok(t) = jiff::Timestamp::from_millisecond(at as i64) else {
            return 0;
        };
        let offset = i64::from(self.tz.to_offset(t).seconds()) * 1_000;
        ((at as i64 + offset).max(0) as u64) / 86_400_000
    }

    /// The instant of minute `minute` (0–1440) of local day `day`; in a
    /// gap of a daylight-saving change, the instant after it.
    pub(crate) fn local_instant(&self, day: u64, minute: u32) -> u64 {
        let Some(date) = self.civil(day) else {
            return u64::MAX;
        };
        let dt = date.at((minute % 1_440 / 60) as i8, (minute % 60) as i8, 0, 0);
        let dt = if minute >= 1_440 {
            match date.tomorrow() {
                Ok(d) => d.at(0, 0, 0, 0),
                Err(_) => return u64::MAX,
            }
        } else {
            dt
        };
        match self.tz.to_ambiguous_zoned(dt).compatible() {
            Ok(z) => u64::try_from(z.timestamp().as_millisecond()).unwrap_or(0),
            Err(_) => u64::MAX,
        }
    }

    /// The start of local day `day`.
    pub(crate) fn day_start(&self, day: u64) -> u64 {
        self.local_instant(day, 0)
    }
}

/// Runs `scenario` through a [`Switchboard`](crate::Switchboard) with
/// `config`, with randomness from `seed`.
///
/// Fails before anything runs when the scenario is malformed or names a
/// queue the configuration does not have. The run's cost is about
/// proportional to the customers it simulates (the engine's own work for
/// each, plus a few heap operations).
pub fn simulate(config: &Config, scenario: &Scenario, seed: u64) -> Result<Outcome, SimError> {
    let plan = Plan::new(config, scenario)?;
    run(&plan, seed)
}

pub(crate) fn run(plan: &Plan<'_>, seed: u64) -> Result<Outcome, SimError> {
    let minutes = (plan.interval_ms / 60_000) as u32;
    let interval = Interval::from_minutes(minutes)
        .map_err(|e| SimError::Scenario(format!("interval: {e}")))?;
    let settings = Settings::new()
        .with_interval(interval)
        .with_time_zone(plan.tz.iana_name().unwrap_or("UTC"))
        .map_err(|e| SimError::Scenario(format!("time_zone: {e}")))?
        .with_service_level(plan.threshold)
        .with_wrap_up_from(&plan.config);
    let mut host = Host::new(plan, seed, Metrics::new(settings));
    host.run()?;
    let (metrics, tally) = host.finish();
    let report: Report = metrics.report();
    let mut groups = Vec::new();
    let mut first = 0;
    for (g, group) in plan.scenario.agents.iter().enumerate() {
        let name = group.name.clone().unwrap_or_else(|| format!("g{}", g + 1));
        let n = group.count as usize;
        groups.push((name, first..first + n));
        first += n;
    }
    let mut outcome = Outcome::new(report, tally, plan.threshold, groups, |q| {
        plan.handle_mean_s(q)
    });
    whatif::staff(&mut outcome, plan);
    Ok(outcome)
}
