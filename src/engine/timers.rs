//! Conversation timers: bot timeouts, holds, inactivity, no agent, queue
//! updates, and forgetting closed conversations.

use crate::handoff::{Reason, State};
use std::time::Duration;

use crate::model::{BotId, ContactId, Timestamp};

use super::{Event, EventKind, Switchboard};

impl Switchboard {
    /// Runs conversation `key`'s deadlines that are due at `t`, on the way
    /// to `until` (the time the host passed in).
    pub(super) fn conversation_timer(&mut self, t: Timestamp, key: u64, until: Timestamp) {
        let due = |d: Option<Timestamp>| d.is_some_and(|d| d <= t);
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        if due(c.deadlines.purge) {
            self.purge(t, key);
            return;
        }
        if due(c.deadlines.bot) {
            c.deadlines.bot = None;
            c.asked = false;
            if c.state == State::Bot {
                let prio = c.priority;
                self.escalate(t, key, Reason::BotTimeout, None, prio, None);
            }
        }
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        if due(c.deadlines.hold) {
            c.deadlines.hold = None;
            if c.state == State::WithAgent && c.held {
                self.close(t, key, Reason::HoldExpired, Some("hold_expired"));
                return;
            }
        }
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        if due(c.deadlines.inactivity) {
            c.deadlines.inactivity = None;
            if matches!(c.state, State::Bot | State::WithAgent) && !c.held {
                self.close(t, key, Reason::Inactivity, Some("inactivity"));
                return;
            }
        }
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        if due(c.deadlines.no_agent) {
            c.deadlines.no_agent = None;
            // Offered: the offer's outcome decides (back to queued re-arms
            // it); after hours: the customer waits for the opening.
            if c.state == State::Queued {
                self.no_agent(t, key);
            }
        }
        let Some(c) = self.convs.get_mut(&key) else {
            return;
        };
        if due(c.deadlines.notice) {
            // Periodic: the checks a jump of the clock passed over are
            // skipped, not replayed one by one (the position is the same).
            c.deadlines.notice = Some(next_tick(t, self.settings.notice_interval, until));
            if c.state == State::Queued {
                self.maybe_update(t, key);
            } else if !c.state.is_waiting() {
                c.deadlines.notice = None;
            }
        }
        // At the end of time a deadline cannot move past `t`: drop it
        // rather than fire it again and again.
        if let Some(c) = self.convs.get_mut(&key) {
            c.deadlines.drop_due(t);
        }
        self.reschedule(key);
    }

    /// No agent took conversation `key` in time: back to the bot when
    /// there is one, else tell the customer they are not forgotten.
    fn no_agent(&mut self, t: Timestamp, key: u64) {
        let c = &self.convs[&key];
        let bot = c
            .bot
            .clone()
            .or_else(|| self.config.spec().defaults.bot.clone().map(BotId::new));
        match bot {
            Some(bot) => {
                self.release(t, key, None);
                let inactivity = self.settings.inactivity;
                let c = self.convs.get_mut(&key).expect("checked above");
                c.bot = Some(bot);
                c.restart_bot();
                c.deadlines.inactivity = Some(t + inactivity);
                self.transition(t, key, State::Bot, Reason::NoAgent);
                self.notice(t, key, "no_agent", &[]);
            }
            None => {
                if !c.told_no_agent {
                    self.queue_notice(t, key, "still_waiting");
                    if let Some(c) = self.convs.get_mut(&key) {
                        c.told_no_agent = true;
                    }
                }
            }
        }
    }

    /// Sends a queue update when the position or estimate changed enough
    /// to matter: the position fell by a quarter or more (or the customer
    /// is next), or the estimate moved by half or more and at least two
    /// minutes.
    fn maybe_update(&mut self, t: Timestamp, key: u64) {
        let c = &self.convs[&key];
        let Some(crate::assign::ConversationStatus::Waiting {
            position, estimate, ..
        }) = self.assigner.status(&c.ticket, t)
        else {
            return;
        };
        let Some((told_pos, told_est)) = c.told else {
            self.queue_notice(t, key, "queue_update");
            return;
        };
        let moved = position < told_pos && (position * 4 <= told_pos * 3 || position == 1);
        let est = estimate.map(|d| d.as_secs());
        let changed = match (told_est, est) {
            (Some(a), Some(b)) => a.abs_diff(b) >= 120 && a.abs_diff(b) * 2 >= a.max(1),
            (None, Some(_)) => true,
            _ => false,
        };
        if moved || changed {
            self.queue_notice(t, key, "queue_update");
        }
    }

    /// Forgets closed conversation `key`.
    fn purge(&mut self, t: Timestamp, key: u64) {
        let Some(c) = self.convs.remove(&key) else {
            return;
        };
        for t in [
            Some(&c.home),
            Some(&c.ticket),
            c.pending.as_ref().map(|p| &p.ticket),
        ]
        .into_iter()
        .flatten()
        {
            self.tickets.remove(t);
        }
        if let Some(old) = c.due {
            self.timers.remove(&(old, key));
        }
        if let Some(k) = self.contacts.by_id.get_mut(&c.contact) {
            k.conversations.retain(|x| *x != key);
        }
        self.emit(Event::new(t, EventKind::Purged).conversation(c.id));
        self.settle_contact(t, &c.contact);
    }

    /// Schedules contact `id` to be forgotten `contact_retention` from `t`
    /// if it has no conversation left, or keeps it if it has one.
    pub(super) fn settle_contact(&mut self, t: Timestamp, id: &ContactId) {
        let Some(k) = self.contacts.by_id.get(id) else {
            return;
        };
        let at = k
            .conversations
            .is_empty()
            .then(|| t + self.settings.contact_retention);
        self.contacts.schedule_forget(id, at);
    }

    /// Forgets idle contact `id`: its identities, attributes and last
    /// agent. Its opt-outs are kept (they are not the contact's).
    pub(super) fn forget_contact(&mut self, t: Timestamp, id: &ContactId) {
        if self.contacts.forget(id).is_some() {
            self.emit(Event::new(
                t,
                EventKind::ContactForgotten {
                    contact: id.clone(),
                },
            ));
        }
    }
}

/// The first of `t + period`, `t + 2 * period` … that is after `until`
/// (saturating): where a periodic timer that ran late at `t` goes next.
pub(super) fn next_tick(t: Timestamp, period: Duration, until: Timestamp) -> Timestamp {
    let next = t + period;
    if next > until {
        return next;
    }
    let p = u64::try_from(period.as_millis()).unwrap_or(u64::MAX).max(1);
    let behind = until.as_millis() - t.as_millis();
    let periods = behind / p + 1;
    Timestamp::from_millis(t.as_millis().saturating_add(periods.saturating_mul(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_tick_skips_the_periods_a_jump_passed_over() {
        let t = Timestamp::from_millis(1_000);
        let s = Duration::from_secs(30);
        assert_eq!(next_tick(t, s, t).as_millis(), 31_000);
        assert_eq!(
            next_tick(t, s, Timestamp::from_millis(30_999)).as_millis(),
            31_000
        );
        assert_eq!(
            next_tick(t, s, Timestamp::from_millis(31_000)).as_millis(),
            61_000
        );
        assert_eq!(
            next_tick(t, s, Timestamp::from_millis(95_000)).as_millis(),
            121_000
        );
        let end = Timestamp::from_millis(u64::MAX);
        assert_eq!(next_tick(t, s, end), end);
    }
}
