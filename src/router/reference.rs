//! A plain tree-walking interpreter of the rules, written independently of
//! the compiled router, and a differential property test: for random rule
//! sets and messages, the single-scan router decides exactly as the
//! interpreter does.

use proptest::prelude::*;
use regex::RegexBuilder;

use crate::config::{ActionSpec, Config, ConfigSpec, QueueSpec, RuleSpec};
use crate::expr::{Expr, ExprKind, Facts, Op, Operand, OperandKind, fold};
use crate::model::{Attributes, ChannelKind, Timestamp, Value};
use crate::router::{Decision, Route};

#[derive(Clone, Debug, PartialEq)]
enum V {
    Bool(bool),
    Num(f64),
    Text(String),
    List(Vec<V>),
}

fn of(v: &Value) -> V {
    match v {
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) => V::Num(*n),
        Value::Text(s) => V::Text(s.clone()),
        Value::List(l) => V::List(l.iter().map(of).collect()),
    }
}

fn lookup(path: &[String], f: &Facts<'_>) -> Option<V> {
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    match names.as_slice() {
        ["text"] => Some(V::Text(f.text.to_owned())),
        ["channel"] => f.channel.map(|c| V::Text(c.as_str().to_owned())),
        ["lang"] => f.lang.map(|l| V::Text(l.to_owned())),
        ["contact", k] => f.contact?.get(*k).map(of),
        ["conversation", "new"] => Some(V::Bool(f.conversation.new)),
        _ => panic!("reference interpreter does not know {names:?}"),
    }
}

fn operand(o: &Operand, f: &Facts<'_>) -> Option<V> {
    match &o.kind {
        OperandKind::Path(p) => lookup(&p.segments, f),
        OperandKind::Literal(v) => Some(of(v)),
        OperandKind::List(items) => Some(V::List(items.iter().map(|l| of(&l.value)).collect())),
        OperandKind::Group(e) => Some(V::Bool(eval(e, f))),
    }
}

pub(super) fn eval(e: &Expr, f: &Facts<'_>) -> bool {
    match &e.kind {
        ExprKind::Or(items) => items.iter().any(|i| eval(i, f)),
        ExprKind::And(items) => items.iter().all(|i| eval(i, f)),
        ExprKind::Not(inner) => !eval(inner, f),
        ExprKind::Operand(o) => operand(o, f) == Some(V::Bool(true)),
        ExprKind::Compare { lhs, op, rhs } => {
            let (Some(l), Some(r)) = (operand(lhs, f), operand(rhs, f)) else {
                return false;
            };
            let list = |v: &V| match v {
                V::List(items) => Some(items.clone()),
                _ => None,
            };
            match op {
                Op::Eq => l == r,
                Op::Ne => l != r,
                Op::Lt | Op::Le | Op::Gt | Op::Ge => match (l, r) {
                    (V::Num(a), V::Num(b)) => match op {
                        Op::Lt => a < b,
                        Op::Le => a <= b,
                        Op::Gt => a > b,
                        _ => a >= b,
                    },
                    _ => false,
                },
                Op::In => list(&r).is_some_and(|items| items.contains(&l)),
                Op::NotIn => list(&r).is_some_and(|items| !items.contains(&l)),
                Op::Has => list(&l).is_some_and(|items| items.contains(&r)),
                Op::Contains | Op::StartsWith | Op::ContainsAny => {
                    let V::Text(hay) = l else { return false };
                    let hay = fold(&hay);
                    let needles = match r {
                        V::Text(n) => vec![n],
                        V::List(items) => items
                            .into_iter()
                            .filter_map(|i| match i {
                                V::Text(t) => Some(t),
                                _ => None,
                            })
                            .collect(),
                        _ => return false,
                    };
                    needles.iter().any(|n| {
                        let n = fold(n);
                        if *op == Op::StartsWith {
                            hay.starts_with(&n)
                        } else {
                            hay.contains(&n)
                        }
                    })
                }
                Op::Matches => match (l, r) {
                    // `\b` is an ASCII word boundary by the language's definition.
                    (V::Text(hay), V::Text(p)) => {
                        RegexBuilder::new(&crate::expr::ascii_word_boundaries(&p))
                            .case_insensitive(true)
                            .build()
                            .is_ok_and(|re| re.is_match(&hay))
                    }
                    _ => false,
                },
            }
        }
    }
}

/// Routes by walking every rule in order.
fn reference_route(spec: &ConfigSpec, f: &Facts<'_>) -> Decision {
    let mut d = Decision::default();
    let mut priority: Option<i32> = None;
    for r in &spec.rules {
        let e = Expr::parse(&r.when).expect("generated rules parse");
        if !eval(&e, f) {
            continue;
        }
        d.matched.push(crate::model::RuleId::new(r.id.clone()));
        for t in &r.then.tags {
            if !d.tags.contains(t) {
                d.tags.push(t.clone());
            }
        }
        if let Some(p) = r.then.priority {
            priority = Some(priority.map_or(p, |q| q.max(p)));
        }
        if r.then.reply.is_some() {
            d.reply.clone_from(&r.then.reply);
        }
        let route = if let Some(q) = &r.then.queue {
            Some(Route::Queue {
                queue: q.as_str().into(),
                priority: priority.unwrap_or(0),
            })
        } else if let Some(b) = &r.then.bot {
            Some(Route::Bot {
                bot: b.as_str().into(),
            })
        } else if r.then.drop {
            Some(Route::Drop)
        } else {
            None
        };
        if route.is_some() {
            d.route = route;
            d.rule = Some(crate::model::RuleId::new(r.id.clone()));
            return d;
        }
    }
    d.route = spec.defaults.queue.as_ref().map(|q| Route::Queue {
        queue: q.as_str().into(),
        priority: priority.unwrap_or(0),
    });
    d
}

