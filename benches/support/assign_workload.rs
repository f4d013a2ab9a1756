//! The assignment workload shared by `benches/assign.rs` and
//! `tests/assign_memory.rs`: 200 queues over 100 skills with Zipf-like
//! popularity, and agents with realistic skills, languages and capacities.
//! Include it next to `rng.rs` with `#[path]`.

#![allow(dead_code)]

use switchboard::ChannelKind;
use switchboard::assign::{AgentProfile, Capacity};
use switchboard::config::Config;

use super::rng::Rng;

pub(crate) const SKILLS: usize = 100;
pub(crate) const QUEUES: usize = 200;
pub(crate) const STRATEGIES: [&str; 4] =
    ["longest_idle", "least_busy", "round_robin", "most_skilled"];

/// Cumulative skill weights, Zipf-like: skill `k` weighs `1 / (k + 1)`.
pub(crate) fn skill_weights() -> Vec<f64> {
    let mut acc = 0.0;
    (0..SKILLS)
        .map(|k| {
            acc += 1.0 / (k as f64 + 1.0);
            acc
        })
        .collect()
}

/// A skill drawn by popularity.
pub(crate) fn draw_skill(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let x = rng.unit() * total;
    cumulative.partition_point(|&c| c <= x).min(SKILLS - 1)
}

/// Queue `q`'s id.
pub(crate) fn queue_id(q: usize) -> String {
    format!("q{q:03}")
}

/// Queue `q` needs skill `q % 100` at a minimum level of 1 to 5; queues 100
/// and up also need the conversation's language. Strategies rotate.
pub(crate) fn config() -> Config {
    let mut toml = String::new();
    for q in 0..QUEUES {
        let skill = q % SKILLS;
        let level = 1 + (q * 7 + q / SKILLS) % 5;
        let mut eligible = format!("agent.skills.s{skill} >= {level}");
        if q >= SKILLS {
            eligible.push_str(" and agent.languages has conversation.lang");
        }
        let strategy = STRATEGIES[q % STRATEGIES.len()];
        toml.push_str(&format!(
            "[[queues]]\nid = \"{}\"\neligible = \"{eligible}\"\nstrategy = \"{strategy}\"\npriority = {}\n",
            queue_id(q),
            q % 3
        ));
        if strategy == "most_skilled" {
            toml.push_str(&format!("skill = \"s{skill}\"\n"));
        }
        toml.push('\n');
    }
    Config::from_toml_str(&toml).unwrap_or_else(|e| panic!("{e}"))
}

/// Agent `i`: 2 to 6 skills by popularity at levels 1 to 10 (mostly in the
/// middle), English 80%, Spanish 30%, German and Chinese 10% each (at least
/// one), web chat 2 to 4, SMS 5 for half, e-mail 10 for three in ten.
pub(crate) fn profile(i: usize, rng: &mut Rng, cumulative: &[f64]) -> AgentProfile {
    let mut p = AgentProfile::new(format!("agent-{i:06}"));
    let count = 2 + rng.below(5);
    while p.skills.len() < count {
        let skill = draw_skill(rng, cumulative);
        let level = 1 + (rng.below(10) + rng.below(11)) / 2;
        p = p.with_skill(format!("s{skill}"), level as u8);
    }
    let mut langs = Vec::new();
    for (lang, percent) in [("en", 80), ("es", 30), ("de", 10), ("zh", 10)] {
        if rng.chance(percent) {
            langs.push(lang);
        }
    }
    if langs.is_empty() {
        langs.push("en");
    }
    let mut capacity = vec![(ChannelKind::WebChat, 2 + rng.below(3) as u32)];
    if rng.chance(50) {
        capacity.push((ChannelKind::Sms, 5));
    }
    if rng.chance(30) {
        capacity.push((ChannelKind::Email, 10));
    }
    p.with_languages(langs)
        .with_capacity(Capacity::new(capacity))
}
