//! Closing, the satisfaction survey, and the conversation's timers.

use crate::engine::{Action, Closer, Event, EventKind};
use crate::handoff::{Reason, State};
use crate::model::{AgentId, Timestamp};

use super::timers::next_tick;
use super::{Closure, Conversation, Env, Phase, Then, Timer};

impl Conversation {
    /// Closes it for `by` (`agent` is the agent who closes, when given),
    /// or records the retry when it is closed already.
    pub(crate) fn close_by(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        by: Closer,
        agent: Option<&AgentId>,
    ) -> Result<(), crate::engine::InputError> {
        if let Some(a) = agent {
            self.owned_by(a, "close")?;
        }
        if self.state() == State::Closed {
            self.duplicate(env, now, "close");
            return Ok(());
        }
        let reason = match by {
            Closer::Agent => Reason::ClosedByAgent,
            Closer::Customer if self.state().is_waiting() => Reason::Abandoned,
            Closer::Customer => Reason::ClosedByCustomer,
            Closer::Bot => Reason::ClosedByBot,
            Closer::System => Reason::ClosedBySystem,
        };
        self.close(env, now, reason, None);
        Ok(())
    }

    /// Closes it for `reason`, sending notice `notice` first; its agent is
    /// told why (unless they closed it), and the customer is asked for a
    /// score when an agent had it and `csat` is on.
    pub(crate) fn close(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        reason: Reason,
        notice: Option<&str>,
    ) {
        if let Some(n) = notice {
            self.notice(env, now, n, &[]);
        }
        let had_agent = self.state() == State::WithAgent;
        // The agent sees why they lost it, unless they closed it.
        let unassign = (reason != Reason::ClosedByAgent).then(|| reason.clone());
        self.release(env, now, unassign);
        let reopen = env.settings().reopen_window;
        self.timers.stop_all();
        self.timers.set(Timer::Purge, now + reopen);
        let closure = Closure {
            at: now,
            csat_asked: false,
        };
        self.transition(env, now, Phase::Closed(closure), reason.clone());
        env.act(
            now,
            Action::Closed {
                conversation: self.id.clone(),
                reason: reason.clone(),
            },
        );
        if env.settings().csat && had_agent && reason != Reason::Abandoned {
            self.notice(env, now, "csat", &[]);
            if let Phase::Closed(c) = &mut self.phase {
                c.csat_asked = true;
            }
        }
        self.rest(env, now);
    }

    /// A satisfaction score from the host: recorded, or a retry of the
    /// same score.
    pub(crate) fn csat_input(&mut self, env: &mut Env<'_>, now: Timestamp, score: u8) {
        if self.csat == Some(score) {
            self.duplicate(env, now, "csat");
            return;
        }
        self.record_csat(env, now, score);
    }

    /// Records a satisfaction score (from the host, or the customer's
    /// answer to the survey).
    pub(crate) fn record_csat(&mut self, env: &mut Env<'_>, now: Timestamp, score: u8) {
        self.csat = Some(score);
        let mut e = Event::new(now, EventKind::Csat { score }).conversation(self.id.clone());
        e.agent = self.agents.last().cloned();
        e.queue = self.queue.clone();
        env.emit(e);
    }

    /// Runs its deadlines due at `t`, on the way to `until` (the time the
    /// host passed in). Returns [`Then::Purge`] when it is to be
    /// forgotten.
    pub(crate) fn on_timer(
        &mut self,
        env: &mut Env<'_>,
        t: Timestamp,
        until: Timestamp,
    ) -> Option<Then> {
        if self.timers.is_due(Timer::Purge, t) {
            return Some(Then::Purge);
        }
        if self.timers.is_due(Timer::Bot, t) {
            self.timers.stop(Timer::Bot);
            if let Phase::Bot { asked } = &mut self.phase {
                *asked = false;
                let prio = self.priority;
                self.escalate(env, t, Reason::BotTimeout, None, prio, None);
            }
        }
        if self.timers.is_due(Timer::Hold, t) {
            self.timers.stop(Timer::Hold);
            if self.phase.held() {
                self.close(env, t, Reason::HoldExpired, Some("hold_expired"));
                return None;
            }
        }
        if self.timers.is_due(Timer::Inactivity, t) {
            self.timers.stop(Timer::Inactivity);
            if matches!(self.state(), State::Bot | State::WithAgent) && !self.phase.held() {
                self.close(env, t, Reason::Inactivity, Some("inactivity"));
                return None;
            }
        }
        if self.timers.is_due(Timer::NoAgent, t) {
            self.timers.stop(Timer::NoAgent);
            // Offered: the offer's outcome decides (back to queued re-arms
            // it); after hours: the customer waits for the opening.
            if self.state() == State::Queued {
                self.no_agent(env, t);
            }
        }
        if self.timers.is_due(Timer::Notice, t) {
            // Periodic: the checks a jump of the clock passed over are
            // skipped, not replayed one by one (the position is the same).
            let interval = env.settings().notice_interval;
            self.timers
                .set(Timer::Notice, next_tick(t, interval, until));
            if self.state() == State::Queued {
                self.maybe_update(env, t);
            } else if !self.state().is_waiting() {
                self.timers.stop(Timer::Notice);
            }
        }
        // At the end of time a deadline cannot move past `t`: drop it
        // rather than fire it again and again.
        self.timers.drop_due(t);
        self.rest(env, t);
        None
    }

    /// Nothing stays open forever: a conversation with the bot that is not
    /// waiting for the bot's answer (its escalation was turned away by a
    /// full queue, the bot answered without a reply, it came back from a
    /// queue) closes after `inactivity_timeout` of silence.
    pub(crate) fn rest(&mut self, env: &Env<'_>, now: Timestamp) {
        if matches!(self.phase, Phase::New | Phase::Bot { .. })
            && !self.timers.is_set(Timer::Bot)
            && !self.timers.is_set(Timer::Inactivity)
        {
            let inactivity = env.settings().inactivity_timeout;
            self.timers.set(Timer::Inactivity, now + inactivity);
        }
    }
}
