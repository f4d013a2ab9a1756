//! The expression language: what is printed parses back to the same tree.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use switchboard::Value;
use switchboard::expr::{Expr, ExprKind, Literal, Op, Operand, OperandKind, Path, Span};

use crate::text_gen::fragment;

// ---------------------------------------------------------------------------
// The expression language: printing and parsing.

/// The words that cannot start a path.
const KEYWORDS: [&str; 11] = [
    "true",
    "false",
    "and",
    "or",
    "not",
    "in",
    "has",
    "contains",
    "contains_any",
    "starts_with",
    "matches",
];

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn operand(kind: OperandKind) -> Operand {
    Operand {
        kind,
        span: Span::default(),
    }
}

/// A name as the lexer reads one: a letter or `_`, then letters, digits,
/// `_` and `-`; ASCII or not.
fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_][a-z0-9_-]{0,8}",
        1 => "[\\p{L}_][\\p{L}\\p{N}_-]{0,5}",
    ]
}

/// A dotted path: the first segment is not a keyword, the others may be
/// (`contact.in`).
fn path() -> impl Strategy<Value = Path> {
    let later = prop_oneof![3 => ident(), 1 => select(&KEYWORDS[..]).prop_map(str::to_owned)];
    (
        ident().prop_filter("a keyword cannot start a path", |s| {
            !KEYWORDS.contains(&s.as_str())
        }),
        vec(later, 0..3),
    )
        .prop_map(|(first, rest)| Path {
            segments: std::iter::once(first).chain(rest).collect(),
        })
}

/// Finite numbers: small integers, fractions, and anything from subnormal
/// to `f64::MAX`, negative zero included.
fn number() -> impl Strategy<Value = f64> {
    use prop::num::f64 as f;
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO,
        select(vec![
            -0.0,
            0.1,
            -2.5,
            1e21,
            1e-7,
            f64::MAX,
            f64::MIN,
            5e-324
        ]),
    ]
}

/// Text with the characters quoting must get right: both quotes,
/// backslashes (also before `n`, `t` and quotes), line ends, tabs, CJK.
fn literal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "['\"\\\\nt\n\r\t a-z退款人工🚚]{0,12}",
        1 => any::<String>(),
        1 => fragment(),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        literal_text().prop_map(Value::Text),
    ]
}

/// An operand that is not a group.
fn simple_operand() -> impl Strategy<Value = OperandKind> {
    prop_oneof![
        3 => path().prop_map(OperandKind::Path),
        3 => value().prop_map(OperandKind::Literal),
        1 => vec(value(), 0..4).prop_map(|items| {
            OperandKind::List(
                items
                    .into_iter()
                    .map(|value| Literal {
                        value,
                        span: Span::default(),
                    })
                    .collect(),
            )
        }),
    ]
}

/// Trees the parser can produce: `or` and `and` have two or more items, a
/// lone operand is never a group (parentheses alone are no node), groups
/// appear only as a comparison's operands.
fn expr_tree() -> impl Strategy<Value = Expr> {
    let compare = |lhs: BoxedStrategy<OperandKind>, rhs: BoxedStrategy<OperandKind>| {
        (lhs, select(&Op::ALL[..]), rhs).prop_map(|(lhs, op, rhs)| {
            node(ExprKind::Compare {
                lhs: operand(lhs),
                op,
                rhs: operand(rhs),
            })
        })
    };
    let leaf = prop_oneof![
        1 => simple_operand().prop_map(|o| node(ExprKind::Operand(operand(o)))),
        2 => compare(simple_operand().boxed(), simple_operand().boxed()),
    ];
    leaf.prop_recursive(5, 48, 4, move |inner| {
        let side = prop_oneof![
            3 => simple_operand(),
            1 => inner.clone().prop_map(|e| OperandKind::Group(Box::new(e))),
        ]
        .boxed();
        prop_oneof![
            vec(inner.clone(), 2..4).prop_map(|items| node(ExprKind::Or(items))),
            vec(inner.clone(), 2..4).prop_map(|items| node(ExprKind::And(items))),
            inner.clone().prop_map(|e| node(ExprKind::Not(Box::new(e)))),
            compare(side.clone(), side),
        ]
    })
}

