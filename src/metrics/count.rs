//! Turning a conversation into figures: what each of its instants adds
//! to the tallies of its slices, when it is forgotten or when a report
//! reads it as it stands.

use std::sync::Arc;

use super::agent::AgentRec;
use super::aggregate::Map;
use super::clock::Clock;
use super::contact::{Ledger, Owner};
use super::conversation::{Conv, WaitEnd};
use super::tables::{BATCH, Keys, Slice, Tables};
use super::tally::Tally;
use super::{ConversationRow, Settings};
use crate::handoff::{Reason, State};
use crate::model::{AgentId, ConversationId, Timestamp};

pub(crate) fn count_fcr(tables: &mut Tables, clock: &mut Clock, o: &Owner, resolved: bool) {
    let keys = Keys {
        queue: o.queue.as_ref(),
        agent: o.agent.as_ref(),
        channel: o.channel.as_ref(),
        tags: &o.tags,
        at: None,
        totals: true,
    };
    tables.each(clock, &keys, |t| {
        t.fcr_decided += 1;
        t.fcr_resolved += u64::from(resolved);
    });
}

/// What one pass over a conversation's slices counts.
#[derive(Clone, Copy, Debug)]
enum Fig<'c> {
    /// A free place in a batch.
    Nothing,
    /// The conversation's own figures, counted in its own slices.
    Conv(&'c ConvFigs),
    /// Its first wait.
    Wait {
        end: &'c WaitEnd,
        waited: Option<u64>,
        sl: u64,
        short: Option<u64>,
    },
    FirstResponse(u64),
    Reply(u64),
    Handle(u64),
}

/// The figures a conversation counts in its own slices.
#[derive(Clone, Copy, Debug)]
struct ConvFigs {
    started: u64,
    first_reply: Option<u64>,
    /// Contained, resolved by the bot, handed off.
    bot: Option<(bool, bool, bool)>,
    resolution: Option<u64>,
    msgs: [u32; 4],
    closed: bool,
    reopened: u64,
    transfers: u64,
    csat: Option<u8>,
}

impl Fig<'_> {
    /// Counts this figure in tally `x`, a slice of kind `slice`.
    fn count(&self, x: &mut Tally, slice: Slice) {
        match *self {
            Fig::Nothing => {}
            Fig::Conv(f) => {
                x.conversations += f.started;
                if let Some(ms) = f.first_reply {
                    x.first_reply.add(ms);
                }
                if let Some((contained, resolved, handed)) = f.bot {
                    x.bot_decided += 1;
                    x.contained += u64::from(contained);
                    x.bot_resolved += u64::from(resolved);
                    x.handed_off += u64::from(handed);
                }
                if slice == Slice::Interval {
                    return;
                }
                if let Some(ms) = f.resolution {
                    x.resolution.add(ms);
                }
                // Totals, channels and intervals counted messages as they came.
                if slice != Slice::Totals && slice != Slice::Channel {
                    for (m, n) in x.messages.iter_mut().zip(f.msgs) {
                        *m += u64::from(n);
                    }
                }
                x.closed += u64::from(f.closed);
                x.reopened += f.reopened;
                x.transfers += f.transfers;
                if let Some(score) = f.csat {
                    x.csat[usize::from(score - 1)] += 1;
                }
            }
            Fig::Wait {
                end,
                waited,
                sl,
                short,
            } => {
                x.queued += 1;
                match (end, waited) {
                    (WaitEnd::Answered { .. }, Some(ms)) => {
                        x.answered += 1;
                        x.answered_within += u64::from(ms <= sl);
                        x.asa.add(ms);
                    }
                    (WaitEnd::Abandoned { .. }, Some(ms)) => {
                        x.abandoned += 1;
                        x.abandon_wait.add(ms);
                        if short.is_some_and(|sh| ms < sh) {
                            x.abandoned_short += 1;
                        } else if ms <= sl {
                            x.abandoned_within += 1;
                        }
                    }
                    (WaitEnd::Other { .. }, _) => x.unanswered += 1,
                    _ => {}
                }
            }
            Fig::FirstResponse(ms) => x.first_response.add(ms),
            Fig::Reply(ms) => x.reply.add(ms),
            Fig::Handle(ms) => x.handle.add(ms),
        }
    }
}

/// A conversation's passes over its slices, counted a batch at a time so
/// that a tally several passes name is found once.
struct Batch<'c> {
    len: usize,
    passes: [(Keys<'c>, Fig<'c>); BATCH],
}

impl<'c> Batch<'c> {
    fn new() -> Batch<'c> {
        let none = Keys {
            queue: None,
            agent: None,
            channel: None,
            tags: &[],
            at: None,
            totals: false,
        };
        Batch {
            len: 0,
            passes: [(none, Fig::Nothing); BATCH],
        }
    }

    /// Adds a pass, counting those before it first when the batch is full.
    fn push(&mut self, t: &mut Tables, clock: &mut Clock, keys: Keys<'c>, fig: Fig<'c>) {
        if self.len == BATCH {
            self.flush(t, clock);
        }
        self.passes[self.len] = (keys, fig);
        self.len += 1;
    }

    /// Counts the passes added.
    fn flush(&mut self, t: &mut Tables, clock: &mut Clock) {
        t.each_batch(clock, &self.passes[..self.len], Fig::count);
        self.len = 0;
    }
}

