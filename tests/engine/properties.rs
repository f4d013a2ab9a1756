//! Random input sequences: invariants, nothing lost, refused inputs change
//! nothing, and a snapshot anywhere replays to the same outputs.

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{
    BotTurn, Closer, EventKind, Inbound, Input, Snapshot, Switchboard, Transfer,
};
use switchboard::{Address, AgentId, ChannelKind, ContactId, ConversationId, Timestamp};

const AGENTS: [&str; 3] = ["ana", "bea", "cai"];
const CUSTOMERS: [(&str, ChannelKind); 4] = [
    ("+14155550100", ChannelKind::Sms),
    ("visitor-1", ChannelKind::WebChat),
    ("4915123456789", ChannelKind::WhatsApp),
    ("visitor-2", ChannelKind::WebChat),
];
const TEXTS: [&str; 8] = [
    "hello",
    "where is my order",
    "human please",
    "转人工",
    "I want a refund",
    "STOP",
    "5",
    "thanks",
];

fn config() -> Config {
    Config::from_toml_str(&config_source()).expect("compiles")
}

/// A second configuration to switch to and back: billing keeps no hours,
/// sales offers to two agents at once, timeouts are shorter, and the
/// `support` queue is gone (its conversations move to the fallback).
fn other_config() -> Config {
    let src = config_source()
        .replace("[[queues]]\nid = \"support\"\n\n", "")
        .replace("calendar = \"eu\"\n", "")
        .replace("id = \"sales\"\n", "id = \"sales\"\noffers = 2\n")
        .replace("queue = \"support\"", "queue = \"billing\"")
        .replace("no_agent_timeout = \"20m\"", "no_agent_timeout = \"5m\"");
    Config::from_toml_str(&src).unwrap_or_else(|e| panic!("{e}"))
}

fn config_source() -> String {
    format!(
        "{}\n[assignment]\nwrap_up = \"20s\"\n",
        crate::CONFIG.replace(
            "no_agent_timeout = \"20m\"",
            "no_agent_timeout = \"20m\"\nreopen_window = \"2h\"\ninactivity_timeout = \"15m\"\nsticky_agent = \"1h\"\ncontact_retention = \"1h\""
        )
    )
}

fn conv(n: u8) -> ConversationId {
    ConversationId::new(format!("c{}", n % 8 + 1))
}

fn agent(n: u8) -> AgentId {
    AgentId::new(AGENTS[n as usize % 3])
}

#[derive(Clone, Debug)]
enum Op {
    Wait(u16),
    Input(Box<Input>),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        4 => (0..4usize, 0..8usize, any::<bool>()).prop_map(|(c, t, id)| {
            let (from, ch) = &CUSTOMERS[c];
            let mut m = Inbound::new(ch.clone(), Address::new_unchecked(*from), TEXTS[t]);
            if id {
                m = m.with_id(format!("m{t}"));
            }
            if c == 3 {
                m = m.with_contact_id("crm-1");
            }
            Input::Inbound(m)
        }),
        3 => (any::<u8>(), 0..6u8, proptest::option::of(1..4u64)).prop_map(|(c, kind, turn)| {
            let mut t = BotTurn::new(conv(c)).reply("bot says hi");
            t.turn = turn;
            Input::BotTurn(match kind {
                0 => t.fallback(),
                1 => t.handoff("needs a person"),
                2 => t.resolved(),
                3 => t.error("boom"),
                4 => t.intent("booking", 0.9),
                _ => t.intent("hours", 0.95),
            })
        }),
        2 => (any::<u8>(), 0..3u8).prop_map(|(a, s)| Input::AgentStatus {
            agent: agent(a),
            status: [Presence::Available, Presence::Away, Presence::Offline][s as usize],
        }),
        1 => any::<u8>().prop_map(|a| {
            Input::AgentUpsert(AgentProfile::new(AGENTS[a as usize % 3]).with_capacity(Capacity::new([
                (ChannelKind::WebChat, 2),
                (ChannelKind::Sms, 1),
                (ChannelKind::WhatsApp, 1),
            ])))
        }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(a, c)| Input::AgentAccept { agent: agent(a), conversation: conv(c) }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, c)| Input::AgentDecline { agent: agent(a), conversation: conv(c) }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(a, c)| Input::AgentMessage {
            agent: agent(a),
            conversation: conv(c),
            content: "agent says hi".into(),
        }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>(), any::<bool>()).prop_map(|(a, c, warm, to_agent)| {
            let t = if to_agent { Transfer::to_agent(conv(c), agent(a)) } else { Transfer::to_queue(conv(c), "billing") };
            Input::Transfer(if warm { t.warm() } else { t })
        }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, c)| Input::Hold { agent: agent(a), conversation: conv(c) }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, c)| Input::HandBack { agent: agent(a), conversation: conv(c), bot: None }),
        1 => (any::<u8>(), 0..4u8).prop_map(|(c, by)| Input::Close {
            conversation: conv(c),
            by: [Closer::Agent, Closer::Customer, Closer::Bot, Closer::System][by as usize],
            agent: None,
        }),
        1 => (any::<u8>(), 0..7u8).prop_map(|(c, s)| Input::Csat { conversation: conv(c), score: s }),
        1 => any::<u8>().prop_map(|a| Input::AgentRemove { agent: agent(a) }),
        1 => any::<bool>().prop_map(|other| Input::Reconfigure {
            config: Box::new(if other { other_config() } else { config() }),
        }),
        1 => (0..4usize, any::<u8>()).prop_map(|(c, k)| {
            let (from, ch) = &CUSTOMERS[c];
            Input::Link {
                contact: ContactId::new(["crm-1", "u1", "u2"][k as usize % 3]),
                channel: ch.clone(),
                address: Address::new_unchecked(*from),
            }
        }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => prop_oneof![Just(5u16), Just(31), Just(600), Just(1500), Just(7300)].prop_map(Op::Wait),
        6 => input().prop_map(|i| Op::Input(Box::new(i))),
    ]
}

