//! Property tests over random operation sequences: agents joining,
//! leaving, changing presence and skills; conversations arriving (some
//! directed to one agent), being accepted, declined and finished; time
//! passing; the configuration changing. After every operation the
//! assigner's invariants hold (capacity, one place per conversation, ready
//! sets, timers, work conservation), no conversation disappears, and a
//! rejected call changes nothing (but for timers already due, which run
//! first). A snapshot taken anywhere and restored
//! through its JSON text goes on exactly as the original.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use proptest::prelude::*;
use switchboard::assign::{
    AgentProfile, AgentView, AssignEvent, Assigner, AssignerSnapshot, Capacity, ConversationStatus,
    Presence, Request,
};
use switchboard::config::Config;
use switchboard::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};

const CONFIG: &str = r#"
[assignment]
max_missed_offers = 2
offline_grace = "1m"
fairness = { max = 4, per = "10m" }

[calendars.office]
timezone = "UTC"
mon-fri = "08:00-18:00"

[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 3 and agent.languages has conversation.lang"
relax = [{ after = "2m", eligible = "agent.skills.billing >= 1" }]
overflow = { after = "10m", to = "general" }
strategy = "most_skilled"
skill = "billing"
aging = "30s"

[[queues]]
id = "general"
strategy = "least_busy"
max_size = 6
reply_timeout = "5m"

[[queues]]
id = "vip"
eligible = "agent.skills.vip >= 1"
priority = 10
offers = 2
strategy = "round_robin"
wrap_up = "20s"

[[queues]]
id = "office"
calendar = "office"
offer_timeout = "10s"
"#;

/// `CONFIG` without `vip`, with `general` changed (its offers are
/// revoked on a switch), `billing` relaxing in two steps, `office` open
/// round the clock and a new queue.
const CONFIG_B: &str = r#"
[assignment]
max_missed_offers = 2
offline_grace = "1m"
fairness = { max = 4, per = "10m" }

[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 3 and agent.languages has conversation.lang"
relax = [
    { after = "1m", eligible = "agent.skills.billing >= 2" },
    { after = "3m", eligible = "agent.skills.billing >= 1" },
]
overflow = { after = "10m", to = "general" }
strategy = "most_skilled"
skill = "billing"
aging = "30s"

[[queues]]
id = "general"
strategy = "least_busy"
max_size = 6
reply_timeout = "3m"
priority = 2

[[queues]]
id = "office"
offer_timeout = "10s"

[[queues]]
id = "urgent"
eligible = "agent.skills.vip >= 2"
priority = 20
"#;

const QUEUES: [&str; 5] = ["billing", "general", "vip", "office", "urgent"];
const LANGS: [&str; 3] = ["en", "es", "zh"];
const CHANNELS: [ChannelKind; 3] = [ChannelKind::WebChat, ChannelKind::Sms, ChannelKind::Email];

#[derive(Clone, Debug)]
enum Op {
    Upsert {
        agent: u8,
        billing: u8,
        vip: u8,
        langs: u8,
        caps: [u8; 3],
        budget: Option<u8>,
    },
    Remove(u8),
    Presence(u8, u8),
    Enqueue {
        conv: u8,
        queue: u8,
        channel: u8,
        lang: u8,
        priority: i8,
        preferred: Option<u8>,
        waited: u16,
        for_agent: Option<u8>,
    },
    Accept(u8, u8),
    Decline(u8, u8),
    /// Accept the n-th outstanding offer (by conversation), if any.
    AcceptOffered(u8),
    /// Decline the n-th outstanding offer, if any.
    DeclineOffered(u8),
    Finish(u8),
    Replied(u8),
    CustomerWrote(u8),
    Wait(u32),
    WaitForTimer,
    /// Switch configurations: 0 to B with `general` as fallback, 1 to B
    /// with none, 2 to B with an unknown fallback, 3 back to the first,
    /// 4 to the configuration in force.
    Reconfigure(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..6u8, 0..11u8, 0..3u8, 1..8u8, [0..4u8, 0..3u8, 0..3u8], proptest::option::of(1..8u8))
            .prop_map(|(agent, billing, vip, langs, caps, budget)| Op::Upsert { agent, billing, vip, langs, caps, budget }),
        1 => (0..6u8).prop_map(Op::Remove),
        3 => (0..6u8, 0..3u8).prop_map(|(a, p)| Op::Presence(a, p)),
        5 => (0..12u8, 0..5u8, 0..3u8, 0..3u8, -3..4i8, proptest::option::of(0..6u8), 0..600u16, proptest::option::weighted(0.15, 0..7u8))
            .prop_map(|(conv, queue, channel, lang, priority, preferred, waited, for_agent)| Op::Enqueue { conv, queue, channel, lang, priority, preferred, waited, for_agent }),
        4 => (0..6u8, 0..12u8).prop_map(|(a, c)| Op::Accept(a, c)),
        2 => (0..6u8, 0..12u8).prop_map(|(a, c)| Op::Decline(a, c)),
        4 => any::<u8>().prop_map(Op::AcceptOffered),
        1 => any::<u8>().prop_map(Op::DeclineOffered),
        2 => (0..12u8).prop_map(Op::Finish),
        1 => (0..12u8).prop_map(Op::Replied),
        1 => (0..12u8).prop_map(Op::CustomerWrote),
        3 => (0..7_200_000u32).prop_map(Op::Wait),
        2 => Just(Op::WaitForTimer),
        1 => (0..5u8).prop_map(Op::Reconfigure),
    ]
}

fn aid(i: u8) -> AgentId {
    AgentId::new(format!("a{i}"))
}

fn cid(i: u8) -> Ticket {
    Ticket::new(format!("c{i}"))
}

/// The two configurations, compiled once.
fn configs() -> &'static [Arc<Config>; 2] {
    static CONFIGS: OnceLock<[Arc<Config>; 2]> = OnceLock::new();
    CONFIGS.get_or_init(|| [CONFIG, CONFIG_B].map(|c| Arc::new(Config::from_toml_str(c).unwrap())))
}

