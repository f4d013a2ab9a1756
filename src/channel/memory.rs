//! An in-memory channel for tests and examples.

use super::error::ChannelError;
use super::outbound::{Outbound, SendReceipt};
use super::{Capabilities, Channel};
use crate::model::{Address, ChannelKind};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A message a [`MemoryChannel`] accepted.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sent {
    /// The recipient.
    pub to: Address,
    /// What was sent.
    pub outbound: Outbound,
    /// The receipt returned for it.
    pub receipt: SendReceipt,
}

/// A [`Channel`] that keeps what it is sent in memory and can be told to
/// fail, for tests and examples.
///
/// It behaves like a strict provider: it refuses addresses that are not
/// valid and canonical for its kind ([`ChannelError::InvalidAddress`]) and
/// text over its capabilities' limit or more quick replies than it shows
/// ([`ChannelError::Rejected`]), so a test catches content that was not
/// rendered for the channel. Failures queued with
/// [`fail_next`](Self::fail_next) are returned by the next sends, one each.
///
/// # Examples
///
/// ```
/// use switchboard::{Address, ChannelKind};
/// use switchboard::channel::{Channel, ChannelError, MemoryChannel, Outbound};
///
/// let sms = MemoryChannel::new(ChannelKind::Sms);
/// let to = Address::new(&ChannelKind::Sms, "+14155550100").unwrap();
///
/// sms.fail_next(ChannelError::Transient { message: "503".into(), retry_after: None });
/// let first = pollster::block_on(sms.send(&to, &Outbound::text("hi")));
/// assert!(first.unwrap_err().is_retryable());
///
/// let receipt = pollster::block_on(sms.send(&to, &Outbound::text("hi"))).unwrap();
/// assert_eq!(sms.sent().len(), 1);
/// assert_eq!(sms.sent()[0].receipt, receipt);
/// ```
#[derive(Debug)]
pub struct MemoryChannel {
    kind: ChannelKind,
    caps: Capabilities,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    sent: Vec<Sent>,
    failures: VecDeque<ChannelError>,
    next_id: u64,
}

impl MemoryChannel {
    /// A channel of `kind` with that kind's preset capabilities.
    pub fn new(kind: ChannelKind) -> Self {
        let caps = Capabilities::for_kind(&kind);
        MemoryChannel::with_capabilities(kind, caps)
    }

    /// A channel of `kind` with the given capabilities.
    pub fn with_capabilities(kind: ChannelKind, caps: Capabilities) -> Self {
        MemoryChannel {
            kind,
            caps,
            state: Mutex::new(State::default()),
        }
    }

    /// Makes the next send that passes validation fail with `error`. Calls
    /// queue up: each failure is used once, in order.
    pub fn fail_next(&self, error: ChannelError) {
        self.lock().failures.push_back(error);
    }

    /// Everything accepted so far, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.lock().sent.clone()
    }

    /// Everything accepted so far, clearing the record.
    pub fn take_sent(&self) -> Vec<Sent> {
        std::mem::take(&mut self.lock().sent)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic in
        // another test thread leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn validate(&self, to: &Address, out: &Outbound) -> Result<(), ChannelError> {
        to.check(&self.kind)?;
        if let Outbound::Text {
            text,
            quick_replies,
        } = out
        {
            if let Some(limit) = self.caps.text_limit {
                let used = limit.unit.measure(text);
                if used > limit.max {
                    return Err(ChannelError::Rejected {
                        code: Some("too_long".into()),
                        message: format!(
                            "text is {used} {:?} units; the limit is {}",
                            limit.unit, limit.max
                        ),
                    });
                }
            }
            let shown = self.caps.quick_replies.map_or(0, |q| q.max_options);
            if quick_replies.len() > shown {
                return Err(ChannelError::Rejected {
                    code: Some("quick_replies".into()),
                    message: format!(
                        "{} quick replies; this channel shows {shown}",
                        quick_replies.len()
                    ),
                });
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Channel for MemoryChannel {
    fn kind(&self) -> ChannelKind {
        self.kind.clone()
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError> {
        self.validate(to, out)?;
        let mut state = self.lock();
        if let Some(err) = state.failures.pop_front() {
            return Err(err);
        }
        state.next_id += 1;
        let receipt = SendReceipt::new(format!("mem-{}-{}", self.kind, state.next_id));
        state.sent.push(Sent {
            to: to.clone(),
            outbound: out.clone(),
            receipt: receipt.clone(),
        });
        Ok(receipt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QuickReply;
    use pollster::block_on;

    fn to() -> Address {
        Address::new(&ChannelKind::Sms, "+14155550100").unwrap()
    }

    #[test]
    fn failures_are_used_once_each_in_order() {
        let ch = MemoryChannel::new(ChannelKind::Sms);
        ch.fail_next(ChannelError::RateLimited { retry_after: None });
        ch.fail_next(ChannelError::WindowClosed);
        let out = Outbound::text("x");
        assert!(matches!(
            block_on(ch.send(&to(), &out)),
            Err(ChannelError::RateLimited { .. })
        ));
        assert_eq!(
            block_on(ch.send(&to(), &out)),
            Err(ChannelError::WindowClosed)
        );
        assert!(block_on(ch.send(&to(), &out)).is_ok());
        assert_eq!(ch.take_sent().len(), 1);
        assert!(ch.sent().is_empty());
    }

    #[test]
    fn invalid_addresses_are_refused_before_failures_are_used() {
        let ch = MemoryChannel::new(ChannelKind::Sms);
        ch.fail_next(ChannelError::WindowClosed);
        let bad = Address::new_unchecked("not a number");
        assert!(matches!(
            block_on(ch.send(&bad, &Outbound::text("x"))),
            Err(ChannelError::InvalidAddress { .. })
        ));
        assert_eq!(
            block_on(ch.send(&to(), &Outbound::text("x"))),
            Err(ChannelError::WindowClosed)
        );
    }

    #[test]
    fn unrendered_content_is_rejected() {
        let ch = MemoryChannel::new(ChannelKind::Sms);
        let long = Outbound::text("a".repeat(153 * 10 + 1));
        assert!(matches!(
            block_on(ch.send(&to(), &long)),
            Err(ChannelError::Rejected { .. })
        ));
        let buttons = Outbound::Text {
            text: "Pick".into(),
            quick_replies: vec![QuickReply::new("A", "a")],
        };
        assert!(matches!(
            block_on(ch.send(&to(), &buttons)),
            Err(ChannelError::Rejected { .. })
        ));
        assert!(ch.sent().is_empty());
    }

    #[test]
    fn receipts_are_unique() {
        let ch = MemoryChannel::new(ChannelKind::Sms);
        let a = block_on(ch.send(&to(), &Outbound::text("1"))).unwrap();
        let b = block_on(ch.send(&to(), &Outbound::text("2"))).unwrap();
        assert_ne!(a, b);
    }
}
