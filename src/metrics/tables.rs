//! Where finished figures go: one [`Tally`] per total, queue, agent,
//! channel, tag and interval, plus the heat maps and the reasons.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::clock::{Clock, Local};
use super::tally::{AgentTally, Tally};
use super::{ConversationRow, Distribution};
use crate::handoff::Reason;
use crate::model::{AgentId, ChannelKind, QueueId, Timestamp};

/// The slices one figure of one conversation counts in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Keys<'a> {
    pub(crate) queue: Option<&'a QueueId>,
    pub(crate) agent: Option<&'a AgentId>,
    pub(crate) channel: Option<&'a ChannelKind>,
    pub(crate) tags: &'a [String],
    /// The instant whose interval it counts in.
    pub(crate) at: Option<Timestamp>,
    /// Whether it counts in the totals too.
    pub(crate) totals: bool,
}

/// Counts by reason, kept by the reason itself: its name, which takes
/// serializing to find, is made once per report rather than once per
/// conversation.
pub(crate) type Reasons = HashMap<Reason, u64, rustc_hash::FxBuildHasher>;

/// The reasons by name, as reports show them.
pub(crate) fn named(reasons: &Reasons) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (r, n) in reasons {
        *out.entry(r.to_string()).or_default() += n;
    }
    out
}

/// Which kind of slice a tally is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slice {
    Totals,
    Queue,
    Agent,
    Channel,
    Tag,
    /// An interval's, or a queue's in an interval.
    Interval,
}

/// Per local day: what responsiveness needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Day {
    /// Conversations started.
    pub(crate) conversations: u64,
    /// Of those, answered by a bot or an agent.
    pub(crate) replied: u64,
    /// Start → first bot or agent message.
    pub(crate) first_reply: Distribution,
}

/// Every finished figure, ready to add to another aggregate's.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Tables {
    pub(crate) totals: Tally,
    pub(crate) queues: BTreeMap<QueueId, Tally>,
    pub(crate) agents: BTreeMap<AgentId, Tally>,
    pub(crate) agent_extra: BTreeMap<AgentId, AgentTally>,
    pub(crate) channels: BTreeMap<ChannelKind, Tally>,
    pub(crate) tags: BTreeMap<String, Tally>,
    pub(crate) intervals: BTreeMap<u64, Tally>,
    /// Per interval and queue.
    pub(crate) queue_intervals: BTreeMap<(u64, QueueId), Tally>,
    /// Conversations started by local weekday × hour.
    pub(crate) started_heat: [[u64; 24]; 7],
    /// Customer messages by local weekday × hour.
    pub(crate) message_heat: [[u64; 24]; 7],
    /// Handoffs from a bot, by reason (named in the report).
    pub(crate) handoff_reasons: Reasons,
    /// Last closes, by reason (named in the report).
    pub(crate) close_reasons: Reasons,
    pub(crate) days: BTreeMap<i64, Day>,
    pub(crate) rows: Vec<ConversationRow>,
}

impl Tables {
    /// Applies `f` to every tally `keys` names: the total, and the queue,
    /// agent, channel, tags and interval it has.
    pub(crate) fn each(&mut self, clock: &mut Clock, keys: &Keys<'_>, f: impl Fn(&mut Tally)) {
        self.each_slice(clock, keys, |t, _| f(t));
    }

    /// [`each`](Tables::each), telling `f` which kind of slice each tally
    /// is, so that one pass can count figures that go to different
    /// slices of the same keys.
    pub(crate) fn each_slice(
        &mut self,
        clock: &mut Clock,
        keys: &Keys<'_>,
        f: impl Fn(&mut Tally, Slice),
    ) {
        if keys.totals {
            f(&mut self.totals, Slice::Totals);
        }
        // Queue and agent ids are shared strings: a clone is a count
        // bumped, cheaper than the second search `entry` makes.
        if let Some(q) = keys.queue {
            f(self.queues.entry(q.clone()).or_default(), Slice::Queue);
        }
        if let Some(a) = keys.agent {
            f(self.agents.entry(a.clone()).or_default(), Slice::Agent);
        }
        if let Some(c) = keys.channel {
            f(entry(&mut self.channels, c), Slice::Channel);
        }
        for t in keys.tags {
            f(entry(&mut self.tags, t), Slice::Tag);
        }
        if let Some(at) = keys.at {
            let Local { interval, .. } = clock.local(at);
            if keys.totals {
                f(self.intervals.entry(interval).or_default(), Slice::Interval);
            }
            if let Some(q) = keys.queue {
                // One search: the id's clone is cheaper than a second one.
                f(
                    self.queue_intervals
                        .entry((interval, q.clone()))
                        .or_default(),
                    Slice::Interval,
                );
            }
        }
    }

