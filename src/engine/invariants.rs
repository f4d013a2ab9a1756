//! A full consistency check, for tests and fuzzing.

use crate::assign::ConversationStatus;
use crate::handoff::State;

use super::Switchboard;

impl Switchboard {
    /// Checks that the engine's state is consistent; the message says what
    /// is not. Cost is linear in everything held: for tests, fuzzing and
    /// after a restore, not for every call.
    ///
    /// It checks the assigner's own invariants, and that every
    /// conversation is in exactly one state that matches the assigner:
    ///
    /// - bot and closed: not in the assigner (a transfer never pending);
    /// - queued: waiting in an open queue; after hours: waiting in a closed one;
    /// - offered: offered to the agents it lists;
    /// - with agent: assigned to its agent;
    ///
    /// and that timers, transcripts, contacts and the tickets filed for
    /// the assigner agree with each other.
    ///
    /// ```
    /// use switchboard::config::Config;
    /// use switchboard::engine::Switchboard;
    ///
    /// let sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"q\"")?);
    /// assert_eq!(sb.check_invariants(), Ok(()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_invariants(&self) -> Result<(), String> {
        self.assigner.check_invariants()?;
        let mut in_assigner = 0;
        let mut tickets = 0;
        for (key, c) in &self.convs {
            let name = c.id.as_str();
            if super::conversation::number(name) != Some(*key) {
                return Err(format!("conversation {name} is filed under {key}"));
            }
            let mut own = vec![&c.home, &c.ticket];
            own.extend(c.pending.as_ref().map(|p| &p.ticket));
            own.sort_unstable();
            own.dedup();
            for t in &own {
                if self.tickets.get(*t) != Some(key) {
                    return Err(format!("{name}'s ticket {t} is not filed under it"));
                }
            }
            tickets += own.len();
            let status = self.assigner.status(&c.ticket, self.now);
            let pending = c
                .pending
                .as_ref()
                .and_then(|p| (p.ticket != c.ticket).then_some(&p.ticket));
            if let Some(p) = pending {
                if c.state != State::WithAgent {
                    return Err(format!(
                        "{name} has a warm transfer pending while {}",
                        c.state
                    ));
                }
                if self.assigner.status(p, self.now).is_none() {
                    return Err(format!(
                        "{name}'s transfer request {p} is not in the assigner"
                    ));
                }
                in_assigner += 1;
            }
            match (c.state, &status) {
                (State::Bot | State::Closed, None) => {}
                (State::Queued, Some(ConversationStatus::Waiting { open: true, .. })) => {}
                (State::AfterHours, Some(ConversationStatus::Waiting { open: false, .. })) => {}
                (State::Offered, Some(ConversationStatus::Offered { agents, .. })) => {
                    let mut a = agents.clone();
                    let mut b = c.offered.clone();
                    a.sort();
                    b.sort();
                    if a != b {
                        return Err(format!("{name} is offered to {a:?} but lists {b:?}"));
                    }
                }
                (State::WithAgent, Some(ConversationStatus::Assigned { agent, .. })) => {
                    if c.agent.as_ref() != Some(agent) {
                        return Err(format!(
                            "{name} is assigned to {agent} but lists {:?}",
                            c.agent
                        ));
                    }
                }
                (s, st) => return Err(format!("{name} is {s} but the assigner has {st:?}")),
            }
            if status.is_some() {
                in_assigner += 1;
            }
            if c.state != State::WithAgent && (c.agent.is_some() || c.held) {
                return Err(format!("{name} is {} but has an agent or hold", c.state));
            }
            if (c.state == State::Closed) != c.closed_at.is_some() {
                return Err(format!(
                    "{name} is {} with closed_at {:?}",
                    c.state, c.closed_at
                ));
            }
            // Nothing waits forever: with the bot, an answer or the
            // customer's silence is awaited; closed, it is forgotten.
            if c.state == State::Bot
                && c.deadlines.bot.is_none()
                && c.deadlines.inactivity.is_none()
            {
                return Err(format!("{name} is with the bot with nothing awaited"));
            }
            if c.state == State::Closed && c.deadlines.purge.is_none() {
                return Err(format!("{name} is closed and never forgotten"));
            }
            if c.due != c.deadlines.earliest() {
                return Err(format!(
                    "{name}'s timer is {:?}, deadlines say {:?}",
                    c.due,
                    c.deadlines.earliest()
                ));
            }
            if let Some(t) = c.due
                && !self.timers.contains(&(t, *key))
            {
                return Err(format!("{name}'s timer at {t} is not scheduled"));
            }
            if !c.transcript.is_consistent() {
                return Err(format!("{name}'s transcript bookkeeping is off"));
            }
            match self.contacts.by_id.get(&c.contact) {
                Some(k) if k.conversations.contains(key) => {}
                _ => return Err(format!("{name}'s contact {} does not list it", c.contact)),
            }
        }
        if in_assigner != self.assigner.len() {
            return Err(format!(
                "the assigner holds {} requests, the conversations account for {in_assigner}",
                self.assigner.len()
            ));
        }
        if tickets != self.tickets.len() {
            return Err(format!(
                "{} tickets filed, the conversations use {tickets}",
                self.tickets.len()
            ));
        }
        if self.timers.len() != self.convs.values().filter(|c| c.due.is_some()).count() {
            return Err("stray timers".into());
        }
        for (id, k) in &self.contacts.by_id {
            if k.id != *id {
                return Err(format!("contact {} filed under {id}", k.id));
            }
            for (ch, addr) in &k.identities {
                if self.contacts.find(ch, addr) != Some(id) {
                    return Err(format!("identity {ch}:{addr} of {id} points elsewhere"));
                }
            }
            for key in &k.conversations {
                match self.convs.get(key) {
                    Some(c) if c.contact == *id => {}
                    _ => {
                        return Err(format!(
                            "contact {id} lists conversation c{key} that is not theirs"
                        ));
                    }
                }
            }
        }
        for (id, k) in &self.contacts.by_id {
            if k.conversations.is_empty() != k.forget_at.is_some() {
                return Err(format!(
                    "contact {id} has {} conversations and forget_at {:?}",
                    k.conversations.len(),
                    k.forget_at
                ));
            }
            if let Some(t) = k.forget_at
                && !self.contacts.forgets.contains(&(t, id.clone()))
            {
                return Err(format!("contact {id} is not scheduled to be forgotten"));
            }
        }
        let scheduled = self
            .contacts
            .by_id
            .values()
            .filter(|k| k.forget_at.is_some());
        if self.contacts.forgets.len() != scheduled.count() {
            return Err("stray contact schedules".into());
        }
        let identities: usize = self.contacts.by_identity.values().map(|m| m.len()).sum();
        let listed: usize = self
            .contacts
            .by_id
            .values()
            .map(|k| k.identities.len())
            .sum();
        if identities != listed {
            return Err(format!("{identities} identities indexed, {listed} listed"));
        }
        Ok(())
    }
}
