//! Fuzzes the assigner: a sequence of host calls (agents signing in and
//! out, conversations arriving, offers accepted, declined and expiring,
//! replies, time passing) against one fixed configuration, checking the
//! assigner's invariants after every call.
//!
//! The configuration has five queues that between them use every queue
//! and `[assignment]` setting: eligibility split into an agent-only part
//! and a conversation-dependent one (`agent.languages has
//! conversation.lang`), eligibility that cannot be split (`or` across agent
//! and contact), relaxation steps (given out of order), overflow chains
//! (`tech` → `sales` → `general`; cycles are refused), `max_size`, business hours, `sla`, multi-offer,
//! offer and reply timeouts, per-queue and default wrap-up, aging,
//! priorities and all four strategies; offline grace, a fairness cap, a
//! preferred-agent wait and `max_missed_offers = 2`. Eligibility reads
//! nothing that changes with time alone (`hour`, `weekday`, `hours.*`,
//! `conversation.waited`).
//!
//! The input is read as:
//!
//! * byte 0: the start time: a Monday before the calendar opens, a Friday
//!   before it closes, a Saturday before it opens, the night Berlin's
//!   clocks go back, Christmas Eve;
//! * then operations, one opcode byte each followed by its arguments, over
//!   six agents (`a0`-`a5`, and an empty id that is never valid), twelve
//!   conversations (`c0`-`c11`), three languages and three channels:
//!   upsert an agent (skills at levels 0-10, now and then 11; languages,
//!   one sometimes twice; per-channel limits including 0 and, rarely,
//!   past 65,535; sometimes a weighted budget), remove one, set presence,
//!   enqueue (queue, channel, language, priority including the `i32`
//!   extremes, contact tier and tags, sometimes a preferred agent, an
//!   earlier, later or epoch `waiting_since`, or an unknown queue),
//!   accept, decline, finish, `agent_replied`, `customer_wrote`, move time
//!   forward (by milliseconds to hours, or to just before, at or after
//!   `poll_timeout()`) and `handle_timeout`; some requests are directed to
//!   one agent (`for_agent`, now and then an unknown one). Three more
//!   operations exercise snapshots and reconfiguration:
//!   * snapshot: after the next operation's call, before its events are
//!     polled, the assigner's snapshot goes through JSON text and is
//!     restored into a twin (the snapshot read back must be equal, the
//!     restored one's snapshot byte-identical); from then on every call is
//!     made on both, and they must return, emit, time out and snapshot
//!     exactly alike;
//!   * reconfigure to the fuzz configuration or to a second one without
//!     `tech` (other queues changed), with no fallback, `general`, or a
//!     queue the target lacks;
//!   * restore an edited snapshot: the current snapshot's JSON with a few
//!     numbers, strings, booleans or arrays changed; restoring must not
//!     panic, and an assigner it returns is driven through a fixed round
//!     of calls (everyone available, offers accepted, time run to each
//!     timeout, reconfigure, everything finished and removed) with its
//!     invariants checked after each.
//!
//!   Agents and conversations are
//!   mostly picked among those the operation suits (known agents, free
//!   conversation ids to enqueue, offered conversations and their agents
//!   to accept or decline, assigned ones to reply to), and now and then
//!   at random.
//!
//! After every operation:
//!
//! * `check_invariants()` holds;
//! * the conversations enqueued and not finished are exactly those
//!   `conversation()` and `len()` report (none disappears, none finished
//!   comes back), and the agents upserted and not removed are exactly
//!   those `agent()` reports, with the presence the calls and `AgentAway`
//!   events gave them;
//! * statuses name known agents who hold the conversation, offers have
//!   not expired, a waiting conversation's position is its place in
//!   `waiting()`, and `queue_stats()` agrees (count, oldest, over SLA,
//!   open as the calendar says, ready at most staffed); no timer is left
//!   in the past;
//! * every event names a known conversation and agent (or the one just
//!   finished or removed); an offer is made within the call's time span
//!   (from its `expires` and the queue's offer timeout), to an available
//!   agent past their wrap-up, in business hours for calendar queues, and
//!   only to the preferred agent while the conversation waits for them;
//!   a directed request only to its agent, and never after they declined
//!   or missed it; no agent accepts more than the fairness cap in any
//!   window;
//! * when no timer was due before the call (due timers run first by
//!   design), the model predicts exactly which calls fail (unknown queue,
//!   agent or conversation, already queued, queue full, not offered, not
//!   assigned, a missing or unknown fallback), and a call that fails, or
//!   that should change nothing (an agent's presence set to what it is, an
//!   accept repeated, reconfiguring to the configuration in force), leaves
//!   every status, waiting list, agent and timer as it was and emits
//!   nothing. A rejected profile is rejected before timers run, so that is
//!   checked always.
//!
//! On a failure the harness prints the operations run so far as a Rust
//! test, ready to paste into the crate's tests. Inputs over 16 KiB are
//! skipped.
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run assign_ops -- -max_total_time=120`; reproduce
//! a crash with `cargo +nightly fuzz run assign_ops fuzz/artifacts/assign_ops/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use switchboard::assign::{
    AgentProfile, AssignError, AssignEvent, Assigner, AssignerSnapshot, Capacity,
    ConversationStatus, Presence, Request,
};
use switchboard::calendar::Calendar;
use switchboard::config::Config;
use switchboard::{AgentId, Attributes, ChannelKind, QueueId, Ticket, Timestamp, Value};
use switchboard_fuzz::{Bytes, start_input};

const MAX_INPUT: usize = 16 * 1024;

const CONFIG: &str = r#"[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"
sat = "10:00-14:00"
closed = ["2026-12-24 13:00-24:00", "2026-12-25"]

[assignment]
max_missed_offers = 2
wrap_up = "5s"
offline_grace = "90s"
preferred_wait = "40s"
fairness = { max = 4, per = "10m" }
handle_time = "4m"

[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 5 and agent.languages has conversation.lang"
strategy = "most_skilled"
skill = "billing"
priority = 5
sla = "1m"
aging = "20s"
relax = [{ after = "30s", eligible = "agent.skills.billing >= 2" }]
overflow = { after = "3m", to = "general" }
offers = 2
offer_timeout = "20s"
reply_timeout = "2m"
wrap_up = "15s"

[[queues]]
id = "general"
strategy = "least_busy"
aging = "1m"

[[queues]]
id = "vip"
eligible = "agent.skills.vip >= 1"
calendar = "eu"
strategy = "round_robin"
priority = 10
sla = "5m"
max_size = 3
offers = 2
reply_timeout = "45s"
wrap_up = "0s"
overflow = { after = "20m", to = "general" }

[[queues]]
id = "tech"
eligible = "agent.skills.tech >= 3 or contact.tier == 'vip'"
max_size = 2
relax = [
    { after = "2m", eligible = "agent.languages has conversation.lang" },
    { after = "1m", eligible = "agent.skills.tech >= 1 and agent.languages has conversation.lang" },
]
overflow = { after = "5m", to = "sales" }
offer_timeout = "10s"

[[queues]]
id = "sales"
eligible = "agent.skills.sales >= 1 and agent.languages has conversation.lang and (conversation.channel != 'voice' or conversation.tags has 'urgent')"
strategy = "round_robin"
priority = -3
calendar = "eu"
overflow = { after = "30m", to = "general" }
offers = 3
offer_timeout = "15s"
"#;

/// The queues; the last is not in the configuration.
const QUEUES: [&str; 6] = ["billing", "general", "vip", "tech", "sales", "nope"];
/// The queues' offer timeouts, in milliseconds.
const OFFER_TIMEOUT_MS: [u64; 5] = [20_000, 30_000, 30_000, 10_000, 15_000];
/// The queues' wrap-up, in milliseconds.
const WRAP_UP_MS: [u64; 5] = [15_000, 5_000, 0, 5_000, 5_000];
/// Whether a queue follows calendar `eu`.
const CALENDAR: [bool; 5] = [false, false, true, false, true];
/// `[assignment]` settings.
const PREFERRED_WAIT_MS: u64 = 40_000;
const FAIRNESS_MAX: usize = 4;
const FAIRNESS_PER_MS: u64 = 10 * 60_000;
/// Large capacity figures.
const HUGE: [u32; 5] = [65_535, 65_536, 100_000, u32::MAX - 1, u32::MAX];
/// The queues' `sla`, in milliseconds.
const SLA_MS: [Option<u64>; 5] = [Some(60_000), None, Some(300_000), None, None];
/// The queues' `max_size`.
const MAX_SIZE: [Option<usize>; 6] = [None, None, Some(3), Some(2), None, None];
/// Agents; the last, empty, is never valid.
const AGENTS: [&str; 7] = ["a0", "a1", "a2", "a3", "a4", "a5", ""];
const CONVS: usize = 12;
const SKILLS: [&str; 4] = ["billing", "vip", "tech", "sales"];
const LANGS: [&str; 3] = ["en", "de", "es"];
const CHANNELS: [ChannelKind; 3] = [ChannelKind::WebChat, ChannelKind::Sms, ChannelKind::Voice];
const CHANNEL_CODE: [&str; 3] = [
    "ChannelKind::WebChat",
    "ChannelKind::Sms",
    "ChannelKind::Voice",
];

/// Start times, in milliseconds since the epoch.
const STARTS: [u64; 5] = [
    1_794_814_800_000, // Monday 2026-11-16 07:40 UTC, 08:40 in Berlin: opens at 09:00
    1_795_193_400_000, // Friday 2026-11-20 16:50 UTC, 17:50 in Berlin: closes at 18:00
    1_795_251_300_000, // Saturday 2026-11-21 08:55 UTC, 09:55 in Berlin: opens at 10:00
    1_792_888_200_000, // Sunday 2026-10-25 00:30 UTC, 02:30 CEST: clocks go back at 01:00 UTC
    1_798_128_000_000, // Thursday 2026-12-24 16:00 UTC: closed from 13:00, closed the 25th
];

/// The second configuration: `CONFIG` without `tech`, with `sales`
/// overflowing to `general` and `billing` offering to one agent and
/// relaxing later. The other settings the harness models are unchanged.
fn config_b_text() -> String {
    let start = CONFIG
        .find("[[queues]]\nid = \"tech\"")
        .expect("the tech queue");
    let end = CONFIG
        .find("[[queues]]\nid = \"sales\"")
        .expect("the sales queue");
    let text = format!("{}{}", &CONFIG[..start], &CONFIG[end..]);
    let text = text
        .replace("to = \"tech\"", "to = \"general\"")
        .replace(
            "offers = 2\noffer_timeout = \"20s\"",
            "offer_timeout = \"20s\"",
        )
        .replace("after = \"30s\"", "after = \"45s\"");
    assert!(!text.contains("tech\"") && text.contains("after = \"45s\""));
    text
}

/// The configurations: 0 is `CONFIG`, 1 the second one.
fn configs() -> &'static [Arc<Config>; 2] {
    static CONFIGS: OnceLock<[Arc<Config>; 2]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        [CONFIG.to_owned(), config_b_text()].map(|text| match Config::from_toml_str(&text) {
            Ok(c) => Arc::new(c),
            Err(e) => panic!("a fuzz configuration does not load:\n{e}"),
        })
    })
}

