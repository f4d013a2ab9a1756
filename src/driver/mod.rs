//! The async glue between channels, bots and the engine.
//!
//! The [`Switchboard`] engine is sans-IO: it says what to do and never does
//! it. The [`Driver`] does it, for a host that would rather not write that
//! loop itself:
//!
//! * it holds the [`Channel`]s by kind and the [`Bot`]s by id;
//! * it feeds the host's inputs to the engine, stamped with the runtime's
//!   time;
//! * it carries out [`Action::Send`] — one message at a time per recipient,
//!   so the parts of a long reply arrive in order — retrying transient
//!   failures with backoff and honouring the provider's retry-after
//!   ([`RetryPolicy`]), never retrying a permanent failure, and reports the
//!   result back to the engine as an [`Input::Delivery`];
//! * it carries out [`Action::AskBot`], awaiting the bot and feeding its
//!   turn back as an [`Input::BotTurn`] (a bot error or silence fails open:
//!   the engine escalates);
//! * it calls [`handle_timeout`](Switchboard::handle_timeout) when the
//!   engine's next deadline comes;
//! * it hands everything else to the host as [`Output`]s: offers and other
//!   actions for the agent desktop, audit events, and the journal of
//!   accepted inputs.
//!
//! It depends on no async runtime: the host supplies the time and a timer
//! through [`Runtime`], and either spawns [`Driver::run`] on its runtime or
//! calls [`Driver::handle`] and [`Driver::step`] itself.
//!
//! # Examples
//!
//! A web-chat customer, a bot and an agent, in tokio's virtual time:
//!
//! ```
//! use std::sync::Arc;
//! use switchboard::bot::{Bot, BotError, BotRequest};
//! use switchboard::channel::MemoryChannel;
//! use switchboard::config::Config;
//! use switchboard::driver::{Driver, Output, Runtime, Sleep};
//! use switchboard::engine::{Action, BotTurn, Inbound, Input, Switchboard};
//! use switchboard::{Address, ChannelKind, Timestamp};
//!
//! struct Tokio(tokio::time::Instant);
//! impl Runtime for Tokio {
//!     fn now(&self) -> Timestamp { Timestamp::EPOCH + self.0.elapsed() }
//!     fn sleep_until(&self, t: Timestamp) -> Sleep {
//!         Box::pin(tokio::time::sleep(t.saturating_duration_since(self.now())))
//!     }
//! }
//!
//! struct Hours;
//! #[async_trait::async_trait]
//! impl Bot for Hours {
//!     async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
//!         Ok(ask.turn().reply("We open at 9.").intent("hours", 0.9))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::from_toml_str(r#"
//!     [defaults]
//!     bot = "hours"
//!     [bots.hours]
//!     [[queues]]
//!     id = "support"
//! "#)?;
//! let web = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
//! let mut driver = Driver::new(Switchboard::new(config), Tokio(tokio::time::Instant::now()))
//!     .channel(web.clone())
//!     .bot("hours", Hours);
//!
//! let me = Address::new(&ChannelKind::WebChat, "visitor-1")?;
//! driver.handle(Input::Inbound(Inbound::new(ChannelKind::WebChat, me, "When do you open?")))?;
//! driver.settle().await; // the bot answers, the reply is sent
//!
//! assert_eq!(web.sent()[0].outbound.as_text(), Some("We open at 9."));
//! let journal = std::iter::from_fn(|| driver.poll_output())
//!     .filter(|o| matches!(o, Output::Input(_)))
//!     .count();
//! assert_eq!(journal, 3, "the message, the bot's turn and the delivery report");
//! # Ok(())
//! # }
//! ```

mod output;
mod retry;
mod runtime;

pub use output::Output;
pub use retry::RetryPolicy;
pub use runtime::{Runtime, Sleep};

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{Either, select};
use futures_util::stream::{FuturesUnordered, Stream, StreamExt};

use crate::assign::Strategy;
use crate::bot::{Bot, BotRequest};
use crate::channel::{Channel, ChannelError, Outbound, SendReceipt};
use crate::engine::{
    Action, BotTurn, Delivery, DeliveryStatus, Input, InputError, InputLine, StrategyError,
    Switchboard,
};
use crate::model::{Address, BotId, ChannelKind, ConversationId};

type Work = Pin<Box<dyn Future<Output = Done> + Send>>;

