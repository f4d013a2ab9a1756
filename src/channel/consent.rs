//! Opt-in consent per address and channel, and the SMS keywords that change
//! it (STOP, START, HELP).
//!
//! Carriers and providers require that a customer who replies STOP gets no
//! more messages until they reply START. This module keeps that state and
//! refuses sends to opted-out addresses, so a bug elsewhere cannot message
//! someone who said stop.
//!
//! Keyword rules follow Twilio's documented defaults and CTIA practice:
//!
//! * Only a **whole message** that is a keyword counts: `STOP` opts out,
//!   `Please stop sending me offers` does not.
//! * Matching ignores case (Unicode lower-casing), full-width forms (`ＳＴＯＰ`
//!   from a CJK keyboard), surrounding white space and any surrounding
//!   characters that are not letters or digits (`STOP.`, `"stop"`, `STOP!!`,
//!   `stop 🙏`), and runs of inner white space (`stop  all`).
//! * Opt-in keywords (START, YES, UNSTOP) only act on an address that has
//!   opted out; otherwise `YES` is just an answer and is left alone.
//! * HELP and INFO are reported so the host can send its help message;
//!   Twilio sends none to an opted-out address, and the event says whether
//!   the sender is opted out.
//!
//! Keywords apply to the channels listed in [`ConsentKeywords::channels`]
//! (SMS by default): on chat channels a lone "stop" is more often part of a
//! conversation than a legal opt-out.
//!
//! # Examples
//!
//! ```
//! use switchboard::{Address, ChannelKind, Timestamp};
//! use switchboard::channel::consent::{ConsentEvent, ConsentRegistry};
//!
//! let mut consent = ConsentRegistry::default();
//! let ana = Address::new(&ChannelKind::Sms, "+14155550100").unwrap();
//! let now = Timestamp::from_millis(1_000);
//!
//! assert_eq!(consent.on_inbound(&ChannelKind::Sms, &ana, "Stop.", now), Some(ConsentEvent::OptedOut { repeated: false }));
//! assert!(consent.check_send(&ChannelKind::Sms, &ana).is_err());
//!
//! assert_eq!(consent.on_inbound(&ChannelKind::Sms, &ana, "START", now), Some(ConsentEvent::OptedIn));
//! assert!(consent.check_send(&ChannelKind::Sms, &ana).is_ok());
//!
//! // A keyword inside a sentence is an ordinary message.
//! assert_eq!(consent.on_inbound(&ChannelKind::Sms, &ana, "please stop the delivery", now), None);
//! ```

use super::error::ChannelError;
use super::outbound::{Outbound, SendReceipt};
use super::{Capabilities, Channel};
use crate::model::{Address, ChannelKind, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

/// What a whole-message keyword asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Keyword {
    /// Stop all messages (STOP, UNSUBSCRIBE, 退订, …).
    OptOut,
    /// Resume messages (START, YES, UNSTOP).
    OptIn,
    /// Send the help message (HELP, INFO).
    Help,
}

/// The keyword lists and the channels they apply to.
///
/// The default lists are Twilio's current defaults, plus `退订` and `TD`,
/// the unsubscribe replies required for SMS in mainland China:
///
/// | class | keywords |
/// |---|---|
/// | opt-out | STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, 退订, TD |
/// | opt-in | START, YES, UNSTOP |
/// | help | HELP, INFO |
///
/// # Examples
///
/// ```
/// use switchboard::channel::consent::{ConsentKeywords, Keyword};
///
/// let kw = ConsentKeywords::default().with_opt_out(["ARRET", "stop all"]);
/// assert_eq!(kw.classify("Arrêt"), None); // accents are not folded
/// assert_eq!(kw.classify("arret"), Some(Keyword::OptOut));
/// assert_eq!(kw.classify("STOP   ALL"), Some(Keyword::OptOut));
/// assert_eq!(kw.classify("ＳＴＯＰ"), Some(Keyword::OptOut));
/// assert_eq!(kw.classify("help?"), Some(Keyword::Help));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentKeywords {
    /// Messages that opt the sender out.
    pub opt_out: Vec<String>,
    /// Messages that opt a previously opted-out sender back in.
    pub opt_in: Vec<String>,
    /// Messages that ask for help.
    pub help: Vec<String>,
    /// The channels on which keywords are acted upon.
    pub channels: Vec<ChannelKind>,
}

impl Default for ConsentKeywords {
    fn default() -> Self {
        let words = |list: &[&str]| list.iter().map(|w| normalize(w)).collect();
        ConsentKeywords {
            opt_out: words(&[
                "STOP",
                "STOPALL",
                "UNSUBSCRIBE",
                "CANCEL",
                "END",
                "QUIT",
                "REVOKE",
                "OPTOUT",
                "退订",
                "TD",
            ]),
            opt_in: words(&["START", "YES", "UNSTOP"]),
            help: words(&["HELP", "INFO"]),
            channels: vec![ChannelKind::Sms],
        }
    }
}