fn config() -> Arc<Config> {
    configs()[0].clone()
}

/// Whether queue `q` is in configuration `config`.
fn configured(config: usize, q: usize) -> bool {
    q < 5 && !(config == 1 && q == 3)
}

fn json(s: &AssignerSnapshot) -> String {
    serde_json::to_string(s).expect("a snapshot serializes")
}

/// One operation, with every choice resolved, as run and as logged.
#[derive(Clone, Debug)]
enum Op {
    Upsert(Upsert),
    Remove(usize),
    Presence(usize, Presence),
    Enqueue(Enqueue),
    Accept(usize, usize),
    Decline(usize, usize),
    Finish(usize),
    Replied(usize),
    Wrote(usize),
    /// Moves the host's clock to this time (no call).
    Advance(u64),
    Timeout,
    /// Restore the snapshot taken after the next call into a twin.
    Snapshot,
    /// Switch to configuration `to` (0 or 1), with a fallback queue.
    Reconfigure {
        to: usize,
        fallback: Option<usize>,
    },
    /// Restore the current snapshot edited: `(leaf, how)` pairs.
    Garbage(Vec<(u16, u8)>),
}

#[derive(Clone, Debug)]
struct Upsert {
    agent: usize,
    skills: Vec<(usize, u8)>,
    langs: Vec<usize>,
    /// `(channel, limit)`.
    limits: Vec<(usize, u32)>,
    /// Budget and `(channel, weight)`.
    budget: Option<(u32, Vec<(usize, u32)>)>,
}

impl Upsert {
    fn valid(&self) -> bool {
        !AGENTS[self.agent].is_empty() && self.skills.iter().all(|(_, l)| *l <= 10)
    }

    fn profile(&self) -> AgentProfile {
        let mut p = AgentProfile::new(AGENTS[self.agent]);
        for &(s, l) in &self.skills {
            p = p.with_skill(SKILLS[s], l);
        }
        p = p.with_languages(self.langs.iter().map(|&l| LANGS[l]));
        let mut cap = Capacity::new(self.limits.iter().map(|&(c, n)| (CHANNELS[c].clone(), n)));
        if let Some((b, w)) = &self.budget {
            cap = cap.with_budget(*b, w.iter().map(|&(c, n)| (CHANNELS[c].clone(), n)));
        }
        p.with_capacity(cap)
    }

    fn code(&self) -> String {
        let mut s = format!("AgentProfile::new({:?})", AGENTS[self.agent]);
        for &(k, l) in &self.skills {
            let _ = write!(s, ".with_skill({:?}, {l})", SKILLS[k]);
        }
        let langs: Vec<&str> = self.langs.iter().map(|&l| LANGS[l]).collect();
        if !langs.is_empty() {
            let _ = write!(s, ".with_languages({langs:?})");
        }
        let pairs = |v: &[(usize, u32)]| -> String {
            let items: Vec<String> = v
                .iter()
                .map(|&(c, n)| format!("({}, {n})", CHANNEL_CODE[c]))
                .collect();
            format!("[{}]", items.join(", "))
        };
        let mut cap = format!("Capacity::new({})", pairs(&self.limits));
        if let Some((b, w)) = &self.budget {
            let _ = write!(cap, ".with_budget({b}, {})", pairs(w));
        }
        let _ = write!(s, ".with_capacity({cap})");
        s
    }
}

#[derive(Clone, Debug)]
struct Enqueue {
    conv: usize,
    queue: usize,
    channel: usize,
    lang: Option<usize>,
    priority: i32,
    vip: bool,
    urgent: bool,
    /// Agent and wait in milliseconds (`None`: the configured wait).
    preferred: Option<(usize, Option<u64>)>,
    waiting_since: Option<u64>,
    /// The only agent it may be offered to.
    for_agent: Option<usize>,
}

impl Enqueue {
    fn request(&self) -> Request {
        let mut r = Request::new(
            conv_id(self.conv),
            QUEUES[self.queue],
            CHANNELS[self.channel].clone(),
        )
        .with_priority(self.priority);
        if let Some(l) = self.lang {
            r = r.with_lang(LANGS[l]);
        }
        if self.vip {
            r = r.with_contact(Attributes::from([("tier".to_owned(), Value::from("vip"))]));
        }
        if self.urgent {
            r = r.with_tags(["urgent"]);
        }
        if let Some((a, wait)) = self.preferred {
            r = r.with_preferred(AgentId::new(AGENTS[a]), wait.map(Duration::from_millis));
        }
        if let Some(t) = self.waiting_since {
            r = r.waiting_since(Timestamp::from_millis(t));
        }
        if let Some(a) = self.for_agent {
            r = r.for_agent(AgentId::new(AGENTS[a]));
        }
        r
    }

    fn code(&self) -> String {
        let mut s = format!(
            "Request::new({:?}, {:?}, {}).with_priority({})",
            format!("c{}", self.conv),
            QUEUES[self.queue],
            CHANNEL_CODE[self.channel],
            self.priority
        );
        if let Some(l) = self.lang {
            let _ = write!(s, ".with_lang({:?})", LANGS[l]);
        }
        if self.vip {
            s.push_str(
                ".with_contact(Attributes::from([(\"tier\".to_owned(), Value::from(\"vip\"))]))",
            );
        }
        if self.urgent {
            s.push_str(".with_tags([\"urgent\"])");
        }
        if let Some((a, wait)) = self.preferred {
            let wait = match wait {
                Some(ms) => format!("Some(Duration::from_millis({ms}))"),
                None => "None".to_owned(),
            };
            let _ = write!(s, ".with_preferred(AgentId::new({:?}), {wait})", AGENTS[a]);
        }
        if let Some(t) = self.waiting_since {
            let _ = write!(s, ".waiting_since(Timestamp::from_millis({t}))");
        }
        if let Some(a) = self.for_agent {
            let _ = write!(s, ".for_agent(AgentId::new({:?}))", AGENTS[a]);
        }
        s
    }
}

