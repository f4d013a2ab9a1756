//! The plain-data records an [`AssignerSnapshot`](super::AssignerSnapshot)
//! is made of, and how agents and conversations become records and come
//! back. Numbers that must come back to the bit travel as decimal text.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::agent::{AgentExtra, AgentState, MAX_SKILL_LEVEL, Presence};
use super::capacity::{Slots, SlotsParts};
use super::conversation::{Conv, Phase};
use crate::model::{AgentId, ChannelKind, QueueId, Ticket, Timestamp, Value};

/// A finite or not `f64` written as its shortest decimal text, which
/// reads back to the same bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Float(pub(super) f64);

impl Serialize for Float {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse()
            .map(Float)
            .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a number")))
    }
}

/// An attribute value, with numbers as [`Float`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum AttrValue {
    Bool(bool),
    Number { number: Float },
    Text(String),
    List(Vec<AttrValue>),
}

pub(super) type AttrMap = BTreeMap<String, AttrValue>;

impl From<&Value> for AttrValue {
    fn from(v: &Value) -> Self {
        match v {
            Value::Bool(b) => AttrValue::Bool(*b),
            Value::Number(n) => AttrValue::Number { number: Float(*n) },
            Value::Text(t) => AttrValue::Text(t.clone()),
            Value::List(l) => AttrValue::List(l.iter().map(AttrValue::from).collect()),
        }
    }
}

impl From<AttrValue> for Value {
    fn from(v: AttrValue) -> Self {
        match v {
            AttrValue::Bool(b) => Value::Bool(b),
            AttrValue::Number { number } => Value::Number(number.0),
            AttrValue::Text(t) => Value::Text(t),
            AttrValue::List(l) => Value::List(l.into_iter().map(Value::from).collect()),
        }
    }
}

pub(super) fn attrs_out(a: &crate::model::Attributes) -> AttrMap {
    a.iter().map(|(k, v)| (k.clone(), v.into())).collect()
}

pub(super) fn attrs_in(a: AttrMap) -> crate::model::Attributes {
    a.into_iter().map(|(k, v)| (k, v.into())).collect()
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A queue's state beyond its configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QueueRecord {
    pub(super) id: QueueId,
    pub(super) open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) next_change: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) gap_ms: Option<Float>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) handle_ms: Option<Float>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) gap_start: Option<Timestamp>,
}

