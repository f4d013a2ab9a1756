//! Host assignment strategies installed through the engine under the names
//! the configuration declares: who gets offers, across reconfiguration
//! and restore, what is reported missing, and what is refused.

use std::sync::Arc;

use switchboard::Value;
use switchboard::assign::{AgentProfile, Strategy, strategy_fn};
use switchboard::config::Config;
use switchboard::engine::{Action, Inbound, Input, Output, Snapshot, StrategyError, Switchboard};
use switchboard::{Address, ChannelKind};

use crate::{World, mins};

const CONFIG: &str = r#"
[strategies.most_experienced]
[strategies.newcomers_first]

[[queues]]
id = "support"
strategy = "most_experienced"

[[queues]]
id = "sales"

[[rules]]
id = "buying"
when = "text contains 'buy'"
then = { queue = "sales" }

[defaults]
queue = "support"
"#;

/// Agents with the most `tenure_years` first; the agent view is all it
/// reads.
fn most_experienced() -> Arc<dyn Strategy> {
    Arc::new(strategy_fn("most_experienced", |agent| {
        match agent.attributes().and_then(|a| a.get("tenure_years")) {
            Some(Value::Number(years)) => 100 - years.clamp(0.0, 100.0) as u64,
            _ => 100,
        }
    }))
}

fn veteran(id: &str, years: f64) -> AgentProfile {
    let mut p = AgentProfile::new(id);
    p.attributes
        .insert("tenure_years".into(), Value::Number(years));
    p
}

/// Ana (1 year) signs in before Bo (8 years): the built-in `longest_idle`
/// offers to Ana first, `most_experienced` to Bo.
fn staff(w: &mut World) {
    w.agent_with("ana", veteran("ana", 1.0));
    w.agent_with("bo", veteran("bo", 8.0));
}

/// The agent conversation `conv` was offered to last.
fn offered(w: &World, conv: &str) -> Option<String> {
    w.actions.iter().rev().find_map(|a| match a {
        Action::Offer {
            conversation,
            agent,
            ..
        } if conversation.as_str() == conv => Some(agent.as_str().to_owned()),
        _ => None,
    })
}

fn config(src: &str) -> Box<Config> {
    Box::new(Config::from_toml_str(src).expect("test config compiles"))
}

#[test]
fn a_host_strategy_installed_through_the_engine_chooses_who_is_offered() {
    // Not installed: the queue ranks as longest_idle, and says so.
    let mut plain = World::with(CONFIG);
    assert_eq!(plain.sb.missing_strategies(), ["most_experienced"]);
    staff(&mut plain);
    plain.chat("v1", "hello");
    assert_eq!(offered(&plain, "c1").as_deref(), Some("ana"));

    // Installed before the first input.
    let mut early = World::with(CONFIG);
    early
        .sb
        .set_strategy("most_experienced", most_experienced())
        .unwrap();
    assert!(early.sb.missing_strategies().is_empty());
    staff(&mut early);
    early.chat("v1", "hello");
    assert_eq!(offered(&early, "c1").as_deref(), Some("bo"));

    // Installed once agents are signed in: they are ranked again.
    let mut late = World::with(CONFIG);
    staff(&mut late);
    late.sb
        .set_strategy("most_experienced", most_experienced())
        .unwrap();
    late.sb.check_invariants().unwrap();
    late.chat("v1", "hello");
    assert_eq!(offered(&late, "c1").as_deref(), Some("bo"));

    // Queues that name a built-in strategy are not affected.
    early.chat("v2", "I want to buy");
    assert_eq!(offered(&early, "c2").as_deref(), Some("ana"));
}

#[test]
fn a_host_strategy_survives_input_reconfigure_and_follows_the_queues_naming_it() {
    let mut w = World::with(CONFIG);
    w.sb.set_strategy("most_experienced", most_experienced())
        .unwrap();
    staff(&mut w);
    w.chat("v1", "I want to buy");
    assert_eq!(offered(&w, "c1").as_deref(), Some("ana"));

    // Support keeps the strategy under a changed entry; sales takes it up,
    // and its offer, withdrawn as the entry changed, is made again under
    // it within the same input.
    let both = CONFIG
        .replace(
            "strategy = \"most_experienced\"",
            "strategy = \"most_experienced\"\nsla = \"5m\"",
        )
        .replace(
            "id = \"sales\"",
            "id = \"sales\"\nstrategy = \"most_experienced\"",
        );
    w.clear().give(Input::Reconfigure {
        config: config(&both),
    });
    assert!(w.sb.missing_strategies().is_empty());
    assert_eq!(offered(&w, "c1").as_deref(), Some("bo"));
    assert_eq!(w.offers_to("ana"), 0, "{:#?}", w.actions);
    // Bo holds an offer and Ana is idle: longest_idle would pick Ana.
    w.chat("v2", "I want to buy");
    assert_eq!(offered(&w, "c2").as_deref(), Some("bo"));
    w.accept("bo", "c1").accept("bo", "c2");

    // Sales goes back to its built-in strategy; support keeps the host's.
    w.give(Input::Reconfigure {
        config: config(CONFIG),
    });
    w.chat("v3", "I want to buy");
    assert_eq!(offered(&w, "c3").as_deref(), Some("ana"));
    w.chat("v4", "hello");
    assert_eq!(offered(&w, "c4").as_deref(), Some("bo"));
}

