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

use switchboard::assign::{Assigner, Presence, Request};
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

#[path = "../benches/support/rng.rs"]
mod rng;
#[path = "../benches/support/assign_workload.rs"]
mod workload;

use rng::Rng;
use workload::{QUEUES, config, profile, queue_id, skill_weights};

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
    let queues: Vec<String> = (0..QUEUES).map(queue_id).collect();

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
    assert!(a.tickets_of(&probe).is_empty());
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
