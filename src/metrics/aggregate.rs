//! [`Metrics`]: the aggregator. Events in, in time order; figures out.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::agent::AgentRec;
use super::clock::Clock;
use super::contact::{Contacts, Decision, Overlay};
use super::conversation::{Conv, Effect, party_index};
use super::count::{count_fcr, finish};
use super::tables::Tables;
use super::{MetricsError, Settings};
use crate::engine::{Event, EventKind};
use crate::handoff::{Party, Reason, State};
use crate::model::{AgentId, ConversationId, Timestamp};

pub(crate) type Map<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// A conversation as far as this aggregate knows it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Rec {
    /// Its `started` event was seen.
    Known(Box<Conv>),
    /// Its start came before this aggregate's first event: its events
    /// wait for an earlier aggregate to be merged in front of them.
    Orphan(Vec<Event>),
}

/// A conversation's key across merged shards: the shard's name and the
/// engine's id.
pub(crate) type Key = (Arc<str>, ConversationId);

/// The KPI aggregator: feed it the engine's [`Event`]s in time order
/// (live from [`Switchboard::poll_event`](crate::Switchboard::poll_event),
/// or from an event log with [`observe_log`](Metrics::observe_log)); read the
/// figures with [`report`](Metrics::report) and the live state with
/// [`live`](Metrics::live); add another shard's or period's aggregate
/// with [`merge`](Metrics::merge).
///
/// It keeps a conversation while the engine does (until its `purged`
/// event, which follows the reopen window) and an agent's presence; its
/// figures go into per-interval, per-queue, per-agent, per-channel and
/// per-tag sums as conversations finish. Its memory is proportional to
/// the open conversations, the agents, the intervals and the distinct
/// values of each distribution (at most [`EXACT_LIMIT`](super::EXACT_LIMIT)
/// each), not to the events.
///
/// ```
/// use switchboard::engine::{Event, EventKind};
/// use switchboard::handoff::{Reason, State};
/// use switchboard::metrics::{Metrics, Settings};
/// use switchboard::{AgentId, ChannelKind, ContactId, ConversationId, QueueId, Timestamp};
///
/// let c = ConversationId::new("c1");
/// let s = |secs: u64| Timestamp::from_millis(1_767_600_000_000 + secs * 1000);
/// let events = [
///     Event::new(s(0), EventKind::Started { contact: ContactId::new("u1"), channel: ChannelKind::WebChat }),
///     Event::new(s(0), EventKind::Transition { from: None, to: State::Queued, reason: Reason::Routed })
///         .queue(QueueId::new("support")),
///     Event::new(s(12), EventKind::Transition { from: Some(State::Queued), to: State::WithAgent, reason: Reason::Accepted })
///         .queue(QueueId::new("support")).agent(AgentId::new("ana")),
/// ];
/// let mut m = Metrics::new(Settings::new());
/// for e in events {
///     m.observe(&e.conversation(c.clone()))?;
/// }
/// let r = m.report();
/// assert_eq!(r.summary.totals.conversations, 1);
/// assert_eq!(r.summary.totals.asa_s, Some(12.0));
/// assert_eq!(r.summary.totals.service_level.percent, Some(100.0));
/// # Ok::<(), switchboard::metrics::MetricsError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Metrics {
    pub(crate) settings: Settings,
    shard: Arc<str>,
    pub(crate) clock: Clock,
    pub(crate) first: Option<Timestamp>,
    pub(crate) latest: Option<Timestamp>,
    events: u64,
    /// This shard's conversations.
    convs: Map<ConversationId, Rec>,
    /// Other shards' conversations, merged in.
    foreign: BTreeMap<Key, Rec>,
    /// Conversations whose start came before this aggregate and which
    /// ended in it (purged, or their id started again, at the instant
    /// given): their events wait for the earlier aggregate's record.
    ended: Vec<(Key, Vec<Event>, Option<Timestamp>)>,
    pub(crate) agents: Map<AgentId, AgentRec>,
    contacts: Contacts,
    pub(crate) tables: Tables,
    decided: Vec<Decision>,
}

