//! Read-only views of the engine's state.

use std::time::Duration;

use crate::assign::{AgentView, ConversationStatus, QueueStats};
use crate::handoff::{HandoffContext, Note, Reason, State, Transcript};
use crate::model::{
    Address, AgentId, BotId, ChannelKind, ContactId, ConversationId, Origin, QueueId, Timestamp,
};

use super::Switchboard;
use super::contacts::ContactView;
use crate::conversation::Conversation;

/// A conversation, read-only, from [`Switchboard::conversation`].
///
/// ```
/// use switchboard::config::Config;
/// use switchboard::engine::{Inbound, Input, Switchboard};
/// use switchboard::handoff::State;
/// use switchboard::{Address, ChannelKind, Timestamp};
///
/// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
/// let from = Address::new_unchecked("+14155550100");
/// sb.handle(Timestamp::EPOCH, Input::Inbound(Inbound::new(ChannelKind::Sms, from, "my parcel never came")))?;
/// let c = sb.conversations().next().unwrap();
/// assert_eq!(c.state(), State::Queued);
/// assert_eq!(c.queue().map(|q| q.as_str()), Some("support"));
/// assert_eq!(c.position(), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ConversationView<'a> {
    conv: &'a Conversation,
    status: Option<ConversationStatus>,
}

impl<'a> ConversationView<'a> {
    /// Its id.
    pub fn id(&self) -> &'a ConversationId {
        &self.conv.id
    }

    /// Its state.
    pub fn state(&self) -> State {
        self.conv.state()
    }

    /// The contact.
    pub fn contact(&self) -> &'a ContactId {
        &self.conv.contact
    }

    /// The channel the customer used last (replies go there).
    pub fn channel(&self) -> &'a ChannelKind {
        &self.conv.channel
    }

    /// The customer's address on that channel.
    pub fn address(&self) -> &'a Address {
        &self.conv.address
    }

    /// Every channel used, in order of first use.
    pub fn channels(&self) -> &'a [ChannelKind] {
        &self.conv.channels
    }

    /// The queue it waits in or was assigned from.
    pub fn queue(&self) -> Option<&'a QueueId> {
        self.conv.queue.as_ref()
    }

    /// The agent who has it.
    pub fn agent(&self) -> Option<&'a AgentId> {
        self.conv.agent()
    }

    /// Agents who had it, oldest first.
    pub fn agents(&self) -> &'a [AgentId] {
        &self.conv.agents
    }

    /// The agents it is offered to.
    pub fn offered_to(&self) -> &'a [AgentId] {
        self.conv.phase.offered()
    }

    /// The bot that has (or last had) it.
    pub fn bot(&self) -> Option<&'a BotId> {
        self.conv.bot.as_ref()
    }

    /// Why it came to a person.
    pub fn reason(&self) -> Option<&'a Reason> {
        self.conv.reason.as_ref()
    }

    /// Consecutive bot fallbacks.
    pub fn fallbacks(&self) -> u32 {
        self.conv.memory.fallbacks
    }

    /// Who started it: the customer, or a notification or invitation
    /// the customer answered.
    pub fn origin(&self) -> &'a Origin {
        self.conv.origin()
    }

    /// Its tags.
    pub fn tags(&self) -> &'a [String] {
        &self.conv.tags
    }

    /// Its notes.
    pub fn notes(&self) -> &'a [Note] {
        &self.conv.notes
    }

    /// Its transcript.
    pub fn transcript(&self) -> &'a Transcript {
        &self.conv.transcript
    }

    /// Whether it is on hold.
    pub fn held(&self) -> bool {
        self.conv.phase.held()
    }

    /// Whether a transfer is pending.
    pub fn transfer_pending(&self) -> bool {
        self.conv.phase.transfer().is_some()
    }

    /// When the customer first wrote.
    pub fn started(&self) -> Timestamp {
        self.conv.started
    }

    /// When it closed.
    pub fn closed_at(&self) -> Option<Timestamp> {
        self.conv.phase.closed_at()
    }

    /// The satisfaction score given.
    pub fn csat(&self) -> Option<u8> {
        self.conv.csat
    }

    /// Its 1-based place in its queue, while waiting.
    pub fn position(&self) -> Option<usize> {
        match &self.status {
            Some(ConversationStatus::Waiting { position, .. }) => Some(*position),
            _ => None,
        }
    }

    /// Its estimated wait, while waiting and when one can be made.
    pub fn estimated_wait(&self) -> Option<Duration> {
        match &self.status {
            Some(ConversationStatus::Waiting { estimate, .. }) => *estimate,
            _ => None,
        }
    }

    /// Where the assigner has it, while it waits for or is with an agent.
    pub fn status(&self) -> Option<&ConversationStatus> {
        self.status.as_ref()
    }
}

