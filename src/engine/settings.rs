//! The engine's copy of `[conversations]`, as the configuration resolved
//! it (defaults applied).

use std::time::Duration;

use crate::config::Config;
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
        let c = config.conversation_settings();
        Settings {
            across_channels: c.across_channels,
            max_text: c.max_text,
            transcript_messages: c.transcript_messages,
            transcript_bytes: c.transcript_bytes,
            inactivity: c.inactivity_timeout,
            reopen: c.reopen_window,
            hold: c.hold_timeout,
            no_agent: c.no_agent_timeout,
            notice_interval: c.notice_interval,
            sticky: c.sticky_agent,
            contact_retention: c.contact_retention,
            csat: c.csat,
            fallback_queue: c.fallback_queue.clone(),
        }
    }

    pub(crate) fn transcript(&self) -> Transcript {
        Transcript::new(self.transcript_messages, self.transcript_bytes)
    }
}