fn offered(s: &ConversationStatus) -> bool {
    matches!(s, ConversationStatus::Offered { .. })
}

fn assigned(s: &ConversationStatus) -> bool {
    matches!(s, ConversationStatus::Assigned { .. })
}

fn agent_index(id: &AgentId) -> usize {
    AGENTS
        .iter()
        .position(|a| *a == id.as_str())
        .unwrap_or_else(|| panic!("an agent outside the harness: {id}"))
}

fn conv_index(id: &Ticket) -> usize {
    (0..CONVS)
        .find(|&c| conv_id(c) == *id)
        .unwrap_or_else(|| panic!("a conversation outside the harness: {id}"))
}

fn queue_index(id: &QueueId) -> usize {
    QUEUES
        .iter()
        .position(|q| *q == id.as_str())
        .unwrap_or_else(|| panic!("a queue outside the configuration: {id}"))
}

fn conv_id(i: usize) -> Ticket {
    Ticket::new(format!("c{i}"))
}

fn agent_id(i: usize) -> AgentId {
    AgentId::new(AGENTS[i])
}

thread_local! {
    /// The start time and the operations run so far, for the panic hook's
    /// reproducer.
    static LOG: RefCell<(u64, Vec<Op>)> = const { RefCell::new((0, Vec::new())) };
    /// The edited snapshots restored so far, in order, for the reproducer.
    static EDITED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fuzz_target!(|data: &[u8]| {
    if data.is_empty() || data.len() > MAX_INPUT {
        return;
    }
    start_input("assign_ops", data, logged_reproducer);
    let mut bytes = Bytes::new(data);
    let start = STARTS[usize::from(bytes.byte_or_zero()) % STARTS.len()];
    LOG.with(|l| {
        let mut l = l.borrow_mut();
        l.0 = start;
        l.1.clear();
    });
    EDITED.with(|e| e.borrow_mut().clear());
    let mut h = Harness::new(start);
    while !bytes.is_empty() {
        let op = h.decode(&mut bytes);
        LOG.with(|l| l.borrow_mut().1.push(op.clone()));
        h.apply(&op);
    }
});

/// The panic hook's reproducer: the operations run so far, from the log
/// (not from the input, which decodes differently as the assigner's state
/// changes).
fn logged_reproducer(_input: &[u8]) -> Option<String> {
    LOG.try_with(|l| {
        let l = l.try_borrow().ok()?;
        let edited = EDITED
            .try_with(|e| e.try_borrow().map(|e| e.clone()).unwrap_or_default())
            .unwrap_or_default();
        Some(reproducer(l.0, &l.1, &edited))
    })
    .ok()
    .flatten()
}

/// What can be seen of the assigner cheaply: compared before and after a
/// call that fails.
#[derive(Debug, PartialEq)]
struct Snapshot {
    convs: Vec<Option<ConversationStatus>>,
    queues: Vec<Option<Vec<Ticket>>>,
    agents: Vec<Option<AgentSnapshot>>,
    timeout: Option<Timestamp>,
    len: usize,
}

#[derive(Debug, PartialEq)]
struct AgentSnapshot {
    profile: AgentProfile,
    presence: Presence,
    load: u32,
    missed: u32,
    idle_since: Timestamp,
    rotation: u64,
    wrap_up_until: Timestamp,
    held: Vec<Ticket>,
}

struct Harness {
    assigner: Assigner,
    calendar: Calendar,
    /// The host's clock.
    now: u64,
    /// The time the assigner's timers have run to: its last call's `now`.
    ran_to: u64,
    /// Conversations enqueued and not finished.
    live: BTreeSet<usize>,
    /// Agents upserted and not removed.
    agents: BTreeSet<usize>,
    /// Per agent, presence as calls and events set it (`None`: unknown).
    presence: [Option<Presence>; AGENTS.len()],
    /// Per agent, the end of the wrap-up after their last finished
    /// conversation.
    wrap_until: [u64; AGENTS.len()],
    /// Per agent, when they accepted conversations.
    accepted: [Vec<u64>; AGENTS.len()],
    /// Per conversation, the preferred agent and until when it is waited
    /// for.
    preferred: [Option<(AgentId, u64)>; CONVS],
    /// An agent whose presence changed in a call that ran timers first,
    /// so that its events cannot be placed before or after the change:
    /// left out of the presence and wrap-up checks for that call.
    presence_exempt: Option<usize>,
    /// The same for an agent whose wrap-up started in such a call: left
    /// out of the wrap-up check.
    wrap_exempt: Option<usize>,
    /// The configuration in force (0 or 1).
    config: usize,
    /// Per conversation, the agent a directed request waits for (until
    /// accepted), and whether that agent declined or missed it.
    directed: [Option<(usize, bool)>; CONVS],
    /// The assigner restored from a snapshot, run alongside.
    twin: Option<Assigner>,
    /// Restore a twin after the next call.
    snapshot_next: bool,
    /// The events of the last call, as polled.
    last_events: Vec<AssignEvent>,
}

impl Harness {
    fn new(start: u64) -> Self {
        let config = config();
        let calendar = config.calendars().get("eu").expect("calendar eu").clone();
        let assigner = Assigner::new(config, Timestamp::from_millis(start));
        let mut h = Harness {
            assigner,
            calendar,
            now: start,
            ran_to: start,
            live: BTreeSet::new(),
            agents: BTreeSet::new(),
            presence: [None; AGENTS.len()],
            wrap_until: [0; AGENTS.len()],
            accepted: Default::default(),
            preferred: Default::default(),
            presence_exempt: None,
            wrap_exempt: None,
            config: 0,
            directed: [None; CONVS],
            twin: None,
            snapshot_next: false,
            last_events: Vec::new(),
        };
        h.check(&[], &[], true);
        h
    }

    fn t(&self) -> Timestamp {
        Timestamp::from_millis(self.now)
    }

    /// An agent: unless `b` is small, one the conversation's offer or
    /// assignment names, if any; otherwise any.
    fn pick_agent(&self, b: u8, conv: usize) -> usize {
        if b >= 0x20 {
            let named: Vec<AgentId> = match self.assigner.status(&conv_id(conv), self.t()) {
                Some(ConversationStatus::Offered { agents, .. }) => agents,
                Some(ConversationStatus::Assigned { agent, .. }) => vec![agent],
                _ => Vec::new(),
            };
            if !named.is_empty() {
                let id = &named[usize::from(b) % named.len()];
                if let Some(i) = AGENTS.iter().position(|a| *a == id.as_str()) {
                    return i;
                }
            }
        }
        usize::from(b) % AGENTS.len()
    }

    /// An agent: unless `b` is small, a known one, if any; otherwise any.
    fn pick_known_agent(&self, b: u8) -> usize {
        if b >= 0x20 && !self.agents.is_empty() {
            let i = usize::from(b) % self.agents.len();
            return *self.agents.iter().nth(i).expect("index within the set");
        }
        usize::from(b) % AGENTS.len()
    }

    /// A conversation: unless `b` is small, a live one in the phase `want`
    /// picks, else any live one, if any; otherwise any.
    fn pick_conv(&self, b: u8, want: fn(&ConversationStatus) -> bool) -> usize {
        if b >= 0x20 && !self.live.is_empty() {
            let t = self.t();
            let wanted: Vec<usize> = self
                .live
                .iter()
                .copied()
                .filter(|&c| {
                    self.assigner
                        .status(&conv_id(c), t)
                        .is_some_and(|s| want(&s))
                })
                .collect();
            if !wanted.is_empty() {
                return wanted[usize::from(b) % wanted.len()];
            }
            let i = usize::from(b) % self.live.len();
            return *self.live.iter().nth(i).expect("index within the set");
        }
        usize::from(b) % CONVS
    }

    /// A conversation to enqueue: unless `b` is small, one not live, if
    /// any; otherwise any.
    fn pick_new_conv(&self, b: u8) -> usize {
        if b >= 0x20 && self.live.len() < CONVS {
            let free: Vec<usize> = (0..CONVS).filter(|c| !self.live.contains(c)).collect();
            return free[usize::from(b) % free.len()];
        }
        usize::from(b) % CONVS
    }

    fn decode(&self, b: &mut Bytes<'_>) -> Op {
        match b.byte_or_zero() % 32 {
            0..=2 | 31 => {
                let agent = usize::from(b.byte_or_zero()) % AGENTS.len();
                let mask = b.byte_or_zero();
                let mut skills = Vec::new();
                for (i, _) in SKILLS.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        let l = b.byte_or_zero();
                        skills.push((i, if l == 0xff { 11 } else { l % 11 }));
                    }
                }
                let mut langs: Vec<usize> = (0..LANGS.len())
                    .filter(|i| mask & (0x10 << i) != 0)
                    .collect();
                if mask & 0x80 != 0 {
                    // A language listed twice.
                    langs.push(0);
                }
                let mut limits = Vec::new();
                for c in 0..CHANNELS.len() {
                    let n = b.byte_or_zero();
                    match n {
                        // Now and then a limit past what is stored exactly.
                        0xfb..=0xff => limits.push((c, HUGE[usize::from(n - 0xfb)])),
                        _ if n % 5 < 4 => limits.push((c, u32::from(n % 5))),
                        _ => {}
                    }
                }
                let w = b.byte_or_zero();
                let budget = (w & 0x80 != 0).then(|| {
                    let weights = (0..CHANNELS.len())
                        .filter(|c| w & (1 << c) != 0)
                        .map(|c| (c, u32::from((w >> (3 + c)) & 3)))
                        .collect();
                    let n = b.byte_or_zero();
                    let budget = match n {
                        0xfb..=0xff => HUGE[usize::from(n - 0xfb)],
                        _ => u32::from(n % 7),
                    };
                    (budget, weights)
                });
                Op::Upsert(Upsert {
                    agent,
                    skills,
                    langs,
                    limits,
                    budget,
                })
            }
            3 => Op::Remove(self.pick_known_agent(b.byte_or_zero())),
            4..=6 => {
                let x = b.byte_or_zero();
                let p = [Presence::Available, Presence::Away, Presence::Offline]
                    [usize::from(x >> 6) % 3];
                Op::Presence(self.pick_known_agent(x & 0x3f), p)
            }
            7..=11 => {
                let conv = self.pick_new_conv(b.byte_or_zero());
                let x = b.byte_or_zero();
                let queue = match usize::from(x % 16) {
                    15 => 5,
                    q => q % 5,
                };
                let channel = usize::from(x >> 4) % CHANNELS.len();
                let y = b.byte_or_zero();
                let lang = [Some(0), Some(1), Some(2), None][usize::from(y & 3)];
                let priority = match (y >> 2) & 15 {
                    0 => i32::MAX,
                    1 => i32::MIN,
                    p => i32::from(p) - 8,
                };
                let z = b.byte_or_zero();
                let preferred = (z & 3 == 0).then(|| {
                    let a = usize::from(b.byte_or_zero()) % AGENTS.len();
                    let wait = match z >> 6 {
                        0 => None,
                        1 => Some(0),
                        2 => Some(u64::from(b.byte_or_zero()) * 1000),
                        _ => Some(u64::from(b.u16_le())),
                    };
                    (a, wait)
                });
                let waiting_since = match (z >> 2) & 7 {
                    0 => Some(self.now.saturating_sub(u64::from(b.u16_le()) * 100)),
                    1 => Some(self.now + u64::from(b.byte_or_zero()) * 1000),
                    2 => Some(0),
                    _ => None,
                };
                let v = b.byte_or_zero();
                // Now and then directed: mostly to a known agent.
                let for_agent = (v & 0x1c == 0).then(|| match v >> 5 {
                    0 => usize::from(b.byte_or_zero()) % AGENTS.len(),
                    w => self.pick_known_agent(w.wrapping_mul(37) | 0x20),
                });
                Op::Enqueue(Enqueue {
                    conv,
                    queue,
                    channel,
                    lang,
                    priority,
                    vip: v & 1 != 0,
                    urgent: v & 2 != 0,
                    preferred,
                    waiting_since,
                    for_agent,
                })
            }
            12..=15 => {
                let c = self.pick_conv(b.byte_or_zero(), offered);
                Op::Accept(self.pick_agent(b.byte_or_zero(), c), c)
            }
            16 | 17 => {
                let c = self.pick_conv(b.byte_or_zero(), offered);
                Op::Decline(self.pick_agent(b.byte_or_zero(), c), c)
            }
            18 | 19 => Op::Finish(self.pick_conv(b.byte_or_zero(), |_| true)),
            20 => Op::Replied(self.pick_conv(b.byte_or_zero(), assigned)),
            30 => {
                let x = b.byte_or_zero();
                let fallback = match (x >> 1) & 7 {
                    0 | 1 => None,
                    2..=4 => Some(1),
                    5 => Some(5),
                    6 => Some(3),
                    _ => Some(0),
                };
                Op::Reconfigure {
                    to: usize::from(x & 1),
                    fallback,
                }
            }
            21 | 22 => Op::Wrote(self.pick_conv(b.byte_or_zero(), assigned)),
            27 => {
                let n = b.byte_or_zero() % 4 + 1;
                Op::Garbage((0..n).map(|_| (b.u16_le(), b.byte_or_zero())).collect())
            }
            29 => Op::Snapshot,
            23..=26 => {
                let x = b.byte_or_zero();
                let next = self.assigner.poll_timeout().map(Timestamp::as_millis);
                let to = match (x & 7, next) {
                    (0, Some(t)) => t,
                    (1, Some(t)) => t.saturating_sub(1),
                    (2, Some(t)) => t + 1,
                    (0..=2, None) | (3, _) => self.now + u64::from(x >> 3) * 10,
                    (4 | 5, _) => self.now + u64::from(x >> 3) * 1000 + u64::from(b.byte_or_zero()),
                    (6, _) => self.now + u64::from(x >> 3) * 60_000,
                    _ => self.now + u64::from(x >> 3) * 15 * 60_000,
                };
                Op::Advance(to.max(self.now))
            }
            _ => Op::Timeout,
        }
    }

    fn snapshot(&self) -> Snapshot {
        let t = self.t();
        Snapshot {
            convs: (0..CONVS)
                .map(|c| self.assigner.status(&conv_id(c), t))
                .collect(),
            queues: QUEUES
                .iter()
                .map(|q| {
                    self.assigner
                        .waiting(&QueueId::new(*q))
                        .map(|v| v.into_iter().cloned().collect())
                })
                .collect(),
            agents: (0..AGENTS.len())
                .map(|a| {
                    let id = agent_id(a);
                    self.assigner.agent(&id).map(|v| AgentSnapshot {
                        profile: v.profile(),
                        presence: v.presence(),
                        load: v.total_load(),
                        missed: v.missed_offers(),
                        idle_since: v.idle_since(),
                        rotation: v.rotation(),
                        wrap_up_until: v.wrap_up_until(),
                        held: self.assigner.tickets_of(&id).into_iter().cloned().collect(),
                    })
                })
                .collect(),
            timeout: self.assigner.poll_timeout(),
            len: self.assigner.len(),
        }
    }

    /// After the call of `op` (which returned `result`) on the assigner:
    /// restores the twin when a snapshot was asked for, otherwise makes
    /// the same call on the twin, which must return the same.
    fn twin_step(&mut self, op: &Op, t: Timestamp, result: &Result<(), AssignError>) {
        if matches!(op, Op::Snapshot) {
            return;
        }
        if std::mem::take(&mut self.snapshot_next) {
            let snapshot = self.assigner.snapshot();
            let text = json(&snapshot);
            let back: AssignerSnapshot =
                serde_json::from_str(&text).expect("a snapshot reads back");
            assert_eq!(back, snapshot, "a snapshot read back from JSON differs");
            let twin = Assigner::restore(configs()[self.config].clone(), back)
                .unwrap_or_else(|e| panic!("a snapshot does not restore: {e}"));
            assert_eq!(
                json(&twin.snapshot()),
                text,
                "the restored assigner's snapshot differs"
            );
            self.twin = Some(twin);
            return;
        }
        if let Some(twin) = &mut self.twin {
            let r = call(twin, op, t);
            assert_eq!(
                format!("{r:?}"),
                format!("{result:?}"),
                "{op:?}: the restored twin returned otherwise"
            );
        }
    }

    /// Restores the current snapshot with `edits` made to its JSON: no
    /// panic, and an assigner it gives keeps its invariants through a
    /// round of calls.
    fn restore_edited(&self, edits: &[(u16, u8)]) {
        let mut v = serde_json::to_value(self.assigner.snapshot()).expect("a snapshot serializes");
        for &(at, how) in edits {
            edit(&mut v, at, how);
        }
        let text = v.to_string();
        EDITED.with(|e| e.borrow_mut().push(text.clone()));
        let Ok(snapshot) = serde_json::from_str::<AssignerSnapshot>(&text) else {
            return;
        };
        let Ok(mut g) = Assigner::restore(configs()[self.config].clone(), snapshot.clone()) else {
            return;
        };
        assert_eq!(
            g.snapshot(),
            snapshot,
            "an edited snapshot restored, but not as itself"
        );
        probe(&mut g, snapshot.now(), self.config);
    }

    /// Whether a call now would run no timer first.
    fn quiet(&self) -> bool {
        self.assigner
            .poll_timeout()
            .is_none_or(|t| t.as_millis() > self.now)
    }

    fn apply(&mut self, op: &Op) {
        let t = self.t();
        // When no timer runs first, the model predicts whether the call
        // fails or should change nothing; a snapshot is then taken to
        // compare with. A rejected profile is rejected before timers run.
        let quiet = self.quiet();
        let (fails, noop) = self.predict(op);
        let rejected = matches!(op, Op::Upsert(u) if !u.valid());
        let before = ((quiet && (fails || noop)) || rejected).then(|| self.snapshot());
        let mut gone_conv: Vec<usize> = Vec::new();
        let mut gone_agent: Vec<usize> = Vec::new();
        let mut advanced = true;
        let result: Result<(), AssignError> = match op {
            Op::Upsert(u) => {
                let r = self.assigner.upsert_agent(t, u.profile());
                assert_eq!(r.is_ok(), u.valid(), "upsert {u:?}: {r:?}");
                if r.is_ok() {
                    self.agents.insert(u.agent);
                    self.presence[u.agent].get_or_insert(Presence::Offline);
                } else {
                    // Rejected before anything runs, due timers included.
                    assert_eq!(
                        self.assigner.poll_event(),
                        None,
                        "a rejected upsert emitted"
                    );
                    assert_eq!(
                        before,
                        Some(self.snapshot()),
                        "a rejected upsert changed the state"
                    );
                    self.twin_step(op, t, &r);
                    self.check(&[], &[], false);
                    return;
                }
                r
            }
            Op::Remove(a) => {
                let r = self.assigner.remove_agent(t, &agent_id(*a));
                self.expect_agent(*a, &r);
                if r.is_ok() {
                    self.agents.remove(a);
                    self.presence[*a] = None;
                    self.wrap_until[*a] = 0;
                    self.accepted[*a].clear();
                    if !quiet {
                        self.presence_exempt = Some(*a);
                    }
                    gone_agent.push(*a);
                }
                r
            }
            Op::Presence(a, p) => {
                let r = self.assigner.set_presence(t, &agent_id(*a), *p);
                self.expect_agent(*a, &r);
                if r.is_ok() {
                    self.presence[*a] = Some(*p);
                    if !quiet {
                        self.presence_exempt = Some(*a);
                    }
                }
                r
            }
            Op::Enqueue(e) => {
                let r = self.assigner.enqueue(t, e.request());
                let known_queue = configured(self.config, e.queue);
                match &r {
                    Ok(status) => {
                        assert!(known_queue, "enqueued in an unknown queue");
                        assert!(!self.live.contains(&e.conv), "enqueued twice");
                        assert_eq!(
                            self.assigner.status(&conv_id(e.conv), t).as_ref(),
                            Some(status),
                            "enqueue's status differs from status()"
                        );
                        self.live.insert(e.conv);
                        // A directed request waits for its agent only.
                        self.preferred[e.conv] =
                            e.preferred
                                .filter(|_| e.for_agent.is_none())
                                .map(|(a, wait)| {
                                    (agent_id(a), self.now + wait.unwrap_or(PREFERRED_WAIT_MS))
                                });
                        self.directed[e.conv] = e.for_agent.map(|a| (a, false));
                    }
                    Err(AssignError::UnknownQueue(_)) => assert!(!known_queue),
                    Err(AssignError::AlreadyQueued(_)) => {
                        assert!(known_queue, "an unknown queue reported as {r:?}");
                        assert!(self.live.contains(&e.conv), "already queued, but finished")
                    }
                    Err(AssignError::UnknownAgent(_)) => {
                        let a = e
                            .for_agent
                            .expect("an unknown agent for an undirected request");
                        assert!(!self.agents.contains(&a), "{r:?}, but the agent is known");
                    }
                    Err(AssignError::QueueFull { limit, .. }) => {
                        assert!(
                            !self.live.contains(&e.conv) && e.for_agent.is_none(),
                            "{r:?} for a queued conversation or a directed request"
                        );
                        assert_eq!(Some(*limit), MAX_SIZE[e.queue], "{r:?}");
                    }
                    Err(e) => panic!("enqueue failed with {e}"),
                }
                r.map(|_| ())
            }
            Op::Accept(a, c) => {
                let r = self.assigner.accept(t, &agent_id(*a), &conv_id(*c));
                self.expect_pair(*a, *c, &r);
                if r.is_ok() {
                    match self.assigner.status(&conv_id(*c), t) {
                        Some(ConversationStatus::Assigned { agent, .. })
                            if agent == agent_id(*a) => {}
                        s => panic!("accepted by {}, but {s:?}", AGENTS[*a]),
                    }
                }
                r
            }
            Op::Decline(a, c) => {
                let r = self.assigner.decline(t, &agent_id(*a), &conv_id(*c));
                self.expect_pair(*a, *c, &r);
                r
            }
            Op::Finish(c) => {
                let r = self.assigner.finish(t, &conv_id(*c));
                self.expect_conv(*c, &r);
                if let Ok(ConversationStatus::Assigned { queue, agent, .. }) = &r {
                    let a = agent_index(agent);
                    let q = queue_index(queue);
                    self.wrap_until[a] = self.wrap_until[a].max(self.now + WRAP_UP_MS[q]);
                    if !quiet {
                        self.wrap_exempt = Some(a);
                    }
                }
                if r.is_ok() {
                    self.live.remove(c);
                    self.preferred[*c] = None;
                    self.directed[*c] = None;
                    gone_conv.push(*c);
                }
                r.map(|_| ())
            }
            Op::Replied(c) => {
                let r = self.assigner.agent_replied(t, &conv_id(*c));
                self.expect_conv(*c, &r);
                r
            }
            Op::Wrote(c) => {
                let r = self.assigner.customer_wrote(t, &conv_id(*c));
                self.expect_conv(*c, &r);
                r
            }
            Op::Advance(to) => {
                self.now = *to;
                advanced = false;
                Ok(())
            }
            Op::Timeout => {
                self.assigner.handle_timeout(t);
                Ok(())
            }
            Op::Snapshot => {
                self.snapshot_next = true;
                advanced = false;
                Ok(())
            }
            Op::Reconfigure { to, fallback } => {
                let fallback = fallback.map(|q| QueueId::new(QUEUES[q]));
                let r = self
                    .assigner
                    .reconfigure(t, configs()[*to].clone(), fallback.as_ref());
                match &r {
                    Ok(()) => self.config = *to,
                    Err(AssignError::UnknownQueue(q)) => {
                        assert_eq!(Some(q), fallback.as_ref(), "{r:?}");
                        assert!(!configured(*to, queue_index(q)), "{r:?}");
                    }
                    Err(AssignError::FallbackNeeded(q)) => {
                        assert!(fallback.is_none(), "{r:?}");
                        assert!(!configured(*to, queue_index(q)), "{r:?}");
                    }
                    Err(e) => panic!("reconfigure failed with {e}"),
                }
                r
            }
            Op::Garbage(edits) => {
                self.restore_edited(edits);
                advanced = false;
                Ok(())
            }
        };
        self.twin_step(op, t, &result);
        if quiet {
            assert_eq!(
                result.is_err(),
                fails,
                "{op:?}: {result:?}, but the model predicted {}",
                if fails { "an error" } else { "success" }
            );
        }
        if let Some(before) = before {
            assert_eq!(
                self.assigner.poll_event(),
                None,
                "{op:?} ({result:?}) emitted an event"
            );
            assert_eq!(
                before,
                self.snapshot(),
                "{op:?} ({result:?}) changed the state"
            );
        }
        self.check(&gone_conv, &gone_agent, advanced);
    }

    /// Whether `op` should fail, and whether it should succeed changing
    /// nothing, as the model and the current statuses say; valid only when
    /// no timer is due.
    fn predict(&self, op: &Op) -> (bool, bool) {
        let known = |a: &usize| self.agents.contains(a);
        let live = |c: &usize| self.live.contains(c);
        let status = |c: &usize| self.assigner.status(&conv_id(*c), self.t());
        match op {
            Op::Upsert(u) => (!u.valid(), false),
            Op::Remove(a) => (!known(a), false),
            Op::Presence(a, p) => {
                let same = self
                    .assigner
                    .agent(&agent_id(*a))
                    .is_some_and(|v| v.presence() == *p);
                (!known(a), same)
            }
            Op::Enqueue(e) => {
                let full = MAX_SIZE[e.queue].is_some_and(|limit| {
                    self.assigner
                        .waiting(&QueueId::new(QUEUES[e.queue]))
                        .is_some_and(|w| w.len() >= limit)
                });
                let refused = match e.for_agent {
                    Some(a) => !known(&a),
                    None => full,
                };
                (
                    !configured(self.config, e.queue) || live(&e.conv) || refused,
                    false,
                )
            }
            Op::Accept(a, c) => {
                if !known(a) || !live(c) {
                    return (true, false);
                }
                let id = agent_id(*a);
                match status(c) {
                    Some(ConversationStatus::Offered { agents, .. }) => {
                        (!agents.contains(&id), false)
                    }
                    Some(ConversationStatus::Assigned { agent, .. }) => (agent != id, agent == id),
                    _ => (true, false),
                }
            }
            Op::Decline(a, c) => {
                let offered = known(a)
                    && live(c)
                    && matches!(status(c), Some(ConversationStatus::Offered { agents, .. })
                        if agents.contains(&agent_id(*a)));
                (!offered, false)
            }
            Op::Finish(c) => (!live(c), false),
            Op::Replied(c) | Op::Wrote(c) => (
                !matches!(status(c), Some(ConversationStatus::Assigned { .. })),
                false,
            ),
            Op::Advance(_) | Op::Timeout | Op::Snapshot | Op::Garbage(_) => (false, false),
            Op::Reconfigure { to, fallback } => {
                let unknown = fallback.is_some_and(|q| !configured(*to, q));
                // A queue the target lacks holds a conversation.
                let holds = (0..CONVS).any(|c| {
                    let queue = match status(&c) {
                        Some(ConversationStatus::Waiting { queue, .. })
                        | Some(ConversationStatus::Offered { queue, .. })
                        | Some(ConversationStatus::Assigned { queue, .. }) => queue,
                        _ => return false,
                    };
                    !configured(*to, queue_index(&queue))
                });
                (unknown || (holds && fallback.is_none()), *to == self.config)
            }
        }
    }

    /// An error naming the agent comes exactly when the model says it is
    /// unknown.
    fn expect_agent<T: std::fmt::Debug>(&self, a: usize, r: &Result<T, AssignError>) {
        let known = self.agents.contains(&a);
        match r {
            Err(AssignError::UnknownAgent(_)) => assert!(!known, "{} is known: {r:?}", AGENTS[a]),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => assert!(known, "{} is not known, yet Ok", AGENTS[a]),
        }
    }

    fn expect_conv<T: std::fmt::Debug>(&self, c: usize, r: &Result<T, AssignError>) {
        let live = self.live.contains(&c);
        match r {
            Err(AssignError::UnknownTicket(_)) => assert!(!live, "c{c} is live: {r:?}"),
            Err(AssignError::NotAssigned(_)) => assert!(live, "c{c} is not live: {r:?}"),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => assert!(live, "c{c} is not live, yet Ok"),
        }
    }

    fn expect_pair(&self, a: usize, c: usize, r: &Result<(), AssignError>) {
        let known = self.agents.contains(&a);
        let live = self.live.contains(&c);
        match r {
            Err(AssignError::UnknownAgent(_)) => assert!(!known, "{} is known", AGENTS[a]),
            Err(AssignError::UnknownTicket(_)) => {
                assert!(known && !live, "c{c} is live or {} unknown", AGENTS[a])
            }
            Err(AssignError::NotOffered { .. }) => assert!(known && live, "{r:?}"),
            Err(e) => panic!("unexpected error {e}"),
            Ok(()) => assert!(known && live, "Ok for an unknown agent or conversation"),
        }
    }

    /// Checks one event against the model, in the order they came, and
    /// updates the model.
    fn check_event(&mut self, e: &AssignEvent) {
        let now = self.now;
        match e {
            AssignEvent::Offered {
                ticket,
                agent,
                queue,
                expires,
            } => {
                let q = queue_index(queue);
                let a = agent_index(agent);
                let c = conv_index(ticket);
                let at = expires.as_millis().saturating_sub(OFFER_TIMEOUT_MS[q]);
                assert!(
                    self.ran_to <= at && at <= now,
                    "{e:?}: offered at {at}, outside this call's time ({} to {now})",
                    self.ran_to
                );
                if self.presence_exempt != Some(a) {
                    assert_eq!(
                        self.presence[a],
                        Some(Presence::Available),
                        "{e:?}: the agent is not available"
                    );
                }
                if self.presence_exempt != Some(a) && self.wrap_exempt != Some(a) {
                    assert!(
                        at >= self.wrap_until[a],
                        "{e:?}: offered at {at}, during wrap-up until {}",
                        self.wrap_until[a]
                    );
                }
                if let Some((d, missed)) = self.directed[c] {
                    assert_eq!(a, d, "{e:?}: directed to {}", AGENTS[d]);
                    assert!(!missed, "{e:?}: offered again after a decline or miss");
                } else if CALENDAR[q] {
                    assert!(
                        self.calendar.is_open(Timestamp::from_millis(at)),
                        "{e:?}: offered at {at}, outside business hours"
                    );
                }
                if let Some((p, until)) = &self.preferred[c] {
                    assert!(
                        p == agent || at >= *until,
                        "{e:?}: offered at {at}, while waiting for {p} until {until}"
                    );
                }
            }
            AssignEvent::Assigned { ticket, agent, .. } => {
                let a = agent_index(agent);
                self.preferred[conv_index(ticket)] = None;
                // The direction ends with the assignment.
                self.directed[conv_index(ticket)] = None;
                let recent = &mut self.accepted[a];
                recent.retain(|t| now - t < FAIRNESS_PER_MS);
                recent.push(now);
                assert!(
                    recent.len() <= FAIRNESS_MAX,
                    "{e:?}: {} assignments within the fairness window: {recent:?}",
                    recent.len()
                );
            }
            AssignEvent::OfferMissed { ticket, .. } => {
                if let Some((_, missed)) = &mut self.directed[conv_index(ticket)] {
                    *missed = true;
                }
            }
            // Timed out, or the preferred agent declined or missed it.
            AssignEvent::PreferenceExpired { ticket, .. } => {
                self.preferred[conv_index(ticket)] = None;
            }
            AssignEvent::AgentAway { agent, .. } => {
                let a = agent_index(agent);
                if self.presence_exempt != Some(a) {
                    self.presence[a] = Some(Presence::Away);
                }
            }
            _ => {}
        }
    }

    /// Checks after every operation. `advanced`: the operation ran the
    /// assigner's timers up to now.
    fn check(&mut self, gone_conv: &[usize], gone_agent: &[usize], advanced: bool) {
        if let Err(e) = self.assigner.check_invariants() {
            panic!("invariant broken: {e}");
        }
        let t = self.t();
        let conv_ok = |id: &Ticket, live: &BTreeSet<usize>| {
            (0..CONVS).any(|c| conv_id(c) == *id && (live.contains(&c) || gone_conv.contains(&c)))
        };
        let agent_ok = |id: &AgentId, agents: &BTreeSet<usize>| {
            (0..AGENTS.len())
                .any(|a| agent_id(a) == *id && (agents.contains(&a) || gone_agent.contains(&a)))
        };
        self.last_events.clear();
        while let Some(e) = self.assigner.poll_event() {
            self.last_events.push(e.clone());
            let (conv, agent) = match &e {
                AssignEvent::Offered { ticket, agent, .. }
                | AssignEvent::OfferRevoked { ticket, agent, .. }
                | AssignEvent::OfferMissed { ticket, agent, .. }
                | AssignEvent::Assigned { ticket, agent, .. }
                | AssignEvent::Unassigned { ticket, agent, .. }
                | AssignEvent::PreferenceExpired { ticket, agent } => (Some(ticket), Some(agent)),
                AssignEvent::Requeued { ticket, .. }
                | AssignEvent::Relaxed { ticket, .. }
                | AssignEvent::Overflowed { ticket, .. }
                | AssignEvent::Moved { ticket, .. } => (Some(ticket), None),
                AssignEvent::AgentAway { agent, .. } => (None, Some(agent)),
                _ => (None, None),
            };
            if let Some(c) = conv {
                assert!(
                    conv_ok(c, &self.live),
                    "event for an unknown conversation: {e:?}"
                );
            }
            assert!(advanced, "an event without a call: {e:?}");
            self.check_event(&e);
            // A preferred agent may be anyone the host names.
            if let Some(a) = agent
                && !matches!(e, AssignEvent::PreferenceExpired { .. })
            {
                assert!(
                    agent_ok(a, &self.agents),
                    "event for an unknown agent: {e:?}"
                );
            }
        }
        self.presence_exempt = None;
        self.wrap_exempt = None;
        if advanced {
            self.ran_to = self.now;
        }
        for (a, name) in AGENTS.iter().enumerate() {
            assert_eq!(
                self.assigner.agent(&agent_id(a)).map(|v| v.presence()),
                self.presence[a],
                "agent {name:?}: the assigner and the model differ"
            );
        }
        let waiting: Vec<Vec<Ticket>> = QUEUES[..5]
            .iter()
            .enumerate()
            .map(|(i, q)| match self.assigner.waiting(&QueueId::new(*q)) {
                Some(w) => {
                    assert!(configured(self.config, i), "{q} is not configured");
                    w.into_iter().cloned().collect()
                }
                None => {
                    assert!(!configured(self.config, i), "{q} is configured");
                    Vec::new()
                }
            })
            .collect();
        assert_eq!(self.assigner.waiting(&QueueId::new(QUEUES[5])), None);
        let mut listed = 0;
        let mut since_by_queue: [Vec<u64>; 5] = Default::default();
        for c in 0..CONVS {
            let id = conv_id(c);
            let status = self.assigner.status(&id, t);
            let live = self.live.contains(&c);
            match &status {
                None => assert!(!live, "{id} disappeared"),
                Some(s) => assert!(live, "{id} is finished but reported as {s:?}"),
            }
            match status {
                Some(ConversationStatus::Waiting {
                    queue,
                    position,
                    since,
                    estimate,
                    ..
                }) => {
                    let q = queue_index(&queue);
                    assert!(configured(self.config, q), "{id} waits in {queue}");
                    let at = waiting[q].iter().position(|x| *x == id);
                    if self.directed[c].is_some() {
                        // Not in the queue's shared line.
                        assert_eq!(at, None, "{id} is directed, but in {queue}'s line");
                        assert!(position >= 1 && estimate.is_none(), "{id}: {position}");
                    } else {
                        listed += 1;
                        since_by_queue[q].push(since.as_millis());
                        assert_eq!(
                            at.map(|i| i + 1),
                            Some(position),
                            "{id}: position {position} in {queue}, waiting() says {:?}",
                            waiting[q]
                        );
                    }
                    assert!(since <= t, "{id} waits since {since}, after now");
                }
                Some(ConversationStatus::Offered {
                    agents, expires, ..
                }) => {
                    assert!(!agents.is_empty(), "{id} offered to nobody");
                    for a in &agents {
                        assert!(agent_ok(a, &self.agents), "{id} offered to unknown {a}");
                        assert!(
                            self.assigner.tickets_of(a).contains(&&id),
                            "{id} offered to {a}, who does not hold it"
                        );
                    }
                    if advanced {
                        assert!(expires > t, "{id}: offer expired at {expires}, now {t}");
                    }
                }
                Some(ConversationStatus::Assigned { agent, since, .. }) => {
                    assert!(
                        agent_ok(&agent, &self.agents),
                        "{id} assigned to unknown {agent}"
                    );
                    assert!(since <= t, "{id} assigned since {since}, after now");
                    assert!(
                        self.assigner.tickets_of(&agent).contains(&&id),
                        "{id} assigned to {agent}, who does not hold it"
                    );
                }
                _ => {}
            }
        }
        let total: usize = waiting.iter().map(Vec::len).sum();
        assert_eq!(
            total, listed,
            "waiting() lists {total}, {listed} are waiting"
        );
        assert_eq!(
            self.assigner.len(),
            self.live.len(),
            "len() and the model differ"
        );
        if advanced && let Some(next) = self.assigner.poll_timeout() {
            assert!(next >= t, "a timer at {next} is left behind at {t}");
        }
        for (q, since) in since_by_queue.iter().enumerate() {
            let id = QueueId::new(QUEUES[q]);
            if !configured(self.config, q) {
                assert_eq!(self.assigner.queue_stats(&id), None, "{id}");
                continue;
            }
            let stats = self.assigner.queue_stats(&id).expect("a configured queue");
            assert_eq!(stats.waiting, since.len(), "{id}: {stats:?}");
            assert_eq!(
                stats.oldest_since.map(Timestamp::as_millis),
                since.iter().min().copied(),
                "{id}: {stats:?}"
            );
            assert_eq!(
                stats.sla.map(|d| d.as_millis() as u64),
                SLA_MS[q],
                "{id}: {stats:?}"
            );
            assert!(
                stats.ready as u64 <= u64::from(stats.staffed),
                "{id}: {stats:?}"
            );
            if advanced {
                // As of the last call, which is now.
                let over = SLA_MS[q].map_or(0, |sla| {
                    since.iter().filter(|s| self.now - **s > sla).count()
                });
                assert_eq!(stats.over_sla, over, "{id}: {stats:?}");
                let open = !CALENDAR[q] || self.calendar.is_open(t);
                assert_eq!(stats.open, open, "{id}: {stats:?}");
            }
        }
        assert_eq!(self.assigner.queue_stats(&QueueId::new(QUEUES[5])), None);
        if let Some(twin) = &mut self.twin {
            let events: Vec<AssignEvent> = std::iter::from_fn(|| twin.poll_event()).collect();
            assert_eq!(
                events, self.last_events,
                "the restored twin emitted otherwise"
            );
            assert_eq!(
                twin.poll_timeout(),
                self.assigner.poll_timeout(),
                "the restored twin's timeout differs"
            );
            assert_eq!(
                json(&twin.snapshot()),
                json(&self.assigner.snapshot()),
                "the restored twin's state differs"
            );
        }
    }
}

