//! Through the engine: what the adapter parses reaches the bot whole, and
//! what the engine sends is a request Twilio takes; buttons on SMS go out
//! as a numbered list and a "2" comes back as the button chosen.

use std::time::Duration;

use switchboard::bot::BotRequest;
use switchboard::channel::Outbound;
use switchboard::config::Config;
use switchboard::engine::{Action, BotTurn, Input, Switchboard};
use switchboard::{ChannelKind, Choice, Content, QuickReply, Timestamp};

use super::{one, whatsapp};
use crate::error::SendError;
use crate::outbound::{MessageRequest, capabilities};
use crate::{CONFIG, parse};

/// An engine for [`CONFIG`] and the clock of the samples.
fn new_engine() -> (Switchboard, Timestamp) {
    let engine = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    (engine, Timestamp::from_millis(1_795_428_000_000))
}

/// Parses `body` and hands its inputs to `engine`, returning the actions
/// that follow.
fn webhook(engine: &mut Switchboard, now: Timestamp, body: &str) -> Vec<Action> {
    for input in parse(body.as_bytes()).unwrap() {
        engine.handle(now, input).unwrap();
    }
    std::iter::from_fn(|| engine.poll_action()).collect()
}

/// The one bot question among `actions`.
fn asked(actions: &[Action]) -> &BotRequest {
    match actions
        .iter()
        .filter_map(|a| match a {
            Action::AskBot(ask) => Some(&**ask),
            _ => None,
        })
        .collect::<Vec<_>>()
        .as_slice()
    {
        [ask] => ask,
        other => panic!("{other:?} in {actions:?}"),
    }
}

/// The menu the bot answers with.
fn menu() -> Content {
    Content::text("What can I help with?").with_quick_replies([
        QuickReply::new("Track my order", "track"),
        QuickReply::new("Talk to a person", "human"),
    ])
}

/// The bot answers `ask` with `reply`; the actions that follow.
fn answer(
    engine: &mut Switchboard,
    now: Timestamp,
    ask: &BotRequest,
    reply: Content,
) -> Vec<Action> {
    engine
        .handle(
            now,
            Input::BotTurn(
                BotTurn::new(ask.conversation.clone())
                    .turn(ask.turn)
                    .reply(reply),
            ),
        )
        .unwrap();
    std::iter::from_fn(|| engine.poll_action()).collect()
}

/// The requests to Twilio for the `Send`s among `actions`.
fn requests(actions: &[Action]) -> Vec<Result<MessageRequest, SendError>> {
    let twilio = crate::twilio().unwrap();
    actions
        .iter()
        .filter(|a| matches!(a, Action::Send { .. }))
        .map(|a| twilio.message(a).map(|r| r.expect("a Send is a request")))
        .collect()
}

#[test]
fn an_sms_answer_to_the_numbered_list_comes_back_as_the_button_chosen() {
    let (mut engine, now) = new_engine();
    let first = webhook(
        &mut engine,
        now,
        "MessageSid=SM10&From=%2B14155550100&To=%2B15005550006&Body=hi&NumMedia=0",
    );
    // The conversation and turn are the engine's: taken from its question.
    let ask = asked(&first).clone();
    let sent = answer(&mut engine, now, &ask, menu());
    let [Action::Send { part, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(
        part,
        &Outbound::text("What can I help with?\n\n1. Track my order\n2. Talk to a person")
    );
    let requests = requests(&sent);
    let [Ok(request)] = requests.as_slice() else {
        panic!("{requests:?}")
    };
    assert_eq!(
        request.form,
        [
            ("To", "+14155550100".to_owned()),
            ("From", "+15005550006".to_owned()),
            (
                "Body",
                "What can I help with?\n\n1. Track my order\n2. Talk to a person".to_owned()
            ),
        ]
    );

    // The customer texts "2": the adapter passes the text on, the engine
    // finds the button.
    let body = "MessageSid=SM11&From=%2B14155550100&To=%2B15005550006&Body=2&NumMedia=0";
    assert!(matches!(one(body), Input::Inbound(m) if m.choice.is_none()));
    let next = webhook(&mut engine, now + Duration::from_secs(30), body);
    let ask2 = asked(&next);
    assert_eq!(ask2.conversation, ask.conversation);
    assert_eq!(ask2.text, "2");
    assert_eq!(
        ask2.choice,
        Some(Choice::new("human").with_title("Talk to a person"))
    );
}

#[test]
fn on_whatsapp_through_twilio_buttons_go_out_as_a_list_once_its_capabilities_are_registered() {
    let hello = whatsapp("&Body=hi");
    // With the crate's WhatsApp preset the engine sends native buttons,
    // which Twilio cannot take in a plain message.
    let (mut engine, now) = new_engine();
    let ask = asked(&webhook(&mut engine, now, &hello)).clone();
    let sent = answer(&mut engine, now, &ask, menu());
    assert!(matches!(
        requests(&sent).as_slice(),
        [Err(SendError::NativeQuickReplies { count: 2, .. })]
    ));

    // With Twilio's capabilities registered they are a numbered list, and
    // a "2" answers it.
    let (mut engine, now) = new_engine();
    engine.set_capabilities(ChannelKind::WhatsApp, capabilities(&ChannelKind::WhatsApp));
    let ask = asked(&webhook(&mut engine, now, &hello)).clone();
    let sent = answer(&mut engine, now, &ask, menu());
    let bodies: Vec<_> = requests(&sent)
        .into_iter()
        .map(|r| r.unwrap().get("Body").map(str::to_owned))
        .collect();
    assert_eq!(
        bodies,
        [Some(
            "What can I help with?\n\n1. Track my order\n2. Talk to a person".to_owned()
        )]
    );
    let next = webhook(
        &mut engine,
        now + Duration::from_secs(5),
        &whatsapp("&Body=2").replace("SM1", "SM2"),
    );
    assert_eq!(
        asked(&next).choice,
        Some(Choice::new("human").with_title("Talk to a person"))
    );
}

#[test]
fn a_long_whatsapp_reply_is_split_within_twilios_limit_once_its_capabilities_are_registered() {
    let long = Content::text(vec!["All about returns."; 120].join(" ")); // 2,279 characters
    let (mut engine, now) = new_engine();
    let ask = asked(&webhook(&mut engine, now, &whatsapp("&Body=returns"))).clone();
    let sent = answer(&mut engine, now, &ask, long.clone());
    assert!(matches!(
        requests(&sent).as_slice(),
        [Err(SendError::BodyTooLong {
            len: 2_279,
            max: 1_600,
            ..
        })]
    ));

    let (mut engine, now) = new_engine();
    engine.set_capabilities(ChannelKind::WhatsApp, capabilities(&ChannelKind::WhatsApp));
    let ask = asked(&webhook(&mut engine, now, &whatsapp("&Body=returns"))).clone();
    let sent = answer(&mut engine, now, &ask, long.clone());
    let bodies: Vec<String> = requests(&sent)
        .into_iter()
        .map(|r| r.unwrap().get("Body").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies.iter().all(|b| b.encode_utf16().count() <= 1_600));
    // Cut between sentences, nothing lost.
    assert_eq!(bodies.join(" "), long.text);
}

#[test]
fn a_whatsapp_button_reaches_the_bot_with_its_payload() {
    let (mut engine, now) = new_engine();
    let actions = webhook(
        &mut engine,
        now,
        &whatsapp("&Body=Track+my+order&ButtonText=Track+my+order&ButtonPayload=track"),
    );
    assert_eq!(
        asked(&actions).choice,
        Some(Choice::new("track").with_title("Track my order"))
    );
}
