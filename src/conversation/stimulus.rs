//! The stimuli a conversation takes, as data: what the engine hands it
//! for each input, assigner decision and timer.

use crate::engine::{BotTurn, Closer, Inbound, InputError, Transfer};
use crate::handoff::Reason;
use crate::model::{AgentId, BotId, Content, QueueId, Ticket, Timestamp};
use crate::router::Decision;

use super::{Conversation, Env, Then};

/// Something that happens to one conversation.
#[derive(Clone, Debug)]
pub(crate) enum Stimulus {
    /// Its first message, routed by the rules.
    Start(Box<Inbound>, Box<Decision>),
    /// A customer message while it is open.
    Customer(Box<Inbound>),
    /// A customer message while it is closed within its reopen window.
    Reopen(Box<Inbound>),
    /// A bot's answer.
    BotTurn(Box<BotTurn>),
    /// An agent accepts an offer.
    Accept(AgentId),
    /// An agent declines an offer.
    Decline(AgentId),
    /// The agent writes to the customer.
    AgentMessage(AgentId, Box<Content>),
    /// The agent is typing.
    AgentTyping(AgentId),
    /// The customer is typing.
    CustomerTyping,
    /// The agent sends a canned response (by id or shortcut).
    Canned(AgentId, String),
    /// The agent sends on the bot's suggestion at this place.
    SendSuggestion(AgentId, usize),
    /// The agent transfers it.
    Transfer(Box<Transfer>),
    /// The agent puts it on hold.
    Hold(AgentId),
    /// The agent hands it back to a bot.
    HandBack(AgentId, Option<BotId>),
    /// Someone closes it.
    Close(Closer, Option<AgentId>),
    /// The assigner offered it (or its transfer) to an agent.
    Offered {
        ticket: Ticket,
        agent: AgentId,
        queue: QueueId,
        expires: Timestamp,
    },
    /// An agent declined or let an offer expire.
    Missed {
        ticket: Ticket,
        agent: AgentId,
        reason: Reason,
    },
    /// The assigner gave it to an agent.
    Assigned {
        ticket: Ticket,
        agent: AgentId,
        queue: QueueId,
    },
    /// The assigner took it from its agent.
    Unassigned { agent: AgentId, reason: Reason },
    /// Its queue opened.
    QueueOpened,
    /// Its queue closed.
    QueueClosed,
    /// Its deadlines due at the stimulus's time, on the way to `until`.
    Timer { until: Timestamp },
}

impl Conversation {
    /// Takes one stimulus at `now`. Returns the work left for after the
    /// assigner's events (also left in `env.then`).
    ///
    /// # Errors
    ///
    /// An input that does not fit the conversation (it then changed
    /// nothing).
    pub(crate) fn handle(
        &mut self,
        env: &mut Env<'_>,
        now: Timestamp,
        stimulus: Stimulus,
    ) -> Result<Option<Then>, InputError> {
        match stimulus {
            Stimulus::Start(m, decision) => {
                let choice = self.record_inbound(env, now, &m);
                self.apply_decision(env, now, &decision, None, choice);
            }
            Stimulus::Customer(m) => {
                let choice = self.record_inbound(env, now, &m);
                self.after_inbound(env, now, &m.text, choice);
            }
            Stimulus::Reopen(m) => self.reopen(env, now, &m),
            Stimulus::BotTurn(t) => self.bot_turn(env, now, &t)?,
            Stimulus::Accept(agent) => self.accept(env, now, &agent)?,
            Stimulus::Decline(agent) => self.decline(env, now, &agent)?,
            Stimulus::AgentMessage(agent, content) => {
                self.agent_message(env, now, &agent, &content)?;
            }
            Stimulus::AgentTyping(agent) => self.agent_typing(env, now, &agent)?,
            Stimulus::CustomerTyping => self.customer_typing(env, now),
            Stimulus::Canned(agent, name) => self.send_canned(env, now, &agent, &name)?,
            Stimulus::SendSuggestion(agent, index) => {
                self.send_suggestion(env, now, &agent, index)?;
            }
            Stimulus::Transfer(t) => self.transfer(env, now, &t)?,
            Stimulus::Hold(agent) => self.hold(env, now, &agent)?,
            Stimulus::HandBack(agent, bot) => self.hand_back(env, now, &agent, bot)?,
            Stimulus::Close(by, agent) => self.close_by(env, now, by, agent.as_ref())?,
            Stimulus::Offered {
                ticket,
                agent,
                queue,
                expires,
            } => {
                let main = self.ticket() == &ticket;
                self.offered(env, now, &ticket, main, agent, queue, expires);
            }
            Stimulus::Missed {
                ticket,
                agent,
                reason,
            } => {
                let directed = self
                    .phase
                    .transfer()
                    .is_some_and(|p| p.ticket == ticket && p.to.as_ref() == Some(&agent));
                if directed {
                    // A transfer to a named agent who declined or did not
                    // answer.
                    self.directed_failed(env, now, agent, reason);
                } else if self.ticket() == &ticket {
                    self.off_offer(env, now, &agent, reason);
                }
            }
            Stimulus::Assigned {
                ticket,
                agent,
                queue,
            } => {
                let main = self.ticket() == &ticket;
                self.assigned(env, now, &ticket, main, agent, queue);
            }
            Stimulus::Unassigned { agent, reason } => self.unassigned(env, now, agent, reason),
            Stimulus::QueueOpened => self.queue_opened(env, now),
            Stimulus::QueueClosed => self.queue_closed(env, now),
            Stimulus::Timer { until } => {
                if let Some(then) = self.on_timer(env, now, until) {
                    env.then = Some(then);
                }
            }
        }
        Ok(env.then)
    }
}
