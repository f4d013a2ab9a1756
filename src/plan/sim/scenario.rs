//! The scenario: the traffic, the people and the time a simulation runs.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::dist::Dist;
use super::{SimError, host};
use crate::assign::Capacity;
use crate::config::Config;
use crate::config::duration::{opt_str, serde_str};
use crate::engine::{Inbound, InputLine};
use crate::model::{Address, Attributes, ChannelKind, Timestamp};

/// The longest run: ten years of virtual time.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 365 * 24 * 3_600);

/// Most agents a scenario may staff.
pub const MAX_AGENTS: u32 = 100_000;

/// Most arrivals per hour one stream may have.
pub const MAX_RATE: f64 = 10_000_000.0;

/// Most arrivals a run may ask for, counted at each stream's highest rate
/// over the whole run (warm-up included): a bound on its work, about half
/// an hour of simulation.
pub const MAX_ARRIVALS: f64 = 100_000_000.0;

/// Most arrival streams a scenario may have (each stream's customers have
/// addresses of their own).
pub const MAX_STREAMS: usize = 100;

/// Most shifts an agent group may have.
pub const MAX_SHIFTS: usize = 48;

/// Monday 2026-11-02 00:00 UTC: the default start.
pub const DEFAULT_START: Timestamp = Timestamp::from_millis(1_793_577_600_000);

/// What a simulation runs: when, for how long, which customers arrive, how
/// long agents take and how long customers wait, and who is on shift.
///
/// Written in TOML ([`Scenario::from_toml_str`]):
///
/// ```toml
/// duration = "8h"          # measured time, after the warm-up
/// warmup = "30m"           # run first, not counted
/// start = "2026-11-02T08:00:00Z"   # optional; a Monday by default
/// time_zone = "Europe/Berlin"      # for shifts and the report; UTC by default
/// interval = "30m"         # the report's interval, and of `rates` below
///
/// [[arrivals]]
/// channel = "webchat"
/// per_hour = 120            # Poisson arrivals at a constant rate …
/// text = "Where is my order?"
/// lang = "en"
/// contact = { tier = "gold" }
///
/// [[arrivals]]
/// channel = "whatsapp"
/// rates = [40, 60, 90, 120] # … or one rate per interval from the start, repeated
///
/// [handle_time]
/// distribution = "exponential"
/// mean = "180s"
/// [handle_time.queues.billing]     # per queue, when they differ
/// distribution = "lognormal"
/// mean = "5m"
/// sd = "3m"
///
/// [patience]                # optional: customers give up waiting
/// distribution = "exponential"
/// mean = "4m"
///
/// [bot]                     # when the configuration sends customers to a bot
/// resolves = 0.4            # the share it resolves; the rest it hands off
/// delay = "2s"
///
/// [[agents]]
/// count = 10
/// skills = { billing = 2 }
/// languages = ["en", "de"]
/// capacity = 1              # or per channel: { webchat = 3, email = 5, budget = 4 }
/// shifts = ["08:00-16:00"]  # local time, every day; always on when left out
/// accept_delay = { distribution = "fixed", value = "5s" }
/// ```
///
/// A scenario is checked against the configuration it runs with
/// ([`simulate`](super::simulate)): a queue named in `handle_time.queues`
/// must exist there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Scenario {
    /// How long the measured part of the run lasts, after the warm-up.
    #[serde(with = "serde_str")]
    pub duration: Duration,
    /// How long the run goes before anything is counted, so that queues
    /// are in their steady state when measuring begins.
    #[serde(default, with = "serde_str")]
    pub warmup: Duration,
    /// When the run starts (RFC 3339); [`DEFAULT_START`] when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The time zone of shifts and of the report's intervals; UTC when
    /// left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The report's interval (15, 30 or 60 minutes), which is also the
    /// length of each of an arrival stream's `rates`; 30 minutes when left
    /// out.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// The service-level threshold of the report; 20 s when left out.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub service_level: Option<Duration>,
    /// The streams of customers who write first.
    #[serde(default)]
    pub arrivals: Vec<Arrivals>,
    /// How long an agent keeps a conversation, from accepting it to
    /// closing it.
    pub handle_time: HandleTime,
    /// How long a waiting customer waits before giving up; they wait for
    /// ever when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<Dist>,
    /// The bot, when the configuration sends customers to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotModel>,
    /// The agents.
    #[serde(default)]
    pub agents: Vec<AgentGroup>,
    /// Customer messages replayed from a recorded input log (set with
    /// [`Scenario::with_replay`]; the `simulate` example reads them from
    /// the file a scenario's `replay` names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
    /// The replayed inputs.
    #[serde(skip)]
    pub replayed: Vec<InputLine>,
}

