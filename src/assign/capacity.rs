//! How much work an agent can hold at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::ChannelKind;
use crate::symbols::Symbols;

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
/// use switchboard::assign::Capacity;
/// use switchboard::ChannelKind;
///
/// // Three chats and ten e-mails at once, but a chat costs 2 units of 6:
/// // three chats, or two chats and two e-mails, or six e-mails.
/// let cap = Capacity::new([(ChannelKind::WebChat, 3), (ChannelKind::Email, 10)])
///     .with_budget(6, [(ChannelKind::WebChat, 2)]);
/// assert_eq!(cap.limit(&ChannelKind::Email), 10);
/// assert_eq!(cap.weight(&ChannelKind::WebChat), 2);
/// assert_eq!(cap.weight(&ChannelKind::Email), 1);
/// assert_eq!(cap.limit(&ChannelKind::Sms), 0); // SMS not worked
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
}

/// One channel's limit, weight and current holding, inside [`Slots`].
/// Kept in 16 bits each (limits above 65,535 conversations at once are
/// taken as 65,535).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    limit: u16,
    weight: u16,
    held: u16,
}

/// [`Slots`] as a snapshot stores them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotsParts {
    /// Per channel, in increasing order of interned name.
    pub(crate) channels: Vec<ChannelSlot>,
    /// The weighted budget, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) budget: Option<u32>,
    /// Budget units in use.
    pub(crate) units: u32,
}

/// One channel of [`SlotsParts`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChannelSlot {
    /// The interned channel name.
    pub(crate) channel: u32,
    pub(crate) limit: u16,
    pub(crate) weight: u16,
    pub(crate) held: u16,
}

/// `budget` value meaning "no weighted budget".
const NO_BUDGET: u32 = u32::MAX;

fn small(n: u32) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// An agent's capacity and what they hold, in the assigner's compact form:
/// channels as interned names, sorted, with their limits and holdings
/// alongside.
///
/// Offers count as held: a conversation offered to an agent reserves its
/// place until accepted, declined or expired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slots {
    channels: Box<[u32]>,
    slots: Box<[Slot]>,
    /// Total units, or [`NO_BUDGET`].
    budget: u32,
    units: u32,
}

impl Slots {
    /// Slots for `cap`, carrying over what `old` holds. A channel dropped
    /// from the capacity while conversations on it are held stays, with
    /// limit 0, until they are released.
    pub(crate) fn new(cap: &Capacity, old: Option<&Slots>, symbols: &mut Symbols) -> Slots {
        let mut entries: Vec<(u32, Slot)> = cap
            .channels
            .iter()
            .map(|(ch, &limit)| {
                (
                    symbols.intern(ch.as_str()),
                    Slot {
                        limit: small(limit),
                        weight: small(cap.weight(ch)),
                        held: 0,
                    },
                )
            })
            .collect();
        if let Some(old) = old {
            for (i, &ch) in old.channels.iter().enumerate() {
                let held = old.slots[i].held;
                if held == 0 {
                    continue;
                }
                match entries.iter_mut().find(|(c, _)| *c == ch) {
                    Some((_, s)) => s.held = held,
                    None => entries.push((
                        ch,
                        Slot {
                            limit: 0,
                            weight: old.slots[i].weight,
                            held,
                        },
                    )),
                }
            }
        }
        entries.sort_by_key(|(c, _)| *c);
        let units = entries
            .iter()
            .map(|(_, s)| u32::from(s.held) * u32::from(s.weight))
            .fold(0u32, u32::saturating_add);
        Slots {
            channels: entries.iter().map(|(c, _)| *c).collect(),
            slots: entries.iter().map(|(_, s)| *s).collect(),
            budget: cap.budget.map_or(NO_BUDGET, |b| b.min(NO_BUDGET - 1)),
            units,
        }
    }

    fn find(&self, channel: u32) -> Option<usize> {
        self.channels.binary_search(&channel).ok()
    }

    /// The stored form, for snapshots.
    pub(crate) fn to_parts(&self) -> SlotsParts {
        SlotsParts {
            channels: self
                .channels
                .iter()
                .zip(self.slots.iter())
                .map(|(&channel, s)| ChannelSlot {
                    channel,
                    limit: s.limit,
                    weight: s.weight,
                    held: s.held,
                })
                .collect(),
            budget: (self.budget != NO_BUDGET).then_some(self.budget),
            units: self.units,
        }
    }

    /// Slots from their stored form; `Err` when the channels are not in
    /// strictly increasing order or the budget is out of range.
    pub(crate) fn from_parts(parts: SlotsParts) -> Result<Slots, String> {
        if parts
            .channels
            .windows(2)
            .any(|w| w[0].channel >= w[1].channel)
        {
            return Err("capacity channels out of order or repeated".into());
        }
        if parts.budget == Some(NO_BUDGET) {
            return Err(format!("a budget of {NO_BUDGET}"));
        }
        Ok(Slots {
            channels: parts.channels.iter().map(|c| c.channel).collect(),
            slots: parts
                .channels
                .iter()
                .map(|c| Slot {
                    limit: c.limit,
                    weight: c.weight,
                    held: c.held,
                })
                .collect(),
            budget: parts.budget.unwrap_or(NO_BUDGET),
            units: parts.units,
        })
    }

    /// The channels, as interned names, sorted.
    pub(crate) fn channels(&self) -> &[u32] {
        &self.channels
    }

    /// Whether one more conversation on `channel` fits.
    pub(crate) fn fits(&self, channel: u32) -> bool {
        self.find(channel).is_some_and(|i| self.slot_fits(i))
    }

