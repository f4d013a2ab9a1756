//! KPIs from the event log: a sans-IO, mergeable aggregator, the
//! definition of every figure, live statistics and reports.
//!
//! [`Metrics`] takes the engine's [`Event`](crate::engine::Event)s — live
//! from [`Switchboard::poll_event`](crate::Switchboard::poll_event), or
//! offline from an event log ([`Metrics::observe_log`]) — and keeps a
//! conversation only while the engine does. Its figures are sums,
//! counts and distributions, bucketed by 15-, 30- or 60-minute interval
//! in a configured time zone ([`Settings`]); aggregates of several
//! shards, or of one shard over successive periods, add up with
//! [`Metrics::merge`] to what one aggregate of all the events would say.
//! [`Metrics::report`] gives a [`Report`]; [`Metrics::live`] the live
//! state.
//!
//! ```
//! use switchboard::metrics::{Metrics, Settings};
//! use switchboard::{Config, Switchboard};
//!
//! let config = Config::from_toml_str("[[queues]]\nid = \"support\"\nwrap_up = \"30s\"")?;
//! let settings = Settings::new().with_time_zone("Europe/Berlin")?.with_wrap_up_from(&config);
//! let mut sb = Switchboard::new(config);
//! let mut metrics = Metrics::new(settings);
//! // … after every call to the engine:
//! while let Some(event) = sb.poll_event() {
//!     metrics.observe(&event)?;
//! }
//! let report = metrics.report();
//! println!("{}", serde_json::to_string_pretty(&report.summary)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Definitions
//!
//! Every figure is computed from event times (ms) alone; the engine's own
//! `first_response` event is not used. Times are in seconds in reports.
//! A conversation is followed from its `started` event to its `purged`
//! event; at `purged` (or, for the report, at the latest event) its
//! figures are counted.
//!
//! **The first wait.** A conversation's *first wait* runs from the first
//! transition into `queued` or `offered` — the handoff from a bot, the
//! start when a rule sends it straight to a queue, or the opening of the
//! queue it waited for `after_hours` — to the first of: a transition to
//! `with_agent` (*answered*), a close with reason `abandoned`
//! (*abandoned*), or any other state but `queued`, `offered` and
//! `after_hours` (*unanswered*: no agent in time, closed by the system,
//! handed back to a bot). Time `after_hours` is not waiting (service
//! level measures business hours; [`Settings::with_after_hours_waits`]
//! counts it, starting the wait at the first `after_hours` too); a
//! conversation that leaves before its queue opens has no first wait.
//! Later waits (requeued after the agent left, transferred, reopened) do
//! not count again: service level, speed of answer and abandonment are
//! per conversation, like a contact's first queue in Amazon Connect. A
//! wait counts in the queue it was in when it ended (an overflow's
//! destination) and in the interval it began (the arrival interval, as
//! staffing models need).
//!
//! | Figure | Definition | Anchor |
//! |---|---|---|
//! | `conversations` | `started` events (counted in the interval, hour and weekday the conversation started) | — |
//! | `messages` | `message` events by author: customer, bot, agent, system (in the interval they came) | Chatwoot's incoming / outgoing messages |
//! | `first_response_s` | first wait's start → first agent message (answered or not, whichever agent) | Chatwoot `first_response` |
//! | `first_reply_s` | start → first bot or agent message | — |
//! | `reply_time_s` | for each agent message after a customer message nobody had answered: from the earliest such customer message; a bot message also answers; the conversation's first agent message answers too but is left out (it is the first response) | Chatwoot `reply_time` |
//! | `asa_s` | mean first wait of answered conversations | Genesys / Amazon Connect ASA |
//! | `service_level` | answered with a wait ≤ threshold ÷ (answered + abandoned); abandons shorter than `short_abandon` (default 5 s; wait < 5 s) leave both out; with `abandons_within_threshold_met`, abandons with a wait ≤ threshold also count as met | TaskRouter / Genesys; the variant is Amazon Connect's |
//! | `abandonment` | abandoned ÷ queued, short abandons out of both when set | Amazon Connect "abandonment rate" |
//! | `handle_time_s` | each agent's part: accept, or transfer in (a warm transfer hands over without a change of state, at the `transferred` event) → the conversation leaving them (close, transfer, requeue, hand back), plus the wrap-up of the queue the part began in, which the engine's assigner applies after every part ([`Settings::with_wrap_up_from`]); a part still open runs to the latest event, without wrap-up; it counts in the queue the part began in | Amazon Connect AHT (talk + after-contact work) |
//! | `resolution_time_s` | start → last close, closed conversations | Chatwoot `resolution_time` |
//! | `containment_percent` | of conversations that reached a bot and were decided (closed, or sent to a queue, after hours included): closed without ever waiting for a person (`queued`, `after_hours` or `offered`); `bot.resolved` counts those closed as `resolved` or by the bot | Genesys / Dialogflow containment |
//! | `bot.handoff_percent`, `handoff_reasons` | conversations handed from a bot to a queue ÷ decided bot conversations; `handoff_reasons` by the reason of each conversation's first handoff; `close_reasons` by the reason of each closed conversation's last close | — |
//! | `fcr_percent` | of closed conversations: never reopened, at most one agent, and no new conversation of the same contact started within `fcr_window` (default 7 days; a start exactly at the window's end is within) after the close; a window not over by the latest event is decided by the events seen | — |
//! | `csat` | the latest score per conversation: `satisfied_percent` = scores 4–5 ÷ responses (top-2-box), `mean`, `response_rate_percent` = responses ÷ closed conversations | ACSI / Zendesk top-2-box |
//! | agents' `occupancy_percent` | busy while signed in ÷ signed in: busy is time with at least one part or in its wrap-up (parts joined, so several conversations at once count once); signed in is time `available` or `away`; `busy_s` is all busy time, signed in or not (the offline grace) | Genesys occupancy, for concurrent chat |
//! | `offers_*` | `accepted` (transitions to `with_agent` for a reason of `accepted`), `declined` and `missed` (`offer_missed` by reason) | TaskRouter reservations |
//! | `handled` | parts (see handle time): an agent who gets a conversation back counts it again | — |
//! | `transfers`, `transfers_in`, `transfers_out` | completed transfers (`transferred` events); a cold transfer nobody took over is none | — |
//! | `closed` | conversations whose state is `closed` at the latest event (one reopened and still open is not); `resolution_time_s`, FCR, CSAT's response rate and containment's "decided" read it | — |
//! | `responsiveness` | over the seven local days ending with the latest event's: conversations answered by a bot or agent within 24 h ÷ conversations started; the median of start → first reply; "very responsive" when ≥ 90 % and under 15 minutes | Messenger's response badge |
//!
//! **Slices.** Every figure of a conversation counts for its first
//! channel and each of its tags. For queues and agents: the
//! conversation-level figures (conversations, messages, first reply,
//! resolution, containment, FCR, CSAT, closes) count for the
//! conversation's *last* queue and *last* agent; the first wait for the
//! queue it ended in (or waits in now) and the agent who answered it; the
//! first response for the responding agent and the queue then; reply
//! times for the agent who wrote and the queue then; handle time for the
//! part's agent and the queue it began in. Message volume per channel is
//! by the message's own channel. Short abandons, when left out of service
//! level and abandonment, still show in `abandonment.wait_s` and the wait
//! distribution.
//!
//! **Percentiles** interpolate between ranks (NumPy's default; see
//! [`Distribution`]); `mean`, `median` and `p90` are `null` for no data.
//!
//! **Out of order.** Events must come in time order; an event older than
//! the latest one by more than [`Settings::with_tolerance`] is refused
//! with [`MetricsError::OutOfOrder`] (a log names its line). Within the
//! tolerance an event counts at its own time.
//!
//! **Merging.** Aggregates of one shard over successive periods merge in
//! order (`earlier.merge(later)`): a conversation open across the two is
//! kept by the later one as its raw events until merged behind the
//! earlier one. Aggregates of different shards need different
//! [`Metrics::with_shard`] names. Agents are taken to work on one shard.

mod agent;
mod aggregate;
mod clock;
mod contact;
mod conversation;
mod count;
mod dist;
mod error;
mod live;
mod log;
mod report;
mod settings;
mod tables;
mod tally;

pub(crate) use aggregate::Key;
pub use aggregate::Metrics;
pub use dist::{Distribution, EXACT_LIMIT};
pub use error::MetricsError;
pub use live::{Live, LiveAgent, LiveQueue};
pub use log::{MAX_LINE, parse_line};
pub use report::{
    Abandonment, AgentFigures, Bot, ConversationRow, Csat, Fcr, Figures, IntervalRow, Messages,
    Outcome, Period, Report, Responsiveness, ServiceLevel, Stat, Summary, WaitBucket,
};
pub use settings::{Interval, Settings};
