//! One agent: profile, presence, load and the rules on when they may be
//! offered work.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::capacity::{Capacity, Slots};
use crate::expr::InternedAgent;
use crate::model::{AgentId, Attributes, ChannelKind, Timestamp};
use crate::symbols::Symbols;

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
    /// A skill with an empty name.
    #[error("a skill name is empty")]
    EmptySkill,
    /// An empty language tag.
    #[error("a language is empty; use a tag such as `en` or `zh-Hans`")]
    EmptyLanguage,
    /// An attribute with an empty name.
    #[error("an attribute name is empty")]
    EmptyAttribute,
    /// An attribute of another type than `[agent_attributes]` declares.
    #[error(
        "agent attribute `{name}` is declared as {declared} in [agent_attributes], but the profile gives a {given}"
    )]
    AttributeType {
        /// The attribute.
        name: String,
        /// Its declared type.
        declared: &'static str,
        /// The type of the value given.
        given: &'static str,
    },
}

impl AgentProfile {
    /// A profile with no skills, languages or capacity.
    ///
    /// Give it a capacity: an agent with no [`Capacity`] on a channel is
    /// never offered anything there, so with none at all they are never
    /// offered anything. And sign them in: a new agent starts offline.
    /// With the engine, the usual three lines:
    ///
    /// ```
    /// use switchboard::{AgentId, AgentProfile, Capacity, ChannelKind, Config, Input, Presence, Switchboard, Timestamp};
    ///
    /// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
    /// # let now = Timestamp::from_millis(1_700_000_000_000);
    /// let ana = AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::WebChat, 3), (ChannelKind::Sms, 5)]));
    /// sb.handle(now, Input::AgentUpsert(ana))?;
    /// sb.handle(now, Input::AgentStatus { agent: AgentId::new("ana"), status: Presence::Available })?;
    /// # assert_eq!(sb.agent(&AgentId::new("ana")).unwrap().presence(), Presence::Available);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// With the [`Assigner`](super::Assigner) alone,
    /// [`upsert_agent`](super::Assigner::upsert_agent) then
    /// [`set_presence`](super::Assigner::set_presence).
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
    /// An empty id, skill name, language or attribute name, or a skill
    /// level above [`MAX_SKILL_LEVEL`]. (The types of declared attributes
    /// are checked against the configuration when the assigner takes the
    /// profile.)
    pub fn validate(&self) -> Result<(), AgentError> {
        if self.agent.as_str().trim().is_empty() {
            return Err(AgentError::EmptyId);
        }
        if self.skills.keys().any(|k| k.trim().is_empty()) {
            return Err(AgentError::EmptySkill);
        }
        if self.languages.iter().any(|l| l.trim().is_empty()) {
            return Err(AgentError::EmptyLanguage);
        }
        if self.attributes.keys().any(|k| k.is_empty()) {
            return Err(AgentError::EmptyAttribute);
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

/// An agent as the assigner stores them: names interned, capacity and
/// holdings side by side, rarely used parts boxed. Read it through
/// [`AgentView`].
#[derive(Clone, Debug)]
pub(crate) struct AgentState {
    pub(crate) id: AgentId,
    /// `(skill, level)`, sorted by skill number.
    pub(crate) skills: Box<[(u32, u8)]>,
    pub(crate) languages: Box<[u32]>,
    pub(crate) slots: Slots,
    /// Attributes, offline grace and fairness history: boxed, as most
    /// agents need none of them.
    pub(crate) extra: Option<Box<AgentExtra>>,
    pub(crate) presence: Presence,
    /// Offers missed in a row.
    pub(crate) missed: u16,
    /// Since when the agent has held nothing (or since sign-in).
    pub(crate) idle_since: Timestamp,
    /// The assigner's offer counter at this agent's last offer (0: never):
    /// the round-robin key, and the idle order of busy agents.
    pub(crate) rotation: u64,
    pub(crate) wrap_up_until: Timestamp,
    /// Pools whose agent-only condition the agent meets.
    pub(crate) pools: Box<[u32]>,
    /// Whether the agent sits in the ready sets of its pools.
    pub(crate) ready: bool,
    /// Conversations offered to or assigned to the agent.
    pub(crate) held: Vec<u32>,
    /// The agent's pending timer, if any, in milliseconds (never 0: an
    /// agent's deadlines are always after some `now`).
    pub(crate) deadline: Option<std::num::NonZeroU64>,
    /// A profile update lowered the capacity below what the agent holds;
    /// cleared once back within it.
    pub(crate) over_ok: bool,
}

impl AgentState {
    /// A new agent, offline, idle since `now`.
    pub(crate) fn new(profile: &AgentProfile, now: Timestamp, symbols: &mut Symbols) -> Self {
        let mut a = AgentState {
            id: profile.agent.clone(),
            skills: Box::default(),
            languages: Box::default(),
            slots: Slots::default(),
            extra: None,
            presence: Presence::Offline,
            missed: 0,
            idle_since: now,
            rotation: 0,
            wrap_up_until: now,
            pools: Box::default(),
            ready: false,
            held: Vec::new(),
            deadline: None,
            over_ok: false,
        };
        a.update(profile, symbols);
        a
    }

    /// Replaces the profile, keeping presence, holdings and history.
    pub(crate) fn update(&mut self, profile: &AgentProfile, symbols: &mut Symbols) {
        let mut skills: Vec<(u32, u8)> = profile
            .skills
            .iter()
            .map(|(k, &v)| (symbols.intern(k), v))
            .collect();
        skills.sort_unstable();
        self.skills = skills.into();
        let mut langs: Vec<u32> = profile
            .languages
            .iter()
            .map(|l| symbols.intern(l))
            .collect();
        langs.dedup();
        self.languages = langs.into();
        self.slots = Slots::new(&profile.capacity, Some(&self.slots), symbols);
        self.over_ok = self.slots.over();
        if !profile.attributes.is_empty() || self.extra.is_some() {
            self.extra_mut().attributes = profile.attributes.clone();
        }
    }

    fn extra_mut(&mut self) -> &mut AgentExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// The agent's pending timer.
    pub(crate) fn deadline(&self) -> Option<Timestamp> {
        self.deadline.map(|d| Timestamp::from_millis(d.get()))
    }

    /// Host attributes, if any.
    pub(crate) fn attributes(&self) -> Option<&Attributes> {
        self.extra
            .as_ref()
            .map(|e| &e.attributes)
            .filter(|a| !a.is_empty())
    }

    /// When the offline grace period ends, while one runs.
    pub(crate) fn grace_until(&self) -> Option<Timestamp> {
        self.extra.as_ref().and_then(|e| e.grace_until)
    }

    pub(crate) fn set_grace(&mut self, until: Option<Timestamp>) {
        if until.is_some() || self.extra.is_some() {
            self.extra_mut().grace_until = until;
        }
    }

    /// Times of recent assignments (kept under a fairness cap only).
    pub(crate) fn recent(&self) -> &[Timestamp] {
        self.extra.as_ref().map_or(&[], |e| &e.recent)
    }

    pub(crate) fn recent_mut(&mut self) -> &mut Vec<Timestamp> {
        &mut self.extra_mut().recent
    }

    /// The agent as expressions see it.
    pub(crate) fn facts<'a>(&'a self, symbols: &'a Symbols) -> InternedAgent<'a> {
        InternedAgent {
            id: &self.id,
            skills: &self.skills,
            languages: &self.languages,
            channels: self.slots.channels(),
            attributes: self.attributes(),
            symbols,
        }
    }
}

/// The rarely needed parts of an agent.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentExtra {
    pub(crate) attributes: Attributes,
    /// Set while offline with assigned conversations in their grace period.
    pub(crate) grace_until: Option<Timestamp>,
    pub(crate) recent: Vec<Timestamp>,
}

/// A read-only view of an agent in an [`Assigner`](super::Assigner), and
/// what a [`Strategy`](super::Strategy) ranks.
///
/// # Examples
///
/// ```
/// use switchboard::assign::{AgentProfile, Assigner, Capacity, Presence};
/// use switchboard::config::Config;
/// use switchboard::{AgentId, ChannelKind, Timestamp};
///
/// let config = Config::from_toml_str("[[queues]]\nid = \"support\"")?;
/// let t0 = Timestamp::from_millis(0);
/// let mut assigner = Assigner::new(config.into(), t0);
/// let ana = AgentProfile::new("ana")
///     .with_skill("billing", 3)
///     .with_capacity(Capacity::new([(ChannelKind::WebChat, 2)]));
/// assigner.upsert_agent(t0, ana)?;
/// assigner.set_presence(t0, &AgentId::new("ana"), Presence::Available)?;
///
/// let view = assigner.agent(&AgentId::new("ana")).unwrap();
/// assert_eq!(view.skill("billing"), Some(3));
/// assert_eq!(view.presence(), Presence::Available);
/// assert_eq!(view.load(&ChannelKind::WebChat), 0);
/// assert_eq!(view.limit(&ChannelKind::WebChat), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct AgentView<'a> {
    pub(crate) state: &'a AgentState,
    pub(crate) symbols: &'a Symbols,
}

impl<'a> AgentView<'a> {
    /// The agent's id.
    pub fn id(&self) -> &'a AgentId {
        &self.state.id
    }