impl Metrics {
    /// An empty aggregate.
    pub fn new(settings: Settings) -> Metrics {
        Metrics {
            clock: Clock::new(settings.time_zone.clone(), settings.interval),
            settings,
            shard: Arc::from(""),
            first: None,
            latest: None,
            events: 0,
            convs: Map::default(),
            foreign: BTreeMap::new(),
            ended: Vec::new(),
            agents: Map::default(),
            contacts: Contacts::default(),
            tables: Tables::default(),
            decided: Vec::new(),
        }
    }

    /// Names the shard whose events this aggregate counts. The engine
    /// numbers conversations per shard (`c1`, `c2` …), so aggregates of
    /// different shards need different names to be merged; aggregates of
    /// one shard over successive periods share it.
    pub fn with_shard(mut self, name: &str) -> Metrics {
        self.shard = Arc::from(name);
        self
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// How many events were counted.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The first and the latest event time seen.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        Some((self.first?, self.latest?))
    }

    /// How many conversations, agents and contacts it follows: what its
    /// memory grows with.
    pub fn open(&self) -> (usize, usize, usize) {
        (
            self.convs.len() + self.foreign.len() + self.ended.len(),
            self.agents.len(),
            self.contacts.len(),
        )
    }

    /// Counts one event.
    ///
    /// # Errors
    ///
    /// [`MetricsError::OutOfOrder`] for an event older than the latest
    /// one by more than the tolerance; nothing is counted.
    pub fn observe(&mut self, e: &Event) -> Result<(), MetricsError> {
        let at = e.at.clamped();
        if let Some(latest) = self.latest
            && at < latest
        {
            let behind = latest.saturating_duration_since(at);
            if behind > self.settings.tolerance {
                return Err(MetricsError::OutOfOrder {
                    at,
                    latest,
                    behind_ms: u64::try_from(behind.as_millis()).unwrap_or(u64::MAX),
                    tolerance_ms: u64::try_from(self.settings.tolerance.as_millis())
                        .unwrap_or(u64::MAX),
                });
            }
        }
        if self.first.is_none_or(|f| at < f) {
            self.first = Some(at);
            self.contacts.keep_after(at, self.settings.fcr_window);
        }
        self.latest = Some(self.latest.map_or(at, |l| l.max(at)));
        self.events += 1;
        self.count_event(e, at);
        if let Some(id) = &e.conversation {
            self.conversation_event(None, id, e);
        }
        self.settle();
        Ok(())
    }

    /// What an event counts for by itself: message volume, presence,
    /// offers and transfers.
    fn count_event(&mut self, e: &Event, at: Timestamp) {
        match &e.kind {
            EventKind::Message { from, channel } => {
                let i = party_index(from);
                let local = self.clock.local(at);
                let t = &mut self.tables;
                t.totals.messages[i] += 1;
                super::tables::entry(&mut t.channels, channel).messages[i] += 1;
                t.intervals.entry(local.interval).or_default().messages[i] += 1;
                if *from == Party::Customer {
                    t.message_heat[local.weekday as usize][local.hour as usize] += 1;
                }
            }
            EventKind::AgentStatus { status } => {
                if let Some(a) = &e.agent {
                    self.agent(a).status(at, *status);
                }
            }
            EventKind::OfferMissed { reason } => {
                if let Some(a) = &e.agent {
                    let x = self.tables.agent_extra(a);
                    if *reason == Reason::Declined {
                        x.declined += 1;
                    } else {
                        x.expired += 1;
                    }
                }
            }
            EventKind::Transition {
                to: State::WithAgent,
                reason: Reason::Accepted,
                ..
            } => {
                if let Some(a) = &e.agent {
                    self.tables.agent_extra(a).accepted += 1;
                }
            }
            EventKind::Transferred { from } => {
                self.tables.agent_extra(from).transfers_out += 1;
                if let Some(a) = &e.agent {
                    self.tables.agent_extra(a).transfers_in += 1;
                }
            }
            _ => {}
        }
    }

