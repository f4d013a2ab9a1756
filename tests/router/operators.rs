//! Every operator, through both evaluation paths: the router's single scan
//! and a standalone `Condition`.

use switchboard::config::Config;
use switchboard::expr::{BotFacts, Condition, Context, ConversationFacts, Facts, Schema};
use switchboard::{Attachment, AttachmentKind, Attributes, ChannelKind, Timestamp, Value};

/// The facts every case runs against.
struct World {
    contact: Attributes,
    tags: Vec<String>,
    attachments: Vec<Attachment>,
}

impl World {
    fn new() -> Self {
        let mut contact = Attributes::new();
        contact.insert("tier".into(), Value::from("vip"));
        contact.insert("orders".into(), Value::from(12));
        contact.insert("beta".into(), Value::from(true));
        contact.insert("langs".into(), Value::from(vec!["en", "zh"]));
        contact.insert("name".into(), Value::from("Zoë Straße"));
        World {
            contact,
            tags: vec!["refund".into(), "urgent".into()],
            attachments: vec![Attachment::new(AttachmentKind::Image, "https://x/y.png")],
        }
    }

    fn facts<'a>(&'a self, channel: &'a ChannelKind, text: &'a str) -> Facts<'a> {
        Facts::new(Timestamp::from_millis(1_795_422_600_000)) // Mon 2026-11-23 08:30 UTC
            .with_channel(channel)
            .with_text(text)
            .with_lang("zh")
            .with_contact(&self.contact)
            .with_attachments(&self.attachments)
            .with_conversation(ConversationFacts {
                new: false,
                tags: &self.tags,
                messages: 3,
                ..ConversationFacts::default()
            })
            .with_bot(BotFacts {
                intent: Some("booking"),
                confidence: Some(0.35),
                fallbacks: 2,
                handoff: false,
            })
            .with_sentiment(-0.7)
    }
}

/// Evaluates `expr` on `text` both ways and checks they agree.
fn holds(expr: &str, text: &str) -> bool {
    let world = World::new();
    let channel = ChannelKind::WhatsApp;
    let facts = world.facts(&channel, text);
    let cond = Condition::compile(expr, &Schema::default(), Context::Route)
        .unwrap_or_else(|e| panic!("`{expr}` does not compile: {}", e[0]));
    let alone = cond.evaluate(&facts, &Default::default());
    let toml = format!(
        "[[queues]]\nid = 'q'\n[[rules]]\nid = 'r'\nwhen = {}\nthen = {{ queue = 'q' }}\n",
        toml_string(expr)
    );
    let config = Config::from_toml_str(&toml).unwrap_or_else(|e| panic!("{e}"));
    let routed = config.router().route(&facts).rule.is_some();
    assert_eq!(
        alone, routed,
        "standalone and router disagree on `{expr}` for {text:?}"
    );
    alone
}

fn toml_string(s: &str) -> String {
    format!("'''{s}'''")
}

#[test]
fn equality_is_exact_and_typed() {
    assert!(holds("channel == 'whatsapp'", ""));
    assert!(!holds("contact.tier == 'VIP'", ""));
    assert!(!holds("channel == 'whatsapp-business'", "")); // a custom channel, not this one
    assert!(holds("contact.tier == 'vip'", ""));
    assert!(holds("contact.orders == 12", ""));
    assert!(!holds("contact.orders == '12'", "")); // different types are unequal
    assert!(holds("contact.beta == true", ""));
    assert!(holds("contact.tier != 'gold'", ""));
    assert!(holds("contact.langs == ['en', 'zh']", ""));
}

#[test]
fn ordering_compares_numbers() {
    assert!(holds("contact.orders > 10", ""));
    assert!(holds("contact.orders >= 12", ""));
    assert!(!holds("contact.orders < 12", ""));
    assert!(holds("contact.orders <= 12", ""));
    assert!(holds("bot.confidence < 0.4", ""));
    assert!(holds("sentiment < -0.5", ""));
    assert!(holds(
        "bot.fallbacks >= 2 and conversation.messages == 3",
        ""
    ));
}

#[test]
fn membership_in_and_has() {
    assert!(holds("lang in ['zh', 'ja']", ""));
    assert!(!holds("lang in ['en']", ""));
    assert!(holds("lang not in ['en', 'de']", ""));
    assert!(holds("contact.langs has 'zh'", ""));
    assert!(holds("contact.langs has lang", "")); // two paths
    assert!(holds("lang in contact.langs", ""));
    assert!(holds("conversation.tags has 'refund'", ""));
    assert!(holds("attachments has 'image'", ""));
    assert!(!holds("attachments has 'audio'", ""));
    assert!(holds("bot.intent in ['booking', 'complaint']", ""));
}

