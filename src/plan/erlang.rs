//! Erlang B, C and A: what a queue with a given load and number of agents
//! does — how many wait, how long, how busy the agents are and, with
//! impatient customers, how many give up.
//!
//! Start from a [`Load`]: an arrival rate and an average handle time (or
//! the load in Erlangs directly). Then ask it about `N` agents:
//!
//! * [`Load::erlang_b`] — the blocking probability of the loss system
//!   M/M/N/N, the building block of the other two.
//! * [`Load::erlang_c`] — the queue M/M/N where nobody gives up:
//!   probability of waiting, service level, speed of answer, occupancy,
//!   mean queue length ([`ErlangC`]).
//! * [`Load::erlang_a`] — the queue M/M/N+M where each customer gives up
//!   after an exponentially distributed patience: the same figures plus
//!   the probability of abandoning ([`ErlangA`]).
//!
//! # The formulas (Erlang C)
//!
//! These are the standard ones (A. K. Erlang, 1917; any queueing text,
//! e.g. Gross & Harris, *Fundamentals of Queueing Theory*, § 2.3), written
//! as the reference rows in the crate's tests use them:
//!
//! * offered load `A = λ · AHT` Erlangs (λ and AHT in the same unit);
//! * Erlang B by the stable recursion `B(0) = 1`,
//!   `B(k) = A·B(k−1) / (k + A·B(k−1))` — no factorials or powers, so it
//!   neither overflows nor loses precision for thousands of agents;
//! * probability of waiting `C = N·B / (N − A·(1 − B))`;
//! * `P(wait > t) = C · exp(−(N − A)·t / AHT)`, service level
//!   `SL(t) = P(wait ≤ t) = 1 − P(wait > t)`;
//! * average speed of answer `ASA = C · AHT / (N − A)` (the mean wait of
//!   every customer, those answered at once counting 0);
//! * occupancy `A / N`; mean queue length `Lq = C · A / (N − A)`.
//!
//! They hold only while `N > A`. With `N ≤ A` the queue grows without
//! bound; this module then answers, as most implementations do (and
//! unlike pyworkforce, which raises): probability of waiting 1, service
//! level 0, speed of answer and queue length `f64::INFINITY` (and
//! [`ErlangC::asa`] is `None`), occupancy 1. No figure is ever NaN.
//!
//! A load of zero is allowed (a night interval with no traffic): nobody
//! waits, service level 1, occupancy 0, with any number of agents.
//!
//! Erlang A and its sources are described on [`ErlangA`].
//!
//! # Limits
//!
//! A load is at most [`MAX_ERLANGS`]; the Erlang B recursion stops as soon
//! as its value underflows to zero, so any `u32` number of agents takes at
//! most about `A + 40·√A` steps.

use std::time::Duration;

mod abandon;

pub use abandon::{ErlangA, MAX_STATES};

/// The largest load, in Erlangs, a [`Load`] accepts: ten million agents'
/// worth of work, far beyond any contact centre, and small enough that
/// every computation here ends within a fraction of a second.
pub const MAX_ERLANGS: f64 = 10_000_000.0;

/// Why a [`Load`] or a queue computation was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErlangError {
    /// The arrival rate is negative, NaN or infinite. Pass the number of
    /// arrivals per hour as a finite number ≥ 0.
    #[error("the arrival rate must be a finite number of arrivals per hour, 0 or more, not {0}")]
    Rate(f64),
    /// The average handle time is zero. Pass the mean time an agent spends
    /// on one conversation, wrap-up included.
    #[error("the average handle time must be more than zero")]
    HandleTime,
    /// The interval of [`Load::per_interval`] is zero.
    #[error("the interval must be more than zero")]
    Interval,
    /// The load in Erlangs is negative, NaN, infinite or above
    /// [`MAX_ERLANGS`]. Check the units: the rate is per hour.
    #[error(
        "the load must be a finite number of Erlangs from 0 to {max}, not {0} \
         (the rate is per hour and the handle time in seconds: check the units)",
        max = MAX_ERLANGS
    )]
    Load(f64),
    /// The factor of [`Load::with_aht_scaled`] is not a finite number
    /// above 0.
    #[error("the handle-time factor must be a finite number above 0 (1 = unchanged), not {0}")]
    Scale(f64),
    /// Erlang A would have to consider more than [`MAX_STATES`]
    /// conversations in the system at once: patience is so long, compared
    /// with the handle time, and the agents so few, that the queue holds
    /// millions. Add agents, or use Erlang C (no abandonment).
    #[error(
        "the queue would hold more than {max} conversations (patience {patience_s} s against a \
         handle time of {aht_s} s with {agents} agents for {erlangs} Erlangs): add agents, or \
         leave patience out to use Erlang C",
        max = MAX_STATES
    )]
    TooManyStates {
        /// The agents asked about.
        agents: u32,
        /// The load in Erlangs.
        erlangs: f64,
        /// The average handle time in seconds.
        aht_s: f64,
        /// The mean patience in seconds.
        patience_s: f64,
    },
}

