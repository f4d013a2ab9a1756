//! The notifier: what it remembers (consent, what was sent, what waits for
//! the end of quiet hours, the notices a reply continues) and the one
//! decision it makes — send now on which channel, wait, or refuse.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::caps::SentLog;
use super::consent::{ConsentEntry, ConsentLedger, Unmet};
use super::purpose::Purpose;
use super::refusal::{Refusal, Skip, SkipReason, headline};
use crate::channel::WindowState;
use crate::channel::consent::ConsentRegistry;
use crate::config::NotifySettings;
use crate::model::{Address, ChannelKind, ContactId, Content, Origin, TemplateRef, Timestamp};

/// A notification checked and resolved: all it needs to go out, now or
/// after quiet hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Job {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<String>,
    pub(crate) purpose: Purpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) contact: Option<ContactId>,
    /// What the caps count under: the contact's id, else `channel:address`.
    pub(crate) key: String,
    /// The channels to try, in order, with the address on each.
    pub(crate) candidates: Vec<(ChannelKind, Option<Address>)>,
    /// What goes where a free-form message may.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) content: Option<Content>,
    /// What goes where the reply window is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) template: Option<TemplateRef>,
    /// The contact's time zone for quiet hours, when it has a valid one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tz: Option<String>,
}

/// What to do with a notification now.
#[derive(Debug, PartialEq)]
pub(crate) enum Plan {
    /// Send `content` to `address` on `channel`; `tried` lists the
    /// channels passed over first.
    Send {
        channel: ChannelKind,
        address: Address,
        content: Box<Content>,
        window: WindowState,
        tried: Vec<Skip>,
    },
    /// Quiet hours: try again at `until`.
    Defer { until: Timestamp },
    /// Send nothing, for `reason`.
    Refuse { reason: Refusal, tried: Vec<Skip> },
}

/// A notification sent to an address, which the customer's reply within
/// `[notifications] reply_window` continues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Notice {
    pub(crate) at: Timestamp,
    pub(crate) origin: Origin,
    pub(crate) text: String,
}

/// The notifier's deadlines.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "timer", rename_all = "snake_case")]
enum Timer {
    /// A deferred notification is due.
    Release { seq: u64 },
    /// A notice's reply window may have passed.
    Notice {
        channel: ChannelKind,
        address: Address,
    },
    /// A contact's sent log may have entries to forget.
    Prune { key: String },
}

/// Everything the engine keeps for business-initiated messages. Part of
/// the snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Notifier {
    #[serde(default)]
    pub(crate) ledger: ConsentLedger,
    #[serde(default)]
    sent: SentLog,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    deferred: BTreeMap<u64, Job>,
    #[serde(default)]
    next: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    notices: BTreeMap<ChannelKind, BTreeMap<Address, Notice>>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    timers: BTreeSet<(Timestamp, Timer)>,
}

impl Notifier {
    /// Decides what to do with `job` at `now`: the caps first, then the
    /// first channel in order whose consent, reply window and content
    /// allow it, then quiet hours. `window` says a channel's reply window
    /// for an address (`None` for channels without one).
    pub(crate) fn plan(
        &self,
        job: &Job,
        now: Timestamp,
        settings: &NotifySettings,
        registry: &ConsentRegistry,
        window: impl Fn(&ChannelKind, &Address) -> Option<WindowState>,
    ) -> Plan {
        let campaign_cap = job
            .campaign
            .as_deref()
            .and_then(|c| Some((c, settings.campaigns.get(c)?.cap?)));
        let purpose_cap = settings.caps.get(&job.purpose).copied();
        if let Err(reason) = self
            .sent
            .check(&job.key, now, job.purpose, purpose_cap, campaign_cap)
        {
            return Plan::Refuse {
                reason,
                tried: Vec::new(),
            };
        }
        let mut tried = Vec::new();
        let mut chosen = None;
        for (channel, address) in &job.candidates {
            let why = match self.fit(job, channel, address.as_ref(), settings, registry, &window) {
                Ok((content, w)) => {
                    chosen = address.clone().map(|a| (channel.clone(), a, content, w));
                    break;
                }
                Err(why) => why,
            };
            tried.push(Skip {
                channel: channel.clone(),
                why,
            });
        }
        let Some((channel, address, content, window)) = chosen else {
            let needs = |c: &ChannelKind| {
                settings.consent(c).map_or(super::Requirement::OptIn, |cc| {
                    cc.policy.requirement(job.purpose)
                })
            };
            return Plan::Refuse {
                reason: headline(&tried, job.purpose, needs),
                tried,
            };
        };
        if let Some(quiet) = settings.quiet {
            let tz = job
                .tz
                .as_deref()
                .and_then(|n| jiff::tz::TimeZone::get(n).ok())
                .unwrap_or_else(|| settings.timezone.clone());
            let until = quiet.next_allowed(&tz, now);
            if until > now {
                return Plan::Defer { until };
            }
        }
        Plan::Send {
            channel,
            address,
            content: Box::new(content),
            window,
            tried,
        }
    }

