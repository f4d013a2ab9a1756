//! First-contact resolution: a closed conversation waits, with its
//! contact, for the window to pass without a new conversation.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Duration;

use super::Key;
use crate::model::{AgentId, ChannelKind, ContactId, QueueId, Timestamp};

/// Where a conversation's resolution counts: its last queue and agent,
/// its channel and tags.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Owner {
    pub(crate) queue: Option<QueueId>,
    pub(crate) agent: Option<AgentId>,
    pub(crate) channel: Option<ChannelKind>,
    pub(crate) tags: Vec<String>,
    /// When it closed (the interval it counts in).
    pub(crate) closed: Timestamp,
}

#[derive(Clone, Debug, PartialEq)]
struct Pending {
    key: Key,
    close: Timestamp,
    /// A new conversation of the contact started within the window.
    failed: bool,
    /// Set when the conversation's figures are final: where it counts and
    /// whether it qualifies at all (never reopened, at most one agent).
    done: Option<(Owner, bool)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct ContactRec {
    /// Starts kept for an earlier aggregate's closes (see `keep_until`).
    starts: Vec<Timestamp>,
    pending: Vec<Pending>,
}

impl ContactRec {
    /// Conversation `key`, not closed, no longer waits.
    fn drop_key(&mut self, key: &Key) {
        self.pending.retain(|p| &p.key != key || p.done.is_some());
    }

    /// Conversation `key`'s figures are final: its close, if it waits,
    /// is ready to decide.
    fn finish_key(&mut self, key: &Key, owner: Owner, qualifies: bool) -> Option<&Pending> {
        let p = self
            .pending
            .iter_mut()
            .find(|p| &p.key == key && p.done.is_none())?;
        p.done = Some((owner, qualifies));
        Some(p)
    }
}

/// Where a conversation's first-contact resolution goes once its figures
/// are final: the aggregate's [`Contacts`], or a report's [`Overlay`] of
/// them.
pub(crate) trait Ledger {
    /// Conversation `key` of `contact`, not closed, was counted.
    fn dropped(&mut self, key: &Key, contact: &ContactId);
    /// Conversation `key` of `contact` closed and was counted.
    fn finished(
        &mut self,
        key: &Key,
        contact: &ContactId,
        owner: Owner,
        qualifies: bool,
        window: Duration,
    );
}

impl Ledger for Contacts {
    fn dropped(&mut self, key: &Key, contact: &ContactId) {
        Contacts::dropped(self, key, contact);
    }

    fn finished(
        &mut self,
        key: &Key,
        contact: &ContactId,
        owner: Owner,
        qualifies: bool,
        window: Duration,
    ) {
        Contacts::finished(self, key, contact, owner, qualifies, window);
    }
}

/// The contacts as a report sees them once the open conversations are
/// counted: only the records those conversations touch are copied, not
/// every contact still in its window.
#[derive(Debug)]
pub(crate) struct Overlay<'a> {
    base: &'a Contacts,
    touched: HashMap<ContactId, ContactRec, rustc_hash::FxBuildHasher>,
}

impl<'a> Overlay<'a> {
    pub(crate) fn new(base: &'a Contacts) -> Overlay<'a> {
        Overlay {
            base,
            touched: HashMap::default(),
        }
    }

    /// `contact`'s record, copied on first touch; `None` when it has none.
    fn rec(&mut self, contact: &ContactId) -> Option<&mut ContactRec> {
        if !self.touched.contains_key(contact) {
            let rec = self.base.map.get(contact)?.clone();
            self.touched.insert(contact.clone(), rec);
        }
        self.touched.get_mut(contact)
    }

    /// Decides every close whose figures are final, as
    /// [`Contacts::decide`] does with `all`: each close with its figures
    /// final has its deadline waiting, so this is every such close.
    pub(crate) fn decide_all(&self, out: &mut Vec<Decision>) {
        for (c, rec) in &self.base.map {
            let rec = self.touched.get(c).unwrap_or(rec);
            for p in &rec.pending {
                if let Some((owner, qualifies)) = &p.done {
                    out.push((owner.clone(), *qualifies && !p.failed));
                }
            }
        }
    }
}

impl Ledger for Overlay<'_> {
    fn dropped(&mut self, key: &Key, contact: &ContactId) {
        if let Some(rec) = self.rec(contact) {
            rec.drop_key(key);
        }
    }