/// Makes `op`'s call on `a` at `t` (nothing for the harness's own
/// operations).
fn call(a: &mut Assigner, op: &Op, t: Timestamp) -> Result<(), AssignError> {
    match op {
        Op::Upsert(u) => a.upsert_agent(t, u.profile()),
        Op::Remove(x) => a.remove_agent(t, &agent_id(*x)),
        Op::Presence(x, p) => a.set_presence(t, &agent_id(*x), *p),
        Op::Enqueue(e) => a.enqueue(t, e.request()).map(|_| ()),
        Op::Accept(x, c) => a.accept(t, &agent_id(*x), &conv_id(*c)),
        Op::Decline(x, c) => a.decline(t, &agent_id(*x), &conv_id(*c)),
        Op::Finish(c) => a.finish(t, &conv_id(*c)).map(|_| ()),
        Op::Replied(c) => a.agent_replied(t, &conv_id(*c)),
        Op::Wrote(c) => a.customer_wrote(t, &conv_id(*c)),
        Op::Timeout => {
            a.handle_timeout(t);
            Ok(())
        }
        Op::Reconfigure { to, fallback } => {
            let fallback = fallback.map(|q| QueueId::new(QUEUES[q]));
            a.reconfigure(t, configs()[*to].clone(), fallback.as_ref())
        }
        Op::Advance(_) | Op::Snapshot | Op::Garbage(_) => Ok(()),
    }
}

