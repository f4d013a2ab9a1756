//! The outbound half: each action against the request body Meta documents
//! for it, each limit, and the engine's own parts through the adapter.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::channel::{Capabilities, Outbound, WindowState, render};
use switchboard::engine::{Action, BotTurn, Inbound, Input, Switchboard};
use switchboard::handoff::{Party, Reason};
use switchboard::{
    Address, AgentId, Attachment, AttachmentKind, ChannelKind, Choice, Config, Content,
    ConversationId, Location, QueueId, QuickReply, TemplateRef,
};

use super::{NOW, PSID, engine, one_inbound, page};
use crate::error::SendError;
use crate::outbound::request;

/// A send of `part` to the samples' customer on `channel`.
fn send_on(channel: ChannelKind, part: Outbound) -> Action {
    Action::Send {
        conversation: Some(ConversationId::new("c1")),
        channel,
        to: Address::new_unchecked(PSID),
        from: Party::Bot { bot: "faq".into() },
        part,
    }
}

/// The request body for `part` sent on Messenger.
fn body(part: Outbound) -> Result<Value, SendError> {
    request(&send_on(ChannelKind::Messenger, part)).map(|b| b.expect("a send makes a request"))
}

fn text(text: &str, replies: &[(&str, &str)]) -> Outbound {
    Outbound::Text {
        text: text.to_owned(),
        quick_replies: replies
            .iter()
            .map(|(title, payload)| QuickReply::new(*title, *payload))
            .collect(),
    }
}

fn attachment(a: Attachment) -> Outbound {
    Outbound::Attachment { attachment: a }
}

#[test]
fn a_text_is_a_response_with_message_text() {
    assert_eq!(
        body(Outbound::text("Your order shipped.")).unwrap(),
        json!({
            "recipient": {"id": "1254459154682919"},
            "messaging_type": "RESPONSE",
            "message": {"text": "Your order shipped."}
        })
    );
}

#[test]
fn quick_replies_are_native_text_quick_replies() {
    let part = text(
        "What can I help with?",
        &[("Track my order", "track"), ("Talk to a person", "human")],
    );
    assert_eq!(
        body(part).unwrap(),
        json!({
            "recipient": {"id": "1254459154682919"},
            "messaging_type": "RESPONSE",
            "message": {
                "text": "What can I help with?",
                "quick_replies": [
                    {"content_type": "text", "title": "Track my order", "payload": "track"},
                    {"content_type": "text", "title": "Talk to a person", "payload": "human"}
                ]
            }
        })
    );
}

#[test]
fn media_are_attachments_meta_fetches_by_url() {
    for (kind, name) in [
        (AttachmentKind::Image, "image"),
        (AttachmentKind::Video, "video"),
        (AttachmentKind::Audio, "audio"),
        (AttachmentKind::File, "file"),
    ] {
        let a = Attachment::new(kind, "https://example.com/receipt.pdf")
            .with_mime_type("application/pdf")
            .with_size(25 * 1024 * 1024);
        assert_eq!(
            body(attachment(a)).unwrap(),
            json!({
                "recipient": {"id": "1254459154682919"},
                "messaging_type": "RESPONSE",
                "message": {"attachment": {
                    "type": name,
                    "payload": {"url": "https://example.com/receipt.pdf", "is_reusable": false}
                }}
            }),
            "{name}"
        );
    }
}

#[test]
fn a_template_is_a_utility_message_with_positional_body_parameters() {
    let t = TemplateRef::new("support_follow_up", "en_US")
        .with_parameters(["Ana", "A new one is on its way."]);
    assert_eq!(
        body(Outbound::Template { template: t }).unwrap(),
        json!({
            "recipient": {"id": "1254459154682919"},
            "messaging_type": "UTILITY",
            "message": {"template": {
                "name": "support_follow_up",
                "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": [
                    {"type": "text", "text": "Ana"},
                    {"type": "text", "text": "A new one is on its way."}
                ]}]
            }}
        })
    );
    let bare = TemplateRef::new("we_are_back", "en");
    assert_eq!(
        body(Outbound::Template { template: bare }).unwrap()["message"],
        json!({"template": {"name": "we_are_back", "language": {"code": "en"}, "components": []}})
    );
    for (t, field) in [
        (TemplateRef::new(" ", "en"), "name"),
        (TemplateRef::new("we_are_back", ""), "language"),
    ] {
        assert_eq!(
            body(Outbound::Template { template: t }),
            Err(SendError::TemplateEmpty { field })
        );
    }
}

