//! Hostile clocks: times at the end of the range, jumps of centuries,
//! snapshots whose clocks disagree. Every call returns, and the work a
//! jump costs follows the timers pending, not its length.

use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{Action, EventKind, Inbound, Input, RestoreError, Snapshot, Switchboard};
use switchboard::handoff::State;
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Timestamp};

use crate::{World, mins};

/// Runs `f` on its own thread and fails the test if it has not returned
/// after a minute: a guard against hangs, not a speed claim.
pub(crate) fn returns<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(v) => v,
        // It panicked: pass the panic on (proptest shrinks on it).
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within a minute")
        }
    }
}

fn web(from: &str, text: &str) -> Input {
    Input::Inbound(Inbound::new(
        ChannelKind::WebChat,
        Address::new_unchecked(from),
        text,
    ))
}

fn available(sb: &mut Switchboard, t: Timestamp, id: &str) {
    sb.handle(
        t,
        Input::AgentUpsert(
            AgentProfile::new(id).with_capacity(Capacity::new([(ChannelKind::WebChat, 3)])),
        ),
    )
    .unwrap();
    sb.handle(
        t,
        Input::AgentStatus {
            agent: AgentId::new(id),
            status: Presence::Available,
        },
    )
    .unwrap();
}

fn drain(sb: &mut Switchboard) -> (Vec<Action>, Vec<EventKind>) {
    let actions = std::iter::from_fn(|| sb.poll_action()).collect();
    let events = std::iter::from_fn(|| sb.poll_event())
        .map(|e| e.kind)
        .collect();
    (actions, events)
}

/// An offer made at 2^63 − 1 plus the offer timeout once left an expiry
/// the engine waited for forever; both clocks now stop at the same end.
#[test]
fn an_offer_made_past_the_end_of_time_does_not_hang_the_engine() {
    for at in [
        i64::MAX as u64 + 30_000,
        i64::MAX as u64 + 30_001,
        u64::MAX - 1,
        u64::MAX,
    ] {
        let state = returns("an offer at the end of time", move || {
            let cfg = Config::from_toml_str("[[queues]]\nid = \"support\"").unwrap();
            let mut sb = Switchboard::new(cfg);
            let t = Timestamp::from_millis(at);
            available(&mut sb, t, "ana");
            sb.handle(t, web("v1", "human please")).unwrap();
            sb.handle_timeout(t);
            sb.handle_timeout(Timestamp::from_millis(u64::MAX));
            sb.handle(Timestamp::from_millis(u64::MAX), web("v1", "hello?"))
                .unwrap();
            sb.check_invariants().unwrap();
            assert_eq!(sb.now(), Timestamp::MAX, "the clock stops at the end");
            sb.conversation(&ConversationId::new("c1")).unwrap().state()
        });
        assert_eq!(state, State::Offered, "at {at}");
    }
}

#[test]
fn a_snapshot_whose_clock_is_past_the_end_is_refused() {
    let mut w = World::new();
    w.chat("v1", "hello");
    let mut json: serde_json::Value = serde_json::to_value(w.sb.snapshot()).unwrap();
    json["now"] = serde_json::json!(u64::MAX);
    json["assigner"]["now"] = serde_json::json!(u64::MAX);
    let snap: Snapshot = serde_json::from_value(json).unwrap();
    let err = Switchboard::restore(w.sb.config().clone(), snap).unwrap_err();
    assert!(matches!(err, RestoreError::Invalid(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "the snapshot is inconsistent: its clock ({}ms) is past the end of time ({}ms)",
            u64::MAX,
            u64::MAX / 2
        )
    );
}

#[test]
fn a_snapshot_whose_clocks_disagree_is_refused() {
    let mut w = World::new();
    w.chat("v1", "hello");
    let mut json: serde_json::Value = serde_json::to_value(w.sb.snapshot()).unwrap();
    let engine = json["now"].as_u64().unwrap();
    json["assigner"]["now"] = serde_json::json!(engine - 5);
    let snap: Snapshot = serde_json::from_value(json).unwrap();
    let err = Switchboard::restore(w.sb.config().clone(), snap).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the snapshot is inconsistent: the engine's clock ({engine}ms) and the assigner's ({}ms) disagree",
            engine - 5
        )
    );
}

/// A conversation waiting after hours in a queue with a calendar, and a
/// clock that jumps a thousand years: the queue takes the hours in force
/// at the new time instead of opening and closing 365,000 times, and the
/// conversation is served at the opening that time falls in.
#[test]
fn a_jump_of_a_thousand_years_takes_the_hours_in_force() {
    let (state, opened, closed, updates) = returns("a jump of a thousand years", || {
        let mut w = World::new();
        // Monday 21:00 in Berlin: billing is closed.
        w.now = w.now + mins(600);
        w.chat("v1", "I want a refund");
        assert_eq!(w.state("c1"), State::AfterHours);
        w.clear();
        // 1,000 years of 365.2425 days later, at the same time of day: a
        // Monday again (the Gregorian cycle is 400 years), 21:00 — then
        // to the Tuesday at 11:00, when billing is open.
        let years = 365_2425u64 * 1_000 / 10_000 * 86_400_000;
        w.now = w.now + Duration::from_millis(years) + mins(14 * 60);
        w.sb.handle_timeout(w.now);
        let (actions, events) = drain(&mut w.sb);
        w.sb.check_invariants().unwrap();
        let count = |f: fn(&EventKind) -> bool| events.iter().filter(|e| f(e)).count();
        (
            w.state("c1"),
            count(|e| matches!(e, EventKind::QueueOpened)),
            count(|e| matches!(e, EventKind::QueueClosed { .. })),
            actions
                .iter()
                .filter(|a| matches!(a, Action::QueueStatus { .. }))
                .count(),
        )
    });
    assert_eq!(
        state,
        State::Queued,
        "served at the opening the clock fell in"
    );
    assert!((1..=3).contains(&opened), "{opened} openings replayed");
    assert!(closed <= 3, "{closed} closings replayed");
    assert!(updates <= 3, "{updates} queue updates for one jump");
}