    /// Presence.
    pub fn presence(&self) -> Presence {
        self.state.presence
    }

    /// The level of `skill`, if the agent has it.
    pub fn skill(&self, skill: &str) -> Option<u8> {
        self.state.facts(self.symbols).skill(skill)
    }

    /// Skills and levels, in no particular order.
    pub fn skills(&self) -> impl Iterator<Item = (&'a str, u8)> + 'a {
        let symbols = self.symbols;
        self.state
            .skills
            .iter()
            .map(move |(s, l)| (symbols.name(*s), *l))
    }

    /// Languages.
    pub fn languages(&self) -> impl Iterator<Item = &'a str> + 'a {
        let symbols = self.symbols;
        self.state.languages.iter().map(move |l| symbols.name(*l))
    }

    /// Host attributes.
    pub fn attributes(&self) -> Option<&'a Attributes> {
        self.state.attributes()
    }

    /// Conversations held (offered or assigned) on `channel`.
    pub fn load(&self, channel: &ChannelKind) -> u32 {
        self.symbols
            .get(channel.as_str())
            .map_or(0, |c| self.state.slots.held(c))
    }

    /// The limit on `channel` (0 when the agent does not work it).
    pub fn limit(&self, channel: &ChannelKind) -> u32 {
        self.symbols
            .get(channel.as_str())
            .map_or(0, |c| self.state.slots.limit(c))
    }

