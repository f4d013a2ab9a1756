//! Which rules can possibly match a message, so the others are never
//! evaluated.
//!
//! Each rule gets an *anchor*: a set of cheap facts one of which must hold
//! for the rule to match. A text condition anchors on its atoms (from the
//! single scan); `channel == 'sms'`, `lang in ['zh', 'ja']`,
//! `contact.tier == 'vip'` anchor on the value of the fact. `a and b`
//! anchors on one of its sides, `a or b` on both when both have anchors.
//! Rules with no anchor (only `not`, numeric comparisons…) are always
//! candidates. The index is exact: it only ever skips rules whose condition
//! is false.

use std::collections::HashMap;

use crate::expr::{Arg, Env, Fact, Node, Op, Val};
use crate::model::Value;

#[derive(Clone, Debug, PartialEq)]
enum Key {
    Atom(u32),
    Eq(Fact, String),
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
}

impl CandidateIndex {
    pub(crate) fn new(rules: &[&Node], atoms: u32) -> Self {
        let mut idx = CandidateIndex {
            always: vec![0; rules.len().div_ceil(64)],
            by_atom: vec![Vec::new(); atoms as usize],
            by_value: Vec::new(),
        };
        for (r, node) in rules.iter().enumerate() {
            let r32 = r as u32;
            match anchor(node) {
                None => idx.always[r / 64] |= 1 << (r % 64),
                Some(keys) => {
                    for k in keys {
                        match k {
                            Key::Atom(a) => idx.by_atom[a as usize].push(r32),
                            Key::Eq(fact, v) => {
                                let pos = match idx.by_value.iter().position(|(f, _)| *f == fact) {
                                    Some(p) => p,
                                    None => {
                                        idx.by_value.push((fact, HashMap::new()));
                                        idx.by_value.len() - 1
                                    }
                                };
                                let list = idx.by_value[pos].1.entry(v).or_default();
                                if list.last() != Some(&r32) {
                                    list.push(r32);
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
        idx
    }

    /// Fills `out` with the candidate rules for a message whose scan set
    /// `atoms`.
    pub(crate) fn candidates<E: Env>(&self, atoms: &[u64], env: &E, out: &mut Vec<u64>) {
        out.clear();
        out.extend_from_slice(&self.always);
        let mut set = |r: u32| out[r as usize / 64] |= 1 << (r % 64);
        for (w, &word) in atoms.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let a = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(list) = self.by_atom.get(a) {
                    list.iter().for_each(|&r| set(r));
                }
            }
        }
        for (fact, map) in &self.by_value {
            if let Some(Val::Text(v)) = env.fact(fact)
                && let Some(list) = map.get(v)
            {
                list.iter().for_each(|&r| set(r));
            }
        }
    }
}

/// Facts cheap to read and selective enough to index on.
fn indexable(f: &Fact) -> bool {
    matches!(
        f,
        Fact::Channel
            | Fact::Lang
            | Fact::Contact(_)
            | Fact::ConvQueue
            | Fact::ConvLang
            | Fact::ConvChannel
            | Fact::BotIntent
    )
}

/// An anchor of `node`, or `None` when it has none.
fn anchor(node: &Node) -> Option<Vec<Key>> {
    match node {
        Node::Const(false, _) => Some(Vec::new()),
        Node::Atoms(ids, _) => Some(ids.iter().map(|&a| Key::Atom(a)).collect()),
        Node::Test(t) => {
            let Arg::Fact(fact) = &t.lhs else {
                return None;
            };
            if !indexable(fact) {
                return None;
            }
            match (t.op, &t.rhs) {
                (Op::Eq, Arg::Lit(Value::Text(v))) => Some(vec![Key::Eq(fact.clone(), v.clone())]),
                (Op::In, Arg::List(items)) => items
                    .iter()
                    .map(|i| i.as_text().map(|s| Key::Eq(fact.clone(), s.to_owned())))
                    .collect(),
                _ => None,
            }
        }
        Node::And(items) => items
            .iter()
            .filter_map(anchor)
            .min_by_key(|keys| (keys.iter().any(|k| matches!(k, Key::Eq(..))), keys.len())),
        Node::Or(items) => {
            let mut all = Vec::new();
            for i in items.iter() {
                all.extend(anchor(i)?);
            }
            Some(all)
        }
        _ => None,
    }
}
