//! Erlang A: the queue with impatient customers, M/M/N+M.

use std::time::Duration;

use super::{ErlangError, Load, erlang_b};

/// The most conversations in the system Erlang A considers at once (the
/// states of its birth–death chain). Past it, [`Load::erlang_a`] answers
/// [`ErlangError::TooManyStates`]. It bounds the time (well under a
/// second) and memory (about 80 MB at worst) of one computation.
pub const MAX_STATES: u64 = 10_000_000;

/// A term of the chain is dropped once it and everything beyond it adds
/// less than this share of the total: below what an `f64` resolves.
const TAIL: f64 = 1e-17;

/// Rescaling step of the negative-binomial sum: `2^500`.
const SCALE: f64 = 3.273_390_607_896_142e150;

/// The queue M/M/N+M ("Erlang A"): Poisson arrivals at rate `λ`,
/// exponential handle times of mean `1/μ` (the AHT), `N` agents, a
/// first-come-first-served queue, and each waiting customer gives up
/// after an exponentially distributed patience of mean `1/θ`. Made by
/// [`Load::erlang_a`].
///
/// The model is Palm's (C. Palm, 1943, *Intensitätsschwankungen im
/// Fernsprechverkehr*), named Erlang A and analysed by Garnett,
/// Mandelbaum & Reiman (2002, *Designing a call center with impatient
/// customers*, M&SOM 4(3)); the formulas for waiting times follow
/// Zeltyn's and Mandelbaum & Zeltyn's notes on M/M/n+M.
///
/// Unlike Erlang C it settles for any `N`, even `N ≤ A`: the queue stops
/// growing once as many give up as arrive in excess.
///
/// # What it reports
///
/// * [`p_wait`](Self::p_wait) — the share of arrivals who find every
///   agent busy.
/// * [`p_abandon`](Self::p_abandon) — the share of arrivals who give up.
/// * [`service_level`](Self::service_level)`(t)` — **answered within `t`
///   ÷ all arrivals**, abandoners included in the denominator. This is
///   the KPI "answered within threshold ÷ (answered + abandoned)" of
///   [`metrics`](crate::metrics) with no short abandons excluded, so a
///   forecast and a report speak of the same number.
/// * [`asa_secs`](Self::asa_secs) — the mean wait of **answered**
///   customers (those answered at once count 0), as a contact centre's
///   ASA is reported; [`mean_wait_secs`](Self::mean_wait_secs) is the
///   mean time in queue of every arrival, abandoners included (`E[Q]/λ`).
/// * [`waited_at_most`](Self::waited_at_most)`(t)` — the share of
///   arrivals who waited at most `t`, until answered or until they gave
///   up (for "abandoned within the threshold" variants of the KPI).
/// * [`occupancy`](Self::occupancy) — carried load ÷ `N`, where the
///   carried load `A·(1 − P(abandon))` is the mean number of busy agents.
///
/// # Method
///
/// **The number in the system** is a birth–death chain with birth rate
/// `λ` and death rate `min(n, N)·μ + max(n − N, 0)·θ`. Its weights are
/// built by ratios outward from the most likely state (`⌊A⌋` when
/// `A ≤ N`, else `N + ⌊(λ − Nμ)/θ⌋`), so each weight is at most 1 and
/// nothing overflows for any number of agents, and each side stops where
/// the rest of its tail (bounded by a geometric series, the ratios only
/// shrinking) falls below 10⁻¹⁷ of the total. Arrivals see this
/// distribution (PASTA).
///
/// **A customer who arrives with `j` waiting ahead** moves up one place
/// whenever the head of the queue reaches an agent (rate `Nμ`) or one of
/// the `i` ahead gives up (rate `iθ`), and reaches an agent after
/// `T = E₀ + … + E_j`, independent exponentials of rates `Nμ + iθ`,
/// `i = j … 0`, unless their own patience `τ ~ Exp(θ)` runs out first;
/// they wait `min(T, τ)`. Then:
///
/// * `P(answered | j) = P(T < τ) = E[e^{−θT}] = ∏ᵢ (Nμ + iθ)/(Nμ + (i+1)θ)
///   = Nμ / (Nμ + (j+1)θ)` (the product telescopes), and
///   `P(abandon) = Σⱼ pₙ₊ⱼ · (j+1)θ / (Nμ + (j+1)θ)`.
/// * Since `e^{−θs}` times the density of `T` is `P(answered | j)` times
///   the density of `T′ = Σ_{i=1}^{j+1} Exp(Nμ + iθ)` (shift each rate by
///   `θ` in the Laplace transform), `P(answered within t | j) =
///   P(answered | j) · P(T′ ≤ t)` and the mean wait of the answered is
///   `Σ_{i=1}^{j+1} 1/(Nμ + iθ)`.
/// * `T′` is a pure death process with rates `(a + i)θ`, `a = Nμ/θ`:
///   `P(T′ ≤ t) = I_p(j+1, a+1)`, the regularized incomplete beta function
///   at `p = 1 − e^{−θt}` (for whole `a` it is the `(j+1)`-th smallest of
///   `a + j + 1` independent `Exp(θ)`), which is `P(K ≥ j+1)` for `K`
///   negative binomial with `a + 1` successes of probability `e^{−θt}`.
///   Its terms are summed from `K = 0`, `P(K = 0) = e^{−(Nμ+θ)t}`, by
///   their ratios `p·(a + k)/k`, with a running power-of-two scale so
///   nothing underflows before it matters.
///
/// The crate's tests check all of this against an independent solution
/// (the chain's balance equations solved as a linear system, `P(abandon)`
/// as `θ·E[Q]/λ`, and the service level by uniformization of the
/// customer's own Markov chain), and against Erlang C as patience grows.
///
/// # Limits and special cases
///
/// * No load: nobody waits; service level 1, occupancy 0.
/// * Zero agents: everyone waits and gives up; service level 0,
///   occupancy 1 (saturated), speed of answer `f64::INFINITY` (nobody is
///   answered).
/// * Zero patience: the loss system M/M/N/N — whoever finds every agent
///   busy leaves at once: `P(wait) = P(abandon) =` Erlang B, speed of
///   answer 0.
/// * More than [`MAX_STATES`] states: an error, see [`Load::erlang_a`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::plan::erlang::Load;
///
/// // 10 Erlangs on 10 agents: Erlang C would never settle.
/// let load = Load::from_erlangs(10.0, Duration::from_secs(180))?;
/// let q = load.erlang_a(10, Duration::from_secs(120))?;
/// assert!(q.p_abandon() > 0.05 && q.p_abandon() < 0.2);
/// assert!(q.service_level(Duration::from_secs(20)) > 0.5);
/// assert!(q.occupancy() < 1.0);
///
/// // Very patient customers: Erlang C again.
/// let c = load.erlang_c(13);
/// let a = load.erlang_a(13, Duration::from_secs(3600 * 24 * 365))?;
/// assert!((a.p_wait() - c.p_wait()).abs() < 1e-4);
/// # Ok::<(), switchboard::plan::erlang::ErlangError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ErlangA {
    agents: u32,
    erlangs: f64,
    aht: Duration,
    patience: Duration,
    /// `θ/μ` = AHT ÷ mean patience.
    g: f64,
    p_wait: f64,
    p_abandon: f64,
    occupancy: f64,
    mean_queue: f64,
    /// Mean wait of the answered, in handle times.
    asa: f64,
    /// `P(n < N)`: answered at once.
    at_once: f64,
    /// `p_{N+j}` for `j = j_lo …`.
    queue: Vec<f64>,
    j_lo: u64,
}

