//! Fuzzes configuration loading and routing: `Config::from_toml_str` on
//! small configurations, then `Router::route` and `Router::explain` on a
//! message.
//!
//! Every configuration starts with a fixed, valid preamble declaring queues
//! `a` and `b`, bot `faq`, calendar `eu` (Europe/Berlin, mon-fri
//! 09:00-18:00) and template `greeting`, so that rules have things to refer
//! to. The rules come either as raw TOML from the input, or (more often)
//! built from the input's bytes out of expression fragments, operators and
//! actions, so that most configurations compile and the router runs.
//!
//! The input is read as:
//!
//! * byte 0: bit 0 makes the rules raw TOML; bits 1-2 the `[defaults]`
//!   (none, bot `faq`, queue `a` or queue `b`); bit 3 declares
//!   `[contact_attributes]`; bit 4 adds an `[escalation]` section; bit 5
//!   sets `[defaults] timezone`; bit 6 adds an image attachment; bit 7
//!   marks the conversation new;
//! * byte 1: the time: one of a few hostile or edge times (the epoch, the
//!   DST changes in Berlin, the end of year 9999, `i64::MAX` and `u64::MAX`
//!   milliseconds), or a step of 7h13m from Monday 2026-11-16, which sweeps
//!   every hour and weekday and the 2026-12-25 closure;
//! * byte 2: the channel (a built-in one, a custom one, or none), the
//!   language and the sentiment;
//! * byte 3: the contact: tier, `beta`, `orders`, or no contact;
//! * byte 4: the bot's last turn, the conversation's tags and message count;
//! * the rest, split at the first `0xFF` byte: the rules (raw TOML decoded
//!   with `from_utf8_lossy`, or the bytes driving the generator, continued
//!   by a generator seeded from them once they run out, so that short
//!   inputs still make full configurations), then the message text
//!   (`from_utf8_lossy`).
//!
//! Checks that nothing panics; that an error has at least one error
//! diagnostic and renders; and that on a configuration that compiles,
//! `route` and `explain` give the same decision, the explanation agrees
//! with it (the matched steps are the decision's `matched` rules, the
//! default applies exactly when no rule decided), the route names a queue
//! or bot the configuration declares, and the escalation triggers and queue
//! eligibility evaluate.
//!
//! On a failure the harness prints a Rust test replaying the input, ready
//! to paste into the crate's tests. Inputs over 64 KiB are skipped.
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run router -- -max_total_time=60`; reproduce a
//! crash with `cargo +nightly fuzz run router fuzz/artifacts/router/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use switchboard::config::Config;
use switchboard::expr::{AgentFacts, BotFacts, ConversationFacts, Facts, Op};
use switchboard::router::Route;
use switchboard::{AgentId, Attachment, AttachmentKind, Attributes, ChannelKind, Timestamp, Value};
use switchboard_fuzz::{Bytes, f64_code, start_input, value_code};

const MAX_INPUT: usize = 64 * 1024;
const HEADER: usize = 5;

/// Edge times, in milliseconds since the epoch.
const TIMES: [u64; 8] = [
    0,
    1_774_745_999_000, // 2026-03-29 01:59:59 in Berlin, before the clocks go forward
    1_774_746_000_000, // 2026-03-29 03:00 in Berlin, after
    1_792_889_999_000, // 2026-10-25 02:59:59 CEST, before the clocks go back
    253_402_300_799_999, // 9999-12-31T23:59:59.999Z
    253_402_300_800_000, // just past it
    i64::MAX as u64,
    u64::MAX,
];

/// Monday 2026-11-16 00:00 UTC, and the step from it.
const SWEEP_START: u64 = 1_794_787_200_000;
const SWEEP_STEP: u64 = (7 * 60 + 13) * 60_000;

const PREAMBLE: &str = r#"[[queues]]
id = "a"
calendar = "eu"

