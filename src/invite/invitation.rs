//! A compiled invitation, and the configuration's invitations together.

use std::time::Duration;

use super::id::InvitationId;
use super::terms;
use crate::expr::Condition;
use crate::model::{Content, QueueId};

/// `max_per_visit` when an invitation does not set it: one invitation per
/// visit, whichever it is.
pub const DEFAULT_MAX_PER_VISIT: u32 = 1;

/// One `[[invitations]]` entry, checked and compiled: get them from
/// [`Config::invitations`](crate::config::Config::invitations).
///
/// ```
/// use std::time::Duration;
/// use switchboard::config::Config;
///
/// let config = Config::from_toml_str(r#"
///     [[queues]]
///     id = "sales"
///
///     [[invitations]]
///     id = "pricing-help"
///     when = "visit.url contains '/pricing' and visit.time_on_page >= 30"
///     message = "Questions about our plans? We're here."
///     queue = "sales"
///     cooldown = "7d"
/// "#)?;
/// let inv = &config.invitations()[0];
/// assert_eq!(inv.id.as_str(), "pricing-help");
/// assert_eq!(inv.max_per_visit, 1);
/// assert_eq!(inv.cooldown, Some(Duration::from_secs(7 * 86_400)));
/// assert_eq!(inv.time_thresholds(), [Duration::from_secs(30)]);
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Invitation {
    /// Its id.
    pub id: InvitationId,
    /// When to show it, in the [invitation context](crate::expr::Context::Invitation).
    pub when: Condition,
    /// What the visitor is shown.
    pub message: Content,
    /// The queue that answers a visitor who accepts.
    pub queue: QueueId,
    /// At most once per visitor in this time (counting dismissals); no
    /// limit of its own when `None`.
    pub cooldown: Option<Duration>,
    /// Shown only while fewer than this many invitations (of any id) were
    /// shown in the visit; at least 1.
    pub max_per_visit: u32,
    /// Shown only while the queue's estimated wait is at most this; `None`
    /// asks only that an agent is ready.
    pub max_wait: Option<Duration>,
    /// The times on page at which `when` may change.
    thresholds: Vec<Duration>,
    /// Whether `when` reads `queue.ready`, which then needs an exact count.
    reads_ready: bool,
}

impl Invitation {
    /// An invitation; its time-on-page thresholds are read off `when`.
    pub(crate) fn new(
        id: InvitationId,
        when: Condition,
        message: Content,
        queue: QueueId,
        cooldown: Option<Duration>,
        max_per_visit: u32,
        max_wait: Option<Duration>,
    ) -> Invitation {
        let thresholds = terms::thresholds(when.expr());
        let reads_ready = terms::reads(when.expr(), &["queue", "ready"]);
        Invitation {
            id,
            when,
            message,
            queue,
            cooldown,
            max_per_visit: max_per_visit.max(1),
            max_wait,
            thresholds,
            reads_ready,
        }
    }

    /// The times on page, in whole milliseconds, at which `when` may
    /// change as the visitor stays on a page: the engine re-checks it then
    /// (`visit.time_on_page >= 30` at 30 s, `> 30` at 30.001 s).
    pub fn time_thresholds(&self) -> &[Duration] {
        &self.thresholds
    }

    /// Whether `when` may change when the time on page reaches `ms`
    /// milliseconds: one of its thresholds.
    pub(crate) fn changes_at(&self, ms: u64) -> bool {
        self.thresholds
            .binary_search(&Duration::from_millis(ms))
            .is_ok()
    }

    /// Whether its condition reads `queue.ready`.
    pub(crate) fn reads_ready(&self) -> bool {
        self.reads_ready
    }
}

/// The configuration's invitations, in declaration order, with the times
/// on page at which any of them may change.
#[derive(Clone, Debug, Default)]
pub(crate) struct Invitations {
    list: Vec<Invitation>,
    /// Every invitation's thresholds in milliseconds, sorted, without
    /// repeats.
    points: Vec<u64>,
}

impl Invitations {
    pub(crate) fn new(list: Vec<Invitation>) -> Invitations {
        let mut points: Vec<u64> = list
            .iter()
            .flat_map(|i| i.thresholds.iter())
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .collect();
        points.sort_unstable();
        points.dedup();
        Invitations { list, points }
    }

    /// In declaration order.
    pub(crate) fn list(&self) -> &[Invitation] {
        &self.list
    }

    /// The invitation with id `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&Invitation> {
        self.list.iter().find(|i| i.id.as_str() == id)
    }

    /// Whether there are none: visits then leave no state.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The first time on page, in milliseconds, past `ms` at which some
    /// invitation's `when` may change.
    pub(crate) fn next_point(&self, ms: u64) -> Option<u64> {
        let i = self.points.partition_point(|p| *p <= ms);
        self.points.get(i).copied()
    }
}
