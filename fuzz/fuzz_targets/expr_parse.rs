//! Fuzzes the expression language: `Expr::parse` on any text, the printed
//! form, `Schema::check` and `Condition::compile` / `evaluate`.
//!
//! The input, when it is valid UTF-8, is the expression source (inputs over
//! 64 KiB are skipped). Checks that:
//!
//! * nothing panics, whatever the source;
//! * when it parses, the printed form parses again to the same tree
//!   (`same_as`), and printing that gives the identical string (print →
//!   parse → print is a fixed point);
//! * `Schema::default().check` runs in the routing and eligibility contexts
//!   (an error is fine), and when it accepts the expression,
//!   `Condition::compile` in that context accepts it too, and the condition
//!   evaluates without panicking on facts built from the input: the source
//!   itself as the message text, a channel, a time and a language picked by
//!   its bytes, and a value for every `contact.<name>` it mentions.
//!
//! On a failure the harness prints the input as a Rust string literal, ready
//! to paste into a test.
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run expr_parse -- -max_total_time=60`; reproduce a
//! crash with `cargo +nightly fuzz run expr_parse fuzz/artifacts/expr_parse/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::collections::BTreeMap;
use switchboard::calendar::Calendars;
use switchboard::expr::{
    AgentFacts, BotFacts, Condition, Context, ConversationFacts, Expr, ExprKind, Facts, Operand,
    OperandKind, Schema,
};
use switchboard::{AgentId, Attributes, ChannelKind, QueueId, Timestamp, Value};
use switchboard_fuzz::{fnv1a, start_input, value_code};

use std::time::Duration;

const MAX_INPUT: usize = 64 * 1024;
const LANGS: [&str; 4] = ["en", "zh", "de", "es"];

thread_local! {
    /// The code building the facts of the source being run, once known:
    /// what the panic hook prints after the source.
    static FACTS: RefCell<Option<String>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    start_input("expr_parse", data, reproducer);
    FACTS.with(|f| *f.borrow_mut() = None);

    let Ok(e) = Expr::parse(src) else {
        return;
    };
    check_round_trip(&e);

    let schema = Schema::default();
    let route_ok = schema.check(&e, Context::Route).is_ok();
    let elig_ok = schema.check(&e, Context::Eligibility).is_ok();
    if !route_ok && !elig_ok {
        return;
    }

    let case = Case::new(src, &e);
    FACTS.with(|f| *f.borrow_mut() = Some(case.code()));
    let channel = ChannelKind::BUILT_IN[case.channel].clone();
    let tags = ["refund".to_owned()];
    let queue = QueueId::new("billing");
    let id = AgentId::new("ana");
    let skills = BTreeMap::from([("billing".to_owned(), case.b % 11)]);
    let languages = [case.lang.to_owned(), "en".to_owned()];
    let channels = [channel.clone()];
    let (b, n) = (case.b, case.src.len());
    let facts = Facts::new(Timestamp::from_millis(case.ms))
        .with_channel(&channel)
        .with_text(src)
        .with_lang(case.lang)
        .with_contact(&case.contact)
        .with_conversation(ConversationFacts {
            new: n.is_multiple_of(2),
            tags: &tags,
            messages: (n % 7) as u32,
            queue: Some(&queue),
            reopened: b.is_multiple_of(3),
            lang: Some(case.lang),
            channel: Some(&channel),
            priority: Some(i32::from(b) - 128),
            waited: Some(Duration::from_secs(u64::from(b))),
            origin: Some(["customer", "notification", "invitation"][n % 3]),
            campaign: b.is_multiple_of(2).then_some("order_delayed"),
        })
        .with_bot(BotFacts {
            intent: Some("order_status"),
            confidence: Some(f64::from(b) / 255.0),
            fallbacks: u32::from(b % 4),
            handoff: b % 2 == 1,
        })
        .with_sentiment(f64::from(b) / 127.5 - 1.0)
        .with_agent(AgentFacts {
            id: &id,
            skills: &skills,
            languages: &languages,
            channels: &channels,
            attributes: &case.contact,
        });
    let bare = Facts::new(Timestamp::from_millis(case.ms));
    let calendars = Calendars::default();
    for (ctx, ok) in [(Context::Route, route_ok), (Context::Eligibility, elig_ok)] {
        if !ok {
            continue;
        }
        let cond = Condition::compile(src, &schema, ctx).unwrap_or_else(|errs| {
            panic!("Schema::check accepts it in {ctx:?} but Condition::compile fails: {errs:?}")
        });
        cond.evaluate(&facts, &calendars);
        cond.evaluate(&bare, &calendars);
    }
});