[[queues]]
id = "b"
eligible = "agent.skills.billing >= 2 and agent.languages has conversation.lang"
strategy = "most_skilled"
skill = "billing"

[bots.faq]
timeout = "10s"

[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"
closed = ["2026-12-25"]

[templates]
greeting = "Hello {name}, we open {opening}."
"#;

/// Conditions that check against the preamble.
const ATOMS: &[&str] = &[
    "true",
    "false",
    "text contains 'refund'",
    "text contains_any ['refund', '退款', 'invoice', 'Straße']",
    "text starts_with 'hi'",
    r"text matches 'order #?\d{3,}'",
    r"text matches '(?-i)URGENT'",
    r"text matches '\brefund\b'",
    "text == ''",
    "channel == 'sms'",
    "channel in ['whatsapp', 'messenger', 'webchat']",
    "channel != 'email'",
    "lang == 'zh'",
    "lang not in ['en', 'de']",
    "contact.tier == 'vip'",
    "contact.tier in ['vip', 'gold']",
    "contact.orders > 3",
    "contact.orders <= 0",
    "contact.beta",
    "contact.langs has 'zh'",
    "conversation.new",
    "conversation.tags has 'refund'",
    "conversation.messages >= 2",
    "bot.fallbacks >= 2",
    "bot.confidence < 0.5",
    "bot.handoff",
    "bot.intent == 'order_status'",
    "sentiment < -0.3",
    "hours.eu",
    "hour >= 18",
    "weekday in ['sat', 'sun']",
    "attachments has 'image'",
];

/// Left-hand sides of generated comparisons, some of them wrong in a
/// routing rule.
const PATHS: &[&str] = &[
    "text",
    "channel",
    "lang",
    "contact.tier",
    "contact.orders",
    "contact.langs",
    "conversation.tags",
    "conversation.messages",
    "conversation.queue",
    "bot.confidence",
    "bot.intent",
    "sentiment",
    "hour",
    "weekday",
    "attachments",
    "hours.eu",
    "hours.us",
    "agent.id",
    "txt",
];

/// Right-hand sides of generated comparisons.
const LITERALS: &[&str] = &[
    "'refund'",
    "'vip'",
    "3",
    "-0.5",
    "true",
    "['en', 'zh']",
    "['refund', 2]",
    "''",
    "'退款'",
    r"'\d+'",
    "'('",
    "[]",
];

const TAGS: &[&str] = &["refund", "vip", "urgent", "退款"];

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT || data.len() < HEADER {
        return;
    }
    start_input("router", data, |data| Some(Case::decode(data).reproducer()));
    let case = Case::decode(data);
    run(&case);
});

