//! The identifier of an invitation.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Identifies one `[[invitations]]` entry of the configuration: the `id`
/// that [`Action::Invite`](crate::engine::Action::Invite), the invitation
/// events, a conversation's `invitation:<id>` tag and
/// `conversation.campaign` name.
///
/// Like the crate's other ids it is an opaque, shared string; on the wire
/// a plain JSON string.
///
/// ```
/// use switchboard::invite::InvitationId;
///
/// let id = InvitationId::new("pricing-help");
/// assert_eq!(id.as_str(), "pricing-help");
/// assert_eq!(serde_json::to_string(&id)?, r#""pricing-help""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InvitationId(Arc<str>);

impl InvitationId {
    /// Wraps an invitation's id.
    pub fn new(id: impl Into<String>) -> Self {
        InvitationId(Arc::from(id.into()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvitationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for InvitationId {
    fn from(id: &str) -> Self {
        InvitationId::new(id)
    }
}

impl From<String> for InvitationId {
    fn from(id: String) -> Self {
        InvitationId(Arc::from(id))
    }
}

impl AsRef<str> for InvitationId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
