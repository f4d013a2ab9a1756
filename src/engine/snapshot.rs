//! Snapshots, restore, reconfiguration, and the journal's line form.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::assign::{Assigner, AssignerSnapshot};
use crate::channel::consent::ConsentRegistry;
use crate::config::{Config, ConfigError};
use crate::model::Timestamp;
use crate::notify::notifier::Notifier;

use super::channels::Channels;
use super::contacts::{Contact, Contacts};
use super::output::{Outbox, Output};
use super::tickets::Tickets;
use super::{Event, EventKind, Input, InputError, Switchboard};
use crate::conversation::Conversation;
use crate::invite::{Visitor, Visitors};

/// The snapshot format this version writes and reads. Format 1 named a
/// conversation's requests in the assigner after its id; 2 gives them
/// tickets.
const VERSION: u32 = 3;

/// The largest counter a snapshot may hold (ids, turns): far beyond what
/// any run reaches one input at a time, far below where `u64` wraps.
const MAX_COUNTER: u64 = 1 << 62;

/// One line of an input journal: `{"at": <ms since epoch>, "input": {...}}`.
///
/// ```
/// use switchboard::engine::{Input, InputLine};
///
/// let line: InputLine = serde_json::from_str(
///     r#"{"at": 1700000000000, "input": {"type": "agent_status", "agent": "ana", "status": "available"}}"#,
/// )?;
/// assert!(matches!(line.input, Input::AgentStatus { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputLine {
    /// When the input arrived.
    pub at: Timestamp,
    /// The input.
    pub input: Input,
}

impl InputLine {
    /// An input at `at`.
    pub fn new(at: Timestamp, input: Input) -> InputLine {
        InputLine { at, input }
    }
}

/// Everything a [`Switchboard`] holds, as serde data: restore it with
/// [`Switchboard::restore`] and feed it the inputs journaled after it, and
/// the engine is exactly where it was — the same later actions and events,
/// byte for byte.
///
/// It holds the configuration it was taken under (as JSON), so it can be
/// restored under a newer configuration (see [`Switchboard::restore`]).
/// Actions and events not yet polled are part of it. Host strategies
/// ([`Switchboard::set_strategy`]) are not: install them again after a
/// restore, before the next input.
///
/// ```
/// use switchboard::config::Config;
/// use switchboard::engine::{Inbound, Input, Snapshot, Switchboard};
/// use switchboard::{Address, ChannelKind, Timestamp};
///
/// let config = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
/// let mut sb = Switchboard::new(config.clone());
/// sb.handle(Timestamp::EPOCH, Input::Inbound(Inbound::new(ChannelKind::Sms, Address::new_unchecked("+14155550100"), "hi")))?;
///
/// let json = serde_json::to_string(&sb.snapshot())?;
/// let back = Switchboard::restore(config, serde_json::from_str::<Snapshot>(&json)?)?;
/// assert_eq!(serde_json::to_string(&back.snapshot())?, json);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A snapshot of another format still reads; restoring it fails with
/// [`RestoreError::Version`].
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    version: u32,
    /// `None` for a snapshot of another format, which is read no further
    /// than its version.
    state: Option<State>,
}

/// A snapshot's fields after its version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct State {
    config: serde_json::Value,
    started: bool,
    now: Timestamp,
    next_conversation: u64,
    next_contact: u64,
    next_ticket: u64,
    conversations: Vec<Conversation>,
    contacts: Vec<Contact>,
    consent: ConsentRegistry,
    /// Business-initiated messages: consent per purpose, caps, notices,
    /// notifications waiting for quiet hours to end.
    #[serde(default)]
    notifier: Notifier,
    /// What the host registered each channel to carry.
    #[serde(default)]
    channels: Channels,
    assigner: AssignerSnapshot,
    /// Visitors' sessions, cooldowns and timers (none in a snapshot from
    /// before invitations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    visitors: Vec<Visitor>,
    /// Outputs not yet polled, in order.
    outputs: Vec<Output>,
}

impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::versioned::serialize(self.version, self.state.as_ref(), s)
    }
}

impl<'de> Deserialize<'de> for Snapshot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (version, state) = crate::versioned::deserialize(d, VERSION)?;
        Ok(Snapshot { version, state })
    }
}