/// A step into a JSON document.
enum Seg {
    Key(String),
    At(usize),
}

/// Every node of `v` (arrays and objects too, but not the entries of
/// free lists, which would take most edits), depth first.
fn nodes(v: &serde_json::Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    let copy = |p: &[Seg]| -> Vec<Seg> {
        p.iter()
            .map(|s| match s {
                Seg::Key(k) => Seg::Key(k.clone()),
                Seg::At(i) => Seg::At(*i),
            })
            .collect()
    };
    out.push(copy(path));
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                path.push(Seg::Key(k.clone()));
                if k == "free" {
                    out.push(copy(path));
                } else {
                    nodes(x, path, out);
                }
                path.pop();
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::At(i));
                nodes(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Changes node `at` (of those [`nodes`] lists) of `v`, as `how` says.
fn edit(v: &mut serde_json::Value, at: u16, how: u8) {
    use serde_json::Value;
    let mut all = Vec::new();
    nodes(v, &mut Vec::new(), &mut all);
    let mut strings = Vec::new();
    for p in &all {
        if let Some(Value::String(s)) = get(v, p) {
            strings.push(s.clone());
        }
    }
    let Some(path) = all.get(usize::from(at) % all.len().max(1)) else {
        return;
    };
    let Some(node) = get_mut(v, path) else {
        return;
    };
    let k = usize::from(how);
    match node {
        Value::Number(n) => {
            let x = n.as_u64();
            *node = match k % 8 {
                0 => 0.into(),
                1 => x.map_or(0, |x| x.wrapping_add(1)).into(),
                2 => x.map_or(0, |x| x.saturating_sub(1)).into(),
                3 => 255.into(),
                4 => 256.into(),
                5 => u64::from(u32::MAX).into(),
                6 => u64::MAX.into(),
                _ => (-1).into(),
            }
        }
        Value::String(_) => {
            *node = match k % 3 {
                0 => "".into(),
                1 if !strings.is_empty() => strings[k % strings.len()].clone().into(),
                _ => "a0".into(),
            }
        }
        Value::Bool(b) => *b = !*b,
        Value::Null => *node = 0.into(),
        Value::Array(a) => match k % 4 {
            0 => {
                a.pop();
            }
            1 => {
                if let Some(x) = a.first().cloned() {
                    a.push(x);
                }
            }
            2 => a.clear(),
            _ => a.reverse(),
        },
        Value::Object(m) => {
            if let Some(key) = m.keys().nth(k % m.len().max(1)).cloned() {
                m.remove(&key);
            }
        }
    }
}

fn get<'a>(v: &'a serde_json::Value, path: &[Seg]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(k),
        Seg::At(i) => v.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut serde_json::Value, path: &[Seg]) -> Option<&'a mut serde_json::Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(k),
        Seg::At(i) => v.get_mut(*i),
    })
}

