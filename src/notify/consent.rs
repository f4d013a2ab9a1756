//! The consent ledger: each address's opt-ins and opt-outs per purpose,
//! with where each came from and when, exportable as a history.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::purpose::{PURPOSES, Purpose, Requirement};
use crate::model::{Address, ChannelKind, Timestamp};

/// History entries kept per address; older ones are dropped (the audit
/// log's [`ConsentChanged`](crate::engine::EventKind::ConsentChanged)
/// events keep every one).
pub const MAX_CONSENT_HISTORY: usize = 100;

/// How consent was given or withdrawn.
///
/// ```
/// use switchboard::notify::{ConsentSource, SourceKind};
///
/// let s = ConsentSource::new(SourceKind::WebForm).with_detail("https://shop.example/checkout");
/// assert_eq!(
///     serde_json::to_string(&s)?,
///     r#"{"kind":"web_form","detail":"https://shop.example/checkout"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConsentSource {
    /// The kind of source.
    pub kind: SourceKind,
    /// What identifies it: the form's URL, the keyword sent, the agent,
    /// the import file (at most `[conversations] max_text` bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ConsentSource {
    /// A source of `kind` with no detail.
    pub fn new(kind: SourceKind) -> ConsentSource {
        ConsentSource { kind, detail: None }
    }

    /// Sets the detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> ConsentSource {
        self.detail = Some(detail.into());
        self
    }

    /// A keyword the customer sent from the address itself.
    pub(crate) fn keyword(text: &str) -> ConsentSource {
        let word: String = text.trim().chars().take(32).collect();
        ConsentSource::new(SourceKind::Keyword).with_detail(word)
    }
}

/// The kind of a [`ConsentSource`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SourceKind {
    /// A form on a website or in an app (a checkbox at checkout).
    WebForm,
    /// A keyword the customer sent (START, YES, STOP …).
    Keyword,
    /// An agent recorded what the customer asked for.
    Agent,
    /// Imported from another system.
    Import,
    /// The host's own API.
    Api,
}

/// Where an address stands for a purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentStatus {
    /// Opted in (confirmed, where a double opt-in is needed).
    OptedIn,
    /// Opted in from elsewhere, waiting for the confirmation from the
    /// address itself.
    Pending,
    /// Opted out.
    OptedOut,
}

/// One change in an address's consent: the history a business shows a
/// regulator or the customer.
///
/// `purpose` is `None` for a change to the whole channel: an SMS STOP
/// (which blocks every text) or START.
///
/// ```
/// use switchboard::notify::{ConsentEntry, ConsentStatus, ConsentSource, Purpose, SourceKind};
/// use switchboard::{Address, ChannelKind, Timestamp};
///
/// let e = ConsentEntry {
///     at: Timestamp::from_millis(1_000),
///     channel: ChannelKind::Sms,
///     address: Address::new_unchecked("+14155550100"),
///     purpose: Some(Purpose::Marketing),
///     status: ConsentStatus::OptedIn,
///     source: ConsentSource::new(SourceKind::WebForm),
/// };
/// assert_eq!(
///     serde_json::to_string(&e)?,
///     r#"{"at":1000,"channel":"sms","address":"+14155550100","purpose":"marketing","status":"opted_in","source":{"kind":"web_form"}}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentEntry {
    /// When.
    pub at: Timestamp,
    /// The channel.
    pub channel: ChannelKind,
    /// The address.
    pub address: Address,
    /// The purpose; `None` for the whole channel.
    #[serde(default)]
    pub purpose: Option<Purpose>,
    /// The new status.
    pub status: ConsentStatus,
    /// Where it came from.
    pub source: ConsentSource,
}

/// Why a purpose's consent is not enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unmet {
    OptedOut,
    Pending,
    NoOptIn,
}

/// A purpose's status and since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Standing {
    pub(crate) status: ConsentStatus,
    pub(crate) since: Timestamp,
}

/// One address's consent per purpose and its history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressConsent {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    purposes: BTreeMap<Purpose, Standing>,
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    history: VecDeque<ConsentEntry>,
}

/// Every address's consent per purpose, with its history. The channel-wide
/// opt-out (STOP) lives in the [`ConsentRegistry`](crate::channel::consent::ConsentRegistry),
/// which every send checks; this ledger adds the purposes and the record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsentLedger {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    by: BTreeMap<ChannelKind, BTreeMap<Address, AddressConsent>>,
}

impl ConsentLedger {
    /// Records `entry`: the purpose's status changes (a channel-wide entry
    /// only joins the history) and the entry joins the address's history.
    pub(crate) fn record(&mut self, entry: ConsentEntry) {
        let a = self
            .by
            .entry(entry.channel.clone())
            .or_default()
            .entry(entry.address.clone())
            .or_default();
        if let Some(p) = entry.purpose {
            a.purposes.insert(
                p,
                Standing {
                    status: entry.status,
                    since: entry.at,
                },
            );
        }
        if a.history.len() == MAX_CONSENT_HISTORY {
            a.history.pop_front();
        }
        a.history.push_back(entry);
    }

    /// Where `address` stands for `purpose` on `channel`.
    pub(crate) fn standing(
        &self,
        channel: &ChannelKind,
        address: &Address,
        purpose: Purpose,
    ) -> Option<Standing> {
        self.by
            .get(channel)?
            .get(address)?
            .purposes
            .get(&purpose)
            .copied()
    }

    /// Whether the record for `purpose` meets `needs` (an opt-out never
    /// does; the channel-wide opt-out is checked elsewhere).
    pub(crate) fn meets(
        &self,
        channel: &ChannelKind,
        address: &Address,
        purpose: Purpose,
        needs: Requirement,
    ) -> Result<(), Unmet> {
        match self.standing(channel, address, purpose).map(|s| s.status) {
            Some(ConsentStatus::OptedOut) => Err(Unmet::OptedOut),
            Some(ConsentStatus::OptedIn) => Ok(()),
            _ if !needs.needs_opt_in() => Ok(()),
            Some(ConsentStatus::Pending) => Err(Unmet::Pending),
            None => Err(Unmet::NoOptIn),
        }
    }

    /// The purposes waiting for confirmation at `address` since `after`
    /// or later.
    pub(crate) fn pending_since(
        &self,
        channel: &ChannelKind,
        address: &Address,
        after: Timestamp,
    ) -> Vec<Purpose> {
        let Some(a) = self.by.get(channel).and_then(|m| m.get(address)) else {
            return Vec::new();
        };
        PURPOSES
            .into_iter()
            .filter(|p| {
                a.purposes
                    .get(p)
                    .is_some_and(|s| s.status == ConsentStatus::Pending && s.since >= after)
            })
            .collect()
    }

    /// The history of `address` on `channel`, oldest first.
    pub(crate) fn history(&self, channel: &ChannelKind, address: &Address) -> Vec<ConsentEntry> {
        self.by
            .get(channel)
            .and_then(|m| m.get(address))
            .map(|a| a.history.iter().cloned().collect())
            .unwrap_or_default()
    }
}
