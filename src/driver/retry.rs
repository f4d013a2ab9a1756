//! When to try a failed send again.

use std::time::Duration;

use crate::channel::ChannelError;

/// How the driver retries a send that failed.
///
/// Only [retryable](ChannelError::is_retryable) failures are retried
/// (transient errors and rate limits); a permanent one (invalid address,
/// reply window closed, opted out, rejected) is reported at once. The wait
/// before each retry is the provider's `retry_after` when it gave one,
/// otherwise an exponential backoff: `initial`, then doubled each time, at
/// most `max`. After `attempts` tries in all the send is reported failed.
///
/// There is no random jitter: the driver's behaviour is a function of its
/// inputs and the runtime's clock, like the engine's. One engine owns one
/// shard, so retries do not stampede across processes.
///
/// The default: 5 attempts, waiting 1 s, 2 s, 4 s and 8 s between them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::channel::ChannelError;
/// use switchboard::driver::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// let busy = ChannelError::Transient { message: "503".into(), retry_after: None };
/// assert_eq!(policy.delay(1, &busy), Some(Duration::from_secs(1)));
/// assert_eq!(policy.delay(3, &busy), Some(Duration::from_secs(4)));
/// assert_eq!(policy.delay(5, &busy), None, "five attempts in all");
///
/// let limited = ChannelError::RateLimited { retry_after: Some(Duration::from_secs(30)) };
/// assert_eq!(policy.delay(1, &limited), Some(Duration::from_secs(30)));
///
/// assert_eq!(policy.delay(1, &ChannelError::WindowClosed), None, "never retried");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: u32,
    initial: Duration,
    max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retries: one attempt per message.
    ///
    /// ```
    /// # use switchboard::{channel::ChannelError, driver::RetryPolicy};
    /// let e = ChannelError::Transient { message: "reset".into(), retry_after: None };
    /// assert_eq!(RetryPolicy::never().delay(1, &e), None);
    /// ```
    pub fn never() -> RetryPolicy {
        RetryPolicy::default().attempts(1)
    }

    /// Sets the number of attempts in all, at least 1.
    pub fn attempts(mut self, attempts: u32) -> RetryPolicy {
        self.attempts = attempts.max(1);
        self
    }

    /// Sets the first wait and the longest one.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use switchboard::{channel::ChannelError, driver::RetryPolicy};
    /// let p = RetryPolicy::default().attempts(10).backoff(Duration::from_millis(200), Duration::from_secs(1));
    /// let e = ChannelError::Transient { message: "503".into(), retry_after: None };
    /// assert_eq!(p.delay(2, &e), Some(Duration::from_millis(400)));
    /// assert_eq!(p.delay(9, &e), Some(Duration::from_secs(1)));
    /// ```
    pub fn backoff(mut self, initial: Duration, max: Duration) -> RetryPolicy {
        self.initial = initial;
        self.max = max.max(initial);
        self
    }

    /// How long to wait after the `failed`-th attempt (1-based) failed
    /// with `error` before trying again; `None` to give up.
    pub fn delay(&self, failed: u32, error: &ChannelError) -> Option<Duration> {
        if !error.is_retryable() || failed >= self.attempts {
            return None;
        }
        if let Some(wait) = error.retry_after() {
            return Some(wait);
        }
        let factor = 1u32
            .checked_shl(failed.saturating_sub(1))
            .unwrap_or(u32::MAX);
        Some(self.initial.saturating_mul(factor).min(self.max))
    }
}
