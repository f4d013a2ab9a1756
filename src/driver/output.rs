//! What the driver hands back to the host.

use crate::engine::{ActionLine, Event, Input, InputError, InputLine};

/// Something for the host from the [`Driver`](super::Driver), in order.
///
/// The driver executes sends and bot calls itself; everything else the
/// engine asks for — offers to agents, assignments, messages to show an
/// agent, queue positions for a display — comes out as
/// [`Action`](Output::Action) for the host's agent desktop. The
/// [`Input`](Output::Input) items are the journal: every input the engine
/// accepted, the host's and the driver's own (delivery reports, bot turns),
/// stamped with the time they were applied. A snapshot plus these lines
/// replays to the same state.
///
/// # Examples
///
/// ```
/// use switchboard::driver::Output;
/// use switchboard::engine::{ActionLine, Action};
/// use switchboard::{Timestamp, ConversationId, handoff::Reason};
///
/// let o = Output::Action(ActionLine::new(Timestamp::EPOCH, Action::Closed {
///     conversation: ConversationId::new("c1"),
///     reason: Reason::Resolved,
/// }));
/// assert!(matches!(o, Output::Action(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Output {
    /// An input the engine accepted, with the time it was applied: append
    /// it to the journal.
    Input(InputLine),
    /// An action for the host to carry out (everything but `send` and
    /// `ask_bot`, which the driver carries out itself).
    Action(ActionLine),
    /// An audit event.
    Event(Event),
    /// An input the engine refused; it changed nothing. For the driver's own
    /// inputs this is usually a bot answer that came after the engine had
    /// already escalated on `bot_timeout`.
    Refused {
        /// The input.
        input: Input,
        /// Why.
        error: InputError,
    },
}
