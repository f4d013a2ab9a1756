//! How many agents a queue needs: the fewest that meet a service-level
//! target, within a maximum occupancy, grossed up for shrinkage, one
//! interval or a whole day of intervals at a time.
//!
//! ```
//! use std::time::Duration;
//! use switchboard::plan::erlang::Load;
//! use switchboard::plan::staffing::{ServiceTarget, Staffing};
//!
//! // 200 calls an hour, 3 minutes each; 80 % answered within 20 s.
//! let load = Load::new(200.0, Duration::from_secs(180))?;
//! let plan = Staffing::new(ServiceTarget::new(0.8, Duration::from_secs(20))?)
//!     .with_max_occupancy(0.85)?
//!     .with_shrinkage(0.3)?;
//! let staffed = plan.solve(&load)?;
//! assert_eq!((staffed.agents, staffed.positions), (14, 20));
//! assert!(staffed.service_level >= 0.8);
//! # Ok::<(), switchboard::plan::staffing::StaffingError>(())
//! ```
//!
//! # The rules
//!
//! 1. **Service level.** The fewest agents `N` whose service level (the
//!    share answered within the threshold) reaches the target: with
//!    Erlang C by default, the search starting at `⌊A⌋ + 1` (the first
//!    `N` that settles) and stepping up one agent at a time, Erlang B
//!    carried along by one step of its recursion each time; with
//!    [`with_patience`](Staffing::with_patience), Erlang A, whose service
//!    level counts abandoners against it (see
//!    [`ErlangA`](super::erlang::ErlangA)) and which may need fewer agents
//!    than Erlangs. Erlang A's service level grows with `N`, so its search
//!    brackets the answer around `⌈A⌉` by doubling steps and bisects.
//!    pyworkforce starts its Erlang C search at `round(A + 1)`, one above
//!    this when `A`'s fraction is ≥ ½; the answers differ only when that
//!    first agent alone already meets the target.
//! 2. **Maximum occupancy.** If `A / N` (Erlang A: carried load ÷ `N`) is
//!    above the maximum, `N` is raised to the fewest that bring it down.
//!    With Erlang C that is `⌈A / max⌉`, pyworkforce's rule (and one more
//!    should rounding leave `A/N` a hair above the maximum).
//! 3. **Chat concurrency** ([`with_concurrency`](Staffing::with_concurrency)):
//!    an agent who handles `k` conversations at once counts as `k`
//!    servers, each with the handle time *measured at that concurrency*
//!    (the time from assignment to close while the agent juggles `k`),
//!    optionally stretched by a slowdown factor when the handle time was
//!    measured one at a time (say 1.3 for three chats at once). Rules 1–2
//!    give servers; the agents are `⌈servers / k⌉`, and every figure is
//!    reported for the `agents · k` servers they bring.
//! 4. **Shrinkage** (breaks, training, absence — the share of paid time
//!    not on the queue): positions `= ⌈agents / (1 − shrinkage)⌉`,
//!    computed in `f64` exactly as pyworkforce does.
//!
//! A load of zero needs no one: 0 agents, 0 positions, service level 1.
//! The search stops at [`MAX_SERVERS`] with [`StaffingError::Unreachable`].

use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;

use super::erlang::{ErlangC, ErlangError, Load, erlang_b};

/// The most servers (agents × concurrency) a search tries before it
/// answers [`StaffingError::Unreachable`].
pub const MAX_SERVERS: u32 = 1_000_000;

/// The most conversations one chat agent may handle at once.
pub const MAX_CONCURRENCY: u32 = 100;

