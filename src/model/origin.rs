//! Who started a conversation: the customer, a business notification, or
//! a proactive invitation.

use serde::{Deserialize, Serialize};

/// Who started a conversation. Rules read it as `conversation.origin`
/// (`"customer"`, `"notification"` or `"invitation"`) and
/// `conversation.campaign` (the notification's campaign, or the
/// invitation's id), so replies to a "your delivery is late" notice can be
/// routed to the queue that handles deliveries.
///
/// On the wire it is tagged by `"kind"`:
///
/// ```
/// use switchboard::Origin;
///
/// let o = Origin::notification(Some("delays".into()), Some("n-42".into()));
/// assert_eq!(o.name(), "notification");
/// assert_eq!(o.campaign(), Some("delays"));
/// assert_eq!(
///     serde_json::to_string(&o)?,
///     r#"{"kind":"notification","campaign":"delays","notification":"n-42"}"#
/// );
/// assert_eq!(Origin::default().name(), "customer");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Origin {
    /// The customer wrote first.
    #[default]
    Customer,
    /// The customer answered a notification the business sent.
    Notification {
        /// The notification's campaign, when it had one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign: Option<String>,
        /// The host's id for the notification, when it gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notification: Option<String>,
    },
    /// The visitor accepted a proactive invitation.
    Invitation {
        /// The invitation's id in the configuration.
        invitation: String,
    },
}

/// The names `conversation.origin` takes, for checking literals in rules.
pub(crate) const ORIGIN_NAMES: [&str; 3] = ["customer", "notification", "invitation"];

impl Origin {
    /// A notification's origin.
    pub fn notification(campaign: Option<String>, notification: Option<String>) -> Origin {
        Origin::Notification {
            campaign,
            notification,
        }
    }

    /// An invitation's origin.
    pub fn invitation(invitation: impl Into<String>) -> Origin {
        Origin::Invitation {
            invitation: invitation.into(),
        }
    }

    /// What `conversation.origin` reads: `"customer"`, `"notification"` or
    /// `"invitation"`.
    pub fn name(&self) -> &'static str {
        match self {
            Origin::Customer => ORIGIN_NAMES[0],
            Origin::Notification { .. } => ORIGIN_NAMES[1],
            Origin::Invitation { .. } => ORIGIN_NAMES[2],
        }
    }

    /// What `conversation.campaign` reads: the notification's campaign or
    /// the invitation's id.
    pub fn campaign(&self) -> Option<&str> {
        match self {
            Origin::Customer => None,
            Origin::Notification { campaign, .. } => campaign.as_deref(),
            Origin::Invitation { invitation } => Some(invitation),
        }
    }
}