/// Runs `ops` from `sb` starting at `t`, returning every output line and
/// checking the properties on the way.
fn run(sb: &mut Switchboard, mut t: Timestamp, ops: &[Op], check: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut started = BTreeSet::new();
    let mut purged = BTreeSet::new();
    for op in ops {
        match op {
            Op::Wait(s) => {
                t = t + Duration::from_secs(u64::from(*s));
                sb.handle_timeout(t);
            }
            Op::Input(input) => {
                t = t + Duration::from_millis(250);
                let before = check.then(|| {
                    sb.handle_timeout(t);
                    drain(sb, &mut out, &mut started, &mut purged);
                    serde_json::to_string(&sb.snapshot()).unwrap()
                });
                let r = sb.handle(t, (**input).clone());
                if let (Err(e), Some(before)) = (&r, before) {
                    assert_eq!(
                        serde_json::to_string(&sb.snapshot()).unwrap(),
                        before,
                        "refused input {input:?} ({e}) changed the state"
                    );
                }
                out.push(format!("{r:?}"));
            }
        }
        drain(sb, &mut out, &mut started, &mut purged);
        if check {
            sb.check_invariants()
                .unwrap_or_else(|e| panic!("after {op:?}: {e}"));
            for c in &started {
                assert!(
                    purged.contains(c) || sb.conversation(c).is_some(),
                    "{c} disappeared"
                );
            }
        }
    }
    out
}

fn drain(
    sb: &mut Switchboard,
    out: &mut Vec<String>,
    started: &mut BTreeSet<ConversationId>,
    purged: &mut BTreeSet<ConversationId>,
) {
    while let Some(a) = sb.poll_action_line() {
        out.push(serde_json::to_string(&a).unwrap());
    }
    while let Some(e) = sb.poll_event() {
        match (&e.kind, &e.conversation) {
            (EventKind::Started { .. }, Some(c)) => {
                started.insert(c.clone());
            }
            (EventKind::Purged, Some(c)) => {
                purged.insert(c.clone());
            }
            _ => {}
        }
        out.push(serde_json::to_string(&e).unwrap());
    }
}