#[test]
fn typing_is_the_typing_on_sender_action_and_other_actions_send_nothing() {
    let typing = Action::Typing {
        conversation: ConversationId::new("c1"),
        channel: ChannelKind::Messenger,
        to: Address::new_unchecked(PSID),
    };
    assert_eq!(
        request(&typing).unwrap(),
        Some(json!({"recipient": {"id": "1254459154682919"}, "sender_action": "typing_on"}))
    );
    let others = [
        Action::Assigned {
            conversation: ConversationId::new("c1"),
            agent: AgentId::new("ana"),
            queue: QueueId::new("support"),
        },
        Action::Deferred {
            conversation: ConversationId::new("c1"),
            channel: ChannelKind::Messenger,
            from: Party::System,
            purpose: "notice".into(),
        },
        Action::Closed {
            conversation: ConversationId::new("c1"),
            reason: Reason::Resolved,
        },
    ];
    for action in others {
        assert_eq!(request(&action), Ok(None), "{action:?}");
    }
}

/// Messenger cannot send a pin: the channel layer sends a map link
/// instead, which goes out as text; a pin that still arrives is refused.
#[test]
fn a_location_is_a_map_link_from_the_engine_and_an_error_here() {
    let place = Location::new(52.52, 13.405).with_label("Berlin store");
    let parts = render(
        &Content::default().with_location(place.clone()),
        &Capabilities::messenger(),
        WindowState::Open,
    )
    .unwrap();
    let [part] = parts.as_slice() else {
        panic!("{parts:?}")
    };
    assert_eq!(
        body(part.clone()).unwrap()["message"],
        json!({"text": "Berlin store\nhttps://www.google.com/maps/search/?api=1&query=52.52,13.405"})
    );
    let e = body(Outbound::Location { location: place }).unwrap_err();
    assert_eq!(
        e,
        SendError::Location {
            lat: 52.52,
            lon: 13.405
        }
    );
    assert_eq!(
        e.to_string(),
        "Messenger cannot send a location (52.52, 13.405); render the content with \
         Capabilities::messenger(), which sends a map link instead"
    );
}

#[test]
fn text_over_2000_utf16_units_is_refused_not_shortened() {
    assert!(body(Outbound::text("x".repeat(2_000))).is_ok());
    // 1,000 thumbs are 2,000 UTF-16 units; one more is 2,002.
    assert!(body(Outbound::text("👍".repeat(1_000))).is_ok());
    let e = body(Outbound::text("👍".repeat(1_001))).unwrap_err();
    assert_eq!(
        e,
        SendError::TextTooLong {
            len: 2_002,
            max: 2_000
        }
    );
    assert_eq!(
        e.to_string(),
        "the text is 2002 UTF-16 code units; Messenger takes at most 2000 per message \
         (render it with Capabilities::messenger(), which splits it)"
    );
    assert_eq!(body(Outbound::text(" \n")), Err(SendError::EmptyText));
}