    fn finished(
        &mut self,
        key: &Key,
        contact: &ContactId,
        owner: Owner,
        qualifies: bool,
        _window: Duration,
    ) {
        if let Some(rec) = self.rec(contact) {
            let _ = rec.finish_key(key, owner, qualifies);
        }
    }
}

/// A decided conversation: where it counts and whether it was resolved
/// at first contact.
pub(crate) type Decision = (Owner, bool);

/// [`Contacts::swept`] once every deadline has been taken off.
const SWEPT_ALL: Timestamp = Timestamp::from_millis(u64::MAX);

/// Every contact with a close waiting for its window.
#[derive(Clone, Debug, Default)]
pub(crate) struct Contacts {
    map: HashMap<ContactId, ContactRec, rustc_hash::FxBuildHasher>,
    deadlines: BinaryHeap<Reverse<(Timestamp, ContactId)>>,
    /// Every deadline before this has been taken off `deadlines`, the
    /// rest are still on it ([`SWEPT_ALL`] once all were taken); `None`
    /// while none has been.
    swept: Option<Timestamp>,
    /// Starts up to here are kept: an aggregate merged before this one
    /// may hold closes they decide. It is the window after this
    /// aggregate's first event, or after the latest close of a
    /// conversation whose start it did not see.
    keep_until: Option<Timestamp>,
}

impl Contacts {
    /// Starts at `at` are kept up to `window` after it.
    pub(crate) fn keep_after(&mut self, at: Timestamp, window: Duration) {
        let until = at.saturating_add(window);
        self.keep_until = Some(self.keep_until.map_or(until, |k| k.max(until)));
    }

    /// A conversation of `contact` started at `at`.
    pub(crate) fn started(&mut self, contact: &ContactId, at: Timestamp, window: Duration) {
        let keep = self.keep_until.is_some_and(|k| at <= k);
        let Some(rec) = (if keep {
            Some(self.map.entry(contact.clone()).or_default())
        } else {
            self.map.get_mut(contact)
        }) else {
            return;
        };
        for p in &mut rec.pending {
            if p.close < at && at <= p.close.saturating_add(window) {
                p.failed = true;
            }
        }
        if keep {
            // Most contacts start once or twice a window: room for one
            // (a first push would make room for four).
            rec.starts.reserve_exact(1);
            rec.starts.push(at);
        }
    }

    /// Conversation `key` of `contact` closed at `close`.
    pub(crate) fn closed(
        &mut self,
        key: &Key,
        contact: &ContactId,
        close: Timestamp,
        window: Duration,
    ) {
        let rec = self.map.entry(contact.clone()).or_default();
        // A second close without a reopen replaces the first; a finished
        // conversation that had the same id stays.
        rec.pending.retain(|p| &p.key != key || p.done.is_some());
        let failed = rec
            .starts
            .iter()
            .any(|&s| close < s && s <= close.saturating_add(window));
        // Most contacts have one close waiting: room for one.
        rec.pending.reserve_exact(1);
        rec.pending.push(Pending {
            key: key.clone(),
            close,
            failed,
            done: None,
        });
        self.deadlines
            .push(Reverse((close.saturating_add(window), contact.clone())));
    }

    /// Conversation `key`, closed at `close`, was reopened: it no longer
    /// waits.
    pub(crate) fn reopened(&mut self, key: &Key, contact: &ContactId, close: Timestamp) {
        if let Some(rec) = self.map.get_mut(contact) {
            rec.pending
                .retain(|p| &p.key != key || p.close != close || p.done.is_some());
        }
    }