/// How long the driver waits for a bot before giving up on it, unless set
/// with [`Driver::bot_timeout`]: 60 seconds. The engine escalates on its own
/// `bot_timeout` (10 s by default) well before; this only bounds the work
/// the driver keeps in flight for a bot that never answers.
pub const DEFAULT_BOT_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs an engine against real channels and bots; see the [module
/// docs](self).
pub struct Driver<R: Runtime> {
    engine: Switchboard,
    runtime: Arc<R>,
    channels: HashMap<ChannelKind, Arc<dyn Channel>>,
    bots: HashMap<BotId, Arc<dyn Bot>>,
    retry: RetryPolicy,
    bot_timeout: Duration,
    /// Messages waiting per recipient; the first of each is in flight.
    lanes: HashMap<(ChannelKind, Address), VecDeque<Message>>,
    work: FuturesUnordered<Work>,
    outputs: VecDeque<Output>,
}

impl<R: Runtime> fmt::Debug for Driver<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut channels: Vec<_> = self.channels.keys().map(ToString::to_string).collect();
        channels.sort();
        let mut bots: Vec<_> = self.bots.keys().map(|b| b.as_str().to_owned()).collect();
        bots.sort();
        f.debug_struct("Driver")
            .field("channels", &channels)
            .field("bots", &bots)
            .field("retry", &self.retry)
            .field("in_flight", &self.work.len())
            .field("outputs", &self.outputs.len())
            .finish_non_exhaustive()
    }
}

/// One message to send, as the engine rendered it.
#[derive(Clone, Debug)]
struct Message {
    conversation: Option<ConversationId>,
    channel: ChannelKind,
    to: Address,
    part: Outbound,
}

/// A finished piece of work.
enum Done {
    Sent {
        message: Message,
        result: Result<SendReceipt, ChannelError>,
    },
    Answered(BotTurn),
}

impl<R: Runtime> Driver<R> {
    /// A driver for `engine`, on `runtime`, with no channels or bots yet.
    pub fn new(engine: Switchboard, runtime: R) -> Driver<R> {
        Driver {
            engine,
            runtime: Arc::new(runtime),
            channels: HashMap::new(),
            bots: HashMap::new(),
            retry: RetryPolicy::default(),
            bot_timeout: DEFAULT_BOT_TIMEOUT,
            lanes: HashMap::new(),
            work: FuturesUnordered::new(),
            outputs: VecDeque::new(),
        }
    }

    /// Adds a channel, which sends every [`Action::Send`] for its
    /// [`kind`](Channel::kind); a later channel of the same kind replaces it.
    /// A message for a kind with no channel is reported failed.
    pub fn channel(mut self, channel: impl Channel + 'static) -> Driver<R> {
        self.channels.insert(channel.kind(), Arc::new(channel));
        self
    }

    /// Adds a bot under the id the configuration gives it (`[bots.<id>]`).
    /// A question for an id with no bot fails open: the engine escalates.
    pub fn bot(mut self, id: impl Into<BotId>, bot: impl Bot + 'static) -> Driver<R> {
        self.bots.insert(id.into(), Arc::new(bot));
        self
    }

