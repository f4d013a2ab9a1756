//! Timers: a conversation's deadlines, forgetting closed conversations and
//! idle contacts.

use crate::conversation::Stimulus;
use crate::model::{ContactId, Timestamp};

use super::{Event, EventKind, Switchboard};

impl Switchboard {
    /// Runs conversation `key`'s deadlines that are due at `t`, on the way
    /// to `until` (the time the host passed in).
    pub(super) fn conversation_timer(&mut self, t: Timestamp, key: u64, until: Timestamp) {
        self.stimulate_key(t, key, Stimulus::Timer { until });
    }

    /// Forgets closed conversation `key`.
    pub(super) fn purge(&mut self, t: Timestamp, key: u64) {
        let Some(c) = self.convs.remove(&key) else {
            return;
        };
        for ticket in c.tickets() {
            if self.tickets.key(&ticket) == Some(key) {
                self.tickets.retire(&ticket);
            }
        }
        if let Some(old) = c.filed {
            self.timers.remove(&(old, key));
        }
        if let Some(k) = self.contacts.by_id.get_mut(&c.contact) {
            k.conversations.retain(|x| *x != key);
        }
        self.emit(Event::new(t, EventKind::Purged).conversation(c.id.clone()));
        self.settle_contact(t, &c.contact);
    }

    /// Schedules contact `id` to be forgotten `contact_retention` from `t`
    /// if it has no conversation left, or keeps it if it has one.
    pub(super) fn settle_contact(&mut self, t: Timestamp, id: &ContactId) {
        let Some(k) = self.contacts.by_id.get(id) else {
            return;
        };
        let retention = self.config.conversation_settings().contact_retention;
        let at = k.conversations.is_empty().then(|| t + retention);
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
