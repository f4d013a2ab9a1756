//! Synthetic contact-centre traffic: a seeded simulation of customers, a
//! FAQ bot and a team of agents that drives the real engine
//! ([`Switchboard`]) and hands back its event log, for testing,
//! benchmarking and demonstrating key figures on realistic data.
//!
//! Shared by `examples/traffic.rs` and the tests (each includes it with
//! `#[path]`). [`generate`] collects the events; [`generate_with`] hands
//! each one to a callback as it happens.
//!
//! # What it makes
//!
//! * **The shop** ([`CONFIG`]): queues `support`, `billing` (agents with a
//!   billing skill; overflow to `support` after 10 minutes) and `sales`
//!   (agents with a sales skill), open Monday to Friday 08:00–20:00 and
//!   Saturday 10:00–16:00 in Europe/Berlin. A FAQ bot answers first; rules
//!   send refunds to `billing` (tag `refund`) and quotes to `sales` (tag
//!   `lead`) without the bot. Escalation on low confidence, human intents
//!   and fallbacks; 30 s wrap-up, a 2 h reopen window, 20 min inactivity,
//!   back to the bot after an hour without an agent, a satisfaction survey
//!   after an agent closes.
//! * **Arrivals**: a non-homogeneous Poisson process (by thinning) whose
//!   rate follows the Berlin clock: quiet nights, a rise from 07:00, peaks
//!   late in the morning and early in the afternoon, a long evening tail;
//!   Monday busiest, Saturday lighter, Sunday quiet. It averages
//!   [`Traffic::per_day`] conversations a day over a week. Channels are
//!   mixed (web chat, WhatsApp, e-mail, Messenger, SMS), and about one
//!   arrival in five is a contact who wrote within the last seven days,
//!   writing again from the same address.
//! * **Customers** follow a script drawn at arrival: a question the bot
//!   answers and resolves (about 40 %, in one or two turns), an answer and
//!   then silence, a problem the bot is unsure of (low confidence), cannot
//!   solve (bot handoff) or does not understand (fallbacks), a complaint
//!   (human intent), asking for a person straight away or after the bot's
//!   answer, or a refund or quote routed by rule straight to a queue.
//!   While waiting some ask for news, and some give up (the host closes the
//!   conversation for the customer, which the engine records as
//!   abandoned): chat visitors within minutes, and most of them when the
//!   queue is closed; those on e-mail, SMS and WhatsApp mostly wait for the
//!   opening, so each morning starts with the night's backlog. With an agent they write a few times; a few close the chat
//!   themselves. After a close some write again within the reopen window,
//!   and about 30 % of agent-handled conversations get a 1–5 score, mostly
//!   4 and 5.
//! * **The bot** answers each question within about a second (now and
//!   then not at all, or with an error, so that the engine's timeout and
//!   fail-open paths run too).
//! * **Agents** (5 to 10, one for every 200 conversations a day unless
//!   set): early, middle and late weekday shifts and a Saturday shift for
//!   half of them, each with a break, signing in, going away and signing
//!   out; four conversations at once, at most two chats on one channel;
//!   skills for `billing` and `sales`. They accept most offers within seconds,
//!   decline some and miss some; answer the customer after a short delay;
//!   transfer a few conversations to another queue; and close after a
//!   log-normal handle time (longer on e-mail). An agent the engine sets
//!   away for missed offers comes back a few minutes later.
//!
//! # Time
//!
//! A discrete-event loop: the host's next acts wait in a priority queue by
//! time; whenever the engine's [`poll_timeout`](Switchboard::poll_timeout)
//! falls before the next act, the loop calls
//! [`handle_timeout`](Switchboard::handle_timeout) at that time first. Time
//! is passed in, never read, and every output is drained after every call,
//! so the event log is in time order. Randomness comes from a SplitMix64
//! generator seeded with [`Traffic::seed`]: the same settings give the same
//! events (on one platform: the distributions use the standard library's
//! `ln`, `exp` and `cos`).

#![allow(dead_code)]

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::ops::ControlFlow;

use jiff::tz::TimeZone;
use rustc_hash::FxHashMap;
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{
    Action, BotTurn, Closer, Event, EventKind, Inbound, Input, Output, Switchboard, Transfer,
};
use switchboard::handoff::{Reason, State};
use switchboard::{Address, AgentId, ChannelKind, Content, ConversationId, QueueId, Timestamp};

/// Monday 2026-11-02 00:00 in Europe/Berlin (2026-11-01T23:00Z).
pub(crate) const MONDAY: Timestamp = Timestamp::from_millis(1_793_574_000_000);

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// The shop's configuration.
pub(crate) const CONFIG: &str = r#"
[calendars.shop]
timezone = "Europe/Berlin"
mon-fri = "08:00-20:00"
sat = "10:00-16:00"

[[queues]]
id = "support"
calendar = "shop"
sla = "2m"
offer_timeout = "30s"
reply_timeout = "10m"

[[queues]]
id = "billing"
calendar = "shop"
eligible = "agent.skills.billing >= 1"
strategy = "most_skilled"
skill = "billing"
priority = 5
sla = "5m"
offer_timeout = "30s"
overflow = { after = "10m", to = "support" }

[[queues]]
id = "sales"
calendar = "shop"
eligible = "agent.skills.sales >= 1"
priority = 10
sla = "1m"
offer_timeout = "30s"

[bots.faq]
timeout = "10s"

[escalation]
queue = "support"
min_confidence = 0.4
max_fallbacks = 2
human_intents = ["complaint"]

[[rules]]
id = "refund"
when = "text contains_any ['refund', 'money back', 'chargeback']"
then = { queue = "billing", tags = ["refund"] }

[[rules]]
id = "sales"
when = "text contains_any ['quote', 'pricing', 'bulk order']"
then = { queue = "sales", tags = ["lead"] }

[defaults]
bot = "faq"
timezone = "Europe/Berlin"

[assignment]
wrap_up = "30s"
max_missed_offers = 3
preferred_wait = "30s"
handle_time = "6m"

[conversations]
inactivity_timeout = "20m"
reopen_window = "2h"
no_agent_timeout = "1h"
notice_interval = "2m"
csat = true
"#;

