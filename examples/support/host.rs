//! The drive loop the adapter examples share: a [`Host`] owns the engine,
//! its clock and the one timer the engine asked for, and hands every
//! output, in order, to what the example does with it (its [`Act`]).
//!
//! It is the engine's drive loop: after every `handle` or `handle_timeout`
//! it drains `poll_output`, then re-arms the timer from `poll_timeout`;
//! letting time pass fires each timer that falls due on the way, at its
//! own time, and carries out its outputs before the clock moves on.

use std::error::Error;
use std::time::Duration;

use switchboard::Timestamp;
use switchboard::engine::{Input, Output, Switchboard};

pub(crate) type Fallible<T> = Result<T, Box<dyn Error>>;

/// What an example does with the engine's outputs.
pub(crate) trait Act {
    /// Carries out one output. An input returned (a bot's answer) is
    /// handed to the engine at once; its outputs are carried out after
    /// those already waiting.
    fn act(&mut self, output: Output) -> Fallible<Option<Input>>;
}

/// The engine, the host's clock and timer, and the example's [`Act`].
pub(crate) struct Host<A> {
    /// The engine; hand it inputs through [`give`](Self::give), or
    /// [`drain`](Self::drain) after handing it one directly.
    pub(crate) engine: Switchboard,
    /// The time inputs are handed to the engine at.
    pub(crate) now: Timestamp,
    /// When the engine asked to be woken (from `poll_timeout`).
    timer: Option<Timestamp>,
    /// What the example keeps of the outputs.
    pub(crate) story: A,
}

impl<A: Act> Host<A> {
    /// A host whose clock reads `now`, carrying out `engine`'s outputs
    /// with `story`.
    pub(crate) fn new(engine: Switchboard, now: Timestamp, story: A) -> Self {
        let timer = engine.poll_timeout();
        Host {
            engine,
            now,
            timer,
            story,
        }
    }

    /// Hands the engine `input` at `now`, then [drains](Self::drain).
    pub(crate) fn give(&mut self, input: Input) -> Fallible<()> {
        self.engine.handle(self.now, input)?;
        self.drain()
    }

    /// Lets `d` pass, firing each timer that falls due on the way at its
    /// own time.
    pub(crate) fn wait(&mut self, d: Duration) -> Fallible<()> {
        let until = self.now + d;
        while let Some(at) = self.timer.filter(|at| *at <= until) {
            self.now = at;
            self.engine.handle_timeout(at);
            self.drain()?;
        }
        self.now = until;
        Ok(())
    }

    /// Carries out every output waiting, in order, then re-arms the timer.
    pub(crate) fn drain(&mut self) -> Fallible<()> {
        while let Some(output) = self.engine.poll_output() {
            if let Some(input) = self.story.act(output)? {
                self.engine.handle(self.now, input)?;
            }
        }
        self.timer = self.engine.poll_timeout();
        Ok(())
    }
}
