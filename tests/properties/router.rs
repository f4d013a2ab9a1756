//! Configurations load or fail with diagnostics, and the router agrees with
//! its explanation and an independent reference.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use switchboard::config::Config;
use switchboard::expr::{BotFacts, ConversationFacts, Facts, Op};
use switchboard::{Attachment, AttachmentKind, Attributes, ChannelKind, Timestamp, Value};

use crate::text_gen::text;

// ---------------------------------------------------------------------------
// Configurations and routing.

/// Declarations the generated rules refer to.
const CONFIG_PREAMBLE: &str = r#"[[queues]]
id = "a"
calendar = "eu"

[[queues]]
id = "b"
eligible = "agent.skills.billing >= 2"

[bots.faq]

[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"
closed = ["2026-12-25"]

[templates]
greeting = "Hello."
"#;

/// Conditions that check against the preamble.
const CONDITIONS: &[&str] = &[
    "true",
    "false",
    "text contains 'refund'",
    "text contains_any ['refund', '退款', 'invoice']",
    "text starts_with 'hi'",
    r"text matches 'order #?\d{3,}'",
    r"text matches '(?-i)URGENT'",
    "channel == 'sms'",
    "channel in ['whatsapp', 'webchat']",
    "lang not in ['en', 'de']",
    "contact.tier == 'vip'",
    "contact.orders > 3",
    "contact.beta",
    "conversation.new",
    "conversation.tags has 'refund'",
    "bot.fallbacks >= 2",
    "sentiment < -0.3",
    "hours.eu",
    "hour >= 18",
    "weekday in ['sat', 'sun']",
    "attachments has 'image'",
];

/// Sometimes-wrong comparisons: unknown names, type mismatches, bad
/// regexes.
const CONFIG_PATHS: &[&str] = &[
    "text",
    "channel",
    "contact.tier",
    "contact.orders",
    "conversation.tags",
    "hours.eu",
    "hours.us",
    "agent.id",
    "txt",
];
const CONFIG_LITERALS: &[&str] = &["'refund'", "3", "true", "['en', 'zh']", "['a', 2]", "'('"];

/// `then` tables, and whether each routes.
const ACTIONS: &[(&str, bool)] = &[
    (r#"{ queue = "a" }"#, true),
    (r#"{ queue = "b", priority = 7 }"#, true),
    (r#"{ bot = "faq" }"#, true),
    ("{ drop = true }", true),
    (r#"{ tags = ["refund"] }"#, false),
    ("{ priority = -3 }", false),
    (r#"{ reply = "greeting" }"#, false),
    (r#"{ set = { tier = "gold" }, opt_out = true }"#, false),
    (
        r#"{ queue = "a", tags = ["vip", "退款"], reply = "greeting" }"#,
        true,
    ),
];

/// `then` tables with a mistake.
const BAD_ACTIONS: &[(&str, bool)] = &[
    (r#"{ queue = "c" }"#, true),
    (r#"{ bot = "faq", queue = "a" }"#, true),
    ("{ }", false),
];

fn condition() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        16 => select(CONDITIONS).prop_map(str::to_owned),
        1 => (select(CONFIG_PATHS), select(&Op::ALL[..]), select(CONFIG_LITERALS))
            .prop_map(|(p, op, l)| format!("{p} {op} {l}")),
        1 => (
            select(vec!["contains", "starts_with", "matches", "=="]),
            "[a-z 退款'\\\\.*(]{0,6}",
        )
            .prop_map(|(op, w)| {
                format!("text {op} '{}'", w.replace('\\', "\\\\").replace('\'', "\\'"))
            }),
    ];
    atom.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 2..4).prop_map(|v| v.join(" and ")),
            vec(inner.clone(), 2..4).prop_map(|v| v.join(" or ")),
            inner.clone().prop_map(|e| format!("not ({e})")),
            inner.clone().prop_map(|e| format!("({e})")),
        ]
    })
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A small configuration: the preamble, a `[defaults]`, and up to six
/// rules built from conditions and actions.
fn config_source() -> impl Strategy<Value = String> {
    let action = prop_oneof![20 => select(ACTIONS), 1 => select(BAD_ACTIONS)];
    let rule = (condition(), action, any::<bool>());
    (
        select(vec!["", "bot = \"faq\"", "queue = \"a\"", "queue = \"b\""]),
        vec(rule, 0..6),
    )
        .prop_map(|(default, rules)| {
            let mut src = String::from(CONFIG_PREAMBLE);
            if !default.is_empty() {
                src.push_str(&format!("\n[defaults]\n{default}\n"));
            }
            for (i, (when, (then, routes), cont)) in rules.into_iter().enumerate() {
                src.push_str(&format!(
                    "\n[[rules]]\nid = \"r{i}\"\nwhen = {}\nthen = {then}\n",
                    toml_string(&when)
                ));
                if cont && !routes {
                    src.push_str("continue = true\n");
                }
            }
            src
        })
}

/// The facts of one message, owned.
#[derive(Debug, Clone)]
struct Message {
    ms: u64,
    channel: Option<ChannelKind>,
    text: String,
    lang: Option<&'static str>,
    contact: Option<Attributes>,
    image: bool,
    new: bool,
    tags: Vec<String>,
    fallbacks: Option<u32>,
    sentiment: Option<f64>,
}

fn message() -> impl Strategy<Value = Message> {
    let ms = prop_oneof![
        // 2026 to 2027, around the 2026-12-25 closure.
        3 => 1_767_225_600_000u64..1_798_761_600_000,
        1 => select(vec![0, 253_402_300_800_000, i64::MAX as u64, u64::MAX]),
    ];
    let text = prop_oneof![
        vec(
            select(vec![
                "refund",
                "REFUND",
                "退款",
                "hi",
                "order #12345",
                "URGENT",
                "invoice",
                "agent",
                "人工",
                "please",
                "!!",
                " ",
            ]),
            0..6,
        )
        .prop_map(|w| w.join(" ")),
        text(),
    ];
    let contact = prop::option::of(
        (
            prop::option::of(select(vec!["vip", "gold"])),
            -2i32..10,
            any::<bool>(),
        )
            .prop_map(|(tier, orders, beta)| {
                let mut a = Attributes::from([
                    ("orders".to_owned(), Value::from(orders)),
                    ("beta".to_owned(), Value::from(beta)),
                ]);
                if let Some(t) = tier {
                    a.insert("tier".to_owned(), Value::from(t));
                }
                a
            }),
    );
    (
        (
            ms,
            prop::option::of(select(ChannelKind::BUILT_IN.to_vec())),
            text,
            prop::option::of(select(vec!["en", "zh", "de"])),
            contact,
        ),
        (
            any::<bool>(),
            any::<bool>(),
            prop::option::of(Just(vec!["refund".to_owned()])),
            prop::option::of(0u32..4),
            prop::option::of(-1.0f64..1.0),
        ),
    )
        .prop_map(
            |((ms, channel, text, lang, contact), (image, new, tags, fallbacks, sentiment))| {
                Message {
                    ms,
                    channel,
                    text,
                    lang,
                    contact,
                    image,
                    new,
                    tags: tags.unwrap_or_default(),
                    fallbacks,
                    sentiment,
                }
            },
        )
}

proptest! {
    /// (d) Loading a configuration never panics, an error renders, and a
    /// router's `route` and `explain` always decide alike.
    #[test]
    fn route_and_explain_agree(src in config_source(), m in message()) {
        let config = match Config::from_toml_str(&src) {
            Ok(config) => config,
            Err(err) => {
                prop_assert!(err.errors().next().is_some(), "no error in {err:?}");
                prop_assert!(!err.to_string().is_empty());
                return Ok(());
            }
        };
        let attachments: Vec<Attachment> = if m.image {
            vec![Attachment::new(AttachmentKind::Image, "https://img.example/a.png")]
        } else {
            Vec::new()
        };
        let mut facts = Facts::new(Timestamp::from_millis(m.ms))
            .with_text(&m.text)
            .with_attachments(&attachments)
            .with_conversation(ConversationFacts {
                new: m.new,
                tags: &m.tags,
                ..ConversationFacts::default()
            });
        if let Some(c) = &m.channel {
            facts = facts.with_channel(c);
        }
        if let Some(l) = m.lang {
            facts = facts.with_lang(l);
        }
        if let Some(c) = &m.contact {
            facts = facts.with_contact(c);
        }
        if let Some(f) = m.fallbacks {
            facts = facts.with_bot(BotFacts { fallbacks: f, ..BotFacts::default() });
        }
        if let Some(s) = m.sentiment {
            facts = facts.with_sentiment(s);
        }
        let decision = config.router().route(&facts);
        let (explained, why) = config.router().explain(&facts);
        prop_assert_eq!(&decision, &explained, "{}", why);
        prop_assert_eq!(decision.rule.is_none(), why.default_applied);
    }
}