/// The shop's configuration, compiled.
pub(crate) fn config() -> Config {
    Config::from_toml_str(CONFIG).expect("the traffic configuration compiles")
}

/// How much traffic to make, and from which seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Traffic {
    /// The seed: the same settings and seed give the same events.
    pub(crate) seed: u64,
    /// How many days to simulate, from `start`.
    pub(crate) days: u32,
    /// When the simulation starts; best a Monday 00:00 in Europe/Berlin
    /// ([`MONDAY`]). Arrivals and shifts follow the Berlin clock whatever
    /// it is.
    pub(crate) start: Timestamp,
    /// Conversations a day, on average over a week.
    pub(crate) per_day: u32,
    /// How many agents (1 to 10; 5 to 10 is realistic).
    pub(crate) agents: u32,
}

impl Traffic {
    /// `days` days of `per_day` conversations a day from `seed`, starting
    /// Monday [`MONDAY`], with as many agents as the load needs (one for
    /// every 200 conversations a day, 5 to 10).
    pub(crate) fn new(seed: u64, days: u32, per_day: u32) -> Traffic {
        Traffic {
            seed,
            days,
            start: MONDAY,
            per_day,
            agents: (per_day / 200).clamp(5, 10),
        }
    }

    /// When the simulation stops: nothing at or after it is generated.
    pub(crate) fn end(&self) -> Timestamp {
        Timestamp::from_millis(self.start.as_millis() + u64::from(self.days) * DAY)
    }
}

impl Default for Traffic {
    /// A week of 2,000 conversations a day from seed 1.
    fn default() -> Traffic {
        Traffic::new(1, 7, 2_000)
    }
}

/// What a run did besides its events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Events handed out.
    pub(crate) events: u64,
    /// Inputs given to the engine.
    pub(crate) inputs: u64,
    /// Inputs the engine refused (the host's view of a conversation was
    /// out of date); each changed nothing.
    pub(crate) refused: u64,
    /// The first few refusals, for diagnosis.
    pub(crate) refusals: Vec<String>,
    /// Customers who wrote first (conversations begun by the generator).
    pub(crate) arrivals: u64,
    /// Of those, contacts writing again from an address seen before.
    pub(crate) returning: u64,
}

/// Every event of the run, in order.
pub(crate) fn generate(traffic: &Traffic) -> Vec<Event> {
    let mut events = Vec::new();
    generate_with(traffic, |e| {
        events.push(e);
        ControlFlow::Continue(())
    });
    events
}

/// Runs the simulation, handing each event to `on_event` as the engine
/// emits it (in time order); stops early when it returns
/// [`ControlFlow::Break`].
pub(crate) fn generate_with(
    traffic: &Traffic,
    on_event: impl FnMut(Event) -> ControlFlow<()>,
) -> Summary {
    let mut sim = Sim::new(traffic, on_event);
    sim.run();
    sim.summary
}

// ----- the generator --------------------------------------------------------

/// SplitMix64, with the few distributions the simulation needs.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items`.
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Uniform in `[lo, hi)`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Exponential with mean `mean`.
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Log-normal with median `median` and shape `sigma`.
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// An index drawn by `weights`.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// Milliseconds from seconds, at least one.
fn ms(seconds: f64) -> u64 {
    ((seconds * 1_000.0) as u64).max(1)
}

// ----- the shape of arrivals ------------------------------------------------

/// Relative arrival rate at each hour of a weekday (Berlin time), read
/// linearly between the hours.
const HOURLY: [f64; 24] = [
    0.16, 0.10, 0.07, 0.05, 0.05, 0.08, 0.20, 0.45, 0.85, 1.15, 1.40, 1.50, //
    1.20, 1.30, 1.40, 1.25, 1.10, 1.00, 0.90, 0.80, 0.68, 0.55, 0.40, 0.26,
];

/// Relative volume of each day, Monday first.
const DAILY: [f64; 7] = [1.22, 1.10, 1.05, 1.00, 0.97, 0.62, 0.34];

/// The Berlin clock at an instant: weekday (Monday 0) and hour of day.
fn local(tz: &TimeZone, at: u64) -> (usize, f64) {
    let utc = jiff::Timestamp::from_millisecond(at as i64).expect("in range");
    let offset = i64::from(tz.to_offset(utc).seconds()) * 1_000;
    let local = at as i64 + offset;
    let days = local.div_euclid(DAY as i64);
    let into_day = local.rem_euclid(DAY as i64);
    // 1970-01-01 was a Thursday.
    let weekday = (days + 3).rem_euclid(7) as usize;
    (weekday, into_day as f64 / HOUR as f64)
}

/// The arrival rate (conversations per hour) at `at`.
fn rate(tz: &TimeZone, per_day: f64, at: u64) -> f64 {
    let (weekday, hour) = local(tz, at);
    let h = hour.floor() as usize % 24;
    let frac = hour - hour.floor();
    let shape = HOURLY[h] * (1.0 - frac) + HOURLY[(h + 1) % 24] * frac;
    let mean_day = DAILY.iter().sum::<f64>() / 7.0;
    let per_hour_shape = HOURLY.iter().sum::<f64>();
    per_day * DAILY[weekday] / mean_day * shape / per_hour_shape
}

/// The highest rate [`rate`] gives.
fn peak_rate(per_day: f64) -> f64 {
    let mean_day = DAILY.iter().sum::<f64>() / 7.0;
    let max_day = DAILY.iter().copied().fold(0.0, f64::max);
    let max_hour = HOURLY.iter().copied().fold(0.0, f64::max);
    per_day * max_day / mean_day * max_hour / HOURLY.iter().sum::<f64>()
}

// ----- what customers say ---------------------------------------------------

