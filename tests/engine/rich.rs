//! Rich content end to end: what customers send reaches the bot and the
//! agent whole; what bots and agents send is rendered for the customer's
//! current channel (native buttons, a numbered list, media as links);
//! reply windows, carrier keywords, typing and reading, canned responses
//! and suggestions sent on.

use std::time::Duration;

use switchboard::channel::{Capabilities, Outbound};
use switchboard::engine::{Action, BotTurn, EventKind, Inbound, Input, InputError};
use switchboard::handoff::{Party, State};
use switchboard::{
    Address, AgentId, Attachment, AttachmentKind, ChannelKind, Choice, Content, ConversationId,
    Link, Location, QuickReply, Suggestion, Value,
};

use crate::{World, mins};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[bots.faq]
timeout = "1m"

[defaults]
bot = "faq"

[[rules]]
id = "maps"
when = "attachments has 'location'"
then = { tags = ["shared-location"] }

[conversations]
inactivity_timeout = "5d"
"#;

fn menu() -> Content {
    Content::text("What can I help with?").with_quick_replies([
        QuickReply::new("Track my order", "track"),
        QuickReply::new("Talk to a person", "human"),
    ])
}

fn message(channel: ChannelKind, from: &str, text: &str) -> Inbound {
    Inbound::new(channel, Address::new_unchecked(from), text)
}

/// The parts sent to the customer since the last clear.
fn parts(w: &World) -> Vec<&Outbound> {
    w.actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { part, .. } => Some(part),
            _ => None,
        })
        .collect()
}

/// The choice the bot was asked with, last.
fn asked_choice(w: &World) -> Option<Choice> {
    w.actions.iter().rev().find_map(|a| match a {
        Action::AskBot(ask) => Some(ask.choice.clone()),
        _ => None,
    })?
}

/// `c1` on `channel` from `from`, its bot having answered with the menu.
fn with_menu(channel: ChannelKind, from: &str) -> World {
    let mut w = World::with(CONFIG);
    w.give(Input::Inbound(message(channel, from, "hi")));
    let turn = w.last_turn();
    w.clear();
    w.bot(BotTurn::new("c1").turn(turn).reply(menu()));
    w
}

#[test]
fn buttons_stay_native_on_web_chat_whatsapp_and_messenger() {
    for (channel, from) in [
        (ChannelKind::WebChat, "visitor-1"),
        (ChannelKind::WhatsApp, "16505551234"),
        (ChannelKind::Messenger, "1254459154682919"),
    ] {
        let w = with_menu(channel.clone(), from);
        let sent = parts(&w);
        assert!(
            matches!(sent[..], [Outbound::Text { text, quick_replies }] if text == "What can I help with?" && quick_replies.len() == 2),
            "{channel}: {sent:?}"
        );
    }
}

#[test]
fn on_sms_buttons_become_a_numbered_list_and_the_number_comes_back_as_the_choice() {
    let mut w = with_menu(ChannelKind::Sms, "+14155550100");
    assert_eq!(
        w.sent(),
        ["What can I help with?\n\n1. Track my order\n2. Talk to a person"]
    );
    w.clear();
    w.say(ChannelKind::Sms, "+14155550100", " 2 ");
    assert_eq!(
        asked_choice(&w),
        Some(Choice::new("human").with_title("Talk to a person"))
    );
    // The transcript keeps what the customer chose, for the agent.
    let c = w.sb.conversation(&ConversationId::new("c1")).unwrap();
    let last = c.transcript().entries().last().unwrap();
    assert_eq!(last.text, " 2 ");
    assert_eq!(
        last.choice.as_ref().map(|c| c.payload.as_str()),
        Some("human")
    );
    // The menu answered, a later "1" is only text.
    let turn = w.last_turn();
    w.bot(BotTurn::new("c1").turn(turn).reply("Sure."));
    w.clear();
    w.say(ChannelKind::Sms, "+14155550100", "1");
    assert_eq!(asked_choice(&w), None);
}

