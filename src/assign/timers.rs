//! Time: the timer set, running what falls due (offer expiry, reply
//! deadlines, preference expiry, relaxation and overflow, offline grace,
//! wrap-up and fairness windows, business hours), and the deadlines each
//! agent and conversation sets.

use super::agent::Presence;
use super::assigner::Assigner;
use super::conversation::Phase;
use super::event::{AssignEvent, MissReason, RevokeReason, UnassignReason};
use super::waiting::MAX_PRIORITY;
use crate::model::Timestamp;

/// The latest time the assigner's clock reaches: the crate's
/// [end of time](Timestamp#the-end-of-time), so that every deadline (`now`
/// plus at least a millisecond, saturating) is still ahead of the clock and
/// timers always move time forward.
pub(crate) const LAST_INSTANT: Timestamp = Timestamp::MAX;

/// What a timer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Target {
    Queue(u32),
    Agent(u32),
    Conv(u32),
}

impl Assigner {
    /// When [`handle_timeout`](Assigner::handle_timeout) should next be
    /// called; `None` when no timer can fall due (none is set, or every one
    /// lies past the [end of time](Timestamp::MAX)).
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.timers
            .first()
            .map(|(t, _)| *t)
            .filter(|t| *t <= LAST_INSTANT)
    }

    /// Runs every timer due at or before `now`, each at its own time.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.advance(now);
    }

    /// Takes `now` as the current time (never earlier than the last) and
    /// runs the timers due by then.
    pub(crate) fn advance(&mut self, now: Timestamp) -> Timestamp {
        self.run_timers(now, now)
    }

    /// Runs the timers due at or before `now`, each at its own time, and
    /// takes `now` as the current time.
    ///
    /// `horizon` is the latest time up to which the caller knows nothing
    /// else happens (the engine's next timer, or `now` itself): a queue
    /// whose business hours change more than once before it does not
    /// replay each opening and closing, but takes the hours in force at
    /// the horizon (see [`queue_timer`](Self::queue_timer)). That bounds
    /// the work of a clock that jumps years ahead by the number of timers
    /// pending, not by the length of the jump.
    ///
    /// Terminates: every timer it runs is removed, and every timer a
    /// timer sets is strictly later than the one that set it (deadlines
    /// are `t` plus at least a millisecond, saturating past the clock's
    /// [end](Timestamp::MAX), where they never fall due).
    pub(crate) fn run_timers(&mut self, now: Timestamp, horizon: Timestamp) -> Timestamp {
        let now = now.min(LAST_INSTANT).max(self.now);
        while let Some(&(t, target)) = self.timers.first() {
            if t > now {
                break;
            }
            self.timers.remove(&(t, target));
            self.now = t;
            match target {
                Target::Queue(q) => self.queue_timer(q, t, horizon.max(now)),
                Target::Agent(a) => {
                    if self.agents.get(a).is_some() {
                        self.agent_mut(a).deadline = None;
                        self.agent_timer(a, t);
                    }
                }
                Target::Conv(c) => {
                    if self.convs.get(c).is_some() {
                        self.conv_mut(c).deadline = None;
                        self.conv_timer(c, t);
                    }
                }
            }
        }
        self.now = now;
        now
    }

    pub(crate) fn agent_deadline(&self, a: u32, now: Timestamp) -> Option<Timestamp> {
        let st = self.agent_ref(a);
        let mut next: Option<Timestamp> = st.grace_until();
        let mut at = |t: Timestamp| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        if st.presence == Presence::Available {
            at(st.wrap_up_until);
            if let Some((_, per)) = self.settings.fairness
                && self.capped(st, now)
            {
                // The earliest in-window assignment leaves the window.
                if let Some(t) = st
                    .recent()
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) < per)
                    .min()
                {
                    at(*t + per);
                }
            }
        }
        next
    }

    pub(crate) fn set_agent_timer(&mut self, a: u32, t: Option<Timestamp>) {
        let st = self.agent_mut(a);
        let old = st.deadline();
        st.deadline = t.and_then(|t| std::num::NonZeroU64::new(t.as_millis()));
        let new = st.deadline();
        self.move_timer(Target::Agent(a), old, new);
    }

    pub(crate) fn set_conv_timer(&mut self, c: u32, t: Option<Timestamp>) {
        let old = std::mem::replace(&mut self.conv_mut(c).deadline, t);
        self.move_timer(Target::Conv(c), old, t);
    }

    /// Moves `target`'s entry in the timer set from `old` to `new`.
    fn move_timer(&mut self, target: Target, old: Option<Timestamp>, new: Option<Timestamp>) {
        if old == new {
            return;
        }
        if let Some(o) = old {
            self.timers.remove(&(o, target));
        }
        if let Some(n) = new {
            self.timers.insert((n, target));
        }
    }

    /// The conversation's next deadline for its phase.
    pub(crate) fn conv_deadline(&self, c: u32, now: Timestamp) -> Option<Timestamp> {
        let conv = self.conv_ref(c);
        match &conv.phase {
            Phase::Waiting { tier, .. } => {
                // A directed request neither relaxes nor overflows.
                if conv.extra.is_some() && conv.directed().is_some() {
                    return None;
                }
                let q = &self.queues[conv.queue as usize];
                let mut next: Option<Timestamp> = None;
                let mut at = |t: Timestamp| next = Some(next.map_or(t, |n| n.min(t)));
                if let Some(t) = q.tiers.get(*tier as usize + 1) {
                    at(conv.entered + t.after);
                }
                if let Some((after, _)) = q.overflow {
                    at(conv.entered + after);
                }
                if let Some(e) = &conv.extra
                    && let Some((_, until)) = &e.preferred
                {
                    at(*until);
                }
                next.map(|t| t.max(now))
            }
            Phase::Offered { until, .. } => Some(*until),
            Phase::Assigned { reply_due, .. } => *reply_due,
        }
    }

    pub(crate) fn update_conv_timer(&mut self, c: u32, now: Timestamp) {
        let t = self.conv_deadline(c, now);
        self.set_conv_timer(c, t);
    }

    fn agent_timer(&mut self, a: u32, now: Timestamp) {
        // Offline grace over: take back what is still assigned.
        if self.agent_ref(a).grace_until().is_some_and(|g| g <= now) {
            self.agent_mut(a).set_grace(None);
            if self.agent_ref(a).presence == Presence::Offline {
                let requeued = self.take_back(a, now, RevokeReason::AgentOffline, true);
                self.refresh(a, now);
                for c in requeued {
                    self.match_conv(c, now);
                }
                return;
            }
        }
        // Forget assignments that left the fairness window.
        if let Some((_, per)) = self.settings.fairness {
            self.agent_mut(a)
                .recent_mut()
                .retain(|t| now.saturating_duration_since(*t) < per);
        }
        self.refresh(a, now);
        self.drain_agent(a, now);
    }

    fn conv_timer(&mut self, c: u32, now: Timestamp) {
        match self.conv_ref(c).phase.clone() {
            Phase::Offered { agents, until } => {
                if until <= now {
                    for a in agents.iter().copied() {
                        self.miss(c, a, now, MissReason::Expired);
                    }
                    self.after_miss(c, now);
                    for a in agents.iter().copied() {
                        if self.agents.get(a).is_some() {
                            self.drain_agent(a, now);
                        }
                    }
                } else {
                    self.update_conv_timer(c, now);
                }
            }
            Phase::Assigned {
                reply_due, agent, ..
            } => {
                if reply_due.is_some_and(|t| t <= now) {
                    self.conv_mut(c).extra_mut().passed.push(agent);
                    self.unassign(c, now, UnassignReason::ReplyTimeout);
                    self.match_conv(c, now);
                    self.drain_agent(agent, now);
                } else {
                    self.update_conv_timer(c, now);
                }
            }
            Phase::Waiting { tier, .. } => self.waiting_timer(c, tier, now),
        }
    }

    /// Preference expiry, overflow and relaxation of a waiting conversation.
    fn waiting_timer(&mut self, c: u32, tier: u8, now: Timestamp) {
        let conv = self.conv_ref(c);
        let q = conv.queue as usize;
        let entered = conv.entered;
        // The preferred agent's time is up.
        let expired = conv
            .extra
            .as_ref()
            .and_then(|e| e.preferred.as_ref())
            .filter(|(_, until)| *until <= now)
            .map(|(a, _)| a.clone());
        if let Some(agent) = expired {
            self.conv_mut(c).extra_mut().preferred = None;
            self.emit(AssignEvent::PreferenceExpired {
                ticket: self.conv_ref(c).ticket.clone(),
                agent,
            });
        }
        if let Some((after, to)) = self.queues[q].overflow
            && now.saturating_duration_since(entered) >= after
        {
            self.unplace(c);
            let from = self.queues[q].id.clone();
            let (to_priority, to_id) = {
                let to_q = &self.queues[to as usize];
                (to_q.priority, to_q.id.clone())
            };
            let conv = self.conv_mut(c);
            conv.queue = to;
            conv.entered = now;
            conv.standing.priority =
                (to_priority + i64::from(conv.own_priority)).clamp(-MAX_PRIORITY, MAX_PRIORITY);
            let ticket = conv.ticket.clone();
            self.place(c, now);
            self.emit(AssignEvent::Overflowed {
                ticket,
                from,
                to: to_id,
            });
            self.match_conv(c, now);
            return;
        }
        let new_tier = self.queues[q].tier_at(entered, now);
        if new_tier != tier {
            self.unplace(c);
            self.place(c, now);
            self.emit(AssignEvent::Relaxed {
                ticket: self.conv_ref(c).ticket.clone(),
                queue: self.queues[q].id.clone(),
                step: new_tier as usize,
            });
        } else {
            self.update_conv_timer(c, now);
        }
        self.match_conv(c, now);
    }

    /// A queue's business hours may have changed at `now`.
    ///
    /// When the next change is due no later than `horizon` and before any
    /// other timer of the assigner, nothing can happen in between but
    /// openings and closings of this queue: the timer then moves straight
    /// to the last of those instants, where the queue takes the hours in
    /// force, instead of opening and closing once per day of a long jump
    /// of the clock. Driven at every [`poll_timeout`](Self::poll_timeout),
    /// the horizon is the timer's own time and every change runs on time.
    fn queue_timer(&mut self, q: u32, now: Timestamp, horizon: Timestamp) {
        let changed = self.queues[q as usize].update_hours(now);
        if let Some(mut t) = self.queues[q as usize].next_change {
            let limit = self
                .timers
                .iter()
                .find(|(_, target)| !matches!(target, Target::Queue(_)))
                .map_or(horizon, |(other, _)| (*other).min(horizon));
            if t <= limit {
                t = limit;
                self.queues[q as usize].next_change = Some(t);
            }
            self.timers.insert((t, Target::Queue(q)));
        }
        if !changed {
            return;
        }
        let queue = &mut self.queues[q as usize];
        let id = queue.id.clone();
        if queue.open {
            if queue.waiting() > 0 {
                queue.estimator.backlog_starts(now);
            }
            self.emit(AssignEvent::QueueOpened { queue: id });
            self.drain_queue(q, now);
        } else {
            queue.estimator.backlog_ends();
            let opens = queue.calendar.as_ref().and_then(|c| c.next_open(now));
            self.emit(AssignEvent::QueueClosed { queue: id, opens });
        }
    }
}