    fn slot_fits(&self, i: usize) -> bool {
        let s = self.slots[i];
        s.held < s.limit
            && (self.budget == NO_BUDGET
                || self.units.saturating_add(u32::from(s.weight)) <= self.budget)
    }

    /// Whether one more conversation fits on any channel.
    pub(crate) fn any_fits(&self) -> bool {
        (0..self.slots.len()).any(|i| self.slot_fits(i))
    }

    /// Takes one conversation on `channel` (one more held, even past the
    /// limit, so that releases always balance).
    pub(crate) fn add(&mut self, channel: u32) {
        if let Some(i) = self.find(channel) {
            let s = &mut self.slots[i];
            s.held = s.held.saturating_add(1);
            self.units = self.units.saturating_add(u32::from(s.weight));
        }
    }

    /// Releases one conversation on `channel`; releasing what is not held
    /// changes nothing.
    pub(crate) fn remove(&mut self, channel: u32) {
        if let Some(i) = self.find(channel)
            && self.slots[i].held > 0
        {
            let s = &mut self.slots[i];
            s.held -= 1;
            self.units = self.units.saturating_sub(u32::from(s.weight));
        }
    }

    /// Conversations held on `channel`.
    pub(crate) fn held(&self, channel: u32) -> u32 {
        self.find(channel)
            .map_or(0, |i| u32::from(self.slots[i].held))
    }

    /// The limit on `channel`.
    pub(crate) fn limit(&self, channel: u32) -> u32 {
        self.find(channel)
            .map_or(0, |i| u32::from(self.slots[i].limit))
    }

    /// The weight of `channel` in the budget.
    pub(crate) fn weight(&self, channel: u32) -> u32 {
        self.find(channel)
            .map_or(1, |i| u32::from(self.slots[i].weight))
    }

    /// Conversations held on all channels.
    pub(crate) fn total(&self) -> u32 {
        self.slots
            .iter()
            .map(|s| u32::from(s.held))
            .fold(0, u32::saturating_add)
    }

    /// Budget units in use and the budget.
    pub(crate) fn units(&self) -> (u32, Option<u32>) {
        (
            self.units,
            (self.budget != NO_BUDGET).then_some(self.budget),
        )
    }

    /// Whether any channel or the budget is over its limit.
    pub(crate) fn over(&self) -> bool {
        self.slots.iter().any(|s| s.held > s.limit)
            || (self.budget != NO_BUDGET && self.units > self.budget)
    }

    /// How full the agent is, in thousandths: the larger of the budget used
    /// and the fullest channel. The `least_busy` strategy's key.
    pub(crate) fn permille(&self) -> u32 {
        let mut r = 0u64;
        for s in &*self.slots {
            if s.limit > 0 {
                r = r.max(u64::from(s.held) * 1000 / u64::from(s.limit));
            }
        }
        if self.budget != NO_BUDGET && self.budget > 0 {
            r = r.max(u64::from(self.units) * 1000 / u64::from(self.budget));
        }
        u32::try_from(r.min(1000)).unwrap_or(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(cap: &Capacity, sym: &mut Symbols) -> Slots {
        Slots::new(cap, None, sym)
    }

    #[test]
    fn per_channel_limits_are_independent() {
        let mut sym = Symbols::default();
        let cap = Capacity::new([(ChannelKind::WebChat, 2), (ChannelKind::Sms, 1)]);
        let mut s = slots(&cap, &mut sym);
        let (chat, sms) = (sym.intern("webchat"), sym.intern("sms"));
        s.add(chat);
        s.add(chat);
        assert!(!s.fits(chat));
        assert!(s.fits(sms));
        assert_eq!(s.total(), 2);
        assert_eq!(s.permille(), 1000);
    }

    #[test]
    fn the_budget_caps_the_mix() {
        // One voice call (weight 6) or up to three chats (weight 2).
        let mut sym = Symbols::default();
        let cap = Capacity::new([(ChannelKind::Voice, 1), (ChannelKind::WebChat, 3)])
            .with_budget(6, [(ChannelKind::Voice, 6), (ChannelKind::WebChat, 2)]);
        let mut s = slots(&cap, &mut sym);
        let (voice, chat) = (sym.intern("voice"), sym.intern("webchat"));
        s.add(chat);
        assert!(!s.fits(voice));
        assert_eq!(s.permille(), 333);
        s.remove(chat);
        assert!(s.fits(voice));
        s.add(voice);
        assert!(!s.fits(chat));
        assert!(!s.any_fits());
        assert_eq!(s.permille(), 1000);
    }

    #[test]
    fn releasing_what_is_not_held_changes_nothing() {
        let mut sym = Symbols::default();
        let cap = Capacity::new([(ChannelKind::Sms, 1)]);
        let mut s = slots(&cap, &mut sym);
        let before = s.clone();
        s.remove(sym.intern("sms"));
        s.remove(sym.intern("email"));
        assert_eq!(s, before);
    }

    #[test]
    fn a_new_capacity_keeps_what_is_held() {
        let mut sym = Symbols::default();
        let mut s = slots(
            &Capacity::new([(ChannelKind::Sms, 2), (ChannelKind::Email, 1)]),
            &mut sym,
        );
        let (sms, email) = (sym.intern("sms"), sym.intern("email"));
        s.add(sms);
        s.add(email);
        let s2 = Slots::new(&Capacity::new([(ChannelKind::Sms, 1)]), Some(&s), &mut sym);
        assert_eq!(s2.held(sms), 1);
        assert!(!s2.fits(sms));
        // E-mail was dropped but one is still held: it stays, at limit 0.
        assert_eq!((s2.held(email), s2.limit(email)), (1, 0));
        assert!(s2.over());
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