#[test]
fn a_title_typed_back_is_the_choice_on_any_channel() {
    let mut w = with_menu(ChannelKind::WebChat, "visitor-1");
    w.clear();
    w.chat("visitor-1", "track my order");
    assert_eq!(
        asked_choice(&w).map(|c| c.payload),
        Some("track".to_owned())
    );
    // With native buttons a number is just a number.
    let mut w = with_menu(ChannelKind::WebChat, "visitor-1");
    w.clear();
    w.chat("visitor-1", "2");
    assert_eq!(asked_choice(&w), None);
}

#[test]
fn a_tapped_button_reaches_the_bot_with_its_payload() {
    let mut w = with_menu(ChannelKind::WhatsApp, "16505551234");
    w.clear();
    w.give(Input::Inbound(
        message(ChannelKind::WhatsApp, "16505551234", "Track my order")
            .with_choice(Choice::new("track").with_title("Track my order")),
    ));
    assert_eq!(
        asked_choice(&w),
        Some(Choice::new("track").with_title("Track my order"))
    );
}

#[test]
fn a_shared_location_reaches_rules_the_transcript_and_the_agent() {
    let mut w = World::with(CONFIG);
    ana(&mut w);
    w.give(Input::Inbound(
        message(ChannelKind::Messenger, "1254459154682919", "I am here")
            .with_location(Location::new(52.52, 13.405).with_label("Alexanderplatz")),
    ));
    let c = w.sb.conversation(&ConversationId::new("c1")).unwrap();
    assert_eq!(c.tags(), ["shared-location"]);
    let entry = c.transcript().entries().next().unwrap();
    assert_eq!(entry.attachments[0].kind, AttachmentKind::Location);
    assert_eq!(entry.attachments[0].url, "geo:52.52,13.405");
    // An agent who takes the conversation gets it in the handoff.
    w.say(ChannelKind::Messenger, "1254459154682919", "human please");
    w.accept("ana", "c1");
    let context = w.sb.handoff_context(&ConversationId::new("c1")).unwrap();
    assert!(
        context.transcript[0].attachments[0].url.starts_with("geo:"),
        "{context:?}"
    );
    // A location off the map is refused.
    let err = w
        .try_give(Input::Inbound(
            message(ChannelKind::Messenger, "1254459154682919", "?")
                .with_location(Location::new(95.0, 0.0)),
        ))
        .unwrap_err();
    assert!(matches!(err, InputError::Location { .. }), "{err}");
}

/// ana, available on every channel these tests use.
fn ana(w: &mut World) {
    w.give(Input::AgentUpsert(
        switchboard::assign::AgentProfile::new("ana").with_capacity(
            switchboard::assign::Capacity::new([
                (ChannelKind::WebChat, 3),
                (ChannelKind::Sms, 3),
                (ChannelKind::WhatsApp, 3),
                (ChannelKind::Messenger, 3),
            ]),
        ),
    ));
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: switchboard::assign::Presence::Available,
    });
}

/// `c1` on `channel`, with ana.
fn with_agent(config: &str, channel: ChannelKind, from: &str) -> World {
    let mut w = World::with(config);
    ana(&mut w);
    w.say(channel, from, "human please");
    w.accept("ana", "c1");
    assert_eq!(w.state("c1"), State::WithAgent);
    w.clear();
    w
}

fn from_ana(content: Content) -> Input {
    Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content,
    }
}

