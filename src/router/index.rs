//! Which rules can possibly match a message, so the others are never
//! evaluated.
//!
//! Each rule gets an *anchor*: a set of cheap facts one of which must hold
//! for the rule to match. A text condition anchors on its atoms (from the
//! single scan); `channel == 'sms'`, `lang in ['zh', 'ja']`,
//! `contact.tier == 'vip'` anchor on the value of the fact;
//! `contact.orders > 5` on a threshold (the rules whose threshold the value
//! passes are a prefix of a sorted list). `a and b` anchors on one of its
//! sides, `a or b` on both when both have anchors. Rules with no anchor
//! (only `not`, for instance) are always candidates. The index is exact: it
//! only ever skips rules whose condition is false.

use std::collections::HashMap;

use crate::expr::{Arg, Env, Fact, Node, Op, Test, Val};
use crate::model::Value;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Atom(u32),
    Eq(Fact, String),
    /// `fact op threshold` with op one of `<`, `<=`, `>`, `>=` (threshold
    /// as `f64` bits).
    Range(Fact, Bound, u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Bound {
    Gt,
    Ge,
    Lt,
    Le,
}

/// Rules by threshold for one numeric fact. `above` holds `>`/`>=` rules
/// by ascending threshold, `below` holds `<`/`<=` rules by descending
/// threshold, so the rules a value passes are a prefix of each.
#[derive(Clone, Debug, Default)]
struct Thresholds {
    above: Vec<(f64, bool, u32)>,
    below: Vec<(f64, bool, u32)>,
}

/// Rule postings by anchor.
#[derive(Clone, Debug, Default)]
pub(crate) struct CandidateIndex {
    /// Rules without an anchor, as a bitset.
    always: Vec<u64>,
    /// Rules by text atom.
    by_atom: Vec<Vec<u32>>,
    /// Rules by fact value, per fact.
    by_value: Vec<(Fact, HashMap<String, Vec<u32>>)>,
    /// Rules by threshold, per numeric fact.
    by_range: Vec<(Fact, Thresholds)>,
}

impl CandidateIndex {
    /// Indexes each rule on its most selective anchor. A first pass ranks
    /// anchors by kind (text atoms, then contact attributes and intents,
    /// then languages, then channels, which have few values); a second
    /// pass, knowing how many rules share each key, picks for each rule
    /// the anchor shared by the fewest rules.
    pub(crate) fn new(rules: &[&Node], tests: &[Test], atoms: u32) -> Self {
        let mut shared: HashMap<Key, usize> = HashMap::new();
        let mut ranged: HashMap<Fact, usize> = HashMap::new();
        for node in rules {
            for k in anchor(node, tests, &|k: &Key| static_cost(k)).unwrap_or_default() {
                if let Key::Range(f, ..) = &k {
                    *ranged.entry(f.clone()).or_default() += 1;
                }
                *shared.entry(k).or_default() += 1;
            }
        }
        // A value passes about half the thresholds on its fact.
        let cost = |k: &Key| {
            let n = match k {
                Key::Range(f, ..) => ranged.get(f).copied().unwrap_or(0) / 2,
                k => shared.get(k).copied().unwrap_or(0),
            };
            n * 8 + static_cost(k)
        };
        let mut idx = CandidateIndex {
            always: vec![0; rules.len().div_ceil(64)],
            by_atom: vec![Vec::new(); atoms as usize],
            by_value: Vec::new(),
            by_range: Vec::new(),
        };
        for (r, node) in rules.iter().enumerate() {
            let r32 = r as u32;
            match anchor(node, tests, &cost) {
                None => crate::bits::set(&mut idx.always, r),
                Some(keys) => {
                    for k in keys {
                        match k {
                            Key::Atom(a) => idx.by_atom[a as usize].push(r32),
                            Key::Eq(fact, v) => {
                                let list = per_fact(&mut idx.by_value, fact).entry(v).or_default();
                                if list.last() != Some(&r32) {
                                    list.push(r32);
                                }
                            }
                            Key::Range(fact, bound, bits) => {
                                let t = per_fact(&mut idx.by_range, fact);
                                let x = f64::from_bits(bits);
                                match bound {
                                    Bound::Gt => t.above.push((x, false, r32)),
                                    Bound::Ge => t.above.push((x, true, r32)),
                                    Bound::Lt => t.below.push((x, false, r32)),
                                    Bound::Le => t.below.push((x, true, r32)),
                                }
                            }
                        }
                    }
                }
            }
        }
        for list in &mut idx.by_atom {
            list.dedup();
        }
        for (_, t) in &mut idx.by_range {
            t.above.sort_by(|a, b| a.0.total_cmp(&b.0));
            t.below.sort_by(|a, b| b.0.total_cmp(&a.0));
        }
        idx
    }

    /// Fills `out` with the candidate rules for a message whose scan set
    /// `atoms`.
    pub(crate) fn candidates<E: Env>(&self, atoms: &[u64], env: &E, out: &mut Vec<u64>) {
        out.clear();
        out.extend_from_slice(&self.always);
        let mut set = |r: u32| crate::bits::set(out, r as usize);
        for a in crate::bits::ones(atoms) {
            if let Some(list) = self.by_atom.get(a) {
                list.iter().for_each(|&r| set(r));
            }
        }
        for (fact, map) in &self.by_value {
            if let Some(Val::Text(v)) = env.fact(fact)
                && let Some(list) = map.get(v)
            {
                list.iter().for_each(|&r| set(r));
            }
        }
        for (fact, t) in &self.by_range {
            let Some(Val::Num(v)) = env.fact(fact) else {
                continue;
            };
            for &(x, inclusive, r) in &t.above {
                if x < v || (inclusive && x == v) {
                    set(r);
                } else if x > v {
                    break;
                }
            }
            for &(x, inclusive, r) in &t.below {
                if x > v || (inclusive && x == v) {
                    set(r);
                } else if x < v {
                    break;
                }
            }
        }
    }
}

/// The entry for `fact` in a small per-fact table, added when missing.
fn per_fact<T: Default>(table: &mut Vec<(Fact, T)>, fact: Fact) -> &mut T {
    let pos = match table.iter().position(|(f, _)| *f == fact) {
        Some(p) => p,
        None => {
            table.push((fact, T::default()));
            table.len() - 1
        }
    };
    &mut table[pos].1
}

/// Facts cheap to read and selective enough to index on.
fn indexable(f: &Fact) -> bool {
    matches!(
        f,
        Fact::Sentiment
            | Fact::ConvMessages
            | Fact::BotConfidence
            | Fact::BotFallbacks
            | Fact::Channel
            | Fact::Lang
            | Fact::Contact(_)
            | Fact::ConvQueue
            | Fact::ConvLang
            | Fact::ConvChannel
            | Fact::ConvOrigin
            | Fact::ConvCampaign
            | Fact::BotIntent
    )
}

/// A first guess at how many rules share a key, by its kind.
fn static_cost(k: &Key) -> usize {
    match k {
        Key::Atom(_) => 1,
        Key::Eq(Fact::Contact(_) | Fact::BotIntent | Fact::ConvQueue, _) => 2,
        Key::Eq(Fact::Lang | Fact::ConvLang, _) => 3,
        Key::Eq(..) => 4,
        Key::Range(..) => 6,
    }
}

/// The cheapest anchor of `node` (by the summed cost of its keys), or `None`
/// when it has none.
fn anchor(node: &Node, tests: &[Test], cost: &dyn Fn(&Key) -> usize) -> Option<Vec<Key>> {
    match node {
        Node::Const(false, _) => Some(Vec::new()),
        Node::Atoms(ids, _) => Some(ids.iter().map(|&a| Key::Atom(a)).collect()),
        Node::Cached(id, _) => test_anchor(tests.get(*id as usize)?),
        Node::Test(t) => test_anchor(t),
        Node::And(items) => items
            .iter()
            .filter_map(|i| anchor(i, tests, cost))
            .min_by_key(|keys| keys.iter().map(cost).sum::<usize>()),
        Node::Or(items) => {
            let mut all = Vec::new();
            for i in items.iter() {
                all.extend(anchor(i, tests, cost)?);
            }
            Some(all)
        }
        _ => None,
    }
}

/// The anchor of one comparison: equality (or `in`) of an indexable fact
/// with text.
fn test_anchor(t: &Test) -> Option<Vec<Key>> {
    let Arg::Fact(fact) = &t.lhs else {
        return None;
    };
    if !indexable(fact) {
        return None;
    }
    let bound = match t.op {
        Op::Gt => Some(Bound::Gt),
        Op::Ge => Some(Bound::Ge),
        Op::Lt => Some(Bound::Lt),
        Op::Le => Some(Bound::Le),
        _ => None,
    };
    match (t.op, &t.rhs) {
        (_, Arg::Lit(Value::Number(x))) if bound.is_some() && !x.is_nan() => {
            bound.map(|b| vec![Key::Range(fact.clone(), b, x.to_bits())])
        }
        (Op::Eq, Arg::Lit(Value::Text(v))) => Some(vec![Key::Eq(fact.clone(), v.clone())]),
        (Op::In, Arg::List(items)) => items
            .iter()
            .map(|i| i.as_text().map(|s| Key::Eq(fact.clone(), s.to_owned())))
            .collect(),
        _ => None,
    }
}