/// Source that is mostly the language's own tokens, with stray characters,
/// so that parsing succeeds often and fails in every way.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => select(vec![
            "text", "contact.tier", "conversation.tags", "bot.fallbacks", "hours.eu", "a.in",
            "true", "false", "and", "or", "not", "in", "not in", "has", "contains",
            "contains_any", "starts_with", "matches", "==", "!=", "<", "<=", ">", ">=", "(",
            ")", "[", "]", ",", ".", "'refund'", "\"退款\"", "'it\\'s'", "'\\d+'", "3", "-0",
            "-1.5", "1_000", "0.", "1e5", "=", "!", "&&", "'", " ",
        ])
        .prop_map(str::to_owned),
        1 => ident(),
        1 => value().prop_map(|v| match v {
            Value::Number(n) => n.to_string(),
            Value::Text(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            other => format!("{other:?}").to_lowercase(),
        }),
        1 => any::<char>().prop_map(String::from),
    ];
    vec(token, 1..24).prop_map(|tokens| tokens.join(" "))
}

/// Spells `e` the way people write, not the way it prints: double quotes,
/// optional escapes, extra parentheses, `1_000` and `3.0`, spaces around
/// dots, trailing commas in lists, tabs and line breaks. The bytes pick
/// the variants (zeros once they run out).
fn spell(e: &Expr, picks: &mut impl Iterator<Item = u8>) -> String {
    let mut out = String::new();
    spell_expr(e, picks, &mut out);
    out
}

fn pick(picks: &mut impl Iterator<Item = u8>, n: u8) -> u8 {
    picks.next().unwrap_or(0) % n
}

fn space(picks: &mut impl Iterator<Item = u8>) -> &'static str {
    [" ", " ", "  ", "\t", "\n ", "\r\n"][usize::from(pick(picks, 6))]
}

fn spell_expr(e: &Expr, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    // Parentheses around a whole condition are no node.
    let extra = pick(picks, 5) == 0;
    if extra {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            let or = matches!(e.kind, ExprKind::Or(_));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(space(picks));
                    out.push_str(if or { "or" } else { "and" });
                    out.push_str(space(picks));
                }
                let nested = match item.kind {
                    ExprKind::Or(_) => true,
                    ExprKind::And(_) => !or,
                    _ => false,
                };
                spell_grouped(item, nested, picks, out);
            }
        }
        ExprKind::Not(inner) => {
            out.push_str("not");
            out.push_str(space(picks));
            let nested = matches!(inner.kind, ExprKind::Or(_) | ExprKind::And(_));
            spell_grouped(inner, nested, picks, out);
        }
        ExprKind::Compare { lhs, op, rhs } => {
            spell_operand(lhs, picks, out);
            let symbolic = !op.as_str().starts_with(char::is_alphabetic);
            let tight = symbolic && pick(picks, 3) == 0;
            if !tight {
                out.push_str(space(picks));
            }
            if *op == Op::NotIn {
                out.push_str("not");
                out.push_str(space(picks));
                out.push_str("in");
            } else {
                out.push_str(op.as_str());
            }
            if !tight {
                out.push_str(space(picks));
            }
            spell_operand(rhs, picks, out);
        }
        ExprKind::Operand(o) => spell_operand(o, picks, out),
        _ => unreachable!("the generator makes no other kinds"),
    }
    if extra {
        out.push(')');
    }
}

fn spell_grouped(e: &Expr, parens: bool, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    if parens {
        out.push('(');
    }
    spell_expr(e, picks, out);
    if parens {
        out.push(')');
    }
}

fn spell_operand(o: &Operand, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    match &o.kind {
        OperandKind::Path(p) => {
            for (i, seg) in p.segments.iter().enumerate() {
                if i > 0 {
                    out.push_str([".", ".", " . ", "\n."][usize::from(pick(picks, 4))]);
                }
                out.push_str(seg);
            }
        }
        OperandKind::Literal(v) => spell_value(v, picks, out),
        OperandKind::List(items) => {
            out.push('[');
            for (i, l) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str([", ", ",", " ,\n"][usize::from(pick(picks, 3))]);
                }
                spell_value(&l.value, picks, out);
            }
            if !items.is_empty() && pick(picks, 4) == 0 {
                out.push(',');
            }
            out.push(']');
        }
        OperandKind::Group(g) => {
            out.push('(');
            spell_expr(g, picks, out);
            out.push(')');
        }
        _ => unreachable!("the generator makes no other kinds"),
    }
}