impl ConsentKeywords {
    /// Adds opt-out keywords.
    #[must_use]
    pub fn with_opt_out<S: AsRef<str>>(mut self, words: impl IntoIterator<Item = S>) -> Self {
        self.opt_out
            .extend(words.into_iter().map(|w| normalize(w.as_ref())));
        self
    }

    /// Adds opt-in keywords.
    #[must_use]
    pub fn with_opt_in<S: AsRef<str>>(mut self, words: impl IntoIterator<Item = S>) -> Self {
        self.opt_in
            .extend(words.into_iter().map(|w| normalize(w.as_ref())));
        self
    }

    /// Adds help keywords.
    #[must_use]
    pub fn with_help<S: AsRef<str>>(mut self, words: impl IntoIterator<Item = S>) -> Self {
        self.help
            .extend(words.into_iter().map(|w| normalize(w.as_ref())));
        self
    }

    /// Sets the channels on which keywords act.
    #[must_use]
    pub fn on_channels(mut self, channels: impl IntoIterator<Item = ChannelKind>) -> Self {
        self.channels = channels.into_iter().collect();
        self
    }

    /// The keyword class of a whole message, if it is one. Opt-out wins when a
    /// word is configured in several classes.
    pub fn classify(&self, text: &str) -> Option<Keyword> {
        // Keywords are short; a long message is never one, and is not folded.
        if text.len() > MAX_KEYWORD_MESSAGE {
            return None;
        }
        // A message of only punctuation and white space is never a keyword.
        folded(text).next()?;
        // Compare folded character streams: no allocation per keyword, and
        // keywords set directly on the public fields are folded too.
        let is = |list: &[String]| list.iter().any(|w| folded(w).eq(folded(text)));
        if is(&self.opt_out) {
            Some(Keyword::OptOut)
        } else if is(&self.opt_in) {
            Some(Keyword::OptIn)
        } else if is(&self.help) {
            Some(Keyword::Help)
        } else {
            None
        }
    }
}

/// Longest message, in bytes, that is checked for keywords.
const MAX_KEYWORD_MESSAGE: usize = 256;

/// Folds a message or keyword for comparison: trims surrounding characters
/// that are not letters or digits, maps full-width ASCII to ASCII, collapses
/// inner white space to one space and lower-cases.
///
/// Trimming before the full-width mapping gives the same result as after it:
/// full-width letters and digits are alphanumeric, full-width punctuation and
/// the ideographic space are not.
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    let mut after_space = false;
    s.trim_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .filter_map(move |c| {
            if c.is_whitespace() {
                let first = !after_space;
                after_space = true;
                first.then_some(' ')
            } else {
                after_space = false;
                match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
                    c => Some(c),
                }
            }
        })
        .flat_map(char::to_lowercase)
}

/// A keyword in the folded form it is stored in.
fn normalize(s: &str) -> String {
    folded(s).collect()
}

/// Whether an address has opted in or out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentState {
    /// The address agreed to receive messages.
    OptedIn,
    /// The address asked to receive no messages.
    OptedOut,
}

/// The consent of one address on one channel, and when it last changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRecord {
    /// The current state.
    pub state: ConsentState,
    /// When it was set.
    pub since: Timestamp,
}

/// What an inbound message did to consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentEvent {
    /// The sender opted out; `repeated` when they already had. Providers
    /// expect one confirmation message, then silence.
    OptedOut {
        /// The sender had already opted out.
        repeated: bool,
    },
    /// A previously opted-out sender opted back in.
    OptedIn,
    /// The sender asked for help. Send the help message unless `opted_out`.
    Help {
        /// The sender is currently opted out.
        opted_out: bool,
    },
}

/// Consent state per channel and address.
///
/// Addresses with no record have neither opted in nor out and may receive
/// replies; this crate sends only replies within conversations the customer
/// started, for which that is the providers' rule. The registry serializes
/// with its records, so it belongs in a host's snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRegistry {
    /// The keyword lists in force.
    pub keywords: ConsentKeywords,
    records: BTreeMap<ChannelKind, BTreeMap<Address, ConsentRecord>>,
}

impl ConsentRegistry {
    /// A registry that acts on `keywords`.
    pub fn new(keywords: ConsentKeywords) -> Self {
        ConsentRegistry {
            keywords,
            records: BTreeMap::new(),
        }
    }