    /// Conversations held (offered or assigned) on all channels.
    pub fn total_load(&self) -> u32 {
        self.state.slots.total()
    }

    /// How full the agent is, in thousandths (0 idle, 1000 full): the
    /// larger of the fullest channel and the weighted budget used.
    pub fn load_permille(&self) -> u32 {
        self.state.slots.permille()
    }

    /// Since when the agent has held nothing (or since they became
    /// available).
    pub fn idle_since(&self) -> Timestamp {
        self.state.idle_since
    }

    /// A counter that increases with every offer the assigner makes; this
    /// agent's value at their last offer (0 when never offered). Lower
    /// means offered longer ago: the round-robin key.
    pub fn rotation(&self) -> u64 {
        self.state.rotation
    }

    /// When the wrap-up after the agent's last conversation ends.
    pub fn wrap_up_until(&self) -> Timestamp {
        self.state.wrap_up_until
    }

    /// Offers missed (expired) in a row.
    pub fn missed_offers(&self) -> u32 {
        u32::from(self.state.missed)
    }

    /// The conversations offered or assigned to the agent, as the assigner
    /// numbers them internally; see
    /// [`Assigner::conversations_of`](super::Assigner::conversations_of)
    /// for their ids.
    pub(crate) fn held(&self) -> &'a [u32] {
        &self.state.held
    }

    /// The profile, rebuilt from what the assigner stores.
    pub fn profile(&self) -> AgentProfile {
        let symbols = self.symbols;
        let s = self.state;
        let mut capacity = Capacity::default();
        let (_, budget) = s.slots.units();
        for &c in s.slots.channels() {
            let kind: ChannelKind = symbols.name(c).parse().unwrap_or(ChannelKind::WebChat);
            let limit = s.slots.limit(c);
            if limit > 0 {
                capacity.channels.insert(kind.clone(), limit);
            }
            if budget.is_some() && s.slots.weight(c) != 1 {
                capacity.weights.insert(kind, s.slots.weight(c));
            }
        }
        capacity.budget = budget;
        AgentProfile {
            agent: s.id.clone(),
            skills: self.skills().map(|(k, v)| (k.to_owned(), v)).collect(),
            languages: self.languages().map(str::to_owned).collect(),
            capacity,
            attributes: s.attributes().cloned().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_stored_profile_is_what_eligibility_sees_and_round_trips() {
        use crate::calendar::Calendars;
        use crate::expr::{Condition, Context, Facts, Schema};
        let t = Timestamp::from_millis(0);
        let mut symbols = Symbols::default();
        let profile = AgentProfile::new("a")
            .with_skill("billing", 3)
            .with_skill("sales", 1)
            .with_languages(["de", "en"])
            .with_capacity(
                Capacity::new([(ChannelKind::WebChat, 1), (ChannelKind::Email, 4)])
                    .with_budget(4, [(ChannelKind::WebChat, 2)]),
            );
        let a = AgentState::new(&profile, t, &mut symbols);
        let c = Condition::compile(
            "agent.skills.billing >= 2 and agent.languages has 'de' and agent.channels has 'webchat' \
             and agent.skills has 'sales' and not (agent.skills has 'legal')",
            &Schema::default(),
            Context::Eligibility,
        )
        .unwrap();
        let facts = Facts::new(t).with_interned_agent(a.facts(&symbols));
        assert!(c.evaluate(&facts, &Calendars::default()));
        let view = AgentView {
            state: &a,
            symbols: &symbols,
        };
        assert_eq!(view.profile(), profile);
    }
}
