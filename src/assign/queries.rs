//! Read-only questions: where a ticket stands, agents, the tickets of an
//! agent or waiting in a queue, queue figures.

use std::time::Duration;

use super::agent::AgentView;
use super::assigner::Assigner;
use super::conversation::{ConversationStatus, Phase};
use super::waiting::WaitKey;
use crate::model::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};

impl Assigner {
    /// Where the conversation of `ticket` stands, with its position and
    /// estimated wait when waiting; `None` when the assigner holds nothing
    /// under `ticket`.
    pub fn status(&self, ticket: &Ticket, now: Timestamp) -> Option<ConversationStatus> {
        let c = self.find_conv(ticket.as_str())?;
        Some(self.status_of(c, now.max(self.now)))
    }

    pub(crate) fn status_of(&self, c: u32, now: Timestamp) -> ConversationStatus {
        let conv = self.conv_ref(c);
        let queue = &self.queues[conv.queue as usize];
        match &conv.phase {
            Phase::Waiting { .. } if conv.directed().is_some() => {
                // Its place among the requests directed to the same agent.
                let ahead = conv
                    .directed()
                    .and_then(|d| self.directed.get(&d.agent))
                    .map_or(0, |list| {
                        list.iter()
                            .filter(|&&x| x != c && self.serves_before((false, x), (false, c), now))
                            .count()
                    });
                ConversationStatus::Waiting {
                    queue: queue.id.clone(),
                    position: 1 + ahead,
                    estimate: None,
                    open: true,
                    opens: None,
                    since: conv.standing.enqueued,
                }
            }
            Phase::Waiting { tier, key } => {
                let position = 1 + queue
                    .tiers
                    .iter()
                    .map(|t| t.list.ahead_of(key))
                    .sum::<usize>();
                let staffed = self.pools[queue.tiers[*tier as usize].pool as usize].staffed;
                // While closed, the queue's next change is its opening.
                let opens = if queue.open { None } else { queue.next_change };
                let mut estimate =
                    queue
                        .estimator
                        .estimate(position, staffed, self.settings.handle_time);
                if let (Some(e), Some(o)) = (estimate.as_mut(), opens) {
                    *e += o.saturating_duration_since(now);
                }
                ConversationStatus::Waiting {
                    queue: queue.id.clone(),
                    position,
                    estimate,
                    open: queue.open,
                    opens,
                    since: conv.standing.enqueued,
                }
            }
            Phase::Offered { agents, until } => ConversationStatus::Offered {
                queue: queue.id.clone(),
                agents: agents
                    .iter()
                    .map(|a| self.agent_ref(*a).id.clone())
                    .collect(),
                expires: *until,
            },
            Phase::Assigned { agent, since, .. } => ConversationStatus::Assigned {
                queue: queue.id.clone(),
                agent: self.agent_ref(*agent).id.clone(),
                since: *since,
            },
        }
    }

