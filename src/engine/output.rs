//! The engine's outputs, in the order it produced them: actions the host
//! carries out and the audit events that say what happened.

use std::collections::VecDeque;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Action, ActionLine, Event};
use crate::model::Timestamp;

/// One output of the engine: a command for the host or a fact for the
/// audit log. An output is one or the other, never both.
///
/// On the wire an action is `{"at": …, "action": {…}}` (an
/// [`ActionLine`]) and an event `{"event": {…}}` — the lines
/// `examples/replay` prints.
///
/// ```
/// use switchboard::engine::{Action, ActionLine, Output};
/// use switchboard::{ConversationId, Timestamp};
///
/// let out = Output::Action(ActionLine::new(
///     Timestamp::from_millis(5),
///     Action::Closed { conversation: ConversationId::new("c1"), reason: switchboard::handoff::Reason::Resolved },
/// ));
/// let json = serde_json::to_string(&out)?;
/// assert!(json.starts_with(r#"{"at":5,"action":{"type":"closed""#));
/// assert_eq!(serde_json::from_str::<Output>(&json)?, out);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Output {
    /// Something the host must do: send, ask a bot, offer, revoke …
    Action(ActionLine),
    /// Something that happened, for the audit log and the numbers.
    Event(Event),
}

impl Output {
    /// When it was produced.
    pub fn at(&self) -> Timestamp {
        match self {
            Output::Action(a) => a.at,
            Output::Event(e) => e.at,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Wire {
    Action(ActionLine),
    Event { event: Event },
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Output::Action(a) => a.serialize(s),
            Output::Event(event) => {
                #[derive(Serialize)]
                struct E<'a> {
                    event: &'a Event,
                }
                E { event }.serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Output {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Wire::deserialize(d)? {
            Wire::Action(a) => Output::Action(a),
            Wire::Event { event } => Output::Event(event),
        })
    }
}

/// The outputs not yet polled, in order. Actions and events wait in their
/// own queues, numbered in one sequence, so that polling either kind alone
/// is cheap and polling both keeps their order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outbox {
    actions: VecDeque<(u64, ActionLine)>,
    events: VecDeque<(u64, Event)>,
    next: u64,
}

impl Outbox {
    fn seq(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// Queues an action.
    pub(crate) fn act(&mut self, at: Timestamp, action: Action) {
        let n = self.seq();
        self.actions.push_back((n, ActionLine::new(at, action)));
    }

    /// Queues an event.
    pub(crate) fn emit(&mut self, event: Event) {
        let n = self.seq();
        self.events.push_back((n, event));
    }

    /// The oldest output.
    pub(crate) fn pop(&mut self) -> Option<Output> {
        let action_first = match (self.actions.front(), self.events.front()) {
            (Some((a, _)), Some((e, _))) => a < e,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if action_first {
            self.actions.pop_front().map(|(_, a)| Output::Action(a))
        } else {
            self.events.pop_front().map(|(_, e)| Output::Event(e))
        }
    }

    /// The oldest action.
    pub(crate) fn pop_action(&mut self) -> Option<ActionLine> {
        self.actions.pop_front().map(|(_, a)| a)
    }

    /// The oldest event.
    pub(crate) fn pop_event(&mut self) -> Option<Event> {
        self.events.pop_front().map(|(_, e)| e)
    }

    /// Every output not yet polled, in order (for snapshots).
    pub(crate) fn pending(&self) -> Vec<Output> {
        let mut all: Vec<(u64, Output)> = self
            .actions
            .iter()
            .map(|(n, a)| (*n, Output::Action(a.clone())))
            .chain(
                self.events
                    .iter()
                    .map(|(n, e)| (*n, Output::Event(e.clone()))),
            )
            .collect();
        all.sort_by_key(|(n, _)| *n);
        all.into_iter().map(|(_, o)| o).collect()
    }

    /// An outbox holding `outputs`, in order.
    pub(crate) fn from_pending(outputs: Vec<Output>) -> Outbox {
        let mut out = Outbox::default();
        for o in outputs {
            match o {
                Output::Action(a) => {
                    let n = out.seq();
                    out.actions.push_back((n, a));
                }
                Output::Event(e) => out.emit(e),
            }
        }
        out
    }
}
