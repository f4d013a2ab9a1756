//! Reading [`Facts`] during evaluation.

use std::cell::{Cell, OnceCell};

use super::facts::Facts;
use super::program::{Env, Test, Val};
use super::schema::Fact;
use crate::calendar::{Calendars, local_hour_weekday};

/// Evaluation environment over a [`Facts`]: resolves facts, and answers
/// text atoms from a router's scan when there is one.
pub(crate) struct FactsEnv<'a> {
    facts: &'a Facts<'a>,
    calendars: &'a Calendars,
    atoms: &'a [u64],
    tests: &'a [Test],
    /// Results of shared comparisons: 0 not yet evaluated, 1 false, 2 true.
    cache: &'a [Cell<u8>],
    local: OnceCell<Option<(u32, &'static str)>>,
}

impl<'a> FactsEnv<'a> {
    /// `cache` holds one zeroed cell per entry of `tests`.
    pub(crate) fn new(
        facts: &'a Facts<'a>,
        calendars: &'a Calendars,
        atoms: &'a [u64],
        tests: &'a [Test],
        cache: &'a [Cell<u8>],
    ) -> Self {
        FactsEnv {
            facts,
            calendars,
            atoms,
            tests,
            cache,
            local: OnceCell::new(),
        }
    }

    fn agent_fact(&self, fact: &Fact) -> Option<Val<'_>> {
        if let Some(a) = &self.facts.interned_agent {
            return Some(match fact {
                Fact::AgentId => Val::Text(a.id.as_str()),
                Fact::AgentSkills => Val::SymSkills(a.skills, a.symbols),
                Fact::AgentSkill(k) => Val::Num(f64::from(a.skill(k)?)),
                Fact::AgentLanguages => Val::Syms(a.languages, a.symbols),
                Fact::AgentChannels => Val::Syms(a.channels, a.symbols),
                Fact::AgentAttr(k) => Val::of(a.attributes?.get(&**k)?),
                _ => return None,
            });
        }
        let a = self.facts.agent?;
        Some(match fact {
            Fact::AgentId => Val::Text(a.id.as_str()),
            Fact::AgentSkills => Val::Skills(a.skills),
            Fact::AgentSkill(k) => Val::Num(f64::from(*a.skills.get(&**k)?)),
            Fact::AgentLanguages => Val::Strings(a.languages),
            Fact::AgentChannels => Val::Channels(a.channels),
            Fact::AgentAttr(k) => Val::of(a.attributes.get(&**k)?),
            _ => return None,
        })
    }

    fn local(&self) -> Option<(u32, &'static str)> {
        *self
            .local
            .get_or_init(|| local_hour_weekday(self.calendars.time_zone(), self.facts.now))
    }
}

impl Env for FactsEnv<'_> {
    fn fact(&self, fact: &Fact) -> Option<Val<'_>> {
        let f = self.facts;
        let c = &f.conversation;
        Some(match fact {
            Fact::Channel => Val::Text(f.channel?.as_str()),
            Fact::Text => Val::Text(f.text),
            Fact::Lang => Val::Text(f.lang?),
            Fact::Attachments => Val::Attachments(f.attachments),
            Fact::Sentiment => Val::Num(f.sentiment?),
            Fact::Hour => Val::Num(f64::from(self.local()?.0)),
            Fact::Weekday => Val::Text(self.local()?.1),
            Fact::Contact(k) => Val::of(f.contact?.get(&**k)?),
            Fact::Hours(name) => Val::Bool(self.calendars.get(name)?.is_open(f.now)),
            Fact::ConvNew => Val::Bool(c.new),
            Fact::ConvTags => Val::Strings(c.tags),
            Fact::ConvMessages => Val::Num(f64::from(c.messages)),
            Fact::ConvQueue => Val::Text(c.queue?.as_str()),
            Fact::ConvReopened => Val::Bool(c.reopened),
            Fact::ConvLang => Val::Text(c.lang?),
            Fact::ConvChannel => Val::Text(c.channel?.as_str()),
            Fact::ConvPriority => Val::Num(f64::from(c.priority?)),
            Fact::ConvWaited => Val::Num(c.waited?.as_secs_f64()),
            Fact::ConvOrigin => Val::Text(c.origin.unwrap_or("customer")),
            Fact::ConvCampaign => Val::Text(c.campaign?),
            Fact::BotIntent => Val::Text(f.bot?.intent?),
            Fact::BotConfidence => Val::Num(f.bot?.confidence?),
            Fact::BotFallbacks => Val::Num(f64::from(f.bot?.fallbacks)),
            Fact::BotHandoff => Val::Bool(f.bot?.handoff),
            Fact::VisitUrl => Val::Text(f.visit?.url),
            Fact::VisitTitle => Val::Text(f.visit?.title?),
            Fact::VisitReferrer => Val::Text(f.visit?.referrer?),
            Fact::VisitTimeOnPage => Val::Num(f.visit?.time_on_page?),
            Fact::VisitPages => Val::Num(f64::from(f.visit?.pages?)),
            Fact::VisitVisits => Val::Num(f64::from(f.visit?.visits?)),
            Fact::VisitCartValue => Val::Num(f.visit?.cart_value?),
            Fact::VisitReturning => Val::Bool(f.visit?.returning?),
            Fact::VisitLang => Val::Text(f.visit?.lang?),
            Fact::VisitCountry => Val::Text(f.visit?.country?),
            Fact::VisitAttr(k) => Val::of(f.visit?.attributes?.get(&**k)?),
            Fact::QueueReady => Val::Num(f64::from(f.queue?.ready)),
            Fact::QueueWait => Val::Num(f.queue?.wait?.as_secs_f64()),
            Fact::AgentId
            | Fact::AgentSkills
            | Fact::AgentSkill(_)
            | Fact::AgentLanguages
            | Fact::AgentChannels
            | Fact::AgentAttr(_) => return self.agent_fact(fact),
        })
    }

    fn cached(&self, id: u32) -> bool {
        let Some(slot) = self.cache.get(id as usize) else {
            return false;
        };
        match slot.get() {
            0 => {
                let hit = self.tests[id as usize].eval(self);
                slot.set(1 + u8::from(hit));
                hit
            }
            v => v == 2,
        }
    }

    fn cached_test(&self, id: u32) -> Option<&Test> {
        self.tests.get(id as usize)
    }

    fn atom(&self, id: u32) -> bool {
        crate::bits::get(self.atoms, id as usize)
    }
}