/// Why a staffing question was refused. Each message says what to change.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// The load was refused.
    #[error(transparent)]
    Load(#[from] ErlangError),
    /// The service-level target is not strictly between 0 and 1.
    #[error(
        "the service-level target must be a share strictly between 0 and 1 (0.8 for 80 %), not {0}"
    )]
    Target(f64),
    /// The threshold of the target is negative, NaN or infinite.
    #[error("the service-level threshold must be a finite number of seconds, 0 or more, not {0}")]
    TargetTime(f64),
    /// A target written as text could not be read.
    #[error(
        "a target reads PERCENT/SECONDS, such as 80/20 for 80 % answered within 20 s, not {0:?}"
    )]
    TargetSyntax(String),
    /// The maximum occupancy is not in (0, 1].
    #[error("the maximum occupancy must be more than 0 and at most 1 (0.85 for 85 %), not {0}")]
    MaxOccupancy(f64),
    /// The shrinkage is not in [0, 1).
    #[error("shrinkage must be at least 0 and less than 1 (0.3 for 30 %), not {0}")]
    Shrinkage(f64),
    /// The concurrency is 0 or above [`MAX_CONCURRENCY`].
    #[error(
        "a chat agent handles from 1 to {max} conversations at once, not {0}",
        max = MAX_CONCURRENCY
    )]
    Concurrency(u32),
    /// The slowdown factor is not a finite number > 0.
    #[error("the slowdown factor must be a finite number above 0 (1 = no slowdown), not {0}")]
    Slowdown(f64),
    /// Even [`MAX_SERVERS`] servers do not meet the target or the
    /// occupancy cap.
    #[error(
        "meeting the target for {erlangs} Erlangs needs more than {max} servers: check the units \
         (rate per hour, handle time in seconds) or split the queue",
        max = MAX_SERVERS
    )]
    Unreachable {
        /// The load in Erlangs.
        erlangs: f64,
    },
    /// Grossing the agents up for shrinkage overflows a `u32`.
    #[error(
        "with shrinkage {shrinkage}, {agents} agents need more than {max} positions: lower the shrinkage",
        max = u32::MAX
    )]
    TooManyPositions {
        /// The agents needed on the queue.
        agents: u32,
        /// The shrinkage.
        shrinkage: f64,
    },
    /// One interval of [`Staffing::solve_intervals`] failed.
    #[error("interval {index}: {source}")]
    Interval {
        /// Its index in the slice (0-based).
        index: usize,
        /// Why.
        source: Box<StaffingError>,
    },
}

/// A service-level target: a share of conversations answered within a
/// threshold ("80/20": 80 % within 20 seconds).
///
/// ```
/// use std::time::Duration;
/// use switchboard::plan::staffing::ServiceTarget;
///
/// let t: ServiceTarget = "80/20".parse()?;
/// assert_eq!((t.level(), t.within()), (0.8, Duration::from_secs(20)));
/// assert!("100/20".parse::<ServiceTarget>().is_err());
/// # Ok::<(), switchboard::plan::staffing::StaffingError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceTarget {
    level: f64,
    within: Duration,
}

impl ServiceTarget {
    /// `level` (a share strictly between 0 and 1) answered within
    /// `within`.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Target`] for a level outside (0, 1).
    pub fn new(level: f64, within: Duration) -> Result<ServiceTarget, StaffingError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(StaffingError::Target(level));
        }
        Ok(ServiceTarget { level, within })
    }

    /// As [`new`](Self::new) with the threshold in seconds.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Target`], or [`StaffingError::TargetTime`] for a
    /// negative, NaN or infinite (or unrepresentably large) threshold.
    pub fn from_secs(level: f64, within_secs: f64) -> Result<ServiceTarget, StaffingError> {
        let within = Duration::try_from_secs_f64(within_secs)
            .map_err(|_| StaffingError::TargetTime(within_secs))?;
        ServiceTarget::new(level, within)
    }

    /// The share to answer within the threshold.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The threshold.
    pub fn within(&self) -> Duration {
        self.within
    }
}

impl FromStr for ServiceTarget {
    type Err = StaffingError;

    /// Reads `PERCENT/SECONDS`, such as `80/20`; a `%` after the percentage
    /// and an `s` after the seconds are allowed.
    fn from_str(s: &str) -> Result<ServiceTarget, StaffingError> {
        let syntax = || StaffingError::TargetSyntax(s.to_owned());
        let (pct, secs) = s.split_once('/').ok_or_else(syntax)?;
        let pct = pct.trim();
        let pct: f64 = pct
            .strip_suffix('%')
            .unwrap_or(pct)
            .trim()
            .parse()
            .map_err(|_| syntax())?;
        let secs = secs.trim();
        let secs: f64 = secs
            .strip_suffix('s')
            .unwrap_or(secs)
            .trim()
            .parse()
            .map_err(|_| syntax())?;
        ServiceTarget::from_secs(pct / 100.0, secs)
    }
}

