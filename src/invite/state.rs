//! What the engine keeps per visitor, and when it next looks at them.
//!
//! A visitor is known by their channel and address. While they browse
//! they have a *session*: the current page (the last view, with the time
//! the host reported on it), how many invitations this visit showed, and
//! the last one shown, which a message within the accept window accepts.
//! The session is forgotten `visit_timeout` after the last view (later if
//! an invitation still awaits an answer). Cooldown records outlive it:
//! each is kept until it lapses.
//!
//! Each visitor has at most one deadline filed at a time: the earliest of
//! the next time-on-page threshold, the end of the session and the first
//! cooldown to lapse.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::id::InvitationId;
use super::invitation::{Invitation, Invitations};
use super::visit::Visit;
use crate::model::{Address, ChannelKind, Timestamp};

/// A hash map with a fast, seedless hasher; its order never reaches an
/// output (snapshots are sorted).
type Map<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// How long a visitor's session and an invitation's offer last: the
/// `[visitors]` settings the state needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Windows {
    /// A session ends this long after the last view.
    pub(crate) visit_timeout: Duration,
    /// A message this soon after an invitation was shown accepts it.
    pub(crate) accept_window: Duration,
}

/// A visitor: their channel and address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct VisitorKey {
    pub(crate) channel: ChannelKind,
    pub(crate) visitor: Address,
}

/// One visitor's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Visitor {
    pub(crate) channel: ChannelKind,
    pub(crate) visitor: Address,
    /// The visit in progress, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) session: Option<Session>,
    /// Invitations the visitor may not be shown again before a time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) cooldowns: Vec<Cooldown>,
    /// The deadline filed for the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filed: Option<Timestamp>,
}

/// A visit in progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Session {
    /// The latest page view.
    pub(crate) last_view: Timestamp,
    /// The host's number for this visit, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) visit_number: Option<u32>,
    /// Invitations shown in this visit.
    #[serde(default)]
    pub(crate) shown: u32,
    pub(crate) page: Page,
    /// The last invitation shown in this visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_shown: Option<Shown>,
}

/// The visitor's current page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Page {
    /// The view, as reported.
    pub(crate) view: Visit,
    /// When it was reported.
    pub(crate) viewed: Timestamp,
    /// The time on the page the report gave, in milliseconds.
    #[serde(default)]
    pub(crate) reported_ms: u64,
    /// When the invitations were last checked for this page.
    pub(crate) checked: Timestamp,
}

/// An invitation shown to the visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Shown {
    pub(crate) invitation: InvitationId,
    pub(crate) at: Timestamp,
    /// Neither answered nor dismissed yet.
    pub(crate) awaiting: bool,
}

/// An invitation the visitor is not shown again before `until`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cooldown {
    pub(crate) invitation: InvitationId,
    pub(crate) until: Timestamp,
}

impl Page {
    /// The time on the page at `t`, in milliseconds: what the host
    /// reported plus the time since.
    pub(crate) fn time_on_page_ms(&self, t: Timestamp) -> u64 {
        let since = t.saturating_duration_since(self.viewed);
        let since = u64::try_from(since.as_millis()).unwrap_or(u64::MAX);
        self.reported_ms.saturating_add(since)
    }

    /// When the next time-on-page threshold after the last check falls.
    fn next_threshold(&self, invitations: &Invitations) -> Option<Timestamp> {
        let top = self.time_on_page_ms(self.checked);
        let next = invitations.next_point(top)?;
        Some(self.checked + Duration::from_millis(next - top))
    }
}

impl Session {
    /// When the session is forgotten: `visit_timeout` after the last view,
    /// or when the invitation awaiting an answer stops waiting, if later.
    pub(crate) fn ends(&self, w: Windows) -> Timestamp {
        let viewed = self.last_view + w.visit_timeout;
        match &self.last_shown {
            Some(s) if s.awaiting => viewed.max(s.at + w.accept_window),
            _ => viewed,
        }
    }

    /// The invitation shown that a message at `t` would accept.
    pub(crate) fn awaiting(&self, t: Timestamp, w: Windows) -> Option<&Shown> {
        self.last_shown
            .as_ref()
            .filter(|s| s.awaiting && t < s.at + w.accept_window)
    }
}