#[test]
fn quick_reply_limits_are_refused_naming_the_reply_and_the_value() {
    let options = |n: usize| Outbound::Text {
        text: "Pick one".into(),
        quick_replies: (1..=n)
            .map(|i| QuickReply::new(format!("Option {i}"), format!("o{i}")))
            .collect(),
    };
    assert!(body(options(13)).is_ok());
    assert_eq!(
        body(options(14)),
        Err(SendError::TooManyQuickReplies { count: 14, max: 13 })
    );

    let twenty = "é".repeat(20);
    assert!(body(text("Pick one", &[(&twenty, "a")])).is_ok());
    let long = "Talk to a person now";
    let e = body(text(
        "Pick one",
        &[("Yes", "y"), ("Talk to a person now!", "human")],
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "quick reply 1's title `Talk to a person now!` is 21 characters; Messenger shows at most 20: shorten it"
    );
    assert!(body(text("Pick one", &[(long, "human")])).is_ok());

    let payload = "p".repeat(1_000);
    assert!(body(text("Pick one", &[("Yes", &payload)])).is_ok());
    let payload = "p".repeat(1_001);
    assert_eq!(
        body(text(
            "Pick one",
            &[("Yes", "y"), ("No", "n"), ("Maybe", &payload)]
        )),
        Err(SendError::QuickReplyPayload {
            index: 2,
            len: 1_001,
            max: 1_000
        })
    );
    assert_eq!(
        body(text("Pick one", &[(" ", "y")])),
        Err(SendError::QuickReplyEmpty {
            index: 0,
            field: "title"
        })
    );
    assert_eq!(
        body(text("Pick one", &[("Yes", "")])),
        Err(SendError::QuickReplyEmpty {
            index: 0,
            field: "payload"
        })
    );
}

#[test]
fn attachments_messenger_cannot_carry_are_refused() {
    let url = "https://example.com/v.mp4";
    let e = body(attachment(
        Attachment::new(AttachmentKind::Video, url).with_size(25 * 1024 * 1024 + 1),
    ))
    .unwrap_err();
    assert_eq!(
        e,
        SendError::AttachmentTooLarge {
            size: 26_214_401,
            max: 26_214_400
        }
    );
    assert_eq!(
        e.to_string(),
        "the attachment is 26214401 bytes; Messenger takes at most 26214400 (send a link to it instead)"
    );
    assert_eq!(
        body(attachment(
            Attachment::new(AttachmentKind::Image, url).with_caption("Your receipt")
        )),
        Err(SendError::Caption {
            caption: "Your receipt".into()
        })
    );
    assert_eq!(
        body(attachment(Attachment::location(52.52, 13.405, None))),
        Err(SendError::AttachmentKind {
            kind: "location".into()
        })
    );
    for bad in ["ftp://example.com/a.png", "/files/a.png", ""] {
        assert_eq!(
            body(attachment(Attachment::new(AttachmentKind::Image, bad))),
            Err(SendError::AttachmentUrl { url: bad.into() })
        );
    }
}

#[test]
fn a_send_on_another_channel_is_refused() {
    for action in [
        send_on(ChannelKind::WhatsApp, Outbound::text("hi")),
        Action::Typing {
            conversation: ConversationId::new("c1"),
            channel: ChannelKind::WebChat,
            to: Address::new_unchecked("visitor-1"),
        },
    ] {
        let e = request(&action).unwrap_err();
        assert!(matches!(e, SendError::WrongChannel { .. }), "{e}");
    }
    assert_eq!(
        request(&send_on(ChannelKind::WhatsApp, Outbound::text("hi")))
            .unwrap_err()
            .to_string(),
        "the action is for whatsapp, not Messenger; hand it to that channel's adapter"
    );
}

/// The customer writes, the bot answers with a menu: the engine renders it
/// for Messenger with native quick replies, the adapter makes a valid
/// request of it, and the tap Meta posts back reaches the bot as the
/// choice.
#[test]
fn a_menu_goes_out_native_and_the_tap_comes_back_as_the_choice() {
    let mut sb = engine();
    let hi = page(&format!(
        r#"{{"sender": {{"id": "{PSID}"}}, "timestamp": 1795428000000, "message": {{"mid": "m_1", "text": "hi"}}}}"#
    ));
    sb.handle(NOW, Input::Inbound(one_inbound(&hi))).unwrap();
    let Some(Action::AskBot(ask)) = sb.poll_action() else {
        panic!("the bot is not asked")
    };
    let menu = Content::text("What can I help with?").with_quick_replies([
        QuickReply::new("Track my order", "track"),
        QuickReply::new("Talk to a person", "human"),
    ]);
    let turn = BotTurn::new(ask.conversation.clone())
        .turn(ask.turn)
        .reply(menu);
    sb.handle(NOW, Input::BotTurn(turn)).unwrap();
    let sent: Vec<Value> = std::iter::from_fn(|| sb.poll_action())
        .filter_map(|a| request(&a).unwrap())
        .collect();
    assert_eq!(
        sent,
        [json!({
            "recipient": {"id": "1254459154682919"},
            "messaging_type": "RESPONSE",
            "message": {
                "text": "What can I help with?",
                "quick_replies": [
                    {"content_type": "text", "title": "Track my order", "payload": "track"},
                    {"content_type": "text", "title": "Talk to a person", "payload": "human"}
                ]
            }
        })]
    );

    // Messenger posts the tapped quick reply's title as the text, and its payload.
    let reply = &sent[0]["message"]["quick_replies"][0];
    let tap = page(&format!(
        r#"{{"sender": {{"id": "{PSID}"}}, "timestamp": 1795428030000,
            "message": {{"mid": "m_2", "text": {}, "quick_reply": {{"payload": {}}}}}}}"#,
        reply["title"], reply["payload"]
    ));
    sb.handle(NOW, Input::Inbound(one_inbound(&tap))).unwrap();
    let Some(Action::AskBot(ask)) = sb.poll_action() else {
        panic!("the bot is not asked about the tap")
    };
    assert_eq!(
        ask.choice,
        Some(Choice::new("track").with_title("Track my order"))
    );
    assert_eq!(ask.text, "Track my order");
}