    /// What `job` sends on `channel` to `address`, or why it cannot.
    fn fit(
        &self,
        job: &Job,
        channel: &ChannelKind,
        address: Option<&Address>,
        settings: &NotifySettings,
        registry: &ConsentRegistry,
        window: &impl Fn(&ChannelKind, &Address) -> Option<WindowState>,
    ) -> Result<(Content, WindowState), SkipReason> {
        let address = address.ok_or(SkipReason::NoAddress)?;
        let consent = settings.consent(channel).ok_or(SkipReason::NoPolicy)?;
        if registry.is_opted_out(channel, address) {
            return Err(SkipReason::OptedOut);
        }
        let needs = consent.policy.requirement(job.purpose);
        self.ledger
            .meets(channel, address, job.purpose, needs)
            .map_err(|u| match u {
                Unmet::OptedOut => SkipReason::OptedOut,
                Unmet::Pending => SkipReason::Pending,
                Unmet::NoOptIn => SkipReason::NoOptIn,
            })?;
        let template = || {
            job.template
                .clone()
                .map(|t| Content::default().with_template(t))
        };
        match window(channel, address) {
            // No reply window (SMS, e-mail): free-form text only.
            None => job
                .content
                .clone()
                .map(|c| (c, WindowState::Open))
                .ok_or(SkipReason::NoText),
            Some(WindowState::Open) => job
                .content
                .clone()
                .or_else(template)
                .map(|c| (c, WindowState::Open))
                .ok_or(SkipReason::NoText),
            Some(_) => template()
                .map(|c| (c, WindowState::Closed))
                .ok_or(SkipReason::WindowClosed),
        }
    }

    /// Keeps `job` until `until`.
    pub(crate) fn defer(&mut self, job: Job, until: Timestamp) {
        self.next += 1;
        let seq = self.next;
        self.deferred.insert(seq, job);
        self.timers.insert((until, Timer::Release { seq }));
    }

    /// Records `job` as sent to `address` on `channel` at `now`: it counts
    /// against the caps, and a reply continues it.
    pub(crate) fn sent(
        &mut self,
        job: &Job,
        now: Timestamp,
        channel: &ChannelKind,
        address: &Address,
        text: String,
        settings: &NotifySettings,
    ) {
        let keep = settings.longest_cap();
        if !keep.is_zero() {
            let until = self
                .sent
                .record(&job.key, now, job.purpose, job.campaign.as_deref(), keep);
            self.timers.insert((
                until,
                Timer::Prune {
                    key: job.key.clone(),
                },
            ));
        }
        let notice = Notice {
            at: now,
            origin: Origin::notification(job.campaign.clone(), job.id.clone()),
            text,
        };
        self.notices
            .entry(channel.clone())
            .or_default()
            .insert(address.clone(), notice);
        self.timers.insert((
            now + settings.reply_window,
            Timer::Notice {
                channel: channel.clone(),
                address: address.clone(),
            },
        ));
    }

    /// The notice a message from `address` on `channel` at `now` answers,
    /// taken (a conversation starts from it).
    pub(crate) fn take_notice(
        &mut self,
        channel: &ChannelKind,
        address: &Address,
        now: Timestamp,
        settings: &NotifySettings,
    ) -> Option<Notice> {
        let by = self.notices.get_mut(channel)?;
        let live = by
            .get(address)
            .is_some_and(|n| now < n.at + settings.reply_window);
        let n = by.remove(address);
        if by.is_empty() {
            self.notices.remove(channel);
        }
        n.filter(|_| live)
    }

    /// Records a consent change.
    pub(crate) fn record(&mut self, entry: ConsentEntry) {
        self.ledger.record(entry);
    }

    /// When the notifier next needs the clock.
    pub(crate) fn poll_timeout(&self) -> Option<Timestamp> {
        self.timers.first().map(|(t, _)| *t)
    }

    /// Runs the notifier's own timers due at or before `now` and returns
    /// the deferred notifications now due, in order. Each timer is
    /// removed as it runs, so repeated calls make progress.
    pub(crate) fn due(&mut self, now: Timestamp, settings: &NotifySettings) -> Vec<Job> {
        let mut jobs = Vec::new();
        while let Some((t, timer)) = self.timers.first().cloned() {
            if t > now {
                break;
            }
            self.timers.remove(&(t, timer.clone()));
            match timer {
                Timer::Release { seq } => jobs.extend(self.deferred.remove(&seq)),
                Timer::Notice { channel, address } => {
                    if let Some(by) = self.notices.get_mut(&channel) {
                        if by
                            .get(&address)
                            .is_some_and(|n| n.at + settings.reply_window <= t)
                        {
                            by.remove(&address);
                        }
                        if by.is_empty() {
                            self.notices.remove(&channel);
                        }
                    }
                }
                Timer::Prune { key } => self.sent.prune(&key, t, settings.longest_cap()),
            }
        }
        jobs
    }

    /// How many notifications wait for quiet hours to end.
    pub(crate) fn waiting(&self) -> usize {
        self.deferred.len()
    }

    /// Whether every waiting notification has its timer (a restored
    /// snapshot must not hold one that would never be decided).
    pub(crate) fn check(&self) -> Result<(), String> {
        let timed: BTreeSet<u64> = self
            .timers
            .iter()
            .filter_map(|(_, t)| match t {
                Timer::Release { seq } => Some(*seq),
                _ => None,
            })
            .collect();
        if let Some(seq) = self.deferred.keys().find(|s| !timed.contains(s)) {
            return Err(format!("deferred notification {seq} has no timer"));
        }
        if let Some(seq) = self.deferred.keys().next_back()
            && *seq > self.next
        {
            return Err(format!(
                "deferred notification {seq} is past the counter {}",
                self.next
            ));
        }
        Ok(())
    }
}