/// Work offered to a queue: an arrival rate and the average handle time
/// of one conversation. Its product is the load in Erlangs, the mean
/// number of agents the work keeps busy.
///
/// ```
/// use std::time::Duration;
/// use switchboard::plan::erlang::Load;
///
/// // 200 calls an hour, 3 minutes each: 10 Erlangs.
/// let load = Load::new(200.0, Duration::from_secs(180))?;
/// assert_eq!(load.erlangs(), 10.0);
/// // The same from 100 calls in a half-hour interval.
/// let same = Load::per_interval(100.0, Duration::from_secs(1800), Duration::from_secs(180))?;
/// assert_eq!(same.erlangs(), 10.0);
/// # Ok::<(), switchboard::plan::erlang::ErlangError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Load {
    per_hour: f64,
    aht: Duration,
    erlangs: f64,
}

impl Load {
    /// The load of `per_hour` arrivals an hour, each taking `aht` on
    /// average: `per_hour · aht / 1 h` Erlangs.
    ///
    /// # Errors
    ///
    /// [`ErlangError::Rate`] for a negative, NaN or infinite rate,
    /// [`ErlangError::HandleTime`] for a zero handle time,
    /// [`ErlangError::Load`] above [`MAX_ERLANGS`].
    pub fn new(per_hour: f64, aht: Duration) -> Result<Load, ErlangError> {
        if !(per_hour.is_finite() && per_hour >= 0.0) {
            return Err(ErlangError::Rate(per_hour));
        }
        if aht.is_zero() {
            return Err(ErlangError::HandleTime);
        }
        let erlangs = per_hour * aht.as_secs_f64() / 3600.0;
        if erlangs.is_nan() || erlangs > MAX_ERLANGS {
            return Err(ErlangError::Load(erlangs));
        }
        // `+ 0.0` turns a negative zero into zero.
        Ok(Load {
            per_hour: per_hour + 0.0,
            aht,
            erlangs: erlangs + 0.0,
        })
    }

    /// The load of `count` arrivals in an interval of length `interval`
    /// (a forecast's bucket), each taking `aht`. Erlang formulas describe
    /// the steady state, so only the rate matters: `count` per
    /// `interval` is turned into a rate per hour.
    ///
    /// # Errors
    ///
    /// As [`Load::new`], and [`ErlangError::Interval`] for a zero interval.
    pub fn per_interval(
        count: f64,
        interval: Duration,
        aht: Duration,
    ) -> Result<Load, ErlangError> {
        if interval.is_zero() {
            return Err(ErlangError::Interval);
        }
        if !(count.is_finite() && count >= 0.0) {
            return Err(ErlangError::Rate(count));
        }
        Load::new(count * 3600.0 / interval.as_secs_f64(), aht)
    }

    /// The load given in Erlangs, with the handle time the waiting times
    /// are measured in.
    ///
    /// # Errors
    ///
    /// [`ErlangError::Load`] unless `0 ≤ erlangs ≤ MAX_ERLANGS`,
    /// [`ErlangError::HandleTime`] for a zero handle time.
    pub fn from_erlangs(erlangs: f64, aht: Duration) -> Result<Load, ErlangError> {
        if !(0.0..=MAX_ERLANGS).contains(&erlangs) {
            return Err(ErlangError::Load(erlangs));
        }
        if aht.is_zero() {
            return Err(ErlangError::HandleTime);
        }
        Ok(Load {
            per_hour: erlangs * 3600.0 / aht.as_secs_f64() + 0.0,
            aht,
            erlangs: erlangs + 0.0,
        })
    }

    /// The load in Erlangs, `A`.
    pub fn erlangs(&self) -> f64 {
        self.erlangs
    }

