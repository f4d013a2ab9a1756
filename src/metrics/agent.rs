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
            self.ms[index(q)] += at.as_millis().saturating_sub(since.as_millis());
        }
        self.first.get_or_insert(at);
        self.current = Some((p, at.max(self.current.map_or(at, |c| c.1))));
    }

    /// They were busy from `from` to `to`.
    pub(crate) fn busy(&mut self, from: Timestamp, to: Timestamp) {
        let (mut s, mut e) = (from.as_millis(), to.as_millis());
        if e <= s {
            return;
        }
        // The span before that may touch it.
        if let Some((&ps, &pe)) = self.busy.range(..=s).next_back()
            && pe >= s
        {
            s = ps;
            e = e.max(pe);
            self.busy.remove(&ps);
        }
        let later: Vec<u64> = self.busy.range(s..=e).map(|(&k, _)| k).collect();
        for k in later {
            if let Some(v) = self.busy.remove(&k) {
                e = e.max(v);
            }
        }
        self.busy.insert(s, e);
    }

    /// Time (ms) available, away, and busy, up to `now`.
    pub(crate) fn times(&self, now: Timestamp) -> [u64; 3] {
        let mut ms = self.ms;
        if let Some((p, since)) = self.current {
            ms[index(p)] += now.as_millis().saturating_sub(since.as_millis());
        }
        let busy = self.busy.iter().map(|(s, e)| e - s).sum();
        [ms[0], ms[1], busy]
    }

    /// `later`'s time appended to this one's: this one's last presence
    /// lasts until `later`'s first status.
    pub(crate) fn merge(&mut self, later: &AgentRec) {
        if let Some(t) = later.first
            && let Some((p, since)) = self.current
        {
            self.ms[index(p)] += t.as_millis().saturating_sub(since.as_millis());
            self.current = None;
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
            self.busy(Timestamp::from_millis(s), Timestamp::from_millis(e));
        }
    }
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
        assert_eq!(a.times(t(500)), [200_000, 200_000, 0]);
    }
}
