//! Queues naming a strategy of the host's: declared under
//! `[strategies.<name>]` it is accepted; any other name that is not built
//! in is an error with a suggestion.

use switchboard::config::{Config, ConfigSpec, QueueSpec, QueueStrategy, StrategySpec};

/// `(line, path, message, help)` of each error.
fn errors(src: &str) -> Vec<(usize, String, String, Option<String>)> {
    Config::from_toml_str(src)
        .unwrap_err()
        .errors()
        .map(|d| {
            (
                d.line.unwrap_or(0),
                d.path.clone(),
                d.message.clone(),
                d.help.clone(),
            )
        })
        .collect()
}

#[test]
fn a_queue_may_name_a_declared_host_strategy() {
    let toml = r#"
[strategies.vip_first]

[[queues]]
id = "vip"
strategy = "vip_first"

[[queues]]
id = "billing"
strategy = "most_skilled"
skill = "billing"

[[queues]]
id = "general"
"#;
    let json = r#"{
        "strategies": {"vip_first": {}},
        "queues": [
            {"id": "vip", "strategy": "vip_first"},
            {"id": "billing", "strategy": "most_skilled", "skill": "billing"},
            {"id": "general"}
        ]
    }"#;
    for config in [Config::from_toml_str(toml), Config::from_json_str(json)] {
        let config = config.unwrap();
        let strategy = |q: &str| config.queue(q).unwrap().settings.strategy.clone();
        assert_eq!(strategy("vip"), QueueStrategy::Host("vip_first".into()));
        assert_eq!(strategy("billing"), QueueStrategy::BuiltIn("most_skilled"));
        assert_eq!(strategy("general"), QueueStrategy::BuiltIn("longest_idle"));
        assert_eq!(strategy("vip").name(), "vip_first");
        assert_eq!(strategy("billing").host(), None);
        assert_eq!(config.host_strategies().collect::<Vec<_>>(), ["vip_first"]);

        // The declaration is part of the configuration as written, and
        // reads back from its JSON form.
        let back = Config::from_json_str(&serde_json::to_string(&config).unwrap()).unwrap();
        assert_eq!(back, config);
        assert!(back.spec().strategies.contains_key("vip_first"));
    }
}

#[test]
fn a_strategy_neither_built_in_nor_declared_is_an_error_with_a_suggestion() {
    let found = errors(
        r#"[strategies.vip_first]

[[queues]]
id = "a"
strategy = "round_robbin"

[[queues]]
id = "b"
strategy = "vip_frist"

[[queues]]
id = "c"
strategy = "by_tenure"
"#,
    );
    assert_eq!(
        found,
        [
            (
                5,
                "queues[0].strategy".into(),
                "unknown strategy `round_robbin`".into(),
                Some("did you mean `round_robin`?".into()),
            ),
            (
                9,
                "queues[1].strategy".into(),
                "unknown strategy `vip_frist`".into(),
                Some("did you mean `vip_first`?".into()),
            ),
            (
                13,
                "queues[2].strategy".into(),
                "unknown strategy `by_tenure`".into(),
                Some(
                    "the built-in strategies are longest_idle, least_busy, round_robin, most_skilled; declare one of your own as [strategies.by_tenure] and install it in code"
                        .into()
                ),
            ),
        ]
    );
}

#[test]
fn a_host_strategy_is_accepted_only_where_declared() {
    // The same queue, without the declaration: refused.
    let queue = "[[queues]]\nid = \"vip\"\nstrategy = \"vip_first\"\n";
    let found = errors(queue);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2, "unknown strategy `vip_first`");
    assert!(
        found[0]
            .3
            .as_deref()
            .unwrap()
            .contains("[strategies.vip_first]"),
        "{found:?}"
    );
    assert!(Config::from_toml_str(&format!("[strategies.vip_first]\n{queue}")).is_ok());

    // Built in code: the same rule.
    let mut spec = ConfigSpec::default();
    let mut q = QueueSpec::new("vip");
    q.strategy = Some("vip_first".into());
    spec.queues.push(q);
    let err = Config::from_spec(spec.clone()).unwrap_err();
    assert_eq!(
        err.errors().next().unwrap().message,
        "unknown strategy `vip_first`"
    );
    spec.strategies
        .insert("vip_first".into(), StrategySpec::default());
    let config = Config::from_spec(spec).unwrap();
    assert_eq!(
        config.queue("vip").unwrap().settings.strategy.host(),
        Some("vip_first")
    );
}

#[test]
fn a_strategy_declaration_is_a_name_of_its_own_and_nothing_more() {
    let found = errors(
        r#"[strategies.round_robin]

[strategies.vip_first]
fallback = "least_busy"

[strategies." "]
"#,
    );
    let messages: Vec<(&str, &str)> = found
        .iter()
        .map(|(_, path, message, _)| (path.as_str(), message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "strategies.round_robin",
                "`round_robin` is a built-in strategy"
            ),
            ("strategies.vip_first.fallback", "unknown key `fallback`"),
            ("strategies. ", "a strategy name cannot be empty"),
        ]
    );
    assert!(found.iter().all(|(.., help)| help.is_some()), "{found:?}");
}

#[test]
fn an_empty_strategy_name_says_what_a_queue_may_name() {
    let found = errors("[[queues]]\nid = \"q\"\nstrategy = \" \"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, path, message, help) = &found[0];
    assert_eq!(
        (*line, path.as_str(), message.as_str()),
        (3, "queues[0].strategy", "the strategy name is empty")
    );
    assert_eq!(
        help.as_deref(),
        Some(
            "name one of longest_idle, least_busy, round_robin, most_skilled or a strategy declared as [strategies.<name>], or leave `strategy` out for longest_idle"
        )
    );
}
