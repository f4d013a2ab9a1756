//! Distributions of durations: handle times, patience, accept and bot
//! delays.

use std::time::Duration;

use rand_distr::{Distribution, Exp, LogNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::SimError;
use crate::config::duration::{serde_str, vec_str};

/// The longest duration a distribution draws: longer draws are cut to it
/// (a patience or handle time of ten years is as good as forever in a
/// simulation, and keeps every instant far from the end of time).
pub const MAX_DRAW: Duration = Duration::from_secs(10 * 365 * 24 * 3_600);

/// Most values an empirical distribution holds.
pub const MAX_EMPIRICAL: usize = 1_000_000;

/// A distribution of durations, written in a scenario as
/// `{ distribution = "exponential", mean = "180s" }`.
///
/// * `fixed`: always `value`.
/// * `exponential`: exponential with `mean` (the M in M/M/c).
/// * `lognormal`: log-normal with the given `mean` and standard deviation
///   `sd` (the parameters workforce tools and handle-time reports give;
///   the underlying normal has σ² = ln(1 + sd²/mean²) and
///   μ = ln(mean) − σ²/2).
/// * `empirical`: one of `values`, each equally likely (handle times from
///   history: see [`Dist::empirical`]).
///
/// ```
/// use std::time::Duration;
/// use switchboard::plan::sim::Dist;
///
/// let d: Dist = toml::from_str(r#"distribution = "lognormal"
/// mean = "5m"
/// sd = "3m""#)?;
/// assert_eq!(d.mean(), Duration::from_secs(300));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Dist {
    /// Always the same.
    Fixed {
        /// The duration.
        #[serde(with = "serde_str")]
        value: Duration,
    },
    /// Exponential.
    Exponential {
        /// Its mean.
        #[serde(with = "serde_str")]
        mean: Duration,
    },
    /// Log-normal, by mean and standard deviation.
    #[serde(rename = "lognormal")]
    LogNormal {
        /// Its mean.
        #[serde(with = "serde_str")]
        mean: Duration,
        /// Its standard deviation.
        #[serde(with = "serde_str")]
        sd: Duration,
    },
    /// Drawn from observed values, each equally likely.
    Empirical {
        /// The values.
        #[serde(with = "vec_str")]
        values: Vec<Duration>,
    },
}

impl Dist {
    /// Always `value`.
    pub fn fixed(value: Duration) -> Dist {
        Dist::Fixed { value }
    }

    /// Exponential with `mean`.
    pub fn exponential(mean: Duration) -> Dist {
        Dist::Exponential { mean }
    }

    /// Log-normal with `mean` and standard deviation `sd`.
    pub fn lognormal(mean: Duration, sd: Duration) -> Dist {
        Dist::LogNormal { mean, sd }
    }

    /// Observed values, for example the handle times of a queue in a KPI
    /// report's conversation rows.
    pub fn empirical(values: impl IntoIterator<Item = Duration>) -> Dist {
        Dist::Empirical {
            values: values.into_iter().collect(),
        }
    }

    /// Its mean (for an empirical distribution, the values' mean).
    pub fn mean(&self) -> Duration {
        match self {
            Dist::Fixed { value } => *value,
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } => *mean,
            Dist::Empirical { values } if values.is_empty() => Duration::ZERO,
            Dist::Empirical { values } => {
                let total: f64 = values.iter().map(Duration::as_secs_f64).sum();
                Duration::from_secs_f64(total / values.len() as f64)
            }
        }
    }

    /// Checks it and builds its sampler; `what` names it in errors
    /// (`"handle_time"`, `"patience"` …).
    pub(crate) fn sampler(&self, what: &str) -> Result<Sampler, SimError> {
        let bad = |why: String| SimError::Distribution {
            what: what.to_owned(),
            why,
        };
        let secs = |d: Duration| d.min(MAX_DRAW).as_secs_f64();
        Ok(match self {
            Dist::Fixed { value } => Sampler::Fixed(secs(*value)),
            Dist::Exponential { mean } => {
                if mean.is_zero() {
                    return Err(bad(
                        "an exponential distribution needs a mean above 0 s".into()
                    ));
                }
                let exp = Exp::new(1.0 / secs(*mean))
                    .map_err(|e| bad(format!("exponential mean: {e}")))?;
                Sampler::Exponential(exp)
            }
            Dist::LogNormal { mean, sd } => {
                if mean.is_zero() {
                    return Err(bad(
                        "a log-normal distribution needs a mean above 0 s".into()
                    ));
                }
                let (m, s) = (secs(*mean), secs(*sd));
                let sigma2 = (1.0 + (s / m).powi(2)).ln();
                let mu = m.ln() - sigma2 / 2.0;
                let ln = LogNormal::new(mu, sigma2.sqrt())
                    .map_err(|e| bad(format!("log-normal parameters: {e}")))?;
                Sampler::LogNormal(ln)
            }
            Dist::Empirical { values } => {
                if values.is_empty() {
                    return Err(bad(
                        "an empirical distribution needs at least one value".into()
                    ));
                }
                if values.len() > MAX_EMPIRICAL {
                    return Err(bad(format!(
                        "an empirical distribution holds at most {MAX_EMPIRICAL} values, not {}",
                        values.len()
                    )));
                }
                Sampler::Empirical(values.iter().map(|d| secs(*d)).collect())
            }
        })
    }
}

/// A checked [`Dist`], ready to draw from.
#[derive(Clone, Debug)]
pub(crate) enum Sampler {
    Fixed(f64),
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Empirical(Vec<f64>),
}

impl Sampler {
    /// A draw, in milliseconds (at most [`MAX_DRAW`]).
    pub(crate) fn draw_ms(&self, rng: &mut Pcg64Mcg) -> u64 {
        let secs = match self {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Empirical(values) => {
                let i = rand_distr::Uniform::new(0, values.len())
                    .map(|u| u.sample(rng))
                    .unwrap_or(0);
                values[i]
            }
        };
        let max = MAX_DRAW.as_millis() as f64;
        // Round to the millisecond; NaN (impossible from checked
        // parameters) becomes 0.
        (secs * 1_000.0).round().clamp(0.0, max) as u64
    }
}