#[test]
fn media_and_links_are_native_where_the_channel_has_them_and_links_elsewhere() {
    let photo = Content::text("Here is the label.")
        .with_attachment(
            Attachment::new(AttachmentKind::Image, "https://cdn.example.com/label.png")
                .with_mime_type("image/png"),
        )
        .with_link(Link::new("https://track.example.com/1042").with_title("Tracking"));
    let mut w = with_agent(CONFIG, ChannelKind::WebChat, "visitor-1");
    w.give(from_ana(photo.clone()));
    let sent = parts(&w);
    assert!(
        matches!(sent[0], Outbound::Text { text, .. } if text == "Here is the label.\n\nTracking: https://track.example.com/1042"),
        "{sent:?}"
    );
    assert!(
        matches!(sent[1], Outbound::Attachment { attachment } if attachment.url.ends_with("label.png"))
    );
    // SMS has no media: the image goes as a link in the text.
    let mut w = with_agent(CONFIG, ChannelKind::Sms, "+14155550100");
    w.give(from_ana(photo));
    let sent = w.sent();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("https://cdn.example.com/label.png"),
        "{sent:?}"
    );
    assert!(sent[0].contains("Tracking: https://track.example.com/1042"));
}

#[test]
fn what_the_host_registered_for_a_channel_is_what_it_renders_for() {
    let mut w = with_agent(CONFIG, ChannelKind::Sms, "+14155550100");
    // One segment a message at most: a long reply is split in two.
    w.sb.set_capabilities(ChannelKind::Sms, Capabilities::sms().with_max_segments(1));
    w.give(from_ana(Content::text(
        "word ".repeat(40).trim().to_owned(),
    )));
    assert_eq!(w.sent().len(), 2);
    // And the registration survives a snapshot.
    let snap = w.sb.snapshot();
    let restored = switchboard::Switchboard::restore(w.sb.config().clone(), snap).unwrap();
    assert_eq!(
        restored.capabilities(&ChannelKind::Sms),
        Capabilities::sms().with_max_segments(1)
    );
}

const TEMPLATES: &str = r#"
[templates.agent_reply]
en = { name = "support_follow_up", language = "en_US", parameters = ["{agent}", "{text}"] }
"*" = { name = "support_follow_up", language = "en", parameters = ["{agent}", "{text}"] }
"#;

/// A WhatsApp customer writes on Friday evening; the agent answers on
/// Monday morning, after the 24-hour window closed: the answer goes out
/// as the approved template, and when the customer replies the
/// conversation carries on freely.
#[test]
fn a_friday_evening_whatsapp_message_is_answered_on_monday_with_the_template() {
    let config = format!("{CONFIG}{TEMPLATES}");
    let mut w = World::with(&config);
    // Friday 2026-11-27 19:00 UTC.
    w.now = switchboard::Timestamp::from_millis(crate::MONDAY_10 + 4 * 86_400_000 + 9 * 3_600_000);
    w.give(Input::Inbound(
        message(
            ChannelKind::WhatsApp,
            "4915123456789",
            "My parcel never arrived, I want a person",
        )
        .with_lang("en"),
    ));
    assert_eq!(w.state("c1"), State::Queued);
    // Monday 09:00: ana signs in and takes it.
    w.now = w.now + Duration::from_secs(62 * 3600);
    w.sb.handle_timeout(w.now);
    w.agent("ana");
    w.accept("ana", "c1");
    w.clear();
    w.give(from_ana(Content::text(
        "So sorry, I am sending a new one today.",
    )));
    let sent = parts(&w);
    let [Outbound::Template { template }] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(template.name, "support_follow_up");
    assert_eq!(template.language, "en_US");
    assert_eq!(
        template.parameters,
        ["ana", "So sorry, I am sending a new one today."]
    );
    // The customer answers: the window is open again, replies are free.
    w.clear();
    w.say(ChannelKind::WhatsApp, "4915123456789", "Thank you!");
    w.give(from_ana(Content::text("You're welcome.")));
    assert_eq!(w.sent(), ["You're welcome."]);
    assert_eq!(w.state("c1"), State::WithAgent);
}