fn run(case: &Case) {
    let config = match Config::from_toml_str(&case.config) {
        Ok(config) => config,
        Err(err) => {
            assert!(
                err.errors().next().is_some(),
                "an error without error diagnostics: {err:?}"
            );
            let rendered = err.to_string();
            assert!(!rendered.is_empty());
            return;
        }
    };
    for w in config.warnings() {
        let _ = w.to_string();
    }

    let channel = case.channel.map(channel_kind);
    let contact = case.contact.clone();
    let attachments = case.attachment_list();
    let tags: Vec<String> = case.tags.iter().map(|t| (*t).to_owned()).collect();
    let mut facts = Facts::new(Timestamp::from_millis(case.ms))
        .with_text(&case.text)
        .with_attachments(&attachments)
        .with_conversation(ConversationFacts {
            new: case.new,
            tags: &tags,
            messages: case.messages,
            ..ConversationFacts::default()
        });
    if let Some(c) = &channel {
        facts = facts.with_channel(c);
    }
    if let Some(c) = &contact {
        facts = facts.with_contact(c);
    }
    if let Some(l) = case.lang {
        facts = facts.with_lang(l);
    }
    if let Some(s) = case.sentiment {
        facts = facts.with_sentiment(s);
    }
    if let Some(b) = case.bot {
        facts = facts.with_bot(b);
    }

    let router = config.router();
    let decision = router.route(&facts);
    let (explained, why) = router.explain(&facts);
    assert_eq!(decision, explained, "route and explain disagree\n{why}");
    assert_eq!(
        decision.rule.is_none(),
        why.default_applied,
        "the default applies exactly when no rule decides\n{why}"
    );
    if let Some(r) = &decision.rule {
        assert_eq!(
            decision.matched.last(),
            Some(r),
            "the decider is matched last"
        );
    }
    let matched: Vec<_> = why
        .steps
        .iter()
        .filter(|s| s.matched)
        .map(|s| &s.rule)
        .collect();
    let expected: Vec<_> = decision.matched.iter().collect();
    assert_eq!(matched, expected, "explained matches differ\n{why}");
    match &decision.route {
        Some(Route::Queue { queue, .. }) => {
            assert!(
                config.queue(queue.as_str()).is_some(),
                "unknown queue {queue}"
            );
        }
        Some(Route::Bot { bot }) => {
            assert!(
                config.spec().bots.contains_key(bot.as_str()),
                "unknown bot {bot}"
            );
        }
        _ => {}
    }
    let _ = why.to_string();
    let _ = decision.to_string();

    for t in config.escalation_triggers() {
        t.condition.evaluate(&facts, config.calendars());
    }
    let id = AgentId::new("ana");
    let skills = BTreeMap::from([("billing".to_owned(), 3u8)]);
    let languages = ["en".to_owned(), "zh".to_owned()];
    let channels = [ChannelKind::Sms];
    let attrs = Attributes::new();
    let with_agent = facts.with_agent(AgentFacts {
        id: &id,
        skills: &skills,
        languages: &languages,
        channels: &channels,
        attributes: &attrs,
    });
    for q in config.queues() {
        if let Some(c) = &q.eligible {
            c.evaluate(&with_agent, config.calendars());
        }
        for (_, c) in &q.relax {
            c.evaluate(&with_agent, config.calendars());
        }
    }
}

/// One input, decoded: the configuration and the message's facts.
struct Case {
    config: String,
    ms: u64,
    /// Index into `ChannelKind::BUILT_IN`, or past it for a custom channel.
    channel: Option<usize>,
    contact: Option<Attributes>,
    lang: Option<&'static str>,
    image: bool,
    sentiment: Option<f64>,
    tags: &'static [&'static str],
    new: bool,
    messages: u32,
    bot: Option<BotFacts<'static>>,
    text: String,
}

