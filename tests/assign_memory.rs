//! Heap held by the assigner per agent and per waiting conversation.
//!
//! An instrumented global allocator (`stats_alloc`) tracks the bytes live on the heap (the sizes
//! asked for, without the allocator's own overhead). Each test measures the
//! difference across the loop that hands the assigner its agents or its
//! conversations; what the loop builds and hands over by value (profiles,
//! requests) is consumed or dropped inside the loop, so the difference is
//! what the assigner keeps, growth slack of its tables included.
//!
//! * 10,000 agents with the skill, language and capacity mix of the
//!   assigner benchmark (`benches/assign.rs`), all available, in an
//!   assigner with its 200 queues: at most 512 bytes per agent.
//! * 10,000 conversations waiting (web chat, English, no contact
//!   attributes) spread over the 200 queues, with every agent offline: at
//!   most 256 bytes per conversation.
//!
//! Run with `cargo test --release --test assign_memory -- --nocapture` to
//! see the figures.

use std::alloc::System;
use std::sync::{Arc, Mutex};

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

use switchboard::assign::{AgentProfile, Assigner, Capacity, Presence, Request};
use switchboard::config::Config;
use switchboard::{AgentId, ChannelKind, Timestamp};

/// The system allocator, instrumented by `stats_alloc` (so this test needs
/// no unsafe code of its own).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The tests share one counter: they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Live heap bytes and blocks.
fn live() -> (isize, isize) {
    let st = GLOBAL.stats();
    // Growth and shrinkage by `realloc` are already in the allocated and
    // deallocated totals.
    let bytes = st.bytes_allocated as isize - st.bytes_deallocated as isize;
    let blocks = st.allocations as isize - st.deallocations as isize;
    (bytes, blocks)
}

// ---------------------------------------------------------------------------
// The benchmark's configuration and agents
// ---------------------------------------------------------------------------

/// SplitMix64: the same agents on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SKILLS: usize = 100;
const QUEUES: usize = 200;
const STRATEGIES: [&str; 4] = ["longest_idle", "least_busy", "round_robin", "most_skilled"];

/// Skill popularity, Zipf-like: skill `k` weighs `1 / (k + 1)`. Cumulative
/// weights, for drawing.
fn skill_weights() -> Vec<f64> {
    let mut acc = 0.0;
    (0..SKILLS)
        .map(|k| {
            acc += 1.0 / (k as f64 + 1.0);
            acc
        })
        .collect()
}

fn draw_skill(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
    cumulative.partition_point(|&c| c <= x).min(SKILLS - 1)
}

/// Queue `q` needs skill `q % 100` at a minimum level of 1 to 5; queues 100
/// and up also need the conversation's language. Strategies rotate.
fn config() -> Config {
    let mut toml = String::new();
    for q in 0..QUEUES {
        let skill = q % SKILLS;
        let level = 1 + (q * 7 + q / SKILLS) % 5;
        let mut eligible = format!("agent.skills.s{skill} >= {level}");
        if q >= SKILLS {
            eligible.push_str(" and agent.languages has conversation.lang");
        }
        let strategy = STRATEGIES[q % STRATEGIES.len()];
        toml.push_str(&format!(
            "[[queues]]\nid = \"q{q:03}\"\neligible = \"{eligible}\"\nstrategy = \"{strategy}\"\npriority = {}\n",
            q % 3
        ));
        if strategy == "most_skilled" {
            toml.push_str(&format!("skill = \"s{skill}\"\n"));
        }
        toml.push('\n');
    }
    Config::from_toml_str(&toml).unwrap_or_else(|e| panic!("{e}"))
}