/// A slab: its records in index order and its free list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Records<T> {
    pub(super) free: Vec<u32>,
    pub(super) records: Vec<T>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AgentRecord {
    pub(super) index: u32,
    pub(super) id: AgentId,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) skills: Vec<(u32, u8)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) languages: Vec<u32>,
    pub(super) capacity: SlotsParts,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) attributes: AttrMap,
    pub(super) presence: Presence,
    pub(super) missed: u16,
    pub(super) idle_since: Timestamp,
    pub(super) rotation: u64,
    pub(super) wrap_up_until: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) grace_until: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) recent: Vec<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) held: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConvRecord {
    pub(super) index: u32,
    pub(super) ticket: Ticket,
    pub(super) queue: u32,
    pub(super) channel: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) lang: Option<u32>,
    pub(super) priority: i32,
    pub(super) front: bool,
    pub(super) since: Timestamp,
    pub(super) seq: u64,
    pub(super) entered: Timestamp,
    pub(super) phase: PhaseRecord,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) contact: AttrMap,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) preferred: Option<PreferredRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) passed: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) directed: Option<DirectedRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) excluded: Option<AgentId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum PhaseRecord {
    Waiting {
        step: u8,
    },
    Offered {
        agents: Vec<u32>,
        until: Timestamp,
    },
    Assigned {
        agent: u32,
        since: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_due: Option<Timestamp>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PreferredRecord {
    pub(super) agent: AgentId,
    pub(super) until: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DirectedRecord {
    pub(super) agent: AgentId,
    #[serde(default, skip_serializing_if = "is_false")]
    pub(super) missed: bool,
}

/// The channel kind named `name`, as the assigner remembers kinds: a
/// built-in one by its wire name, any other as custom.
pub(super) fn kind_from_name(name: &str) -> ChannelKind {
    ChannelKind::BUILT_IN
        .iter()
        .find(|k| k.as_str() == name)
        .cloned()
        .unwrap_or_else(|| ChannelKind::Custom(name.to_owned()))
}

impl AgentRecord {
    pub(super) fn of(index: u32, st: &AgentState) -> Self {
        let extra = st.extra.as_deref();
        AgentRecord {
            index,
            id: st.id.clone(),
            skills: st.skills.to_vec(),
            languages: st.languages.to_vec(),
            capacity: st.slots.to_parts(),
            attributes: extra.map(|e| attrs_out(&e.attributes)).unwrap_or_default(),
            presence: st.presence,
            missed: st.missed,
            idle_since: st.idle_since,
            rotation: st.rotation,
            wrap_up_until: st.wrap_up_until,
            grace_until: extra.and_then(|e| e.grace_until),
            recent: extra.map(|e| e.recent.clone()).unwrap_or_default(),
            held: st.held.clone(),
        }
    }

    /// The agent, with nothing derived filled in (pools, readiness,
    /// deadline); `symbols` names there are.
    pub(super) fn into_state(
        self,
        symbols: usize,
        rotation: u64,
    ) -> Result<(u32, AgentState), String> {
        let id = &self.id;
        let sym = |n: u32| (n as usize) < symbols;
        if id.as_str().is_empty() {
            return Err(format!("agent {}: an empty id", self.index));
        }
        if self.skills.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(format!("agent {id}: skills out of order or repeated"));
        }
        if let Some((s, l)) = self
            .skills
            .iter()
            .find(|(s, l)| !sym(*s) || *l > MAX_SKILL_LEVEL)
        {
            return Err(format!("agent {id}: skill {s} at level {l}"));
        }
        if let Some(l) = self.languages.iter().find(|l| !sym(**l)) {
            return Err(format!("agent {id}: no symbol {l} for a language"));
        }
        if let Some(c) = self.capacity.channels.iter().find(|c| !sym(c.channel)) {
            return Err(format!("agent {id}: no symbol {} for a channel", c.channel));
        }
        if self.rotation > rotation {
            return Err(format!(
                "agent {id}: last offered at rotation {}, after the counter's {rotation}",
                self.rotation
            ));
        }
        let slots = Slots::from_parts(self.capacity).map_err(|e| format!("agent {id}: {e}"))?;
        let extra =
            (!self.attributes.is_empty() || self.grace_until.is_some() || !self.recent.is_empty())
                .then(|| {
                    Box::new(AgentExtra {
                        attributes: attrs_in(self.attributes),
                        grace_until: self.grace_until,
                        recent: self.recent,
                    })
                });
        let over = slots.over();
        Ok((
            self.index,
            AgentState {
                id: self.id,
                skills: self.skills.into(),
                languages: self.languages.into(),
                slots,
                extra,
                presence: self.presence,
                missed: self.missed,
                idle_since: self.idle_since,
                rotation: self.rotation,
                wrap_up_until: self.wrap_up_until,
                pools: Box::default(),
                ready: false,
                held: self.held,
                deadline: None,
                over_ok: over,
            },
        ))
    }
}

impl ConvRecord {
    pub(super) fn of(index: u32, conv: &Conv) -> Self {
        let extra = conv.extra.as_deref();
        ConvRecord {
            index,
            ticket: conv.ticket.clone(),
            queue: conv.queue,
            channel: conv.channel,
            lang: conv.lang,
            priority: conv.own_priority,
            front: conv.standing.front,
            since: conv.standing.enqueued,
            seq: conv.standing.seq,
            entered: conv.entered,
            phase: match &conv.phase {
                Phase::Waiting { tier, .. } => PhaseRecord::Waiting { step: *tier },
                Phase::Offered { agents, until } => PhaseRecord::Offered {
                    agents: agents.to_vec(),
                    until: *until,
                },
                Phase::Assigned {
                    agent,
                    since,
                    reply_due,
                } => PhaseRecord::Assigned {
                    agent: *agent,
                    since: *since,
                    reply_due: *reply_due,
                },
            },
            contact: extra.map(|e| attrs_out(&e.contact)).unwrap_or_default(),
            tags: extra.map(|e| e.tags.clone()).unwrap_or_default(),
            preferred: extra
                .and_then(|e| e.preferred.as_ref())
                .map(|(agent, until)| PreferredRecord {
                    agent: agent.clone(),
                    until: *until,
                }),
            passed: extra.map(|e| e.passed.clone()).unwrap_or_default(),
            directed: extra
                .and_then(|e| e.directed.as_ref())
                .map(|d| DirectedRecord {
                    agent: d.agent.clone(),
                    missed: d.missed,
                }),
            excluded: extra.and_then(|e| e.excluded.clone()),
        }
    }
}