impl Case {
    fn decode(data: &[u8]) -> Case {
        let mut bytes = Bytes::new(data);
        let [flags, t, m, c, b] = bytes.array::<HEADER>().expect("the header");
        let ms = match TIMES.get(usize::from(t)) {
            Some(&ms) => ms,
            None => SWEEP_START + u64::from(t - 8) * SWEEP_STEP,
        };
        let rules = bytes.until(0xFF);
        let text = String::from_utf8_lossy(bytes.rest()).into_owned();

        let mut config = String::from(PREAMBLE);
        match (flags >> 1) & 3 {
            0 => {}
            1 => config.push_str("\n[defaults]\nbot = \"faq\"\n"),
            2 => config.push_str("\n[defaults]\nqueue = \"a\"\n"),
            _ => config.push_str("\n[defaults]\nqueue = \"b\"\n"),
        }
        if flags & 0x20 != 0 {
            if flags & 6 == 0 {
                config.push_str("\n[defaults]\n");
            }
            config.push_str("timezone = \"Asia/Shanghai\"\n");
        }
        if flags & 8 != 0 {
            config.push_str(
                "\n[contact_attributes]\ntier = \"text\"\norders = \"number\"\n\
                 beta = \"bool\"\nlangs = \"list\"\n",
            );
        }
        if flags & 0x10 != 0 {
            config.push_str(
                "\n[escalation]\nqueue = \"b\"\nphrases = [\"speak to someone\", \"真人客服\"]\n\
                 min_confidence = 0.4\nsentiment_below = -0.6\nhuman_intents = [\"complaint\"]\n\n\
                 [[escalation.rules]]\nid = \"angry\"\nwhen = \"sentiment < -0.8 and text contains '!!'\"\n",
            );
        }
        config.push('\n');
        if flags & 1 != 0 {
            config.push_str(&String::from_utf8_lossy(rules));
        } else {
            generate_rules(&mut Bytes::new(rules), &text, &mut config);
        }

        let channel = match m & 15 {
            c @ 0..=11 => Some(usize::from(c % 8)),
            12 | 13 => Some(ChannelKind::BUILT_IN.len()),
            _ => None,
        };
        let lang = [Some("en"), Some("zh"), Some("de"), None][usize::from((m >> 4) & 3)];
        let sentiment = [None, Some(-0.9), Some(0.4), Some(f64::NAN)][usize::from(m >> 6)];
        let contact = (c & 3 != 3).then(|| {
            let mut a = Attributes::from([
                ("beta".to_owned(), Value::Bool(c & 4 != 0)),
                ("orders".to_owned(), Value::Number(f64::from(c >> 3) - 2.0)),
                ("langs".to_owned(), Value::from(vec!["en", "zh"])),
            ]);
            match c & 3 {
                0 => a.insert("tier".to_owned(), Value::from("vip")),
                1 => a.insert("tier".to_owned(), Value::from("gold")),
                _ => None,
            };
            a
        });
        let bot = (b & 0x40 != 0).then_some(BotFacts {
            intent: Some(if b & 8 != 0 {
                "order_status"
            } else {
                "complaint"
            }),
            confidence: [None, Some(0.1), Some(0.95), None][usize::from((b >> 4) & 3)],
            fallbacks: u32::from(b & 3),
            handoff: b & 4 != 0,
        });
        let tags: &'static [&'static str] = if b & 0x80 != 0 {
            &["vip", "refund"]
        } else {
            &[]
        };
        Case {
            config,
            ms,
            channel,
            contact,
            lang,
            image: flags & 0x40 != 0,
            sentiment,
            tags,
            new: flags & 0x80 != 0,
            messages: u32::from((b >> 1) & 7),
            bot,
            text,
        }
    }

    fn attachment_list(&self) -> Vec<Attachment> {
        if self.image {
            vec![Attachment::new(
                AttachmentKind::Image,
                "https://img.example/a.png",
            )]
        } else {
            Vec::new()
        }
    }

    /// A test replaying the case, to paste into the crate's tests.
    fn reproducer(&self) -> String {
        let mut s = String::from(
            "#[test]\n\
             #[allow(unused_imports)]\n\
             fn router_fuzz_case() {\n    \
                 use switchboard::config::Config;\n    \
                 use switchboard::expr::{BotFacts, ConversationFacts, Facts};\n    \
                 use switchboard::{Attachment, AttachmentKind, Attributes, ChannelKind, Timestamp, Value};\n\n",
        );
        let _ = writeln!(
            s,
            "    let config = match Config::from_toml_str({:?}) {{\n        \
                 Ok(c) => c,\n        \
                 Err(e) => return println!(\"{{e}}\"),\n    \
             }};",
            self.config
        );
        if let Some(i) = self.channel {
            let code = if i < ChannelKind::BUILT_IN.len() {
                format!("ChannelKind::BUILT_IN[{i}].clone()")
            } else {
                "ChannelKind::Custom(\"fax\".into())".to_owned()
            };
            let _ = writeln!(s, "    let channel = {code};");
        }
        if let Some(c) = &self.contact {
            let items: Vec<String> = c
                .iter()
                .map(|(k, v)| format!("({k:?}.to_owned(), {})", value_code(v)))
                .collect();
            let _ = writeln!(
                s,
                "    let contact = Attributes::from([{}]);",
                items.join(", ")
            );
        }
        if self.image {
            s.push_str(
                "    let attachments = [Attachment::new(AttachmentKind::Image, \
                 \"https://img.example/a.png\")];\n",
            );
        } else {
            s.push_str("    let attachments: [Attachment; 0] = [];\n");
        }
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| format!("{t:?}.to_owned()"))
            .collect();
        let _ = writeln!(s, "    let tags = vec![{}];", tags.join(", "));
        let _ = write!(
            s,
            "    let mut facts = Facts::new(Timestamp::from_millis({}))\n        \
                 .with_text({:?})\n        \
                 .with_attachments(&attachments)\n        \
                 .with_conversation(ConversationFacts {{ new: {}, tags: &tags, messages: {}, \
                 ..ConversationFacts::default() }});\n",
            self.ms, self.text, self.new, self.messages
        );
        if self.channel.is_some() {
            s.push_str("    facts = facts.with_channel(&channel);\n");
        }
        if self.contact.is_some() {
            s.push_str("    facts = facts.with_contact(&contact);\n");
        }
        if let Some(l) = self.lang {
            let _ = writeln!(s, "    facts = facts.with_lang({l:?});");
        }
        if let Some(x) = self.sentiment {
            let _ = writeln!(s, "    facts = facts.with_sentiment({});", f64_code(x));
        }
        if let Some(b) = self.bot {
            let _ = writeln!(
                s,
                "    facts = facts.with_bot(BotFacts {{ intent: {:?}, confidence: {}, \
                 fallbacks: {}, handoff: {} }});",
                b.intent,
                b.confidence
                    .map_or("None".to_owned(), |c| format!("Some({})", f64_code(c))),
                b.fallbacks,
                b.handoff
            );
        }
        s.push_str(
            "    let decision = config.router().route(&facts);\n    \
             let (explained, why) = config.router().explain(&facts);\n    \
             assert_eq!(decision, explained, \"{why}\");\n\
             }",
        );
        s
    }
}