/// One stream of customers: Poisson arrivals at a constant rate or at one
/// rate per interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Arrivals {
    /// The channel they write on.
    pub channel: ChannelKind,
    /// Arrivals per hour, all the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_hour: Option<f64>,
    /// Arrivals per hour in each interval from the start, repeated when
    /// the list runs out (one day of 48 half hours repeats daily): a
    /// forecast's or a history's profile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rates: Vec<f64>,
    /// What they write first; `"Hello, I need some help"` when left out.
    /// A keyword the channel reserves (`STOP` or `HELP` on SMS) opens no
    /// conversation, so such customers are not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Their language, as the channel would give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Contact attributes the rules can read.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub contact: Attributes,
}

impl Arrivals {
    /// `per_hour` arrivals an hour on `channel`.
    pub fn per_hour(channel: ChannelKind, per_hour: f64) -> Arrivals {
        Arrivals {
            channel,
            per_hour: Some(per_hour),
            rates: Vec::new(),
            text: None,
            lang: None,
            contact: Attributes::new(),
        }
    }

    /// Arrivals per hour in each interval from the start, repeated.
    pub fn with_rates(mut self, rates: Vec<f64>) -> Arrivals {
        self.per_hour = None;
        self.rates = rates;
        self
    }

    /// Arrivals on `channel` at a forecast's volumes: one rate per
    /// forecast interval (its volume × intervals an hour). Run it in a
    /// scenario that starts at the forecast's first interval
    /// ([`Scenario::starting_at`]) with the same interval.
    ///
    /// ```
    /// # use switchboard::plan::forecast::{Forecaster, History, Horizon};
    /// # use switchboard::plan::sim::Arrivals;
    /// # use switchboard::metrics::Interval;
    /// # use switchboard::{ChannelKind, Timestamp};
    /// // Four weeks of an hourly pattern, then tomorrow's forecast.
    /// let values: Vec<f64> = (0..24 * 7 * 4).map(|h| [2.0, 10.0, 6.0][h % 3]).collect();
    /// let history = History::new(
    ///     Timestamp::from_millis(1_793_577_600_000),
    ///     Interval::from_minutes(60)?,
    ///     "UTC",
    ///     values,
    /// )?;
    /// let forecast = Forecaster::new().forecast(&history, Horizon::Days(1))?;
    /// let arrivals = Arrivals::from_forecast(ChannelKind::WebChat, &forecast);
    /// assert_eq!(arrivals.rates.len(), forecast.intervals.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_forecast(
        channel: ChannelKind,
        forecast: &crate::plan::forecast::Forecast,
    ) -> Arrivals {
        let per_hour = 60.0 / f64::from(forecast.interval_minutes.max(1));
        let rates = forecast
            .intervals
            .iter()
            .map(|i| (i.volume * per_hour).clamp(0.0, MAX_RATE))
            .collect();
        Arrivals::per_hour(channel, 0.0).with_rates(rates)
    }

    /// What they write first.
    pub fn with_text(mut self, text: impl Into<String>) -> Arrivals {
        self.text = Some(text.into());
        self
    }

    /// Their language.
    pub fn with_lang(mut self, lang: impl Into<String>) -> Arrivals {
        self.lang = Some(lang.into());
        self
    }

    /// The first message of the stream's customer writing from `from`,
    /// as the host gives it.
    pub(crate) fn message(&self, from: Address) -> Inbound {
        let text = self.text.as_deref().unwrap_or("Hello, I need some help");
        let mut m = Inbound::new(self.channel.clone(), from, text);
        if let Some(lang) = &self.lang {
            m = m.with_lang(lang.clone());
        }
        if !self.contact.is_empty() {
            m = m.with_contact(self.contact.clone());
        }
        m
    }

    /// The rate (per hour) in interval `k`.
    pub(crate) fn rate(&self, k: u64) -> f64 {
        match (self.per_hour, self.rates.len()) {
            (Some(r), _) => r,
            (None, 0) => 0.0,
            (None, n) => self.rates[(k % n as u64) as usize],
        }
    }

    /// The highest rate.
    pub(crate) fn peak(&self) -> f64 {
        self.per_hour
            .unwrap_or_else(|| self.rates.iter().copied().fold(0.0, f64::max))
    }
}