#[test]
fn an_installed_strategy_outlives_a_configuration_that_does_not_declare_it() {
    let mut w = World::with(CONFIG);
    w.sb.set_strategy("most_experienced", most_experienced())
        .unwrap();
    staff(&mut w);

    w.sb.reconfigure(config(
        "[[queues]]\nid = \"support\"\n[[queues]]\nid = \"sales\"",
    ))
    .unwrap();
    assert!(w.sb.missing_strategies().is_empty());
    w.chat("v1", "hello");
    assert_eq!(offered(&w, "c1").as_deref(), Some("ana"));

    // Named again: in force at once, without installing it again.
    w.give(Input::Reconfigure {
        config: config(CONFIG),
    });
    assert!(w.sb.missing_strategies().is_empty());
    w.chat("v2", "hello");
    assert_eq!(offered(&w, "c2").as_deref(), Some("bo"));
}

#[test]
fn missing_strategies_lists_the_named_ones_not_installed() {
    let mut w = World::with(
        r#"
[strategies.by_tenure]
[strategies.vip_first]
[strategies.unused]

[[queues]]
id = "a"
strategy = "vip_first"
[[queues]]
id = "b"
strategy = "by_tenure"
[[queues]]
id = "c"
strategy = "vip_first"
[[queues]]
id = "d"
strategy = "round_robin"
"#,
    );
    // Each once, in the order of the first queue naming it; a declared
    // strategy no queue names is not missing.
    assert_eq!(w.sb.missing_strategies(), ["vip_first", "by_tenure"]);
    w.agent("ana");
    w.sb.set_strategy("by_tenure", most_experienced()).unwrap();
    assert_eq!(w.sb.missing_strategies(), ["vip_first"]);
    w.sb.set_strategy("unused", most_experienced()).unwrap();
    assert_eq!(w.sb.missing_strategies(), ["vip_first"]);
    w.sb.set_strategy("vip_first", most_experienced()).unwrap();
    assert!(w.sb.missing_strategies().is_empty());
    w.sb.check_invariants().unwrap();
}

#[test]
fn undeclared_and_built_in_names_are_refused_and_change_nothing() {
    let mut w = World::with(CONFIG);
    staff(&mut w);
    w.chat("v1", "hello");
    let before = w.snapshot_json();

    let err =
        w.sb.set_strategy("most_experienced_", most_experienced())
            .unwrap_err();
    assert_eq!(
        err,
        StrategyError::NotDeclared {
            name: "most_experienced_".into(),
            suggestion: Some("most_experienced".into()),
        }
    );
    assert_eq!(
        err.to_string(),
        "strategy `most_experienced_` is not declared in the configuration; did you mean `most_experienced`?"
    );

    let err =
        w.sb.set_strategy("vip_first", most_experienced())
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "strategy `vip_first` is not declared in the configuration; declare it as [strategies.vip_first] and name it in a queue's `strategy`"
    );

    let err =
        w.sb.set_strategy("longest_idle", most_experienced())
            .unwrap_err();
    assert!(matches!(&err, StrategyError::BuiltIn { name } if name == "longest_idle"));
    assert!(err.to_string().contains("built-in strategy"), "{err}");

    assert_eq!(w.sb.missing_strategies(), ["most_experienced"]);
    assert_eq!(w.snapshot_json(), before);
    assert!(w.sb.poll_output().is_none());
}

#[test]
fn a_restored_engine_with_the_strategy_installed_again_goes_on_as_the_original() {
    let mut w = World::with(CONFIG);
    w.sb.set_strategy("most_experienced", most_experienced())
        .unwrap();
    staff(&mut w);
    w.chat("v1", "hello");
    w.accept("bo", "c1");
    let json = w.snapshot_json();
    let snapshot = || serde_json::from_str::<Snapshot>(&json).unwrap();

    let mut again = Switchboard::restore(w.sb.config().clone(), snapshot()).unwrap();
    assert_eq!(again.missing_strategies(), ["most_experienced"]);
    again
        .set_strategy("most_experienced", most_experienced())
        .unwrap();
    assert_eq!(serde_json::to_string(&again.snapshot()).unwrap(), json);
    let mut forgot = Switchboard::restore(w.sb.config().clone(), snapshot()).unwrap();

    let t = w.now + mins(1);
    let input = Input::Inbound(Inbound::new(
        ChannelKind::WebChat,
        Address::new_unchecked("v2"),
        "hello",
    ));
    let outputs = |sb: &mut Switchboard| {
        sb.handle(t, input.clone()).unwrap();
        sb.handle_timeout(t + mins(5));
        std::iter::from_fn(|| sb.poll_output()).collect::<Vec<Output>>()
    };
    let json = |outputs: &[Output]| {
        outputs
            .iter()
            .map(|o| serde_json::to_string(o).unwrap())
            .collect::<Vec<_>>()
    };
    let original = outputs(&mut w.sb);
    assert_eq!(json(&outputs(&mut again)), json(&original));
    assert_eq!(
        serde_json::to_string(&again.snapshot()).unwrap(),
        w.snapshot_json()
    );
    // Bo has c1 and Ana is idle: without the strategy, c2 goes to Ana.
    let offer = |outputs: &[Output], to: &str| {
        outputs.iter().any(|o| {
            matches!(o, Output::Action(line)
                if matches!(&line.action, Action::Offer { agent, .. } if agent.as_str() == to))
        })
    };
    assert!(offer(&original, "bo"), "{original:#?}");
    let other = outputs(&mut forgot);
    assert!(offer(&other, "ana"), "{other:#?}");
}
