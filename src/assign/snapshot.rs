//! Snapshots: the assigner's whole state as plain data, stored and
//! restored exactly.
//!
//! A snapshot keeps what the assigner cannot work out again: agents and
//! conversations with their slab indexes and free lists (tie-breaks go by
//! index), the interned names, the counters, the clock, each queue's hours
//! and learned service rate, and the events not yet polled. Everything
//! derived from those and the configuration (pools and ready sets, id
//! tables, staffed counts, waiting lists, timers and deadlines) is rebuilt
//! on restore, and the result is checked with
//! [`check_invariants`](Assigner::check_invariants).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::assigner::Assigner;
use super::conversation::{Conv, ConvExtra, Directed, Phase};
use super::estimate::Estimator;
use super::event::AssignEvent;
use super::records::{
    AgentRecord, ConvRecord, Float, PhaseRecord, QueueRecord, Records, attrs_in, kind_from_name,
};
use super::store::Slab;
use super::timers::{LAST_INSTANT, Target};
use super::waiting::{MAX_PRIORITY, Standing};
use crate::config::Config;
use crate::model::{ChannelKind, QueueId, Timestamp};
use crate::symbols::Symbols;

/// The snapshot format this version writes and reads. Format 1 keyed
/// conversations by conversation id; 2 keys them by [`Ticket`](crate::Ticket).
const VERSION: u32 = 2;

/// Counters above this are taken as corrupt (they grow by one per offer
/// or request).
const MAX_COUNTER: u64 = 1 << 62;

/// Agent indexes take 24 bits of a ready set entry.
const MAX_AGENT_SLOTS: usize = 1 << 24;