/// What bound the answer of a [`Staffing`] question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Limit {
    /// The service-level target.
    ServiceLevel,
    /// The maximum occupancy: the target alone needed fewer.
    Occupancy,
    /// There was no load: nobody is needed.
    NoLoad,
}

/// The answer for one interval: the agents needed and what they achieve.
/// Serialized with `asa_s` for [`asa`](Self::asa).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Staffed {
    /// Agents on the queue (before shrinkage).
    pub agents: u32,
    /// Positions to schedule: `⌈agents / (1 − shrinkage)⌉`.
    pub positions: u32,
    /// Servers: agents × concurrency (the same as `agents` for voice).
    pub servers: u32,
    /// The share answered within the threshold.
    pub service_level: f64,
    /// The probability of waiting at all.
    pub p_wait: f64,
    /// The average speed of answer in seconds: Erlang C's mean wait over
    /// all customers; with patience, the mean wait of the answered.
    #[serde(rename = "asa_s")]
    pub asa: f64,
    /// Occupancy of the servers: `A / servers`, or carried load ÷ servers
    /// with patience.
    pub occupancy: f64,
    /// The share who give up: 0 without patience (Erlang C assumes
    /// nobody does).
    pub p_abandon: f64,
    /// The load in Erlangs, after any chat slowdown.
    pub erlangs: f64,
    /// What bound the answer.
    pub limited_by: Limit,
}

/// A staffing question: the target and the rules around it. Build it
/// once, then [`solve`](Self::solve) for one load or
/// [`solve_intervals`](Self::solve_intervals) for a day. The rules are in
/// the [module docs](self).
///
/// ```
/// use std::time::Duration;
/// use switchboard::plan::erlang::Load;
/// use switchboard::plan::staffing::{ServiceTarget, Staffing};
///
/// let aht = Duration::from_secs(300);
/// let day: Vec<Load> = [0.0, 40.0, 120.0, 90.0]
///     .iter()
///     .map(|&per_hour| Load::new(per_hour, aht))
///     .collect::<Result<_, _>>()?;
/// let plan = Staffing::new("80/20".parse()?);
/// let agents: Vec<u32> = plan.solve_intervals(&day)?.iter().map(|s| s.agents).collect();
/// assert_eq!(agents, [0, 6, 14, 11]);
///
/// // Chat: three conversations at once, 30 % slower each.
/// let chat = Staffing::new("80/60".parse()?).with_concurrency(3, 1.3)?;
/// let s = chat.solve(&Load::new(120.0, aht)?)?;
/// assert_eq!(s.servers, s.agents * 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Staffing {
    target: ServiceTarget,
    max_occupancy: f64,
    shrinkage: f64,
    patience: Option<Duration>,
    concurrency: u32,
    slowdown: f64,
}

impl Staffing {
    /// Erlang C staffing for `target`, no occupancy cap, no shrinkage,
    /// one conversation per agent.
    pub fn new(target: ServiceTarget) -> Staffing {
        Staffing {
            target,
            max_occupancy: 1.0,
            shrinkage: 0.0,
            patience: None,
            concurrency: 1,
            slowdown: 1.0,
        }
    }

    /// Caps occupancy at `max` (0.85: agents busy at most 85 % of the
    /// time).
    ///
    /// # Errors
    ///
    /// [`StaffingError::MaxOccupancy`] unless `0 < max ≤ 1`.
    pub fn with_max_occupancy(self, max: f64) -> Result<Staffing, StaffingError> {
        if !(max > 0.0 && max <= 1.0) {
            return Err(StaffingError::MaxOccupancy(max));
        }
        Ok(Staffing {
            max_occupancy: max,
            ..self
        })
    }

    /// Grosses agents up to positions for `shrinkage`, the share of paid
    /// time not spent on the queue.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Shrinkage`] unless `0 ≤ shrinkage < 1`.
    pub fn with_shrinkage(self, shrinkage: f64) -> Result<Staffing, StaffingError> {
        if !(0.0..1.0).contains(&shrinkage) {
            return Err(StaffingError::Shrinkage(shrinkage));
        }
        Ok(Staffing {
            shrinkage: shrinkage + 0.0,
            ..self
        })
    }

