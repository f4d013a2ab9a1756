//! Both ways through the engine: what it renders for WhatsApp goes out as
//! a valid Cloud API body, and what Meta posts back reaches the bot.

use super::*;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard::channel::Capabilities;
use switchboard::config::Config;
use switchboard::engine::BotTurn;
use switchboard::{AgentId, Choice, Content, QuickReply};

use crate::CONFIG;
use crate::outbound::request;

/// An engine with a customer's first message handled; returns the engine
/// and the bot's question.
fn customer_asks(caps: Option<Capabilities>) -> (Switchboard, switchboard::bot::BotRequest) {
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    if let Some(caps) = caps {
        sb.set_capabilities(ChannelKind::WhatsApp, caps);
    }
    let inputs = parse(sample("whatsapp-text.json").as_bytes()).unwrap();
    let [input] = <[Input; 1]>::try_from(inputs).unwrap();
    let acts = actions(&mut sb, NOW, input);
    let ask = ask_bot(&acts).clone();
    (sb, ask)
}

/// The Cloud API bodies for the sends among `actions`.
fn requests(actions: &[Action]) -> Vec<Value> {
    actions
        .iter()
        .filter(|a| matches!(a, Action::Send { .. }))
        .map(|a| request(a).unwrap().unwrap())
        .collect()
}

#[test]
fn buttons_the_engine_renders_for_whatsapp_go_out_as_an_interactive_message_and_come_back_as_the_choice()
 {
    let (mut sb, ask) = customer_asks(None);
    let reply = Content::text("It comes in three colours. Which would you like to see?")
        .with_quick_replies([
            QuickReply::new("Sand", "colour:sand"),
            QuickReply::new("Moss green", "colour:moss"),
            QuickReply::new("Talk to a person", "human"),
        ]);
    let turn = BotTurn::new(ask.conversation.clone())
        .turn(ask.turn)
        .reply(reply);
    let sent = requests(&actions(&mut sb, NOW, Input::BotTurn(turn)));
    assert_eq!(
        sent,
        [json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "16505551234",
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": { "text": "It comes in three colours. Which would you like to see?" },
                "action": { "buttons": [
                    { "type": "reply", "reply": { "id": "colour:sand", "title": "Sand" } },
                    { "type": "reply", "reply": { "id": "colour:moss", "title": "Moss green" } },
                    { "type": "reply", "reply": { "id": "human", "title": "Talk to a person" } }
                ]}
            }
        })]
    );

    // Meta posts the tapped button back: its id is the payload the bot gets.
    let tapped = &sent[0]["interactive"]["action"]["buttons"][1]["reply"];
    let webhook = wrap(&format!(
        r#"{{"from": "16505551234", "id": "wamid.tap", "timestamp": "1795428060", "type": "interactive",
            "context": {{"from": "15550783881", "id": "wamid.menu"}},
            "interactive": {{"type": "button_reply", "button_reply": {tapped}}}}}"#
    ));
    let [input] = <[Input; 1]>::try_from(parse(webhook.as_bytes()).unwrap()).unwrap();
    let acts = actions(&mut sb, NOW + Duration::from_secs(60), input);
    let ask = ask_bot(&acts);
    assert_eq!(
        ask.choice,
        Some(Choice::new("colour:moss").with_title("Moss green"))
    );
}

#[test]
fn a_host_that_allows_ten_choices_gets_a_list_message() {
    let mut caps = Capabilities::whatsapp();
    if let Some(limits) = caps.quick_replies.as_mut() {
        limits.max_options = 10;
    }
    let (mut sb, ask) = customer_asks(Some(caps));
    let topics = ["Orders", "Returns", "Billing", "Delivery", "Something else"];
    let reply = Content::text("What is it about?")
        .with_quick_replies(topics.map(|t| QuickReply::new(t, t.to_lowercase())));
    let turn = BotTurn::new(ask.conversation.clone())
        .turn(ask.turn)
        .reply(reply);
    let sent = requests(&actions(&mut sb, NOW, Input::BotTurn(turn)));
    let [list] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(list["type"], "interactive");
    assert_eq!(
        list["interactive"],
        json!({
            "type": "list",
            "body": { "text": "What is it about?" },
            "action": { "button": "Choose", "sections": [{ "rows": [
                { "id": "orders", "title": "Orders" },
                { "id": "returns", "title": "Returns" },
                { "id": "billing", "title": "Billing" },
                { "id": "delivery", "title": "Delivery" },
                { "id": "something else", "title": "Something else" }
            ]}]}
        })
    );
}

