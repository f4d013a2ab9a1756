//! A full consistency check, for tests and fuzzing.

use crate::assign::ConversationStatus;
use crate::conversation::{Phase, Timer};
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
    /// the assigner agree with each other, and each visitor's timer with
    /// their visit and cooldowns.
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
            if super::conversation_key(name) != Some(*key) {
                return Err(format!("conversation {name} is filed under {key}"));
            }
            let mut own = c.tickets();
            own.sort_unstable();
            own.dedup();
            for t in &own {
                if self.tickets.key(t) != Some(*key) {
                    return Err(format!("{name}'s ticket {t} is not filed under it"));
                }
            }
            tickets += own.len();
            let state = c.state();
            let status = self.assigner.status(c.ticket(), self.now);
            let warm = c
                .phase
                .transfer()
                .and_then(|p| (Some(&p.ticket) != c.phase.ticket()).then_some(&p.ticket));
            if let Some(p) = warm {
                if state != State::WithAgent {
                    return Err(format!("{name} has a warm transfer pending while {state}"));
                }
                if self.assigner.status(p, self.now).is_none() {
                    return Err(format!(
                        "{name}'s transfer request {p} is not in the assigner"
                    ));
                }
                in_assigner += 1;
            }
            match (&c.phase, &status) {
                (Phase::New, _) => return Err(format!("{name} has no state between inputs")),
                (Phase::Bot { .. } | Phase::Closed(_), None) => {}
                (Phase::Queued(_), Some(ConversationStatus::Waiting { open: true, .. })) => {}
                (Phase::AfterHours(_), Some(ConversationStatus::Waiting { open: false, .. })) => {}
                (
                    Phase::Offered { agents: b, .. },
                    Some(ConversationStatus::Offered { agents, .. }),
                ) => {
                    let mut a = agents.clone();
                    let mut b = b.clone();
                    a.sort();
                    b.sort();
                    if a != b {
                        return Err(format!("{name} is offered to {a:?} but lists {b:?}"));
                    }
                }
                (Phase::WithAgent(s), Some(ConversationStatus::Assigned { agent, .. })) => {
                    if s.agent != *agent {
                        return Err(format!(
                            "{name} is assigned to {agent} but lists {}",
                            s.agent
                        ));
                    }
                }
                (_, st) => return Err(format!("{name} is {state} but the assigner has {st:?}")),
            }
            if status.is_some() {
                in_assigner += 1;
            }
            // Nothing waits forever: with the bot, an answer or the
            // customer's silence is awaited; closed, it is forgotten.
            if state == State::Bot
                && !c.timers.is_set(Timer::Bot)
                && !c.timers.is_set(Timer::Inactivity)
            {
                return Err(format!("{name} is with the bot with nothing awaited"));
            }
            if state == State::Closed && !c.timers.is_set(Timer::Purge) {
                return Err(format!("{name} is closed and never forgotten"));
            }
            if c.filed != c.timers.earliest() {
                return Err(format!(
                    "{name}'s timer is {:?}, its deadlines say {:?}",
                    c.filed,
                    c.timers.earliest()
                ));
            }
            if let Some(t) = c.filed
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
        if tickets != self.tickets.by_ticket.len() {
            return Err(format!(
                "{} tickets filed, the conversations use {tickets}",
                self.tickets.by_ticket.len()
            ));
        }
        if self.timers.len() != self.convs.values().filter(|c| c.filed.is_some()).count() {
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
        self.check_visitors()
    }
}
