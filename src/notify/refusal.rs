//! Why a notification was not sent, as data.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::purpose::{Purpose, Requirement};
use crate::model::ChannelKind;

/// Why a notification was not sent. Nothing was sent for it; the host gets
/// an [`Action::NotificationRefused`](crate::engine::Action::NotificationRefused)
/// and the audit log an
/// [`EventKind::NotificationRefused`](crate::engine::EventKind::NotificationRefused),
/// each with the channels tried and why each was passed over.
///
/// ```
/// use switchboard::ChannelKind;
/// use switchboard::notify::Refusal;
///
/// let r = Refusal::OptedOut { channel: ChannelKind::Sms };
/// assert_eq!(r.to_string(), "the customer opted out of sms");
/// assert_eq!(serde_json::to_string(&r)?, r#"{"reason":"opted_out","channel":"sms"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// Every channel the customer could be reached on is opted out (STOP,
    /// an unsubscribe, an opt-out for this purpose).
    #[error("the customer opted out of {channel}")]
    OptedOut {
        /// The first channel tried.
        channel: ChannelKind,
    },
    /// The purpose needs an opt-in (or its confirmation) that is not on
    /// record.
    #[error("no consent for {purpose} messages on {channel}: it needs {}", needs.as_str())]
    NoConsent {
        /// The first channel that lacks it.
        channel: ChannelKind,
        /// The purpose.
        purpose: Purpose,
        /// What the channel's policy needs.
        needs: Requirement,
    },
    /// No channel can carry it: no address, no consent policy, a closed
    /// reply window with no template, or no text for a channel without
    /// templates.
    #[error("no channel can reach the customer with it")]
    NoReachableChannel,
    /// A frequency cap is reached: the excess is held back.
    #[error("capped: at most {max} {scope} message(s) per {}", crate::config::duration::format(*per))]
    Capped {
        /// Which cap.
        scope: CapScope,
        /// Its limit.
        max: u32,
        /// Its window.
        #[serde(with = "crate::config::duration::serde_str")]
        per: Duration,
    },
}

/// Which frequency cap held a notification back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cap", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CapScope {
    /// The cap on a purpose per contact (`[notifications.caps]`).
    Purpose {
        /// The purpose.
        purpose: Purpose,
    },
    /// The cap on a campaign per contact (`[campaigns.<id>] max`).
    Campaign {
        /// The campaign.
        campaign: String,
    },
}

impl std::fmt::Display for CapScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CapScope::Purpose { purpose } => write!(f, "{purpose}"),
            CapScope::Campaign { campaign } => write!(f, "`{campaign}` campaign"),
        }
    }
}

/// One channel passed over while choosing where to send, and why.
///
/// ```
/// use switchboard::ChannelKind;
/// use switchboard::notify::{Skip, SkipReason};
///
/// let s = Skip::new(ChannelKind::WhatsApp, SkipReason::WindowClosed);
/// assert_eq!(serde_json::to_string(&s)?, r#"{"channel":"whatsapp","why":"window_closed"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Skip {
    /// The channel.
    pub channel: ChannelKind,
    /// Why it was passed over.
    pub why: SkipReason,
}

impl Skip {
    /// `channel` passed over for `why`.
    pub fn new(channel: ChannelKind, why: SkipReason) -> Skip {
        Skip { channel, why }
    }
}

/// Why a channel was passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// The contact has no address on it.
    NoAddress,
    /// It has no consent policy: a business cannot write first there.
    NoPolicy,
    /// The address opted out (of the channel or of this purpose).
    OptedOut,
    /// The purpose needs an opt-in that is not on record.
    NoOptIn,
    /// The opt-in waits for the customer's confirmation.
    Pending,
    /// The reply window is closed and there is no template for it.
    WindowClosed,
    /// There is only a template, and the channel has no templates.
    NoText,
    /// The channel cannot carry the message (see the
    /// [`NotSent`](crate::engine::EventKind::NotSent) reason).
    Unrenderable,
}

/// The headline reason for a refusal after every channel in `tried` was
/// passed over: opted out when every reachable channel is, missing
/// consent when that is what stopped the first channel that did not
/// opt out, else unreachable.
pub(crate) fn headline(
    tried: &[Skip],
    purpose: Purpose,
    needs: impl Fn(&ChannelKind) -> Requirement,
) -> Refusal {
    let reachable: Vec<&Skip> = tried
        .iter()
        .filter(|s| !matches!(s.why, SkipReason::NoAddress | SkipReason::NoPolicy))
        .collect();
    if let Some(first) = reachable.first()
        && reachable.iter().all(|s| s.why == SkipReason::OptedOut)
    {
        return Refusal::OptedOut {
            channel: first.channel.clone(),
        };
    }
    match reachable.iter().find(|s| s.why != SkipReason::OptedOut) {
        Some(s) if matches!(s.why, SkipReason::NoOptIn | SkipReason::Pending) => {
            Refusal::NoConsent {
                channel: s.channel.clone(),
                purpose,
                needs: needs(&s.channel),
            }
        }
        _ => Refusal::NoReachableChannel,
    }
}