    /// Sets how failed sends are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Driver<R> {
        self.retry = policy;
        self
    }

    /// Sets how long to wait for a bot before reporting it failed
    /// ([`DEFAULT_BOT_TIMEOUT`] unless set).
    pub fn bot_timeout(mut self, timeout: Duration) -> Driver<R> {
        self.bot_timeout = timeout;
        self
    }

    /// Installs a host assignment strategy in the engine under the name
    /// the configuration declares for it (`[strategies.<name>]`), and
    /// carries out whatever that changes; see
    /// [`Switchboard::set_strategy`], which this forwards to. Install it
    /// before the first input, and again whenever the engine is restored
    /// from a snapshot; [`engine`](Self::engine)`().missing_strategies()`
    /// lists what the configuration names and is not installed.
    ///
    /// # Errors
    ///
    /// The engine's [`StrategyError`]: a built-in strategy's name, or one
    /// the configuration does not declare. Nothing changed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use switchboard::assign::strategy_fn;
    /// use switchboard::config::Config;
    /// use switchboard::driver::{Driver, Runtime, Sleep};
    /// use switchboard::engine::Switchboard;
    /// use switchboard::Timestamp;
    ///
    /// struct Frozen;
    /// impl Runtime for Frozen {
    ///     fn now(&self) -> Timestamp { Timestamp::EPOCH }
    ///     fn sleep_until(&self, _: Timestamp) -> Sleep { Box::pin(std::future::pending()) }
    /// }
    ///
    /// let config = Config::from_toml_str("[strategies.newest_first]\n[[queues]]\nid = \"support\"\nstrategy = \"newest_first\"")?;
    /// let mut driver = Driver::new(Switchboard::new(config), Frozen);
    /// assert_eq!(driver.engine().missing_strategies(), ["newest_first"]);
    /// driver.set_strategy("newest_first", Arc::new(strategy_fn("newest_first", |a| u64::MAX - a.idle_since().as_millis())))?;
    /// assert!(driver.engine().missing_strategies().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_strategy(
        &mut self,
        name: &str,
        strategy: Arc<dyn Strategy>,
    ) -> Result<(), StrategyError> {
        self.engine.set_strategy(name, strategy)?;
        self.dispatch();
        Ok(())
    }

    /// The engine, for queries and snapshots.
    pub fn engine(&self) -> &Switchboard {
        &self.engine
    }

    /// The engine back, with whatever was in flight dropped.
    pub fn into_engine(self) -> Switchboard {
        self.engine
    }

    /// True when no send or bot call is in flight.
    pub fn is_settled(&self) -> bool {
        self.work.is_empty()
    }

    /// Feeds one input to the engine at the runtime's time and starts the
    /// work it calls for (sends, bot calls).
    ///
    /// # Errors
    ///
    /// The engine's [`InputError`]: the input changed nothing.
    pub fn handle(&mut self, input: Input) -> Result<(), InputError> {
        let now = self.runtime.now();
        let line = InputLine::new(now, input.clone());
        let result = self.engine.handle(now, input);
        if result.is_ok() {
            self.outputs.push_back(Output::Input(line));
        }
        self.dispatch();
        result
    }

    /// The next output for the host, oldest first.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// Waits for the next thing to happen — a send or bot call finishing,
    /// or the engine's next deadline — and applies it. Returns `false` at
    /// once when there is nothing to wait for.
    ///
    /// Cancel-safe: dropping the future before it completes loses nothing.
    pub async fn step(&mut self) -> bool {
        self.next(true).await
    }

    /// Steps until no send or bot call is in flight, applying the engine's
    /// deadlines that fall due meanwhile, but not waiting for later ones.
    pub async fn settle(&mut self) {
        while self.next(false).await {}
    }

    /// Runs until `inbox` ends and the work in flight is done: feeds each
    /// input, carries out actions, keeps time, and hands every [`Output`]
    /// to `on_output` (a refused input of the host's comes back as
    /// [`Output::Refused`]). Spawn it on the host's runtime, with a channel
    /// receiver as the inbox.
    ///
    /// ```
    /// # use switchboard::{config::Config, driver::*, engine::*, Timestamp};
    /// # struct Tokio(tokio::time::Instant);
    /// # impl Runtime for Tokio {
    /// #     fn now(&self) -> Timestamp { Timestamp::EPOCH + self.0.elapsed() }
    /// #     fn sleep_until(&self, t: Timestamp) -> Sleep {
    /// #         Box::pin(tokio::time::sleep(t.saturating_duration_since(self.now())))
    /// #     }
    /// # }
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
    /// let mut driver = Driver::new(Switchboard::new(config), Tokio(tokio::time::Instant::now()));
    /// let inbox = futures_util::stream::iter([
    ///     Input::AgentStatus { agent: "nobody".into(), status: switchboard::assign::Presence::Available },
    /// ]);
    /// let mut refused = 0;
    /// driver.run(inbox, |o| if matches!(o, Output::Refused { .. }) { refused += 1 }).await;
    /// assert_eq!(refused, 1, "there is no agent called nobody");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run<S>(&mut self, inbox: S, mut on_output: impl FnMut(Output))
    where
        S: Stream<Item = Input> + Unpin,
    {
        let mut inbox = inbox;
        let mut open = true;
        loop {
            while let Some(o) = self.outputs.pop_front() {
                on_output(o);
            }
            if !open {
                if !self.next(false).await {
                    break;
                }
                continue;
            }
            let busy = !self.work.is_empty() || self.engine.poll_timeout().is_some();
            let arrived = if busy {
                let step = pin!(self.next(true));
                match select(inbox.next(), step).await {
                    Either::Left((input, _)) => Some(input),
                    Either::Right(_) => None,
                }
            } else {
                Some(inbox.next().await)
            };
            match arrived {
                Some(Some(input)) => {
                    if let Err(error) = self.handle(input.clone()) {
                        self.outputs.push_back(Output::Refused { input, error });
                    }
                }
                Some(None) => open = false,
                None => {}
            }
        }
        while let Some(o) = self.outputs.pop_front() {
            on_output(o);
        }
    }

    /// Waits for one piece of work, or (with `timers`) the next deadline.
    async fn next(&mut self, timers: bool) -> bool {
        let deadline = if timers {
            self.engine.poll_timeout()
        } else {
            None
        };
        if self.work.is_empty() {
            let Some(t) = deadline else {
                return false;
            };
            self.runtime.sleep_until(t).await;
            self.timeout();
            return true;
        }
        let sleep: Sleep = match deadline {
            Some(t) => self.runtime.sleep_until(t),
            None => Box::pin(std::future::pending()),
        };
        let done = match select(self.work.next(), sleep).await {
            Either::Left((done, _)) => done,
            Either::Right(_) => None,
        };
        match done {
            Some(done) => self.complete(done),
            None => self.timeout(),
        }
        true
    }

    fn timeout(&mut self) {
        let now = self.runtime.now();
        self.engine.handle_timeout(now);
        self.dispatch();
    }

    /// Feeds an input of the driver's own.
    fn feed(&mut self, input: Input) {
        if let Err(error) = self.handle(input.clone()) {
            self.outputs.push_back(Output::Refused { input, error });
        }
    }

    /// Takes the engine's outputs in order: sends and bot calls become
    /// work, the rest goes to the host.
    fn dispatch(&mut self) {
        while let Some(output) = self.engine.poll_output() {
            let line = match output {
                crate::engine::Output::Action(line) => line,
                crate::engine::Output::Event(e) => {
                    self.outputs.push_back(Output::Event(e));
                    continue;
                }
            };
            match line.action {
                Action::Send {
                    conversation,
                    channel,
                    to,
                    part,
                    ..
                } => self.enqueue(Message {
                    conversation,
                    channel,
                    to,
                    part,
                }),
                Action::AskBot(request) => self.ask(*request),
                action => self
                    .outputs
                    .push_back(Output::Action(crate::engine::ActionLine::new(
                        line.at, action,
                    ))),
            }
        }
    }

    fn enqueue(&mut self, message: Message) {
        let lane = self
            .lanes
            .entry((message.channel.clone(), message.to.clone()))
            .or_default();
        lane.push_back(message.clone());
        if lane.len() == 1 {
            self.start_send(message);
        }
    }

    fn start_send(&mut self, message: Message) {
        let Some(channel) = self.channels.get(&message.channel).cloned() else {
            let error = ChannelError::Rejected {
                code: Some("no_channel".into()),
                message: format!(
                    "no channel adapter for {} is registered with the driver",
                    message.channel
                ),
            };
            self.work.push(Box::pin(std::future::ready(Done::Sent {
                message,
                result: Err(error),
            })));
            return;
        };
        let runtime = self.runtime.clone();
        let policy = self.retry.clone();
        self.work.push(Box::pin(async move {
            let out = message.part.clone();
            let mut attempt = 0;
            let result = loop {
                attempt += 1;
                match channel.send(&message.to, &out).await {
                    Ok(receipt) => break Ok(receipt),
                    Err(error) => match policy.delay(attempt, &error) {
                        Some(wait) => runtime.sleep_until(runtime.now() + wait).await,
                        None => break Err(error),
                    },
                }
            };
            Done::Sent { message, result }
        }));
    }

    fn ask(&mut self, ask: BotRequest) {
        let Some(bot) = self.bots.get(&ask.bot).cloned() else {
            let turn = ask.turn().error(format!(
                "no bot {} is registered with the driver",
                ask.bot.as_str()
            ));
            self.work
                .push(Box::pin(std::future::ready(Done::Answered(turn))));
            return;
        };
        let runtime = self.runtime.clone();
        let deadline = runtime.now() + self.bot_timeout;
        self.work.push(Box::pin(async move {
            let answer = pin!(bot.answer(&ask));
            let turn = match select(answer, runtime.sleep_until(deadline)).await {
                Either::Left((Ok(mut turn), _)) => {
                    turn.conversation = ask.conversation.clone();
                    turn.turn = Some(ask.turn);
                    turn
                }
                Either::Left((Err(e), _)) => ask.turn().error(e.message),
                Either::Right(_) => ask.turn().error("the bot did not answer in time"),
            };
            Done::Answered(turn)
        }));
    }

    fn complete(&mut self, done: Done) {
        match done {
            Done::Answered(turn) => self.feed(Input::BotTurn(turn)),
            Done::Sent { message, result } => {
                let report = match result {
                    Ok(receipt) => Delivery::new(
                        message.channel.clone(),
                        receipt.message_id,
                        DeliveryStatus::Sent,
                    ),
                    Err(error) => Delivery {
                        channel: message.channel.clone(),
                        message_id: None,
                        conversation: None,
                        to: None,
                        status: DeliveryStatus::Failed,
                        error: Some(error.to_string()),
                    },
                };
                let report = match &message.conversation {
                    Some(c) => report.conversation(c.clone()),
                    None => report,
                }
                .to(message.to.clone());
                let key = (message.channel, message.to);
                let next = self.lanes.get_mut(&key).and_then(|lane| {
                    lane.pop_front();
                    lane.front().cloned()
                });
                match next {
                    Some(m) => self.start_send(m),
                    None => {
                        self.lanes.remove(&key);
                    }
                }
                self.feed(Input::Delivery(report));
            }
        }
    }
}
