//! Refuses empty names: every id, key and label the configuration declares
//! or sets (queues, bots, strategies, rules, escalation rules, templates,
//! attributes, tags, skills, intents). Calendar names are checked with the
//! calendars: they must be usable as `hours.<name>`, which an empty name
//! is not.
//!
//! An empty name cannot be referred to, or matches what it should not: a
//! rule could route to queue `""`, a tag `""` would be set on conversations,
//! an intent `""` would send to a person every turn whose bot gave no
//! intent. White space alone counts as empty. References to a name
//! (`then.queue = ""`) are reported where references are checked.

use std::collections::BTreeMap;

use super::diags::Diags;
use super::reader::Origins;
use super::spec::ConfigSpec;

fn blank(name: &str) -> bool {
    name.trim().is_empty()
}

/// Reports every empty name in `spec`, at its path.
pub(super) fn check(spec: &ConfigSpec, origins: &Origins, d: &mut Diags) {
    let mut empty = |path: String, what: &str, help: &str| {
        d.error(
            path,
            None,
            format!("{what} cannot be empty"),
            Some(help.to_owned()),
        );
    };
    for (i, q) in spec.queues.iter().enumerate() {
        let path = format!("queues[{}]", origins.queue(i));
        if blank(&q.id) {
            empty(
                format!("{path}.id"),
                "a queue id",
                "rules, overflows and transfers name a queue by its id, such as id = \"billing\"",
            );
        }
        if q.skill.as_deref().is_some_and(blank) {
            empty(
                format!("{path}.skill"),
                "a skill name",
                "name the skill agents are ranked by, such as skill = \"billing\"",
            );
        }
    }
    for (i, r) in spec.rules.iter().enumerate() {
        let path = format!("rules[{}]", origins.rule(i));
        if blank(&r.id) {
            empty(
                format!("{path}.id"),
                "a rule id",
                "decisions and explanations name the rule by its id, such as id = \"refund-vip\"",
            );
        }
        for (j, tag) in r.then.tags.iter().enumerate() {
            if blank(tag) {
                empty(
                    format!("{path}.then.tags[{j}]"),
                    "a tag",
                    "remove it, or write the tag, such as tags = [\"refund\"]",
                );
            }
        }
        keys(
            &r.then.set,
            &format!("{path}.then.set"),
            "an attribute name",
            "name the contact attribute to set, such as set = { tier = \"gold\" }",
            &mut empty,
        );
    }
    for (i, t) in spec.escalation.rules.iter().enumerate() {
        if blank(&t.id) {
            empty(
                format!("escalation.rules[{}].id", origins.trigger(i)),
                "an escalation rule id",
                "it is recorded as the reason for the handoff, such as id = \"vip\"",
            );
        }
    }
    for (j, intent) in spec.escalation.human_intents.iter().enumerate() {
        if blank(intent) {
            empty(
                format!("escalation.human_intents[{j}]"),
                "an intent",
                "list the bot intents only a person handles, such as [\"complaint\"]",
            );
        }
    }
    keys(
        &spec.bots,
        "bots",
        "a bot id",
        "it is the id the host registers the bot under, such as [bots.faq]",
        &mut empty,
    );
    keys(
        &spec.canned,
        "canned",
        "a canned response id",
        "it is the name agents and the host send it by, such as [canned.refund_status]",
        &mut empty,
    );
    keys(
        &spec.strategies,
        "strategies",
        "a strategy name",
        "it is the name queues give as `strategy` and the host installs the strategy under, such as [strategies.vip_first]",
        &mut empty,
    );
    keys(
        &spec.templates,
        "templates",
        "a template name",
        "use a notice's name, such as queued, or the name a rule's reply gives",
        &mut empty,
    );
    for (table, entries) in [
        ("contact_attributes", &spec.contact_attributes),
        ("agent_attributes", &spec.agent_attributes),
    ] {
        keys(
            entries,
            table,
            "an attribute name",
            "rules read it by name, such as tier = \"text\"",
            &mut empty,
        );
    }
}

/// Reports each empty key of `map` at `table.<key>`.
fn keys<V>(
    map: &BTreeMap<String, V>,
    table: &str,
    what: &str,
    help: &str,
    empty: &mut impl FnMut(String, &str, &str),
) {
    for key in map.keys().filter(|k| blank(k)) {
        empty(format!("{table}.{key}"), what, help);
    }
}