fn channel_kind(i: usize) -> ChannelKind {
    ChannelKind::BUILT_IN
        .get(i)
        .cloned()
        .unwrap_or_else(|| ChannelKind::Custom("fax".into()))
}

/// `[[rules]]` entries built from the bytes: mostly valid, sometimes with
/// a mistake the compiler must report.
fn generate_rules(b: &mut Bytes<'_>, text: &str, out: &mut String) {
    let count = 1 + b.byte_or_generated() % 8;
    for i in 0..count {
        let n = b.byte_or_generated();
        let id = match n % 128 {
            127 if i > 0 => "r0".to_owned(),
            126 => " ".to_owned(),
            _ => format!("r{i}"),
        };
        let _ = writeln!(out, "[[rules]]\nid = {}", toml_basic(&id));
        let when = expr(b, 0, text);
        match b.byte_or_generated() % 8 {
            0 => {} // `when` omitted: "true"
            1 | 2 if !when.contains('\'') && !when.chars().any(char::is_control) => {
                let _ = writeln!(out, "when = '{when}'");
            }
            3 if !when.contains("'''") && !when.ends_with('\'') && tomlable_raw(&when) => {
                let _ = writeln!(out, "when = '''\n{when}'''");
            }
            _ => {
                let _ = writeln!(out, "when = {}", toml_basic(&when));
            }
        }
        let (then, routes) = action(b);
        let _ = writeln!(out, "then = {{ {then} }}");
        let cont = b.byte_or_generated();
        if (!routes && cont.is_multiple_of(4)) || cont % 128 == 127 {
            out.push_str("continue = true\n");
        }
        out.push('\n');
    }
}

