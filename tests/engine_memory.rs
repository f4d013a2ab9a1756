//! Heap held by the engine per active conversation, excluding the text of
//! its transcript.
//!
//! An instrumented global allocator (`stats_alloc`) tracks the bytes live
//! on the heap (the sizes asked for, without the allocator's own
//! overhead). The test measures the difference across a loop that opens
//! 10,000 conversations — each a new web chat visitor whose first message
//! goes to the bot, which answers; then one message in four asks for a
//! person and the conversation is offered to, and accepted by, one of 1,000
//! agents — after every action and event has been polled. It subtracts
//! the bytes of message text the transcripts keep (customer, bot and
//! system messages); what is left is the engine's bookkeeping: the
//! conversation record, its contact and identity, the assigner's record,
//! timers, transcript entries without their text, and the growth slack of
//! every table. The target is at most 2 KiB per conversation.
//!
//! Run with `cargo test --release --test engine_memory -- --nocapture` to
//! see the figures.

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{Action, BotTurn, Inbound, Input, Switchboard};
use switchboard::{Address, AgentId, ChannelKind, Timestamp};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn live() -> isize {
    let st = GLOBAL.stats();
    st.bytes_allocated as isize - st.bytes_deallocated as isize
}

const CONVERSATIONS: usize = 10_000;
const AGENTS: usize = 1_000;

#[test]
fn an_active_conversation_costs_at_most_2_kib_besides_its_text() {
    let config = Config::from_toml_str(
        r#"
        [[queues]]
        id = "support"
        [bots.faq]
        [[rules]]
        id = "refund"
        when = "text contains 'refund'"
        then = { queue = "support", tags = ["refund"] }
        [defaults]
        bot = "faq"
        "#,
    )
    .unwrap();
    let now = Timestamp::from_millis(1_795_428_000_000);
    let mut sb = Switchboard::new(config);
    for i in 0..AGENTS {
        let id = format!("agent-{i}");
        sb.handle(
            now,
            Input::AgentUpsert(
                AgentProfile::new(id.as_str())
                    .with_capacity(Capacity::new([(ChannelKind::WebChat, 3)])),
            ),
        )
        .unwrap();
        sb.handle(
            now,
            Input::AgentStatus {
                agent: AgentId::new(id),
                status: Presence::Available,
            },
        )
        .unwrap();
    }
    while sb.poll_action().is_some() {}
    while sb.poll_event().is_some() {}

    let before = live();
    for i in 0..CONVERSATIONS {
        let from = Address::new_unchecked(format!("visitor-{i:05}"));
        let say =
            |text: &str| Input::Inbound(Inbound::new(ChannelKind::WebChat, from.clone(), text));
        sb.handle(now, say("Hello, where is my parcel? It was due yesterday."))
            .unwrap();
        let mut asked = None;
        while let Some(a) = sb.poll_action() {
            if let Action::AskBot(ask) = a {
                asked = Some((ask.conversation, ask.turn));
            }
        }
        let (conv, turn) = asked.expect("the bot is asked");
        sb.handle(
            now,
            Input::BotTurn(
                BotTurn::new(conv.clone())
                    .turn(turn)
                    .reply("Let me look that up for you."),
            ),
        )
        .unwrap();
        if i % 4 == 0 {
            sb.handle(now, say("I want to talk to a human")).unwrap();
            let mut offered = None;
            while let Some(a) = sb.poll_action() {
                if let Action::Offer { agent, .. } = a {
                    offered = Some(agent);
                }
            }
            let agent = offered.expect("an agent is offered it");
            sb.handle(
                now,
                Input::AgentAccept {
                    agent,
                    conversation: conv,
                },
            )
            .unwrap();
        }
        while sb.poll_action().is_some() {}
        while sb.poll_event().is_some() {}
    }
    let after = live();
    assert_eq!(sb.len(), CONVERSATIONS);
    sb.check_invariants().unwrap();

    let text: usize = sb
        .conversations()
        .map(|c| {
            c.transcript()
                .entries()
                .map(|e| e.text.len())
                .sum::<usize>()
        })
        .sum();
    let total = (after - before) as usize;
    let per = (total - text) / CONVERSATIONS;
    println!(
        "{CONVERSATIONS} conversations: {total} bytes live, {text} of transcript text, {per} bytes each besides the text"
    );
    assert!(per <= 2048, "{per} bytes per conversation");
}
