//! Property tests over random operation sequences: agents joining,
//! leaving, changing presence and skills; conversations arriving, being
//! accepted, declined and finished; time passing. After every operation the
//! assigner's invariants hold (capacity, one place per conversation, ready
//! sets, timers, work conservation), no conversation disappears, and a
//! rejected call changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use proptest::prelude::*;
use switchboard::assign::{
    AgentProfile, AssignEvent, Assigner, Capacity, ConversationStatus, Presence, Request,
};
use switchboard::config::Config;
use switchboard::{AgentId, ChannelKind, ConversationId, QueueId, Timestamp};

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

const QUEUES: [&str; 4] = ["billing", "general", "vip", "office"];
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
    },
    Accept(u8, u8),
    Decline(u8, u8),
    Finish(u8),
    Replied(u8),
    CustomerWrote(u8),
    Wait(u32),
    WaitForTimer,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..6u8, 0..11u8, 0..3u8, 1..8u8, [0..4u8, 0..3u8, 0..3u8], proptest::option::of(1..8u8))
            .prop_map(|(agent, billing, vip, langs, caps, budget)| Op::Upsert { agent, billing, vip, langs, caps, budget }),
        1 => (0..6u8).prop_map(Op::Remove),
        3 => (0..6u8, 0..3u8).prop_map(|(a, p)| Op::Presence(a, p)),
        5 => (0..12u8, 0..4u8, 0..3u8, 0..3u8, -3..4i8, proptest::option::of(0..6u8), 0..600u16)
            .prop_map(|(conv, queue, channel, lang, priority, preferred, waited)| Op::Enqueue { conv, queue, channel, lang, priority, preferred, waited }),
        4 => (0..6u8, 0..12u8).prop_map(|(a, c)| Op::Accept(a, c)),
        2 => (0..6u8, 0..12u8).prop_map(|(a, c)| Op::Decline(a, c)),
        2 => (0..12u8).prop_map(Op::Finish),
        1 => (0..12u8).prop_map(Op::Replied),
        1 => (0..12u8).prop_map(Op::CustomerWrote),
        3 => (0..7_200_000u32).prop_map(Op::Wait),
        2 => Just(Op::WaitForTimer),
    ]
}

fn aid(i: u8) -> AgentId {
    AgentId::new(format!("a{i}"))
}

fn cid(i: u8) -> ConversationId {
    ConversationId::new(format!("c{i}"))
}

/// What a rejected call must leave unchanged.
fn fingerprint(a: &Assigner, now: Timestamp) -> String {
    let mut s = String::new();
    for c in 0..12 {
        s += &format!("{:?};", a.conversation(&cid(c), now));
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

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let config = Config::from_toml_str(CONFIG).unwrap();
    // A Monday, 07:00 UTC: the office queue opens an hour in.
    let mut now = Timestamp::from_millis(1_767_596_400_000);
    let mut a = Assigner::new(config.into(), now);
    let mut live: BTreeSet<u8> = BTreeSet::new();
    for op in ops {
        let before = fingerprint(&a, now);
        let result: Result<(), switchboard::assign::AssignError> = match op {
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
                a.upsert_agent(now, p)
            }
            Op::Remove(agent) => a.remove_agent(now, &aid(agent)),
            Op::Presence(agent, p) => {
                let p = [Presence::Available, Presence::Away, Presence::Offline][p as usize];
                a.set_presence(now, &aid(agent), p)
            }
            Op::Enqueue {
                conv,
                queue,
                channel,
                lang,
                priority,
                preferred,
                waited,
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
                a.enqueue(now, r).map(|_| {
                    live.insert(conv);
                })
            }
            Op::Accept(agent, conv) => a.accept(now, &aid(agent), &cid(conv)),
            Op::Decline(agent, conv) => a.decline(now, &aid(agent), &cid(conv)),
            Op::Finish(conv) => a.finish(now, &cid(conv)).map(|_| {
                live.remove(&conv);
            }),
            Op::Replied(conv) => a.agent_replied(now, &cid(conv)),
            Op::CustomerWrote(conv) => a.customer_wrote(now, &cid(conv)),
            Op::Wait(ms) => {
                now = now + Duration::from_millis(u64::from(ms));
                a.handle_timeout(now);
                Ok(())
            }
            Op::WaitForTimer => {
                if let Some(t) = a.poll_timeout() {
                    now = now.max(t);
                }
                a.handle_timeout(now);
                Ok(())
            }
        };
        if result.is_err() {
            prop_assert_eq!(
                &before,
                &fingerprint(&a, now),
                "a rejected call changed the state"
            );
        }
        if let Err(e) = a.check_invariants() {
            return Err(TestCaseError::fail(format!("after {op:?}: {e}")));
        }
        while a.poll_event().is_some() {}
        for c in 0..12u8 {
            let held = a.conversation(&cid(c), now).is_some();
            prop_assert_eq!(
                held,
                live.contains(&c),
                "conversation c{} held: {}",
                c,
                held
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn invariants_hold_over_random_operations(ops in proptest::collection::vec(op(), 1..80)) {
        run(ops)?;
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
                if let AssignEvent::Offered { conversation, agent, .. } = e {
                    offered.push((conversation, agent));
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
            let c = ConversationId::new(format!("c{i}"));
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
