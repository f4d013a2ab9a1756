//! Which invitation, if any, a page view shows: each `when` in
//! declaration order, then the caps.

use std::time::Duration;

use super::facts::{QueueFacts, VisitFacts};
use super::invitation::Invitation;
use super::reason::SuppressReason;
use super::state::Visitor;
use crate::calendar::Calendars;
use crate::expr::Facts;
use crate::model::{QueueId, Timestamp};

/// Whether an invitation's queue could answer now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outlook {
    /// Within its business hours.
    pub(crate) open: bool,
    /// What `queue.*` reads.
    pub(crate) facts: QueueFacts,
}

/// What one check of the invitations decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Choice {
    /// The invitations whose `when` held but a cap held back, in order,
    /// by their place in the configuration.
    pub(crate) held: Vec<(usize, SuppressReason)>,
    /// The invitation to show, by its place.
    pub(crate) show: Option<usize>,
}

/// What the engine knows about the visitor beyond their own state.
pub(crate) struct Around<'a> {
    pub(crate) calendars: &'a Calendars,
    /// Whether the visitor opted out of messages on the channel.
    pub(crate) opted_out: bool,
    /// Whether the visitor has an open conversation.
    pub(crate) conversation_open: bool,
    /// The outlook of a queue on the visitor's channel; with `exact`, the
    /// count of ready agents is exact rather than "none or some".
    pub(crate) outlook: &'a mut dyn FnMut(&QueueId, bool) -> Outlook,
}

/// Checks `invitations` for `visitor` (who has a session) at `now`: the
/// first, in declaration order, whose `when` holds and whose caps allow is
/// shown; those before it whose `when` held are held back, each with the
/// first cap that stopped it. At most one is shown. On a time-on-page
/// timer (`timer`), only the invitations with a threshold at this time on
/// page are checked: the others were checked at the view and have not
/// changed since.
///
/// The caps, in order: the visitor's opt-out on the channel, the
/// invitation's cooldown for this visitor, the
/// visit's invitations (`max_per_visit`), an open conversation, the
/// queue's business hours, an agent ready, and the wait (`max_wait`).
pub(crate) fn choose(
    invitations: &[Invitation],
    visitor: &Visitor,
    now: Timestamp,
    timer: bool,
    around: Around<'_>,
) -> Choice {
    let mut choice = Choice::default();
    let Some(session) = &visitor.session else {
        return choice;
    };
    let view = &session.page.view;
    let top_ms = session.page.time_on_page_ms(now);
    let visit = VisitFacts {
        url: &view.url,
        title: view.title.as_deref(),
        referrer: view.referrer.as_deref(),
        time_on_page: Some(top_ms as f64 / 1000.0),
        pages: view.pages,
        visits: view.visits,
        cart_value: view.cart_value,
        returning: view.returning,
        lang: view.lang.as_deref(),
        country: view.country.as_deref(),
        attributes: Some(&view.attributes),
    };
    // One look at each queue per check (exact when some `when` reads it).
    let mut seen: Vec<(&QueueId, bool, Outlook)> = Vec::new();
    for (i, inv) in invitations.iter().enumerate() {
        if timer && !inv.changes_at(top_ms) {
            continue;
        }
        let exact = inv.reads_ready();
        let outlook = match seen
            .iter()
            .find(|(q, e, _)| *q == &inv.queue && (*e || !exact))
        {
            Some((_, _, o)) => *o,
            None => {
                let o = (around.outlook)(&inv.queue, exact);
                seen.push((&inv.queue, exact, o));
                o
            }
        };
        let facts = Facts::new(now)
            .with_channel(&visitor.channel)
            .with_visit(visit)
            .with_queue(outlook.facts);
        if !inv.when.evaluate(&facts, around.calendars) {
            continue;
        }
        match held(inv, visitor, session.shown, now, &around, &outlook) {
            Some(reason) => choice.held.push((i, reason)),
            None => {
                choice.show = Some(i);
                break;
            }
        }
    }
    choice
}

/// The first cap that holds `inv` back, if any.
fn held(
    inv: &Invitation,
    visitor: &Visitor,
    shown: u32,
    now: Timestamp,
    around: &Around<'_>,
    outlook: &Outlook,
) -> Option<SuppressReason> {
    let wait_ok = |max: Duration| outlook.facts.wait.is_some_and(|w| w <= max);
    if around.opted_out {
        Some(SuppressReason::OptedOut)
    } else if visitor.cooling(&inv.id, now) {
        Some(SuppressReason::Cooldown)
    } else if shown >= inv.max_per_visit {
        Some(SuppressReason::VisitCap)
    } else if around.conversation_open {
        Some(SuppressReason::ConversationOpen)
    } else if !outlook.open {
        Some(SuppressReason::OutsideHours)
    } else if outlook.facts.ready == 0 {
        Some(SuppressReason::NoAgentReady)
    } else if inv.max_wait.is_some_and(|max| !wait_ok(max)) {
        Some(SuppressReason::WaitTooLong)
    } else {
        None
    }
}
