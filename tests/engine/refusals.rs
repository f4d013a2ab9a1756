//! Nonsense is refused with an error that names it, and changes nothing:
//! out-of-range scores, turns never asked, empty names, attributes of the
//! wrong type, messages a channel cannot carry. And what is accepted is
//! explained in the audit log.

use switchboard::Value;
use switchboard::assign::{AgentError, AgentProfile, Capacity, Presence};
use switchboard::channel::RenderError;
use switchboard::engine::{BotTurn, EventKind, Inbound, Input, InputError};
use switchboard::handoff::State;
use switchboard::{Address, AgentId, Attributes, ChannelKind, ConversationId};

use crate::World;

/// Gives `input` and requires it refused with `message`, leaving the
/// state exactly as it was.
fn refused(w: &mut World, input: Input, message: &str) -> InputError {
    let before = w.snapshot_json();
    let err = w.try_give(input).expect_err("refused");
    assert_eq!(err.to_string(), message);
    assert_eq!(
        w.snapshot_json(),
        before,
        "a refused input changed the state"
    );
    err
}

/// A web chat conversation with the bot, whose first question is turn 1.
fn with_bot() -> World {
    let mut w = World::new();
    w.chat("v1", "where is my order?");
    assert_eq!(w.state("c1"), State::Bot);
    assert_eq!(w.last_turn(), 1);
    w
}

#[test]
fn scores_outside_their_range_are_refused() {
    let mut w = with_bot();
    refused(
        &mut w,
        Input::BotTurn(BotTurn::new("c1").turn(1).intent("order", 87.0)),
        "`confidence` is 87, but must be from 0 to 1",
    );
    refused(
        &mut w,
        Input::BotTurn(BotTurn::new("c1").turn(1).sentiment(5.0)),
        "`sentiment` is 5, but must be from -1 to 1",
    );
    refused(
        &mut w,
        Input::Inbound(
            Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi")
                .with_sentiment(-1.5),
        ),
        "`sentiment` is -1.5, but must be from -1 to 1",
    );
    refused(
        &mut w,
        Input::BotTurn(BotTurn::new("c1").turn(1).intent("order", f64::NAN)),
        "`confidence` must be a finite number",
    );
    // The bounds themselves are fine.
    w.bot(
        BotTurn::new("c1")
            .turn(1)
            .intent("order", 1.0)
            .sentiment(-1.0)
            .reply("On its way."),
    );
}

#[test]
fn a_turn_the_engine_never_asked_is_refused() {
    let mut w = with_bot();
    let err = refused(
        &mut w,
        Input::BotTurn(BotTurn::new("c1").turn(999).reply("Hi")),
        "conversation `c1` asked its bot up to turn 1, not turn 999; answer with the `turn` of the ask_bot action, or leave it out to answer the latest",
    );
    assert!(matches!(
        err,
        InputError::UnknownTurn {
            turn: 999,
            latest: 1,
            ..
        }
    ));
    // The real turn is still awaited and answered.
    w.bot(BotTurn::new("c1").turn(1).reply("It ships today."));
    assert_eq!(w.sent().last().copied(), Some("It ships today."));
    // An earlier turn is still a harmless retry.
    w.clear();
    w.bot(BotTurn::new("c1").turn(1).reply("It ships today."));
    assert!(w.sent().is_empty());
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Duplicate { .. }))
    );
}

#[test]
fn empty_tags_languages_and_names_are_refused() {
    let mut w = with_bot();
    refused(
        &mut w,
        Input::Tag {
            conversation: ConversationId::new("c1"),
            tags: vec!["vip".into(), " ".into()],
        },
        "`tags` must not be empty",
    );
    refused(
        &mut w,
        Input::Inbound(
            Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi").with_lang(""),
        ),
        "`lang` must not be empty",
    );
    refused(
        &mut w,
        Input::Inbound(
            Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi").with_id(""),
        ),
        "`id` must not be empty",
    );
    refused(
        &mut w,
        Input::BotTurn(BotTurn::new("c1").turn(1).intent("", 0.5)),
        "`intent` must not be empty",
    );
    refused(
        &mut w,
        Input::Note {
            conversation: ConversationId::new("c1"),
            agent: None,
            text: "  ".into(),
        },
        "`text` must not be empty",
    );
    let mut attrs = Attributes::new();
    attrs.insert(String::new(), Value::from("x"));
    refused(
        &mut w,
        Input::Inbound(
            Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi")
                .with_contact(attrs),
        ),
        "`attribute name` must not be empty",
    );
    for (profile, message, variant) in [
        (
            AgentProfile::new("ana").with_skill("", 3),
            "bad agent profile: a skill name is empty",
            AgentError::EmptySkill,
        ),
        (
            AgentProfile::new("ana").with_languages(["en", ""]),
            "bad agent profile: a language is empty; use a tag such as `en` or `zh-Hans`",
            AgentError::EmptyLanguage,
        ),
        (
            AgentProfile::new(" "),
            "bad agent profile: the agent id is empty",
            AgentError::EmptyId,
        ),
    ] {
        let err = refused(&mut w, Input::AgentUpsert(profile), message);
        assert_eq!(err, InputError::Profile(variant));
    }
}