/// Drives an assigner restored from an edited snapshot through a round
/// of calls from `t`, its own clock, checking its invariants after each.
/// Time moves on by at most a day a step, so that every timer still runs
/// at its own time.
fn probe(g: &mut Assigner, mut t: Timestamp, mut config: usize) {
    let ok = |g: &Assigner, what: &str| {
        if let Err(e) = g.check_invariants() {
            panic!("an edited snapshot restored, then after {what}: {e}");
        }
    };
    ok(g, "restore");
    let agents: Vec<AgentId> = g.agents().map(|v| v.id().clone()).collect();
    let mut convs: Vec<Ticket> = (0..CONVS).map(conv_id).collect();
    for a in &agents {
        convs.extend(g.tickets_of(a).into_iter().cloned());
    }
    for q in QUEUES {
        convs.extend(
            g.waiting(&QueueId::new(q))
                .unwrap_or_default()
                .into_iter()
                .cloned(),
        );
    }
    for round in 0..3 {
        while g.poll_event().is_some() {}
        for a in &agents {
            let _ = g.set_presence(t, a, Presence::Available);
            ok(g, "set_presence");
        }
        for c in &convs {
            match g.status(c, t) {
                Some(ConversationStatus::Offered { agents, .. }) => {
                    let _ = g.accept(t, &agents[0], c);
                }
                Some(ConversationStatus::Assigned { .. }) => {
                    let _ = g.customer_wrote(t, c);
                }
                _ => {}
            }
            ok(g, "accept or customer_wrote");
        }
        let id = Ticket::new(format!("probe{round}"));
        let _ = g.enqueue(t, Request::new(id.clone(), "general", ChannelKind::WebChat));
        convs.push(id);
        ok(g, "enqueue");
        t = g
            .poll_timeout()
            .filter(|x| *x <= t + Duration::from_secs(86_400))
            .map_or(t, |x| x.max(t));
        g.handle_timeout(t);
        ok(g, "handle_timeout");
        t = t + Duration::from_secs(600);
        g.handle_timeout(t);
        ok(g, "handle_timeout");
        config = 1 - config;
        let _ = g.reconfigure(t, configs()[config].clone(), Some(&QueueId::new("general")));
        ok(g, "reconfigure");
        let _ = g.snapshot();
        if let Some(a) = agents.get(round) {
            let _ = g.set_presence(t, a, Presence::Offline);
            ok(g, "set_presence offline");
        }
    }
    for c in &convs {
        let _ = g.finish(t, c);
        ok(g, "finish");
    }
    for a in &agents {
        let _ = g.remove_agent(t, a);
        ok(g, "remove_agent");
    }
}