    fn agent(&mut self, a: &AgentId) -> &mut AgentRec {
        if !self.agents.contains_key(a) {
            self.agents.insert(a.clone(), AgentRec::default());
        }
        self.agents.get_mut(a).expect("just inserted")
    }

    /// Follows one event of conversation `id` of `shard` (this shard's
    /// when `None`).
    fn conversation_event(&mut self, shard: Option<&Arc<str>>, id: &ConversationId, e: &Event) {
        let window = self.settings.fcr_window;
        let rec = match shard {
            Some(s) if **s != *self.shard => self.foreign.get_mut(&(s.clone(), id.clone())),
            _ => self.convs.get_mut(id),
        };
        // A start for an id in use (an engine that lost its numbering)
        // ends the conversation that had it, as it stands.
        let rec = match (rec, &e.kind) {
            (Some(_), EventKind::Started { .. }) => {
                let old = match shard {
                    Some(s) if **s != *self.shard => self.foreign.remove(&(s.clone(), id.clone())),
                    _ => self.convs.remove(id),
                };
                let shard = shard.cloned().unwrap_or_else(|| self.shard.clone());
                match old {
                    Some(Rec::Orphan(events)) => {
                        self.ended.push(((shard, id.clone()), events, Some(e.at)));
                    }
                    Some(known) => self.retire(&shard, id, known, e.at),
                    None => {}
                }
                None
            }
            (rec, _) => rec,
        };
        let effect = match rec {
            None => {
                let rec = if matches!(e.kind, EventKind::Started { .. }) {
                    let mut c = Box::new(Conv::new(self.settings.after_hours_waits));
                    c.apply(e);
                    Rec::Known(c)
                } else {
                    self.orphan_closed(e);
                    Rec::Orphan(vec![e.clone()])
                };
                match shard {
                    Some(s) if **s != *self.shard => {
                        self.foreign.insert((s.clone(), id.clone()), rec);
                    }
                    _ => {
                        self.convs.insert(id.clone(), rec);
                    }
                }
                Effect::None
            }
            Some(Rec::Orphan(events)) => {
                events.push(e.clone());
                self.orphan_closed(e);
                Effect::None
            }
            Some(Rec::Known(c)) => {
                let effect = c.apply(e);
                let key = || {
                    (
                        shard.cloned().unwrap_or_else(|| self.shard.clone()),
                        id.clone(),
                    )
                };
                match (&effect, &c.contact) {
                    (Effect::Closed(t), Some(contact)) => {
                        let (t, contact) = (*t, contact.clone());
                        self.contacts.closed(&key(), &contact, t, window);
                    }
                    (Effect::Reopened, Some(contact)) => {
                        if let Some((closed, _)) = c.closed {
                            let contact = contact.clone();
                            self.contacts.reopened(&key(), &contact, closed);
                        }
                    }
                    _ => {}
                }
                effect
            }
        };
        if let EventKind::Started { contact, .. } = &e.kind {
            self.contacts.started(contact, e.at, window);
        }
        if effect == Effect::Purged {
            let removed = match shard {
                Some(s) if **s != *self.shard => self.foreign.remove(&(s.clone(), id.clone())),
                _ => self.convs.remove(id),
            };
            match removed {
                Some(Rec::Known(c)) => {
                    let shard = shard.cloned().unwrap_or_else(|| self.shard.clone());
                    self.retire(&shard, id, Rec::Known(c), e.at);
                }
                // Its start is in an earlier aggregate: keep it for the merge.
                Some(Rec::Orphan(events)) => {
                    let shard = shard.cloned().unwrap_or_else(|| self.shard.clone());
                    self.ended.push(((shard, id.clone()), events, None));
                }
                None => {}
            }
        }
    }

    /// Counts a conversation's figures as they stand at `now` and forgets
    /// it.
    fn retire(&mut self, shard: &Arc<str>, id: &ConversationId, rec: Rec, now: Timestamp) {
        let c = match rec {
            Rec::Known(c) => c,
            Rec::Orphan(events) => {
                let mut c = Conv::new(self.settings.after_hours_waits);
                for e in &events {
                    c.apply(e);
                }
                Box::new(c)
            }
        };
        finish(
            &c,
            (shard, id),
            now,
            &self.settings,
            &mut self.clock,
            &mut self.tables,
            &mut self.agents,
            &mut self.contacts,
        );
    }