/// Agent `i`: 2 to 6 skills by popularity at levels 1 to 10 (mostly in the
/// middle), English 80%, Spanish 30%, German and Chinese 10% each (at least
/// one), web chat 2 to 4, SMS 5 for half, e-mail 10 for three in ten.
fn profile(i: usize, rng: &mut Rng, cumulative: &[f64]) -> AgentProfile {
    let mut p = AgentProfile::new(format!("agent-{i:06}"));
    let count = 2 + rng.below(5);
    while p.skills.len() < count {
        let skill = draw_skill(rng, cumulative);
        let level = 1 + (rng.below(10) + rng.below(11)) / 2;
        p = p.with_skill(format!("s{skill}"), level as u8);
    }
    let mut langs = Vec::new();
    for (lang, percent) in [("en", 80), ("es", 30), ("de", 10), ("zh", 10)] {
        if rng.chance(percent) {
            langs.push(lang);
        }
    }
    if langs.is_empty() {
        langs.push("en");
    }
    let mut capacity = vec![(ChannelKind::WebChat, 2 + rng.below(3) as u32)];
    if rng.chance(50) {
        capacity.push((ChannelKind::Sms, 5));
    }
    if rng.chance(30) {
        capacity.push((ChannelKind::Email, 10));
    }
    p.with_languages(langs)
        .with_capacity(Capacity::new(capacity))
}

const AGENTS: usize = 10_000;
const CONVERSATIONS: usize = 10_000;

fn t0() -> Timestamp {
    Timestamp::from_millis(1_767_571_200_000)
}

/// Adds the agents, each built and handed over in the loop; `available`
/// makes each available as it is added.
fn add_agents(a: &mut Assigner, available: bool) {
    let cumulative = skill_weights();
    let mut rng = Rng(0xA6E7_5EED);
    for i in 0..AGENTS {
        let p = profile(i, &mut rng, &cumulative);
        let id = if available {
            Some(p.agent.clone())
        } else {
            None
        };
        a.upsert_agent(t0(), p).unwrap();
        if let Some(id) = id {
            a.set_presence(t0(), &id, Presence::Available).unwrap();
        }
        while a.poll_event().is_some() {}
    }
}

#[test]
fn an_agent_takes_at_most_512_bytes() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let config = Arc::new(config());
    let mut a = Assigner::new(config, t0());

    let (bytes0, blocks0) = live();
    add_agents(&mut a, true);
    let (bytes1, blocks1) = live();

    a.check_invariants().unwrap();
    assert_eq!(a.agents().count(), AGENTS);
    assert!(
        a.agents().all(|v| v.presence() == Presence::Available),
        "every agent is available"
    );
    let per = (bytes1 - bytes0) as f64 / AGENTS as f64;
    let blocks = (blocks1 - blocks0) as f64 / AGENTS as f64;
    eprintln!(
        "{AGENTS} available agents, 200 queues: {} bytes held, {per:.1} bytes per agent \
         in {blocks:.1} heap blocks per agent",
        bytes1 - bytes0
    );
    assert!(
        per <= 512.0,
        "{per:.1} bytes per agent, more than 512 (in {blocks:.1} heap blocks each)"
    );
}

#[test]
fn a_waiting_conversation_takes_at_most_256_bytes() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let config = Arc::new(config());
    let mut a = Assigner::new(config, t0());
    add_agents(&mut a, false);
    let queues: Vec<String> = (0..QUEUES).map(|q| format!("q{q:03}")).collect();

    let (bytes0, blocks0) = live();
    for i in 0..CONVERSATIONS {
        let req = Request::new(
            format!("conv-{i:06}"),
            queues[i % QUEUES].as_str(),
            ChannelKind::WebChat,
        )
        .with_lang("en");
        a.enqueue(t0(), req).unwrap();
    }
    while a.poll_event().is_some() {}
    let (bytes1, blocks1) = live();

    a.check_invariants().unwrap();
    assert_eq!(a.len(), CONVERSATIONS);
    assert!(
        a.agents().all(|v| v.presence() == Presence::Offline),
        "every agent is offline"
    );
    let probe = AgentId::new("agent-000000");
    assert!(a.conversations_of(&probe).is_empty());
    let per = (bytes1 - bytes0) as f64 / CONVERSATIONS as f64;
    let blocks = (blocks1 - blocks0) as f64 / CONVERSATIONS as f64;
    eprintln!(
        "{CONVERSATIONS} waiting conversations over 200 queues: {} bytes held, {per:.1} bytes \
         per conversation in {blocks:.1} heap blocks per conversation",
        bytes1 - bytes0
    );
    assert!(
        per <= 256.0,
        "{per:.1} bytes per waiting conversation, more than 256 (in {blocks:.1} heap blocks each)"
    );
}
