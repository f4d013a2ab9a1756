//! Business-initiated messages with consent: the business writes first —
//! a delivery is late, a gate changed, an appointment is tomorrow — only
//! to people who agreed to hear from it, never at night, never too often.
//!
//! # What the engine guarantees
//!
//! A [`Notification`] (`Input::Notify`) goes out on at most one channel,
//! and only when every one of these holds at the moment it is sent:
//!
//! * **Consent.** The channel has a [`ConsentPolicy`] (`[consent.<channel>]`,
//!   or a preset for SMS, WhatsApp and e-mail), the address has not opted
//!   out of the channel (an SMS STOP blocks every text, whatever its
//!   purpose) or of the purpose (an e-mail unsubscribe from marketing), and
//!   the opt-in the purpose needs there is on record — confirmed by the
//!   customer from the address itself where the policy asks for a double
//!   opt-in.
//! * **Quiet hours.** It is not within `[notifications] quiet_hours` in the
//!   contact's time zone (its `timezone` attribute, else
//!   `[notifications] timezone`): a notification due then waits for the
//!   end of quiet hours — a local wall-clock time, so it follows
//!   daylight-saving changes — and is then decided again.
//! * **Caps.** Sending it keeps the contact within `[notifications.caps]`
//!   for its purpose and the `max` per `per` of its campaign; the excess is
//!   held back (refused with [`Refusal::Capped`]), not queued.
//!
//! Every notification ends in exactly one of: sent
//! ([`EventKind::NotificationSent`](crate::engine::EventKind::NotificationSent)),
//! or refused with a typed [`Refusal`]
//! ([`Action::NotificationRefused`](crate::engine::Action::NotificationRefused)
//! and [`EventKind::NotificationRefused`](crate::engine::EventKind::NotificationRefused)),
//! possibly after waiting for quiet hours to end
//! ([`EventKind::NotificationDeferred`](crate::engine::EventKind::NotificationDeferred)).
//! A deferred notification is part of the snapshot: it is never lost.
//!
//! # Choosing the channel
//!
//! Addressed to a contact, the channels are tried in order — the
//! contact's `preferred_channel` attribute first, then `[notifications]
//! fallback` (by default WhatsApp, SMS, e-mail), only the campaign's
//! `channels` when it lists some — and the first that fits is used. A
//! channel fits when the contact has an address on it, consent allows it,
//! and there is something it may carry: free text where the reply window
//! is open or the channel has none (SMS, e-mail), the approved template
//! where the window is closed (WhatsApp 24 hours after the customer last
//! wrote). The channels passed over, and why, come with the outcome
//! ([`Skip`]).
//!
//! # Replies continue the notification
//!
//! When the customer answers within `[notifications] reply_window` (72
//! hours by default), the conversation that starts carries the
//! notification as its first transcript entry, and rules read
//! `conversation.origin == 'notification'` and `conversation.campaign`:
//!
//! ```toml
//! [[rules]]
//! id = "delivery-replies"
//! when = "conversation.campaign == 'order_delayed'"
//! then = { queue = "deliveries" }
//! ```
//!
//! # Consent on record
//!
//! `Input::Consent` ([`ConsentUpdate`]) records an opt-in or opt-out with
//! its [`ConsentSource`] (a web form, a keyword, an agent, an import). SMS
//! STOP and START are recorded too. A double opt-in sends the channel's
//! `confirm_request` and counts once the customer answers YES within
//! `[notifications] confirm_within`. A contact's whole history is
//! [`Switchboard::consent_history`](crate::engine::Switchboard::consent_history),
//! one [`ConsentEntry`] per change, ready to export as JSON.
//!
//! # The vocabulary elsewhere
//!
//! | here | Twilio | Chatwoot | Intercom |
//! |---|---|---|---|
//! | notification | an outbound message (Messaging Service) | a one-off campaign message | an outbound message |
//! | campaign | a campaign / use case (A2P 10DLC) | a campaign | a series / outbound campaign |
//! | purpose `transactional` / `marketing` | use case: account notifications / marketing | — | transactional / marketing subscription type |
//! | opt-in, STOP, START | Advanced Opt-Out | contact's subscription | subscription preferences |
//! | quiet hours | — (host's job) | — | "send during office hours" |
//! | caps | — | — | frequency caps |

pub(crate) mod caps;
mod consent;
mod error;
mod notification;
pub(crate) mod notifier;
mod purpose;
pub(crate) mod quiet;
mod refusal;

pub use consent::{ConsentEntry, ConsentSource, ConsentStatus, MAX_CONSENT_HISTORY, SourceKind};
pub use error::NotifyError;
pub use notification::{ConsentChange, ConsentUpdate, Notification};
pub use purpose::{ConsentPolicy, PURPOSES, Purpose, Requirement};
pub use refusal::{CapScope, Refusal, Skip, SkipReason};
