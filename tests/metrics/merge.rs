//! Merging: the aggregate of a sequence equals the merge of the
//! aggregates of any split of it, by time or by shard.

use proptest::prelude::*;

use super::{MONDAY, aggregate};
use switchboard::assign::Presence;
use switchboard::engine::{Event, EventKind};
use switchboard::handoff::{Party, Reason, State};
use switchboard::metrics::{Metrics, Settings};
use switchboard::{AgentId, BotId, ChannelKind, ContactId, ConversationId, QueueId, Timestamp};

const STATES: [State; 6] = [
    State::Bot,
    State::Queued,
    State::AfterHours,
    State::Offered,
    State::WithAgent,
    State::Closed,
];

fn reason(i: u8) -> Reason {
    [
        Reason::Routed,
        Reason::ExplicitRequest,
        Reason::Accepted,
        Reason::Abandoned,
        Reason::Reopened,
        Reason::Transfer,
        Reason::Resolved,
        Reason::NoAgent,
        Reason::ClosedByAgent,
        Reason::BotFallbacks,
    ][usize::from(i % 10)]
    .clone()
}

/// One event from a small vocabulary: 5 conversations (conversation `i`
/// belongs to contact `i % 3`), 3 agents, 2 queues.
fn event(at: Timestamp, op: (u8, u8, u8, u8, u8)) -> Event {
    let (kind, c, x, y, z) = op;
    let conv = ConversationId::new(format!("c{}", c % 5));
    let agent = AgentId::new(format!("a{}", x % 3));
    let queue = QueueId::new(format!("q{}", y % 2));
    let e = match kind % 10 {
        0 => Event::new(
            at,
            EventKind::Started {
                contact: ContactId::new(format!("u{}", c % 5 % 3)),
                channel: [ChannelKind::Sms, ChannelKind::WebChat][usize::from(y % 2)].clone(),
            },
        ),
        1 | 2 => {
            let from = match x % 4 {
                0 => Party::Customer,
                1 => Party::Bot {
                    bot: BotId::new("faq"),
                },
                2 => Party::Agent {
                    agent: AgentId::new(format!("a{}", y % 3)),
                },
                _ => Party::System,
            };
            Event::new(
                at,
                EventKind::Message {
                    from,
                    channel: ChannelKind::Sms,
                },
            )
        }
        3..=5 => {
            let from = (y % 7 < 6).then(|| STATES[usize::from(y % 7) % 6]);
            let mut e = Event::new(
                at,
                EventKind::Transition {
                    from,
                    to: STATES[usize::from(z % 6)],
                    reason: reason(x / 3),
                },
            );
            e.queue = (z % 3 > 0).then_some(queue);
            e.agent = (x % 2 == 0).then_some(agent);
            return e.conversation(conv);
        }
        6 => Event::new(
            at,
            EventKind::Transferred {
                from: AgentId::new(format!("a{}", y % 3)),
            },
        )
        .agent(agent),
        7 => {
            let status =
                [Presence::Available, Presence::Away, Presence::Offline][usize::from(y % 3)];
            // Agent statuses carry no conversation.
            return Event::new(at, EventKind::AgentStatus { status }).agent(agent);
        }
        8 => match y % 4 {
            0 => Event::new(at, EventKind::Csat { score: z % 7 }),
            1 => Event::new(
                at,
                EventKind::Tagged {
                    tags: vec![format!("t{}", z % 2)],
                },
            ),
            2 => Event::new(
                at,
                EventKind::OfferMissed {
                    reason: [Reason::Declined, Reason::OfferExpired][usize::from(z % 2)].clone(),
                },
            )
            .agent(agent),
            _ => Event::new(at, EventKind::Purged),
        },
        _ => Event::new(at, EventKind::Purged),
    };
    e.conversation(conv)
}

fn events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((0u64..4_000_000, any::<(u8, u8, u8, u8, u8)>()), 0..120).prop_map(
        |ops| {
            // As the engine does: a conversation starts before anything else
            // happens to it, and its id is not used again until it is purged.
            let mut live = [false; 5];
            let mut at = MONDAY;
            ops.into_iter()
                .map(|(dt, (kind, c, x, y, z))| {
                    // Mostly seconds apart, sometimes days.
                    at += if dt > 3_900_000 { dt * 40 } else { dt / 50 };
                    let e = event(Timestamp::from_millis(at), (kind, c, x, y, z));
                    let i = usize::from(c % 5);
                    match (&e.conversation, &e.kind) {
                        (Some(_), EventKind::Started { .. }) if live[i] => {
                            event(e.at, (1, c, x, y, z))
                        }
                        (Some(_), _) if !live[i] => {
                            live[i] = true;
                            event(e.at, (0, c, x, y, z))
                        }
                        (Some(_), EventKind::Purged) => {
                            live[i] = false;
                            e
                        }
                        _ => e,
                    }
                })
                .collect()
        },
    )
}

fn settings() -> Settings {
    Settings::new()
        .with_time_zone("Europe/Berlin")
        .unwrap()
        .with_fcr_window(std::time::Duration::from_secs(3 * 86_400))
        .with_wrap_up(QueueId::new("q1"), std::time::Duration::from_secs(20))
        .with_conversation_rows(true)
}

fn json(m: &Metrics) -> serde_json::Value {
    serde_json::to_value(m.report()).unwrap()
}

/// Where two JSON values first differ, for a readable failure.
fn diff(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            x.keys()
                .chain(y.keys())
                .find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diff(p, q, &format!("{path}.{k}")),
                    (p, q) => Some(format!("{path}.{k}: {p:?} vs {q:?}")),
                })
        }
        (Array(x), Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| diff(p, q, &format!("{path}[{i}]"))),
        _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn merging_the_aggregates_of_a_split_in_time_equals_the_aggregate_of_the_whole(
        evs in events(),
        cut in any::<prop::sample::Index>(),
        cut2 in any::<prop::sample::Index>(),
    ) {
        let whole = aggregate(&evs, settings());
        let i = cut.index(evs.len() + 1);
        let j = i + cut2.index(evs.len() - i + 1);
        let mut merged = aggregate(&evs[..i], settings());
        merged.merge(aggregate(&evs[i..j], settings())).unwrap();
        merged.merge(aggregate(&evs[j..], settings())).unwrap();
        let (m, w) = (json(&merged), json(&whole));
        prop_assert!(m == w, "merged vs whole: {}", diff(&m, &w, "").unwrap_or_default());
    }

    #[test]
    fn merging_the_aggregates_of_shards_equals_the_aggregate_of_the_whole(evs in events()) {
        // Contacts (and so their conversations) and agents map to shards.
        let shard_of = |e: &Event| match (&e.conversation, &e.agent, &e.kind) {
            (_, Some(a), EventKind::AgentStatus { .. }) => a.as_str().ends_with('1'),
            (Some(c), _, _) => (c.as_str()[1..].parse::<u8>().unwrap() % 3) == 1,
            _ => false,
        };
        let (a, b): (Vec<Event>, Vec<Event>) = evs.iter().cloned().partition(shard_of);
        let whole = aggregate(&evs, settings().with_conversation_rows(false));
        let mut merged = Metrics::new(settings().with_conversation_rows(false)).with_shard("s1");
        for e in &a {
            merged.observe(e).unwrap();
        }
        let mut other = Metrics::new(settings().with_conversation_rows(false)).with_shard("s2");
        for e in &b {
            other.observe(e).unwrap();
        }
        merged.merge(other).unwrap();
        let (m, w) = (json(&merged), json(&whole));
        prop_assert!(m == w, "merged vs whole: {}", diff(&m, &w, "").unwrap_or_default());
    }
}