    /// Conversation `key`, not closed, was counted: it no longer waits.
    pub(crate) fn dropped(&mut self, key: &Key, contact: &ContactId) {
        if let Some(rec) = self.map.get_mut(contact) {
            rec.drop_key(key);
        }
    }

    /// Conversation `key`'s figures are final.
    pub(crate) fn finished(
        &mut self,
        key: &Key,
        contact: &ContactId,
        owner: Owner,
        qualifies: bool,
        window: Duration,
    ) {
        if let Some(p) = self
            .map
            .get_mut(contact)
            .and_then(|r| r.finish_key(key, owner, qualifies))
        {
            // Decided at the next settling: now if its window is over or a
            // new conversation failed it, else when the window ends: the
            // deadline its close set, when that is still waiting.
            let due = if p.failed {
                Timestamp::EPOCH
            } else {
                p.close.saturating_add(window)
            };
            let waiting = self.swept.is_none_or(|s| s != SWEPT_ALL && due >= s);
            if p.failed || !waiting {
                self.deadlines.push(Reverse((due, contact.clone())));
            }
        }
    }

    /// Decides every close whose answer is known at `now`: a new
    /// conversation came within the window, or the window has passed.
    /// With `all`, decides the rest too, as far as the events seen tell.
    pub(crate) fn decide(
        &mut self,
        now: Timestamp,
        window: Duration,
        all: bool,
        out: &mut Vec<Decision>,
    ) {
        // What follows takes every deadline before `now` off (all of them
        // with `all`).
        self.swept = Some(match self.swept {
            _ if all => SWEPT_ALL,
            Some(s) => s.max(now),
            None => now,
        });
        // Most events find nothing due: no list to make.
        if !all
            && self
                .deadlines
                .peek()
                .is_none_or(|Reverse((t, _))| *t >= now)
        {
            return;
        }
        let mut touched = Vec::new();
        while let Some(Reverse((t, _))) = self.deadlines.peek() {
            if *t >= now && !all {
                break;
            }
            if let Some(Reverse((_, c))) = self.deadlines.pop() {
                touched.push(c);
            }
        }
        for c in touched {
            self.settle(&c, now, window, all, out);
        }
    }

    fn settle(
        &mut self,
        contact: &ContactId,
        now: Timestamp,
        window: Duration,
        all: bool,
        out: &mut Vec<Decision>,
    ) {
        let Some(rec) = self.map.get_mut(contact) else {
            return;
        };
        rec.pending.retain_mut(|p| {
            let over = all || p.failed || p.close.saturating_add(window) < now;
            if !over {
                return true;
            }
            // Decided: the owner moves out with the entry.
            match p.done.take() {
                Some((owner, qualifies)) => {
                    out.push((owner, qualifies && !p.failed));
                    false
                }
                None => true,
            }
        });
        if rec.pending.is_empty() && rec.starts.is_empty() {
            self.map.remove(contact);
        }
    }

    /// `later`'s contacts appended to these: its starts decide these
    /// closes, then its closes and starts join.
    pub(crate) fn merge(&mut self, later: &Contacts, window: Duration) {
        for (c, r) in &later.map {
            for &s in &r.starts {
                if let Some(mine) = self.map.get_mut(c) {
                    for p in &mut mine.pending {
                        if p.close < s && s <= p.close.saturating_add(window) {
                            p.failed = true;
                        }
                    }
                }
            }
            let mine = self.map.entry(c.clone()).or_default();
            mine.starts.extend_from_slice(&r.starts);
            mine.pending.extend(r.pending.iter().cloned());
        }
        self.deadlines.extend(later.deadlines.iter().cloned());
        self.swept = self.swept.max(later.swept);
        self.keep_until = match (self.keep_until, later.keep_until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// How many contacts are followed.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}