/// Choices Messenger cannot show natively (too many, titles too long) are
/// rendered by the engine as a numbered list, which the adapter sends as
/// plain text.
#[test]
fn a_menu_messenger_cannot_show_goes_out_as_a_numbered_list() {
    let content = Content::text("Pick a topic").with_quick_replies([
        QuickReply::new("Orders", "orders"),
        QuickReply::new("Returns, refunds and exchanges", "returns"),
    ]);
    let parts = render(&content, &Capabilities::messenger(), WindowState::Open).unwrap();
    let bodies: Vec<Value> = parts.into_iter().map(|p| body(p).unwrap()).collect();
    assert_eq!(
        bodies,
        [json!({
            "recipient": {"id": "1254459154682919"},
            "messaging_type": "RESPONSE",
            "message": {"text": "Pick a topic\n\n1. Orders\n2. Returns, refunds and exchanges"}
        })]
    );
}

/// An agent answers 25 hours after the customer wrote: the engine sends the
/// approved `agent_reply` template, which goes out as a utility message.
#[test]
fn after_the_window_an_agent_reply_goes_out_as_a_utility_message() {
    let config = format!(
        "{}\n[conversations]\ninactivity_timeout = \"5d\"\n\n[templates.agent_reply]\n\
         \"*\" = {{ name = \"support_follow_up\", language = \"en_US\", parameters = [\"{{agent}}\", \"{{text}}\"] }}\n",
        crate::CONFIG
    );
    let mut sb = Switchboard::new(Config::from_toml_str(&config).unwrap());
    let ana = AgentId::new("ana");
    let profile =
        AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::Messenger, 3)]));
    sb.handle(NOW, Input::AgentUpsert(profile)).unwrap();
    sb.handle(
        NOW,
        Input::AgentStatus {
            agent: ana.clone(),
            status: Presence::Available,
        },
    )
    .unwrap();
    let from = Address::new(&ChannelKind::Messenger, PSID).unwrap();
    let ask_for_a_person = Inbound::new(ChannelKind::Messenger, from, "I want to talk to a human");
    sb.handle(NOW, Input::Inbound(ask_for_a_person)).unwrap();
    // The conversation is the one the engine offered to ana.
    let conversation = std::iter::from_fn(|| sb.poll_action())
        .find_map(|a| match a {
            Action::Offer { conversation, .. } => Some(conversation),
            _ => None,
        })
        .expect("the conversation is offered to ana");
    sb.handle(
        NOW,
        Input::AgentAccept {
            agent: ana.clone(),
            conversation: conversation.clone(),
        },
    )
    .unwrap();
    while sb.poll_output().is_some() {}

    let later = NOW + Duration::from_secs(25 * 3600);
    while let Some(at) = sb.poll_timeout().filter(|at| *at <= later) {
        sb.handle_timeout(at);
    }
    while sb.poll_output().is_some() {}
    let reply = Input::AgentMessage {
        agent: ana,
        conversation,
        content: "A new one is on its way.".into(),
    };
    sb.handle(later, reply).unwrap();
    let sent: Vec<Value> = std::iter::from_fn(|| sb.poll_action())
        .filter_map(|a| request(&a).unwrap())
        .collect();
    assert_eq!(
        sent,
        [json!({
            "recipient": {"id": "1254459154682919"},
            "messaging_type": "UTILITY",
            "message": {"template": {
                "name": "support_follow_up",
                "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": [
                    {"type": "text", "text": "ana"},
                    {"type": "text", "text": "A new one is on its way."}
                ]}]
            }}
        })]
    );
}

/// Every action the engine takes on the samples either sends nothing or
/// makes a request the adapter accepts.
#[test]
fn every_action_on_the_samples_is_sendable() {
    let mut sb = engine();
    for (name, body) in crate::SAMPLES {
        for input in crate::inbound::parse(body.as_bytes()).unwrap() {
            sb.handle(NOW, input).unwrap();
            while let Some(action) = sb.poll_action() {
                request(&action).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }
}
