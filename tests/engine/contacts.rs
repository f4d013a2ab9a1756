//! Contact retention: idle contacts are forgotten, returning ones kept.

use std::time::Duration;

use switchboard::engine::{Action, Closer, EventKind, Inbound, Input, InputError};
use switchboard::{Address, AgentId, Attributes, ChannelKind, ContactId, ConversationId};

use crate::{World, mins};

const PHONE: &str = "+14155550100";

/// Customers go straight to `support`; closed conversations are forgotten
/// after an hour.
fn world(retention: &str, sticky: &str) -> World {
    World::with(&format!(
        r#"
[[queues]]
id = "support"

[[rules]]
id = "default"
when = "true"
then = {{ queue = "support" }}

[conversations]
reopen_window = "1h"
inactivity_timeout = "30m"
sticky_agent = "{sticky}"
contact_retention = "{retention}"
"#
    ))
}

fn sms(text: &str) -> Inbound {
    Inbound::new(ChannelKind::Sms, Address::new_unchecked(PHONE), text)
}

fn crm7() -> ContactId {
    ContactId::new("crm-7")
}

/// A gold customer known to the CRM as crm-7 talks to `agent`, who closes.
fn served_by(w: &mut World, agent: &str) {
    let mut tier = Attributes::new();
    tier.insert("tier".into(), "gold".into());
    w.give(Input::Inbound(
        sms("Where is my order?")
            .with_contact_id("crm-7")
            .with_contact(tier),
    ));
    w.accept(agent, "c1");
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Agent,
        agent: Some(AgentId::new(agent)),
    });
}