/// A question the bot can answer: the customer's text, the intent and the
/// answer.
const FAQ: [(&str, &str, &str); 6] = [
    (
        "When are you open on Saturday?",
        "faq:hours",
        "We are open Monday to Friday 08:00-20:00 and Saturday 10:00-16:00.",
    ),
    (
        "How do I track my parcel?",
        "faq:track",
        "You can follow your parcel at example.com/track with the number in your confirmation e-mail.",
    ),
    (
        "Can I pay with PayPal?",
        "faq:payment",
        "We accept Visa, Mastercard, American Express and PayPal.",
    ),
    (
        "Do you ship to Austria?",
        "faq:shipping",
        "We ship to every EU country; delivery to Austria takes 2 to 4 working days.",
    ),
    (
        "How do I change my delivery address?",
        "faq:address",
        "Until your order ships you can change the address under My orders.",
    ),
    (
        "Where can I download my invoice?",
        "faq:invoice",
        "Invoices are under My orders, Documents.",
    ),
];

const PROBLEMS: [&str; 5] = [
    "My order 48213 arrived damaged",
    "The app keeps logging me out",
    "I was charged twice for the same order",
    "My parcel was delivered to the wrong address",
    "The discount code did not work at checkout",
];

const COMPLAINTS: [&str; 2] = [
    "I want to make a complaint about the courier",
    "This is the third time my delivery is late, I am really unhappy",
];

const ASK_HUMAN: [&str; 2] = [
    "Can I talk to a human please?",
    "I need a real person, not a bot",
];

const ASK_HUMAN_LATER: [&str; 2] = [
    "That does not help. Can I speak to a human?",
    "Please put me through to a human",
];

const REFUNDS: [&str; 3] = [
    "I would like a refund for order 51877",
    "How do I get my money back for a cancelled order?",
    "I returned the shoes two weeks ago and still have no refund",
];

const SALES: [&str; 3] = [
    "Can I get a quote for 40 office chairs?",
    "What is your pricing for business customers?",
    "We want to place a bulk order for our team",
];

const FOLLOW_UPS: [&str; 3] = [
    "Thanks! And how long does delivery take?",
    "Great, and can I still change the size?",
    "OK thanks, and is shipping free?",
];

const REPHRASES: [&str; 3] = [
    "I mean the thing with my account",
    "it just does not work",
    "the page shows an error",
];

const WAITING: [&str; 3] = [
    "Any update?",
    "Still waiting here",
    "Hello? Is anyone there?",
];

const TO_AGENT: [&str; 6] = [
    "The order number is 48213",
    "Yes, that's right",
    "It was last Tuesday",
    "Thanks, that helps",
    "Could you send it to my work address instead?",
    "OK, I'll wait for the e-mail",
];

const REOPEN: [&str; 3] = [
    "Sorry, one more question about this",
    "It still hasn't arrived",
    "The problem is back again",
];

const AGENT_FIRST: [&str; 3] = [
    "Hi, thanks for waiting. Let me look into this for you.",
    "Hello! I'm checking your order now.",
    "Hi there, I can help with that.",
];

const AGENT_REPLIES: [&str; 5] = [
    "Thanks, I can see it here.",
    "I've updated that for you.",
    "That should be sorted now.",
    "Is there anything else I can help with?",
    "I've sent you an e-mail with the details.",
];

const NAMES: [&str; 10] = [
    "ana", "ben", "carla", "david", "elif", "felix", "greta", "hamid", "ines", "jonas",
];

/// Each agent's weekday shift, by their place in [`NAMES`]: early
/// (07:45–16:00), middle (09:30–17:45) or late (11:50–20:05). The morning
/// has the most people: the night's conversations wait for the opening.
const ROTA: [char; 10] = ['E', 'M', 'L', 'E', 'E', 'L', 'M', 'E', 'L', 'E'];

const FIRST_NAMES: [&str; 8] = [
    "lena", "max", "sofia", "paul", "mia", "leon", "emma", "noah",
];

const LAST_NAMES: [&str; 6] = ["mueller", "schmidt", "weber", "fischer", "wagner", "becker"];

// ----- the actors ------------------------------------------------------------

/// What a customer came for, drawn at arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    /// A question the bot answers and resolves at once.
    Faq,
    /// A question, a follow-up, then resolved.
    FaqFollowUp,
    /// An answer, then silence (the conversation times out).
    Silent,
    /// A problem the bot is unsure about (low confidence).
    Unsure,
    /// A problem the bot hands off.
    Handoff,
    /// A message the bot does not understand, twice.
    Fallbacks,
    /// A complaint (a human intent).
    Complaint,
    /// Asks for a person in the first message.
    AskHuman,
    /// Asks for a person after the bot's answer.
    AskHumanLater,
    /// A refund: routed by rule to billing.
    Refund,
    /// A quote: routed by rule to sales.
    Sales,
}

const SCRIPTS: [(Script, u32); 11] = [
    (Script::Faq, 25),
    (Script::FaqFollowUp, 16),
    (Script::Silent, 6),
    (Script::Unsure, 8),
    (Script::Handoff, 9),
    (Script::Fallbacks, 4),
    (Script::Complaint, 4),
    (Script::AskHuman, 5),
    (Script::AskHumanLater, 6),
    (Script::Refund, 10),
    (Script::Sales, 7),
];

/// Channels and their share of arrivals.
const CHANNELS: [(ChannelKind, u32); 5] = [
    (ChannelKind::WebChat, 36),
    (ChannelKind::WhatsApp, 24),
    (ChannelKind::Email, 15),
    (ChannelKind::Messenger, 13),
    (ChannelKind::Sms, 12),
];

struct Customer {
    channel: ChannelKind,
    address: Address,
    /// Their latest conversation, until the engine forgets it: while it
    /// is open or may reopen, they do not start another.
    conv: Option<usize>,
}

struct Conv {
    id: ConversationId,
    customer: usize,
    script: Script,
    /// Which FAQ topic they ask about.
    topic: usize,
    state: State,
    /// Bot questions asked so far.
    bot_turns: u32,
    /// Bumped on every transition.
    phase: u32,
    /// Bumped on every assignment and unassignment.
    cycle: u32,
    /// Bumped each time the customer starts waiting.
    wait: u32,
    agent: Option<usize>,
    queue: Option<QueueId>,
    transferred: bool,
    tagged: bool,
    csat: bool,
    purged: bool,
}

/// Why an agent's presence changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shift {
    SignIn,
    BreakStart,
    BreakEnd,
    /// The shift ends: away, finishing the conversations they have.
    Finish,
    /// Signed out some minutes later (what is left goes back to the queue).
    SignOut,
    /// Back after the engine set them away for missed offers.
    Return,
}

