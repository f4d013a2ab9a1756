//! What an invitation's condition reads, found once when it compiles: the
//! times on page at which it may change, and whether it reads
//! `queue.ready`.
//!
//! A condition such as `visit.time_on_page >= 30` turns true while the
//! visitor reads the page, with no input to notice it. The engine sets a
//! timer for the moment instead: the syntax tree is walked for every
//! comparison of `visit.time_on_page` with a number (either way round,
//! inside `and`, `or`, `not` and parentheses, and with each number of a
//! list), and each such number becomes the first whole millisecond on the
//! page at which the comparison can change.

use std::time::Duration;

use crate::expr::{Expr, ExprKind, Op, Operand, OperandKind};
use crate::model::Value;

/// The path of the time on page.
const TIME_ON_PAGE: [&str; 2] = ["visit", "time_on_page"];

/// Whether `o` is the path `path`.
fn is_path(o: &Operand, path: &[&str]) -> bool {
    matches!(&o.kind, OperandKind::Path(p) if p.segments.iter().map(String::as_str).eq(path.iter().copied()))
}

/// The numbers of a literal operand: one, or each number of a list.
fn numbers(o: &Operand) -> Vec<f64> {
    match &o.kind {
        OperandKind::Literal(Value::Number(x)) => vec![*x],
        OperandKind::List(items) => items
            .iter()
            .filter_map(|l| match l.value {
                Value::Number(x) => Some(x),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The first whole millisecond `m` at which the time on page, read as
/// `m / 1000` seconds (as the engine computes it), is at least `x`
/// (`strict`: more than `x`); `None` for a number no time reaches.
fn first_ms(x: f64, strict: bool) -> Option<u64> {
    if x.is_nan() {
        return None;
    }
    if x < 0.0 {
        // Every time on page is past a negative number.
        return Some(0);
    }
    let holds = |m: u64| {
        let secs = m as f64 / 1000.0;
        if strict { secs > x } else { secs >= x }
    };
    // Floating point puts `x * 1000` within a step of the answer: start
    // just below it and step up.
    let mut m = ((x * 1000.0).floor() as u64).saturating_sub(1);
    for _ in 0..4 {
        if holds(m) {
            return Some(m);
        }
        m = m.checked_add(1)?;
    }
    holds(m).then_some(m)
}

/// Adds to `out` the times on page (in milliseconds) at which `e` may
/// change value.
pub(crate) fn time_points(e: &Expr, out: &mut Vec<u64>) {
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            items.iter().for_each(|i| time_points(i, out));
        }
        ExprKind::Not(inner) => time_points(inner, out),
        ExprKind::Operand(o) => operand_points(o, out),
        ExprKind::Compare { lhs, op, rhs } => {
            operand_points(lhs, out);
            operand_points(rhs, out);
            let other = if is_path(lhs, &TIME_ON_PAGE) {
                rhs
            } else if is_path(rhs, &TIME_ON_PAGE) {
                lhs
            } else {
                return;
            };
            // A comparison and its negation change at the same moment, and
            // `x < top` is `top > x`: only strictness matters, and it
            // flips with the sides.
            let flipped = is_path(rhs, &TIME_ON_PAGE);
            for x in numbers(other) {
                let strict = match (op, flipped) {
                    (Op::Gt | Op::Le, false) | (Op::Lt | Op::Ge, true) => vec![true],
                    (Op::Ge | Op::Lt, false) | (Op::Le | Op::Gt, true) => vec![false],
                    // Equal from `x` on, unequal again just after.
                    _ => vec![false, true],
                };
                out.extend(strict.into_iter().filter_map(|s| first_ms(x, s)));
            }
        }
    }
}

fn operand_points(o: &Operand, out: &mut Vec<u64>) {
    if let OperandKind::Group(g) = &o.kind {
        time_points(g, out);
    }
}

/// Whether `e` reads the fact at `path` anywhere.
pub(crate) fn reads(e: &Expr, path: &[&str]) -> bool {
    let operand = |o: &Operand| match &o.kind {
        OperandKind::Group(g) => reads(g, path),
        _ => is_path(o, path),
    };
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => items.iter().any(|i| reads(i, path)),
        ExprKind::Not(inner) => reads(inner, path),
        ExprKind::Operand(o) => operand(o),
        ExprKind::Compare { lhs, rhs, .. } => operand(lhs) || operand(rhs),
    }
}

/// The time-on-page points of `e`, sorted, without repeats.
pub(crate) fn thresholds(e: &Expr) -> Vec<Duration> {
    let mut ms = Vec::new();
    time_points(e, &mut ms);
    ms.sort_unstable();
    ms.dedup();
    ms.into_iter().map(Duration::from_millis).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(src: &str) -> Vec<u64> {
        let e = Expr::parse(src).unwrap();
        thresholds(&e)
            .into_iter()
            .map(|d| d.as_millis() as u64)
            .collect()
    }

    #[test]
    fn each_comparison_gives_the_first_millisecond_it_changes() {
        assert_eq!(points("visit.time_on_page >= 30"), [30_000]);
        assert_eq!(points("visit.time_on_page > 30"), [30_001]);
        assert_eq!(points("30 < visit.time_on_page"), [30_001]);
        assert_eq!(points("30 <= visit.time_on_page"), [30_000]);
        assert_eq!(points("not (visit.time_on_page < 0.3)"), [300]);
        assert_eq!(points("visit.time_on_page == 2.5"), [2_500, 2_501]);
        assert_eq!(
            points("visit.time_on_page in [10, 5]"),
            [5_000, 5_001, 10_000, 10_001]
        );
    }

    #[test]
    fn conjunctions_groups_and_other_facts_are_walked() {
        assert_eq!(
            points(
                "visit.url contains 'x' and (visit.time_on_page >= 60 or visit.time_on_page > 10)"
            ),
            [10_001, 60_000]
        );
        assert_eq!(points("visit.pages > 3"), Vec::<u64>::new());
        assert_eq!(
            points("visit.time_on_page > visit.pages"),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn the_first_millisecond_agrees_with_the_evaluator() {
        for x in [0.0, 0.001, 0.1, 0.3, 1.0 / 3.0, 29.999, 30.0, 1e6 + 0.1] {
            for strict in [false, true] {
                let m = first_ms(x, strict).unwrap();
                let secs = |m: u64| m as f64 / 1000.0;
                let holds = |s: f64| if strict { s > x } else { s >= x };
                assert!(holds(secs(m)), "{x} {strict} {m}");
                assert!(m == 0 || !holds(secs(m - 1)), "{x} {strict} {m}");
            }
        }
        assert_eq!(first_ms(1e300, false), None);
    }

    #[test]
    fn reads_finds_a_path_anywhere() {
        let e = Expr::parse("visit.pages > 1 and (queue.ready >= 2 or false)").unwrap();
        assert!(reads(&e, &["queue", "ready"]));
        assert!(!reads(&e, &["queue", "wait"]));
    }
}