    /// Applies `f` to every tally each pass's keys name, with the pass's
    /// figures, as [`each_slice`](Tables::each_slice) would pass by pass,
    /// but finding each tally once for all the passes that name it. Each
    /// tally is given its passes in their order.
    pub(crate) fn each_batch<O>(
        &mut self,
        clock: &mut Clock,
        passes: &[(Keys<'_>, O)],
        f: impl Fn(&O, &mut Tally, Slice),
    ) {
        let n = passes.len();
        assert!(n <= BATCH, "a batch holds at most {BATCH} passes");
        if n == 0 {
            return;
        }
        let key = |i: usize| &passes[i].0;
        let apply = |members: &[bool; BATCH], t: &mut Tally, slice: Slice| {
            for (pass, _) in passes.iter().zip(members).filter(|(_, m)| **m) {
                f(&pass.1, t, slice);
            }
        };
        for (k, o) in passes {
            if k.totals {
                f(o, &mut self.totals, Slice::Totals);
            }
        }
        groups(
            n,
            |i| key(i).queue,
            |q, m| {
                apply(m, self.queues.entry(q.clone()).or_default(), Slice::Queue);
            },
        );
        groups(
            n,
            |i| key(i).agent,
            |a, m| {
                apply(m, self.agents.entry(a.clone()).or_default(), Slice::Agent);
            },
        );
        groups(
            n,
            |i| key(i).channel,
            |c, m| {
                apply(m, entry(&mut self.channels, c), Slice::Channel);
            },
        );
        if passes.iter().all(|(k, _)| k.tags == key(0).tags) {
            let mut members = [false; BATCH];
            members[..n].fill(true);
            for t in key(0).tags {
                apply(&members, entry(&mut self.tags, t), Slice::Tag);
            }
        } else {
            for (k, o) in passes {
                for t in k.tags {
                    f(o, entry(&mut self.tags, t), Slice::Tag);
                }
            }
        }
        let mut intervals = [None; BATCH];
        for (i, (k, _)) in passes.iter().enumerate() {
            intervals[i] = k.at.map(|at| clock.local(at).interval);
        }
        groups(
            n,
            |i| intervals[i].filter(|_| key(i).totals),
            |iv, m| {
                apply(m, self.intervals.entry(iv).or_default(), Slice::Interval);
            },
        );
        groups(
            n,
            |i| intervals[i].zip(key(i).queue),
            |(iv, q), m| {
                apply(
                    m,
                    self.queue_intervals.entry((iv, q.clone())).or_default(),
                    Slice::Interval,
                );
            },
        );
    }

    pub(crate) fn agent_extra(&mut self, agent: &AgentId) -> &mut AgentTally {
        self.agent_extra.entry(agent.clone()).or_default()
    }

    /// Adds `o` into `self`.
    pub(crate) fn merge(&mut self, o: &Tables) {
        self.totals.merge(&o.totals);
        merge_map(&mut self.queues, &o.queues, Tally::merge);
        merge_map(&mut self.agents, &o.agents, Tally::merge);
        merge_map(&mut self.agent_extra, &o.agent_extra, AgentTally::merge);
        merge_map(&mut self.channels, &o.channels, Tally::merge);
        merge_map(&mut self.tags, &o.tags, Tally::merge);
        merge_map(&mut self.intervals, &o.intervals, Tally::merge);
        merge_map(&mut self.queue_intervals, &o.queue_intervals, Tally::merge);
        for d in 0..7 {
            for h in 0..24 {
                self.started_heat[d][h] += o.started_heat[d][h];
                self.message_heat[d][h] += o.message_heat[d][h];
            }
        }
        for (into, from) in [
            (&mut self.handoff_reasons, &o.handoff_reasons),
            (&mut self.close_reasons, &o.close_reasons),
        ] {
            for (r, n) in from {
                *into.entry(r.clone()).or_default() += n;
            }
        }
        merge_map(&mut self.days, &o.days, |a, b| {
            a.conversations += b.conversations;
            a.replied += b.replied;
            a.first_reply.merge(&b.first_reply);
        });
        self.rows.extend(o.rows.iter().cloned());
    }
}

/// The most passes [`Tables::each_batch`] takes at once.
pub(crate) const BATCH: usize = 8;

/// Calls `group` once for each distinct key `key` gives passes `0..n`
/// (those with none are left out), in the order of their first pass,
/// with which passes have it.
fn groups<K: PartialEq + Copy>(
    n: usize,
    key: impl Fn(usize) -> Option<K>,
    mut group: impl FnMut(K, &[bool; BATCH]),
) {
    let mut done = [false; BATCH];
    for i in 0..n {
        if done[i] {
            continue;
        }
        let Some(k) = key(i) else {
            continue;
        };
        let mut members = [false; BATCH];
        for j in i..n {
            if !done[j] && key(j) == Some(k) {
                members[j] = true;
                done[j] = true;
            }
        }
        group(k, &members);
    }
}

/// The value at `k`, made if missing, without cloning a key that is there.
pub(crate) fn entry<'m, K: Ord + Clone, V: Default>(
    map: &'m mut BTreeMap<K, V>,
    k: &K,
) -> &'m mut V {
    if !map.contains_key(k) {
        map.insert(k.clone(), V::default());
    }
    map.get_mut(k).expect("just inserted")
}

fn merge_map<K: Ord + Clone, V: Default>(
    into: &mut BTreeMap<K, V>,
    from: &BTreeMap<K, V>,
    add: impl Fn(&mut V, &V),
) {
    for (k, v) in from {
        add(entry(into, k), v);
    }
}