    /// An agent, if known.
    pub fn agent(&self, agent: &AgentId) -> Option<AgentView<'_>> {
        let a = self.find_agent(agent.as_str())?;
        Some(AgentView {
            state: self.agent_ref(a),
            symbols: &self.symbols,
        })
    }

    /// Every agent, in no particular order.
    pub fn agents(&self) -> impl Iterator<Item = AgentView<'_>> {
        self.agents.iter().map(|(_, state)| AgentView {
            state,
            symbols: &self.symbols,
        })
    }

    /// The tickets offered or assigned to an agent.
    pub fn tickets_of(&self, agent: &AgentId) -> Vec<&Ticket> {
        self.agent(agent)
            .map(|v| v.held().iter().map(|c| &self.conv_ref(*c).ticket).collect())
            .unwrap_or_default()
    }

    /// The tickets waiting in a queue, in service order; `None` for an
    /// unknown queue.
    pub fn waiting(&self, queue: &QueueId) -> Option<Vec<&Ticket>> {
        let q = &self.queues[*self.queue_index.get(queue)? as usize];
        let mut all: Vec<(WaitKey, u32)> = Vec::with_capacity(q.waiting());
        for t in &q.tiers {
            for c in t.list.iter() {
                if let Phase::Waiting { key, .. } = self.conv_ref(c).phase {
                    all.push((key, c));
                }
            }
        }
        all.sort_unstable();
        Some(
            all.into_iter()
                .map(|(_, c)| &self.conv_ref(c).ticket)
                .collect(),
        )
    }

    /// A queue's current figures, as of the last call; `None` for an
    /// unknown queue.
    ///
    /// ```
    /// use switchboard::assign::{Assigner, Request};
    /// use switchboard::config::Config;
    /// use switchboard::{ChannelKind, QueueId, Timestamp};
    /// use std::time::Duration;
    ///
    /// let config = Config::from_toml_str("[[queues]]\nid = \"support\"\nsla = \"1m\"")?;
    /// let t0 = Timestamp::from_millis(0);
    /// let mut a = Assigner::new(config.into(), t0);
    /// a.enqueue(t0, Request::new("c1", "support", ChannelKind::WebChat))?;
    /// a.handle_timeout(t0 + Duration::from_secs(90));
    /// let stats = a.queue_stats(&QueueId::new("support")).unwrap();
    /// assert_eq!((stats.waiting, stats.over_sla, stats.staffed), (1, 1, 0));
    /// assert_eq!(stats.oldest_since, Some(t0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn queue_stats(&self, queue: &QueueId) -> Option<QueueStats> {
        let q = &self.queues[*self.queue_index.get(queue)? as usize];
        let pool = &self.pools[q.tiers[0].pool as usize];
        let oldest = q
            .tiers
            .iter()
            .flat_map(|t| t.list.iter())
            .map(|c| self.conv_ref(c).standing.enqueued)
            .min();
        let now = self.now;
        let over_sla = q.sla.map_or(0, |sla| {
            q.tiers
                .iter()
                .flat_map(|t| t.list.iter())
                .filter(|c| {
                    now.saturating_duration_since(self.conv_ref(*c).standing.enqueued) > sla
                })
                .count()
        });
        Some(QueueStats {
            waiting: q.waiting(),
            open: q.open,
            staffed: pool.staffed,
            ready: pool.ready.len(),
            oldest_since: oldest,
            sla: q.sla,
            over_sla,
        })
    }

    /// Whether `queue` could answer a new conversation on `channel` now,
    /// for a proactive invitation: whether it is open, how many of its
    /// agents (by the agent-only part of its first eligibility step) are
    /// ready with room for one more on `channel` — counted up to one
    /// unless `exact` — and the wait a conversation joining it now could
    /// expect (none when nobody waits and an agent is ready). `None` for
    /// an unknown queue.
    ///
    /// Its cost is a walk over the queue's ready agents (stopping at the
    /// first unless `exact`), reading only their room flags for the
    /// built-in channels.
    pub(crate) fn outlook(
        &self,
        queue: &QueueId,
        channel: &ChannelKind,
        exact: bool,
    ) -> Option<QueueOutlook> {
        let q = &self.queues[*self.queue_index.get(queue)? as usize];
        let pool = &self.pools[q.tiers[0].pool as usize];
        let ready = match (q.open, self.symbols.get(channel.as_str())) {
            (true, Some(ch)) => {
                let bit = self
                    .channel_bits
                    .iter()
                    .position(|c| *c == ch)
                    .map(|i| 1u8 << i);
                let fits = pool.ready.agents().filter(|(a, room)| {
                    bit.is_none_or(|b| room & b != 0) && self.agent_ref(*a).slots.fits(ch)
                });
                let n = if exact {
                    fits.count()
                } else {
                    fits.take(1).count()
                };
                u32::try_from(n).unwrap_or(u32::MAX)
            }
            // Closed, or no agent has ever had room on the channel.
            _ => 0,
        };
        let waiting = q.waiting();
        let wait = if waiting == 0 && ready > 0 {
            Some(Duration::ZERO)
        } else {
            let opens = if q.open { None } else { q.next_change };
            q.estimator
                .estimate(waiting + 1, pool.staffed, self.settings.handle_time)
                .map(|e| {
                    e + opens.map_or(Duration::ZERO, |o| o.saturating_duration_since(self.now))
                })
        };
        Some(QueueOutlook {
            open: q.open,
            ready,
            wait,
        })
    }

    /// Number of conversations held (waiting, offered or assigned).
    pub fn len(&self) -> usize {
        self.convs.len()
    }

    /// Whether no conversation is held.
    pub fn is_empty(&self) -> bool {
        self.convs.len() == 0
    }
}

/// Whether a queue could answer a new conversation now, from
/// [`Assigner::outlook`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QueueOutlook {
    /// Within business hours.
    pub(crate) open: bool,
    /// Agents ready with room on the channel (up to one unless counted
    /// exactly); 0 while closed.
    pub(crate) ready: u32,
    /// The wait a conversation joining now could expect.
    pub(crate) wait: Option<Duration>,
}

/// A queue's figures at a moment, from
/// [`Assigner::queue_stats`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueStats {
    /// Conversations waiting.
    pub waiting: usize,
    /// Within business hours.
    pub open: bool,
    /// Agents meeting the queue's agent-only eligibility who are
    /// available (busy or not).
    pub staffed: u32,
    /// Of those, how many could take a conversation now.
    pub ready: usize,
    /// When the longest-waiting conversation started waiting.
    pub oldest_since: Option<Timestamp>,
    /// The queue's target time to answer (`sla`).
    pub sla: Option<Duration>,
    /// Waiting conversations that have already waited longer than `sla`
    /// (at the time of the last call).
    pub over_sla: usize,
}
