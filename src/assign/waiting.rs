//! The waiting conversations of one queue, in service order.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use crate::model::{ConversationId, Timestamp};

/// Waiting conversations of one queue, kept in the order they are served:
/// highest *effective* priority first, then longest waiting (FIFO).
///
/// Effective priority is the base priority plus one point per `aging` step
/// waited (no aging when `aging` is `None`). Because every conversation of a
/// queue ages at the same rate, the order of two waiting conversations never
/// changes by itself: `base + (now − enqueued) / step` compares like
/// `base · step − enqueued`, which does not depend on `now`. So the list is
/// an ordered set keyed once at enqueue, never re-sorted.
///
/// A conversation keeps its enqueue time when it is requeued (an offer
/// declined or expired, its agent signed out), so it returns to the place
/// its wait has earned.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::assign::WaitingList;
/// use switchboard::{ConversationId, Timestamp};
///
/// let minute = Duration::from_secs(60);
/// let mut q = WaitingList::new(Some(minute));
/// let t0 = Timestamp::from_millis(0) + 10 * minute;
/// q.insert(ConversationId::new("early"), 0, t0);
/// q.insert(ConversationId::new("vip"), 5, t0 + 3 * minute);
/// // The VIP arrived 3 minutes later with 5 more points: it goes first…
/// assert_eq!(q.first().map(|c| c.as_str()), Some("vip"));
/// // …but one that has waited more than 5 minutes longer outranks it.
/// q.insert(ConversationId::new("late"), 5, t0 + 10 * minute);
/// q.insert(ConversationId::new("old"), 0, t0.saturating_sub(4 * minute));
/// let order: Vec<_> = q.iter().map(|c| c.as_str()).collect();
/// assert_eq!(order, ["old", "vip", "early", "late"]);
/// assert_eq!(q.position(&ConversationId::new("early")), Some(3));
/// ```
#[derive(Clone, Debug, Default)]
pub struct WaitingList {
    aging_ms: Option<u64>,
    order: BTreeSet<Entry>,
    by_id: HashMap<ConversationId, (Entry, Waiting)>,
    seq: u64,
}

/// Sort key: larger rank first, then earlier enqueue, then arrival order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    neg_rank: i128,
    enqueued: u64,
    seq: u64,
    id: ConversationId,
}

/// One waiting conversation, as [`WaitingList::get`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Base priority.
    pub priority: i32,
    /// When it started waiting (kept across requeues).
    pub enqueued: Timestamp,
}

impl WaitingList {
    /// An empty list; `aging` is the wait that earns one priority point.
    pub fn new(aging: Option<Duration>) -> Self {
        WaitingList {
            aging_ms: aging.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)),
            ..WaitingList::default()
        }
    }

    fn rank(&self, priority: i32, enqueued: Timestamp) -> i128 {
        match self.aging_ms {
            // base · step − enqueued: the time-invariant form of
            // base + (now − enqueued) / step.
            Some(step) => {
                i128::from(priority) * i128::from(step) - i128::from(enqueued.as_millis())
            }
            None => i128::from(priority),
        }
    }

    /// Adds a conversation, or moves it if already waiting (a priority
    /// change). Returns whether it was new.
    pub fn insert(&mut self, id: ConversationId, priority: i32, enqueued: Timestamp) -> bool {
        let fresh = self.remove(&id).is_none();
        self.seq += 1;
        let e = Entry {
            neg_rank: -self.rank(priority, enqueued),
            enqueued: enqueued.as_millis(),
            seq: self.seq,
            id: id.clone(),
        };
        self.order.insert(e.clone());
        self.by_id.insert(id, (e, Waiting { priority, enqueued }));
        fresh
    }

    /// Removes a conversation; returns how it was waiting.
    pub fn remove(&mut self, id: &ConversationId) -> Option<Waiting> {
        let (e, waiting) = self.by_id.remove(id)?;
        self.order.remove(&e);
        Some(waiting)
    }

    /// How a conversation is waiting, if it is.
    pub fn get(&self, id: &ConversationId) -> Option<Waiting> {
        self.by_id.get(id).map(|(_, w)| *w)
    }

    /// Whether a conversation is waiting here.
    pub fn contains(&self, id: &ConversationId) -> bool {
        self.by_id.contains_key(id)
    }

    /// The conversation to serve next.
    pub fn first(&self) -> Option<&ConversationId> {
        self.order.first().map(|e| &e.id)
    }

    /// All waiting conversations, in service order.
    pub fn iter(&self) -> impl Iterator<Item = &ConversationId> {
        self.order.iter().map(|e| &e.id)
    }

    /// 1-based place in line. Counts the conversations ahead, so it costs
    /// time proportional to the position.
    pub fn position(&self, id: &ConversationId) -> Option<usize> {
        let (e, _) = self.by_id.get(id)?;
        Some(self.order.range(..e).count() + 1)
    }

    /// Number waiting.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none are waiting.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ConversationId {
        ConversationId::new(s)
    }

    #[test]
    fn fifo_within_equal_priority() {
        let mut q = WaitingList::new(None);
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            q.insert(id(name), 0, Timestamp::from_millis(i as u64));
        }
        q.insert(id("urgent"), 1, Timestamp::from_millis(9));
        let order: Vec<_> = q.iter().map(|c| c.as_str()).collect();
        assert_eq!(order, ["urgent", "a", "b", "c"]);
    }

    #[test]
    fn a_requeued_conversation_returns_to_the_place_its_wait_earned() {
        let mut q = WaitingList::new(None);
        q.insert(id("a"), 0, Timestamp::from_millis(10));
        q.insert(id("b"), 0, Timestamp::from_millis(20));
        let was = q.remove(&id("a")).unwrap();
        q.insert(id("c"), 0, Timestamp::from_millis(30));
        q.insert(id("a"), was.priority, was.enqueued);
        assert_eq!(q.position(&id("a")), Some(1));
        assert_eq!(
            q.get(&id("a")),
            Some(Waiting {
                priority: 0,
                enqueued: Timestamp::from_millis(10)
            })
        );
    }

    #[test]
    fn the_order_never_flips_as_time_passes() {
        // With aging, compare effective priorities at several later times:
        // the list order must agree with every one of them.
        let step = 60_000u64;
        let mut q = WaitingList::new(Some(Duration::from_millis(step)));
        let arrivals = [
            (0, 0u64),
            (3, 90_000),
            (1, 30_000),
            (2, 200_000),
            (0, 10_000),
        ];
        for (i, (p, t)) in arrivals.iter().enumerate() {
            q.insert(id(&i.to_string()), *p, Timestamp::from_millis(*t));
        }
        let order: Vec<usize> = q.iter().map(|c| c.as_str().parse().unwrap()).collect();
        for now in [200_000u64, 1_000_000, 100_000_000] {
            let eff = |i: usize| {
                let (p, t) = arrivals[i];
                f64::from(p) + (now - t) as f64 / step as f64
            };
            assert!(order.windows(2).all(|w| eff(w[0]) >= eff(w[1])), "at {now}");
        }
        assert_eq!(q.get(&id("1")).unwrap().priority, 3);
    }

    #[test]
    fn insert_twice_moves_instead_of_duplicating() {
        let mut q = WaitingList::new(None);
        assert!(q.insert(id("a"), 0, Timestamp::from_millis(0)));
        assert!(!q.insert(id("a"), 5, Timestamp::from_millis(0)));
        assert_eq!(q.len(), 1);
        assert_eq!(q.get(&id("a")).unwrap().priority, 5);
    }
}