/// Handle times: one distribution for every queue, and others for some.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HandleTime {
    /// Every queue's, unless it has its own.
    #[serde(flatten)]
    pub default: Dist,
    /// Per queue.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub queues: BTreeMap<String, Dist>,
}

impl HandleTime {
    /// The same distribution for every queue.
    pub fn new(default: Dist) -> HandleTime {
        HandleTime {
            default,
            queues: BTreeMap::new(),
        }
    }

    /// Handle times from history: each queue's answered-to-closed times
    /// in a KPI report's conversation rows (aggregated with
    /// [`Settings::with_conversation_rows`](crate::metrics::Settings::with_conversation_rows)),
    /// as empirical distributions, and all of them together for queues
    /// with none. `None` when no row has both times.
    pub fn from_rows(rows: &[crate::metrics::ConversationRow]) -> Option<HandleTime> {
        let mut all = Vec::new();
        let mut queues: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
        for r in rows {
            let (Some(a), Some(c)) = (r.answered, r.closed) else {
                continue;
            };
            let d = Duration::from_millis(c.as_millis().saturating_sub(a.as_millis()));
            if let Some(q) = &r.queue {
                queues.entry(q.clone()).or_default().push(d);
            }
            all.push(d);
        }
        if all.is_empty() {
            return None;
        }
        all.truncate(super::dist::MAX_EMPIRICAL);
        Some(HandleTime {
            default: Dist::empirical(all),
            queues: queues
                .into_iter()
                .map(|(q, mut v)| {
                    v.truncate(super::dist::MAX_EMPIRICAL);
                    (q, Dist::empirical(v))
                })
                .collect(),
        })
    }

    /// A queue's own.
    pub fn with_queue(mut self, queue: impl Into<String>, dist: Dist) -> HandleTime {
        self.queues.insert(queue.into(), dist);
        self
    }
}

/// The bot the configuration sends customers to, as the simulation plays
/// it: it answers each question after `delay`, resolving the
/// conversation with probability `resolves` and handing it to a person
/// otherwise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BotModel {
    /// The share of conversations it resolves (0 to 1).
    pub resolves: f64,
    /// How long it takes to answer; 1 s when left out.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
}

/// A group of agents alike.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AgentGroup {
    /// How many.
    pub count: u32,
    /// The start of their ids (`"{name}-1"` …); `"g{n}"` for the n-th
    /// group when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Skills and levels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skills: BTreeMap<String, u8>,
    /// Languages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// How many conversations at once: a number for every channel the
    /// arrivals use (with a total of the same number), or a
    /// [`Capacity`] per channel. One when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacitySpec>,
    /// Daily shifts in local time (`"08:00-16:00"`, `"22:00-06:00"`
    /// across midnight, `"00:00-24:00"` a whole day), at most
    /// [`MAX_SHIFTS`]; signed in all the time when left out. Shifts may
    /// overlap (an agent is on while any is). At the end of their last
    /// shift an agent goes away, finishes what they hold and signs out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shifts: Vec<String>,
    /// How long they take to accept an offer; at once when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_delay: Option<Dist>,
}

impl AgentGroup {
    /// `count` agents who take one conversation at a time, all the time,
    /// and accept at once.
    pub fn new(count: u32) -> AgentGroup {
        AgentGroup {
            count,
            name: None,
            skills: BTreeMap::new(),
            languages: Vec::new(),
            capacity: None,
            shifts: Vec::new(),
            accept_delay: None,
        }
    }

    /// With a skill.
    pub fn with_skill(mut self, skill: impl Into<String>, level: u8) -> AgentGroup {
        self.skills.insert(skill.into(), level);
        self
    }

    /// With a daily shift (`"08:00-16:00"`).
    pub fn with_shift(mut self, shift: impl Into<String>) -> AgentGroup {
        self.shifts.push(shift.into());
        self
    }

    /// With a capacity.
    pub fn with_capacity(mut self, capacity: CapacitySpec) -> AgentGroup {
        self.capacity = Some(capacity);
        self
    }
}

/// An agent group's capacity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum CapacitySpec {
    /// This many on each channel the arrivals use, and in total.
    Each(u32),
    /// Per channel, with an optional weighted total.
    Channels(Capacity),
}

