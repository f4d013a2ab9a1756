//! The engine's tickets: the keys its conversations have in the
//! assigner.
//!
//! A conversation gets a ticket of its own when it starts and uses it
//! whenever it waits for or is with an agent; a transfer gets a fresh one,
//! which becomes the conversation's when the transfer goes through. Tickets
//! are opaque (`t<n>` from a counter): nothing is read out of them. The
//! table from ticket to conversation holds exactly the tickets some
//! conversation still uses (its own, its current one and a transfer's); a
//! ticket the assigner reports that is not among them, or no longer its
//! conversation's current or transfer one, is stale.

use crate::model::{Ticket, numbered};

use super::contacts::Map;

/// Every ticket in use, and the counter that names new ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tickets {
    pub(crate) by_ticket: Map<Ticket, u64>,
    /// Tickets issued so far.
    pub(crate) issued: u64,
}

impl Tickets {
    /// The ticket the next [`issue`](Self::issue) takes, and its number:
    /// nothing is used up until the request it names is accepted, so that
    /// a refused input changes nothing.
    pub(crate) fn next(&self) -> (u64, Ticket) {
        let mut n = self.issued;
        loop {
            n = n.saturating_add(1);
            let ticket = Ticket::from_shared(numbered(b't', n));
            // Only an edited snapshot can hold a ticket ahead of the
            // counter; skipping it keeps tickets unique all the same.
            if !self.by_ticket.contains_key(&ticket) {
                return (n, ticket);
            }
        }
    }

    /// Files `ticket`, number `n` from [`next`](Self::next), under
    /// conversation `key`.
    pub(crate) fn issue(&mut self, n: u64, ticket: Ticket, key: u64) {
        self.issued = n;
        self.by_ticket.insert(ticket, key);
    }

    /// The conversation a ticket is filed under.
    pub(crate) fn key(&self, ticket: &Ticket) -> Option<u64> {
        self.by_ticket.get(ticket).copied()
    }

    /// Forgets `ticket`.
    pub(crate) fn retire(&mut self, ticket: &Ticket) {
        self.by_ticket.remove(ticket);
    }
}