    /// Arrivals per hour.
    pub fn per_hour(&self) -> f64 {
        self.per_hour
    }

    /// The average handle time.
    pub fn aht(&self) -> Duration {
        self.aht
    }

    /// The same work with every conversation taking `factor` times as
    /// long (a chat agent slowed down by juggling several conversations).
    ///
    /// # Errors
    ///
    /// [`ErlangError::Scale`] unless the factor is a finite number > 0,
    /// [`ErlangError::Load`] if the load would exceed [`MAX_ERLANGS`],
    /// [`ErlangError::HandleTime`] if the handle time would round to zero.
    pub fn with_aht_scaled(&self, factor: f64) -> Result<Load, ErlangError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(ErlangError::Scale(factor));
        }
        let aht = Duration::try_from_secs_f64(self.aht.as_secs_f64() * factor)
            .map_err(|_| ErlangError::Load(self.erlangs * factor))?;
        Load::new(self.per_hour, aht)
    }

    /// Erlang B: the probability that all `agents` are busy in the loss
    /// system M/M/N/N (a customer who finds them busy is turned away).
    /// Computed by the recursion in the [module docs](self); 1 for zero
    /// agents, 0 for zero load and at least one agent.
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard::plan::erlang::Load;
    ///
    /// let load = Load::from_erlangs(123.0, Duration::from_secs(300))?;
    /// assert!((load.erlang_b(132) - 0.031242821).abs() < 1e-9);
    /// # Ok::<(), switchboard::plan::erlang::ErlangError>(())
    /// ```
    pub fn erlang_b(&self, agents: u32) -> f64 {
        erlang_b(self.erlangs, agents)
    }

    /// Erlang C: the queue M/M/N with `agents` agents, where nobody gives
    /// up. See [`ErlangC`] for the figures.
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard::plan::erlang::Load;
    ///
    /// // 10 Erlangs, 14 agents: pyworkforce's documented example.
    /// let q = Load::from_erlangs(10.0, Duration::from_secs(180))?.erlang_c(14);
    /// assert!((q.p_wait() - 0.1741319).abs() < 1e-7);
    /// assert!((q.service_level(Duration::from_secs(20)) - 0.8883500).abs() < 1e-7);
    /// assert!((q.asa_secs() - 7.8359370).abs() < 1e-6);
    /// assert!((q.occupancy() - 10.0 / 14.0).abs() < 1e-15);
    ///
    /// // Fewer agents than Erlangs: the queue never empties.
    /// let over = Load::from_erlangs(10.0, Duration::from_secs(180))?.erlang_c(10);
    /// assert_eq!((over.p_wait(), over.service_level(Duration::from_secs(20))), (1.0, 0.0));
    /// assert_eq!(over.asa(), None);
    /// # Ok::<(), switchboard::plan::erlang::ErlangError>(())
    /// ```
    pub fn erlang_c(&self, agents: u32) -> ErlangC {
        ErlangC::new(self, agents, erlang_b(self.erlangs, agents))
    }

    /// Erlang A: the queue M/M/N+M with `agents` agents where customers
    /// give up after an exponentially distributed patience of mean
    /// `patience`. See [`ErlangA`] for the figures and the method.
    ///
    /// # Errors
    ///
    /// [`ErlangError::TooManyStates`] when the queue would hold more than
    /// [`MAX_STATES`] conversations (patience very long against the
    /// handle time, agents far fewer than the load).
    pub fn erlang_a(&self, agents: u32, patience: Duration) -> Result<ErlangA, ErlangError> {
        ErlangA::new(self, agents, patience)
    }
}

/// Erlang B by the recursion `B(k) = A·B(k−1) / (k + A·B(k−1))`, stopping
/// once it underflows to zero (it stays zero from there).
pub(crate) fn erlang_b(erlangs: f64, agents: u32) -> f64 {
    let mut b = 1.0_f64;
    for k in 1..=agents {
        let ab = erlangs * b;
        b = ab / (f64::from(k) + ab);
        if b == 0.0 {
            break;
        }
    }
    b
}

/// Erlang C's probability of waiting from Erlang B, for `agents > erlangs`.
pub(crate) fn erlang_c_from_b(erlangs: f64, agents: u32, b: f64) -> f64 {
    let n = f64::from(agents);
    let c = n * b / (n - erlangs * (1.0 - b));
    c.clamp(0.0, 1.0)
}