impl Scenario {
    /// `duration` of measured time with the given handle time, and nothing
    /// else yet: no warm-up, no arrivals, no agents.
    pub fn new(duration: Duration, handle_time: HandleTime) -> Scenario {
        Scenario {
            duration,
            warmup: Duration::ZERO,
            start: None,
            time_zone: None,
            interval: None,
            service_level: None,
            arrivals: Vec::new(),
            handle_time,
            patience: None,
            bot: None,
            agents: Vec::new(),
            replay: None,
            replayed: Vec::new(),
        }
    }

    /// Reads a scenario written in TOML.
    pub fn from_toml_str(text: &str) -> Result<Scenario, SimError> {
        toml::from_str(text).map_err(|e| SimError::Scenario(e.to_string()))
    }

    /// Starting at `start` (by default [`DEFAULT_START`]).
    pub fn starting_at(mut self, start: Timestamp) -> Scenario {
        self.start = jiff::Timestamp::from_millisecond(start.as_millis() as i64)
            .ok()
            .map(|t| t.to_string());
        self
    }

    /// In time zone `tz` (an IANA name), for shifts and the report.
    pub fn in_time_zone(mut self, tz: impl Into<String>) -> Scenario {
        self.time_zone = Some(tz.into());
        self
    }

    /// With a warm-up.
    pub fn with_warmup(mut self, warmup: Duration) -> Scenario {
        self.warmup = warmup;
        self
    }

    /// With an arrival stream.
    pub fn with_arrivals(mut self, arrivals: Arrivals) -> Scenario {
        self.arrivals.push(arrivals);
        self
    }

    /// With a group of agents.
    pub fn with_agents(mut self, agents: AgentGroup) -> Scenario {
        self.agents.push(agents);
        self
    }

    /// With customer patience.
    pub fn with_patience(mut self, patience: Dist) -> Scenario {
        self.patience = Some(patience);
        self
    }

    /// With a bot model.
    pub fn with_bot(mut self, resolves: f64, delay: Duration) -> Scenario {
        self.bot = Some(BotModel {
            resolves,
            delay: Some(delay),
        });
        self
    }

    /// With customer messages replayed from a recorded input log: every
    /// [`Input::Inbound`](crate::Input::Inbound) is given to the engine at
    /// its recorded time, moved so that the first one falls at the start;
    /// every other input is left out (the simulation plays the agents and
    /// the bot). Replayed customers come on top of the arrival streams.
    pub fn with_replay(mut self, lines: Vec<InputLine>) -> Scenario {
        self.replayed = lines;
        self
    }

    /// The start instant.
    pub(crate) fn start_at(&self) -> Result<Timestamp, SimError> {
        let Some(s) = &self.start else {
            return Ok(DEFAULT_START);
        };
        let t: jiff::Timestamp = s.parse().map_err(|e| {
            SimError::Scenario(format!(
                "start `{s}` is not an RFC 3339 instant such as 2026-11-02T08:00:00Z: {e}"
            ))
        })?;
        u64::try_from(t.as_millisecond())
            .ok()
            .map(Timestamp::from_millis)
            .filter(|t| *t < Timestamp::MAX)
            .ok_or_else(|| SimError::Scenario(format!("start `{s}` is before 1970")))
    }