struct Agent {
    id: AgentId,
    presence: Presence,
    on_shift: bool,
    on_break: bool,
}

/// Something the host does at a time.
#[derive(Clone, Debug)]
enum Job {
    Arrival,
    /// The bot answers turn `turn`.
    Bot {
        conv: usize,
        turn: u64,
    },
    /// The customer writes, if the conversation is still where it was.
    Say {
        conv: usize,
        guard: Guard,
        text: &'static str,
    },
    /// An agent answers an offer (`accept`, or declines).
    Answer {
        conv: usize,
        agent: usize,
        serial: u64,
        accept: bool,
    },
    Reply {
        conv: usize,
        agent: usize,
        cycle: u32,
        first: bool,
    },
    Close {
        conv: usize,
        agent: usize,
        cycle: u32,
    },
    Transfer {
        conv: usize,
        agent: usize,
        cycle: u32,
    },
    /// The customer closes the chat while an agent has it.
    Leave {
        conv: usize,
        cycle: u32,
    },
    /// The customer gives up waiting.
    Abandon {
        conv: usize,
        wait: u32,
    },
    Csat {
        conv: usize,
        score: u8,
    },
    Reopen {
        conv: usize,
    },
    Presence {
        agent: usize,
        shift: Shift,
    },
}

/// The state a customer's message was planned for.
#[derive(Clone, Copy, Debug)]
enum Guard {
    /// With the bot, in this phase.
    Bot(u32),
    /// With an agent, in this cycle.
    Agent(u32),
    /// Waiting, this wait.
    Waiting(u32),
}

struct Scheduled {
    at: u64,
    seq: u64,
    job: Job,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed: the heap's top is the earliest (then the first planned).
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

struct Sim<F> {
    sb: Switchboard,
    rng: Rng,
    tz: TimeZone,
    per_day: f64,
    end: u64,
    now: u64,
    jobs: BinaryHeap<Scheduled>,
    seq: u64,
    customers: Vec<Customer>,
    /// Conversation starts of the last seven days: (time, customer).
    recent: VecDeque<(u64, usize)>,
    convs: Vec<Conv>,
    by_id: FxHashMap<ConversationId, usize>,
    agents: Vec<Agent>,
    /// Offers open now: (conversation, agent) → serial.
    offers: FxHashMap<(usize, usize), u64>,
    serial: u64,
    /// The customer whose first message is being handled, and their script.
    arriving: Option<(usize, Script, usize)>,
    on_event: F,
    stopped: bool,
    summary: Summary,
}

impl<F: FnMut(Event) -> ControlFlow<()>> Sim<F> {
    fn new(traffic: &Traffic, on_event: F) -> Sim<F> {
        let agents = NAMES
            .iter()
            .take(traffic.agents.clamp(1, NAMES.len() as u32) as usize)
            .map(|n| Agent {
                id: AgentId::new(*n),
                presence: Presence::Offline,
                on_shift: false,
                on_break: false,
            })
            .collect();
        Sim {
            sb: Switchboard::new(config()),
            rng: Rng(traffic.seed),
            tz: TimeZone::get("Europe/Berlin").expect("the bundled time-zone database"),
            per_day: f64::from(traffic.per_day),
            end: traffic.end().as_millis(),
            now: traffic.start.as_millis(),
            jobs: BinaryHeap::new(),
            seq: 0,
            customers: Vec::new(),
            recent: VecDeque::new(),
            convs: Vec::new(),
            by_id: FxHashMap::default(),
            agents,
            offers: FxHashMap::default(),
            serial: 0,
            arriving: None,
            on_event,
            stopped: false,
            summary: Summary::default(),
        }
    }
}

impl<F: FnMut(Event) -> ControlFlow<()>> Sim<F> {
    // ----- the loop ------------------------------------------------------------

    fn run(&mut self) {
        self.setup();
        while !self.stopped {
            let job_at = self.jobs.peek().map(|j| j.at);
            let timer_at = self.sb.poll_timeout().map(Timestamp::as_millis);
            // The engine's timers first on a tie: what they do is what the
            // host's next act sees.
            let next = match (timer_at, job_at) {
                (Some(t), Some(j)) if t <= j => Err(t),
                (Some(t), None) => Err(t),
                (_, Some(j)) => Ok(j),
                (None, None) => break,
            };
            match next {
                Err(t) => {
                    if t >= self.end {
                        break;
                    }
                    self.now = self.now.max(t);
                    self.sb.handle_timeout(Timestamp::from_millis(self.now));
                    self.drain();
                }
                Ok(j) => {
                    if j >= self.end {
                        break;
                    }
                    let job = self.jobs.pop().expect("peeked").job;
                    self.now = self.now.max(j);
                    self.run_job(job);
                }
            }
        }
    }

    fn schedule(&mut self, at: u64, job: Job) {
        self.seq += 1;
        self.jobs.push(Scheduled {
            at,
            seq: self.seq,
            job,
        });
    }

    /// Plans `job` `seconds` from now.
    fn after(&mut self, seconds: f64, job: Job) {
        let at = self.now + ms(seconds);
        self.schedule(at, job);
    }

    /// Gives the engine an input now and takes in its outputs.
    fn give(&mut self, input: Input) {
        self.summary.inputs += 1;
        if let Err(e) = self.sb.handle(Timestamp::from_millis(self.now), input) {
            self.summary.refused += 1;
            if self.summary.refusals.len() < 20 {
                self.summary.refusals.push(format!("at {}: {e}", self.now));
            }
        }
        self.drain();
    }