impl Switchboard {
    /// A conversation, open or closed within its reopen window.
    pub fn conversation(&self, id: &ConversationId) -> Option<ConversationView<'_>> {
        let key = self.key(id).ok()?;
        let conv = &self.convs[&key];
        let status = self.assigner.status(conv.ticket(), self.now);
        Some(ConversationView { conv, status })
    }

    /// Every conversation the engine holds, in the order they started.
    pub fn conversations(&self) -> impl Iterator<Item = ConversationView<'_>> {
        let mut keys: Vec<u64> = self.convs.keys().copied().collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| {
            let conv = &self.convs[&k];
            ConversationView {
                conv,
                status: self.assigner.status(conv.ticket(), self.now),
            }
        })
    }

    /// How many conversations the engine holds (open, and closed within
    /// their reopen window).
    pub fn len(&self) -> usize {
        self.convs.len()
    }

    /// Whether the engine holds no conversation.
    pub fn is_empty(&self) -> bool {
        self.convs.is_empty()
    }

    /// The context an agent would be offered for conversation `id` now.
    pub fn handoff_context(&self, id: &ConversationId) -> Option<HandoffContext> {
        let key = self.key(id).ok()?;
        let c = &self.convs[&key];
        let queue = c
            .queue
            .clone()
            .or_else(|| self.config.escalation_queue().cloned())
            .unwrap_or_else(|| QueueId::new(""));
        let contact = self.contacts.by_id.get(&c.contact).map(|k| &k.attributes);
        Some(c.handoff_context(contact, self.now, &queue))
    }

    /// The conversations waiting in `queue`, first in line first (transfer
    /// requests show as their conversation).
    pub fn waiting(&self, queue: &QueueId) -> Option<Vec<ConversationId>> {
        let list = self.assigner.waiting(queue)?;
        Some(
            list.into_iter()
                .filter_map(|t| Some(self.convs.get(&self.tickets.key(t)?)?.id.clone()))
                .collect(),
        )
    }

    /// A queue's figures.
    pub fn queue_stats(&self, queue: &QueueId) -> Option<QueueStats> {
        self.assigner.queue_stats(queue)
    }

    /// An agent.
    pub fn agent(&self, agent: &AgentId) -> Option<AgentView<'_>> {
        self.assigner.agent(agent)
    }

    /// The conversations agent `agent` has.
    pub fn conversations_of(&self, agent: &AgentId) -> Vec<ConversationId> {
        let mut out: Vec<ConversationId> = self
            .assigner
            .tickets_of(agent)
            .into_iter()
            .filter_map(|t| {
                let c = self.convs.get(&self.tickets.key(t)?)?;
                (c.agent() == Some(agent)).then(|| c.id.clone())
            })
            .collect();
        out.dedup();
        out
    }

    /// A contact.
    pub fn contact(&self, contact: &ContactId) -> Option<ContactView<'_>> {
        self.contacts.by_id.get(contact).map(ContactView)
    }

    /// The contact of a channel identity.
    pub fn contact_of(&self, channel: &ChannelKind, address: &Address) -> Option<ContactView<'_>> {
        let id = self.contacts.find(channel, address)?;
        self.contact(id)
    }
}