    /// Checks what can be checked without a configuration.
    pub(crate) fn check(&self) -> Result<(), SimError> {
        let bad = |s: String| Err(SimError::Scenario(s));
        if self.duration.is_zero() {
            return bad("duration must be above 0 s".into());
        }
        if self.duration + self.warmup > MAX_DURATION {
            return bad(format!(
                "warmup and duration together are at most {} days",
                MAX_DURATION.as_secs() / 86_400
            ));
        }
        let minutes = self.interval.map_or(30, |d| d.as_secs() / 60);
        if ![15, 30, 60].contains(&minutes)
            || self
                .interval
                .is_some_and(|d| d.as_secs() % 60 != 0 || d.subsec_nanos() != 0)
        {
            return bad("interval must be 15m, 30m or 60m".into());
        }
        if self.arrivals.is_empty() && self.replayed.is_empty() {
            return bad("a scenario needs at least one [[arrivals]] stream or a replay".into());
        }
        if self.arrivals.len() > MAX_STREAMS {
            return bad(format!("at most {MAX_STREAMS} [[arrivals]] streams"));
        }
        for (i, a) in self.arrivals.iter().enumerate() {
            let n = i + 1;
            match (a.per_hour, a.rates.is_empty()) {
                (Some(_), false) => {
                    return bad(format!("arrivals #{n}: give per_hour or rates, not both"));
                }
                (None, true) => return bad(format!("arrivals #{n}: give per_hour or rates")),
                _ => {}
            }
            if a.rates.len() > 100_000 {
                return bad(format!("arrivals #{n}: at most 100000 rates"));
            }
            for r in a.per_hour.iter().chain(&a.rates) {
                if !r.is_finite() || *r < 0.0 || *r > MAX_RATE {
                    return bad(format!(
                        "arrivals #{n}: a rate must be a number from 0 to {MAX_RATE} per hour, not {r}"
                    ));
                }
            }
        }
        let hours = (self.duration + self.warmup).as_secs_f64() / 3_600.0;
        let most: f64 = self.arrivals.iter().map(|a| a.peak() * hours).sum();
        if most > MAX_ARRIVALS {
            return bad(format!(
                "the arrival rates over this duration make up to {most:.0} customers; a run takes at most {MAX_ARRIVALS} (shorten it or split it)"
            ));
        }
        if self.arrivals.iter().all(|a| a.peak() <= 0.0) && self.replayed.is_empty() {
            return bad("every arrival rate is 0: nobody would arrive".into());
        }
        if let Some(bot) = &self.bot
            && !(0.0..=1.0).contains(&bot.resolves)
        {
            return bad(format!(
                "bot.resolves is a share from 0 to 1, not {}",
                bot.resolves
            ));
        }
        let agents: u64 = self.agents.iter().map(|g| u64::from(g.count)).sum();
        if agents > u64::from(MAX_AGENTS) {
            return bad(format!("at most {MAX_AGENTS} agents, not {agents}"));
        }
        for (i, g) in self.agents.iter().enumerate() {
            if g.shifts.len() > MAX_SHIFTS {
                return bad(format!(
                    "agents #{}: at most {MAX_SHIFTS} shifts a group",
                    i + 1
                ));
            }
            for s in &g.shifts {
                parse_shift(s).map_err(|why| {
                    SimError::Scenario(format!("agents #{}: shift `{s}`: {why}", i + 1))
                })?;
            }
            if let Some(CapacitySpec::Each(0)) = g.capacity {
                return bad(format!("agents #{}: capacity must be at least 1", i + 1));
            }
        }
        Ok(())
    }

    /// Checks each stream's first message as `config`'s engine will: one
    /// it refuses (a blank `lang`, a text over `max_text`, an attribute
    /// with no name, a NaN, or another type than `[contact_attributes]`
    /// declares) it would refuse from every customer of the stream, and
    /// the run would measure none of them.
    pub(crate) fn check_messages(&self, config: &Config) -> Result<(), SimError> {
        if self.arrivals.len() > MAX_STREAMS {
            return Err(SimError::Scenario(format!(
                "at most {MAX_STREAMS} [[arrivals]] streams"
            )));
        }
        for (i, a) in self.arrivals.iter().enumerate() {
            let n = i + 1;
            let from = host::address(&a.channel, i as u32, 0).ok_or_else(|| {
                SimError::Scenario(format!(
                    "arrivals #{n}: no customer address on channel `{}`",
                    a.channel
                ))
            })?;
            a.message(from).check(config).map_err(|e| {
                SimError::Scenario(format!(
                    "arrivals #{n}: the engine refuses its customers' first message: {e}"
                ))
            })?;
        }
        Ok(())
    }
}

/// A daily shift's start and end, minutes of the local day; the end may
/// be before the start (across midnight).
pub(crate) fn parse_shift(s: &str) -> Result<(u32, u32), String> {
    let minute = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 1_440).then_some(h * 60 + m)
    };
    let (from, to) = s
        .split_once('-')
        .ok_or("write a shift as HH:MM-HH:MM, such as 08:00-16:00")?;
    match (minute(from), minute(to)) {
        (Some(a), Some(b)) if a != b => Ok((a, b % 1_440)),
        (Some(_), Some(_)) => Err("a shift's start and end differ".into()),
        _ => Err("write a shift as HH:MM-HH:MM, such as 08:00-16:00".into()),
    }
}