/// A host strategy for `vip`: agents with fewer skills first, then round
/// robin. Deterministic, so it can be installed again after a restore.
#[derive(Debug)]
struct Generalists;

impl switchboard::assign::Strategy for Generalists {
    fn name(&self) -> &str {
        "generalists"
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        let skills = agent.skills().filter(|(_, l)| *l > 0).count() as u64;
        (skills << 48) | agent.rotation().min((1 << 48) - 1)
    }
}

/// What a rejected call must leave unchanged.
fn fingerprint(a: &Assigner, now: Timestamp) -> String {
    let mut s = String::new();
    for c in 0..12 {
        s += &format!("{:?};", a.status(&cid(c), now));
    }
    for q in QUEUES {
        s += &format!("{:?};", a.waiting(&QueueId::new(q)));
    }
    for i in 0..6 {
        if let Some(v) = a.agent(&aid(i)) {
            s += &format!(
                "{:?}{}{}{:?};",
                v.presence(),
                v.total_load(),
                v.missed_offers(),
                v.profile()
            );
        }
    }
    s
}

/// An assigner driven by operations, with the host's clock, the
/// conversations it holds and the configuration in force.
struct Sim {
    a: Assigner,
    now: Timestamp,
    live: BTreeSet<u8>,
    config: usize,
    /// `vip` runs the host strategy (installed at the start; a switch to
    /// the other configuration drops the queue).
    host_on_vip: bool,
}

impl Sim {
    fn new() -> Sim {
        // A Monday, 07:00 UTC: the office queue opens an hour in.
        let now = Timestamp::from_millis(1_767_596_400_000);
        let mut a = Assigner::new(configs()[0].clone(), now);
        a.set_strategy(now, &QueueId::new("vip"), Arc::new(Generalists))
            .unwrap();
        Sim {
            a,
            now,
            live: BTreeSet::new(),
            config: 0,
            host_on_vip: true,
        }
    }