    /// Applies an inbound message: if the whole message is a keyword on a
    /// channel that keywords apply to, updates the sender's consent and says
    /// what happened. Returns `None` for ordinary messages.
    pub fn on_inbound(
        &mut self,
        channel: &ChannelKind,
        from: &Address,
        text: &str,
        now: Timestamp,
    ) -> Option<ConsentEvent> {
        if !self.keywords.channels.contains(channel) {
            return None;
        }
        let opted_out = self.is_opted_out(channel, from);
        match self.keywords.classify(text)? {
            Keyword::OptOut => {
                if !opted_out {
                    self.set(channel, from, ConsentState::OptedOut, now);
                }
                Some(ConsentEvent::OptedOut {
                    repeated: opted_out,
                })
            }
            Keyword::OptIn if opted_out => {
                self.set(channel, from, ConsentState::OptedIn, now);
                Some(ConsentEvent::OptedIn)
            }
            Keyword::OptIn => None,
            Keyword::Help => Some(ConsentEvent::Help { opted_out }),
        }
    }

    /// Records consent given or withdrawn outside a message (a web form, a
    /// checkbox at checkout, a request to an agent).
    pub fn set(
        &mut self,
        channel: &ChannelKind,
        address: &Address,
        state: ConsentState,
        now: Timestamp,
    ) {
        self.records
            .entry(channel.clone())
            .or_default()
            .insert(address.clone(), ConsentRecord { state, since: now });
    }

    /// The consent recorded for an address, if any.
    pub fn get(&self, channel: &ChannelKind, address: &Address) -> Option<ConsentRecord> {
        self.records.get(channel)?.get(address).copied()
    }

    /// True if the address has opted out of the channel.
    pub fn is_opted_out(&self, channel: &ChannelKind, address: &Address) -> bool {
        self.get(channel, address)
            .is_some_and(|r| r.state == ConsentState::OptedOut)
    }

    /// Whether a message may be sent to `to` on `channel`.
    ///
    /// # Errors
    ///
    /// [`ChannelError::OptedOut`] when the address has opted out.
    pub fn check_send(&self, channel: &ChannelKind, to: &Address) -> Result<(), ChannelError> {
        if self.is_opted_out(channel, to) {
            Err(ChannelError::OptedOut {
                channel: channel.clone(),
                address: to.clone(),
            })
        } else {
            Ok(())
        }
    }
}

/// A [`Channel`] wrapper that refuses to send to opted-out addresses.
///
/// The registry is shared, so the code that handles inbound messages and the
/// code that sends see the same state. Composes with any channel, as a
/// `tower` layer does.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use switchboard::{Address, ChannelKind, Timestamp};
/// use switchboard::channel::{Channel, ChannelError, MemoryChannel, Outbound};
/// use switchboard::channel::consent::{ConsentGuard, ConsentRegistry};
///
/// let registry = Arc::new(RwLock::new(ConsentRegistry::default()));
/// let sms = ConsentGuard::new(MemoryChannel::new(ChannelKind::Sms), registry.clone());
/// let to = Address::new(&ChannelKind::Sms, "+14155550100").unwrap();
///
/// registry.write().unwrap().on_inbound(&ChannelKind::Sms, &to, "STOP", Timestamp::from_millis(0));
/// let sent = pollster::block_on(sms.send(&to, &Outbound::text("Your order shipped")));
/// assert!(matches!(sent, Err(ChannelError::OptedOut { .. })));
/// assert!(sms.inner().sent().is_empty());
/// ```
#[derive(Debug)]
pub struct ConsentGuard<C> {
    inner: C,
    registry: Arc<RwLock<ConsentRegistry>>,
}

impl<C> ConsentGuard<C> {
    /// Guards `inner` with the shared `registry`.
    pub fn new(inner: C, registry: Arc<RwLock<ConsentRegistry>>) -> Self {
        ConsentGuard { inner, registry }
    }

    /// The wrapped channel.
    pub fn inner(&self) -> &C {
        &self.inner
    }
}