const TYPED: &str = r#"
[[queues]]
id = "support"
[bots.faq]
[defaults]
bot = "faq"
[contact_attributes]
score = "number"
tier = "text"
[agent_attributes]
team = "text"
[[rules]]
id = "low-score"
when = "not (contact.score > 3)"
then = { queue = "support", tags = ["low"] }
"#;

/// `"ten"` for a number once made `not (contact.score > 3)` fire.
#[test]
fn attributes_of_the_wrong_type_are_refused() {
    let mut w = World::with(TYPED);
    w.wait(std::time::Duration::ZERO);
    let mut attrs = Attributes::new();
    attrs.insert("score".into(), Value::from("ten"));
    let err = refused(
        &mut w,
        Input::Inbound(
            Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi")
                .with_contact(attrs),
        ),
        "contact attribute `score` is declared as number in [contact_attributes], but the input gives a text",
    );
    assert!(matches!(err, InputError::AttributeType { ref name, .. } if name == "score"));
    assert!(w.sb.conversation(&ConversationId::new("c1")).is_none());

    // A number routes by the rule as written; an undeclared attribute is
    // kept for the agent.
    let mut attrs = Attributes::new();
    attrs.insert("score".into(), Value::Number(9.0));
    attrs.insert("crm".into(), Value::from("A-1"));
    w.give(Input::Inbound(
        Inbound::new(ChannelKind::WebChat, Address::new_unchecked("v1"), "hi").with_contact(attrs),
    ));
    assert_eq!(w.state("c1"), State::Bot, "score 9 is above 3");

    let mut profile = AgentProfile::new("ana");
    profile.attributes.insert("team".into(), Value::Number(1.0));
    let err = refused(
        &mut w,
        Input::AgentUpsert(profile),
        "bad agent profile: agent attribute `team` is declared as text in [agent_attributes], but the profile gives a number",
    );
    assert!(matches!(
        err,
        InputError::Profile(AgentError::AttributeType { .. })
    ));
}

/// An SMS reply that cannot be split said only that it could not be
/// rendered "while with_agent"; the channel layer's reason now comes
/// through.
#[test]
fn an_sms_reply_that_cannot_be_split_says_why() {
    let mut w = World::new();
    w.say(ChannelKind::Sms, "+14155550100", "human please");
    w.give(Input::AgentUpsert(
        AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::Sms, 2)])),
    ));
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Available,
    });
    w.accept("ana", "c1");
    assert_eq!(w.state("c1"), State::WithAgent);
    // One cluster of 1,001 UCS-2 units: more than the ten segments of an
    // SMS message.
    let cluster = format!("a{}", "\u{301}".repeat(1_000));
    let before = w.snapshot_json();
    let err = w
        .try_give(Input::AgentMessage {
            agent: AgentId::new("ana"),
            conversation: ConversationId::new("c1"),
            content: cluster.into(),
        })
        .unwrap_err();
    assert!(
        matches!(
            &err,
            InputError::Render {
                channel: ChannelKind::Sms,
                error: RenderError::Split { .. },
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("cannot send to conversation `c1` on sms: "),
        "{text}"
    );
    assert!(text.contains("cluster"), "{text}");
    assert_eq!(w.snapshot_json(), before);
}

/// Later messages of a bot conversation re-run the rules; the tags they
/// add are explained by a `routed` event, as the first message's are.
#[test]
fn tags_from_later_messages_are_explained() {
    let mut w = World::with(
        r#"
[[queues]]
id = "support"
[bots.faq]
[[rules]]
id = "invoice"
when = "text contains 'invoice'"
then = { tags = ["billing"] }
[[rules]]
id = "default"
when = "true"
then = { bot = "faq" }
"#,
    );
    w.chat("v1", "hello");
    let turn = w.last_turn();
    w.bot(BotTurn::new("c1").turn(turn).reply("Hi!"));
    w.clear();
    w.chat("v1", "about my invoice");
    let kinds: Vec<&EventKind> = w.events.iter().map(|e| &e.kind).collect();
    let tagged = kinds
        .iter()
        .position(|k| matches!(k, EventKind::Tagged { tags } if tags == &["billing".to_owned()]))
        .expect("tagged");
    let routed = kinds
        .iter()
        .position(|k| matches!(k, EventKind::Routed { matched, .. } if matched.iter().any(|r| r.as_str() == "invoice")))
        .expect("a routed event names the rule that tagged it");
    assert!(routed > tagged);
}
