//! What the driver needs from the host's async runtime: the time, and a
//! way to wait.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::model::Timestamp;

/// A future that completes at a deadline, from [`Runtime::sleep_until`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The host's clock and timer: all the driver needs from an async runtime.
///
/// The library depends on no runtime. The driver runs its sends and bot
/// calls concurrently inside its own future, so it never spawns; it only
/// asks the time (to stamp the inputs it feeds the engine) and waits (for
/// the engine's next timeout and between send retries). A runtime with
/// virtual time (tokio's paused clock, a simulator) makes the whole stack
/// run in virtual time.
///
/// # Examples
///
/// A runtime for tokio, counting from a fixed start:
///
/// ```
/// use std::time::Duration;
/// use switchboard::driver::{Runtime, Sleep};
/// use switchboard::Timestamp;
///
/// struct Tokio {
///     start: tokio::time::Instant,
///     epoch: Timestamp,
/// }
///
/// impl Runtime for Tokio {
///     fn now(&self) -> Timestamp {
///         self.epoch + self.start.elapsed()
///     }
///     fn sleep_until(&self, deadline: Timestamp) -> Sleep {
///         let wait = deadline.saturating_duration_since(self.now());
///         Box::pin(tokio::time::sleep(wait))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let rt = Tokio { start: tokio::time::Instant::now(), epoch: Timestamp::from_millis(1_000) };
/// rt.sleep_until(Timestamp::from_millis(3_500)).await;
/// assert_eq!(rt.now(), Timestamp::from_millis(3_500));
/// # }
/// ```
pub trait Runtime: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;

    /// A future that completes at `deadline`, at once if it has passed.
    fn sleep_until(&self, deadline: Timestamp) -> Sleep;
}

impl<R: Runtime + ?Sized> Runtime for Arc<R> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }

    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        (**self).sleep_until(deadline)
    }
}

impl<R: Runtime + ?Sized> Runtime for Box<R> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }

    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        (**self).sleep_until(deadline)
    }
}