#[async_trait::async_trait]
impl<C: Channel> Channel for ConsentGuard<C> {
    fn kind(&self) -> ChannelKind {
        self.inner.kind()
    }

    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }

    async fn send(&self, to: &Address, out: &Outbound) -> Result<SendReceipt, ChannelError> {
        // A poisoned lock still holds valid consent data; refusing to read it
        // would block every send.
        self.registry
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .check_send(&self.inner.kind(), to)?;
        self.inner.send(to, out).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sms() -> ChannelKind {
        ChannelKind::Sms
    }

    fn ana() -> Address {
        Address::new(&ChannelKind::Sms, "+14155550100").unwrap()
    }

    #[test]
    fn every_default_opt_out_keyword_opts_out() {
        for word in [
            "STOP",
            "stop",
            "StopAll",
            "UNSUBSCRIBE",
            "cancel",
            "End",
            "QUIT",
            "revoke",
            "OPTOUT",
            "退订",
            "td",
            " STOP ",
            "STOP.",
            "\"stop\"",
            "STOP!!",
            "stop 🙏",
            "ＳＴＯＰ",
            "\u{3000}退订。",
        ] {
            let mut r = ConsentRegistry::default();
            assert_eq!(
                r.on_inbound(&sms(), &ana(), word, Timestamp::EPOCH),
                Some(ConsentEvent::OptedOut { repeated: false }),
                "{word:?}"
            );
            assert!(r.is_opted_out(&sms(), &ana()));
        }
    }

    #[test]
    fn keywords_inside_sentences_are_ordinary_messages() {
        let mut r = ConsentRegistry::default();
        for text in [
            "STOP PLEASE",
            "please cancel",
            "don't stop",
            "stopped",
            "STOP-ALL now",
            "",
            "   ",
            "!!!",
        ] {
            assert_eq!(
                r.on_inbound(&sms(), &ana(), text, Timestamp::EPOCH),
                None,
                "{text:?}"
            );
        }
        assert_eq!(r.get(&sms(), &ana()), None);
    }

    #[test]
    fn opt_in_only_acts_after_opt_out() {
        let mut r = ConsentRegistry::default();
        assert_eq!(r.on_inbound(&sms(), &ana(), "YES", Timestamp::EPOCH), None);
        r.on_inbound(&sms(), &ana(), "STOP", Timestamp::from_millis(5));
        assert_eq!(
            r.on_inbound(&sms(), &ana(), "stop", Timestamp::from_millis(6)),
            Some(ConsentEvent::OptedOut { repeated: true })
        );
        assert_eq!(
            r.get(&sms(), &ana()).unwrap().since,
            Timestamp::from_millis(5)
        );
        assert_eq!(
            r.on_inbound(&sms(), &ana(), "unstop", Timestamp::from_millis(9)),
            Some(ConsentEvent::OptedIn)
        );
        assert_eq!(
            r.get(&sms(), &ana()),
            Some(ConsentRecord {
                state: ConsentState::OptedIn,
                since: Timestamp::from_millis(9)
            })
        );
    }

    #[test]
    fn help_reports_whether_the_sender_is_opted_out() {
        let mut r = ConsentRegistry::default();
        assert_eq!(
            r.on_inbound(&sms(), &ana(), "HELP", Timestamp::EPOCH),
            Some(ConsentEvent::Help { opted_out: false })
        );
        r.on_inbound(&sms(), &ana(), "STOP", Timestamp::EPOCH);
        assert_eq!(
            r.on_inbound(&sms(), &ana(), "info", Timestamp::EPOCH),
            Some(ConsentEvent::Help { opted_out: true })
        );
    }

    #[test]
    fn keywords_apply_only_to_configured_channels() {
        let mut r = ConsentRegistry::default();
        let wa = ChannelKind::WhatsApp;
        let id = Address::new(&wa, "14155550100").unwrap();
        assert_eq!(r.on_inbound(&wa, &id, "STOP", Timestamp::EPOCH), None);
        let mut r = ConsentRegistry::new(
            ConsentKeywords::default().on_channels([ChannelKind::Sms, wa.clone()]),
        );
        assert!(r.on_inbound(&wa, &id, "STOP", Timestamp::EPOCH).is_some());
        assert!(r.check_send(&wa, &id).is_err());
        assert!(
            r.check_send(&sms(), &ana()).is_ok(),
            "consent is per channel"
        );
    }

    #[test]
    fn configured_keywords_extend_the_defaults() {
        let kw = ConsentKeywords::default()
            .with_opt_in(["ABONNIEREN"])
            .with_help(["HILFE"]);
        assert_eq!(kw.classify("abonnieren"), Some(Keyword::OptIn));
        assert_eq!(kw.classify("Hilfe!"), Some(Keyword::Help));
        assert_eq!(kw.classify("stop"), Some(Keyword::OptOut));
    }

    #[test]
    fn long_messages_are_never_keywords() {
        let kw = ConsentKeywords::default();
        let padded = format!("{}STOP{}", " ".repeat(200), " ".repeat(200));
        assert_eq!(kw.classify(&padded), None);
    }

    #[test]
    fn registry_round_trips_through_json() {
        let mut r = ConsentRegistry::default();
        r.on_inbound(&sms(), &ana(), "STOP", Timestamp::from_millis(42));
        let json = serde_json::to_string(&r).unwrap();
        let back: ConsentRegistry = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert!(back.is_opted_out(&sms(), &ana()));
    }
}
