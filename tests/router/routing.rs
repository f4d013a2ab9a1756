//! First match with a default, accumulated actions, explain mode.

use switchboard::config::Config;
use switchboard::expr::Facts;
use switchboard::router::Route;
use switchboard::{Attributes, BotId, ChannelKind, QueueId, Timestamp, Value};

const RULES: &str = r#"
[[queues]]
id = "vip"
[[queues]]
id = "billing"
[[queues]]
id = "general"
[bots.faq]
[templates]
ack = "We got it."

[[rules]]
id = "spam"
when = "text matches '^(?:win|free) money'"
then = { drop = true }

[[rules]]
id = "tag-refund"
when = "text contains_any ['refund', '退款']"
then = { tags = ["refund"], priority = 3 }
continue = true

[[rules]]
id = "vip-boost"
when = "contact.tier == 'vip'"
then = { priority = 8, tags = ["vip", "refund"], reply = "ack", set = { seen = true } }
continue = true

[[rules]]
id = "refund"
when = "text contains 'refund' or text contains '退款'"
then = { queue = "billing", priority = 5 }

[[rules]]
id = "human"
when = "text contains_any ['人工', 'agent']"
then = { queue = "general" }

[defaults]
bot = "faq"
"#;

fn config() -> Config {
    Config::from_toml_str(RULES).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn first_routing_rule_decides_after_continue_rules_accumulate() {
    let c = config();
    let vip = Attributes::from([("tier".to_string(), Value::from("vip"))]);
    let wa = ChannelKind::WhatsApp;
    let facts = Facts::new(Timestamp::EPOCH)
        .with_channel(&wa)
        .with_contact(&vip)
        .with_text("我要退款");
    let d = c.router().route(&facts);
    assert_eq!(
        d.route,
        Some(Route::Queue {
            queue: QueueId::new("billing"),
            priority: 8
        })
    );
    assert_eq!(d.rule.as_ref().unwrap().as_str(), "refund");
    let matched: Vec<_> = d.matched.iter().map(|r| r.as_str()).collect();
    assert_eq!(matched, ["tag-refund", "vip-boost", "refund"]);
    assert_eq!(d.tags, ["refund", "vip"]);
    assert_eq!(d.reply.as_deref(), Some("ack"));
    assert_eq!(d.set["seen"], Value::Bool(true));
}

#[test]
fn the_default_applies_when_nothing_routes() {
    let c = config();
    let d = c
        .router()
        .route(&Facts::new(Timestamp::EPOCH).with_text("what are your opening hours?"));
    assert_eq!(
        d.route,
        Some(Route::Bot {
            bot: BotId::new("faq")
        })
    );
    assert_eq!(d.rule, None);
    assert!(d.matched.is_empty());
}

#[test]
fn drop_stops_everything() {
    let c = config();
    let d = c
        .router()
        .route(&Facts::new(Timestamp::EPOCH).with_text("FREE MONEY refund now"));
    assert_eq!(d.route, Some(Route::Drop));
    assert!(d.tags.is_empty());
}

#[test]
fn no_default_means_no_route() {
    let c = Config::from_toml_str(
        "[[queues]]\nid='q'\n[[rules]]\nid='r'\nwhen=\"lang == 'fr'\"\nthen={queue='q'}",
    )
    .unwrap();
    let d = c.router().route(&Facts::new(Timestamp::EPOCH));
    assert_eq!(d.route, None);
}

#[test]
fn explain_answers_why_a_message_went_to_billing() {
    let c = config();
    let gold = Attributes::from([("tier".to_string(), Value::from("gold"))]);
    let facts = Facts::new(Timestamp::EPOCH)
        .with_contact(&gold)
        .with_text("Refund please");
    let (d, why) = c.router().explain(&facts);
    assert_eq!(d, c.router().route(&facts));
    assert_eq!(
        why.to_string(),
        "✗ spam        text matches '^(?:win|free) money'  (not in the text)\n\
         ✓ tag-refund  continue: tags refund; priority 3\n\
         ✗ vip-boost   contact.tier == 'vip'  (it is 'gold')\n\
         ✓ refund      → queue billing, priority 5\n"
    );
}

#[test]
fn explain_lists_each_failing_alternative_and_the_default() {
    let c = config();
    let (d, why) = c
        .router()
        .explain(&Facts::new(Timestamp::EPOCH).with_text("hello"));
    assert_eq!(d.rule, None);
    assert!(why.default_applied);
    let refund = why
        .steps
        .iter()
        .find(|s| s.rule.as_str() == "refund")
        .unwrap();
    let conds: Vec<_> = refund.failed.iter().map(|f| f.condition.as_str()).collect();
    assert_eq!(conds, ["text contains 'refund'", "text contains '退款'"]);
    let vip = why
        .steps
        .iter()
        .find(|s| s.rule.as_str() == "vip-boost")
        .unwrap();
    assert_eq!(vip.failed[0].observed, "it is missing");
}
