//! The aggregator on engine-made traffic: a week of customers, bots and
//! agents from `examples/support/traffic.rs`.

#[path = "../../examples/support/traffic.rs"]
mod synthetic;

use std::collections::HashMap;

use proptest::prelude::*;

use super::aggregate;
use switchboard::engine::{Event, EventKind};
use switchboard::metrics::Settings;

fn settings() -> Settings {
    Settings::new()
        .with_time_zone("Europe/Berlin")
        .unwrap()
        .with_wrap_up_from(&synthetic::config())
        .with_conversation_rows(true)
}

#[test]
fn first_response_agrees_with_the_engines_own_measure() {
    let events = synthetic::generate(&synthetic::Traffic::new(7, 2, 400));
    // The engine's `first_response` event measures each agent's first
    // reply from the moment the conversation began waiting, after hours
    // included; its first one per conversation is the first response.
    let m = aggregate(&events, settings().with_after_hours_waits(true));
    let rows: HashMap<String, Option<f64>> = m
        .report()
        .conversations
        .into_iter()
        .map(|r| (r.id, r.first_response_s))
        .collect();
    let (mut same, mut checked) = (0, 0);
    let mut seen = std::collections::HashSet::new();
    for e in &events {
        if let (EventKind::FirstResponse { after: Some(after) }, Some(c)) =
            (&e.kind, &e.conversation)
            && seen.insert(c.clone())
        {
            checked += 1;
            let ours = rows.get(c.as_str()).copied().flatten();
            if ours.map(|s| (s * 1000.0).round() as u128) == Some(after.as_millis()) {
                same += 1;
            }
        }
    }
    assert!(checked > 300, "{checked}");
    assert_eq!(same, checked, "{same} of {checked} first responses agree");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn a_week_split_anywhere_merges_back_to_the_whole(
        seed in 0u64..1000,
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
    ) {
        let events: Vec<Event> = synthetic::generate(&synthetic::Traffic::new(seed, 3, 300));
        let whole = aggregate(&events, settings());
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(events.len() + 1)).collect();
        at.sort_unstable();
        at.push(events.len());
        let mut merged = aggregate(&events[..at[0]], settings());
        for w in at.windows(2) {
            merged.merge(aggregate(&events[w[0]..w[1]], settings())).unwrap();
        }
        let (m, w) = (serde_json::to_value(merged.report()).unwrap(), serde_json::to_value(whole.report()).unwrap());
        prop_assert!(m == w, "merged vs whole: {}", super::merge::diff(&m, &w, "").unwrap_or_default());
    }
}