fn t0() -> Timestamp {
    Timestamp::from_millis(crate::MONDAY_10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_nothing_is_lost_and_refusals_change_nothing(ops in proptest::collection::vec(op(), 1..120)) {
        let mut sb = Switchboard::new(config());
        run(&mut sb, t0(), &ops, true);
    }

    #[test]
    fn a_snapshot_anywhere_replays_to_the_same_outputs(
        ops in proptest::collection::vec(op(), 2..100),
        cut in any::<prop::sample::Index>(),
    ) {
        let cut = cut.index(ops.len());
        // Uninterrupted.
        let mut a = Switchboard::new(config());
        let head = run(&mut a, t0(), &ops[..cut], false);
        let t = a.now();
        let json = serde_json::to_string(&a.snapshot()).unwrap();
        let in_force = a.config().clone();
        let tail_a = run(&mut a, t, &ops[cut..], false);
        // Interrupted: restore the snapshot through its JSON, under the
        // configuration in force (the inputs may have switched it).
        let snap: Snapshot = serde_json::from_str(&json).unwrap();
        let mut b = Switchboard::restore(in_force, snap).unwrap();
        let tail_b = run(&mut b, t, &ops[cut..], false);
        prop_assert_eq!(tail_a, tail_b);
        prop_assert_eq!(
            serde_json::to_string(&a.snapshot()).unwrap(),
            serde_json::to_string(&b.snapshot()).unwrap()
        );
        let _ = head;
    }
}

/// A time anywhere in `u64` milliseconds, often near the edges: the end
/// of `i64`, the end of `u64`, the clock's end, and the usual present.
fn any_time() -> impl Strategy<Value = u64> {
    let edge = |at: u64| (at.saturating_sub(120_000))..=(at.saturating_add(120_000));
    prop_oneof![
        2 => any::<u64>(),
        2 => edge(i64::MAX as u64),
        2 => edge(u64::MAX),
        1 => edge(u64::MAX / 2),
        3 => crate::MONDAY_10..crate::MONDAY_10 + 400 * 86_400_000,
    ]
}

#[derive(Clone, Debug)]
enum ClockOp {
    /// Handle an input at this time.
    At(u64, Box<Input>),
    /// `handle_timeout` at this time.
    Timeout(u64),
    /// Snapshot, set the engine's and the assigner's clocks (when given)
    /// and restore; a refused snapshot leaves the running engine.
    Restore(Option<u64>, Option<u64>),
}

fn clock_op() -> impl Strategy<Value = ClockOp> {
    prop_oneof![
        5 => (any_time(), input()).prop_map(|(t, i)| ClockOp::At(t, Box::new(i))),
        2 => any_time().prop_map(ClockOp::Timeout),
        1 => (proptest::option::of(any_time()), proptest::option::of(any_time()))
            .prop_map(|(a, b)| ClockOp::Restore(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every call returns whatever time the host passes, including times
    /// past the clock's end and snapshots whose clocks were edited, and
    /// the engine stays consistent.
    #[test]
    fn every_call_returns_whatever_the_clock(ops in proptest::collection::vec(clock_op(), 1..60)) {
        crate::clocks::returns("a run over the whole clock range", move || {
            let mut sb = Switchboard::new(config());
            for op in &ops {
                match op {
                    ClockOp::At(t, input) => {
                        let _refused_or_not = sb.handle(Timestamp::from_millis(*t), (**input).clone());
                    }
                    ClockOp::Timeout(t) => sb.handle_timeout(Timestamp::from_millis(*t)),
                    ClockOp::Restore(engine, assigner) => {
                        let mut json = serde_json::to_value(sb.snapshot()).unwrap();
                        if let Some(t) = engine {
                            json["now"] = serde_json::json!(t);
                        }
                        if let Some(t) = assigner {
                            json["assigner"]["now"] = serde_json::json!(t);
                        }
                        let snap: Snapshot = serde_json::from_value(json).unwrap();
                        match Switchboard::restore(config(), snap) {
                            Ok(restored) => {
                                assert!(restored.now() <= Timestamp::MAX);
                                sb = restored;
                            }
                            Err(e) => assert!(
                                engine.is_some() || assigner.is_some(),
                                "an unedited snapshot was refused: {e}"
                            ),
                        }
                    }
                }
                while sb.poll_action().is_some() {}
                while sb.poll_event().is_some() {}
                sb.check_invariants().unwrap_or_else(|e| panic!("after {op:?}: {e}"));
                assert!(sb.now() <= Timestamp::MAX, "the clock passed its end");
                if let Some(t) = sb.poll_timeout() {
                    assert!(t <= Timestamp::MAX, "a timeout past the end: {t}");
                }
            }
        });
    }
}
