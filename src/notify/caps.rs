//! Frequency caps: how many notifications each contact got, per purpose
//! and campaign, over a sliding window.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::purpose::Purpose;
use super::refusal::{CapScope, Refusal};
use crate::model::Timestamp;

/// At most `max` messages per `per`, per contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cap {
    pub(crate) max: u32,
    #[serde(with = "crate::config::duration::serde_str")]
    pub(crate) per: Duration,
}

/// One notification sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Sent {
    at: Timestamp,
    purpose: Purpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    campaign: Option<String>,
}

/// What each contact was sent within the longest cap's window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SentLog {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    by: BTreeMap<String, VecDeque<Sent>>,
}

impl SentLog {
    /// How many sent to `key` after `since` match `f`.
    fn count(&self, key: &str, since: Timestamp, f: impl Fn(&Sent) -> bool) -> u32 {
        self.by.get(key).map_or(0, |log| {
            let n = log.iter().filter(|s| s.at > since && f(s)).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        })
    }

    /// Whether one more `purpose` message of `campaign` to `key` at `now`
    /// stays within `purpose_cap` and `campaign_cap`.
    pub(crate) fn check(
        &self,
        key: &str,
        now: Timestamp,
        purpose: Purpose,
        purpose_cap: Option<Cap>,
        campaign: Option<(&str, Cap)>,
    ) -> Result<(), Refusal> {
        if let Some(cap) = purpose_cap
            && self.count(key, now.saturating_sub(cap.per), |s| s.purpose == purpose) >= cap.max
        {
            return Err(Refusal::Capped {
                scope: CapScope::Purpose { purpose },
                max: cap.max,
                per: cap.per,
            });
        }
        if let Some((name, cap)) = campaign
            && self.count(key, now.saturating_sub(cap.per), |s| {
                s.campaign.as_deref() == Some(name)
            }) >= cap.max
        {
            return Err(Refusal::Capped {
                scope: CapScope::Campaign {
                    campaign: name.to_owned(),
                },
                max: cap.max,
                per: cap.per,
            });
        }
        Ok(())
    }

    /// Records a message to `key` at `now`, forgetting what is older than
    /// `keep`; returns when the key's log empties, if nothing else is sent.
    pub(crate) fn record(
        &mut self,
        key: &str,
        now: Timestamp,
        purpose: Purpose,
        campaign: Option<&str>,
        keep: Duration,
    ) -> Timestamp {
        let log = self.by.entry(key.to_owned()).or_default();
        log.push_back(Sent {
            at: now,
            purpose,
            campaign: campaign.map(str::to_owned),
        });
        let cutoff = now.saturating_sub(keep);
        while log.front().is_some_and(|s| s.at <= cutoff) {
            log.pop_front();
        }
        now + keep
    }

    /// Forgets `key`'s entries older than `keep` at `now` (the whole key
    /// when none is left).
    pub(crate) fn prune(&mut self, key: &str, now: Timestamp, keep: Duration) {
        let cutoff = now.saturating_sub(keep);
        if let Some(log) = self.by.get_mut(key) {
            while log.front().is_some_and(|s| s.at <= cutoff) {
                log.pop_front();
            }
            if log.is_empty() {
                self.by.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    #[test]
    fn the_cap_counts_a_sliding_window() {
        let mut log = SentLog::default();
        let cap = Some(Cap { max: 2, per: DAY });
        let t0 = Timestamp::from_millis(1_000_000_000);
        let m = Purpose::Marketing;
        for i in 0..2 {
            let at = t0 + Duration::from_secs(i * 3600);
            assert!(log.check("k", at, m, cap, None).is_ok());
            log.record("k", at, m, None, DAY);
        }
        let third = t0 + Duration::from_secs(7200);
        assert!(matches!(
            log.check("k", third, m, cap, None),
            Err(Refusal::Capped { max: 2, .. })
        ));
        // Transactional messages do not count against the marketing cap.
        assert!(
            log.check("k", third, Purpose::Transactional, cap, None)
                .is_ok()
        );
        // A day after the first, one slot is free again.
        assert!(log.check("k", t0 + DAY, m, cap, None).is_ok());
    }

    #[test]
    fn a_campaign_cap_counts_only_that_campaign() {
        let mut log = SentLog::default();
        let t = Timestamp::from_millis(5_000);
        let cap = Cap { max: 1, per: DAY };
        log.record("k", t, Purpose::Transactional, Some("delays"), DAY);
        let again = log.check("k", t, Purpose::Transactional, None, Some(("delays", cap)));
        assert!(matches!(
            again,
            Err(Refusal::Capped {
                scope: CapScope::Campaign { .. },
                ..
            })
        ));
        assert!(
            log.check("k", t, Purpose::Transactional, None, Some(("gates", cap)))
                .is_ok()
        );
    }

    #[test]
    fn pruning_forgets_old_entries_and_empty_keys() {
        let mut log = SentLog::default();
        let t = Timestamp::from_millis(5_000);
        log.record("k", t, Purpose::Marketing, None, DAY);
        log.prune("k", t + DAY, DAY);
        assert!(log.by.is_empty());
    }
}
