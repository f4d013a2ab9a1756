//! The waiting conversations of one queue step, in service order.
//!
//! Service order is highest *effective* priority first, then longest
//! waiting (FIFO), then arrival order. Effective priority is the base
//! priority plus one point per `aging` step waited. Every conversation of a
//! queue ages at the same rate, so the order of two of them never changes
//! by itself: `base + (now − enqueued) / step` compares like
//! `base · step − enqueued`, which does not depend on `now`. A waiting list
//! is therefore an ordered set keyed once at enqueue, never re-sorted.
//!
//! A conversation requeued because its agent left goes to the *front*:
//! ahead of every conversation that was not requeued, in order of original
//! enqueue time among those that were.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::Timestamp;

/// Largest base priority magnitude; priorities are clamped to it.
pub(crate) const MAX_PRIORITY: i64 = 2_000_000;
/// Largest aging step, in milliseconds (about 115 days).
pub(crate) const MAX_AGING_MS: u64 = 10_000_000_000;

/// How a conversation ranks in its queue: everything its place depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Standing {
    /// Requeued after its agent left: ahead of everyone else.
    pub(crate) front: bool,
    /// Base priority (queue plus request), clamped.
    pub(crate) priority: i64,
    /// When it started waiting; kept across requeues and overflow.
    pub(crate) enqueued: Timestamp,
    /// Arrival order, for ties.
    pub(crate) seq: u64,
}

/// Sort key in a waiting list: the time-invariant form of the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WaitKey {
    neg_rank: i64,
    enqueued: u64,
    seq: u64,
}

impl Standing {
    /// The key under `aging_ms` (one point per that many milliseconds).
    pub(crate) fn key(&self, aging_ms: Option<u64>) -> WaitKey {
        let neg_rank = if self.front {
            i64::MIN
        } else {
            let rank = match aging_ms {
                Some(step) => {
                    i128::from(self.priority) * i128::from(step)
                        - i128::from(self.enqueued.as_millis())
                }
                None => i128::from(self.priority),
            };
            i64::try_from(-rank).unwrap_or(i64::MAX).max(i64::MIN + 1)
        };
        WaitKey {
            neg_rank,
            enqueued: self.enqueued.as_millis(),
            seq: self.seq,
        }
    }

    /// Effective priority at `now` as a fraction `(numerator, denominator)`.
    fn effective(&self, aging_ms: Option<u64>, now: Timestamp) -> (i128, i128) {
        match aging_ms {
            Some(step) => {
                let waited = i128::from(now.as_millis()) - i128::from(self.enqueued.as_millis());
                (
                    i128::from(self.priority) * i128::from(step) + waited.max(0),
                    i128::from(step),
                )
            }
            None => (i128::from(self.priority), 1),
        }
    }

    /// Service order between conversations of different queues at `now`:
    /// `Less` means `self` is served first. Front first, then higher
    /// effective priority, then longer wait, then arrival.
    pub(crate) fn serve_before(
        &self,
        aging: Option<u64>,
        other: &Standing,
        other_aging: Option<u64>,
        now: Timestamp,
    ) -> Ordering {
        let (an, ad) = self.effective(aging, now);
        let (bn, bd) = other.effective(other_aging, now);
        other
            .front
            .cmp(&self.front)
            .then_with(|| (bn * ad).cmp(&(an * bd)))
            .then_with(|| self.enqueued.cmp(&other.enqueued))
            .then_with(|| self.seq.cmp(&other.seq))
    }
}

/// One ordered list of waiting conversations (by their assigner index).
#[derive(Clone, Debug, Default)]
pub(crate) struct WaitList {
    set: BTreeMap<WaitKey, u32>,
}

impl WaitList {
    pub(crate) fn insert(&mut self, key: WaitKey, conv: u32) {
        self.set.insert(key, conv);
    }

    pub(crate) fn remove(&mut self, key: &WaitKey) -> Option<u32> {
        self.set.remove(key)
    }

    /// Conversations in service order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.set.values().copied()
    }

    /// How many are ahead of `key`.
    pub(crate) fn ahead_of(&self, key: &WaitKey) -> usize {
        self.set.range(..key).count()
    }

    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(priority: i64, enqueued: u64, seq: u64) -> Standing {
        Standing {
            front: false,
            priority,
            enqueued: Timestamp::from_millis(enqueued),
            seq,
        }
    }

    fn order(list: &[Standing], aging: Option<u64>) -> Vec<u64> {
        let mut l = WaitList::default();
        for s in list {
            l.insert(s.key(aging), s.seq as u32);
        }
        l.iter().map(u64::from).collect()
    }

    #[test]
    fn fifo_within_equal_priority_and_priority_first() {
        let list = [st(0, 10, 0), st(0, 20, 1), st(1, 30, 2), st(0, 5, 3)];
        assert_eq!(order(&list, None), [2, 3, 0, 1]);
    }

    #[test]
    fn aging_lets_a_long_wait_overtake_priority() {
        // One point per minute: priority 5 arriving 3 min later goes first;
        // one arriving 6 min later does not.
        let m = 60_000;
        let list = [st(0, 10 * m, 0), st(5, 13 * m, 1), st(5, 16 * m, 2)];
        assert_eq!(order(&list, Some(m)), [1, 0, 2]);
    }

    #[test]
    fn the_list_order_agrees_with_effective_priority_at_every_later_time() {
        let step = 60_000u64;
        let list = [
            st(0, 0, 0),
            st(3, 90_000, 1),
            st(1, 30_000, 2),
            st(2, 200_000, 3),
            st(0, 10_000, 4),
        ];
        let o = order(&list, Some(step));
        for now in [200_000u64, 1_000_000, 100_000_000] {
            let now = Timestamp::from_millis(now);
            for w in o.windows(2) {
                let (a, b) = (&list[w[0] as usize], &list[w[1] as usize]);
                assert_eq!(
                    a.serve_before(Some(step), b, Some(step), now),
                    Ordering::Less
                );
            }
        }
    }

    #[test]
    fn requeued_at_the_front_keep_their_original_order() {
        let mut a = st(0, 50, 0);
        a.front = true;
        let mut b = st(0, 40, 1);
        b.front = true;
        let list = [st(9, 0, 2), a, b];
        assert_eq!(order(&list, None), [1, 0, 2]);
        let mut l = WaitList::default();
        for s in &list {
            l.insert(s.key(None), s.seq as u32);
        }
        assert_eq!(l.ahead_of(&list[0].key(None)), 2);
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let list = [
            st(MAX_PRIORITY, u64::MAX, 0),
            st(-MAX_PRIORITY, 0, 1),
            st(0, u64::MAX / 2, 2),
        ];
        let o = order(&list, Some(MAX_AGING_MS));
        assert_eq!(o.len(), 3);
        let now = Timestamp::from_millis(u64::MAX);
        let _ = list[0].serve_before(Some(MAX_AGING_MS), &list[1], None, now);
    }
}
