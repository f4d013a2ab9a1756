//! One agent: profile, presence, load and the rules on when they may be
//! offered work.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::capacity::{Capacity, Load};
use crate::expr::AgentFacts;
use crate::model::{AgentId, Attributes, ChannelKind, Timestamp};

/// Highest skill level.
pub const MAX_SKILL_LEVEL: u8 = 10;

/// What the host says about an agent: the `agent_upsert` input.
///
/// The JSON form:
///
/// ```json
/// {"agent": "ana", "skills": {"billing": 3, "refunds": 1}, "languages": ["es", "en"],
///  "capacity": {"webchat": 3, "sms": 5}, "attributes": {"team": "emea"}}
/// ```
///
/// # Examples
///
/// ```
/// use switchboard::assign::AgentProfile;
///
/// let ana: AgentProfile = serde_json::from_str(
///     r#"{"agent": "ana", "skills": {"billing": 3}, "languages": ["es"], "capacity": {"webchat": 3}}"#,
/// )?;
/// assert_eq!(ana.skills["billing"], 3);
/// assert!(ana.validate().is_ok());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AgentProfile {
    /// The agent.
    pub agent: AgentId,
    /// Skill levels, 0 to [`MAX_SKILL_LEVEL`].
    #[serde(default)]
    pub skills: BTreeMap<String, u8>,
    /// Languages the agent works in (BCP 47 tags).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Concurrent capacity; the channels listed are the channels the agent
    /// works.
    #[serde(default)]
    pub capacity: Capacity,
    /// Host attributes, seen as `agent.attributes.<name>`.
    #[serde(default)]
    pub attributes: Attributes,
}

/// A problem with an [`AgentProfile`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// A skill level above [`MAX_SKILL_LEVEL`].
    #[error("skill `{skill}` has level {level}; levels go from 0 to 10")]
    SkillLevel {
        /// The skill.
        skill: String,
        /// The level given.
        level: u8,
    },
    /// An empty agent id.
    #[error("the agent id is empty")]
    EmptyId,
}

impl AgentProfile {
    /// A profile with no skills, languages or capacity.
    pub fn new(agent: impl Into<AgentId>) -> Self {
        AgentProfile {
            agent: agent.into(),
            skills: BTreeMap::new(),
            languages: Vec::new(),
            capacity: Capacity::default(),
            attributes: Attributes::new(),
        }
    }

    /// Sets a skill level.
    pub fn with_skill(mut self, skill: impl Into<String>, level: u8) -> Self {
        self.skills.insert(skill.into(), level);
        self
    }

    /// Adds languages.
    pub fn with_languages<S: Into<String>>(mut self, langs: impl IntoIterator<Item = S>) -> Self {
        self.languages.extend(langs.into_iter().map(Into::into));
        self
    }

    /// Sets the capacity.
    pub fn with_capacity(mut self, capacity: Capacity) -> Self {
        self.capacity = capacity;
        self
    }

    /// Checks the profile.
    ///
    /// # Errors
    ///
    /// An empty id, or a skill level above [`MAX_SKILL_LEVEL`].
    pub fn validate(&self) -> Result<(), AgentError> {
        if self.agent.as_str().is_empty() {
            return Err(AgentError::EmptyId);
        }
        match self.skills.iter().find(|(_, l)| **l > MAX_SKILL_LEVEL) {
            Some((skill, &level)) => Err(AgentError::SkillLevel {
                skill: skill.clone(),
                level,
            }),
            None => Ok(()),
        }
    }
}

/// Whether an agent takes work.
///
/// The wire names are `available`, `away` and `offline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Presence {
    /// Takes new conversations.
    Available,
    /// Keeps the conversations they have, takes no new ones.
    Away,
    /// Signed out: their conversations go back to the queue.
    Offline,
}

/// An agent as the assigner tracks them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use switchboard::assign::{Agent, AgentProfile, Capacity, Presence};
/// use switchboard::{ChannelKind, Timestamp};
///
/// let t0 = Timestamp::from_millis(0);
/// let profile = AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::WebChat, 1)]));
/// let mut ana = Agent::new(profile, t0);
/// assert!(!ana.can_take(&ChannelKind::WebChat, t0)); // offline until they sign in
///
/// ana.set_presence(Presence::Available, t0);
/// assert!(ana.can_take(&ChannelKind::WebChat, t0));
///
/// ana.assign(&ChannelKind::WebChat, t0);
/// assert!(!ana.can_take(&ChannelKind::WebChat, t0)); // full
///
/// // Closing starts 30 s of wrap-up before the next offer.
/// let t1 = t0 + Duration::from_secs(60);
/// ana.release(&ChannelKind::WebChat, t1, Duration::from_secs(30));
/// assert!(!ana.can_take(&ChannelKind::WebChat, t1));
/// assert!(ana.can_take(&ChannelKind::WebChat, t1 + Duration::from_secs(30)));
/// assert_eq!(ana.idle_since(), t1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    profile: AgentProfile,
    channels: Vec<ChannelKind>,
    presence: Presence,
    idle_since: Timestamp,
    load: Load,
    wrap_up_until: Timestamp,
    missed_offers: u32,
}

impl Agent {
    /// A new agent, offline, idle since `now`.
    pub fn new(profile: AgentProfile, now: Timestamp) -> Self {
        let channels = profile.capacity.channels.keys().cloned().collect();
        Agent {
            profile,
            channels,
            presence: Presence::Offline,
            idle_since: now,
            load: Load::default(),
            wrap_up_until: now,
            missed_offers: 0,
        }
    }

    /// Replaces the profile, keeping presence, load and history.
    pub fn update(&mut self, profile: AgentProfile) {
        self.channels = profile.capacity.channels.keys().cloned().collect();
        self.profile = profile;
    }