#[test]
fn an_answer_after_the_window_closed_goes_out_as_the_configured_template() {
    let (mut sb, ask) = customer_asks(None);
    let turn = BotTurn::new(ask.conversation.clone())
        .turn(ask.turn)
        .handoff("asked for a person");
    actions(&mut sb, NOW, Input::BotTurn(turn));
    let ana = AgentId::new("ana");
    actions(
        &mut sb,
        NOW,
        Input::AgentUpsert(switchboard::assign::AgentProfile::new("ana").with_capacity(
            switchboard::assign::Capacity::new([(ChannelKind::WhatsApp, 1)]),
        )),
    );
    let acts = actions(
        &mut sb,
        NOW,
        Input::AgentStatus {
            agent: ana.clone(),
            status: switchboard::assign::Presence::Available,
        },
    );
    let conversation = acts
        .iter()
        .find_map(|a| match a {
            Action::Offer { conversation, .. } => Some(conversation.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no offer in {acts:?}"));
    actions(
        &mut sb,
        NOW,
        Input::AgentAccept {
            agent: ana.clone(),
            conversation: conversation.clone(),
        },
    );
    // 25 hours later, the engine's timers fired on the way.
    let later = NOW + Duration::from_secs(25 * 3600);
    while let Some(due) = sb.poll_timeout().filter(|t| *t <= later) {
        sb.handle_timeout(due);
        while sb.poll_output().is_some() {}
    }
    let acts = actions(
        &mut sb,
        later,
        Input::AgentMessage {
            agent: ana,
            conversation,
            content: "Sorry for the wait! It also comes in sand.".into(),
        },
    );
    assert_eq!(
        requests(&acts),
        [json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "16505551234",
            "type": "template",
            "template": {
                "name": "support_follow_up",
                "language": { "code": "en_US" },
                "components": [{ "type": "body", "parameters": [
                    { "type": "text", "text": "ana" },
                    { "type": "text", "text": "Sorry for the wait! It also comes in sand." }
                ]}]
            }
        })]
    );
}

#[test]
fn the_story_sends_buttons_then_a_template_then_text_and_an_image() {
    let sent = crate::story::run(CONFIG).unwrap();
    let kinds: Vec<&str> = sent.iter().filter_map(|b| b["type"].as_str()).collect();
    let first_template = kinds.iter().position(|k| *k == "template");
    assert!(kinds.starts_with(&["interactive"]), "{kinds:?}");
    assert_eq!(
        sent[0]["interactive"]["action"]["buttons"]
            .as_array()
            .map(|b| b
                .iter()
                .map(|b| b["reply"]["id"].clone())
                .collect::<Vec<_>>()),
        Some(vec![
            json!("colour:sand"),
            json!("colour:moss"),
            json!("human")
        ])
    );
    let template = &sent[first_template.expect("a template")]["template"];
    assert_eq!(template["name"], "support_follow_up");
    assert_eq!(
        template["components"][0]["parameters"][1]["text"],
        "Sorry for the wait! It also comes in sand and moss green."
    );
    assert!(kinds.ends_with(&["text", "image"]), "{kinds:?}");
    assert_eq!(
        sent.last().map(|b| &b["image"]),
        Some(&json!({
            "link": "https://cdn.example.com/chairs/moss.jpg",
            "caption": "The Lounge chair in moss green"
        }))
    );
}
