//! The engine's tickets: the keys its conversations have in the
//! assigner.
//!
//! A conversation gets a ticket of its own when it starts and uses it
//! whenever it waits for or is with an agent; a transfer gets a fresh one,
//! which becomes the conversation's when the transfer goes through. Tickets
//! are opaque (`t<n>` from a counter): nothing is read out of them. The
//! table from ticket to conversation holds exactly the tickets some
//! conversation still uses (its own, its current one and a pending
//! transfer's); a ticket the assigner reports that is not among them, or
//! no longer its conversation's current or pending one, is stale.

use crate::model::Ticket;

use super::Switchboard;

impl Switchboard {
    /// The ticket the next [`issue`](Self::issue) takes, and its number:
    /// nothing is used up until the request it names is accepted, so that
    /// a refused input changes nothing.
    pub(super) fn next_ticket(&self) -> (u64, Ticket) {
        let mut n = self.next_ticket;
        loop {
            n = n.saturating_add(1);
            let ticket = Ticket::new(format!("t{n}"));
            // Only an edited snapshot can hold a ticket ahead of the
            // counter; skipping it keeps tickets unique all the same.
            if !self.tickets.contains_key(&ticket) {
                return (n, ticket);
            }
        }
    }

    /// Files `ticket`, number `n` from [`next_ticket`](Self::next_ticket),
    /// under conversation `key`.
    pub(super) fn issue(&mut self, n: u64, ticket: Ticket, key: u64) {
        self.next_ticket = n;
        self.tickets.insert(ticket, key);
    }

    /// The conversation a ticket belongs to, and whether it is the
    /// conversation's current ticket (not a pending transfer's).
    pub(super) fn owner(&self, ticket: &Ticket) -> Option<(u64, bool)> {
        let key = *self.tickets.get(ticket)?;
        let c = self.convs.get(&key)?;
        if c.ticket == *ticket {
            Some((key, true))
        } else if c.pending.as_ref().is_some_and(|p| p.ticket == *ticket) {
            Some((key, false))
        } else {
            None
        }
    }

    /// Forgets `ticket` once its conversation no longer uses it (as its
    /// own, current or pending ticket).
    pub(super) fn retire(&mut self, ticket: &Ticket) {
        let Some(&key) = self.tickets.get(ticket) else {
            return;
        };
        let used = self.convs.get(&key).is_some_and(|c| {
            c.home == *ticket
                || c.ticket == *ticket
                || c.pending.as_ref().is_some_and(|p| p.ticket == *ticket)
        });
        if !used {
            self.tickets.remove(ticket);
        }
    }
}