const WORDS: [&str; 14] = [
    "refund",
    "REFUND",
    "Refunds",
    "退款",
    "人工",
    "转人工",
    "agent",
    "Straße",
    "strasse",
    "order",
    "ＶＩＰ",
    "vip",
    "hello",
    "客服",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS.to_vec()).prop_map(str::to_owned)
}

fn quoted(s: &str) -> String {
    format!("'{s}'")
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        word().prop_map(|w| format!("text contains {}", quoted(&w))),
        prop::collection::vec(word(), 1..4).prop_map(|ws| {
            let list: Vec<_> = ws.iter().map(|w| quoted(w)).collect();
            format!("text contains_any [{}]", list.join(", "))
        }),
        word().prop_map(|w| format!("text starts_with {}", quoted(&w))),
        prop::sample::select(vec![
            r"order\s*#?\d{3,}",
            r"\bagent\b",
            r"^hello",
            r"退款|人工",
            r"(?-i)Refund"
        ])
        .prop_map(|p| format!("text matches '{p}'")),
        prop::sample::select(vec!["sms", "whatsapp", "webchat"])
            .prop_map(|c| format!("channel == '{c}'")),
        Just("channel in ['sms', 'whatsapp']".to_owned()),
        prop::sample::select(vec!["en", "zh", "de"]).prop_map(|l| format!("lang == '{l}'")),
        Just("lang not in ['en']".to_owned()),
        prop::sample::select(vec!["vip", "gold"]).prop_map(|t| format!("contact.tier == '{t}'")),
        Just("contact.tier != 'vip'".to_owned()),
        (prop::sample::select(vec![">", ">=", "<", "<="]), -2..22i32)
            .prop_map(|(op, n)| format!("contact.orders {op} {n}")),
        (prop::sample::select(vec![">", "<="]), -2..22i32)
            .prop_map(|(op, n)| format!("contact.orders {op} {n}.5")),
        Just("contact.beta".to_owned()),
        Just("conversation.new".to_owned()),
        Just("true".to_owned()),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or ({b})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            inner.prop_map(|a| format!("({a}) == true")),
        ]
    })
}

fn action() -> impl Strategy<Value = (ActionSpec, bool)> {
    prop_oneof![
        3 => prop::sample::select(vec!["a", "b"]).prop_map(|q| (ActionSpec::queue(q), false)),
        1 => Just((ActionSpec::bot("faq"), false)),
        1 => Just((ActionSpec::drop_message(), false)),
        2 => (prop::sample::select(vec!["x", "y"]), prop::option::of(-5..10i32)).prop_map(|(t, p)| {
            let mut a = ActionSpec::default().with_tags([t]);
            a.priority = p;
            (a, true)
        }),
        1 => (0..10i32).prop_map(|p| (ActionSpec::queue("a").with_priority(p), false)),
    ]
}

fn rules() -> impl Strategy<Value = Vec<RuleSpec>> {
    prop::collection::vec((condition(), action()), 1..12).prop_map(|rs| {
        rs.into_iter()
            .enumerate()
            .map(|(i, (when, (then, cont)))| {
                let r = RuleSpec::new(format!("r{i}"), when, then);
                if cont { r.continuing() } else { r }
            })
            .collect()
    })
}

fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            word(),
            "[a-zA-Z0-9 #]{0,6}",
            Just(" ".to_owned()),
            Just("order #12345".to_owned())
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compiled_router_decides_exactly_as_the_interpreter(
        rules in rules(),
        text in message(),
        channel in prop::sample::select(vec![ChannelKind::Sms, ChannelKind::WhatsApp, ChannelKind::WebChat]),
        lang in prop::option::of(prop::sample::select(vec!["en", "zh", "de"])),
        tier in prop::option::of(prop::sample::select(vec!["vip", "gold"])),
        orders in prop::option::of(0..20i32),
        beta in prop::option::of(any::<bool>()),
        new in any::<bool>(),
        default_queue in any::<bool>(),
    ) {
        let mut spec = ConfigSpec::default();
        spec.queues = vec![QueueSpec::new("a"), QueueSpec::new("b")];
        spec.bots.insert("faq".into(), Default::default());
        if default_queue {
            spec.defaults.queue = Some("b".into());
        }
        spec.rules = rules;
        let config = Config::from_spec(spec.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;

        let mut contact = Attributes::new();
        if let Some(t) = tier { contact.insert("tier".into(), Value::from(t)); }
        if let Some(o) = orders { contact.insert("orders".into(), Value::from(o)); }
        if let Some(b) = beta { contact.insert("beta".into(), Value::from(b)); }
        let mut facts = Facts::new(Timestamp::EPOCH).with_channel(&channel).with_text(&text).with_contact(&contact);
        facts.conversation.new = new;
        if let Some(l) = lang { facts = facts.with_lang(l); }

        let expected = reference_route(&spec, &facts);
        let got = config.router().route(&facts);
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(&config.router().explain(&facts).0, &expected);
    }
}

#[test]
fn the_reference_interpreter_agrees_on_a_known_case() {
    let mut spec = ConfigSpec::default();
    spec.queues = vec![QueueSpec::new("a")];
    spec.rules = vec![RuleSpec::new(
        "r",
        "text contains '退款' and not (channel == 'sms')",
        ActionSpec::queue("a"),
    )];
    let wa = ChannelKind::WhatsApp;
    let facts = Facts::new(Timestamp::EPOCH)
        .with_channel(&wa)
        .with_text("我要退款");
    assert_eq!(
        reference_route(&spec, &facts)
            .rule
            .map(|r| r.as_str().to_owned()),
        Some("r".into())
    );
}