/// An [`Assigner`]'s whole state, from [`Assigner::snapshot`], to store
/// (typically inside the host's own snapshot) and bring back with
/// [`Assigner::restore`].
///
/// Restoring with the same configuration gives an assigner that behaves
/// exactly as the original would have: for any later calls, the same
/// results, the same [`AssignEvent`]s in the same order, the same
/// [`poll_timeout`](Assigner::poll_timeout) and the same answers to
/// queries, down to every tie-break. Events not yet polled are part of the
/// snapshot and come out of the restored assigner. Host strategies are not
/// (see [`Assigner::set_strategy`]), nor is the configuration: restore
/// with the one the snapshot was taken under (it is checked), then call
/// [`Assigner::reconfigure`] to switch.
///
/// # JSON form
///
/// Plain serde, in a stable field order, so that a snapshot written again
/// is byte-identical:
///
/// ```json
/// {
///   "version": 2,
///   "config": "4f1d0c8e9a2b7730",
///   "now": 1767571230000,
///   "seq": 2,
///   "rotation": 1,
///   "queues": [
///     {"id": "billing", "open": true, "gap_start": 1767571200000},
///     {"id": "general", "open": false, "next_change": 1767600000000, "gap_ms": "12500.5"}
///   ],
///   "symbols": ["sms", "whatsapp", "messenger", "apple_messages", "webchat", "in_app",
///               "email", "voice", "billing", "es"],
///   "agents": {
///     "free": [255, 254, "…", 1],
///     "records": [
///       {"index": 0, "id": "ana", "skills": [[8, 3]], "languages": [9],
///        "capacity": {"channels": [{"channel": 4, "limit": 2, "weight": 1, "held": 1}], "units": 1},
///        "presence": "available", "missed": 0, "idle_since": 1767571200000, "rotation": 1,
///        "wrap_up_until": 1767571200000, "held": [0]}
///     ]
///   },
///   "conversations": {
///     "free": [255, 254, "…", 2],
///     "records": [
///       {"index": 0, "ticket": "c1", "queue": 0, "channel": 4, "lang": 9, "priority": 0,
///        "front": false, "since": 1767571200000, "seq": 1, "entered": 1767571200000,
///        "phase": {"offered": {"agents": [0], "until": 1767571260000}}},
///       {"index": 1, "ticket": "c2", "queue": 0, "channel": 4, "priority": 5, "front": false,
///        "since": 1767571230000, "seq": 2, "entered": 1767571230000,
///        "phase": {"waiting": {"step": 0}}, "contact": {"tier": "vip", "score": {"number": "0.75"}}}
///     ]
///   },
///   "events": [{"type": "offered", "ticket": "c1", "agent": "ana", "queue": "billing",
///               "expires": 1767571260000}]
/// }
/// ```
///
/// - `version`: the format, 2 (format 1 named conversations by their
///   conversation ids; it is refused with [`RestoreError::Version`]).
///   `config`: a fingerprint (FNV-1a, 64 bits,
///   in hex) of the parts of the configuration the state depends on:
///   `[[queues]]`, `[calendars]`, `[assignment]` and the declared
///   attribute types. `queues`: the configuration's queue ids in order,
///   with each queue's business-hours state (`open`, `next_change`) and
///   its wait estimator (`gap_ms`, `handle_ms`, `gap_start`).
/// - `now`: the assigner's clock. `seq`: requests enqueued so far (the
///   arrival tie-break). `rotation`: offers made so far (the round-robin
///   key).
/// - `symbols`: the interned names (skills, languages, channels) in
///   number order; agents and conversations refer to them by number.
/// - `agents` and `conversations`: the records by slab index (in index
///   order), and the free slots (the next one used is the last). An
///   agent: skills as `[symbol, level]`, languages, capacity per channel
///   (limit, budget weight, held) with the optional `budget` and the units
///   in use, attributes, presence, offers missed in a row, idle since, the
///   rotation of its last offer, wrap-up end, `grace_until` while offline
///   with work, `recent` assignments under a fairness cap, and the
///   conversation indexes it holds, in order. A conversation: its
///   `ticket`, its queue by
///   index, channel and language by symbol, its own priority, `front`
///   (requeued ahead of everyone), `since` (waiting since), `seq`,
///   `entered` (its current queue), the phase (`waiting` at a relaxation
///   `step`, `offered` to agent indexes `until`, or `assigned` to an agent
///   `since`, with `reply_due`), and when set: `contact`, `tags`,
///   `preferred` (`agent`, `until`), `passed` (agent indexes) and
///   `directed` (`agent`, `missed`).
/// - Numbers inside attributes are written as `{"number": "<decimal>"}`,
///   and learned figures as decimal strings, so that they come back to the
///   bit (JSON readers may round floating-point numbers).
/// - `events`: the events not yet polled, in their own JSON form.
///
/// Optional and empty fields are left out. Everything derived (ready sets,
/// waiting lists, timers, id tables) is rebuilt on restore.
///
/// # Examples
///
/// ```
/// use switchboard::assign::{AgentProfile, Assigner, AssignerSnapshot, Capacity, Presence, Request};
/// use switchboard::config::Config;
/// use switchboard::{AgentId, ChannelKind, Timestamp};
/// use std::sync::Arc;
///
/// let config = Arc::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
/// let t = Timestamp::from_millis(0);
/// let mut a = Assigner::new(config.clone(), t);
/// a.upsert_agent(t, AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::Sms, 1)])))?;
/// a.set_presence(t, &AgentId::new("ana"), Presence::Available)?;
/// a.enqueue(t, Request::new("c1", "support", ChannelKind::Sms))?;
///
/// let json = serde_json::to_string(&a.snapshot())?;
/// let snapshot: AssignerSnapshot = serde_json::from_str(&json)?;
/// let mut b = Assigner::restore(config, snapshot)?;
/// assert_eq!(serde_json::to_string(&b.snapshot())?, json);
/// // Both go on alike, starting with the offer not yet polled.
/// assert_eq!(b.poll_event(), a.poll_event());
/// assert_eq!(b.poll_timeout(), a.poll_timeout());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AssignerSnapshot {
    version: u32,
    /// `None` for a snapshot of another format, which is read no further
    /// than its version.
    state: Option<State>,
}