    /// A conversation this aggregate did not see start closed: keep the
    /// contacts' starts after it for the aggregate merged before.
    fn orphan_closed(&mut self, e: &Event) {
        if let EventKind::Transition {
            to: State::Closed, ..
        } = e.kind
        {
            self.contacts.keep_after(e.at, self.settings.fcr_window);
        }
    }

    /// Counts the first-contact resolutions decided by now.
    fn settle(&mut self) {
        if let Some(now) = self.latest {
            self.contacts
                .decide(now, self.settings.fcr_window, false, &mut self.decided);
        }
        if self.decided.is_empty() {
            return;
        }
        for (owner, resolved) in self.decided.drain(..) {
            count_fcr(&mut self.tables, &mut self.clock, &owner, resolved);
        }
    }

    /// Adds `later`: another shard's aggregate (with another
    /// [shard name](Metrics::with_shard)) over any period, or this shard's
    /// aggregate of the period that follows this one's. A conversation
    /// open across the two periods is followed on: the later aggregate's
    /// events for it are applied to this one's record.
    ///
    /// # Errors
    ///
    /// [`MetricsError::SettingsDiffer`] when the two count differently,
    /// and [`MetricsError::Overlap`] when both saw the same conversation
    /// start (two shards with one name); nothing is merged.
    pub fn merge(&mut self, later: Metrics) -> Result<(), MetricsError> {
        if self.settings != later.settings {
            return Err(MetricsError::SettingsDiffer(format!(
                "{:?} vs {:?}",
                self.settings, later.settings
            )));
        }
        let mut later = later;
        let their_shard = later.shard.clone();
        let mut theirs: Vec<(Key, Rec)> = later
            .convs
            .drain()
            .map(|(id, r)| ((their_shard.clone(), id), r))
            .collect();
        theirs.extend(std::mem::take(&mut later.foreign));
        theirs.sort_by(|a, b| a.0.cmp(&b.0));
        for ((shard, id), r) in &theirs {
            let mine = if **shard == *self.shard {
                self.convs.get(id)
            } else {
                self.foreign.get(&(shard.clone(), id.clone()))
            };
            let ends_mine = later
                .ended
                .iter()
                .any(|(k, _, _)| k.0 == *shard && k.1 == *id);
            if let (Some(Rec::Known(_)), Rec::Known(_), false) = (mine, r, ends_mine) {
                return Err(MetricsError::Overlap(format!(
                    "conversation {id} of shard {shard:?} started in both aggregates: \
                     name each shard's aggregate with Metrics::with_shard"
                )));
            }
        }
        self.tables.merge(&later.tables);
        for (a, r) in &later.agents {
            self.agent(a).merge(r);
        }
        self.first = match (self.first, later.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.latest = self.latest.max(later.latest);
        self.events += later.events;
        for ((shard, id), events, end) in std::mem::take(&mut later.ended) {
            let mine = if *shard == *self.shard {
                self.convs.remove(&id)
            } else {
                self.foreign.remove(&(shard.clone(), id.clone()))
            };
            match mine {
                Some(Rec::Known(c)) => {
                    if *shard == *self.shard {
                        self.convs.insert(id.clone(), Rec::Known(c));
                    } else {
                        self.foreign
                            .insert((shard.clone(), id.clone()), Rec::Known(c));
                    }
                    for e in &events {
                        self.conversation_event(Some(&shard), &id, e);
                    }
                    if let Some(at) = end {
                        let rest = if *shard == *self.shard {
                            self.convs.remove(&id)
                        } else {
                            self.foreign.remove(&(shard.clone(), id.clone()))
                        };
                        if let Some(rest) = rest {
                            self.retire(&shard, &id, rest, at);
                        }
                    }
                }
                Some(Rec::Orphan(mut before)) => {
                    before.extend(events);
                    self.ended.push(((shard, id), before, end));
                }
                None => self.ended.push(((shard, id), events, end)),
            }
        }
        for ((shard, id), r) in theirs {
            let mine = if *shard == *self.shard {
                self.convs.contains_key(&id)
            } else {
                self.foreign.contains_key(&(shard.clone(), id.clone()))
            };
            match r {
                Rec::Orphan(events) if mine => {
                    for e in &events {
                        self.conversation_event(Some(&shard), &id, e);
                    }
                }
                // Its start ends the earlier aggregate's conversation of
                // that id, as a start does in one aggregate.
                Rec::Known(c) if mine => {
                    let old = if *shard == *self.shard {
                        self.convs.remove(&id)
                    } else {
                        self.foreign.remove(&(shard.clone(), id.clone()))
                    };
                    let at = c.start.unwrap_or(Timestamp::EPOCH);
                    match old {
                        Some(Rec::Orphan(events)) => {
                            self.ended
                                .push(((shard.clone(), id.clone()), events, Some(at)));
                        }
                        Some(known) => self.retire(&shard, &id, known, at),
                        None => {}
                    }
                    if *shard == *self.shard {
                        self.convs.insert(id, Rec::Known(c));
                    } else {
                        self.foreign.insert((shard, id), Rec::Known(c));
                    }
                }
                r if *shard == *self.shard => {
                    self.convs.insert(id, r);
                }
                r => {
                    self.foreign.insert((shard, id), r);
                }
            }
        }
        // Last, so that what the earlier conversations do above meets only
        // this aggregate's contacts; the later starts then decide every
        // close they fall after.
        self.contacts
            .merge(&later.contacts, self.settings.fcr_window);
        self.settle();
        Ok(())
    }

    /// The figures as of the latest event: finished conversations as
    /// counted, open ones as they stand (a wait still open counts as
    /// queued, not yet answered or abandoned), and every close still in
    /// its first-contact-resolution window decided by the events seen.
    pub fn report(&self) -> super::Report {
        let now = self.latest.unwrap_or(Timestamp::EPOCH);
        let mut clock = self.clock.clone();
        let mut tables = self.tables.clone();
        let mut agents = self.agents.clone();
        let mut contacts = Overlay::new(&self.contacts);
        let mut decided = Vec::new();
        let own = self.convs.iter().map(|(id, r)| ((&self.shard, id), r));
        let foreign = self.foreign.iter().map(|((s, id), r)| ((s, id), r));
        let ended: Vec<(Key, Rec)> = self
            .ended
            .iter()
            .map(|(k, events, _)| (k.clone(), Rec::Orphan(events.clone())))
            .collect();
        let ended = ended.iter().map(|((s, id), r)| ((s, id), r));
        let mut open: Vec<_> = own.chain(foreign).chain(ended).collect();
        open.sort_by(|a, b| a.0.cmp(&b.0));
        for ((shard, id), r) in open {
            let replayed;
            let c = match r {
                Rec::Known(c) => &**c,
                Rec::Orphan(events) => {
                    let mut c = Conv::new(self.settings.after_hours_waits);
                    for e in events {
                        c.apply(e);
                    }
                    replayed = c;
                    &replayed
                }
            };
            finish(
                c,
                (shard, id),
                now,
                &self.settings,
                &mut clock,
                &mut tables,
                &mut agents,
                &mut contacts,
            );
        }
        contacts.decide_all(&mut decided);
        for (owner, resolved) in decided {
            count_fcr(&mut tables, &mut clock, &owner, resolved);
        }
        super::report::build(self, &tables, &agents, now)
    }

    /// Conversations open now, as this shard's records: for live figures.
    pub(crate) fn records(&self) -> impl Iterator<Item = &Conv> {
        self.convs
            .values()
            .chain(self.foreign.values())
            .filter_map(|r| match r {
                Rec::Known(c) => Some(&**c),
                Rec::Orphan(_) => None,
            })
    }
}