impl ErlangA {
    pub(crate) fn new(load: &Load, agents: u32, patience: Duration) -> Result<Self, ErlangError> {
        let a = load.erlangs();
        let aht = load.aht();
        let mut q = ErlangA {
            agents,
            erlangs: a,
            aht,
            patience,
            g: 0.0,
            p_wait: 0.0,
            p_abandon: 0.0,
            occupancy: 0.0,
            mean_queue: 0.0,
            asa: 0.0,
            at_once: 1.0,
            queue: Vec::new(),
            j_lo: 0,
        };
        if a == 0.0 {
            return Ok(q);
        }
        if agents == 0 {
            q.p_wait = 1.0;
            q.p_abandon = 1.0;
            q.occupancy = 1.0;
            q.at_once = 0.0;
            q.asa = f64::INFINITY;
            // M/M/∞ at rate θ: Poisson with mean λ/θ.
            q.mean_queue = a * patience.as_secs_f64() / aht.as_secs_f64();
            return Ok(q);
        }
        let n = f64::from(agents);
        if patience.is_zero() {
            let b = erlang_b(a, agents);
            q.p_wait = b;
            q.p_abandon = b;
            q.at_once = 1.0 - b;
            q.occupancy = (a * (1.0 - b) / n).clamp(0.0, 1.0);
            return Ok(q);
        }
        let g = aht.as_secs_f64() / patience.as_secs_f64();
        q.g = g;
        let too_many = || ErlangError::TooManyStates {
            agents,
            erlangs: a,
            aht_s: aht.as_secs_f64(),
            patience_s: patience.as_secs_f64(),
        };
        let (n_lo, probs) = chain(a, agents, g).ok_or_else(too_many)?;

        let big_n = u64::from(agents);
        let (mut at_once, mut p_wait, mut busy, mut eq, mut p_ab) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut queue = Vec::new();
        for (i, &p) in probs.iter().enumerate() {
            let state = n_lo + i as u64;
            if state < big_n {
                at_once += p;
                busy += state as f64 * p;
            } else {
                let j = (state - big_n) as f64;
                let gone = g * (j + 1.0);
                p_wait += p;
                busy += n * p;
                eq += j * p;
                p_ab += p * gone / (n + gone);
                queue.push(p);
            }
        }
        q.j_lo = n_lo.max(big_n) - big_n;
        q.queue = queue;
        q.at_once = at_once.clamp(0.0, 1.0);
        q.p_wait = p_wait.clamp(0.0, 1.0);
        q.p_abandon = p_ab.clamp(0.0, 1.0);
        q.occupancy = (busy / n).clamp(0.0, 1.0);
        q.mean_queue = eq;

        // Mean wait of the answered: Σ p_{N+j} · P(answered | j) · Σ_{i=1}^{j+1} 1/(N + i·g).
        let (mut harmonic, mut waited, mut answered) = (0.0, 0.0, at_once);
        for j in 0..q.j_lo + q.queue.len() as u64 {
            let jf = j as f64;
            harmonic += 1.0 / (n + (jf + 1.0) * g);
            if j >= q.j_lo {
                let p = q.queue[(j - q.j_lo) as usize];
                let served = p * n / (n + g * (jf + 1.0));
                answered += served;
                waited += served * harmonic;
            }
        }
        q.asa = if answered > 0.0 {
            waited / answered
        } else {
            f64::INFINITY
        };
        Ok(q)
    }