/// Without a template for notices, what the engine says after the window
/// is kept too, and nothing is lost.
#[test]
fn a_notice_after_the_window_is_kept_until_the_customer_writes() {
    let mut w = with_agent(CONFIG, ChannelKind::WhatsApp, "4915123456789");
    w.wait(Duration::from_secs(25 * 3600));
    w.clear();
    w.give(Input::Transfer(switchboard::engine::Transfer::to_queue(
        "c1", "support",
    )));
    assert!(w.sent().is_empty());
    assert!(
        w.actions.iter().any(|a| matches!(a, Action::Deferred { from: Party::System, purpose, .. } if purpose == "notice")),
        "{:?}",
        w.actions
    );
    w.clear();
    w.say(ChannelKind::WhatsApp, "4915123456789", "ok");
    assert_eq!(
        w.sent(),
        [switchboard::handoff::default_template("transfer").unwrap()]
    );
    let _ = mins(0);
}

#[test]
fn sms_keywords_get_the_replies_carriers_require() {
    let mut w = World::with(CONFIG);
    let me = "+14155550100";
    w.say(ChannelKind::Sms, me, "HELP");
    assert_eq!(
        w.sent(),
        [switchboard::handoff::default_template("sms_help").unwrap()]
    );
    assert!(
        w.sb.conversation(&ConversationId::new("c1")).is_none(),
        "HELP reaches no bot"
    );
    w.clear();
    w.say(ChannelKind::Sms, me, "STOP");
    assert_eq!(
        w.sent(),
        [switchboard::handoff::default_template("sms_stop").unwrap()]
    );
    assert!(
        matches!(
            &w.actions[0],
            Action::Send {
                conversation: None,
                ..
            }
        ),
        "a keyword reply belongs to no conversation"
    );
    // A second STOP, and HELP while opted out, get no reply.
    w.clear();
    w.say(ChannelKind::Sms, me, "stop");
    w.say(ChannelKind::Sms, me, "help");
    assert!(w.sent().is_empty());
    w.say(ChannelKind::Sms, me, "START");
    assert_eq!(
        w.sent(),
        [switchboard::handoff::default_template("sms_start").unwrap()]
    );
    // The texts are configurable.
    let config = format!(
        "{CONFIG}\n[templates]\nsms_help = \"Reply STOP to opt out. Call 555-0100 for help.\"\n"
    );
    let mut w = World::with(&config);
    w.say(ChannelKind::Sms, me, "info");
    assert_eq!(w.sent(), ["Reply STOP to opt out. Call 555-0100 for help."]);
}

#[test]
fn typing_shows_where_the_channel_can_and_the_customers_reaches_the_agent() {
    for (channel, from, shown) in [
        (ChannelKind::WebChat, "visitor-1", true),
        (ChannelKind::Messenger, "1254459154682919", true),
        (ChannelKind::Sms, "+14155550100", false),
    ] {
        let mut w = with_agent(CONFIG, channel.clone(), from);
        w.give(Input::AgentTyping {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
        });
        let typing = w.actions.iter().any(|a| matches!(a, Action::Typing { .. }));
        assert_eq!(typing, shown, "{channel}");
        w.give(Input::CustomerTyping {
            channel: channel.clone(),
            from: Address::new_unchecked(from),
        });
        let e = w
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Typing { .. }))
            .unwrap();
        assert_eq!(e.agent.as_ref().map(|a| a.as_str()), Some("ana"));
    }
    // Only the agent who has it shows typing.
    let mut w = with_agent(CONFIG, ChannelKind::WebChat, "visitor-1");
    w.agent("bea");
    assert!(
        w.try_give(Input::AgentTyping {
            agent: AgentId::new("bea"),
            conversation: ConversationId::new("c1"),
        })
        .is_err()
    );
}

#[test]
fn a_read_receipt_reaches_the_agent_who_has_the_conversation() {
    let mut w = with_agent(CONFIG, ChannelKind::Messenger, "1254459154682919");
    w.give(Input::Delivery(
        switchboard::engine::Delivery::to_recipient(
            ChannelKind::Messenger,
            Address::new_unchecked("1254459154682919"),
            switchboard::engine::DeliveryStatus::Read,
        ),
    ));
    let e = w
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Delivery { .. }))
        .unwrap();
    assert_eq!(e.agent.as_ref().map(|a| a.as_str()), Some("ana"));
    assert_eq!(e.conversation.as_ref().map(|c| c.as_str()), Some("c1"));
}

