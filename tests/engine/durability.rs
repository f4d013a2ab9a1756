//! Snapshots, restore and reconfiguration.

use switchboard::config::Config;
use switchboard::engine::{Input, InputLine, Snapshot, Switchboard, Transfer};
use switchboard::handoff::State;
use switchboard::{AgentId, ConversationId};

use crate::{CONFIG, World, mins};

/// A world mid-story: c1 with ana, c2 offered, c3 after a bot question.
fn busy() -> World {
    let mut w = World::new();
    w.agent("ana");
    w.chat("v1", "human");
    w.accept("ana", "c1");
    w.chat("v2", "agent please");
    w.chat("v3", "hi");
    w
}

#[test]
fn a_snapshot_restores_byte_for_byte_and_runs_on_identically() {
    let mut w = busy();
    let json = w.snapshot_json();
    let snap: Snapshot = serde_json::from_str(&json).unwrap();
    let config = w.sb.config().clone();
    let mut other = Switchboard::restore(config, snap).unwrap();
    assert_eq!(serde_json::to_string(&other.snapshot()).unwrap(), json);
    other.check_invariants().unwrap();

    let rest = [
        Input::AgentMessage {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
            content: "Hello!".into(),
        },
        Input::AgentAccept {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c2"),
        },
    ];
    let mut t = w.now;
    let mut a = Vec::new();
    let mut b = Vec::new();
    for input in rest {
        t = t + mins(1);
        let ra = w.sb.handle(t, input.clone());
        let rb = other.handle(t, input);
        assert_eq!(ra, rb);
    }
    t = t + mins(45);
    w.sb.handle_timeout(t);
    other.handle_timeout(t);
    while let Some(x) = w.sb.poll_action_line() {
        a.push(serde_json::to_string(&x).unwrap());
    }
    while let Some(x) = other.poll_action_line() {
        b.push(serde_json::to_string(&x).unwrap());
    }
    while let Some(x) = w.sb.poll_event() {
        a.push(serde_json::to_string(&x).unwrap());
    }
    while let Some(x) = other.poll_event() {
        b.push(serde_json::to_string(&x).unwrap());
    }
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_eq!(
        w.snapshot_json(),
        serde_json::to_string(&other.snapshot()).unwrap()
    );
}

#[test]
fn a_snapshot_of_another_version_is_refused() {
    let w = busy();
    let mut v: serde_json::Value = serde_json::from_str(&w.snapshot_json()).unwrap();
    v["version"] = 99.into();
    let snap: Snapshot = serde_json::from_value(v).unwrap();
    let err = Switchboard::restore(w.sb.config().clone(), snap).unwrap_err();
    assert!(err.to_string().contains("format 99"), "{err}");
}

#[test]
fn a_snapshot_of_an_earlier_format_is_refused_for_its_format() {
    // Format 1 named a conversation's requests in the assigner after it;
    // format 2 kept a conversation's state and its agent's data side by
    // side. Whatever they hold, their version is read first.
    let mut w = busy();
    w.agent("bea");
    w.give(Input::Transfer(Transfer::to_agent("c1", "bea").warm()));
    for version in [1, 2] {
        let mut v: serde_json::Value = serde_json::from_str(&w.snapshot_json()).unwrap();
        v["version"] = version.into();
        let snap: Snapshot = serde_json::from_str(&v.to_string()).unwrap();
        let err = Switchboard::restore(w.sb.config().clone(), snap).unwrap_err();
        assert!(
            matches!(err, switchboard::engine::RestoreError::Version { found } if found == version),
            "{err}"
        );
        assert!(
            err.to_string().contains(&format!("format {version}")),
            "{err}"
        );
    }
}

#[test]
fn a_tampered_snapshot_is_refused_not_trusted() {
    let w = busy();
    let mut v: serde_json::Value = serde_json::from_str(&w.snapshot_json()).unwrap();
    // Claim c1 is back with the bot while the assigner has it with ana.
    v["conversations"][0]["phase"] = serde_json::json!({"state": "bot"});
    let snap: Snapshot = serde_json::from_value(v).unwrap();
    assert!(Switchboard::restore(w.sb.config().clone(), snap).is_err());
}

#[test]
fn reconfiguring_moves_conversations_of_removed_queues_to_the_fallback() {
    let mut w = World::new();
    w.now = switchboard::Timestamp::from_millis(crate::MONDAY_10);
    w.chat("v1", "refund please"); // billing
    w.chat("v2", "human"); // support
    assert_eq!(
        w.sb.conversation(&"c1".into())
            .unwrap()
            .queue()
            .unwrap()
            .as_str(),
        "billing"
    );
    let without_billing = CONFIG
        .replace("[[queues]]\nid = \"billing\"\ncalendar = \"eu\"\n", "")
        .replace(
            "then = { queue = \"billing\", priority = 5, tags = [\"refund\"] }",
            "then = { queue = \"support\", priority = 5 }",
        )
        .replace(
            "[conversations]",
            "[conversations]\nfallback_queue = \"support\"",
        );
    let config = Config::from_toml_str(&without_billing).unwrap();
    w.sb.reconfigure(config).unwrap();
    w.sb.check_invariants().unwrap();
    let c1 = w.sb.conversation(&"c1".into()).unwrap();
    assert_eq!(c1.queue().unwrap().as_str(), "support");
    assert_eq!(c1.state(), State::Queued);
    assert_eq!(
        w.sb.waiting(&"support".into()).unwrap().len(),
        2,
        "nothing dropped"
    );
    // It keeps its original wait: it entered first, so it is first.
    assert_eq!(w.sb.waiting(&"support".into()).unwrap()[0].as_str(), "c1");
}

#[test]
fn a_snapshot_restores_under_a_newer_configuration() {
    let w = busy();
    let snap = w.sb.snapshot();
    let newer = CONFIG.replace(
        "[conversations]",
        "[conversations]\ntranscript_messages = 2",
    );
    let config = Config::from_toml_str(&newer).unwrap();
    let sb = Switchboard::restore(config, snap).unwrap();
    assert!(sb.conversation(&"c1".into()).unwrap().transcript().len() <= 2);
    assert_eq!(sb.config().conversations().transcript_messages, Some(2));
}

#[test]
fn the_journal_line_form_round_trips() {
    let line = InputLine::new(
        switchboard::Timestamp::from_millis(5),
        Input::AgentAccept {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
        },
    );
    let json = serde_json::to_string(&line).unwrap();
    assert_eq!(
        json,
        r#"{"at":5,"input":{"type":"agent_accept","agent":"ana","conversation":"c1"}}"#
    );
    assert_eq!(serde_json::from_str::<InputLine>(&json).unwrap(), line);
}