    /// The number of agents, `N`.
    pub fn agents(&self) -> u32 {
        self.agents
    }

    /// The load in Erlangs, `A`.
    pub fn erlangs(&self) -> f64 {
        self.erlangs
    }

    /// The mean patience.
    pub fn patience(&self) -> Duration {
        self.patience
    }

    /// The share of arrivals who find every agent busy and wait (however
    /// briefly, and whether answered or not).
    pub fn p_wait(&self) -> f64 {
        self.p_wait
    }

    /// The share of arrivals who give up before an agent answers.
    pub fn p_abandon(&self) -> f64 {
        self.p_abandon
    }

    /// The service level: answered within `t` ÷ all arrivals (abandoners
    /// count against it), computed as in the [type docs](Self).
    pub fn service_level(&self, t: Duration) -> f64 {
        if self.queue.is_empty() {
            return self.at_once;
        }
        let n = f64::from(self.agents);
        let g = self.g;
        let tau = t.as_secs_f64() / self.aht.as_secs_f64();
        // P(T′ ≤ t | j) = P(K ≥ j + 1), K negative binomial with a + 1 successes.
        let mut k = NegativeBinomial::new(n / g, g * tau, -(n + g) * tau);
        let mut sl = self.at_once;
        for j in 0..self.j_lo + self.queue.len() as u64 {
            let below = k.next_cdf();
            if j >= self.j_lo {
                let p_j = self.queue[(j - self.j_lo) as usize];
                sl += p_j * n / (n + g * (j as f64 + 1.0)) * (1.0 - below);
            }
        }
        sl.clamp(0.0, 1.0)
    }

    /// The share of arrivals whose wait — until answered, or until they
    /// gave up — was at most `t`: `P(min(T, τ) ≤ t)` in the
    /// [type docs](Self)' terms. With `j` ahead, `P(min(T, τ) > t) =
    /// P(T > t) · e^{−θt}`, and `T` (rates `(a + i)θ`, `i = 0 … j`) has
    /// `P(T ≤ t) = I_p(j+1, a)`, summed as for the service level with `a`
    /// successes instead of `a + 1`.
    pub fn waited_at_most(&self, t: Duration) -> f64 {
        if self.erlangs == 0.0 || self.patience.is_zero() {
            return 1.0;
        }
        let tau = t.as_secs_f64() / self.aht.as_secs_f64();
        if self.agents == 0 {
            return -(-tau * self.aht.as_secs_f64() / self.patience.as_secs_f64()).exp_m1();
        }
        let n = f64::from(self.agents);
        let g = self.g;
        let gone_by_then = (-g * tau).exp();
        let mut k = NegativeBinomial::new(n / g - 1.0, g * tau, -n * tau);
        let mut done = self.at_once;
        for j in 0..self.j_lo + self.queue.len() as u64 {
            let still_queued = k.next_cdf();
            if j >= self.j_lo {
                let p_j = self.queue[(j - self.j_lo) as usize];
                done += p_j * (1.0 - still_queued * gone_by_then);
            }
        }
        done.clamp(0.0, 1.0)
    }