/// Print → parse gives the same tree, and print → parse → print the same
/// string.
fn check_round_trip(e: &Expr) {
    let printed = e.to_string();
    let again = Expr::parse(&printed).unwrap_or_else(|err| {
        panic!("the printed form does not parse: {err:?}\n  printed: {printed:?}")
    });
    assert!(
        again.same_as(e),
        "the printed form parses to a different tree\n  printed: {printed:?}\n  \
         first:   {e:?}\n  again:   {again:?}"
    );
    let reprinted = again.to_string();
    assert_eq!(
        reprinted, printed,
        "print → parse → print is not a fixed point"
    );
}

/// What the facts are made of, picked by the input's bytes.
struct Case<'s> {
    src: &'s str,
    /// The first byte.
    b: u8,
    /// Milliseconds since the epoch: any u64, hostile times included.
    ms: u64,
    /// Index into `ChannelKind::BUILT_IN`.
    channel: usize,
    lang: &'static str,
    /// A few fixed attributes, and a value for every `contact.<name>` the
    /// expression reads.
    contact: Attributes,
}

impl<'s> Case<'s> {
    fn new(src: &'s str, e: &Expr) -> Self {
        let bytes = src.as_bytes();
        let b = bytes[0];
        let mut contact = Attributes::from([
            ("tier".to_owned(), Value::from("vip")),
            ("orders".to_owned(), Value::from(3)),
            ("beta".to_owned(), Value::from(true)),
            ("langs".to_owned(), Value::from(vec!["en", "zh"])),
        ]);
        let words: Vec<&str> = src.split_whitespace().collect();
        let mut names = Vec::new();
        contact_names(e, &mut names);
        for (i, name) in names.into_iter().enumerate() {
            let k = bytes[i % bytes.len()];
            let word = words[usize::from(k) % words.len()];
            let value = match k % 5 {
                0 => Value::from(word),
                1 => Value::Number(f64::from(k) - 100.0),
                2 => Value::Bool(k.is_multiple_of(2)),
                3 => Value::from(vec![word, "en"]),
                _ => continue,
            };
            contact.insert(name, value);
        }
        let hash = fnv1a(bytes);
        let ms = match b % 4 {
            0 => hash,
            // Mostly plausible times, 1970 to 2100.
            _ => hash % 4_102_444_800_000,
        };
        Case {
            src,
            b,
            ms,
            channel: bytes.len() % ChannelKind::BUILT_IN.len(),
            lang: LANGS[usize::from(bytes[bytes.len() - 1]) % LANGS.len()],
            contact,
        }
    }