/// Counts every figure of conversation `c` as it stands at `now`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    c: &Conv,
    (shard, id): (&Arc<str>, &ConversationId),
    now: Timestamp,
    s: &Settings,
    clock: &mut Clock,
    t: &mut Tables,
    agents: &mut Map<AgentId, AgentRec>,
    contacts: &mut impl Ledger,
) {
    let channel = c.channel.as_ref();
    let tags = &c.tags[..];
    let last_q = c.queue.as_ref();
    let last_a = c.last_agent();
    // The figures counted for the conversation's own slices: the
    // interval ones (at its start) only while it has one.
    let first_reply = c.start.zip(c.first_reply).map(|(s, r)| Conv::span_ms(s, r));
    let closed = c.state == Some(State::Closed);
    let resolution = match (c.start, &c.closed) {
        (Some(start), Some((at, _))) if closed => Some(Conv::span_ms(start, *at)),
        _ => None,
    };
    let bot = (c.reached_bot && (c.handoff.is_some() || c.waited_ever || closed)).then(|| {
        let contained = !c.waited_ever && closed;
        let resolved = contained
            && matches!(
                c.closed.as_ref().map(|x| &x.1),
                Some(Reason::Resolved | Reason::ClosedByBot)
            );
        (contained, resolved, c.handoff.is_some())
    });
    let figs = ConvFigs {
        started: u64::from(c.start.is_some()),
        first_reply,
        bot,
        resolution,
        msgs: c.messages,
        closed,
        reopened: u64::from(c.reopened),
        transfers: u64::from(c.transfers),
        csat: c.csat,
    };
    let mut batch = Batch::new();
    let keys = Keys {
        queue: last_q,
        agent: last_a,
        channel,
        tags,
        at: c.start,
        totals: true,
    };
    batch.push(t, clock, keys, Fig::Conv(&figs));
    wait_passes(c, s, t, clock, &mut batch);
    for r in &c.replies {
        let keys = Keys {
            queue: r.queue.as_ref(),
            agent: Some(&r.agent),
            channel,
            tags,
            at: None,
            totals: true,
        };
        batch.push(t, clock, keys, Fig::Reply(r.ms));
    }
    for (seg, _, end) in c.segment_spans(now, |q| s.wrap_up(q)) {
        let ms = Conv::span_ms(seg.from, end);
        let keys = Keys {
            queue: seg.queue.as_ref(),
            agent: Some(&seg.agent),
            channel,
            tags,
            at: Some(seg.from),
            totals: true,
        };
        batch.push(t, clock, keys, Fig::Handle(ms));
        t.agent_extra(&seg.agent).handled += 1;
        if !agents.contains_key(&seg.agent) {
            agents.insert(seg.agent.clone(), AgentRec::default());
        }
        if let Some(a) = agents.get_mut(&seg.agent) {
            a.busy(seg.from, end);
        }
    }
    batch.flush(t, clock);
    if let Some(start) = c.start {
        let local = clock.local(start);
        t.started_heat[local.weekday as usize][local.hour as usize] += 1;
        let day = t.days.entry(local.day).or_default();
        day.conversations += 1;
        if let Some(ms) = first_reply {
            day.replied += 1;
            day.first_reply.add(ms);
        }
    }
    if bot.is_some()
        && let Some(r) = &c.handoff
    {
        *t.handoff_reasons.entry(r.clone()).or_default() += 1;
    }
    if closed && let Some((_, r)) = &c.closed {
        *t.close_reasons.entry(r.clone()).or_default() += 1;
    }
    if s.keep_conversations {
        t.rows.push(ConversationRow::of(c, shard, id, now));
    }
    if let (Some(contact), false) = (&c.contact, closed) {
        contacts.dropped(&(shard.clone(), id.clone()), contact);
    }
    if let (Some(contact), Some((at, _))) = (&c.contact, &c.closed)
        && closed
    {
        let owner = Owner {
            queue: last_q.cloned(),
            agent: last_a.cloned(),
            channel: channel.cloned(),
            tags: c.tags.clone(),
            closed: *at,
        };
        let key = (shard.clone(), id.clone());
        contacts.finished(&key, contact, owner, c.fcr_eligible(), s.fcr_window);
    }
}

fn ms_of(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Counts conversation `c`'s first wait and first response.
pub(crate) fn count_wait(c: &Conv, s: &Settings, clock: &mut Clock, t: &mut Tables) {
    let mut batch = Batch::new();
    wait_passes(c, s, t, clock, &mut batch);
    batch.flush(t, clock);
}

/// The passes of conversation `c`'s first wait and first response.
fn wait_passes<'c>(
    c: &'c Conv,
    s: &Settings,
    t: &mut Tables,
    clock: &mut Clock,
    batch: &mut Batch<'c>,
) {
    let channel = c.channel.as_ref();
    let tags = &c.tags[..];
    if let Some(w) = &c.wait {
        let answered_by = match &w.end {
            WaitEnd::Answered { agent, .. } => Some(agent),
            _ => None,
        };
        let keys = Keys {
            queue: w.queue.as_ref(),
            agent: answered_by,
            channel,
            tags,
            at: Some(w.since),
            totals: true,
        };
        let fig = Fig::Wait {
            end: &w.end,
            waited: c.waited().map(|(ms, _)| ms),
            sl: ms_of(s.service_level),
            short: s.short_abandon.map(ms_of),
        };
        batch.push(t, clock, keys, fig);
        if let Some(f) = &c.first_response {
            let keys = Keys {
                queue: f.queue.as_ref(),
                agent: Some(&f.agent),
                at: Some(w.since),
                ..keys
            };
            batch.push(t, clock, keys, Fig::FirstResponse(f.ms));
        }
    }
}