/// A snapshot's fields after its version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    config: String,
    now: Timestamp,
    seq: u64,
    rotation: u64,
    queues: Vec<QueueRecord>,
    symbols: Vec<String>,
    agents: Records<AgentRecord>,
    conversations: Records<ConvRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    events: Vec<AssignEvent>,
}

impl AssignerSnapshot {
    /// The assigner's clock when the snapshot was taken: the earliest
    /// `now` to pass to the restored assigner (a host strategy is
    /// installed again with [`Assigner::set_strategy`] at this time). The
    /// epoch for a snapshot of another format, which cannot be restored.
    pub fn now(&self) -> Timestamp {
        self.state.as_ref().map_or(Timestamp::EPOCH, |s| s.now)
    }

    /// [`RestoreError::Version`] unless the snapshot is of the format this
    /// version reads.
    pub(crate) fn check_version(&self) -> Result<(), RestoreError> {
        match self.state {
            Some(_) if self.version == VERSION => Ok(()),
            _ => Err(RestoreError::Version {
                found: self.version,
                supported: VERSION,
            }),
        }
    }
}

impl Serialize for AssignerSnapshot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::versioned::serialize(self.version, self.state.as_ref(), s)
    }
}

impl<'de> Deserialize<'de> for AssignerSnapshot {
    /// Reads a snapshot of any format, so that restoring one of another
    /// format fails with [`RestoreError::Version`] rather than here.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (version, state) = crate::versioned::deserialize(d, VERSION)?;
        Ok(AssignerSnapshot { version, state })
    }
}

/// Why [`Assigner::restore`] refused a snapshot.
///
/// # Examples
///
/// ```
/// use switchboard::assign::{Assigner, RestoreError};
/// use switchboard::config::Config;
/// use switchboard::Timestamp;
/// use std::sync::Arc;
///
/// let old = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
/// let snapshot = Assigner::new(Arc::new(old), Timestamp::from_millis(0)).snapshot();
/// let new = Config::from_toml_str("[[queues]]\nid = \"sales\"")?;
/// let err = Assigner::restore(Arc::new(new), snapshot).unwrap_err();
/// assert!(matches!(err, RestoreError::QueueMismatch { .. }));
/// assert!(err.to_string().contains("[support]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RestoreError {
    /// The snapshot is in a format this version does not read.
    #[error(
        "snapshot format {found} is not the one this version of switchboard reads ({supported}); restore it with the version that wrote it"
    )]
    Version {
        /// The snapshot's format.
        found: u32,
        /// The format this version reads.
        supported: u32,
    },
    /// The configuration's queues are not the snapshot's (ids, in order).
    #[error(
        "the snapshot's queues are [{}] but the configuration's are [{}]; restore with the configuration the snapshot was taken under, then switch with Assigner::reconfigure",
        ids(.snapshot),
        ids(.config)
    )]
    QueueMismatch {
        /// The snapshot's queue ids.
        snapshot: Vec<QueueId>,
        /// The configuration's queue ids.
        config: Vec<QueueId>,
    },
    /// The queues have the same ids, but the configuration's queues,
    /// calendars, `[assignment]` or attribute declarations are not the
    /// ones the snapshot was taken under.
    #[error(
        "the configuration's queues, calendars, [assignment] or attribute declarations are not the ones the snapshot was taken under (fingerprint {config}, the snapshot's {snapshot}); restore with that configuration, then switch with Assigner::reconfigure"
    )]
    ConfigMismatch {
        /// The snapshot's fingerprint.
        snapshot: String,
        /// The configuration's fingerprint.
        config: String,
    },
    /// The snapshot is not one [`Assigner::snapshot`] could have written
    /// (an index out of range, an id twice, inconsistent phases…).
    #[error("malformed snapshot: {0}; restore only what Assigner::snapshot wrote, unedited")]
    Malformed(String),
}

fn ids(v: &[QueueId]) -> String {
    v.iter().map(QueueId::as_str).collect::<Vec<_>>().join(", ")
}

fn malformed(what: impl fmt::Display) -> RestoreError {
    RestoreError::Malformed(what.to_string())
}