    /// The mean wait of answered customers in seconds, those answered at
    /// once counting 0; `f64::INFINITY` with zero agents (nobody is
    /// answered).
    pub fn asa_secs(&self) -> f64 {
        self.asa * self.aht.as_secs_f64()
    }

    /// [`asa_secs`](Self::asa_secs) as a duration; `None` with zero
    /// agents.
    pub fn asa(&self) -> Option<Duration> {
        let s = self.asa_secs();
        s.is_finite()
            .then(|| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX))
    }

    /// The mean time in queue of every arrival in seconds, abandoners'
    /// time until they gave up included: `E[Q] / λ` by Little's law.
    pub fn mean_wait_secs(&self) -> f64 {
        self.mean_queue / self.erlangs.max(f64::MIN_POSITIVE) * self.aht.as_secs_f64()
    }

    /// The mean number of customers waiting, `E[Q]`.
    pub fn mean_queue_length(&self) -> f64 {
        self.mean_queue
    }

    /// The share of the agents' time spent handling conversations:
    /// carried load ÷ `N`.
    pub fn occupancy(&self) -> f64 {
        self.occupancy
    }
}

/// `P(K ≤ k)` for `k = 0, 1, 2 …` in turn, `K` negative binomial: the
/// failures of probability `p = 1 − e^{−x}` before `r = r₁ + 1`
/// successes of probability `e^{−x}`. `P(K = 0) = e^{−r·x}` (passed in as
/// its logarithm, computed by the caller without cancellation) and
/// `P(K = k) / P(K = k−1) = p·(r₁ + k)/k`. The running sums carry a
/// power-of-two scale, so a first term that underflows costs nothing.
struct NegativeBinomial {
    p: f64,
    r1: f64,
    log_scale: f64,
    pmf: f64,
    cdf: f64,
    k: u64,
}

impl NegativeBinomial {
    fn new(r1: f64, x: f64, log_first: f64) -> Self {
        NegativeBinomial {
            p: -(-x).exp_m1(),
            r1,
            log_scale: log_first,
            pmf: 1.0,
            cdf: 1.0,
            k: 0,
        }
    }

    /// `P(K ≤ k)` for the next `k`.
    fn next_cdf(&mut self) -> f64 {
        if self.k > 0 {
            let k = self.k as f64;
            self.pmf *= self.p * (self.r1 + k) / k;
            self.cdf += self.pmf;
            if self.cdf > SCALE {
                self.pmf /= SCALE;
                self.cdf /= SCALE;
                self.log_scale += 500.0 * std::f64::consts::LN_2;
            }
        }
        self.k += 1;
        (self.log_scale + self.cdf.ln()).exp().min(1.0)
    }
}

/// The stationary distribution of the number in system, on the window of
/// states where it is not negligible: `(first state, probabilities)`.
/// Time is in handle times (`μ = 1`), so the birth rate is `a` and the
/// death rate `min(n, N) + g·max(n − N, 0)`. `None` past [`MAX_STATES`].
fn chain(a: f64, agents: u32, g: f64) -> Option<(u64, Vec<f64>)> {
    let big_n = u64::from(agents);
    let n = f64::from(agents);
    let death = |m: u64| -> f64 {
        if m <= big_n {
            m as f64
        } else {
            n + g * (m - big_n) as f64
        }
    };
    let mode = if a <= n {
        a.floor() as u64
    } else {
        let extra = ((a - n) / g).floor();
        if extra.is_nan() || extra >= MAX_STATES as f64 {
            return None;
        }
        big_n + extra as u64
    };
    let mut sum = 1.0;
    let mut up = Vec::new();
    let (mut w, mut m) = (1.0_f64, mode);
    loop {
        let r = a / death(m + 1);
        if r < 1.0 && w * r / (1.0 - r) <= TAIL * sum {
            break;
        }
        w *= r;
        if w == 0.0 {
            break;
        }
        up.push(w);
        sum += w;
        m += 1;
        if up.len() as u64 > MAX_STATES {
            return None;
        }
    }
    let mut down = Vec::new();
    let (mut w, mut m) = (1.0_f64, mode);
    while m > 0 {
        let r = death(m) / a;
        if r < 1.0 && w * r / (1.0 - r) <= TAIL * sum {
            break;
        }
        w *= r;
        if w == 0.0 {
            break;
        }
        down.push(w);
        sum += w;
        m -= 1;
        if (down.len() + up.len()) as u64 > MAX_STATES {
            return None;
        }
    }
    let n_lo = mode - down.len() as u64;
    let probs = down
        .iter()
        .rev()
        .chain(std::iter::once(&1.0))
        .chain(up.iter())
        .map(|w| w / sum)
        .collect();
    Some((n_lo, probs))
}