/// The operations as a Rust test. After a snapshot, the calls are made
/// on the original `a` and the restored `b` alike, and compared.
fn reproducer(start: u64, ops: &[Op], edited: &[String]) -> String {
    let mut s = String::from(
        "#[test]\n\
         #[allow(unused_imports, unused_variables, unused_mut)]\n\
         fn assign_ops_fuzz_case() {\n    \
             use std::sync::Arc;\n    \
             use std::time::Duration;\n    \
             use switchboard::assign::{AgentProfile, Assigner, AssignerSnapshot, Capacity, Presence, Request};\n    \
             use switchboard::config::Config;\n    \
             use switchboard::{AgentId, Attributes, ChannelKind, QueueId, Ticket, Timestamp, Value};\n\n",
    );
    let _ = writeln!(
        s,
        "    let configs = [{:?}, {:?}].map(|c| Arc::new(Config::from_toml_str(c).unwrap()));\n    \
         let mut t = Timestamp::from_millis({start});\n    \
         let mut a = Assigner::new(configs[0].clone(), t);\n    \
         let mut b: Option<Assigner> = None;",
        CONFIG,
        config_b_text()
    );
    let mut snapshot_next = false;
    let mut edits = edited.iter();
    for op in ops {
        let line = |x: &str| -> Option<String> {
            Some(match op {
                Op::Upsert(u) => format!("{x}.upsert_agent(t, {})", u.code()),
                Op::Remove(i) => format!("{x}.remove_agent(t, &AgentId::new({:?}))", AGENTS[*i]),
                Op::Presence(i, p) => format!(
                    "{x}.set_presence(t, &AgentId::new({:?}), Presence::{p:?})",
                    AGENTS[*i]
                ),
                Op::Enqueue(e) => format!("{x}.enqueue(t, {}).map(|_| ())", e.code()),
                Op::Accept(i, c) => format!(
                    "{x}.accept(t, &AgentId::new({:?}), &Ticket::new(\"c{c}\"))",
                    AGENTS[*i]
                ),
                Op::Decline(i, c) => format!(
                    "{x}.decline(t, &AgentId::new({:?}), &Ticket::new(\"c{c}\"))",
                    AGENTS[*i]
                ),
                Op::Finish(c) => {
                    format!("{x}.finish(t, &Ticket::new(\"c{c}\")).map(|_| ())")
                }
                Op::Replied(c) => format!("{x}.agent_replied(t, &Ticket::new(\"c{c}\"))"),
                Op::Wrote(c) => format!("{x}.customer_wrote(t, &Ticket::new(\"c{c}\"))"),
                Op::Timeout => {
                    format!("Ok::<(), switchboard::assign::AssignError>({x}.handle_timeout(t))")
                }
                Op::Reconfigure { to, fallback } => format!(
                    "{x}.reconfigure(t, configs[{to}].clone(), {}.as_ref())",
                    match fallback {
                        Some(q) => format!("Some(QueueId::new({:?}))", QUEUES[*q]),
                        None => "None::<QueueId>".to_owned(),
                    }
                ),
                Op::Advance(_) | Op::Snapshot | Op::Garbage(_) => return None,
            })
        };
        match op {
            Op::Advance(to) => {
                let _ = writeln!(s, "    t = Timestamp::from_millis({to});");
                continue;
            }
            Op::Snapshot => {
                snapshot_next = true;
                continue;
            }
            Op::Garbage(_) => {
                let text = edits.next().map_or("", String::as_str);
                let _ = writeln!(
                    s,
                    "    if let Ok(s) = serde_json::from_str::<AssignerSnapshot>({text:?}) {{\n        \
                     let _ = Assigner::restore(a.config().clone(), s);\n    }}"
                );
                continue;
            }
            _ => {}
        }
        let Some(call_a) = line("a") else { continue };
        let _ = writeln!(s, "    let r = {call_a};");
        if std::mem::take(&mut snapshot_next) {
            let _ = writeln!(
                s,
                "    let text = serde_json::to_string(&a.snapshot()).unwrap();\n    \
                 b = Some(Assigner::restore(a.config().clone(), serde_json::from_str(&text).unwrap()).unwrap());"
            );
        } else if let Some(call_b) = line("b") {
            let _ = writeln!(
                s,
                "    if let Some(b) = b.as_mut() {{\n        \
                 assert_eq!(format!(\"{{:?}}\", {call_b}), format!(\"{{r:?}}\"));\n    }}"
            );
        }
        let _ = writeln!(
            s,
            "    let events: Vec<_> = std::iter::from_fn(|| a.poll_event()).collect();\n    \
             a.check_invariants().unwrap();\n    \
             if let Some(b) = b.as_mut() {{\n        \
             assert_eq!(std::iter::from_fn(|| b.poll_event()).collect::<Vec<_>>(), events);\n        \
             assert_eq!(serde_json::to_string(&b.snapshot()).unwrap(), serde_json::to_string(&a.snapshot()).unwrap());\n    \
             }}"
        );
    }
    s.push('}');
    s
}
