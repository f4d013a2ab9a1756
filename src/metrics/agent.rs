//! One agent as the aggregator follows them: time in each presence and
//! the time they were busy.

use std::collections::BTreeMap;

use crate::assign::Presence;
use crate::model::Timestamp;

/// Time in each presence, from the first status this aggregate saw.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AgentRec {
    /// When this aggregate first saw their status.
    first: Option<Timestamp>,
    /// Their presence and since when.
    pub(crate) current: Option<(Presence, Timestamp)>,
    /// Closed time in available, away and offline, ms.
    ms: [u64; 3],
    /// When they held a conversation or wrapped one up: disjoint
    /// `start → end` spans.
    busy: BTreeMap<u64, u64>,
    /// When they were signed in (available or away), closed spans.
    signed: BTreeMap<u64, u64>,
}

fn index(p: Presence) -> usize {
    match p {
        Presence::Available => 0,
        Presence::Away => 1,
        _ => 2,
    }
}

impl AgentRec {
    /// A status change at `at`.
    pub(crate) fn status(&mut self, at: Timestamp, p: Presence) {
        if let Some((q, since)) = self.current {
            self.close_span(q, since, at);
        }
        self.first.get_or_insert(at);
        // An event late within the tolerance counts from its own time.
        self.current = Some((p, at));
    }

    /// Time in presence `p` from `since` to `to`.
    fn close_span(&mut self, p: Presence, since: Timestamp, to: Timestamp) {
        self.ms[index(p)] += to.as_millis().saturating_sub(since.as_millis());
        if p != Presence::Offline {
            insert_span(&mut self.signed, since.as_millis(), to.as_millis());
        }
    }

    /// They were busy from `from` to `to`.
    pub(crate) fn busy(&mut self, from: Timestamp, to: Timestamp) {
        insert_span(&mut self.busy, from.as_millis(), to.as_millis());
    }

    /// Time (ms) available, away, busy, and busy while signed in, up to
    /// `now`.
    pub(crate) fn times(&self, now: Timestamp) -> [u64; 4] {
        let mut me = self.clone();
        if let Some((p, since)) = me.current.take() {
            me.close_span(p, since, now.max(since));
        }
        let busy = me.busy.iter().map(|(s, e)| e - s).sum();
        [me.ms[0], me.ms[1], busy, overlap(&me.busy, &me.signed)]
    }

    /// `later`'s time appended to this one's: this one's last presence
    /// lasts until `later`'s first status.
    pub(crate) fn merge(&mut self, later: &AgentRec) {
        if let Some(t) = later.first
            && let Some((p, since)) = self.current.take()
        {
            self.close_span(p, since, t);
        }
        for i in 0..3 {
            self.ms[i] += later.ms[i];
        }
        if later.current.is_some() {
            self.current = later.current;
        }
        if self.first.is_none() {
            self.first = later.first;
        }
        for (&s, &e) in &later.busy {
            insert_span(&mut self.busy, s, e);
        }
        for (&s, &e) in &later.signed {
            insert_span(&mut self.signed, s, e);
        }
    }
}

/// Adds `s → e` to disjoint spans, joining those it overlaps or touches.
fn insert_span(spans: &mut BTreeMap<u64, u64>, mut s: u64, mut e: u64) {
    if e <= s {
        return;
    }
    if let Some((&ps, &pe)) = spans.range(..=s).next_back()
        && pe >= s
    {
        s = ps;
        e = e.max(pe);
        spans.remove(&ps);
    }
    let later: Vec<u64> = spans.range(s..=e).map(|(&k, _)| k).collect();
    for k in later {
        if let Some(v) = spans.remove(&k) {
            e = e.max(v);
        }
    }
    spans.insert(s, e);
}

/// The length of the overlap of two sets of disjoint spans.
fn overlap(a: &BTreeMap<u64, u64>, b: &BTreeMap<u64, u64>) -> u64 {
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    let mut total = 0;
    while let (Some(&(&s1, &e1)), Some(&(&s2, &e2))) = (x.peek(), y.peek()) {
        total += e1.min(e2).saturating_sub(s1.max(s2));
        if e1 < e2 {
            x.next();
        } else {
            y.next();
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> Timestamp {
        Timestamp::from_millis(s * 1000)
    }

    #[test]
    fn busy_spans_join_where_they_overlap_or_touch() {
        let mut a = AgentRec::default();
        a.busy(t(10), t(20));
        a.busy(t(30), t(40));
        a.busy(t(15), t(30));
        a.busy(t(50), t(55));
        a.busy(t(0), t(5));
        assert_eq!(a.times(t(0))[2], 5_000 + 30_000 + 5_000);
        // Signed in from 12 to 52: busy 12 → 40 and 50 → 52 of it.
        a.status(t(12), Presence::Available);
        a.status(t(52), Presence::Offline);
        assert_eq!(a.times(t(100))[3], 30_000);
        assert_eq!(a.busy.len(), 3);
    }

    #[test]
    fn presence_time_carries_across_a_merge() {
        let mut a = AgentRec::default();
        a.status(t(0), Presence::Available);
        a.status(t(100), Presence::Away);
        let mut b = AgentRec::default();
        b.status(t(300), Presence::Available);
        b.status(t(400), Presence::Offline);
        let mut whole = a.clone();
        whole.status(t(300), Presence::Available);
        whole.status(t(400), Presence::Offline);
        a.merge(&b);
        assert_eq!(a.times(t(500)), whole.times(t(500)));
        assert_eq!(a.times(t(500)), [200_000, 200_000, 0, 0]);
    }
}
