//! One contact, many channels; consent; limits; retries.

use switchboard::engine::{Action, EventKind, Inbound, Input, InputError};
use switchboard::handoff::{Party, State};
use switchboard::{Address, AgentId, ChannelKind, ContactId, ConversationId};

use crate::World;

fn inbound(channel: ChannelKind, from: &str, text: &str) -> Inbound {
    Inbound::new(channel, Address::new_unchecked(from), text)
}

#[test]
fn a_customer_switching_channel_continues_the_same_conversation() {
    let mut w = World::new();
    w.agent("ana");
    w.give(Input::Inbound(
        inbound(ChannelKind::WebChat, "visitor-9", "I need a human").with_contact_id("crm-42"),
    ));
    w.accept("ana", "c1");
    // Same person, now on SMS; the host knows them as crm-42.
    w.clear();
    w.give(Input::Inbound(
        inbound(ChannelKind::Sms, "+14155550100", "On my phone now").with_contact_id("crm-42"),
    ));
    assert_eq!(w.sb.len(), 1, "no second conversation");
    assert!(w.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::ChannelSwitched {
            from: ChannelKind::WebChat,
            to: ChannelKind::Sms
        }
    )));
    assert!(matches!(
        &w.actions[..],
        [Action::Deliver {
            channel: ChannelKind::Sms,
            ..
        }]
    ));
    w.clear();
    w.give(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Got it — replying by text.".into(),
    });
    let [Action::Send { channel, to, .. }] = &w.actions[..] else {
        panic!("{:?}", w.actions)
    };
    assert_eq!(*channel, ChannelKind::Sms);
    assert_eq!(to.as_str(), "+14155550100");
    let c = w.sb.conversation(&"c1".into()).unwrap();
    assert_eq!(c.channels(), [ChannelKind::WebChat, ChannelKind::Sms]);
    let customer: Vec<(&str, Option<&ChannelKind>)> = c
        .transcript()
        .entries()
        .filter(|e| e.from == Party::Customer)
        .map(|e| (e.text.as_str(), e.channel.as_ref()))
        .collect();
    assert_eq!(
        customer,
        [
            ("I need a human", Some(&ChannelKind::WebChat)),
            ("On my phone now", Some(&ChannelKind::Sms))
        ]
    );
}

#[test]
fn continuing_across_channels_can_be_turned_off() {
    let config = format!("{}\nacross_channels = false\n", crate::CONFIG);
    let mut w = World::with(&config);
    w.give(Input::Inbound(
        inbound(ChannelKind::WebChat, "visitor-9", "hello").with_contact_id("crm-42"),
    ));
    w.give(Input::Inbound(
        inbound(ChannelKind::Sms, "+14155550100", "hello").with_contact_id("crm-42"),
    ));
    assert_eq!(w.sb.len(), 2);
    assert_eq!(
        w.sb.conversation(&"c2".into()).unwrap().contact().as_str(),
        "crm-42"
    );
}

#[test]
fn linking_and_merging_contacts() {
    let mut w = World::new();
    w.say(ChannelKind::WebChat, "visitor-9", "hello");
    w.say(ChannelKind::Sms, "+14155550100", "hello from sms");
    assert_eq!(w.sb.len(), 2);
    let web = w.sb.conversation(&"c1".into()).unwrap().contact().clone();
    let sms = w.sb.conversation(&"c2".into()).unwrap().contact().clone();
    assert_ne!(web, sms);
    w.give(Input::Merge {
        into: web.clone(),
        from: sms.clone(),
    });
    assert!(w.sb.contact(&sms).is_none());
    assert_eq!(w.sb.contact(&web).unwrap().identities().len(), 2);
    assert_eq!(w.sb.conversation(&"c2".into()).unwrap().contact(), &web);
    // Linking a new identity, then a known one, is a no-op the second time.
    let link = Input::Link {
        contact: web.clone(),
        channel: ChannelKind::WhatsApp,
        address: Address::new_unchecked("4915123456789"),
    };
    w.give(link.clone());
    w.give(link);
    assert!(matches!(
        w.events.last().unwrap().kind,
        EventKind::Duplicate { .. }
    ));
    assert!(matches!(
        w.try_give(Input::Merge {
            into: web.clone(),
            from: web.clone()
        }),
        Err(InputError::SameContact(_))
    ));
    assert!(matches!(
        w.try_give(Input::Merge {
            into: web,
            from: ContactId::new("ghost")
        }),
        Err(InputError::UnknownContact(_))
    ));
}

#[test]
fn sms_stop_opts_out_and_nothing_more_is_sent() {
    let mut w = World::new();
    w.agent("ana");
    w.say(ChannelKind::Sms, "+14155550100", "human");
    w.accept("ana", "c1");
    w.say(ChannelKind::Sms, "+14155550100", "STOP");
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::OptedOut { .. }))
    );
    let before = w.snapshot_json();
    let err = w
        .try_give(Input::AgentMessage {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
            content: "hello?".into(),
        })
        .unwrap_err();
    assert!(matches!(err, InputError::OptedOut(_)), "{err}");
    assert_eq!(w.snapshot_json(), before);
}

