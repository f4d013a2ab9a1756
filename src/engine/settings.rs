//! `[conversations]` with its defaults filled in.

use std::time::Duration;

use crate::config::{
    Config, DEFAULT_CONTACT_RETENTION, DEFAULT_HOLD_TIMEOUT, DEFAULT_INACTIVITY_TIMEOUT,
    DEFAULT_MAX_TEXT, DEFAULT_NOTICE_INTERVAL, DEFAULT_REOPEN_WINDOW, DEFAULT_STICKY_AGENT,
    DEFAULT_TRANSCRIPT_BYTES, DEFAULT_TRANSCRIPT_MESSAGES,
};
use crate::handoff::Transcript;
use crate::model::QueueId;

/// The engine's settings, resolved from a configuration.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) across_channels: bool,
    pub(crate) max_text: u32,
    pub(crate) transcript_messages: u32,
    pub(crate) transcript_bytes: u32,
    pub(crate) inactivity: Duration,
    pub(crate) reopen: Duration,
    pub(crate) hold: Duration,
    pub(crate) no_agent: Option<Duration>,
    pub(crate) notice_interval: Duration,
    pub(crate) sticky: Duration,
    /// How long an idle contact is kept: `contact_retention`, at least
    /// `sticky_agent`.
    pub(crate) contact_retention: Duration,
    pub(crate) csat: bool,
    /// Where conversations of removed queues go on reconfiguration.
    pub(crate) fallback_queue: Option<QueueId>,
}

impl Settings {
    pub(crate) fn from_config(config: &Config) -> Settings {
        let c = config.conversations();
        let sticky = c.sticky_agent.unwrap_or(DEFAULT_STICKY_AGENT);
        Settings {
            across_channels: c.across_channels.unwrap_or(true),
            max_text: c.max_text.unwrap_or(DEFAULT_MAX_TEXT),
            transcript_messages: c.transcript_messages.unwrap_or(DEFAULT_TRANSCRIPT_MESSAGES),
            transcript_bytes: c.transcript_bytes.unwrap_or(DEFAULT_TRANSCRIPT_BYTES),
            inactivity: c.inactivity_timeout.unwrap_or(DEFAULT_INACTIVITY_TIMEOUT),
            reopen: c.reopen_window.unwrap_or(DEFAULT_REOPEN_WINDOW),
            hold: c.hold_timeout.unwrap_or(DEFAULT_HOLD_TIMEOUT),
            no_agent: c.no_agent_timeout,
            notice_interval: c.notice_interval.unwrap_or(DEFAULT_NOTICE_INTERVAL),
            sticky,
            contact_retention: c
                .contact_retention
                .unwrap_or(DEFAULT_CONTACT_RETENTION)
                .max(sticky),
            csat: c.csat.unwrap_or(false),
            fallback_queue: c
                .fallback_queue
                .clone()
                .map(QueueId::new)
                .or_else(|| config.escalation_queue().cloned()),
        }
    }

    pub(crate) fn transcript(&self) -> Transcript {
        Transcript::new(self.transcript_messages, self.transcript_bytes)
    }
}
