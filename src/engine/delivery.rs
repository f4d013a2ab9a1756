//! Delivery reports: recorded for the audit log, never a change of state.

use super::Switchboard;
use super::error::InputError;
use super::event::{Event, EventKind};
use super::input::Delivery;
use super::validate::check_text;
use crate::model::Timestamp;

impl Switchboard {
    /// Records a channel's report on a sent message.
    ///
    /// A named conversation must exist. Without one, the report goes to the
    /// recipient's latest conversation when the address is known, and to
    /// no conversation when it is not: providers report on messages sent
    /// outside the engine too, and those are not errors.
    pub(super) fn delivery(&mut self, now: Timestamp, d: Delivery) -> Result<(), InputError> {
        if let Some(id) = &d.message_id {
            check_text(id, self.config.conversation_settings().max_text)?;
        }
        if let Some(e) = &d.error {
            check_text(e, self.config.conversation_settings().max_text)?;
        }
        if let Some(to) = &d.to {
            to.check(&d.channel)?;
        }
        let conv = match &d.conversation {
            Some(id) => Some(&self.convs[&self.key(id)?]),
            None => {
                d.to.as_ref()
                    .and_then(|to| self.contacts.find(&d.channel, to))
                    .and_then(|c| self.contacts.by_id.get(c))
                    .and_then(|c| c.conversations.last())
                    .and_then(|k| self.convs.get(k))
            }
        };
        // The agent who has the conversation sees it was read.
        let (conversation, agent) = match conv {
            Some(c) => (Some(c.id.clone()), c.agent().cloned()),
            None => (None, None),
        };
        let mut e = Event::new(
            now,
            EventKind::Delivery {
                channel: d.channel,
                message_id: d.message_id,
                status: d.status,
                error: d.error,
            },
        );
        e.conversation = conversation;
        e.agent = agent;
        self.emit(e);
        Ok(())
    }
}