/// Why a [`Snapshot`] could not be restored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestoreError {
    /// A snapshot written by another format version.
    #[error("snapshot format {found} is not supported (this version reads {VERSION})")]
    Version {
        /// The snapshot's version.
        found: u32,
    },
    /// The configuration stored in the snapshot no longer compiles.
    #[error("the snapshot's own configuration does not compile: {0}")]
    Config(#[from] ConfigError),
    /// The assigner's part is malformed or does not fit.
    #[error("the snapshot's assigner state: {0}")]
    Assigner(#[from] crate::assign::RestoreError),
    /// Moving to the new configuration failed.
    #[error("moving the snapshot to the new configuration: {0}")]
    Reconfigure(#[from] InputError),
    /// The snapshot is inconsistent.
    #[error("the snapshot is inconsistent: {0}")]
    Invalid(String),
}

fn spec_json(config: &Config) -> serde_json::Value {
    serde_json::to_value(config.spec()).unwrap_or(serde_json::Value::Null)
}

impl Switchboard {
    /// Everything the engine holds, as serde data.
    pub fn snapshot(&self) -> Snapshot {
        let state = State {
            config: spec_json(&self.config),
            started: self.started,
            now: self.now,
            next_conversation: self.next_conv,
            next_contact: self.contacts.next,
            next_ticket: self.tickets.issued,
            conversations: {
                let mut all: Vec<Conversation> =
                    self.convs.values().map(|c| (**c).clone()).collect();
                all.sort_unstable_by_key(|c| super::conversation_key(c.id.as_str()));
                all
            },
            contacts: self.contacts.sorted(),
            consent: self.consent.clone(),
            notifier: self.notifier.clone(),
            channels: self.channels.clone(),
            assigner: self.assigner.snapshot(),
            visitors: self.visitors.sorted(),
            outputs: self.out.pending(),
        };
        Snapshot {
            version: VERSION,
            state: Some(state),
        }
    }

    /// An engine restored from `snapshot`, running `config`.
    ///
    /// When `config` is the configuration the snapshot was taken under, the
    /// engine is exactly as it was. When it differs, the snapshot is
    /// restored under its own configuration and then
    /// [reconfigured](Self::reconfigure) to `config`.
    ///
    /// Host strategies are not in the snapshot: install them with
    /// [`set_strategy`](Self::set_strategy) before the next input (queues
    /// naming one rank as `longest_idle` until then, moving to `config`
    /// included).
    ///
    /// # Errors
    ///
    /// A [`RestoreError`] when the snapshot is of another version, is
    /// inconsistent, or cannot move to `config`.
    pub fn restore(
        config: impl Into<Arc<Config>>,
        snapshot: Snapshot,
    ) -> Result<Switchboard, RestoreError> {
        let config = config.into();
        let snapshot = match snapshot.state {
            Some(state) if snapshot.version == VERSION => state,
            _ => {
                return Err(RestoreError::Version {
                    found: snapshot.version,
                });
            }
        };
        let same = spec_json(&config) == snapshot.config;
        let own = if same {
            config.clone()
        } else {
            Arc::new(Config::from_json_str(&snapshot.config.to_string())?)
        };
        // One clock: the engine's stops where the assigner's does, and the
        // two move together, so a snapshot whose clocks disagree was not
        // taken by this engine.
        if snapshot.now > Timestamp::MAX {
            return Err(RestoreError::Invalid(format!(
                "its clock ({}) is past the end of time ({})",
                snapshot.now,
                Timestamp::MAX
            )));
        }
        snapshot.assigner.check_version()?;
        if snapshot.assigner.now() != snapshot.now {
            return Err(RestoreError::Invalid(format!(
                "the engine's clock ({}) and the assigner's ({}) disagree",
                snapshot.now,
                snapshot.assigner.now()
            )));
        }
        // Counters only grow by one per input: one near the end of `u64`
        // was edited, and would wrap onto the ids of live conversations.
        let counters = [
            ("conversation", snapshot.next_conversation),
            ("contact", snapshot.next_contact),
            ("ticket", snapshot.next_ticket),
        ]
        .into_iter()
        .chain(snapshot.conversations.iter().map(|c| ("bot turn", c.turn)));
        for (what, n) in counters {
            if n > MAX_COUNTER {
                return Err(RestoreError::Invalid(format!(
                    "the {what} counter ({n}) is past 2^62"
                )));
            }
        }
        let assigner = Assigner::restore(own.clone(), snapshot.assigner)?;
        let mut convs = super::contacts::Map::default();
        let mut tickets = super::contacts::Map::default();
        let mut timers = BTreeSet::new();
        for c in snapshot.conversations {
            let key = super::conversation_key(c.id.as_str())
                .ok_or_else(|| RestoreError::Invalid(format!("bad conversation id {}", c.id)))?;
            if key > snapshot.next_conversation {
                return Err(RestoreError::Invalid(format!(
                    "conversation {} is beyond the id counter",
                    c.id
                )));
            }
            if let Some(t) = c.filed {
                timers.insert((t, key));
            }
            for t in c.tickets() {
                match tickets.insert(t.clone(), key) {
                    Some(other) if other != key => {
                        return Err(RestoreError::Invalid(format!(
                            "ticket {t} belongs to both c{other} and c{key}"
                        )));
                    }
                    _ => {}
                }
            }
            if convs.insert(key, Box::new(c)).is_some() {
                return Err(RestoreError::Invalid(format!("conversation c{key} twice")));
            }
        }
        snapshot.notifier.check().map_err(RestoreError::Invalid)?;
        let mut ids = BTreeSet::new();
        for k in &snapshot.contacts {
            if !ids.insert(k.id.clone()) {
                return Err(RestoreError::Invalid(format!("contact {} twice", k.id)));
            }
        }
        let mut sb = Switchboard {
            config: own,
            started: snapshot.started,
            assigner,
            contacts: Contacts::from_list(snapshot.contacts, snapshot.next_contact),
            convs,
            next_conv: snapshot.next_conversation,
            tickets: Tickets {
                by_ticket: tickets,
                issued: snapshot.next_ticket,
            },
            timers,
            consent: snapshot.consent,
            notifier: snapshot.notifier,
            channels: snapshot.channels,
            visitors: Visitors::from_list(snapshot.visitors).map_err(RestoreError::Invalid)?,
            out: Outbox::from_pending(snapshot.outputs),
            now: snapshot.now,
            strategies: Default::default(),
        };
        // A snapshot from before contacts were forgotten has idle contacts
        // with no schedule: their retention starts now.
        let unscheduled: Vec<_> = sb
            .contacts
            .by_id
            .values()
            .filter(|k| k.conversations.is_empty() && k.forget_at.is_none())
            .map(|k| k.id.clone())
            .collect();
        for id in unscheduled {
            sb.settle_contact(sb.now, &id);
        }
        sb.check_invariants().map_err(RestoreError::Invalid)?;
        if !same {
            sb.reconfigure(config)?;
        }
        Ok(sb)
    }

    /// Switches to a new configuration without losing anything. To journal
    /// the switch with the other inputs (so that a snapshot and the inputs
    /// after it replay across it), give it as
    /// [`Input::Reconfigure`] instead.
    ///
    /// Queues are matched by id. Conversations waiting in (or assigned
    /// from) a queue the new configuration no longer has move to
    /// `[conversations] fallback_queue` (by default the escalation queue);
    /// outstanding offers are withdrawn and made again under the new rules;
    /// agents keep their conversations. Transcripts take the new limits.
    /// Installed host strategies stay, and rank the queues of the new
    /// configuration that name them (see
    /// [`set_strategy`](Self::set_strategy)).
    ///
    /// # Errors
    ///
    /// [`InputError::UnknownQueue`] (nothing changed) when a queue must be
    /// emptied and the new configuration has no fallback queue to take its
    /// conversations.
    ///
    /// ```
    /// use switchboard::config::Config;
    /// use switchboard::engine::{Inbound, Input, Output, Switchboard};
    /// use switchboard::{Address, ChannelKind, Timestamp};
    ///
    /// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"old\"")?);
    /// sb.handle(Timestamp::EPOCH, Input::Inbound(Inbound::new(ChannelKind::Sms, Address::new_unchecked("+14155550100"), "hi")))?;
    /// // The engine names the conversation: take its id from an output.
    /// let outputs: Vec<Output> = std::iter::from_fn(|| sb.poll_output()).collect();
    /// let conversation = outputs.iter().find_map(|o| match o {
    ///     Output::Action(line) => line.action.conversation().cloned(),
    ///     _ => None,
    /// });
    /// let conversation = conversation.expect("the customer was answered");
    ///
    /// sb.reconfigure(Config::from_toml_str("[[queues]]\nid = \"new\"")?)?;
    /// let c = sb.conversation(&conversation).unwrap();
    /// assert_eq!(c.queue().map(|q| q.as_str()), Some("new"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reconfigure(&mut self, config: impl Into<Arc<Config>>) -> Result<(), InputError> {
        let now = self.now;
        self.reconfigure_at(now, config.into())
    }

    /// [`reconfigure`](Self::reconfigure) at `now` (the engine's time: the
    /// input's, once due timers have run).
    pub(super) fn reconfigure_at(
        &mut self,
        now: Timestamp,
        config: Arc<Config>,
    ) -> Result<(), InputError> {
        let settings = config.conversation_settings().clone();
        if self.started {
            // Host strategies follow the names the new queues give.
            let strategies = &self.strategies;
            self.assigner.reconfigure_with(
                now,
                config.clone(),
                settings.fallback_queue.as_ref(),
                |q, _| strategies.for_queue(q),
            )?;
        } else {
            self.assigner = Assigner::new(config.clone(), now);
        }
        for c in self.convs.values_mut() {
            c.transcript
                .set_limits(settings.transcript_messages, settings.transcript_bytes);
        }
        self.config = config;
        // Visitors' deadlines follow the new thresholds and windows.
        self.refile_visitors();
        self.emit(Event::new(now, EventKind::Reconfigured));
        self.drain(now);
        Ok(())
    }
}
