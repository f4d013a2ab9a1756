//! The additive counts every figure is computed from: one [`Tally`] per
//! total, queue, agent, channel, tag and interval, merged by adding.

use serde::{Deserialize, Serialize};

use super::Distribution;

/// Sums and distributions for one slice of traffic. Every field adds, so
/// tallies from several shards or periods merge by [`Tally::merge`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tally {
    /// Conversations started.
    pub(crate) conversations: u64,
    /// Messages by author: customer, bot, agent, system.
    pub(crate) messages: [u64; 4],
    /// Conversations that reached a bot and were decided (handed off or
    /// closed).
    pub(crate) bot_decided: u64,
    /// Of those, closed without ever waiting for a person.
    pub(crate) contained: u64,
    /// Of those, closed by the bot as resolved.
    pub(crate) bot_resolved: u64,
    /// Handed from a bot to a queue.
    pub(crate) handed_off: u64,
    /// First waits that began.
    pub(crate) queued: u64,
    /// First waits that ended with an accept.
    pub(crate) answered: u64,
    /// Of those, accepted within the service-level threshold.
    pub(crate) answered_within: u64,
    /// First waits the customer abandoned (short ones included).
    pub(crate) abandoned: u64,
    /// Abandons shorter than the short-abandon threshold.
    pub(crate) abandoned_short: u64,
    /// Abandons not short and within the service-level threshold.
    pub(crate) abandoned_within: u64,
    /// First waits that ended otherwise (timeout, system close, back to
    /// the bot).
    pub(crate) unanswered: u64,
    /// Waits of answered first waits.
    pub(crate) asa: Distribution,
    /// Waits of abandoned first waits.
    pub(crate) abandon_wait: Distribution,
    /// Wait start → first agent message.
    pub(crate) first_response: Distribution,
    /// Start → first bot or agent message.
    pub(crate) first_reply: Distribution,
    /// Customer message → the agent reply that answered it.
    pub(crate) reply: Distribution,
    /// Agent segments: accept → release, plus wrap-up.
    pub(crate) handle: Distribution,
    /// Start → last close.
    pub(crate) resolution: Distribution,
    /// Conversations closed (counted once, at their last close).
    pub(crate) closed: u64,
    /// Times a closed conversation was reopened.
    pub(crate) reopened: u64,
    /// Transfers.
    pub(crate) transfers: u64,
    /// Closed conversations whose first-contact resolution was decided.
    pub(crate) fcr_decided: u64,
    /// Of those, resolved at first contact.
    pub(crate) fcr_resolved: u64,
    /// CSAT scores 1–5, the latest per conversation.
    pub(crate) csat: [u64; 5],
}

impl Tally {
    /// Only its first-wait counts.
    pub(crate) fn waits_only(&self) -> Tally {
        Tally {
            queued: self.queued,
            answered: self.answered,
            answered_within: self.answered_within,
            abandoned: self.abandoned,
            abandoned_short: self.abandoned_short,
            abandoned_within: self.abandoned_within,
            unanswered: self.unanswered,
            asa: self.asa.clone(),
            abandon_wait: self.abandon_wait.clone(),
            ..Tally::default()
        }
    }

    /// Adds `other` into `self`.
    pub(crate) fn merge(&mut self, o: &Tally) {
        self.conversations += o.conversations;
        for i in 0..4 {
            self.messages[i] += o.messages[i];
        }
        self.bot_decided += o.bot_decided;
        self.contained += o.contained;
        self.bot_resolved += o.bot_resolved;
        self.handed_off += o.handed_off;
        self.queued += o.queued;
        self.answered += o.answered;
        self.answered_within += o.answered_within;
        self.abandoned += o.abandoned;
        self.abandoned_short += o.abandoned_short;
        self.abandoned_within += o.abandoned_within;
        self.unanswered += o.unanswered;
        self.asa.merge(&o.asa);
        self.abandon_wait.merge(&o.abandon_wait);
        self.first_response.merge(&o.first_response);
        self.first_reply.merge(&o.first_reply);
        self.reply.merge(&o.reply);
        self.handle.merge(&o.handle);
        self.resolution.merge(&o.resolution);
        self.closed += o.closed;
        self.reopened += o.reopened;
        self.transfers += o.transfers;
        self.fcr_decided += o.fcr_decided;
        self.fcr_resolved += o.fcr_resolved;
        for i in 0..5 {
            self.csat[i] += o.csat[i];
        }
    }
}

/// What only an agent has: offers, transfers and segments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct AgentTally {
    /// Offers accepted.
    pub(crate) accepted: u64,
    /// Offers declined.
    pub(crate) declined: u64,
    /// Offers let expire.
    pub(crate) expired: u64,
    /// Conversations transferred away.
    pub(crate) transfers_out: u64,
    /// Conversations transferred in.
    pub(crate) transfers_in: u64,
    /// Agent segments (conversations handled, a transferred one once per
    /// agent).
    pub(crate) handled: u64,
}

impl AgentTally {
    pub(crate) fn merge(&mut self, o: &AgentTally) {
        self.accepted += o.accepted;
        self.declined += o.declined;
        self.expired += o.expired;
        self.transfers_out += o.transfers_out;
        self.transfers_in += o.transfers_in;
        self.handled += o.handled;
    }
}