#[test]
fn a_retried_webhook_is_ignored() {
    let mut w = World::new();
    let m = inbound(ChannelKind::WhatsApp, "4915123456789", "Hallo").with_id("wamid.1");
    w.give(Input::Inbound(m.clone()));
    let asks = w.asks();
    w.give(Input::Inbound(m));
    assert_eq!(w.asks(), asks);
    assert_eq!(
        w.sb.conversation(&"c1".into()).unwrap().transcript().len(),
        1
    );
    assert!(matches!(
        w.events.last().unwrap().kind,
        EventKind::Duplicate { .. }
    ));
}

#[test]
fn oversized_text_is_refused_and_changes_nothing() {
    let config = format!("{}\nmax_text = 100\n", crate::CONFIG);
    let mut w = World::with(&config);
    w.chat("v1", "hello");
    let before = w.snapshot_json();
    let err = w
        .try_give(Input::Inbound(inbound(
            ChannelKind::WebChat,
            "v1",
            &"x".repeat(101),
        )))
        .unwrap_err();
    assert_eq!(err, InputError::TooLong { len: 101, max: 100 });
    assert_eq!(w.snapshot_json(), before);
}

#[test]
fn the_transcript_keeps_the_latest_messages_within_its_limits() {
    let config = format!("{}\ntranscript_messages = 5\n", crate::CONFIG);
    let mut w = World::with(&config);
    for i in 0..8 {
        w.chat("v1", &format!("message {i}"));
    }
    let c = w.sb.conversation(&"c1".into()).unwrap();
    assert_eq!(c.transcript().len(), 5);
    assert_eq!(c.transcript().entries().last().unwrap().text, "message 7");
    assert_eq!(c.transcript().dropped(), 3);
    assert_eq!(c.state(), State::Bot);
}

/// Without an approved template, a reply after WhatsApp's 24-hour window
/// is kept (the host is told), and goes out when the customer writes.
#[test]
fn whatsapp_replies_after_the_24_hour_window_wait_for_the_customer() {
    let config = crate::CONFIG.replace(
        "[conversations]",
        "[conversations]\ninactivity_timeout = \"72h\"",
    );
    let mut w = World::with(&config);
    w.agent("ana");
    w.say(ChannelKind::WhatsApp, "4915123456789", "human please");
    w.accept("ana", "c1");
    w.wait(crate::mins(25 * 60));
    w.clear();
    w.give(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Sorry for the wait".into(),
    });
    assert!(
        matches!(&w.actions[..], [Action::Deferred { channel: ChannelKind::WhatsApp, purpose, .. }] if purpose == "agent_reply"),
        "{:?}",
        w.actions
    );
    assert!(w.sent().is_empty());
    w.clear();
    w.say(ChannelKind::WhatsApp, "4915123456789", "hello?");
    assert_eq!(w.sent(), ["Sorry for the wait"]);
}

#[test]
fn delivery_reports_are_recorded_against_the_right_conversation_and_change_nothing() {
    use switchboard::engine::{Delivery, DeliveryStatus};
    let mut w = World::new();
    w.give(Input::Inbound(inbound(
        ChannelKind::Sms,
        "+14155550100",
        "Where is my order?",
    )));
    let before = w.snapshot_json();
    w.clear();
    // By conversation, as the driver reports a send.
    w.give(Input::Delivery(
        Delivery::new(ChannelKind::Sms, "SM1", DeliveryStatus::Sent).conversation("c1"),
    ));
    // By recipient only, as a provider's status webhook does.
    w.give(Input::Delivery(
        Delivery::new(ChannelKind::Sms, "SM1", DeliveryStatus::Delivered)
            .to(Address::new_unchecked("+14155550100")),
    ));
    // A message sent outside the engine: recorded, no conversation.
    w.give(Input::Delivery(
        Delivery::new(ChannelKind::Sms, "SM9", DeliveryStatus::Failed)
            .to(Address::new_unchecked("+14155550199"))
            .error("30003 unreachable"),
    ));
    let seen: Vec<(Option<&str>, DeliveryStatus)> = w
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Delivery { status, .. } => {
                Some((e.conversation.as_ref().map(|c| c.as_str()), *status))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some("c1"), DeliveryStatus::Sent),
            (Some("c1"), DeliveryStatus::Delivered),
            (None, DeliveryStatus::Failed)
        ]
    );
    assert!(w.actions.is_empty(), "{:?}", w.actions);
    assert_eq!(w.snapshot_json(), before, "reports change no state");
    // An unknown conversation is refused.
    assert!(matches!(
        w.try_give(Input::Delivery(
            Delivery::new(ChannelKind::Sms, "SM2", DeliveryStatus::Read).conversation("c404")
        )),
        Err(InputError::UnknownConversation(_))
    ));
}
