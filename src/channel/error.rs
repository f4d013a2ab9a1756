//! Why a send failed, and whether to try again.

use crate::model::{Address, AddressError, ChannelKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Why a channel could not send a message.
///
/// The variants tell a driver what to do: [`Transient`](Self::Transient) and
/// [`RateLimited`](Self::RateLimited) are worth retrying (after
/// [`retry_after`](Self::retry_after) when the provider said so); every other
/// variant is permanent for this message and must not be retried as is.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::channel::ChannelError;
///
/// let busy = ChannelError::RateLimited { retry_after: Some(Duration::from_secs(2)) };
/// assert!(busy.is_retryable());
/// assert_eq!(busy.retry_after(), Some(Duration::from_secs(2)));
///
/// let closed = ChannelError::WindowClosed;
/// assert!(!closed.is_retryable());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ChannelError {
    /// A passing failure (network error, provider 5xx): retry with backoff.
    #[error("temporary failure: {message}; retry later")]
    Transient {
        /// What the provider or network said.
        message: String,
        /// How long the provider asked to wait, when it said (milliseconds on
        /// the wire).
        #[serde(
            default,
            with = "crate::model::opt_duration_ms",
            skip_serializing_if = "Option::is_none"
        )]
        retry_after: Option<Duration>,
    },
    /// The provider's rate limit was hit: retry after the given delay, or
    /// with backoff.
    #[error("rate limited by the provider; retry later")]
    RateLimited {
        /// How long the provider asked to wait, when it said (milliseconds on
        /// the wire).
        #[serde(
            default,
            with = "crate::model::opt_duration_ms",
            skip_serializing_if = "Option::is_none"
        )]
        retry_after: Option<Duration>,
    },
    /// The recipient's address is not valid for this channel.
    #[error("invalid recipient: {error}")]
    InvalidAddress {
        /// What is wrong with the address.
        #[from]
        error: AddressError,
    },
    /// The channel's reply window is closed: only a template can be sent
    /// until the customer writes again.
    #[error(
        "the reply window is closed: send an approved template, or wait for the customer to write"
    )]
    WindowClosed,
    /// The recipient has opted out of messages on this channel.
    #[error(
        "{address} has opted out of {channel} messages; nothing may be sent until they opt in again (for SMS, by replying START)"
    )]
    OptedOut {
        /// The channel opted out of.
        channel: ChannelKind,
        /// The recipient.
        address: Address,
    },
    /// The provider refused the message for good (content policy, blocked
    /// number, unsupported media, too long).
    #[error("rejected by the provider{}: {message}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Rejected {
        /// The provider's error code, when it gave one.
        code: Option<String>,
        /// What the provider said.
        message: String,
    },
}

impl ChannelError {
    /// True for failures worth retrying: transient errors and rate limits.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ChannelError::Transient { .. } | ChannelError::RateLimited { .. }
        )
    }

    /// How long the provider asked to wait before retrying, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ChannelError::Transient { retry_after, .. }
            | ChannelError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_and_rate_limited_are_retryable() {
        let permanent = [
            ChannelError::InvalidAddress {
                error: AddressError::Empty {
                    channel: ChannelKind::Sms,
                },
            },
            ChannelError::WindowClosed,
            ChannelError::OptedOut {
                channel: ChannelKind::Sms,
                address: Address::new_unchecked("+14155550100"),
            },
            ChannelError::Rejected {
                code: Some("21610".into()),
                message: "unsubscribed".into(),
            },
        ];
        for e in &permanent {
            assert!(!e.is_retryable(), "{e}");
            assert_eq!(e.retry_after(), None);
        }
        let t = ChannelError::Transient {
            message: "502".into(),
            retry_after: None,
        };
        assert!(t.is_retryable());
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = ChannelError::Rejected {
            code: Some("63016".into()),
            message: "outside window".into(),
        };
        assert_eq!(
            e.to_string(),
            "rejected by the provider (63016): outside window"
        );
        let e = ChannelError::OptedOut {
            channel: ChannelKind::Sms,
            address: Address::new_unchecked("+14155550100"),
        };
        assert!(e.to_string().contains("START"));
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    #[test]
    fn errors_have_a_tagged_json_form() {
        let e = ChannelError::Transient {
            message: "503".into(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"type":"transient","message":"503","retry_after":1500}"#
        );
        assert_eq!(serde_json::from_str::<ChannelError>(&json).unwrap(), e);
        let e = ChannelError::InvalidAddress {
            error: AddressError::Empty {
                channel: ChannelKind::Sms,
            },
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"type":"invalid_address","error":{"type":"empty","channel":"sms"}}"#
        );
        assert_eq!(serde_json::from_str::<ChannelError>(&json).unwrap(), e);
    }
}