    /// The restored twin of this one, from a snapshot's JSON text, with
    /// the host strategy installed again.
    fn restored(&self) -> Sim {
        let json = serde_json::to_string(&self.a.snapshot()).unwrap();
        let snapshot: AssignerSnapshot = serde_json::from_str(&json).unwrap();
        let mut a = Assigner::restore(configs()[self.config].clone(), snapshot)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(serde_json::to_string(&a.snapshot()).unwrap(), json);
        if self.host_on_vip {
            a.set_strategy(self.now, &QueueId::new("vip"), Arc::new(Generalists))
                .unwrap();
        }
        Sim {
            a,
            now: self.now,
            live: self.live.clone(),
            config: self.config,
            host_on_vip: self.host_on_vip,
        }
    }

    /// Runs `op`: what the call returned, and whether it was rejected.
    fn step(&mut self, op: &Op) -> Result<String, String> {
        let now = self.now;
        let a = &mut self.a;
        let r: Result<String, switchboard::assign::AssignError> = match *op {
            Op::Upsert {
                agent,
                billing,
                vip,
                langs,
                caps,
                budget,
            } => {
                let mut cap = Capacity::new(
                    CHANNELS
                        .iter()
                        .cloned()
                        .zip(caps.iter().map(|c| u32::from(*c))),
                );
                if let Some(b) = budget {
                    cap = cap.with_budget(u32::from(b), [(ChannelKind::Email, 2)]);
                }
                let p = AgentProfile::new(aid(agent))
                    .with_skill("billing", billing)
                    .with_skill("vip", vip)
                    .with_languages(
                        LANGS
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| langs & (1 << i) != 0)
                            .map(|(_, l)| *l),
                    )
                    .with_capacity(cap);
                a.upsert_agent(now, p).map(|()| String::new())
            }
            Op::Remove(agent) => a.remove_agent(now, &aid(agent)).map(|()| String::new()),
            Op::Presence(agent, p) => {
                let p = [Presence::Available, Presence::Away, Presence::Offline][p as usize];
                a.set_presence(now, &aid(agent), p).map(|()| String::new())
            }
            Op::Enqueue {
                conv,
                queue,
                channel,
                lang,
                priority,
                preferred,
                waited,
                for_agent,
            } => {
                let mut r = Request::new(
                    cid(conv),
                    QUEUES[queue as usize],
                    CHANNELS[channel as usize].clone(),
                )
                .with_lang(LANGS[lang as usize])
                .with_priority(i32::from(priority))
                .waiting_since(now.saturating_sub(Duration::from_secs(u64::from(waited))));
                if let Some(p) = preferred {
                    r = r.with_preferred(aid(p), Some(Duration::from_secs(90)));
                }
                if let Some(p) = for_agent {
                    r = r.for_agent(aid(p));
                }
                a.enqueue(now, r).map(|s| {
                    self.live.insert(conv);
                    format!("{s:?}")
                })
            }
            Op::Accept(agent, conv) => a
                .accept(now, &aid(agent), &cid(conv))
                .map(|()| String::new()),
            Op::Decline(agent, conv) => a
                .decline(now, &aid(agent), &cid(conv))
                .map(|()| String::new()),
            Op::AcceptOffered(n) | Op::DeclineOffered(n) => {
                let offers: Vec<(AgentId, Ticket)> = (0..12)
                    .filter_map(|c| match a.status(&cid(c), now) {
                        Some(ConversationStatus::Offered { agents, .. }) => {
                            Some(agents.into_iter().map(move |ag| (ag, cid(c))))
                        }
                        _ => None,
                    })
                    .flatten()
                    .collect();
                match offers.get(usize::from(n) % offers.len().max(1)) {
                    None => Ok(String::new()),
                    Some((ag, c)) if matches!(op, Op::AcceptOffered(_)) => {
                        a.accept(now, ag, c).map(|()| String::new())
                    }
                    Some((ag, c)) => a.decline(now, ag, c).map(|()| String::new()),
                }
            }
            Op::Finish(conv) => a.finish(now, &cid(conv)).map(|s| {
                self.live.remove(&conv);
                format!("{s:?}")
            }),
            Op::Replied(conv) => a.agent_replied(now, &cid(conv)).map(|()| String::new()),
            Op::CustomerWrote(conv) => a.customer_wrote(now, &cid(conv)).map(|()| String::new()),
            Op::Wait(ms) => {
                self.now = now + Duration::from_millis(u64::from(ms));
                a.handle_timeout(self.now);
                Ok(String::new())
            }
            Op::WaitForTimer => {
                if let Some(t) = a.poll_timeout() {
                    self.now = now.max(t);
                }
                a.handle_timeout(self.now);
                Ok(String::new())
            }
            Op::Reconfigure(k) => {
                let (target, fallback) = match k {
                    0 => (1, Some("general")),
                    1 => (1, None),
                    2 => (1, Some("vip")),
                    3 => (0, None),
                    _ => (self.config, None),
                };
                let fallback = fallback.map(QueueId::new);
                let r = a.reconfigure(now, configs()[target].clone(), fallback.as_ref());
                if r.is_ok() {
                    self.host_on_vip &= self.config == 0 && target == 0;
                    self.config = target;
                }
                r.map(|()| String::new())
            }
        };
        let events: Vec<AssignEvent> = std::iter::from_fn(|| self.a.poll_event()).collect();
        match r {
            Ok(s) => Ok(format!("{s} {events:?}")),
            Err(e) => Err(format!("{e} {events:?}")),
        }
    }
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut sim = Sim::new();
    for op in ops {
        // Reconfiguring with the configuration in force changes nothing.
        let same = matches!(op, Op::Reconfigure(4)).then(|| {
            sim.a.handle_timeout(sim.now);
            while sim.a.poll_event().is_some() {}
            serde_json::to_string(&sim.a.snapshot()).unwrap()
        });
        let before = fingerprint(&sim.a, sim.now);
        // A rejected call leaves the state as it was, once the timers
        // already due have run.
        let quiet = sim.a.poll_timeout().is_none_or(|t| t > sim.now);
        let result = sim.step(&op);
        if result.is_err() && quiet {
            prop_assert_eq!(
                &before,
                &fingerprint(&sim.a, sim.now),
                "a rejected call changed the state"
            );
        }
        if let Some(same) = same {
            prop_assert_eq!(
                result.as_deref(),
                Ok(" []"),
                "reconfiguring to the same emitted"
            );
            prop_assert_eq!(same, serde_json::to_string(&sim.a.snapshot()).unwrap());
        }
        if let Err(e) = sim.a.check_invariants() {
            return Err(TestCaseError::fail(format!("after {op:?}: {e}")));
        }
        for c in 0..12u8 {
            let held = sim.a.status(&cid(c), sim.now).is_some();
            prop_assert_eq!(
                held,
                sim.live.contains(&c),
                "conversation c{} held: {}",
                c,
                held
            );
        }
    }
    Ok(())
}

