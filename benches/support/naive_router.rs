//! The naive baseline of the router benchmarks: every rule compiled on its
//! own with `Condition::compile` and evaluated in order, and the check that
//! it decides as the router does. Included by `benches/router.rs`.

use switchboard::config::Config;
use switchboard::expr::{Condition, Context, Facts};

use super::Message;

/// Every rule compiled on its own and evaluated in order: each text test
/// folds the message and searches it again, each `matches` runs its own
/// regex.
pub(crate) struct Naive {
    rules: Vec<NaiveRule>,
}

pub(crate) struct NaiveRule {
    id: String,
    when: Condition,
    routes: bool,
    tags: Vec<String>,
}

/// The baseline's decision: the deciding rule (`None` for the default) and
/// the tags of the matching rules up to it. It clones nothing, which errs in
/// the baseline's favour.
pub(crate) struct NaiveDecision<'a> {
    rule: Option<&'a str>,
    tags: Vec<&'a str>,
}

impl Naive {
    pub(crate) fn new(config: &Config) -> Naive {
        let rules = config
            .spec()
            .rules
            .iter()
            .map(|r| NaiveRule {
                id: r.id.clone(),
                when: Condition::compile(&r.when, config.schema(), Context::Route)
                    .unwrap_or_else(|e| panic!("rule `{}` does not compile: {e:?}", r.id)),
                routes: r.then.queue.is_some() || r.then.bot.is_some() || r.then.drop,
                tags: r.then.tags.clone(),
            })
            .collect();
        Naive { rules }
    }

    pub(crate) fn route<'a>(&'a self, facts: &Facts<'_>, config: &Config) -> NaiveDecision<'a> {
        let mut tags: Vec<&str> = Vec::new();
        for r in &self.rules {
            if r.when.evaluate(facts, config.calendars()) {
                for t in &r.tags {
                    if !tags.contains(&t.as_str()) {
                        tags.push(t);
                    }
                }
                if r.routes {
                    return NaiveDecision {
                        rule: Some(&r.id),
                        tags,
                    };
                }
            }
        }
        NaiveDecision { rule: None, tags }
    }

    /// The position of the deciding rule, or the number of rules.
    fn position(&self, rule: Option<&str>) -> usize {
        rule.and_then(|id| self.rules.iter().position(|r| r.id == id))
            .unwrap_or(self.rules.len())
    }
}

/// Routes every message both ways and panics on any difference; prints
/// what the matcher holds and where the messages are decided.
pub(crate) fn check(name: &str, config: &Config, naive: &Naive, messages: &[Message]) {
    let mut positions = Vec::new();
    let mut defaults = 0;
    for m in messages {
        let facts = m.facts();
        let fast = config.router().route(&facts);
        let slow = naive.route(&facts, config);
        let fast_rule = fast.rule.as_ref().map(|r| r.as_str());
        assert_eq!(
            fast_rule,
            slow.rule,
            "{name}, {} rules: the router and the baseline disagree on {:?}",
            config.router().len(),
            m.text
        );
        assert_eq!(fast.tags, slow.tags, "{name}: tags differ on {:?}", m.text);
        if fast_rule.is_none() {
            defaults += 1;
        }
        positions.push(naive.position(slow.rule));
    }
    positions.sort_unstable();
    let (keywords, regexes) = config.router().matcher_sizes();
    let n = config.router().len();
    eprintln!(
        "{name}/{n}: {keywords} keywords and {regexes} regexes in the matcher; \
         {defaults} of {} messages go to the default; position of the deciding \
         rule (the default counting as {n}): min {}, median {}, max {}",
        messages.len(),
        positions[0],
        positions[positions.len() / 2],
        positions[positions.len() - 1],
    );
}