#[test]
fn contains_is_case_insensitive_with_unicode_folding() {
    assert!(holds("text contains 'refund'", "I want a REFUND now"));
    assert!(holds(
        "text contains 'STRASSE'",
        "Lieferung an die Hauptstraße 5"
    ));
    assert!(holds("text contains 'σίσυφος'", "ΣΊΣΥΦΟΣ"));
    assert!(holds("text contains 'vip'", "ＶＩＰ customer")); // full-width
    assert!(!holds("text contains 'cafe'", "café")); // accents stay
    assert!(holds("contact.name contains 'zoë'", "")); // any text path
}

#[test]
fn chinese_and_mixed_script_match_without_word_boundaries() {
    assert!(holds("text contains '退款'", "你好我想申请退款谢谢"));
    assert!(holds(
        "text contains_any ['人工', '转人工']",
        "请帮我转人工客服"
    ));
    assert!(!holds("text contains '退款'", "退 款"));
    assert!(holds(
        "text contains_any ['refund', '退款']",
        "Order 1234 退款 please"
    ));
    assert!(holds("text contains 'iphone 15'", "我的iPhone 15坏了"));
    assert!(holds("text starts_with '你好'", "你好，我的订单呢"));
    assert!(holds("text starts_with 'hello'", "HELLO there"));
    assert!(!holds("text starts_with 'there'", "hello there"));
}

#[test]
fn matches_uses_regex_syntax_case_insensitively() {
    assert!(holds(
        r"text matches 'order\s*#?\d{5,}'",
        "where is ORDER #123456"
    ));
    assert!(!holds(r"text matches 'order\s*#?\d{5,}'", "order 12"));
    assert!(!holds(r"text matches '(?-i)Order'", "order"));
    assert!(holds(r"text matches '\bhuman\b'", "a human please"));
    assert!(!holds(r"text matches '\bhuman\b'", "inhumane"));
    assert!(holds(r"text matches '订单\d+'", "订单12345"));
}

#[test]
fn boolean_logic_and_grouping() {
    assert!(holds("not channel == 'sms'", ""));
    assert!(holds("channel == 'sms' or contact.tier == 'vip'", ""));
    assert!(!holds("channel == 'sms' and contact.tier == 'vip'", ""));
    assert!(holds(
        "(channel == 'sms' or lang == 'zh') and contact.orders > 3",
        ""
    ));
    assert!(holds("(lang == 'zh' or lang == 'ja') == true", ""));
    assert!(holds("contact.beta", ""));
    assert!(holds("not conversation.new", ""));
    assert!(holds("true", ""));
    assert!(!holds("false", ""));
}

#[test]
fn a_missing_attribute_makes_every_comparison_false() {
    for expr in [
        "contact.missing == 'x'",
        "contact.missing != 'x'",
        "contact.missing > 1",
        "contact.missing in ['x']",
        "contact.missing not in ['x']",
        "contact.missing has 'x'",
        "contact.missing contains 'x'",
        "contact.missing",
        "conversation.queue == 'billing'",
    ] {
        assert!(!holds(expr, "anything"), "{expr} should be false");
    }
    assert!(holds("not (contact.missing == 'x')", ""));
}

#[test]
fn empty_needles_and_lists() {
    assert!(holds("text contains ''", ""));
    assert!(!holds("text contains_any []", "anything"));
    assert!(!holds("lang in []", ""));
}

#[test]
fn queue_eligibility_sees_the_agent_and_the_conversation() {
    use std::collections::BTreeMap;
    use switchboard::AgentId;
    use switchboard::expr::AgentFacts;

    let id = AgentId::new("ana");
    let skills = BTreeMap::from([("billing".to_string(), 3u8), ("refunds".to_string(), 1)]);
    let langs = vec!["es".to_string(), "en".to_string()];
    let channels = vec![ChannelKind::Sms, ChannelKind::WhatsApp];
    let attrs = Attributes::from([("team".to_string(), Value::from("emea"))]);
    let agent = AgentFacts {
        id: &id,
        skills: &skills,
        languages: &langs,
        channels: &channels,
        attributes: &attrs,
    };
    let conv = ConversationFacts {
        lang: Some("es"),
        channel: Some(&ChannelKind::Sms),
        ..ConversationFacts::default()
    };
    let facts = Facts::new(Timestamp::EPOCH)
        .with_conversation(conv)
        .with_agent(agent);
    let check = |src: &str| {
        Condition::compile(src, &Schema::default(), Context::Eligibility)
            .unwrap_or_else(|e| panic!("{src}: {}", e[0]))
            .evaluate(&facts, &Default::default())
    };
    assert!(check(
        "agent.skills.billing >= 2 and agent.languages has conversation.lang"
    ));
    assert!(!check("agent.skills.billing >= 4"));
    assert!(!check("agent.skills.legal >= 0")); // a missing skill is no level at all
    assert!(check("agent.skills has 'refunds'"));
    assert!(check("agent.channels has conversation.channel"));
    assert!(check(
        "agent.attributes.team == 'emea' and agent.id != 'bob'"
    ));
    assert!(check("conversation.lang in agent.languages"));
}
