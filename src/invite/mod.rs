//! Proactive invitations: a web chat or in-app widget offers help to a
//! visitor who seems to need it — on the pricing page for half a minute,
//! at checkout with a full cart — when someone can answer at once, and
//! without nagging.
//!
//! The host reports each page view or app screen as an
//! [`Input::Visit`](crate::engine::Input::Visit) ([`Visit`]). The engine
//! checks the configured invitations in declaration order; the first whose
//! `when` holds and whose caps allow is shown, as an
//! [`Action::Invite`](crate::engine::Action::Invite) with the message
//! rendered for the visitor's channel and an
//! [`EventKind::Invited`](crate::engine::EventKind::Invited). Each one
//! whose `when` held but that a cap held back is recorded as an
//! [`EventKind::InvitationSuppressed`](crate::engine::EventKind::InvitationSuppressed)
//! with its [`SuppressReason`]. At most one invitation is shown per check.
//!
//! ```text
//! visit ─► session (current page, shown this visit) ─► each [[invitations]] in order:
//!            when? ─► opt-out · cooldown · per visit · open conversation · hours · agent ready · max_wait
//!                        └─ held back: InvitationSuppressed          └─ all pass: Invite + Invited
//! time on page reaches a threshold ─► the same check, on a timer
//! visitor writes within accept_window ─► conversation with origin `invitation`, tag `invitation:<id>`
//! invitation_dismissed ─► its cooldown starts again
//! ```
//!
//! # Vocabulary
//!
//! The idea is the same across products; the names differ.
//!
//! | here | Chatwoot | Zendesk Chat | Intercom |
//! |---|---|---|---|
//! | an invitation (`[[invitations]]`) | an *ongoing campaign* of a website inbox | a *trigger* whose action sends the visitor a message | a proactive message (a *chat*) in the Messenger |
//! | `when` | the campaign's URL and time on page | the trigger's conditions | the audience rules |
//! | `visit.url`, `visit.title`, `visit.referrer` | URL | visitor page URL, page title, referrer | current page URL, referrer |
//! | `visit.time_on_page` | time on page (seconds) | visitor time on page | time on page |
//! | `visit.visits`, `visit.returning` | — | visitor's previous visits | number of sessions |
//! | `visit.country`, `visit.lang` | — | visitor country, language | location, language |
//! | `hours.<calendar>` | *trigger only during business hours* | the account's operating hours | office hours |
//! | `queue`, `queue.ready`, `queue.wait` | the inbox and its agents | the department, *online* agents | the team, reply-time expectations |
//! | `cooldown`, `max_per_visit` | — | *run once per visitor* | frequency (once, or again after a while) |
//! | `message` | the campaign's message | the *send message to visitor* action | the message content |
//!
//! Two differences are deliberate. An invitation is never shown unless its
//! queue could answer at once: an agent must be ready, and with `max_wait`
//! the estimated wait must be short — an invitation nobody answers does
//! more harm than none. And an accepted invitation is an ordinary
//! conversation whose origin says where it came from, so routing rules,
//! reports and agents see it like any other.
//!
//! # Configuration reference
//!
//! ```toml
//! [calendars.eu]
//! timezone = "Europe/Berlin"
//! mon-fri = "09:00-18:00"
//!
//! [[queues]]
//! id = "sales"
//! calendar = "eu"
//!
//! [[invitations]]
//! id = "pricing-help"                  # names it in actions, events, tags and rules
//! when = "visit.url contains '/pricing' and visit.time_on_page >= 30 and hours.eu"
//! message = { text = "Questions about our plans?", quick_replies = [{ title = "Chat with us", payload = "chat" }] }
//! queue = "sales"                      # who answers; must be a [[queues]] id
//! cooldown = "7d"                      # at most once a week per visitor (dismissals count)
//! max_wait = "2m"                      # only while the estimated wait is at most 2 minutes
//!
//! [[invitations]]
//! id = "big-cart"
//! when = "visit.url contains '/checkout' and visit.cart_value >= 200"
//! message = "Need a hand with your order?"
//! queue = "sales"
//! max_per_visit = 2                    # may follow another invitation in the same visit
//!
//! [visitors]
//! visit_timeout = "30m"                # a visitor silent this long starts a new visit
//! accept_window = "30m"                # a message this soon after an invitation accepts it
//! ```
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `id` | unique; the tag is `invitation:<id>`, `conversation.campaign` reads it | required |
//! | `when` | a condition in the [invitation context](crate::expr::Context::Invitation) | `"true"` |
//! | `message` | a text, or a [`Content`](crate::Content) (`text`, `quick_replies`, `link`, `attachments`) | required |
//! | `queue` | the queue that answers; its readiness and wait are checked | required |
//! | `cooldown` | shown (or dismissed) at most once per visitor in this time | none |
//! | `max_per_visit` | shown only while fewer invitations than this were shown in the visit | 1 |
//! | `max_wait` | shown only while `queue.wait` is at most this | an agent ready is enough |
//! | `[visitors] visit_timeout` | a visitor's session is forgotten this long after their last view | 30 minutes |
//! | `[visitors] accept_window` | how long after an invitation a message accepts it | 30 minutes |
//!
//! The settings live under `[visitors]` because TOML cannot make
//! `invitations` both the list `[[invitations]]` and a table.
//!
//! An invitation's `when` sees `channel` (`'webchat'` or `'in_app'`),
//! `visit.url`, `visit.title`, `visit.referrer`, `visit.time_on_page`
//! (seconds), `visit.pages`, `visit.visits`, `visit.cart_value`,
//! `visit.returning`, `visit.lang`, `visit.country` (two capitals, `'DE'`),
//! `visit.attributes.<name>`, `queue.ready` (agents of its queue who could
//! take one more conversation on the visitor's channel now; 0 outside the
//! queue's hours), `queue.wait` (the wait a conversation joining the queue
//! now could expect, in seconds: 0 when nobody waits and an agent is ready;
//! missing when it cannot be estimated), `hours.<calendar>`, `hour` and
//! `weekday`. No message, contact or conversation exists yet, so those
//! facts are not available, and other contexts cannot read `visit.*` or
//! `queue.*`.
//!
//! # When invitations are checked
//!
//! At each page view, and when the time on the current page reaches a
//! threshold some `when` compares it with: the engine finds those when the
//! configuration compiles ([`Invitation::time_thresholds`]) and sets a
//! timer for the next one, at the page's arrival plus the threshold; then
//! the invitations with that threshold are checked again (in declaration
//! order, at most one shown), the others having been checked at the
//! view. The
//! time on page is then the seconds the host reported with the view (a
//! later report on the same page carries them) plus the time since. A new
//! page view replaces the old page and its timer. Conditions on the hour,
//! business hours or agents' readiness are read at those moments only;
//! they do not set timers of their own.
//!
//! # Caps
//!
//! A matching invitation is held back, in this order, when the visitor
//! opted out of messages on the channel (a rule's `opt_out`, a STOP);
//! when the visitor was shown it or dismissed it within its `cooldown`; when `max_per_visit`
//! invitations (of any id) were shown in this visit; while the visitor has
//! an open conversation (on any channel); while the queue is outside its
//! business hours; when no agent of the queue is ready; and when the
//! queue's estimated wait is over `max_wait` or cannot be estimated. A
//! visit ends after `visit_timeout` without a view, or when the host's
//! `visits` number changes.
//!
//! # Accepted, dismissed
//!
//! When the visitor writes on the channel within `accept_window` of the
//! invitation last shown to them, and the message starts a conversation
//! (or would reopen a closed one), the conversation's
//! [`Origin`](crate::Origin) is the invitation, it carries the tag
//! `invitation:<id>`, its transcript begins with the invitation's message
//! (so the agent sees what the visitor was shown) and an
//! [`EventKind::InvitationAccepted`](crate::engine::EventKind::InvitationAccepted)
//! records it. Routing rules read `conversation.origin == 'invitation'`
//! and `conversation.campaign == '<id>'`; when no rule routes it, it goes
//! to the invitation's queue rather than to the default route, since that
//! queue was just found ready to answer.
//! [`Input::InvitationDismissed`](crate::engine::Input::InvitationDismissed)
//! records that the visitor closed it: its cooldown starts again and a
//! later message no longer accepts it.
//!
//! # Bounds
//!
//! Per visitor the engine keeps the current page (its texts bounded by
//! `[conversations] max_text`), a few counters, and one cooldown record
//! per invitation, and files one timer. A session is forgotten
//! `visit_timeout` after the last view; cooldown records are kept until
//! they lapse. Checking a view costs one evaluation per invitation and one
//! look at each named queue's ready agents. Visits leave no state when the
//! configuration has no invitations.
//!
//! # Layout
//!
//! | file | what it holds |
//! |---|---|
//! | `visit.rs` | [`Visit`]: the input |
//! | `id.rs` | [`InvitationId`] |
//! | `facts.rs` | [`VisitFacts`], [`QueueFacts`]: what `when` sees |
//! | `invitation.rs` | [`Invitation`]: one compiled entry; the set of them |
//! | `terms.rs` | what a `when` reads: time-on-page thresholds, `queue.ready` |
//! | `decide.rs` | which invitation a check shows, and which caps held others back |
//! | `reason.rs` | [`SuppressReason`] |
//! | `state.rs` | per-visitor sessions, cooldowns and their timers |
//!
//! The engine composes them (`src/engine/visits.rs`); the configuration
//! reads and checks `[[invitations]]` and `[visitors]`
//! (`src/config/invitations.rs`).

mod decide;
mod facts;
mod id;
mod invitation;
mod reason;
mod state;
mod terms;
mod visit;

pub use facts::{QueueFacts, VisitFacts};
pub use id::InvitationId;
pub use invitation::{DEFAULT_MAX_PER_VISIT, Invitation};
pub use reason::SuppressReason;
pub use visit::Visit;

pub(crate) use decide::{Around, Outlook, choose};
pub(crate) use invitation::Invitations;
pub(crate) use state::{Visitor, VisitorKey, Visitors, Windows};
