//! Switching the assigner to a new configuration without losing anything.

use std::collections::HashMap;
use std::sync::Arc;

use super::assigner::{Assigner, Settings};
use super::conversation::Phase;
use super::error::AssignError;
use super::event::{AssignEvent, RevokeReason};
use super::queue::build_queues;
use super::strategy::Strategy;
use super::waiting::{MAX_PRIORITY, WaitKey};
use crate::config::{Config, QueueConfig};
use crate::model::{QueueId, Timestamp};

impl Assigner {
    /// Switches to a new configuration, keeping every agent and
    /// conversation. Queues are matched by id.
    ///
    /// - **Removed queues.** Their conversations (waiting, offered or
    ///   assigned) move to `fallback`, a queue of the new configuration,
    ///   with an [`AssignEvent::Moved`] each; they count their relaxation
    ///   and overflow in it from now. A fallback is needed only when a
    ///   removed queue holds conversations.
    /// - **Waiting conversations** keep their waiting-since, their own
    ///   priority (added to their queue's new one), being at the front
    ///   after a requeue, and their order among equals; they are placed by
    ///   the queue's new rules (relaxation step, aging). `max_size` does
    ///   not turn anyone away.
    /// - **Offers** of conversations whose queue is removed or whose
    ///   `[[queues]]` entry changed are revoked
    ///   ([`RevokeReason::Reconfigured`]) and those conversations wait
    ///   again at the front; other offers stand.
    /// - **Assigned conversations** stay with their agent: same since,
    ///   same reply deadline, same load. Wrap-up after them follows the
    ///   new configuration.
    /// - **Agents** keep their profile, presence, load, idle-since,
    ///   wrap-up, missed offers and fairness history; which queues they
    ///   are eligible for is worked out again under the new conditions.
    /// - **Queues that stay** keep their learned wait estimates, their
    ///   host strategy (from [`set_strategy`](Assigner::set_strategy)) and,
    ///   when their calendar is unchanged, their business-hours state; a
    ///   queue whose hours now say otherwise emits
    ///   [`QueueOpened`](AssignEvent::QueueOpened) or
    ///   [`QueueClosed`](AssignEvent::QueueClosed).
    /// - **Directed requests** stay directed to their agent.
    ///
    /// Then matching runs as after any other call, so waiting
    /// conversations that an agent can now take are offered. Reconfiguring
    /// with an identical configuration changes nothing and emits nothing.
    ///
    /// # Errors
    ///
    /// [`AssignError::UnknownQueue`] for a `fallback` not in the new
    /// configuration, or [`AssignError::FallbackNeeded`] when a removed
    /// queue holds conversations and no fallback is given. Nothing changes
    /// then (timers that were already due have still run).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use switchboard::assign::{AssignEvent, Assigner, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{ChannelKind, QueueId, Timestamp};
    ///
    /// let old = Config::from_toml_str("[[queues]]\nid = \"billing\"\n[[queues]]\nid = \"general\"")?;
    /// let t = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(Arc::new(old), t);
    /// a.enqueue(t, Request::new("c1", "billing", ChannelKind::WebChat))?;
    ///
    /// // Billing is merged into general.
    /// let new = Arc::new(Config::from_toml_str("[[queues]]\nid = \"general\"")?);
    /// assert!(a.reconfigure(t, new.clone(), None).is_err());
    /// a.reconfigure(t, new, Some(&QueueId::new("general")))?;
    /// assert!(matches!(a.poll_event(), Some(AssignEvent::Moved { .. })));
    /// assert_eq!(a.waiting(&QueueId::new("general")).unwrap().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reconfigure(
        &mut self,
        now: Timestamp,
        config: Arc<Config>,
        fallback: Option<&QueueId>,
    ) -> Result<(), AssignError> {
        self.reconfigure_with(now, config, fallback, |_, kept| kept.cloned())
    }

    /// [`reconfigure`](Assigner::reconfigure), with `host` choosing each
    /// new queue's host strategy from its configuration and the host
    /// strategy of the queue of the same id, if it stays and had one. The
    /// choice is made as the queues are built, so no offer is made under a
    /// strategy the queue no longer has.
    pub(crate) fn reconfigure_with(
        &mut self,
        now: Timestamp,
        config: Arc<Config>,
        fallback: Option<&QueueId>,
        host: impl Fn(&QueueConfig, Option<&Arc<dyn Strategy>>) -> Option<Arc<dyn Strategy>>,
    ) -> Result<(), AssignError> {
        let now = self.advance(now);

        // Where each queue's conversations go, checked before anything
        // changes.
        let new_ids: HashMap<&QueueId, u32> = config
            .queues()
            .iter()
            .enumerate()
            .map(|(i, q)| (&q.id, i as u32))
            .collect();
        let fallback = match fallback {
            Some(f) => Some(
                *new_ids
                    .get(f)
                    .ok_or_else(|| AssignError::UnknownQueue(f.clone()))?,
            ),
            None => None,
        };
        let mut holds = vec![false; self.queues.len()];
        for (_, conv) in self.convs.iter() {
            if let Some(h) = holds.get_mut(conv.queue as usize) {
                *h = true;
            }
        }
        // Old queue → new queue (`None`: removed and empty).
        let mut to: Vec<Option<u32>> = Vec::with_capacity(self.queues.len());
        for (q, queue) in self.queues.iter().enumerate() {
            to.push(match (new_ids.get(&queue.id), fallback) {
                (Some(&n), _) => Some(n),
                (None, _) if !holds[q] => None,
                (None, Some(f)) => Some(f),
                (None, None) => return Err(AssignError::FallbackNeeded(queue.id.clone())),
            });
        }
        let new_queue = |q: usize| {
            config
                .queues()
                .get(*new_ids.get(&self.queues[q].id)? as usize)
        };
        // Removed, or its `[[queues]]` entry changed: offers are revoked.
        let changed: Vec<bool> = (0..self.queues.len())
            .map(|q| new_queue(q).is_none_or(|n| n.spec != self.config.queues()[q].spec))
            .collect();
        // Same calendar: the business-hours state carries over.
        let same_hours: Vec<bool> = (0..self.queues.len())
            .map(|q| {
                let old = &self.config.queues()[q].spec.calendar;
                new_queue(q).is_some_and(|n| {
                    n.spec.calendar == *old
                        && old.as_ref().is_none_or(|c| {
                            config.spec().calendars.get(c) == self.config.spec().calendars.get(c)
                        })
                })
            })
            .collect();

        // The order conversations are dealt with, and their events come
        // in: by queue, waiting ones in service order first.
        let mut order: Vec<(u32, u8, Option<WaitKey>, u32)> = self
            .convs
            .iter()
            .map(|(c, conv)| {
                let (rank, key) = match &conv.phase {
                    Phase::Waiting { key, .. } if conv.directed().is_none() => (0, Some(*key)),
                    Phase::Waiting { key, .. } => (1, Some(*key)),
                    Phase::Offered { .. } => (2, None),
                    Phase::Assigned { .. } => (3, None),
                };
                (conv.queue, rank, key, c)
            })
            .collect();
        order.sort_unstable();

        // The new queues and pools, keeping what queues that stay learned.
        let old_index = |id: &QueueId| self.queue_index.get(id).copied();
        let (mut queues, pools) = build_queues(&config, now, |q| {
            let kept = old_index(&q.id).and_then(|i| self.queues[i as usize].host.as_ref());
            host(q, kept)
        });
        let mut hours_events = Vec::new();
        for queue in &mut queues {
            let Some(q) = old_index(&queue.id) else {
                continue;
            };
            let old = &self.queues[q as usize];
            queue.estimator = old.estimator.clone();
            if same_hours[q as usize] {
                queue.open = old.open;
                queue.next_change = old.next_change;
            } else if queue.open != old.open {
                hours_events.push(if queue.open {
                    AssignEvent::QueueOpened {
                        queue: queue.id.clone(),
                    }
                } else {
                    AssignEvent::QueueClosed {
                        queue: queue.id.clone(),
                        opens: queue.calendar.as_ref().and_then(|c| c.next_open(now)),
                    }
                });
            }
        }

        // Everything derived from the old queues goes.
        let old_ids: Vec<QueueId> = self.queues.iter().map(|q| q.id.clone()).collect();
        self.timers.clear();
        self.directed.clear();
        for c in order.iter().map(|o| o.3) {
            self.conv_mut(c).deadline = None;
        }
        let agents = self.live_agents();
        for &a in &agents {
            let st = self.agent_mut(a);
            st.deadline = None;
            st.ready = false;
            st.pools = Box::default();
        }
        self.config = config;
        self.settings = Settings::of(&self.config);
        self.install_queues(queues, pools);

        // Conversations into the new queues: first every queue index, so
        // that nothing below reads an old one.
        for &(q, _, _, c) in &order {
            if let Some(new) = to[q as usize] {
                let priority = self.queues[new as usize].priority;
                let conv = self.conv_mut(c);
                conv.queue = new;
                conv.standing.priority =
                    (priority + i64::from(conv.own_priority)).clamp(-MAX_PRIORITY, MAX_PRIORITY);
            }
        }
        let mut waiting = Vec::new();
        for &(q, _, _, c) in &order {
            let q = q as usize;
            let Some(new) = to[q] else {
                continue;
            };
            let new_id = self.queues[new as usize].id.clone();
            let requeued = changed[q] && matches!(self.conv_ref(c).phase, Phase::Offered { .. });
            if requeued && let Phase::Offered { agents, .. } = self.conv_ref(c).phase.clone() {
                for a in agents.iter().copied() {
                    self.revoke(c, a, now, RevokeReason::Reconfigured);
                }
                self.conv_mut(c).standing.front = true;
            }
            if new_id != old_ids[q] {
                let conv = self.conv_mut(c);
                conv.entered = now;
                let ticket = conv.ticket.clone();
                self.emit(AssignEvent::Moved {
                    ticket,
                    from: old_ids[q].clone(),
                    to: new_id.clone(),
                });
            }
            if requeued || matches!(self.conv_ref(c).phase, Phase::Waiting { .. }) {
                let conv = self.conv_ref(c);
                let tier = if conv.directed().is_some() {
                    0
                } else {
                    self.queues[new as usize].tier_at(conv.entered, now)
                };
                self.insert_waiting(c, tier);
                waiting.push(c);
            }
            if requeued {
                self.emit(AssignEvent::Requeued {
                    ticket: self.conv_ref(c).ticket.clone(),
                    queue: new_id,
                    front: true,
                });
            }
        }
        for queue in &mut self.queues {
            let running = queue.waiting() > 0 && queue.open;
            if queue.estimator.gap_running() != running {
                if running {
                    queue.estimator.backlog_starts(now);
                } else {
                    queue.estimator.backlog_ends();
                }
            }
        }
        for e in hours_events {
            self.emit(e);
        }

        // Agents into the new pools; deadlines and timers.
        for &a in &agents {
            self.agent_mut(a).ready = false;
            self.set_membership(a, true);
            self.refresh(a, now);
        }
        for &(_, _, _, c) in &order {
            self.update_conv_timer(c, now);
        }

        // Work-conserving, as after any call.
        for q in 0..self.queues.len() {
            if self.queues[q].open {
                self.drain_queue(q as u32, now);
            }
        }
        for c in waiting {
            if self
                .convs
                .get(c)
                .is_some_and(|conv| conv.directed().is_some())
            {
                self.match_conv(c, now);
            }
        }
        // Overflow or relaxation the new configuration makes due at once.
        self.advance(now);
        Ok(())
    }
}
