//! How much work an agent can hold at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::ChannelKind;

/// An agent's concurrent capacity: how many conversations per channel, and
/// optionally a weighted total across channels.
///
/// Per-channel limits are the Chatwoot / Twilio TaskRouter model (chat 3,
/// SMS 5, e-mail 10, voice 1). The weighted total is the Salesforce
/// Omni-Channel / Azure Job Router model: each conversation costs its
/// channel's weight out of one budget, so "one voice call, or three chats,
/// or two chats and four e-mails" is expressible. A channel with no limit
/// cannot be assigned at all.
///
/// The JSON form is the per-channel limits, plus `budget` and `weights`
/// for a weighted total: `{"webchat": 3, "sms": 5}`, or `{"webchat": 3,
/// "email": 10, "budget": 6, "weights": {"webchat": 2}}` (so `budget` and
/// `weights` cannot be custom channel names).
///
/// # Examples
///
/// ```
/// use switchboard::assign::{Capacity, Load};
/// use switchboard::ChannelKind;
///
/// let cap = Capacity::new([(ChannelKind::WebChat, 3), (ChannelKind::Email, 10)])
///     .with_budget(6, [(ChannelKind::WebChat, 2), (ChannelKind::Email, 1)]);
///
/// let mut load = Load::default();
/// load.add(&ChannelKind::WebChat, &cap);
/// load.add(&ChannelKind::WebChat, &cap);
/// // Two chats use 4 of 6 units: one more chat (2 units) fits, as do two e-mails.
/// assert!(cap.fits(&load, &ChannelKind::WebChat));
/// load.add(&ChannelKind::Email, &cap);
/// load.add(&ChannelKind::Email, &cap);
/// assert!(!cap.fits(&load, &ChannelKind::Email)); // 6 of 6 units
/// assert!(!cap.fits(&load, &ChannelKind::Sms)); // no SMS limit: none
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    /// Most conversations at once, per channel.
    #[serde(flatten)]
    pub channels: BTreeMap<ChannelKind, u32>,
    /// Units each channel's conversation costs out of `budget`; channels
    /// not listed cost 1.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<ChannelKind, u32>,
    /// Total units, when capacity is weighted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<u32>,
}

impl Capacity {
    /// Per-channel limits only.
    pub fn new(channels: impl IntoIterator<Item = (ChannelKind, u32)>) -> Self {
        Capacity {
            channels: channels.into_iter().collect(),
            weights: BTreeMap::new(),
            budget: None,
        }
    }

    /// Adds a weighted total: each conversation costs its channel's weight
    /// (1 when not listed) out of `budget`.
    pub fn with_budget(
        mut self,
        budget: u32,
        weights: impl IntoIterator<Item = (ChannelKind, u32)>,
    ) -> Self {
        self.budget = Some(budget);
        self.weights = weights.into_iter().collect();
        self
    }

    /// The limit on `channel` (0 when not listed).
    pub fn limit(&self, channel: &ChannelKind) -> u32 {
        self.channels.get(channel).copied().unwrap_or(0)
    }

    /// Units one conversation on `channel` costs.
    pub fn weight(&self, channel: &ChannelKind) -> u32 {
        self.weights.get(channel).copied().unwrap_or(1)
    }

    /// Whether one more conversation on `channel` fits on top of `load`.
    pub fn fits(&self, load: &Load, channel: &ChannelKind) -> bool {
        let per_channel = load.on(channel) < self.limit(channel);
        let total = self
            .budget
            .is_none_or(|b| load.units.saturating_add(self.weight(channel)) <= b);
        per_channel && total
    }

    /// How full `load` makes the agent, from 0 (idle) to 1 (full): the
    /// larger of the budget used and the fullest channel. Used by the
    /// `least_busy` strategy.
    ///
    /// ```
    /// use switchboard::assign::{Capacity, Load};
    /// use switchboard::ChannelKind;
    ///
    /// let cap = Capacity::new([(ChannelKind::WebChat, 4)]);
    /// let mut load = Load::default();
    /// load.add(&ChannelKind::WebChat, &cap);
    /// assert_eq!(cap.load_ratio(&load), 0.25);
    /// ```
    pub fn load_ratio(&self, load: &Load) -> f64 {
        let mut ratio: f64 = 0.0;
        for (channel, &limit) in &self.channels {
            if limit > 0 {
                ratio = ratio.max(f64::from(load.on(channel)) / f64::from(limit));
            }
        }
        if let Some(b) = self.budget.filter(|b| *b > 0) {
            ratio = ratio.max(f64::from(load.units) / f64::from(b));
        }
        ratio.min(1.0)
    }
}