/// The queue M/M/N: Poisson arrivals, exponential handle times, `N`
/// agents, an unlimited queue served first come, first served, and
/// nobody giving up. Made by [`Load::erlang_c`]; the formulas are in the
/// [module docs](self).
///
/// Every figure is a finite number in its range except the speed of
/// answer and the queue length, which are `f64::INFINITY` when
/// `N ≤ A` (and `N ≥ 1` or the load is not zero).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangC {
    agents: u32,
    erlangs: f64,
    aht: Duration,
    erlang_b: f64,
    p_wait: f64,
}

impl ErlangC {
    pub(crate) fn new(load: &Load, agents: u32, erlang_b: f64) -> ErlangC {
        let a = load.erlangs;
        let p_wait = if a == 0.0 {
            0.0
        } else if f64::from(agents) <= a {
            1.0
        } else {
            erlang_c_from_b(a, agents, erlang_b)
        };
        ErlangC {
            agents,
            erlangs: a,
            aht: load.aht,
            erlang_b,
            p_wait,
        }
    }

    /// The number of agents, `N`.
    pub fn agents(&self) -> u32 {
        self.agents
    }

    /// The load in Erlangs, `A`.
    pub fn erlangs(&self) -> f64 {
        self.erlangs
    }

    /// Whether the queue settles (`N > A`, or no load at all). When it
    /// does not, the figures are the documented limits.
    pub fn is_stable(&self) -> bool {
        self.erlangs == 0.0 || f64::from(self.agents) > self.erlangs
    }

    /// Erlang B for the same load and agents.
    pub fn erlang_b(&self) -> f64 {
        self.erlang_b
    }

    /// The probability that a customer waits at all, `C(N, A)`.
    pub fn p_wait(&self) -> f64 {
        self.p_wait
    }

    /// `(N − A) / AHT · t`, the exponent of the waiting-time tail (finite
    /// and ≥ 0 whenever the queue is stable).
    fn decay(&self, t: Duration) -> f64 {
        (f64::from(self.agents) - self.erlangs) * (t.as_secs_f64() / self.aht.as_secs_f64())
    }

    /// The probability that a customer waits longer than `t`:
    /// `C · exp(−(N − A)·t / AHT)`; 1 when the queue is unstable.
    pub fn p_wait_longer_than(&self, t: Duration) -> f64 {
        if !self.is_stable() {
            return 1.0;
        }
        if self.p_wait == 0.0 {
            return 0.0;
        }
        (self.p_wait * (-self.decay(t)).exp()).clamp(0.0, 1.0)
    }

    /// The service level: the share of customers answered within `t`,
    /// `1 − C · exp(−(N − A)·t / AHT)`; 0 when the queue is unstable.
    pub fn service_level(&self, t: Duration) -> f64 {
        1.0 - self.p_wait_longer_than(t)
    }

    /// The average speed of answer in seconds, `C · AHT / (N − A)`: the
    /// mean wait over all customers. `f64::INFINITY` when the queue is
    /// unstable.
    pub fn asa_secs(&self) -> f64 {
        if self.erlangs == 0.0 {
            return 0.0;
        }
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.p_wait * self.aht.as_secs_f64() / (f64::from(self.agents) - self.erlangs)
    }

    /// The average speed of answer; `None` when the queue is unstable
    /// (it grows without bound), [`Duration::MAX`] if finite but beyond
    /// what a `Duration` holds.
    pub fn asa(&self) -> Option<Duration> {
        let s = self.asa_secs();
        s.is_finite()
            .then(|| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX))
    }

    /// The share of the agents' time spent handling conversations,
    /// `A / N`; 1 when the queue is unstable (including zero agents with
    /// some load), 0 without load.
    pub fn occupancy(&self) -> f64 {
        if self.erlangs == 0.0 {
            0.0
        } else if !self.is_stable() {
            1.0
        } else {
            self.erlangs / f64::from(self.agents)
        }
    }

    /// The mean number of customers waiting, `C · A / (N − A)`;
    /// `f64::INFINITY` when the queue is unstable.
    pub fn mean_queue_length(&self) -> f64 {
        if self.erlangs == 0.0 {
            return 0.0;
        }
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.p_wait * self.erlangs / (f64::from(self.agents) - self.erlangs)
    }
}