fn spell_value(v: &Value, picks: &mut impl Iterator<Item = u8>, out: &mut String) {
    match v {
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => {
            let canonical = n.to_string();
            match pick(picks, 4) {
                // 3 as 3.0, 0.5 as 0.50.
                0 if canonical.contains('.') => out.push_str(&format!("{canonical}0")),
                0 => out.push_str(&format!("{canonical}.0")),
                // A digit separator after the first digit.
                1 => {
                    let at = canonical
                        .find(|c: char| c.is_ascii_digit())
                        .map_or(0, |i| i + 1);
                    let (head, tail) = canonical.split_at(at);
                    out.push_str(head);
                    if tail.starts_with(|c: char| c.is_ascii_digit()) {
                        out.push('_');
                    }
                    out.push_str(tail);
                }
                // A leading zero.
                2 => match canonical.strip_prefix('-') {
                    Some(abs) => out.push_str(&format!("-0{abs}")),
                    None => out.push_str(&format!("0{canonical}")),
                },
                _ => out.push_str(&canonical),
            }
        }
        Value::Text(s) => {
            let quote = if pick(picks, 2) == 0 { '\'' } else { '"' };
            out.push(quote);
            let chars: Vec<char> = s.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                match c {
                    '\\' => {
                        // A backslash may stand alone, as in `\d`, before a
                        // character that is not written as or into an
                        // escape.
                        let alone = chars.get(i + 1).is_some_and(|n| {
                            !matches!(n, '\\' | '\'' | '"' | 'n' | 't' | '\n' | '\t')
                        });
                        let doubled = !alone || pick(picks, 2) == 0;
                        out.push_str(if doubled { "\\\\" } else { "\\" });
                    }
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\'' | '"' if pick(picks, 2) == 0 => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\n' if pick(picks, 2) == 0 => out.push_str("\\n"),
                    '\t' if pick(picks, 2) == 0 => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push(quote);
        }
        Value::List(_) => unreachable!("literals are text, numbers or booleans"),
    }
}

/// What the fuzz target `expr_parse` checks: print → parse gives the same
/// tree and print → parse → print the same string.
fn check_print_parse(e: &Expr) -> Result<(), TestCaseError> {
    let printed = e.to_string();
    let again = match Expr::parse(&printed) {
        Ok(again) => again,
        Err(err) => {
            return Err(TestCaseError::fail(format!(
                "{printed:?} does not parse: {} at {:?}\n{e:?}",
                err.message(),
                err.span()
            )));
        }
    };
    prop_assert!(
        again.same_as(e),
        "{printed:?} parses to another tree\nfirst: {e:?}\nagain: {again:?}"
    );
    prop_assert_eq!(again.to_string(), printed);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// (a) The printed form of any tree the parser can produce parses back
    /// to the same tree, and prints the same.
    #[test]
    fn printed_expression_trees_parse_back(e in expr_tree()) {
        check_print_parse(&e)?;
    }

    /// (b) The same trees spelled the way people write them parse to the
    /// same tree, and print → parse → print is a fixed point.
    #[test]
    fn hand_written_spellings_parse_to_the_same_tree(
        e in expr_tree(),
        picks in vec(any::<u8>(), 0..256),
    ) {
        let src = spell(&e, &mut picks.into_iter());
        let parsed = match Expr::parse(&src) {
            Ok(parsed) => parsed,
            Err(err) => {
                return Err(TestCaseError::fail(format!(
                    "{src:?} does not parse: {} at {:?}\n{e:?}",
                    err.message(),
                    err.span()
                )));
            }
        };
        prop_assert!(
            parsed.same_as(&e),
            "{src:?} parses to another tree\nwanted: {e:?}\ngot:    {parsed:?}"
        );
        check_print_parse(&parsed)?;
    }

    /// (c) Parsing never panics; what parses prints to a fixed point of
    /// print → parse → print.
    #[test]
    fn parsing_never_panics_and_printing_is_a_fixed_point(
        src in prop_oneof![3 => token_soup(), 1 => any::<String>()],
    ) {
        if let Ok(e) = Expr::parse(&src) {
            check_print_parse(&e)?;
        }
    }
}
