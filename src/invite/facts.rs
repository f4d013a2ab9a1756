//! What an invitation's `when` sees: the visitor's page view and the
//! invitation's queue, as [`Facts`](crate::expr::Facts) carry them.

use std::time::Duration;

use crate::model::Attributes;

/// What an invitation's `when` sees as `visit.*`: the visitor's current
/// page view, with the time spent on it so far.
///
/// ```
/// use switchboard::calendar::Calendars;
/// use switchboard::expr::{Condition, Context, Facts, Schema};
/// use switchboard::invite::VisitFacts;
/// use switchboard::Timestamp;
///
/// let when = Condition::compile(
///     "visit.url contains '/pricing' and visit.time_on_page >= 30",
///     &Schema::default(),
///     Context::Invitation,
/// ).map_err(|e| e[0].clone())?;
/// let visit = VisitFacts { url: "https://shop.example/pricing", time_on_page: Some(31.5), ..VisitFacts::default() };
/// let facts = Facts::new(Timestamp::EPOCH).with_visit(visit);
/// assert!(when.evaluate(&facts, &Calendars::default()));
/// # Ok::<(), switchboard::expr::ExprError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct VisitFacts<'a> {
    /// `visit.url`: the page's URL or the app screen's name.
    pub url: &'a str,
    /// `visit.title`.
    pub title: Option<&'a str>,
    /// `visit.referrer`.
    pub referrer: Option<&'a str>,
    /// `visit.time_on_page`: seconds on the page so far.
    pub time_on_page: Option<f64>,
    /// `visit.pages`: pages viewed in this visit.
    pub pages: Option<u32>,
    /// `visit.visits`: the visitor's visits so far.
    pub visits: Option<u32>,
    /// `visit.cart_value`.
    pub cart_value: Option<f64>,
    /// `visit.returning`.
    pub returning: Option<bool>,
    /// `visit.lang`.
    pub lang: Option<&'a str>,
    /// `visit.country`: two capitals, such as `DE`.
    pub country: Option<&'a str>,
    /// `visit.attributes.<name>`.
    pub attributes: Option<&'a Attributes>,
}

/// What an invitation's `when` sees as `queue.*`: whether the invitation's
/// queue could answer now.
///
/// ```
/// use std::time::Duration;
/// use switchboard::invite::QueueFacts;
///
/// let q = QueueFacts { ready: 2, wait: Some(Duration::ZERO) };
/// assert_eq!(q.ready, 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueFacts {
    /// `queue.ready`: agents of the queue who could take one more
    /// conversation on the visitor's channel now (0 while the queue is
    /// outside its business hours).
    pub ready: u32,
    /// `queue.wait`: the wait a conversation joining the queue now could
    /// expect, in seconds; missing when no estimate can be made.
    pub wait: Option<Duration>,
}