impl Visitor {
    fn new(key: &VisitorKey) -> Visitor {
        Visitor {
            channel: key.channel.clone(),
            visitor: key.visitor.clone(),
            session: None,
            cooldowns: Vec::new(),
            filed: None,
        }
    }

    pub(crate) fn key(&self) -> VisitorKey {
        VisitorKey {
            channel: self.channel.clone(),
            visitor: self.visitor.clone(),
        }
    }

    /// When the visitor may see `invitation` again, if not yet at `t`.
    pub(crate) fn cooling(&self, invitation: &InvitationId, t: Timestamp) -> bool {
        self.cooldowns
            .iter()
            .any(|c| c.invitation == *invitation && t < c.until)
    }

    /// Starts (or extends) `invitation`'s cooldown to `until`.
    pub(crate) fn cool(&mut self, invitation: &InvitationId, until: Timestamp) {
        match self
            .cooldowns
            .iter_mut()
            .find(|c| c.invitation == *invitation)
        {
            Some(c) => c.until = c.until.max(until),
            None => self.cooldowns.push(Cooldown {
                invitation: invitation.clone(),
                until,
            }),
        }
    }

    /// Takes in a page view at `now`: a new session when the last one
    /// ended or the host's visit number changed; the page's clock starts
    /// from the time the view reports.
    pub(crate) fn view(&mut self, now: Timestamp, mut visit: Visit, w: Windows) {
        let reported = visit.time_on_page.take().unwrap_or(0.0);
        // Whole milliseconds, as the engine's clock counts (saturating).
        let reported_ms = (reported * 1000.0).round() as u64;
        let page = Page {
            viewed: now,
            reported_ms,
            checked: now,
            view: visit,
        };
        let number = page.view.visits;
        // The visit goes on unless the host numbers it otherwise.
        let same = |s: &Session| match (number, s.visit_number) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        match &mut self.session {
            Some(s) if now < s.ends(w) && same(s) => {
                s.last_view = now;
                s.visit_number = number.or(s.visit_number);
                s.page = page;
            }
            _ => {
                self.session = Some(Session {
                    last_view: now,
                    visit_number: number,
                    shown: 0,
                    page,
                    last_shown: None,
                });
            }
        }
    }

    /// Records that `invitation` was shown at `now`.
    pub(crate) fn shown(&mut self, invitation: &Invitation, now: Timestamp) {
        if let Some(s) = &mut self.session {
            s.shown = s.shown.saturating_add(1);
            s.last_shown = Some(Shown {
                invitation: invitation.id.clone(),
                at: now,
                awaiting: true,
            });
        }
        if let Some(c) = invitation.cooldown {
            self.cool(&invitation.id, now + c);
        }
    }

    /// Runs what is due at `t`: lapsed cooldowns go, an ended session is
    /// forgotten. Returns whether a time-on-page threshold is due, for the
    /// invitations to be checked again.
    pub(crate) fn expire(&mut self, t: Timestamp, w: Windows, invitations: &Invitations) -> bool {
        self.cooldowns.retain(|c| t < c.until);
        let Some(s) = &self.session else {
            return false;
        };
        if t >= s.ends(w) {
            self.session = None;
            return false;
        }
        s.page.next_threshold(invitations).is_some_and(|d| d <= t)
    }

    /// The visitor's next deadline: the first of the next time-on-page
    /// threshold, the end of the session and the first cooldown to lapse.
    pub(crate) fn deadline(&self, w: Windows, invitations: &Invitations) -> Option<Timestamp> {
        let cooldown = self.cooldowns.iter().map(|c| c.until).min();
        let session = self.session.as_ref().map(|s| {
            let ends = s.ends(w);
            // A threshold at or past the end never runs: the session is
            // gone by then.
            match s.page.next_threshold(invitations) {
                Some(t) if t < ends => t,
                _ => ends,
            }
        });
        [cooldown, session].into_iter().flatten().min()
    }

    /// Whether nothing is left to keep.
    fn is_empty(&self) -> bool {
        self.session.is_none() && self.cooldowns.is_empty()
    }
}

/// Every visitor the engine keeps, with their deadlines.
#[derive(Clone, Debug, Default)]
pub(crate) struct Visitors {
    by_key: Map<VisitorKey, Visitor>,
    /// Each visitor's filed deadline.
    timers: BTreeSet<(Timestamp, VisitorKey)>,
}

impl Visitors {
    /// The visitor `key`, if kept.
    pub(crate) fn get(&self, key: &VisitorKey) -> Option<&Visitor> {
        self.by_key.get(key)
    }