    /// Takes in every output waiting, in order: actions are reacted to,
    /// events update the host's view and go to the callback.
    fn drain(&mut self) {
        while let Some(output) = self.sb.poll_output() {
            match output {
                Output::Action(line) => self.on_action(line.action),
                Output::Event(event) => {
                    self.on_event(&event);
                    if !self.stopped {
                        self.summary.events += 1;
                        if (self.on_event)(event).is_break() {
                            self.stopped = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // ----- setting up ------------------------------------------------------------

    fn setup(&mut self) {
        for i in 0..self.agents.len() {
            let skills: &[(&str, u8)] = match i % 4 {
                0 => &[("billing", 3)],
                1 => &[("sales", 3)],
                2 => &[("billing", 1), ("sales", 1)],
                _ => &[("billing", 2)],
            };
            let mut profile = AgentProfile::new(self.agents[i].id.clone())
                .with_languages(["en", "de"])
                // Four conversations at once, at most two on one channel (three e-mails).
                .with_capacity(
                    Capacity::new([
                        (ChannelKind::WebChat, 2),
                        (ChannelKind::WhatsApp, 2),
                        (ChannelKind::Messenger, 2),
                        (ChannelKind::Sms, 2),
                        (ChannelKind::Email, 3),
                    ])
                    .with_budget(4, []),
                );
            for (skill, level) in skills {
                profile = profile.with_skill(*skill, *level);
            }
            self.give(Input::AgentUpsert(profile));
        }
        self.plan_shifts();
        self.plan_arrival();
    }

    /// Each agent's shifts on the days of the run (Berlin time): weekdays
    /// early, middle or late with a break; Saturdays half of them; Sundays
    /// nobody.
    fn plan_shifts(&mut self) {
        let start = jiff::Timestamp::from_millisecond(self.now as i64)
            .expect("in range")
            .to_zoned(self.tz.clone());
        let mut date = start.date();
        let days = (self.end - self.now).div_ceil(DAY) + 1;
        for _ in 0..days {
            let weekday = date.weekday().to_monday_zero_offset();
            for i in 0..self.agents.len() {
                // (sign in, shift end, break, break length), minutes of the day.
                let shift = match (weekday, ROTA[i % ROTA.len()]) {
                    (0..=4, 'E') => (7 * 60 + 45, 16 * 60, 12 * 60, 30),
                    (0..=4, 'M') => (9 * 60 + 30, 17 * 60 + 45, 13 * 60 + 15, 30),
                    (0..=4, _) => (11 * 60 + 50, 20 * 60 + 5, 15 * 60 + 30, 30),
                    (5, _) if i % 2 == 0 => (9 * 60 + 50, 16 * 60 + 10, 13 * 60, 20),
                    _ => continue,
                };
                let (sign_in, end, pause, length) = shift;
                let jitter = |rng: &mut Rng, lo: f64, hi: f64| rng.between(lo, hi) as i64;
                let plan = [
                    (sign_in - jitter(&mut self.rng, 0.0, 8.0), Shift::SignIn),
                    (
                        pause + jitter(&mut self.rng, -20.0, 20.0),
                        Shift::BreakStart,
                    ),
                    (0, Shift::BreakEnd),
                    (end + jitter(&mut self.rng, 0.0, 10.0), Shift::Finish),
                    (0, Shift::SignOut),
                ];
                let mut last = 0;
                for (minute, what) in plan {
                    let minute = match what {
                        Shift::BreakEnd => last + length,
                        Shift::SignOut => last + 10 + jitter(&mut self.rng, 0.0, 10.0),
                        _ => minute,
                    };
                    last = minute;
                    let at = date
                        .at((minute / 60) as i8, (minute % 60) as i8, 0, 0)
                        .to_zoned(self.tz.clone())
                        .expect("a time in Berlin")
                        .timestamp()
                        .as_millisecond() as u64;
                    if (self.now..self.end).contains(&at) {
                        self.schedule(
                            at,
                            Job::Presence {
                                agent: i,
                                shift: what,
                            },
                        );
                    }
                }
            }
            date = date.tomorrow().expect("in range");
        }
    }

    /// Plans the next arrival: the next point of the Poisson process, by
    /// thinning one of the peak rate.
    fn plan_arrival(&mut self) {
        let peak = peak_rate(self.per_day);
        if peak <= 0.0 {
            return;
        }
        let mut t = self.now as f64;
        loop {
            t += self.rng.exp(HOUR as f64 / peak);
            if t >= self.end as f64 {
                return;
            }
            let at = t as u64;
            if self.rng.unit() * peak < rate(&self.tz, self.per_day, at) {
                self.schedule(at.max(self.now), Job::Arrival);
                return;
            }
        }
    }

    // ----- the host's acts -------------------------------------------------------

    fn run_job(&mut self, job: Job) {
        match job {
            Job::Arrival => {
                self.arrival();
                self.plan_arrival();
            }
            Job::Bot { conv, turn } => self.bot(conv, turn),
            Job::Say { conv, guard, text } => {
                let c = &self.convs[conv];
                let still = match guard {
                    Guard::Bot(p) => c.state == State::Bot && c.phase == p,
                    Guard::Agent(cycle) => c.state == State::WithAgent && c.cycle == cycle,
                    Guard::Waiting(w) => c.state.is_waiting() && c.wait == w,
                };
                if still {
                    self.say(conv, text);
                }
            }
            Job::Answer {
                conv,
                agent,
                serial,
                accept,
            } => {
                // An offer lives while the conversation is offered (closing
                // it withdraws every offer).
                if self.convs[conv].state == State::Offered
                    && self.offers.get(&(conv, agent)) == Some(&serial)
                {
                    self.offers.remove(&(conv, agent));
                    let agent = self.agents[agent].id.clone();
                    let conversation = self.convs[conv].id.clone();
                    self.give(if accept {
                        Input::AgentAccept {
                            agent,
                            conversation,
                        }
                    } else {
                        Input::AgentDecline {
                            agent,
                            conversation,
                        }
                    });
                }
            }
            Job::Reply {
                conv,
                agent,
                cycle,
                first,
            } => {
                if self.serving(conv, agent, cycle) {
                    let text = if first {
                        self.rng.pick(&AGENT_FIRST)
                    } else {
                        self.rng.pick(&AGENT_REPLIES)
                    };
                    self.give(Input::AgentMessage {
                        agent: self.agents[agent].id.clone(),
                        conversation: self.convs[conv].id.clone(),
                        content: Content::text(text),
                    });
                }
            }
            Job::Close { conv, agent, cycle } => {
                if self.serving(conv, agent, cycle) {
                    let conversation = self.convs[conv].id.clone();
                    if !self.convs[conv].tagged && self.rng.chance(0.1) {
                        self.convs[conv].tagged = true;
                        let tag = self.rng.pick(&["follow-up", "damaged", "vip"]);
                        self.give(Input::Tag {
                            conversation: conversation.clone(),
                            tags: vec![tag.to_owned()],
                        });
                    }
                    self.give(Input::Close {
                        conversation,
                        by: Closer::Agent,
                        agent: Some(self.agents[agent].id.clone()),
                    });
                }
            }
            Job::Transfer { conv, agent, cycle } => {
                if self.serving(conv, agent, cycle) {
                    let to = match self.convs[conv].queue.as_ref().map(QueueId::as_str) {
                        Some("support") if self.rng.chance(0.7) => "billing",
                        Some("support") => "sales",
                        _ => "support",
                    };
                    self.convs[conv].transferred = true;
                    let transfer = Transfer::to_queue(self.convs[conv].id.clone(), to)
                        .with_note("please take this one over");
                    self.give(Input::Transfer(transfer));
                }
            }
            Job::Leave { conv, cycle } => {
                let c = &self.convs[conv];
                if c.state == State::WithAgent && c.cycle == cycle {
                    self.close_for_customer(conv);
                }
            }
            Job::Abandon { conv, wait } => {
                let c = &self.convs[conv];
                if c.state.is_waiting() && c.wait == wait {
                    self.close_for_customer(conv);
                }
            }
            Job::Csat { conv, score } => {
                if !self.convs[conv].purged {
                    self.give(Input::Csat {
                        conversation: self.convs[conv].id.clone(),
                        score,
                    });
                }
            }
            Job::Reopen { conv } => {
                let c = &self.convs[conv];
                if c.state == State::Closed
                    && !c.purged
                    && self.customers[c.customer].conv == Some(conv)
                {
                    let script = self.rng.pick(&[Script::Faq, Script::Handoff]);
                    let c = &mut self.convs[conv];
                    c.script = script;
                    c.bot_turns = 0;
                    let text = self.rng.pick(&REOPEN);
                    self.say(conv, text);
                }
            }
            Job::Presence { agent, shift } => self.shift(agent, shift),
        }
    }

    /// Whether `agent` has conversation `conv` in the same assignment as
    /// when the act was planned.
    fn serving(&self, conv: usize, agent: usize, cycle: u32) -> bool {
        let c = &self.convs[conv];
        c.state == State::WithAgent && c.agent == Some(agent) && c.cycle == cycle
    }

    fn close_for_customer(&mut self, conv: usize) {
        self.give(Input::Close {
            conversation: self.convs[conv].id.clone(),
            by: Closer::Customer,
            agent: None,
        });
    }

    /// The customer of `conv` writes `text`.
    fn say(&mut self, conv: usize, text: &str) {
        let customer = &self.customers[self.convs[conv].customer];
        let m = Inbound::new(customer.channel.clone(), customer.address.clone(), text);
        self.give(Input::Inbound(m));
    }

    /// A customer writes first: a new one, or one who wrote in the last
    /// seven days and has no conversation open.
    fn arrival(&mut self) {
        while self
            .recent
            .front()
            .is_some_and(|(at, _)| *at + 7 * DAY <= self.now)
        {
            self.recent.pop_front();
        }
        let mut returning = None;
        if self.rng.chance(0.22) && !self.recent.is_empty() {
            for _ in 0..4 {
                let (_, c) = self.recent[self.rng.below(self.recent.len())];
                if self.customers[c].conv.is_none() {
                    returning = Some(c);
                    break;
                }
            }
        }
        let customer = match returning {
            Some(c) => c,
            None => self.new_customer(),
        };
        let script = SCRIPTS[self.rng.weighted(&SCRIPTS.map(|(_, w)| w))].0;
        let topic = self.rng.below(FAQ.len());
        let text = match script {
            Script::Faq | Script::FaqFollowUp | Script::Silent | Script::AskHumanLater => {
                FAQ[topic].0
            }
            Script::Unsure | Script::Handoff | Script::Fallbacks => self.rng.pick(&PROBLEMS),
            Script::Complaint => self.rng.pick(&COMPLAINTS),
            Script::AskHuman => self.rng.pick(&ASK_HUMAN),
            Script::Refund => self.rng.pick(&REFUNDS),
            Script::Sales => self.rng.pick(&SALES),
        };
        self.arriving = Some((customer, script, topic));
        let c = &self.customers[customer];
        let m = Inbound::new(c.channel.clone(), c.address.clone(), text);
        self.give(Input::Inbound(m));
        self.arriving = None;
        if self.customers[customer].conv.is_some() {
            self.summary.arrivals += 1;
            if returning.is_some() {
                self.summary.returning += 1;
            }
            self.recent.push_back((self.now, customer));
        }
    }

    fn new_customer(&mut self) -> usize {
        let n = self.customers.len();
        let weights = CHANNELS.map(|(_, w)| w);
        let channel = CHANNELS[self.rng.weighted(&weights)].0.clone();
        let raw = match channel {
            ChannelKind::Sms => format!("+49151{n:08}"),
            ChannelKind::WhatsApp => format!("49160{n:08}"),
            ChannelKind::Messenger => format!("{}", 7_100_000_000_000_000u64 + n as u64),
            ChannelKind::Email => {
                let first = self.rng.pick(&FIRST_NAMES);
                let last = self.rng.pick(&LAST_NAMES);
                format!("{first}.{last}{n}@example.org")
            }
            _ => format!("v-{n:06}-{:04x}", self.rng.below(0x10000)),
        };
        let address = Address::new(&channel, &raw).expect("a well-formed address");
        self.customers.push(Customer {
            channel,
            address,
            conv: None,
        });
        n
    }

    /// The bot answers turn `turn` of `conv`, as its script says.
    fn bot(&mut self, conv: usize, turn: u64) {
        let c = &self.convs[conv];
        if c.state != State::Bot {
            return;
        }
        let (script, n, phase) = (c.script, c.bot_turns, c.phase);
        let (_, intent, answer) = FAQ[c.topic];
        let t = BotTurn::new(c.id.clone()).turn(turn);
        let follow_up = |sim: &mut Self, texts: &[&'static str]| {
            let text = sim.rng.pick(texts);
            let wait = sim.rng.between(15.0, 120.0);
            sim.after(
                wait,
                Job::Say {
                    conv,
                    guard: Guard::Bot(phase),
                    text,
                },
            );
        };
        let t = if self.rng.chance(0.003) {
            t.error("NLU service returned 503")
        } else {
            match (script, n) {
                (Script::Faq, _) => t.reply(answer).intent(intent, 0.92).resolved(),
                (Script::FaqFollowUp, 1) => {
                    follow_up(self, &FOLLOW_UPS);
                    t.reply(answer).intent(intent, 0.88)
                }
                (Script::FaqFollowUp, _) => t
                    .reply("Standard delivery takes 2 to 3 working days, and you can change the size until it ships.")
                    .intent("faq:delivery", 0.9)
                    .resolved(),
                (Script::Silent, 1) => t.reply(answer).intent(intent, 0.81),
                (Script::Unsure, _) => {
                    let confidence = self.rng.between(0.1, 0.35);
                    t.reply("I'm not sure I understood. Let me find a colleague.")
                        .intent("unknown", confidence)
                }
                (Script::Handoff, _) => t
                    .reply("I can't find that order; a colleague will take over.")
                    .intent("order_problem", 0.83)
                    .handoff("order not found"),
                (Script::Fallbacks, 1) => {
                    follow_up(self, &REPHRASES);
                    t.reply("Sorry, I didn't get that. Could you rephrase?")
                        .fallback()
                }
                (Script::Fallbacks, _) => t.reply("Sorry, I still didn't get that.").fallback(),
                (Script::Complaint, _) => t
                    .reply("I'm sorry to hear that.")
                    .intent("complaint", 0.93),
                (Script::AskHumanLater, 1) => {
                    follow_up(self, &ASK_HUMAN_LATER);
                    t.reply(answer).intent(intent, 0.7)
                }
                _ => t
                    .reply("Let me get a colleague to help.")
                    .intent("other", 0.6)
                    .handoff("needs a person"),
            }
        };
        self.give(Input::BotTurn(t));
    }

    /// An agent's shift moves on.
    fn shift(&mut self, agent: usize, shift: Shift) {
        let a = &mut self.agents[agent];
        let presence = match shift {
            Shift::SignIn => {
                a.on_shift = true;
                a.on_break = false;
                Presence::Available
            }
            Shift::BreakStart if a.on_shift => {
                a.on_break = true;
                Presence::Away
            }
            Shift::BreakEnd if a.on_shift => {
                a.on_break = false;
                Presence::Available
            }
            Shift::Finish => {
                a.on_shift = false;
                a.on_break = false;
                Presence::Away
            }
            Shift::SignOut if !a.on_shift => Presence::Offline,
            Shift::Return if a.on_shift && !a.on_break && a.presence == Presence::Away => {
                Presence::Available
            }
            _ => return,
        };
        if a.presence != presence {
            a.presence = presence;
            let agent = a.id.clone();
            self.give(Input::AgentStatus {
                agent,
                status: presence,
            });
        }
    }

    // ----- reacting to the engine ------------------------------------------------

    /// The index of conversation `id`; a conversation first seen is the
    /// arriving customer's.
    fn conv_of(&mut self, id: &ConversationId) -> Option<usize> {
        if let Some(k) = self.by_id.get(id) {
            return Some(*k);
        }
        let (customer, script, topic) = self.arriving.take()?;
        let k = self.convs.len();
        self.convs.push(Conv {
            id: id.clone(),
            customer,
            script,
            topic,
            state: State::Bot,
            bot_turns: 0,
            phase: 0,
            cycle: 0,
            wait: 0,
            agent: None,
            queue: None,
            transferred: false,
            tagged: false,
            csat: false,
            purged: false,
        });
        self.by_id.insert(id.clone(), k);
        self.customers[customer].conv = Some(k);
        Some(k)
    }

    fn agent_of(&self, id: &AgentId) -> Option<usize> {
        self.agents.iter().position(|a| a.id == *id)
    }

    /// How much slower than chat the channel is answered.
    fn pace(&self, conv: usize) -> f64 {
        match self.customers[self.convs[conv].customer].channel {
            ChannelKind::Email => 2.5,
            ChannelKind::Sms => 1.3,
            _ => 1.0,
        }
    }

    fn on_action(&mut self, action: Action) {
        match action {
            Action::AskBot(ask) => {
                let Some(k) = self.conv_of(&ask.conversation) else {
                    return;
                };
                self.convs[k].bot_turns += 1;
                // Now and then the bot never answers: the engine's bot
                // timeout escalates.
                if !self.rng.chance(0.004) {
                    let delay = self.rng.lognormal(0.7, 0.4).min(8.0);
                    self.after(
                        delay,
                        Job::Bot {
                            conv: k,
                            turn: ask.turn,
                        },
                    );
                }
            }
            Action::Offer {
                conversation,
                agent,
                ..
            } => {
                let (Some(k), Some(a)) = (self.conv_of(&conversation), self.agent_of(&agent))
                else {
                    return;
                };
                self.serial += 1;
                let serial = self.serial;
                self.offers.insert((k, a), serial);
                let r = self.rng.unit();
                if r < 0.86 {
                    let delay = self.rng.lognormal(5.0, 0.6).min(25.0);
                    let accept = true;
                    self.after(
                        delay,
                        Job::Answer {
                            conv: k,
                            agent: a,
                            serial,
                            accept,
                        },
                    );
                } else if r < 0.93 {
                    let delay = self.rng.between(2.0, 12.0);
                    let accept = false;
                    self.after(
                        delay,
                        Job::Answer {
                            conv: k,
                            agent: a,
                            serial,
                            accept,
                        },
                    );
                }
                // Otherwise the offer is let expire.
            }
            Action::RevokeOffer {
                conversation,
                agent,
                ..
            } => {
                if let (Some(k), Some(a)) = (self.conv_of(&conversation), self.agent_of(&agent)) {
                    self.offers.remove(&(k, a));
                }
            }
            Action::Assigned {
                conversation,
                agent,
                queue,
            } => {
                if let (Some(k), Some(a)) = (self.conv_of(&conversation), self.agent_of(&agent)) {
                    self.offers.remove(&(k, a));
                    self.assigned(k, a, queue);
                }
            }
            Action::Unassigned {
                conversation,
                agent,
                ..
            } => {
                if let (Some(k), Some(a)) = (self.conv_of(&conversation), self.agent_of(&agent)) {
                    let c = &mut self.convs[k];
                    if c.agent == Some(a) {
                        c.agent = None;
                        c.cycle += 1;
                    }
                }
            }
            Action::Deliver {
                conversation,
                agent,
                ..
            } => {
                if let (Some(k), Some(a)) = (self.conv_of(&conversation), self.agent_of(&agent))
                    && self.convs[k].agent == Some(a)
                {
                    let delay = self.rng.lognormal(35.0 * self.pace(k), 0.6);
                    let cycle = self.convs[k].cycle;
                    let first = false;
                    self.after(
                        delay,
                        Job::Reply {
                            conv: k,
                            agent: a,
                            cycle,
                            first,
                        },
                    );
                }
            }
            Action::AgentStatus { agent, status, .. } => {
                if let Some(a) = self.agent_of(&agent) {
                    self.agents[a].presence = status;
                    if status == Presence::Away {
                        let back = self.rng.between(60.0, 240.0);
                        let shift = Shift::Return;
                        self.after(back, Job::Presence { agent: a, shift });
                    }
                }
            }
            _ => {}
        }
    }

    /// An agent has the conversation: they greet, answer what the customer
    /// writes, and close (or transfer) after the handle time.
    fn assigned(&mut self, conv: usize, agent: usize, queue: QueueId) {
        let pace = self.pace(conv);
        let c = &mut self.convs[conv];
        c.agent = Some(agent);
        c.cycle += 1;
        c.queue = Some(queue);
        let (cycle, transferred) = (c.cycle, c.transferred);
        let first = self.rng.lognormal(20.0 * pace, 0.5);
        self.after(
            first,
            Job::Reply {
                conv,
                agent,
                cycle,
                first: true,
            },
        );
        let handle = self.rng.lognormal(300.0 * pace, 0.5).max(90.0);
        let r = self.rng.unit();
        if !transferred && r < 0.07 {
            let at = handle * self.rng.between(0.3, 0.6);
            self.after(at, Job::Transfer { conv, agent, cycle });
        } else if r < 0.11 {
            self.after(handle, Job::Leave { conv, cycle });
        } else {
            self.after(handle, Job::Close { conv, agent, cycle });
        }
        let messages = self.rng.weighted(&[25, 35, 25, 15]);
        for _ in 0..messages {
            let at = handle * self.rng.between(0.15, 0.9);
            let text = self.rng.pick(&TO_AGENT);
            let guard = Guard::Agent(cycle);
            self.after(at, Job::Say { conv, guard, text });
        }
    }

    fn on_event(&mut self, event: &Event) {
        let Some(id) = &event.conversation else {
            return;
        };
        match &event.kind {
            EventKind::Transition { from, to, reason } => {
                if let Some(k) = self.conv_of(id) {
                    self.transition(k, *from, *to, reason);
                }
            }
            EventKind::OfferMissed { .. } => {
                if let (Some(k), Some(a)) = (
                    self.conv_of(id),
                    event.agent.as_ref().and_then(|a| self.agent_of(a)),
                ) {
                    self.offers.remove(&(k, a));
                }
            }
            EventKind::Purged => {
                if let Some(k) = self.conv_of(id) {
                    self.convs[k].purged = true;
                    let customer = self.convs[k].customer;
                    if self.customers[customer].conv == Some(k) {
                        self.customers[customer].conv = None;
                    }
                }
            }
            _ => {}
        }
    }

    fn transition(&mut self, conv: usize, from: Option<State>, to: State, reason: &Reason) {
        let c = &mut self.convs[conv];
        c.state = to;
        c.phase += 1;
        if to == State::Closed {
            c.agent = None;
        }
        let starts_waiting = to.is_waiting()
            && (from.is_none_or(|f| !f.is_waiting())
                || (from == Some(State::AfterHours) && to == State::Queued));
        if starts_waiting {
            c.wait += 1;
            let wait = c.wait;
            // Patience: chat visitors give up within minutes, and mostly
            // leave when told the queue is closed; those who wrote by
            // e-mail, SMS or WhatsApp wait longer, and mostly wait for the
            // opening.
            let chat = matches!(
                self.customers[c.customer].channel,
                ChannelKind::WebChat | ChannelKind::Messenger
            );
            let (share, median) = match (to, chat) {
                (State::AfterHours, true) => (0.8, 3_600.0),
                (State::AfterHours, false) => (0.15, 14_400.0),
                (_, true) => (0.5, 240.0),
                (_, false) => (0.2, 1_200.0),
            };
            if self.rng.chance(share) {
                let patience = self.rng.lognormal(median, 0.9);
                self.after(patience, Job::Abandon { conv, wait });
            }
            if self.rng.chance(0.15) {
                let at = self.rng.between(60.0, 300.0);
                let text = self.rng.pick(&WAITING);
                let guard = Guard::Waiting(wait);
                self.after(at, Job::Say { conv, guard, text });
            }
        }
        if to == State::Closed {
            let c = &mut self.convs[conv];
            if *reason == Reason::ClosedByAgent && !c.csat && self.rng.chance(0.35) {
                c.csat = true;
                let score = [1, 2, 3, 4, 5][self.rng.weighted(&[6, 5, 10, 29, 50])];
                let at = self.rng.lognormal(90.0, 0.8).min(5_400.0);
                self.after(at, Job::Csat { conv, score });
            }
            let may_reopen = matches!(
                reason,
                Reason::ClosedByAgent
                    | Reason::Resolved
                    | Reason::Inactivity
                    | Reason::ClosedByCustomer
            );
            if may_reopen && self.rng.chance(0.05) {
                let at = self.rng.between(180.0, 6_000.0);
                self.after(at, Job::Reopen { conv });
            }
        }
    }
}
