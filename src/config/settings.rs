//! The defaults of unset settings.

use std::time::Duration;

/// Phrases that ask for a human in every configuration, before
/// `[escalation] phrases` adds more. A phrase edge that is an ASCII letter
/// or digit must fall on a word boundary ("agent" does not fire on
/// "agenda"); other edges match anywhere, so Chinese phrases match inside
/// longer text.
pub const DEFAULT_HUMAN_PHRASES: [&str; 9] = [
    "agent",
    "human",
    "representative",
    "person",
    "operator",
    "人工",
    "转人工",
    "客服",
    "真人",
];

/// Consecutive bot fallbacks that escalate when `[escalation]
/// max_fallbacks` is not set.
pub const DEFAULT_MAX_FALLBACKS: u32 = 2;

/// Offers an agent may let expire in a row before being set away when
/// `[assignment] max_missed_offers` is not set.
pub const DEFAULT_MAX_MISSED_OFFERS: u32 = 3;

/// How long an agent has to accept an offer when a queue's
/// `offer_timeout` is not set.
pub const DEFAULT_OFFER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a conversation waits for its preferred agent when
/// `[assignment] preferred_wait` is not set.
pub const DEFAULT_PREFERRED_WAIT: Duration = Duration::from_secs(60);

/// Most bytes of text in one message when `[conversations] max_text` is
/// not set.
pub const DEFAULT_MAX_TEXT: u32 = 8 * 1024;

/// Messages a transcript keeps when `[conversations] transcript_messages`
/// is not set.
pub const DEFAULT_TRANSCRIPT_MESSAGES: u32 = 200;

/// Bytes of text a transcript keeps when `[conversations]
/// transcript_bytes` is not set.
pub const DEFAULT_TRANSCRIPT_BYTES: u32 = 64 * 1024;

/// Customer silence that closes a conversation when `[conversations]
/// inactivity_timeout` is not set.
pub const DEFAULT_INACTIVITY_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How long a closed conversation can be reopened when `[conversations]
/// reopen_window` is not set.
pub const DEFAULT_REOPEN_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// How long a conversation on hold waits for the customer when
/// `[conversations] hold_timeout` is not set.
pub const DEFAULT_HOLD_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// The shortest time between two queue updates when `[conversations]
/// notice_interval` is not set.
pub const DEFAULT_NOTICE_INTERVAL: Duration = Duration::from_secs(120);

/// How long a contact's last agent stays preferred when `[conversations]
/// sticky_agent` is not set.
pub const DEFAULT_STICKY_AGENT: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long a contact with no conversation left is kept when
/// `[conversations] contact_retention` is not set.
///
/// The engine's contacts are its working set, not a customer database:
/// the host's CRM keeps customers for good and passes what matters (a
/// contact id, attributes) with each inbound message. Forgetting idle
/// contacts keeps a long-running engine's memory bounded by its traffic
/// rather than by every visitor it ever saw. STOP opt-outs are kept apart
/// and are never forgotten.
pub const DEFAULT_CONTACT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long a bot has to answer when its `timeout` is not set.
pub const DEFAULT_BOT_TIMEOUT: Duration = Duration::from_secs(10);