    /// Customers give up after a patience of mean `patience`
    /// (exponentially distributed): Erlang A instead of Erlang C. Zero
    /// patience means nobody waits (the loss system, Erlang B).
    pub fn with_patience(self, patience: Duration) -> Staffing {
        Staffing {
            patience: Some(patience),
            ..self
        }
    }

    /// Chat agents handle `concurrency` conversations at once, each
    /// taking the handle time times `slowdown` (1 when the handle time was
    /// measured at that concurrency).
    ///
    /// # Errors
    ///
    /// [`StaffingError::Concurrency`] unless `1 ≤ concurrency ≤`
    /// [`MAX_CONCURRENCY`], [`StaffingError::Slowdown`] unless the factor
    /// is finite and above 0.
    pub fn with_concurrency(
        self,
        concurrency: u32,
        slowdown: f64,
    ) -> Result<Staffing, StaffingError> {
        if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
            return Err(StaffingError::Concurrency(concurrency));
        }
        if !(slowdown.is_finite() && slowdown > 0.0) {
            return Err(StaffingError::Slowdown(slowdown));
        }
        Ok(Staffing {
            concurrency,
            slowdown,
            ..self
        })
    }

    /// The target.
    pub fn target(&self) -> ServiceTarget {
        self.target
    }

    /// The agents needed for `load`, and what they achieve.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Unreachable`] past [`MAX_SERVERS`],
    /// [`StaffingError::TooManyPositions`] if shrinkage overflows,
    /// [`StaffingError::Load`] if the slowdown makes the load too large or
    /// Erlang A too many states ([`ErlangError::TooManyStates`]).
    pub fn solve(&self, load: &Load) -> Result<Staffed, StaffingError> {
        let load = if self.slowdown == 1.0 {
            *load
        } else {
            load.with_aht_scaled(self.slowdown)?
        };
        let a = load.erlangs();
        if a == 0.0 {
            return Ok(Staffed {
                agents: 0,
                positions: 0,
                servers: 0,
                service_level: 1.0,
                p_wait: 0.0,
                asa: 0.0,
                occupancy: 0.0,
                p_abandon: 0.0,
                erlangs: 0.0,
                limited_by: Limit::NoLoad,
            });
        }
        let unreachable = StaffingError::Unreachable { erlangs: a };
        let for_target = match self.patience {
            None => self.erlang_c_servers(&load)?,
            Some(p) => self.erlang_a_servers(&load, p)?,
        };
        let servers = match self.patience {
            None => occupancy_c(a, for_target, self.max_occupancy)?,
            Some(p) => occupancy_a(&load, p, for_target, self.max_occupancy)?,
        };
        let limited_by = if servers > for_target {
            Limit::Occupancy
        } else {
            Limit::ServiceLevel
        };
        let k = self.concurrency;
        let agents = servers.div_ceil(k);
        let servers = agents
            .checked_mul(k)
            .filter(|&s| s <= MAX_SERVERS)
            .ok_or(unreachable)?;
        let positions = (f64::from(agents) / (1.0 - self.shrinkage)).ceil();
        if positions.is_nan() || positions > f64::from(u32::MAX) {
            return Err(StaffingError::TooManyPositions {
                agents,
                shrinkage: self.shrinkage,
            });
        }
        let within = self.target.within;
        let (service_level, p_wait, asa, occupancy, p_abandon) = match self.patience {
            None => {
                let q = load.erlang_c(servers);
                let sl = q.service_level(within);
                (sl, q.p_wait(), q.asa_secs(), q.occupancy(), 0.0)
            }
            Some(p) => {
                let q = load.erlang_a(servers, p)?;
                let sl = q.service_level(within);
                (sl, q.p_wait(), q.asa_secs(), q.occupancy(), q.p_abandon())
            }
        };
        Ok(Staffed {
            agents,
            positions: positions as u32,
            servers,
            service_level,
            p_wait,
            asa,
            occupancy,
            p_abandon,
            erlangs: a,
            limited_by,
        })
    }

    /// [`solve`](Self::solve) for each interval's load, in order.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Interval`] naming the first interval that failed.
    pub fn solve_intervals(&self, loads: &[Load]) -> Result<Vec<Staffed>, StaffingError> {
        loads
            .iter()
            .enumerate()
            .map(|(index, load)| {
                self.solve(load).map_err(|e| StaffingError::Interval {
                    index,
                    source: Box::new(e),
                })
            })
            .collect()
    }

    /// The fewest servers meeting the target with Erlang C: from the first
    /// that settles, one at a time, Erlang B stepped along.
    fn erlang_c_servers(&self, load: &Load) -> Result<u32, StaffingError> {
        let a = load.erlangs();
        let unreachable = StaffingError::Unreachable { erlangs: a };
        let mut n = a.floor() as u32 + 1;
        if n > MAX_SERVERS {
            return Err(unreachable);
        }
        let mut b = erlang_b(a, n);
        loop {
            let q = ErlangC::new(load, n, b);
            if q.service_level(self.target.within) >= self.target.level {
                return Ok(n);
            }
            n += 1;
            if n > MAX_SERVERS {
                return Err(unreachable);
            }
            let ab = a * b;
            b = ab / (f64::from(n) + ab);
        }
    }

    /// The fewest servers meeting the target with Erlang A: bracket around
    /// `⌈A⌉` by doubling steps, then bisect (service level grows with `N`).
    fn erlang_a_servers(&self, load: &Load, patience: Duration) -> Result<u32, StaffingError> {
        let (level, within) = (self.target.level, self.target.within);
        let meets = |n: u32| -> Result<bool, StaffingError> {
            Ok(load.erlang_a(n, patience)?.service_level(within) >= level)
        };
        let unreachable = StaffingError::Unreachable {
            erlangs: load.erlangs(),
        };
        lowest(load.erlangs(), meets, unreachable)
    }
}