    /// The profile.
    pub fn profile(&self) -> &AgentProfile {
        &self.profile
    }

    /// The agent's id.
    pub fn id(&self) -> &AgentId {
        &self.profile.agent
    }

    /// Presence.
    pub fn presence(&self) -> Presence {
        self.presence
    }

    /// Since when the agent has held no conversation (or since sign-in):
    /// the `longest_idle` strategy's key.
    pub fn idle_since(&self) -> Timestamp {
        self.idle_since
    }

    /// What the agent holds.
    pub fn load(&self) -> &Load {
        &self.load
    }

    /// Offers missed in a row.
    pub fn missed_offers(&self) -> u32 {
        self.missed_offers
    }

    /// When wrap-up after the last close ends.
    pub fn wrap_up_until(&self) -> Timestamp {
        self.wrap_up_until
    }

    /// Changes presence. Becoming available counts as the start of an idle
    /// period when the agent holds nothing, and clears missed offers.
    pub fn set_presence(&mut self, presence: Presence, now: Timestamp) {
        if presence == Presence::Available && self.presence != Presence::Available {
            self.missed_offers = 0;
            if self.load.total() == 0 {
                self.idle_since = now;
            }
        }
        self.presence = presence;
    }

    /// Whether a new conversation on `channel` may be offered at `now`:
    /// available, past wrap-up, and with room on that channel.
    pub fn can_take(&self, channel: &ChannelKind, now: Timestamp) -> bool {
        self.presence == Presence::Available
            && now >= self.wrap_up_until
            && self.profile.capacity.fits(&self.load, channel)
    }

    /// Takes a conversation on `channel`.
    pub fn assign(&mut self, channel: &ChannelKind, _now: Timestamp) {
        self.load.add(channel, &self.profile.capacity);
        self.missed_offers = 0;
    }

    /// Releases a conversation on `channel` at `now`, starting `wrap_up`
    /// before the next offer. An agent left holding nothing is idle from
    /// now.
    pub fn release(&mut self, channel: &ChannelKind, now: Timestamp, wrap_up: Duration) {
        self.load.remove(channel, &self.profile.capacity);
        self.wrap_up_until = self.wrap_up_until.max(now + wrap_up);
        if self.load.total() == 0 {
            self.idle_since = now;
        }
    }

    /// Records a missed (declined or expired) offer; returns the count in
    /// a row.
    pub fn miss_offer(&mut self) -> u32 {
        self.missed_offers += 1;
        self.missed_offers
    }

    /// The agent as expressions see it (`agent.*`).
    pub fn facts(&self) -> AgentFacts<'_> {
        AgentFacts {
            id: &self.profile.agent,
            skills: &self.profile.skills,
            languages: &self.profile.languages,
            channels: &self.channels,
            attributes: &self.profile.attributes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(n: u32) -> Capacity {
        Capacity::new([(ChannelKind::WebChat, n)])
    }

    #[test]
    fn away_keeps_work_but_takes_none() {
        let t = Timestamp::from_millis(0);
        let mut a = Agent::new(AgentProfile::new("a").with_capacity(chat(2)), t);
        a.set_presence(Presence::Available, t);
        a.assign(&ChannelKind::WebChat, t);
        a.set_presence(Presence::Away, t);
        assert!(!a.can_take(&ChannelKind::WebChat, t));
        assert_eq!(a.load().total(), 1);
    }

    #[test]
    fn missed_offers_count_in_a_row_and_reset() {
        let t = Timestamp::from_millis(0);
        let mut a = Agent::new(AgentProfile::new("a").with_capacity(chat(2)), t);
        assert_eq!(a.miss_offer(), 1);
        assert_eq!(a.miss_offer(), 2);
        a.assign(&ChannelKind::WebChat, t);
        assert_eq!(a.missed_offers(), 0);
        a.miss_offer();
        a.set_presence(Presence::Away, t);
        a.set_presence(Presence::Available, t);
        assert_eq!(a.missed_offers(), 0);
    }

    #[test]
    fn idle_time_starts_when_the_last_conversation_ends() {
        let t0 = Timestamp::from_millis(0);
        let t1 = Timestamp::from_millis(5_000);
        let t2 = Timestamp::from_millis(9_000);
        let mut a = Agent::new(AgentProfile::new("a").with_capacity(chat(2)), t0);
        a.set_presence(Presence::Available, t0);
        a.assign(&ChannelKind::WebChat, t0);
        a.assign(&ChannelKind::WebChat, t0);
        a.release(&ChannelKind::WebChat, t1, Duration::ZERO);
        assert_eq!(a.idle_since(), t0); // still holds one
        a.release(&ChannelKind::WebChat, t2, Duration::ZERO);
        assert_eq!(a.idle_since(), t2);
    }

    #[test]
    fn profiles_are_validated() {
        let bad = AgentProfile::new("a").with_skill("billing", 11);
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "skill `billing` has level 11; levels go from 0 to 10"
        );
        assert_eq!(AgentProfile::new("").validate(), Err(AgentError::EmptyId));
    }

    #[test]
    fn the_profile_is_what_eligibility_sees() {
        use crate::calendar::Calendars;
        use crate::expr::{Condition, Context, Facts, Schema};
        let t = Timestamp::from_millis(0);
        let a = Agent::new(
            AgentProfile::new("a")
                .with_skill("billing", 3)
                .with_languages(["de"])
                .with_capacity(chat(1)),
            t,
        );
        let c = Condition::compile(
            "agent.skills.billing >= 2 and agent.languages has 'de' and agent.channels has 'webchat'",
            &Schema::default(),
            Context::Eligibility,
        )
        .unwrap();
        assert!(c.evaluate(&Facts::new(t).with_agent(a.facts()), &Calendars::default()));
    }
}
