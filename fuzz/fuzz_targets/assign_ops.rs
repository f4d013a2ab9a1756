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
use std::sync::{Arc, OnceLock};
use switchboard::assign::{
    AssignError, AssignEvent, Assigner, AssignerSnapshot, ConversationStatus, Presence,
};
use switchboard::calendar::Calendar;
use switchboard::config::Config;
use switchboard::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};
use switchboard_fuzz::{Bytes, start_input};

// The harness by job, in `assign_ops/`: reading the operations from the
// input; restoring edited snapshots; the model and the checks; the
// operations themselves, their calls and their reproducer.
#[path = "assign_ops/decode.rs"]
mod decode;
#[path = "assign_ops/edited.rs"]
mod edited;
#[path = "assign_ops/model.rs"]
mod model;
#[path = "assign_ops/ops.rs"]
mod ops;

use ops::{Op, call, reproducer};

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

/// The assigner under test, its twin, and the model of what they hold.
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
}