/// The fingerprint of what the assigner's state depends on in `config`.
fn fingerprint(config: &Config) -> String {
    #[derive(Serialize)]
    struct Part<'a> {
        queues: &'a [crate::config::QueueSpec],
        calendars: &'a BTreeMap<String, crate::calendar::CalendarSpec>,
        assignment: &'a crate::config::AssignmentSpec,
        contact_attributes: &'a BTreeMap<String, crate::expr::AttrType>,
        agent_attributes: &'a BTreeMap<String, crate::expr::AttrType>,
    }
    let spec = config.spec();
    let part = Part {
        queues: &spec.queues,
        calendars: &spec.calendars,
        assignment: &spec.assignment,
        contact_attributes: &spec.contact_attributes,
        agent_attributes: &spec.agent_attributes,
    };
    // Serializing plain data does not fail; should it, the error text is
    // as stable as the data.
    let bytes = serde_json::to_vec(&part).unwrap_or_else(|e| e.to_string().into_bytes());
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

impl Assigner {
    /// The assigner's whole state, to store and bring back with
    /// [`restore`](Assigner::restore); see [`AssignerSnapshot`] for what
    /// it holds and its JSON form. It walks every agent and conversation:
    /// take it between calls, as often as the host checkpoints, not on
    /// every call.
    pub fn snapshot(&self) -> AssignerSnapshot {
        let state = State {
            config: fingerprint(&self.config),
            now: self.now,
            seq: self.seq,
            rotation: self.rotation,
            queues: self
                .queues
                .iter()
                .map(|q| {
                    let (gap_ms, handle_ms, gap_start) = q.estimator.to_parts();
                    QueueRecord {
                        id: q.id.clone(),
                        open: q.open,
                        next_change: q.next_change,
                        gap_ms: gap_ms.map(Float),
                        handle_ms: handle_ms.map(Float),
                        gap_start,
                    }
                })
                .collect(),
            symbols: self.symbols.names().map(str::to_owned).collect(),
            agents: Records {
                free: self.agents.free().to_vec(),
                records: self
                    .agents
                    .iter()
                    .map(|(i, st)| AgentRecord::of(i, st))
                    .collect(),
            },
            conversations: Records {
                free: self.convs.free().to_vec(),
                records: self
                    .convs
                    .iter()
                    .map(|(i, c)| ConvRecord::of(i, c))
                    .collect(),
            },
            events: self.events.iter().cloned().collect(),
        };
        AssignerSnapshot {
            version: VERSION,
            state: Some(state),
        }
    }