/// What an agent currently holds: conversations per channel and units of
/// the weighted budget.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Load {
    per_channel: BTreeMap<ChannelKind, u32>,
    units: u32,
}

impl Load {
    /// Conversations held on `channel`.
    pub fn on(&self, channel: &ChannelKind) -> u32 {
        self.per_channel.get(channel).copied().unwrap_or(0)
    }

    /// Budget units in use.
    pub fn units(&self) -> u32 {
        self.units
    }

    /// Conversations held on all channels.
    pub fn total(&self) -> u32 {
        self.per_channel.values().sum()
    }

    /// Takes one conversation on `channel`, costing its weight in `cap`.
    pub fn add(&mut self, channel: &ChannelKind, cap: &Capacity) {
        *self.per_channel.entry(channel.clone()).or_default() += 1;
        self.units = self.units.saturating_add(cap.weight(channel));
    }

    /// Releases one conversation on `channel`. Releasing what is not held
    /// changes nothing.
    pub fn remove(&mut self, channel: &ChannelKind, cap: &Capacity) {
        if let Some(n) = self.per_channel.get_mut(channel)
            && *n > 0
        {
            *n -= 1;
            if *n == 0 {
                self.per_channel.remove(channel);
            }
            self.units = self.units.saturating_sub(cap.weight(channel));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_channel_limits_are_independent() {
        let cap = Capacity::new([(ChannelKind::WebChat, 2), (ChannelKind::Sms, 1)]);
        let mut load = Load::default();
        load.add(&ChannelKind::WebChat, &cap);
        load.add(&ChannelKind::WebChat, &cap);
        assert!(!cap.fits(&load, &ChannelKind::WebChat));
        assert!(cap.fits(&load, &ChannelKind::Sms));
        assert_eq!(load.total(), 2);
    }

    #[test]
    fn the_budget_caps_the_mix() {
        // One voice call (weight 6) or up to three chats (weight 2).
        let cap = Capacity::new([(ChannelKind::Voice, 1), (ChannelKind::WebChat, 3)])
            .with_budget(6, [(ChannelKind::Voice, 6), (ChannelKind::WebChat, 2)]);
        let mut load = Load::default();
        load.add(&ChannelKind::WebChat, &cap);
        assert!(!cap.fits(&load, &ChannelKind::Voice));
        load.remove(&ChannelKind::WebChat, &cap);
        assert!(cap.fits(&load, &ChannelKind::Voice));
        load.add(&ChannelKind::Voice, &cap);
        assert!(!cap.fits(&load, &ChannelKind::WebChat));
        assert_eq!(cap.load_ratio(&load), 1.0);
    }

    #[test]
    fn releasing_what_is_not_held_changes_nothing() {
        let cap = Capacity::new([(ChannelKind::Sms, 1)]);
        let mut load = Load::default();
        load.remove(&ChannelKind::Sms, &cap);
        assert_eq!(load, Load::default());
    }

    #[test]
    fn the_json_form() {
        let cap: Capacity = serde_json::from_str(
            r#"{"webchat": 3, "email": 10, "weights": {"webchat": 2}, "budget": 8}"#,
        )
        .unwrap();
        assert_eq!(cap.limit(&ChannelKind::Email), 10);
        assert_eq!(cap.weight(&ChannelKind::WebChat), 2);
        assert_eq!(cap.weight(&ChannelKind::Email), 1);
        assert_eq!(cap.budget, Some(8));
        let back: Capacity = serde_json::from_str(&serde_json::to_string(&cap).unwrap()).unwrap();
        assert_eq!(back, cap);
        let plain: Capacity = serde_json::from_str(r#"{"sms": 5}"#).unwrap();
        assert_eq!(plain, Capacity::new([(ChannelKind::Sms, 5)]));
    }
}