/// Runs `ops`, restores a snapshot taken after the first `split` and
/// feeds both the rest: every call returns and emits the same, and they
/// end in the same state.
fn run_restored(ops: Vec<Op>, split: usize) -> Result<(), TestCaseError> {
    let split = split % (ops.len() + 1);
    let mut original = Sim::new();
    for op in &ops[..split] {
        let _ = original.step(op);
    }
    let mut restored = original.restored();
    for op in &ops[split..] {
        let a = original.step(op);
        let b = restored.step(op);
        prop_assert_eq!(&a, &b, "after {:?}", op);
        prop_assert_eq!(original.a.poll_timeout(), restored.a.poll_timeout());
        prop_assert_eq!(
            fingerprint(&original.a, original.now),
            fingerprint(&restored.a, restored.now)
        );
        if let Err(e) = restored.a.check_invariants() {
            return Err(TestCaseError::fail(format!("after {op:?}: {e}")));
        }
    }
    prop_assert_eq!(
        serde_json::to_string(&original.a.snapshot()).unwrap(),
        serde_json::to_string(&restored.a.snapshot()).unwrap()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn invariants_hold_over_random_operations(ops in proptest::collection::vec(op(), 1..80)) {
        run(ops)?;
    }

    /// A snapshot taken at any point, written to JSON, read back and
    /// restored (with the host strategy installed again) goes on exactly
    /// as the original: the same results, events, timeouts and statuses,
    /// and the same final snapshot.
    #[test]
    fn a_restored_snapshot_goes_on_exactly_as_the_original(
        ops in proptest::collection::vec(op(), 1..80),
        split in 0..80usize,
    ) {
        run_restored(ops, split)?;
    }

    /// In one queue on one channel, agents are offered conversations in the
    /// queue's service order: what is offered is always a prefix of the
    /// waiting list as it stood.
    #[test]
    fn waiting_conversations_are_served_in_priority_then_fifo_order(
        arrivals in proptest::collection::vec((-5..6i32, 0..5_000u32), 1..40),
        agents in 1..4usize,
    ) {
        let config = Config::from_toml_str("[[queues]]\nid = \"q\"\naging = \"1m\"").unwrap();
        let mut now = Timestamp::from_millis(1_000_000);
        let mut a = Assigner::new(config.into(), now);
        for (i, (p, gap)) in arrivals.iter().enumerate() {
            now = now + Duration::from_millis(u64::from(*gap));
            a.enqueue(now, Request::new(format!("c{i}"), "q", ChannelKind::WebChat).with_priority(*p)).unwrap();
        }
        let q = QueueId::new("q");
        let mut expected: Vec<String> = a.waiting(&q).unwrap().into_iter().map(|c| c.to_string()).collect();
        // The list order is effective priority, then enqueue time.
        let standing: BTreeMap<String, (i32, u64)> = arrivals
            .iter()
            .enumerate()
            .scan(1_000_000u64, |t, (i, (p, g))| {
                *t += u64::from(*g);
                Some((format!("c{i}"), (*p, *t)))
            })
            .collect();
        for w in expected.windows(2) {
            let (pa, ta) = standing[&w[0]];
            let (pb, tb) = standing[&w[1]];
            let ea = f64::from(pa) + (now.as_millis() - ta) as f64 / 60_000.0;
            let eb = f64::from(pb) + (now.as_millis() - tb) as f64 / 60_000.0;
            prop_assert!(ea > eb || (ea == eb && ta <= tb), "{} before {}", w[0], w[1]);
        }
        for i in 0..agents {
            let id = AgentId::new(format!("a{i}"));
            a.upsert_agent(now, AgentProfile::new(id.clone()).with_capacity(Capacity::new([(ChannelKind::WebChat, 1)]))).unwrap();
            a.set_presence(now, &id, Presence::Available).unwrap();
        }
        // Serve everything, one accept and finish at a time.
        let mut served = Vec::new();
        loop {
            let mut offered = Vec::new();
            while let Some(e) = a.poll_event() {
                if let AssignEvent::Offered { ticket, agent, .. } = e {
                    offered.push((ticket, agent));
                }
            }
            if offered.is_empty() {
                break;
            }
            for (c, ag) in offered {
                served.push(c.to_string());
                a.accept(now, &ag, &c).unwrap();
                a.finish(now, &c).unwrap();
            }
        }
        prop_assert_eq!(&served, &expected);
        expected.clear();
        prop_assert!(a.is_empty());
    }

    /// Round robin over N assignments gives each of k always-ready agents
    /// N/k ± 1.
    #[test]
    fn round_robin_is_fair(k in 2..9usize, n in 1..200usize) {
        let config = Config::from_toml_str("[[queues]]\nid = \"q\"\nstrategy = \"round_robin\"").unwrap();
        let now = Timestamp::from_millis(0);
        let mut a = Assigner::new(config.into(), now);
        for i in 0..k {
            let id = AgentId::new(format!("a{i}"));
            a.upsert_agent(now, AgentProfile::new(id.clone()).with_capacity(Capacity::new([(ChannelKind::Sms, 2)]))).unwrap();
            a.set_presence(now, &id, Presence::Available).unwrap();
        }
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..n {
            let c = Ticket::new(format!("c{i}"));
            let status = a.enqueue(now, Request::new(c.clone(), "q", ChannelKind::Sms)).unwrap();
            let ConversationStatus::Offered { agents, .. } = status else {
                return Err(TestCaseError::fail("not offered"));
            };
            *count.entry(agents[0].to_string()).or_default() += 1;
            a.accept(now, &agents[0], &c).unwrap();
            a.finish(now, &c).unwrap();
        }
        for (agent, got) in &count {
            prop_assert!((n / k..=n.div_ceil(k)).contains(got), "{agent}: {got} of {n} over {k}");
        }
        prop_assert_eq!(count.values().sum::<usize>(), n);
    }
}