fn offered(w: &World) -> Vec<String> {
    w.actions
        .iter()
        .filter_map(|a| match a {
            Action::Offer { agent, .. } => Some(agent.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_idle_contact_is_forgotten_after_the_retention_and_its_sender_starts_afresh() {
    let mut w = world("3h", "2h");
    w.agent("ana");
    served_by(&mut w, "ana");
    let closed = w.now;
    assert_eq!(
        w.sb.contact(&crm7()).unwrap().forget_at(),
        None,
        "it has a conversation"
    );

    // The conversation is forgotten when the reopen window ends; the
    // contact's retention starts then.
    w.wait(mins(61));
    assert!(w.sb.conversation(&"c1".into()).is_none());
    let forget_at = w.sb.contact(&crm7()).unwrap().forget_at();
    let expected = closed + Duration::from_secs(3600) + Duration::from_secs(3 * 3600);
    assert_eq!(forget_at, Some(expected));
    assert_eq!(w.sb.poll_timeout(), Some(expected));

    w.wait(mins(178));
    assert!(w.sb.contact(&crm7()).is_some(), "kept until its time");
    w.wait(mins(2));
    assert!(w.sb.contact(&crm7()).is_none(), "forgotten");
    let forgotten: Vec<_> = w
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContactForgotten { contact } => Some((contact.clone(), e.at)),
            _ => None,
        })
        .collect();
    assert_eq!(forgotten, [(crm7(), expected)]);
    assert_eq!(w.sb.poll_timeout(), None, "nothing left to do");

    // The same phone writes again: a new contact, no attributes, no
    // preferred agent.
    w.clear();
    w.agent("bea");
    w.give(Input::Inbound(sms("Hello again")));
    let c2 = w.sb.conversation(&"c2".into()).unwrap();
    let contact = w.sb.contact(c2.contact()).unwrap();
    assert_ne!(contact.id(), &crm7());
    assert!(contact.attributes().is_empty());
    assert_eq!(contact.last_agent(), None);
}

#[test]
fn a_contact_who_returns_within_the_retention_keeps_attributes_and_agent() {
    let mut w = world("3h", "30d");
    w.agent("bea");
    served_by(&mut w, "bea");
    // ana signs in; bea serves another customer, so that ana is the one
    // who has been free longest when crm-7 comes back.
    w.wait(mins(1));
    w.agent("ana");
    w.wait(mins(1));
    w.chat("visitor-1", "Do you ship to Norway?");
    w.accept("bea", "c2");
    w.give(Input::Close {
        conversation: ConversationId::new("c2"),
        by: Closer::Agent,
        agent: Some(AgentId::new("bea")),
    });
    w.wait(mins(61));
    assert!(w.sb.conversation(&"c1".into()).is_none(), "c1 forgotten");
    assert!(w.sb.contact(&crm7()).unwrap().forget_at().is_some());

    w.clear();
    w.give(Input::Inbound(sms("It has not arrived")));
    let contact = w.sb.contact(&crm7()).expect("kept");
    assert_eq!(contact.forget_at(), None, "busy again");
    assert_eq!(contact.attributes().get("tier"), Some(&"gold".into()));
    assert_eq!(w.sb.conversation(&"c3".into()).unwrap().contact(), &crm7());
    assert_eq!(offered(&w), ["bea"], "the last agent first");
}

#[test]
fn the_retention_is_never_shorter_than_the_sticky_agent_window() {
    let mut w = world("1h", "5h");
    w.agent("ana");
    served_by(&mut w, "ana");
    let closed = w.now;
    w.wait(mins(61));
    let expected = closed + Duration::from_secs(3600) + Duration::from_secs(5 * 3600);
    assert_eq!(w.sb.contact(&crm7()).unwrap().forget_at(), Some(expected));
}

#[test]
fn a_contact_whose_only_message_was_dropped_is_forgotten_too() {
    let mut w = World::with(
        r#"
[[queues]]
id = "support"

[[rules]]
id = "spam"
when = "text contains 'casino'"
then = { drop = true }

[conversations]
contact_retention = "8d"
"#,
    );
    w.give(Input::Inbound(sms("casino bonus")));
    let id = ContactId::new("u1");
    let at = w.sb.contact(&id).unwrap().forget_at();
    assert_eq!(at, Some(w.now + Duration::from_secs(8 * 24 * 3600)));
    // Another dropped message a day later starts the retention again.
    w.wait(mins(24 * 60));
    w.give(Input::Inbound(sms("casino bonus")));
    let again = w.sb.contact(&id).unwrap().forget_at();
    assert_eq!(again, Some(w.now + Duration::from_secs(8 * 24 * 3600)));
    w.wait(mins(8 * 24 * 60));
    assert!(w.sb.contact(&id).is_none());
}

#[test]
fn an_opt_out_outlives_the_forgotten_contact() {
    let mut w = world("2h", "2h");
    w.agent("ana");
    served_by(&mut w, "ana");
    w.give(Input::Inbound(sms("STOP")));
    w.wait(mins(60 + 121));
    assert!(w.sb.contact(&crm7()).is_none(), "forgotten");

    // A new contact for the same phone, still opted out: the agent cannot
    // write to it.
    w.give(Input::Inbound(sms("where is it?")));
    w.accept("ana", "c2");
    let err = w
        .try_give(Input::AgentMessage {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c2"),
            content: "Here is your tracking link".into(),
        })
        .unwrap_err();
    assert!(matches!(err, InputError::OptedOut(_)), "{err}");
}

#[test]
fn a_forgotten_schedule_survives_a_snapshot() {
    let mut w = world("3h", "2h");
    w.agent("ana");
    served_by(&mut w, "ana");
    w.wait(mins(61));
    let at = w.sb.contact(&crm7()).unwrap().forget_at();
    let snapshot = w.sb.snapshot();
    let mut restored =
        switchboard::engine::Switchboard::restore(w.sb.config().clone(), snapshot).unwrap();
    assert_eq!(restored.contact(&crm7()).unwrap().forget_at(), at);
    assert_eq!(restored.poll_timeout(), at);
    restored.handle_timeout(at.unwrap());
    assert!(restored.contact(&crm7()).is_none());
}

#[test]
fn a_bad_retention_is_refused_with_the_field_named() {
    let err = switchboard::config::Config::from_toml_str(
        "[[queues]]\nid = \"support\"\n\n[conversations]\ncontact_retention = \"0s\"",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("contact_retention"), "{text}");
}