    /// The visitor `key`, created when new (file it again afterwards).
    pub(crate) fn entry(&mut self, key: &VisitorKey) -> &mut Visitor {
        self.by_key
            .entry(key.clone())
            .or_insert_with(|| Visitor::new(key))
    }

    /// The visitor `key`, if kept, to change (file it again afterwards).
    /// Whether no visitor is known (most engines, most of the time).
    pub(crate) fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub(crate) fn get_mut(&mut self, key: &VisitorKey) -> Option<&mut Visitor> {
        self.by_key.get_mut(key)
    }

    /// Files visitor `key`'s next deadline, and forgets the visitor when
    /// nothing is left to keep.
    pub(crate) fn refile(&mut self, key: &VisitorKey, w: Windows, invitations: &Invitations) {
        let Some(v) = self.by_key.get_mut(key) else {
            return;
        };
        let next = v.deadline(w, invitations);
        if next != v.filed {
            if let Some(old) = v.filed.take() {
                self.timers.remove(&(old, key.clone()));
            }
            if let Some(t) = next {
                self.timers.insert((t, key.clone()));
            }
            v.filed = next;
        }
        if v.is_empty() {
            self.by_key.remove(key);
        }
    }

    /// Files every visitor again: the settings or thresholds changed.
    pub(crate) fn refile_all(&mut self, w: Windows, invitations: &Invitations) {
        let keys: Vec<VisitorKey> = self.by_key.keys().cloned().collect();
        for k in keys {
            self.refile(&k, w, invitations);
        }
    }

    /// The earliest deadline and its visitor.
    pub(crate) fn first(&self) -> Option<(Timestamp, &VisitorKey)> {
        self.timers.first().map(|(t, k)| (*t, k))
    }

    /// Takes the earliest deadline off the schedule, if it is due at
    /// `until`: the visitor is filed again once what was due has run.
    pub(crate) fn pop_due(&mut self, until: Timestamp) -> Option<(Timestamp, VisitorKey)> {
        let (t, _) = self.timers.first()?;
        if *t > until {
            return None;
        }
        let (t, key) = self.timers.pop_first()?;
        if let Some(v) = self.by_key.get_mut(&key) {
            v.filed = None;
        }
        Some((t, key))
    }

    /// Every visitor, ordered by channel and address (for snapshots).
    pub(crate) fn sorted(&self) -> Vec<Visitor> {
        let mut all: Vec<Visitor> = self.by_key.values().cloned().collect();
        all.sort_unstable_by(|a, b| (&a.channel, &a.visitor).cmp(&(&b.channel, &b.visitor)));
        all
    }

    /// Rebuilds from a snapshot's list.
    pub(crate) fn from_list(list: Vec<Visitor>) -> Result<Visitors, String> {
        let mut out = Visitors::default();
        for v in list {
            let key = v.key();
            if let Some(t) = v.filed {
                out.timers.insert((t, key.clone()));
            }
            if out.by_key.insert(key, v).is_some() {
                return Err("a visitor is listed twice".into());
            }
        }
        Ok(out)
    }

    /// Checks that each visitor's filed deadline is the one its state
    /// gives and is scheduled, and that nothing else is.
    pub(crate) fn check(&self, w: Windows, invitations: &Invitations) -> Result<(), String> {
        for (key, v) in &self.by_key {
            let who = format!("visitor {}:{}", key.channel, key.visitor);
            if v.key() != *key {
                return Err(format!("{who} is filed under another key"));
            }
            if v.is_empty() {
                return Err(format!("{who} is kept with nothing to keep"));
            }
            let due = v.deadline(w, invitations);
            if v.filed != due {
                return Err(format!(
                    "{who}'s timer is {:?}, its state says {due:?}",
                    v.filed
                ));
            }
            if let Some(t) = v.filed
                && !self.timers.contains(&(t, key.clone()))
            {
                return Err(format!("{who}'s timer at {t} is not scheduled"));
            }
            if let Some(s) = &v.session
                && s.page.checked < s.page.viewed
            {
                return Err(format!("{who}'s page was checked before it was viewed"));
            }
        }
        if self.timers.len() != self.by_key.values().filter(|v| v.filed.is_some()).count() {
            return Err("stray visitor timers".into());
        }
        Ok(())
    }
}
