//! Interned names: skills, languages and channels stored as small numbers.
//!
//! The assigner holds tens of thousands of agents, each naming a few
//! skills, languages and channels out of a small shared vocabulary. Storing
//! each name once and the agents' lists as numbers keeps an agent to a few
//! hundred bytes (see the assigner's memory test).

use std::collections::HashMap;

/// A table of interned names. Names are never removed: the table grows
/// with the vocabulary (distinct skill, language and channel names), not
/// with the number of agents or conversations.
#[derive(Clone, Debug, Default)]
pub(crate) struct Symbols {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Symbols {
    /// The number of `name`, adding it when new.
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.index.get(name) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        self.index.insert(name.into(), n);
        n
    }

    /// The number of `name`, if it was ever interned.
    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// Every name, by number.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|s| &**s)
    }

    /// How many names are interned.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// A table numbering `names` in order; `Err` with the first name
    /// listed twice.
    pub(crate) fn from_names(names: Vec<String>) -> Result<Symbols, String> {
        let mut s = Symbols::default();
        for name in names {
            if s.index.contains_key(name.as_str()) {
                return Err(name);
            }
            s.intern(&name);
        }
        Ok(s)
    }

    /// The name of `n` (empty for a number never handed out).
    pub(crate) fn name(&self, n: u32) -> &str {
        self.names.get(n as usize).map_or("", |s| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_reversible() {
        let mut s = Symbols::default();
        let a = s.intern("billing");
        let b = s.intern("sales");
        assert_ne!(a, b);
        assert_eq!(s.intern("billing"), a);
        assert_eq!(s.name(b), "sales");
        assert_eq!(s.get("sales"), Some(b));
        assert_eq!(s.get("nope"), None);
        assert_eq!(s.name(99), "");
        let names: Vec<String> = s.names().map(str::to_owned).collect();
        let back = Symbols::from_names(names).unwrap();
        assert_eq!((back.get("sales"), back.len()), (Some(b), 2));
        assert_eq!(
            Symbols::from_names(vec!["a".into(), "a".into()]).err(),
            Some("a".to_owned())
        );
    }
}