/// Driven at every `poll_timeout`, every opening and closing still runs on
/// time: the shortcut applies only to jumps.
#[test]
fn stepping_through_a_week_replays_every_opening_and_closing() {
    let mut w = World::new();
    w.now = w.now + mins(600);
    w.chat("v1", "I want a refund");
    w.clear();
    let end = w.now + Duration::from_secs(7 * 86_400);
    while let Some(t) = w.sb.poll_timeout().filter(|t| *t <= end) {
        w.now = t;
        w.sb.handle_timeout(t);
        while w.sb.poll_action().is_some() {}
        while let Some(e) = w.sb.poll_event() {
            w.events.push(e);
        }
    }
    let opened = w
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::QueueOpened))
        .count();
    // Tuesday to Friday, and the next Monday, at 09:00 in Berlin.
    assert_eq!(opened, 5);
}

/// Queue updates are periodic: after a long silence of the host the
/// customer gets one update, not one per interval missed.
#[test]
fn a_jump_does_not_replay_every_missed_queue_update() {
    let mut w =
        World::with("[[queues]]\nid = \"support\"\n[conversations]\ninactivity_timeout = \"90d\"");
    w.chat("v1", "human please");
    assert_eq!(w.state("c1"), State::Queued);
    w.clear();
    w.wait(Duration::from_secs(30 * 86_400));
    assert_eq!(w.state("c1"), State::Queued);
    let statuses = w
        .actions
        .iter()
        .filter(|a| matches!(a, Action::QueueStatus { .. }))
        .count();
    assert!(statuses <= 2, "{statuses} queue statuses");
    // And the next check is one interval ahead, not in the past.
    let next = w.sb.poll_timeout().unwrap();
    assert!(
        next > w.now && next <= w.now + mins(5),
        "{next} after {}",
        w.now
    );
}

#[test]
fn queues_that_overflow_in_a_cycle_are_refused() {
    let err = Config::from_toml_str(
        r#"
[[queues]]
id = "a"
overflow = { after = "1m", to = "b" }
[[queues]]
id = "b"
overflow = { after = "1m", to = "c" }
[[queues]]
id = "c"
overflow = { after = "1m", to = "a" }
[[queues]]
id = "d"
overflow = { after = "1m", to = "a" }
"#,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("queues overflow in a cycle (a → b → c → a)"),
        "{text}"
    );
    assert_eq!(err.errors().count(), 1, "{text}");
    // A chain that ends is fine.
    Config::from_toml_str(
        "[[queues]]\nid = \"a\"\noverflow = { after = \"1m\", to = \"b\" }\n[[queues]]\nid = \"b\"",
    )
    .unwrap();
}

/// A host that drives the engine by `poll_timeout` stops at the end of
/// time: no deadline past it is ever reported.
#[test]
fn the_drive_loop_ends_at_the_end_of_time() {
    let polls = returns("the drive loop at the end of time", || {
        let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"s\"").unwrap());
        let t = Timestamp::from_millis(u64::MAX - 5);
        available(&mut sb, t, "ana");
        sb.handle(t, web("v1", "human please")).unwrap();
        let mut polls = 0;
        while let Some(t) = sb.poll_timeout() {
            assert!(t <= Timestamp::MAX, "{t} is past the end");
            sb.handle_timeout(t);
            drain(&mut sb);
            polls += 1;
            assert!(polls < 1_000, "the drive loop does not end");
        }
        assert_eq!(sb.now(), Timestamp::MAX);
        polls
    });
    assert!(polls < 1_000);
}

/// Counters near the end of `u64` in an edited snapshot would wrap onto
/// the ids of live conversations: refused.
#[test]
fn a_snapshot_whose_counters_were_edited_is_refused() {
    let mut w = World::new();
    w.chat("v1", "hello");
    for (path, message) in [
        ("next_conversation", "the conversation counter"),
        ("next_contact", "the contact counter"),
    ] {
        let mut json: serde_json::Value = serde_json::to_value(w.sb.snapshot()).unwrap();
        json[path] = serde_json::json!(u64::MAX);
        let snap: Snapshot = serde_json::from_value(json).unwrap();
        let err = Switchboard::restore(w.sb.config().clone(), snap).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the snapshot is inconsistent: {message} ({}) is past 2^62",
                u64::MAX
            )
        );
    }
    let mut json: serde_json::Value = serde_json::to_value(w.sb.snapshot()).unwrap();
    json["conversations"][0]["turn"] = serde_json::json!(u64::MAX);
    let snap: Snapshot = serde_json::from_value(json).unwrap();
    assert!(Switchboard::restore(w.sb.config().clone(), snap).is_err());
}