const CANNED: &str = r#"
[contact_attributes]
name = "text"

[canned.refund_status]
shortcut = "/refund"
text.en = "Hi {contact.name}, your refund is on its way. {agent} from {queue}"
text.de = "Hallo {contact.name}, Ihre Erstattung ist unterwegs. {agent} aus {queue}"
"#;

#[test]
fn canned_responses_fill_their_variables_in_the_conversations_language() {
    let config = format!("{CONFIG}{CANNED}");
    for (lang, expected) in [
        (
            "en",
            "Hi Maria, your refund is on its way. ana from support",
        ),
        (
            "de",
            "Hallo Maria, Ihre Erstattung ist unterwegs. ana aus support",
        ),
        (
            "de-AT",
            "Hallo Maria, Ihre Erstattung ist unterwegs. ana aus support",
        ),
    ] {
        let mut w = World::with(&config);
        w.agent("ana");
        let mut contact = switchboard::Attributes::new();
        contact.insert("name".into(), Value::from("Maria"));
        w.give(Input::Inbound(
            message(ChannelKind::WebChat, "visitor-1", "human please")
                .with_lang(lang)
                .with_contact(contact),
        ));
        w.accept("ana", "c1");
        w.clear();
        w.give(Input::Canned {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
            canned: "/refund".into(),
        });
        assert_eq!(w.sent(), [expected], "{lang}");
    }
    // Without the contact's name, the agent is told rather than sending a gap.
    let mut w = with_agent(&config, ChannelKind::WebChat, "visitor-9");
    let err = w
        .try_give(Input::Canned {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
            canned: "refund_status".into(),
        })
        .unwrap_err();
    assert!(
        matches!(err, InputError::CannedVariable { ref variable, .. } if variable == "contact.name"),
        "{err}"
    );
    assert!(w.sent().is_empty());
}

#[test]
fn an_agent_sends_on_the_article_the_bot_suggested() {
    let mut w = World::with(CONFIG);
    w.agent("ana");
    w.chat("visitor-1", "where is my parcel");
    let turn = w.last_turn();
    w.bot(
        BotTurn::new("c1")
            .turn(turn)
            .fallback()
            .suggest([Suggestion::new("Where is my order?")
                .with_text("Orders ship within 2 days.")
                .with_url("https://help.example.com/orders")]),
    );
    w.chat("visitor-1", "human please");
    w.accept("ana", "c1");
    w.clear();
    w.give(Input::SendSuggestion {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        index: 0,
    });
    assert_eq!(
        w.sent(),
        ["Orders ship within 2 days.\n\nWhere is my order?: https://help.example.com/orders"]
    );
    let err = w
        .try_give(Input::SendSuggestion {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
            index: 3,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "conversation `c1` has 1 suggestions; there is none at 3"
    );
}

#[test]
fn a_quoted_message_reaches_the_agent_and_the_transcript() {
    let mut w = with_agent(CONFIG, ChannelKind::WhatsApp, "4915112345678");
    let quoting = message(ChannelKind::WhatsApp, "4915112345678", "this one is broken")
        .replying_to("wamid.ORDER-1042");
    w.give(Input::Inbound(quoting));
    let delivered: Vec<Option<&str>> = w
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Deliver { reply_to, .. } => Some(reply_to.as_deref()),
            _ => None,
        })
        .collect();
    assert_eq!(delivered, [Some("wamid.ORDER-1042")]);
    let c = w.sb.conversation(&ConversationId::new("c1")).unwrap();
    let last = c.transcript().entries().next_back().unwrap();
    assert_eq!(
        last.reply_to.as_deref().map(String::as_str),
        Some("wamid.ORDER-1042")
    );
    // A message that quotes nothing carries no quote.
    w.clear()
        .say(ChannelKind::WhatsApp, "4915112345678", "thanks");
    assert!(matches!(
        &w.actions[..],
        [Action::Deliver { reply_to: None, .. }]
    ));
}