/// The fewest `n` in `1..=MAX_SERVERS` for which `meets(n)` holds, given
/// that it is monotone and fails at 0; the search starts at `⌈guess⌉`.
fn lowest(
    guess: f64,
    mut meets: impl FnMut(u32) -> Result<bool, StaffingError>,
    unreachable: StaffingError,
) -> Result<u32, StaffingError> {
    let start = (guess.ceil().max(1.0) as u32).min(MAX_SERVERS);
    let (mut lo, mut hi);
    let mut step = 1u32;
    if meets(start)? {
        hi = start;
        loop {
            let cand = hi.saturating_sub(step);
            if cand == 0 {
                lo = 0;
                break;
            }
            if meets(cand)? {
                hi = cand;
                step = step.saturating_mul(2);
            } else {
                lo = cand;
                break;
            }
        }
    } else {
        lo = start;
        loop {
            let cand = lo.saturating_add(step).min(MAX_SERVERS);
            if cand == lo {
                return Err(unreachable);
            }
            if meets(cand)? {
                hi = cand;
                break;
            }
            lo = cand;
            step = step.saturating_mul(2);
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// Erlang C servers raised to `⌈A / max⌉` if `A / n` is above `max`.
fn occupancy_c(a: f64, n: u32, max: f64) -> Result<u32, StaffingError> {
    if a / f64::from(n) <= max {
        return Ok(n);
    }
    let mut m = (a / max).ceil();
    if a / m > max {
        m += 1.0;
    }
    if m.is_nan() || m > f64::from(MAX_SERVERS) {
        return Err(StaffingError::Unreachable { erlangs: a });
    }
    Ok((m as u32).max(n))
}

/// Erlang A servers raised to the fewest whose occupancy (carried load ÷
/// servers, falling with servers) is at most `max`.
fn occupancy_a(load: &Load, patience: Duration, n: u32, max: f64) -> Result<u32, StaffingError> {
    let occ =
        |m: u32| -> Result<f64, StaffingError> { Ok(load.erlang_a(m, patience)?.occupancy()) };
    if occ(n)? <= max {
        return Ok(n);
    }
    let a = load.erlangs();
    let unreachable = StaffingError::Unreachable { erlangs: a };
    // Carried load ≤ A, so ⌈A / max⌉ (one more against rounding) is enough.
    let ceiling = ((a / max).ceil() + 1.0).min(f64::from(MAX_SERVERS)) as u32;
    if ceiling <= n || occ(ceiling)? > max {
        return Err(unreachable);
    }
    let (mut lo, mut hi) = (n, ceiling);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if occ(mid)? <= max {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}