/// A rule's `then` and whether it routes.
fn action(b: &mut Bytes<'_>) -> (String, bool) {
    let k = b.byte_or_generated();
    let p = b.byte_or_generated() as i8;
    let t = *b.pick_or_generated(TAGS);
    match k % 16 {
        0 => ("queue = \"a\"".to_owned(), true),
        1 => (format!("queue = \"b\", priority = {p}"), true),
        2 => ("bot = \"faq\"".to_owned(), true),
        3 => ("drop = true".to_owned(), true),
        4 => (format!("tags = [{}]", toml_basic(t)), false),
        5 => (format!("priority = {p}"), false),
        6 => ("reply = \"greeting\"".to_owned(), false),
        7 => (
            match p % 3 {
                0 => "set = { tier = \"gold\" }".to_owned(),
                1 => "set = { orders = 5, langs = [\"en\"] }".to_owned(),
                _ => "opt_out = true".to_owned(),
            },
            false,
        ),
        8 => (
            format!(
                "queue = \"a\", tags = [{}, \"vip\"], reply = \"greeting\", priority = {p}",
                toml_basic(t)
            ),
            true,
        ),
        9 => ("bot = \"faq\", tags = [\"bot\"]".to_owned(), true),
        10 => ("queue = \"b\"".to_owned(), true),
        11 => ("tags = [\"vip\"], priority = 5".to_owned(), false),
        12..=14 => ("queue = \"a\", priority = 1".to_owned(), true),
        // Mistakes: an unknown queue, bot or template, two routes, an empty
        // tag, nothing.
        _ => (
            match p.rem_euclid(6) {
                0 => "queue = \"c\"".to_owned(),
                1 => "bot = \"fqa\"".to_owned(),
                2 => "reply = \"greting\"".to_owned(),
                3 => "bot = \"faq\", queue = \"a\"".to_owned(),
                4 => "tags = [\"\"]".to_owned(),
                _ => String::new(),
            },
            false,
        ),
    }
}

/// A condition: fragments joined by `and`, `or`, `not` and parentheses.
fn expr(b: &mut Bytes<'_>, depth: u32, text: &str) -> String {
    let k = b.byte_or_generated();
    if depth >= 3 || k % 8 < 4 {
        return atom(b, text);
    }
    match k % 8 {
        4 | 5 => {
            let sep = if k % 8 == 4 { " and " } else { " or " };
            let n = 2 + usize::from(b.byte_or_generated() % 2);
            let items: Vec<String> = (0..n)
                .map(|_| {
                    let e = expr(b, depth + 1, text);
                    if b.byte_or_generated().is_multiple_of(2) {
                        format!("({e})")
                    } else {
                        e
                    }
                })
                .collect();
            items.join(sep)
        }
        6 => format!("not {}", expr(b, depth + 1, text)),
        _ => {
            let e = expr(b, depth + 1, text);
            match b.byte_or_generated() % 3 {
                0 => format!("({e})"),
                1 => format!("({e}) == true"),
                _ => format!("({e}) != false"),
            }
        }
    }
}

fn atom(b: &mut Bytes<'_>, text: &str) -> String {
    let k = b.byte_or_generated();
    match k % 16 {
        0..=12 => (*b.pick_or_generated(ATOMS)).to_owned(),
        13 => {
            let op = *b.pick_or_generated(&Op::ALL);
            format!(
                "{} {} {}",
                b.pick_or_generated(PATHS),
                op,
                b.pick_or_generated(LITERALS)
            )
        }
        _ => {
            // A keyword or pattern taken from the message, so that it
            // matches now and then.
            let chars: Vec<char> = text.chars().collect();
            let start = usize::from(b.byte_or_generated()) % (chars.len() + 1);
            let len = usize::from(b.byte_or_generated() % 8);
            let word: String = chars[start..].iter().take(len).collect();
            let op = ["contains", "starts_with", "matches", "contains_any", "=="]
                [usize::from(b.byte_or_generated()) % 5];
            if op == "contains_any" {
                format!("text contains_any [{}, 'refund']", quote(&word))
            } else {
                format!("text {op} {}", quote(&word))
            }
        }
    }
}

/// An expression string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A TOML basic string.
fn toml_basic(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a TOML multi-line literal string can hold `s` as is.
fn tomlable_raw(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}