    /// Brings back the assigner a [`snapshot`](Assigner::snapshot) was
    /// taken of, under `config`, which must be the configuration it was
    /// taken under. With it, every later call behaves exactly as it would
    /// have on the original, and `restore(config, s)?.snapshot() == s`.
    ///
    /// Host strategies are not in the snapshot: call
    /// [`set_strategy`](Assigner::set_strategy) again for each queue that
    /// had one, before any other call.
    ///
    /// The snapshot is checked, not trusted: ids, indexes and references
    /// must be consistent and the result must pass
    /// [`check_invariants`](Assigner::check_invariants). Restoring never
    /// panics, whatever the snapshot holds.
    ///
    /// # Errors
    ///
    /// [`RestoreError::QueueMismatch`] or [`RestoreError::ConfigMismatch`]
    /// when `config` is not the snapshot's, [`RestoreError::Version`] for
    /// another format, and [`RestoreError::Malformed`] for a snapshot that
    /// the assigner could not have written.
    pub fn restore(
        config: Arc<Config>,
        snapshot: AssignerSnapshot,
    ) -> Result<Assigner, RestoreError> {
        let s = match snapshot.state {
            Some(s) if snapshot.version == VERSION => s,
            _ => {
                return Err(RestoreError::Version {
                    found: snapshot.version,
                    supported: VERSION,
                });
            }
        };
        let config_ids: Vec<QueueId> = config.queues().iter().map(|q| q.id.clone()).collect();
        let snapshot_ids: Vec<QueueId> = s.queues.iter().map(|q| q.id.clone()).collect();
        if config_ids != snapshot_ids {
            return Err(RestoreError::QueueMismatch {
                snapshot: snapshot_ids,
                config: config_ids,
            });
        }
        let fp = fingerprint(&config);
        if fp != s.config {
            return Err(RestoreError::ConfigMismatch {
                snapshot: s.config,
                config: fp,
            });
        }
        if s.seq > MAX_COUNTER || s.rotation > MAX_COUNTER {
            return Err(malformed("a counter past 2^62"));
        }
        if s.now > LAST_INSTANT {
            return Err(malformed("a clock past the assigner's last instant"));
        }
        let now = s.now;
        let mut me = Assigner::new(config, now);
        me.timers.clear();
        me.seq = s.seq;
        me.rotation = s.rotation;
        me.events = s.events.into();

        // Names, and the built-in channels among them.
        me.symbols = Symbols::from_names(s.symbols)
            .map_err(|n| malformed(format!("symbol `{n}` listed twice")))?;
        let symbols = me.symbols.len();
        me.channel_kinds.clear();
        for (i, ch) in ChannelKind::BUILT_IN.into_iter().enumerate() {
            let n = me.symbols.get(ch.as_str()).ok_or_else(|| {
                malformed(format!(
                    "the built-in channel `{ch}` is not among the symbols"
                ))
            })?;
            me.channel_bits[i] = n;
            me.channel_kinds.insert(n, ch);
        }

        // Queues.
        for (q, r) in me.queues.iter_mut().zip(s.queues) {
            let good = |f: Option<Float>| f.is_none_or(|f| f.0.is_finite() && f.0 >= 0.0);
            if !good(r.gap_ms) || !good(r.handle_ms) {
                return Err(malformed(format!(
                    "queue {}: a negative or unbounded figure",
                    q.id
                )));
            }
            q.open = r.open;
            q.next_change = r.next_change;
            q.estimator = Estimator::from_parts((
                r.gap_ms.map(|f| f.0),
                r.handle_ms.map(|f| f.0),
                r.gap_start,
            ));
        }

        // Agents.
        let agents = s
            .agents
            .records
            .into_iter()
            .map(|r| r.into_state(symbols, me.rotation))
            .collect::<Result<Vec<_>, _>>()
            .map_err(malformed)?;
        me.agents = Slab::from_parts(agents, s.agents.free, MAX_AGENT_SLOTS)
            .map_err(|e| malformed(format!("agents: {e}")))?;
        {
            let Assigner {
                agents,
                agent_index,
                ..
            } = &mut me;
            let agents = &*agents;
            let id_of = |i: u32| agents.get(i).map_or("", |s| s.id.as_str());
            for (a, st) in agents.iter() {
                if agent_index.get(st.id.as_str(), id_of).is_some() {
                    return Err(malformed(format!("agent {} listed twice", st.id)));
                }
                agent_index.insert(st.id.as_str(), a, id_of);
            }
        }

        // Conversations.
        let mut convs = Vec::with_capacity(s.conversations.records.len());
        let mut seqs = HashSet::new();
        for r in s.conversations.records {
            let id = &r.ticket;
            let queue = me
                .queues
                .get(r.queue as usize)
                .ok_or_else(|| malformed(format!("conversation {id}: no queue {}", r.queue)))?;
            if r.channel as usize >= symbols || r.lang.is_some_and(|l| l as usize >= symbols) {
                return Err(malformed(format!(
                    "conversation {id}: a symbol out of range"
                )));
            }
            if r.seq == 0 || r.seq > me.seq || !seqs.insert(r.seq) {
                return Err(malformed(format!(
                    "conversation {id}: arrival {} repeated or past the counter's {}",
                    r.seq, me.seq
                )));
            }
            let standing = Standing {
                front: r.front,
                priority: (queue.priority + i64::from(r.priority))
                    .clamp(-MAX_PRIORITY, MAX_PRIORITY),
                enqueued: r.since,
                seq: r.seq,
            };
            let phase = match r.phase {
                PhaseRecord::Waiting { step } => {
                    let steps = if r.directed.is_some() {
                        1
                    } else {
                        queue.tiers.len()
                    };
                    if step as usize >= steps {
                        return Err(malformed(format!("conversation {id}: no step {step}")));
                    }
                    Phase::Waiting {
                        tier: step,
                        // Set when placed.
                        key: standing.key(None),
                    }
                }
                PhaseRecord::Offered { agents, until } => Phase::Offered {
                    agents: agents.into(),
                    until,
                },
                PhaseRecord::Assigned {
                    agent,
                    since,
                    reply_due,
                } => Phase::Assigned {
                    agent,
                    since,
                    reply_due,
                },
            };
            let extra = (!r.contact.is_empty()
                || !r.tags.is_empty()
                || r.preferred.is_some()
                || !r.passed.is_empty()
                || r.directed.is_some()
                || r.excluded.is_some())
            .then(|| {
                Box::new(ConvExtra {
                    contact: attrs_in(r.contact),
                    tags: r.tags,
                    preferred: r.preferred.map(|p| (p.agent, p.until)),
                    passed: r.passed,
                    directed: r.directed.map(|d| Directed {
                        agent: d.agent,
                        missed: d.missed,
                    }),
                    excluded: r.excluded,
                })
            });
            convs.push((
                r.index,
                Conv {
                    ticket: r.ticket,
                    queue: r.queue,
                    channel: r.channel,
                    lang: r.lang,
                    own_priority: r.priority,
                    standing,
                    entered: r.entered,
                    phase,
                    extra,
                    deadline: None,
                },
            ));
        }
        me.convs = Slab::from_parts(convs, s.conversations.free, u32::MAX as usize)
            .map_err(|e| malformed(format!("conversations: {e}")))?;
        {
            let Assigner {
                convs, conv_index, ..
            } = &mut me;
            let convs = &*convs;
            let id_of = |i: u32| convs.get(i).map_or("", |c| c.ticket.as_str());
            for (c, conv) in convs.iter() {
                if conv_index.get(conv.ticket.as_str(), id_of).is_some() {
                    return Err(malformed(format!(
                        "conversation {} listed twice",
                        conv.ticket
                    )));
                }
                conv_index.insert(conv.ticket.as_str(), c, id_of);
            }
        }

        // References the rebuilding below reads.
        for (_, st) in me.agents.iter() {
            if let Some(c) = st.held.iter().find(|c| me.convs.get(**c).is_none()) {
                return Err(malformed(format!(
                    "agent {} holds no conversation {c}",
                    st.id
                )));
            }
        }
        let mut kinds: Vec<u32> = me.convs.iter().map(|(_, c)| c.channel).collect();
        for (_, st) in me.agents.iter() {
            kinds.extend_from_slice(st.slots.channels());
        }
        for n in kinds {
            let kind = kind_from_name(me.symbols.name(n));
            me.channel_kinds.entry(n).or_insert(kind);
        }

        // What is derived: waiting lists, pools and ready sets, deadlines
        // and timers.
        let waiting: Vec<(u32, u8)> = me
            .convs
            .iter()
            .filter_map(|(c, conv)| match conv.phase {
                Phase::Waiting { tier, .. } => Some((c, tier)),
                _ => None,
            })
            .collect();
        for (c, tier) in waiting {
            me.insert_waiting(c, tier);
        }
        for a in me.live_agents() {
            me.set_membership(a, true);
            me.refresh(a, now);
        }
        for c in me.convs.iter().map(|(c, _)| c).collect::<Vec<_>>() {
            me.update_conv_timer(c, now);
        }
        for (q, queue) in me.queues.iter().enumerate() {
            if let Some(t) = queue.next_change {
                me.timers.insert((t, Target::Queue(q as u32)));
            }
        }
        if me.timers.first().is_some_and(|(t, _)| *t < now) {
            return Err(malformed("a deadline before the snapshot's time"));
        }
        me.check_invariants().map_err(malformed)?;
        Ok(me)
    }
}