    /// Rust statements building the same `facts` as the harness.
    fn code(&self) -> String {
        let (b, n) = (self.b, self.src.len());
        let contact: Vec<String> = self
            .contact
            .iter()
            .map(|(k, v)| format!("({k:?}.to_owned(), {})", value_code(v)))
            .collect();
        format!(
            "    let channel = ChannelKind::BUILT_IN[{channel}].clone();\n    \
             let contact = Attributes::from([{contact}]);\n    \
             let tags = [\"refund\".to_owned()];\n    \
             let queue = QueueId::new(\"billing\");\n    \
             let id = AgentId::new(\"ana\");\n    \
             let skills = BTreeMap::from([(\"billing\".to_owned(), {skill}u8)]);\n    \
             let languages = [{lang:?}.to_owned(), \"en\".to_owned()];\n    \
             let channels = [channel.clone()];\n    \
             let facts = Facts::new(Timestamp::from_millis({ms}))\n        \
                 .with_channel(&channel)\n        \
                 .with_text(src)\n        \
                 .with_lang({lang:?})\n        \
                 .with_contact(&contact)\n        \
                 .with_conversation(ConversationFacts {{\n            \
                     new: {new},\n            \
                     tags: &tags,\n            \
                     messages: {messages},\n            \
                     queue: Some(&queue),\n            \
                     reopened: {reopened},\n            \
                     lang: Some({lang:?}),\n            \
                     channel: Some(&channel),\n            \
                     priority: Some({priority}),\n            \
                     waited: Some(Duration::from_secs({b})),\n            \
                     origin: Some({origin:?}),\n            \
                     campaign: {campaign:?},\n        \
                 }})\n        \
                 .with_bot(BotFacts {{\n            \
                     intent: Some(\"order_status\"),\n            \
                     confidence: Some({confidence:?}),\n            \
                     fallbacks: {fallbacks},\n            \
                     handoff: {handoff},\n        \
                 }})\n        \
                 .with_sentiment({sentiment:?})\n        \
                 .with_agent(AgentFacts {{\n            \
                     id: &id,\n            \
                     skills: &skills,\n            \
                     languages: &languages,\n            \
                     channels: &channels,\n            \
                     attributes: &contact,\n        \
                 }});\n    \
             let bare = Facts::new(Timestamp::from_millis({ms}));\n    \
             for ctx in [Context::Route, Context::Eligibility] {{\n        \
                 if let Ok(cond) = Condition::compile(src, &Schema::default(), ctx) {{\n            \
                     cond.evaluate(&facts, &Calendars::default());\n            \
                     cond.evaluate(&bare, &Calendars::default());\n        \
                 }}\n    \
             }}\n",
            channel = self.channel,
            contact = contact.join(", "),
            skill = b % 11,
            lang = self.lang,
            ms = self.ms,
            new = n.is_multiple_of(2),
            origin = ["customer", "notification", "invitation"][n % 3],
            campaign = b.is_multiple_of(2).then_some("order_delayed"),
            messages = n % 7,
            reopened = b.is_multiple_of(3),
            priority = i32::from(b) - 128,
            confidence = f64::from(b) / 255.0,
            fallbacks = b % 4,
            handoff = b % 2 == 1,
            sentiment = f64::from(b) / 127.5 - 1.0,
        )
    }
}

/// The `<name>` of every `contact.<name>` in the tree.
fn contact_names(e: &Expr, out: &mut Vec<String>) {
    let operand = |o: &Operand, out: &mut Vec<String>| match &o.kind {
        OperandKind::Path(p) if p.segments.len() == 2 && p.segments[0] == "contact" => {
            out.push(p.segments[1].clone());
        }
        OperandKind::Group(g) => contact_names(g, out),
        _ => {}
    };
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            items.iter().for_each(|i| contact_names(i, out));
        }
        ExprKind::Not(inner) => contact_names(inner, out),
        ExprKind::Compare { lhs, rhs, .. } => {
            operand(lhs, out);
            operand(rhs, out);
        }
        ExprKind::Operand(o) => operand(o, out),
        _ => {}
    }
}

/// A test replaying the input, to paste into the crate's tests.
fn replay_test(src: &str, facts: Option<&str>) -> String {
    format!(
        "#[test]\n\
         #[allow(unused_imports)]\n\
         fn expr_parse_fuzz_case() {{\n    \
             use std::collections::BTreeMap;\n    \
             use std::time::Duration;\n    \
             use switchboard::calendar::Calendars;\n    \
             use switchboard::expr::*;\n    \
             use switchboard::{{AgentId, Attributes, ChannelKind, QueueId, Timestamp, Value}};\n\n    \
             let src = {src:?};\n    \
             let e = Expr::parse(src).unwrap();\n    \
             let printed = e.to_string();\n    \
             let again = Expr::parse(&printed).unwrap();\n    \
             assert!(again.same_as(&e), \"{{printed:?}}\");\n    \
             assert_eq!(again.to_string(), printed);\n    \
             let _ = Schema::default().check(&e, Context::Route);\n    \
             let _ = Schema::default().check(&e, Context::Eligibility);\n\
             {facts}\
         }}",
        facts = facts.unwrap_or("")
    )
}

/// The panic hook's reproducer: [`replay_test`] of the source (the input,
/// which is valid UTF-8) with its facts, once known.
fn reproducer(input: &[u8]) -> Option<String> {
    let src = std::str::from_utf8(input).ok()?;
    let facts = FACTS
        .try_with(|f| f.try_borrow().ok()?.clone())
        .ok()
        .flatten();
    Some(replay_test(src, facts.as_deref()))
}
